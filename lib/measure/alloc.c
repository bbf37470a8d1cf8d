#include "measure/alloc.h"

#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static _Thread_local struct mb_alloc_stats counts;

static const char *const names[MB_ALLOC_NCATS] = {
	"buckets", "overflow", "entries", "values", "read_maps", "other",
};

const char *mb_alloc_cat_name(enum mb_alloc_cat c)
{
	return (unsigned)c < MB_ALLOC_NCATS ? names[c] : "unknown";
}

/* ---- live bytes: one slot per running thread ----------------------------
 *
 * Slots form a list that only grows (pushed with a CAS, never unlinked), so
 * a reader walks it without a lock.  A thread takes a free slot, or pushes a
 * new one, on its first allocation or free, and gives it back when it exits
 * (a pthread key's destructor).  Its counts stay in the slot: they are part
 * of the sum whoever allocated them.  Only the owner writes a slot's counts
 * (relaxed load + store, no locked instruction); readers load them relaxed.
 */
struct slot {
	_Atomic int64_t live[MB_ALLOC_NCATS];
	atomic_bool busy;  /* owned by a thread: taken with acquire, given back with release */
	struct slot *next; /* immutable once pushed */
} __attribute__((aligned(64)));

static _Atomic(struct slot *) slots; /* the list's head; release push, acquire walk */

/* ---- huge-page-eligible blocks (instrumented or not: they are about
 * the memory's layout, not its counting) -------------------------------- */

static size_t page_size(void)
{
	long ps = sysconf(_SC_PAGESIZE);
	return ps > 0 ? (size_t)ps : 4096;
}

static size_t mapped_len(size_t size)
{
	size_t ps = page_size();
	return (size + ps - 1) / ps * ps;
}

/* A fresh mapping of mapped_len(size) bytes aligned to a huge page: map a
 * huge page more than needed, then unmap the unaligned head and the tail. */
static void *map_aligned(size_t size, bool *advised)
{
	size_t len = mapped_len(size), extra = MB_ALLOC_HUGE_PAGE;
	unsigned char *raw = mmap(NULL, len + extra, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	uintptr_t a = ((uintptr_t)raw + extra - 1) & ~(uintptr_t)(extra - 1);
	unsigned char *p = (unsigned char *)a;
	if (p > raw)
		munmap(raw, (size_t)(p - raw));
	size_t tail = (size_t)(raw + len + extra - (p + len));
	if (tail)
		munmap(p + len, tail);
#ifdef MADV_HUGEPAGE
	bool ok = madvise(p, len, MADV_HUGEPAGE) == 0;
#else
	bool ok = false;
#endif
	if (advised)
		*advised = ok;
	return p;
}

static void *pages_get(size_t size, bool *advised)
{
	if (advised)
		*advised = false;
	if (size < MB_ALLOC_HUGE_MIN)
		return calloc(1, size);
	return map_aligned(size, advised);
}

static void pages_put(void *p, size_t size)
{
	if (!p)
		return;
	if (size < MB_ALLOC_HUGE_MIN)
		free(p);
	else
		munmap(p, mapped_len(size));
}

int64_t mb_alloc_huge_resident(const void *p, size_t size)
{
	FILE *f = fopen("/proc/self/smaps", "re");
	if (!f)
		return 0;
	uintptr_t lo = (uintptr_t)p, hi = lo + size;
	bool inside = false;
	int64_t total = 0;
	char line[512];
	while (fgets(line, sizeof line, f)) {
		unsigned long start, end, kb;
		/* A mapping's header: "start-end perms offset dev inode path". */
		size_t hex = strspn(line, "0123456789abcdef");
		if (hex > 0 && line[hex] == '-' && sscanf(line, "%lx-%lx ", &start, &end) == 2) {
			inside = start < hi && end > lo;
			continue;
		}
		if (inside && sscanf(line, "AnonHugePages: %lu kB", &kb) == 1)
			total += (int64_t)kb * 1024;
	}
	fclose(f);
	return total;
}

#ifdef MB_NO_INSTRUMENT
/* make bench's baseline: the same calls with nothing counted (the slot list
 * stays empty, so live bytes read 0). */
void *mb_malloc(enum mb_alloc_cat c, size_t size)
{
	(void)c;
	return malloc(size);
}

void *mb_calloc(enum mb_alloc_cat c, size_t n, size_t size)
{
	(void)c;
	return calloc(n, size);
}

void *mb_realloc(enum mb_alloc_cat c, void *p, size_t size)
{
	(void)c;
	return realloc(p, size);
}

void mb_free(enum mb_alloc_cat c, void *p)
{
	(void)c;
	free(p);
}

void *mb_alloc_pages(enum mb_alloc_cat c, size_t size, bool *advised)
{
	(void)c;
	return pages_get(size, advised);
}

void mb_free_pages(enum mb_alloc_cat c, void *p, size_t size)
{
	(void)c;
	pages_put(p, size);
}
#else
static _Thread_local struct slot *mine;
static pthread_key_t slot_key;
static pthread_once_t slot_once = PTHREAD_ONCE_INIT;

static void give_back(void *p)
{
	struct slot *s = p;
	mine = NULL; /* a later destructor that allocates takes a slot anew */
	/* Pairs with the acquire exchange in take_slot: the next owner sees
	 * this thread's last counts before it adds its own. */
	atomic_store_explicit(&s->busy, false, memory_order_release);
}

static void make_key(void)
{
	(void)pthread_key_create(&slot_key, give_back);
}

static struct slot *take_slot(void)
{
	pthread_once(&slot_once, make_key);
	struct slot *s;
	for (s = atomic_load_explicit(&slots, memory_order_acquire); s; s = s->next)
		if (!atomic_load_explicit(&s->busy, memory_order_relaxed) &&
		    !atomic_exchange_explicit(&s->busy, true, memory_order_acquire))
			break;
	if (!s) {
		/* Never freed: the list holds every slot until exit. */
		s = aligned_alloc(64, sizeof *s);
		if (!s)
			return NULL;
		for (int c = 0; c < MB_ALLOC_NCATS; c++)
			atomic_init(&s->live[c], 0);
		atomic_init(&s->busy, true);
		s->next = atomic_load_explicit(&slots, memory_order_relaxed);
		/* Release: a reader that finds s sees it initialised. */
		while (!atomic_compare_exchange_weak_explicit(&slots, &s->next, s,
							     memory_order_release,
							     memory_order_relaxed))
			;
	}
	(void)pthread_setspecific(slot_key, s);
	return s;
}

static void live_add(enum mb_alloc_cat c, int64_t bytes)
{
	if (!mine && !(mine = take_slot()))
		return; /* out of memory for the slot itself: the sum misses this */
	int64_t v = atomic_load_explicit(&mine->live[c], memory_order_relaxed);
	atomic_store_explicit(&mine->live[c], v + bytes, memory_order_relaxed);
}

static void *counted(enum mb_alloc_cat c, void *p, size_t bytes)
{
	if (p) {
		counts.allocs[c]++;
		counts.bytes[c] += bytes;
		live_add(c, (int64_t)malloc_usable_size(p));
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
	size_t old = p ? malloc_usable_size(p) : 0;
	void *q = realloc(p, size);
	if (q && old)
		live_add(c, -(int64_t)old);
	return counted(c, q, size);
}

void mb_free(enum mb_alloc_cat c, void *p)
{
	if (p)
		live_add(c, -(int64_t)malloc_usable_size(p));
	free(p);
}

/* What a block from pages_get holds: as malloc counts it, or the mapping. */
static int64_t pages_held(void *p, size_t size)
{
	return (int64_t)(size < MB_ALLOC_HUGE_MIN ? malloc_usable_size(p) : mapped_len(size));
}

void *mb_alloc_pages(enum mb_alloc_cat c, size_t size, bool *advised)
{
	void *p = pages_get(size, advised);
	if (p) {
		counts.allocs[c]++;
		counts.bytes[c] += size;
		live_add(c, pages_held(p, size));
	}
	return p;
}

void mb_free_pages(enum mb_alloc_cat c, void *p, size_t size)
{
	if (p)
		live_add(c, -pages_held(p, size));
	pages_put(p, size);
}
#endif

void mb_alloc_live(struct mb_alloc_live *out)
{
	for (int c = 0; c < MB_ALLOC_NCATS; c++)
		out->bytes[c] = 0;
	for (struct slot *s = atomic_load_explicit(&slots, memory_order_acquire); s; s = s->next)
		for (int c = 0; c < MB_ALLOC_NCATS; c++)
			out->bytes[c] += atomic_load_explicit(&s->live[c], memory_order_relaxed);
}

int64_t mb_alloc_live_total(const struct mb_alloc_live *l)
{
	int64_t t = 0;
	for (int c = 0; c < MB_ALLOC_NCATS; c++)
		t += l->bytes[c];
	return t;
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
