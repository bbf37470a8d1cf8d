# mapbench-plot compare: the means of two results with their 95%
# confidence intervals, one panel per metric, from the CSV of
# `mapbench compare --format csv A B` (one block per metric, made by the
# wrapper; columns: 1 name, 5 mean_a, 10-11 ci95 of a, 13 mean_b, 18-19 ci95
# of b, 20 delta_pct, 27 verdict).
# In: dir, out, fmt, datafile, metrics, units (word lists, one per block),
#     label_a, label_b.
load dir.'/common.gp'
n = words(metrics)
w = layout_cols(n) * 860
h = layout_rows(n) * 380 + 50
eval set_terminal

set datafile separator ','
set multiplot layout layout_rows(n), layout_cols(n) title sprintf('%s vs %s: means with 95%% confidence intervals; above: change of B and verdict', label_a, label_b)
set style fill solid 0.6 border lc rgb '#404040'
set boxwidth 0.38
set xtics rotate by -25 left
set key outside top center horizontal
set format y '%.1s%c'
set grid noxtics ytics
do for [k = 1:n] {
	b = k - 1
	u = word(units, k)
	set title word(metrics, k)
	set ylabel (u eq '-' ? word(metrics, k) : sprintf('%s (%s)', word(metrics, k), u))
	set autoscale xy
	stats datafile index b using 11:19 nooutput
	top = STATS_max_x > STATS_max_y ? STATS_max_x : STATS_max_y
	nrow = STATS_records
	set xrange [-0.6:nrow - 0.4]
	set yrange [0:top * 1.2]
	plot datafile index b using ($0 - 0.2):5:xtic(1) with boxes lc rgb '#4477aa' title label_a, \
		'' index b using ($0 - 0.2):10:(0):($11 - $10) with vectors heads size 0.06,90 lc rgb 'black' lw 1.5 notitle, \
		'' index b using ($0 + 0.2):13 with boxes lc rgb '#ee6677' title label_b, \
		'' index b using ($0 + 0.2):18:(0):($19 - $18) with vectors heads size 0.06,90 lc rgb 'black' lw 1.5 notitle, \
		'' index b using 0:(top * 1.08):(sprintf('%+.1f%% %s', column(20), strcol(27))) \
			with labels font ',9' notitle
}
unset multiplot
