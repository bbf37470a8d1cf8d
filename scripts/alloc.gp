# mapbench-plot alloc: live bytes by allocation category over time, one
# panel per block of `mapbench export --what alloc` (one run per map by
# default); categories that stay at zero are left out of a panel.
# In: dir, out, fmt, datafile, idx, titles, cols (the column names).
load dir.'/common.gp'
n = words(idx)
w = layout_cols(n) * 820
h = layout_rows(n) * 330 + 50
eval set_terminal

set multiplot layout layout_rows(n), layout_cols(n) title 'Live bytes by category at the end of each time window'
set ylabel 'live bytes'
set format y '%.1s%cB'
set key outside right top
set style data linespoints
ncols = words(cols)
do for [i = 1:n] {
	b = word(idx, i) + 0
	set title word(titles, i)
	set autoscale xy
	stats datafile index b using 2:3 nooutput
	xs = STATS_max_x < 2 ? 1e3 : 1
	set xlabel (xs > 1 ? 'time since the timed phase began (ms)' : 'time since the timed phase began (s)')
	set xrange [0:STATS_max_x * xs]
	set yrange [0:(STATS_max_y > 0 ? STATS_max_y * 1.1 : 1)]
	cmd = sprintf("plot datafile index %d using ($2 * xs):3 lw 3 lc rgb 'black' pt 7 ps 0.6 title 'total'", b)
	do for [c = 4:ncols] {
		stats datafile index b using c nooutput
		if (STATS_max > 0) {
			name = word(cols, c)
			name = strstrt(name, '_bytes') > 0 ? name[1:strstrt(name, '_bytes') - 1] : name
			cmd = cmd.sprintf(", '' index %d using ($2 * xs):%d lw 2 pt 7 ps 0.5 title '%s'", b, c, name)
		}
	}
	eval cmd
}
unset multiplot
