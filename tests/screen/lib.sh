# Screen test helpers: drive the real mctop binary in a private tmux server
# and read the screen back with capture-pane (after tmux's own regress/).
set -u

MCTOP=${MCTOP:-$(pwd)/mctop}
SOCK="mctop-test-$$-${TEST_NAME:-t}"
OUT=${OUT:-tests/screen/out}
mkdir -p "$OUT"

tm() { tmux -L "$SOCK" -f /dev/null "$@"; }

cleanup() { tm kill-server 2>/dev/null || true; }
trap cleanup EXIT INT TERM

fail() {
    echo "FAIL: ${TEST_NAME:-?}: $*" >&2
    echo "---- screen ----" >&2
    tm capture-pane -p -t t >&2 2>/dev/null || true
    echo "----------------" >&2
    exit 1
}

# Start a shell in a W x H pane with a clean, UTF-8 environment.
start_shell() {
    tm new-session -d -s t -x "$1" -y "$2" \
        "env -i PATH=/usr/bin:/bin HOME=${HOME:-/tmp} TERM=screen-256color LANG=C.UTF-8 XDG_CONFIG_HOME=/nonexistent PS1='$ ' sh"
    tm set-option -g status off >/dev/null
    wait_prompt
}

# Wait for an idle shell prompt: a line that is only "$ ", with the cursor on it.
wait_prompt() {
    tries=100
    while [ "$tries" -gt 0 ]; do
        y=$(tm display -p -t t '#{cursor_y}')
        screen | sed -n "$((y + 1))p" | grep -Eq '^\$ *$' && return 0
        sleep 0.05
        tries=$((tries - 1))
    done
    fail "timed out waiting for the shell prompt"
}

# Run mctop in the shell; wait until its first data frame is drawn.
start_mctop() {
    send "${MCTOP_ENV:-} $MCTOP --demo --seed ${SEED:-7} $*"
    tm send-keys -t t Enter
    wait_for 'mctop.*demo' 10
    wait_for '1 Hosts [1-9]' 10
}

send() { tm send-keys -t t -l "$1"; }
key() { tm send-keys -t t "$@"; }
screen() { tm capture-pane -p -t t; }

# Wait until the screen matches an extended regex (default 5 s).
wait_for() {
    pat=$1
    tries=$(( ${2:-5} * 20 ))
    while [ "$tries" -gt 0 ]; do
        screen | grep -Eq -- "$pat" && return 0
        sleep 0.05
        tries=$((tries - 1))
    done
    fail "timed out waiting for /$pat/"
}

# Wait until the screen no longer matches.
wait_gone() {
    pat=$1
    tries=$(( ${2:-5} * 20 ))
    while [ "$tries" -gt 0 ]; do
        screen | grep -Eq -- "$pat" || return 0
        sleep 0.05
        tries=$((tries - 1))
    done
    fail "still showing /$pat/"
}

expect() { screen | grep -Eq -- "$1" || fail "expected /$1/"; }
expect_not() { ! screen | grep -Eq -- "$1" || fail "unexpected /$1/"; }

# The table rows: lines between the column header and the status line.
rows() { screen | sed -n '4,$p' | head -n "$(( $(tm display -p -t t '#{pane_height}') - 5 ))"; }

save() { screen > "$OUT/$TEST_NAME.$1.txt"; }
