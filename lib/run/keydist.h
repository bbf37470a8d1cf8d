/* mb_keydist: how a task picks the key of each op in [0, keys).
 *
 *   uniform        every key alike (the default)
 *   zipf:S         key k (from 0) drawn with probability ~ 1/(k+1)^S, S > 0,
 *                  by rejection-inversion (Hormann & Derflinger 1996): O(1)
 *                  per draw, no table, any key count
 *   sequential     each task walks its own slice of the key space in order
 *   hotspot:F:P    the first fraction F of the keys get fraction P of the ops
 *   latest         YCSB's: writes insert the next new key (a counter shared
 *                  by all tasks, from the prefill on, wrapping at the key
 *                  space); other ops read keys zipf-distributed (S = 0.99)
 *                  by how recently they were inserted
 *
 * Draws use the task's own stream, so a run stays reproducible from its
 * seed.  A parsed distribution is read-only: share it between threads.
 */
#ifndef MB_RUN_KEYDIST_H
#define MB_RUN_KEYDIST_H

#include <stdint.h>

enum mb_dist_kind {
	MB_DIST_UNIFORM = 0,
	MB_DIST_ZIPF,
	MB_DIST_SEQUENTIAL,
	MB_DIST_HOTSPOT,
	MB_DIST_LATEST,
};

struct mb_keydist {
	enum mb_dist_kind kind;
	double s;                /* zipf exponent */
	double hot_fraction;     /* hotspot F */
	double hot_probability;  /* hotspot P */
	/* zipf constants for a key count, set by mb_keydist_prepare */
	uint64_t n;
	double h_x1, h_n, s_val;
};

/* Parses "uniform", "zipf:S", "sequential", "hotspot:F:P", "latest".  Returns 0 or
 * -EINVAL (form) / -ERANGE (S <= 0 or > 100, F or P outside (0, 1)). */
int mb_keydist_parse(const char *s, struct mb_keydist *d);

/* Fixes the key count (n >= 1) and precomputes what draws need. */
void mb_keydist_prepare(struct mb_keydist *d, uint64_t n);

/* A zipf rank in [1, n] from the stream *rng (one draw, more on the rare
 * rejection). */
uint64_t mb_keydist_zipf(const struct mb_keydist *d, uint64_t *rng);

/* Writes the distribution back in its --dist form. */
void mb_keydist_format(const struct mb_keydist *d, char *buf, unsigned long size);

#endif
