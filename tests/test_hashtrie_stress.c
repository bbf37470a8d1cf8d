/* hashtrie under real concurrency (built again with ThreadSanitizer):
 *  - 8 threads mix every operation on a small hot key set; each key has one
 *    owner that writes ever higher versions, every thread checks that the
 *    versions it reads never go backwards (a lost write, or an entry
 *    resurrected by a racing replace, shows up as a step back), and each
 *    key ends at its owner's last one; meanwhile every thread streams new
 *    keys through, inserted and deleted, so nodes expand and prune all the
 *    time under the readers;
 *  - the same under a weak hash (8 keys per full hash, few distinct
 *    digits): overflow chains, expansions and prunes race with each other;
 *  - a Range held across many mutations (deletes that prune, inserts that
 *    expand, swaps) keeps walking what it reached and sees each key at most
 *    once (under ASan a premature free is a use-after-free);
 *  - the runner's tasks, 2000 on 2 workers over 64 keys, parking on node
 *    locks (Go's lock: parked prunes included) or blocking / spinning
 *    (pthread, spin): every op done, every park woken.
 * With int64 boxes and with 256-byte value blobs; the threads' node locks
 * are Go's mutex blocking its threads, and glibc's and the spin lock. */
#include "check.h"
#include "parkrun.h"

#include "maps/hashtrie.h"
#include "maps/reclaim.h"
#include "run/runner.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 8
#define HOT 64
#define ROUNDS 5000

static struct mb_hashtrie *m;
static atomic_int problems;

/* Eight keys per full hash, and the hashes differ only in a few digits,
 * one of them deep: chains, expansions and prunes on every path. */
static uint64_t weak_hash(struct mb_key k, uint64_t seed)
{
	(void)seed;
	uint64_t q = (uint64_t)k.i / 8;
	return (q & 0x3) << 62 | (q >> 2 & 0xf) << 20 | (q >> 6 & 0xff);
}

struct worker {
	int id;
	int64_t last_seen[HOT];
	int64_t version[HOT]; /* for owned keys: the last one written */
};

static void saw(struct worker *w, int64_t key, int64_t v)
{
	if (v < w->last_seen[key])
		atomic_fetch_add(&problems, 1);
	w->last_seen[key] = v;
}

static bool range_check(struct mb_key k, int64_t val, void *arg)
{
	if (k.i >= 0 && k.i < HOT)
		saw(arg, k.i, val);
	return true;
}

static void *stress(void *arg)
{
	struct worker *w = arg;
	mb_reclaim_thread_online();
	uint64_t x = (uint64_t)w->id * 7919 + 1;
	int64_t fresh = 1000 + (int64_t)w->id * 100000;
	for (int round = 0; round < ROUNDS; round++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		uint64_t r = x >> 20;
		int64_t key = (int64_t)(r % HOT), v;
		struct mb_key k = mb_key_int(key);
		if (key % THREADS == w->id) {
			int64_t next = ++w->version[key];
			switch (r % 5) {
			case 0:
				mb_hashtrie_store(m, k, next);
				break;
			case 1:
				mb_hashtrie_swap(m, k, next, &v);
				break;
			case 2:
				if (mb_hashtrie_compare_and_swap(m, k, next - 1, next) != 1)
					mb_hashtrie_store(m, k, next);
				break;
			case 3:
				/* delete, then come back with a higher version */
				mb_hashtrie_load_and_delete(m, k, &v);
				mb_hashtrie_load_or_store(m, k, next, &v);
				break;
			default:
				if (mb_hashtrie_compare_and_delete(m, k, next - 1) == 1)
					mb_hashtrie_load_or_store(m, k, next, &v);
				else
					mb_hashtrie_store(m, k, next);
			}
		} else {
			/* Non-owners read, or try writes that cannot match. */
			switch (r % 4) {
			case 0:
			case 1:
				if (mb_hashtrie_load(m, k, &v) == 1)
					saw(w, key, v);
				break;
			case 2:
				mb_hashtrie_compare_and_swap(m, k, -1, -2);
				mb_hashtrie_compare_and_delete(m, k, -1);
				break;
			default:
				if (round % 64 == 0)
					mb_hashtrie_range(m, range_check, w);
			}
		}
		/* A stream of new keys, later deleted: expansions and prunes. */
		mb_hashtrie_store(m, mb_key_int(fresh + round), round);
		if (round >= 16)
			mb_hashtrie_delete(m, mb_key_int(fresh + round - 16));
		mb_hashtrie_load(m, mb_key_int(-1 - (int64_t)(r % 1000)), &v); /* misses */
	}
	for (int64_t k = w->id; k < HOT; k += THREADS)
		mb_hashtrie_store(m, mb_key_int(k), ++w->version[k]);
	/* Leave no streamed key behind, so the final count is exact. */
	for (int round = ROUNDS - 16; round < ROUNDS; round++)
		mb_hashtrie_delete(m, mb_key_int(fresh + round));
	mb_reclaim_thread_offline();
	return NULL;
}

static void stress_all(size_t vsize, mb_hashtrie_hash_fn fn, const char *what,
		       enum mb_lock_policy lock)
{
	struct mb_map_config cfg = {.value_size = vsize, .lock = lock};
	m = mb_hashtrie_create_hashed(&cfg, fn);
	atomic_store(&problems, 0);
	static struct worker w[THREADS];
	memset(w, 0, sizeof w);
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++) {
		w[i].id = i;
		pthread_create(&t[i], NULL, stress, &w[i]);
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	CHECK(atomic_load(&problems) == 0, "%s: %d reads went back in version", what,
	      atomic_load(&problems));
	mb_reclaim_thread_online();
	for (int64_t k = 0; k < HOT; k++) {
		int64_t v = -1;
		int64_t want = w[k % THREADS].version[k];
		CHECK(mb_hashtrie_load(m, mb_key_int(k), &v) == 1 && v == want,
		      "%s: key %lld: %lld, want %lld", what, (long long)k, (long long)v,
		      (long long)want);
	}
	struct mb_hashtrie_stats st;
	mb_hashtrie_get_stats(m, &st);
	CHECK(st.entries == HOT && mb_hashtrie_len(m) == HOT, "%s: %llu entries, want %d", what,
	      (unsigned long long)st.entries, HOT);
	/* Both paths ran.  How often depends on how the threads interleave:
	 * with the weak hash most keys share a few chains, and a loaded
	 * machine that runs the threads one after the other pruned 80 times
	 * (pthread policy) where a quiet one prunes hundreds. */
	CHECK(st.expand_nodes > 100 && st.prunes > (fn ? 10u : 100u),
	      "%s: nodes expanded %llu, pruned %llu", what, (unsigned long long)st.expand_nodes,
	      (unsigned long long)st.prunes);
	if (fn)
		CHECK(st.collisions > 100, "%s: collisions %llu", what,
		      (unsigned long long)st.collisions);
	mb_reclaim_barrier();
	mb_hashtrie_get_stats(m, &st);
	CHECK(st.retired_pending_objects == 0, "%s: %llu retired objects not freed", what,
	      (unsigned long long)st.retired_pending_objects);
	mb_hashtrie_destroy(m);
	mb_reclaim_thread_offline();
}

/* ---- a Range held across many mutations ---- */

enum { RKEYS = 4096 };
static atomic_int phase; /* 1: the reader is inside range; 2: churn done */
static int hits[RKEYS];

static bool slow_reader(struct mb_key k, int64_t val, void *arg)
{
	int64_t *sum = arg;
	if (atomic_load(&phase) == 0) {
		atomic_store(&phase, 1);
		while (atomic_load(&phase) != 2)
			;
	}
	if (k.i >= 0 && k.i < RKEYS)
		hits[k.i]++;
	*sum += k.i + val; /* reads entries long since replaced or deleted */
	return true;
}

static void *hold_reader(void *arg)
{
	mb_reclaim_thread_online();
	mb_hashtrie_range(m, slow_reader, arg);
	mb_reclaim_thread_offline();
	return NULL;
}

static void range_across_mutations(size_t vsize, mb_hashtrie_hash_fn fn, const char *what)
{
	struct mb_map_config cfg = {.value_size = vsize};
	m = mb_hashtrie_create_hashed(&cfg, fn);
	atomic_store(&phase, 0);
	memset(hits, 0, sizeof hits);
	mb_reclaim_thread_online();
	for (int64_t k = 0; k < RKEYS; k += 2)
		mb_hashtrie_store(m, mb_key_int(k), k);
	int64_t sum = 0, v;
	pthread_t t;
	pthread_create(&t, NULL, hold_reader, &sum);
	while (atomic_load(&phase) != 1)
		;
	struct mb_hashtrie_stats st0, st1;
	mb_hashtrie_get_stats(m, &st0);
	for (int64_t i = 0; i < 40000; i++) {
		int64_t k = (i * 7919) % RKEYS;
		if (mb_hashtrie_load_and_delete(m, mb_key_int(k), &v) == 0)
			mb_hashtrie_store(m, mb_key_int(k), i);
		mb_hashtrie_swap(m, mb_key_int((i * 31) % RKEYS), i, &v);
	}
	mb_hashtrie_get_stats(m, &st1);
	/* Random hashes: nodes empty and refill; the weak one: chains change. */
	if (fn)
		CHECK(st1.collisions > st0.collisions, "%s: chains changed while the reader held on",
		      what);
	else
		CHECK(st1.prunes > st0.prunes && st1.expansions > st0.expansions,
		      "%s: the trie changed shape while the reader held on", what);
	CHECK(st1.retired_pending_objects > 1000, "%s: %llu retired objects wait for the reader",
	      what, (unsigned long long)st1.retired_pending_objects);
	atomic_store(&phase, 2);
	pthread_join(t, NULL);
	int twice = 0, seen = 0;
	for (int k = 0; k < RKEYS; k++) {
		twice += hits[k] > 1;
		seen += hits[k] > 0;
	}
	CHECK(twice == 0 && seen > 0 && sum != 0, "%s: %d keys seen twice, %d seen", what, twice,
	      seen);
	mb_hashtrie_destroy(m);
	mb_reclaim_thread_offline();
}

/* ---- the runner's tasks on node locks ---- */

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
enum { RUN_OPS = 60000 }; /* sanitizers are 5-20x slower */
#else
enum { RUN_OPS = 400000 };
#endif

/* 2000 tasks on 2 workers over 64 keys: node locks under every policy
 * (parkrun.h's checks). */
static void parking_run(void)
{
	const struct mb_run_config cfg = {
		.map = &mb_hashtrie_ops, .threads = 2000, .procs = 2,
		.mix = {20, 30, 20, 10, 10, 5, 0, 5, 0}, .keys = 64, .prefill = 32,
		.ops = RUN_OPS, .seed = 7, .latency_every = 8,
	};
	parkrun_every_policy(&cfg, NULL);
}

int main(void)
{
	stress_all(0, NULL, "xxh3", MB_LOCK_GO);
	stress_all(256, NULL, "xxh3, blobs", MB_LOCK_GO);
	stress_all(0, weak_hash, "weak hash", MB_LOCK_GO);
	stress_all(256, weak_hash, "weak hash, blobs", MB_LOCK_GO);
	stress_all(0, weak_hash, "weak hash, pthread", MB_LOCK_PTHREAD);
	stress_all(0, weak_hash, "weak hash, spin", MB_LOCK_SPIN);
	parking_run();
	range_across_mutations(0, NULL, "range, xxh3");
	range_across_mutations(256, weak_hash, "range, weak hash, blobs");
	CHECK_DONE();
}
