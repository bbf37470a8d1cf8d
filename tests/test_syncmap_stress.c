/* sync.Map under real concurrency (built again with ThreadSanitizer):
 *  - 8 threads mix every operation on a small hot key set; each key has one
 *    owner that writes ever higher versions, every thread checks that the
 *    versions it reads never go backwards (a lost or resurrected write
 *    shows up as a step back), and each key ends at its owner's last one;
 *    meanwhile every thread streams new keys through, so promotions and
 *    dirty rebuilds happen all the time;
 *  - a reader holds the read map across many promotions and value
 *    replacements and keeps reading it (under ASan a premature free is a
 *    use-after-free).
 * Both run with int64 boxes and again with 256-byte value blobs.  Then
 * four threads mix every operation on 256 string keys with value blobs. */
#include "check.h"

#include "maps/reclaim.h"
#include "maps/syncmap.h"
#include "run/keys.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 8
#define HOT 64
#define ROUNDS 6000

static struct mb_syncmap *m;
static atomic_int problems;

struct worker {
	int id;
	int64_t last_seen[HOT];
	int64_t version[HOT]; /* for owned keys: the last one written */
};

static void saw(struct worker *w, int64_t key, int64_t v)
{
	if (v < w->last_seen[key]) {
		atomic_fetch_add(&problems, 1);
	}
	w->last_seen[key] = v;
}

static bool range_check(struct mb_key k, int64_t val, void *arg)
{
	int64_t key = k.i;
	if (key >= 0 && key < HOT)
		saw(arg, key, val);
	return true;
}

static void *stress(void *arg)
{
	struct worker *w = arg;
	mb_reclaim_thread_online();
	uint64_t x = (uint64_t)w->id * 7919 + 1;
	int64_t fresh = 1000000 + (int64_t)w->id * 10000000;
	for (int round = 0; round < ROUNDS; round++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		uint64_t r = x >> 20;
		int64_t key = (int64_t)(r % HOT), v;
		bool mine = key % THREADS == w->id;
		if (mine) {
			int64_t next = ++w->version[key];
			switch (r % 5) {
			case 0:
				mb_syncmap_store(m, mb_key_int(key), next);
				break;
			case 1:
				mb_syncmap_swap(m, mb_key_int(key), next, &v);
				break;
			case 2:
				if (mb_syncmap_compare_and_swap(m, mb_key_int(key), next - 1, next) != 1)
					mb_syncmap_store(m, mb_key_int(key), next);
				break;
			case 3:
				/* delete, then come back with a higher version */
				mb_syncmap_load_and_delete(m, mb_key_int(key), &v);
				mb_syncmap_load_or_store(m, mb_key_int(key), next, &v);
				break;
			default:
				if (mb_syncmap_compare_and_delete(m, mb_key_int(key), next - 1) == 1)
					mb_syncmap_load_or_store(m, mb_key_int(key), next, &v);
				else
					mb_syncmap_store(m, mb_key_int(key), next);
			}
		} else {
			/* Non-owners only read, or try writes that cannot match. */
			switch (r % 4) {
			case 0:
			case 1:
				if (mb_syncmap_load(m, mb_key_int(key), &v) == 1)
					saw(w, key, v);
				break;
			case 2:
				mb_syncmap_compare_and_swap(m, mb_key_int(key), -1, -2);
				mb_syncmap_compare_and_delete(m, mb_key_int(key), -1);
				break;
			default:
				if (round % 64 == 0)
					mb_syncmap_range(m, range_check, w);
			}
		}
		/* A stream of new keys, later deleted: rebuilds and promotions. */
		mb_syncmap_store(m, mb_key_int(fresh + round), round);
		if (round >= 32)
			mb_syncmap_delete(m, mb_key_int(fresh + round - 32));
		mb_syncmap_load(m, mb_key_int(-1 - (int64_t)(r % 1000)), &v); /* misses */
	}
	/* Leave each owned key at its last version. */
	for (int64_t k = w->id; k < HOT; k += THREADS) {
		int64_t next = ++w->version[k];
		mb_syncmap_store(m, mb_key_int(k), next);
	}
	mb_reclaim_thread_offline();
	return NULL;
}

/* ---- a reader across promotions ---- */

static atomic_int phase; /* 1: reader inside range; 2: churn done */

static bool slow_reader(struct mb_key k, int64_t val, void *arg)
{
	int64_t key = k.i;
	int64_t *sum = arg;
	if (atomic_load(&phase) == 0) {
		atomic_store(&phase, 1);
		while (atomic_load(&phase) != 2)
			;
	}
	*sum += key + val; /* reads entries of a read map long since replaced */
	return true;
}

static void *hold_reader(void *arg)
{
	int64_t *sum = arg;
	mb_reclaim_thread_online();
	mb_syncmap_range(m, slow_reader, sum);
	mb_reclaim_thread_offline();
	return NULL;
}

static void across_promotions(const struct mb_map_config *cfg)
{
	atomic_store(&phase, 0);
	m = mb_syncmap_create(cfg);
	mb_reclaim_thread_online();
	for (int64_t k = 0; k < 2000; k++)
		mb_syncmap_store(m, mb_key_int(k), k);
	int64_t v, sum = 0;
	mb_syncmap_range(m, range_check, &(struct worker){0}); /* promote all */
	pthread_t t;
	pthread_create(&t, NULL, hold_reader, &sum);
	while (atomic_load(&phase) != 1)
		;
	struct mb_syncmap_stats st0, st1;
	mb_syncmap_get_stats(m, &st0);
	for (int64_t i = 0; i < 20000; i++) {
		mb_syncmap_swap(m, mb_key_int(i % 2000), i, &v);        /* retire value boxes */
		mb_syncmap_delete(m, mb_key_int((i * 7) % 2000));       /* nil entries... */
		mb_syncmap_store(m, mb_key_int(100000 + i), i);         /* ...expunged by rebuilds */
		if (i >= 50)
			mb_syncmap_delete(m, mb_key_int(100000 + i - 50));
		for (int j = 0; j < 4; j++)
			mb_syncmap_load(m, mb_key_int(-1 - i * 4 - j), &v); /* misses: promotions */
	}
	mb_syncmap_get_stats(m, &st1);
	CHECK(st1.promotions > st0.promotions + 10, "promotions while the reader held on: %llu",
	      (unsigned long long)(st1.promotions - st0.promotions));
	atomic_store(&phase, 2);
	pthread_join(t, NULL);
	CHECK(sum != 0, "the reader read");
	mb_syncmap_destroy(m);
	mb_reclaim_thread_offline();
}

/* The whole stress, with int64 boxes (value_size 0) or with value blobs. */
static void stress_all(size_t vsize)
{
	struct mb_map_config cfg = {.value_size = vsize};
	m = mb_syncmap_create(&cfg);
	static struct worker w[THREADS];
	memset(w, 0, sizeof w);
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++) {
		w[i].id = i;
		pthread_create(&t[i], NULL, stress, &w[i]);
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	CHECK(atomic_load(&problems) == 0, "%d reads went back in version", atomic_load(&problems));
	mb_reclaim_thread_online();
	for (int64_t k = 0; k < HOT; k++) {
		int64_t v = -1;
		int64_t want = w[k % THREADS].version[k];
		CHECK(mb_syncmap_load(m, mb_key_int(k), &v) == 1 && v == want, "key %lld: %lld, want %lld",
		      (long long)k, (long long)v, (long long)want);
	}
	struct mb_syncmap_stats st;
	mb_syncmap_get_stats(m, &st);
	CHECK(st.promotions > 10 && st.dirty_rebuilds > 10, "promotions %llu rebuilds %llu",
	      (unsigned long long)st.promotions, (unsigned long long)st.dirty_rebuilds);
	mb_syncmap_destroy(m);
	mb_reclaim_thread_offline();
	across_promotions(&cfg);
}

/* ---- string keys ---- */

#define SKEYS 256
#define SROUNDS 4000
static struct mb_keyset skeys;

static void *string_worker(void *arg)
{
	int id = *(int *)arg;
	mb_reclaim_thread_online();
	uint64_t x = (uint64_t)id * 104729 + 3;
	for (int64_t round = 0; round < SROUNDS; round++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		uint64_t r = x >> 20;
		struct mb_key k = skeys.keys[r % SKEYS];
		int64_t v = -1;
		switch ((r >> 9) % 7) {
		case 0:
			mb_syncmap_store(m, k, round);
			break;
		case 1:
			mb_syncmap_delete(m, k);
			break;
		case 2:
			mb_syncmap_swap(m, k, round, &v);
			break;
		case 3:
			mb_syncmap_load_or_store(m, k, round, &v);
			break;
		case 4:
			mb_syncmap_compare_and_swap(m, k, round - 1, round);
			break;
		case 5:
			mb_syncmap_load_and_delete(m, k, &v);
			break;
		default:
			if (mb_syncmap_load(m, k, &v) == 1 && (v < 0 || v >= SROUNDS))
				atomic_fetch_add(&problems, 1);
		}
	}
	mb_reclaim_thread_offline();
	return NULL;
}

struct string_seen {
	int64_t n, foreign;
};

/* Every key the map yields is one of the set's strings, by address. */
static bool string_visit(struct mb_key k, int64_t val, void *arg)
{
	struct string_seen *s = arg;
	s->n++;
	bool ours = k.str >= skeys.arena && k.str < skeys.arena + skeys.arena_bytes &&
		    k.len == 12 && val >= 0 && val < SROUNDS;
	s->foreign += !ours;
	return true;
}

/* Four threads on 256 string keys with value blobs: the string path of
 * the read map, dirty rebuilds and promotions under TSan. */
static void string_keys(void)
{
	struct mb_keyspec spec = {.type = MB_KEY_STRING, .min_len = 12, .max_len = 12};
	CHECK(mb_keyset_build(&skeys, &spec, SKEYS) == 0, "key set");
	struct mb_map_config cfg = {.key_type = MB_KEY_STRING, .value_size = 48};
	m = mb_syncmap_create(&cfg);
	atomic_store(&problems, 0);
	pthread_t t[4];
	int ids[4];
	for (int i = 0; i < 4; i++) {
		ids[i] = i;
		pthread_create(&t[i], NULL, string_worker, &ids[i]);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	CHECK(atomic_load(&problems) == 0, "%d loads saw a value never stored",
	      atomic_load(&problems));
	mb_reclaim_thread_online();
	struct string_seen seen = {0};
	CHECK(mb_syncmap_range(m, string_visit, &seen) == 0, "range");
	CHECK(seen.foreign == 0 && seen.n == mb_syncmap_len(m) && seen.n > 0 && seen.n <= SKEYS,
	      "range saw %lld entries, %lld foreign, len %lld", (long long)seen.n,
	      (long long)seen.foreign, (long long)mb_syncmap_len(m));
	mb_syncmap_destroy(m);
	mb_reclaim_thread_offline();
	mb_keyset_free(&skeys);
}

int main(void)
{
	stress_all(0);
	stress_all(256); /* blobs written by one thread, read by others */
	string_keys();
	CHECK_DONE();
}
