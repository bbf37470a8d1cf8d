# Where results go: -o writes atomically, --format json prints the document,
# and a result that cannot be written goes to stdout instead (exit 1).
. "$MB_SRCDIR/tests/cli/lib.sh"

small="--map null --threads 1 --ops 1000 --keys 10 --prefill 0"

expect_exit 0 "$MAPBENCH" run $small -o "$TMP/a.json"
json_check "$TMP/a.json" '.runs | length == 1'
[ -z "$(ls "$TMP" | grep '\.tmp\.')" ] || fail "temporary file left behind"

# Overwriting keeps a complete file.
expect_exit 0 "$MAPBENCH" run $small --ops 2000 -o "$TMP/a.json"
json_check "$TMP/a.json" '.runs[0].ops == 2000'

expect_exit 0 "$MAPBENCH" run $small --format json
json_check "$TMP/out" '.schema == "mapbench/1"'
grep -q "^map " "$TMP/out" && fail "--format json printed the table"

# A directory that disappears during the run: the JSON goes to stdout.
mkdir "$TMP/gone"
( sleep 0.3; rm -rf "$TMP/gone" ) &
expect_exit 1 "$MAPBENCH" run --map null --threads 1 --duration 1s -o "$TMP/gone/r.json"
wait
expect_grep "cannot write" "$TMP/err"
sed -n '/^{/,$p' "$TMP/out" > "$TMP/rescued.json"
json_check "$TMP/rescued.json" '.runs[0].outcome == "ok"'
[ ! -e "$TMP/gone" ] || fail "the directory was not removed in time"

# An unwritable directory is refused before running (not as root: root
# may write anywhere).
if [ "$(id -u)" -ne 0 ]; then
	mkdir "$TMP/ro" && chmod 555 "$TMP/ro"
	expect_usage --output run $small -o "$TMP/ro/r.json"
fi
finish
