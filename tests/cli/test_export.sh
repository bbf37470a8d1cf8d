# mapbench export: every table from a real small run, checked against the
# JSON with jq; the run selection; bad input (one line naming the option or
# file, exit 2); the man page documents every option.
. "$MB_SRCDIR/tests/cli/lib.sh"

command -v jq >/dev/null || { echo "jq is not installed" >&2; exit 77; }

R="$TMP/r.json"
"$MAPBENCH" run --map plain,locked,sync --threads 1,2,4 --ops 50k --pause-threshold 0ns \
	--window 1ms --count 2 -e none -q -o "$R" >/dev/null 2>"$TMP/run.err" ||
	{ cat "$TMP/run.err" >&2; fail "the run failed"; finish; }
nruns=$(jq '.runs | length' "$R")
[ "$nruns" -eq 18 ] || fail "want 18 runs, got $nruns"

# blocks FILE: the number of "# [N]" block lines in a table.
blocks() { grep -c '^# \[[0-9]*\] ' "$1"; }
# datarows FILE: lines that are neither comments nor blank.
datarows() { grep -v -e '^#' -e '^$' "$1" | wc -l; }

# heatmap: one block per run; the counts add up to the JSON's, cell by cell.
expect_exit 0 "$MAPBENCH" export --what heatmap "$R"
head -1 "$TMP/out" | grep -qx '# window start_s mid_s duration_log2 duration_ns count' ||
	fail "heatmap header: $(head -1 "$TMP/out")"
[ "$(blocks "$TMP/out")" -eq 18 ] || fail "heatmap: want 18 blocks"
cp "$TMP/out" "$TMP/hm"
want=$(jq '[.runs[].pauses.heatmap.counts[][]] | add' "$R")
got=$(awk '!/^#/ && NF { s += $6 } END { print s }' "$TMP/hm")
[ "$got" = "$want" ] || fail "heatmap counts sum to $got, the JSON's to $want"
want=$(jq '[.runs[].pauses.events | length] | add' "$R")
[ "$got" = "$want" ] || fail "heatmap counts $got, events kept $want"
# Block 0: windows x buckets rows, and a blank line closing each window.
cells=$(jq '.runs[0].pauses.heatmap | (.counts | length) * (.duration_buckets_ns | length)' "$R")
expect_exit 0 "$MAPBENCH" export --what heatmap --run 0 "$R"
[ "$(datarows "$TMP/out")" -eq "$cells" ] || fail "heatmap block 0: want $cells rows"
nwin=$(jq '.runs[0].pauses.heatmap.counts | length' "$R")
[ "$(grep -c '^$' "$TMP/out")" -eq "$nwin" ] || fail "heatmap: a blank line per window"
jq -r '.runs[0].pauses.heatmap as $h | range($h.counts | length) as $w |
	range($h.duration_buckets_ns | length) as $b |
	"\($w) \($h.duration_buckets_ns[$b]) \($h.counts[$w][$b])"' "$R" >"$TMP/hm.want"
awk '!/^#/ && NF { print $1, $5, $6 }' "$TMP/out" >"$TMP/hm.got"
cmp -s "$TMP/hm.want" "$TMP/hm.got" || fail "heatmap block 0 differs from the JSON"

# latency: --op all gives one block per run, the JSON's percentiles.
expect_exit 0 "$MAPBENCH" export --what latency --op all "$R"
[ "$(blocks "$TMP/out")" -eq 18 ] || fail "latency --op all: want 18 blocks"
want=$(jq -r '.runs[5].latency_ns | "\(.min) \(.p50) \(.p90) \(.p99) \(.p999) \(.p9999)"' "$R")
got=$(awk '/^# \[5\]/ { on = 1; next } /^# \[/ { on = 0 } on && NF { printf "%s%s", sep, $3; sep = " " }' "$TMP/out")
[ "$got" = "$want" ] || fail "latency block 5: '$got', want '$want'"
awk '!/^#/ && NF { print $1, $2 }' "$TMP/out" | sort -u >"$TMP/pct"
printf '0 1\n50 2\n90 10\n99 100\n99.9 1000\n99.99 10000\n' | sort >"$TMP/pct.want"
cmp -s "$TMP/pct" "$TMP/pct.want" || fail "latency: percentile and 1/(1-p) columns"
# Without --op: all plus every kind timed.
expect_exit 0 "$MAPBENCH" export --what latency --blocks --run 0 "$R"
want=$(jq '.runs[0].latency_ns_by_kind | length + 1' "$R")
[ "$(wc -l <"$TMP/out")" -eq "$want" ] || fail "latency of run 0: want $want blocks"
expect_grep '/op=load$' "$TMP/out"

# timeseries: one row per window.
expect_exit 0 "$MAPBENCH" export --what timeseries "$R"
want=$(jq '[.runs[].timeseries.windows | length] | add' "$R")
[ "$(datarows "$TMP/out")" -eq "$want" ] || fail "timeseries: want $want rows"
want=$(jq '[.runs[].timeseries.windows[].ops] | add' "$R")
got=$(awk '!/^#/ && NF { s += $2 } END { print s }' "$TMP/out")
[ "$got" = "$want" ] || fail "timeseries ops sum to $got, want $want"

# scaling: one block per map, a row per thread count over the two reps.
expect_exit 0 "$MAPBENCH" export --what scaling "$R"
[ "$(blocks "$TMP/out")" -eq 3 ] || fail "scaling: want 3 blocks"
[ "$(datarows "$TMP/out")" -eq 9 ] || fail "scaling: want 9 rows"
awk '!/^#/ && NF && $2 != 2 { bad = 1 } END { exit bad }' "$TMP/out" || fail "scaling: n is not 2"
want=$(jq '[.runs[] | select(.map == "locked" and .threads == 4) | .ops_per_s] | add / length' "$R")
got=$(awk '/^# \[/ { m = $3 } m ~ /^locked/ && $1 == 4 { print $3 }' "$TMP/out")
awk -v a="$got" -v b="$want" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 1e-6 * b) }' ||
	fail "scaling mean of locked at 4 threads: $got, want $want"
awk '!/^#/ && NF && !($5 <= $4 && $4 <= $6 && $5 <= $3 && $3 <= $6) { bad = 1 } END { exit bad }' \
	"$TMP/out" || fail "scaling: min <= median, mean <= max"

# pauses: every kept event, in the JSON's order.
expect_exit 0 "$MAPBENCH" export --what pauses --run 13 "$R"
jq -r '.runs[13].pauses.events[] | [.at_ns, .dur_ns, .kind, .worker, .map_len, .grace_ns, .objects, .bytes, .op_index, .moved]
	| map(if . == null then "NaN" else tostring end) | join(" ")' "$R" >"$TMP/ev.want"
grep -v -e '^#' -e '^$' "$TMP/out" >"$TMP/ev.got"
cmp -s "$TMP/ev.want" "$TMP/ev.got" || fail "pauses of run 13 differ from the JSON"

# alloc: refused in one line on a result without live bytes per window;
# with them (added here by jq, as newer results carry), one row per window.
if jq -e '.runs[0].timeseries.windows[0].live_bytes' "$R" >/dev/null; then
	cp "$R" "$TMP/live.json"
else
	expect_usage "live_bytes" export --what alloc "$R"
	expect_grep "r.json" "$TMP/err"
	jq '.runs[].timeseries.windows |= (to_entries | map(.value + {live_bytes:
		{buckets: (4096 * (.key + 1)), overflow: 0, entries: (64 * .key), values: 0,
		 read_maps: 0, other: 16}})) | .runs[].alloc.peak_live_bytes = 123456' \
		"$R" >"$TMP/live.json"
fi
expect_exit 0 "$MAPBENCH" export --what alloc "$TMP/live.json"
expect_grep '^# start_s end_s total_bytes buckets_bytes overflow_bytes' "$TMP/out"
want=$(jq '[.runs[].timeseries.windows | length] | add' "$TMP/live.json")
[ "$(datarows "$TMP/out")" -eq "$want" ] || fail "alloc: want $want rows"
awk '!/^#/ && NF { s = 0; for (i = 4; i <= NF; i++) s += $i; if (s != $3) bad = 1 } END { exit bad }' \
	"$TMP/out" || fail "alloc: total_bytes is not the sum of the categories"
expect_grep '^# peak_live_bytes [0-9]' "$TMP/out"

# Selections.
expect_exit 0 "$MAPBENCH" export --what heatmap --blocks --threads max --rep 1 "$R"
printf '%s\n' plain/threads=4/procs=1/rep=1 locked/threads=4/procs=2/rep=1 sync/threads=4/procs=2/rep=1 \
	>"$TMP/sel.want"
cut -d' ' -f2 "$TMP/out" >"$TMP/sel.got"
cmp -s "$TMP/sel.want" "$TMP/sel.got" || fail "--threads max --rep 1: $(cat "$TMP/out")"
expect_exit 0 "$MAPBENCH" export --what pauses --blocks --map sync,locked --threads 2 "$R"
[ "$(wc -l <"$TMP/out")" -eq 4 ] || fail "--map sync,locked --threads 2: want 4 blocks"
expect_exit 0 "$MAPBENCH" export --what timeseries --blocks --run sync/threads=1/procs=2 "$R"
[ "$(wc -l <"$TMP/out")" -eq 2 ] || fail "--run LABEL: want both reps"
expect_exit 0 "$MAPBENCH" export --what timeseries --run 0 - <"$R"
expect_grep '^# \[0\] plain/threads=1/procs=1/rep=1$' "$TMP/out"

# Bad input: one line naming the option or the file, exit 2.
expect_usage "--what" export "$R"
expect_usage "--what" export --what histogram "$R"
expect_usage "export" export --what heatmap
expect_usage "export" export --what heatmap "$R" "$R"
expect_usage "$TMP/missing.json" export --what heatmap "$TMP/missing.json"
expect_usage "$TMP" export --what heatmap "$TMP"
head -c 3000 "$R" >"$TMP/cut.json"
expect_usage "cut.json" export --what heatmap "$TMP/cut.json"
echo '{"schema": "mapbench/2", "runs": []}' >"$TMP/v2.json"
expect_usage "v2.json" export --what scaling "$TMP/v2.json"
expect_grep "mapbench/2" "$TMP/err"
echo '{"schema": "fio/1", "runs": []}' >"$TMP/fio.json"
expect_usage "fio.json" export --what scaling "$TMP/fio.json"
echo '{"schema": "mapbench/1", "runs": []}' >"$TMP/empty.json"
expect_usage "empty.json" export --what scaling "$TMP/empty.json"
expect_usage "--threads" export --what heatmap --threads lots "$R"
expect_usage "--threads" export --what heatmap --threads 0 "$R"
expect_usage "--rep" export --what heatmap --rep 0 "$R"
expect_usage "--run" export --what heatmap --run "" "$R"
expect_usage "--map" export --what heatmap --map "" "$R"
expect_usage "--op" export --what latency --op fly "$R"
expect_usage "r.json" export --what heatmap --map swiss "$R"
expect_usage "r.json" export --what heatmap --run 18 "$R"
# argp's own message for an unknown option: exit 2, named on the first line.
expect_exit 2 "$MAPBENCH" export --nope --what heatmap "$R"
head -1 "$TMP/err" | grep -q -- "--nope" || fail "unknown option not named"
"$MAPBENCH" run --map plain --threads 1 --ops 1k --pause-threshold off --latency off \
	-e none -q -o "$TMP/off.json" >/dev/null 2>&1 || fail "the run without pauses failed"
expect_usage "off.json" export --what heatmap "$TMP/off.json"
expect_grep "pause-threshold off" "$TMP/err"
expect_usage "off.json" export --what pauses "$TMP/off.json"
expect_usage "off.json" export --what latency "$TMP/off.json"
jq 'del(.runs[1].timeseries)' "$R" >"$TMP/nots.json"
expect_usage "runs\[1\] has no timeseries" export --what timeseries "$TMP/nots.json"

# Values no mapbench writes are refused with one line naming them, never
# turned into NaN: repetition 0, a negative count, throughputs whose sum
# overflows (1e308 twice).
jq '.runs[0].rep = 0' "$R" >"$TMP/rep0.json"
expect_usage "runs\[0\].rep is 0" export --what scaling "$TMP/rep0.json"
jq '.runs[0].ops_per_s = -5' "$R" >"$TMP/neg.json"
expect_usage "runs\[0\].ops_per_s is negative" export --what scaling "$TMP/neg.json"
jq '.runs[0].timeseries.windows[0].ops = -1' "$R" >"$TMP/negops.json"
expect_usage "runs\[0\].timeseries.windows\[0\].ops is negative" export --what timeseries "$TMP/negops.json"
jq '.runs[].ops_per_s = 1e308' "$R" >"$TMP/huge.json"
"$MAPBENCH" export --what scaling "$TMP/huge.json" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ "$rc" -eq 0 ]; then
	awk '!/^#/ && NF && ($3 == "NaN" || $4 == "NaN" || /inf/) { exit 1 }' "$TMP/out" ||
		fail "scaling of 1e308 throughputs printed NaN or inf: $(head -4 "$TMP/out")"
else
	[ "$rc" -eq 2 ] && grep -q "ops_per_s" "$TMP/err" ||
		fail "scaling of 1e308 throughputs: exit $rc: $(cat "$TMP/err")"
fi

# Inputs that are not files are refused before they are read: a device
# (/dev/zero would grow without end), and a file larger than the bound is
# refused from its size; running out of memory is a runtime failure (1).
expect_usage "/dev/zero: cannot read: a device" export --what scaling /dev/zero
truncate -s 2G "$TMP/sparse.json"
expect_usage "sparse.json: cannot read: larger than 1024 MiB" export --what scaling "$TMP/sparse.json"
rm -f "$TMP/sparse.json"
if [ -z "${MB_SANITIZERS:-}" ]; then
	# 30 MB of runs: more than 60 MB of address space can hold once loaded
	awk 'BEGIN { printf "{\"schema\": \"mapbench/1\", \"runs\": [";
		for (i = 0; i < 30000; i++) printf "%s{\"map\": \"null\", \"threads\": 1, \"procs\": 1, \"rep\": 1, \"pad\": \"%1000s\"}", (i ? "," : ""), "";
		print "]}" }' >"$TMP/big.json"
	(ulimit -v 60000 && exec "$MAPBENCH" export --what scaling "$TMP/big.json") >/dev/null 2>"$TMP/err"
	rc=$?
	[ "$rc" -eq 1 ] || fail "out of memory loading a result: exit $rc, want 1: $(cat "$TMP/err")"
	expect_grep "big.json: .*\(out of memory\|Cannot allocate memory\)" "$TMP/err"
	rm -f "$TMP/big.json"
fi

# A full standard output is a runtime failure (exit 1), not a usage error.
if [ -w /dev/full ]; then
	"$MAPBENCH" export --what pauses "$R" >/dev/full 2>"$TMP/err"
	[ $? -eq 1 ] || fail "export to a full device: want exit 1"
fi

# mapbench --help and mapbench(1) point to export (and the plot script).
expect_exit 0 "$MAPBENCH" --help
expect_grep '^  export ' "$TMP/out"
expect_usage "expected run, list, compare or export" frobnicate
grep -q 'mapbench\\-export' "$MB_SRCDIR/man/mapbench.1" || fail "mapbench(1) does not mention mapbench-export"
grep -q 'mapbench\\-plot' "$MB_SRCDIR/man/mapbench.1" || fail "mapbench(1) does not mention mapbench-plot"

# --help and the man page document every option.
expect_exit 0 "$MAPBENCH" export --help
for opt in $(grep -o -- '--[a-z][a-z-]*' "$TMP/out" | sort -u); do
	[ "$opt" = "--help" ] || [ "$opt" = "--usage" ] || [ "$opt" = "--version" ] && continue
	grep -q -- "$(printf '%s' "$opt" | sed 's/-/\\\\-/g')" "$MB_SRCDIR/man/mapbench-export.1" ||
		fail "man/mapbench-export.1 does not document $opt"
done
# The kinds are one list: mapbench list exports, --what's help and its
# message for an unknown kind name the same kinds, each described in the
# man page.
"$MAPBENCH" list exports | awk 'NR > 1 { print $1 }' >"$TMP/kinds"
[ "$(tr '\n' ' ' <"$TMP/kinds")" = "heatmap latency timeseries scaling alloc pauses " ] ||
	fail "list exports: $(tr '\n' ' ' <"$TMP/kinds")"
"$MAPBENCH" export --what nosuch "$R" 2>"$TMP/unknown.err"
"$MAPBENCH" export --help >"$TMP/help"
while read -r kind; do
	"$MAPBENCH" export --what "$kind" --blocks "$R" >/dev/null 2>&1 ||
		[ $? -eq 2 ] || fail "export --what $kind: not a kind export knows"
	grep -q "^  $kind  " "$TMP/help" || fail "export --help does not list $kind"
	expect_grep "$kind" "$TMP/unknown.err"
done <"$TMP/kinds"
expect_exit 0 "$MAPBENCH" export --help
for kind in $(cat "$TMP/kinds"); do
	expect_grep "$kind" "$TMP/out"
	grep -q "^\.B $kind\$" "$MB_SRCDIR/man/mapbench-export.1" ||
		fail "man/mapbench-export.1 does not describe the $kind table"
done
# Every column a table names is described in the man page.
for kind in heatmap latency timeseries scaling pauses; do
	"$MAPBENCH" export --what $kind "$R" | head -1 | tr ' ' '\n' | sed 1d >"$TMP/cols"
	while read -r col; do
		grep -qxF ".B $col" "$MB_SRCDIR/man/mapbench-export.1" ||
			fail "man/mapbench-export.1 does not describe column $col of $kind"
	done <"$TMP/cols"
done
finish
