/* Go 1.19's sync.Mutex: lockSlow and unlockSlow, with a parked task's loop
 * state kept in its wait record.  See gomutex.h. */
#include "lock/gomutex.h"

#include "measure/pause.h"

#include <unistd.h>

enum {
	ACTIVE_SPIN = 4,     /* runtime's active_spin: spins per lock attempt */
	ACTIVE_SPIN_CNT = 30 /* runtime's active_spin_cnt: PAUSEs per spin */
};

static int ncpu(void)
{
	static atomic_int n;
	int v = atomic_load_explicit(&n, memory_order_relaxed);
	if (!v) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);
		v = c > 0 ? (int)c : 1;
		atomic_store_explicit(&n, v, memory_order_relaxed);
	}
	return v;
}

void mb_gomutex_init(struct mb_gomutex *m, const struct mb_sched *sched)
{
	atomic_init(&m->state, 0);
	m->sema = (struct mb_sema)MB_SEMA_INIT;
	m->sched = sched;
	atomic_store_explicit(&m->starving_since_ns, 0, memory_order_relaxed);
}

/* Go's runtime_canSpin: few times, on a multicore machine, and only when
 * the scheduler has nothing else for this worker (with many tasks there
 * always is, so nobody spins: they park at once). */
static bool can_spin(const struct mb_gomutex *m, int iter)
{
	if (iter >= ACTIVE_SPIN || ncpu() <= 1)
		return false;
	return !m->sched || m->sched->can_spin(m->sched->arg);
}

static void do_spin(void)
{
	for (int i = 0; i < ACTIVE_SPIN_CNT; i++)
		mb_cpu_relax();
}

/* --gctrace and the pause log see starvation mode begin and end. */
static void trace_starving(struct mb_gomutex *m, bool enter)
{
	uint64_t now = mb_timer_monotonic_ns();
	struct mb_pause_log *log = mb_pause_current();
	if (enter) {
		atomic_store_explicit(&m->starving_since_ns, now, memory_order_relaxed);
		MB_LOCKSTAT_ADD(starve_enter, 1);
		if (log)
			mb_pause_record(log, MB_PAUSE_STARVE_ENTER, now, 0, -1);
		return;
	}
	MB_LOCKSTAT_ADD(starve_exit, 1);
	uint64_t since = atomic_load_explicit(&m->starving_since_ns, memory_order_relaxed);
	if (log)
		mb_pause_record(log, MB_PAUSE_STARVE_LEAVE, since ? since : now,
				since && now > since ? now - since : 0, -1);
}

/* The loop of Go's lockSlow.  A task that must wait saves the loop's state
 * (waitStartTime, starving, awoke) in its record and returns PARKED; run
 * again, it enters at `woken` after finishing the semaphore acquire. */
int mb_gomutex_lock_slow(struct mb_gomutex *m, struct mb_waiter *w, const void *owner,
			 unsigned phase, uint64_t entry_ns)
{
	uint64_t wait_start = 0;
	bool starving = false, awoke = false;
	int iter = 0, old, new;
	if (w && w->lock == owner && w->phase == phase) {
		wait_start = w->wait_start_ns;
		starving = w->starving;
		awoke = w->awoke;
		if (mb_sema_resume(&m->sema, w) == MB_LOCK_PARKED)
			return mb_lock_parked(w);
		mb_lock_woke(w);
		goto woken;
	}
	w = NULL;
	old = atomic_load(&m->state);
	for (;;) {
		if ((old & (MB_MUTEX_LOCKED | MB_MUTEX_STARVING)) == MB_MUTEX_LOCKED &&
		    can_spin(m, iter)) {
			/* Set woken so that Unlock does not wake another waiter
			 * while this one may still take the lock. */
			if (!awoke && !(old & MB_MUTEX_WOKEN) && (old >> MB_MUTEX_WAITER_SHIFT) &&
			    atomic_compare_exchange_strong(&m->state, &old, old | MB_MUTEX_WOKEN))
				awoke = true;
			do_spin();
			iter++;
			old = atomic_load(&m->state);
			continue;
		}
		new = old;
		if (!(old & MB_MUTEX_STARVING))
			new |= MB_MUTEX_LOCKED; /* arrivals queue in starvation mode */
		if (old & (MB_MUTEX_LOCKED | MB_MUTEX_STARVING))
			new += 1 << MB_MUTEX_WAITER_SHIFT;
		/* Only while locked: an unlocked mutex in starvation mode would
		 * have nobody to hand it over. */
		if (starving && (old & MB_MUTEX_LOCKED))
			new |= MB_MUTEX_STARVING;
		if (awoke)
			new &= ~MB_MUTEX_WOKEN;
		if (!atomic_compare_exchange_strong(&m->state, &old, new))
			continue; /* old is fresh */
		if (!(old & (MB_MUTEX_LOCKED | MB_MUTEX_STARVING)))
			break; /* locked with the CAS */
		if ((new & MB_MUTEX_STARVING) && !(old & MB_MUTEX_STARVING))
			trace_starving(m, true);
		/* A waiter that was woken before goes to the front. */
		bool lifo = wait_start != 0;
		if (!wait_start)
			wait_start = mb_timer_monotonic_ns();
		struct mb_waiter *rec = mb_lock_park_record(m->sched);
		if (rec) {
			rec->lock = owner;
			rec->phase = (uint8_t)phase;
			rec->wait_start_ns = wait_start;
			rec->starving = starving;
			rec->awoke = awoke;
			if (!rec->entry_ns) /* kept from the first park */
				rec->entry_ns = entry_ns;
			if (mb_sema_acquire(&m->sema, lifo, rec) == MB_LOCK_PARKED)
				return mb_lock_parked(rec);
			w = rec;
		} else {
			mb_sema_acquire(&m->sema, lifo, NULL);
		}
woken:
		starving = starving ||
			   mb_timer_monotonic_ns() - wait_start > MB_MUTEX_STARVATION_NS;
		old = atomic_load(&m->state);
		if (old & MB_MUTEX_STARVING) {
			/* Handed over: the lock is ours, with the starving bit
			 * and our waiter count still to fix. */
			int delta = MB_MUTEX_LOCKED - (1 << MB_MUTEX_WAITER_SHIFT);
			bool leave = !starving || (old >> MB_MUTEX_WAITER_SHIFT) == 1;
			if (leave)
				delta -= MB_MUTEX_STARVING;
			atomic_fetch_add(&m->state, delta);
			if (leave)
				trace_starving(m, false);
			break;
		}
		awoke = true;
		iter = 0;
	}
	if (w) {
		w->lock = NULL;
		w->phase = MB_WAIT_NONE;
	}
	return 0;
}

void mb_gomutex_unlock_slow(struct mb_gomutex *m, int new)
{
	if (!(new & MB_MUTEX_STARVING)) {
		int old = new;
		for (;;) {
			/* Nobody to wake, or someone already woken, spinning,
			 * or owning it: done. */
			if ((old >> MB_MUTEX_WAITER_SHIFT) == 0 ||
			    (old & (MB_MUTEX_LOCKED | MB_MUTEX_WOKEN | MB_MUTEX_STARVING)))
				return;
			new = (old - (1 << MB_MUTEX_WAITER_SHIFT)) | MB_MUTEX_WOKEN;
			if (atomic_compare_exchange_strong(&m->state, &old, new)) {
				mb_sema_release(&m->sema, false);
				return;
			}
		}
	}
	/* Starvation mode: hand the mutex to the front waiter. */
	mb_sema_release(&m->sema, true);
}
