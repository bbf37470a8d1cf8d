/* Futex wrappers and the wait-queue lock.  See futex.h. */
#include "lock/futex.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

void mb_futex_wait(atomic_uint *word, unsigned val)
{
	syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

void mb_futex_wake(atomic_uint *word, int n)
{
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, n, NULL, NULL, 0);
}

/* Spins this many rounds before sleeping: a queue operation is a few
 * pointer moves, far shorter than a futex round trip. */
#define QLOCK_SPINS 100

void mb_qlock_lock(mb_qlock *l)
{
	unsigned c = 0;
	if (atomic_compare_exchange_strong_explicit(l, &c, 1, memory_order_acquire,
						    memory_order_relaxed))
		return;
	for (int i = 0; i < QLOCK_SPINS; i++) {
		mb_cpu_relax();
		c = 0;
		if (atomic_load_explicit(l, memory_order_relaxed) == 0 &&
		    atomic_compare_exchange_weak_explicit(l, &c, 1, memory_order_acquire,
							  memory_order_relaxed))
			return;
	}
	/* Mark "held with sleepers" (2) and sleep until we take it from 0. */
	while (atomic_exchange_explicit(l, 2, memory_order_acquire) != 0)
		mb_futex_wait(l, 2);
}

void mb_qlock_unlock(mb_qlock *l)
{
	if (atomic_exchange_explicit(l, 0, memory_order_release) == 2)
		mb_futex_wake(l, 1);
}
