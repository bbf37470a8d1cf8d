/* mapbench: the entry point.  Global options (--help, --version), then a
 * subcommand that parses the rest of the command line with its own argp. */
#include "commands.h"

#include <argp.h>
#include <gsl/gsl_errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *argp_program_version = "mapbench " PACKAGE_VERSION;

static const char doc[] =
	"mapbench -- benchmark and profile concurrent hash maps"
	"\v"
	"Commands:\n"
	"  run        run map benchmarks (see mapbench run --help)\n"
	"  compare A B\n"
	"             compare two results (or files of numbers): Welch's t-test per\n"
	"             metric and run, a CI gate (see mapbench compare --help)\n"
	"  list maps|events|workloads\n"
	"             list the map designs, the libpfm4 events, the shipped workloads\n"
	"  export     gnuplot-ready tables from a JSON result (see mapbench export --help)\n"
	"\n"
	"Exit status: 0 ok, 1 runtime failure, 2 bad usage, 3 a run ended fatal\n"
	"(a map detected concurrent misuse), 4 a regression (compare\n"
	"--fail-on-regression), 130/143 interrupted.";

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
};

static const struct command commands[] = {
	{"run", mb_cmd_run},
	{"list", mb_cmd_list},
	{"compare", mb_cmd_compare},
	{"export", mb_cmd_export},
};

struct global_args {
	int command_index; /* argv index of the subcommand, or 0 */
};

static error_t parse_global(int key, char *arg, struct argp_state *state)
{
	struct global_args *g = state->input;
	(void)arg;
	switch (key) {
	case ARGP_KEY_ARG:
		/* The first operand is the subcommand: stop here and leave the
		 * rest to it. */
		g->command_index = state->next - 1;
		state->next = state->argc;
		return 0;
	case ARGP_KEY_NO_ARGS:
		argp_usage(state);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

const char *mb_cmd_location;

const char *const *mb_cmd_workload_dirs(void)
{
	static const char *dirs[4];
	size_t n = 0;
	const char *env = getenv("MAPBENCH_WORKLOADS");
	if (env && *env)
		dirs[n++] = env;
	dirs[n++] = MB_WORKLOAD_DIR;     /* installed: $(pkgdatadir)/workloads */
	dirs[n++] = MB_SRC_WORKLOAD_DIR; /* the source tree, for a build not installed */
	dirs[n] = NULL;
	return dirs;
}

void mb_cmd_usage_error(const char *what, const char *fmt, ...)
{
	va_list ap;
	if (mb_cmd_location)
		fprintf(stderr, "mapbench: %s: %s: ", mb_cmd_location, what);
	else
		fprintf(stderr, "mapbench: %s: ", what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(MB_EXIT_USAGE);
}

int main(int argc, char **argv)
{
	static const struct argp_option no_options[] = {{0}};
	const struct argp argp = {no_options, parse_global, "COMMAND [ARG...]", doc,
				  NULL, NULL, NULL};
	struct global_args g = {0};
	argp_err_exit_status = MB_EXIT_USAGE;
	/* GSL's default handler aborts on any error, underflow included (a p
	 * below the double range); every GSL status is checked where GSL is
	 * called (lib/report/stats.c). */
	gsl_set_error_handler_off();
	argp_parse(&argp, argc, argv, ARGP_IN_ORDER, NULL, &g);

	const char *name = argv[g.command_index];
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (strcmp(name, commands[i].name) != 0)
			continue;
		/* The subcommand sees "mapbench NAME" as its program name, so
		 * argp's usage lines read "Usage: mapbench run [OPTION...]". */
		char prog[64];
		snprintf(prog, sizeof prog, "mapbench %s", commands[i].name);
		char **sub = argv + g.command_index;
		sub[0] = prog;
		return commands[i].fn(argc - g.command_index, sub);
	}
	mb_cmd_usage_error("command", "unknown command '%s' (expected run, list, compare or export)", name);
}
