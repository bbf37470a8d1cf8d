/* A runner with many tasks on few workers over a design that takes a lock,
 * once per lock policy, with the checks every such design must pass: every
 * op done, the lock's stats present and for that policy, every park woken,
 * only go parks, the length within the key space.  A test adds its own
 * checks through the callback.  Header-only: included by one test file. */
#ifndef MB_TESTS_PARKRUN_H
#define MB_TESTS_PARKRUN_H

#include "check.h"

#include "run/runner.h"

/* Runs base under every lock policy; more(cfg, r) adds checks, or NULL. */
static void parkrun_every_policy(const struct mb_run_config *base,
				 void (*more)(const struct mb_run_config *, const struct mb_run_result *))
{
	for (int pol = 0; pol < MB_LOCK_NPOLICIES; pol++) {
		struct mb_run_config cfg = *base;
		cfg.lock = (enum mb_lock_policy)pol;
		struct mb_run_result r;
		int rc = mb_run_execute(&cfg, &r, NULL);
		const char *name = mb_lock_policy_name(cfg.lock);
		CHECK(rc == 0 && r.outcome == MB_RUN_OK && r.ops == cfg.ops, "%s: rc %d, %llu ops",
		      name, rc, (unsigned long long)r.ops);
		CHECK(r.lock.applies && r.lock.policy == cfg.lock, "%s: lock stats apply", name);
		CHECK(r.lock.parks == r.lock.wakeups, "%s: %llu parks, %llu wake-ups", name,
		      (unsigned long long)r.lock.parks, (unsigned long long)r.lock.wakeups);
		CHECK(pol == MB_LOCK_GO || r.lock.parks == 0, "%s: only go parks", name);
		CHECK(r.final_len >= 0 && (uint64_t)r.final_len <= cfg.keys, "%s: len %lld", name,
		      (long long)r.final_len);
		if (more)
			more(&cfg, &r);
		mb_run_result_free(&r);
	}
}

#endif
