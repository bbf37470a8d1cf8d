/* mb_sharded: the map Go programmers build before they reach for sync.Map:
 * N Go maps (the plain core of gomap.h), each behind its own mutex, a key's
 * shard picked by a hash of its own (the `sharded:N` design).  The mutex is
 * the run's --lock policy (cfg->lock, lib/lock/policy.h), as for `locked`:
 * with go and a scheduler hook (cfg->sched) a task that finds its shard
 * locked parks and its op returns MB_MAP_PARKED before touching the shard;
 * it runs again from the start, except a range, which goes on at the shard
 * it parked at (the shards before it are not visited twice).  Threads that
 * are not tasks (prefill, len, stats) block.
 *
 * The shard hash is XXH3 under a seed of its own, so it is independent of
 * the hash each core uses for its buckets and tophash (the top bits of the
 * core's hash): a shard's keys still spread over its core's buckets.  Every
 * core has its own seed too, derived from --hash-seed when one is given, so
 * that one seed reproduces the run and no two shards share a hash.  The
 * shard is the top log2(N) bits of the shard hash.
 *
 * N is a power of two from 1 to 65536; 0 in cfg->param means the default,
 * 32 (the common Go library default).  Each op takes its shard's lock once
 * (compound ops too, so each is atomic); len and range take the shards'
 * locks one after the other, so they see no single snapshot of the map,
 * and a range callback must not call back into the map.  Lock statistics
 * and lock-wait pauses come from the lock layer (lockstat.h, policy.h).
 *
 * Threads: any number, concurrently (MB_MAP_F_CONCURRENT); stats and
 * destroy with no op running.  Nothing is printed.
 */
#ifndef MB_MAPS_SHARDED_H
#define MB_MAPS_SHARDED_H

#include "maps/map.h"

#include <stdint.h>

#define MB_SHARDED_DEFAULT 32
#define MB_SHARDED_MIN 1
#define MB_SHARDED_MAX 65536

/* 0 when n is an acceptable cfg->param (0 or a power of two in
 * MB_SHARDED_MIN..MB_SHARDED_MAX), -ERANGE when out of the bounds,
 * -EINVAL when in them but not a power of two. */
int mb_sharded_check_param(uint32_t n);

struct mb_sharded_stats {
	uint32_t shards;
	int64_t len_min; /* the fewest entries in one shard */
	int64_t len_max; /* the most entries in one shard */
};

/* The shard key would go to, in 0..shards-1 (tests check the spread). */
uint32_t mb_sharded_shard_of(const struct mb_map *m, struct mb_key key);
/* m must be a `sharded` instance. */
void mb_sharded_get_stats(struct mb_map *m, struct mb_sharded_stats *st);

/* The `sharded` design: create returns NULL with errno EINVAL or ERANGE
 * for a bad cfg->param, ENOMEM when out of memory. */
extern const struct mb_map_ops mb_sharded_ops;

#endif
