/* Workload files for `mapbench run -w NAME|PATH` and `mapbench list
 * workloads` (format: mapbench-workload(5)).  cmd/ only: prints and exits
 * on bad input like the rest of the command line. */
#ifndef MB_CMD_WORKLOAD_H
#define MB_CMD_WORKLOAD_H

#include <argp.h>

/* Reads the workload NAME (a shipped one, found in mb_cmd_workload_dirs())
 * or PATH, and hands each `option = value` line to apply(key, "--option",
 * value, arg), key being the option's argp key from options.  A bad line
 * is a usage error naming FILE:LINE. */
void mb_workload_apply(const char *name, const struct argp_option *options,
		       void (*apply)(int key, const char *opt, char *value, void *arg), void *arg);

/* Prints the shipped workloads with their one-line descriptions.  Returns
 * the exit status. */
int mb_workload_list(void);

#endif
