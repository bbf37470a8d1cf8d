/* Reclamation: retired objects are freed after a grace period, never while
 * a reader that could see them is still inside its read section. */
#include "check.h"

#include "maps/reclaim.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

struct obj {
	struct mb_reclaim_head head;
	atomic_bool *freed;
};

static void free_obj(struct mb_reclaim_head *h)
{
	struct obj *o = (struct obj *)h;
	atomic_store(o->freed, true);
	free(o);
}

static struct mb_reclaim_counters counters;
static atomic_bool reader_inside, reader_may_leave;

static void *reader(void *arg)
{
	(void)arg;
	mb_reclaim_thread_online();
	mb_reclaim_read_lock();
	atomic_store(&reader_inside, true);
	while (!atomic_load(&reader_may_leave)) {
		struct timespec ts = {0, 1000000};
		nanosleep(&ts, NULL);
	}
	mb_reclaim_read_unlock();
	mb_reclaim_thread_offline();
	return NULL;
}

/* What the observer saw (written on the call_rcu thread, read after a
 * barrier and after unsetting it). */
static struct {
	unsigned calls, bad_order;
	uint64_t objects, bytes;
} seen;

static void observer(void *arg, const struct mb_reclaim_batch_info *b)
{
	(void)arg;
	seen.calls++;
	seen.objects += b->objects;
	seen.bytes += b->bytes;
	if (!(b->queued_ns <= b->start_ns && b->start_ns <= b->end_ns))
		seen.bad_order++;
}

int main(void)
{
	mb_reclaim_thread_online();
	mb_reclaim_observe(observer, NULL);

	/* Retire many, then barrier: all freed, counters balanced. */
	atomic_bool flags[1000];
	for (int i = 0; i < 1000; i++) {
		atomic_init(&flags[i], false);
		struct obj *o = malloc(sizeof *o);
		o->freed = &flags[i];
		mb_reclaim_retire(&o->head, free_obj, sizeof *o, &counters);
	}
	mb_reclaim_barrier();
	int freed = 0;
	for (int i = 0; i < 1000; i++)
		freed += atomic_load(&flags[i]);
	CHECK(freed == 1000, "freed %d of 1000 after the barrier", freed);
	CHECK(mb_reclaim_pending_objects(&counters) == 0 && mb_reclaim_pending_bytes(&counters) == 0,
	      "nothing pending");
	CHECK(atomic_load(&counters.freed_bytes) == 1000 * sizeof(struct obj), "freed bytes");
	/* 1000 objects in batches of MB_RECLAIM_BATCH: 15 full ones and the
	 * rest flushed by the barrier */
	CHECK(atomic_load(&counters.batches) == (1000 + MB_RECLAIM_BATCH - 1) / MB_RECLAIM_BATCH,
	      "batches: %llu", (unsigned long long)atomic_load(&counters.batches));
	/* The observer saw each batch once, with what it freed, and stops when
	 * unset. */
	mb_reclaim_observe(NULL, NULL);
	CHECK(seen.calls == atomic_load(&counters.batches) && seen.objects == 1000 &&
	      seen.bytes == 1000 * sizeof(struct obj) && !seen.bad_order,
	      "observer: %u calls, %llu objects, %u out of order", seen.calls,
	      (unsigned long long)seen.objects, seen.bad_order);
	CHECK(atomic_load(&counters.grace_ns_max) > 0 &&
	      atomic_load(&counters.grace_ns_total) >= atomic_load(&counters.grace_ns_max),
	      "grace periods measured");

	/* retire_now: queued at once, outside any batch */
	atomic_bool now_freed;
	atomic_init(&now_freed, false);
	struct obj *n = malloc(sizeof *n);
	n->freed = &now_freed;
	uint64_t batches = atomic_load(&counters.batches);
	mb_reclaim_retire_now(&n->head, free_obj, sizeof *n, &counters);
	mb_reclaim_barrier();
	CHECK(atomic_load(&now_freed) && atomic_load(&counters.batches) == batches,
	      "retire_now frees without a batch");
	CHECK(seen.objects == 1000, "no observer call once unset");

	/* A reader inside its section holds off the free. */
	pthread_t t;
	pthread_create(&t, NULL, reader, NULL);
	while (!atomic_load(&reader_inside)) {
		struct timespec ts = {0, 1000000};
		nanosleep(&ts, NULL);
	}
	atomic_bool held;
	atomic_init(&held, false);
	struct obj *o = malloc(sizeof *o);
	o->freed = &held;
	mb_reclaim_retire(&o->head, free_obj, sizeof *o, &counters);
	struct timespec wait = {0, 200000000};
	nanosleep(&wait, NULL);
	CHECK(!atomic_load(&held), "freed while a reader could still see it");
	CHECK(mb_reclaim_pending_objects(&counters) == 1, "one object pending");
	atomic_store(&reader_may_leave, true);
	pthread_join(t, NULL);
	mb_reclaim_barrier();
	CHECK(atomic_load(&held), "freed once the reader left");

	/* Nested online/offline is counted. */
	CHECK(mb_reclaim_thread_is_online(), "online before the nested pair");
	mb_reclaim_thread_online();
	mb_reclaim_thread_offline();
	CHECK(mb_reclaim_thread_is_online(), "still online after the nested pair");
	mb_reclaim_read_lock();
	mb_reclaim_read_unlock();
	mb_reclaim_thread_offline();
	CHECK(!mb_reclaim_thread_is_online(), "offline after the last offline");
	CHECK_DONE();
}
