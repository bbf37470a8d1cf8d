/* The plain map against a reference under any op sequence: each input byte
 * pair is an op (kind, key) over a small key range, so growth, same-size
 * grows, deletes to empty and iteration mid-growth all get exercised.  Each
 * input runs twice, with int64 keys and with string keys (looked up half
 * the time through a second copy of the bytes); bits of the first byte ask
 * for value blobs and for retired generations freed on the reclamation
 * thread (the plain design's way). */
#include "fuzz.h"

#include "maps/gomap.h"
#include "maps/reclaim.h"

#include <stdio.h>
#include <string.h>

#define KEYS 512
#define NAME_LEN 24

/* String key k: "s<k>" and k % 7 dots, in two copies. */
static char names[2][KEYS][NAME_LEN];
static int name_len[KEYS];

static void make_names(void)
{
	if (name_len[0])
		return;
	for (int k = 0; k < KEYS; k++) {
		int n = snprintf(names[0][k], NAME_LEN, "s%d", k);
		for (int j = 0; j < k % 7; j++)
			names[0][k][n++] = '.';
		name_len[k] = n;
		memcpy(names[1][k], names[0][k], NAME_LEN);
	}
}

struct seen {
	unsigned char hits[KEYS];
	const bool *present;
	bool strings;
	int bad;
};

static bool visit(struct mb_key k, int64_t val, void *arg)
{
	struct seen *s = arg;
	int64_t key = k.i;
	if (s->strings) {
		key = -1;
		if (k.str && k.len >= 2 && k.str[0] == 's') {
			key = strtol(k.str + 1, NULL, 10);
			if (key < 0 || key >= KEYS || k.len != name_len[key] ||
			    memcmp(k.str, names[0][key], (size_t)k.len) != 0)
				key = -1;
		}
	}
	if (key < 0 || key >= KEYS || !s->present[key] || val != key * 3 + 1)
		s->bad++;
	else
		s->hits[key]++;
	return true;
}

static void run(const uint8_t *data, size_t size, bool strings)
{
	struct mb_map_config cfg = {.hash_seed = data[0], .hash_seed_set = true,
				    .grow = (data[0] & 1) ? MB_MAP_GROW_STW : MB_MAP_GROW_INCREMENTAL,
				    .value_size = (data[0] & 2) ? 24 : 0,
				    .key_type = strings ? MB_KEY_STRING : MB_KEY_INT};
	struct mb_gomap *m = mb_gomap_create(&cfg);
	bool off_path = data[0] & 4;
	if (off_path) {
		mb_reclaim_thread_online();
		mb_gomap_set_free_off_path(m, true);
	}
	bool present[KEYS] = {false};
	int64_t len = 0;
	for (size_t i = 1; i + 1 < size; i += 2) {
		unsigned op = data[i] >> 6;
		int64_t key = ((int64_t)(data[i] & 1) << 8 | data[i + 1]) % KEYS;
		struct mb_key k = strings ? mb_key_str(names[(data[i] >> 1) & 1][key], name_len[key])
					  : mb_key_int(key);
		int64_t v = -1;
		switch (op) {
		case 0:
		case 1:
			FUZZ_CHECK(mb_gomap_store_key(m, k, key * 3 + 1) == 0);
			len += !present[key];
			present[key] = true;
			break;
		case 2:
			FUZZ_CHECK(mb_gomap_delete_key(m, k) == present[key]);
			len -= present[key];
			present[key] = false;
			break;
		default:
			FUZZ_CHECK(mb_gomap_load_key(m, k, &v) == present[key]);
			FUZZ_CHECK(!present[key] || v == key * 3 + 1);
		}
		FUZZ_CHECK(mb_gomap_len(m) == len);
	}
	struct seen s;
	memset(&s, 0, sizeof s);
	s.present = present;
	s.strings = strings;
	FUZZ_CHECK(mb_gomap_range_key(m, visit, &s) == 0);
	FUZZ_CHECK(s.bad == 0);
	for (int k = 0; k < KEYS; k++)
		FUZZ_CHECK(s.hits[k] == present[k]);
	FUZZ_CHECK(mb_gomap_check_values(m) == 0);
	mb_gomap_destroy(m);
	if (off_path)
		mb_reclaim_thread_offline();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	make_names();
	run(data, size, false);
	run(data, size, true);
	return 0;
}
