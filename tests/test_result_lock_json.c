/* The "lock" object of a run: null for a design without a lock; counts per
 * side, the Go names of the events, and 0 samples for a histogram nothing
 * fed. */
#include "check.h"

#include "report/result_lock_json.h"

#include <string.h>

int main(void)
{
	struct mb_run_lock_stats l = {0};
	json_t *j = mb_result_lock_json(&l);
	CHECK(json_is_null(j), "no lock: null");
	json_decref(j);

	l.applies = true;
	l.policy = MB_LOCK_GO;
	l.acquisitions[MB_LOCK_READ] = 90;
	l.acquisitions[MB_LOCK_WRITE] = 10;
	l.contended[MB_LOCK_WRITE] = 4;
	l.parks = 3;
	l.blocked = 2;
	l.wakeups = 3;
	l.handoffs = 2;
	l.starve_enter = 1;
	l.starve_exit = 1;
	l.max_waiters = 7;
	l.migrations = 5;
	l.steals = 6;
	l.switches = 8;
	l.wait_ns[MB_LOCK_WRITE] = (struct mb_hist_summary){.count = 4, .min = 10, .max = 2000,
							   .p50 = 100, .p99 = 2000, .mean = 500};
	j = mb_result_lock_json(&l);
	CHECK(strcmp(json_string_value(json_object_get(j, "policy")), "go") == 0, "policy");
	CHECK(json_integer_value(json_object_get(json_object_get(j, "acquisitions"), "read")) == 90,
	      "acquisitions.read");
	CHECK(json_integer_value(json_object_get(json_object_get(j, "contended"), "write")) == 4,
	      "contended.write");
	CHECK(json_integer_value(json_object_get(j, "handoffs")) == 2 &&
	      json_integer_value(json_object_get(j, "starvation_entries")) == 1 &&
	      json_integer_value(json_object_get(j, "starvation_exits")) == 1 &&
	      json_integer_value(json_object_get(j, "max_waiters")) == 7 &&
	      json_integer_value(json_object_get(j, "migrations")) == 5 &&
	      json_integer_value(json_object_get(j, "steals")) == 6 &&
	      json_integer_value(json_object_get(j, "switches")) == 8 &&
	      json_integer_value(json_object_get(j, "parks")) == 3 &&
	      json_integer_value(json_object_get(j, "blocked")) == 2 &&
	      json_integer_value(json_object_get(j, "wakeups")) == 3, "events");
	json_t *wait = json_object_get(j, "wait_ns");
	CHECK(json_integer_value(json_object_get(json_object_get(wait, "read"), "samples")) == 0,
	      "no read waits: 0 samples");
	CHECK(json_integer_value(json_object_get(json_object_get(wait, "write"), "p99")) == 2000 &&
	      json_integer_value(json_object_get(json_object_get(wait, "write"), "samples")) == 4,
	      "write waits");
	CHECK(json_integer_value(json_object_get(json_object_get(json_object_get(j, "hold_ns"),
							  "write"), "samples")) == 0, "no holds");
	json_decref(j);
	CHECK_DONE();
}
