#!/bin/sh
# The search server (Elasticsearch API and Kibana console proxy) through
# the bastion only: query_string, bool + range with date math, sort +
# search_after paging, date_histogram, hits.total forms, every error
# (400 root_cause, 404, wildcard without match, 401, 403, 429, partial
# shards, timed_out), the Kibana proxy with and without kbn-xsrf, a
# document indexed while running, hostile documents, and that the server
# cannot be reached directly from the workstation. Also runs the engine's
# own unit tests (search/test_searchd.py).
. "$(dirname "$0")/testlib.sh"
. "$LAB_DIR/search.sh"

lab_has search || fail "the search module was not started with the lab (LAB_MODULES)"
[ -r "$LAB_SEARCH_DIR/curl-mctop.cfg" ] || fail "no credentials in $LAB_SEARCH_DIR"

# The engine's self-test first: it needs no network.
out=$(cd "$LAB_DIR/search" && "${LAB_PYTHON:-/usr/bin/python3}" -B -m unittest -q test_searchd 2>&1) ||
    fail "search/test_searchd.py: $(printf '%s\n' "$out" | tail -n 15)"
ok "engine self-test (search/test_searchd.py)"

tunnel es "$LAB_SEARCH_IP" "$LAB_SEARCH_PORT"; ES_SOCK=$T_SOCK
tunnel kb "$LAB_SEARCH_IP" "$LAB_KIBANA_PORT"; KB_SOCK=$T_SOCK
HDR=$T_TMP/headers

# req SOCK BASEURL WHO METHOD PATH [BODY] [curl args]: body in $B, headers
# in $HDR, status in $CODE. WHO is a user (curl-WHO.cfg), apikey or none.
req() {
    r_sock=$1 r_base=$2 r_who=$3 r_method=$4 r_path=$5 r_body=${6:-}
    shift 5
    [ $# -gt 0 ] && shift
    if [ -n "$r_body" ]; then
        set -- -H 'Content-Type: application/json' --data-binary "$r_body" "$@"
    fi
    if [ "$r_who" != none ]; then set -- -K "$LAB_SEARCH_DIR/curl-$r_who.cfg" "$@"; fi
    if [ "$LAB_SEARCH_TLS" = 1 ]; then set -- --cacert "$LAB_SEARCH_CA" "$@"; fi
    curl -sS --max-time 60 --unix-socket "$r_sock" -X "$r_method" -D "$HDR" -o "$B" \
        -w '%{http_code}' "$@" "$r_base$r_path" > "$T_TMP/code" ||
        fail "curl $r_method $r_path through the bastion failed"
    CODE=$(cat "$T_TMP/code")
}
es() { req "$ES_SOCK" "$LAB_SEARCH_URL" "$@"; }
kb() { req "$KB_SOCK" "$LAB_KIBANA_URL" "$@"; }
search() { es mctop POST "/logstash-*/_search" "$@"; }
# jq refuses lone UTF-16 surrogate escapes, which the hostile documents
# carry (as Elasticsearch can return them): hand it U+FFFD instead.
j() { sed 's/\\u[dD][89a-fA-F][0-9a-fA-F][0-9a-fA-F]/\\uFFFD/g' "$B" | jq -r "$@"; }
expect() {
    [ "$CODE" = "$1" ] || fail "$2: HTTP $CODE, expected $1: $(head -c 600 "$B")"
}

# --- query_string ------------------------------------------------------
search '{"size":200,"track_total_hits":true,"query":{"query_string":{"query":"(host.name:prd-web-01 OR host.keyword:tst-app-01) AND (log.level:ERROR OR level:ERROR)","analyze_wildcard":true,"default_field":"*"}}}'
expect 200 "query_string search"
n=$(j '.hits.total.value')
[ "$n" -gt 0 ] || fail "query_string: no hits"
bad=$(j '[.hits.hits[]._source | select(((.host.name? // .host) as $h | ($h == "prd-web-01" or $h == "tst-app-01")) and ((.log.level? // .level) == "ERROR") | not)] | length')
[ "$bad" = 0 ] || fail "query_string: $bad hits do not match the query"
ok "query_string: $n ERROR documents of prd-web-01 (ECS) and tst-app-01 (classic)"

# --- bool + range with date math -------------------------------------
now=$(now_ms)
search '{"size":1000,"track_total_hits":true,"sort":[{"@timestamp":{"order":"desc","unmapped_type":"boolean"}},{"_doc":{"order":"desc"}}],"_source":{"includes":["@timestamp","message","host.name","host","log.level","level"]},"query":{"bool":{"must":[{"query_string":{"query":"*","analyze_wildcard":true}}],"filter":[{"range":{"@timestamp":{"gte":"now-15m","lte":"now","format":"strict_date_optional_time"}}}],"should":[],"must_not":[]}}}'
expect 200 "bool + range now-15m"
n=$(j '.hits.total.value')
[ "$n" -gt 0 ] || fail "range now-15m: no documents in the last 15 minutes"
oldest=$(j '[.hits.hits[].sort[0]] | min')
newest=$(j '[.hits.hits[].sort[0]] | max')
[ "$oldest" -ge $((now - 15 * 60000 - 5000)) ] && [ "$newest" -le $((now + 5000)) ] ||
    fail "range now-15m returned documents from $oldest to $newest (now $now)"
[ "$(j '.hits.max_score')" = null ] && [ "$(j '.hits.hits[0]._score')" = null ] ||
    fail "sorted search: max_score/_score should be null"
ok "bool + range now-15m: $n documents, all inside the window, _score null when sorted"

midnight=$(date -u +%Y-%m-%dT00:00:00.000Z)
search '{"size":0,"track_total_hits":true,"query":{"range":{"@timestamp":{"gte":"now/d","lte":"now/d"}}}}'
a=$(j '.hits.total.value')
search '{"size":0,"track_total_hits":true,"query":{"bool":{"filter":[{"range":{"@timestamp":{"gte":"'"$midnight"'","lt":"now+1d/d"}}}]}}}'
b=$(j '.hits.total.value')
[ "$a" = "$b" ] && [ "$a" -gt 0 ] ||
    fail "now/d rounding: gte now/d lte now/d gave $a, gte $midnight lt now+1d/d gave $b"
ok "date math rounding: now/d .. now/d (rounded up) = today since $midnight ($a documents)"

# --- sort + search_after paging ---------------------------------------
lo=$(date -u -d "@$(( now / 1000 - 6 * 3600 ))" +%Y-%m-%dT%H:%M:%S.000Z)
hi=$(date -u -d "@$(( now / 1000 ))" +%Y-%m-%dT%H:%M:%S.000Z)
range='"query":{"bool":{"filter":[{"range":{"@timestamp":{"gte":"'"$lo"'","lte":"'"$hi"'","format":"strict_date_optional_time"}}}]}}'
sort='"sort":[{"@timestamp":{"order":"desc","unmapped_type":"boolean"}},{"_doc":{"order":"desc"}}]'
search '{"size":5000,"track_total_hits":true,"_source":false,'"$sort,$range"'}'
expect 200 "one-page reference search"
total=$(j '.hits.total.value')
j '.hits.hits[] | "\(._index)/\(._id)"' > "$T_TMP/all"
[ "$(wc -l < "$T_TMP/all")" -eq "$total" ] && [ "$total" -gt 300 ] ||
    fail "reference page: $(wc -l < "$T_TMP/all") hits of $total"
: > "$T_TMP/paged"
after= pages=0
while :; do
    search '{"size":250,"_source":false,"track_total_hits":false,'"$sort,$range$after"'}'
    expect 200 "search_after page $pages"
    [ "$(j '.hits.hits | length')" -gt 0 ] || break
    j '.hits.hits[] | "\(._index)/\(._id)"' >> "$T_TMP/paged"
    after=",\"search_after\":$(j -c '.hits.hits[-1].sort')"
    pages=$((pages + 1))
    [ $pages -lt 100 ] || fail "search_after does not end"
done
cmp -s "$T_TMP/all" "$T_TMP/paged" ||
    fail "search_after paging differs from one page: $(diff "$T_TMP/all" "$T_TMP/paged" | head -5)"
[ "$(sort "$T_TMP/paged" | uniq -d | wc -l)" -eq 0 ] || fail "duplicates while paging"
ok "sort + search_after: $pages pages of 250 = one page of $total (no gaps, no duplicates)"

# --- date_histogram -----------------------------------------------------
lo_ms=$(( now - 6 * 3600 * 1000 )); lo_ms=$(( lo_ms - lo_ms % 1000 ))
hi_ms=$(( now - now % 1000 ))
search '{"size":0,"track_total_hits":true,'"$range"',"aggs":{"0":{"date_histogram":{"field":"@timestamp","fixed_interval":"30m","min_doc_count":0,"extended_bounds":{"min":'"$lo_ms"',"max":'"$hi_ms"'}}}}}'
expect 200 "date_histogram"
sum=$(j '[.aggregations["0"].buckets[].doc_count] | add')
nb=$(j '.aggregations["0"].buckets | length')
steps=$(j '[.aggregations["0"].buckets | . as $b | range(1; length) | $b[.].key - $b[. - 1].key] | unique | @csv')
[ "$sum" = "$total" ] || fail "date_histogram: buckets sum to $sum, total is $total"
[ "$nb" -ge 12 ] && [ "$nb" -le 13 ] || fail "date_histogram: $nb buckets of 30m over 6 h"
[ "$steps" = 1800000 ] || fail "date_histogram: bucket steps $steps"
case $(j '.aggregations["0"].buckets[0].key_as_string') in
*:00:00.000Z | *:30:00.000Z) ;;
*) fail "date_histogram key_as_string $(j '.aggregations["0"].buckets[0].key_as_string')" ;;
esac
search '{"size":0,"query":{"range":{"@timestamp":{"gte":"now-1d"}}},"aggs":{"h":{"date_histogram":{"field":"@timestamp","calendar_interval":"1h","min_doc_count":1,"time_zone":"Europe/Warsaw"}}}}'
expect 200 "date_histogram calendar_interval"
case $(j '.aggregations.h.buckets[0].key_as_string') in
*:00:00.000+0[12]:00) ;;
*) fail "calendar_interval 1h in Europe/Warsaw: $(j '.aggregations.h.buckets[0].key_as_string')" ;;
esac
ok "date_histogram: $nb buckets of 30m sum to $total, calendar_interval with time_zone"

# --- hits.total forms --------------------------------------------------
search '{"size":0,"track_total_hits":false}'
[ "$(j '.hits | has("total")')" = false ] || fail "track_total_hits false: hits.total present"
search '{"size":0,"track_total_hits":10}'
[ "$(j -c '.hits.total')" = '{"value":10,"relation":"gte"}' ] ||
    fail "track_total_hits 10: $(j -c '.hits.total')"
search '{"size":0}'
[ "$(j '.hits.total.relation')" = eq ] || fail "default total: $(j -c '.hits.total')"
all=$(j '.hits.total.value')
es mctop GET "/logstash-*/_search?rest_total_hits_as_int=true&size=0"
[ "$(j '.hits.total')" = "$all" ] || fail "rest_total_hits_as_int: $(j -c '.hits.total'), expected $all"
ok "hits.total: omitted (false), {10,gte}, {$all,eq}, $all (rest_total_hits_as_int)"

# --- errors ------------------------------------------------------------
search '{"query":{"query_string":{"query":"heart("}}}'
expect 400 "bad query_string"
[ "$(j '.error.type')" = search_phase_execution_exception ] &&
[ "$(j '.error.root_cause[0].type')" = query_shard_exception ] &&
[ "$(j '.error.root_cause[0].reason')" = "Failed to parse query [heart(]" ] &&
[ "$(j '.status')" = 400 ] || fail "bad query_string body: $(head -c 400 "$B")"
j '.error.failed_shards[0].reason.caused_by.reason' | grep -q "^Cannot parse 'heart(': Encountered \"<EOF>\" at line 1, column 6." ||
    fail "bad query_string: caused_by is not Lucene's ParseException"
ok "400 bad query_string: search_phase_execution_exception, root_cause query_shard_exception"

search '{"query":{"no_such_query":{}}}'
expect 400 "unknown query"
[ "$(j '.error.root_cause[0].type')" = parsing_exception ] || fail "unknown query: $(head -c 300 "$B")"
search '{"query":{"regexp":{"message":"x.*"}}}'
expect 400 "unsupported query"
j '.error.reason' | grep -q '^lab search server: ' || fail "an unsupported query must say so: $(head -c 300 "$B")"
ok "400 parsing_exception for an unknown query; the lab's own 400 for a real but unsupported one"

es mctop POST "/logstash-nope/_search" '{}'
expect 404 "missing index"
[ "$(j '.error.type')" = index_not_found_exception ] &&
[ "$(j '.error.reason')" = "no such index [logstash-nope]" ] || fail "404 body: $(head -c 300 "$B")"
ok "404 index_not_found_exception for a missing concrete index"

es mctop POST "/logstash-nomatch-*/_search" '{}'
expect 200 "wildcard matching nothing"
[ "$(j '._shards.total')" = 0 ] && [ "$(j '.hits.total.value')" = 0 ] ||
    fail "wildcard without match: $(head -c 300 "$B")"
ok "wildcard matching nothing: 200 with _shards.total 0"

es none POST "/logstash-*/_search" '{}'
expect 401 "no credentials"
grep -qi '^WWW-Authenticate: Basic realm="security"' "$HDR" &&
grep -qi '^WWW-Authenticate: ApiKey' "$HDR" || fail "401 without WWW-Authenticate: $(cat "$HDR")"
[ "$(j '.error.type')" = security_exception ] &&
[ "$(j '.error.reason')" = "missing authentication credentials for REST request [/logstash-*/_search]" ] ||
    fail "401 body: $(head -c 300 "$B")"
printf 'user = "mctop:wrong-password"\n' > "$T_TMP/curl-wrong.cfg"
req "$ES_SOCK" "$LAB_SEARCH_URL" none POST "/logstash-*/_search" '{}' -K "$T_TMP/curl-wrong.cfg"
expect 401 "wrong password"
j '.error.reason' | grep -q '^unable to authenticate user \[mctop\]' || fail "wrong password: $(head -c 300 "$B")"
es apikey POST "/logstash-*/_search" '{"size":0}'
expect 200 "API key"
ok "401 with WWW-Authenticate (no credentials, wrong password); the API key works"

es nobody POST "/logstash-*/_search" '{}'
expect 403 "user without index privileges"
j '.error.reason' | grep -q 'is unauthorized for user \[nobody\]' || fail "403 body: $(head -c 300 "$B")"
es mctop POST "/logstash-2020.01.01/_doc" '{"message":"x"}'
expect 403 "read-only user indexing"
ok "403 security_exception (no index privilege; read-only user writing)"

search '{"size":0}' -H 'X-Lab-Fault: 429'
expect 429 "429 trigger header"
[ "$(j '.error.type')" = circuit_breaking_exception ] && [ "$(j '.status')" = 429 ] ||
    fail "429 body: $(head -c 300 "$B")"
es elastic POST /_lab/fault '{"fault":"429-rejected","count":1}'
expect 200 "arming a fault"
search '{"size":0}'
expect 429 "armed 429"
[ "$(j '.error.root_cause[0].type')" = es_rejected_execution_exception ] || fail "armed 429: $(head -c 300 "$B")"
search '{"size":0}'
expect 200 "after the armed fault"
ok "429: circuit_breaking_exception (X-Lab-Fault), es_rejected_execution_exception (armed once)"

search '{"size":1}' -H 'X-Lab-Fault: partial'
expect 200 "partial shard failure"
[ "$(j '._shards.failed')" = 1 ] && [ "$(j '._shards.failures[0].reason.type')" = node_not_connected_exception ] ||
    fail "partial: $(j -c '._shards')"
search '{"size":1}' -H 'X-Lab-Fault: timed_out'
[ "$(j '.timed_out')" = true ] || fail "timed_out trigger"
ok "partial shard failure in a 200; timed_out true"

# --- Kibana console proxy ---------------------------------------------
kb mctop POST "/api/console/proxy?path=%2Flogstash-*%2F_search&method=POST" '{"size":1}'
expect 400 "console proxy without kbn-xsrf"
[ "$(j '.message')" = "Request must contain a kbn-xsrf header." ] || fail "kbn-xsrf: $(cat "$B")"
kb mctop POST "/api/console/proxy?path=%2Flogstash-*%2F_search&method=POST" '{"size":1}' -H 'kbn-xsrf: mctop'
expect 200 "console proxy"
grep -qi '^x-console-proxy-status-code: 200' "$HDR" || fail "no x-console-proxy-status-code: $(cat "$HDR")"
[ "$(j '.hits.hits | length')" = 1 ] || fail "console proxy body: $(head -c 300 "$B")"
kb mctop POST "/api/console/proxy?path=%2Flogstash-nope%2F_search&method=GET" '' -H 'kbn-xsrf: mctop'
expect 200 "console proxy, missing index"
grep -qi '^x-console-proxy-status-code: 404' "$HDR" && [ "$(j '.error.type')" = index_not_found_exception ] ||
    fail "console proxy 404: $(cat "$HDR") $(head -c 200 "$B")"
kb none POST "/api/console/proxy?path=%2F_search&method=GET" '' -H 'kbn-xsrf: mctop'
expect 401 "console proxy without credentials"
kb mctop GET /api/status
expect 200 "Kibana status"
[ -n "$(j '.version.number')" ] || fail "/api/status: $(head -c 200 "$B")"
ok "Kibana proxy: 400 without kbn-xsrf, 200 + x-console-proxy-status-code (200, 404), 401, /api/status"

# --- a document indexed while running ---------------------------------
mark=m$(od -An -tx1 -N6 /dev/urandom | tr -d ' \n')
day=$(date -u +%Y.%m.%d)
ts=$(date -u +%Y-%m-%dT%H:%M:%S.000Z)
es writer POST "/logstash-$day/_doc" '{"@timestamp":"'"$ts"'","@version":"1","host":"tst-app-01","level":"ERROR","path":"/var/log/t_search.log","message":"t_search follow '"$mark"' arrived"}'
expect 201 "indexing a document"
id=$(j '._id')
found=0 i=0 t_idx=$(now_ms)
while [ $i -lt 50 ]; do
    search '{"query":{"bool":{"filter":[{"match_phrase":{"message":"follow '"$mark"' arrived"}},{"range":{"@timestamp":{"gte":"now-5m"}}}]}}}'
    if [ "$(j '.hits.total.value')" = 1 ]; then found=1; break; fi
    sleep 0.1; i=$((i + 1))
done
[ $found = 1 ] || fail "the document indexed while running did not appear within 5 s"
[ "$(j '.hits.hits[0]._id')" = "$id" ] || fail "found another document than $id"
es writer POST "/logstash-ecs-$day/_doc?refresh=wait_for" '{"@timestamp":"'"$ts"'","host":{"name":"prd-web-01"},"log":{"level":"WARN"},"message":"t_search ecs '"$mark"'"}'
expect 201 "indexing with refresh=wait_for"
search '{"query":{"match_phrase":{"message":"ecs '"$mark"'"}}}'
[ "$(j '.hits.total.value')" = 1 ] || fail "refresh=wait_for: not visible at once"
es writer POST "/logstash-$day/_doc" '{"@timestamp":"'"$ts"'","host":{"name":"x"},"message":"wrong shape"}'
expect 400 "ECS document into a classic index"
j '.error.reason' | grep -q 'failed to parse field \[host\] of type \[text\]' || fail "mapping conflict: $(head -c 300 "$B")"
ok "indexed while running: visible after $(( $(now_ms) - t_idx )) ms (refresh interval 1 s), refresh=wait_for at once, shape conflicts refused"

# --- hostile documents ----------------------------------------------------
search '{"size":100,"query":{"query_string":{"query":"tags:lab_hostile"}},"sort":[{"@timestamp":"desc"}]}'
expect 200 "hostile documents"
[ "$(j '.hits.total.value')" -ge 20 ] || fail "only $(j '.hits.total.value') hostile documents"
grep -q '\\u001B\[' "$B" || fail "no escaped ESC sequences in the hostile documents"
grep -q "$(printf '\302\233')" "$B" || fail "no C1 CSI (U+009B) in the hostile documents"
grep -q '\\uD800' "$B" || fail "no lone surrogate in the hostile documents"
# half of them lie in the 15 minutes before the documents were made (the
# server's start, when its password file was written), however long ago
made=$(stat -c %Y "$LAB_SEARCH_DIR/pass")
search '{"size":0,"track_total_hits":true,"query":{"bool":{"filter":[{"query_string":{"query":"tags:lab_hostile"}},{"range":{"@timestamp":{"gte":'$(( (made - 16 * 60) * 1000 ))',"format":"epoch_millis"}}}]}}}'
[ "$(j '.hits.total.value')" -ge 10 ] || fail "hostile documents in the 15 minutes before the server started: $(j '.hits.total.value')"
ok "hostile documents: $(j '.hits.total.value') in the last 15 minutes (ESC, C1, lone surrogates, ...)"

# --- isolation: only through the bastion ----------------------------------
if [ "$LAB_MODE" != netns ]; then
    fail "loopback mode: the search server is reachable directly (no isolation to test)"
fi
for url in "$LAB_SEARCH_URL/" "$LAB_KIBANA_URL/api/status"; do
    if err=$(curl -sS -k --max-time 5 -o /dev/null "$url" 2>&1); then
        fail "$url answered a direct connection from the workstation"
    fi
done
ok "direct connections from the workstation fail ($err)"
