/* mb_gomap: Go 1.19's runtime map (runtime/map.go, map_fast64.go,
 * map_faststr.go) in C, for int64 or string keys (cfg->key_type; a string
 * slot holds a {pointer, length} header and borrows the bytes, map.h) and
 * int64 values, inline or (cfg->value_size > 0) as heap
 * blobs that the map allocates on store and frees when replaced or deleted
 * (map.h).
 *
 * Faithful to Go: hmap header with count, flags, B, noverflow, hash0,
 * buckets, oldbuckets, nevacuate; 8-slot buckets with tophash, keys packed,
 * values packed, overflow pointer; one seeded hash (XXH3) whose low B bits
 * pick the bucket and whose top byte is the tophash; load factor 6.5
 * (overLoadFactor) and tooManyOverflowBuckets; same-size grow; incremental
 * evacuation of at most two old buckets per insert/delete; emptyOne /
 * emptyRest; new hash0 when the map becomes empty; iteration from a random
 * bucket and offset that stays correct during growth.
 *
 * Large bucket arrays are huge-page-aligned mappings advised MADV_HUGEPAGE
 * (mb_alloc_pages), as Go's heap is.
 *
 * Threads: none, like Go.  The hashWriting flag is an atomic and a detector,
 * not a lock: a writer that finds a write in progress returns
 * MB_MAP_FATAL_WRITES, a reader that does returns MB_MAP_FATAL_READ_WRITE,
 * range returns MB_MAP_FATAL_ITER_WRITE.  With cfg->shared the map frees no
 * retired bucket array, overflow bucket or value blob before mb_gomap_destroy, so racing
 * threads read stale but valid memory (C has no GC to do this for us).
 *
 * The struct mb_map base makes a *mb_gomap usable as the `plain` design
 * (mb_gomap_ops); the locked designs and sync call mb_gomap_* directly.
 */
#ifndef MB_MAPS_GOMAP_H
#define MB_MAPS_GOMAP_H

#include "maps/map.h"

#include <stdbool.h>
#include <stdint.h>

/* Go's constants (runtime/map.go). */
#define MB_GOMAP_BUCKET_CNT_BITS 3
#define MB_GOMAP_BUCKET_CNT 8           /* slots per bucket */
#define MB_GOMAP_LOAD_FACTOR_NUM 13     /* load factor 6.5 = 13/2 */
#define MB_GOMAP_LOAD_FACTOR_DEN 2
#define MB_GOMAP_EMPTY_REST 0
#define MB_GOMAP_EMPTY_ONE 1
#define MB_GOMAP_EVACUATED_X 2
#define MB_GOMAP_EVACUATED_Y 3
#define MB_GOMAP_EVACUATED_EMPTY 4
#define MB_GOMAP_MIN_TOP_HASH 5

struct mb_gomap;

/* What a growth looked like, for tests and pause events. */
struct mb_gomap_grow_info {
	uint8_t old_B;
	uint8_t new_B;
	bool same_size;
	int64_t count;       /* entries when the grow started */
	uint32_t noverflow;  /* overflow count that (maybe) triggered it */
};

/* Optional observer, called inside the write that starts a grow (after the
 * new array is allocated, before the insert completes). */
typedef void (*mb_gomap_grow_fn)(void *arg, const struct mb_gomap_grow_info *g);

/* Counters for tests and reports; exact when no writer runs concurrently. */
struct mb_gomap_stats {
	int64_t count;
	uint8_t B;
	uint32_t noverflow;
	bool growing;             /* oldbuckets != NULL */
	bool same_size_growing;
	uint64_t nevacuate;
	uint64_t grows;           /* doubling grows started */
	uint64_t same_size_grows; /* same-size grows started */
	uint64_t evacuated;       /* old buckets evacuated (chains count once) */
	uint64_t hash0;
	uint64_t bucket_bytes;    /* bytes held in bucket arrays + overflow buckets */
	uint64_t huge_page_eligible_bytes; /* of those, in arrays advised MADV_HUGEPAGE */
	/* Generations handed to the reclamation thread (free_off_path) */
	uint64_t retired_pending_bytes; /* handed over, not freed yet */
	uint64_t reclaimed_bytes;       /* freed there */
	uint64_t reclaim_batches;
	uint64_t reclaim_free_max_ns;   /* the longest free of one batch */
};

/* Returns a new map (size hint, seed, sharing and grow mode from cfg), or NULL
 * with errno = ENOMEM.  cfg may be NULL for defaults. */
struct mb_gomap *mb_gomap_create(const struct mb_map_config *cfg);
void mb_gomap_destroy(struct mb_gomap *m);

/* Set or clear the grow observer; not thread-safe, call before use. */
void mb_gomap_set_grow_observer(struct mb_gomap *m, mb_gomap_grow_fn fn, void *arg);

/* With on, a generation (bucket array and overflow buckets) that a grow
 * retires is freed on the reclamation thread (mb_reclaim) instead of in
 * the write that ends the grow, when the writing thread is online
 * (mb_reclaim_thread_online); offline writers free it at once, as without.
 * mb_gomap_destroy then waits for those frees (mb_reclaim_barrier), so a
 * map with it on must not be destroyed on the reclamation thread or inside
 * a read section.  The plain design turns it on.  Call before use. */
void mb_gomap_set_free_off_path(struct mb_gomap *m, bool on);

/* For a map with int64 keys (the int64 fast path, map_fast64.go). */
int mb_gomap_load(struct mb_gomap *m, int64_t key, int64_t *val);
int mb_gomap_store(struct mb_gomap *m, int64_t key, int64_t val);
int mb_gomap_delete(struct mb_gomap *m, int64_t key);
typedef bool (*mb_gomap_range_fn)(int64_t key, int64_t val, void *arg);
int mb_gomap_range(struct mb_gomap *m, mb_gomap_range_fn fn, void *arg);
/* For a map of either key type (key of the map's type). */
int mb_gomap_load_key(struct mb_gomap *m, struct mb_key key, int64_t *val);
int mb_gomap_store_key(struct mb_gomap *m, struct mb_key key, int64_t val);
int mb_gomap_delete_key(struct mb_gomap *m, struct mb_key key);
int mb_gomap_range_key(struct mb_gomap *m, mb_map_range_fn fn, void *arg);
int64_t mb_gomap_len(const struct mb_gomap *m);
enum mb_key_type mb_gomap_key_type(const struct mb_gomap *m);
/* The sync.Map operations as a Go program writes them on a plain map: a
 * lookup, then a write if needed (two accesses, each with Go's checks).
 * Return conventions as in map.h. */
int mb_gomap_load_or_store(struct mb_gomap *m, struct mb_key key, int64_t val, int64_t *actual);
int mb_gomap_load_and_delete(struct mb_gomap *m, struct mb_key key, int64_t *val);
int mb_gomap_swap(struct mb_gomap *m, struct mb_key key, int64_t val, int64_t *prev);
int mb_gomap_compare_and_swap(struct mb_gomap *m, struct mb_key key, int64_t old, int64_t val);
int mb_gomap_compare_and_delete(struct mb_gomap *m, struct mb_key key, int64_t old);
void mb_gomap_get_stats(const struct mb_gomap *m, struct mb_gomap_stats *st);
/* Bytes of the bucket arrays backed by huge pages now (the kernel's
 * AnonHugePages for their mappings, mb_alloc_huge_resident).  Slow: reads
 * a /proc file.  Not thread-safe against writers. */
int64_t mb_gomap_huge_resident(const struct mb_gomap *m);
/* With value blobs (cfg->value_size > 0): the number of live entries whose
 * blob does not hold what mb_map_blob_fill writes for its value (0 when
 * all are right, and always 0 for inline values).  Not thread-safe. */
int64_t mb_gomap_check_values(const struct mb_gomap *m);

/* Go's growth predicates, exported so tests compare against the rule. */
bool mb_gomap_over_load_factor(int64_t count, uint8_t B);
bool mb_gomap_too_many_overflow(uint32_t noverflow, uint8_t B);

/* The `plain` design. */
extern const struct mb_map_ops mb_gomap_ops;

#endif
