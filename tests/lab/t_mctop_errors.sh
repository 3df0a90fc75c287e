#!/bin/sh
# The errors users hit, each a clear message naming the site: wrong API
# password (401), missing permission (404: polling, actions refused),
# Icinga down, the bastion refusing to forward, TLS verification failure,
# a key the bastion rejects, and an ssh-agent without keys.
. "$(dirname "$0")/testlib.sh"
. "$LAB_DIR/mctoplib.sh"

strict_pid=
e_cleanup() {
    [ -n "$strict_pid" ] && kill "$strict_pid" 2>/dev/null
    [ -n "${agent_pid:-}" ] && kill "$agent_pid" 2>/dev/null
    m_cleanup
}
trap e_cleanup EXIT

# wrong password
echo nope > "$T_TMP/wrong.pass"
m_start "$(m_conf "icinga_password_command = cat '$T_TMP/wrong.pass'")"
m_wait 'lab: hosts: wrong icinga_user or password\? .*401' 30
ok "wrong API password: 401 named, with what to check"

# a read-only API user: no event stream (404), actions refused
m_start "$(m_conf "icinga_user = viewer" "refresh = 3600" \
    "icinga_password_command = cat '$LAB_ICINGA_VIEWER_PASS'")"
m_wait '1 Hosts 2[0-9] ' 30
m_wait ' lab ● polling' 30
m_wait 'lab: no event stream, polling every [0-9]+ s: the API user lacks the permission events/\*' 30
ok "no events permission: polling, and the message says which permission"
# With no stream and an hour between fetches, only the on-demand fetch of
# a host's services (when its detail is shown) can bring a new result.
api_tunnel
api /v1/objects/services/dev-app-02!ntp -X POST -d '{"attrs":{"enable_active_checks":false}}'
api /v1/actions/process-check-result -X POST -d '{"type":"Service",
    "filter":"host.name==\"dev-app-02\" && service.name==\"ntp\"","exit_status":1,
    "plugin_output":"NTP WARNING: on demand (t_mctop_errors)","performance_data":[]}'
[ "$CODE" = 200 ] || fail "process-check-result: $CODE"
sleep 6 # Icinga applies it with a delay
m_filter 'dev-app-02'
m_key d
m_wait 'WARN .*ntp .*on demand \(t_mctop_errors\)' 20
ok "a host's services are fetched again when its detail is shown"
api /v1/objects/services/dev-app-02!ntp -X POST -d '{"attrs":{"enable_active_checks":true}}'
m_key d
m_key 2
m_filter 'prd-web-02'
m_wait 'prd-web-02 +http'
m_key r
m_wait 'Check now'
m_key y
m_wait 'recheck failed .*lacks the permission actions' 20
m_wait '! .*prd-web-02 +http' 10
ok "no action permission: the recheck is shown as failed, with why"

# Icinga down (nothing listens on that port in the vpc)
m_start "$(m_conf "icinga_url = https://$LAB_ICINGA_IP:5999")"
m_wait "lab: hosts: the bastion could not forward to $LAB_ICINGA_IP:5999: connect failed" 30
ok "Icinga down: the bastion's connect failure is shown"

# TLS: the search server's CA does not sign Icinga's certificate
m_start "$(m_conf "icinga_ca_file = $LAB_RUN/search/ca.crt")"
m_wait 'lab: hosts: TLS verification failed for https:[^ ]+ .is the CA file' 30
ok "TLS verification failure: says so, and points at the CA file"

# a bastion that refuses forwarding (PermitOpen names something else)
sed -e "s/^ListenAddress .*/ListenAddress $LAB_BASTION_IP:2299/" \
    -e "s|^PidFile .*|PidFile $T_TMP/strict.pid|" \
    -e 's/^PermitOpen .*/PermitOpen 127.0.0.1:1/' \
    "$LAB_SSH_DIR/bastion.sshd_config" > "$T_TMP/strict.sshd_config"
lab_ns "$LAB_NS_BASTION" /usr/sbin/sshd -D -e -f "$T_TMP/strict.sshd_config" \
    2>"$T_TMP/strict.log" &
strict_pid=$!
echo "[$LAB_BASTION_IP]:2299 $(cut -d' ' -f1,2 "$LAB_SSH_DIR/hostkeys/bastion.pub")" > "$T_TMP/kh"
sleep 0.5
m_start "$(m_conf "bastion_port = 2299" "known_hosts = $T_TMP/kh")"
m_wait 'lab: hosts: .*could not forward to .*(prohibited|denied)' 30
ok "forwarding refused by the bastion: named as such"

# a key the bastion does not know
ssh-keygen -q -t ed25519 -N '' -f "$T_TMP/stranger" </dev/null || fail ssh-keygen
m_start "$(m_conf "identity_file = $T_TMP/stranger")"
m_wait "lab: the bastion $LAB_BASTION_IP rejected the key $T_TMP/stranger for user root" 30
m_expect 'lab ○ reconnecting'
ok "a rejected key: named, with the user"

# ssh-agent without keys, no identity file and no default keys
eval "$(ssh-agent -s -a "$T_TMP/agent.sock")" >/dev/null || fail "ssh-agent"
m_start "$(m_conf "identity_file =")" "SSH_AUTH_SOCK=$T_TMP/agent.sock"
m_wait 'lab: no key accepted for user root on .*ssh-agent offered none' 30
ok "an agent without keys: says so (ssh-add -l)"
m_key q
m_wait 'mctop-exited=0'
