# mapbench list maps, and its bad input.
. "$MB_SRCDIR/tests/cli/lib.sh"

expect_exit 0 "$MAPBENCH" list maps
for m in plain locked rwlocked sync null; do
	grep -q "^$m " "$TMP/out" || fail "list maps does not list $m"
done
expect_exit 0 "$MAPBENCH" list events
head -1 "$TMP/out" | grep -q "^event .*opens" || fail "list events: no header"
grep -q "^perf::" "$TMP/out" || fail "list events: no perf:: events"
grep -Eq " (yes|no) " "$TMP/out" || fail "list events: no opens column"
expect_usage "list" list
expect_usage "list" list colours
expect_usage "list" list maps extra
finish
