/* sharded:N and the registry's NAME:PARAM: the bounds of N (a power of two
 * from 1 to 65536, 0 for the default 32) through mb_registry_parse and
 * create; shard choice reproducible from --hash-seed and changed by it;
 * keys spread evenly; per-shard len min/max agree with the shard of every
 * key; every op against a reference for N = 1, 2 and 65536; four threads
 * at once with every lock policy (built again with ThreadSanitizer); with
 * Go's lock and a fake scheduler, a range that parks at a shard goes on
 * there, each key visited once; and the runner's tasks parking on shard
 * locks, many tasks on few workers, with every policy. */
#include "check.h"
#include "parkrun.h"
#include "fakesched.h"

#include "maps/registry.h"
#include "maps/sharded.h"
#include "run/runner.h"

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

static void threads(enum mb_lock_policy lock)
{
	struct mb_map_config cfg = {.param = 4, .hash_seed = 9, .hash_seed_set = true, .lock = lock};
	shared = mb_sharded_ops.create(&cfg);
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
	CHECK(bad == 0 && mb_map_len(shared) == 4000, "%s: %d keys wrong, len %lld",
	      mb_lock_policy_name(lock), bad, (long long)mb_map_len(shared));
	mb_map_destroy(shared);
}

/* ---- a range that parks (Go's lock, a fake scheduler) ---- */

enum { RKEYS = 400 };

struct range_test {
	struct mb_map *m;
	struct fake_sched fs;
	int hits[RKEYS];      /* task 1's range: visits per key */
	int before_park;      /* keys task 1 had visited when it parked */
	bool started;
	int first_rc;
};

static bool task_visit(struct mb_key k, int64_t v, void *arg)
{
	(void)v;
	struct range_test *t = arg;
	t->hits[k.i]++;
	return true;
}

static int task_range(void *arg)
{
	struct range_test *t = arg;
	int rc = mb_map_range(t->m, task_visit, t);
	return rc == MB_MAP_PARKED ? MB_LOCK_PARKED : rc;
}

/* The test thread's own range: on its first key of shard 2 (its lock
 * held), task 1 ranges and must park at shard 2 after shards 0 and 1. */
static bool outer_visit(struct mb_key k, int64_t v, void *arg)
{
	(void)v;
	struct range_test *t = arg;
	if (t->started || mb_sharded_shard_of(t->m, k) != 2)
		return true;
	t->started = true;
	t->first_rc = fake_call(&t->fs, 1, task_range, t);
	for (int i = 0; i < RKEYS; i++)
		t->before_park += t->hits[i];
	return true;
}

static bool nothing(struct mb_key k, int64_t v, void *arg)
{
	(void)k, (void)v, (void)arg;
	return true;
}

static void parked_range(void)
{
	static struct range_test t;
	memset(&t, 0, sizeof t);
	fake_init(&t.fs);
	struct mb_map_config cfg = {.param = 4, .hash_seed = 5, .hash_seed_set = true,
				    .lock = MB_LOCK_GO, .sched = &t.fs.hook};
	t.m = mb_sharded_ops.create(&cfg);
	int in_first_two = 0;
	for (int64_t k = 0; k < RKEYS; k++) {
		mb_map_store(t.m, mb_key_int(k), k);
		in_first_two += mb_sharded_shard_of(t.m, mb_key_int(k)) < 2;
	}
	mb_map_range(t.m, outer_visit, &t);
	CHECK(t.started && t.first_rc == MB_LOCK_PARKED, "task 1 parked at shard 2: %d", t.first_rc);
	CHECK(t.before_park == in_first_two, "shards 0 and 1 visited before the park: %d of %d",
	      t.before_park, in_first_two);
	CHECK(t.fs.norder == 1 && t.fs.order[0] == 1, "the outer range's release readied task 1");
	CHECK(fake_call(&t.fs, 1, task_range, &t) == 0, "task 1's range finished");
	int once = 0;
	for (int i = 0; i < RKEYS; i++)
		once += t.hits[i] == 1;
	CHECK(once == RKEYS, "every key visited once: %d of %d", once, RKEYS);
	CHECK(!t.fs.t[1].w.lock && !t.fs.t[1].w.cont_owner, "nothing owed after the range");
	/* A fresh range as task 1 starts at shard 0 again. */
	memset(t.hits, 0, sizeof t.hits);
	CHECK(fake_call(&t.fs, 1, task_range, &t) == 0 && t.hits[0] == 1, "a new range");
	CHECK(mb_map_range(t.m, nothing, NULL) == 0, "the test thread ranges too");
	mb_map_destroy(t.m);
}

/* ---- the runner's tasks on shard locks ---- */

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
enum { RUN_OPS = 40000 }; /* sanitizers are 5-20x slower */
#else
enum { RUN_OPS = 300000 };
#endif

/* Every write and load takes its shard's lock once; a range takes each. */
static void shard_acquisitions(const struct mb_run_config *cfg, const struct mb_run_result *r)
{
	CHECK(r->lock.acquisitions[MB_LOCK_WRITE] >= cfg->ops - r->ops_by_kind[MB_OP_RANGE],
	      "%s: %llu acquisitions", mb_lock_policy_name(cfg->lock),
	      (unsigned long long)r->lock.acquisitions[MB_LOCK_WRITE]);
}

/* 2000 tasks on 2 workers over 4 shards and 64 keys, every op kind (range
 * too), under every policy (parkrun.h's checks). */
static void parking_run(void)
{
	const struct mb_run_config cfg = {
		.map = &mb_sharded_ops, .map_param = 4, .threads = 2000, .procs = 2,
		.mix = {30, 20, 20, 10, 5, 5, 4, 5, 1}, .keys = 64, .prefill = 32,
		.ops = RUN_OPS, .seed = 3, .latency_every = 8,
	};
	parkrun_every_policy(&cfg, shard_acquisitions);
}

int main(void)
{
	param_bounds();
	registry_parse();
	spread_and_seeds();
	against_reference(1);
	against_reference(2);
	against_reference(65536);
	for (int pol = 0; pol < MB_LOCK_NPOLICIES; pol++)
		threads((enum mb_lock_policy)pol);
	parked_range();
	parking_run();
	CHECK_DONE();
}
