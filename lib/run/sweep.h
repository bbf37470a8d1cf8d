/* mb_sweep: the resolved options of one `mapbench run` invocation and the
 * cross product of its lists (maps x threads), each run `count` times, one
 * mb_run_config per run.
 *
 * Its members are filled through the option table (run/options.h), which
 * also frees the strings it owns (mb_options_free).  Single-threaded use.
 */
#ifndef MB_RUN_SWEEP_H
#define MB_RUN_SWEEP_H

#include "run/runner.h"

#include <stdbool.h>
#include <stddef.h>

#define MB_SWEEP_MAX_LIST 64
#define MB_SWEEP_MAX_THREADS UINT64_C(10000000) /* tasks in one run */
#define MB_SWEEP_MAX_PROCS 1024                 /* workers in one run */
/* Each run keeps its results, pause events included, until the document is
 * written: bound the sweep. */
#define MB_SWEEP_MAX_RUNS 256

struct mb_sweep {
	const struct mb_map_ops *maps[MB_SWEEP_MAX_LIST];
	uint32_t map_params[MB_SWEEP_MAX_LIST]; /* NAME:PARAM's, 0 for a bare NAME */
	size_t nmaps;
	enum mb_lock_policy locks[MB_SWEEP_MAX_LIST]; /* --lock */
	size_t nlocks;
	uint64_t threads[MB_SWEEP_MAX_LIST];
	size_t nthreads;
	unsigned procs;          /* as given, or the online CPUs */
	unsigned mix[MB_OP_NKINDS];
	uint64_t keys, prefill;
	uint64_t ops, duration_ns;
	uint64_t warmup_ops, warmup_ns; /* --warmup, at most one set */
	uint64_t seed;
	uint64_t hash_seed;       /* used when --hash-seed was given */
	enum mb_map_grow_mode grow;
	size_t value_size;        /* --value-size: 0 inline, else blob bytes */
	struct mb_keyspec key_type; /* --key-type */
	unsigned count;           /* repetitions of each configuration, >= 1 */
	uint32_t latency_every;   /* --latency: 0 off, 1 all, N sample 1 in N */
	uint64_t pause_threshold_ns;
	bool pauses_off;          /* --pause-threshold off */
	const struct mb_counters *counters; /* -e, resolved */
	size_t max_events;
	uint64_t window_ns;       /* heatmap time window (reporting only) */
	const char *workload;     /* the last -w given, or NULL (owned) */
	struct mb_keydist dist;   /* --dist */
	/* Options of the invocation rather than of its runs. */
	const char *output;       /* -o FILE, or NULL (owned) */
	const char *csv;          /* --csv FILE, or NULL (owned) */
	const char *record;       /* --record FILE, or NULL (owned) */
	const char *replay;       /* --replay FILE, or NULL (owned) */
	/* The loaded --replay stream and the --record one, each run's
	 * cfg->replay and cfg->record (owned by the caller), or NULL. */
	const struct mb_opstream *stream;
	struct mb_opstream *recording;
	const char *events;       /* -e as given, or NULL for the default (owned) */
	bool gctrace, quiet;
	unsigned format;          /* --format: 0 table, 1 json */
	/* One bit per option (1 << enum mb_opt_id): given at all, and given on
	 * the command line (which a workload file then cannot override). */
	uint64_t set, set_cli;
};

/* --format's values. */
enum { MB_SWEEP_FORMAT_TABLE = 0, MB_SWEEP_FORMAT_JSON = 1 };

/* Number of runs: for each map, its lock policies (nlocks for a design
 * that takes a lock, one otherwise) x nthreads x count. */
size_t mb_sweep_count(const struct mb_sweep *sw);

/* The configuration of run i (maps vary slowest, then locks, thread
 * counts, repetitions fastest; every repetition repeats the same workload
 * and seed), and its repetition number from 1 in *rep.  A map that is not safe
 * for concurrent use runs on one worker unless procs was given explicitly:
 * Go's map needs a lock to be shared, and the default must not be a race. */
void mb_sweep_run_config(const struct mb_sweep *sw, size_t i, struct mb_run_config *cfg,
			 unsigned *rep);

/* Makes the replayed stream s the sweep's workload: its task count the
 * one thread count, its op count the length, its composition the mix (in
 * whole percent, every kind it has at least 1: what the histograms and
 * the tables go by; the exact counts are the runs' ops_by_kind), and its
 * key type when it names one.  Returns 0, or -EINVAL when the stream's key
 * type differs from a --key-type given. */
int mb_sweep_set_replay(struct mb_sweep *sw, const struct mb_opstream *s);

#endif
