#include "maps/registry.h"

#include "maps/gomap.h"
#include "maps/hashtrie.h"
#include "maps/locked.h"
#include "maps/null.h"
#include "maps/sharded.h"
#include "maps/swiss.h"
#include "maps/syncmap.h"

#include "util/parse.h"

#include <errno.h>
#include <string.h>

/* Listing order: the Go designs first, the harness baseline last. */
static const struct mb_map_ops *const designs[] = {
	&mb_gomap_ops,
	&mb_swiss_ops,
	&mb_locked_ops,
	&mb_rwlocked_ops,
	&mb_syncmap_ops,
	&mb_hashtrie_ops,
	&mb_sharded_ops,
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

/* The designs that take a parameter, with its check: 0 or a negative
 * errno for a value in 1..UINT32_MAX. */
static const struct {
	const struct mb_map_ops *ops;
	uint32_t max; /* the parse bound; check() decides the rest */
	int (*check)(uint32_t param);
} param_designs[] = {
	{&mb_sharded_ops, MB_SHARDED_MAX, mb_sharded_check_param},
};

bool mb_registry_has_param(const struct mb_map_ops *ops)
{
	for (size_t i = 0; i < sizeof param_designs / sizeof param_designs[0]; i++)
		if (param_designs[i].ops == ops)
			return true;
	return false;
}

int mb_registry_parse(const char *spec, const struct mb_map_ops **ops, uint32_t *param)
{
	const char *colon = strchr(spec, ':');
	size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
	const struct mb_map_ops *found = NULL;
	for (size_t i = 0; i < mb_registry_count() && !found; i++)
		if (strlen(designs[i]->name) == len && strncmp(designs[i]->name, spec, len) == 0)
			found = designs[i];
	if (!found)
		return -ENOENT;
	uint32_t p = 0;
	if (colon) {
		size_t d = 0;
		while (d < sizeof param_designs / sizeof param_designs[0] &&
		       param_designs[d].ops != found)
			d++;
		if (d == sizeof param_designs / sizeof param_designs[0])
			return -EINVAL; /* this design takes no parameter */
		uint64_t v;
		int rc = mb_parse_count(colon + 1, 1, param_designs[d].max, &v);
		if (rc)
			return rc;
		p = (uint32_t)v;
		if ((rc = param_designs[d].check(p)) != 0)
			return rc;
	}
	*ops = found;
	*param = p;
	return 0;
}
