/* mb_parse: strict parsers for command-line and workload values.
 *
 * Each parser takes a whole string and accepts it only if every character
 * is understood: no sign, no spaces, no trailing junk.  It returns 0 and the
 * value, -EINVAL for text that is not of the form (the caller's message says
 * what was expected), or -ERANGE for a well-formed value out of range.
 * Pure functions: safe from any thread; nothing is printed.
 */
#ifndef MB_UTIL_PARSE_H
#define MB_UTIL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A count: decimal digits with an optional suffix k (10^3), M (10^6) or
 * G (10^9): "8", "1k", "1M", "10M".  -ERANGE if the value is below min or
 * above max (or overflows 64 bits). */
int mb_parse_count(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* A duration with a required unit: ns, us, ms, s, m or h ("500ms", "2s",
 * "1m"), or a bare "0" (as Go's time.ParseDuration takes it).  The number
 * is whole.  -ERANGE if 0 when !allow_zero, or if it
 * overflows 64 bits of nanoseconds. */
int mb_parse_duration(const char *s, int allow_zero, uint64_t *ns);

/* The op mix, percentages summing to 100, into out[0..n-1] (the rest 0):
 *   "R:W" or "R:W:D"          the first three kinds (load, store, delete)
 *   "name=P,name=P,..."       by the kinds' names (names[0..n-1]), each once
 *   read, write, mixed        presets 100:0, 0:100, 50:50
 * n must be at least 3. */
int mb_parse_mix(const char *s, const char *const *names, unsigned n, unsigned *out);

/* Splits a comma-separated list into at most max items (pointers into buf,
 * which the call modifies).  -EINVAL for an empty list or an empty item,
 * -ERANGE for more than max items.  *n is the number of items. */
int mb_parse_list(char *buf, char **items, size_t max, size_t *n);

/* True when s is one or more decimal digits and nothing else (no sign,
 * no blank, no suffix): what an index or a plain number must look like. */
bool mb_parse_is_digits(const char *s);

/* A choice among names (NULL-terminated): its index in *out. */
int mb_parse_choice(const char *s, const char *const *names, unsigned *out);

#endif
