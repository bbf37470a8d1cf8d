# mapbench run --record / --replay: a recorded run replays to the same op
# digest (binary and text, and a replay recorded again), on every design and
# with parking locks; a hand-written trace runs; malformed traces exit 2
# with FILE:LINE or the byte offset and run nothing; the options a replay
# replaces are refused with it; --record onto stdout while stdout carries
# the results is refused.
. "$MB_SRCDIR/tests/cli/lib.sh"

mix=load=30,store=20,delete=10,load_or_store=10,load_and_delete=5,swap=10,cas=10,cad=5
q="-q -e none --format json"

# digest, ops and per-kind hits of the first run in a result
sig() { jq -c '.runs[0] | [.op_digest, .ops, .hits_by_kind, .final_len, .threads]' "$1"; }

# 1. One task on one worker: the replay is the run, values included (cas
# and cad hits depend on them), in both formats.
"$MAPBENCH" run --map plain --threads 1 --procs 1 --keys 1000 --mix "$mix" --ops 20k \
	--record "$TMP/one.bin" $q > "$TMP/rec.json" || fail "record binary"
"$MAPBENCH" run --map plain --threads 1 --procs 1 --keys 1000 --mix "$mix" --ops 20k \
	--record "$TMP/one.txt" $q > /dev/null || fail "record text"
head -c 8 "$TMP/one.bin" | grep -q MBOPSTRM || fail "binary stream lacks its magic"
[ "$(wc -l < "$TMP/one.txt")" -eq 20000 ] || fail "text stream: want 20000 lines"
for f in one.bin one.txt; do
	"$MAPBENCH" run --map plain --procs 1 --keys 1000 --replay "$TMP/$f" $q > "$TMP/rep.json" ||
		fail "replay $f"
	[ "$(sig "$TMP/rep.json")" = "$(sig "$TMP/rec.json")" ] ||
		fail "replay of $f: $(sig "$TMP/rep.json") vs recorded $(sig "$TMP/rec.json")"
	json_check "$TMP/rep.json" ".config.replay == \"$TMP/$f\" and .config.dist == null"
	json_check "$TMP/rep.json" '([.config.mix[]] | add) == 100 and .config.mix.cad_pct >= 1'
done
# a replay recorded again (binary to text) is the same stream
"$MAPBENCH" run --map null --procs 1 --keys 1000 --replay "$TMP/one.bin" --record "$TMP/again.txt" \
	$q > /dev/null || fail "replay + record"
cmp -s "$TMP/again.txt" "$TMP/one.txt" || fail "binary -> text conversion differs from the text recording"

# 2. Many tasks, two workers, every design, Go's parking locks: the digest
# is per task, so the replay matches whatever the interleaving.
"$MAPBENCH" run --map locked --lock go --threads 64 --procs 2 --keys 500 --mix "$mix" --ops 50k \
	--record "$TMP/many.bin" $q > "$TMP/rec.json" || fail "record 64 tasks"
want=$(jq -r '.runs[0].op_digest' "$TMP/rec.json")
"$MAPBENCH" run --map locked,rwlocked,sync,hashtrie,sharded:4 --lock go,spin \
	--procs 2 --keys 500 --replay "$TMP/many.bin" $q > "$TMP/rep.json" || fail "replay on the concurrent designs"
"$MAPBENCH" run --map plain,swiss,null --procs 1 --keys 500 --replay "$TMP/many.bin" $q \
	> "$TMP/rep1.json" || fail "replay on the designs of one worker"
for f in rep.json rep1.json; do
	json_check "$TMP/$f" "[.runs[] | .op_digest == \"$want\" and .threads == 64 and .ops == 50000] | all"
done
json_check "$TMP/rep.json" '.runs | length >= 5'

# 3. A hand-written trace: two tasks, values given and left out.
cat > "$TMP/hand.txt" <<'TRACE'
# task 0 stores key 5 with 10, task 1 swaps and cas-es it
0 store 5 10
0 load 5
1 swap 5 11
1 cas 5 11 12
  # an indented comment
store 7
range
TRACE
"$MAPBENCH" run --map sync --procs 1 --keys 10 --prefill 0 --replay "$TMP/hand.txt" $q > "$TMP/hand.json" ||
	fail "hand-written trace: $(cat "$TMP/hand.json")"
# one worker runs task 0's first op, then task 1's, ... (round robin): store,
# swap (hit), load (hit), cas 11->12 (hit), store 7 (its index: 2), range
json_check "$TMP/hand.json" '.runs[0] | .ops == 6 and .threads == 2 and .final_len == 2'
json_check "$TMP/hand.json" '.runs[0].hits_by_kind | .swap == 1 and .cas == 1 and .load == 1'

# 4. Malformed traces: exit 2, one line naming --replay and the position.
bad() { # EXPECTED-POSITION EXPECTED-WORDS FILE [OPTIONS]
	local pos=$1 words=$2 file=$3
	shift 3
	expect_usage --replay run --map plain --keys 10 --replay "$file" "$@"
	expect_grep "$pos" "$TMP/err"
	expect_grep "$words" "$TMP/err"
	[ ! -s "$TMP/out" ] || fail "a bad stream printed a result: $(head -c 200 "$TMP/out")"
}
printf 'load 1\nfrob 2\n' > "$TMP/b1.txt";   bad "b1.txt:2:" "unknown op" "$TMP/b1.txt"
printf 'load 1\ncas 1 2\n' > "$TMP/b2.txt";  bad "b2.txt:2:" "needs KEY OLD NEW" "$TMP/b2.txt"
printf 'load 10\n' > "$TMP/b3.txt";          bad "b3.txt:1:" "out of range" "$TMP/b3.txt"
printf 'store 1 x\n' > "$TMP/b4.txt";        bad "b4.txt:1:" "bad value" "$TMP/b4.txt"
printf '# nothing\n' > "$TMP/b5.txt";        bad "b5.txt:" "no op" "$TMP/b5.txt"
head -c 40 "$TMP/one.bin" > "$TMP/t.bin";     bad "byte" "truncated" "$TMP/t.bin" --keys 1000
{ printf 'MBOPSTRM\002\000\000\000'; tail -c +13 "$TMP/one.bin"; } > "$TMP/v.bin"
bad "byte 8" "version 2" "$TMP/v.bin" --keys 1000
{ cat "$TMP/one.bin"; printf 'x'; } > "$TMP/trail.bin"
bad "byte" "" "$TMP/trail.bin" --keys 1000
# key bound: a stream recorded over 1000 keys replayed over 10
bad "byte" "out of range" "$TMP/one.bin"
expect_usage --replay run --map plain --replay "$TMP/none.txt"
expect_usage --replay run --map plain --replay "$TMP"
expect_usage --replay run --map plain --replay ''
expect_usage --record run --map plain --threads 1 --ops 10 --record ''
mkfifo "$TMP/fifo"
expect_usage --replay run --map plain --replay "$TMP/fifo"

# 5. What a replay replaces is refused with it; --record needs one run of
# known length; a key type the binary stream contradicts is refused.
for o in "--threads 4" "--ops 10" "--duration 1s" "--mix read" "--dist zipf:1.1" "--warmup 10"; do
	expect_usage --replay run --map plain --keys 1000 --replay "$TMP/one.bin" $o
	expect_grep "${o%% *}" "$TMP/err"
done
expect_usage --key-type run --map plain --keys 1000 --replay "$TMP/one.bin" --key-type string:8
expect_usage --record run --map plain --threads 1 --record "$TMP/x.bin"
expect_usage --record run --map plain,swiss --threads 1 --ops 10 --record "$TMP/x.bin"
expect_usage --record run --map plain --threads 1 --ops 10 --count 2 --record "$TMP/x.bin"
expect_usage --record run --map plain --threads 1 --ops 10 --record "$TMP/nodir/x.bin"
[ ! -e "$TMP/x.bin" ] || fail "a refused --record wrote its file"
printf 'record = %s\n' "$TMP/x.bin" > "$TMP/w.conf"
expect_usage record run -w "$TMP/w.conf" --ops 10

# 6. String keys: the binary stream names its key type and the replay takes it.
"$MAPBENCH" run --map plain --threads 2 --procs 1 --keys 100 --key-type string:4-9 --mix "$mix" \
	--ops 2k --record "$TMP/s.bin" $q > "$TMP/rec.json" || fail "record string keys"
"$MAPBENCH" run --map plain --procs 1 --keys 100 --replay "$TMP/s.bin" $q > "$TMP/rep.json" ||
	fail "replay string keys"
[ "$(sig "$TMP/rep.json")" = "$(sig "$TMP/rec.json")" ] || fail "string keys: replay differs"
json_check "$TMP/rep.json" '.config.key_type == "string:4-9"'
# a stream's key type that names fewer keys than --keys is refused
"$MAPBENCH" run --map null --threads 1 --keys 50 --key-type string:1 --ops 10 --record "$TMP/k.bin" \
	-e none -q > /dev/null || fail "record string:1 keys"
expect_usage --key-type run --map plain --keys 100 --replay "$TMP/k.bin"
expect_grep "k.bin" "$TMP/err"

# 7. Two results in one file would lose one: -o, --csv and --record over
# each other, or -o over the stream being replayed, are refused.
cp "$TMP/one.bin" "$TMP/keep.bin"
expect_usage --record run --map plain --threads 1 --ops 10 -o "$TMP/r.out" --record "$TMP/r.out"
expect_usage --csv run --map plain --threads 1 --ops 10 -o "$TMP/r.out" --csv "$TMP/./r.out"
expect_usage --output run --map plain --keys 1000 --replay "$TMP/keep.bin" -o "$TMP/keep.bin"
cmp -s "$TMP/keep.bin" "$TMP/one.bin" || fail "a refused -o changed the replayed stream"
# --record over --replay's own file rewrites the same stream
"$MAPBENCH" run --map null --procs 1 --keys 1000 --replay "$TMP/keep.bin" --record "$TMP/keep.bin" \
	$q > /dev/null || fail "record over the replayed file"
cmp -s "$TMP/keep.bin" "$TMP/one.bin" || fail "the stream rewritten over itself differs"

# 8. --record onto the file stdout writes to, while stdout carries the
# results (the table, the JSON, -o /dev/stdout): refused, with nothing on
# stdout, whether stdout is a file (expect_exit sends it to $TMP/out) or a
# pipe; so is stderr's file while the table goes there (-o given).
one="run --map plain --threads 1 --ops 10 -e none -q"
for rec in /dev/stdout /proc/self/fd/1 "$TMP/out"; do
	for how in "" "--format json"; do
		expect_usage --record $one $how --record "$rec"
		[ ! -s "$TMP/out" ] || fail "stdout not empty with --record $rec $how"
	done
done
grep -q "standard output" "$TMP/err" || fail "the refusal does not say why: $(cat "$TMP/err")"
{ "$MAPBENCH" $one --record /dev/stdout 2>"$TMP/perr"; echo $? > "$TMP/rc"; } | cat > "$TMP/piped"
[ "$(cat "$TMP/rc")" = 2 ] && [ ! -s "$TMP/piped" ] && grep -q -- --record "$TMP/perr" ||
	fail "--record /dev/stdout into a pipe: exit $(cat "$TMP/rc"), $(wc -c < "$TMP/piped") bytes"
{ "$MAPBENCH" $one -o /dev/stdout --record /dev/stdout 2>/dev/null; echo $? > "$TMP/rc"; } |
	cat > "$TMP/piped"
[ "$(cat "$TMP/rc")" = 2 ] && [ ! -s "$TMP/piped" ] || fail "-o and --record both on a pipe"
expect_usage --record $one -o "$TMP/r.json" --record /dev/stderr
expect_grep "standard error" "$TMP/err"
# Allowed where stdout carries nothing else (the results go to -o, the
# table to stderr): the stream alone, as a pipe or a redirected file, the
# same bytes as a file of its own; and /dev/null, which nobody reads.
"$MAPBENCH" $one -o "$TMP/r.json" --record "$TMP/own.bin" 2>/dev/null || fail "record to a file"
"$MAPBENCH" $one -o "$TMP/r.json" --record /dev/stdout 2>/dev/null | cat > "$TMP/piped" ||
	fail "record to stdout, a pipe"
cmp -s "$TMP/piped" "$TMP/own.bin" || fail "the stream through a pipe differs from the file"
"$MAPBENCH" $one --csv "$TMP/r.csv" --record /dev/stdout > "$TMP/redir.bin" 2>/dev/null ||
	fail "record to stdout, a file"
cmp -s "$TMP/redir.bin" "$TMP/own.bin" || fail "the stream on a redirected stdout differs"
# -o and --csv that cannot be written at the end: the results rescued on
# stderr after their messages, never into the stream on stdout.
if [ -c /dev/full ] && [ -w /dev/full ]; then
	{ "$MAPBENCH" $one -o /dev/full --csv /dev/full --record /dev/stdout 2>"$TMP/perr"
	  echo $? > "$TMP/rc"; } | cat > "$TMP/piped"
	[ "$(cat "$TMP/rc")" = 1 ] || fail "-o and --csv on /dev/full with --record on stdout: exit $(cat "$TMP/rc")"
	cmp -s "$TMP/piped" "$TMP/own.bin" || fail "a rescued result went into the stream on stdout"
	grep -q "^mapbench: --output: cannot write '/dev/full'.*the JSON result follows on stderr" "$TMP/perr" &&
		grep -q "^mapbench: --csv: cannot write '/dev/full'.*the CSV follows on stderr" "$TMP/perr" &&
		grep -q '"schema"' "$TMP/perr" && grep -q '^map,threads' "$TMP/perr" ||
		fail "the rescued results are not on stderr: $(head -c 400 "$TMP/perr")"
fi
"$MAPBENCH" $one --record /dev/null > /dev/null || fail "record to /dev/null, stdout too"
finish
