/* compare's readers on any input: a plain-number file or a result document,
 * every metric's sample extraction, then the statistics on what came out,
 * then the whole engine (the two halves of a number file against each
 * other, a result against itself).  No crash, no GSL abort, no read past
 * the end, every sample finite, and the statistics within what they promise
 * (p in [0, 1], df finite, never NaN; no inf or nan in a message).
 * `make fuzz` runs it with tests/fuzz/compare.dict, number forms near the
 * edges of the double range. */
#include "fuzz.h"

#include "report/compare.h"
#include "report/result_read.h"
#include "report/samples.h"
#include "report/stats.h"

#include <gsl/gsl_errno.h>
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
		FUZZ_CHECK(w.p >= MB_STATS_P_FLOOR && w.p <= 1 && !isnan(w.t) && w.df > 0 &&
			   isfinite(w.df));
		FUZZ_CHECK(!w.p_below_floor || w.p == MB_STATS_P_FLOOR);
	}
	size_t un = n > 64 ? 64 : n; /* keep the exact U distribution small */
	struct mb_stats_utest u;
	if (un >= 2 && mb_stats_utest(x, un / 2, x + un / 2, un - un / 2, &u) == 0)
		FUZZ_CHECK(u.p >= 0 && u.p <= 1 && u.u >= 0);
	(void)mb_stats_mad_outliers(x, n);
	(void)mb_stats_n_needed(h.sd, t.sd, t.mean - h.mean, 0.05);
}

static bool has_inf_nan(const char *s)
{
	return strstr(s, "inf") || strstr(s, "nan") || strstr(s, "INF") || strstr(s, "NAN");
}

/* The engine on two sides; numbers says the names are the fixed ones, so
 * warnings hold no text of the input. */
static void check_engine(const char *ta, size_t la, const char *tb, size_t lb, bool numbers)
{
	struct mb_compare c = {0};
	char err[1024];
	struct mb_compare_opts o = {.alpha = 0.05, .utest = true};
	if (mb_compare_side_parse(&c.a, "a", ta, la, err, sizeof err) ||
	    mb_compare_side_parse(&c.b, "b", tb, lb, err, sizeof err) ||
	    mb_compare_run(&c, &o, err, sizeof err)) {
		FUZZ_CHECK(err[0] != '\0');
		mb_compare_free(&c);
		return;
	}
	for (size_t i = 0; i < c.nrows; i++) {
		const struct mb_compare_row *r = &c.rows[i];
		char d[128];
		FUZZ_CHECK(!has_inf_nan(mb_compare_delta_text(r, d, sizeof d)));
		FUZZ_CHECK(!isinf(r->delta_pct));
		if (r->tested)
			FUZZ_CHECK(r->w.p >= 0 && r->w.p <= 1 && isfinite(r->w.df) && !isnan(r->w.t));
		if (r->utested)
			FUZZ_CHECK(r->u.p >= 0 && r->u.p <= 1);
	}
	for (size_t i = 0; numbers && i < c.nwarnings; i++)
		FUZZ_CHECK(!has_inf_nan(c.warnings[i]));
	mb_compare_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	char err[256];
	struct mb_sample_set set = {0};
	/* As the program does: GSL reports underflow as an error. */
	gsl_set_error_handler_off();
	if (!mb_samples_looks_json(text, size)) {
		/* The halves, split after the line that crosses the middle. */
		const char *mid = memchr(text + size / 2, '\n', size - size / 2);
		size_t la = mid ? (size_t)(mid - text) + 1 : size;
		check_engine(text, la, text + la, size - la, true);
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
	check_engine(text, size, text, size, false);
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
