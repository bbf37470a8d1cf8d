#include "measure/alloc.h"

#include <stdlib.h>

static _Thread_local struct mb_alloc_stats counts;

static const char *const names[MB_ALLOC_NCATS] = {
	"buckets", "overflow", "entries", "values", "read_maps", "other",
};

const char *mb_alloc_cat_name(enum mb_alloc_cat c)
{
	return (unsigned)c < MB_ALLOC_NCATS ? names[c] : "unknown";
}

static void *counted(enum mb_alloc_cat c, void *p, size_t bytes)
{
	if (p) {
		counts.allocs[c]++;
		counts.bytes[c] += bytes;
	}
	return p;
}

void *mb_malloc(enum mb_alloc_cat c, size_t size)
{
	return counted(c, malloc(size), size);
}

void *mb_calloc(enum mb_alloc_cat c, size_t n, size_t size)
{
	return counted(c, calloc(n, size), n * size);
}

void *mb_realloc(enum mb_alloc_cat c, void *p, size_t size)
{
	return counted(c, realloc(p, size), size);
}

void mb_alloc_snapshot(struct mb_alloc_stats *out)
{
	*out = counts;
}

void mb_alloc_diff(const struct mb_alloc_stats *b, const struct mb_alloc_stats *a,
		   struct mb_alloc_stats *out)
{
	for (int c = 0; c < MB_ALLOC_NCATS; c++) {
		out->allocs[c] = b->allocs[c] - a->allocs[c];
		out->bytes[c] = b->bytes[c] - a->bytes[c];
	}
}

void mb_alloc_add(struct mb_alloc_stats *dst, const struct mb_alloc_stats *src)
{
	for (int c = 0; c < MB_ALLOC_NCATS; c++) {
		dst->allocs[c] += src->allocs[c];
		dst->bytes[c] += src->bytes[c];
	}
}
