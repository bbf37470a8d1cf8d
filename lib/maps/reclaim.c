/* Reclamation over liburcu's memb flavour.  See reclaim.h. */
#include "maps/reclaim.h"
#include "measure/timer.h"

/* ThreadSanitizer cannot see the happens-before a grace period creates
 * (membarrier and liburcu's own atomics are invisible to it).  We tell it:
 * every read-side section's end releases `grace`, every free callback
 * acquires it, so the readers' accesses happen before the free; the
 * retiring thread releases the object, the callback acquires it; and each
 * callback releases `grace` for the barrier that waits for it.  liburcu's
 * inline read-side code is not used under TSan, so its internals stay in
 * the (uninstrumented) library, whose own allocations tests/tsan.supp
 * passes over. */
#if defined(__SANITIZE_THREAD__)
#define MB_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define MB_TSAN 1
#endif
#endif

#ifndef MB_TSAN
#define _LGPL_SOURCE /* inline read-side fast paths from liburcu's headers */
#endif
#include <urcu/urcu-memb.h>

#include <stddef.h>
#include <stdlib.h>
#include <pthread.h>
#include <time.h>

_Static_assert(sizeof(struct rcu_head) <= sizeof(((struct mb_reclaim_head *)0)->rcu_head_storage),
	       "mb_reclaim_head must hold a struct rcu_head");
_Static_assert(offsetof(struct mb_reclaim_head, rcu_head_storage) == 0,
	       "the rcu_head is the first member");

#ifdef MB_TSAN
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
static char grace;
#define TSAN_ACQUIRE(a) __tsan_acquire(a)
#define TSAN_RELEASE(a) __tsan_release(a)
#else
#define TSAN_ACQUIRE(a) ((void)0)
#define TSAN_RELEASE(a) ((void)0)
#endif

static _Thread_local unsigned online_depth;

void mb_reclaim_thread_online(void)
{
	if (online_depth++ == 0)
		urcu_memb_register_thread();
}

void mb_reclaim_thread_offline(void)
{
	if (online_depth > 0 && --online_depth == 0) {
		mb_reclaim_flush();
		urcu_memb_unregister_thread();
	}
}

bool mb_reclaim_thread_is_online(void)
{
	return online_depth > 0;
}

void mb_reclaim_read_lock(void)
{
	urcu_memb_read_lock();
}

void mb_reclaim_read_unlock(void)
{
	TSAN_RELEASE(&grace);
	urcu_memb_read_unlock();
}

static void max_into(atomic_uint_fast64_t *m, uint64_t v)
{
	uint64_t cur = atomic_load_explicit(m, memory_order_relaxed);
	while (v > cur && !atomic_compare_exchange_weak_explicit(m, &cur, v, memory_order_relaxed,
								 memory_order_relaxed))
		;
}

/* Frees one object and counts it (relaxed: statistics; the barrier orders
 * them for readers that care). */
static void free_one(struct mb_reclaim_head *h)
{
	struct mb_reclaim_counters *c = h->counters;
	size_t bytes = h->bytes;
	h->free_fn(h);
	atomic_fetch_add_explicit(&c->freed_objects, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&c->freed_bytes, bytes, memory_order_relaxed);
}

static void free_after_grace(struct rcu_head *rh)
{
	struct mb_reclaim_head *h = (struct mb_reclaim_head *)(void *)rh;
	TSAN_ACQUIRE(&grace);
	TSAN_ACQUIRE(h);
	free_one(h);
	TSAN_RELEASE(&grace);
}

static void count_retire(struct mb_reclaim_head *h, void (*free_fn)(struct mb_reclaim_head *),
			 size_t bytes, struct mb_reclaim_counters *counters)
{
	h->free_fn = free_fn;
	h->bytes = bytes;
	h->counters = counters;
	atomic_fetch_add_explicit(&counters->retired_objects, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&counters->retired_bytes, bytes, memory_order_relaxed);
}

void mb_reclaim_retire_now(struct mb_reclaim_head *h, void (*free_fn)(struct mb_reclaim_head *),
			   size_t bytes, struct mb_reclaim_counters *counters)
{
	count_retire(h, free_fn, bytes, counters);
	TSAN_RELEASE(h);
	urcu_memb_call_rcu((struct rcu_head *)(void *)h, free_after_grace);
}

/* A batch: objects linked through the first word of their rcu_head storage,
 * unused while they wait (they are never queued one by one). */
struct batch {
	struct rcu_head rh; /* first */
	struct mb_reclaim_head *first;
	uint64_t queued_ns;
	struct mb_reclaim_counters *counters; /* where the batch itself is counted */
};

static _Thread_local struct {
	struct mb_reclaim_head *first;
	size_t n;
} waiting;

/* The observer: set by any thread, called on the call_rcu thread, both
 * under observer_mu so that unsetting waits for a call in progress. */
static pthread_mutex_t observer_mu = PTHREAD_MUTEX_INITIALIZER;
static mb_reclaim_observer_fn observer;
static void *observer_arg;

void mb_reclaim_observe(mb_reclaim_observer_fn fn, void *arg)
{
	pthread_mutex_lock(&observer_mu);
	observer = fn;
	observer_arg = arg;
	pthread_mutex_unlock(&observer_mu);
}

static void free_batch(struct rcu_head *rh)
{
	struct batch *b = (struct batch *)(void *)rh;
	TSAN_ACQUIRE(&grace);
	TSAN_ACQUIRE(b);
	uint64_t t0 = mb_timer_monotonic_ns();
	struct mb_reclaim_counters *c = b->counters;
	struct mb_reclaim_batch_info info = {.queued_ns = b->queued_ns, .start_ns = t0};
	for (struct mb_reclaim_head *h = b->first, *next; h; h = next) {
		next = h->rcu_head_storage[0];
		info.objects++;
		info.bytes += h->bytes;
		free_one(h);
	}
	uint64_t t1 = mb_timer_monotonic_ns();
	info.end_ns = t1;
	pthread_mutex_lock(&observer_mu);
	if (observer)
		observer(observer_arg, &info);
	pthread_mutex_unlock(&observer_mu);
	atomic_fetch_add_explicit(&c->batches, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&c->grace_ns_total, t0 - b->queued_ns, memory_order_relaxed);
	max_into(&c->grace_ns_max, t0 - b->queued_ns);
	max_into(&c->free_ns_max, t1 - t0);
	free(b);
	TSAN_RELEASE(&grace);
}

void mb_reclaim_flush(void)
{
	struct mb_reclaim_head *first = waiting.first;
	if (!first)
		return;
	waiting.first = NULL;
	waiting.n = 0;
	struct batch *b = malloc(sizeof *b);
	if (!b) {
		/* no memory for a batch record: queue the objects one by one */
		for (struct mb_reclaim_head *h = first, *next; h; h = next) {
			next = h->rcu_head_storage[0];
			TSAN_RELEASE(h);
			urcu_memb_call_rcu((struct rcu_head *)(void *)h, free_after_grace);
		}
		return;
	}
	b->first = first;
	b->queued_ns = mb_timer_monotonic_ns();
	b->counters = first->counters;
	TSAN_RELEASE(b);
	urcu_memb_call_rcu(&b->rh, free_batch);
}

void mb_reclaim_retire(struct mb_reclaim_head *h, void (*free_fn)(struct mb_reclaim_head *),
		       size_t bytes, struct mb_reclaim_counters *counters)
{
	count_retire(h, free_fn, bytes, counters);
	h->rcu_head_storage[0] = waiting.first;
	waiting.first = h;
	if (++waiting.n >= MB_RECLAIM_BATCH)
		mb_reclaim_flush();
}

void mb_reclaim_barrier(void)
{
	mb_reclaim_flush();
	urcu_memb_barrier();
	TSAN_ACQUIRE(&grace);
}

uint64_t mb_reclaim_pending_bytes(const struct mb_reclaim_counters *c)
{
	uint64_t freed = atomic_load_explicit(&c->freed_bytes, memory_order_relaxed);
	uint64_t retired = atomic_load_explicit(&c->retired_bytes, memory_order_relaxed);
	return retired > freed ? retired - freed : 0;
}

uint64_t mb_reclaim_pending_objects(const struct mb_reclaim_counters *c)
{
	uint64_t freed = atomic_load_explicit(&c->freed_objects, memory_order_relaxed);
	uint64_t retired = atomic_load_explicit(&c->retired_objects, memory_order_relaxed);
	return retired > freed ? retired - freed : 0;
}

void mb_reclaim_map_thread_online(struct mb_map *m)
{
	(void)m;
	mb_reclaim_thread_online();
}

void mb_reclaim_map_thread_offline(struct mb_map *m)
{
	(void)m;
	mb_reclaim_thread_offline();
}
