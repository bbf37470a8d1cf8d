/* Whole-file writes that readers see complete or not at all: see
 * atomic_file.h. */
#include "util/atomic_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Symlink hops followed before giving up, as the kernel's MAXSYMLINKS. */
#define MAX_HOPS 40

struct mb_atomic_file {
	char *target; /* the file written: path with its symlinks resolved */
	int fd;       /* a target written in place, or -1 */
	bool committed;
};

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

static char *base_of(const char *path)
{
	char *copy = strdup(path);
	if (!copy)
		return NULL;
	char *b = strdup(basename(copy));
	free(copy);
	return b;
}

/* /dev/stdout, /dev/fd/N, /proc/self/fd/N name an open file of the caller:
 * the kernel follows them (to a pipe, a terminal, a file), they are written
 * in place and never resolved here. */
static bool names_open_file(const char *path)
{
	return strcmp(path, "/dev/stdout") == 0 || strcmp(path, "/dev/stderr") == 0 ||
	       strncmp(path, "/dev/fd/", 8) == 0 || strncmp(path, "/proc/", 6) == 0;
}

/* fs.protected_symlinks: a link in a sticky world-writable directory is
 * followed only by its owner or when the directory's owner owns it. */
static bool link_is_protected(const char *link, const struct stat *lst)
{
	char *dir = dir_of(link);
	struct stat dst;
	bool refuse = false;
	if (dir && stat(dir, &dst) == 0 &&
	    (dst.st_mode & (S_ISVTX | S_IWOTH)) == (S_ISVTX | S_IWOTH) &&
	    lst->st_uid != geteuid() && lst->st_uid != dst.st_uid)
		refuse = true;
	free(dir);
	return refuse;
}

/* The path one symlink hop from link: its target, relative to the link's
 * directory unless absolute.  NULL with errno set on failure. */
static char *follow(const char *link, const struct stat *lst)
{
	size_t cap = lst->st_size > 0 ? (size_t)lst->st_size + 1 : PATH_MAX;
	char *to = malloc(cap);
	if (!to)
		return NULL;
	ssize_t n = readlink(link, to, cap);
	if (n < 0 || (size_t)n >= cap) { /* changed under us: give up */
		if (n >= 0)
			errno = ELOOP;
		free(to);
		return NULL;
	}
	to[n] = '\0';
	if (to[0] == '/')
		return to;
	char *dir = dir_of(link);
	char *next = dir ? malloc(strlen(dir) + 1 + (size_t)n + 1) : NULL;
	if (next)
		sprintf(next, "%s/%s", dir, to);
	else
		errno = ENOMEM;
	free(dir);
	free(to);
	return next;
}

/* Resolves path's trailing symlinks one hop at a time into *target (the
 * caller frees it); *exists and *st describe it.  Returns 0 or a negative
 * errno (-EPERM for a protected link). */
static int resolve(const char *path, char **target, bool *exists, struct stat *st)
{
	char *cur = strdup(path);
	if (!cur)
		return -ENOMEM;
	for (int hops = 0;; hops++) {
		if (names_open_file(cur)) {
			*exists = stat(cur, st) == 0;
			if (!*exists && errno != ENOENT) {
				int rc = -errno;
				free(cur);
				return rc;
			}
			*target = cur;
			return 0;
		}
		struct stat lst;
		if (lstat(cur, &lst) != 0) {
			int rc = -errno;
			if (rc == -ENOENT) { /* a new file (or a missing folder: see check_target) */
				*exists = false;
				*target = cur;
				return 0;
			}
			free(cur);
			return rc;
		}
		if (!S_ISLNK(lst.st_mode)) {
			*exists = true;
			*st = lst;
			*target = cur;
			return 0;
		}
		int rc = 0;
		if (hops == MAX_HOPS)
			rc = -ELOOP;
		else if (link_is_protected(cur, &lst))
			rc = -EPERM;
		char *next = rc ? NULL : follow(cur, &lst);
		if (!rc && !next)
			rc = -errno;
		free(cur);
		if (rc)
			return rc;
		cur = next;
	}
}

static bool in_place(const char *target, bool exists, const struct stat *st)
{
	return exists && (!S_ISREG(st->st_mode) || names_open_file(target));
}

/* The checks of mb_atomic_check on a resolved target. */
static int check_target(const char *target, bool exists, const struct stat *st)
{
	if (!*target)
		return -ENOENT;
	if (exists && S_ISDIR(st->st_mode))
		return -EISDIR;
	if (in_place(target, exists, st))
		return access(target, W_OK) == 0 ? 0 : -errno;
	char *dir = dir_of(target);
	if (!dir)
		return -ENOMEM;
	struct stat dst;
	int rc = 0;
	if (stat(dir, &dst) != 0)
		rc = -errno;
	else if (!S_ISDIR(dst.st_mode))
		rc = -ENOTDIR;
	else if (access(dir, W_OK | X_OK) != 0)
		rc = -errno;
	free(dir);
	return rc;
}

int mb_atomic_check(const char *path)
{
	if (!*path)
		return -ENOENT;
	char *target;
	bool exists;
	struct stat st;
	int rc = resolve(path, &target, &exists, &st);
	if (rc)
		return rc;
	rc = check_target(target, exists, &st);
	free(target);
	return rc;
}

int mb_atomic_open(const char *path, struct mb_atomic_file **out)
{
	*out = NULL;
	if (!*path)
		return -ENOENT;
	struct mb_atomic_file *f = calloc(1, sizeof *f);
	if (!f)
		return -ENOMEM;
	f->fd = -1;
	bool exists;
	struct stat st;
	int rc = resolve(path, &f->target, &exists, &st);
	if (!rc)
		rc = check_target(f->target, exists, &st);
	if (!rc && in_place(f->target, exists, &st)) {
		/* O_NONBLOCK: a FIFO without a reader fails with ENXIO now
		 * instead of blocking; then the writes block as usual.
		 * O_APPEND: /dev/stdout redirected to a file must not
		 * overwrite what the process already wrote there. */
		f->fd = open(f->target, O_WRONLY | O_APPEND | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (f->fd < 0) {
			rc = -errno;
		} else {
			int fl = fcntl(f->fd, F_GETFL);
			if (fl < 0 || fcntl(f->fd, F_SETFL, fl & ~O_NONBLOCK) != 0)
				rc = -errno;
		}
	}
	if (rc) {
		mb_atomic_close(f);
		return rc;
	}
	*out = f;
	return 0;
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

/* This host's name as it goes into a temporary file's name: no '.' or '/'
 * (the name is parsed from its end), at most 32 characters. */
static void host_tag(char *buf, size_t n)
{
	char host[256] = "";
	if (gethostname(host, sizeof host - 1) != 0 || !*host)
		strcpy(host, "localhost");
	size_t i = 0;
	for (; host[i] && i + 1 < n && i < 32; i++)
		buf[i] = host[i] == '.' || host[i] == '/' ? '_' : host[i];
	buf[i] = '\0';
}

/* "PID.XXXXXX" (mkstemp's six characters) -> PID, or 0 when rest is not
 * of that form. */
static pid_t stale_pid(const char *rest)
{
	char *end;
	if (*rest < '1' || *rest > '9')
		return 0;
	unsigned long long pid = strtoull(rest, &end, 10);
	if (*end != '.' || strlen(end + 1) != 6 || pid > INT_MAX)
		return 0;
	return (pid_t)pid;
}

/* The part of the target's name a temporary file's name starts with: all
 * of it, or as much as fits in NAME_MAX beside ".tmp." HOST "." PID
 * ".XXXXXX" (a PID has at most 10 digits). */
static int stem_len(const char *base, const char *host)
{
	size_t room = NAME_MAX - (5 + strlen(host) + 1 + 10 + 7);
	size_t len = strlen(base);
	return (int)(len < room ? len : room);
}

/* Removes the temporary files of earlier writes to target that were killed
 * before their rename: this host's, this user's, of processes that are
 * gone.  A process that still runs (or a PID reused since) keeps its file. */
static void remove_stale(const char *dir, const char *base, const char *host)
{
	char prefix[NAME_MAX + 64];
	int plen = snprintf(prefix, sizeof prefix, "%.*s.tmp.%s.", stem_len(base, host), base, host);
	if (plen < 0 || (size_t)plen >= sizeof prefix)
		return;
	DIR *d = opendir(dir);
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d));) {
		if (strncmp(e->d_name, prefix, (size_t)plen) != 0)
			continue;
		pid_t pid = stale_pid(e->d_name + plen);
		if (!pid || pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		struct stat st;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode) && st.st_uid == geteuid())
			unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
}

/* The temporary file's owner, group and mode: an existing target's (the
 * owner and group where this user may set them; the set-id bits only when
 * both were kept), else a new file's 0666 less the umask. */
static int set_mode(int fd, const char *target)
{
	struct stat st;
	if (lstat(target, &st) != 0 || !S_ISREG(st.st_mode)) {
		mode_t mask = umask(0);
		umask(mask);
		return fchmod(fd, 0666 & ~mask) == 0 ? 0 : -errno;
	}
	bool kept = true;
	if (st.st_uid != geteuid() || st.st_gid != getegid()) {
		if (fchown(fd, st.st_uid, st.st_gid) != 0) {
			kept = false;
			(void)!fchown(fd, (uid_t)-1, st.st_gid); /* the group alone, if ours */
		}
	}
	return fchmod(fd, st.st_mode & (kept ? 07777 : 0777)) == 0 ? 0 : -errno;
}

/* The new file's name in its directory, made durable (best effort: some
 * file systems cannot fsync a directory). */
static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

static int replace(const char *target, const char *data, size_t len)
{
	char host[40];
	host_tag(host, sizeof host);
	char *dir = dir_of(target), *base = base_of(target);
	size_t tlen = strlen(target) + strlen(host) + 48;
	char *tmp = malloc(tlen);
	if (!dir || !base || !tmp) {
		free(dir);
		free(base);
		free(tmp);
		return -ENOMEM;
	}
	remove_stale(dir, base, host);
	snprintf(tmp, tlen, "%s/%.*s.tmp.%s.%ld.XXXXXX", dir, stem_len(base, host), base, host,
		 (long)getpid());
	int rc = 0;
	int fd = mkstemp(tmp);
	if (fd < 0) {
		rc = -errno;
		goto out;
	}
	rc = set_mode(fd, target);
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
	else
		sync_dir(dir);
out:
	free(tmp);
	free(dir);
	free(base);
	return rc;
}

int mb_atomic_commit(struct mb_atomic_file *f, const char *data, size_t len)
{
	if (f->committed)
		return -EINVAL;
	f->committed = true;
	if (f->fd >= 0)
		return write_all(f->fd, data, len);
	return replace(f->target, data, len);
}

int mb_atomic_close(struct mb_atomic_file *f)
{
	if (!f)
		return 0;
	int rc = 0;
	if (f->fd >= 0 && close(f->fd) != 0)
		rc = -errno;
	free(f->target);
	free(f);
	return rc;
}

int mb_atomic_write(const char *path, const char *data, size_t len)
{
	struct mb_atomic_file *f;
	int rc = mb_atomic_open(path, &f);
	if (rc)
		return rc;
	rc = mb_atomic_commit(f, data, len);
	int crc = mb_atomic_close(f);
	return rc ? rc : crc;
}

const char *mb_atomic_strerror(int rc)
{
	switch (rc) {
	case -EPERM:
		return "refusing to follow a symlink in a sticky world-writable directory "
		       "that neither this user nor the directory's owner owns (protected_symlinks)";
	case -ENXIO:
		return "a FIFO without a reader (start the reader first)";
	default:
		return strerror(-rc);
	}
}
