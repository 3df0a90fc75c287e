#!/bin/sh
# Sessions that cannot open, each with a clear message in the console and
# the console left working: nothing listening at the host's SSH port (seen
# from the bastion), a key the host rejects, an unknown host key (asked
# with its fingerprint before the console steps aside; rejected or saved),
# a changed host key (refused, no question), the bastion not connected.
# Then the tmux option: the session opens in a new tmux window over the
# console's bastion connection while the console stays in its own.
. "$(dirname "$0")/testlib.sh"
. "$LAB_DIR/mctoplib.sh"

set -- $(lab_host 1)
H1=$1 H1_ADDR=$2
set -- $(lab_host 2)
H2=$1 H2_ADDR=$2 H2_PORT=$3

# m_rule CONF HOST "key = value": a rule for HOST ahead of every other.
m_rule() {
    { printf '[ssh lab %s]\n%s\n\n' "$2" "$3"; cat "$1"; } > "$1.new" &&
        mv "$1.new" "$1"
}

# m_open HOST: select HOST with the filter and press s.
m_open() {
    m_filter "$1"
    m_wait "^ +UP .* $1 " 10
    m_key s
}

m_ready() {
    m_wait ' lab ● live' 30
    m_wait '1 Hosts 2[0-9] ' 30
}

# Nothing listens there: the bastion's channel open fails.
conf=$(m_conf)
m_rule "$conf" "$H1" "port = 9"
m_start "$conf"
m_ready
m_open "$H1"
m_wait "ssh $H1: .*could not forward to $H1_ADDR:9: connect failed" 15
m_expect '1 Hosts 1 '
ok "unreachable from the bastion: $(m_screen | grep -o 'could not forward[^(]*' | head -n 1)"
m_key q
m_wait 'mctop-exited=0'

# A key the host does not accept
ssh-keygen -q -t ed25519 -N '' -f "$T_TMP/stranger" </dev/null || fail "ssh-keygen"
conf=$(m_conf)
m_rule "$conf" "$H1" "identity = $T_TMP/stranger"
m_start "$conf"
m_ready
m_open "$H1"
m_wait "ssh $H1: .*authentication failed.*user root" 15
ok "a rejected key: $(m_screen | grep -o 'authentication failed[^(]*' | head -n 1)"
m_key q
m_wait 'mctop-exited=0'

# An unknown host key: asked in the console, with the fingerprint
kh=$T_TMP/known_hosts
grep "^\[$LAB_BASTION_IP\]:$LAB_BASTION_PORT " "$LAB_SSH_KNOWN_HOSTS" > "$kh" ||
    fail "no bastion line in $LAB_SSH_KNOWN_HOSTS"
fp=$(ssh-keygen -lf "$LAB_SSH_DIR/hostkeys/host-2.pub" | awk '{ print $2 }')
m_start "$(m_conf "known_hosts = $kh")"
m_ready
m_open "$H2"
m_wait "Host $H2 presents a host key" 15
m_expect_text "$fp"
# a letter typed a moment too late answers nothing; Enter is Reject
m_key s
m_key a
sleep 0.3
m_expect "Host $H2 presents a host key"
m_key Enter
m_wait "ssh $H2: .*host key was rejected" 10
[ "$(wc -l < "$kh")" -eq 1 ] || fail "a rejected key was saved"
ok "unknown host key: the dialog shows $fp; letters do not answer it; Reject (the default) saves nothing"
m_key s
m_wait "Host $H2 presents a host key" 15
m_key Left Enter
m_wait "root@$H2:.*# *\$" 20
m_send 'exit 0'; m_key Enter
m_wait "ssh $H2: session ended, exit status 0" 10
grep -q "$H2_ADDR" "$kh" || fail "Save and accept did not write $kh"
ssh-keygen -lf "$kh" | grep -qF -- "$fp" || fail "the saved key is not $H2's"
m_key s
m_wait "root@$H2:.*# *\$" 20
m_screen | grep -q 'presents a host key' && fail "asked again about a saved key"
m_send 'exit 0'; m_key Enter
m_wait "ssh $H2: session ended, exit status 0" 10
ok "Save and accept: the shell opens, known_hosts holds $H2's key, no question next time"
m_key q
m_wait 'mctop-exited=0'

# A changed host key: refused, never offered
ssh-keygen -q -t ed25519 -N '' -f "$T_TMP/impostor" </dev/null || fail "ssh-keygen"
name=$H2_ADDR
[ "$H2_PORT" = 22 ] || name="[$H2_ADDR]:$H2_PORT"
grep -v "^$name " "$kh" > "$kh.new"
echo "$name $(cut -d' ' -f1,2 "$T_TMP/impostor.pub")" >> "$kh.new"
mv "$kh.new" "$kh"
m_start "$(m_conf "known_hosts = $kh")"
m_ready
m_open "$H2"
m_wait "ssh $H2: .*REFUSED: the host key of $H2_ADDR:$H2_PORT has CHANGED" 15
m_screen | grep -q 'presents a host key' && fail "a changed key was offered"
ok "changed host key: refused with no question"
m_key q
m_wait 'mctop-exited=0'

# The bastion not connected: said at once
m_start "$(m_conf)"
m_ready
m_filter "$H1"
lab_stop ssh-bastion
kill -KILL "$(m_bastion_child)" 2>/dev/null
m_wait 'lab ○ reconnecting' 15
m_key s
m_wait "ssh $H1: .*bastion of lab is not connected" 5
ok "no bastion connection: $(m_screen | grep -o 'the bastion of lab is not connected' | head -n 1)"
m_bastion_restart || fail "the bastion does not come back"
m_wait ' lab ● live' 90
m_key q
m_wait 'mctop-exited=0'

# Inside tmux with ssh_tmux: a new window, over the console's connection
m_start "$(m_conf 'mctop:ssh_tmux = yes')" 'TMUX=$TMUX'
m_ready
m_open "$H1"
i=0 said=
# the console's message lasts a few seconds: look for it while waiting
until tm capture-pane -p -t "t:$H1" 2>/dev/null | grep -Eq "root@$H1:.*# *\$"; do
    tm capture-pane -p -t t:0 | grep -q "ssh $H1: opened in a new tmux window" && said=1
    i=$((i + 1))
    [ $i -lt 100 ] || fail "no prompt in the tmux window: $(tm capture-pane -p -t "t:$H1" 2>&1)"
    sleep 0.2
done
tm capture-pane -p -t "t:$H1" | grep -q "connecting to root@$H1_ADDR through the bastion" ||
    fail "the window's helper did not go through the console's bastion connection"
# the new window is the current one; the console runs on in its own
[ "$(tm display -p -t t '#{window_name}')" = "$H1" ] || fail "the session's window is not the current one"
[ -n "$said" ] || tm capture-pane -p -t t:0 | grep -q "ssh $H1: opened in a new tmux window" ||
    fail "the console does not say where the session went"
tm capture-pane -p -t t:0 | grep -q ' lab ● live' || fail "the console is not live beside the session"
tm send-keys -t "t:$H1" -l 'exit 5'
tm send-keys -t "t:$H1" Enter
i=0
while tm list-windows -t t -F '#{window_name}' | grep -qx "$H1"; do
    i=$((i + 1))
    [ $i -lt 50 ] || fail "the session's window did not close"
    sleep 0.2
done
tm select-window -t t:0
m_expect ' lab ● live'
ok "ssh_tmux: the shell opens in tmux window '$H1' over the console's bastion connection; the console stays live"
m_key q
m_wait 'mctop-exited=0'
