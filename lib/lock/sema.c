/* The counting semaphore.  See sema.h; Go 1.19 runtime/sema.go
 * (semacquire1, semrelease1, cansemacquire) for the algorithm. */
#include "lock/sema.h"

#include "lock/lockstat.h"
#include "measure/pause.h"
#include "measure/timer.h"

#include <stddef.h>

void (*mb_sema_before_sleep)(struct mb_sema *s);
_Thread_local struct mb_waiter *mb_lock_resume_tls;
_Thread_local struct mb_lock_cont mb_lock_cont_tls;

bool mb_sema_try(struct mb_sema *s)
{
	unsigned v = atomic_load(&s->count);
	while (v) {
		if (atomic_compare_exchange_weak(&s->count, &v, v - 1))
			return true;
	}
	return false;
}

/* Queues w unless a release came in meanwhile.  nwait goes up before the
 * count is checked again, and a release adds to the count before it reads
 * nwait (both sequentially consistent): one of the two sees the other, so a
 * release cannot pass a waiter unseen. */
static int enqueue(struct mb_sema *s, bool lifo, struct mb_waiter *w)
{
	mb_qlock_lock(&s->qlock);
	unsigned n = atomic_fetch_add(&s->nwait, 1) + 1;
	if (mb_sema_try(s)) {
		atomic_fetch_sub(&s->nwait, 1);
		mb_qlock_unlock(&s->qlock);
		return 0;
	}
	w->ticket = 0;
	w->lifo = lifo;
	w->next = NULL;
	if (w->sched) { /* a task: once linked, any worker may run it */
		w->park_ns = mb_pause_current() ? mb_timer_monotonic_ns() : 0;
		if (mb_lock_cont_tls.owner) {
			w->cont_owner = mb_lock_cont_tls.owner;
			w->cont[0] = mb_lock_cont_tls.cont[0];
			w->cont[1] = mb_lock_cont_tls.cont[1];
			mb_lock_cont_tls.owner = NULL;
		}
	}
	if (!s->head) {
		s->head = s->tail = w;
	} else if (lifo) {
		w->next = s->head;
		s->head = w;
	} else {
		s->tail->next = w;
		s->tail = w;
	}
	mb_qlock_unlock(&s->qlock);
	mb_lockstat_queue_len(n);
	return MB_LOCK_PARKED;
}

int mb_sema_acquire(struct mb_sema *s, bool lifo, struct mb_waiter *w)
{
	if (mb_sema_try(s))
		return 0;
	if (w) {
		/* Go's semacquire1 records one block event per acquire, however
		 * often its goroutine is woken and sleeps again (resume) */
		int rc = enqueue(s, lifo, w);
		if (rc == MB_LOCK_PARKED)
			MB_LOCKSTAT_ADD(blocked, 1);
		return rc;
	}
	struct mb_waiter self = {.sched = NULL};
	for (;;) {
		atomic_store(&self.woken, 0);
		if (enqueue(s, lifo, &self) == 0)
			return 0;
		if (mb_sema_before_sleep)
			mb_sema_before_sleep(s);
		while (!atomic_load_explicit(&self.woken, memory_order_acquire))
			mb_futex_wait(&self.woken, 0);
		if (self.ticket || mb_sema_try(s))
			return 0;
	}
}

int mb_sema_resume(struct mb_sema *s, struct mb_waiter *w)
{
	if (w->ticket || mb_sema_try(s)) {
		w->ticket = 0;
		return 0;
	}
	return enqueue(s, w->lifo, w);
}

void mb_sema_release(struct mb_sema *s, bool handoff)
{
	atomic_fetch_add(&s->count, 1);
	if (atomic_load(&s->nwait) == 0)
		return;
	mb_qlock_lock(&s->qlock);
	struct mb_waiter *w = s->head;
	if (!w) { /* counted, not queued yet: it finds the count */
		mb_qlock_unlock(&s->qlock);
		return;
	}
	s->head = w->next;
	if (!s->head)
		s->tail = NULL;
	atomic_fetch_sub(&s->nwait, 1);
	mb_qlock_unlock(&s->qlock);
	if (handoff && mb_sema_try(s)) {
		w->ticket = 1;
		MB_LOCKSTAT_ADD(handoffs, 1);
	}
	MB_LOCKSTAT_ADD(wakeups, 1);
	if (w->sched) {
		w->wake_ns = mb_pause_current() ? mb_timer_monotonic_ns() : 0;
		w->sched->ready(w->sched->arg, w);
		return;
	}
	/* A thread: once woken is set its record (on its stack) may be gone;
	 * waking a stale address at worst wakes a thread that rechecks. */
	atomic_store_explicit(&w->woken, 1, memory_order_release);
	mb_futex_wake(&w->woken, 1);
}

struct mb_waiter *mb_lock_park_record(const struct mb_sched *sched)
{
	if (mb_lock_resume_tls)
		return mb_lock_resume_tls;
	return sched ? sched->waiter(sched->arg) : NULL;
}

int mb_lock_parked(struct mb_waiter *w)
{
	(void)w;
	MB_LOCKSTAT_ADD(parks, 1);
	return MB_LOCK_PARKED;
}

void mb_lock_woke(struct mb_waiter *w)
{
	struct mb_pause_log *log = mb_pause_current();
	if (log && w->park_ns && w->wake_ns > w->park_ns)
		mb_pause_record(log, MB_PAUSE_LOCK_WAIT, w->park_ns, w->wake_ns - w->park_ns, -1);
	w->park_ns = w->wake_ns = 0;
}
