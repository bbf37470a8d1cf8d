/* Fuzz target: lock, unlock, park, resume and settle orders on one Go
 * mutex or RWMutex, driven by the input.  Six tasks run "by hand" on a fake
 * scheduler (tests/fakesched.h).  After every step: at most one writer,
 * never a writer with readers.  At the end every holder releases and every
 * readied task runs until nothing changes: then no task may still be parked
 * (a lost wake-up) and the lock must be back to its zero state.
 * Input: byte 0 picks mutex (bit 0 clear) or RWMutex; then one byte per
 * step: task = byte % 6, bit 3 read or write side, bit 4 settle instead of
 * resuming when readied. */
#include "fuzz.h"
#include "../fakesched.h"

#include "lock/policy.h"

enum { NTASKS = 6 };
enum state { IDLE, HOLD_R, HOLD_W, PARKED };

static struct fake_sched fs;
static struct mb_lock lk;
static enum state st[NTASKS];
static bool want_write[NTASKS], settling[NTASKS];

static int rd(void *p)
{
	return mb_lock_read(p);
}

static int wr(void *p)
{
	return mb_lock_write(p);
}

static void check_exclusion(void)
{
	int readers = 0, writers = 0;
	for (int i = 0; i < NTASKS; i++) {
		readers += st[i] == HOLD_R;
		writers += st[i] == HOLD_W;
	}
	FUZZ_CHECK(writers <= 1);
	FUZZ_CHECK(!writers || !readers);
	if (!lk.rw)
		FUZZ_CHECK(readers + writers <= 1);
}

static void acquire(int t, bool resume)
{
	(void)resume;
	int rc = fake_call(&fs, t, want_write[t] ? wr : rd, &lk);
	st[t] = rc == 0 ? (want_write[t] || !lk.rw ? HOLD_W : HOLD_R) : PARKED;
}

static void release(int t)
{
	if (st[t] == HOLD_W)
		mb_lock_write_unlock(&lk);
	else
		mb_lock_read_unlock(&lk);
	st[t] = IDLE;
}

/* A readied task: it settles (op ended without the lock) or resumes. */
static void run_readied(int t, bool settle)
{
	if (settle || settling[t]) {
		fs.t[t].readied = false;
		mb_lock_set_resuming(NULL);
		int rc = mb_lock_settle(&fs.t[t].w);
		settling[t] = rc == MB_LOCK_PARKED;
		st[t] = settling[t] ? PARKED : IDLE;
		return;
	}
	acquire(t, true);
}

static void step(uint8_t b)
{
	int t = b % NTASKS;
	switch (st[t]) {
	case IDLE:
		want_write[t] = (b >> 3) & 1;
		acquire(t, false);
		break;
	case HOLD_R:
	case HOLD_W:
		release(t);
		break;
	case PARKED:
		if (fs.t[t].readied)
			run_readied(t, (b >> 4) & 1);
		break;
	}
	check_exclusion();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	fake_init(&fs);
	mb_lock_init(&lk, MB_LOCK_GO, data[0] & 1, &fs.hook);
	for (int i = 0; i < NTASKS; i++) {
		st[i] = IDLE;
		settling[i] = false;
	}
	for (size_t i = 1; i < size; i++)
		step(data[i]);
	for (bool changed = true; changed;) {
		changed = false;
		for (int t = 0; t < NTASKS; t++) {
			if (st[t] == HOLD_R || st[t] == HOLD_W) {
				release(t);
				changed = true;
			} else if (st[t] == PARKED && fs.t[t].readied) {
				run_readied(t, false);
				changed = true;
			}
			check_exclusion();
		}
	}
	for (int t = 0; t < NTASKS; t++)
		FUZZ_CHECK(st[t] == IDLE); /* else a wake-up was lost */
	if (lk.rw)
		FUZZ_CHECK(atomic_load(&lk.u.gorw.reader_count) == 0 &&
			   atomic_load(&lk.u.gorw.reader_wait) == 0 &&
			   atomic_load(&lk.u.gorw.w.state) == 0);
	else
		FUZZ_CHECK(atomic_load(&lk.u.go.state) == 0);
	return 0;
}
