/* The option table: every row well formed, every default accepted by its
 * own parser, the sources' precedence (command line over file over
 * default, one length across sources), the set bits, the config echo and
 * compare's sweep keys. */
#include "check.h"

#include "run/options.h"

#include <errno.h>
#include <string.h>

static int set(struct mb_sweep *sw, enum mb_opt_id id, const char *arg, enum mb_opt_source src)
{
	struct mb_opt_error err = {{0}, {0}};
	int rc = mb_options_set(sw, id, arg, src, &err);
	CHECK(rc == 0 || (err.what[0] && err.message[0]), "a refusal says why (%s)", arg);
	return rc;
}

static void rows(void)
{
	for (size_t i = 0; i < MB_OPTID_N; i++) {
		const struct mb_option *o = mb_options_at((enum mb_opt_id)i);
		CHECK(o && o->name && o->help, "row %zu has a name and help", i);
		CHECK(mb_options_find(o->name) == o, "%s found by name", o->name);
		CHECK((o->kind == MB_OPTK_FLAG) == (o->arg == NULL), "%s: argument iff not a flag",
		      o->name);
		CHECK(o->kind != MB_OPTK_CUSTOM || o->parse, "%s: custom rows parse", o->name);
		CHECK(o->kind != MB_OPTK_CHOICE || o->choices, "%s: choices", o->name);
		CHECK(o->kind == MB_OPTK_CUSTOM || o->kind == MB_OPTK_FLAG || o->size == 4 ||
			      o->size == 8 || o->kind == MB_OPTK_STRING,
		      "%s: a 4- or 8-byte field", o->name);
		CHECK(!o->json || o->kind != MB_OPTK_CUSTOM || o->echo, "%s: custom echo", o->name);
		for (size_t j = 0; j < i; j++) {
			const struct mb_option *p = mb_options_at((enum mb_opt_id)j);
			CHECK(strcmp(p->name, o->name) != 0, "%s twice", o->name);
			CHECK(!o->short_key || p->short_key != o->short_key, "-%c twice", o->short_key);
		}
	}
	CHECK(mb_options_at(MB_OPTID_N) == NULL, "past the end");
	CHECK(mb_options_find("flavour") == NULL, "unknown name");
	CHECK(MB_OPTID_N <= 64, "one set bit per option fits");
}

static void defaults(void)
{
	struct mb_sweep sw;
	memset(&sw, 0, sizeof sw);
	CHECK(mb_options_defaults(&sw) == 0, "every default parses");
	CHECK(sw.nmaps == 3 && strcmp(sw.maps[2]->name, "rwlocked") == 0, "maps");
	CHECK(sw.nthreads == 3 && sw.threads[2] == 1000000, "threads");
	CHECK(sw.mix[0] == 90 && sw.mix[1] == 10, "mix");
	CHECK(sw.keys == 1000000 && sw.count == 1 && sw.seed == 1, "counts");
	CHECK(sw.latency_every == 64 && sw.pause_threshold_ns == 10000, "latency, pauses");
	CHECK(sw.max_events == 100000 && sw.window_ns == 1000000000, "events, window");
	CHECK(sw.set == 0 && sw.set_cli == 0, "defaults set no bit");
	struct mb_opt_error err;
	CHECK(mb_options_resolve(&sw, 2, MB_SWEEP_MAX_RUNS, &err) == 0, "resolve");
	CHECK(sw.procs == 2 && sw.prefill == 500000 && sw.duration_ns == 1000000000,
	      "computed defaults: procs %u prefill %llu", sw.procs, (unsigned long long)sw.prefill);
	mb_options_free(&sw);
}

static void precedence(void)
{
	struct mb_sweep sw;
	memset(&sw, 0, sizeof sw);
	mb_options_defaults(&sw);
	/* the command line first, then a file: the command line stays */
	CHECK(set(&sw, MB_OPTID_KEYS, "5k", MB_OPTSRC_CLI) == 0, "cli keys");
	CHECK(set(&sw, MB_OPTID_KEYS, "7k", MB_OPTSRC_FILE) == 0, "file keys");
	CHECK(sw.keys == 5000, "cli wins: %llu", (unsigned long long)sw.keys);
	/* a file, then another file: the later one */
	set(&sw, MB_OPTID_SEED, "3", MB_OPTSRC_FILE);
	set(&sw, MB_OPTID_SEED, "4", MB_OPTSRC_FILE);
	CHECK(sw.seed == 4 && mb_options_given(&sw, MB_OPTID_SEED), "later file");
	/* a file's --duration yields to the command line's --ops, either order */
	set(&sw, MB_OPTID_DURATION, "2s", MB_OPTSRC_FILE);
	set(&sw, MB_OPTID_OPS, "1k", MB_OPTSRC_CLI);
	CHECK(sw.ops == 1000 && sw.duration_ns == 0 && !mb_options_given(&sw, MB_OPTID_DURATION),
	      "cli length replaces file's");
	set(&sw, MB_OPTID_DURATION, "3s", MB_OPTSRC_FILE);
	CHECK(sw.duration_ns == 0, "file length after cli ignored");
	struct mb_opt_error err;
	CHECK(mb_options_resolve(&sw, 2, MB_SWEEP_MAX_RUNS, &err) == 0, "one length");
	/* two lengths from one source are an error */
	set(&sw, MB_OPTID_DURATION, "1s", MB_OPTSRC_CLI);
	CHECK(mb_options_resolve(&sw, 2, MB_SWEEP_MAX_RUNS, &err) == -EINVAL &&
		      strcmp(err.what, "--ops") == 0 && strstr(err.message, "--duration"),
	      "ops and duration: %s", err.message);
	mb_options_free(&sw);
}

static void refusals(void)
{
	struct mb_sweep sw;
	memset(&sw, 0, sizeof sw);
	mb_options_defaults(&sw);
	struct mb_opt_error err;
	CHECK(mb_options_set(&sw, MB_OPTID_PROCS, "0", MB_OPTSRC_CLI, &err) == -ERANGE &&
		      strcmp(err.what, "--procs") == 0 && strstr(err.message, "from 1 to 1024"),
	      "procs 0: %s", err.message);
	CHECK(mb_options_set(&sw, MB_OPTID_GROW, "sideways", MB_OPTSRC_CLI, &err) == -EINVAL &&
		      strcmp(err.message, "expected incremental or stw, got 'sideways'") == 0,
	      "grow: %s", err.message);
	CHECK(mb_options_set(&sw, MB_OPTID_FORMAT, "xml", MB_OPTSRC_CLI, &err) == -EINVAL &&
		      strcmp(err.message, "expected table or json, got 'xml'") == 0,
	      "format: %s", err.message);
	CHECK(mb_options_set(&sw, MB_OPTID_WINDOW, "0ns", MB_OPTSRC_CLI, &err) == -ERANGE &&
		      strstr(err.message, "above zero"), "window 0: %s", err.message);
	CHECK(mb_options_set(&sw, MB_OPTID_MAP, "plain,nope", MB_OPTSRC_CLI, &err) == -EINVAL &&
		      strstr(err.message, "unknown map 'nope'"), "map: %s", err.message);
	CHECK(sw.nmaps == 3, "a refused list changes nothing");
	CHECK(mb_options_set(&sw, MB_OPTID_THREADS, "1,0", MB_OPTSRC_CLI, &err) == -ERANGE &&
		      strcmp(err.what, "--threads") == 0, "threads 0: %s", err.message);
	CHECK(sw.nthreads == 3 && sw.threads[0] == 1, "a refused thread list changes nothing");
	CHECK(sw.set == 0, "refusals set no bit");
	/* strings are copies: the caller's buffer may go */
	char buf[16] = "out.csv";
	CHECK(set(&sw, MB_OPTID_CSV, buf, MB_OPTSRC_FILE) == 0, "csv");
	memset(buf, 'x', sizeof buf - 1);
	CHECK(strcmp(sw.csv, "out.csv") == 0, "csv copied");
	set(&sw, MB_OPTID_CSV, "b.csv", MB_OPTSRC_FILE);
	CHECK(strcmp(sw.csv, "b.csv") == 0, "replaced (the old copy freed: ASan build)");
	mb_options_free(&sw);
	CHECK(sw.csv == NULL, "freed");
}

static void echo(void)
{
	struct mb_sweep sw;
	memset(&sw, 0, sizeof sw);
	mb_options_defaults(&sw);
	set(&sw, MB_OPTID_HASH_SEED, "0", MB_OPTSRC_CLI);
	set(&sw, MB_OPTID_WARMUP, "5ms", MB_OPTSRC_CLI);
	set(&sw, MB_OPTID_PAUSE_THRESHOLD, "off", MB_OPTSRC_CLI);
	struct mb_opt_error err;
	mb_options_resolve(&sw, 4, MB_SWEEP_MAX_RUNS, &err);
	json_t *c = mb_options_config_json(&sw);
	CHECK(c != NULL, "config");
	CHECK(json_integer_value(json_object_get(c, "hash_seed")) == 0 &&
		      json_is_integer(json_object_get(c, "hash_seed")), "a given 0 seed is 0, not null");
	CHECK(json_is_null(json_object_get(c, "ops")), "ops null when a duration runs");
	CHECK(json_integer_value(json_object_get(c, "duration_ns")) == 1000000000, "1s");
	CHECK(json_integer_value(json_object_get(c, "warmup_ns")) == 5000000 &&
		      json_is_null(json_object_get(c, "warmup_ops")), "warmup");
	CHECK(json_is_null(json_object_get(c, "pause_threshold_ns")), "pauses off: null");
	CHECK(json_is_false(json_object_get(c, "procs_explicit")) &&
		      json_integer_value(json_object_get(c, "procs")) == 4, "procs");
	CHECK(json_is_null(json_object_get(c, "workload")), "no workload");
	CHECK(json_object_size(c) == 24, "24 members, as before the table: %zu", json_object_size(c));
	/* every member is a sweep key, bookkeeping, or a compared condition;
	 * compare's old list is exactly the first two */
	static const char *const sweep[] = {"maps", "threads", "procs", "procs_explicit",
					    "count", "events", "max_events", NULL};
	const char *key;
	json_t *v;
	size_t nsweep = 0;
	json_object_foreach(c, key, v)
		nsweep += mb_options_is_sweep_key(key);
	for (size_t i = 0; sweep[i]; i++)
		CHECK(mb_options_is_sweep_key(sweep[i]), "%s is a sweep key", sweep[i]);
	CHECK(nsweep == 7, "7 sweep keys: %zu", nsweep);
	CHECK(!mb_options_is_sweep_key("keys") && !mb_options_is_sweep_key("mix"), "conditions");
	json_decref(c);
	mb_options_free(&sw);
}

int main(void)
{
	rows();
	defaults();
	precedence();
	refusals();
	echo();
	CHECK_DONE();
}
