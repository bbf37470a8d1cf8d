/* mb_samples: metric names, plain-number files, extraction from a result. */
#include "check.h"

#include "measure/pause.h"
#include "report/result_read.h"
#include "report/samples.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_metrics(void)
{
	struct mb_metric m;
	char err[256];
	CHECK(mb_samples_metric_parse("ops_per_s", &m, err, sizeof err) == 0, "%s", err);
	CHECK(m.better == 1 && strcmp(m.unit, "ops/s") == 0, "ops_per_s: higher is better");
	CHECK(mb_samples_metric_parse("p99_ns:load", &m, err, sizeof err) == 0, "%s", err);
	CHECK(m.better == -1 && m.source == MB_METRIC_LATENCY && strcmp(m.arg, "load") == 0 &&
	      strcmp(m.field, "p99") == 0, "p99_ns:load");
	CHECK(mb_samples_metric_parse("pause:grow", &m, err, sizeof err) == 0 &&
	      m.source == MB_METRIC_PAUSE && m.better == -1, "pause:grow");
	CHECK(mb_samples_metric_parse("bytes_per_op", &m, err, sizeof err) == 0 &&
	      strcmp(m.object, "alloc") == 0, "bytes_per_op");
	CHECK(mb_samples_metric_parse("reclaim_per_window", &m, err, sizeof err) == 0, "reclaim");
	CHECK(mb_samples_metric_parse("ops", &m, err, sizeof err) == -EINVAL &&
	      strstr(err, "'ops'"), "unknown: %s", err);
	CHECK(mb_samples_metric_parse("pause:nap", &m, err, sizeof err) == -EINVAL &&
	      strstr(err, "nap"), "unknown pause kind: %s", err);
	CHECK(mb_samples_metric_parse("p99_ns:jump", &m, err, sizeof err) == -EINVAL, "op kind");
	CHECK(mb_samples_metric_parse("ops_per_s:load", &m, err, sizeof err) == -EINVAL,
	      "ops_per_s takes no kind");
}

static int text(const char *s, struct mb_sample_set *out, char *err, size_t errlen)
{
	return mb_samples_parse_text(s, strlen(s), "f.txt", out, err, errlen);
}

static void test_text(void)
{
	struct mb_sample_set s = {0};
	char err[256] = "";
	CHECK(text("# header\n1\n\n  2.5  \n3e2 # note\r\n-4\n", &s, err, sizeof err) == 0, "%s",
	      err);
	CHECK(s.n == 1 && s.g[0].n == 4 && s.g[0].x[1] == 2.5 && s.g[0].x[2] == 300 &&
	      s.g[0].x[3] == -4 && strcmp(s.g[0].name, "f.txt") == 0, "values");
	mb_samples_free(&s);
	CHECK(text("1\n2\nabc\n", &s, err, sizeof err) == -EINVAL && strstr(err, "line 3") &&
	      strstr(err, "abc"), "malformed: %s", err);
	mb_samples_free(&s);
	CHECK(text("1\n2 3\n", &s, err, sizeof err) == -EINVAL && strstr(err, "line 2"),
	      "two numbers: %s", err);
	mb_samples_free(&s);
	CHECK(text("1\nnan\n", &s, err, sizeof err) == -EINVAL && strstr(err, "finite"), "NaN: %s",
	      err);
	mb_samples_free(&s);
	CHECK(text("-inf\n", &s, err, sizeof err) == -EINVAL && strstr(err, "line 1"), "inf: %s",
	      err);
	mb_samples_free(&s);
	CHECK(text("1e999\n", &s, err, sizeof err) == -EINVAL, "overflow: %s", err);
	mb_samples_free(&s);
	CHECK(text("", &s, err, sizeof err) == -EINVAL && strstr(err, "empty"), "empty: %s", err);
	mb_samples_free(&s);
	CHECK(text("# only\n\n", &s, err, sizeof err) == -EINVAL && strstr(err, "no numbers"),
	      "comments only: %s", err);
	mb_samples_free(&s);
	CHECK(mb_samples_parse_text("1\n\0" "2\n", 5, "f", &s, err, sizeof err) == -EINVAL,
	      "NUL byte");
	mb_samples_free(&s);

	/* Lines of any length: a number with a long comment, a long number
	 * (2.5e-301 in 300 zeros). */
	char longer[4096];
	size_t k = (size_t)snprintf(longer, sizeof longer, "1.5 # ");
	memset(longer + k, 'x', 3000);
	snprintf(longer + k + 3000, sizeof longer - k - 3000, "\n2\n0.");
	k = strlen(longer);
	memset(longer + k, '0', 300);
	snprintf(longer + k + 300, sizeof longer - k - 300, "25\n");
	CHECK(text(longer, &s, err, sizeof err) == 0 && s.g[0].n == 3 && s.g[0].x[0] == 1.5 &&
	      s.g[0].x[2] > 0 && s.g[0].x[2] < 1e-300, "long lines: %s", err);
	mb_samples_free(&s);
	longer[0] = 'y';
	CHECK(text(longer, &s, err, sizeof err) == -EINVAL && strstr(err, "line 1: not a number"),
	      "long bad line: %s", err);
	mb_samples_free(&s);

	CHECK(mb_samples_looks_json(" \n{\"a\":1}", 9), "object");
	CHECK(!mb_samples_looks_json("# x\n1\n", 6), "numbers");
	CHECK(!mb_samples_looks_json("", 0), "empty");
}

static void test_read_file(void)
{
	char *t;
	size_t n;
	char err[256];
	CHECK(mb_samples_read_file("/nonexistent/x", &t, &n, err, sizeof err) == -ENOENT &&
	      strstr(err, "cannot open"), "missing: %s", err);
	CHECK(mb_samples_read_file(".", &t, &n, err, sizeof err) == -EISDIR &&
	      strstr(err, "directory"), "directory: %s", err);
	char path[] = "/tmp/mb_samples_XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0, "mkstemp");
	/* Larger than the first buffer, to cross a reallocation. */
	for (int i = 0; i < 3000; i++)
		CHECK(write(fd, "12345\n", 6) == 6, "write");
	close(fd);
	CHECK(mb_samples_read_file(path, &t, &n, err, sizeof err) == 0 && n == 18000 &&
	      t[n] == '\0', "read %zu", n);
	struct mb_sample_set s = {0};
	CHECK(mb_samples_parse_text(t, n, "x", &s, err, sizeof err) == 0 && s.g[0].n == 3000,
	      "3000 values");
	mb_samples_free(&s);
	free(t);
	unlink(path);
}

static const char doc_text[] =
	"{\"schema\":\"mapbench/1\",\"config\":{\"window_ns\":1000},\"runs\":["
	"{\"map\":\"plain\",\"threads\":1,\"procs\":1,\"rep\":1,\"ops_per_s\":100,"
	" \"latency_ns\":{\"p99\":50},\"latency_ns_by_kind\":{\"load\":{\"p99\":40}},"
	" \"alloc\":{\"bytes_per_op\":8,\"allocs_per_op\":0.5},"
	" \"timeseries\":{\"window_ns\":1000,\"windows\":[{},{},{}]},"
	" \"pauses\":{\"events\":[{\"at_ns\":10,\"dur_ns\":300,\"kind\":\"reclaim\"},"
	"  {\"at_ns\":20,\"dur_ns\":200,\"kind\":\"reclaim\"},"
	"  {\"at_ns\":2500,\"dur_ns\":100,\"kind\":\"reclaim\"},"
	"  {\"at_ns\":30,\"dur_ns\":900,\"kind\":\"grow\"}]}},"
	"{\"map\":\"plain\",\"threads\":1,\"procs\":1,\"rep\":2,\"ops_per_s\":110,"
	" \"latency_ns\":{\"p99\":60}, \"elapsed_s\":0.0000015},"
	"{\"map\":\"sync\",\"threads\":2,\"procs\":2,\"rep\":1,\"ops_per_s\":null}"
	"]}";

static struct mb_sample_set extract(const json_t *doc, const char *metric, int want_rc)
{
	struct mb_metric m;
	char err[256] = "";
	struct mb_sample_set s = {0};
	CHECK(mb_samples_metric_parse(metric, &m, err, sizeof err) == 0, "%s", err);
	int rc = mb_samples_extract(doc, &m, &s, err, sizeof err);
	CHECK(rc == want_rc, "%s: rc %d: %s", metric, rc, err);
	return s;
}

static void test_extract(void)
{
	char err[256];
	json_t *doc = mb_result_parse(doc_text, sizeof doc_text - 1, err, sizeof err);
	CHECK(doc != NULL, "fixture: %s", err);
	if (!doc)
		return;
	struct mb_sample_set s = extract(doc, "ops_per_s", 0);
	struct mb_sample_group *p = mb_samples_find(&s, "plain/threads=1/procs=1");
	struct mb_sample_group *y = mb_samples_find(&s, "sync/threads=2/procs=2");
	CHECK(s.n == 2 && p && y, "two labels");
	CHECK(p && p->n == 2 && p->x[0] == 100 && p->x[1] == 110, "one value per repetition");
	CHECK(y && y->n == 0 && y->missing == 1, "null counts as missing");
	mb_samples_free(&s);

	s = extract(doc, "p99_ns", 0);
	CHECK(s.g[0].n == 2 && s.g[0].x[1] == 60, "p99_ns");
	mb_samples_free(&s);
	s = extract(doc, "p99_ns:load", 0);
	CHECK(s.g[0].n == 1 && s.g[0].x[0] == 40 && s.g[0].missing == 1, "p99_ns:load");
	mb_samples_free(&s);
	s = extract(doc, "allocs_per_op", 0);
	CHECK(s.g[0].n == 1 && s.g[0].x[0] == 0.5, "allocs_per_op");
	mb_samples_free(&s);
	s = extract(doc, "pause:reclaim", 0);
	CHECK(s.g[0].n == 3 && s.g[0].x[0] == 300 && s.g[0].x[2] == 100, "pause durations");
	mb_samples_free(&s);
	s = extract(doc, "pause:grow", 0);
	CHECK(s.g[0].n == 1 && s.g[0].x[0] == 900, "grow");
	mb_samples_free(&s);
	/* Run 1: three windows of the time series (2, 0, 1 reclaims); run 2
	 * has no time series: 1.5 us cut into 1 us windows (0, 0). */
	s = extract(doc, "reclaim_per_window", 0);
	CHECK(s.g[0].n == 5, "windows %zu", s.g[0].n);
	if (s.g[0].n == 5)
		CHECK(s.g[0].x[0] == 2 && s.g[0].x[1] == 0 && s.g[0].x[2] == 1 && s.g[0].x[3] == 0 &&
		      s.g[0].x[4] == 0, "counts per window");
	CHECK(s.g[1].n == 0 && s.g[1].missing == 1, "no windows: missing");
	mb_samples_free(&s);
	json_decref(doc);

	const char bad[] = "{\"schema\":\"mapbench/1\",\"runs\":[{\"map\":\"m\",\"threads\":1,"
			   "\"procs\":1,\"rep\":1,\"ops_per_s\":\"fast\","
			   "\"pauses\":{\"events\":{}}}]}";
	doc = mb_result_parse(bad, sizeof bad - 1, err, sizeof err);
	CHECK(doc != NULL, "%s", err);
	struct mb_metric m;
	mb_samples_metric_parse("ops_per_s", &m, err, sizeof err);
	s = (struct mb_sample_set){0};
	CHECK(mb_samples_extract(doc, &m, &s, err, sizeof err) == -EINVAL &&
	      strstr(err, "runs[0].ops_per_s"), "wrong type: %s", err);
	mb_samples_free(&s);
	mb_samples_metric_parse("pause:grow", &m, err, sizeof err);
	CHECK(mb_samples_extract(doc, &m, &s, err, sizeof err) == -EINVAL &&
	      strstr(err, "events"), "events not an array: %s", err);
	mb_samples_free(&s);
	json_decref(doc);
}

int main(void)
{
	test_metrics();
	test_text();
	test_read_file();
	test_extract();
	/* the metric help names every pause kind (it is written out by hand) */
	for (size_t k = 0; mb_pause_kind_names[k]; k++)
		CHECK(strstr(mb_samples_metric_help, mb_pause_kind_names[k]) != NULL,
		      "help lacks pause kind %s", mb_pause_kind_names[k]);
	CHECK_DONE();
}
