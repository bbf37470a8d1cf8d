/* Workload files for `mapbench run -w NAME|PATH` and `mapbench list
 * workloads` (format: mapbench-workload(5)).  cmd/ only: prints and exits
 * on bad input like the rest of the command line. */
#ifndef MB_CMD_WORKLOAD_H
#define MB_CMD_WORKLOAD_H

#include "run/options.h"

/* What mb_workload_apply hands each `option = value` line to: the option's
 * row, "--option", and its value (NULL for a flag). */
typedef void (*mb_workload_apply_fn)(enum mb_opt_id id, const char *opt, char *value,
				     void *arg);

/* Reads the workload NAME (a shipped one, found in mb_cmd_workload_dirs())
 * or PATH (a regular file; anything else is refused before it is read) and
 * hands each line to apply.  A bad line is a usage error naming FILE:LINE. */
void mb_workload_apply(const char *name, mb_workload_apply_fn apply, void *arg);

/* Prints the shipped workloads with their one-line descriptions.  Returns
 * the exit status. */
int mb_workload_list(void);

#endif
