# The plain map raced on purpose: Go's detector ends the run "fatal" with
# Go's message, the results are still written, and mapbench exits 3.
. "$MB_SRCDIR/tests/cli/lib.sh"

# The race is deliberate: under ThreadSanitizer it is (rightly) a report.
case "${MB_SANITIZERS:-}" in *thread*) echo "deliberate race: not under TSan" >&2; exit 77 ;; esac

nproc_online=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
[ "$nproc_online" -ge 2 ] || { echo "needs 2 CPUs for a real race" >&2; exit 77; }

expect_exit 3 "$MAPBENCH" run --map plain --procs 2 --threads 2 --mix 0:100 \
	--keys 1000 --prefill 0 --duration 5s -o "$TMP/race.json"
expect_grep "fatal: concurrent map writes" "$TMP/err" # the table is on stderr with -o
json_check "$TMP/race.json" '.runs[0].outcome == "fatal" and .runs[0].error == "concurrent map writes"'
json_check "$TMP/race.json" '.runs[0].final_len == -1'

# Readers racing a writer: either message is Go's, never a crash.
expect_exit 3 "$MAPBENCH" run --map plain --procs 2 --threads 2 --mix 50:50 \
	--keys 1000 --prefill 500 --duration 5s --format json
json_check "$TMP/out" '.runs[0].outcome == "fatal"'
json_check "$TMP/out" '.runs[0].error == "concurrent map writes" or .runs[0].error == "concurrent map read and map write"'

# A sweep goes on after a fatal run, and the exit status still says 3.
expect_exit 3 "$MAPBENCH" run --map plain,locked --procs 2 --threads 2 --mix write \
	--keys 1000 --prefill 0 --duration 1s -o "$TMP/sweep.json"
json_check "$TMP/sweep.json" '[.runs[].outcome] == ["fatal","ok"]'
finish
