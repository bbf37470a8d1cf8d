/* gnuplot-ready tables from a result document: see export.h. */
#include "report/export.h"
#include "report/result_read.h"
#include "report/stats.h"
#include "util/parse.h"
#include "run/runner.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const struct mb_export_kind_info kinds[MB_EXPORT_NKINDS] = {
	[MB_EXPORT_HEATMAP] = {"heatmap", "pause events per time window and log2 duration bucket",
			       "window start_s mid_s duration_log2 duration_ns count"},
	[MB_EXPORT_LATENCY] = {"latency", "the percentile spectrum per run and op kind",
			       "percentile tail_inv value_ns"},
	[MB_EXPORT_TIMESERIES] = {"timeseries", "per window: ops/s, p50, p99, pauses",
				  "start_s ops ops_per_s latency_samples p50_ns p99_ns pauses pause_ns"},
	[MB_EXPORT_SCALING] = {"scaling", "ops/s over threads per map, over the repetitions",
			       "threads n mean_ops_per_s median_ops_per_s min_ops_per_s max_ops_per_s sd_ops_per_s"},
	/* then one column per category */
	[MB_EXPORT_ALLOC] = {"alloc", "live bytes by category per window", "start_s end_s total_bytes"},
	[MB_EXPORT_PAUSES] = {"pauses", "the pause events",
			      "at_ns dur_ns kind worker map_len grace_ns objects bytes op_index moved"},
};

const struct mb_export_kind_info *mb_export_kind_at(int kind)
{
	return kind >= 0 && kind < MB_EXPORT_NKINDS ? &kinds[kind] : NULL;
}

int mb_export_kind_parse(const char *name)
{
	for (int k = 0; k < MB_EXPORT_NKINDS; k++)
		if (strcmp(name, kinds[k].name) == 0)
			return k;
	return -EINVAL;
}

const char *mb_export_kind_name(int kind)
{
	return kind >= 0 && kind < MB_EXPORT_NKINDS ? kinds[kind].name : NULL;
}

const char *mb_export_kind_names(char *buf, size_t n, const char *sep)
{
	size_t len = 0;
	if (n)
		buf[0] = '\0';
	for (int k = 0; k < MB_EXPORT_NKINDS && len < n; k++) {
		int w = snprintf(buf + len, n - len, "%s%s", k ? sep : "", kinds[k].name);
		if (w < 0)
			break;
		len += (size_t)w;
	}
	return buf;
}

/* The output being built: the table and the block list, both in memory. */
struct out {
	FILE *tab, *blk;
	size_t nblocks, rows, total_rows;
	char title[160];
	char note[160]; /* the block's note for --blocks (a fatal run), or "" */
	char *err;
	size_t errlen;
};

static int fail(struct out *o, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct out *o, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(o->err, o->errlen, fmt, ap);
	va_end(ap);
	return code;
}

/* A title safe to hand to gnuplot as a word: anything outside a small set
 * of characters becomes '_'. */
static void set_title(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_title(struct out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(o->title, sizeof o->title, fmt, ap);
	va_end(ap);
	for (char *p = o->title; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_./=:+-", *p))
			*p = '_';
}

static void block_begin(struct out *o)
{
	if (o->nblocks)
		fputs("\n\n", o->tab);
	fprintf(o->tab, "# [%zu] %s\n", o->nblocks, o->title);
	o->rows = 0;
}

static void block_end(struct out *o)
{
	fprintf(o->blk, "%zu %s%s%s\n", o->rows, o->title, o->note[0] ? " " : "", o->note);
	o->nblocks++;
	o->total_rows += o->rows;
}

/* A number of the document as a double: NaN for null or a non-number. */
static double num(const json_t *v)
{
	if (json_is_integer(v))
		return (double)json_integer_value(v);
	if (json_is_real(v))
		return json_real_value(v);
	return NAN;
}

static void put_dbl(FILE *f, double x)
{
	if (isfinite(x))
		fprintf(f, "%.9g", x);
	else
		fputs("NaN", f);
}

/* Integers exactly, reals to 9 digits, anything else NaN. */
static void put_num(FILE *f, const json_t *v)
{
	if (json_is_integer(v))
		fprintf(f, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else
		put_dbl(f, num(v));
}

/* A count or a duration the table prints must not be negative (a null or
 * a missing value is written NaN: it does not exist).  Returns 0, or fails
 * with -EBADMSG naming where the value is (fmt, ...). */
static int check_count(struct out *o, const json_t *v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int check_count(struct out *o, const json_t *v, const char *fmt, ...)
{
	if (!(num(v) < 0))
		return 0;
	char where[96];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(where, sizeof where, fmt, ap);
	va_end(ap);
	return fail(o, -EBADMSG, "%s is negative (%.6g): not a mapbench result", where, num(v));
}

static json_int_t int_of(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* The note of a run that ended fatal, "fatal: concurrent map writes after
 * 168541 ops", for a plot's empty panel: words of a small set of
 * characters (no quotes, no '#'), like a title. */
static void run_note(struct out *o, const json_t *run)
{
	o->note[0] = '\0';
	const char *outcome = json_string_value(json_object_get(run, "outcome"));
	if (!outcome || strcmp(outcome, "fatal") != 0)
		return;
	const char *why = json_string_value(json_object_get(run, "error"));
	const json_t *ops = json_object_get(run, "ops");
	int n = snprintf(o->note, sizeof o->note, "fatal: %.100s", why && *why ? why : "the run ended fatal");
	if (json_is_integer(ops) && json_integer_value(ops) >= 0 && n > 0 && (size_t)n < sizeof o->note)
		snprintf(o->note + n, sizeof o->note - (size_t)n, " after %" JSON_INTEGER_FORMAT " ops",
			 json_integer_value(ops));
	for (char *p = o->note; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_./=:+-, ", *p))
			*p = '_';
}

/* The per-run title: "MAP/threads=N/procs=P/rep=R", and the run's note. */
static void run_title(struct out *o, const json_t *run, const char *suffix)
{
	char label[128];
	mb_result_run_label(run, label, sizeof label);
	set_title(o, "%s/rep=%" JSON_INTEGER_FORMAT "%s", label, int_of(run, "rep"),
		  suffix ? suffix : "");
	run_note(o, run);
}

/* --- selection --- */

static bool in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");
		if (len == n && strncmp(p, name, n) == 0)
			return true;
		p += len;
		if (*p == ',')
			p++;
	}
	return false;
}

/* Marks the selected runs in chosen[]; returns how many. */
static size_t select_runs(const json_t *runs, const struct mb_export_select *sel,
			  bool *chosen)
{
	size_t n = json_array_size(runs), count = 0;
	for (size_t i = 0; i < n; i++) {
		const json_t *run = json_array_get(runs, i);
		bool ok = true;
		if (sel->maps && !in_list(sel->maps, json_string_value(json_object_get(run, "map"))))
			ok = false;
		if (sel->threads > 0 && int_of(run, "threads") != sel->threads)
			ok = false;
		if (sel->rep > 0 && int_of(run, "rep") != sel->rep)
			ok = false;
		if (sel->run) {
			if (mb_parse_is_digits(sel->run)) {
				ok = ok && strtoull(sel->run, NULL, 10) == i && strlen(sel->run) < 20;
			} else {
				char label[160], full[200];
				mb_result_run_label(run, label, sizeof label);
				snprintf(full, sizeof full, "%s/rep=%" JSON_INTEGER_FORMAT, label,
					 int_of(run, "rep"));
				ok = ok && (strcmp(sel->run, label) == 0 || strcmp(sel->run, full) == 0);
			}
		}
		chosen[i] = ok;
	}
	if (sel->threads == MB_EXPORT_THREADS_MAX) {
		/* Keep, per map, the runs with the largest thread count. */
		for (size_t i = 0; i < n; i++) {
			if (!chosen[i])
				continue;
			const json_t *ri = json_array_get(runs, i);
			const char *map = json_string_value(json_object_get(ri, "map"));
			for (size_t j = 0; j < n; j++) {
				const json_t *rj = json_array_get(runs, j);
				if (chosen[j] &&
				    strcmp(map, json_string_value(json_object_get(rj, "map"))) == 0 &&
				    int_of(rj, "threads") > int_of(ri, "threads")) {
					chosen[i] = false;
					break;
				}
			}
		}
	}
	for (size_t i = 0; i < n; i++)
		count += chosen[i];
	return count;
}

/* --- the writers: each writes the blocks of one run --- */

static int write_heatmap(struct out *o, const json_t *run, size_t idx)
{
	const json_t *hm = json_object_get(json_object_get(run, "pauses"), "heatmap");
	const json_t *win = json_object_get(hm, "window_ns");
	const json_t *buckets = json_object_get(hm, "duration_buckets_ns");
	const json_t *counts = json_object_get(hm, "counts");
	if (!json_is_object(hm) || !json_is_integer(win) || json_integer_value(win) <= 0 ||
	    !json_is_array(buckets) || !json_is_array(counts))
		return fail(o, -ENODATA,
			    "runs[%zu] has no pauses.heatmap (window_ns, duration_buckets_ns, counts)"
			    " -- run with --pause-threshold", idx);
	size_t nb = json_array_size(buckets);
	for (size_t b = 0; b < nb; b++)
		if (!json_is_integer(json_array_get(buckets, b)) ||
		    json_integer_value(json_array_get(buckets, b)) <= 0)
			return fail(o, -ENODATA,
				    "runs[%zu].pauses.heatmap.duration_buckets_ns[%zu] is not a positive integer",
				    idx, b);
	double w_s = (double)json_integer_value(win) / 1e9;
	run_title(o, run, NULL);
	block_begin(o);
	size_t wi;
	const json_t *row;
	json_array_foreach(counts, wi, row) {
		if (!json_is_array(row) || json_array_size(row) != nb)
			return fail(o, -ENODATA,
				    "runs[%zu].pauses.heatmap.counts[%zu] does not have one count per bucket",
				    idx, wi);
		if (nb == 0)
			continue;
		for (size_t b = 0; b < nb; b++) {
			json_int_t lo = json_integer_value(json_array_get(buckets, b));
			fprintf(o->tab, "%zu ", wi);
			put_dbl(o->tab, (double)wi * w_s);
			fputc(' ', o->tab);
			put_dbl(o->tab, ((double)wi + 0.5) * w_s);
			fputc(' ', o->tab);
			put_dbl(o->tab, log2((double)lo));
			fprintf(o->tab, " %" JSON_INTEGER_FORMAT " ", lo);
			int rc = check_count(o, json_array_get(row, b),
					     "runs[%zu].pauses.heatmap.counts[%zu][%zu]", idx, wi, b);
			if (rc)
				return rc;
			put_num(o->tab, json_array_get(row, b));
			fputc('\n', o->tab);
			o->rows++;
		}
		fputc('\n', o->tab); /* the end of a grid row, for splot and image */
	}
	block_end(o);
	return 0;
}

/* The percentiles of a latency object, with 1/(1-p) for a log axis. */
static const struct {
	const char *key;
	double pct, tail_inv;
} spectrum[] = {
	{"min", 0, 1},
	{"p50", 50, 2},
	{"p90", 90, 10},
	{"p99", 99, 100},
	{"p999", 99.9, 1000},
	{"p9999", 99.99, 10000},
};

static int write_spectrum(struct out *o, const json_t *lat, size_t idx)
{
	block_begin(o);
	if (num(json_object_get(lat, "samples")) > 0) {
		for (size_t i = 0; i < sizeof spectrum / sizeof spectrum[0]; i++) {
			int rc = check_count(o, json_object_get(lat, spectrum[i].key),
					     "runs[%zu]: latency %s", idx, spectrum[i].key);
			if (rc)
				return rc;
			put_dbl(o->tab, spectrum[i].pct);
			fputc(' ', o->tab);
			put_dbl(o->tab, spectrum[i].tail_inv);
			fputc(' ', o->tab);
			put_num(o->tab, json_object_get(lat, spectrum[i].key));
			fputc('\n', o->tab);
			o->rows++;
		}
	}
	block_end(o);
	return 0;
}

static int write_latency(struct out *o, const json_t *run, size_t idx, const char *op)
{
	const json_t *all = json_object_get(run, "latency_ns");
	const json_t *by = json_object_get(run, "latency_ns_by_kind");
	if (!json_is_object(all) || !json_is_object(by))
		return fail(o, -ENODATA, "runs[%zu] has no latency_ns or latency_ns_by_kind", idx);
	if (!op || strcmp(op, "all") == 0) {
		run_title(o, run, "/op=all");
		int rc = write_spectrum(o, all, idx);
		if (rc)
			return rc;
	}
	const char *kind;
	const json_t *lat;
	json_object_foreach((json_t *)by, kind, lat) {
		if (op && strcmp(op, kind) != 0)
			continue;
		if (!json_is_object(lat))
			return fail(o, -ENODATA, "runs[%zu].latency_ns_by_kind.%.32s is not an object",
				    idx, kind);
		char suffix[48];
		snprintf(suffix, sizeof suffix, "/op=%.32s", kind);
		run_title(o, run, suffix);
		int rc = write_spectrum(o, lat, idx);
		if (rc)
			return rc;
	}
	return 0;
}

static int write_timeseries(struct out *o, const json_t *run, size_t idx)
{
	const json_t *ts = json_object_get(run, "timeseries");
	const json_t *windows = json_object_get(ts, "windows");
	if (!json_is_object(ts) || !json_is_array(windows))
		return fail(o, -ENODATA, "runs[%zu] has no timeseries.windows", idx);
	run_title(o, run, NULL);
	block_begin(o);
	size_t wi;
	const json_t *w;
	json_array_foreach(windows, wi, w) {
		if (!json_is_object(w))
			return fail(o, -ENODATA, "runs[%zu].timeseries.windows[%zu] is not an object",
				    idx, wi);
		bool timed = num(json_object_get(w, "latency_samples")) > 0;
		static const char *const keys[] = {"ops", "ops_per_s", "latency_samples",
						   "p50_ns", "p99_ns", "pauses", "pause_ns", "start_ns"};
		for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
			int rc = check_count(o, json_object_get(w, keys[k]),
					     "runs[%zu].timeseries.windows[%zu].%s", idx, wi, keys[k]);
			if (rc)
				return rc;
		}
		put_dbl(o->tab, num(json_object_get(w, "start_ns")) / 1e9);
		for (size_t k = 0; k + 1 < sizeof keys / sizeof keys[0]; k++) {
			fputc(' ', o->tab);
			bool pct = k == 3 || k == 4;
			if (pct && !timed)
				fputs("NaN", o->tab); /* no operation timed: no percentile */
			else
				put_num(o->tab, json_object_get(w, keys[k]));
		}
		fputc('\n', o->tab);
		o->rows++;
	}
	block_end(o);
	return 0;
}

static int write_pauses(struct out *o, const json_t *run, size_t idx)
{
	const json_t *events = json_object_get(json_object_get(run, "pauses"), "events");
	if (!json_is_array(events))
		return fail(o, -ENODATA, "runs[%zu] has no pauses.events -- run with --pause-threshold",
			    idx);
	run_title(o, run, NULL);
	block_begin(o);
	size_t i;
	const json_t *e;
	json_array_foreach(events, i, e) {
		const char *kind = json_string_value(json_object_get(e, "kind"));
		if (!json_is_object(e) || !kind)
			return fail(o, -ENODATA, "runs[%zu].pauses.events[%zu] has no kind", idx, i);
		/* map_len may be -1 (not known); the rest are counts */
		static const char *const counts[] = {"at_ns", "dur_ns", "worker", "grace_ns",
						     "objects", "bytes", "moved"};
		for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
			int rc = check_count(o, json_object_get(e, counts[c]),
					     "runs[%zu].pauses.events[%zu].%s", idx, i, counts[c]);
			if (rc)
				return rc;
		}
		put_num(o->tab, json_object_get(e, "at_ns"));
		fputc(' ', o->tab);
		put_num(o->tab, json_object_get(e, "dur_ns"));
		fputc(' ', o->tab);
		/* a kind is one word; anything else would shift the columns */
		for (const char *p = kind; *p; p++)
			fputc(*p > ' ' && *p != '#' && *p != '"' && (unsigned char)*p < 127 ? *p : '_',
			      o->tab);
		if (!*kind)
			fputc('_', o->tab);
		fputc(' ', o->tab);
		put_num(o->tab, json_object_get(e, "worker"));
		fputc(' ', o->tab);
		put_num(o->tab, json_object_get(e, "map_len"));
		/* reclaim events only: NaN elsewhere */
		static const char *const batch[] = {"grace_ns", "objects", "bytes"};
		for (size_t b = 0; b < 3; b++) {
			fputc(' ', o->tab);
			put_num(o->tab, json_object_get(e, batch[b]));
		}
		/* the op it happened in (-1: none), and what a growth step moved
		 * (growth kinds only: NaN elsewhere) */
		fputc(' ', o->tab);
		put_num(o->tab, json_object_get(e, "op_index"));
		fputc(' ', o->tab);
		put_num(o->tab, json_object_get(e, "moved"));
		fputc('\n', o->tab);
		o->rows++;
	}
	block_end(o);
	return 0;
}

/* The categories of a run, in the order of alloc.by_category. */
static int alloc_categories(struct out *o, const json_t *run, size_t idx, const json_t **cats)
{
	*cats = json_object_get(json_object_get(run, "alloc"), "by_category");
	if (!json_is_object(*cats) || json_object_size(*cats) == 0)
		return fail(o, -ENODATA, "runs[%zu] has no alloc.by_category", idx);
	return 0;
}

static bool same_categories(const json_t *a, const json_t *b)
{
	if (json_object_size(a) != json_object_size(b))
		return false;
	void *ia = json_object_iter((json_t *)a), *ib = json_object_iter((json_t *)b);
	for (; ia && ib; ia = json_object_iter_next((json_t *)a, ia),
			 ib = json_object_iter_next((json_t *)b, ib))
		if (strcmp(json_object_iter_key(ia), json_object_iter_key(ib)) != 0)
			return false;
	return true;
}

static int write_alloc(struct out *o, const json_t *run, size_t idx)
{
	const json_t *cats;
	int rc = alloc_categories(o, run, idx, &cats);
	if (rc)
		return rc;
	const json_t *ts = json_object_get(run, "timeseries");
	const json_t *windows = json_object_get(ts, "windows");
	const json_t *win = json_object_get(ts, "window_ns");
	if (!json_is_array(windows) || !json_is_integer(win))
		return fail(o, -ENODATA, "runs[%zu] has no timeseries.windows", idx);
	size_t wi;
	const json_t *w;
	json_array_foreach(windows, wi, w)
		if (!json_is_object(json_object_get(w, "live_bytes")))
			return fail(o, -ENODATA,
				    "runs[%zu] has no timeseries.windows[].live_bytes: this result "
				    "does not record live bytes over time", idx);
	double w_s = (double)json_integer_value(win) / 1e9;
	double end_s = num(json_object_get(run, "elapsed_s"));
	run_title(o, run, NULL);
	block_begin(o);
	const json_t *peak = json_object_get(json_object_get(run, "alloc"), "peak_live_bytes");
	if (json_is_integer(peak))
		fprintf(o->tab, "# peak_live_bytes %" JSON_INTEGER_FORMAT "\n",
			json_integer_value(peak));
	json_array_foreach(windows, wi, w) {
		const json_t *live = json_object_get(w, "live_bytes");
		int rc = check_count(o, json_object_get(w, "start_ns"),
				     "runs[%zu].timeseries.windows[%zu].start_ns", idx, wi);
		const char *c;
		const json_t *cv;
		json_object_foreach((json_t *)cats, c, cv)
			if (!rc)
				rc = check_count(o, json_object_get(live, c),
						 "runs[%zu].timeseries.windows[%zu].live_bytes.%.32s", idx, wi, c);
		if (rc)
			return rc;
		double start = num(json_object_get(w, "start_ns")) / 1e9;
		double end = start + w_s;
		if (isfinite(end_s) && end > end_s && end_s > start)
			end = end_s; /* the last window ends with the run */
		put_dbl(o->tab, start);
		fputc(' ', o->tab);
		put_dbl(o->tab, end);
		double total = 0;
		const char *cat;
		const json_t *v;
		json_object_foreach((json_t *)cats, cat, v)
			total += num(json_object_get(live, cat));
		fputc(' ', o->tab);
		put_dbl(o->tab, total);
		json_object_foreach((json_t *)cats, cat, v) {
			fputc(' ', o->tab);
			put_num(o->tab, json_object_get(live, cat));
		}
		fputc('\n', o->tab);
		o->rows++;
	}
	block_end(o);
	return 0;
}

/* --- scaling: one block per map and procs, one row per thread count --- */

static int write_scaling(struct out *o, const json_t *runs, const bool *chosen)
{
	size_t n = json_array_size(runs);
	bool *done = calloc(n ? n : 1, sizeof *done);
	double *v = malloc((n ? n : 1) * sizeof *v);
	if (!done || !v) {
		free(done);
		free(v);
		return fail(o, -ENOMEM, "out of memory");
	}
	/* A run counts when it has a throughput (and did not end fatal). */
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		const json_t *run = json_array_get(runs, i);
		const char *outcome = json_string_value(json_object_get(run, "outcome"));
		if (chosen[i] && rc == 0)
			rc = check_count(o, json_object_get(run, "ops_per_s"), "runs[%zu].ops_per_s", i);
		if (!chosen[i] || !isfinite(num(json_object_get(run, "ops_per_s"))) ||
		    (outcome && strcmp(outcome, "fatal") == 0))
			done[i] = true;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		if (done[i])
			continue;
		const json_t *first = json_array_get(runs, i);
		const char *map = json_string_value(json_object_get(first, "map"));
		json_int_t procs = int_of(first, "procs");
		set_title(o, "%s/procs=%" JSON_INTEGER_FORMAT, map, procs);
		o->note[0] = '\0';
		block_begin(o);
		/* The thread counts of this map and procs, smallest first. */
		for (;;) {
			bool any = false;
			json_int_t threads = 0;
			for (size_t j = i; j < n; j++) {
				const json_t *r = json_array_get(runs, j);
				if (done[j] || int_of(r, "procs") != procs ||
				    strcmp(map, json_string_value(json_object_get(r, "map"))) != 0)
					continue;
				if (!any || int_of(r, "threads") < threads)
					threads = int_of(r, "threads");
				any = true;
			}
			if (!any)
				break;
			size_t k = 0;
			for (size_t j = i; j < n; j++) {
				const json_t *r = json_array_get(runs, j);
				if (done[j] || int_of(r, "procs") != procs ||
				    int_of(r, "threads") != threads ||
				    strcmp(map, json_string_value(json_object_get(r, "map"))) != 0)
					continue;
				v[k++] = num(json_object_get(r, "ops_per_s"));
				done[j] = true;
			}
			struct mb_stats_summary sum;
			int src = mb_stats_summarize(v, k, &sum);
			if (src == -ENOMEM) {
				rc = fail(o, -ENOMEM, "out of memory");
				break;
			}
			if (src) {
				rc = fail(o, -EBADMSG, "the ops_per_s of %s with %" JSON_INTEGER_FORMAT
					  " threads cannot be summarized (%s)", map, threads,
					  src == -ERANGE ? "too large" : "not finite");
				break;
			}
			fprintf(o->tab, "%" JSON_INTEGER_FORMAT " %zu ", threads, k);
			put_dbl(o->tab, sum.mean);
			fputc(' ', o->tab);
			put_dbl(o->tab, sum.median);
			fputc(' ', o->tab);
			put_dbl(o->tab, sum.min);
			fputc(' ', o->tab);
			put_dbl(o->tab, sum.max);
			fputc(' ', o->tab);
			/* one repetition has no spread: the column is missing */
			put_dbl(o->tab, k > 1 ? sum.sd : NAN);
			fputc('\n', o->tab);
			o->rows++;
		}
		block_end(o);
	}
	free(done);
	free(v);
	if (rc)
		return rc;
	if (o->nblocks == 0)
		return fail(o, -ENODATA, "no selected run has a throughput (ops_per_s)");
	return 0;
}

/* --- the entry point --- */

static int write_kind(struct out *o, const json_t *doc, int kind,
		      const struct mb_export_select *sel)
{
	const json_t *runs = json_object_get(doc, "runs");
	size_t n = json_array_size(runs);
	bool *chosen = calloc(n ? n : 1, sizeof *chosen);
	if (!chosen)
		return fail(o, -ENOMEM, "out of memory");
	int rc = 0;
	if (select_runs(runs, sel, chosen) == 0) {
		rc = fail(o, -ENOENT, n ? "no run matches the selection"
					: "the result has no runs");
		goto out;
	}
	/* What every table relies on, as compare checks it: a run has at
	 * least one thread and one worker, repetitions count from 1. */
	for (size_t i = 0; i < n && rc == 0; i++) {
		static const char *const keys[] = {"threads", "procs", "rep"};
		const json_t *run = json_array_get(runs, i);
		for (size_t k = 0; chosen[i] && k < 3 && rc == 0; k++)
			if (int_of(run, keys[k]) < 1)
				rc = fail(o, -EBADMSG, "runs[%zu].%s is %" JSON_INTEGER_FORMAT
					  ": not a mapbench result (it counts from 1)",
					  i, keys[k], int_of(run, keys[k]));
	}
	if (rc)
		goto out;
	if (kind == MB_EXPORT_HEATMAP || kind == MB_EXPORT_PAUSES) {
		const json_t *cfg = json_object_get(doc, "config");
		const json_t *thr = json_object_get(cfg, "pause_threshold_ns");
		if (thr && json_is_null(thr)) {
			rc = fail(o, -ENODATA, "no pause events were recorded "
					       "(the run had --pause-threshold off)");
			goto out;
		}
	}
	const json_t *cats0 = NULL;
	if (kind == MB_EXPORT_ALLOC) {
		/* One header for every block: the categories must agree. */
		for (size_t i = 0; i < n && rc == 0; i++) {
			const json_t *cats;
			if (!chosen[i])
				continue;
			rc = alloc_categories(o, json_array_get(runs, i), i, &cats);
			if (rc == 0 && cats0 && !same_categories(cats0, cats))
				rc = fail(o, -ENODATA,
					  "runs[%zu] has other alloc categories than the runs before it", i);
			if (!cats0)
				cats0 = cats;
		}
		if (rc)
			goto out;
	}
	fprintf(o->tab, "# %s", kinds[kind].columns);
	if (cats0) {
		const char *cat;
		const json_t *v;
		json_object_foreach((json_t *)cats0, cat, v) {
			fputc(' ', o->tab);
			for (const char *p = cat; *p; p++)
				fputc(*p > ' ' && (unsigned char)*p < 127 ? *p : '_', o->tab);
			fputs("_bytes", o->tab);
		}
	}
	fputc('\n', o->tab);
	if (kind == MB_EXPORT_SCALING) {
		rc = write_scaling(o, runs, chosen);
		goto out;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (!chosen[i])
			continue;
		const json_t *run = json_array_get(runs, i);
		switch (kind) {
		case MB_EXPORT_HEATMAP:
			rc = write_heatmap(o, run, i);
			break;
		case MB_EXPORT_LATENCY:
			rc = write_latency(o, run, i, sel->op);
			break;
		case MB_EXPORT_TIMESERIES:
			rc = write_timeseries(o, run, i);
			break;
		case MB_EXPORT_ALLOC:
			rc = write_alloc(o, run, i);
			break;
		case MB_EXPORT_PAUSES:
			rc = write_pauses(o, run, i);
			break;
		}
	}
	if (rc == 0 && kind == MB_EXPORT_LATENCY && o->total_rows == 0)
		rc = fail(o, -ENODATA, "no selected run timed operations%s%.32s%s "
				       "(run with --latency sample:N or all)",
			  sel->op ? " of kind '" : "", sel->op ? sel->op : "", sel->op ? "'" : "");
out:
	free(chosen);
	return rc;
}

int mb_export_write(FILE *out, const json_t *doc, int kind,
		    const struct mb_export_select *sel, bool blocks_only,
		    char *err, size_t errlen)
{
	static const struct mb_export_select all;
	struct out o = {.err = err, .errlen = errlen};
	char *tab = NULL, *blk = NULL;
	size_t tab_len = 0, blk_len = 0;
	if (err && errlen)
		err[0] = '\0';
	if (!sel)
		sel = &all;
	if (kind < 0 || kind >= MB_EXPORT_NKINDS) {
		char names[128];
		return fail(&o, -EINVAL, "unknown kind (expected %s)",
			    mb_export_kind_names(names, sizeof names, ", "));
	}
	if (sel->op) {
		bool known = strcmp(sel->op, "all") == 0;
		for (size_t i = 0; mb_op_kind_names[i]; i++)
			known = known || strcmp(sel->op, mb_op_kind_names[i]) == 0;
		if (!known)
			return fail(&o, -EINVAL, "unknown op kind '%.32s' (expected all or an op name)",
				    sel->op);
	}
	o.tab = open_memstream(&tab, &tab_len);
	o.blk = open_memstream(&blk, &blk_len);
	int rc;
	if (!o.tab || !o.blk)
		rc = fail(&o, -ENOMEM, "out of memory");
	else
		rc = write_kind(&o, doc, kind, sel);
	if (o.tab && fclose(o.tab) != 0 && rc == 0)
		rc = fail(&o, -ENOMEM, "out of memory");
	if (o.blk && fclose(o.blk) != 0 && rc == 0)
		rc = fail(&o, -ENOMEM, "out of memory");
	if (rc == 0) {
		const char *text = blocks_only ? blk : tab;
		size_t len = blocks_only ? blk_len : tab_len;
		if (fwrite(text, 1, len, out) != len || fflush(out) != 0)
			rc = fail(&o, -EIO, "cannot write the table");
	}
	free(tab);
	free(blk);
	return rc;
}
