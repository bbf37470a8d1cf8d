/* The workload file reader on any bytes: no crash, no read past the end,
 * every line it hands on well formed (a known option, a trimmed non-empty
 * value or a flag, line numbers rising within the file), every refusal
 * naming a line of the file and saying something; the values then go
 * through the option parsers, as run's callback would send them. */
#include "fuzz.h"

#include "workload_parse.h"
#include "run/keydist.h"
#include "util/parse.h"

#include <errno.h>
#include <string.h>

static const struct argp_option options[] = {
	{"map", 'm', "LIST", 0, "", 0},
	{"threads", 't', "LIST", 0, "", 0},
	{"procs", 'p', "N", 0, "", 0},
	{"mix", 256, "MIX", 0, "", 0},
	{"dist", 257, "DIST", 0, "", 0},
	{"keys", 258, "N", 0, "", 0},
	{"duration", 'd', "TIME", 0, "", 0},
	{"workload", 'w', "NAME", 0, "", 0},
	{"output", 'o', "FILE", 0, "", 0},
	{0, 0, 0, 0, "group", 1},
	{"gctrace", 259, NULL, 0, "", 1},
	{"quiet", 'q', NULL, 0, "", 1},
	{0},
};

static const char *const kinds[] = {"load", "store", "delete", "load_or_store",
				    "load_and_delete", "swap", "cas", "cad", "range", NULL};

struct state {
	unsigned lines;     /* lines in the input */
	unsigned last_line; /* of the previous callback */
	unsigned calls;
};

static int on_line(int key, const char *opt, char *value, unsigned line, void *arg)
{
	struct state *st = arg;
	const struct argp_option *o = options;
	while (o->name == NULL || o->key != key)
		o++;
	FUZZ_CHECK(o->name != NULL && strcmp(opt + 2, o->name) == 0);
	FUZZ_CHECK(strcmp(o->name, "workload") != 0 && strcmp(o->name, "output") != 0);
	FUZZ_CHECK(line > st->last_line && line <= st->lines);
	st->last_line = line;
	st->calls++;
	FUZZ_CHECK((value == NULL) == (o->arg == NULL));
	if (!value)
		return 0;
	size_t n = strlen(value);
	FUZZ_CHECK(n > 0 && n <= MB_WORKLOAD_MAX_LINE);
	FUZZ_CHECK(!strchr(value, '\n') && value[0] != ' ' && value[0] != '\t');
	FUZZ_CHECK(value[n - 1] != ' ' && value[n - 1] != '\t' && value[n - 1] != '\r');
	uint64_t v;
	unsigned mix[9];
	struct mb_keydist d;
	char *items[64];
	size_t nitems;
	switch (key) {
	case 'p':
	case 258:
		if (mb_parse_count(value, 1, 1024, &v) == 0)
			FUZZ_CHECK(v >= 1 && v <= 1024);
		break;
	case 'd':
		if (mb_parse_duration(value, 0, &v) == 0)
			FUZZ_CHECK(v > 0);
		break;
	case 256:
		(void)mb_parse_mix(value, kinds, 9, mix);
		break;
	case 257:
		(void)mb_keydist_parse(value, &d);
		break;
	default:
		if (mb_parse_list(value, items, 64, &nitems) == 0)
			FUZZ_CHECK(nitems >= 1 && nitems <= 64);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	FILE *f = fmemopen((void *)data, size, "r");
	FUZZ_CHECK(f != NULL);
	struct state st = {0};
	/* a last line without a newline counts too */
	st.lines = 1;
	for (size_t i = 0; i + 1 < size; i++)
		st.lines += data[i] == '\n';
	struct mb_workload_error err;
	memset(&err, 0, sizeof err);
	int rc = mb_workload_parse(f, options, on_line, &st, &err);
	fclose(f);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL);
	if (rc) {
		FUZZ_CHECK(err.line >= 1 && err.line <= st.lines && err.line > st.last_line);
		FUZZ_CHECK(err.what[0] != '\0' && err.message[0] != '\0');
	}
	return 0;
}
