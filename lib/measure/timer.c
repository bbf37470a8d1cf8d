#include "measure/timer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mb_timer_calibration mb_timer_cal;
static bool initialised;

/* constant_tsc and nonstop_tsc among the flags of /proc/cpuinfo: the TSC
 * ticks at a fixed rate through frequency changes and idle states. */
static bool invariant_tsc(void)
{
#if defined(__x86_64__)
	FILE *f = fopen("/proc/cpuinfo", "r");
	if (!f)
		return false;
	char line[8192];
	bool constant = false, nonstop = false;
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, "flags", 5) != 0)
			continue;
		constant = strstr(line, " constant_tsc") != NULL;
		nonstop = strstr(line, " nonstop_tsc") != NULL;
		break;
	}
	fclose(f);
	return constant && nonstop;
#else
	return false;
#endif
}

/* TSC ticks per ns over ~20 ms of CLOCK_MONOTONIC, each end bracketed so
 * that the clock read and the TSC read are close together. */
static double measure_rate(uint64_t *ticks_at, uint64_t *ns_at)
{
#if defined(__x86_64__)
	uint64_t t0 = __rdtsc(), n0 = mb_timer_monotonic_ns(), t0b = __rdtsc();
	uint64_t n1;
	do
		n1 = mb_timer_monotonic_ns();
	while (n1 - n0 < 20000000);
	uint64_t t1 = __rdtsc();
	*ticks_at = t0 + (t0b - t0) / 2;
	*ns_at = n0;
	return (double)(t1 - *ticks_at) / (double)(n1 - n0);
#else
	(void)ticks_at;
	(void)ns_at;
	return 0;
#endif
}

void mb_timer_init(void)
{
	if (initialised)
		return;
	initialised = true;
	const char *env = getenv("MAPBENCH_TIMER");
	if ((env && strcmp(env, "clock") == 0) || !invariant_tsc())
		return;
	uint64_t ticks, ns;
	double rate = measure_rate(&ticks, &ns);
	if (!(rate > 0.01 && rate < 100)) /* 10 MHz .. 100 GHz: else not a usable TSC */
		return;
	mb_timer_cal.ticks_per_ns = rate;
	mb_timer_cal.mult = (uint64_t)((double)(1u << MB_TIMER_SHIFT) / rate + 0.5);
	mb_timer_cal.base_ticks = ticks;
	mb_timer_cal.base_ns = ns;
	mb_timer_cal.tsc = true;
}

const char *mb_timer_source(void)
{
	return mb_timer_cal.tsc ? "tsc" : "clock_gettime";
}
