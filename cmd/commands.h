/* The subcommands of mapbench.  Each takes the arguments from its own name
 * on (argv[0] is "mapbench NAME") and returns the process exit status:
 * 0 success, 1 runtime failure, 2 usage, 3 a run ended fatal, 4 a
 * regression (compare --fail-on-regression), 128+signal when interrupted.  cmd/ is the only place that prints and exits. */
#ifndef MB_CMD_COMMANDS_H
#define MB_CMD_COMMANDS_H

#define MB_EXIT_OK 0
#define MB_EXIT_FAILURE 1
#define MB_EXIT_USAGE 2
#define MB_EXIT_FATAL 3
#define MB_EXIT_REGRESSION 4

int mb_cmd_run(int argc, char **argv);
int mb_cmd_list(int argc, char **argv);
int mb_cmd_compare(int argc, char **argv);
int mb_cmd_export(int argc, char **argv);

/* Prints "mapbench: WHAT: MESSAGE" on one line and exits with MB_EXIT_USAGE;
 * while a workload file is read, "mapbench: FILE:LINE: WHAT: MESSAGE". */
void mb_cmd_usage_error(const char *what, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));

/* Where the value being parsed comes from ("FILE:LINE"), or NULL for the
 * command line. */
extern const char *mb_cmd_location;

/* The folders searched for a workload NAME: $MAPBENCH_WORKLOADS, then the
 * installed ones; NULL-terminated, static. */
const char *const *mb_cmd_workload_dirs(void);

#endif
