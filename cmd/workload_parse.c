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

/* argp's end of table: every field that names an entry is zero. */
static bool is_end(const struct argp_option *o)
{
	return !o->name && !o->key && !o->doc && !o->group;
}

static const struct argp_option *find_option(const struct argp_option *options,
					     const char *name)
{
	for (const struct argp_option *o = options; !is_end(o); o++)
		if (o->name && strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

/* One line's work; buf holds the line without its newline. */
static int parse_line(char *buf, unsigned lineno, const struct argp_option *options,
		      mb_workload_line_fn fn, void *arg, struct mb_workload_error *err)
{
	char *s = mb_workload_trim(buf);
	if (*s == '#' || *s == '\0')
		return 0;
	char *eq = strchr(s, '=');
	if (!eq)
		return refuse(err, lineno, "line", "expected 'option = value', got '%s'", s);
	*eq = '\0';
	char *key = mb_workload_trim(s), *value = mb_workload_trim(eq + 1);
	const struct argp_option *o = find_option(options, key);
	if (!o || strcmp(key, "workload") == 0 || strcmp(key, "output") == 0)
		return refuse(err, lineno, "line",
			      "unknown option '%s' (use run's long option names)", key);
	char opt[80];
	snprintf(opt, sizeof opt, "--%s", key);
	if (!o->arg) {
		if (strcmp(value, "true") != 0)
			return refuse(err, lineno, opt, "a flag: expected 'true', got '%s'",
				      value);
		return fn(o->key, opt, NULL, lineno, arg);
	}
	if (!*value)
		return refuse(err, lineno, opt, "expected a value");
	return fn(o->key, opt, value, lineno, arg);
}

int mb_workload_parse(FILE *f, const struct argp_option *options, mb_workload_line_fn fn,
		      void *arg, struct mb_workload_error *err)
{
	char *buf = NULL;
	size_t cap = 0;
	int rc = 0;
	unsigned lineno = 0;
	ssize_t n;
	errno = 0;
	while ((n = getline(&buf, &cap, f)) >= 0) {
		lineno++;
		size_t len = (size_t)n;
		if (len > 0 && buf[len - 1] == '\n')
			buf[--len] = '\0';
		if (len > MB_WORKLOAD_MAX_LINE) {
			rc = refuse(err, lineno, "line", "longer than %d characters",
				    MB_WORKLOAD_MAX_LINE);
			break;
		}
		if (memchr(buf, '\0', len)) {
			rc = refuse(err, lineno, "line", "holds a NUL byte: not a text file");
			break;
		}
		rc = parse_line(buf, lineno, options, fn, arg, err);
		if (rc)
			break;
		errno = 0;
	}
	/* getline's -1 is the end of the file, or a read or memory error */
	if (n < 0 && (ferror(f) || !feof(f))) {
		rc = errno ? -errno : -EIO;
		if (err) {
			err->line = 0;
			snprintf(err->what, sizeof err->what, "--workload");
			snprintf(err->message, sizeof err->message, "%s", strerror(-rc));
		}
	}
	free(buf);
	return rc;
}
