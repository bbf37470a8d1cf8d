# The live progress line: on a terminal only, never with -q, never when
# stderr is a file or a pipe.
. "$MB_SRCDIR/tests/cli/lib.sh"

command -v script >/dev/null || { echo "needs script(1) for a terminal" >&2; exit 77; }

run="$MAPBENCH run --map locked --threads 2 --duration 1s -e none"
script -qec "$run" /dev/null > "$TMP/tty" 2>&1 < /dev/null
grep -q "run 1/1 .*Mops/s" "$TMP/tty" || fail "no progress line on a terminal"
grep -q "locked .* ok" "$TMP/tty" || fail "no table on a terminal"

script -qec "$run -q" /dev/null > "$TMP/quiet" 2>&1 < /dev/null
grep -q "Mops/s " "$TMP/quiet" && grep -q "run 1/1" "$TMP/quiet" && fail "-q still shows progress"

$run > "$TMP/out" 2> "$TMP/err"
[ ! -s "$TMP/err" ] || fail "progress written to a file: $(head -c 200 "$TMP/err")"
finish
