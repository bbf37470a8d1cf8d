/* Key types and string key sets (lib/run/keys.h). */
#include "check.h"

#include "maps/gomap.h"
#include "run/keys.h"

#include <errno.h>
#include <string.h>

static void parsing(void)
{
	struct mb_keyspec k = {0};
	char buf[64];
	CHECK(mb_keyspec_parse("int", &k) == 0 && k.type == MB_KEY_INT, "int");
	CHECK(mb_keyspec_parse("string:16", &k) == 0 && k.type == MB_KEY_STRING &&
	      k.min_len == 16 && k.max_len == 16, "string:16");
	mb_keyspec_format(&k, buf, sizeof buf);
	CHECK(strcmp(buf, "string:16") == 0, "format %s", buf);
	CHECK(mb_keyspec_parse("string:8-32", &k) == 0 && k.min_len == 8 && k.max_len == 32,
	      "string:8-32");
	mb_keyspec_format(&k, buf, sizeof buf);
	CHECK(strcmp(buf, "string:8-32") == 0, "format %s", buf);
	CHECK(mb_keyspec_parse("string:1", &k) == 0 && mb_keyspec_parse("string:1024", &k) == 0,
	      "the bounds");
	struct mb_keyspec before = k;
	const char *bad[] = {"", "str", "string", "string:", "string:x", "string:8-", "string:-8",
			     "string:8-9-10", "string:+8", "string: 8", "int:8", "Int", "string:8x"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK(mb_keyspec_parse(bad[i], &k) == -EINVAL, "'%s' is malformed", bad[i]);
	const char *range[] = {"string:0", "string:1025", "string:9-8", "string:0-4"};
	for (size_t i = 0; i < sizeof range / sizeof range[0]; i++)
		CHECK(mb_keyspec_parse(range[i], &k) == -ERANGE, "'%s' is out of range", range[i]);
	CHECK(memcmp(&k, &before, sizeof k) == 0, "errors leave *out alone");
	k = (struct mb_keyspec){.type = MB_KEY_INT};
	mb_keyspec_format(&k, buf, sizeof buf);
	CHECK(strcmp(buf, "int") == 0, "format int");
}

static void distinct(void)
{
	struct mb_keyspec k = {.type = MB_KEY_INT};
	CHECK(mb_keyspec_distinct(&k) == UINT64_MAX, "int");
	k = (struct mb_keyspec){.type = MB_KEY_STRING, .min_len = 1, .max_len = 30};
	CHECK(mb_keyspec_distinct(&k) == 64, "one byte: 64");
	k.min_len = 3;
	CHECK(mb_keyspec_distinct(&k) == 262144, "three bytes: 64^3");
	k.min_len = 11;
	CHECK(mb_keyspec_distinct(&k) == UINT64_MAX, "eleven bytes: saturated");
	struct mb_keyset ks;
	k = (struct mb_keyspec){.type = MB_KEY_STRING, .min_len = 2, .max_len = 2};
	CHECK(mb_keyset_build(&ks, &k, 4097) == -ERANGE, "4097 keys of 2 bytes");
	CHECK(mb_keyset_build(&ks, &k, 4096) == 0, "4096 keys of 2 bytes");
	mb_keyset_free(&ks);
	k.type = MB_KEY_INT;
	CHECK(mb_keyset_build(&ks, &k, 10) == 0 && ks.keys == NULL &&
	      mb_keyset_key(&ks, 7).str == NULL && mb_keyset_key(&ks, 7).i == 7, "int sets");
	CHECK(mb_keyset_bytes(&k, 1000) == 0, "int sets cost nothing");
	mb_keyset_free(&ks);
}

/* Every key is distinct (a string-key map holds them all), within its
 * lengths, from the alphabet, and the same on every build. */
static void check_set(uint32_t lo, uint32_t hi, uint64_t n)
{
	struct mb_keyspec spec = {.type = MB_KEY_STRING, .min_len = lo, .max_len = hi};
	struct mb_keyset a, b;
	CHECK(mb_keyset_build(&a, &spec, n) == 0 && mb_keyset_build(&b, &spec, n) == 0,
	      "build %u-%u", lo, hi);
	struct mb_map_config cfg = {.key_type = MB_KEY_STRING};
	struct mb_gomap *m = mb_gomap_create(&cfg);
	uint64_t total = 0, bad = 0;
	bool lengths_seen[2] = {false, false};
	for (uint64_t i = 0; i < n; i++) {
		struct mb_key k = mb_keyset_key(&a, i);
		total += (uint64_t)k.len;
		if (k.len < lo || k.len > hi)
			bad++;
		lengths_seen[0] |= k.len == lo;
		lengths_seen[1] |= k.len == hi;
		for (int64_t j = 0; j < k.len; j++)
			if (!strchr("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-",
				    k.str[j]) || k.str[j] == 0)
				bad++;
		if (k.len != b.keys[i].len || memcmp(k.str, b.keys[i].str, (size_t)k.len) != 0)
			bad++;
		mb_gomap_store_key(m, k, (int64_t)i);
	}
	CHECK(bad == 0, "%u-%u: %llu bad keys", lo, hi, (unsigned long long)bad);
	/* the length distribution, where there are enough keys to see it */
	CHECK(n < 10000 || (lengths_seen[0] && lengths_seen[1]),
	      "%u-%u: both extreme lengths occur", lo, hi);
	CHECK(mb_gomap_len(m) == (int64_t)n, "%u-%u: %lld distinct of %llu", lo, hi,
	      (long long)mb_gomap_len(m), (unsigned long long)n);
	double mean = (double)total / (double)n, want = (lo + hi) / 2.0;
	CHECK(n < 10000 || (mean > want - 0.5 && mean < want + 0.5), "%u-%u: mean length %.2f", lo, hi, mean);
	CHECK(mb_keyset_bytes(&spec, n) >= a.arena_bytes, "%u-%u: the estimate covers the arena",
	      lo, hi);
	mb_gomap_destroy(m);
	mb_keyset_free(&a);
	mb_keyset_free(&b);
}

int main(void)
{
	parsing();
	distinct();
	check_set(3, 3, 200000);
	check_set(1, 40, 64);
	check_set(8, 64, 100000);
	check_set(1000, 1024, 20000);
	CHECK_DONE();
}
