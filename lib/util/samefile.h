/* mb_samefile: whether two output paths name the same file, so that a
 * command refuses to write two results to one file (the second write would
 * replace the first, and a result would be lost without a word).
 *
 * Two paths name the same file when they resolve to the same existing
 * inode, or, for a file that does not exist yet, when their directories
 * resolve to the same directory and their last components are equal.
 * Symlinks are followed.  Pure apart from stat(2) and realpath(3); any
 * thread.
 */
#ifndef MB_UTIL_SAMEFILE_H
#define MB_UTIL_SAMEFILE_H

#include <stdbool.h>

/* True when a and b name the same regular file (or the same path of one
 * not created yet).  Two names of one device, FIFO or other non-regular
 * file are not "the same" here: writes to those go through in place, one
 * after the other, and lose nothing (-o /dev/null --csv /dev/null).
 * NULL or empty paths are never the same. */
bool mb_samefile(const char *a, const char *b);

/* True when path names the file open on descriptor fd (the same inode: a
 * pipe, a terminal, the regular file a shell redirected fd to), so that a
 * write there would mix with what fd carries.  A character device that is
 * no terminal (/dev/null) is never "the same": nobody reads what mixes
 * there.  NULL or empty paths, and closed descriptors, are never the same. */
bool mb_samefile_fd(const char *path, int fd);

#endif
