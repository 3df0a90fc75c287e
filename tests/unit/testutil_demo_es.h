/*
 * Helpers shared by the demo Elasticsearch tests (no suite here): the site,
 * searches that must answer, and reading the hits of an answer.
 */
#ifndef MCTOP_TESTS_UNIT_TESTUTIL_DEMO_ES_H
#define MCTOP_TESTS_UNIT_TESTUTIL_DEMO_ES_H

#include <cJSON.h>
#include <stdbool.h>

#include "backend/demo.h"
#include "tests/unit/testutil_demo.h"

#define NOW_MS ((long long)(DT_T0 * 1000))
#define SORT_DESC                                                              \
    "\"sort\":[{\"@timestamp\":{\"order\":\"desc\",\"unmapped_type\":"         \
    "\"boolean\"}},{\"_doc\":{\"order\":\"desc\"}}]"

/* A demo site of 60 hosts (seed 7) at DT_T0. */
struct demo *de_site(void);
/* A search (POST) that must answer status want: the parsed body. */
cJSON *de_es(struct demo *d, const char *path, const char *body, int want);
/* A search of logstash-* that must answer 200. */
cJSON *de_search(struct demo *d, const char *body);
/* hits.hits, and hits.total (its relation in *rel, when not NULL). */
cJSON *de_hits_of(const cJSON *j);
long long de_total_of(const cJSON *j, const char **rel);
/* A _source member by dotted path ("host.name"), or NULL. */
const cJSON *de_field(const cJSON *hit, const char *path);
/* The same, when a string. */
const char *de_str(const cJSON *hit, const char *path);
/* log.level or level, whichever shape the document has. */
const char *de_level_of(const cJSON *hit);
/* The hit's first sort value; an ISO time in epoch milliseconds. */
long long de_sort0(const cJSON *hit);
long long de_iso_ms(const char *s);
/* Every document of [now-mins, now], newest first (the oracle's input). */
cJSON *de_window(struct demo *d, int mins);
/* Does the text hold the tokens (a phrase when several) of words? */
bool de_has_phrase(const char *text, const char *words);
/* Does the body, printed, contain needle? */
bool de_body_has(const cJSON *j, const char *needle);
/* A member of o that must be a string. */
const char *de_sget(const cJSON *o, const char *k);

#endif
