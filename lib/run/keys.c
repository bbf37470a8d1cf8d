#include "run/keys.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char alphabet[64] =
	"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-";

/* Base-64 digits that spell an index: 64^11 > 2^64. */
#define INDEX_DIGITS 11

static uint64_t mix(uint64_t z)
{
	z += UINT64_C(0x9e3779b97f4a7c15);
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* A length in 1..MB_KEY_LEN_MAX, all digits, nothing after. */
static int parse_len(const char *s, size_t n, uint32_t *out)
{
	if (n == 0 || n > 9)
		return -EINVAL;
	uint32_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (uint32_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

int mb_keyspec_parse(const char *s, struct mb_keyspec *out)
{
	if (strcmp(s, "int") == 0) {
		*out = (struct mb_keyspec){.type = MB_KEY_INT};
		return 0;
	}
	if (strncmp(s, "string:", 7) != 0)
		return -EINVAL;
	s += 7;
	const char *dash = strchr(s, '-');
	uint32_t lo, hi;
	if (dash) {
		if (parse_len(s, (size_t)(dash - s), &lo) || parse_len(dash + 1, strlen(dash + 1), &hi))
			return -EINVAL;
	} else {
		if (parse_len(s, strlen(s), &lo))
			return -EINVAL;
		hi = lo;
	}
	if (lo < 1 || hi > MB_KEY_LEN_MAX || lo > hi)
		return -ERANGE;
	*out = (struct mb_keyspec){.type = MB_KEY_STRING, .min_len = lo, .max_len = hi};
	return 0;
}

void mb_keyspec_format(const struct mb_keyspec *spec, char *buf, size_t size)
{
	if (spec->type != MB_KEY_STRING)
		snprintf(buf, size, "int");
	else if (spec->min_len == spec->max_len)
		snprintf(buf, size, "string:%u", (unsigned)spec->min_len);
	else
		snprintf(buf, size, "string:%u-%u", (unsigned)spec->min_len,
			 (unsigned)spec->max_len);
}

uint64_t mb_keyspec_distinct(const struct mb_keyspec *spec)
{
	if (spec->type != MB_KEY_STRING || spec->min_len >= INDEX_DIGITS)
		return UINT64_MAX;
	return UINT64_C(1) << (6 * spec->min_len);
}

static uint32_t key_len(const struct mb_keyspec *spec, uint64_t i)
{
	uint32_t span = spec->max_len - spec->min_len + 1;
	return spec->min_len + (span > 1 ? (uint32_t)(mix(i ^ UINT64_C(0x5bd1e995)) % span) : 0);
}

uint64_t mb_keyset_bytes(const struct mb_keyspec *spec, uint64_t n)
{
	if (spec->type != MB_KEY_STRING)
		return 0;
	/* the mean length, rounded up, and the arena's tail */
	uint64_t mean = ((uint64_t)spec->min_len + spec->max_len + 1) / 2;
	return n * (sizeof(struct mb_key) + mean) + MB_KEY_LEN_MAX;
}

int mb_keyset_build(struct mb_keyset *ks, const struct mb_keyspec *spec, uint64_t n)
{
	memset(ks, 0, sizeof *ks);
	ks->n = n;
	if (spec->type != MB_KEY_STRING)
		return 0;
	if (n > mb_keyspec_distinct(spec))
		return -ERANGE;
	uint64_t total = 0;
	for (uint64_t i = 0; i < n; i++)
		total += key_len(spec, i);
	/* The tail: a reader racing a writer on a map shared by misuse may
	 * pair one key's pointer with another's length; it still reads
	 * inside the arena. */
	ks->arena_bytes = total + MB_KEY_LEN_MAX;
	ks->arena = malloc(ks->arena_bytes);
	ks->keys = malloc(n * sizeof *ks->keys);
	if (!ks->arena || !ks->keys) {
		mb_keyset_free(ks);
		return -ENOMEM;
	}
	memset(ks->arena + total, 0, MB_KEY_LEN_MAX);
	char *p = ks->arena;
	for (uint64_t i = 0; i < n; i++) {
		uint32_t len = key_len(spec, i);
		uint64_t digits = i, fill = mix(i);
		for (uint32_t j = 0; j < len; j++) {
			if (j < INDEX_DIGITS) {
				p[j] = alphabet[digits & 63];
				digits >>= 6;
			} else {
				if ((j - INDEX_DIGITS) % 10 == 0)
					fill = mix(fill);
				p[j] = alphabet[fill & 63];
				fill >>= 6;
			}
		}
		ks->keys[i] = mb_key_str(p, len);
		p += len;
	}
	return 0;
}

void mb_keyset_free(struct mb_keyset *ks)
{
	free(ks->keys);
	free(ks->arena);
	memset(ks, 0, sizeof *ks);
}
