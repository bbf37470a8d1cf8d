# Small runs of every map, the sweep's cross product, and the JSON result.
. "$MB_SRCDIR/tests/cli/lib.sh"

small="--ops 20000 --keys 1000 --prefill 500"

for m in plain locked rwlocked sync null; do
	expect_exit 0 "$MAPBENCH" run --map "$m" --threads 1,4 $small
	rows=$(grep -c "^$m " "$TMP/out")
	[ "$rows" -eq 2 ] || fail "$m: want 2 table rows, got $rows"
	grep "^$m " "$TMP/out" | grep -qv " ok" && fail "$m: a run did not end ok"
done

# Cross product: 3 maps x 2 thread counts = 6 runs, in one document.
expect_exit 0 "$MAPBENCH" run --map rwlocked,locked,null --threads 2,1k $small \
	--procs 2 --mix 80:10:10 --seed 7 --hash-seed 42 -o "$TMP/r.json"
json_check "$TMP/r.json" '.schema == "mapbench/1"'
json_check "$TMP/r.json" '.runs | length == 6'
json_check "$TMP/r.json" '[.runs[].map] == ["rwlocked","rwlocked","locked","locked","null","null"]'
json_check "$TMP/r.json" '[.runs[].threads] == [2,1000,2,1000,2,1000]'
json_check "$TMP/r.json" '.runs | all(.ops == 20000 and .outcome == "ok" and .error == null)'
json_check "$TMP/r.json" '.runs | all((.ops_by_kind | add) == .ops)'
json_check "$TMP/r.json" '.runs | all(.task_bytes > 0 and .spawn_s >= 0)'
json_check "$TMP/r.json" '[.runs[] | select(.threads == 1000) | .task_bytes < 64] | all'
json_check "$TMP/r.json" '.runs | all(.latency_ns.samples > 0 and .latency_ns.p50 <= .latency_ns.p99 and .latency_ns.p99 <= .latency_ns.max)'
json_check "$TMP/r.json" '.config.mix.load_pct == 80 and .config.mix.store_pct == 10 and .config.mix.delete_pct == 10 and .config.mix.range_pct == 0'
json_check "$TMP/r.json" '.config.hash_seed == 42 and .config.seed == 7 and .config.ops == 20000'
json_check "$TMP/r.json" '.config.threads == [2,1000] and .command_line[0] == "mapbench run"'
json_check "$TMP/r.json" '.host.cpus_online >= 1 and (.host.cpu_model | length) > 0'
json_check "$TMP/r.json" '.mapbench_version == .host.mapbench_version and .interrupted == false'
json_check "$TMP/r.json" '.runs | all(.procs == 2)'

# plain is not safe for concurrent writers, but with an explicit --procs it
# gets them; concurrent readers are safe, as in Go.
expect_exit 0 "$MAPBENCH" run --map plain --threads 2 --procs 2 --mix read $small -o "$TMP/p.json"
json_check "$TMP/p.json" '.runs[0].procs == 2 and .runs[0].outcome == "ok" and .runs[0].load_hits > 0'

# Without --procs, plain runs on one worker; the concurrent maps on all CPUs.
expect_exit 0 "$MAPBENCH" run --map plain,locked --threads 4 $small --format json
json_check "$TMP/out" '.runs[0].procs == 1 and .runs[1].procs == .host.cpus_online'

# The same seeds give the same op split and final map (one worker).
for i in 1 2; do
	"$MAPBENCH" run --map plain --threads 3 $small --mix 50:30:20 --seed 9 \
		--hash-seed 1 --format json > "$TMP/d$i.json" || fail "determinism run $i"
done
a=$(jq -c '.runs[0] | [.ops_by_kind, .load_hits, .final_len, .op_digest]' "$TMP/d1.json")
b=$(jq -c '.runs[0] | [.ops_by_kind, .load_hits, .final_len, .op_digest]' "$TMP/d2.json")
[ "$a" = "$b" ] || fail "same seeds, different runs: $a vs $b"

# Every sync.Map operation by name, on every map; sync reports its counters.
mix="load=40,store=10,delete=5,load_or_store=10,load_and_delete=5,swap=10,cas=10,cad=5,range=5"
expect_exit 0 "$MAPBENCH" run --map sync,locked,plain,null --threads 4 --procs 2 --mix read \
	--keys 1000 --prefill 1000 --ops 1000 --format json
expect_exit 0 "$MAPBENCH" run --map sync,locked,rwlocked --threads 4 --procs 2 --mix "$mix" \
	--keys 200 --prefill 100 --ops 20000 -o "$TMP/ops.json"
json_check "$TMP/ops.json" '.runs | all(.outcome == "ok" and (.ops_by_kind | add) == .ops)'
json_check "$TMP/ops.json" '.runs | all(.ops_by_kind.cas > 0 and .hits_by_kind.cas > 0 and .hits_by_kind.cas < .ops_by_kind.cas)'
json_check "$TMP/ops.json" '.runs | all(.range_entries > 0)'
json_check "$TMP/ops.json" '.config.mix.range_pct == 5 and .config.mix.load_or_store_pct == 10'
json_check "$TMP/ops.json" '.runs[0].map_stats | has("promotions") and has("dirty_rebuilds") and has("rebuild_max_ns") and has("retired_pending_bytes")'
json_check "$TMP/ops.json" '.runs[0].map_stats.promotions > 0 and .runs[1].map_stats == {}'
json_check "$TMP/ops.json" '.runs[0].final_len >= 0 and .runs[0].final_len <= 200'

# --count: each configuration repeated, each repetition its own record.
expect_exit 0 "$MAPBENCH" run --map null,locked --threads 1,2 --count 3 --ops 1000 --keys 10 \
	--format json
json_check "$TMP/out" '.config.count == 3 and (.runs | length) == 12'
json_check "$TMP/out" '[.runs[].rep] == [1,2,3,1,2,3,1,2,3,1,2,3]'
json_check "$TMP/out" '[.runs[] | "\(.map)/\(.threads)"] | .[0:4] == ["null/1","null/1","null/1","null/2"]'

# --latency: every op, none, or 1 in N; per-kind percentiles and the
# timer's own cost.
expect_exit 0 "$MAPBENCH" run --map locked --threads 2 --procs 1 --ops 10000 --keys 100 \
	--mix 70:20:10 --latency all --format json
json_check "$TMP/out" '.config.latency == "all" and .runs[0].latency_ns.samples == 10000'
json_check "$TMP/out" '.runs[0].latency_ns_by_kind | keys == ["delete","load","store"]'
json_check "$TMP/out" '[.runs[0].latency_ns_by_kind[].samples] | add == 10000'
json_check "$TMP/out" '.runs[0].timer_overhead_ns > 0 and .runs[0].latency_ns.p9999 >= .runs[0].latency_ns.p999'
expect_exit 0 "$MAPBENCH" run --map locked --threads 2 --ops 10000 --keys 100 --latency off --format json
json_check "$TMP/out" '.config.latency == "off" and .runs[0].latency_ns.samples == 0 and .runs[0].latency_ns_by_kind == {}'
expect_exit 0 "$MAPBENCH" run --map locked --threads 2 --procs 1 --ops 10000 --keys 100 --latency sample:100 --format json
json_check "$TMP/out" '.config.latency == "sample:100" and .runs[0].latency_ns.samples == 100'

# Pause events: every stall with its cause, a heatmap whose counts add up to
# the events listed, and what did not fit counted as dropped.
expect_exit 0 "$MAPBENCH" run --map plain --threads 1 --keys 200k --prefill 0 --mix write \
	--ops 300k --pause-threshold 0ns --max-events 50000 --window 10ms -o "$TMP/p.json"
json_check "$TMP/p.json" '.config.pause_threshold_ns == 0 and .config.window_ns == 10000000 and .config.max_events == 50000'
json_check "$TMP/p.json" '.runs[0].pauses.by_kind.grow.count > 10 and .runs[0].pauses.by_kind.evacuate.count > 100'
json_check "$TMP/p.json" '.runs[0].pauses | (.heatmap.counts | flatten | add) == (.events | length)'
json_check "$TMP/p.json" '.runs[0].pauses | .recorded == ([.by_kind[].count] | add) and .recorded == (.events | length) + .dropped'
json_check "$TMP/p.json" '.runs[0].pauses.events | all(.dur_ns >= 0 and (.kind | type) == "string")'
json_check "$TMP/p.json" '[.runs[0].pauses.events[].at_ns] | . == sort'
expect_exit 0 "$MAPBENCH" run --map plain --threads 1 --keys 200k --prefill 0 --mix write \
	--ops 300k --pause-threshold 0ns --grow stw --max-events 10 --format json
json_check "$TMP/out" '.runs[0].pauses.by_kind.rehash.count > 10 and .runs[0].pauses.by_kind.evacuate.count == 0'
json_check "$TMP/out" '(.runs[0].pauses.events | length) == 10 and .runs[0].pauses.dropped > 0'
expect_exit 0 "$MAPBENCH" run --map sync --threads 2 --procs 2 --keys 1k --prefill 0 --mix 50:50 \
	--ops 200k --pause-threshold 0ns --format json
json_check "$TMP/out" '.runs[0].pauses.by_kind.promote.count > 0 and .runs[0].pauses.by_kind["dirty-copy"].count > 0'

expect_exit 0 "$MAPBENCH" run --map plain --threads 1 --keys 200k --prefill 0 --mix write \
	--ops 300k --pause-threshold off --format json
json_check "$TMP/out" '.config.pause_threshold_ns == null and .runs[0].pauses.recorded == 0'

# Allocations, like go test -benchmem: updates of present keys allocate
# nothing in the Go map; sync boxes every stored value (one box per store).
expect_exit 0 "$MAPBENCH" run --map plain,locked,sync --threads 2 --procs 1 --keys 1000 --prefill 1000 \
	--mix write --ops 20000 --format json
json_check "$TMP/out" '.runs[0].alloc.bytes == 0 and .runs[1].alloc.allocs_per_op == 0'
json_check "$TMP/out" '.runs[2].alloc.by_category.values.allocs == 20000 and .runs[2].alloc.allocs_per_op >= 1'
json_check "$TMP/out" '.runs[2].alloc.by_category.values.bytes == 20000 * (.runs[2].alloc.by_category.values.bytes / .runs[2].alloc.by_category.values.allocs)'

# Counters: software events count (this VM has no PMU: the hardware ones are
# reported unsupported with a reason, in one warning line); -e none counts
# nothing.
expect_exit 0 "$MAPBENCH" run --map locked --threads 2 --ops 200k --keys 1k \
	-e task-clock,page-faults,cycles --format json
json_check "$TMP/out" '.config.events == ["task-clock","page-faults","cycles"]'
# (where perf_event_open is refused outright, task-clock is unsupported too)
json_check "$TMP/out" '.runs[0].counters[0] | .name == "task-clock" and ((.supported and .value > 0 and .per_op > 0) or (.supported | not))'
json_check "$TMP/out" '.runs[0].counters | all(.supported == (.reason == null))'
json_check "$TMP/out" '.runs[0].counters | all(.supported or (.value == null and .per_op == null))'
[ "$(grep -c warning "$TMP/err")" -le 1 ] || fail "more than one warning line"
expect_exit 0 "$MAPBENCH" run --map null --threads 1 --ops 1000 --keys 10 -e none --format json
json_check "$TMP/out" '.config.events == [] and .runs[0].counters == []'

# The time series: windows from the start, their ops add up to the run's.
expect_exit 0 "$MAPBENCH" run --map plain --threads 2 --keys 100k --prefill 0 --mix 80:20 \
	--duration 500ms --window 100ms --latency sample:8 -e none --format json
json_check "$TMP/out" '.runs[0].timeseries.window_ns == 100000000'
json_check "$TMP/out" '.runs[0] | ([.timeseries.windows[].ops] | add) == .ops'
json_check "$TMP/out" '.runs[0].timeseries.windows | length >= 5 and length <= 7'
json_check "$TMP/out" '.runs[0].timeseries.windows | all(.ops_by_kind | keys == ["load","store"])'
json_check "$TMP/out" '.runs[0] | ([.timeseries.windows[].latency_samples] | add) == .latency_ns.samples'
json_check "$TMP/out" '[.runs[0].timeseries.windows[].start_ns] == [range(0; .runs[0].timeseries.windows | length) | . * 100000000]'

# --gctrace: one line per grow, with Go's counts (8, 13, 26, ... entries).
expect_exit 0 "$MAPBENCH" run --map plain --threads 1 --keys 1M --prefill 0 --mix write --ops 200k \
	--pause-threshold off --gctrace --hash-seed 1 -e none
grep -c '^gctrace: run 1 plain grow @[0-9.]*s worker 0 len [0-9]* [0-9.]*ms$' "$TMP/err" > "$TMP/n"
[ "$(cat "$TMP/n")" -ge 10 ] || fail "gctrace: $(cat "$TMP/n") grow lines"
sed -n 's/.* len \([0-9]*\) .*/\1/p' "$TMP/err" | head -3 | tr '\n' ' ' > "$TMP/lens"
[ "$(cat "$TMP/lens")" = "8 13 26 " ] || fail "gctrace: first grows at $(cat "$TMP/lens")"

# Key distributions: 100k stores on 100k keys by 4 tasks.
dist_len() {
	"$MAPBENCH" run --map plain --threads 4 --procs 1 --keys 100k --prefill 0 --mix write \
		--ops 100k --dist "$1" -e none --format json | jq -r '.runs[0].final_len'
}
[ "$(dist_len sequential)" -eq 100000 ] || fail "sequential: every key once"
u=$(dist_len uniform)
[ "$u" -gt 60000 ] && [ "$u" -lt 66000 ] || fail "uniform: $u distinct keys, want about 63200"
[ "$(dist_len zipf:1.5)" -lt 10000 ] || fail "zipf:1.5 spreads too much"
[ "$(dist_len hotspot:0.01:0.99)" -lt 3000 ] || fail "hotspot:0.01:0.99 spreads too much"
# latest: stores insert new keys, loads read inserted ones (so all hit)
expect_exit 0 "$MAPBENCH" run --map locked --threads 2 --procs 1 --keys 1M --prefill 1000 --mix 95:5 \
	--dist latest --ops 100k -e none --format json
json_check "$TMP/out" '.runs[0] | .load_hits == .ops_by_kind.load and .final_len == 1000 + .ops_by_kind.store'
expect_exit 0 "$MAPBENCH" run --map null --threads 1 --ops 100 --keys 10 --dist zipf:0.99 --format json -e none
json_check "$TMP/out" '.config.dist == "zipf:0.99"'

# --warmup: not measured, and the map is warm when timing starts.
expect_exit 0 "$MAPBENCH" run --map plain --threads 2 --procs 1 --keys 100k --prefill 0 --mix write \
	--warmup 200k --ops 1000 -e none --format json
json_check "$TMP/out" '.config.warmup_ops == 200000 and .runs[0].ops == 1000 and .runs[0].final_len > 80000'
expect_exit 0 "$MAPBENCH" run --map locked --threads 2 --procs 2 --keys 1k --warmup 100ms --ops 1000 \
	-e none --format json
json_check "$TMP/out" '.config.warmup_ns == 100000000 and .runs[0].ops == 1000 and .runs[0].elapsed_s < 0.1'

# --duration and --grow stw.
expect_exit 0 "$MAPBENCH" run --map plain --threads 2 --keys 100k --prefill 0 \
	--mix write --duration 200ms --grow stw --format json
json_check "$TMP/out" '.runs[0].elapsed_s >= 0.2 and .config.grow == "stw" and .config.duration_ns == 200000000'
# --value-size: every store boxes its value in a heap blob of N bytes,
# counted in the values category (sync's box adds its 40-byte header).
expect_exit 0 "$MAPBENCH" run --map plain,locked,rwlocked,sync --threads 2 --mix write \
	--keys 1000 --prefill 500 --ops 10000 --value-size 128 -o "$TMP/v.json" --csv "$TMP/v.csv"
json_check "$TMP/v.json" '.config.value_size_bytes == 128'
json_check "$TMP/v.json" '[.runs[] | select(.map != "sync") | .alloc.by_category.values] | all(.allocs == 10000 and .bytes == 1280000)'
json_check "$TMP/v.json" '.runs[] | select(.map == "sync") | .alloc.by_category.values | .allocs >= 10000 and .bytes == .allocs * 168'
# columns by name: new ones are added at the end
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	$c["value_size_bytes"] != 128 { exit 1 }' "$TMP/v.csv" || fail "csv value_size_bytes column"
expect_exit 0 "$MAPBENCH" run --map plain --threads 1 --mix write $small --format json
json_check "$TMP/out" '.config.value_size_bytes == 0 and .runs[0].alloc.by_category.values.bytes == 0'
# Every op on blobs, every design, with a workload file's key = value too.
printf 'value-size = 24\nmix = %s\n' "$mix" > "$TMP/v.conf"
expect_exit 0 "$MAPBENCH" run -w "$TMP/v.conf" --map plain,locked,rwlocked,sync,null --threads 4 \
	--keys 200 --prefill 100 --ops 20000 --format json
json_check "$TMP/out" '.config.value_size_bytes == 24 and (.runs | all(.outcome == "ok"))'
json_check "$TMP/out" '[.runs[] | select(.map != "null") | .alloc.by_category.values.allocs > 0] | all'
# --key-type: string keys on every design with every op; the same op
# stream on int and string keys ends in the same map.
expect_exit 0 "$MAPBENCH" run --map plain,locked,rwlocked,sync,null --threads 4 --key-type string:8-24 \
	--mix "$mix" --keys 500 --prefill 250 --ops 20000 --value-size 16 -o "$TMP/s.json" --csv "$TMP/s.csv"
json_check "$TMP/s.json" '.config.key_type == "string:8-24" and .config.value_size_bytes == 16'
json_check "$TMP/s.json" '.runs | all(.outcome == "ok" and (.ops_by_kind | add) == .ops)'
json_check "$TMP/s.json" '[.runs[] | select(.map != "null") | .hits_by_kind.load > 0 and .range_entries > 0] | all'
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	$c["key_type"] != "string:8-24" { exit 1 }' "$TMP/s.csv" || fail "csv key_type column"
for kt in int string:12; do
	"$MAPBENCH" run --map plain --threads 3 $small --mix 50:30:20 --seed 9 --key-type $kt \
		--format json > "$TMP/k-$kt.json" || fail "key type $kt run"
done
a=$(jq -c '.runs[0] | [.ops_by_kind, .hits_by_kind, .final_len, .op_digest]' "$TMP/k-int.json")
b=$(jq -c '.runs[0] | [.ops_by_kind, .hits_by_kind, .final_len, .op_digest]' "$TMP/k-string:12.json")
[ "$a" = "$b" ] || fail "int and string keys, same ops, different maps: $a vs $b"
json_check "$TMP/k-string:12.json" '.config.key_type == "string:12"'
finish
