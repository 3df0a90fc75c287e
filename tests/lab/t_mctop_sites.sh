#!/bin/sh
# Two sites at once, one of them reached through a ~/.ssh/config Host alias
# (HostName, Port, User, IdentityFile from the alias): both connect, the
# header shows each, and the alerts list merges them with a SITE column.
. "$(dirname "$0")/testlib.sh"
. "$LAB_DIR/mctoplib.sh"

mkdir -p "$T_TMP/.ssh"
cat > "$T_TMP/.ssh/config" <<SSHCFG
Host labjump
    HostName $LAB_BASTION_IP
    Port $LAB_BASTION_PORT
    User $LAB_USER
    IdentityFile $LAB_SSH_KEY
SSHCFG
conf=$(m_conf)
cat >> "$conf" <<SITE

[site alias]
bastion = labjump
known_hosts = $LAB_SSH_KNOWN_HOSTS
icinga_url = $LAB_ICINGA_URL
icinga_user = mctop
icinga_password_command = cat '$LAB_ICINGA_PASS'
icinga_ca_file = $LAB_ICINGA_CA
SITE
"$MCTOP_BIN" --check-config -c "$conf" >/dev/null 2>&1 || fail "$("$MCTOP_BIN" --check-config -c "$conf" 2>&1)"
m_start "$conf"    # HOME is $T_TMP: its .ssh/config is the one read
m_wait ' lab ● live.* alias ● live' 40
m_wait '1 Hosts 4[0-9] ' 30
ok "two sites, one through an ssh config alias: both live in the header"
m_key 2
m_wait 'SITE +HOST +SERVICE'
m_rows | grep -Eq 'CRIT .* lab +prd-web-02 +http' || fail "no lab row for prd-web-02!http"
m_rows | grep -Eq 'CRIT .* alias +prd-web-02 +http' || fail "no alias row for prd-web-02!http"
ok "alerts merged from both sites, with a SITE column"
m_key q
m_wait 'mctop-exited=0'
