# mapbench-plot: every kind drawn from a real small run, to PNG and SVG
# (a PNG signature and a non-trivial size; well-formed SVG with drawing
# elements); compare from a CSV in the columns of `mapbench compare --format
# csv`; bad input to the wrapper; the man page documents every option.
. "$MB_SRCDIR/tests/cli/lib.sh"

PLOT=${MAPBENCH_PLOT:-$MB_SRCDIR/scripts/mapbench-plot}
if [ -z "${GNUPLOT:-}" ] || ! command -v "$GNUPLOT" >/dev/null; then
	echo "gnuplot is not installed (gnuplot-nox)" >&2
	exit 77
fi
if [ -z "${XMLLINT:-}" ] || ! command -v "$XMLLINT" >/dev/null; then
	echo "xmllint is not installed (libxml2-utils)" >&2
	exit 77
fi
command -v jq >/dev/null || { echo "jq is not installed" >&2; exit 77; }

R="$TMP/r.json"
"$MAPBENCH" run --map plain,locked,sync --threads 1,2,4 --ops 50k --pause-threshold 0ns \
	--window 1ms --count 2 -e none -q -o "$R" >/dev/null 2>"$TMP/run.err" ||
	{ cat "$TMP/run.err" >&2; fail "the run failed"; finish; }
# Live bytes per window: a hand-made series on a result that lacks them
# (the alloc table needs them).
if jq -e '.runs[0].timeseries.windows[0].live_bytes' "$R" >/dev/null; then
	cp "$R" "$TMP/live.json"
else
	jq '.runs[].timeseries.windows |= (to_entries | map(.value + {live_bytes:
		{buckets: (4096 * (.key + 1)), overflow: (512 * .key), entries: (64 * .key),
		 values: 0, read_maps: 0, other: 16}}))' "$R" >"$TMP/live.json"
fi

# A hand-made CSV with the columns compare writes, for the compare drawing.
cat >"$TMP/cmp.csv" <<'EOF'
name,metric,unit,n_a,mean_a,sd_a,min_a,median_a,max_a,ci95_low_a,ci95_high_a,n_b,mean_b,sd_b,min_b,median_b,max_b,ci95_low_b,ci95_high_b,delta_pct,diff_ci95_low,diff_ci95_high,t,df,p,hedges_g,verdict
plain/threads=1/procs=1,ops_per_s,ops/s,5,2.0e7,1.0e6,1.9e7,2.0e7,2.1e7,1.88e7,2.12e7,5,2.2e7,1.1e6,2.1e7,2.2e7,2.3e7,2.06e7,2.34e7,10.0,0.5e6,3.5e6,3.0,7.9,0.017,1.8,better
sync/threads=4/procs=2,ops_per_s,ops/s,5,1.1e7,2.0e6,0.9e7,1.1e7,1.4e7,0.85e7,1.35e7,5,1.05e7,2.1e6,0.8e7,1.0e7,1.3e7,0.79e7,1.31e7,-4.5,-3.5e6,2.5e6,-0.4,7.9,0.70,-0.2,no-change
plain/threads=1/procs=1,ns_per_op,ns,5,50,2.5,47,50,52,47,53,5,45.5,2.3,43,45,48,42.6,48.4,-9.0,-8,-1,-3.0,7.9,0.017,-1.8,better
sync/threads=4/procs=2,ns_per_op,ns,1,91,,91,91,91,,,5,95,17,77,100,125,74,116,,,,,,,,insufficient
geomean,ops_per_s,ops/s,,,,,,,,,,,,,,,,,2.5,,,,,,,
EOF

# check_png FILE: the PNG signature and more than a blank canvas.
check_png() {
	[ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
		{ fail "$1 is not a PNG"; return; }
	size=$(wc -c <"$1")
	[ "$size" -gt 15000 ] || fail "$1 is only $size bytes"
}
# check_svg FILE: well-formed XML, an <svg> root, and drawing in it.
check_svg() {
	"$XMLLINT" --noout "$1" 2>"$TMP/xml.err" || fail "$1 is not well-formed: $(head -2 "$TMP/xml.err")"
	grep -q '<svg' "$1" || fail "$1 has no <svg> element"
	n=$(grep -c -e '<path' -e '<polyline' -e '<polygon' -e '<rect' "$1")
	[ "$n" -gt 20 ] || fail "$1 has only $n drawing elements"
	grep -q '<text' "$1" || fail "$1 has no text (axes, titles)"
}

for kind in heatmap latency scaling alloc; do
	for fmt in png svg; do
		expect_exit 0 "$PLOT" $kind "$TMP/live.json" -o "$TMP/$kind.$fmt"
		[ -s "$TMP/$kind.$fmt" ] || { fail "$kind.$fmt was not written"; continue; }
		check_$fmt "$TMP/$kind.$fmt"
		expect_grep "$TMP/$kind.$fmt" "$TMP/out"
	done
done
for fmt in png svg; do
	expect_exit 0 "$PLOT" compare --csv "$TMP/cmp.csv" -o "$TMP/compare.$fmt"
	check_$fmt "$TMP/compare.$fmt"
done

# What the panels and legends say: one per map, with the axes' units.
grep -c 'threads=4/procs=./rep=1' "$TMP/heatmap.svg" >"$TMP/n"
[ "$(cat "$TMP/n")" -ge 3 ] || fail "heatmap.svg: want a panel per map"
expect_grep 'pause duration' "$TMP/heatmap.svg"
expect_grep 'time since the timed phase began (ms)' "$TMP/heatmap.svg"
for m in plain locked sync; do
	expect_grep "$m/threads=4" "$TMP/latency.svg"
	expect_grep "$m/procs=" "$TMP/scaling.svg"
done
expect_grep 'p99.99' "$TMP/latency.svg"
expect_grep 'throughput (ops/s)' "$TMP/scaling.svg"
expect_grep 'buckets' "$TMP/alloc.svg"
expect_grep 'live bytes' "$TMP/alloc.svg"
expect_grep 'ns_per_op (ns)' "$TMP/compare.svg"
expect_grep '+10.0% better' "$TMP/compare.svg"

# Selections pass through to export; the default output is KIND.png here.
expect_exit 0 "$PLOT" heatmap "$R" --map sync --threads 2 -o "$TMP/one.svg"
[ "$(grep -c 'sync/threads=2/procs=2/rep=1' "$TMP/one.svg")" -ge 1 ] || fail "--map --threads: no sync panel"
if grep -q 'plain/threads' "$TMP/one.svg"; then fail "--map sync drew plain"; fi
(cd "$TMP" && "$PLOT" latency "$R" --op load >/dev/null 2>"$TMP/err") || fail "latency --op load: $(cat "$TMP/err")"
check_png "$TMP/latency.png"
# A run without pause events above the threshold: an empty panel says so.
"$MAPBENCH" run --map plain --threads 1 --ops 2k --pause-threshold 1s -e none -q \
	-o "$TMP/quiet.json" >/dev/null 2>&1 || fail "the quiet run failed"
expect_exit 0 "$PLOT" heatmap "$TMP/quiet.json" -o "$TMP/quiet.svg"
expect_grep 'no pause events in this run' "$TMP/quiet.svg"

# Bad input: a usage line or one line naming the option or file.
# expect_plot_error STATUS WORD ARGS...
expect_plot_error() {
	want=$1
	word=$2
	shift 2
	expect_exit "$want" "$PLOT" "$@"
	lines=$(wc -l <"$TMP/err")
	[ "$lines" -eq 1 ] || fail "want one line on stderr, got $lines: mapbench-plot $*"
	grep -q -- "$word" "$TMP/err" || fail "stderr does not name $word: $(cat "$TMP/err")"
}
expect_exit 2 "$PLOT"
expect_grep '^usage: mapbench-plot' "$TMP/err"
expect_exit 0 "$PLOT" --help
expect_grep '^usage: mapbench-plot' "$TMP/out"
expect_plot_error 2 "KIND" histogram "$R"
expect_plot_error 2 "missing.json" heatmap "$TMP/missing.json" -o "$TMP/x.png"
expect_plot_error 2 "$TMP" heatmap "$TMP" -o "$TMP/x.png"
head -c 2000 "$R" >"$TMP/cut.json"
expect_plot_error 2 "cut.json" scaling "$TMP/cut.json" -o "$TMP/x.png"
expect_plot_error 2 "heatmap: expected one result file" heatmap -o "$TMP/x.png"
expect_plot_error 2 "unexpected argument" heatmap "$R" "$R" "$R"
expect_plot_error 2 "-o" heatmap "$R" -o "$TMP/x.pdf"
expect_plot_error 2 "-o" heatmap "$R" -o "$TMP/no/such/dir/x.png"
expect_plot_error 2 "-o: expected a value" heatmap "$R" -o
expect_plot_error 2 "--frob" heatmap "$R" --frob
expect_plot_error 2 "--threads" heatmap "$R" --threads lots -o "$TMP/x.png"
expect_plot_error 2 "--map" heatmap "$R" --map 'a b' -o "$TMP/x.png"
expect_plot_error 2 "r.json" heatmap "$R" --map swiss -o "$TMP/x.png"
if ! jq -e '.runs[0].timeseries.windows[0].live_bytes' "$R" >/dev/null; then
	expect_plot_error 2 "live_bytes" alloc "$R" -o "$TMP/x.png"
fi
expect_plot_error 2 "compare: expected two result files" compare "$R" -o "$TMP/x.png"
expect_plot_error 2 "--csv" compare --csv "$TMP/missing.csv" -o "$TMP/x.png"
expect_plot_error 2 "--csv: only for compare" heatmap --csv "$TMP/cmp.csv" "$R"
expect_plot_error 2 "--threads: not an option of compare" compare --csv "$TMP/cmp.csv" --threads 2
echo 'a,b,c' >"$TMP/bad.csv"
expect_plot_error 2 "not the CSV of mapbench compare" compare --csv "$TMP/bad.csv" -o "$TMP/x.png"
expect_exit 1 env GNUPLOT="$TMP/no-gnuplot" "$PLOT" heatmap "$R" -o "$TMP/x.png"
expect_grep 'gnuplot not found' "$TMP/err"
[ ! -e "$TMP/x.png" ] || fail "a failed plot left $TMP/x.png"

# The man page documents every option of the usage line, and every kind.
expect_exit 0 "$PLOT" --help
for opt in $(grep -o -- '--[a-z][a-z-]*' "$TMP/out" | sort -u) -o; do
	grep -q -- "$(printf '%s' "$opt" | sed 's/-/\\\\-/g')" "$MB_SRCDIR/man/mapbench-plot.1" ||
		fail "man/mapbench-plot.1 does not document $opt"
done
for kind in heatmap latency scaling alloc compare; do
	grep -q "^\.B $kind\$" "$MB_SRCDIR/man/mapbench-plot.1" ||
		fail "man/mapbench-plot.1 does not describe $kind"
done
finish
