#include "report/result_csv.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char mb_result_csv_header[] =
	"map,threads,procs,load_pct,store_pct,delete_pct,keys,prefill,ops,elapsed_s,"
	"ops_per_s,ns_per_op,p50_ns,p90_ns,p99_ns,p999_ns,max_ns,load_hits,final_len,"
	"task_bytes,spawn_s,outcome,error,rep,bytes_per_op,allocs_per_op,value_size_bytes,key_type,"
	"lock";

void mb_csv_put_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* A real number, or an empty field when it is not finite. */
static void put_real(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.9g", v);
}

static void put_row(FILE *f, const struct mb_result_run *run)
{
	const struct mb_run_config *c = &run->cfg;
	const struct mb_run_result *r = &run->res;
	const struct mb_hist_summary *h = &r->latency;
	char map[96];
	mb_run_map_label(c, map, sizeof map);
	mb_csv_put_field(f, map);
	fprintf(f, ",%" PRIu64 ",%u,%u,%u,%u,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",", c->threads,
		c->procs, c->mix[MB_OP_LOAD], c->mix[MB_OP_STORE], c->mix[MB_OP_DELETE], c->keys,
		c->prefill, r->ops);
	put_real(f, r->elapsed_s);
	fputc(',', f);
	put_real(f, r->ops_per_s);
	fputc(',', f);
	put_real(f, mb_run_ns_per_op(r));
	const uint64_t ps[] = {h->p50, h->p90, h->p99, h->p999};
	for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
		fputc(',', f);
		if (h->count)
			fprintf(f, "%" PRIu64, ps[i]);
	}
	fputc(',', f);
	if (h->count)
		fprintf(f, "%" PRIu64, h->max);
	fprintf(f, ",%" PRIu64 ",%" PRId64 ",%zu,", r->load_hits, r->final_len, r->task_bytes);
	put_real(f, r->spawn_s);
	fputc(',', f);
	mb_csv_put_field(f, mb_run_outcome_name(r->outcome));
	fputc(',', f);
	if (r->message)
		mb_csv_put_field(f, r->message);
	fprintf(f, ",%u,", run->rep ? run->rep : 1);
	uint64_t bytes = 0, allocs = 0;
	for (int k = 0; k < MB_ALLOC_NCATS; k++) {
		bytes += r->alloc.bytes[k];
		allocs += r->alloc.allocs[k];
	}
	put_real(f, r->ops ? (double)bytes / (double)r->ops : NAN);
	fputc(',', f);
	put_real(f, r->ops ? (double)allocs / (double)r->ops : NAN);
	char kt[64];
	mb_keyspec_format(&c->key_type, kt, sizeof kt);
	fprintf(f, ",%zu,%s,%s\n", c->value_size, kt,
		(c->map->flags & MB_MAP_F_LOCK) ? mb_lock_policy_name(c->lock) : "");
}

char *mb_result_csv(const struct mb_result *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	fputs(mb_result_csv_header, f);
	fputc('\n', f);
	for (size_t i = 0; i < r->nruns; i++)
		put_row(f, &r->runs[i]);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}
