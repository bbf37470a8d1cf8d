/* The counting allocator: per-thread counts by category, diffs and sums. */
#include "check.h"

#include "measure/alloc.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *free_elsewhere(void *arg)
{
	mb_free(MB_ALLOC_ENTRIES, arg);
	return NULL;
}

/* Live bytes go up with allocations and down with frees, whichever thread
 * frees, and stay right when threads come and go (slots are reused). */
static void check_live(void)
{
	struct mb_alloc_live a, b;
	mb_alloc_live(&a);
	void *p = mb_malloc(MB_ALLOC_ENTRIES, 1000);
	void *q = mb_calloc(MB_ALLOC_BUCKETS, 10, 100);
	mb_alloc_live(&b);
	int64_t de = b.bytes[MB_ALLOC_ENTRIES] - a.bytes[MB_ALLOC_ENTRIES];
	int64_t db = b.bytes[MB_ALLOC_BUCKETS] - a.bytes[MB_ALLOC_BUCKETS];
	/* usable sizes: at least what was asked, at most a size class more */
	CHECK(de >= 1000 && de < 1100, "entries live +%lld", (long long)de);
	CHECK(db >= 1000 && db < 1100, "buckets live +%lld", (long long)db);
	CHECK(mb_alloc_live_total(&b) - mb_alloc_live_total(&a) == de + db, "total");

	void *r = mb_realloc(MB_ALLOC_OTHER, NULL, 16);
	r = mb_realloc(MB_ALLOC_OTHER, r, 4000);
	mb_alloc_live(&b);
	int64_t dr = b.bytes[MB_ALLOC_OTHER] - a.bytes[MB_ALLOC_OTHER];
	CHECK(dr >= 4000 && dr < 4200, "realloc moves the live bytes: +%lld", (long long)dr);
	mb_free(MB_ALLOC_OTHER, r);
	mb_free(MB_ALLOC_BUCKETS, q);
	mb_free(MB_ALLOC_OTHER, NULL);

	for (int i = 0; i < 20; i++) { /* threads come and go */
		pthread_t th;
		void *x = mb_malloc(MB_ALLOC_ENTRIES, 64);
		pthread_create(&th, NULL, free_elsewhere, x);
		pthread_join(th, NULL);
	}
	pthread_t th;
	pthread_create(&th, NULL, free_elsewhere, p);
	pthread_join(th, NULL);
	mb_alloc_live(&b);
	for (int c = 0; c < MB_ALLOC_NCATS; c++)
		CHECK(b.bytes[c] == a.bytes[c], "%s: %lld bytes left live", mb_alloc_cat_name(c),
		      (long long)(b.bytes[c] - a.bytes[c]));
}

/* Blocks for huge pages: a large one is its own mapping on a 2 MiB
 * boundary, zeroed, counted as its page-rounded length while live; a small
 * one is calloc's.  Both are counted as one allocation of the size asked. */
static void check_pages(void)
{
	struct mb_alloc_live a, b;
	struct mb_alloc_stats s0, s1, d;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t big = MB_ALLOC_HUGE_MIN + 3 * page + 5, small = 1000;
	mb_alloc_live(&a);
	mb_alloc_snapshot(&s0);
	bool advised = true;
	unsigned char *p = mb_alloc_pages(MB_ALLOC_BUCKETS, small, &advised);
	CHECK(p && !advised, "a small block is not advised");
	bool big_advised;
	unsigned char *q = mb_alloc_pages(MB_ALLOC_BUCKETS, big, &big_advised);
	CHECK(q && (uintptr_t)q % MB_ALLOC_HUGE_PAGE == 0, "a large block starts on a huge page");
	CHECK(q[0] == 0 && q[big / 2] == 0 && q[big - 1] == 0 && p[small - 1] == 0, "zeroed");
	for (size_t i = 0; i < big; i += page)
		q[i] = 1; /* touch it all: the kernel may back it with huge pages now */
	q[big - 1] = 1;
	mb_alloc_snapshot(&s1);
	mb_alloc_diff(&s1, &s0, &d);
	CHECK(d.allocs[MB_ALLOC_BUCKETS] == 2 && d.bytes[MB_ALLOC_BUCKETS] == big + small,
	      "counted as asked: %llu bytes", (unsigned long long)d.bytes[MB_ALLOC_BUCKETS]);
	mb_alloc_live(&b);
	int64_t held = b.bytes[MB_ALLOC_BUCKETS] - a.bytes[MB_ALLOC_BUCKETS];
	int64_t mapped = (int64_t)((big + page - 1) / page * page);
	CHECK(held >= mapped + (int64_t)small && held < mapped + (int64_t)small + 100,
	      "live: the mapping's length plus the small block's usable size (%lld)",
	      (long long)held);
	/* Huge pages backing it: whole huge pages, never more than the
	 * mapping holds (none at all when the advice was refused). */
	int64_t huge = mb_alloc_huge_resident(q, big);
	CHECK(huge >= 0 && huge % (int64_t)MB_ALLOC_HUGE_PAGE == 0 && huge <= mapped &&
	      (big_advised || huge == 0), "huge-page bytes %lld", (long long)huge);
	CHECK(mb_alloc_huge_resident(NULL, 0) == 0, "an empty range has none");
	mb_free_pages(MB_ALLOC_BUCKETS, p, small);
	mb_free_pages(MB_ALLOC_BUCKETS, q, big);
	mb_free_pages(MB_ALLOC_BUCKETS, NULL, big);
	mb_alloc_live(&b);
	CHECK(b.bytes[MB_ALLOC_BUCKETS] == a.bytes[MB_ALLOC_BUCKETS], "all back: %lld",
	      (long long)(b.bytes[MB_ALLOC_BUCKETS] - a.bytes[MB_ALLOC_BUCKETS]));
}

static void *other_thread(void *arg)
{
	struct mb_alloc_stats *out = arg;
	mb_free(MB_ALLOC_VALUES, mb_malloc(MB_ALLOC_VALUES, 100));
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
	mb_free(MB_ALLOC_ENTRIES, p);
	mb_free(MB_ALLOC_BUCKETS, q);
	mb_free(MB_ALLOC_OTHER, r);

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
	check_live();
	check_pages();
	CHECK_DONE();
}
