/* The export tables on a small hand-made result: exact text of every kind,
 * the run selection, the block list, and the errors (missing data, no
 * match, unknown op, a failed write) that leave the output untouched. */
#include "check.h"

#include "report/export.h"
#include "report/result_read.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Three runs of plain (threads 1, 1, 2; the third with live bytes per
 * window), one of sync with 2 threads that ended fatal. */
static const char fixture[] =
	"{\"schema\": \"mapbench/1\", \"runs\": ["
	/* runs[0] */
	"{\"map\": \"plain\", \"threads\": 1, \"procs\": 1, \"rep\": 1, \"outcome\": \"ok\","
	" \"elapsed_s\": 0.015, \"ops_per_s\": 100,"
	" \"latency_ns\": {\"samples\": 10, \"min\": 5, \"p50\": 10, \"p90\": 20, \"p99\": 40,"
	"   \"p999\": 80, \"p9999\": 80, \"max\": 80},"
	" \"latency_ns_by_kind\": {\"load\": {\"samples\": 9, \"min\": 5, \"p50\": 10, \"p90\": 20,"
	"   \"p99\": 30, \"p999\": 30, \"p9999\": 30, \"max\": 30},"
	"   \"store\": {\"samples\": 1, \"min\": 80, \"p50\": 80, \"p90\": 80, \"p99\": 80,"
	"   \"p999\": 80, \"p9999\": 80, \"max\": 80}},"
	" \"pauses\": {\"events\": [{\"at_ns\": 100, \"dur_ns\": 20, \"kind\": \"grow\", \"worker\": 0,"
	"   \"map_len\": 8, \"op_index\": 7, \"moved\": 0}, {\"at_ns\": 12000000, \"dur_ns\": 70,"
	"   \"kind\": \"lock-wait\", \"worker\": 1, \"map_len\": -1}],"
	"   \"heatmap\": {\"window_ns\": 10000000, \"duration_buckets_ns\": [16, 32, 64],"
	"   \"counts\": [[0, 1, 0], [0, 0, 1]]}},"
	" \"timeseries\": {\"window_ns\": 10000000, \"windows\": ["
	"   {\"start_ns\": 0, \"ops\": 1000, \"ops_per_s\": 100000, \"latency_samples\": 10,"
	"    \"p50_ns\": 11, \"p99_ns\": 41, \"pauses\": 1, \"pause_ns\": 20},"
	"   {\"start_ns\": 10000000, \"ops\": 0, \"ops_per_s\": null, \"latency_samples\": 0,"
	"    \"p50_ns\": 0, \"p99_ns\": 0, \"pauses\": 1, \"pause_ns\": 70}]},"
	" \"alloc\": {\"by_category\": {\"buckets\": {\"bytes\": 1}, \"entries\": {\"bytes\": 2}}}},"
	/* runs[1] */
	"{\"map\": \"plain\", \"threads\": 1, \"procs\": 1, \"rep\": 2, \"ops_per_s\": 300,"
	" \"latency_ns\": {\"samples\": 0}, \"latency_ns_by_kind\": {},"
	" \"pauses\": {\"events\": [], \"heatmap\": {\"window_ns\": 10000000,"
	"   \"duration_buckets_ns\": [], \"counts\": [[]]}},"
	" \"timeseries\": {\"window_ns\": 10000000, \"windows\": []},"
	" \"alloc\": {\"by_category\": {\"buckets\": {\"bytes\": 1}, \"entries\": {\"bytes\": 2}}}},"
	/* runs[2] */
	"{\"map\": \"plain\", \"threads\": 2, \"procs\": 1, \"rep\": 1, \"ops_per_s\": 500,"
	" \"elapsed_s\": 0.015,"
	" \"timeseries\": {\"window_ns\": 10000000, \"windows\": ["
	"   {\"start_ns\": 0, \"live_bytes\": {\"buckets\": 4096, \"entries\": 0}},"
	"   {\"start_ns\": 10000000, \"live_bytes\": {\"buckets\": 8192, \"entries\": 16}}]},"
	" \"alloc\": {\"by_category\": {\"buckets\": {\"bytes\": 1}, \"entries\": {\"bytes\": 2}},"
	"   \"live_bytes\": {\"buckets\": 8192, \"entries\": 16}, \"peak_live_bytes\": 9000}},"
	/* runs[3] */
	"{\"map\": \"sync\", \"threads\": 2, \"procs\": 2, \"rep\": 1, \"ops_per_s\": 1e9,"
	" \"outcome\": \"fatal\"}"
	"]}";

static json_t *doc;

/* Runs the writer; returns its code and the text in *text (caller frees). */
static int run(int kind, const struct mb_export_select *sel, bool blocks, char **text,
	       char *err, size_t errlen)
{
	size_t len;
	FILE *f = open_memstream(text, &len);
	int rc = mb_export_write(f, doc, kind, sel, blocks, err, errlen);
	fclose(f);
	return rc;
}

static void expect_text(int kind, const struct mb_export_select *sel, bool blocks,
			const char *want)
{
	char *text, err[256];
	int rc = run(kind, sel, blocks, &text, err, sizeof err);
	CHECK(rc == 0, "%s: rc %d: %s", mb_export_kind_name(kind), rc, err);
	CHECK(strcmp(text, want) == 0, "%s:\n--- got\n%s--- want\n%s", mb_export_kind_name(kind),
	      text, want);
	free(text);
}

static void expect_error(int kind, const struct mb_export_select *sel, int code,
			 const char *want)
{
	char *text, err[256];
	int rc = run(kind, sel, false, &text, err, sizeof err);
	CHECK(rc == code, "%s: rc %d, want %d", mb_export_kind_name(kind), rc, code);
	CHECK(strstr(err, want) != NULL, "%s: message '%s' lacks '%s'", mb_export_kind_name(kind),
	      err, want);
	CHECK(strchr(err, '\n') == NULL, "a message is one line: %s", err);
	CHECK(text[0] == '\0', "%s: output on error: %s", mb_export_kind_name(kind), text);
	free(text);
}

static void check_kinds(void)
{
	char names[128];
	CHECK(strcmp(mb_export_kind_names(names, sizeof names, " "),
		     "heatmap latency timeseries scaling alloc pauses") == 0, "names: %s", names);
	CHECK(strcmp(mb_export_kind_names(names, 12, ", "), "heatmap, la") == 0, "cut: %s", names);
	CHECK(mb_export_kind_at(MB_EXPORT_NKINDS) == NULL && mb_export_kind_at(-1) == NULL, "at");
	CHECK(mb_export_kind_parse("heatmap") == MB_EXPORT_HEATMAP, "heatmap");
	CHECK(mb_export_kind_parse("pauses") == MB_EXPORT_PAUSES, "pauses");
	CHECK(mb_export_kind_parse("Heatmap") == -EINVAL, "case matters");
	CHECK(mb_export_kind_parse("") == -EINVAL, "empty");
	for (int k = 0; k < MB_EXPORT_NKINDS; k++) {
		CHECK(mb_export_kind_parse(mb_export_kind_name(k)) == k, "round trip %d", k);
		CHECK(strstr(mb_export_kind_names(names, sizeof names, ", "), mb_export_kind_name(k)) != NULL,
		      "names list %s", mb_export_kind_name(k));
		CHECK(mb_export_kind_at(k) && mb_export_kind_at(k)->summary[0] &&
		      mb_export_kind_at(k)->columns[0], "table entry %d", k);
	}
	CHECK(mb_export_kind_name(MB_EXPORT_NKINDS) == NULL, "out of range");
	CHECK(mb_export_kind_name(-1) == NULL, "negative");
}

static void check_tables(void)
{
	struct mb_export_select first = {.run = "0"};
	expect_text(MB_EXPORT_HEATMAP, &first, false,
		    "# window start_s mid_s duration_log2 duration_ns count\n"
		    "# [0] plain/threads=1/procs=1/rep=1\n"
		    "0 0 0.005 4 16 0\n"
		    "0 0 0.005 5 32 1\n"
		    "0 0 0.005 6 64 0\n"
		    "\n"
		    "1 0.01 0.015 4 16 0\n"
		    "1 0.01 0.015 5 32 0\n"
		    "1 0.01 0.015 6 64 1\n"
		    "\n");
	struct mb_export_select load = {.run = "0", .op = "load"};
	expect_text(MB_EXPORT_LATENCY, &load, false,
		    "# percentile tail_inv value_ns\n"
		    "# [0] plain/threads=1/procs=1/rep=1/op=load\n"
		    "0 1 5\n50 2 10\n90 10 20\n99 100 30\n99.9 1000 30\n99.99 10000 30\n");
	/* Without --op: all, then every kind, each its own block. */
	expect_text(MB_EXPORT_LATENCY, &first, true,
		    "6 plain/threads=1/procs=1/rep=1/op=all\n"
		    "6 plain/threads=1/procs=1/rep=1/op=load\n"
		    "6 plain/threads=1/procs=1/rep=1/op=store\n");
	expect_text(MB_EXPORT_TIMESERIES, &first, false,
		    "# start_s ops ops_per_s latency_samples p50_ns p99_ns pauses pause_ns\n"
		    "# [0] plain/threads=1/procs=1/rep=1\n"
		    "0 1000 100000 10 11 41 1 20\n"
		    "0.01 0 NaN 0 NaN NaN 1 70\n");
	expect_text(MB_EXPORT_PAUSES, &first, false,
		    "# at_ns dur_ns kind worker map_len grace_ns objects bytes op_index moved\n"
		    "# [0] plain/threads=1/procs=1/rep=1\n"
		    "100 20 grow 0 8 NaN NaN NaN 7 0\n"
		    "12000000 70 lock-wait 1 -1 NaN NaN NaN NaN NaN\n");
	/* Two repetitions of plain at 1 thread (100, 300), one at 2; sync
	 * ended fatal and does not count. */
	expect_text(MB_EXPORT_SCALING, NULL, false,
		    "# threads n mean_ops_per_s median_ops_per_s min_ops_per_s max_ops_per_s"
		    " sd_ops_per_s\n"
		    "# [0] plain/procs=1\n"
		    "1 2 200 200 100 300 141.421356\n"
		    "2 1 500 500 500 500 NaN\n");
	struct mb_export_select third = {.run = "plain/threads=2/procs=1"};
	expect_text(MB_EXPORT_ALLOC, &third, false,
		    "# start_s end_s total_bytes buckets_bytes entries_bytes\n"
		    "# [0] plain/threads=2/procs=1/rep=1\n"
		    "# peak_live_bytes 9000\n"
		    "0 0.01 4096 4096 0\n"
		    "0.01 0.015 8208 8192 16\n");
	/* Blocks between runs are two blank lines apart; an empty heatmap
	 * (no events) is an empty block. */
	struct mb_export_select plain1 = {.maps = "plain", .threads = 1};
	expect_text(MB_EXPORT_PAUSES, &plain1, false,
		    "# at_ns dur_ns kind worker map_len grace_ns objects bytes op_index moved\n"
		    "# [0] plain/threads=1/procs=1/rep=1\n"
		    "100 20 grow 0 8 NaN NaN NaN 7 0\n"
		    "12000000 70 lock-wait 1 -1 NaN NaN NaN NaN NaN\n"
		    "\n\n"
		    "# [1] plain/threads=1/procs=1/rep=2\n");
	expect_text(MB_EXPORT_HEATMAP, &plain1, true,
		    "6 plain/threads=1/procs=1/rep=1\n"
		    "0 plain/threads=1/procs=1/rep=2\n");
}

static void check_selection(void)
{
	struct mb_export_select s = {.threads = MB_EXPORT_THREADS_MAX};
	expect_text(MB_EXPORT_SCALING, &s, true, "1 plain/procs=1\n");
	struct mb_export_select rep2 = {.rep = 2};
	expect_text(MB_EXPORT_TIMESERIES, &rep2, true, "0 plain/threads=1/procs=1/rep=2\n");
	struct mb_export_select full = {.run = "plain/threads=1/procs=1/rep=2"};
	expect_text(MB_EXPORT_TIMESERIES, &full, true, "0 plain/threads=1/procs=1/rep=2\n");
	struct mb_export_select maps = {.maps = "sync,plain", .rep = 1, .threads = 2};
	char *text, err[256];
	CHECK(run(MB_EXPORT_PAUSES, &maps, true, &text, err, sizeof err) == -ENODATA,
	      "runs[2] has no events");
	CHECK(strstr(err, "runs[2] has no pauses.events") != NULL, "%s", err);
	free(text);

	struct mb_export_select none = {.maps = "swiss"};
	expect_error(MB_EXPORT_HEATMAP, &none, -ENOENT, "no run matches the selection");
	struct mb_export_select prefix = {.maps = "plai"};
	expect_error(MB_EXPORT_HEATMAP, &prefix, -ENOENT, "no run matches");
	struct mb_export_select idx = {.run = "4"};
	expect_error(MB_EXPORT_HEATMAP, &idx, -ENOENT, "no run matches");
	struct mb_export_select huge = {.run = "18446744073709551616"};
	expect_error(MB_EXPORT_HEATMAP, &huge, -ENOENT, "no run matches");
	struct mb_export_select badop = {.op = "fly"};
	expect_error(MB_EXPORT_LATENCY, &badop, -EINVAL, "unknown op kind 'fly'");
	struct mb_export_select noswap = {.run = "0", .op = "swap"};
	expect_error(MB_EXPORT_LATENCY, &noswap, -ENODATA, "no selected run timed");
}

static void check_errors(void)
{
	/* runs[0] has no live bytes per window; runs[3] no categories. */
	struct mb_export_select plain = {.maps = "plain"};
	expect_error(MB_EXPORT_ALLOC, &plain, -ENODATA,
		     "runs[0] has no timeseries.windows[].live_bytes");
	expect_error(MB_EXPORT_ALLOC, NULL, -ENODATA, "runs[3] has no alloc.by_category");
	expect_error(MB_EXPORT_HEATMAP, NULL, -ENODATA, "runs[2] has no pauses.heatmap");
	expect_error(MB_EXPORT_LATENCY, NULL, -ENODATA, "runs[2] has no latency_ns");
	expect_error(MB_EXPORT_TIMESERIES, NULL, -ENODATA, "runs[3] has no timeseries");
	expect_error(MB_EXPORT_NKINDS, NULL, -EINVAL, "unknown kind");
	struct mb_export_select rep2 = {.run = "1"};
	expect_error(MB_EXPORT_LATENCY, &rep2, -ENODATA, "no selected run timed operations (");
	struct mb_export_select sync = {.maps = "sync"};
	expect_error(MB_EXPORT_SCALING, &sync, -ENODATA, "no selected run has a throughput");

	/* A document with no runs. */
	char err[256];
	static const char empty[] = "{\"schema\": \"mapbench/1\", \"runs\": []}";
	json_t *e = mb_result_parse(empty, strlen(empty), err, sizeof err);
	char *text;
	size_t len;
	FILE *f = open_memstream(&text, &len);
	CHECK(mb_export_write(f, e, MB_EXPORT_SCALING, NULL, false, err, sizeof err) == -ENOENT,
	      "no runs");
	fclose(f);
	CHECK(strstr(err, "has no runs") != NULL, "%s", err);
	free(text);
	json_decref(e);

	/* Pause events not recorded at all. */
	static const char off[] =
		"{\"schema\": \"mapbench/1\", \"config\": {\"pause_threshold_ns\": null},"
		" \"runs\": [{\"map\": \"x\", \"threads\": 1, \"procs\": 1, \"rep\": 1,"
		" \"pauses\": {\"events\": [], \"heatmap\": {\"window_ns\": 5,"
		" \"duration_buckets_ns\": [], \"counts\": []}}}]}";
	e = mb_result_parse(off, strlen(off), err, sizeof err);
	for (int k = MB_EXPORT_HEATMAP; k <= MB_EXPORT_PAUSES; k += MB_EXPORT_PAUSES) {
		f = open_memstream(&text, &len);
		CHECK(mb_export_write(f, e, k, NULL, false, err, sizeof err) == -ENODATA,
		      "%s with pauses off", mb_export_kind_name(k));
		fclose(f);
		CHECK(strstr(err, "--pause-threshold off") != NULL, "%s", err);
		free(text);
	}
	json_decref(e);

	/* A heatmap whose rows do not match its buckets. */
	static const char bad[] =
		"{\"schema\": \"mapbench/1\", \"runs\": [{\"map\": \"x\", \"threads\": 1,"
		" \"procs\": 1, \"rep\": 1, \"pauses\": {\"heatmap\": {\"window_ns\": 5,"
		" \"duration_buckets_ns\": [1, 2], \"counts\": [[1, 2], [3]]}}}]}";
	e = mb_result_parse(bad, strlen(bad), err, sizeof err);
	f = open_memstream(&text, &len);
	CHECK(mb_export_write(f, e, MB_EXPORT_HEATMAP, NULL, false, err, sizeof err) == -ENODATA,
	      "ragged heatmap");
	fclose(f);
	CHECK(strstr(err, "counts[1] does not have one count per bucket") != NULL, "%s", err);
	CHECK(len == 0, "nothing written: %s", text);
	free(text);
	json_decref(e);

	/* Titles are single words without quotes, whatever the map is called. */
	static const char odd[] =
		"{\"schema\": \"mapbench/1\", \"runs\": [{\"map\": \"my map's \\\"x\\\"\","
		" \"threads\": 1, \"procs\": 1, \"rep\": 1, \"timeseries\": {\"windows\": []}}]}";
	e = mb_result_parse(odd, strlen(odd), err, sizeof err);
	CHECK(e != NULL, "odd: %s", err);
	f = open_memstream(&text, &len);
	CHECK(mb_export_write(f, e, MB_EXPORT_TIMESERIES, NULL, true, err, sizeof err) == 0, "%s", err);
	fclose(f);
	CHECK(strcmp(text, "0 my_map_s__x_/threads=1/procs=1/rep=1\n") == 0, "odd title: %s", text);
	free(text);
	json_decref(e);

	/* A write that fails. */
	f = fopen("/dev/full", "w");
	if (f) {
		CHECK(mb_export_write(f, doc, MB_EXPORT_PAUSES, NULL, false, err, sizeof err) ==
			      -ENODATA,
		      "checks come before writing");
		struct mb_export_select first = {.run = "0"};
		CHECK(mb_export_write(f, doc, MB_EXPORT_PAUSES, &first, false, err, sizeof err) ==
			      -EIO,
		      "a full device: %s", err);
		fclose(f);
	}
}

/* expect_error on a copy of the fixture with runs[run].OBJ.KEY set to v. */
static void expect_invalid_sel(int kind, const struct mb_export_select *sel, size_t run,
			       const char *obj, const char *key, json_t *v, int code, const char *want)
{
	json_t *saved = doc;
	doc = json_deep_copy(saved);
	json_t *target = json_array_get(json_object_get(doc, "runs"), run);
	/* obj: "" for the run itself, else a path of object members and
	 * array indexes separated by '.' */
	char path[128];
	snprintf(path, sizeof path, "%s", obj);
	for (char *tok = strtok(path, "."); tok && target; tok = strtok(NULL, "."))
		target = json_is_array(target) ? json_array_get(target, strtoul(tok, NULL, 10))
					       : json_object_get(target, tok);
	CHECK(target != NULL, "no %s in runs[%zu]", obj, run);
	if (json_is_array(target))
		json_array_set_new(target, strtoul(key, NULL, 10), v);
	else if (target)
		json_object_set_new(target, key, v);
	expect_error(kind, sel, code, want);
	json_decref(doc);
	doc = saved;
}

static void expect_invalid(int kind, size_t run, const char *obj, const char *key, json_t *v,
			   int code, const char *want)
{
	expect_invalid_sel(kind, NULL, run, obj, key, v, code, want);
}

/* Values no mapbench writes are refused, named, instead of flowing into a
 * table (a NaN mean, a negative count, repetition 0). */
static void check_invalid(void)
{
	expect_invalid(MB_EXPORT_SCALING, 0, "", "rep", json_integer(0), -EBADMSG,
		       "runs[0].rep is 0");
	expect_invalid(MB_EXPORT_PAUSES, 0, "", "threads", json_integer(-3), -EBADMSG,
		       "runs[0].threads is -3");
	expect_invalid(MB_EXPORT_LATENCY, 0, "", "procs", json_integer(0), -EBADMSG,
		       "runs[0].procs is 0");
	expect_invalid(MB_EXPORT_SCALING, 1, "", "ops_per_s", json_real(-1), -EBADMSG,
		       "runs[1].ops_per_s is negative");
	/* 1e308 twice: the sum overflows; the table never holds NaN or inf */
	json_t *saved = doc;
	doc = json_deep_copy(saved);
	json_object_set_new(json_array_get(json_object_get(doc, "runs"), 0), "ops_per_s", json_real(1e308));
	json_object_set_new(json_array_get(json_object_get(doc, "runs"), 1), "ops_per_s", json_real(1e308));
	char *text, err[256];
	int rc = run(MB_EXPORT_SCALING, NULL, false, &text, err, sizeof err);
	CHECK((rc == 0 && !strstr(text, "NaN\n1") && !strstr(text, "inf")) ||
	      (rc == -EBADMSG && strstr(err, "ops_per_s")), "1e308: rc %d: %s%s", rc, err, text);
	if (rc == 0) /* the mean and the median of two 1e308 are 1e308 */
		CHECK(strstr(text, "\n1 2 1e+308 1e+308 1e+308 1e+308 0\n") != NULL, "%s", text);
	free(text);
	json_decref(doc);
	doc = saved;
	expect_invalid(MB_EXPORT_HEATMAP, 0, "pauses.heatmap.counts.1", "2", json_integer(-1),
		       -EBADMSG, "runs[0].pauses.heatmap.counts[1][2] is negative");
	expect_invalid(MB_EXPORT_TIMESERIES, 0, "timeseries.windows.0", "ops", json_integer(-5),
		       -EBADMSG, "runs[0].timeseries.windows[0].ops is negative");
	expect_invalid(MB_EXPORT_PAUSES, 0, "pauses.events.0", "dur_ns", json_integer(-20),
		       -EBADMSG, "runs[0].pauses.events[0].dur_ns is negative");
	expect_invalid(MB_EXPORT_LATENCY, 0, "latency_ns", "p99", json_integer(-40),
		       -EBADMSG, "latency p99 is negative");
	expect_invalid_sel(MB_EXPORT_ALLOC, &(struct mb_export_select){.run = "2"}, 2,
			   "timeseries.windows.1.live_bytes", "entries", json_integer(-16), -EBADMSG,
			   "live_bytes.entries is negative");
	/* map_len -1 (not known) is a value mapbench writes: accepted */
	expect_text(MB_EXPORT_PAUSES, &(struct mb_export_select){.run = "0"}, true,
		    "2 plain/threads=1/procs=1/rep=1\n");
}

int main(void)
{
	char err[256];
	doc = mb_result_parse(fixture, strlen(fixture), err, sizeof err);
	CHECK(doc != NULL, "fixture: %s", err);
	if (!doc)
		CHECK_DONE();
	check_kinds();
	check_tables();
	check_selection();
	check_errors();
	check_invalid();
	json_decref(doc);
	CHECK_DONE();
}
