# mapbench-plot scaling: throughput over threads, one line per block of
# `mapbench export --what scaling` (a map and its worker count): the mean
# over the repetitions, bars from the smallest to the largest.
# In: dir, out, fmt, datafile, idx, titles (word lists, one per block).
load dir.'/common.gp'
n = words(idx)
w = 900
h = 600
eval set_terminal

stats datafile using 1 nooutput
tmin = STATS_min
tmax = STATS_max
stats datafile using 5:6 nooutput
ymin = STATS_min_x
ymax = STATS_max_y

set title 'Throughput over threads (mean of the repetitions; bars: min to max)'
set xlabel 'threads (logical tasks, log scale)'
set ylabel 'throughput (ops/s)'
if (tmax / tmin > 64) { set logscale x 10 } else { set logscale x 2 }
set xrange [tmin / 1.5:tmax * 1.5]
set format x '%.0s%c'
# a log y axis when the maps differ by more than a decade
if (ymin > 0 && ymax / ymin > 10) {
	set logscale y
	set yrange [ymin / 1.5:ymax * 1.5]
} else {
	set yrange [0:ymax * 1.1]
}
set format y '%.1s%c'
set key top left box opaque
plot for [i = 1:n] datafile index (word(idx, i) + 0) using 1:3:5:6 \
	with yerrorlines lw 2 pt 7 ps 1 title word(titles, i)
