/* mb_result_json: a sweep's results as the JSON document of schema
 * "mapbench/1" (documented in mapbench-run(1)), built with jansson.
 *
 * Keys are snake_case with the unit in the name (elapsed_s, p99_ns); a
 * number that is not finite is written as null.  The caller owns the
 * returned document or string.  Single-threaded; nothing is printed.
 */
#ifndef MB_REPORT_RESULT_JSON_H
#define MB_REPORT_RESULT_JSON_H

#include "report/host.h"
#include "run/runner.h"
#include "run/sweep.h"

#include <jansson.h>
#include <stdbool.h>

#define MB_RESULT_SCHEMA "mapbench/1"

struct mb_result_run {
	struct mb_run_config cfg;
	unsigned rep;            /* repetition number, from 1 */
	struct mb_run_result res;
};

struct mb_result {
	const struct mb_sweep *sweep;
	struct mb_host host;
	const struct mb_result_run *runs;
	size_t nruns;
	bool interrupted;   /* the sweep was stopped by a signal */
	int argc;
	char *const *argv;  /* the command line, echoed */
};

/* The whole document; NULL on allocation failure. */
json_t *mb_result_to_json(const struct mb_result *r);

/* The document as indented text ending in a newline (free() it), or NULL. */
char *mb_result_dump(const struct mb_result *r);

#endif
