#include "maps/registry.h"

#include "maps/gomap.h"
#include "maps/locked.h"
#include "maps/null.h"
#include "maps/swiss.h"
#include "maps/syncmap.h"

#include <string.h>

/* Listing order: the Go designs first, the harness baseline last. */
static const struct mb_map_ops *const designs[] = {
	&mb_gomap_ops,
	&mb_swiss_ops,
	&mb_locked_ops,
	&mb_rwlocked_ops,
	&mb_syncmap_ops,
	&mb_null_ops,
};

size_t mb_registry_count(void)
{
	return sizeof designs / sizeof designs[0];
}

const struct mb_map_ops *mb_registry_at(size_t i)
{
	return i < mb_registry_count() ? designs[i] : NULL;
}

const struct mb_map_ops *mb_registry_find(const char *name)
{
	for (size_t i = 0; i < mb_registry_count(); i++)
		if (strcmp(designs[i]->name, name) == 0)
			return designs[i];
	return NULL;
}
