#!/bin/sh
# The generated mctop config: mctop --check-config accepts it, it is not
# group/world-writable, holds no secret, and its password command works.
. "$(dirname "$0")/testlib.sh"

top=$(cd "$LAB_DIR/../.." && pwd)
conf=$LAB_RUN/mctop.conf
[ -x "$top/mctop" ] || fail "$top/mctop is not built (make mctop)"
[ -f "$conf" ] || fail "no $conf"

out=$("$top/mctop" --check-config -c "$conf" 2>&1) || fail "mctop --check-config: $out"
ok "mctop --check-config -c $conf passes"

case $(stat -c %A "$conf") in
?????w???? | ????????w?) fail "$conf is group/world-writable: $(stat -c %A "$conf")" ;;
esac
pass=$(cat "$LAB_ICINGA_PASS") || fail "cannot read $LAB_ICINGA_PASS"
[ "$(stat -c %a "$LAB_ICINGA_PASS")" = 600 ] || fail "$LAB_ICINGA_PASS is not mode 0600"
[ -n "$pass" ] || fail "empty Icinga password"
grep -qF "$pass" "$conf" && fail "the Icinga password is in $conf"
ok "not group/world-writable; no secret in it; api.pass is 0600"

cmd=$(sed -n 's/^icinga_password_command = //p' "$conf")
[ "$(sh -c "$cmd" </dev/null)" = "$pass" ] || fail "icinga_password_command ($cmd) does not print the password"
for k in "bastion = $LAB_BASTION_IP" "bastion_port = $LAB_BASTION_PORT" "bastion_user = $LAB_USER" \
    "icinga_url = $LAB_ICINGA_URL" "icinga_user = mctop" "icinga_ca_file = $LAB_ICINGA_CA" \
    "identity_file = $LAB_SSH_KEY" "known_hosts = $LAB_SSH_KNOWN_HOSTS"; do
    grep -qxF "$k" "$conf" || fail "$conf lacks '$k'"
done
ok "the lab site's keys are right and the password command prints the password"
