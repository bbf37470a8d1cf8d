/* mb_compare: the engine of `mapbench compare`.  Two sides (mapbench
 * results or plain files of numbers) in; rows out, one per metric and run
 * label, each with both sides' summaries, Welch's t-test (and the
 * Mann-Whitney U test when asked), the relative change and a verdict; a
 * geomean row per metric; the warnings (sides not comparable, unmatched
 * labels, missing values, noisy sides); whether there is a regression.
 * The command turns this into text, markdown, JSON or CSV.
 *
 * Use: mb_compare_side_read (or _parse) for c->a and c->b, then
 * mb_compare_run, read the rows and warnings, mb_compare_free.
 *
 * Errors: a negative errno and one line in the caller's buffer that starts
 * with what it is about, the way the command prints it after "mapbench: ":
 * "b.txt:3: not a number: 'xyz'", "--strict: the sides differ in ...",
 * "compare: a.json and b.json have no run label in common".  -ENOMEM is
 * out of memory; every other code is unusable input or usage.  Nothing is
 * printed, nothing exits, no state outside the struct; single-threaded per
 * struct mb_compare.  Requires GSL's error handler off (see stats.h).
 */
#ifndef MB_REPORT_COMPARE_H
#define MB_REPORT_COMPARE_H

#include "report/samples.h"
#include "report/stats.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* A member of a result's config and what compare does with it. */
struct mb_compare_key {
	const char *name;
	bool sweep; /* a sweep dimension (runs are matched by label) or
		     * bookkeeping: never a comparability warning */
};

/* The most config members compare knows by name. */
#define MB_COMPARE_MAX_KEYS 64

/* The members of config that mapbench run writes, from run's option table
 * (run/options.h), ended by a NULL name: what compare treats as sweep and
 * what it compares (and what --vary may name).  A config member not listed
 * is compared too.  out has room for MB_COMPARE_MAX_KEYS + 1. */
void mb_compare_config_keys(struct mb_compare_key *out);

/* What a result without an "implementation" member was made by. */
#define MB_COMPARE_IMPL_DEFAULT "mapbench C"

struct mb_compare_side {
	const char *path;           /* as given, "-" for standard input */
	const char *base;           /* its base name (points into path) */
	const char *implementation; /* the result's, MB_COMPARE_IMPL_DEFAULT when
				     * absent; NULL for numbers (points into doc) */
	json_t *doc;                /* a result, or NULL for plain numbers */
	struct mb_sample_set text;  /* the numbers of a plain file */
};

struct mb_compare_opts {
	const struct mb_metric *metrics; /* none: ops_per_s for results, for
					  * numbers a "value", lower is better */
	size_t nmetrics;
	double alpha;      /* significance level, in (0, 1) */
	bool utest;        /* the U test's p decides the verdict */
	bool strict;       /* not comparable is an error, not a warning */
	char *const *vary; /* config members that may differ */
	size_t nvary;
	const struct mb_compare_key *keys; /* NULL: mb_compare_config_keys() */
	double fail_pct;   /* worse by more than this many percent is a regression */
};

struct mb_compare_row {
	const struct mb_metric *metric;
	const char *name;      /* run label, "A vs B" for numbers, "geomean" */
	bool geomean;
	struct mb_stats_summary a, b; /* n 0 when a side has no value */
	const struct mb_sample_group *ga, *gb; /* NULL for geomean rows */
	bool tested, utested;
	struct mb_stats_welch w;
	struct mb_stats_utest u;
	double delta_pct;      /* 100 (mean_b - mean_a) / mean_a; NaN when A's mean
				* is 0 or the change exceeds the double range */
	const char *verdict;   /* better, worse, no-change, insufficient; "" geomean */
	const char *why;       /* why insufficient (or why no-change untested) */
	unsigned long n_needed; /* repetitions that would detect diff, 0 none */
	bool regression;       /* worse beyond opts.fail_pct */
};

struct mb_compare {
	struct mb_compare_side a, b;
	bool implementations_differ; /* the implementation is what is compared */
	struct mb_metric *metrics;   /* the metrics compared (rows point here) */
	size_t nmetrics;
	struct mb_sample_set *sets;  /* A's and B's samples per metric */
	struct mb_compare_row *rows;
	size_t nrows, caprows;
	char **warnings;
	size_t nwarnings, capwarnings;
	bool regression;             /* a row is a regression */
	char *label;                 /* the row name of two plain files */
};

/* Reads path ("-" is standard input) into s: a result when its first
 * character that is not blank is '{' or '[', otherwise numbers.  Returns 0
 * or a negative errno with the message ("PATH: cannot open: ...",
 * "PATH:LINE: not a number: ..."). */
int mb_compare_side_read(struct mb_compare_side *s, const char *path, char *err, size_t errlen);

/* The same from text already in memory (len bytes, not necessarily
 * terminated); path names it in messages and must outlive s. */
int mb_compare_side_parse(struct mb_compare_side *s, const char *path, const char *text,
			  size_t len, char *err, size_t errlen);

/* Compares c->a with c->b (both read) and fills the rest of c.  Returns 0;
 * -EINVAL (usage or input: a result against numbers, several metrics for
 * numbers, an unknown --vary member, --strict and not comparable, no label
 * in common, a bad member, nothing testable); -ERANGE (values whose
 * standard deviation exceeds the double range); -ENOMEM. */
int mb_compare_run(struct mb_compare *c, const struct mb_compare_opts *o, char *err,
		   size_t errlen);

/* The change of a row for messages: "+8.73%", or when there is no relative
 * change (delta_pct NaN) the difference in the metric's unit, "+5 ns (A's
 * mean is 0)".  Returns buf. */
const char *mb_compare_delta_text(const struct mb_compare_row *r, char *buf, size_t n);

/* Frees what c holds, the sides included, and zeroes it. */
void mb_compare_free(struct mb_compare *c);

#endif
