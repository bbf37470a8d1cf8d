/* Key distributions: parsing, and zipf against its exact distribution with
 * a chi-square goodness-of-fit test (fixed seed: the verdict is fixed). */
#include "check.h"

#include "run/keydist.h"
#include "run/rng.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static double chi_square_zipf(double s, uint64_t n, int draws)
{
	struct mb_keydist d;
	char spec[32];
	snprintf(spec, sizeof spec, "zipf:%g", s);
	CHECK(mb_keydist_parse(spec, &d) == 0, "parse %s", spec);
	mb_keydist_prepare(&d, n);
	uint64_t *count = calloc(n + 1, sizeof *count), rng = mb_rng_stream(7, 0);
	for (int i = 0; i < draws; i++) {
		uint64_t k = mb_keydist_zipf(&d, &rng);
		if (k < 1 || k > n) {
			CHECK(0, "rank %llu out of [1, %llu]", (unsigned long long)k,
			      (unsigned long long)n);
			break;
		}
		count[k]++;
	}
	double norm = 0;
	for (uint64_t k = 1; k <= n; k++)
		norm += pow((double)k, -s);
	double chi = 0;
	for (uint64_t k = 1; k <= n; k++) {
		double want = draws * pow((double)k, -s) / norm;
		chi += ((double)count[k] - want) * ((double)count[k] - want) / want;
	}
	free(count);
	return chi;
}

int main(void)
{
	struct mb_keydist d;
	CHECK(mb_keydist_parse("uniform", &d) == 0 && d.kind == MB_DIST_UNIFORM, "uniform");
	CHECK(mb_keydist_parse("sequential", &d) == 0 && d.kind == MB_DIST_SEQUENTIAL, "sequential");
	CHECK(mb_keydist_parse("zipf:0.99", &d) == 0 && d.kind == MB_DIST_ZIPF && d.s == 0.99, "zipf");
	CHECK(mb_keydist_parse("hotspot:0.2:0.8", &d) == 0 && d.hot_fraction == 0.2 &&
	      d.hot_probability == 0.8, "hotspot");
	const char *bad[] = {"", "zipf", "zipf:", "zipf:x", "zipf:1x", "hotspot:0.2",
			     "hotspot:0.2:", "hotspot::0.8", "normal", "zipf:-1"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK(mb_keydist_parse(bad[i], &d) == -EINVAL, "'%s' refused as a form", bad[i]);
	CHECK(mb_keydist_parse("latest", &d) == 0 && d.kind == MB_DIST_LATEST && d.s == 0.99,
	      "latest: YCSB's constant");
	CHECK(mb_keydist_parse("zipf:0", &d) == -ERANGE, "zipf:0 out of range");
	CHECK(mb_keydist_parse("hotspot:1:0.5", &d) == -ERANGE, "F = 1 out of range");
	CHECK(mb_keydist_parse("hotspot:0.5:0", &d) == -ERANGE, "P = 0 out of range");
	char buf[64];
	mb_keydist_parse("hotspot:0.2:0.8", &d);
	mb_keydist_format(&d, buf, sizeof buf);
	CHECK(strcmp(buf, "hotspot:0.2:0.8") == 0, "format %s", buf);

	/* Chi-square over 100 ranks (99 degrees of freedom): the 99.9th
	 * percentile is 148.2.  Exponents below, at and above 1. */
	const double exps[] = {0.5, 0.99, 1.0, 1.2, 2.0};
	for (size_t i = 0; i < sizeof exps / sizeof exps[0]; i++) {
		double chi = chi_square_zipf(exps[i], 100, 1000000);
		CHECK(chi < 148.2, "zipf:%g chi-square %.1f over 99 df", exps[i], chi);
	}
	/* A huge key count costs nothing to prepare and stays in range. */
	mb_keydist_parse("zipf:1.1", &d);
	mb_keydist_prepare(&d, UINT64_C(1) << 40);
	uint64_t rng = 1, top = 0;
	for (int i = 0; i < 100000; i++) {
		uint64_t k = mb_keydist_zipf(&d, &rng);
		top += k == 1;
		if (k < 1 || k > (UINT64_C(1) << 40)) {
			CHECK(0, "rank out of range");
			break;
		}
	}
	CHECK(top > 10000, "rank 1 is the most frequent: %llu of 100000", (unsigned long long)top);
	CHECK_DONE();
}
