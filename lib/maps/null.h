/* mb_null: the map that does nothing.  load misses, store and delete succeed
 * without keeping anything, len is 0.  It measures the harness itself: any
 * time a run spends with `null` is mapbench's own cost per op.
 * Threads: any number, concurrently (there is no state to share).
 */
#ifndef MB_MAPS_NULL_H
#define MB_MAPS_NULL_H

#include "maps/map.h"

extern const struct mb_map_ops mb_null_ops;

#endif
