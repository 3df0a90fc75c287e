#!/bin/sh
# Icinga 2's API through the bastion only (ssh -L to a unix socket, TLS
# checked against the lab CA with the real URL): the hosts, the DOWN
# hosts and the WARNING/CRITICAL/UNKNOWN services the lab defines, no
# pending object; 401 for a wrong password, 404 for the read-only user's
# action.
. "$(dirname "$0")/testlib.sh"

api_tunnel

api /v1/status/IcingaApplication
[ "$CODE" = 200 ] || fail "GET /v1/status/IcingaApplication: HTTP $CODE: $(head -c 300 "$B")"
node=$(jq -r '.results[0].status.icingaapplication.app.node_name' "$B")
[ "$node" = lab-icinga ] || fail "node_name is '$node', not lab-icinga"
ok "the API answers through the bastion, TLS verified for $LAB_ICINGA_URL"

out=$(curl -sS --max-time 20 --unix-socket "$API_SOCK" -o /dev/null "$LAB_ICINGA_URL/v1" 2>&1) &&
    fail "TLS verification passed without the lab CA"
ok "without the lab CA the certificate is rejected"

api "/v1/objects/hosts?attrs=name&attrs=state&attrs=address&attrs=vars&attrs=last_check_result"
[ "$CODE" = 200 ] || fail "GET hosts: HTTP $CODE"
nhosts=$(jq '.results | length' "$B")
pending=$(jq -r '[.results[] | select(.attrs.last_check_result == null) | .name] | join(" ")' "$B")
[ -z "$pending" ] || fail "hosts still pending: $pending"
down=$(jq -r '[.results[] | select(.attrs.state != 0) | .name] | sort | join(" ")' "$B")
envs=$(jq -r '[.results[].attrs.vars.env] | unique | join(",")' "$B")
[ "$envs" = "Development,Pre-Production,Production,Test" ] || fail "environments: $envs"
for n in 1 2 3; do
    set -- $(lab_host $n)
    got=$(jq -r --arg h "$1" '.results[] | select(.name == $h) | "\(.attrs.address) \(.attrs.vars.ssh_port) \(.attrs.state) \(.attrs.last_check_result.output)"' "$B")
    case $got in
    "$2 $3 0 SSH OK"*) ;;
    *) fail "SSH host $1: expected address $2, ssh_port $3, UP with a real 'SSH OK' check; got: $got" ;;
    esac
done
ok "$nhosts hosts over 4 environments, none pending; the 3 SSH hosts are UP by a real check_ssh"

body='{"attrs":["name","state","last_check_result"],"joins":["host.name"],"filter":"service.state != 0"}'
api_query services "$body"
[ "$CODE" = 200 ] || fail "POST services query: HTTP $CODE: $(head -c 300 "$B")"
problems=$(jq -r '[.results[] | "\(.name)=\(.attrs.state | floor)"] | sort | join(" ")' "$B")
api_query services '{"attrs":["name"],"filter":"service.last_check_result == null"}'
pending=$(jq -r '[.results[].name] | join(" ")' "$B")
[ -z "$pending" ] || fail "services still pending: $(echo "$pending" | cut -c1-300)"
api_query services '{"attrs":["name"]}'
nsvc=$(jq '.results | length' "$B")

if [ -z "$LAB_SCALE" ]; then
    [ "$nhosts" -eq 21 ] || fail "$nhosts hosts, expected 21"
    [ "$down" = "ppd-es-01 prd-app-02 tst-app-02" ] || fail "DOWN hosts: '$down'"
    want="dev-app-01!app-health=2 dev-db-01!mysql-repl=3 dev-web-01!ntp=1 ppd-app-01!backup=3"
    want="$want prd-app-01!jvm-heap=2 prd-db-01!postgres=1 prd-es-01!es-cluster=1"
    want="$want prd-web-02!http=2 tst-db-01!ntp=3 tst-web-01!http=1"
    [ "$problems" = "$want" ] || fail "services not OK: '$problems', expected '$want'"
    ok "DOWN: $down; not OK: $problems; $nsvc services, none pending"
else
    [ "$nhosts" -eq "$LAB_SCALE" ] || fail "$nhosts hosts, expected LAB_SCALE=$LAB_SCALE"
    [ "$nsvc" -eq $((LAB_SCALE * 10)) ] || fail "$nsvc services, expected $((LAB_SCALE * 10))"
    # what icinga.sh generates: host i (4..N) DOWN if i%50==0, a failing
    # service if i%10==3 (state 1+i%3)
    wdown=$(awk -v n="$LAB_SCALE" 'BEGIN { for (i = 4; i <= n; i++) c += i % 50 == 0; print c }')
    wbad=$(awk -v n="$LAB_SCALE" 'BEGIN { for (i = 4; i <= n; i++) c += i % 10 == 3; print c }')
    ndown=$(echo "$down" | wc -w)
    nbad=$(echo "$problems" | wc -w)
    [ "$ndown" -eq "$wdown" ] || fail "$ndown hosts DOWN, expected $wdown"
    [ "$nbad" -eq "$wbad" ] || fail "$nbad services not OK, expected $wbad"
    for s in 1 2 3; do
        case " $problems" in *"=$s "* | *"=$s") ;; *) fail "no service in state $s" ;; esac
    done
    ok "scale: $nhosts hosts ($ndown DOWN), $nsvc services ($nbad not OK), none pending"
fi

# Authentication and permissions.
printf 'user = "mctop:wrong-%s"\n' "$(lab_rand 4)" > "$T_TMP/curl-bad.cfg"
curl -sS --max-time 20 --unix-socket "$API_SOCK" --cacert "$LAB_ICINGA_CA" -K "$T_TMP/curl-bad.cfg" \
    -H 'Accept: application/json' -D "$T_TMP/headers" -o "$B" -w '%{http_code}' \
    "$LAB_ICINGA_URL/v1/objects/hosts" > "$T_TMP/code" || fail "curl (wrong password)"
[ "$(cat "$T_TMP/code")" = 401 ] || fail "wrong password: HTTP $(cat "$T_TMP/code"), not 401"
grep -qi '^WWW-Authenticate: Basic' "$T_TMP/headers" || fail "401 without WWW-Authenticate: Basic"
ok "a wrong password gets 401 with WWW-Authenticate"

api_as viewer "/v1/objects/hosts?attrs=name"
[ "$CODE" = 200 ] || fail "viewer cannot read hosts: HTTP $CODE"
api_as viewer /v1/actions/reschedule-check -X POST -d '{"type":"Host","filter":"true"}'
[ "$CODE" = 404 ] || fail "viewer's action: HTTP $CODE, expected 404: $(head -c 200 "$B")"
ok "the read-only user 'viewer' reads, and gets 404 on an action"
