/* mb_alloc: the counting allocator every map allocates through, so a run
 * can report what `go test -benchmem` reports: B/op and allocs/op over the
 * timed phase, here also split by what the memory is for.
 *
 * Counts are per thread (no shared cache line on the hot path): a worker
 * reads its own counters before and after the timed phase.  B/op counts
 * allocations only, as Go's does.
 *
 * Live bytes: memory from these functions must be released with mb_free()
 * naming the same category, so that what is held now can be read at any time
 * from any thread (mb_alloc_live), per category.  A live byte is one the
 * allocator holds for the object (malloc_usable_size: size-class rounding
 * included, as Go's heap-in-use counts size classes).  Each thread adds to a
 * slot of its own (single writer, relaxed atomics, no shared cache line); a
 * slot outlives its thread and is reused by the next one, so frees on
 * another thread (RCU callbacks) keep the sum right.  Thread-safe.
 */
#ifndef MB_MEASURE_ALLOC_H
#define MB_MEASURE_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum mb_alloc_cat {
	MB_ALLOC_BUCKETS = 0, /* Go map bucket arrays */
	MB_ALLOC_OVERFLOW,    /* Go map overflow buckets allocated one by one */
	MB_ALLOC_ENTRIES,     /* sync.Map entries */
	MB_ALLOC_VALUES,      /* boxed values (sync.Map's interface{} boxes) */
	MB_ALLOC_READ_MAPS,   /* sync.Map read-only records */
	MB_ALLOC_OTHER,       /* bookkeeping: lists, headers */
	MB_ALLOC_NCATS,
};

/* "buckets", "overflow", "entries", "values", "read_maps", "other". */
const char *mb_alloc_cat_name(enum mb_alloc_cat c);

struct mb_alloc_stats {
	uint64_t allocs[MB_ALLOC_NCATS];
	uint64_t bytes[MB_ALLOC_NCATS];
};

void *mb_malloc(enum mb_alloc_cat c, size_t size);
void *mb_calloc(enum mb_alloc_cat c, size_t n, size_t size);
/* Counted as a new allocation of size bytes (what Go's growslice does). */
void *mb_realloc(enum mb_alloc_cat c, void *p, size_t size);

/* Releases p (NULL is fine), which was allocated in category c. */
void mb_free(enum mb_alloc_cat c, void *p);

/* Large blocks that may be backed by transparent huge pages, as Go's heap
 * is (Go's runtime advises its heap MADV_HUGEPAGE; with THP set to
 * "madvise", memory from malloc gets no huge pages, so every random access
 * to a large array pays a TLB miss that Go's does not).
 *
 * A block of at least MB_ALLOC_HUGE_MIN bytes is a mapping of its own that
 * starts on a huge-page boundary, advised MADV_HUGEPAGE; its live bytes
 * are the mapped length (size rounded up to a page).  A smaller block comes
 * from calloc, as mb_calloc's.  Either way the memory is zeroed (fresh
 * pages) and counted in category c as one allocation of size bytes. */
#define MB_ALLOC_HUGE_PAGE ((size_t)2 << 20)
#define MB_ALLOC_HUGE_MIN MB_ALLOC_HUGE_PAGE

/* Returns the block or NULL; *advised (if not NULL) says whether the
 * kernel took the huge-page advice (false for a small block, or when THP
 * is off or not built in). */
void *mb_alloc_pages(enum mb_alloc_cat c, size_t size, bool *advised);
/* Releases p (NULL is fine) from mb_alloc_pages, given the same size. */
void mb_free_pages(enum mb_alloc_cat c, void *p, size_t size);

/* Bytes of [p, p + size) the kernel backs with huge pages now: the
 * AnonHugePages of the mappings that overlap it, from /proc/self/smaps (so
 * a neighbour merged into the same mapping counts too).  0 when there are
 * none or the file cannot be read.  Slow (reads a /proc file): for reports,
 * not for the op path.  Thread-safe. */
int64_t mb_alloc_huge_resident(const void *p, size_t size);

/* Bytes held now for live objects, per category, over every thread.  Exact
 * when no thread allocates or frees meanwhile; otherwise a sum of recent
 * per-thread values.  Cheap: a few loads per thread that ever allocated. */
struct mb_alloc_live {
	int64_t bytes[MB_ALLOC_NCATS];
};
void mb_alloc_live(struct mb_alloc_live *out);
/* Sum over the categories. */
int64_t mb_alloc_live_total(const struct mb_alloc_live *l);

/* The calling thread's counters so far. */
void mb_alloc_snapshot(struct mb_alloc_stats *out);
/* out = b - a, per category. */
void mb_alloc_diff(const struct mb_alloc_stats *b, const struct mb_alloc_stats *a,
		   struct mb_alloc_stats *out);
/* dst += src, per category. */
void mb_alloc_add(struct mb_alloc_stats *dst, const struct mb_alloc_stats *src);

#endif
