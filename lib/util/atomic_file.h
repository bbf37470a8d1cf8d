/* mb_atomic_file: write a whole file so that readers see the old file or the
 * complete new one, never a truncated one: the data goes to a temporary file
 * in the same directory, is fsync'ed, and is renamed over the target (the
 * file a symlink names, not the link).  A target that exists and is not a
 * regular file (a pipe, a device) or lies under /dev/ (-o /dev/stdout) is
 * written in place instead: it cannot be replaced, and must not be.
 * Call from one thread at a time (it reads the umask).  Nothing is printed.
 */
#ifndef MB_UTIL_ATOMIC_FILE_H
#define MB_UTIL_ATOMIC_FILE_H

#include <stddef.h>

/* Writes len bytes of data to path atomically.  Returns 0, or a negative
 * errno; on failure the temporary file is removed and path is untouched. */
int mb_atomic_write(const char *path, const char *data, size_t len);

/* Checks, before any work, that path can later be written: its directory
 * exists and is writable (or, for a device or pipe, the target itself is),
 * and path is not a directory.  Returns 0, -ENOENT (no such directory),
 * -ENOTDIR, -EISDIR or -EACCES. */
int mb_atomic_check(const char *path);

#endif
