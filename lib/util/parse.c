#include "util/parse.h"

#include <errno.h>
#include <string.h>

/* Whole decimal digits at *s; advances *s.  -EINVAL if there are none. */
static int digits(const char **s, uint64_t *out)
{
	const char *p = *s;
	uint64_t v = 0;
	if (*p < '0' || *p > '9')
		return -EINVAL;
	int overflow = 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			overflow = 1;
		else
			v = v * 10 + d;
	}
	*s = p;
	*out = v;
	return overflow ? -ERANGE : 0;
}

static int scale(uint64_t v, uint64_t mult, uint64_t *out)
{
	if (mult && v > UINT64_MAX / mult)
		return -ERANGE;
	*out = v * mult;
	return 0;
}

int mb_parse_count(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v;
	int rc = digits(&s, &v);
	if (rc == -EINVAL)
		return rc;
	uint64_t mult = 1;
	if (*s == 'k')
		mult = 1000, s++;
	else if (*s == 'M')
		mult = 1000000, s++;
	else if (*s == 'G')
		mult = 1000000000, s++;
	if (*s != '\0')
		return -EINVAL;
	if (rc)
		return rc;
	if (scale(v, mult, &v))
		return -ERANGE;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int mb_parse_duration(const char *s, int allow_zero, uint64_t *ns)
{
	static const struct {
		const char *unit;
		uint64_t ns;
	} units[] = {
		{"ns", 1},
		{"us", 1000},
		{"ms", 1000000},
		{"s", 1000000000},
		{"m", UINT64_C(60000000000)},
		{"h", UINT64_C(3600000000000)},
	};
	uint64_t v;
	int rc = digits(&s, &v);
	if (rc == -EINVAL)
		return rc;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strcmp(s, units[i].unit) != 0)
			continue;
		if (rc || scale(v, units[i].ns, &v))
			return -ERANGE;
		if (v == 0 && !allow_zero)
			return -ERANGE;
		*ns = v;
		return 0;
	}
	return -EINVAL;
}

int mb_parse_mix(const char *s, unsigned out[3])
{
	static const struct {
		const char *name;
		unsigned mix[3];
	} presets[] = {
		{"read", {100, 0, 0}},
		{"write", {0, 100, 0}},
		{"mixed", {50, 50, 0}},
	};
	for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
		if (strcmp(s, presets[i].name) == 0) {
			memcpy(out, presets[i].mix, sizeof presets[i].mix);
			return 0;
		}
	unsigned v[3] = {0, 0, 0};
	int n = 0;
	for (;;) {
		uint64_t x;
		int rc = digits(&s, &x);
		if (rc == -EINVAL)
			return rc;
		if (rc || x > 100)
			return -ERANGE;
		v[n++] = (unsigned)x;
		if (*s == '\0')
			break;
		if (*s != ':' || n == 3)
			return -EINVAL;
		s++;
	}
	if (n < 2)
		return -EINVAL;
	if (v[0] + v[1] + v[2] != 100)
		return -ERANGE;
	memcpy(out, v, sizeof v);
	return 0;
}

int mb_parse_list(char *buf, char **items, size_t max, size_t *n)
{
	size_t count = 0;
	char *p = buf;
	for (;;) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		if (*p == '\0')
			return -EINVAL;
		if (count == max)
			return -ERANGE;
		items[count++] = p;
		if (!comma)
			break;
		p = comma + 1;
	}
	*n = count;
	return 0;
}

int mb_parse_choice(const char *s, const char *const *names, unsigned *out)
{
	for (unsigned i = 0; names[i]; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = i;
			return 0;
		}
	return -EINVAL;
}
