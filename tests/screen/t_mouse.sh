# Mouse: click a tab, a row, a column header; the wheel scrolls.
. tests/screen/lib.sh

# An X10 mouse report (what TERM=screen sends): button, column, line.
mouse() {
    tm send-keys -t t -l "$(printf '\033[M%b%b%b' \
        "\\$(printf %03o $(( $1 + 32 )))" \
        "\\$(printf %03o $(( $2 + 33 )))" "\\$(printf %03o $(( $3 + 33 )))")"
}
click() { mouse 0 "$1" "$2"; mouse 3 "$1" "$2"; }

start_shell 100 30
start_mctop
click 14 1                                   # the "2 Alerts" tab
wait_for 'STATE.? +FLAGS +HOST +SERVICE'
click 3 1                                    # back to "1 Hosts"
wait_for 'STATE.? +FLAGS +HOST +ENV'
key d
wait_for 'Detail'
host=$(screen | sed -n '8p' | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^(dev|tst|ppd|prd)-/) { print $i; exit } }')
[ -n "$host" ] || fail "no host on line 8"
click 20 7                                   # that row
wait_for "^ $host *\$"                       # the detail pane follows
col=$(screen | sed -n '3p' | awk '{ print index($0, "HOST") }')
click $((col + 1)) 2                         # the HOST header: sort by it
wait_for 'HOST▲'
click $((col + 1)) 2                         # again: reversed
wait_for 'HOST▼'
key d
first=$(rows | sed -n '1p')
mouse 65 20 10                               # wheel down
i=0                                          # until it draws (5 s)
while [ "$(rows | sed -n '1p')" = "$first" ]; do
    i=$((i + 1))
    [ $i -lt 100 ] || fail "the wheel did not scroll"
    sleep 0.05
done
expect_not '^ Detail'
click 20 5                                   # a double click opens the pane
click 20 5
wait_for '^ Detail'
key q
wait_prompt
