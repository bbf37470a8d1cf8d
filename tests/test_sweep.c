/* The sweep: the cross product of maps x thread counts x repetitions, in
 * order, and the one-worker rule for maps not safe for concurrent use
 * unless --procs was given (its set bit). */
#include "check.h"

#include "maps/gomap.h"
#include "maps/locked.h"
#include "run/options.h"
#include "run/sweep.h"

int main(void)
{
	struct mb_sweep sw = {
		.maps = {&mb_gomap_ops, &mb_locked_ops},
		.nmaps = 2,
		.threads = {1, 10, 100},
		.nthreads = 3,
		.procs = 2,
	};
	CHECK(mb_sweep_count(&sw) == 6, "2 maps x 3 thread counts");
	struct mb_run_config cfg;
	mb_sweep_run_config(&sw, 4, &cfg, NULL);
	CHECK(cfg.map == &mb_locked_ops && cfg.threads == 10 && cfg.procs == 2, "run 4");
	mb_sweep_run_config(&sw, 2, &cfg, NULL);
	CHECK(cfg.map == &mb_gomap_ops && cfg.threads == 100 && cfg.procs == 1,
	      "plain on one worker by default");
	CHECK(!cfg.hash_seed_set, "no hash seed unless given");
	sw.set |= UINT64_C(1) << MB_OPTID_PROCS | UINT64_C(1) << MB_OPTID_HASH_SEED;
	mb_sweep_run_config(&sw, 2, &cfg, NULL);
	CHECK(cfg.procs == 2, "explicit procs are kept");
	CHECK(cfg.hash_seed_set, "a given hash seed is used");
	sw.count = 3;
	unsigned rep = 0;
	CHECK(mb_sweep_count(&sw) == 18, "x 3 repetitions");
	mb_sweep_run_config(&sw, 14, &cfg, &rep);
	CHECK(cfg.map == &mb_locked_ops && cfg.threads == 10 && rep == 3, "run 14: locked x 10, rep %u", rep);
	mb_sweep_run_config(&sw, 3, &cfg, &rep);
	CHECK(cfg.map == &mb_gomap_ops && cfg.threads == 10 && rep == 1, "run 3: plain x 10, rep %u", rep);
	CHECK_DONE();
}
