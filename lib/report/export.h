/* mb_export: gnuplot-ready tables from a result document (see
 * result_read.h), for `mapbench export` and the plot scripts.
 *
 * A table is plain text: a first line "# " followed by the column names,
 * then one block per run (or per map, for scaling), each opened by a comment
 * line "# [N] TITLE" and separated from the next by two blank lines, so that
 * gnuplot's `index N` selects block N.  Within a heatmap block a blank line
 * ends each time window, as `splot`/pm3d and `with image` expect of a grid.
 * Columns are separated by one space; a value that does not exist (a
 * percentile of a window without timed operations, a null in the document)
 * is written NaN, which gnuplot treats as missing.
 *
 * The selection (struct mb_export_select) picks runs; a writer first builds
 * the whole table in memory, so nothing reaches `out` unless every selected
 * run has the data the kind needs.  Pure: no printing, no exit, no global
 * state; single-threaded; the document is only read.
 */
#ifndef MB_REPORT_EXPORT_H
#define MB_REPORT_EXPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum mb_export_kind {
	MB_EXPORT_HEATMAP,    /* pause events per window x log2 duration bucket */
	MB_EXPORT_LATENCY,    /* percentile spectrum per run and op kind */
	MB_EXPORT_TIMESERIES, /* per window: ops/s, p50, p99, pauses */
	MB_EXPORT_SCALING,    /* ops/s over threads, per map */
	MB_EXPORT_ALLOC,      /* live bytes by category per window */
	MB_EXPORT_PAUSES,     /* the pause events themselves */
	MB_EXPORT_NKINDS,
};

/* Which runs to export; a zeroed struct (or NULL) selects every run. */
struct mb_export_select {
	const char *maps;  /* comma-separated map names, or NULL for all */
	long threads;      /* 0 any, > 0 exactly, MB_EXPORT_THREADS_MAX the
			    * largest thread count of each map */
	long rep;          /* 0 any, > 0 that repetition */
	const char *run;   /* NULL, an index into runs[] (decimal), or a label
			    * "MAP/threads=N/procs=P" (every repetition) or
			    * "MAP/threads=N/procs=P/rep=R" */
	const char *op;    /* latency only: NULL every kind and "all", else
			    * "all" or one op kind name */
};
#define MB_EXPORT_THREADS_MAX (-1L)

/* The vocabulary of export kinds: the one table from which `mapbench
 * export --what`, its help and messages, `mapbench list exports` and (through
 * that listing) mapbench-plot take the kinds. */
struct mb_export_kind_info {
	const char *name;    /* "heatmap": the value of --what */
	const char *summary; /* one line: what a row is */
	const char *columns; /* the header line's column names */
};

/* The kind's entry, or NULL when kind is out of range. */
const struct mb_export_kind_info *mb_export_kind_at(int kind);

/* The kind named name ("heatmap", ...), or -EINVAL. */
int mb_export_kind_parse(const char *name);

/* The name of a kind, or NULL when out of range. */
const char *mb_export_kind_name(int kind);

/* Writes the kind names into buf (n bytes, always terminated), separated by
 * sep (", " for messages): "heatmap, latency, ...".  Returns buf. */
const char *mb_export_kind_names(char *buf, size_t n, const char *sep);

/* Writes the table of kind for the selected runs of doc (a document that
 * passed mb_result_load/parse) to out.  With blocks_only, writes instead one
 * line per block: the number of data rows, a space, and the block's title
 * (titles hold no white space or quotes), then, for a run that ended fatal,
 * a space and a note ("fatal: concurrent map writes after 168541 ops":
 * spaces, but no quotes or '#'), which is what a plot script needs to lay
 * out panels and legends.
 *
 * Returns 0; -EINVAL for an unknown kind or op; -ENOENT when no run matches
 * the selection; -ENODATA when a selected run lacks what the kind needs (or
 * no run has any of it); -EBADMSG when a selected run holds what no
 * mapbench writes (threads, procs or rep below 1, a negative count or
 * duration among the values the kind prints, throughputs too large to
 * summarize), so that no table holds a NaN or an infinity computed from
 * them; -ENOMEM; -EIO when writing to out fails.  On error
 * nothing is written and err (errlen bytes, always terminated) holds one
 * line without a file name, e.g. "runs[2] has no pauses.heatmap". */
int mb_export_write(FILE *out, const json_t *doc, int kind,
		    const struct mb_export_select *sel, bool blocks_only,
		    char *err, size_t errlen);

#endif
