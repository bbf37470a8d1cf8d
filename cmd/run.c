/* mapbench run: parse and validate the options into a sweep, run it, print
 * the table and write the JSON.  Every bad value is one line on stderr that
 * names the option, and exit status 2, before anything runs. */
#include "commands.h"
#include "run_output.h"
#include "run_stream.h"
#include "workload.h"

#include "maps/registry.h"
#include "report/host.h"
#include "report/result_csv.h"
#include "report/result_json.h"
#include "report/table.h"
#include "measure/counters.h"
#include "measure/timer.h"
#include "run/runner.h"
#include "run/options.h"
#include "run/sweep.h"
#include "util/atomic_file.h"
#include "util/parse.h"
#include "util/samefile.h"

#include <argp.h>
#include <pthread.h>
#include <time.h>
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char doc[] =
	"Run map benchmarks: every combination of --map and --threads, one table "
	"row per run."
	"\v"
	"Counts take the suffixes k, M and G (1k = 1000); times need a unit "
	"(ns, us, ms, s, m, h); lists are comma-separated.\n"
	"Exit status: 0 ok, 1 runtime failure, 2 bad usage, 3 a run ended fatal, "
	"129/130/143 interrupted (SIGHUP/SIGINT/SIGTERM).";

/* Everything the command line and workload files set (run/options.h). */
struct run_args {
	struct mb_sweep sw;
};

/* argp's key of an option: its letter, or a number past the letters. */
static int argp_key(enum mb_opt_id id)
{
	const struct mb_option *o = mb_options_at(id);
	return o->short_key ? o->short_key : 256 + (int)id;
}

static enum mb_opt_id option_of_key(int key)
{
	for (size_t i = 0; i < MB_OPTID_N; i++)
		if (argp_key((enum mb_opt_id)i) == key)
			return (enum mb_opt_id)i;
	return MB_OPTID_N;
}

/* run's argp options, one per row of the option table, the default
 * appended to the help text. */
static struct argp_option argp_options[MB_OPTID_N + 1];
static char help_text[MB_OPTID_N][640];

static void build_argp_options(void)
{
	for (size_t i = 0; i < MB_OPTID_N; i++) {
		const struct mb_option *o = mb_options_at((enum mb_opt_id)i);
		if (o->def)
			snprintf(help_text[i], sizeof help_text[i], "%s; default %s", o->help, o->def);
		else
			snprintf(help_text[i], sizeof help_text[i], "%s", o->help);
		argp_options[i] = (struct argp_option){
			.name = o->name, .key = argp_key((enum mb_opt_id)i), .arg = o->arg,
			.doc = help_text[i],
		};
	}
}

static void set_option(struct mb_sweep *sw, enum mb_opt_id id, const char *arg,
		       enum mb_opt_source src)
{
	struct mb_opt_error err;
	int rc = mb_options_set(sw, id, arg, src, &err);
	if (rc == -ENOMEM) {
		fprintf(stderr, "mapbench: out of memory\n");
		exit(MB_EXIT_FAILURE);
	}
	if (rc)
		mb_cmd_usage_error(err.what, "%s", err.message);
}

/* A workload line: the same option, from a file. */
static void apply_line(enum mb_opt_id id, const char *opt, char *value, void *arg)
{
	(void)opt;
	set_option(arg, id, value, MB_OPTSRC_FILE);
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct mb_sweep *sw = state->input;
	if (key == ARGP_KEY_ARG)
		mb_cmd_usage_error("run", "unexpected argument '%s' (options start with --)", arg);
	enum mb_opt_id id = option_of_key(key);
	if (id == MB_OPTID_N)
		return ARGP_ERR_UNKNOWN;
	set_option(sw, id, arg, MB_OPTSRC_CLI);
	/* A workload file's lines apply where -w stands; the command line
	 * wins over them in any order (see options.h). */
	if (id == MB_OPTID_WORKLOAD)
		mb_workload_apply(arg, apply_line, sw);
	return 0;
}

/* Default -e: what perf stat shows first. */
static const char default_events[] =
	"cycles,instructions,cache-misses,branch-misses,task-clock,context-switches,page-faults";

/* Resolves a list of event names with libpfm4; exits on a usage error.
 * Returns NULL when libpfm4 cannot start (after a warning). */
static struct mb_counters *resolve_list(const char *list)
{
	char *copy = strdup(list);
	if (!copy) {
		fprintf(stderr, "mapbench: out of memory\n");
		exit(MB_EXIT_FAILURE);
	}
	char *items[MB_COUNTERS_MAX];
	size_t n, bad = 0;
	if (mb_parse_list(copy, items, MB_COUNTERS_MAX, &n))
		mb_cmd_usage_error("--events", "expected a comma-separated list of up to %d event names, or none",
				   MB_COUNTERS_MAX);
	struct mb_counters *c = NULL;
	int rc = mb_counters_resolve((const char *const *)items, n, &c, &bad);
	if (rc == -EINVAL)
		mb_cmd_usage_error("--events", "unknown event '%s' (see mapbench list events)", items[bad]);
	if (rc)
		fprintf(stderr, "mapbench: warning: libpfm4 could not start (%s): no event is counted\n",
			strerror(-rc));
	free(copy);
	return c;
}

/* The default set keeps only the events that open on this machine (a VM
 * without a PMU still counts the software ones), so a default run warns
 * about nothing; events the user named are kept, and warned about. */
static struct mb_counters *default_counters(void)
{
	struct mb_counters *all = resolve_list(default_events);
	if (!all)
		return NULL;
	struct mb_counter_group g;
	mb_counters_open(all, &g);
	char list[sizeof default_events] = "";
	for (size_t i = 0; i < g.n; i++) {
		if (g.fd[i] < 0)
			continue;
		size_t len = strlen(list);
		snprintf(list + len, sizeof list - len, "%s%s", len ? "," : "",
			 mb_counters_name(all, i));
	}
	mb_counters_close(&g);
	mb_counters_free(all);
	return *list ? resolve_list(list) : NULL;
}

/* -e: resolved with libpfm4 before anything runs.  An unknown name is a
 * usage error; a libpfm4 that cannot start is a warning (nothing counted). */
static void resolve_events(struct mb_sweep *sw)
{
	if (!sw->events)
		sw->counters = default_counters();
	else if (strcmp(sw->events, "none") != 0)
		sw->counters = resolve_list(sw->events);
}

/* --gctrace: one line per cycle, written whole by one fprintf (stdio locks
 * the stream, so lines from two workers do not interleave). */
struct trace_ctx {
	size_t run;             /* 1-based run number */
	const char *map;
};

static void gctrace_line(void *arg, const struct mb_pause_event *e)
{
	const struct trace_ctx *t = arg;
	if (e->kind == MB_PAUSE_RECLAIM) {
		fprintf(stderr, "gctrace: run %zu %s reclaim @%.3fs grace %.3fms %u objects %llu B %.3fms\n",
			t->run, t->map, (double)e->at_ns / 1e9, (double)e->grace_ns / 1e6,
			e->objects, (unsigned long long)e->bytes, (double)e->dur_ns / 1e6);
		return;
	}
	fprintf(stderr, "gctrace: run %zu %s %s @%.3fs worker %u len %lld %.3fms\n", t->run,
		t->map, mb_pause_kind_name(e->kind), (double)e->at_ns / 1e9, e->worker,
		(long long)e->map_len, (double)e->dur_ns / 1e6);
}

/* One line for the events a run could not count, the first time it happens. */
static void warn_unsupported(const struct mb_run_config *cfg, const struct mb_run_result *res)
{
	static bool warned;
	if (warned)
		return;
	char line[1024] = "";
	for (size_t i = 0; i < res->ncounters; i++) {
		if (!res->counter_errors[i])
			continue;
		size_t len = strlen(line);
		snprintf(line + len, sizeof line - len, "%s%s (%s)", len ? ", " : "",
			 mb_counters_name(cfg->counters, i), strerror(res->counter_errors[i]));
	}
	if (*line) {
		fprintf(stderr, "mapbench: warning: not counted on this machine: %s\n", line);
		warned = true;
	}
}

/* The memory guard: refuse a run that cannot fit in the memory available,
 * instead of being killed by the OOM killer halfway.  MemAvailable from
 * /proc/meminfo; no guard when it cannot be read. */
static uint64_t mem_available(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	if (!f)
		return 0;
	char line[256];
	unsigned long long kib = 0;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "MemAvailable: %llu kB", &kib) == 1)
			break;
	fclose(f);
	return (uint64_t)kib * 1024;
}

static void check_memory(const struct mb_sweep *sw)
{
	uint64_t avail = mem_available();
	if (!avail)
		return;
	for (size_t i = 0; i < mb_sweep_count(sw); i++) {
		struct mb_run_config cfg;
		mb_sweep_run_config(sw, i, &cfg, NULL);
		uint64_t need = mb_run_estimate_bytes(&cfg);
		if (need <= avail)
			continue;
		uint64_t tasks = cfg.threads * 32;
		mb_cmd_usage_error(tasks * 2 > need ? "--threads" : "--keys",
				   "the run of %s with %llu tasks and up to %llu keys needs about %.1f GiB, "
				   "more than the %.1f GiB available",
				   cfg.map->name, (unsigned long long)cfg.threads,
				   (unsigned long long)cfg.keys, (double)need / (1 << 30),
				   (double)avail / (1 << 30));
	}
}

/* -o, --csv and --record each write a whole file after the run: two of them
 * on one file would leave only the last, and -o or --csv over --replay's
 * file would replace the user's trace; refused before anything runs.
 * (--record over --replay rewrites the same stream: allowed.) */
static void check_distinct_files(const struct mb_sweep *sw)
{
	const char *opt[] = {"--replay", "--output", "--csv", "--record"};
	const char *path[] = {sw->replay, sw->output, sw->csv, sw->record};
	for (int j = 1; j < 4; j++)
		for (int i = 0; i < j; i++)
			if (!(i == 0 && j == 3) && mb_samefile(path[i], path[j]))
				mb_cmd_usage_error(opt[j], "'%s' is also %s's file: give each its own",
						   path[j], opt[i]);
}

/* The computed defaults, then the rules between options, then what only
 * the machine can tell: memory and events; --replay's stream is loaded and
 * --record's file opened (the outputs are opened right after, by
 * mb_run_output_open, before anything runs). */
static void resolve(struct mb_sweep *sw, struct mb_run_stream *streams)
{
	struct mb_opt_error err;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (mb_options_resolve(sw, cpus > 0 ? (unsigned)cpus : 1, MB_SWEEP_MAX_RUNS, &err))
		mb_cmd_usage_error(err.what, "%s", err.message);
	check_distinct_files(sw);
	/* a stream may take half of what is available: the map needs the rest */
	mb_run_stream_open(streams, sw, mem_available() / 2);
	check_memory(sw);
	resolve_events(sw);
}

/* The live progress line: on stderr when it is a terminal, redrawn a few
 * times a second from its own thread while a run executes. */
struct progress {
	pthread_t thread;
	atomic_bool done;
	atomic_uint_fast64_t ops;
	atomic_uint_fast64_t start_ns;
	size_t run, nruns;
	uint64_t budget_ops, duration_ns;
};

static void *progress_main(void *arg)
{
	struct progress *p = arg;
	uint64_t last_ops = 0, last_ns = mb_timer_monotonic_ns();
	double rate = 0;
	while (!atomic_load(&p->done)) {
		struct timespec ts = {0, 200000000};
		nanosleep(&ts, NULL);
		uint64_t start = atomic_load_explicit(&p->start_ns, memory_order_relaxed);
		uint64_t ops = atomic_load_explicit(&p->ops, memory_order_relaxed), now = mb_timer_monotonic_ns();
		if (!start)
			continue; /* still prefilling */
		if (now > last_ns)
			rate = (double)(ops - last_ops) / ((double)(now - last_ns) / 1e9);
		last_ops = ops;
		last_ns = now;
		double elapsed = (double)(now - start) / 1e9;
		double pct = p->budget_ops ? 100.0 * (double)ops / (double)p->budget_ops
					   : 100.0 * elapsed * 1e9 / (double)p->duration_ns;
		fprintf(stderr, "\r\033[Krun %zu/%zu  %.1fs  %5.1f%%  %.2f Mops/s", p->run, p->nruns,
			elapsed, pct > 100 ? 100 : pct, rate / 1e6);
	}
	fputs("\r\033[K", stderr);
	return NULL;
}

/* Run i of the sweep into r, with its progress line and --gctrace.
 * Returns mb_run_execute's code. */
static int run_one(const struct mb_sweep *sw, size_t i, size_t n, struct mb_result_run *r)
{
	mb_sweep_run_config(sw, i, &r->cfg, &r->rep);
	char label[96];
	mb_run_map_label(&r->cfg, label, sizeof label);
	struct trace_ctx trace = {i + 1, label};
	if (sw->gctrace) {
		r->cfg.trace = gctrace_line;
		r->cfg.trace_arg = &trace;
	}
	struct progress progress = {
		.run = i + 1,
		.nruns = n,
		.budget_ops = r->cfg.ops,
		.duration_ns = r->cfg.duration_ns,
	};
	bool show = !sw->quiet && isatty(STDERR_FILENO) &&
		    pthread_create(&progress.thread, NULL, progress_main, &progress) == 0;
	if (show) {
		r->cfg.progress_ops = &progress.ops;
		r->cfg.progress_start_ns = &progress.start_ns;
	}
	int rc = mb_run_execute(&r->cfg, &r->res, &mb_run_interrupted);
	if (show) {
		atomic_store(&progress.done, true);
		pthread_join(progress.thread, NULL);
	}
	if (rc)
		fprintf(stderr, "mapbench: run %zu (%s, %llu threads): %s\n", i + 1, label,
			(unsigned long long)r->cfg.threads, strerror(-rc));
	return rc;
}

/* The sweep's runs, in order, into runs[0..n-1], each a table row as it
 * ends, until all ran, one failed or a signal came.  Returns how many ran;
 * *status becomes failure or fatal as they say. */
static size_t run_sweep(const struct mb_sweep *sw, struct mb_result_run *runs, size_t n,
			FILE *table, int *status)
{
	size_t done = 0;
	for (size_t i = 0; i < n && !atomic_load(&mb_run_interrupted); i++) {
		struct mb_result_run *r = &runs[done];
		if (run_one(sw, i, n, r)) {
			*status = MB_EXIT_FAILURE;
			break;
		}
		done++;
		warn_unsupported(&r->cfg, &r->res);
		if (table)
			mb_table_row(table, &r->cfg, &r->res);
		if (r->res.outcome == MB_RUN_FATAL && *status == MB_EXIT_OK)
			*status = MB_EXIT_FATAL;
	}
	return done;
}

int mb_cmd_run(int argc, char **argv)
{
	build_argp_options();
	const struct argp argp = {argp_options, parse_opt, NULL, doc, NULL, NULL, NULL};
	struct run_args a;
	memset(&a, 0, sizeof a);
	if (mb_options_defaults(&a.sw)) {
		fprintf(stderr, "mapbench: out of memory\n");
		return MB_EXIT_FAILURE;
	}
	argp_parse(&argp, argc, argv, 0, NULL, &a.sw);
	struct mb_run_stream streams;
	resolve(&a.sw, &streams);
	struct mb_run_output out = {
		.output = a.sw.output,
		.csv = a.sw.csv,
		.json_stdout = a.sw.format == MB_SWEEP_FORMAT_JSON,
	};
	mb_run_output_open(&out);
	mb_run_stream_check_stdio(&a.sw, &out);

	size_t n = mb_sweep_count(&a.sw);
	struct mb_result_run *runs = calloc(n, sizeof *runs);
	if (!runs) {
		fprintf(stderr, "mapbench: out of memory\n");
		return MB_EXIT_FAILURE;
	}
	mb_run_signals_install();
	if (out.table)
		mb_table_header(out.table);
	int status = MB_EXIT_OK;
	size_t done = run_sweep(&a.sw, runs, n, out.table, &status);

	struct mb_result res = {
		.sweep = &a.sw,
		.runs = runs,
		.nruns = done,
		.interrupted = atomic_load(&mb_run_interrupted) != 0,
		.argc = argc,
		.argv = argv,
	};
	mb_host_read(&res.host);
	if (out.table)
		mb_table_footer(out.table, &res.host);
	if (mb_run_output_finish(&out, &res) && status == MB_EXIT_OK)
		status = MB_EXIT_FAILURE;
	if (mb_run_stream_finish(&streams, &a.sw) && status == MB_EXIT_OK)
		status = MB_EXIT_FAILURE;
	for (size_t i = 0; i < n; i++)
		mb_run_result_free(&runs[i].res);
	free(runs);
	mb_counters_free((struct mb_counters *)a.sw.counters);
	mb_options_free(&a.sw);
	if (atomic_load(&mb_run_interrupted))
		return 128 + atomic_load(&mb_run_interrupted);
	return status;
}
