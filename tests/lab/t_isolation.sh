#!/bin/sh
# Isolation: from the workstation (root namespace) only the bastion's SSH
# port is reachable. Direct connections to the vpc fail at once (the
# unreachable route), the bastion exposes nothing else, and no namespace
# has a default route.
. "$(dirname "$0")/testlib.sh"

[ "$LAB_MODE" = netns ] ||
    fail "the lab runs in $LAB_MODE mode: every service is on 127.0.0.1, nothing is isolated"

ip route show type unreachable | grep -q "^unreachable $LAB_RANGE" ||
    fail "no 'unreachable $LAB_RANGE' route in the root namespace"
for a in $LAB_VPC_GW $LAB_ICINGA_IP $LAB_CACTI_IP $LAB_SNMP_IP $LAB_SEARCH_IP $LAB_HOST_IPS; do
    out=$(ip route get "$a" 2>&1) && fail "ip route get $a in the root namespace: $out"
done
ok "root namespace: $LAB_RANGE is unreachable (ip route get fails for every vpc address)"

for n in "$LAB_NS_BASTION" "$LAB_NS_VPC"; do
    [ -z "$(ip -n "$n" route show default)" ] || fail "$n has a default route"
    [ -z "$(ip -n "$n" -6 route show default)" ] || fail "$n has an IPv6 default route"
    out=$(ip netns exec "$n" ip route get 192.0.2.1 2>&1) && fail "$n routes outside: $out"
done
fwd=$(ip netns exec "$LAB_NS_BASTION" cat /proc/sys/net/ipv4/ip_forward)
[ "$fwd" = 0 ] || fail "the bastion forwards packets (ip_forward=$fwd)"
out=$(ip netns exec "$LAB_NS_BASTION" ip route get "$LAB_ICINGA_IP" 2>&1) ||
    fail "the bastion itself cannot reach the vpc: $out"
ok "no default routes in $LAB_NS_BASTION and $LAB_NS_VPC; the bastion does not forward"

connect_fails "$LAB_ICINGA_IP" "$LAB_ICINGA_PORT" "the Icinga API" "No route to host"
connect_fails "$LAB_ICINGA_IP" "$LAB_NRPE_PORT" "NRPE" "No route to host"
for a in $LAB_HOST_IPS; do
    connect_fails "$a" "$LAB_HOST_PORT" "SSH host $a" "No route to host"
done
connect_fails "$LAB_VPC_GW" "$LAB_BASTION_PORT" "the bastion's vpc side" "No route to host"
what="Icinga, NRPE, SSH hosts"
if lab_has cacti; then
    connect_fails "$LAB_CACTI_IP" "$LAB_CACTI_PORT" "Cacti" "No route to host"
    connect_fails "$LAB_SNMP_IP" "$LAB_SNMP_PORT" "snmpd (TCP)" "No route to host"
    what="$what, Cacti"
fi
if lab_has search; then
    connect_fails "$LAB_SEARCH_IP" "$LAB_SEARCH_PORT" "the search server" "No route to host"
    connect_fails "$LAB_SEARCH_IP" "$LAB_KIBANA_PORT" "the search server (Kibana)" "No route to host"
    what="$what, search server"
fi
ok "direct connections fail at once: $what"

# The bastion's workstation side answers SSH only.
for p in "$LAB_ICINGA_PORT" "$LAB_NRPE_PORT" "$LAB_CACTI_PORT" "$LAB_SEARCH_PORT" 22; do
    connect_fails "$LAB_BASTION_IP" "$p" "the bastion, port $p" "Connection refused"
done
ok "the bastion refuses every port but $LAB_BASTION_PORT"
