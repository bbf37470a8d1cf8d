/* The runner: op budgets, mixes, durations, fatal and interrupt endings,
 * validation and determinism.  Built a second time under TSan. */
#include "check.h"

#include "maps/locked.h"
#include "maps/map.h"
#include "maps/null.h"
#include "maps/gomap.h"
#include "maps/reclaim.h"
#include "maps/syncmap.h"
#include "run/runner.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A map that reports Go's "concurrent map writes" after a few thousand ops,
 * from whichever worker gets there. */
struct fatal_map {
	struct mb_map base;
	atomic_long ops;
};

static const struct mb_map_ops fatal_ops;

static struct mb_map *fatal_create(const struct mb_map_config *cfg)
{
	(void)cfg;
	struct fatal_map *m = calloc(1, sizeof *m);
	m->base.ops = &fatal_ops;
	return &m->base;
}

static void fatal_destroy(struct mb_map *m)
{
	free(m);
}

static int fatal_op(struct mb_map *base)
{
	struct fatal_map *m = (struct fatal_map *)base;
	return atomic_fetch_add(&m->ops, 1) >= 5000 ? MB_MAP_FATAL_WRITES : 0;
}

static int fatal_load(struct mb_map *m, struct mb_key k, int64_t *v)
{
	(void)k, (void)v;
	return fatal_op(m);
}

static int fatal_store(struct mb_map *m, struct mb_key k, int64_t v)
{
	(void)k, (void)v;
	return fatal_op(m);
}

static int fatal_delete(struct mb_map *m, struct mb_key k)
{
	(void)k;
	return fatal_op(m);
}

static int64_t fatal_len(struct mb_map *m)
{
	(void)m;
	return 0;
}

static int fatal_range(struct mb_map *m, mb_map_range_fn fn, void *arg)
{
	(void)m, (void)fn, (void)arg;
	return 0;
}

static const struct mb_map_ops fatal_ops = {
	.name = "fatal-after-5000",
	.summary = "test map",
	.flags = MB_MAP_F_CONCURRENT,
	.create = fatal_create,
	.destroy = fatal_destroy,
	.load = fatal_load,
	.store = fatal_store,
	.delete = fatal_delete,
	.len = fatal_len,
	.range = fatal_range,
};

static struct mb_run_config base_config(const struct mb_map_ops *map)
{
	return (struct mb_run_config){
		.map = map,
		.threads = 4,
		.procs = 2,
		.mix = {90, 10, 0},
		.keys = 1000,
		.prefill = 500,
		.ops = 100000,
		.seed = 1,
		.latency_every = 16,
	};
}

static struct mb_run_result *run(const struct mb_run_config *cfg, int *rc,
				 atomic_int *interrupt)
{
	struct mb_run_result *res = malloc(sizeof *res);
	*rc = mb_run_execute(cfg, res, interrupt);
	return res;
}

static void op_budgets(void)
{
	const uint64_t threads[] = {1, 3, 1000, 100000};
	for (unsigned procs = 1; procs <= 2; procs++)
		for (size_t i = 0; i < 4; i++) {
			struct mb_run_config cfg = base_config(&mb_locked_ops);
			cfg.threads = threads[i];
			cfg.procs = procs;
			cfg.ops = 300001;
			int rc;
			struct mb_run_result *r = run(&cfg, &rc, NULL);
			uint64_t sum = r->ops_by_kind[0] + r->ops_by_kind[1] + r->ops_by_kind[2];
			CHECK(rc == 0 && r->outcome == MB_RUN_OK, "threads %llu procs %u: rc %d",
			      (unsigned long long)threads[i], procs, rc);
			CHECK(r->ops == cfg.ops && sum == cfg.ops, "threads %llu procs %u: %llu ops",
			      (unsigned long long)threads[i], procs, (unsigned long long)r->ops);
			/* 24-byte records plus each task's share of the worker
			 * records, which only many tasks make small. */
			CHECK(r->task_bytes >= 24 && (threads[i] < 1000 || r->task_bytes <= 32),
			      "threads %llu: task bytes %zu", (unsigned long long)threads[i],
			      r->task_bytes);
			CHECK(r->latency.count > 0, "latency was sampled");
			CHECK(r->final_len >= 500 && r->final_len <= 1000, "final len %lld",
			      (long long)r->final_len);
			mb_run_result_free(r);
			mb_run_result_free(r);
		mb_run_result_free(r);
	free(r);
		}
}

static void mixes(void)
{
	struct mb_run_config cfg = base_config(&mb_locked_ops);
	const unsigned mixes[][MB_OP_NKINDS] = {
		{100}, {0, 100}, {0, 0, 100}, {50, 30, 20},
		{10, 10, 10, 10, 10, 10, 20, 20, 0},
	};
	for (int i = 0; i < 5; i++) {
		memcpy(cfg.mix, mixes[i], sizeof cfg.mix);
		int rc;
		struct mb_run_result *r = run(&cfg, &rc, NULL);
		for (int k = 0; k < MB_OP_NKINDS; k++) {
			double share = (double)r->ops_by_kind[k] / (double)r->ops * 100.0;
			CHECK(share > mixes[i][k] - 1.0 && share < mixes[i][k] + 1.0,
			      "mix %u:%u:%u: %s share %.2f%%", mixes[i][0], mixes[i][1],
			      mixes[i][2], mb_op_kind_name(k), share);
		}
		if (mixes[i][0] == 100)
			CHECK(r->load_hits > 0 && r->final_len == 500, "read-only run");
		if (mixes[i][MB_OP_CAS]) {
			/* values alternate between k*2 and k*2+1: CAS and CAD with
			 * a random expected value succeed about half the time on
			 * a present key */
			for (int k = MB_OP_LOAD_OR_STORE; k <= MB_OP_CAD; k++)
				CHECK(r->hits_by_kind[k] > 0 && r->hits_by_kind[k] < r->ops_by_kind[k],
				      "%s: %llu hits of %llu", mb_op_kind_name(k),
				      (unsigned long long)r->hits_by_kind[k],
				      (unsigned long long)r->ops_by_kind[k]);
		}
		mb_run_result_free(r);
		mb_run_result_free(r);
	free(r);
	}
}

static void latency_modes(void)
{
	struct mb_run_config cfg = base_config(&mb_locked_ops);
	cfg.mix[0] = 50, cfg.mix[1] = 30, cfg.mix[2] = 20;
	const uint32_t every[] = {0, 1, 10};
	for (int i = 0; i < 3; i++) {
		cfg.latency_every = every[i];
		int rc;
		struct mb_run_result *r = run(&cfg, &rc, NULL);
		uint64_t want = every[i] == 0 ? 0 : every[i] == 1 ? r->ops : r->ops / 10;
		uint64_t by_kind = 0;
		for (int k = 0; k < MB_OP_NKINDS; k++)
			by_kind += r->latency_by_kind[k].count;
		/* sampled per worker: at most one short of ops/N per worker */
		CHECK(r->latency.count <= want && r->latency.count + cfg.procs >= want,
		      "latency every %u: %llu samples, want about %llu", every[i],
		      (unsigned long long)r->latency.count, (unsigned long long)want);
		CHECK(by_kind == r->latency.count, "per-kind samples add up");
		CHECK(every[i] == 0 || (r->latency_by_kind[MB_OP_DELETE].count > 0 &&
					r->latency_by_kind[MB_OP_SWAP].count == 0),
		      "kinds in the mix have samples, others none");
		CHECK(r->timer_overhead_ns > 0 && r->timer_overhead_ns < 1e6, "timer overhead %.1f",
		      r->timer_overhead_ns);
		mb_run_result_free(r);
		mb_run_result_free(r);
	free(r);
	}
}

static void fairness_and_digest(void)
{
	/* 10 ops over 3 tasks: budgets 4, 3, 3 */
	struct mb_run_config cfg = base_config(&mb_null_ops);
	cfg.threads = 3, cfg.procs = 1, cfg.ops = 10;
	int rc;
	struct mb_run_result *r = run(&cfg, &rc, NULL);
	CHECK(r->task_ops_min == 3 && r->task_ops_median == 3 && r->task_ops_max == 4,
	      "tasks did %llu..%llu (median %llu)", (unsigned long long)r->task_ops_min,
	      (unsigned long long)r->task_ops_max, (unsigned long long)r->task_ops_median);
	CHECK(r->fairness > 0.97 && r->fairness < 1.0, "Jain %.4f (100/102 = 0.980)", r->fairness);
	uint64_t d1 = r->op_digest;
	mb_run_result_free(r);
	free(r);
	/* many tasks: median among 1001 uneven budgets */
	cfg.threads = 1001, cfg.ops = 1001 * 5 + 500;
	r = run(&cfg, &rc, NULL);
	CHECK(r->task_ops_min == 5 && r->task_ops_max == 6 && r->task_ops_median == 5,
	      "1001 tasks: %llu/%llu/%llu", (unsigned long long)r->task_ops_min,
	      (unsigned long long)r->task_ops_median, (unsigned long long)r->task_ops_max);
	mb_run_result_free(r);
	free(r);
	/* the digest follows the op stream */
	cfg.threads = 3, cfg.ops = 10;
	r = run(&cfg, &rc, NULL);
	CHECK(r->op_digest == d1, "same seed, same digest");
	mb_run_result_free(r);
	free(r);
	cfg.seed = 99;
	r = run(&cfg, &rc, NULL);
	CHECK(r->op_digest != d1, "another seed, another digest");
	mb_run_result_free(r);
	free(r);
}

static void warmup(void)
{
	/* warm-up ops are not counted; the timed phase does its budget */
	struct mb_run_config cfg = base_config(&mb_locked_ops);
	cfg.warmup_ops = 50000;
	int rc;
	struct mb_run_result *r = run(&cfg, &rc, NULL);
	CHECK(rc == 0 && r->outcome == MB_RUN_OK && r->ops == cfg.ops, "warm-up by ops: %llu ops",
	      (unsigned long long)r->ops);
	mb_run_result_free(r);
	free(r);
	cfg.warmup_ops = 0;
	cfg.warmup_ns = 20000000;
	r = run(&cfg, &rc, NULL);
	CHECK(rc == 0 && r->ops == cfg.ops, "warm-up by time");
	mb_run_result_free(r);
	free(r);
	/* a fatal error while warming up ends the run as fatal */
	cfg = base_config(&fatal_ops);
	cfg.prefill = 0;
	cfg.warmup_ops = 100000;
	r = run(&cfg, &rc, NULL);
	CHECK(rc == 0 && r->outcome == MB_RUN_FATAL && r->ops < cfg.ops, "fatal in warm-up: %d, %llu ops",
	      r->outcome, (unsigned long long)r->ops);
	mb_run_result_free(r);
	free(r);
}

static void duration(void)
{
	struct mb_run_config cfg = base_config(&mb_null_ops);
	cfg.ops = 0;
	cfg.duration_ns = 50000000;
	int rc;
	struct mb_run_result *r = run(&cfg, &rc, NULL);
	CHECK(rc == 0 && r->outcome == MB_RUN_OK && r->ops > 0, "duration run");
	CHECK(r->elapsed_s >= 0.05, "elapsed %.3f s >= 50 ms", r->elapsed_s);
	mb_run_result_free(r);
	free(r);
}

static void fatal(void)
{
	struct mb_run_config cfg = base_config(&fatal_ops);
	cfg.ops = 0;
	cfg.duration_ns = 60ULL * 1000000000ULL; /* ended by the fatal, not the clock */
	cfg.prefill = 0;
	int rc;
	struct mb_run_result *r = run(&cfg, &rc, NULL);
	CHECK(rc == 0 && r->outcome == MB_RUN_FATAL, "fatal outcome: rc %d outcome %d", rc,
	      r->outcome);
	CHECK(r->message && strcmp(r->message, "concurrent map writes") == 0, "Go's message");
	CHECK(r->elapsed_s < 30, "stopped promptly");
	CHECK(r->final_len == -1, "no length from a fatal run");
	mb_run_result_free(r);
	free(r);
}

struct interrupter {
	atomic_int *flag;
};

static void *interrupt_later(void *arg)
{
	struct interrupter *it = arg;
	struct timespec ts = {0, 100000000};
	nanosleep(&ts, NULL);
	atomic_store(it->flag, 2);
	return NULL;
}

static void interrupt(void)
{
	/* Another thread raises the flag, as the signal handler does. */
	static atomic_int flag;
	struct mb_run_config cfg = base_config(&mb_null_ops);
	cfg.ops = 0;
	cfg.duration_ns = 60ULL * 1000000000ULL;
	struct interrupter it = {&flag};
	pthread_t t;
	pthread_create(&t, NULL, interrupt_later, &it);
	int rc;
	struct mb_run_result *r = run(&cfg, &rc, &flag);
	pthread_join(t, NULL);
	CHECK(rc == 0 && r->outcome == MB_RUN_INTERRUPTED, "interrupted: rc %d outcome %d",
	      rc, r->outcome);
	CHECK(r->ops > 0 && r->elapsed_s < 30, "kept what was measured, stopped promptly");
	mb_run_result_free(r);
	free(r);
}

static void invalid(void)
{
	struct mb_run_config good = base_config(&mb_null_ops), cfg;
	struct mb_run_result *r = malloc(sizeof *r);
	cfg = good, cfg.threads = 0;
	CHECK(mb_run_execute(&cfg, r, NULL) == -EINVAL, "threads 0");
	cfg = good, cfg.procs = 0;
	CHECK(mb_run_execute(&cfg, r, NULL) == -EINVAL, "procs 0");
	cfg = good, cfg.keys = 0;
	CHECK(mb_run_execute(&cfg, r, NULL) == -EINVAL, "keys 0");
	cfg = good, cfg.prefill = 1001;
	CHECK(mb_run_execute(&cfg, r, NULL) == -EINVAL, "prefill > keys");
	cfg = good, cfg.mix[1] = 20;
	CHECK(mb_run_execute(&cfg, r, NULL) == -EINVAL, "mix over 100");
	cfg = good, cfg.duration_ns = 1000;
	CHECK(mb_run_execute(&cfg, r, NULL) == -EINVAL, "ops and duration");
	cfg = good, cfg.ops = 0;
	CHECK(mb_run_execute(&cfg, r, NULL) == -EINVAL, "neither ops nor duration");
	cfg = good, cfg.map = NULL;
	CHECK(mb_run_execute(&cfg, r, NULL) == -EINVAL, "no map");
	mb_run_result_free(r);
	free(r);
}

static void determinism(void)
{
	struct mb_run_config cfg = base_config(&mb_gomap_ops);
	cfg.procs = 1;
	cfg.threads = 7;
	cfg.hash_seed = 3;
	cfg.hash_seed_set = true;
	cfg.mix[0] = 50, cfg.mix[1] = 30, cfg.mix[2] = 20;
	uint64_t kinds[3][3], hits[3];
	int64_t len[3];
	const uint64_t seeds[3] = {5, 5, 6};
	for (int i = 0; i < 3; i++) {
		cfg.seed = seeds[i];
		int rc;
		struct mb_run_result *r = run(&cfg, &rc, NULL);
		memcpy(kinds[i], r->ops_by_kind, sizeof kinds[i]);
		hits[i] = r->load_hits;
		len[i] = r->final_len;
		mb_run_result_free(r);
		mb_run_result_free(r);
	free(r);
	}
	CHECK(memcmp(kinds[0], kinds[1], sizeof kinds[0]) == 0 && hits[0] == hits[1] &&
	      len[0] == len[1], "same seed, same run");
	CHECK(memcmp(kinds[0], kinds[2], sizeof kinds[0]) != 0 || hits[0] != hits[2],
	      "another seed, another run");
}

/* Live bytes: the map's memory at the end, a peak at least as high, and
 * the time series' last sample equal to the end (one worker, nothing
 * allocated after its last checkpoint). */
static void live_bytes(void)
{
	struct mb_run_config cfg = base_config(&mb_gomap_ops);
	cfg.procs = 1;
	cfg.threads = 1;
	cfg.keys = 100000;
	cfg.prefill = 0;
	memset(cfg.mix, 0, sizeof cfg.mix);
	cfg.mix[MB_OP_STORE] = 100;
	cfg.ops = 200000;
	int rc;
	struct mb_run_result *r = run(&cfg, &rc, NULL);
	CHECK(rc == 0 && r->outcome == MB_RUN_OK, "rc %d", rc);
	/* ~86k distinct keys at 6.5 per 144-byte bucket at most */
	int64_t buckets = r->live_end.bytes[MB_ALLOC_BUCKETS];
	CHECK(buckets >= r->final_len / 13 * 2 * 144, "bucket bytes live %lld for %lld entries",
	      (long long)buckets, (long long)r->final_len);
	CHECK(r->live_end.bytes[MB_ALLOC_ENTRIES] == 0, "plain has no entries category");
	CHECK(r->live_peak >= mb_alloc_live_total(&r->live_end), "peak %lld below the end",
	      (long long)r->live_peak);
	const struct mb_ts_window *last = NULL;
	for (size_t i = 0; i < r->series.n; i++)
		if (r->series.w[i].live_at)
			last = &r->series.w[i];
	CHECK(last && memcmp(&last->live, &r->live_end, sizeof last->live) == 0,
	      "the last sample is the end");
	mb_run_result_free(r);
	free(r);
}

/* A sync run that retires memory records its reclamation batches as pause
 * events of no worker, with what they freed. */
static void reclaim_events(void)
{
	struct mb_run_config cfg = base_config(&mb_syncmap_ops);
	cfg.ops = 0;
	cfg.duration_ns = 150000000; /* long enough for grace periods to end */
	cfg.mix[MB_OP_LOAD] = 50;
	cfg.mix[MB_OP_STORE] = 50;
	cfg.pause_threshold_ns = 0;
	cfg.max_events = 1000000;
	int rc;
	struct mb_run_result *r = run(&cfg, &rc, NULL);
	CHECK(rc == 0 && r->outcome == MB_RUN_OK, "rc %d", rc);
	size_t n = 0;
	bool ok = true;
	for (size_t i = 0; i < r->pauses.n; i++) {
		const struct mb_pause_event *e = &r->pauses.events[i];
		if (e->kind != MB_PAUSE_RECLAIM)
			continue;
		n++;
		ok &= e->worker == MB_PAUSE_NO_WORKER && e->objects > 0 &&
		      e->objects <= MB_RECLAIM_BATCH && e->bytes > 0;
	}
	CHECK(n > 0 && n == r->pauses.by_kind[MB_PAUSE_RECLAIM].count,
	      "%zu reclaim events, %llu counted", n,
	      (unsigned long long)r->pauses.by_kind[MB_PAUSE_RECLAIM].count);
	CHECK(ok, "reclaim events carry no worker, objects and bytes");
	mb_run_result_free(r);
	free(r);
}

int main(void)
{
	live_bytes();
	reclaim_events();
	op_budgets();
	mixes();
	duration();
	warmup();
	fairness_and_digest();
	latency_modes();
	fatal();
	interrupt();
	invalid();
	determinism();
	CHECK(strcmp(mb_run_outcome_name(MB_RUN_FATAL), "fatal") == 0 &&
	      strcmp(mb_op_kind_name(MB_OP_DELETE), "delete") == 0, "names");
	CHECK_DONE();
}
