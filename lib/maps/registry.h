/* mb_registry: every map design mapbench knows, found by name.
 *
 * An explicit array (not constructor tricks, which a static library silently
 * drops).  Read-only after build: safe from any thread.
 */
#ifndef MB_MAPS_REGISTRY_H
#define MB_MAPS_REGISTRY_H

#include "maps/map.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Number of registered designs. */
size_t mb_registry_count(void);
/* The i-th design in listing order (i < mb_registry_count()), else NULL. */
const struct mb_map_ops *mb_registry_at(size_t i);
/* The design named name (exact match), or NULL. */
const struct mb_map_ops *mb_registry_find(const char *name);

/* Parses a --map item, "NAME" or "NAME:PARAM" (e.g. "sharded:32"): *ops
 * the design, *param its parameter (0, the design's default, for a bare
 * NAME).  Returns 0, -ENOENT for an unknown name, -EINVAL for a parameter
 * that is not a number, is empty, does not fit the design's form, or is
 * given to a design that takes none, -ERANGE for a number outside the
 * design's bounds.  Outputs are set only on success. */
int mb_registry_parse(const char *spec, const struct mb_map_ops **ops, uint32_t *param);
/* True when the design takes a parameter (NAME:PARAM). */
bool mb_registry_has_param(const struct mb_map_ops *ops);

#endif
