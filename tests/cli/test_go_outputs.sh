# mapbench-go's output files: -o and --record write a FIFO (or a device)
# in place, as mapbench run does, rather than renaming a new file over it,
# which would replace the node (root may rename over /dev/null) and leave
# its reader waiting.
. "$MB_SRCDIR/tests/cli/lib.sh"
. "$MB_SRCDIR/tests/cli/go_lib.sh"

run="--map locked --threads 1 --ops 10"
"$MAPBENCH_GO" $run --record "$TMP/own.bin" > /dev/null || fail "record to a file"
for opt in --record -o; do
	rm -f "$TMP/fifo"
	mkfifo "$TMP/fifo" || { echo "SKIP: mkfifo failed"; exit 77; }
	# the reader gives up after 60 s: a FIFO replaced by a rename is never
	# opened for writing, and the test must fail rather than hang
	timeout 60 cat "$TMP/fifo" > "$TMP/read" &
	reader=$!
	expect_exit 0 "$MAPBENCH_GO" $run $opt "$TMP/fifo"
	wait "$reader" || fail "$opt: the FIFO's reader got nothing (status $?)"
	[ -p "$TMP/fifo" ] || fail "$opt: the FIFO was replaced"
	case $opt in
	--record) cmp -s "$TMP/read" "$TMP/own.bin" || fail "--record: the FIFO got another stream" ;;
	-o) json_check "$TMP/read" '.schema == "mapbench/1" and (.runs | length) == 1' ;;
	esac
done
finish
