/* mb_result_csv: a sweep's results as CSV, one row per run, for
 * spreadsheets and CI.  The columns are fixed and documented in
 * mapbench-run(1); new ones are only ever appended.  Fields are quoted (RFC
 * 4180) when they hold a comma, a quote or a line break.  The caller frees
 * the returned text.  Single-threaded; nothing is printed.
 */
#ifndef MB_REPORT_RESULT_CSV_H
#define MB_REPORT_RESULT_CSV_H

#include "report/result_json.h"

/* The header line's column names, comma-separated, without a newline. */
extern const char mb_result_csv_header[];

/* Header plus one line per run, or NULL when out of memory. */
char *mb_result_csv(const struct mb_result *r);

#endif
