#!/bin/sh
# mctop against the lab, through the bastion only: hosts and alerts from the
# real Icinga 2, a change arriving through the event stream (no re-fetch),
# reconnecting after the bastion is killed and restarted, and a hung
# bastion (SIGSTOP) detected.
. "$(dirname "$0")/testlib.sh"
. "$LAB_DIR/mctoplib.sh"

[ -z "$LAB_SCALE" ] || fail "run against the standard lab, not LAB_SCALE=$LAB_SCALE"
api_tunnel
# A long refresh: within this test only the event stream can bring changes.
conf=$(m_conf "refresh = 3600")
m_start "$conf"
m_wait ' lab ● live' 30
m_wait '1 Hosts 2[0-9] ' 30
for h in tst-app-02 ppd-es-01 prd-app-02; do
    m_rows | grep -Eq "^ DOWN .* $h " || fail "$h is not DOWN in the hosts view"
done
m_rows | grep -Eq '^  UP .* prd-web-01 ' || fail "prd-web-01 is not UP"
ok "hosts view filled from Icinga through the bastion (3 hosts DOWN)"
m_key 2
m_wait 'SERVICE'
for p in 'CRIT .* prd-web-02 +http' 'CRIT .* prd-app-01 +JVM Heap' \
    'WARN .* prd-db-01 +postgres' 'UNKN .* tst-db-01 +ntp'; do
    # a fresh lab's first results may still be soft (hidden): wait
    m_wait "$p" 30
done
ok "alerts view shows the lab's problems"

# Hold a service still, then change its state from outside: mctop must
# show it within seconds, with no full fetch (refresh is an hour).
api /v1/objects/services/dev-app-02!ntp -X POST \
    -d '{"attrs":{"enable_active_checks":false}}'
[ "$CODE" = 200 ] || fail "cannot pause the check of dev-app-02!ntp: $CODE $(cat "$B")"
api /v1/actions/process-check-result -X POST -d '{"type":"Service",
    "filter":"host.name==\"dev-app-02\" && service.name==\"ntp\"","exit_status":2,
    "plugin_output":"NTP CRITICAL: injected by t_mctop_live","performance_data":["offset=9s;1;2"]}'
[ "$CODE" = 200 ] || fail "process-check-result: $CODE $(cat "$B")"
t0=$(now_ms)
m_wait 'CRIT .* dev-app-02 +ntp .*injected by t_mctop_live' 10
ok "a check result injected on the lab shows in $(( $(now_ms) - t0 )) ms (event stream; Icinga itself takes a few seconds to emit it)"
api /v1/objects/services/dev-app-02!ntp -X POST \
    -d '{"attrs":{"enable_active_checks":true}}'

# Kill the bastion (listener and mctop's session), then start it again.
listener=$(cat "$LAB_RUN/pids/ssh-bastion")
child=$(m_bastion_child) || fail "no bastion session for mctop"
lab_stop ssh-bastion
kill -KILL "$child" 2>/dev/null
m_wait 'lab ○ reconnecting in [0-9]+ s' 15
m_wait 'stale [0-9]+s' 5
m_rows | grep -q 'prd-web-02' || fail "the data went away with the bastion"
ok "bastion killed: reconnecting, data kept and marked stale"
m_bastion_restart || fail "the bastion does not come back"
tunnel icinga2 "$LAB_ICINGA_IP" "$LAB_ICINGA_PORT"; API_SOCK=$T_SOCK # the first tunnel died with the bastion
m_wait ' lab ● live' 90
ok "bastion restarted: mctop reconnected by itself and is live again"
api /v1/actions/process-check-result -X POST -d '{"type":"Service",
    "filter":"host.name==\"dev-app-02\" && service.name==\"ntp\"","exit_status":1,
    "plugin_output":"NTP WARNING: after the reconnect","performance_data":[]}'
m_wait 'WARN .* dev-app-02 +ntp .*after the reconnect' 15
ok "live data flows again after the reconnect"

# A hung bastion: the session process stops answering.
child=$(m_bastion_child) || fail "no bastion session for mctop after the reconnect"
kill -STOP "$child"
t0=$(now_ms)
m_wait 'lab ○ reconnecting' 20
ms=$(( $(now_ms) - t0 ))
kill -CONT "$child" 2>/dev/null
kill -KILL "$child" 2>/dev/null
[ $ms -le 13000 ] || fail "the hung bastion took $ms ms to detect"
m_expect 'no answer from the bastion'
m_wait ' lab ● live' 90
ok "a hung bastion is detected in $ms ms and mctop reconnects"
m_key q
m_wait 'mctop-exited=0'
