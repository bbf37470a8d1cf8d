# The designs with many locks take --lock as locked does: sharded:N (a
# lock per shard) and hashtrie (a lock per trie node) run once per lock,
# record it, and label it; tasks park on their locks with go.  And how long
# a duration run overran its deadline.
. "$MB_SRCDIR/tests/cli/lib.sh"

for map in sharded:4 hashtrie; do
	expect_exit 0 "$MAPBENCH" run --map "$map" --lock go,pthread,spin --threads 1k --procs 2 \
		--ops 50k --keys 64 --prefill 32 --mix 20:40:40 -e none --format json -q
	json_check "$TMP/out" '(.runs | length) == 3 and .config.locks == ["go","pthread","spin"]'
	json_check "$TMP/out" '[.runs[].lock.policy] == ["go","pthread","spin"]'
	json_check "$TMP/out" '[.runs[].ops] == [50000,50000,50000] and all(.runs[]; .outcome == "ok")'
	json_check "$TMP/out" 'all(.runs[]; .lock.parks == .lock.wakeups)'
	json_check "$TMP/out" '.runs[1].lock.parks == 0 and .runs[2].lock.parks == 0'
	json_check "$TMP/out" 'all(.runs[]; .lock.blocked <= .lock.parks) and (.runs[0].lock.parks == 0 or .runs[0].lock.blocked > 0)'
	json_check "$TMP/out" 'all(.runs[]; .lock.acquisitions.write > 0)'
	# every task runs at least once and every woken one again; a lock that
	# parks nobody leaves no run queue to count
	json_check "$TMP/out" '.runs[0].lock.switches >= ([1000, .runs[0].lock.wakeups] | max)'
	json_check "$TMP/out" '.runs[1].lock.switches == 0 and .runs[2].lock.switches == 0'
	# the table labels a lock other than go, so compare never merges them
	expect_exit 0 "$MAPBENCH" run --map "$map" --lock pthread,spin --threads 2 --ops 1k -e none
	expect_grep "^$map/pthread " "$TMP/out"
	expect_grep "^$map/spin " "$TMP/out"
done
# CSV: the lock column filled for them, empty for a design without a lock.
expect_exit 0 "$MAPBENCH" run --map plain,hashtrie,sharded --lock spin --threads 2 --ops 1k \
	-e none --csv "$TMP/l.csv" -q
col=$(head -1 "$TMP/l.csv" | tr ',' '\n' | grep -n '^lock$' | cut -d: -f1)
[ -n "$col" ] || fail "no lock column"
[ "$(tail -n +2 "$TMP/l.csv" | cut -d, -f"$col" | tr '\n' ' ')" = " spin spin " ] ||
	fail "lock column: $(tail -n +2 "$TMP/l.csv" | cut -d, -f"$col" | tr '\n' ' ')"
# A duration run: parked tasks finish after the deadline; overrun_s says by
# how much, and elapsed_s counts it (elapsed = duration + overrun); a run of
# --ops has no deadline to overrun.
expect_exit 0 "$MAPBENCH" run --map locked --threads 100k --procs 2 --duration 200ms \
	--keys 10k -e none --format json -q
json_check "$TMP/out" '.runs[0].overrun_s >= 0 and ((.runs[0].elapsed_s - .runs[0].overrun_s - 0.2) | fabs) < 1e-6'
expect_exit 0 "$MAPBENCH" run --map locked --threads 2 --ops 1k -e none --format json -q
json_check "$TMP/out" '.runs[0].overrun_s == null'
# Bad input names the option.
expect_usage --lock run --map hashtrie --lock futex
expect_usage --lock run --map sharded:4 --lock go,
finish
