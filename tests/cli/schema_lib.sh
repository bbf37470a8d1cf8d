# The schema check shared by mapbench's and the Go runner's JSON tests:
# sourced after lib.sh.  man/mapbench-json.5 lists every field of a result
# as `.BR "PATH" " (TYPE|TYPE)"`.

# schema_documented: the man page's fields, "PATH<TAB>TYPES", in
# $TMP/documented.
schema_documented() {
	man="$MB_SRCDIR/man/mapbench-json.5"
	sed -n 's/^\.BR "\([^"]*\)" " (\([a-z|]*\))"$/\1	\2/p' "$man" | sort > "$TMP/documented"
	[ "$(wc -l < "$TMP/documented")" -gt 100 ] || fail "could not read the field list of $man"
}

# schema_actual FILE...: the fields of the results, "PATH<TAB>TYPE", array
# indexes as [] and the members named by a key (per kind, per category,
# per stat) as *, in $TMP/actual.
schema_actual() {
	for f in "$@"; do
		[ -s "$f" ] || { fail "no result written: $f"; continue; }
		jq -r 'paths as $p | [($p | map(if type == "number" then "[]" else . end) | join(".")),
			(getpath($p) | type)] | @tsv' "$f"
	done | sed 's/\.\[\]/[]/g' |
		sed -E 's/(latency_ns_by_kind|map_stats|ops_by_kind|hits_by_kind|by_kind|by_category|live_bytes|acquisitions|contended|wait_ns|hold_ns)\.[a-z_-]+/\1.*/g' |
		sort -u > "$TMP/actual"
}

# schema_check_documented: every field in $TMP/actual is in
# $TMP/documented, with a documented type.
schema_check_documented() {
	while IFS='	' read -r path type; do
		doc=$(awk -F'\t' -v p="$path" '$1 == p { print $2 }' "$TMP/documented")
		if [ -z "$doc" ]; then
			fail "undocumented field: $path ($type)"
		else
			case "|$doc|" in *"|$type|"*) ;; *) fail "$path is $type, documented as $doc" ;; esac
		fi
	done < "$TMP/actual"
}

# schema_check_present [GREP-V-ARGS...]: every documented field is in
# $TMP/actual, but those the grep -v arguments leave out (fields the
# results at hand cannot have).
schema_check_present() {
	cut -f1 "$TMP/actual" | sort -u > "$TMP/actual_paths"
	if [ $# -gt 0 ]; then
		cut -f1 "$TMP/documented" | grep -v "$@" > "$TMP/documented_paths"
	else
		cut -f1 "$TMP/documented" > "$TMP/documented_paths"
	fi
	while read -r path; do
		grep -qxF -- "$path" "$TMP/actual_paths" || fail "documented but absent: $path"
	done < "$TMP/documented_paths"
}
