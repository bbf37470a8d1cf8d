/* The time series: windows grow as time goes, merge window by window, and
 * coarse percentiles stay within one bucket (1/16) of the truth. */
#include "check.h"

#include "run/timeseries.h"

#include <string.h>

int main(void)
{
	struct mb_timeseries a, b;
	mb_ts_init(&a, 1000);
	mb_ts_init(&b, 1000);
	struct mb_ts_window *w = mb_ts_window_at(&a, 2500);
	CHECK(w && a.n == 3 && w == &a.w[2], "t=2500 is window 2 of 3");
	w->ops[0] += 10;
	for (uint64_t v = 1; v <= 1000; v++)
		mb_ts_record_latency(w, v * 100); /* 100 ns .. 100 us */
	uint64_t p50 = mb_ts_percentile(w, 50), p99 = mb_ts_percentile(w, 99);
	CHECK(p50 >= 50000 && p50 <= 50000 + 50000 / 16 + 1, "p50 %llu", (unsigned long long)p50);
	CHECK(p99 >= 99000 && p99 <= 99000 + 99000 / 16 + 1, "p99 %llu", (unsigned long long)p99);
	CHECK(mb_ts_percentile(&a.w[0], 50) == 0, "an empty window");

	w = mb_ts_window_at(&b, 100);
	w->ops[1] += 5;
	mb_ts_record_latency(w, 7);
	mb_ts_window_at(&b, 4999)->ops[0] += 1;
	CHECK(mb_ts_merge(&a, &b) == 0 && a.n == 5, "merged into %zu windows", a.n);
	CHECK(a.w[0].ops[1] == 5 && a.w[2].ops[0] == 10 && a.w[4].ops[0] == 1, "ops merged");
	CHECK(a.w[0].lat_count == 1 && mb_ts_percentile(&a.w[0], 100) == 7, "small values exact");

	/* far beyond the range: clamped into the last bucket, not lost */
	mb_ts_record_latency(&a.w[1], UINT64_MAX);
	CHECK(a.w[1].lat_count == 1 && mb_ts_percentile(&a.w[1], 50) > (UINT64_C(1) << 41),
	      "clamped");
	/* live bytes: a window keeps its latest sample; merging keeps the later */
	struct mb_alloc_live l1 = {{1, 2}}, l2 = {{3, 4}}, l3 = {{5, 6}};
	mb_ts_record_live(&a.w[3], 3500, &l2);
	mb_ts_record_live(&a.w[3], 3100, &l1);
	CHECK(a.w[3].live_at == 3501 && a.w[3].live.bytes[1] == 4, "the later sample stays");
	mb_ts_record_live(&b.w[3], 3900, &l3);
	mb_ts_record_live(&b.w[4], 4000, &l1);
	CHECK(mb_ts_merge(&a, &b) == 0, "merge");
	CHECK(a.w[3].live.bytes[0] == 5 && a.w[4].live.bytes[0] == 1 && a.w[0].live_at == 0,
	      "merged samples");
	mb_ts_free(&a);
	mb_ts_free(&b);
	CHECK(a.n == 0 && !a.w, "freed");
	/* Past MB_TS_MAX_WINDOWS windows the series keeps nothing more and
	 * says so; a merge carries the mark. */
	struct mb_timeseries big, sum;
	mb_ts_init(&big, 1000);
	mb_ts_init(&sum, 1000);
	CHECK(mb_ts_window_at(&big, (uint64_t)(MB_TS_MAX_WINDOWS - 1) * 1000 + 999) != NULL,
	      "the last window");
	CHECK(!big.truncated && big.n == MB_TS_MAX_WINDOWS, "not truncated yet: %zu", big.n);
	CHECK(mb_ts_window_at(&big, (uint64_t)MB_TS_MAX_WINDOWS * 1000) == NULL && big.truncated,
	      "one past: none, truncated");
	CHECK(mb_ts_window_at(&big, UINT64_MAX) == NULL && big.n == MB_TS_MAX_WINDOWS,
	      "far past: no growth");
	CHECK(mb_ts_merge(&sum, &big) == 0 && sum.truncated, "merge keeps the mark");
	mb_ts_free(&big);
	mb_ts_free(&sum);
	CHECK_DONE();
}
