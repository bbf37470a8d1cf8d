/* The JSON numbers: non-finite as null, a summary's one shape. */
#include "check.h"

#include "report/json_num.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	json_t *v = mb_json_real_or_null(NAN);
	CHECK(json_is_null(v), "NaN is null");
	json_decref(v);
	v = mb_json_real_or_null(-INFINITY);
	CHECK(json_is_null(v), "-inf is null");
	json_decref(v);
	v = mb_json_real_or_null(1.5);
	CHECK(json_is_real(v) && json_real_value(v) == 1.5, "1.5");
	json_decref(v);

	struct mb_hist_summary h;
	memset(&h, 0, sizeof h);
	h.count = 3;
	h.mean = NAN;
	h.p99 = 42;
	v = mb_json_hist_summary(&h);
	CHECK(v && json_object_size(v) == 10, "ten members");
	CHECK(json_integer_value(json_object_get(v, "samples")) == 3 &&
		      json_integer_value(json_object_get(v, "p99")) == 42, "values");
	CHECK(json_is_null(json_object_get(v, "mean")) && json_is_real(json_object_get(v, "stddev")),
	      "a NaN mean is null, a finite stddev a real");
	char *text = json_dumps(v, JSON_COMPACT);
	CHECK(text && strstr(text, "nan") == NULL && strstr(text, "inf") == NULL, "%s", text);
	free(text);
	json_decref(v);
	CHECK_DONE();
}
