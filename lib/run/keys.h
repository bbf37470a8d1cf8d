/* mb_keys: the key type of a run (--key-type int, string:LEN or
 * string:MIN-MAX) and the string keys themselves.
 *
 * A run draws key indexes from [0, keys) (keydist.h); with string keys,
 * index i names the i-th string of a key set built once, before the map is
 * created and long before anything is timed, so that the timed phase
 * generates nothing and allocates nothing for its keys.  The key set is one
 * arena of bytes plus one struct mb_key header per index; the maps borrow
 * the bytes (map.h), so the set must outlive the map.
 *
 * String i is deterministic: its length is LEN, or MIN + (a hash of i) mod
 * (MAX - MIN + 1); its bytes are drawn from a 64-character alphabet
 * ([0-9A-Za-z_-]), the first ones spelling i in base 64 (least significant
 * digit first, so strings differ from their first byte, as random keys
 * do), the rest a hash-driven fill.  Two indexes below 64^MIN therefore
 * never share a string.
 *
 * Threads: parse and build from one thread; a built set is read-only and
 * may be read from any number of threads.  lib/ never prints: errors are
 * negative errno values.
 */
#ifndef MB_RUN_KEYS_H
#define MB_RUN_KEYS_H

#include "maps/map.h"

#include <stddef.h>
#include <stdint.h>

struct mb_keyspec {
	enum mb_key_type type;
	uint32_t min_len, max_len; /* string lengths in bytes; 0 for int */
};

/* Parses "int", "string:LEN" or "string:MIN-MAX" (1 <= MIN <= MAX <=
 * MB_KEY_LEN_MAX).  Returns 0, -EINVAL when the text is not of that form,
 * or -ERANGE when a length is out of bounds; *out is untouched on error. */
int mb_keyspec_parse(const char *s, struct mb_keyspec *out);

/* The canonical text of spec ("int", "string:16", "string:8-32") into buf. */
void mb_keyspec_format(const struct mb_keyspec *spec, char *buf, size_t size);

/* How many distinct keys spec can name (UINT64_MAX for int, or when it
 * saturates): a run's --keys must not exceed it. */
uint64_t mb_keyspec_distinct(const struct mb_keyspec *spec);

/* The bytes a key set of n keys occupies (headers and arena): 0 for int. */
uint64_t mb_keyset_bytes(const struct mb_keyspec *spec, uint64_t n);

struct mb_keyset {
	struct mb_key *keys; /* n headers, NULL for int keys */
	char *arena;         /* the strings' bytes */
	uint64_t n;
	uint64_t arena_bytes;
};

/* Builds the n keys of spec into *ks (nothing to build for int keys).
 * Returns 0, -ERANGE when spec cannot name n distinct keys, or -ENOMEM. */
int mb_keyset_build(struct mb_keyset *ks, const struct mb_keyspec *spec, uint64_t n);

/* Frees what mb_keyset_build allocated; safe on a zeroed or int set. */
void mb_keyset_free(struct mb_keyset *ks);

/* The key of index i (< n): the string, or the int i for an int set. */
static inline struct mb_key mb_keyset_key(const struct mb_keyset *ks, uint64_t i)
{
	return ks->keys ? ks->keys[i] : mb_key_int((int64_t)i);
}

#endif
