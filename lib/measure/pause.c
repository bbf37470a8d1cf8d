#include "measure/pause.h"
#include "measure/timer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const mb_pause_kind_names[MB_PAUSE_NKINDS + 1] = {
	"grow", "evacuate", "rehash", "promote", "dirty-copy", "lock-wait", "reclaim", "slow-op",
	"split", "starve-enter", "starve-leave", "gc",
	NULL,
};

static _Thread_local struct mb_pause_log *current;

const char *mb_pause_kind_name(enum mb_pause_kind k)
{
	return (unsigned)k < MB_PAUSE_NKINDS ? mb_pause_kind_names[k] : "unknown";
}

int mb_pause_log_init(struct mb_pause_log *log, uint64_t origin_ns, uint64_t threshold_ns,
		      uint32_t worker, size_t cap)
{
	memset(log, 0, sizeof *log);
	log->origin_ns = origin_ns;
	log->threshold_ns = threshold_ns;
	log->worker = worker;
	log->op_index = -1;
	log->cap = cap;
	if (cap && !(log->events = malloc(cap * sizeof *log->events)))
		return -ENOMEM;
	return 0;
}

void mb_pause_log_free(struct mb_pause_log *log)
{
	free(log->events);
	log->events = NULL;
	log->n = log->cap = 0;
}

void mb_pause_attach(struct mb_pause_log *log)
{
	current = log;
}

struct mb_pause_log *mb_pause_current(void)
{
	return current;
}

uint64_t mb_pause_now(void)
{
	return mb_timer_monotonic_ns();
}

static bool is_cycle(enum mb_pause_kind kind)
{
	return kind == MB_PAUSE_GROW || kind == MB_PAUSE_REHASH || kind == MB_PAUSE_PROMOTE ||
	       kind == MB_PAUSE_DIRTY_COPY || kind == MB_PAUSE_RECLAIM ||
	       kind == MB_PAUSE_STARVE_ENTER || kind == MB_PAUSE_STARVE_LEAVE;
}

/* Taps, counts and keeps e (its at_ns still absolute). */
static void record(struct mb_pause_log *log, struct mb_pause_event e)
{
	e.at_ns = e.at_ns > log->origin_ns ? e.at_ns - log->origin_ns : 0;
	e.worker = log->worker;
	e.op_index = log->op_index;
	if (log->tap && is_cycle(e.kind))
		log->tap(log->tap_arg, &e);
	if (e.dur_ns < log->threshold_ns)
		return;
	struct mb_pause_summary *s = &log->by_kind[e.kind];
	log->recorded++;
	s->count++;
	s->total_ns += e.dur_ns;
	if (e.dur_ns > s->max_ns)
		s->max_ns = e.dur_ns;
	if (log->n == log->cap) {
		log->dropped++;
		return;
	}
	log->events[log->n++] = e;
}

void mb_pause_record_moved(struct mb_pause_log *log, enum mb_pause_kind kind, uint64_t t0,
			   uint64_t dur_ns, int64_t map_len, int64_t moved)
{
	record(log, (struct mb_pause_event){
		.at_ns = t0, .dur_ns = dur_ns, .map_len = map_len, .kind = (uint8_t)kind,
		.moved = moved,
	});
}

void mb_pause_record(struct mb_pause_log *log, enum mb_pause_kind kind, uint64_t t0,
		     uint64_t dur_ns, int64_t map_len)
{
	mb_pause_record_moved(log, kind, t0, dur_ns, map_len, -1);
}

void mb_pause_record_reclaim(struct mb_pause_log *log, uint64_t t0, uint64_t dur_ns,
			     uint64_t grace_ns, uint32_t objects, uint64_t bytes)
{
	record(log, (struct mb_pause_event){
		.at_ns = t0, .dur_ns = dur_ns, .map_len = -1, .kind = MB_PAUSE_RECLAIM, .moved = -1,
		.objects = objects, .bytes = bytes, .grace_ns = grace_ns,
	});
}

#undef mb_pause_end
#undef mb_pause_end_moved
void mb_pause_end_moved(enum mb_pause_kind kind, uint64_t t0, int64_t map_len, int64_t moved)
{
	struct mb_pause_log *log = current;
	if (!log || !t0)
		return;
	mb_pause_record_moved(log, kind, t0, mb_pause_now() - t0, map_len, moved);
}

void mb_pause_end(enum mb_pause_kind kind, uint64_t t0, int64_t map_len)
{
	mb_pause_end_moved(kind, t0, map_len, -1);
}

int mb_pause_merge(struct mb_pause_log *dst, const struct mb_pause_log *src)
{
	for (int k = 0; k < MB_PAUSE_NKINDS; k++) {
		struct mb_pause_summary *d = &dst->by_kind[k];
		const struct mb_pause_summary *s = &src->by_kind[k];
		d->count += s->count;
		d->total_ns += s->total_ns;
		if (s->max_ns > d->max_ns)
			d->max_ns = s->max_ns;
	}
	dst->recorded += src->recorded;
	size_t room = dst->cap - dst->n, take = src->n < room ? src->n : room;
	if (take)
		memcpy(dst->events + dst->n, src->events, take * sizeof *src->events);
	dst->n += take;
	dst->dropped += src->dropped + (src->n - take);
	return 0;
}

static int by_start(const void *a, const void *b)
{
	const struct mb_pause_event *x = a, *y = b;
	if (x->at_ns != y->at_ns)
		return x->at_ns < y->at_ns ? -1 : 1;
	return x->worker < y->worker ? -1 : x->worker > y->worker;
}

void mb_pause_sort(struct mb_pause_log *log)
{
	if (log->n > 1)
		qsort(log->events, log->n, sizeof *log->events, by_start);
}

unsigned mb_pause_bucket(uint64_t dur_ns)
{
	return dur_ns < 2 ? 0 : 63u - (unsigned)__builtin_clzll(dur_ns);
}
