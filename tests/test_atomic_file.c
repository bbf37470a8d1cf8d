/* Atomic writes: complete files or nothing, and the pre-run check. */
#include "check.h"

#include "util/atomic_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	for (struct dirent *e; d && (e = readdir(d));)
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

/* An existing file keeps its mode (0600 stays 0600, not 0666 less the
 * umask) and, where this user may set it, its owner. */
static void keeps_mode(const char *dir)
{
	char path[256];
	snprintf(path, sizeof path, "%s/private.json", dir);
	CHECK(mb_atomic_write(path, "a", 1) == 0, "create");
	CHECK(chmod(path, 0600) == 0, "chmod");
	CHECK(mb_atomic_write(path, "bb", 2) == 0, "overwrite a 0600 file");
	struct stat st;
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600 && st.st_size == 2,
	      "mode after overwrite: %o, want 600", (unsigned)(st.st_mode & 07777));
	CHECK(chmod(path, 0640) == 0, "chmod");
	CHECK(mb_atomic_write(path, "c", 1) == 0 && stat(path, &st) == 0 &&
	      (st.st_mode & 07777) == 0640, "mode 640 kept: %o", (unsigned)(st.st_mode & 07777));
	if (geteuid() == 0) {
		/* root may keep another user's ownership */
		CHECK(chown(path, 65534, 65534) == 0, "chown");
		CHECK(mb_atomic_write(path, "d", 1) == 0 && stat(path, &st) == 0 &&
		      st.st_uid == 65534 && st.st_gid == 65534,
		      "owner kept: %u:%u", (unsigned)st.st_uid, (unsigned)st.st_gid);
	}
	unlink(path);
}

/* A temporary file left by a killed writer (a process that is gone) is
 * removed by the next write; one of a live process is not. */
static void removes_stale(const char *dir)
{
	char host[256] = "";
	gethostname(host, sizeof host - 1);
	for (char *p = host; *p; p++)
		if (*p == '.' || *p == '/')
			*p = '_';
	host[32] = '\0';
	pid_t dead = fork();
	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	char path[256], stale[512], live[512], other[512];
	snprintf(path, sizeof path, "%s/s.json", dir);
	snprintf(stale, sizeof stale, "%s.tmp.%s.%ld.AbC123", path, host, (long)dead);
	snprintf(live, sizeof live, "%s.tmp.%s.%ld.AbC123", path, host, (long)getppid());
	snprintf(other, sizeof other, "%s.tmp.otherhost.%ld.AbC123", path, (long)dead);
	FILE *f;
	CHECK((f = fopen(stale, "w")) && fclose(f) == 0, "stale");
	CHECK((f = fopen(live, "w")) && fclose(f) == 0, "live");
	CHECK((f = fopen(other, "w")) && fclose(f) == 0, "other host");
	CHECK(mb_atomic_write(path, "x", 1) == 0, "write");
	CHECK(access(stale, F_OK) != 0, "the dead writer's temporary file is still there");
	CHECK(access(live, F_OK) == 0, "a live process's temporary file was removed");
	CHECK(access(other, F_OK) == 0, "another host's temporary file was removed");
	unlink(live);
	unlink(other);
	unlink(path);
}

/* Symlinks: followed hop by hop, relative to the link's folder; a loop is
 * ELOOP; a link in a sticky world-writable folder owned by someone else
 * (neither us nor the folder's owner) is refused, as the kernel's
 * protected_symlinks would, and the file it names is untouched. */
static void symlinks(const char *dir)
{
	char sub[256], target[256], rel[256], loop[256];
	snprintf(sub, sizeof sub, "%s/sub", dir);
	snprintf(target, sizeof target, "%s/sub/t.json", dir);
	snprintf(rel, sizeof rel, "%s/rel.json", dir);
	snprintf(loop, sizeof loop, "%s/loop.json", dir);
	CHECK(mkdir(sub, 0755) == 0, "mkdir");
	CHECK(symlink("sub/t.json", rel) == 0, "relative link");
	CHECK(mb_atomic_write(rel, "r", 1) == 0, "write through a relative dangling link");
	struct stat st;
	CHECK(stat(target, &st) == 0 && st.st_size == 1, "the named file was created");
	CHECK(lstat(rel, &st) == 0 && S_ISLNK(st.st_mode), "the link stays a link");
	CHECK(symlink("loop.json", loop) == 0, "loop");
	CHECK(mb_atomic_write(loop, "x", 1) == -ELOOP, "a loop of links");
	CHECK(mb_atomic_check(loop) == -ELOOP, "check a loop of links");
	unlink(loop);
	unlink(rel);

	if (geteuid() != 0) {
		printf("SKIP: protected symlink: needs root to make another user's link\n");
	} else {
		char sticky[256], evil[256];
		snprintf(sticky, sizeof sticky, "%s/sticky", dir);
		snprintf(evil, sizeof evil, "%s/sticky/out.json", dir);
		CHECK(mkdir(sticky, 0755) == 0 && chmod(sticky, 01777) == 0, "sticky folder");
		CHECK(symlink(target, evil) == 0 && lchown(evil, 65534, 65534) == 0, "foreign link");
		CHECK(mb_atomic_check(evil) == -EPERM, "check a protected link: %d", mb_atomic_check(evil));
		CHECK(mb_atomic_write(evil, "evil", 4) == -EPERM, "write through a protected link");
		CHECK(stat(target, &st) == 0 && st.st_size == 1, "the file the link names changed");
		CHECK(strstr(mb_atomic_strerror(-EPERM), "protected_symlinks") != NULL, "why");
		/* the folder's owner's link, or ours, is followed */
		CHECK(lchown(evil, 0, 0) == 0 && mb_atomic_write(evil, "ok", 2) == 0, "own link");
		CHECK(stat(target, &st) == 0 && st.st_size == 2, "own link followed");
		unlink(evil);
		rmdir(sticky);
	}
	unlink(target);
	rmdir(sub);
}

/* A FIFO: without a reader the open fails at once (ENXIO) instead of
 * blocking; with one, the data arrives, and the FIFO stays a FIFO. */
static void fifo(const char *dir)
{
	char path[256];
	snprintf(path, sizeof path, "%s/fifo.json", dir);
	CHECK(mkfifo(path, 0600) == 0, "mkfifo");
	CHECK(mb_atomic_check(path) == 0, "check opens nothing");
	struct mb_atomic_file *f = NULL;
	int rc = mb_atomic_open(path, &f);
	CHECK(rc == -ENXIO && f == NULL, "FIFO without a reader: %d", rc);
	CHECK(strstr(mb_atomic_strerror(-ENXIO), "reader") != NULL, "why");
	int rd = open(path, O_RDONLY | O_NONBLOCK);
	CHECK(rd >= 0, "reader");
	CHECK(mb_atomic_open(path, &f) == 0, "FIFO with a reader");
	CHECK(f && mb_atomic_commit(f, "abc", 3) == 0, "commit");
	CHECK(f && mb_atomic_commit(f, "abc", 3) == -EINVAL, "a second commit");
	CHECK(mb_atomic_close(f) == 0, "close");
	char buf[8] = "";
	CHECK(read(rd, buf, sizeof buf) == 3 && memcmp(buf, "abc", 3) == 0, "read back");
	close(rd);
	struct stat st;
	CHECK(lstat(path, &st) == 0 && S_ISFIFO(st.st_mode), "still a FIFO");
	unlink(path);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	char dir[] = "/tmp/mb-atomic-XXXXXX";
	CHECK(mkdtemp(dir) != NULL, "mkdtemp");
	char path[256], bad[256];
	snprintf(path, sizeof path, "%s/r.json", dir);
	snprintf(bad, sizeof bad, "%s/missing/r.json", dir);

	CHECK(mb_atomic_check(path) == 0, "a new file in an existing directory");
	CHECK(mb_atomic_check(bad) == -ENOENT, "missing directory");
	CHECK(mb_atomic_check(dir) == -EISDIR, "a directory as the file");
	CHECK(mb_atomic_check("") == -ENOENT, "empty path");

	CHECK(mb_atomic_write(path, "hello\n", 6) == 0, "write");
	FILE *f = fopen(path, "r");
	char buf[32] = "";
	CHECK(f && fgets(buf, sizeof buf, f) && strcmp(buf, "hello\n") == 0, "content");
	if (f)
		fclose(f);
	CHECK(mb_atomic_write(path, "bye\n", 4) == 0, "overwrite");
	struct stat st;
	CHECK(stat(path, &st) == 0 && st.st_size == 4, "overwritten size");
	CHECK(entries(dir) == 1, "no temporary file left: %d entries", entries(dir));

	CHECK(mb_atomic_write(bad, "x", 1) == -ENOENT, "write into a missing directory");
	CHECK(entries(dir) == 1, "a failed write leaves nothing");

	/* Through a symlink: the file it names is replaced, the link stays. */
	char real[256], link[256];
	snprintf(real, sizeof real, "%s/real.json", dir);
	snprintf(link, sizeof link, "%s/link.json", dir);
	CHECK(mb_atomic_write(real, "a", 1) == 0 && symlink(real, link) == 0, "setup link");
	CHECK(mb_atomic_check(link) == 0 && mb_atomic_write(link, "bb", 2) == 0, "write via link");
	struct stat lst;
	CHECK(lstat(link, &lst) == 0 && S_ISLNK(lst.st_mode), "the link is still a link");
	CHECK(stat(real, &st) == 0 && st.st_size == 2, "the file it names was replaced");

	/* A device is written in place, never replaced. */
	CHECK(mb_atomic_check("/dev/null") == 0, "check /dev/null");
	CHECK(mb_atomic_write("/dev/null", "x", 1) == 0, "write /dev/null");
	CHECK(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode), "/dev/null is still a device");
	CHECK(entries(dir) == 3, "no temporary file left: %d entries", entries(dir));
	/* A device that takes no data: the write error comes back, with why. */
	if (access("/dev/full", W_OK) == 0) {
		CHECK(mb_atomic_check("/dev/full") == 0, "check /dev/full");
		int rc = mb_atomic_write("/dev/full", "x", 1);
		CHECK(rc == -ENOSPC, "write /dev/full: rc %d, want -ENOSPC", rc);
		CHECK(stat("/dev/full", &st) == 0 && S_ISCHR(st.st_mode), "/dev/full is still a device");
	}

	/* The longest name a folder takes: the temporary name still fits. */
	char longest[512];
	int dl = snprintf(longest, sizeof longest, "%s/", dir);
	memset(longest + dl, 'n', 255);
	longest[dl + 255] = '\0';
	CHECK(mb_atomic_write(longest, "x", 1) == 0, "a 255-character name");
	unlink(longest);
	keeps_mode(dir);
	removes_stale(dir);
	symlinks(dir);
	fifo(dir);
	CHECK(entries(dir) == 3, "left behind: %d entries", entries(dir));

	unlink(link);
	unlink(real);
	unlink(path);
	rmdir(dir);
	CHECK_DONE();
}
