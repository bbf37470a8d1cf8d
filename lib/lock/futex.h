/* mb_futex: sleeping and waking OS threads on a 32-bit word, and the small
 * lock that guards a semaphore's wait queue.
 *
 * mb_futex_wait sleeps while *word == val (it may return early, spuriously:
 * callers loop on their own condition); mb_futex_wake wakes up to n threads
 * sleeping on word.  Linux futexes, private to the process.
 *
 * mb_qlock is a three-state futex mutex (0 free, 1 held, 2 held with
 * sleepers) that spins briefly before sleeping: it guards a few pointer
 * moves, so a holder almost never sleeps, but with more workers than cores
 * a preempted holder must not make the others spin for a time slice.
 * Threads: any; a qlock is unlocked by the thread that locked it.
 */
#ifndef MB_LOCK_FUTEX_H
#define MB_LOCK_FUTEX_H

#include <stdatomic.h>

/* Sleeps while *word == val; returns on a wake-up, a signal or a changed word. */
void mb_futex_wait(atomic_uint *word, unsigned val);
/* Wakes at most n threads sleeping on word. */
void mb_futex_wake(atomic_uint *word, int n);

/* One PAUSE (or the architecture's spin hint). */
static inline void mb_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#else
	atomic_signal_fence(memory_order_seq_cst);
#endif
}

typedef atomic_uint mb_qlock;
#define MB_QLOCK_INIT 0

void mb_qlock_lock(mb_qlock *l);
void mb_qlock_unlock(mb_qlock *l);

#endif
