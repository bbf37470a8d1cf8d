/* Go 1.24's sync.Map (internal/sync.HashTrieMap).  See hashtrie.h.
 *
 * How it works
 * ------------
 * The root is an indirect node that is never pruned.  An indirect node at
 * level d (root: d = 0) picks its child with the hash bits
 * [60 - 4d, 64 - 4d): `shift` below is 60 - 4d.  A child slot holds NULL,
 * an indirect node one level down, or the head of a chain of entries whose
 * hashes are all equal (overflow links; different hashes never share a
 * slot, they are expanded apart).
 *
 * Invariants (each mutation keeps them under the lock of the indirect node
 * that owns the slot it changes):
 *  - Only the holder of node i's lock stores into i's children, into the
 *    overflow links of the chains hanging from i, or into i->dead.
 *  - An entry is never changed after it is published, except its overflow
 *    link; a new value is a new entry (swap, store, compare_and_swap) put
 *    in the old one's place, which is retired.
 *  - A non-root node that is not dead has at least one child: the delete
 *    that empties it prunes it in the same critical section (the parent's
 *    lock is taken while the child's is held, the child is marked dead and
 *    unlinked).  Locks are only ever taken child first, then parent, so
 *    pruning cannot deadlock.
 *  - A node's parent never changes: nodes are never moved, only unlinked.
 * A writer walks without locks to the slot its key uses, locks the node,
 * and re-reads the slot: if the node is dead or the slot now holds an
 * indirect node (an expansion happened), it unlocks and walks again
 * (`restarts` in the stats).
 *
 * Memory: C has no garbage collector, so everything unlinked (a replaced or
 * deleted entry with its box, a pruned node) is retired through mb_reclaim
 * and freed after a grace period.  Every op runs in a read-side section,
 * so whatever a walk reached stays valid until it ends, even if a writer
 * unlinked it meanwhile.  A writer blocked on the lock of a node that is
 * pruned meanwhile still holds its read section: the node (and its mutex)
 * outlives the wait, and the dead flag sends the writer round again.
 *
 * What C changes: Go allocates the new entry with its lock held, and so
 * does this; an allocation failure unlocks and returns -ENOMEM with the map
 * unchanged (Go would throw).  Entries carry a reclamation header (40
 * bytes) that Go's entries do not need.
 */
#include "maps/hashtrie.h"

#include "lock/policy.h"
#include "maps/reclaim.h"
#include "measure/alloc.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#define LOG2 MB_HASHTRIE_CHILDREN_LOG2
#define NCHILD MB_HASHTRIE_CHILDREN
#define MASK (NCHILD - 1)

/* The header of both kinds of node (Go's node[K, V]). */
struct node {
	bool is_entry;
};

struct indirect {
	struct node n; /* first: an indirect is a node */
	/* Set when pruned.  Written and read only with this node's lock held,
	 * so relaxed: the lock orders them. */
	atomic_bool dead;
	struct indirect *parent; /* NULL for the root; never changes */
	/* Stored with release under this node's lock (a walker that sees a
	 * node sees it built); walkers load with acquire. */
	_Atomic(struct node *) children[NCHILD];
	struct mb_lock lock; /* the run's --lock policy; kept across reuse */
	struct mb_hashtrie *owner;  /* whose pool a pruned node goes back to */
	struct indirect *pool_next; /* in the pool */
	struct mb_reclaim_head head;
};

struct entry {
	struct node n; /* first: an entry is a node */
	/* The next entry with the same hash.  Stored with release under the
	 * owning node's lock; walkers load with acquire. */
	_Atomic(struct entry *) overflow;
	struct mb_key key;
	void *box; /* the value: an int64, or a value blob whose first word it is */
	struct mb_reclaim_head head;
};

struct mb_hashtrie {
	struct mb_map base; /* first: a *mb_hashtrie is the `hashtrie` mb_map */
	/* Read by every op, never written after create. */
	struct indirect *root;
	uint64_t seed;
	mb_hashtrie_hash_fn hash_fn; /* NULL: XXH3 */
	bool strkeys;
	size_t vsize;     /* value blob bytes, 0 for a bare int64 box */
	size_t box_bytes; /* bytes of one box */
	enum mb_lock_policy lock;
	const struct mb_sched *sched;
	/* Written by writers: kept off the read-mostly line above. */
	char pad[64];
	struct mb_reclaim_counters reclaim;
	/* Pruned nodes, past their grace period, for reuse (see "the node
	 * lock" below). */
	pthread_mutex_t pool_mu;
	struct indirect *pool;
	uint64_t pooled;
	/* Statistics, relaxed: counted, never used to decide anything. */
	atomic_uint_fast64_t expansions, expand_nodes, collisions, prunes, restarts, parked_prunes;
};

static inline void count(atomic_uint_fast64_t *c, uint64_t n)
{
	atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

/* ---- the node lock ------------------------------------------------------
 * Go's node lock is a sync.Mutex; here it is the run's --lock policy
 * (lib/lock/policy.h: go by default, statistics and lock-wait pauses
 * there).  With go, a task that finds a node locked parks: node_lock
 * returns MB_LOCK_PARKED and the op leaves its read section and returns
 * MB_MAP_PARKED.  Two places may park:
 *  - the lock of the node a mutation starts with, before anything is
 *    changed: the op runs again from the start (walks again; if it reaches
 *    another node, the lock layer settles the old one first);
 *  - the parent's lock in prune, with the child locked and the entry
 *    already deleted: Go's goroutine would wait there holding the child,
 *    so the task does too, and its record keeps where it stopped
 *    (cont_owner/cont: the child, the hash, the shift, the deleted value);
 *    run again, the op goes on pruning from there instead of starting
 *    over.  The child is safe meanwhile: only its lock holder can mark it
 *    dead; and its parent is not empty (the child is still linked in it),
 *    so nobody prunes the parent.  Lock order stays child, then parent.
 * A parked task is outside any read section, so a node whose lock it
 * waits for may be pruned and pass its grace period meanwhile.  A pruned
 * node therefore goes back to the map's pool instead of to free(), its
 * lock untouched, and new nodes come from the pool first: the memory of a
 * node lock stays a node lock while the map lives (type-stable, as Linux's
 * SLAB_TYPESAFE_BY_RCU), and a late waiter at worst takes and releases
 * the lock of a node that was reused, which then checks out as any other
 * changed node does (dead, or another slot: walk again). */

static inline int node_lock(struct indirect *i)
{
	return mb_lock_write(&i->lock);
}

static inline void node_unlock(struct indirect *i)
{
	mb_lock_write_unlock(&i->lock);
}

/* ---- keys and memory ------------------------------------------------------ */

static inline uint64_t hash_key(const struct mb_hashtrie *m, struct mb_key k)
{
	if (m->hash_fn)
		return m->hash_fn(k, m->seed);
	if (m->strkeys)
		return XXH3_64bits_withSeed(k.str, (size_t)k.len, m->seed);
	return XXH3_64bits_withSeed(&k.i, sizeof k.i, m->seed);
}

static inline bool key_equal(const struct mb_hashtrie *m, struct mb_key a, struct mb_key b)
{
	if (m->strkeys)
		return a.len == b.len && memcmp(a.str, b.str, (size_t)a.len) == 0;
	return a.i == b.i;
}

static inline int64_t entry_value(const struct entry *e)
{
	return mb_map_blob_value(e->box);
}

/* A new entry, private until a release store publishes it. */
static struct entry *new_entry(struct mb_hashtrie *m, struct mb_key key, int64_t val)
{
	struct entry *e = mb_malloc(MB_ALLOC_ENTRIES, sizeof *e);
	if (!e)
		return NULL;
	if (m->vsize) {
		e->box = mb_map_blob_new(m->vsize, val);
	} else {
		e->box = mb_malloc(MB_ALLOC_VALUES, sizeof(int64_t));
		if (e->box)
			memcpy(e->box, &val, sizeof val);
	}
	if (!e->box) {
		mb_free(MB_ALLOC_ENTRIES, e);
		return NULL;
	}
	e->n.is_entry = true;
	atomic_init(&e->overflow, NULL);
	e->key = key;
	return e;
}

static void free_entry_now(struct entry *e)
{
	mb_free(MB_ALLOC_VALUES, e->box);
	mb_free(MB_ALLOC_ENTRIES, e);
}

static void free_entry(struct mb_reclaim_head *h)
{
	free_entry_now((struct entry *)((char *)h - offsetof(struct entry, head)));
}

static void retire_entry(struct mb_hashtrie *m, struct entry *e)
{
	mb_reclaim_retire(&e->head, free_entry, sizeof *e + m->box_bytes, &m->reclaim);
}

/* Indirect nodes are counted as bookkeeping (MB_ALLOC_OTHER).  One from
 * the pool keeps its lock as it is (a late waiter may still use it); the
 * rest is set afresh (nobody reads it: its grace period has passed). */
static struct indirect *new_indirect(struct mb_hashtrie *m, struct indirect *parent)
{
	pthread_mutex_lock(&m->pool_mu);
	struct indirect *i = m->pool;
	if (i) {
		m->pool = i->pool_next;
		m->pooled--;
	}
	pthread_mutex_unlock(&m->pool_mu);
	if (!i) {
		if (!(i = mb_malloc(MB_ALLOC_OTHER, sizeof *i)))
			return NULL;
		if (mb_lock_init(&i->lock, m->lock, false, m->sched) != 0) {
			mb_free(MB_ALLOC_OTHER, i);
			return NULL;
		}
		i->owner = m;
	}
	i->n.is_entry = false;
	atomic_store_explicit(&i->dead, false, memory_order_relaxed);
	i->parent = parent;
	i->pool_next = NULL;
	for (int j = 0; j < NCHILD; j++)
		atomic_store_explicit(&i->children[j], NULL, memory_order_relaxed);
	return i;
}

static void free_indirect_now(struct indirect *i)
{
	mb_lock_destroy(&i->lock);
	mb_free(MB_ALLOC_OTHER, i);
}

/* Into the pool (a node's memory is never freed while the map lives). */
static void pool_put(struct indirect *i)
{
	struct mb_hashtrie *m = i->owner;
	pthread_mutex_lock(&m->pool_mu);
	i->pool_next = m->pool;
	m->pool = i;
	m->pooled++;
	pthread_mutex_unlock(&m->pool_mu);
}

/* After its grace period (the reclaimer's thread). */
static void free_indirect(struct mb_reclaim_head *h)
{
	pool_put((struct indirect *)((char *)h - offsetof(struct indirect, head)));
}

static void retire_indirect(struct mb_hashtrie *m, struct indirect *i)
{
	mb_reclaim_retire(&i->head, free_indirect, sizeof *i, &m->reclaim);
}

/* ---- walking ------------------------------------------------------------ */

/* Where a key lives or would be inserted. */
struct spot {
	struct indirect *i;           /* the node owning slot */
	unsigned shift;               /* the shift that picked slot in i */
	_Atomic(struct node *) *slot;
	struct node *n;               /* what slot held when last read */
};

/* Walks from the root without locks to the first slot on h's path that
 * holds NULL or an entry.  In a read section.  It always ends within 16
 * levels: expand stops at the first digit where two hashes differ, and
 * equal hashes share a chain. */
static inline void walk(const struct mb_hashtrie *m, uint64_t h, struct spot *s)
{
	struct indirect *i = m->root;
	unsigned shift = 64;
	for (;;) {
		shift -= LOG2;
		_Atomic(struct node *) *slot = &i->children[(h >> shift) & MASK];
		/* acquire: pairs with the release store that published the node */
		struct node *n = atomic_load_explicit(slot, memory_order_acquire);
		if (!n || n->is_entry) {
			*s = (struct spot){.i = i, .shift = shift, .slot = slot, .n = n};
			return;
		}
		i = (struct indirect *)n;
	}
}

enum check { CHECK_HELD, CHECK_AGAIN, CHECK_PARKED };

/* Locks s->i and re-reads s->slot.  CHECK_HELD when the walk still holds:
 * the node is alive and the slot holds NULL or an entry (s->n, now stable
 * while the lock is held); else unlocks and returns CHECK_AGAIN (walk
 * again), or CHECK_PARKED when the calling task parked (nothing held). */
static enum check lock_and_check(struct mb_hashtrie *m, struct spot *s)
{
	if (node_lock(s->i))
		return CHECK_PARKED;
	/* relaxed: the slot and dead are only written with this lock held,
	 * and taking it ordered those writes before these reads */
	s->n = atomic_load_explicit(s->slot, memory_order_relaxed);
	if ((!s->n || s->n->is_entry) && !atomic_load_explicit(&s->i->dead, memory_order_relaxed))
		return CHECK_HELD;
	node_unlock(s->i);
	count(&m->restarts, 1);
	return CHECK_AGAIN;
}

/* The entry for key in the chain from head, holding the value old when
 * want_old; *link (if link) gets the overflow link that points at it, or
 * NULL when it is the head.  Lock-free or locked alike. */
static struct entry *chain_find(const struct mb_hashtrie *m, struct entry *head, struct mb_key key,
				bool want_old, int64_t old, _Atomic(struct entry *) **link)
{
	_Atomic(struct entry *) *prev = NULL;
	for (struct entry *e = head; e;) {
		if (key_equal(m, e->key, key) && (!want_old || entry_value(e) == old)) {
			if (link)
				*link = prev;
			return e;
		}
		prev = &e->overflow;
		/* acquire: pairs with the release store that linked the entry */
		e = atomic_load_explicit(prev, memory_order_acquire);
	}
	return NULL;
}

/* Puts ne in e's place (slot when e is the head, else *link).  Lock held. */
static void chain_replace(_Atomic(struct node *) *slot, _Atomic(struct entry *) *link,
			  struct entry *e, struct entry *ne)
{
	/* relaxed: ne is private until the release store below */
	atomic_store_explicit(&ne->overflow, atomic_load_explicit(&e->overflow, memory_order_relaxed),
			      memory_order_relaxed);
	/* release: pairs with the walkers' acquire loads (they see ne built) */
	if (link)
		atomic_store_explicit(link, ne, memory_order_release);
	else
		atomic_store_explicit(slot, &ne->n, memory_order_release);
}

/* Unlinks e.  Returns true when the slot is now empty.  Lock held. */
static bool chain_remove(_Atomic(struct node *) *slot, _Atomic(struct entry *) *link,
			 struct entry *e)
{
	struct entry *next = atomic_load_explicit(&e->overflow, memory_order_relaxed);
	/* release: pairs with the walkers' acquire loads; next was published
	 * already, so this only keeps the one rule for every link store */
	if (link) {
		atomic_store_explicit(link, next, memory_order_release);
		return false;
	}
	atomic_store_explicit(slot, next ? &next->n : NULL, memory_order_release);
	return next == NULL;
}

/* Frees a chain of indirect nodes that expand built but never published
 * (relaxed loads: no other thread ever saw them). */
static void free_unpublished(struct indirect *i)
{
	while (i) {
		struct indirect *next = NULL;
		for (int j = 0; j < NCHILD; j++) {
			struct node *n = atomic_load_explicit(&i->children[j], memory_order_relaxed);
			if (n && !n->is_entry)
				next = (struct indirect *)n;
		}
		pool_put(i); /* it may have come from the pool: its lock may be in use */
		i = next;
	}
}

/* Go's expand: old (the chain in a slot of parent, picked at shift) and ne
 * (a new key, hash nh) become one subtree: a longer chain when the hashes
 * are equal, else indirect nodes down to the first digit where they
 * differ.  Returns the node to store in the slot, NULL when out of memory
 * (nothing changed).  parent's lock held. */
static struct node *expand(struct mb_hashtrie *m, struct entry *old, struct entry *ne, uint64_t nh,
			   unsigned shift, struct indirect *parent)
{
	uint64_t oh = hash_key(m, old->key);
	if (oh == nh) {
		/* relaxed: ne is private until the caller's release store */
		atomic_store_explicit(&ne->overflow, old, memory_order_relaxed);
		count(&m->collisions, 1);
		return &ne->n;
	}
	struct indirect *top = new_indirect(m, parent), *cur = top;
	if (!top)
		return NULL;
	uint64_t added = 1;
	for (;;) {
		/* The digits at shift and above are equal (they led both keys
		 * to this slot) and the hashes differ, so shift > 0 here. */
		shift -= LOG2;
		unsigned oi = (unsigned)(oh >> shift) & MASK, ni = (unsigned)(nh >> shift) & MASK;
		/* relaxed: the subtree is private until the caller's release store */
		if (oi != ni) {
			atomic_store_explicit(&cur->children[oi], &old->n, memory_order_relaxed);
			atomic_store_explicit(&cur->children[ni], &ne->n, memory_order_relaxed);
			break;
		}
		struct indirect *next = new_indirect(m, cur);
		if (!next) {
			free_unpublished(top);
			return NULL;
		}
		atomic_store_explicit(&cur->children[oi], &next->n, memory_order_relaxed);
		cur = next;
		added++;
	}
	count(&m->expansions, 1);
	count(&m->expand_nodes, added);
	return &top->n;
}

/* Inserts ne at s (the slot holds NULL or a chain without ne's key).
 * Returns 0 or -ENOMEM.  s->i locked. */
static int insert_locked(struct mb_hashtrie *m, struct spot *s, struct entry *ne, uint64_t h)
{
	struct node *n = &ne->n;
	if (s->n) {
		/* Publish last: readers never see the old chain leave the trie. */
		n = expand(m, (struct entry *)s->n, ne, h, s->shift, s->i);
		if (!n)
			return -ENOMEM;
	}
	/* release: pairs with the walkers' acquire loads */
	atomic_store_explicit(s->slot, n, memory_order_release);
	return 0;
}

/* After the slot at s was emptied: while i (locked) is an empty non-root
 * node, lock its parent (child still held), mark it dead, unlink it,
 * unlock it and go up.  Returns 0 with the last node unlocked, or
 * MB_MAP_PARKED when the calling task parked on a parent's lock: i stays
 * locked and the task's record says where to go on (val: the deleted
 * value the op returns then). */
static int prune_locked(struct mb_hashtrie *m, struct indirect *i, uint64_t h, unsigned shift,
			int64_t val)
{
	for (;;) {
		if (!i->parent)
			break;
		bool empty = true;
		for (int j = 0; j < NCHILD && empty; j++)
			empty = atomic_load_explicit(&i->children[j], memory_order_relaxed) == NULL;
		if (!empty)
			break;
		struct indirect *p = i->parent;
		/* Where to go on if we park: noted before the lock queues our
		 * record (another worker may run it at once).  The hash comes
		 * again from the op's key, the shift from i's depth: the record
		 * stays small. */
		mb_lock_cont_note(m, (uint64_t)(uintptr_t)i, (uint64_t)val);
		if (node_lock(p)) {
			count(&m->parked_prunes, 1);
			return MB_MAP_PARKED;
		}
		mb_lock_cont_clear();
		shift += LOG2; /* the digit that picked i in its parent */
		atomic_store_explicit(&i->dead, true, memory_order_relaxed); /* under i's lock */
		/* release: pairs with the walkers' acquire loads */
		atomic_store_explicit(&p->children[(h >> shift) & MASK], NULL, memory_order_release);
		node_unlock(i);
		retire_indirect(m, i);
		count(&m->prunes, 1);
		i = p;
	}
	node_unlock(i);
	return 0;
}

/* A delete whose task parked in prune_locked, run again: goes on pruning
 * where it stopped (h: its key's hash).  Returns 1 (and the deleted value)
 * or MB_MAP_PARKED. */
static int prune_resume(struct mb_hashtrie *m, struct mb_waiter *w, uint64_t h, int64_t *val)
{
	struct indirect *i = (struct indirect *)(uintptr_t)w->cont[0];
	*val = (int64_t)w->cont[1];
	w->cont_owner = NULL;
	/* the shift that picks a slot in i: 60 at the root, 4 less a level */
	unsigned shift = 64 - LOG2;
	for (const struct indirect *p = i->parent; p; p = p->parent)
		shift -= LOG2;
	mb_reclaim_read_lock();
	int rc = prune_locked(m, i, h, shift, *val);
	mb_reclaim_read_unlock();
	return rc ? rc : 1;
}

enum find { FIND_NONE, FIND_HELD, FIND_PARKED };

/* Go's find: walks to key's chain; FIND_NONE (nothing locked) when no
 * chain on the path holds key (and old when want_old).  Else FIND_HELD
 * with s->i locked and re-checked (s->n may be NULL or a chain without key
 * by then), or FIND_PARKED (nothing locked). */
static enum find find_locked(struct mb_hashtrie *m, struct mb_key key, uint64_t h,
			     bool want_old, int64_t old, struct spot *s)
{
	for (;;) {
		walk(m, h, s);
		if (!s->n || !chain_find(m, (struct entry *)s->n, key, want_old, old, NULL))
			return FIND_NONE;
		enum check c = lock_and_check(m, s);
		if (c != CHECK_AGAIN)
			return c == CHECK_HELD ? FIND_HELD : FIND_PARKED;
	}
}

/* ---- operations ---------------------------------------------------------- */

int mb_hashtrie_load(struct mb_hashtrie *m, struct mb_key key, int64_t *val)
{
	uint64_t h = hash_key(m, key);
	int rc = 0;
	mb_reclaim_read_lock();
	struct spot s;
	walk(m, h, &s);
	struct entry *e = s.n ? chain_find(m, (struct entry *)s.n, key, false, 0, NULL) : NULL;
	if (e) {
		*val = entry_value(e);
		rc = 1;
	}
	mb_reclaim_read_unlock();
	return rc;
}

int mb_hashtrie_swap(struct mb_hashtrie *m, struct mb_key key, int64_t val, int64_t *prev)
{
	uint64_t h = hash_key(m, key);
	int rc = 0;
	struct spot s;
	struct entry *old = NULL;
	mb_reclaim_read_lock();
	enum check c;
	do
		walk(m, h, &s);
	while ((c = lock_and_check(m, &s)) == CHECK_AGAIN);
	if (c == CHECK_PARKED) {
		mb_reclaim_read_unlock();
		return MB_MAP_PARKED;
	}
	struct entry *ne = new_entry(m, key, val);
	if (!ne) {
		rc = -ENOMEM;
	} else {
		_Atomic(struct entry *) *link = NULL;
		old = s.n ? chain_find(m, (struct entry *)s.n, key, false, 0, &link) : NULL;
		if (old)
			chain_replace(s.slot, link, old, ne);
		else if ((rc = insert_locked(m, &s, ne, h)) != 0)
			free_entry_now(ne);
	}
	node_unlock(s.i);
	if (old) {
		*prev = entry_value(old);
		retire_entry(m, old);
		rc = 1;
	}
	mb_reclaim_read_unlock();
	return rc;
}

int mb_hashtrie_store(struct mb_hashtrie *m, struct mb_key key, int64_t val)
{
	int64_t prev;
	int rc = mb_hashtrie_swap(m, key, val, &prev);
	return rc < 0 ? rc : 0; /* MB_MAP_PARKED too */
}

int mb_hashtrie_load_or_store(struct mb_hashtrie *m, struct mb_key key, int64_t val,
			      int64_t *actual)
{
	uint64_t h = hash_key(m, key);
	int rc = 1;
	struct spot s;
	struct entry *e;
	mb_reclaim_read_lock();
	for (;;) {
		walk(m, h, &s);
		/* A present key is loaded without the lock. */
		if (s.n && (e = chain_find(m, (struct entry *)s.n, key, false, 0, NULL)))
			goto loaded;
		enum check c = lock_and_check(m, &s);
		if (c == CHECK_HELD)
			break;
		if (c == CHECK_PARKED) {
			mb_reclaim_read_unlock();
			return MB_MAP_PARKED;
		}
	}
	if (s.n && (e = chain_find(m, (struct entry *)s.n, key, false, 0, NULL))) {
		node_unlock(s.i); /* stored by another writer meanwhile */
		goto loaded;
	}
	struct entry *ne = new_entry(m, key, val);
	rc = ne ? insert_locked(m, &s, ne, h) : -ENOMEM;
	if (rc && ne)
		free_entry_now(ne);
	node_unlock(s.i);
	*actual = val;
	mb_reclaim_read_unlock();
	return rc;
loaded:
	*actual = entry_value(e);
	mb_reclaim_read_unlock();
	return 1;
}

/* LoadAndDelete and CompareAndDelete: find key's entry (any value), lock,
 * remove it if it holds old (when want_old), prune.  1 deleted, 0 not. */
static int delete_common(struct mb_hashtrie *m, struct mb_key key, bool want_old, int64_t old,
			 int64_t *val)
{
	uint64_t h = hash_key(m, key);
	struct mb_waiter *w = mb_lock_resumed();
	if (w && w->cont_owner == m)
		return prune_resume(m, w, h, val);
	struct spot s;
	int rc = 0;
	mb_reclaim_read_lock();
	enum find f = find_locked(m, key, h, false, 0, &s);
	if (f == FIND_PARKED)
		rc = MB_MAP_PARKED;
	if (f == FIND_HELD) {
		_Atomic(struct entry *) *link = NULL;
		struct entry *e = s.n ? chain_find(m, (struct entry *)s.n, key, want_old, old, &link)
				      : NULL;
		if (!e) {
			node_unlock(s.i);
		} else {
			*val = entry_value(e);
			rc = 1;
			/* parked in prune: deleted, the rest when run again */
			if (chain_remove(s.slot, link, e))
				rc = prune_locked(m, s.i, h, s.shift, *val) ? MB_MAP_PARKED : 1;
			else
				node_unlock(s.i);
			retire_entry(m, e);
		}
	}
	mb_reclaim_read_unlock();
	return rc;
}

int mb_hashtrie_load_and_delete(struct mb_hashtrie *m, struct mb_key key, int64_t *val)
{
	return delete_common(m, key, false, 0, val);
}

int mb_hashtrie_delete(struct mb_hashtrie *m, struct mb_key key)
{
	int64_t v;
	return delete_common(m, key, false, 0, &v);
}

int mb_hashtrie_compare_and_delete(struct mb_hashtrie *m, struct mb_key key, int64_t old)
{
	int64_t v;
	return delete_common(m, key, true, old, &v);
}

int mb_hashtrie_compare_and_swap(struct mb_hashtrie *m, struct mb_key key, int64_t old,
				 int64_t val)
{
	uint64_t h = hash_key(m, key);
	struct spot s;
	struct entry *e = NULL;
	int rc = 0;
	mb_reclaim_read_lock();
	/* A key without the old value fails without the lock. */
	enum find f = find_locked(m, key, h, true, old, &s);
	if (f == FIND_PARKED)
		rc = MB_MAP_PARKED;
	if (f == FIND_HELD) {
		_Atomic(struct entry *) *link = NULL;
		e = s.n ? chain_find(m, (struct entry *)s.n, key, true, old, &link) : NULL;
		if (e) {
			struct entry *ne = new_entry(m, key, val);
			if (ne) {
				chain_replace(s.slot, link, e, ne);
				rc = 1;
			} else {
				rc = -ENOMEM;
			}
		}
		node_unlock(s.i);
		if (rc == 1)
			retire_entry(m, e);
	}
	mb_reclaim_read_unlock();
	return rc;
}

/* Go's iter: depth first, each slot read once, so a key is yielded at most
 * once however the trie changes meanwhile (a key moves only down into a
 * slot's new subtree, or back up after its subtree was pruned, and either
 * way the slot was read before or after, never both). */
static bool iter(const struct mb_hashtrie *m, struct indirect *i, mb_map_range_fn fn, void *arg)
{
	for (int j = 0; j < NCHILD; j++) {
		/* acquire: pairs with the release store that published the node */
		struct node *n = atomic_load_explicit(&i->children[j], memory_order_acquire);
		if (!n)
			continue;
		if (!n->is_entry) {
			if (!iter(m, (struct indirect *)n, fn, arg))
				return false;
			continue;
		}
		for (struct entry *e = (struct entry *)n; e;
		     e = atomic_load_explicit(&e->overflow, memory_order_acquire))
			if (!fn(e->key, entry_value(e), arg))
				return false;
	}
	return true;
}

int mb_hashtrie_range(struct mb_hashtrie *m, mb_map_range_fn fn, void *arg)
{
	mb_reclaim_read_lock();
	iter(m, m->root, fn, arg);
	mb_reclaim_read_unlock();
	return 0;
}

static bool count_one(struct mb_key key, int64_t val, void *arg)
{
	(void)key, (void)val;
	++*(int64_t *)arg;
	return true;
}

int64_t mb_hashtrie_len(struct mb_hashtrie *m)
{
	int64_t n = 0;
	mb_hashtrie_range(m, count_one, &n);
	return n;
}

/* acquire loads, as walk's: safe (if inexact) even beside writers. */
static void walk_stats(struct indirect *i, uint64_t depth, struct mb_hashtrie_stats *st)
{
	st->nodes++;
	if (depth > st->max_depth)
		st->max_depth = depth;
	for (int j = 0; j < NCHILD; j++) {
		struct node *n = atomic_load_explicit(&i->children[j], memory_order_acquire);
		if (!n)
			continue;
		if (!n->is_entry) {
			walk_stats((struct indirect *)n, depth + 1, st);
			continue;
		}
		st->entries++;
		for (struct entry *e = atomic_load_explicit(&((struct entry *)n)->overflow,
							    memory_order_acquire);
		     e; e = atomic_load_explicit(&e->overflow, memory_order_acquire)) {
			st->entries++;
			st->overflow++;
		}
	}
}

void mb_hashtrie_get_stats(struct mb_hashtrie *m, struct mb_hashtrie_stats *st)
{
	*st = (struct mb_hashtrie_stats){0};
	mb_reclaim_read_lock();
	walk_stats(m->root, 1, st);
	mb_reclaim_read_unlock();
	/* Counters, read with no op running: plain atomic loads, no pairing. */
	struct mb_reclaim_counters *c = &m->reclaim;
	uint64_t batches = atomic_load(&c->batches);
	st->expansions = atomic_load(&m->expansions);
	st->expand_nodes = atomic_load(&m->expand_nodes);
	st->collisions = atomic_load(&m->collisions);
	st->prunes = atomic_load(&m->prunes);
	st->restarts = atomic_load(&m->restarts);
	st->parked_prunes = atomic_load(&m->parked_prunes);
	pthread_mutex_lock(&m->pool_mu);
	st->pooled_nodes = m->pooled;
	pthread_mutex_unlock(&m->pool_mu);
	st->retired_pending_bytes = mb_reclaim_pending_bytes(c);
	st->retired_pending_objects = mb_reclaim_pending_objects(c);
	st->freed_objects = atomic_load(&c->freed_objects);
	st->reclaim_batches = batches;
	st->reclaim_grace_max_ns = atomic_load(&c->grace_ns_max);
	st->reclaim_grace_mean_ns = batches ? atomic_load(&c->grace_ns_total) / batches : 0;
	st->reclaim_free_max_ns = atomic_load(&c->free_ns_max);
}

int mb_hashtrie_test_lock_root(struct mb_hashtrie *m, bool lock)
{
	if (lock)
		return node_lock(m->root);
	node_unlock(m->root);
	return 0;
}

/* ---- create / destroy ------------------------------------------------------ */

struct mb_hashtrie *mb_hashtrie_create_hashed(const struct mb_map_config *cfg,
					      mb_hashtrie_hash_fn fn)
{
	struct mb_map_config def = {0};
	if (!cfg)
		cfg = &def;
	struct mb_hashtrie *m = mb_calloc(MB_ALLOC_OTHER, 1, sizeof *m);
	if (!m) {
		errno = ENOMEM;
		return NULL;
	}
	m->base.ops = &mb_hashtrie_ops;
	m->hash_fn = fn;
	m->strkeys = cfg->key_type == MB_KEY_STRING;
	m->vsize = cfg->value_size;
	m->box_bytes = m->vsize ? m->vsize : sizeof(int64_t);
	if (cfg->hash_seed_set)
		m->seed = cfg->hash_seed;
	else if (getrandom(&m->seed, sizeof m->seed, 0) != sizeof m->seed)
		m->seed = (uint64_t)(uintptr_t)m ^ UINT64_C(0x9e3779b97f4a7c15); /* as gomap.c */
	m->lock = cfg->lock;
	m->sched = cfg->sched;
	pthread_mutex_init(&m->pool_mu, NULL);
	m->root = new_indirect(m, NULL);
	if (!m->root) {
		pthread_mutex_destroy(&m->pool_mu);
		mb_free(MB_ALLOC_OTHER, m);
		errno = ENOMEM;
		return NULL;
	}
	return m;
}

struct mb_hashtrie *mb_hashtrie_create(const struct mb_map_config *cfg)
{
	return mb_hashtrie_create_hashed(cfg, NULL);
}

/* At destroy: no op runs, and the barrier ordered every writer's stores
 * before us, so relaxed loads. */
static void free_subtree(struct indirect *i)
{
	for (int j = 0; j < NCHILD; j++) {
		struct node *n = atomic_load_explicit(&i->children[j], memory_order_relaxed);
		if (!n)
			continue;
		if (!n->is_entry) {
			free_subtree((struct indirect *)n);
			continue;
		}
		for (struct entry *e = (struct entry *)n; e;) {
			struct entry *next = atomic_load_explicit(&e->overflow, memory_order_relaxed);
			free_entry_now(e);
			e = next;
		}
	}
	free_indirect_now(i);
}

void mb_hashtrie_destroy(struct mb_hashtrie *m)
{
	if (!m)
		return;
	mb_reclaim_barrier(); /* retired objects count in m->reclaim; pruned nodes pooled */
	free_subtree(m->root);
	for (struct indirect *i = m->pool, *next; i; i = next) {
		next = i->pool_next;
		free_indirect_now(i);
	}
	pthread_mutex_destroy(&m->pool_mu);
	mb_free(MB_ALLOC_OTHER, m);
}

/* ---- the `hashtrie` design ---------------------------------------------------- */

#define AS_HT(base) ((struct mb_hashtrie *)(base))

static struct mb_map *ht_create(const struct mb_map_config *cfg)
{
	struct mb_hashtrie *m = mb_hashtrie_create(cfg);
	return m ? &m->base : NULL;
}

static void ht_destroy(struct mb_map *m)
{
	mb_hashtrie_destroy(AS_HT(m));
}

static int ht_load(struct mb_map *m, struct mb_key key, int64_t *val)
{
	return mb_hashtrie_load(AS_HT(m), key, val);
}

static int ht_store(struct mb_map *m, struct mb_key key, int64_t val)
{
	return mb_hashtrie_store(AS_HT(m), key, val);
}

static int ht_delete(struct mb_map *m, struct mb_key key)
{
	return mb_hashtrie_delete(AS_HT(m), key);
}

static int64_t ht_len(struct mb_map *m)
{
	return mb_hashtrie_len(AS_HT(m));
}

static int ht_range(struct mb_map *m, mb_map_range_fn fn, void *arg)
{
	return mb_hashtrie_range(AS_HT(m), fn, arg);
}

static int ht_load_or_store(struct mb_map *m, struct mb_key key, int64_t val, int64_t *actual)
{
	return mb_hashtrie_load_or_store(AS_HT(m), key, val, actual);
}

static int ht_load_and_delete(struct mb_map *m, struct mb_key key, int64_t *val)
{
	return mb_hashtrie_load_and_delete(AS_HT(m), key, val);
}

static int ht_swap(struct mb_map *m, struct mb_key key, int64_t val, int64_t *prev)
{
	return mb_hashtrie_swap(AS_HT(m), key, val, prev);
}

static int ht_compare_and_swap(struct mb_map *m, struct mb_key key, int64_t old, int64_t val)
{
	return mb_hashtrie_compare_and_swap(AS_HT(m), key, old, val);
}

static int ht_compare_and_delete(struct mb_map *m, struct mb_key key, int64_t old)
{
	return mb_hashtrie_compare_and_delete(AS_HT(m), key, old);
}

static size_t ht_stats(struct mb_map *m, struct mb_map_stat *out, size_t max)
{
	struct mb_hashtrie_stats st;
	mb_hashtrie_get_stats(AS_HT(m), &st);
	const struct mb_map_stat all[] = {
		{"trie_nodes", st.nodes},
		{"trie_max_depth", st.max_depth},
		{"overflow_entries", st.overflow},
		{"expansions", st.expansions},
		{"expansion_nodes", st.expand_nodes},
		{"collisions", st.collisions},
		{"prunes", st.prunes},
		{"restarts", st.restarts},
		{"parked_prunes", st.parked_prunes},
		{"pooled_nodes", st.pooled_nodes},
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

const struct mb_map_ops mb_hashtrie_ops = {
	.name = "hashtrie",
	.summary = "Go 1.24 sync.Map (HashTrieMap): 16-way hash trie, lock-free loads, a lock per node, RCU reclamation",
	.flags = MB_MAP_F_CONCURRENT | MB_MAP_F_LOCK,
	/* measured at 500k int keys: 88 B of entry, 24 of box and 77 of
	 * indirect nodes (0.33 per entry, 232 B each) live per entry; the rest
	 * is for replaced entries waiting for a grace period */
	.bytes_per_entry = 256,
	.create = ht_create,
	.destroy = ht_destroy,
	.load = ht_load,
	.store = ht_store,
	.delete = ht_delete,
	.len = ht_len,
	.range = ht_range,
	.load_or_store = ht_load_or_store,
	.load_and_delete = ht_load_and_delete,
	.swap = ht_swap,
	.compare_and_swap = ht_compare_and_swap,
	.compare_and_delete = ht_compare_and_delete,
	.thread_online = mb_reclaim_map_thread_online,
	.thread_offline = mb_reclaim_map_thread_offline,
	.stats = ht_stats,
};
