# No leaks: a whole `mapbench run` of every registered map, with every op,
# pauses, latency of every op, the time series, counters and --gctrace on,
# in the ASan+UBSan build of the program (tests/mapbench_asan), whose
# LeakSanitizer fails the process on any leaked byte at exit.  The
# concurrent maps run on 2 workers, plain and swiss on 1; then -o and --csv, a -w
# file, an interrupted run, a fatal race and a refused option.
. "$MB_SRCDIR/tests/cli/lib.sh"

prog=
case "${MB_SANITIZERS:-}" in
*address*) prog=$MAPBENCH ;; # the whole build is already ASan
*thread*) ;;
*) [ -x "${MAPBENCH_ASAN:-}" ] && prog=$MAPBENCH_ASAN ;;
esac
if [ -z "$prog" ]; then
	echo "SKIP: no ASan build of mapbench (configured with --enable-sanitizers=${MB_SANITIZERS:-})"
	exit 77
fi
# Leaks fail the process with this status, whatever it would have been.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1:exitcode=23"
export ASAN_OPTIONS

maps=$("$prog" list maps | awk 'NR > 1 { print $1 }')
[ -n "$maps" ] || fail "list maps gave no map"
every_op="load=45,store=20,delete=10,load_or_store=5,load_and_delete=5,swap=5,cas=5,cad=4,range=1"
for m in $maps; do
	procs=2 # the designs not safe for concurrent use (plain, swiss) on one
	"$prog" list maps | awk -v m="$m" '$1 == m && $2 != "yes" { exit 1 }' || procs=1
	expect_exit 0 "$prog" run --map "$m" --threads 1,3 --procs $procs --ops 6000 --keys 500 \
		--prefill 100 --mix "$every_op" --latency all --pause-threshold 0ns --window 1ms \
		--gctrace --warmup 500 --count 2 -q --format json
	grep -q "LeakSanitizer\|runtime error\|AddressSanitizer" "$TMP/err" &&
		fail "$m: $(grep -m1 'SUMMARY\|runtime error' "$TMP/err")"
	json_check "$TMP/out" "[.runs[] | select(.outcome == \"ok\" and .map == \"$m\")] | length == 4"
	json_check "$TMP/out" '.runs | all(.latency_ns.samples > 0 and (.timeseries | length) > 0)'
	json_check "$TMP/out" '.runs | all(.counters != null)'
done
# sync's promotions and retirements, with pauses kept beyond the cap
expect_exit 0 "$prog" run --map sync --threads 64 --procs 2 --ops 40000 --keys 4000 \
	--mix 50:40:10 --dist zipf:0.9 --max-events 10 --pause-threshold 0ns -q --format json
json_check "$TMP/out" '.runs[0].map_stats.promotions > 0'

# Files, a workload, the table.
cat > "$TMP/w.conf" <<'CONF'
map = locked,sync
threads = 2
mix = mixed
CONF
expect_exit 0 "$prog" run -w "$TMP/w.conf" --ops 2000 --keys 100 -q -o "$TMP/r.json" --csv "$TMP/r.csv"
json_check "$TMP/r.json" '.runs | length == 2'
[ "$(wc -l < "$TMP/r.csv")" -eq 3 ] || fail "csv rows"
# A result that cannot be written, rescued to stdout.
if [ -w /dev/full ]; then
	expect_exit 1 "$prog" run --map null --threads 1 --ops 100 -q -e none -o /dev/full --csv /dev/full
fi
# Interrupted.
"$prog" run --map sync --threads 8 --procs 2 --duration 1m --keys 1000 -q -e none \
	-o "$TMP/int.json" >"$TMP/out" 2>"$TMP/err" &
pid=$!
wait_for_header "$TMP/out"
kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 130 ] || fail "interrupted: exit $rc, want 130: $(grep -m1 SUMMARY "$TMP/err")"
json_check "$TMP/int.json" '.interrupted == true'
# A detected race ends the run fatal (exit 3): nothing leaks on that path.
nproc_online=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
if [ "$nproc_online" -ge 2 ]; then
	expect_exit 3 "$prog" run -w race -e none -q --format json
	json_check "$TMP/out" '.runs[0].outcome == "fatal"'
fi
# A refused option: exit 2, one line, no leak report.
expect_exit 2 "$prog" run --threads 0
[ "$(wc -l < "$TMP/err")" -eq 1 ] || fail "bad --threads under ASan: $(head -3 "$TMP/err")"
expect_exit 2 "$prog" run --map nosuch
[ "$(wc -l < "$TMP/err")" -eq 1 ] || fail "bad --map under ASan: $(head -3 "$TMP/err")"
finish
