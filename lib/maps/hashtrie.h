/* mb_hashtrie: Go 1.24's sync.Map, the concurrent hash trie of
 * internal/sync/hashtriemap.go (HashTrieMap), in C.
 *
 * A trie of indirect nodes with 16 children each: level d picks a child
 * with the d-th 4-bit digit of a 64-bit seeded hash, from the top.  A child
 * is NULL, another indirect node, or an entry leaf (key, boxed value, and
 * an overflow chain of entries whose full hash is the same).  Loads walk
 * the atomic child pointers from the root and take no lock.  A mutation
 * locks the indirect node that owns the slot, checks that the node is not
 * dead and that the slot still holds what the walk saw (else it starts
 * over), and installs a new entry: entries are immutable, so every store,
 * swap and compare-and-swap allocates one and retires the one it replaces.
 * Inserting beside an entry of a different hash expands indirect nodes
 * down to the digit where the hashes differ; a delete that empties a node
 * prunes it upward, taking the parent's lock while holding the child's.
 * See hashtrie.c for the invariants.
 *
 * Values are boxed as Go boxes them into an `any`: an 8-byte box for a
 * bare int64, or the value blob of map.h (cfg->value_size); the box belongs
 * to its entry and dies with it.  C has no garbage collector: replaced and
 * deleted entries, and pruned nodes, are retired through mb_reclaim and
 * freed after a grace period.
 *
 * Node locks are the run's --lock policy (cfg->lock; Go's is a
 * sync.Mutex); with go and a scheduler hook (cfg->sched) a task that finds
 * one taken parks and its op returns MB_MAP_PARKED (hashtrie.c says where
 * an op may park and how it goes on); threads that are not tasks block.
 *
 * Threads: any number, concurrently, each between mb_reclaim_thread_online
 * and _offline (the ops table's thread_online/offline do that).  destroy
 * and the stats call need no other op to be running.  Nothing is printed.
 */
#ifndef MB_MAPS_HASHTRIE_H
#define MB_MAPS_HASHTRIE_H

#include "maps/map.h"

#include <stdbool.h>
#include <stdint.h>

/* Go's constants: nChildrenLog2 = 4, so 16 children and at most 64 / 4 =
 * 16 levels of indirect nodes for a 64-bit hash. */
#define MB_HASHTRIE_CHILDREN_LOG2 4
#define MB_HASHTRIE_CHILDREN 16
#define MB_HASHTRIE_MAX_DEPTH 16

struct mb_hashtrie;

/* A key's hash under a seed (tests force weak hashes with it). */
typedef uint64_t (*mb_hashtrie_hash_fn)(struct mb_key key, uint64_t seed);

struct mb_hashtrie_stats {
	/* From a walk of the trie (exact when no op runs): */
	uint64_t nodes;     /* indirect nodes, the root included */
	uint64_t max_depth; /* indirect nodes on the longest path, root = 1 */
	uint64_t entries;   /* live entries (== len) */
	uint64_t overflow;  /* entries in overflow chains, past a chain's head */
	/* Counted as they happen: */
	uint64_t expansions;   /* inserts that added indirect nodes */
	uint64_t expand_nodes; /* indirect nodes those inserts added */
	uint64_t collisions;   /* inserts that lengthened an overflow chain */
	uint64_t prunes;       /* emptied indirect nodes unlinked */
	uint64_t restarts;     /* a locked slot or node changed: walk again */
	uint64_t parked_prunes; /* a task parked on a parent's lock while pruning */
	uint64_t pooled_nodes; /* pruned nodes kept for reuse (see hashtrie.c) */
	uint64_t retired_pending_bytes;
	uint64_t retired_pending_objects;
	uint64_t freed_objects;
	uint64_t reclaim_batches;
	uint64_t reclaim_grace_max_ns;
	uint64_t reclaim_grace_mean_ns;
	uint64_t reclaim_free_max_ns;
};

/* NULL with errno set (ENOMEM).  The seed is cfg's when hash_seed_set, else
 * random; keys hash with XXH3 (Go uses its map hasher). */
struct mb_hashtrie *mb_hashtrie_create(const struct mb_map_config *cfg);
/* The same with another hash function (a test hook); NULL fn is XXH3. */
struct mb_hashtrie *mb_hashtrie_create_hashed(const struct mb_map_config *cfg,
					      mb_hashtrie_hash_fn fn);
/* Frees everything, after waiting for pending reclamation.  Call from a
 * thread outside any read section. */
void mb_hashtrie_destroy(struct mb_hashtrie *m);

/* Return conventions as in map.h; -ENOMEM when an entry, its box or an
 * indirect node cannot be allocated (the map is then unchanged). */
int mb_hashtrie_load(struct mb_hashtrie *m, struct mb_key key, int64_t *val);
int mb_hashtrie_store(struct mb_hashtrie *m, struct mb_key key, int64_t val);
int mb_hashtrie_delete(struct mb_hashtrie *m, struct mb_key key);
int mb_hashtrie_load_or_store(struct mb_hashtrie *m, struct mb_key key, int64_t val,
			      int64_t *actual);
int mb_hashtrie_load_and_delete(struct mb_hashtrie *m, struct mb_key key, int64_t *val);
int mb_hashtrie_swap(struct mb_hashtrie *m, struct mb_key key, int64_t val, int64_t *prev);
int mb_hashtrie_compare_and_swap(struct mb_hashtrie *m, struct mb_key key, int64_t old,
				 int64_t val);
int mb_hashtrie_compare_and_delete(struct mb_hashtrie *m, struct mb_key key, int64_t old);
/* Go's Range (All): walks the trie without locks, each key at most once,
 * with whichever value it finds; fn may call any op on the map. */
int mb_hashtrie_range(struct mb_hashtrie *m, mb_map_range_fn fn, void *arg);
/* Live entries.  Go's sync.Map has no Len and a Go program counts with
 * Range; so does this: O(entries), exact when no writer runs. */
int64_t mb_hashtrie_len(struct mb_hashtrie *m);
void mb_hashtrie_get_stats(struct mb_hashtrie *m, struct mb_hashtrie_stats *st);

/* Test hook: takes (lock) or releases the root's lock as the calling
 * thread's lock calls do (a test's fake scheduler decides who parks), so a
 * test can hold it across other ops.  Returns 0 or MB_LOCK_PARKED. */
int mb_hashtrie_test_lock_root(struct mb_hashtrie *m, bool lock);

/* The `hashtrie` design. */
extern const struct mb_map_ops mb_hashtrie_ops;

#endif
