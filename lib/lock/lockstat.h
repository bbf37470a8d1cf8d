/* mb_lockstat: what the locks of lib/lock measure, per thread.
 *
 * A worker attaches one struct mb_lock_stats (mb_lockstat_attach) and every
 * lock event on that thread lands in it: acquisitions and contended
 * acquisitions per side (read/write), parks, acquires that parked (once
 * however often they parked), wake-ups given, hand-offs,
 * starvation-mode entries and exits, the longest wait queue seen, and,
 * when the histograms are set, wait times (contended acquisitions, from the
 * slow path's entry to owning the lock, parked time included) and hold times
 * (1 acquisition in hold_every, acquire to release, on the same thread).
 * Threads without stats (the main thread's prefill, tests) pay one
 * thread-local load per event and record nothing.  The runner merges the
 * workers' stats after join (mb_lockstat_merge).
 * Threads: a struct belongs to its thread while attached.
 */
#ifndef MB_LOCK_LOCKSTAT_H
#define MB_LOCK_LOCKSTAT_H

#include "measure/hist.h"
#include "measure/timer.h"

#include <stdbool.h>
#include <stdint.h>

enum mb_lock_side { MB_LOCK_READ = 0, MB_LOCK_WRITE = 1, MB_LOCK_NSIDES };

struct mb_lock_stats {
	uint64_t acquisitions[MB_LOCK_NSIDES];
	uint64_t contended[MB_LOCK_NSIDES]; /* took the slow path */
	uint64_t parks;          /* a task left its worker to wait */
	uint64_t blocked;        /* acquires that parked at least once (Go's block events) */
	uint64_t wakeups;        /* waiters woken by this thread's releases */
	uint64_t handoffs;       /* releases in starvation mode (ownership handed over) */
	uint64_t starve_enter, starve_exit;
	uint64_t max_waiters;    /* the longest wait queue one enqueue saw */
	struct mb_hist *wait[MB_LOCK_NSIDES]; /* or NULL: not kept */
	struct mb_hist *hold[MB_LOCK_NSIDES];
	uint32_t hold_every;     /* time 1 hold in N; 0 none */
	uint32_t hold_left;
	/* CLOCK_MONOTONIC at the sampled acquisition, or 0: where the TSC
	 * must be fenced (or traps, in some VMs) a clock_gettime is cheaper. */
	uint64_t hold_t0;
};

extern _Thread_local struct mb_lock_stats *mb_lockstat_tls;

/* The calling thread's stats from now on (NULL: none). */
static inline void mb_lockstat_attach(struct mb_lock_stats *s)
{
	mb_lockstat_tls = s;
}

static inline struct mb_lock_stats *mb_lockstat_get(void)
{
	return mb_lockstat_tls;
}

/* An acquisition of side completed; contended when it took the slow path,
 * waited_ns its wait then.  Starts a hold-time sample 1 time in hold_every. */
static inline void mb_lockstat_acquired(enum mb_lock_side side, bool contended, uint64_t waited_ns)
{
	struct mb_lock_stats *s = mb_lockstat_tls;
	if (!s)
		return;
	s->acquisitions[side]++;
	if (contended) {
		s->contended[side]++;
		if (s->wait[side])
			mb_hist_record(s->wait[side], waited_ns);
	}
	if (s->hold_every && --s->hold_left == 0) {
		s->hold_left = s->hold_every;
		s->hold_t0 = mb_timer_monotonic_ns();
	}
}

/* The clock when this thread keeps a wait histogram for side, else 0: a
 * contended acquire reads the clock at its start and its end only to time
 * the wait, and Go's Mutex reads none there (only when it sleeps, for the
 * starvation rule), so without the histogram (--latency off) neither does
 * this.  The wait then records as 0 (not kept anyway). */
static inline uint64_t mb_lockstat_wait_start(enum mb_lock_side side)
{
	struct mb_lock_stats *s = mb_lockstat_tls;
	return s && s->wait[side] ? mb_timer_monotonic_ns() : 0;
}

/* The wait since t0 (from mb_lockstat_wait_start), or 0 when untimed. */
static inline uint64_t mb_lockstat_waited(uint64_t t0)
{
	return t0 ? mb_timer_monotonic_ns() - t0 : 0;
}

/* A release of side: ends a hold-time sample if one runs. */
static inline void mb_lockstat_released(enum mb_lock_side side)
{
	struct mb_lock_stats *s = mb_lockstat_tls;
	if (!s || !s->hold_t0)
		return;
	if (s->hold[side])
		mb_hist_record(s->hold[side], mb_timer_monotonic_ns() - s->hold_t0);
	s->hold_t0 = 0;
}

/* Counter bumps for the rarer events. */
#define MB_LOCKSTAT_ADD(field, n) do {                                   \
		struct mb_lock_stats *s_ = mb_lockstat_tls;              \
		if (s_)                                                  \
			s_->field += (n);                                \
	} while (0)

void mb_lockstat_queue_len(uint64_t n);

/* Sets up s with histograms (allocated, zeroed) when hists is true, holds
 * timed 1 in hold_every.  Returns 0 or -ENOMEM. */
int mb_lockstat_init(struct mb_lock_stats *s, bool hists, uint32_t hold_every);
void mb_lockstat_free(struct mb_lock_stats *s);
/* Adds src's counts into dst (histograms only where both have them). */
void mb_lockstat_merge(struct mb_lock_stats *dst, const struct mb_lock_stats *src);

#endif
