# No leaks and no use of uninitialised memory under valgrind's memcheck: a
# whole `mapbench run` of every registered map with every op, pauses,
# latency of every op, the time series and -o/--csv (the plain build,
# unlike test_leaks.sh).  Only definite and indirect leaks count: glibc
# keeps the thread-local blocks of joined threads' cached stacks, which
# valgrind calls "possibly lost".
. "$MB_SRCDIR/tests/cli/lib.sh"

if ! command -v valgrind >/dev/null 2>&1; then
	echo "SKIP: valgrind is not installed (apt-get install valgrind)"
	exit 77
fi
case "${MB_SANITIZERS:-}" in
address* | *,address* | thread* | *,thread*)
	echo "SKIP: a sanitized build does not run under valgrind"
	exit 77
	;;
esac

vg() {
	valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect \
		--error-exitcode=42 "$@"
}
every_op="load=45,store=20,delete=10,load_or_store=5,load_and_delete=5,swap=5,cas=5,cad=4,range=1"
common="--ops 3000 --keys 300 --prefill 100 --mix $every_op --latency all --pause-threshold 0ns
	--window 1ms --warmup 300 -q"
concurrent=$("$MAPBENCH" list maps | awk 'NR > 1 && $2 == "yes" { printf "%s%s", sep, $1; sep = "," }')
[ -n "$concurrent" ] || fail "list maps gave no concurrent map"
expect_exit 0 vg "$MAPBENCH" run --map "$concurrent" --threads 3 --procs 2 $common \
	-o "$TMP/r.json" --csv "$TMP/r.csv"
grep -m3 "==[0-9]*==" "$TMP/err" >&2
json_check "$TMP/r.json" "[.runs[] | select(.outcome == \"ok\")] | length == $(echo "$concurrent" | tr ',' '\n' | wc -l)"
expect_exit 0 vg "$MAPBENCH" run --map plain --threads 3 --procs 1 $common --format json
grep -m3 "==[0-9]*==" "$TMP/err" >&2
json_check "$TMP/out" '.runs[0].outcome == "ok"'
finish
