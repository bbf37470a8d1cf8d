/* Pause logs: the threshold, bounded buffers that count what they drop,
 * merging, ordering, and the heatmap's duration buckets. */
#include "check.h"

#include "measure/pause.h"

#include <string.h>

int main(void)
{
	struct mb_pause_log a, b, all;
	CHECK(mb_pause_log_init(&a, 1000, 50, 0, 3) == 0, "init a");
	CHECK(mb_pause_log_init(&b, 1000, 50, 1, 3) == 0, "init b");
	mb_pause_record(&a, MB_PAUSE_GROW, 1100, 49, 10); /* under the threshold */
	CHECK(a.recorded == 0 && a.n == 0 && a.by_kind[MB_PAUSE_GROW].count == 0,
	      "below the threshold: nothing");
	mb_pause_record(&a, MB_PAUSE_GROW, 1500, 50, 10);
	mb_pause_record(&a, MB_PAUSE_EVACUATE, 1200, 70, 11);
	mb_pause_record(&a, MB_PAUSE_EVACUATE, 1300, 90, 12);
	mb_pause_record(&a, MB_PAUSE_EVACUATE, 1400, 200, 13); /* no room: dropped */
	CHECK(a.n == 3 && a.dropped == 1 && a.recorded == 4, "n %zu dropped %llu", a.n,
	      (unsigned long long)a.dropped);
	CHECK(a.by_kind[MB_PAUSE_EVACUATE].count == 3 &&
	      a.by_kind[MB_PAUSE_EVACUATE].total_ns == 360 &&
	      a.by_kind[MB_PAUSE_EVACUATE].max_ns == 200, "summary counts the dropped one too");
	CHECK(a.events[0].at_ns == 500 && a.events[0].worker == 0 && a.events[0].map_len == 10,
	      "times count from the origin");

	mb_pause_record(&b, MB_PAUSE_LOCK_WAIT, 1050, 60, -1);
	CHECK(mb_pause_log_init(&all, 1000, 50, 0, 10) == 0, "init all");
	mb_pause_merge(&all, &a);
	mb_pause_merge(&all, &b);
	mb_pause_sort(&all);
	CHECK(all.n == 4 && all.dropped == 1 && all.recorded == 5, "merged: n %zu", all.n);
	for (size_t i = 1; i < all.n; i++)
		CHECK(all.events[i - 1].at_ns <= all.events[i].at_ns, "sorted by start");
	CHECK(all.events[0].kind == MB_PAUSE_LOCK_WAIT && all.events[0].worker == 1,
	      "worker 1's early event first");

	/* Merging into a smaller log drops, and says so. */
	struct mb_pause_log small;
	mb_pause_log_init(&small, 0, 0, 0, 2);
	mb_pause_merge(&small, &all);
	CHECK(small.n == 2 && small.dropped == 1 + 2, "small: n %zu dropped %llu", small.n,
	      (unsigned long long)small.dropped);

	/* Threads without a log record nothing and pay no clock read. */
	mb_pause_attach(NULL);
	CHECK(mb_pause_begin() == 0, "no log: no timestamp");
	mb_pause_end(MB_PAUSE_GROW, 0, 0);
	mb_pause_attach(&b);
	uint64_t t0 = mb_pause_begin();
	CHECK(t0 != 0, "with a log: a timestamp");
	mb_pause_end(MB_PAUSE_SLOW_OP, t0 - 1000, -1); /* 1 us ago: over 50 ns */
	CHECK(b.by_kind[MB_PAUSE_SLOW_OP].count == 1, "end records into the attached log");
	mb_pause_attach(NULL);

	/* Events carry the op the runner said was running, -1 outside ops. */
	CHECK(a.events[0].op_index == -1 && b.events[b.n - 1].op_index == -1,
	      "no op set: op_index -1");
	b.op_index = 41;
	mb_pause_record(&b, MB_PAUSE_GROW, 2000, 60, 8);
	mb_pause_record_reclaim(&all, 2000, 60, 5, 1, 16);
	CHECK(b.events[b.n - 1].op_index == 41, "op_index %lld, want 41",
	      (long long)b.events[b.n - 1].op_index);
	CHECK(all.events[all.n - 1].op_index == -1, "reclaim: no op");

	/* moved: what a growth step reports, -1 on every other event */
	CHECK(b.events[b.n - 1].moved == -1 && all.events[all.n - 1].moved == -1,
	      "no count given: moved -1");
	struct mb_pause_log mv;
	CHECK(mb_pause_log_init(&mv, 0, 0, 0, 4) == 0, "init mv");
	mb_pause_record_moved(&mv, MB_PAUSE_SPLIT, 2100, 70, 896, 896);
	CHECK(mv.n == 1 && mv.events[0].moved == 896 && mv.events[0].kind == MB_PAUSE_SPLIT,
	      "record_moved keeps the count");
	mb_pause_attach(&mv);
	mb_pause_end_moved(MB_PAUSE_EVACUATE, mb_pause_now() - 1000, 100, 13);
	mb_pause_end_moved(MB_PAUSE_GROW, 0, 100, 99); /* begun without a log: nothing */
	mb_pause_attach(NULL);
	CHECK(mv.n == 2 && mv.events[1].moved == 13 && mv.events[1].kind == MB_PAUSE_EVACUATE &&
	      mv.events[1].map_len == 100, "end_moved records the count");
	mb_pause_log_free(&mv);

	CHECK(mb_pause_bucket(0) == 0 && mb_pause_bucket(1) == 0 && mb_pause_bucket(2) == 1 &&
	      mb_pause_bucket(1023) == 9 && mb_pause_bucket(1024) == 10, "log2 buckets");
	CHECK(mb_pause_kind_name(MB_PAUSE_DIRTY_COPY)[0] == 'd', "names");
	CHECK(strcmp(mb_pause_kind_name(MB_PAUSE_GC), "gc") == 0 &&
	      strcmp(mb_pause_kind_name(MB_PAUSE_NKINDS), "unknown") == 0, "gc, the last kind");
	mb_pause_log_free(&a);
	mb_pause_log_free(&b);
	mb_pause_log_free(&all);
	mb_pause_log_free(&small);
	CHECK_DONE();
}
