/* mapbench export: gnuplot-ready tables from a JSON result (the writers are
 * in lib/report/export.c; this file parses the command line and turns their
 * errors into one-line messages and exit statuses). */
#include "commands.h"

#include "report/export.h"
#include "report/result_read.h"
#include "util/parse.h"

#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

enum {
	OPT_WHAT = 'w',
	OPT_MAP = 256,
	OPT_THREADS,
	OPT_REP,
	OPT_RUN,
	OPT_OP,
	OPT_BLOCKS,
};

/* The --what line and the table list of the help come from the kinds'
 * table (lib/report/export.c), filled in by mb_cmd_export. */
static struct argp_option options[] = {
	{"what", OPT_WHAT, "KIND", 0, NULL, 0},
	{"map", OPT_MAP, "NAMES", 0, "only runs of these maps (comma-separated)", 0},
	{"threads", OPT_THREADS, "N|max", 0, "only runs with N threads; max: each map's largest thread count", 0},
	{"rep", OPT_REP, "N", 0, "only repetition N (from 1)", 0},
	{"run", OPT_RUN, "INDEX|LABEL", 0, "only runs[INDEX] (from 0), or the runs labelled MAP/threads=N/procs=P[/rep=R]", 0},
	{"op", OPT_OP, "KIND", 0, "latency: only this op kind's spectrum (all, load, store, ...); default all and every kind timed", 0},
	{"blocks", OPT_BLOCKS, NULL, 0, "print one line per block (rows, title) instead of the table, for plot scripts", 0},
	{0},
};

struct export_args {
	int kind;
	const char *what;
	const char *path;
	struct mb_export_select sel;
	bool blocks;
};

static error_t parse_export(int key, char *arg, struct argp_state *state)
{
	struct export_args *a = state->input;
	uint64_t v;
	switch (key) {
	case OPT_WHAT:
		a->what = arg;
		a->kind = mb_export_kind_parse(arg);
		if (a->kind < 0) {
			char names[128];
			mb_cmd_usage_error("--what", "unknown kind '%s' (expected %s)", arg,
					   mb_export_kind_names(names, sizeof names, ", "));
		}
		return 0;
	case OPT_MAP:
		if (!*arg)
			mb_cmd_usage_error("--map", "expected map names, got an empty string");
		a->sel.maps = arg;
		return 0;
	case OPT_THREADS:
		if (strcmp(arg, "max") == 0)
			a->sel.threads = MB_EXPORT_THREADS_MAX;
		else if (mb_parse_count(arg, 1, 1000000000, &v) == 0)
			a->sel.threads = (long)v;
		else
			mb_cmd_usage_error("--threads", "expected a count or max, got '%s'", arg);
		return 0;
	case OPT_REP:
		if (mb_parse_count(arg, 1, 1000000, &v) != 0)
			mb_cmd_usage_error("--rep", "expected a repetition number from 1, got '%s'", arg);
		a->sel.rep = (long)v;
		return 0;
	case OPT_RUN:
		if (!*arg)
			mb_cmd_usage_error("--run", "expected a run index or label, got an empty string");
		a->sel.run = arg;
		return 0;
	case OPT_OP:
		a->sel.op = arg;
		return 0;
	case OPT_BLOCKS:
		a->blocks = true;
		return 0;
	case ARGP_KEY_ARG:
		if (a->path)
			mb_cmd_usage_error("export", "unexpected argument '%s' (one result file)", arg);
		a->path = arg;
		return 0;
	case ARGP_KEY_END:
		if (!a->what) {
			char names[128];
			mb_cmd_usage_error("--what", "expected a table kind: %s",
					   mb_export_kind_names(names, sizeof names, ", "));
		}
		if (!a->path)
			mb_cmd_usage_error("export", "expected a result file (RESULT.json, or - for stdin)");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

int mb_cmd_export(int argc, char **argv)
{
	char names[128], what[192], help[1024];
	mb_export_kind_names(names, sizeof names, ", ");
	snprintf(what, sizeof what, "the table: %s (required)", names);
	options[0].doc = what;
	int len = snprintf(help, sizeof help, "Print gnuplot-ready tables from a mapbench result."
				       "\vTables (--what):\n");
	for (int k = 0; k < MB_EXPORT_NKINDS && len > 0 && (size_t)len < sizeof help; k++)
		len += snprintf(help + len, sizeof help - (size_t)len, "  %-11s %s\n",
				mb_export_kind_name(k), mb_export_kind_at(k)->summary);
	if (len > 0 && (size_t)len < sizeof help)
		snprintf(help + len, sizeof help - (size_t)len,
			 "\nA '#' line names the columns; blocks (one per run, or per map for\n"
			 "scaling) are separated by two blank lines for gnuplot's index.\n"
			 "See mapbench-export(1).");
	const struct argp argp = {options, parse_export, "RESULT.json", help, NULL, NULL, NULL};
	struct export_args a = {.kind = -1};
	argp_parse(&argp, argc, argv, 0, NULL, &a);

	char err[256];
	json_t *doc = mb_result_load(a.path, err, sizeof err);
	if (!doc && errno == ENOMEM) { /* not the user's fault: a runtime failure */
		fprintf(stderr, "mapbench: %s: %s\n", a.path, err);
		return MB_EXIT_FAILURE;
	}
	if (!doc)
		mb_cmd_usage_error(a.path, "%s", err);
	int rc = mb_export_write(stdout, doc, a.kind, &a.sel, a.blocks, err, sizeof err);
	json_decref(doc);
	if (rc == -EINVAL)
		mb_cmd_usage_error("--op", "%s", err);
	if (rc == -ENOENT)
		mb_cmd_usage_error(a.path, "%s", err);
	if (rc == -ENODATA)
		mb_cmd_usage_error(a.path, "%s: cannot export %s", err, a.what);
	if (rc == -EBADMSG)
		mb_cmd_usage_error(a.path, "%s", err);
	if (rc) {
		fprintf(stderr, "mapbench: export: %s\n", err);
		return MB_EXIT_FAILURE;
	}
	return MB_EXIT_OK;
}
