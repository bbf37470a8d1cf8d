/* locked and rwlocked under real concurrency (built a second time with
 * ThreadSanitizer by make check):
 *  - concurrent writers on disjoint keys lose nothing;
 *  - readers racing single-owner writers never see a value go backwards
 *    (each key's value is a version its owner only increases);
 *  - rwlocked prefers writers: once a writer waits, a new reader waits too.
 */
#include "check.h"

#include "maps/locked.h"
#include "maps/map.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#define WRITERS 4
#define KEYS_PER_WRITER 20000
#define VERSIONS 40

struct writer_arg {
	struct mb_map *m;
	int id;
	int errors;
};

/* Owner id writes keys id*K .. id*K+K-1, then deletes every third one. */
static void *disjoint_writer(void *p)
{
	struct writer_arg *a = p;
	int64_t base = (int64_t)a->id * KEYS_PER_WRITER;
	for (int64_t k = base; k < base + KEYS_PER_WRITER; k++)
		if (mb_map_store(a->m, mb_key_int(k), k * 3) != 0)
			a->errors++;
	for (int64_t k = base; k < base + KEYS_PER_WRITER; k += 3)
		if (mb_map_delete(a->m, mb_key_int(k)) != 1)
			a->errors++;
	return NULL;
}

static void check_disjoint_writers(const struct mb_map_ops *ops)
{
	struct mb_map *m = ops->create(NULL);
	pthread_t t[WRITERS];
	struct writer_arg a[WRITERS];
	for (int i = 0; i < WRITERS; i++) {
		a[i] = (struct writer_arg){.m = m, .id = i};
		pthread_create(&t[i], NULL, disjoint_writer, &a[i]);
	}
	for (int i = 0; i < WRITERS; i++) {
		pthread_join(t[i], NULL);
		CHECK(a[i].errors == 0, "%s: writer %d saw %d errors", ops->name, i, a[i].errors);
	}
	int64_t want = 0;
	for (int64_t k = 0; k < (int64_t)WRITERS * KEYS_PER_WRITER; k++) {
		int64_t v = -1;
		int rc = mb_map_load(m, mb_key_int(k), &v);
		bool deleted = (k % KEYS_PER_WRITER) % 3 == 0;
		if (!deleted)
			want++;
		CHECK(rc == (deleted ? 0 : 1) && (deleted || v == k * 3),
		      "%s: key %lld rc %d value %lld", ops->name, (long long)k, rc,
		      (long long)v);
		if (check_failures > 10)
			break;
	}
	CHECK(mb_map_len(m) == want, "%s: len %lld, want %lld", ops->name,
	      (long long)mb_map_len(m), (long long)want);
	mb_map_destroy(m);
}

struct version_arg {
	struct mb_map *m;
	int id;
	atomic_int *writers_left;
	int regressions;
};

static void *version_writer(void *p)
{
	struct version_arg *a = p;
	for (int64_t v = 1; v <= VERSIONS; v++)
		for (int64_t k = a->id * 100; k < a->id * 100 + 100; k++)
			mb_map_store(a->m, mb_key_int(k), v);
	/* release: pairs with the readers' acquire load, so a reader that sees
	 * 0 writers left also sees every final store. */
	atomic_fetch_sub_explicit(a->writers_left, 1, memory_order_release);
	return NULL;
}

static void *version_reader(void *p)
{
	struct version_arg *a = p;
	int64_t last[WRITERS * 100] = {0};
	for (;;) {
		bool done = atomic_load_explicit(a->writers_left, memory_order_acquire) == 0;
		for (int64_t k = 0; k < WRITERS * 100; k++) {
			int64_t v = 0;
			if (mb_map_load(a->m, mb_key_int(k), &v) == 1) {
				if (v < last[k])
					a->regressions++;
				last[k] = v;
			}
		}
		if (done)
			break;
	}
	for (int64_t k = 0; k < WRITERS * 100; k++)
		if (last[k] != VERSIONS)
			a->regressions++;
	return NULL;
}

static void check_versions(const struct mb_map_ops *ops, size_t vsize)
{
	struct mb_map_config cfg = {.value_size = vsize};
	struct mb_map *m = ops->create(&cfg);
	atomic_int left = WRITERS;
	pthread_t w[WRITERS], r[2];
	struct version_arg wa[WRITERS], ra[2];
	for (int i = 0; i < WRITERS; i++) {
		wa[i] = (struct version_arg){.m = m, .id = i, .writers_left = &left};
		pthread_create(&w[i], NULL, version_writer, &wa[i]);
	}
	for (int i = 0; i < 2; i++) {
		ra[i] = (struct version_arg){.m = m, .writers_left = &left};
		pthread_create(&r[i], NULL, version_reader, &ra[i]);
	}
	for (int i = 0; i < WRITERS; i++)
		pthread_join(w[i], NULL);
	for (int i = 0; i < 2; i++) {
		pthread_join(r[i], NULL);
		CHECK(ra[i].regressions == 0, "%s: reader %d saw %d lost or backward writes",
		      ops->name, i, ra[i].regressions);
	}
	mb_map_destroy(m);
}

/* Writer preference, shown through range, which holds the read side for its
 * whole iteration: while the callback runs, a writer blocks; a reader that
 * arrives after the writer must block too, until range returns. */
struct pref {
	struct mb_map *m;
	atomic_bool writer_done;
	atomic_bool reader_done;
	bool reader_overtook;
	bool ran;
};

static void *pref_writer(void *p)
{
	struct pref *s = p;
	mb_map_store(s->m, mb_key_int(2), 2);
	atomic_store(&s->writer_done, true);
	return NULL;
}

static void *pref_reader(void *p)
{
	struct pref *s = p;
	int64_t v;
	mb_map_load(s->m, mb_key_int(1), &v);
	atomic_store(&s->reader_done, true);
	return NULL;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static bool pref_visit(struct mb_key k, int64_t val, void *arg)
{
	int64_t key = k.i;
	(void)key, (void)val;
	struct pref *s = arg;
	if (s->ran)
		return false;
	s->ran = true;
	pthread_t w, r;
	pthread_create(&w, NULL, pref_writer, s);
	sleep_ms(300); /* the writer is now queued behind our read lock */
	pthread_create(&r, NULL, pref_reader, s);
	sleep_ms(300);
	/* Neither may have got in while this reader holds the lock. */
	s->reader_overtook = atomic_load(&s->reader_done) || atomic_load(&s->writer_done);
	pthread_detach(w);
	pthread_detach(r);
	return false;
}

static void check_writer_preference(void)
{
	struct pref s = {.m = mb_rwlocked_ops.create(NULL)};
	atomic_init(&s.writer_done, false);
	atomic_init(&s.reader_done, false);
	mb_map_store(s.m, mb_key_int(1), 1);
	mb_map_range(s.m, pref_visit, &s);
	CHECK(s.ran, "range visited the entry");
	CHECK(!s.reader_overtook, "a new reader got past a waiting writer");
	while (!atomic_load(&s.writer_done) || !atomic_load(&s.reader_done))
		sleep_ms(5);
	mb_map_destroy(s.m);
}

int main(void)
{
	const struct mb_map_ops *designs[] = {&mb_locked_ops, &mb_rwlocked_ops};
	for (int i = 0; i < 2; i++) {
		check_disjoint_writers(designs[i]);
		check_versions(designs[i], 0);
		/* value blobs: freed by writers under the write lock while
		 * readers read them under the read lock */
		check_versions(designs[i], 64);
	}
	check_writer_preference();
	CHECK_DONE();
}
