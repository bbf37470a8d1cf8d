# SIGINT stops the sweep, keeps what was measured, marks it interrupted and
# exits 130; SIGTERM exits 143.
. "$MB_SRCDIR/tests/cli/lib.sh"

for sig in INT TERM; do
	"$MAPBENCH" run --map locked,rwlocked --threads 2 --duration 30s \
		-o "$TMP/$sig.json" >"$TMP/out" 2>"$TMP/err" &
	pid=$!
	# The header is printed after the handlers are installed.
	for _ in $(seq 1 200); do
		grep -q "^map " "$TMP/out" 2>/dev/null && break
		sleep 0.05
	done
	sleep 0.5
	kill -s "$sig" "$pid"
	wait "$pid"
	rc=$?
	want=$([ "$sig" = INT ] && echo 130 || echo 143)
	[ "$rc" -eq "$want" ] || fail "SIG$sig: exit $rc, want $want"
	json_check "$TMP/$sig.json" '.interrupted == true and (.runs | length) == 1'
	json_check "$TMP/$sig.json" '.runs[0].outcome == "interrupted" and .runs[0].ops > 0'
	json_check "$TMP/$sig.json" '.runs[0].elapsed_s < 20'
done
finish
