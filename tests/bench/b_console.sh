# Time and memory to the first frame on a big demo site, and key-press to
# frame latency for moving and for typing a filter over its rows.
OUT=$1
HOSTS=${BENCH_HOSTS:-10000}
SOCK=mctop-bench-$$
TRACE=$OUT/console.trace
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
trap 'tm kill-server 2>/dev/null' EXIT
rm -f "$TRACE"
tm new-session -d -s b -x 160 -y 50 \
    "env TERM=screen-256color LANG=C.UTF-8 ./mctop --demo --seed 1 --demo-scale $HOSTS --trace $TRACE"
# wait for the first frame with all the data (at most 120 s)
i=0
until grep -q '^data ' "$TRACE" 2>/dev/null; do
    sleep 0.1; i=$((i + 1))
    [ $i -lt 1200 ] || { echo "bench: no data frame" >&2; exit 1; }
done
sleep 1
pace() { for k in "$@"; do tm send-keys -t b "$k"; sleep 0.03; done; }
mark=$(wc -l < "$TRACE")
for i in $(seq 100); do pace Down; done
for i in $(seq 20); do pace PageDown; done
for i in $(seq 50); do pace Up; done
moves_end=$(wc -l < "$TRACE")
pace /
for r in 1 2 3 4 5 6; do
    for c in p r d - a p p; do pace "$c"; done
    for c in 1 2 3 4 5 6 7; do pace BSpace; done
done
pace Escape
sleep 0.5
tm send-keys -t b q
sleep 0.5
awk -v hosts="$HOSTS" '
    $1 == "start" { start = $2 }
    $1 == "frame" && !first { first = $3; firstrss = $5 }
    $1 == "data" { data = $2; datarss = $3 }
    $1 == "frame" { rss = $5 }
    END {
        printf "console, demo site of %d hosts:\n", hosts
        printf "  first frame          %6d ms after start, peak RSS %.1f MB\n", first - start, firstrss / 1024
        printf "  first full data frame%6d ms after start, peak RSS %.1f MB\n", data - start, datarss / 1024
        printf "  peak RSS at exit     %6.1f MB\n", rss / 1024
    }' "$TRACE"
lat() { awk -v a="$1" -v b="$2" 'NR > a && NR <= b && $1 == "frame" && $4 > 0 { print $3 - $4 }' "$TRACE"; }
lat "$mark" "$moves_end" | awk -f tests/bench/stats.awk |
    awk '{ printf "  key to frame, moving: %d keys, median %s ms, p99 %s ms, max %s ms\n", $1, $2, $3, $4 }'
lat "$moves_end" 999999999 | awk -f tests/bench/stats.awk |
    awk '{ printf "  key to frame, filter: %d keys, median %s ms, p99 %s ms, max %s ms\n", $1, $2, $3, $4 }'
