#include "run/sweep.h"
#include "run/options.h"

#include <errno.h>
#include <string.h>

static unsigned reps(const struct mb_sweep *sw)
{
	return sw->count ? sw->count : 1;
}

/* The lock policies map m runs with: the list for a design that takes a
 * lock, one (not applicable) for the others. */
static size_t locks_of(const struct mb_sweep *sw, size_t m)
{
	return (sw->maps[m]->flags & MB_MAP_F_LOCK) && sw->nlocks ? sw->nlocks : 1;
}

size_t mb_sweep_count(const struct mb_sweep *sw)
{
	size_t n = 0;
	for (size_t m = 0; m < sw->nmaps; m++)
		n += locks_of(sw, m) * sw->nthreads * reps(sw);
	return n;
}

void mb_sweep_run_config(const struct mb_sweep *sw, size_t i, struct mb_run_config *cfg,
			 unsigned *rep)
{
	if (rep)
		*rep = (unsigned)(i % reps(sw)) + 1;
	i /= reps(sw);
	size_t m = 0;
	while (m + 1 < sw->nmaps && i >= locks_of(sw, m) * sw->nthreads)
		i -= locks_of(sw, m++) * sw->nthreads;
	const struct mb_map_ops *map = sw->maps[m];
	size_t lock = i / sw->nthreads;
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
		.replay = sw->stream,
		.record = sw->recording,
	};
	for (int k = 0; k < MB_OP_NKINDS; k++)
		cfg->mix[k] = sw->mix[k];
	cfg->map_param = sw->map_params[m];
	cfg->lock = sw->nlocks ? sw->locks[lock] : MB_LOCK_GO;
	if (!mb_options_given(sw, MB_OPTID_PROCS) && !(map->flags & MB_MAP_F_CONCURRENT))
		cfg->procs = 1;
}

int mb_sweep_set_replay(struct mb_sweep *sw, const struct mb_opstream *s)
{
	if (s->key_type_named) {
		const struct mb_keyspec *a = &s->key_type, *b = &sw->key_type;
		bool same = a->type == b->type && a->min_len == b->min_len && a->max_len == b->max_len;
		if (!same && mb_options_given(sw, MB_OPTID_KEY_TYPE))
			return -EINVAL;
		sw->key_type = *a;
	}
	sw->threads[0] = s->ntasks;
	sw->nthreads = 1;
	sw->ops = mb_opstream_count(s);
	sw->duration_ns = 0;
	mb_opstream_mix(s, sw->mix, MB_OP_NKINDS);
	sw->stream = s;
	return 0;
}
