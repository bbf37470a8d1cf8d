/* mb_json_num: the numbers of mapbench's JSON documents, written one way.
 *
 * jansson refuses NaN and infinities, and the schemas say null for them;
 * a latency-style summary (samples, mean, stddev, min, p50 ... max) has one
 * shape wherever it appears (latency_ns, the lock's wait_ns and hold_ns).
 * Pure; returns a new reference, or NULL when out of memory.
 */
#ifndef MB_REPORT_JSON_NUM_H
#define MB_REPORT_JSON_NUM_H

#include "measure/hist.h"

#include <jansson.h>

/* v as a JSON real, or null when it is not finite. */
json_t *mb_json_real_or_null(double v);

/* A histogram summary as latency_ns has it, in ns. */
json_t *mb_json_hist_summary(const struct mb_hist_summary *h);

#endif
