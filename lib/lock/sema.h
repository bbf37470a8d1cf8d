/* mb_sema: Go's runtime semaphore (sema.go) for the locks of lib/lock, and
 * the scheduler hook through which a waiting task parks instead of blocking
 * its worker thread.
 *
 * A COUNTING semaphore, as Go's: mb_sema_release adds one to the count and
 * wakes the first queued waiter if there is one; an acquire takes one from
 * the count if it is positive and only otherwise queues.  A release that
 * finds nobody asleep is therefore kept and taken later: a waiter that was
 * about to sleep when its release came does not sleep (no lost wake-up).
 * The queue is FIFO; lifo puts a waiter at the front (Go's queueLifo, for a
 * mutex waiter that was woken and lost the race).  A release with handoff
 * (starvation mode) takes the count itself for the woken waiter (ticket).
 *
 * Waiters are of two kinds.  A task (sched set in its record) parks:
 * mb_sema_acquire queues its record and returns MB_LOCK_PARKED at once; the
 * caller unwinds to the scheduler, which runs other tasks; the release calls
 * sched->ready(record) and the scheduler later runs the task's operation
 * again, which finds its record through mb_lock_resuming() and completes the
 * acquire with mb_sema_resume.  A thread that is not a task (the main
 * thread's prefill and len, tests) passes no record and sleeps on a futex.
 *
 * Threads: any number; the queue is guarded by a small futex lock.
 */
#ifndef MB_LOCK_SEMA_H
#define MB_LOCK_SEMA_H

#include "lock/futex.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What an acquire returns when the calling task parked (positive: not an
 * error; the maps turn it into MB_MAP_PARKED). */
#define MB_LOCK_PARKED 1

struct mb_waiter;

/* What the locks need of a scheduler (the runner provides it through
 * mb_map_config; lib/lock and lib/maps never include lib/run). */
struct mb_sched {
	/* The calling task's wait record (the same one while its operation is
	 * pending), or NULL when the caller is not a task: it then blocks. */
	struct mb_waiter *(*waiter)(void *arg);
	/* Makes the task of w runnable again (Go's ready).  Called by the
	 * releasing thread, any thread, with no lock-layer lock held. */
	void (*ready)(void *arg, struct mb_waiter *w);
	/* Go's canSpin test of the scheduler: the calling worker has no other
	 * runnable task and some other worker is running. */
	bool (*can_spin)(void *arg);
	void *arg;
};

/* Where a pending acquire stopped (the record's phase). */
enum mb_wait_phase {
	MB_WAIT_NONE = 0,
	MB_WAIT_MUTEX,      /* Mutex.Lock, asleep on its sema */
	MB_WAIT_RW_MUTEX,   /* RWMutex.Lock, asleep on its writers' mutex */
	MB_WAIT_RW_WRITER,  /* RWMutex.Lock, asleep on writerSem */
	MB_WAIT_RW_READER,  /* RWMutex.RLock, asleep on readerSem */
};

/* A waiter (Go's sudog): queued on one semaphore at a time.  A task's record
 * lives in its scheduler's pool and carries the state of the acquire it
 * interrupted, so that the task record itself stays small. */
struct mb_waiter {
	struct mb_waiter *next;       /* queue link */
	const struct mb_sched *sched; /* NULL: a thread that sleeps on woken */
	atomic_uint woken;            /* futex word of a sleeping thread */
	uint32_t ticket;              /* 1: the release handed us the count */
	/* the interrupted acquire: which lock, where, and its loop state */
	const void *lock;             /* NULL: nothing pending */
	uint8_t phase;                /* enum mb_wait_phase */
	bool lifo;                    /* re-queue at the front (semacquire's loop) */
	bool starving, awoke;         /* Mutex.lockSlow's locals */
	uint64_t wait_start_ns;       /* Mutex.lockSlow's waitStartTime */
	uint64_t entry_ns;            /* slow path entered (wait-time histogram) */
	uint64_t park_ns, wake_ns;    /* last park and its wake-up (lock-wait pause) */
	/* Where an op that parked half-way stopped, for the map whose op it
	 * is (cont_owner, which alone reads cont): sharded's range (the next
	 * shard), hashtrie's prune (the node it holds).  NULL: the op runs
	 * again from the start.  The owner clears it when it resumes there. */
	const void *cont_owner;
	uint64_t cont[2];
};

struct mb_sema {
	atomic_uint count;  /* releases not yet taken */
	atomic_uint nwait;  /* waiters queued or about to be */
	mb_qlock qlock;     /* guards head/tail */
	struct mb_waiter *head, *tail;
};

#define MB_SEMA_INIT {0}

/* Go's cansemacquire: takes one from the count if it is positive. */
bool mb_sema_try(struct mb_sema *s);

/* Takes one from the count, waiting for it if needed.  w NULL: the calling
 * thread sleeps until it has it; returns 0.  w set (a task): returns 0 if
 * it took one without waiting, or MB_LOCK_PARKED with w queued; the task
 * finishes with mb_sema_resume once readied. */
int mb_sema_acquire(struct mb_sema *s, bool lifo, struct mb_waiter *w);

/* After a parked task was readied: returns 0 if it now holds one (handed
 * over, or taken from the count), or MB_LOCK_PARKED with w queued again
 * (another acquirer took the count first). */
int mb_sema_resume(struct mb_sema *s, struct mb_waiter *w);

/* Adds one to the count and wakes the first waiter, handing it the count
 * when handoff is set and the count is still there. */
void mb_sema_release(struct mb_sema *s, bool handoff);

/* Test hook: when set, a sleeping thread calls it after queueing itself and
 * before it sleeps, so a test can release in exactly that window. */
extern void (*mb_sema_before_sleep)(struct mb_sema *s);

/* The record of the operation the calling thread is running again for a
 * readied task, set by the scheduler around that operation (NULL: a fresh
 * operation, or not a task). */
extern _Thread_local struct mb_waiter *mb_lock_resume_tls;

static inline void mb_lock_set_resuming(struct mb_waiter *w)
{
	mb_lock_resume_tls = w;
}

/* The resumed record if it belongs to lock, else NULL. */
static inline struct mb_waiter *mb_lock_resuming(const void *lock)
{
	struct mb_waiter *w = mb_lock_resume_tls;
	return w && w->lock == lock ? w : NULL;
}

/* The record the calling task's op runs again for (see above), or NULL. */
static inline struct mb_waiter *mb_lock_resumed(void)
{
	return mb_lock_resume_tls;
}

/* The record to park with: the resumed one, or a new one from the scheduler
 * (NULL when there is no scheduler or the caller is not a task). */
struct mb_waiter *mb_lock_park_record(const struct mb_sched *sched);

/* Where the calling op goes on if the acquire it is about to make parks
 * (cont_owner, cont in struct mb_waiter): noted before the acquire, since
 * a queued record may be readied and run by another worker at once, and
 * copied into the record when it is queued.  mb_lock_cont_clear after an
 * acquire that did not park. */
struct mb_lock_cont {
	const void *owner;
	uint64_t cont[2];
};
extern _Thread_local struct mb_lock_cont mb_lock_cont_tls;

static inline void mb_lock_cont_note(const void *owner, uint64_t c0, uint64_t c1)
{
	mb_lock_cont_tls = (struct mb_lock_cont){owner, {c0, c1}};
}

static inline void mb_lock_cont_clear(void)
{
	mb_lock_cont_tls.owner = NULL;
}

/* Counts a park of w (queued with its park time by the semaphore) and
 * returns MB_LOCK_PARKED.  Nothing may write to w after it is queued. */
int mb_lock_parked(struct mb_waiter *w);

/* A parked record was resumed: records its lock-wait pause (park to wake-up)
 * in the calling thread's pause log. */
void mb_lock_woke(struct mb_waiter *w);

#endif
