/* mb_counters: hardware and software event counters, named as libpfm4 names
 * them (cycles, instructions, task-clock, perf::PERF_COUNT_SW_PAGE_FAULTS, a
 * PMU's own events...), encoded with libpfm4 and counted with
 * perf_event_open on each worker thread during the timed phase only.
 *
 * Where the kernel or a VM refuses an event (no PMU, perf_event_paranoid),
 * the event is "not supported" with the reason, and the rest go on.
 *
 * Threads: resolve once (any thread); each worker opens, starts, stops,
 * reads and closes its own group.  Nothing is printed.
 */
#ifndef MB_MEASURE_COUNTERS_H
#define MB_MEASURE_COUNTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MB_COUNTERS_MAX 16

/* The events to count, resolved: opaque. */
struct mb_counters;

/* One thread's open events. */
struct mb_counter_group {
	size_t n;
	int fd[MB_COUNTERS_MAX];  /* -1 when the event could not be opened */
	int err[MB_COUNTERS_MAX]; /* errno of the failed open, else 0 */
};

/* Resolves n names (n <= MB_COUNTERS_MAX).  Returns 0; -EINVAL for a name
 * libpfm4 does not know (*bad = its index); -ENODEV if libpfm4 cannot start;
 * -ENOMEM. */
int mb_counters_resolve(const char *const *names, size_t n, struct mb_counters **out,
			size_t *bad);
void mb_counters_free(struct mb_counters *c);
size_t mb_counters_count(const struct mb_counters *c);
const char *mb_counters_name(const struct mb_counters *c, size_t i);

/* Opens every event for the calling thread, disabled. */
void mb_counters_open(const struct mb_counters *c, struct mb_counter_group *g);
void mb_counters_start(struct mb_counter_group *g);
void mb_counters_stop(struct mb_counter_group *g);
/* values[i] = event i's count (scaled if the kernel multiplexed it), or 0
 * if it is not open. */
void mb_counters_read(struct mb_counter_group *g, uint64_t *values);
void mb_counters_close(struct mb_counter_group *g);

/* Calls fn for every event of every PMU libpfm4 finds on this machine, with
 * its full name and whether it opens here (for `mapbench list events`).
 * Returns 0 or -ENODEV. */
int mb_counters_list(void (*fn)(const char *name, const char *desc, bool opens, void *arg),
		     void *arg);

#endif
