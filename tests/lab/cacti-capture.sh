#!/bin/sh
# cacti-capture.sh [DIR]: record real answers of the lab's Cacti, through the
# bastion, as fixtures for the Cacti parser (default tests/data/cacti).
# Run as root with the lab up. Each file is one response, unchanged.
. "$(dirname "$0")/testlib.sh"
. "$LAB_DIR/cacti.sh"

OUT=${1:-$LAB_DIR/../data/cacti}
mkdir -p "$OUT" || fail "mkdir $OUT"
tunnel cacti "$LAB_CACTI_IP" "$LAB_CACTI_PORT"
JAR=$T_TMP/jar

# cap NAME PATH [curl args]: body to NAME, headers to NAME's .headers
# sibling when HDR is set (CR stripped from headers only).
cap() {
    c_name=$1 c_path=$2; shift 2
    curl -sS --max-time 60 --unix-socket "$T_SOCK" -c "$JAR" -b "$JAR" \
        -D "$T_TMP/h" -o "$OUT/$c_name" "$@" "$CACTI_URL/$c_path" || fail "curl $c_path"
    if [ -n "${HDR:-}" ]; then
        # the session id changes at every capture; keep the header's shape
        tr -d '\r' < "$T_TMP/h" | sed 's/^\(Set-Cookie: Cacti=\)[a-z0-9]*/\1SESSIONID/I;
            s/^\(Date: \).*/\1(date)/' > "$OUT/${c_name%.*}.headers.txt"
    fi
    echo "  $c_name"
}
token() { sed -n "s/.*name='__csrf_magic' value=\"\([^\"]*\)\".*/\1/p" "$1" | head -n 1; }

echo "capturing into $OUT:"
rm -f "$JAR"
HDR=1 cap login-page.html index.php
HDR=1 cap login-failed.html index.php --data-urlencode "__csrf_magic=$(token "$OUT/login-page.html")" \
    --data-urlencode action=login --data-urlencode login_username=admin \
    --data-urlencode login_password=wrong-password
rm -f "$JAR"
cap login-page-2.html index.php
HDR=1 cap login-post-ok.txt index.php --data-urlencode "__csrf_magic=$(token "$OUT/login-page-2.html")" \
    --data-urlencode action=login --data-urlencode login_username=admin \
    --data-urlencode "login_password=$(cat "$CACTI_DIR/pass")"
rm -f "$OUT/login-page-2.html" "$OUT/login-post-ok.txt"   # empty body; the headers count

HDR=1 cap ajax_hosts.json "graph_view.php?action=ajax_hosts"
cap ajax_hosts-term-prd.json "graph_view.php?action=ajax_hosts&term=prd"
cap get_node-root.html "graph_view.php?action=get_node&tree_id=0&id=%23"
tree=$(tr -d '\n' < "$OUT/get_node-root.html" | sed 's/<li /\n<li /g' |
    sed -n "s/^<li [^>]*id='\(tree_anchor-[0-9]*\)'.*>Lab<\/a>.*/\1/p")
[ -n "$tree" ] || fail "no tree Lab"
cap get_node-tree-lab.html "graph_view.php?action=get_node&tree_id=0&id=$tree"
branch() { tr -d '\n' < "$OUT/$1" | sed 's/<li /\n<li /g' |
    sed -n "s/^<li [^>]*id='\(tbranch-[0-9]*\)'.*>$2<\/a>.*/\1/p" | head -n 1; }
b_prd=$(branch get_node-tree-lab.html Production)
b_inf=$(branch get_node-tree-lab.html Infrastructure)
cap get_node-branch-production.html "graph_view.php?action=get_node&tree_id=0&id=$b_prd"
b_web=$(branch get_node-branch-production.html Web)
cap get_node-branch-web.html "graph_view.php?action=get_node&tree_id=0&id=$b_web"
cap get_node-branch-infrastructure.html "graph_view.php?action=get_node&tree_id=0&id=$b_inf"
cap ajax_search-web.json "graph_view.php?action=ajax_search&str=web"
cap tree_content-infrastructure.html "graph_view.php?action=tree_content&node=$b_inf&site_id=-1&host_id=-1&host_template_id=-1&hgd="

cap list-all.html "graph_view.php?action=list&host_id=-1&graph_template_id=-1&rfilter=&rows=1000&page=1&header=false"
hid=$(jq -r '.[] | select(.label == "prd-web-01") | .id' "$OUT/ajax_hosts.json")
cap list-prd-web-01.html "graph_view.php?action=list&host_id=$hid&graph_template_id=-1&rfilter=&rows=1000&page=1&header=false"
# rfilter is base64 of a regex: "Load"
cap list-rfilter-load.html "graph_view.php?action=list&host_id=-1&graph_template_id=-1&rfilter=TG9hZA==&rows=1000&page=1&header=false"

# Exports over one fixed 10-minute window in the back-filled past, and
# rrdtool's view of the same files for the same window.
END=$(( ($(date +%s) - 600) / 10 * 10 )); START=$((END - 600))
gid() { awk -F'\t' -v t="$1" '$5 == t { print $1; exit }' "$CACTI_DIR/graphs.tsv"; }
xp() {  # NAME TITLE
    g=$(gid "$2"); [ -n "$g" ] || fail "no graph '$2'"
    HDR=${3:-} cap "$1" "graph_xport.php?local_graph_id=$g&rra_id=0&graph_start=$START&graph_end=$END"
    awk -F'\t' -v g="$g" '$1 == g { print $8 }' "$CACTI_DIR/graphs.tsv" | sort -u |
    while read -r f; do
        n=$(basename "$f" .rrd)
        rrdtool fetch "$f" AVERAGE -r 10 -s "$START" -e "$END" > "$OUT/rrdtool-fetch-$n.txt"
        echo "  rrdtool-fetch-$n.txt"
    done
}
xp xport-load.csv "prd-web-01 - Load Average" 1
xp xport-traffic-lo.csv "prd-web-01 - Traffic - lo"
xp xport-memory.csv "prd-web-01 - Memory Usage"
xp xport-cpu.csv "prd-web-01 - CPU Utilization"
xp xport-processes.csv "lab-cacti - Processes"
# the last 15 minutes up to now: where the back-fill meets the poller
# (COUNTER sources give NaN rows there) and the step in progress (NaN)
NOW=$(date +%s)
g=$(gid "prd-web-01 - Traffic - lo")
cap xport-traffic-lo-recent.csv "graph_xport.php?local_graph_id=$g&rra_id=0&graph_start=$((NOW - 900))&graph_end=$NOW"
g=$(gid "prd-web-01 - Load Average")
cap xport-load-recent.csv "graph_xport.php?local_graph_id=$g&rra_id=0&graph_start=$((NOW - 900))&graph_end=$NOW"
# graph_start alone, inside the last 5 minutes: headers, no rows
cap xport-start-only-recent.csv "graph_xport.php?local_graph_id=$g&rra_id=0&graph_start=-120"
HDR=1 cap xport-missing-graph.txt "graph_xport.php?local_graph_id=999999&rra_id=0&graph_start=$START&graph_end=$END"
rm -f "$JAR"
HDR=1 cap xport-no-session.html "graph_xport.php?local_graph_id=$g&rra_id=0&graph_start=$START&graph_end=$END"
cap graph_json-no-session.json "graph_json.php?local_graph_id=$g&rra_id=0&graph_start=$START&graph_end=$END"
f=$(awk -F'\t' -v g="$g" '$1 == g && $9 == "load_1min" { print $8; exit }' "$CACTI_DIR/graphs.tsv")
rrdtool xport --json --showtime -s "$START" -e "$END" "DEF:a=$f:load_1min:AVERAGE" 'XPORT:a:1 Minute Average' \
    > "$OUT/rrdtool-xport-load_1min.json"
echo "  rrdtool-xport-load_1min.json"
{ echo "window: graph_start=$START graph_end=$END ($(date -u -d "@$START" '+%F %T') .. $(date -u -d "@$END" '+%T') UTC)"
  echo "recent: graph_start=$((NOW - 900)) graph_end=$NOW; lab up since $(sed -n 's/^LAB_STARTED=//p' "$LAB_RUN/lab.state") ($LAB_MODE mode)"
} | tee "$OUT/window.txt"
