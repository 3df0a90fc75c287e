/* Triage actions: requests, per-object outcome, confirmation from data. */
#include "triage.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/buf.h"
#include "backend/http.h"
#include "backend/icinga_client.h"
#include "backend/loop.h"
#include "backend/site.h"
#include "backend/snapshot.h"
#include "backend/xalloc.h"

#define TRIAGE_RESYNC_S  20  /* accepted but not seen: fetch again */
#define TRIAGE_GIVE_UP_S 60  /* still not seen: say so */
#define TRIAGE_CHUNK     100 /* objects per request */

struct triage {
    struct site *site;
    struct triage_mark *m;
    size_t n, cap;
    struct triage_req *reqs;
};

/* One HTTP request of an action and the objects it covers. */
struct triage_req {
    struct triage *t; /* NULL once the triage is gone */
    struct http_req *req;
    enum icinga_action action;
    int status;
    struct buf body;
    char **keys;
    size_t nkeys;
    struct triage_req *next;
};

struct triage *triage_new(struct site *s)
{
    struct triage *t = xcalloc(1, sizeof *t);

    t->site = s;
    return t;
}

static void triage_req_free(struct triage_req *r)
{
    for (size_t i = 0; i < r->nkeys; i++)
        free(r->keys[i]);
    free(r->keys);
    buf_free(&r->body);
    free(r);
}

static void triage_unlink(struct triage *t, struct triage_req *r)
{
    for (struct triage_req **p = &t->reqs; *p != NULL; p = &(*p)->next) {
        if (*p == r) {
            *p = r->next;
            return;
        }
    }
}

void triage_free(struct triage *t)
{
    if (t == NULL)
        return;
    while (t->reqs != NULL) {
        struct triage_req *r = t->reqs;

        t->reqs = r->next;
        http_cancel(t->site->http, r->req);
        triage_req_free(r);
    }
    for (size_t i = 0; i < t->n; i++)
        free(t->m[i].key);
    free(t->m);
    free(t);
}

static struct triage_mark *triage_find(const struct triage *t, const char *key)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->m[i].key, key) == 0)
            return &t->m[i];
    return NULL;
}

const struct triage_mark *triage_get(const struct triage *t, const char *host,
                                     const char *service)
{
    char key[1024];

    if (t->n == 0)
        return NULL;
    snprintf(key, sizeof key, "%s%s%s", host, service != NULL ? "!" : "",
             service != NULL ? service : "");
    return triage_find(t, key);
}

static void triage_remove(struct triage *t, struct triage_mark *m)
{
    free(m->key);
    *m = t->m[--t->n];
}

/* A new mark replaces whatever the object had. */
static struct triage_mark *triage_mark(struct triage *t, const char *key,
                                       enum icinga_action a)
{
    struct triage_mark *m = triage_find(t, key);

    if (m == NULL) {
        if (t->n == t->cap) {
            t->cap = t->cap ? t->cap * 2 : 16;
            t->m = xreallocarray(t->m, t->cap, sizeof *t->m);
        }
        m = &t->m[t->n++];
        memset(m, 0, sizeof *m);
        m->key = xstrdup(key);
    }
    m->action = a;
    m->state = TRIAGE_PENDING;
    m->answered = m->resynced = m->in_effect_later = false;
    m->sent = loop_wall();
    m->msg[0] = '\0';
    return m;
}

static void triage_fail(struct triage_mark *m, const char *why)
{
    if (m == NULL)
        return;
    m->state = TRIAGE_FAILED;
    snprintf(m->msg, sizeof m->msg, "%.250s", why);
}

static void triage_say(struct triage *t, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void triage_say(struct triage *t, int level, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (t->site->message != NULL)
        t->site->message(t->site->message_arg, t->site, level, msg);
}

/* The status of the object a key names, in the site's current data. */
static const struct mc_status *triage_status(const struct triage *t,
                                             const char *key)
{
    const struct mc_snapshot *snap = t->site->snap;
    const char *bang = strchr(key, '!');
    const struct mc_service *s;
    const struct mc_host *h;
    char host[512];

    if (snap == NULL)
        return NULL;
    if (bang == NULL) {
        h = snapshot_find_host(snap, key);
        return h != NULL ? &h->st : NULL;
    }
    snprintf(host, sizeof host, "%.*s", (int)(bang - key), key);
    s = snapshot_find_service(snap, host, bang + 1);
    return s != NULL ? &s->st : NULL;
}

/* Does the data show what the action asked for? */
static bool triage_confirmed(const struct triage_mark *m,
                             const struct mc_status *st)
{
    switch (m->action) {
    case ICINGA_ACK:
        return st->ack > 0;
    case ICINGA_UNACK:
        return st->ack == 0;
    case ICINGA_DOWNTIME:
        return m->in_effect_later || st->downtime_depth > 0;
    case ICINGA_UNDOWNTIME:
        return st->downtime_depth == 0;
    case ICINGA_RECHECK:
        return st->last_check > m->before;
    case ICINGA_COMMENT:
    default:
        return true; /* nothing to see in the state: accepted is done */
    }
}

static void triage_req_status(void *arg, int status)
{
    struct triage_req *r = arg;

    r->status = status;
}

static void triage_req_data(void *arg, const char *p, size_t n)
{
    struct triage_req *r = arg;

    buf_append(&r->body, p, n);
}

/* Mark each object by its own result; objects Icinga did not list failed. */
static size_t triage_apply_results(struct triage *t, struct triage_req *r,
                                   const struct icinga_action_result *res,
                                   size_t nres)
{
    size_t failed = 0;

    for (size_t i = 0; i < r->nkeys; i++) {
        struct triage_mark *m = triage_find(t, r->keys[i]);
        const struct icinga_action_result *hit;
        char host[512];
        const char *bang = strchr(r->keys[i], '!');

        snprintf(host, sizeof host, "%.*s",
                 bang != NULL ? (int)(bang - r->keys[i]) : 511, r->keys[i]);
        hit = icinga_action_result_for(res, nres, host,
                                       bang != NULL ? bang + 1 : NULL);
        if (m == NULL || m->action != r->action || m->state != TRIAGE_PENDING)
            continue; /* superseded by a newer action on the object */
        if (hit == NULL) {
            triage_fail(m, "Icinga did not match this object");
            failed++;
        } else if (hit->code < 200 || hit->code > 299) {
            triage_fail(m, hit->status != NULL ? hit->status : "refused");
            failed++;
        } else {
            m->answered = true;
        }
    }
    return failed;
}

static void triage_req_done(void *arg, int status, const struct mc_err *terr)
{
    struct triage_req *r = arg;
    struct triage *t = r->t;
    struct icinga_action_result *res = NULL;
    struct mc_err err = { 0 };
    size_t nres = 0, failed = 0;
    const char *what = icinga_action_name(r->action);

    triage_unlink(t, r);
    if (terr != NULL || icinga_action_parse(r->body.data, r->body.len, status,
                                            &res, &nres, &err) < 0) {
        /* No answer we can read: the outcome is unknown, so say so. */
        char why[300];

        if (terr != NULL)
            snprintf(why, sizeof why,
                     "no answer (%.200s): it may or may not have been done; "
                     "check and retry",
                     terr->msg);
        else if (status == 404)
            snprintf(why, sizeof why,
                     "the API user lacks the permission actions/*? %.160s",
                     err.msg);
        else
            snprintf(why, sizeof why, "%.250s", err.msg);
        for (size_t i = 0; i < r->nkeys; i++) {
            struct triage_mark *m = triage_find(t, r->keys[i]);

            if (m != NULL && m->action == r->action &&
                m->state == TRIAGE_PENDING)
                triage_fail(m, why);
        }
        triage_say(t, 2, "%s: %s failed for %zu object%s: %s", t->site->name,
                   what, r->nkeys, r->nkeys == 1 ? "" : "s", why);
    } else {
        failed = triage_apply_results(t, r, res, nres);
        if (failed > 0)
            triage_say(t, 2, "%s: %s failed for %zu of %zu objects%s%s",
                       t->site->name, what, failed, r->nkeys,
                       nres > 0 && res[0].status != NULL ? ": " : "",
                       nres > 0 && res[0].status != NULL ? res[0].status : "");
        else
            triage_say(t, 0, "%s: %s accepted for %zu object%s", t->site->name,
                       what, r->nkeys, r->nkeys == 1 ? "" : "s");
    }
    icinga_action_results_free(res, nres);
    triage_req_free(r);
    triage_check(t);
    site_touch(t->site);
}

static void triage_key(const struct icinga_target *tg, char *buf, size_t size)
{
    snprintf(buf, size, "%s%s%s", tg->host, tg->service != NULL ? "!" : "",
             tg->service != NULL ? tg->service : "");
}

/* Send one built request covering the targets of its object type. */
static int triage_send(struct triage *t, enum icinga_action a,
                       const struct icinga_action_params *p,
                       const struct icinga_request *rq,
                       const struct icinga_target *targets, size_t n,
                       struct mc_err *err)
{
    struct http_cb cb = { triage_req_status, triage_req_data, triage_req_done,
                          NULL, NULL };
    struct triage_req *r = xcalloc(1, sizeof *r);
    bool hosts = strcmp(rq->type, "Host") == 0;
    char key[1024];
    double now = loop_wall();

    r->t = t;
    r->action = a;
    for (size_t i = 0; i < n; i++) {
        struct triage_mark *m;
        const struct mc_status *st;

        if ((targets[i].service == NULL) != hosts)
            continue;
        triage_key(&targets[i], key, sizeof key);
        st = triage_status(t, key);
        m = triage_mark(t, key, a);
        m->before = st != NULL ? st->last_check : 0;
        m->in_effect_later =
            a == ICINGA_DOWNTIME && (!p->fixed || p->start > now);
        r->keys = xreallocarray(r->keys, r->nkeys + 1, sizeof *r->keys);
        r->keys[r->nkeys++] = xstrdup(key);
    }
    cb.arg = r;
    r->req = http_request(t->site->http, "POST", rq->path, rq->body, &cb, err);
    if (r->req == NULL) {
        for (size_t i = 0; i < r->nkeys; i++)
            triage_fail(triage_find(t, r->keys[i]), err->msg);
        triage_req_free(r);
        return -1;
    }
    r->next = t->reqs;
    t->reqs = r;
    return 0;
}

int triage_submit(struct triage *t, enum icinga_action a,
                  const struct icinga_action_params *p,
                  const struct icinga_target *targets, size_t n,
                  struct mc_err *err)
{
    struct icinga_request rq[2];
    size_t nrq = 0;
    int rc = 0;

    if (t->site->http == NULL || t->site->conn != SITE_CONNECTED)
        return err_set(err, "%s is not connected: nothing was sent",
                       t->site->name);
    /* Chunks keep each filter expression (one || per object) modest. */
    for (size_t at = 0; at < n && rc == 0; at += TRIAGE_CHUNK) {
        size_t k = n - at < TRIAGE_CHUNK ? n - at : TRIAGE_CHUNK;

        if (icinga_action_build(a, p, targets + at, k, rq, &nrq, err) < 0)
            return -1;
        for (size_t i = 0; i < nrq; i++) {
            if (rc == 0 &&
                triage_send(t, a, p, &rq[i], targets + at, k, err) < 0)
                rc = -1;
            icinga_request_clear(&rq[i]);
        }
    }
    site_touch(t->site);
    return rc;
}

void triage_check(struct triage *t)
{
    double now = loop_wall();
    bool resync = false;

    for (size_t i = 0; i < t->n;) {
        struct triage_mark *m = &t->m[i];
        const struct mc_status *st;

        if (m->state != TRIAGE_PENDING || !m->answered) {
            i++;
            continue;
        }
        st = triage_status(t, m->key);
        if (st != NULL && triage_confirmed(m, st)) {
            triage_remove(t, m); /* done: the data shows it */
            continue;
        }
        if (now - m->sent > TRIAGE_GIVE_UP_S) {
            triage_fail(m, "Icinga accepted it, but the change has not shown "
                           "in its data");
        } else if (now - m->sent > TRIAGE_RESYNC_S && !m->resynced) {
            m->resynced = true;
            resync = true;
        }
        i++;
    }
    if (resync && t->site->icinga != NULL)
        icinga_client_resync(t->site->icinga);
}

size_t triage_dismiss(struct triage *t)
{
    size_t n = 0;

    for (size_t i = 0; i < t->n;) {
        if (t->m[i].state == TRIAGE_FAILED) {
            triage_remove(t, &t->m[i]);
            n++;
        } else {
            i++;
        }
    }
    return n;
}

size_t triage_count(const struct triage *t, enum triage_state st)
{
    size_t n = 0;

    for (size_t i = 0; i < t->n; i++)
        n += t->m[i].state == st;
    return n;
}
