/* mapbench compare: two results (or two files of numbers) in, a Welch
 * t-test per metric and run label out, as a table, markdown, JSON or CSV,
 * and an exit status a CI job can gate on (--fail-on-regression). */
#include "commands.h"

#include "report/result_read.h"
#include "report/samples.h"
#include "report/stats.h"
#include "util/parse.h"

#include <argp.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_METRICS 32
#define MAX_VARY 32

enum format { FORMAT_TEXT, FORMAT_MARKDOWN, FORMAT_JSON, FORMAT_CSV };
static const char *const format_names[] = {"text", "markdown", "json", "csv", NULL};
enum test { TEST_WELCH, TEST_UTEST };
static const char *const test_names[] = {"welch", "utest", NULL};

enum {
	OPT_ALPHA = 0x100,
	OPT_TEST,
	OPT_STRICT,
	OPT_VARY,
	OPT_FAIL,
};

static const struct argp_option options[] = {
	{"metric", 'M', "LIST", 0,
	 "what to compare, comma-separated (default ops_per_s; see below)", 0},
	{"alpha", OPT_ALPHA, "P", 0, "significance level of the verdicts (default 0.05)", 0},
	{"test", OPT_TEST, "TEST", 0,
	 "welch (default) or utest: utest adds the Mann-Whitney U test, whose p then "
	 "decides the verdict", 0},
	{"strict", OPT_STRICT, NULL, 0,
	 "sides from different hosts, CPUs, versions or configurations are an error, "
	 "not a warning", 0},
	{"vary", OPT_VARY, "LIST", 0,
	 "config members the comparison is about (e.g. grow,mix): not warned about", 0},
	{"format", 'f', "FMT", 0, "text (default), markdown, json or csv", 0},
	{"fail-on-regression", OPT_FAIL, "PCT", OPTION_ARG_OPTIONAL,
	 "exit 4 when a metric got significantly worse by more than PCT percent (default 0)", 0},
	{0},
};

struct args {
	const char *path[2];
	int npaths;
	char metric_buf[1024];
	char *metrics[MAX_METRICS];
	size_t nmetrics;
	bool metric_given;
	char vary_buf[1024];
	char *vary[MAX_VARY];
	size_t nvary;
	double alpha;
	unsigned test;
	bool strict;
	unsigned format;
	bool fail;
	double fail_pct;
};

/* A finite number making up all of s. */
static int parse_double(const char *s, double *v)
{
	char *end;
	errno = 0;
	*v = strtod(s, &end);
	return *s && !*end && !errno && isfinite(*v) ? 0 : -EINVAL;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct args *a = state->input;
	switch (key) {
	case 'M':
		snprintf(a->metric_buf, sizeof a->metric_buf, "%s", arg);
		if (mb_parse_list(a->metric_buf, a->metrics, MAX_METRICS, &a->nmetrics))
			mb_cmd_usage_error("--metric", "expected a comma-separated list of "
					   "metrics, got '%s'", arg);
		a->metric_given = true;
		return 0;
	case OPT_ALPHA:
		if (parse_double(arg, &a->alpha) || !(a->alpha > 0 && a->alpha < 1))
			mb_cmd_usage_error("--alpha", "expected a number between 0 and 1, got '%s'",
					   arg);
		return 0;
	case OPT_TEST:
		if (mb_parse_choice(arg, test_names, &a->test))
			mb_cmd_usage_error("--test", "expected welch or utest, got '%s'", arg);
		return 0;
	case OPT_STRICT:
		a->strict = true;
		return 0;
	case OPT_VARY:
		snprintf(a->vary_buf, sizeof a->vary_buf, "%s", arg);
		if (mb_parse_list(a->vary_buf, a->vary, MAX_VARY, &a->nvary))
			mb_cmd_usage_error("--vary", "expected a comma-separated list of config "
					   "members, got '%s'", arg);
		return 0;
	case 'f':
		if (mb_parse_choice(arg, format_names, &a->format))
			mb_cmd_usage_error("--format", "expected text, markdown, json or csv, got '%s'",
					   arg);
		return 0;
	case OPT_FAIL:
		a->fail = true;
		if (arg && (parse_double(arg, &a->fail_pct) || a->fail_pct < 0))
			mb_cmd_usage_error("--fail-on-regression",
					   "expected a percentage >= 0, got '%s'", arg);
		return 0;
	case ARGP_KEY_ARG:
		if (a->npaths == 2)
			mb_cmd_usage_error("compare", "unexpected argument '%s' (expected two files)",
					   arg);
		a->path[a->npaths++] = arg;
		return 0;
	case ARGP_KEY_END:
		if (a->npaths < 2)
			mb_cmd_usage_error("compare", "expected two files, A (baseline) and B");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* ---- warnings ---- */

/* Warnings are kept (JSON output carries them) and printed on stderr once
 * the input is known to be usable, so that an error stays one line. */
static json_t *warnings;

static void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void warn(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	json_array_append_new(warnings, json_string(buf));
}

static void print_warnings(void)
{
	size_t i;
	const json_t *w;
	json_array_foreach(warnings, i, w)
		fprintf(stderr, "mapbench: warning: %s\n", json_string_value(w));
}

/* ---- the two sides ---- */

struct side {
	const char *path;
	const char *base; /* the file's base name */
	json_t *doc;      /* a result, or NULL for plain numbers */
	struct mb_sample_set text; /* the numbers of a plain file */
};

static void load_side(struct side *s, const char *path)
{
	char err[512], *text;
	size_t len;
	s->path = path;
	const char *slash = strrchr(path, '/');
	s->base = slash && slash[1] ? slash + 1 : path;
	if (mb_samples_read_file(path, &text, &len, err, sizeof err))
		mb_cmd_usage_error(path, "%s", err);
	if (mb_samples_looks_json(text, len)) {
		s->doc = mb_result_parse(text, len, err, sizeof err);
		free(text);
		if (!s->doc)
			mb_cmd_usage_error(path, "%s", err);
		return;
	}
	int rc = mb_samples_parse_text(text, len, s->base, &s->text, err, sizeof err);
	free(text);
	if (rc) {
		/* "line 3: not a number" reads better as "FILE:3: not a number". */
		unsigned long line;
		int off = 0;
		if (sscanf(err, "line %lu: %n", &line, &off) == 1 && off > 0) {
			char where[4096];
			snprintf(where, sizeof where, "%s:%lu", path, line);
			mb_cmd_usage_error(where, "%s", err + off);
		}
		mb_cmd_usage_error(path, "%s", err);
	}
}

/* A short text of a JSON value, for messages. */
static void brief(const json_t *v, char *buf, size_t n)
{
	char *s = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	snprintf(buf, n, "%.60s%s", s ? s : "absent", s && strlen(s) > 60 ? "..." : "");
	free(s);
}

/* Members of config that describe the sweep (matched by label) or the
 * bookkeeping of a run, not the conditions being compared. */
static const char *const config_sweep[] = {"maps", "threads", "procs", "procs_explicit",
					   "count", "events", "max_events", NULL};

static bool listed(const char *s, char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

/* Warns about what makes the sides not comparable; returns how many. */
static int comparability(const struct side *a, const struct side *b, const struct args *args,
			 char *first, size_t firstn)
{
	static const char *const host_keys[] = {"hostname", "cpu_model", NULL};
	int count = 0;
	char va[128], vb[128];
	const json_t *ha = json_object_get(a->doc, "host"), *hb = json_object_get(b->doc, "host");
	const json_t *x, *y;
#define DIFFER(WHAT, X, Y)                                                           \
	do {                                                                          \
		brief(X, va, sizeof va);                                              \
		brief(Y, vb, sizeof vb);                                              \
		warn("the sides differ in %s: %s vs %s", WHAT, va, vb);              \
		if (count++ == 0)                                                     \
			snprintf(first, firstn, "the sides differ in %s: %s vs %s", WHAT, va, vb); \
	} while (0)
	x = json_object_get(a->doc, "mapbench_version");
	y = json_object_get(b->doc, "mapbench_version");
	if (!json_equal(x, y) && (x || y))
		DIFFER("mapbench_version", x, y);
	for (const char *const *k = host_keys; *k; k++) {
		x = json_object_get(ha, *k);
		y = json_object_get(hb, *k);
		if (!json_equal(x, y) && (x || y)) {
			char what[64];
			snprintf(what, sizeof what, "host.%s", *k);
			DIFFER(what, x, y);
		}
	}
	const json_t *ca = json_object_get(a->doc, "config"), *cb = json_object_get(b->doc, "config");
	const char *key;
	json_t *v;
	/* Every member of either side once: A's, then those only B has. */
	for (int pass = 0; pass < 2; pass++) {
		const json_t *from = pass ? cb : ca, *other = pass ? ca : cb;
		json_object_foreach((json_t *)from, key, v) {
			if (pass && json_object_get(other, key))
				continue;
			bool sweep = false;
			for (const char *const *s = config_sweep; *s; s++)
				sweep |= strcmp(key, *s) == 0;
			if (sweep || listed(key, args->vary, args->nvary))
				continue;
			x = json_object_get(ca, key);
			y = json_object_get(cb, key);
			if (!json_equal(x, y)) {
				char what[128];
				snprintf(what, sizeof what, "config.%s", key);
				DIFFER(what, x, y);
			}
		}
	}
#undef DIFFER
	return count;
}

/* ---- the comparisons ---- */

struct row {
	const struct mb_metric *m;
	const char *name;
	bool geomean;
	struct mb_stats_summary a, b; /* n 0 when a side has no value */
	bool tested, utested;
	struct mb_stats_welch w;
	struct mb_stats_utest u;
	double delta_pct;
	const char *verdict;
	const char *why; /* why insufficient */
	unsigned long n_needed;
};

struct rows {
	struct row *r;
	size_t n, cap;
};

static struct row *add_row(struct rows *rs)
{
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? 2 * rs->cap : 16;
		rs->r = realloc(rs->r, rs->cap * sizeof *rs->r);
		if (!rs->r) {
			fprintf(stderr, "mapbench: compare: out of memory\n");
			exit(MB_EXIT_FAILURE);
		}
	}
	struct row *r = &rs->r[rs->n++];
	memset(r, 0, sizeof *r);
	return r;
}

static void summarize(const struct mb_sample_group *g, const char *path,
		      struct mb_stats_summary *s)
{
	memset(s, 0, sizeof *s);
	s->mean = s->sd = s->min = s->median = s->max = s->ci_low = s->ci_high = NAN;
	int rc = g->n ? mb_stats_summarize(g->x, g->n, s) : 0;
	if (rc == -ERANGE)
		mb_cmd_usage_error(path, "%s: values too large to sum in double precision",
				   g->name);
	if (rc) {
		fprintf(stderr, "mapbench: compare: out of memory\n");
		exit(MB_EXIT_FAILURE);
	}
}

/* What makes one side noisy ("cv 7.3%, 1 outlier by MAD"), or "" when
 * nothing does. */
static void noisy_side(const struct mb_stats_summary *s, const struct mb_sample_group *g,
		       char *buf, size_t n)
{
	buf[0] = '\0';
	if (s->n < 2)
		return;
	double cv = mb_stats_cv(s);
	long out = mb_stats_mad_outliers(g->x, g->n);
	if (cv > 0.05 && out > 0)
		snprintf(buf, n, "cv %.1f%%, %ld outlier%s by MAD", 100 * cv, out, out == 1 ? "" : "s");
	else if (cv > 0.05)
		snprintf(buf, n, "cv %.1f%%", 100 * cv);
	else if (out > 0)
		snprintf(buf, n, "%ld outlier%s by MAD", out, out == 1 ? "" : "s");
}

/* One warning per comparison with a noisy side: coefficient of variation
 * above 5% or outliers by median absolute deviation, and the repetitions
 * that would detect the observed difference. */
static void noise(const struct row *r, const struct mb_sample_group *ga,
		  const struct mb_sample_group *gb, const struct args *args)
{
	char na[96], nb[96], need[160] = "";
	noisy_side(&r->a, ga, na, sizeof na);
	noisy_side(&r->b, gb, nb, sizeof nb);
	if (!na[0] && !nb[0])
		return;
	if (r->n_needed && r->n_needed > (r->a.n < r->b.n ? r->a.n : r->b.n))
		snprintf(need, sizeof need,
			 "; %lu repetitions per side would detect the %+.2f%% difference "
			 "(power 0.8 at alpha %g)", r->n_needed, r->delta_pct, args->alpha);
	warn("%s %s is noisy (%s%s%s%s%s)%s", r->name, r->m->name, na[0] ? "A: " : "", na,
	     na[0] && nb[0] ? "; " : "", nb[0] ? "B: " : "", nb, need);
}

static void compare_groups(struct rows *rs, const struct mb_metric *m,
			   const struct mb_sample_group *ga, const struct mb_sample_group *gb,
			   const struct args *args)
{
	struct row *r = add_row(rs);
	int rc;
	r->m = m;
	r->name = ga->name;
	summarize(ga, args->path[0], &r->a);
	summarize(gb, args->path[1], &r->b);
	r->delta_pct = 100 * (r->b.mean - r->a.mean) / r->a.mean;
	if (r->a.n < 2 || r->b.n < 2) {
		r->verdict = "insufficient";
		r->why = "n < 2";
	} else if ((rc = mb_stats_welch(&r->a, &r->b, 0.95, &r->w)) == -ERANGE) {
		r->verdict = "insufficient";
		r->why = "variances too large for double precision";
	} else if (rc) {
		/* Zero variance on both sides: the same constant is no change
		 * (nothing to test); different constants cannot be judged. */
		r->why = "zero variance on both sides";
		r->verdict = r->a.mean == r->b.mean ? "no-change" : "insufficient";
	} else {
		r->tested = true;
		double p = r->w.p;
		if (args->test == TEST_UTEST) {
			if (mb_stats_utest(ga->x, ga->n, gb->x, gb->n, &r->u)) {
				fprintf(stderr, "mapbench: compare: out of memory\n");
				exit(MB_EXIT_FAILURE);
			}
			r->utested = true;
			p = r->u.p;
		}
		double signed_diff = r->w.diff * m->better;
		r->verdict = p >= args->alpha ? "no-change" : signed_diff > 0 ? "better" : "worse";
		r->n_needed = mb_stats_n_needed(r->a.sd, r->b.sd, r->w.diff, args->alpha);
	}
	noise(r, ga, gb, args);
}

static void geomean_row(struct rows *rs, size_t from, const struct mb_metric *m)
{
	size_t n = rs->n - from;
	if (n < 2)
		return;
	double *xa = malloc(n * sizeof *xa), *xb = malloc(n * sizeof *xb);
	if (!xa || !xb) {
		fprintf(stderr, "mapbench: compare: out of memory\n");
		exit(MB_EXIT_FAILURE);
	}
	for (size_t i = 0; i < n; i++) {
		xa[i] = rs->r[from + i].a.mean;
		xb[i] = rs->r[from + i].b.mean;
	}
	double ga = mb_stats_geomean(xa, n), gb = mb_stats_geomean(xb, n);
	free(xa);
	free(xb);
	if (isnan(ga) || isnan(gb))
		return; /* a mean <= 0 (or none): no geometric mean */
	struct row *r = add_row(rs);
	r->m = m;
	r->name = "geomean";
	r->geomean = true;
	summarize(&(struct mb_sample_group){0}, NULL, &r->a);
	summarize(&(struct mb_sample_group){0}, NULL, &r->b);
	r->a.mean = ga;
	r->b.mean = gb;
	r->delta_pct = 100 * (gb - ga) / ga;
	r->verdict = "";
}

/* ---- output ---- */

/* A value in 4 significant digits with a k/M/G suffix, as benchstat. */
static const char *si(double v, char *buf, size_t n)
{
	double a = fabs(v);
	if (!isfinite(v))
		snprintf(buf, n, "-");
	else if (a >= 1e9)
		snprintf(buf, n, "%.4gG", v / 1e9);
	else if (a >= 1e6)
		snprintf(buf, n, "%.4gM", v / 1e6);
	else if (a >= 1e4)
		snprintf(buf, n, "%.4gk", v / 1e3);
	else
		snprintf(buf, n, "%.4g", v);
	return buf;
}

/* "p=0.012", or "p<1e-300" below the floor. */
static const char *p_text(double p, bool below, char *buf, size_t n)
{
	if (below)
		snprintf(buf, n, "p%s", MB_STATS_P_FLOOR_TEXT);
	else
		snprintf(buf, n, "p=%.3g", p);
	return buf;
}

/* "14.51M ± 2%": the mean and the half-width of its 95% interval. */
static const char *side_text(const struct mb_stats_summary *s, char *buf, size_t n)
{
	char m[32];
	si(s->mean, m, sizeof m);
	if (s->n >= 2 && s->mean != 0)
		snprintf(buf, n, "%s ± %.0f%%", m, 100 * (s->ci_high - s->mean) / fabs(s->mean));
	else
		snprintf(buf, n, "%s", m);
	return buf;
}

static void row_cells(const struct row *r, const struct args *args, char cells[][64])
{
	char pb[32];
	side_text(&r->a, cells[0], 64);
	side_text(&r->b, cells[1], 64);
	if (isfinite(r->delta_pct))
		snprintf(cells[2], 64, "%+.2f%%", r->delta_pct);
	else
		snprintf(cells[2], 64, "-");
	if (r->tested)
		snprintf(cells[3], 64, "%s", p_text(r->w.p, r->w.p_below_floor, pb, sizeof pb));
	else
		snprintf(cells[3], 64, "%s", r->geomean ? "" : "-");
	if (r->utested)
		snprintf(cells[4], 64, "%s (%s)", p_text(r->u.p, r->u.p_below_floor, pb, sizeof pb),
			 mb_stats_u_method_name(r->u.method));
	else
		snprintf(cells[4], 64, "%s", r->geomean || args->test != TEST_UTEST ? "" : "-");
	if (r->geomean)
		cells[5][0] = '\0';
	else
		snprintf(cells[5], 64, "%zu+%zu", r->a.n, r->b.n);
	snprintf(cells[6], 64, "%s", r->verdict);
}

static const char *heading(const struct mb_metric *m, const struct args *args, char *buf,
			   size_t n)
{
	snprintf(buf, n, "%s (%s%s%s; %s, alpha %g)", m->name, m->unit, m->unit[0] ? ", " : "",
		 m->better > 0 ? "higher is better" : "lower is better",
		 args->test == TEST_UTEST ? "Mann-Whitney U decides, Welch t shown"
					  : "Welch t-test",
		 args->alpha);
	return buf;
}

/* The text table's current line: cells are appended, then the line is
 * printed without trailing blanks. */
static char line[1024];
static size_t line_len;

/* Appends s left-aligned in width columns (characters, not bytes: "±" is
 * two bytes in UTF-8), then two spaces. */
static void cell(const char *s, size_t width)
{
	size_t chars = 0;
	for (const char *c = s; *c; c++)
		chars += ((unsigned char)*c & 0xC0) != 0x80;
	int n = snprintf(line + line_len, sizeof line - line_len, "%s%*s", s,
			 (int)(chars < width + 2 ? width + 2 - chars : 0), "");
	if (n > 0)
		line_len += (size_t)n < sizeof line - line_len ? (size_t)n : sizeof line - line_len - 1;
}

static void end_line(void)
{
	while (line_len && line[line_len - 1] == ' ')
		line_len--;
	line[line_len] = '\0';
	puts(line);
	line_len = 0;
}

static void print_text(const struct rows *rs, const struct side *sa, const struct side *sb,
		       const struct args *args)
{
	printf("A: %s\nB: %s\n", sa->path, sb->path);
	bool u = args->test == TEST_UTEST;
	static const char *const head[] = {"A", "B", "delta", "p (Welch)", "p (U)", "n",
					   "verdict"};
	for (size_t i = 0; i < rs->n;) {
		const struct mb_metric *m = rs->r[i].m;
		size_t j = i, name_w = 4;
		for (; j < rs->n && rs->r[j].m == m; j++)
			if (strlen(rs->r[j].name) > name_w)
				name_w = strlen(rs->r[j].name);
		/* Column widths: the widest cell of this metric's rows. */
		size_t w[7];
		for (int c = 0; c < 7; c++)
			w[c] = strlen(head[c]);
		for (size_t k = i; k < j; k++) {
			char c[7][64];
			row_cells(&rs->r[k], args, c);
			for (int x = 0; x < 7; x++) {
				size_t chars = 0;
				for (const char *p = c[x]; *p; p++)
					chars += ((unsigned char)*p & 0xC0) != 0x80;
				if (chars > w[x])
					w[x] = chars;
			}
		}
		char h[256];
		printf("\n%s\n", heading(m, args, h, sizeof h));
		cell("name", name_w);
		for (int x = 0; x < 6; x++)
			if (x != 4 || u)
				cell(head[x], w[x]);
		cell(head[6], 0);
		end_line();
		for (; i < j; i++) {
			char c[7][64];
			row_cells(&rs->r[i], args, c);
			cell(rs->r[i].name, name_w);
			for (int x = 0; x < 6; x++)
				if (x != 4 || u)
					cell(c[x], w[x]);
			cell(c[6], 0);
			end_line();
		}
	}
}

static void print_markdown(const struct rows *rs, const struct side *sa, const struct side *sb,
			   const struct args *args)
{
	printf("Comparing `%s` (A) with `%s` (B).\n", sa->base, sb->base);
	bool u = args->test == TEST_UTEST;
	for (size_t i = 0; i < rs->n;) {
		const struct mb_metric *m = rs->r[i].m;
		char h[256];
		printf("\n**%s**\n\n", heading(m, args, h, sizeof h));
		printf("| name | A | B | delta | p (Welch) |%s n | verdict |\n", u ? " p (U) |" : "");
		printf("|---|---:|---:|---:|---:|%s---|---|\n", u ? "---:|" : "");
		for (; i < rs->n && rs->r[i].m == m; i++) {
			char c[7][64];
			row_cells(&rs->r[i], args, c);
			const struct row *r = &rs->r[i];
			const char *em = strcmp(r->verdict, "worse") == 0 ? "**" : "";
			printf("| %s%s%s | %s | %s | %s | %s |", r->geomean ? "*" : "", r->name,
			       r->geomean ? "*" : "", c[0], c[1], c[2], c[3]);
			if (u)
				printf(" %s |", c[4]);
			printf(" %s | %s%s%s |\n", c[5], em, c[6], em);
		}
	}
	if (json_array_size(warnings)) {
		size_t k;
		const json_t *w;
		printf("\nWarnings:\n\n");
		json_array_foreach(warnings, k, w)
			printf("- %s\n", json_string_value(w));
	}
}

static void csv_num(double v)
{
	if (isfinite(v))
		printf(",%.10g", v);
	else
		printf(",");
}

/* A name quoted when it holds a comma or a quote (RFC 4180). */
static void csv_str(const char *s, bool first)
{
	if (!first)
		putchar(',');
	if (!strpbrk(s, ",\"\n")) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

static void csv_side(const struct mb_stats_summary *s, bool geomean)
{
	if (geomean)
		printf(",");
	else
		printf(",%zu", s->n);
	csv_num(s->mean);
	csv_num(s->sd);
	csv_num(s->min);
	csv_num(s->median);
	csv_num(s->max);
	csv_num(s->ci_low);
	csv_num(s->ci_high);
}

static void print_csv(const struct rows *rs, const struct args *args)
{
	bool u = args->test == TEST_UTEST;
	printf("name,metric,unit,n_a,mean_a,sd_a,min_a,median_a,max_a,ci95_low_a,ci95_high_a,"
	       "n_b,mean_b,sd_b,min_b,median_b,max_b,ci95_low_b,ci95_high_b,delta_pct,"
	       "diff_ci95_low,diff_ci95_high,t,df,p,hedges_g,verdict%s\n",
	       u ? ",u,u_p,u_method" : "");
	for (size_t i = 0; i < rs->n; i++) {
		const struct row *r = &rs->r[i];
		bool t = r->tested;
		csv_str(r->name, true);
		csv_str(r->m->name, false);
		csv_str(r->m->unit, false);
		csv_side(&r->a, r->geomean);
		csv_side(&r->b, r->geomean);
		csv_num(r->delta_pct);
		csv_num(t ? r->w.diff_low : NAN);
		csv_num(t ? r->w.diff_high : NAN);
		csv_num(t ? r->w.t : NAN);
		csv_num(t ? r->w.df : NAN);
		if (t && r->w.p_below_floor)
			printf(",%s", MB_STATS_P_FLOOR_TEXT);
		else
			csv_num(t ? r->w.p : NAN);
		csv_num(t ? r->w.hedges_g : NAN);
		printf(",%s", r->verdict);
		if (u) {
			csv_num(r->utested ? r->u.u : NAN);
			if (r->utested && r->u.p_below_floor)
				printf(",%s", MB_STATS_P_FLOOR_TEXT);
			else
				csv_num(r->utested ? r->u.p : NAN);
			printf(",%s", r->utested ? mb_stats_u_method_name(r->u.method) : "");
		}
		putchar('\n');
	}
}

static json_t *jnum(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *jp(double p, bool below, bool have)
{
	if (!have)
		return json_null();
	return below ? json_string(MB_STATS_P_FLOOR_TEXT) : json_real(p);
}

static json_t *json_side(const struct mb_stats_summary *s, const struct mb_sample_group *g)
{
	json_t *o = json_object();
	json_object_set_new(o, "n", json_integer((json_int_t)s->n));
	json_object_set_new(o, "mean", jnum(s->mean));
	json_object_set_new(o, "sd", jnum(s->n ? s->sd : NAN));
	json_object_set_new(o, "min", jnum(s->min));
	json_object_set_new(o, "median", jnum(s->median));
	json_object_set_new(o, "max", jnum(s->max));
	json_object_set_new(o, "ci95_low", jnum(s->ci_low));
	json_object_set_new(o, "ci95_high", jnum(s->ci_high));
	json_object_set_new(o, "cv", jnum(s->n >= 2 ? mb_stats_cv(s) : NAN));
	json_object_set_new(o, "outliers", g ? json_integer(mb_stats_mad_outliers(g->x, g->n))
					     : json_null());
	json_object_set_new(o, "missing", g ? json_integer((json_int_t)g->missing) : json_null());
	return o;
}

struct groups {
	const struct mb_sample_group **a, **b; /* per row, NULL for geomean rows */
};

static void print_json(const struct rows *rs, const struct groups *gs, const struct side *sa,
		       const struct side *sb, const struct args *args, bool regression)
{
	json_t *root = json_object();
	json_object_set_new(root, "schema", json_string("mapbench-compare/1"));
	json_object_set_new(root, "mapbench_version", json_string(PACKAGE_VERSION));
	json_object_set_new(root, "a", json_string(sa->path));
	json_object_set_new(root, "b", json_string(sb->path));
	json_object_set_new(root, "alpha", json_real(args->alpha));
	json_object_set_new(root, "test", json_string(test_names[args->test]));
	json_object_set_new(root, "confidence", json_real(0.95));
	json_t *arr = json_array();
	for (size_t i = 0; i < rs->n; i++) {
		const struct row *r = &rs->r[i];
		bool t = r->tested;
		json_t *o = json_object();
		json_object_set_new(o, "name", json_string(r->name));
		json_object_set_new(o, "metric", json_string(r->m->name));
		json_object_set_new(o, "unit", json_string(r->m->unit));
		json_object_set_new(o, "better", json_string(r->m->better > 0 ? "higher" : "lower"));
		json_object_set_new(o, "geomean", json_boolean(r->geomean));
		json_object_set_new(o, "a", json_side(&r->a, gs->a[i]));
		json_object_set_new(o, "b", json_side(&r->b, gs->b[i]));
		json_object_set_new(o, "delta_pct", jnum(r->delta_pct));
		json_object_set_new(o, "diff", jnum(t ? r->w.diff : NAN));
		json_object_set_new(o, "diff_ci95_low", jnum(t ? r->w.diff_low : NAN));
		json_object_set_new(o, "diff_ci95_high", jnum(t ? r->w.diff_high : NAN));
		json_object_set_new(o, "t", jnum(t ? r->w.t : NAN));
		json_object_set_new(o, "df", jnum(t ? r->w.df : NAN));
		json_object_set_new(o, "p", jp(r->w.p, r->w.p_below_floor, t));
		json_object_set_new(o, "hedges_g", jnum(t ? r->w.hedges_g : NAN));
		if (r->utested) {
			json_t *u = json_object();
			json_object_set_new(u, "u", json_real(r->u.u));
			json_object_set_new(u, "p", jp(r->u.p, r->u.p_below_floor, true));
			json_object_set_new(u, "method",
					    json_string(mb_stats_u_method_name(r->u.method)));
			json_object_set_new(o, "utest", u);
		} else {
			json_object_set_new(o, "utest", json_null());
		}
		json_object_set_new(o, "verdict", r->geomean ? json_null() : json_string(r->verdict));
		json_object_set_new(o, "n_needed", r->n_needed ? json_integer((json_int_t)r->n_needed)
							       : json_null());
		json_array_append_new(arr, o);
	}
	json_object_set_new(root, "comparisons", arr);
	json_object_set(root, "warnings", warnings);
	json_object_set_new(root, "regression", json_boolean(regression));
	json_dumpf(root, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(root);
}

/* ---- the command ---- */

static void match(const struct side *sa, const struct side *sb, const struct mb_metric *m,
		  struct mb_sample_set *a, struct mb_sample_set *b)
{
	char err[512];
	if (!sa->doc) {
		*a = sa->text;
		*b = sb->text;
		return;
	}
	if (mb_samples_extract(sa->doc, m, a, err, sizeof err))
		mb_cmd_usage_error(sa->path, "%s", err);
	if (mb_samples_extract(sb->doc, m, b, err, sizeof err))
		mb_cmd_usage_error(sb->path, "%s", err);
}

static const char doc[] =
	"Compare two mapbench results A (the baseline) and B, or two files of numbers, "
	"with Welch's t-test per metric and run label."
	"\v"
	"A and B are mapbench JSON results (runs matched by MAP/threads=N/procs=P) or "
	"plain text files of numbers, one a line ('#' comments and blank lines skipped); "
	"a file is told apart by its content.  For plain files --metric names one metric "
	"whose direction and unit apply (default: a value, lower is better).\n\n"
	"Metrics (--metric):\n%s\n"
	"Output columns: n, mean, the 95%% t-interval of each side's mean, delta = "
	"100 (mean B - mean A) / mean A, Welch's p (two-sided), n per side, and the "
	"verdict at --alpha: better, worse, no-change or insufficient (n < 2 or no "
	"variance).  --format csv and json add sd, min, median, max, the 95%% interval of "
	"the difference, t, df, Hedges' g.\n\n"
	"Exit status: 0 ok, 2 bad usage or input, 4 a regression (--fail-on-regression).";

int mb_cmd_compare(int argc, char **argv)
{
	char docbuf[4096];
	snprintf(docbuf, sizeof docbuf, doc, mb_samples_metric_help);
	const struct argp argp = {options, parse_opt, "A B", docbuf, NULL, NULL, NULL};
	struct args args = {.alpha = 0.05};
	argp_parse(&argp, argc, argv, 0, NULL, &args);

	/* The metrics, checked before any file is read. */
	struct mb_metric metrics[MAX_METRICS];
	size_t nmetrics = args.metric_given ? args.nmetrics : 1;
	for (size_t i = 0; i < nmetrics; i++) {
		char err[256];
		if (mb_samples_metric_parse(args.metric_given ? args.metrics[i] : "ops_per_s",
					    &metrics[i], err, sizeof err))
			mb_cmd_usage_error("--metric", "%s", err);
	}

	warnings = json_array();
	struct side sa = {0}, sb = {0};
	load_side(&sa, args.path[0]);
	load_side(&sb, args.path[1]);
	if (!sa.doc != !sb.doc)
		mb_cmd_usage_error("compare", "%s is a %s and %s a %s: compare like with like",
				   sa.path, sa.doc ? "mapbench result" : "file of numbers", sb.path,
				   sb.doc ? "mapbench result" : "file of numbers");
	if (!sa.doc) {
		if (args.metric_given && nmetrics > 1)
			mb_cmd_usage_error("--metric", "files of numbers take one metric, got %zu",
					   nmetrics);
		if (!args.metric_given) {
			memset(&metrics[0], 0, sizeof metrics[0]);
			snprintf(metrics[0].name, sizeof metrics[0].name, "value");
			metrics[0].unit = "";
			metrics[0].better = -1;
		}
		/* Both plain files are one comparison, named after A. */
		free(sb.text.g[0].name);
		sb.text.g[0].name = strdup(sa.text.g[0].name);
		if (!sb.text.g[0].name) {
			fprintf(stderr, "mapbench: compare: out of memory\n");
			return MB_EXIT_FAILURE;
		}
	} else {
		char first[512];
		int differ = comparability(&sa, &sb, &args, first, sizeof first);
		if (differ && args.strict)
			mb_cmd_usage_error("--strict", "%s%s", first,
					   differ > 1 ? " (and more, see the warnings)" : "");
	}

	struct rows rs = {0};
	struct mb_sample_set sets[2 * MAX_METRICS];
	size_t nsets = 0;
	for (size_t k = 0; k < nmetrics; k++) {
		struct mb_sample_set *a = &sets[nsets++], *b = &sets[nsets++];
		memset(a, 0, sizeof *a);
		memset(b, 0, sizeof *b);
		match(&sa, &sb, &metrics[k], a, b);
		char only[512] = "";
		size_t nonly = 0, from = rs.n;
		for (int pass = 0; pass < 2; pass++) {
			const struct mb_sample_set *x = pass ? b : a, *y = pass ? a : b;
			for (size_t i = 0; i < x->n; i++) {
				if (mb_samples_find(y, x->g[i].name))
					continue;
				size_t len = strlen(only);
				snprintf(only + len, sizeof only - len, "%s%s (only in %s)",
					 nonly ? ", " : "", x->g[i].name, pass ? "B" : "A");
				nonly++;
			}
		}
		if (nonly)
			warn("%zu unmatched label%s, not compared: %s", nonly, nonly == 1 ? "" : "s",
			     only);
		for (size_t i = 0; i < a->n; i++) {
			const struct mb_sample_group *gb = mb_samples_find(b, a->g[i].name);
			if (!gb)
				continue;
			if (a->g[i].missing || gb->missing)
				warn("%s %s: %zu run%s of A and %zu of B lack the metric", a->g[i].name,
				     metrics[k].name, a->g[i].missing, a->g[i].missing == 1 ? "" : "s",
				     gb->missing);
			compare_groups(&rs, &metrics[k], &a->g[i], gb, &args);
		}
		if (rs.n == from)
			mb_cmd_usage_error("compare", "%s and %s have no run label in common",
					   sa.path, sb.path);
		geomean_row(&rs, from, &metrics[k]);
	}

	/* Degenerate input: nothing could be tested. */
	size_t tested = 0;
	const struct row *first_bad = NULL;
	for (size_t i = 0; i < rs.n; i++) {
		if (rs.r[i].tested)
			tested++;
		else if (!rs.r[i].geomean && !first_bad)
			first_bad = &rs.r[i];
	}
	if (!tested && first_bad)
		mb_cmd_usage_error("compare", "%s %s: cannot test: %s (A has n=%zu, B n=%zu)",
				   first_bad->name, first_bad->m->name, first_bad->why,
				   first_bad->a.n, first_bad->b.n);

	print_warnings();

	bool regression = false;
	for (size_t i = 0; i < rs.n; i++) {
		const struct row *r = &rs.r[i];
		if (strcmp(r->verdict, "worse") == 0 && fabs(r->delta_pct) > args.fail_pct) {
			regression = true;
			if (args.fail) {
				char pb[32];
				double p = r->utested ? r->u.p : r->w.p;
				bool below = r->utested ? r->u.p_below_floor : r->w.p_below_floor;
				fprintf(stderr, "mapbench: regression: %s %s %+.2f%% (%s)\n", r->name,
					r->m->name, r->delta_pct, p_text(p, below, pb, sizeof pb));
			}
		}
	}

	/* The sample groups of each row, for the JSON noise members. */
	struct groups gs = {calloc(rs.n + 1, sizeof *gs.a), calloc(rs.n + 1, sizeof *gs.b)};
	if (!gs.a || !gs.b) {
		fprintf(stderr, "mapbench: compare: out of memory\n");
		return MB_EXIT_FAILURE;
	}
	for (size_t i = 0, k = 0; i < rs.n; i++) {
		if (rs.r[i].geomean)
			continue;
		while (k < nmetrics && &metrics[k] != rs.r[i].m)
			k++;
		gs.a[i] = mb_samples_find(&sets[2 * k], rs.r[i].name);
		gs.b[i] = mb_samples_find(&sets[2 * k + 1], rs.r[i].name);
	}

	switch (args.format) {
	case FORMAT_TEXT:
		print_text(&rs, &sa, &sb, &args);
		break;
	case FORMAT_MARKDOWN:
		print_markdown(&rs, &sa, &sb, &args);
		break;
	case FORMAT_JSON:
		print_json(&rs, &gs, &sa, &sb, &args, regression);
		break;
	case FORMAT_CSV:
		print_csv(&rs, &args);
		break;
	}
	fflush(stdout);

	free(gs.a);
	free(gs.b);
	free(rs.r);
	if (sa.doc) {
		for (size_t i = 0; i < nsets; i++)
			mb_samples_free(&sets[i]);
	}
	mb_samples_free(&sa.text);
	mb_samples_free(&sb.text);
	json_decref(sa.doc);
	json_decref(sb.doc);
	json_decref(warnings);
	if (ferror(stdout)) {
		fprintf(stderr, "mapbench: compare: cannot write the output\n");
		return MB_EXIT_FAILURE;
	}
	return args.fail && regression ? MB_EXIT_REGRESSION : MB_EXIT_OK;
}
