/* The Go 1.19 map port against a reference and against Go's rules. */
#include "check.h"

#include "maps/gomap.h"
#include "maps/reclaim.h"
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

static struct mb_gomap *new_map(uint64_t seed, enum mb_map_grow_mode grow, int64_t hint)
{
	struct mb_map_config cfg = {.hash_seed = seed, .hash_seed_set = true,
				    .grow = grow, .size_hint = hint};
	return mb_gomap_create(&cfg);
}

/* ---- random op sequences against a reference -------------------------- */

#define REF_KEYS 50000

/* Key k of a run: the int k, or the k-th string of strkeys when given. */
static const struct mb_keyset no_strings;
static const struct mb_keyset *strkeys = &no_strings;

static struct mb_key K(int64_t k)
{
	return mb_keyset_key(strkeys, (uint64_t)k);
}

static void random_ops(uint64_t seed, enum mb_map_grow_mode grow, int ops, size_t vsize)
{
	struct mb_map_config cfg = {.hash_seed = seed, .hash_seed_set = true,
				    .grow = grow, .value_size = vsize,
				    .key_type = strkeys->keys ? MB_KEY_STRING : MB_KEY_INT};
	struct mb_gomap *m = mb_gomap_create(&cfg);
	bool *present = calloc(REF_KEYS, sizeof *present);
	int64_t *vals = calloc(REF_KEYS, sizeof *vals);
	int64_t len = 0;
	uint64_t rng = seed;
	/* Phases: grow from empty, churn, shrink to nothing, grow again. */
	for (int i = 0; i < ops && check_failures < 10; i++) {
		uint64_t r = next(&rng);
		int phase = (i / (ops / 8)) % 4;
		unsigned pct = (unsigned)(r % 100);
		int64_t key = (int64_t)((r >> 20) % REF_KEYS);
		unsigned store_pct = phase == 0 ? 60 : phase == 1 ? 35 : phase == 2 ? 5 : 45;
		if (pct < store_pct) {
			CHECK(mb_gomap_store_key(m, K(key), (int64_t)r) == 0, "store");
			len += !present[key];
			present[key] = true;
			vals[key] = (int64_t)r;
		} else if (pct < 70) {
			int rc = mb_gomap_delete_key(m, K(key));
			CHECK(rc == present[key], "delete %lld: rc %d", (long long)key, rc);
			len -= present[key];
			present[key] = false;
		} else {
			int64_t v = -1;
			int rc = mb_gomap_load_key(m, K(key), &v);
			CHECK(rc == present[key] && (!rc || v == vals[key]),
			      "load %lld: rc %d", (long long)key, rc);
		}
		if (grow == MB_MAP_GROW_STW) {
			struct mb_gomap_stats st;
			mb_gomap_get_stats(m, &st);
			CHECK(!st.growing, "stw mode left the map growing");
		}
	}
	CHECK(mb_gomap_len(m) == len, "len %lld, want %lld", (long long)mb_gomap_len(m),
	      (long long)len);
	for (int64_t k = 0; k < REF_KEYS; k++) {
		int64_t v;
		if (mb_gomap_load_key(m, K(k), &v) != present[k]) {
			CHECK(0, "final state of key %lld", (long long)k);
			break;
		}
	}
	struct mb_gomap_stats st;
	mb_gomap_get_stats(m, &st);
	CHECK(st.grows > 0, "seed %llu: the sequence grew the map", (unsigned long long)seed);
	CHECK(mb_gomap_check_values(m) == 0, "value blobs hold their values (size %zu)", vsize);
	free(present);
	free(vals);
	mb_gomap_destroy(m);
}

/* ---- growth thresholds ----------------------------------------------------- */

struct grow_log {
	int n;
	struct mb_gomap_grow_info g[64];
};

static void log_grow(void *arg, const struct mb_gomap_grow_info *g)
{
	struct grow_log *l = arg;
	if (l->n < 64)
		l->g[l->n++] = *g;
}

/* Go's rule written out on its own: a doubling grow starts when an insert of
 * a new key finds count+1 > 8 and count+1 > 6.5 * 2^B. */
static int64_t grow_count_for(uint8_t B)
{
	return B == 0 ? 8 : (int64_t)13 << (B - 1);
}

static void growth_rules(enum mb_key_type type);

/* --grow=stw: the rehash event after each grow moves every entry the map had
 * when the grow started, the count Go's rule gives (grow_count_for). */
static void stw_rehash_moved(void)
{
	struct mb_gomap *m = new_map(17, MB_MAP_GROW_STW, 0);
	struct mb_pause_log pauses;
	CHECK(mb_pause_log_init(&pauses, 0, 0, 0, 1000) == 0, "log");
	mb_pause_attach(&pauses);
	for (int64_t k = 0; k < 10000; k++)
		mb_gomap_store(m, k, k);
	mb_pause_attach(NULL);
	int rehashes = 0;
	for (size_t i = 0; i < pauses.n; i++) {
		const struct mb_pause_event *e = &pauses.events[i];
		if (e->kind == MB_PAUSE_EVACUATE)
			CHECK(0, "stw: an incremental evacuation step");
		if (e->kind != MB_PAUSE_REHASH)
			continue;
		CHECK(e->moved == grow_count_for((uint8_t)rehashes) && e->map_len == e->moved,
		      "rehash %d moved %lld at len %lld, want %lld", rehashes, (long long)e->moved,
		      (long long)e->map_len, (long long)grow_count_for((uint8_t)rehashes));
		rehashes++;
	}
	/* 10000 keys: grows from B = 0 to 10 (the last at 13 << 9 = 6656) */
	CHECK(rehashes == 11 && pauses.by_kind[MB_PAUSE_GROW].count == 11, "rehashes %d",
	      rehashes);
	mb_pause_log_free(&pauses);
	mb_gomap_destroy(m);
}

static void growth_thresholds(void)
{
	growth_rules(MB_KEY_INT);
	growth_rules(MB_KEY_STRING);
	CHECK(!mb_gomap_over_load_factor(8, 0) && mb_gomap_over_load_factor(9, 0), "B=0: 9th");
	CHECK(!mb_gomap_over_load_factor(13, 1) && mb_gomap_over_load_factor(14, 1), "B=1: 14th");
	CHECK(!mb_gomap_over_load_factor(26, 2) && mb_gomap_over_load_factor(27, 2), "B=2");
	CHECK(!mb_gomap_over_load_factor(6656, 10) && mb_gomap_over_load_factor(6657, 10), "B=10");
	CHECK(!mb_gomap_too_many_overflow(0, 0) && mb_gomap_too_many_overflow(1, 0), "ovf B=0");
	CHECK(!mb_gomap_too_many_overflow(1023, 10) && mb_gomap_too_many_overflow(1024, 10),
	      "ovf B=10");
	CHECK(!mb_gomap_too_many_overflow(32767, 20) && mb_gomap_too_many_overflow(32768, 20),
	      "ovf B>15 is capped at 2^15");

	struct mb_gomap *m;
	struct grow_log log = {0};
	struct mb_gomap_stats st;

	/* Size hints pick the smallest B that does not overload (makemap). */
	const int64_t hints[] = {0, 1, 8, 9, 13, 14, 26, 27, 100, 1000000};
	for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++) {
		uint8_t want = 0;
		while (hints[i] > 8 && hints[i] > 13 * ((1LL << want) / 2))
			want++;
		m = new_map(1, MB_MAP_GROW_INCREMENTAL, hints[i]);
		mb_gomap_get_stats(m, &st);
		CHECK(st.B == want, "hint %lld: B %u, want %u", (long long)hints[i], st.B, want);
		/* filling to the hint never grows */
		log.n = 0;
		mb_gomap_set_grow_observer(m, log_grow, &log);
		for (int64_t k = 0; k < hints[i]; k++)
			mb_gomap_store(m, k, k);
		CHECK(log.n == 0, "hint %lld: grew %d times while filling", (long long)hints[i], log.n);
		mb_gomap_destroy(m);
	}
}

/* Go's growth rules hold whatever the key: the same grows at the same
 * counts, and buckets of 208 bytes for strings (8 tophash bytes, 8 string
 * headers of 16, 8 values, a pointer) against 144 for int64. */
static void growth_rules(enum mb_key_type type)
{
	const int64_t n = 300000;
	struct mb_keyset ks = {0};
	struct mb_keyspec spec = {.type = type, .min_len = 4, .max_len = 40};
	CHECK(mb_keyset_build(&ks, &spec, (uint64_t)n) == 0, "key set");
	struct mb_map_config cfg = {.hash_seed = 99, .hash_seed_set = true, .key_type = type};
	struct mb_gomap *m = mb_gomap_create(&cfg);
	struct grow_log log = {0};
	mb_gomap_set_grow_observer(m, log_grow, &log);
	const uint64_t bucket = type == MB_KEY_STRING ? 208 : 144;
	struct mb_alloc_stats alloc0, alloc1, alloc;
	mb_alloc_snapshot(&alloc0);
	struct mb_pause_log pauses; /* threshold 0: every grow is an event */
	mb_pause_log_init(&pauses, 0, 0, 0, 1000000);
	mb_pause_attach(&pauses);
	uint64_t rng = 5;
	for (int64_t i = 0; i < n; i++) {
		/* distinct keys in a scrambled order */
		int64_t key = (int64_t)(next(&rng) & ~0xfffffULL) | i;
		mb_gomap_store_key(m, type == MB_KEY_STRING ? ks.keys[i] : mb_key_int(key), i);
	}
	CHECK(log.n == 16, "grows for %lld inserts: %d", (long long)n, log.n);
	for (int i = 0; i < log.n; i++) {
		struct mb_gomap_grow_info *g = &log.g[i];
		CHECK(!g->same_size, "grow %d is a doubling", i);
		CHECK(g->old_B == i && g->new_B == i + 1, "grow %d: B %u -> %u", i, g->old_B,
		      g->new_B);
		CHECK(g->count == grow_count_for(g->old_B),
		      "grow %d from B=%u started at count %lld, Go's rule says %lld", i, g->old_B,
		      (long long)g->count, (long long)grow_count_for(g->old_B));
	}
	mb_pause_attach(NULL);
	mb_alloc_snapshot(&alloc1);
	mb_alloc_diff(&alloc1, &alloc0, &alloc);
	/* The bucket arithmetic: one array per B from 0 to 16, each 2^B
	 * buckets plus 2^(B-4) preallocated overflow ones from B = 4, a bucket
	 * being 8 tophash bytes, 8 keys, 8 values and a pointer (144 bytes on
	 * LP64, 208 with string keys), after a 24-byte array header. */
	if (sizeof(void *) == 8) {
		uint64_t want = 0;
		for (unsigned b = 0; b <= 16; b++)
			want += 24 + ((UINT64_C(1) << b) + (b >= 4 ? UINT64_C(1) << (b - 4) : 0)) * bucket;
		CHECK(alloc.allocs[MB_ALLOC_BUCKETS] == 17 && alloc.bytes[MB_ALLOC_BUCKETS] == want,
		      "bucket arrays: %llu allocs, %llu bytes, want 17 and %llu",
		      (unsigned long long)alloc.allocs[MB_ALLOC_BUCKETS],
		      (unsigned long long)alloc.bytes[MB_ALLOC_BUCKETS], (unsigned long long)want);
	}
	CHECK(alloc.bytes[MB_ALLOC_OVERFLOW] % bucket == 0, "overflow buckets are whole buckets");
	/* hashGrow moves nothing (moved 0); the evacuation steps after it move
	 * every entry the map had when it started exactly once, before the
	 * next grow may start (never while growing): so the moved of the
	 * evacuate events between grow k and grow k+1 add up to the count
	 * grow k started at, grow_count_for(k).  Each step evacuates at most
	 * two old buckets and their chains; a step that finds its bucket done
	 * already moves 0. */
	int grow_events = 0;
	int64_t evac_moved = 0;
	for (size_t i = 0; i < pauses.n; i++) {
		const struct mb_pause_event *e = &pauses.events[i];
		if (e->kind == MB_PAUSE_EVACUATE) {
			CHECK(e->moved >= 0, "evacuate event %zu: moved %lld", i, (long long)e->moved);
			evac_moved += e->moved;
			continue;
		}
		if (e->kind != MB_PAUSE_GROW)
			continue;
		/* the event carries the count the grow started at */
		CHECK(e->map_len == grow_count_for((uint8_t)grow_events),
		      "grow event %d at len %lld, Go's rule says %lld", grow_events,
		      (long long)e->map_len, (long long)grow_count_for((uint8_t)grow_events));
		CHECK(e->moved == 0, "grow event %d moved %lld, hashGrow moves nothing", grow_events,
		      (long long)e->moved);
		if (grow_events > 0)
			CHECK(evac_moved == grow_count_for((uint8_t)(grow_events - 1)),
			      "grow %d: evacuation moved %lld, want %lld", grow_events - 1,
			      (long long)evac_moved,
			      (long long)grow_count_for((uint8_t)(grow_events - 1)));
		evac_moved = 0;
		grow_events++;
	}
	/* the last grow (B 15 to 16) finished long before the 300000th insert:
	 * 2^15 old buckets, at least one evacuated per insert */
	CHECK(evac_moved == grow_count_for(15), "last grow: evacuation moved %lld, want %lld",
	      (long long)evac_moved, (long long)grow_count_for(15));
	CHECK(grow_events == 16 && pauses.dropped == 0, "grow events: %d", grow_events);
	CHECK(pauses.by_kind[MB_PAUSE_EVACUATE].count > 0, "evacuation steps were events");
	mb_pause_log_free(&pauses);
	struct mb_gomap_stats st;
	mb_gomap_get_stats(m, &st);
	CHECK(st.B == 16 && st.count == n && st.grows == 16 && st.same_size_grows == 0,
	      "final B %u count %lld", st.B, (long long)st.count);
	if (type == MB_KEY_STRING) {
		/* found by bytes: look every key up through a copy */
		char copy[64];
		int64_t v = -1, misses = 0;
		for (int64_t i = 0; i < n; i++) {
			memcpy(copy, ks.keys[i].str, (size_t)ks.keys[i].len);
			if (mb_gomap_load_key(m, mb_key_str(copy, ks.keys[i].len), &v) != 1 || v != i)
				misses++;
		}
		CHECK(misses == 0, "%lld string keys not found through a copy", (long long)misses);
		CHECK(mb_gomap_load_key(m, mb_key_str("no such key", 11), &v) == 0, "a miss");
	}
	mb_gomap_destroy(m);
	mb_keyset_free(&ks);
}

/* ---- same-size grow after churn ------------------------------------------------- */

static void same_size_grow(enum mb_key_type type)
{
	/* string keys: a key set as long as the int keys may run */
	struct mb_keyset ks = {0};
	struct mb_keyspec spec = {.type = type, .min_len = 12, .max_len = 12};
	const int64_t limit = type == MB_KEY_STRING ? 400000 : 2000000;
	CHECK(mb_keyset_build(&ks, &spec, (uint64_t)limit) == 0, "key set");
	strkeys = &ks;
	struct mb_map_config cfg = {.hash_seed = 7, .hash_seed_set = true, .key_type = type};
	struct mb_gomap *m = mb_gomap_create(&cfg);
	const int64_t window = 1600; /* B=8 holds up to 1664 */
	for (int64_t k = 0; k < window; k++)
		mb_gomap_store_key(m, K(k), k);
	struct mb_gomap_stats st;
	mb_gomap_get_stats(m, &st);
	uint8_t B = st.B;
	CHECK(B == 8, "B after fill: %u", B);
	struct grow_log log = {0};
	mb_gomap_set_grow_observer(m, log_grow, &log);
	int64_t k = window;
	for (; k < limit && log.n == 0; k++) {
		mb_gomap_store_key(m, K(k), k);
		mb_gomap_delete_key(m, K(k - window));
	}
	CHECK(log.n >= 1 && log.g[0].same_size, "churn led to a same-size grow (%d grows, key type %d)", log.n, type);
	if (log.n)
		CHECK(log.g[0].old_B == B && log.g[0].new_B == B &&
		      mb_gomap_too_many_overflow(log.g[0].noverflow, B),
		      "same-size grow at B %u with noverflow %u", log.g[0].old_B,
		      log.g[0].noverflow);
	mb_gomap_get_stats(m, &st);
	CHECK(st.B == B && st.count == window, "B %u count %lld after churn", st.B,
	      (long long)st.count);
	for (int64_t j = k - window; j < k; j++) {
		int64_t v;
		if (mb_gomap_load_key(m, K(j), &v) != 1 || v != j) {
			CHECK(0, "key %lld lost in the same-size grow", (long long)j);
			break;
		}
	}
	mb_gomap_destroy(m);
	mb_keyset_free(&ks);
	strkeys = &no_strings;
}

/* ---- iteration -------------------------------------------------------------------- */

struct visit {
	int64_t nkeys;
	unsigned char *hits;
	int64_t n;
	int64_t bad;
	struct mb_gomap *m;
	int mode;           /* 0 count, 1 delete ahead, 2 insert new keys */
	int64_t deleted_from;
	int64_t order[16];
};

static bool visit(int64_t key, int64_t val, void *arg)
{
	struct visit *v = arg;
	if (v->n < 16)
		v->order[v->n] = key;
	v->n++;
	if (key < 0 || key >= v->nkeys) {
		if (v->mode != 2 || key < 1000000000)
			v->bad++;
		return true;
	}
	if (val != key * 2)
		v->bad++;
	v->hits[key]++;
	if (v->mode == 1 && v->n == 1) {
		/* delete every key but this one: none of them may appear */
		for (int64_t k = 0; k < v->nkeys; k++)
			if (k != key)
				mb_gomap_delete(v->m, k);
	}
	if (v->mode == 2 && v->n <= 4000)
		mb_gomap_store(v->m, 1000000000 + v->n, 0); /* may or may not be seen */
	return true;
}

static void check_once(struct visit *v, const char *what)
{
	int64_t missing = 0, twice = 0;
	for (int64_t k = 0; k < v->nkeys; k++) {
		missing += v->hits[k] == 0;
		twice += v->hits[k] > 1;
	}
	CHECK(missing == 0 && twice == 0 && v->bad == 0,
	      "%s: %lld missing, %lld twice, %lld bad", what, (long long)missing,
	      (long long)twice, (long long)v->bad);
}

static bool stop_growing;

static void note_grow(void *arg, const struct mb_gomap_grow_info *g)
{
	(void)arg, (void)g;
	stop_growing = true;
}

static void iteration(void)
{
	const int64_t n = 20000;
	struct visit v = {.nkeys = n, .hits = calloc((size_t)n, 1)};

	/* A settled map. */
	struct mb_gomap *m = new_map(3, MB_MAP_GROW_INCREMENTAL, 0);
	for (int64_t k = 0; k < n; k++)
		mb_gomap_store(m, k, k * 2);
	CHECK(mb_gomap_range(m, visit, &v) == 0, "range");
	check_once(&v, "settled map");

	/* In the middle of a grow: stop inserting right after a grow starts. */
	struct mb_gomap *g = new_map(4, MB_MAP_GROW_INCREMENTAL, 0);
	int64_t k = 0;
	for (; k < 4000; k++)
		mb_gomap_store(g, k, k * 2);
	stop_growing = false;
	mb_gomap_set_grow_observer(g, note_grow, NULL);
	while (!stop_growing)
		mb_gomap_store(g, k, k * 2), k++;
	struct mb_gomap_stats st;
	mb_gomap_get_stats(g, &st);
	CHECK(st.growing && st.nevacuate < (1u << (st.B - 1)), "stopped mid-grow");
	memset(v.hits, 0, (size_t)n);
	v = (struct visit){.nkeys = k, .hits = v.hits};
	CHECK(mb_gomap_range(g, visit, &v) == 0, "range mid-grow");
	check_once(&v, "mid-grow");
	mb_gomap_get_stats(g, &st);
	CHECK(st.growing, "reads never evacuate: still growing");
	for (int64_t j = 0; j < k; j++) {
		int64_t val;
		if (mb_gomap_load(g, j, &val) != 1 || val != j * 2) {
			CHECK(0, "mid-grow lookup of %lld", (long long)j);
			break;
		}
	}

	/* Deleting during iteration: deleted keys are not returned. */
	memset(v.hits, 0, (size_t)n);
	v = (struct visit){.nkeys = n, .hits = v.hits, .m = m, .mode = 1};
	CHECK(mb_gomap_range(m, visit, &v) == 0, "range with deletes");
	CHECK(v.n == 1 && v.bad == 0, "deleted keys were returned: %lld visits", (long long)v.n);
	CHECK(mb_gomap_len(m) == 1, "one key left");
	mb_gomap_destroy(m);

	/* Inserting during iteration, enough to start and finish grows: every
	 * old key still exactly once. */
	m = new_map(5, MB_MAP_GROW_INCREMENTAL, 0);
	for (int64_t j = 0; j < 1000; j++)
		mb_gomap_store(m, j, j * 2);
	memset(v.hits, 0, (size_t)n);
	v = (struct visit){.nkeys = 1000, .hits = v.hits, .m = m, .mode = 2};
	CHECK(mb_gomap_range(m, visit, &v) == 0, "range with inserts");
	check_once(&v, "inserting during iteration");
	mb_gomap_get_stats(m, &st);
	CHECK(st.grows >= 8, "the inserts grew the map during iteration (%llu grows)",
	      (unsigned long long)st.grows);
	mb_gomap_destroy(m);
	mb_gomap_destroy(g);

	/* Iteration order: the same seed gives the same order, another seed
	 * another one. */
	int64_t first[3][16];
	const uint64_t seeds[3] = {11, 11, 12};
	for (int s = 0; s < 3; s++) {
		m = new_map(seeds[s], MB_MAP_GROW_INCREMENTAL, 0);
		for (int64_t j = 0; j < 1000; j++)
			mb_gomap_store(m, j, j * 2);
		memset(v.hits, 0, (size_t)n);
		v = (struct visit){.nkeys = 1000, .hits = v.hits};
		mb_gomap_range(m, visit, &v);
		memcpy(first[s], v.order, sizeof first[s]);
		mb_gomap_destroy(m);
	}
	CHECK(memcmp(first[0], first[1], sizeof first[0]) == 0, "same seed, same order");
	CHECK(memcmp(first[0], first[2], sizeof first[0]) != 0, "other seed, other order");
	free(v.hits);
}

/* ---- deleting everything ---------------------------------------------------- */

static void empty_rest(void)
{
	struct mb_gomap *m = new_map(8, MB_MAP_GROW_INCREMENTAL, 0);
	for (int64_t k = 0; k < 5000; k++)
		mb_gomap_store(m, k, k);
	struct mb_gomap_stats before, after;
	mb_gomap_get_stats(m, &before);
	for (int64_t k = 4999; k >= 0; k--)
		CHECK(mb_gomap_delete(m, k) == 1, "delete %lld", (long long)k);
	mb_gomap_get_stats(m, &after);
	CHECK(after.count == 0, "empty");
	CHECK(after.hash0 != before.hash0, "an emptied map draws a new hash0");
	int64_t v;
	for (int64_t k = 0; k < 5000; k++)
		if (mb_gomap_load(m, k, &v) != 0) {
			CHECK(0, "deleted key %lld found", (long long)k);
			break;
		}
	CHECK(mb_gomap_delete(m, 1) == 0, "delete from an empty map");
	for (int64_t k = 0; k < 5000; k += 2)
		mb_gomap_store(m, k, -k);
	for (int64_t k = 0; k < 5000; k++) {
		int rc = mb_gomap_load(m, k, &v);
		if (rc != !(k & 1) || (rc && v != -k)) {
			CHECK(0, "reinsert: key %lld rc %d", (long long)k, rc);
			break;
		}
	}
	CHECK(mb_gomap_len(m) == 2500, "len after reinsert");
	mb_gomap_destroy(m);

	/* emptyRest lets a delete at the end of a chain mark it; a lookup for a
	 * key that is not there still finds nothing after any delete order. */
	m = new_map(9, MB_MAP_GROW_INCREMENTAL, 0);
	for (int64_t k = 0; k < 8; k++)
		mb_gomap_store(m, k, k); /* one bucket, B = 0 */
	const int64_t order[] = {3, 7, 6, 0, 1, 2, 5, 4};
	for (int i = 0; i < 8; i++) {
		CHECK(mb_gomap_delete(m, order[i]) == 1, "delete %lld", (long long)order[i]);
		for (int j = i + 1; j < 8; j++)
			CHECK(mb_gomap_load(m, order[j], &v) == 1, "key %lld still there",
			      (long long)order[j]);
	}
	mb_gomap_destroy(m);
}

/* ---- value blobs -------------------------------------------------------- */

static bool delete_while_ranging(int64_t key, int64_t val, void *arg)
{
	struct mb_gomap *m = arg;
	CHECK(val == key * 3, "range sees key %lld's value %lld", (long long)key, (long long)val);
	mb_gomap_delete(m, key ^ 1); /* Go allows deletes during range */
	return true;
}

static void value_blobs(void)
{
	/* Every store allocates one blob of exactly value_size bytes in the
	 * values category, an update too; a delete allocates nothing. */
	struct mb_map_config cfg = {.hash_seed = 9, .hash_seed_set = true, .value_size = 40};
	struct mb_gomap *m = mb_gomap_create(&cfg);
	struct mb_alloc_stats a, b, d;
	mb_alloc_snapshot(&a);
	for (int64_t k = 0; k < 1000; k++)
		mb_gomap_store(m, k, k * 3);
	for (int64_t k = 0; k < 1000; k += 2)
		mb_gomap_store(m, k, k * 3); /* updates: the old blob is freed */
	for (int64_t k = 0; k < 1000; k += 4)
		mb_gomap_delete(m, k);
	mb_alloc_snapshot(&b);
	mb_alloc_diff(&b, &a, &d);
	CHECK(d.allocs[MB_ALLOC_VALUES] == 1500 && d.bytes[MB_ALLOC_VALUES] == 1500 * 40,
	      "values: %llu allocs, %llu bytes; want 1500, 60000",
	      (unsigned long long)d.allocs[MB_ALLOC_VALUES],
	      (unsigned long long)d.bytes[MB_ALLOC_VALUES]);
	int64_t v = -1;
	CHECK(mb_gomap_load(m, 6, &v) == 1 && v == 18, "load reads the blob: %lld", (long long)v);
	CHECK(mb_gomap_check_values(m) == 0, "blob contents");
	/* Deleting during range retires blobs until the iteration ends (ASan
	 * would see a use after free otherwise; LSan a leak). */
	mb_gomap_range(m, delete_while_ranging, m);
	CHECK(mb_gomap_check_values(m) == 0, "blob contents after range");
	mb_gomap_destroy(m);

	/* Shared (misuse) mode keeps every replaced blob until destroy; LSan
	 * checks that destroy frees them all. */
	cfg.shared = true;
	m = mb_gomap_create(&cfg);
	for (int i = 0; i < 5000; i++)
		mb_gomap_store(m, i % 300, i);
	for (int64_t k = 0; k < 300; k += 3)
		mb_gomap_delete(m, k);
	CHECK(mb_gomap_len(m) == 200, "shared: len %lld", (long long)mb_gomap_len(m));
	CHECK(mb_gomap_check_values(m) == 0, "shared: blob contents");
	mb_gomap_destroy(m);

	/* Destroy in the middle of a grow frees the blobs in both arrays. */
	cfg.shared = false;
	m = mb_gomap_create(&cfg);
	bool mid_grow = false;
	for (int64_t k = 0; k < 100000 && !mid_grow; k++) {
		mb_gomap_store(m, k, k);
		struct mb_gomap_stats st;
		mb_gomap_get_stats(m, &st);
		mid_grow = st.growing && st.B >= 8 && st.nevacuate > 4;
	}
	CHECK(mid_grow, "reached the middle of a grow");
	CHECK(mb_gomap_check_values(m) == 0, "mid-grow blob contents");
	mb_gomap_destroy(m);
	CHECK(mb_map_blob_check((int64_t[2]){7, 0}, 16) == false, "a wrong fill is caught");
}

/* ---- the misuse detector, with and without sharing ---------------------------- */

/* The grow observer runs inside the write that starts a grow, with
 * hashWriting set: any access from there is what Go calls concurrent. */
struct nested {
	struct mb_gomap *m;
	bool called;
	int store_rc, delete_rc, load_rc;
};

static void access_inside_write(void *arg, const struct mb_gomap_grow_info *g)
{
	struct nested *n = arg;
	(void)g;
	if (n->called)
		return;
	n->called = true;
	int64_t v;
	n->store_rc = mb_gomap_store(n->m, 12345, 1);
	n->delete_rc = mb_gomap_delete(n->m, 0);
	n->load_rc = mb_gomap_load(n->m, 0, &v);
}

static void misuse_flag(void)
{
	for (int shared = 0; shared < 2; shared++) {
		struct mb_map_config cfg = {.hash_seed = 3, .hash_seed_set = true,
					    .shared = shared};
		struct mb_gomap *m = mb_gomap_create(&cfg);
		struct nested n = {.m = m};
		mb_gomap_set_grow_observer(m, access_inside_write, &n);
		/* Go's rule: the 9th key overloads B = 0 and starts a grow. */
		for (int64_t k = 0; k < 9; k++)
			CHECK(mb_gomap_store(m, k, k) == 0, "shared=%d: store %lld", shared,
			      (long long)k);
		CHECK(n.called, "shared=%d: the 9th store grew", shared);
		CHECK(n.store_rc == MB_MAP_FATAL_WRITES && n.delete_rc == MB_MAP_FATAL_WRITES,
		      "shared=%d: a write inside a write is concurrent map writes (%d, %d)",
		      shared, n.store_rc, n.delete_rc);
		CHECK(n.load_rc == MB_MAP_FATAL_READ_WRITE,
		      "shared=%d: a read inside a write is concurrent read and write (%d)", shared,
		      n.load_rc);
		/* The outer write cleared the flag: the map is usable again. */
		int64_t v = -1;
		CHECK(mb_gomap_store(m, 100, 7) == 0 && mb_gomap_load(m, 100, &v) == 1 && v == 7 &&
		      mb_gomap_delete(m, 100) == 1 && mb_gomap_len(m) == 9,
		      "shared=%d: normal use after the detection", shared);
		CHECK(mb_gomap_load(m, 12345, &v) == 0, "shared=%d: the refused store left nothing",
		      shared);
		mb_gomap_destroy(m);
	}
}

/* ---- retired generations freed off the op path --------------------------------- */

static pthread_t main_thread;

struct batches {
	int n, on_writer;
	uint64_t bytes;
};

static void on_batch(void *arg, const struct mb_reclaim_batch_info *b)
{
	struct batches *s = arg;
	s->n++;
	s->bytes += b->bytes;
	if (pthread_equal(pthread_self(), main_thread))
		s->on_writer++;
}

/* Bytes of Go's bucket array for B (makeBucketArray: 2^B buckets and
 * 2^(B-4) preallocated overflow ones from B = 4) after the 24-byte header. */
static uint64_t array_bytes_for(unsigned B)
{
	return 24 + ((UINT64_C(1) << B) + (B >= 4 ? UINT64_C(1) << (B - 4) : 0)) * 144;
}

static void free_off_path(void)
{
	main_thread = pthread_self();
	struct mb_alloc_live live0, live1;
	mb_alloc_live(&live0);
	for (int online = 0; online < 2; online++) {
		if (online)
			mb_reclaim_thread_online();
		struct batches seen = {0};
		mb_reclaim_observe(on_batch, &seen);
		struct mb_gomap *m = new_map(11, MB_MAP_GROW_INCREMENTAL, 0);
		mb_gomap_set_free_off_path(m, true);
		struct grow_log log = {0};
		mb_gomap_set_grow_observer(m, log_grow, &log);
		/* 200000 keys: Go's rule grows at 8, 13, 26, ..., 13 << 13, so
		 * 15 grows to B = 15 (a 5 MB array, eligible for huge pages). */
		const int64_t n = 200000;
		for (int64_t k = 0; k < n; k++)
			mb_gomap_store(m, k, k);
		struct mb_gomap_stats st;
		mb_gomap_get_stats(m, &st);
		for (int64_t k = 0; st.growing; k++) { /* updates finish the last grow */
			mb_gomap_store(m, k, k);
			mb_gomap_get_stats(m, &st);
		}
		CHECK(log.n == 15 && st.B == 15, "online=%d: %d grows, B %u", online, log.n, st.B);
		if (online)
			mb_reclaim_barrier();
		mb_gomap_get_stats(m, &st);
		if (online && sizeof(void *) == 8) {
			/* Each finished grow handed its old array (and overflow
			 * buckets, whole 144-byte ones) to the reclamation thread. */
			uint64_t arrays = 0;
			for (unsigned B = 0; B < 15; B++)
				arrays += array_bytes_for(B);
			CHECK(st.reclaim_batches == 15 && seen.n == 15,
			      "a batch per finished grow: %llu, observed %d",
			      (unsigned long long)st.reclaim_batches, seen.n);
			CHECK(st.reclaimed_bytes >= arrays && (st.reclaimed_bytes - arrays) % 144 == 0,
			      "reclaimed %llu bytes: the old arrays (%llu) and overflow buckets",
			      (unsigned long long)st.reclaimed_bytes, (unsigned long long)arrays);
			CHECK(seen.bytes == st.reclaimed_bytes && st.retired_pending_bytes == 0,
			      "observed %llu bytes, pending %llu", (unsigned long long)seen.bytes,
			      (unsigned long long)st.retired_pending_bytes);
			CHECK(seen.on_writer == 0, "freed on the reclamation thread, not the writer's");
		} else if (!online) {
			CHECK(st.reclaim_batches == 0 && st.reclaimed_bytes == 0 && seen.n == 0,
			      "an offline writer frees at once");
		}
		/* The current array is one mapping advised for huge pages (or
		 * none when the kernel refuses the advice), backed by at most
		 * its own length in whole huge pages. */
		uint64_t cur = array_bytes_for(15);
		CHECK(st.huge_page_eligible_bytes == 0 || st.huge_page_eligible_bytes == cur,
		      "eligible %llu of %llu", (unsigned long long)st.huge_page_eligible_bytes,
		      (unsigned long long)cur);
		int64_t huge = mb_gomap_huge_resident(m);
		CHECK(huge >= 0 && huge % (int64_t)MB_ALLOC_HUGE_PAGE == 0 &&
		      (uint64_t)huge <= st.huge_page_eligible_bytes + MB_ALLOC_HUGE_PAGE,
		      "resident huge pages %lld", (long long)huge);
		int64_t v = -1, bad = 0;
		for (int64_t k = 0; k < n; k++)
			bad += mb_gomap_load(m, k, &v) != 1 || v != k;
		CHECK(bad == 0, "online=%d: %lld keys lost", online, (long long)bad);
		mb_gomap_destroy(m);
		mb_reclaim_observe(NULL, NULL);
		if (online)
			mb_reclaim_thread_offline();
	}
	/* Every byte back in its category, whichever thread freed it. */
	mb_alloc_live(&live1);
	for (int c = 0; c < MB_ALLOC_NCATS; c++)
		CHECK(live1.bytes[c] == live0.bytes[c], "%s: %lld bytes live after destroy",
		      mb_alloc_cat_name(c), (long long)(live1.bytes[c] - live0.bytes[c]));
}

int main(void)
{
	const uint64_t seeds[] = {1, 2, 3};
	for (size_t i = 0; i < 3; i++)
		random_ops(seeds[i], MB_MAP_GROW_INCREMENTAL, 1000000, 0);
	random_ops(4, MB_MAP_GROW_STW, 400000, 0);
	random_ops(5, MB_MAP_GROW_INCREMENTAL, 300000, 8);
	random_ops(6, MB_MAP_GROW_INCREMENTAL, 200000, 100);
	random_ops(7, MB_MAP_GROW_STW, 100000, 24);
	/* string keys, 1 to 24 bytes: many share their first bytes */
	struct mb_keyset ks;
	struct mb_keyspec spec = {.type = MB_KEY_STRING, .min_len = 3, .max_len = 24};
	CHECK(mb_keyset_build(&ks, &spec, REF_KEYS) == 0, "key set");
	strkeys = &ks;
	random_ops(8, MB_MAP_GROW_INCREMENTAL, 600000, 0);
	random_ops(9, MB_MAP_GROW_STW, 200000, 0);
	random_ops(10, MB_MAP_GROW_INCREMENTAL, 200000, 40);
	strkeys = &no_strings;
	mb_keyset_free(&ks);
	value_blobs();
	growth_thresholds();
	stw_rehash_moved();
	same_size_grow(MB_KEY_INT);
	same_size_grow(MB_KEY_STRING);
	iteration();
	empty_rest();
	misuse_flag();
	free_off_path();
	CHECK_DONE();
}
