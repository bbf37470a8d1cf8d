/* Task scheduling: the run queue (list order, runnext first, a second
 * ready moving the first to the back as Go's runqput does; the global
 * part: tasks not started, batches, the 61st pick, a full local list's
 * overflow, steals from it first), wait records
 * handed out once per op, tied to their task and recycled through the
 * shared pool, a ready from a thread that runs no task reaching the
 * sleeping worker the task parked on, a steal answered with half of what
 * the victim can spare, a running worker's runnext taken only by a thief
 * that has waited (Go's runqgrab), wakep waking a sleeping worker that then steals,
 * and the end of a phase waking every sleeper (also under TSan). */
#include "check.h"

#include "run/tasksched.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "test_tasksched: a worker was never woken within 60 s\n";
	if (write(2, msg, sizeof msg - 1) < 0) {
	}
	_exit(1);
}

enum { NTASKS = 400 };
static struct mb_task tasks[NTASKS];
static struct mb_tsched s;

static uint32_t drain_all(struct mb_tsq *q, uint32_t *out, uint32_t max)
{
	uint32_t n = 0, i;
	while ((i = mb_tsq_pop(q)) != MB_TASK_NONE && n < max)
		out[n++] = i;
	return n;
}

static void queue_order(void)
{
	struct mb_tsq *q = &s.qs[0];
	mb_tsq_attach(q);
	mb_tsq_fill(q, 4, 3);
	CHECK(atomic_load(&q->nhere) == 3, "three here");
	CHECK(mb_tsq_pop(q) == 4 && mb_tsq_pop(q) == 5, "in order");
	mb_tsq_push_back(q, 4);
	uint32_t got[8];
	uint32_t n = drain_all(q, got, 8);
	CHECK(n == 2 && got[0] == 6 && got[1] == 4, "back of the list: %u %u", got[0], got[1]);
	mb_tsq_attach(NULL);
}

/* Go's run queue shape: tasks not started wait in the global part; a pick
 * with the local list empty takes one and moves up to MB_TSQ_BATCH - 1 more
 * into the list (globrunqget); every 61st pick looks at the global part
 * first; a full local list sends its oldest half and the newcomer there
 * (runqputslow); can_spin looks at the local list only (runqempty). */
static void global_part(void)
{
	struct mb_tsq *q = &s.qs[0];
	mb_tsq_attach(q);
	mb_tsq_fill(q, 0, NTASKS);
	CHECK(q->len == 0 && q->glen == NTASKS && atomic_load(&q->nhere) == NTASKS, "all global");
	CHECK(s.hook.can_spin(s.hook.arg), "tasks in the global part do not stop spinning");
	CHECK(mb_tsq_pop(q) == 0 && q->len == 0, "the first pick looks there first, for one");
	CHECK(mb_tsq_pop(q) == 1 && q->len == MB_TSQ_BATCH - 1 &&
		      q->glen == NTASKS - 1 - MB_TSQ_BATCH,
	      "then a batch: len %u, glen %u", q->len, q->glen);
	CHECK(!s.hook.can_spin(s.hook.arg), "a local list stops spinning");
	uint32_t i = 0;
	for (int k = 3; k <= 61; k++)
		i = mb_tsq_pop(q);
	CHECK(i == 60, "picks 3 to 61 from the list: %u", i);
	i = mb_tsq_pop(q);
	CHECK(i == MB_TSQ_BATCH + 1, "the 62nd pick from the global part: %u", i);
	CHECK(mb_tsq_pop(q) == 61, "then the list again");
	mb_tsq_push_global(q, 7);
	CHECK(q->gtail == 7 && q->glen == NTASKS - 1 - MB_TSQ_BATCH, "a preempted task at the tail");

	mb_tsq_fill(q, 0, 0);
	for (uint32_t k = 0; k < MB_TSQ_LOCAL; k++)
		mb_tsq_push_back(q, k);
	CHECK(q->len == MB_TSQ_LOCAL && q->glen == 0, "a full list");
	mb_tsq_push_back(q, MB_TSQ_LOCAL);
	CHECK(q->len == MB_TSQ_LOCAL / 2 && q->glen == MB_TSQ_LOCAL / 2 + 1 && q->ghead == 0 &&
		      q->gtail == MB_TSQ_LOCAL && q->head == MB_TSQ_LOCAL / 2,
	      "its oldest half and the newcomer overflow: len %u glen %u", q->len, q->glen);
	uint32_t got[NTASKS];
	uint32_t n = drain_all(q, got, NTASKS);
	/* picks 1 and 62 look at the global part first (the fill reset the
	 * ticks); the newcomer comes last */
	bool ordered = n == MB_TSQ_LOCAL + 1 && got[0] == 0 && got[61] == 1 &&
		       got[MB_TSQ_LOCAL] == MB_TSQ_LOCAL;
	for (uint32_t k = 0; ordered && k < 60; k++)
		ordered = got[1 + k] == MB_TSQ_LOCAL / 2 + k;
	CHECK(ordered, "the list, then the global part (%u tasks: %u %u)", n, got[0], got[1]);
	mb_tsq_attach(NULL);
}

/* A thief takes from the global part first (Go's findrunnable looks at the
 * global queue before it steals): half of it, from the front, all in one
 * answer (more than Go's 128 at a time). */
static void steal_global(void)
{
	enum { N = 300, HALF = N / 2 };
	struct mb_tsq *a = &s.qs[0], *b = &s.qs[1];
	mb_tsq_attach(a);
	mb_tsq_fill(a, 100, N);
	mb_tsq_fill(b, 0, 0);
	atomic_store(&a->steal_req, b->index + 1);
	mb_tsq_mail(a);
	CHECK(a->glen == HALF && a->ghead == 100 + HALF && atomic_load(&a->nhere) == HALF &&
		      atomic_load(&b->inbox) != MB_TASK_NONE,
	      "half handed over: glen %u", a->glen);
	mb_tsq_attach(b);
	mb_tsq_mail(b);
	CHECK(b->len == HALF && b->head == 100 && b->tail == 99 + HALF,
	      "the thief has the front half: %u", b->len);
	uint32_t got[NTASKS];
	CHECK(drain_all(b, got, NTASKS) == HALF, "half");
	mb_tsq_attach(a);
	CHECK(drain_all(a, got, NTASKS) == HALF && got[0] == 100 + HALF, "half stays");
	a->stolen = 0; /* the runner resets it per phase */
	mb_tsq_attach(NULL);
}

/* Parks task `task` on queue q's worker as an op would. */
static struct mb_waiter *park(struct mb_tsq *q, uint32_t task)
{
	static struct mb_task_op op = {.kind = 1, .key = 42};
	q->cur = task;
	q->cur_op = &op;
	struct mb_waiter *w = s.hook.waiter(s.hook.arg);
	CHECK(w && s.hook.waiter(s.hook.arg) == w, "one record per op");
	struct mb_sudog *sg = mb_tsq_take_last(q);
	CHECK(&sg->w == w && sg->task == task && sg->op.key == 42, "the op is kept");
	CHECK(tasks[task].wait == sg, "the task knows its record before it can be readied");
	mb_tsq_parked(q);
	return w;
}

static void ready_runnext(void)
{
	struct mb_tsq *q = &s.qs[0];
	mb_tsq_attach(q);
	mb_tsq_fill(q, 0, 2); /* tasks 0 and 1 */
	uint32_t first = mb_tsq_pop(q);
	struct mb_waiter *w7 = park(q, 7), *w8 = park(q, 8);
	CHECK(first == 0, "task 0 runs");
	s.hook.ready(s.hook.arg, w7); /* runs next */
	s.hook.ready(s.hook.arg, w8); /* runs next; 7 goes to the back */
	mb_tsq_push_back(q, 0);       /* task 0's turn ends */
	CHECK(!s.hook.can_spin(s.hook.arg), "no spinning with runnable tasks");
	uint32_t got[8];
	uint32_t n = drain_all(q, got, 8);
	CHECK(n == 4 && got[0] == 8 && got[1] == 7 && got[2] == 0 && got[3] == 1,
	      "runnext, then the list with the displaced one, then the global part: %u %u %u %u",
	      got[0], got[1], got[2], got[3]);
	CHECK(s.hook.can_spin(s.hook.arg), "nothing runnable here, others running: spinning");
	mb_tsq_put(q, (struct mb_sudog *)w7);
	mb_tsq_put(q, (struct mb_sudog *)w8);
	CHECK(park(q, 9) == w8, "the record is recycled");
	mb_tsq_put(q, (struct mb_sudog *)w8);
	tasks[9].wait = tasks[7].wait = tasks[8].wait = NULL;
	mb_tsq_attach(NULL);
}

/* Records come back to another worker than the one that made them: the
 * surplus goes to the shared pool and is used again before any new chunk. */
static void pool(void)
{
	enum { N = 1500 };
	static struct mb_sudog *got[N];
	struct mb_tsq *a = &s.qs[0], *b = &s.qs[1];
	mb_tsq_attach(a);
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < N; i++) {
			park(a, 3);
			got[i] = tasks[3].wait;
		}
		size_t chunks = s.nchunks;
		for (int i = 0; i < N; i++)
			mb_tsq_put(b, got[i]);
		CHECK(b->nfree <= 2 * 256, "a worker keeps at most two chunks' worth: %u", b->nfree);
		if (round > 0)
			CHECK(chunks == s.nchunks && chunks <= 8, "round %d: no new chunk (%zu)", round,
			      chunks);
	}
	tasks[3].wait = NULL;
	mb_tsq_attach(NULL);
}

/* A worker thread that looks for work once and reports what it found. */
struct finder {
	struct mb_tsq *q;
	bool found;
	uint32_t got[NTASKS], n;
};

static void *find(void *arg)
{
	struct finder *f = arg;
	mb_tsq_attach(f->q);
	f->found = mb_tsq_find_work(f->q);
	f->n = drain_all(f->q, f->got, NTASKS);
	mb_tsq_attach(NULL);
	return NULL;
}

static struct mb_waiter *remote;

static void *remote_ready(void *p)
{
	(void)p;
	s.hook.ready(s.hook.arg, remote); /* not a worker: the home's inbox */
	return NULL;
}

static void ready_from_outside(void)
{
	struct mb_tsq *a = &s.qs[0];
	mb_tsched_begin(&s, 1);
	mb_tsq_attach(a);
	mb_tsq_fill(a, 5, 1);
	mb_tsq_pop(a);
	remote = park(a, 5);
	mb_tsq_attach(NULL);
	struct finder f = {.q = a};
	pthread_t t, r;
	pthread_create(&t, NULL, find, &f);
	usleep(20000); /* likely asleep by now; either way it must see it */
	pthread_create(&r, NULL, remote_ready, NULL);
	pthread_join(r, NULL);
	pthread_join(t, NULL);
	CHECK(f.found && f.n == 1 && f.got[0] == 5, "the parked task came back home");
	mb_tsq_put(a, (struct mb_sudog *)remote);
	tasks[5].wait = NULL;
}

/* Worker 0 (this thread) runs turns over its tasks; worker 1 has none and
 * asks for some: it gets half of what worker 0 can spare. */
static atomic_int stop_turns;

static void run_turns(struct mb_tsq *q)
{
	while (!atomic_load(&stop_turns)) {
		if (mb_tsq_has_mail(q))
			mb_tsq_mail(q);
		uint32_t i = mb_tsq_pop(q);
		if (i != MB_TASK_NONE)
			mb_tsq_push_back(q, i);
	}
}

static void *stop_when_found(void *arg)
{
	struct finder *f = arg;
	find(f);
	atomic_store(&stop_turns, 1);
	return NULL;
}

static void steal(void)
{
	struct mb_tsq *a = &s.qs[0], *b = &s.qs[1];
	mb_tsched_begin(&s, 5);
	mb_tsq_attach(a);
	mb_tsq_fill(a, 10, 5);
	uint32_t t10 = mb_tsq_pop(a), t11 = mb_tsq_pop(a); /* the rest to the list */
	mb_tsq_push_back(a, t10);
	mb_tsq_push_back(a, t11); /* all five in the local list */
	mb_tsq_fill(b, 0, 0);
	atomic_store(&stop_turns, 0);
	struct finder f = {.q = b};
	pthread_t t;
	pthread_create(&t, NULL, stop_when_found, &f);
	run_turns(a);
	pthread_join(t, NULL);
	/* 5 runnable, one kept to run next: 4 to spare, half of them go */
	CHECK(f.found && f.n == 2, "two stolen: %u", f.n);
	CHECK(a->len == 3 && atomic_load(&a->nhere) == 3 && a->stolen == 2, "three stay: %u", a->len);
	uint32_t got[NTASKS];
	uint32_t n = drain_all(a, got, NTASKS);
	unsigned seen = 0;
	for (uint32_t i = 0; i < n; i++)
		seen |= 1u << (got[i] - 10);
	for (uint32_t i = 0; i < f.n; i++)
		seen |= 1u << (f.got[i] - 10);
	CHECK(seen == 0x1f, "each task in one queue: %x", seen);
	mb_tsq_attach(NULL);
}

/* Go's runqgrab takes the runnext task of a P that runs a goroutine only
 * after usleep(3): asked at once, worker 0 refuses; asked again with the
 * wait done, it hands the task over. */
static void runnext_grace(void)
{
	struct mb_tsq *a = &s.qs[0], *b = &s.qs[1];
	mb_tsched_begin(&s, 2);
	mb_tsq_attach(a);
	mb_tsq_fill(a, 50, 1);
	mb_tsq_fill(b, 0, 0);
	CHECK(mb_tsq_pop(a) == 50, "task 50 runs");
	struct mb_waiter *w = park(a, 51);
	s.hook.ready(s.hook.arg, w); /* 51 runs next */
	a->running = true;
	atomic_store(&b->runnext_refused, 0);
	atomic_store(&a->steal_req, b->index + 1);
	mb_tsq_mail(a);
	CHECK(a->next == 51 && atomic_load(&b->runnext_refused) == 1 &&
		      atomic_load(&b->inbox) == MB_TASK_NONE && atomic_load(&a->steal_req) == 0,
	      "asked at once: refused, answered");
	atomic_store(&a->steal_req, (b->index + 1) | MB_STEAL_RUNNEXT);
	mb_tsq_mail(a);
	CHECK(a->next == MB_TASK_NONE && atomic_load(&a->nhere) == 0 &&
		      atomic_load(&b->inbox) == 51 && atomic_load(&a->steal_req) == 0,
	      "asked after the wait: handed over (next %u, inbox %u)", a->next,
	      atomic_load(&b->inbox));
	a->running = false;
	mb_tsq_attach(b);
	mb_tsq_mail(b);
	CHECK(mb_tsq_pop(b) == 51 && mb_tsq_pop(b) == MB_TASK_NONE, "the thief runs it");
	mb_tsq_put(b, (struct mb_sudog *)w);
	tasks[51].wait = NULL;
	mb_tsq_attach(NULL);
}

/* Worker 1 sleeps with nothing anywhere; a ready on worker 0 wakes it
 * (wakep) and it steals one of worker 0's two tasks. */
static void *ready_then_turns(void *arg)
{
	struct mb_waiter *w = arg;
	struct mb_tsq *a = &s.qs[0];
	mb_tsq_attach(a);
	while (atomic_load(&s.nsleeping) == 0) /* worker 1 asleep */
		usleep(100);
	uint32_t cur = mb_tsq_pop(a); /* task 20 runs, and its op readies 21 */
	s.hook.ready(s.hook.arg, w);
	mb_tsq_push_back(a, cur);
	run_turns(a);
	mb_tsq_attach(NULL);
	return NULL;
}

static void wakep(void)
{
	struct mb_tsq *a = &s.qs[0], *b = &s.qs[1];
	mb_tsched_begin(&s, 2);
	mb_tsq_attach(a);
	mb_tsq_fill(a, 20, 2);
	uint32_t first = mb_tsq_pop(a);
	mb_tsq_pop(a); /* 21 runs */
	mb_tsq_push_back(a, first);
	struct mb_waiter *w = park(a, 21);
	mb_tsq_fill(b, 0, 0);
	mb_tsq_attach(NULL);
	atomic_store(&stop_turns, 0);
	struct finder f = {.q = b};
	pthread_t t, r;
	pthread_create(&t, NULL, stop_when_found, &f);
	pthread_create(&r, NULL, ready_then_turns, w);
	pthread_join(t, NULL);
	pthread_join(r, NULL);
	/* Which one depends on how many turns worker 0 ran before it read the
	 * request: 20 if at once (21 is its runnext), either one later. */
	CHECK(f.found && f.n == 1 && (f.got[0] == 20 || f.got[0] == 21),
	      "the sleeper was woken and took a task: found %d, %u tasks, first %u", f.found, f.n,
	      f.got[0]);
	CHECK(atomic_load(&s.nspinning) == 0, "nobody counted as looking: %u",
	      atomic_load(&s.nspinning));
	mb_tsq_attach(a);
	uint32_t got[4];
	CHECK(drain_all(a, got, 4) == 1 && got[0] == 41 - f.got[0], "the other one stayed");
	mb_tsq_put(a, (struct mb_sudog *)w);
	tasks[21].wait = NULL;
	mb_tsq_attach(NULL);
}

/* Both workers out of work; the last task retires: both return false. */
static void phase_end(void)
{
	struct mb_tsq *a = &s.qs[0], *b = &s.qs[1], *c = &s.qs[2];
	mb_tsched_begin(&s, 1);
	mb_tsq_fill(a, 0, 0);
	mb_tsq_fill(b, 0, 0);
	mb_tsq_fill(c, 30, 1);
	struct finder fa = {.q = a}, fb = {.q = b};
	pthread_t ta, tb;
	pthread_create(&ta, NULL, find, &fa);
	pthread_create(&tb, NULL, find, &fb);
	usleep(20000);
	mb_tsq_attach(c);
	uint32_t i = mb_tsq_pop(c);
	CHECK(i == 30, "the last task");
	mb_tsq_retired(c);
	mb_tsq_attach(NULL);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	CHECK(!fa.found && !fb.found, "the phase is over for both");
	CHECK(atomic_load(&s.nsleeping) == 0 && atomic_load(&s.nspinning) == 0, "all awake");
}

int main(void)
{
	signal(SIGALRM, on_alarm);
	alarm(60);
	CHECK(mb_tsched_init(&s, 3, tasks) == 0, "init");
	CHECK(s.hook.waiter(s.hook.arg) == NULL, "not attached: no record, the thread blocks");
	queue_order();
	global_part();
	steal_global();
	ready_runnext();
	pool();
	ready_from_outside();
	steal();
	runnext_grace();
	wakep();
	phase_end();
	mb_tsched_free(&s);
	CHECK_DONE();
}
