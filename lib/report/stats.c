/* The statistics of compare: see stats.h. */
#include "report/stats.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;
	return (a > b) - (a < b);
}

/* The median of sorted s[0..n), n >= 1. */
static double median_sorted(const double *s, size_t n)
{
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

int mb_stats_summarize(const double *x, size_t n, struct mb_stats_summary *out)
{
	if (n == 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return -EDOM;
	double *s = malloc(n * sizeof *s);
	if (!s)
		return -ENOMEM;
	memcpy(s, x, n * sizeof *s);
	qsort(s, n, sizeof *s, cmp_double);

	/* Two passes: the mean, then the squared deviations from it (the
	 * textbook formula, as numerically safe as numpy's and R's). */
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += x[i];
	double mean = sum / n, ss = 0;
	for (size_t i = 0; i < n; i++)
		ss += (x[i] - mean) * (x[i] - mean);
	if (!isfinite(mean) || !isfinite(ss)) {
		free(s);
		return -ERANGE;
	}

	out->n = n;
	out->mean = mean;
	out->sd = n > 1 ? sqrt(ss / (n - 1)) : 0;
	out->min = s[0];
	out->max = s[n - 1];
	out->median = median_sorted(s, n);
	if (n > 1) {
		double h = gsl_cdf_tdist_Pinv(0.975, n - 1) * out->sd / sqrt(n);
		out->ci_low = mean - h;
		out->ci_high = mean + h;
	} else {
		out->ci_low = out->ci_high = NAN;
	}
	free(s);
	return 0;
}

/* The two-sided p of a statistic whose upper tail probability is q. */
static double two_sided(double q, bool *below)
{
	double p = 2 * q;
	if (p > 1)
		p = 1;
	*below = !(p >= MB_STATS_P_FLOOR);
	return *below ? MB_STATS_P_FLOOR : p;
}

int mb_stats_welch(const struct mb_stats_summary *a, const struct mb_stats_summary *b,
		   double conf, struct mb_stats_welch *out)
{
	if (a->n < 2 || b->n < 2)
		return -EDOM;
	double va = a->sd * a->sd / a->n, vb = b->sd * b->sd / b->n;
	double se2 = va + vb;
	if (!(se2 > 0))
		return -EDOM;
	if (!isfinite(se2 * se2))
		return -ERANGE;
	double se = sqrt(se2);
	out->diff = b->mean - a->mean;
	out->t = out->diff / se;
	out->df = se2 * se2 / (va * va / (a->n - 1) + vb * vb / (b->n - 1));
	out->p = two_sided(gsl_cdf_tdist_Q(fabs(out->t), out->df), &out->p_below_floor);
	double h = gsl_cdf_tdist_Pinv(1 - (1 - conf) / 2, out->df) * se;
	out->diff_low = out->diff - h;
	out->diff_high = out->diff + h;

	size_t m = a->n + b->n;
	double pooled = sqrt(((a->n - 1) * a->sd * a->sd + (b->n - 1) * b->sd * b->sd) / (m - 2));
	double j = 1 - 3.0 / (4.0 * m - 9);
	out->hedges_g = pooled > 0 ? j * out->diff / pooled : NAN;
	return 0;
}

const char *mb_stats_u_method_name(enum mb_stats_u_method m)
{
	return m == MB_STATS_U_EXACT ? "exact" : "normal";
}

struct ranked {
	double v;
	size_t side; /* 0 for a, 1 for b */
};

static int cmp_ranked(const void *pa, const void *pb)
{
	return cmp_double(&((const struct ranked *)pa)->v, &((const struct ranked *)pb)->v);
}

/* P(U >= u) under the null for sides of m and n values without ties: the
 * counts of U are the coefficients of the Gaussian binomial [m+n choose
 * m]_q, built as the product over i = 1..m of (1 - q^(n+i)) / (1 - q^i).
 * Every coefficient is an integer no larger than C(m+n, m); in long double
 * they are exact while that stays below 2^64 (always for the at most 8
 * values of one side with up to ~900 on the other). */
static int exact_sf(size_t m, size_t n, double u, double *sf)
{
	if (m > n) {
		size_t t = m;
		m = n;
		n = t;
	}
	size_t deg = m * n, cap = deg + m + n + 1;
	long double *c = calloc(cap, sizeof *c);
	if (!c)
		return -ENOMEM;
	c[0] = 1;
	size_t d = 0;
	for (size_t i = 1; i <= m; i++) {
		size_t s = n + i;
		for (size_t k = d + s; k >= s; k--)
			c[k] -= c[k - s];
		d += n;
		for (size_t k = i; k <= d; k++)
			c[k] += c[k - i];
		/* Past the new degree the division leaves zeros. */
		for (size_t k = d + 1; k <= d + m && k < cap; k++)
			c[k] = 0;
	}
	long double total = 0, tail = 0;
	for (size_t k = 0; k <= deg; k++) {
		total += c[k];
		if ((double)k >= u)
			tail += c[k];
	}
	free(c);
	*sf = (double)(tail / total);
	return 0;
}

int mb_stats_utest(const double *a, size_t na, const double *b, size_t nb,
		   struct mb_stats_utest *out)
{
	if (na == 0 || nb == 0)
		return -EINVAL;
	size_t n = na + nb;
	struct ranked *r = malloc(n * sizeof *r);
	if (!r)
		return -ENOMEM;
	for (size_t i = 0; i < na; i++)
		r[i] = (struct ranked){a[i], 0};
	for (size_t i = 0; i < nb; i++)
		r[na + i] = (struct ranked){b[i], 1};
	qsort(r, n, sizeof *r, cmp_ranked);

	/* Average ranks over runs of equal values; the tie term sums t^3 - t. */
	double rank_a = 0, tie_term = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && r[j].v == r[i].v)
			j++;
		double t = (double)(j - i), avg = (i + 1 + j) / 2.0;
		for (size_t k = i; k < j; k++)
			if (r[k].side == 0)
				rank_a += avg;
		tie_term += t * t * t - t;
		i = j;
	}
	free(r);

	double u1 = rank_a - na * (na + 1) / 2.0, u2 = (double)na * nb - u1;
	double u = u1 > u2 ? u1 : u2;
	out->u = u1;
	if ((na <= 8 || nb <= 8) && tie_term == 0) {
		double sf;
		int e = exact_sf(na, nb, u, &sf);
		if (e)
			return e;
		out->method = MB_STATS_U_EXACT;
		out->p = two_sided(sf, &out->p_below_floor);
	} else {
		double nn = (double)n;
		double s = sqrt((double)na * nb / 12 * ((nn + 1) - tie_term / (nn * (nn - 1))));
		double z = (u - (double)na * nb / 2 - 0.5) / s;
		out->method = MB_STATS_U_NORMAL;
		/* All values equal: s is 0 and z is -inf or NaN; p is 1. */
		out->p = two_sided(s > 0 ? gsl_cdf_ugaussian_Q(z) : 1, &out->p_below_floor);
	}
	return 0;
}

double mb_stats_cv(const struct mb_stats_summary *s)
{
	return s->mean != 0 ? s->sd / fabs(s->mean) : NAN;
}

long mb_stats_mad_outliers(const double *x, size_t n)
{
	if (n < 3)
		return 0;
	double *s = malloc(n * sizeof *s);
	if (!s)
		return -ENOMEM;
	memcpy(s, x, n * sizeof *s);
	qsort(s, n, sizeof *s, cmp_double);
	double med = median_sorted(s, n);
	for (size_t i = 0; i < n; i++)
		s[i] = fabs(x[i] - med);
	qsort(s, n, sizeof *s, cmp_double);
	double mad = median_sorted(s, n);
	long count = 0;
	if (mad > 0)
		for (size_t i = 0; i < n; i++)
			if (0.6745 * fabs(x[i] - med) / mad > 3.5)
				count++;
	free(s);
	return count;
}

unsigned long mb_stats_n_needed(double sd_a, double sd_b, double diff, double alpha)
{
	if (!(diff != 0) || !isfinite(diff))
		return 0;
	double ratio = (sd_a * sd_a + sd_b * sd_b) / (diff * diff);
	const double cap = 1e12;
	double z = gsl_cdf_ugaussian_Pinv(1 - alpha / 2) + gsl_cdf_ugaussian_Pinv(0.8);
	double n = ceil(z * z * ratio);
	if (n < 2)
		n = 2;
	/* The t quantiles exceed the normal ones and grow as n shrinks: step
	 * up to the fixed point (a few steps). */
	for (int i = 0; i < 100 && n < cap; i++) {
		double df = 2 * (n - 1);
		double t = gsl_cdf_tdist_Pinv(1 - alpha / 2, df) + gsl_cdf_tdist_Pinv(0.8, df);
		double next = ceil(t * t * ratio);
		if (next <= n)
			break;
		n = next;
	}
	return n >= cap ? (unsigned long)cap : (unsigned long)n;
}

double mb_stats_geomean(const double *x, size_t n)
{
	if (n == 0)
		return NAN;
	double s = 0;
	for (size_t i = 0; i < n; i++) {
		if (!(x[i] > 0))
			return NAN;
		s += log(x[i]);
	}
	return exp(s / n);
}
