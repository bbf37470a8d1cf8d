#include "measure/alloc.h"

#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

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
