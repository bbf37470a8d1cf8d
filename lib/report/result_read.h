/* mb_result_read: load a mapbench result document (schema "mapbench/1") for
 * the commands that read results back (compare, export).
 *
 * mb_result_load checks what every reader relies on, so that readers can
 * then walk the document without re-checking its shape: the root is an
 * object whose "schema" is MB_RESULT_SCHEMA, and "runs" is an array of
 * objects each with a string "map" and integers "threads", "procs" and
 * "rep".  Everything else is optional to a reader and must be checked where
 * it is used (an older or interrupted result may lack a member).
 *
 * Errors are one line of text in the caller's buffer, without the file name
 * (the caller prefixes it): "line 3, column 1: premature end of input",
 * "schema 'mapbench/2' is not supported (expected mapbench/1)".
 * Single-threaded; nothing is printed; the caller owns the returned document
 * (json_decref).
 */
#ifndef MB_REPORT_RESULT_READ_H
#define MB_REPORT_RESULT_READ_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* The document at path ("-" reads standard input), or NULL with a message
 * in err (errlen bytes, always terminated) and errno set: ENOMEM when memory
 * ran out, EINVAL for a document that is not a result, else why the input
 * could not be read (see mb_readfile: a device, a directory, a file larger
 * than MB_READFILE_MAX are refused before they are read whole). */
json_t *mb_result_load(const char *path, char *err, size_t errlen);

/* The same checks on a document already in memory (len bytes, not
 * necessarily terminated): the entry point of the fuzz target. */
json_t *mb_result_parse(const char *text, size_t len, char *err, size_t errlen);

/* Writes a one-line message into err, cut to errlen bytes and always
 * terminated (nothing when err is NULL or errlen 0): how the readers of
 * results (this module, samples) report errors. */
void mb_result_errorf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The label that matches runs across two results: what a sweep varies,
 * as "MAP/threads=N/procs=P", or "MAP/lock=L/threads=N/procs=P" when
 * mb_result_label_lock names the run's lock (benchstat-style name/key=value
 * parts).  Returns the length snprintf would have written; the label is cut
 * to fit n. */
int mb_result_run_label(const json_t *run, char *buf, size_t n);

/* Whether a run's lock is part of what the run is, for every label of a run
 * (mb_result_run_label, and the table's "locked/spin"): returns policy (the
 * lock's name, NULL for a design that takes no lock) unless it is Go's,
 * else NULL for "the label names no lock".  Go's lock is the default and
 * labels as results from before --lock did, so those still compare. */
const char *mb_result_label_lock(const char *policy);

#endif
