/* Go's sync.RWMutex in C: reader/writer exclusion between threads (also
 * under TSan); with parking tasks, a pending writer blocks new readers, the
 * readers that queued behind it all enter before the next writer, and a
 * writer waits only for the readers still inside (rwmutex.go). */
#include "check.h"
#include "fakesched.h"

#include "lock/gorwmutex.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "test_gorwmutex: no progress within 60 s (lost wake-up)\n";
	if (write(2, msg, sizeof msg - 1) < 0) {
	}
	_exit(1);
}

enum { READERS = 3, WRITERS = 2, ROUNDS = 10000 };
static struct mb_gorwmutex rw;
static long a, b; /* plain: writers keep a == b; TSan sees any overlap */
static atomic_int bad;

static void *writer(void *p)
{
	(void)p;
	for (int i = 0; i < ROUNDS; i++) {
		mb_gorwmutex_lock(&rw);
		a++;
		b++;
		mb_gorwmutex_unlock(&rw);
	}
	return NULL;
}

static void *reader(void *p)
{
	(void)p;
	for (int i = 0; i < ROUNDS; i++) {
		mb_gorwmutex_rlock(&rw);
		if (a != b)
			atomic_fetch_add(&bad, 1);
		mb_gorwmutex_runlock(&rw);
	}
	return NULL;
}

static void threads(void)
{
	mb_gorwmutex_init(&rw, NULL);
	pthread_t t[READERS + WRITERS];
	for (int i = 0; i < READERS + WRITERS; i++)
		pthread_create(&t[i], NULL, i < WRITERS ? writer : reader, NULL);
	for (int i = 0; i < READERS + WRITERS; i++)
		pthread_join(t[i], NULL);
	CHECK(a == WRITERS * ROUNDS && a == b && atomic_load(&bad) == 0,
	      "a %ld b %ld torn reads %d", a, b, atomic_load(&bad));
	CHECK(atomic_load(&rw.reader_count) == 0 && atomic_load(&rw.w.state) == 0, "idle");
}

static struct fake_sched fs;

static int rlock(void *p)
{
	return mb_gorwmutex_rlock(p);
}

static int wlock(void *p)
{
	return mb_gorwmutex_lock(p);
}

static void writer_preference(void)
{
	fake_init(&fs);
	mb_gorwmutex_init(&rw, &fs.hook);
	CHECK(fake_call(&fs, 1, rlock, &rw) == 0, "reader 1 in");
	/* writer 2 announces itself and waits for reader 1 */
	CHECK(fake_call(&fs, 2, wlock, &rw) == MB_LOCK_PARKED, "writer 2 waits");
	CHECK(fs.t[2].w.phase == MB_WAIT_RW_WRITER, "on writerSem");
	/* a pending writer blocks new readers */
	CHECK(fake_call(&fs, 3, rlock, &rw) == MB_LOCK_PARKED, "reader 3 queues");
	CHECK(fake_call(&fs, 4, rlock, &rw) == MB_LOCK_PARKED, "reader 4 queues");
	/* the next writer waits for the writers' mutex */
	CHECK(fake_call(&fs, 5, wlock, &rw) == MB_LOCK_PARKED, "writer 5 queues");
	CHECK(fs.t[5].w.phase == MB_WAIT_RW_MUTEX, "on the writers' mutex");
	mb_gorwmutex_runlock(&rw); /* the last reader wakes writer 2 */
	CHECK(fs.norder == 1 && fs.order[0] == 2, "writer 2 readied");
	CHECK(fake_call(&fs, 2, wlock, &rw) == 0, "writer 2 in");
	CHECK(fake_call(&fs, 6, rlock, &rw) == MB_LOCK_PARKED, "reader 6 queues too");
	mb_gorwmutex_unlock(&rw);
	/* readers 3, 4, 6 first, then writer 5 */
	CHECK(fs.norder == 5 && fs.order[1] == 3 && fs.order[2] == 4 && fs.order[3] == 6 &&
	      fs.order[4] == 5, "readied %d: 3 4 6 5 expected, got %d %d %d %d", fs.norder,
	      fs.order[1], fs.order[2], fs.order[3], fs.order[4]);
	/* The readers were counted when they came: they hold the read side. */
	CHECK(fake_call(&fs, 5, wlock, &rw) == MB_LOCK_PARKED, "writer 5 waits for them");
	CHECK(fake_call(&fs, 3, rlock, &rw) == 0, "reader 3 in");
	CHECK(fake_call(&fs, 4, rlock, &rw) == 0, "reader 4 in");
	CHECK(fake_call(&fs, 6, rlock, &rw) == 0, "reader 6 in");
	CHECK(atomic_load(&rw.reader_count) == 3 - MB_RW_MAX_READERS, "3 readers, a writer");
	mb_gorwmutex_runlock(&rw);
	mb_gorwmutex_runlock(&rw);
	CHECK(fs.norder == 5, "writer 5 still waits");
	mb_gorwmutex_runlock(&rw);
	CHECK(fs.norder == 6 && fs.order[5] == 5, "the last reader wakes writer 5");
	CHECK(fake_call(&fs, 5, wlock, &rw) == 0, "writer 5 in");
	mb_gorwmutex_unlock(&rw);
	CHECK(atomic_load(&rw.reader_count) == 0 && atomic_load(&rw.w.state) == 0 &&
	      atomic_load(&rw.reader_wait) == 0, "idle");
}

/* A writer with no reader inside never waits on writerSem. */
static void no_readers(void)
{
	fake_init(&fs);
	mb_gorwmutex_init(&rw, &fs.hook);
	CHECK(fake_call(&fs, 1, wlock, &rw) == 0, "writer in at once");
	mb_gorwmutex_unlock(&rw);
	CHECK(fake_call(&fs, 1, rlock, &rw) == 0 && fake_call(&fs, 2, rlock, &rw) == 0,
	      "two readers together");
	mb_gorwmutex_runlock(&rw);
	mb_gorwmutex_runlock(&rw);
	CHECK(fs.norder == 0, "nobody parked");
}

int main(void)
{
	signal(SIGALRM, on_alarm);
	alarm(60);
	threads();
	writer_preference();
	no_readers();
	CHECK_DONE();
}
