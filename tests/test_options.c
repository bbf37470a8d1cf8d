/* The option table: every row well formed, every default accepted by its
 * own parser, the sources' precedence (command line over file over
 * default, one length across sources), the set bits, the config echo and
 * compare's sweep keys; and that mapbench-run(1) says every option and its
 * default in the option's paragraph, and mapbench-workload(5) lists every
 * key a file may set with its default, so the pages cannot drift. */
#include "check.h"

#include "run/options.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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
	CHECK(json_is_null(json_object_get(c, "replay")), "no replay: null");
	CHECK(json_object_size(c) == 26, "26 members: the 24 from before the table, locks and replay: %zu", json_object_size(c));
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
	CHECK(nsweep == 8, "8 sweep keys (with locks): %zu", nsweep);
	CHECK(!mb_options_is_sweep_key("keys") && !mb_options_is_sweep_key("mix"), "conditions");
	json_decref(c);
	mb_options_free(&sw);
}

/* A man page as plain lowercase text, one paragraph a line: fonts and
 * macros gone, "\-" as "-", "default:" as "default". */
static char *man_text(const char *page)
{
	const char *src = getenv("MB_SRCDIR");
	char path[4096];
	snprintf(path, sizeof path, "%s/man/%s", src ? src : ".", page);
	FILE *f = fopen(path, "r");
	CHECK(f != NULL, "cannot read %s (run through make check, which sets MB_SRCDIR)", path);
	if (!f)
		return NULL;
	size_t cap = 1 << 20, n = 0;
	char *out = calloc(1, cap), line[4096];
	while (out && fgets(line, sizeof line, f) && n + 2 * sizeof line < cap) {
		char *p = line;
		bool para = strncmp(p, ".TP", 3) == 0 || strncmp(p, ".SH", 3) == 0 ||
			    strncmp(p, ".PP", 3) == 0;
		if (para) {
			out[n++] = '\n';
			continue;
		}
		if (*p == '.') /* a macro: keep its words */
			while (*p && *p != ' ' && *p != '\n')
				p++;
		for (; *p && *p != '\n'; p++) {
			if (p[0] == '\\' && p[1] == '-') {
				out[n++] = '-';
				p++;
			} else if (p[0] == '\\' && p[1] == 'f' && p[2]) {
				p += 2;
			} else if (*p == '"') {
				continue;
			} else {
				out[n++] = (char)tolower((unsigned char)*p);
			}
		}
		out[n++] = ' ';
	}
	fclose(f);
	for (char *d; out && (d = strstr(out, "default:"));)
		memmove(d + 7, d + 8, strlen(d + 8) + 1);
	return out;
}

/* The paragraph (line of man_text) that starts with the option. */
static bool para_has(const char *text, const char *start, const char *words)
{
	char lower[256];
	size_t i = 0;
	for (; words[i] && i + 1 < sizeof lower; i++)
		lower[i] = (char)tolower((unsigned char)words[i]);
	lower[i] = '\0';
	for (const char *p = text; p && *p; p = strchr(p, '\n')) {
		p += *p == '\n';
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		while (len && *p == ' ')
			p++, len--;
		if (strncmp(p, start, strlen(start)) != 0)
			continue;
		char *para = strndup(p, len);
		bool ok = para && strstr(para, lower) != NULL;
		free(para);
		if (ok)
			return true;
	}
	return false;
}

static void man_pages(void)
{
	char *run = man_text("mapbench-run.1"), *wl = man_text("mapbench-workload.5");
	if (!run || !wl) {
		free(run);
		free(wl);
		return;
	}
	for (size_t i = 0; i < MB_OPTID_N; i++) {
		const struct mb_option *o = mb_options_at((enum mb_opt_id)i);
		char opt[80], def[160];
		snprintf(opt, sizeof opt, "--%s", o->name);
		if (o->short_key)
			snprintf(opt, sizeof opt, "-%c", o->short_key);
		CHECK(para_has(run, opt, opt), "mapbench-run(1) has no paragraph for %s", opt);
		snprintf(def, sizeof def, "default %s", o->def ? o->def : "");
		CHECK(!o->def || para_has(run, opt, def),
		      "mapbench-run(1): the paragraph of %s does not say '%s'", opt, def);
		if (o->flags & MB_OPTF_NOFILE)
			continue;
		CHECK(para_has(wl, o->name, o->name), "mapbench-workload(5) lists no key %s",
		      o->name);
		CHECK(!o->def || para_has(wl, o->name, def),
		      "mapbench-workload(5): key %s does not say '%s'", o->name, def);
	}
	free(run);
	free(wl);
}

int main(void)
{
	rows();
	defaults();
	precedence();
	refusals();
	echo();
	man_pages();
	CHECK_DONE();
}
