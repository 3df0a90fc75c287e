#!/bin/sh
# Cacti, through the bastion only (an SSH tunnel to the Cacti address, and
# curl with Cacti's real URL): the login form with its CSRF token and
# session cookie, a failed login, the second user, the JSON host list, the
# tree, the graph list, graph_xport.php CSVs compared value by value with
# `rrdtool fetch` on the same RRD files, every graph's history, fresh
# data from the poller, the error answers; last, that the workstation
# cannot reach Cacti directly.
. "$(dirname "$0")/testlib.sh"
. "$LAB_DIR/cacti.sh"

lab_has cacti || fail "the lab was started without Cacti (modules:$LAB_UP_MODULES)"
for f in pass pass-viewer graphs.tsv; do
    [ -s "$CACTI_DIR/$f" ] || fail "$CACTI_DIR/$f is missing: is Cacti up?"
done
command -v rrdtool >/dev/null 2>&1 || fail "rrdtool is not installed"

# the lab's mctop config: the site's Cacti lines, the password by command
conf=$LAB_RUN/mctop.conf
for k in "cacti_url = $CACTI_URL" "cacti_user = admin"; do
    grep -qxF "$k" "$conf" || fail "$conf lacks '$k'"
done
cmd=$(sed -n 's/^cacti_password_command = //p' "$conf")
[ "$(sh -c "$cmd" </dev/null)" = "$(cat "$CACTI_DIR/pass")" ] ||
    fail "cacti_password_command ($cmd) does not print admin's password"
grep -qF "$(cat "$CACTI_DIR/pass")" "$conf" && fail "admin's password is in $conf"
[ "$(stat -c %a "$CACTI_DIR/pass")" = 600 ] || fail "$CACTI_DIR/pass is not mode 0600"
ok "mctop.conf: cacti_url, cacti_user; the password only through cacti_password_command (pass is 0600)"

tunnel cacti "$LAB_CACTI_IP" "$LAB_CACTI_PORT"
CSOCK=$T_SOCK
JAR=$T_TMP/jar
H=$T_TMP/headers

# get PATH [curl args]: the body in $B, headers in $H, status in $CODE;
# cookies from and to $JAR.
get() {
    t_p=$1; shift
    curl -sS --max-time 60 --unix-socket "$CSOCK" -c "$JAR" -b "$JAR" -D "$H" \
        -o "$B" -w '%{http_code}' "$@" "$CACTI_URL/$t_p" > "$T_TMP/code" ||
        fail "curl $CACTI_URL/$t_p through the bastion failed"
    CODE=$(cat "$T_TMP/code")
}
header() { tr -d '\r' < "$H" | sed -n "s/^$1: *//Ip" | head -n 1; }

# login USER PASSWORD: a fresh session, the form's CSRF token, the POST.
login() {
    rm -f "$JAR"
    get index.php
    [ "$CODE" = 200 ] || fail "GET index.php: HTTP $CODE"
    grep -q '<title>Login to Cacti' "$B" || fail "GET index.php: no login page"
    grep -q "^Set-Cookie: Cacti=" "$H" || fail "GET index.php: no Cacti session cookie"
    TOKEN=$(sed -n "s/.*name='__csrf_magic' value=\"\([^\"]*\)\".*/\1/p" "$B" | head -n 1)
    case $TOKEN in sid:*) ;; *) fail "no CSRF token in the login page ('$TOKEN')" ;; esac
    get index.php --data-urlencode "__csrf_magic=$TOKEN" --data-urlencode action=login \
        --data-urlencode "login_username=$1" --data-urlencode "login_password=$2"
}

# logged_in USER: a page fetched with the session shows USER logged in.
logged_in() {
    get graph_view.php
    [ "$CODE" = 200 ] || fail "GET graph_view.php: HTTP $CODE"
    grep -q "name='login_username'" "$B" && return 1
    grep -Eq "Logged in as (<span id='user'[^>]*>)?$1<" "$B"
}

# --- logins
login admin "wrong-$(lab_rand 4)"
[ "$CODE" = 200 ] || fail "a wrong password: HTTP $CODE, expected 200"
grep -q 'Access Denied' "$B" || fail "a wrong password: no 'Access Denied' in the answer"
logged_in admin && fail "a wrong password: the session is logged in"
ok "a wrong password: 200 with 'Access Denied', the session stays logged out"

login viewer "$(cat "$CACTI_DIR/pass-viewer")"
logged_in viewer || fail "the viewer user cannot log in"
ok "the second user (viewer) logs in"

login admin "$(cat "$CACTI_DIR/pass")"
[ "$CODE" = 302 ] || fail "admin's login: HTTP $CODE, expected 302"
case $(header Location) in */cacti/index.php) ;; *) fail "admin's login: Location '$(header Location)'" ;; esac
logged_in admin || fail "admin's login: the next page is not logged in"
ok "admin logs in (CSRF token + cookie, 302), a follow-up GET shows the session"

# --- hosts (JSON)
get "graph_view.php?action=ajax_hosts"
[ "$CODE" = 200 ] || fail "ajax_hosts: HTTP $CODE"
jq -e 'type == "array"' "$B" >/dev/null 2>&1 || fail "ajax_hosts: not a JSON array: $(head -c 200 "$B")"
set -- $(lab_host 1); H1=$1
set -- $(lab_host 2); H2=$1
set -- $(lab_host 3); H3="db server ($1)"
for d in lab-cacti lab-snmp "$H1" "$H2" "$H3"; do
    n=$(jq --arg d "$d" '[.[] | select(.label == $d and (.id | type) == "number")] | length' "$B")
    [ "$n" = 1 ] || fail "ajax_hosts: device '$d' found $n times: $(cat "$B")"
done
hid() { jq -r --arg d "$1" '.[] | select(.label == $d) | .id' "$B"; }
ID1=$(hid "$H1")
[ "$(jq -r '.[0].label + "," + .[1].label' "$B")" = "Any,None" ] || fail "ajax_hosts: no Any/None entries first"
ok "ajax_hosts: the 5 devices with numeric ids, Any and None first"

# --- the tree: Lab > Production > Web > prd-web-01
node() {   # node ID: the HTML fragment of a jsTree node (as its JS asks: tree_id=0)
    get "graph_view.php?action=get_node&tree_id=0&id=$1"
    [ "$CODE" = 200 ] || fail "get_node $1: HTTP $CODE"
}
child() {  # child TEXT: the id of the <li> whose link text is TEXT
    tr -d '\n' < "$B" | sed 's/<li /\n<li /g' |
        sed -n "s/^<li [^>]*id='\([^']*\)'.*>$1<\/a>.*/\1/p" | head -n 1
}
node '%23'
TREE=$(child Lab)
[ -n "$TREE" ] || fail "get_node #: no tree 'Lab': $(cat "$B")"
node "$TREE"
for h in Development Infrastructure Production Test; do
    [ -n "$(child "$h")" ] || fail "tree Lab: no header '$h'"
done
node "$(child Production)"
node "$(child Web)"
leaf=$(child "$H1")
case $leaf in
tbranch-*-host-"$ID1"-*) ;;
*) fail "tree Lab > Production > Web: no device leaf for $H1 (host $ID1): $(cat "$B")" ;;
esac
grep -q "class='deviceUp'[^>]*>$H1<" "$B" || fail "tree: $H1 is not up (SNMP availability)"
ok "tree Lab > Production > Web > $H1 ($leaf, deviceUp)"

# --- the graph list of prd-web-01 (all filters sent: they are sticky)
get "graph_view.php?action=list&host_id=$ID1&graph_template_id=-1&rfilter=&rows=1000&page=1&header=false"
[ "$CODE" = 200 ] || fail "graph list: HTTP $CODE"
graphs() { grep -o 'local_graph_id=[0-9]*&amp;rra_id=0">[^<]*</a>' "$B" | sed 's/local_graph_id=\([0-9]*\)&amp;rra_id=0">\(.*\)<\/a>/\1\t\2/'; }
GLOAD=$(graphs | awk -F'\t' -v t="$H1 - Load Average" '$2 == t { print $1 }')
GTRAF=$(graphs | awk -F'\t' -v t="$H1 - Traffic - lo" '$2 == t { print $1 }')
[ -n "$GLOAD" ] && [ -n "$GTRAF" ] || fail "graph list of $H1: no Load Average or Traffic graph: $(graphs | tr '\t\n' ': ')"
ok "graph list of $H1: $(graphs | wc -l) graphs (load $GLOAD, traffic $GTRAF)"

# --- graph_xport.php against rrdtool fetch on the same files
STEP=10
END=$(( ($(date +%s) - 300) / STEP * STEP ))
START=$((END - 1200))
xport() {  # xport GRAPH [START END]: the CSV in $B
    get "graph_xport.php?local_graph_id=$1&rra_id=0&graph_start=${2:-$START}&graph_end=${3:-$END}"
    [ "$CODE" = 200 ] || fail "graph_xport $1: HTTP $CODE"
}
# compare GRAPH: each named column equals rrdtool fetch of its RRD file's
# DS (times the CDEF's factor); Cacti labels a row one step after rrdtool.
compare() {
    g=$1
    xport "$g"
    printf '\357\273\277' | cmp -s -n 3 - "$B" || fail "xport $g: no UTF-8 byte-order mark"
    title=$(sed -n 's/^.*"Title","\(.*\)"$/\1/p' "$B")
    grep -q '^"Step","10"$' "$B" || fail "xport $g: step is not 10: $(grep Step "$B")"
    rows=$(grep -c '^"[0-9]' "$B")
    [ "$rows" -ge 60 ] || fail "xport $g ($title): $rows rows, expected at least 60"
    # the first row's label, as an epoch (PHP's timezone in the lab: UTC)
    first=$(grep -m 1 '^"[0-9]' "$B" | cut -d'"' -f2)
    t1=$(date -u -d "$first" +%s) || fail "xport $g: bad date '$first'"
    cols=$(grep '^"Date"' "$B" | tr -d '"' | tr ',' '\n' | tail -n +2)
    i=1
    for c in $(echo "$cols" | tr ' ' '_'); do
        i=$((i + 1))
        c=$(echo "$c" | tr '_' ' ')
        case $c in col[0-9]*-*) continue ;; esac
        src=$(awk -F'\t' -v g="$g" -v c="$c" '$1 == g && $6 == c { print $8 "\t" $9 "\t" $7; exit }' "$CACTI_DIR/graphs.tsv")
        [ -n "$src" ] || fail "xport $g: column '$c' not in graphs.tsv"
        file=$(echo "$src" | cut -f1); ds=$(echo "$src" | cut -f2); cdef=$(echo "$src" | cut -f3)
        case $cdef in
        '') factor=1 ;;
        'Turn Bytes into Bits') factor=8 ;;
        *) fail "xport $g: column '$c' uses CDEF '$cdef', which this test cannot compute" ;;
        esac
        rrdtool fetch "$file" AVERAGE -r "$STEP" -s "$START" -e "$END" > "$T_TMP/fetch" ||
            fail "rrdtool fetch $file failed"
        grep '^"[0-9]' "$B" | cut -d, -f"$i" | tr -d '"' > "$T_TMP/col"
        res=$(awk -v ds="$ds" -v t1="$t1" -v step="$STEP" -v f="$factor" '
            function isnan(v) { return tolower(v) ~ /nan/ }
            NR == FNR {                         # rrdtool fetch
                if (FNR == 1) { for (k = 1; k <= NF; k++) if ($k == ds) col = k + 1; next }
                if ($1 ~ /:$/) { t = substr($1, 1, length($1) - 1); v[t] = $col }
                next
            }
            {                                   # the xport column
                t = t1 + (FNR - 1) * step - step
                if (!(t in v)) { print "no rrdtool row for " t; exit }
                n++
                if (isnan($1) || isnan(v[t])) {
                    if (isnan($1) != isnan(v[t])) { print "at " t ": xport " $1 ", rrdtool " v[t]; exit }
                    nan++; next
                }
                d = $1 - v[t] * f; if (d < 0) d = -d
                m = $1 < 0 ? -$1 : $1
                if (d > 1e-6 * m + 1e-9) { print "at " t ": xport " $1 ", rrdtool " v[t] " x " f; exit }
                num++
            }
            END { if (col == "") print "no DS " ds " in the fetch"; else print "ok " n+0 " " num+0 " " nan+0 }
        ' "$T_TMP/fetch" "$T_TMP/col")
        case $res in
        "ok "*) set -- $res
                [ "$3" -ge 60 ] || fail "xport $g '$c': only $3 numeric values"
                echo "   $title / $c = $(basename "$file"):$ds x$factor: $2 rows equal ($3 numbers, $4 NaN)" ;;
        *) fail "xport $g ($title) column '$c' differs from rrdtool fetch $file $ds: $res" ;;
        esac
    done
}
compare "$GLOAD"
compare "$GTRAF"
grep -q '^"Date","col[0-9]*-[a-z]*","Inbound"' "$B" || fail "traffic xport: no helper colN column"
ok "graph_xport ($START..$END): load average and traffic equal rrdtool fetch on the same RRD files"

# --- every graph has at least 60 points of history
get "graph_view.php?action=list&host_id=-1&graph_template_id=-1&rfilter=&rows=1000&page=1&header=false"
ALL=$(graphs | cut -f1)
n=0
for g in $ALL; do
    xport "$g"
    num=$(grep '^"[0-9]' "$B" | awk -F'","' '{ for (k = 2; k <= NF; k++) { v = $k; gsub(/"/, "", v); if (v !~ /NaN/) { c++; break } } } END { print c + 0 }')
    [ "$num" -ge 60 ] || fail "graph $g ($(sed -n 's/^.*"Title","\(.*\)"$/\1/p' "$B")): $num rows with data, expected 60"
    n=$((n + 1))
done
[ "$n" -ge 20 ] || fail "only $n graphs listed"
ok "all $n graphs: at least 60 rows with data in 20 minutes"

# --- the poller keeps data coming
file=$(awk -F'\t' -v g="$GLOAD" '$1 == g { print $8; exit }' "$CACTI_DIR/graphs.tsv")
last=$(rrdtool lastupdate "$file" | sed -n 's/^\([0-9]*\):.*/\1/p')
age=$(( $(date +%s) - ${last:-0} ))
[ "$age" -le 60 ] || fail "$file was last updated $age s ago: is the poller running?"
ok "poller: $(basename "$file") updated $age s ago"

# --- error answers
get "graph_xport.php?local_graph_id=999999&rra_id=0&graph_start=$START&graph_end=$END"
[ "$CODE" = 500 ] || fail "xport of a missing graph: HTTP $CODE, expected 500"
rm -f "$JAR"
get "graph_xport.php?local_graph_id=$GLOAD&rra_id=0&graph_start=$START&graph_end=$END"
[ "$CODE" = 200 ] && grep -q "name='login_username'" "$B" ||
    fail "xport without a session: HTTP $CODE, expected 200 with the login page"
case $(header Content-Type) in text/html*) ;; *) fail "xport without a session: Content-Type $(header Content-Type)" ;; esac
ok "xport: a missing graph gives 500, no session gives the login page (text/html)"

# --- no direct way in
[ "$LAB_MODE" = netns ] ||
    fail "the lab runs in $LAB_MODE mode: Cacti is reachable directly, nothing is isolated"
t0=$(now_ms)
out=$(curl -sS --max-time 5 "$CACTI_URL/index.php" 2>&1)
rc=$?
ms=$(( $(now_ms) - t0 ))
[ $rc -ne 0 ] || fail "a direct connection from the workstation to Cacti worked: $(echo "$out" | head -c 200)"
# curl 7.88 says only "Couldn't connect to server" (exit 7); the route
# says why
[ $rc -eq 7 ] || fail "direct connection to Cacti: curl exit $rc ($out), expected 7 (cannot connect)"
[ "$ms" -lt 1000 ] || fail "the direct connection to Cacti took $ms ms to fail"
route=$(ip route get "$LAB_CACTI_IP" 2>&1) && fail "the workstation has a route to $LAB_CACTI_IP: $route"
ok "the workstation cannot reach $CACTI_URL directly (curl exit 7 in $ms ms; ip route get: $route)"
