#!/bin/sh
# Triage from mctop against the real Icinga, verified in Icinga's API:
# acknowledge, downtime for a host with its services, recheck, remove, and
# a bulk action that partly fails (per-object results shown).
. "$(dirname "$0")/testlib.sh"
. "$LAB_DIR/mctoplib.sh"

[ -z "$LAB_SCALE" ] || fail "run against the standard lab, not LAB_SCALE=$LAB_SCALE"
api_tunnel
svc_attr() { # HOST SVC ATTR: an attribute of a service, from the API
    api "/v1/objects/services/$1!$2?attrs=$3"
    [ "$CODE" = 200 ] || fail "GET $1!$2: $CODE"
    jq -r ".results[0].attrs.$3" "$B"
}
host_attr() {
    api "/v1/objects/hosts/$1?attrs=$2"
    [ "$CODE" = 200 ] || fail "GET $1: $CODE"
    jq -r ".results[0].attrs.$2" "$B"
}
# Clean slate for the objects used here.
api /v1/actions/remove-acknowledgement -X POST -d '{"type":"Service","filter":"host.name==\"prd-web-02\""}'
api /v1/actions/remove-acknowledgement -X POST -d '{"type":"Host","filter":"host.name==\"tst-app-02\""}'
api /v1/actions/remove-downtime -X POST -d '{"type":"Host","filter":"host.name==\"tst-app-02\""}'

m_start "$(m_conf "mctop:author = lab-tester")"
m_wait ' lab ● live' 30
m_key 2
m_wait 'SERVICE'
m_filter 'prd-web-02'
m_wait 'CRIT .* prd-web-02 +http'

# acknowledge: the form, then Icinga's own record of it
m_key a
m_wait 'Acknowledge prd-web-02!http'
m_send 'rollback in progress (t_mctop_actions)'
m_key Enter     # -> Sticky (on)
m_key Enter     # -> Notify
m_key Enter     # -> Persistent
m_key Enter     # -> Expires after
m_key Enter     # submit
m_wait 'acknowledge accepted for 1 object' 20
[ "$(svc_attr prd-web-02 http acknowledgement)" = 2 ] || fail "Icinga has no sticky acknowledgement on prd-web-02!http"
api '/v1/objects/comments?attrs=author&attrs=text&filter=comment.host_name==%22prd-web-02%22'
jq -e '.results[] | select(.attrs.author == "lab-tester" and .attrs.text == "rollback in progress (t_mctop_actions)")' "$B" >/dev/null ||
    fail "the acknowledgement comment is not in Icinga with author lab-tester: $(cat "$B")"
m_key H          # handled problems are hidden: show them
m_wait 'CRIT +A +.*prd-web-02 +http' 20
ok "acknowledge: sent, sticky in Icinga with the config's author, shown as A"

# remove it again
m_key A
m_wait 'Remove the acknowledgement of prd-web-02!http'
m_key y
m_wait 'remove acknowledgement accepted' 20
[ "$(svc_attr prd-web-02 http acknowledgement)" = 0 ] || fail "the acknowledgement is still in Icinga"
m_wait 'CRIT +.*prd-web-02 +http' 20
ok "remove acknowledgement: gone in Icinga"

# recheck: last_check moves on
before=$(svc_attr prd-web-02 http last_check)
m_key r
m_wait 'Check now prd-web-02!http'
m_key y
m_wait 'recheck accepted' 20
i=0
while [ "$(svc_attr prd-web-02 http last_check | cut -d. -f1)" -le "${before%.*}" ]; do
    i=$((i + 1)); [ $i -lt 40 ] || fail "last_check did not move after the recheck"; sleep 0.25
done
ok "recheck: Icinga checked prd-web-02!http again"

# downtime for a host with its services, from the hosts view
m_key 1
m_filter 'tst-app-02'
m_wait 'DOWN .* tst-app-02 '
m_key w
m_wait 'Schedule a downtime for tst-app-02'
m_send 'kernel patching (t_mctop_actions)'
m_key Enter Enter
m_key C-u; m_send '45m'
m_key Enter Enter Enter Enter   # type fixed, window, with services, submit
m_wait 'downtime accepted for 1 object' 20
[ "$(host_attr tst-app-02 downtime_depth)" -ge 1 ] || fail "tst-app-02 is not in downtime in Icinga"
api '/v1/objects/downtimes?attrs=author&attrs=comment&attrs=service_name&attrs=start_time&attrs=end_time&filter=downtime.host_name==%22tst-app-02%22'
n=$(jq '[.results[] | select(.attrs.author == "lab-tester")] | length' "$B")
[ "$n" -ge 2 ] || fail "expected the host and its services in downtime, got $n downtimes"
len=$(jq '.results[] | select(.attrs.service_name == "") | .attrs.end_time - .attrs.start_time | floor' "$B" | head -n 1)
[ "$len" -ge 2690 ] && [ "$len" -le 2710 ] || fail "the downtime lasts $len s, not 45 minutes"
m_wait 'DOWN +D .*tst-app-02' 20
ok "downtime: host and $((n - 1)) services in downtime for 45 minutes, shown as D"
m_key W
m_wait 'Remove the downtimes of tst-app-02'
m_key y
m_wait 'remove downtime accepted' 20
[ "$(host_attr tst-app-02 downtime_depth)" = 0 ] || fail "tst-app-02 is still in downtime"
ok "remove downtime: gone in Icinga"

# bulk acknowledge of a DOWN and an UP host: Icinga answers 409 for the UP one
m_filter 'tst-app-02|prd-web-01'
m_wait 'tst-app-02'
m_wait 'prd-web-01'
m_key Space Space
m_wait '2 marked'
m_key a
m_wait 'Acknowledge 2 objects'
m_send 'bulk (t_mctop_actions)'
m_key Enter Enter Enter Enter Enter
m_wait 'acknowledge failed for 1 of 2 objects' 20
m_wait 'UP +! .*prd-web-01' 10
[ "$(host_attr tst-app-02 acknowledgement)" -ge 1 ] || fail "the DOWN host was not acknowledged"
[ "$(host_attr prd-web-01 acknowledgement)" = 0 ] || fail "the UP host was acknowledged"
m_key C-\\
m_filter 'prd-web-01'
m_key d
m_wait 'Action +acknowledge FAILED .*is UP' 10
ok "bulk acknowledge: 1 of 2 failed, the failure shown on its row and in the detail"
m_key : ; m_send 'dismiss'; m_key Enter
m_wait '1 failed action dismissed'
api /v1/actions/remove-acknowledgement -X POST -d '{"type":"Host","filter":"host.name==\"tst-app-02\""}'
m_key q
m_wait 'mctop-exited=0'
