/* mb_options: the one table of `mapbench run`'s options.
 *
 * Every option of run is one row here: its long name (also its key in a
 * workload file and, through the row, in the JSON `config` object), its
 * argument kind and bounds, its default, its help text, where its value
 * lives in struct mb_sweep, whether it is a sweep dimension (compare
 * matches runs on those) and whether a workload file may set it.  From the
 * table come run's argp options and --help (cmd/run.c), the workload-file
 * keys (cmd/workload_parse.c), the defaults (mb_options_defaults), the
 * `config` echo in the JSON (mb_options_config_json) and the config keys
 * compare treats as sweep dimensions or bookkeeping (mb_options_is_sweep_key).
 * A test checks that mapbench-run(1) and mapbench-workload(5) mention every
 * row and its default.
 *
 * Adding an option: one enum entry and one row (in options.c), plus the
 * code that uses the value.  Kinds with no parser of their own (counts,
 * times, choices, flags, strings) need no code here at all.
 *
 * Sources: a value comes from the defaults, a workload file or the command
 * line.  mb_options_set records which in the sweep's `set` and `set_cli`
 * bits, one per option, so the command line overrides a file whatever their
 * order on the command line, and options in the same exclusive group (--ops
 * and --duration: one length) replace each other across sources.
 *
 * Pure: no printing, no exit.  Errors are negative errno values with a
 * one-line message in struct mb_opt_error.  Single-threaded use.
 */
#ifndef MB_RUN_OPTIONS_H
#define MB_RUN_OPTIONS_H

#include "run/sweep.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The options, in --help order.  The table in options.c has one row per
 * entry; the sweep's set bits are (1 << id). */
enum mb_opt_id {
	MB_OPTID_WORKLOAD = 0,
	MB_OPTID_MAP,
	MB_OPTID_LOCK,
	MB_OPTID_THREADS,
	MB_OPTID_PROCS,
	MB_OPTID_MIX,
	MB_OPTID_DIST,
	MB_OPTID_KEYS,
	MB_OPTID_KEY_TYPE,
	MB_OPTID_VALUE_SIZE,
	MB_OPTID_PREFILL,
	MB_OPTID_OPS,
	MB_OPTID_DURATION,
	MB_OPTID_COUNT,
	MB_OPTID_WARMUP,
	MB_OPTID_SEED,
	MB_OPTID_HASH_SEED,
	MB_OPTID_GROW,
	MB_OPTID_LATENCY,
	MB_OPTID_OUTPUT,
	MB_OPTID_RECORD,
	MB_OPTID_REPLAY,
	MB_OPTID_PAUSE_THRESHOLD,
	MB_OPTID_MAX_EVENTS,
	MB_OPTID_WINDOW,
	MB_OPTID_EVENTS,
	MB_OPTID_GCTRACE,
	MB_OPTID_QUIET,
	MB_OPTID_CSV,
	MB_OPTID_FORMAT,
	MB_OPTID_N,
};

/* How a row's argument is read. */
enum mb_opt_kind {
	MB_OPTK_COUNT,    /* a count with k/M/G suffixes in [min, max] */
	MB_OPTK_DURATION, /* a time with a unit; min 0 allows zero */
	MB_OPTK_CHOICE,   /* one of choices[], stored as its index */
	MB_OPTK_FLAG,     /* no argument: true when given */
	MB_OPTK_STRING,   /* any text, e.g. a path: a copy the sweep owns */
	MB_OPTK_CUSTOM,   /* the row's own parse (and echo) */
};

/* Row flags. */
enum {
	MB_OPTF_SWEEP = 1u << 0,   /* a sweep dimension: compare matches runs on it */
	MB_OPTF_NOFILE = 1u << 1,  /* a workload file may not set it */
	MB_OPTF_BOOKKEEPING = 1u << 2, /* in the config, but not a condition compare checks */
	MB_OPTF_NULL_UNSET = 1u << 3,  /* echoed as null while not given */
	MB_OPTF_NULL_ZERO = 1u << 4,   /* echoed as null while zero */
	MB_OPTF_LENGTH = 1u << 5,  /* one of the exclusive run-length options */
	MB_OPTF_REPLAYED = 1u << 6, /* a --replay stream sets it: refused with --replay */
	MB_OPTF_NULL_REPLAY = 1u << 7, /* echoed as null in a replay (it has no meaning) */
};

/* Why a value was refused: what the message is about ("--keys") and what
 * was expected, for one usage line. */
struct mb_opt_error {
	char what[64];
	char message[1024];
};

struct mb_option {
	const char *name;     /* long option and workload key, e.g. "key-type" */
	int short_key;        /* a letter for -X, or 0 */
	const char *arg;      /* the argument's name in --help; NULL for a flag */
	enum mb_opt_kind kind;
	size_t offset, size;  /* the value in struct mb_sweep (counts: 4 or 8 bytes) */
	uint64_t min, max;    /* bounds of a count; min 1 refuses a zero time */
	const char *const *choices; /* NULL-terminated, for MB_OPTK_CHOICE */
	/* The default as a user would write it (applied through the same
	 * parser), or a description of a computed one when def_computed. */
	const char *def;
	bool def_computed;
	const char *help;     /* one line for --help; the default is appended */
	const char *json;     /* its key in the config object, or NULL */
	const char *json2;    /* a second member its echo writes, or NULL */
	unsigned flags;       /* MB_OPTF_* */
	/* MB_OPTK_CUSTOM: reads arg into sw; 0 or -EINVAL/-ERANGE with err set. */
	int (*parse)(struct mb_sweep *sw, const char *arg, struct mb_opt_error *err);
	/* Optional: adds the option's member(s) to the config object, where the
	 * kind's echo does not fit. */
	void (*echo)(const struct mb_sweep *sw, json_t *config);
};

/* The row of an option, or NULL. */
const struct mb_option *mb_options_at(enum mb_opt_id id);
const struct mb_option *mb_options_find(const char *name);

/* Where a value comes from. */
enum mb_opt_source {
	MB_OPTSRC_DEFAULT,
	MB_OPTSRC_FILE,
	MB_OPTSRC_CLI,
};

/* Sets the option from its text (NULL for a flag).  A file's value for an
 * option the command line already set is ignored (returns 0), so the
 * command line wins whatever the order.  Returns 0, or -EINVAL / -ERANGE /
 * -ENOMEM with err filled. */
int mb_options_set(struct mb_sweep *sw, enum mb_opt_id id, const char *arg,
		   enum mb_opt_source src, struct mb_opt_error *err);

/* True when the option was given (by a file or the command line). */
static inline bool mb_options_given(const struct mb_sweep *sw, enum mb_opt_id id)
{
	return (sw->set >> id) & 1;
}

/* Fills sw with every default that is not computed.  Returns 0 or -ENOMEM. */
int mb_options_defaults(struct mb_sweep *sw);

/* The rules between options once all are read, and the computed defaults
 * (--procs: online CPUs given as cpus; --prefill: keys/2; a length of 1s
 * when none was given and nothing is replayed).  With --replay, the options
 * the stream sets (MB_OPTF_REPLAYED) are refused; the caller loads the
 * stream and sets threads, ops and mix from it (mb_sweep_set_replay).  Returns 0 or -EINVAL with err filled.  max_runs
 * bounds the sweep's size. */
int mb_options_resolve(struct mb_sweep *sw, unsigned cpus, size_t max_runs,
		       struct mb_opt_error *err);

/* The key type names at least --keys distinct keys (part of resolve; again
 * once a replayed stream has set the key type).  Returns 0, or -EINVAL with
 * err filled. */
int mb_options_check_key_space(const struct mb_sweep *sw, struct mb_opt_error *err);

/* The `config` object of the JSON result: every row with a json key.  NULL
 * on allocation failure. */
json_t *mb_options_config_json(const struct mb_sweep *sw);

/* True when a config key names a sweep dimension or bookkeeping (not a
 * condition two results must share to be compared). */
bool mb_options_is_sweep_key(const char *json_key);

/* The members the config object can have, in table order: names[i] and
 * whether it is a sweep key (see mb_options_is_sweep_key).  Returns how
 * many were written (at most max). */
size_t mb_options_config_keys(const char **names, bool *sweep, size_t max);

/* Frees what the sweep owns (its string values). */
void mb_options_free(struct mb_sweep *sw);

#endif
