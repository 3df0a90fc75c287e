/*
 * Icinga 2 triage actions (acknowledge, downtime, recheck, comment): the
 * REST requests that carry them and the per-object results Icinga sends
 * back. Pure functions: no I/O.
 *
 * User text (object names, comments) only ever goes into JSON strings and
 * filter_vars, never into the filter expression itself.
 */
#ifndef MCTOP_BACKEND_ICINGA_ACTION_H
#define MCTOP_BACKEND_ICINGA_ACTION_H

#include <stdbool.h>
#include <stddef.h>

#include "backend/err.h"

enum icinga_action {
    ICINGA_ACK,
    ICINGA_UNACK,
    ICINGA_DOWNTIME,
    ICINGA_UNDOWNTIME,
    ICINGA_RECHECK,
    ICINGA_COMMENT
};

/* One object: a host, or a service of it. */
struct icinga_target {
    const char *host;
    const char *service; /* NULL: the host itself */
};

struct icinga_action_params {
    const char *author, *comment;
    bool sticky, notify, persistent; /* ack */
    double expiry;                   /* ack: epoch seconds, 0 = none */
    double start, end;               /* downtime window, epoch seconds */
    bool fixed;                      /* downtime: fixed, else flexible */
    double duration;                 /* flexible downtime: seconds */
    bool all_services; /* host downtime: also every service of it */
    bool force;        /* recheck: force (params NULL: true) */
};

/* One HTTP request (POST path with body) per object type. */
struct icinga_request {
    char *path;       /* "/v1/actions/acknowledge-problem" ... */
    char *body;       /* JSON object */
    const char *type; /* "Host" or "Service" (static) */
    size_t ntargets;  /* distinct objects the request covers */
};

/*
 * Build the requests for action a on targets t[0..n): one for the hosts
 * among them, one for the services (hosts first), so *nout is 1 or 2.
 * Repeated targets are sent once. p may be NULL for UNACK, UNDOWNTIME and
 * RECHECK (recheck then forces). Returns 0, or -1 with err saying what is
 * wrong (no targets, an empty name, missing author or comment, a downtime
 * that ends before it starts, a flexible one without duration, ...);
 * nothing is allocated then. Free each request with icinga_request_clear().
 */
int icinga_action_build(enum icinga_action a,
                        const struct icinga_action_params *p,
                        const struct icinga_target *t, size_t n,
                        struct icinga_request out[2], size_t *nout,
                        struct mc_err *err);
/* Free a request's strings and zero it. NULL is allowed. */
void icinga_request_clear(struct icinga_request *r);

/* The outcome for one object Icinga matched. */
struct icinga_action_result {
    /*
     * The object, "host" or "host!service": Icinga's result entries carry
     * no object name (except a few), so it is read from the status text
     * ("... for object 'h!s'.", "Service h!s is OK.", ...) or, for a
     * downtime, from the downtime name "h!s!uuid" without the uuid. NULL
     * when Icinga did not say (e.g. 400 "Acknowledgements require author
     * and comment."): such a result applies to every object of the
     * request, see icinga_action_result_for().
     */
    char *name;
    int code;       /* the object's own code: 200, 409, 400, ... */
    char *status;   /* Icinga's text for it; never NULL */
    char *downtime; /* schedule-downtime: the new downtime's full name */
    int children;   /* downtimes: child downtimes scheduled or removed */
};

/*
 * Parse the response to an action (any HTTP status). Each matched object
 * gets its own result with its own code; the overall status (409 when
 * mixed, 500 with no results when the filter matched nothing) is not
 * trusted. Returns 0 with *out and *n set (n may be 0: "matched nothing";
 * free with icinga_action_results_free()), or -1 for a body that is not an
 * action response, with err saying what it was (Icinga's error text such
 * as 401 or 404 "No objects found.", or malformed JSON); err->code is then
 * the HTTP status (or the body's error code when http_status is 0).
 */
int icinga_action_parse(const char *body, size_t len, int http_status,
                        struct icinga_action_result **out, size_t *n,
                        struct mc_err *err);
void icinga_action_results_free(struct icinga_action_result *r, size_t n);

/*
 * The result for one target (service NULL for the host): its own named
 * entry, else an entry without a name that failed (it applies to every
 * object), else NULL (Icinga did not match the object).
 */
const struct icinga_action_result *
icinga_action_result_for(const struct icinga_action_result *r, size_t n,
                         const char *host, const char *service);

/* "acknowledge", "remove acknowledgement", ... for messages. */
const char *icinga_action_name(enum icinga_action a);

#endif
