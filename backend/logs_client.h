/*
 * A site's log search (Elasticsearch directly, or through Kibana's console
 * proxy), as the logs view sees it: one search at a time, its hits in
 * pages newest first, its histogram, and a follow mode that polls for new
 * documents. Requests go through the site's bastion and never block; the
 * site's notify callback runs when something arrives.
 */
#ifndef MCTOP_BACKEND_LOGS_CLIENT_H
#define MCTOP_BACKEND_LOGS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "backend/es.h"

struct site;
struct logs_client;

/* What to search: the query bar and the time range. */
struct logs_search {
    enum es_syntax syntax;
    const char *text; /* "" or NULL: every document */
    const char *gte;  /* date math or ISO: "now-15m", "2026-11-26T10:00:00Z" */
    const char *lte;  /* "now" */
};

enum logs_status {
    LOGS_IDLE,    /* no search yet */
    LOGS_LOADING, /* the first page is on its way */
    LOGS_OK,
    LOGS_ERROR /* err says why; hits of an earlier answer may remain */
};

/* The state of the current search. Valid until the loop turns. */
struct logs_page {
    enum logs_status status;
    unsigned gen;        /* bumped on every change (new hits, new search) */
    char err[512];       /* the reason of the last failure, or "" */
    char warn[256];      /* partial shard failures, timed out; or "" */
    bool no_index;       /* no index matched the pattern (_shards.total 0) */
    struct es_hit *hits; /* newest first: every page loaded, follow's new */
    size_t nhits;
    long long total; /* -1: unknown */
    bool total_gte;
    bool more; /* an older page can be loaded */
    bool loading_more;
    struct es_bucket *buckets; /* the histogram over the range */
    size_t nbuckets;
    double bucket_secs; /* the histogram's interval */
    double from, to;    /* the range as resolved (epoch seconds) */
    double fetched;     /* wall time of the last answer */
    bool stale;         /* the last refresh failed or the site is down */
    bool following;
    size_t fresh;    /* hits that follow mode added at the top, unseen */
    double retry_at; /* after a 429: when it asks again (0: not) */
    long took_ms;
};

/* NULL when the site has no log search (no elastic_url or kibana_url). */
struct logs_client *logs_client_new(struct site *s);
void logs_client_free(struct logs_client *c);

/* Start a search (the one running is dropped). Strings are copied. */
void logs_client_search(struct logs_client *c, const struct logs_search *q);
/* Load the next older page (search_after the last hit), if there is one. */
void logs_client_more(struct logs_client *c);
/*
 * Follow mode: poll every few seconds for documents newer than the newest
 * shown (with an overlap, de-duplicated by _index and _id), add them at
 * the top. The range's end becomes "now" while following.
 */
void logs_client_follow(struct logs_client *c, bool on);
/* The user has seen the new hits (fresh back to 0). */
void logs_client_seen(struct logs_client *c);

const struct logs_page *logs_client_page(const struct logs_client *c);
/* The site's index pattern ("logstash-*"). */
const char *logs_client_index(const struct logs_client *c);
/* "Elasticsearch https://10.77.0.5:9200", "Kibana … (console proxy)". */
const char *logs_client_describe(const struct logs_client *c);
/* The fields shown in the columns (from the site's configuration). */
const struct es_fields *logs_client_fields(const struct logs_client *c);

#endif
