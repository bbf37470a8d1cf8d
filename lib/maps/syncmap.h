/* mb_syncmap: Go 1.19's sync.Map (sync/map.go) in C, with Go 1.20's Swap,
 * CompareAndSwap and CompareAndDelete on the same structure.
 *
 * A read-only record {m, amended} published through an atomic pointer,
 * where m is a Go map (gomap.h) from key to entry; a dirty Go map under a
 * mutex holding every live key when it exists; entries whose atomic pointer
 * is a boxed value, NULL (deleted) or EXPUNGED (deleted and absent from
 * dirty).  Loads of keys in the read map take no lock.  Misses on the read
 * map are counted; when they reach len(dirty) the dirty map is promoted to
 * be the read map (a pointer swap).  The next store of a new key rebuilds
 * dirty by copying the read map's live entries under the mutex: O(len).
 *
 * Values are always boxed, as Go's interface{} values are: with
 * cfg->value_size N the box's payload is the N-byte value blob of map.h
 * (after the box's reclamation header), else a bare int64.
 *
 * C has no garbage collector, so everything the map unlinks (an old read
 * record and its map, a replaced value box, an entry no map holds any more)
 * is retired through mb_reclaim and freed after every reader moved on.
 *
 * Threads: any number, concurrently, each between mb_reclaim_thread_online
 * and _offline (the ops table's thread_online/offline do that).  destroy and
 * the stats calls need no other op to be running.
 */
#ifndef MB_MAPS_SYNCMAP_H
#define MB_MAPS_SYNCMAP_H

#include "maps/map.h"

#include <stdbool.h>
#include <stdint.h>

struct mb_syncmap;

struct mb_syncmap_stats {
	uint64_t promotions;          /* dirty promoted to read (incl. by Range) */
	uint64_t dirty_rebuilds;      /* dirtyLocked copies of the read map */
	uint64_t rebuild_entries;     /* entries copied by those rebuilds */
	uint64_t rebuild_max_ns;      /* the longest rebuild, under the mutex */
	uint64_t rebuild_total_ns;
	uint64_t promotion_misses;    /* misses counted before the promotions */
	int64_t misses;               /* current miss count (test hook) */
	int64_t dirty_len;            /* len(dirty), or -1 when dirty is nil */
	uint64_t retired_pending_bytes;
	uint64_t retired_pending_objects;
	uint64_t freed_objects;
	uint64_t reclaim_batches;       /* reclamation batches freed */
	uint64_t reclaim_grace_max_ns;  /* longest queued-to-freed time of a batch */
	uint64_t reclaim_grace_mean_ns;
	uint64_t reclaim_free_max_ns;   /* longest time freeing one batch */
};

/* NULL with errno set on failure.  cfg's hash seed seeds every inner map. */
struct mb_syncmap *mb_syncmap_create(const struct mb_map_config *cfg);
/* Frees everything, after waiting for pending reclamation. */
void mb_syncmap_destroy(struct mb_syncmap *m);

/* Return conventions as in map.h; -ENOMEM when a value box or an entry
 * cannot be allocated. */
int mb_syncmap_load(struct mb_syncmap *m, struct mb_key key, int64_t *val);
int mb_syncmap_store(struct mb_syncmap *m, struct mb_key key, int64_t val);
int mb_syncmap_delete(struct mb_syncmap *m, struct mb_key key);
int mb_syncmap_load_or_store(struct mb_syncmap *m, struct mb_key key, int64_t val, int64_t *actual);
int mb_syncmap_load_and_delete(struct mb_syncmap *m, struct mb_key key, int64_t *val);
int mb_syncmap_swap(struct mb_syncmap *m, struct mb_key key, int64_t val, int64_t *prev);
int mb_syncmap_compare_and_swap(struct mb_syncmap *m, struct mb_key key, int64_t old, int64_t val);
int mb_syncmap_compare_and_delete(struct mb_syncmap *m, struct mb_key key, int64_t old);
/* Go's Range: promotes dirty first if amended, then iterates the read map
 * without the lock; each key at most once. */
int mb_syncmap_range(struct mb_syncmap *m, mb_map_range_fn fn, void *arg);
/* Live entries, counted under the mutex: O(len), for reports (Go's sync.Map
 * has no Len). */
int64_t mb_syncmap_len(struct mb_syncmap *m);
void mb_syncmap_get_stats(struct mb_syncmap *m, struct mb_syncmap_stats *st);

/* The `sync` design. */
extern const struct mb_map_ops mb_syncmap_ops;

#endif
