#!/usr/bin/python3
"""Write the lab-*.json fixtures: answers of the lab's search server.

Runs the lab's Elasticsearch/Kibana stand-in (tests/lab/search) in this
process, as its own self-test does, without the network and without
touching a running lab: the same engine, the same generated documents
(seed 42, 4000 documents, the default hosts), the clock pinned at
2024-03-11T10:39:54.962Z so that the output is the same on every run
(but for "took", the milliseconds the search took).

    python3 -B tests/data/es/lab-capture.py
"""

import base64
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(HERE, "..", "..", "lab", "search"))

import datemath  # noqa: E402

NOW = 1710153594962                      # 2024-03-11T10:39:54.962Z
datemath.now_ms = lambda: NOW

import engine as engine_mod  # noqa: E402
import gen  # noqa: E402
import kibana as kibana_mod  # noqa: E402
from store import Store  # noqa: E402
import testcreds  # noqa: E402


def basic(user, pw):
    return "Basic " + base64.b64encode(("%s:%s" % (user, pw)).encode()).decode()


def make(es_version):
    d = tempfile.mkdtemp(prefix="es-capture-")
    users, keys = testcreds.write_auth_files(d)
    cfg = engine_mod.Config()
    cfg.es_version = es_version
    cfg.users_file, cfg.keys_file = users, keys
    store = Store(refresh_interval=3600, id_seed="lab-42")
    for index, src in gen.generate(gen.load_hosts(None), 4000, 42, NOW, 7):
        store.add_loaded(index, src, store.new_id())
    store.warm()
    return engine_mod.Engine(cfg, store, log=lambda m: None)


ES8 = make("8.15.0")
ES7 = make("7.17.22")
AUTH = {"authorization": basic("mctop", "mpw")}


def write(name, reply):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(reply.body)
    print("%-40s %3d %7d bytes" % (name, reply.status, len(reply.body)))


def req(eng, method, target, body=None, headers=None, auth=True):
    h = {"content-type": "application/json"}
    if auth:
        h.update(AUTH)
    h.update(headers or {})
    data = json.dumps(body).encode() if body is not None else b""
    return eng.handle(method, target, h, data)


def search(eng, body, path="/logstash-*/_search", **kw):
    return req(eng, "POST", path, body, **kw)


def logs_body(query=None, size=5, gte="now-15m", interval=None, **extra):
    """The request mctop sends (contract §1.1)."""
    must = [{"query_string": {"query": query, "analyze_wildcard": True}}] if query else []
    b = {"size": size,
         "sort": [{"@timestamp": {"order": "desc", "unmapped_type": "boolean"}},
                  {"_doc": "asc"}],
         "track_total_hits": True,
         "query": {"bool": {"must": must, "filter": [
             {"range": {"@timestamp": {"gte": gte, "lte": "now",
                                       "format": "strict_date_optional_time"}}}]}}}
    if interval:
        b["aggs"] = {"0": {"date_histogram": {"field": "@timestamp",
                                              "fixed_interval": interval,
                                              "min_doc_count": 1}}}
    b.update(extra)
    return b


# ------------------------------------------------------------- 200s
write("lab-es8-page.json", search(ES8, logs_body(size=5, gte="now-1h", interval="5m")))
write("lab-es7-page.json", search(ES7, logs_body(size=3, gte="now-1h", interval="10m")))
write("lab-es7-total-int.json",
      search(ES7, logs_body(size=2), "/logstash-*/_search?rest_total_hits_as_int=true"))
write("lab-es8-total-gte.json", search(ES8, logs_body(size=1, gte="now-7d",
                                                      track_total_hits=1000)))
write("lab-es8-no-total.json", search(ES8, logs_body(size=2, track_total_hits=False)))
write("lab-es8-hostile.json",
      search(ES8, logs_body(query="tags:lab_hostile", size=100, gte="now-8d")))
b = logs_body(query='hostile_kind:"ansi-colour" OR labels.hostile_kind:"ansi-colour"', size=4,
              gte="now-8d")
write("lab-es8-ansi.json", search(ES8, b))
b = logs_body(size=2)
b["sort"][0]["@timestamp"]["format"] = "strict_date_optional_time"
write("lab-es8-sort-format.json", search(ES8, b))
b = logs_body(size=3, gte="now-1d")
b["sort"] = [{"event.duration": {"order": "desc", "unmapped_type": "long"}}, {"_doc": "asc"}]
b["query"]["bool"]["must"] = [{"query_string": {"query": "level:INFO"}}]
write("lab-es8-sort-missing.json", search(ES8, b))
write("lab-es8-fields.json", search(ES8, logs_body(
    size=2, _source=False,
    fields=["@timestamp", "host.name", "host", "log.level", "level", "message"])))
b = logs_body(size=0, gte="now-30m", interval="10m")
b["aggs"]["0"]["date_histogram"]["keyed"] = True
write("lab-es8-keyed-buckets.json", search(ES8, b))
write("lab-es8-typed-keys.json", search(ES8, logs_body(size=0, gte="now-15m", interval="5m"),
                                        "/logstash-*/_search?typed_keys=true"))
write("lab-es8-partial.json", search(ES8, logs_body(size=2), headers={"x-lab-fault": "partial"}))
write("lab-es8-timed-out.json",
      search(ES8, logs_body(size=2, gte="now-1d"), headers={"x-lab-fault": "timed_out"}))
write("lab-es8-no-index.json", search(ES8, logs_body(size=5), "/nomatch-*/_search"))

# ------------------------------------------------------------- errors
write("lab-es8-400-query-string.json", search(ES8, logs_body(query="heart(")))
write("lab-es7-400-query-string.json", search(ES7, logs_body(query="heart(")))
write("lab-es8-400-parsing.json", search(ES8, {"query": {"missing": {}}}))
write("lab-es8-400-bad-json.json",
      ES8.handle("POST", "/logstash-*/_search",
                 dict(AUTH, **{"content-type": "application/json"}), b'{"size": 5,'))
write("lab-es7-400-bad-json.json",
      ES7.handle("POST", "/logstash-*/_search",
                 dict(AUTH, **{"content-type": "application/json"}), b'{"size": 5,'))
write("lab-es8-404-index.json", search(ES8, logs_body(), "/logs-app/_search", auth=False,
                                      headers={"authorization": basic("elastic", "epw")}))
write("lab-es8-401-missing.json", search(ES8, logs_body(), auth=False))
write("lab-es7-401-missing.json", search(ES7, logs_body(), auth=False))
write("lab-es8-401-password.json",
      search(ES8, logs_body(), auth=False, headers={"authorization": basic("mctop", "bad")}))
write("lab-es8-401-api-key.json", search(ES8, logs_body(), auth=False, headers={
    "authorization": "ApiKey " + base64.b64encode(b"nokey:secret").decode()}))
write("lab-es8-403.json",
      search(ES8, logs_body(), auth=False, headers={"authorization": basic("nobody", "npw")}))
write("lab-es7-403.json",
      search(ES7, logs_body(), auth=False, headers={"authorization": basic("nobody", "npw")}))
write("lab-es8-429-circuit.json", search(ES8, logs_body(), headers={"x-lab-fault": "429"}))
write("lab-es8-429-rejected.json",
      search(ES8, logs_body(), headers={"x-lab-fault": "429-rejected"}))
write("lab-es8-503.json", search(ES8, logs_body(), headers={"x-lab-fault": "503"}))
write("lab-es8-502.html", search(ES8, logs_body(), headers={"x-lab-fault": "502-html"}))
write("lab-es7-405.json", req(ES7, "PUT", "/logstash-*/_search", logs_body()))
write("lab-es7-400-no-handler.json", req(ES7, "GET", "/logstash-*/_nothing"))
write("lab-es8-406.json", ES8.handle("POST", "/logstash-*/_search", dict(AUTH), b"{}"))

# ------------------------------------------------------------- Kibana
KB8 = kibana_mod.Kibana(ES8, "8.15.0")
KB9 = kibana_mod.Kibana(ES8, "9.0.0")
PROXY = "/api/console/proxy?path=%2Flogstash-*%2F_search&method=POST"
XSRF = dict(AUTH, **{"content-type": "application/json", "kbn-xsrf": "true"})
write("lab-kibana-401.json",
      KB8.handle("POST", PROXY, {"content-type": "application/json", "kbn-xsrf": "true"},
                 b"{}"))
write("lab-kibana-400-xsrf.json",
      KB8.handle("POST", PROXY, dict(AUTH, **{"content-type": "application/json"}), b"{}"))
write("lab-kibana9-400-internal.json", KB9.handle("POST", PROXY, XSRF, b"{}"))
ES8.faults.append({"fault": "reset", "count": 1})     # what POST /_lab/fault arms
write("lab-kibana-502-reset.json", KB8.handle("POST", PROXY, XSRF, b"{}"))
