/* Every registered design against a reference, single-threaded, with every
 * operation of map.h: the validation program that loops over the registry.  The null design is
 * checked for doing nothing. */
#include "check.h"

#include "maps/map.h"
#include "maps/registry.h"
#include "measure/alloc.h"

#include <stdlib.h>
#include <string.h>

#define KEYS 4096

struct ref {
	bool present[KEYS];
	int64_t val[KEYS];
	int64_t len;
};

struct seen {
	unsigned char hits[KEYS];
	int64_t n;
	bool bad_value;
	const struct ref *ref;
};

static bool count_visit(int64_t key, int64_t val, void *arg)
{
	struct seen *s = arg;
	if (key < 0 || key >= KEYS || !s->ref->present[key] || s->ref->val[key] != val)
		s->bad_value = true;
	else
		s->hits[key]++;
	s->n++;
	return true;
}

static uint64_t next(uint64_t *x)
{
	/* splitmix64: a fixed, seedable stream for the op sequence */
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void check_design(const struct mb_map_ops *ops)
{
	struct mb_map_config cfg = {.hash_seed = 42, .hash_seed_set = true};
	struct mb_map *m = ops->create(&cfg);
	CHECK(m != NULL, "%s: create failed", ops->name);
	if (!m)
		return;
	mb_map_thread_online(m);
	CHECK(m->ops == ops, "%s: instance has the wrong ops", ops->name);
	struct ref *ref = calloc(1, sizeof *ref);
	uint64_t rng = 7;
	for (int i = 0; i < 200000; i++) {
		uint64_t r = next(&rng);
		int64_t key = (int64_t)(r % KEYS);
		int64_t got = -1;
		int64_t v = (int64_t)(r >> 40), old = ref->val[key];
		bool had = ref->present[key];
		int rc;
		switch ((r >> 32) % 9) {
		case 0:
		case 1:
			rc = mb_map_store(m, key, v);
			CHECK(rc == 0, "%s: store rc %d", ops->name, rc);
			ref->present[key] = true;
			ref->val[key] = v;
			break;
		case 2:
			rc = mb_map_delete(m, key);
			CHECK(rc == had, "%s: delete %lld rc %d", ops->name, (long long)key, rc);
			ref->present[key] = false;
			break;
		case 3:
			rc = mb_map_load_or_store(m, key, v, &got);
			CHECK(rc == had && got == (had ? old : v), "%s: load_or_store rc %d",
			      ops->name, rc);
			if (!had)
				ref->present[key] = true, ref->val[key] = v;
			break;
		case 4:
			rc = mb_map_load_and_delete(m, key, &got);
			CHECK(rc == had && (!had || got == old), "%s: load_and_delete rc %d",
			      ops->name, rc);
			ref->present[key] = false;
			break;
		case 5:
			rc = mb_map_swap(m, key, v, &got);
			CHECK(rc == had && (!had || got == old), "%s: swap rc %d", ops->name, rc);
			ref->present[key] = true;
			ref->val[key] = v;
			break;
		case 6: {
			/* expect the current value half the time */
			int64_t expect = (r & 1) ? old : old + 1;
			rc = mb_map_compare_and_swap(m, key, expect, v);
			bool swap = had && expect == old;
			CHECK(rc == swap, "%s: compare_and_swap rc %d", ops->name, rc);
			if (swap)
				ref->val[key] = v;
			break;
		}
		case 7: {
			int64_t expect = (r & 1) ? old : old + 1;
			rc = mb_map_compare_and_delete(m, key, expect);
			bool del = had && expect == old;
			CHECK(rc == del, "%s: compare_and_delete rc %d", ops->name, rc);
			if (del)
				ref->present[key] = false;
			break;
		}
		default:
			rc = mb_map_load(m, key, &got);
			CHECK(rc == had && (!had || got == old), "%s: load %lld rc %d", ops->name,
			      (long long)key, rc);
		}
		ref->len += (int64_t)ref->present[key] - (int64_t)had;
		if (check_failures > 20)
			break;
	}
	CHECK(mb_map_len(m) == ref->len, "%s: len %lld, want %lld", ops->name,
	      (long long)mb_map_len(m), (long long)ref->len);
	struct seen *s = calloc(1, sizeof *s);
	s->ref = ref;
	CHECK(mb_map_range(m, count_visit, s) == 0, "%s: range failed", ops->name);
	CHECK(!s->bad_value, "%s: range yielded a key or value not in the map", ops->name);
	CHECK(s->n == ref->len, "%s: range visited %lld, want %lld", ops->name,
	      (long long)s->n, (long long)ref->len);
	for (int k = 0; k < KEYS; k++)
		if (ref->present[k] && s->hits[k] != 1) {
			CHECK(0, "%s: key %d visited %d times", ops->name, k, s->hits[k]);
			break;
		}
	free(s);
	free(ref);
	mb_map_thread_offline(m);
	mb_map_destroy(m);
}

static void check_null(void)
{
	const struct mb_map_ops *ops = mb_registry_find("null");
	CHECK(ops != NULL, "null is registered");
	if (!ops)
		return;
	struct mb_map *m = ops->create(NULL);
	int64_t v = 5;
	CHECK(mb_map_store(m, 1, 2) == 0, "null store succeeds");
	CHECK(mb_map_load(m, 1, &v) == 0 && v == 5, "null load misses and leaves *val");
	CHECK(mb_map_delete(m, 1) == 0, "null delete misses");
	CHECK(mb_map_len(m) == 0, "null len is 0");
	mb_map_destroy(m);
}

int main(void)
{
	size_t n = mb_registry_count();
	CHECK(n >= 4, "registry has %zu designs", n);
	const char *want[] = {"plain", "locked", "rwlocked", "null"};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		const struct mb_map_ops *ops = mb_registry_find(want[i]);
		CHECK(ops && strcmp(ops->name, want[i]) == 0, "find %s", want[i]);
	}
	CHECK(mb_registry_find("nope") == NULL, "unknown name is not found");
	CHECK(mb_registry_find("") == NULL, "empty name is not found");
	CHECK(mb_registry_at(n) == NULL, "index past the end is NULL");
	for (size_t i = 0; i < n; i++) {
		const struct mb_map_ops *ops = mb_registry_at(i);
		CHECK(ops->summary && *ops->summary, "%s has a summary", ops->name);
		if (strcmp(ops->name, "null") == 0)
			continue;
		/* Every byte a design allocates comes back, in the category it was
		 * counted in, by the time destroy returns. */
		struct mb_alloc_live before, after;
		mb_alloc_live(&before);
		check_design(ops);
		mb_alloc_live(&after);
		for (int c = 0; c < MB_ALLOC_NCATS; c++)
			CHECK(after.bytes[c] == before.bytes[c], "%s: %lld %s bytes live after destroy",
			      ops->name, (long long)(after.bytes[c] - before.bytes[c]),
			      mb_alloc_cat_name(c));
	}
	check_null();
	CHECK(strcmp(mb_map_fatal_message(MB_MAP_FATAL_WRITES), "concurrent map writes") == 0,
	      "writes message");
	CHECK(mb_map_is_fatal(MB_MAP_FATAL_READ_WRITE) && !mb_map_is_fatal(-12),
	      "fatal codes are told apart from errno values");
	CHECK_DONE();
}
