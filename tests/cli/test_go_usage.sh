# The Go runner's bad input: one line on stderr naming the option, exit 2,
# before anything runs; what Go cannot do is refused with the reason.
. "$MB_SRCDIR/tests/cli/lib.sh"
. "$MB_SRCDIR/tests/cli/go_lib.sh"

# go_usage OPTION ARGS...: expect_usage for mapbench-go, and nothing on stdout
go_usage() {
	expect_usage_of "$MAPBENCH_GO" "$@"
	[ ! -s "$TMP/out" ] || fail "stdout not empty for $*: $(head -c 200 "$TMP/out")"
}

# Go 1.19's sync.Map has no Swap, CompareAndSwap, CompareAndDelete
for op in swap cas cad; do
	go_usage --mix --map sync --mix load=90,$op=10 --ops 1k
done
grep -q 'Go 1.20' "$TMP/err" || fail "the refusal does not say why: $(cat "$TMP/err")"
# an unrecoverable fatal error would lose the result
go_usage --procs --map plain --threads 2 --procs 2 --mix 50:50 --ops 1k
go_usage --threads --map plain --threads 2 --procs 1 --mix 50:50 --ops 1k
go_usage --threads --map plain --threads 2 --mix 90:10 --ops 1k
# in a sweep, those runs are skipped with a line saying why; the rest run
expect_exit 0 "$MAPBENCH_GO" --map plain,locked --threads 1,2 --ops 1k --keys 1k --format json
expect_grep "skipping plain/threads=2" "$TMP/err"
json_check "$TMP/out" '[.runs[] | "\(.map)/\(.threads)"] == ["plain/1", "locked/1", "locked/2"]'
go_usage --map --map null --ops 1k
go_usage --map --map nosuch --ops 1k
go_usage --hash-seed --hash-seed 7 --ops 1k
go_usage --grow --grow stw --ops 1k
go_usage --events -e cycles --ops 1k
go_usage --lock-profile --lock-profile=yes --ops 1k
go_usage --ops --ops 1k --duration 1s
go_usage --ops --ops 0
go_usage --threads --threads 1,,2 --ops 1k
go_usage --threads --threads 20M --ops 1k
go_usage --mix --mix 90:20 --ops 1k
go_usage --mix --mix load=50,nosuch=50 --ops 1k
go_usage --dist --dist zipf:0 --ops 1k
go_usage --dist --dist pareto --ops 1k
go_usage --key-type --key-type string:0 --ops 1k
go_usage --key-type --key-type string:1 --keys 100 --ops 1k
go_usage --value-size --value-size 4 --ops 1k
go_usage --prefill --keys 10 --prefill 11 --ops 1k
go_usage --latency --latency sample:0 --ops 1k
go_usage --duration --duration 5 --ops 1k
go_usage --output --ops 1k -o "$TMP/no/such/dir/r.json"
go_usage --bogus --bogus
go_usage run --ops 1k extra

# what is accepted for mapbench's command lines
expect_exit 0 "$MAPBENCH_GO" --map plain,locked,rwlocked,sync --threads 1,3 --mix read --ops 3k -e none -q --keys 1k
[ "$(grep -c '^[a-z]* *[0-9]* *[0-9]* *3k ' "$TMP/out")" -eq 8 ] || fail "want 8 table rows: $(cat "$TMP/out")"
expect_exit 0 "$MAPBENCH_GO" --help
expect_grep 'mapbench-go' "$TMP/out"
# the man page documents every option --help lists
for opt in $(grep -o -- '--[a-z][a-z-]*' "$TMP/out" | sort -u); do
	grep -q -- "$(printf '%s' "$opt" | sed 's/-/\\\\-/g')" "$MB_SRCDIR/man/mapbench-go.1" ||
		fail "man/mapbench-go.1 does not document $opt"
done

# a signal stops the sweep; what was measured is written
"$MAPBENCH_GO" --map locked --threads 2 --duration 30s -o "$TMP/i.json" >/dev/null 2>&1 &
pid=$!
sleep 1
kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 130 ] || fail "interrupted run exit $rc, want 130"
json_check "$TMP/i.json" '.interrupted == true and .runs[0].outcome == "interrupted" and .runs[0].ops > 0'
# --record / --replay: the same rules and positions as mapbench run
printf 'load 1\nfrob 2\n' > "$TMP/bad.txt"
go_usage --replay --map locked --keys 10 --replay "$TMP/bad.txt"
expect_grep "bad.txt:2: unknown op" "$TMP/err"
printf 'load 10\n' > "$TMP/range.txt"
go_usage --replay --map locked --keys 10 --replay "$TMP/range.txt"
expect_grep "range.txt:1: key 10 out of range" "$TMP/err"
"$MAPBENCH" run --map null --threads 2 --ops 100 --keys 10 --record "$TMP/s.bin" -q -e none >/dev/null
head -c 30 "$TMP/s.bin" > "$TMP/t.bin"
go_usage --replay --map locked --keys 10 --replay "$TMP/t.bin"
expect_grep "byte 30: truncated" "$TMP/err"
go_usage --replay --map locked --keys 10 --replay "$TMP/s.bin" --threads 2
go_usage --replay --map locked --keys 10 --replay "$TMP"
go_usage --replay --map locked --replay ''
go_usage --output --map locked --ops 10 -o ''
go_usage --record --map locked --threads 1 --ops 10 --record ''
go_usage --record --map locked --threads 1 --record "$TMP/x.bin"
go_usage --record --map locked,sync --threads 1 --ops 10 --record "$TMP/x.bin"
printf 'swap 1 2\n' > "$TMP/swap.txt"
go_usage --mix --map sync --keys 10 --replay "$TMP/swap.txt"
go_usage --record --map locked --threads 1 --ops 10 -o "$TMP/r.out" --record "$TMP/./r.out"
# the table or the JSON is always on stdout: --record may not be its file
# (go_usage sends stdout to $TMP/out), nor a pipe stdout writes to
for rec in /dev/stdout /proc/self/fd/1 "$TMP/out"; do
	go_usage --record --map locked --threads 1 --ops 10 --record "$rec"
	go_usage --record --map locked --threads 1 --ops 10 --format json -o "$TMP/r.json" --record "$rec"
done
grep -q "standard output" "$TMP/err" || fail "the refusal does not say why: $(cat "$TMP/err")"
{ "$MAPBENCH_GO" --map locked --threads 1 --ops 10 --record /dev/stdout 2>"$TMP/perr"
  echo $? > "$TMP/rc"; } | cat > "$TMP/piped"
[ "$(cat "$TMP/rc")" = 2 ] && [ ! -s "$TMP/piped" ] && grep -q -- --record "$TMP/perr" ||
	fail "--record /dev/stdout into a pipe: exit $(cat "$TMP/rc"), $(wc -c < "$TMP/piped") bytes"
go_usage --output --map locked --keys 10 --replay "$TMP/s.bin" -o "$TMP/s.bin"
# goroutines that cannot fit are refused before they are spawned (10M of
# them take ~23 GiB; the guard says so on a machine with less available)
avail_kb=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
if [ -n "$avail_kb" ] && [ "$avail_kb" -lt 24000000 ]; then
	go_usage --threads --map locked --threads 10M --ops 10M
	expect_grep "GiB available" "$TMP/err"
fi
finish
