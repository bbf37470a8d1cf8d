#include "run/timeseries.h"

#include "measure/hist.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void mb_ts_init(struct mb_timeseries *ts, uint64_t window_ns)
{
	memset(ts, 0, sizeof *ts);
	ts->window_ns = window_ns ? window_ns : 1;
}

void mb_ts_free(struct mb_timeseries *ts)
{
	free(ts->w);
	ts->w = NULL;
	ts->n = ts->cap = 0;
}

static int reserve(struct mb_timeseries *ts, size_t n)
{
	if (n <= ts->cap)
		return 0;
	size_t cap = ts->cap ? ts->cap : 8;
	while (cap < n)
		cap *= 2;
	struct mb_ts_window *w = realloc(ts->w, cap * sizeof *w);
	if (!w)
		return -ENOMEM;
	memset(w + ts->cap, 0, (cap - ts->cap) * sizeof *w);
	ts->w = w;
	ts->cap = cap;
	return 0;
}

struct mb_ts_window *mb_ts_window_at(struct mb_timeseries *ts, uint64_t t)
{
	uint64_t i = t / ts->window_ns;
	if (i >= MB_TS_MAX_WINDOWS) {
		ts->truncated = true;
		return NULL;
	}
	if (reserve(ts, i + 1))
		return NULL;
	if (ts->n < i + 1)
		ts->n = i + 1;
	return &ts->w[i];
}

static unsigned bucket_of(uint64_t v)
{
	const uint64_t max = (UINT64_C(1) << MB_TS_MAX_BITS) - 1;
	return mb_hist_bucket(v > max ? max : v, MB_TS_SUB_BITS);
}

void mb_ts_record_latency(struct mb_ts_window *w, uint64_t ns)
{
	w->lat[bucket_of(ns)]++;
	w->lat_count++;
}

void mb_ts_record_live(struct mb_ts_window *w, uint64_t t, const struct mb_alloc_live *live)
{
	if (t + 1 >= w->live_at) {
		w->live_at = t + 1;
		w->live = *live;
	}
}

int mb_ts_merge(struct mb_timeseries *dst, const struct mb_timeseries *src)
{
	if (reserve(dst, src->n))
		return -ENOMEM;
	dst->truncated |= src->truncated;
	if (dst->n < src->n)
		dst->n = src->n;
	for (size_t i = 0; i < src->n; i++) {
		struct mb_ts_window *d = &dst->w[i];
		const struct mb_ts_window *s = &src->w[i];
		for (int k = 0; k < MB_TS_KINDS; k++)
			d->ops[k] += s->ops[k];
		d->lat_count += s->lat_count;
		for (unsigned b = 0; b < MB_TS_NBUCKETS; b++)
			d->lat[b] += s->lat[b];
		if (s->live_at)
			mb_ts_record_live(d, s->live_at - 1, &s->live);
	}
	return 0;
}

uint64_t mb_ts_percentile(const struct mb_ts_window *w, double p)
{
	if (!w->lat_count)
		return 0;
	uint64_t rank = mb_hist_rank(p, w->lat_count), seen = 0;
	for (unsigned b = 0; b < MB_TS_NBUCKETS; b++) {
		seen += w->lat[b];
		if (seen >= rank)
			return mb_hist_bucket_top(b, MB_TS_SUB_BITS);
	}
	return mb_hist_bucket_top(MB_TS_NBUCKETS - 1, MB_TS_SUB_BITS);
}
