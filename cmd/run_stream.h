/* mapbench run's op streams: --replay FILE is read whole before anything
 * runs and becomes the sweep's workload (mb_sweep_set_replay); --record
 * FILE is opened before the run, collects the ops the run executes, and
 * is written atomically after it, also when the run was interrupted or
 * ended fatal (what it executed is what the file holds).
 *
 * Used by mb_cmd_run from the main thread.  A replay file that cannot be
 * read, or holds a bad stream, is a usage error (one line naming --replay
 * and FILE:LINE or the byte offset; exit 2); so is a --record path that
 * cannot be written, or that is the file stdout writes to while stdout
 * carries the results (mb_run_stream_check_stdio).
 */
#ifndef MB_CMD_RUN_STREAM_H
#define MB_CMD_RUN_STREAM_H

#include "run_output.h"

#include "run/opstream.h"
#include "run/sweep.h"
#include "util/atomic_file.h"

struct mb_run_stream {
	struct mb_opstream replay;  /* loaded by mb_run_stream_open */
	struct mb_opstream record;  /* filled by the run */
	struct mb_atomic_file *record_file;
};

/* Loads --replay into st->replay and makes it sw's workload, and sets up
 * --record's stream and file, pointing sw at both.  avail is the memory a
 * stream may take (0: no bound).  Exits 2 on bad input. */
void mb_run_stream_open(struct mb_run_stream *st, struct mb_sweep *sw, uint64_t avail);

/* Refuses (one line naming --record, exit 2) a --record file that is the
 * file standard output writes to, when stdout carries results (the table,
 * the JSON, or -o or --csv written to stdout), or the file of standard
 * error when the table goes there: the stream would follow the results in
 * one file or pipe, or, renamed over a regular file, replace what the
 * shell's redirection received.  When stdout carries nothing else (the
 * results go to -o FILE), recording to it is allowed, as a pipe or a
 * device is written in place (mb_atomic_open), and a result -o or --csv
 * cannot take then goes to stderr, not into the stream.  Call after
 * mb_run_output_open, which decides where the table goes. */
void mb_run_stream_check_stdio(const struct mb_sweep *sw, struct mb_run_output *out);

/* Writes the recorded stream to --record's file (if any) and frees both
 * streams.  Returns 0, or 1 after a one-line message when it could not
 * be written. */
int mb_run_stream_finish(struct mb_run_stream *st, const struct mb_sweep *sw);

#endif
