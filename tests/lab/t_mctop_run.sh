#!/bin/sh
# :run through the lab's bastion: three marked vpc hosts run one command
# over the console's bastion connection; the run view shows each host's
# own output (its address as sshd saw it, stderr too) and exit status.
# Three hosts printing 100,000 lines each at once all arrive whole. Then
# a host that cannot be reached fails alone, with the reason.
. "$(dirname "$0")/testlib.sh"
. "$LAB_DIR/mctoplib.sh"

hosts=
for n in 1 2 3; do
    set -- $(lab_host $n)
    hosts="$hosts $1"
    eval "ADDR_$n=\$2 PORT_$n=\$3"
done

# m_mark_all HOST...: mark each host (marks stay when the filter changes).
m_mark_all() {
    for h in "$@"; do
        m_filter "$h"
        m_wait "^ +UP .* $h " 10
        m_key Space
        sleep 0.2
    done
    m_key Escape # clears the filter
}

m_ready() {
    m_wait ' lab ● live' 30
    m_wait '1 Hosts 2[0-9] ' 30
}

# The command prints where sshd says it runs, a line on stderr, and exits 7.
cmd='echo "at $(echo $SSH_CONNECTION | cut -d" " -f3-4)"; echo oops >&2; exit 7'

m_start "$(m_conf 'mctop:run_parallel = 2')"
m_ready
# shellcheck disable=SC2086
m_mark_all $hosts
m_wait '3 marked' 5
m_key :
m_send ":run $cmd"
m_key Enter
m_wait 'on 3 hosts \(2 at a time\)' 10
m_key y
m_wait ' 3 non-zero ' 30
[ "$(m_rows | grep -Ec '^ *EXIT 7 +[a-z]')" -eq 3 ] || fail "not 3 hosts with EXIT 7: $(m_rows | head -n 6)"
n=0
for h in $hosts; do
    n=$((n + 1))
    eval "addr=\$ADDR_$n port=\$PORT_$n"
    m_rows | grep -Eq "^ *EXIT 7 +$h " || fail "no EXIT 7 row for $h"
    # select it, then read its output pane
    m_key g
    i=0
    until m_screen | grep -q "Output of $h · EXIT 7"; do
        m_key j
        sleep 0.2
        i=$((i + 1))
        [ $i -le 5 ] || fail "cannot select $h in the run view"
    done
    m_screen | grep -Eq "^ at $addr $port *\$" || fail "$h's output lacks 'at $addr $port': $(m_screen | tail -n 12)"
    m_screen | grep -Eq '^ oops *$' || fail "$h's stderr line is missing"
done
ok ":run on 3 hosts (2 at a time): each shows its own output (at ADDR PORT, as its sshd saw it), stderr, and EXIT 7"
m_key q
m_wait 'mctop-exited=0'

# Three sessions over the one bastion connection, each with more output
# than fits in a channel window: every line arrives, each run ends
m_start "$(m_conf 'mctop:run_parallel = 3')"
m_ready
# shellcheck disable=SC2086
m_mark_all $hosts
m_key :
m_send ':run seq 1 100000; echo last-line'
m_key Enter
m_wait 'on 3 hosts' 10
m_key y
m_wait ' 3 ok ' 60
[ "$(m_rows | grep -Ec '^ *OK +[a-z0-9-]+ +0 +[0-9.]+s +100001 ')" -eq 3 ] ||
    fail "not 3 hosts with 100001 lines: $(m_rows | head -n 6)"
ok ":run with 100,000 lines on 3 hosts at once: all 100001 lines of each, exit 0"
m_key q
m_wait 'mctop-exited=0'

# One of three cannot be reached: it fails alone, with the reason
set -- $(lab_host 2)
conf=$(m_conf)
{ printf '[ssh lab %s]\nport = 9\n\n' "$1"; cat "$conf"; } > "$conf.new" && mv "$conf.new" "$conf"
m_start "$conf"
m_ready
# shellcheck disable=SC2086
m_mark_all $hosts
m_key :
m_send ':run uptime >/dev/null && echo fine'
m_key Enter
m_wait 'on 3 hosts' 10
m_key y
m_wait ' 2 ok ' 30
m_wait ' 1 failed ' 10
m_rows | grep -Eq "^ *FAIL +$1 .*could not forward to $2:9: connect failed" ||
    fail "no FAIL row with the reason for $1: $(m_rows | head -n 6)"
[ "$(m_rows | grep -Ec '^ *OK +[a-z]')" -eq 2 ] || fail "not 2 OK rows"
ok "an unreachable host fails alone: $(m_rows | grep -o 'could not forward[^(]*' | head -n 1)"
m_key q
m_wait 'mctop-exited=0'
