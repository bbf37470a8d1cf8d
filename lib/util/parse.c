#include "util/parse.h"

#include <errno.h>
#include <stdbool.h>
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
	/* A bare "0" needs no unit, as Go's time.ParseDuration has it. */
	if (strcmp(s, "0") == 0) {
		if (!allow_zero)
			return -ERANGE;
		*ns = 0;
		return 0;
	}
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

/* A whole percentage 0..100 at *s; advances *s. */
static int percent(const char **s, unsigned *out)
{
	uint64_t x;
	int rc = digits(s, &x);
	if (rc == -EINVAL)
		return rc;
	if (rc || x > 100)
		return -ERANGE;
	*out = (unsigned)x;
	return 0;
}

/* "name=P,name=P": each name once, percentages 0..100. */
static int parse_named_mix(const char *s, const char *const *names, unsigned n,
			   unsigned *v)
{
	bool seen[64] = {false};
	if (n > 64)
		return -EINVAL;
	for (;;) {
		const char *eq = strchr(s, '=');
		if (!eq)
			return -EINVAL;
		size_t len = (size_t)(eq - s);
		unsigned k = 0;
		while (k < n && !(strlen(names[k]) == len && strncmp(s, names[k], len) == 0))
			k++;
		if (k == n || seen[k])
			return -EINVAL;
		seen[k] = true;
		s = eq + 1;
		int rc = percent(&s, &v[k]);
		if (rc)
			return rc;
		if (*s == '\0')
			return 0;
		if (*s != ',')
			return -EINVAL;
		s++;
	}
}

/* "R:W" or "R:W:D". */
static int parse_short_mix(const char *s, unsigned *v)
{
	int n = 0;
	for (;;) {
		int rc = percent(&s, &v[n++]);
		if (rc)
			return rc;
		if (*s == '\0')
			break;
		if (*s != ':' || n == 3)
			return -EINVAL;
		s++;
	}
	return n < 2 ? -EINVAL : 0;
}

int mb_parse_mix(const char *s, const char *const *names, unsigned n, unsigned *out)
{
	static const struct {
		const char *name;
		unsigned mix[3];
	} presets[] = {
		{"read", {100, 0, 0}},
		{"write", {0, 100, 0}},
		{"mixed", {50, 50, 0}},
	};
	if (n < 3)
		return -EINVAL;
	unsigned v[64] = {0};
	if (n > 64)
		return -EINVAL;
	int rc = -EINVAL;
	for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
		if (strcmp(s, presets[i].name) == 0) {
			memcpy(v, presets[i].mix, sizeof presets[i].mix);
			rc = 0;
		}
	if (rc)
		rc = strchr(s, '=') ? parse_named_mix(s, names, n, v) : parse_short_mix(s, v);
	if (rc)
		return rc;
	unsigned sum = 0;
	for (unsigned k = 0; k < n; k++)
		sum += v[k];
	if (sum != 100)
		return -ERANGE;
	memcpy(out, v, n * sizeof *v);
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

bool mb_parse_is_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
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
