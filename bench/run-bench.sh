#!/usr/bin/env bash
# make bench: the performance targets of mapbench's issues, each measured by
# mapbench itself REPS times (median reported), side by side in one session.
# Writes every result document and a summary.json into OUTDIR.
#
#   bench/run-bench.sh ./mapbench bench-results [REPS [SECTIONS]]
#
# SECTIONS: all (the default), designs for only the rows of the designs
# Go ships today (swiss, hashtrie, sharded: sections 5 to 7), or locks for
# only Go's locks and parking tasks (section 8); summary.json then has only
# those members.  designs takes about 10 minutes at REPS 5, locks about 20
# (18 at REPS 3: its 1M rows run at most 3 times, Go's take 20-60 s each).
#
# When mapbench-go was built (Go installed), mapbench's maps are compared with
# Go's own on the same op streams (see bench/go/README).
set -euo pipefail

mb=${1:?usage: run-bench.sh MAPBENCH OUTDIR [REPS]}
out=${2:?usage: run-bench.sh MAPBENCH OUTDIR [REPS]}
reps=${3:-5}
sections=${4:-all}
case $sections in all|designs|locks) ;; *) echo "run-bench: SECTIONS is all, designs or locks" >&2; exit 2 ;; esac
here=$(cd "$(dirname "$0")" && pwd)
command -v jq >/dev/null || { echo "run-bench: jq is required (apt-get install jq)" >&2; exit 1; }
mkdir -p "$out"

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# run NAME ARGS...: REPS result files NAME-1.json .. NAME-REPS.json
run() {
	local name=$1; shift
	for i in $(seq 1 "$reps"); do
		"$mb" run "$@" --format json -o "$out/$name-$i.json" >/dev/null
	done
}
# field NAME JQ-EXPR: the median over the REPS files of one number
field() {
	local name=$1 expr=$2
	for i in $(seq 1 "$reps"); do jq -r "$expr" "$out/$name-$i.json"; done | median
}

echo "bench: $reps repetitions each; results in $out" >&2

# 5. plain (Go 1.19) against swiss (Go 1.24): one task, 1M of 2M keys,
#    90:10 and read-only, int and string:16 keys; ns/op and the map's live
#    bytes per entry at the end (every category over final_len; a string
#    key's bytes live in the key set, not the map).  Both maps in one
#    invocation per repetition, so they alternate.
designs() {
	off=(--latency off --pause-threshold off -e none)
	for i in $(seq 1 "$reps"); do
		for kt in int string:16; do
			for mix in 90:10 read; do
				"$mb" run --map plain,swiss --threads 1 --procs 1 --keys 2M --prefill 1M \
					--mix "$mix" --key-type "$kt" --ops 2M "${off[@]}" --format json \
					-o "$out/oldnew-${kt/:/}-${mix/:/-}-$i.json" >/dev/null
			done
		done
	done
	jq -s '[.[] | (.config.mix | "\(.load_pct):\(.store_pct)") as $mix | .config.key_type as $kt | .runs[] |
		{key_type: $kt, mix: $mix, map, ns_per_op,
		 bytes_per_entry: ((.alloc.live_bytes | add) / .final_len)}]
		| group_by([.key_type, .mix, .map])
		| map({key_type: .[0].key_type, mix: .[0].mix, map: .[0].map,
		       ns_per_op: ([.[].ns_per_op] | sort | .[length / 2 | floor]),
		       bytes_per_entry: ([.[].bytes_per_entry] | sort | .[length / 2 | floor])})' \
		"$out"/oldnew-*.json > "$out/oldnew-table.json"

	# 6. The concurrent designs: sync (Go 1.19) and hashtrie (Go 1.24's
	#    sync.Map) against sharded:32 and locked, 2 and 1k tasks on 2
	#    procs, default key space (1M keys, half prefilled), 2M ops; the
	#    four maps alternate within each invocation.
	for i in $(seq 1 "$reps"); do
		for mix in 99:1 90:10 50:50; do
			"$mb" run --map sync,hashtrie,sharded:32,locked --threads 2,1k --procs 2 --mix "$mix" \
				--ops 2M "${off[@]}" --format json -o "$out/conc-${mix/:/-}-$i.json" >/dev/null
		done
	done
	jq -s '[.[] | (.config.mix | "\(.load_pct):\(.store_pct)") as $mix | .runs[] |
		{mix: $mix, map, threads, ns_per_op}]
		| group_by([.mix, .threads, .map])
		| map({mix: .[0].mix, threads: .[0].threads, map: .[0].map,
		       ns_per_op: ([.[].ns_per_op] | sort | .[length / 2 | floor])})' \
		"$out"/conc-*.json > "$out/conc-table.json"

	# 7. Growth: the worst single insert while inserting 8M distinct keys
	#    into an empty map (sequential keys, every op timed), plain against
	#    swiss, alternating; with the longest pause of each cause, so a
	#    worst insert can be told from its cause (evacuate, split) or from
	#    none (slow-op: the thread was descheduled, or faulted outside a
	#    growth step).  On a loaded machine the worst is often a
	#    descheduling: the count of each cause's events of 1 ms or more
	#    says more than the maximum.
	for i in $(seq 1 "$reps"); do
		for m in plain swiss; do
			"$mb" run --map "$m" --threads 1 --procs 1 --keys 8M --prefill 0 --dist sequential \
				--mix write --ops 8M --latency all --pause-threshold 100us -e none \
				--format json -o "$out/growth-$m-$i.json" >/dev/null
		done
	done
	jq -s '[.[] | .runs[0] | {map, max_ns: .latency_ns.max, p9999_ns: .latency_ns.p9999,
		evacuate_max_ns: .pauses.by_kind.evacuate.max_ns, grow_max_ns: .pauses.by_kind.grow.max_ns,
		split_max_ns: .pauses.by_kind.split.max_ns, slow_op_max_ns: .pauses.by_kind["slow-op"].max_ns,
		evacuate_over_1ms: ([.pauses.events[] | select(.kind == "evacuate" and .dur_ns >= 1000000)] | length),
		split_over_1ms: ([.pauses.events[] | select(.kind == "split" and .dur_ns >= 1000000)] | length),
		slow_op_over_1ms: ([.pauses.events[] | select(.kind == "slow-op" and .dur_ns >= 1000000)] | length)}]
		| group_by(.map)
		| map(. as $r | {map: .[0].map} + (["max_ns", "p9999_ns", "evacuate_max_ns", "grow_max_ns",
			"split_max_ns", "slow_op_max_ns",
			"evacuate_over_1ms", "split_over_1ms", "slow_op_over_1ms"] | map({(.): ([$r[][.]] | sort | .[length / 2 | floor])}) | add)
			+ {target_ns: (if .[0].map == "plain" then 1000000 else 100000 end)}
			| . + {meets: (.max_ns <= .target_ns)})' \
		"$out"/growth-*.json > "$out/growth-table.json"
}

designs_tables() {
	echo
	echo "plain (Go 1.19) vs swiss (Go 1.24), 1 task, 1M of 2M keys, 2M ops; medians of $reps:"
	jq -r '.[] | [.key_type, .mix, .map, .ns_per_op, .bytes_per_entry] | @tsv' "$out/oldnew-table.json" |
		awk -F'\t' 'BEGIN { printf "%-10s %-6s %-6s %9s %10s\n", "keys", "mix", "map", "ns/op", "B/entry" }
		{ printf "%-10s %-6s %-6s %9.1f %10.1f\n", $1, $2, $3, $4, $5 }'
	echo
	echo "concurrent designs, procs 2, 1M keys half prefilled, 2M ops; ns/op, medians of $reps:"
	jq -r 'group_by([.mix, .threads]) | .[] | [.[0].mix, .[0].threads,
		(map({(.map): .ns_per_op}) | add | .sync, .hashtrie, .["sharded:32"], .locked)] | @tsv' \
		"$out/conc-table.json" |
		awk -F'\t' 'BEGIN { printf "%-6s %7s %9s %9s %11s %9s\n", "mix", "tasks", "sync", "hashtrie", "sharded:32", "locked" }
		{ printf "%-6s %7s %9.1f %9.1f %11.1f %9.1f\n", $1, $2, $3, $4, $5, $6 }'
	echo
	echo "worst single insert, 8M distinct keys into an empty map; medians of $reps (ms):"
	jq -r '.[] | [.map, .max_ns, .p9999_ns, .evacuate_max_ns, .split_max_ns, .slow_op_max_ns, .target_ns,
		(if .meets then "ok" else "MISSED" end), .evacuate_over_1ms, .split_over_1ms, .slow_op_over_1ms] | @tsv' \
		"$out/growth-table.json" |
		awk -F'\t' 'BEGIN { printf "%-6s %9s %9s %9s %9s %9s %8s %-6s  %s\n", "map", "worst", "p99.99", "evacuate", "split", "slow-op", "target", "", ">= 1 ms: evacuate split slow-op" }
		{ printf "%-6s %9.3f %9.3f %9.3f %9.3f %9.3f %8.3f %-6s  %d %d %d\n", $1, $2/1e6, $3/1e6, $4/1e6, $5/1e6, $6/1e6, $7/1e6, $8, $9, $10, $11 }'
}

# 8. Go's locks and parking tasks (issue 12): locked and rwlocked with 1k
#    and 1M tasks on 2 procs, 90:10 and 50:50, against Go 1.19's
#    sync.Mutex and sync.RWMutex run by mapbench-go, interleaved per
#    repetition (1M rows: at most 3 repetitions, Go's million goroutines
#    take 20-60 s each); the ratio rwlocked/locked of each side, and what
#    the tasks did (parks per op, hand-offs, starvation entries,
#    migrations, steals), and the task switches per op of both sides, Go's
#    estimated from its scheduler metrics in the same runs (--lock-profile
#    would change the run it counts: mapbench-go(1)).  The 1M rows run
#    twice: 10M ops (10 per task: mostly rwlocked's start, where writers
#    starve on both sides for seconds, longer in Go, whose goroutines are
#    slower to start) and 50M ops (50 per task: past it; mapbench-run(1),
#    TASK MODEL).  Then one park + wake-up (bench/parkwake).
locks() {
	local gobin w loff rows row shape name map threads mix ops i n
	gobin="$(dirname "$mb")/mapbench-go"
	w=(--procs 2 --keys 2M --prefill 1M)
	loff=(--latency off --pause-threshold off)
	rows=()
	for shape in "1k 10M" "1M 10M" "1M 50M"; do for mix in 90:10 50:50; do for map in locked rwlocked; do
		read -r threads ops <<<"$shape"
		rows+=("$map-$threads-${mix/:/-}-$ops $map $threads $mix $ops")
	done; done; done
	for i in $(seq 1 "$reps"); do
		for row in "${rows[@]}"; do
			read -r name map threads mix ops <<<"$row"
			if [ "$threads" = 1M ] && [ "$i" -gt 3 ]; then continue; fi
			"$mb" run --map "$map" --threads "$threads" --mix "$mix" --ops "$ops" "${w[@]}" "${loff[@]}" \
				-e none --format json -o "$out/locks-$name-c-$i.json" >/dev/null
			if "$gobin" --version >/dev/null 2>&1; then
				"$gobin" --map "$map" --threads "$threads" --mix "$mix" --ops "$ops" "${w[@]}" "${loff[@]}" \
					--format json -o "$out/locks-$name-go-$i.json" >/dev/null
			fi
		done
	done
	lfield() { # NAME SIDE EXPR: the median over the files there are, or null
		local f v
		v=$(for f in "$out/locks-$1-$2-"*.json; do [ -e "$f" ] && jq -r "$3" "$f"; done)
		if [ -n "$v" ]; then median <<<"$v"; else echo null; fi
	}
	for row in "${rows[@]}"; do
		read -r name map threads mix ops <<<"$row"
		printf '{"map":"%s","threads":"%s","ops":"%s","mix":"%s","c_ns_per_op":%s,"go_ns_per_op":%s,"parks_per_op":%s,"switches_per_op":%s,"go_switches_per_op":%s,"handoffs":%s,"starvation_entries":%s,"migrations":%s,"steals":%s}\n' \
			"$map" "$threads" "$ops" "$mix" "$(lfield "$name" c .runs[0].ns_per_op)" \
			"$(lfield "$name" go .runs[0].ns_per_op)" \
			"$(lfield "$name" c '.runs[0].lock.parks / .runs[0].ops')" \
			"$(lfield "$name" c '.runs[0].lock.switches / .runs[0].ops')" \
			"$(lfield "$name" go '.runs[0].lock.switches / .runs[0].ops')" \
			"$(lfield "$name" c .runs[0].lock.handoffs)" "$(lfield "$name" c .runs[0].lock.starvation_entries)" \
			"$(lfield "$name" c .runs[0].lock.migrations)" "$(lfield "$name" c .runs[0].lock.steals)"
	done | jq -s 'group_by([.threads, .ops, .mix]) | map({threads: .[0].threads, ops: .[0].ops, mix: .[0].mix,
		locked: (.[] | select(.map == "locked")), rwlocked: (.[] | select(.map == "rwlocked"))}
		| . + {c_rw_over_locked: (.rwlocked.c_ns_per_op / .locked.c_ns_per_op),
		       go_rw_over_locked: (if .locked.go_ns_per_op == null then null
					   else .rwlocked.go_ns_per_op / .locked.go_ns_per_op end)}
		| . + {ratio_c_over_go: (if .go_rw_over_locked == null then null
					 else .c_rw_over_locked / .go_rw_over_locked end)}
		| . + {meets: (if .ratio_c_over_go == null then null
			       else (.ratio_c_over_go >= 0.75 and .ratio_c_over_go <= 1.25) end)})' \
		> "$out/locks-table.json"
	local pw
	pw="$(dirname "$mb")/bench/parkwake"
	if [ -x "$pw" ]; then
		"$pw" | jq -R 'split(" ") | {(.[0]): (.[1] | tonumber)}' | jq -s 'add' > "$out/parkwake.json"
	else
		echo null > "$out/parkwake.json"
	fi
}
locks_tables() {
	echo
	echo "Go's locks: rwlocked/locked, mapbench against Go 1.19 (procs 2, 1M of 2M keys):"
	jq -r '.[] | [.threads + " " + .ops, .mix, .locked.c_ns_per_op, .rwlocked.c_ns_per_op, .locked.go_ns_per_op,
		.rwlocked.go_ns_per_op, .c_rw_over_locked, .go_rw_over_locked, .ratio_c_over_go, .meets,
		.locked.parks_per_op, .rwlocked.parks_per_op, .locked.switches_per_op,
		.rwlocked.switches_per_op, .locked.go_switches_per_op,
		.rwlocked.go_switches_per_op] | map(tostring) | @tsv' "$out/locks-table.json" |
		awk -F'\t' 'BEGIN { printf "%-9s %-6s %8s %8s %8s %8s %6s %7s %6s %6s %8s %8s %8s %8s %8s %8s\n", "tasks ops", "mix", "C lock", "C rw", "Go lock", "Go rw", "C rw/l", "Go rw/l", "C/Go", "+-25%", "C parks", "C rwpark", "C switch", "C rwswch", "Go swch", "Go rwsw" }
		function num(x, f) { return x == "null" ? "-" : sprintf(f, x) }
		{ printf "%-9s %-6s %8.1f %8.1f %8s %8s %6.3f %7s %6s %6s %8.3f %8.3f %8.3f %8.3f %8s %8s\n", $1, $2, $3, $4,
			num($5, "%.1f"), num($6, "%.1f"), $7, num($8, "%.3f"), num($9, "%.3f"), $10, $11, $12,
			$13, $14, num($15, "%.3f"), num($16, "%.3f") }'
	jq -r 'if . == null then "park + wake-up: bench/parkwake not built" else
		"park + wake-up on one worker \(.park_wake_same_worker_ns) ns; a sleeping worker gets a readied task in \(.wake_idle_worker_ns) ns" end' \
		"$out/parkwake.json"
}

if [ "$sections" = locks ]; then
	locks
	jq -n --argjson reps "$reps" --slurpfile locks "$out/locks-table.json" \
		--slurpfile pw "$out/parkwake.json" \
		'{schema: "mapbench-bench/1", repetitions: $reps, go_locks: $locks[0], park_wake: $pw[0]}' \
		> "$out/summary.json"
	locks_tables
	exit 0
fi

if [ "$sections" = designs ]; then
	designs
	jq -n --argjson reps "$reps" --slurpfile oldnew "$out/oldnew-table.json" \
		--slurpfile conc "$out/conc-table.json" --slurpfile growth "$out/growth-table.json" \
		'{schema: "mapbench-bench/1", repetitions: $reps, plain_vs_swiss: $oldnew[0],
		  concurrent_designs: $conc[0], growth_worst_insert: $growth[0]}' > "$out/summary.json"
	designs_tables
	exit 0
fi

# 1. A million tasks: spawn time and bytes per task, and throughput against
#    two tasks on the same map and procs (interleaved per repetition).
for i in $(seq 1 "$reps"); do
	"$mb" run --map locked --threads 2,1M --procs 2 --ops 10M --format json \
		-o "$out/scale-$i.json" >/dev/null
done
spawn_s=$(field scale '.runs[1].spawn_s')
task_bytes=$(field scale '.runs[1].task_bytes')
ratio=$(for i in $(seq 1 "$reps"); do
	jq -r '.runs[1].ops_per_s / .runs[0].ops_per_s' "$out/scale-$i.json"; done | median)

# 2. Harness cost: the null map on one worker.
run harness --map null --threads 1 --procs 1 --ops 50M
harness_ns=$(field harness '.runs[0].ns_per_op')

# 2b. The cost of measuring: null and plain with every feature off, against
#     the same program with the instrumentation compiled out
#     (mapbench-noinst, built by make bench), then with the defaults and with
#     every op timed; interleaved per repetition so drift hits all alike.
noinst="$(dirname "$mb")/mapbench-noinst"
off=(--latency off --pause-threshold off -e none)
cost_json=null
if [ -x "$noinst" ]; then
	for i in $(seq 1 "$reps"); do
		for m in null plain; do
			case $m in
			null) w=(--map null --threads 1 --procs 1 --ops 50M) ;;
			plain) w=(--map plain --threads 1 --procs 1 --keys 2M --prefill 1M --mix 90:10 --ops 10M) ;;
			esac
			"$noinst" run "${w[@]}" "${off[@]}" --format json -o "$out/cost-$m-noinst-$i.json" >/dev/null
			"$mb" run "${w[@]}" "${off[@]}" --format json -o "$out/cost-$m-off-$i.json" >/dev/null
			"$mb" run "${w[@]}" --format json -o "$out/cost-$m-default-$i.json" >/dev/null
			"$mb" run "${w[@]}" --latency all --format json -o "$out/cost-$m-all-$i.json" >/dev/null
		done
	done
	cost_json=$(for m in null plain; do
		for v in noinst off default all; do
			printf '{"map":"%s","variant":"%s","ns_per_op":%s}\n' "$m" "$v" \
				"$(field "cost-$m-$v" '.runs[0].ns_per_op')"
		done
	done | jq -s 'group_by(.map) | map({map: .[0].map} + (map({(.variant): .ns_per_op}) | add)
		| . + {off_over_noinst: (.off / .noinst), default_over_noinst: (.default / .noinst),
		       all_over_noinst: (.all / .noinst)})')
fi

# 3. Port against original: mapbench's maps and Go 1.19's own, run by
#    mapbench-go (built beside mapbench when Go is installed) on the same op
#    streams, interleaved per repetition (C, Go, C, Go ...); 1M of 2M keys,
#    10M ops, mapbench with latency, pauses and counters off.
gobin="$(dirname "$mb")/mapbench-go"
go_ns=null
side_json=null
plain_ns=null
if "$gobin" --version >/dev/null 2>&1; then
	w=(--keys 2M --prefill 1M --ops 10M)
	rows=("plain-90 plain 1 1 90:10" "plain-100 plain 1 1 read"
	      "locked-2 locked 2 2 90:10" "rwlocked-2 rwlocked 2 2 90:10"
	      "sync-90 sync 1 1 90:10" "sync-100 sync 1 1 read")
	for i in $(seq 1 "$reps"); do
		for row in "${rows[@]}"; do
			read -r name map threads procs mix <<<"$row"
			"$mb" run --map "$map" --threads "$threads" --procs "$procs" --mix "$mix" "${w[@]}" \
				"${off[@]}" --format json -o "$out/side-$name-c-$i.json" >/dev/null
			"$gobin" --map "$map" --threads "$threads" --procs "$procs" --mix "$mix" "${w[@]}" \
				--latency off --pause-threshold off --format json -o "$out/side-$name-go-$i.json" >/dev/null
		done
		# 1M goroutines against 1M tasks: spawn time, bytes each, ns/op
		"$mb" run --map locked --threads 1M --procs 2 --ops 10M "${off[@]}" --format json \
			-o "$out/side-million-c-$i.json" >/dev/null
		"$gobin" --map locked --threads 1M --procs 2 --ops 10M --latency off --pause-threshold off \
			--format json -o "$out/side-million-go-$i.json" >/dev/null
	done
	side_json=$(for row in "${rows[@]}" "million locked 1M 2 90:10"; do
		read -r name map threads procs mix <<<"$row"
		printf '{"name":"%s","map":"%s","threads":"%s","procs":%s,"mix":"%s","c_ns_per_op":%s,"go_ns_per_op":%s,"c_spawn_s":%s,"go_spawn_s":%s,"c_task_bytes":%s,"go_task_bytes":%s}\n' \
			"$name" "$map" "$threads" "$procs" "$mix" \
			"$(field "side-$name-c" '.runs[0].ns_per_op')" "$(field "side-$name-go" '.runs[0].ns_per_op')" \
			"$(field "side-$name-c" '.runs[0].spawn_s')" "$(field "side-$name-go" '.runs[0].spawn_s')" \
			"$(field "side-$name-c" '.runs[0].task_bytes')" "$(field "side-$name-go" '.runs[0].task_bytes')"
	done | jq -s 'map(. + {ratio: (.c_ns_per_op / .go_ns_per_op), meets: ((.c_ns_per_op / .go_ns_per_op) <= 1.0)})')
	plain_ns=$(jq '.[] | select(.name == "plain-90") | .c_ns_per_op' <<<"$side_json")
	go_ns=$(jq '.[] | select(.name == "plain-90") | .go_ns_per_op' <<<"$side_json")
else
	echo "bench: mapbench-go was not built (no Go toolchain): no side-by-side with Go" >&2
	run plain --map plain --threads 1 --procs 1 --keys 2M --prefill 1M --mix 90:10 --ops 10M "${off[@]}"
	plain_ns=$(field plain '.runs[0].ns_per_op')
fi

# 4. sync against the locked maps (issue "sync"): mixes x threads, procs 2,
#    default key space (1M keys, half prefilled); ns/op and sync's own
#    counters, median over 3 repetitions of each run.
sync_reps=3
for mix in 99:1 90:10 50:50; do
	for i in $(seq 1 "$sync_reps"); do
		"$mb" run --map sync,locked,rwlocked --threads 2,1k,1M --procs 2 --mix "$mix" \
			--duration 1s --format json -o "$out/sync-${mix/:/-}-$i.json" >/dev/null
	done
done
jq -s '[.[] | .config.mix as $m | .runs[] |
	{mix: "\($m.load_pct):\($m.store_pct)", map, threads, ns_per_op,
	 promotions: .map_stats.promotions, dirty_rebuilds: .map_stats.dirty_rebuilds,
	 rebuild_max_ns: .map_stats.rebuild_max_ns}]
	| group_by([.mix, .map, .threads])
	| map({mix: .[0].mix, map: .[0].map, threads: .[0].threads,
	       ns_per_op: ([.[].ns_per_op] | sort | .[length / 2 | floor]),
	       promotions: ([.[].promotions] | sort | .[length / 2 | floor]),
	       dirty_rebuilds: ([.[].dirty_rebuilds] | sort | .[length / 2 | floor]),
	       rebuild_max_ns: ([.[].rebuild_max_ns] | sort | .[length / 2 | floor])})' \
	"$out"/sync-*.json > "$out/sync-table.json"
designs
locks

jq -n --argjson reps "$reps" --argjson spawn "$spawn_s" --argjson bytes "$task_bytes" \
	--argjson ratio "$ratio" --argjson harness "$harness_ns" \
	--argjson plain "$plain_ns" --argjson go "$go_ns" --argjson cost "$cost_json" \
	--argjson side "$side_json" --slurpfile oldnew "$out/oldnew-table.json" \
	--slurpfile conc "$out/conc-table.json" --slurpfile growth "$out/growth-table.json" \
	--slurpfile locks "$out/locks-table.json" --slurpfile pw "$out/parkwake.json" '{
	schema: "mapbench-bench/1", repetitions: $reps,
	cost_of_measuring: $cost,
	go_side_by_side: $side,
	plain_vs_swiss: $oldnew[0], concurrent_designs: $conc[0], growth_worst_insert: $growth[0],
	go_locks: $locks[0], park_wake: $pw[0],
	checks: ([
	 {name: "spawn_1M_tasks_s", median: $spawn, target: "< 0.5", pass: ($spawn < 0.5)},
	 {name: "task_bytes", median: $bytes, target: "< 256", pass: ($bytes < 256)},
	 {name: "throughput_1M_over_2_tasks_locked", median: $ratio, target: ">= 0.8", pass: ($ratio >= 0.8)},
	 {name: "harness_null_ns_per_op", median: $harness, target: "<= 15", pass: ($harness <= 15)},
	 {name: "plain_90_10_1M_in_2M_ns_per_op", median: $plain,
	  go_ns_per_op: $go,
	  ratio_to_go: (if $go == null then null else $plain / $go end),
	  target: "<= 1.3 x Go 1.19", pass: (if $go == null then null else ($plain / $go) <= 1.3 end)}
	] + [$growth[0][] | {name: "\(.map)_worst_insert_8M_ns", median: .max_ns,
	  target: "<= \(.target_ns)", pass: .meets}]
	  + (if $cost == null then [] else [$cost[] |
	 {name: "\(.map)_features_off_over_uninstrumented", median: .off_over_noinst,
	  target: "<= 1.02", pass: (.off_over_noinst <= 1.02)}] end))}' > "$out/summary.json"
jq -r '.checks[] | "\(.name)\t\(.median)\t\(.target)\t\(if .pass == null then "n/a (no Go 1.19)" elif .pass then "ok" else "MISSED" end)"' \
	"$out/summary.json" | awk -F'\t' '{ printf "%-36s %12s %-18s %s\n", $1, $2, $3, $4 }'
if [ "$cost_json" != null ]; then
	echo
	echo "cost of measuring (ns/op, medians of $reps; noinst = instrumentation compiled out):"
	jq -r '.cost_of_measuring[] | [.map, .noinst, .off, .default, .all] | map(tostring) | @tsv' \
		"$out/summary.json" | awk -F'\t' 'BEGIN { printf "%-6s %10s %10s %10s %12s\n", "map", "noinst", "all off", "defaults", "latency all" }
		{ printf "%-6s %10.1f %10.1f %10.1f %12.1f\n", $1, $2, $3, $4, $5 }'
fi
if [ "$side_json" != null ]; then
	echo
	echo "port vs Go 1.19 (mapbench-go), 1M of 2M keys, 10M ops; medians of $reps interleaved:"
	jq -r '.go_side_by_side[] | [.name, .threads, .procs, .mix, .c_ns_per_op, .go_ns_per_op, .ratio,
		(if .meets then "<= 1.0x" else "> 1.0x" end), .c_spawn_s, .go_spawn_s, .c_task_bytes, .go_task_bytes]
		| map(tostring) | @tsv' "$out/summary.json" |
		awk -F'\t' 'BEGIN { printf "%-11s %7s %5s %6s %9s %9s %7s %8s %9s %9s %8s %8s\n", "row", "threads", "procs", "mix", "C ns/op", "Go ns/op", "C/Go", "", "C spawn", "Go spawn", "C B/task", "Go B/task" }
		{ printf "%-11s %7s %5s %6s %9.1f %9.1f %7.3f %8s %8.3fs %8.3fs %8d %8d\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 }'
fi
echo
echo "sync vs locked maps (procs 2, 1M keys, half prefilled; medians of $sync_reps):"
jq -r '.[] | [.mix, .map, .threads, (.ns_per_op * 10 | round / 10), (.promotions // "-"),
	(.dirty_rebuilds // "-"), (if .rebuild_max_ns then (.rebuild_max_ns / 1e6 * 10 | round / 10 | tostring) + "ms" else "-" end)] | @tsv' \
	"$out/sync-table.json" | awk -F'\t' 'BEGIN { printf "%-6s %-9s %8s %10s %11s %9s %12s\n", "mix", "map", "threads", "ns/op", "promotions", "rebuilds", "max rebuild" }
	{ printf "%-6s %-9s %8s %10s %11s %9s %12s\n", $1, $2, $3, $4, $5, $6, $7 }'
designs_tables
locks_tables
