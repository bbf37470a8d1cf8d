/* compare's readers on any input: a plain-number file or a result document,
 * every metric's sample extraction, then the statistics on what came out.
 * No crash, no read past the end, every sample finite, and the statistics
 * within what they promise (p in [0, 1], never NaN). */
#include "fuzz.h"

#include "report/result_read.h"
#include "report/samples.h"
#include "report/stats.h"

#include <math.h>
#include <string.h>

static const char *const metrics[] = {"ops_per_s", "ns_per_op", "p99_ns", "max_ns:load",
				      "bytes_per_op", "pause:grow", "pause:reclaim",
				      "reclaim_per_window", NULL};

static void check_stats(const double *x, size_t n)
{
	struct mb_stats_summary s, h;
	if (n == 0 || mb_stats_summarize(x, n, &s) != 0)
		return;
	FUZZ_CHECK(s.n == n && s.min <= s.median && s.median <= s.max);
	FUZZ_CHECK(isfinite(s.mean) && isfinite(s.sd) && s.sd >= 0);
	/* The two halves against each other, as compare would. */
	size_t half = n / 2;
	if (half == 0 || mb_stats_summarize(x, half, &h) != 0)
		return;
	struct mb_stats_summary t;
	if (mb_stats_summarize(x + half, n - half, &t) != 0)
		return;
	struct mb_stats_welch w;
	if (mb_stats_welch(&h, &t, 0.95, &w) == 0) {
		FUZZ_CHECK(w.p >= 0 && w.p <= 1 && !isnan(w.t) && w.df > 0);
		FUZZ_CHECK(w.p_below_floor == (w.p == MB_STATS_P_FLOOR && w.p < 1e-299));
	}
	size_t un = n > 64 ? 64 : n; /* keep the exact U distribution small */
	struct mb_stats_utest u;
	if (un >= 2 && mb_stats_utest(x, un / 2, x + un / 2, un - un / 2, &u) == 0)
		FUZZ_CHECK(u.p >= 0 && u.p <= 1 && u.u >= 0);
	(void)mb_stats_mad_outliers(x, n);
	(void)mb_stats_n_needed(h.sd, t.sd, t.mean - h.mean, 0.05);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	char err[256];
	struct mb_sample_set set = {0};
	if (!mb_samples_looks_json(text, size)) {
		if (mb_samples_parse_text(text, size, "f", &set, err, sizeof err) == 0) {
			FUZZ_CHECK(set.n == 1 && set.g[0].n > 0);
			for (size_t i = 0; i < set.g[0].n; i++)
				FUZZ_CHECK(isfinite(set.g[0].x[i]));
			check_stats(set.g[0].x, set.g[0].n);
		} else {
			FUZZ_CHECK(err[0] != '\0');
		}
		mb_samples_free(&set);
		return 0;
	}
	json_t *doc = mb_result_parse(text, size, err, sizeof err);
	if (!doc) {
		FUZZ_CHECK(err[0] != '\0');
		return 0;
	}
	for (const char *const *m = metrics; *m; m++) {
		struct mb_metric metric;
		FUZZ_CHECK(mb_samples_metric_parse(*m, &metric, err, sizeof err) == 0);
		if (mb_samples_extract(doc, &metric, &set, err, sizeof err) == 0) {
			for (size_t g = 0; g < set.n; g++) {
				for (size_t i = 0; i < set.g[g].n; i++)
					FUZZ_CHECK(isfinite(set.g[g].x[i]));
				check_stats(set.g[g].x, set.g[g].n);
			}
		}
		mb_samples_free(&set);
	}
	json_decref(doc);
	return 0;
}
