/* The log-linear histogram against exact percentiles of known data. */
#include "check.h"

#include "measure/hist.h"

#include <math.h>
#include <stdlib.h>

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The exact value of rank ceil(p/100 n) in sorted data. */
static uint64_t exact(const uint64_t *sorted, size_t n, double p)
{
	size_t rank = (size_t)ceil(p / 100.0 * (double)n);
	if (rank < 1)
		rank = 1;
	return sorted[rank - 1];
}

static void check_data(const char *name, uint64_t *v, size_t n)
{
	struct mb_hist *h = malloc(sizeof *h);
	mb_hist_init(h);
	for (size_t i = 0; i < n; i++)
		mb_hist_record(h, v[i]);
	qsort(v, n, sizeof *v, cmp_u64);
	const double ps[] = {1, 10, 50, 90, 99, 99.9, 99.99, 100};
	for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
		double want = (double)exact(v, n, ps[i]);
		double got = (double)mb_hist_percentile(h, ps[i]);
		/* Reported as the top of the value's bucket: never below it,
		 * above by less than one bucket width (1/128 relative). */
		CHECK(got >= want && got <= want * (1.0 + 1.0 / MB_HIST_SUB_BUCKETS) + 1e-9,
		      "%s: p%g = %.0f, exact %.0f", name, ps[i], got, want);
	}
	CHECK(h->count == n && h->min == v[0] && h->max == v[n - 1], "%s: count/min/max", name);
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += (double)v[i];
	CHECK(fabs(mb_hist_mean(h) - sum / (double)n) < 1e-6 * (sum / (double)n + 1),
	      "%s: mean", name);
	double mean = sum / (double)n, ss = 0;
	for (size_t i = 0; i < n; i++)
		ss += ((double)v[i] - mean) * ((double)v[i] - mean);
	double sd = sqrt(ss / (double)n);
	CHECK(fabs(mb_hist_stddev(h) - sd) <= 1e-6 * sd + 1e-3, "%s: stddev %.3f, exact %.3f",
	      name, mb_hist_stddev(h), sd);
	free(h);
}

int main(void)
{
	const size_t n = 200000;
	uint64_t *v = malloc(n * sizeof *v);
	uint64_t s = 12345;

	for (size_t i = 0; i < n; i++) {
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		v[i] = (s >> 33) % 1000000; /* uniform 0..1ms */
	}
	check_data("uniform", v, n);

	for (size_t i = 0; i < n; i++) {
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		double u = ((double)(s >> 11) + 0.5) / 9007199254740992.0;
		v[i] = (uint64_t)(-log(u) * 200.0); /* exponential, mean 200ns */
	}
	check_data("exponential", v, n);

	for (size_t i = 0; i < n; i++)
		v[i] = 777;
	check_data("constant", v, n);

	v[0] = 5;
	check_data("single", v, 1);

	for (size_t i = 0; i < 128; i++)
		v[i] = i;
	check_data("exact small values", v, 128);
	struct mb_hist *h = malloc(sizeof *h), *a = malloc(sizeof *a), *b = malloc(sizeof *b);
	mb_hist_init(h);
	for (uint64_t x = 0; x < 128; x++)
		mb_hist_record(h, x);
	for (uint64_t x = 0; x < 128; x++)
		CHECK(mb_hist_percentile(h, (double)(x + 1) / 128.0 * 100.0) == x,
		      "values below 128 are exact: %llu", (unsigned long long)x);

	mb_hist_init(h);
	CHECK(mb_hist_percentile(h, 50) == 0 && mb_hist_mean(h) == 0, "empty histogram");

	/* Merging equals recording everything in one. */
	mb_hist_init(a);
	mb_hist_init(b);
	mb_hist_init(h);
	for (uint64_t x = 1; x < 100000; x += 7) {
		mb_hist_record((x & 1) ? a : b, x * 13);
		mb_hist_record(h, x * 13);
	}
	mb_hist_merge(a, b);
	CHECK(a->count == h->count && a->min == h->min && a->max == h->max, "merge totals");
	for (double p = 1; p <= 100; p += 1)
		CHECK(mb_hist_percentile(a, p) == mb_hist_percentile(h, p), "merge p%g", p);

	/* Values beyond the range are clamped, not lost. */
	mb_hist_init(h);
	mb_hist_record(h, UINT64_MAX);
	CHECK(h->count == 1 && h->max == MB_HIST_MAX_NS &&
	      mb_hist_percentile(h, 100) == MB_HIST_MAX_NS, "clamped to MB_HIST_MAX_NS");
	free(h);
	free(a);
	free(b);
	free(v);
	CHECK_DONE();
}
