/* parkwake: what one park + wake-up of a task costs, in ns, on the real
 * scheduler hook (lib/run/tasksched) and Go mutex (lib/lock/gomutex).
 *
 *   same worker:   task 0 holds the mutex, task 1 parks on it, task 0
 *                  unlocks (readies task 1 at the front of the queue), task 1
 *                  runs again and takes it; minus an uncontended lock+unlock.
 *   cross worker:  two worker threads wake each other's parked task in turn
 *                  (inbox push, futex wake of a sleeping worker, drain):
 *                  the one-way cost of a wake-up between workers.
 * Prints one line per figure: the median of 5 rounds.  Built by make bench. */
#include "lock/gomutex.h"
#include "measure/timer.h"
#include "run/tasksched.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

enum { ROUNDS = 5, N = 200000, PINGS = 20000 };

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v)
{
	qsort(v, ROUNDS, sizeof *v, cmp);
	return v[ROUNDS / 2];
}

static struct mb_tsched sched;

static double same_worker(void)
{
	struct mb_tsq q;
	struct mb_gomutex m;
	mb_tsq_init(&q, &sched, 4);
	mb_tsq_attach(&q);
	mb_gomutex_init(&m, &sched.hook);
	struct mb_task_op op = {0};
	q.cur_op = &op;
	uint64_t t0 = mb_timer_monotonic_ns();
	for (int i = 0; i < N; i++) {
		q.cur = 0;
		mb_gomutex_lock(&m);
		q.cur = 1;
		if (mb_gomutex_lock(&m) != MB_LOCK_PARKED)
			abort();
		struct mb_sudog *sg = mb_tsq_take_last(&q);
		q.parked++;
		mb_gomutex_unlock(&m); /* readies task 1: front of our queue */
		mb_tsq_pop(&q);
		mb_lock_set_resuming(&sg->w);
		if (mb_gomutex_lock(&m) != 0)
			abort();
		mb_lock_set_resuming(NULL);
		mb_tsq_put(&q, sg);
		mb_gomutex_unlock(&m);
	}
	uint64_t t1 = mb_timer_monotonic_ns();
	for (int i = 0; i < N; i++) {
		mb_gomutex_lock(&m);
		mb_gomutex_unlock(&m);
		mb_gomutex_lock(&m);
		mb_gomutex_unlock(&m);
	}
	uint64_t t2 = mb_timer_monotonic_ns();
	mb_tsq_attach(NULL);
	mb_tsq_free(&q);
	return ((double)(t1 - t0) - (double)(t2 - t1)) / N;
}

/* Two workers, one parked task each: each wakes the other's and waits to
 * be woken, PINGS times. */
static struct mb_tsq wq[2];
static struct mb_waiter *rec[2];

static struct mb_waiter *park_one(struct mb_tsq *q)
{
	struct mb_task_op op = {0};
	q->cur = 0;
	q->cur_op = &op;
	struct mb_waiter *w = sched.hook.waiter(sched.hook.arg);
	mb_tsq_take_last(q);
	q->parked++;
	return w;
}

static void wait_woken(struct mb_tsq *q)
{
	while (q->parked) {
		if (!mb_tsq_has_inbox(q))
			mb_tsq_idle(q);
		mb_tsq_drain(q);
	}
	mb_tsq_pop(q);
}

static pthread_barrier_t bar;

static void *pinger(void *arg)
{
	int me = (int)(intptr_t)arg;
	struct mb_tsq *q = &wq[me];
	mb_tsq_attach(q);
	for (int i = 0; i < PINGS; i++) {
		rec[me] = park_one(q);
		pthread_barrier_wait(&bar);
		if (me == 0) {
			sched.hook.ready(sched.hook.arg, rec[1]);
			wait_woken(q);
		} else {
			wait_woken(q);
			sched.hook.ready(sched.hook.arg, rec[0]);
		}
		mb_tsq_put(q, (struct mb_sudog *)rec[me]);
	}
	mb_tsq_attach(NULL);
	return NULL;
}

static double cross_worker(void)
{
	pthread_t t[2];
	pthread_barrier_init(&bar, NULL, 2);
	for (int i = 0; i < 2; i++)
		mb_tsq_init(&wq[i], &sched, 4);
	uint64_t t0 = mb_timer_monotonic_ns();
	for (intptr_t i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, pinger, (void *)i);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	uint64_t t1 = mb_timer_monotonic_ns();
	for (int i = 0; i < 2; i++)
		mb_tsq_free(&wq[i]);
	pthread_barrier_destroy(&bar);
	/* two wake-ups per ping, and a barrier (which the barrier-only
	 * round below subtracts) */
	return (double)(t1 - t0) / (2.0 * PINGS);
}

static void *barrier_only(void *arg)
{
	(void)arg;
	for (int i = 0; i < PINGS; i++)
		pthread_barrier_wait(&bar);
	return NULL;
}

static double barrier_cost(void)
{
	pthread_t t[2];
	pthread_barrier_init(&bar, NULL, 2);
	uint64_t t0 = mb_timer_monotonic_ns();
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, barrier_only, NULL);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	uint64_t t1 = mb_timer_monotonic_ns();
	pthread_barrier_destroy(&bar);
	return (double)(t1 - t0) / (2.0 * PINGS);
}

int main(void)
{
	mb_timer_init();
	mb_tsched_init(&sched, 1); /* no spinning: the holder is never running */
	double same[ROUNDS], cross[ROUNDS];
	for (int r = 0; r < ROUNDS; r++) {
		same[r] = same_worker();
		cross[r] = cross_worker() - barrier_cost();
	}
	printf("park_wake_same_worker_ns %.1f\n", median(same));
	printf("wake_cross_worker_ns %.1f\n", median(cross));
	return 0;
}
