# Helpers for the lab tests t_*.sh (sourced). POSIX sh, run as root
# against a running lab. A test prints "FAIL: reason" and exits 1 on the
# first failed check; anything it cannot do is a failure too, never a skip.

. "$(dirname "$0")/lib.sh"
. "$LAB_DIR/ssh.sh"
. "$LAB_DIR/icinga.sh"

T_NAME=$(basename "$0" .sh)
if [ ! -f "$LAB_RUN/lab.state" ]; then
    echo "FAIL: the lab is not up (make lab / tests/lab/lab.sh up)"
    exit 1
fi
LAB_SCALE=$(sed -n 's/^LAB_SCALE=//p' "$LAB_RUN/lab.state")
LAB_UP_MODULES=$(sed -n 's/^LAB_MODULES=//p' "$LAB_RUN/lab.state")
# Sockets live under /tmp: a unix socket path must stay short.
T_TMP=$(mktemp -d "/tmp/mctop-lab-$T_NAME.XXXXXX") || { echo "FAIL: mktemp"; exit 1; }
T_CTLS=

t_cleanup() {
    for t_c in $T_CTLS; do
        ssh -F "$LAB_SSH_CONFIG" -S "$t_c" -O exit lab-bastion >/dev/null 2>&1
    done
    rm -rf "$T_TMP"
}
trap t_cleanup EXIT
trap 'exit 1' INT TERM

fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok - $*"; }

# Was module M started with the lab?
lab_has() { case " $LAB_UP_MODULES " in *" $1 "*) return 0 ;; esac; return 1; }

# ssh with the lab's client config (known_hosts, key, ProxyJump).
lab_ssh() { ssh -F "$LAB_SSH_CONFIG" "$@"; }

# tunnel NAME HOST PORT: forward the unix socket $T_TMP/NAME.sock through
# the bastion to HOST:PORT in the vpc and set T_SOCK to its path. The
# master connection is closed on exit.
tunnel() {
    T_SOCK=$T_TMP/$1.sock
    ssh -F "$LAB_SSH_CONFIG" -M -S "$T_TMP/$1.ctl" -f -N -o ExitOnForwardFailure=yes \
        -o StreamLocalBindUnlink=yes -L "$T_SOCK:$2:$3" lab-bastion ||
        fail "cannot open a tunnel through the bastion to $2:$3"
    T_CTLS="$T_CTLS $T_TMP/$1.ctl"
}

# The Icinga API through the bastion (api_tunnel first): api PATH [curl
# args] leaves the body in $B and the HTTP status in $CODE.
api_tunnel() { tunnel icinga "$LAB_ICINGA_IP" "$LAB_ICINGA_PORT"; API_SOCK=$T_SOCK; }
api_as() {
    t_user=$1; shift
    t_path=$1; shift
    curl -sS --max-time 60 --unix-socket "$API_SOCK" --cacert "$LAB_ICINGA_CA" \
        -K "$LAB_ICINGA_DIR/curl-$t_user.cfg" -H 'Accept: application/json' \
        -o "$B" -w '%{http_code}' "$@" "$LAB_ICINGA_URL$t_path" > "$T_TMP/code" ||
        fail "curl to the Icinga API through the bastion failed ($t_path)"
    CODE=$(cat "$T_TMP/code")
}
api() { api_as mctop "$@"; }
B=$T_TMP/body
# POST a query with a JSON body (X-HTTP-Method-Override: GET).
api_query() {
    api "/v1/objects/$1" -X POST -H 'X-HTTP-Method-Override: GET' -d "$2"
}

# Milliseconds since the epoch.
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# connect_fails ADDR PORT WHAT ERROR: a direct TCP connect fails at once
# (well before the 10 s timeout a connect would run into if packets left
# the machine) with ERROR. ssh is the probe because it reports connect()'s
# errno ("connect to host A port P: No route to host"); it stops there.
connect_fails() {
    t0=$(now_ms)
    out=$(ssh -F /dev/null -o BatchMode=yes -o ConnectTimeout=10 -o ConnectionAttempts=1 \
        -o StrictHostKeyChecking=yes -o UserKnownHostsFile=/dev/null \
        -o GlobalKnownHostsFile=/dev/null -p "$2" "probe@$1" true 2>&1 </dev/null)
    ms=$(( $(now_ms) - t0 ))
    case $out in
    *"connect to host $1 port $2: $4"*) ;;
    *) fail "direct connection to $3 ($1:$2): '$out', expected '$4'" ;;
    esac
    [ $ms -lt 3000 ] || fail "direct connection to $3 ($1:$2) took $ms ms to fail"
}

command -v jq >/dev/null 2>&1 || fail "jq is not installed (apt-get install jq)"
