/* The spin locks: one attempt takes a free lock, mutual exclusion and
 * reader/writer exclusion between threads (also under TSan), and a waiting
 * writer keeps new readers out. */
#include "check.h"

#include "lock/spin.h"

#include <pthread.h>

enum { NTHREADS = 4, ROUNDS = 20000 };
static struct mb_spinlock sl;
static struct mb_spinrw rw;
static long counter, a, b;
static atomic_int torn;

static void *spin_worker(void *p)
{
	(void)p;
	for (int i = 0; i < ROUNDS; i++) {
		mb_spin_lock(&sl);
		counter++;
		mb_spin_unlock(&sl);
	}
	return NULL;
}

static void *rw_worker(void *p)
{
	long id = (long)p;
	for (int i = 0; i < ROUNDS; i++) {
		if (id == 0 || i % 8 == 0) {
			mb_spinrw_lock(&rw);
			a++;
			b++;
			mb_spinrw_unlock(&rw);
		} else {
			mb_spinrw_rlock(&rw);
			if (a != b)
				atomic_fetch_add(&torn, 1);
			mb_spinrw_runlock(&rw);
		}
	}
	return NULL;
}

int main(void)
{
	mb_spin_init(&sl);
	CHECK(mb_spin_trylock(&sl) && !mb_spin_trylock(&sl), "one try takes a free lock only");
	mb_spin_unlock(&sl);
	CHECK(mb_spin_lock(&sl), "uncontended");
	mb_spin_unlock(&sl);

	mb_spinrw_init(&rw);
	CHECK(mb_spinrw_tryrlock(&rw) && mb_spinrw_tryrlock(&rw), "readers share");
	CHECK(!mb_spinrw_trylock(&rw), "no writer with readers in");
	mb_spinrw_runlock(&rw);
	mb_spinrw_runlock(&rw);
	CHECK(mb_spinrw_trylock(&rw) && !mb_spinrw_tryrlock(&rw), "no reader with a writer in");
	mb_spinrw_unlock(&rw);
	/* a waiting writer's mark keeps new readers out */
	atomic_store(&rw.state, 2);
	CHECK(!mb_spinrw_tryrlock(&rw), "writer waiting: reader kept out");
	CHECK(mb_spinrw_lock(&rw), "the writer takes it");
	mb_spinrw_unlock(&rw);

	pthread_t t[NTHREADS];
	for (long i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, spin_worker, NULL);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	CHECK(counter == NTHREADS * ROUNDS, "counter %ld", counter);
	for (long i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, rw_worker, (void *)i);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	CHECK(a == b && atomic_load(&torn) == 0, "a %ld b %ld torn %d", a, b, atomic_load(&torn));
	CHECK(atomic_load(&rw.state) == 0, "free");
	CHECK_DONE();
}
