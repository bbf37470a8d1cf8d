/* Workload files, line by line: form and option names checked here, values
 * by the callback.  No printing, no exit: see workload_parse.h. */
#include "workload_parse.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

char *mb_workload_trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' ||
			 s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

static int refuse(struct mb_workload_error *err, unsigned line, const char *what,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int refuse(struct mb_workload_error *err, unsigned line, const char *what,
		  const char *fmt, ...)
{
	if (err) {
		err->line = line;
		snprintf(err->what, sizeof err->what, "%s", what);
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->message, sizeof err->message, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* One line's work; buf holds the line without its newline. */
static int parse_line(char *buf, unsigned lineno, mb_workload_line_fn fn, void *arg,
		      struct mb_workload_error *err)
{
	char *s = mb_workload_trim(buf);
	if (*s == '#' || *s == '\0')
		return 0;
	char *eq = strchr(s, '=');
	if (!eq)
		return refuse(err, lineno, "line", "expected 'option = value', got '%s'", s);
	*eq = '\0';
	char *key = mb_workload_trim(s), *value = mb_workload_trim(eq + 1);
	const struct mb_option *o = mb_options_find(key);
	if (!o || (o->flags & MB_OPTF_NOFILE))
		return refuse(err, lineno, "line",
			      "unknown option '%s' (use run's long option names)", key);
	char opt[80];
	snprintf(opt, sizeof opt, "--%s", key);
	if (!o->arg) {
		if (strcmp(value, "true") != 0)
			return refuse(err, lineno, opt, "a flag: expected 'true', got '%s'",
				      value);
		return fn((enum mb_opt_id)(o - mb_options_at(0)), opt, NULL, lineno, arg);
	}
	if (!*value)
		return refuse(err, lineno, opt, "expected a value");
	return fn((enum mb_opt_id)(o - mb_options_at(0)), opt, value, lineno, arg);
}

/* Reads one line of at most max characters (without its newline) into buf
 * (max + 2 bytes): 1 a line, 0 the end of the file, -E2BIG a longer line,
 * -errno a read error.  *len is the line's length; a NUL byte stays in. */
static int read_line(FILE *f, char *buf, size_t max, size_t *len)
{
	size_t n = 0;
	int c;
	while ((c = getc(f)) != EOF && c != '\n') {
		if (n == max)
			return -E2BIG;
		buf[n++] = (char)c;
	}
	buf[n] = '\0';
	*len = n;
	if (c == EOF && ferror(f))
		return errno ? -errno : -EIO;
	return c == EOF && n == 0 ? 0 : 1;
}

int mb_workload_parse(FILE *f, mb_workload_line_fn fn, void *arg, struct mb_workload_error *err)
{
	char buf[MB_WORKLOAD_MAX_LINE + 2];
	unsigned lineno = 0;
	size_t len;
	int rc;
	errno = 0;
	while ((rc = read_line(f, buf, MB_WORKLOAD_MAX_LINE, &len)) == 1) {
		if (++lineno > MB_WORKLOAD_MAX_LINES)
			return refuse(err, lineno, "line", "more than %d lines: not a workload file",
				      MB_WORKLOAD_MAX_LINES);
		if (memchr(buf, '\0', len))
			return refuse(err, lineno, "line", "holds a NUL byte: not a text file");
		rc = parse_line(buf, lineno, fn, arg, err);
		if (rc)
			return rc;
		errno = 0;
	}
	if (rc == -E2BIG)
		return refuse(err, lineno + 1, "line", "longer than %d characters",
			      MB_WORKLOAD_MAX_LINE);
	if (rc < 0 && err) {
		err->line = 0;
		snprintf(err->what, sizeof err->what, "--workload");
		snprintf(err->message, sizeof err->message, "%s", strerror(-rc));
	}
	return rc;
}
