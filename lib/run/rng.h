/* mb_rng: the workload's random streams.
 *
 * splitmix64 (Steele, Lea, Flood 2014): 8 bytes of state, passes BigCrush,
 * a handful of cycles per draw.  Each task gets its own stream, derived from
 * the run seed and the task's index, so a run is reproducible from its seed
 * and tasks never share state.  Header-only: the draw is on every op's path.
 * Threads: a stream belongs to one thread at a time.
 */
#ifndef MB_RUN_RNG_H
#define MB_RUN_RNG_H

#include <stdint.h>

#define MB_RNG_GAMMA UINT64_C(0x9e3779b97f4a7c15)

/* The finaliser of splitmix64: a bijective 64-bit mix. */
static inline uint64_t mb_rng_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Initial state of stream `index` of the run seeded with `seed`. */
static inline uint64_t mb_rng_stream(uint64_t seed, uint64_t index)
{
	return mb_rng_mix(seed ^ mb_rng_mix(index * MB_RNG_GAMMA + MB_RNG_GAMMA));
}

/* Advances *state and returns the next 64 random bits. */
static inline uint64_t mb_rng_next(uint64_t *state)
{
	return mb_rng_mix(*state += MB_RNG_GAMMA);
}

/* Maps 64 random bits to [0, n) by a multiply-high (Lemire): no division,
 * bias below n / 2^64, which no benchmark can see. */
static inline uint64_t mb_rng_below(uint64_t r, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)r * n) >> 64);
}

#endif
