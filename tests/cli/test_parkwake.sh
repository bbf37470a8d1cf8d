# bench/parkwake, make bench's cost of a park + wake-up, runs on the
# scheduler as it is (its hand-driven tasks follow the run-queue rules) and
# prints its two figures.
. "$MB_SRCDIR/tests/cli/lib.sh"

expect_exit 0 "$PARKWAKE"
expect_grep '^park_wake_same_worker_ns -\?[0-9][0-9]*\.[0-9]$' "$TMP/out"
expect_grep '^wake_idle_worker_ns [0-9][0-9]*\.[0-9]$' "$TMP/out"
[ "$(wc -l <"$TMP/out")" -eq 2 ] || fail "two lines: $(cat "$TMP/out")"
finish
