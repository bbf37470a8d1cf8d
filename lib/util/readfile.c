/* Bounded whole-file reads: see readfile.h. */
#include "util/readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What may be read whole: a regular file or a pipe; stdin is whatever the
 * caller's shell made it (a terminal included) and only bounded. */
static int check_kind(const struct stat *st, bool is_stdin)
{
	if (S_ISDIR(st->st_mode))
		return -EISDIR;
	if (is_stdin || S_ISREG(st->st_mode) || S_ISFIFO(st->st_mode))
		return 0;
	return -ENODEV;
}

int mb_readfile(const char *path, size_t max, char **text, size_t *len)
{
	*text = NULL;
	*len = 0;
	bool is_stdin = strcmp(path, "-") == 0;
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat st;
	int rc = fstat(fd, &st) == 0 ? check_kind(&st, is_stdin) : -errno;
	if (!rc && S_ISREG(st.st_mode) && (uintmax_t)st.st_size > max)
		rc = -EFBIG;
	/* A regular file's size is the first guess; a pipe grows from 64 KiB. */
	size_t cap = S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t)st.st_size + 1 : 65536;
	if (cap > max + 1)
		cap = max + 1;
	char *buf = rc ? NULL : malloc(cap + 1);
	if (!rc && !buf)
		rc = -ENOMEM;
	size_t n = 0;
	while (!rc) {
		if (n == cap) {
			if (cap > max) { /* read one byte beyond max: too large */
				rc = -EFBIG;
				break;
			}
			size_t ncap = cap > max / 2 ? max + 1 : cap * 2;
			char *nb = realloc(buf, ncap + 1);
			if (!nb) {
				rc = -ENOMEM;
				break;
			}
			buf = nb;
			cap = ncap;
		}
		ssize_t got = read(fd, buf + n, cap - n);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
		} else if (got == 0) {
			break;
		} else {
			n += (size_t)got;
		}
	}
	if (!rc && n > max)
		rc = -EFBIG;
	if (!is_stdin)
		close(fd);
	if (rc) {
		free(buf);
		return rc;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

const char *mb_readfile_strerror(int rc, size_t max, char *buf, size_t n)
{
	if (rc == -ENODEV)
		snprintf(buf, n, "a device or socket, not a file");
	else if (rc == -EFBIG && max >= (size_t)1 << 20)
		snprintf(buf, n, "larger than %zu MiB, the most mapbench reads", max >> 20);
	else if (rc == -EFBIG)
		snprintf(buf, n, "larger than %zu bytes, the most mapbench reads", max);
	else
		snprintf(buf, n, "%s", strerror(-rc));
	return buf;
}

FILE *mb_fopen_regular(int dirfd, const char *path)
{
	int fd = openat(dirfd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
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
	if (!f) {
		int e = errno;
		close(fd);
		errno = e;
	}
	return f;
}
