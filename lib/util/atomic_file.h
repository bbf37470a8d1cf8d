/* mb_atomic_file: write a whole file so that readers see the old file or the
 * complete new one, never a truncated one: the data goes to a temporary file
 * in the target's directory, is fsync'ed, and is renamed over the target.
 *
 * Symlinks: a link is followed one hop at a time, and a hop the kernel's
 * fs.protected_symlinks rule would refuse (a link in a sticky,
 * world-writable directory such as /tmp, owned neither by this user nor by
 * the directory's owner) is refused with -EPERM, whatever the sysctl says:
 * renaming over the file the link names would otherwise let another user
 * point our output anywhere we can write.  The link itself stays.
 *
 * An existing target keeps its permission bits, and its owner and group
 * where this user may set them (root, or a group this user is in).
 *
 * Temporary files are named TARGET.tmp.HOST.PID.XXXXXX; a process killed
 * while writing leaves one behind, and the next write to the same target
 * removes those of processes of this host that no longer exist (and that
 * this user owns).
 *
 * A target that exists and is not a regular file (a pipe, a device) or
 * whose path lies under /dev/ or /proc/ (-o /dev/stdout) is written in
 * place instead: it cannot be replaced, and must not be.  Such a target is
 * opened by mb_atomic_open, so a FIFO without a reader is reported at once
 * (-ENXIO) rather than blocking after the work is done.
 *
 * Call from one thread at a time (it reads the umask).  Nothing is printed.
 */
#ifndef MB_UTIL_ATOMIC_FILE_H
#define MB_UTIL_ATOMIC_FILE_H

#include <stddef.h>

/* An output opened before the work and written after it. */
struct mb_atomic_file;

/* Resolves path's symlinks (refusing unsafe ones), checks that the target
 * can be written, and opens it now when it is written in place.  Returns 0
 * with *out set (free it with mb_atomic_close), or a negative errno:
 * -ENOENT (no such directory, or an empty path), -ENOTDIR, -EISDIR,
 * -EACCES, -EPERM (a link the kernel's protected_symlinks rule refuses),
 * -ELOOP, -ENXIO (a FIFO nobody reads), -ENOMEM. */
int mb_atomic_open(const char *path, struct mb_atomic_file **out);

/* Writes len bytes of data to the file opened by mb_atomic_open (once).
 * Returns 0, or a negative errno; on failure the temporary file is removed
 * and the target is untouched (a target written in place may hold part of
 * the data: a pipe or a device cannot take it back). */
int mb_atomic_commit(struct mb_atomic_file *f, const char *data, size_t len);

/* Closes and frees f (NULL is allowed).  Returns 0, or a negative errno
 * from closing a target written in place. */
int mb_atomic_close(struct mb_atomic_file *f);

/* mb_atomic_open, mb_atomic_commit and mb_atomic_close in one call.
 * Returns 0 or the first negative errno. */
int mb_atomic_write(const char *path, const char *data, size_t len);

/* Checks, before any work, that path can later be written: its directory
 * exists and is writable (or, for a device or pipe, the target itself is),
 * and path is not a directory.  Opens nothing (a FIFO's reader must not see
 * an early end of file).  Returns 0 or the errors of mb_atomic_open but
 * -ENXIO and -ENOMEM. */
int mb_atomic_check(const char *path);

/* A one-line reason for an error of this module, where strerror's is not
 * clear (-EPERM, -ENXIO), else strerror's text. */
const char *mb_atomic_strerror(int rc);

#endif
