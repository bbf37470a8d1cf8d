# mapbench-plot heatmap: pause events per time window (x) and power-of-two
# duration bucket (y), colour = events; one panel per block of
# `mapbench export --what heatmap` (one run per map by default).
# In: dir, out, fmt, datafile, idx, rows, titles (word lists, one per block;
# idx is gnuplot's index of a block with rows, -1 for an empty one), and
# dir/notes.gp: note1, note2, ... the note of each panel ('' or why the run
# has nothing to draw, e.g. "fatal: concurrent map writes after N ops").
load dir.'/common.gp'
load dir.'/notes.gp'
n = words(idx)
w = layout_cols(n) * 820
h = layout_rows(n) * 330 + 50
eval set_terminal

set multiplot layout layout_rows(n), layout_cols(n) title 'Pause events per time window and duration bucket (colour: events, log scale)'
set xlabel 'time since the timed phase began (s)'
set ylabel 'pause duration (log2 buckets)'
set cblabel 'events'
set logscale cb
set format cb '%g'
set palette defined (0 '#440154', 0.25 '#3b528b', 0.5 '#21918c', 0.75 '#5ec962', 1 '#fde725')
set style fill solid 1.0 noborder
set grid front
# One colour scale for every panel, so that maps compare.
set autoscale xy
cells = 0
do for [i = 1:n] { cells = cells + word(rows, i) }
cbmax = 2
if (cells > 0) {
	stats datafile using 6 nooutput
	cbmax = STATS_max > 1 ? STATS_max : 2
}
do for [i = 1:n] {
	set title word(titles, i)
	b = word(idx, i) + 0
	note = exists('note'.i) ? value('note'.i) : ''
	empty = note ne '' ? note : 'no pause events in this run'
	set autoscale xy  # stats sees only what is in range
	if (word(rows, i) + 0 == 0) {
		unset colorbox
		set xrange [0:1]
		set yrange [0:1]
		set ytics ('' 0)
		set label 1 empty at graph 0.5, 0.5 center
		plot NaN notitle
		unset label 1
		set colorbox
	} else {
		stats datafile index b using 4 nooutput
		ylo = STATS_min
		yhi = STATS_max + 1
		# the last window ends at 2 * mid - start
		stats datafile index b using 2 nooutput
		last_start = STATS_max
		stats datafile index b using 3 nooutput
		xhi = 2 * STATS_max - last_start
		stats datafile index b using 6 nooutput
		total = STATS_sum
		# seconds, or milliseconds for a short run
		xs = xhi < 2 ? 1e3 : 1
		set xlabel (xs > 1 ? 'time since the timed phase began (ms)' : 'time since the timed phase began (s)')
		set xrange [0:xhi * xs]
		set yrange [ylo:yhi]
		step = (yhi - ylo) > 12 ? 2 : 1
		set ytics ()
		do for [y = int(ylo):int(yhi)] {
			if ((y - int(ylo)) % step == 0) { set ytics add (fmt_ns(2**y) y) }
		}
		set cbrange [1:cbmax]
		if (total == 0 || note ne '') { set label 1 empty at graph 0.5, 0.5 center }
		plot datafile index b using ($3 * xs):($4 + 0.5):(($3 - $2) * xs):(0.5):($6 > 0 ? $6 : NaN) \
			with boxxyerror lc palette notitle
		unset label 1
	}
}
unset multiplot
