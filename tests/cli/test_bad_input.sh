# Every bad option value: exit 2 and one line on stderr naming the option,
# before anything runs.
. "$MB_SRCDIR/tests/cli/lib.sh"

expect_usage --map run --map nosuch
expect_usage --map run --map plain,,locked
expect_usage --map run --map ""
expect_usage --threads run --threads 0
expect_usage --threads run --threads -1
expect_usage --threads run --threads 1x
expect_usage --threads run --threads 1kk
expect_usage --threads run --threads abc
expect_usage --threads run --threads 1.5k
expect_usage --threads run --threads 10000001
expect_usage --threads run --threads 99999999999999999999999
expect_usage --threads run --threads 1,
expect_usage --procs run --procs 0
expect_usage --procs run --procs 1025
expect_usage --procs run --procs two
expect_usage --mix run --mix 90:20
expect_usage --mix run --mix 90
expect_usage --mix run --mix 50:50:0:0
expect_usage --mix run --mix 101:0
expect_usage --mix run --mix -10:110
expect_usage --mix run --mix reads
expect_usage --mix run --mix load=50,foo=50
expect_usage --mix run --mix load=50,load=50
expect_usage --mix run --mix load=50,store=40
expect_usage --mix run --mix load=50,store=
expect_usage --mix run --mix cas=101
expect_usage --keys run --keys 0
expect_usage --keys run --keys 1M5
expect_usage --prefill run --keys 100 --prefill 101
expect_usage --ops run --ops 0
expect_usage --ops run --ops 10 --duration 1s
expect_usage --duration run --duration 10
expect_usage --duration run --duration 0s
expect_usage --duration run --duration 5parsecs
expect_usage --duration run --duration 99999999999h
expect_usage --seed run --seed -3
expect_usage --pause-threshold run --pause-threshold 10
expect_usage --pause-threshold run --pause-threshold -1us
expect_usage --window run --window 0s
expect_usage --window run --window 1parsec
expect_usage --max-events run --max-events 10000001
expect_usage --max-events run --max-events many
expect_usage --events run -e no-such-event
expect_usage --events run -e cycles,,task-clock
expect_usage --events run -e 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17
# The memory guard: a run that cannot fit is refused before it starts.
expect_usage "more than the" run --map sync --keys 1G --mix write --ops 10
expect_usage --key-type run --key-type x
expect_usage --key-type run --key-type str
expect_usage --key-type run --key-type string
expect_usage --key-type run --key-type string:
expect_usage --key-type run --key-type string:0
expect_usage --key-type run --key-type string:1025
expect_usage --key-type run --key-type string:9-8
expect_usage --key-type run --key-type string:4-
expect_usage --key-type run --key-type string:abc
expect_usage --key-type run --key-type int:8
expect_usage --key-type run --key-type string:2 --keys 4097
expect_usage "more than the" run --map sync --keys 200M --key-type string:1024 --mix read --prefill 0 --ops 10
expect_usage --value-size run --value-size 7
expect_usage --value-size run --value-size 1
expect_usage --value-size run --value-size 65537
expect_usage --value-size run --value-size -8
expect_usage --value-size run --value-size big
expect_usage "more than the" run --map plain --keys 100M --value-size 64k --mix write --ops 10
expect_usage --dist run --dist normal
expect_usage --dist run --dist zipf:0
expect_usage --dist run --dist zipf:abc
expect_usage --dist run --dist hotspot:0.5
expect_usage --dist run --dist hotspot:2:0.5
expect_usage --warmup run --warmup soon
expect_usage --warmup run --warmup 1x
expect_usage --count run --count 0
expect_usage --count run --count 257
expect_usage --count run --count x
expect_usage --hash-seed run --hash-seed x
expect_usage --grow run --grow sometimes
expect_usage --format run --format yaml
expect_usage --latency run --latency sometimes
expect_usage --latency run --latency sample:0
expect_usage --latency run --latency sample:
expect_usage --latency run --latency sample:1x
expect_usage --output run -o "$TMP/no/such/dir/r.json"
expect_usage --output run -o "$TMP"
expect_usage run run stray-argument
expect_usage "at most 256" run --map null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null \
	--threads 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16

# Every option with an empty, negative, zero, overflowing, non-numeric or
# wrongly suffixed value.  The base makes a wrongly accepted value cheap to
# run (and fails the check: exit 0, not 2).
base="--map null --threads 1 --keys 10 --prefill 0 -e none"
bad_values() {
	opt=$1
	shift
	for v in "$@"; do
		expect_usage "$opt" run $base "$opt" "$v"
	done
}
junk_counts="-1 99999999999999999999999 18446744073709551616 abc 10q 1.5 1K 1kB 1Mk 2s 0x10 1e3 +5"
for opt in --threads --procs --keys --ops --count --max-events --prefill --seed --hash-seed; do
	bad_values "$opt" "" " 5" $junk_counts
done
for opt in --threads --procs --keys --ops --count; do
	bad_values "$opt" 0
done
junk_times="-1 -1s 99999999999999999999999s 18446744073709551616ns abc 10 5parsecs 1.5s 1S 10sec 1k +1s"
for opt in --duration --window --pause-threshold; do
	bad_values "$opt" "" "1 s" $junk_times
done
bad_values --duration 0 0s 0ns
bad_values --window 0 0s 0ms
# A window that cuts a --duration run into more than 10000 windows is
# refused with the shortest that fits (10ns once ran out of memory).
expect_usage --window run --map null --threads 1 --duration 1s --window 10ns
expect_grep "give at least 101us" "$TMP/err"
expect_usage --window run --map null --threads 1 --duration 1s --window 100us
# A bare 0 is a time, as in Go's time.ParseDuration, where zero is allowed.
expect_exit 0 "$MAPBENCH" run --map null --threads 1 --ops 1k -e none --pause-threshold 0 --warmup 0
expect_exit 0 "$MAPBENCH" run --map null --threads 1 --duration 10ms --window 101us -e none --format json
json_check "$TMP/out" '.runs[0].timeseries.truncated == false'
bad_values --warmup "" -1 -1s 99999999999999999999999 99999999999999999999999s abc 1.5s 10q 1kB
bad_values --latency "" sample:-1 sample:99999999999999999999999 sample:4294967296 sample:abc sample:1k1
bad_values --mix "" -1 0 abc 99999999999999999999999:0 18446744073709551716:18446744073709551516 load=-1,store=101
bad_values --dist "" zipf:-1 zipf: zipf:1e999 zipf:101 hotspot:-0.1:0.5 hotspot:0.5:1 hotspot:0.5:abc
for opt in --map --grow --format --events; do
	bad_values "$opt" "" -1 0
done
for opt in --output --csv --workload; do
	bad_values "$opt" ""
done

# Unknown options are argp's: exit 2, and the first line names the option.
expect_exit 2 "$MAPBENCH" run --frobnicate
head -1 "$TMP/err" | grep -q -- "--frobnicate" || fail "unknown option not named"

# Nothing ran: no output file appeared for any of the above.
[ -z "$(ls -A "$TMP" | grep -v '^out$\|^err$')" ] || fail "files left: $(ls "$TMP")"
finish
