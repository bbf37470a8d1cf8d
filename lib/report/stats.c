/* The statistics of compare: see stats.h. */
#include "report/stats.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_erf.h>
#include <gsl/gsl_sf_gamma.h>

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;
	return (a > b) - (a < b);
}

/* The median of sorted s[0..n), n >= 1.  The mean of the middle two
 * halves each first when their sum overflows (both near -1e308). */
static double median_sorted(const double *s, size_t n)
{
	if (n % 2)
		return s[n / 2];
	double a = s[n / 2 - 1], b = s[n / 2], m = (a + b) / 2;
	return isfinite(m) ? m : a / 2 + b / 2;
}

/* The binary exponent e of m (m = f 2^e, f in [0.5, 1)); 0 for m = 0.
 * Multiplying by 2^-e is exact and brings m into [0.5, 1): the scaling that
 * makes sums and squares independent of the unit of the values. */
static int scale_exp(double m)
{
	int e = 0;
	if (m > 0)
		frexp(m, &e);
	return e;
}

/* (b - a) 2^e without a spurious overflow: when e <= 0 the scaled values
 * are subtracted (their difference cannot overflow), otherwise the
 * difference, which when infinite stays infinite.  Exact scaling either way,
 * so the bits are those of (b - a) 2^e whenever that fits. */
static double scaled_diff(double a, double b, int e)
{
	if (e <= 0)
		return ldexp(b, e) - ldexp(a, e);
	return ldexp(b - a, e);
}

/* The upper quantile of Student's t (P(T > q) = tail), or NaN when GSL
 * does not give a finite one. */
static double t_quantile(double tail, double df)
{
	double q = gsl_cdf_tdist_Qinv(tail, df);
	return isfinite(q) ? q : NAN;
}

int mb_stats_summarize(const double *x, size_t n, struct mb_stats_summary *out)
{
	if (n == 0)
		return -EINVAL;
	double big = 0;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(x[i]))
			return -EDOM;
		big = fmax(big, fabs(x[i]));
	}
	double *s = malloc(n * sizeof *s);
	if (!s)
		return -ENOMEM;
	memcpy(s, x, n * sizeof *s);
	qsort(s, n, sizeof *s, cmp_double);

	/* Two passes on the scaled values: the mean, then the squared
	 * deviations from it (the textbook formula, as numerically safe as
	 * numpy's and R's; the scaling keeps the squares of values near 1e-170
	 * from underflowing and of values near 1e+160 from overflowing). */
	int e = scale_exp(big);
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += ldexp(x[i], -e);
	double mean = sum / n, ss = 0;
	for (size_t i = 0; i < n; i++) {
		double d = ldexp(x[i], -e) - mean;
		ss += d * d;
	}
	double sd = n > 1 ? sqrt(ss / (n - 1)) : 0;

	out->n = n;
	out->min = s[0];
	out->max = s[n - 1];
	out->median = median_sorted(s, n);
	free(s);
	/* The true mean lies between min and max; rounding may not. */
	out->mean = fmin(fmax(ldexp(mean, e), out->min), out->max);
	out->sd = ldexp(sd, e);
	if (!isfinite(out->sd))
		return -ERANGE;
	out->ci_low = out->ci_high = NAN;
	if (n > 1) {
		double h = ldexp(t_quantile(0.025, n - 1) * sd / sqrt(n), e);
		out->ci_low = out->mean - h;
		out->ci_high = out->mean + h;
	}
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

/* GSL's value of a tail probability: its value on success, 0 on underflow
 * (the probability is below the smallest double), -1 on any other error. */
static double gsl_tail(int status, const gsl_sf_result *r)
{
	if (status == GSL_EUNDRFLW)
		return 0;
	if (status != GSL_SUCCESS || !(r->val >= 0 && r->val <= 1))
		return -1;
	return r->val;
}

/* P(|T| > |t|) for Student's t with df degrees of freedom, into *p (0 when
 * below the double range); -ERANGE on a GSL error.  With r = |t| / sqrt(df),
 * x = 1 / (1 + r^2) and y = 1 - x = r^2 / (1 + r^2), both computed without
 * cancellation: p = I_x(df/2, 1/2), or 1 - I_y(1/2, df/2) when that is
 * above 1/4 (then the subtraction loses nothing, and y, unlike 1 - x, keeps
 * its digits when t is tiny). */
static int t_two_sided(double t, double df, double *p)
{
	double r = fabs(t) / sqrt(df), a = df / 2;
	gsl_sf_result res;
	if (r >= 0x1p500) {
		/* 1 + r^2 overflows: x = r^-2 to far below rounding, and
		 * I_x(a, 1/2) = x^a / (a B(a, 1/2)) (1 + O(x)). */
		int st = gsl_sf_lnbeta_e(a, 0.5, &res);
		if (st != GSL_SUCCESS)
			return -ERANGE;
		*p = exp(-df * log(r) - log(a) - res.val);
		return 0;
	}
	double r2 = r * r, x = 1 / (1 + r2), y = r2 / (1 + r2);
	if (y < 0.5) {
		double q = gsl_tail(gsl_sf_beta_inc_e(0.5, a, y, &res), &res);
		if (q < 0)
			return -ERANGE;
		if (q <= 0.75) {
			*p = 1 - q;
			return 0;
		}
	}
	double v = gsl_tail(gsl_sf_beta_inc_e(a, 0.5, x, &res), &res);
	if (v < 0)
		return -ERANGE;
	*p = v;
	return 0;
}

int mb_stats_welch(const struct mb_stats_summary *a, const struct mb_stats_summary *b,
		   double conf, struct mb_stats_welch *out)
{
	if (a->n < 2 || b->n < 2 || !(a->sd > 0 || b->sd > 0))
		return -EDOM;
	/* Everything on the standard deviations scaled so that the larger is
	 * in [0.5, 1): va + vb then lies in (0, 1], its square neither
	 * underflows nor overflows, and t and df do not depend on the unit. */
	int e = scale_exp(fmax(a->sd, b->sd));
	double sa = ldexp(a->sd, -e), sb = ldexp(b->sd, -e);
	double va = sa * sa / a->n, vb = sb * sb / b->n, se2 = va + vb, se = sqrt(se2);
	double dk = scaled_diff(a->mean, b->mean, -e);
	out->df = se2 * se2 / (va * va / (a->n - 1) + vb * vb / (b->n - 1));
	out->t = dk / se;
	double p;
	if (!isfinite(out->df) || t_two_sided(out->t, out->df, &p))
		return -ERANGE;
	bool below;
	out->p = two_sided(p / 2, &below);
	out->p_below_floor = below;
	out->diff = b->mean - a->mean;
	double h = ldexp(t_quantile((1 - conf) / 2, out->df) * se, e);
	out->diff_low = out->diff - h;
	out->diff_high = out->diff + h;

	size_t m = a->n + b->n;
	double pooled = sqrt(((a->n - 1) * sa * sa + (b->n - 1) * sb * sb) / (m - 2));
	double j = 1 - 3.0 / (4.0 * m - 9);
	out->hedges_g = pooled > 0 ? j * dk / pooled : NAN;
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
		/* The upper tail Q(z) = erfc(z / sqrt 2) / 2 directly, with a
		 * status.  All values equal: s is 0 and z is -inf or NaN; p is 1. */
		double q = 1;
		if (s > 0) {
			gsl_sf_result r;
			q = gsl_tail(gsl_sf_erfc_e(z / M_SQRT2, &r), &r);
			if (q < 0)
				return -ERANGE;
			q /= 2;
		}
		out->p = two_sided(q, &out->p_below_floor);
	}
	return 0;
}

double mb_stats_cv(const struct mb_stats_summary *s)
{
	double cv = s->mean != 0 ? s->sd / fabs(s->mean) : NAN;
	return isfinite(cv) ? cv : NAN;
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
	/* (sd_a^2 + sd_b^2) / diff^2 from the ratios: no unit, no overflow of
	 * the squares (a ratio beyond the range makes n the cap). */
	double ra = sd_a / fabs(diff), rb = sd_b / fabs(diff);
	double ratio = ra * ra + rb * rb;
	const double cap = 1e12;
	/* Upper quantiles directly (Qinv(alpha/2), not Pinv(1 - alpha/2), which
	 * is infinite once 1 - alpha/2 rounds to 1). */
	double z = gsl_cdf_ugaussian_Qinv(alpha / 2) + gsl_cdf_ugaussian_Qinv(0.2);
	if (!isfinite(z))
		return 0;
	double n = ceil(z * z * ratio);
	if (!(n >= 2))
		n = 2;
	/* The t quantiles exceed the normal ones and grow as n shrinks: step
	 * up to the fixed point (a few steps). */
	for (int i = 0; i < 100 && n < cap; i++) {
		double df = 2 * (n - 1);
		double t = t_quantile(alpha / 2, df) + t_quantile(0.2, df);
		double next = ceil(t * t * ratio);
		if (!(next > n))
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
