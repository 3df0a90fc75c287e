#!/bin/sh
# Cacti graphs through the lab's bastion: mctop logs in to the real Cacti
# with its form, finds prd-web-01's device and graphs, and the graphs
# view's cursor reads the same values `rrdtool fetch` reads from the RRD
# files at the same times. The hosts view's sparkline column fills. A
# wrong password is reported as Cacti's "Access Denied"; with
# cacti_fallback = rrdtool the graphs come from the RRD files over SSH.
. "$(dirname "$0")/testlib.sh"
. "$LAB_DIR/mctoplib.sh"
. "$LAB_DIR/cacti.sh"

lab_has cacti || fail "the lab was started without Cacti (modules:$LAB_UP_MODULES)"
command -v rrdtool >/dev/null 2>&1 || fail "rrdtool is not installed"
HOST=prd-web-01
tsv=$CACTI_DIR/graphs.tsv
[ -s "$tsv" ] || fail "$tsv is missing: is Cacti up?"
RRA=$(awk -F'\t' -v h=$HOST '$3 == h { sub("/[^/]*$", "", $8); print $8; exit }' "$tsv")
[ -d "$RRA" ] || fail "no RRD directory for $HOST in $tsv"

m_ready() {
    m_wait ' lab ● live' 30
    m_wait '1 Hosts 2[0-9] ' 30
}

# rrd_at FILE DS T: rrdtool's value of DS in FILE for the step ending at T.
rrd_at() {
    rrdtool fetch "$1" AVERAGE -r 10 -s $(($3 - 30)) -e $(($3 + 10)) |
        awk -v t="$3:" -v ds="$2" '
            NR == 1 { for (i = 1; i <= NF; i++) if ($i == ds) c = i }
            $1 == t { print $(c + 1) }'
}

# close A B: the screen's 3 significant digits against rrdtool's value.
close() {
    awk -v a="$1" -v b="$2" 'BEGIN {
        if (b == "" || b ~ /nan/) exit 1
        d = a - b; if (d < 0) d = -d
        m = b < 0 ? -b : b
        exit !(d <= 0.006 * m + 0.0051)
    }'
}

# check_cursor FILES...: read the Load Average panel's cursor (time and the
# three series) and compare each with rrdtool fetch of its file.
# Sets SAME when rrdtool's value there equals the one a step earlier, and
# UNKNOWN when mctop shows none (the step in progress when it was fetched).
check_cursor() {
    scr=$(m_screen)
    when=$(printf '%s\n' "$scr" | sed -n 's/^Load Average .* \([0-9-]* [0-9:]*\) *$/\1/p')
    [ -n "$when" ] || { printf '%s\n' "$scr"; fail "no cursor time on the Load Average panel"; }
    T=$(TZ=UTC date -d "$when" +%s)
    SAME=1 UNKNOWN=0
    for s in "1 Minute Average:load_1min_" "5 Minute Average:load_5min_" "15 Minute Average:load_15min_"; do
        name=${s%%:*} pat=${s#*:}
        f=$(ls "$RRA/$HOST"_"$pat"*.rrd)
        ds=$(echo "$pat" | sed 's/_$//')
        shown=$(printf '%s\n' "$scr" | sed -n "s/^$name  *[^ ]*.* at *\\([-0-9.]*[kMG]*\\) *\$/\\1/p" | head -n 1)
        want=$(rrd_at "$f" "$ds" "$T")
        prev=$(rrd_at "$f" "$ds" $((T - 10)))
        case $shown in
        -) UNKNOWN=1; continue ;;
        *k|*M|*G) fail "unexpected unit on $name: $shown" ;;
        esac
        close "$shown" "$want" ||
            { printf '%s\n' "$scr"; fail "$name at $when: mctop shows '$shown', rrdtool fetch '$want'"; }
        [ "$want" = "$prev" ] || SAME=0
    done
}

# --- the graphs of a host, read through the cursor
m_start "$(m_conf)" TZ=UTC
m_ready
m_send ":graphs $HOST"
m_key Enter
m_wait "^ $HOST · 1h to now · [0-9]+ graphs" 30
m_wait '^Load Average ' 30
m_wait '^1 Minute Average .* min ' 30
m_wait 'Cacti: logged in as admin' 5
ok "graphs view: $HOST's graphs through the bastion, logged in with Cacti's form"

# focus Load Average (the panels are in Cacti's order)
i=0
until m_screen | grep -q '^Load Average .*[0-9]:[0-9][0-9]:[0-9][0-9] *$'; do
    i=$((i + 1))
    [ $i -le 6 ] || fail "cannot put the cursor on the Load Average panel"
    m_key Down Left
    sleep 0.3
done
checked=0 telling=0
tries=0
while [ $tries -lt 60 ]; do
    tries=$((tries + 1))
    check_cursor
    if [ $UNKNOWN = 0 ]; then
        checked=$((checked + 1))
        [ $SAME = 0 ] && telling=$((telling + 1))
    fi
    [ $telling -ge 3 ] && break
    m_key Left
    sleep 0.15
done
[ $checked -ge 3 ] || fail "only $checked points with values under the cursor"
[ $telling -ge 1 ] || fail "no point with a value that differs from the step before: nothing told"
ok "the cursor's values equal rrdtool fetch at the same time ($checked points, $telling where the value changed)"

# zoom and range keys ask again, and the values still match
m_key t
m_wait "^ $HOST · 6h to now" 10
m_wait '^1 Minute Average .* min ' 30
m_key T
m_wait "^ $HOST · 1h to now" 10
ok "range keys: 6h and back to 1h"

# the hosts view's column: a sparkline for the host
m_key 1
m_filter "$HOST"
# braille (U+2800..U+28FF) is E2 A0..A3 xx in UTF-8
braille=$(printf '\342[\240-\243]')
i=0
until m_screen | grep " $HOST " | LC_ALL=C grep -q "$braille"; do
    i=$((i + 1))
    [ $i -lt 150 ] || { m_screen; fail "no sparkline in $HOST's GRAPH column"; }
    sleep 0.2
done
ok "hosts view: the GRAPH column draws $HOST's Load Average as a sparkline"
m_key q
m_wait 'mctop-exited=0'

# --- a wrong password: Cacti's Access Denied, said in the graphs view
bad=$T_TMP/badpass
echo "wrong-$(lab_rand 4)" > "$bad"
m_start "$(m_conf "cacti_password_command = cat '$bad'")" TZ=UTC
m_ready
m_send ":graphs $HOST"
m_key Enter
m_wait 'Cacti login failed for admin: Access Denied' 30
ok "a wrong Cacti password: 'Access Denied' shown, no graphs invented"
m_key q
m_wait 'mctop-exited=0'

# --- the rrdtool fallback: web login fails, RRD files read over SSH
set -- $(lab_host 1)
m_start "$(m_conf "cacti_password_command = cat '$bad'" "cacti_fallback = rrdtool" \
    "cacti_rrd_host = $1" "cacti_rra_dir = $RRA")" TZ=UTC
m_ready
m_send ":graphs $HOST"
m_key Enter
m_wait "from RRD files" 60
m_wait 'load_1min \(rrdtool\)' 30
m_wait '^load_1min .* min ' 60
ok "cacti_fallback = rrdtool: $HOST's RRD files listed and read over SSH on $1"
m_key q
m_wait 'mctop-exited=0'
