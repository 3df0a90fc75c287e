# Cacti graphs: parse time of a one-week graph_xport.php export, and the
# render time of 100 sparkline panels.
OUT=$1
echo "== graphs"
"$CACTI_BENCH_BIN" | tee "$OUT/cacti-parse.txt"
"$GRAPH_BENCH_BIN" | tee "$OUT/graph-render.txt"
