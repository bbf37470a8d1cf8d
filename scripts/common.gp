# Shared by the mapbench-plot scripts (loaded first, not run on its own).
# In: fmt ('png' or 'svg') and out (the file).  A script sets w and h
# (pixels), then `eval set_terminal`.  Titles are plain text (run labels
# hold '_' and '/'), never enhanced.
set_terminal = "if (fmt eq 'svg') { \
	set terminal svg size w,h dynamic noenhanced font 'Sans,11' background rgb 'white' \
} else { \
	set terminal pngcairo size w,h noenhanced font 'Sans,10' background rgb 'white' \
}; \
set output out"
set grid lc rgb '#d8d8d8'
set border lc rgb '#404040'
set key noenhanced
# A duration in ns as text, three digits: 16 ns, 524 us, 4.19 ms.
fmt_ns(x) = x < 1e3 ? sprintf('%.3g ns', x) : x < 1e6 ? sprintf('%.3g us', x / 1e3) : \
	x < 1e9 ? sprintf('%.3g ms', x / 1e6) : sprintf('%.3g s', x / 1e9)
# A panel layout for n panels: one column up to three, then two.
layout_cols(n) = n <= 3 ? 1 : 2
layout_rows(n) = n <= 3 ? n : int((n + 1) / 2)
