/* The workload file reader on any bytes: no crash, no read past the end,
 * every line it hands on well formed (a known option, a trimmed non-empty
 * value or a flag, line numbers rising within the file), every refusal
 * naming a line of the file and saying something; the values then go
 * through the option parsers, as run's callback would send them. */
#include "fuzz.h"

#include "workload_parse.h"
#include "run/options.h"

#include <errno.h>
#include <string.h>

struct state {
	unsigned lines;     /* lines in the input */
	unsigned last_line; /* of the previous callback */
	unsigned calls;
	struct mb_sweep sw; /* where run's own parsers put the values */
};

static int on_line(enum mb_opt_id id, const char *opt, char *value, unsigned line, void *arg)
{
	struct state *st = arg;
	const struct mb_option *o = mb_options_at(id);
	FUZZ_CHECK(o != NULL && strcmp(opt + 2, o->name) == 0);
	FUZZ_CHECK(!(o->flags & MB_OPTF_NOFILE));
	FUZZ_CHECK(line > st->last_line && line <= st->lines);
	st->last_line = line;
	st->calls++;
	FUZZ_CHECK((value == NULL) == (o->arg == NULL));
	if (value) {
		size_t n = strlen(value);
		FUZZ_CHECK(n > 0 && n <= MB_WORKLOAD_MAX_LINE);
		FUZZ_CHECK(!strchr(value, '\n') && value[0] != ' ' && value[0] != '\t');
		FUZZ_CHECK(value[n - 1] != ' ' && value[n - 1] != '\t' && value[n - 1] != '\r');
	}
	struct mb_opt_error e = {{0}, {0}};
	int rc = mb_options_set(&st->sw, id, value, MB_OPTSRC_FILE, &e);
	FUZZ_CHECK(rc == 0 || ((rc == -EINVAL || rc == -ERANGE) && e.what[0] && e.message[0]));
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	FILE *f = fmemopen((void *)data, size, "r");
	FUZZ_CHECK(f != NULL);
	struct state st;
	memset(&st, 0, sizeof st);
	FUZZ_CHECK(mb_options_defaults(&st.sw) == 0);
	/* a last line without a newline counts too */
	st.lines = 1;
	for (size_t i = 0; i + 1 < size; i++)
		st.lines += data[i] == '\n';
	struct mb_workload_error err;
	memset(&err, 0, sizeof err);
	int rc = mb_workload_parse(f, on_line, &st, &err);
	fclose(f);
	mb_options_free(&st.sw);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL);
	if (rc) {
		FUZZ_CHECK(err.line >= 1 && err.line <= st.lines && err.line > st.last_line);
		FUZZ_CHECK(err.what[0] != '\0' && err.message[0] != '\0');
	}
	return 0;
}
