# mapbench-plot compare A B: drawn from `mapbench compare --format csv A B`
# on two real small results, to PNG and SVG.  Skipped (77) only while this
# mapbench has no compare command.
. "$MB_SRCDIR/tests/cli/lib.sh"

PLOT=${MAPBENCH_PLOT:-$MB_SRCDIR/scripts/mapbench-plot}
if "$MAPBENCH" compare --help >/dev/null 2>"$TMP/err"; then
	:
elif grep -q "unknown command 'compare'" "$TMP/err"; then
	echo "this mapbench has no compare command" >&2
	exit 77
fi
if [ -z "${GNUPLOT:-}" ] || ! command -v "$GNUPLOT" >/dev/null; then
	echo "gnuplot is not installed (gnuplot-nox)" >&2
	exit 77
fi

for s in a b; do
	"$MAPBENCH" run --map plain,sync --threads 1,2 --ops 20k --count 3 -e none -q \
		-o "$TMP/$s.json" >/dev/null 2>"$TMP/run.err" ||
		{ cat "$TMP/run.err" >&2; fail "run $s failed"; finish; }
done
expect_exit 0 "$MAPBENCH" compare --format csv "$TMP/a.json" "$TMP/b.json"
expect_grep '^name,metric,unit,n_a,mean_a,sd_a,min_a,median_a,max_a,ci95_low_a,ci95_high_a,n_b,mean_b,sd_b,min_b,median_b,max_b,ci95_low_b,ci95_high_b,delta_pct,diff_ci95_low,diff_ci95_high,t,df,p,hedges_g,verdict$' "$TMP/out"

expect_exit 0 "$PLOT" compare "$TMP/a.json" "$TMP/b.json" -o "$TMP/c.png"
[ "$(head -c 8 "$TMP/c.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "c.png is not a PNG"
[ "$(wc -c <"$TMP/c.png")" -gt 15000 ] || fail "c.png is nearly empty"
expect_exit 0 "$PLOT" compare "$TMP/a.json" "$TMP/b.json" -o "$TMP/c.svg"
if [ -n "${XMLLINT:-}" ]; then
	"$XMLLINT" --noout "$TMP/c.svg" || fail "c.svg is not well-formed"
fi
expect_grep 'A:a.json vs B:b.json' "$TMP/c.svg"
expect_grep 'plain/threads=1/procs=1' "$TMP/c.svg"

expect_exit 2 "$PLOT" compare "$TMP/a.json" "$TMP/missing.json" -o "$TMP/d.png"
expect_grep 'missing.json' "$TMP/err"
finish
