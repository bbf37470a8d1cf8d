/* Atomic writes: complete files or nothing, and the pre-run check. */
#include "check.h"

#include "util/atomic_file.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

int main(void)
{
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

	unlink(link);
	unlink(real);
	unlink(path);
	rmdir(dir);
	CHECK_DONE();
}
