/* The JSON document (fields and types), host metadata and table formats. */
#include "check.h"

#include "maps/registry.h"
#include "report/host.h"
#include "report/result_csv.h"
#include "report/result_json.h"
#include "report/result_lock_json.h"
#include "report/result_read.h"
#include "report/table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void check_type(json_t *obj, const char *key, json_type want)
{
	json_t *v = json_object_get(obj, key);
	CHECK(v && json_typeof(v) == want, "field %s: type %d, want %d", key,
	      v ? (int)json_typeof(v) : -1, (int)want);
}

static void check_document(void)
{
	struct mb_sweep sw = {
		.maps = {mb_registry_find("plain"), mb_registry_find("locked")},
		.nmaps = 2,
		.threads = {1, 1000},
		.nthreads = 2,
		.procs = 2,
		.mix = {90, 10, 0},
		.keys = 1000,
		.prefill = 500,
		.ops = 5000,
		.seed = 3,
		.latency_every = 64,
	};
	struct mb_result_run *runs = calloc(2, sizeof *runs);
	mb_sweep_run_config(&sw, 0, &runs[0].cfg, NULL);
	mb_sweep_run_config(&sw, 3, &runs[1].cfg, NULL);
	CHECK(runs[0].cfg.procs == 1, "plain runs on one worker without --procs");
	CHECK(runs[1].cfg.procs == 2 && runs[1].cfg.threads == 1000 &&
	      strcmp(runs[1].cfg.map->name, "locked") == 0, "run 3 is locked x 1000");
	for (int i = 0; i < 2; i++) {
		struct mb_run_result *r = &runs[i].res;
		r->ops = 5000;
		r->ops_by_kind[0] = 4500;
		r->ops_by_kind[1] = 500;
		r->elapsed_s = 0.001;
		r->ops_per_s = 5e6;
		r->task_bytes = 24;
		r->final_len = 510;
		r->latency = (struct mb_hist_summary){.count = 1, .min = 100, .max = 100,
						      .p50 = 100, .p90 = 100, .p99 = 100,
						      .p999 = 100, .p9999 = 100, .mean = 100};
	}
	runs[1].res.outcome = MB_RUN_FATAL;
	runs[1].res.message = "concurrent map writes";
	runs[1].res.elapsed_s = NAN; /* must come out as null, not break JSON */
	char *argv[] = {"mapbench run", "--ops", "5000"};
	struct mb_result res = {.sweep = &sw, .runs = runs, .nruns = 2, .argc = 3, .argv = argv};
	mb_host_read(&res.host);

	char *text = mb_result_dump(&res);
	CHECK(text != NULL, "dump");
	json_error_t err;
	json_t *doc = text ? json_loads(text, 0, &err) : NULL;
	CHECK(doc != NULL, "the dump parses back: %s", doc ? "" : err.text);
	if (text) {
		/* What run writes, the readers (compare, export) accept. */
		char rerr[256] = "";
		json_t *back = mb_result_parse(text, strlen(text), rerr, sizeof rerr);
		CHECK(back != NULL, "mb_result_parse accepts a dump: %s", rerr);
		char label[64] = "";
		if (back)
			mb_result_run_label(json_array_get(json_object_get(back, "runs"), 1),
					    label, sizeof label);
		CHECK(strcmp(label, "locked/threads=1000/procs=2") == 0, "label '%s'", label);
		json_decref(back);
	}
	if (doc) {
		CHECK(strcmp(json_string_value(json_object_get(doc, "schema")), "mapbench/1") == 0,
		      "schema");
		check_type(doc, "mapbench_version", JSON_STRING);
		check_type(doc, "created", JSON_STRING);
		check_type(doc, "interrupted", JSON_FALSE);
		check_type(doc, "command_line", JSON_ARRAY);
		check_type(doc, "config", JSON_OBJECT);
		check_type(doc, "host", JSON_OBJECT);
		check_type(doc, "runs", JSON_ARRAY);
		json_t *cfg = json_object_get(doc, "config");
		check_type(cfg, "maps", JSON_ARRAY);
		check_type(cfg, "mix", JSON_OBJECT);
		check_type(cfg, "hash_seed", JSON_NULL);
		check_type(cfg, "duration_ns", JSON_NULL);
		check_type(cfg, "ops", JSON_INTEGER);
		json_t *host = json_object_get(doc, "host");
		const char *hf[] = {"cpu_model", "kernel", "compiler", "date", "mapbench_version"};
		for (size_t i = 0; i < sizeof hf / sizeof hf[0]; i++)
			check_type(host, hf[i], JSON_STRING);
		check_type(host, "cpus_online", JSON_INTEGER);
		check_type(host, "memory_bytes", JSON_INTEGER);
		json_t *r0 = json_array_get(json_object_get(doc, "runs"), 0);
		json_t *r1 = json_array_get(json_object_get(doc, "runs"), 1);
		const char *ints[] = {"threads", "procs", "ops", "load_hits", "task_bytes", "final_len"};
		for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
			check_type(r0, ints[i], JSON_INTEGER);
		const char *reals[] = {"elapsed_s", "ops_per_s", "ns_per_op", "prefill_s", "spawn_s"};
		for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++)
			check_type(r0, reals[i], JSON_REAL);
		check_type(r0, "ops_by_kind", JSON_OBJECT);
		check_type(r0, "latency_ns", JSON_OBJECT);
		check_type(r0, "error", JSON_NULL);
		CHECK(strcmp(json_string_value(json_object_get(r0, "outcome")), "ok") == 0, "ok");
		CHECK(strcmp(json_string_value(json_object_get(r1, "outcome")), "fatal") == 0 &&
		      strcmp(json_string_value(json_object_get(r1, "error")),
			     "concurrent map writes") == 0, "fatal run carries Go's message");
		check_type(r1, "elapsed_s", JSON_NULL);
		json_t *lat = json_object_get(r0, "latency_ns");
		CHECK(json_integer_value(json_object_get(lat, "p50")) == 100 &&
		      json_integer_value(json_object_get(lat, "samples")) == 1, "latency");
		json_decref(doc);
	}
	free(text);
	free(runs);
}

static void check_csv(void)
{
	struct mb_sweep sw = {
		.maps = {mb_registry_find("locked")},
		.nmaps = 1,
		.threads = {4},
		.nthreads = 1,
		.procs = 2,
		.mix = {90, 10},
		.keys = 100,
		.ops = 10,
	};
	struct mb_result_run *runs = calloc(2, sizeof *runs);
	for (int i = 0; i < 2; i++) {
		mb_sweep_run_config(&sw, 0, &runs[i].cfg, NULL);
		runs[i].res.ops = 10;
		runs[i].res.elapsed_s = 0.5;
	}
	runs[0].res.latency = (struct mb_hist_summary){.count = 1, .min = 42, .max = 42, .p50 = 42,
						       .p90 = 42, .p99 = 42, .p999 = 42,
						       .p9999 = 42, .mean = 42};
	runs[1].res.outcome = MB_RUN_FATAL;
	runs[1].res.message = "odd, \"quoted\" message";
	struct mb_result res = {.sweep = &sw, .runs = runs, .nruns = 2};
	char *text = mb_result_csv(&res);
	CHECK(text != NULL, "csv");
	if (text) {
		char *l1 = strchr(text, '\n'), *l2 = l1 ? strchr(l1 + 1, '\n') : NULL;
		CHECK(l1 && (size_t)(l1 - text) == strlen(mb_result_csv_header) &&
		      strncmp(text, mb_result_csv_header, (size_t)(l1 - text)) == 0, "header first");
		CHECK(l2 && strncmp(l1 + 1, "locked,4,2,90,10,0,100,0,10,0.5,", 32) == 0,
		      "first row: %.60s", l1 ? l1 + 1 : "");
		CHECK(l2 && strstr(l1 + 1, ",42,42,42,42,42,") != NULL, "latency columns");
		CHECK(l2 && strstr(l2 + 1, ",,,,,,") != NULL, "no latency: empty fields");
		CHECK(l2 && strstr(l2 + 1, "fatal,\"odd, \"\"quoted\"\" message\",1,0,0,0,int,go\n") != NULL,
		      "quoted error field: %s", l2 ? l2 + 1 : "");
		int commas = 0;
		for (const char *p = mb_result_csv_header; *p; p++)
			commas += *p == ',';
		int row_commas = 0;
		for (const char *p = l1 + 1; p < l2; p++)
			row_commas += *p == ',';
		CHECK(commas == row_commas, "row has %d commas, header %d", row_commas, commas);
	}
	free(text);
	free(runs);
}

static void check_formats(void)
{
	char b[32];
	CHECK(strcmp(mb_table_duration(b, sizeof b, 85), "85ns") == 0, "85ns: %s", b);
	CHECK(strcmp(mb_table_duration(b, sizeof b, 1234), "1.2us") == 0, "1.2us: %s", b);
	CHECK(strcmp(mb_table_duration(b, sizeof b, 3.4e6), "3.4ms") == 0, "3.4ms: %s", b);
	CHECK(strcmp(mb_table_duration(b, sizeof b, 2.1e9), "2.10s") == 0, "2.10s: %s", b);
	CHECK(strcmp(mb_table_duration(b, sizeof b, NAN), "-") == 0, "nan: %s", b);
	CHECK(strcmp(mb_table_count(b, sizeof b, 8), "8") == 0, "8: %s", b);
	CHECK(strcmp(mb_table_count(b, sizeof b, 1000), "1k") == 0, "1k: %s", b);
	CHECK(strcmp(mb_table_count(b, sizeof b, 1000000), "1M") == 0, "1M: %s", b);
	CHECK(strcmp(mb_table_count(b, sizeof b, 1500000), "1500k") == 0, "1500k: %s", b);
	CHECK(strcmp(mb_table_count(b, sizeof b, 12345), "12.3k") == 0, "12.3k: %s", b);
	CHECK(strcmp(mb_table_count(b, sizeof b, 1234), "1234") == 0, "1234: %s", b);
	CHECK(strcmp(mb_table_count(b, sizeof b, 12345678), "12.3M") == 0, "12.3M: %s", b);
	CHECK(strcmp(mb_table_count(b, sizeof b, 9890800), "9.9M") == 0, "9.9M: %s", b);

	struct mb_host h;
	mb_host_read(&h);
	CHECK(h.cpus_online >= 1 && h.memory_bytes > 0, "host: cpus and memory");
	CHECK(strlen(h.date) == 20 && h.date[10] == 'T' && h.date[19] == 'Z', "date %s", h.date);
	CHECK(h.cpu_model[0] && h.kernel[0] && h.compiler[0], "host strings");
}

/* The table's map column and the label compare matches runs by name the
 * same lock: a lock other than Go's, for a design that takes one. */
static void check_lock_labels(void)
{
	static const struct {
		const char *map;
		uint32_t param;
		enum mb_lock_policy lock;
		const char *column, *label;
	} cases[] = {
		{"plain", 0, MB_LOCK_SPIN, "plain", "plain/threads=2/procs=2"},
		{"locked", 0, MB_LOCK_GO, "locked", "locked/threads=2/procs=2"},
		{"locked", 0, MB_LOCK_PTHREAD, "locked/pthread",
		 "locked/lock=pthread/threads=2/procs=2"},
		{"sharded", 4, MB_LOCK_SPIN, "sharded:4/spin",
		 "sharded:4/lock=spin/threads=2/procs=2"},
		{"sharded", 4, MB_LOCK_GO, "sharded:4", "sharded:4/threads=2/procs=2"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct mb_run_config cfg = {.map = mb_registry_find(cases[i].map),
					    .map_param = cases[i].param, .lock = cases[i].lock,
					    .threads = 2, .procs = 2};
		CHECK(cfg.map != NULL, "map %s", cases[i].map);
		if (!cfg.map)
			continue;
		/* the run's lock as the runner reports it */
		struct mb_run_result res = {
			.lock = {.applies = (cfg.map->flags & MB_MAP_F_LOCK) != 0,
				 .policy = cfg.lock}};
		char *row = NULL;
		size_t rowlen = 0;
		FILE *f = open_memstream(&row, &rowlen);
		CHECK(f != NULL, "open_memstream");
		if (!f)
			continue;
		mb_table_row(f, &cfg, &res);
		fclose(f);
		size_t col = strcspn(row, " ");
		CHECK(col == strlen(cases[i].column) && strncmp(row, cases[i].column, col) == 0,
		      "case %zu: row '%s', want map column '%s'", i, row, cases[i].column);
		free(row);

		/* the run as the JSON has it: "map" as --map names the design */
		char map[32];
		mb_run_map_label(&cfg, map, sizeof map);
		json_t *run = json_pack("{s:s, s:I, s:I, s:o}", "map", map, "threads",
					(json_int_t)2, "procs", (json_int_t)2, "lock",
					mb_result_lock_json(&res.lock));
		char label[64] = "";
		mb_result_run_label(run, label, sizeof label);
		CHECK(strcmp(label, cases[i].label) == 0, "case %zu: label '%s', want '%s'", i,
		      label, cases[i].label);
		json_decref(run);
	}
}

int main(void)
{
	check_lock_labels();
	check_document();
	check_csv();
	check_formats();
	CHECK_DONE();
}
