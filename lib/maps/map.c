#include "maps/map.h"

#include "measure/alloc.h"

#include <stddef.h>
#include <string.h>

const char *mb_map_fatal_message(int rc)
{
	switch (rc) {
	case MB_MAP_FATAL_WRITES:
		return "concurrent map writes";
	case MB_MAP_FATAL_READ_WRITE:
		return "concurrent map read and map write";
	case MB_MAP_FATAL_ITER_WRITE:
		return "concurrent map iteration and map write";
	default:
		return NULL;
	}
}

void mb_map_blob_fill(void *p, size_t size, int64_t val)
{
	memcpy(p, &val, sizeof val);
	memset((char *)p + sizeof val, (uint8_t)val ^ 0xa5, size - sizeof val);
}

bool mb_map_blob_check(const void *p, size_t size)
{
	if (size < MB_MAP_VALUE_SIZE_MIN)
		return false;
	uint8_t fill = (uint8_t)mb_map_blob_value(p) ^ 0xa5;
	const uint8_t *b = p;
	for (size_t i = sizeof(int64_t); i < size; i++)
		if (b[i] != fill)
			return false;
	return true;
}

void *mb_map_blob_new(size_t size, int64_t val)
{
	void *p = mb_malloc(MB_ALLOC_VALUES, size);
	if (p)
		mb_map_blob_fill(p, size, val);
	return p;
}

const char *const mb_map_grow_names[] = {"incremental", "stw", NULL};

size_t mb_map_stats_put(struct mb_map_stat *out, size_t max, const struct mb_map_stat *all,
			size_t n)
{
	if (n > max)
		n = max;
	memcpy(out, all, n * sizeof *out);
	return n;
}
