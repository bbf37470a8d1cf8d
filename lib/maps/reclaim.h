/* mb_reclaim: safe memory reclamation for lock-free readers (RCU), the C
 * stand-in for the garbage collector that Go's sync.Map relies on.
 *
 * Built on liburcu's memb flavour: read-side sections cost a thread-local
 * counter update (the membarrier system call moves the fences to the rare
 * grace period), and no quiescent-state announcements are needed from the
 * runner, unlike QSBR.  Objects are freed by liburcu's call_rcu worker
 * thread after a grace period.  mb_reclaim_retire gathers a thread's objects
 * into batches of MB_RECLAIM_BATCH and queues one callback per batch
 * (cheaper, and a batch's grace period and freeing time are measurable);
 * mb_reclaim_retire_now queues at once, and the callbacks of the default
 * call_rcu worker run in the order they were queued, which the sync map
 * relies on (see syncmap.c).
 *
 * Threads: a thread calls mb_reclaim_thread_online before its first read
 * section and mb_reclaim_thread_offline after its last (nesting is counted,
 * so several users may do it).  mb_reclaim_retire may be called inside or
 * outside a read section; mb_reclaim_barrier never inside one.
 * Ownership: a retired object belongs to the reclaimer until its free
 * function runs.  Nothing is printed.
 */
#ifndef MB_MAPS_RECLAIM_H
#define MB_MAPS_RECLAIM_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What one user (e.g. one sync map) has retired and what was freed, and
 * the reclamation batches that freed it. */
struct mb_reclaim_counters {
	atomic_uint_fast64_t retired_objects;
	atomic_uint_fast64_t retired_bytes;
	atomic_uint_fast64_t freed_objects;
	atomic_uint_fast64_t freed_bytes;
	atomic_uint_fast64_t batches;        /* batches freed */
	atomic_uint_fast64_t grace_ns_total; /* queued-to-freed time, summed */
	atomic_uint_fast64_t grace_ns_max;
	atomic_uint_fast64_t free_ns_max;    /* the longest time freeing one batch */
};

/* Embedded in every object that may be retired.  The first member has the
 * size of liburcu's struct rcu_head (checked in reclaim.c), so this header
 * is the only place that needs liburcu's types. */
struct mb_reclaim_head {
	void *rcu_head_storage[2];
	void (*free_fn)(struct mb_reclaim_head *h);
	size_t bytes;
	struct mb_reclaim_counters *counters;
};

void mb_reclaim_thread_online(void);
void mb_reclaim_thread_offline(void);
/* The same, as a design's thread_online / thread_offline (map.h) for the
 * designs that retire through this module (plain, sync, hashtrie). */
struct mb_map;
void mb_reclaim_map_thread_online(struct mb_map *m);
void mb_reclaim_map_thread_offline(struct mb_map *m);
/* Whether the calling thread is online (may retire objects). */
bool mb_reclaim_thread_is_online(void);

/* A read-side critical section: objects reachable when it starts are not
 * freed before it ends. */
void mb_reclaim_read_lock(void);
void mb_reclaim_read_unlock(void);

#define MB_RECLAIM_BATCH 64

/* Frees h (through free_fn) after a grace period, counting `bytes` in
 * counters (which must outlive the free: barrier before dropping them).
 * Batched: queued when the calling thread has MB_RECLAIM_BATCH objects
 * waiting, goes offline, or calls mb_reclaim_flush / mb_reclaim_barrier. */
void mb_reclaim_retire(struct mb_reclaim_head *h, void (*free_fn)(struct mb_reclaim_head *),
		       size_t bytes, struct mb_reclaim_counters *counters);
/* The same, queued now, in order with every other retire_now. */
void mb_reclaim_retire_now(struct mb_reclaim_head *h, void (*free_fn)(struct mb_reclaim_head *),
			   size_t bytes, struct mb_reclaim_counters *counters);
/* Queues the calling thread's waiting batch. */
void mb_reclaim_flush(void);

/* Waits until every object retired so far has been freed (the calling
 * thread's batch is flushed first; other threads flush theirs when they go
 * offline). */
void mb_reclaim_barrier(void);

/* A reclamation batch, as an observer sees it (CLOCK_MONOTONIC ns). */
struct mb_reclaim_batch_info {
	uint64_t queued_ns; /* handed to call_rcu */
	uint64_t start_ns;  /* the grace period over, freeing begins */
	uint64_t end_ns;    /* freed */
	uint32_t objects;
	uint64_t bytes;
};
typedef void (*mb_reclaim_observer_fn)(void *arg, const struct mb_reclaim_batch_info *b);

/* From now on fn(arg, batch) is called after each batch is freed, on
 * liburcu's call_rcu thread, one call at a time; NULL stops it.  When this
 * returns, no call with the previous observer is running or will start, so
 * its arg may be dropped.  One observer for the process. */
void mb_reclaim_observe(mb_reclaim_observer_fn fn, void *arg);

/* Bytes and objects retired but not yet freed. */
uint64_t mb_reclaim_pending_bytes(const struct mb_reclaim_counters *c);
uint64_t mb_reclaim_pending_objects(const struct mb_reclaim_counters *c);

#endif
