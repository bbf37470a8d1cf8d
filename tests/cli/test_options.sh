# The option table, seen from outside:
# 1. the config echo of fixed command lines (a sweep, workload files, the
#    defaults) is what it was before the table (tests/data/config, made by
#    the program before the change; `events` left out: its default is what
#    opens on the machine, and `procs` in the defaults case is the CPUs;
#    `locks`, added with --lock since, was put in by hand);
# 2. every option a workload file may set works from one, run by the ASan
#    build of the program when there is one (a use-after-free of a file's
#    value passes by luck without it), with the same result as on the
#    command line;
# (that the man pages mention every option and its default is checked by
# tests/test_options.c, from the table itself).
. "$MB_SRCDIR/tests/cli/lib.sh"

data="$MB_SRCDIR/tests/data/config"
cpus=$(nproc)
[ "$cpus" -gt 1024 ] && cpus=1024
while IFS=$'\t' read -r name args; do
	# shellcheck disable=SC2086 # the case's words are meant to split
	expect_exit 0 "$MAPBENCH" run $args --format json -q
	jq -S '.config | del(.events)' "$TMP/out" >"$TMP/got.json" 2>/dev/null ||
		fail "$name: no JSON"
	want=$(jq -S --argjson c "$cpus" \
		"if \"$name\" == \"defaults\" then .procs = \$c else . end" "$data/$name.json")
	[ "$(cat "$TMP/got.json")" = "$want" ] ||
		fail "$name: config differs: $(diff <(echo "$want") "$TMP/got.json" | head -8)"
done <"$data/cases.tsv"

prog=$MAPBENCH
case "${MB_SANITIZERS:-}" in
*thread*) ;;
*address*) ;;
*) [ -x "${MAPBENCH_ASAN:-}" ] && prog=$MAPBENCH_ASAN ;;
esac

# One line per option kind: a list, a count, a time, a choice, a custom
# value, a flag, a path, and the events.
cd "$TMP" || exit 1
cat >every.conf <<'CONF'
# every kind of option
map = null,plain
threads = 1,2
procs = 1
mix = load=60,store=30,delete=10
dist = hotspot:0.2:0.8
keys = 2k
key-type = string:8
value-size = 16
prefill = 100
ops = 3k
count = 2
warmup = 100
seed = 7
hash-seed = 9
grow = stw
latency = all
pause-threshold = 0ns
max-events = 50
window = 10ms
events = none
gctrace = true
quiet = true
csv = from-file.csv
format = json
CONF
expect_exit 0 "$prog" run -w ./every.conf -o file.json
[ -s from-file.csv ] || fail "csv = from-file.csv wrote no CSV"
json_check file.json '.config.maps == ["null","plain"] and .config.threads == [1,2]'
json_check file.json '.config.keys == 2000 and .config.prefill == 100 and .config.ops == 3000'
json_check file.json '.config.count == 2 and .config.warmup_ops == 100 and .config.seed == 7'
json_check file.json '.config.hash_seed == 9 and .config.grow == "stw" and .config.latency == "all"'
json_check file.json '.config.pause_threshold_ns == 0 and .config.max_events == 50'
json_check file.json '.config.window_ns == 10000000 and .config.events == []'
json_check file.json '.config.key_type == "string:8" and .config.value_size_bytes == 16'
json_check file.json '.config.dist == "hotspot:0.2:0.8" and .config.mix.delete_pct == 10'
json_check file.json '.config.procs == 1 and .config.procs_explicit == true'
json_check file.json '(.runs | length) == 8'
grep -q '^gctrace: ' "$TMP/err" || fail "gctrace = true printed no gctrace line"
grep -q '"schema"' "$TMP/out" || fail "format = json printed no JSON on stdout"

# The same options on the command line mean the same thing.
expect_exit 0 "$prog" run --map null,plain --threads 1,2 --procs 1 \
	--mix load=60,store=30,delete=10 --dist hotspot:0.2:0.8 --keys 2k --key-type string:8 \
	--value-size 16 --prefill 100 --ops 3k --count 2 --warmup 100 --seed 7 --hash-seed 9 \
	--grow stw --latency all --pause-threshold 0ns --max-events 50 --window 10ms -e none \
	--gctrace -q --csv from-cli.csv --format json -o cli.json
[ "$(jq -S '.config | del(.workload)' file.json)" = "$(jq -S '.config | del(.workload)' cli.json)" ] ||
	fail "a file and the command line give different configs"
json_check file.json '.config.workload == "./every.conf"'
[ "$(head -1 from-file.csv)" = "$(head -1 from-cli.csv)" ] || fail "CSV headers differ"

# The command line wins over the file, before or after -w.
expect_exit 0 "$prog" run --keys 3k -w ./every.conf --seed 8 --csv c2.csv -q
json_check /dev/stdin '.config.keys == 3000 and .config.seed == 8' <"$TMP/out"
[ -s c2.csv ] && [ ! -e from-file.csv.tmp ] || fail "the command line's --csv"

# --lock sweeps the designs that take a lock and no other: plain runs once.
expect_exit 0 "$MAPBENCH" run --map plain,locked --lock go,pthread --threads 2 --ops 2k \
	-e none --format json -q
json_check "$TMP/out" '(.runs | length) == 3 and .config.locks == ["go","pthread"]'
json_check "$TMP/out" '.runs[0].map == "plain" and .runs[0].lock == null'
json_check "$TMP/out" '[.runs[1,2].lock.policy] == ["go","pthread"]'
expect_exit 0 "$MAPBENCH" run --map locked --lock spin --threads 2 --ops 1k -e none
expect_grep "^locked/spin " "$TMP/out"
expect_usage --lock run --lock mutex
expect_usage --lock run --lock go,,spin
expect_usage --lock run --lock ""
# NAME:PARAM: sharded:N, N a power of two from 1 to 65536, in labels.
expect_exit 0 "$MAPBENCH" run --map sharded:4,sharded --threads 2 --ops 2k -e none --format json -q
json_check "$TMP/out" '.config.maps == ["sharded:4","sharded"] and .runs[0].map == "sharded:4"'
for bad in sharded:3 sharded:0 sharded:131072 sharded:x sharded: plain:4 nosuch:4; do
	expect_usage --map run --map "$bad"
done
expect_usage --map run --map plain:4
expect_grep "takes no parameter" "$TMP/err"
expect_exit 0 "$MAPBENCH" list options
expect_grep "^--lock .* go$" "$TMP/out"
expect_exit 0 "$MAPBENCH" list locks
expect_grep "^pthread " "$TMP/out"

# A value given by a file is not read from freed memory after the file is
# closed: events and csv were the cases (the ASan build catches it).
printf 'events = none\ncsv = uaf.csv\nmap = null\nthreads = 1\nops = 100\n' >uaf.conf
expect_exit 0 "$prog" run -w ./uaf.conf -q
[ -s uaf.csv ] || fail "csv from a file"

# The default events are those that open here: a default run warns about
# none (a VM without a PMU once printed "not counted" on every run); an
# event the user names and the machine refuses is still warned about.
expect_exit 0 "$MAPBENCH" run --map null --threads 1 --ops 1k
grep -q "not counted" "$TMP/err" && fail "a default run warned: $(cat "$TMP/err")"
expect_exit 0 "$MAPBENCH" run --map null --threads 1 --ops 1k --format json -q
json_check "$TMP/out" '[.config.events[] | select(. == "task-clock")] | length == 1'
finish
