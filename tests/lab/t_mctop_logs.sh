#!/bin/sh
# Log search through the lab's bastion against the lab's search server:
# the pivot from an alert, KQL and Lucene queries whose totals equal the
# server's own count for the same range, paging, follow mode with a
# document indexed while it runs, every error the issue lists (400 with
# Elasticsearch's reason, a KQL syntax error, a pattern matching nothing,
# a missing index, 401, 403, 429 with backoff, partial shard failures,
# timed_out) and the same search through Kibana's console proxy.
. "$(dirname "$0")/testlib.sh"
. "$LAB_DIR/mctoplib.sh"
. "$LAB_DIR/search.sh"

lab_has search || fail "the lab was started without the search server"

tunnel es "$LAB_SEARCH_IP" "$LAB_SEARCH_PORT"; ES_SOCK=$T_SOCK
# es WHO METHOD PATH [BODY]: the answer in $B, the status in $CODE.
es() {
    e_who=$1 e_method=$2 e_path=$3 e_body=${4:-}
    set -- -K "$LAB_SEARCH_DIR/curl-$e_who.cfg"
    [ -n "$e_body" ] && set -- "$@" -H 'Content-Type: application/json' --data-binary "$e_body"
    [ "$LAB_SEARCH_TLS" = 1 ] && set -- "$@" --cacert "$LAB_SEARCH_CA"
    CODE=$(curl -sS --max-time 60 --unix-socket "$ES_SOCK" -X "$e_method" -o "$B" \
        -w '%{http_code}' "$@" "$LAB_SEARCH_URL$e_path") ||
        fail "curl $e_method $e_path through the bastion failed"
}
# count QUERY_STRING: the server's total for it over the test's range.
count() {
    es mctop POST '/logstash-*/_search' '{"size":0,"track_total_hits":true,"query":{"bool":{"must":[{"query_string":{"query":"'"$1"'","default_field":"*"}}],"filter":[{"range":{"@timestamp":{"gte":"'"$FROM"'","lte":"'"$TO"'"}}}]}}}'
    [ "$CODE" = 200 ] || fail "count '$1': HTTP $CODE $(head -c 300 "$B")"
    sed 's/.*"total":{"value":\([0-9]*\).*/\1/' "$B"
}
fault() { es elastic POST /_lab/fault '{"fault":"'"$1"'","count":1}'; [ "$CODE" = 200 ] || fail "arming $1: $CODE"; }

m_ready() {
    m_wait ' lab ● live' 30
    m_wait '1 Hosts 2[0-9] ' 30
}
# shown: the hits total in the logs view's title line
shown() { m_screen | sed -n 's/^ lab · .* · \([0-9,]*\) hits\{0,1\} .*/\1/p' | head -n 1 | tr -d ,; }
query() { # query TEXT: type it in the query bar
    m_key /
    m_key C-u
    m_send "$1"
    m_key Enter
}

# A fixed range that ends when the documents were made: totals are stable.
made=$(stat -c %Y "$LAB_SEARCH_DIR/pass")
FROM=$(TZ=UTC date -d "@$((made - 6 * 3600))" +%Y-%m-%dT%H:%M:%SZ)
TO=$(TZ=UTC date -d "@$made" +%Y-%m-%dT%H:%M:%SZ)

# --- the pivot from an alert
m_start "$(m_conf)" TZ=UTC
m_ready
m_key 2
m_wait 'SERVICE'
m_filter 'prd-web-02'
m_wait 'CRIT .* prd-web-02 +http' 30
m_key L
m_wait '^ lab · logstash-\* · Elasticsearch https://[0-9.:]+ · ' 20
m_wait '^ KQL +host.name:"prd-web-02" or host:"prd-web-02"' 5
m_wait '(hits|hit) .* ago|No documents match' 30
m_screen | grep -E '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} ' | grep -v ' prd-web-02 ' &&
    fail "the pivot shows documents of other hosts"
ok "L on an alert: the logs view on prd-web-02 around its last state change, through the bastion"

# --- KQL and Lucene: the totals equal the server's count
m_send ":logs range $FROM $TO"
m_key Enter
query 'level:ERROR or log.level:ERROR'
m_wait '^ KQL +level:ERROR or log.level:ERROR' 5
m_wait ' hits .* ago' 30
want=$(count 'level:ERROR OR log.level:ERROR')
[ "$(shown)" = "$want" ] || fail "KQL: mctop shows $(shown) hits, the server counts $want"
[ "$want" -gt 0 ] || fail "KQL: no ERROR documents in the range"
ok "KQL level:ERROR or log.level:ERROR: $want hits, the server's own count"
m_key K
query 'message:*timeout* AND NOT host.name:prd-web-01'
m_wait '^ Lucene +message:\*timeout\* AND NOT host.name:prd-web-01' 5
m_wait ' hits .* ago' 30
want=$(count 'message:*timeout* AND NOT host.name:prd-web-01')
[ "$(shown)" = "$want" ] || fail "Lucene: mctop shows $(shown) hits, the server counts $want"
ok "Lucene message:*timeout* AND NOT host.name:prd-web-01: $want hits, the server's own count"

# --- paging: End loads the next page with search_after
query ''
m_wait ' hits .* ago' 30
total=$(shown)
[ "$total" -gt 400 ] || fail "only $total documents in the range: too few to page"
m_wait '200 loaded · End loads older' 10
m_key End
m_key End
m_wait '400 loaded' 30
ok "paging: 200 then 400 of $total loaded (search_after)"

# --- errors
query 'message:(oops'
m_wait 'Failed to parse query|Cannot parse' 30
ok "a bad Lucene query: Elasticsearch's 400 reason shown"
m_key K
query 'level:(error'
m_wait 'KQL: column [0-9]+' 10
ok "a KQL syntax error: the column, before any request"
query ''
m_wait ' hits .* ago' 30
fault 429
m_key R
m_wait '429: retrying in [0-9]+ s' 20
m_wait ' hits .* ago' 30
ok "429: 'retrying in N s', then the answer"
fault partial
m_key R
m_wait 'partial results: [0-9]+ of [0-9]+ shards failed' 30
ok "partial shard failures: shown as a warning with the hits"
fault timed_out
m_key R
m_wait 'partial results: the search timed out' 30
ok "timed_out: shown as a warning"
m_key q
m_wait 'mctop-exited=0'

# --- follow mode: a document indexed while mctop follows
m_start "$(m_conf)" TZ=UTC
m_ready
m_send ':logs'
m_key Enter
m_wait ' hits .* ago' 30
m_key f
m_wait '● following' 10
mark="mctop-follow-$(lab_rand 6)"
day=$(TZ=UTC date +%Y.%m.%d)
es writer POST "/logstash-$day/_doc?refresh=true" \
    '{"@timestamp":"'"$(TZ=UTC date +%Y-%m-%dT%H:%M:%S.000Z)"'","host":"prd-web-01","level":"ERROR","message":"'"$mark"' arrived"}'
case $CODE in 200 | 201) ;; *) fail "indexing a document: HTTP $CODE $(head -c 300 "$B")" ;; esac
m_wait "$mark arrived" 30
m_rows | sed -n '3,4p' | grep -q "$mark" || fail "the new document is not at the top"
ok "follow mode: a document indexed now appears at the top within seconds"
m_key q
m_wait 'mctop-exited=0'

# --- the index pattern and the credentials
m_start "$(m_conf 'elastic_index = nomatch-*')" TZ=UTC
m_ready
m_send ':logs'
m_key Enter
m_wait 'no index matches nomatch-\* \(the pattern matched nothing\)' 30
ok "an index pattern matching nothing: said so, not 'no logs'"
m_start "$(m_conf 'elastic_index = logstash-nosuchday')" TZ=UTC
m_ready
m_send ':logs'
m_key Enter
m_wait 'index_not_found_exception: no such index \[logstash-nosuchday\]' 30
ok "a missing index: 404 index_not_found_exception shown"
bad=$T_TMP/bad
echo "wrong-$(lab_rand 4)" > "$bad"
m_start "$(m_conf "elastic_password_command = cat '$bad'")" TZ=UTC
m_ready
m_send ':logs'
m_key Enter
m_wait 'refused the credentials \(401\)' 30
ok "a wrong password: 401 explained"
m_start "$(m_conf 'elastic_user = nobody' "elastic_password_command = cat '$LAB_SEARCH_DIR/nobody.pass'")" TZ=UTC
m_ready
m_send ':logs'
m_key Enter
m_wait 'not allowed \(403\)' 30
ok "a user without index privileges: 403 shown"
m_start "$(m_conf 'elastic_user =' 'elastic_password_command =' "elastic_api_key_command = cat '$LAB_SEARCH_DIR/api_key'")" TZ=UTC
m_ready
m_send ':logs'
m_key Enter
m_wait ' hits .* ago' 30
ok "an API key (Authorization: ApiKey) instead of a user and password"

# --- Kibana's console proxy
m_start "$(m_conf 'elastic_url =' "kibana_url = $LAB_KIBANA_URL")" TZ=UTC
m_ready
m_send ":logs range $FROM $TO"
m_key Enter
query 'level:ERROR or log.level:ERROR'
m_wait '^ lab · logstash-\* · Kibana https://[0-9.:]+ \(console proxy\)' 20
m_wait ' hits .* ago' 30
want=$(count 'level:ERROR OR log.level:ERROR')
[ "$(shown)" = "$want" ] || fail "Kibana: mctop shows $(shown) hits, the server counts $want"
ok "through Kibana's console proxy (kbn-xsrf; the status in x-console-proxy-status-code): $want hits"
m_key q
m_wait 'mctop-exited=0'
