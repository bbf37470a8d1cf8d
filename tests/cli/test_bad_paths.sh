# Files that cannot be used: a missing folder, a directory, a file without
# permission for -o, --csv and -w are refused before anything runs (exit 2,
# one line naming the option); a full device (/dev/full) fails the write
# after the run, says why, and the result goes to stdout (exit 1), and a
# full stdout is an error too (exit 1); huge
# values are refused or honoured, never wrapped round or left to the OOM
# killer.
. "$MB_SRCDIR/tests/cli/lib.sh"

small="--map null --threads 1 --ops 1000 --keys 10 --prefill 0 -e none"

# A folder that does not exist, a directory, a path through a file.
: > "$TMP/file"
expect_usage --output run $small -o "$TMP/missing/r.json"
expect_usage --output run $small -o "$TMP"
expect_usage --output run $small -o "$TMP/file/r.json"
expect_usage --csv run $small --csv "$TMP/missing/r.csv"
expect_usage --csv run $small --csv "$TMP"
expect_usage --csv run $small --csv "$TMP/file/r.csv"
expect_usage --workload run $small -w "$TMP/missing.conf"
expect_usage --workload run $small -w "$TMP/missing/w.conf"
expect_grep "No such file" "$TMP/err"
# fopen opens a directory for reading: it must be refused, not read as an
# empty workload.
expect_usage --workload run $small -w "$TMP/"
expect_grep "Is a directory" "$TMP/err"
mkdir "$TMP/dir.conf"
expect_usage --workload run $small -w "$TMP/dir.conf"
# A file that is not text.
printf 'map = null\nthreads = 1\0\n' > "$TMP/nul.conf"
expect_usage "nul.conf:2: line" run $small -w "$TMP/nul.conf"

# The longest line mapbench-workload(5) promises, and one more character.
limit=$(sed -n 's/.*A line holds at most \([0-9]*\) characters.*/\1/p' "$MB_SRCDIR/man/mapbench-workload.5")
[ -n "$limit" ] || fail "mapbench-workload(5) no longer states the longest line"
if [ -n "$limit" ]; then
	{ printf '#%*s\n' $((limit - 1)) x; printf 'threads = 1\n'; } > "$TMP/longest.conf"
	expect_exit 0 "$MAPBENCH" run $small -w "$TMP/longest.conf" --format json
	{ printf '#%*s\n' "$limit" x; printf 'threads = 1\n'; } > "$TMP/long.conf"
	expect_usage "long.conf:1: line: longer than $limit characters" run $small -w "$TMP/long.conf"
fi

# Without permission: root may read and write anything, so as root the
# checks run as user nobody through setpriv (util-linux), when there is
# one and nobody can reach the program.
as_user=
if [ "$(id -u)" -ne 0 ]; then
	as_user=" "
elif command -v setpriv >/dev/null 2>&1 &&
	setpriv --reuid=nobody --regid=nogroup --clear-groups test -x "$MAPBENCH" 2>/dev/null; then
	as_user="setpriv --reuid=nobody --regid=nogroup --clear-groups"
	chmod 711 "$TMP"
fi
if [ -n "$as_user" ]; then
	mkdir "$TMP/ro"
	printf 'keys = 10\n' > "$TMP/ro/w.conf"
	chmod 000 "$TMP/ro/w.conf"
	: > "$TMP/ro/r.json"
	chmod 000 "$TMP/ro/r.json"
	chmod 555 "$TMP/ro"
	expect_exit 2 $as_user "$MAPBENCH" run $small -w "$TMP/ro/w.conf"
	[ "$(wc -l < "$TMP/err")" -eq 1 ] || fail "unreadable -w: want one line on stderr"
	expect_grep "^mapbench: --workload: .*Permission denied" "$TMP/err"
	for opt in -o --csv; do
		for f in "$TMP/ro/new" "$TMP/ro/r.json"; do
			expect_exit 2 $as_user "$MAPBENCH" run $small $opt "$f"
			[ "$(wc -l < "$TMP/err")" -eq 1 ] || fail "unwritable $opt $f: want one line on stderr"
			expect_grep "^mapbench: --\(output\|csv\): cannot write .*Permission denied" "$TMP/err"
		done
	done
	# compare's and export's inputs: one line naming the file
	for cmd in "compare $TMP/ro/r.json $TMP/ro/r.json" "export --what pauses $TMP/ro/r.json"; do
		expect_exit 2 $as_user "$MAPBENCH" $cmd
		[ "$(wc -l < "$TMP/err")" -eq 1 ] || fail "unreadable input of $cmd: want one line on stderr"
		expect_grep "r.json.*Permission denied" "$TMP/err"
	done
	[ ! -e "$TMP/ro/new" ] || fail "a file appeared in a read-only folder"
	chmod 755 "$TMP/ro"
	chmod 644 "$TMP/ro/w.conf" "$TMP/ro/r.json"
else
	echo "SKIP: permission checks: running as root without setpriv (util-linux) or a program nobody can run"
fi

# A device that takes no data: the run happens, the write fails with the
# reason, the result goes to stdout and the exit status is 1.
if [ -c /dev/full ] && [ -w /dev/full ]; then
	expect_exit 1 "$MAPBENCH" run $small -o /dev/full
	[ "$(grep -c '^mapbench' "$TMP/err")" -eq 1 ] || fail "-o /dev/full: want one message on stderr: $(cat "$TMP/err")"
	expect_grep "^mapbench: --output: cannot write '/dev/full': No space left on device; the JSON result follows on stdout" "$TMP/err"
	grep -q "^null " "$TMP/err" || fail "-o /dev/full: the table is not on stderr"
	# the JSON alone on stdout: jq reads it as it is
	json_check "$TMP/out" '.runs[0].ops == 1000 and .runs[0].outcome == "ok"'

	expect_exit 1 "$MAPBENCH" run $small -o /dev/full --format json
	json_check "$TMP/out" '.runs[0].ops == 1000'
	[ "$(grep -c '"schema"' "$TMP/out")" -eq 1 ] || fail "-o /dev/full --format json: the JSON twice"

	expect_exit 1 "$MAPBENCH" run $small -q --csv /dev/full
	[ "$(grep -c '^mapbench' "$TMP/err")" -eq 1 ] || fail "--csv /dev/full: want one message on stderr: $(cat "$TMP/err")"
	expect_grep "^mapbench: --csv: cannot write '/dev/full': No space left on device; the CSV follows on stdout" "$TMP/err"
	grep -q '^null,1,.*,1000,.*,ok,' "$TMP/out" || fail "--csv /dev/full: no CSV row on stdout"

	# Both: both rescued, exit 1: the JSON alone on stdout, the CSV after
	# its message on stderr.
	expect_exit 1 "$MAPBENCH" run $small -q -o /dev/full --csv /dev/full
	json_check "$TMP/out" '.runs[0].ops == 1000'
	grep -q '^map,threads' "$TMP/err" || fail "both on /dev/full: no CSV on stderr"
	expect_grep "^mapbench: --output: cannot write '/dev/full'.*follows on stdout" "$TMP/err"
	expect_grep "^mapbench: --csv: cannot write '/dev/full'.*the CSV follows on stderr" "$TMP/err"

	# stdout itself full: said, and exit 1, never a silent loss.
	"$MAPBENCH" run $small --format json >/dev/full 2>"$TMP/err"
	rc=$?
	[ "$rc" -eq 1 ] || fail "--format json >/dev/full: exit $rc, want 1"
	expect_grep "^mapbench: stdout: cannot write the results: No space left on device" "$TMP/err"
	"$MAPBENCH" run $small >/dev/full 2>"$TMP/err"
	rc=$?
	[ "$rc" -eq 1 ] || fail "table >/dev/full: exit $rc, want 1"
	expect_grep "^mapbench: stdout: cannot write the results" "$TMP/err"
	"$MAPBENCH" run $small -q -o /dev/full >/dev/full 2>"$TMP/err"
	rc=$?
	[ "$rc" -eq 1 ] || fail "-o /dev/full >/dev/full: exit $rc, want 1"
	[ "$(grep -c '^mapbench' "$TMP/err")" -eq 2 ] || fail "-o /dev/full >/dev/full: want two messages on stderr"
else
	echo "SKIP: /dev/full checks: no writable /dev/full"
fi

# A symlink the kernel's protected_symlinks rule would refuse: one in a
# sticky world-writable folder, owned neither by us nor by the folder's
# owner.  mapbench refuses it before the run, and the file it names is left
# alone (it used to be replaced, its mode reset).  Needs root to make
# another user's link.
if [ "$(id -u)" -eq 0 ]; then
	mkdir "$TMP/sticky" && chmod 1777 "$TMP/sticky"
	printf 'precious\n' >"$TMP/victim"
	chmod 600 "$TMP/victim"
	for opt in -o --csv; do
		ln -s "$TMP/victim" "$TMP/sticky/out"
		chown -h nobody "$TMP/sticky/out"
		expect_exit 2 "$MAPBENCH" run $small $opt "$TMP/sticky/out"
		# the check of the options (strerror) or the opening (why) says it
		expect_grep "^mapbench: --\(output\|csv\): cannot write .*\(protected_symlinks\|Operation not permitted\)" "$TMP/err"
		[ "$(cat "$TMP/victim")" = precious ] || fail "$opt: the file a protected link names was written"
		rm "$TMP/sticky/out"
	done
	[ "$(stat -c %a "$TMP/victim")" = 600 ] || fail "the victim's mode changed"
else
	echo "SKIP: protected symlink: needs root to make another user's link"
fi

# A FIFO named *.conf among the workloads: list workloads neither hangs on
# it nor lists it; a regular file beside it is listed.
mkdir "$TMP/wl"
mkfifo "$TMP/wl/stuck.conf"
printf '# a workload\nthreads = 1\n' >"$TMP/wl/real.conf"
MAPBENCH_WORKLOADS="$TMP/wl" expect_exit 0 timeout 20 "$MAPBENCH" list workloads
expect_grep "^real  *a workload$" "$TMP/out"
grep -q "^stuck" "$TMP/out" && fail "list workloads lists a FIFO"
# A listing that cannot be written is a failure (exit 1, said), for every
# topic.
if [ -c /dev/full ] && [ -w /dev/full ]; then
	for topic in maps workloads exports; do
		"$MAPBENCH" list $topic >/dev/full 2>"$TMP/err"
		rc=$?
		[ "$rc" -eq 1 ] || fail "list $topic >/dev/full: exit $rc, want 1"
		expect_grep "^mapbench: list $topic: cannot write to stdout: No space left on device" "$TMP/err"
	done
fi

# A billion tasks: --threads' range, before any memory is touched.
expect_usage --threads run $small --threads 1000000000
expect_grep "from 1 to 10000000" "$TMP/err"
expect_usage --threads run $small --threads 1G
# A length that fits in 64-bit nanoseconds but not after the start time on
# the clock: the run goes on until stopped, it does not end at once.
"$MAPBENCH" run --map null --threads 1 --keys 10 --prefill 0 -e none -q \
	--duration 18446744073709551615ns -o "$TMP/long.json" >"$TMP/long.out" 2>&1 &
pid=$!
wait_for_header "$TMP/long.out"
if kill -0 "$pid" 2>/dev/null; then
	kill -INT "$pid"
	wait "$pid"
	rc=$?
	[ "$rc" -eq 130 ] || fail "--duration 18446744073709551615ns: exit $rc after SIGINT, want 130"
	json_check "$TMP/long.json" '.interrupted == true and .runs[0].ops > 0'
else
	wait "$pid"
	fail "--duration 18446744073709551615ns ended within a second"
fi
finish
