/* mb_result_csv: a sweep's results as CSV, one row per run, for
 * spreadsheets and CI.  The columns are fixed and documented in
 * mapbench-run(1); new ones are only ever appended.  Fields are quoted (RFC
 * 4180) when they hold a comma, a quote or a line break.  The caller frees
 * the returned text.  Single-threaded; nothing is printed.
 */
#ifndef MB_REPORT_RESULT_CSV_H
#define MB_REPORT_RESULT_CSV_H

#include "report/result_json.h"

#include <stdio.h>

/* The header line's column names, comma-separated, without a newline. */
extern const char mb_result_csv_header[];

/* Writes s to f as one CSV field: as is, or quoted (RFC 4180: inner quotes
 * doubled) when it holds a comma, a quote, a CR or a LF.  The one quoting
 * rule of mapbench's CSV (results and compare's tables). */
void mb_csv_put_field(FILE *f, const char *s);

/* Header plus one line per run, or NULL when out of memory. */
char *mb_result_csv(const struct mb_result *r);

#endif
