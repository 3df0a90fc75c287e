#!/bin/sh
# The bastion's host key: unknown -> a dialog with the SHA256 fingerprint
# (the same as ssh-keygen prints), "Save and accept" writes known_hosts;
# changed -> refused with no way to accept it; rejected -> no connection.
. "$(dirname "$0")/testlib.sh"
. "$LAB_DIR/mctoplib.sh"

kh=$T_TMP/known_hosts
fp=$(ssh-keygen -lf "$LAB_SSH_DIR/hostkeys/bastion.pub" | awk '{ print $2 }')
[ -n "$fp" ] || fail "cannot read the bastion's fingerprint"

# unknown: reject
: > "$kh"
m_start "$(m_conf "known_hosts = $kh")"
m_wait 'Unknown host key' 20
m_expect_text "$fp"
m_expect "$LAB_BASTION_IP port $LAB_BASTION_PORT"
m_key Enter # Reject is the default; letters do not answer
m_wait 'lab ○ failed: the host key was rejected' 10
[ -s "$kh" ] && fail "a rejected key was saved"
ok "unknown key: the dialog shows $fp; Reject leaves known_hosts empty"

# unknown: save and accept
m_start "$(m_conf "known_hosts = $kh")"
m_wait 'Unknown host key' 20
m_key Left Enter # Save and accept
m_wait ' lab ● live' 30
m_wait '1 Hosts 2[0-9] ' 30
line=$(cat "$kh")
case $line in
"[$LAB_BASTION_IP]:$LAB_BASTION_PORT ssh-ed25519 "*) ;;
*) fail "known_hosts has '$line'" ;;
esac
ssh-keygen -lf "$kh" | grep -qF -- "$fp" || fail "the saved key is not the bastion's"
ok "Save and accept: connected, and known_hosts holds the bastion's key"
m_key q
m_wait 'mctop-exited=0'

# a restart finds the key known: no question
m_start "$(m_conf "known_hosts = $kh")"
m_wait ' lab ● live' 30
m_screen | grep -q 'Unknown host key' && fail "asked again about a saved key"
m_key q
m_wait 'mctop-exited=0'
ok "the saved key is known on the next start"

# changed: another key for the same host and port
ssh-keygen -q -t ed25519 -N '' -f "$T_TMP/impostor" </dev/null || fail "ssh-keygen"
echo "[$LAB_BASTION_IP]:$LAB_BASTION_PORT $(cut -d' ' -f1,2 "$T_TMP/impostor.pub")" > "$kh"
m_start "$(m_conf "known_hosts = $kh")"
m_wait 'lab ○ failed: REFUSED: the host key of' 20
m_wait 'CHANGED' 2
m_screen | grep -q 'Unknown host key' && fail "a changed key was offered for acceptance"
sleep 3
m_expect 'lab ○ failed' # it does not retry by itself either
m_key : ; m_send 'reconnect'; m_key Enter
m_wait 'lab ○ failed: REFUSED' 20
m_screen | grep -q 'Unknown host key' && fail "a changed key was offered after :reconnect"
ok "changed key: refused, no dialog, no retry; :reconnect refuses again"
m_key q
m_wait 'mctop-exited=0'
