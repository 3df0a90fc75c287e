#!/bin/sh
# The bastion: key login with the lab key works (and passes the exit
# status back), a wrong key and passwords are refused, host keys are
# checked strictly against the generated known_hosts.
. "$(dirname "$0")/testlib.sh"

out=$(lab_ssh lab-bastion 'echo "$SSH_CONNECTION"; exit 3' 2>&1)
rc=$?
[ $rc -eq 3 ] || fail "ssh lab-bastion: exit status $rc, not 3: $out"
set -- $out
[ "${3:-}" = "$LAB_BASTION_IP" ] && [ "${4:-}" = "$LAB_BASTION_PORT" ] ||
    fail "logged in to '$out', not to $LAB_BASTION_IP:$LAB_BASTION_PORT"
ok "key login to the bastion, exit status passed back"

# Without the config file: only what is given here counts.
bare() {
    key=$1 kh=$2; shift 2
    ssh -F /dev/null -p "$LAB_BASTION_PORT" -i "$key" -o IdentitiesOnly=yes \
        -o IdentityAgent=none -o UserKnownHostsFile="$kh" \
        -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes \
        -o BatchMode=yes -o ConnectTimeout=10 "$@" "$LAB_USER@$LAB_BASTION_IP" true 2>&1
}
out=$(bare "$LAB_SSH_KEY" "$LAB_SSH_KNOWN_HOSTS") ||
    fail "the lab key without the lab's ssh_config is refused: $out"

ssh-keygen -q -t ed25519 -N '' -C wrong -f "$T_TMP/wrong" || fail "ssh-keygen"
out=$(bare "$T_TMP/wrong" "$LAB_SSH_KNOWN_HOSTS") && fail "a wrong key was accepted"
case $out in *"Permission denied (publickey)"*) ;; *) fail "wrong key: unexpected error: $out" ;; esac
ok "a wrong key is refused"

out=$(bare "$T_TMP/wrong" "$LAB_SSH_KNOWN_HOSTS" -o BatchMode=no \
    -o PreferredAuthentications=password,keyboard-interactive </dev/null) &&
    fail "password authentication got in"
case $out in *"Permission denied (publickey)"*) ;; *) fail "password: unexpected error: $out" ;; esac
ok "the bastion offers public key authentication only"

: > "$T_TMP/empty_known_hosts"
out=$(bare "$LAB_SSH_KEY" "$T_TMP/empty_known_hosts") && fail "an unknown host key was accepted"
case $out in *"Host key verification failed"*) ;; *) fail "unknown host key: unexpected error: $out" ;; esac
ok "an unknown bastion host key is refused (StrictHostKeyChecking)"

# The bastion's name with another sshd's key: a changed host key.
other=$(sed -n 2p "$LAB_SSH_KNOWN_HOSTS" | cut -d' ' -f2-)
echo "[$LAB_BASTION_IP]:$LAB_BASTION_PORT $other" > "$T_TMP/wrong_known_hosts"
out=$(bare "$LAB_SSH_KEY" "$T_TMP/wrong_known_hosts") && fail "a changed host key was accepted"
case $out in *"REMOTE HOST IDENTIFICATION HAS CHANGED"*) ;; *) fail "changed host key: unexpected error: $out" ;; esac
ok "a changed bastion host key is refused"

n=$(wc -l < "$LAB_SSH_KNOWN_HOSTS")
keys=$(cut -d' ' -f3 "$LAB_SSH_KNOWN_HOSTS" | sort -u | wc -l)
[ "$n" -eq 4 ] && [ "$keys" -eq 4 ] ||
    fail "known_hosts should hold 4 different host keys (bastion + 3 hosts): $n lines, $keys keys"
grep -q "^\[$LAB_BASTION_IP\]:$LAB_BASTION_PORT ssh-ed25519 " "$LAB_SSH_KNOWN_HOSTS" ||
    fail "known_hosts has no [$LAB_BASTION_IP]:$LAB_BASTION_PORT entry"
ok "known_hosts: the bastion and 3 hosts, each its own key"
