/* mb_samefile: one file under two names (relative and absolute, through a
 * symlink, a hard link, a file not created yet), two files, and devices. */
#include "check.h"

#include "util/samefile.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
	char dir[] = "/tmp/mb-samefile-XXXXXX";
	CHECK(mkdtemp(dir) != NULL, "mkdtemp");
	char cwd[PATH_MAX];
	CHECK(getcwd(cwd, sizeof cwd) != NULL && chdir(dir) == 0, "chdir");
	FILE *f = fopen("a", "w");
	CHECK(f != NULL, "create a");
	fclose(f);
	char abs_a[PATH_MAX + 8];
	snprintf(abs_a, sizeof abs_a, "%s/a", dir);
	CHECK(mb_samefile("a", "a"), "a, a");
	CHECK(mb_samefile("a", abs_a), "relative and absolute");
	CHECK(mb_samefile("./a", "a"), "./a and a");
	CHECK(symlink("a", "link") == 0 && mb_samefile("link", "a"), "through a symlink");
	CHECK(link("a", "hard") == 0 && mb_samefile("hard", "a"), "a hard link");
	CHECK(mkdir("sub", 0700) == 0 && mb_samefile("sub/../a", "a"), "through ..");
	/* not created yet: the same name in the same directory */
	CHECK(mb_samefile("new", "./new"), "a new file, two spellings");
	CHECK(mb_samefile("sub/../new", "new"), "a new file through ..");
	CHECK(!mb_samefile("new", "new2"), "two new files");
	CHECK(!mb_samefile("a", "new"), "one exists, one does not");
	f = fopen("b", "w");
	fclose(f);
	CHECK(!mb_samefile("a", "b"), "two files");
	/* devices are written in place, one after the other */
	CHECK(!mb_samefile("/dev/null", "/dev/null"), "/dev/null twice");
	CHECK(!mb_samefile(NULL, "a") && !mb_samefile("", "") && !mb_samefile("a", NULL), "none");
	/* a path against an open descriptor */
	int fd = open("a", O_WRONLY);
	CHECK(fd >= 0 && mb_samefile_fd("a", fd) && mb_samefile_fd(abs_a, fd) &&
	      mb_samefile_fd("hard", fd), "a's descriptor, three names");
	CHECK(!mb_samefile_fd("b", fd) && !mb_samefile_fd("new", fd) && !mb_samefile_fd(NULL, fd),
	      "other files, none");
	close(fd);
	CHECK(!mb_samefile_fd("a", fd), "a closed descriptor");
	int p[2];
	CHECK(pipe(p) == 0, "pipe");
	char pname[64];
	snprintf(pname, sizeof pname, "/proc/self/fd/%d", p[1]);
	CHECK(mb_samefile_fd(pname, p[1]) && mb_samefile_fd(pname, p[0]),
	      "a pipe named through /proc: both ends are that pipe");
	close(p[0]);
	close(p[1]);
	int nul = open("/dev/null", O_WRONLY);
	CHECK(nul >= 0 && !mb_samefile_fd("/dev/null", nul), "/dev/null mixes with nothing");
	close(nul);
	/* a missing directory: compared as written */
	CHECK(mb_samefile("nodir/x", "nodir/x") && !mb_samefile("nodir/x", "nodir/y"), "missing dir");
	unlink("a");
	unlink("b");
	unlink("link");
	unlink("hard");
	rmdir("sub");
	CHECK(chdir(cwd) == 0 && rmdir(dir) == 0, "clean up");
	CHECK_DONE();
}
