/* Every design of the registry against a reference model, under any
 * sequence of every op of map.h, run by 1 to 3 real threads in an order the
 * input decides.
 *
 * Input: a header byte, then 3 bytes per op.
 *   header   bit 0 grow mode (stw / incremental), bits 1-2 thread count
 *            (1 + value % 3), bit 3 a size hint, the whole byte the hash seed
 *   op       byte A: low 4 bits the op, high 4 bits the thread (mod count)
 *            byte K: the key's low 8 bits
 *            byte V: bit 0 the key's 9th bit, bits 1-7 the value (0..127)
 * Threads take turns with a baton (a mutex, a condition variable each): the
 * thread the next op names runs it, checks it against the model and passes
 * the baton on, so the map sees exactly the input's interleaving, each op
 * on the thread it names, every thread registered with the map
 * (thread_online / thread_offline) as the runner's workers are.  Each
 * design runs every input.  Small values and 512 keys make compare-and-swap
 * hits, growth, same-size grows, sync's promotions and dirty rebuilds
 * frequent.  The null design must answer "missing" to everything. */
#include "fuzz.h"

#include "maps/map.h"
#include "maps/registry.h"

#include <pthread.h>
#include <string.h>

#define KEYS 512
#define MAX_THREADS 3
#define MAX_OPS 4096

enum {
	OP_LOAD,
	OP_STORE,
	OP_DELETE,
	OP_LOAD_OR_STORE,
	OP_LOAD_AND_DELETE,
	OP_SWAP,
	OP_CAS_CURRENT, /* compare_and_swap expecting the model's value */
	OP_CAD_CURRENT, /* compare_and_delete expecting the model's value */
	OP_RANGE,       /* the whole map */
	OP_LEN,
	OP_RANGE_STOP,  /* stops after V % 4 + 1 entries */
	OP_CAS,         /* compare_and_swap expecting V */
	OP_CAD,         /* compare_and_delete expecting V */
	OP_STORE2,      /* more stores than the rest, so maps grow */
	OP_STORE3,
	OP_LOAD2,
};

struct op {
	uint8_t thread, kind;
	int64_t key, val;
};

struct model {
	bool present[KEYS];
	int64_t val[KEYS];
	int64_t len;
};

struct fuzz_run {
	const struct mb_map_ops *ops;
	struct mb_map *m;
	bool null; /* the null design: every answer is "missing" */
	struct model ref;
	const struct op *sched;
	size_t nops;
	size_t turn; /* index of the op to run next; under mu */
	pthread_mutex_t mu;
	pthread_cond_t cv[MAX_THREADS]; /* thread t waits on cv[t] for its turn */
};

struct worker {
	struct fuzz_run *r;
	unsigned id;
};

static void fail(const struct fuzz_run *r, size_t i, const char *what, int rc)
{
	const struct op *o = &r->sched[i];
	fprintf(stderr, "fuzz_maps: %s: op %zu (kind %u, key %lld, val %lld, thread %u): %s (rc %d)\n",
		r->ops->name, i, o->kind, (long long)o->key, (long long)o->val, o->thread, what, rc);
	abort();
}

#define EXPECT(cond, what)                          \
	do {                                        \
		if (!(cond))                        \
			fail(r, i, what, rc);       \
	} while (0)

struct visit {
	const struct model *ref;
	bool null;
	unsigned char hits[KEYS];
	int64_t n, stop_after;
	int bad;
};

static bool visit(struct mb_key k, int64_t val, void *arg)
{
	struct visit *v = arg;
	int64_t key = k.i;
	if (v->null || key < 0 || key >= KEYS || !v->ref->present[key] || v->ref->val[key] != val ||
	    v->hits[key]++)
		v->bad++;
	v->n++;
	return v->stop_after == 0 || v->n < v->stop_after;
}

/* Runs op i on the calling thread and applies it to the model. */
static void run_op(struct fuzz_run *r, size_t i)
{
	const struct op *o = &r->sched[i];
	struct model *ref = &r->ref;
	const int64_t key = o->key, v = o->val;
	const struct mb_key mk = mb_key_int(key);
	const bool had = !r->null && ref->present[key];
	const int64_t old = ref->val[key];
	int64_t got = -1;
	int rc = 0;
	switch (o->kind) {
	case OP_STORE:
	case OP_STORE2:
	case OP_STORE3:
		rc = mb_map_store(r->m, mk, v);
		EXPECT(rc == 0, "store");
		ref->present[key] = true;
		ref->val[key] = v;
		break;
	case OP_DELETE:
		rc = mb_map_delete(r->m, mk);
		EXPECT(rc == had, "delete");
		ref->present[key] = false;
		break;
	case OP_LOAD_OR_STORE:
		rc = mb_map_load_or_store(r->m, mk, v, &got);
		EXPECT(rc == had && got == (had ? old : v), "load_or_store");
		if (!had)
			ref->present[key] = true, ref->val[key] = v;
		break;
	case OP_LOAD_AND_DELETE:
		rc = mb_map_load_and_delete(r->m, mk, &got);
		EXPECT(rc == had && (!had || got == old), "load_and_delete");
		ref->present[key] = false;
		break;
	case OP_SWAP:
		rc = mb_map_swap(r->m, mk, v, &got);
		EXPECT(rc == had && (!had || got == old), "swap");
		ref->present[key] = true;
		ref->val[key] = v;
		break;
	case OP_CAS_CURRENT:
	case OP_CAS: {
		int64_t expect = o->kind == OP_CAS ? v : old, val = (v * 5 + key) & 127;
		rc = mb_map_compare_and_swap(r->m, mk, expect, val);
		bool swap = had && expect == old;
		EXPECT(rc == swap, "compare_and_swap");
		if (swap)
			ref->val[key] = val;
		break;
	}
	case OP_CAD_CURRENT:
	case OP_CAD: {
		int64_t expect = o->kind == OP_CAD ? v : old;
		rc = mb_map_compare_and_delete(r->m, mk, expect);
		bool del = had && expect == old;
		EXPECT(rc == del, "compare_and_delete");
		if (del)
			ref->present[key] = false;
		break;
	}
	case OP_RANGE:
	case OP_RANGE_STOP: {
		struct visit vis;
		memset(&vis, 0, sizeof vis);
		vis.ref = ref;
		vis.null = r->null;
		vis.stop_after = o->kind == OP_RANGE_STOP ? v % 4 + 1 : 0;
		rc = mb_map_range(r->m, visit, &vis);
		EXPECT(rc == 0, "range failed");
		EXPECT(vis.bad == 0, "range yielded a key not in the model, a wrong value or a key twice");
		int64_t want = r->null ? 0 : ref->len;
		if (vis.stop_after && vis.stop_after < want)
			want = vis.stop_after;
		EXPECT(vis.n == want, "range visited the wrong number of entries");
		break;
	}
	case OP_LEN:
		EXPECT(mb_map_len(r->m) == (r->null ? 0 : ref->len), "len");
		break;
	default:
		rc = mb_map_load(r->m, mk, &got);
		EXPECT(rc == had && (!had || got == old), "load");
	}
	if (r->null)
		ref->present[key] = false;
	ref->len += (int64_t)ref->present[key] - (int64_t)had;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct fuzz_run *r = w->r;
	mb_map_thread_online(r->m);
	pthread_mutex_lock(&r->mu);
	for (;;) {
		while (r->turn < r->nops && r->sched[r->turn].thread != w->id)
			pthread_cond_wait(&r->cv[w->id], &r->mu);
		if (r->turn == r->nops)
			break;
		/* The baton: the op runs outside the mutex, but no other
		 * thread runs one until turn moves on (their waits see the
		 * mutex's ordering: the map's state and the model are handed
		 * over with it). */
		size_t i = r->turn;
		pthread_mutex_unlock(&r->mu);
		run_op(r, i);
		pthread_mutex_lock(&r->mu);
		/* wake the thread whose turn it is now, or all at the end */
		if (++r->turn == r->nops) {
			for (unsigned t = 0; t < MAX_THREADS; t++)
				pthread_cond_signal(&r->cv[t]);
		} else if (r->sched[r->turn].thread != w->id) {
			pthread_cond_signal(&r->cv[r->sched[r->turn].thread]);
		}
	}
	pthread_mutex_unlock(&r->mu);
	mb_map_thread_offline(r->m);
	return NULL;
}

static void run_design(const struct mb_map_ops *ops, const struct mb_map_config *cfg,
		       const struct op *sched, size_t nops, unsigned nthreads)
{
	static struct fuzz_run r; /* the model is too big for a small stack */
	memset(&r, 0, sizeof r);
	r.ops = ops;
	r.null = strcmp(ops->name, "null") == 0;
	r.sched = sched;
	r.nops = nops;
	r.m = ops->create(cfg);
	FUZZ_CHECK(r.m != NULL);
	if (nthreads == 1) {
		mb_map_thread_online(r.m);
		for (size_t i = 0; i < nops; i++)
			run_op(&r, i);
	} else {
		pthread_mutex_init(&r.mu, NULL);
		for (unsigned t = 0; t < MAX_THREADS; t++)
			pthread_cond_init(&r.cv[t], NULL);
		pthread_t tid[MAX_THREADS];
		struct worker w[MAX_THREADS];
		for (unsigned t = 0; t < nthreads; t++) {
			w[t] = (struct worker){&r, t};
			FUZZ_CHECK(pthread_create(&tid[t], NULL, worker_main, &w[t]) == 0);
		}
		for (unsigned t = 0; t < nthreads; t++)
			pthread_join(tid[t], NULL);
		for (unsigned t = 0; t < MAX_THREADS; t++)
			pthread_cond_destroy(&r.cv[t]);
		pthread_mutex_destroy(&r.mu);
		mb_map_thread_online(r.m);
	}
	/* The final state, seen from the calling thread. */
	struct op last = {.kind = OP_RANGE};
	r.sched = &last;
	run_op(&r, 0);
	last.kind = OP_LEN;
	run_op(&r, 0);
	/* The design's own counters: named, within the bound. */
	struct mb_map_stat st[MB_MAP_MAX_STATS];
	size_t nst = mb_map_stats(r.m, st, MB_MAP_MAX_STATS);
	FUZZ_CHECK(nst <= MB_MAP_MAX_STATS);
	for (size_t i = 0; i < nst; i++)
		FUZZ_CHECK(st[i].name && st[i].name[0]);
	mb_map_thread_offline(r.m);
	mb_map_destroy(r.m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static struct op sched[MAX_OPS];
	const uint8_t h = data[0];
	const unsigned nthreads = 1 + (h >> 1) % 3;
	struct mb_map_config cfg = {
		.hash_seed = h,
		.hash_seed_set = true,
		.size_hint = (h & 8) ? 100 : 0,
		.grow = (h & 1) ? MB_MAP_GROW_STW : MB_MAP_GROW_INCREMENTAL,
	};
	size_t nops = 0;
	for (size_t i = 1; i + 2 < size && nops < MAX_OPS; i += 3) {
		struct op *o = &sched[nops++];
		o->kind = data[i] & 15;
		o->thread = (uint8_t)((data[i] >> 4) % nthreads);
		o->key = (int64_t)(data[i + 1] | (data[i + 2] & 1) << 8);
		o->val = data[i + 2] >> 1;
	}
	for (size_t d = 0; d < mb_registry_count(); d++)
		run_design(mb_registry_at(d), &cfg, sched, nops, nthreads);
	return 0;
}
