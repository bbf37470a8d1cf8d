/* Lock policies: dispatch, the pthread policy, and settling a pending
 * acquire.  See policy.h. */
#include "lock/policy.h"

#include "measure/pause.h"

#include <errno.h>
#include <string.h>

const struct mb_lock_policy_info mb_lock_policies[MB_LOCK_NPOLICIES] = {
	{"go", "Go 1.19 sync.Mutex/RWMutex: spin briefly, then park the task; FIFO queue, "
	       "1 ms starvation mode with hand-off"},
	{"pthread", "glibc adaptive mutex / writer-preferring rwlock: a waiter blocks its "
		    "whole worker thread"},
	{"spin", "test-and-test-and-set with PAUSE and exponential back-off: a waiter "
		 "spins on its worker"},
};

const char *mb_lock_policy_name(enum mb_lock_policy p)
{
	return (unsigned)p < MB_LOCK_NPOLICIES ? mb_lock_policies[p].name : "unknown";
}

int mb_lock_policy_parse(const char *name, enum mb_lock_policy *out)
{
	for (int p = 0; p < MB_LOCK_NPOLICIES; p++)
		if (strcmp(name, mb_lock_policies[p].name) == 0) {
			*out = (enum mb_lock_policy)p;
			return 0;
		}
	return -EINVAL;
}

/* glibc's adaptive mutex spins a little before sleeping; writer preference
 * is RWMutex's rule (a pending writer blocks new readers), glibc's default
 * prefers readers. */
static int pthread_init(struct mb_lock *l)
{
	int rc;
	if (!l->rw) {
		pthread_mutexattr_t attr;
		if ((rc = pthread_mutexattr_init(&attr)))
			return -rc;
		pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
		rc = pthread_mutex_init(&l->u.mutex, &attr);
		pthread_mutexattr_destroy(&attr);
		return -rc;
	}
	pthread_rwlockattr_t attr;
	if ((rc = pthread_rwlockattr_init(&attr)))
		return -rc;
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	rc = pthread_rwlock_init(&l->u.rwlock, &attr);
	pthread_rwlockattr_destroy(&attr);
	return -rc;
}

int mb_lock_init(struct mb_lock *l, enum mb_lock_policy policy, bool rw,
		 const struct mb_sched *sched)
{
	memset(l, 0, sizeof *l);
	l->policy = policy;
	l->rw = rw;
	switch (policy) {
	case MB_LOCK_GO:
		if (rw)
			mb_gorwmutex_init(&l->u.gorw, sched);
		else
			mb_gomutex_init(&l->u.go, sched);
		return 0;
	case MB_LOCK_PTHREAD:
		return pthread_init(l);
	case MB_LOCK_SPIN:
		if (rw)
			mb_spinrw_init(&l->u.spinrw);
		else
			mb_spin_init(&l->u.spin);
		return 0;
	default:
		return -EINVAL;
	}
}

void mb_lock_destroy(struct mb_lock *l)
{
	if (l->policy != MB_LOCK_PTHREAD)
		return;
	if (l->rw)
		pthread_rwlock_destroy(&l->u.rwlock);
	else
		pthread_mutex_destroy(&l->u.mutex);
}

/* A blocking acquire (pthread, spin) that waited: its time as a lock-wait
 * pause and in the wait histogram. */
static void waited(enum mb_lock_side side, uint64_t t0)
{
	uint64_t now = mb_timer_monotonic_ns();
	mb_lockstat_acquired(side, true, now - t0);
	struct mb_pause_log *log = mb_pause_current();
	if (log)
		mb_pause_record(log, MB_PAUSE_LOCK_WAIT, t0, now - t0, -1);
}

static bool other_try(struct mb_lock *l, enum mb_lock_side side)
{
	if (l->policy == MB_LOCK_SPIN)
		return !l->rw ? mb_spin_trylock(&l->u.spin)
		       : side == MB_LOCK_READ ? mb_spinrw_tryrlock(&l->u.spinrw)
					      : mb_spinrw_trylock(&l->u.spinrw);
	if (!l->rw)
		return pthread_mutex_trylock(&l->u.mutex) == 0;
	if (side == MB_LOCK_READ)
		return pthread_rwlock_tryrdlock(&l->u.rwlock) == 0;
	return pthread_rwlock_trywrlock(&l->u.rwlock) == 0;
}

/* pthread and spin: one try (no clock read when it succeeds), then the
 * blocking or spinning acquire, timed. */
static int other_lock(struct mb_lock *l, enum mb_lock_side side)
{
	if (other_try(l, side)) {
		mb_lockstat_acquired(side, false, 0);
		return 0;
	}
	uint64_t t0 = mb_timer_monotonic_ns();
	if (l->policy == MB_LOCK_SPIN) {
		if (!l->rw)
			mb_spin_lock(&l->u.spin);
		else if (side == MB_LOCK_READ)
			mb_spinrw_rlock(&l->u.spinrw);
		else
			mb_spinrw_lock(&l->u.spinrw);
	} else if (!l->rw) {
		pthread_mutex_lock(&l->u.mutex);
	} else if (side == MB_LOCK_READ) {
		pthread_rwlock_rdlock(&l->u.rwlock);
	} else {
		pthread_rwlock_wrlock(&l->u.rwlock);
	}
	waited(side, t0);
	return 0;
}

static void other_unlock(struct mb_lock *l, enum mb_lock_side side)
{
	mb_lockstat_released(side);
	if (l->policy == MB_LOCK_SPIN) {
		if (!l->rw)
			mb_spin_unlock(&l->u.spin);
		else if (side == MB_LOCK_READ)
			mb_spinrw_runlock(&l->u.spinrw);
		else
			mb_spinrw_unlock(&l->u.spinrw);
	} else if (!l->rw) {
		pthread_mutex_unlock(&l->u.mutex);
	} else {
		pthread_rwlock_unlock(&l->u.rwlock);
	}
}

int mb_lock_other_acquire(struct mb_lock *l, enum mb_lock_side side)
{
	return other_lock(l, side);
}

void mb_lock_other_release(struct mb_lock *l, enum mb_lock_side side)
{
	other_unlock(l, side);
}

/* A task runs its op again after a wake-up, and the op now wants another
 * lock than the one its record still owes (a design with many locks:
 * the hash trie's walk reached another node).  The record can wait for one
 * lock at a time, so the owed acquire is finished (and released) first, as
 * a goroutine would take the old lock, see it is the wrong one, and let go.
 * Then the lock itself; returns 0 or MB_LOCK_PARKED (parked again on the
 * old lock, or on this one: nothing held). */
int mb_lock_go_settling(struct mb_lock *l, enum mb_lock_side side)
{
	struct mb_waiter *w = mb_lock_resumed();
	if (w->lock && w->lock != (const void *)&l->u) {
		int rc = mb_lock_settle(w);
		if (rc)
			return rc;
	}
	if (!l->rw)
		return mb_gomutex_lock(&l->u.go);
	return side == MB_LOCK_READ ? mb_gorwmutex_rlock(&l->u.gorw) : mb_gorwmutex_lock(&l->u.gorw);
}

int mb_lock_settle(struct mb_waiter *w)
{
	struct mb_waiter *saved = mb_lock_resume_tls;
	int rc = 0;
	mb_lock_set_resuming(w);
	switch (w->phase) {
	case MB_WAIT_MUTEX: {
		struct mb_gomutex *m = (struct mb_gomutex *)w->lock;
		if ((rc = mb_gomutex_lock(m)) == 0)
			mb_gomutex_unlock(m);
		break;
	}
	case MB_WAIT_RW_MUTEX:
	case MB_WAIT_RW_WRITER: {
		struct mb_gorwmutex *rw = (struct mb_gorwmutex *)w->lock;
		if ((rc = mb_gorwmutex_lock(rw)) == 0)
			mb_gorwmutex_unlock(rw);
		break;
	}
	case MB_WAIT_RW_READER: {
		struct mb_gorwmutex *rw = (struct mb_gorwmutex *)w->lock;
		if ((rc = mb_gorwmutex_rlock(rw)) == 0)
			mb_gorwmutex_runlock(rw);
		break;
	}
	default:
		break;
	}
	mb_lock_set_resuming(saved);
	return rc;
}
