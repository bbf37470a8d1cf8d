/* mb_gomutex: Go 1.19's sync.Mutex in C (sync/mutex.go), for tasks that
 * park and for threads that block.
 *
 * state: bit 0 locked, bit 1 woken, bit 2 starving, waiters from bit 3.
 * Normal mode: a woken waiter competes with arriving lockers (who usually
 * win); a waiter may spin (at most 4 times, 30 PAUSEs each) only when the
 * scheduler says its worker has nothing else to run.  A woken waiter that
 * has waited more than 1 ms switches the mutex to starvation mode, if it is
 * still locked then; in starvation mode Unlock hands ownership to the
 * front waiter and arrivals queue at the tail; the mode ends when the
 * waiter handed the lock waited under 1 ms or was the last one.  A waiter
 * queues at the tail the first time and at the front after losing a race.
 *
 * mb_gomutex_lock returns 0 with the mutex held, or MB_LOCK_PARKED when the
 * calling task parked (sched set, and the caller a task): the caller must
 * undo what it did and return to its scheduler; the task's operation runs
 * again once readied and its mb_gomutex_lock call then continues where it
 * stopped (possibly already owning the mutex after a hand-off).  A thread
 * that is not a task blocks instead and always gets 0.
 * Threads: any number.  The struct must not move while in use.
 */
#ifndef MB_LOCK_GOMUTEX_H
#define MB_LOCK_GOMUTEX_H

#include "lock/lockstat.h"
#include "lock/sema.h"

#include <stdatomic.h>

enum {
	MB_MUTEX_LOCKED = 1,
	MB_MUTEX_WOKEN = 2,
	MB_MUTEX_STARVING = 4,
	MB_MUTEX_WAITER_SHIFT = 3,
};

/* Go's starvationThresholdNs. */
#define MB_MUTEX_STARVATION_NS 1000000

struct mb_gomutex {
	atomic_int state;
	struct mb_sema sema;
	const struct mb_sched *sched; /* NULL: every caller blocks */
	/* When starvation mode began (trace only).  Relaxed atomic: the waiter
	 * that enters the mode and the owner that leaves it are different
	 * threads with no other order between this write and that read; a
	 * stale value only skews one trace event's duration. */
	_Atomic uint64_t starving_since_ns;
};

void mb_gomutex_init(struct mb_gomutex *m, const struct mb_sched *sched);

/* The slow path of a lock on behalf of owner (m itself, or the RWMutex
 * whose writers' mutex m is) with resume its pending record or NULL.
 * Returns 0 or MB_LOCK_PARKED.  Counts no acquisition (the caller does). */
int mb_gomutex_lock_slow(struct mb_gomutex *m, struct mb_waiter *resume, const void *owner,
			 unsigned phase, uint64_t entry_ns);

/* Go's Mutex.TryLock fast form: the mutex if it is free, nothing else. */
static inline bool mb_gomutex_trylock(struct mb_gomutex *m)
{
	int z = 0;
	return atomic_compare_exchange_strong_explicit(&m->state, &z, MB_MUTEX_LOCKED,
						       memory_order_acquire, memory_order_relaxed);
}

/* Locks m; returns 0 (held) or MB_LOCK_PARKED (see above). */
static inline int mb_gomutex_lock(struct mb_gomutex *m)
{
	if (mb_gomutex_trylock(m)) {
		mb_lockstat_acquired(MB_LOCK_WRITE, false, 0);
		return 0;
	}
	uint64_t t0 = mb_lockstat_wait_start(MB_LOCK_WRITE);
	struct mb_waiter *r = mb_lock_resuming(m);
	int rc = mb_gomutex_lock_slow(m, r, m, MB_WAIT_MUTEX, t0);
	if (rc == 0)
		mb_lockstat_acquired(MB_LOCK_WRITE, true, mb_lockstat_waited(r ? r->entry_ns : t0));
	return rc;
}

void mb_gomutex_unlock_slow(struct mb_gomutex *m, int new_state);

/* Unlocks m (held by the caller, or handed to it). */
static inline void mb_gomutex_unlock_raw(struct mb_gomutex *m)
{
	int n = atomic_fetch_sub_explicit(&m->state, MB_MUTEX_LOCKED, memory_order_release) -
		MB_MUTEX_LOCKED;
	if (n != 0)
		mb_gomutex_unlock_slow(m, n);
}

static inline void mb_gomutex_unlock(struct mb_gomutex *m)
{
	mb_lockstat_released(MB_LOCK_WRITE);
	mb_gomutex_unlock_raw(m);
}

/* Waiters counted in m's state (for tests and statistics). */
static inline unsigned mb_gomutex_waiters(struct mb_gomutex *m)
{
	return (unsigned)atomic_load(&m->state) >> MB_MUTEX_WAITER_SHIFT;
}

#endif
