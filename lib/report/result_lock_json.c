/* The "lock" object of a run.  See result_lock_json.h. */
#include "report/result_lock_json.h"
#include "report/json_num.h"

#include <math.h>

static json_t *sides(const uint64_t *v)
{
	return json_pack("{s:I, s:I}", "read", (json_int_t)v[MB_LOCK_READ],
			 "write", (json_int_t)v[MB_LOCK_WRITE]);
}

static json_t *hist_sides(const struct mb_hist_summary *h)
{
	return json_pack("{s:o, s:o}", "read", mb_json_hist_summary(&h[MB_LOCK_READ]),
			 "write", mb_json_hist_summary(&h[MB_LOCK_WRITE]));
}

json_t *mb_result_lock_json(const struct mb_run_lock_stats *l)
{
	if (!l->applies)
		return json_null();
	json_t *o = json_object();
	if (!o)
		return NULL;
	json_object_set_new(o, "policy", json_string(mb_lock_policy_name(l->policy)));
	json_object_set_new(o, "acquisitions", sides(l->acquisitions));
	json_object_set_new(o, "contended", sides(l->contended));
	json_object_set_new(o, "parks", json_integer((json_int_t)l->parks));
	json_object_set_new(o, "blocked", json_integer((json_int_t)l->blocked));
	json_object_set_new(o, "wakeups", json_integer((json_int_t)l->wakeups));
	json_object_set_new(o, "handoffs", json_integer((json_int_t)l->handoffs));
	json_object_set_new(o, "starvation_entries", json_integer((json_int_t)l->starve_enter));
	json_object_set_new(o, "starvation_exits", json_integer((json_int_t)l->starve_exit));
	json_object_set_new(o, "max_waiters", json_integer((json_int_t)l->max_waiters));
	json_object_set_new(o, "migrations", json_integer((json_int_t)l->migrations));
	json_object_set_new(o, "steals", json_integer((json_int_t)l->steals));
	json_object_set_new(o, "switches", json_integer((json_int_t)l->switches));
	json_object_set_new(o, "wait_ns", hist_sides(l->wait_ns));
	json_object_set_new(o, "hold_ns", hist_sides(l->hold_ns));
	return o;
}
