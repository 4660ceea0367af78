# SPDX-License-Identifier: MIT
# The chart of bench/results/ratios.dat (scripts/bench.sh): each client's
# rate as a ratio to the raw loop in the same run, the bar its median, the
# error bar the spread over the rounds; the line at 1 is the raw loop.
# usage: gnuplot -e "datafile='ratios.dat'; outfile='ratios.png'" ratios.gp
set terminal pngcairo size 1200,650 font ",10" noenhanced
set output outfile
set title "xsock and peers: rate as a ratio to a raw C loop doing the same work (median, min-max over rounds)"
set style data histogram
set style fill solid 0.6 border -1
set boxwidth 0.7
set ylabel "ratio to raw (higher is faster)"
set yrange [0:*]
set xtics rotate by -45 scale 0 font ",9"
set bmargin 9
set grid ytics
set arrow from graph 0, first 1 to graph 1, first 1 nohead lc rgb "red" dt 2
unset key
plot datafile using 0:2:xtic(1) with boxes lc rgb "#4477aa", \
     '' using 0:2:3:4 with yerrorbars lc rgb "black" pt -1
