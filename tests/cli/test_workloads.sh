# Workload files: every shipped one runs (made small from the command line,
# which overrides the file), and a bad file is an error naming FILE:LINE.
. "$MB_SRCDIR/tests/cli/lib.sh"

expect_exit 0 "$MAPBENCH" list workloads
cp "$TMP/out" "$TMP/list"
for f in "$MB_SRCDIR"/workloads/*.conf; do
	name=$(basename "$f" .conf)
	grep -q "^$name " "$TMP/list" || fail "list workloads does not list $name"
	if [ "$name" = race ]; then
		# its own length: it ends at the first detected race
		case "${MB_SANITIZERS:-}" in *thread*) continue ;; esac
		nproc_online=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
		[ "$nproc_online" -ge 2 ] || continue
		expect_exit 3 "$MAPBENCH" run -w race -e none --format json
		json_check "$TMP/out" '.runs[0].outcome == "fatal"'
		continue
	fi
	expect_exit 0 "$MAPBENCH" run -w "$name" --ops 20000 --keys 10k --prefill 1k -e none \
		--format json
	json_check "$TMP/out" ".config.workload == \"$name\" and (.runs | length) > 0"
	json_check "$TMP/out" '.config.ops == 20000 and .config.duration_ns == null'
done

# The command line overrides the file; a file given by path works too.
cat > "$TMP/mine.conf" <<'CONF'
# a test workload
map = locked
mix = 99:1
threads = 3
duration = 10s
CONF
expect_exit 0 "$MAPBENCH" run --mix 50:50 -w "$TMP/mine.conf" --ops 1000 --keys 100 --format json -e none
json_check "$TMP/out" '.config.mix.load_pct == 50 and .config.threads == [3] and .config.maps == ["locked"]'
json_check "$TMP/out" '.config.ops == 1000 and .config.duration_ns == null'

# Bad files: one line naming the file, the line and what was wrong.
printf 'map = locked\nthreads = zero\n' > "$TMP/bad1.conf"
expect_usage "bad1.conf:2: --threads" run -w "$TMP/bad1.conf"
printf '# ok\n\nflavour = vanilla\n' > "$TMP/bad2.conf"
expect_usage "bad2.conf:3: line: unknown option 'flavour'" run -w "$TMP/bad2.conf"
printf 'map locked\n' > "$TMP/bad3.conf"
expect_usage "bad3.conf:1: line: expected 'option = value'" run -w "$TMP/bad3.conf"
printf 'output = /tmp/x.json\n' > "$TMP/bad4.conf"
expect_usage "bad4.conf:1" run -w "$TMP/bad4.conf"
printf 'gctrace = yes\n' > "$TMP/bad5.conf"
expect_usage "bad5.conf:1: --gctrace" run -w "$TMP/bad5.conf"
printf 'mix =\n' > "$TMP/bad6.conf"
expect_usage "bad6.conf:1: --mix" run -w "$TMP/bad6.conf"
expect_usage "--workload" run -w no-such-workload
expect_usage "--workload" run -w "$TMP/missing.conf"
finish
