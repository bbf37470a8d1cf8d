/* Samples from results and plain files: see samples.h. */
#include "report/samples.h"
#include "report/result_read.h"
#include "util/readfile.h"
#include "measure/pause.h"
#include "run/runner.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* The metrics: name, unit, direction, where the value is. */
struct metric_def {
	const char *name;
	const char *unit;
	int better;
	enum mb_metric_source source;
	const char *field;
	const char *object;
	bool takes_kind; /* ":KIND" allowed (op kind for latency) */
};

static const struct metric_def defs[] = {
	{"ops_per_s", "ops/s", +1, MB_METRIC_RUN, "ops_per_s", NULL, false},
	{"ns_per_op", "ns/op", -1, MB_METRIC_RUN, "ns_per_op", NULL, false},
	{"p50_ns", "ns", -1, MB_METRIC_LATENCY, "p50", NULL, true},
	{"p90_ns", "ns", -1, MB_METRIC_LATENCY, "p90", NULL, true},
	{"p99_ns", "ns", -1, MB_METRIC_LATENCY, "p99", NULL, true},
	{"p999_ns", "ns", -1, MB_METRIC_LATENCY, "p999", NULL, true},
	{"p9999_ns", "ns", -1, MB_METRIC_LATENCY, "p9999", NULL, true},
	{"max_ns", "ns", -1, MB_METRIC_LATENCY, "max", NULL, true},
	{"bytes_per_op", "B/op", -1, MB_METRIC_RUN, "bytes_per_op", "alloc", false},
	{"allocs_per_op", "allocs/op", -1, MB_METRIC_RUN, "allocs_per_op", "alloc", false},
	{"reclaim_per_window", "reclaims/window", -1, MB_METRIC_RECLAIM, NULL, NULL, false},
};

/* The vocabularies are the runner's and the pause log's own lists. */
static const char *const *const op_kinds = mb_op_kind_names;
static const char *const *const pause_kinds = mb_pause_kind_names;

/* "a, b or c" from a NULL-terminated list. */
static void join_names(const char *const *names, char *out, size_t size)
{
	out[0] = '\0';
	for (size_t i = 0; names[i]; i++) {
		size_t len = strlen(out);
		snprintf(out + len, size - len, "%s%s",
			 i == 0 ? "" : names[i + 1] ? ", " : " or ", names[i]);
	}
}

const char mb_samples_metric_help[] =
	"  ops_per_s            throughput per repetition (higher is better)\n"
	"  ns_per_op            elapsed time per op per repetition\n"
	"  p50_ns p90_ns p99_ns p999_ns p9999_ns max_ns\n"
	"                       latency percentiles per repetition; NAME:KIND for one\n"
	"                       op kind (p99_ns:load)\n"
	"  pause:KIND           durations of the pause events of KIND (grow, evacuate,\n"
	"                       rehash, promote, dirty-copy, lock-wait, reclaim, slow-op,\n"
	"                       split, starve-enter, starve-leave, gc)\n"
	"  reclaim_per_window   reclaim pause events per time window\n"
	"  bytes_per_op allocs_per_op\n"
	"                       map allocation per op per repetition\n";

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

int mb_samples_metric_parse(const char *spec, struct mb_metric *m, char *err, size_t errlen)
{
	memset(m, 0, sizeof *m);
	if (strlen(spec) >= sizeof m->name) {
		mb_result_errorf(err, errlen, "metric name too long: '%.40s...'", spec);
		return -EINVAL;
	}
	snprintf(m->name, sizeof m->name, "%s", spec);
	if (strncmp(spec, "pause:", 6) == 0) {
		if (!in_list(spec + 6, pause_kinds)) {
			char names[256];
			join_names(pause_kinds, names, sizeof names);
			mb_result_errorf(err, errlen, "unknown pause kind '%s' (expected %s)", spec + 6,
					 names);
			return -EINVAL;
		}
		snprintf(m->arg, sizeof m->arg, "%s", spec + 6);
		m->unit = "ns";
		m->better = -1;
		m->source = MB_METRIC_PAUSE;
		return 0;
	}
	const char *colon = strchr(spec, ':');
	size_t base = colon ? (size_t)(colon - spec) : strlen(spec);
	for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++) {
		const struct metric_def *d = &defs[i];
		if (strlen(d->name) != base || strncmp(spec, d->name, base) != 0)
			continue;
		if (colon) {
			if (!d->takes_kind) {
				mb_result_errorf(err, errlen, "metric '%s' takes no ':KIND'", d->name);
				return -EINVAL;
			}
			if (!in_list(colon + 1, op_kinds)) {
				mb_result_errorf(err, errlen, "unknown op kind '%s' in '%s'", colon + 1, spec);
				return -EINVAL;
			}
			snprintf(m->arg, sizeof m->arg, "%s", colon + 1);
		}
		m->unit = d->unit;
		m->better = d->better;
		m->source = d->source;
		m->field = d->field;
		m->object = d->object;
		return 0;
	}
	mb_result_errorf(err, errlen, "unknown metric '%s' (see mapbench compare --help)", spec);
	return -EINVAL;
}

void mb_samples_free(struct mb_sample_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->g[i].name);
		free(s->g[i].x);
	}
	free(s->g);
	memset(s, 0, sizeof *s);
}

struct mb_sample_group *mb_samples_find(const struct mb_sample_set *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->g[i].name, name) == 0)
			return &s->g[i];
	return NULL;
}

/* The group called name, created empty at the end when new; NULL on ENOMEM. */
static struct mb_sample_group *group(struct mb_sample_set *s, const char *name)
{
	struct mb_sample_group *g = mb_samples_find(s, name);
	if (g)
		return g;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 8;
		struct mb_sample_group *ng = realloc(s->g, cap * sizeof *ng);
		if (!ng)
			return NULL;
		s->g = ng;
		s->cap = cap;
	}
	g = &s->g[s->n];
	memset(g, 0, sizeof *g);
	g->name = strdup(name);
	if (!g->name)
		return NULL;
	s->n++;
	return g;
}

static int push(struct mb_sample_group *g, double v)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 16;
		double *nx = realloc(g->x, cap * sizeof *nx);
		if (!nx)
			return -ENOMEM;
		g->x = nx;
		g->cap = cap;
	}
	g->x[g->n++] = v;
	return 0;
}

bool mb_samples_looks_json(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (isspace((unsigned char)text[i]))
			continue;
		return text[i] == '{' || text[i] == '[';
	}
	return false;
}

int mb_samples_read_file(const char *path, char **text, size_t *len, char *err, size_t errlen)
{
	/* bounded, and no device: compare r.json /dev/zero once grew to 13 GB */
	int rc = mb_readfile(path, MB_READFILE_MAX, text, len);
	if (rc) {
		char why[128];
		bool at_open = rc == -ENOENT || rc == -EACCES || rc == -EPERM || rc == -ELOOP ||
			       rc == -ENOTDIR || rc == -ENAMETOOLONG;
		mb_result_errorf(err, errlen, "cannot %s: %s", at_open ? "open" : "read",
				 mb_readfile_strerror(rc, MB_READFILE_MAX, why, sizeof why));
		return rc;
	}
	return 0;
}

/* The first up to 20 characters of a line, for messages. */
static const char *excerpt(const char *s, size_t n, char *buf, size_t bufn)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k + 1 < bufn && i < 20; i++)
		buf[k++] = isprint((unsigned char)s[i]) ? s[i] : '?';
	buf[k] = '\0';
	return buf;
}

/* One line s[0..n) (trimmed, not empty, not a comment) as a number in *v.
 * line is a buffer of *cap bytes, grown to hold the line: lines may be of
 * any length (a number and a long comment).  Returns 0, -EINVAL with the
 * message, -ENOMEM. */
static int parse_line(const char *s, size_t n, size_t lineno, char **line, size_t *cap,
		      double *v, char *err, size_t errlen)
{
	char ex[32];
	if (memchr(s, '\0', n)) {
		mb_result_errorf(err, errlen, "line %zu: not a number: '%s...'", lineno,
				 excerpt(s, n, ex, sizeof ex));
		return -EINVAL;
	}
	if (n + 1 > *cap) {
		char *nl = realloc(*line, n + 1);
		if (!nl)
			return -ENOMEM;
		*line = nl;
		*cap = n + 1;
	}
	memcpy(*line, s, n);
	(*line)[n] = '\0';
	char *rest;
	*v = strtod(*line, &rest);
	const char *what = NULL;
	if (rest == *line)
		what = "not a number";
	while (!what && isspace((unsigned char)*rest))
		rest++;
	if (!what && *rest && *rest != '#')
		what = "not one number";
	if (!what && !isfinite(*v))
		what = "not a finite number";
	if (what) {
		mb_result_errorf(err, errlen, "line %zu: %s: '%s'", lineno, what,
				 excerpt(s, n, ex, sizeof ex));
		return -EINVAL;
	}
	return 0;
}

int mb_samples_parse_text(const char *text, size_t len, const char *name,
			  struct mb_sample_set *out, char *err, size_t errlen)
{
	struct mb_sample_group *g = group(out, name);
	if (!g)
		return -ENOMEM;
	size_t lineno = 0, pos = 0, cap = 0;
	char *line = NULL;
	int e = 0;
	while (pos < len && !e) {
		size_t end = pos;
		while (end < len && text[end] != '\n')
			end++;
		lineno++;
		const char *s = text + pos;
		size_t n = end - pos;
		pos = end + 1;
		while (n && isspace((unsigned char)*s)) {
			s++;
			n--;
		}
		while (n && isspace((unsigned char)s[n - 1]))
			n--;
		if (n == 0 || *s == '#')
			continue;
		double v;
		e = parse_line(s, n, lineno, &line, &cap, &v, err, errlen);
		if (!e)
			e = push(g, v);
	}
	free(line);
	if (e)
		return e;
	if (g->n == 0) {
		mb_result_errorf(err, errlen, "no numbers%s", len ? "" : " (empty file)");
		return -EINVAL;
	}
	return 0;
}

/* The number at o[key]: 1 when there, 0 when absent or null, -EINVAL when
 * something else. */
static int number(const json_t *o, const char *key, double *v)
{
	const json_t *j = json_object_get(o, key);
	if (!j || json_is_null(j))
		return 0;
	if (!json_is_number(j))
		return -EINVAL;
	*v = json_number_value(j);
	return 1;
}

/* Pause events of a run in *ev (NULL when it has none); -EINVAL when the
 * member has the wrong type. */
static int events_of(const json_t *run, const json_t **ev)
{
	const json_t *p = json_object_get(run, "pauses");
	*ev = json_is_object(p) ? json_object_get(p, "events") : NULL;
	if (*ev && json_is_null(*ev))
		*ev = NULL;
	return !*ev || json_is_array(*ev) ? 0 : -EINVAL;
}

/* One number of an object of the run (run and latency metrics): where it
 * is, then the same checks for every such metric. */
static int extract_number(const json_t *run, size_t i, const struct mb_metric *m,
			  struct mb_sample_group *g, char *err, size_t errlen)
{
	const json_t *o = run;
	char where[96] = "";
	if (m->source == MB_METRIC_LATENCY && m->arg[0]) {
		o = json_object_get(run, "latency_ns_by_kind");
		o = json_is_object(o) ? json_object_get(o, m->arg) : NULL;
		snprintf(where, sizeof where, "latency_ns_by_kind.%s.", m->arg);
	} else if (m->source == MB_METRIC_LATENCY) {
		o = json_object_get(run, "latency_ns");
		snprintf(where, sizeof where, "latency_ns.");
	} else if (m->object) {
		o = json_object_get(run, m->object);
		snprintf(where, sizeof where, "%s.", m->object);
	}
	if (!json_is_object(o)) {
		g->missing++;
		return 0;
	}
	double v;
	int got = number(o, m->field, &v);
	if (got < 0) {
		mb_result_errorf(err, errlen, "runs[%zu].%s%s is not a number", i, where, m->field);
		return -EINVAL;
	}
	if (got == 0 || !isfinite(v)) {
		g->missing++;
		return 0;
	}
	return push(g, v);
}

/* The time windows of a run for reclaim_per_window: the time series when
 * there is one, else the elapsed time cut into config.window_ns.  Returns
 * their count (0 when the run has none) and their length in *window_ns. */
static size_t reclaim_windows(const json_t *doc, const json_t *run, double *window_ns)
{
	const json_t *cfg = json_object_get(doc, "config");
	const json_t *ts = json_object_get(run, "timeseries");
	double elapsed_s = 0;
	size_t nwin = 0;
	if (number(ts, "window_ns", window_ns) != 1 && number(cfg, "window_ns", window_ns) != 1)
		*window_ns = 0;
	const json_t *wins = json_is_object(ts) ? json_object_get(ts, "windows") : NULL;
	if (json_is_array(wins))
		nwin = json_array_size(wins);
	else if (*window_ns > 0 && number(run, "elapsed_s", &elapsed_s) == 1 && elapsed_s > 0 &&
		 elapsed_s * 1e9 / *window_ns < 1e7)
		nwin = (size_t)ceil(elapsed_s * 1e9 / *window_ns);
	return *window_ns > 0 ? nwin : 0;
}

/* Pause events of a kind: their durations, or with counts (nwin windows
 * of window_ns) how many started in each window. */
static int extract_events(const json_t *ev, size_t i, const char *kind, double *counts,
			  size_t nwin, double window_ns, struct mb_sample_group *g, char *err,
			  size_t errlen)
{
	size_t k;
	const json_t *e;
	json_array_foreach(ev, k, e) {
		const json_t *jk = json_object_get(e, "kind");
		if (!json_is_string(jk) || strcmp(json_string_value(jk), kind) != 0)
			continue;
		const char *member = counts ? "at_ns" : "dur_ns";
		double v;
		int got = number(e, member, &v);
		if (got < 0 || (got == 1 && !isfinite(v))) {
			mb_result_errorf(err, errlen, "runs[%zu].pauses.events[%zu].%s is not a number",
					 i, k, member);
			return -EINVAL;
		}
		if (got == 0)
			continue;
		if (counts) {
			double w = v / window_ns;
			size_t at = w <= 0 ? 0 : w >= (double)nwin ? nwin - 1 : (size_t)w;
			counts[at]++;
		} else {
			int rc = push(g, v);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int extract_run(const json_t *doc, const json_t *run, size_t i, const struct mb_metric *m,
		       struct mb_sample_group *g, char *err, size_t errlen)
{
	if (m->source == MB_METRIC_RUN || m->source == MB_METRIC_LATENCY)
		return extract_number(run, i, m, g, err, errlen);
	const json_t *ev;
	if (events_of(run, &ev)) {
		mb_result_errorf(err, errlen, "runs[%zu].pauses.events is not an array", i);
		return -EINVAL;
	}
	if (m->source == MB_METRIC_PAUSE)
		return extract_events(ev, i, m->arg, NULL, 0, 0, g, err, errlen);
	double window_ns;
	size_t nwin = reclaim_windows(doc, run, &window_ns);
	if (nwin == 0) {
		g->missing++;
		return 0;
	}
	double *counts = calloc(nwin, sizeof *counts);
	if (!counts)
		return -ENOMEM;
	int rc = extract_events(ev, i, "reclaim", counts, nwin, window_ns, g, err, errlen);
	for (size_t w = 0; rc == 0 && w < nwin; w++)
		rc = push(g, counts[w]);
	free(counts);
	return rc;
}

int mb_samples_extract(const json_t *doc, const struct mb_metric *m,
		       struct mb_sample_set *out, char *err, size_t errlen)
{
	const json_t *runs = json_object_get(doc, "runs");
	size_t i;
	const json_t *run;
	char label[256];
	json_array_foreach(runs, i, run) {
		mb_result_run_label(run, label, sizeof label);
		struct mb_sample_group *g = group(out, label);
		if (!g)
			return -ENOMEM;
		int e = extract_run(doc, run, i, m, g, err, errlen);
		if (e)
			return e;
	}
	return 0;
}
