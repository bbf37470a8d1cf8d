#include "report/table.h"
#include "report/result_read.h"

#include <inttypes.h>
#include <math.h>

char *mb_table_duration(char *buf, size_t size, double ns)
{
	if (!isfinite(ns) || ns < 0)
		snprintf(buf, size, "-");
	else if (ns < 1e3)
		snprintf(buf, size, "%.0fns", ns);
	else if (ns < 1e6)
		snprintf(buf, size, "%.1fus", ns / 1e3);
	else if (ns < 1e9)
		snprintf(buf, size, "%.1fms", ns / 1e6);
	else
		snprintf(buf, size, "%.2fs", ns / 1e9);
	return buf;
}

char *mb_table_count(char *buf, size_t size, uint64_t n)
{
	if (n >= 1000000000 && n % 1000000000 == 0)
		snprintf(buf, size, "%" PRIu64 "G", n / 1000000000);
	else if (n >= 1000000 && n % 1000000 == 0)
		snprintf(buf, size, "%" PRIu64 "M", n / 1000000);
	else if (n >= 1000 && n % 1000 == 0)
		snprintf(buf, size, "%" PRIu64 "k", n / 1000);
	else if (n >= 1000000)
		snprintf(buf, size, "%.1fM", (double)n / 1e6);
	else if (n >= 10000)
		snprintf(buf, size, "%.1fk", (double)n / 1e3);
	else
		snprintf(buf, size, "%" PRIu64, n);
	return buf;
}

void mb_table_header(FILE *out)
{
	fprintf(out, "%-14s %7s %5s %9s %8s %8s %8s %8s %8s %8s  %s\n", "map", "threads",
		"procs", "ops", "seconds", "Mops/s", "ns/op", "p50", "p99", "max",
		"outcome");
	fflush(out);
}

void mb_table_row(FILE *out, const struct mb_run_config *cfg,
		  const struct mb_run_result *res)
{
	char threads[32], ops[32], p50[32], p99[32], max[32];
	const struct mb_hist_summary *h = &res->latency;
	double ns_op = mb_run_ns_per_op(res);
	/* the map as --map names it, and its lock when the run label names it */
	char map[128];
	int len = mb_run_map_label(cfg, map, sizeof map);
	const char *lock = mb_result_label_lock(
		(cfg->map->flags & MB_MAP_F_LOCK) ? mb_lock_policy_name(cfg->lock) : NULL);
	if (lock && len > 0 && (size_t)len < sizeof map)
		snprintf(map + len, sizeof map - (size_t)len, "/%s", lock);
	fprintf(out, "%-14s %7s %5u %9s %8.2f %8.2f %8.1f %8s %8s %8s  %s%s%s\n",
		map, mb_table_count(threads, sizeof threads, cfg->threads),
		cfg->procs, mb_table_count(ops, sizeof ops, res->ops), res->elapsed_s,
		res->ops_per_s / 1e6, ns_op,
		mb_table_duration(p50, sizeof p50, h->count ? (double)h->p50 : NAN),
		mb_table_duration(p99, sizeof p99, h->count ? (double)h->p99 : NAN),
		mb_table_duration(max, sizeof max, h->count ? (double)h->max : NAN),
		mb_run_outcome_name(res->outcome), res->message ? ": " : "",
		res->message ? res->message : "");
	fflush(out);
}

void mb_table_footer(FILE *out, const struct mb_host *host)
{
	fprintf(out, "# %s, %ld CPUs online, %s\n", host->cpu_model, host->cpus_online,
		host->kernel);
}
