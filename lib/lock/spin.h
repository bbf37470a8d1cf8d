/* mb_spin: the C programmer's baseline locks, never sleeping.
 *
 * mb_spinlock is test-and-test-and-set: it reads until the lock looks free,
 * then tries one exchange; after a failed try it backs off, PAUSEing 1, 2,
 * 4 ... up to MB_SPIN_BACKOFF_MAX times.  mb_spinrw is its reader-writer
 * form: bit 0 writer, bit 1 writer waiting, readers counted from bit 2; a
 * waiting writer keeps new readers out, so writers are not starved.
 * Neither parks a task nor sleeps: a task that finds it taken spins on its
 * worker, which is what such a lock costs with more tasks than cores.
 * Threads: any number.
 */
#ifndef MB_LOCK_SPIN_H
#define MB_LOCK_SPIN_H

#include <stdatomic.h>
#include <stdbool.h>

#define MB_SPIN_BACKOFF_MAX 1024

struct mb_spinlock {
	atomic_int held;
};

struct mb_spinrw {
	atomic_uint state;
};

void mb_spin_init(struct mb_spinlock *l);
/* One attempt: true when taken. */
bool mb_spin_trylock(struct mb_spinlock *l);
/* Returns true when taken without waiting (uncontended). */
bool mb_spin_lock(struct mb_spinlock *l);
void mb_spin_unlock(struct mb_spinlock *l);

void mb_spinrw_init(struct mb_spinrw *l);
/* One attempt at either side: true when taken. */
bool mb_spinrw_tryrlock(struct mb_spinrw *l);
bool mb_spinrw_trylock(struct mb_spinrw *l);
/* Each returns true when taken without waiting (uncontended). */
bool mb_spinrw_rlock(struct mb_spinrw *l);
void mb_spinrw_runlock(struct mb_spinrw *l);
bool mb_spinrw_lock(struct mb_spinrw *l);
void mb_spinrw_unlock(struct mb_spinrw *l);

#endif
