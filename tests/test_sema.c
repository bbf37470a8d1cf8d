/* The counting semaphore: releases are kept, queue order (FIFO, front for
 * a re-wait), hand-off, a task that loses its count re-queues, and a release
 * in the window between queueing and sleeping is not lost.  Also under TSan. */
#include "check.h"
#include "fakesched.h"

#include "lock/lockstat.h"
#include "lock/sema.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "test_sema: a waiter never woke within 60 s (lost wake-up)\n";
	if (write(2, msg, sizeof msg - 1) < 0) {
	}
	_exit(1);
}

static void kept_releases(void)
{
	struct mb_sema s = MB_SEMA_INIT;
	mb_sema_release(&s, false);
	mb_sema_release(&s, false);
	/* nobody waited: both are kept, and taken without sleeping */
	CHECK(mb_sema_acquire(&s, false, NULL) == 0, "first");
	CHECK(mb_sema_acquire(&s, false, NULL) == 0, "second");
	CHECK(!mb_sema_try(&s), "count back to 0");
}

/* The release lands after the waiter queued itself and before it sleeps:
 * the hook runs in exactly that window. */
static struct mb_sema *window_sema;
static int window_calls;

static void release_in_window(struct mb_sema *s)
{
	if (s == window_sema && window_calls++ == 0)
		mb_sema_release(s, false);
}

static void release_before_sleep(void)
{
	struct mb_sema s = MB_SEMA_INIT;
	window_sema = &s;
	mb_sema_before_sleep = release_in_window;
	CHECK(mb_sema_acquire(&s, false, NULL) == 0, "woke");
	mb_sema_before_sleep = NULL;
	CHECK(window_calls == 1, "the window was reached once: %d", window_calls);
	CHECK(!mb_sema_try(&s) && s.head == NULL, "count taken, queue empty");
}

static struct fake_sched fs;

static int park_fifo(void *p)
{
	return mb_sema_acquire(p, false, fake_waiter(&fs));
}

static int park_lifo(void *p)
{
	return mb_sema_acquire(p, true, fake_waiter(&fs));
}

static int resume(void *p)
{
	return mb_sema_resume(p, &fs.t[fs.cur].w);
}

static void queue_order(void)
{
	struct mb_sema s = MB_SEMA_INIT;
	fake_init(&fs);
	CHECK(fake_call(&fs, 1, park_fifo, &s) == MB_LOCK_PARKED, "1 parks");
	CHECK(fake_call(&fs, 2, park_fifo, &s) == MB_LOCK_PARKED, "2 parks");
	CHECK(fake_call(&fs, 3, park_lifo, &s) == MB_LOCK_PARKED, "3 parks at the front");
	for (int i = 0; i < 3; i++)
		mb_sema_release(&s, false);
	CHECK(fs.norder == 3 && fs.order[0] == 3 && fs.order[1] == 1 && fs.order[2] == 2,
	      "readied 3, 1, 2: got %d: %d %d %d", fs.norder, fs.order[0], fs.order[1],
	      fs.order[2]);
	for (int id = 1; id <= 3; id++)
		CHECK(mb_sema_resume(&s, &fs.t[id].w) == 0, "%d takes its count", id);
	CHECK(!mb_sema_try(&s), "all taken");
}

static void handoff_and_requeue(void)
{
	struct mb_sema s = MB_SEMA_INIT;
	fake_init(&fs);
	/* hand-off: the release takes the count for the woken task */
	CHECK(fake_call(&fs, 1, park_fifo, &s) == MB_LOCK_PARKED, "parks");
	mb_sema_release(&s, true);
	CHECK(fs.t[1].w.ticket == 1 && !mb_sema_try(&s), "ticket, count already taken");
	CHECK(fake_call(&fs, 1, resume, &s) == 0 && fs.t[1].w.ticket == 0, "resumes owning it");
	/* no hand-off: someone else takes the count first, the task queues
	 * again; one acquire that parked, however often (Go's block event) */
	struct mb_lock_stats st = {0};
	mb_lockstat_attach(&st);
	CHECK(fake_call(&fs, 2, park_fifo, &s) == MB_LOCK_PARKED, "parks");
	mb_sema_release(&s, false);
	CHECK(fs.t[2].readied && mb_sema_try(&s), "readied; another acquirer wins the count");
	CHECK(fake_call(&fs, 2, resume, &s) == MB_LOCK_PARKED && s.head == &fs.t[2].w,
	      "re-queued");
	mb_sema_release(&s, false);
	CHECK(fake_call(&fs, 2, resume, &s) == 0, "then takes the next release");
	mb_lockstat_attach(NULL);
	CHECK(st.blocked == 1, "one blocked acquire: %llu", (unsigned long long)st.blocked);
}

/* Producers and consumers on real threads: every acquire is matched. */
enum { PAIRS = 4, ROUNDS = 20000 };
static struct mb_sema ping;

static void *producer(void *p)
{
	(void)p;
	for (int i = 0; i < ROUNDS; i++)
		mb_sema_release(&ping, false);
	return NULL;
}

static void *consumer(void *p)
{
	(void)p;
	for (int i = 0; i < ROUNDS; i++)
		mb_sema_acquire(&ping, i & 1, NULL);
	return NULL;
}

static void threads(void)
{
	pthread_t t[2 * PAIRS];
	for (int i = 0; i < PAIRS; i++) {
		pthread_create(&t[2 * i], NULL, consumer, NULL);
		pthread_create(&t[2 * i + 1], NULL, producer, NULL);
	}
	for (int i = 0; i < 2 * PAIRS; i++)
		pthread_join(t[i], NULL);
	CHECK(!mb_sema_try(&ping) && atomic_load(&ping.nwait) == 0, "balanced");
}

int main(void)
{
	signal(SIGALRM, on_alarm);
	alarm(60);
	kept_releases();
	release_before_sleep();
	queue_order();
	handoff_and_requeue();
	threads();
	CHECK_DONE();
}
