# Log search: parse time of 10,000 hits; the console's key-to-frame time
# with 10,000 hits loaded in the logs view (demo site); and, with the lab
# up, time to the first page through the bastion against curl of the same
# _search body through an OpenSSH tunnel to the same server.
OUT=$1
SOCK=mctop-bench-logs-$$
TRACE=$OUT/logs.trace
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
trap 'tm kill-server 2>/dev/null' EXIT
echo "== logs"
"$ES_BENCH_BIN" | tee "$OUT/es-parse.txt"

rm -f "$TRACE"
tm new-session -d -s b -x 160 -y 50 \
    "env TERM=screen-256color LANG=C.UTF-8 ./mctop --demo --seed 1 --trace $TRACE"
i=0
until grep -q '^data ' "$TRACE" 2>/dev/null; do
    sleep 0.1; i=$((i + 1)); [ $i -lt 600 ] || { echo "bench: no data frame" >&2; exit 1; }
done
tm send-keys -t b ':logs range 7d' Enter
# End at the bottom loads the next 200 hits, until 10,000 are loaded
i=0
until tm capture-pane -p -t b | grep -q '10,000 loaded'; do
    tm send-keys -t b End; sleep 0.1; i=$((i + 1))
    [ $i -lt 3000 ] || { echo "bench: 10,000 hits never loaded" >&2; exit 1; }
done
tm send-keys -t b Home; sleep 0.5
mark=$(wc -l < "$TRACE")
for i in $(seq 40); do tm send-keys -t b PageDown; sleep 0.03; done
for i in $(seq 60); do tm send-keys -t b Up; sleep 0.03; done
sleep 0.5
tm send-keys -t b q
sleep 0.3
awk -v a="$mark" 'NR > a && $1 == "frame" && $4 > 0 { print $3 - $4 }' "$TRACE" |
    awk -f tests/bench/stats.awk |
    awk '{ printf "logs view with 10,000 hits loaded (demo): key to frame, %d keys, median %s ms, p99 %s ms, max %s ms\n", $1, $2, $3, $4 }'

# the lab part
LAB=tests/lab
sh $LAB/lab.sh status >/dev/null 2>&1 || { echo "(lab not up: no first-page figures; make lab first)"; exit 0; }
. $LAB/lab.env
RUN=$LAB/run
[ -r "$RUN/search/pass" ] || { echo "(the lab has no search server)"; exit 0; }
if [ "${LAB_SEARCH_TLS:-1}" = 1 ]; then scheme=https; else scheme=http; fi
url=$scheme://$LAB_SEARCH_IP:$LAB_SEARCH_PORT
printf 'first page through the bastion (mctop, site connected): '
"$LOGS_BENCH_BIN" first "$RUN/mctop.conf" 9 "$OUT/logs-body.json" || exit 1
sock=$OUT/es.sock ctl=$OUT/es.ctl
rm -f "$sock" "$ctl"
ssh -F "$RUN/ssh/ssh_config" -M -S "$ctl" -f -N -o ExitOnForwardFailure=yes \
    -L "$sock:$LAB_SEARCH_IP:$LAB_SEARCH_PORT" lab-bastion || exit 1
for i in 0 1 2 3 4 5 6 7 8 9; do
    t0=$(date +%s%N)
    curl -s -o /dev/null --unix-socket "$sock" --cacert "$RUN/search/ca.crt" \
        -K "$RUN/search/curl-mctop.cfg" -H 'Content-Type: application/json' \
        --data-binary "@$OUT/logs-body.json" "$url/logstash-*/_search"
    [ "$i" -gt 0 ] && echo $(( ($(date +%s%N) - t0) / 1000 ))
done | sort -n | awk '{ v[NR] = $1 } END { printf "curl of the same _search via ssh -L (new TLS connection each): %.1f ms median of %d (min %.1f, max %.1f)\n", v[int((NR + 1) / 2)] / 1000, NR, v[1] / 1000, v[NR] / 1000 }'
ssh -F "$RUN/ssh/ssh_config" -S "$ctl" -O exit lab-bastion 2>/dev/null
