# Graphs from the demo site's Cacti: the hosts view's GRAPH column, the
# graphs view of a host (panels, ranges, zoom, the cursor's readout), the
# filter over panels, and Esc back.
. tests/screen/lib.sh
start_shell 120 40
start_mctop
wait_for 'GRAPH'
# the column fills with braille sparklines (E2 A0..A3 xx in UTF-8)
braille=$(printf '\342[\240-\243]')
i=0
until [ "$(rows | LC_ALL=C grep -c "$braille")" -ge 3 ]; do
    i=$((i + 1))
    [ $i -lt 100 ] || fail "no sparklines in the GRAPH column"
    sleep 0.05
done
send '/prd-web-01'
key Enter
wait_for '^ +UP .* prd-web-01 '
key v
wait_for '^ prd-web-01 · 1h to now · 4 graphs'
wait_for '4 Graphs 4'
wait_for '^CPU Usage +percent'
wait_for '^Load Average +processes in the run queue'
wait_for '^1 Minute Average .* min [0-9.]+ +avg [0-9.]+ +max [0-9.]+ +last [0-9.]+'
wait_for '^Traffic - eth0 +bits per second'
wait_for '^Inbound .* min [0-9.]+[kM]? '
# ranges
key t
wait_for '^ prd-web-01 · 6h to now'
key t t t
wait_for '^ prd-web-01 · 1m to now'
key t
wait_for '^ prd-web-01 · 1h to now'
key T
wait_for '^ prd-web-01 · 1m to now'
send ':graphs range 1h'
key Enter
wait_for '^ prd-web-01 · 1h to now'
# zoom in around the middle, then move earlier: an absolute end
key +
wait_for '^ prd-web-01 · 30m00s to 20[0-9-]+ [0-9:]+'
key '['
wait_for '^ prd-web-01 · 30m00s to 20[0-9-]+ [0-9:]+'
key 0
wait_for '^ prd-web-01 · 1h to now'
# the cursor on the focused panel (the first): its time and values
key Left Left Left
wait_for '^CPU Usage .* 20[0-9][0-9]-[0-9-]+ [0-9:]+ *$'
wait_for '^System .* at +[0-9.]+ *$'
key Escape
wait_for '^System .* min '
# the filter keeps the panels whose title matches
send '/traffic'
key Enter
wait_for '^ prd-web-01 · 1h to now · 1 graph$'
expect_not '^CPU Usage'
key Escape
wait_for '· 4 graphs'
# Esc again goes back to the hosts view
key Escape
wait_for 'STATE.? +FLAGS +HOST'
key q
wait_prompt
