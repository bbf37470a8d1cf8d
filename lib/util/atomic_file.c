#include "util/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The directory part of path, in a buffer the caller frees. */
static char *dir_of(const char *path)
{
	char *copy = strdup(path);
	if (!copy)
		return NULL;
	char *d = strdup(dirname(copy));
	free(copy);
	return d;
}

/* /dev/stdout, /dev/fd/N and the like name an open file of the caller's
 * (or a device): write to it, never rename anything there. */
static bool is_dev_path(const char *path)
{
	return strncmp(path, "/dev/", 5) == 0;
}

int mb_atomic_check(const char *path)
{
	if (!*path)
		return -ENOENT;
	struct stat st;
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return -EISDIR;
		/* a device or a pipe (-o /dev/stdout) is written in place */
		if (!S_ISREG(st.st_mode) || is_dev_path(path))
			return access(path, W_OK) == 0 ? 0 : -errno;
	}
	char *real = realpath(path, NULL);
	char *dir = dir_of(real ? real : path);
	free(real);
	if (!dir)
		return -ENOMEM;
	int rc = 0;
	if (stat(dir, &st) != 0)
		rc = -errno;
	else if (!S_ISDIR(st.st_mode))
		rc = -ENOTDIR;
	else if (access(dir, W_OK | X_OK) != 0)
		rc = -errno;
	free(dir);
	return rc;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A device or a pipe cannot be replaced, and must not be: write in place.
 * O_APPEND: /dev/stdout redirected to a file must not overwrite what the
 * process already wrote there. */
static int write_in_place(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int rc = write_all(fd, data, len);
	if (close(fd) != 0 && !rc)
		rc = -errno;
	return rc;
}

int mb_atomic_write(const char *path, const char *data, size_t len)
{
	struct stat st;
	if (stat(path, &st) == 0 && (!S_ISREG(st.st_mode) || is_dev_path(path)))
		return S_ISDIR(st.st_mode) ? -EISDIR : write_in_place(path, data, len);
	/* Through a symlink, replace the file it names, not the link. */
	char *real = realpath(path, NULL);
	const char *target = real ? real : path;
	size_t plen = strlen(target);
	char *tmp = malloc(plen + sizeof ".tmp.XXXXXX");
	if (!tmp) {
		free(real);
		return -ENOMEM;
	}
	memcpy(tmp, target, plen);
	memcpy(tmp + plen, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");
	int fd = mkstemp(tmp);
	if (fd < 0) {
		int rc = -errno;
		free(tmp);
		free(real);
		return rc;
	}
	/* mkstemp makes the file 0600; a result file is an ordinary file. */
	mode_t mask = umask(0);
	umask(mask);
	int rc = 0;
	if (fchmod(fd, 0666 & ~mask) != 0)
		rc = -errno;
	if (!rc)
		rc = write_all(fd, data, len);
	if (!rc && fsync(fd) != 0)
		rc = -errno;
	if (close(fd) != 0 && !rc)
		rc = -errno;
	if (!rc && rename(tmp, target) != 0)
		rc = -errno;
	if (rc)
		unlink(tmp);
	free(tmp);
	free(real);
	return rc;
}
