/* Futex wrappers and the queue lock: a wait on a changed word returns at
 * once, a wake reaches a sleeper, and the queue lock excludes (also under
 * TSan, with more threads than cores so that holders get preempted). */
#include "check.h"

#include "lock/futex.h"

#include <pthread.h>

enum { NTHREADS = 6, ROUNDS = 20000 };
static mb_qlock ql = MB_QLOCK_INIT;
static long counter;
static atomic_uint word;

static void *locker(void *p)
{
	(void)p;
	for (int i = 0; i < ROUNDS; i++) {
		mb_qlock_lock(&ql);
		counter++;
		mb_qlock_unlock(&ql);
	}
	return NULL;
}

static void *sleeper(void *p)
{
	(void)p;
	while (atomic_load(&word) == 0)
		mb_futex_wait(&word, 0);
	return NULL;
}

int main(void)
{
	atomic_store(&word, 1);
	mb_futex_wait(&word, 0); /* the word is not 0: returns at once */
	atomic_store(&word, 0);
	pthread_t s;
	pthread_create(&s, NULL, sleeper, NULL);
	atomic_store(&word, 1);
	mb_futex_wake(&word, 1);
	pthread_join(s, NULL);

	pthread_t t[NTHREADS];
	for (int i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, locker, NULL);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	CHECK(counter == NTHREADS * ROUNDS, "counter %ld", counter);
	CHECK(atomic_load(&ql) == 0, "free");
	CHECK_DONE();
}
