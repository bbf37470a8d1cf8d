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

	unlink(path);
	rmdir(dir);
	CHECK_DONE();
}
