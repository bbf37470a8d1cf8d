/* mb_workload_parse: the reading of a workload file (mapbench-workload(5)),
 * without the printing and exiting of the rest of cmd/: lines of
 * `option = value` with run's long option names, `#` comments and blank
 * lines.  It checks each line's form and option name and hands the rest to
 * a callback; what the values mean is the callback's business (run's own
 * option parser).  cmd/workload.c turns its errors into the usage message;
 * the fuzz target and the unit test call it directly.
 *
 * Pure function of its input: no global state, safe from any thread on
 * distinct files.  Nothing is printed, nothing exits.
 */
#ifndef MB_CMD_WORKLOAD_PARSE_H
#define MB_CMD_WORKLOAD_PARSE_H

#include "run/options.h"

#include <stdio.h>

/* The longest line, without its newline, that a file may have. */
#define MB_WORKLOAD_MAX_LINE 1022
/* The most lines a file may have: a workload sets a few dozen options, so
 * a longer file is not one (and reading it must stay bounded). */
#define MB_WORKLOAD_MAX_LINES 10000

/* Why a file was refused, in the parts of a usage message. */
struct mb_workload_error {
	unsigned line;     /* 1-based line number; 0 when not about one line */
	char what[96];     /* what the message is about: "line" or "--OPTION" */
	char message[1200];
};

/* Trims blanks (and a line's CR/LF) at both ends of s, in place; returns
 * the first kept character. */
char *mb_workload_trim(char *s);

/* Called for each option line, in file order: id is the option's row in
 * run's option table (run/options.h), opt "--NAME", value the trimmed text after '=' (never
 * empty), or NULL for a flag (written `NAME = true`).  value may be
 * modified.  Returns 0 to go on; anything else stops the parse and is
 * returned by mb_workload_parse. */
typedef int (*mb_workload_line_fn)(enum mb_opt_id id, const char *opt, char *value,
				   unsigned line, void *arg);

/* Reads f to its end, never holding more than one bounded line.  Returns 0
 * when every line was well formed and fn accepted it; -EINVAL for a bad
 * line (err says which and why: a line that is too long or holds a NUL
 * byte, more than MB_WORKLOAD_MAX_LINES lines, no '=', an unknown option or
 * one a file may not set (MB_OPTF_NOFILE: workload, output), a flag not set
 * to `true`, an option without a value); -errno when f cannot be read
 * (err->line 0); or fn's nonzero return.  err may be NULL. */
int mb_workload_parse(FILE *f, mb_workload_line_fn fn, void *arg,
		      struct mb_workload_error *err);

#endif
