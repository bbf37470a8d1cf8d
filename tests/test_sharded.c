/* sharded:N and the registry's NAME:PARAM: the bounds of N (a power of two
 * from 1 to 65536, 0 for the default 32) through mb_registry_parse and
 * create; shard choice reproducible from --hash-seed and changed by it;
 * keys spread evenly; per-shard len min/max agree with the shard of every
 * key; every op against a reference for N = 1, 2 and 65536; and four
 * threads at once (built again with ThreadSanitizer). */
#include "check.h"

#include "maps/registry.h"
#include "maps/sharded.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static void param_bounds(void)
{
	static const struct {
		uint32_t n;
		int rc;
	} cases[] = {
		{0, 0}, {1, 0}, {2, 0}, {32, 0}, {1024, 0}, {65536, 0},
		{3, -EINVAL}, {100, -EINVAL}, {65535, -EINVAL},
		{65537, -ERANGE}, {131072, -ERANGE}, {UINT32_MAX, -ERANGE},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		CHECK(mb_sharded_check_param(cases[i].n) == cases[i].rc, "check %u: %d, want %d",
		      cases[i].n, mb_sharded_check_param(cases[i].n), cases[i].rc);
		struct mb_map_config cfg = {.param = cases[i].n};
		errno = 0;
		struct mb_map *m = mb_sharded_ops.create(&cfg);
		CHECK(cases[i].rc ? !m && errno == -cases[i].rc : m != NULL,
		      "create with N = %u: %p errno %d", cases[i].n, (void *)m, errno);
		mb_map_destroy(m);
	}
}

static void registry_parse(void)
{
	static const struct {
		const char *spec;
		int rc;
		const char *name;
		uint32_t param;
	} cases[] = {
		{"sharded", 0, "sharded", 0},
		{"sharded:32", 0, "sharded", 32},
		{"sharded:1", 0, "sharded", 1},
		{"sharded:65536", 0, "sharded", 65536},
		{"sync", 0, "sync", 0},
		{"hashtrie", 0, "hashtrie", 0},
		{"sharded:0", -ERANGE, NULL, 0},
		{"sharded:65537", -ERANGE, NULL, 0},
		{"sharded:99999999999999999999999", -ERANGE, NULL, 0},
		{"sharded:3", -EINVAL, NULL, 0},
		{"sharded:1k", -EINVAL, NULL, 0}, /* 1000 */
		{"sharded:", -EINVAL, NULL, 0},
		{"sharded:abc", -EINVAL, NULL, 0},
		{"sharded:-4", -EINVAL, NULL, 0},
		{"sharded: 4", -EINVAL, NULL, 0},
		{"sharded:32x", -EINVAL, NULL, 0},
		{"sharded:32:2", -EINVAL, NULL, 0},
		{"plain:4", -EINVAL, NULL, 0},   /* no parameter for plain */
		{"sync:", -EINVAL, NULL, 0},
		{"nope", -ENOENT, NULL, 0},
		{"nope:4", -ENOENT, NULL, 0},
		{"", -ENOENT, NULL, 0},
		{":32", -ENOENT, NULL, 0},
		{"shard", -ENOENT, NULL, 0},
		{"shardedx:4", -ENOENT, NULL, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct mb_map_ops *ops = NULL;
		uint32_t param = 12345;
		int rc = mb_registry_parse(cases[i].spec, &ops, &param);
		CHECK(rc == cases[i].rc, "\"%s\": rc %d, want %d", cases[i].spec, rc, cases[i].rc);
		if (cases[i].rc == 0)
			CHECK(ops && strcmp(ops->name, cases[i].name) == 0 && param == cases[i].param,
			      "\"%s\": %s:%u", cases[i].spec, ops ? ops->name : "(null)", param);
		else
			CHECK(ops == NULL && param == 12345, "\"%s\": outputs untouched", cases[i].spec);
	}
	CHECK(mb_registry_has_param(&mb_sharded_ops) && !mb_registry_has_param(mb_registry_find("plain")),
	      "only sharded takes a parameter");
}

static struct mb_map *make(uint32_t n, uint64_t seed, bool seeded)
{
	struct mb_map_config cfg = {.param = n, .hash_seed = seed, .hash_seed_set = seeded};
	struct mb_map *m = mb_sharded_ops.create(&cfg);
	CHECK(m != NULL, "create sharded:%u", n);
	return m;
}

/* 32 shards by default; 65536 keys spread within 25% of 2048 a shard
 * (binomial: sd about 45, so 25% is over 10 sd); one seed reproduces the
 * assignment, another changes it; min/max agree with shard_of. */
static void spread_and_seeds(void)
{
	struct mb_map *a = make(0, 42, true), *b = make(0, 42, true), *c = make(0, 43, true);
	struct mb_sharded_stats st;
	mb_sharded_get_stats(a, &st);
	CHECK(st.shards == MB_SHARDED_DEFAULT && st.len_min == 0 && st.len_max == 0,
	      "default: %u shards", st.shards);
	static int64_t per[32];
	int same_b = 0, same_c = 0;
	for (int64_t k = 0; k < 65536; k++) {
		uint32_t s = mb_sharded_shard_of(a, mb_key_int(k));
		per[s]++;
		same_b += s == mb_sharded_shard_of(b, mb_key_int(k));
		same_c += s == mb_sharded_shard_of(c, mb_key_int(k));
		mb_map_store(a, mb_key_int(k), k);
	}
	CHECK(same_b == 65536, "the same seed, the same shards: %d", same_b);
	/* Another seed: a key keeps its shard with probability 1/32. */
	CHECK(same_c < 65536 / 32 * 2, "another seed moves keys: %d stayed", same_c);
	int64_t lo = INT64_MAX, hi = 0;
	for (int i = 0; i < 32; i++) {
		lo = per[i] < lo ? per[i] : lo;
		hi = per[i] > hi ? per[i] : hi;
	}
	mb_sharded_get_stats(a, &st);
	CHECK(st.len_min == lo && st.len_max == hi, "stats %lld..%lld, counted %lld..%lld",
	      (long long)st.len_min, (long long)st.len_max, (long long)lo, (long long)hi);
	CHECK(lo > 2048 * 3 / 4 && hi < 2048 * 5 / 4, "spread %lld..%lld", (long long)lo,
	      (long long)hi);
	CHECK(mb_map_len(a) == 65536, "len %lld", (long long)mb_map_len(a));
	/* Unseeded maps draw their own seeds. */
	struct mb_map *r1 = make(64, 0, false), *r2 = make(64, 0, false);
	int same = 0;
	for (int64_t k = 0; k < 4096; k++)
		same += mb_sharded_shard_of(r1, mb_key_int(k)) == mb_sharded_shard_of(r2, mb_key_int(k));
	CHECK(same < 4096 / 64 * 3, "random seeds differ: %d of 4096 keys agree", same);
	mb_map_destroy(a);
	mb_map_destroy(b);
	mb_map_destroy(c);
	mb_map_destroy(r1);
	mb_map_destroy(r2);
}

static bool stop_after(struct mb_key k, int64_t v, void *arg)
{
	(void)k, (void)v;
	return --*(int *)arg > 0;
}

/* Every op against a reference array. */
static void against_reference(uint32_t n)
{
	enum { KEYS = 512, OPS = 100000 };
	struct mb_map *m = make(n, 7, true);
	static int64_t ref[KEYS];
	for (int i = 0; i < KEYS; i++)
		ref[i] = -1;
	uint64_t x = 2463534242ULL + n;
	for (int op = 0; op < OPS; op++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		int64_t k = (int64_t)(x % KEYS), nv = (int64_t)(x >> 40), v = -1;
		struct mb_key key = mb_key_int(k);
		bool had = ref[k] >= 0;
		int rc;
		switch ((x >> 32) % 6) {
		case 0:
			CHECK(mb_map_store(m, key, nv) == 0, "store");
			ref[k] = nv;
			break;
		case 1:
			rc = mb_map_load_and_delete(m, key, &v);
			CHECK(rc == had && (!had || v == ref[k]), "load_and_delete");
			ref[k] = -1;
			break;
		case 2:
			rc = mb_map_load_or_store(m, key, nv, &v);
			CHECK(rc == had && v == (had ? ref[k] : nv), "load_or_store");
			if (!had)
				ref[k] = nv;
			break;
		case 3:
			rc = mb_map_swap(m, key, nv, &v);
			CHECK(rc == had && (!had || v == ref[k]), "swap");
			ref[k] = nv;
			break;
		case 4: {
			int64_t old = (x & 1) && had ? ref[k] : -2;
			rc = mb_map_compare_and_swap(m, key, old, nv);
			CHECK(rc == (had && old == ref[k]), "cas");
			if (rc == 1)
				ref[k] = nv;
			break;
		}
		default: {
			int64_t old = (x & 1) && had ? ref[k] : -2;
			rc = mb_map_compare_and_delete(m, key, old);
			CHECK(rc == (had && old == ref[k]), "cad");
			if (rc == 1)
				ref[k] = -1;
		}
		}
	}
	int64_t live = 0;
	for (int64_t k = 0; k < KEYS; k++) {
		int64_t v = -1;
		int rc = mb_map_load(m, mb_key_int(k), &v);
		CHECK(ref[k] < 0 ? rc == 0 : rc == 1 && v == ref[k], "N %u: final key %lld", n,
		      (long long)k);
		live += ref[k] >= 0;
	}
	CHECK(mb_map_len(m) == live, "N %u: len %lld want %lld", n, (long long)mb_map_len(m),
	      (long long)live);
	int left = 3;
	CHECK(mb_map_range(m, stop_after, &left) == 0 && left == 0, "N %u: range stops", n);
	mb_map_destroy(m);
}

/* ---- four threads ---- */

static struct mb_map *shared;

static void *worker(void *arg)
{
	int64_t base = *(int *)arg * 100000;
	int64_t v;
	for (int64_t i = 0; i < 20000; i++) {
		mb_map_store(shared, mb_key_int(base + i % 1000), i);
		mb_map_load(shared, mb_key_int(base + (i * 7) % 1000), &v);
		if (i % 3 == 0)
			mb_map_delete(shared, mb_key_int(base + (i * 13) % 1000));
	}
	for (int64_t k = 0; k < 1000; k++)
		mb_map_store(shared, mb_key_int(base + k), base + k);
	return NULL;
}

static void threads(void)
{
	shared = make(4, 9, true);
	pthread_t t[4];
	int ids[4];
	for (int i = 0; i < 4; i++) {
		ids[i] = i;
		pthread_create(&t[i], NULL, worker, &ids[i]);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	int bad = 0;
	for (int i = 0; i < 4; i++)
		for (int64_t k = i * 100000; k < i * 100000 + 1000; k++) {
			int64_t v = -1;
			bad += mb_map_load(shared, mb_key_int(k), &v) != 1 || v != k;
		}
	CHECK(bad == 0 && mb_map_len(shared) == 4000, "%d keys wrong, len %lld", bad,
	      (long long)mb_map_len(shared));
	mb_map_destroy(shared);
}

int main(void)
{
	param_bounds();
	registry_parse();
	spread_and_seeds();
	against_reference(1);
	against_reference(2);
	against_reference(65536);
	threads();
	CHECK_DONE();
}
