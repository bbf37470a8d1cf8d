/* hashtrie (Go 1.24's sync.Map), single-threaded: sync.Map's documented
 * semantics; the trie's shape under forced hashes, each expected number
 * derived from Go's rules (16 children, a digit of 4 bits per level from
 * the top, expansion down to the first differing digit, equal hashes
 * chained, emptied nodes pruned up to the root); a Range whose callback
 * mutates the map sees each key at most once; reclamation accounts for
 * every retired entry and node; string keys and value blobs; with Go's
 * lock and a fake scheduler, a delete whose prune parks on the parent's
 * lock goes on where it stopped, and a task woken for a node that was
 * pruned meanwhile settles that lock before it takes another. */
#include "check.h"
#include "fakesched.h"

#include "maps/hashtrie.h"
#include "maps/reclaim.h"
#include "run/keys.h"

#include <stdlib.h>
#include <string.h>

/* ---- forced hashes (the test hook) ---- */

/* Every key the same hash: one overflow chain. */
static uint64_t hash_const(struct mb_key k, uint64_t seed)
{
	(void)k, (void)seed;
	return UINT64_C(0xabcdef0123456789);
}

/* The key itself: keys 0..15 share every digit but the last. */
static uint64_t hash_identity(struct mb_key k, uint64_t seed)
{
	(void)seed;
	return (uint64_t)k.i;
}

/* The key in bits 32..35: keys 0..15 first differ at the digit of shift 32. */
static uint64_t hash_mid(struct mb_key k, uint64_t seed)
{
	(void)seed;
	return (uint64_t)k.i << 32;
}

/* Four keys per hash, hashes spread over a few digits: chains and
 * expansions together. */
static uint64_t hash_quarter(struct mb_key k, uint64_t seed)
{
	(void)seed;
	uint64_t q = (uint64_t)k.i / 4;
	return (q & 0xf) << 60 | (q >> 4 & 0xf) << 8 | (q >> 8);
}

static struct mb_hashtrie *new_map(mb_hashtrie_hash_fn fn)
{
	struct mb_map_config cfg = {.hash_seed = 1, .hash_seed_set = true};
	return mb_hashtrie_create_hashed(&cfg, fn);
}

static struct mb_hashtrie_stats stats(struct mb_hashtrie *m)
{
	struct mb_hashtrie_stats st;
	mb_hashtrie_get_stats(m, &st);
	return st;
}

static void edge_cases(void)
{
	struct mb_hashtrie *m = new_map(NULL);
	int64_t v = -1;
	CHECK(mb_hashtrie_load(m, mb_key_int(1), &v) == 0, "load from an empty map");
	CHECK(mb_hashtrie_load_or_store(m, mb_key_int(1), 10, &v) == 0 && v == 10,
	      "LoadOrStore of a new key stores it: loaded false, actual = value");
	CHECK(mb_hashtrie_load_or_store(m, mb_key_int(1), 11, &v) == 1 && v == 10,
	      "LoadOrStore of a present key: loaded true, actual = existing");
	CHECK(mb_hashtrie_compare_and_swap(m, mb_key_int(2), 0, 1) == 0, "CAS on a missing key");
	CHECK(mb_hashtrie_compare_and_swap(m, mb_key_int(1), 11, 12) == 0, "CAS with a wrong old");
	CHECK(mb_hashtrie_compare_and_swap(m, mb_key_int(1), 10, 12) == 1 &&
	      mb_hashtrie_load(m, mb_key_int(1), &v) == 1 && v == 12, "CAS with the right old");
	CHECK(mb_hashtrie_swap(m, mb_key_int(1), 13, &v) == 1 && v == 12, "Swap: previous, loaded");
	CHECK(mb_hashtrie_swap(m, mb_key_int(3), 30, &v) == 0, "Swap of a new key: not loaded");
	CHECK(mb_hashtrie_compare_and_delete(m, mb_key_int(3), 31) == 0, "CAD with a wrong old");
	CHECK(mb_hashtrie_compare_and_delete(m, mb_key_int(3), 30) == 1 &&
	      mb_hashtrie_load(m, mb_key_int(3), &v) == 0, "CAD with the right old");
	CHECK(mb_hashtrie_compare_and_delete(m, mb_key_int(3), 30) == 0, "CAD of a missing key");
	CHECK(mb_hashtrie_load_and_delete(m, mb_key_int(1), &v) == 1 && v == 13,
	      "LoadAndDelete returns the value");
	CHECK(mb_hashtrie_load_and_delete(m, mb_key_int(1), &v) == 0, "LoadAndDelete of a missing key");
	CHECK(mb_hashtrie_store(m, mb_key_int(4), 40) == 0 && mb_hashtrie_delete(m, mb_key_int(4)) == 1 &&
	      mb_hashtrie_delete(m, mb_key_int(4)) == 0, "Delete");
	CHECK(mb_hashtrie_len(m) == 0, "empty again: len %lld", (long long)mb_hashtrie_len(m));
	mb_hashtrie_destroy(m);
}

/* Equal full hashes: Go's expand chains the new entry in front of the old
 * one (newEntry.overflow = oldEntry), so n keys make one chain of n in a
 * root slot: 1 node, depth 1, n - 1 overflow entries, n - 1 collisions,
 * no expansion.  Every op must find keys anywhere in the chain. */
static void overflow_chains(void)
{
	struct mb_hashtrie *m = new_map(hash_const);
	enum { N = 10 };
	for (int64_t k = 0; k < N; k++)
		CHECK(mb_hashtrie_store(m, mb_key_int(k), k * 10) == 0, "store %lld", (long long)k);
	struct mb_hashtrie_stats st = stats(m);
	CHECK(st.nodes == 1 && st.max_depth == 1 && st.entries == N && st.overflow == N - 1 &&
	      st.collisions == N - 1 && st.expansions == 0,
	      "nodes %llu depth %llu entries %llu overflow %llu collisions %llu expansions %llu",
	      (unsigned long long)st.nodes, (unsigned long long)st.max_depth,
	      (unsigned long long)st.entries, (unsigned long long)st.overflow,
	      (unsigned long long)st.collisions, (unsigned long long)st.expansions);
	int64_t v;
	for (int64_t k = 0; k < N; k++)
		CHECK(mb_hashtrie_load(m, mb_key_int(k), &v) == 1 && v == k * 10, "load %lld", (long long)k);
	/* The chain is 9 (head) ... 0 (tail): hit the head, the middle, the tail. */
	CHECK(mb_hashtrie_swap(m, mb_key_int(5), 51, &v) == 1 && v == 50, "swap mid-chain");
	CHECK(mb_hashtrie_swap(m, mb_key_int(9), 91, &v) == 1 && v == 90, "swap the head");
	CHECK(mb_hashtrie_compare_and_swap(m, mb_key_int(0), 0, 1) == 1, "CAS the tail");
	CHECK(mb_hashtrie_compare_and_swap(m, mb_key_int(0), 0, 2) == 0, "CAS the tail, stale old");
	CHECK(mb_hashtrie_load_or_store(m, mb_key_int(3), 0, &v) == 1 && v == 30, "LoadOrStore mid");
	CHECK(mb_hashtrie_compare_and_delete(m, mb_key_int(4), 40) == 1, "CAD mid-chain");
	CHECK(mb_hashtrie_load_and_delete(m, mb_key_int(9), &v) == 1 && v == 91, "LoadAndDelete head");
	CHECK(mb_hashtrie_delete(m, mb_key_int(0)) == 1, "delete the tail");
	int64_t want[N] = {-1, 10, 20, 30, -1, 51, 60, 70, 80, -1};
	for (int64_t k = 0; k < N; k++) {
		int rc = mb_hashtrie_load(m, mb_key_int(k), &v);
		CHECK(want[k] < 0 ? rc == 0 : rc == 1 && v == want[k], "key %lld after the chain ops",
		      (long long)k);
	}
	st = stats(m);
	CHECK(st.entries == 7 && st.overflow == 6 && st.nodes == 1, "7 left in one chain");
	for (int64_t k = 0; k < N; k++)
		mb_hashtrie_delete(m, mb_key_int(k));
	st = stats(m);
	CHECK(st.entries == 0 && st.nodes == 1 && st.prunes == 0, "the root is never pruned");
	mb_hashtrie_destroy(m);
}

/* Divergent hashes: the second key beside an entry expands one indirect
 * node per level until the digits differ (Go's expand), the later keys
 * land in the deepest node, and deleting them all prunes every node but
 * the root, one per level. */
static void expansion_and_pruning(mb_hashtrie_hash_fn fn, unsigned first_diff_shift,
				  const char *what)
{
	struct mb_hashtrie *m = new_map(fn);
	/* The root picks with shift 60; expand adds a node for each shift from
	 * 56 down to the first differing one: (60 - shift) / 4 nodes. */
	uint64_t added = (60 - first_diff_shift) / 4;
	mb_hashtrie_store(m, mb_key_int(0), 0);
	mb_hashtrie_store(m, mb_key_int(1), 1);
	struct mb_hashtrie_stats st = stats(m);
	CHECK(st.nodes == 1 + added && st.max_depth == 1 + added && st.expansions == 1 &&
	      st.expand_nodes == added && st.collisions == 0,
	      "%s: nodes %llu depth %llu expansions %llu added %llu, want %llu nodes", what,
	      (unsigned long long)st.nodes, (unsigned long long)st.max_depth,
	      (unsigned long long)st.expansions, (unsigned long long)st.expand_nodes,
	      (unsigned long long)(1 + added));
	for (int64_t k = 2; k < 16; k++)
		mb_hashtrie_store(m, mb_key_int(k), k);
	st = stats(m);
	CHECK(st.nodes == 1 + added && st.expansions == 1 && st.entries == 16,
	      "%s: keys 2..15 take free slots of the deepest node", what);
	int64_t v;
	for (int64_t k = 0; k < 16; k++)
		CHECK(mb_hashtrie_load(m, mb_key_int(k), &v) == 1 && v == k, "%s: load %lld", what,
		      (long long)k);
	for (int64_t k = 0; k < 15; k++)
		mb_hashtrie_delete(m, mb_key_int(k));
	st = stats(m);
	CHECK(st.prunes == 0 && st.nodes == 1 + added, "%s: a node with a child stays", what);
	mb_hashtrie_delete(m, mb_key_int(15));
	st = stats(m);
	CHECK(st.prunes == added && st.nodes == 1 && st.max_depth == 1 && st.entries == 0,
	      "%s: prunes %llu nodes %llu, want %llu and 1", what, (unsigned long long)st.prunes,
	      (unsigned long long)st.nodes, (unsigned long long)added);
	/* The pruned nodes and the 16 entries were retired, then freed. */
	mb_reclaim_barrier();
	st = stats(m);
	CHECK(st.retired_pending_objects == 0 && st.retired_pending_bytes == 0 &&
	      st.freed_objects == added + 16, "%s: freed %llu, want %llu", what,
	      (unsigned long long)st.freed_objects, (unsigned long long)(added + 16));
	/* And the map works again from the root. */
	mb_hashtrie_store(m, mb_key_int(7), 70);
	CHECK(mb_hashtrie_load(m, mb_key_int(7), &v) == 1 && v == 70 && stats(m).nodes == 1,
	      "%s: reused", what);
	mb_hashtrie_destroy(m);
}

/* Against a reference array under a chaining-and-expanding hash: every op,
 * a million of them, and the trie's own walk agrees with len. */
static void against_reference(mb_hashtrie_hash_fn fn, const char *what)
{
	enum { KEYS = 2048, OPS = 300000 };
	struct mb_hashtrie *m = new_map(fn);
	static int64_t ref[KEYS];
	for (int i = 0; i < KEYS; i++)
		ref[i] = -1;
	uint64_t x = 88172645463325252ULL;
	int64_t live = 0;
	for (int op = 0; op < OPS; op++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		int64_t k = (int64_t)(x % KEYS), nv = (int64_t)(x >> 40), v = -1;
		struct mb_key key = mb_key_int(k);
		bool had = ref[k] >= 0;
		int rc;
		switch ((x >> 32) % 7) {
		case 0:
			rc = mb_hashtrie_store(m, key, nv);
			CHECK(rc == 0, "%s: store", what);
			live += !had;
			ref[k] = nv;
			break;
		case 1:
			rc = mb_hashtrie_delete(m, key);
			CHECK(rc == had, "%s: delete %lld: %d", what, (long long)k, rc);
			live -= had;
			ref[k] = -1;
			break;
		case 2:
			rc = mb_hashtrie_load_or_store(m, key, nv, &v);
			CHECK(rc == had && v == (had ? ref[k] : nv), "%s: load_or_store", what);
			live += !had;
			if (!had)
				ref[k] = nv;
			break;
		case 3:
			rc = mb_hashtrie_swap(m, key, nv, &v);
			CHECK(rc == had && (!had || v == ref[k]), "%s: swap", what);
			live += !had;
			ref[k] = nv;
			break;
		case 4: {
			int64_t old = (x & 1) && had ? ref[k] : -2;
			rc = mb_hashtrie_compare_and_swap(m, key, old, nv);
			CHECK(rc == (had && old == ref[k]), "%s: cas", what);
			if (rc == 1)
				ref[k] = nv;
			break;
		}
		case 5: {
			int64_t old = (x & 1) && had ? ref[k] : -2;
			rc = mb_hashtrie_compare_and_delete(m, key, old);
			CHECK(rc == (had && old == ref[k]), "%s: cad", what);
			if (rc == 1) {
				ref[k] = -1;
				live--;
			}
			break;
		}
		default:
			rc = mb_hashtrie_load_and_delete(m, key, &v);
			CHECK(rc == had && (!had || v == ref[k]), "%s: load_and_delete", what);
			live -= had;
			ref[k] = -1;
		}
	}
	for (int64_t k = 0; k < KEYS; k++) {
		int64_t v = -1;
		int rc = mb_hashtrie_load(m, mb_key_int(k), &v);
		CHECK(ref[k] < 0 ? rc == 0 : rc == 1 && v == ref[k], "%s: final key %lld", what,
		      (long long)k);
	}
	struct mb_hashtrie_stats st = stats(m);
	CHECK(mb_hashtrie_len(m) == live && (int64_t)st.entries == live, "%s: len %lld, want %lld",
	      what, (long long)mb_hashtrie_len(m), (long long)live);
	CHECK(st.max_depth <= MB_HASHTRIE_MAX_DEPTH, "%s: depth %llu", what,
	      (unsigned long long)st.max_depth);
	if (fn == hash_quarter)
		CHECK(st.collisions > 0 && st.expansions > 0 && st.prunes > 0 && st.overflow > 0,
		      "%s: chains, expansions and prunes all happened", what);
	mb_hashtrie_destroy(m);
}

/* ---- Range while its callback mutates the map ---- */

enum { RKEYS = 512 };

struct churn {
	struct mb_hashtrie *m;
	int hits[RKEYS];
	int64_t step;
};

/* Each visit deletes and re-inserts other keys (prunes, expansions, new
 * entries in slots already passed and not yet reached) and replaces the
 * value of the key being visited. */
static bool churn_visit(struct mb_key k, int64_t val, void *arg)
{
	struct churn *c = arg;
	(void)val;
	if (k.i < 0 || k.i >= RKEYS)
		return true; /* a pair key (below) */
	c->hits[k.i]++;
	int64_t v;
	for (int j = 0; j < 8; j++) {
		int64_t o = (k.i * 31 + c->step++ * 17) % RKEYS;
		if (mb_hashtrie_load_and_delete(c->m, mb_key_int(o), &v) == 0)
			mb_hashtrie_store(c->m, mb_key_int(o), o);
	}
	/* A pair whose hashes differ only in the last digit under
	 * hash_identity: inserting both expands 15 nodes, deleting both prunes
	 * them (top digit 1..7: apart from the keys ranged). */
	int64_t sat = (c->step % 7 + 1) << 60;
	if (mb_hashtrie_delete(c->m, mb_key_int(sat)) == 1) {
		mb_hashtrie_delete(c->m, mb_key_int(sat | 1));
	} else {
		mb_hashtrie_store(c->m, mb_key_int(sat), 0);
		mb_hashtrie_store(c->m, mb_key_int(sat | 1), 0);
	}
	mb_hashtrie_swap(c->m, k, -k.i, &v);
	return true;
}

static void range_with_mutations(mb_hashtrie_hash_fn fn, const char *what)
{
	static struct churn c;
	memset(&c, 0, sizeof c);
	c.m = new_map(fn);
	for (int64_t k = 0; k < RKEYS; k += 2)
		mb_hashtrie_store(c.m, mb_key_int(k), k);
	struct mb_hashtrie_stats st0 = stats(c.m);
	CHECK(mb_hashtrie_range(c.m, churn_visit, &c) == 0, "%s: range", what);
	struct mb_hashtrie_stats st1 = stats(c.m);
	int twice = 0, seen = 0;
	for (int k = 0; k < RKEYS; k++) {
		twice += c.hits[k] > 1;
		seen += c.hits[k] > 0;
	}
	CHECK(twice == 0, "%s: %d keys visited more than once", what, twice);
	CHECK(seen > 0 && c.step > 1000, "%s: the range ran (%d keys, %lld mutations)", what, seen,
	      (long long)c.step);
	if (fn == hash_identity)
		CHECK(st1.prunes > st0.prunes && st1.expansions > st0.expansions,
		      "%s: the trie changed shape under the range", what);
	mb_hashtrie_destroy(c.m);
}

static bool stop_after_one(struct mb_key k, int64_t val, void *arg)
{
	(void)k, (void)val;
	++*(int *)arg;
	return false;
}

/* ---- string keys and value blobs ---- */

static bool check_string_visit(struct mb_key k, int64_t val, void *arg)
{
	(void)k;
	int *bad = arg;
	*bad += val < 0;
	return true;
}

static void strings_and_blobs(void)
{
	struct mb_keyset ks;
	struct mb_keyspec spec = {.type = MB_KEY_STRING, .min_len = 8, .max_len = 40};
	int rc = mb_keyset_build(&ks, &spec, 4096);
	CHECK(rc == 0, "key set: %d", rc);
	if (rc)
		return;
	struct mb_map_config cfg = {.key_type = MB_KEY_STRING, .value_size = 100};
	struct mb_hashtrie *m = mb_hashtrie_create(&cfg);
	for (int64_t i = 0; i < 4096; i++)
		mb_hashtrie_store(m, ks.keys[i], i);
	int64_t v;
	int bad = 0;
	for (int64_t i = 0; i < 4096; i++) {
		/* the same bytes at another address are the same key */
		char copy[64];
		memcpy(copy, ks.keys[i].str, (size_t)ks.keys[i].len);
		bad += mb_hashtrie_load(m, mb_key_str(copy, ks.keys[i].len), &v) != 1 || v != i;
	}
	CHECK(bad == 0, "%d string keys not found by value", bad);
	for (int64_t i = 0; i < 4096; i += 2)
		mb_hashtrie_swap(m, ks.keys[i], -1 - i, &v);
	for (int64_t i = 1; i < 4096; i += 2)
		mb_hashtrie_delete(m, ks.keys[i]);
	CHECK(mb_hashtrie_len(m) == 2048, "len %lld", (long long)mb_hashtrie_len(m));
	bad = 0;
	mb_hashtrie_range(m, check_string_visit, &bad);
	CHECK(bad == 2048, "swapped values seen by range: %d", bad);
	int n = 0;
	mb_hashtrie_range(m, stop_after_one, &n);
	CHECK(n == 1, "range stops when fn returns false: %d calls", n);
	mb_hashtrie_destroy(m);
	mb_keyset_free(&ks);
}

/* A well-mixed hash (splitmix64's finaliser) whose values the test can
 * compute. */
static uint64_t hash_mix(struct mb_key k, uint64_t seed)
{
	uint64_t z = (uint64_t)k.i + seed * UINT64_C(0x9e3779b97f4a7c15);
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* After inserts only, Go's trie has an indirect node for exactly each
 * prefix of d whole digits (d >= 1) that two or more keys share, plus the
 * root: expand makes one per shared digit, nothing removes them.  So with
 * the hashes sorted, nodes = 1 + the distinct shared prefixes, and the
 * depth is 1 + the most whole digits two neighbours share.  Deleting every
 * key prunes every node it made. */
static void random_shape(void)
{
	enum { N = 100000 };
	static uint64_t h[N];
	struct mb_map_config cfg = {.hash_seed = 1, .hash_seed_set = true};
	for (int64_t k = 0; k < N; k++)
		h[k] = hash_mix(mb_key_int(k), 1);
	qsort(h, N, sizeof h[0], cmp_u64);
	uint64_t want_nodes = 1, want_depth = 1;
	/* d up to 15: sharing all 16 digits is an equal hash, a chain */
	for (unsigned d = 1; d < 16; d++) {
		unsigned shift = 64 - 4 * d;
		for (int i = 1; i < N; i++) {
			bool shared = h[i] >> shift == h[i - 1] >> shift;
			bool first = i == 1 || h[i - 1] >> shift != h[i - 2] >> shift;
			if (shared && first) {
				want_nodes++; /* one node per shared prefix */
				if (d + 1 > want_depth)
					want_depth = d + 1;
			}
		}
	}
	struct mb_hashtrie *m = mb_hashtrie_create_hashed(&cfg, hash_mix);
	for (int64_t k = 0; k < N; k++)
		mb_hashtrie_store(m, mb_key_int(k), k);
	struct mb_hashtrie_stats st = stats(m);
	CHECK(st.entries == N && st.nodes == want_nodes && st.max_depth == want_depth &&
	      st.overflow == 0 && st.expand_nodes == want_nodes - 1 && want_depth >= 6,
	      "100k keys: nodes %llu depth %llu, want %llu and %llu",
	      (unsigned long long)st.nodes, (unsigned long long)st.max_depth,
	      (unsigned long long)want_nodes, (unsigned long long)want_depth);
	for (int64_t k = 0; k < N; k++)
		mb_hashtrie_delete(m, mb_key_int(k));
	st = stats(m);
	CHECK(st.entries == 0 && st.nodes == 1 && st.prunes == st.expand_nodes,
	      "all deleted: nodes %llu, prunes %llu of %llu added", (unsigned long long)st.nodes,
	      (unsigned long long)st.prunes, (unsigned long long)st.expand_nodes);
	mb_hashtrie_destroy(m);
}

/* ---- parking on node locks (Go's lock, a fake scheduler) ---- */

/* Keys 0..15 share the first digit and differ in the second: with two of
 * them the root's slot 0 holds an indirect node (depth 1) with both. */
static uint64_t hash_second_digit(struct mb_key k, uint64_t seed)
{
	(void)seed;
	return (uint64_t)k.i << 56;
}

struct op_call {
	struct mb_hashtrie *m;
	char kind; /* 'd' delete, 's' store */
	int64_t key, val;
	int rc;
};

static int run_op(void *arg)
{
	struct op_call *c = arg;
	c->rc = c->kind == 'd' ? mb_hashtrie_delete(c->m, mb_key_int(c->key))
			       : mb_hashtrie_store(c->m, mb_key_int(c->key), c->val);
	return c->rc == MB_MAP_PARKED ? MB_LOCK_PARKED : 0;
}

static int as_task(struct fake_sched *fs, int id, struct mb_hashtrie *m, char kind, int64_t key,
		   int64_t val)
{
	struct op_call c = {m, kind, key, val, 0};
	fake_call(fs, id, run_op, &c);
	return c.rc;
}

static void parked_prune(void)
{
	struct fake_sched fs;
	fake_init(&fs);
	struct mb_map_config cfg = {.hash_seed_set = true, .lock = MB_LOCK_GO, .sched = &fs.hook};
	struct mb_hashtrie *m = mb_hashtrie_create_hashed(&cfg, hash_second_digit);
	CHECK(as_task(&fs, 0, m, 's', 1, 10) == 0 && as_task(&fs, 0, m, 's', 2, 20) == 0,
	      "two stores");
	CHECK(stats(m).nodes == 2, "root and one node below it: %llu",
	      (unsigned long long)stats(m).nodes);
	CHECK(mb_hashtrie_test_lock_root(m, true) == 0, "the test holds the root");
	/* Deleting key 1 leaves key 2 in the node: no prune, no root lock. */
	CHECK(as_task(&fs, 1, m, 'd', 1, 0) == 1, "delete 1 done");
	/* Deleting key 2 empties the node: its prune needs the root: parks
	 * with the key already gone and the node still locked. */
	CHECK(as_task(&fs, 1, m, 'd', 2, 0) == MB_MAP_PARKED, "delete 2 parks in prune");
	CHECK(fs.t[1].parked && stats(m).parked_prunes == 1, "parked in prune");
	int64_t v;
	CHECK(mb_hashtrie_load(m, mb_key_int(2), &v) == 0, "key 2 is gone while pruning waits");
	/* A store of key 2 walks to the node (still linked) and parks on it. */
	CHECK(as_task(&fs, 2, m, 's', 2, 22) == MB_MAP_PARKED, "store 2 parks on the node");
	mb_hashtrie_test_lock_root(m, false);
	CHECK(fs.norder == 1 && fs.order[0] == 1, "the root's release readies the pruner");
	/* Run again, the delete goes on pruning (it does not delete again). */
	CHECK(as_task(&fs, 1, m, 'd', 2, 0) == 1, "delete 2 finished: 1");
	CHECK(!fs.t[1].w.lock && !fs.t[1].w.cont_owner, "nothing owed, nothing to go on with");
	struct mb_hashtrie_stats st = stats(m);
	CHECK(st.prunes == 1 && st.nodes == 1, "pruned once: %llu prunes, %llu nodes",
	      (unsigned long long)st.prunes, (unsigned long long)st.nodes);
	CHECK(fs.norder == 2 && fs.order[1] == 2, "the pruned node's release readies the store");
	/* The store walks again, reaches the root's slot, and settles the dead
	 * node's lock before taking the root's. */
	CHECK(as_task(&fs, 2, m, 's', 2, 22) == 0, "store 2 done");
	CHECK(!fs.t[2].w.lock, "the dead node's lock settled");
	CHECK(mb_hashtrie_load(m, mb_key_int(2), &v) == 1 && v == 22 && mb_hashtrie_len(m) == 1,
	      "key 2 stored in the root");
	mb_hashtrie_destroy(m);
}

int main(void)
{
	mb_reclaim_thread_online();
	edge_cases();
	overflow_chains();
	expansion_and_pruning(hash_identity, 0, "digits differ last");
	expansion_and_pruning(hash_mid, 32, "digits differ at shift 32");
	against_reference(NULL, "xxh3");
	against_reference(hash_quarter, "four keys per hash");
	range_with_mutations(NULL, "xxh3");
	range_with_mutations(hash_quarter, "four keys per hash");
	range_with_mutations(hash_identity, "identity");
	strings_and_blobs();
	random_shape();
	parked_prune();
	mb_reclaim_thread_offline();
	CHECK_DONE();
}
