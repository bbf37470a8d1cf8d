# SIGINT stops the sweep, keeps what was measured, marks it interrupted and
# exits 130; SIGTERM exits 143, SIGHUP 129.  Two signals in quick
# succession still write what was measured (the second does not stop the
# writing); a third ends the process at once.
. "$MB_SRCDIR/tests/cli/lib.sh"

# start_run NAME: a long run writing $TMP/NAME.json, its pid in $pid, once
# its handlers are in place (the table's header, on stderr with -o, is
# printed after they are installed).
start_run() {
	"$MAPBENCH" run --map locked,rwlocked --threads 2 --duration 30s -e none \
		-o "$TMP/$1.json" >"$TMP/out" 2>"$TMP/err" &
	pid=$!
	wait_for_header "$TMP/err"
}

for sig in INT TERM HUP; do
	start_run "$sig"
	kill -s "$sig" "$pid"
	wait "$pid"
	rc=$?
	case $sig in INT) want=130 ;; TERM) want=143 ;; HUP) want=129 ;; esac
	[ "$rc" -eq "$want" ] || fail "SIG$sig: exit $rc, want $want"
	json_check "$TMP/$sig.json" '.interrupted == true and (.runs | length) == 1'
	json_check "$TMP/$sig.json" '.runs[0].outcome == "interrupted" and .runs[0].ops > 0'
	json_check "$TMP/$sig.json" '.runs[0].elapsed_s < 20'
	expect_grep "^mapbench: interrupted" "$TMP/err"
done

# Two quick Ctrl-C: the second arrives while the run winds down or the
# result is written; it must not lose it.
for sigs in "INT INT" "TERM INT" "HUP TERM"; do
	start_run twice
	for s in $sigs; do kill -s "$s" "$pid"; done
	wait "$pid"
	rc=$?
	# The status is the first handled signal's; two signals sent back to
	# back may both be pending before the process runs, and the kernel then
	# delivers the lower-numbered one first: either status is right.
	ok=
	for s in $sigs; do
		[ "$rc" -eq "$((128 + $(kill -l "$s")))" ] && ok=1
	done
	[ -n "$ok" ] || fail "$sigs: exit $rc, want 128 + one of the two signals"
	json_check "$TMP/twice.json" '.interrupted == true and .runs[0].ops > 0'
	rm -f "$TMP/twice.json"
done

# A third signal ends it at once, with the first signal's status.
start_run thrice
kill -INT "$pid"
kill -INT "$pid"
kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 130 ] || fail "three signals: exit $rc, want 130"
# --record: an interrupted run writes the ops it executed, and they replay
# to the digest the interrupted run reported (range ops keep it slow).
"$MAPBENCH" run --map locked --threads 3 --keys 20k --mix load=50,range=50 --ops 100M -e none \
	--record "$TMP/rec.bin" -o "$TMP/rec.json" >"$TMP/out" 2>"$TMP/err" &
pid=$!
wait_for_header "$TMP/err"
kill -s INT "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 130 ] || fail "--record, SIGINT: exit $rc, want 130"
"$MAPBENCH" run --map locked --keys 20k --replay "$TMP/rec.bin" -e none -q --format json \
	> "$TMP/rep.json" 2>"$TMP/err" || fail "the interrupted recording does not replay: $(cat "$TMP/err")"
want=$(jq -r '.runs[0].op_digest' "$TMP/rec.json")
got=$(jq -r '.runs[0].op_digest' "$TMP/rep.json")
[ -n "$want" ] && [ "$want" = "$got" ] || fail "interrupted recording: digest $got, the run said $want"
json_check "$TMP/rep.json" '.runs[0].ops > 0 and .runs[0].ops < 100000000'
finish
