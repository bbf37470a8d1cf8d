/* The runner: op budgets, mixes, durations, fatal and interrupt endings,
 * validation and determinism.  Built a second time under TSan. */
#include "check.h"

#include "maps/locked.h"
#include "maps/map.h"
#include "maps/null.h"
#include "maps/gomap.h"
#include "maps/reclaim.h"
#include "maps/syncmap.h"
#include "run/rng.h"
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
			/* 48-byte records (with the task's op digest and its
			 * run-queue link), plus each task's share of the
			 * worker records, which only many tasks make small. */
			CHECK(r->task_bytes >= 48 && (threads[i] < 1000 || r->task_bytes <= 52),
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

/* The digest of the stream runner.h describes, computed here from its
 * definition: task i draws from mb_rng_stream(seed, i); each op's random
 * bits pick the kind (low 32 bits scaled to a percent of the 90:10 mix)
 * and a uniform key (multiply-high into [0, keys)); a task's digest is
 * d * 0x100000001b3 + (key ^ kind << 56) over its ops, and the run's
 * combines the tasks' in task order with the multiplier 0x9e3779b97f4a7c15. */
static uint64_t expected_digest(uint64_t seed, uint64_t tasks, uint64_t ops, uint64_t keys)
{
	uint64_t all = 0;
	for (uint64_t i = 0; i < tasks; i++) {
		uint64_t rng = mb_rng_stream(seed, i), d = 0;
		for (uint64_t n = 0; n < ops / tasks + (i < ops % tasks); n++) {
			uint64_t r = mb_rng_next(&rng);
			uint64_t kind = ((uint64_t)(uint32_t)r * 100) >> 32 < 90 ? 0 : 1;
			d = d * UINT64_C(0x100000001b3) + (mb_rng_below(r, keys) ^ (kind << 56));
		}
		all = all * UINT64_C(0x9e3779b97f4a7c15) + d;
	}
	return all;
}

/* One digest per task, combined in task order: the same for any procs. */
static void digest_per_task(void)
{
	uint64_t want = expected_digest(1, 5, 1003, 1000);
	for (unsigned procs = 1; procs <= 3; procs++) {
		struct mb_run_config cfg = base_config(&mb_locked_ops);
		cfg.threads = 5, cfg.procs = procs, cfg.ops = 1003;
		int rc;
		struct mb_run_result *r = run(&cfg, &rc, NULL);
		CHECK(rc == 0 && r->op_digest == want, "procs %u: digest %016llx, want %016llx",
		      procs, (unsigned long long)r->op_digest, (unsigned long long)want);
		mb_run_result_free(r);
		free(r);
	}
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
 * allocated after its last checkpoint) but for bucket arrays, overflow
 * buckets and the records that list them for freeing (other), which the
 * reclaim thread may free after it (plain frees a grown-out array off the
 * op path): those can only have gone down. */
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
	CHECK(last != NULL, "a live sample");
	for (int c = 0; last && c < MB_ALLOC_NCATS; c++) {
		if (c == MB_ALLOC_BUCKETS || c == MB_ALLOC_OVERFLOW || c == MB_ALLOC_OTHER)
			CHECK(last->live.bytes[c] >= r->live_end.bytes[c],
			      "buckets: the last sample %lld, the end %lld",
			      (long long)last->live.bytes[c], (long long)r->live_end.bytes[c]);
		else
			CHECK(last->live.bytes[c] == r->live_end.bytes[c],
			      "category %d: the last sample %lld is not the end %lld", c,
			      (long long)last->live.bytes[c], (long long)r->live_end.bytes[c]);
	}
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

/* ---- parking tasks ----------------------------------------------------- */

/* A design that checks exclusion from inside its lock: writers bump two
 * plain counters (TSan sees any overlap), readers check them equal. */
struct excl_map {
	struct mb_map base;
	struct mb_lock lk;
	long a, b;
	atomic_int readers, writers, bad;
};

static const struct mb_map_ops excl_ops, excl_rw_ops;

static struct mb_map *excl_create_with(const struct mb_map_ops *ops, bool rw,
				       const struct mb_map_config *cfg)
{
	struct excl_map *m = calloc(1, sizeof *m);
	mb_lock_init(&m->lk, cfg->lock, rw, cfg->sched);
	m->base.ops = ops;
	return &m->base;
}

static struct mb_map *excl_create(const struct mb_map_config *cfg)
{
	return excl_create_with(&excl_ops, false, cfg);
}

static struct mb_map *excl_rw_create(const struct mb_map_config *cfg)
{
	return excl_create_with(&excl_rw_ops, true, cfg);
}

static void excl_destroy(struct mb_map *base)
{
	struct excl_map *m = (struct excl_map *)base;
	mb_lock_destroy(&m->lk);
	free(m);
}

static int excl_load(struct mb_map *base, struct mb_key k, int64_t *v)
{
	(void)k, (void)v;
	struct excl_map *m = (struct excl_map *)base;
	if (mb_lock_read(&m->lk))
		return MB_MAP_PARKED;
	atomic_fetch_add(&m->readers, 1);
	if (atomic_load(&m->writers) || m->a != m->b)
		atomic_fetch_add(&m->bad, 1);
	atomic_fetch_sub(&m->readers, 1);
	mb_lock_read_unlock(&m->lk);
	return 0;
}

static int excl_store(struct mb_map *base, struct mb_key k, int64_t v)
{
	(void)k, (void)v;
	struct excl_map *m = (struct excl_map *)base;
	if (mb_lock_write(&m->lk))
		return MB_MAP_PARKED;
	if (atomic_fetch_add(&m->writers, 1) || (m->lk.rw && atomic_load(&m->readers)))
		atomic_fetch_add(&m->bad, 1);
	m->a++;
	m->b++;
	atomic_fetch_sub(&m->writers, 1);
	mb_lock_write_unlock(&m->lk);
	return 0;
}

static int excl_delete(struct mb_map *base, struct mb_key k)
{
	return excl_store(base, k, 0);
}

static int64_t excl_len(struct mb_map *base)
{
	struct excl_map *m = (struct excl_map *)base;
	mb_lock_read(&m->lk); /* the main thread: blocks */
	int64_t n = m->a;
	mb_lock_read_unlock(&m->lk);
	return n;
}

static size_t excl_stats(struct mb_map *base, struct mb_map_stat *out, size_t max)
{
	struct excl_map *m = (struct excl_map *)base;
	if (max < 1)
		return 0;
	out[0] = (struct mb_map_stat){"overlaps", (uint64_t)atomic_load(&m->bad)};
	return 1;
}

#define EXCL_OPS(NAME, CREATE) {                                                    \
	.name = NAME, .flags = MB_MAP_F_CONCURRENT | MB_MAP_F_LOCK,                 \
	.create = CREATE, .destroy = excl_destroy, .load = excl_load,               \
	.store = excl_store, .delete = excl_delete, .len = excl_len,                \
	.range = fatal_range, .stats = excl_stats,                                  \
}
static const struct mb_map_ops excl_ops = EXCL_OPS("excl", excl_create);
static const struct mb_map_ops excl_rw_ops = EXCL_OPS("excl-rw", excl_rw_create);

/* Many tasks on few workers, with every lock policy: no overlap inside the
 * lock, every op done, every park woken (a park is a wake-up later: the
 * run ends only when no task is parked). */
static void parking_exclusion(void)
{
	const struct mb_map_ops *maps[] = {&excl_ops, &excl_rw_ops};
	for (int mi = 0; mi < 2; mi++)
		for (int pol = 0; pol < MB_LOCK_NPOLICIES; pol++) {
			struct mb_run_config cfg = base_config(maps[mi]);
			cfg.threads = 2000;
			cfg.procs = 4;
			cfg.ops = 200000;
			cfg.mix[0] = 50;
			cfg.mix[1] = 50;
			cfg.lock = (enum mb_lock_policy)pol;
			int rc;
			struct mb_run_result *r = run(&cfg, &rc, NULL);
			const char *name = mb_lock_policy_name(cfg.lock);
			CHECK(rc == 0 && r->outcome == MB_RUN_OK && r->ops == cfg.ops,
			      "%s %s: rc %d, %llu ops", maps[mi]->name, name, rc,
			      (unsigned long long)r->ops);
			CHECK(r->nmap_stats == 1 && r->map_stats[0].value == 0, "%s %s: %llu overlaps",
			      maps[mi]->name, name, (unsigned long long)r->map_stats[0].value);
			CHECK(r->final_len == (int64_t)(r->ops_by_kind[MB_OP_STORE] + cfg.prefill), "%s %s: writes %lld",
			      maps[mi]->name, name, (long long)r->final_len);
			const struct mb_run_lock_stats *l = &r->lock;
			CHECK(l->applies && l->policy == cfg.lock, "lock stats apply");
			CHECK(l->acquisitions[MB_LOCK_READ] + l->acquisitions[MB_LOCK_WRITE] >= cfg.ops,
			      "%s %s: every op acquired", maps[mi]->name, name);
			CHECK(l->parks == l->wakeups, "%s %s: %llu parks, %llu wake-ups",
			      maps[mi]->name, name, (unsigned long long)l->parks,
			      (unsigned long long)l->wakeups);
			CHECK(pol == MB_LOCK_GO || l->parks == 0, "only go parks");
			mb_run_result_free(r);
			free(r);
		}
}

/* The real designs, with tasks parking on their locks. */
static void parking_designs(void)
{
	const struct mb_map_ops *maps[] = {&mb_locked_ops, &mb_rwlocked_ops, &mb_syncmap_ops};
	for (int mi = 0; mi < 3; mi++) {
		struct mb_run_config cfg = base_config(maps[mi]);
		cfg.threads = 1000;
		cfg.procs = 3;
		cfg.ops = 100000;
		cfg.mix[0] = 50;
		cfg.mix[1] = 50;
		int rc;
		struct mb_run_result *r = run(&cfg, &rc, NULL);
		CHECK(rc == 0 && r->outcome == MB_RUN_OK && r->ops == cfg.ops, "%s: rc %d",
		      maps[mi]->name, rc);
		CHECK(r->lock.parks == r->lock.wakeups, "%s: parks %llu wake-ups %llu",
		      maps[mi]->name, (unsigned long long)r->lock.parks,
		      (unsigned long long)r->lock.wakeups);
		CHECK(r->lock.starve_enter >= r->lock.starve_exit &&
		      r->lock.starve_enter - r->lock.starve_exit <= 1, "starvation balanced");
		mb_run_result_free(r);
		free(r);
	}
	struct mb_run_config cfg = base_config(&mb_null_ops);
	int rc;
	struct mb_run_result *r = run(&cfg, &rc, NULL);
	CHECK(rc == 0 && !r->lock.applies, "null takes no lock");
	mb_run_result_free(r);
	free(r);
}

/* --record / --replay through the runner: a recording holds every op of
 * the timed phase per task, with the values the run used; replaying it
 * (on one worker or three, parking or not) runs the same ops: same digest,
 * and without parking on one worker (the tasks in turn, one op each) the
 * same hits.  With parking even one worker's order depends on the clock (a
 * task keeps the worker for a 10 ms slice).  A replay that does not match
 * the config (threads, ops, a warm-up) is refused. */
static void record_replay(void)
{
	struct mb_run_config cfg = base_config(&mb_locked_ops);
	cfg.threads = 7;
	cfg.procs = 1;
	cfg.ops = 20000;
	unsigned mix[MB_OP_NKINDS] = {40, 20, 10, 10, 5, 5, 5, 5, 0};
	memcpy(cfg.mix, mix, sizeof mix);
	struct mb_opstream rec;
	CHECK(mb_opstream_init(&rec, cfg.threads, NULL) == 0, "init");
	cfg.record = &rec;
	int rc;
	struct mb_run_result *a = run(&cfg, &rc, NULL);
	CHECK(rc == 0 && a->outcome == MB_RUN_OK && mb_opstream_count(&rec) == cfg.ops,
	      "recorded %llu ops", (unsigned long long)mb_opstream_count(&rec));
	/* task 0's first op is the run's first draw: a value of 2k or 2k+1 */
	const struct mb_op *o = &rec.tasks[0].ops[0];
	CHECK(o->val == o->key * 2 || o->val == o->key * 2 + 1, "values as the runner draws them");
	struct mb_run_config rp = cfg;
	rp.record = NULL;
	rp.replay = &rec;
	struct mb_run_result *b = run(&rp, &rc, NULL);
	CHECK(rc == 0 && b->op_digest == a->op_digest && b->ops == a->ops, "replay: same digest");
	CHECK(memcmp(a->ops_by_kind, b->ops_by_kind, sizeof a->ops_by_kind) == 0, "same kinds");
	mb_run_result_free(b);
	free(b);
	/* three workers, Go's lock, tasks that park */
	rp.procs = 3;
	b = run(&rp, &rc, NULL);
	CHECK(rc == 0 && b->op_digest == a->op_digest && b->ops == a->ops, "3 workers: same digest");
	mb_run_result_free(b);
	free(b);
	/* the plain design's fast path (no parking) */
	rp.map = &mb_gomap_ops;
	rp.procs = 1;
	b = run(&rp, &rc, NULL);
	CHECK(rc == 0 && b->op_digest == a->op_digest, "plain: same digest");
	mb_run_result_free(b);
	free(b);
	/* plain recorded and replayed on one worker: the same op order */
	struct mb_opstream prec;
	CHECK(mb_opstream_init(&prec, cfg.threads, NULL) == 0, "init");
	struct mb_run_config pc = cfg;
	pc.map = &mb_gomap_ops;
	pc.record = &prec;
	struct mb_run_result *c = run(&pc, &rc, NULL);
	CHECK(rc == 0 && c->op_digest == a->op_digest, "plain recording: same digest");
	pc.record = NULL;
	pc.replay = &prec;
	b = run(&pc, &rc, NULL);
	CHECK(rc == 0 && b->op_digest == c->op_digest &&
	      memcmp(c->hits_by_kind, b->hits_by_kind, sizeof c->hits_by_kind) == 0 &&
	      c->final_len == b->final_len, "one worker: same hits and length");
	mb_run_result_free(b);
	free(b);
	mb_run_result_free(c);
	free(c);
	mb_opstream_free(&prec);
	/* a config the stream does not fit */
	struct mb_run_config bad = rp;
	bad.threads = 8;
	CHECK(mb_run_execute(&bad, (b = malloc(sizeof *b)), NULL) == -EINVAL, "threads differ");
	mb_run_result_free(b);
	bad = rp;
	bad.ops = 1;
	CHECK(mb_run_execute(&bad, b, NULL) == -EINVAL, "ops differ");
	mb_run_result_free(b);
	bad = rp;
	bad.warmup_ops = 10;
	CHECK(mb_run_execute(&bad, b, NULL) == -EINVAL, "no warm-up with a replay");
	mb_run_result_free(b);
	free(b);
	mb_run_result_free(a);
	free(a);
	mb_opstream_free(&rec);
}

/* A run that would hang on a lost wake-up fails with a message instead. */
static pthread_mutex_t dog_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t dog_cv = PTHREAD_COND_INITIALIZER;
static bool dog_done;
static const char *dog_what;

static void *watchdog(void *arg)
{
	int secs = (int)(intptr_t)arg;
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += secs;
	pthread_mutex_lock(&dog_mu);
	while (!dog_done)
		if (pthread_cond_timedwait(&dog_cv, &dog_mu, &until) == ETIMEDOUT && !dog_done) {
			fprintf(stderr, "test_runner: %s did not finish within %d s: "
				"parked tasks never readied (a lost wake-up)\n", dog_what, secs);
			abort();
		}
	pthread_mutex_unlock(&dog_mu);
	return NULL;
}

static void watched(const char *what, int secs, void (*fn)(void))
{
	pthread_t t;
	dog_done = false;
	dog_what = what;
	pthread_create(&t, NULL, watchdog, (void *)(intptr_t)secs);
	fn();
	pthread_mutex_lock(&dog_mu);
	dog_done = true;
	pthread_cond_signal(&dog_cv);
	pthread_mutex_unlock(&dog_mu);
	pthread_join(t, NULL);
}

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
enum { MANY_TASKS = 100000, MANY_PROCS = 64 }; /* sanitizers are 5-20x slower */
#else
enum { MANY_TASKS = 1000000, MANY_PROCS = 1024 };
#endif

static void million_tasks(void)
{
	const struct mb_map_ops *maps[] = {&mb_locked_ops, &mb_rwlocked_ops};
	for (int mi = 0; mi < 2; mi++) {
		struct mb_run_config cfg = base_config(maps[mi]);
		cfg.threads = MANY_TASKS;
		cfg.procs = 2;
		cfg.ops = 10 * (uint64_t)MANY_TASKS;
		cfg.latency_every = 0;
		int rc;
		struct mb_run_result *r = run(&cfg, &rc, NULL);
		CHECK(rc == 0 && r->ops == cfg.ops && r->task_ops_min == 10 && r->task_ops_max == 10,
		      "%s: %llu tasks x 10 ops: rc %d, %llu ops", maps[mi]->name,
		      (unsigned long long)cfg.threads, rc, (unsigned long long)r->ops);
		CHECK(r->lock.parks == r->lock.wakeups, "every park woken");
		mb_run_result_free(r);
		free(r);
	}
	/* many workers, most of them sharing 2 cores */
	struct mb_run_config cfg = base_config(&mb_locked_ops);
	cfg.threads = 4 * MANY_PROCS;
	cfg.procs = MANY_PROCS;
	cfg.ops = 20 * cfg.threads;
	int rc;
	struct mb_run_result *r = run(&cfg, &rc, NULL);
	CHECK(rc == 0 && r->ops == cfg.ops, "%u procs: rc %d", cfg.procs, rc);
	mb_run_result_free(r);
	free(r);
}

int main(void)
{
	watched("parking with every policy", 600, parking_exclusion);
	watched("locked, rwlocked and sync with parking tasks", 600, parking_designs);
	watched("1M tasks x 10 ops on 2 workers", 900, million_tasks);
	live_bytes();
	reclaim_events();
	record_replay();
	op_budgets();
	mixes();
	duration();
	warmup();
	fairness_and_digest();
	digest_per_task();
	latency_modes();
	fatal();
	interrupt();
	invalid();
	determinism();
	CHECK(strcmp(mb_run_outcome_name(MB_RUN_FATAL), "fatal") == 0 &&
	      strcmp(mb_op_kind_name(MB_OP_DELETE), "delete") == 0, "names");
	CHECK_DONE();
}
