# Sorting by a column, marking rows, the help overlay and the detail pane.
. tests/screen/lib.sh
start_shell 120 32
start_mctop
send ':so'
key Tab                            # completion: command names...
wait_for '^:sort *$'
send 'ho'
key Tab                            # ...and their arguments
wait_for '^:sort host *$'
key Enter
wait_for 'HOST▲'
rows | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^(dev|tst|ppd|prd)-/) { print $i; break } }' > "$OUT/sorted.txt"
sort -c "$OUT/sorted.txt" || fail "hosts not in name order"
[ "$(wc -l < "$OUT/sorted.txt")" -ge 10 ] || fail "too few rows"
# the cursor stays on its object when the order changes
key Down
key Down
key Down
key d
wait_for '^ Detail'
before=$(screen | grep -A1 '^ Detail' | tail -1)
key '>'
wait_for 'ENV▲'
sleep 0.2
[ "$(screen | grep -A1 '^ Detail' | tail -1)" = "$before" ] || fail "the cursor left$before"
key '<'
wait_for 'HOST▲'
key d
key I                              # reverse
wait_for 'HOST▼'
key '>'                            # next column
wait_for 'ENV▲'
key Space
key Space
wait_for '2 marked'
key C-a
wait_for '[0-9]+ marked'
key 'C-\'
wait_for 'marks cleared'
key '?'
wait_for 'Keys \(Esc closes'
expect 'Quit mctop'
expect 'Everywhere'
key Escape
wait_gone 'Keys \(Esc closes'
key d
wait_for 'Detail'
wait_for 'Services \([0-9]+\)'
expect 'Host +(dev|tst|ppd|prd)-'
key 2
key Enter
wait_for 'State since'
key :
key Up                             # history
wait_for '^:sort host'
key Escape
wait_gone '^:sort host'
key q
wait_prompt
