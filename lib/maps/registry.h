/* mb_registry: every map design mapbench knows, found by name.
 *
 * An explicit array (not constructor tricks, which a static library silently
 * drops).  Read-only after build: safe from any thread.
 */
#ifndef MB_MAPS_REGISTRY_H
#define MB_MAPS_REGISTRY_H

#include "maps/map.h"

#include <stddef.h>

/* Number of registered designs. */
size_t mb_registry_count(void);
/* The i-th design in listing order (i < mb_registry_count()), else NULL. */
const struct mb_map_ops *mb_registry_at(size_t i);
/* The design named name (exact match), or NULL. */
const struct mb_map_ops *mb_registry_find(const char *name);

#endif
