# Through the bastion, side by side in one run (root; uses the lab, and
# starts a LAB_SCALE=2000 lab when none is up):
#  - per-request overhead of mctop's tunnel against a direct request;
#  - start to the first full alerts frame against the floor: an OpenSSH
#    handshake plus curl of the same queries through an OpenSSH tunnel;
#  - fetch+parse time and peak memory against Python's json on the bytes.
OUT=$1
LAB=tests/lab
started=
if ! sh $LAB/lab.sh status >/dev/null 2>&1; then
    [ "$(id -u)" -eq 0 ] || { echo "bench: the lab benchmarks need root (or a running lab)" >&2; exit 1; }
    LAB_SCALE=2000 sh $LAB/lab.sh up > "$OUT/lab-up.log" 2>&1 ||
        { tail -5 "$OUT/lab-up.log" >&2; exit 1; }
    started=1
fi
trap '[ -n "$started" ] && sh $LAB/lab.sh down >/dev/null 2>&1; tmux -L mctop-bench-lab kill-server 2>/dev/null' EXIT
. $LAB/lab.env
RUN=$LAB/run
CONF=$RUN/mctop.conf
scale=$(sed -n 's/^LAB_SCALE=//p' "$RUN/lab.state")
echo "lab (LAB_SCALE=${scale:-standard}), through the bastion:"

printf '  request via mctop tunnel:   '; "$BENCH_BIN" req "$CONF" 300
printf '  request direct (in the vpc): '
ip netns exec "$LAB_NS_VPC" "$BENCH_BIN" direct "https://$LAB_ICINGA_IP:$LAB_ICINGA_PORT" \
    "$RUN/icinga/ca.crt" mctop "$RUN/icinga/api.pass" 300

# start to the first frame with all the data, in the alerts view
first_frame() {
    rm -f "$OUT/lab.trace"
    tmux -L mctop-bench-lab kill-server 2>/dev/null; sleep 0.2
    tmux -L mctop-bench-lab -f /dev/null new-session -d -s b -x 160 -y 50 \
        "env TERM=screen-256color LANG=C.UTF-8 ./mctop -c $CONF --view alerts --trace $OUT/lab.trace"
    i=0
    until grep -q '^data ' "$OUT/lab.trace" 2>/dev/null; do
        sleep 0.05; i=$((i + 1)); [ $i -lt 1200 ] || { echo "no data frame" >&2; return 1; }
    done
    awk '$1 == "start" { s = $2 } $1 == "data" { print $2 - s }' "$OUT/lab.trace"
    tmux -L mctop-bench-lab send-keys -t b q
}
floor() {
    sock=$OUT/floor.sock ctl=$OUT/floor.ctl
    rm -f "$sock" "$ctl"
    t0=$(date +%s%N)
    ssh -F "$RUN/ssh/ssh_config" -M -S "$ctl" -f -N -o ExitOnForwardFailure=yes \
        -L "$sock:$LAB_ICINGA_IP:$LAB_ICINGA_PORT" lab-bastion
    # the same queries as mctop's first fetch
    attrs='"name","display_name","state","state_type","last_state_change","last_check","last_check_result","acknowledgement","downtime_depth","flapping","last_reachable","check_attempt","max_check_attempts"'
    for q in "hosts:$attrs,\"address\",\"vars\"" "services:$attrs,\"host_name\""; do
        curl -s -o /dev/null --unix-socket "$sock" --cacert "$RUN/icinga/ca.crt" \
            -u "mctop:$(cat "$RUN/icinga/api.pass")" -H 'Accept: application/json' \
            -H 'X-HTTP-Method-Override: GET' -X POST -d "{\"attrs\":[${q#*:}]}" \
            "https://$LAB_ICINGA_IP:$LAB_ICINGA_PORT/v1/objects/${q%%:*}"
    done
    echo $(( ($(date +%s%N) - t0) / 1000000 ))
    ssh -F "$RUN/ssh/ssh_config" -S "$ctl" -O exit lab-bastion 2>/dev/null
}
a=$(for i in 1 2 3; do first_frame; sleep 0.5; done | sort -n | sed -n 2p)
f=$(for i in 1 2 3; do floor; done | sort -n | sed -n 2p)
echo "  start to the first full alerts frame: $a ms (median of 3)"
echo "  floor (ssh handshake + curl of hosts and services via ssh -L): $f ms"

mkdir -p "$OUT/fetch"
printf '  '; "$BENCH_BIN" fetch "$CONF" "$OUT/fetch"
printf '  '; "$BENCH_BIN" parse "$OUT/fetch"
printf '  Python json.load of the same bytes: '
/usr/bin/time -f '%e s, peak RSS %M KB' /usr/bin/python3 -c \
    "import json; [json.load(open('$OUT/fetch/' + f)) for f in ('hosts.json', 'services.json')]" 2>&1

# Time to a remote shell prompt on a vpc host, both ways in one run: mctop's
# built-in session (a channel of the bastion connection it already has)
# against ssh -J (a new bastion connection and a second process each time).
# The login shell's own start-up on the lab host is in both figures; the
# "sh -i" pair takes most of it out.
name=prd-web-01
if [ "$LAB_MODE" = netns ]; then
    addr=${LAB_HOST_IPS%% *} port=$LAB_HOST_PORT
else
    addr=127.0.0.1 port=$LAB_HOST_PORT
fi
echo "  time to a remote shell prompt on $name, 10 opens each:"
printf '    mctop built-in, login shell: '
"$HOP_BENCH_BIN" builtin "$CONF" "$name" "$addr" "$port" root 10
printf '    ssh -J, login shell:         '
"$HOP_BENCH_BIN" openssh 10 -- ssh -F "$RUN/ssh/ssh_config" -tt "$name"
printf '    mctop built-in, sh -i:       '
"$HOP_BENCH_BIN" builtin "$CONF" "$name" "$addr" "$port" root 10 'exec sh -i'
printf '    ssh -J, sh -i:               '
"$HOP_BENCH_BIN" openssh 10 -- ssh -F "$RUN/ssh/ssh_config" -tt "$name" 'exec sh -i'
