/* mb_timeseries: what a run did per time window — operations by kind and a
 * coarse latency histogram per window (16 buckets per power of two: about
 * 6% relative error, 5 KiB per window), so a user sees throughput and tail
 * latency move over time, e.g. while a map grows.
 *
 * Each worker fills its own series (at op-count checkpoints, so no clock
 * read per op); the runner merges them after the run.  Live bytes (the
 * counting allocator's, per category) are sampled at the same checkpoints:
 * a window keeps its latest sample, and merging keeps the latest of all.
 * Single-threaded per series.  Nothing is printed.
 */
#ifndef MB_RUN_TIMESERIES_H
#define MB_RUN_TIMESERIES_H

#include "measure/alloc.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MB_TS_KINDS 9 /* = MB_OP_NKINDS, checked in runner.c */
#define MB_TS_SUB_BITS 4
#define MB_TS_MAX_BITS 42
#define MB_TS_NBUCKETS ((MB_TS_MAX_BITS - MB_TS_SUB_BITS + 1) << MB_TS_SUB_BITS)

struct mb_ts_window {
	uint64_t ops[MB_TS_KINDS];
	uint64_t lat_count;
	uint64_t lat[MB_TS_NBUCKETS];
	uint64_t live_at;            /* when live was sampled (ns since origin) + 1; 0: never */
	struct mb_alloc_live live;
};

/* The most windows a series holds (5 KiB each per worker): a run longer
 * than this many windows keeps its first ones and says it was truncated;
 * mapbench run refuses a --window that would cut a --duration run finer. */
#define MB_TS_MAX_WINDOWS 10000

struct mb_timeseries {
	uint64_t window_ns;
	size_t n, cap;              /* windows in use / allocated */
	struct mb_ts_window *w;
	bool truncated;             /* time past MB_TS_MAX_WINDOWS windows was not kept */
};

void mb_ts_init(struct mb_timeseries *ts, uint64_t window_ns);
void mb_ts_free(struct mb_timeseries *ts);

/* The window that holds time t (ns since the run's origin), grown as
 * needed; NULL when out of memory or past MB_TS_MAX_WINDOWS (then
 * ts->truncated is set; the caller records nothing in the series: the run's
 * totals still count everything). */
struct mb_ts_window *mb_ts_window_at(struct mb_timeseries *ts, uint64_t t);

/* Records one timed op's latency in window w. */
void mb_ts_record_latency(struct mb_ts_window *w, uint64_t ns);

/* Keeps a live-bytes sample taken at time t (ns since the origin) in w,
 * unless w holds a later one. */
void mb_ts_record_live(struct mb_ts_window *w, uint64_t t, const struct mb_alloc_live *live);

/* dst += src, window by window (live bytes: the later sample wins).  Returns 0 or -ENOMEM. */
int mb_ts_merge(struct mb_timeseries *dst, const struct mb_timeseries *src);

/* The value at percentile p of window w's latencies (upper edge of its
 * bucket), 0 when none. */
uint64_t mb_ts_percentile(const struct mb_ts_window *w, double p);

#endif
