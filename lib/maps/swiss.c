/* Go 1.24's runtime map (Swiss tables with extendible hashing) for int64 or
 * string keys and int64 values (inline or as blobs).  See swiss.h.
 *
 * How it works
 * ------------
 * One seeded 64-bit hash per key.  Its low 7 bits (H2) go into the slot's
 * control byte; the rest (H1 = hash >> 7) starts the probe sequence; its top
 * bits pick the table through the directory.
 *
 * Group: a control word of 8 bytes, one per slot (empty 0x80, deleted 0xFE,
 * full 0hhhhhhh = H2), then 8 slots of {key, value}.  The three match
 * functions test all 8 control bytes at once with 64-bit arithmetic (Go's
 * portable group.go; matchH2 may report a false positive next to a true
 * match, only ever on a full slot, and the key compare rejects it).
 *
 * Table: 2^k groups (8 to 1024 slots).  A lookup probes groups H1, H1+1,
 * H1+1+2, ... (triangular numbers, modulo the group count: every group
 * once) and stops at the first group with an empty slot.  growthLeft counts
 * the slots that may still be filled before the table holds 7/8 of its
 * capacity in entries plus tombstones.  Deleting from a group that has an
 * empty slot empties the slot (no probe can pass that group) and gives
 * growthLeft back; deleting from a full group leaves a tombstone, which a
 * later insert on that probe path reuses without taking growthLeft.  An
 * insert of a new key that finds growthLeft at 0 (and no tombstone on its
 * path) rehashes the table: into one of twice the capacity up to 1024
 * slots, else it splits it into two 1024-slot tables by the next hash bit
 * from the top.  Rehash drops every tombstone.
 *
 * Map: a directory of 2^globalDepth table pointers indexed by the top
 * globalDepth bits of the hash; a table of localDepth d appears in
 * 2^(globalDepth-d) consecutive entries starting at its `index`.  A split
 * of a table whose localDepth equals globalDepth first doubles the
 * directory (every pointer copied twice).  Up to 8 entries live in one
 * group without a table (a small map); the Put that finds it holding 8
 * converts it into a 16-slot table.
 *
 * Iteration (map.go's Iter): from a random directory offset and a random
 * slot offset, table by table.  The iterator keeps the table it started
 * walking; if that table is replaced meanwhile (index -1: grown or split),
 * it still decides from the old slots which keys to return, so none comes
 * twice, and looks each one up in the current map for its latest value,
 * skipping those deleted since.  When the directory doubles, its index and
 * offset double with it.  A replaced table, small group or directory is
 * therefore kept (retired, not freed) while an iteration runs, and until
 * destroy when the map is shared by racing threads.
 *
 * As in gomap.c, each hot function takes the key type as a bool S and is
 * forced inline into an int64 and a string entry point, so the offsets of
 * the 16-byte int slot and the 24-byte string slot are constants.
 */
#include "maps/swiss.h"

#include "measure/alloc.h"
#include "measure/pause.h"

#include <endian.h>
#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#define ALWAYS_INLINE inline __attribute__((always_inline))
#define NOINLINE __attribute__((noinline))

#define SLOTS MB_SWISS_GROUP_SLOTS
#define MAX_CAP MB_SWISS_MAX_TABLE_CAPACITY
#define EMPTY MB_SWISS_CTRL_EMPTY
#define DELETED MB_SWISS_CTRL_DELETED

#define LSB UINT64_C(0x0101010101010101)
#define MSB UINT64_C(0x8080808080808080)

/* A string key's slot: Go's string header. */
struct strhdr {
	const char *p;
	size_t len;
};

#define SLOT_SIZE(S) ((S) ? sizeof(struct strhdr) + 8 : 16)
#define VAL_OFF(S) ((S) ? sizeof(struct strhdr) : 8)
#define GROUP_SIZE(S) (8 + SLOTS * SLOT_SIZE(S))

/* A table: Go's table struct, a small header apart from its groups array
 * (groupsReference: data and lengthMask).  Headers come from the map's
 * own chunks (struct hdr_chunk), as Go's come from spans of one size
 * class, so they sit together on a few pages.  A lookup reads its table's
 * header, then a group: with each header in front of its groups, the 2048
 * headers of a 1M-entry map took 2048 pages, and a lookup paid a TLB miss
 * for the header's page besides the group's (malloc'd one by one, apart
 * from the groups, they still took 1135).  Only used, growth_left and
 * stale change after creation: a racing reader that holds a table always
 * sees groups and mask that belong together.
 *
 * Go's table.index (its first directory entry) is derived here from the
 * top local_depth bits of its keys' hashes: index = prefix <<
 * (globalDepth - localDepth).  Go stores it and rewrites it in every
 * table when the directory doubles; same values, same rules, and a
 * doubling here copies pointers only. */
struct table {
	uint16_t used, capacity, growth_left;
	uint8_t local_depth;
	bool stale;      /* replaced (grown or split): Go's index == -1 */
	uint64_t prefix; /* the top local_depth bits of every key's hash */
	uint64_t mask;   /* group count - 1 */
	union {
		unsigned char *groups;   /* mask + 1 groups, MB_ALLOC_BUCKETS */
		struct table *next_free; /* on the map's free list of headers */
	};
};

/* Table headers, HDRS_PER_CHUNK to a chunk of about a page (MB_ALLOC_OTHER).
 * Taken by an atomic bump, so racing writers of a shared map never get the
 * same one; chunks are freed only by mb_swiss_destroy.  A header whose
 * table is freed goes to the map's free list (never with cfg->shared,
 * whose tables are all kept until destroy). */
#define HDRS_PER_CHUNK MB_SWISS_HEADERS_PER_CHUNK
struct hdr_chunk {
	struct hdr_chunk *next;
	atomic_uint used;
	struct table t[HDRS_PER_CHUNK];
};

/* The directory, with its depth, so one pointer load gives a consistent
 * view (Go keeps dirPtr and dirLen apart; a racing C reader could pair an
 * old pointer with a new length). */
struct dir {
	uint64_t len;
	uint64_t mask;         /* len - 1 */
	uint8_t shift;         /* 64 - global_depth, Go's globalShift */
	uint8_t global_depth;
	struct table *t[];
};

/* Go's table.index: t's first directory entry in d (t live, in d). */
static inline uint64_t table_index(const struct dir *d, const struct table *t)
{
	return t->prefix << (d->global_depth - t->local_depth);
}

/* Memory that may still be read: freed once no iteration runs (or at
 * destroy when shared).  A lock-free stack: in the shared misuse mode two
 * racing writers may retire at once, and their race must not corrupt the
 * list that keeps the memory valid for everyone else. */
struct retired {
	struct retired *next;
	void *p;
	enum mb_alloc_cat cat;
	bool table; /* p is a struct table: its groups, then its header */
};

struct mb_swiss {
	struct mb_map base; /* first: a *mb_swiss is the `swiss` mb_map */
	uint64_t used;
	uint64_t seed;
	struct dir *dir;         /* NULL while small */
	unsigned char *small;    /* the small map's group (dir NULL), else NULL */
	/* Go's `writing`: toggled with XOR by every write.  Atomic so the
	 * detector itself is not a data race; readers only look. */
	_Atomic uint8_t writing;
	size_t vsize;            /* 0: values inline, else blob bytes */
	bool strkeys;
	bool shared;
	uint64_t rng;            /* new seeds when the map empties */
	atomic_uint_fast64_t iter_seq;
	atomic_int active_iters;
	_Atomic(struct retired *) retired;
	_Atomic(struct hdr_chunk *) hdr_chunks; /* newest first */
	struct table *hdr_free;  /* headers of freed tables (not shared) */
	/* statistics */
	uint64_t ntables, grows, small_to_table, splits, dir_doublings;
	uint64_t grow_moved, split_moved;
};

/* ---- small helpers ---------------------------------------------------- */

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static ALWAYS_INLINE uint64_t hash_key(const struct mb_swiss *m, struct mb_key k, bool S)
{
	if (S)
		return XXH3_64bits_withSeed(k.str, (size_t)k.len, m->seed);
	return XXH3_64bits_withSeed(&k.i, sizeof k.i, m->seed);
}

static ALWAYS_INLINE uint64_t h1(uint64_t hash)
{
	return hash >> 7;
}

static ALWAYS_INLINE uint8_t h2(uint64_t hash)
{
	return (uint8_t)(hash & 0x7f);
}

/* The control word, byte i = slot i. */
static ALWAYS_INLINE uint64_t ctrl_word(const unsigned char *g)
{
	uint64_t c;
	memcpy(&c, g, sizeof c);
	return le64toh(c);
}

static ALWAYS_INLINE void ctrl_setall_empty(unsigned char *g)
{
	memset(g, EMPTY, SLOTS);
}

/* The match functions are group.go's portable ones.  go1.24 on amd64
 * compiles them to SSE2 instead (PCMPEQB, PMOVMSKB: one bit per slot, no
 * false positive; CL 626277, golang/go#71255): the same sets, bar the rare
 * false positive below that the key compare rejects, for about as many
 * instructions, so the port keeps one portable form.
 *
 * Bit 7 of byte i set for each slot whose control byte is h (plus, rarely,
 * a full slot right after a true match: the borrow of the subtraction). */
static ALWAYS_INLINE uint64_t match_h2(uint64_t c, uint8_t h)
{
	uint64_t v = c ^ (LSB * h);
	return (v - LSB) & ~v & MSB;
}

/* Empty (0x80) has bit 7 set and bit 1 clear; deleted (0xFE) has both. */
static ALWAYS_INLINE uint64_t match_empty(uint64_t c)
{
	return c & ~(c << 6) & MSB;
}

static ALWAYS_INLINE uint64_t match_empty_or_deleted(uint64_t c)
{
	return c & MSB;
}

static ALWAYS_INLINE uint64_t match_full(uint64_t c)
{
	return ~c & MSB;
}

static ALWAYS_INLINE unsigned first(uint64_t b)
{
	return (unsigned)__builtin_ctzll(b) >> 3;
}

static ALWAYS_INLINE unsigned char *group_at(const struct table *t, uint64_t gi, bool S)
{
	return (unsigned char *)t->groups + gi * GROUP_SIZE(S);
}

static ALWAYS_INLINE unsigned char *slot_at(unsigned char *g, unsigned i, bool S)
{
	return g + 8 + i * SLOT_SIZE(S);
}

static ALWAYS_INLINE int64_t *slot_ikey(unsigned char *s)
{
	return (int64_t *)s;
}

static ALWAYS_INLINE struct strhdr *slot_skey(unsigned char *s)
{
	return (struct strhdr *)s;
}

static ALWAYS_INLINE int64_t *slot_val(unsigned char *s, bool S)
{
	return (int64_t *)(s + VAL_OFF(S));
}

static ALWAYS_INLINE bool key_eq(unsigned char *s, struct mb_key k, bool S)
{
	if (!S)
		return *slot_ikey(s) == k.i;
	const struct strhdr *h = slot_skey(s);
	return h->len == (size_t)k.len && (h->p == k.str || memcmp(h->p, k.str, h->len) == 0);
}

static ALWAYS_INLINE struct mb_key slot_key(unsigned char *s, bool S)
{
	if (!S)
		return mb_key_int(*slot_ikey(s));
	return mb_key_str(slot_skey(s)->p, (int64_t)slot_skey(s)->len);
}

static ALWAYS_INLINE void set_key(unsigned char *s, struct mb_key k, bool S)
{
	if (S)
		*slot_skey(s) = (struct strhdr){k.str, (size_t)k.len};
	else
		*slot_ikey(s) = k.i;
}

static ALWAYS_INLINE uint64_t dir_index(const struct dir *d, uint64_t hash)
{
	/* Go: hash >> globalShift, and 0 for a one-entry directory.  Here
	 * without a branch: the shift is taken mod 64 (so 64 -> 0) and the
	 * mask (0 for one entry) does the rest. */
	return (hash >> (d->shift & 63)) & d->mask;
}

static inline int64_t slot_value(const struct mb_swiss *m, int64_t raw)
{
	return m->vsize ? mb_map_blob_value((const void *)(intptr_t)raw) : raw;
}

static inline bool writing(const struct mb_swiss *m)
{
	return atomic_load_explicit(&m->writing, memory_order_relaxed) != 0;
}

/* The toggles around a write; end returns false when another writer
 * toggled meanwhile ("concurrent map writes"). */
static inline void toggle_writing(struct mb_swiss *m)
{
	atomic_fetch_xor_explicit(&m->writing, 1, memory_order_acq_rel);
}

static inline bool end_write(struct mb_swiss *m)
{
	return atomic_fetch_xor_explicit(&m->writing, 1, memory_order_acq_rel) != 0;
}

/* ---- memory ------------------------------------------------------------ */

static bool keep_retired(const struct mb_swiss *m)
{
	return m->shared || atomic_load_explicit(&m->active_iters, memory_order_acquire) > 0;
}

static void retire_push(struct mb_swiss *m, struct retired *n, void *p, enum mb_alloc_cat cat,
			bool table)
{
	n->p = p;
	n->cat = cat;
	n->table = table;
	n->next = atomic_load_explicit(&m->retired, memory_order_relaxed);
	while (!atomic_compare_exchange_weak_explicit(&m->retired, &n->next, n,
						      memory_order_release, memory_order_relaxed))
		;
}

/* p (of category cat) left the map: freed now, or kept while someone may
 * still read it.  Returns 0 or -ENOMEM (only when it cannot be kept). */
static int drop(struct mb_swiss *m, void *p, enum mb_alloc_cat cat)
{
	if (!keep_retired(m)) {
		mb_free(cat, p);
		return 0;
	}
	struct retired *n = mb_malloc(MB_ALLOC_OTHER, sizeof *n);
	if (!n)
		return -ENOMEM;
	retire_push(m, n, p, cat, false);
	return 0;
}

/* A table header, from the free list or a chunk; NULL when out of memory. */
static struct table *hdr_get(struct mb_swiss *m)
{
	struct table *t = m->hdr_free;
	if (t && !m->shared) {
		m->hdr_free = t->next_free;
		return t;
	}
	for (;;) {
		struct hdr_chunk *c = atomic_load_explicit(&m->hdr_chunks, memory_order_acquire);
		if (c) {
			unsigned i = atomic_fetch_add_explicit(&c->used, 1, memory_order_relaxed);
			if (i < HDRS_PER_CHUNK)
				return &c->t[i];
		}
		struct hdr_chunk *nc = mb_malloc(MB_ALLOC_OTHER, sizeof *nc);
		if (!nc)
			return NULL;
		nc->next = c;
		atomic_init(&nc->used, 1);
		if (atomic_compare_exchange_strong_explicit(&m->hdr_chunks, &c, nc,
							    memory_order_acq_rel,
							    memory_order_acquire))
			return &nc->t[0];
		mb_free(MB_ALLOC_OTHER, nc); /* a racing writer added one */
	}
}

/* Frees t's groups and gives its header back (NULL is fine). */
static void table_free(struct mb_swiss *m, struct table *t)
{
	if (!t)
		return;
	mb_free(MB_ALLOC_BUCKETS, t->groups);
	if (!m->shared) {
		t->next_free = m->hdr_free;
		m->hdr_free = t;
	}
}

static void free_hdr_chunks(struct mb_swiss *m)
{
	struct hdr_chunk *c = atomic_exchange(&m->hdr_chunks, NULL);
	while (c) {
		struct hdr_chunk *next = c->next;
		mb_free(MB_ALLOC_OTHER, c);
		c = next;
	}
	m->hdr_free = NULL;
}

static void free_retired(struct mb_swiss *m)
{
	struct retired *n = atomic_exchange_explicit(&m->retired, NULL, memory_order_acquire);
	while (n) {
		struct retired *next = n->next;
		if (n->table)
			table_free(m, n->p);
		else
			mb_free(n->cat, n->p);
		mb_free(MB_ALLOC_OTHER, n);
		n = next;
	}
}

/* What a rehash will drop, decided and allocated before it changes
 * anything, so it never fails half done. */
struct drops {
	bool keep;
	struct retired *n[2];
};

static int drops_prepare(struct mb_swiss *m, struct drops *dr, int count)
{
	*dr = (struct drops){.keep = keep_retired(m)};
	for (int i = 0; dr->keep && i < count; i++)
		if (!(dr->n[i] = mb_malloc(MB_ALLOC_OTHER, sizeof *dr->n[i])))
			return -ENOMEM;
	return 0;
}

/* p (of category cat, or a table when cat is -1) leaves the map. */
static void drops_put(struct mb_swiss *m, struct drops *dr, void *p, int cat)
{
	bool table = cat < 0;
	for (int i = 0; dr->keep && i < 2; i++)
		if (dr->n[i]) {
			retire_push(m, dr->n[i], p, table ? MB_ALLOC_BUCKETS : (enum mb_alloc_cat)cat,
				    table);
			dr->n[i] = NULL;
			return;
		}
	if (table)
		table_free(m, p);
	else
		mb_free((enum mb_alloc_cat)cat, p);
}

#define DROP_TABLE (-1)

/* Frees the nodes not used. */
static void drops_release(struct drops *dr)
{
	for (int i = 0; i < 2; i++)
		mb_free(MB_ALLOC_OTHER, dr->n[i]);
}

/* newTable: capacity raised to 8 and to a power of two, every control byte
 * empty, growthLeft as resetGrowthLeft (capacity - 1 for one group, else
 * 7/8 of it).  NULL when out of memory. */
static struct table *new_table(struct mb_swiss *m, uint64_t capacity, uint64_t prefix,
			       uint8_t local_depth)
{
	if (capacity < SLOTS)
		capacity = SLOTS;
	uint64_t cap = SLOTS;
	while (cap < capacity)
		cap *= 2;
	uint64_t ngroups = cap / SLOTS;
	bool S = m->strkeys;
	struct table *t = hdr_get(m);
	if (!t)
		return NULL;
	t->groups = mb_malloc(MB_ALLOC_BUCKETS, ngroups * GROUP_SIZE(S));
	if (!t->groups) {
		table_free(m, t);
		return NULL;
	}
	t->used = 0;
	t->capacity = (uint16_t)cap;
	t->growth_left = (uint16_t)(cap <= SLOTS ? cap - 1 : cap * MB_SWISS_MAX_AVG_GROUP_LOAD / SLOTS);
	t->local_depth = local_depth;
	t->stale = false;
	t->prefix = prefix;
	t->mask = ngroups - 1;
	for (uint64_t g = 0; g < ngroups; g++)
		ctrl_setall_empty(group_at(t, g, S));
	return t;
}

static struct dir *new_dir(uint8_t depth)
{
	uint64_t len = UINT64_C(1) << depth;
	struct dir *d = mb_calloc(MB_ALLOC_OTHER, 1, sizeof *d + len * sizeof d->t[0]);
	if (d) {
		d->len = len;
		d->mask = len - 1;
		d->shift = (uint8_t)(64 - depth);
		d->global_depth = depth;
	}
	return d;
}

/* ---- probing ------------------------------------------------------------ */

/* getWithKey within one table: the group holding key (*slot its slot), or
 * NULL.  Bounded by the group count: a table always has an empty slot
 * unless racing writers overfilled it. */
static ALWAYS_INLINE unsigned char *table_find(const struct table *t, uint64_t hash,
					       struct mb_key key, unsigned *slot, bool S)
{
	uint64_t mask = t->mask, off = h1(hash) & mask;
	uint8_t h = h2(hash);
	for (uint64_t n = 0; n <= mask;) {
		unsigned char *g = group_at(t, off, S);
		uint64_t c = ctrl_word(g);
		for (uint64_t mt = match_h2(c, h); mt; mt &= mt - 1) {
			unsigned i = first(mt);
			if (key_eq(slot_at(g, i, S), key, S)) {
				*slot = i;
				return g;
			}
		}
		if (match_empty(c))
			return NULL;
		n++;
		off = (off + n) & mask;
	}
	return NULL;
}

/* runtime_faststr.go's longStringQuickEqualityTest: false when a (at least
 * 8 bytes) and b certainly differ: length, first 8 and last 8 bytes. */
static inline bool long_quick_eq(struct mb_key a, const struct strhdr *b)
{
	size_t n = (size_t)a.len;
	return b->len == n && memcmp(a.str, b->p, 8) == 0 &&
	       memcmp(a.str + n - 8, b->p + n - 8, 8) == 0;
}

/* Lookup in the small group.  int64 keys compare every full slot without
 * hashing (runtime_mapaccess1_fast64); strings as
 * getWithoutKeySmallFastStr: under 64 bytes compare directly, longer ones
 * take the quick test and hash only if two slots pass it. */
static ALWAYS_INLINE unsigned char *small_find(const struct mb_swiss *m, unsigned char *g,
					       struct mb_key key, unsigned *slot, bool S)
{
	uint64_t full = match_full(ctrl_word(g));
	if (!S || key.len < 64) {
		for (; full; full &= full - 1) {
			unsigned i = first(full);
			if (key_eq(slot_at(g, i, S), key, S)) {
				*slot = i;
				return g;
			}
		}
		return NULL;
	}
	unsigned j = SLOTS;
	for (uint64_t f = full; f; f &= f - 1) {
		unsigned i = first(f);
		if (!long_quick_eq(key, slot_skey(slot_at(g, i, S))))
			continue;
		if (j != SLOTS)
			goto dohash; /* two candidates: one hash, then H2 */
		j = i;
	}
	if (j == SLOTS || !key_eq(slot_at(g, j, S), key, S))
		return NULL;
	*slot = j;
	return g;
dohash:;
	uint64_t c = ctrl_word(g);
	for (uint64_t mt = match_h2(c, h2(hash_key(m, key, S))); mt; mt &= mt - 1) {
		unsigned i = first(mt);
		if (key_eq(slot_at(g, i, S), key, S)) {
			*slot = i;
			return g;
		}
	}
	return NULL;
}

/* The slot of key in the map as it is now, or NULL. */
static ALWAYS_INLINE unsigned char *lookup_k(const struct mb_swiss *m, struct mb_key key,
					     unsigned *slot, bool S)
{
	const struct dir *d = m->dir;
	if (!d) {
		unsigned char *g = m->small;
		return g ? small_find(m, g, key, slot, S) : NULL;
	}
	uint64_t hash = hash_key(m, key, S);
	return table_find(d->t[dir_index(d, hash)], hash, key, slot, S);
}

static ALWAYS_INLINE int load_k(struct mb_swiss *m, struct mb_key key, int64_t *val, bool S)
{
	if (m->used == 0)
		return 0;
	if (writing(m))
		return MB_MAP_FATAL_READ_WRITE;
	unsigned i;
	unsigned char *g = lookup_k(m, key, &i, S);
	if (!g)
		return 0;
	*val = slot_value(m, *slot_val(slot_at(g, i, S), S));
	return 1;
}

/* ---- growth ------------------------------------------------------------- */

/* uncheckedPutSlot: the first empty (or deleted) slot on hash's probe path
 * of a table known not to hold the key and to have growthLeft; copies the
 * slot src there.  Does not count used. */
static void unchecked_put(struct table *t, uint64_t hash, const unsigned char *src, bool S)
{
	uint64_t mask = t->mask, off = h1(hash) & mask;
	for (uint64_t n = 0;; n++, off = (off + n) & mask) {
		unsigned char *g = group_at(t, off, S);
		uint64_t e = match_empty_or_deleted(ctrl_word(g));
		if (!e)
			continue;
		unsigned i = first(e);
		memcpy(slot_at(g, i, S), src, SLOT_SIZE(S));
		g[i] = h2(hash);
		t->growth_left--;
		return;
	}
}

static uint64_t slot_hash(const struct mb_swiss *m, unsigned char *s, bool S)
{
	return hash_key(m, slot_key(s, S), S);
}

/* replaceTable: nt into every directory entry it covers.  Returns 0, or
 * MB_MAP_FATAL_WRITES when its range is out of the directory (a racing
 * writer's stale table). */
static int replace_table(struct dir *d, struct table *nt)
{
	uint64_t entries = UINT64_C(1) << (d->global_depth - nt->local_depth);
	if (nt->local_depth > d->global_depth ||
	    (nt->local_depth < 64 && nt->prefix >> nt->local_depth != 0))
		return MB_MAP_FATAL_WRITES;
	uint64_t index = table_index(d, nt);
	for (uint64_t i = 0; i < entries; i++)
		d->t[index + i] = nt;
	return 0;
}

/* growToTable: the small group's entries into a new 16-slot table, the
 * map's first directory (one entry, depth 0). */
static int grow_to_table(struct mb_swiss *m)
{
	bool S = m->strkeys;
	uint64_t t0 = mb_pause_begin();
	struct drops dr;
	struct table *t = NULL;
	struct dir *d = NULL;
	if (drops_prepare(m, &dr, 1) || !(t = new_table(m, 2 * SLOTS, 0, 0)) || !(d = new_dir(0))) {
		table_free(m, t);
		drops_release(&dr);
		return -ENOMEM;
	}
	unsigned char *g = m->small;
	for (unsigned i = 0; i < SLOTS; i++) {
		if (g[i] & EMPTY)
			continue;
		unsigned char *s = slot_at(g, i, S);
		unchecked_put(t, slot_hash(m, s, S), s, S);
		t->used++;
	}
	d->t[0] = t;
	m->dir = d;
	m->small = NULL;
	m->ntables = 1;
	m->small_to_table++;
	m->grow_moved += t->used;
	drops_put(m, &dr, g, MB_ALLOC_BUCKETS);
	drops_release(&dr);
	mb_pause_end_moved(MB_PAUSE_GROW, t0, (int64_t)m->used, (int64_t)t->used);
	return 0;
}

/* grow: t's entries into a new table of twice its capacity, same place in
 * the directory. */
static int grow_table(struct mb_swiss *m, struct table *t)
{
	bool S = m->strkeys;
	struct drops dr;
	struct table *nt = NULL;
	if (drops_prepare(m, &dr, 1) ||
	    !(nt = new_table(m, 2u * t->capacity, t->prefix, t->local_depth))) {
		drops_release(&dr);
		return -ENOMEM;
	}
	for (uint64_t gi = 0; gi <= t->mask; gi++) {
		unsigned char *g = group_at(t, gi, S);
		for (unsigned i = 0; i < SLOTS; i++) {
			if (g[i] & EMPTY)
				continue;
			unsigned char *s = slot_at(g, i, S);
			unchecked_put(nt, slot_hash(m, s, S), s, S);
			nt->used++;
		}
	}
	int rc = replace_table(m->dir, nt);
	if (rc) {
		table_free(m, nt);
		drops_release(&dr);
		return rc;
	}
	t->stale = true;
	m->grows++;
	m->grow_moved += nt->used;
	drops_put(m, &dr, t, DROP_TABLE);
	drops_release(&dr);
	return 0;
}

/* split: t's entries into two 1024-slot tables one level deeper, by the
 * hash bit at the new depth counted from the top; installTableSplit
 * doubles the directory first when t is at full depth. */
static int split_table(struct mb_swiss *m, struct table *t)
{
	bool S = m->strkeys;
	struct dir *d = m->dir;
	uint8_t depth = (uint8_t)(t->local_depth + 1);
	bool double_dir = t->local_depth == d->global_depth;
	if (depth > 64 || t->local_depth > d->global_depth)
		return MB_MAP_FATAL_WRITES; /* only a racing writer's table */
	struct drops dr;
	struct table *left = NULL, *right = NULL;
	struct dir *nd = NULL;
	if (drops_prepare(m, &dr, 2) || !(left = new_table(m, MAX_CAP, t->prefix << 1, depth)) ||
	    !(right = new_table(m, MAX_CAP, t->prefix << 1 | 1, depth)) ||
	    (double_dir && !(nd = new_dir((uint8_t)(d->global_depth + 1))))) {
		table_free(m, left);
		table_free(m, right);
		drops_release(&dr);
		return -ENOMEM;
	}
	uint64_t bit = UINT64_C(1) << (64 - depth);
	for (uint64_t gi = 0; gi <= t->mask; gi++) {
		unsigned char *g = group_at(t, gi, S);
		for (unsigned i = 0; i < SLOTS; i++) {
			if (g[i] & EMPTY)
				continue;
			unsigned char *s = slot_at(g, i, S);
			uint64_t hash = slot_hash(m, s, S);
			struct table *dst = (hash & bit) ? right : left;
			unchecked_put(dst, hash, s, S);
			dst->used++;
		}
	}
	if (double_dir) {
		/* No room for another level: every pointer twice.  (Go also
		 * doubles each table's stored index here; ours follow from
		 * their prefixes.) */
		for (uint64_t i = 0; i < d->len; i++) {
			nd->t[2 * i] = d->t[i];
			nd->t[2 * i + 1] = d->t[i];
		}
		m->dir = nd;
		m->dir_doublings++;
		drops_put(m, &dr, d, MB_ALLOC_OTHER);
		d = nd;
	}
	/* N.B. left and right may each still cover several entries, if the
	 * directory grew since t last split. */
	replace_table(d, left);
	replace_table(d, right);
	t->stale = true;
	m->ntables++;
	m->splits++;
	m->split_moved += (uint64_t)left->used + right->used;
	drops_put(m, &dr, t, DROP_TABLE);
	drops_release(&dr);
	return 0;
}

/* rehash: grow up to 1024 slots, else split; timed as a pause event. */
static NOINLINE int rehash(struct mb_swiss *m, struct table *t)
{
	if (t->stale)
		return MB_MAP_FATAL_WRITES; /* replaced under us: a racing writer */
	uint64_t t0 = mb_pause_begin();
	int rc;
	/* the event's moved: what this step added to the running totals */
	if (2u * t->capacity <= MAX_CAP) {
		uint64_t before = m->grow_moved;
		rc = grow_table(m, t);
		mb_pause_end_moved(MB_PAUSE_GROW, t0, (int64_t)m->used,
				   (int64_t)(m->grow_moved - before));
	} else {
		uint64_t before = m->split_moved;
		rc = split_table(m, t);
		mb_pause_end_moved(MB_PAUSE_SPLIT, t0, (int64_t)m->used,
				   (int64_t)(m->split_moved - before));
	}
	return rc;
}

/* ---- insert --------------------------------------------------------------- */

/* table.PutSlot: 1 stored (*replaced says whether it updated, *old the
 * contents it replaced), 0 the table was rehashed (look the table up
 * again), negative on error. */
static ALWAYS_INLINE int table_put(struct mb_swiss *m, struct table *t, uint64_t hash,
				   struct mb_key key, int64_t val, int64_t *old, bool *replaced,
				   bool S)
{
	uint64_t mask = t->mask, off = h1(hash) & mask;
	uint8_t h = h2(hash);
	unsigned char *del_g = NULL;
	unsigned del_i = 0;
	for (uint64_t n = 0; n <= mask;) {
		unsigned char *g = group_at(t, off, S);
		uint64_t c = ctrl_word(g);
		for (uint64_t mt = match_h2(c, h); mt; mt &= mt - 1) {
			unsigned i = first(mt);
			unsigned char *s = slot_at(g, i, S);
			if (key_eq(s, key, S)) {
				*old = *slot_val(s, S);
				*replaced = true;
				*slot_val(s, S) = val;
				return 1;
			}
		}
		uint64_t e = match_empty_or_deleted(c);
		if (e) {
			unsigned i = first(e);
			if (g[i] == DELETED) {
				/* remember the first tombstone, keep probing
				 * (go1.24 looks only at the group's first
				 * empty-or-deleted slot) */
				if (!del_g) {
					del_g = g;
					del_i = i;
				}
			} else {
				/* an empty slot: the end of the probe path */
				if (del_g) {
					g = del_g;
					i = del_i;
					t->growth_left++; /* a tombstone costs nothing */
				}
				if (t->growth_left == 0)
					return rehash(m, t);
				unsigned char *s = slot_at(g, i, S);
				set_key(s, key, S);
				*slot_val(s, S) = val;
				g[i] = h;
				t->growth_left--;
				t->used++;
				m->used++;
				return 1;
			}
		}
		n++;
		off = (off + n) & mask;
	}
	return MB_MAP_FATAL_WRITES; /* no empty slot at all: racing writers */
}

/* putSlotSmall: update in place or take the first free slot (a small map
 * has no tombstones).  Returns 0, or MB_MAP_FATAL_WRITES when racing
 * writers filled the group behind `used`'s back (Go: "small map with no
 * empty slot (concurrent map writes?)"). */
static ALWAYS_INLINE int small_put(struct mb_swiss *m, uint64_t hash, struct mb_key key,
				   int64_t val, int64_t *old, bool *replaced, bool S)
{
	unsigned char *g = m->small;
	uint64_t c = ctrl_word(g);
	for (uint64_t mt = match_h2(c, h2(hash)); mt; mt &= mt - 1) {
		unsigned i = first(mt);
		unsigned char *s = slot_at(g, i, S);
		if (key_eq(s, key, S)) {
			*old = *slot_val(s, S);
			*replaced = true;
			*slot_val(s, S) = val;
			return 0;
		}
	}
	uint64_t e = match_empty_or_deleted(c);
	if (!e)
		return MB_MAP_FATAL_WRITES;
	unsigned i = first(e);
	unsigned char *s = slot_at(g, i, S);
	set_key(s, key, S);
	*slot_val(s, S) = val;
	g[i] = h2(hash);
	m->used++;
	return 0;
}

/* Map.PutSlot without the detector: val is the slot's contents (a blob's
 * address with vsize). */
static ALWAYS_INLINE int assign_k(struct mb_swiss *m, uint64_t hash, struct mb_key key,
				  int64_t val, int64_t *old, bool *replaced, bool S)
{
	int rc;
	if (!m->dir) {
		if (!m->small) {
			/* growToSmall */
			m->small = mb_malloc(MB_ALLOC_BUCKETS, GROUP_SIZE(S));
			if (!m->small)
				return -ENOMEM;
			ctrl_setall_empty(m->small);
		}
		if (m->used < SLOTS)
			return small_put(m, hash, key, val, old, replaced, S);
		/* Full: a table, even if this Put only updates (go1.24). */
		if ((rc = grow_to_table(m)) != 0)
			return rc;
	}
	for (;;) {
		const struct dir *d = m->dir;
		rc = table_put(m, d->t[dir_index(d, hash)], hash, key, val, old, replaced, S);
		if (rc != 0)
			return rc < 0 ? rc : 0;
	}
}

/* A blob that left the map: freed now, or kept while it may be read. */
static int drop_blob(struct mb_swiss *m, int64_t raw)
{
	return drop(m, (void *)(intptr_t)raw, MB_ALLOC_VALUES);
}

static ALWAYS_INLINE int store_k(struct mb_swiss *m, struct mb_key key, int64_t val, bool S)
{
	int64_t raw = val, old = 0;
	bool replaced = false;
	if (m->vsize) {
		/* boxed before the map is touched */
		void *blob = mb_map_blob_new(m->vsize, val);
		if (!blob)
			return -ENOMEM;
		raw = (int64_t)(intptr_t)blob;
	}
	if (writing(m)) {
		if (m->vsize)
			mb_free(MB_ALLOC_VALUES, (void *)(intptr_t)raw);
		return MB_MAP_FATAL_WRITES;
	}
	/* hashed before writing is set, as Go (the hasher may panic there) */
	uint64_t hash = hash_key(m, key, S);
	toggle_writing(m);
	int rc = assign_k(m, hash, key, raw, &old, &replaced, S);
	if (m->vsize) {
		if (rc < 0)
			mb_free(MB_ALLOC_VALUES, (void *)(intptr_t)raw);
		else if (replaced)
			rc = drop_blob(m, old);
	}
	if (!end_write(m))
		return MB_MAP_FATAL_WRITES;
	return rc;
}

/* ---- delete --------------------------------------------------------------- */

static ALWAYS_INLINE int remove_k(struct mb_swiss *m, uint64_t hash, struct mb_key key, bool S)
{
	const struct dir *d = m->dir;
	if (!d) {
		/* deleteSmall: always back to empty, never a tombstone */
		unsigned char *g = m->small;
		if (!g)
			return 0;
		for (uint64_t mt = match_h2(ctrl_word(g), h2(hash)); mt; mt &= mt - 1) {
			unsigned i = first(mt);
			unsigned char *s = slot_at(g, i, S);
			if (!key_eq(s, key, S))
				continue;
			int rc = m->vsize ? drop_blob(m, *slot_val(s, S)) : 0;
			if (rc)
				return rc;
			m->used--;
			g[i] = EMPTY;
			return 1;
		}
		return 0;
	}
	struct table *t = d->t[dir_index(d, hash)];
	uint64_t mask = t->mask, off = h1(hash) & mask;
	for (uint64_t n = 0; n <= mask;) {
		unsigned char *g = group_at(t, off, S);
		uint64_t c = ctrl_word(g);
		for (uint64_t mt = match_h2(c, h2(hash)); mt; mt &= mt - 1) {
			unsigned i = first(mt);
			unsigned char *s = slot_at(g, i, S);
			if (!key_eq(s, key, S))
				continue;
			int rc = m->vsize ? drop_blob(m, *slot_val(s, S)) : 0;
			if (rc)
				return rc;
			t->used--;
			m->used--;
			/* A group with an empty slot ends every probe path
			 * through it, so its slot can simply be empty again;
			 * a full group may sit in the middle of one. */
			if (match_empty(c)) {
				g[i] = EMPTY;
				t->growth_left++;
			} else {
				g[i] = DELETED;
			}
			return 1;
		}
		if (match_empty(c))
			return 0;
		n++;
		off = (off + n) & mask;
	}
	return 0;
}

static ALWAYS_INLINE int delete_k(struct mb_swiss *m, struct mb_key key, bool S)
{
	if (m->used == 0)
		return 0;
	if (writing(m))
		return MB_MAP_FATAL_WRITES;
	uint64_t hash = hash_key(m, key, S);
	toggle_writing(m);
	int rc = remove_k(m, hash, key, S);
	/* A new seed when the map empties, against repeated collision attacks
	 * (Go's reason); from the map's own stream, so --hash-seed runs stay
	 * reproducible. */
	if (m->used == 0)
		m->seed = splitmix(&m->rng);
	if (!end_write(m))
		return MB_MAP_FATAL_WRITES;
	return rc;
}

/* ---- entry points: int64 inline, strings out of line -------------------- */

static NOINLINE int load_s(struct mb_swiss *m, struct mb_key key, int64_t *val)
{
	return load_k(m, key, val, true);
}

static NOINLINE int store_s(struct mb_swiss *m, struct mb_key key, int64_t val)
{
	return store_k(m, key, val, true);
}

static NOINLINE int delete_s(struct mb_swiss *m, struct mb_key key)
{
	return delete_k(m, key, true);
}

int mb_swiss_load(struct mb_swiss *m, struct mb_key key, int64_t *val)
{
	return m->strkeys ? load_s(m, key, val) : load_k(m, key, val, false);
}

int mb_swiss_store(struct mb_swiss *m, struct mb_key key, int64_t val)
{
	return m->strkeys ? store_s(m, key, val) : store_k(m, key, val, false);
}

int mb_swiss_delete(struct mb_swiss *m, struct mb_key key)
{
	return m->strkeys ? delete_s(m, key) : delete_k(m, key, false);
}

int64_t mb_swiss_len(const struct mb_swiss *m)
{
	return (int64_t)m->used;
}

uint64_t mb_swiss_hash(const struct mb_swiss *m, struct mb_key key)
{
	return m->strkeys ? hash_key(m, key, true) : hash_key(m, key, false);
}

/* ---- iteration ------------------------------------------------------------ */

/* map.go's Iter. */
struct iter {
	uint64_t entry_offset, dir_offset;
	uint8_t global_depth;
	bool small;              /* the map was small at the start */
	unsigned char *group;    /* the small group then */
	uint64_t dir_idx;        /* before the offset */
	struct table *tab;       /* the table being walked, as it was */
	uint64_t entry_idx;      /* before the offset: group << 3 | slot */
};

/* The value to yield for the key in slot s of a group that may be stale:
 * the slot's own, or, when stale, the current one (false if deleted). */
static ALWAYS_INLINE bool current_value(const struct mb_swiss *m, unsigned char *s, bool stale,
					int64_t *val, bool S)
{
	if (!stale) {
		*val = slot_value(m, *slot_val(s, S));
		return true;
	}
	unsigned j;
	unsigned char *g = m->used ? lookup_k(m, slot_key(s, S), &j, S) : NULL;
	if (!g)
		return false;
	*val = slot_value(m, *slot_val(slot_at(g, j, S), S));
	return true;
}

/* Iter.Next: 1 and the next entry, 0 at the end, or
 * MB_MAP_FATAL_ITER_WRITE. */
static ALWAYS_INLINE int iter_next(const struct mb_swiss *m, struct iter *it, struct mb_key *key,
				   int64_t *val, bool S)
{
	if (writing(m))
		return MB_MAP_FATAL_ITER_WRITE;
	if (it->small) {
		/* Still decided by the group of the start, even if the map
		 * has become a table since (then values come from a lookup). */
		for (; it->entry_idx < SLOTS; it->entry_idx++) {
			unsigned k = (unsigned)((it->entry_idx + it->entry_offset) % SLOTS);
			if (it->group[k] & EMPTY)
				continue;
			unsigned char *s = slot_at(it->group, k, S);
			if (!current_value(m, s, m->dir != NULL, val, S))
				continue;
			*key = slot_key(s, S);
			it->entry_idx++;
			return 1;
		}
		return 0;
	}
	const struct dir *d = m->dir;
	if (it->global_depth != d->global_depth) {
		/* The directory doubled (maybe more than once): so do the
		 * index and the offset, which keeps (index + offset) mod len
		 * on the same tables. */
		unsigned orders = (unsigned)(d->global_depth - it->global_depth);
		it->dir_idx <<= orders;
		it->dir_offset <<= orders;
		it->global_depth = d->global_depth;
	}
	for (; it->dir_idx < d->len;) {
		if (!it->tab) {
			uint64_t di = (it->dir_idx + it->dir_offset) & (d->len - 1);
			struct table *nt = d->t[di];
			/* On the first table, a random offset may land inside
			 * a run of entries: start at the run's first. */
			uint64_t first = table_index(d, nt);
			if (first != di)
				it->dir_offset -= di - first;
			it->tab = nt;
		}
		const struct table *t = it->tab;
		uint64_t mask = (uint64_t)t->capacity - 1;
		bool stale = t->stale;
		while (it->entry_idx <= mask) {
			uint64_t e = (it->entry_idx + it->entry_offset) & mask;
			unsigned char *g = group_at(t, e / SLOTS, S);
			unsigned k = (unsigned)(e % SLOTS);
			it->entry_idx++;
			if (g[k] & EMPTY)
				continue; /* empty or deleted */
			unsigned char *s = slot_at(g, k, S);
			if (!current_value(m, s, stale, val, S))
				continue;
			*key = slot_key(s, S);
			return 1;
		}
		/* nextDirIdx: past every entry the table covered, as it was
		 * (a stale table also covers its split halves). */
		it->dir_idx += UINT64_C(1) << (d->global_depth - t->local_depth);
		it->tab = NULL;
		it->entry_idx = 0;
	}
	return 0;
}

static ALWAYS_INLINE int iterate_k(struct mb_swiss *m, mb_map_range_fn fn, void *arg, bool S)
{
	uint64_t seq = atomic_fetch_add_explicit(&m->iter_seq, 1, memory_order_relaxed);
	uint64_t s = m->seed ^ (seq * UINT64_C(0xd1b54a32d192ed03));
	struct iter it = {
		.entry_offset = splitmix(&s),
		.dir_offset = splitmix(&s),
		.small = m->dir == NULL,
		.group = m->small,
	};
	if (m->dir)
		it.global_depth = m->dir->global_depth;
	else if (!m->small)
		return 0;
	for (;;) {
		struct mb_key key;
		int64_t val;
		int rc = iter_next(m, &it, &key, &val, S);
		if (rc <= 0)
			return rc;
		if (!fn(key, val, arg))
			return 0;
	}
}

static NOINLINE int iterate_s(struct mb_swiss *m, mb_map_range_fn fn, void *arg)
{
	return iterate_k(m, fn, arg, true);
}

static int iterate_i(struct mb_swiss *m, mb_map_range_fn fn, void *arg)
{
	return iterate_k(m, fn, arg, false);
}

int mb_swiss_range(struct mb_swiss *m, mb_map_range_fn fn, void *arg)
{
	if (m->used == 0)
		return 0;
	/* acq_rel: pairs with keep_retired's acquire load, so a writer that
	 * sees no iteration frees only memory none reads. */
	atomic_fetch_add_explicit(&m->active_iters, 1, memory_order_acq_rel);
	int rc = m->strkeys ? iterate_s(m, fn, arg) : iterate_i(m, fn, arg);
	if (atomic_fetch_sub_explicit(&m->active_iters, 1, memory_order_acq_rel) == 1 &&
	    !m->shared && atomic_load_explicit(&m->retired, memory_order_relaxed) &&
	    !writing(m))
		free_retired(m); /* the last iteration is over */
	return rc;
}

/* ---- sync.Map's operations, the way Go code spells them on a map -------- */

static int swiss_load_or_store(struct mb_swiss *m, struct mb_key key, int64_t val,
			       int64_t *actual)
{
	int rc = mb_swiss_load(m, key, actual);
	if (rc != 0)
		return rc;
	*actual = val;
	rc = mb_swiss_store(m, key, val);
	return rc < 0 ? rc : 0;
}

static int swiss_load_and_delete(struct mb_swiss *m, struct mb_key key, int64_t *val)
{
	int rc = mb_swiss_load(m, key, val);
	if (rc != 1)
		return rc;
	rc = mb_swiss_delete(m, key);
	return rc < 0 ? rc : 1;
}

static int swiss_swap(struct mb_swiss *m, struct mb_key key, int64_t val, int64_t *prev)
{
	int found = mb_swiss_load(m, key, prev);
	if (found < 0)
		return found;
	int rc = mb_swiss_store(m, key, val);
	return rc < 0 ? rc : found;
}

static int swiss_compare_and_swap(struct mb_swiss *m, struct mb_key key, int64_t old, int64_t val)
{
	int64_t cur;
	int rc = mb_swiss_load(m, key, &cur);
	if (rc != 1 || cur != old)
		return rc < 0 ? rc : 0;
	rc = mb_swiss_store(m, key, val);
	return rc < 0 ? rc : 1;
}

static int swiss_compare_and_delete(struct mb_swiss *m, struct mb_key key, int64_t old)
{
	int64_t cur;
	int rc = mb_swiss_load(m, key, &cur);
	if (rc != 1 || cur != old)
		return rc < 0 ? rc : 0;
	rc = mb_swiss_delete(m, key);
	return rc < 0 ? rc : 1;
}

/* ---- create / destroy / introspection ----------------------------------- */

struct mb_swiss *mb_swiss_create(const struct mb_map_config *cfg)
{
	struct mb_map_config def = {0};
	if (!cfg)
		cfg = &def;
	struct mb_swiss *m = mb_calloc(MB_ALLOC_OTHER, 1, sizeof *m);
	if (!m) {
		errno = ENOMEM;
		return NULL;
	}
	m->base.ops = &mb_swiss_ops;
	m->shared = cfg->shared;
	m->vsize = cfg->value_size;
	m->strkeys = cfg->key_type == MB_KEY_STRING;
	if (cfg->hash_seed_set) {
		m->seed = cfg->hash_seed;
	} else if (getrandom(&m->seed, sizeof m->seed, 0) != sizeof m->seed) {
		/* as gomap: unpredictable enough for a benchmark */
		m->seed = (uint64_t)(uintptr_t)m ^ UINT64_C(0x2545f4914f6cdd1d);
	}
	m->rng = m->seed ^ UINT64_C(0x6a09e667f3bcc909);
	atomic_init(&m->writing, 0);
	atomic_init(&m->retired, NULL);
	atomic_init(&m->hdr_chunks, NULL);
	atomic_init(&m->iter_seq, 0);
	atomic_init(&m->active_iters, 0);
	/* NewMap: up to 8 entries need no table (the group comes with the
	 * first Put).  Otherwise room for hint at 7/8 load, in tables of at
	 * most 1024 slots, as many as a power of two needs. */
	int64_t hint = cfg->size_hint;
	if (hint <= SLOTS)
		return m;
	uint64_t target = (uint64_t)hint * SLOTS / MB_SWISS_MAX_AVG_GROUP_LOAD;
	uint64_t dir_size = (target + MAX_CAP - 1) / MAX_CAP;
	uint8_t depth = 0;
	while ((UINT64_C(1) << depth) < dir_size)
		depth++;
	dir_size = UINT64_C(1) << depth;
	struct dir *d = new_dir(depth);
	if (!d)
		goto nomem;
	m->dir = d;
	for (uint64_t i = 0; i < dir_size; i++) {
		d->t[i] = new_table(m, target / dir_size, (int64_t)i, depth);
		if (!d->t[i])
			goto nomem;
		m->ntables++;
	}
	return m;
nomem:
	mb_swiss_destroy(m);
	errno = ENOMEM;
	return NULL;
}

/* Calls fn on every distinct live table (each once, at its first index). */
static void for_each_table(const struct mb_swiss *m, void (*fn)(const struct mb_swiss *,
							       struct table *, void *),
			   void *arg)
{
	const struct dir *d = m->dir;
	if (!d)
		return;
	for (uint64_t i = 0; i < d->len; i++)
		if (d->t[i] && (i == 0 || d->t[i] != d->t[i - 1]))
			fn(m, d->t[i], arg);
}

/* Every full slot of a group array: free or check blobs. */
struct blob_walk {
	bool free_blobs;
	int64_t bad;
};

static void walk_group(const struct mb_swiss *m, unsigned char *g, struct blob_walk *w)
{
	bool S = m->strkeys;
	for (unsigned i = 0; i < SLOTS; i++) {
		if (g[i] & EMPTY)
			continue;
		void *blob = (void *)(intptr_t)*slot_val(slot_at(g, i, S), S);
		if (w->free_blobs)
			mb_free(MB_ALLOC_VALUES, blob);
		else if (!mb_map_blob_check(blob, m->vsize))
			w->bad++;
	}
}

static void walk_table_blobs(const struct mb_swiss *m, struct table *t, void *arg)
{
	for (uint64_t gi = 0; gi <= t->mask; gi++)
		walk_group(m, group_at(t, gi, m->strkeys), arg);
}

static int64_t walk_blobs(const struct mb_swiss *m, bool free_blobs)
{
	struct blob_walk w = {.free_blobs = free_blobs};
	if (!m->vsize)
		return 0;
	if (m->small)
		walk_group(m, m->small, &w);
	for_each_table(m, walk_table_blobs, &w);
	return w.bad;
}

int64_t mb_swiss_check_values(const struct mb_swiss *m)
{
	return walk_blobs(m, false);
}

static void free_groups(const struct mb_swiss *m, struct table *t, void *arg)
{
	(void)m;
	(void)arg;
	mb_free(MB_ALLOC_BUCKETS, t->groups); /* the headers go with their chunks */
}

/* Everything a shared map holds, each address once. */
struct owned {
	struct owned_item {
		void *p;
		enum mb_alloc_cat cat;
	} *v;
	size_t n, cap;
	bool nomem;
};

static void own(struct owned *o, void *p, enum mb_alloc_cat cat)
{
	if (!p || o->nomem)
		return;
	if (o->n == o->cap) {
		size_t cap = o->cap ? 2 * o->cap : 1024;
		struct owned_item *v = realloc(o->v, cap * sizeof *v);
		if (!v) {
			o->nomem = true;
			return;
		}
		o->v = v;
		o->cap = cap;
	}
	o->v[o->n++] = (struct owned_item){p, cat};
}

static int by_address(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct owned_item *)a)->p;
	uintptr_t y = (uintptr_t)((const struct owned_item *)b)->p;
	return x < y ? -1 : x > y;
}

/* A shared map that threads raced on may hold one object in two places
 * (a table both retired and put back by a stale writer, a blob dropped by
 * two writers): free the union once.  When even the list cannot be
 * allocated, leak rather than risk a double free. */
static void destroy_shared(struct mb_swiss *m)
{
	struct owned o = {0};
	bool S = m->strkeys;
	for (struct retired *n = atomic_load(&m->retired); n; n = n->next)
		own(&o, n->table ? ((struct table *)n->p)->groups : n->p, n->cat);
	if (m->small) {
		own(&o, m->small, MB_ALLOC_BUCKETS);
		for (unsigned i = 0; m->vsize && i < SLOTS; i++)
			if (!(m->small[i] & EMPTY))
				own(&o, (void *)(intptr_t)*slot_val(slot_at(m->small, i, S), S),
				    MB_ALLOC_VALUES);
	}
	if (m->dir) {
		own(&o, m->dir, MB_ALLOC_OTHER);
		for (uint64_t i = 0; i < m->dir->len; i++) {
			struct table *t = m->dir->t[i];
			if (i > 0 && t == m->dir->t[i - 1])
				continue;
			own(&o, t->groups, MB_ALLOC_BUCKETS);
			for (uint64_t gi = 0; m->vsize && gi <= t->mask; gi++) {
				unsigned char *g = group_at(t, gi, S);
				for (unsigned j = 0; j < SLOTS; j++)
					if (!(g[j] & EMPTY))
						own(&o, (void *)(intptr_t)*slot_val(slot_at(g, j, S), S),
						    MB_ALLOC_VALUES);
			}
		}
	}
	if (!o.nomem) {
		qsort(o.v, o.n, sizeof *o.v, by_address);
		for (size_t i = 0; i < o.n; i++)
			if (i == 0 || o.v[i].p != o.v[i - 1].p)
				mb_free(o.v[i].cat, o.v[i].p);
	}
	free(o.v);
	struct retired *n = atomic_exchange(&m->retired, NULL);
	while (n) {
		struct retired *next = n->next;
		mb_free(MB_ALLOC_OTHER, n);
		n = next;
	}
	free_hdr_chunks(m);
	mb_free(MB_ALLOC_OTHER, m);
}

void mb_swiss_destroy(struct mb_swiss *m)
{
	if (!m)
		return;
	if (m->shared) {
		destroy_shared(m);
		return;
	}
	walk_blobs(m, true);
	free_retired(m);
	for_each_table(m, free_groups, NULL);
	free_hdr_chunks(m);
	mb_free(MB_ALLOC_OTHER, m->dir);
	mb_free(MB_ALLOC_BUCKETS, m->small);
	mb_free(MB_ALLOC_OTHER, m);
}

static void table_info(const struct dir *d, const struct table *t,
		       struct mb_swiss_table_info *ti)
{
	unsigned budget = t->capacity <= SLOTS ? t->capacity - 1u
					       : t->capacity * MB_SWISS_MAX_AVG_GROUP_LOAD / SLOTS;
	*ti = (struct mb_swiss_table_info){
		.used = t->used,
		.capacity = t->capacity,
		.growth_left = t->growth_left,
		.local_depth = t->local_depth,
		.index = t->stale ? -1 : (int64_t)table_index(d, t),
		/* table.tombstones(): what the load budget lost to neither
		 * entries nor growthLeft */
		.tombstones = (uint16_t)(budget - t->used - t->growth_left),
	};
}

int mb_swiss_table_of(const struct mb_swiss *m, struct mb_key key, struct mb_swiss_table_info *ti)
{
	if (!m->dir)
		return -ENOENT;
	table_info(m->dir, m->dir->t[dir_index(m->dir, mb_swiss_hash(m, key))], ti);
	return 0;
}

int mb_swiss_table_at(const struct mb_swiss *m, uint64_t i, struct mb_swiss_table_info *ti)
{
	if (!m->dir || i >= m->dir->len)
		return -ENOENT;
	table_info(m->dir, m->dir->t[i], ti);
	return 0;
}

static void table_stats(const struct mb_swiss *m, struct table *t, void *arg)
{
	struct mb_swiss_stats *st = arg;
	struct mb_swiss_table_info ti;
	(void)m;
	table_info(m->dir, t, &ti);
	st->tombstones += ti.tombstones;
	st->capacity += t->capacity;
	st->tables++;
}

/* The probe length of each live key: groups visited from its H1 to its
 * own group. */
static void table_max_probe(const struct mb_swiss *m, struct table *t, void *arg)
{
	uint64_t *max = arg;
	bool S = m->strkeys;
	for (uint64_t gi = 0; gi <= t->mask; gi++) {
		unsigned char *g = group_at(t, gi, S);
		for (unsigned i = 0; i < SLOTS; i++) {
			if (g[i] & EMPTY)
				continue;
			uint64_t off = h1(slot_hash(m, slot_at(g, i, S), S)) & t->mask, n = 0;
			while (off != gi && n <= t->mask) {
				n++;
				off = (off + n) & t->mask;
			}
			if (n + 1 > *max)
				*max = n + 1;
		}
	}
}

uint64_t mb_swiss_max_probe(const struct mb_swiss *m)
{
	uint64_t max = m->used ? 1 : 0;
	for_each_table(m, table_max_probe, &max);
	return max;
}

void mb_swiss_get_stats(const struct mb_swiss *m, struct mb_swiss_stats *st)
{
	*st = (struct mb_swiss_stats){
		.used = (int64_t)m->used,
		.small = m->dir == NULL,
		.dir_len = m->dir ? m->dir->len : 0,
		.global_depth = m->dir ? m->dir->global_depth : 0,
		.grows = m->grows,
		.small_to_table = m->small_to_table,
		.splits = m->splits,
		.dir_doublings = m->dir_doublings,
		.grow_slots_moved = m->grow_moved,
		.split_slots_moved = m->split_moved,
		.seed = m->seed,
	};
	for (const struct hdr_chunk *c = atomic_load_explicit(&m->hdr_chunks, memory_order_acquire);
	     c; c = c->next)
		st->header_chunks++;
	if (!m->dir) {
		st->capacity = m->small ? SLOTS : 0;
		return;
	}
	for_each_table(m, table_stats, st);
}

/* ---- the `swiss` design --------------------------------------------------- */

#define AS_SWISS(m) ((struct mb_swiss *)(m))

static struct mb_map *sw_create(const struct mb_map_config *cfg)
{
	struct mb_swiss *m = mb_swiss_create(cfg);
	return m ? &m->base : NULL;
}

static void sw_destroy(struct mb_map *m)
{
	mb_swiss_destroy(AS_SWISS(m));
}

static int sw_load(struct mb_map *m, struct mb_key key, int64_t *val)
{
	return mb_swiss_load(AS_SWISS(m), key, val);
}

static int sw_store(struct mb_map *m, struct mb_key key, int64_t val)
{
	return mb_swiss_store(AS_SWISS(m), key, val);
}

static int sw_delete(struct mb_map *m, struct mb_key key)
{
	return mb_swiss_delete(AS_SWISS(m), key);
}

static int64_t sw_len(struct mb_map *m)
{
	return mb_swiss_len(AS_SWISS(m));
}

static int sw_range(struct mb_map *m, mb_map_range_fn fn, void *arg)
{
	return mb_swiss_range(AS_SWISS(m), fn, arg);
}

static int sw_load_or_store(struct mb_map *m, struct mb_key key, int64_t val, int64_t *actual)
{
	return swiss_load_or_store(AS_SWISS(m), key, val, actual);
}

static int sw_load_and_delete(struct mb_map *m, struct mb_key key, int64_t *val)
{
	return swiss_load_and_delete(AS_SWISS(m), key, val);
}

static int sw_swap(struct mb_map *m, struct mb_key key, int64_t val, int64_t *prev)
{
	return swiss_swap(AS_SWISS(m), key, val, prev);
}

static int sw_compare_and_swap(struct mb_map *m, struct mb_key key, int64_t old, int64_t val)
{
	return swiss_compare_and_swap(AS_SWISS(m), key, old, val);
}

static int sw_compare_and_delete(struct mb_map *m, struct mb_key key, int64_t old)
{
	return swiss_compare_and_delete(AS_SWISS(m), key, old);
}

static size_t sw_stats(struct mb_map *m, struct mb_map_stat *out, size_t max)
{
	struct mb_swiss_stats st;
	mb_swiss_get_stats(AS_SWISS(m), &st);
	const struct mb_map_stat all[] = {
		{"ported_from_go1_24", 1},
		{"tables", st.tables},
		{"directory_len", st.dir_len},
		{"global_depth", st.global_depth},
		{"capacity_slots", st.capacity},
		{"grows", st.grows},
		{"small_to_table", st.small_to_table},
		{"splits", st.splits},
		{"directory_doublings", st.dir_doublings},
		{"grow_slots_moved", st.grow_slots_moved},
		{"split_slots_moved", st.split_slots_moved},
		{"tombstones", st.tombstones},
		{"max_probe_groups", mb_swiss_max_probe(AS_SWISS(m))},
	};
	return mb_map_stats_put(out, max, all, sizeof all / sizeof all[0]);
}

const struct mb_map_ops mb_swiss_ops = {
	.name = "swiss",
	.summary = "Go 1.24 runtime map (go1.24 tag): Swiss-table groups, extendible hashing, no locking; misuse fatal",
	.flags = MB_MAP_F_DETECTS_MISUSE,
	/* 136-byte groups of 8 slots at 7/16 to 7/8 load: 19 to 39 bytes an
	 * entry; a rehash copies one table at most.  String keys: 8 more per
	 * slot, within the 32 the runner adds for them. */
	.bytes_per_entry = 40,
	.create = sw_create,
	.destroy = sw_destroy,
	.load = sw_load,
	.store = sw_store,
	.delete = sw_delete,
	.len = sw_len,
	.range = sw_range,
	.load_or_store = sw_load_or_store,
	.load_and_delete = sw_load_and_delete,
	.swap = sw_swap,
	.compare_and_swap = sw_compare_and_swap,
	.compare_and_delete = sw_compare_and_delete,
	.stats = sw_stats,
};
