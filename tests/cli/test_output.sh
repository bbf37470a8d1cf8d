# Where results go: -o writes atomically, --format json prints the document,
# and a result that cannot be written goes to stdout instead (exit 1), alone
# there (the table is on stderr with -o or --csv).  Outputs are opened before
# the run; symlinks, modes and stale temporary files; a closed stdout.
. "$MB_SRCDIR/tests/cli/lib.sh"

small="--map null --threads 1 --ops 1000 --keys 10 --prefill 0"

expect_exit 0 "$MAPBENCH" run $small -o "$TMP/a.json"
json_check "$TMP/a.json" '.runs | length == 1'
[ -z "$(ls "$TMP" | grep '\.tmp\.')" ] || fail "temporary file left behind"

# Overwriting keeps a complete file.
expect_exit 0 "$MAPBENCH" run $small --ops 2000 -o "$TMP/a.json"
json_check "$TMP/a.json" '.runs[0].ops == 2000'

# -o /dev/stdout writes through to stdout, alone there: the table is on
# stderr.
expect_exit 0 "$MAPBENCH" run $small -o /dev/stdout
grep -q "^map " "$TMP/err" || fail "-o /dev/stdout: the table is not on stderr"
json_check "$TMP/out" '.runs | length == 1'
[ -L /dev/stdout ] || fail "/dev/stdout is no longer a link"
# Without -o and --csv the table is on stdout.
expect_exit 0 "$MAPBENCH" run $small
grep -q "^map " "$TMP/out" || fail "the table is not on stdout"

# --csv: the header and one row per run, written atomically.
expect_exit 0 "$MAPBENCH" run --map null,locked --threads 1,2 --ops 1000 --keys 10 --prefill 0 \
	--csv "$TMP/r.csv"
head -1 "$TMP/r.csv" | grep -q '^map,threads,procs,load_pct,store_pct,delete_pct,keys,prefill,ops,elapsed_s,ops_per_s,ns_per_op,p50_ns,p90_ns,p99_ns,p999_ns,max_ns,load_hits,final_len,task_bytes,spawn_s,outcome,error,rep,bytes_per_op,allocs_per_op,value_size_bytes,key_type,lock$' ||
	fail "csv header: $(head -1 "$TMP/r.csv")"
[ "$(wc -l < "$TMP/r.csv")" -eq 5 ] || fail "csv: want 4 rows and a header"
[ "$(cut -d, -f1,2 "$TMP/r.csv" | tail -4 | tr '\n' ' ')" = "null,1 null,2 locked,1 locked,2 " ] ||
	fail "csv rows: $(cut -d, -f1,2 "$TMP/r.csv" | tr '\n' ' ')"
awk -F, 'NR > 1 && $22 != "ok" { exit 1 }' "$TMP/r.csv" || fail "csv outcome column"
expect_usage --csv run $small --csv "$TMP/missing/r.csv"

expect_exit 0 "$MAPBENCH" run $small --format json
json_check "$TMP/out" '.schema == "mapbench/1"'
grep -q "^map " "$TMP/out" && fail "--format json printed the table"

# A directory that disappears during the run: the JSON goes to stdout.
# The table's header is printed (and flushed) once the options passed their
# checks, so the directory is removed only after that.
mkdir "$TMP/gone"
"$MAPBENCH" run --map null --threads 1 --duration 2s -o "$TMP/gone/r.json" \
	>"$TMP/out" 2>"$TMP/err" &
pid=$!
wait_for_header "$TMP/err"
rm -rf "$TMP/gone"
wait "$pid"
rc=$?
[ "$rc" -eq 1 ] || fail "vanished output directory: exit $rc, want 1"
expect_grep "cannot write" "$TMP/err"
# the rescued JSON is alone on stdout: jq reads it as it is
json_check "$TMP/out" '.runs[0].outcome == "ok"'

# An unwritable directory is refused before running (not as root: root
# may write anywhere).
if [ "$(id -u)" -ne 0 ]; then
	mkdir "$TMP/ro" && chmod 555 "$TMP/ro"
	expect_usage --output run $small -o "$TMP/ro/r.json"
fi

# A FIFO nobody reads is refused before the run, at once (it used to hang
# after the run); one that is read gets the document.
mkfifo "$TMP/fifo"
expect_exit 2 timeout 20 "$MAPBENCH" run $small -o "$TMP/fifo"
expect_grep "^mapbench: --output: cannot write '.*fifo': a FIFO without a reader" "$TMP/err"
expect_exit 2 timeout 20 "$MAPBENCH" run $small --csv "$TMP/fifo"
expect_grep "^mapbench: --csv: cannot write" "$TMP/err"
cat "$TMP/fifo" > "$TMP/from-fifo.json" &
reader=$!
# the reader is there once the FIFO has one: retry while it opens
for _ in $(seq 1 100); do
	"$MAPBENCH" run $small -o "$TMP/fifo" >/dev/null 2>"$TMP/err" && break
	sleep 0.05
done
wait "$reader"
json_check "$TMP/from-fifo.json" '.runs | length == 1'
[ -p "$TMP/fifo" ] || fail "the FIFO was replaced"

# A closed stdout (a reader that went away) is a write error on stdout,
# never SIGPIPE, and -o is written all the same.  The reader closes its end
# before mapbench starts.
closed_stdout() { # closed_stdout ARGS...: exit status in $TMP/rc
	rm -f "$TMP/closed"
	{
		while [ ! -e "$TMP/closed" ]; do sleep 0.02; done
		"$MAPBENCH" "$@" 2>"$TMP/err"
		echo $? >"$TMP/rc"
	} | {
		exec 0<&-
		: >"$TMP/closed"
	}
}
closed_stdout run $small --count 3 -o "$TMP/pipe.json"
[ "$(cat "$TMP/rc")" -eq 0 ] || fail "-o with a closed stdout: exit $(cat "$TMP/rc"), want 0 (nothing on stdout)"
json_check "$TMP/pipe.json" '.runs | length == 3'
rm -f "$TMP/pipe.json"
closed_stdout run $small --format json -o "$TMP/pipe.json" --csv "$TMP/pipe.csv"
[ "$(cat "$TMP/rc")" -eq 1 ] || fail "--format json into a closed pipe: exit $(cat "$TMP/rc"), want 1"
expect_grep "^mapbench: stdout: cannot write the results: Broken pipe" "$TMP/err"
json_check "$TMP/pipe.json" '.runs | length == 1'
[ -s "$TMP/pipe.csv" ] || fail "--csv lost to a closed stdout"
closed_stdout run $small
[ "$(cat "$TMP/rc")" -eq 1 ] || fail "the table into a closed pipe: exit $(cat "$TMP/rc"), want 1"

# An existing file keeps its mode: 0600 stays 0600.
expect_exit 0 "$MAPBENCH" run $small -o "$TMP/priv.json" --csv "$TMP/priv.csv"
chmod 600 "$TMP/priv.json" "$TMP/priv.csv"
expect_exit 0 "$MAPBENCH" run $small -o "$TMP/priv.json" --csv "$TMP/priv.csv"
[ "$(stat -c %a "$TMP/priv.json")" = 600 ] || fail "-o: mode $(stat -c %a "$TMP/priv.json"), want 600"
[ "$(stat -c %a "$TMP/priv.csv")" = 600 ] || fail "--csv: mode $(stat -c %a "$TMP/priv.csv"), want 600"

# Through a symlink: the file it names is replaced, the link stays.
ln -s priv.json "$TMP/link.json"
expect_exit 0 "$MAPBENCH" run $small --ops 3000 -o "$TMP/link.json"
[ -L "$TMP/link.json" ] || fail "the link was replaced"
json_check "$TMP/priv.json" '.runs[0].ops == 3000'

# A temporary file of a writer that was killed (a PID that is gone) is
# removed by the next write; a live process's is left alone.
host=$(uname -n | tr './' '__' | cut -c1-32)
sh -c 'exit 0' &
dead=$!
wait "$dead"
: >"$TMP/a.json.tmp.$host.$dead.Xy12Zw"
: >"$TMP/a.json.tmp.$host.$$.Xy12Zw"
expect_exit 0 "$MAPBENCH" run $small -o "$TMP/a.json"
[ ! -e "$TMP/a.json.tmp.$host.$dead.Xy12Zw" ] || fail "a dead writer's temporary file was left"
[ -e "$TMP/a.json.tmp.$host.$$.Xy12Zw" ] || fail "a live writer's temporary file was removed"
finish
