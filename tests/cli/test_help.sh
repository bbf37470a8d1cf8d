# mapbench --help, --version, no command, unknown command, run --help.
. "$MB_SRCDIR/tests/cli/lib.sh"

expect_exit 0 "$MAPBENCH" --help
expect_grep "run" "$TMP/out"
expect_grep "list maps" "$TMP/out"

expect_exit 0 "$MAPBENCH" --version
expect_grep "^mapbench [0-9]" "$TMP/out"

expect_exit 2 "$MAPBENCH"
expect_usage "command" frobnicate

expect_exit 0 "$MAPBENCH" run --help
for opt in --map --threads --procs --mix --keys --prefill --ops --duration \
	--seed --hash-seed --grow --output --format; do
	expect_grep "$opt" "$TMP/out"
done

# The man page documents every option run --help lists.
for opt in $(grep -o -- '--[a-z][a-z-]*' "$TMP/out" | sort -u); do
	[ "$opt" = "--help" ] || [ "$opt" = "--usage" ] || [ "$opt" = "--version" ] && continue
	grep -q -- "$(printf '%s' "$opt" | sed 's/-/\\\\-/g')" "$MB_SRCDIR/man/mapbench-run.1" ||
		fail "man/mapbench-run.1 does not document $opt"
done
finish
