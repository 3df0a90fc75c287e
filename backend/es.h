/*
 * Elasticsearch (and Kibana's console proxy) as plain structs: the search
 * requests mctop sends, written as Kibana writes them, and the parsers of
 * what comes back (hits, totals, shards, the date histogram, the error
 * envelope). Pure functions from bytes to structs, no network.
 */
#ifndef MCTOP_BACKEND_ES_H
#define MCTOP_BACKEND_ES_H

#include <stdbool.h>
#include <stddef.h>

#include "backend/err.h"

/* Which fields of a document are shown in the columns. */
struct es_fields {
    const char *time;        /* "@timestamp" */
    const char *const *host; /* tried in order: "host.name", "host" */
    size_t nhost;
    const char *const *level; /* "log.level", "level", "loglevel", ... */
    size_t nlevel;
    const char *const *message; /* "message" */
    size_t nmessage;
};

/* One hit, newest first in a page. Strings are raw (not sanitised). */
struct es_hit {
    char *index, *id;
    double time;     /* @timestamp as epoch seconds (ms precision); NAN */
    char *time_text; /* the field as sent, or NULL */
    char *host;      /* first host field present (string, or object.name) */
    char *level;     /* NULL when none of the level fields is present */
    char *message;   /* NULL when absent */
    char *source;    /* the hit's _source as JSON text */
    char *sort;      /* the hit's "sort" array as JSON text, or NULL */
};

struct es_bucket {
    double time; /* epoch seconds of the bucket's start */
    long count;
};

struct es_result {
    struct es_hit *hits;
    size_t nhits;
    long long total; /* -1 when the response has no hits.total */
    bool total_gte;  /* "relation": "gte": at least total */
    long took_ms;
    bool timed_out;
    int shards_total, shards_successful, shards_skipped, shards_failed;
    char *shard_failure; /* the first failure's "index: reason", or NULL */
    struct es_bucket *buckets; /* the date histogram, oldest first */
    size_t nbuckets;
    size_t bad_hits; /* hits left out because they could not be read */
};

/*
 * A search response. Documents with JSON that cJSON refuses (a lone UTF-16
 * surrogate escape, say) are repaired (U+FFFD) rather than failing the
 * page. Returns 0, or -1 with err naming what is wrong.
 */
int es_parse_search(const char *p, size_t n, const struct es_fields *f,
                    struct es_result *out, struct mc_err *err);
void es_result_free(struct es_result *r);
/* The strings of one hit (not the hit itself). */
void es_hit_free(struct es_hit *h);

/*
 * The reason of an error answer, for the user: Elasticsearch's envelope
 * ("query_shard_exception: Failed to parse query [heart(]", with the
 * caused_by chain), Kibana's ({"statusCode","error","message"}), or a
 * short quote of a body that is not JSON (a proxy's HTML). Never NULL.
 */
char *es_error_reason(int status, const char *p, size_t n);

/*
 * A time as documents and buckets carry it, to epoch seconds (ms
 * precision): ISO 8601 ("2024-03-11T10:39:54.962Z", "+01:00" or "+0100"
 * offsets, "," or "." before the fraction, a space for the "T", no zone:
 * UTC, a date alone: midnight UTC) or epoch milliseconds as a string of
 * digits. NAN when it is none of these.
 */
double es_parse_time(const char *s);

/* How the query text is read. */
enum es_syntax { ES_LUCENE, ES_KQL };

/* A search as the logs view asks for it. */
struct es_query {
    enum es_syntax syntax;
    const char *text;          /* "" or NULL: every document */
    const char *time_field;    /* "@timestamp" */
    const char *gte, *lte;     /* date math or ISO times ("now-15m", "now") */
    size_t size;               /* hits per page */
    bool ascending;            /* oldest first (follow mode); else newest */
    const char *search_after;  /* the last hit's sort array (JSON), or NULL */
    const char *const *source; /* _source includes, or NULL: everything */
    size_t nsource;
    const char *interval; /* date_histogram fixed_interval ("30s"), or
                             NULL: no histogram */
};

/*
 * The JSON body of a search: the query (query_string for Lucene, the KQL
 * translated to query DSL) in a bool with the time range as a filter,
 * sorted on the time field with the _doc tiebreaker. NULL with err for a
 * KQL syntax error ("KQL: column 7: expected a value after ':'").
 */
char *es_build_search(const struct es_query *q, struct mc_err *err);

/* A fixed_interval giving about target buckets over span seconds. */
const char *es_pick_interval(double span, int target);

/*
 * KQL to query DSL, as Kibana's @kbn/es-query writes it without a data
 * view (see backend/kql.c). Returns the DSL as JSON text (caller frees) or
 * NULL with err.
 */
char *kql_to_dsl(const char *kql, struct mc_err *err);

#endif
