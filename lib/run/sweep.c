#include "run/sweep.h"
#include "run/options.h"

static unsigned reps(const struct mb_sweep *sw)
{
	return sw->count ? sw->count : 1;
}

size_t mb_sweep_count(const struct mb_sweep *sw)
{
	return sw->nmaps * sw->nthreads * reps(sw);
}

void mb_sweep_run_config(const struct mb_sweep *sw, size_t i, struct mb_run_config *cfg,
			 unsigned *rep)
{
	if (rep)
		*rep = (unsigned)(i % reps(sw)) + 1;
	i /= reps(sw);
	const struct mb_map_ops *map = sw->maps[i / sw->nthreads];
	*cfg = (struct mb_run_config){
		.map = map,
		.threads = sw->threads[i % sw->nthreads],
		.procs = sw->procs,
		.keys = sw->keys,
		.prefill = sw->prefill,
		.ops = sw->ops,
		.duration_ns = sw->duration_ns,
		.warmup_ops = sw->warmup_ops,
		.warmup_ns = sw->warmup_ns,
		.seed = sw->seed,
		.hash_seed = sw->hash_seed,
		.hash_seed_set = mb_options_given(sw, MB_OPTID_HASH_SEED),
		.grow = sw->grow,
		.value_size = sw->value_size,
		.key_type = sw->key_type,
		.latency_every = sw->latency_every,
		.pause_threshold_ns = sw->pause_threshold_ns,
		.pauses_off = sw->pauses_off,
		.counters = sw->counters,
		.window_ns = sw->window_ns,
		.dist = sw->dist,
		.max_events = sw->max_events,
	};
	for (int k = 0; k < MB_OP_NKINDS; k++)
		cfg->mix[k] = sw->mix[k];
	if (!mb_options_given(sw, MB_OPTID_PROCS) && !(map->flags & MB_MAP_F_CONCURRENT))
		cfg->procs = 1;
}
