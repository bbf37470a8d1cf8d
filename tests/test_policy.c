/* Lock policies: the name table, exclusion for every policy and both forms
 * on real threads (also under TSan), and settling: a readied task whose op
 * no longer wants the lock still completes and releases the acquire it was
 * woken for, so the next waiter is not stranded. */
#include "check.h"
#include "fakesched.h"

#include "lock/policy.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>

enum { NTHREADS = 4, ROUNDS = 5000 };
static struct mb_lock lk;
static long a, b;
static atomic_int torn;

static void *worker(void *p)
{
	long id = (long)p;
	for (int i = 0; i < ROUNDS; i++) {
		if (id == 0 || i % 4 == 0) {
			CHECK(mb_lock_write(&lk) == 0, "threads never park");
			a++;
			b++;
			mb_lock_write_unlock(&lk);
		} else {
			mb_lock_read(&lk);
			if (a != b)
				atomic_fetch_add(&torn, 1);
			mb_lock_read_unlock(&lk);
		}
	}
	return NULL;
}

static void names(void)
{
	enum mb_lock_policy p;
	CHECK(strcmp(mb_lock_policy_name(MB_LOCK_GO), "go") == 0, "go");
	CHECK(strcmp(mb_lock_policy_name(MB_LOCK_SPIN), "spin") == 0, "spin");
	CHECK(strcmp(mb_lock_policy_name(MB_LOCK_NPOLICIES), "unknown") == 0, "out of range");
	CHECK(mb_lock_policy_parse("pthread", &p) == 0 && p == MB_LOCK_PTHREAD, "parse");
	CHECK(mb_lock_policy_parse("futex", &p) == -EINVAL, "unknown name");
	for (int i = 0; i < MB_LOCK_NPOLICIES; i++)
		CHECK(mb_lock_policies[i].summary && mb_lock_policies[i].summary[0], "summary %d", i);
}

static void exclusion(void)
{
	for (int pol = 0; pol < MB_LOCK_NPOLICIES; pol++)
		for (int rw = 0; rw < 2; rw++) {
			CHECK(mb_lock_init(&lk, (enum mb_lock_policy)pol, rw, NULL) == 0, "init");
			a = b = 0;
			pthread_t t[NTHREADS];
			for (long i = 0; i < NTHREADS; i++)
				pthread_create(&t[i], NULL, worker, (void *)i);
			for (int i = 0; i < NTHREADS; i++)
				pthread_join(t[i], NULL);
			CHECK(a == b && a > 0 && atomic_load(&torn) == 0, "%s rw %d: %ld %ld",
			      mb_lock_policy_name((enum mb_lock_policy)pol), rw, a, b);
			mb_lock_destroy(&lk);
		}
}

static struct fake_sched fs;

static int wr(void *p)
{
	return mb_lock_write(p);
}

static int rd(void *p)
{
	return mb_lock_read(p);
}

static void settle(void)
{
	fake_init(&fs);
	mb_lock_init(&lk, MB_LOCK_GO, false, &fs.hook);
	CHECK(fake_call(&fs, 1, wr, &lk) == 0, "1 holds");
	CHECK(fake_call(&fs, 2, wr, &lk) == MB_LOCK_PARKED, "2 parks");
	CHECK(fake_call(&fs, 3, wr, &lk) == MB_LOCK_PARKED, "3 parks");
	mb_lock_write_unlock(&lk);
	CHECK(fs.order[0] == 2, "2 readied");
	/* 2's op ends without the lock: settling takes and releases it,
	 * which wakes 3 */
	CHECK(mb_lock_settle(&fs.t[2].w) == 0 && fs.t[2].w.lock == NULL, "2 settled");
	CHECK(fs.norder == 2 && fs.order[1] == 3, "3 readied by the settle");
	CHECK(fake_call(&fs, 3, wr, &lk) == 0, "3 takes it");
	mb_lock_write_unlock(&lk);
	CHECK(atomic_load(&lk.u.go.state) == 0, "free");

	fake_init(&fs);
	mb_lock_init(&lk, MB_LOCK_GO, true, &fs.hook);
	CHECK(fake_call(&fs, 1, wr, &lk) == 0, "writer holds");
	CHECK(fake_call(&fs, 2, rd, &lk) == MB_LOCK_PARKED, "reader parks");
	mb_lock_write_unlock(&lk);
	CHECK(fs.order[0] == 2, "reader readied, holding the read side");
	CHECK(mb_lock_settle(&fs.t[2].w) == 0, "settled");
	CHECK(atomic_load(&lk.u.gorw.reader_count) == 0, "read side released");
	CHECK(fake_call(&fs, 1, wr, &lk) == 0, "a writer gets in");
	mb_lock_write_unlock(&lk);
}

int main(void)
{
	names();
	exclusion();
	settle();
	CHECK_DONE();
}
