/* The Go 1.24 map port (swiss) against a reference and against go1.24's
 * rules (internal/runtime/maps at the go1.24 tag).  Every expected number
 * below is derived in a comment from those rules:
 *   - a small map is one group of 8 slots; Map.PutSlot converts it into a
 *     table when it finds used == 8, before looking for the key;
 *   - growToTable makes a 16-slot table; newTable rounds a capacity up to a
 *     power of two, at least 8; resetGrowthLeft gives capacity*7/8
 *     (capacity-1 for 8 slots);
 *   - table.PutSlot rehashes when a new key finds growthLeft 0 and no
 *     tombstone on its probe path; rehash doubles up to 1024 slots, else
 *     splits into two 1024-slot tables, doubling the directory when the
 *     table's localDepth equals globalDepth;
 *   - table.Delete leaves a tombstone only in a group with no empty slot;
 *   - NewMap(hint > 8): capacity hint*8/7 over ceil(that/1024) tables,
 *     rounded up to a power of two. */
#include "check.h"

#include "maps/swiss.h"
#include "measure/alloc.h"
#include "measure/pause.h"
#include "run/keys.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static uint64_t next(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* String keys of 8 to 80 bytes: short ones and long ones (>= 64, the
 * small map's quick-test path). */
static struct mb_keyset strset;
static const struct mb_keyset no_strings;
static const struct mb_keyset *keyset = &no_strings;
#define NKEYS 200000

static struct mb_key K(int64_t k)
{
	return mb_keyset_key(keyset, (uint64_t)k);
}

/* The index of a key the map handed back (strings: by address, the map
 * keeps the header it was given). */
static int64_t index_of(struct mb_key key)
{
	if (!keyset->keys)
		return key.i;
	size_t lo = 0, hi = keyset->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (keyset->keys[mid].str < key.str)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < keyset->n && keyset->keys[lo].str == key.str ? (int64_t)lo : -1;
}

static struct mb_swiss *new_map(uint64_t seed, int64_t hint, size_t vsize)
{
	struct mb_map_config cfg = {.hash_seed = seed, .hash_seed_set = true, .size_hint = hint,
				    .value_size = vsize,
				    .key_type = keyset->keys ? MB_KEY_STRING : MB_KEY_INT};
	return mb_swiss_create(&cfg);
}

static struct mb_swiss_stats stats(const struct mb_swiss *m)
{
	struct mb_swiss_stats st;
	mb_swiss_get_stats(m, &st);
	return st;
}

/* The directory's shape: every table's run starts at its index, is
 * 2^(globalDepth - localDepth) long and aligned, capacities within 8..1024,
 * and the tables' used add up to the map's length. */
static void check_directory(const struct mb_swiss *m, const char *what)
{
	struct mb_swiss_stats st = stats(m);
	if (st.small)
		return;
	CHECK(st.dir_len == (UINT64_C(1) << st.global_depth), "%s: dir len %llu depth %u", what,
	      (unsigned long long)st.dir_len, st.global_depth);
	int64_t used = 0;
	for (uint64_t i = 0; i < st.dir_len;) {
		struct mb_swiss_table_info ti;
		CHECK(mb_swiss_table_at(m, i, &ti) == 0, "%s: table at %llu", what,
		      (unsigned long long)i);
		uint64_t run = UINT64_C(1) << (st.global_depth - ti.local_depth);
		CHECK(ti.index == (int64_t)i && i % run == 0, "%s: table at %llu has index %lld",
		      what, (unsigned long long)i, (long long)ti.index);
		CHECK(ti.capacity >= 8 && ti.capacity <= MB_SWISS_MAX_TABLE_CAPACITY &&
			      (ti.capacity & (ti.capacity - 1)) == 0,
		      "%s: capacity %u", what, ti.capacity);
		for (uint64_t j = 1; j < run; j++) {
			struct mb_swiss_table_info tj;
			mb_swiss_table_at(m, i + j, &tj);
			CHECK(tj.index == ti.index, "%s: run of %llu broken at %llu", what,
			      (unsigned long long)i, (unsigned long long)(i + j));
		}
		used += ti.used;
		i += run;
	}
	CHECK(used == st.used, "%s: tables hold %lld, map %lld", what, (long long)used,
	      (long long)st.used);
}

/* ---- small map -------------------------------------------------------------- */

static void test_small(void)
{
	struct mb_swiss *m = new_map(7, 0, 0);
	struct mb_swiss_stats st = stats(m);
	CHECK(st.small && st.capacity == 0, "empty map has no group yet");
	/* Up to 8 entries fit the one group. */
	for (int k = 0; k < 8; k++)
		CHECK(mb_swiss_store(m, K(k), k) == 0, "store %d", k);
	st = stats(m);
	CHECK(st.small && st.capacity == 8 && st.small_to_table == 0, "8 entries: still small");
	/* Deleting from the small group never leaves a tombstone (deleteSmall):
	 * delete one and insert another, 8 again, still small. */
	CHECK(mb_swiss_delete(m, K(3)) == 1, "delete from small");
	CHECK(mb_swiss_store(m, K(100), 100) == 0, "refill");
	st = stats(m);
	CHECK(st.small && st.used == 8 && st.tombstones == 0, "refilled small map");
	/* The 9th key: the Put finds used == 8, growToTable makes a 16-slot
	 * table (8 moved, growthLeft 14 - 8 = 6), then inserts (5 left). */
	CHECK(mb_swiss_store(m, K(8), 8) == 0, "store 9th");
	st = stats(m);
	CHECK(!st.small && st.small_to_table == 1 && st.tables == 1 && st.dir_len == 1,
	      "9th key makes a table");
	struct mb_swiss_table_info ti;
	CHECK(mb_swiss_table_at(m, 0, &ti) == 0 && ti.capacity == 16 && ti.used == 9 &&
		      ti.growth_left == 5 && ti.local_depth == 0,
	      "first table: cap %u used %u growthLeft %u", ti.capacity, ti.used, ti.growth_left);
	CHECK(st.grow_slots_moved == 8, "growToTable moved %llu", (unsigned long long)st.grow_slots_moved);
	int64_t v;
	for (int k = 0; k < 9; k++)
		if (k != 3)
			CHECK(mb_swiss_load(m, K(k), &v) == 1 && v == k, "key %d after conversion", k);
	CHECK(mb_swiss_load(m, K(100), &v) == 1 && v == 100, "key 100 after conversion");
	mb_swiss_destroy(m);

	/* go1.24 converts even when the Put on a full small map only updates
	 * an existing key (Map.PutSlot notes it need not, but it does); with 7 entries an update
	 * stays small. */
	m = new_map(8, 0, 0);
	for (int k = 0; k < 7; k++)
		mb_swiss_store(m, K(k), k);
	mb_swiss_store(m, K(2), 22);
	CHECK(stats(m).small, "update of a 7-entry small map stays small");
	mb_swiss_store(m, K(7), 7);
	CHECK(stats(m).small, "8 entries: small");
	CHECK(mb_swiss_store(m, K(2), 222) == 0 && mb_swiss_len(m) == 8, "update on full");
	st = stats(m);
	CHECK(!st.small && st.small_to_table == 1, "update on a full small map converts (go1.24)");
	CHECK(mb_swiss_load(m, K(2), &v) == 1 && v == 222, "updated value %lld", (long long)v);
	mb_swiss_destroy(m);
}

/* ---- one table's growth, then the first split --------------------------------- */

static void test_growth_thresholds(void)
{
	/* From a small map, with no deletes (no tombstones): the table's
	 * capacity c has c*7/8 growth in all, so the insert of the
	 * (c*7/8 + 1)-th key finds growthLeft 0 and doubles it: keys 15 (16
	 * slots), 29 (32), 57 (64), 113 (128), 225 (256), 449 (512).  The
	 * 1024-slot table is full at 896: key 897 splits it, and as the only
	 * table it is at full depth (0 == 0): the directory doubles to 2. */
	const int64_t want_grow[] = {15, 29, 57, 113, 225, 449};
	struct mb_swiss *m = new_map(11, 0, 0);
	size_t g = 0;
	uint64_t grows = 0;
	for (int64_t k = 1; k <= 896; k++) {
		mb_swiss_store(m, K(k), k);
		struct mb_swiss_stats st = stats(m);
		if (st.grows != grows) {
			CHECK(g < 6 && want_grow[g] == k, "grow at key %lld", (long long)k);
			g++;
			grows = st.grows;
		}
		CHECK(st.splits == 0, "no split before key 897 (key %lld)", (long long)k);
	}
	CHECK(g == 6, "%zu grows up to 896 keys, want 6", g);
	struct mb_swiss_table_info ti;
	mb_swiss_table_at(m, 0, &ti);
	CHECK(ti.capacity == 1024 && ti.used == 896 && ti.growth_left == 0,
	      "full table: cap %u used %u left %u", ti.capacity, ti.used, ti.growth_left);
	/* An update does not rehash, even at growthLeft 0. */
	mb_swiss_store(m, K(5), 55);
	CHECK(stats(m).splits == 0, "update at growthLeft 0 does not split");
	mb_swiss_store(m, K(897), 897);
	struct mb_swiss_stats st = stats(m);
	CHECK(st.splits == 1 && st.dir_doublings == 1 && st.dir_len == 2 && st.tables == 2,
	      "key 897 splits: splits %llu doublings %llu dir %llu tables %llu",
	      (unsigned long long)st.splits, (unsigned long long)st.dir_doublings,
	      (unsigned long long)st.dir_len, (unsigned long long)st.tables);
	CHECK(st.split_slots_moved == 896, "split moved %llu", (unsigned long long)st.split_slots_moved);
	for (uint64_t i = 0; i < 2; i++) {
		mb_swiss_table_at(m, i, &ti);
		CHECK(ti.capacity == 1024 && ti.local_depth == 1 && ti.index == (int64_t)i,
		      "half %llu: cap %u depth %u", (unsigned long long)i, ti.capacity, ti.local_depth);
	}
	check_directory(m, "after first split");
	for (int64_t k = 1; k <= 897; k++) {
		int64_t v;
		CHECK(mb_swiss_load(m, K(k), &v) == 1 && v == (k == 5 ? 55 : k), "key %lld", (long long)k);
	}
	mb_swiss_destroy(m);
}

/* ---- table headers ----------------------------------------------------------------- */

/* Headers are packed in chunks and a freed table's header is taken again
 * before a chunk is added.  Every rehash takes its new headers (1 for a
 * grow, 2 for a split) before it frees the old one, and tables never
 * merge, so the most held at once is the final table count + 1 (during
 * the last rehash): ceil((tables + 1) / 126) chunks, not one per table
 * ever made.  Without a rehash (a hint's tables), ceil(tables / 126). */
static void test_headers(void)
{
	const uint64_t per = MB_SWISS_HEADERS_PER_CHUNK;
	struct mb_swiss *m = new_map(21, 0, 0);
	CHECK(stats(m).header_chunks == 0, "small map: no header chunk");
	for (int64_t k = 0; k < 896; k++)
		mb_swiss_store(m, K(k), k);
	/* 16 to 1024 slots: 7 tables made, at most 2 held at once. */
	CHECK(stats(m).grows == 6 && stats(m).header_chunks == 1, "one table grown: %llu chunks",
	      (unsigned long long)stats(m).header_chunks);
	for (int64_t k = 896; k < NKEYS; k++)
		mb_swiss_store(m, K(k), k);
	struct mb_swiss_stats st = stats(m);
	CHECK(st.tables > per, "%llu tables", (unsigned long long)st.tables);
	CHECK(st.header_chunks == (st.tables + 1 + per - 1) / per, "%llu tables in %llu chunks",
	      (unsigned long long)st.tables, (unsigned long long)st.header_chunks);
	check_directory(m, "headers");
	mb_swiss_destroy(m);
	m = new_map(22, 100000, 0);
	st = stats(m);
	CHECK(st.tables == 128 && st.header_chunks == 2, "hint 100000: %llu chunks",
	      (unsigned long long)st.header_chunks);
	mb_swiss_destroy(m);
}

/* ---- size hints ------------------------------------------------------------------ */

static void test_hints(void)
{
	/* hint 8: small, no allocation until the first Put. */
	struct mb_swiss *m = new_map(1, 8, 0);
	CHECK(stats(m).small && stats(m).capacity == 0, "hint 8 is small");
	mb_swiss_destroy(m);
	/* hint 100: 100*8/7 = 114 slots, one table rounded to 128, growth
	 * 112: the 113th insert grows it, not before. */
	m = new_map(2, 100, 0);
	struct mb_swiss_stats st = stats(m);
	CHECK(!st.small && st.tables == 1 && st.capacity == 128, "hint 100: %llu slots",
	      (unsigned long long)st.capacity);
	for (int64_t k = 0; k < 112; k++)
		mb_swiss_store(m, K(k), k);
	CHECK(stats(m).grows == 0, "112 keys fit a hint of 100");
	mb_swiss_store(m, K(112), 112);
	CHECK(stats(m).grows == 1 && stats(m).capacity == 256, "113th key grows");
	mb_swiss_destroy(m);
	/* hint 1000: 1142 slots, ceil(1142/1024) = 2 tables of 571 rounded to
	 * 1024, directory depth 1. */
	m = new_map(3, 1000, 0);
	st = stats(m);
	CHECK(st.tables == 2 && st.dir_len == 2 && st.capacity == 2048, "hint 1000: %llu tables",
	      (unsigned long long)st.tables);
	check_directory(m, "hint 1000");
	mb_swiss_destroy(m);
	/* hint 100000: 114285 slots, 112 tables, rounded to 128 (depth 7),
	 * each 114285/128 = 892 slots, rounded to 1024. */
	m = new_map(4, 100000, 0);
	st = stats(m);
	CHECK(st.tables == 128 && st.global_depth == 7 && st.capacity == 128 * 1024,
	      "hint 100000: %llu tables depth %u", (unsigned long long)st.tables, st.global_depth);
	for (int64_t k = 0; k < 100000; k++)
		mb_swiss_store(m, K(k), k);
	st = stats(m);
	/* 100000 keys over 128 tables of 896 growth: 781 on average, a table
	 * needs 115 more than that (about 4 standard deviations) to split. */
	CHECK(st.splits == 0 && st.grows == 0, "100000 keys fit their hint: %llu splits",
	      (unsigned long long)st.splits);
	mb_swiss_destroy(m);
}

/* ---- tombstones ---------------------------------------------------------------------- */

/* Keys (>= from) whose probe path starts at group g of a 2-group table. */
static int64_t key_in_group(const struct mb_swiss *m, unsigned g, int64_t *from)
{
	for (int64_t k = *from;; k++)
		if (((mb_swiss_hash(m, K(k)) >> 7) & 1) == g) {
			*from = k + 1;
			return k;
		}
}

static void tombstone_scenario(bool reuse)
{
	/* hint 14: 14*8/7 = 16 slots, one table of 2 groups, growthLeft 14. */
	struct mb_swiss *m = new_map(21, 14, 0);
	struct mb_swiss_table_info ti;
	mb_swiss_table_at(m, 0, &ti);
	CHECK(ti.capacity == 16 && ti.growth_left == 14, "hint 14: one 16-slot table");
	int64_t from0 = 0, from1 = 0, a[9], b[7];
	for (int i = 0; i < 9; i++)
		a[i] = key_in_group(m, 0, &from0);
	for (int i = 0; i < 7; i++)
		b[i] = key_in_group(m, 1, &from1);
	/* 8 keys starting at group 0 fill it (each finds an empty slot there). */
	for (int i = 0; i < 8; i++)
		mb_swiss_store(m, K(a[i]), a[i]);
	mb_swiss_table_at(m, 0, &ti);
	CHECK(ti.used == 8 && ti.growth_left == 6 && ti.tombstones == 0, "group 0 full");
	/* Delete from the full group: a tombstone, growthLeft unchanged. */
	CHECK(mb_swiss_delete(m, K(a[3])) == 1, "delete a3");
	mb_swiss_table_at(m, 0, &ti);
	CHECK(ti.used == 7 && ti.growth_left == 6 && ti.tombstones == 1,
	      "tombstone in a full group: used %u left %u tomb %u", ti.used, ti.growth_left,
	      ti.tombstones);
	/* Delete from group 1, which has empty slots: no tombstone, the slot
	 * and its growth come back. */
	mb_swiss_store(m, K(b[0]), b[0]);
	CHECK(mb_swiss_delete(m, K(b[0])) == 1, "delete b0");
	mb_swiss_table_at(m, 0, &ti);
	CHECK(ti.used == 7 && ti.growth_left == 6 && ti.tombstones == 1,
	      "no tombstone where the group has an empty slot: left %u tomb %u", ti.growth_left,
	      ti.tombstones);
	/* Group 0's keys are still found past the tombstone. */
	int64_t v;
	for (int i = 0; i < 8; i++)
		CHECK(mb_swiss_load(m, K(a[i]), &v) == (i == 3 ? 0 : 1), "a%d after tombstone", i);
	/* 6 keys into group 1: growthLeft 0 with 13 used + 1 tombstone = 14,
	 * 7/8 of 16 counting the tombstone. */
	for (int i = 0; i < 6; i++)
		mb_swiss_store(m, K(b[i]), b[i]);
	mb_swiss_table_at(m, 0, &ti);
	CHECK(ti.used == 13 && ti.growth_left == 0 && ti.tombstones == 1, "growthLeft 0");
	CHECK(stats(m).grows == 0, "no grow yet");
	if (reuse) {
		/* A key starting at group 0 meets the tombstone (group 0's
		 * first free slot), goes on to group 1's empty slot, and takes
		 * the tombstone: no growthLeft needed, no grow. */
		mb_swiss_store(m, K(a[8]), a[8]);
		mb_swiss_table_at(m, 0, &ti);
		CHECK(stats(m).grows == 0 && ti.capacity == 16 && ti.used == 14 &&
			      ti.tombstones == 0 && ti.growth_left == 0,
		      "tombstone reused: grows %llu used %u tomb %u",
		      (unsigned long long)stats(m).grows, ti.used, ti.tombstones);
	} else {
		/* A key starting at group 1 ends at its empty slot without
		 * meeting the tombstone: growthLeft 0, so the table doubles;
		 * the rehash drops the tombstone (32 slots, 28 - 13 moved - 1
		 * new = 14 left). */
		mb_swiss_store(m, K(b[6]), b[6]);
		mb_swiss_table_at(m, 0, &ti);
		CHECK(stats(m).grows == 1 && ti.capacity == 32 && ti.used == 14 &&
			      ti.tombstones == 0 && ti.growth_left == 14,
		      "grow at growthLeft 0: grows %llu cap %u used %u left %u",
		      (unsigned long long)stats(m).grows, ti.capacity, ti.used, ti.growth_left);
	}
	mb_swiss_destroy(m);
}

/* ---- every insert against the rule, with deletes, over many splits ------------ */

static void rule_check(uint64_t seed, int ops, size_t vsize)
{
	struct mb_swiss *m = new_map(seed, 0, vsize);
	enum { KEYS = 60000 };
	bool *present = calloc(KEYS, sizeof *present);
	int64_t *vals = calloc(KEYS, sizeof *vals);
	int64_t len = 0;
	uint64_t rng = seed, rehash_seen = 0, reuse_seen = 0;
	for (int i = 0; i < ops && check_failures < 10; i++) {
		uint64_t r = next(&rng);
		int64_t key = (int64_t)((r >> 20) % KEYS);
		/* inserts dominate (the map grows to ~60000 keys), with
		 * deletes enough to leave tombstones */
		bool del = r % 100 < (i < ops / 2 ? 15 : 40);
		struct mb_swiss_stats before = stats(m);
		struct mb_swiss_table_info ti = {0};
		bool small = mb_swiss_table_of(m, K(key), &ti) != 0;
		if (del) {
			CHECK(mb_swiss_delete(m, K(key)) == present[key], "delete %lld", (long long)key);
			len -= present[key];
			present[key] = false;
		} else {
			CHECK(mb_swiss_store(m, K(key), (int64_t)r) == 0, "store");
			bool fresh = !present[key];
			len += fresh;
			present[key] = true;
			vals[key] = (int64_t)r;
			struct mb_swiss_stats after = stats(m);
			uint64_t grew = after.grows - before.grows, split = after.splits - before.splits;
			uint64_t doubled = after.dir_doublings - before.dir_doublings;
			if (small) {
				/* conversion exactly when the group held 8 */
				CHECK((after.small_to_table - before.small_to_table) ==
					      (before.used == 8),
				      "small to table at %lld entries", (long long)before.used);
			} else if (!fresh || ti.growth_left > 0) {
				CHECK(grew + split == 0, "rehash with growthLeft %u (fresh %d)",
				      ti.growth_left, fresh);
			} else if (grew + split == 0) {
				/* growthLeft 0 and no rehash: only a reused
				 * tombstone allows that */
				CHECK(ti.tombstones > 0 && after.tombstones == before.tombstones - 1,
				      "insert at growthLeft 0 without rehash nor tombstone");
				reuse_seen++;
			} else {
				rehash_seen++;
				bool full = ti.capacity == MB_SWISS_MAX_TABLE_CAPACITY;
				CHECK(grew == !full && split == full, "cap %u: grew %llu split %llu",
				      ti.capacity, (unsigned long long)grew, (unsigned long long)split);
				CHECK(doubled == (full && ti.local_depth == before.global_depth),
				      "directory doubled %llu on a split at depth %u of %u",
				      (unsigned long long)doubled, ti.local_depth, before.global_depth);
				CHECK(after.dir_len == (doubled ? 2 : 1) * before.dir_len,
				      "directory %llu -> %llu", (unsigned long long)before.dir_len,
				      (unsigned long long)after.dir_len);
			}
		}
		if (i % 4096 == 0)
			check_directory(m, "random ops");
	}
	CHECK(mb_swiss_len(m) == len, "len %lld want %lld", (long long)mb_swiss_len(m), (long long)len);
	for (int64_t k = 0; k < KEYS; k++) {
		int64_t v = 0;
		int rc = mb_swiss_load(m, K(k), &v);
		CHECK(rc == present[k] && (!rc || v == vals[k]), "final key %lld", (long long)k);
		if (check_failures >= 10)
			break;
	}
	CHECK(mb_swiss_check_values(m) == 0, "blob contents");
	struct mb_swiss_stats st = stats(m);
	/* (a tombstone reused at growthLeft 0 is rare here: it needs a
	 * tombstone on the path at that moment; tombstone_scenario makes one) */
	CHECK(st.splits > 10 && st.dir_doublings >= 4 && rehash_seen > 0,
	      "exercised: %llu splits %llu doublings (%llu reuses)", (unsigned long long)st.splits,
	      (unsigned long long)st.dir_doublings, (unsigned long long)reuse_seen);
	/* A table of 2^k groups probes at most all of them. */
	uint64_t probe = mb_swiss_max_probe(m);
	CHECK(probe >= 1 && probe <= 128, "max probe %llu", (unsigned long long)probe);
	check_directory(m, "end");
	free(present);
	free(vals);
	mb_swiss_destroy(m);
}

/* ---- iteration across grows and splits -------------------------------------- */

struct iter_state {
	struct mb_swiss *m;
	int64_t nkeys;          /* key space */
	bool *present;
	bool *original;         /* present when the range started */
	int64_t *vals;
	int *visits;
	int64_t next_new;       /* next key to insert during the range */
	int64_t inserts_per_visit;
	uint64_t rng;
	bool bad;
};

static bool iter_visit(struct mb_key key, int64_t val, void *arg)
{
	struct iter_state *s = arg;
	int64_t k = index_of(key);
	if (k < 0 || k >= s->nkeys || !s->present[k] || s->vals[k] != val) {
		s->bad = true;
		return false;
	}
	s->visits[k]++;
	/* Mutate: new keys (they force grows, splits, directory doublings),
	 * an update and a delete of random keys, maybe not yet visited. */
	for (int64_t i = 0; i < s->inserts_per_visit && s->next_new < s->nkeys; i++) {
		int64_t n = s->next_new++;
		mb_swiss_store(s->m, K(n), n * 3);
		s->present[n] = true;
		s->vals[n] = n * 3;
	}
	uint64_t r = next(&s->rng);
	int64_t u = (int64_t)(r % (uint64_t)s->next_new);
	if (s->present[u]) {
		s->vals[u] += 1000000;
		mb_swiss_store(s->m, K(u), s->vals[u]);
	}
	int64_t d = (int64_t)((r >> 32) % (uint64_t)s->next_new);
	if (s->present[d] && d != k) {
		mb_swiss_delete(s->m, K(d));
		s->present[d] = false;
	}
	return true;
}

static void iterate_mutating(uint64_t seed, int64_t start, int64_t per_visit, int64_t nkeys)
{
	struct iter_state s = {
		.m = new_map(seed, 0, 8), .nkeys = nkeys,
		.present = calloc((size_t)nkeys, sizeof(bool)),
		.original = calloc((size_t)nkeys, sizeof(bool)),
		.vals = calloc((size_t)nkeys, sizeof(int64_t)),
		.visits = calloc((size_t)nkeys, sizeof(int)),
		.next_new = start, .inserts_per_visit = per_visit, .rng = seed,
	};
	for (int64_t k = 0; k < start; k++) {
		mb_swiss_store(s.m, K(k), k);
		s.present[k] = s.original[k] = true;
		s.vals[k] = k;
	}
	struct mb_swiss_stats before = stats(s.m);
	CHECK(mb_swiss_range(s.m, iter_visit, &s) == 0, "range");
	CHECK(!s.bad, "range yielded a key not in the map or a stale value");
	struct mb_swiss_stats after = stats(s.m);
	/* Go's guarantees: no key twice; a key present at the start and never
	 * deleted comes exactly once (with its latest value, checked in the
	 * visit); a deleted key not before its deletion (not at all if deleted
	 * before it was reached: present[] is false then and the visit
	 * fails). */
	int64_t twice = 0, missed = 0;
	for (int64_t k = 0; k < nkeys; k++) {
		twice += s.visits[k] > 1;
		missed += s.original[k] && s.present[k] && s.visits[k] != 1;
	}
	CHECK(twice == 0 && missed == 0, "start %lld: %lld keys twice, %lld missed", (long long)start,
	      (long long)twice, (long long)missed);
	CHECK(mb_swiss_check_values(s.m) == 0, "blobs after range");
	if (start <= 8)
		CHECK(before.small && after.small_to_table == 1, "the range saw small -> table");
	else
		CHECK(after.splits > before.splits && after.dir_doublings > before.dir_doublings,
		      "the range saw splits (%llu -> %llu) and doublings",
		      (unsigned long long)before.splits, (unsigned long long)after.splits);
	free(s.present);
	free(s.original);
	free(s.vals);
	free(s.visits);
	mb_swiss_destroy(s.m);
}

/* ---- misuse, pause events, stats ---------------------------------------------- */

/* A pause tap runs inside the write that grows the map: any other access
 * then meets `writing` set, as another goroutine would. */
struct tap_probe {
	struct mb_swiss *m;
	int load_rc, store_rc, delete_rc, range_rc;
	bool ran;
};

static bool stop_visit(struct mb_key key, int64_t val, void *arg)
{
	(void)key, (void)val, (void)arg;
	return false;
}

static void probe_tap(void *arg, const struct mb_pause_event *e)
{
	struct tap_probe *p = arg;
	if (p->ran || e->kind != MB_PAUSE_GROW)
		return;
	int64_t v;
	p->ran = true;
	p->load_rc = mb_swiss_load(p->m, K(1), &v);
	p->store_rc = mb_swiss_store(p->m, K(1), 1);
	p->delete_rc = mb_swiss_delete(p->m, K(1));
	p->range_rc = mb_swiss_range(p->m, stop_visit, NULL);
}

static void test_misuse_and_pauses(void)
{
	struct mb_swiss *m = new_map(5, 0, 0);
	struct tap_probe probe = {.m = m};
	struct mb_pause_log log;
	CHECK(mb_pause_log_init(&log, 0, 0, 0, 1000) == 0, "log");
	log.tap = probe_tap;
	log.tap_arg = &probe;
	mb_pause_attach(&log);
	/* 897 keys: growToTable (key 9) and 6 grows are `grow` events, the
	 * split at key 897 one `split` event, taken with 896 entries in. */
	for (int64_t k = 0; k < 897; k++)
		mb_swiss_store(m, K(k), k);
	mb_pause_attach(NULL);
	CHECK(probe.ran && probe.load_rc == MB_MAP_FATAL_READ_WRITE &&
		      probe.store_rc == MB_MAP_FATAL_WRITES && probe.delete_rc == MB_MAP_FATAL_WRITES &&
		      probe.range_rc == MB_MAP_FATAL_ITER_WRITE,
	      "inside a write: load %d store %d delete %d range %d", probe.load_rc, probe.store_rc,
	      probe.delete_rc, probe.range_rc);
	CHECK(log.by_kind[MB_PAUSE_GROW].count == 7 && log.by_kind[MB_PAUSE_SPLIT].count == 1,
	      "pause events: %llu grow, %llu split",
	      (unsigned long long)log.by_kind[MB_PAUSE_GROW].count,
	      (unsigned long long)log.by_kind[MB_PAUSE_SPLIT].count);
	/* The slots each step moved, from Go's rules: growToTable moves the
	 * full small group (8 = SwissMapGroupSlots, the 9th key finds it
	 * full); a table of capacity c (16 to 512) holds c * 7/8 before its
	 * growthLeft is 0 (maxAvgGroupLoad, no tombstones here) and the next
	 * insert moves them all into 2c; the 1024-slot table splits with
	 * 1024 * 7/8 = 896. */
	int64_t want_grow = 8;
	int ngrow = 0;
	for (size_t i = 0; i < log.n; i++) {
		const struct mb_pause_event *e = &log.events[i];
		if (e->kind == MB_PAUSE_SPLIT)
			CHECK(e->map_len == 896 && e->moved == 896, "split at len %lld moved %lld",
			      (long long)e->map_len, (long long)e->moved);
		if (e->kind != MB_PAUSE_GROW)
			continue;
		CHECK(e->moved == want_grow, "grow %d moved %lld, want %lld", ngrow,
		      (long long)e->moved, (long long)want_grow);
		want_grow = ngrow == 0 ? 16 * 7 / 8 : want_grow * 2;
		ngrow++;
	}
	CHECK(ngrow == 7 && want_grow == 1024 * 7 / 8, "grow events %d", ngrow);
	CHECK(strcmp(mb_pause_kind_name(MB_PAUSE_SPLIT), "split") == 0, "kind name");
	/* the map still works after the probes were refused */
	int64_t v;
	CHECK(mb_swiss_len(m) == 897 && mb_swiss_load(m, K(1), &v) == 1 && v == 1, "intact");
	mb_pause_log_free(&log);

	/* Stats through the design's interface: named, the release among them. */
	struct mb_map_stat st[MB_MAP_MAX_STATS];
	/* the design embeds struct mb_map first (map.h) */
	size_t n = mb_swiss_ops.stats((struct mb_map *)m, st, MB_MAP_MAX_STATS);
	bool release = false, splits = false;
	for (size_t i = 0; i < n; i++) {
		CHECK(st[i].name && st[i].name[0], "stat %zu named", i);
		release |= strcmp(st[i].name, "ported_from_go1_24") == 0 && st[i].value == 1;
		splits |= strcmp(st[i].name, "splits") == 0 && st[i].value == 1;
	}
	CHECK(release && splits && n <= MB_MAP_MAX_STATS, "stats name the release and count splits");
	CHECK(strstr(mb_swiss_ops.summary, "1.24") != NULL, "summary names the release");
	mb_swiss_destroy(m);
}

/* The seed: a new one when the map empties; none shared by default. */
static void test_seed(void)
{
	struct mb_swiss *m = new_map(99, 0, 0);
	uint64_t s0 = stats(m).seed;
	CHECK(s0 == 99, "seed from cfg");
	mb_swiss_store(m, K(1), 1);
	mb_swiss_store(m, K(2), 2);
	mb_swiss_delete(m, K(1));
	CHECK(stats(m).seed == s0, "seed kept while entries remain");
	mb_swiss_delete(m, K(2));
	CHECK(stats(m).seed != s0, "new seed when the map empties");
	mb_swiss_store(m, K(3), 3);
	int64_t v;
	CHECK(mb_swiss_load(m, K(3), &v) == 1 && v == 3, "usable after reseed");
	mb_swiss_destroy(m);
	struct mb_swiss *a = mb_swiss_create(NULL), *b = mb_swiss_create(NULL);
	CHECK(stats(a).seed != stats(b).seed, "random seeds differ");
	mb_swiss_destroy(a);
	mb_swiss_destroy(b);
}

/* Shared and raced (the misuse demonstration): every answer is a result
 * or a fatal code, nothing crashes, and the memory kept for racing
 * readers comes back at destroy (ASan checks that). */
struct racer {
	struct mb_swiss *m;
	int64_t base;
	int fatal;
};

static void *race_main(void *arg)
{
	struct racer *r = arg;
	for (int64_t i = 0; i < 200000 && !r->fatal; i++) {
		int64_t v;
		int rc = (i & 3) == 3 ? mb_swiss_load(r->m, mb_key_int(r->base + i / 2), &v)
				      : mb_swiss_store(r->m, mb_key_int(r->base + i), i);
		if (rc < 0)
			r->fatal = rc;
	}
	return NULL;
}

static void test_shared_race(size_t vsize)
{
	struct mb_map_config cfg = {.hash_seed = 3, .hash_seed_set = true, .shared = true,
				    .value_size = vsize};
	struct mb_alloc_live before, after;
	mb_alloc_live(&before);
	struct mb_swiss *m = mb_swiss_create(&cfg);
	struct racer r[2] = {{m, 0, 0}, {m, 1 << 20, 0}};
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, race_main, &r[i]);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 2; i++)
		CHECK(r[i].fatal == 0 || mb_map_is_fatal(r[i].fatal), "racer %d: %d", i, r[i].fatal);
	mb_swiss_destroy(m);
	mb_alloc_live(&after);
	for (int c = 0; c < MB_ALLOC_NCATS; c++)
		CHECK(after.bytes[c] == before.bytes[c], "%s bytes left after a shared map (%zu)",
		      mb_alloc_cat_name(c), vsize);
}

/* ---- random ops against a reference, both key types, blobs ------------------ */

static void random_ops(uint64_t seed, int ops, size_t vsize, int64_t hint)
{
	enum { KEYS = 30000 };
	struct mb_swiss *m = new_map(seed, hint, vsize);
	bool *present = calloc(KEYS, sizeof *present);
	int64_t *vals = calloc(KEYS, sizeof *vals);
	int64_t len = 0;
	uint64_t rng = seed;
	for (int i = 0; i < ops && check_failures < 10; i++) {
		uint64_t r = next(&rng);
		int phase = (i / (ops / 8)) % 4;
		unsigned pct = (unsigned)(r % 100);
		int64_t key = (int64_t)((r >> 20) % KEYS);
		unsigned store_pct = phase == 0 ? 60 : phase == 1 ? 35 : phase == 2 ? 5 : 45;
		int64_t v = 0;
		if (pct < store_pct) {
			CHECK(mb_swiss_store(m, K(key), (int64_t)r) == 0, "store");
			len += !present[key];
			present[key] = true;
			vals[key] = (int64_t)r;
		} else if (pct < 70) {
			CHECK(mb_swiss_delete(m, K(key)) == present[key], "delete");
			len -= present[key];
			present[key] = false;
		} else {
			int rc = mb_swiss_load(m, K(key), &v);
			CHECK(rc == present[key] && (!rc || v == vals[key]), "load %lld", (long long)key);
		}
		CHECK(mb_swiss_len(m) == len, "len");
	}
	CHECK(mb_swiss_check_values(m) == 0, "blobs");
	check_directory(m, "random ops");
	free(present);
	free(vals);
	mb_swiss_destroy(m);
}

static void run_suite(void)
{
	test_small();
	test_growth_thresholds();
	test_hints();
	test_headers();
	tombstone_scenario(true);
	tombstone_scenario(false);
	rule_check(1, 150000, 0);
	iterate_mutating(2, 8, 20, 20000);     /* small at the start */
	iterate_mutating(3, 5000, 12, 80000);  /* splits and doublings meanwhile */
	random_ops(4, 200000, 0, 0);
	random_ops(5, 100000, 16, 5000);
	test_misuse_and_pauses();
	test_seed();
}

int main(void)
{
	run_suite();
	/* String keys, 8 to 80 bytes: the same rules, hashes of bytes. */
	struct mb_keyspec spec;
	CHECK(mb_keyspec_parse("string:8-80", &spec) == 0, "keyspec");
	CHECK(mb_keyset_build(&strset, &spec, NKEYS) == 0, "keyset");
	keyset = &strset;
	run_suite();
	keyset = &no_strings;
	mb_keyset_free(&strset);
	test_shared_race(0);
	test_shared_race(16);
	rule_check(6, 60000, 8);
	CHECK_DONE();
}
