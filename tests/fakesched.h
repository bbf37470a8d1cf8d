/* fakesched.h: a scheduler for lock tests.  Tasks are numbered wait
 * records driven by hand from one thread: fake_call runs a lock call "as
 * task id" (resuming its pending acquire if it was readied), and ready()
 * only notes the order in which tasks were readied, so a test decides
 * exactly who runs when.  Single-threaded. */
#ifndef MB_TESTS_FAKESCHED_H
#define MB_TESTS_FAKESCHED_H

#include "lock/sema.h"

#include <stdbool.h>
#include <string.h>

#define FAKE_MAX 64

struct fake_task {
	struct mb_waiter w; /* first */
	int id;
	bool parked, readied;
};

struct fake_sched {
	struct mb_sched hook;
	struct fake_task t[FAKE_MAX];
	int cur;
	int order[4096]; /* ids in the order they were readied */
	int norder;
	bool spin;       /* what can_spin answers */
};

static struct mb_waiter *fake_waiter(void *arg)
{
	struct fake_sched *s = arg;
	struct fake_task *t = &s->t[s->cur];
	if (!t->w.lock) { /* nothing pending: a fresh record */
		memset(&t->w, 0, sizeof t->w);
		t->w.sched = &s->hook;
	}
	return &t->w;
}

static void fake_ready(void *arg, struct mb_waiter *w)
{
	struct fake_sched *s = arg;
	struct fake_task *t = (struct fake_task *)w;
	t->parked = false;
	t->readied = true;
	if (s->norder < 4096)
		s->order[s->norder++] = t->id;
}

static bool fake_can_spin(void *arg)
{
	return ((struct fake_sched *)arg)->spin;
}

static void fake_init(struct fake_sched *s)
{
	memset(s, 0, sizeof *s);
	s->hook = (struct mb_sched){fake_waiter, fake_ready, fake_can_spin, s};
	for (int i = 0; i < FAKE_MAX; i++)
		s->t[i].id = i;
}

/* Runs fn(lock) as task id: resuming its pending acquire when it was
 * readied.  Returns fn's result (0 or MB_LOCK_PARKED). */
static int fake_call(struct fake_sched *s, int id, int (*fn)(void *), void *lock)
{
	struct fake_task *t = &s->t[id];
	s->cur = id;
	mb_lock_set_resuming(t->readied && t->w.lock ? &t->w : NULL);
	t->readied = false;
	int rc = fn(lock);
	mb_lock_set_resuming(NULL);
	t->parked = rc == MB_LOCK_PARKED;
	return rc;
}

#endif
