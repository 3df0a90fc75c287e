# Log search on the demo site's Elasticsearch: the pivot from a host (L),
# the KQL query bar and Lucene, ranges, the document's fields and JSON,
# follow mode, the next error, a saved query where there is none, Esc
# back, and hostile log lines that never reach the terminal.
. tests/screen/lib.sh
start_shell 120 40
tm set-option -t t allow-rename on >/dev/null
tm select-pane -t t -T clean
start_mctop

# The hits shown: lines that start with a time (with the date or not).
hits() { screen | grep -E '^([0-9]{2}-[0-9]{2} )?[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} '; }
# Type a query in the query bar (/). It shows what is typed before Enter,
# so wait for the editor to open and to close (the cursor shown, then
# hidden) before looking for the search.
cursor_is() {
    i=0
    until [ "$(tm display -p -t t '#{cursor_flag}')" = "$1" ]; do
        i=$((i + 1))
        [ $i -lt 100 ] || fail "the cursor did not turn $1"
        sleep 0.05
    done
}
query() {
    key /
    cursor_is 1
    key C-u
    send "$1"
    key Enter
    cursor_is 0
}
# Wait for a finished search: hits, or the sentence for none (after the
# query bar or the title shows the new search: it starts in that frame).
wait_search() {
    wait_gone 'searching…' 20
    wait_for ' [0-9,]+ hits?|No documents match' 20
}

# --- the pivot: L on a host ------------------------------------------------
send '/prd-web-01'
key Enter
wait_for '^ +UP .* prd-web-01 '
key L
wait_for '5 Logs [0-9]'
wait_for '^ demo · logstash-\* · the demo.s Elasticsearch · '
wait_for '^ KQL +host\.name:"prd-web-01" or host:"prd-web-01" *$'
wait_search
wait_for '^TIME +HOST +LEVEL MESSAGE'
[ "$(hits | wc -l)" -ge 1 ] || fail "no hits for prd-web-01"
hits | grep -v ' prd-web-01 ' && fail "a hit of another host"
wait_for ' hits .* max [0-9,]+ per '                 # the histogram
save pivot

# --- ranges ------------------------------------------------------------------
key t
wait_for '· last 1h ·'
wait_search
key t
wait_for '· last 4h ·'
key T T
wait_for '· last 15m ·'
wait_search
send ':logs range 2h'
key Enter
wait_for '· last 2h ·'
wait_search

# --- the query bar: KQL, then Lucene ------------------------------------------
query 'host.name:prd-web-01 and not log.level:INFO'
wait_for '^ KQL +host\.name:prd-web-01 and not log\.level:INFO *$'
wait_search
hits | grep -E ' INFO ' && fail "INFO hits for a query without them"
key K
wait_for '^ Lucene +host\.name:prd-web-01 and not'
wait_for 'the query is read as Lucene'
query 'host.name:"prd-web-01" AND log.level:(WARN OR ERROR)'
wait_for '^ Lucene +host\.name:"prd-web-01" AND log\.level:\(WARN OR ERROR\)'
wait_search
hits | grep -Ev ' (WARN|ERROR) ' && fail "a hit that is not WARN or ERROR"
# a query Elasticsearch refuses: its reason, in the view
query 'message:(unbalanced'
wait_for 'Cannot parse|parse_exception|query_shard_exception' 10
key K
wait_for 'the query is read as KQL'

# --- every document of the last 15 minutes: next error, detail, JSON ----------
send ':logs *'
key Enter
wait_for '^ KQL +\* *$'
send ':logs range 15m'
key Enter
wait_for '· last 15m ·'
wait_search
key n
key Enter
wait_for '^ [0-9]{2}-[0-9]{2} [0-9:.]+ +(ERROR|FATAL|CRIT) ' 5
wait_for ' fields · 1-[0-9]+ of [0-9]+ *$'
wait_for '^ @timestamp +20[0-9]{2}-'
wait_for '^ _index +logstash-'
wait_for '^ message +'
save document
key J
wait_for ' JSON · 1-[0-9]+ of [0-9]+ *$'
wait_for '^ +"@timestamp": +"20'
key J
wait_for ' fields · '
key Escape
wait_for '^TIME +HOST +LEVEL MESSAGE'
key N

# --- follow mode -------------------------------------------------------------
# The cursor on the fourth hit stays on its document as new ones come in
# above it, which the title counts; on the top row it stays on top.
key g j j j Enter
id=$(screen | sed -n 's/^ _id  *\([^ ]*\) *$/\1/p')
[ -n "$id" ] || fail "no _id in the document"
key Escape
wait_for '^TIME +HOST +LEVEL MESSAGE'
key f
wait_for '● following'
wait_for 'following: new documents come in at the top'
wait_for '↑ [0-9,]+ new' 20
key Enter
wait_for "^ _id +$id *\$"
key Escape
wait_for '^TIME +HOST +LEVEL MESSAGE'
key g
wait_gone '↑ [0-9,]+ new'
top=$(hits | head -n 1)
i=0
until [ "$(hits | head -n 1)" != "$top" ]; do     # a newer hit on the top row
    i=$((i + 1))
    [ $i -lt 400 ] || fail "no new hit came in at the top"
    sleep 0.05
done
expect_not '↑ [0-9,]+ new'
key f
wait_gone '● following'

# --- saved queries: the demo site has none ------------------------------------
key o
wait_for 'site demo has no saved queries'

# --- hostile text: escapes from documents never reach the terminal -------------
send ':logs range 24h'
key Enter
wait_for '· last 24h ·'
query 'message:"user login ok" or message:"cleared by a log line" or message:"newlines"'
wait_for '^ KQL +message:"user login ok" or'
wait_search
wait_for '␛\]0;PWNED-TITLE␇user login ok'
wait_for '␛\[2J␛\[Hscreen cleared by a log line'
expect ' tabs and *$'                         # the first line only in the table
expect_not 'after blank lines'
[ "$(tm display -p -t t '#{pane_title}')" = clean ] || fail "the pane title was changed"
[ "$(screen | LC_ALL=C.UTF-8 sed 's/./x/g' | awk 'length > 120' | wc -l)" -eq 0 ] ||
    fail "a line is wider than the terminal"
expect '^ mctop '                              # nothing cleared the screen
save hostile
# the document shows every line of a multi-line message
query 'message:"after blank lines"'
wait_for '^ KQL +message:"after blank lines" *$'
wait_search
key Enter
wait_for '^ message +.* tabs and *$'
wait_for '^ +newlines *$'
wait_for '^ +indented *$'
wait_for '^ +after blank lines *$'
key J
wait_for '^ +"message": "[^"]*tabs\\tand\\nnewlines'
key Escape
wait_for '^TIME +HOST +LEVEL MESSAGE'

# --- the pivot from a problem: around its last state change ----------------------
key 2
wait_for 'SERVICE'
key L
wait_for '^ KQL +host\.name:"[^"]+" or host:"[^"]+" *$'
wait_for '^ demo · .* · (last 15m|20[0-9-]+ [0-9:]+ → [0-9 :-]+) · '
wait_search
save alert

# --- Esc: back to the alerts view, and the hosts view ----------------------------
key Escape
wait_for 'STATE.? +FLAGS +HOST +SERVICE'
key 1
wait_for 'STATE.? +FLAGS +HOST'
key 5
wait_for '^ KQL '
key q
wait_prompt
