/* mapbench run: parse and validate the options into a sweep, run it, print
 * the table and write the JSON.  Every bad value is one line on stderr that
 * names the option, and exit status 2, before anything runs. */
#include "commands.h"
#include "run_output.h"
#include "workload.h"

#include "maps/registry.h"
#include "report/host.h"
#include "report/result_csv.h"
#include "report/result_json.h"
#include "report/table.h"
#include "measure/counters.h"
#include "measure/timer.h"
#include "run/runner.h"
#include "run/sweep.h"
#include "util/atomic_file.h"
#include "util/parse.h"

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

#define MAX_THREADS UINT64_C(10000000)
#define MAX_PROCS 1024
/* Each run keeps its results, pause events included, until the document is
 * written: bound the sweep. */
#define MAX_RUNS 256

enum {
	OPT_MIX = 256,
	OPT_KEYS,
	OPT_PREFILL,
	OPT_SEED,
	OPT_HASH_SEED,
	OPT_GROW,
	OPT_FORMAT,
	OPT_LATENCY,
	OPT_CSV,
	OPT_COUNT,
	OPT_PAUSE_THRESHOLD,
	OPT_MAX_EVENTS,
	OPT_WINDOW,
	OPT_GCTRACE,
	OPT_QUIET,
	OPT_DIST,
	OPT_WARMUP,
	OPT_VALUE_SIZE,
	OPT_KEY_TYPE,
};

/* -e's default: what perf stat shows first, where the machine allows. */
static const char default_events[] =
	"cycles,instructions,cache-misses,branch-misses,task-clock,context-switches,page-faults";

static const struct argp_option options[] = {
	{"workload", 'w', "NAME|PATH", 0, "start from a workload file (mapbench list workloads); the other options override it", 0},
	{"map", 'm', "LIST", 0, "map designs to run (mapbench list maps); default plain,locked,rwlocked", 0},
	{"threads", 't', "LIST", 0, "concurrent logical tasks per run, 1 to 10M, e.g. 1,1k,1M; default 1,1k,1M", 0},
	{"procs", 'p', "N", 0, "worker OS threads that run the tasks, 1 to 1024; default: online CPUs (1 for maps not safe for concurrent use)", 0},
	{"mix", OPT_MIX, "MIX", 0, "op mix in percent: R:W[:D] (load:store:delete), read, write, mixed, or op=P,... with ops load, store, delete, load_or_store, load_and_delete, swap, cas, cad, range; default 90:10", 0},
	{"dist", OPT_DIST, "DIST", 0, "key distribution: uniform (default), zipf:S, sequential, hotspot:F:P, latest", 0},
	{"keys", OPT_KEYS, "N", 0, "key space: keys are drawn from [0, N); default 1M", 0},
	{"key-type", OPT_KEY_TYPE, "TYPE", 0, "int (default), string:LEN or string:MIN-MAX: string keys of LEN (or MIN to MAX) bytes, 1 to 1024, built before the run", 0},
	{"value-size", OPT_VALUE_SIZE, "N", 0, "0: int64 values inline (default); N from 8 to 65536: every stored value is a heap blob of N bytes, like a Go interface{} box", 0},
	{"prefill", OPT_PREFILL, "N", 0, "keys stored before timing, at most --keys; default keys/2", 0},
	{"ops", 'n', "N", 0, "operations per run, split over the tasks (excludes --duration)", 0},
	{"duration", 'd', "TIME", 0, "length of each run, e.g. 500ms, 2s, 1m; default 1s (excludes --ops)", 0},
	{"count", OPT_COUNT, "N", 0, "run each configuration N times, each recorded separately (like go test -count); default 1", 0},
	{"warmup", OPT_WARMUP, "TIME|OPS", 0, "run this long (e.g. 500ms) or this many ops (e.g. 1M) before each timed phase, unmeasured", 0},
	{"seed", OPT_SEED, "N", 0, "seed of the workload's random streams; default 1", 0},
	{"hash-seed", OPT_HASH_SEED, "N", 0, "fix the maps' hash seed (Go's hash0); default random", 0},
	{"grow", OPT_GROW, "MODE", 0, "how plain grows: incremental (Go) or stw (rehash all at once)", 0},
	{"latency", OPT_LATENCY, "MODE", 0, "time ops: sample:N (1 op in N per worker, default sample:64), all, or off", 0},
	{"output", 'o', "FILE", 0, "write the JSON result to FILE (atomically)", 0},
	{"pause-threshold", OPT_PAUSE_THRESHOLD, "TIME", 0, "record every stall at least this long, with its cause (grow, evacuate, rehash, promote, dirty-copy, lock-wait, reclaim, slow-op); 0ns records all, off records none; default 10us", 0},
	{"max-events", OPT_MAX_EVENTS, "N", 0, "pause events kept per run (more are counted as dropped); default 100k", 0},
	{"window", OPT_WINDOW, "TIME", 0, "time window of the pause heatmap; default 1s", 0},
	{"events", 'e', "LIST", 0, "count these libpfm4 events on each worker during the timed phase (mapbench list events), or none; default cycles,instructions,cache-misses,branch-misses,task-clock,context-switches,page-faults", 0},
	{"gctrace", OPT_GCTRACE, NULL, 0, "one stderr line per growth, promotion or reclamation cycle, like GODEBUG=gctrace=1 (see mapbench-run(1))", 0},
	{"quiet", 'q', NULL, 0, "no live progress line on stderr (it is shown only when stderr is a terminal)", 0},
	{"csv", OPT_CSV, "FILE", 0, "also write one CSV row per run to FILE (atomically)", 0},
	{"format", OPT_FORMAT, "FMT", 0, "stdout format: table (default) or json", 0},
	{0},
};

static const char doc[] =
	"Run map benchmarks: every combination of --map and --threads, one table "
	"row per run."
	"\v"
	"Counts take the suffixes k, M and G (1k = 1000); times need a unit "
	"(ns, us, ms, s, m, h); lists are comma-separated.\n"
	"Exit status: 0 ok, 1 runtime failure, 2 bad usage, 3 a run ended fatal, "
	"130/143 interrupted.";

enum format { FORMAT_TABLE, FORMAT_JSON };

struct run_args {
	struct mb_sweep sw;
	const char *output;
	const char *csv;
	const char *events;
	bool gctrace;
	bool quiet;
	unsigned format;
	bool ops_given, duration_given, keys_given;
	bool in_file;          /* parsing a workload file's lines */
	bool length_from_file; /* --ops or --duration came from a file */
};

static const char *const grow_names[] = {"incremental", "stw", NULL};
static const char *const format_names[] = {"table", "json", NULL};

static uint64_t count_arg(const char *opt, const char *arg, uint64_t min, uint64_t max)
{
	uint64_t v;
	int rc = mb_parse_count(arg, min, max, &v);
	if (rc == -EINVAL)
		mb_cmd_usage_error(opt, "expected a count like 8, 1k or 1M, got '%s'", arg);
	if (rc)
		mb_cmd_usage_error(opt, "expected a count from %llu to %llu, got '%s'",
				   (unsigned long long)min, (unsigned long long)max, arg);
	return v;
}

/* The list parsers split a copy, so argv stays intact for the JSON's echo
 * of the command line. */
static char *copy_arg(const char *arg)
{
	char *c = strdup(arg);
	if (!c) {
		fprintf(stderr, "mapbench: out of memory\n");
		exit(MB_EXIT_FAILURE);
	}
	return c;
}

static void duration_arg(const char *opt, const char *arg, int allow_zero, uint64_t *ns)
{
	int rc = mb_parse_duration(arg, allow_zero, ns);
	if (rc == -EINVAL)
		mb_cmd_usage_error(opt, "expected a time with a unit like 500ms, 2s or 1m, got '%s'", arg);
	if (rc)
		mb_cmd_usage_error(opt, "expected a time %sthat fits in 64-bit nanoseconds, got '%s'",
				   allow_zero ? "" : "above zero ", arg);
}

static void parse_maps(struct mb_sweep *sw, const char *arg)
{
	char *items[MB_SWEEP_MAX_LIST];
	size_t n;
	char *copy = copy_arg(arg);
	int rc = mb_parse_list(copy, items, MB_SWEEP_MAX_LIST, &n);
	if (rc)
		mb_cmd_usage_error("--map", "expected a comma-separated list of up to %d map names",
				   MB_SWEEP_MAX_LIST);
	for (size_t i = 0; i < n; i++) {
		sw->maps[i] = mb_registry_find(items[i]);
		if (!sw->maps[i]) {
			char known[256] = "";
			for (size_t j = 0; j < mb_registry_count(); j++) {
				if (j)
					strncat(known, ", ", sizeof known - strlen(known) - 1);
				strncat(known, mb_registry_at(j)->name,
					sizeof known - strlen(known) - 1);
			}
			mb_cmd_usage_error("--map", "unknown map '%s' (known: %s)", items[i], known);
		}
	}
	sw->nmaps = n;
	free(copy);
}

static void parse_threads(struct mb_sweep *sw, const char *arg)
{
	char *items[MB_SWEEP_MAX_LIST];
	size_t n;
	char *copy = copy_arg(arg);
	if (mb_parse_list(copy, items, MB_SWEEP_MAX_LIST, &n))
		mb_cmd_usage_error("--threads", "expected a comma-separated list of up to %d counts",
				   MB_SWEEP_MAX_LIST);
	for (size_t i = 0; i < n; i++)
		sw->threads[i] = count_arg("--threads", items[i], 1, MAX_THREADS);
	sw->nthreads = n;
	free(copy);
}

/* A run's length given on the command line replaces a workload file's,
 * whichever of --ops and --duration each used. */
static void take_length(struct run_args *a)
{
	if (a->in_file) {
		a->length_from_file = true;
	} else if (a->length_from_file) {
		a->length_from_file = false;
		a->ops_given = a->duration_given = false;
		a->sw.ops = a->sw.duration_ns = 0;
	}
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct run_args *a = state->input;
	struct mb_sweep *sw = &a->sw;
	uint64_t n;
	int rc;
	switch (key) {
	case 'm':
		parse_maps(sw, arg);
		return 0;
	case 't':
		parse_threads(sw, arg);
		return 0;
	case 'p':
		sw->procs = (unsigned)count_arg("--procs", arg, 1, MAX_PROCS);
		sw->procs_explicit = true;
		return 0;
	case OPT_MIX:
		rc = mb_parse_mix(arg, mb_op_kind_names, MB_OP_NKINDS, sw->mix);
		if (rc == -ERANGE)
			mb_cmd_usage_error("--mix", "percentages must each be 0..100 and sum to 100, got '%s'", arg);
		if (rc)
			mb_cmd_usage_error("--mix", "expected R:W[:D], read, write, mixed, or "
					   "op=percent pairs (load, store, delete, load_or_store, "
					   "load_and_delete, swap, cas, cad, range); got '%s'", arg);
		return 0;
	case OPT_KEYS:
		sw->keys = count_arg("--keys", arg, 1, UINT64_C(1) << 62);
		a->keys_given = true;
		return 0;
	case OPT_KEY_TYPE:
		rc = mb_keyspec_parse(arg, &sw->key_type);
		if (rc == -ERANGE)
			mb_cmd_usage_error("--key-type", "string lengths must be from 1 to %d bytes, MIN <= MAX; got '%s'",
					   MB_KEY_LEN_MAX, arg);
		if (rc)
			mb_cmd_usage_error("--key-type", "expected int, string:LEN or string:MIN-MAX, got '%s'", arg);
		return 0;
	case OPT_VALUE_SIZE:
		if (mb_parse_count(arg, 0, MB_MAP_VALUE_SIZE_MAX, &n) != 0 ||
		    (n != 0 && n < MB_MAP_VALUE_SIZE_MIN))
			mb_cmd_usage_error("--value-size", "expected 0 or a size in bytes from %d to %d, got '%s'",
					   MB_MAP_VALUE_SIZE_MIN, MB_MAP_VALUE_SIZE_MAX, arg);
		sw->value_size = (size_t)n;
		return 0;
	case OPT_PREFILL:
		sw->prefill = count_arg("--prefill", arg, 0, UINT64_C(1) << 62);
		sw->prefill_explicit = true;
		return 0;
	case 'n':
		take_length(a);
		sw->ops = count_arg("--ops", arg, 1, UINT64_C(1) << 62);
		a->ops_given = true;
		return 0;
	case 'd':
		take_length(a);
		duration_arg("--duration", arg, 0, &sw->duration_ns);
		a->duration_given = true;
		return 0;
	case OPT_COUNT:
		sw->count = (unsigned)count_arg("--count", arg, 1, MAX_RUNS);
		return 0;
	case OPT_SEED:
		sw->seed = count_arg("--seed", arg, 0, UINT64_MAX);
		return 0;
	case OPT_HASH_SEED:
		sw->hash_seed = count_arg("--hash-seed", arg, 0, UINT64_MAX);
		sw->hash_seed_set = true;
		return 0;
	case OPT_GROW: {
		unsigned g;
		if (mb_parse_choice(arg, grow_names, &g))
			mb_cmd_usage_error("--grow", "expected incremental or stw, got '%s'", arg);
		sw->grow = (enum mb_map_grow_mode)g;
		return 0;
	}
	case OPT_LATENCY:
		if (strcmp(arg, "all") == 0)
			sw->latency_every = 1;
		else if (strcmp(arg, "off") == 0)
			sw->latency_every = 0;
		else if (strncmp(arg, "sample:", 7) != 0 ||
			 mb_parse_count(arg + 7, 1, UINT32_MAX, &n) != 0)
			mb_cmd_usage_error("--latency", "expected all, off or sample:N with N from 1 to %u, got '%s'",
					   UINT32_MAX, arg);
		else
			sw->latency_every = (uint32_t)n;
		return 0;
	case 'o':
		a->output = arg;
		return 0;
	case OPT_CSV:
		a->csv = arg;
		return 0;
	case 'e':
		a->events = arg;
		return 0;
	case 'w':
		return 0; /* applied before the command line: see apply_workloads */
	case OPT_GCTRACE:
		a->gctrace = true;
		return 0;
	case 'q':
		a->quiet = true;
		return 0;
	case OPT_WARMUP:
		sw->warmup_ops = sw->warmup_ns = 0;
		if (mb_parse_duration(arg, 1, &sw->warmup_ns) != 0 &&
		    mb_parse_count(arg, 0, UINT64_C(1) << 62, &sw->warmup_ops) != 0)
			mb_cmd_usage_error("--warmup", "expected a time like 500ms or an op count like 1M, got '%s'", arg);
		return 0;
	case OPT_DIST:
		rc = mb_keydist_parse(arg, &sw->dist);
		if (rc == -ERANGE)
			mb_cmd_usage_error("--dist", "zipf's S must be in (0, 100], hotspot's F and P in (0, 1); got '%s'", arg);
		if (rc)
			mb_cmd_usage_error("--dist", "expected uniform, zipf:S, sequential, hotspot:F:P or latest, got '%s'", arg);
		return 0;
	case OPT_PAUSE_THRESHOLD:
		sw->pauses_off = strcmp(arg, "off") == 0;
		if (!sw->pauses_off)
			duration_arg("--pause-threshold", arg, 1, &sw->pause_threshold_ns);
		return 0;
	case OPT_WINDOW:
		duration_arg("--window", arg, 0, &sw->window_ns);
		return 0;
	case OPT_MAX_EVENTS:
		sw->max_events = (size_t)count_arg("--max-events", arg, 0, 10000000);
		return 0;
	case OPT_FORMAT:
		if (mb_parse_choice(arg, format_names, &a->format))
			mb_cmd_usage_error("--format", "expected table or json, got '%s'", arg);
		return 0;
	case ARGP_KEY_ARG:
		mb_cmd_usage_error("run", "unexpected argument '%s' (options start with --)", arg);
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* -e: resolved with libpfm4 before anything runs.  An unknown name is a
 * usage error; a libpfm4 that cannot start is a warning (nothing counted). */
static void resolve_events(struct run_args *a)
{
	const char *list = a->events ? a->events : default_events;
	if (strcmp(list, "none") == 0)
		return;
	char *copy = copy_arg(list);
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
	a->sw.counters = c;
	free(copy);
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

static void check_memory(const struct run_args *a)
{
	uint64_t avail = mem_available();
	if (!avail)
		return;
	for (size_t i = 0; i < mb_sweep_count(&a->sw); i++) {
		struct mb_run_config cfg;
		mb_sweep_run_config(&a->sw, i, &cfg, NULL);
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

/* The defaults, then the rules between options. */
static void resolve(struct run_args *a)
{
	struct mb_sweep *sw = &a->sw;
	if (a->ops_given && a->duration_given)
		mb_cmd_usage_error("--ops", "cannot be combined with --duration: give one length");
	if (!a->ops_given && !a->duration_given)
		sw->duration_ns = UINT64_C(1000000000);
	if (mb_sweep_count(sw) > MAX_RUNS)
		mb_cmd_usage_error("--map", "%zu maps x %zu thread counts x %u repetitions is %zu runs; at most %d per invocation",
				   sw->nmaps, sw->nthreads, sw->count, mb_sweep_count(sw), MAX_RUNS);
	if (!sw->prefill_explicit)
		sw->prefill = sw->keys / 2;
	if (sw->prefill > sw->keys)
		mb_cmd_usage_error("--prefill", "must be at most --keys (%llu), got %llu",
				   (unsigned long long)sw->keys, (unsigned long long)sw->prefill);
	if (sw->keys > mb_keyspec_distinct(&sw->key_type)) {
		char kt[64];
		mb_keyspec_format(&sw->key_type, kt, sizeof kt);
		mb_cmd_usage_error("--key-type", "%s names at most %llu distinct keys, fewer than --keys %llu",
				   kt, (unsigned long long)mb_keyspec_distinct(&sw->key_type),
				   (unsigned long long)sw->keys);
	}
	if (a->output) {
		int rc = mb_atomic_check(a->output);
		if (rc)
			mb_cmd_usage_error("--output", "cannot write '%s': %s", a->output,
					   strerror(-rc));
	}
	check_memory(a);
	resolve_events(a);
	if (a->csv) {
		int rc = mb_atomic_check(a->csv);
		if (rc)
			mb_cmd_usage_error("--csv", "cannot write '%s': %s", a->csv, strerror(-rc));
	}
}

static void set_defaults(struct run_args *a)
{
	struct mb_sweep *sw = &a->sw;
	static const char *const default_maps[] = {"plain", "locked", "rwlocked"};
	for (size_t i = 0; i < 3; i++)
		sw->maps[i] = mb_registry_find(default_maps[i]);
	sw->nmaps = 3;
	sw->threads[0] = 1;
	sw->threads[1] = 1000;
	sw->threads[2] = 1000000;
	sw->nthreads = 3;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	sw->procs = cpus > 0 ? (unsigned)(cpus > MAX_PROCS ? MAX_PROCS : cpus) : 1;
	sw->mix[MB_OP_LOAD] = 90;
	sw->mix[MB_OP_STORE] = 10;
	sw->keys = 1000000;
	sw->seed = 1;
	sw->grow = MB_MAP_GROW_INCREMENTAL;
	sw->latency_every = 64;
	sw->count = 1;
	sw->pause_threshold_ns = 10000;
	sw->max_events = 100000;
	sw->window_ns = UINT64_C(1000000000);
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

/* A workload line goes through the command line's own parser. */
static void apply_line(int key, const char *opt, char *value, void *arg)
{
	(void)opt;
	struct argp_state state;
	memset(&state, 0, sizeof state);
	state.input = arg;
	parse_opt(key, value, &state);
}

/* Every -w/--workload, in order, before the rest of the command line, so
 * that the command line overrides the files. */
static void apply_workloads(int argc, char **argv, struct run_args *a)
{
	for (int i = 1; i < argc; i++) {
		const char *name = NULL;
		if (strcmp(argv[i], "--") == 0)
			break;
		if ((strcmp(argv[i], "-w") == 0 || strcmp(argv[i], "--workload") == 0) && i + 1 < argc)
			name = argv[++i];
		else if (strncmp(argv[i], "--workload=", 11) == 0)
			name = argv[i] + 11;
		else if (strncmp(argv[i], "-w", 2) == 0 && argv[i][2])
			name = argv[i] + 2;
		if (name) {
			a->in_file = true;
			mb_workload_apply(name, options, apply_line, a);
			a->in_file = false;
			a->sw.workload = name;
		}
	}
}

int mb_cmd_run(int argc, char **argv)
{
	const struct argp argp = {options, parse_opt, NULL, doc, NULL, NULL, NULL};
	struct run_args a;
	memset(&a, 0, sizeof a);
	set_defaults(&a);
	apply_workloads(argc, argv, &a);
	argp_parse(&argp, argc, argv, 0, NULL, &a);
	resolve(&a);
	struct mb_run_output out = {
		.output = a.output,
		.csv = a.csv,
		.json_stdout = a.format == FORMAT_JSON,
	};
	mb_run_output_open(&out);

	size_t n = mb_sweep_count(&a.sw);
	struct mb_result_run *runs = calloc(n, sizeof *runs);
	if (!runs) {
		fprintf(stderr, "mapbench: out of memory\n");
		return MB_EXIT_FAILURE;
	}
	mb_run_signals_install();
	FILE *table = out.table;
	if (table)
		mb_table_header(table);

	int status = MB_EXIT_OK;
	size_t done = 0;
	for (size_t i = 0; i < n && !atomic_load(&mb_run_interrupted); i++) {
		struct mb_result_run *r = &runs[done];
		mb_sweep_run_config(&a.sw, i, &r->cfg, &r->rep);
		struct trace_ctx trace = {i + 1, r->cfg.map->name};
		if (a.gctrace) {
			r->cfg.trace = gctrace_line;
			r->cfg.trace_arg = &trace;
		}
		struct progress progress = {
			.run = i + 1,
			.nruns = n,
			.budget_ops = r->cfg.ops,
			.duration_ns = r->cfg.duration_ns,
		};
		bool show = !a.quiet && isatty(STDERR_FILENO) &&
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
		if (rc) {
			fprintf(stderr, "mapbench: run %zu (%s, %llu threads): %s\n", i + 1,
				r->cfg.map->name, (unsigned long long)r->cfg.threads,
				strerror(-rc));
			status = MB_EXIT_FAILURE;
			break;
		}
		done++;
		warn_unsupported(&r->cfg, &r->res);
		if (table)
			mb_table_row(table, &r->cfg, &r->res);
		if (r->res.outcome == MB_RUN_FATAL && status == MB_EXIT_OK)
			status = MB_EXIT_FATAL;
	}

	struct mb_result res = {
		.sweep = &a.sw,
		.runs = runs,
		.nruns = done,
		.interrupted = atomic_load(&mb_run_interrupted) != 0,
		.argc = argc,
		.argv = argv,
	};
	mb_host_read(&res.host);
	if (table)
		mb_table_footer(table, &res.host);
	if (mb_run_output_finish(&out, &res) && status == MB_EXIT_OK)
		status = MB_EXIT_FAILURE;
	for (size_t i = 0; i < n; i++)
		mb_run_result_free(&runs[i].res);
	free(runs);
	mb_counters_free((struct mb_counters *)a.sw.counters);
	if (atomic_load(&mb_run_interrupted))
		return 128 + atomic_load(&mb_run_interrupted);
	return status;
}
