# Helpers for the lab tests that drive the real mctop binary in tmux
# (sourced after testlib.sh): start it on a config, read its screen.

MCTOP_TOP=$(cd "$LAB_DIR/../.." && pwd)
MCTOP_BIN=${MCTOP:-$MCTOP_TOP/mctop}
[ -x "$MCTOP_BIN" ] || fail "$MCTOP_BIN is not built (make mctop)"
command -v tmux >/dev/null 2>&1 || fail "tmux is not installed"
M_SOCK="mctop-lab-$$"

tm() { tmux -L "$M_SOCK" -f /dev/null "$@"; }

m_cleanup() {
    tm kill-server 2>/dev/null
    m_bastion_restart >/dev/null 2>&1
    t_cleanup
}
trap m_cleanup EXIT

# m_conf [key = value...]: a copy of the lab's mctop.conf with these keys
# set (replaced, or added to the [site lab] section; "mctop:key = value"
# goes to the [mctop] section; "key =" removes it); prints its path.
m_conf() {
    m_c=$T_TMP/mctop-$(date +%s%N).conf
    { echo "[mctop]"; cat "$LAB_RUN/mctop.conf"; } > "$m_c"
    for m_kv in "$@"; do
        m_sec="site lab"
        case $m_kv in mctop:*) m_sec=mctop; m_kv=${m_kv#mctop:} ;; esac
        m_k=${m_kv%% =*}
        awk -v k="$m_k" -v kv="$m_kv" -v sec="[$m_sec]" '
            $1 == k && $2 == "=" { next }
            { print }
            $0 == sec && kv !~ /= *$/ { print kv }' "$m_c" > "$m_c.new"
        mv "$m_c.new" "$m_c"
    done
    chmod 600 "$m_c"
    echo "$m_c"
}

# m_start CONF [ENV...]: run mctop on CONF in a 140x40 tmux pane.
m_start() {
    m_cf=$1; shift
    tm kill-server 2>/dev/null
    sleep 0.2
    tm new-session -d -s t -x 140 -y 40 \
        "env -i PATH=/usr/bin:/bin HOME=$T_TMP TERM=screen-256color LANG=C.UTF-8 USER=labtester $* $MCTOP_BIN -c $m_cf 2>$T_TMP/mctop.err; echo mctop-exited=\$?; sleep 600" ||
        fail "cannot start tmux"
}

m_screen() { tm capture-pane -p -t t; }
m_send() { tm send-keys -t t -l "$1"; }
m_key() { tm send-keys -t t "$@"; }

# m_wait REGEX [SECONDS]: until the screen matches.
m_wait() {
    m_tries=$(( ${2:-15} * 10 ))
    while [ "$m_tries" -gt 0 ]; do
        m_screen | grep -Eq -- "$1" && return 0
        sleep 0.1
        m_tries=$((m_tries - 1))
    done
    echo "---- mctop screen ----"; m_screen; echo "----"
    [ -s "$T_TMP/mctop.err" ] && { echo "---- mctop stderr ----"; cat "$T_TMP/mctop.err"; }
    fail "timed out waiting for /$1/ on mctop's screen"
}

m_expect() {
    m_screen | grep -Eq -- "$1" || { m_screen; fail "expected /$1/ on mctop's screen"; }
}
# m_expect_text TEXT: the screen shows TEXT as it is (a fingerprint has '+').
m_expect_text() {
    m_screen | grep -Fq -- "$1" || { m_screen; fail "expected '$1' on mctop's screen"; }
}

# The rows of the table (lines 4 .. height-3).
m_rows() { m_screen | sed -n '4,37p'; }

# m_filter TEXT: set the view's filter (Enter keeps it).
m_filter() {
    m_key /
    m_key C-u
    m_send "$1"
    m_key Enter
    sleep 0.3
}

# The pid of the bastion's sshd process serving mctop's connection: the
# one whose client port is the port mctop connected from.
m_bastion_child() {
    m_mpid=$(pgrep -f "^$MCTOP_BIN -c" | head -n 1) || return 1
    m_port=$(ss -Htnp state established "dst $LAB_BASTION_IP:$LAB_BASTION_PORT" |
        awk -v p="pid=$m_mpid," 'index($0, p) { split($3, a, ":"); print a[2]; exit }')
    [ -n "$m_port" ] || return 1
    lab_ns "$LAB_NS_BASTION" ss -Htnp state established "sport = :$LAB_BASTION_PORT" \
        "dport = :$m_port" | sed -n 's/.*pid=\([0-9]*\),.*/\1/p' | head -n 1
}

# Put the bastion back if a test took it down.
m_bastion_restart() {
    lab_running ssh-bastion && return 0
    lab_start ssh-bastion "$LAB_NS_BASTION" \
        /usr/sbin/sshd -D -e -f "$LAB_SSH_DIR/bastion.sshd_config" || return 1
    lab_wait ssh-bastion 20 lab_ssh lab-bastion true
}
