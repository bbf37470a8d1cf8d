/* The counting allocator: per-thread counts by category, diffs and sums. */
#include "check.h"

#include "measure/alloc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static void *other_thread(void *arg)
{
	struct mb_alloc_stats *out = arg;
	free(mb_malloc(MB_ALLOC_VALUES, 100));
	mb_alloc_snapshot(out);
	return NULL;
}

int main(void)
{
	struct mb_alloc_stats a, b, d;
	mb_alloc_snapshot(&a);
	void *p = mb_malloc(MB_ALLOC_ENTRIES, 48);
	void *q = mb_calloc(MB_ALLOC_BUCKETS, 3, 144);
	void *r = mb_realloc(MB_ALLOC_OTHER, NULL, 16);
	r = mb_realloc(MB_ALLOC_OTHER, r, 32);
	mb_alloc_snapshot(&b);
	mb_alloc_diff(&b, &a, &d);
	CHECK(d.allocs[MB_ALLOC_ENTRIES] == 1 && d.bytes[MB_ALLOC_ENTRIES] == 48, "malloc");
	CHECK(d.allocs[MB_ALLOC_BUCKETS] == 1 && d.bytes[MB_ALLOC_BUCKETS] == 432, "calloc");
	CHECK(d.allocs[MB_ALLOC_OTHER] == 2 && d.bytes[MB_ALLOC_OTHER] == 48,
	      "realloc counts each new size");
	CHECK(d.allocs[MB_ALLOC_VALUES] == 0, "untouched category");
	CHECK(((char *)q)[431] == 0, "calloc zeroes");
	free(p);
	free(q);
	free(r);

	/* Another thread's allocations are its own. */
	struct mb_alloc_stats t, before, after;
	mb_alloc_snapshot(&before);
	pthread_t th;
	pthread_create(&th, NULL, other_thread, &t);
	pthread_join(th, NULL);
	mb_alloc_snapshot(&after);
	mb_alloc_diff(&after, &before, &d);
	CHECK(d.allocs[MB_ALLOC_VALUES] == 0 && t.allocs[MB_ALLOC_VALUES] == 1 &&
	      t.bytes[MB_ALLOC_VALUES] == 100, "per-thread counts");
	struct mb_alloc_stats sum;
	memset(&sum, 0, sizeof sum);
	mb_alloc_add(&sum, &t);
	mb_alloc_add(&sum, &t);
	CHECK(sum.bytes[MB_ALLOC_VALUES] == 200, "sum");
	CHECK(strcmp(mb_alloc_cat_name(MB_ALLOC_READ_MAPS), "read_maps") == 0, "names");
	CHECK_DONE();
}
