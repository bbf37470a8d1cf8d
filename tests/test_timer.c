/* The op timer: TSC ticks convert to the nanoseconds CLOCK_MONOTONIC
 * measures, readings never go back on one thread, and the clock_gettime
 * fallback is the identity. */
#include "check.h"

#include "measure/timer.h"

#include <stdlib.h>
#include <string.h>

int main(void)
{
	mb_timer_init();
	mb_timer_init(); /* idempotent */
	const char *src = mb_timer_source();
	CHECK(strcmp(src, "tsc") == 0 || strcmp(src, "clock_gettime") == 0, "source %s", src);

	/* 50 ms measured both ways agree within 1% (the TSC's calibration).
	 * Each TSC read is bracketed by clock reads, so a preemption between
	 * them widens the bracket instead of failing the test. */
	uint64_t na = mb_timer_monotonic_ns(), t0 = mb_timer_ticks(), nb = mb_timer_monotonic_ns();
	uint64_t nc;
	do
		nc = mb_timer_monotonic_ns();
	while (nc - nb < 50000000);
	uint64_t t1 = mb_timer_ticks(), nd = mb_timer_monotonic_ns();
	double ns = (double)mb_timer_ns(t1 - t0);
	CHECK(ns >= (double)(nc - nb) * 0.99 && ns <= (double)(nd - na) * 1.01, "%s: %.0f ns, "
	      "monotonic between %llu and %llu", src, ns, (unsigned long long)(nc - nb),
	      (unsigned long long)(nd - na));

	/* a reading maps to CLOCK_MONOTONIC time within 0.2 ms of its bracket */
	uint64_t before = mb_timer_monotonic_ns(), mono = mb_timer_to_monotonic(mb_timer_ticks()),
		 after = mb_timer_monotonic_ns();
	CHECK(mono + 200000 >= before && mono <= after + 200000,
	      "%s: to_monotonic %llu outside [%llu, %llu]", src, (unsigned long long)mono,
	      (unsigned long long)before, (unsigned long long)after);

	uint64_t prev = mb_timer_ticks();
	int backwards = 0;
	for (int i = 0; i < 100000; i++) {
		uint64_t t = mb_timer_ticks();
		backwards += t < prev;
		prev = t;
	}
	CHECK(backwards == 0, "%d readings went back", backwards);

	/* the fallback: ticks are nanoseconds */
	struct mb_timer_calibration saved = mb_timer_cal;
	mb_timer_cal.tsc = false;
	CHECK(mb_timer_ns(12345) == 12345 && mb_timer_to_monotonic(777) == 777, "identity");
	uint64_t a = mb_timer_ticks(), b = mb_timer_monotonic_ns();
	CHECK(b >= a && b - a < 1000000, "fallback ticks are CLOCK_MONOTONIC");
	mb_timer_cal = saved;
	CHECK_DONE();
}
