/* The strict parsers: what they accept, and every way they refuse. */
#include "check.h"

#include "util/parse.h"

#include <errno.h>
#include <string.h>

static void count_ok(const char *s, uint64_t want)
{
	uint64_t v = 0;
	int rc = mb_parse_count(s, 0, UINT64_MAX, &v);
	CHECK(rc == 0 && v == want, "count '%s': rc %d value %llu", s, rc,
	      (unsigned long long)v);
}

static void count_bad(const char *s, uint64_t min, uint64_t max, int want)
{
	uint64_t v = 12345;
	int rc = mb_parse_count(s, min, max, &v);
	CHECK(rc == want && v == 12345, "count '%s': rc %d, want %d", s, rc, want);
}

static void duration_ok(const char *s, uint64_t want)
{
	uint64_t v = 0;
	int rc = mb_parse_duration(s, 0, &v);
	CHECK(rc == 0 && v == want, "duration '%s': rc %d value %llu", s, rc,
	      (unsigned long long)v);
}

static void duration_bad(const char *s, int want)
{
	uint64_t v = 0;
	int rc = mb_parse_duration(s, 0, &v);
	CHECK(rc == want, "duration '%s': rc %d, want %d", s, rc, want);
}

static const char *const kinds[] = {"load", "store", "delete", "load_or_store",
				    "range", NULL};

static void mix_ok(const char *s, unsigned l, unsigned st, unsigned d)
{
	unsigned m[5] = {9, 9, 9, 9, 9};
	int rc = mb_parse_mix(s, kinds, 5, m);
	CHECK(rc == 0 && m[0] == l && m[1] == st && m[2] == d && m[3] == 0 && m[4] == 0,
	      "mix '%s': rc %d %u:%u:%u", s, rc, m[0], m[1], m[2]);
}

static void mix_bad(const char *s, int want)
{
	unsigned m[5] = {9, 9, 9, 9, 9};
	int rc = mb_parse_mix(s, kinds, 5, m);
	CHECK(rc == want && m[0] == 9, "mix '%s': rc %d, want %d", s, rc, want);
}

int main(void)
{
	CHECK(mb_parse_is_digits("0") && mb_parse_is_digits("0123456789"), "digits");
	CHECK(!mb_parse_is_digits("") && !mb_parse_is_digits("-1") && !mb_parse_is_digits("+1") &&
	      !mb_parse_is_digits("1k") && !mb_parse_is_digits(" 1") && !mb_parse_is_digits("1 "),
	      "not only digits");
	count_ok("0", 0);
	count_ok("8", 8);
	count_ok("1k", 1000);
	count_ok("1M", 1000000);
	count_ok("10M", 10000000);
	count_ok("3G", 3000000000ULL);
	count_ok("18446744073709551615", UINT64_MAX);
	count_bad("", 0, 100, -EINVAL);
	count_bad("-1", 0, 100, -EINVAL);
	count_bad("+1", 0, 100, -EINVAL);
	count_bad(" 1", 0, 100, -EINVAL);
	count_bad("1 ", 0, 100, -EINVAL);
	count_bad("1x", 0, 100, -EINVAL);
	count_bad("1kk", 0, UINT64_MAX, -EINVAL);
	count_bad("1.5k", 0, UINT64_MAX, -EINVAL);
	count_bad("k", 0, 100, -EINVAL);
	count_bad("0x10", 0, 100, -EINVAL);
	count_bad("18446744073709551616", 0, UINT64_MAX, -ERANGE);
	count_bad("20000000000G", 0, UINT64_MAX, -ERANGE);
	count_bad("0", 1, 100, -ERANGE);
	count_bad("101", 1, 100, -ERANGE);
	count_bad("1k", 1, 999, -ERANGE);

	duration_ok("1ns", 1);
	duration_ok("5us", 5000);
	duration_ok("500ms", 500000000);
	duration_ok("2s", 2000000000);
	duration_ok("1m", 60000000000ULL);
	duration_ok("1h", 3600000000000ULL);
	duration_bad("10", -EINVAL);
	duration_bad("s", -EINVAL);
	duration_bad("1sec", -EINVAL);
	duration_bad("1.5s", -EINVAL);
	duration_bad("-1s", -EINVAL);
	duration_bad("1S", -EINVAL);
	duration_bad("0s", -ERANGE);
	duration_bad("99999999999h", -ERANGE);
	uint64_t z = 7;
	CHECK(mb_parse_duration("0ms", 1, &z) == 0 && z == 0, "zero allowed when asked");
	/* a bare 0 needs no unit (Go's time.ParseDuration), only where zero is
	 * allowed; other bare numbers still need one */
	z = 7;
	CHECK(mb_parse_duration("0", 1, &z) == 0 && z == 0, "bare 0");
	duration_bad("0", -ERANGE);
	duration_bad("00", -EINVAL);
	duration_bad("1", -EINVAL);

	mix_ok("90:10", 90, 10, 0);
	mix_ok("80:10:10", 80, 10, 10);
	mix_ok("0:100", 0, 100, 0);
	mix_ok("0:0:100", 0, 0, 100);
	mix_ok("read", 100, 0, 0);
	mix_ok("write", 0, 100, 0);
	mix_ok("mixed", 50, 50, 0);
	mix_bad("90:20", -ERANGE);
	mix_bad("101:0", -ERANGE);
	mix_bad("90", -EINVAL);
	mix_bad("", -EINVAL);
	mix_bad("50:50:0:0", -EINVAL);
	mix_bad("50::50", -EINVAL);
	mix_bad("50:50:", -EINVAL);
	mix_bad("-10:110", -EINVAL);
	mix_bad("reads", -EINVAL);
	mix_ok("load=80,store=15,delete=5", 80, 15, 5);
	mix_ok("store=100", 0, 100, 0);
	unsigned m5[5];
	CHECK(mb_parse_mix("load=80,load_or_store=10,range=10", kinds, 5, m5) == 0 &&
	      m5[0] == 80 && m5[3] == 10 && m5[4] == 10 && m5[1] == 0, "named kinds");
	mix_bad("load=80,store=10", -ERANGE);
	mix_bad("load=80,load=20", -EINVAL);
	mix_bad("lod=100", -EINVAL);
	mix_bad("load=100,", -EINVAL);
	mix_bad("load=,store=100", -EINVAL);
	mix_bad("load=101", -ERANGE);
	mix_bad("load=50:store=50", -EINVAL);
	mix_bad("=100", -EINVAL);

	char buf[64];
	char *items[4];
	size_t n = 0;
	strcpy(buf, "a,bb,c");
	CHECK(mb_parse_list(buf, items, 4, &n) == 0 && n == 3 && strcmp(items[1], "bb") == 0,
	      "list of three");
	strcpy(buf, "one");
	CHECK(mb_parse_list(buf, items, 4, &n) == 0 && n == 1, "list of one");
	const char *bad[] = {"", ",", "a,", ",a", "a,,b"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		strcpy(buf, bad[i]);
		CHECK(mb_parse_list(buf, items, 4, &n) == -EINVAL, "list '%s' refused", bad[i]);
	}
	strcpy(buf, "a,b,c,d,e");
	CHECK(mb_parse_list(buf, items, 4, &n) == -ERANGE, "too many items refused");

	const char *const names[] = {"table", "json", NULL};
	unsigned c = 9;
	CHECK(mb_parse_choice("json", names, &c) == 0 && c == 1, "choice json");
	CHECK(mb_parse_choice("JSON", names, &c) == -EINVAL, "choice is case-sensitive");
	CHECK(mb_parse_choice("", names, &c) == -EINVAL, "empty choice");
	CHECK_DONE();
}
