/* mb_timer: the clock that times sampled operations.
 *
 * Where the CPU has an invariant TSC (x86-64 with constant_tsc and
 * nonstop_tsc: it ticks at one rate in every power state and on every
 * core), mb_timer_ticks reads it with rdtsc, about half the cost of
 * clock_gettime here; ticks become nanoseconds with a multiplier calibrated
 * once against CLOCK_MONOTONIC.  Elsewhere, or with MAPBENCH_TIMER=clock in
 * the environment, ticks are CLOCK_MONOTONIC nanoseconds.
 *
 * rdtsc alone is not ordered: without fences the second reading can be
 * taken before the operation's cache misses resolve, and an op looks twice
 * as fast as it is.  mb_timer_ticks fences each reading (see below).
 *
 * Threads: mb_timer_init once, before any other call, from one thread (the
 * runner does it; it is idempotent and cheap after the first time); then
 * everything else from any thread.  Nothing is printed.
 */
#ifndef MB_MEASURE_TIMER_H
#define MB_MEASURE_TIMER_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

struct mb_timer_calibration {
	bool tsc;              /* ticks are TSC ticks */
	uint64_t mult;         /* ns = ticks * mult >> MB_TIMER_SHIFT */
	uint64_t base_ticks;   /* ticks at base_ns (CLOCK_MONOTONIC) */
	uint64_t base_ns;
	double ticks_per_ns;
};

#define MB_TIMER_SHIFT 24

extern struct mb_timer_calibration mb_timer_cal;

/* Chooses the clock and calibrates the TSC (about 20 ms the first time). */
void mb_timer_init(void);

/* "tsc" or "clock_gettime". */
const char *mb_timer_source(void);

static inline uint64_t mb_timer_monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A reading of the clock, in ticks, ordered after everything before it and
 * before everything after it: lfence waits for earlier instructions to
 * complete (a cache-missing load included) before rdtsc reads, and for
 * rdtsc before later ones start, so a reading brackets exactly the code
 * between two of them. */
static inline uint64_t mb_timer_ticks(void)
{
#if defined(__x86_64__)
	if (mb_timer_cal.tsc) {
		_mm_lfence();
		uint64_t t = __rdtsc();
		_mm_lfence();
		return t;
	}
#endif
	return mb_timer_monotonic_ns();
}

/* A span of ticks in ns. */
static inline uint64_t mb_timer_ns(uint64_t ticks)
{
	if (!mb_timer_cal.tsc)
		return ticks;
	return (uint64_t)(((unsigned __int128)ticks * mb_timer_cal.mult) >> MB_TIMER_SHIFT);
}

/* A reading in CLOCK_MONOTONIC ns (for event times). */
static inline uint64_t mb_timer_to_monotonic(uint64_t ticks)
{
	if (!mb_timer_cal.tsc)
		return ticks;
	if (ticks >= mb_timer_cal.base_ticks)
		return mb_timer_cal.base_ns + mb_timer_ns(ticks - mb_timer_cal.base_ticks);
	return mb_timer_cal.base_ns - mb_timer_ns(mb_timer_cal.base_ticks - ticks);
}

#endif
