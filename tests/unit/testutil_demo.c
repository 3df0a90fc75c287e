/* Helpers shared by the demo action tests (no suite here). */
#include "tests/unit/testutil_demo.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/buf.h"
#include "tests/unit/testutil.h"

char *dt_fetch(struct demo *d, const char *method, const char *path,
               const char *body, int *status)
{
    struct demo_reply *r = demo_request(d, method, path, body, status);
    struct buf b = { 0 };

    while (demo_reply_read(r, &b, 4096))
        ;
    demo_reply_free(r);
    return buf_steal(&b);
}

/* A query that must answer 200; the parsed body. */
cJSON *dt_query(struct demo *d, const char *path, const char *body)
{
    int st = 0;
    char *s = dt_fetch(d, body != NULL ? "POST" : "GET", path, body, &st);
    cJSON *j = cJSON_Parse(s);

    ck_assert_msg(st == 200, "%s: %d %s", path, st, s);
    ck_assert(cJSON_IsArray(cJSON_GetObjectItem(j, "results")));
    free(s);
    return j;
}

cJSON *dt_results(const cJSON *j)
{
    return cJSON_GetObjectItem(j, "results");
}

/* Names of the objects a filter matches (at most max). */
int dt_pick(struct demo *d, bool services, const char *filter, char **out,
            int max)
{
    char body[512];
    cJSON *j, *it;
    int n = 0;

    snprintf(body, sizeof body, "{\"attrs\":[\"name\"],\"filter\":\"%s\"}",
             filter);
    j = dt_query(d, services ? "/v1/objects/services" : "/v1/objects/hosts",
                 body);
    cJSON_ArrayForEach(it, dt_results(j))
    {
        if (n < max)
            out[n++] = strdup(cJSON_GetObjectItem(it, "name")->valuestring);
    }
    cJSON_Delete(j);
    return n;
}

void dt_free_names(char **v, int n)
{
    for (int i = 0; i < n; i++)
        free(v[i]);
}

/* "h!s" into a target (pointing into name, which is modified). */
struct icinga_target dt_target(char *name)
{
    struct icinga_target t = { name, NULL };
    char *bang = strchr(name, '!');

    if (bang != NULL) {
        *bang = '\0';
        t.service = bang + 1;
    }
    return t;
}

/* An attribute of one object (host or "host!service"). */
double dt_num(struct demo *d, const char *name, const char *attr)
{
    char path[256];
    cJSON *j, *v;
    double x;

    snprintf(path, sizeof path, "/v1/objects/%s/%s?attrs=%s",
             strchr(name, '!') != NULL ? "services" : "hosts", name, attr);
    j = dt_query(d, path, NULL);
    v = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetArrayItem(dt_results(j), 0), "attrs"),
        attr);
    ck_assert_msg(cJSON_IsNumber(v), "%s of %s", attr, name);
    x = v->valuedouble;
    cJSON_Delete(j);
    return x;
}

/* Send every request of an action; all results, the last HTTP status. */
struct icinga_action_result *dt_act(struct demo *d, enum icinga_action a,
                                    const struct icinga_action_params *p,
                                    const struct icinga_target *t, size_t n,
                                    size_t *nres, int *status)
{
    struct icinga_request rq[2];
    struct icinga_action_result *all = NULL;
    struct mc_err err = { 0 };
    size_t nrq = 0;

    *nres = 0;
    ck_assert_msg(icinga_action_build(a, p, t, n, rq, &nrq, &err) == 0, "%s",
                  err.msg);
    for (size_t i = 0; i < nrq; i++) {
        char *body = dt_fetch(d, "POST", rq[i].path, rq[i].body, status);
        struct icinga_action_result *r;
        size_t k;

        ck_assert_msg(
            icinga_action_parse(body, strlen(body), *status, &r, &k, &err) == 0,
            "%s: %s", err.msg, body);
        all = realloc(all, (*nres + k + 1) * sizeof *all);
        if (k > 0)
            memcpy(all + *nres, r, k * sizeof *r);
        *nres += k;
        free(r);
        free(body);
        icinga_request_clear(&rq[i]);
    }
    return all;
}

struct demo_reply *dt_stream(struct demo *d, const char *types)
{
    char body[512];
    int st = 0;
    struct demo_reply *r;

    snprintf(body, sizeof body, "{\"queue\":\"t\",\"types\":[%s]}", types);
    r = demo_request(d, "POST", "/v1/events", body, &st);
    ck_assert_int_eq(st, 200);
    return r;
}

/* The events queued so far, as an array. */
cJSON *dt_events(struct demo_reply *r)
{
    struct buf b = { 0 };
    cJSON *arr = cJSON_CreateArray();
    char *line, *nl;

    demo_reply_read(r, &b, 1u << 30);
    for (line = b.data; line != NULL && *line != '\0'; line = nl + 1) {
        cJSON *ev;

        nl = strchr(line, '\n');
        ck_assert_ptr_nonnull(nl);
        *nl = '\0';
        ev = cJSON_Parse(line);
        ck_assert_msg(ev != NULL, "bad event line %s", line);
        cJSON_AddItemToArray(arr, ev);
    }
    buf_free(&b);
    return arr;
}

/* Forget the events queued so far. */
void dt_drain(struct demo_reply *r)
{
    cJSON_Delete(dt_events(r));
}

const char *dt_ev_type(const cJSON *ev)
{
    return cJSON_GetObjectItem(ev, "type")->valuestring;
}

int dt_count(const cJSON *evs, const char *type)
{
    const cJSON *ev;
    int n = 0;

    cJSON_ArrayForEach(ev, evs)
    {
        n += strcmp(dt_ev_type(ev), type) == 0;
    }
    return n;
}

/* Same member names, in the same (sorted) order. */
static void same_keys(const cJSON *a, const cJSON *b, const char *what)
{
    const cJSON *x = a->child, *y = b->child;

    for (; x != NULL && y != NULL; x = x->next, y = y->next)
        ck_assert_msg(strcmp(x->string, y->string) == 0, "%s: %s vs %s", what,
                      x->string, y->string);
    ck_assert_msg(x == NULL && y == NULL, "%s: key count differs", what);
}

/* Each event has the shape of the real line of its type. */
void dt_shapes_like_lab(const cJSON *evs)
{
    size_t len;
    char *lab = testutil_slurp(
        "tests/data/icinga/icinga-events-ack-downtime-comment.ndjson", &len);
    const cJSON *ev;
    int checked = 0;

    cJSON_ArrayForEach(ev, evs)
    {
        for (char *line = lab; *line != '\0';) {
            char *nl = strchr(line, '\n');
            cJSON *real = cJSON_ParseWithLength(line, (size_t)(nl - line));

            if (strcmp(dt_ev_type(real), dt_ev_type(ev)) == 0) {
                same_keys(ev, real, dt_ev_type(ev));
                if (cJSON_HasObjectItem(ev, "downtime"))
                    same_keys(cJSON_GetObjectItem(ev, "downtime"),
                              cJSON_GetObjectItem(real, "downtime"),
                              "downtime");
                if (cJSON_HasObjectItem(ev, "comment") &&
                    cJSON_IsObject(cJSON_GetObjectItem(ev, "comment")))
                    same_keys(cJSON_GetObjectItem(ev, "comment"),
                              cJSON_GetObjectItem(real, "comment"), "comment");
                checked++;
            }
            cJSON_Delete(real);
            line = nl + 1;
        }
    }
    ck_assert_int_gt(checked, 0);
    free(lab);
}

struct icinga_action_params dt_params(void)
{
    struct icinga_action_params p = { 0 };

    p.author = "mctop";
    p.comment = "Investigating (OPS-1)";
    p.fixed = true;
    p.force = true;
    return p;
}

void dt_expect(struct demo *d, const char *method, const char *path,
               const char *body, int code, const char *want)
{
    int st = 0;
    char *s = dt_fetch(d, method, path, body, &st);

    ck_assert_msg(st == code, "%s: %d %s", path, st, s);
    ck_assert_str_eq(s, want);
    free(s);
}

/* Downtimes listed now, as {name: parent}. */
cJSON *dt_downtimes(struct demo *d, const char *host)
{
    char body[256];
    cJSON *j, *it, *out = cJSON_CreateObject();

    snprintf(body, sizeof body,
             "{\"attrs\":[\"parent\",\"trigger_time\",\"fixed\"],"
             "\"filter\":\"host.name==h\",\"filter_vars\":{\"h\":\"%s\"}}",
             host);
    j = dt_query(d, "/v1/objects/downtimes", body);
    cJSON_ArrayForEach(it, dt_results(j))
    {
        cJSON *a = cJSON_GetObjectItem(it, "attrs");

        ck_assert_str_eq(cJSON_GetObjectItem(it, "type")->valuestring,
                         "Downtime");
        ck_assert_int_eq(cJSON_GetArraySize(a), 3);
        cJSON_AddStringToObject(out,
                                cJSON_GetObjectItem(it, "name")->valuestring,
                                cJSON_GetObjectItem(a, "parent")->valuestring);
    }
    cJSON_Delete(j);
    return out;
}
