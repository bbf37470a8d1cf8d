/* mb_tasksched: where tasks wait and where they run again — each worker's
 * run queue, its wake-up inbox and idle sleep, the pool of wait records
 * (Go's sudogs), and the struct mb_sched hook the locks park through.
 *
 * A worker runs the tasks of its run queue (a ring of task indices, each
 * runnable task once) one op per turn, front to back.  A task whose op
 * parks leaves the queue; its wait record (from the worker's pool, so the
 * task record stays small) keeps the op (random bits, kind, key, start
 * time) to run again.  A release readies it (mb_sched.ready): it goes back
 * to its OWN worker, at the FRONT of the queue, so it runs next there —
 * Go's runnext, but on the task's home worker rather than the waker's.
 * Why: a task's records (RNG, budget, counters) and its worker's pool
 * belong to one worker and are touched without atomics; with one worker the
 * op order is reproducible; and the waker's worker is busy anyway (it just
 * released a lock inside an op).  The price is a cross-worker wake-up when
 * waker and wakee live on different workers: a lock-free push onto the home
 * worker's inbox, plus a futex wake when that worker sleeps because all its
 * tasks are parked (measured in bench/; see mapbench-run(1), TASK MODEL).
 *
 * Threads: a queue belongs to its worker thread (mb_tsq_attach), except
 * the inbox and the idle word, which any thread may push to and wake.
 */
#ifndef MB_RUN_TASKSCHED_H
#define MB_RUN_TASKSCHED_H

#include "lock/sema.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

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

struct mb_tsq;

struct mb_sudog {
	struct mb_waiter w;     /* first: the lock layer's record */
	struct mb_sudog *link;  /* inbox or free list */
	struct mb_tsq *home;
	uint32_t task;          /* index of its task on the home worker */
	bool settling;          /* the op is done; the lock is still owed (mb_lock_settle) */
	struct mb_task_op op;
};

/* What every worker shares: the hook, and how many workers are idle. */
struct mb_tsched {
	struct mb_sched hook;
	atomic_uint idle;      /* workers asleep or finished */
	unsigned nworkers;
};

struct mb_tsq {
	struct mb_tsched *s;
	uint32_t *ring;        /* runnable task indices */
	uint32_t cap, head, len;
	uint32_t cur;          /* the task whose op runs now */
	const struct mb_task_op *cur_op; /* its op (copied into a record if it parks) */
	struct mb_sudog *last; /* a record handed out during the current op */
	struct mb_sudog *free;
	struct mb_sudog **chunks;
	size_t nchunks;
	uint64_t parked;       /* tasks of this queue waiting for a lock */
	/* Written by other workers: a line of its own. */
	_Atomic(struct mb_sudog *) inbox __attribute__((aligned(64)));
	atomic_uint sleeping;
	char pad[64 - sizeof(void *) - sizeof(atomic_uint)];
};

/* Sets up the shared part for nworkers workers. */
void mb_tsched_init(struct mb_tsched *s, unsigned nworkers);

/* Sets up a queue for cap tasks.  Returns 0 or -ENOMEM. */
int mb_tsq_init(struct mb_tsq *q, struct mb_tsched *s, uint32_t cap);
void mb_tsq_free(struct mb_tsq *q);

/* The calling thread's queue from now on (NULL: none, the thread blocks). */
void mb_tsq_attach(struct mb_tsq *q);

/* Empties the queue and puts tasks 0..n-1 in it, in order. */
void mb_tsq_fill(struct mb_tsq *q, uint32_t n);

static inline void mb_tsq_push_back(struct mb_tsq *q, uint32_t i)
{
	uint32_t at = q->head + q->len;
	q->ring[at >= q->cap ? at - q->cap : at] = i;
	q->len++;
}

static inline void mb_tsq_push_front(struct mb_tsq *q, uint32_t i)
{
	q->head = q->head ? q->head - 1 : q->cap - 1;
	q->ring[q->head] = i;
	q->len++;
}

static inline uint32_t mb_tsq_pop(struct mb_tsq *q)
{
	uint32_t i = q->ring[q->head];
	q->head = q->head + 1 == q->cap ? 0 : q->head + 1;
	q->len--;
	return i;
}

/* Moves tasks readied by other workers to the front of the queue, in the
 * order they were readied.  Returns how many. */
uint32_t mb_tsq_drain(struct mb_tsq *q);

static inline bool mb_tsq_has_inbox(struct mb_tsq *q)
{
	return atomic_load_explicit(&q->inbox, memory_order_relaxed) != NULL;
}

/* Sleeps until another worker readies one of this queue's tasks (the
 * caller has nothing to run and q->parked > 0). */
void mb_tsq_idle(struct mb_tsq *q);

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

/* Returns a record to its worker's pool (on its home worker's thread). */
void mb_tsq_put(struct mb_tsq *q, struct mb_sudog *sg);

#endif
