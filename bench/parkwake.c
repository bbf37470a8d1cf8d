/* parkwake: what one park + wake-up of a task costs, in ns, on the real
 * scheduler hook (lib/run/tasksched) and Go mutex (lib/lock/gomutex).
 *
 *   same worker:   task 0 holds the mutex, task 1 parks on it, task 0
 *                  unlocks (readies task 1 into its worker's runnext), task
 *                  1 runs again and takes it; minus an uncontended
 *                  lock+unlock.
 *   idle worker:   worker 0 readies a task while worker 1 sleeps with
 *                  nothing to run: wakep wakes worker 1, which asks worker 0
 *                  for work and gets the task at worker 0's next turn
 *                  boundary (futex wake, steal request, answer): what it
 *                  takes a sleeping worker to get a readied task.
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

static struct mb_task tasks[2];
static struct mb_tsched sched;

static double same_worker(void)
{
	struct mb_gomutex m;
	if (mb_tsched_init(&sched, 1, tasks))
		abort();
	struct mb_tsq *q = &sched.qs[0];
	mb_tsq_attach(q);
	mb_tsq_fill(q, 0, 2);
	/* both out of the queue (the loop drives them by hand), so that every
	 * pick below finds the readied task in runnext */
	mb_tsq_pop(q);
	mb_tsq_pop(q);
	mb_gomutex_init(&m, &sched.hook);
	struct mb_task_op op = {0};
	q->cur_op = &op;
	uint64_t t0 = mb_timer_monotonic_ns();
	for (int i = 0; i < N; i++) {
		q->cur = 0;
		mb_gomutex_lock(&m);
		q->cur = 1;
		if (mb_gomutex_lock(&m) != MB_LOCK_PARKED)
			abort();
		struct mb_sudog *sg = mb_tsq_take_last(q);
		mb_tsq_parked(q);
		mb_gomutex_unlock(&m); /* readies task 1: our runnext */
		if (mb_tsq_pop(q) != 1)
			abort();
		mb_lock_set_resuming(&sg->w);
		if (mb_gomutex_lock(&m) != 0)
			abort();
		mb_lock_set_resuming(NULL);
		tasks[1].wait = NULL;
		mb_tsq_put(q, sg);
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
	mb_tsched_free(&sched);
	return ((double)(t1 - t0) - (double)(t2 - t1)) / N;
}

/* Worker 1 sleeps until it is given a task, reports which, and lets it
 * park (the task goes back to worker 0 as a parked one). */
static atomic_uint taken;

static void *taker(void *arg)
{
	(void)arg;
	struct mb_tsq *q = &sched.qs[1];
	mb_tsq_attach(q);
	while (mb_tsq_find_work(q)) {
		uint32_t i = mb_tsq_pop(q);
		mb_tsq_parked(q);
		atomic_store(&taken, i + 1);
	}
	mb_tsq_attach(NULL);
	return NULL;
}

/* Worker 0 runs task cur; the other task is parked.  Each round: cur's op
 * readies the other (our runnext) while worker 1 sleeps, cur's turn ends,
 * and worker 0 answers worker 1's request at the boundary (cur goes); the
 * readied task runs here next, and the one worker 1 took parks again. */
static double idle_worker(void)
{
	if (mb_tsched_init(&sched, 2, tasks))
		abort();
	struct mb_tsq *q = &sched.qs[0];
	mb_tsq_attach(q);
	mb_tsched_begin(&sched, 2);
	mb_tsq_fill(q, 0, 1);
	uint32_t cur = mb_tsq_pop(q), parked = 1;
	struct mb_task_op op = {0};
	q->cur_op = &op;
	pthread_t t;
	pthread_create(&t, NULL, taker, NULL);
	uint64_t total = 0;
	for (int i = 0; i < PINGS; i++) {
		q->cur = parked;
		struct mb_waiter *w = sched.hook.waiter(sched.hook.arg);
		mb_tsq_take_last(q);
		while (atomic_load(&sched.nsleeping) == 0) /* worker 1 asleep */
			;
		atomic_store(&taken, 0);
		uint64_t t0 = mb_timer_monotonic_ns();
		sched.hook.ready(sched.hook.arg, w);
		mb_tsq_push_back(q, cur);
		unsigned got;
		while (!(got = atomic_load(&taken)))
			if (mb_tsq_has_mail(q))
				mb_tsq_mail(q);
		total += mb_timer_monotonic_ns() - t0;
		if (got - 1 != cur || mb_tsq_pop(q) != parked)
			abort();
		mb_tsq_put(q, tasks[parked].wait);
		tasks[parked].wait = NULL;
		cur = parked;
		parked = got - 1;
	}
	mb_tsq_retired(q); /* both tasks: the phase is over, worker 1 leaves */
	mb_tsq_retired(q);
	pthread_join(t, NULL);
	mb_tsq_attach(NULL);
	mb_tsched_free(&sched);
	return (double)total / PINGS;
}

int main(void)
{
	mb_timer_init();
	double same[ROUNDS], idle[ROUNDS];
	for (int r = 0; r < ROUNDS; r++) {
		same[r] = same_worker();
		idle[r] = idle_worker();
	}
	printf("park_wake_same_worker_ns %.1f\n", median(same));
	printf("wake_idle_worker_ns %.1f\n", median(idle));
	return 0;
}
