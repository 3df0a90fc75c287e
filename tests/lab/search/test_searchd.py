"""Fast self-test of the search server's engine, without the network.

    cd tests/lab/search && python3 -B -m unittest -q test_searchd

Covers date math, the query_string parser and its errors, the query DSL
and its 400s, sorting and search_after paging, totals, _source filtering,
date_histogram, auth errors, indexing with refresh, bulk, the Kibana proxy.
"""

import base64
import json
import os
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True         # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import analysis  # noqa: E402
import datemath  # noqa: E402
import engine as engine_mod  # noqa: E402
import gen  # noqa: E402
import jsonpos  # noqa: E402
import kibana as kibana_mod  # noqa: E402
import lucene  # noqa: E402
from store import Store  # noqa: E402
import testcreds  # noqa: E402

NOW = datemath.parse("2024-03-11T10:39:54.962Z")
H = 3600000


def basic(user, pw):
    return "Basic " + base64.b64encode(("%s:%s" % (user, pw)).encode()).decode()


class Lab:
    """An engine with a small known data set plus generated documents."""

    def __init__(self, es_version="8.15.0", generated=200, max_rps=0):
        self.dir = tempfile.mkdtemp(prefix="searchd-test-")
        users, keys = testcreds.write_auth_files(self.dir)
        cfg = engine_mod.Config()
        cfg.es_version = es_version
        cfg.users_file, cfg.keys_file = users, keys
        cfg.max_rps = max_rps
        self.store = Store(refresh_interval=3600, id_seed="test")
        now = datemath.now_ms()
        self.now = now
        known = [
            ("logstash-a", {"@timestamp": datemath.iso(now - 60000), "host": "prd-web-01",
                            "level": "ERROR", "message": "Connection refused to db-01",
                            "status": 500, "path": "/api/orders"}),
            ("logstash-a", {"@timestamp": datemath.iso(now - 120000), "host": "prd-web-02",
                            "level": "INFO", "message": "GET /health 200",
                            "status": 200, "path": "/health"}),
            ("logstash-a", {"@timestamp": datemath.iso(now - 2 * H), "host": "tst-app-01",
                            "level": "WARN", "message": "slow query took 2300 ms",
                            "status": 200}),
            ("logstash-ecs-b", {"@timestamp": datemath.iso(now - 30000),
                                "host": {"name": "prd-app-01"},
                                "log": {"level": "ERROR"},
                                "message": "java.net.SocketTimeoutException: Read timed out",
                                "event": {"original": "raw line"}}),
            ("logstash-ecs-b", {"@timestamp": datemath.iso(now - 3 * 86400000),
                                "host": {"name": "prd-db-01"}, "log": {"level": "INFO"},
                                "message": "checkpoint complete"}),
        ]
        for index, src in known:
            self.store.add_loaded(index, src, self.store.new_id())
        hosts = gen.load_hosts(None)
        for index, src in gen.generate(hosts, generated, 7, now):
            self.store.add_loaded("gen-" + index, src, self.store.new_id())
        self.engine = engine_mod.Engine(cfg, self.store, log=lambda m: None)

    def req(self, method, path, body=None, auth=("mctop", "mpw"), headers=None):
        h = {"content-type": "application/json"}
        if auth:
            h["authorization"] = basic(*auth)
        h.update(headers or {})
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
        r = self.engine.handle(method, path, h, data or b"")
        out = json.loads(r.body) if r.body and r.body[:1] in b"{[" else r.body
        return r.status, dict((k.lower(), v) for k, v in r.headers), out

    def search(self, body, path="/logstash-*/_search", **kw):
        if path.startswith("/gen-") and "auth" not in kw:
            kw["auth"] = ("elastic", "epw")
        return self.req("POST", path, body, **kw)


class DateMathTest(unittest.TestCase):
    def iso(self, v, **kw):
        return datemath.iso(datemath.parse(v, now=NOW, **kw))

    def test_relative(self):
        self.assertEqual(self.iso("now"), "2024-03-11T10:39:54.962Z")
        self.assertEqual(self.iso("now-15m"), "2024-03-11T10:24:54.962Z")
        self.assertEqual(self.iso("now-7d"), "2024-03-04T10:39:54.962Z")
        self.assertEqual(self.iso("now+1M"), "2024-04-11T10:39:54.962Z")

    def test_rounding(self):
        self.assertEqual(self.iso("now/d"), "2024-03-11T00:00:00.000Z")
        self.assertEqual(self.iso("now/d", round_up=True), "2024-03-11T23:59:59.999Z")
        self.assertEqual(self.iso("now-1d/d"), "2024-03-10T00:00:00.000Z")
        self.assertEqual(self.iso("now/M"), "2024-03-01T00:00:00.000Z")
        self.assertEqual(self.iso("now/w"), "2024-03-11T00:00:00.000Z")   # a Monday
        self.assertEqual(self.iso("now/h", tz="+05:30"), "2024-03-11T10:30:00.000Z")
        self.assertEqual(self.iso("now/d", tz="Europe/Warsaw"), "2024-03-10T23:00:00.000Z")

    def test_absolute_and_anchor(self):
        self.assertEqual(self.iso("2024-03-11"), "2024-03-11T00:00:00.000Z")
        self.assertEqual(self.iso("2024-03-11", round_up=True), "2024-03-11T23:59:59.999Z")
        self.assertEqual(self.iso("2024-03-11T10:00:00+02:00"), "2024-03-11T08:00:00.000Z")
        self.assertEqual(self.iso("2024-01-31||+1M/d"), "2024-02-29T00:00:00.000Z")
        self.assertEqual(self.iso("1710153594962", fmt="epoch_millis"), "2024-03-11T10:39:54.962Z")
        self.assertEqual(self.iso("11/03/2024 10:00", fmt="dd/MM/yyyy HH:mm"),
                         "2024-03-11T10:00:00.000Z")
        self.assertEqual(datemath.parse(1710153594962), 1710153594962)

    def test_errors(self):
        for bad, reason in [
                ("now-15x", "unit [x] not supported for date math [-15x]"),
                ("now/2d", "rounding `/` can only be used on single unit types [/2d]"),
                ("now+", "truncated date math [+]"),
                ("now*2", "operator not supported for date math [*2]")]:
            with self.assertRaises(datemath.DateError) as cm:
                datemath.parse(bad, now=NOW)
            self.assertEqual(cm.exception.cause["reason"], reason)
        with self.assertRaises(datemath.DateError) as cm:
            datemath.parse("yesterday")
        self.assertTrue(cm.exception.cause["reason"].startswith(
            "failed to parse date field [yesterday] with format "
            "[strict_date_optional_time||epoch_millis]"))

    def test_format_output(self):
        self.assertEqual(datemath.format_ms(NOW, tz="-01:00"), "2024-03-11T09:39:54.962-01:00")
        self.assertEqual(datemath.format_ms(NOW, "epoch_millis"), "1710153594962")
        self.assertEqual(datemath.format_ms(NOW, "yyyy.MM.dd"), "2024.03.11")


class LuceneTest(unittest.TestCase):
    def test_no_precedence(self):
        # Lucene's addClause: AND makes both sides required, OR optional.
        self.assertEqual(repr(lucene.parse("a OR b AND c")),
                         "Bool(Term(None:a), +Term(None:b), +Term(None:c))")
        self.assertEqual(repr(lucene.parse("a AND b OR c")),
                         "Bool(+Term(None:a), +Term(None:b), Term(None:c))")
        self.assertEqual(repr(lucene.parse("status:500 AND NOT path:\"/health\"")),
                         "Bool(+Term(status:500), -Quoted(path:/health))")
        self.assertEqual(repr(lucene.parse("a && b || !c")),
                         "Bool(+Term(None:a), +Term(None:b), -Term(None:c))")

    def test_terms(self):
        self.assertEqual(repr(lucene.parse("prd-web-01")), "Term(None:prd-web-01)")
        self.assertEqual(repr(lucene.parse("host.name:web*")), "Prefix(host.name:web)")
        self.assertEqual(repr(lucene.parse("w?b*")), "Wildcard(None:w?b*)")
        self.assertEqual(repr(lucene.parse("@timestamp:[now-1h TO now}")),
                         "Range(@timestamp:[now-1h TO now})")
        self.assertEqual(repr(lucene.parse("city.\\*:x")), "Term(city.*:x)")
        self.assertEqual(repr(lucene.parse("level:(ERROR OR WARN)")),
                         "Bool(Term(level:ERROR), Term(level:WARN))")
        self.assertEqual(repr(lucene.parse("bytes:{* TO 100]")), "Range(bytes:{None TO 100])")

    def parse_error(self, q):
        with self.assertRaises(lucene.LuceneSyntaxError) as cm:
            lucene.parse(q)
        return lucene.syntax_error_reason(q, cm.exception)

    def test_contract_error_verbatim(self):
        # contract §3.2, VERBATIM
        self.assertEqual(self.parse_error("heart("),
                         "Cannot parse 'heart(': Encountered \"<EOF>\" at line 1, column 6.\n"
                         "Was expecting one of:\n    <NOT> ...\n    \"+\" ...\n    \"-\" ...\n"
                         "    <BAREOPER> ...\n    \"(\" ...\n    \"*\" ...\n    <QUOTED> ...\n"
                         "    <TERM> ...\n    <PREFIXTERM> ...\n    <WILDTERM> ...\n"
                         "    <REGEXPTERM> ...\n    \"[\" ...\n    \"{\" ...\n    <NUMBER> ...\n"
                         "    <TERM> ...\n    ")

    def test_other_errors(self):
        self.assertIn('Encountered " ")" ") "" at line 1, column 3.', self.parse_error("foo)"))
        self.assertIn("Lexical error at line 1, column 4.", self.parse_error('"foo'))
        self.assertIn('Encountered "<EOF>" at line 1, column 5.', self.parse_error("a AND"))
        self.assertIn('Was expecting:\n    "TO" ...', self.parse_error("x:[a b]"))


class AnalysisTest(unittest.TestCase):
    def test_standard_tokenizer(self):
        self.assertEqual(analysis.tokenize("prd-web-01 GET /api/v1?id=3"),
                         ["prd", "web", "01", "get", "api", "v1", "id", "3"])
        self.assertEqual(analysis.tokenize("10.77.0.5 foo.bar ERROR: don't"),
                         ["10.77.0.5", "foo.bar", "error", "don't"])
        self.assertEqual(analysis.tokenize("连接 カタカナ"), ["连", "接", "カタカナ"])


class SearchTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.lab = Lab()

    def ids(self, body, path="/logstash-*/_search"):
        st, _h, out = self.lab.search(body, path)
        self.assertEqual(st, 200, out)
        return [h["_source"].get("host") if isinstance(h["_source"].get("host"), str)
                else h["_source"]["host"]["name"] for h in out["hits"]["hits"]]

    def qs(self, q, **opts):
        return sorted(self.ids({"query": {"query_string": dict(query=q, **opts)}}))

    def test_query_string(self):
        # host is text in the classic index: prd-web-01 → prd OR web OR 01
        self.assertEqual(self.qs("host:prd-web-01"), ["prd-web-01", "prd-web-02", "tst-app-01"])
        self.assertEqual(self.qs("host.keyword:prd-web-01"), ["prd-web-01"])
        self.assertEqual(self.qs('host:"prd-web-01"'), ["prd-web-01"])
        self.assertEqual(self.qs("host.name:prd-app-01"), ["prd-app-01"])
        self.assertEqual(self.qs("level:ERROR OR log.level:ERROR"), ["prd-app-01", "prd-web-01"])
        self.assertEqual(self.qs("refused"), ["prd-web-01"])
        self.assertEqual(self.qs("status:>=500"), ["prd-web-01"])
        self.assertEqual(self.qs("status:[200 TO 499]"), ["prd-web-02", "tst-app-01"])
        self.assertEqual(self.qs("NOT level:INFO AND NOT log.level:INFO"),
                         ["prd-app-01", "prd-web-01", "tst-app-01"])
        self.assertEqual(self.qs("_exists_:log.level"), ["prd-app-01", "prd-db-01"])
        self.assertEqual(self.qs("host.name:prd-*"), ["prd-app-01", "prd-db-01"])
        self.assertEqual(self.qs("conn*", analyze_wildcard=True), ["prd-web-01"])
        self.assertEqual(self.qs('message:"read timed out"'), ["prd-app-01"])
        self.assertEqual(self.qs("refused AND status:200", default_field="message"), [])
        self.assertEqual(self.qs("@timestamp:[now-90s TO now]"), ["prd-app-01", "prd-web-01"])
        self.assertEqual(self.qs("quety~", default_field="message"), ["tst-app-01"])

    def test_dsl(self):
        r = lambda q: sorted(self.ids({"query": q}))    # noqa: E731
        self.assertEqual(r({"bool": {"filter": [{"term": {"level.keyword": "ERROR"}}]}}),
                         ["prd-web-01"])
        self.assertEqual(r({"match": {"message": "refused timed"}}), ["prd-app-01", "prd-web-01"])
        self.assertEqual(r({"match": {"message": {"query": "refused timed", "operator": "and"}}}), [])
        self.assertEqual(r({"match_phrase": {"message": "query took"}}), ["tst-app-01"])
        self.assertEqual(r({"terms": {"host.name": ["prd-db-01", "x"]}}), ["prd-db-01"])
        self.assertEqual(r({"exists": {"field": "status"}}),
                         ["prd-web-01", "prd-web-02", "tst-app-01"])
        self.assertEqual(r({"bool": {"must_not": [{"exists": {"field": "host.name"}}],
                                     "should": [{"term": {"status": 500}},
                                                {"term": {"status": 200}}],
                                     "minimum_should_match": 1}}),
                         ["prd-web-01", "prd-web-02", "tst-app-01"])
        self.assertEqual(r({"multi_match": {"type": "phrase", "query": "read timed",
                                            "lenient": True}}), ["prd-app-01"])
        self.assertEqual(r({"range": {"@timestamp": {"gte": "now-1h", "lte": "now"}}}),
                         ["prd-app-01", "prd-web-01", "prd-web-02"])
        self.assertEqual(r({"range": {"@timestamp": {"gte": "now/d", "lte": "now/d"}}}),
                         r({"range": {"@timestamp": {"gte": "now/d", "lt": "now+1d/d"}}}))

    def test_bool_range_kibana_style(self):
        now = self.lab.now
        body = {"size": 500, "track_total_hits": True,
                "sort": [{"@timestamp": {"order": "desc", "unmapped_type": "boolean"}},
                         {"_doc": {"order": "desc"}}],
                "_source": {"includes": ["@timestamp", "message", "host.name", "host"]},
                "query": {"bool": {"must": [{"query_string": {
                    "query": "level:ERROR OR log.level:ERROR", "analyze_wildcard": True,
                    "default_field": "*"}}],
                    "filter": [{"range": {"@timestamp": {
                        "gte": datemath.iso(now - H), "lte": datemath.iso(now),
                        "format": "strict_date_optional_time"}}}],
                    "should": [], "must_not": []}}}
        st, _h, out = self.lab.search(body)
        self.assertEqual(st, 200)
        hits = out["hits"]["hits"]
        self.assertEqual(out["hits"]["total"], {"value": 2, "relation": "eq"})
        self.assertIsNone(out["hits"]["max_score"])
        self.assertEqual(hits[0]["_source"]["host"], {"name": "prd-app-01"})
        self.assertIsNone(hits[0]["_score"])
        self.assertEqual(hits[0]["sort"][0], datemath.parse(hits[0]["_source"]["@timestamp"]))
        self.assertNotIn("level", hits[1]["_source"])
        self.assertEqual(list(out), ["took", "timed_out", "_shards", "hits"])

    def test_paging_search_after(self):
        sort = [{"@timestamp": {"order": "desc"}}, {"_doc": {"order": "desc"}}]
        st, _h, full = self.lab.search({"size": 1000, "sort": sort}, "/gen-*/_search")
        all_ids = [(h["_index"], h["_id"]) for h in full["hits"]["hits"]]
        self.assertGreater(len(all_ids), 150)
        got, after = [], None
        while True:
            body = {"size": 37, "sort": sort}
            if after:
                body["search_after"] = after
            st, _h, page = self.lab.search(body, "/gen-*/_search")
            self.assertEqual(st, 200, page)
            hits = page["hits"]["hits"]
            if not hits:
                break
            got += [(h["_index"], h["_id"]) for h in hits]
            after = hits[-1]["sort"]
        self.assertEqual(got, all_ids)              # no gaps, no duplicates
        self.assertEqual(len(set(got)), len(got))
        ts = [h["sort"][0] for h in full["hits"]["hits"]]
        self.assertEqual(ts, sorted(ts, reverse=True))

    def test_totals(self):
        st, _h, out = self.lab.search({"track_total_hits": False}, "/gen-*/_search")
        self.assertNotIn("total", out["hits"])
        st, _h, out = self.lab.search({"track_total_hits": 10}, "/gen-*/_search")
        self.assertEqual(out["hits"]["total"], {"value": 10, "relation": "gte"})
        st, _h, out = self.lab.search({}, "/gen-*/_search?rest_total_hits_as_int=true")
        self.assertIsInstance(out["hits"]["total"], int)
        st, _h, out = self.lab.search({"track_total_hits": 10},
                                      "/gen-*/_search?rest_total_hits_as_int=true")
        self.assertEqual(st, 400)
        self.assertIn("rest_total_hits_as_int", out["error"]["reason"])

    def test_source_and_fields(self):
        st, _h, out = self.lab.search({"_source": {"includes": ["host.*"], "excludes": []},
                                       "query": {"exists": {"field": "host.name"}},
                                       "fields": [{"field": "@timestamp", "format": "epoch_millis"},
                                                  "log.*"]},
                                      "/logstash-ecs-*/_search")
        h = out["hits"]["hits"][0]
        self.assertEqual(list(h["_source"]), ["host"])
        self.assertTrue(h["fields"]["@timestamp"][0].isdigit())
        self.assertIn("log.level", h["fields"])
        st, _h, out = self.lab.search({"_source": False, "size": 1})
        self.assertNotIn("_source", out["hits"]["hits"][0])

    def test_highlight_kibana_request(self):
        # contract §1.2: the KB8 Discover request, VERBATIM apart from the query and times
        now = self.lab.now
        body = {"_source": False,
                "fields": [{"field": "*", "include_unmapped": "true"},
                           {"field": "@timestamp", "format": "strict_date_optional_time"}],
                "highlight": {"fields": {"*": {}}, "fragment_size": 2147483647,
                              "post_tags": ["@/kibana-highlighted-field@"],
                              "pre_tags": ["@kibana-highlighted-field@"]},
                "query": {"bool": {"filter": [
                    {"multi_match": {"lenient": True, "query": "refused", "type": "best_fields"}},
                    {"range": {"@timestamp": {"format": "strict_date_optional_time",
                                              "gte": datemath.iso(now - H),
                                              "lte": datemath.iso(now)}}}],
                    "must": [], "must_not": [], "should": []}},
                "runtime_mappings": {}, "script_fields": {}, "size": 500,
                "sort": [{"@timestamp": {"format": "strict_date_optional_time", "order": "desc",
                                         "unmapped_type": "boolean"}},
                         {"_doc": {"order": "desc", "unmapped_type": "boolean"}}],
                "stored_fields": ["*"], "track_total_hits": False, "version": True}
        st, _h, out = self.lab.search(body)
        self.assertEqual(st, 200, out)
        h = out["hits"]["hits"][0]
        self.assertEqual(h["highlight"]["message"],
                         ["Connection @kibana-highlighted-field@refused"
                          "@/kibana-highlighted-field@ to db-01"])
        self.assertEqual(h["fields"]["host.keyword"], ["prd-web-01"])
        self.assertIsInstance(h["sort"][0], str)
        self.assertEqual(h["_version"], 1)
        self.assertNotIn("total", out["hits"])

    def test_date_histogram(self):
        body = {"size": 0, "track_total_hits": True,
                "query": {"range": {"@timestamp": {"gte": "now-10m"}}},
                "aggs": {"0": {"date_histogram": {"field": "@timestamp", "fixed_interval": "1m",
                                                  "min_doc_count": 0,
                                                  "extended_bounds": {"min": "now-10m",
                                                                      "max": "now"}}}}}
        st, _h, out = self.lab.search(body)
        self.assertEqual(st, 200, out)
        b = out["aggregations"]["0"]["buckets"]
        self.assertIn(len(b), (10, 11))
        self.assertEqual(sum(x["doc_count"] for x in b), 3)
        self.assertTrue(b[0]["key_as_string"].endswith(":00.000Z"))
        body["aggs"]["0"]["date_histogram"] = {"field": "@timestamp", "calendar_interval": "day",
                                               "time_zone": "-01:00", "min_doc_count": 1}
        st, _h, out = self.lab.search(body)
        self.assertTrue(out["aggregations"]["0"]["buckets"][0]["key_as_string"]
                        .endswith("T00:00:00.000-01:00"))

    def test_index_resolution(self):
        st, _h, out = self.lab.search({}, "/logstash-nope/_search")
        self.assertEqual(st, 404)
        self.assertEqual(out["error"]["type"], "index_not_found_exception")
        self.assertEqual(out["error"]["resource.id"], "logstash-nope")
        st, _h, out = self.lab.search({}, "/logstash-zz-*/_search")
        self.assertEqual(st, 200)
        self.assertEqual(out["_shards"]["total"], 0)
        self.assertEqual(out["hits"]["total"], {"value": 0, "relation": "eq"})
        st, _h, out = self.lab.search({}, "/logstash-zz-*/_search?allow_no_indices=false")
        self.assertEqual(st, 404)
        st, _h, out = self.lab.search({}, "/logstash-a,logstash-nope/_search?ignore_unavailable=true")
        self.assertEqual(out["_shards"]["total"], 1)

    def test_400s(self):
        def err(body, path="/logstash-*/_search"):
            st, _h, out = self.lab.search(body, path)
            self.assertEqual(st, 400, out)
            return out["error"]
        e = err({"query": {"query_string": {"query": "heart("}}})
        self.assertEqual(e["type"], "search_phase_execution_exception")
        self.assertEqual(e["root_cause"][0]["type"], "query_shard_exception")
        self.assertEqual(e["root_cause"][0]["reason"], "Failed to parse query [heart(]")
        fs = e["failed_shards"][0]
        self.assertEqual(fs["reason"]["caused_by"]["type"], "parse_exception")
        self.assertTrue(fs["reason"]["caused_by"]["reason"].startswith("Cannot parse 'heart(':"))
        self.assertEqual(e["phase"], "query")
        self.assertTrue(e["grouped"])
        e = err({"query": {"nosuch": {}}})
        self.assertEqual((e["type"], e["reason"]), ("parsing_exception", "unknown query [nosuch]"))
        self.assertEqual(e["root_cause"][0]["type"], "parsing_exception")
        self.assertIn("line", e)
        e = err({"query": {"match": {"a": 1, "b": 2}}})
        self.assertIn("[match] query doesn't support multiple fields", e["reason"])
        e = err({"query": {"bool": {"must": [], "foo": 1}}})
        self.assertEqual(e["reason"], "[bool] query does not support [foo]")
        e = err({"qurey": {}})
        self.assertEqual(e["reason"], "Unknown key for a START_OBJECT in [qurey].")
        e = err({"query": {"regexp": {"message": "x.*"}}})
        self.assertIn("lab search server", e["reason"])
        e = err({}, "/logstash-*/_search?foo=1")
        self.assertEqual(e["reason"],
                         "request [/logstash-*/_search] contains unrecognized parameter: [foo]")
        e = err({"from": 9995, "size": 10})
        self.assertIn("Result window is too large", e["root_cause"][0]["reason"])
        e = err({"sort": ["message"]})
        self.assertIn("Text fields are not optimised", e["root_cause"][0]["reason"])
        e = err({"sort": [{"_id": "asc"}]})
        self.assertIn("Fielddata access on the _id field is disallowed", e["root_cause"][0]["reason"])
        e = err({"query": {"range": {"@timestamp": {"gte": "now-15x"}}}})
        self.assertEqual(e["root_cause"][0]["type"], "parse_exception")
        self.assertEqual(e["failed_shards"][0]["reason"]["type"], "query_shard_exception")
        e = err({"size": 0, "aggs": {"h": {"date_histogram": {"field": "@timestamp",
                                                              "calendar_interval": "2d"}}}})
        self.assertEqual(e["type"], "x_content_parse_exception")
        self.assertEqual(e["caused_by"]["reason"],
                         "The supplied interval [2d] could not be parsed as a calendar interval.")
        e = err({"size": 0, "aggs": {"h": {"date_histogram": {"field": "@timestamp",
                                                              "interval": "1h"}}}})
        self.assertIn("unknown field [interval]", e["reason"])
        e = err({"search_after": [1], "from": 5, "sort": ["@timestamp"]})
        self.assertEqual(e["type"], "action_request_validation_exception")
        e = err(b'{"query": ', "/logstash-*/_search")
        self.assertEqual(e["type"], "x_content_parse_exception")
        e = err({"sort": [{"_shard_doc": "asc"}]})
        self.assertIn("[_shard_doc] sort field cannot be used without [point in time]", e["reason"])

    def test_partial_shard_failure(self):
        # status is long in logstash-a and unmapped in the ECS index: fine;
        # a wildcard on a long field fails on that shard only.
        st, _h, out = self.lab.search({"query": {"wildcard": {"status": "5*"}}})
        self.assertEqual(st, 200, out)
        self.assertEqual(out["_shards"]["failed"], 1)
        self.assertEqual(out["_shards"]["failures"][0]["index"], "logstash-a")
        st, _h, out = self.lab.search({}, headers={"x-lab-fault": "partial"})
        self.assertEqual((st, out["_shards"]["failed"]), (200, 1))
        st, _h, out = self.lab.search({"sort": [{"status": "desc"}]})
        self.assertEqual(out["_shards"]["failures"][0]["reason"]["reason"],
                         "No mapping found for [status] in order to sort on")
        st, _h, out = self.lab.search({}, headers={"x-lab-fault": "timed_out"})
        self.assertTrue(out["timed_out"])

    def test_auth(self):
        st, h, out = self.lab.search({}, auth=None)
        self.assertEqual(st, 401)
        self.assertEqual(out["error"]["type"], "security_exception")
        self.assertEqual(out["error"]["reason"],
                         "missing authentication credentials for REST request [/logstash-*/_search]")
        st, h, out = self.lab.search({}, auth=("mctop", "wrong"))
        self.assertEqual(st, 401)
        self.assertIn("unable to authenticate user [mctop]", out["error"]["reason"])
        st, h, out = self.lab.search({}, auth=("nobody", "npw"))
        self.assertEqual(st, 403)
        self.assertIn("is unauthorized for user [nobody]", out["error"]["reason"])
        key = base64.b64encode(b"kid1:ksecret").decode()
        st, h, out = self.lab.search({}, auth=None, headers={"authorization": "ApiKey " + key})
        self.assertEqual(st, 200)
        st, h, out = self.lab.search({}, auth=None, headers={"authorization": "ApiKey eHg6eXk="})
        self.assertEqual(st, 401)
        self.assertIn("unable to find apikey with id xx",
                      out["error"]["additional_unsuccessful_credentials"])

    def test_overload(self):
        st, _h, out = self.lab.search({}, headers={"x-lab-fault": "429"})
        self.assertEqual((st, out["error"]["type"]), (429, "circuit_breaking_exception"))
        self.assertEqual(out["status"], 429)
        lab = Lab(generated=0, max_rps=2)
        codes = [lab.search({})[0] for _ in range(4)]
        self.assertEqual(codes[:2], [200, 200])
        self.assertIn(429, codes[2:])


class WriteTest(unittest.TestCase):
    def test_index_refresh_and_conflicts(self):
        lab = Lab(generated=0)
        doc = {"@timestamp": datemath.iso(datemath.now_ms()), "host": "prd-web-01",
               "level": "ERROR", "message": "brand new document"}
        st, _h, out = lab.req("POST", "/logstash-a/_doc", doc, auth=("elastic", "epw"))
        self.assertEqual(st, 201, out)
        self.assertEqual(out["result"], "created")
        q = {"query": {"match": {"message": "brand"}}}
        self.assertEqual(lab.search(q)[2]["hits"]["hits"], [])    # not refreshed yet
        lab.store.refresh()
        self.assertEqual(len(lab.search(q)[2]["hits"]["hits"]), 1)
        st, _h, out = lab.req("POST", "/logstash-a/_doc", doc, auth=("mctop", "mpw"))
        self.assertEqual(st, 403)
        bad = dict(doc, host={"name": "x"})
        st, _h, out = lab.req("POST", "/logstash-a/_doc?refresh=true", bad,
                              auth=("elastic", "epw"))
        self.assertEqual(st, 400)
        self.assertEqual(out["error"]["type"], "document_parsing_exception")
        self.assertIn("failed to parse field [host] of type [text]", out["error"]["reason"])
        bulk = ('{"index":{"_index":"logstash-a"}}\n' + json.dumps(doc) + "\n"
                '{"create":{"_index":"logstash-ecs-b","_id":"x1"}}\n'
                '{"@timestamp":"2024-01-01T00:00:00Z","host":"plain"}\n').encode()
        st, _h, out = lab.req("POST", "/_bulk?refresh=true", bulk, auth=("elastic", "epw"),
                              headers={"content-type": "application/x-ndjson"})
        self.assertEqual(st, 200)
        self.assertTrue(out["errors"])
        self.assertEqual(out["items"][0]["index"]["status"], 201)
        self.assertEqual(out["items"][1]["create"]["status"], 400)
        self.assertIn("object mapping for [host]", out["items"][1]["create"]["error"]["reason"])
        self.assertEqual(len(lab.search(q)[2]["hits"]["hits"]), 2)


class ContractBytesTest(unittest.TestCase):
    """Bodies the contract gives VERBATIM come out byte for byte."""

    @classmethod
    def setUpClass(cls):
        cls.lab = Lab(generated=0)

    def raw(self, method, path, headers):
        r = self.lab.engine.handle(method, path, headers, b"")
        return r.status, r.headers, r.body.decode()

    def test_401(self):   # §3.5, ES 8
        st, hdrs, body = self.raw("GET", "/_cluster/settings/", {})
        self.assertEqual(st, 401)
        self.assertEqual(body, (
            '{"error":{"root_cause":[{"type":"security_exception","reason":"missing '
            'authentication credentials for REST request [/_cluster/settings/]","header":'
            '{"WWW-Authenticate":["Basic realm=\\"security\\", charset=\\"UTF-8\\"",'
            '"Bearer realm=\\"security\\"","ApiKey"]}}],"type":"security_exception","reason":'
            '"missing authentication credentials for REST request [/_cluster/settings/]",'
            '"header":{"WWW-Authenticate":["Basic realm=\\"security\\", charset=\\"UTF-8\\"",'
            '"Bearer realm=\\"security\\"","ApiKey"]}},"status":401}'))
        self.assertEqual(len(body), 497)
        self.assertEqual([v for k, v in hdrs if k == "WWW-Authenticate"],
                         ['Basic realm="security", charset="UTF-8"', 'Bearer realm="security"',
                          "ApiKey"])

    def test_404(self):   # §3.4
        st, _h, body = self.raw("POST", "/logs-app/_search",
                                {"authorization": basic("elastic", "epw")})
        self.assertEqual(st, 404)
        self.assertEqual(body, (
            '{"error":{"root_cause":[{"type":"index_not_found_exception","reason":"no such '
            'index [logs-app]","resource.type":"index_or_alias","resource.id":"logs-app",'
            '"index_uuid":"_na_","index":"logs-app"}],"type":"index_not_found_exception",'
            '"reason":"no such index [logs-app]","resource.type":"index_or_alias",'
            '"resource.id":"logs-app","index_uuid":"_na_","index":"logs-app"},"status":404}'))

    def test_429(self):   # §3.7
        st, hdrs, body = self.raw("POST", "/logstash-*/_search",
                                  {"authorization": basic("mctop", "mpw"), "x-lab-fault": "429"})
        self.assertEqual(st, 429)
        reason = ("[parent] Data too large, data for [<http_request>] would be "
                  "[220036656/209.8mb], which is larger than the limit of [1/1b], real usage: "
                  "[220036616/209.8mb], new bytes reserved: [40/40b], usages [model_inference="
                  "0/0b, eql_sequence=0/0b, fielddata=0/0b, request=0/0b, inflight_requests="
                  "40/40b]")
        c = ('"type":"circuit_breaking_exception","reason":"%s","bytes_wanted":220036656,'
             '"bytes_limit":1,"durability":"TRANSIENT"' % reason)
        self.assertEqual(body, '{"error":{"root_cause":[{%s}],%s},"status":429}' % (c, c))
        self.assertIn(("X-elastic-product", "Elasticsearch"), hdrs)


class PitTest(unittest.TestCase):
    def test_point_in_time(self):
        lab = Lab(generated=0)
        st, _h, out = lab.req("POST", "/logstash-*/_pit?keep_alive=1m")
        self.assertEqual(st, 200, out)
        pit = out["id"]
        self.assertEqual(out["_shards"]["total"], 2)
        doc = {"@timestamp": datemath.iso(datemath.now_ms()), "message": "after the pit"}
        lab.req("POST", "/logstash-a/_doc?refresh=true", doc, auth=("elastic", "epw"))
        body = {"size": 100, "pit": {"id": pit, "keep_alive": "1m"},
                "sort": [{"@timestamp": "desc"}]}
        st, _h, out = lab.req("POST", "/_search", body)
        self.assertEqual(st, 200, out)
        self.assertEqual(list(out)[0], "pit_id")
        self.assertEqual(len(out["hits"]["hits"]), 5)        # frozen: not the new one
        self.assertEqual(len(out["hits"]["hits"][0]["sort"]), 2)   # + _shard_doc
        after = out["hits"]["hits"][1]["sort"]
        st, _h, out2 = lab.req("POST", "/_search", dict(body, search_after=after))
        self.assertEqual([h["_id"] for h in out2["hits"]["hits"]],
                         [h["_id"] for h in out["hits"]["hits"][2:]])
        st, _h, out = lab.req("POST", "/logstash-*/_search", body)
        self.assertEqual(st, 400)
        st, _h, out = lab.req("DELETE", "/_pit", {"id": pit})
        self.assertEqual(out, {"succeeded": True, "num_freed": 2})
        st, _h, out = lab.req("POST", "/_search", body)
        self.assertEqual(st, 404)
        self.assertEqual(out["error"]["root_cause"][0]["type"], "search_context_missing_exception")


class KibanaTest(unittest.TestCase):
    def proxy(self, kv, headers, path="/logstash-*/_search", auth=("mctop", "mpw"), body=b"{}"):
        lab = Lab(generated=0)
        kb = kibana_mod.Kibana(lab.engine, kv)
        h = {"content-type": "application/json"}
        if auth:
            h["authorization"] = basic(*auth)
        h.update(headers)
        import urllib.parse
        target = "/api/console/proxy?path=%s&method=POST" % urllib.parse.quote(path, safe="")
        r = kb.handle("POST", target, h, body)
        return r.status, dict(r.headers), json.loads(r.body)

    def test_xsrf(self):
        st, _h, out = self.proxy("8.15.0", {})
        self.assertEqual(out, {"statusCode": 400, "error": "Bad Request",
                               "message": "Request must contain a kbn-xsrf header."})

    def test_8x(self):
        st, h, out = self.proxy("8.15.0", {"kbn-xsrf": "x"})
        self.assertEqual((st, h["x-console-proxy-status-code"]), (200, "200"))
        self.assertIn("hits", out)
        st, h, out = self.proxy("8.15.0", {"kbn-xsrf": "x"}, path="/logstash-nope/_search")
        self.assertEqual((st, h["x-console-proxy-status-code"]), (200, "404"))
        self.assertEqual(out["error"]["type"], "index_not_found_exception")

    def test_7x_and_9x(self):
        st, h, out = self.proxy("7.17.0", {"kbn-xsrf": "x"}, path="/logstash-nope/_search")
        self.assertEqual(st, 404)
        self.assertNotIn("x-console-proxy-status-code", h)
        st, h, out = self.proxy("9.1.0", {"kbn-xsrf": "x"})
        self.assertEqual(st, 400)
        st, h, out = self.proxy("9.1.0", {"kbn-xsrf": "x", "x-elastic-internal-origin": "Kibana"})
        self.assertEqual(st, 200)

    def test_auth(self):
        st, h, out = self.proxy("8.15.0", {"kbn-xsrf": "x"}, auth=None)
        self.assertEqual(out, {"statusCode": 401, "error": "Unauthorized", "message": "Unauthorized"})


class JsonTest(unittest.TestCase):
    def test_roundtrip_hostile(self):
        s = "esc\x1b[31m nul\x00 lone\ud800 pair\U0001F525 bidi\u202e"
        text = jsonpos.dumps({"m": s})
        self.assertIn("\\u001B", text)
        self.assertIn("\\uD800", text)
        self.assertEqual(jsonpos.loads(text)["m"], s)
        text.encode("utf-8")        # valid UTF-8 on the wire
        with self.assertRaises(jsonpos.JsonError) as cm:
            jsonpos.loads('{"a":1,"a":2}')
        self.assertIn("Duplicate field 'a'", cm.exception.message)

    def test_generated_hostile_docs(self):
        docs = gen.generate(gen.load_hosts(None), 50, 3, NOW)
        kinds = {(d.get("hostile_kind") or d.get("labels", {}).get("hostile_kind"))
                 for _i, d in docs} - {None}
        self.assertGreaterEqual(len(kinds), 15)
        self.assertEqual(docs, gen.generate(gen.load_hosts(None), 50, 3, NOW))


if __name__ == "__main__":
    unittest.main()
