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

# -o /dev/stdout writes through to stdout, after the table.
expect_exit 0 "$MAPBENCH" run $small -o /dev/stdout
grep -q "^map " "$TMP/out" || fail "-o /dev/stdout: the table is gone"
sed -n '/^{/,$p' "$TMP/out" > "$TMP/through.json"
json_check "$TMP/through.json" '.runs | length == 1'
[ -L /dev/stdout ] || fail "/dev/stdout is no longer a link"

# --csv: the header and one row per run, written atomically.
expect_exit 0 "$MAPBENCH" run --map null,locked --threads 1,2 --ops 1000 --keys 10 --prefill 0 \
	--csv "$TMP/r.csv"
head -1 "$TMP/r.csv" | grep -q '^map,threads,procs,load_pct,store_pct,delete_pct,keys,prefill,ops,elapsed_s,ops_per_s,ns_per_op,p50_ns,p90_ns,p99_ns,p999_ns,max_ns,load_hits,final_len,task_bytes,spawn_s,outcome,error,rep,bytes_per_op,allocs_per_op,value_size_bytes,key_type$' ||
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
for _ in $(seq 1 200); do
	grep -q "^map " "$TMP/out" 2>/dev/null && break
	sleep 0.05
done
rm -rf "$TMP/gone"
wait "$pid"
rc=$?
[ "$rc" -eq 1 ] || fail "vanished output directory: exit $rc, want 1"
expect_grep "cannot write" "$TMP/err"
sed -n '/^{/,$p' "$TMP/out" > "$TMP/rescued.json"
json_check "$TMP/rescued.json" '.runs[0].outcome == "ok"'

# An unwritable directory is refused before running (not as root: root
# may write anywhere).
if [ "$(id -u)" -ne 0 ]; then
	mkdir "$TMP/ro" && chmod 555 "$TMP/ro"
	expect_usage --output run $small -o "$TMP/ro/r.json"
fi
finish
