# Go's own map internals in the trace at the same op as mapbench's ports:
# one task, equal seeds; the load-factor grows of plain (a run of distinct
# inserts: doublings only) and the promotions and dirty-map rebuilds of
# sync depend only on the op sequence, so their op_index lists must be
# identical (Go 1.19's rules: grow when count > 6.5 * 2^B; promote when
# misses reach len(dirty); rebuild at the next new key).  Both drawn from
# a seed on each side, and replayed from a stream mapbench recorded.
. "$MB_SRCDIR/tests/cli/lib.sh"
. "$MB_SRCDIR/tests/cli/go_lib.sh"

case "$("$MAPBENCH_GO" --version)" in
*go1.19*) ;;
*) echo "SKIP: mapbench-go reads Go 1.19's layouts; this Go is $("$MAPBENCH_GO" --version)"; exit 77 ;;
esac

indices() { # FILE KIND...: the kinds' events as "kind op_index map_len" lines
	f=$1
	shift
	jq -r --args '.runs[0].pauses.events[] | select(.kind as $k | $ARGS.positional | index($k))
		| "\(.kind) \(.op_index) \(.map_len)"' "$@" < "$f"
}

same() { # NAME KINDS -- ARGS...
	name=$1 kinds=$2
	shift 2
	"$MAPBENCH" run "$@" -e none -q --format json > "$TMP/c.json" 2>/dev/null
	"$MAPBENCH_GO" "$@" --format json > "$TMP/g.json"
	indices "$TMP/c.json" $kinds > "$TMP/c.idx"
	indices "$TMP/g.json" $kinds > "$TMP/g.idx"
	[ -s "$TMP/c.idx" ] || fail "$name: mapbench recorded no $kinds"
	cmp -s "$TMP/c.idx" "$TMP/g.idx" ||
		fail "$name: $(diff "$TMP/c.idx" "$TMP/g.idx" | head -6 | tr '\n' ' ')"
}

off="--threads 1 --procs 1 --latency off --pause-threshold 0ns"
# 1M distinct inserts from empty: 18 doublings, the first at insert 9 (index 8)
same "plain grows" grow --map plain $off --keys 1M --prefill 0 --mix write --dist sequential --ops 1M
[ "$(wc -l < "$TMP/g.idx")" -eq 18 ] || fail "want 18 grows of 1M inserts, got $(wc -l < "$TMP/g.idx")"
[ "$(head -1 "$TMP/g.idx")" = "grow 8 8" ] || fail "first grow: $(head -1 "$TMP/g.idx")"
json_check "$TMP/g.json" '.runs[0].map_stats.grows == 18 and .runs[0].map_stats.same_size_grows == 0'
# the same under a lock
same "locked grows" grow --map locked $off --keys 200k --prefill 0 --mix write --dist sequential --ops 200k
# sync promotes often with misses on a small map, and rebuilds after each
same "sync promotions" "promote dirty-copy" --map sync $off --keys 2k --prefill 1k \
	--mix load=70,store=20,delete=10 --ops 200k
grep -q '^promote ' "$TMP/g.idx" && grep -q '^dirty-copy ' "$TMP/g.idx" ||
	fail "sync: no promote or no dirty-copy: $(head -3 "$TMP/g.idx")"
same "sync with load_or_store" "promote dirty-copy" --map sync $off --keys 500 --prefill 0 \
	--mix load=60,load_or_store=30,load_and_delete=10 --ops 100k

# Recorded streams replayed on both sides (mapbench-opstream(5)): a stream
# of 1M distinct inserts, and one that promotes often, recorded once by
# mapbench (binary and text), run back by mapbench and by mapbench-go.
rep="--procs 1 --latency off --pause-threshold 0ns"
"$MAPBENCH" run --map null --threads 1 --procs 1 --keys 1M --prefill 0 --mix write --dist sequential \
	--ops 1M --record "$TMP/grow.bin" -e none -q > /dev/null || fail "record the inserts"
same "plain grows, replayed" grow --map plain $rep --keys 1M --prefill 0 --replay "$TMP/grow.bin"
[ "$(wc -l < "$TMP/g.idx")" -eq 18 ] || fail "replayed: want 18 grows, got $(wc -l < "$TMP/g.idx")"
"$MAPBENCH" run --map null --threads 1 --procs 1 --keys 2k --prefill 1k --mix load=70,store=20,delete=10 \
	--ops 100k --record "$TMP/promote.txt" -e none -q > /dev/null || fail "record the promotions"
same "sync promotions, replayed" "promote dirty-copy" --map sync $rep --keys 2k --prefill 1k \
	--replay "$TMP/promote.txt"
grep -q '^promote ' "$TMP/g.idx" || fail "replayed sync: no promote"
finish
