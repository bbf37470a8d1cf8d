/* The locked designs: one Go-map core, one lock, and a policy saying which
 * side of the lock each operation takes.  See locked.h. */
#include "maps/locked.h"

#include "maps/gomap.h"
#include "measure/alloc.h"
#include "measure/pause.h"

#include <errno.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdlib.h>

union lock {
	pthread_mutex_t mutex;
	pthread_rwlock_t rw;
};

/* Each side has a try form: an uncontended acquire costs no clock read,
 * a contended one is timed as a lock-wait pause. */
struct lock_policy {
	int (*init)(union lock *l);
	void (*destroy)(union lock *l);
	void (*read_lock)(union lock *l);
	bool (*read_trylock)(union lock *l);
	void (*write_lock)(union lock *l);
	bool (*write_trylock)(union lock *l);
	void (*unlock)(union lock *l);
};

struct locked_map {
	struct mb_map base; /* first: the base pointer is the map pointer */
	const struct lock_policy *policy;
	struct mb_gomap *core;
	union lock lock;
};

/* An adaptive mutex spins a little before sleeping, as Go's sync.Mutex spins
 * before parking: the closest glibc analogue of the lock Go programs use. */
static int mutex_init(union lock *l)
{
	pthread_mutexattr_t attr;
	int rc = pthread_mutexattr_init(&attr);
	if (rc)
		return rc;
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
	rc = pthread_mutex_init(&l->mutex, &attr);
	pthread_mutexattr_destroy(&attr);
	return rc;
}

static void mutex_destroy(union lock *l)
{
	pthread_mutex_destroy(&l->mutex);
}

static void mutex_lock(union lock *l)
{
	pthread_mutex_lock(&l->mutex);
}

static bool mutex_trylock(union lock *l)
{
	return pthread_mutex_trylock(&l->mutex) == 0;
}

static void mutex_unlock(union lock *l)
{
	pthread_mutex_unlock(&l->mutex);
}

/* Writer preference is Go's RWMutex rule: a pending Lock blocks new RLocks,
 * so a stream of readers cannot starve a writer.  glibc's default prefers
 * readers, hence the non-recursive writer-preferring kind. */
static int rw_init(union lock *l)
{
	pthread_rwlockattr_t attr;
	int rc = pthread_rwlockattr_init(&attr);
	if (rc)
		return rc;
	pthread_rwlockattr_setkind_np(&attr,
		PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	rc = pthread_rwlock_init(&l->rw, &attr);
	pthread_rwlockattr_destroy(&attr);
	return rc;
}

static void rw_destroy(union lock *l)
{
	pthread_rwlock_destroy(&l->rw);
}

static void rw_read_lock(union lock *l)
{
	pthread_rwlock_rdlock(&l->rw);
}

static void rw_write_lock(union lock *l)
{
	pthread_rwlock_wrlock(&l->rw);
}

static bool rw_read_trylock(union lock *l)
{
	return pthread_rwlock_tryrdlock(&l->rw) == 0;
}

static bool rw_write_trylock(union lock *l)
{
	return pthread_rwlock_trywrlock(&l->rw) == 0;
}

static void rw_unlock(union lock *l)
{
	pthread_rwlock_unlock(&l->rw);
}

static const struct lock_policy mutex_policy = {
	.init = mutex_init,
	.destroy = mutex_destroy,
	.read_lock = mutex_lock,
	.read_trylock = mutex_trylock,
	.write_lock = mutex_lock,
	.write_trylock = mutex_trylock,
	.unlock = mutex_unlock,
};

static const struct lock_policy rw_policy = {
	.init = rw_init,
	.destroy = rw_destroy,
	.read_lock = rw_read_lock,
	.read_trylock = rw_read_trylock,
	.write_lock = rw_write_lock,
	.write_trylock = rw_write_trylock,
	.unlock = rw_unlock,
};

static void read_side(struct locked_map *m)
{
	if (m->policy->read_trylock(&m->lock))
		return;
	uint64_t t0 = mb_pause_begin();
	m->policy->read_lock(&m->lock);
	mb_pause_end(MB_PAUSE_LOCK_WAIT, t0, -1);
}

static void write_side(struct locked_map *m)
{
	if (m->policy->write_trylock(&m->lock))
		return;
	uint64_t t0 = mb_pause_begin();
	m->policy->write_lock(&m->lock);
	mb_pause_end(MB_PAUSE_LOCK_WAIT, t0, -1);
}

static struct mb_map *create_with(const struct mb_map_ops *ops,
				  const struct lock_policy *policy,
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
	int rc = policy->init(&m->lock);
	if (rc) {
		mb_gomap_destroy(m->core);
		mb_free(MB_ALLOC_OTHER, m);
		errno = rc;
		return NULL;
	}
	m->base.ops = ops;
	m->policy = policy;
	return &m->base;
}

static void locked_destroy(struct mb_map *base)
{
	struct locked_map *m = (struct locked_map *)base;
	m->policy->destroy(&m->lock);
	mb_gomap_destroy(m->core);
	mb_free(MB_ALLOC_OTHER, m);
}

static int locked_load(struct mb_map *base, struct mb_key key, int64_t *val)
{
	struct locked_map *m = (struct locked_map *)base;
	read_side(m);
	int rc = mb_gomap_load_key(m->core, key, val);
	m->policy->unlock(&m->lock);
	return rc;
}

static int locked_store(struct mb_map *base, struct mb_key key, int64_t val)
{
	struct locked_map *m = (struct locked_map *)base;
	write_side(m);
	int rc = mb_gomap_store_key(m->core, key, val);
	m->policy->unlock(&m->lock);
	return rc;
}

static int locked_delete(struct mb_map *base, struct mb_key key)
{
	struct locked_map *m = (struct locked_map *)base;
	write_side(m);
	int rc = mb_gomap_delete_key(m->core, key);
	m->policy->unlock(&m->lock);
	return rc;
}

static int64_t locked_len(struct mb_map *base)
{
	struct locked_map *m = (struct locked_map *)base;
	read_side(m);
	int64_t n = mb_gomap_len(m->core);
	m->policy->unlock(&m->lock);
	return n;
}

static int locked_range(struct mb_map *base, mb_map_range_fn fn, void *arg)
{
	struct locked_map *m = (struct locked_map *)base;
	read_side(m);
	int rc = mb_gomap_range_key(m->core, fn, arg);
	m->policy->unlock(&m->lock);
	return rc;
}

/* The compound operations take the write side once, so each is atomic. */
static int locked_load_or_store(struct mb_map *base, struct mb_key key, int64_t val, int64_t *actual)
{
	struct locked_map *m = (struct locked_map *)base;
	write_side(m);
	int rc = mb_gomap_load_or_store(m->core, key, val, actual);
	m->policy->unlock(&m->lock);
	return rc;
}

static int locked_load_and_delete(struct mb_map *base, struct mb_key key, int64_t *val)
{
	struct locked_map *m = (struct locked_map *)base;
	write_side(m);
	int rc = mb_gomap_load_and_delete(m->core, key, val);
	m->policy->unlock(&m->lock);
	return rc;
}

static int locked_swap(struct mb_map *base, struct mb_key key, int64_t val, int64_t *prev)
{
	struct locked_map *m = (struct locked_map *)base;
	write_side(m);
	int rc = mb_gomap_swap(m->core, key, val, prev);
	m->policy->unlock(&m->lock);
	return rc;
}

static int locked_compare_and_swap(struct mb_map *base, struct mb_key key, int64_t old, int64_t val)
{
	struct locked_map *m = (struct locked_map *)base;
	write_side(m);
	int rc = mb_gomap_compare_and_swap(m->core, key, old, val);
	m->policy->unlock(&m->lock);
	return rc;
}

static int locked_compare_and_delete(struct mb_map *base, struct mb_key key, int64_t old)
{
	struct locked_map *m = (struct locked_map *)base;
	write_side(m);
	int rc = mb_gomap_compare_and_delete(m->core, key, old);
	m->policy->unlock(&m->lock);
	return rc;
}

static struct mb_map *mutex_create(const struct mb_map_config *cfg)
{
	return create_with(&mb_locked_ops, &mutex_policy, cfg);
}

static struct mb_map *rw_create(const struct mb_map_config *cfg)
{
	return create_with(&mb_rwlocked_ops, &rw_policy, cfg);
}

const struct mb_map_ops mb_locked_ops = {
	.name = "locked",
	.summary = "Go map behind one mutex (map + sync.Mutex)",
	.flags = MB_MAP_F_CONCURRENT,
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
	.summary = "Go map behind a writer-preferring reader-writer lock (map + sync.RWMutex)",
	.flags = MB_MAP_F_CONCURRENT,
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
