#!/bin/sh
# The plain SSH hosts, through the bastion: each runs a command and
# returns its exit status, is the host it claims to be (address, host
# key, hostname), and gives a PTY on request.
. "$(dirname "$0")/testlib.sh"

# The sessions run in parallel (each is two SSH handshakes); every one
# leaves its output in $T_TMP/NAME.out and its exit status in NAME.rc.
run() {
    n=$1; shift
    ( lab_ssh "$@" > "$T_TMP/$n.out" 2>&1 </dev/null; echo $? > "$T_TMP/$n.rc" ) &
}
for n in 1 2 3; do
    set -- $(lab_host $n)
    run "host$n" "$1" 'echo "$(hostname) $SSH_CONNECTION"; exit 7'
done
set -- $(lab_host 1)
run notty "$1" tty
run pty -tt "$1" 'tty; [ -t 0 ] && [ -t 1 ] && echo PTY-OK; exit 5'
if [ "$LAB_MODE" = netns ]; then
    set -- $(lab_host 2)
    run byaddr "$2" hostname
fi
wait

for n in 1 2 3; do
    set -- $(lab_host $n)
    name=$1 addr=$2 port=$3
    out=$(cat "$T_TMP/host$n.out") rc=$(cat "$T_TMP/host$n.rc")
    [ "$rc" -eq 7 ] || fail "ssh $name: exit status $rc, not 7: $out"
    set -- $out
    [ "${4:-}" = "$addr" ] && [ "${5:-}" = "$port" ] ||
        fail "ssh $name reached '$out', not $addr:$port"
    if [ "$LAB_MODE" = netns ]; then
        [ "$1" = "$name" ] || fail "ssh $name: hostname is '$1'"
        # the connection comes from the bastion's vpc side
        [ "$2" = "$LAB_VPC_GW" ] || fail "ssh $name: connection from $2, not the bastion ($LAB_VPC_GW)"
    fi
done
ok "3 hosts through the bastion: commands run, exit status passed back, right address/host key/hostname"

if [ "$LAB_MODE" = netns ]; then
    set -- $(lab_host 2)
    out=$(cat "$T_TMP/byaddr.out")
    [ "$(cat "$T_TMP/byaddr.rc")" -eq 0 ] || fail "ssh $2 (by address): $out"
    [ "$out" = "$1" ] || fail "ssh $2 reached '$out', not $1"
    ok "hosts are reachable by address too (Host 10.77.0.* uses ProxyJump)"
fi

out=$(cat "$T_TMP/notty.out")
[ "$out" = "not a tty" ] || fail "without -t: tty says '$out'"
out=$(tr -d '\r' < "$T_TMP/pty.out") rc=$(cat "$T_TMP/pty.rc")
[ "$rc" -eq 5 ] || fail "ssh -tt: exit status $rc, not 5: $out"
case $out in /dev/pts/*PTY-OK*) ;; *) fail "ssh -tt: no PTY: $out" ;; esac
ok "a PTY on request: $(echo "$out" | head -n 1)"
