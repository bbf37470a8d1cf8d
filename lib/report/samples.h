/* mb_samples: the samples mapbench compare tests, taken from a result
 * document or from a plain file of numbers.
 *
 * A metric (struct mb_metric, from mb_samples_metric_parse) names what to
 * take from each run of a result: one value per run (repetition) for
 * ops_per_s, ns_per_op, the latency percentiles (p50_ns ... max_ns, over all
 * ops or one kind, "p99_ns:load"), bytes_per_op and allocs_per_op; one
 * value per pause event of a kind for "pause:KIND" (its dur_ns); one value
 * per time window for reclaim_per_window (the reclaim pause events that
 * started in it).  Each metric knows its unit and whether higher is better.
 *
 * Samples are grouped by run label (mb_result_run_label); a plain file of
 * numbers is one group named by the caller.  Plain files hold one number a
 * line; blank lines and lines starting with '#' are skipped, and text after
 * the number must be blank or a '#' comment.  Lines may be of any length.
 *
 * Nothing is printed; errors are one line in the caller's buffer (with
 * "line N: " for a plain file, without the file name) and a negative errno.
 * Single-threaded; the caller owns a set and frees it with mb_samples_free.
 */
#ifndef MB_REPORT_SAMPLES_H
#define MB_REPORT_SAMPLES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum mb_metric_source {
	MB_METRIC_RUN,      /* a number member of the run (path in field) */
	MB_METRIC_LATENCY,  /* latency_ns[.field] or latency_ns_by_kind.KIND.field */
	MB_METRIC_PAUSE,    /* dur_ns of pause events of kind arg */
	MB_METRIC_RECLAIM,  /* reclaim events per time window */
};

struct mb_metric {
	char name[64];      /* as the user spelled it: "p99_ns:load" */
	const char *unit;   /* "ops/s", "ns", "B/op", "allocs/op", "reclaims/window" */
	int better;         /* +1 when higher is better, -1 when lower is */
	enum mb_metric_source source;
	const char *field;  /* the member: "ops_per_s", "p99", "bytes_per_op" */
	const char *object; /* the member holding it ("alloc"), or NULL */
	char arg[32];       /* op kind or pause kind, or "" */
};

/* Fills m from a name such as "ops_per_s", "p99_ns:load", "pause:grow".
 * Returns 0, or -EINVAL with a message in err for an unknown name or kind. */
int mb_samples_metric_parse(const char *spec, struct mb_metric *m, char *err, size_t errlen);

/* The metric names, one per line with a description (for --help). */
extern const char mb_samples_metric_help[];

struct mb_sample_group {
	char *name;      /* run label or file name */
	double *x;       /* the values, in document order */
	size_t n, cap;
	size_t missing;  /* runs with this label that lack the metric */
};

struct mb_sample_set {
	struct mb_sample_group *g;
	size_t n, cap;
};

void mb_samples_free(struct mb_sample_set *s);

/* The group named name, or NULL. */
struct mb_sample_group *mb_samples_find(const struct mb_sample_set *s, const char *name);

/* Whether text (len bytes) is a JSON document rather than plain numbers:
 * its first character that is not blank is '{' or '['. */
bool mb_samples_looks_json(const char *text, size_t len);

/* Reads a whole file ("-" for standard input) into *text (terminated; the
 * caller frees it).  Returns 0, or a negative errno with "cannot open: ...",
 * "cannot read: Is a directory" in err. */
int mb_samples_read_file(const char *path, char **text, size_t *len, char *err, size_t errlen);

/* Plain numbers from text (len bytes) into one group called name.
 * Returns 0; -EINVAL for a line that is not one finite number ("line 3:
 * not a number: 'abc'", "line 4: not a finite number: 'inf'") or a file
 * without numbers ("no numbers"); -ENOMEM. */
int mb_samples_parse_text(const char *text, size_t len, const char *name,
			  struct mb_sample_set *out, char *err, size_t errlen);

/* The samples of metric m from a result document that mb_result_parse or
 * mb_result_load accepted, grouped by run label.  Returns 0; -EINVAL when
 * a member the metric reads has the wrong type ("runs[2].ops_per_s is not
 * a number"); -ENOMEM.  A run lacking the member (null or absent) counts
 * as missing in its group. */
int mb_samples_extract(const json_t *doc, const struct mb_metric *m,
		       struct mb_sample_set *out, char *err, size_t errlen);

#endif
