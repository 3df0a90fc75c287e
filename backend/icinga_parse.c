/*
 * Icinga 2 host and service objects to model structs, and the streaming
 * reader that feeds a /v1/objects response through the splitter.
 */
#include "icinga_parse.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "icinga_json.h"
#include "jsonstream.h"
#include "perfdata.h"
#include "xalloc.h"

const char *icinga_json_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsString(v) && v->valuestring != NULL ? v->valuestring : NULL;
}

bool icinga_json_num(const cJSON *o, const char *key, double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
        return false;
    *out = v->valuedouble;
    return true;
}

bool icinga_json_int(const cJSON *o, const char *key, int *out)
{
    double d;

    if (!icinga_json_num(o, key, &d) || d < -1e9 || d > 1e9)
        return false;
    *out = (int)d;
    return true;
}

bool icinga_json_bool(const cJSON *o, const char *key, bool *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    if (!cJSON_IsBool(v))
        return false;
    *out = cJSON_IsTrue(v);
    return true;
}

/* Copy of s[0..len) without trailing white space; NULL when empty. */
static char *dup_rtrim(const char *s, size_t len)
{
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
                       s[len - 1] == '\r' || s[len - 1] == '\n'))
        len--;
    return len > 0 ? xstrndup(s, len) : NULL;
}

/* First line into output (never NULL), the rest into long_output. */
static void split_output(const char *text, struct mc_status *st)
{
    const char *nl = strchr(text, '\n');
    size_t first = nl != NULL ? (size_t)(nl - text) : strlen(text);

    st->output = dup_rtrim(text, first);
    if (st->output == NULL)
        st->output = xstrdup("");
    if (nl != NULL)
        st->long_output = dup_rtrim(nl + 1, strlen(nl + 1));
}

/* performance_data: an array of strings (or one string) into st. */
static void parse_perf(const cJSON *pd, struct mc_status *st)
{
    struct buf raw = { 0 };
    const cJSON *it;

    if (cJSON_IsString(pd) && pd->valuestring != NULL) {
        if (perfdata_parse(pd->valuestring, &st->perf, NULL) < 0)
            st->perf_bad = true;
        buf_puts(&raw, pd->valuestring);
    } else if (cJSON_IsArray(pd)) {
        cJSON_ArrayForEach(it, pd)
        {
            if (!cJSON_IsString(it) || it->valuestring == NULL) {
                st->perf_bad = true; /* e.g. a PerfdataValue object */
                continue;
            }
            if (perfdata_parse(it->valuestring, &st->perf, NULL) < 0)
                st->perf_bad = true;
            if (raw.len > 0)
                buf_putc(&raw, ' ');
            buf_puts(&raw, it->valuestring);
        }
    }
    if (raw.len > 0)
        st->perf_raw = buf_steal(&raw);
    buf_free(&raw);
}

void icinga_json_check_result(const cJSON *cr, bool is_host,
                              struct mc_status *st)
{
    const cJSON *va = cJSON_GetObjectItemCaseSensitive(cr, "vars_after");
    const char *out = icinga_json_str(cr, "output");
    double t;
    int state;

    st->pending = false;
    if (icinga_json_int(cr, "state", &state))
        /* A host result carries a service-like state: 0/1 UP, 2/3 DOWN. */
        st->state = is_host ? (state >= 2 ? 1 : 0) : state;
    if (icinga_json_num(cr, "schedule_end", &t) ||
        icinga_json_num(cr, "execution_end", &t))
        st->last_check = t;
    icinga_json_int(va, "attempt", &st->attempt);
    icinga_json_int(va, "state_type", &st->state_type);
    icinga_json_bool(va, "reachable", &st->reachable);
    split_output(out != NULL ? out : "", st);
    parse_perf(cJSON_GetObjectItemCaseSensitive(cr, "performance_data"), st);
}

static int field_error(struct mc_err *err, const char *what, const char *name,
                       const char *field, const cJSON *v)
{
    if (v == NULL)
        return err_set(err, "%s \"%.100s\": no \"%s\"", what, name, field);
    return err_set(err, "%s \"%.100s\": \"%s\" is not a number", what, name,
                   field);
}

/* Status attributes shared by hosts and services. */
static int parse_status(const cJSON *attrs, bool is_host, const char *what,
                        const char *name, struct mc_status *st,
                        struct mc_err *err)
{
    const cJSON *state = cJSON_GetObjectItemCaseSensitive(attrs, "state");
    const cJSON *cr;
    double d;
    bool b;

    if (!cJSON_IsNumber(state) || !isfinite(state->valuedouble) ||
        state->valuedouble < 0 || state->valuedouble > 99)
        return field_error(err, what, name, "state", state);
    st->state_type = 1;
    st->attempt = st->max_attempts = 1;
    st->reachable = true;
    st->last_check = -1;
    cr = cJSON_GetObjectItemCaseSensitive(attrs, "last_check_result");
    if (cJSON_IsObject(cr))
        icinga_json_check_result(cr, is_host, st);
    else if (cJSON_IsNull(cr))
        st->pending = true;
    /* The object's own attributes win over the check result's copies. */
    st->state = (int)state->valuedouble;
    if (icinga_json_num(attrs, "last_check", &d)) {
        st->last_check = d;
        if (d < 0 && cr == NULL)
            st->pending = true;
    }
    icinga_json_num(attrs, "last_state_change", &st->last_state_change);
    icinga_json_int(attrs, "state_type", &st->state_type);
    icinga_json_int(attrs, "check_attempt", &st->attempt);
    icinga_json_int(attrs, "max_check_attempts", &st->max_attempts);
    if (icinga_json_bool(attrs, "acknowledgement", &b))
        st->ack = b ? 1 : 0;
    else
        icinga_json_int(attrs, "acknowledgement", &st->ack);
    icinga_json_int(attrs, "downtime_depth", &st->downtime_depth);
    icinga_json_bool(attrs, "flapping", &st->flapping);
    icinga_json_bool(attrs, "last_reachable", &st->reachable);
    return 0;
}

/* Non-empty string attribute, copied; NULL otherwise. */
static char *dup_attr(const cJSON *o, const char *key)
{
    const char *s = icinga_json_str(o, key);

    return s != NULL && s[0] != '\0' ? xstrdup(s) : NULL;
}

/* vars.<path> where path may be dotted; a string value or NULL. */
static char *var_lookup(const cJSON *vars, const char *path)
{
    char key[128];

    while (cJSON_IsObject(vars)) {
        const char *dot = strchr(path, '.');
        size_t n = dot != NULL ? (size_t)(dot - path) : strlen(path);

        if (n == 0 || n >= sizeof key)
            return NULL;
        memcpy(key, path, n);
        key[n] = '\0';
        if (dot == NULL)
            return dup_attr(vars, key);
        vars = cJSON_GetObjectItemCaseSensitive(vars, key);
        path = dot + 1;
    }
    return NULL;
}

static const cJSON *object_attrs(const cJSON *obj, const char *what,
                                 const char **name, struct mc_err *err)
{
    const cJSON *attrs;

    if (!cJSON_IsObject(obj)) {
        err_set(err, "%s is not a JSON object", what);
        return NULL;
    }
    attrs = cJSON_GetObjectItemCaseSensitive(obj, "attrs");
    *name = icinga_json_str(obj, "name");
    if (*name == NULL)
        *name = icinga_json_str(attrs, "name");
    if (*name == NULL || (*name)[0] == '\0') {
        err_set(err, "%s without a \"name\"", what);
        return NULL;
    }
    if (!cJSON_IsObject(attrs)) {
        err_set(err, "%s \"%.100s\": no \"attrs\" object", what, *name);
        return NULL;
    }
    return attrs;
}

int icinga_parse_host(const cJSON *obj, const char *env_var,
                      struct mc_host *out, struct mc_err *err)
{
    const char *name, *aname;
    const cJSON *attrs = object_attrs(obj, "host", &name, err);

    memset(out, 0, sizeof *out);
    if (attrs == NULL)
        return -1;
    aname = icinga_json_str(attrs, "name");
    if (aname != NULL && aname[0] != '\0')
        name = aname;
    if (parse_status(attrs, true, "host", name, &out->st, err) < 0) {
        model_host_clear(out);
        return -1;
    }
    out->name = xstrdup(name);
    out->display_name = dup_attr(attrs, "display_name");
    if (out->display_name == NULL)
        out->display_name = xstrdup(name);
    out->address = dup_attr(attrs, "address");
    out->env = var_lookup(cJSON_GetObjectItemCaseSensitive(attrs, "vars"),
                          env_var != NULL ? env_var : ICINGA_DEFAULT_ENV_VAR);
    return 0;
}

int icinga_parse_service(const cJSON *obj, struct mc_service *out,
                         struct mc_err *err)
{
    const char *full, *bang, *sname, *hname;
    const cJSON *attrs = object_attrs(obj, "service", &full, err);
    const cJSON *jhost;

    memset(out, 0, sizeof *out);
    if (attrs == NULL)
        return -1;
    bang = strchr(full, '!');
    sname = icinga_json_str(attrs, "name");
    if (sname != NULL && sname[0] != '\0')
        out->name = xstrdup(sname);
    else if (bang != NULL && bang[1] != '\0')
        out->name = xstrdup(bang + 1);
    hname = icinga_json_str(attrs, "host_name");
    jhost = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(obj, "joins"), "host");
    if (hname != NULL && hname[0] != '\0')
        out->host_name = xstrdup(hname);
    else if (bang != NULL && bang != full)
        out->host_name = xstrndup(full, (size_t)(bang - full));
    else if (icinga_json_str(jhost, "name") != NULL)
        out->host_name = xstrdup(icinga_json_str(jhost, "name"));
    if (out->name == NULL || out->host_name == NULL) {
        err_set(err, "service \"%.100s\": no %s", full,
                out->name == NULL ? "short \"name\"" : "\"host_name\"");
        goto fail;
    }
    if (parse_status(attrs, false, "service", full, &out->st, err) < 0)
        goto fail;
    out->display_name = dup_attr(attrs, "display_name");
    if (out->display_name == NULL)
        out->display_name = xstrdup(out->name);
    return 0;
fail:
    model_service_clear(out);
    return -1;
}

/* ---- streaming reader ---- */

struct icinga_reader {
    enum icinga_kind kind;
    char *env_var;
    struct jsonstream *js;
    struct mc_host *hosts;
    struct mc_service *svcs;
    size_t n, cap;
};

/* Check the object's "type" against what the reader expects. */
static int check_type(const struct icinga_reader *r, const cJSON *obj,
                      struct mc_err *err)
{
    const char *want = r->kind == ICINGA_HOSTS ? "Host" : "Service";
    const char *type = icinga_json_str(obj, "type");

    if (type != NULL && strcmp(type, want) != 0)
        return err_set(err, "expected a %s, got a %.40s", want, type);
    return 0;
}

static int reader_object(void *ctx, const char *p, size_t len,
                         struct mc_err *err)
{
    struct icinga_reader *r = ctx;
    size_t idx = jsonstream_count(r->js) + 1;
    cJSON *obj = cJSON_ParseWithLength(p, len);
    int rc = -1;

    if (obj == NULL) {
        err_set(err, "object %zu: malformed JSON", idx);
        return -1;
    }
    if (r->n == r->cap) {
        r->cap = r->cap < 64 ? 64 : r->cap * 2;
        if (r->kind == ICINGA_HOSTS)
            r->hosts = xreallocarray(r->hosts, r->cap, sizeof *r->hosts);
        else
            r->svcs = xreallocarray(r->svcs, r->cap, sizeof *r->svcs);
    }
    if (check_type(r, obj, err) < 0)
        goto out;
    if (r->kind == ICINGA_HOSTS)
        rc = icinga_parse_host(obj, r->env_var, &r->hosts[r->n], err);
    else
        rc = icinga_parse_service(obj, &r->svcs[r->n], err);
    if (rc == 0)
        r->n++;
out:
    if (rc < 0)
        err_prefix(err, "object %zu", idx);
    cJSON_Delete(obj);
    return rc;
}

struct icinga_reader *icinga_reader_new(enum icinga_kind kind,
                                        const char *env_var)
{
    struct icinga_reader *r = xcalloc(1, sizeof *r);

    r->kind = kind;
    r->env_var =
        xstrdup(env_var != NULL && env_var[0] != '\0' ? env_var
                                                      : ICINGA_DEFAULT_ENV_VAR);
    r->js = jsonstream_new(reader_object, r);
    return r;
}

/* An Icinga error body reads better through icinga_parse_error(). */
static int reader_error(struct icinga_reader *r, struct mc_err *err)
{
    size_t len;
    const char *rest;

    if (err == NULL || err->code != JSONSTREAM_ERR_ERROR_BODY)
        return -1;
    rest = jsonstream_rest(r->js, &len);
    if (rest != NULL)
        icinga_parse_error(rest, len, 0, err);
    err->code = JSONSTREAM_ERR_ERROR_BODY;
    return -1;
}

int icinga_reader_feed(struct icinga_reader *r, const char *p, size_t len,
                       struct mc_err *err)
{
    if (jsonstream_feed(r->js, p, len, err) < 0)
        return reader_error(r, err);
    return 0;
}

int icinga_reader_finish(struct icinga_reader *r, struct mc_err *err)
{
    if (jsonstream_finish(r->js, err) < 0)
        return reader_error(r, err);
    return 0;
}

struct mc_host *icinga_reader_take_hosts(struct icinga_reader *r, size_t *n)
{
    struct mc_host *h = NULL;

    *n = 0;
    if (r->kind != ICINGA_HOSTS)
        return NULL;
    if (r->n > 0) {
        h = r->hosts;
        *n = r->n;
    } else {
        free(r->hosts);
    }
    r->hosts = NULL;
    r->n = r->cap = 0;
    return h;
}

struct mc_service *icinga_reader_take_services(struct icinga_reader *r,
                                               size_t *n)
{
    struct mc_service *s = NULL;

    *n = 0;
    if (r->kind != ICINGA_SERVICES)
        return NULL;
    if (r->n > 0) {
        s = r->svcs;
        *n = r->n;
    } else {
        free(r->svcs);
    }
    r->svcs = NULL;
    r->n = r->cap = 0;
    return s;
}

size_t icinga_reader_bytes(const struct icinga_reader *r)
{
    return jsonstream_bytes(r->js);
}

size_t icinga_reader_objects(const struct icinga_reader *r)
{
    return jsonstream_count(r->js);
}

void icinga_reader_free(struct icinga_reader *r)
{
    if (r == NULL)
        return;
    model_hosts_free(r->hosts, r->kind == ICINGA_HOSTS ? r->n : 0);
    model_services_free(r->svcs, r->kind == ICINGA_SERVICES ? r->n : 0);
    jsonstream_free(r->js);
    free(r->env_var);
    free(r);
}
