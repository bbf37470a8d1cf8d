# mapbench-plot with hostile paths and awkward results: a TMPDIR or
# MAPBENCH_PLOT_DIR whose name is gnuplot code (it must stay a name, never
# run), quotes in folder names, an -o that looks like an option, a heatmap
# whose first run has no pause events, a run that ended fatal (its panel
# says why), and the export tables taken from `mapbench list exports`.
. "$MB_SRCDIR/tests/cli/lib.sh"

PLOT=${MAPBENCH_PLOT:-$MB_SRCDIR/scripts/mapbench-plot}
if [ -z "${GNUPLOT:-}" ] || ! command -v "$GNUPLOT" >/dev/null; then
	echo "gnuplot is not installed (gnuplot-nox)" >&2
	exit 77
fi

# A result whose first run (null) has no pause event above 1s and whose
# second (plain, growing) has: the empty block comes first.
R="$TMP/r.json"
"$MAPBENCH" run --map null,plain --threads 1 --ops 20k --keys 10k --prefill 0 -e none -q \
	--pause-threshold 0ns --window 1ms -o "$R" >/dev/null 2>"$TMP/run.err" ||
	{ cat "$TMP/run.err" >&2; fail "the run failed"; finish; }
# Keep only plain's events, as if null had none.
if command -v jq >/dev/null; then
	jq '.runs[0].pauses.events = [] | .runs[0].pauses.heatmap.counts = [] |
	    .runs[0].pauses.heatmap.duration_buckets_ns = []' "$R" >"$TMP/first-empty.json"
	expect_exit 0 "$PLOT" heatmap "$TMP/first-empty.json" -o "$TMP/first-empty.png"
	[ -s "$TMP/first-empty.png" ] || fail "heatmap with an empty first run: no picture"
	grep -q "undefined variable" "$TMP/err" && fail "heatmap: $(cat "$TMP/err")"
	# A run that ended fatal: its panel says so (the note of --blocks).
	jq '.runs[0].pauses.heatmap.counts = [] | .runs[0].pauses.heatmap.duration_buckets_ns = [] |
	    .runs[1].outcome = "fatal" | .runs[1].error = "concurrent map writes" |
	    .runs[1].ops = 1234 | .runs[1].pauses.heatmap.counts = [] |
	    .runs[1].pauses.heatmap.duration_buckets_ns = []' "$R" >"$TMP/fatal.json"
	expect_exit 0 "$MAPBENCH" export --what heatmap --blocks "$TMP/fatal.json"
	expect_grep "^0 plain/threads=1/procs=1/rep=1 fatal: concurrent map writes after 1234 ops$" "$TMP/out"
	expect_exit 0 "$PLOT" heatmap "$TMP/fatal.json" -o "$TMP/fatal.svg"
	expect_grep "fatal: concurrent map writes after 1234 ops" "$TMP/fatal.svg"
	expect_grep "no pause events in this run" "$TMP/fatal.svg"
else
	echo "SKIP: heatmap panels: jq is not installed"
fi

# Folders named like gnuplot code, with quotes: TMPDIR (the data and the
# picture are there), MAPBENCH_PLOT_DIR (the scripts), the output's folder.
# Nothing may run, and the plot must still work.
evil="$TMP/it's '; system('touch PWNED'); '"
mkdir -p "$evil/tmp" "$evil/gp" "$evil/out"
cp "$MB_SRCDIR"/scripts/*.gp "$evil/gp/"
for kind in heatmap scaling latency; do
	(cd "$evil" && TMPDIR="$evil/tmp" MAPBENCH_PLOT_DIR="$evil/gp" \
		"$PLOT" $kind "$R" -o "$evil/out/$kind.svg") >"$TMP/out" 2>"$TMP/err" ||
		fail "$kind with quotes in every path: $(head -3 "$TMP/err")"
	[ -s "$evil/out/$kind.svg" ] || fail "$kind: no picture in a folder with quotes"
done
[ -z "$(find "$TMP" -name PWNED)" ] || fail "gnuplot ran a command from a folder name"
[ -z "$(ls "$evil/tmp")" ] || fail "temporary files left in TMPDIR"

# -o that starts with '-': a file name, not an option of dirname or mv.
(cd "$TMP" && "$PLOT" scaling "$R" -o -rf.png) >"$TMP/out" 2>"$TMP/err" ||
	fail "-o -rf.png: $(cat "$TMP/err")"
[ -s "$TMP/-rf.png" ] || fail "-o -rf.png: no picture"
# and a result file that starts with '-', after --
cp "$R" "$TMP/-r.json"
(cd "$TMP" && "$PLOT" scaling -o s.png -- -r.json) >"$TMP/out" 2>"$TMP/err" ||
	fail "a result named -r.json after --: $(cat "$TMP/err")"
[ -s "$TMP/s.png" ] || fail "a result named -r.json: no picture"
(cd "$TMP" && "$PLOT" scaling -r.json -o s.png) >"$TMP/out" 2>"$TMP/err"
expect_grep "unknown option" "$TMP/err"

# The export tables come from `mapbench list exports`: every plot but
# compare is one of them, and a mapbench without the table is refused.
expect_exit 0 "$MAPBENCH" list exports
for kind in heatmap latency scaling alloc; do
	grep -q "^$kind " "$TMP/out" || fail "list exports lacks $kind, which mapbench-plot draws"
done
cat >"$TMP/fake-mapbench" <<FAKE
#!/bin/sh
if [ "\$1 \$2" = "list exports" ]; then
	echo "export      what a row is"
	echo "latency     the percentile spectrum"
	exit 0
fi
exec "$MAPBENCH" "\$@"
FAKE
chmod +x "$TMP/fake-mapbench"
MAPBENCH="$TMP/fake-mapbench" "$PLOT" heatmap "$R" -o "$TMP/x.png" >"$TMP/out" 2>"$TMP/err"
rc=$?
[ "$rc" -eq 1 ] || fail "a mapbench without the heatmap table: exit $rc, want 1"
expect_grep "has no export table 'heatmap'" "$TMP/err"
finish
