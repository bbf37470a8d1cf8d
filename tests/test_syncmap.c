/* sync.Map, single-threaded: Go's documented semantics, promotion exactly
 * when misses reach len(dirty), what a rebuild copies, and 1M mixed ops with
 * hundreds of promotions that free everything (ASan build: no leak). */
#include "check.h"

#include "maps/reclaim.h"
#include "maps/syncmap.h"

#include <stdlib.h>
#include <string.h>

static struct mb_syncmap *new_map(void)
{
	struct mb_map_config cfg = {.hash_seed = 1, .hash_seed_set = true};
	return mb_syncmap_create(&cfg);
}

static bool stop_after_one(struct mb_key k, int64_t val, void *arg)
{
	int64_t key = k.i;
	(void)key, (void)val;
	++*(int *)arg;
	return false;
}

struct seen {
	int hits[100];
	int n;
};

static bool record(struct mb_key k, int64_t val, void *arg)
{
	int64_t key = k.i;
	struct seen *s = arg;
	if (key >= 0 && key < 100 && val == key * 10)
		s->hits[key]++;
	s->n++;
	return true;
}

static void edge_cases(void)
{
	struct mb_syncmap *m = new_map();
	int64_t v = -1;
	bool loaded;
	(void)loaded;

	CHECK(mb_syncmap_load(m, mb_key_int(1), &v) == 0, "load from an empty map");
	CHECK(mb_syncmap_load_or_store(m, mb_key_int(1), 10, &v) == 0 && v == 10,
	      "LoadOrStore of a new key stores it: loaded false, actual = value");
	CHECK(mb_syncmap_load_or_store(m, mb_key_int(1), 11, &v) == 1 && v == 10,
	      "LoadOrStore of a present key: loaded true, actual = existing");
	CHECK(mb_syncmap_compare_and_swap(m, mb_key_int(2), 0, 1) == 0, "CompareAndSwap on a missing key");
	CHECK(mb_syncmap_compare_and_swap(m, mb_key_int(1), 11, 12) == 0, "CompareAndSwap with a wrong old");
	CHECK(mb_syncmap_compare_and_swap(m, mb_key_int(1), 10, 12) == 1 && mb_syncmap_load(m, mb_key_int(1), &v) == 1 &&
	      v == 12, "CompareAndSwap with the right old");
	CHECK(mb_syncmap_swap(m, mb_key_int(1), 13, &v) == 1 && v == 12, "Swap returns previous, loaded");
	CHECK(mb_syncmap_swap(m, mb_key_int(3), 30, &v) == 0, "Swap of a new key: not loaded");
	CHECK(mb_syncmap_delete(m, mb_key_int(1)) == 1 && mb_syncmap_load(m, mb_key_int(1), &v) == 0, "Delete");
	CHECK(mb_syncmap_delete(m, mb_key_int(1)) == 0, "Delete of a missing key");
	CHECK(mb_syncmap_store(m, mb_key_int(1), 14) == 0 && mb_syncmap_load(m, mb_key_int(1), &v) == 1 && v == 14,
	      "Store after Delete");
	CHECK(mb_syncmap_load_and_delete(m, mb_key_int(1), &v) == 1 && v == 14, "LoadAndDelete, loaded");
	CHECK(mb_syncmap_load_and_delete(m, mb_key_int(1), &v) == 0, "LoadAndDelete, missing");
	CHECK(mb_syncmap_compare_and_delete(m, mb_key_int(3), 31) == 0, "CompareAndDelete, wrong old");
	CHECK(mb_syncmap_compare_and_delete(m, mb_key_int(3), 30) == 1 && mb_syncmap_load(m, mb_key_int(3), &v) == 0,
	      "CompareAndDelete, right old");
	CHECK(mb_syncmap_compare_and_delete(m, mb_key_int(3), 30) == 0, "CompareAndDelete, deleted");

	/* An expunged entry: in read, deleted, then a rebuild expunges it. */
	mb_syncmap_destroy(m);
	m = new_map();
	mb_syncmap_store(m, mb_key_int(5), 50);
	mb_syncmap_load(m, mb_key_int(5), &v); /* miss: promotes (misses 1 >= len 1) */
	struct mb_syncmap_stats st;
	mb_syncmap_get_stats(m, &st);
	CHECK(st.promotions == 1 && st.dirty_len == -1, "promoted: %llu, dirty %lld",
	      (unsigned long long)st.promotions, (long long)st.dirty_len);
	mb_syncmap_delete(m, mb_key_int(5));     /* read.m[5] = nil */
	mb_syncmap_store(m, mb_key_int(6), 60);  /* new key: rebuild expunges 5 */
	mb_syncmap_get_stats(m, &st);
	/* two rebuilds: the first store's (of an empty read map) and this one */
	CHECK(st.dirty_rebuilds == 2 && st.rebuild_entries == 0 && st.dirty_len == 1,
	      "rebuild copied %llu, dirty %lld", (unsigned long long)st.rebuild_entries,
	      (long long)st.dirty_len);
	CHECK(mb_syncmap_compare_and_delete(m, mb_key_int(5), 50) == 0, "CompareAndDelete on expunged");
	CHECK(mb_syncmap_compare_and_swap(m, mb_key_int(5), 50, 51) == 0, "CompareAndSwap on expunged");
	CHECK(mb_syncmap_load(m, mb_key_int(5), &v) == 0, "expunged key reads as missing");
	CHECK(mb_syncmap_store(m, mb_key_int(5), 52) == 0 && mb_syncmap_load(m, mb_key_int(5), &v) == 1 && v == 52,
	      "Store un-expunges");
	mb_syncmap_get_stats(m, &st);
	CHECK(st.dirty_len == 2, "the un-expunged entry is back in dirty: %lld",
	      (long long)st.dirty_len);
	CHECK(mb_syncmap_len(m) == 2, "len %lld", (long long)mb_syncmap_len(m));

	/* Range: each key at most once, stops when fn says so, promotes. */
	mb_syncmap_destroy(m);
	m = new_map();
	for (int64_t k = 0; k < 100; k++)
		mb_syncmap_store(m, mb_key_int(k), k * 10);
	struct seen s = {{0}, 0};
	CHECK(mb_syncmap_range(m, record, &s) == 0 && s.n == 100, "range saw %d", s.n);
	for (int k = 0; k < 100; k++)
		if (s.hits[k] != 1) {
			CHECK(0, "key %d seen %d times", k, s.hits[k]);
			break;
		}
	mb_syncmap_get_stats(m, &st);
	CHECK(st.promotions == 1 && st.dirty_len == -1, "range promoted dirty");
	int calls = 0;
	mb_syncmap_range(m, stop_after_one, &calls);
	CHECK(calls == 1, "range stops when fn returns false");
	mb_syncmap_destroy(m);
}

/* Promotion happens exactly when misses reach len(dirty). */
static void promotion_rule(void)
{
	struct mb_syncmap *m = new_map();
	int64_t v;
	mb_syncmap_store(m, mb_key_int(0), 0);
	mb_syncmap_load(m, mb_key_int(0), &v); /* promote the first key */
	for (int64_t k = 1; k <= 50; k++)
		mb_syncmap_store(m, mb_key_int(k), k); /* dirty: keys 0..50 */
	struct mb_syncmap_stats st;
	mb_syncmap_get_stats(m, &st);
	uint64_t p0 = st.promotions;
	CHECK(st.dirty_len == 51 && st.misses == 0, "dirty %lld", (long long)st.dirty_len);
	for (int i = 1; i <= 50; i++) {
		mb_syncmap_load(m, mb_key_int(1000 + i), &v); /* in neither: a miss each */
		mb_syncmap_get_stats(m, &st);
		CHECK(st.promotions == p0 && st.misses == i, "miss %d: promotions %llu misses %lld",
		      i, (unsigned long long)st.promotions, (long long)st.misses);
	}
	mb_syncmap_load(m, mb_key_int(50), &v); /* the 51st miss: misses == len(dirty) */
	mb_syncmap_get_stats(m, &st);
	CHECK(st.promotions == p0 + 1 && st.misses == 0 && st.dirty_len == -1,
	      "promoted at the 51st miss: %llu", (unsigned long long)st.promotions);
	CHECK(st.promotion_misses >= 51, "misses counted into promotions");
	/* Now every key loads without the lock: no misses. */
	for (int64_t k = 0; k <= 50; k++)
		CHECK(mb_syncmap_load(m, mb_key_int(k), &v) == 1 && v == k, "key %lld", (long long)k);
	mb_syncmap_get_stats(m, &st);
	CHECK(st.misses == 0, "hits in read count no miss");
	/* A new key rebuilds dirty from the 51 read entries. */
	mb_syncmap_store(m, mb_key_int(99), 99);
	mb_syncmap_get_stats(m, &st);
	CHECK(st.dirty_rebuilds >= 1 && st.dirty_len == 52, "rebuild: dirty %lld",
	      (long long)st.dirty_len);
	mb_syncmap_destroy(m);
}

/* 1M mixed ops against a reference, hundreds of promotions. */
static void random_ops(void)
{
	struct mb_syncmap *m = new_map();
	/* A hot set of 300 keys, and writes that wander over 2000 keys now
	 * and then: a stream of new keys, sync.Map's promote/rebuild cycle. */
	enum { HOT = 300, KEYS = 2000 };
	bool *present = calloc(KEYS, sizeof *present);
	int64_t *vals = calloc(KEYS, sizeof *vals);
	uint64_t x = 42;
	for (int i = 0; i < 1000000 && check_failures < 10; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		uint64_t r = x >> 16;
		int64_t key = (int64_t)(r % ((r >> 40) % 4 ? HOT : KEYS)), v = -1;
		int64_t val = (int64_t)(r >> 20);
		int rc;
		switch ((r >> 12) % 10) {
		case 0:
			rc = mb_syncmap_store(m, mb_key_int(key), val);
			present[key] = true, vals[key] = val;
			break;
		case 1:
			rc = mb_syncmap_delete(m, mb_key_int(key));
			CHECK(rc == present[key], "delete");
			present[key] = false;
			break;
		case 2:
			rc = mb_syncmap_load_or_store(m, mb_key_int(key), val, &v);
			CHECK(rc == present[key] && v == (present[key] ? vals[key] : val), "los");
			if (!present[key])
				present[key] = true, vals[key] = val;
			break;
		case 3:
			rc = mb_syncmap_load_and_delete(m, mb_key_int(key), &v);
			CHECK(rc == present[key] && (!rc || v == vals[key]), "lad");
			present[key] = false;
			break;
		case 4:
			rc = mb_syncmap_swap(m, mb_key_int(key), val, &v);
			CHECK(rc == present[key] && (!rc || v == vals[key]), "swap");
			present[key] = true, vals[key] = val;
			break;
		case 5: {
			int64_t old = (r & 1) ? vals[key] : vals[key] + 1;
			rc = mb_syncmap_compare_and_swap(m, mb_key_int(key), old, val);
			bool ok = present[key] && old == vals[key];
			CHECK(rc == ok, "cas");
			if (ok)
				vals[key] = val;
			break;
		}
		case 6: {
			int64_t old = (r & 1) ? vals[key] : vals[key] + 1;
			rc = mb_syncmap_compare_and_delete(m, mb_key_int(key), old);
			bool ok = present[key] && old == vals[key];
			CHECK(rc == ok, "cad");
			if (ok)
				present[key] = false;
			break;
		}
		default:
			/* loads of fresh keys make misses and so promotions */
			rc = mb_syncmap_load(m, mb_key_int(key + ((r & 1) ? 0 : KEYS)), &v); /* or absent */
			CHECK(rc == ((r & 1) ? present[key] : 0) && (rc != 1 || v == vals[key]), "load");
		}
		CHECK(rc >= 0, "op failed: %d", rc);
	}
	int64_t want = 0;
	for (int k = 0; k < KEYS; k++)
		want += present[k];
	CHECK(mb_syncmap_len(m) == want, "len");
	struct mb_syncmap_stats st;
	mb_syncmap_get_stats(m, &st);
	CHECK(st.promotions >= 100 && st.dirty_rebuilds >= 100, "promotions %llu rebuilds %llu",
	      (unsigned long long)st.promotions, (unsigned long long)st.dirty_rebuilds);
	mb_reclaim_barrier();
	mb_syncmap_get_stats(m, &st);
	CHECK(st.retired_pending_objects == 0 && st.freed_objects > 0,
	      "after the barrier nothing is pending (%llu freed)",
	      (unsigned long long)st.freed_objects);
	mb_syncmap_destroy(m);
	free(present);
	free(vals);
}

int main(void)
{
	mb_reclaim_thread_online();
	edge_cases();
	promotion_rule();
	random_ops();
	mb_reclaim_thread_offline();
	CHECK_DONE();
}
