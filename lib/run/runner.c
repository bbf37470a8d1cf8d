/* The runner: tasks multiplexed over worker threads.  See runner.h.
 *
 * Cost per op is what this file is about: a task turn is one splitmix draw,
 * two multiply-highs (op kind, key), an indirect call into the map and a
 * counter bump, plus a pop and a push on the worker's run queue (a ring of
 * task indices, tasksched.h).  Nothing on that path scales with the number
 * of tasks: while nobody parks the queue holds the tasks in order, so their
 * records are walked in order (streamed by the prefetcher), and the clock
 * is read only for sampled ops and every CHECK_EVERY ops. */
#include "run/runner.h"

#include "run/rng.h"
#include "run/tasksched.h"
#include "measure/timer.h"
#include "maps/reclaim.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

/* How often (in ops) a worker looks at the stop flag, the interrupt flag and
 * the clock.  At ~10 ns/op this is every ~10 us: prompt enough for a stop,
 * rare enough to cost nothing. */
#define CHECK_EVERY 1024

#define NS_PER_S UINT64_C(1000000000)

/* How long a task that never parks keeps its worker: Go's sysmon preempts
 * a goroutine that has run for 10 ms (forcePreemptNS). */
#define TIME_SLICE_NS UINT64_C(10000000)

struct run;

struct worker {
	struct run *run;
	pthread_t thread;
	struct mb_task *tasks;  /* its own tasks (its part of run->tasks) */
	uint64_t ntasks;
	uint32_t first;         /* the slot of tasks[0] */
	uint64_t by_kind[MB_OP_NKINDS];
	uint64_t hits[MB_OP_NKINDS];
	uint64_t range_entries;
	uint64_t start_ns, end_ns;
	int error;             /* a negative errno from the map, or 0 */
	struct mb_alloc_stats alloc; /* allocations during the timed phase */
	int64_t live_peak;           /* largest live total seen at a checkpoint */
	uint64_t counter_values[MB_COUNTERS_MAX];
	int counter_errors[MB_COUNTERS_MAX];
	struct mb_pause_log log; /* this worker's pause events */
	struct mb_hist *hist[MB_OP_NKINDS]; /* sampled latencies per kind, or NULL */
	struct mb_timeseries series;
	struct mb_lock_stats lockstats; /* the timed phase's */
	struct mb_tsq *q;        /* its run queue (in run->sched) */
} __attribute__((aligned(64))); /* no false sharing between workers */

_Static_assert(MB_TS_KINDS == MB_OP_NKINDS, "the time series counts every op kind");

struct run {
	const struct mb_run_config *cfg;
	struct mb_map *map;
	struct worker *workers;
	/* The start gate: workers wait here until every worker exists and has
	 * done its own set-up (RCU registration, opening counters: ~20 ms with
	 * the default events), so they start together and neither thread
	 * creation nor set-up is timed or lands in the first time window. */
	pthread_mutex_t gate_mu;
	pthread_cond_t gate_cv;
	bool gate_open;
	unsigned ready;       /* workers waiting at the gate */
	/* Reclamation batches of the timed phase, recorded by liburcu's
	 * call_rcu thread through mb_reclaim_observe (which serialises it). */
	struct mb_pause_log reclaim_log;
	uint64_t origin_ns;   /* when the timed phase began: pause times count from it */
	/* After a warm-up, the started workers meet once more (under gate_mu);
	 * the last to arrive restarts the clock. */
	unsigned nstarted, warm_arrived;
	bool warm_done;
	/* Set by the first worker that must stop everyone (fatal or error);
	 * relaxed loads suffice: it only asks others to stop early, and the
	 * results they publish are read after pthread_join. */
	atomic_int stop;
	atomic_int fatal_rc; /* first MB_MAP_FATAL_* seen; CAS from 0, relaxed */
	const atomic_int *interrupt; /* relaxed loads: a request to stop, no data */
	/* Op kind of each percent: kind_of[32 random bits scaled to 0..99],
	 * one load and no branch to choose. */
	uint8_t kind_of[100];
	struct mb_keydist dist; /* cfg's, prepared for cfg->keys */
	/* latest: keys inserted so far (relaxed: only a position, never data) */
	atomic_uint_fast64_t inserted;
	/* String keys, built before the map; read-only while it runs, freed
	 * after it is destroyed (the map borrows the bytes). */
	struct mb_keyset keyset;
	/* Every task, worker by worker (task i is slot first + i / procs of
	 * worker i % procs); where tasks run and wait; how many take part in
	 * a phase (the started workers' ones). */
	struct mb_task *tasks;
	struct mb_tsched sched;
	uint64_t phase_tasks;
	/* Tasks park on the design's lock: the scheduler hook the map got. */
	bool parks;
};

const char *const mb_op_kind_names[MB_OP_NKINDS + 1] = {
	"load", "store", "delete", "load_or_store", "load_and_delete",
	"swap", "cas", "cad", "range", NULL,
};
static const char *const outcome_names[] = {"ok", "fatal", "interrupted"};

const char *mb_op_kind_name(enum mb_op_kind k)
{
	return (unsigned)k < MB_OP_NKINDS ? mb_op_kind_names[k] : "unknown";
}

int mb_run_map_label(const struct mb_run_config *cfg, char *buf, size_t n)
{
	if (cfg->map_param)
		return snprintf(buf, n, "%s:%u", cfg->map->name, (unsigned)cfg->map_param);
	return snprintf(buf, n, "%s", cfg->map->name);
}

const char *mb_run_outcome_name(enum mb_run_outcome o)
{
	return (unsigned)o <= MB_RUN_INTERRUPTED ? outcome_names[o] : "unknown";
}

/* The mix as a table of 100 kinds, one per percent. */
static void set_kind_table(struct run *run, const unsigned *mix)
{
	unsigned pct = 0;
	for (unsigned k = 0; k < MB_OP_NKINDS; k++)
		for (unsigned i = 0; i < mix[k]; i++)
			run->kind_of[pct++] = (uint8_t)k;
}

static bool count_entry(struct mb_key key, int64_t val, void *arg)
{
	(void)key, (void)val;
	++*(uint64_t *)arg;
	return true;
}

/* One op of kind k on the key of index key (its string with string keys):
 * val is what it writes (cad: the value it expects), old what cas expects. */
static inline int do_op(struct mb_map *map, const struct mb_keyset *ks, unsigned k,
			int64_t index, int64_t val, int64_t old, uint64_t *range_entries)
{
	int64_t out;
	struct mb_key key = mb_keyset_key(ks, (uint64_t)index);
	/* Loads and stores first, outside the jump table: most mixes are
	 * made of them, and a compare predicts better than a table jump. */
	if (k == MB_OP_LOAD)
		return mb_map_load(map, key, &out);
	if (k == MB_OP_STORE)
		return mb_map_store(map, key, val);
	switch (k) {
	case MB_OP_DELETE:
		return mb_map_delete(map, key);
	case MB_OP_LOAD_OR_STORE:
		return mb_map_load_or_store(map, key, val, &out);
	case MB_OP_LOAD_AND_DELETE:
		return mb_map_load_and_delete(map, key, &out);
	case MB_OP_SWAP:
		return mb_map_swap(map, key, val, &out);
	case MB_OP_CAS:
		return mb_map_compare_and_swap(map, key, old, val);
	case MB_OP_CAD:
		return mb_map_compare_and_delete(map, key, val);
	default:
		return mb_map_range(map, count_entry, range_entries);
	}
}

/* The values of a drawn op: key*2 or key*2+1 by one random bit (runner.h);
 * cas expects the other one. */
static inline void draw_values(struct mb_task_op *op, uint64_t r)
{
	op->val = op->key * 2 + (int64_t)((r >> 32) & 1);
	op->old = op->val ^ 1;
}

/* Task gi's next op from the replayed stream (its budget says there is
 * one). */
static inline void replay_op(const struct mb_opstream *s, uint64_t gi, const struct mb_task *t,
			     struct mb_task_op *op)
{
	const struct mb_op *o = &s->tasks[gi].ops[s->tasks[gi].n - t->budget];
	op->kind = o->kind;
	op->key = o->key;
	op->val = o->val;
	op->old = o->old;
}

/* Appends an op of task gi to the recording; a failed allocation stops the
 * run like a map error would. */
static inline int record_op(struct mb_opstream *s, uint64_t gi, const struct mb_task_op *op)
{
	struct mb_op o = {.key = op->key, .val = op->val, .old = op->old, .kind = (uint8_t)op->kind};
	return mb_opstream_append(s, gi, &o);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* What one timing costs: the median of back-to-back clock reads, as a timed
 * op pays them (the latencies include it; the result reports it). */
static double timer_overhead_ns(void)
{
	enum { N = 1001 };
	uint64_t d[N];
	for (int i = 0; i < N; i++) {
		uint64_t t0 = mb_timer_ticks();
		d[i] = mb_timer_ns(mb_timer_ticks() - t0);
	}
	qsort(d, N, sizeof d[0], cmp_u64);
	return (double)d[N / 2];
}

/* The clock reading `ns` after start, or 0 (no deadline) when ns is 0; a
 * length that would wrap the clock (--duration 18446744073709551615ns) is
 * never reached rather than already past. */
static uint64_t deadline_after(uint64_t start, uint64_t ns)
{
	if (!ns)
		return 0;
	return start + ns < start ? UINT64_MAX : start + ns;
}

static bool should_stop(struct worker *w, uint64_t deadline, uint64_t now)
{
	struct run *run = w->run;
	if (atomic_load_explicit(&run->stop, memory_order_relaxed))
		return true;
	if (run->interrupt && atomic_load_explicit(run->interrupt, memory_order_relaxed))
		return true;
	return deadline && now >= deadline;
}

/* Adds the ops done since the last checkpoint to the window of `now`, with
 * a sample of the live bytes (a walk over a few per-thread slots: cheap
 * next to the CHECK_EVERY ops between two checkpoints). */
static void checkpoint(struct worker *w, const uint64_t *by_kind, uint64_t *last, uint64_t now)
{
	struct mb_ts_window *win = mb_ts_window_at(&w->series, now - w->run->origin_ns);
	uint64_t done = 0;
	for (int k = 0; k < MB_OP_NKINDS; k++) {
		done += by_kind[k] - last[k];
		if (win)
			win->ops[k] += by_kind[k] - last[k];
		last[k] = by_kind[k];
	}
	struct mb_alloc_live live;
	mb_alloc_live(&live);
	if (win)
		mb_ts_record_live(win, now - w->run->origin_ns, &live);
	int64_t total = mb_alloc_live_total(&live);
	if (total > w->live_peak)
		w->live_peak = total;
	if (w->run->cfg->progress_ops)
		atomic_fetch_add_explicit(w->run->cfg->progress_ops, done, memory_order_relaxed);
}

/* How a worker turns random bits into a key (see keydist.h). */
struct keygen {
	const struct mb_keydist *dist;
	atomic_uint_fast64_t *inserted; /* latest: the run's insert counter */
	uint64_t keys;
	uint64_t hot_keys, hot_below; /* hotspot: first hot_keys get hot_below/2^24 */
	uint64_t stride;              /* sequential: task g walks keys from g * stride */
};

static void keygen_init(struct keygen *g, struct run *run)
{
	const struct mb_run_config *cfg = run->cfg;
	g->dist = &run->dist;
	g->inserted = &run->inserted;
	g->keys = cfg->keys;
	g->hot_keys = g->dist->kind == MB_DIST_HOTSPOT
		? (uint64_t)(g->dist->hot_fraction * (double)cfg->keys) + 1 : 0;
	g->hot_below = (uint64_t)(g->dist->hot_probability * (double)(1 << 24));
	g->stride = cfg->keys / cfg->threads ? cfg->keys / cfg->threads : 1;
}

/* Ops that can insert a key (what `latest` turns into inserts). */
static inline bool inserts(unsigned kind)
{
	return kind == MB_OP_STORE || kind == MB_OP_LOAD_OR_STORE || kind == MB_OP_SWAP;
}

/* The key of task t (global index gi) for random bits r and op kind. */
static inline int64_t next_key(const struct keygen *g, struct mb_task *t, uint64_t r, uint64_t gi,
			       unsigned kind)
{
	switch (g->dist->kind) {
	case MB_DIST_LATEST: {
		if (inserts(kind)) /* the next new key */
			return (int64_t)(atomic_fetch_add_explicit(g->inserted, 1,
								   memory_order_relaxed) % g->keys);
		uint64_t n = atomic_load_explicit(g->inserted, memory_order_relaxed);
		uint64_t back = mb_keydist_zipf(g->dist, &t->rng) - 1; /* 0: the newest */
		if (n == 0)
			return 0;
		if (back >= n)
			back %= n;
		return (int64_t)((n - 1 - back) % g->keys);
	}
	case MB_DIST_UNIFORM:
		return (int64_t)mb_rng_below(r, g->keys);
	case MB_DIST_ZIPF:
		return (int64_t)mb_keydist_zipf(g->dist, &t->rng) - 1;
	case MB_DIST_SEQUENTIAL:
		return (int64_t)((gi * g->stride + t->done) % g->keys);
	default: { /* hotspot: the high bits pick hot or cold, a remix the key */
		uint64_t r2 = mb_rng_mix(r), hot = g->hot_keys < g->keys ? g->hot_keys : g->keys;
		if ((r >> 40) < g->hot_below)
			return (int64_t)mb_rng_below(r2, hot);
		return (int64_t)((hot + mb_rng_below(r2, g->keys > hot ? g->keys - hot : 1)) % g->keys);
	}
	}
}

static void on_reclaim(void *arg, const struct mb_reclaim_batch_info *b)
{
	mb_pause_record_reclaim(arg, b->start_ns, b->end_ns - b->start_ns,
				b->start_ns - b->queued_ns, b->objects, b->bytes);
}

/* The timed phase starts now (origin_ns is final): reclamation batches
 * count from here. */
static void observe_reclaim(struct run *run)
{
	run->reclaim_log.origin_ns = run->origin_ns;
	if (!run->cfg->pauses_off || run->cfg->trace)
		mb_reclaim_observe(on_reclaim, &run->reclaim_log);
}

/* After the warm-up: wait for every started worker; the last one restarts
 * the clock, so the timed phase begins for all at once. */
static void warm_meet(struct run *run)
{
	pthread_mutex_lock(&run->gate_mu);
	if (++run->warm_arrived == run->nstarted) {
		mb_tsched_begin(&run->sched, run->phase_tasks);
		run->origin_ns = mb_timer_monotonic_ns();
		observe_reclaim(run);
		if (run->cfg->progress_start_ns)
			atomic_store_explicit(run->cfg->progress_start_ns, run->origin_ns,
					      memory_order_relaxed);
		run->warm_done = true;
		pthread_cond_broadcast(&run->gate_cv);
	}
	while (!run->warm_done)
		pthread_cond_wait(&run->gate_cv, &run->gate_mu);
	pthread_mutex_unlock(&run->gate_mu);
}

/* An op failed: a fatal code ends the run as Go's fatal error does (the
 * first one wins), anything else is this worker's error; everyone stops. */
static void stop_for(struct worker *w, int rc)
{
	struct run *run = w->run;
	if (mb_map_is_fatal(rc)) {
		int expected = 0;
		atomic_compare_exchange_strong_explicit(&run->fatal_rc, &expected, rc,
			memory_order_relaxed, memory_order_relaxed);
	} else {
		w->error = rc;
	}
	atomic_store_explicit(&run->stop, 1, memory_order_relaxed);
}

/* What a worker carries through one phase (the warm-up or the timed one):
 * the op-drawing tables, the counts, and when to look at the clock. */
struct phase {
	bool timed;           /* count, time and digest ops; else a warm-up */
	bool stopping;        /* start no new op: finish the parked ones */
	uint64_t deadline;    /* clock reading that ends the phase, or 0 */
	struct keygen keygen;
	uint8_t kind_of[100];
	uint32_t sample_period, sample_left; /* time 1 op in sample_period */
	uint32_t check_every, check_left;    /* look at flags and clock */
	uint64_t now;         /* the clock at the last check */
	uint64_t slice_start; /* when the running task got the worker (about) */
	bool preempt;         /* it has had it for a time slice */
	uint64_t by_kind[MB_OP_NKINDS], hits[MB_OP_NKINDS];
	uint64_t last_checkpoint[MB_OP_NKINDS];
	uint64_t range_entries; /* warm-up's, discarded */
};

/* Each task's op budget for a phase.  The timed phase: its share of
 * --ops (all of them with a duration).  A warm-up by op count: the
 * worker's share of it (the remainder to the first workers), split over
 * its tasks the same way, so that each task draws a fixed number of
 * warm-up ops whatever the scheduling (parked tasks, wake-up order) and
 * its timed stream starts where the Go runner's does. */
static void set_budgets(struct worker *w, bool timed)
{
	const struct mb_run_config *cfg = w->run->cfg;
	const uint64_t procs = cfg->procs, windex = (uint64_t)(w - w->run->workers);
	const uint64_t per = cfg->ops / cfg->threads, extra = cfg->ops % cfg->threads;
	uint64_t wbudget = cfg->warmup_ops / procs + (windex < cfg->warmup_ops % procs);
	for (uint64_t j = 0; j < w->ntasks; j++) {
		struct mb_task *t = &w->tasks[j];
		uint64_t i = windex + j * procs;
		if (timed && cfg->replay)
			t->budget = cfg->replay->tasks[i].n;
		else if (timed)
			t->budget = cfg->ops ? per + (i < extra) : UINT64_MAX;
		else
			t->budget = cfg->warmup_ops ? wbudget / w->ntasks + (j < wbudget % w->ntasks)
						    : UINT64_MAX;
	}
}

static void phase_init(struct phase *ph, struct worker *w, bool timed)
{
	struct run *run = w->run;
	const struct mb_run_config *cfg = run->cfg;
	memset(ph, 0, sizeof *ph);
	ph->timed = timed;
	keygen_init(&ph->keygen, run);
	memcpy(ph->kind_of, run->kind_of, sizeof ph->kind_of);
	/* Timing costs two clock reads: only every latency_every-th op of the
	 * worker pays them (every op with 1; none with 0). */
	ph->sample_period = cfg->latency_every ? cfg->latency_every : UINT32_MAX;
	ph->sample_left = ph->sample_period;
	/* A range op walks the whole map (milliseconds at 1M keys): then look
	 * at the clock and the flags after every op, or a run overshoots. */
	ph->check_every = cfg->mix[MB_OP_RANGE] ? 1 : CHECK_EVERY;
	ph->check_left = ph->check_every;
	set_budgets(w, timed);
	if (!timed) {
		ph->deadline = deadline_after(mb_timer_monotonic_ns(), cfg->warmup_ns);
		if (!ph->deadline && !cfg->warmup_ops)
			ph->stopping = true;
	}
}

/* A task's op ended (timed phase): its latency when sampled, its counts. */
static void op_done(struct worker *w, struct phase *ph, const struct mb_task_op *op, int rc)
{
	struct run *run = w->run;
	if (op->timed) {
		uint64_t ns = mb_timer_ns(mb_timer_ticks() - op->t0);
		mb_hist_record(w->hist[op->kind], ns);
		uint64_t start = mb_timer_to_monotonic(op->t0);
		struct mb_ts_window *win = mb_ts_window_at(&w->series,
			start > run->origin_ns ? start - run->origin_ns : 0);
		if (win)
			mb_ts_record_latency(win, ns);
		/* slow, and no instrumented cause inside it */
		if (w->log.recorded == op->events_before && !run->cfg->pauses_off)
			mb_pause_record(&w->log, MB_PAUSE_SLOW_OP, start, ns, -1);
	}
	ph->by_kind[op->kind]++;
	ph->hits[op->kind] += rc == 1;
}

/* A task's op digest after its next op (kind, key): one multiply-add per
 * op, order-sensitive, cheap; per task, so that the run's digest does not
 * depend on --procs or the interleaving (the Go runner computes the same). */
static inline uint64_t digest_op(uint64_t digest, int64_t key, unsigned kind)
{
	return digest * UINT64_C(0x100000001b3) + ((uint64_t)key ^ ((uint64_t)kind << 56));
}

/* Draws task i's next op (or takes it from the replayed stream): kind,
 * key, values, and (timed phase) its place in the digest and the
 * recording and whether it is timed.  Returns 0, or -ENOMEM when the
 * recording cannot grow. */
static inline __attribute__((always_inline)) int draw_op(struct worker *w, struct phase *ph,
							 struct mb_task *t, struct mb_task_op *op,
							 const bool streams)
{
	const struct mb_run_config *cfg = w->run->cfg;
	const uint64_t gi = t->gi;
	if (streams && cfg->replay) {
		replay_op(cfg->replay, gi, t, op);
	} else {
		uint64_t r = mb_rng_next(&t->rng);
		uint32_t r32 = (uint32_t)r;
		op->kind = ph->kind_of[((uint64_t)r32 * 100) >> 32];
		op->key = next_key(&ph->keygen, t, r, gi, op->kind);
		draw_values(op, r);
	}
	op->timed = false;
	op->index = -1;
	t->budget--;
	if (!ph->timed)
		return 0;
	op->index = (int64_t)t->done++;
	t->digest = digest_op(t->digest, op->key, op->kind);
	if (--ph->sample_left == 0 && cfg->latency_every) {
		ph->sample_left = ph->sample_period;
		op->timed = true;
		op->events_before = w->log.recorded;
		op->t0 = mb_timer_ticks();
	}
	return streams && cfg->record ? record_op(cfg->record, gi, op) : 0;
}

enum turn_end { TURN_REQUEUE, TURN_PARKED, TURN_RETIRE };

/* A record that is done with its lock goes back to the pool. */
static void release_wait(struct worker *w, struct mb_task *t)
{
	mb_tsq_put(w->q, t->wait);
	t->wait = NULL;
}

/* After its op: a readied task whose op did not come back for the lock it
 * was woken for still owes that acquire (mb_lock_settle). */
static enum turn_end settle(struct worker *w, struct mb_task *t)
{
	/* Set first: once the acquire queues the record, another worker may
	 * ready and run the task. */
	t->wait->settling = true;
	if (mb_lock_settle(&t->wait->w) == MB_LOCK_PARKED)
		return TURN_PARKED;
	release_wait(w, t);
	return TURN_REQUEUE;
}

/* One turn of the task in slot i: its next op, or the op it parked in, run
 * again.  After TURN_PARKED the task is no longer this worker's: another
 * one may be running it already. */
static inline __attribute__((always_inline)) enum turn_end turn(struct worker *w,
								 struct phase *ph, uint32_t i,
								 const bool streams)
{
	struct run *run = w->run;
	struct mb_task *t = &run->tasks[i];
	struct mb_sudog *sg = t->wait;
	struct mb_task_op fresh;
	const struct mb_task_op *op = &fresh;
	if (__builtin_expect(sg != NULL, 0)) {
		if (sg->settling)
			return settle(w, t);
		op = &sg->op;
		mb_lock_set_resuming(&sg->w);
	} else {
		if (ph->stopping || t->budget == 0)
			return TURN_RETIRE;
		if (__builtin_expect(draw_op(w, ph, t, &fresh, streams) < 0, 0)) {
			stop_for(w, -ENOMEM);
			ph->stopping = true;
			return TURN_RETIRE;
		}
	}
	if (run->parks) { /* what the hook copies if the op parks */
		w->q->cur = i;
		w->q->cur_op = op;
	}
	w->log.op_index = op->index; /* the events the op causes carry it */
	int rc = do_op(run->map, &run->keyset, op->kind, op->key, op->val, op->old,
		       ph->timed ? &w->range_entries : &ph->range_entries);
	if (run->parks) {
		mb_lock_set_resuming(NULL);
		struct mb_sudog *handed = mb_tsq_take_last(w->q);
		if (rc == MB_MAP_PARKED) /* t->wait is its record (the hook set it) */
			return TURN_PARKED;
		if (handed) { /* the semaphore came without a park */
			t->wait = sg;
			mb_tsq_put(w->q, handed);
		}
	}
	if (ph->timed)
		op_done(w, ph, op, rc);
	if (__builtin_expect(rc < 0, 0)) {
		stop_for(w, rc);
		ph->stopping = true;
	}
	if (__builtin_expect(sg != NULL, 0))
		return sg->w.lock ? settle(w, t) : (release_wait(w, t), TURN_REQUEUE);
	return TURN_REQUEUE;
}

/* Every check_every turns: the time series, and whether to stop. */
static void phase_check(struct worker *w, struct phase *ph)
{
	ph->check_left = ph->check_every;
	uint64_t now = mb_timer_monotonic_ns();
	ph->now = now;
	ph->preempt = now - ph->slice_start >= TIME_SLICE_NS;
	if (ph->timed)
		checkpoint(w, ph->by_kind, ph->last_checkpoint, now);
	if (should_stop(w, ph->deadline, now))
		ph->stopping = true;
}

/* The timed phase when no task can park (no lock, or not Go's): the tasks
 * in order, one op each per sweep, no run queue, the per-op state in locals,
 * so that the harness costs per op what it did before tasks could park.
 * The same ops as turn() in the same order (the digest says so). */
static inline __attribute__((always_inline)) void sweep_timed_as(struct worker *w,
								  struct phase *ph,
								  const bool streams)
{
	struct run *run = w->run;
	const struct mb_run_config *cfg = run->cfg;
	struct mb_map *map = run->map;
	const struct mb_opstream *replay = streams ? cfg->replay : NULL;
	struct mb_opstream *record = streams ? cfg->record : NULL;
	const uint64_t windex = (uint64_t)(w - run->workers);
	uint8_t kind_of[100]; /* a local copy: the map call would force reloads */
	memcpy(kind_of, ph->kind_of, sizeof kind_of);
	const uint32_t sample_period = ph->sample_period, check_every = ph->check_every;
	uint32_t sample_left = ph->sample_left, check_left = ph->check_left;
	uint64_t by_kind[MB_OP_NKINDS] = {0}, hits[MB_OP_NKINDS] = {0};
	for (bool active = w->ntasks > 0; active;) {
		active = false;
		for (uint64_t i = 0; i < w->ntasks; i++) {
			struct mb_task *t = &w->tasks[i];
			if (t->budget == 0)
				continue;
			active = true;
			struct mb_task_op op;
			const uint64_t gi = windex + i * cfg->procs;
			if (streams && replay) {
				replay_op(replay, gi, t, &op);
			} else {
				uint64_t r = mb_rng_next(&t->rng);
				op.kind = kind_of[((uint64_t)(uint32_t)r * 100) >> 32];
				op.key = next_key(&ph->keygen, t, r, gi, op.kind);
				draw_values(&op, r);
			}
			t->budget--;
			w->log.op_index = (int64_t)t->done++; /* events the op causes carry it */
			t->digest = digest_op(t->digest, op.key, op.kind);
			if (streams && record && record_op(record, gi, &op) < 0) {
				stop_for(w, -ENOMEM);
				goto done;
			}
			op.timed = --sample_left == 0 && cfg->latency_every;
			if (op.timed) {
				sample_left = sample_period;
				op.events_before = w->log.recorded;
				op.t0 = mb_timer_ticks();
			}
			int rc = do_op(map, &run->keyset, op.kind, op.key, op.val, op.old,
				       &w->range_entries);
			if (op.timed)
				op_done(w, ph, &op, rc); /* counts it in ph: undone below */
			by_kind[op.kind] += !op.timed;
			hits[op.kind] += !op.timed && rc == 1;
			if (rc < 0) {
				stop_for(w, rc);
				goto done;
			}
			if (--check_left == 0) {
				check_left = check_every;
				uint64_t now = mb_timer_monotonic_ns();
				for (int k = 0; k < MB_OP_NKINDS; k++)
					ph->by_kind[k] += by_kind[k], by_kind[k] = 0;
				for (int k = 0; k < MB_OP_NKINDS; k++)
					ph->hits[k] += hits[k], hits[k] = 0;
				checkpoint(w, ph->by_kind, ph->last_checkpoint, now);
				if (should_stop(w, ph->deadline, now))
					goto done;
			}
		}
	}
done:
	for (int k = 0; k < MB_OP_NKINDS; k++) {
		ph->by_kind[k] += by_kind[k];
		ph->hits[k] += hits[k];
	}
}

/* The timed sweep, compiled twice: without op streams (every run but
 * --record/--replay ones) it has no branch for them on the op path. */
/* noinline: the run queue's code in the same function would cost the
 * sweep registers (+6 instructions per op, callgrind, null map). */
static __attribute__((noinline)) void sweep_timed(struct worker *w, struct phase *ph)
{
	const struct mb_run_config *cfg = w->run->cfg;
	if (cfg->replay || cfg->record)
		sweep_timed_as(w, ph, true);
	else
		sweep_timed_as(w, ph, false);
}

/* Runs tasks until every task of the run is done with the phase: out of
 * ops (budget, deadline, stop) and parked in no op.  As a goroutine keeps
 * its P, a task runs op after op until it parks, is done, yields its lock
 * to a waiter (a hand-off) or has run for a time slice; then the worker
 * takes its runnext task, else the front of its run queue.  A parked task
 * is readied onto the worker that released its lock; a worker with
 * nothing to run steals or sleeps (tasksched.h). */
static inline __attribute__((always_inline)) void run_queue(struct worker *w, struct phase *ph,
							      const bool streams)
{
	struct mb_tsq *q = w->q;
	mb_tsq_fill(q, w->first, (uint32_t)w->ntasks);
	ph->now = mb_timer_monotonic_ns();
	uint32_t cur = MB_TASK_NONE;
	for (;;) {
		if (__builtin_expect(mb_tsq_has_mail(q), 0))
			mb_tsq_mail(q);
		if (cur == MB_TASK_NONE) {
			cur = mb_tsq_pop(q);
			if (__builtin_expect(cur == MB_TASK_NONE, 0)) {
				if (!mb_tsq_find_work(q))
					break; /* every task is done */
				continue;
			}
			q->running = true;
			q->picks++;
			ph->slice_start = ph->now;
			ph->preempt = false;
		}
		enum turn_end end = turn(w, ph, cur, streams);
		if (__builtin_expect(end != TURN_REQUEUE, 0)) {
			if (end == TURN_RETIRE)
				mb_tsq_retired(q);
			else
				mb_tsq_parked(q);
			cur = MB_TASK_NONE;
			q->running = false;
		} else if (__builtin_expect(q->yield | ph->preempt, 0)) {
			/* Go's goyield after a hand-off keeps the goroutine in
			 * the local runq; a preempted one goes to the global */
			if (q->yield)
				mb_tsq_push_back(q, cur);
			else
				mb_tsq_push_global(q, cur);
			q->yield = false;
			cur = MB_TASK_NONE;
			q->running = false;
		}
		if (--ph->check_left == 0)
			phase_check(w, ph);
	}
}

/* A phase: the timed sweep when no task can park, else the run queue,
 * each compiled with and without op streams (sweep_timed says why). */
static void run_phase(struct worker *w, struct phase *ph)
{
	const struct mb_run_config *cfg = w->run->cfg;
	if (!w->run->parks && ph->timed)
		sweep_timed(w, ph);
	else if (cfg->replay || cfg->record)
		run_queue(w, ph, true);
	else
		run_queue(w, ph, false);
}

/* Set-up: map registration, counters, and the start gate. */
static void worker_setup(struct worker *w, struct mb_counter_group *counters)
{
	struct run *run = w->run;
	mb_map_thread_online(run->map);
	mb_counters_open(run->cfg->counters, counters);
	mb_tsq_attach(w->q);
	pthread_mutex_lock(&run->gate_mu);
	run->ready++;
	pthread_cond_broadcast(&run->gate_cv);
	while (!run->gate_open)
		pthread_cond_wait(&run->gate_cv, &run->gate_mu);
	pthread_mutex_unlock(&run->gate_mu);
}

/* Ops that nothing measures, round-robin like the timed phase, to bring the
 * map (and caches) to a steady state; then all workers meet. */
static void worker_warm_up(struct worker *w)
{
	const struct mb_run_config *cfg = w->run->cfg;
	if (!cfg->warmup_ops && !cfg->warmup_ns)
		return;
	struct phase ph;
	phase_init(&ph, w, false);
	run_phase(w, &ph);
	warm_meet(w->run);
}

/* The end: last window, counters, allocations, and the worker's results. */
static void worker_finish(struct worker *w, struct phase *ph,
			  struct mb_counter_group *counters, const struct mb_alloc_stats *alloc0)
{
	w->end_ns = mb_timer_monotonic_ns();
	w->log.op_index = -1; /* no op of a task runs any more */
	checkpoint(w, ph->by_kind, ph->last_checkpoint, w->end_ns);
	mb_counters_stop(counters);
	mb_counters_read(counters, w->counter_values);
	for (size_t i = 0; i < counters->n; i++)
		w->counter_errors[i] = counters->err[i];
	mb_counters_close(counters);
	struct mb_alloc_stats alloc1;
	mb_alloc_snapshot(&alloc1);
	mb_alloc_diff(&alloc1, alloc0, &w->alloc);
	mb_pause_attach(NULL);
	mb_lockstat_attach(NULL);
	mb_tsq_retire(w->q);
	mb_tsq_attach(NULL);
	memcpy(w->by_kind, ph->by_kind, sizeof ph->by_kind);
	memcpy(w->hits, ph->hits, sizeof ph->hits);
	mb_map_thread_offline(w->run->map);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct run *run = w->run;
	const struct mb_run_config *cfg = run->cfg;
	struct mb_counter_group counters;
	worker_setup(w, &counters);
	worker_warm_up(w);

	struct phase ph;
	phase_init(&ph, w, true);
	w->log.origin_ns = run->origin_ns;
	if (!cfg->pauses_off || cfg->trace)
		mb_pause_attach(&w->log);
	mb_lockstat_attach(&w->lockstats);
	w->q->moved = w->q->stolen = w->q->picks = 0; /* the warm-up's do not count */
	struct mb_alloc_stats alloc0;
	mb_alloc_snapshot(&alloc0);
	mb_counters_start(&counters);
	w->start_ns = mb_timer_monotonic_ns();
	ph.deadline = deadline_after(w->start_ns, cfg->duration_ns);
	run_phase(w, &ph);
	worker_finish(w, &ph, &counters, &alloc0);
	return NULL;
}

static int validate(const struct mb_run_config *cfg)
{
	if (!cfg->map || cfg->threads == 0 || cfg->procs == 0 || cfg->keys == 0)
		return -EINVAL;
	if (cfg->prefill > cfg->keys)
		return -EINVAL;
	unsigned sum = 0;
	for (int k = 0; k < MB_OP_NKINDS; k++)
		sum += cfg->mix[k];
	if (sum != 100)
		return -EINVAL;
	if ((cfg->ops == 0) == (cfg->duration_ns == 0))
		return -EINVAL;
	if (cfg->replay && (cfg->replay->ntasks != cfg->threads ||
			    mb_opstream_count(cfg->replay) != cfg->ops || cfg->warmup_ops ||
			    cfg->warmup_ns))
		return -EINVAL;
	if (cfg->record && cfg->record->ntasks != cfg->threads)
		return -EINVAL;
	return 0;
}

static int prefill(struct mb_map *map, const struct mb_keyset *ks, uint64_t n)
{
	for (uint64_t k = 0; k < n; k++) {
		int rc = mb_map_store(map, mb_keyset_key(ks, k), (int64_t)k * 2);
		if (rc < 0)
			return mb_map_is_fatal(rc) ? -EIO : rc;
	}
	return 0;
}

/* Task i starts on worker i % procs; each worker's tasks are one run of
 * run->tasks, in order of i (so that a worker's sweep walks memory no
 * other worker writes), with the op budget split evenly (the remainder to
 * the first). */
static int spawn_tasks(struct run *run)
{
	const struct mb_run_config *cfg = run->cfg;
	uint64_t procs = cfg->procs;
	uint64_t per = cfg->ops / cfg->threads, extra = cfg->ops % cfg->threads;
	run->tasks = malloc(cfg->threads * sizeof *run->tasks);
	if (!run->tasks)
		return -ENOMEM;
	run->sched.tasks = run->tasks;
	uint64_t first = 0;
	for (uint64_t w = 0; w < procs; w++) {
		struct worker *wk = &run->workers[w];
		wk->ntasks = cfg->threads / procs + (w < cfg->threads % procs);
		wk->first = (uint32_t)first;
		wk->tasks = run->tasks + first;
		first += wk->ntasks;
		for (uint64_t j = 0; j < wk->ntasks; j++) {
			uint64_t i = w + j * procs;
			struct mb_task *t = &wk->tasks[j];
			t->rng = mb_rng_stream(cfg->seed, i);
			t->budget = cfg->ops ? per + (i < extra) : UINT64_MAX;
			t->done = 0;
			t->wait = NULL;
			t->digest = 0;
			t->next = MB_TASK_NONE;
			t->gi = (uint32_t)i;
		}
	}
	run->phase_tasks = cfg->threads;
	return 0;
}

/* The k-th smallest of v[0..n-1] (quickselect; reorders v). */
static uint64_t select_kth(uint64_t *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;
	while (lo < hi) {
		uint64_t pivot = v[lo + (hi - lo) / 2];
		size_t i = lo, j = hi;
		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				uint64_t t = v[i];
				v[i] = v[j];
				v[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return v[k];
	}
	return v[k];
}

/* Ops per task: min, median, max and Jain's fairness index. */
static int fairness(struct run *run, struct mb_run_result *res)
{
	uint64_t n = run->cfg->threads;
	uint64_t *done = malloc(n * sizeof *done);
	if (!done)
		return -ENOMEM;
	size_t k = 0;
	double sum = 0, sum_sq = 0;
	for (unsigned w = 0; w < run->cfg->procs; w++)
		for (uint64_t j = 0; j < run->workers[w].ntasks; j++) {
			uint64_t x = run->workers[w].tasks[j].done;
			done[k++] = x;
			sum += (double)x;
			sum_sq += (double)x * (double)x;
		}
	uint64_t lo = UINT64_MAX, hi = 0;
	for (size_t i = 0; i < k; i++) {
		lo = done[i] < lo ? done[i] : lo;
		hi = done[i] > hi ? done[i] : hi;
	}
	res->task_ops_min = k ? lo : 0;
	res->task_ops_max = hi;
	res->task_ops_median = k ? select_kth(done, k, k / 2) : 0;
	res->fairness = sum_sq > 0 ? sum * sum / ((double)k * sum_sq) : 1.0;
	free(done);
	return 0;
}

/* Merges the workers' histograms, one kind at a time, into summaries (a
 * result keeps no histogram: they are large).  Returns 0 or -ENOMEM. */
static int summarize_latency(struct run *run, struct mb_run_result *res)
{
	struct mb_hist *all = malloc(sizeof *all), *kind = malloc(sizeof *kind);
	if (!all || !kind) {
		free(all);
		free(kind);
		return -ENOMEM;
	}
	mb_hist_init(all);
	for (int k = 0; k < MB_OP_NKINDS; k++) {
		mb_hist_init(kind);
		for (unsigned w = 0; w < run->cfg->procs; w++)
			if (run->workers[w].hist[k])
				mb_hist_merge(kind, run->workers[w].hist[k]);
		mb_hist_summarize(kind, &res->latency_by_kind[k]);
		mb_hist_merge(all, kind);
	}
	mb_hist_summarize(all, &res->latency);
	free(all);
	free(kind);
	return 0;
}

/* The workers' lock statistics, summed, with histogram summaries.
 * Returns 0 or -ENOMEM. */
static int summarize_locks(struct run *run, struct mb_run_result *res)
{
	struct mb_lock_stats sum;
	bool hists = run->workers[0].lockstats.wait[0] != NULL;
	int rc = mb_lockstat_init(&sum, hists, 0);
	if (rc)
		return rc;
	for (unsigned w = 0; w < run->cfg->procs; w++)
		mb_lockstat_merge(&sum, &run->workers[w].lockstats);
	struct mb_run_lock_stats *l = &res->lock;
	for (int i = 0; i < MB_LOCK_NSIDES; i++) {
		l->acquisitions[i] = sum.acquisitions[i];
		l->contended[i] = sum.contended[i];
		if (hists) {
			mb_hist_summarize(sum.wait[i], &l->wait_ns[i]);
			mb_hist_summarize(sum.hold[i], &l->hold_ns[i]);
		}
	}
	l->parks = sum.parks;
	l->blocked = sum.blocked;
	l->wakeups = sum.wakeups;
	l->handoffs = sum.handoffs;
	l->starve_enter = sum.starve_enter;
	l->starve_exit = sum.starve_exit;
	l->max_waiters = sum.max_waiters;
	for (unsigned w = 0; w < run->cfg->procs; w++) {
		l->migrations += run->sched.qs[w].moved;
		l->steals += run->sched.qs[w].stolen;
		l->switches += run->sched.qs[w].picks;
	}
	mb_lockstat_free(&sum);
	return 0;
}

static int collect(struct run *run, struct mb_run_result *res)
{
	const struct mb_run_config *cfg = run->cfg;
	uint64_t start = UINT64_MAX, end = 0;
	for (unsigned w = 0; w < cfg->procs; w++) {
		struct worker *wk = &run->workers[w];
		for (int k = 0; k < MB_OP_NKINDS; k++) {
			res->ops_by_kind[k] += wk->by_kind[k];
			res->hits_by_kind[k] += wk->hits[k];
			res->ops += wk->by_kind[k];
		}
		res->range_entries += wk->range_entries;
		mb_pause_merge(&res->pauses, &wk->log);
		if (mb_ts_merge(&res->series, &wk->series))
			return -ENOMEM;
		mb_alloc_add(&res->alloc, &wk->alloc);
		if (wk->live_peak > res->live_peak)
			res->live_peak = wk->live_peak;
		for (size_t i = 0; i < res->ncounters; i++) {
			res->counter_values[i] += wk->counter_values[i];
			if (wk->counter_errors[i] && !res->counter_errors[i])
				res->counter_errors[i] = wk->counter_errors[i];
		}
		if (wk->start_ns < start)
			start = wk->start_ns;
		if (wk->end_ns > end)
			end = wk->end_ns;
	}
	mb_pause_merge(&res->pauses, &run->reclaim_log);
	mb_pause_sort(&res->pauses);
	res->pauses.origin_ns = run->origin_ns;
	/* task i is task i / procs of worker i % procs */
	for (uint64_t i = 0; i < cfg->threads; i++)
		res->op_digest = res->op_digest * UINT64_C(0x9e3779b97f4a7c15) +
				 run->workers[i % cfg->procs].tasks[i / cfg->procs].digest;
	int frc = fairness(run, res);
	if (frc)
		return frc;
	res->load_hits = res->hits_by_kind[MB_OP_LOAD];
	res->elapsed_s = end > start ? (double)(end - start) / 1e9 : 0.0;
	/* past the deadline: ops in flight then, parked ones too, finish */
	res->overrun_s = !cfg->duration_ns ? -1.0
			 : end > start + cfg->duration_ns ? (double)(end - start - cfg->duration_ns) / 1e9
							  : 0.0;
	res->ops_per_s = res->elapsed_s > 0 ? (double)res->ops / res->elapsed_s : 0.0;
	int lrc = summarize_locks(run, res);
	return lrc ? lrc : summarize_latency(run, res);
}

static void free_workers(struct run *run, unsigned procs)
{
	if (!run->workers) {
		mb_pause_log_free(&run->reclaim_log);
		return;
	}
	for (unsigned w = 0; w < procs; w++) {
		mb_ts_free(&run->workers[w].series);
		mb_pause_log_free(&run->workers[w].log);
		for (int k = 0; k < MB_OP_NKINDS; k++)
			free(run->workers[w].hist[k]);
		mb_lockstat_free(&run->workers[w].lockstats);
	}
	free(run->workers);
	free(run->tasks);
	mb_pause_log_free(&run->reclaim_log);
}

uint64_t mb_run_estimate_bytes(const struct mb_run_config *cfg)
{
	/* ops that can insert a key: the map may hold the whole key space */
	bool inserts = cfg->mix[MB_OP_STORE] || cfg->mix[MB_OP_LOAD_OR_STORE] ||
		       cfg->mix[MB_OP_SWAP];
	uint64_t entries = inserts ? cfg->keys : cfg->prefill;
	unsigned kinds = 0;
	for (int k = 0; k < MB_OP_NKINDS; k++)
		kinds += cfg->mix[k] != 0;
	uint64_t per_worker = sizeof(struct worker) +
		(cfg->latency_every ? kinds * sizeof(struct mb_hist) : 0) +
		(uint64_t)cfg->max_events * sizeof(struct mb_pause_event);
	/* a value blob per entry, with malloc's 16-byte header and rounding */
	uint64_t blob = cfg->value_size ? (cfg->value_size + 16 + 15) / 16 * 16 : 0;
	/* string keys: the key set, and wider slots (16-byte headers) */
	bool str = cfg->key_type.type == MB_KEY_STRING;
	/* a task: its record, its place in the run queue, and with Go's locks
	 * a wait record while parked (all of them may be) */
	bool parks = (cfg->map->flags & MB_MAP_F_LOCK) && cfg->lock == MB_LOCK_GO;
	uint64_t per_task = sizeof(struct mb_task) + (parks ? sizeof(struct mb_sudog) : 0);
	/* a replayed stream is already loaded; a recording holds every op */
	uint64_t streams = (cfg->replay ? mb_opstream_bytes(cfg->replay) : 0) +
			   (cfg->record ? cfg->ops * sizeof(struct mb_op) : 0);
	return cfg->threads * per_task + cfg->procs * per_worker +
	       entries * (cfg->map->bytes_per_entry + blob + (str ? 32 : 0)) +
	       mb_keyset_bytes(&cfg->key_type, cfg->keys) + streams;
}

void mb_run_result_free(struct mb_run_result *res)
{
	mb_pause_log_free(&res->pauses);
	mb_ts_free(&res->series);
}

/* Set-up: the run's own tables, the key set and the map (with the
 * scheduler hook when tasks may park on its lock).  Returns 0 or a
 * negative errno (nothing left to free but run->sched). */
static int setup_run(struct run *run, const struct mb_run_config *cfg)
{
	atomic_init(&run->stop, 0);
	atomic_init(&run->fatal_rc, 0);
	set_kind_table(run, cfg->mix);
	run->dist = cfg->dist;
	mb_keydist_prepare(&run->dist, cfg->keys);
	atomic_init(&run->inserted, cfg->prefill);
	if (mb_tsched_init(&run->sched, cfg->procs, NULL))
		return -ENOMEM;
	/* Only Go's locks park, and only designs with a lock have them. */
	bool locks = cfg->map->flags & MB_MAP_F_LOCK;
	run->parks = locks && cfg->lock == MB_LOCK_GO;
	struct mb_map_config mcfg = {
		.hash_seed = cfg->hash_seed,
		.hash_seed_set = cfg->hash_seed_set,
		.shared = cfg->procs > 1 && !(cfg->map->flags & MB_MAP_F_CONCURRENT),
		.grow = cfg->grow,
		.value_size = cfg->value_size,
		.key_type = cfg->key_type.type,
		.lock = cfg->lock,
		.param = cfg->map_param,
		.sched = run->parks ? &run->sched.hook : NULL,
	};
	/* A recording holds each task's ops in an array sized to its budget
	 * now, so that the op path never reallocates one (and the memory
	 * estimate's 32 bytes per op holds). */
	for (uint64_t i = 0; cfg->record && cfg->ops && i < cfg->threads; i++) {
		uint64_t n = cfg->ops / cfg->threads + (i < cfg->ops % cfg->threads);
		if (cfg->replay)
			n = cfg->replay->tasks[i].n;
		int rrc = mb_opstream_reserve(cfg->record, i, n);
		if (rrc)
			return rrc == -E2BIG ? -ENOMEM : rrc;
	}
	/* String keys exist before the map and outlive it. */
	int rc = mb_keyset_build(&run->keyset, &cfg->key_type, cfg->keys);
	if (rc)
		return rc;
	run->map = cfg->map->create(&mcfg);
	if (!run->map) {
		rc = errno ? -errno : -ENOMEM;
		mb_keyset_free(&run->keyset);
		return rc;
	}
	return 0;
}

/* One worker's logs, histograms, lock statistics and run queue. */
static int setup_worker(struct run *run, struct worker *w, unsigned index, uint64_t threshold)
{
	const struct mb_run_config *cfg = run->cfg;
	w->run = run;
	mb_ts_init(&w->series, cfg->window_ns ? cfg->window_ns : NS_PER_S);
	int rc = mb_pause_log_init(&w->log, 0, threshold, index, cfg->max_events);
	if (rc)
		return rc;
	w->log.tap = cfg->trace;
	w->log.tap_arg = cfg->trace_arg;
	/* histograms only for the kinds the mix has */
	for (int k = 0; k < MB_OP_NKINDS && cfg->latency_every; k++) {
		if (!cfg->mix[k])
			continue;
		if (!(w->hist[k] = malloc(sizeof *w->hist[k])))
			return -ENOMEM;
		mb_hist_init(w->hist[k]);
	}
	bool locks = cfg->map->flags & MB_MAP_F_LOCK;
	rc = mb_lockstat_init(&w->lockstats, locks && cfg->latency_every, cfg->latency_every);
	if (rc)
		return rc;
	w->q = &run->sched.qs[index];
	return 0;
}

/* The workers' records and the run's logs. */
static int setup_workers(struct run *run, struct mb_run_result *res)
{
	const struct mb_run_config *cfg = run->cfg;
	run->workers = aligned_alloc(64, cfg->procs * sizeof *run->workers);
	if (!run->workers)
		return -ENOMEM;
	memset(run->workers, 0, cfg->procs * sizeof *run->workers);
	mb_ts_init(&res->series, cfg->window_ns ? cfg->window_ns : NS_PER_S);
	int rc = mb_pause_log_init(&res->pauses, 0, cfg->pause_threshold_ns, 0, cfg->max_events);
	if (rc)
		return rc;
	/* with pauses off but a trace wanted, logs that keep nothing */
	const uint64_t threshold = cfg->pauses_off ? UINT64_MAX : cfg->pause_threshold_ns;
	rc = mb_pause_log_init(&run->reclaim_log, 0, threshold, MB_PAUSE_NO_WORKER,
			       cfg->max_events);
	if (rc)
		return rc;
	run->reclaim_log.tap = cfg->trace;
	run->reclaim_log.tap_arg = cfg->trace_arg;
	for (unsigned w = 0; w < cfg->procs; w++)
		if ((rc = setup_worker(run, &run->workers[w], w, threshold)))
			return rc;
	return 0;
}

/* Spawn: the worker threads, with SIGINT, SIGTERM and SIGHUP blocked so the caller's
 * handler runs in the caller's thread, not in a worker mid-op.  Returns
 * how many started; *create_rc is pthread_create's error, or 0. */
static unsigned start_workers(struct run *run, int *create_rc)
{
	sigset_t block, saved;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, &saved);
	unsigned started = 0;
	*create_rc = 0;
	for (; started < run->cfg->procs; started++) {
		*create_rc = pthread_create(&run->workers[started].thread, NULL, worker_main,
					    &run->workers[started]);
		if (*create_rc)
			break;
	}
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	if (*create_rc) { /* the ones already waiting leave at their first check */
		atomic_store_explicit(&run->stop, 1, memory_order_relaxed);
		/* a worker that never started counts as idle for can_spin, and
		 * its tasks take no part */
		atomic_fetch_add(&run->sched.nidle, run->cfg->procs - started);
		for (unsigned w = started; w < run->cfg->procs; w++)
			run->phase_tasks -= run->workers[w].ntasks;
	}
	return started;
}

/* Gate and join: the timed phase begins when every started worker waits
 * at the gate; the process's rusage brackets the run. */
static void gate_and_join(struct run *run, struct mb_run_result *res, unsigned started)
{
	const struct mb_run_config *cfg = run->cfg;
	struct rusage ru0, ru1;
	getrusage(RUSAGE_SELF, &ru0);
	pthread_mutex_lock(&run->gate_mu);
	run->nstarted = started;
	while (run->ready < started)
		pthread_cond_wait(&run->gate_cv, &run->gate_mu);
	mb_tsched_begin(&run->sched, run->phase_tasks);
	run->origin_ns = mb_timer_monotonic_ns();
	if (cfg->progress_start_ns)
		atomic_store_explicit(cfg->progress_start_ns, run->origin_ns, memory_order_relaxed);
	res->pauses.origin_ns = run->origin_ns;
	if (!cfg->warmup_ops && !cfg->warmup_ns)
		observe_reclaim(run);
	run->gate_open = true;
	pthread_cond_broadcast(&run->gate_cv);
	pthread_mutex_unlock(&run->gate_mu);
	for (unsigned w = 0; w < started; w++)
		pthread_join(run->workers[w].thread, NULL);
	mb_reclaim_observe(NULL, NULL);
	getrusage(RUSAGE_SELF, &ru1);
	res->peak_rss_bytes = (uint64_t)ru1.ru_maxrss * 1024; /* Linux reports KiB */
	res->minor_faults = (uint64_t)(ru1.ru_minflt - ru0.ru_minflt);
	res->major_faults = (uint64_t)(ru1.ru_majflt - ru0.ru_majflt);
}

/* After collect: the outcome, live memory, and (when the map is sound)
 * its length and own statistics.  Returns a worker's error, or 0. */
static int finish_result(struct run *run, struct mb_run_result *res)
{
	const struct mb_run_config *cfg = run->cfg;
	int fatal = atomic_load_explicit(&run->fatal_rc, memory_order_relaxed);
	if (fatal) {
		res->outcome = MB_RUN_FATAL;
		res->message = mb_map_fatal_message(fatal);
	} else if (run->interrupt && atomic_load_explicit(run->interrupt, memory_order_relaxed)) {
		res->outcome = MB_RUN_INTERRUPTED;
	}
	/* Retired memory a grace period has not freed yet still counts: the
	 * process holds it. */
	mb_alloc_live(&res->live_end);
	if (mb_alloc_live_total(&res->live_end) > res->live_peak)
		res->live_peak = mb_alloc_live_total(&res->live_end);
	int rc = 0;
	for (unsigned w = 0; w < cfg->procs; w++)
		if (run->workers[w].error)
			rc = run->workers[w].error;
	if (!fatal && rc == 0) {
		res->final_len = mb_map_len(run->map);
		res->nmap_stats = mb_map_stats(run->map, res->map_stats, MB_MAP_MAX_STATS);
	}
	return rc;
}

/* The result's fields known before anything runs. */
static void init_result(const struct mb_run_config *cfg, struct mb_run_result *res)
{
	memset(res, 0, sizeof *res);
	mb_timer_init();
	res->timer = mb_timer_source();
	res->timer_overhead_ns = timer_overhead_ns();
	res->ncounters = mb_counters_count(cfg->counters);
	res->final_len = -1;
	res->lock.applies = cfg->map->flags & MB_MAP_F_LOCK;
	res->lock.policy = cfg->lock;
}

int mb_run_execute(const struct mb_run_config *cfg, struct mb_run_result *res,
		   const atomic_int *interrupt)
{
	memset(res, 0, sizeof *res);
	int rc = validate(cfg);
	if (rc)
		return rc;
	init_result(cfg, res);
	struct run run = {
		.cfg = cfg,
		.interrupt = interrupt,
		.gate_mu = PTHREAD_MUTEX_INITIALIZER,
		.gate_cv = PTHREAD_COND_INITIALIZER,
	};
	if ((rc = setup_run(&run, cfg))) {
		mb_tsched_free(&run.sched);
		return rc;
	}

	/* The calling thread uses the map too: prefill, len, stats, destroy.
	 * It is no task: it blocks on a lock, never parks. */
	mb_map_thread_online(run.map);
	uint64_t t0 = mb_timer_monotonic_ns();
	rc = prefill(run.map, &run.keyset, cfg->prefill);
	res->prefill_s = (double)(mb_timer_monotonic_ns() - t0) / 1e9;
	if (rc)
		goto out_map;
	if ((rc = setup_workers(&run, res)))
		goto out_workers;

	t0 = mb_timer_monotonic_ns();
	rc = spawn_tasks(&run);
	res->spawn_s = (double)(mb_timer_monotonic_ns() - t0) / 1e9;
	/* Per-task state (its record, which links it into a run queue) plus
	 * each task's share of the worker records. */
	size_t per_worker = cfg->procs * sizeof *run.workers;
	res->task_bytes = sizeof(struct mb_task) +
			  (per_worker + cfg->threads - 1) / cfg->threads;
	if (rc)
		goto out_workers;

	int create_rc;
	unsigned started = start_workers(&run, &create_rc);
	gate_and_join(&run, res, started);
	if (create_rc) {
		rc = -create_rc;
		goto out_workers;
	}
	if ((rc = collect(&run, res)))
		goto out_workers;
	rc = finish_result(&run, res);

out_workers:
	free_workers(&run, cfg->procs);
out_map:
	mb_map_thread_offline(run.map);
	mb_map_destroy(run.map);
	mb_keyset_free(&run.keyset);
	mb_tsched_free(&run.sched);
	if (rc)
		mb_run_result_free(res);
	return rc;
}
