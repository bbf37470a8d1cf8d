/* mb_samefile: one file under two names (relative and absolute, through a
 * symlink, a hard link, a file not created yet), two files, and devices. */
#include "check.h"

#include "util/samefile.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
