/* Workload files: `key = value` lines with run's long option names, `#`
 * comments.  A file and the command line mean exactly the same thing: each
 * line goes through run's own option parser, before the command line's
 * options, so those override the file. */
#include "commands.h"
#include "workload.h"
#include "workload_parse.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* Opens a regular file for reading, or NULL with errno set: a directory
 * (EISDIR), and a FIFO, device or link to one (EINVAL: /dev/zero never
 * ends, a FIFO without a writer never answers) are refused before the
 * first read.  O_NONBLOCK keeps the open of a FIFO from waiting. */
static FILE *open_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		int e = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		close(fd);
		errno = e;
		return NULL;
	}
	int flags = fcntl(fd, F_GETFL);
	if (flags >= 0)
		fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	FILE *f = fdopen(fd, "r");
	if (!f)
		close(fd);
	return f;
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

/* The first line of a shipped workload, without its '#'. */
static void describe(const char *path, char *out, size_t size)
{
	FILE *f = open_file(path);
	out[0] = '\0';
	if (!f)
		return;
	char line[512];
	if (fgets(line, sizeof line, f) && line[0] == '#')
		snprintf(out, size, "%s", mb_workload_trim(line + 1));
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
