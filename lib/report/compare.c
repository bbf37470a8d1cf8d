/* The compare engine: see compare.h. */
#include "report/compare.h"

#include "run/options.h"
#include "report/result_read.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void mb_compare_config_keys(struct mb_compare_key *out)
{
	const char *names[MB_COMPARE_MAX_KEYS];
	bool sweep[MB_COMPARE_MAX_KEYS];
	size_t n = mb_options_config_keys(names, sweep, MB_COMPARE_MAX_KEYS);
	for (size_t i = 0; i < n; i++)
		out[i] = (struct mb_compare_key){names[i], sweep[i]};
	out[n] = (struct mb_compare_key){NULL, false};
}

static const char WHY_FEW[] = "n < 2";

/* ---- the sides ---- */

int mb_compare_side_parse(struct mb_compare_side *s, const char *path, const char *text,
			  size_t len, char *err, size_t errlen)
{
	char msg[512];
	memset(s, 0, sizeof *s);
	s->path = path;
	const char *slash = strrchr(path, '/');
	s->base = slash && slash[1] ? slash + 1 : path;
	if (mb_samples_looks_json(text, len)) {
		s->doc = mb_result_parse(text, len, msg, sizeof msg);
		if (!s->doc) {
			mb_result_errorf(err, errlen, "%s: %s", path, msg);
			return -EINVAL;
		}
		const json_t *impl = json_object_get(s->doc, "implementation");
		if (impl && !json_is_string(impl)) {
			mb_result_errorf(err, errlen, "%s: \"implementation\" is not a string", path);
			return -EINVAL;
		}
		s->implementation = impl ? json_string_value(impl) : MB_COMPARE_IMPL_DEFAULT;
		return 0;
	}
	int rc = mb_samples_parse_text(text, len, s->base, &s->text, msg, sizeof msg);
	if (rc == -ENOMEM) {
		mb_result_errorf(err, errlen, "compare: out of memory");
	} else if (rc) {
		/* "line 3: not a number" reads better as "FILE:3: not a number". */
		unsigned long line;
		int off = 0;
		if (sscanf(msg, "line %lu: %n", &line, &off) == 1 && off > 0)
			mb_result_errorf(err, errlen, "%s:%lu: %s", path, line, msg + off);
		else
			mb_result_errorf(err, errlen, "%s: %s", path, msg);
	}
	return rc;
}

int mb_compare_side_read(struct mb_compare_side *s, const char *path, char *err, size_t errlen)
{
	char msg[512], *text;
	size_t len;
	memset(s, 0, sizeof *s);
	int rc = mb_samples_read_file(path, &text, &len, msg, sizeof msg);
	if (rc) {
		mb_result_errorf(err, errlen, "%s: %s", path, msg);
		return rc;
	}
	rc = mb_compare_side_parse(s, path, text, len, err, errlen);
	free(text);
	return rc;
}

/* ---- warnings ---- */

static int warn(struct mb_compare *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Keeps one warning line; 0 or -ENOMEM. */
static int warn(struct mb_compare *c, const char *fmt, ...)
{
	if (c->nwarnings == c->capwarnings) {
		size_t cap = c->capwarnings ? 2 * c->capwarnings : 8;
		char **w = realloc(c->warnings, cap * sizeof *w);
		if (!w)
			return -ENOMEM;
		c->warnings = w;
		c->capwarnings = cap;
	}
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (!s)
		return -ENOMEM;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	c->warnings[c->nwarnings++] = s;
	return 0;
}

/* ---- comparability ---- */

static const struct mb_compare_key *find_key(const struct mb_compare_key *keys, const char *name)
{
	for (; keys->name; keys++)
		if (strcmp(keys->name, name) == 0)
			return keys;
	return NULL;
}

static bool listed(const char *s, char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

/* Every --vary name is a config member: listed, or in either result. */
static int check_vary(const struct mb_compare *c, const struct mb_compare_opts *o,
		      const struct mb_compare_key *keys, char *err, size_t errlen)
{
	const json_t *ca = json_object_get(c->a.doc, "config");
	const json_t *cb = json_object_get(c->b.doc, "config");
	for (size_t i = 0; i < o->nvary; i++) {
		const char *v = o->vary[i];
		if (find_key(keys, v) || json_object_get(ca, v) || json_object_get(cb, v))
			continue;
		char known[512] = "";
		size_t len = 0;
		for (const struct mb_compare_key *k = keys; k->name; k++) {
			if (k->sweep)
				continue;
			int n = snprintf(known + len, sizeof known - len, "%s%s", len ? ", " : "",
					 k->name);
			if (n < 0 || (size_t)n >= sizeof known - len)
				break;
			len += (size_t)n;
		}
		mb_result_errorf(err, errlen, "--vary: unknown config member '%s' (expected one of %s)",
				 v, known);
		return -EINVAL;
	}
	return 0;
}

/* A short text of a JSON value, for messages. */
static void brief(const json_t *v, char *buf, size_t n)
{
	char *s = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	snprintf(buf, n, "%.60s%s", s ? s : "absent", s && strlen(s) > 60 ? "..." : "");
	free(s);
}

/* One difference: a warning, and the first one's text for --strict. */
static int differ(struct mb_compare *c, const char *what, const json_t *x, const json_t *y,
		  char *first, size_t firstn, int *count)
{
	char va[128], vb[128];
	brief(x, va, sizeof va);
	brief(y, vb, sizeof vb);
	if ((*count)++ == 0)
		snprintf(first, firstn, "the sides differ in %s: %s vs %s", what, va, vb);
	return warn(c, "the sides differ in %s: %s vs %s", what, va, vb);
}

/* Warns about every config member (A's, then those only B has) that
 * differs and is neither a sweep key nor varied. */
static int config_differences(struct mb_compare *c, const struct mb_compare_opts *o,
			      const struct mb_compare_key *keys, char *first, size_t firstn,
			      int *count)
{
	const json_t *ca = json_object_get(c->a.doc, "config");
	const json_t *cb = json_object_get(c->b.doc, "config");
	for (int pass = 0; pass < 2; pass++) {
		const json_t *from = pass ? cb : ca, *other = pass ? ca : cb;
		const char *key;
		json_t *v;
		json_object_foreach((json_t *)from, key, v) {
			if (pass && json_object_get(other, key))
				continue;
			const struct mb_compare_key *k = find_key(keys, key);
			if ((k && k->sweep) || listed(key, o->vary, o->nvary))
				continue;
			const json_t *x = json_object_get(ca, key), *y = json_object_get(cb, key);
			if (json_equal(x, y))
				continue;
			char what[128];
			snprintf(what, sizeof what, "config.%s", key);
			int rc = differ(c, what, x, y, first, firstn, count);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* What makes two results not comparable, as warnings (an error with
 * --strict).  The implementation is not among them: when it differs, it
 * is what the comparison is about. */
static int comparability(struct mb_compare *c, const struct mb_compare_opts *o,
			 const struct mb_compare_key *keys, char *err, size_t errlen)
{
	static const char *const host_keys[] = {"hostname", "cpu_model", NULL};
	char first[512] = "";
	int count = 0, rc;
	c->implementations_differ = strcmp(c->a.implementation, c->b.implementation) != 0;
	const json_t *x = json_object_get(c->a.doc, "mapbench_version");
	const json_t *y = json_object_get(c->b.doc, "mapbench_version");
	if (!json_equal(x, y) && (x || y) &&
	    (rc = differ(c, "mapbench_version", x, y, first, sizeof first, &count)))
		return rc;
	const json_t *ha = json_object_get(c->a.doc, "host"), *hb = json_object_get(c->b.doc, "host");
	for (const char *const *k = host_keys; *k; k++) {
		x = json_object_get(ha, *k);
		y = json_object_get(hb, *k);
		if (json_equal(x, y) || (!x && !y))
			continue;
		char what[64];
		snprintf(what, sizeof what, "host.%s", *k);
		if ((rc = differ(c, what, x, y, first, sizeof first, &count)))
			return rc;
	}
	if ((rc = config_differences(c, o, keys, first, sizeof first, &count)))
		return rc;
	if (count && o->strict) {
		mb_result_errorf(err, errlen, "--strict: %s%s", first,
				 count > 1 ? " (and more, see the warnings)" : "");
		return -EINVAL;
	}
	return 0;
}

/* ---- rows ---- */

static struct mb_compare_row *add_row(struct mb_compare *c)
{
	if (c->nrows == c->caprows) {
		size_t cap = c->caprows ? 2 * c->caprows : 16;
		struct mb_compare_row *r = realloc(c->rows, cap * sizeof *r);
		if (!r)
			return NULL;
		c->rows = r;
		c->caprows = cap;
	}
	struct mb_compare_row *r = &c->rows[c->nrows++];
	memset(r, 0, sizeof *r);
	return r;
}

static void no_summary(struct mb_stats_summary *s)
{
	memset(s, 0, sizeof *s);
	s->mean = s->sd = s->min = s->median = s->max = s->ci_low = s->ci_high = NAN;
}

/* The summary of one side's group; 0, -ENOMEM, or -ERANGE with the message. */
static int summarize(const struct mb_sample_group *g, const char *path, const char *name,
		     struct mb_stats_summary *s, char *err, size_t errlen)
{
	no_summary(s);
	int rc = g->n ? mb_stats_summarize(g->x, g->n, s) : 0;
	if (rc == -ERANGE)
		mb_result_errorf(err, errlen, "%s: %s: values too spread out for double precision: "
				 "their standard deviation exceeds 1.8e308", path, name);
	return rc;
}

/* 100 (b - a) / a, or NaN when a is 0 or the change is beyond the double
 * range.  When b - a overflows (opposite signs near 1e308) the change
 * b / a - 1 still fits. */
static double rel_change(double a, double b)
{
	if (a == 0 || isnan(a) || isnan(b))
		return NAN;
	double d = b - a;
	double v = 100 * (isfinite(d) ? d / a : b / a - 1);
	return isfinite(v) ? v : NAN;
}

const char *mb_compare_delta_text(const struct mb_compare_row *r, char *buf, size_t n)
{
	if (isfinite(r->delta_pct)) {
		snprintf(buf, n, "%+.2f%%", r->delta_pct);
		return buf;
	}
	double d = r->b.mean - r->a.mean;
	const char *unit = r->metric->unit;
	if (isfinite(d))
		snprintf(buf, n, "%+.4g%s%s (%s)", d, unit[0] ? " " : "", unit,
			 r->a.mean == 0 ? "A's mean is 0" : "no relative change in double range");
	else
		snprintf(buf, n, "%s (beyond the double range)", d > 0 ? "up" : "down");
	return buf;
}

/* A fraction as a percentage for messages: one decimal, 3 digits when
 * large, and words when 100 times it is beyond the double range. */
static void pct(double frac, char *buf, size_t n)
{
	double v = 100 * frac;
	if (!isfinite(v))
		snprintf(buf, n, "over 1e308%%");
	else
		snprintf(buf, n, fabs(v) < 1e6 ? "%.1f%%" : "%.3g%%", v);
}

/* What makes one side noisy ("cv 7.3%, 1 outlier by MAD"), or "" when
 * nothing does; -ENOMEM. */
static int noisy_side(const struct mb_stats_summary *s, const struct mb_sample_group *g,
		      char *buf, size_t n)
{
	buf[0] = '\0';
	if (s->n < 2)
		return 0;
	double cv = mb_stats_cv(s); /* NaN when not defined: not judged */
	long out = mb_stats_mad_outliers(g->x, g->n);
	if (out < 0)
		return (int)out;
	char cvs[32];
	pct(cv, cvs, sizeof cvs);
	if (cv > 0.05 && out > 0)
		snprintf(buf, n, "cv %s, %ld outlier%s by MAD", cvs, out, out == 1 ? "" : "s");
	else if (cv > 0.05)
		snprintf(buf, n, "cv %s", cvs);
	else if (out > 0)
		snprintf(buf, n, "%ld outlier%s by MAD", out, out == 1 ? "" : "s");
	return 0;
}

/* One warning per comparison with a noisy side: coefficient of variation
 * above 5% or outliers by median absolute deviation, and the repetitions
 * that would detect the observed difference. */
static int noise(struct mb_compare *c, const struct mb_compare_row *r, double alpha)
{
	char na[96], nb[96], need[192] = "", dt[96];
	int rc = noisy_side(&r->a, r->ga, na, sizeof na);
	if (rc || (rc = noisy_side(&r->b, r->gb, nb, sizeof nb)))
		return rc;
	if (!na[0] && !nb[0])
		return 0;
	if (r->n_needed && r->n_needed > (r->a.n < r->b.n ? r->a.n : r->b.n))
		snprintf(need, sizeof need,
			 "; %lu repetitions per side would detect the %s difference "
			 "(power 0.8 at alpha %g)", r->n_needed, mb_compare_delta_text(r, dt, sizeof dt),
			 alpha);
	return warn(c, "%s %s is noisy (%s%s%s%s%s)%s", r->name, r->metric->name,
		    na[0] ? "A: " : "", na, na[0] && nb[0] ? "; " : "", nb[0] ? "B: " : "", nb,
		    need);
}

/* The test and verdict of a row whose summaries are set; 0 or -ENOMEM. */
static int verdict(struct mb_compare_row *r, const struct mb_compare_opts *o)
{
	int rc;
	if (r->a.n < 2 || r->b.n < 2) {
		r->verdict = "insufficient";
		r->why = WHY_FEW;
		return 0;
	}
	rc = mb_stats_welch(&r->a, &r->b, 0.95, &r->w);
	if (rc == -EDOM) {
		/* Zero variance on both sides: the same constant is no change
		 * (nothing to test); different constants cannot be judged. */
		r->why = "zero variance on both sides";
		r->verdict = r->a.mean == r->b.mean ? "no-change" : "insufficient";
		return 0;
	}
	if (rc) {
		r->why = "the t distribution could not be evaluated";
		r->verdict = "insufficient";
		return 0;
	}
	r->tested = true;
	double p = r->w.p;
	if (o->utest) {
		rc = mb_stats_utest(r->ga->x, r->ga->n, r->gb->x, r->gb->n, &r->u);
		if (rc == -ENOMEM)
			return rc;
		if (rc) {
			r->why = "the U distribution could not be evaluated";
			r->verdict = "insufficient";
			return 0;
		}
		r->utested = true;
		p = r->u.p;
	}
	double signed_diff = (r->b.mean > r->a.mean) - (r->b.mean < r->a.mean);
	signed_diff *= r->metric->better;
	r->verdict = p >= o->alpha ? "no-change" : signed_diff > 0 ? "better" : "worse";
	r->n_needed = mb_stats_n_needed(r->a.sd, r->b.sd, r->w.diff, o->alpha);
	r->regression = strcmp(r->verdict, "worse") == 0 &&
			(!isfinite(r->delta_pct) || fabs(r->delta_pct) > o->fail_pct);
	return 0;
}

static int compare_groups(struct mb_compare *c, const struct mb_metric *m, const char *name,
			  const struct mb_sample_group *ga, const struct mb_sample_group *gb,
			  const struct mb_compare_opts *o, char *err, size_t errlen)
{
	struct mb_compare_row *r = add_row(c);
	if (!r)
		return -ENOMEM;
	r->metric = m;
	r->name = name;
	r->ga = ga;
	r->gb = gb;
	int rc = summarize(ga, c->a.path, name, &r->a, err, errlen);
	if (rc || (rc = summarize(gb, c->b.path, name, &r->b, err, errlen)))
		return rc;
	r->delta_pct = rel_change(r->a.mean, r->b.mean);
	if ((rc = verdict(r, o)))
		return rc;
	c->regression |= r->regression;
	return noise(c, r, o->alpha);
}

/* The geometric means of the sides' means over the rows from..end, when
 * there are two or more and every mean is positive; 0 or -ENOMEM. */
static int geomean_row(struct mb_compare *c, size_t from, const struct mb_metric *m)
{
	size_t n = c->nrows - from;
	if (n < 2)
		return 0;
	double *xa = malloc(n * sizeof *xa), *xb = malloc(n * sizeof *xb);
	if (!xa || !xb) {
		free(xa);
		free(xb);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		xa[i] = c->rows[from + i].a.mean;
		xb[i] = c->rows[from + i].b.mean;
	}
	double ga = mb_stats_geomean(xa, n), gb = mb_stats_geomean(xb, n);
	free(xa);
	free(xb);
	if (isnan(ga) || isnan(gb))
		return 0; /* a mean <= 0 (or none): no geometric mean */
	struct mb_compare_row *r = add_row(c);
	if (!r)
		return -ENOMEM;
	r->metric = m;
	r->name = "geomean";
	r->geomean = true;
	no_summary(&r->a);
	no_summary(&r->b);
	r->a.mean = ga;
	r->b.mean = gb;
	r->delta_pct = rel_change(ga, gb);
	r->verdict = "";
	return 0;
}

/* ---- the comparison ---- */

/* The samples of metric k on both sides, into *a and *b. */
static int samples_of(struct mb_compare *c, size_t k, const struct mb_sample_set **a,
		      const struct mb_sample_set **b, char *err, size_t errlen)
{
	char msg[512];
	if (!c->a.doc) {
		*a = &c->a.text;
		*b = &c->b.text;
		return 0;
	}
	struct mb_sample_set *sa = &c->sets[2 * k], *sb = &c->sets[2 * k + 1];
	int rc = mb_samples_extract(c->a.doc, &c->metrics[k], sa, msg, sizeof msg);
	if (rc && rc != -ENOMEM)
		mb_result_errorf(err, errlen, "%s: %s", c->a.path, msg);
	if (!rc && (rc = mb_samples_extract(c->b.doc, &c->metrics[k], sb, msg, sizeof msg)) &&
	    rc != -ENOMEM)
		mb_result_errorf(err, errlen, "%s: %s", c->b.path, msg);
	*a = sa;
	*b = sb;
	return rc;
}

/* A warning naming the labels of one side only. */
static int unmatched(struct mb_compare *c, const struct mb_sample_set *a,
		     const struct mb_sample_set *b)
{
	char only[512] = "";
	size_t nonly = 0;
	for (int pass = 0; pass < 2; pass++) {
		const struct mb_sample_set *x = pass ? b : a, *y = pass ? a : b;
		for (size_t i = 0; i < x->n; i++) {
			if (mb_samples_find(y, x->g[i].name))
				continue;
			size_t len = strlen(only);
			snprintf(only + len, sizeof only - len, "%s%s (only in %s)", nonly ? ", " : "",
				 x->g[i].name, pass ? "B" : "A");
			nonly++;
		}
	}
	if (!nonly)
		return 0;
	return warn(c, "%zu unmatched label%s, not compared: %s", nonly, nonly == 1 ? "" : "s",
		    only);
}

/* The rows of metric k and its geomean row. */
static int compare_metric(struct mb_compare *c, size_t k, const struct mb_compare_opts *o,
			  char *err, size_t errlen)
{
	const struct mb_sample_set *a, *b;
	const struct mb_metric *m = &c->metrics[k];
	int rc = samples_of(c, k, &a, &b, err, errlen);
	if (rc || (rc = unmatched(c, a, b)))
		return rc;
	size_t from = c->nrows;
	for (size_t i = 0; i < a->n; i++) {
		const struct mb_sample_group *ga = &a->g[i], *gb = mb_samples_find(b, ga->name);
		if (!gb)
			continue;
		if ((ga->missing || gb->missing) &&
		    (rc = warn(c, "%s %s: %zu run%s of A and %zu of B lack the metric", ga->name,
			       m->name, ga->missing, ga->missing == 1 ? "" : "s", gb->missing)))
			return rc;
		const char *name = c->a.doc ? ga->name : c->label;
		if ((rc = compare_groups(c, m, name, ga, gb, o, err, errlen)))
			return rc;
	}
	if (c->nrows == from) {
		mb_result_errorf(err, errlen, "compare: %s and %s have no run label in common",
				 c->a.path, c->b.path);
		return -EINVAL;
	}
	return geomean_row(c, from, m);
}

/* An error when no row could be tested, naming the first one and, for
 * too few values, the file that has them. */
static int nothing_tested(const struct mb_compare *c, char *err, size_t errlen)
{
	const struct mb_compare_row *bad = NULL;
	for (size_t i = 0; i < c->nrows; i++) {
		if (c->rows[i].tested)
			return 0;
		if (!c->rows[i].geomean && !bad)
			bad = &c->rows[i];
	}
	if (!bad)
		return 0;
	const char *what = "compare";
	if (bad->why == WHY_FEW && (bad->a.n < 2) != (bad->b.n < 2))
		what = bad->a.n < 2 ? c->a.path : c->b.path;
	if (bad->why == WHY_FEW && bad->a.n < 2 && bad->b.n < 2)
		mb_result_errorf(err, errlen, "%s: %s %s: cannot test: n < 2 on both sides "
				 "(A: %s has n=%zu, B: %s n=%zu)", what, bad->name,
				 bad->metric->name, c->a.path, bad->a.n, c->b.path, bad->b.n);
	else
		mb_result_errorf(err, errlen, "%s: %s %s: cannot test: %s (A has n=%zu, B n=%zu)",
				 what, bad->name, bad->metric->name, bad->why, bad->a.n, bad->b.n);
	return -EINVAL;
}

/* Two plain files: one group each, named "A vs B" (base names, or the
 * paths when the base names are the same). */
static int numbers_label(struct mb_compare *c, const struct mb_compare_opts *o, char *err,
			 size_t errlen)
{
	if (o->nmetrics > 1) {
		mb_result_errorf(err, errlen, "--metric: files of numbers take one metric, got %zu",
				 o->nmetrics);
		return -EINVAL;
	}
	bool same = strcmp(c->a.base, c->b.base) == 0;
	const char *x = same ? c->a.path : c->a.base, *y = same ? c->b.path : c->b.base;
	size_t n = strlen(x) + strlen(y) + 5;
	c->label = malloc(n);
	if (!c->label)
		return -ENOMEM;
	snprintf(c->label, n, "%s vs %s", x, y);
	for (int side = 0; side < 2; side++) {
		struct mb_sample_set *s = side ? &c->b.text : &c->a.text;
		char *name = strdup(c->label);
		if (!name)
			return -ENOMEM;
		free(s->g[0].name);
		s->g[0].name = name;
	}
	return 0;
}

/* The metrics compared: the options', or the default of the input kind. */
static int set_metrics(struct mb_compare *c, const struct mb_compare_opts *o, char *err,
		       size_t errlen)
{
	c->nmetrics = o->nmetrics ? o->nmetrics : 1;
	c->metrics = calloc(c->nmetrics, sizeof *c->metrics);
	c->sets = calloc(2 * c->nmetrics, sizeof *c->sets);
	if (!c->metrics || !c->sets)
		return -ENOMEM;
	if (o->nmetrics) {
		memcpy(c->metrics, o->metrics, o->nmetrics * sizeof *c->metrics);
		return 0;
	}
	if (c->a.doc)
		return mb_samples_metric_parse("ops_per_s", &c->metrics[0], err, errlen);
	snprintf(c->metrics[0].name, sizeof c->metrics[0].name, "value");
	c->metrics[0].unit = "";
	c->metrics[0].better = -1;
	return 0;
}

int mb_compare_run(struct mb_compare *c, const struct mb_compare_opts *o, char *err,
		   size_t errlen)
{
	struct mb_compare_key table_keys[MB_COMPARE_MAX_KEYS + 1];
	if (!o->keys)
		mb_compare_config_keys(table_keys);
	const struct mb_compare_key *keys = o->keys ? o->keys : table_keys;
	int rc;
	if (!c->a.doc != !c->b.doc) {
		mb_result_errorf(err, errlen, "compare: %s is a %s and %s a %s: compare like with like",
				 c->a.path, c->a.doc ? "mapbench result" : "file of numbers",
				 c->b.path, c->b.doc ? "mapbench result" : "file of numbers");
		return -EINVAL;
	}
	if ((rc = check_vary(c, o, keys, err, errlen)))
		return rc;
	if (c->a.doc)
		rc = comparability(c, o, keys, err, errlen);
	else
		rc = numbers_label(c, o, err, errlen);
	if (rc || (rc = set_metrics(c, o, err, errlen)))
		goto out;
	for (size_t k = 0; k < c->nmetrics && !rc; k++)
		rc = compare_metric(c, k, o, err, errlen);
	if (!rc)
		rc = nothing_tested(c, err, errlen);
out:
	if (rc == -ENOMEM)
		mb_result_errorf(err, errlen, "compare: out of memory");
	return rc;
}

void mb_compare_free(struct mb_compare *c)
{
	for (size_t i = 0; c->sets && i < 2 * c->nmetrics; i++)
		mb_samples_free(&c->sets[i]);
	free(c->sets);
	free(c->metrics);
	free(c->rows);
	for (size_t i = 0; i < c->nwarnings; i++)
		free(c->warnings[i]);
	free(c->warnings);
	free(c->label);
	for (int side = 0; side < 2; side++) {
		struct mb_compare_side *s = side ? &c->b : &c->a;
		mb_samples_free(&s->text);
		json_decref(s->doc);
	}
	memset(c, 0, sizeof *c);
}
