/* mb_locked: the Go map core (gomap.h) behind a lock, as Go programs write
 * map + sync.Mutex or map + sync.RWMutex.
 *
 * One implementation, two lock policies:
 *   locked    every op takes one mutex (glibc adaptive mutex: it spins
 *             briefly before sleeping, as Go's sync.Mutex does).
 *   rwlocked  load/len/range take the read side, store/delete the write side
 *             of a reader-writer lock that prefers writers: once a writer
 *             waits, new readers wait too (Go's RWMutex semantics).
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
