/* sharded:N: N Go-map cores, a mutex each.  See sharded.h. */
#include "maps/sharded.h"

#include "lock/policy.h"
#include "maps/gomap.h"
#include "measure/alloc.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#define LINE 64

/* Shards on cache lines of their own, so two threads on two shards share
 * nothing. */
struct shard {
	_Alignas(LINE) struct mb_lock lock;
	struct mb_gomap *core;
};

struct sharded {
	struct mb_map base; /* first: the base pointer is the map pointer */
	struct shard *shards; /* LINE-aligned inside raw */
	void *raw;
	uint32_t n;
	unsigned shift; /* 64 - log2(n): the shard is the hash's top bits */
	uint64_t seed;  /* the shard hash's, none of the cores' */
	bool strkeys;
};

int mb_sharded_check_param(uint32_t n)
{
	if (n == 0)
		return 0;
	if (n < MB_SHARDED_MIN || n > MB_SHARDED_MAX)
		return -ERANGE;
	return (n & (n - 1)) == 0 ? 0 : -EINVAL;
}

/* The next seed of a stream (splitmix64): distinct and well mixed. */
static uint64_t next_seed(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static inline uint32_t shard_index(const struct sharded *m, struct mb_key key)
{
	uint64_t h = m->strkeys ? XXH3_64bits_withSeed(key.str, (size_t)key.len, m->seed)
				: XXH3_64bits_withSeed(&key.i, sizeof key.i, m->seed);
	return m->n == 1 ? 0 : (uint32_t)(h >> m->shift);
}

/* The lock of key's shard, taken as the locked design takes its one lock
 * (policy.h: statistics, lock-wait pauses); NULL when the calling task
 * parked.  An op takes one shard's lock before it touches the shard, so it
 * can run again from the start; and it always comes back to the same
 * shard (the key picks it), where its pending acquire continues. */
static inline struct shard *lock_shard(struct sharded *m, struct mb_key key)
{
	struct shard *s = &m->shards[shard_index(m, key)];
	return mb_lock_write(&s->lock) ? NULL : s;
}

static inline void unlock_shard(struct shard *s)
{
	mb_lock_write_unlock(&s->lock);
}

static void sharded_destroy(struct mb_map *base)
{
	struct sharded *m = (struct sharded *)base;
	if (!m)
		return;
	for (uint32_t i = 0; i < m->n && m->shards; i++) {
		if (!m->shards[i].core)
			break; /* a create that failed here: later shards were never made */
		mb_lock_destroy(&m->shards[i].lock);
		mb_gomap_destroy(m->shards[i].core);
	}
	mb_free(MB_ALLOC_OTHER, m->raw);
	mb_free(MB_ALLOC_OTHER, m);
}

static struct mb_map *sharded_create(const struct mb_map_config *cfg)
{
	struct mb_map_config def = {0};
	if (!cfg)
		cfg = &def;
	int rc = mb_sharded_check_param(cfg->param);
	if (rc) {
		errno = -rc;
		return NULL;
	}
	uint32_t n = cfg->param ? cfg->param : MB_SHARDED_DEFAULT;
	struct sharded *m = mb_calloc(MB_ALLOC_OTHER, 1, sizeof *m);
	if (!m) {
		errno = ENOMEM;
		return NULL;
	}
	m->base.ops = &mb_sharded_ops;
	m->n = n;
	m->shift = 64 - (unsigned)__builtin_ctz(n);
	m->strkeys = cfg->key_type == MB_KEY_STRING;
	m->raw = mb_calloc(MB_ALLOC_OTHER, 1, (size_t)n * sizeof(struct shard) + LINE - 1);
	if (!m->raw) {
		mb_free(MB_ALLOC_OTHER, m);
		errno = ENOMEM;
		return NULL;
	}
	m->shards = (struct shard *)(((uintptr_t)m->raw + LINE - 1) & ~(uintptr_t)(LINE - 1));
	/* One seed stream: the shard hash's seed, then one per core.  From
	 * --hash-seed when given (reproducible, and still no core shares the
	 * seed a plain map would get), else from getrandom. */
	uint64_t stream = cfg->hash_seed ^ UINT64_C(0x5368617264656421);
	if (!cfg->hash_seed_set && getrandom(&stream, sizeof stream, 0) != sizeof stream)
		stream = (uint64_t)(uintptr_t)m ^ UINT64_C(0x2545f4914f6cdd1d);
	m->seed = next_seed(&stream);
	struct mb_map_config core = *cfg;
	core.shared = false; /* each core is only used under its lock */
	core.hash_seed_set = true;
	core.param = 0;
	core.size_hint = cfg->size_hint > 0 ? (cfg->size_hint + n - 1) / n : 0;
	for (uint32_t i = 0; i < n; i++) {
		core.hash_seed = next_seed(&stream);
		struct mb_gomap *g = mb_gomap_create(&core);
		rc = g ? mb_lock_init(&m->shards[i].lock, cfg->lock, false, cfg->sched) : -ENOMEM;
		if (rc) {
			mb_gomap_destroy(g);
			sharded_destroy(&m->base);
			errno = -rc;
			return NULL;
		}
		m->shards[i].core = g;
	}
	return &m->base;
}

uint32_t mb_sharded_shard_of(const struct mb_map *base, struct mb_key key)
{
	return shard_index((const struct sharded *)base, key);
}

void mb_sharded_get_stats(struct mb_map *base, struct mb_sharded_stats *st)
{
	struct sharded *m = (struct sharded *)base;
	*st = (struct mb_sharded_stats){.shards = m->n, .len_min = INT64_MAX, .len_max = 0};
	for (uint32_t i = 0; i < m->n; i++) {
		/* the main thread, no task: it blocks, never parks */
		if (mb_lock_read(&m->shards[i].lock))
			return;
		int64_t len = mb_gomap_len(m->shards[i].core);
		mb_lock_read_unlock(&m->shards[i].lock);
		if (len < st->len_min)
			st->len_min = len;
		if (len > st->len_max)
			st->len_max = len;
	}
}

/* Each op: its shard's lock around the core's op. */
#define SHARD_OP(call)                                             \
	struct sharded *m = (struct sharded *)base;                 \
	struct shard *s = lock_shard(m, key);                       \
	if (!s)                                                     \
		return MB_MAP_PARKED;                               \
	int rc = call;                                              \
	unlock_shard(s);                                            \
	return rc

static int sharded_load(struct mb_map *base, struct mb_key key, int64_t *val)
{
	SHARD_OP(mb_gomap_load_key(s->core, key, val));
}

static int sharded_store(struct mb_map *base, struct mb_key key, int64_t val)
{
	SHARD_OP(mb_gomap_store_key(s->core, key, val));
}

static int sharded_delete(struct mb_map *base, struct mb_key key)
{
	SHARD_OP(mb_gomap_delete_key(s->core, key));
}

static int sharded_load_or_store(struct mb_map *base, struct mb_key key, int64_t val,
				 int64_t *actual)
{
	SHARD_OP(mb_gomap_load_or_store(s->core, key, val, actual));
}

static int sharded_load_and_delete(struct mb_map *base, struct mb_key key, int64_t *val)
{
	SHARD_OP(mb_gomap_load_and_delete(s->core, key, val));
}

static int sharded_swap(struct mb_map *base, struct mb_key key, int64_t val, int64_t *prev)
{
	SHARD_OP(mb_gomap_swap(s->core, key, val, prev));
}

static int sharded_compare_and_swap(struct mb_map *base, struct mb_key key, int64_t old,
				    int64_t val)
{
	SHARD_OP(mb_gomap_compare_and_swap(s->core, key, old, val));
}

static int sharded_compare_and_delete(struct mb_map *base, struct mb_key key, int64_t old)
{
	SHARD_OP(mb_gomap_compare_and_delete(s->core, key, old));
}

/* Shard by shard, each locked while its core is ranged (as Go libraries'
 * IterCb do). */
struct range_stop {
	mb_map_range_fn fn;
	void *arg;
	bool stopped;
};

static bool range_visit(struct mb_key key, int64_t val, void *arg)
{
	struct range_stop *r = arg;
	if (r->fn(key, val, r->arg))
		return true;
	r->stopped = true;
	return false;
}

/* A task that parks at shard i has already visited shards 0..i-1: running
 * the range again from the start would visit their keys twice.  So the
 * range resumes at shard i (its record's continuation), as a goroutine
 * blocked in shard i's Lock would go on from there. */
static int sharded_range(struct mb_map *base, mb_map_range_fn fn, void *arg)
{
	struct sharded *m = (struct sharded *)base;
	struct range_stop r = {fn, arg, false};
	int rc = 0;
	uint32_t i = 0;
	struct mb_waiter *w = mb_lock_resumed();
	if (w && w->cont_owner == m) {
		i = (uint32_t)w->cont[0];
		w->cont_owner = NULL;
	}
	for (; i < m->n && !r.stopped && rc == 0; i++) {
		/* noted before the lock may queue our record: another worker
		 * may run it at once */
		mb_lock_cont_note(m, i, 0);
		if (mb_lock_read(&m->shards[i].lock))
			return MB_MAP_PARKED;
		mb_lock_cont_clear();
		rc = mb_gomap_range_key(m->shards[i].core, range_visit, &r);
		mb_lock_read_unlock(&m->shards[i].lock);
	}
	return rc;
}

/* Called by threads that are not tasks (the runner's main thread): they
 * block, never park. */
static int64_t sharded_len(struct mb_map *base)
{
	struct sharded *m = (struct sharded *)base;
	int64_t n = 0;
	for (uint32_t i = 0; i < m->n; i++) {
		if (mb_lock_read(&m->shards[i].lock))
			return -1; /* not reached: only a task parks */
		n += mb_gomap_len(m->shards[i].core);
		mb_lock_read_unlock(&m->shards[i].lock);
	}
	return n;
}

static size_t sharded_stats(struct mb_map *base, struct mb_map_stat *out, size_t max)
{
	struct mb_sharded_stats st;
	mb_sharded_get_stats(base, &st);
	const struct mb_map_stat all[] = {
		{"shards", st.shards},
		{"shard_len_min", (uint64_t)st.len_min},
		{"shard_len_max", (uint64_t)st.len_max},
	};
	return mb_map_stats_put(out, max, all, sizeof all / sizeof all[0]);
}

const struct mb_map_ops mb_sharded_ops = {
	.name = "sharded",
	.summary = "N Go maps (default 32), a mutex each (--lock picks it), sharded by an independent hash (sharded:N)",
	.flags = MB_MAP_F_CONCURRENT | MB_MAP_F_LOCK,
	.bytes_per_entry = 48, /* the Go map's */
	.create = sharded_create,
	.destroy = sharded_destroy,
	.load = sharded_load,
	.store = sharded_store,
	.delete = sharded_delete,
	.len = sharded_len,
	.range = sharded_range,
	.load_or_store = sharded_load_or_store,
	.load_and_delete = sharded_load_and_delete,
	.swap = sharded_swap,
	.compare_and_swap = sharded_compare_and_swap,
	.compare_and_delete = sharded_compare_and_delete,
	.stats = sharded_stats,
};
