/* mb_lock: the lock a map design takes, by policy (--lock), behind one
 * small interface: a mutex (read and write are the same exclusive lock) or
 * a reader-writer lock.
 *
 * Policies (mb_lock_policies, for --lock and `mapbench list locks`):
 *   go       Go 1.19's sync.Mutex / sync.RWMutex (gomutex.h, gorwmutex.h):
 *            a task that must wait parks and its worker runs other tasks
 *   pthread  glibc's adaptive mutex / writer-preferring rwlock: a waiting
 *            task blocks its whole worker thread
 *   spin     test-and-test-and-set with back-off (spin.h): a waiting task
 *            spins on its worker
 * Only the go policy ever returns MB_LOCK_PARKED (and only with a
 * scheduler, for a task).  Every policy counts acquisitions and contended
 * ones in the calling thread's lock statistics (lockstat.h); pthread and
 * spin time a contended acquire as a lock-wait pause, go from park to
 * wake-up.
 * Threads: any number.  A struct mb_lock must not move while in use.
 */
#ifndef MB_LOCK_POLICY_H
#define MB_LOCK_POLICY_H

#include "lock/gorwmutex.h"
#include "lock/spin.h"

#include <pthread.h>
#include <stdbool.h>

enum mb_lock_policy {
	MB_LOCK_GO = 0,
	MB_LOCK_PTHREAD,
	MB_LOCK_SPIN,
	MB_LOCK_NPOLICIES,
};

/* One row per policy, in enum order. */
struct mb_lock_policy_info {
	const char *name;    /* as given to --lock */
	const char *summary; /* one line for `mapbench list locks` */
};

extern const struct mb_lock_policy_info mb_lock_policies[MB_LOCK_NPOLICIES];

/* "go", "pthread", "spin"; "unknown" out of range. */
const char *mb_lock_policy_name(enum mb_lock_policy p);

/* The policy named name; returns 0 with *out set, or -EINVAL. */
int mb_lock_policy_parse(const char *name, enum mb_lock_policy *out);

struct mb_lock {
	enum mb_lock_policy policy;
	bool rw;
	union {
		struct mb_gomutex go;
		struct mb_gorwmutex gorw;
		pthread_mutex_t mutex;
		pthread_rwlock_t rwlock;
		struct mb_spinlock spin;
		struct mb_spinrw spinrw;
	} u;
};

/* Sets up l: a reader-writer lock when rw, else a mutex; sched (go only)
 * lets tasks park.  Returns 0 or a negative errno. */
int mb_lock_init(struct mb_lock *l, enum mb_lock_policy policy, bool rw,
		 const struct mb_sched *sched);
void mb_lock_destroy(struct mb_lock *l);

/* Take the read or the write side: 0 when held, MB_LOCK_PARKED when the
 * calling task parked (then nothing is held; run the operation again once
 * readied).  A mutex has one side: read is write.  A task whose op runs
 * again and asks for another lock than the one its record still owes first
 * settles that one (takes and releases it; it may park there). */
static inline int mb_lock_read(struct mb_lock *l);
static inline int mb_lock_write(struct mb_lock *l);
static inline void mb_lock_read_unlock(struct mb_lock *l);
static inline void mb_lock_write_unlock(struct mb_lock *l);

/* The out-of-line parts: pthread and spin, and a go lock taken while the
 * calling task's record still owes another lock. */
int mb_lock_other_acquire(struct mb_lock *l, enum mb_lock_side side);
void mb_lock_other_release(struct mb_lock *l, enum mb_lock_side side);
int mb_lock_go_settling(struct mb_lock *l, enum mb_lock_side side);

/* A readied task's operation ended without coming back for the lock its
 * record w waits for (sync's op found its key lock-free the second time):
 * finishes that acquire and releases at once, so that a hand-off or a
 * wake-up is not lost.  Returns 0 (done, w free again) or MB_LOCK_PARKED
 * (parked again: call again once readied). */
int mb_lock_settle(struct mb_waiter *w);

/* Inline: Go's lock is the default and its fast path (one CAS, or one add
 * for a reader) costs a call less than the map operation around it, as
 * Go's Lock inlines its fast path into the caller. */
static inline int mb_lock_go_acquire(struct mb_lock *l, enum mb_lock_side side)
{
	/* a task run again may owe another lock: settle it first (policy.c) */
	if (__builtin_expect(mb_lock_resumed() != NULL, 0))
		return mb_lock_go_settling(l, side);
	if (!l->rw)
		return mb_gomutex_lock(&l->u.go);
	return side == MB_LOCK_READ ? mb_gorwmutex_rlock(&l->u.gorw) : mb_gorwmutex_lock(&l->u.gorw);
}

static inline int mb_lock_read(struct mb_lock *l)
{
	if (l->policy == MB_LOCK_GO)
		return mb_lock_go_acquire(l, MB_LOCK_READ);
	return mb_lock_other_acquire(l, l->rw ? MB_LOCK_READ : MB_LOCK_WRITE);
}

static inline int mb_lock_write(struct mb_lock *l)
{
	if (l->policy == MB_LOCK_GO)
		return mb_lock_go_acquire(l, MB_LOCK_WRITE);
	return mb_lock_other_acquire(l, MB_LOCK_WRITE);
}

static inline void mb_lock_read_unlock(struct mb_lock *l)
{
	if (l->policy != MB_LOCK_GO)
		mb_lock_other_release(l, l->rw ? MB_LOCK_READ : MB_LOCK_WRITE);
	else if (l->rw)
		mb_gorwmutex_runlock(&l->u.gorw);
	else
		mb_gomutex_unlock(&l->u.go);
}

static inline void mb_lock_write_unlock(struct mb_lock *l)
{
	if (l->policy != MB_LOCK_GO)
		mb_lock_other_release(l, MB_LOCK_WRITE);
	else if (l->rw)
		mb_gorwmutex_unlock(&l->u.gorw);
	else
		mb_gomutex_unlock(&l->u.go);
}

#endif
