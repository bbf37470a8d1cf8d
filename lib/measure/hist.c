#include "measure/hist.h"

#include <math.h>
#include <string.h>

/* Values below 2^sub_bits map to themselves (exact).  Above, v's leading
 * bit k >= sub_bits selects a range of 2^sub_bits buckets [2^k, 2^(k+1)),
 * each 2^(k-sub_bits) wide. */
unsigned mb_hist_bucket(uint64_t v, unsigned sub_bits)
{
	const uint64_t sub = UINT64_C(1) << sub_bits;
	if (v < sub)
		return (unsigned)v;
	unsigned k = 63u - (unsigned)__builtin_clzll(v);
	unsigned shift = k - sub_bits;
	unsigned within = (unsigned)((v >> shift) - sub);
	return ((k - sub_bits + 1) << sub_bits) + within;
}

uint64_t mb_hist_bucket_top(unsigned b, unsigned sub_bits)
{
	const unsigned sub = 1u << sub_bits;
	if (b < sub)
		return b;
	unsigned shift = (b >> sub_bits) - 1;
	uint64_t low = (uint64_t)(sub + (b & (sub - 1))) << shift;
	return low + ((UINT64_C(1) << shift) - 1);
}

uint64_t mb_hist_rank(double p, uint64_t count)
{
	double want = p / 100.0 * (double)count;
	uint64_t rank = (uint64_t)want;
	if ((double)rank < want)
		rank++;
	if (rank < 1)
		rank = 1;
	return rank > count ? count : rank;
}

static unsigned bucket_of(uint64_t v)
{
	return mb_hist_bucket(v, MB_HIST_SUB_BITS);
}

static uint64_t bucket_high(unsigned b)
{
	return mb_hist_bucket_top(b, MB_HIST_SUB_BITS);
}

void mb_hist_init(struct mb_hist *h)
{
	memset(h, 0, sizeof *h);
	h->min = UINT64_MAX;
}

void mb_hist_record(struct mb_hist *h, uint64_t ns)
{
	if (ns > MB_HIST_MAX_NS)
		ns = MB_HIST_MAX_NS;
	h->buckets[bucket_of(ns)]++;
	h->count++;
	h->sum += (double)ns;
	h->sum_sq += (double)ns * (double)ns;
	if (ns < h->min)
		h->min = ns;
	if (ns > h->max)
		h->max = ns;
}

void mb_hist_merge(struct mb_hist *dst, const struct mb_hist *src)
{
	if (src->count == 0)
		return;
	for (unsigned i = 0; i < MB_HIST_NBUCKETS; i++)
		dst->buckets[i] += src->buckets[i];
	dst->count += src->count;
	dst->sum += src->sum;
	dst->sum_sq += src->sum_sq;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

uint64_t mb_hist_percentile(const struct mb_hist *h, double p)
{
	if (h->count == 0)
		return 0;
	if (p <= 0)
		return h->min;
	uint64_t rank = mb_hist_rank(p, h->count), seen = 0;
	for (unsigned b = 0; b < MB_HIST_NBUCKETS; b++) {
		seen += h->buckets[b];
		if (seen >= rank) {
			uint64_t v = bucket_high(b);
			return v > h->max ? h->max : v;
		}
	}
	return h->max;
}

double mb_hist_mean(const struct mb_hist *h)
{
	return h->count ? h->sum / (double)h->count : 0.0;
}

void mb_hist_summarize(const struct mb_hist *h, struct mb_hist_summary *s)
{
	*s = (struct mb_hist_summary){
		.count = h->count,
		.min = h->count ? h->min : 0,
		.max = h->max,
		.p50 = mb_hist_percentile(h, 50),
		.p90 = mb_hist_percentile(h, 90),
		.p99 = mb_hist_percentile(h, 99),
		.p999 = mb_hist_percentile(h, 99.9),
		.p9999 = mb_hist_percentile(h, 99.99),
		.mean = mb_hist_mean(h),
		.stddev = mb_hist_stddev(h),
	};
}

double mb_hist_stddev(const struct mb_hist *h)
{
	if (!h->count)
		return 0.0;
	double mean = h->sum / (double)h->count;
	double var = h->sum_sq / (double)h->count - mean * mean;
	return var > 0 ? sqrt(var) : 0.0;
}
