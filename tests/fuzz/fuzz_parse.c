/* Every option parser on any string: no crash, no read past the end, and
 * what a parser accepts is within what it promises. */
#include "fuzz.h"

#include "run/keydist.h"
#include "util/parse.h"

#include <string.h>

static const char *const kinds[] = {"load", "store", "delete", "load_or_store",
				    "load_and_delete", "swap", "cas", "cad", "range", NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[256];
	if (size >= sizeof s)
		size = sizeof s - 1;
	memcpy(s, data, size);
	s[size] = '\0';

	uint64_t v;
	if (mb_parse_count(s, 1, 10000000, &v) == 0)
		FUZZ_CHECK(v >= 1 && v <= 10000000);
	if (mb_parse_duration(s, 0, &v) == 0)
		FUZZ_CHECK(v > 0);
	unsigned mix[9];
	if (mb_parse_mix(s, kinds, 9, mix) == 0) {
		unsigned sum = 0;
		for (int k = 0; k < 9; k++)
			sum += mix[k];
		FUZZ_CHECK(sum == 100);
	}
	char buf[256], *items[64];
	size_t n;
	memcpy(buf, s, size + 1);
	if (mb_parse_list(buf, items, 64, &n) == 0)
		for (size_t i = 0; i < n; i++)
			FUZZ_CHECK(items[i][0] != '\0' && !strchr(items[i], ','));
	struct mb_keydist d;
	if (mb_keydist_parse(s, &d) == 0) {
		mb_keydist_prepare(&d, 1000);
		char out[64];
		mb_keydist_format(&d, out, sizeof out);
		if (d.kind == MB_DIST_ZIPF) {
			uint64_t rng = 1;
			uint64_t k = mb_keydist_zipf(&d, &rng);
			FUZZ_CHECK(k >= 1 && k <= 1000);
		}
	}
	return 0;
}
