/* mb_stats: the statistics of mapbench compare, as pure functions.
 *
 * Summaries of one sample (n, mean, sd, min, median, max and the 95%
 * t-interval of the mean), Welch's two-sample t-test with the
 * Welch-Satterthwaite degrees of freedom, Hedges' g, the Mann-Whitney U
 * test the way scipy.stats.mannwhitneyu computes it by default, the noise
 * checks (coefficient of variation, outliers by median absolute deviation)
 * and the repetitions a side would need to detect a difference.  The t and
 * normal distributions come from GSL (the t test's p from the regularized
 * incomplete beta function); nothing here is hand-rolled beyond sums,
 * sorting and the exact U distribution (a polynomial product).
 *
 * Units do not matter: sums, squares, variances and the Welch-Satterthwaite
 * degrees of freedom are computed on values scaled by a power of two (exact)
 * that brings the largest into [0.5, 1), so samples near 1e-300 or 1e+300
 * give the same t, df and p as the same samples near 1.
 *
 * GSL: the program turns GSL's default error handler off once at start
 * (gsl_set_error_handler_off); GSL reports the underflow of a tail
 * probability as an error, which the default handler turns into abort().
 * Every GSL status is checked here.
 *
 * Throughout, "a" is the baseline and "b" the new side: diff = mean_b -
 * mean_a.  No function prints, allocates except where said, or keeps state;
 * any thread may call any of them.  Errors are negative errno values.
 */
#ifndef MB_REPORT_STATS_H
#define MB_REPORT_STATS_H

#include <stdbool.h>
#include <stddef.h>

/* The smallest p reported as a number: DBL_MIN, the smallest normal double.
 * A p below it (subnormal or underflowing to 0) is reported as "<2.2e-308"
 * (MB_STATS_P_FLOOR_TEXT) and flagged as an underflow. */
#define MB_STATS_P_FLOOR 2.2250738585072014e-308
#define MB_STATS_P_FLOOR_TEXT "<2.2e-308"

struct mb_stats_summary {
	size_t n;
	double mean, sd; /* sd with n - 1 in the denominator; 0 when n < 2 */
	double min, median, max;
	double ci_low, ci_high; /* 95% t-interval of the mean; NaN when n < 2 */
};

/* Summarizes x[0..n) (n >= 1, every value finite).  x is left as it was.
 * The interval may reach past the double range (then an end is infinite).
 * Returns 0, -EINVAL when n is 0, -EDOM on a non-finite value, -ERANGE when
 * the standard deviation itself exceeds the largest double (values of both
 * signs near 1e308), -ENOMEM. */
int mb_stats_summarize(const double *x, size_t n, struct mb_stats_summary *out);

struct mb_stats_welch {
	double t, df, p;          /* two-sided p from the t distribution */
	bool p_below_floor;       /* p < MB_STATS_P_FLOOR (p then holds the floor) */
	double diff;              /* mean_b - mean_a */
	double diff_low, diff_high; /* its two-sided interval at level conf */
	double hedges_g;          /* diff over the pooled sd, small-sample corrected */
	/* t, diff, its interval and g are infinite when beyond the double
	 * range (a difference of more than 1.8e308 standard errors; means of
	 * opposite signs near 1e308); df and p are always finite. */
};

/* Welch's t-test of a against b, the difference interval at confidence
 * level conf (0.95 for 95%).  Agrees with scipy.stats.ttest_ind(b, a,
 * equal_var=False) and R's t.test(b, a), whatever the scale of the values.
 * p = I_x(df/2, 1/2) with x = df / (df + t^2), the regularized incomplete
 * beta function evaluated directly (never as 1 - cdf, which loses every p
 * below 1e-16), or for p > 1/4 as 1 - I_(1-x)(1/2, df/2).  Returns 0, -EDOM
 * when a side has n < 2 or both sides have zero variance (no test is
 * possible), -ERANGE when GSL reports an error other than underflow. */
int mb_stats_welch(const struct mb_stats_summary *a, const struct mb_stats_summary *b,
		   double conf, struct mb_stats_welch *out);

enum mb_stats_u_method { MB_STATS_U_EXACT, MB_STATS_U_NORMAL };

struct mb_stats_utest {
	double u;    /* U of a: the number of pairs (a_i, b_j) with a_i > b_j, ties 1/2 */
	double p;    /* two-sided */
	bool p_below_floor;
	enum mb_stats_u_method method;
};

/* The two-sided Mann-Whitney U test as scipy.stats.mannwhitneyu(a, b)
 * computes it by default: the exact distribution of U when either side has
 * at most 8 values and no value is tied, otherwise the normal approximation
 * with the tie correction and a continuity correction of 1/2.  Returns 0,
 * -EINVAL when a side is empty, -ENOMEM, -ERANGE when GSL reports an error
 * other than underflow. */
int mb_stats_utest(const double *a, size_t na, const double *b, size_t nb,
		   struct mb_stats_utest *out);

/* "exact" or "normal". */
const char *mb_stats_u_method_name(enum mb_stats_u_method m);

/* Coefficient of variation sd / |mean| (NaN when the mean is 0 or the
 * ratio exceeds the double range). */
double mb_stats_cv(const struct mb_stats_summary *s);

/* Values of x[0..n) whose modified z-score 0.6745 |x - median| / MAD
 * exceeds 3.5 (Iglewicz and Hoaglin), with MAD the median absolute
 * deviation; 0 when the MAD is 0 or n < 3.  Returns the count, or -ENOMEM. */
long mb_stats_mad_outliers(const double *x, size_t n);

/* Repetitions per side that would give the two-sided Welch test at level
 * alpha a power of 0.8 against a true difference diff with the observed
 * standard deviations sd_a and sd_b: the smallest n with
 * n >= (t(1-alpha/2, df) + t(0.8, df))^2 (sd_a^2 + sd_b^2) / diff^2, df =
 * 2(n - 1), found by iterating from the normal-quantile value; computed on
 * the ratios sd / diff, so the unit does not matter.  Returns n (at least 2,
 * at most 1e12), or 0 when diff is 0 or not finite (no n would do). */
unsigned long mb_stats_n_needed(double sd_a, double sd_b, double diff, double alpha);

/* The geometric mean of x[0..n); NaN unless every value is > 0 and n > 0. */
double mb_stats_geomean(const double *x, size_t n);

#endif
