/*
 * The document pane of the logs view: one hit's fields as a sorted list
 * ("field.path  value", flattened from its _source), or its source as
 * pretty-printed JSON (J), scrolled with the movement keys. Keys and
 * values are the document's: drawn through the sanitiser, long values
 * wrapped, multi-line ones (stack traces) on several lines.
 */
#include <cJSON.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/buf.h"
#include "backend/xalloc.h"
#include "tui/text.h"
#include "views/actions.h"
#include "views/logs_int.h"

#define LOGS_DOC_KEY_MAX 40 /* columns of the field names at most */

struct logs_field {
    char *key, *value;
};

struct logs_doc {
    char *index, *id;
    struct logs_field *f;
    size_t n, cap;
    int keyw;   /* the widest field name, in columns */
    char *json; /* pretty-printed; the source as sent if it is not JSON */
    bool bad;   /* the source is not JSON */
};

static void logs_doc_add(struct logs_doc *d, const char *key, char *value)
{
    int w = text_width(key);

    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 32;
        d->f = xreallocarray(d->f, d->cap, sizeof *d->f);
    }
    d->f[d->n].key = xstrdup(key);
    d->f[d->n++].value = value;
    if (w > d->keyw)
        d->keyw = w;
}

/* A scalar as text (caller frees). */
static char *logs_doc_scalar(const cJSON *it)
{
    if (cJSON_IsString(it))
        return xstrdup(it->valuestring);
    if (cJSON_IsTrue(it))
        return xstrdup("true");
    if (cJSON_IsFalse(it))
        return xstrdup("false");
    if (cJSON_IsNull(it))
        return xstrdup("null");
    return NULL;
}

/* An array of scalars as "a, b, c"; anything else as compact JSON. */
static char *logs_doc_array(const cJSON *arr)
{
    struct buf b = { 0 };
    const cJSON *it;
    char *s;

    cJSON_ArrayForEach(it, arr)
    {
        if (cJSON_IsObject(it) || cJSON_IsArray(it)) {
            buf_free(&b);
            s = cJSON_PrintUnformatted(arr);
            return s;
        }
    }
    cJSON_ArrayForEach(it, arr)
    {
        char *v = cJSON_IsNumber(it) ? cJSON_PrintUnformatted(it)
                                     : logs_doc_scalar(it);

        buf_printf(&b, "%s%s", b.len > 0 ? ", " : "", v != NULL ? v : "");
        free(v);
    }
    return b.data != NULL ? buf_steal(&b) : xstrdup("[]");
}

static void logs_doc_flatten(struct logs_doc *d, const cJSON *it,
                             struct buf *path)
{
    size_t len = path->len;
    const cJSON *c;

    if (cJSON_IsObject(it) && it->child != NULL) {
        cJSON_ArrayForEach(c, it)
        {
            if (path->len > 0)
                buf_putc(path, '.');
            buf_puts(path, c->string != NULL ? c->string : "");
            logs_doc_flatten(d, c, path);
            path->len = len;
            path->data[len] = '\0';
        }
        return;
    }
    if (path->len == 0)
        return;
    if (cJSON_IsObject(it))
        logs_doc_add(d, path->data, xstrdup("{}"));
    else if (cJSON_IsArray(it))
        logs_doc_add(d, path->data, logs_doc_array(it));
    else if (cJSON_IsNumber(it))
        logs_doc_add(d, path->data, cJSON_PrintUnformatted(it));
    else
        logs_doc_add(d, path->data, logs_doc_scalar(it));
}

static int logs_doc_cmp(const void *a, const void *b)
{
    const struct logs_field *x = a, *y = b;

    return strcmp(x->key, y->key);
}

/* cJSON indents with tabs and puts one after each ':': two spaces a level
 * and one space read better (a tab would be drawn as one space). */
static char *logs_doc_untab(const char *s)
{
    struct buf b = { 0 };
    bool indent = true;

    for (; *s != '\0'; s++) {
        if (*s == '\t')
            buf_puts(&b, indent ? "  " : " ");
        else
            buf_putc(&b, *s);
        indent = *s == '\n' || (indent && *s == '\t');
    }
    return b.data != NULL ? buf_steal(&b) : xstrdup("");
}

struct logs_doc *logs_doc_new(const struct es_hit *h)
{
    struct logs_doc *d = xcalloc(1, sizeof *d);
    cJSON *src = h->source != NULL ? cJSON_Parse(h->source) : NULL;
    struct buf path = { 0 };
    char *pretty;

    d->index = xstrdup(h->index != NULL ? h->index : "");
    d->id = xstrdup(h->id != NULL ? h->id : "");
    logs_doc_add(d, "_index", xstrdup(d->index));
    logs_doc_add(d, "_id", xstrdup(d->id));
    if (src == NULL) {
        d->bad = true;
        d->json = xstrdup(h->source != NULL ? h->source : "");
        logs_doc_add(d, "_source", xstrdup(d->json));
    } else {
        logs_doc_flatten(d, src, &path);
        pretty = cJSON_Print(src);
        d->json = logs_doc_untab(pretty != NULL ? pretty : "");
        free(pretty);
    }
    for (size_t i = 0; i < d->n; i++)
        if (d->f[i].value == NULL)
            d->f[i].value = xstrdup("");
    qsort(d->f, d->n, sizeof *d->f, logs_doc_cmp);
    buf_free(&path);
    cJSON_Delete(src);
    return d;
}

void logs_doc_free(struct logs_doc *d)
{
    if (d == NULL)
        return;
    for (size_t i = 0; i < d->n; i++) {
        free(d->f[i].key);
        free(d->f[i].value);
    }
    free(d->f);
    free(d->index);
    free(d->id);
    free(d->json);
    free(d);
}

/* ---- drawing: lines wrapped to the pane, counted or drawn ---- */

struct logs_doc_out {
    struct tui_rect r;
    int scroll; /* first line drawn */
    bool draw;  /* false: only count */
    int line;   /* lines so far */
};

/* text from column x, wrapped, its lines broken at '\n'; key (or NULL) in
 * the first kw columns of the first line. */
static void logs_doc_text(struct logs_doc_out *o, const char *key, int kw,
                          const char *text)
{
    int x = o->r.x + (key != NULL ? kw + 2 : 0);
    int w = o->r.w - (x - o->r.x);
    const char *p = text;
    bool first = true;

    if (w < 1)
        w = 1;
    for (;;) {
        const char *end = p + strcspn(p, "\n"), *stop = end;

        if (stop > p && stop[-1] == '\r')
            stop--;
        do {
            int used, y = o->r.y + o->line - o->scroll;
            size_t n = text_fit(p, w, &used);

            if (n > (size_t)(stop - p))
                n = (size_t)(stop - p);
            if (n == 0 && p < stop) { /* wider than the pane */
                uint32_t cp;

                n = text_decode(p, (size_t)(stop - p), &cp);
            }
            if (o->draw && y >= o->r.y && y < o->r.y + o->r.h) {
                if (first && key != NULL)
                    draw_text(y, o->r.x, kw, ROLE_LABEL, key);
                draw_textn(y, x, w, ROLE_DEFAULT, p, n);
            }
            first = false;
            o->line++;
            p += n;
        } while (p < stop);
        if (*end == '\0')
            return;
        p = end + 1;
    }
}

static void logs_doc_lines(const struct logs_doc *d, bool json,
                           struct logs_doc_out *o)
{
    int kw = d->keyw < LOGS_DOC_KEY_MAX ? d->keyw : LOGS_DOC_KEY_MAX;

    if (kw > o->r.w / 3)
        kw = o->r.w / 3;
    if (json || d->bad) {
        if (d->bad && json)
            logs_doc_text(o, NULL, 0, "(the source is not JSON: as sent)");
        logs_doc_text(o, NULL, 0, d->json);
        return;
    }
    for (size_t i = 0; i < d->n; i++)
        logs_doc_text(o, d->f[i].key, kw, d->f[i].value);
}

static bool logs_doc_is(const struct logs_doc *d, const struct es_hit *h)
{
    return d != NULL &&
           strcmp(d->index, h->index != NULL ? h->index : "") == 0 &&
           strcmp(d->id, h->id != NULL ? h->id : "") == 0;
}

static void logs_doc_header(struct logs_view *v, const struct es_hit *h, int y,
                            int x, int w, int first, int total)
{
    char t[40], pos[48];
    const char *label;
    int cx, pw;

    draw_fill(y, x, w, ROLE_COLHEAD);
    snprintf(pos, sizeof pos, " %s · %d-%d of %d ", v->json ? "JSON" : "fields",
             total > 0 ? first + 1 : 0,
             first + v->doc_h < total ? first + v->doc_h : total, total);
    pw = text_width(pos);
    cx = x + draw_printf(y, x, w - pw, ROLE_COLHEAD, " %s  ",
                         logs_format_time(h->time, true, t, sizeof t));
    logs_level_of(h->level, &label);
    if (h->level != NULL)
        cx += draw_text(y, cx, x + w - pw - cx, ROLE_COLHEAD, label) + 2;
    cx += draw_text(y, cx, x + w - pw - cx, ROLE_COLHEAD,
                    h->host != NULL ? h->host : "-");
    draw_text(y, x + w - pw, pw, ROLE_COLHEAD, pos);
}

void logs_doc_draw(struct logs_view *v, const struct es_hit *h,
                   struct tui_rect r)
{
    struct logs_doc_out o = {
        { r.y + 1, r.x + 1, r.h - 1, r.w - 2 }, 0, false, 0
    };
    int max;

    if (!logs_doc_is(v->doc, h)) {
        logs_doc_free(v->doc);
        v->doc = logs_doc_new(h);
        v->dscroll = 0;
    }
    v->doc_h = o.r.h;
    logs_doc_lines(v->doc, v->json, &o); /* count */
    max = o.line - o.r.h;
    if (v->dscroll > max)
        v->dscroll = max;
    if (v->dscroll < 0)
        v->dscroll = 0;
    logs_doc_header(v, h, r.y, r.x, r.w, v->dscroll, o.line);
    o.scroll = v->dscroll;
    o.draw = true;
    o.line = 0;
    logs_doc_lines(v->doc, v->json, &o);
}

enum view_result logs_doc_action(struct logs_view *v, int action)
{
    int page = v->doc_h > 1 ? v->doc_h - 1 : 1;

    switch (action) {
    case ACT_UP:
        v->dscroll--;
        break;
    case ACT_DOWN:
        v->dscroll++;
        break;
    case ACT_PAGE_UP:
        v->dscroll -= page;
        break;
    case ACT_PAGE_DOWN:
        v->dscroll += page;
        break;
    case ACT_HALF_UP:
    case ACT_DETAIL_UP:
        v->dscroll -= action == ACT_DETAIL_UP ? 3 : (page + 1) / 2;
        break;
    case ACT_HALF_DOWN:
    case ACT_DETAIL_DOWN:
        v->dscroll += action == ACT_DETAIL_DOWN ? 3 : (page + 1) / 2;
        break;
    case ACT_TOP:
        v->dscroll = 0;
        break;
    case ACT_BOTTOM:
        v->dscroll = INT_MAX / 2; /* clamped when drawn */
        break;
    case ACT_LOG_JSON:
        v->json = !v->json;
        v->dscroll = 0;
        break;
    case ACT_DETAIL:
        v->detail = false;
        break;
    default:
        return VIEW_IGNORED;
    }
    if (v->dscroll < 0)
        v->dscroll = 0;
    app_dirty(v->app);
    return VIEW_DONE;
}
