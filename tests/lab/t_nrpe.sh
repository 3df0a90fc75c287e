#!/bin/sh
# NRPE gives real results: check_nrpe run inside the vpc on an SSH host
# reached through the bastion (NRPE listens on the vpc's own loopback),
# and Icinga's NRPE services carry the real plugin output and perfdata.
. "$(dirname "$0")/testlib.sh"

set -- $(lab_host 1)
host=$1
# One ssh session runs every check_nrpe call; a line per call:
# "COMMAND STATUS OUTPUT".
CMDS="check_load check_disk check_users check_procs check_swap check_mem check_jvm_heap check_jvm_heap_high check_mysql_repl"
lab_ssh "$host" sh -s -- "$LAB_NRPE_IP" "$LAB_NRPE_PORT" $CMDS > "$T_TMP/nrpe.out" 2>&1 <<'SCRIPT'
h=$1 p=$2; shift 2
for c in "$@"; do
    o=$(/usr/lib/nagios/plugins/check_nrpe -n -H "$h" -p "$p" -c "$c" 2>&1)
    echo "$c $? $o"
done
SCRIPT
rc=$?
[ $rc -eq 0 ] || fail "ssh to $host through the bastion: exit status $rc: $(head -c 300 "$T_TMP/nrpe.out")"
# expect CMD STATUS PATTERN
expect() {
    line=$(grep "^$1 " "$T_TMP/nrpe.out") || fail "no result for check_nrpe -c $1"
    RC=$(echo "$line" | cut -d' ' -f2) OUT=$(echo "$line" | cut -d' ' -f3-)
    [ "$RC" -eq "$2" ] || fail "check_nrpe -c $1: exit status $RC, expected $2: $OUT"
    case $OUT in $3) ;; *) fail "check_nrpe -c $1: '$OUT' does not match '$3'" ;; esac
}
expect check_load 0 'LOAD OK - *|*load1=*'
expect check_disk 0 'DISK OK*|*/=*B;*'
expect check_users 0 'USERS OK*|users=*'
expect check_procs 0 'PROCS OK*|*procs=*'
expect check_swap 0 'SWAP OK*|swap=*'
expect check_mem 0 'MEMORY OK - *% used*|mem_used=*%;99;100;0;100 *'
expect check_jvm_heap 0 'OK - JVM heap 50% used*|heap_used=512MB;819;921;0;1024 *'
expect check_jvm_heap_high 2 'CRITICAL - JVM heap 92% used*|heap_used=950MB;819;921;0;1024 *'
expect check_mysql_repl 3 "NRPE: Command 'check_mysql_repl' not defined"
ok "check_nrpe on $host (in the vpc, through the bastion): load, disk, users, procs, swap, memory, JVM heap OK/CRITICAL, undefined command UNKNOWN"

api_tunnel
api_query services '{"attrs":["name","state","last_check_result"],"filter":"service.check_command == \"nrpe\""}'
[ "$CODE" = 200 ] || fail "services query: HTTP $CODE"
n=$(jq '.results | length' "$B")
[ "$n" -ge 21 ] || fail "only $n NRPE services in Icinga"
bad=$(jq -r '[.results[] | select((.attrs.last_check_result.command | type) != "array"
        or .attrs.last_check_result.command[0] != "/usr/lib/nagios/plugins/check_nrpe"
        or (.attrs.last_check_result.output | length) == 0) | .name] | join(" ")' "$B")
[ -z "$bad" ] || fail "NRPE services without a real check_nrpe result: $bad"
# per service name: every result carries the plugin's own perfdata
chk() {
    got=$(jq -r --arg s "$1" '[.results[] | select(.name | endswith("!" + $s))
        | select((.attrs.last_check_result.output | test($o)) and
                 ([.attrs.last_check_result.performance_data[] | test($p)] | any))] | length' \
        --arg o "$2" --arg p "$3" "$B")
    all=$(jq -r --arg s "$1" '[.results[] | select(.name | endswith("!" + $s))] | length' "$B")
    [ "$all" -gt 0 ] && [ "$got" -eq "$all" ] ||
        fail "$1: $got of $all results match /$2/ with perfdata /$3/"
}
chk load '^LOAD OK' '^load1='
chk disk '^DISK OK' '^/='
chk memory '^MEMORY OK' '^mem_used=[0-9]+%;'
chk swap '^SWAP OK' '^swap='
api_query services '{"attrs":["name","state","last_check_result"],"filter":"service.name == \"jvm-heap\" || service.name == \"mysql-repl\""}'
if [ -z "$LAB_SCALE" ]; then
    got=$(jq -r '.results[] | select(.name == "prd-app-01!jvm-heap") | "\(.attrs.state) \(.attrs.last_check_result.performance_data[0])"' "$B")
    [ "$got" = "2 heap_used=950MB;819;921;0;1024" ] || fail "prd-app-01!jvm-heap: '$got'"
    got=$(jq -r '.results[] | select(.name == "dev-db-01!mysql-repl") | "\(.attrs.state) \(.attrs.last_check_result.output)"' "$B")
    [ "$got" = "3 NRPE: Command 'check_mysql_repl' not defined" ] || fail "dev-db-01!mysql-repl: '$got'"
    ok "Icinga: $n NRPE services with real results (prd-app-01 heap CRITICAL, dev-db-01 mysql-repl UNKNOWN)"
else
    ok "Icinga: $n NRPE services (the SSH hosts at scale) with real results"
fi
