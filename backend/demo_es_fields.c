/*
 * A demo log document as a query sees it and as a hit shows it: the
 * mapped fields of each index family, the values of a document's fields
 * (by value id, so a search can remember a verdict per value), and its
 * _source as Logstash would have indexed it, with _source filtering.
 */
#include <cJSON.h>
#include <stdio.h>
#include <string.h>

#include "backend/demo_es.h"
#include "backend/demo_es_docs_int.h"

/* --- fields ------------------------------------------------------------- */

static const char *const paths[] = {
    "/var/log/nginx/access.log",
    "/var/log/nginx/error.log",
    "/var/log/orders/orders.log",
    "/var/log/billing/billing.log",
    "/var/log/catalog/catalog.log",
    "/var/log/users/users.log",
    "/var/log/postgresql/postgresql-15-main.log",
    "/var/log/elasticsearch/logs.log",
    "/var/log/redis/redis-server.log",
    "/var/log/haproxy.log",
    "/var/log/syslog",
    "/var/log/app/app.log",
};
static const char *const types[] = { "nginx-access", "nginx-error",   "java",
                                     "postgresql",   "elasticsearch", "redis",
                                     "haproxy",      "syslog" };
static const char *const datasets[] = {
    "nginx.access",         "nginx.error", "app.log",     "postgresql.log",
    "elasticsearch.server", "redis.log",   "haproxy.log", "system.syslog"
};
static const char *const services[] = { NULL,      "orders", "billing",
                                        "catalog", "users",  "elasticsearch" };

static const struct des_field classic_fields[] = {
    { "@timestamp", DES_F_DATE, DES_G_TS },
    { "@version", DES_F_KEYWORD, DES_G_VERSION },
    { "message", DES_F_TEXT, DES_G_MSG },
    { "host", DES_F_TEXT, DES_G_HOST },
    { "host.keyword", DES_F_KEYWORD, DES_G_HOST },
    { "path", DES_F_TEXT, DES_G_PATH },
    { "path.keyword", DES_F_KEYWORD, DES_G_PATH },
    { "level", DES_F_TEXT, DES_G_LEVEL },
    { "level.keyword", DES_F_KEYWORD, DES_G_LEVEL },
    { "type", DES_F_TEXT, DES_G_TYPE },
    { "type.keyword", DES_F_KEYWORD, DES_G_TYPE },
    { "service", DES_F_TEXT, DES_G_SERVICE },
    { "service.keyword", DES_F_KEYWORD, DES_G_SERVICE },
    { "response", DES_F_LONG, DES_G_STATUS },
    { "bytes", DES_F_LONG, DES_G_BYTES },
    { "tags", DES_F_TEXT, DES_G_TAGS },
    { "tags.keyword", DES_F_KEYWORD, DES_G_TAGS },
};

static const struct des_field ecs_fields[] = {
    { "@timestamp", DES_F_DATE, DES_G_TS },
    { "@version", DES_F_KEYWORD, DES_G_VERSION },
    { "message", DES_F_TEXT, DES_G_MSG }, /* match_only_text */
    { "host.name", DES_F_KEYWORD, DES_G_HOST },
    { "log.level", DES_F_KEYWORD, DES_G_LEVEL },
    { "log.file.path", DES_F_KEYWORD, DES_G_PATH },
    { "service.name", DES_F_KEYWORD, DES_G_SERVICE },
    { "event.dataset", DES_F_KEYWORD, DES_G_DATASET },
    { "http.response.status_code", DES_F_LONG, DES_G_STATUS },
    { "http.response.body.bytes", DES_F_LONG, DES_G_BYTES },
    { "ecs.version", DES_F_KEYWORD, DES_G_ECSVER },
    { "tags", DES_F_KEYWORD, DES_G_TAGS },
};

const struct des_field *des_fields(int fam, size_t *n)
{
    if (fam == DES_ECS) {
        *n = sizeof(ecs_fields) / sizeof(ecs_fields[0]);
        return ecs_fields;
    }
    *n = sizeof(classic_fields) / sizeof(classic_fields[0]);
    return classic_fields;
}

int des_value_text(const struct des_world *w, int getter, uint32_t vid,
                   const char **v)
{
    static const char *const tags[] = { "_grokparsefailure",
                                        "beats_input_codec_plain_applied" };

    switch (getter) {
    case DES_G_VERSION:
        v[0] = "1";
        return 1;
    case DES_G_ECSVER:
        v[0] = "8.0.0";
        return 1;
    case DES_G_HOST:
        v[0] = des_host_name(w, vid);
        return 1;
    case DES_G_PATH:
        v[0] = paths[vid];
        return 1;
    case DES_G_LEVEL:
        v[0] = des_levels[vid];
        return 1;
    case DES_G_TYPE:
        v[0] = types[vid];
        return 1;
    case DES_G_DATASET:
        v[0] = datasets[vid];
        return 1;
    case DES_G_SERVICE:
        v[0] = services[vid];
        return vid != 0;
    case DES_G_TAGS:
        v[0] = vid > 0 ? tags[vid - 1] : NULL;
        return vid > 0;
    default:
        return 0;
    }
}

int des_str_values(const struct des_world *w, const struct des_doc *doc,
                   int getter, const char **v, uint32_t *vid)
{
    if (!des_doc_vid(doc, getter, vid))
        return 0;
    return des_value_text(w, getter, *vid, v);
}

uint32_t des_cardinality(const struct des_world *w, int getter)
{
    switch (getter) {
    case DES_G_HOST:
        return w->d->nhosts;
    case DES_G_PATH:
        return sizeof(paths) / sizeof(paths[0]);
    case DES_G_LEVEL:
        return 4;
    case DES_G_TYPE:
    case DES_G_DATASET:
        return sizeof(types) / sizeof(types[0]);
    case DES_G_SERVICE:
        return sizeof(services) / sizeof(services[0]);
    case DES_G_TAGS:
        return 3;
    default:
        return 1;
    }
}

bool des_num_value(const struct des_world *w, const struct des_doc *doc,
                   int getter, long long *v)
{
    struct rng g;
    int status, bytes;

    if (getter == DES_G_TS) {
        *v = doc->ms;
        return true;
    }
    if (doc->tmpl != TM_NGX_ACCESS ||
        (getter != DES_G_STATUS && getter != DES_G_BYTES))
        return false;
    rng_entry(&g, w, doc->seg[2].arg, doc->seg[2].idx);
    des_req_meta(&g, doc->seg[2].arg - P_REQ, &status, &bytes);
    *v = getter == DES_G_STATUS ? status : bytes;
    return true;
}

/* --- _source ------------------------------------------------------------- */

static cJSON *obj_at(cJSON *parent, const char *name)
{
    cJSON *o = cJSON_GetObjectItemCaseSensitive(parent, name);

    return o != NULL ? o : cJSON_AddObjectToObject(parent, name);
}

static cJSON *doc_json(const struct des_world *w, const struct des_doc *doc)
{
    cJSON *s = cJSON_CreateObject(), *o;
    struct buf b = { 0 };
    char ts[40];
    const char *v[2];
    uint32_t vid;
    long long n;
    bool ecs = doc->fam == DES_ECS;

    des_date_format(doc->ms, NULL, 0, ts, sizeof(ts));
    cJSON_AddStringToObject(s, "@timestamp", ts);
    cJSON_AddStringToObject(s, "@version", "1");
    des_message(w, doc, &b);
    cJSON_AddStringToObject(s, "message", b.data != NULL ? b.data : "");
    buf_free(&b);
    des_str_values(w, doc, DES_G_HOST, v, &vid);
    if (ecs) {
        cJSON_AddStringToObject(obj_at(s, "host"), "name", v[0]);
        o = obj_at(s, "log");
        cJSON_AddStringToObject(o, "level", des_levels[doc->level]);
        des_str_values(w, doc, DES_G_PATH, v, &vid);
        cJSON_AddStringToObject(obj_at(o, "file"), "path", v[0]);
        if (des_str_values(w, doc, DES_G_SERVICE, v, &vid) > 0)
            cJSON_AddStringToObject(obj_at(s, "service"), "name", v[0]);
        des_str_values(w, doc, DES_G_DATASET, v, &vid);
        cJSON_AddStringToObject(obj_at(s, "event"), "dataset", v[0]);
        if (des_num_value(w, doc, DES_G_STATUS, &n)) {
            o = obj_at(obj_at(s, "http"), "response");
            cJSON_AddNumberToObject(o, "status_code", (double)n);
            des_num_value(w, doc, DES_G_BYTES, &n);
            cJSON_AddNumberToObject(obj_at(o, "body"), "bytes", (double)n);
        }
        cJSON_AddStringToObject(obj_at(s, "ecs"), "version", "8.0.0");
    } else {
        cJSON_AddStringToObject(s, "host", v[0]);
        des_str_values(w, doc, DES_G_PATH, v, &vid);
        cJSON_AddStringToObject(s, "path", v[0]);
        cJSON_AddStringToObject(s, "level", des_levels[doc->level]);
        des_str_values(w, doc, DES_G_TYPE, v, &vid);
        cJSON_AddStringToObject(s, "type", v[0]);
        if (des_str_values(w, doc, DES_G_SERVICE, v, &vid) > 0)
            cJSON_AddStringToObject(s, "service", v[0]);
        if (des_num_value(w, doc, DES_G_STATUS, &n)) {
            cJSON_AddNumberToObject(s, "response", (double)n);
            des_num_value(w, doc, DES_G_BYTES, &n);
            cJSON_AddNumberToObject(s, "bytes", (double)n);
        }
    }
    if (des_str_values(w, doc, DES_G_TAGS, v, &vid) > 0)
        cJSON_AddItemToObject(s, "tags", cJSON_CreateStringArray(v, 1));
    return s;
}

bool des_star_match(const char *p, const char *s)
{
    const char *star = NULL, *back = NULL;

    while (*s != '\0') {
        if (*p == '*') {
            star = p++;
            back = s;
        } else if (*p == *s) {
            p++;
            s++;
        } else if (star != NULL) {
            p = star + 1;
            s = ++back;
        } else {
            return false;
        }
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}

static bool any_match(char **pats, size_t n, const char *path)
{
    for (size_t i = 0; i < n; i++)
        if (des_star_match(pats[i], path))
            return true;
    return false;
}

/* XContentMapValues.filter: keep paths that match, drop excluded ones. */
static void filter(cJSON *obj, const char *prefix, bool included,
                   const struct des_filter *f)
{
    cJSON *it = obj->child, *next;
    char path[256];

    for (; it != NULL; it = next) {
        bool inc;

        next = it->next;
        snprintf(path, sizeof(path), "%s%s", prefix, it->string);
        if (any_match(f->exc, f->nexc, path)) {
            cJSON_Delete(cJSON_DetachItemViaPointer(obj, it));
            continue;
        }
        inc = included || f->ninc == 0 || any_match(f->inc, f->ninc, path);
        if (cJSON_IsObject(it)) {
            bool empty = it->child == NULL;
            char sub[260];

            snprintf(sub, sizeof(sub), "%s.", path);
            filter(it, sub, inc, f);
            if (it->child != NULL || (inc && empty))
                continue;
        } else if (inc) {
            continue;
        }
        cJSON_Delete(cJSON_DetachItemViaPointer(obj, it));
    }
}

void des_json_str(struct buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p = (const unsigned char *)s;

    buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned c = p[i];

        if (c == '"' || c == '\\') {
            buf_putc(b, '\\');
            buf_putc(b, (char)c);
        } else if (c < 0x20) {
            const char *esc = c == '\n'   ? "\\n"
                              : c == '\r' ? "\\r"
                              : c == '\t' ? "\\t"
                              : c == '\b' ? "\\b"
                              : c == '\f' ? "\\f"
                                          : NULL;

            if (esc != NULL)
                buf_puts(b, esc);
            else
                buf_printf(b, "\\u00%c%c", hex[c >> 4], hex[c & 15]);
        } else if (c == 0xed && i + 2 < n && (p[i + 1] & 0xe0) == 0xa0) {
            /* A lone UTF-16 surrogate: only an escape can carry it. */
            unsigned cp =
                0xd000 | ((p[i + 1] & 0x3fu) << 6) | (p[i + 2] & 0x3fu);

            buf_printf(b, "\\u%04X", cp);
            i += 2;
        } else {
            buf_putc(b, (char)c);
        }
    }
    buf_putc(b, '"');
}

static void write_json(struct buf *b, const cJSON *v)
{
    if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
        bool obj = cJSON_IsObject(v);

        buf_putc(b, obj ? '{' : '[');
        for (const cJSON *it = v->child; it != NULL; it = it->next) {
            if (it != v->child)
                buf_putc(b, ',');
            if (obj) {
                des_json_str(b, it->string, strlen(it->string));
                buf_putc(b, ':');
            }
            write_json(b, it);
        }
        buf_putc(b, obj ? '}' : ']');
    } else if (cJSON_IsString(v)) {
        des_json_str(b, v->valuestring, strlen(v->valuestring));
    } else if (cJSON_IsNumber(v)) {
        buf_printf(b, "%lld", (long long)v->valuedouble);
    } else {
        buf_puts(b, cJSON_IsTrue(v)    ? "true"
                    : cJSON_IsFalse(v) ? "false"
                                       : "null");
    }
}

void des_source(const struct des_world *w, const struct des_doc *doc,
                const struct des_filter *f, struct buf *b)
{
    cJSON *s = doc_json(w, doc);

    if (f != NULL && (f->ninc > 0 || f->nexc > 0))
        filter(s, "", false, f);
    write_json(b, s);
    cJSON_Delete(s);
}
