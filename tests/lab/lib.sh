# Lab helpers (sourced by tests/lab/*.sh): run directory, daemons by pid,
# namespaces, waiting with a clear failure. POSIX sh; run as root.

LAB_DIR=$(cd "$(dirname "$0")" && pwd)
while [ ! -f "$LAB_DIR/lab.env" ] && [ "$LAB_DIR" != / ]; do
    LAB_DIR=$(dirname "$LAB_DIR")
done
LAB_RUN=${LAB_RUN:-$LAB_DIR/run}     # all state, keys, configs and logs
# A running lab keeps the mode it was started in (lab.sh up records it).
if [ -f "$LAB_RUN/lab.state" ]; then
    LAB_MODE=$(sed -n 's/^LAB_MODE=//p' "$LAB_RUN/lab.state")
fi
. "$LAB_DIR/lab.env"
mkdir -p "$LAB_RUN/pids" "$LAB_RUN/logs"

lab_log() { printf 'lab: %s\n' "$*" >&2; }

# Print why NAME failed with the end of its log, and fail.
lab_fail() {
    name=$1; shift
    printf 'lab: %s failed: %s\n' "$name" "$*" >&2
    if [ -s "$LAB_RUN/logs/$name.log" ]; then
        printf -- '---- last lines of %s ----\n' "$LAB_RUN/logs/$name.log" >&2
        tail -n 20 "$LAB_RUN/logs/$name.log" >&2
        printf -- '----\n' >&2
    fi
    return 1
}

# Run a command inside a lab namespace (or directly in loopback mode).
lab_ns() {
    ns=$1; shift
    if [ "$LAB_MODE" = netns ] && [ "$ns" != root ]; then
        ip netns exec "$ns" "$@"
    else
        "$@"
    fi
}

# Start a foreground daemon NAME in namespace NS, in its own session, with
# its output in logs/NAME.log and its pid in pids/NAME.
# The command must not fork away: its pid is the daemon's.
lab_start() {
    name=$1 ns=$2; shift 2
    if lab_running "$name"; then
        lab_fail "$name" "already running (pid $(cat "$LAB_RUN/pids/$name"))"
        return 1
    fi
    if [ "$LAB_MODE" = netns ] && [ "$ns" != root ]; then
        setsid ip netns exec "$ns" "$@" </dev/null >>"$LAB_RUN/logs/$name.log" 2>&1 &
    else
        setsid "$@" </dev/null >>"$LAB_RUN/logs/$name.log" 2>&1 &
    fi
    echo $! > "$LAB_RUN/pids/$name"
}

lab_running() {
    [ -f "$LAB_RUN/pids/$1" ] && lab_alive "$(cat "$LAB_RUN/pids/$1")"
}

# Is PID a live process? A zombie is not: the daemons' parent is init
# once their starter has exited, and init may take seconds to reap them.
lab_alive() {
    kill -0 "$1" 2>/dev/null || return 1
    [ "$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)" != Z ]
}

# Stop NAME by its pid and process group: TERM; once NAME has exited (or
# after 10 s) KILL whatever is left of the group.
lab_stop() {
    f=$LAB_RUN/pids/$1
    [ -f "$f" ] || return 0
    pid=$(cat "$f")
    if lab_alive "$pid"; then
        # the group first (dash's kill takes no "--" before a negative pid)
        kill -TERM "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
        i=0
        while lab_alive "$pid" && [ $i -lt 100 ]; do
            sleep 0.1; i=$((i + 1))
        done
        kill -KILL "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || :
    fi
    rm -f "$f"
}

# Wait up to SECONDS for a command to succeed; NAME's log explains a failure.
lab_wait() {
    name=$1 secs=$2; shift 2
    end=$(( $(date +%s) + secs ))
    until "$@" >/dev/null 2>&1; do
        if ! lab_running "$name" && [ -f "$LAB_RUN/pids/$name" ]; then
            lab_fail "$name" "exited while starting"
            return 1
        fi
        if [ "$(date +%s)" -ge "$end" ]; then
            lab_fail "$name" "not ready after ${secs}s"
            return 1
        fi
        sleep 0.1
    done
}

# Seconds since the epoch with fractions, for the timing printout.
lab_now() { date +%s.%N; }

# ---- added for lab.sh and its modules ----

# The plain SSH hosts in the vpc, in the order of LAB_HOST_IPS; they are
# also Icinga hosts with these names. `lab_host N` prints "NAME ADDR PORT".
LAB_HOST_NAMES="prd-web-01 tst-app-01 dev-db-01"
lab_host() {
    set -- "$1" $LAB_HOST_NAMES
    lab_host_n=$1; shift
    eval "lab_host_name=\${$lab_host_n}"
    if [ "$LAB_MODE" = netns ]; then
        lab_host_addr=$(echo "$LAB_HOST_IPS" | cut -d' ' -f"$lab_host_n")
        lab_host_port=$LAB_HOST_PORT
    else
        lab_host_addr=127.0.0.1
        lab_host_port=$((LAB_HOST_PORT + lab_host_n - 1))
    fi
    echo "$lab_host_name $lab_host_addr $lab_host_port"
}

# Copy template SRC to DST replacing @NAME@ by the value of $NAME, for
# each NAME given after DST and every address variable of lab.env.
lab_subst() {
    lab_subst_src=$1 lab_subst_dst=$2; shift 2
    lab_subst_sed=
    for lab_subst_v in "$@" LAB_MODE LAB_RUN LAB_DIR LAB_WS_IP LAB_BASTION_IP \
        LAB_BASTION_PORT LAB_VPC_GW LAB_ICINGA_IP LAB_ICINGA_PORT LAB_NRPE_IP \
        LAB_NRPE_PORT LAB_CACTI_IP LAB_CACTI_PORT LAB_SNMP_IP LAB_SNMP_PORT \
        LAB_SEARCH_IP LAB_SEARCH_PORT LAB_KIBANA_PORT LAB_USER; do
        eval "lab_subst_val=\${$lab_subst_v-}"
        # escape what sed's replacement treats specially (rarely needed:
        # spare the fork otherwise)
        case $lab_subst_val in
        *[\\\|\&]*) lab_subst_val=$(printf '%s' "$lab_subst_val" | sed 's/[\\|&]/\\&/g') ;;
        esac
        lab_subst_sed="$lab_subst_sed s|@$lab_subst_v@|$lab_subst_val|g;"
    done
    sed "$lab_subst_sed" "$lab_subst_src" > "$lab_subst_dst.tmp" &&
        mv "$lab_subst_dst.tmp" "$lab_subst_dst"
}

# A random secret (hex).
lab_rand() { od -An -tx1 -N"${1:-16}" /dev/urandom | tr -d ' \n'; }

# Seconds from START (a lab_now value) to now, one decimal.
lab_since() { awk -v a="$1" -v b="$(lab_now)" 'BEGIN { printf "%.1f", b - a }'; }

# lab_progress NAME START MESSAGE: "lab: NAME:  1.2s MESSAGE" on stderr,
# START being a lab_now value (the modules' progress lines).
lab_progress() {
    printf 'lab: %s: %5.1fs %s\n' "$1" "$(lab_since "$2")" "$3" >&2
}
