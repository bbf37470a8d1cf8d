/* The option table of `mapbench run` and what is derived from it.  See
 * options.h. */
#include "run/options.h"

#include "lock/policy.h"
#include "maps/registry.h"
#include "measure/counters.h"
#include "run/timeseries.h"
#include "util/parse.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(struct mb_opt_error *err, int rc, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(struct mb_opt_error *err, int rc, const char *what, const char *fmt, ...)
{
	if (err) {
		snprintf(err->what, sizeof err->what, "%s", what);
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->message, sizeof err->message, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* ---- the parsers of the custom rows ---- */

static int count_item(const char *what, const char *arg, uint64_t min, uint64_t max,
		      uint64_t *v, struct mb_opt_error *err)
{
	int rc = mb_parse_count(arg, min, max, v);
	if (rc == -EINVAL)
		return fail(err, rc, what, "expected a count like 8, 1k or 1M, got '%s'", arg);
	if (rc)
		return fail(err, -ERANGE, what, "expected a count from %llu to %llu, got '%s'",
			    (unsigned long long)min, (unsigned long long)max, arg);
	return 0;
}

static int duration_item(const char *what, const char *arg, bool allow_zero, uint64_t *ns,
			 struct mb_opt_error *err)
{
	int rc = mb_parse_duration(arg, allow_zero, ns);
	if (rc == -EINVAL)
		return fail(err, rc, what,
			    "expected a time with a unit like 500ms, 2s or 1m, got '%s'", arg);
	if (rc)
		return fail(err, -ERANGE, what,
			    "expected a time %sthat fits in 64-bit nanoseconds, got '%s'",
			    allow_zero ? "" : "above zero ", arg);
	return 0;
}

/* Splits a copy of a comma-separated list for option what, whose items
 * are nouns ("map names"); *copy is the caller's to free (also on error).
 * Returns 0, or -ENOMEM / -EINVAL with err filled. */
static int split_list(const char *arg, const char *what, const char *nouns, char **copy,
		      char **items, size_t *n, struct mb_opt_error *err)
{
	*copy = strdup(arg);
	if (!*copy)
		return fail(err, -ENOMEM, what, "out of memory");
	if (mb_parse_list(*copy, items, MB_SWEEP_MAX_LIST, n))
		return fail(err, -EINVAL, what, "expected a comma-separated list of up to %d %s",
			    MB_SWEEP_MAX_LIST, nouns);
	return 0;
}

static int parse_maps(struct mb_sweep *sw, const char *arg, struct mb_opt_error *err)
{
	char *copy, *items[MB_SWEEP_MAX_LIST];
	size_t n;
	int rc = split_list(arg, "--map", "map names", &copy, items, &n, err);
	if (rc) {
		free(copy);
		return rc;
	}
	const struct mb_map_ops *maps[MB_SWEEP_MAX_LIST];
	uint32_t params[MB_SWEEP_MAX_LIST];
	for (size_t i = 0; i < n && !rc; i++) {
		int prc = mb_registry_parse(items[i], &maps[i], &params[i]);
		if (prc == 0)
			continue;
		if (prc != -ENOENT) {
			const char *colon = strchr(items[i], ':');
			const struct mb_map_ops *d = NULL;
			if (colon) {
				char name[64];
				snprintf(name, sizeof name, "%.*s", (int)(colon - items[i]), items[i]);
				d = mb_registry_find(name);
			}
			rc = d && !mb_registry_has_param(d)
				     ? fail(err, -EINVAL, "--map", "map '%s' takes no parameter in '%s'",
					    d->name, items[i])
				     : fail(err, prc, "--map",
					    "bad parameter in '%s' (sharded:N takes N a power of two from 1 to 65536; see mapbench list maps)",
					    items[i]);
			continue;
		}
		char known[256] = "";
		for (size_t j = 0; j < mb_registry_count(); j++) {
			if (j)
				strncat(known, ", ", sizeof known - strlen(known) - 1);
			strncat(known, mb_registry_at(j)->name, sizeof known - strlen(known) - 1);
		}
		rc = fail(err, -EINVAL, "--map", "unknown map '%s' (known: %s)", items[i], known);
	}
	if (!rc) {
		memcpy(sw->maps, maps, n * sizeof maps[0]);
		memcpy(sw->map_params, params, n * sizeof params[0]);
		sw->nmaps = n;
	}
	free(copy);
	return rc;
}

static int parse_locks(struct mb_sweep *sw, const char *arg, struct mb_opt_error *err)
{
	char *copy, *items[MB_SWEEP_MAX_LIST];
	size_t n;
	int rc = split_list(arg, "--lock", "lock policies (go, pthread, spin)", &copy, items, &n, err);
	if (rc) {
		free(copy);
		return rc;
	}
	enum mb_lock_policy locks[MB_SWEEP_MAX_LIST];
	for (size_t i = 0; i < n && !rc; i++)
		if (mb_lock_policy_parse(items[i], &locks[i]))
			rc = fail(err, -EINVAL, "--lock",
				  "unknown lock '%s' (known: go, pthread, spin; see mapbench list locks)",
				  items[i]);
	if (!rc) {
		memcpy(sw->locks, locks, n * sizeof locks[0]);
		sw->nlocks = n;
	}
	free(copy);
	return rc;
}

static int parse_threads(struct mb_sweep *sw, const char *arg, struct mb_opt_error *err)
{
	char *copy, *items[MB_SWEEP_MAX_LIST];
	size_t n;
	int rc = split_list(arg, "--threads", "counts", &copy, items, &n, err);
	if (rc) {
		free(copy);
		return rc;
	}
	uint64_t v[MB_SWEEP_MAX_LIST];
	for (size_t i = 0; i < n && !rc; i++)
		rc = count_item("--threads", items[i], 1, MB_SWEEP_MAX_THREADS, &v[i], err);
	if (!rc) {
		memcpy(sw->threads, v, n * sizeof v[0]);
		sw->nthreads = n;
	}
	free(copy);
	return rc;
}

static int parse_mix(struct mb_sweep *sw, const char *arg, struct mb_opt_error *err)
{
	unsigned mix[MB_OP_NKINDS];
	int rc = mb_parse_mix(arg, mb_op_kind_names, MB_OP_NKINDS, mix);
	if (rc == -ERANGE)
		return fail(err, rc, "--mix",
			    "percentages must each be 0..100 and sum to 100, got '%s'", arg);
	if (rc)
		return fail(err, -EINVAL, "--mix",
			    "expected R:W[:D], read, write, mixed, or op=percent pairs (load, store, "
			    "delete, load_or_store, load_and_delete, swap, cas, cad, range); got '%s'",
			    arg);
	memcpy(sw->mix, mix, sizeof mix);
	return 0;
}

static int parse_dist(struct mb_sweep *sw, const char *arg, struct mb_opt_error *err)
{
	struct mb_keydist d;
	int rc = mb_keydist_parse(arg, &d);
	if (rc == -ERANGE)
		return fail(err, rc, "--dist",
			    "zipf's S must be in (0, 100], hotspot's F and P in (0, 1); got '%s'", arg);
	if (rc)
		return fail(err, -EINVAL, "--dist",
			    "expected uniform, zipf:S, sequential, hotspot:F:P or latest, got '%s'", arg);
	sw->dist = d;
	return 0;
}

static int parse_key_type(struct mb_sweep *sw, const char *arg, struct mb_opt_error *err)
{
	struct mb_keyspec k;
	int rc = mb_keyspec_parse(arg, &k);
	if (rc == -ERANGE)
		return fail(err, rc, "--key-type",
			    "string lengths must be from 1 to %d bytes, MIN <= MAX; got '%s'",
			    MB_KEY_LEN_MAX, arg);
	if (rc)
		return fail(err, -EINVAL, "--key-type",
			    "expected int, string:LEN or string:MIN-MAX, got '%s'", arg);
	sw->key_type = k;
	return 0;
}

static int parse_value_size(struct mb_sweep *sw, const char *arg, struct mb_opt_error *err)
{
	uint64_t n;
	if (mb_parse_count(arg, 0, MB_MAP_VALUE_SIZE_MAX, &n) != 0 ||
	    (n != 0 && n < MB_MAP_VALUE_SIZE_MIN))
		return fail(err, -EINVAL, "--value-size",
			    "expected 0 or a size in bytes from %d to %d, got '%s'",
			    MB_MAP_VALUE_SIZE_MIN, MB_MAP_VALUE_SIZE_MAX, arg);
	sw->value_size = (size_t)n;
	return 0;
}

static int parse_warmup(struct mb_sweep *sw, const char *arg, struct mb_opt_error *err)
{
	uint64_t ns = 0, ops = 0;
	if (mb_parse_duration(arg, 1, &ns) != 0 &&
	    mb_parse_count(arg, 0, UINT64_C(1) << 62, &ops) != 0)
		return fail(err, -EINVAL, "--warmup",
			    "expected a time like 500ms or an op count like 1M, got '%s'", arg);
	sw->warmup_ns = ns;
	sw->warmup_ops = ops;
	return 0;
}

static int parse_latency(struct mb_sweep *sw, const char *arg, struct mb_opt_error *err)
{
	uint64_t n;
	if (strcmp(arg, "all") == 0)
		n = 1;
	else if (strcmp(arg, "off") == 0)
		n = 0;
	else if (strncmp(arg, "sample:", 7) != 0 || mb_parse_count(arg + 7, 1, UINT32_MAX, &n) != 0)
		return fail(err, -EINVAL, "--latency",
			    "expected all, off or sample:N with N from 1 to %u, got '%s'",
			    UINT32_MAX, arg);
	sw->latency_every = (uint32_t)n;
	return 0;
}

static int parse_pause_threshold(struct mb_sweep *sw, const char *arg, struct mb_opt_error *err)
{
	uint64_t ns = 0;
	bool off = strcmp(arg, "off") == 0;
	if (!off) {
		int rc = duration_item("--pause-threshold", arg, true, &ns, err);
		if (rc)
			return rc;
	}
	sw->pauses_off = off;
	sw->pause_threshold_ns = ns;
	return 0;
}

/* ---- the echoes of the rows that need their own ---- */

static void echo_maps(const struct mb_sweep *sw, json_t *config)
{
	json_t *a = json_array();
	for (size_t i = 0; i < sw->nmaps; i++) {
		char label[96];
		if (sw->map_params[i])
			snprintf(label, sizeof label, "%s:%u", sw->maps[i]->name,
				 (unsigned)sw->map_params[i]);
		else
			snprintf(label, sizeof label, "%s", sw->maps[i]->name);
		json_array_append_new(a, json_string(label));
	}
	json_object_set_new(config, "maps", a);
}

static void echo_locks(const struct mb_sweep *sw, json_t *config)
{
	json_t *a = json_array();
	for (size_t i = 0; i < sw->nlocks; i++)
		json_array_append_new(a, json_string(mb_lock_policy_name(sw->locks[i])));
	json_object_set_new(config, "locks", a);
}

static void echo_threads(const struct mb_sweep *sw, json_t *config)
{
	json_t *a = json_array();
	for (size_t i = 0; i < sw->nthreads; i++)
		json_array_append_new(a, json_integer((json_int_t)sw->threads[i]));
	json_object_set_new(config, "threads", a);
}

static void echo_procs(const struct mb_sweep *sw, json_t *config)
{
	json_object_set_new(config, "procs", json_integer(sw->procs));
	json_object_set_new(config, "procs_explicit",
			    json_boolean(mb_options_given(sw, MB_OPTID_PROCS)));
}

static void echo_mix(const struct mb_sweep *sw, json_t *config)
{
	json_t *mix = json_object();
	for (int k = 0; k < MB_OP_NKINDS; k++) {
		char key[64];
		snprintf(key, sizeof key, "%s_pct", mb_op_kind_name(k));
		json_object_set_new(mix, key, json_integer(sw->mix[k]));
	}
	json_object_set_new(config, "mix", mix);
}

static void echo_dist(const struct mb_sweep *sw, json_t *config)
{
	char s[64];
	mb_keydist_format(&sw->dist, s, sizeof s);
	json_object_set_new(config, "dist", json_string(s));
}

static void echo_key_type(const struct mb_sweep *sw, json_t *config)
{
	char s[64];
	mb_keyspec_format(&sw->key_type, s, sizeof s);
	json_object_set_new(config, "key_type", json_string(s));
}

static void echo_value_size(const struct mb_sweep *sw, json_t *config)
{
	json_object_set_new(config, "value_size_bytes", json_integer((json_int_t)sw->value_size));
}

static json_t *int_or_null(uint64_t v)
{
	return v ? json_integer((json_int_t)v) : json_null();
}

static void echo_warmup(const struct mb_sweep *sw, json_t *config)
{
	json_object_set_new(config, "warmup_ops", int_or_null(sw->warmup_ops));
	json_object_set_new(config, "warmup_ns", int_or_null(sw->warmup_ns));
}

static void echo_latency(const struct mb_sweep *sw, json_t *config)
{
	char s[32];
	if (sw->latency_every <= 1)
		snprintf(s, sizeof s, "%s", sw->latency_every ? "all" : "off");
	else
		snprintf(s, sizeof s, "sample:%u", (unsigned)sw->latency_every);
	json_object_set_new(config, "latency", json_string(s));
}

static void echo_pause_threshold(const struct mb_sweep *sw, json_t *config)
{
	json_object_set_new(config, "pause_threshold_ns",
			    sw->pauses_off ? json_null()
					   : json_integer((json_int_t)sw->pause_threshold_ns));
}

/* The events resolved (what is counted), not the text given. */
static void echo_events(const struct mb_sweep *sw, json_t *config)
{
	json_t *a = json_array();
	for (size_t i = 0; i < mb_counters_count(sw->counters); i++)
		json_array_append_new(a, json_string(mb_counters_name(sw->counters, i)));
	json_object_set_new(config, "events", a);
}

/* ---- the table ---- */

static const char *const format_names[] = {"table", "json", NULL};

#define FIELD(m) offsetof(struct mb_sweep, m), sizeof(((struct mb_sweep *)0)->m)

static const struct mb_option table[MB_OPTID_N] = {
	[MB_OPTID_WORKLOAD] = {
		.name = "workload", .short_key = 'w', .arg = "NAME|PATH", .kind = MB_OPTK_STRING,
		FIELD(workload), .json = "workload", .flags = MB_OPTF_NOFILE,
		.help = "start from a workload file (mapbench list workloads); the other options override it"},
	[MB_OPTID_MAP] = {
		.name = "map", .short_key = 'm', .arg = "LIST", .kind = MB_OPTK_CUSTOM,
		.def = "plain,locked,rwlocked", .json = "maps", .flags = MB_OPTF_SWEEP,
		.parse = parse_maps, .echo = echo_maps,
		.help = "map designs to run (mapbench list maps)"},
	[MB_OPTID_LOCK] = {
		.name = "lock", .arg = "LIST", .kind = MB_OPTK_CUSTOM, .def = "go",
		.json = "locks", .flags = MB_OPTF_SWEEP, .parse = parse_locks, .echo = echo_locks,
		.help = "the lock of the designs that take one (locked, rwlocked, sync, sharded, hashtrie; mapbench list locks): go (Go's sync.Mutex/RWMutex, tasks park), pthread, spin; a list sweeps"},
	[MB_OPTID_THREADS] = {
		.name = "threads", .short_key = 't', .arg = "LIST", .kind = MB_OPTK_CUSTOM,
		.def = "1,1k,1M", .json = "threads", .flags = MB_OPTF_REPLAYED | MB_OPTF_SWEEP,
		.parse = parse_threads, .echo = echo_threads,
		.help = "concurrent logical tasks per run, 1 to 10M, e.g. 1,1k,1M"},
	[MB_OPTID_PROCS] = {
		.name = "procs", .short_key = 'p', .arg = "N", .kind = MB_OPTK_COUNT, FIELD(procs),
		.min = 1, .max = MB_SWEEP_MAX_PROCS, .def = "online CPUs", .def_computed = true,
		.json = "procs", .json2 = "procs_explicit", .flags = MB_OPTF_SWEEP,
		.echo = echo_procs,
		.help = "worker OS threads that run the tasks, 1 to 1024 (1 for maps not safe for concurrent use unless given)"},
	[MB_OPTID_MIX] = {
		.name = "mix", .arg = "MIX", .kind = MB_OPTK_CUSTOM, .def = "90:10", .json = "mix",
		.parse = parse_mix, .echo = echo_mix, .flags = MB_OPTF_REPLAYED,
		.help = "op mix in percent: R:W[:D] (load:store:delete), read, write, mixed, or op=P,... with ops load, store, delete, load_or_store, load_and_delete, swap, cas, cad, range"},
	[MB_OPTID_DIST] = {
		.name = "dist", .arg = "DIST", .kind = MB_OPTK_CUSTOM, .def = "uniform", .json = "dist",
		.parse = parse_dist, .echo = echo_dist, .flags = MB_OPTF_REPLAYED | MB_OPTF_NULL_REPLAY,
		.help = "key distribution: uniform, zipf:S, sequential, hotspot:F:P, latest"},
	[MB_OPTID_KEYS] = {
		.name = "keys", .arg = "N", .kind = MB_OPTK_COUNT, FIELD(keys), .min = 1,
		.max = UINT64_C(1) << 62, .def = "1M", .json = "keys",
		.help = "key space: keys are drawn from [0, N)"},
	[MB_OPTID_KEY_TYPE] = {
		.name = "key-type", .arg = "TYPE", .kind = MB_OPTK_CUSTOM, .def = "int",
		.json = "key_type", .parse = parse_key_type, .echo = echo_key_type,
		.help = "int, string:LEN or string:MIN-MAX: string keys of LEN (or MIN to MAX) bytes, 1 to 1024, built before the run"},
	[MB_OPTID_VALUE_SIZE] = {
		.name = "value-size", .arg = "N", .kind = MB_OPTK_CUSTOM, .def = "0",
		.json = "value_size_bytes", .parse = parse_value_size, .echo = echo_value_size,
		.help = "0: int64 values inline; N from 8 to 65536: every stored value is a heap blob of N bytes, like a Go interface{} box"},
	[MB_OPTID_PREFILL] = {
		.name = "prefill", .arg = "N", .kind = MB_OPTK_COUNT, FIELD(prefill), .min = 0,
		.max = UINT64_C(1) << 62, .def = "keys/2", .def_computed = true, .json = "prefill",
		.help = "keys stored before timing, at most --keys"},
	[MB_OPTID_OPS] = {
		.name = "ops", .short_key = 'n', .arg = "N", .kind = MB_OPTK_COUNT, FIELD(ops),
		.min = 1, .max = UINT64_C(1) << 62, .json = "ops",
		.flags = MB_OPTF_REPLAYED | MB_OPTF_LENGTH | MB_OPTF_NULL_ZERO,
		.help = "operations per run, split over the tasks (excludes --duration)"},
	[MB_OPTID_DURATION] = {
		.name = "duration", .short_key = 'd', .arg = "TIME", .kind = MB_OPTK_DURATION,
		FIELD(duration_ns), .min = 1, .def = "1s", .def_computed = true,
		.json = "duration_ns", .flags = MB_OPTF_REPLAYED | MB_OPTF_LENGTH | MB_OPTF_NULL_ZERO,
		.help = "length of each run, e.g. 500ms, 2s, 1m (excludes --ops)"},
	[MB_OPTID_COUNT] = {
		.name = "count", .arg = "N", .kind = MB_OPTK_COUNT, FIELD(count), .min = 1,
		.max = MB_SWEEP_MAX_RUNS, .def = "1", .json = "count", .flags = MB_OPTF_BOOKKEEPING,
		.help = "run each configuration N times, each recorded separately (like go test -count)"},
	[MB_OPTID_WARMUP] = {
		.name = "warmup", .arg = "TIME|OPS", .kind = MB_OPTK_CUSTOM, .def = "none",
		.def_computed = true, .json = "warmup_ops", .json2 = "warmup_ns",
		.parse = parse_warmup, .echo = echo_warmup, .flags = MB_OPTF_REPLAYED,
		.help = "run this long (e.g. 500ms) or this many ops (e.g. 1M) before each timed phase, unmeasured"},
	[MB_OPTID_SEED] = {
		.name = "seed", .arg = "N", .kind = MB_OPTK_COUNT, FIELD(seed), .min = 0,
		.max = UINT64_MAX, .def = "1", .json = "seed",
		.help = "seed of the workload's random streams"},
	[MB_OPTID_HASH_SEED] = {
		.name = "hash-seed", .arg = "N", .kind = MB_OPTK_COUNT, FIELD(hash_seed), .min = 0,
		.max = UINT64_MAX, .def = "random", .def_computed = true, .json = "hash_seed",
		.flags = MB_OPTF_NULL_UNSET,
		.help = "fix the maps' hash seed (Go's hash0)"},
	[MB_OPTID_GROW] = {
		.name = "grow", .arg = "MODE", .kind = MB_OPTK_CHOICE, FIELD(grow),
		.choices = mb_map_grow_names, .def = "incremental", .json = "grow",
		.help = "how plain grows: incremental (Go) or stw (rehash all at once)"},
	[MB_OPTID_LATENCY] = {
		.name = "latency", .arg = "MODE", .kind = MB_OPTK_CUSTOM, .def = "sample:64",
		.json = "latency", .parse = parse_latency, .echo = echo_latency,
		.help = "time ops: sample:N (1 op in N per worker), all, or off"},
	[MB_OPTID_OUTPUT] = {
		.name = "output", .short_key = 'o', .arg = "FILE", .kind = MB_OPTK_STRING,
		FIELD(output), .flags = MB_OPTF_NOFILE,
		.help = "write the JSON result to FILE (atomically)"},
	[MB_OPTID_RECORD] = {
		.name = "record", .arg = "FILE", .kind = MB_OPTK_STRING, FIELD(record),
		.flags = MB_OPTF_NOFILE,
		.help = "write the ops the run executes, per task in order, to FILE (atomically): text when FILE ends in .txt, else binary (mapbench-opstream(5)); one run with --ops or --replay"},
	[MB_OPTID_REPLAY] = {
		.name = "replay", .arg = "FILE", .kind = MB_OPTK_STRING, FIELD(replay),
		.json = "replay", .flags = MB_OPTF_NOFILE | MB_OPTF_NULL_UNSET,
		.help = "run the op stream in FILE (binary or text, mapbench-opstream(5)) instead of drawing ops: it sets the tasks, ops and mix"},
	[MB_OPTID_PAUSE_THRESHOLD] = {
		.name = "pause-threshold", .arg = "TIME", .kind = MB_OPTK_CUSTOM, .def = "10us",
		.json = "pause_threshold_ns", .parse = parse_pause_threshold,
		.echo = echo_pause_threshold,
		.help = "record every stall at least this long, with its cause (grow, evacuate, split, promote, lock-wait, reclaim, slow-op ...: mapbench-json(5)); 0 records all, off records none"},
	[MB_OPTID_MAX_EVENTS] = {
		.name = "max-events", .arg = "N", .kind = MB_OPTK_COUNT, FIELD(max_events), .min = 0,
		.max = 10000000, .def = "100k", .json = "max_events", .flags = MB_OPTF_BOOKKEEPING,
		.help = "pause events kept per run (more are counted as dropped)"},
	[MB_OPTID_WINDOW] = {
		.name = "window", .arg = "TIME", .kind = MB_OPTK_DURATION, FIELD(window_ns), .min = 1,
		.def = "1s", .json = "window_ns",
		.help = "time window of the pause heatmap and the time series (the default widens for runs over 10000s)"},
	[MB_OPTID_EVENTS] = {
		.name = "events", .short_key = 'e', .arg = "LIST", .kind = MB_OPTK_STRING,
		FIELD(events), .def = "the perf stat set that opens here", .def_computed = true,
		.json = "events", .flags = MB_OPTF_BOOKKEEPING, .echo = echo_events,
		.help = "count these libpfm4 events on each worker during the timed phase (mapbench list events), or none; the default is cycles, instructions, cache-misses, branch-misses, task-clock, context-switches and page-faults, those that open on this machine"},
	[MB_OPTID_GCTRACE] = {
		.name = "gctrace", .kind = MB_OPTK_FLAG, FIELD(gctrace),
		.help = "one stderr line per growth, promotion or reclamation cycle, like GODEBUG=gctrace=1 (see mapbench-run(1))"},
	[MB_OPTID_QUIET] = {
		.name = "quiet", .short_key = 'q', .kind = MB_OPTK_FLAG, FIELD(quiet),
		.help = "no live progress line on stderr (it is shown only when stderr is a terminal)"},
	[MB_OPTID_CSV] = {
		.name = "csv", .arg = "FILE", .kind = MB_OPTK_STRING, FIELD(csv),
		.help = "also write one CSV row per run to FILE (atomically)"},
	[MB_OPTID_FORMAT] = {
		.name = "format", .arg = "FMT", .kind = MB_OPTK_CHOICE, FIELD(format),
		.choices = format_names, .def = "table",
		.help = "stdout format: table or json"},
};

const struct mb_option *mb_options_at(enum mb_opt_id id)
{
	return (unsigned)id < MB_OPTID_N ? &table[id] : NULL;
}

const struct mb_option *mb_options_find(const char *name)
{
	for (size_t i = 0; i < MB_OPTID_N; i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

/* ---- setting a value ---- */

static void store_uint(struct mb_sweep *sw, const struct mb_option *o, uint64_t v)
{
	char *p = (char *)sw + o->offset;
	if (o->size == sizeof(uint32_t)) {
		uint32_t w = (uint32_t)v;
		memcpy(p, &w, sizeof w);
	} else {
		memcpy(p, &v, sizeof v);
	}
}

/* "expected a or b, got 'x'" from a choice row's names. */
static int bad_choice(const struct mb_option *o, const char *what, const char *arg,
		      struct mb_opt_error *err)
{
	char names[256] = "";
	for (size_t i = 0; o->choices[i]; i++) {
		size_t len = strlen(names);
		snprintf(names + len, sizeof names - len, "%s%s",
			 i == 0 ? "" : o->choices[i + 1] ? ", " : " or ", o->choices[i]);
	}
	return fail(err, -EINVAL, what, "expected %s, got '%s'", names, arg);
}

/* Reads arg into the row's field by its kind. */
static int parse_value(struct mb_sweep *sw, const struct mb_option *o, const char *arg,
		       struct mb_opt_error *err)
{
	char what[80];
	snprintf(what, sizeof what, "--%s", o->name);
	uint64_t v = 0;
	unsigned c;
	int rc = 0;
	switch (o->kind) {
	case MB_OPTK_COUNT:
		rc = count_item(what, arg, o->min, o->max, &v, err);
		if (!rc)
			store_uint(sw, o, v);
		return rc;
	case MB_OPTK_DURATION:
		rc = duration_item(what, arg, o->min == 0, &v, err);
		if (!rc)
			store_uint(sw, o, v);
		return rc;
	case MB_OPTK_CHOICE:
		if (mb_parse_choice(arg, o->choices, &c))
			return bad_choice(o, what, arg, err);
		store_uint(sw, o, c);
		return 0;
	case MB_OPTK_FLAG:
		*(bool *)((char *)sw + o->offset) = true;
		return 0;
	case MB_OPTK_STRING: {
		char *copy = strdup(arg);
		if (!copy)
			return fail(err, -ENOMEM, what, "out of memory");
		char **slot = (char **)((char *)sw + o->offset);
		free(*slot);
		*slot = copy;
		return 0;
	}
	case MB_OPTK_CUSTOM:
		return o->parse(sw, arg, err);
	}
	return fail(err, -EINVAL, what, "unknown option kind");
}

/* The length options replace each other across sources: a command-line
 * length drops a file's; a file's length yields to the command line's. */
static bool length_yields(struct mb_sweep *sw, const struct mb_option *o,
			  enum mb_opt_source src)
{
	if (!(o->flags & MB_OPTF_LENGTH))
		return false;
	uint64_t cli_lengths = 0;
	for (size_t i = 0; i < MB_OPTID_N; i++)
		if (table[i].flags & MB_OPTF_LENGTH)
			cli_lengths |= UINT64_C(1) << i;
	if (src == MB_OPTSRC_FILE)
		return (sw->set_cli & cli_lengths) != 0;
	if (src == MB_OPTSRC_CLI) {
		for (size_t i = 0; i < MB_OPTID_N; i++) {
			uint64_t bit = UINT64_C(1) << i;
			if ((cli_lengths & bit) && (sw->set & bit) && !(sw->set_cli & bit)) {
				store_uint(sw, &table[i], 0);
				sw->set &= ~bit;
			}
		}
	}
	return false;
}

int mb_options_set(struct mb_sweep *sw, enum mb_opt_id id, const char *arg,
		   enum mb_opt_source src, struct mb_opt_error *err)
{
	const struct mb_option *o = mb_options_at(id);
	if (!o)
		return fail(err, -EINVAL, "option", "no option %d", (int)id);
	uint64_t bit = UINT64_C(1) << id;
	if (src == MB_OPTSRC_FILE && (sw->set_cli & bit))
		return 0;
	if (length_yields(sw, o, src))
		return 0;
	int rc = parse_value(sw, o, arg, err);
	if (rc || src == MB_OPTSRC_DEFAULT)
		return rc;
	sw->set |= bit;
	if (src == MB_OPTSRC_CLI)
		sw->set_cli |= bit;
	return 0;
}

int mb_options_defaults(struct mb_sweep *sw)
{
	for (size_t i = 0; i < MB_OPTID_N; i++) {
		const struct mb_option *o = &table[i];
		if (!o->def || o->def_computed)
			continue;
		struct mb_opt_error err;
		int rc = mb_options_set(sw, (enum mb_opt_id)i, o->def, MB_OPTSRC_DEFAULT, &err);
		if (rc)
			return rc; /* a default the parser refuses is a bug the unit test catches */
	}
	return 0;
}

int mb_options_resolve(struct mb_sweep *sw, unsigned cpus, size_t max_runs,
		       struct mb_opt_error *err)
{
	bool ops = mb_options_given(sw, MB_OPTID_OPS), dur = mb_options_given(sw, MB_OPTID_DURATION);
	bool replay = mb_options_given(sw, MB_OPTID_REPLAY);
	if (ops && dur)
		return fail(err, -EINVAL, "--ops", "cannot be combined with --duration: give one length");
	for (size_t i = 0; i < MB_OPTID_N && replay; i++)
		if ((table[i].flags & MB_OPTF_REPLAYED) && mb_options_given(sw, (enum mb_opt_id)i))
			return fail(err, -EINVAL, "--replay",
				    "cannot be combined with --%s: the stream sets the tasks, their ops and their number",
				    table[i].name);
	if (mb_options_given(sw, MB_OPTID_RECORD) && !ops && !replay)
		return fail(err, -EINVAL, "--record",
			    "needs --ops (or --replay): the stream is held in memory until the run ends");
	if (!ops && !dur && !replay)
		sw->duration_ns = UINT64_C(1000000000);
	if (replay) { /* one thread count: the stream's (mb_sweep_set_replay) */
		sw->threads[0] = 1;
		sw->nthreads = 1;
	}
	if (!mb_options_given(sw, MB_OPTID_PROCS))
		sw->procs = cpus < 1 ? 1 : cpus > MB_SWEEP_MAX_PROCS ? MB_SWEEP_MAX_PROCS : cpus;
	if (mb_options_given(sw, MB_OPTID_RECORD) && mb_sweep_count(sw) > 1)
		return fail(err, -EINVAL, "--record",
			    "writes the stream of one run; this command line makes %zu (one map, lock, thread count and --count 1)",
			    mb_sweep_count(sw));
	if (mb_sweep_count(sw) > max_runs)
		return fail(err, -EINVAL, "--map",
			    "%zu maps x %zu thread counts x %u repetitions is %zu runs; at most %zu per invocation",
			    sw->nmaps, sw->nthreads, sw->count, mb_sweep_count(sw), max_runs);
	/* The time series keeps at most MB_TS_MAX_WINDOWS windows per run: a
	 * window too short for a known run length is refused here with the
	 * shortest that fits (a --ops run's length is not known: its series is
	 * truncated at run time and says so). */
	if (sw->duration_ns && sw->window_ns && !mb_options_given(sw, MB_OPTID_WINDOW) &&
	    sw->duration_ns / sw->window_ns >= MB_TS_MAX_WINDOWS) {
		/* the default window widens, in whole seconds, to fit a long run */
		uint64_t s = sw->duration_ns / (MB_TS_MAX_WINDOWS - 1) / 1000000000 + 1;
		sw->window_ns = s * 1000000000;
	}
	if (sw->duration_ns && sw->window_ns &&
	    sw->duration_ns / sw->window_ns >= MB_TS_MAX_WINDOWS) {
		uint64_t min_us = sw->duration_ns / MB_TS_MAX_WINDOWS / 1000 + 1;
		return fail(err, -EINVAL, "--window",
			    "%lluns cuts a %.3gs run into more than %d windows; give at least %lluus",
			    (unsigned long long)sw->window_ns, (double)sw->duration_ns / 1e9,
			    MB_TS_MAX_WINDOWS, (unsigned long long)min_us);
	}
	if (!mb_options_given(sw, MB_OPTID_PREFILL))
		sw->prefill = sw->keys / 2;
	if (sw->prefill > sw->keys)
		return fail(err, -EINVAL, "--prefill", "must be at most --keys (%llu), got %llu",
			    (unsigned long long)sw->keys, (unsigned long long)sw->prefill);
	return mb_options_check_key_space(sw, err);
}

int mb_options_check_key_space(const struct mb_sweep *sw, struct mb_opt_error *err)
{
	if (sw->keys <= mb_keyspec_distinct(&sw->key_type))
		return 0;
	char kt[64];
	mb_keyspec_format(&sw->key_type, kt, sizeof kt);
	return fail(err, -EINVAL, "--key-type",
		    "%s names at most %llu distinct keys, fewer than --keys %llu", kt,
		    (unsigned long long)mb_keyspec_distinct(&sw->key_type),
		    (unsigned long long)sw->keys);
}

/* ---- the config echo ---- */

static uint64_t load_uint(const struct mb_sweep *sw, const struct mb_option *o)
{
	const char *p = (const char *)sw + o->offset;
	if (o->size == sizeof(uint32_t)) {
		uint32_t w;
		memcpy(&w, p, sizeof w);
		return w;
	}
	uint64_t v;
	memcpy(&v, p, sizeof v);
	return v;
}

/* A row's member by its kind. */
static json_t *kind_echo(const struct mb_sweep *sw, const struct mb_option *o, size_t id)
{
	bool given = mb_options_given(sw, (enum mb_opt_id)id);
	const char *s;
	switch (o->kind) {
	case MB_OPTK_COUNT:
	case MB_OPTK_DURATION:
		if (((o->flags & MB_OPTF_NULL_UNSET) && !given) ||
		    ((o->flags & MB_OPTF_NULL_ZERO) && !load_uint(sw, o)))
			return json_null();
		return json_integer((json_int_t)load_uint(sw, o));
	case MB_OPTK_CHOICE:
		return json_string(o->choices[load_uint(sw, o)]);
	case MB_OPTK_FLAG:
		return json_boolean(*(const bool *)((const char *)sw + o->offset));
	case MB_OPTK_STRING:
		s = *(const char *const *)((const char *)sw + o->offset);
		return s ? json_string(s) : json_null();
	case MB_OPTK_CUSTOM:
		break;
	}
	return json_null();
}

json_t *mb_options_config_json(const struct mb_sweep *sw)
{
	json_t *config = json_object();
	if (!config)
		return NULL;
	for (size_t i = 0; i < MB_OPTID_N; i++) {
		const struct mb_option *o = &table[i];
		if (!o->json)
			continue;
		if ((o->flags & MB_OPTF_NULL_REPLAY) && mb_options_given(sw, MB_OPTID_REPLAY))
			json_object_set_new(config, o->json, json_null());
		else if (o->echo)
			o->echo(sw, config);
		else
			json_object_set_new(config, o->json, kind_echo(sw, o, i));
	}
	return config;
}

bool mb_options_is_sweep_key(const char *key)
{
	for (size_t i = 0; i < MB_OPTID_N; i++) {
		const struct mb_option *o = &table[i];
		if (!(o->flags & (MB_OPTF_SWEEP | MB_OPTF_BOOKKEEPING)))
			continue;
		if ((o->json && strcmp(o->json, key) == 0) || (o->json2 && strcmp(o->json2, key) == 0))
			return true;
	}
	return false;
}

size_t mb_options_config_keys(const char **names, bool *sweep, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < MB_OPTID_N; i++) {
		const struct mb_option *o = &table[i];
		const char *keys[2] = {o->json, o->json2};
		for (size_t k = 0; k < 2 && n < max; k++) {
			if (!keys[k])
				continue;
			names[n] = keys[k];
			sweep[n++] = (o->flags & (MB_OPTF_SWEEP | MB_OPTF_BOOKKEEPING)) != 0;
		}
	}
	return n;
}

void mb_options_free(struct mb_sweep *sw)
{
	for (size_t i = 0; i < MB_OPTID_N; i++) {
		if (table[i].kind != MB_OPTK_STRING)
			continue;
		char **slot = (char **)((char *)sw + table[i].offset);
		free(*slot);
		*slot = NULL;
	}
}
