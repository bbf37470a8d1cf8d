/* mb_pause: pause events — every stall above a threshold, with its cause.
 *
 * A worker thread attaches its own log (mb_pause_attach); instrumentation
 * points in the maps time what they do with mb_pause_begin/mb_pause_end and
 * the event lands in the calling thread's log, if it has one and the stall
 * lasted at least the threshold.  Threads without a log (tests, the call_rcu
 * thread) pay one thread-local load per point and record nothing.  Logs are
 * bounded: events past the capacity are counted as dropped, never lost
 * silently, and the per-kind summaries still count them.
 *
 * Threads: a log belongs to one thread while attached; merge after join.
 */
#ifndef MB_MEASURE_PAUSE_H
#define MB_MEASURE_PAUSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum mb_pause_kind {
	MB_PAUSE_GROW = 0,   /* a growth starts: a new bucket array (plain) */
	MB_PAUSE_EVACUATE,   /* one incremental evacuation step (growWork) */
	MB_PAUSE_REHASH,     /* a whole-map rehash, --grow=stw */
	MB_PAUSE_PROMOTE,    /* sync: dirty promoted to read */
	MB_PAUSE_DIRTY_COPY, /* sync: dirty rebuilt from read (dirtyLocked) */
	MB_PAUSE_LOCK_WAIT,  /* waiting for a map's lock */
	MB_PAUSE_RECLAIM,    /* a reclamation batch freed after its grace period */
	MB_PAUSE_SLOW_OP,    /* a timed op over the threshold, no other cause */
	MB_PAUSE_SPLIT,      /* swiss: a 1024-slot table split in two */
	MB_PAUSE_STARVE_ENTER, /* a Go mutex entered starvation mode (duration 0) */
	MB_PAUSE_STARVE_LEAVE, /* it left starvation mode: the time spent in it */
	MB_PAUSE_GC,         /* a garbage collector's pause (the Go runner's) */
	MB_PAUSE_NKINDS,
};

/* "grow", "evacuate", "rehash", "promote", "dirty-copy", "lock-wait",
 * "reclaim", "slow-op", "split", "starve-enter", "starve-leave", "gc": the
 * one list of pause-kind names (--pause-threshold's help, the JSON writer
 * and reader, compare's pause:KIND, export). */
const char *mb_pause_kind_name(enum mb_pause_kind k);

/* The names in enum order, NULL-terminated. */
extern const char *const mb_pause_kind_names[MB_PAUSE_NKINDS + 1];

/* The worker of events that no worker caused: reclamation batches, freed
 * on liburcu's call_rcu thread. */
#define MB_PAUSE_NO_WORKER UINT32_MAX

struct mb_pause_event {
	uint64_t at_ns;   /* start, since the log's origin */
	uint64_t dur_ns;
	int64_t map_len;  /* entries in the map then, or -1 if not known */
	/* 0-based index of the op during which it happened in its task's op
	 * stream, or -1 (no op: reclamation, or outside the ops) */
	int64_t op_index;
	uint32_t worker;  /* or MB_PAUSE_NO_WORKER */
	uint8_t kind;
	/* grow, evacuate, rehash and split of mapbench's maps: the entries the
	 * step copied into a new array or table (0 for a plain grow, which
	 * only allocates); -1 for every other event */
	int64_t moved;
	/* reclaim only: the batch's grace period (queued to freeing), and
	 * what it freed */
	uint32_t objects;
	uint64_t bytes;
	uint64_t grace_ns;
};

struct mb_pause_summary {
	uint64_t count;    /* stalls at or above the threshold */
	uint64_t total_ns;
	uint64_t max_ns;
};

/* Called for every growth, promotion or reclamation cycle (grow, rehash,
 * promote, dirty-copy, reclaim) and every change of a Go mutex's
 * starvation mode (starve-enter, starve-leave), whatever the threshold:
 * --gctrace's lines.
 * Runs on the thread that caused it (reclaim: liburcu's call_rcu thread). */
typedef void (*mb_pause_tap_fn)(void *arg, const struct mb_pause_event *e);

struct mb_pause_log {
	uint64_t origin_ns;     /* CLOCK_MONOTONIC time that at_ns counts from */
	mb_pause_tap_fn tap;    /* optional */
	void *tap_arg;
	uint64_t threshold_ns;  /* record stalls at least this long */
	uint32_t worker;
	/* The op the log's thread is running (its index in its task's
	 * stream), or -1: set by the runner, copied into each event. */
	int64_t op_index;
	struct mb_pause_event *events;
	size_t cap, n;
	uint64_t dropped;       /* recorded in the summary, but no room left */
	uint64_t recorded;      /* events at or above the threshold, all kinds */
	struct mb_pause_summary by_kind[MB_PAUSE_NKINDS];
};

/* Sets up a log holding at most cap events.  Returns 0 or -ENOMEM. */
int mb_pause_log_init(struct mb_pause_log *log, uint64_t origin_ns, uint64_t threshold_ns,
		      uint32_t worker, size_t cap);
void mb_pause_log_free(struct mb_pause_log *log);

/* The calling thread's log from now on (NULL: none). */
void mb_pause_attach(struct mb_pause_log *log);
/* The calling thread's log, or NULL. */
struct mb_pause_log *mb_pause_current(void);

/* CLOCK_MONOTONIC in ns. */
uint64_t mb_pause_now(void);

/* Start of a timed section: a timestamp, or 0 when the thread has no log.
 * Built with MB_NO_INSTRUMENT (make bench's baseline binary, which measures
 * what the instrumentation costs when it is off), always 0. */
static inline uint64_t mb_pause_begin(void)
{
#ifdef MB_NO_INSTRUMENT
	return 0;
#else
	return mb_pause_current() ? mb_pause_now() : 0;
#endif
}

/* End of a section begun with mb_pause_begin (t0 may be 0: nothing); the
 * event's moved is -1. */
void mb_pause_end(enum mb_pause_kind kind, uint64_t t0, int64_t map_len);
/* The same for a growth step that moved `moved` entries. */
void mb_pause_end_moved(enum mb_pause_kind kind, uint64_t t0, int64_t map_len, int64_t moved);
#ifdef MB_NO_INSTRUMENT
#define mb_pause_end(kind, t0, map_len) ((void)(kind), (void)(t0), (void)(map_len))
#define mb_pause_end_moved(kind, t0, map_len, moved) \
	((void)(kind), (void)(t0), (void)(map_len), (void)(moved))
#endif

/* Records an event measured elsewhere (start t0, duration dur; moved -1). */
void mb_pause_record(struct mb_pause_log *log, enum mb_pause_kind kind, uint64_t t0,
		     uint64_t dur_ns, int64_t map_len);
/* The same with the entries the step moved. */
void mb_pause_record_moved(struct mb_pause_log *log, enum mb_pause_kind kind, uint64_t t0,
			   uint64_t dur_ns, int64_t map_len, int64_t moved);

/* Records a reclamation batch: freed from t0 for dur_ns after a grace
 * period of grace_ns, objects and bytes freed. */
void mb_pause_record_reclaim(struct mb_pause_log *log, uint64_t t0, uint64_t dur_ns,
			     uint64_t grace_ns, uint32_t objects, uint64_t bytes);

/* Merges src into dst: summaries add up, events are appended while dst has
 * room (the rest count as dropped).  Returns 0 or -ENOMEM. */
int mb_pause_merge(struct mb_pause_log *dst, const struct mb_pause_log *src);

/* Sorts the events by start time. */
void mb_pause_sort(struct mb_pause_log *log);

/* Duration bucket of the heatmap: floor(log2(dur_ns)), 0 for 0 and 1 ns. */
unsigned mb_pause_bucket(uint64_t dur_ns);

#endif
