/* mb_swiss: Go 1.24's runtime map (internal/runtime/maps at the go1.24 tag:
 * map.go, table.go, group.go, runtime_fast64.go, runtime_faststr.go) in C,
 * for int64 or string keys (cfg->key_type; a string slot holds a {pointer,
 * length} header and borrows the bytes, map.h) and int64 values, inline or
 * (cfg->value_size > 0) as heap blobs allocated on store and freed when
 * replaced or deleted (map.h).
 *
 * Faithful to go1.24: Swiss-table groups of 8 slots under one 8-byte
 * control word (empty 0x80, deleted 0xFE, full = H2, the low 7 bits of the
 * hash), matched 8 at a time with 64-bit bit tricks; quadratic probing over
 * groups from H1 = hash >> 7; 7/8 maximum load kept by growthLeft, which
 * counts tombstones as used; tombstones only in groups that were full,
 * reused by inserts and dropped by rehash; a table doubles up to 1024 slots
 * and then splits into two 1024-slot tables (extendible hashing on the top
 * bits of the hash, directory doubled when a table at full depth splits);
 * small maps of up to 8 entries in one group without a table; size hints as
 * NewMap; Go's iteration across grows and splits; a new seed when the map
 * becomes empty.  What go1.24 does not do is not done either: no in-place
 * rehash, no tombstone pruning before growing (later releases), and a Put
 * on a full small map converts it to a table even when it only updates an
 * existing key (Go's Map.PutSlot says it could avoid this; go1.24 does not).
 *
 * Threads: none, like Go.  The `writing` byte is Go's detector, toggled
 * with XOR around every write: a writer that finds it set returns
 * MB_MAP_FATAL_WRITES, a reader MB_MAP_FATAL_READ_WRITE, an iteration
 * MB_MAP_FATAL_ITER_WRITE.  With cfg->shared the map frees no retired
 * table, directory, small group or value blob before mb_swiss_destroy, so
 * racing threads read stale but valid memory; the same memory is kept while
 * an iteration runs (it may still read a replaced table).
 *
 * Memory: a table's groups are one allocation counted as MB_ALLOC_BUCKETS
 * (groups are the buckets of this design), the small group too; table
 * headers (kept apart from their groups and packed in page-sized chunks,
 * as Go's table objects are in its allocator's spans), the directory and
 * bookkeeping are MB_ALLOC_OTHER; blobs MB_ALLOC_VALUES.  None of it is
 * advised MADV_HUGEPAGE: go1.24's heap is not (Go stopped advising it in
 * 1.21.1, golang/go#61718 and #64332), unlike go1.19's, so with THP set
 * to "madvise" the plain design's large arrays get huge pages and these
 * tables do not, in Go as here.
 *
 * Pause events: a table grow (and the small group's conversion) is a
 * `grow`, a split a `split`, each timed around the whole rehash
 * (directory doubling included); the slots they moved are counted in the
 * stats (grow_slots_moved, split_slots_moved), as an event carries no count.
 */
#ifndef MB_MAPS_SWISS_H
#define MB_MAPS_SWISS_H

#include "maps/map.h"

#include <stdbool.h>
#include <stdint.h>

/* go1.24's constants (abi.SwissMapGroupSlots, table.go, map.go). */
#define MB_SWISS_GROUP_SLOTS 8
#define MB_SWISS_MAX_TABLE_CAPACITY 1024
#define MB_SWISS_MAX_AVG_GROUP_LOAD 7 /* of 8 slots */
#define MB_SWISS_CTRL_EMPTY 0x80
#define MB_SWISS_CTRL_DELETED 0xFE
/* Table headers to a chunk (about a page); ours, not Go's. */
#define MB_SWISS_HEADERS_PER_CHUNK 126

struct mb_swiss;

/* Counters for tests and reports; exact when no writer runs concurrently. */
struct mb_swiss_stats {
	int64_t used;             /* live entries */
	bool small;               /* one group, no table (dirLen == 0) */
	uint64_t tables;          /* distinct tables in the directory */
	uint64_t dir_len;         /* directory entries (2^global_depth; 0 small) */
	uint8_t global_depth;
	uint64_t grows;           /* table doublings (not counting small->table) */
	uint64_t small_to_table;  /* small group converted to a table */
	uint64_t splits;          /* 1024-slot tables split in two */
	uint64_t dir_doublings;   /* directory doublings (full-depth splits) */
	uint64_t grow_slots_moved;
	uint64_t split_slots_moved;
	uint64_t tombstones;      /* deleted slots now, over every table */
	uint64_t capacity;        /* slots over every table (8 when small) */
	uint64_t seed;
	uint64_t header_chunks;   /* chunks of MB_SWISS_HEADERS_PER_CHUNK table headers */
};

/* One table as Go keeps it. */
struct mb_swiss_table_info {
	uint16_t used, capacity, growth_left;
	uint8_t local_depth;
	int64_t index;      /* first directory index; -1 when stale */
	uint16_t tombstones;
};

/* Returns a new map (size hint, seed, sharing, key type and value size from
 * cfg; grow mode ignored), or NULL with errno = ENOMEM.  cfg may be NULL. */
struct mb_swiss *mb_swiss_create(const struct mb_map_config *cfg);
void mb_swiss_destroy(struct mb_swiss *m);

/* The ops of map.h for this design (key of the map's type); returns as in
 * map.h.  The sync.Map ops are spelled as a Go program does on a map: a
 * lookup, then a write if needed. */
int mb_swiss_load(struct mb_swiss *m, struct mb_key key, int64_t *val);
int mb_swiss_store(struct mb_swiss *m, struct mb_key key, int64_t val);
int mb_swiss_delete(struct mb_swiss *m, struct mb_key key);
int mb_swiss_range(struct mb_swiss *m, mb_map_range_fn fn, void *arg);
int64_t mb_swiss_len(const struct mb_swiss *m);

/* Fills st; visits every table once (tombstones, capacity). */
void mb_swiss_get_stats(const struct mb_swiss *m, struct mb_swiss_stats *st);
/* The most groups a live key's lookup visits (1 when small and not
 * empty, 0 when empty); hashes every key: O(entries). */
uint64_t mb_swiss_max_probe(const struct mb_swiss *m);
/* The table a key of the map's type goes to now: returns 0 and fills *ti,
 * or -ENOENT when the map is small (no table). */
int mb_swiss_table_of(const struct mb_swiss *m, struct mb_key key, struct mb_swiss_table_info *ti);
/* The table at directory index i: 0, or -ENOENT past the end / small. */
int mb_swiss_table_at(const struct mb_swiss *m, uint64_t i, struct mb_swiss_table_info *ti);
/* The map's hash of key (seeded XXH3), so tests can place keys in groups. */
uint64_t mb_swiss_hash(const struct mb_swiss *m, struct mb_key key);
/* With value blobs: live entries whose blob is not what mb_map_blob_fill
 * writes for its value (0 when all are right; always 0 inline). */
int64_t mb_swiss_check_values(const struct mb_swiss *m);

/* The `swiss` design. */
extern const struct mb_map_ops mb_swiss_ops;

#endif
