#include "report/result_json.h"
#include "report/json_num.h"
#include "report/result_lock_json.h"

#include "run/options.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PACKAGE_VERSION
#error "PACKAGE_VERSION comes from configure"
#endif

/* What measured: this C build of mapbench's ports (the Go runner writes
 * "Go goX.Y.Z"); stable across runs of one version. */
#define MB_RESULT_IMPLEMENTATION "mapbench C " PACKAGE_VERSION


static json_t *host_json(const struct mb_host *h)
{
	return json_pack("{s:s, s:i, s:I, s:s, s:s, s:s, s:s, s:s, s:s}",
		"cpu_model", h->cpu_model,
		"cpus_online", (int)h->cpus_online,
		"memory_bytes", (json_int_t)h->memory_bytes,
		"kernel", h->kernel,
		"compiler", h->compiler,
		"hostname", h->hostname,
		"mapbench_version", PACKAGE_VERSION,
		"clock_source", h->clock_source,
		"date", h->date);
}


/* The heatmap: events per time window (rows) and log2 duration bucket
 * (columns, from the shortest event's bucket to the longest's).  Its counts
 * add up to the number of events listed. */
static json_t *heatmap_json(const struct mb_pause_log *p, uint64_t window_ns)
{
	unsigned lo = 63, hi = 0;
	uint64_t last = 0;
	for (size_t i = 0; i < p->n; i++) {
		unsigned b = mb_pause_bucket(p->events[i].dur_ns);
		lo = b < lo ? b : lo;
		hi = b > hi ? b : hi;
		last = p->events[i].at_ns > last ? p->events[i].at_ns : last;
	}
	json_t *buckets = json_array(), *rows = json_array();
	if (!window_ns)
		window_ns = 1;
	if (p->n) {
		size_t nwin = (size_t)(last / window_ns) + 1, nb = hi - lo + 1;
		uint64_t *c = calloc(nwin * nb, sizeof *c);
		if (!c) {
			json_decref(buckets);
			json_decref(rows);
			return NULL;
		}
		for (size_t i = 0; i < p->n; i++)
			c[(p->events[i].at_ns / window_ns) * nb +
			  (mb_pause_bucket(p->events[i].dur_ns) - lo)]++;
		for (unsigned b = lo; b <= hi; b++)
			json_array_append_new(buckets, json_integer((json_int_t)1 << b));
		for (size_t w = 0; w < nwin; w++) {
			json_t *row = json_array();
			for (size_t b = 0; b < nb; b++)
				json_array_append_new(row, json_integer((json_int_t)c[w * nb + b]));
			json_array_append_new(rows, row);
		}
		free(c);
	}
	return json_pack("{s:I, s:o, s:o}", "window_ns", (json_int_t)window_ns,
			 "duration_buckets_ns", buckets, "counts", rows);
}

/* off: --pause-threshold off, so the threshold is null, not the default
 * that was never used. */
static json_t *pauses_json(const struct mb_pause_log *p, uint64_t window_ns, bool off)
{
	json_t *kinds = json_object(), *events = json_array();
	for (int k = 0; k < MB_PAUSE_NKINDS; k++) {
		const struct mb_pause_summary *s = &p->by_kind[k];
		json_object_set_new(kinds, mb_pause_kind_name(k),
			json_pack("{s:I, s:I, s:I}", "count", (json_int_t)s->count,
				  "total_ns", (json_int_t)s->total_ns, "max_ns", (json_int_t)s->max_ns));
	}
	for (size_t i = 0; i < p->n; i++) {
		const struct mb_pause_event *e = &p->events[i];
		json_t *o = json_pack("{s:I, s:I, s:s, s:o, s:I}",
			"at_ns", (json_int_t)e->at_ns, "dur_ns", (json_int_t)e->dur_ns,
			"kind", mb_pause_kind_name(e->kind),
			"worker", e->worker == MB_PAUSE_NO_WORKER ? json_null()
								  : json_integer((json_int_t)e->worker),
			"map_len", (json_int_t)e->map_len);
		if (o)
			json_object_set_new(o, "op_index", e->op_index < 0 ? json_null()
						: json_integer((json_int_t)e->op_index));
		if (o && e->moved >= 0)
			json_object_set_new(o, "moved", json_integer((json_int_t)e->moved));
		if (o && e->kind == MB_PAUSE_RECLAIM) {
			json_object_set_new(o, "grace_ns", json_integer((json_int_t)e->grace_ns));
			json_object_set_new(o, "objects", json_integer((json_int_t)e->objects));
			json_object_set_new(o, "bytes", json_integer((json_int_t)e->bytes));
		}
		json_array_append_new(events, o);
	}
	return json_pack("{s:o, s:I, s:I, s:o, s:o, s:o}",
		"threshold_ns", off ? json_null() : json_integer((json_int_t)p->threshold_ns),
		"recorded", (json_int_t)p->recorded,
		"dropped", (json_int_t)p->dropped,
		"by_kind", kinds,
		"events", events,
		"heatmap", heatmap_json(p, window_ns));
}

/* {category: bytes} of a live-bytes sample. */
static json_t *live_json(const struct mb_alloc_live *l)
{
	json_t *o = json_object();
	for (int c = 0; c < MB_ALLOC_NCATS; c++)
		json_object_set_new(o, mb_alloc_cat_name(c), json_integer((json_int_t)l->bytes[c]));
	return o;
}

/* Like go test -benchmem: what the timed phase allocated, per op; then what
 * was held at the end and at the peak. */
static json_t *alloc_json(const struct mb_run_result *r)
{
	const struct mb_alloc_stats *a = &r->alloc;
	uint64_t ops = r->ops;
	uint64_t bytes = 0, allocs = 0;
	json_t *cats = json_object();
	for (int c = 0; c < MB_ALLOC_NCATS; c++) {
		bytes += a->bytes[c];
		allocs += a->allocs[c];
		json_object_set_new(cats, mb_alloc_cat_name(c),
			json_pack("{s:I, s:I}", "allocs", (json_int_t)a->allocs[c],
				  "bytes", (json_int_t)a->bytes[c]));
	}
	return json_pack("{s:I, s:I, s:o, s:o, s:o, s:o, s:I}",
		"bytes", (json_int_t)bytes,
		"allocs", (json_int_t)allocs,
		"bytes_per_op", mb_json_real_or_null(ops ? (double)bytes / (double)ops : NAN),
		"allocs_per_op", mb_json_real_or_null(ops ? (double)allocs / (double)ops : NAN),
		"by_category", cats,
		"live_bytes", live_json(&r->live_end),
		"peak_live_bytes", (json_int_t)r->live_peak);
}

/* One object per event, in -e order: the total over workers and per op, or
 * supported false with the reason. */
static json_t *counters_json(const struct mb_run_config *c, const struct mb_run_result *r)
{
	json_t *list = json_array();
	for (size_t i = 0; i < r->ncounters; i++) {
		bool ok = r->counter_errors[i] == 0;
		json_array_append_new(list, json_pack("{s:s, s:b, s:o, s:o, s:o}",
			"name", mb_counters_name(c->counters, i),
			"supported", ok,
			"reason", ok ? json_null() : json_string(strerror(r->counter_errors[i])),
			"value", ok ? json_integer((json_int_t)r->counter_values[i]) : json_null(),
			"per_op", ok && r->ops ? json_real((double)r->counter_values[i] / (double)r->ops)
					       : json_null()));
	}
	return list;
}

/* Per window: throughput, the op split, coarse latency percentiles, the
 * kept pause events that started in it, and the live bytes of the window's
 * last sample (a window without one, e.g. inside a long stall, repeats the
 * one before). */
static json_t *timeseries_json(const struct mb_run_config *c, const struct mb_run_result *r)
{
	const struct mb_timeseries *ts = &r->series;
	json_t *windows = json_array();
	struct mb_alloc_live live = {{0}};
	/* each window's pauses in one pass over the events */
	uint64_t *npause = calloc(ts->n ? ts->n : 1, sizeof *npause);
	uint64_t *pause_dur = calloc(ts->n ? ts->n : 1, sizeof *pause_dur);
	if (!npause || !pause_dur) {
		free(npause);
		free(pause_dur);
		json_decref(windows);
		return NULL;
	}
	for (size_t e = 0; e < r->pauses.n; e++) {
		uint64_t i = r->pauses.events[e].at_ns / ts->window_ns;
		if (i < ts->n) {
			npause[i]++;
			pause_dur[i] += r->pauses.events[e].dur_ns;
		}
	}
	for (size_t i = 0; i < ts->n; i++) {
		const struct mb_ts_window *w = &ts->w[i];
		if (w->live_at)
			live = w->live;
		uint64_t ops = 0, pauses = npause[i], pause_ns = pause_dur[i];
		json_t *kinds = json_object();
		for (int k = 0; k < MB_OP_NKINDS; k++) {
			ops += w->ops[k];
			if (c->mix[k])
				json_object_set_new(kinds, mb_op_kind_name(k),
						    json_integer((json_int_t)w->ops[k]));
		}
		/* the last window may be short: rate over its part of the run */
		double start = (double)i * (double)ts->window_ns / 1e9;
		double len = (double)ts->window_ns / 1e9;
		if (start + len > r->elapsed_s && r->elapsed_s > start)
			len = r->elapsed_s - start;
		json_t *o = json_object();
		json_object_set_new(o, "start_ns", json_integer((json_int_t)(i * ts->window_ns)));
		json_object_set_new(o, "ops", json_integer((json_int_t)ops));
		json_object_set_new(o, "ops_per_s", mb_json_real_or_null(len > 0 ? (double)ops / len : NAN));
		json_object_set_new(o, "ops_by_kind", kinds);
		json_object_set_new(o, "latency_samples", json_integer((json_int_t)w->lat_count));
		json_object_set_new(o, "p50_ns", json_integer((json_int_t)mb_ts_percentile(w, 50)));
		json_object_set_new(o, "p99_ns", json_integer((json_int_t)mb_ts_percentile(w, 99)));
		json_object_set_new(o, "pauses", json_integer((json_int_t)pauses));
		json_object_set_new(o, "pause_ns", json_integer((json_int_t)pause_ns));
		json_object_set_new(o, "live_bytes", live_json(&live));
		json_array_append_new(windows, o);
	}
	free(npause);
	free(pause_dur);
	return json_pack("{s:I, s:b, s:o}", "window_ns", (json_int_t)ts->window_ns, "truncated",
			 ts->truncated, "windows", windows);
}

static json_t *run_json(const struct mb_result_run *run, uint64_t window_ns)
{
	const struct mb_run_config *c = &run->cfg;
	const struct mb_run_result *r = &run->res;
	double ns_per_op = mb_run_ns_per_op(r);
	json_t *kinds = json_object(), *hits = json_object(), *stats = json_object();
	for (int k = 0; k < MB_OP_NKINDS; k++) {
		json_object_set_new(kinds, mb_op_kind_name(k),
				    json_integer((json_int_t)r->ops_by_kind[k]));
		json_object_set_new(hits, mb_op_kind_name(k),
				    json_integer((json_int_t)r->hits_by_kind[k]));
	}
	json_t *by_kind = json_object();
	for (int k = 0; k < MB_OP_NKINDS; k++)
		if (r->latency_by_kind[k].count)
			json_object_set_new(by_kind, mb_op_kind_name(k),
					    mb_json_hist_summary(&r->latency_by_kind[k]));
	for (size_t i = 0; i < r->nmap_stats; i++)
		json_object_set_new(stats, r->map_stats[i].name,
				    json_integer((json_int_t)r->map_stats[i].value));
	/* Member by member: a run has too many fields for one json_pack
	 * format to stay readable. */
	json_t *o = json_object();
	char map[96];
	mb_run_map_label(c, map, sizeof map);
	json_object_set_new(o, "map", json_string(map));
	json_object_set_new(o, "rep", json_integer(run->rep ? run->rep : 1));
	json_object_set_new(o, "threads", json_integer((json_int_t)c->threads));
	json_object_set_new(o, "procs", json_integer(c->procs));
	json_object_set_new(o, "ops", json_integer((json_int_t)r->ops));
	json_object_set_new(o, "elapsed_s", mb_json_real_or_null(r->elapsed_s));
	json_object_set_new(o, "overrun_s", r->overrun_s >= 0 ? json_real(r->overrun_s) : json_null());
	json_object_set_new(o, "ops_per_s", mb_json_real_or_null(r->ops_per_s));
	json_object_set_new(o, "ns_per_op", mb_json_real_or_null(ns_per_op));
	json_object_set_new(o, "ops_by_kind", kinds);
	json_object_set_new(o, "hits_by_kind", hits);
	json_object_set_new(o, "load_hits", json_integer((json_int_t)r->load_hits));
	json_object_set_new(o, "range_entries", json_integer((json_int_t)r->range_entries));
	json_object_set_new(o, "map_stats", stats);
	json_object_set_new(o, "lock", mb_result_lock_json(&r->lock));
	json_object_set_new(o, "latency_ns", mb_json_hist_summary(&r->latency));
	json_object_set_new(o, "latency_ns_by_kind", by_kind);
	json_object_set_new(o, "timer", r->timer ? json_string(r->timer) : json_null());
	json_object_set_new(o, "timer_overhead_ns", mb_json_real_or_null(r->timer_overhead_ns));
	json_object_set_new(o, "pauses", pauses_json(&r->pauses, window_ns, c->pauses_off));
	json_object_set_new(o, "timeseries", timeseries_json(c, r));
	json_object_set_new(o, "alloc", alloc_json(r));
	json_object_set_new(o, "counters", counters_json(c, r));
	json_object_set_new(o, "process", json_pack("{s:I, s:I, s:I}",
		"peak_rss_bytes", (json_int_t)r->peak_rss_bytes,
		"minor_faults", (json_int_t)r->minor_faults,
		"major_faults", (json_int_t)r->major_faults));
	json_object_set_new(o, "fairness", json_pack("{s:I, s:I, s:I, s:o}",
		"task_ops_min", (json_int_t)r->task_ops_min,
		"task_ops_median", (json_int_t)r->task_ops_median,
		"task_ops_max", (json_int_t)r->task_ops_max,
		"jain_index", mb_json_real_or_null(r->fairness)));
	char digest[17];
	snprintf(digest, sizeof digest, "%016llx", (unsigned long long)r->op_digest);
	json_object_set_new(o, "op_digest", json_string(digest));
	json_object_set_new(o, "prefill_s", mb_json_real_or_null(r->prefill_s));
	json_object_set_new(o, "spawn_s", mb_json_real_or_null(r->spawn_s));
	json_object_set_new(o, "task_bytes", json_integer((json_int_t)r->task_bytes));
	json_object_set_new(o, "final_len", json_integer((json_int_t)r->final_len));
	json_object_set_new(o, "outcome", json_string(mb_run_outcome_name(r->outcome)));
	json_object_set_new(o, "error", r->message ? json_string(r->message) : json_null());
	return o;
}

json_t *mb_result_to_json(const struct mb_result *r)
{
	json_t *argv = json_array(), *runs = json_array();
	if (!argv || !runs) {
		json_decref(argv);
		json_decref(runs);
		return NULL;
	}
	for (int i = 0; i < r->argc; i++)
		json_array_append_new(argv, json_string(r->argv[i]));
	for (size_t i = 0; i < r->nruns; i++)
		json_array_append_new(runs, run_json(&r->runs[i], r->sweep->window_ns));
	return json_pack("{s:s, s:s, s:s, s:s, s:b, s:o, s:o, s:o, s:o}",
		"schema", MB_RESULT_SCHEMA,
		"mapbench_version", PACKAGE_VERSION,
		"implementation", MB_RESULT_IMPLEMENTATION,
		"created", r->host.date,
		"interrupted", r->interrupted,
		"command_line", argv,
		"config", mb_options_config_json(r->sweep),
		"host", host_json(&r->host),
		"runs", runs);
}

char *mb_result_dump(const struct mb_result *r)
{
	json_t *doc = mb_result_to_json(r);
	if (!doc)
		return NULL;
	char *text = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(12));
	json_decref(doc);
	if (!text)
		return NULL;
	size_t n = strlen(text);
	char *out = realloc(text, n + 2);
	if (!out) {
		free(text);
		return NULL;
	}
	out[n] = '\n';
	out[n + 1] = '\0';
	return out;
}
