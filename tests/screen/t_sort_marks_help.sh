# Sorting by a column, marking rows, the help overlay and the detail pane.
. tests/screen/lib.sh
start_shell 120 32
start_mctop
send ':sort host'
key Enter
wait_for 'HOST▲'
rows | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^(dev|tst|ppd|prd)-/) { print $i; break } }' > "$OUT/sorted.txt"
sort -c "$OUT/sorted.txt" || fail "hosts not in name order"
[ "$(wc -l < "$OUT/sorted.txt")" -ge 10 ] || fail "too few rows"
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
key q
wait_prompt
