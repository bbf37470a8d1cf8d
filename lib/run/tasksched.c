/* Run queues, wake-ups and wait records for parking tasks.  See tasksched.h. */
#include "run/tasksched.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Records come in chunks: a park then costs a pointer pop, as Go's per-P
 * sudog cache does. */
#define SUDOG_CHUNK 256

static _Thread_local struct mb_tsq *tl_q;

static struct mb_waiter *hook_waiter(void *arg)
{
	(void)arg;
	struct mb_tsq *q = tl_q;
	if (!q)
		return NULL; /* not a worker: block */
	if (q->last)
		return &q->last->w;
	struct mb_sudog *sg = q->free;
	if (!sg) {
		struct mb_sudog **chunks = realloc(q->chunks, (q->nchunks + 1) * sizeof *chunks);
		if (!chunks)
			return NULL; /* out of memory: block this worker instead */
		q->chunks = chunks;
		struct mb_sudog *c = calloc(SUDOG_CHUNK, sizeof *c);
		if (!c)
			return NULL;
		q->chunks[q->nchunks++] = c;
		for (size_t i = 0; i < SUDOG_CHUNK; i++) {
			c[i].link = q->free;
			q->free = &c[i];
		}
		sg = q->free;
	}
	q->free = sg->link;
	memset(sg, 0, sizeof *sg);
	sg->w.sched = &q->s->hook;
	sg->home = q;
	sg->task = q->cur;
	sg->op = *q->cur_op;
	q->last = sg;
	return &sg->w;
}

static void hook_ready(void *arg, struct mb_waiter *w)
{
	(void)arg;
	struct mb_sudog *sg = (struct mb_sudog *)w;
	struct mb_tsq *home = sg->home;
	if (home == tl_q) { /* our own task: it runs next */
		home->parked--;
		mb_tsq_push_front(home, sg->task);
		return;
	}
	struct mb_sudog *head = atomic_load_explicit(&home->inbox, memory_order_relaxed);
	do
		sg->link = head;
	while (!atomic_compare_exchange_weak_explicit(&home->inbox, &head, sg,
						      memory_order_seq_cst, memory_order_relaxed));
	/* Seen after our push by a worker about to sleep, or we see it asleep. */
	if (atomic_exchange(&home->sleeping, 0))
		mb_futex_wake(&home->sleeping, 1);
}

/* Go's canSpin, scheduler side: nothing else runnable here, and some other
 * worker running. */
static bool hook_can_spin(void *arg)
{
	struct mb_tsched *s = arg;
	struct mb_tsq *q = tl_q;
	if (!q)
		return true;
	if (q->len || mb_tsq_has_inbox(q))
		return false;
	return s->nworkers > atomic_load_explicit(&s->idle, memory_order_relaxed) + 1;
}

void mb_tsched_init(struct mb_tsched *s, unsigned nworkers)
{
	s->hook = (struct mb_sched){
		.waiter = hook_waiter, .ready = hook_ready, .can_spin = hook_can_spin, .arg = s,
	};
	atomic_init(&s->idle, 0);
	s->nworkers = nworkers;
}

int mb_tsq_init(struct mb_tsq *q, struct mb_tsched *s, uint32_t cap)
{
	memset(q, 0, sizeof *q);
	q->s = s;
	q->cap = cap;
	atomic_init(&q->inbox, NULL);
	atomic_init(&q->sleeping, 0);
	if (cap && !(q->ring = malloc((size_t)cap * sizeof *q->ring)))
		return -ENOMEM;
	return 0;
}

void mb_tsq_free(struct mb_tsq *q)
{
	for (size_t i = 0; i < q->nchunks; i++)
		free(q->chunks[i]);
	free(q->chunks);
	free(q->ring);
	q->chunks = NULL;
	q->ring = NULL;
	q->nchunks = 0;
}

void mb_tsq_attach(struct mb_tsq *q)
{
	tl_q = q;
}

void mb_tsq_fill(struct mb_tsq *q, uint32_t n)
{
	q->head = 0;
	q->len = n;
	for (uint32_t i = 0; i < n; i++)
		q->ring[i] = i;
}

uint32_t mb_tsq_drain(struct mb_tsq *q)
{
	struct mb_sudog *sg = atomic_exchange_explicit(&q->inbox, NULL, memory_order_acquire);
	/* The inbox is a stack (newest first): pushing each to the front
	 * leaves the oldest in front. */
	uint32_t n = 0;
	for (; sg; sg = sg->link, n++)
		mb_tsq_push_front(q, sg->task);
	q->parked -= n;
	return n;
}

void mb_tsq_idle(struct mb_tsq *q)
{
	atomic_fetch_add(&q->s->idle, 1);
	while (!mb_tsq_has_inbox(q)) {
		atomic_store(&q->sleeping, 1);
		if (mb_tsq_has_inbox(q)) {
			atomic_store(&q->sleeping, 0);
			break;
		}
		mb_futex_wait(&q->sleeping, 1);
	}
	atomic_fetch_sub(&q->s->idle, 1);
}

void mb_tsq_retire(struct mb_tsq *q)
{
	atomic_fetch_add(&q->s->idle, 1);
}

void mb_tsq_put(struct mb_tsq *q, struct mb_sudog *sg)
{
	sg->link = q->free;
	q->free = sg;
}
