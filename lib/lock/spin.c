/* Test-and-test-and-set locks with bounded exponential back-off.  See spin.h. */
#include "lock/spin.h"

#include "lock/futex.h"

enum { RW_WRITER = 1, RW_PENDING = 2, RW_READER = 4 };

static void backoff(unsigned *n)
{
	for (unsigned i = 0; i < *n; i++)
		mb_cpu_relax();
	if (*n < MB_SPIN_BACKOFF_MAX)
		*n *= 2;
}

void mb_spin_init(struct mb_spinlock *l)
{
	atomic_init(&l->held, 0);
}

bool mb_spin_trylock(struct mb_spinlock *l)
{
	return !atomic_load_explicit(&l->held, memory_order_relaxed) &&
	       !atomic_exchange_explicit(&l->held, 1, memory_order_acquire);
}

bool mb_spin_lock(struct mb_spinlock *l)
{
	if (!atomic_exchange_explicit(&l->held, 1, memory_order_acquire))
		return true;
	unsigned n = 1;
	for (;;) {
		while (atomic_load_explicit(&l->held, memory_order_relaxed))
			mb_cpu_relax();
		if (!atomic_exchange_explicit(&l->held, 1, memory_order_acquire))
			return false;
		backoff(&n);
	}
}

void mb_spin_unlock(struct mb_spinlock *l)
{
	atomic_store_explicit(&l->held, 0, memory_order_release);
}

void mb_spinrw_init(struct mb_spinrw *l)
{
	atomic_init(&l->state, 0);
}

bool mb_spinrw_tryrlock(struct mb_spinrw *l)
{
	unsigned s = atomic_load_explicit(&l->state, memory_order_relaxed);
	return !(s & (RW_WRITER | RW_PENDING)) &&
	       atomic_compare_exchange_strong_explicit(&l->state, &s, s + RW_READER,
						       memory_order_acquire, memory_order_relaxed);
}

bool mb_spinrw_trylock(struct mb_spinrw *l)
{
	unsigned s = 0;
	return atomic_compare_exchange_strong_explicit(&l->state, &s, RW_WRITER,
						       memory_order_acquire, memory_order_relaxed);
}

bool mb_spinrw_rlock(struct mb_spinrw *l)
{
	unsigned n = 1;
	for (bool first = true;; first = false) {
		unsigned s = atomic_load_explicit(&l->state, memory_order_relaxed);
		if (!(s & (RW_WRITER | RW_PENDING)) &&
		    atomic_compare_exchange_weak_explicit(&l->state, &s, s + RW_READER,
							  memory_order_acquire, memory_order_relaxed))
			return first;
		backoff(&n);
	}
}

void mb_spinrw_runlock(struct mb_spinrw *l)
{
	atomic_fetch_sub_explicit(&l->state, RW_READER, memory_order_release);
}

bool mb_spinrw_lock(struct mb_spinrw *l)
{
	unsigned n = 1;
	for (bool first = true;; first = false) {
		unsigned s = atomic_load_explicit(&l->state, memory_order_relaxed);
		/* Free, or only our own "waiting" mark left: take it. */
		if ((s & ~(unsigned)RW_PENDING) == 0) {
			if (atomic_compare_exchange_weak_explicit(&l->state, &s, RW_WRITER,
								  memory_order_acquire,
								  memory_order_relaxed))
				return first;
			continue;
		}
		if (!(s & RW_PENDING))
			atomic_fetch_or_explicit(&l->state, RW_PENDING, memory_order_relaxed);
		backoff(&n);
	}
}

void mb_spinrw_unlock(struct mb_spinrw *l)
{
	atomic_fetch_and_explicit(&l->state, ~(unsigned)RW_WRITER, memory_order_release);
}
