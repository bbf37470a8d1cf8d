# mapbench-plot latency: the percentile spectrum of each block of
# `mapbench export --what latency` (by default one run per map, all op
# kinds), overlaid; x is 1/(1-p) on a log axis, so the tail spreads out.
# In: dir, out, fmt, datafile, idx, titles (word lists, one per block), op.
load dir.'/common.gp'
n = words(idx)
w = 900
h = 600
eval set_terminal

set title sprintf('Latency percentile spectrum (%s)', op eq 'all' ? 'all operations' : op.' operations')
set xlabel 'percentile (axis: 1/(1-p), log scale)'
set ylabel 'latency (log scale)'
set logscale xy
set xrange [0.8:14000]
set xtics ('min' 1, 'p50' 2, 'p90' 10, 'p99' 100, 'p99.9' 1000, 'p99.99' 10000)
# values are ns; shown with their unit (10 ns, 1 us, ...)
set format y '%.0s %cs'
set mytics 10
set key bottom right box opaque
plot for [i = 1:n] datafile index (word(idx, i) + 0) using 2:($3 * 1e-9) \
	with linespoints lw 2 pt 7 ps 0.9 title word(titles, i)
