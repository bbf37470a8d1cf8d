/* The plain map against a reference under any op sequence: each input byte
 * pair is an op (kind, key) over a small key range, so growth, same-size
 * grows, deletes to empty and iteration mid-growth all get exercised. */
#include "fuzz.h"

#include "maps/gomap.h"

#include <string.h>

#define KEYS 512

struct seen {
	unsigned char hits[KEYS];
	const bool *present;
	int bad;
};

static bool visit(int64_t key, int64_t val, void *arg)
{
	struct seen *s = arg;
	if (key < 0 || key >= KEYS || !s->present[key] || val != key * 3 + 1)
		s->bad++;
	else
		s->hits[key]++;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct mb_map_config cfg = {.hash_seed = data[0], .hash_seed_set = true,
				    .grow = (data[0] & 1) ? MB_MAP_GROW_STW : MB_MAP_GROW_INCREMENTAL};
	struct mb_gomap *m = mb_gomap_create(&cfg);
	bool present[KEYS] = {false};
	int64_t len = 0;
	for (size_t i = 1; i + 1 < size; i += 2) {
		unsigned op = data[i] >> 6;
		int64_t key = ((int64_t)(data[i] & 1) << 8 | data[i + 1]) % KEYS;
		int64_t v = -1;
		switch (op) {
		case 0:
		case 1:
			FUZZ_CHECK(mb_gomap_store(m, key, key * 3 + 1) == 0);
			len += !present[key];
			present[key] = true;
			break;
		case 2:
			FUZZ_CHECK(mb_gomap_delete(m, key) == present[key]);
			len -= present[key];
			present[key] = false;
			break;
		default:
			FUZZ_CHECK(mb_gomap_load(m, key, &v) == present[key]);
			FUZZ_CHECK(!present[key] || v == key * 3 + 1);
		}
		FUZZ_CHECK(mb_gomap_len(m) == len);
	}
	struct seen s;
	memset(&s, 0, sizeof s);
	s.present = present;
	FUZZ_CHECK(mb_gomap_range(m, visit, &s) == 0);
	FUZZ_CHECK(s.bad == 0);
	for (int k = 0; k < KEYS; k++)
		FUZZ_CHECK(s.hits[k] == present[k]);
	mb_gomap_destroy(m);
	return 0;
}
