/* The numbers of the JSON documents.  See json_num.h. */
#include "report/json_num.h"

#include <math.h>

json_t *mb_json_real_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

json_t *mb_json_hist_summary(const struct mb_hist_summary *h)
{
	return json_pack("{s:I, s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
		"samples", (json_int_t)h->count,
		"mean", mb_json_real_or_null(h->mean),
		"stddev", mb_json_real_or_null(h->stddev),
		"min", (json_int_t)h->min,
		"p50", (json_int_t)h->p50,
		"p90", (json_int_t)h->p90,
		"p99", (json_int_t)h->p99,
		"p999", (json_int_t)h->p999,
		"p9999", (json_int_t)h->p9999,
		"max", (json_int_t)h->max);
}
