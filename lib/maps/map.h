/* mb_map: the one interface every map design implements.
 *
 * A design is a const struct mb_map_ops (a table of function pointers, found
 * by name through lib/maps/registry.h).  An instance is a struct mb_map that
 * the design's create() returns; every design embeds struct mb_map as the
 * first member of its own state, so the base pointer and the design's pointer
 * are the same address.
 *
 * Keys are int64s or byte strings, chosen per instance (cfg->key_type) and
 * carried by struct mb_key: a pointer and an int64 passed by value (two
 * registers on x86-64 and arm64), the string's bytes and length, or NULL and
 * the integer.  Why one small struct rather than parallel int and string ops
 * tables, or a key handle: one ops table and one set of wrappers serve both
 * key types, a design that cares (the Go map) picks its int64 or string
 * code path from the type it was created with, as Go's compiler picks
 * mapaccess1_fast64 or mapaccess1_faststr, at the cost of one predictable
 * branch, and an int key costs no memory and no indirection.  A map borrows
 * a string key's bytes, as a Go map holds a string header and not a copy:
 * they must stay valid and unchanged until the map is destroyed (Go's
 * strings are immutable and the GC keeps them alive; here the caller, e.g.
 * the runner's key arena, owns them).  The key type of every call must be
 * the instance's.
 *
 * Values are int64 at the interface; inside a map they are
 * inline int64 (cfg->value_size 0), or, with value_size N > 0, one heap blob
 * of N bytes per stored value, the C analogue of Go boxing a value into an
 * interface{}: every store (and every swap, load_or_store that stores, and
 * compare_and_swap that swaps) allocates a fresh blob through mb_alloc in
 * the MB_ALLOC_VALUES category, and every load reads the value back out of
 * the blob (its first word), so the blob is really touched.  A blob's
 * contents follow from its value (mb_map_blob_fill), so tests can check
 * them.  A replaced or deleted blob is freed once no reader can hold it:
 * plain at once (in the shared misuse mode, at destroy), locked and
 * rwlocked under the write lock (readers copy the value out under the read
 * lock), sync through its RCU reclamation (its value box is the blob).
 * The null design ignores value_size.  The operations are sync.Map's (Go
 * 1.19, plus Go 1.20's Swap, CompareAndSwap, CompareAndDelete); every design
 * implements all of them, under its lock where it has one, and `plain` as a
 * Go program would write them with two map accesses.  Return conventions:
 *   load                1 found (*val set), 0 missing
 *   store               0 stored (inserted or updated)
 *   delete              1 deleted, 0 missing
 *   load_or_store       1 loaded (*actual = existing), 0 stored (*actual = val)
 *   load_and_delete     1 deleted (*val = old value), 0 missing
 *   swap                1 replaced (*prev = old value), 0 inserted
 *   compare_and_swap    1 swapped (the value was old), 0 not
 *   compare_and_delete  1 deleted (the value was old), 0 not
 *   range               0 when done or stopped by fn
 * and a negative value on failure: -ENOMEM, or one of the MB_MAP_FATAL_*
 * codes below when the design detected concurrent misuse (Go's fatal errors).
 * After a fatal code the instance must not be used again except to destroy it.
 *
 * Threads: designs flagged MB_MAP_F_CONCURRENT may be called from any number
 * of threads at once.  A design with thread_online must see every thread
 * call it once before that thread's first op and thread_offline after its
 * last one (sync registers its readers with RCU this way).  Others (plain) may be called from one thread at a time;
 * when cfg->shared says several threads will race on it anyway (the misuse
 * demonstration), the design keeps retired memory alive until destroy() so a
 * racing thread reads stale but valid memory and detection, not a crash, ends
 * the run.  lib/ never prints or exits.
 */
#ifndef MB_MAPS_MAP_H
#define MB_MAPS_MAP_H

#include "lock/policy.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Go's fatal errors, as negative codes outside the errno range. */
enum {
	MB_MAP_FATAL_WRITES = -4097,     /* "concurrent map writes" */
	MB_MAP_FATAL_READ_WRITE = -4098, /* "concurrent map read and map write" */
	MB_MAP_FATAL_ITER_WRITE = -4099, /* "concurrent map iteration and map write" */
};

/* What an op returns when the calling task parked on the design's lock
 * (only with cfg->sched, for a task; see lib/lock/sema.h): the op did
 * nothing visible, and the scheduler runs it again from the start once the
 * lock's release readies the task.  Negative, outside the errno range and
 * not a fatal code. */
#define MB_MAP_PARKED (-4100)

/* Capability flags of a design. */
enum {
	MB_MAP_F_CONCURRENT = 1u << 0,     /* safe under concurrent use */
	MB_MAP_F_DETECTS_MISUSE = 1u << 1, /* may return MB_MAP_FATAL_* */
	MB_MAP_F_LOCK = 1u << 2,           /* takes a lock: cfg->lock applies */
};

/* How the plain map grows (--grow). */
enum mb_map_grow_mode {
	MB_MAP_GROW_INCREMENTAL = 0, /* Go: evacuate at most two old buckets per write */
	MB_MAP_GROW_STW = 1,         /* rehash everything at once when growing */
};

/* The grow modes' names in enum order, NULL-terminated: "incremental",
 * "stw" (--grow and the JSON). */
extern const char *const mb_map_grow_names[];

enum mb_key_type {
	MB_KEY_INT = 0,    /* int64 keys */
	MB_KEY_STRING = 1, /* byte strings of 1..MB_KEY_LEN_MAX bytes */
};

/* The longest string key; a longer benchmark key measures memcmp and the
 * hash, not the map. */
#define MB_KEY_LEN_MAX 1024

/* A key: an int64 (str NULL), or a string key's bytes and length. */
struct mb_key {
	const char *str; /* a string key's bytes (borrowed, see above); NULL for an int */
	union {
		int64_t i;   /* an int key */
		int64_t len; /* a string key's length in bytes */
	};
};

static inline struct mb_key mb_key_int(int64_t i)
{
	return (struct mb_key){.str = NULL, .i = i};
}

static inline struct mb_key mb_key_str(const char *str, int64_t len)
{
	return (struct mb_key){.str = str, .len = len};
}

struct mb_map_config {
	uint64_t hash_seed;      /* hash0 when hash_seed_set, else drawn from getrandom */
	bool hash_seed_set;
	int64_t size_hint;       /* like make(map[K]V, hint); 0 for none */
	bool shared;             /* several OS threads will use it (see above) */
	enum mb_map_grow_mode grow;
	/* 0: int64 values inline; else MB_MAP_VALUE_SIZE_MIN..MAX bytes per
	 * value, one heap blob each (see above). */
	size_t value_size;
	enum mb_key_type key_type;
	/* The design's parameter, e.g. N of sharded:N (mb_registry_parse
	 * checks it against the design's bounds); 0 for the design's default.
	 * Designs without a parameter ignore it. */
	uint32_t param;
	/* The lock a design with MB_MAP_F_LOCK takes (lib/lock/policy.h;
	 * zero: go), and the scheduler hook through which a task waiting for
	 * it parks (NULL: every waiter blocks its thread).  The map layer
	 * reaches the scheduler only through this hook. */
	enum mb_lock_policy lock;
	const struct mb_sched *sched;
};

/* Bounds of a blob's size: it holds at least the int64 value, and at most
 * 64 KiB (a benchmark of bigger values measures memcpy, not the map). */
#define MB_MAP_VALUE_SIZE_MIN 8
#define MB_MAP_VALUE_SIZE_MAX 65536

struct mb_map {
	const struct mb_map_ops *ops;
};

/* One named counter of a design's own (e.g. sync's promotions). */
struct mb_map_stat {
	const char *name; /* snake_case with unit, static storage */
	uint64_t value;
};

#define MB_MAP_MAX_STATS 16

/* Called by range() for each entry; return false to stop. */
typedef bool (*mb_map_range_fn)(struct mb_key key, int64_t val, void *arg);

struct mb_map_ops {
	const char *name;    /* as given to --map */
	const char *summary; /* one line for `mapbench list maps` */
	unsigned flags;      /* MB_MAP_F_* */
	/* Rough bytes per live entry, growth slack included: the memory guard's
	 * estimate, not a measurement (alloc reports those). */
	unsigned bytes_per_entry;
	/* Returns a new instance, or NULL with errno set. */
	struct mb_map *(*create)(const struct mb_map_config *cfg);
	void (*destroy)(struct mb_map *m);
	int (*load)(struct mb_map *m, struct mb_key key, int64_t *val);
	int (*store)(struct mb_map *m, struct mb_key key, int64_t val);
	int (*delete)(struct mb_map *m, struct mb_key key);
	/* Number of live entries; exact when no writer runs concurrently. */
	int64_t (*len)(struct mb_map *m);
	int (*range)(struct mb_map *m, mb_map_range_fn fn, void *arg);
	int (*load_or_store)(struct mb_map *m, struct mb_key key, int64_t val, int64_t *actual);
	int (*load_and_delete)(struct mb_map *m, struct mb_key key, int64_t *val);
	int (*swap)(struct mb_map *m, struct mb_key key, int64_t val, int64_t *prev);
	int (*compare_and_swap)(struct mb_map *m, struct mb_key key, int64_t old, int64_t val);
	int (*compare_and_delete)(struct mb_map *m, struct mb_key key, int64_t old);
	/* Optional (NULL): per-thread registration, see above. */
	void (*thread_online)(struct mb_map *m);
	void (*thread_offline)(struct mb_map *m);
	/* Optional (NULL): the design's own counters, at most max of them;
	 * returns how many were written.  Call when no op runs. */
	size_t (*stats)(struct mb_map *m, struct mb_map_stat *out, size_t max);
};

static inline int mb_map_load(struct mb_map *m, struct mb_key key, int64_t *val)
{
	return m->ops->load(m, key, val);
}

static inline int mb_map_store(struct mb_map *m, struct mb_key key, int64_t val)
{
	return m->ops->store(m, key, val);
}

static inline int mb_map_delete(struct mb_map *m, struct mb_key key)
{
	return m->ops->delete(m, key);
}

static inline int64_t mb_map_len(struct mb_map *m)
{
	return m->ops->len(m);
}

static inline int mb_map_range(struct mb_map *m, mb_map_range_fn fn, void *arg)
{
	return m->ops->range(m, fn, arg);
}

static inline int mb_map_load_or_store(struct mb_map *m, struct mb_key key, int64_t val,
				       int64_t *actual)
{
	return m->ops->load_or_store(m, key, val, actual);
}

static inline int mb_map_load_and_delete(struct mb_map *m, struct mb_key key, int64_t *val)
{
	return m->ops->load_and_delete(m, key, val);
}

static inline int mb_map_swap(struct mb_map *m, struct mb_key key, int64_t val, int64_t *prev)
{
	return m->ops->swap(m, key, val, prev);
}

static inline int mb_map_compare_and_swap(struct mb_map *m, struct mb_key key, int64_t old,
					  int64_t val)
{
	return m->ops->compare_and_swap(m, key, old, val);
}

static inline int mb_map_compare_and_delete(struct mb_map *m, struct mb_key key, int64_t old)
{
	return m->ops->compare_and_delete(m, key, old);
}

static inline void mb_map_thread_online(struct mb_map *m)
{
	if (m->ops->thread_online)
		m->ops->thread_online(m);
}

static inline void mb_map_thread_offline(struct mb_map *m)
{
	if (m->ops->thread_offline)
		m->ops->thread_offline(m);
}

static inline size_t mb_map_stats(struct mb_map *m, struct mb_map_stat *out, size_t max)
{
	return m->ops->stats ? m->ops->stats(m, out, max) : 0;
}

static inline void mb_map_destroy(struct mb_map *m)
{
	if (m)
		m->ops->destroy(m);
}

/* For a design's stats(): copies the first of all[0..n-1] into out, at
 * most max of them, and returns how many. */
size_t mb_map_stats_put(struct mb_map_stat *out, size_t max, const struct mb_map_stat *all,
			size_t n);

/* True for the MB_MAP_FATAL_* codes. */
static inline bool mb_map_is_fatal(int rc)
{
	return rc <= MB_MAP_FATAL_WRITES && rc >= MB_MAP_FATAL_ITER_WRITE;
}

/* Go's exact message for a MB_MAP_FATAL_* code; NULL for any other code. */
const char *mb_map_fatal_message(int rc);

/* Writes value blob contents for val into the size bytes at p (size >=
 * MB_MAP_VALUE_SIZE_MIN): val in the first 8 bytes (native order), then
 * the byte (uint8_t)val ^ 0xa5 repeated, cheap to write and to check. */
void mb_map_blob_fill(void *p, size_t size, int64_t val);
/* True when the size bytes at p are exactly what mb_map_blob_fill wrote for
 * the value in their first word. */
bool mb_map_blob_check(const void *p, size_t size);
/* A new blob of size bytes for val, counted in MB_ALLOC_VALUES; NULL when
 * out of memory.  Released with mb_free(MB_ALLOC_VALUES, p). */
void *mb_map_blob_new(size_t size, int64_t val);

/* The value a blob holds: its first word. */
static inline int64_t mb_map_blob_value(const void *p)
{
	int64_t v;
	memcpy(&v, p, sizeof v);
	return v;
}

#endif
