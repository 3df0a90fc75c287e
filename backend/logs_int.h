/*
 * Internals of the log search client shared by logs_client.c (the search)
 * and logs_transport.c (the way in: URL, credentials, time helpers).
 */
#ifndef MCTOP_BACKEND_LOGS_INT_H
#define MCTOP_BACKEND_LOGS_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "backend/buf.h"
#include "backend/es.h"
#include "backend/logs_client.h"
#include "backend/strmap.h"

struct http_client;
struct http_req;
struct logs_secret;

enum logs_req_kind {
    LOGS_REQ_FIRST, /* the first page and the histogram */
    LOGS_REQ_MORE,  /* an older page */
    LOGS_REQ_FOLLOW /* newer documents, oldest first */
};

struct logs_req {
    struct logs_client *c; /* NULL once the client is gone */
    unsigned gen;          /* of the search it belongs to */
    enum logs_req_kind kind;
    char *json;
    struct http_req *req;
    struct buf body;
    int status, proxy_status;
    bool too_big, retrying;
    int rc;
    struct mc_err err;
    struct es_result res;
    char *reason;          /* of an error answer */
    struct logs_req *next; /* in the client's list of answers on the worker */
};

struct logs_client {
    struct site *site;
    const struct mc_site_config *cfg; /* NULL for the demo */
    struct http_client *http;         /* NULL until the site connects */
    bool own_http;
    bool kibana;
    char *index;
    char *search_path; /* what each search is POSTed to */
    char what[160];    /* "Elasticsearch https://…", for messages */
    struct es_fields fields;
    char *secret; /* password or API key, once read */
    bool secret_read;
    struct logs_secret *job;
    char transport_err[256];

    /* the search */
    struct {
        enum es_syntax syntax;
        char *text, *gte, *lte;
    } q;
    unsigned gen;
    const char *interval;
    struct logs_page page;
    struct strmap seen; /* "index\x1fid" of every hit shown */
    char **keys;        /* the strings seen borrows */
    size_t nkeys, capkeys;
    bool following;
    unsigned follow_timer;
    struct logs_req *running;
    size_t parsing;            /* answers on the worker */
    struct logs_req *inflight; /* those answers */
    struct logs_req *pending;  /* a first page waiting for the transport */
    unsigned tick;
    int backoff; /* seconds; doubles on each 429 */
    unsigned retry_timer;
    struct logs_req *retry_req;
};

/* logs_transport.c */
/* snprintf into buf, cut to fit (messages quote server text). */
void logs_msg(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* True when requests may go; else starts what is missing (page.err). */
bool logs_transport(struct logs_client *c);
void logs_transport_free(struct logs_client *c);
/* Date math ("now-15m", "now/d") or an ISO time to epoch seconds. */
int logs_resolve_time(const char *s, double now, double *out);
/* Epoch seconds as "2026-11-26T10:00:00.000Z". */
char *logs_iso_time(double t, char *buf, size_t size);
/* Seconds of a fixed_interval such as "30s", "5m", "1h", "1d". */
double logs_interval_secs(const char *interval);
void logs_client_tick(struct logs_client *c);
/* Start its timer (logs_client_new does not touch the loop). */
void logs_client_start(struct logs_client *c);

#endif
