# Text from a server cannot drive the terminal: a failing application's
# health check passes on its colour-coded log, with a title-setting OSC.
. tests/screen/lib.sh
start_shell 120 36
tm set-option -t t allow-rename on >/dev/null
tm select-pane -t t -T clean
SEED=2 start_mctop     # a seed with a failing application on a live host
key 2
wait_for 'SERVICE'
key H                                        # handled problems too
wait_for 'showing handled'
key /
send 'returned 503'
key Enter
wait_for ' of [0-9]+ problems'
rows | grep -q 'app-health' || fail "no failing application in the demo"
key Enter                                    # the detail pane
wait_for 'ERROR'
expect '␛\[31mERROR␛\[0m \[pool-3\]'        # ESC shown as a symbol
expect 'Datenbank fehlgeschlagen: 接続がタイムアウト'
expect '30000ms\.␛\]0;pwned␇'                # OSC and BEL neutralised
[ "$(tm display -p -t t '#{pane_title}')" = clean ] || fail "the pane title was changed"
# wide characters are measured: no line is longer than the terminal
[ "$(screen | LC_ALL=C.UTF-8 sed 's/./x/g' | awk 'length > 120' | wc -l)" -eq 0 ] ||
    fail "a line is wider than the terminal"
save detail
key q
wait_prompt
