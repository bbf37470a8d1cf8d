/* Every registered design against a reference, single-threaded, with every
 * operation of map.h, int and string keys, inline values and value blobs:
 * the validation program that loops over the registry.  The null design is
 * checked for doing nothing. */
#include "check.h"

#include "maps/map.h"
#include "maps/reclaim.h"
#include "maps/registry.h"
#include "measure/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEYS 4096

struct ref {
	bool present[KEYS];
	int64_t val[KEYS];
	int64_t len;
};

/* String key k: "k<decimal k>" and k % 37 x's (1 to 41 bytes), in two
 * copies: a lookup through the other copy must find the same entry (keys
 * compare by bytes, not by address). */
#define NAME_MAX_LEN 48
static char names[2][KEYS][NAME_MAX_LEN];
static int name_len[KEYS];

static void make_names(void)
{
	for (int k = 0; k < KEYS; k++) {
		int n = snprintf(names[0][k], NAME_MAX_LEN, "k%d", k);
		for (int j = 0; j < k % 37; j++)
			names[0][k][n++] = 'x';
		names[0][k][n] = 0;
		name_len[k] = n;
		memcpy(names[1][k], names[0][k], (size_t)n + 1);
	}
}

static struct mb_key key_of(enum mb_key_type type, int64_t k, uint64_t r)
{
	if (type == MB_KEY_INT)
		return mb_key_int(k);
	return mb_key_str(names[(r >> 7) & 1][k], name_len[k]);
}

/* The index of a key the map gave back, or -1 if it is not one of ours. */
static int64_t index_of(enum mb_key_type type, struct mb_key key)
{
	if (type == MB_KEY_INT)
		return key.str == NULL && key.i >= 0 && key.i < KEYS ? key.i : -1;
	if (!key.str || key.len < 2 || key.str[0] != 'k')
		return -1;
	int64_t k = strtol(key.str + 1, NULL, 10);
	if (k < 0 || k >= KEYS || key.len != name_len[k] ||
	    memcmp(key.str, names[0][k], (size_t)key.len) != 0)
		return -1;
	return k;
}

struct seen {
	unsigned char hits[KEYS];
	int64_t n;
	bool bad_value;
	const struct ref *ref;
	enum mb_key_type type;
};

static bool count_visit(struct mb_key k, int64_t val, void *arg)
{
	struct seen *s = arg;
	int64_t key = index_of(s->type, k);
	if (key < 0 || !s->ref->present[key] || s->ref->val[key] != val)
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

static void check_design(const struct mb_map_ops *ops, enum mb_key_type type, size_t vsize)
{
	struct mb_map_config cfg = {.hash_seed = 42, .hash_seed_set = true, .value_size = vsize,
				    .key_type = type};
	struct mb_map *m = ops->create(&cfg);
	CHECK(m != NULL, "%s: create failed", ops->name);
	if (!m)
		return;
	mb_map_thread_online(m);
	CHECK(m->ops == ops, "%s: instance has the wrong ops", ops->name);
	struct ref *ref = calloc(1, sizeof *ref);
	uint64_t rng = 7;
	for (int i = 0; i < (vsize ? 60000 : 200000); i++) {
		uint64_t r = next(&rng);
		int64_t key = (int64_t)(r % KEYS);
		struct mb_key kk = key_of(type, key, r);
		int64_t got = -1;
		int64_t v = (int64_t)(r >> 40), old = ref->val[key];
		bool had = ref->present[key];
		int rc;
		switch ((r >> 32) % 9) {
		case 0:
		case 1:
			rc = mb_map_store(m, kk, v);
			CHECK(rc == 0, "%s: store rc %d", ops->name, rc);
			ref->present[key] = true;
			ref->val[key] = v;
			break;
		case 2:
			rc = mb_map_delete(m, kk);
			CHECK(rc == had, "%s: delete %lld rc %d", ops->name, (long long)key, rc);
			ref->present[key] = false;
			break;
		case 3:
			rc = mb_map_load_or_store(m, kk, v, &got);
			CHECK(rc == had && got == (had ? old : v), "%s: load_or_store rc %d",
			      ops->name, rc);
			if (!had)
				ref->present[key] = true, ref->val[key] = v;
			break;
		case 4:
			rc = mb_map_load_and_delete(m, kk, &got);
			CHECK(rc == had && (!had || got == old), "%s: load_and_delete rc %d",
			      ops->name, rc);
			ref->present[key] = false;
			break;
		case 5:
			rc = mb_map_swap(m, kk, v, &got);
			CHECK(rc == had && (!had || got == old), "%s: swap rc %d", ops->name, rc);
			ref->present[key] = true;
			ref->val[key] = v;
			break;
		case 6: {
			/* expect the current value half the time */
			int64_t expect = (r & 1) ? old : old + 1;
			rc = mb_map_compare_and_swap(m, kk, expect, v);
			bool swap = had && expect == old;
			CHECK(rc == swap, "%s: compare_and_swap rc %d", ops->name, rc);
			if (swap)
				ref->val[key] = v;
			break;
		}
		case 7: {
			int64_t expect = (r & 1) ? old : old + 1;
			rc = mb_map_compare_and_delete(m, kk, expect);
			bool del = had && expect == old;
			CHECK(rc == del, "%s: compare_and_delete rc %d", ops->name, rc);
			if (del)
				ref->present[key] = false;
			break;
		}
		default:
			rc = mb_map_load(m, kk, &got);
			CHECK(rc == had && (!had || got == old), "%s: load %lld rc %d", ops->name,
			      (long long)key, rc);
		}
		ref->len += (int64_t)ref->present[key] - (int64_t)had;
		if (check_failures > 20) {
			fprintf(stderr, "%s: key type %d, value size %zu\n", ops->name, type, vsize);
			break;
		}
	}
	CHECK(mb_map_len(m) == ref->len, "%s: len %lld, want %lld", ops->name,
	      (long long)mb_map_len(m), (long long)ref->len);
	struct seen *s = calloc(1, sizeof *s);
	s->ref = ref;
	s->type = type;
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

/* B/op of value blobs: what one store of a new key, one update and one swap
 * allocate in the values category.  plain, locked and rwlocked allocate
 * the bare blob; sync's box is the blob behind its reclamation header;
 * hashtrie's box is the bare blob, or 8 bytes for an int64. */
static void check_value_bytes(const struct mb_map_ops *ops, size_t vsize)
{
	struct mb_map_config cfg = {.hash_seed = 1, .hash_seed_set = true, .value_size = vsize};
	struct mb_map *m = ops->create(&cfg);
	mb_map_thread_online(m);
	bool sync = strcmp(ops->name, "sync") == 0;
	/* hashtrie boxes values as Go boxes them into an any, bare: its
	 * reclamation header is in the entry */
	bool boxed = sync || strcmp(ops->name, "hashtrie") == 0;
	size_t want = vsize ? vsize : boxed ? 8 : 0;
	size_t header = sync ? sizeof(struct mb_reclaim_head) : 0;
	struct mb_alloc_stats a, b, d;
	int64_t prev;
	struct mb_key five = mb_key_int(5);
	mb_alloc_snapshot(&a);
	mb_map_store(m, five, 10);           /* new key */
	mb_map_store(m, five, 11);           /* update */
	mb_map_swap(m, five, 12, &prev);     /* swap */
	mb_map_compare_and_swap(m, five, 12, 13);
	mb_alloc_snapshot(&b);
	mb_alloc_diff(&b, &a, &d);
	uint64_t n = want ? 4 : 0;
	CHECK(d.allocs[MB_ALLOC_VALUES] == n && d.bytes[MB_ALLOC_VALUES] == n * (want + header),
	      "%s, value size %zu: %llu value allocs of %llu bytes in all; want %llu of %zu",
	      ops->name, vsize, (unsigned long long)d.allocs[MB_ALLOC_VALUES],
	      (unsigned long long)d.bytes[MB_ALLOC_VALUES], (unsigned long long)n,
	      (size_t)n * (want + header));
	int64_t v = 0;
	CHECK(mb_map_load(m, five, &v) == 1 && v == 13, "%s: load after cas: %lld", ops->name,
	      (long long)v);
	mb_map_thread_offline(m);
	mb_map_destroy(m);
}

static void check_blob_helpers(void)
{
	for (size_t size = 2 * MB_MAP_VALUE_SIZE_MIN; size <= 4096; size *= 2) {
		char *p = mb_map_blob_new(size, -12345);
		CHECK(p && mb_map_blob_value(p) == -12345 && mb_map_blob_check(p, size),
		      "blob of %zu bytes", size);
		p[size - 1] ^= 1;
		CHECK(!mb_map_blob_check(p, size), "a changed last byte is caught (%zu)", size);
		mb_free(MB_ALLOC_VALUES, p);
	}
}

static void check_null(void)
{
	const struct mb_map_ops *ops = mb_registry_find("null");
	CHECK(ops != NULL, "null is registered");
	if (!ops)
		return;
	struct mb_map *m = ops->create(NULL);
	int64_t v = 5;
	CHECK(mb_map_store(m, mb_key_int(1), 2) == 0, "null store succeeds");
	CHECK(mb_map_load(m, mb_key_int(1), &v) == 0 && v == 5, "null load misses and leaves *val");
	CHECK(mb_map_delete(m, mb_key_str("a", 1)) == 0, "null delete misses");
	CHECK(mb_map_len(m) == 0, "null len is 0");
	mb_map_destroy(m);
}

int main(void)
{
	make_names();
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
		const size_t sizes[] = {0, 8, 100};
		for (size_t j = 0; j < 3; j++) {
			check_design(ops, MB_KEY_INT, sizes[j]);
			check_design(ops, MB_KEY_STRING, sizes[j]);
			check_value_bytes(ops, sizes[j]);
		}
		mb_alloc_live(&after);
		for (int c = 0; c < MB_ALLOC_NCATS; c++)
			CHECK(after.bytes[c] == before.bytes[c], "%s: %lld %s bytes live after destroy",
			      ops->name, (long long)(after.bytes[c] - before.bytes[c]),
			      mb_alloc_cat_name(c));
	}
	check_blob_helpers();
	check_null();
	CHECK(strcmp(mb_map_fatal_message(MB_MAP_FATAL_WRITES), "concurrent map writes") == 0,
	      "writes message");
	CHECK(mb_map_is_fatal(MB_MAP_FATAL_READ_WRITE) && !mb_map_is_fatal(-12),
	      "fatal codes are told apart from errno values");
	CHECK_DONE();
}
