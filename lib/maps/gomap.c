/* Go 1.19's runtime map for int64 or string keys and int64 values (inline
 * or as blobs).  See gomap.h.
 *
 * How it works
 * ------------
 * A map is an array of 2^B buckets.  A bucket holds 8 slots: 8 tophash
 * bytes, then the 8 keys, then the 8 values, then a pointer to an overflow
 * bucket, so a bucket is a chain.  One seeded hash per key: its low B bits
 * pick the bucket, its top byte (raised to at least MIN_TOP_HASH) is the
 * slot's tophash, which lets a lookup skip most slots without reading keys.
 * Tophash values below MIN_TOP_HASH mark slot states: EMPTY_REST (this slot
 * and every later one in the chain is empty, so a search may stop),
 * EMPTY_ONE, and the EVACUATED_* marks of an old bucket during growth.
 *
 * Growth.  An insert of a new key that would push the average above 6.5
 * entries per bucket (overLoadFactor), or that finds too many overflow
 * buckets (tooManyOverflowBuckets: sparse chains left by deletes), starts a
 * grow: a new array, twice as large or (overflow case) the same size, is
 * allocated and the old one kept as oldbuckets.  Nothing is copied then.
 *
 * Incremental evacuation.  Every later insert or delete, before it touches
 * bucket b, evacuates the old bucket that b maps to, then old bucket
 * nevacuate: at most two old chains per write.  Evacuating copies each entry
 * to X (same index) or, when doubling, Y (index + old size), chosen by the
 * hash bit of the old size, and marks the old slots EVACUATED_X/Y/EMPTY.
 * nevacuate then skips every old bucket already evacuated (at most 1024 at
 * a time); when it reaches the old size the grow is over and the old array
 * is dropped.  Lookups during a grow read the old bucket if it has not been
 * evacuated yet.  Reads never move anything.
 *
 * Invariants: every old bucket below nevacuate is evacuated; an evacuated
 * old bucket has an EVACUATED_* mark in slot 0; a key lives in exactly one
 * place that a lookup finds (its old bucket until evacuated, then new);
 * noverflow counts overflow buckets of the current array (exactly while
 * B < 16, approximately above).
 *
 * What C adds: Go's garbage collector keeps an old array alive while an
 * iterator or a racing goroutine still holds it.  Here, an array or an
 * overflow bucket that may still be referenced (an iterator is active, or
 * the map is shared by racing threads) goes on a retired list, freed when
 * the last iterator ends (or at destroy when shared).  Each bucket array
 * carries its own B so a reader that races a grow computes its index from
 * the array it actually holds and can never index out of bounds.
 *
 * Go's collector also frees an old array later, off the mutator's path;
 * here the write that ends a grow would pay for it (the munmap of hundreds
 * of MB took milliseconds).  So the plain design hands each finished
 * generation to the reclamation thread (free_off_path: mb_reclaim, one
 * batch queued at once, reported as a `reclaim` pause event); its bytes
 * stay live, and count as retired, until that thread frees them.  And as
 * Go's heap is advised MADV_HUGEPAGE, a large array is a huge-page-aligned
 * mapping with the same advice (mb_alloc_pages), so a random lookup in a
 * table of tens of MB does not pay a TLB miss that Go's does not.
 * The price is Go's too: a new array is mapped, not touched, so the
 * evacuation steps (and inserts) that first write each of its 2 MB pages
 * take the huge-page fault, as Go 1.19's mutator does (its heap memory is
 * advised huge when used and fresh spans are not zeroed).  Faulting the
 * array in ahead, off the op path, would hold it before Go's map does.
 *
 * Two key types, one map
 * ----------------------
 * Go compiles one map implementation for every type (map.go, driven by the
 * type's size and hash function) plus fast paths for 32-bit, 64-bit and
 * string keys (map_fast32.go, map_fast64.go, map_faststr.go) whose bucket
 * layout is the generic one: tophash[8], keys[8], elems[8], overflow.  Here
 * a slot's key is an int64 (144-byte buckets) or a string header {pointer,
 * length} (208-byte buckets, as Go's map[string]int64).  Every function that
 * touches a bucket takes the key type as a bool S; the hot ones are forced
 * inline into a separate entry point per key type (load_i / load_s, ...), so
 * the compiler folds S and the offsets it implies into constants: the int64
 * path compiles to the code it was before strings existed, and the string
 * path compares tophash, then length, then bytes (pointer equality first),
 * as mapaccess1_faststr does.  Growth is shared: the same thresholds, the
 * same evacuation, whatever the key.
 */
#include "maps/gomap.h"

#include "maps/reclaim.h"
#include "measure/alloc.h"
#include "measure/pause.h"

#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#define BUCKET_CNT MB_GOMAP_BUCKET_CNT

/* flags (Go's hmap.flags) */
#define F_ITERATOR 1u       /* there may be an iterator using buckets */
#define F_OLD_ITERATOR 2u   /* there may be an iterator using oldbuckets */
#define F_HASH_WRITING 4u   /* a goroutine is writing to the map */
#define F_SAME_SIZE_GROW 8u /* the current grow is to a map of the same size */

#define ALWAYS_INLINE inline __attribute__((always_inline))
/* The string paths stay out of line: inlined into an entry point, they
 * would make the int64 path save and restore every callee-saved register. */
#define NOINLINE __attribute__((noinline))

/* A string key's slot: Go's stringStruct. */
struct strhdr {
	const char *p;
	size_t len;
};

/* A bucket: tophash[8], then 8 keys (int64 or struct strhdr), 8 values
 * (int64: inline, or a blob's address), the overflow pointer.  Only the
 * head has a C type; the rest is reached through the accessors below, each
 * memory word always through the same type. */
struct bmap {
	uint8_t tophash[BUCKET_CNT];
};

#define KEY_SIZE(S) ((S) ? sizeof(struct strhdr) : sizeof(int64_t))
#define VALS_OFF(S) (BUCKET_CNT + BUCKET_CNT * KEY_SIZE(S))
#define OVF_OFF(S) (VALS_OFF(S) + BUCKET_CNT * sizeof(int64_t))
#define BUCKET_SIZE(S) (OVF_OFF(S) + sizeof(struct bmap *))

static ALWAYS_INLINE int64_t *ikey(struct bmap *b, unsigned i)
{
	return (int64_t *)((char *)b + BUCKET_CNT) + i;
}

static ALWAYS_INLINE struct strhdr *skey(struct bmap *b, unsigned i)
{
	return (struct strhdr *)((char *)b + BUCKET_CNT) + i;
}

static ALWAYS_INLINE int64_t *val_at(struct bmap *b, unsigned i, bool S)
{
	return (int64_t *)((char *)b + VALS_OFF(S)) + i;
}

static ALWAYS_INLINE struct bmap **ovf_at(struct bmap *b, bool S)
{
	return (struct bmap **)((char *)b + OVF_OFF(S));
}

#define OVERFLOW(b, S) (*ovf_at((b), (S)))

/* A bucket array: 2^B buckets followed by the preallocated overflow ones.
 * A large one is its own huge-page-aligned mapping (mb_alloc_pages). */
struct barray {
	uint8_t B;
	bool huge;              /* advised MADV_HUGEPAGE */
	size_t nbuckets;        /* 2^B + preallocated overflow buckets */
	struct barray *retired; /* link in the retired list */
	_Alignas(8) unsigned char data[];
};

static ALWAYS_INLINE struct bmap *bucket_at(const struct barray *a, uint64_t i, bool S)
{
	return (struct bmap *)((unsigned char *)a->data + i * BUCKET_SIZE(S));
}

/* The overflow buckets allocated one by one for one bucket array (Go's
 * hmap.extra.overflow / oldoverflow), so they can be freed with it. */
struct ovflist {
	struct bmap **v;
	size_t n, cap;
};

/* Something retired: an array, or a batch of overflow buckets. */
struct retired {
	struct retired *next;
	struct barray *array;
	struct ovflist ovf;
};

/* An array and its overflow buckets handed to the reclamation thread, to be
 * freed off the op path (free_off_path).  Sizes are kept here: the free
 * runs on another thread and must not read the map, which may be gone. */
struct offpath {
	struct mb_reclaim_head head; /* first: the reclaimer's link */
	struct barray *array;
	size_t array_bytes;
	struct ovflist ovf;
};

struct mb_gomap {
	struct mb_map base; /* first: a *mb_gomap is the `plain` mb_map */
	int64_t count;
	/* hashWriting is the misuse detector.  Shared (threads may race):
	 * writers set it with fetch_or (acquire, pairs with the release
	 * fetch_and of the previous writer) and bail out if it was set.  Not
	 * shared: one thread writes, so a plain load and store (relaxed atomics,
	 * no locked instruction), Go's `h.flags ^= hashWriting`.  Readers look
	 * at it with a relaxed load (a best-effort check, as in Go).  The other
	 * bits are written only by the one writer holding hashWriting, or OR-ed
	 * in by iterators. */
	_Atomic uint8_t flags;
	uint8_t B;
	uint32_t noverflow;
	uint64_t hash0;
	struct barray *buckets;
	struct barray *oldbuckets;
	uint64_t nevacuate;
	struct ovflist overflow, oldoverflow;
	struct bmap *next_overflow; /* next free preallocated overflow bucket */
	struct bmap *overflow_end;  /* one past the last preallocated one */
	uint64_t rng;               /* fastrand analogue: overflow sampling, reseed */
	atomic_uint_fast64_t iter_seq; /* iteration start randomiser */
	atomic_int active_iters;
	struct retired *retired;    /* written by the writer only */
	/* Value blobs (value_size > 0) replaced or deleted while someone may
	 * still read them; freed with the retired list. */
	void **retired_blobs;
	size_t nretired_blobs, capretired_blobs;
	size_t vsize;               /* 0: values inline, else blob bytes */
	bool strkeys;               /* string keys (else int64) */
	bool shared;
	/* Free each retired generation on the reclamation thread rather than
	 * in the write that ends its grow (the plain design, when the writing
	 * thread is online); counted in reclaim until freed. */
	bool free_off_path;
	struct mb_reclaim_counters reclaim;
	enum mb_map_grow_mode grow;
	mb_gomap_grow_fn on_grow;
	void *on_grow_arg;
	/* statistics */
	uint64_t grows, same_size_grows, evacuated;
	/* entries copied by evacuation, for the pause events' moved */
	uint64_t moved;
	uint64_t bucket_bytes;
	uint64_t huge_bytes;        /* of bucket_bytes, in arrays advised huge */
};

/* ---- small helpers ---------------------------------------------------- */

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static ALWAYS_INLINE uint64_t hash_int(const struct mb_gomap *h, int64_t key)
{
	return XXH3_64bits_withSeed(&key, sizeof key, h->hash0);
}

static ALWAYS_INLINE uint64_t hash_str(const struct mb_gomap *h, const char *p, size_t len)
{
	return XXH3_64bits_withSeed(p, len, h->hash0);
}

/* The hash of a key given by the caller. */
static ALWAYS_INLINE uint64_t hash_key(const struct mb_gomap *h, struct mb_key k, bool S)
{
	return S ? hash_str(h, k.str, (size_t)k.len) : hash_int(h, k.i);
}

/* The hash of the key in slot i of b. */
static ALWAYS_INLINE uint64_t hash_slot(const struct mb_gomap *h, struct bmap *b, unsigned i,
					bool S)
{
	return S ? hash_str(h, skey(b, i)->p, skey(b, i)->len) : hash_int(h, *ikey(b, i));
}

/* Does slot i of b hold key k?  (The slot's tophash is the caller's.)
 * Strings: length, then the pointer (the same bytes), then the bytes. */
static ALWAYS_INLINE bool key_eq(struct bmap *b, unsigned i, struct mb_key k, bool S)
{
	if (!S)
		return *ikey(b, i) == k.i;
	const struct strhdr *s = skey(b, i);
	return s->len == (size_t)k.len && (s->p == k.str || memcmp(s->p, k.str, s->len) == 0);
}

/* The key in slot i of b, as the interface carries it. */
static ALWAYS_INLINE struct mb_key slot_key(struct bmap *b, unsigned i, bool S)
{
	if (!S)
		return mb_key_int(*ikey(b, i));
	return mb_key_str(skey(b, i)->p, (int64_t)skey(b, i)->len);
}

static ALWAYS_INLINE void set_key(struct bmap *b, unsigned i, struct mb_key k, bool S)
{
	if (S)
		*skey(b, i) = (struct strhdr){k.str, (size_t)k.len};
	else
		*ikey(b, i) = k.i;
}

static inline uint8_t tophash(uint64_t hash)
{
	uint8_t top = (uint8_t)(hash >> 56);
	if (top < MB_GOMAP_MIN_TOP_HASH)
		top += MB_GOMAP_MIN_TOP_HASH;
	return top;
}

static inline bool is_empty(uint8_t top)
{
	return top <= MB_GOMAP_EMPTY_ONE;
}

static ALWAYS_INLINE bool evacuated(const struct bmap *b)
{
	uint8_t h = b->tophash[0];
	return h > MB_GOMAP_EMPTY_ONE && h < MB_GOMAP_MIN_TOP_HASH;
}

static inline uint64_t bucket_mask(uint8_t B)
{
	return (UINT64_C(1) << B) - 1;
}

bool mb_gomap_over_load_factor(int64_t count, uint8_t B)
{
	return count > BUCKET_CNT &&
	       (uint64_t)count > MB_GOMAP_LOAD_FACTOR_NUM *
		       ((UINT64_C(1) << B) / MB_GOMAP_LOAD_FACTOR_DEN);
}

bool mb_gomap_too_many_overflow(uint32_t noverflow, uint8_t B)
{
	/* "too many" means (approximately) as many overflow buckets as regular
	 * buckets; above 2^15 buckets noverflow is only sampled. */
	if (B > 15)
		B = 15;
	return noverflow >= (UINT32_C(1) << B);
}

static inline bool growing(const struct mb_gomap *h)
{
	return h->oldbuckets != NULL;
}

static inline bool same_size_grow(const struct mb_gomap *h)
{
	return atomic_load_explicit(&h->flags, memory_order_relaxed) & F_SAME_SIZE_GROW;
}

/* ---- memory ------------------------------------------------------------ */

/* makeBucketArray: 2^B buckets, plus 2^(B-4) preallocated overflow buckets
 * for B >= 4 (Go also rounds the allocation up to a malloc size class and
 * uses the slack as more overflow buckets; mapbench does not). */
static struct barray *make_bucket_array(struct mb_gomap *h, uint8_t B)
{
	size_t base = (size_t)1 << B, n = base;
	if (B >= 4)
		n += (size_t)1 << (B - 4);
	size_t bytes = sizeof(struct barray) + n * BUCKET_SIZE(h->strkeys);
	/* Large arrays get huge pages, as Go's heap does: a random lookup in
	 * a table of tens of MB then costs no TLB miss per access. */
	bool huge;
	struct barray *a = mb_alloc_pages(MB_ALLOC_BUCKETS, bytes, &huge);
	if (!a)
		return NULL;
	a->B = B;
	a->huge = huge;
	a->nbuckets = n;
	h->bucket_bytes += bytes;
	if (huge)
		h->huge_bytes += bytes;
	return a;
}

static size_t array_bytes(const struct mb_gomap *h, const struct barray *a)
{
	return sizeof(struct barray) + a->nbuckets * BUCKET_SIZE(h->strkeys);
}

/* The array leaves the map's accounting (freed now or handed off). */
static void forget_array(struct mb_gomap *h, const struct barray *a)
{
	h->bucket_bytes -= array_bytes(h, a);
	if (a->huge)
		h->huge_bytes -= array_bytes(h, a);
}

static void free_array(struct mb_gomap *h, struct barray *a)
{
	if (!a)
		return;
	forget_array(h, a);
	mb_free_pages(MB_ALLOC_BUCKETS, a, array_bytes(h, a));
}

static void free_ovflist(struct mb_gomap *h, struct ovflist *l)
{
	for (size_t i = 0; i < l->n; i++)
		mb_free(MB_ALLOC_OVERFLOW, l->v[i]);
	h->bucket_bytes -= l->n * BUCKET_SIZE(h->strkeys);
	mb_free(MB_ALLOC_OTHER, l->v);
	*l = (struct ovflist){0};
}

static void free_retired(struct mb_gomap *h, struct retired *r)
{
	while (r) {
		struct retired *next = r->next;
		free_array(h, r->array);
		free_ovflist(h, &r->ovf);
		mb_free(MB_ALLOC_OTHER, r);
		r = next;
	}
}

/* On the reclamation thread: free what retire_off_path handed over. */
static void free_off_path_fn(struct mb_reclaim_head *head)
{
	struct offpath *r = (struct offpath *)head;
	mb_free_pages(MB_ALLOC_BUCKETS, r->array, r->array_bytes);
	for (size_t i = 0; i < r->ovf.n; i++)
		mb_free(MB_ALLOC_OVERFLOW, r->ovf.v[i]);
	mb_free(MB_ALLOC_OTHER, r->ovf.v);
	mb_free(MB_ALLOC_OTHER, r);
}

/* Hands a (no longer reachable) generation to the reclamation thread, whose
 * free of hundreds of MB (munmap) would otherwise stall the write that ends
 * the grow for milliseconds; Go's collector frees the old array off the
 * mutator's path too.  The batch is queued at once, and the free reported
 * as a `reclaim` pause event by the runner's observer.  Returns 0, or
 * -ENOMEM (nothing handed over: the caller frees now). */
static int retire_off_path(struct mb_gomap *h, struct barray *a, struct ovflist *ovf)
{
	struct offpath *r = mb_malloc(MB_ALLOC_OTHER, sizeof *r);
	if (!r)
		return -ENOMEM;
	size_t bytes = ovf->n * BUCKET_SIZE(h->strkeys);
	r->array = a;
	r->array_bytes = a ? array_bytes(h, a) : 0;
	r->ovf = *ovf;
	if (a)
		forget_array(h, a);
	h->bucket_bytes -= bytes;
	*ovf = (struct ovflist){0};
	mb_reclaim_retire(&r->head, free_off_path_fn, r->array_bytes + bytes, &h->reclaim);
	mb_reclaim_flush();
	return 0;
}

/* Drop an array and its overflow buckets: now (on the reclamation thread
 * when free_off_path), or later if someone may still be reading them.
 * Returns -ENOMEM only if it cannot even retire. */
static int drop_generation(struct mb_gomap *h, struct barray *a, struct ovflist *ovf)
{
	bool keep = h->shared ||
		    atomic_load_explicit(&h->active_iters, memory_order_acquire) > 0;
	if (!keep) {
		/* Offline threads cannot queue (liburcu's rule), nor can a map
		 * freed on the reclamation thread itself wait for it. */
		if (h->free_off_path && (a || ovf->n) && mb_reclaim_thread_is_online() &&
		    retire_off_path(h, a, ovf) == 0)
			return 0;
		free_array(h, a);
		free_ovflist(h, ovf);
		return 0;
	}
	struct retired *r = mb_malloc(MB_ALLOC_OTHER, sizeof *r);
	if (!r)
		return -ENOMEM;
	r->array = a;
	r->ovf = *ovf;
	*ovf = (struct ovflist){0};
	r->next = h->retired;
	h->retired = r;
	return 0;
}

/* The int64 value a slot holds: inline, or the first word of its blob. */
static inline int64_t slot_value(const struct mb_gomap *h, int64_t raw)
{
	return h->vsize ? mb_map_blob_value((const void *)(intptr_t)raw) : raw;
}

static void free_retired_blobs(struct mb_gomap *h)
{
	for (size_t i = 0; i < h->nretired_blobs; i++)
		mb_free(MB_ALLOC_VALUES, h->retired_blobs[i]);
	h->nretired_blobs = 0;
}

/* A blob that left the map (replaced or deleted): freed now, or kept until
 * no iterator (or, when shared, no racing thread) can still read it. */
static int drop_blob(struct mb_gomap *h, int64_t raw)
{
	void *blob = (void *)(intptr_t)raw;
	bool keep = h->shared ||
		    atomic_load_explicit(&h->active_iters, memory_order_acquire) > 0;
	if (!keep) {
		mb_free(MB_ALLOC_VALUES, blob);
		return 0;
	}
	if (h->nretired_blobs == h->capretired_blobs) {
		size_t cap = h->capretired_blobs ? h->capretired_blobs * 2 : 64;
		void **v = mb_realloc(MB_ALLOC_OTHER, h->retired_blobs, cap * sizeof *v);
		if (!v)
			return -ENOMEM;
		h->retired_blobs = v;
		h->capretired_blobs = cap;
	}
	h->retired_blobs[h->nretired_blobs++] = blob;
	return 0;
}

/* incrnoverflow: exact below 2^16 buckets, then incremented with probability
 * 1/2^(B-15), so that noverflow reaches 2^15 after about 2^B overflow
 * buckets. */
static void incr_noverflow(struct mb_gomap *h)
{
	if (h->B < 16) {
		h->noverflow++;
		return;
	}
	uint64_t mask = (UINT64_C(1) << (h->B - 15)) - 1;
	if ((splitmix(&h->rng) & mask) == 0)
		h->noverflow++;
}

/* newoverflow: a fresh bucket linked after b (a preallocated one if any). */
static struct bmap *new_overflow(struct mb_gomap *h, struct bmap *b)
{
	struct bmap *ovf;
	if (h->next_overflow && h->next_overflow < h->overflow_end) {
		ovf = h->next_overflow;
		h->next_overflow = (struct bmap *)((char *)ovf + BUCKET_SIZE(h->strkeys));
	} else {
		struct ovflist *l = &h->overflow;
		if (l->n == l->cap) {
			size_t cap = l->cap ? l->cap * 2 : 16;
			struct bmap **v = mb_realloc(MB_ALLOC_OTHER, l->v, cap * sizeof *v);
			if (!v)
				return NULL;
			l->v = v;
			l->cap = cap;
		}
		ovf = mb_calloc(MB_ALLOC_OVERFLOW, 1, BUCKET_SIZE(h->strkeys));
		if (!ovf)
			return NULL;
		l->v[l->n++] = ovf;
		h->bucket_bytes += BUCKET_SIZE(h->strkeys);
	}
	incr_noverflow(h);
	OVERFLOW(b, h->strkeys) = ovf;
	return ovf;
}

/* Install a as the current array, with its preallocated overflow buckets. */
static void set_buckets(struct mb_gomap *h, struct barray *a)
{
	size_t base = (size_t)1 << a->B;
	h->buckets = a;
	h->B = a->B;
	h->next_overflow = a->nbuckets > base ? bucket_at(a, base, h->strkeys) : NULL;
	h->overflow_end = a->nbuckets > base ? bucket_at(a, a->nbuckets, h->strkeys) : NULL;
}

/* ---- growth -------------------------------------------------------------- */

static int hash_grow(struct mb_gomap *h)
{
	uint8_t bigger = 1;
	bool same = false;
	if (!mb_gomap_over_load_factor(h->count + 1, h->B)) {
		bigger = 0;
		same = true;
	}
	struct barray *na = make_bucket_array(h, h->B + bigger);
	if (!na)
		return -ENOMEM;
	struct mb_gomap_grow_info info = {
		.old_B = h->B,
		.new_B = h->B + bigger,
		.same_size = same,
		.count = h->count,
		.noverflow = h->noverflow,
	};
	/* Iterators of the current array now iterate the old one. */
	uint8_t f = atomic_load_explicit(&h->flags, memory_order_relaxed);
	uint8_t nf = f & (uint8_t)~(F_ITERATOR | F_OLD_ITERATOR);
	if (f & F_ITERATOR)
		nf |= F_OLD_ITERATOR;
	if (same)
		nf |= F_SAME_SIZE_GROW;
	/* Only this writer changes these bits; iterators only OR theirs in, so
	 * a CAS loop keeps a concurrent iterator's bit. */
	while (!atomic_compare_exchange_weak_explicit(&h->flags, &f, nf,
		       memory_order_relaxed, memory_order_relaxed)) {
		nf = f & (uint8_t)~(F_ITERATOR | F_OLD_ITERATOR);
		if (f & F_ITERATOR)
			nf |= F_OLD_ITERATOR;
		if (same)
			nf |= F_SAME_SIZE_GROW;
	}
	h->oldbuckets = h->buckets;
	set_buckets(h, na);
	h->nevacuate = 0;
	h->noverflow = 0;
	h->oldoverflow = h->overflow;
	h->overflow = (struct ovflist){0};
	if (same)
		h->same_size_grows++;
	else
		h->grows++;
	if (h->on_grow)
		h->on_grow(h->on_grow_arg, &info);
	return 0;
}

/* The grow is over: drop the old array and its overflow buckets. */
static int finish_grow(struct mb_gomap *h)
{
	struct barray *old = h->oldbuckets;
	h->oldbuckets = NULL;
	atomic_fetch_and_explicit(&h->flags, (uint8_t)~F_SAME_SIZE_GROW,
				  memory_order_relaxed);
	return drop_generation(h, old, &h->oldoverflow);
}

static int advance_evacuation_mark(struct mb_gomap *h, uint64_t newbit)
{
	h->nevacuate++;
	/* Look at most 1024 buckets ahead, to keep the work per write bounded. */
	uint64_t stop = h->nevacuate + 1024;
	if (stop > newbit)
		stop = newbit;
	while (h->nevacuate != stop &&
	       evacuated(bucket_at(h->oldbuckets, h->nevacuate, h->strkeys)))
		h->nevacuate++;
	if (h->nevacuate == newbit)
		return finish_grow(h);
	return 0;
}

struct evac_dst {
	struct bmap *b;
	unsigned i;
};

/* evacuate: move old bucket oldbucket's chain to X (and Y when doubling). */
static ALWAYS_INLINE int evacuate_k(struct mb_gomap *h, uint64_t oldbucket, bool S)
{
	struct barray *old = h->oldbuckets;
	struct bmap *b = bucket_at(old, oldbucket, S);
	uint64_t newbit = UINT64_C(1) << old->B; /* the old size */
	if (!evacuated(b)) {
		bool same = same_size_grow(h);
		struct evac_dst xy[2] = {{bucket_at(h->buckets, oldbucket, S), 0}, {NULL, 0}};
		if (!same)
			xy[1].b = bucket_at(h->buckets, oldbucket + newbit, S);
		uint64_t moved = 0;
		for (; b; b = OVERFLOW(b, S)) {
			for (unsigned i = 0; i < BUCKET_CNT; i++) {
				uint8_t top = b->tophash[i];
				if (is_empty(top)) {
					b->tophash[i] = MB_GOMAP_EVACUATED_EMPTY;
					continue;
				}
				moved++;
				unsigned use_y = 0;
				if (!same && (hash_slot(h, b, i, S) & newbit))
					use_y = 1;
				b->tophash[i] = (uint8_t)(MB_GOMAP_EVACUATED_X + use_y);
				struct evac_dst *dst = &xy[use_y];
				if (dst->i == BUCKET_CNT) {
					struct bmap *nb = new_overflow(h, dst->b);
					if (!nb)
						return -ENOMEM;
					dst->b = nb;
					dst->i = 0;
				}
				dst->b->tophash[dst->i] = top;
				if (S)
					*skey(dst->b, dst->i) = *skey(b, i);
				else
					*ikey(dst->b, dst->i) = *ikey(b, i);
				*val_at(dst->b, dst->i, S) = *val_at(b, i, S);
				dst->i++;
			}
		}
		/* Go clears the old keys and values here to help its GC; C has no
		 * GC to help, and iterators may still read the old slots. */
		h->evacuated++;
		h->moved += moved;
	}
	if (oldbucket == h->nevacuate)
		return advance_evacuation_mark(h, newbit);
	return 0;
}

static int evacuate_i(struct mb_gomap *h, uint64_t oldbucket)
{
	return evacuate_k(h, oldbucket, false);
}

static NOINLINE int evacuate_s(struct mb_gomap *h, uint64_t oldbucket)
{
	return evacuate_k(h, oldbucket, true);
}

static int evacuate(struct mb_gomap *h, uint64_t oldbucket)
{
	return h->strkeys ? evacuate_s(h, oldbucket) : evacuate_i(h, oldbucket);
}

/* growWork: evacuate the old bucket the write is about to use, then one more
 * to make progress. */
static int grow_work(struct mb_gomap *h, uint64_t bucket)
{
	uint64_t t0 = mb_pause_begin(), before = h->moved;
	uint64_t oldmask = bucket_mask(h->oldbuckets->B);
	int rc = evacuate(h, bucket & oldmask);
	if (rc == 0 && growing(h))
		rc = evacuate(h, h->nevacuate);
	mb_pause_end_moved(MB_PAUSE_EVACUATE, t0, h->count, (int64_t)(h->moved - before));
	return rc;
}

/* --grow=stw: finish the whole grow inside the write that started it. */
static int grow_all(struct mb_gomap *h)
{
	uint64_t t0 = mb_pause_begin(), before = h->moved;
	int rc = 0;
	while (rc == 0 && growing(h))
		rc = evacuate(h, h->nevacuate);
	mb_pause_end_moved(MB_PAUSE_REHASH, t0, h->count, (int64_t)(h->moved - before));
	return rc;
}

/* ---- the misuse detector ------------------------------------------------- */

/* Returns false if a write is already in progress. */
static inline bool begin_write(struct mb_gomap *h)
{
	if (!h->shared) {
		/* One writing thread: Go's check and XOR, no locked RMW. */
		uint8_t f = atomic_load_explicit(&h->flags, memory_order_relaxed);
		if (f & F_HASH_WRITING)
			return false;
		atomic_store_explicit(&h->flags, f | F_HASH_WRITING, memory_order_relaxed);
		return true;
	}
	uint8_t prev = atomic_fetch_or_explicit(&h->flags, F_HASH_WRITING,
						memory_order_acquire);
	return !(prev & F_HASH_WRITING);
}

/* Returns false if someone cleared hashWriting under us ("concurrent map
 * writes" in Go). */
static inline bool end_write(struct mb_gomap *h)
{
	if (!h->shared) {
		uint8_t f = atomic_load_explicit(&h->flags, memory_order_relaxed);
		if (!(f & F_HASH_WRITING))
			return false;
		atomic_store_explicit(&h->flags, f & (uint8_t)~F_HASH_WRITING,
				      memory_order_relaxed);
		return true;
	}
	uint8_t prev = atomic_fetch_and_explicit(&h->flags, (uint8_t)~F_HASH_WRITING,
						 memory_order_release);
	return prev & F_HASH_WRITING;
}

static inline bool writing(const struct mb_gomap *h)
{
	return atomic_load_explicit(&h->flags, memory_order_relaxed) & F_HASH_WRITING;
}

/* ---- create / destroy ------------------------------------------------------ */

struct mb_gomap *mb_gomap_create(const struct mb_map_config *cfg)
{
	struct mb_map_config def = {0};
	if (!cfg)
		cfg = &def;
	struct mb_gomap *h = mb_calloc(MB_ALLOC_OTHER, 1, sizeof *h);
	if (!h) {
		errno = ENOMEM;
		return NULL;
	}
	h->base.ops = &mb_gomap_ops;
	h->shared = cfg->shared;
	h->grow = cfg->grow;
	h->vsize = cfg->value_size;
	h->strkeys = cfg->key_type == MB_KEY_STRING;
	if (cfg->hash_seed_set) {
		h->hash0 = cfg->hash_seed;
	} else if (getrandom(&h->hash0, sizeof h->hash0, 0) != sizeof h->hash0) {
		/* getrandom cannot fail for 8 bytes once the pool is ready; if
		 * it does, a seed from the clock-less address space is still
		 * unpredictable enough for a benchmark. */
		h->hash0 = (uint64_t)(uintptr_t)h ^ UINT64_C(0x2545f4914f6cdd1d);
	}
	h->rng = h->hash0 ^ UINT64_C(0x6a09e667f3bcc909);
	atomic_init(&h->flags, 0);
	atomic_init(&h->iter_seq, 0);
	atomic_init(&h->active_iters, 0);
	/* makemap: the smallest B that holds the hint without overloading;
	 * buckets are allocated now unless B is 0 (then on first insert). */
	uint8_t B = 0;
	while (cfg->size_hint > 0 && mb_gomap_over_load_factor(cfg->size_hint, B))
		B++;
	h->B = B;
	if (B != 0) {
		struct barray *a = make_bucket_array(h, B);
		if (!a) {
			mb_free(MB_ALLOC_OTHER, h);
			errno = ENOMEM;
			return NULL;
		}
		set_buckets(h, a);
	}
	return h;
}

/* Frees the blobs of the live slots of array a: those holding an entry
 * (an evacuated old slot's entry lives in the new array). */
/* Frees the blobs of the live slots of array a (free_blobs), or counts
 * those whose contents are wrong: the slots holding an entry (an evacuated
 * old slot's entry lives in the new array). */
static int64_t walk_blobs(const struct mb_gomap *h, const struct barray *a, bool free_blobs)
{
	int64_t bad = 0;
	bool S = h->strkeys;
	if (!a)
		return 0;
	for (size_t i = 0; i < ((size_t)1 << a->B); i++)
		for (struct bmap *b = bucket_at(a, i, S); b; b = OVERFLOW(b, S))
			for (unsigned j = 0; j < BUCKET_CNT; j++) {
				if (b->tophash[j] < MB_GOMAP_MIN_TOP_HASH)
					continue;
				void *blob = (void *)(intptr_t)*val_at(b, j, S);
				if (free_blobs)
					mb_free(MB_ALLOC_VALUES, blob);
				else if (!mb_map_blob_check(blob, h->vsize))
					bad++;
			}
	return bad;
}

int64_t mb_gomap_check_values(const struct mb_gomap *h)
{
	if (!h->vsize)
		return 0;
	return walk_blobs(h, h->buckets, false) + walk_blobs(h, h->oldbuckets, false);
}

void mb_gomap_destroy(struct mb_gomap *h)
{
	if (!h)
		return;
	if (h->vsize) {
		walk_blobs(h, h->buckets, true);
		walk_blobs(h, h->oldbuckets, true);
		free_retired_blobs(h);
	}
	mb_free(MB_ALLOC_OTHER, h->retired_blobs);
	free_retired(h, h->retired);
	free_array(h, h->buckets);
	free_array(h, h->oldbuckets);
	free_ovflist(h, &h->overflow);
	free_ovflist(h, &h->oldoverflow);
	/* Generations handed to the reclamation thread are counted in
	 * h->reclaim: wait for their free before the counters go. */
	if (atomic_load_explicit(&h->reclaim.retired_objects, memory_order_relaxed))
		mb_reclaim_barrier();
	mb_free(MB_ALLOC_OTHER, h);
}

void mb_gomap_set_grow_observer(struct mb_gomap *h, mb_gomap_grow_fn fn, void *arg)
{
	h->on_grow = fn;
	h->on_grow_arg = arg;
}

void mb_gomap_set_free_off_path(struct mb_gomap *h, bool on)
{
	h->free_off_path = on;
}

/* ---- lookup ------------------------------------------------------------------ */

/* The bucket chain that holds key's slot, growth taken into account.  Reads
 * each shared pointer once so a racing reader stays within one array. */
static ALWAYS_INLINE struct bmap *find_chain(const struct mb_gomap *h, uint64_t hash, bool S)
{
	const struct barray *a = h->buckets;
	struct bmap *b = bucket_at(a, hash & bucket_mask(a->B), S);
	const struct barray *old = h->oldbuckets;
	if (old) {
		struct bmap *ob = bucket_at(old, hash & bucket_mask(old->B), S);
		if (!evacuated(ob))
			b = ob;
	}
	return b;
}

/* mapaccess without the checks: the slot of key, or NULL.  With one bucket
 * and no grow, no hash (as Go): int keys compare directly, strings by
 * length and bytes.  Otherwise int keys compare directly (map_fast64.go)
 * and strings check the tophash first (map_faststr.go). */
static ALWAYS_INLINE struct bmap *lookup_k(const struct mb_gomap *h, struct mb_key key,
					   unsigned *slot, bool S)
{
	struct bmap *b;
	uint8_t top = 0;
	bool hashed = h->B != 0 || h->oldbuckets;
	if (!hashed) {
		b = bucket_at(h->buckets, 0, S);
	} else {
		uint64_t hash = hash_key(h, key, S);
		top = tophash(hash);
		b = find_chain(h, hash, S);
	}
	for (; b; b = OVERFLOW(b, S))
		for (unsigned i = 0; i < BUCKET_CNT; i++) {
			if (S) {
				if (hashed ? b->tophash[i] != top : is_empty(b->tophash[i]))
					continue;
				if (!key_eq(b, i, key, true))
					continue;
			} else if (*ikey(b, i) != key.i || is_empty(b->tophash[i])) {
				continue;
			}
			*slot = i;
			return b;
		}
	return NULL;
}

static ALWAYS_INLINE int load_k(struct mb_gomap *h, struct mb_key key, int64_t *val, bool S)
{
	if (h->count == 0)
		return 0;
	if (writing(h))
		return MB_MAP_FATAL_READ_WRITE;
	unsigned i;
	struct bmap *b = lookup_k(h, key, &i, S);
	if (!b)
		return 0;
	*val = slot_value(h, *val_at(b, i, S));
	return 1;
}

/* ---- insert ------------------------------------------------------------------ */

/* mapassign: val is the slot's contents (a blob's address when vsize).
 * *old is set to the contents it replaced, if any.  An existing string key
 * keeps the header it was inserted with. */
static ALWAYS_INLINE int assign_k(struct mb_gomap *h, struct mb_key key, int64_t val,
				  int64_t *old, bool *replaced, bool S)
{
	uint64_t hash = hash_key(h, key, S);
	int rc;
	if (!h->buckets) {
		struct barray *a = make_bucket_array(h, h->B);
		if (!a)
			return -ENOMEM;
		set_buckets(h, a);
	}
again:;
	uint64_t bucket = hash & bucket_mask(h->B);
	if (growing(h) && (rc = grow_work(h, bucket)) != 0)
		return rc;
	struct bmap *b = bucket_at(h->buckets, bucket, S);
	uint8_t top = tophash(hash);
	struct bmap *insertb = NULL;
	unsigned inserti = 0;
	for (;;) {
		for (unsigned i = 0; i < BUCKET_CNT; i++) {
			uint8_t t = b->tophash[i];
			if (t != top) {
				if (is_empty(t) && !insertb) {
					insertb = b;
					inserti = i;
				}
				if (t == MB_GOMAP_EMPTY_REST)
					goto not_found;
				continue;
			}
			if (!key_eq(b, i, key, S))
				continue;
			*old = *val_at(b, i, S); /* already present: update */
			*replaced = true;
			*val_at(b, i, S) = val;
			return 0;
		}
		if (!OVERFLOW(b, S))
			break;
		b = OVERFLOW(b, S);
	}
not_found:
	/* A new key.  If it would overload the map, or the chains have grown
	 * too sparse, start growing and try again (the table changes). */
	if (!growing(h) && (mb_gomap_over_load_factor(h->count + 1, h->B) ||
			    mb_gomap_too_many_overflow(h->noverflow, h->B))) {
		uint64_t t0 = mb_pause_begin();
		rc = hash_grow(h);
		/* hashGrow only allocates: evacuation moves the entries */
		mb_pause_end_moved(MB_PAUSE_GROW, t0, h->count, 0);
		if (rc)
			return rc;
		if (h->grow == MB_MAP_GROW_STW && (rc = grow_all(h)) != 0)
			return rc;
		goto again;
	}
	if (!insertb) {
		/* every slot of the chain is full: append an overflow bucket */
		insertb = new_overflow(h, b);
		if (!insertb)
			return -ENOMEM;
		inserti = 0;
	}
	insertb->tophash[inserti] = top;
	set_key(insertb, inserti, key, S);
	*val_at(insertb, inserti, S) = val;
	h->count++;
	return 0;
}

static ALWAYS_INLINE int store_k(struct mb_gomap *h, struct mb_key key, int64_t val, bool S)
{
	int64_t raw = val, old = 0;
	bool replaced = false;
	if (h->vsize) {
		/* Boxed before the map is touched, as Go converts a value to
		 * an interface before mapassign. */
		void *blob = mb_map_blob_new(h->vsize, val);
		if (!blob)
			return -ENOMEM;
		raw = (int64_t)(intptr_t)blob;
	}
	if (!begin_write(h)) {
		if (h->vsize)
			mb_free(MB_ALLOC_VALUES, (void *)(intptr_t)raw);
		return MB_MAP_FATAL_WRITES;
	}
	int rc = assign_k(h, key, raw, &old, &replaced, S);
	if (h->vsize) {
		if (rc < 0)
			mb_free(MB_ALLOC_VALUES, (void *)(intptr_t)raw);
		else if (replaced)
			rc = drop_blob(h, old);
	}
	if (!end_write(h))
		return MB_MAP_FATAL_WRITES;
	return rc;
}

/* ---- delete ------------------------------------------------------------------ */

static ALWAYS_INLINE int remove_k(struct mb_gomap *h, struct mb_key key, bool S)
{
	uint64_t hash = hash_key(h, key, S);
	uint64_t bucket = hash & bucket_mask(h->B);
	uint8_t top = tophash(hash);
	int rc;
	if (growing(h) && (rc = grow_work(h, bucket)) != 0)
		return rc;
	struct bmap *orig = bucket_at(h->buckets, bucket, S);
	for (struct bmap *b = orig; b; b = OVERFLOW(b, S)) {
		for (unsigned i = 0; i < BUCKET_CNT; i++) {
			if (S) {
				if (b->tophash[i] != top || !key_eq(b, i, key, true))
					continue;
			} else if (*ikey(b, i) != key.i || is_empty(b->tophash[i])) {
				continue;
			}
			if (h->vsize && (rc = drop_blob(h, *val_at(b, i, S))) != 0)
				return rc;
			b->tophash[i] = MB_GOMAP_EMPTY_ONE;
			/* If the chain now ends in empty slots, turn that run of
			 * EMPTY_ONE into EMPTY_REST so searches stop early. */
			bool last_used;
			if (i == BUCKET_CNT - 1)
				last_used = !OVERFLOW(b, S) ||
					    OVERFLOW(b, S)->tophash[0] == MB_GOMAP_EMPTY_REST;
			else
				last_used = b->tophash[i + 1] == MB_GOMAP_EMPTY_REST;
			if (last_used) {
				struct bmap *c = b;
				unsigned j = i;
				for (;;) {
					c->tophash[j] = MB_GOMAP_EMPTY_REST;
					if (j == 0) {
						if (c == orig)
							break;
						/* continue at the end of the previous bucket */
						struct bmap *p = orig;
						while (OVERFLOW(p, S) != c)
							p = OVERFLOW(p, S);
						c = p;
						j = BUCKET_CNT - 1;
					} else {
						j--;
					}
					if (c->tophash[j] != MB_GOMAP_EMPTY_ONE)
						break;
				}
			}
			h->count--;
			/* Reset the hash seed to make it more difficult for attackers
			 * to repeatedly trigger hash collisions (Go's reason).  Drawn
			 * from the map's own stream, so a fixed --hash-seed still
			 * gives a reproducible run. */
			if (h->count == 0)
				h->hash0 = splitmix(&h->rng);
			return 1;
		}
	}
	return 0;
}

static ALWAYS_INLINE int delete_k(struct mb_gomap *h, struct mb_key key, bool S)
{
	if (h->count == 0)
		return 0;
	if (!begin_write(h))
		return MB_MAP_FATAL_WRITES;
	int rc = remove_k(h, key, S);
	if (!end_write(h))
		return MB_MAP_FATAL_WRITES;
	return rc;
}

/* ---- entry points: int64 inline, strings out of line ------------------------ */

int mb_gomap_load(struct mb_gomap *h, int64_t key, int64_t *val)
{
	return load_k(h, mb_key_int(key), val, false);
}

int mb_gomap_store(struct mb_gomap *h, int64_t key, int64_t val)
{
	return store_k(h, mb_key_int(key), val, false);
}

int mb_gomap_delete(struct mb_gomap *h, int64_t key)
{
	return delete_k(h, mb_key_int(key), false);
}

static NOINLINE int load_s(struct mb_gomap *h, struct mb_key key, int64_t *val)
{
	return load_k(h, key, val, true);
}

static NOINLINE int store_s(struct mb_gomap *h, struct mb_key key, int64_t val)
{
	return store_k(h, key, val, true);
}

static NOINLINE int delete_s(struct mb_gomap *h, struct mb_key key)
{
	return delete_k(h, key, true);
}

int mb_gomap_load_key(struct mb_gomap *h, struct mb_key key, int64_t *val)
{
	return h->strkeys ? load_s(h, key, val) : load_k(h, key, val, false);
}

int mb_gomap_store_key(struct mb_gomap *h, struct mb_key key, int64_t val)
{
	return h->strkeys ? store_s(h, key, val) : store_k(h, key, val, false);
}

int mb_gomap_delete_key(struct mb_gomap *h, struct mb_key key)
{
	return h->strkeys ? delete_s(h, key) : delete_k(h, key, false);
}

int64_t mb_gomap_len(const struct mb_gomap *h)
{
	return h->count;
}

enum mb_key_type mb_gomap_key_type(const struct mb_gomap *h)
{
	return h->strkeys ? MB_KEY_STRING : MB_KEY_INT;
}

/* ---- sync.Map's operations, the way Go code spells them on a map ---------- */

int mb_gomap_load_or_store(struct mb_gomap *h, struct mb_key key, int64_t val, int64_t *actual)
{
	int rc = mb_gomap_load_key(h, key, actual); /* if v, ok := m[k]; ok { ... } */
	if (rc != 0)
		return rc;
	*actual = val;
	rc = mb_gomap_store_key(h, key, val);       /* m[k] = v */
	return rc < 0 ? rc : 0;
}

int mb_gomap_load_and_delete(struct mb_gomap *h, struct mb_key key, int64_t *val)
{
	int rc = mb_gomap_load_key(h, key, val);
	if (rc != 1)
		return rc;
	rc = mb_gomap_delete_key(h, key);
	return rc < 0 ? rc : 1;
}

int mb_gomap_swap(struct mb_gomap *h, struct mb_key key, int64_t val, int64_t *prev)
{
	int found = mb_gomap_load_key(h, key, prev);
	if (found < 0)
		return found;
	int rc = mb_gomap_store_key(h, key, val);
	return rc < 0 ? rc : found;
}

int mb_gomap_compare_and_swap(struct mb_gomap *h, struct mb_key key, int64_t old, int64_t val)
{
	int64_t cur;
	int rc = mb_gomap_load_key(h, key, &cur);
	if (rc != 1 || cur != old)
		return rc < 0 ? rc : 0;
	rc = mb_gomap_store_key(h, key, val);
	return rc < 0 ? rc : 1;
}

int mb_gomap_compare_and_delete(struct mb_gomap *h, struct mb_key key, int64_t old)
{
	int64_t cur;
	int rc = mb_gomap_load_key(h, key, &cur);
	if (rc != 1 || cur != old)
		return rc < 0 ? rc : 0;
	rc = mb_gomap_delete_key(h, key);
	return rc < 0 ? rc : 1;
}

/* ---- iteration ------------------------------------------------------------------ */

/* The iterator of mapiterinit / mapiternext, driven to the end by range. */
struct iter {
	struct barray *buckets; /* the array when iteration started */
	uint8_t B;
	uint64_t start_bucket, bucket;
	unsigned offset;
	bool wrapped;
};

#define NO_CHECK UINT64_MAX

/* Calls fn for each entry.  Returns 0, or MB_MAP_FATAL_ITER_WRITE if another
 * thread was seen writing. */
static ALWAYS_INLINE int iterate_k(struct mb_gomap *h, mb_map_range_fn fn, void *arg, bool S)
{
	struct iter it = {.buckets = h->buckets, .B = h->B};
	/* One random number picks both the start bucket (low B bits) and the
	 * slot offset (next 3 bits), as fastrand does in Go.  Drawn from the
	 * map's seed and an atomic counter (relaxed: only uniqueness matters),
	 * so concurrent readers may iterate and a fixed seed is reproducible. */
	uint64_t seq = atomic_fetch_add_explicit(&h->iter_seq, 1, memory_order_relaxed);
	uint64_t s = h->hash0 ^ (seq * UINT64_C(0xd1b54a32d192ed03));
	uint64_t r = splitmix(&s);
	it.start_bucket = r & bucket_mask(h->B);
	it.offset = (unsigned)(r >> h->B) & (BUCKET_CNT - 1);
	it.bucket = it.start_bucket;
	/* Tell evacuation that old slots may be read (Go's reason for these
	 * bits); relaxed: the only reader is the writer that clears them, and
	 * memory lifetime is handled by active_iters. */
	atomic_fetch_or_explicit(&h->flags, F_ITERATOR | F_OLD_ITERATOR,
				 memory_order_relaxed);

	struct bmap *b = NULL;
	uint64_t check_bucket = NO_CHECK;
	for (;;) {
		if (writing(h))
			return MB_MAP_FATAL_ITER_WRITE;
		if (!b) {
			if (it.bucket == it.start_bucket && it.wrapped)
				return 0;
			struct barray *old = h->oldbuckets;
			if (old && it.B == h->B) {
				/* Started during this grow and the grow is not done:
				 * if the old bucket is not evacuated yet, read it but
				 * only yield the keys that go to it.bucket. */
				struct bmap *ob = bucket_at(old, it.bucket & bucket_mask(old->B), S);
				if (!evacuated(ob)) {
					b = ob;
					check_bucket = it.bucket;
				} else {
					b = bucket_at(it.buckets, it.bucket, S);
					check_bucket = NO_CHECK;
				}
			} else {
				b = bucket_at(it.buckets, it.bucket, S);
				check_bucket = NO_CHECK;
			}
			it.bucket++;
			if (it.bucket == (UINT64_C(1) << it.B)) {
				it.bucket = 0;
				it.wrapped = true;
			}
		}
		for (unsigned i = 0; i < BUCKET_CNT; i++) {
			unsigned off = (i + it.offset) & (BUCKET_CNT - 1);
			uint8_t top = b->tophash[off];
			if (is_empty(top) || top == MB_GOMAP_EVACUATED_EMPTY)
				continue;
			struct mb_key key = slot_key(b, off, S);
			if (check_bucket != NO_CHECK && !same_size_grow(h) &&
			    (hash_key(h, key, S) & bucket_mask(it.B)) != check_bucket)
				continue; /* belongs to the other half of the grow */
			int64_t val;
			if (top != MB_GOMAP_EVACUATED_X && top != MB_GOMAP_EVACUATED_Y) {
				val = slot_value(h, *val_at(b, off, S));
			} else {
				/* Moved since: the current value (or none if deleted)
				 * is wherever a lookup finds it now. */
				unsigned j;
				struct bmap *cur = h->count ? lookup_k(h, key, &j, S) : NULL;
				if (!cur)
					continue;
				val = slot_value(h, *val_at(cur, j, S));
			}
			if (!fn(key, val, arg))
				return 0;
			if (writing(h))
				return MB_MAP_FATAL_ITER_WRITE;
		}
		b = OVERFLOW(b, S);
	}
}

static int iterate_i(struct mb_gomap *h, mb_map_range_fn fn, void *arg)
{
	return iterate_k(h, fn, arg, false);
}

static NOINLINE int iterate_s(struct mb_gomap *h, mb_map_range_fn fn, void *arg)
{
	return iterate_k(h, fn, arg, true);
}

int mb_gomap_range_key(struct mb_gomap *h, mb_map_range_fn fn, void *arg)
{
	if (h->count == 0)
		return 0;
	/* acq_rel: pairs with drop_generation's acquire load, so a writer that
	 * sees no active iterator frees memory no iterator still reads. */
	atomic_fetch_add_explicit(&h->active_iters, 1, memory_order_acq_rel);
	int rc = h->strkeys ? iterate_s(h, fn, arg) : iterate_i(h, fn, arg);
	if (atomic_fetch_sub_explicit(&h->active_iters, 1, memory_order_acq_rel) == 1 &&
	    !h->shared && h->retired && !writing(h)) {
		/* The last iterator is gone: what growth retired meanwhile can
		 * go.  Only a writer adds to the list, and writers never run
		 * alongside a reader of a non-shared map. */
		struct retired *r = h->retired;
		h->retired = NULL;
		free_retired(h, r);
	}
	if (!h->shared && h->nretired_blobs &&
	    atomic_load_explicit(&h->active_iters, memory_order_acquire) == 0 && !writing(h))
		free_retired_blobs(h);
	return rc;
}

struct int_range {
	mb_gomap_range_fn fn;
	void *arg;
};

static bool int_visit(struct mb_key key, int64_t val, void *arg)
{
	struct int_range *r = arg;
	return r->fn(key.i, val, r->arg);
}

int mb_gomap_range(struct mb_gomap *h, mb_gomap_range_fn fn, void *arg)
{
	struct int_range r = {fn, arg};
	return mb_gomap_range_key(h, int_visit, &r);
}

void mb_gomap_get_stats(const struct mb_gomap *h, struct mb_gomap_stats *st)
{
	*st = (struct mb_gomap_stats){
		.count = h->count,
		.B = h->B,
		.noverflow = h->noverflow,
		.growing = h->oldbuckets != NULL,
		.same_size_growing = h->oldbuckets != NULL && same_size_grow(h),
		.nevacuate = h->nevacuate,
		.grows = h->grows,
		.same_size_grows = h->same_size_grows,
		.evacuated = h->evacuated,
		.hash0 = h->hash0,
		.bucket_bytes = h->bucket_bytes,
		.huge_page_eligible_bytes = h->huge_bytes,
		.retired_pending_bytes = mb_reclaim_pending_bytes(&h->reclaim),
		.reclaimed_bytes = atomic_load_explicit(&h->reclaim.freed_bytes,
							memory_order_relaxed),
		.reclaim_batches = atomic_load_explicit(&h->reclaim.batches,
							memory_order_relaxed),
		.reclaim_free_max_ns = atomic_load_explicit(&h->reclaim.free_ns_max,
							    memory_order_relaxed),
	};
}

int64_t mb_gomap_huge_resident(const struct mb_gomap *h)
{
	int64_t n = 0;
	if (h->buckets && h->buckets->huge)
		n += mb_alloc_huge_resident(h->buckets, array_bytes(h, h->buckets));
	if (h->oldbuckets && h->oldbuckets->huge)
		n += mb_alloc_huge_resident(h->oldbuckets, array_bytes(h, h->oldbuckets));
	return n;
}

/* ---- the `plain` design -------------------------------------------------------- */

static struct mb_map *plain_create(const struct mb_map_config *cfg)
{
	struct mb_gomap *h = mb_gomap_create(cfg);
	if (h)
		mb_gomap_set_free_off_path(h, true);
	return h ? &h->base : NULL;
}

static size_t plain_stats(struct mb_map *m, struct mb_map_stat *out, size_t max)
{
	const struct mb_gomap *h = (const struct mb_gomap *)m;
	struct mb_gomap_stats st;
	mb_gomap_get_stats(h, &st);
	const struct mb_map_stat all[] = {
		{"grows", st.grows},
		{"same_size_grows", st.same_size_grows},
		{"bucket_bytes", st.bucket_bytes},
		{"huge_page_eligible_bytes", st.huge_page_eligible_bytes},
		{"huge_page_bytes", (uint64_t)mb_gomap_huge_resident(h)},
		{"retired_pending_bytes", st.retired_pending_bytes},
		{"reclaimed_bytes", st.reclaimed_bytes},
		{"reclaim_batches", st.reclaim_batches},
		{"reclaim_free_max_ns", st.reclaim_free_max_ns},
	};
	return mb_map_stats_put(out, max, all, sizeof all / sizeof all[0]);
}

static void plain_destroy(struct mb_map *m)
{
	mb_gomap_destroy((struct mb_gomap *)m);
}

static int plain_load(struct mb_map *m, struct mb_key key, int64_t *val)
{
	return mb_gomap_load_key((struct mb_gomap *)m, key, val);
}

static int plain_store(struct mb_map *m, struct mb_key key, int64_t val)
{
	return mb_gomap_store_key((struct mb_gomap *)m, key, val);
}

static int plain_delete(struct mb_map *m, struct mb_key key)
{
	return mb_gomap_delete_key((struct mb_gomap *)m, key);
}

static int64_t plain_len(struct mb_map *m)
{
	return mb_gomap_len((struct mb_gomap *)m);
}

static int plain_range(struct mb_map *m, mb_map_range_fn fn, void *arg)
{
	return mb_gomap_range_key((struct mb_gomap *)m, fn, arg);
}

static int plain_load_or_store(struct mb_map *m, struct mb_key key, int64_t val, int64_t *actual)
{
	return mb_gomap_load_or_store((struct mb_gomap *)m, key, val, actual);
}

static int plain_load_and_delete(struct mb_map *m, struct mb_key key, int64_t *val)
{
	return mb_gomap_load_and_delete((struct mb_gomap *)m, key, val);
}

static int plain_swap(struct mb_map *m, struct mb_key key, int64_t val, int64_t *prev)
{
	return mb_gomap_swap((struct mb_gomap *)m, key, val, prev);
}

static int plain_compare_and_swap(struct mb_map *m, struct mb_key key, int64_t old, int64_t val)
{
	return mb_gomap_compare_and_swap((struct mb_gomap *)m, key, old, val);
}

static int plain_compare_and_delete(struct mb_map *m, struct mb_key key, int64_t old)
{
	return mb_gomap_compare_and_delete((struct mb_gomap *)m, key, old);
}

const struct mb_map_ops mb_gomap_ops = {
	.name = "plain",
	.summary = "Go 1.19 runtime map: no locking; concurrent writers are detected and fatal, as in Go",
	.flags = MB_MAP_F_DETECTS_MISUSE,
	/* 144-byte buckets at 6.5 entries, x1.5 while growing (string keys:
	 * 208-byte buckets, 32 more per entry, added by the runner) */
	.bytes_per_entry = 48,
	.create = plain_create,
	.destroy = plain_destroy,
	.load = plain_load,
	.store = plain_store,
	.delete = plain_delete,
	.len = plain_len,
	.range = plain_range,
	.load_or_store = plain_load_or_store,
	.load_and_delete = plain_load_and_delete,
	.swap = plain_swap,
	.compare_and_swap = plain_compare_and_swap,
	.compare_and_delete = plain_compare_and_delete,
	.thread_online = mb_reclaim_map_thread_online,
	.thread_offline = mb_reclaim_map_thread_offline,
	.stats = plain_stats,
};
