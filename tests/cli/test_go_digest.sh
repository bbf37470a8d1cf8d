# The Go runner draws the same op stream as mapbench for a seed: equal
# op_digest (one digest per task, combined in task order) for uniform,
# sequential and hotspot keys, for several task counts and procs, on both
# sides alike; with one task, the same hits and final length too.
. "$MB_SRCDIR/tests/cli/lib.sh"
. "$MB_SRCDIR/tests/cli/go_lib.sh"

mix=load=40,store=20,delete=10,load_or_store=10,load_and_delete=5,swap=5,cas=5,cad=5
common="--keys 1000 --prefill 500 --ops 20k --latency off --pause-threshold off"
for dist in uniform sequential hotspot:0.2:0.8; do
	for tp in 1:1 3:1 3:2 1k:2; do
		t=${tp%:*} p=${tp#*:}
		"$MAPBENCH" run --map locked --threads "$t" --procs "$p" --dist "$dist" --mix "$mix" \
			$common -e none -q --format json > "$TMP/c.json" 2>"$TMP/err" || fail "mapbench: $(cat "$TMP/err")"
		"$MAPBENCH_GO" --map locked --threads "$t" --procs "$p" --dist "$dist" --mix "$mix" \
			$common --format json > "$TMP/g.json" 2>"$TMP/err" || fail "mapbench-go: $(cat "$TMP/err")"
		c=$(jq -r '.runs[0].op_digest' "$TMP/c.json")
		g=$(jq -r '.runs[0].op_digest' "$TMP/g.json")
		[ -n "$c" ] && [ "$c" = "$g" ] || fail "$dist threads $t procs $p: digest $c (C) vs $g (Go)"
		echo "$dist $t $c" >> "$TMP/digests"
	done
done
# the digest does not depend on procs: one per (dist, threads) pair
n=$(sort -u "$TMP/digests" | wc -l)
[ "$n" -eq 9 ] || fail "want 9 distinct (dist, threads, digest) lines, got $n: $(sort -u "$TMP/digests")"
# another seed, another stream
"$MAPBENCH_GO" --map locked --threads 3 --mix "$mix" $common --seed 2 --format json > "$TMP/s.json"
[ "$(jq -r '.runs[0].op_digest' "$TMP/s.json")" != "$(grep '^uniform 3 ' "$TMP/digests" | cut -d' ' -f3)" ] ||
	fail "seed 2 gave seed 1's digest"

# A warm-up op count is split per worker on both sides (task i on worker
# i % procs): the timed streams still match.
for p in 1 2; do
	w="--map locked --threads 5 --procs $p --warmup 3333 $common"
	c=$("$MAPBENCH" run $w -e none -q --format json 2>/dev/null | jq -r '.runs[0].op_digest')
	g=$("$MAPBENCH_GO" $w --format json | jq -r '.runs[0].op_digest')
	[ -n "$c" ] && [ "$c" = "$g" ] || fail "warm-up, procs $p: digest $c (C) vs $g (Go)"
done

# One task runs the very same ops: same hits per kind and final length,
# for every map, with string keys and value blobs too.
for m in plain locked rwlocked sync; do
	mx=$mix
	[ "$m" = sync ] && mx=load=50,store=20,delete=10,load_or_store=10,load_and_delete=10
	for extra in "" "--key-type string:4-20" "--value-size 24"; do
		"$MAPBENCH" run --map "$m" --threads 1 --mix "$mx" $common $extra -e none -q --format json > "$TMP/c.json" 2>/dev/null
		"$MAPBENCH_GO" --map "$m" --threads 1 --mix "$mx" $common $extra --format json > "$TMP/g.json"
		c=$(jq -c '.runs[0] | [.op_digest, .hits_by_kind, .final_len]' "$TMP/c.json")
		g=$(jq -c '.runs[0] | [.op_digest, .hits_by_kind, .final_len]' "$TMP/g.json")
		[ -n "$c" ] && [ "$c" = "$g" ] || fail "$m $extra: C $c vs Go $g"
	done
done

# Recorded streams: for the same options both sides record the same bytes
# (binary and text), and each replays the other's to the same digest.
rec="--map locked --threads 7 --procs 2 --mix $mix $common"
for f in s.bin s.txt; do
	"$MAPBENCH" run $rec --record "$TMP/c-$f" -e none -q > /dev/null || fail "mapbench --record $f"
	"$MAPBENCH_GO" $rec --record "$TMP/g-$f" > /dev/null || fail "mapbench-go --record $f"
	cmp -s "$TMP/c-$f" "$TMP/g-$f" || fail "$f: the recordings differ"
done
want=$("$MAPBENCH" run $rec -e none -q --format json | jq -r '.runs[0].op_digest')
rp="--keys 1000 --prefill 500 --latency off"
c=$("$MAPBENCH" run --map locked --procs 2 $rp --replay "$TMP/g-s.bin" -e none -q --format json | jq -r '.runs[0].op_digest')
g=$("$MAPBENCH_GO" --map locked --procs 2 $rp --replay "$TMP/c-s.txt" --format json | jq -r '.runs[0].op_digest')
[ "$c" = "$want" ] && [ "$g" = "$want" ] || fail "replays: C $c, Go $g, recorded $want"
finish
