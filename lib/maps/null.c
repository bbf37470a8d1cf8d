#include "maps/null.h"

#include <stdlib.h>

/* The instance carries nothing but its ops pointer. */
static struct mb_map *null_create(const struct mb_map_config *cfg)
{
	(void)cfg;
	struct mb_map *m = malloc(sizeof *m);
	if (m)
		m->ops = &mb_null_ops;
	return m;
}

static void null_destroy(struct mb_map *m)
{
	free(m);
}

static int null_load(struct mb_map *m, struct mb_key key, int64_t *val)
{
	(void)m, (void)key, (void)val;
	return 0;
}

static int null_store(struct mb_map *m, struct mb_key key, int64_t val)
{
	(void)m, (void)key, (void)val;
	return 0;
}

static int null_delete(struct mb_map *m, struct mb_key key)
{
	(void)m, (void)key;
	return 0;
}

static int64_t null_len(struct mb_map *m)
{
	(void)m;
	return 0;
}

static int null_range(struct mb_map *m, mb_map_range_fn fn, void *arg)
{
	(void)m, (void)fn, (void)arg;
	return 0;
}

static int null_load_or_store(struct mb_map *m, struct mb_key key, int64_t val, int64_t *actual)
{
	(void)m, (void)key;
	*actual = val;
	return 0;
}

static int null_load_and_delete(struct mb_map *m, struct mb_key key, int64_t *val)
{
	(void)m, (void)key, (void)val;
	return 0;
}

static int null_swap(struct mb_map *m, struct mb_key key, int64_t val, int64_t *prev)
{
	(void)m, (void)key, (void)val, (void)prev;
	return 0;
}

static int null_compare_and_swap(struct mb_map *m, struct mb_key key, int64_t old, int64_t val)
{
	(void)m, (void)key, (void)old, (void)val;
	return 0;
}

static int null_compare_and_delete(struct mb_map *m, struct mb_key key, int64_t old)
{
	(void)m, (void)key, (void)old;
	return 0;
}

const struct mb_map_ops mb_null_ops = {
	.name = "null",
	.summary = "does nothing: measures the harness's own cost per op",
	.flags = MB_MAP_F_CONCURRENT,
	.create = null_create,
	.destroy = null_destroy,
	.load = null_load,
	.store = null_store,
	.delete = null_delete,
	.len = null_len,
	.range = null_range,
	.load_or_store = null_load_or_store,
	.load_and_delete = null_load_and_delete,
	.swap = null_swap,
	.compare_and_swap = null_compare_and_swap,
	.compare_and_delete = null_compare_and_delete,
};
