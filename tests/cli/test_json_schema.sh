# man/mapbench-json.5 lists every field of a real result with its type, and
# nothing that a result does not have.
. "$MB_SRCDIR/tests/cli/lib.sh"
. "$MB_SRCDIR/tests/cli/schema_lib.sh"

schema_documented

# A result with every kind of field: two maps (sync's counters, plain's
# fatal error), every op, pause events (reclaim batches among them: sync
# runs long enough for grace periods to end), latency per kind.
"$MAPBENCH" run --map sync,plain --threads 2 --procs 2 --keys 1k --prefill 0 \
	--mix load=50,store=20,delete=10,load_or_store=5,load_and_delete=5,swap=5,cas=3,cad=2 \
	--duration 200ms --pause-threshold 0ns -o "$TMP/r.json" >/dev/null 2>&1
[ -s "$TMP/r.json" ] || fail "no result written"

schema_actual "$TMP/r.json"
# every field of the result is documented, with a documented type
schema_check_documented

# moved: on every growth step of mapbench's maps, on no other event; a plain
# grow moves nothing (hashGrow only allocates)
json_check "$TMP/r.json" '[.runs[].pauses.events[] | select(.kind | IN("grow", "evacuate", "rehash", "split")) | .moved] | length > 0 and all(type == "number" and . >= 0)'
json_check "$TMP/r.json" '[.runs[].pauses.events[] | select(.kind | IN("grow", "evacuate", "rehash", "split") | not) | has("moved")] | any | not'
json_check "$TMP/r.json" '[.runs[] | select(.map == "plain") | .pauses.events[] | select(.kind == "grow") | .moved] | length > 0 and all(. == 0)'
# swiss, 897 distinct keys from empty: the split moves the 1024-slot table's
# 1024 * 7/8 = 896 entries (Go's maximum load); the grows before it 8 (the
# small group), then 14, 28 ... 448 (7/8 of 16 ... 512 slots)
"$MAPBENCH" run --map swiss --threads 1 --procs 1 --keys 897 --prefill 0 --dist sequential \
	--mix write --ops 897 --pause-threshold 0ns -e none -q -o "$TMP/s.json" >/dev/null 2>&1 ||
	fail "swiss run: exit $?"
json_check "$TMP/s.json" '[.runs[0].pauses.events[] | select(.kind == "split") | .moved] == [896]'
json_check "$TMP/s.json" '[.runs[0].pauses.events[] | select(.kind == "grow") | .moved] == [8, 14, 28, 56, 112, 224, 448]'

# every documented field is in the result
schema_check_present
finish
