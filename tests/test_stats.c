/* mb_stats against reference values from scipy 1.10 and R 4.2
 * (tests/data/compare/regenerate.sh), to 1e-6 relative, also with every
 * sample scaled by 1e-120 and 1e+120 (the unit must not matter); plus the
 * cases the references do not cover: summaries, degenerate input, p down to
 * the smallest double and below, Hedges' g, noise checks, repetitions
 * needed, geometric mean.  GSL's error handler is off, as in the program;
 * a handler counts every error other than underflow, and there must be
 * none. */
#include "check.h"
#include "report/samples.h"
#include "report/stats.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

static char dir[4096];
static int gsl_errors;

static void count_gsl_error(const char *reason, const char *file, int line, int gsl_errno)
{
	if (gsl_errno == GSL_EUNDRFLW)
		return;
	gsl_errors++;
	fprintf(stderr, "GSL error %d at %s:%d: %s\n", gsl_errno, file, line, reason);
}

/* x[0..n) times scale, into a new array. */
static double *scaled(const double *x, size_t n, double scale)
{
	double *y = malloc(n * sizeof *y);
	if (!y)
		abort();
	for (size_t i = 0; i < n; i++)
		y[i] = x[i] * scale;
	return y;
}

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
		/* The same samples in another unit: the same t, df and p, to
		 * the rounding of the multiplication (t of the pair "same" is
		 * a cancellation, 1e-5, so it is compared on the scale of 1),
		 * and bit for bit when the unit is a power of two. */
		static const double scales[] = {1e-120, 1e+120, 1e-300, 1e+300, 0x1p-900, 0x1p+900};
		for (size_t k = 0; k < sizeof scales / sizeof scales[0]; k++) {
			double *xa = scaled(a.g[0].x, a.g[0].n, scales[k]);
			double *xb = scaled(b.g[0].x, b.g[0].n, scales[k]);
			struct mb_stats_summary ka, kb;
			struct mb_stats_welch kw;
			int rc = mb_stats_summarize(xa, a.g[0].n, &ka);
			rc = rc ? rc : mb_stats_summarize(xb, b.g[0].n, &kb);
			rc = rc ? rc : mb_stats_welch(&ka, &kb, 0.95, &kw);
			CHECK(rc == 0, "%s x %g: rc %d", name, scales[k], rc);
			bool pow2 = frexp(scales[k], &(int){0}) == 0.5;
			if (rc == 0 && pow2)
				CHECK(kw.t == w.t && kw.df == w.df && kw.p == w.p,
				      "%s x 2^k: t %.17g df %.17g p %.17g", name, kw.t, kw.df, kw.p);
			if (rc == 0)
				CHECK(fabs(kw.t - w.t) <= 1e-9 * fmax(fabs(w.t), 1) &&
				      close_rel(kw.df, w.df, 1e-9) &&
				      close_rel(kw.p, w.p, 1e-9) && !kw.p_below_floor,
				      "%s x %g: t %.17g df %.17g p %.17g, unscaled %.17g %.17g %.17g",
				      name, scales[k], kw.t, kw.df, kw.p, w.t, w.df, w.p);
			free(xa);
			free(xb);
		}
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
	/* The sum overflows a double but the mean and sd do not. */
	const double huge[] = {1e308, 1e308, -1e308};
	CHECK(mb_stats_summarize(huge, 3, &s) == 0 && close_rel(s.mean, 1e308 / 3, 1e-15) &&
	      close_rel(s.sd, 2e308 / sqrt(3), 1e-15), "huge: mean %g sd %g", s.mean, s.sd);
	/* The middle two of an even count sum beyond the range (found by the
	 * fuzzer): the median still lies between them. */
	const double low[] = {-1.7e308, -0.7e308};
	CHECK(mb_stats_summarize(low, 2, &s) == 0 && s.median == -1.2e308 && s.mean == -1.2e308,
	      "median of -1.7e308, -0.7e308: %g", s.median);
	const double top[] = {DBL_MAX, DBL_MAX, DBL_MAX};
	CHECK(mb_stats_summarize(top, 3, &s) == 0 && s.mean == DBL_MAX && s.sd == 0,
	      "DBL_MAX: mean %g", s.mean);
	/* Only an sd beyond the range itself is refused. */
	const double spread[] = {-1.7e308, 1.7e308};
	CHECK(mb_stats_summarize(spread, 2, &s) == -ERANGE, "sd beyond the double range");
	/* Squares of deviations near 1e154 overflow, near 1e-170 underflow:
	 * the sd is still exact to rounding. */
	const double sq[] = {1e154, 2e154, 3e154};
	CHECK(mb_stats_summarize(sq, 3, &s) == 0 && close_rel(s.sd, 1e154, 1e-15), "1e154: sd %g",
	      s.sd);
	const double tiny[] = {1e-170, 2e-170, 3e-170};
	CHECK(mb_stats_summarize(tiny, 3, &s) == 0 && close_rel(s.sd, 1e-170, 1e-15),
	      "1e-170: sd %g", s.sd);
	const double sub[] = {1e-320, 2e-320, 3e-320};
	CHECK(mb_stats_summarize(sub, 3, &s) == 0 && s.sd > 0 && s.mean == 2e-320,
	      "subnormal: mean %g sd %g", s.mean, s.sd);
}

/* The crash of the issue: three numbers near 1e-120 per side. */
static void test_welch_scale(void)
{
	const double a[] = {1e-120, 1.1e-120, 1.2e-120}, b[] = {2e-120, 2.1e-120, 2.3e-120};
	const double a1[] = {1, 1.1, 1.2}, b1[] = {2, 2.1, 2.3};
	struct mb_stats_summary sa, sb, sa1, sb1;
	struct mb_stats_welch w, w1;
	mb_stats_summarize(a, 3, &sa);
	mb_stats_summarize(b, 3, &sb);
	mb_stats_summarize(a1, 3, &sa1);
	mb_stats_summarize(b1, 3, &sb1);
	CHECK(mb_stats_welch(&sa, &sb, 0.95, &w) == 0, "1e-120: tested");
	CHECK(mb_stats_welch(&sa1, &sb1, 0.95, &w1) == 0, "1: tested");
	CHECK(close_rel(w.t, w1.t, 1e-12) && close_rel(w.df, w1.df, 1e-12) &&
	      close_rel(w.p, w1.p, 1e-12), "t %g/%g df %g/%g p %g/%g", w.t, w1.t, w.df, w1.df, w.p,
	      w1.p);
	CHECK(close_rel(w.hedges_g, w1.hedges_g, 1e-12), "g %g/%g", w.hedges_g, w1.hedges_g);
	CHECK(close_rel(w.diff_low, w1.diff_low * 1e-120, 1e-12), "interval %g", w.diff_low);
	/* Standard deviations near 1e-170 are not zero. */
	struct mb_stats_summary x = {.n = 3, .mean = 2e-170, .sd = 1e-170};
	struct mb_stats_summary y = {.n = 3, .mean = 3e-170, .sd = 1e-170};
	CHECK(mb_stats_welch(&x, &y, 0.95, &w) == 0 && close_rel(w.df, 4, 1e-12) &&
	      close_rel(w.t, sqrt(1.5), 1e-12), "1e-170: t %g df %g", w.t, w.df);
	/* Means of opposite signs near the top of the range: the difference
	 * is beyond it, t is infinite, p is below the floor, nothing is NaN. */
	x = (struct mb_stats_summary){.n = 3, .mean = -1e308, .sd = 1};
	y = (struct mb_stats_summary){.n = 3, .mean = 1e308, .sd = 1};
	CHECK(mb_stats_welch(&x, &y, 0.95, &w) == 0 && isinf(w.t) && w.t > 0 && w.p_below_floor &&
	      !isnan(w.p) && !isnan(w.df), "opposite extremes: t %g p %g", w.t, w.p);
}

/* p down to the smallest normal double, from closed forms: with n = 2 per
 * side and equal sd the Welch df is exactly 2, where the two-sided p is
 * 2 / ((sqrt(t^2 + 2) + |t|) sqrt(t^2 + 2)) (no cancellation); with one sd
 * 0 it is 1, the Cauchy distribution, p = (2 / pi) atan(1 / |t|). */
static void test_p_range(void)
{
	static const double ts[] = {1e-8, 0.5, 3, 1e3, 1e100, 1e150, 6e153};
	struct mb_stats_welch w;
	for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) {
		double t = ts[i], r = sqrt(t * t + 2);
		double want = isfinite(r) ? 2 / ((r + t) * r) : 2 / (t * t);
		struct mb_stats_summary a = {.n = 2, .mean = 0, .sd = 1};
		struct mb_stats_summary b = {.n = 2, .mean = t, .sd = 1};
		CHECK(mb_stats_welch(&a, &b, 0.95, &w) == 0, "df 2, t %g", t);
		CHECK(w.df == 2 && close_rel(w.t, t, 1e-15), "df %g t %g", w.df, w.t);
		CHECK(!w.p_below_floor && close_rel(w.p, want, 1e-10), "df 2, t %g: p %.17g want %.17g",
		      t, w.p, want);
	}
	/* Past the floor: p about 1e-308 < DBL_MIN. */
	struct mb_stats_summary a = {.n = 2, .mean = 0, .sd = 1};
	struct mb_stats_summary b = {.n = 2, .mean = 1.5e154, .sd = 1};
	CHECK(mb_stats_welch(&a, &b, 0.95, &w) == 0 && w.p_below_floor && w.p == MB_STATS_P_FLOOR,
	      "below the floor: p %g", w.p);
	CHECK(MB_STATS_P_FLOOR == DBL_MIN, "the floor is the smallest normal double");
	static const double cauchy[] = {1e-8, 2, 1e10, 1e200, 1e300};
	for (size_t i = 0; i < sizeof cauchy / sizeof cauchy[0]; i++) {
		double t = cauchy[i];
		struct mb_stats_summary c = {.n = 2, .mean = 0, .sd = 0};
		struct mb_stats_summary d = {.n = 2, .mean = t / sqrt(2), .sd = 1};
		double want = 2 / M_PI * atan(1 / t);
		CHECK(mb_stats_welch(&c, &d, 0.95, &w) == 0 && close_rel(w.df, 1, 1e-15),
		      "df 1, t %g: df %g", t, w.df);
		CHECK(!w.p_below_floor && close_rel(w.p, want, 1e-9), "df 1, t %g: p %.17g want %.17g",
		      t, w.p, want);
	}
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
	s.mean = 1e-310;
	CHECK(isnan(mb_stats_cv(&s)), "cv beyond the range: %g", mb_stats_cv(&s));
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
	/* No unit: the squares of 1e-200 underflow, of 1e200 overflow. */
	CHECK(mb_stats_n_needed(1e-200, 1e-200, 1e-200, 0.05) == 17, "1e-200: %lu",
	      mb_stats_n_needed(1e-200, 1e-200, 1e-200, 0.05));
	CHECK(mb_stats_n_needed(1e200, 1e200, 1e200, 0.05) == 17, "1e200");
	/* 1 - alpha/2 rounds to 1 for alpha 1e-20: the upper quantile is
	 * taken directly. */
	n = mb_stats_n_needed(1, 1, 1, 1e-20);
	CHECK(n > 17 && n < 1000, "alpha 1e-20: %lu", n);
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
	gsl_set_error_handler(count_gsl_error);
	int n = check_reference("expected-scipy.txt", true);
	CHECK(n >= 7, "scipy references: %d pairs", n);
	n = check_reference("expected-r.txt", false);
	CHECK(n >= 7, "R references: %d pairs", n);
	test_summary();
	test_welch_degenerate();
	test_welch_scale();
	test_p_range();
	test_hedges();
	test_utest_extra();
	test_noise();
	test_n_needed();
	test_geomean();
	CHECK(gsl_errors == 0, "%d GSL errors", gsl_errors);
	CHECK_DONE();
}
