/* Lock statistics.  See lockstat.h. */
#include "lock/lockstat.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

_Thread_local struct mb_lock_stats *mb_lockstat_tls;

void mb_lockstat_queue_len(uint64_t n)
{
	struct mb_lock_stats *s = mb_lockstat_tls;
	if (s && n > s->max_waiters)
		s->max_waiters = n;
}

int mb_lockstat_init(struct mb_lock_stats *s, bool hists, uint32_t hold_every)
{
	memset(s, 0, sizeof *s);
	s->hold_every = hold_every;
	s->hold_left = hold_every;
	if (!hists)
		return 0;
	/* calloc: a zeroed histogram is an empty one, and pages never touched
	 * (a side nobody uses) cost no memory. */
	for (int i = 0; i < MB_LOCK_NSIDES; i++) {
		s->wait[i] = calloc(1, sizeof *s->wait[i]);
		s->hold[i] = calloc(1, sizeof *s->hold[i]);
		if (!s->wait[i] || !s->hold[i]) {
			mb_lockstat_free(s);
			return -ENOMEM;
		}
		s->wait[i]->min = s->hold[i]->min = UINT64_MAX;
	}
	return 0;
}

void mb_lockstat_free(struct mb_lock_stats *s)
{
	for (int i = 0; i < MB_LOCK_NSIDES; i++) {
		free(s->wait[i]);
		free(s->hold[i]);
		s->wait[i] = s->hold[i] = NULL;
	}
}

void mb_lockstat_merge(struct mb_lock_stats *dst, const struct mb_lock_stats *src)
{
	for (int i = 0; i < MB_LOCK_NSIDES; i++) {
		dst->acquisitions[i] += src->acquisitions[i];
		dst->contended[i] += src->contended[i];
		if (dst->wait[i] && src->wait[i])
			mb_hist_merge(dst->wait[i], src->wait[i]);
		if (dst->hold[i] && src->hold[i])
			mb_hist_merge(dst->hold[i], src->hold[i]);
	}
	dst->parks += src->parks;
	dst->blocked += src->blocked;
	dst->wakeups += src->wakeups;
	dst->handoffs += src->handoffs;
	dst->starve_enter += src->starve_enter;
	dst->starve_exit += src->starve_exit;
	if (src->max_waiters > dst->max_waiters)
		dst->max_waiters = src->max_waiters;
}
