# mapbench compare: real small results, plain-number files, every format,
# the comparability and noise warnings, the regression gate, bad input.
. "$MB_SRCDIR/tests/cli/lib.sh"

D="$MB_SRCDIR/tests/data/compare"

# --help, the man page, mapbench --help.
expect_exit 0 "$MAPBENCH" compare --help
for opt in --metric --alpha --test --strict --vary --format --fail-on-regression; do
	expect_grep "$opt" "$TMP/out"
done
for opt in $(grep -o -- '--[a-z][a-z-]*' "$TMP/out" | sort -u); do
	[ "$opt" = "--help" ] || [ "$opt" = "--usage" ] || [ "$opt" = "--version" ] && continue
	grep -q -- "$(printf '%s' "$opt" | sed 's/-/\\\\-/g')" "$MB_SRCDIR/man/mapbench-compare.1" ||
		fail "man/mapbench-compare.1 does not document $opt"
done
for m in ops_per_s ns_per_op p50_ns p99_ns p9999_ns max_ns pause: reclaim_per_window \
	bytes_per_op allocs_per_op; do
	expect_grep "$m" "$TMP/out"
	grep -q -- "$(printf '%s' "$m" | sed 's/_/_/g')" "$MB_SRCDIR/man/mapbench-compare.1" ||
		fail "man/mapbench-compare.1 does not document metric $m"
done
expect_exit 0 "$MAPBENCH" --help
expect_grep "compare" "$TMP/out"
grep -q 'mapbench\\-compare' "$MB_SRCDIR/man/mapbench.1" || fail "mapbench(1) does not name compare"

# Two real results: two labels each, three repetitions.
for side in a b; do
	"$MAPBENCH" run -q --count 3 --ops 20k --keys 10k --prefill 5k -m plain,null -t 1 \
		-o "$TMP/$side.json" >/dev/null 2>"$TMP/err" || fail "run $side: $(cat "$TMP/err")"
done

expect_exit 0 "$MAPBENCH" compare "$TMP/a.json" "$TMP/b.json"
expect_grep '^A: ' "$TMP/out"
expect_grep '^ops_per_s (ops/s, higher is better' "$TMP/out"
expect_grep '^plain/threads=1/procs=1 .* 3+3 ' "$TMP/out"
expect_grep "^null/threads=1/procs=2 " "$TMP/out"
expect_grep '^geomean ' "$TMP/out"
grep -q 'nan' "$TMP/out" && fail "nan in the table"

expect_exit 0 "$MAPBENCH" compare -f markdown "$TMP/a.json" "$TMP/b.json"
expect_grep '^| name | A | B | delta | p (Welch) | n | verdict |$' "$TMP/out"
expect_grep '^| plain/threads=1/procs=1 |' "$TMP/out"
jq ".host.hostname = \"elsewhere\"" "$TMP/b.json" >"$TMP/b-md.json"
expect_exit 0 "$MAPBENCH" compare -f markdown "$TMP/a.json" "$TMP/b-md.json"
expect_grep "^- the sides differ in host.hostname" "$TMP/out"

expect_exit 0 "$MAPBENCH" compare -f csv "$TMP/a.json" "$TMP/b.json"
header='name,metric,unit,n_a,mean_a,sd_a,min_a,median_a,max_a,ci95_low_a,ci95_high_a,n_b,mean_b,sd_b,min_b,median_b,max_b,ci95_low_b,ci95_high_b,delta_pct,diff_ci95_low,diff_ci95_high,t,df,p,hedges_g,verdict'
[ "$(head -1 "$TMP/out")" = "$header" ] || fail "csv header: $(head -1 "$TMP/out")"
[ "$(wc -l <"$TMP/out")" -eq 4 ] || fail "csv: want header + 2 labels + geomean: $(cat "$TMP/out")"
awk -F, 'NR > 1 && NF != 27 { exit 1 }' "$TMP/out" || fail "csv: a row without 27 cells"
awk -F, 'NR > 1 && $1 != "geomean" && $27 !~ /^(better|worse|no-change|insufficient)$/ { exit 1 }' \
	"$TMP/out" || fail "csv: a bad verdict"
expect_grep '^geomean,ops_per_s,ops/s,,' "$TMP/out"

expect_exit 0 "$MAPBENCH" compare -f json "$TMP/a.json" "$TMP/b.json"
json_check "$TMP/out" '.schema == "mapbench-compare/1" and .alpha == 0.05 and .test == "welch"'
json_check "$TMP/out" '[.comparisons[] | select(.geomean | not)] | length == 2'
json_check "$TMP/out" '[.comparisons[] | select(.name == "plain/threads=1/procs=1")][0] | .a.n == 3 and .b.n == 3 and .better == "higher" and (.t | type) == "number" and (.p | type) == "number"'
json_check "$TMP/out" '(.regression | type) == "boolean" and (.warnings | type) == "array"'

# Every metric reads from a real result.
expect_exit 0 "$MAPBENCH" compare -f csv \
	-M ops_per_s,ns_per_op,p50_ns,p90_ns,p99_ns,p999_ns,p9999_ns,max_ns,p99_ns:load,pause:grow,reclaim_per_window,bytes_per_op,allocs_per_op \
	"$TMP/a.json" "$TMP/b.json"
for m in ns_per_op p50_ns p999_ns max_ns p99_ns:load pause:grow reclaim_per_window bytes_per_op allocs_per_op; do
	grep -q "^plain/threads=1/procs=1,$m," "$TMP/out" || fail "no $m row"
done

# Pause events and reclaim windows from a hand-made result (the fields as
# mapbench-json(5) documents them): three repetitions per side.
mkresult() { # FILE DUR1 DUR2 DUR3 RECLAIMS-PER-WINDOW...
	out=$1
	shift
	jq --argjson d "[$1,$2,$3]" --argjson r "[$4,$5,$6]" '
		.runs = [range(0; 3) as $i | .runs[0] | .rep = $i + 1
			| .pauses.events = ([{at_ns: 5, dur_ns: $d[$i], kind: "grow", worker: 0, map_len: 1}]
				+ [range(0; $r[$i]) | {at_ns: ((. % 2) * 1500000000 + .), dur_ns: 100, kind: "reclaim", worker: 0, map_len: -1}])
			| .timeseries = {window_ns: 1000000000, windows: [{}, {}]}]' "$TMP/a.json" >"$out"
}
mkresult "$TMP/pa.json" 1000 1100 1050 2 2 4
mkresult "$TMP/pb.json" 5000 5100 5200 12 14 16
expect_exit 0 "$MAPBENCH" compare -f json -M pause:grow,reclaim_per_window "$TMP/pa.json" "$TMP/pb.json"
json_check "$TMP/out" '.comparisons[0] | .metric == "pause:grow" and .a.n == 3 and .a.mean == 1050 and .verdict == "worse"'
json_check "$TMP/out" '.comparisons[1] | .metric == "reclaim_per_window" and .a.n == 6 and .b.max == 8 and .verdict == "worse"'

# Unmatched labels are named in a warning.
jq '.runs |= map(select(.map == "plain"))' "$TMP/b.json" >"$TMP/b-plain.json"
expect_exit 0 "$MAPBENCH" compare "$TMP/a.json" "$TMP/b-plain.json"
expect_grep 'warning: 1 unmatched label, not compared: null/threads=1/procs=2 (only in A)' "$TMP/err"
jq '.runs |= map(.map = "other")' "$TMP/b.json" >"$TMP/b-other.json"
expect_usage "no run label in common" compare "$TMP/a.json" "$TMP/b-other.json"

# Comparability: host, version, config; --strict; --vary.
jq '.host.hostname = "elsewhere" | .config.keys = 99 | .mapbench_version = "9.9"' "$TMP/b.json" >"$TMP/b-host.json"
expect_exit 0 "$MAPBENCH" compare "$TMP/a.json" "$TMP/b-host.json"
expect_grep 'warning: the sides differ in host.hostname: ".*" vs "elsewhere"' "$TMP/err"
expect_grep 'warning: the sides differ in config.keys: 10000 vs 99' "$TMP/err"
expect_grep 'warning: the sides differ in mapbench_version' "$TMP/err"
expect_usage "--strict" compare --strict "$TMP/a.json" "$TMP/b-host.json"
jq '.config.keys = 99' "$TMP/b.json" >"$TMP/b-keys.json"
expect_exit 0 "$MAPBENCH" compare --strict --vary keys "$TMP/a.json" "$TMP/b-keys.json"
grep -q 'config.keys' "$TMP/err" && fail "--vary keys still warns about keys"

# The regression gate on a constructed regression: B's throughput halved.
jq '.runs |= map(.ops_per_s = 1000 + .rep)' "$TMP/a.json" >"$TMP/ga.json"
jq '.runs |= map(.ops_per_s = 500 + .rep)' "$TMP/a.json" >"$TMP/gb.json"
expect_exit 4 "$MAPBENCH" compare --fail-on-regression "$TMP/ga.json" "$TMP/gb.json"
expect_grep '^mapbench: regression: plain/threads=1/procs=1 ops_per_s -49.9' "$TMP/err"
expect_exit 4 "$MAPBENCH" compare --fail-on-regression=40 "$TMP/ga.json" "$TMP/gb.json"
expect_exit 0 "$MAPBENCH" compare --fail-on-regression=60 "$TMP/ga.json" "$TMP/gb.json"
expect_exit 0 "$MAPBENCH" compare "$TMP/ga.json" "$TMP/gb.json"
expect_grep ' worse$' "$TMP/out"
expect_exit 0 "$MAPBENCH" compare --fail-on-regression "$TMP/gb.json" "$TMP/ga.json"
expect_grep ' better$' "$TMP/out"
expect_exit 4 "$MAPBENCH" compare -f json --fail-on-regression "$TMP/ga.json" "$TMP/gb.json"
json_check "$TMP/out" '.regression == true'

# Plain-number files: direction from --metric, the U test, markdown.
expect_exit 0 "$MAPBENCH" compare "$D/small_a.txt" "$D/small_b.txt"
expect_grep '^value (lower is better' "$TMP/out"
expect_grep '^small_a.txt vs small_b.txt .* +8.73% .* p=0.00945 .* 5+5 .* worse$' "$TMP/out"
expect_exit 4 "$MAPBENCH" compare --fail-on-regression "$D/small_a.txt" "$D/small_b.txt"
expect_exit 0 "$MAPBENCH" compare --fail-on-regression -M ops_per_s "$D/small_a.txt" "$D/small_b.txt"
expect_grep ' better$' "$TMP/out"
expect_exit 0 "$MAPBENCH" compare --alpha 0.001 "$D/small_a.txt" "$D/small_b.txt"
expect_grep ' no-change$' "$TMP/out"
expect_exit 0 "$MAPBENCH" compare --test utest -f csv "$D/small_a.txt" "$D/small_b.txt"
expect_grep ',verdict,u,u_p,u_method$' "$TMP/out"
expect_grep ',worse,0,0.007936507937,exact$' "$TMP/out"
expect_exit 0 "$MAPBENCH" compare --test utest "$D/ties_a.txt" "$D/ties_b.txt"
expect_grep 'p=0.834 (normal)' "$TMP/out"
expect_grep 'warning: ties_a.txt vs ties_b.txt value is noisy (A: cv .*repetitions per side would detect the +2.42% difference' "$TMP/err"
expect_exit 0 "$MAPBENCH" compare --test utest "$D/small_a.txt" "$D/small_b.txt"
expect_grep 'p=0.00794 (exact) ' "$TMP/out"
expect_exit 0 "$MAPBENCH" compare - "$D/small_b.txt" <"$D/small_a.txt"
expect_grep 'p=0.00945' "$TMP/out"

# A p below the smallest double is text with an underflow mark, never nan
# or 0.
awk 'BEGIN { for (i = 0; i < 60; i++) print 10 + (i % 7) / 10 }' >"$TMP/fa.txt"
awk 'BEGIN { for (i = 0; i < 60; i++) print 10000000 + (i % 5) / 10 }' >"$TMP/fb.txt"
expect_exit 0 "$MAPBENCH" compare "$TMP/fa.txt" "$TMP/fb.txt"
expect_grep ' p<2.2e-308 (underflow) ' "$TMP/out"
expect_exit 0 "$MAPBENCH" compare -f csv "$TMP/fa.txt" "$TMP/fb.txt"
expect_grep ',<2.2e-308,' "$TMP/out"
expect_exit 0 "$MAPBENCH" compare -f json "$TMP/fa.txt" "$TMP/fb.txt"
json_check "$TMP/out" '.comparisons[0].p == "<2.2e-308" and .comparisons[0].p_underflow == true'
# Every p a double holds is a number: 1..30 against the same + 3e6 has
# t = 1319824, df = 58, p = 1.4717569704e-305 (mpmath: betainc(29, 1/2, 0,
# 58 / (58 + t^2), regularized=True)).
seq 1 30 >"$TMP/pa.txt"
awk '{ print $1 + 3000000 }' "$TMP/pa.txt" >"$TMP/pb.txt"
expect_exit 0 "$MAPBENCH" compare "$TMP/pa.txt" "$TMP/pb.txt"
expect_grep ' p=1.47e-305 ' "$TMP/out"
expect_exit 0 "$MAPBENCH" compare -f json "$TMP/pa.txt" "$TMP/pb.txt"
json_check "$TMP/out" '.comparisons[0] | (.p | type) == "number" and .p > 1.4717e-305 and .p < 1.4718e-305 and .p_underflow == false'

# The unit does not matter: numbers near 1e-120 (GSL aborted the program
# on them) and near 1e+120 give the t, df and p of the same numbers near 1;
# so do results whose metric is scaled.  Values near 1e154 (squares
# overflow) and 1e-170 (squares underflow) are tested, not refused.
printf '1\n1.1\n1.2\n' >"$TMP/u1a.txt"
printf '2\n2.1\n2.3\n' >"$TMP/u1b.txt"
expect_exit 0 "$MAPBENCH" compare -f json "$TMP/u1a.txt" "$TMP/u1b.txt"
jq '.comparisons[0] | [.t, .df, .p]' "$TMP/out" >"$TMP/unit1"
for e in e-120 e+120 e154 e-170 e-300 e+300; do
	for f in u1a u1b; do sed "s/\$/$e/" "$TMP/$f.txt" >"$TMP/$f$e.txt"; done
	expect_exit 0 "$MAPBENCH" compare -f json "$TMP/u1a$e.txt" "$TMP/u1b$e.txt"
	jq -e --slurpfile u "$TMP/unit1" '.comparisons[0] | [.t, .df, .p] as $x | $u[0] as $y |
		[range(3) | (($x[.] - $y[.]) | fabs) <= 1e-9 * ($y[.] | fabs)] | all' "$TMP/out" >/dev/null ||
		fail "x$e: $(jq -c '.comparisons[0] | [.t, .df, .p]' "$TMP/out") vs $(cat "$TMP/unit1")"
	grep -q 'inf\|nan' "$TMP/out" "$TMP/err" && fail "x$e: inf or nan in the output"
done
expect_exit 0 "$MAPBENCH" compare -f json "$TMP/ga.json" "$TMP/gb.json"
jq '.comparisons[0] | [.t, .df, .p]' "$TMP/out" >"$TMP/unit1"
for k in 1e-120 1e120; do
	for f in ga gb; do jq ".runs |= map(.ops_per_s *= $k)" "$TMP/$f.json" >"$TMP/$f$k.json"; done
	expect_exit 0 "$MAPBENCH" compare -f json "$TMP/ga$k.json" "$TMP/gb$k.json"
	jq -e --slurpfile u "$TMP/unit1" '.comparisons[0] | [.t, .df, .p] as $x | $u[0] as $y |
		[range(3) | (($x[.] - $y[.]) | fabs) <= 1e-9 * ($y[.] | fabs)] | all' "$TMP/out" >/dev/null ||
		fail "results x$k: $(jq -c '.comparisons[0] | [.t, .df, .p]' "$TMP/out") vs $(cat "$TMP/unit1")"
done

# A mean of 0 on one side: no relative change, and never inf or nan in
# any format, warning or regression line.
printf '0\n1\n-1\n0.5\n-0.5\n' >"$TMP/zero.txt"
printf '5\n7\n9\n5.5\n9.5\n' >"$TMP/five.txt"
for f in text markdown json csv; do
	expect_exit 4 "$MAPBENCH" compare -f $f --fail-on-regression=10 "$TMP/zero.txt" "$TMP/five.txt"
	grep -qi 'inf\|nan' "$TMP/out" "$TMP/err" && fail "$f: inf or nan: $(cat "$TMP/out" "$TMP/err")"
done
expect_grep "regression: zero.txt vs five.txt value +7.2 (A's mean is 0)" "$TMP/err"
printf '0\n10\n-10\n5\n-5\n' >"$TMP/zero.txt"
expect_exit 0 "$MAPBENCH" compare "$TMP/zero.txt" "$TMP/five.txt"
expect_grep "would detect the +7.2 (A's mean is 0) difference" "$TMP/err"

# Lines of any length: a number with a long comment.
{ printf '1 # '; head -c 400 /dev/zero | tr '\0' x; printf '\n2\n3\n'; } >"$TMP/long.txt"
expect_exit 0 "$MAPBENCH" compare "$TMP/long.txt" "$TMP/u1b.txt"
expect_grep '^long.txt vs u1b.txt ' "$TMP/out"
# The same base name on both sides: the paths tell them apart.
mkdir "$TMP/d1" "$TMP/d2"
cp "$D/small_a.txt" "$TMP/d1/x.txt"
cp "$D/small_b.txt" "$TMP/d2/x.txt"
expect_exit 0 "$MAPBENCH" compare -f csv "$TMP/d1/x.txt" "$TMP/d2/x.txt"
expect_grep "^$TMP/d1/x.txt vs $TMP/d2/x.txt,value," "$TMP/out"

# The implementation is what is compared when it differs: named in the
# header, not a warning; other differences still warn.  A result without
# the member is mapbench's C build.
jq '.implementation = "go1.19.8"' "$TMP/a.json" >"$TMP/go.json"
jq '.implementation = "go1.19.8" | .config.keys = 99' "$TMP/a.json" >"$TMP/go-keys.json"
expect_exit 0 "$MAPBENCH" compare --strict "$TMP/go.json" "$TMP/b.json"
expect_grep "^A: go1.19.8 ($TMP/go.json) vs B: mapbench C[^(]*($TMP/b.json)\$" "$TMP/out"
grep -q 'implementation' "$TMP/err" && fail "the implementation is warned about: $(cat "$TMP/err")"
expect_exit 0 "$MAPBENCH" compare -f markdown "$TMP/go.json" "$TMP/b.json"
expect_grep '^Comparing go1.19.8 (`.*go.json`, A) with mapbench C[^(]*(`.*b.json`, B).$' "$TMP/out"
expect_exit 0 "$MAPBENCH" compare -f json "$TMP/go.json" "$TMP/b.json"
json_check "$TMP/out" '.implementation_a == "go1.19.8" and (.implementation_b | startswith("mapbench C"))'
expect_exit 0 "$MAPBENCH" compare "$TMP/go-keys.json" "$TMP/b.json"
expect_grep 'warning: the sides differ in config.keys: 99 vs 10000' "$TMP/err"
expect_exit 0 "$MAPBENCH" compare "$TMP/a.json" "$TMP/b.json"
expect_grep '^A: ' "$TMP/out"
expect_grep '^B: ' "$TMP/out"
jq '.implementation = 3' "$TMP/a.json" >"$TMP/impl-type.json"
expect_usage 'impl-type.json: "implementation" is not a string' compare "$TMP/impl-type.json" "$TMP/b.json"

# Degenerate input: one line naming the file or the problem, exit 2.
printf '1\n' >"$TMP/one.txt"
printf '1\n2\n3\n' >"$TMP/ok.txt"
printf '5\n5\n5\n' >"$TMP/c5.txt"
printf '6\n6\n' >"$TMP/c6.txt"
: >"$TMP/empty.txt"
printf '1\n2\nxyz\n' >"$TMP/bad.txt"
printf '1\nnan\n' >"$TMP/nan.txt"
printf '1\n-inf\n' >"$TMP/inf.txt"
head -c 300 "$TMP/a.json" >"$TMP/trunc.json"
jq '.schema = "mapbench/2"' "$TMP/a.json" >"$TMP/v2.json"
echo '{"schema": "other/1", "runs": []}' >"$TMP/other.json"
jq '.runs |= map(.ops_per_s = "fast")' "$TMP/a.json" >"$TMP/type.json"
jq '.runs |= map(select(.rep == 1))' "$TMP/a.json" >"$TMP/n1.json"
expect_usage "one.txt: one.txt vs ok.txt value: cannot test: n < 2 (A has n=1, B n=3)" \
	compare "$TMP/one.txt" "$TMP/ok.txt"
expect_usage "one.txt: ok.txt vs one.txt value: cannot test: n < 2 (A has n=3, B n=1)" \
	compare "$TMP/ok.txt" "$TMP/one.txt"
expect_usage "zero variance on both sides" compare "$TMP/c5.txt" "$TMP/c6.txt"
expect_usage "empty.txt: no numbers" compare "$TMP/empty.txt" "$TMP/ok.txt"
expect_usage "bad.txt:3: not a number: 'xyz'" compare "$TMP/ok.txt" "$TMP/bad.txt"
expect_usage "nan.txt:2: not a finite number" compare "$TMP/nan.txt" "$TMP/ok.txt"
expect_usage "inf.txt:2: not a finite number" compare "$TMP/ok.txt" "$TMP/inf.txt"
expect_usage "missing.txt: cannot open" compare "$TMP/missing.txt" "$TMP/ok.txt"
expect_usage "Is a directory" compare "$TMP" "$TMP/ok.txt"
expect_usage "trunc.json: line" compare "$TMP/trunc.json" "$TMP/a.json"
expect_usage "v2.json: schema 'mapbench/2' is not supported" compare "$TMP/a.json" "$TMP/v2.json"
expect_usage "other.json: schema 'other/1'" compare "$TMP/other.json" "$TMP/a.json"
jq '.runs[0] |= del(.map)' "$TMP/a.json" >"$TMP/shape.json"
expect_usage "shape.json: runs\[0\] lacks one of map" compare "$TMP/a.json" "$TMP/shape.json"
expect_usage "runs\[0\].ops_per_s is not a number" compare "$TMP/a.json" "$TMP/type.json"
expect_usage "compare: plain/threads=1/procs=1 ops_per_s: cannot test: n < 2 on both sides" \
	compare "$TMP/n1.json" "$TMP/n1.json"
expect_usage "compare: standard input (-) given as both A and B" compare - - <"$TMP/ok.txt"
expect_usage "--vary: unknown config member 'bogus' (expected one of workload, mix," \
	compare --vary keys,bogus "$TMP/a.json" "$TMP/b.json"
expect_usage "--vary: unknown config member" compare --vary bogus "$TMP/ok.txt" "$TMP/ok.txt"
jq '.config.newer = 1' "$TMP/b.json" >"$TMP/b-newer.json"
expect_exit 0 "$MAPBENCH" compare --strict --vary newer "$TMP/a.json" "$TMP/b-newer.json"
expect_usage "compare like with like" compare "$TMP/ok.txt" "$TMP/a.json"
expect_usage "expected two files" compare "$TMP/ok.txt"
expect_usage "unexpected argument" compare "$TMP/ok.txt" "$TMP/ok.txt" "$TMP/ok.txt"
expect_usage "--alpha" compare --alpha 1 "$TMP/ok.txt" "$TMP/ok.txt"
expect_usage "--alpha" compare --alpha x "$TMP/ok.txt" "$TMP/ok.txt"
expect_usage "--metric" compare --metric nope "$TMP/a.json" "$TMP/b.json"
expect_usage "--metric" compare --metric pause:nap "$TMP/a.json" "$TMP/b.json"
expect_usage "--metric" compare --metric p99_ns:jump "$TMP/a.json" "$TMP/b.json"
expect_usage "--metric" compare --metric ops_per_s, "$TMP/a.json" "$TMP/b.json"
expect_usage "--metric" compare -M ops_per_s,p99_ns "$TMP/ok.txt" "$TMP/ok.txt"
expect_usage "--format" compare --format xml "$TMP/ok.txt" "$TMP/ok.txt"
expect_usage "--test" compare --test ks "$TMP/ok.txt" "$TMP/ok.txt"
expect_usage "--fail-on-regression" compare --fail-on-regression=-1 "$TMP/ok.txt" "$TMP/ok.txt"
expect_usage "--fail-on-regression" compare --fail-on-regression=x "$TMP/ok.txt" "$TMP/ok.txt"
expect_usage "--vary" compare --vary , "$TMP/a.json" "$TMP/b.json"
# A device is not a file of numbers: refused before it is read (compare
# r.json /dev/zero once grew to 13 GB); out of memory would be exit 1.
expect_exit 2 "$MAPBENCH" compare "$D/small_a.txt" /dev/zero
expect_grep "not a file" "$TMP/err"
finish
