# The Go runner's JSON passes mapbench's schema check (man/mapbench-json.5):
# every field it writes is documented with its type, and it has every
# documented field except those only mapbench's C side can fill (hardware
# counters, reclamation batches, the lock statistics of the C port's locks).  mapbench compare reads it, and the
# implementation names Go.
. "$MB_SRCDIR/tests/cli/lib.sh"
. "$MB_SRCDIR/tests/cli/go_lib.sh"
. "$MB_SRCDIR/tests/cli/schema_lib.sh"

schema_documented

# Every op on the maps that have them (sync.Map of Go 1.19 has no swap,
# cas, cad), pause events of every kind Go has (gc: a heap big enough to
# collect; grow; promote and dirty-copy), latency per kind.
"$MAPBENCH_GO" --map plain,locked --threads 1 --keys 20k --prefill 0 \
	--mix load=40,store=20,delete=10,load_or_store=5,load_and_delete=5,swap=5,cas=5,cad=5,range=5 \
	--value-size 64 --ops 4000 --pause-threshold 0ns --latency all -o "$TMP/a.json" >/dev/null ||
	fail "mapbench-go exit $?"
"$MAPBENCH_GO" --map sync --threads 2 --procs 2 --keys 1k --prefill 0 \
	--mix load=50,store=20,delete=10,load_or_store=10,load_and_delete=10 \
	--value-size 512 --ops 100k --pause-threshold 0ns -o "$TMP/b.json" >/dev/null || fail "mapbench-go exit $?"
# --lock-profile: the acquires of Go's locks that slept, from its block profile (100
# goroutines writing on 2 procs park on locked's and rwlocked's; sync's
# mutex may see none), null for plain and without it.
"$MAPBENCH_GO" --map locked,rwlocked,sync --threads 100 --procs 2 --keys 1k --mix write \
	--ops 400k --lock-profile -o "$TMP/l.json" >/dev/null || fail "mapbench-go --lock-profile exit $?"
json_check "$TMP/l.json" '[.runs[].lock.policy] == ["go", "go", "go"]'
json_check "$TMP/l.json" '[.runs[].lock.blocked] | all(type == "number") and .[0] > 0 and .[1] > 0'
"$MAPBENCH_GO" --map plain,locked --threads 1 --ops 1k --lock-profile -o "$TMP/n.json" >/dev/null
json_check "$TMP/n.json" '.runs[0].lock == null and .runs[1].lock.blocked == 0'
# Goroutine switches, estimated from the scheduler's metrics, with or without
# the profile: 100 goroutines start (each made running once at least) and
# park; blocked is null without --lock-profile.
json_check "$TMP/l.json" '[.runs[].lock.switches] | all(type == "number" and . >= 8) and .[0] >= 100'
json_check "$TMP/b.json" '.runs[0].lock.policy == "go" and (.runs[0].lock.switches | type) == "number" and .runs[0].lock.blocked == null'
json_check "$TMP/a.json" '.runs[0].lock == null and .runs[1].lock.blocked == null'
schema_actual "$TMP/a.json" "$TMP/b.json" "$TMP/l.json"
schema_check_documented
schema_check_present -e '^runs\[\]\.counters\[\]' -e '^config\.events\[\]$' \
	-e '^runs\[\]\.pauses\.events\[\]\.\(grace_ns\|objects\|bytes\|moved\)$' \
	-e '^runs\[\]\.lock\.'

json_check "$TMP/a.json" '.implementation | test("^Go go1\\.")'
json_check "$TMP/a.json" '.host.compiler | test("^go1\\.")'
json_check "$TMP/a.json" '[.runs[].pauses.by_kind.grow.count] | all(. > 0)'
json_check "$TMP/a.json" '[.runs[].pauses.events[] | select(.kind == "grow") | .op_index] | all(type == "number")'
json_check "$TMP/a.json" '[.runs[].alloc.allocs_per_op] | all(. > 0)'
# Go's runtime does not count the entries a growth step moves: no moved
json_check "$TMP/a.json" '[.runs[].pauses.events[] | has("moved")] | any | not'
json_check "$TMP/b.json" '.runs[0].pauses.by_kind.promote.count > 0'
json_check "$TMP/b.json" '.runs[0].pauses.by_kind.gc.count > 0 and ([.runs[0].pauses.events[] | select(.kind == "gc") | .op_index, .worker] | all(. == null))'

# mapbench's own document names its implementation too
"$MAPBENCH" run --map plain --threads 1 --ops 1k -e none -q -o "$TMP/c.json" >/dev/null
json_check "$TMP/c.json" '.implementation | test("^mapbench C [0-9]")'

# compare reads it, run label by run label
"$MAPBENCH" run --map plain --threads 1 --procs 1 --ops 20k --count 3 -e none -q -o "$TMP/c3.json" >/dev/null
"$MAPBENCH_GO" --map plain --threads 1 --procs 1 --ops 20k --count 3 -o "$TMP/g3.json" >/dev/null
expect_exit 0 "$MAPBENCH" compare "$TMP/g3.json" "$TMP/c3.json"
expect_grep 'plain/threads=1/procs=1' "$TMP/out"
finish
