/* Lock statistics: nothing without attached stats, counts per side, a hold
 * sampled 1 in hold_every, the wait histogram on contended acquisitions
 * only, and merging (sums, and the longest queue as a maximum). */
#include "check.h"

#include "lock/lockstat.h"

int main(void)
{
	mb_lockstat_acquired(MB_LOCK_READ, true, 5); /* no stats: nothing happens */
	mb_lockstat_released(MB_LOCK_READ);

	struct mb_lock_stats a, b;
	CHECK(mb_lockstat_init(&a, true, 2) == 0 && mb_lockstat_init(&b, true, 0) == 0, "init");
	mb_lockstat_attach(&a);
	CHECK(mb_lockstat_get() == &a, "attached");
	for (int i = 0; i < 4; i++) {
		mb_lockstat_acquired(MB_LOCK_READ, i == 3, 1000);
		mb_lockstat_released(MB_LOCK_READ);
	}
	mb_lockstat_acquired(MB_LOCK_WRITE, true, 7);
	mb_lockstat_released(MB_LOCK_WRITE);
	MB_LOCKSTAT_ADD(parks, 2);
	MB_LOCKSTAT_ADD(blocked, 1);
	mb_lockstat_queue_len(5);
	mb_lockstat_queue_len(3);
	mb_lockstat_attach(&b);
	mb_lockstat_queue_len(9);
	MB_LOCKSTAT_ADD(handoffs, 1);
	mb_lockstat_attach(NULL);

	CHECK(a.acquisitions[MB_LOCK_READ] == 4 && a.acquisitions[MB_LOCK_WRITE] == 1, "acquisitions");
	CHECK(a.contended[MB_LOCK_READ] == 1 && a.contended[MB_LOCK_WRITE] == 1, "contended");
	CHECK(a.wait[MB_LOCK_READ]->count == 1 && a.wait[MB_LOCK_READ]->max == 1000, "wait hist");
	/* acquisitions 2 and 4 of reads are sampled (1 in 2), the write is the 5th: not */
	CHECK(a.hold[MB_LOCK_READ]->count == 2 && a.hold[MB_LOCK_WRITE]->count == 0,
	      "holds %llu %llu", (unsigned long long)a.hold[MB_LOCK_READ]->count,
	      (unsigned long long)a.hold[MB_LOCK_WRITE]->count);
	CHECK(a.parks == 2 && a.max_waiters == 5, "parks, longest queue");
	mb_lockstat_merge(&b, &a);
	CHECK(b.acquisitions[MB_LOCK_READ] == 4 && b.parks == 2 && b.blocked == 1 && b.handoffs == 1 &&
	      b.max_waiters == 9 && b.wait[MB_LOCK_READ]->count == 1, "merged");
	mb_lockstat_free(&a);
	mb_lockstat_free(&b);
	CHECK_DONE();
}
