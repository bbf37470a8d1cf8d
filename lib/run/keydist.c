#include "run/keydist.h"

#include "run/rng.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A whole double at s, advancing *end; -EINVAL if none. */
static int number(const char *s, char **end, double *out)
{
	if (!(*s >= '0' && *s <= '9') && *s != '.')
		return -EINVAL;
	*out = strtod(s, end);
	return *end == s ? -EINVAL : 0;
}

int mb_keydist_parse(const char *s, struct mb_keydist *d)
{
	memset(d, 0, sizeof *d);
	char *end;
	if (strcmp(s, "uniform") == 0) {
		d->kind = MB_DIST_UNIFORM;
		return 0;
	}
	if (strcmp(s, "sequential") == 0) {
		d->kind = MB_DIST_SEQUENTIAL;
		return 0;
	}
	if (strcmp(s, "latest") == 0) {
		d->kind = MB_DIST_LATEST;
		d->s = 0.99; /* YCSB's zipfian constant */
		return 0;
	}
	if (strncmp(s, "zipf:", 5) == 0) {
		d->kind = MB_DIST_ZIPF;
		if (number(s + 5, &end, &d->s) || *end)
			return -EINVAL;
		return d->s > 0 && d->s <= 100 ? 0 : -ERANGE;
	}
	if (strncmp(s, "hotspot:", 8) == 0) {
		d->kind = MB_DIST_HOTSPOT;
		if (number(s + 8, &end, &d->hot_fraction) || *end != ':' ||
		    number(end + 1, &end, &d->hot_probability) || *end)
			return -EINVAL;
		int ok = d->hot_fraction > 0 && d->hot_fraction < 1 && d->hot_probability > 0 &&
			 d->hot_probability < 1;
		return ok ? 0 : -ERANGE;
	}
	return -EINVAL;
}

/* The rejection-inversion sampler's helpers: (exp(x)-1)/x and log1p(x)/x,
 * with their series near 0 where the quotients lose precision. */
static double expm1_over_x(double x)
{
	return fabs(x) > 1e-8 ? expm1(x) / x : 1 + x / 2 * (1 + x / 3 * (1 + x / 4));
}

static double log1p_over_x(double x)
{
	return fabs(x) > 1e-8 ? log1p(x) / x : 1 - x * (0.5 - x * (1.0 / 3 - 0.25 * x));
}

/* H(x) = integral of 1/t^s from 1 to x, shifted; its inverse; h(x) = x^-s. */
static double H(const struct mb_keydist *d, double x)
{
	double lx = log(x);
	return expm1_over_x((1 - d->s) * lx) * lx;
}

static double H_inv(const struct mb_keydist *d, double x)
{
	double t = x * (1 - d->s);
	if (t < -1)
		t = -1; /* only from rounding at the far end */
	return exp(log1p_over_x(t) * x);
}

static double h(const struct mb_keydist *d, double x)
{
	return exp(-d->s * log(x));
}

void mb_keydist_prepare(struct mb_keydist *d, uint64_t n)
{
	d->n = n;
	if (d->kind != MB_DIST_ZIPF && d->kind != MB_DIST_LATEST)
		return;
	d->h_x1 = H(d, 1.5) - 1;
	d->h_n = H(d, (double)n + 0.5);
	d->s_val = 2 - H_inv(d, H(d, 2.5) - h(d, 2));
}

uint64_t mb_keydist_zipf(const struct mb_keydist *d, uint64_t *rng)
{
	for (;;) {
		/* a uniform double in [0, 1) from 53 random bits */
		double u01 = (double)(mb_rng_next(rng) >> 11) * 0x1.0p-53;
		double u = d->h_n + u01 * (d->h_x1 - d->h_n);
		double x = H_inv(d, u);
		double kf = floor(x + 0.5);
		if (kf < 1)
			kf = 1;
		if (kf > (double)d->n)
			kf = (double)d->n;
		if (kf - x <= d->s_val || u >= H(d, kf + 0.5) - h(d, kf))
			return (uint64_t)kf;
	}
}

void mb_keydist_format(const struct mb_keydist *d, char *buf, unsigned long size)
{
	switch (d->kind) {
	case MB_DIST_ZIPF:
		snprintf(buf, size, "zipf:%g", d->s);
		break;
	case MB_DIST_SEQUENTIAL:
		snprintf(buf, size, "sequential");
		break;
	case MB_DIST_HOTSPOT:
		snprintf(buf, size, "hotspot:%g:%g", d->hot_fraction, d->hot_probability);
		break;
	case MB_DIST_LATEST:
		snprintf(buf, size, "latest");
		break;
	default:
		snprintf(buf, size, "uniform");
	}
}
