/* export's reader path on any bytes: mb_result_parse, then every table
 * writer (and its block list) with several selections into a memory
 * stream.  No crash, no read past the end, and what the writers promise:
 * on success a table opening with its "# " header and one block line per
 * "# [N]" block; on failure nothing written and one line of error. */
#include "fuzz.h"

#include "report/export.h"
#include "report/result_read.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

static size_t count_lines(const char *s, size_t len, const char *prefix)
{
	size_t n = 0, plen = strlen(prefix);
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - s) : len;
		if (end - i >= plen && memcmp(s + i, prefix, plen) == 0)
			n++;
		i = end + 1;
	}
	return n;
}

/* In a scaling table, the mean, median, min and max of a row (columns 3
 * to 6) are numbers: they are computed from throughputs that passed the
 * checks, never a NaN of an overflow. */
static bool scaling_finite(const char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - s) : len;
		if (end > i && s[i] != '#') {
			size_t col = 1;
			for (size_t j = i; j < end; j++) {
				if (s[j] == ' ')
					col++;
				else if (col >= 3 && col <= 6 && s[j] == 'N')
					return false;
			}
		}
		i = end + 1;
	}
	return true;
}

static void one(const json_t *doc, int kind, const struct mb_export_select *sel)
{
	char *tab = NULL, *blk = NULL, err[256];
	size_t tab_len = 0, blk_len = 0;
	FILE *f = open_memstream(&tab, &tab_len);
	FUZZ_CHECK(f != NULL);
	int rc = mb_export_write(f, doc, kind, sel, false, err, sizeof err);
	fclose(f);
	f = open_memstream(&blk, &blk_len);
	FUZZ_CHECK(f != NULL);
	int rc2 = mb_export_write(f, doc, kind, sel, true, err, sizeof err);
	fclose(f);
	FUZZ_CHECK(rc == rc2);
	if (rc == 0) {
		FUZZ_CHECK(tab_len >= 2 && memcmp(tab, "# ", 2) == 0);
		/* a non-finite number is written NaN, never inf */
		FUZZ_CHECK(!memmem(tab, tab_len, "inf", 3));
		if (kind == MB_EXPORT_SCALING)
			FUZZ_CHECK(scaling_finite(tab, tab_len));
		/* one block line per block; titles are single words */
		FUZZ_CHECK(count_lines(tab, tab_len, "# [") == count_lines(blk, blk_len, ""));
		for (size_t i = 0; i < blk_len; i++)
			FUZZ_CHECK(blk[i] != '\t' && blk[i] != '"' && blk[i] != '\'');
	} else {
		FUZZ_CHECK(rc == -ENOENT || rc == -ENODATA || rc == -EINVAL || rc == -EBADMSG);
		FUZZ_CHECK(tab_len == 0 && blk_len == 0);
		FUZZ_CHECK(err[0] != '\0' && strchr(err, '\n') == NULL);
	}
	free(tab);
	free(blk);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	json_t *doc = mb_result_parse((const char *)data, size, err, sizeof err);
	if (!doc) {
		FUZZ_CHECK(err[0] != '\0' && strchr(err, '\n') == NULL);
		return 0;
	}
	const struct mb_export_select sels[] = {
		{0},
		{.threads = MB_EXPORT_THREADS_MAX, .rep = 1},
		{.maps = "plain,sync", .op = "load"},
		{.run = "0"},
		{.run = "plain/threads=1/procs=1/rep=1", .op = "all"},
	};
	for (int kind = 0; kind < MB_EXPORT_NKINDS; kind++)
		for (size_t s = 0; s < sizeof sels / sizeof sels[0]; s++)
			one(doc, kind, &sels[s]);
	json_t *runs = json_object_get(doc, "runs");
	if (json_array_size(runs)) {
		char label[32];
		int n = mb_result_run_label(json_array_get(runs, 0), label, sizeof label);
		FUZZ_CHECK(n >= 0 && strlen(label) < sizeof label);
	}
	json_decref(doc);
	return 0;
}
