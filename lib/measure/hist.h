/* mb_hist: a log-linear latency histogram in the spirit of HdrHistogram.
 *
 * Values are nanoseconds from 0 to MB_HIST_MAX_NS (~73 minutes).  Each
 * power-of-two range [2^k, 2^(k+1)) is split into MB_HIST_SUB_BUCKETS equal
 * buckets, so any recorded value is reported within a relative error of
 * 1/MB_HIST_SUB_BUCKETS, under 0.1%: three significant digits, as
 * HdrHistogram's default (values below MB_HIST_SUB_BUCKETS are exact).
 * Memory is constant: about 270 KiB per histogram.
 *
 * Threads: an mb_hist belongs to one thread; merge per-thread histograms
 * after the threads have joined.
 */
#ifndef MB_MEASURE_HIST_H
#define MB_MEASURE_HIST_H

#include <stdint.h>

#define MB_HIST_SUB_BITS 10
#define MB_HIST_SUB_BUCKETS (1u << MB_HIST_SUB_BITS) /* 1024: < 0.1% error */
#define MB_HIST_MAX_BITS 42                          /* ~73 minutes in ns */
#define MB_HIST_MAX_NS ((UINT64_C(1) << MB_HIST_MAX_BITS) - 1)
#define MB_HIST_NBUCKETS ((MB_HIST_MAX_BITS - MB_HIST_SUB_BITS + 1) * MB_HIST_SUB_BUCKETS)

struct mb_hist {
	uint64_t count;
	uint64_t min;
	uint64_t max;
	double sum;
	double sum_sq;
	uint64_t buckets[MB_HIST_NBUCKETS];
};

/* The log-linear layout itself, for histograms of other precisions: the
 * bucket of v with 2^sub_bits buckets per power of two, the highest value of
 * bucket b, and the rank (1..count) of percentile p among count values. */
unsigned mb_hist_bucket(uint64_t v, unsigned sub_bits);
uint64_t mb_hist_bucket_top(unsigned b, unsigned sub_bits);
uint64_t mb_hist_rank(double p, uint64_t count);

void mb_hist_init(struct mb_hist *h);
/* Records one value; values above MB_HIST_MAX_NS are clamped to it. */
void mb_hist_record(struct mb_hist *h, uint64_t ns);
/* Adds src's counts into dst. */
void mb_hist_merge(struct mb_hist *dst, const struct mb_hist *src);
/* The value at percentile p (0..100): the highest value of the bucket that
 * holds the ceil(p/100*count)-th smallest value, capped at max.  0 when empty. */
uint64_t mb_hist_percentile(const struct mb_hist *h, double p);
double mb_hist_mean(const struct mb_hist *h);

/* What reports need of a histogram, small enough to keep per run. */
struct mb_hist_summary {
	uint64_t count;
	uint64_t min, max; /* 0 when empty */
	uint64_t p50, p90, p99, p999, p9999;
	double mean, stddev;
};

void mb_hist_summarize(const struct mb_hist *h, struct mb_hist_summary *s);
/* Population standard deviation of the recorded values (exact: the
 * histogram keeps their sum of squares).  0 when empty. */
double mb_hist_stddev(const struct mb_hist *h);

#endif
