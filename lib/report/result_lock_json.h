/* mb_result_lock_json: a run's lock statistics (mb_run_lock_stats) as the
 * "lock" member of a run in the mapbench/1 JSON (mapbench-json(5)).
 * Single-threaded; nothing is printed.
 */
#ifndef MB_REPORT_RESULT_LOCK_JSON_H
#define MB_REPORT_RESULT_LOCK_JSON_H

#include "run/runner.h"

#include <jansson.h>

/* A new object (null for a design without a lock), or NULL when out of
 * memory. */
json_t *mb_result_lock_json(const struct mb_run_lock_stats *l);

#endif
