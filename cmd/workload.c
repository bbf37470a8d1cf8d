/* Workload files: `key = value` lines with run's long option names, `#`
 * comments.  A file and the command line mean exactly the same thing: each
 * line goes through run's own option parser, before the command line's
 * options, so those override the file. */
#include "commands.h"
#include "workload.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Trims blanks at both ends, in place. */
static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' ||
			 s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/* NAME (a shipped workload) or PATH (contains a slash or ends in .conf). */
static FILE *open_workload(const char *name, char *path, size_t size)
{
	if (strchr(name, '/') || strstr(name, ".conf")) {
		snprintf(path, size, "%s", name);
		return fopen(path, "r");
	}
	for (const char *const *d = mb_cmd_workload_dirs(); *d; d++) {
		snprintf(path, size, "%s/%s.conf", *d, name);
		FILE *f = fopen(path, "r");
		if (f)
			return f;
	}
	snprintf(path, size, "%s", name);
	errno = ENOENT;
	return NULL;
}

void mb_workload_apply(const char *name, const struct argp_option *options,
		       void (*apply)(int key, const char *opt, char *value, void *arg), void *arg)
{
	char path[4096];
	FILE *f = open_workload(name, path, sizeof path);
	if (!f)
		mb_cmd_usage_error("--workload", "cannot read workload '%s': %s (see mapbench list workloads)",
				   name, strerror(errno));
	char line[1024], where[4200];
	for (unsigned lineno = 1; fgets(line, sizeof line, f); lineno++) {
		snprintf(where, sizeof where, "%s:%u", path, lineno);
		if (!strchr(line, '\n') && !feof(f)) {
			mb_cmd_location = where;
			mb_cmd_usage_error("line", "longer than %zu characters", sizeof line - 2);
		}
		char *s = trim(line);
		if (*s == '#' || *s == '\0')
			continue;
		mb_cmd_location = where;
		char *eq = strchr(s, '=');
		if (!eq)
			mb_cmd_usage_error("line", "expected 'option = value', got '%s'", s);
		*eq = '\0';
		char *key = trim(s), *value = trim(eq + 1);
		const struct argp_option *o = options;
		while (o->name && strcmp(o->name, key) != 0)
			o++;
		if (!o->name || strcmp(key, "workload") == 0 || strcmp(key, "output") == 0)
			mb_cmd_usage_error("line", "unknown option '%s' (use run's long option names)", key);
		char opt[80];
		snprintf(opt, sizeof opt, "--%s", key);
		if (!o->arg) {
			if (strcmp(value, "true") != 0)
				mb_cmd_usage_error(opt, "a flag: expected 'true', got '%s'", value);
			apply(o->key, opt, NULL, arg);
		} else {
			if (!*value)
				mb_cmd_usage_error(opt, "expected a value");
			apply(o->key, opt, value, arg);
		}
		mb_cmd_location = NULL;
	}
	fclose(f);
}

/* The first line of a shipped workload, without its '#'. */
static void describe(const char *path, char *out, size_t size)
{
	FILE *f = fopen(path, "r");
	out[0] = '\0';
	if (!f)
		return;
	char line[512];
	if (fgets(line, sizeof line, f) && line[0] == '#')
		snprintf(out, size, "%s", trim(line + 1));
	fclose(f);
}

int mb_workload_list(void)
{
	const char *const *dirs = mb_cmd_workload_dirs();
	printf("%-16s %s\n", "workload", "what it runs");
	for (const char *const *d = dirs; *d; d++) {
		struct dirent **names = NULL;
		int n = scandir(*d, &names, NULL, alphasort);
		for (int i = 0; i < n; i++) {
			size_t len = strlen(names[i]->d_name);
			if (len > 5 && strcmp(names[i]->d_name + len - 5, ".conf") == 0) {
				char path[4096], desc[512];
				snprintf(path, sizeof path, "%s/%s", *d, names[i]->d_name);
				describe(path, desc, sizeof desc);
				printf("%-16.*s %s\n", (int)(len - 5), names[i]->d_name, desc);
			}
			free(names[i]);
		}
		free(names);
		if (n > 0)
			return MB_EXIT_OK; /* the first folder that has them */
	}
	return MB_EXIT_OK;
}
