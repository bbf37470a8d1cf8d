/* Go 1.19's sync.Map.  See syncmap.h.
 *
 * How it works
 * ------------
 * read points at an immutable record {m, amended}.  m maps keys to entries;
 * amended says dirty holds keys m lacks.  Loads, and stores to keys already
 * in m, work on m's entries with atomics and take no lock.  Everything else
 * takes mu and works on dirty, a map holding every live key (the entries of
 * m that are not expunged, plus new keys), which exists only while amended.
 *
 * An entry's p is a value box, NULL (deleted: the key may still be in
 * dirty), or EXPUNGED (deleted, and dirty was built without it).  A store to
 * an EXPUNGED entry must first put it back into dirty, so only the slow path
 * under mu may un-expunge.
 *
 * Each load that misses m while amended counts a miss; when misses reach
 * len(dirty), dirty becomes m of a new record (amended false) and dirty is
 * dropped: a pointer swap.  The next store of a new key rebuilds dirty
 * (dirtyLocked): every entry of m is copied, except those whose p is NULL,
 * which are expunged instead.  With a stream of new keys this O(len) copy
 * under mu follows every promotion: sync.Map's known pathology, measured in
 * the stats.
 *
 * What C adds: reclamation
 * ------------------------
 * Every op runs in an RCU read-side section.  Retired, freed after a grace
 * period: a replaced or deleted value box; a read record replaced by
 * another (its map too, when the new record does not share it); an entry
 * deleted from dirty by LoadAndDelete while absent from m (no map holds it
 * any more).  The remaining case is an entry expunged while record R is
 * current: it stays in R's map and leaves every map when R's map is
 * replaced by promotion, unless a store un-expunged it meanwhile.  So each
 * expunged entry is listed by R's map generation and stamped with the
 * generation's number; when that map's record is retired, its callback frees each listed
 * entry still EXPUNGED and still stamped with that generation (re-read
 * around the check, so an un-expunge and a later re-expunge in another
 * generation cannot be mistaken for it).  Such an entry is unreachable: it
 * is in no map but the retired one.  Entries on an older generation's list
 * may have been re-listed by a younger one; the callbacks run in queue
 * order (one call_rcu worker), so the older generation checks before the
 * younger frees.
 */
#include "maps/syncmap.h"

#include "maps/gomap.h"
#include "maps/reclaim.h"
#include "measure/alloc.h"
#include "measure/timer.h"
#include "measure/pause.h"

#include <errno.h>
#include <stddef.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A value box: Go's interface{} data word.  With value_size N the box's
 * payload is the N-byte value blob (map.h), v being its first word. */
struct box {
	struct mb_reclaim_head head; /* first: retired through it */
	int64_t v;
};

struct entry {
	struct mb_reclaim_head head;
	/* Value box, NULL or EXPUNGED.  Stores are release (a reader that
	 * sees the box sees its value); loads acquire. */
	_Atomic(struct box *) p;
	/* Generation it was expunged in, 0 when not expunged.  seq_cst: the
	 * generation callback's double-check relies on a single order. */
	atomic_uint_fast64_t expunged_gen;
};

/* A generation of the read map: one Go map and the entries expunged while
 * it was current.  Shared by the records that show that map. */
struct generation {
	struct mb_gomap *m; /* key -> (int64_t)(intptr_t)entry */
	uint64_t gen;
	/* Entries expunged in this generation (under mu).  An array, not a
	 * link in the entry: an entry un-expunged and expunged again in a
	 * later generation is on two lists until the older one is checked. */
	struct entry **expunged;
	size_t nexpunged, capexpunged;
};

struct readonly {
	struct mb_reclaim_head head;
	struct generation *g;
	bool amended;
	bool last; /* retiring this record retires its generation */
};

struct mb_syncmap {
	struct mb_map base; /* first: a *mb_syncmap is the `sync` mb_map */
	struct mb_lock mu; /* --lock's mutex (lib/lock/policy.h) */
	/* Published with release stores under mu; loaded with acquire (a
	 * reader that sees a record sees its map fully built). */
	_Atomic(struct readonly *) read;
	struct mb_gomap *dirty; /* under mu */
	int64_t misses;         /* under mu */
	uint64_t next_gen;      /* under mu */
	struct mb_map_config cfg; /* for the inner maps: value_size 0 */
	size_t box_bytes;         /* a box with its payload */
	size_t vsize;             /* value blob bytes, 0 for a bare int64 */
	struct mb_reclaim_counters reclaim;
	/* statistics, under mu */
	uint64_t promotions, rebuilds, rebuild_entries, rebuild_max_ns;
	uint64_t rebuild_total_ns, promotion_misses;
};

/* The EXPUNGED sentinel: an address no box can have. */
static struct box expunged_box;
#define EXPUNGED (&expunged_box)

/* ---- memory ----------------------------------------------------------- */

static void free_box(struct mb_reclaim_head *h)
{
	mb_free(MB_ALLOC_VALUES, h);
}

static void free_entry(struct mb_reclaim_head *h)
{
	mb_free(MB_ALLOC_ENTRIES, h);
}

/* Filled before it is published (the release CAS or exchange that stores
 * it pairs with the acquire loads of readers). */
static struct box *new_box(struct mb_syncmap *m, int64_t v)
{
	struct box *b = mb_malloc(MB_ALLOC_VALUES, m->box_bytes);
	if (!b)
		return NULL;
	if (m->vsize)
		mb_map_blob_fill(&b->v, m->vsize, v);
	else
		b->v = v;
	return b;
}

static void retire_box(struct mb_syncmap *m, struct box *b)
{
	if (b && b != EXPUNGED)
		mb_reclaim_retire(&b->head, free_box, m->box_bytes, &m->reclaim);
}

static void retire_entry(struct mb_syncmap *m, struct entry *e)
{
	mb_reclaim_retire(&e->head, free_entry, sizeof *e, &m->reclaim);
}

static struct entry *new_entry(struct box *b)
{
	struct entry *e = mb_malloc(MB_ALLOC_ENTRIES, sizeof *e);
	if (!e)
		return NULL;
	atomic_init(&e->p, b);
	atomic_init(&e->expunged_gen, 0);
	return e;
}

static struct generation *new_generation(struct mb_syncmap *m, struct mb_gomap *map)
{
	struct generation *g = mb_malloc(MB_ALLOC_READ_MAPS, sizeof *g);
	if (!g)
		return NULL;
	g->m = map;
	g->gen = ++m->next_gen;
	g->expunged = NULL;
	g->nexpunged = g->capexpunged = 0;
	return g;
}

/* After a grace period: the record, and if it was the last to show its
 * generation, the generation's map and its entries that nobody can reach. */
static void free_readonly(struct mb_reclaim_head *h)
{
	struct readonly *r = (struct readonly *)h;
	struct generation *g = r->g;
	if (r->last) {
		for (size_t i = 0; i < g->nexpunged; i++) {
			struct entry *e = g->expunged[i];
			bool stale = atomic_load(&e->expunged_gen) == g->gen &&
				     atomic_load(&e->p) == EXPUNGED &&
				     atomic_load(&e->expunged_gen) == g->gen;
			if (stale)
				mb_free(MB_ALLOC_ENTRIES, e);
		}
		mb_gomap_destroy(g->m);
		mb_free(MB_ALLOC_OTHER, g->expunged);
		mb_free(MB_ALLOC_READ_MAPS, g);
	}
	mb_free(MB_ALLOC_READ_MAPS, r);
}

/* Publish a new record for generation g; retire the current one.  Called
 * with mu held. */
static int publish(struct mb_syncmap *m, struct generation *g, bool amended)
{
	struct readonly *r = mb_malloc(MB_ALLOC_READ_MAPS, sizeof *r);
	if (!r)
		return -ENOMEM;
	r->g = g;
	r->amended = amended;
	r->last = false;
	struct readonly *old = atomic_load_explicit(&m->read, memory_order_relaxed);
	/* release: pairs with the acquire loads in every op */
	atomic_store_explicit(&m->read, r, memory_order_release);
	if (old) {
		old->last = old->g != g;
		/* now, not batched: generation callbacks must run in order */
		mb_reclaim_retire_now(&old->head, free_readonly, sizeof *old, &m->reclaim);
	}
	return 0;
}

/* ---- entries (lock-free parts) ------------------------------------------- */

static inline struct entry *find(struct mb_gomap *map, struct mb_key key)
{
	int64_t v;
	return mb_gomap_load_key(map, key, &v) == 1 ? (struct entry *)(intptr_t)v : NULL;
}

static inline struct readonly *load_read(struct mb_syncmap *m)
{
	return atomic_load_explicit(&m->read, memory_order_acquire);
}

/* entry.load */
static int entry_load(struct entry *e, int64_t *val)
{
	struct box *p = atomic_load_explicit(&e->p, memory_order_acquire);
	if (!p || p == EXPUNGED)
		return 0;
	*val = p->v;
	return 1;
}

/* tryStore/trySwap: replace the box unless the entry is expunged.  Returns
 * false if expunged; else *prev is the box it replaced (may be NULL). */
static bool try_swap(struct entry *e, struct box *b, struct box **prev)
{
	struct box *p = atomic_load_explicit(&e->p, memory_order_acquire);
	for (;;) {
		if (p == EXPUNGED)
			return false;
		/* acq_rel: release publishes b's value, acquire gets p's */
		if (atomic_compare_exchange_weak_explicit(&e->p, &p, b, memory_order_acq_rel,
							  memory_order_acquire)) {
			*prev = p;
			return true;
		}
	}
}

/* unexpungeLocked: true if e was expunged (so it must go back into dirty). */
static bool unexpunge_locked(struct entry *e)
{
	struct box *p = EXPUNGED;
	if (!atomic_compare_exchange_strong(&e->p, &p, NULL))
		return false;
	atomic_store(&e->expunged_gen, 0);
	return true;
}

/* tryLoadOrStore: 1 loaded (*actual), 0 stored b, -1 expunged (try the
 * locked path).  *used says whether b was taken. */
static int try_load_or_store(struct entry *e, struct box *b, int64_t *actual, bool *used)
{
	*used = false;
	struct box *p = atomic_load_explicit(&e->p, memory_order_acquire);
	for (;;) {
		if (p == EXPUNGED)
			return -1;
		if (p) {
			*actual = p->v;
			return 1;
		}
		if (atomic_compare_exchange_weak_explicit(&e->p, &p, b, memory_order_acq_rel,
							  memory_order_acquire)) {
			*used = true;
			*actual = b->v;
			return 0;
		}
	}
}

/* entry.delete: the box it removed, or NULL if there was none. */
static struct box *entry_delete(struct entry *e)
{
	struct box *p = atomic_load_explicit(&e->p, memory_order_acquire);
	for (;;) {
		if (!p || p == EXPUNGED)
			return NULL;
		if (atomic_compare_exchange_weak_explicit(&e->p, &p, NULL, memory_order_acq_rel,
							  memory_order_acquire))
			return p;
	}
}

/* tryCompareAndSwap: 1 swapped (b used, *prev replaced), 0 not. */
static int try_compare_and_swap(struct entry *e, int64_t old, struct box *b, struct box **prev)
{
	struct box *p = atomic_load_explicit(&e->p, memory_order_acquire);
	for (;;) {
		if (!p || p == EXPUNGED || p->v != old)
			return 0;
		if (atomic_compare_exchange_weak_explicit(&e->p, &p, b, memory_order_acq_rel,
							  memory_order_acquire)) {
			*prev = p;
			return 1;
		}
	}
}

/* ---- the locked parts ------------------------------------------------------ */

static int dirty_put(struct mb_syncmap *m, struct mb_key key, struct entry *e)
{
	int rc = mb_gomap_store_key(m->dirty, key, (int64_t)(intptr_t)e);
	return rc < 0 ? rc : 0;
}

/* missLocked: count a miss; promote dirty once misses reach len(dirty). */
static int miss_locked(struct mb_syncmap *m)
{
	m->misses++;
	if (m->misses < mb_gomap_len(m->dirty))
		return 0;
	uint64_t t0 = mb_pause_begin();
	struct generation *g = new_generation(m, m->dirty);
	if (!g)
		return -ENOMEM;
	int rc = publish(m, g, false);
	if (rc) {
		mb_free(MB_ALLOC_READ_MAPS, g);
		return rc;
	}
	m->promotions++;
	m->promotion_misses += (uint64_t)m->misses;
	mb_pause_end(MB_PAUSE_PROMOTE, t0, mb_gomap_len(m->dirty));
	m->dirty = NULL;
	m->misses = 0;
	return 0;
}

struct rebuild {
	struct mb_syncmap *m;
	struct generation *g;
	int rc;
	uint64_t copied;
};

/* tryExpungeLocked, then copy the survivors into dirty. */
static bool rebuild_visit(struct mb_key key, int64_t val, void *arg)
{
	struct rebuild *rb = arg;
	struct entry *e = (struct entry *)(intptr_t)val;
	struct box *p = atomic_load(&e->p);
	struct generation *g = rb->g;
	if (!p && g->nexpunged == g->capexpunged) {
		size_t cap = g->capexpunged ? g->capexpunged * 2 : 64;
		struct entry **v = mb_realloc(MB_ALLOC_OTHER, g->expunged, cap * sizeof *v);
		if (!v) {
			rb->rc = -ENOMEM;
			return false;
		}
		g->expunged = v;
		g->capexpunged = cap;
	}
	while (!p) {
		if (atomic_compare_exchange_weak(&e->p, &p, EXPUNGED)) {
			atomic_store(&e->expunged_gen, g->gen);
			g->expunged[g->nexpunged++] = e;
			return true;
		}
	}
	if (p == EXPUNGED)
		return true;
	rb->rc = dirty_put(rb->m, key, e);
	rb->copied++;
	return rb->rc == 0;
}

/* dirtyLocked: make dirty a copy of read's live entries, if there is none. */
static int dirty_locked(struct mb_syncmap *m)
{
	if (m->dirty)
		return 0;
	uint64_t t0 = mb_timer_monotonic_ns();
	struct readonly *r = load_read(m);
	struct mb_map_config cfg = m->cfg;
	cfg.size_hint = mb_gomap_len(r->g->m);
	m->dirty = mb_gomap_create(&cfg);
	if (!m->dirty)
		return -ENOMEM;
	struct rebuild rb = {.m = m, .g = r->g};
	int rc = mb_gomap_range_key(r->g->m, rebuild_visit, &rb);
	uint64_t ns = mb_timer_monotonic_ns() - t0;
	if (mb_pause_current())
		mb_pause_record(mb_pause_current(), MB_PAUSE_DIRTY_COPY, t0, ns,
				mb_gomap_len(r->g->m));
	m->rebuilds++;
	m->rebuild_entries += rb.copied;
	m->rebuild_total_ns += ns;
	if (ns > m->rebuild_max_ns)
		m->rebuild_max_ns = ns;
	return rc < 0 ? rc : rb.rc;
}

/* A new key under mu: rebuild dirty if needed (and mark read amended), then
 * insert a fresh entry holding b. */
static int add_new_locked(struct mb_syncmap *m, struct readonly *r, struct mb_key key, struct box *b)
{
	if (!r->amended) {
		int rc = dirty_locked(m);
		if (!rc)
			rc = publish(m, r->g, true);
		if (rc)
			return rc;
	}
	struct entry *e = new_entry(b);
	if (!e)
		return -ENOMEM;
	int rc = dirty_put(m, key, e);
	if (rc)
		mb_free(MB_ALLOC_ENTRIES, e);
	return rc;
}

/* ---- operations ---------------------------------------------------------------- */

/* Load's lookup: the read map, else (amended) the read map again and then
 * dirty under mu, counting a miss.  In a read section; *ep may be NULL.
 * With unlinked (LoadAndDelete), a key found only in dirty is also deleted
 * from dirty and its entry, now in no map, returned there for retiring.
 * Returns 0 or a negative error. */
static int find_counting_miss(struct mb_syncmap *m, struct mb_key key, struct entry **ep,
			      struct entry **unlinked)
{
	int err = 0;
	struct readonly *r = load_read(m);
	struct entry *e = find(r->g->m, key);
	if (!e && r->amended) {
		/* A task that parks leaves the RCU section with its caller and
		 * runs the op again from the start. */
		if (mb_lock_write(&m->mu)) {
			*ep = NULL;
			return MB_MAP_PARKED;
		}
		/* Avoid a spurious miss if dirty got promoted while we waited. */
		r = load_read(m);
		e = find(r->g->m, key);
		if (!e && r->amended) {
			e = find(m->dirty, key);
			if (e && unlinked) {
				int rc = mb_gomap_delete_key(m->dirty, key);
				if (rc < 0)
					err = rc;
				*unlinked = e;
			}
			/* Whether or not the key was there, count a miss: this key
			 * takes the slow path until dirty is promoted. */
			int rc = miss_locked(m);
			if (rc)
				err = rc;
		}
		mb_lock_write_unlock(&m->mu);
	}
	*ep = e;
	return err;
}

int mb_syncmap_load(struct mb_syncmap *m, struct mb_key key, int64_t *val)
{
	struct entry *e;
	int rc = 0;
	mb_reclaim_read_lock();
	int err = find_counting_miss(m, key, &e, NULL);
	if (e)
		rc = entry_load(e, val);
	mb_reclaim_read_unlock();
	return err ? err : rc;
}

int mb_syncmap_swap(struct mb_syncmap *m, struct mb_key key, int64_t val, int64_t *prev)
{
	struct box *b = new_box(m, val), *old = NULL;
	if (!b)
		return -ENOMEM;
	int rc = 0;
	mb_reclaim_read_lock();
	struct readonly *r = load_read(m);
	struct entry *e = find(r->g->m, key);
	if (e && try_swap(e, b, &old))
		goto done;
	if (mb_lock_write(&m->mu)) {
		mb_free(MB_ALLOC_VALUES, b); /* never published */
		mb_reclaim_read_unlock();
		return MB_MAP_PARKED;
	}
	r = load_read(m);
	if ((e = find(r->g->m, key))) {
		if (unexpunge_locked(e))
			rc = dirty_put(m, key, e); /* back into dirty before it is stored */
		old = atomic_exchange_explicit(&e->p, b, memory_order_acq_rel);
	} else if (m->dirty && (e = find(m->dirty, key))) {
		old = atomic_exchange_explicit(&e->p, b, memory_order_acq_rel);
	} else {
		rc = add_new_locked(m, r, key, b);
		if (rc)
			mb_free(MB_ALLOC_VALUES, b);
	}
	mb_lock_write_unlock(&m->mu);
done:
	if (old) {
		*prev = old->v;
		retire_box(m, old);
	}
	mb_reclaim_read_unlock();
	return rc ? rc : old != NULL;
}

int mb_syncmap_store(struct mb_syncmap *m, struct mb_key key, int64_t val)
{
	int64_t prev;
	int rc = mb_syncmap_swap(m, key, val, &prev);
	return rc < 0 ? rc : 0;
}

int mb_syncmap_load_or_store(struct mb_syncmap *m, struct mb_key key, int64_t val, int64_t *actual)
{
	int rc;
	bool used = false;
	mb_reclaim_read_lock();
	struct readonly *r = load_read(m);
	struct entry *e = find(r->g->m, key);
	if (e) {
		/* Avoid allocating for a key that is already loaded. */
		struct box *p = atomic_load_explicit(&e->p, memory_order_acquire);
		if (p && p != EXPUNGED) {
			*actual = p->v;
			mb_reclaim_read_unlock();
			return 1;
		}
	}
	struct box *b = new_box(m, val);
	if (!b) {
		mb_reclaim_read_unlock();
		return -ENOMEM;
	}
	if (e && (rc = try_load_or_store(e, b, actual, &used)) >= 0)
		goto done;
	if (mb_lock_write(&m->mu)) {
		rc = MB_MAP_PARKED;
		goto done;
	}
	r = load_read(m);
	if ((e = find(r->g->m, key))) {
		rc = 0;
		if (unexpunge_locked(e))
			rc = dirty_put(m, key, e);
		if (!rc)
			rc = try_load_or_store(e, b, actual, &used);
	} else if (m->dirty && (e = find(m->dirty, key))) {
		rc = try_load_or_store(e, b, actual, &used);
		int err = miss_locked(m);
		if (err)
			rc = err;
	} else {
		rc = add_new_locked(m, r, key, b);
		used = rc == 0;
		*actual = val;
	}
	mb_lock_write_unlock(&m->mu);
done:
	if (!used)
		mb_free(MB_ALLOC_VALUES, b); /* never published */
	mb_reclaim_read_unlock();
	return rc;
}

int mb_syncmap_load_and_delete(struct mb_syncmap *m, struct mb_key key, int64_t *val)
{
	struct entry *e, *unlinked = NULL;
	mb_reclaim_read_lock();
	int err = find_counting_miss(m, key, &e, &unlinked);
	int rc = 0;
	if (e) {
		struct box *old = entry_delete(e);
		if (old) {
			*val = old->v;
			retire_box(m, old);
			rc = 1;
		}
	}
	if (unlinked)
		retire_entry(m, unlinked);
	mb_reclaim_read_unlock();
	return err < 0 ? err : rc;
}

int mb_syncmap_delete(struct mb_syncmap *m, struct mb_key key)
{
	int64_t v;
	return mb_syncmap_load_and_delete(m, key, &v);
}

int mb_syncmap_compare_and_swap(struct mb_syncmap *m, struct mb_key key, int64_t old, int64_t val)
{
	int rc = 0;
	struct box *b = NULL, *prev = NULL;
	mb_reclaim_read_lock();
	struct readonly *r = load_read(m);
	struct entry *e = find(r->g->m, key);
	if (!e && !r->amended)
		goto done;
	if (!(b = new_box(m, val))) {
		rc = -ENOMEM;
		goto done;
	}
	if (e) {
		rc = try_compare_and_swap(e, old, b, &prev);
		goto done;
	}
	if (mb_lock_write(&m->mu)) {
		rc = MB_MAP_PARKED;
		goto done;
	}
	r = load_read(m);
	if ((e = find(r->g->m, key))) {
		rc = try_compare_and_swap(e, old, b, &prev);
	} else if (m->dirty && (e = find(m->dirty, key))) {
		rc = try_compare_and_swap(e, old, b, &prev);
		/* We needed to lock mu to load the entry for key, and the
		 * operation didn't change the set of keys in the map, so this
		 * is a miss (Go's reasoning). */
		int err = miss_locked(m);
		if (err)
			rc = err;
	}
	mb_lock_write_unlock(&m->mu);
done:
	if (rc == 1)
		retire_box(m, prev);
	else
		mb_free(MB_ALLOC_VALUES, b); /* not published */
	mb_reclaim_read_unlock();
	return rc;
}

int mb_syncmap_compare_and_delete(struct mb_syncmap *m, struct mb_key key, int64_t old)
{
	struct entry *e;
	int rc = 0;
	mb_reclaim_read_lock();
	int err = find_counting_miss(m, key, &e, NULL);
	if (e) {
		struct box *p = atomic_load_explicit(&e->p, memory_order_acquire);
		for (;;) {
			if (!p || p == EXPUNGED || p->v != old)
				break;
			if (atomic_compare_exchange_weak_explicit(&e->p, &p, NULL,
				    memory_order_acq_rel, memory_order_acquire)) {
				retire_box(m, p);
				rc = 1;
				break;
			}
		}
	}
	mb_reclaim_read_unlock();
	return err < 0 ? err : rc;
}

struct range_ctx {
	mb_map_range_fn fn;
	void *arg;
};

static bool range_visit(struct mb_key key, int64_t val, void *arg)
{
	struct range_ctx *c = arg;
	int64_t v;
	if (!entry_load((struct entry *)(intptr_t)val, &v))
		return true;
	return c->fn(key, v, c->arg);
}

int mb_syncmap_range(struct mb_syncmap *m, mb_map_range_fn fn, void *arg)
{
	int rc = 0;
	mb_reclaim_read_lock();
	struct readonly *r = load_read(m);
	if (r->amended) {
		/* Range is O(N) anyway, so promoting dirty now amortises well:
		 * a call to Range would otherwise copy the whole map. */
		if (mb_lock_write(&m->mu)) {
			mb_reclaim_read_unlock();
			return MB_MAP_PARKED;
		}
		r = load_read(m);
		if (r->amended) {
			uint64_t t0 = mb_pause_begin();
			struct generation *g = new_generation(m, m->dirty);
			if (!g || (rc = publish(m, g, false)) != 0) {
				mb_free(MB_ALLOC_READ_MAPS, g);
				rc = rc ? rc : -ENOMEM;
			} else {
				m->promotions++;
				m->promotion_misses += (uint64_t)m->misses;
				mb_pause_end(MB_PAUSE_PROMOTE, t0, mb_gomap_len(m->dirty));
				m->dirty = NULL;
				m->misses = 0;
			}
			r = load_read(m);
		}
		mb_lock_write_unlock(&m->mu);
	}
	if (!rc) {
		struct range_ctx c = {fn, arg};
		rc = mb_gomap_range_key(r->g->m, range_visit, &c);
	}
	mb_reclaim_read_unlock();
	return rc;
}

static bool count_live(struct mb_key key, int64_t val, void *arg)
{
	(void)key;
	int64_t v;
	*(int64_t *)arg += entry_load((struct entry *)(intptr_t)val, &v);
	return true;
}

int64_t mb_syncmap_len(struct mb_syncmap *m)
{
	int64_t n = 0;
	mb_reclaim_read_lock();
	mb_lock_write(&m->mu); /* the main thread: it blocks, never parks */
	/* dirty, when it exists, holds every live key */
	struct mb_gomap *map = m->dirty ? m->dirty : load_read(m)->g->m;
	mb_gomap_range_key(map, count_live, &n);
	mb_lock_write_unlock(&m->mu);
	mb_reclaim_read_unlock();
	return n;
}

void mb_syncmap_get_stats(struct mb_syncmap *m, struct mb_syncmap_stats *st)
{
	mb_lock_write(&m->mu); /* the main thread: it blocks, never parks */
	*st = (struct mb_syncmap_stats){
		.promotions = m->promotions,
		.dirty_rebuilds = m->rebuilds,
		.rebuild_entries = m->rebuild_entries,
		.rebuild_max_ns = m->rebuild_max_ns,
		.rebuild_total_ns = m->rebuild_total_ns,
		.promotion_misses = m->promotion_misses,
		.misses = m->misses,
		.dirty_len = m->dirty ? mb_gomap_len(m->dirty) : -1,
		.retired_pending_bytes = mb_reclaim_pending_bytes(&m->reclaim),
		.retired_pending_objects = mb_reclaim_pending_objects(&m->reclaim),
		.freed_objects = atomic_load(&m->reclaim.freed_objects),
		.reclaim_batches = atomic_load(&m->reclaim.batches),
		.reclaim_grace_max_ns = atomic_load(&m->reclaim.grace_ns_max),
		.reclaim_grace_mean_ns = atomic_load(&m->reclaim.batches)
			? atomic_load(&m->reclaim.grace_ns_total) / atomic_load(&m->reclaim.batches) : 0,
		.reclaim_free_max_ns = atomic_load(&m->reclaim.free_ns_max),
	};
	mb_lock_write_unlock(&m->mu);
}

/* ---- create / destroy ----------------------------------------------------------- */

struct mb_syncmap *mb_syncmap_create(const struct mb_map_config *cfg)
{
	struct mb_syncmap *m = mb_calloc(MB_ALLOC_OTHER, 1, sizeof *m);
	if (!m) {
		errno = ENOMEM;
		return NULL;
	}
	m->base.ops = &mb_syncmap_ops;
	if (cfg)
		m->cfg = *cfg;
	m->vsize = m->cfg.value_size;
	m->box_bytes = offsetof(struct box, v) + (m->vsize ? m->vsize : sizeof(int64_t));
	/* Inner maps map keys to entry pointers, inline. */
	m->cfg.value_size = 0;
	/* Inner maps are only ever written under mu: never "shared" racily. */
	m->cfg.shared = false;
	m->cfg.size_hint = 0;
	int lrc = mb_lock_init(&m->mu, cfg ? cfg->lock : MB_LOCK_GO, false,
			       cfg ? cfg->sched : NULL);
	if (lrc) {
		mb_free(MB_ALLOC_OTHER, m);
		errno = -lrc;
		return NULL;
	}
	struct mb_gomap *map = mb_gomap_create(&m->cfg);
	struct generation *g = map ? new_generation(m, map) : NULL;
	struct readonly *r = g ? mb_malloc(MB_ALLOC_READ_MAPS, sizeof *r) : NULL;
	if (!r) {
		mb_free(MB_ALLOC_READ_MAPS, g);
		mb_gomap_destroy(map);
		mb_lock_destroy(&m->mu);
		mb_free(MB_ALLOC_OTHER, m);
		errno = ENOMEM;
		return NULL;
	}
	*r = (struct readonly){.g = g, .amended = false};
	atomic_init(&m->read, r);
	return m;
}

static bool free_entry_and_box(struct mb_key key, int64_t val, void *arg)
{
	(void)key;
	bool only_expunged = *(bool *)arg;
	struct entry *e = (struct entry *)(intptr_t)val;
	struct box *p = atomic_load(&e->p);
	if (only_expunged && p != EXPUNGED)
		return true;
	if (p && p != EXPUNGED)
		mb_free(MB_ALLOC_VALUES, p);
	mb_free(MB_ALLOC_ENTRIES, e);
	return true;
}

void mb_syncmap_destroy(struct mb_syncmap *m)
{
	if (!m)
		return;
	/* Pending callbacks may still look at live entries: let them run. */
	mb_reclaim_barrier();
	struct readonly *r = atomic_load(&m->read);
	/* With a dirty map, read's live entries are dirty's too: free read's
	 * expunged ones first (dirty lacks them), then everything in dirty. */
	bool only_expunged = m->dirty != NULL;
	mb_gomap_range_key(r->g->m, free_entry_and_box, &only_expunged);
	if (m->dirty) {
		only_expunged = false;
		mb_gomap_range_key(m->dirty, free_entry_and_box, &only_expunged);
		mb_gomap_destroy(m->dirty);
	}
	mb_gomap_destroy(r->g->m);
	mb_free(MB_ALLOC_OTHER, r->g->expunged);
	mb_free(MB_ALLOC_READ_MAPS, r->g);
	mb_free(MB_ALLOC_READ_MAPS, r);
	mb_lock_destroy(&m->mu);
	mb_free(MB_ALLOC_OTHER, m);
}

/* ---- the `sync` design ------------------------------------------------------------ */

#define AS_SYNC(base) ((struct mb_syncmap *)(base))

static struct mb_map *sync_create(const struct mb_map_config *cfg)
{
	struct mb_syncmap *m = mb_syncmap_create(cfg);
	return m ? &m->base : NULL;
}

static void sync_destroy(struct mb_map *m)
{
	mb_syncmap_destroy(AS_SYNC(m));
}

static int sync_load(struct mb_map *m, struct mb_key key, int64_t *val)
{
	return mb_syncmap_load(AS_SYNC(m), key, val);
}

static int sync_store(struct mb_map *m, struct mb_key key, int64_t val)
{
	return mb_syncmap_store(AS_SYNC(m), key, val);
}

static int sync_delete(struct mb_map *m, struct mb_key key)
{
	return mb_syncmap_delete(AS_SYNC(m), key);
}

static int64_t sync_len(struct mb_map *m)
{
	return mb_syncmap_len(AS_SYNC(m));
}

static int sync_range(struct mb_map *m, mb_map_range_fn fn, void *arg)
{
	return mb_syncmap_range(AS_SYNC(m), fn, arg);
}

static int sync_load_or_store(struct mb_map *m, struct mb_key key, int64_t val, int64_t *actual)
{
	return mb_syncmap_load_or_store(AS_SYNC(m), key, val, actual);
}

static int sync_load_and_delete(struct mb_map *m, struct mb_key key, int64_t *val)
{
	return mb_syncmap_load_and_delete(AS_SYNC(m), key, val);
}

static int sync_swap(struct mb_map *m, struct mb_key key, int64_t val, int64_t *prev)
{
	return mb_syncmap_swap(AS_SYNC(m), key, val, prev);
}

static int sync_compare_and_swap(struct mb_map *m, struct mb_key key, int64_t old, int64_t val)
{
	return mb_syncmap_compare_and_swap(AS_SYNC(m), key, old, val);
}

static int sync_compare_and_delete(struct mb_map *m, struct mb_key key, int64_t old)
{
	return mb_syncmap_compare_and_delete(AS_SYNC(m), key, old);
}

static size_t sync_stats(struct mb_map *m, struct mb_map_stat *out, size_t max)
{
	struct mb_syncmap_stats st;
	mb_syncmap_get_stats(AS_SYNC(m), &st);
	const struct mb_map_stat all[] = {
		{"promotions", st.promotions},
		{"promotion_misses", st.promotion_misses},
		{"dirty_rebuilds", st.dirty_rebuilds},
		{"rebuild_entries_copied", st.rebuild_entries},
		{"rebuild_max_ns", st.rebuild_max_ns},
		{"rebuild_total_ns", st.rebuild_total_ns},
		{"retired_pending_bytes", st.retired_pending_bytes},
		{"retired_pending_objects", st.retired_pending_objects},
		{"reclaimed_objects", st.freed_objects},
		{"reclaim_batches", st.reclaim_batches},
		{"reclaim_grace_max_ns", st.reclaim_grace_max_ns},
		{"reclaim_grace_mean_ns", st.reclaim_grace_mean_ns},
		{"reclaim_free_max_ns", st.reclaim_free_max_ns},
	};
	return mb_map_stats_put(out, max, all, sizeof all / sizeof all[0]);
}

const struct mb_map_ops mb_syncmap_ops = {
	.name = "sync",
	.summary = "Go 1.19 sync.Map: lock-free reads of promoted keys, dirty map under a mutex, RCU reclamation",
	.flags = MB_MAP_F_CONCURRENT | MB_MAP_F_LOCK,
	/* entry + value box (64 B each with malloc's rounding), a slot in
	 * read and one in dirty, and a dirty copy during a rebuild */
	.bytes_per_entry = 256,
	.create = sync_create,
	.destroy = sync_destroy,
	.load = sync_load,
	.store = sync_store,
	.delete = sync_delete,
	.len = sync_len,
	.range = sync_range,
	.load_or_store = sync_load_or_store,
	.load_and_delete = sync_load_and_delete,
	.swap = sync_swap,
	.compare_and_swap = sync_compare_and_swap,
	.compare_and_delete = sync_compare_and_delete,
	.thread_online = mb_reclaim_map_thread_online,
	.thread_offline = mb_reclaim_map_thread_offline,
	.stats = sync_stats,
};
