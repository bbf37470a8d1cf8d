# Shared helpers for the CLI tests: sourced, not run.
# Each test is one script; it exits 0 (pass), 1 (fail) or 77 (skip).
set -u

if [ -z "${MAPBENCH:-}" ]; then
	echo "MAPBENCH is not set: run the CLI tests through make check" >&2
	exit 1
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# expect_exit CODE CMD...: runs CMD, output in $TMP/out and $TMP/err.
expect_exit() {
	want=$1
	shift
	"$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		fail "exit $got, want $want: $*"
		sed 's/^/  stderr: /' "$TMP/err" | head -5 >&2
	fi
}

# expect_usage_of PROGRAM OPTION ARGS...: `PROGRAM ARGS` exits 2 with
# exactly one line on stderr that names OPTION.
expect_usage_of() {
	prog=$1 opt=$2
	shift 2
	expect_exit 2 "$prog" "$@"
	lines=$(wc -l <"$TMP/err")
	[ "$lines" -eq 1 ] || fail "want one line on stderr, got $lines: $*"
	grep -q -- "$opt" "$TMP/err" || fail "stderr does not name $opt: $(cat "$TMP/err")"
}

# expect_usage OPTION ARGS...: the same for `mapbench ARGS`.
expect_usage() {
	expect_usage_of "$MAPBENCH" "$@"
}

# expect_grep PATTERN FILE: FILE has a line matching PATTERN.
expect_grep() {
	grep -q -- "$1" "$2" || fail "no '$1' in $2: $(head -c 300 "$2")"
}

# json_check FILE JQ-EXPR: the expression is true for FILE.
json_check() {
	jq -e "$2" "$1" >/dev/null 2>&1 || fail "jq '$2' is not true for $1"
}

# wait_for_header FILE: waits (up to 20 s) until a run started in the
# background has printed the table's header to FILE, which it does once its
# signal handlers are in place, then half a second more for the run to start.
wait_for_header() {
	for _ in $(seq 1 400); do
		grep -q "^map " "$1" 2>/dev/null && break
		sleep 0.05
	done
	sleep 0.5
}

finish() {
	[ "$failures" -eq 0 ] && exit 0
	echo "$failures check(s) failed" >&2
	exit 1
}
