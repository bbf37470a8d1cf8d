/* mb_gorwmutex: Go 1.19's sync.RWMutex in C (sync/rwmutex.go).
 *
 * readerCount counts readers; a writer subtracts MB_RW_MAX_READERS from it,
 * so that it turns negative and new readers park on readerSem (a pending
 * writer blocks new readers).  The writer waits on writerSem only if readers
 * remain after its two adds (readerCount, then readerWait): the readers may
 * all have left in between.  The last departing reader wakes the writer;
 * Unlock wakes every reader that queued meanwhile, and they all enter before
 * the next writer (who must first take w, the writers' mutex, which Unlock
 * releases last).
 *
 * rlock/lock return 0 or MB_LOCK_PARKED exactly as mb_gomutex_lock does
 * (gomutex.h): a parked task's operation runs again and its call continues.
 * A reader woken by a writer's Unlock already holds the read side.
 * Threads: any number.  The struct must not move while in use.
 */
#ifndef MB_LOCK_GORWMUTEX_H
#define MB_LOCK_GORWMUTEX_H

#include "lock/gomutex.h"

/* Go's rwmutexMaxReaders. */
#define MB_RW_MAX_READERS (1 << 30)

struct mb_gorwmutex {
	struct mb_gomutex w;        /* held by a writer, or a writer about to be */
	struct mb_sema writer_sem;  /* a writer waits here for departing readers */
	struct mb_sema reader_sem;  /* readers wait here for the writer to finish */
	atomic_int reader_count;    /* readers, minus MB_RW_MAX_READERS with a writer */
	atomic_int reader_wait;     /* departing readers the writer still waits for */
};

void mb_gorwmutex_init(struct mb_gorwmutex *rw, const struct mb_sched *sched);

int mb_gorwmutex_rlock_slow(struct mb_gorwmutex *rw, struct mb_waiter *resume);

/* Takes the read side; returns 0 or MB_LOCK_PARKED. */
static inline int mb_gorwmutex_rlock(struct mb_gorwmutex *rw)
{
	/* A reader readied by Unlock was counted before it parked: it must not
	 * add itself again. */
	struct mb_waiter *r = mb_lock_resuming(rw);
	if (__builtin_expect(r != NULL, 0) || atomic_fetch_add(&rw->reader_count, 1) + 1 < 0)
		return mb_gorwmutex_rlock_slow(rw, r);
	mb_lockstat_acquired(MB_LOCK_READ, false, 0);
	return 0;
}

void mb_gorwmutex_runlock_slow(struct mb_gorwmutex *rw, int r);

/* Releases the read side. */
static inline void mb_gorwmutex_runlock(struct mb_gorwmutex *rw)
{
	mb_lockstat_released(MB_LOCK_READ);
	int r = atomic_fetch_sub(&rw->reader_count, 1) - 1;
	if (r < 0)
		mb_gorwmutex_runlock_slow(rw, r);
}

/* Takes the write side; returns 0 or MB_LOCK_PARKED. */
int mb_gorwmutex_lock(struct mb_gorwmutex *rw);

/* Releases the write side. */
void mb_gorwmutex_unlock(struct mb_gorwmutex *rw);

#endif
