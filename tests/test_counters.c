/* Counters: names resolve through libpfm4, unknown ones are refused, a
 * software event counts on this thread, and an event the machine refuses is
 * reported with its reason instead of failing the rest. */
#include "check.h"

#include "measure/counters.h"

#include <errno.h>
#include <string.h>

int main(void)
{
	const char *names[] = {"task-clock", "page-faults", "cycles"};
	struct mb_counters *c = NULL;
	size_t bad = 99;
	int rc = mb_counters_resolve(names, 3, &c, &bad);
	if (rc == -ENODEV) {
		fprintf(stderr, "libpfm4 cannot start here\n");
		return 77;
	}
	CHECK(rc == 0 && mb_counters_count(c) == 3, "resolve: %d", rc);
	CHECK(strcmp(mb_counters_name(c, 2), "cycles") == 0, "names kept");

	const char *unknown[] = {"task-clock", "no-such-event-anywhere"};
	struct mb_counters *u = NULL;
	CHECK(mb_counters_resolve(unknown, 2, &u, &bad) == -EINVAL && bad == 1 && !u,
	      "an unknown name is refused, and named by index");

	struct mb_counter_group g;
	uint64_t v[3];
	mb_counters_open(c, &g);
	CHECK(g.n == 3, "three events");
	if (g.fd[0] < 0 && (g.err[0] == EACCES || g.err[0] == EPERM || g.err[0] == ENOSYS)) {
		/* perf_event_open refused outright (a container's seccomp,
		 * perf_event_paranoid 3): nothing here can be counted */
		fprintf(stderr, "perf_event_open refused: %s\n", strerror(g.err[0]));
		mb_counters_close(&g);
		mb_counters_free(c);
		return 77;
	}
	CHECK(g.fd[0] >= 0, "task-clock opens: %s", strerror(g.err[0]));
	mb_counters_start(&g);
	volatile uint64_t x = 0;
	for (int i = 0; i < 20000000; i++)
		x += (uint64_t)i;
	mb_counters_stop(&g);
	mb_counters_read(&g, v);
	CHECK(v[0] > 1000000, "task-clock counted %llu ns of a busy loop", (unsigned long long)v[0]);
	/* cycles: counted where there is a PMU; else refused with a reason */
	CHECK((g.fd[2] >= 0 && g.err[2] == 0) || (g.fd[2] < 0 && g.err[2] != 0 && v[2] == 0),
	      "cycles: either counted or refused with a reason");
	mb_counters_close(&g);
	CHECK(g.n == 0, "closed");

	struct mb_counter_group none;
	mb_counters_open(NULL, &none);
	CHECK(none.n == 0, "no counters: nothing opened");
	mb_counters_free(c);
	CHECK_DONE();
}
