/* Go's sync.Mutex in C: mutual exclusion between threads (also under TSan),
 * parking tasks in FIFO order, and starvation mode: a woken waiter that has
 * waited over 1 ms (Go's starvationThresholdNs) switches the mutex to it
 * while it is still locked; ownership is then handed over in queue order;
 * the mode ends when the waiter handed the lock waited under 1 ms or is the
 * last one (mutex.go lockSlow, Go's two rules).  The holder is made slow on
 * purpose (sleeps) so that the waits are really over 1 ms. */
#include "check.h"
#include "fakesched.h"

#include "lock/gomutex.h"
#include "measure/pause.h"

#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "test_gomutex: no progress within 60 s (lost wake-up)\n";
	if (write(2, msg, sizeof msg - 1) < 0) {
	}
	_exit(1);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

enum { NTHREADS = 4, ROUNDS = 20000 };
static struct mb_gomutex mu;
static long counter; /* plain: TSan sees a race if exclusion fails */

static void *incrementer(void *p)
{
	(void)p;
	for (int i = 0; i < ROUNDS; i++) {
		CHECK(mb_gomutex_lock(&mu) == 0, "a thread never parks");
		counter++;
		mb_gomutex_unlock(&mu);
	}
	return NULL;
}

static void threads(void)
{
	mb_gomutex_init(&mu, NULL);
	pthread_t t[NTHREADS];
	for (int i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, incrementer, NULL);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	CHECK(counter == NTHREADS * ROUNDS, "counter %ld", counter);
	CHECK(atomic_load(&mu.state) == 0, "unlocked, no waiters: %d", atomic_load(&mu.state));
}

static struct fake_sched fs;

static int lock(void *p)
{
	return mb_gomutex_lock(p);
}

static int state(void)
{
	return atomic_load(&mu.state);
}

/* Two tasks park behind a holder; unlocks wake them in FIFO order, each
 * with the woken bit set until it runs. */
static void parking(void)
{
	fake_init(&fs);
	mb_gomutex_init(&mu, &fs.hook);
	CHECK(fake_call(&fs, 1, lock, &mu) == 0, "1 takes it");
	CHECK(fake_call(&fs, 2, lock, &mu) == MB_LOCK_PARKED, "2 parks");
	CHECK(fake_call(&fs, 3, lock, &mu) == MB_LOCK_PARKED, "3 parks");
	CHECK(mb_gomutex_waiters(&mu) == 2, "2 waiters");
	mb_gomutex_unlock(&mu);
	CHECK(fs.norder == 1 && fs.order[0] == 2, "2 readied first");
	CHECK(state() == (MB_MUTEX_WOKEN | (1 << MB_MUTEX_WAITER_SHIFT)),
	      "woken set, one waiter left: %d", state());
	CHECK(fake_call(&fs, 2, lock, &mu) == 0, "2 resumes and takes it");
	CHECK(state() == (MB_MUTEX_LOCKED | (1 << MB_MUTEX_WAITER_SHIFT)), "woken cleared");
	mb_gomutex_unlock(&mu);
	CHECK(fs.norder == 2 && fs.order[1] == 3, "then 3");
	CHECK(fake_call(&fs, 3, lock, &mu) == 0, "3 takes it");
	mb_gomutex_unlock(&mu);
	CHECK(state() == 0, "free");
}

/* The trace tap sees starvation mode begin and end. */
static int entered, left;

static void tap(void *arg, const struct mb_pause_event *e)
{
	(void)arg;
	entered += e->kind == MB_PAUSE_STARVE_ENTER;
	left += e->kind == MB_PAUSE_STARVE_LEAVE;
}

static void starvation(void)
{
	struct mb_pause_log log;
	mb_pause_log_init(&log, 0, UINT64_MAX, 0, 0);
	log.tap = tap;
	mb_pause_attach(&log);
	struct mb_lock_stats st;
	mb_lockstat_init(&st, false, 0);
	mb_lockstat_attach(&st);
	fake_init(&fs);
	mb_gomutex_init(&mu, &fs.hook);

	CHECK(fake_call(&fs, 1, lock, &mu) == 0, "1 holds");
	CHECK(fake_call(&fs, 2, lock, &mu) == MB_LOCK_PARKED, "2 parks");
	sleep_ms(3); /* the slow holder: 2 waits > 1 ms */
	mb_gomutex_unlock(&mu); /* wakes 2 (normal mode) */
	CHECK(fs.order[0] == 2, "2 readied");
	/* An arrival takes the lock before 2 runs: Go's normal-mode race. */
	CHECK(fake_call(&fs, 3, lock, &mu) == 0, "3 barges in");
	/* 2 wakes, has waited > 1 ms, finds it locked: starvation mode, and
	 * 2 waits again at the front. */
	CHECK(fake_call(&fs, 2, lock, &mu) == MB_LOCK_PARKED, "2 parks again");
	CHECK(state() & MB_MUTEX_STARVING, "starving: %d", state());
	CHECK(st.starve_enter == 1 && entered == 1, "one entry (%llu, tap %d)",
	      (unsigned long long)st.starve_enter, entered);
	CHECK(fs.t[2].w.lifo, "2 re-queued at the front");
	/* In starvation mode arrivals queue at the tail, even with the lock
	 * free for an instant. */
	CHECK(fake_call(&fs, 4, lock, &mu) == MB_LOCK_PARKED, "4 queues");
	sleep_ms(3); /* 4 will have waited > 1 ms too */
	CHECK(fake_call(&fs, 5, lock, &mu) == MB_LOCK_PARKED, "5 queues");
	mb_gomutex_unlock(&mu); /* 3 leaves: hand-off to the front, 2 */
	CHECK(fs.norder == 2 && fs.order[1] == 2 && fs.t[2].w.ticket == 1,
	      "handed to 2: order %d, ticket %u", fs.order[1], fs.t[2].w.ticket);
	CHECK(!(state() & MB_MUTEX_LOCKED) && (state() & MB_MUTEX_STARVING),
	      "in flight: not locked, still starving: %d", state());
	CHECK(fake_call(&fs, 6, lock, &mu) == MB_LOCK_PARKED, "6 cannot barge in");
	CHECK(fake_call(&fs, 2, lock, &mu) == 0, "2 owns it");
	CHECK(state() & MB_MUTEX_STARVING, "2 waited > 1 ms with others queued: still starving");
	mb_gomutex_unlock(&mu);
	CHECK(fs.order[2] == 4, "then 4 (queue order)");
	CHECK(fake_call(&fs, 4, lock, &mu) == 0, "4 owns it");
	CHECK(state() & MB_MUTEX_STARVING, "4 waited > 1 ms: still starving");
	mb_gomutex_unlock(&mu);
	CHECK(fs.order[3] == 5, "then 5");
	/* Rule 1: 5 waited under 1 ms (well, unless the machine stalls: then
	 * rule 2 ends it with 6, checked below either way). */
	CHECK(fake_call(&fs, 5, lock, &mu) == 0, "5 owns it");
	bool ended_by_5 = !(state() & MB_MUTEX_STARVING);
	mb_gomutex_unlock(&mu);
	CHECK(fake_call(&fs, 6, lock, &mu) == 0, "6 owns it at last");
	CHECK(!(state() & MB_MUTEX_STARVING), "normal mode again");
	mb_gomutex_unlock(&mu);
	CHECK(state() == 0, "free: %d", state());
	CHECK(st.starve_exit == 1 && left == 1, "one exit (%llu)", (unsigned long long)st.starve_exit);
	CHECK(st.handoffs >= 3, "hand-offs %llu", (unsigned long long)st.handoffs);
	(void)ended_by_5;

	/* Rule 2 alone: the last waiter ends it even after a long wait. */
	fake_init(&fs);
	mb_gomutex_init(&mu, &fs.hook);
	CHECK(fake_call(&fs, 1, lock, &mu) == 0, "1 holds");
	CHECK(fake_call(&fs, 2, lock, &mu) == MB_LOCK_PARKED, "2 parks");
	sleep_ms(3);
	mb_gomutex_unlock(&mu);
	CHECK(fake_call(&fs, 3, lock, &mu) == 0, "3 barges in");
	CHECK(fake_call(&fs, 2, lock, &mu) == MB_LOCK_PARKED, "2 starving, parks");
	sleep_ms(3);
	mb_gomutex_unlock(&mu);
	CHECK(fake_call(&fs, 2, lock, &mu) == 0 && !(state() & MB_MUTEX_STARVING),
	      "the last waiter, starving or not, ends starvation mode: %d", state());
	mb_gomutex_unlock(&mu);
	CHECK(st.starve_enter == 2 && st.starve_exit == 2, "2 entries, 2 exits");

	/* A woken waiter that waited under 1 ms never starts it. */
	fake_init(&fs);
	mb_gomutex_init(&mu, &fs.hook);
	CHECK(fake_call(&fs, 1, lock, &mu) == 0, "1 holds");
	CHECK(fake_call(&fs, 2, lock, &mu) == MB_LOCK_PARKED, "2 parks");
	mb_gomutex_unlock(&mu);
	CHECK(fake_call(&fs, 3, lock, &mu) == 0, "3 barges in");
	CHECK(fake_call(&fs, 2, lock, &mu) == MB_LOCK_PARKED && !(state() & MB_MUTEX_STARVING),
	      "2 parks again, normal mode");
	mb_gomutex_unlock(&mu);
	CHECK(fake_call(&fs, 2, lock, &mu) == 0, "2 owns it");
	mb_gomutex_unlock(&mu);
	mb_lockstat_attach(NULL);
	mb_pause_attach(NULL);
	mb_pause_log_free(&log);
}

int main(void)
{
	signal(SIGALRM, on_alarm);
	alarm(60);
	threads();
	parking();
	starvation();
	CHECK_DONE();
}
