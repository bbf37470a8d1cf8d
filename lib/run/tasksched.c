/* Run queues, wake-ups, work stealing and wait records for parking tasks.
 * See tasksched.h; Go 1.19 runtime/proc.go (ready, runqput, wakep,
 * findrunnable, runqsteal) for the rules followed here. */
#include "run/tasksched.h"

#include "lock/futex.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Records come in chunks: a park then costs a pointer pop, as Go's per-P
 * sudog cache does.  A worker keeps at most two chunks' worth; the rest go
 * to the shared pool (Go's sched.sudogcache), since records made by the
 * worker where a task parked come back to the one where its op ended. */
#define SUDOG_CHUNK 256

/* How long a thief polls for an answer before it sleeps: about the time a
 * victim takes to finish one op. */
#define ANSWER_POLLS 64

/* How long a worker out of work watches for some before it sleeps: a few
 * tens of microseconds of PAUSEs. */
#define SPIN_POLLS 1000

/* Go's runqgrab sleeps usleep(3) before it takes the runnext task of a P
 * that runs a goroutine: that P is likely to schedule it soon (a woken
 * waiter is readied into its waker's runnext, and wakep has an idle P look
 * for work at once).  On Linux the sleep lasts 3 us plus the thread's timer
 * slack (50 us by default), so Go's thief waits tens of microseconds while
 * the victim goes on; a nanosleep of the same length keeps that. */
#define RUNNEXT_GRACE_NS 3000

static _Thread_local struct mb_tsq *tl_q;

/* Wakes w if it sleeps (a condition it waits for has just changed). */
static void wake(struct mb_tsq *w)
{
	unsigned one = 1;
	if (atomic_compare_exchange_strong(&w->sleeping, &one, 0))
		mb_futex_wake(&w->sleeping, 1);
}

/* The worker's records ran out: a chunk's worth from the shared pool, or
 * a new chunk.  Returns the first, or NULL when memory ran out. */
static struct mb_sudog *pool_refill(struct mb_tsq *q)
{
	struct mb_tsched *s = q->s;
	mb_qlock_lock(&s->pool_lock);
	while (s->spare && q->nfree < SUDOG_CHUNK) {
		struct mb_sudog *sg = s->spare;
		s->spare = sg->link;
		sg->link = q->free;
		q->free = sg;
		q->nfree++;
	}
	if (!q->free) {
		struct mb_sudog **chunks = realloc(s->chunks, (s->nchunks + 1) * sizeof *chunks);
		struct mb_sudog *c = chunks ? calloc(SUDOG_CHUNK, sizeof *c) : NULL;
		if (chunks)
			s->chunks = chunks;
		if (c) {
			s->chunks[s->nchunks++] = c;
			for (size_t i = 0; i < SUDOG_CHUNK; i++) {
				c[i].link = q->free;
				q->free = &c[i];
			}
			q->nfree = SUDOG_CHUNK;
		}
	}
	mb_qlock_unlock(&s->pool_lock);
	return q->free;
}

static struct mb_waiter *hook_waiter(void *arg)
{
	struct mb_tsched *s = arg;
	struct mb_tsq *q = tl_q;
	if (!q || q->s != s)
		return NULL; /* not one of our workers: block */
	if (q->last)
		return &q->last->w;
	struct mb_sudog *sg = q->free ? q->free : pool_refill(q);
	if (!sg)
		return NULL; /* out of memory: block this worker instead */
	q->free = sg->link;
	q->nfree--;
	memset(sg, 0, sizeof *sg);
	sg->w.sched = &s->hook;
	sg->home = q;
	sg->task = q->cur;
	sg->op = *q->cur_op;
	/* The task is its record's from now on: once the acquire queues it,
	 * any worker may ready and run it. */
	s->tasks[q->cur].wait = sg;
	q->last = sg;
	return &sg->w;
}

/* Go's wakep: a task became runnable here and some worker sleeps: wake one
 * to look for work, unless one already looks (it takes the task). */
static void wakep(struct mb_tsched *s, const struct mb_tsq *self)
{
	/* The ready wrote our nhere (sequentially consistent) before we read
	 * their counts and sleep words; a worker about to sleep or to stop
	 * looking writes those first, then reads every nhere (sleep_until,
	 * mb_tsq_find_work): one of us sees the other. */
	if (atomic_load(&s->nsleeping) == 0)
		return;
	unsigned zero = 0;
	if (atomic_load(&s->nspinning) != 0 ||
	    !atomic_compare_exchange_strong(&s->nspinning, &zero, 1))
		return;
	for (unsigned k = 1; k < s->nworkers; k++) {
		struct mb_tsq *v = &s->qs[(self->index + k) % s->nworkers];
		unsigned one = 1;
		/* 2: woken to search, and counted in nspinning already */
		if (atomic_compare_exchange_strong(&v->sleeping, &one, 2)) {
			mb_futex_wake(&v->sleeping, 1);
			return;
		}
	}
	atomic_fetch_sub(&s->nspinning, 1);
}

/* Pushes the chain first..last (linked by next) onto q's inbox. */
static void inbox_push(struct mb_tsq *q, uint32_t first, uint32_t last)
{
	struct mb_task *t = q->s->tasks;
	uint32_t head = atomic_load_explicit(&q->inbox, memory_order_relaxed);
	do
		t[last].next = head;
	while (!atomic_compare_exchange_weak_explicit(&q->inbox, &head, first,
						      memory_order_seq_cst, memory_order_relaxed));
	wake(q);
}

static void hook_ready(void *arg, struct mb_waiter *w)
{
	struct mb_tsched *s = arg;
	struct mb_sudog *sg = (struct mb_sudog *)w;
	struct mb_tsq *q = tl_q;
	if (q && q->s == s) { /* Go's ready: the waker's runnext */
		if (q->next != MB_TASK_NONE)
			mb_tsq_push_back(q, q->next);
		q->next = sg->task;
		q->moved += sg->home != q;
		/* Go's semrelease with a hand-off yields the releaser's P to
		 * the waiter (goyield) */
		q->yield |= w->ticket != 0;
		mb_tsq_count(q, 1, memory_order_seq_cst); /* before wakep reads (see there) */
		wakep(s, q);
		return;
	}
	/* Readied by a thread that runs no task: the worker it parked on. */
	inbox_push(sg->home, sg->task, sg->task);
}

/* Go's canSpin, scheduler side: nothing else runnable here (runnext and the
 * local list; the global part does not count, as in Go's runqempty), and
 * some other worker running (not asleep, finished or looking for work). */
static bool hook_can_spin(void *arg)
{
	struct mb_tsched *s = arg;
	struct mb_tsq *q = tl_q;
	if (!q || q->s != s)
		return true;
	if (q->len || q->next != MB_TASK_NONE || mb_tsq_has_mail(q))
		return false;
	return s->nworkers > atomic_load_explicit(&s->nidle, memory_order_relaxed) +
			     atomic_load_explicit(&s->nspinning, memory_order_relaxed) + 1;
}

int mb_tsched_init(struct mb_tsched *s, unsigned nworkers, struct mb_task *tasks)
{
	memset(s, 0, sizeof *s);
	s->hook = (struct mb_sched){
		.waiter = hook_waiter, .ready = hook_ready, .can_spin = hook_can_spin, .arg = s,
	};
	s->tasks = tasks;
	s->nworkers = nworkers;
	s->qs = aligned_alloc(64, nworkers * sizeof *s->qs);
	if (!s->qs)
		return -ENOMEM;
	memset(s->qs, 0, nworkers * sizeof *s->qs);
	for (unsigned i = 0; i < nworkers; i++) {
		struct mb_tsq *q = &s->qs[i];
		q->s = s;
		q->index = i;
		q->next = q->head = q->tail = MB_TASK_NONE;
		q->ghead = q->gtail = MB_TASK_NONE;
		atomic_init(&q->inbox, MB_TASK_NONE);
		atomic_init(&q->steal_req, 0);
		atomic_init(&q->runnext_refused, 0);
		atomic_init(&q->sleeping, 0);
		atomic_init(&q->searching, 0);
		atomic_init(&q->nhere, 0);
	}
	atomic_init(&s->nidle, 0);
	atomic_init(&s->nsleeping, 0);
	atomic_init(&s->nspinning, 0);
	atomic_init(&s->live, 0);
	return 0;
}

void mb_tsched_free(struct mb_tsched *s)
{
	for (size_t i = 0; i < s->nchunks; i++)
		free(s->chunks[i]);
	free(s->chunks);
	free(s->qs);
	s->chunks = NULL;
	s->qs = NULL;
	s->nchunks = 0;
}

void mb_tsched_begin(struct mb_tsched *s, uint64_t live)
{
	atomic_store(&s->live, live);
}

void mb_tsq_attach(struct mb_tsq *q)
{
	tl_q = q;
}

void mb_tsq_fill(struct mb_tsq *q, uint32_t first, uint32_t n)
{
	struct mb_task *t = q->s->tasks;
	q->next = q->head = q->tail = MB_TASK_NONE;
	q->len = 0;
	q->schedtick = 0;
	q->glen = n;
	q->ghead = n ? first : MB_TASK_NONE;
	q->gtail = n ? first + n - 1 : MB_TASK_NONE;
	for (uint32_t i = 0; i < n; i++)
		t[first + i].next = i + 1 < n ? first + i + 1 : MB_TASK_NONE;
	atomic_store_explicit(&q->nhere, n, memory_order_relaxed);
}

void mb_tsq_push_global(struct mb_tsq *q, uint32_t i)
{
	mb_tlist_append(q->s->tasks, &q->ghead, &q->gtail, &q->glen, i, i, 1);
}

void mb_tsq_overflow(struct mb_tsq *q, uint32_t i)
{
	struct mb_task *t = q->s->tasks;
	uint32_t n = q->len / 2, last;
	uint32_t first = mb_tlist_unlink_front(t, &q->head, &q->tail, &q->len, n, &last);
	t[last].next = i; /* the oldest half, then i */
	mb_tlist_append(t, &q->ghead, &q->gtail, &q->glen, first, i, n + 1);
}

uint32_t mb_tsq_pop_global(struct mb_tsq *q, uint32_t batch)
{
	struct mb_task *t = q->s->tasks;
	if (!q->glen)
		return MB_TASK_NONE;
	/* Go takes glen / nprocs + 1 of the queue all Ps share; each worker's
	 * part here is its share already, so up to the whole of it.  A batch
	 * is taken only with the local list empty: the rest fits there. */
	uint32_t n = q->glen < batch ? q->glen : batch, last;
	uint32_t i = mb_tlist_unlink_front(t, &q->ghead, &q->gtail, &q->glen, n, &last);
	if (n > 1)
		mb_tlist_append(t, &q->head, &q->tail, &q->len, t[i].next, last, n - 1);
	return i;
}

/* A thief asked (r = its index + 1, | MB_STEAL_RUNNEXT): half of the
 * global part, as Go's thief takes from the global queue before it steals;
 * without one, half of the local list and runnext, from the front (Go's
 * runqgrab takes the oldest), or the
 * runnext task when the list is empty, as runqgrab takes it (while a task
 * runs here, only by a thief that has waited); the task that has the
 * worker stays (without one, the task that would run next).  Handed to
 * the thief's inbox; either way it hears back. */
static void answer(struct mb_tsq *q, unsigned r)
{
	struct mb_tsq *thief = &q->s->qs[(r & ~MB_STEAL_RUNNEXT) - 1];
	struct mb_task *t = q->s->tasks;
	uint32_t runnable = q->len + (q->next != MB_TASK_NONE);
	uint32_t avail = q->running ? runnable : runnable ? runnable - 1 : 0;
	uint32_t give = avail - avail / 2, first = MB_TASK_NONE, last = MB_TASK_NONE;
	if (q->glen) {
		/* Go's thief takes at most 128 from the shared queue but may
		 * come back for more at once; here each ask waits for our
		 * turn boundary, so half of our part goes in one answer (capped,
		 * 64 workers on 2 cores ran 1.3-2x slower: each thief waited) */
		give = q->glen - q->glen / 2;
		first = mb_tlist_unlink_front(t, &q->ghead, &q->gtail, &q->glen, give, &last);
	} else if (give && !q->len) { /* only runnext, and a task runs */
		if (r & MB_STEAL_RUNNEXT) { /* the thief has waited: it goes */
			first = last = q->next;
			q->next = MB_TASK_NONE;
			give = 1;
		} else { /* not before the thief has waited (RUNNEXT_GRACE_NS) */
			atomic_store(&thief->runnext_refused, 1);
			give = 0;
		}
	} else if (give) {
		if (give > q->len)
			give = q->len;
		first = mb_tlist_unlink_front(t, &q->head, &q->tail, &q->len, give, &last);
	}
	if (give) {
		q->stolen += give;
		mb_tsq_count(q, -(int32_t)give, memory_order_relaxed);
		inbox_push(thief, first, last);
	}
	atomic_store(&q->steal_req, 0);
	wake(thief);
}

void mb_tsq_mail(struct mb_tsq *q)
{
	uint32_t i = atomic_exchange_explicit(&q->inbox, MB_TASK_NONE, memory_order_acquire);
	int32_t n = 0;
	while (i != MB_TASK_NONE) {
		uint32_t after = q->s->tasks[i].next;
		mb_tsq_push_back(q, i);
		i = after;
		n++;
	}
	if (n)
		mb_tsq_count(q, n, memory_order_relaxed);
	unsigned r = atomic_load_explicit(&q->steal_req, memory_order_acquire);
	if (r)
		answer(q, r);
}

void mb_tsq_retired(struct mb_tsq *q)
{
	struct mb_tsched *s = q->s;
	mb_tsq_count(q, -1, memory_order_relaxed);
	if (atomic_fetch_sub(&s->live, 1) == 1) /* the phase is over: tell everyone */
		for (unsigned i = 0; i < s->nworkers; i++)
			wake(&s->qs[i]);
}

static bool phase_over(const struct mb_tsched *s)
{
	return atomic_load(&s->live) == 0;
}

/* Whether v may have a task to spare. */
static bool worth_asking(const struct mb_tsq *v)
{
	return atomic_load(&v->nhere) >= 2 && !atomic_load(&v->searching);
}

/* Whether some other worker may have a task to spare. */
static bool any_worth_asking(const struct mb_tsq *q)
{
	const struct mb_tsched *s = q->s;
	for (unsigned k = 1; k < s->nworkers; k++)
		if (worth_asking(&s->qs[(q->index + k) % s->nworkers]))
			return true;
	return false;
}

/* Sleeps until mail, the end of the phase, a wakep, and either (req set)
 * until *req is no longer mine or (req NULL) until another worker has
 * tasks to spare.  Returns true when woken by wakep (then counted in
 * nspinning). */
static bool sleep_until(struct mb_tsq *q, const atomic_uint *req, unsigned mine)
{
	struct mb_tsched *s = q->s;
	atomic_fetch_add(&s->nsleeping, 1);
	atomic_fetch_add(&s->nidle, 1);
	atomic_store(&q->sleeping, 1);
	while (atomic_load(&q->sleeping) == 1) {
		if (mb_tsq_has_mail(q) || phase_over(s))
			break;
		if (req ? atomic_load(req) != mine : any_worth_asking(q))
			break;
		mb_futex_wait(&q->sleeping, 1);
	}
	unsigned how = atomic_exchange(&q->sleeping, 0);
	atomic_fetch_sub(&s->nidle, 1);
	atomic_fetch_sub(&s->nsleeping, 1);
	return how == 2;
}

static bool has_work(const struct mb_tsq *q)
{
	return q->len || q->glen || q->next != MB_TASK_NONE;
}

/* Asks v for tasks (flags: MB_STEAL_RUNNEXT or 0) and waits for its
 * answer.  Returns true when tasks came (from v or anyone), false when v
 * had none or the phase is over. */
static bool ask(struct mb_tsq *q, struct mb_tsq *v, unsigned flags)
{
	const unsigned mine = (q->index + 1) | flags;
	unsigned zero = 0;
	if (!atomic_compare_exchange_strong(&v->steal_req, &zero, mine))
		return false; /* another thief is asking it */
	/* v may have run dry meanwhile: it then no longer answers by turn
	 * (searching was set before it last read its requests). */
	if (atomic_load(&v->searching)) {
		unsigned m = mine;
		if (atomic_compare_exchange_strong(&v->steal_req, &m, 0))
			return false;
	}
	for (unsigned polls = 0;; polls++) {
		if (atomic_load_explicit(&q->inbox, memory_order_relaxed) != MB_TASK_NONE)
			break;
		if (atomic_load(&v->steal_req) != mine || phase_over(q->s))
			break;
		if (atomic_load_explicit(&q->steal_req, memory_order_relaxed))
			mb_tsq_mail(q); /* a thief asks us: we have nothing */
		else if (polls < ANSWER_POLLS)
			mb_cpu_relax();
		else if (sleep_until(q, &v->steal_req, mine))
			atomic_fetch_sub(&q->s->nspinning, 1); /* we were counted already */
	}
	mb_tsq_mail(q);
	return has_work(q);
}

bool mb_tsq_find_work(struct mb_tsq *q)
{
	struct mb_tsched *s = q->s;
	bool spinning = false;
	atomic_store(&q->searching, 1);
	for (;;) {
		if (mb_tsq_has_mail(q))
			mb_tsq_mail(q);
		if (has_work(q))
			break;
		if (phase_over(s))
			break;
		if (!spinning) {
			atomic_fetch_add(&s->nspinning, 1);
			spinning = true;
		}
		bool got = false;
		for (unsigned k = 1; k < s->nworkers && !got; k++) {
			struct mb_tsq *v = &s->qs[(q->index + k) % s->nworkers];
			if (!worth_asking(v))
				continue;
			atomic_store_explicit(&q->runnext_refused, 0, memory_order_relaxed);
			got = ask(q, v, 0);
			if (!got && atomic_load(&q->runnext_refused)) {
				struct timespec grace = {0, RUNNEXT_GRACE_NS};
				nanosleep(&grace, NULL);
				got = ask(q, v, MB_STEAL_RUNNEXT);
			}
		}
		if (got)
			break;
		/* Nobody had work: watch for some a while, as Go's spinning M
		 * does (a sleep and a futex wake cost both workers microseconds),
		 * then stop looking, look once more (a ready may have skipped its
		 * wakep while we looked), and sleep. */
		bool seen = false;
		for (unsigned n = 0; n < SPIN_POLLS && !seen; n++) {
			mb_cpu_relax();
			seen = mb_tsq_has_mail(q) || phase_over(s) || any_worth_asking(q);
		}
		if (seen)
			continue;
		atomic_fetch_sub(&s->nspinning, 1);
		spinning = false;
		if (!any_worth_asking(q))
			spinning = sleep_until(q, NULL, 0);
	}
	if (spinning)
		atomic_fetch_sub(&s->nspinning, 1);
	atomic_store(&q->searching, 0);
	return has_work(q);
}

void mb_tsq_retire(struct mb_tsq *q)
{
	atomic_fetch_add(&q->s->nidle, 1);
}

void mb_tsq_put(struct mb_tsq *q, struct mb_sudog *sg)
{
	sg->link = q->free;
	q->free = sg;
	if (++q->nfree <= 2 * SUDOG_CHUNK)
		return;
	/* Too many here: one chunk's worth to the shared pool. */
	struct mb_sudog *last = q->free;
	for (unsigned n = 1; n < SUDOG_CHUNK; n++)
		last = last->link;
	struct mb_tsched *s = q->s;
	struct mb_sudog *first = q->free;
	q->free = last->link;
	q->nfree -= SUDOG_CHUNK;
	mb_qlock_lock(&s->pool_lock);
	last->link = s->spare;
	s->spare = first;
	mb_qlock_unlock(&s->pool_lock);
}
