#include "maps/map.h"

#include <stddef.h>

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
