/* Task scheduling: the run queue (back, front, wrap-around), wait records
 * handed out once per op and recycled, a task readied by its own worker
 * running next, tasks readied by another thread arriving in ready order,
 * and a sleeping worker woken by such a ready (also under TSan). */
#include "check.h"

#include "run/tasksched.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "test_tasksched: an idle worker was never woken within 60 s\n";
	if (write(2, msg, sizeof msg - 1) < 0) {
	}
	_exit(1);
}

static struct mb_tsched s;
static struct mb_tsq q;

static void ring(void)
{
	mb_tsq_fill(&q, 4);
	CHECK(mb_tsq_pop(&q) == 0 && mb_tsq_pop(&q) == 1, "in order");
	mb_tsq_push_back(&q, 0);
	mb_tsq_push_front(&q, 1);
	uint32_t got[4];
	for (int i = 0; i < 4; i++)
		got[i] = mb_tsq_pop(&q);
	CHECK(got[0] == 1 && got[1] == 2 && got[2] == 3 && got[3] == 0, "%u %u %u %u", got[0],
	      got[1], got[2], got[3]);
	CHECK(q.len == 0, "empty");
}

static struct mb_waiter *park(uint32_t task)
{
	struct mb_task_op op = {.kind = 1, .key = 42};
	q.cur = task;
	q.cur_op = &op;
	struct mb_waiter *w = s.hook.waiter(s.hook.arg);
	CHECK(w && s.hook.waiter(s.hook.arg) == w, "one record per op");
	struct mb_sudog *sg = mb_tsq_take_last(&q);
	CHECK(&sg->w == w && sg->task == task && sg->op.key == 42, "the op is kept");
	q.parked++;
	return w;
}

static struct mb_waiter *remote[3];

static void *remote_ready(void *p)
{
	(void)p;
	for (int i = 0; i < 3; i++)
		s.hook.ready(s.hook.arg, remote[i]);
	return NULL;
}

static void ready(void)
{
	mb_tsq_fill(&q, 0);
	struct mb_waiter *w = park(7);
	s.hook.ready(s.hook.arg, w); /* on our own worker: runs next */
	CHECK(q.len == 1 && q.ring[q.head] == 7 && q.parked == 0, "runnext");
	mb_tsq_pop(&q);
	mb_tsq_put(&q, (struct mb_sudog *)w);
	CHECK(park(8) == w, "the record is recycled");
	mb_tsq_put(&q, (struct mb_sudog *)w);
	q.parked = 0;

	for (int i = 0; i < 3; i++)
		remote[i] = park((uint32_t)(10 + i));
	pthread_t t;
	pthread_create(&t, NULL, remote_ready, NULL);
	while (q.parked) { /* sleep until readied, as a worker does */
		if (!mb_tsq_has_inbox(&q))
			mb_tsq_idle(&q);
		mb_tsq_drain(&q);
	}
	pthread_join(t, NULL);
	CHECK(q.len == 3, "three readied: %u", q.len);
	/* All three, each once.  Their order depends on how the wake-ups fell
	 * into drains: one drain keeps ready order, but a later drain's tasks go
	 * in front of an earlier one's (readied tasks run next), so the order is
	 * not checked here. */
	unsigned seen = 0;
	for (uint32_t i = 0; i < 3; i++) {
		uint32_t t = mb_tsq_pop(&q);
		CHECK(t >= 10 && t <= 12 && !(seen & (1u << (t - 10))), "task %u once", t);
		if (t >= 10 && t <= 12)
			seen |= 1u << (t - 10);
	}
	for (int i = 0; i < 3; i++)
		mb_tsq_put(&q, (struct mb_sudog *)remote[i]);
}

int main(void)
{
	signal(SIGALRM, on_alarm);
	alarm(60);
	mb_tsched_init(&s, 2);
	CHECK(mb_tsq_init(&q, &s, 16) == 0, "init");
	CHECK(s.hook.waiter(s.hook.arg) == NULL, "not attached: no record, the thread blocks");
	mb_tsq_attach(&q);
	ring();
	ready();
	CHECK(!s.hook.can_spin(s.hook.arg) || q.len == 0, "no spinning with runnable tasks");
	mb_tsq_attach(NULL);
	mb_tsq_free(&q);
	CHECK_DONE();
}
