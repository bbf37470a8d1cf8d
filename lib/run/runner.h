/* mb_runner: one benchmark run — a map, N logical tasks multiplexed over P
 * OS worker threads, an op mix, a key space, a length — and what it measured.
 *
 * How a run goes: create the map; prefill keys 0..prefill-1 from one thread;
 * allocate and seed the task records (timed: spawn_s); start the workers;
 * all workers wait at a start gate, warm up if asked (ops that nothing
 * measures, then all workers meet again), then run their tasks (in turn, one
 * op each, when no task can park; else each task op after op until it
 * parks, is done or has run 10 ms) until the op budget is spent, the duration
 * passes, a map returns a fatal code, or *interrupt becomes non-zero.
 *
 * Tasks are small records (RNG stream, op budget, counters, a run-queue
 * link), never threads or stacks: task i starts on worker i % procs.  Each
 * worker keeps a run queue of its runnable tasks.  A task whose op must
 * wait for a Go lock (--lock go) parks: the op returns MB_MAP_PARKED, the
 * task leaves its worker and its op lives on in a pooled wait record; the
 * lock's release readies it into the releasing worker's runnext, as Go's
 * ready does, and the op runs again from the start there.  A worker with
 * nothing to run steals half of a busy worker's queue, or sleeps until
 * there is work (tasksched.h).  Without parking (no lock, or not Go's)
 * tasks stay on their worker and a worker sweeps them in order.  When
 * a run ends, tasks finish the op they are parked in before their worker
 * leaves, so no lock stays owed to a task that never runs again.
 *
 * Keys: index k is the int64 k, or with string keys the k-th string of a
 * key set built before the map is created (keys.h), freed after it is
 * destroyed; nothing is generated or allocated for keys while timed.
 *
 * Values: key k only ever holds k*2 or k*2+1 (prefill stores k*2; a write
 * picks one at random), so compare_and_swap and compare_and_delete, which
 * name an expected old value, succeed about half the time on a present key
 * instead of almost never.
 *
 * Recorded streams (opstream.h): with cfg->replay, task i runs the ops of
 * the stream's task i in order, each once, with the values they name,
 * instead of drawing ops (the stream replaces threads, ops, mix and dist;
 * no warm-up).  With cfg->record, every op of the timed phase is appended,
 * with its values, to task i's list in *cfg->record (each worker appends to
 * the list of the task it runs), so that a replay of it runs the same ops and
 * gives the same op_digest.
 *
 * Threads: mb_run_execute is called from one thread and creates the workers
 * itself, with SIGINT, SIGTERM and SIGHUP blocked so that a handler runs in the
 * calling thread.  *interrupt is an atomic so that a signal handler (a
 * lock-free atomic store is async-signal-safe) or another thread may raise
 * it.  lib/ never prints or exits; errors are negative errno values.
 */
#ifndef MB_RUN_RUNNER_H
#define MB_RUN_RUNNER_H

#include "lock/lockstat.h"
#include "maps/map.h"
#include "run/keydist.h"
#include "run/keys.h"
#include "run/opstream.h"
#include "run/timeseries.h"
#include "measure/alloc.h"
#include "measure/counters.h"
#include "measure/hist.h"
#include "measure/pause.h"

#include <math.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The operations a task draws from the mix: sync.Map's API (map.h). */
enum mb_op_kind {
	MB_OP_LOAD = 0,
	MB_OP_STORE,
	MB_OP_DELETE,
	MB_OP_LOAD_OR_STORE,
	MB_OP_LOAD_AND_DELETE,
	MB_OP_SWAP,
	MB_OP_CAS,
	MB_OP_CAD,
	MB_OP_RANGE,     /* a full iteration of the map: O(len) */
	MB_OP_NKINDS,
};

/* Name of an op kind as used by --mix and in JSON keys: "load", "store",
 * "delete", "load_or_store", "load_and_delete", "swap", "cas", "cad",
 * "range". */
const char *mb_op_kind_name(enum mb_op_kind k);

/* The names in enum order, NULL-terminated (for the mix parser). */
extern const char *const mb_op_kind_names[MB_OP_NKINDS + 1];

struct mb_run_config {
	const struct mb_map_ops *map;
	uint64_t threads;         /* logical tasks, >= 1 */
	unsigned procs;           /* OS worker threads, >= 1 */
	unsigned mix[MB_OP_NKINDS]; /* percent per op kind, sums to 100 */
	uint64_t keys;            /* key space: keys are drawn from [0, keys) */
	struct mb_keydist dist;   /* how (zeroed: uniform); prepared by the runner */
	uint64_t prefill;         /* keys 0..prefill-1 stored before timing */
	uint64_t ops;             /* total op budget, or 0 when duration_ns is set */
	uint64_t duration_ns;     /* run length, or 0 when ops is set */
	uint64_t warmup_ops;      /* ops run before the timed phase, not measured */
	uint64_t warmup_ns;       /* or a warm-up time (at most one of the two) */
	uint64_t seed;            /* workload RNG seed */
	uint64_t hash_seed;       /* map hash0 when hash_seed_set */
	bool hash_seed_set;
	enum mb_map_grow_mode grow;
	enum mb_lock_policy lock; /* the lock of designs with MB_MAP_F_LOCK (zero: go) */
	uint32_t map_param;       /* the design's NAME:PARAM parameter; 0 its default */
	size_t value_size;        /* 0 inline int64 values, else blob bytes (map.h) */
	struct mb_keyspec key_type; /* int, or string keys built before the run (keys.h) */
	uint32_t latency_every;   /* time 1 op in N per worker; 1 all, 0 none */
	uint64_t pause_threshold_ns; /* record stalls at least this long */
	bool pauses_off;          /* no pause log at all: no clock reads for it */
	const struct mb_counters *counters; /* events to count, or NULL */
	uint64_t window_ns;       /* time series window; 0 for 1 s */
	mb_pause_tap_fn trace;    /* called for every growth/promotion cycle, or NULL */
	void *trace_arg;
	/* If set, workers add the ops they complete (every ~1024) and the
	 * runner stores the timed start in progress_start_ns, so another thread
	 * can show progress.  Relaxed atomics: a display, not a result. */
	atomic_uint_fast64_t *progress_ops;
	atomic_uint_fast64_t *progress_start_ns;
	size_t max_events;        /* pause events kept (per worker, and in all) */
	/* A stream to run instead of drawing ops (threads must be its task
	 * count, ops its op count, no warm-up), or NULL; read-only. */
	const struct mb_opstream *replay;
	/* Where the timed phase's ops are appended (initialised with threads
	 * tasks and the run's key type by the caller), or NULL. */
	struct mb_opstream *record;
};

enum mb_run_outcome {
	MB_RUN_OK = 0,
	MB_RUN_FATAL,       /* the map detected concurrent misuse */
	MB_RUN_INTERRUPTED, /* *interrupt was raised */
};

/* "ok", "fatal", "interrupted". */
const char *mb_run_outcome_name(enum mb_run_outcome o);

/* What the design's lock did in the timed phase (lib/lock/lockstat.h),
 * summed over the workers. */
struct mb_run_lock_stats {
	bool applies;             /* the design takes a lock (MB_MAP_F_LOCK) */
	enum mb_lock_policy policy;
	uint64_t acquisitions[MB_LOCK_NSIDES]; /* [MB_LOCK_READ], [MB_LOCK_WRITE] */
	uint64_t contended[MB_LOCK_NSIDES];
	uint64_t parks, blocked, wakeups, handoffs;
	uint64_t starve_enter, starve_exit;
	uint64_t max_waiters;     /* the longest wait queue seen */
	uint64_t migrations;      /* woken tasks run by another worker than they parked on */
	uint64_t steals;          /* tasks handed to a worker that ran out of them */
	uint64_t switches;        /* times a worker took a task to run (Go: a goroutine
				   * made running); 0 where tasks cannot park */
	struct mb_hist_summary wait_ns[MB_LOCK_NSIDES]; /* contended acquisitions */
	struct mb_hist_summary hold_ns[MB_LOCK_NSIDES]; /* sampled like latency */
};

struct mb_run_result {
	enum mb_run_outcome outcome;
	const char *message;      /* Go's message when fatal, else NULL (static) */
	uint64_t ops;             /* ops completed in the timed phase */
	uint64_t ops_by_kind[MB_OP_NKINDS];
	uint64_t hits_by_kind[MB_OP_NKINDS]; /* ops that returned 1 (map.h) */
	uint64_t load_hits;       /* loads that found their key */
	uint64_t range_entries;   /* entries visited by range ops */
	struct mb_map_stat map_stats[MB_MAP_MAX_STATS]; /* the design's own */
	size_t nmap_stats;
	double elapsed_s;         /* timed phase, barrier release to last worker done */
	/* With a duration: how long the timed phase ran past it (tasks parked
	 * at the deadline finish their op first, as goroutines blocked in Lock
	 * do; elapsed_s includes it), else -1. */
	double overrun_s;
	double ops_per_s;
	double prefill_s;
	double spawn_s;           /* allocating and seeding all task records */
	size_t task_bytes;        /* bytes of task state per task */
	struct mb_hist_summary latency; /* sampled op latencies, all kinds, ns */
	struct mb_hist_summary latency_by_kind[MB_OP_NKINDS];
	const char *timer;        /* what timed the ops: "tsc" or "clock_gettime" (static) */
	double timer_overhead_ns; /* median cost of one timing (two clock reads) */
	struct mb_pause_log pauses; /* all workers' events, by start time; owned */
	struct mb_alloc_stats alloc; /* what the workers allocated while timed */
	struct mb_alloc_live live_end; /* held for live objects when the run ended */
	int64_t live_peak;        /* largest total seen at the checkpoints (and the end) */
	struct mb_timeseries series; /* per window, from the timed start; owned */
	/* Fairness over the tasks: ops done per task, and Jain's index
	 * (sum x)^2 / (n sum x^2): 1 when every task did as much, 1/n when one
	 * did everything. */
	uint64_t task_ops_min, task_ops_median, task_ops_max;
	double fairness;
	/* A digest of the op stream: one digest per task of the kind and key
	 * of each of its ops in order, combined in task order, so it depends
	 * neither on procs nor on how the tasks interleave; the same seed gives
	 * the same digest exactly when every task ran the same ops (and the Go
	 * runner, mapbench-go, computes it the same way). */
	uint64_t op_digest;
	uint64_t peak_rss_bytes;  /* the process's peak resident set so far */
	uint64_t minor_faults;    /* page faults of the process during the run */
	uint64_t major_faults;
	size_t ncounters;         /* = mb_counters_count(cfg->counters) */
	uint64_t counter_values[MB_COUNTERS_MAX]; /* summed over workers */
	int counter_errors[MB_COUNTERS_MAX];      /* errno if some worker could not open it */
	int64_t final_len;        /* map length after the run (-1 if unknown) */
	struct mb_run_lock_stats lock;
};

/* A rough upper estimate of the memory a run needs (tasks, per-worker
 * buffers, the map at its largest), for refusing a run that cannot fit. */
uint64_t mb_run_estimate_bytes(const struct mb_run_config *cfg);

/* The run's map as --map names it: "plain", or "sharded:64" for a design
 * given a parameter.  Returns what snprintf returns. */
int mb_run_map_label(const struct mb_run_config *cfg, char *buf, size_t n);

/* Elapsed nanoseconds per completed op of the timed phase; NaN when no op
 * completed.  The one definition the table, the JSON and the CSV use. */
static inline double mb_run_ns_per_op(const struct mb_run_result *r)
{
	return r->ops ? r->elapsed_s * 1e9 / (double)r->ops : (double)NAN;
}

/* Frees what a result owns (its pause events).  Safe on a zeroed result. */
void mb_run_result_free(struct mb_run_result *res);

/* Runs one benchmark.  res is always initialised (call mb_run_result_free
 * on it when done).  Returns 0 (see res->outcome for ok/fatal/interrupted)
 * or a negative errno when the run could not be set up (-ENOMEM, -EINVAL for
 * a config that breaks the rules above).  interrupt may be NULL. */
int mb_run_execute(const struct mb_run_config *cfg, struct mb_run_result *res,
		   const atomic_int *interrupt);

#endif
