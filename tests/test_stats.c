/* mb_stats against reference values from scipy 1.10 and R 4.2
 * (tests/data/compare/regenerate.sh), to 1e-6 relative; plus the cases the
 * references do not cover: summaries, degenerate input, p below the double
 * range, Hedges' g, noise checks, repetitions needed, geometric mean. */
#include "check.h"
#include "report/samples.h"
#include "report/stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static char dir[4096];

static bool close_rel(double got, double want, double tol)
{
	if (got == want)
		return true;
	return fabs(got - want) <= tol * fmax(fabs(want), 1e-300);
}

/* The samples of tests/data/compare/NAME. */
static struct mb_sample_set load(const char *name)
{
	char path[8192], err[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	struct mb_sample_set s = {0};
	char *text;
	size_t len;
	if (mb_samples_read_file(path, &text, &len, err, sizeof err) != 0) {
		fprintf(stderr, "%s: %s\n", path, err);
		exit(1);
	}
	if (mb_samples_parse_text(text, len, name, &s, err, sizeof err) != 0) {
		fprintf(stderr, "%s: %s\n", path, err);
		exit(1);
	}
	free(text);
	return s;
}

/* Checks every pair in expected-FILE; with_u for the scipy file. */
static int check_reference(const char *file, bool with_u)
{
	char path[8192], line[1024];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	FILE *f = fopen(path, "r");
	CHECK(f != NULL, "cannot open %s", path);
	if (!f)
		return 0;
	int pairs = 0;
	while (fgets(line, sizeof line, f)) {
		if (line[0] == '#')
			continue;
		char name[64], method[16] = "";
		double t, df, p, lo, hi, u = 0, up = 0;
		int n = sscanf(line, "%63s %lf %lf %lf %lf %lf %lf %lf %15s", name, &t, &df, &p, &lo,
			       &hi, &u, &up, method);
		CHECK(n == (with_u ? 9 : 6), "%s: bad line %s", file, line);
		char fa[128], fb[128];
		snprintf(fa, sizeof fa, "%s_a.txt", name);
		snprintf(fb, sizeof fb, "%s_b.txt", name);
		struct mb_sample_set a = load(fa), b = load(fb);
		struct mb_stats_summary sa, sb;
		CHECK(mb_stats_summarize(a.g[0].x, a.g[0].n, &sa) == 0, "%s", fa);
		CHECK(mb_stats_summarize(b.g[0].x, b.g[0].n, &sb) == 0, "%s", fb);
		struct mb_stats_welch w;
		CHECK(mb_stats_welch(&sa, &sb, 0.95, &w) == 0, "%s: welch", name);
		CHECK(close_rel(w.t, t, 1e-6), "%s %s: t %.17g want %.17g", file, name, w.t, t);
		CHECK(close_rel(w.df, df, 1e-6), "%s %s: df %.17g want %.17g", file, name, w.df, df);
		CHECK(close_rel(w.p, p, 1e-6), "%s %s: p %.17g want %.17g", file, name, w.p, p);
		CHECK(close_rel(w.diff_low, lo, 1e-6), "%s %s: ci low %.17g want %.17g", file, name,
		      w.diff_low, lo);
		CHECK(close_rel(w.diff_high, hi, 1e-6), "%s %s: ci high %.17g want %.17g", file,
		      name, w.diff_high, hi);
		CHECK(!w.p_below_floor, "%s", name);
		if (with_u) {
			struct mb_stats_utest ut;
			CHECK(mb_stats_utest(a.g[0].x, a.g[0].n, b.g[0].x, b.g[0].n, &ut) == 0, "%s",
			      name);
			CHECK(close_rel(ut.u, u, 1e-12), "%s: U %.17g want %.17g", name, ut.u, u);
			CHECK(close_rel(ut.p, up, 1e-6), "%s: U p %.17g want %.17g", name, ut.p, up);
			CHECK(strcmp(mb_stats_u_method_name(ut.method), method) == 0,
			      "%s: U method %s want %s", name, mb_stats_u_method_name(ut.method),
			      method);
		}
		mb_samples_free(&a);
		mb_samples_free(&b);
		pairs++;
	}
	fclose(f);
	return pairs;
}

static void test_summary(void)
{
	const double x[] = {5, 1, 4, 2, 3};
	struct mb_stats_summary s;
	CHECK(mb_stats_summarize(x, 5, &s) == 0, "summarize");
	CHECK(s.n == 5 && s.mean == 3 && s.min == 1 && s.max == 5 && s.median == 3, "basic");
	CHECK(close_rel(s.sd, sqrt(2.5), 1e-15), "sd %g", s.sd);
	/* t(0.975, 4) = 2.7764451051977987 (R: qt(0.975, 4)). */
	double h = 2.7764451051977987 * sqrt(2.5) / sqrt(5);
	CHECK(close_rel(s.ci_low, 3 - h, 1e-9) && close_rel(s.ci_high, 3 + h, 1e-9),
	      "ci %g %g", s.ci_low, s.ci_high);
	CHECK(x[0] == 5 && x[4] == 3, "input left as it was");
	const double even[] = {4, 1, 3, 2};
	CHECK(mb_stats_summarize(even, 4, &s) == 0 && s.median == 2.5, "even median %g", s.median);
	CHECK(mb_stats_summarize(x, 1, &s) == 0 && s.sd == 0 && isnan(s.ci_low), "n = 1");
	CHECK(mb_stats_summarize(x, 0, &s) == -EINVAL, "n = 0");
	const double bad[] = {1, NAN};
	CHECK(mb_stats_summarize(bad, 2, &s) == -EDOM, "NaN refused");
	const double inf[] = {INFINITY, 1};
	CHECK(mb_stats_summarize(inf, 2, &s) == -EDOM, "inf refused");
	const double huge[] = {1e308, 1e308, -1e308};
	CHECK(mb_stats_summarize(huge, 3, &s) == -ERANGE, "overflowing sum refused");
}

static void test_welch_degenerate(void)
{
	const double one[] = {1}, two[] = {1, 2}, c1[] = {3, 3, 3}, c2[] = {4, 4};
	struct mb_stats_summary a, b;
	struct mb_stats_welch w;
	mb_stats_summarize(one, 1, &a);
	mb_stats_summarize(two, 2, &b);
	CHECK(mb_stats_welch(&a, &b, 0.95, &w) == -EDOM, "n < 2");
	mb_stats_summarize(c1, 3, &a);
	mb_stats_summarize(c2, 2, &b);
	CHECK(mb_stats_welch(&a, &b, 0.95, &w) == -EDOM, "zero variance on both sides");
	mb_stats_summarize(two, 2, &b);
	CHECK(mb_stats_welch(&a, &b, 0.95, &w) == 0, "zero variance on one side is fine");

	/* A difference of a million standard errors: the tail is far below
	 * the double range; p is reported at the floor, flagged. */
	struct mb_stats_summary x = {.n = 30, .mean = 0, .sd = 1e-6};
	struct mb_stats_summary y = {.n = 30, .mean = 1, .sd = 1e-6};
	CHECK(mb_stats_welch(&x, &y, 0.95, &w) == 0, "huge t");
	CHECK(w.p_below_floor && w.p == MB_STATS_P_FLOOR && w.t > 1e6, "p %g t %g", w.p, w.t);
	CHECK(!isnan(w.p), "never NaN");
}

static void test_hedges(void)
{
	/* a = 1..5 (mean 3, var 2.5), b = 3..7 (mean 5, var 2.5): pooled sd
	 * sqrt(2.5), d = 2 / sqrt(2.5), J = 1 - 3 / (4 * 10 - 9). */
	const double a[] = {1, 2, 3, 4, 5}, b[] = {3, 4, 5, 6, 7};
	struct mb_stats_summary sa, sb;
	struct mb_stats_welch w;
	mb_stats_summarize(a, 5, &sa);
	mb_stats_summarize(b, 5, &sb);
	CHECK(mb_stats_welch(&sa, &sb, 0.95, &w) == 0, "welch");
	double want = (1 - 3.0 / 31) * 2 / sqrt(2.5);
	CHECK(close_rel(w.hedges_g, want, 1e-12), "g %.17g want %.17g", w.hedges_g, want);
	CHECK(w.diff == 2, "diff is b - a");
}

static void test_utest_extra(void)
{
	/* Complete separation, 3 vs 3, no ties: U of a is 0; exact two-sided
	 * p = 2 / C(6, 3) = 0.1 (scipy.stats.mannwhitneyu([1,2,3],[4,5,6])). */
	const double a[] = {1, 2, 3}, b[] = {4, 5, 6};
	struct mb_stats_utest u;
	CHECK(mb_stats_utest(a, 3, b, 3, &u) == 0, "utest");
	CHECK(u.u == 0 && close_rel(u.p, 0.1, 1e-12) && u.method == MB_STATS_U_EXACT,
	      "U %g p %g", u.u, u.p);
	CHECK(mb_stats_utest(b, 3, a, 3, &u) == 0 && u.u == 9 && close_rel(u.p, 0.1, 1e-12),
	      "reversed: U %g p %g", u.u, u.p);
	/* All values equal: ties everywhere, p = 1. */
	const double c[] = {2, 2, 2};
	CHECK(mb_stats_utest(c, 3, c, 3, &u) == 0 && u.p == 1 && u.method == MB_STATS_U_NORMAL,
	      "all equal: p %g", u.p);
	CHECK(mb_stats_utest(a, 0, b, 3, &u) == -EINVAL, "empty side");
}

static void test_noise(void)
{
	const double x[] = {10, 10.1, 9.9, 10.05, 9.95, 30};
	CHECK(mb_stats_mad_outliers(x, 6) == 1, "one outlier");
	CHECK(mb_stats_mad_outliers(x, 5) == 0, "none without it");
	const double same[] = {1, 1, 1, 5};
	CHECK(mb_stats_mad_outliers(same, 4) == 0, "MAD 0: no verdict");
	struct mb_stats_summary s = {.n = 3, .mean = 100, .sd = 7};
	CHECK(close_rel(mb_stats_cv(&s), 0.07, 1e-12), "cv");
	s.mean = 0;
	CHECK(isnan(mb_stats_cv(&s)), "cv of mean 0");
}

static void test_n_needed(void)
{
	/* sd 1 on both sides, difference 1: the normal approximation gives
	 * 2 (1.959964 + 0.841621)^2 = 15.7; with t quantiles at df = 2(n - 1)
	 * it is 17 (R: power.t.test(delta = 1, sd = 1, power = 0.8) says
	 * 16.71 per group). */
	unsigned long n = mb_stats_n_needed(1, 1, 1, 0.05);
	CHECK(n == 17, "n %lu", n);
	CHECK(mb_stats_n_needed(1, 1, 0, 0.05) == 0, "no difference: no n");
	CHECK(mb_stats_n_needed(0, 0, 1, 0.05) == 2, "no noise: 2");
	CHECK(mb_stats_n_needed(1, 1, -1, 0.05) == 17, "sign does not matter");
	CHECK(mb_stats_n_needed(1, 1, 0.5, 0.05) > 60, "half the difference, four times n");
}

static void test_geomean(void)
{
	const double x[] = {1, 4, 16};
	CHECK(close_rel(mb_stats_geomean(x, 3), 4, 1e-12), "geomean");
	const double z[] = {1, 0};
	CHECK(isnan(mb_stats_geomean(z, 2)), "zero");
	CHECK(isnan(mb_stats_geomean(x, 0)), "empty");
}

int main(void)
{
	const char *src = getenv("MB_SRCDIR");
	snprintf(dir, sizeof dir, "%s/tests/data/compare", src ? src : ".");
	int n = check_reference("expected-scipy.txt", true);
	CHECK(n >= 7, "scipy references: %d pairs", n);
	n = check_reference("expected-r.txt", false);
	CHECK(n >= 7, "R references: %d pairs", n);
	test_summary();
	test_welch_degenerate();
	test_hedges();
	test_utest_extra();
	test_noise();
	test_n_needed();
	test_geomean();
	CHECK_DONE();
}
