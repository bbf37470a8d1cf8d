/* Whether two output paths name one file: see samefile.h. */
#include "util/samefile.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The resolved directory of path (its part before the last '/', or ".")
 * into dir (PATH_MAX bytes) and its last component in *base.  Returns false
 * when the directory cannot be resolved. */
static bool split_resolve(const char *path, char *dir, const char **base)
{
	const char *slash = strrchr(path, '/');
	char parent[PATH_MAX];
	if (!slash) {
		strcpy(parent, ".");
		*base = path;
	} else {
		size_t n = (size_t)(slash - path);
		if (n >= sizeof parent)
			return false;
		memcpy(parent, path, n);
		parent[n] = '\0';
		if (n == 0)
			strcpy(parent, "/");
		*base = slash + 1;
	}
	return realpath(parent, dir) != NULL;
}

bool mb_samefile(const char *a, const char *b)
{
	if (!a || !b || !*a || !*b)
		return false;
	struct stat sa, sb;
	bool ea = stat(a, &sa) == 0, eb = stat(b, &sb) == 0;
	if (ea && eb)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino && S_ISREG(sa.st_mode);
	if (ea != eb)
		return false;
	/* neither exists yet: the same name in the same directory */
	char da[PATH_MAX], db[PATH_MAX];
	const char *ba, *bb;
	if (!split_resolve(a, da, &ba) || !split_resolve(b, db, &bb))
		return strcmp(a, b) == 0;
	return strcmp(da, db) == 0 && strcmp(ba, bb) == 0;
}

bool mb_samefile_fd(const char *path, int fd)
{
	struct stat a, b;
	if (!path || !*path || fstat(fd, &b) != 0 || stat(path, &a) != 0)
		return false;
	if (a.st_dev != b.st_dev || a.st_ino != b.st_ino)
		return false;
	return !S_ISCHR(b.st_mode) || isatty(fd);
}
