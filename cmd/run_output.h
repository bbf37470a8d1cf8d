/* mapbench run's outputs and signals: where the table, the JSON and the CSV
 * go, and how SIGINT, SIGTERM, SIGHUP and a closed stdout end a run without
 * losing what it measured.
 *
 * - -o and --csv are opened before the first run (mb_run_output_open), so
 *   a FIFO without a reader or a refused symlink shows at once, and written
 *   atomically after the last run (mb_run_output_finish).
 * - stdout carries one thing: the JSON with --format json; else, when -o or
 *   --csv is given, nothing but a result that could not be written there
 *   (the JSON, or else the CSV), with the table on stderr; else the table.
 *   When stdout carries --record's op stream, a result -o or --csv could
 *   not take goes to stderr instead.
 *   So `mapbench run -o FILE | jq .` reads the rescued JSON alone.
 * - SIGPIPE is ignored: a stdout closed early (| head) is a write error on
 *   stdout (exit 1), and costs neither -o nor --csv.
 * - The first SIGINT, SIGTERM or SIGHUP stops the current run (see
 *   mb_run_interrupted) and no further run starts; what was measured is
 *   written as usual and the exit status is 128 + that signal.  A second
 *   signal does not stop the writing; a third ends the process at once,
 *   without writing.
 *
 * Used by mb_cmd_run from the main thread; the signal handlers only store
 * to mb_run_interrupted and write(2) one line to stderr.  Messages are one
 * line on stderr; usage errors exit 2 through mb_cmd_usage_error.
 */
#ifndef MB_CMD_RUN_OUTPUT_H
#define MB_CMD_RUN_OUTPUT_H

#include "report/result_json.h"
#include "util/atomic_file.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>

struct mb_run_output {
	/* set by the caller */
	const char *output;   /* -o FILE, or NULL */
	const char *csv;      /* --csv FILE, or NULL */
	bool json_stdout;     /* --format json: the document on stdout */
	/* set by mb_run_output_open */
	FILE *table;          /* where the table goes (stdout or stderr), or NULL */
	/* where a result -o or --csv could not take goes: stdout, or stderr
	 * once stdout carries --record's stream (mb_run_output_rescue_to_stderr) */
	FILE *rescue;
	struct mb_atomic_file *out_file, *csv_file;
};

/* The first of SIGINT, SIGTERM and SIGHUP received, or 0: the flag the
 * runner polls.  Lock-free, so that a handler may store to it. */
extern atomic_int mb_run_interrupted;

/* Installs the handlers of SIGINT, SIGTERM and SIGHUP and ignores SIGPIPE. */
void mb_run_signals_install(void);

/* Opens -o and --csv and picks the table's stream.  A file that cannot be
 * opened is a usage error (one line naming the option, exit 2). */
void mb_run_output_open(struct mb_run_output *o);

/* stdout carries another stream (--record's): a result -o or --csv could
 * not take goes to stderr, after its message, instead of into that stream. */
void mb_run_output_rescue_to_stderr(struct mb_run_output *o);

/* Writes res: the JSON to -o and/or stdout, the CSV to --csv, a rescued
 * document to stdout (or, for the CSV when stdout already has the JSON, to
 * stderr); checks every write to stdout and closes the files.  Returns 0,
 * or 1 when something could not be written where it was asked to go. */
int mb_run_output_finish(struct mb_run_output *o, const struct mb_result *res);

#endif
