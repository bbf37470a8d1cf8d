/* Go 1.19's sync.RWMutex with parking tasks.  See gorwmutex.h. */
#include "lock/gorwmutex.h"

void mb_gorwmutex_init(struct mb_gorwmutex *rw, const struct mb_sched *sched)
{
	mb_gomutex_init(&rw->w, sched);
	rw->writer_sem = (struct mb_sema)MB_SEMA_INIT;
	rw->reader_sem = (struct mb_sema)MB_SEMA_INIT;
	atomic_init(&rw->reader_count, 0);
	atomic_init(&rw->reader_wait, 0);
}

/* Sleeps (a thread) or parks (a task) on s for rw at phase; returns 0 once
 * it has the semaphore or MB_LOCK_PARKED. */
static int wait_on(struct mb_gorwmutex *rw, struct mb_sema *s, unsigned phase,
		   uint64_t entry_ns)
{
	struct mb_waiter *rec = mb_lock_park_record(rw->w.sched);
	if (!rec)
		return mb_sema_acquire(s, false, NULL);
	if (!rec->entry_ns) /* kept from the first park */
		rec->entry_ns = entry_ns;
	rec->lock = rw;
	rec->phase = (uint8_t)phase;
	if (mb_sema_acquire(s, false, rec) == MB_LOCK_PARKED)
		return mb_lock_parked(rec);
	rec->lock = NULL;
	rec->phase = MB_WAIT_NONE;
	return 0;
}

/* Finishes a parked wait on s; returns 0 or MB_LOCK_PARKED (queued again). */
static int resume_on(struct mb_sema *s, struct mb_waiter *r)
{
	if (mb_sema_resume(s, r) == MB_LOCK_PARKED)
		return mb_lock_parked(r);
	mb_lock_woke(r);
	r->lock = NULL;
	r->phase = MB_WAIT_NONE;
	return 0;
}

int mb_gorwmutex_rlock_slow(struct mb_gorwmutex *rw, struct mb_waiter *r)
{
	int rc;
	uint64_t t0 = mb_lockstat_wait_start(MB_LOCK_READ);
	if (r)
		rc = resume_on(&rw->reader_sem, r);
	else
		rc = wait_on(rw, &rw->reader_sem, MB_WAIT_RW_READER, t0);
	if (rc == 0)
		mb_lockstat_acquired(MB_LOCK_READ, true, mb_lockstat_waited(r ? r->entry_ns : t0));
	return rc;
}

void mb_gorwmutex_runlock_slow(struct mb_gorwmutex *rw, int r)
{
	(void)r; /* Go throws on r+1 == 0 or -MaxReaders: RUnlock of unlocked */
	/* The last reader the writer waits for wakes it. */
	if (atomic_fetch_sub(&rw->reader_wait, 1) - 1 == 0)
		mb_sema_release(&rw->writer_sem, false);
}

int mb_gorwmutex_lock(struct mb_gorwmutex *rw)
{
	struct mb_waiter *r = mb_lock_resuming(rw);
	uint64_t t0 = 0;
	bool contended = r != NULL;
	int rc;
	if (r && r->phase == MB_WAIT_RW_WRITER) {
		if ((rc = resume_on(&rw->writer_sem, r)))
			return rc;
		goto acquired;
	}
	if (r) { /* parked on the writers' mutex */
		if ((rc = mb_gomutex_lock_slow(&rw->w, r, rw, MB_WAIT_RW_MUTEX, 0)))
			return rc;
	} else if (!mb_gomutex_trylock(&rw->w)) {
		contended = true;
		t0 = mb_lockstat_wait_start(MB_LOCK_WRITE);
		if ((rc = mb_gomutex_lock_slow(&rw->w, NULL, rw, MB_WAIT_RW_MUTEX, t0)))
			return rc;
	}
	/* Announce the writer, then wait for the readers still inside. */
	int readers = atomic_fetch_sub(&rw->reader_count, MB_RW_MAX_READERS);
	if (readers != 0 && atomic_fetch_add(&rw->reader_wait, readers) + readers != 0) {
		if (!contended)
			t0 = mb_lockstat_wait_start(MB_LOCK_WRITE);
		contended = true;
		if ((rc = wait_on(rw, &rw->writer_sem, MB_WAIT_RW_WRITER, t0)))
			return rc;
	}
acquired:;
	mb_lockstat_acquired(MB_LOCK_WRITE, contended,
			     contended ? mb_lockstat_waited(r ? r->entry_ns : t0) : 0);
	return 0;
}

void mb_gorwmutex_unlock(struct mb_gorwmutex *rw)
{
	mb_lockstat_released(MB_LOCK_WRITE);
	/* Readers may enter again; wake those that queued behind us. */
	int r = atomic_fetch_add(&rw->reader_count, MB_RW_MAX_READERS) + MB_RW_MAX_READERS;
	for (int i = 0; i < r; i++)
		mb_sema_release(&rw->reader_sem, false);
	mb_gomutex_unlock_raw(&rw->w);
}
