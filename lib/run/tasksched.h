/* mb_tsched: where tasks wait and where they run — the task records, each
 * worker's run queue, wake-ups, work stealing, the pool of wait records
 * (Go's sudogs), and the struct mb_sched hook the locks park through.
 *
 * A worker's runnable tasks sit where a P's goroutines sit in Go 1.19: a
 * runnext slot, a local list of at most MB_TSQ_LOCAL (the 256-slot runq),
 * and the worker's part of the global run queue, which holds the tasks not
 * started yet (a goroutine made by go first waits there, once its P's runq
 * overflows), the oldest half of a full local list with the newcomer
 * (runqputslow), and a task whose time slice ran out (a preempted
 * goroutine goes there).  A worker takes the task to run from the global
 * part on every 61st pick (schedule's fairness check), else from runnext,
 * else from the local list, else a batch of up to MB_TSQ_BATCH from the
 * global part (globrunqget).  Why the shape matters: Go's canSpin asks
 * only whether the local runq is empty, and a woken waiter pushed out of
 * runnext waits behind at most the local runq; with every task in one list,
 * a waiter pushed out at a million tasks waited ~1 s behind the tasks not
 * started yet and put the mutex into starvation mode (make bench's
 * locked rows: 2-3x fewer starvation entries with this shape, 2-5x fewer
 * hand-offs, each row still varying 2x from run to run).  Why each worker has its own part
 * and not one shared queue: a queue then stays one thread's (no lock per
 * pick); the balance between workers comes from stealing, which takes from
 * the global part first, as findrunnable looks there before it steals.
 *
 * The runner decides how long a task runs (runner.c, run_queue) and puts
 * it at the back of the local list when it yields after a hand-off (Go's
 * goyield), of the global part when its time slice ends.  A task whose op
 * parks leaves its worker; its wait record (from
 * the worker's pool, so the task record stays small) keeps the op to run
 * again.  A release readies it (mb_sched.ready) as Go's ready() does: into
 * the RUNNEXT slot of the RELEASING worker, so it runs as soon as the
 * releasing op ends (a task already in that slot moves to the back of the
 * local list, as in Go's runqput).  Tasks thus migrate between workers; a task
 * record is touched only by the worker that runs it, and passes from one
 * worker to another through the semaphore's queue lock or an atomic
 * list, which order those touches.
 *
 * A worker with nothing to run looks for work as Go's findrunnable does: it
 * asks a worker holding two tasks or more for half of its global part (all
 * at once, where Go takes 128 at a time from its shared queue, since each
 * ask here waits for an answer), or
 * without one for half of its local list and runnext (the one it would run
 * next stays), which that worker hands over at its next turn boundary.  A busy worker's runnext task alone goes only to a thief that
 * has slept RUNNEXT_GRACE_NS first, as Go's runqgrab sleeps usleep(3): the
 * woken waiter then mostly runs where it was readied, and the thief, as Go's
 * spinning M, leaves the lock's two tasks on one worker.  Finding none it sleeps until a ready on another worker wakes
 * it (Go's wakep: only when no worker is already looking), or until every
 * task of the phase is done.  Why steal by asking: a queue then belongs to
 * one thread and costs no atomic operation per turn.
 *
 * Threads: a queue's list belongs to its worker thread (mb_tsq_attach);
 * the inbox, the steal request and the sleep word of a queue, and the
 * counters of struct mb_tsched, are shared.
 */
#ifndef MB_RUN_TASKSCHED_H
#define MB_RUN_TASKSCHED_H

#include "lock/sema.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* No task (an empty slot or list end). */
#define MB_TASK_NONE UINT32_MAX

/* The op a parked task runs again, and how it is timed. */
struct mb_task_op {
	int64_t key;         /* key index */
	int64_t val;         /* the value it writes (cad: the expected one) */
	int64_t old;         /* cas: the expected old value */
	uint32_t kind;       /* enum mb_op_kind */
	int64_t index;       /* its index in its task's stream; -1 in a warm-up */
	bool timed;          /* its latency is sampled */
	uint64_t t0;         /* ticks when it first started (timed only) */
	uint64_t events_before; /* pause events before it (slow-op rule) */
};

struct mb_sudog;

/* One logical task: 48 bytes. */
struct mb_task {
	uint64_t rng;    /* splitmix64 state of this task's stream */
	uint64_t budget; /* ops left in the phase; UINT64_MAX: no limit */
	uint64_t done;   /* ops started */
	struct mb_sudog *wait; /* the op it parked in (or owes a lock for), or NULL */
	uint64_t digest; /* of this task's ops */
	uint32_t next;   /* run-queue or inbox link */
	uint32_t gi;     /* its index in the run (its stream) */
};

struct mb_tsq;

struct mb_sudog {
	struct mb_waiter w;     /* first: the lock layer's record */
	struct mb_sudog *link;  /* free list */
	struct mb_tsq *home;    /* the worker it parked on (a non-worker's ready goes there) */
	uint32_t task;          /* its task's slot */
	bool settling;          /* the op is done; the lock is still owed (mb_lock_settle) */
	struct mb_task_op op;
};

struct mb_tsq {
	struct mb_tsched *s;
	unsigned index;
	/* runnable tasks: runnext, then the local list head..tail, then the
	 * global part ghead..gtail */
	uint32_t next, head, tail, len;
	uint32_t ghead, gtail, glen;
	uint32_t schedtick;    /* picks not from runnext (Go's schedtick) */
	uint32_t cur;          /* the task whose op runs now */
	bool running;          /* a task has the worker (set by the runner): it stays */
	bool yield;            /* a release handed its lock over: the task yields */
	const struct mb_task_op *cur_op; /* its op (copied into a record if it parks) */
	struct mb_sudog *last; /* a record handed out during the current op */
	struct mb_sudog *free; /* spare records */
	uint32_t nfree;
	/* tasks readied here that had parked on another worker, and tasks
	 * handed to workers that asked (owner writes; read after the run) */
	uint64_t moved, stolen;
	uint64_t picks; /* tasks given the worker (the runner counts them) */
	/* Shared with other workers: a line of its own. */
	_Atomic uint32_t inbox __attribute__((aligned(64))); /* tasks handed to us */
	atomic_uint steal_req; /* a thief's index + 1 (| MB_STEAL_RUNNEXT), or 0 */
	atomic_uint runnext_refused; /* our ask found only a running worker's runnext */
	atomic_uint sleeping;  /* 1 asleep, 2 woken by wakep (a searcher), 0 */
	atomic_uint searching; /* nothing to run: do not ask it */
	_Atomic uint32_t nhere; /* tasks queued or running here (owner writes) */
} __attribute__((aligned(64)));

/* In a steal request: the thief has waited as Go's runqgrab does and may
 * take the runnext task of a worker that runs one. */
#define MB_STEAL_RUNNEXT (1u << 31)

/* What every worker shares. */
struct mb_tsched {
	struct mb_sched hook;
	struct mb_task *tasks; /* every task of the run, by slot */
	struct mb_tsq *qs;     /* one queue per worker */
	unsigned nworkers;
	atomic_uint nidle;     /* workers asleep or finished */
	atomic_uint nsleeping; /* workers asleep */
	atomic_uint nspinning; /* workers looking for work */
	_Atomic uint64_t live; /* tasks of the phase not yet retired */
	/* Spare records beyond what workers keep, and every chunk of them. */
	mb_qlock pool_lock;
	struct mb_sudog *spare;
	struct mb_sudog **chunks;
	size_t nchunks;
};

/* Sets up nworkers queues over the task records tasks (which the caller
 * owns; NULL is fine if s->tasks is set before any queue is used, as the
 * runner does: the map gets the hook before the tasks exist).  Returns 0
 * or -ENOMEM. */
int mb_tsched_init(struct mb_tsched *s, unsigned nworkers, struct mb_task *tasks);
void mb_tsched_free(struct mb_tsched *s);

/* A phase begins with live tasks (before any worker runs it). */
void mb_tsched_begin(struct mb_tsched *s, uint64_t live);

/* The calling thread's queue from now on (NULL: none, the thread blocks). */
void mb_tsq_attach(struct mb_tsq *q);

/* Puts tasks first..first+n-1 in the global part, in order (at a phase
 * start: they have not run yet, as goroutines just made). */
void mb_tsq_fill(struct mb_tsq *q, uint32_t first, uint32_t n);

/* Go's runq size, and the most a worker takes from the global part at once
 * (globrunqget: half a runq). */
#define MB_TSQ_LOCAL 256
#define MB_TSQ_BATCH 128
/* Go's schedule looks at the global queue first on every 61st pick (a
 * prime, so as not to fall into step with a program's own period). */
#define MB_TSQ_GLOBAL_EVERY 61

/* Puts task i at the back of the global part. */
void mb_tsq_push_global(struct mb_tsq *q, uint32_t i);

/* The local list is full: its oldest half and task i go to the global part
 * (Go's runqputslow). */
void mb_tsq_overflow(struct mb_tsq *q, uint32_t i);

/* Appends the n tasks linked first..last to the list *head..*tail (the
 * local list or the global part). */
static inline void mb_tlist_append(struct mb_task *t, uint32_t *head, uint32_t *tail,
				   uint32_t *len, uint32_t first, uint32_t last, uint32_t n)
{
	t[last].next = MB_TASK_NONE;
	if (*tail != MB_TASK_NONE)
		t[*tail].next = first;
	else
		*head = first;
	*tail = last;
	*len += n;
}

/* Unlinks the first n tasks (1 <= n <= *len) of the list *head..*tail;
 * returns the first, and the n-th in *last. */
static inline uint32_t mb_tlist_unlink_front(struct mb_task *t, uint32_t *head, uint32_t *tail,
					     uint32_t *len, uint32_t n, uint32_t *last)
{
	uint32_t first = *head, l = first;
	for (uint32_t k = 1; k < n; k++)
		l = t[l].next;
	*head = t[l].next;
	if (*head == MB_TASK_NONE)
		*tail = MB_TASK_NONE;
	*len -= n;
	*last = l;
	return first;
}

/* Go's runqput without next: task i at the back of the local list, or, with
 * the list full, overflowing into the global part. */
static inline void mb_tsq_push_back(struct mb_tsq *q, uint32_t i)
{
	if (__builtin_expect(q->len >= MB_TSQ_LOCAL, 0)) {
		mb_tsq_overflow(q, i);
		return;
	}
	mb_tlist_append(q->s->tasks, &q->head, &q->tail, &q->len, i, i, 1);
}

/* Takes the front task of the global part and moves up to batch - 1 more
 * into the local list (Go's globrunqget); MB_TASK_NONE if it is empty. */
uint32_t mb_tsq_pop_global(struct mb_tsq *q, uint32_t batch);

/* The next task to run as Go's schedule picks it (see the top), or
 * MB_TASK_NONE. */
static inline uint32_t mb_tsq_pop(struct mb_tsq *q)
{
	if (__builtin_expect(q->schedtick % MB_TSQ_GLOBAL_EVERY == 0, 0) && q->glen) {
		q->schedtick++;
		return mb_tsq_pop_global(q, 1);
	}
	uint32_t i = q->next;
	if (i != MB_TASK_NONE) { /* inherits the time slice: no tick */
		q->next = MB_TASK_NONE;
		return i;
	}
	q->schedtick++;
	if (q->head != MB_TASK_NONE)
		return mb_tlist_unlink_front(q->s->tasks, &q->head, &q->tail, &q->len, 1, &i);
	return mb_tsq_pop_global(q, MB_TSQ_BATCH);
}

/* Another worker handed us tasks or asks for some (checked every turn). */
static inline bool mb_tsq_has_mail(struct mb_tsq *q)
{
	return atomic_load_explicit(&q->inbox, memory_order_relaxed) != MB_TASK_NONE ||
	       atomic_load_explicit(&q->steal_req, memory_order_relaxed) != 0;
}

/* Takes the tasks handed to us and answers a steal request. */
void mb_tsq_mail(struct mb_tsq *q);

/* The task that just ran left this worker: it parked. */
/* Adds d to q->nhere, which only q's worker writes (a store, no atomic
 * read-modify-write); order: what other workers must see before it. */
static inline void mb_tsq_count(struct mb_tsq *q, int32_t d, memory_order order)
{
	atomic_store_explicit(&q->nhere,
			      atomic_load_explicit(&q->nhere, memory_order_relaxed) + (uint32_t)d,
			      order);
}

static inline void mb_tsq_parked(struct mb_tsq *q)
{
	mb_tsq_count(q, -1, memory_order_relaxed);
}

/* The task that just ran is done with the phase. */
void mb_tsq_retired(struct mb_tsq *q);

/* Nothing to run: waits for tasks (readied, stolen, handed) and returns
 * true with some queued, or returns false once every task of the phase is
 * done. */
bool mb_tsq_find_work(struct mb_tsq *q);

/* This worker is done for good (it counts as idle for can_spin). */
void mb_tsq_retire(struct mb_tsq *q);

/* Takes the record handed out during the current op, if any (and forgets
 * it). */
static inline struct mb_sudog *mb_tsq_take_last(struct mb_tsq *q)
{
	struct mb_sudog *sg = q->last;
	q->last = NULL;
	return sg;
}

/* Returns a record to the calling worker's pool (any worker's record:
 * pools hold records, chunks stay with the worker that made them). */
void mb_tsq_put(struct mb_tsq *q, struct mb_sudog *sg);

#endif
