/* The workload streams: reproducible, distinct per task, and bounded draws
 * that stay in range and spread evenly. */
#include "check.h"

#include "run/rng.h"

int main(void)
{
	uint64_t a = mb_rng_stream(1, 0), b = mb_rng_stream(1, 0);
	for (int i = 0; i < 1000; i++)
		CHECK(mb_rng_next(&a) == mb_rng_next(&b), "same seed, same stream");
	uint64_t s0 = mb_rng_stream(1, 0), s1 = mb_rng_stream(1, 1), s2 = mb_rng_stream(2, 0);
	CHECK(s0 != s1 && s0 != s2 && s1 != s2, "streams differ by task and by seed");
	uint64_t x = s0, y = s1;
	int same = 0;
	for (int i = 0; i < 1000; i++)
		same += mb_rng_next(&x) == mb_rng_next(&y);
	CHECK(same == 0, "two tasks' streams coincide %d times", same);

	/* Bounded draws: in range, and a chi-square over 10 cells is sane
	 * (99.9th percentile of chi2 with 9 df is 27.9). */
	uint64_t s = mb_rng_stream(42, 7), cells[10] = {0};
	const int n = 1000000;
	for (int i = 0; i < n; i++) {
		uint64_t v = mb_rng_below(mb_rng_next(&s), 10);
		CHECK(v < 10, "draw %llu out of range", (unsigned long long)v);
		if (v < 10)
			cells[v]++;
	}
	double chi = 0;
	for (int i = 0; i < 10; i++) {
		double d = (double)cells[i] - n / 10.0;
		chi += d * d / (n / 10.0);
	}
	CHECK(chi < 27.9, "chi-square %.1f over 10 cells", chi);
	CHECK(mb_rng_below(UINT64_MAX, 5) == 4 && mb_rng_below(0, 5) == 0, "draw bounds");
	CHECK(mb_rng_below(12345, 1) == 0, "a range of one");
	CHECK_DONE();
}
