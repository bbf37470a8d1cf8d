/* mb_locked: the Go map core (gomap.h) behind a lock, as Go programs write
 * map + sync.Mutex or map + sync.RWMutex.
 *
 * One implementation, two designs:
 *   locked    every op takes one mutex.
 *   rwlocked  load/len/range take the read side, every op that may write
 *             the write side of a reader-writer lock (Go's RWMutex rules:
 *             a pending writer blocks new readers).
 * The lock is the run's --lock policy (cfg->lock, lib/lock/policy.h): go
 * (Go 1.19's sync.Mutex/RWMutex, default), pthread (glibc) or spin.  With
 * go and a scheduler hook (cfg->sched), an op whose task must wait returns
 * MB_MAP_PARKED before it touches the map: the lock is taken first, so
 * running the op again from the start is safe.
 * range holds the lock for the whole iteration; its callback must not call
 * back into the same map.  With value blobs (map.h) the core frees a
 * replaced or deleted blob under the write side, and readers copy the value
 * out of a blob before they release the read side.
 * Threads: any number, concurrently (MB_MAP_F_CONCURRENT).
 */
#ifndef MB_MAPS_LOCKED_H
#define MB_MAPS_LOCKED_H

#include "maps/map.h"

extern const struct mb_map_ops mb_locked_ops;
extern const struct mb_map_ops mb_rwlocked_ops;

#endif
