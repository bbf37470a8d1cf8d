/* mb_table: the human-readable table of `mapbench run`, one row per run,
 * printed as each run finishes so a long sweep shows its progress.
 * Single-threaded; writes only to the FILE given.
 */
#ifndef MB_REPORT_TABLE_H
#define MB_REPORT_TABLE_H

#include "report/host.h"
#include "run/runner.h"

#include <stdio.h>

void mb_table_header(FILE *out);
void mb_table_row(FILE *out, const struct mb_run_config *cfg,
		  const struct mb_run_result *res);
/* The machine the rows were measured on, one line. */
void mb_table_footer(FILE *out, const struct mb_host *host);

/* Formats a duration in ns with a readable unit ("85ns", "1.2us", "3.4ms",
 * "2.1s") into buf; returns buf. */
char *mb_table_duration(char *buf, size_t size, double ns);

/* Formats a count compactly ("8", "1k", "1M", "9.9M", "12.3k", "1234"):
 * exact multiples of 10^3, 10^6, 10^9 with a suffix, others with one decimal
 * and a suffix from 10^4 on; returns buf. */
char *mb_table_count(char *buf, size_t size, uint64_t n);

#endif
