/* Reclamation over liburcu's memb flavour.  See reclaim.h. */
#include "maps/reclaim.h"

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
	if (online_depth > 0 && --online_depth == 0)
		urcu_memb_unregister_thread();
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

static void free_after_grace(struct rcu_head *rh)
{
	struct mb_reclaim_head *h = (struct mb_reclaim_head *)(void *)rh;
	TSAN_ACQUIRE(&grace);
	TSAN_ACQUIRE(h);
	struct mb_reclaim_counters *c = h->counters;
	size_t bytes = h->bytes;
	h->free_fn(h);
	/* relaxed: statistics; the barrier orders them for readers that care */
	atomic_fetch_add_explicit(&c->freed_objects, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&c->freed_bytes, bytes, memory_order_relaxed);
	TSAN_RELEASE(&grace);
}

void mb_reclaim_retire(struct mb_reclaim_head *h, void (*free_fn)(struct mb_reclaim_head *),
		       size_t bytes, struct mb_reclaim_counters *counters)
{
	h->free_fn = free_fn;
	h->bytes = bytes;
	h->counters = counters;
	atomic_fetch_add_explicit(&counters->retired_objects, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&counters->retired_bytes, bytes, memory_order_relaxed);
	TSAN_RELEASE(h);
	urcu_memb_call_rcu((struct rcu_head *)(void *)h, free_after_grace);
}

void mb_reclaim_barrier(void)
{
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
