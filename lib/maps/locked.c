/* The locked designs: one Go-map core behind one lock (lib/lock/policy.h),
 * and which side of the lock each operation takes.  See locked.h. */
#include "maps/locked.h"

#include "maps/gomap.h"
#include "measure/alloc.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

struct locked_map {
	struct mb_map base; /* first: the base pointer is the map pointer */
	struct mb_gomap *core;
	struct mb_lock lock;
};

static struct mb_map *create_with(const struct mb_map_ops *ops, bool rw,
				  const struct mb_map_config *cfg)
{
	struct locked_map *m = mb_calloc(MB_ALLOC_OTHER, 1, sizeof *m);
	if (!m)
		return NULL;
	/* The lock serialises every access, so the core never races and may
	 * free retired buckets at once: it is not "shared" in gomap's sense. */
	struct mb_map_config core_cfg = cfg ? *cfg : (struct mb_map_config){0};
	core_cfg.shared = false;
	m->core = mb_gomap_create(&core_cfg);
	if (!m->core) {
		mb_free(MB_ALLOC_OTHER, m);
		errno = ENOMEM;
		return NULL;
	}
	int rc = mb_lock_init(&m->lock, cfg ? cfg->lock : MB_LOCK_GO, rw,
			      cfg ? cfg->sched : NULL);
	if (rc) {
		mb_gomap_destroy(m->core);
		mb_free(MB_ALLOC_OTHER, m);
		errno = -rc;
		return NULL;
	}
	m->base.ops = ops;
	return &m->base;
}

static void locked_destroy(struct mb_map *base)
{
	struct locked_map *m = (struct locked_map *)base;
	mb_lock_destroy(&m->lock);
	mb_gomap_destroy(m->core);
	mb_free(MB_ALLOC_OTHER, m);
}

/* The lock first, the map after: a task that parks has touched nothing. */
#define READ_SIDE(m)                                          \
	do {                                                  \
		if (mb_lock_read(&(m)->lock))                 \
			return MB_MAP_PARKED;                 \
	} while (0)
#define WRITE_SIDE(m)                                         \
	do {                                                  \
		if (mb_lock_write(&(m)->lock))                \
			return MB_MAP_PARKED;                 \
	} while (0)

static int locked_load(struct mb_map *base, struct mb_key key, int64_t *val)
{
	struct locked_map *m = (struct locked_map *)base;
	READ_SIDE(m);
	int rc = mb_gomap_load_key(m->core, key, val);
	mb_lock_read_unlock(&m->lock);
	return rc;
}

static int locked_store(struct mb_map *base, struct mb_key key, int64_t val)
{
	struct locked_map *m = (struct locked_map *)base;
	WRITE_SIDE(m);
	int rc = mb_gomap_store_key(m->core, key, val);
	mb_lock_write_unlock(&m->lock);
	return rc;
}

static int locked_delete(struct mb_map *base, struct mb_key key)
{
	struct locked_map *m = (struct locked_map *)base;
	WRITE_SIDE(m);
	int rc = mb_gomap_delete_key(m->core, key);
	mb_lock_write_unlock(&m->lock);
	return rc;
}

/* len is called by threads that are not tasks (the runner's main thread):
 * they block, never park. */
static int64_t locked_len(struct mb_map *base)
{
	struct locked_map *m = (struct locked_map *)base;
	if (mb_lock_read(&m->lock))
		return -1; /* not reached: only a task parks */
	int64_t n = mb_gomap_len(m->core);
	mb_lock_read_unlock(&m->lock);
	return n;
}

static int locked_range(struct mb_map *base, mb_map_range_fn fn, void *arg)
{
	struct locked_map *m = (struct locked_map *)base;
	READ_SIDE(m);
	int rc = mb_gomap_range_key(m->core, fn, arg);
	mb_lock_read_unlock(&m->lock);
	return rc;
}

/* The compound operations take the write side once, so each is atomic. */
static int locked_load_or_store(struct mb_map *base, struct mb_key key, int64_t val, int64_t *actual)
{
	struct locked_map *m = (struct locked_map *)base;
	WRITE_SIDE(m);
	int rc = mb_gomap_load_or_store(m->core, key, val, actual);
	mb_lock_write_unlock(&m->lock);
	return rc;
}

static int locked_load_and_delete(struct mb_map *base, struct mb_key key, int64_t *val)
{
	struct locked_map *m = (struct locked_map *)base;
	WRITE_SIDE(m);
	int rc = mb_gomap_load_and_delete(m->core, key, val);
	mb_lock_write_unlock(&m->lock);
	return rc;
}

static int locked_swap(struct mb_map *base, struct mb_key key, int64_t val, int64_t *prev)
{
	struct locked_map *m = (struct locked_map *)base;
	WRITE_SIDE(m);
	int rc = mb_gomap_swap(m->core, key, val, prev);
	mb_lock_write_unlock(&m->lock);
	return rc;
}

static int locked_compare_and_swap(struct mb_map *base, struct mb_key key, int64_t old, int64_t val)
{
	struct locked_map *m = (struct locked_map *)base;
	WRITE_SIDE(m);
	int rc = mb_gomap_compare_and_swap(m->core, key, old, val);
	mb_lock_write_unlock(&m->lock);
	return rc;
}

static int locked_compare_and_delete(struct mb_map *base, struct mb_key key, int64_t old)
{
	struct locked_map *m = (struct locked_map *)base;
	WRITE_SIDE(m);
	int rc = mb_gomap_compare_and_delete(m->core, key, old);
	mb_lock_write_unlock(&m->lock);
	return rc;
}

static struct mb_map *mutex_create(const struct mb_map_config *cfg)
{
	return create_with(&mb_locked_ops, false, cfg);
}

static struct mb_map *rw_create(const struct mb_map_config *cfg)
{
	return create_with(&mb_rwlocked_ops, true, cfg);
}

const struct mb_map_ops mb_locked_ops = {
	.name = "locked",
	.summary = "Go map behind one mutex (map + sync.Mutex; --lock picks the mutex)",
	.flags = MB_MAP_F_CONCURRENT | MB_MAP_F_LOCK,
	.bytes_per_entry = 48, /* the Go map's */
	.create = mutex_create,
	.destroy = locked_destroy,
	.load = locked_load,
	.store = locked_store,
	.delete = locked_delete,
	.len = locked_len,
	.range = locked_range,
	.load_or_store = locked_load_or_store,
	.load_and_delete = locked_load_and_delete,
	.swap = locked_swap,
	.compare_and_swap = locked_compare_and_swap,
	.compare_and_delete = locked_compare_and_delete,
};

const struct mb_map_ops mb_rwlocked_ops = {
	.name = "rwlocked",
	.summary = "Go map behind a reader-writer lock (map + sync.RWMutex; --lock picks it)",
	.flags = MB_MAP_F_CONCURRENT | MB_MAP_F_LOCK,
	.bytes_per_entry = 48, /* the Go map's */
	.create = rw_create,
	.destroy = locked_destroy,
	.load = locked_load,
	.store = locked_store,
	.delete = locked_delete,
	.len = locked_len,
	.range = locked_range,
	.load_or_store = locked_load_or_store,
	.load_and_delete = locked_load_and_delete,
	.swap = locked_swap,
	.compare_and_swap = locked_compare_and_swap,
	.compare_and_delete = locked_compare_and_delete,
};
