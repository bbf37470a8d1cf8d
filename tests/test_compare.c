/* mb_compare, the engine of mapbench compare: sides from text, rows and
 * verdicts, the "A vs B" label of number files, the implementation as what
 * is compared, comparability warnings and --strict, --vary names checked
 * against the config keys (and a replacement key list), which file has too
 * few values, and no inf or nan in any warning. */
#include "check.h"
#include "report/compare.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

static char err[1024];

/* Reads two texts into c as sides named pa and pb; 0 or the error. */
static int load(struct mb_compare *c, const char *pa, const char *ta, const char *pb,
		const char *tb)
{
	memset(c, 0, sizeof *c);
	err[0] = '\0';
	int rc = mb_compare_side_parse(&c->a, pa, ta, strlen(ta), err, sizeof err);
	if (!rc)
		rc = mb_compare_side_parse(&c->b, pb, tb, strlen(tb), err, sizeof err);
	return rc;
}

static int run(struct mb_compare *c, const struct mb_compare_opts *o)
{
	err[0] = '\0';
	return mb_compare_run(c, o, err, sizeof err);
}

static bool warned(const struct mb_compare *c, const char *text)
{
	for (size_t i = 0; i < c->nwarnings; i++)
		if (strstr(c->warnings[i], text))
			return true;
	return false;
}

static void no_inf_nan(const struct mb_compare *c, const char *what)
{
	for (size_t i = 0; i < c->nwarnings; i++)
		CHECK(!strstr(c->warnings[i], "inf") && !strstr(c->warnings[i], "nan"), "%s: %s",
		      what, c->warnings[i]);
}

static void test_numbers(void)
{
	struct mb_compare c;
	struct mb_compare_opts o = {.alpha = 0.05};
	CHECK(load(&c, "dir/a.txt", "1\n1.1\n1.2\n", "b.txt", "2\n2.1\n2.3\n") == 0, "%s", err);
	CHECK(run(&c, &o) == 0, "%s", err);
	CHECK(c.nrows == 1 && strcmp(c.rows[0].name, "a.txt vs b.txt") == 0, "label %s",
	      c.nrows ? c.rows[0].name : "none");
	CHECK(c.rows[0].tested && strcmp(c.rows[0].verdict, "worse") == 0, "verdict %s",
	      c.rows[0].verdict);
	CHECK(!c.implementations_differ && c.a.implementation == NULL, "numbers have none");
	double t = c.rows[0].w.t, p = c.rows[0].w.p;
	mb_compare_free(&c);

	/* The same numbers near 1e-120 (the crash): the same test. */
	CHECK(load(&c, "a", "1e-120\n1.1e-120\n1.2e-120\n", "b", "2e-120\n2.1e-120\n2.3e-120\n") ==
	      0, "%s", err);
	CHECK(run(&c, &o) == 0, "%s", err);
	CHECK(c.rows[0].tested && fabs(c.rows[0].w.t - t) < 1e-9 * fabs(t) &&
	      fabs(c.rows[0].w.p - p) < 1e-9 * p, "1e-120: t %g p %g", c.rows[0].w.t, c.rows[0].w.p);
	CHECK(strcmp(c.rows[0].name, "a vs b") == 0, "label %s", c.rows[0].name);
	mb_compare_free(&c);

	/* The same base name: the paths. */
	CHECK(load(&c, "x/v.txt", "1\n2\n", "y/v.txt", "3\n5\n") == 0, "%s", err);
	CHECK(run(&c, &o) == 0 && strcmp(c.rows[0].name, "x/v.txt vs y/v.txt") == 0, "%s %s", err,
	      c.nrows ? c.rows[0].name : "");
	mb_compare_free(&c);

	/* A mean of 0: no relative change; the difference in the unit. */
	CHECK(load(&c, "z", "0\n10\n-10\n5\n-5\n", "f", "5\n7\n9\n5.5\n9.5\n") == 0, "%s", err);
	CHECK(run(&c, &o) == 0, "%s", err);
	char buf[96];
	CHECK(isnan(c.rows[0].delta_pct) &&
	      strcmp(mb_compare_delta_text(&c.rows[0], buf, sizeof buf), "+7.2 (A's mean is 0)") == 0,
	      "delta %s", buf);
	CHECK(warned(&c, "would detect the +7.2 (A's mean is 0) difference"), "noise warning");
	no_inf_nan(&c, "mean 0");
	mb_compare_free(&c);

	/* 100 cv beyond the double range (found by the fuzzer): words. */
	CHECK(load(&c, "a", "8.9e-24\n1e-38\n1.797693134862315\n", "b",
		   "1e308\n-1e308\n1.797693134862315\n") == 0 && run(&c, &o) == 0, "%s", err);
	CHECK(warned(&c, "B: cv over 1e308%"), "cv: %s", c.nwarnings ? c.warnings[0] : "");
	no_inf_nan(&c, "cv overflow");
	mb_compare_free(&c);

	/* Too few values: the message names the file that has them. */
	CHECK(load(&c, "many.txt", "1\n2\n3\n", "one.txt", "4\n") == 0, "%s", err);
	CHECK(run(&c, &o) == -EINVAL && strncmp(err, "one.txt: ", 9) == 0 && strstr(err, "n < 2"),
	      "n < 2: %s", err);
	mb_compare_free(&c);
	CHECK(load(&c, "one.txt", "4\n", "two.txt", "5\n") == 0, "%s", err);
	CHECK(run(&c, &o) == -EINVAL && strstr(err, "A: one.txt has n=1, B: two.txt n=1"),
	      "both: %s", err);
	mb_compare_free(&c);

	/* Two metrics for numbers: refused. */
	struct mb_metric m[2];
	mb_samples_metric_parse("ops_per_s", &m[0], err, sizeof err);
	mb_samples_metric_parse("ns_per_op", &m[1], err, sizeof err);
	struct mb_compare_opts two = {.alpha = 0.05, .metrics = m, .nmetrics = 2};
	CHECK(load(&c, "a", "1\n2\n", "b", "1\n2\n") == 0, "%s", err);
	CHECK(run(&c, &two) == -EINVAL && strncmp(err, "--metric: ", 10) == 0, "%s", err);
	mb_compare_free(&c);

	/* A bad line names FILE:LINE. */
	CHECK(load(&c, "a.txt", "1\n2\n", "b.txt", "1\nxyz\n") == -EINVAL &&
	      strcmp(err, "b.txt:2: not a number: 'xyz'") == 0, "%s", err);
	mb_compare_free(&c);
}

/* A result of two labels, three repetitions each, with ops_per_s base,
 * 1.01 base, 1.02 base per label; extra is spliced into the root. */
static char *result(double base, const char *extra)
{
	char *s = malloc(4096);
	if (!s)
		abort();
	int n = snprintf(s, 4096, "{\"schema\":\"mapbench/1\",%s\"runs\":[", extra);
	for (int i = 0; i < 6; i++)
		n += snprintf(s + n, 4096 - n,
			      "%s{\"map\":\"%s\",\"threads\":1,\"procs\":1,\"rep\":%d,\"ops_per_s\":%.17g}",
			      i ? "," : "", i < 3 ? "plain" : "sync", i % 3 + 1, base * (1 + 0.01 * (i % 3)));
	snprintf(s + n, 4096 - n, "]}");
	return s;
}

static void test_results(void)
{
	struct mb_compare c;
	struct mb_compare_opts o = {.alpha = 0.05};
	char *a = result(100, "\"config\":{\"keys\":10,\"threads\":[1]},");
	char *go = result(200, "\"implementation\":\"go1.19.8\",\"config\":{\"keys\":10,"
			       "\"threads\":[2]},");
	char *keys = result(100, "\"config\":{\"keys\":99,\"newer\":1},");
	CHECK(load(&c, "c.json", a, "go.json", go) == 0, "%s", err);
	CHECK(run(&c, &o) == 0, "%s", err);
	CHECK(c.implementations_differ && strcmp(c.a.implementation, MB_COMPARE_IMPL_DEFAULT) == 0 &&
	      strcmp(c.b.implementation, "go1.19.8") == 0, "implementations");
	CHECK(c.nwarnings == 0, "the implementation and a sweep key are no warning: %s",
	      c.nwarnings ? c.warnings[0] : "");
	CHECK(c.nrows == 3 && c.rows[2].geomean && strcmp(c.rows[0].verdict, "better") == 0,
	      "rows %zu", c.nrows);
	mb_compare_free(&c);

	/* --strict: the implementation is still fine. */
	o.strict = true;
	CHECK(load(&c, "c.json", a, "go.json", go) == 0 && run(&c, &o) == 0, "strict: %s", err);
	mb_compare_free(&c);
	/* Other differences warn, and are an error with --strict. */
	CHECK(load(&c, "a.json", a, "k.json", keys) == 0, "%s", err);
	CHECK(run(&c, &o) == -EINVAL && strstr(err, "--strict: the sides differ in config.keys: "
						 "10 vs 99 (and more"), "%s", err);
	mb_compare_free(&c);
	o.strict = false;
	CHECK(load(&c, "a.json", a, "k.json", keys) == 0 && run(&c, &o) == 0, "%s", err);
	CHECK(warned(&c, "config.keys: 10 vs 99") && warned(&c, "config.newer: absent vs 1"),
	      "warnings");
	mb_compare_free(&c);

	/* --vary: a config key, listed or in a side's config; not bogus. */
	char *vary[] = {"keys", "newer"};
	o.vary = vary;
	o.nvary = 2;
	CHECK(load(&c, "a.json", a, "k.json", keys) == 0 && run(&c, &o) == 0 && c.nwarnings == 0,
	      "--vary keys,newer: %s", err);
	mb_compare_free(&c);
	char *bogus[] = {"bogus"};
	o.vary = bogus;
	o.nvary = 1;
	CHECK(load(&c, "a.json", a, "k.json", keys) == 0 && run(&c, &o) == -EINVAL &&
	      strncmp(err, "--vary: unknown config member 'bogus' (expected one of workload, mix,", 69) ==
		      0, "%s", err);
	mb_compare_free(&c);
	o.nvary = 0;

	/* The key list is replaceable: with "keys" a sweep key, no warning. */
	const struct mb_compare_key mine[] = {
		{"keys", true}, {"newer", true}, {"threads", true}, {NULL, false}};
	o.keys = mine;
	CHECK(load(&c, "a.json", a, "k.json", keys) == 0 && run(&c, &o) == 0 && c.nwarnings == 0,
	      "own key list: %s", c.nwarnings ? c.warnings[0] : err);
	mb_compare_free(&c);
	o.keys = NULL;

	/* Like with like; a bad implementation member. */
	CHECK(load(&c, "a.json", a, "n.txt", "1\n2\n") == 0 && run(&c, &o) == -EINVAL &&
	      strstr(err, "compare like with like"), "%s", err);
	mb_compare_free(&c);
	char *bad = result(1, "\"implementation\":7,");
	CHECK(load(&c, "a.json", a, "bad.json", bad) == -EINVAL &&
	      strcmp(err, "bad.json: \"implementation\" is not a string") == 0, "%s", err);
	mb_compare_free(&c);
	free(bad);

	/* Tiny metrics in results: tested like the same at scale 1. */
	char *ta = result(1e-200, ""), *tb = result(2e-200, "");
	CHECK(load(&c, "ta", ta, "tb", tb) == 0 && run(&c, &o) == 0, "%s", err);
	CHECK(c.rows[0].tested && c.rows[0].w.df > 0 && !isnan(c.rows[0].w.p), "tiny results");
	no_inf_nan(&c, "tiny results");
	mb_compare_free(&c);
	free(ta);
	free(tb);
	free(a);
	free(go);
	free(keys);
}

int main(void)
{
	gsl_set_error_handler_off();
	test_numbers();
	test_results();
	CHECK_DONE();
}
