/* mapbench compare: two results (or two files of numbers) in, a Welch
 * t-test per metric and run label out, as a table, markdown, JSON or CSV,
 * and an exit status a CI job can gate on (--fail-on-regression).  The
 * comparison itself is lib/report/compare.c; this file parses the command
 * line and prints. */
#include "commands.h"

#include "report/json_num.h"
#include "report/result_csv.h"
#include "report/compare.h"
#include "util/parse.h"

#include <argp.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
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
		if (strcmp(a->path[0], "-") == 0 && strcmp(a->path[1], "-") == 0)
			mb_cmd_usage_error("compare", "standard input (-) given as both A and B: "
					   "it can be read only once");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
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

/* "p=0.012", or "p<2.2e-308 (underflow)" below the smallest double. */
static const char *p_text(double p, bool below, char *buf, size_t n)
{
	if (below)
		snprintf(buf, n, "p%s (underflow)", MB_STATS_P_FLOOR_TEXT);
	else
		snprintf(buf, n, "p=%.3g", p);
	return buf;
}

/* "14.51M ± 2%": the mean and the half-width of its 95% interval. */
static const char *side_text(const struct mb_stats_summary *s, char *buf, size_t n)
{
	char m[32];
	si(s->mean, m, sizeof m);
	double half = s->n >= 2 && s->mean != 0 ? 100 * (s->ci_high - s->mean) / fabs(s->mean) : NAN;
	if (isfinite(half) && half < 1e6)
		snprintf(buf, n, "%s ± %.0f%%", m, half);
	else
		snprintf(buf, n, "%s", m);
	return buf;
}

static void row_cells(const struct mb_compare_row *r, const struct args *args, char cells[][64])
{
	char pb[48];
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

/* Characters, not bytes: "±" is two bytes in UTF-8. */
static size_t chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* A text table line: cells are appended, then the line is printed without
 * trailing blanks. */
struct line {
	char buf[1024];
	size_t len;
};

/* Appends s left-aligned in width columns, then two spaces. */
static void cell(struct line *l, const char *s, size_t width)
{
	size_t c = chars(s);
	int n = snprintf(l->buf + l->len, sizeof l->buf - l->len, "%s%*s", s,
			 (int)(c < width + 2 ? width + 2 - c : 0), "");
	if (n > 0)
		l->len += (size_t)n < sizeof l->buf - l->len ? (size_t)n : sizeof l->buf - l->len - 1;
}

static void end_line(struct line *l)
{
	while (l->len && l->buf[l->len - 1] == ' ')
		l->len--;
	l->buf[l->len] = '\0';
	puts(l->buf);
	l->len = 0;
}

static const char *const head[] = {"A", "B", "delta", "p (Welch)", "p (U)", "n", "verdict"};

/* One table line: a row's cells (or the heading's when r is NULL), the U
 * column only with --test utest. */
static void text_line(const struct mb_compare_row *r, const struct args *args, size_t name_w,
		      const size_t *w)
{
	struct line l = {.len = 0};
	char c[7][64];
	if (r)
		row_cells(r, args, c);
	else
		for (int x = 0; x < 7; x++)
			snprintf(c[x], sizeof c[x], "%s", head[x]);
	cell(&l, r ? r->name : "name", name_w);
	for (int x = 0; x < 6; x++)
		if (x != 4 || args->test == TEST_UTEST)
			cell(&l, c[x], w[x]);
	cell(&l, c[6], 0);
	end_line(&l);
}

static void print_text(const struct mb_compare *c, const struct args *args)
{
	if (c->implementations_differ)
		printf("A: %s (%s) vs B: %s (%s)\n", c->a.implementation, c->a.path,
		       c->b.implementation, c->b.path);
	else
		printf("A: %s\nB: %s\n", c->a.path, c->b.path);
	for (size_t i = 0; i < c->nrows;) {
		const struct mb_metric *m = c->rows[i].metric;
		size_t j = i, name_w = 4, w[7];
		for (; j < c->nrows && c->rows[j].metric == m; j++)
			if (strlen(c->rows[j].name) > name_w)
				name_w = strlen(c->rows[j].name);
		/* Column widths: the widest cell of this metric's rows. */
		for (int x = 0; x < 7; x++)
			w[x] = strlen(head[x]);
		for (size_t k = i; k < j; k++) {
			char cl[7][64];
			row_cells(&c->rows[k], args, cl);
			for (int x = 0; x < 7; x++)
				if (chars(cl[x]) > w[x])
					w[x] = chars(cl[x]);
		}
		char h[256];
		printf("\n%s\n", heading(m, args, h, sizeof h));
		text_line(NULL, args, name_w, w);
		for (; i < j; i++)
			text_line(&c->rows[i], args, name_w, w);
	}
}

static void print_markdown(const struct mb_compare *c, const struct args *args)
{
	if (c->implementations_differ)
		printf("Comparing %s (`%s`, A) with %s (`%s`, B).\n", c->a.implementation, c->a.path,
		       c->b.implementation, c->b.path);
	else
		printf("Comparing `%s` (A) with `%s` (B).\n", c->a.base, c->b.base);
	bool u = args->test == TEST_UTEST;
	for (size_t i = 0; i < c->nrows;) {
		const struct mb_metric *m = c->rows[i].metric;
		char h[256];
		printf("\n**%s**\n\n", heading(m, args, h, sizeof h));
		printf("| name | A | B | delta | p (Welch) |%s n | verdict |\n", u ? " p (U) |" : "");
		printf("|---|---:|---:|---:|---:|%s---|---|\n", u ? "---:|" : "");
		for (; i < c->nrows && c->rows[i].metric == m; i++) {
			char cl[7][64];
			const struct mb_compare_row *r = &c->rows[i];
			row_cells(r, args, cl);
			const char *em = strcmp(r->verdict, "worse") == 0 ? "**" : "";
			printf("| %s%s%s | %s | %s | %s | %s |", r->geomean ? "*" : "", r->name,
			       r->geomean ? "*" : "", cl[0], cl[1], cl[2], cl[3]);
			if (u)
				printf(" %s |", cl[4]);
			printf(" %s | %s%s%s |\n", cl[5], em, cl[6], em);
		}
	}
	if (c->nwarnings) {
		printf("\nWarnings:\n\n");
		for (size_t k = 0; k < c->nwarnings; k++)
			printf("- %s\n", c->warnings[k]);
	}
}

static void csv_num(double v)
{
	if (isfinite(v))
		printf(",%.10g", v);
	else
		printf(",");
}

/* A name as a CSV field, after a comma unless it is the first. */
static void csv_str(const char *s, bool first)
{
	if (!first)
		putchar(',');
	mb_csv_put_field(stdout, s);
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

static void csv_p(double p, bool below, bool have)
{
	if (have && below)
		printf(",%s", MB_STATS_P_FLOOR_TEXT);
	else
		csv_num(have ? p : NAN);
}

static void print_csv(const struct mb_compare *c, const struct args *args)
{
	bool u = args->test == TEST_UTEST;
	printf("name,metric,unit,n_a,mean_a,sd_a,min_a,median_a,max_a,ci95_low_a,ci95_high_a,"
	       "n_b,mean_b,sd_b,min_b,median_b,max_b,ci95_low_b,ci95_high_b,delta_pct,"
	       "diff_ci95_low,diff_ci95_high,t,df,p,hedges_g,verdict%s\n",
	       u ? ",u,u_p,u_method" : "");
	for (size_t i = 0; i < c->nrows; i++) {
		const struct mb_compare_row *r = &c->rows[i];
		bool t = r->tested;
		csv_str(r->name, true);
		csv_str(r->metric->name, false);
		csv_str(r->metric->unit, false);
		csv_side(&r->a, r->geomean);
		csv_side(&r->b, r->geomean);
		csv_num(r->delta_pct);
		csv_num(t ? r->w.diff_low : NAN);
		csv_num(t ? r->w.diff_high : NAN);
		csv_num(t ? r->w.t : NAN);
		csv_num(t ? r->w.df : NAN);
		csv_p(r->w.p, r->w.p_below_floor, t);
		csv_num(t ? r->w.hedges_g : NAN);
		printf(",%s", r->verdict);
		if (u) {
			csv_num(r->utested ? r->u.u : NAN);
			csv_p(r->u.p, r->u.p_below_floor, r->utested);
			printf(",%s", r->utested ? mb_stats_u_method_name(r->u.method) : "");
		}
		putchar('\n');
	}
}


/* A p as a number, or below the smallest double as the string
 * "<2.2e-308" (p_underflow says so too). */
static json_t *jp(double p, bool below, bool have)
{
	if (!have)
		return json_null();
	return below ? json_string(MB_STATS_P_FLOOR_TEXT) : json_real(p);
}

static json_t *json_side(const struct mb_stats_summary *s, const struct mb_sample_group *g)
{
	return json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
		"n", (json_int_t)s->n,
		"mean", mb_json_real_or_null(s->mean),
		"sd", mb_json_real_or_null(s->n ? s->sd : NAN),
		"min", mb_json_real_or_null(s->min),
		"median", mb_json_real_or_null(s->median),
		"max", mb_json_real_or_null(s->max),
		"ci95_low", mb_json_real_or_null(s->ci_low),
		"ci95_high", mb_json_real_or_null(s->ci_high),
		"cv", mb_json_real_or_null(s->n >= 2 ? mb_stats_cv(s) : NAN),
		"outliers", g ? json_integer(mb_stats_mad_outliers(g->x, g->n)) : json_null(),
		"missing", g ? json_integer((json_int_t)g->missing) : json_null());
}

static json_t *json_utest(const struct mb_compare_row *r)
{
	if (!r->utested)
		return json_null();
	return json_pack("{s:o, s:o, s:b, s:s}", "u", mb_json_real_or_null(r->u.u),
			 "p", jp(r->u.p, r->u.p_below_floor, true),
			 "p_underflow", r->u.p_below_floor,
			 "method", mb_stats_u_method_name(r->u.method));
}

/* A JSON string of s; bytes that are not UTF-8 (a file name may hold
 * them) become '?', as jansson takes only UTF-8. */
static json_t *jstr(const char *s)
{
	json_t *j = json_string(s);
	if (j)
		return j;
	char *t = strdup(s);
	if (!t)
		return NULL;
	for (char *p = t; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	j = json_string(t);
	free(t);
	return j;
}

static json_t *json_row(const struct mb_compare_row *r)
{
	bool t = r->tested;
	json_t *o = json_pack("{s:o, s:s, s:s, s:s, s:b, s:o, s:o, s:o}",
		"name", jstr(r->name),
		"metric", r->metric->name,
		"unit", r->metric->unit,
		"better", r->metric->better > 0 ? "higher" : "lower",
		"geomean", r->geomean,
		"a", json_side(&r->a, r->ga),
		"b", json_side(&r->b, r->gb),
		"delta_pct", mb_json_real_or_null(r->delta_pct));
	json_object_set_new(o, "diff", mb_json_real_or_null(t ? r->w.diff : NAN));
	json_object_set_new(o, "diff_ci95_low", mb_json_real_or_null(t ? r->w.diff_low : NAN));
	json_object_set_new(o, "diff_ci95_high", mb_json_real_or_null(t ? r->w.diff_high : NAN));
	json_object_set_new(o, "t", mb_json_real_or_null(t ? r->w.t : NAN));
	json_object_set_new(o, "df", mb_json_real_or_null(t ? r->w.df : NAN));
	json_object_set_new(o, "p", jp(r->w.p, r->w.p_below_floor, t));
	json_object_set_new(o, "p_underflow", t ? json_boolean(r->w.p_below_floor) : json_null());
	json_object_set_new(o, "hedges_g", mb_json_real_or_null(t ? r->w.hedges_g : NAN));
	json_object_set_new(o, "utest", json_utest(r));
	json_object_set_new(o, "verdict", r->geomean ? json_null() : json_string(r->verdict));
	json_object_set_new(o, "n_needed", r->n_needed ? json_integer((json_int_t)r->n_needed)
						       : json_null());
	return o;
}

static json_t *json_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static int print_json(const struct mb_compare *c, const struct args *args)
{
	json_t *rows = json_array(), *warnings = json_array();
	for (size_t i = 0; i < c->nrows; i++)
		json_array_append_new(rows, json_row(&c->rows[i]));
	for (size_t i = 0; i < c->nwarnings; i++)
		json_array_append_new(warnings, jstr(c->warnings[i]));
	json_t *root = json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:f, s:s, s:f, s:o, s:o, s:b}",
		"schema", "mapbench-compare/1",
		"mapbench_version", PACKAGE_VERSION,
		"a", jstr(c->a.path),
		"b", jstr(c->b.path),
		"implementation_a", json_or_null(c->a.implementation),
		"implementation_b", json_or_null(c->b.implementation),
		"alpha", args->alpha,
		"test", test_names[args->test],
		"confidence", 0.95,
		"comparisons", rows,
		"warnings", warnings,
		"regression", c->regression);
	if (!root)
		return -ENOMEM;
	json_dumpf(root, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(root);
	return 0;
}

static const char doc[] =
	"Compare two mapbench results A (the baseline) and B, or two files of numbers, "
	"with Welch's t-test per metric and run label."
	"\v"
	"A and B are mapbench JSON results (runs matched by MAP/threads=N/procs=P) or "
	"plain text files of numbers, one a line ('#' comments and blank lines skipped); "
	"a file is told apart by its content; '-' is standard input, for one side.  Two "
	"plain files are one row, named 'A vs B'.  For plain files --metric names one "
	"metric whose direction and unit apply (default: a value, lower is better).  When "
	"the results' implementations differ (mapbench C, a Go version), the "
	"implementation is what is compared and is named in the header.\n\n"
	"Metrics (--metric):\n%s\n"
	"Output columns: n, mean, the 95%% t-interval of each side's mean, delta = "
	"100 (mean B - mean A) / mean A, Welch's p (two-sided), n per side, and the "
	"verdict at --alpha: better, worse, no-change or insufficient (n < 2 or no "
	"variance).  --format csv and json add sd, min, median, max, the 95%% interval of "
	"the difference, t, df, Hedges' g.\n\n"
	"A p below 2.2e-308 is shown as p<2.2e-308 (underflow).\n\n"
	"Exit status: 0 ok, 1 out of memory or output not written, 2 bad usage or input, "
	"4 a regression (--fail-on-regression).";

/* Prints the engine's error as one line; the exit status: 1 out of
 * memory, 2 unusable input or usage. */
static int failed(int rc, const char *err)
{
	fprintf(stderr, "mapbench: %s\n", err);
	return rc == -ENOMEM ? MB_EXIT_FAILURE : MB_EXIT_USAGE;
}

/* One line per regression on standard error. */
static void print_regressions(const struct mb_compare *c)
{
	for (size_t i = 0; i < c->nrows; i++) {
		const struct mb_compare_row *r = &c->rows[i];
		if (!r->regression)
			continue;
		char pb[48], db[96];
		double p = r->utested ? r->u.p : r->w.p;
		bool below = r->utested ? r->u.p_below_floor : r->w.p_below_floor;
		fprintf(stderr, "mapbench: regression: %s %s %s (%s)\n", r->name, r->metric->name,
			mb_compare_delta_text(r, db, sizeof db), p_text(p, below, pb, sizeof pb));
	}
}

/* The metrics of --metric, checked before any file is read; their count. */
static size_t parse_metrics(const struct args *args, struct mb_metric *metrics)
{
	if (!args->metric_given)
		return 0;
	for (size_t i = 0; i < args->nmetrics; i++) {
		char err[256];
		if (mb_samples_metric_parse(args->metrics[i], &metrics[i], err, sizeof err))
			mb_cmd_usage_error("--metric", "%s", err);
	}
	return args->nmetrics;
}

static int print_output(const struct mb_compare *c, const struct args *args)
{
	int rc = 0;
	switch (args->format) {
	case FORMAT_TEXT:
		print_text(c, args);
		break;
	case FORMAT_MARKDOWN:
		print_markdown(c, args);
		break;
	case FORMAT_JSON:
		rc = print_json(c, args);
		break;
	case FORMAT_CSV:
		print_csv(c, args);
		break;
	}
	return rc;
}

int mb_cmd_compare(int argc, char **argv)
{
	char docbuf[4096], err[8192];
	snprintf(docbuf, sizeof docbuf, doc, mb_samples_metric_help);
	const struct argp argp = {options, parse_opt, "A B", docbuf, NULL, NULL, NULL};
	struct args args = {.alpha = 0.05};
	argp_parse(&argp, argc, argv, 0, NULL, &args);

	struct mb_metric metrics[MAX_METRICS];
	struct mb_compare_opts opts = {
		.metrics = metrics,
		.nmetrics = parse_metrics(&args, metrics),
		.alpha = args.alpha,
		.utest = args.test == TEST_UTEST,
		.strict = args.strict,
		.vary = args.vary,
		.nvary = args.nvary,
		.fail_pct = args.fail_pct,
	};
	struct mb_compare c = {0};
	int rc = mb_compare_side_read(&c.a, args.path[0], err, sizeof err);
	if (!rc)
		rc = mb_compare_side_read(&c.b, args.path[1], err, sizeof err);
	if (!rc)
		rc = mb_compare_run(&c, &opts, err, sizeof err);
	if (rc) {
		mb_compare_free(&c);
		return failed(rc, err);
	}
	/* Warnings once the input is known to be usable, so that an error
	 * stays one line. */
	for (size_t i = 0; i < c.nwarnings; i++)
		fprintf(stderr, "mapbench: warning: %s\n", c.warnings[i]);
	if (args.fail)
		print_regressions(&c);
	rc = print_output(&c, &args);
	fflush(stdout);
	bool regression = c.regression;
	mb_compare_free(&c);
	if (rc) {
		fprintf(stderr, "mapbench: compare: out of memory\n");
		return MB_EXIT_FAILURE;
	}
	if (ferror(stdout)) {
		fprintf(stderr, "mapbench: compare: cannot write the output\n");
		return MB_EXIT_FAILURE;
	}
	return args.fail && regression ? MB_EXIT_REGRESSION : MB_EXIT_OK;
}
