/* Workload files: `key = value` lines with run's long option names, `#`
 * comments.  A file and the command line mean exactly the same thing: each
 * line goes through run's own option parser, before the command line's
 * options, so those override the file. */
#include "commands.h"
#include "workload.h"
#include "workload_parse.h"

#include "util/readfile.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static FILE *open_file(const char *path)
{
	return mb_fopen_regular(AT_FDCWD, path);
}

/* strerror, with EINVAL from open_file said as what it means. */
static const char *open_error(int e)
{
	return e == EINVAL ? "not a regular file" : strerror(e);
}

/* NAME (a shipped workload) or PATH (contains a slash or ends in .conf). */
static FILE *open_workload(const char *name, char *path, size_t size)
{
	if (strchr(name, '/') || strstr(name, ".conf")) {
		snprintf(path, size, "%s", name);
		return open_file(path);
	}
	for (const char *const *d = mb_cmd_workload_dirs(); *d; d++) {
		snprintf(path, size, "%s/%s.conf", *d, name);
		FILE *f = open_file(path);
		if (f || errno != ENOENT)
			return f;
	}
	snprintf(path, size, "%s", name);
	errno = ENOENT;
	return NULL;
}

struct apply_ctx {
	const char *path;
	mb_workload_apply_fn apply;
	void *arg;
};

/* Run's parser exits on a bad value: FILE:LINE goes in front of its
 * message. */
static int apply_line(enum mb_opt_id id, const char *opt, char *value, unsigned line, void *arg)
{
	struct apply_ctx *c = arg;
	char where[4200];
	snprintf(where, sizeof where, "%s:%u", c->path, line);
	mb_cmd_location = where;
	c->apply(id, opt, value, c->arg);
	mb_cmd_location = NULL;
	return 0;
}

void mb_workload_apply(const char *name, mb_workload_apply_fn apply, void *arg)
{
	char path[4096];
	FILE *f = open_workload(name, path, sizeof path);
	if (!f)
		mb_cmd_usage_error("--workload", "cannot read workload '%s': %s (see mapbench list workloads)",
				   name, open_error(errno));
	struct apply_ctx ctx = {path, apply, arg};
	struct mb_workload_error err = {0};
	int rc = mb_workload_parse(f, apply_line, &ctx, &err);
	fclose(f);
	if (rc && err.line) {
		char where[4200];
		snprintf(where, sizeof where, "%s:%u", path, err.line);
		mb_cmd_location = where;
		mb_cmd_usage_error(err.what, "%s", err.message);
	}
	if (rc)
		mb_cmd_usage_error("--workload", "cannot read workload '%s': %s", name,
				   strerror(-rc));
}
