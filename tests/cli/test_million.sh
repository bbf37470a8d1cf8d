# A million tasks on the workers: completes, and reports its task cost.
. "$MB_SRCDIR/tests/cli/lib.sh"

expect_exit 0 "$MAPBENCH" run --map locked --threads 1M --procs 2 --ops 2M \
	--keys 100k -o "$TMP/m.json"
json_check "$TMP/m.json" '.runs[0].threads == 1000000 and .runs[0].ops == 2000000'
json_check "$TMP/m.json" '.runs[0].task_bytes < 256 and .runs[0].spawn_s < 5'
json_check "$TMP/m.json" '.runs[0].outcome == "ok"'
finish
