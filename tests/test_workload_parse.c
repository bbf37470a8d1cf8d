/* The workload file reader: what it hands on, and every way it refuses a
 * file, with the line and the words of the message. */
#include "check.h"

#include "workload_parse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct seen {
	int n;
	int keys[8];
	unsigned lines[8];
	char values[8][64];
	int stop_at; /* return 7 from this call (1-based), 0 never */
};

static int record(enum mb_opt_id key, const char *opt, char *value, unsigned line, void *arg)
{
	struct seen *s = arg;
	CHECK(opt[0] == '-' && opt[1] == '-', "opt '%s'", opt);
	if (s->n < 8) {
		s->keys[s->n] = key;
		s->lines[s->n] = line;
		snprintf(s->values[s->n], sizeof s->values[0], "%s", value ? value : "(flag)");
	}
	s->n++;
	return s->n == s->stop_at ? 7 : 0;
}

/* Parses text (len bytes, NULs allowed) and returns the code. */
static int parse(const char *text, size_t len, struct seen *s, struct mb_workload_error *err)
{
	FILE *f = fmemopen((void *)text, len, "r");
	CHECK(f != NULL, "fmemopen");
	if (!f)
		return -ENOMEM;
	memset(err, 0, sizeof *err);
	int rc = mb_workload_parse(f, record, s, err);
	fclose(f);
	return rc;
}

static void bad(const char *text, unsigned line, const char *what, const char *words)
{
	struct seen s = {0};
	struct mb_workload_error err;
	int rc = parse(text, strlen(text), &s, &err);
	CHECK(rc == -EINVAL, "'%s': rc %d", text, rc);
	CHECK(err.line == line, "'%s': line %u, want %u", text, err.line, line);
	CHECK(strcmp(err.what, what) == 0, "'%s': what '%s', want '%s'", text, err.what, what);
	CHECK(strstr(err.message, words) != NULL, "'%s': message '%s' lacks '%s'", text,
	      err.message, words);
}

int main(void)
{
	struct seen s = {0};
	struct mb_workload_error err;
	const char *good = "# comment\n"
			   "\n"
			   "  map =  plain,locked \t\r\n"
			   "\tgctrace = true\n"
			   "threads=1,2";
	int rc = parse(good, strlen(good), &s, &err);
	CHECK(rc == 0, "good file: rc %d (%s)", rc, err.message);
	CHECK(s.n == 3, "good file: %d options", s.n);
	CHECK(s.keys[0] == MB_OPTID_MAP && s.lines[0] == 3 && strcmp(s.values[0], "plain,locked") == 0,
	      "line 3: key %d line %u value '%s'", s.keys[0], s.lines[0], s.values[0]);
	CHECK(s.keys[1] == MB_OPTID_GCTRACE && s.lines[1] == 4 && strcmp(s.values[1], "(flag)") == 0,
	      "line 4: key %d line %u value '%s'", s.keys[1], s.lines[1], s.values[1]);
	CHECK(s.keys[2] == MB_OPTID_THREADS && s.lines[2] == 5 && strcmp(s.values[2], "1,2") == 0,
	      "line 5: key %d line %u value '%s'", s.keys[2], s.lines[2], s.values[2]);

	/* An empty file and one of comments only are fine. */
	memset(&s, 0, sizeof s);
	CHECK(parse("", 0, &s, &err) == 0 && s.n == 0, "empty file");
	CHECK(parse("#a\n#b\n", 6, &s, &err) == 0 && s.n == 0, "comments only");

	/* The callback's code stops the parse and comes back as is. */
	memset(&s, 0, sizeof s);
	s.stop_at = 1;
	rc = parse("map = a\nthreads = 1\n", 20, &s, &err);
	CHECK(rc == 7 && s.n == 1, "callback stop: rc %d after %d", rc, s.n);

	bad("map plain\n", 1, "line", "expected 'option = value', got 'map plain'");
	bad("# x\nflavour = vanilla\n", 2, "line", "unknown option 'flavour'");
	bad("output = r.json\n", 1, "line", "unknown option 'output'");
	bad("workload = mixed\n", 1, "line", "unknown option 'workload'");
	bad("gctrace = yes\n", 1, "--gctrace", "a flag: expected 'true', got 'yes'");
	bad("gctrace =\n", 1, "--gctrace", "a flag: expected 'true', got ''");
	bad("map =   \n", 1, "--map", "expected a value");
	bad("= plain\n", 1, "line", "unknown option ''");
	bad("--map = plain\n", 1, "line", "unknown option '--map'");
	bad("m = plain\n", 1, "line", "unknown option 'm'");

	/* Every option a file may set is known by its long name, and the
	 * others are refused (the table's MB_OPTF_NOFILE). */
	for (size_t i = 0; i < MB_OPTID_N; i++) {
		const struct mb_option *o = mb_options_at((enum mb_opt_id)i);
		char line[128];
		snprintf(line, sizeof line, "%s = %s\n", o->name, o->arg ? "x" : "true");
		memset(&s, 0, sizeof s);
		rc = parse(line, strlen(line), &s, &err);
		if (o->flags & MB_OPTF_NOFILE)
			CHECK(rc == -EINVAL && strstr(err.message, "unknown option"), "%s refused", o->name);
		else
			CHECK(rc == 0 && s.n == 1 && s.keys[0] == (int)i, "%s: rc %d", o->name, rc);
	}

	/* A file of endless short lines stops at the line limit (a link to
	 * /dev/zero is refused before this by run, a long file here). */
	size_t big = (MB_WORKLOAD_MAX_LINES + 5) * 2;
	char *many = malloc(big);
	for (size_t i = 0; i < big; i += 2) {
		many[i] = '#';
		many[i + 1] = '\n';
	}
	memset(&s, 0, sizeof s);
	rc = parse(many, big, &s, &err);
	CHECK(rc == -EINVAL && err.line == MB_WORKLOAD_MAX_LINES + 1 && strstr(err.message, "lines"),
	      "too many lines: rc %d line %u '%s'", rc, err.line, err.message);
	free(many);

	/* The longest line passes, one more character does not. */
	char *longest = malloc(MB_WORKLOAD_MAX_LINE + 3);
	memset(longest, '#', MB_WORKLOAD_MAX_LINE + 1);
	longest[MB_WORKLOAD_MAX_LINE] = '\n';
	longest[MB_WORKLOAD_MAX_LINE + 1] = '\0';
	CHECK(parse(longest, strlen(longest), &s, &err) == 0, "a line of %d characters",
	      MB_WORKLOAD_MAX_LINE);
	longest[MB_WORKLOAD_MAX_LINE] = '#';
	longest[MB_WORKLOAD_MAX_LINE + 1] = '\n';
	longest[MB_WORKLOAD_MAX_LINE + 2] = '\0';
	bad(longest, 1, "line", "longer than 1022 characters");
	free(longest);

	/* A NUL byte is not a short line. */
	memset(&s, 0, sizeof s);
	rc = parse("map = a\nthreads = 1\0x\n", 22, &s, &err);
	CHECK(rc == -EINVAL && err.line == 2 && strstr(err.message, "NUL"),
	      "NUL byte: rc %d line %u '%s'", rc, err.line, err.message);
	CHECK(s.n == 1, "NUL byte: %d lines applied before it", s.n);

	/* A read error (a write-only stream) is not a bad line. */
	FILE *w = fopen("/dev/null", "w");
	CHECK(w != NULL, "open /dev/null");
	if (w) {
		memset(&err, 0, sizeof err);
		rc = mb_workload_parse(w, record, &s, &err);
		CHECK(rc < 0 && rc != -EINVAL && err.line == 0, "read error: rc %d line %u", rc,
		      err.line);
		fclose(w);
	}
	/* err may be NULL. */
	FILE *f = fmemopen((void *)"nonsense\n", 9, "r");
	CHECK(mb_workload_parse(f, record, &s, NULL) == -EINVAL, "err NULL");
	fclose(f);
	CHECK_DONE();
}
