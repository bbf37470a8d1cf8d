/* mb_readfile: read a whole input into memory with a bound on its size, for
 * the files mapbench reads back (results, number files).
 *
 * An input is a path or "-" (standard input).  A path must name a regular
 * file or a pipe (a FIFO, or /dev/fd/N of `<(...)`); a device, a socket or
 * a directory is refused before anything is read, so /dev/zero cannot grow
 * the process's memory without end.  A regular file larger than the bound
 * is refused from its size; a pipe or stdin is read until the bound and
 * refused when it goes beyond it.
 *
 * Single-threaded per call; nothing is printed; the caller frees the text.
 */
#ifndef MB_UTIL_READFILE_H
#define MB_UTIL_READFILE_H

#include <stddef.h>
#include <stdio.h>

/* The bound mapbench uses for result documents and number files: 1 GiB.
 * Loading a result document takes about ten times its size in memory
 * (jansson's objects), so a larger one is refused rather than loaded. */
#define MB_READFILE_MAX ((size_t)1 << 30)

/* Reads path ("-" for stdin) whole, at most max bytes, into *text (always
 * terminated by a '\0' after *len bytes).  Returns 0, or a negative errno:
 * -ENOENT, -EACCES and the like from open(2), -EISDIR, -ENODEV (a device or
 * a socket, not a file), -EFBIG (more than max bytes), -ENOMEM, -EIO and
 * the like from read(2).  On error *text is NULL. */
int mb_readfile(const char *path, size_t max, char **text, size_t *len);

/* Opens path (relative to dirfd, or AT_FDCWD) for reading line by line,
 * only if it is a regular file: NULL with errno EISDIR for a directory and
 * EINVAL for a FIFO, device or socket (or a link to one), refused before
 * anything is read; the open itself does not wait on a FIFO.  For the
 * files read as a stream (workload files, their descriptions). */
FILE *mb_fopen_regular(int dirfd, const char *path);

/* A one-line reason for an error of mb_readfile: strerror's, but for
 * -ENODEV ("a device or socket, not a file") and -EFBIG (which names max). */
const char *mb_readfile_strerror(int rc, size_t max, char *buf, size_t n);

#endif
