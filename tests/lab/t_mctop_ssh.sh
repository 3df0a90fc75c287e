#!/bin/sh
# Shells from mctop's hosts list, through the lab's bastion: Enter opens a
# shell on a vpc host (built-in client over the live bastion connection),
# a command runs, the PTY follows a resize, the exit status comes back and
# the console is as it was (view, filter, sort, selection, detail pane);
# the session is logged when asked; OpenSSH mode opens the same session.
. "$(dirname "$0")/testlib.sh"
. "$LAB_DIR/mctoplib.sh"

set -- $(lab_host 1)
H1=$1 H1_ADDR=$2 H1_PORT=$3
set -- $(lab_host 3)
H3=$1

mkdir -p "$T_TMP/logs" || fail "mkdir"

# The console's state worth keeping: the tab line (view, count, filter),
# the table's header (sort column), its host names in order, and the
# detail pane's host (the selected row).
m_state() {
    m_screen | sed -n '2,3p'
    m_rows | awk 'NF && $0 !~ /^ Detail/ { print $2 " " $3 }' | grep -E -- '-[0-9]+ ' | head -n 10
    m_screen | grep -E '^ Host  +[a-z]'
}

# m_select HOST: move the cursor until the detail pane shows HOST.
m_select() {
    i=0
    while ! m_screen | grep -Eq "^ Host  +$1 "; do
        m_key j
        sleep 0.2
        i=$((i + 1))
        [ $i -le 25 ] || fail "cannot select $1"
    done
}

conf=$(m_conf "mctop:ssh_log_dir = $T_TMP/logs")
m_start "$conf"
m_wait ' lab ● live' 30
m_wait '1 Hosts 2[0-9] ' 30
m_filter 'web-0'
m_key : ; m_send 'sort host'; m_key Enter
m_key d
m_wait '^ Host  +[a-z]' 10
m_key g
m_select "$H1"
before=$(m_state)

t0=$(now_ms)
m_key Enter
m_wait "^mctop: $H1: root@$H1_ADDR.*built-in" 20
m_wait "root@$H1:.*# *\$" 20
ms=$(( $(now_ms) - t0 ))
m_send 'stty size; echo "TERM=$TERM"; hostname; tty'
m_key Enter
m_wait '^TERM=screen-256color' 10
m_screen | grep -q '^40 140$' || fail "the PTY is not 140x40: $(m_screen | head -n 5)"
[ "$LAB_MODE" = netns ] && { m_screen | grep -q "^$H1\$" || fail "hostname is not $H1"; }
m_screen | grep -q '^/dev/pts/' || fail "no PTY on the remote side"
ok "Enter in the hosts view opens a shell on $H1 (prompt in $ms ms): PTY 140x40, TERM passed"

tm resize-window -t t -x 120 -y 30
sleep 0.5
m_send 'clear; stty size; printf "marker-%s\n" hi'
m_key Enter
m_wait '^marker-hi' 10
m_screen | grep -q '^30 120$' || fail "after the resize the PTY is not 120x30: $(m_screen | head -n 3)"
ok "a window resize reaches the remote PTY (30 120)"
tm resize-window -t t -x 140 -y 40
sleep 0.3

# Ctrl-C reaches the remote side (raw mode), not mctop
m_send 'sleep 30'; m_key Enter
sleep 0.5
m_key C-c
m_send 'echo after-$?'; m_key Enter
m_wait '^after-130' 10
ok "C-c interrupts a remote command; mctop keeps running"

m_send 'exit 3'; m_key Enter
m_wait "ssh $H1: session ended, exit status 3" 10
m_wait ' lab ● live' 10
after=$(m_state)
[ "$before" = "$after" ] || fail "the console changed:
---- before ----
$before
---- after ----
$after"
ok "exit 3: the status is shown and the console is as it was ($(echo "$after" | tail -n 1 | tr -s ' '))"

log=$(ls "$T_TMP"/logs/lab-"$H1"-*.log 2>/dev/null | head -n 1)
[ -n "$log" ] || fail "no session log in $T_TMP/logs: $(ls "$T_TMP/logs")"
[ "$(stat -c %a "$log")" = 600 ] || fail "the log is mode $(stat -c %a "$log")"
head -n 1 "$log" | grep -q "^# mctop session: site lab, host $H1, root@$H1_ADDR" ||
    fail "log header: $(head -n 1 "$log")"
grep -q 'marker-hi' "$log" || fail "the log lacks the session's output"
tail -n 1 "$log" | grep -q '^# mctop: ended, exit status 3' || fail "log end: $(tail -n 1 "$log")"
ok "the session is logged to $(basename "$log") (0600, output and exit status)"

# ~. closes a session from the local side
m_key Enter
m_wait "root@$H1:.*# *\$" 20
m_key Enter
m_send '~.'
m_wait "ssh $H1: closed with ~\\." 10
ok "~. closes the session"

# A bastion that dies under a session: the console comes back, with why
m_key Enter
m_wait "root@$H1:.*# *\$" 20
child=$(m_bastion_child) || fail "no bastion session for mctop"
kill -KILL "$child"
m_wait "ssh $H1: .*(bastion|connection)" 15
m_wait 'lab ○ reconnecting' 10
m_expect '1 Hosts 5 '
ok "the bastion killed mid-session: the console is back: $(m_screen | grep -o "ssh $H1: .*" | head -n 1)"
m_wait ' lab ● live' 60
m_key q
m_wait 'mctop-exited=0'

# OpenSSH mode: the same session through ssh with a ProxyJump
m_start "$(m_conf 'mctop:ssh_mode = openssh')"
m_wait ' lab ● live' 30
m_wait '1 Hosts 2[0-9] ' 30
m_filter "$H3"
m_key Enter
m_wait "^mctop: $H3: .*OpenSSH" 20
m_wait "root@$H3:.*# *\$" 20
m_send 'echo "via-$SSH_CONNECTION"; exit 4'
m_key Enter
m_wait "ssh $H3: session ended, exit status 4" 15
pgrep -f "ssh -F .*mctop-jump-lab" >/dev/null && fail "the ssh process is still running"
ok "OpenSSH mode: ssh -J through the site's bastion opens $H3, exit 4 comes back"
m_key q
m_wait 'mctop-exited=0'
