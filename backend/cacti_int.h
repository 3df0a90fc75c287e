/*
 * Internals of the Cacti client shared by cacti_client.c (the cache and
 * its requests), cacti_login.c (transport and login) and cacti_rrd.c (the
 * rrdtool fallback over SSH).
 */
#ifndef MCTOP_BACKEND_CACTI_INT_H
#define MCTOP_BACKEND_CACTI_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "backend/buf.h"
#include "backend/cacti_client.h"
#include "backend/config.h"

struct http_client;
struct http_req;
struct run;

#define CACTI_MAX_REQS    4          /* requests at once (bastion channels) */
#define CACTI_BODY_MAX    (32 << 20) /* bytes of one answer */
#define CACTI_HOST_TTL    300        /* seconds a host's graph list is fresh */
#define CACTI_IDLE_EVICT  600        /* seconds unasked before an entry goes */
#define CACTI_DATA_MAX    4096       /* data entries kept at most */
#define CACTI_LOGIN_RETRY 60         /* seconds before a failed login retries */

enum cacti_login {
    CACTI_L_IDLE,   /* not started */
    CACTI_L_SECRET, /* reading the password */
    CACTI_L_FORM,   /* GET index.php for the CSRF token */
    CACTI_L_POST,   /* POST the form */
    CACTI_L_READY,
    CACTI_L_FAILED
};

struct cacti_hentry {
    struct cacti_host pub;
    char *key; /* the host name, lower case */
    char *name, *address;
    double asked;   /* wall time a view last asked */
    double expires; /* wall time the answer goes stale */
    bool busy;      /* a job works for it */
    bool tried_rrd; /* the fallback was asked for this failure */
    struct cacti_hentry *next;
};

struct cacti_dentry {
    struct cacti_data pub;
    long id;
    long long end;
    int span;
    double asked, expires;
    bool busy;
    struct cacti_dentry *next;
};

enum cacti_job_kind {
    CACTI_JOB_FIND_NAME, /* ajax_hosts&term=NAME */
    CACTI_JOB_FIND_ADDR, /* ajax_hosts&term=ADDRESS */
    CACTI_JOB_LIST,      /* the device's graphs */
    CACTI_JOB_XPORT      /* a graph's data */
};

struct cacti_job {
    struct cacti_client *c;
    enum cacti_job_kind kind;
    struct cacti_hentry *h;
    struct cacti_dentry *d;
    long long start, end; /* the export's window */
    struct http_req *req;
    struct buf body;
    int status;
    bool too_big;
    unsigned login_gen; /* the login it was sent under */
    int tries;
    struct cacti_job *next;
};

struct cacti_client {
    struct site *site;
    const struct mc_site_config *cfg; /* NULL for the demo */
    struct http_client *http;         /* NULL until the site connects */
    bool own_http;                    /* ours to free (not the demo's) */
    char *prefix;                     /* the URL's path: "/cacti" */
    char *user;
    int ttl;
    char *column;

    enum cacti_login login;
    unsigned login_gen;
    double login_retry; /* wall time a failed login may retry */
    char state[256];
    char *password;
    struct cacti_secret *secret; /* reading it, or NULL */
    struct http_req *login_req;
    struct buf login_body;
    int login_status;

    struct cacti_hentry **hosts;
    size_t nhost_buckets, nhosts;
    struct cacti_dentry **data;
    size_t ndata_buckets, ndata;

    struct cacti_job *queue; /* waiting, in order */
    struct cacti_job *running;
    size_t nrunning;
    struct cacti_parse *parsing; /* on the worker, in flight */
    struct cacti_rrd *rrd;       /* the fallback, or NULL */
    unsigned timer;
};

/* cacti_client.c */
void cacti_pump(struct cacti_client *c);
/* A host's or a graph's answer failed: why, for the entry and its job. */
void cacti_job_fail(struct cacti_client *c, struct cacti_job *j,
                    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void cacti_job_free(struct cacti_job *j);
/* Every waiting job fails with c->state (the login failed). */
void cacti_fail_queue(struct cacti_client *c);

/* cacti_login.c: the transport and the login before any request. */
/* True when requests may go; else starts what is missing. */
bool cacti_login_ready(struct cacti_client *c);
/* A page said "not logged in": log in again (form) or explain (guest). */
void cacti_login_lost(struct cacti_client *c);
void cacti_login_free(struct cacti_client *c);
/* Start an HTTP GET of prefix + path for job j (its callbacks fill it). */
int cacti_get(struct cacti_client *c, struct cacti_job *j, const char *path);

/* cacti_rrd.c: the graphs of a host from its RRD files over SSH. */
void cacti_rrd_host(struct cacti_client *c, struct cacti_hentry *h);
void cacti_rrd_data(struct cacti_client *c, struct cacti_dentry *d);
void cacti_rrd_free(struct cacti_client *c);

#endif
