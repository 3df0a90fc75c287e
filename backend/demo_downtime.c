/*
 * The demo site's downtimes, as Icinga 2.13 runs them: a fixed downtime is
 * in effect from its start to its end, a flexible one from the first
 * problem in its window for its duration; children follow a host's
 * downtime. Also the timed changes (downtime start and end, comment and
 * ack expiry) and the /v1/objects/downtimes and /comments lists.
 */
#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/demo_int.h"
#include "backend/xalloc.h"

#define NAME_MAX_LEN 160

/* Downtime attributes in Icinga's (sorted) order. */
static const char *const dt_attrs[] = {
    "__name",
    "author",
    "authoritative_zone",
    "comment",
    "config_owner",
    "config_owner_hash",
    "duration",
    "end_time",
    "entry_time",
    "fixed",
    "host_name",
    "legacy_id",
    "name",
    "package",
    "parent",
    "remove_time",
    "scheduled_by",
    "service_name",
    "source_location",
    "start_time",
    "templates",
    "trigger_time",
    "triggered_by",
    "triggers",
    "type",
    "version",
    "was_cancelled",
    "zone",
};
#define DT_NATTRS        (sizeof(dt_attrs) / sizeof(dt_attrs[0]))
#define DT_WAS_CANCELLED 26
/* Events carry every attribute but was_cancelled. */
#define DT_EVENT_MASK (((1ull << DT_NATTRS) - 1) & ~(1ull << DT_WAS_CANCELLED))

static void dt_name(const struct demo *d, const struct demo_downtime *x,
                    char *out, size_t len)
{
    demo_note_name(d, x->obj, x->uuid, out, len);
}

static void dt_attr(struct buf *b, const struct demo *d,
                    const struct demo_downtime *x, size_t a, const char *full)
{
    const struct demo_obj *o = &d->obj[x->obj];
    size_t p;
    char pname[NAME_MAX_LEN];

    switch (a) {
    case 0:
        buf_json_str(b, full);
        return;
    case 1:
        buf_json_str(b, x->author);
        return;
    case 3:
        buf_json_str(b, x->comment);
        return;
    case 6:
        demo_json_num(b, x->duration);
        return;
    case 7:
        demo_json_ts(b, x->end);
        return;
    case 8:
        demo_json_ts(b, x->entry);
        return;
    case 9:
        buf_puts(b, x->fixed ? "true" : "false");
        return;
    case 10:
        buf_json_str(b, d->host[o->host].name);
        return;
    case 11:
        demo_json_int(b, x->legacy_id);
        return;
    case 12:
        buf_json_str(b, x->uuid);
        return;
    case 13:
        buf_puts(b, "\"_api\"");
        return;
    case 14:
        p = x->parent != 0 ? demo_downtime_by_id(d, x->parent) : SIZE_MAX;
        pname[0] = '\0';
        if (p != SIZE_MAX)
            dt_name(d, &d->dt[p], pname, sizeof(pname));
        buf_json_str(b, pname);
        return;
    case 15:
        demo_json_ts(b, x->removed);
        return;
    case 17:
        buf_json_str(b,
                     o->kind != DEMO_KIND_HOST ? demo_kind_name(o->kind) : "");
        return;
    case 18:
        demo_source_location(b, d, true, full);
        return;
    case 19:
        demo_json_ts(b, x->start);
        return;
    case 20:
        buf_puts(b, "[");
        buf_json_str(b, x->uuid);
        buf_puts(b, "]");
        return;
    case 21:
        demo_json_ts(b, x->trigger);
        return;
    case 23:
        buf_puts(b, "[]");
        return;
    case 24:
        buf_puts(b, "\"Downtime\"");
        return;
    case 25:
        demo_json_ts(b, x->entry + 2e-5);
        return;
    case DT_WAS_CANCELLED:
        buf_puts(b, x->cancelled ? "true" : "false");
        return;
    default: /* authoritative_zone, config_owner*, scheduled_by, ... */
        buf_puts(b, "\"\"");
        return;
    }
}

static void dt_json(struct buf *b, const struct demo *d,
                    const struct demo_downtime *x, uint64_t mask)
{
    char full[NAME_MAX_LEN];
    bool first = true;

    dt_name(d, x, full, sizeof(full));
    buf_putc(b, '{');
    for (size_t a = 0; a < DT_NATTRS; a++) {
        if ((mask & (1ull << a)) == 0)
            continue;
        if (!first)
            buf_putc(b, ',');
        first = false;
        buf_printf(b, "\"%s\":", dt_attrs[a]);
        dt_attr(b, d, x, a, full);
    }
    buf_putc(b, '}');
}

/* {"downtime":{...},"timestamp":T,"type":"Downtime..."} */
static void dt_event(struct demo *d, const struct demo_downtime *x,
                     unsigned type, double t)
{
    struct buf line = { 0 };
    double ts = demo_event_ts(d, t);

    if (!demo_listening(d, type))
        return;
    buf_puts(&line, "{\"downtime\":");
    dt_json(&line, d, x, DT_EVENT_MASK);
    buf_puts(&line, ",\"timestamp\":");
    demo_json_ts(&line, ts);
    buf_printf(&line, ",\"type\":\"%s\"}\n", demo_event_name(type));
    demo_queue_line(d, x->obj, type, &line);
    buf_free(&line);
}

/* When the downtime next changes: it starts, or it ends. */
static double dt_due(const struct demo_downtime *x)
{
    if (!x->triggered)
        return x->fixed && x->start < x->end ? x->start : x->end;
    return x->fixed ? x->end : x->trigger + x->duration;
}

static void dt_trigger(struct demo *d, size_t i, double trigger, double t)
{
    struct demo_downtime *x = &d->dt[i];
    struct demo_chk *c = &d->chk[x->obj];
    double due;

    dt_event(d, x, DEMO_EV_DOWNTIME_STARTED, t);
    x->triggered = true;
    x->trigger = demo_round_us(trigger);
    if (!x->fixed && c->dt_flex > 0)
        c->dt_flex--;
    c->dt_depth++;
    dt_event(d, x, DEMO_EV_DOWNTIME_TRIGGERED, t);
    due = dt_due(x);
    if (due < d->timed_next)
        d->timed_next = due;
}

/* Take the downtime at index i away (DowntimeRemoved). */
static void dt_erase(struct demo *d, size_t i, double t)
{
    struct demo_downtime *x = &d->dt[i];
    struct demo_chk *c = &d->chk[x->obj];

    if (x->triggered && c->dt_depth > 0)
        c->dt_depth--;
    else if (!x->triggered && !x->fixed && c->dt_flex > 0)
        c->dt_flex--;
    dt_event(d, x, DEMO_EV_DOWNTIME_REMOVED, t);
    free(x->author);
    free(x->comment);
    memmove(x, x + 1, (d->ndt - i - 1) * sizeof(*x));
    d->ndt--;
}

uint32_t demo_downtime_add(struct demo *d, uint32_t obj,
                           const struct demo_dt_spec *s, uint32_t parent,
                           double t)
{
    struct demo_downtime *x;
    size_t i;
    double due;

    if (d->ndt == d->cap_dt) {
        d->cap_dt = d->cap_dt ? d->cap_dt * 2 : 16;
        d->dt = xreallocarray(d->dt, d->cap_dt, sizeof(*d->dt));
    }
    i = d->ndt++;
    x = &d->dt[i];
    memset(x, 0, sizeof(*x));
    x->obj = obj;
    x->legacy_id = ++d->dt_legacy;
    x->parent = parent;
    demo_uuid(d, x->uuid);
    x->fixed = s->fixed;
    x->entry = demo_round_us(t);
    x->start = s->start;
    x->end = s->end;
    x->duration = s->duration;
    x->author = xstrdup(s->author);
    x->comment = xstrdup(s->comment);
    if (!x->fixed)
        d->chk[obj].dt_flex++;
    dt_event(d, x, DEMO_EV_DOWNTIME_ADDED, t);
    /* A fixed downtime whose window has begun starts at once. */
    if (x->fixed && x->start <= t && t < x->end)
        dt_trigger(d, i, fmax(x->start, x->entry), t);
    due = dt_due(&d->dt[i]);
    if (due < d->timed_next)
        d->timed_next = due;
    return d->dt[i].legacy_id;
}

size_t demo_downtime_by_id(const struct demo *d, uint32_t legacy_id)
{
    for (size_t i = 0; i < d->ndt; i++)
        if (d->dt[i].legacy_id == legacy_id)
            return i;
    return SIZE_MAX;
}

size_t demo_downtime_by_name(const struct demo *d, const char *name)
{
    char full[NAME_MAX_LEN];

    for (size_t i = 0; i < d->ndt; i++) {
        dt_name(d, &d->dt[i], full, sizeof(full));
        if (strcmp(full, name) == 0)
            return i;
    }
    return SIZE_MAX;
}

size_t demo_downtime_children(const struct demo *d, uint32_t legacy_id)
{
    size_t n = 0;

    for (size_t i = 0; i < d->ndt; i++)
        n += d->dt[i].parent == legacy_id;
    return n;
}

void demo_downtime_remove(struct demo *d, uint32_t legacy_id, double t)
{
    size_t i;

    /* Children first, as Icinga removes them. */
    for (i = 0; i < d->ndt;) {
        if (d->dt[i].parent == legacy_id) {
            demo_downtime_remove(d, d->dt[i].legacy_id, t);
            i = 0;
        } else {
            i++;
        }
    }
    i = demo_downtime_by_id(d, legacy_id);
    if (i == SIZE_MAX)
        return;
    d->dt[i].cancelled = true;
    d->dt[i].removed = demo_round_us(t);
    dt_erase(d, i, t);
}

void demo_downtime_problem(struct demo *d, uint32_t obj, double t)
{
    for (size_t i = 0; i < d->ndt; i++) {
        const struct demo_downtime *x = &d->dt[i];

        if (x->obj == obj && !x->fixed && !x->triggered && x->start <= t &&
            t <= x->end)
            dt_trigger(d, i, t, t);
    }
}

static void timed_recompute(struct demo *d)
{
    double next = INFINITY;

    for (size_t i = 0; i < d->ndt; i++)
        next = fmin(next, dt_due(&d->dt[i]));
    for (size_t i = 0; i < d->ncm; i++)
        if (d->cm[i].expire > 0)
            next = fmin(next, d->cm[i].expire);
    for (uint32_t id = 0; d->ack_expiring > 0 && id < d->nobj; id++)
        if (d->chk[id].ack_expiry > 0)
            next = fmin(next, d->chk[id].ack_expiry);
    d->timed_next = next;
}

/* One pass over everything due by t. */
static void timed_pass(struct demo *d, double t)
{
    for (size_t i = 0; i < d->ndt;) {
        const struct demo_downtime *x = &d->dt[i];
        double due = dt_due(x);

        if (due > t) {
            i++;
        } else if (!x->triggered && x->fixed && x->start < x->end &&
                   due < x->end) {
            dt_trigger(d, i, fmax(x->start, x->entry), due);
            i++;
        } else {
            dt_erase(d, i, due); /* over: expired */
        }
    }
    for (uint32_t id = 0; d->ack_expiring > 0 && id < d->nobj; id++) {
        double e = d->chk[id].ack_expiry;

        if (e > 0 && e <= t)
            demo_ack_clear(d, id, e);
    }
    for (size_t i = 0; i < d->ncm;) {
        double e = d->cm[i].expire;

        if (e > 0 && e <= t)
            demo_comment_remove(d, i, e);
        else
            i++;
    }
}

void demo_timed_run(struct demo *d, double t)
{
    do {
        timed_pass(d, t);
        timed_recompute(d);
    } while (d->timed_next <= t);
}

/* Scripted maintenance (a host with all its services, or one service)
 * and the comments of the acks the site starts with. */
void demo_notes_init(struct demo *d)
{
    for (uint32_t id = 0; id < d->nobj; id++) {
        const struct demo_obj *o = &d->obj[id];
        bool host = o->kind == DEMO_KIND_HOST;
        struct demo_dt_spec s = { "ops-scheduler",
                                  host ? "Planned maintenance: kernel and "
                                         "firmware updates"
                                       : "Known issue, fix scheduled",
                                  demo_round_us(d->t0 + o->dt_start),
                                  demo_round_us(d->t0 + o->dt_end),
                                  0,
                                  true };
        uint32_t parent;

        if (!(o->flags & DEMO_F_DOWNTIME) ||
            (!host && (d->obj[o->host].flags & DEMO_F_DOWNTIME)))
            continue; /* a host's services come with the host */
        s.duration = s.end - s.start;
        parent = demo_downtime_add(d, id, &s, 0, s.start);
        for (uint32_t k = 0; host && k < d->host[id].svc_count; k++) {
            uint32_t sid = d->host[id].svc_first + k;

            if (d->obj[sid].flags & DEMO_F_DOWNTIME)
                demo_downtime_add(d, sid, &s, parent, s.start);
        }
    }
    for (uint32_t id = 0; id < d->nobj; id++) {
        const struct demo_chk *c = &d->chk[id];
        char text[80];

        if (c->ack == 0)
            continue;
        snprintf(text, sizeof(text), "Known problem, looking into it (OPS-%u)",
                 (unsigned)(1000 + demo_hash(d->seed, id) % 9000));
        demo_comment_add(d, id, 4, "oncall", text, 0, false, c->ack == 2,
                         c->ack_change);
    }
    timed_recompute(d);
}

void demo_notes_free(struct demo *d)
{
    for (size_t i = 0; i < d->ndt; i++) {
        free(d->dt[i].author);
        free(d->dt[i].comment);
    }
    for (size_t i = 0; i < d->ncm; i++) {
        free(d->cm[i].author);
        free(d->cm[i].text);
    }
    free(d->dt);
    free(d->cm);
}

/* --- /v1/objects/downtimes and /v1/objects/comments --- */

/* attrs selection; -1 and *bad set for an unknown field, -2 not a list. */
static int list_mask(const cJSON *params, bool downtimes, uint64_t *mask,
                     const char **bad)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(params, "attrs"), *it;

    *mask = downtimes ? (1ull << DT_NATTRS) - 1 : demo_comment_attrs_all();
    if (a == NULL || cJSON_IsNull(a))
        return 0;
    if (!cJSON_IsArray(a))
        return -2;
    *mask = 0;
    cJSON_ArrayForEach(it, a)
    {
        const char *s = cJSON_IsString(it) ? it->valuestring : "";
        int k = -1;

        if (downtimes) {
            for (size_t i = 0; i < DT_NATTRS && k < 0; i++)
                if (strcmp(dt_attrs[i], s) == 0)
                    k = (int)i;
        } else {
            k = demo_comment_attr(s);
        }
        if (k < 0) {
            *bad = s;
            return -1;
        }
        *mask |= 1ull << k;
    }
    return 0;
}

static void list_entry(struct buf *b, const struct demo *d, bool downtimes,
                       size_t i, uint64_t mask)
{
    char full[NAME_MAX_LEN];

    buf_puts(b, "{\"attrs\":");
    if (downtimes) {
        dt_json(b, d, &d->dt[i], mask);
        dt_name(d, &d->dt[i], full, sizeof(full));
    } else {
        demo_comment_json(b, d, &d->cm[i], mask);
        demo_note_name(d, d->cm[i].obj, d->cm[i].uuid, full, sizeof(full));
    }
    buf_puts(b, ",\"joins\":{},\"meta\":{},\"name\":");
    buf_json_str(b, full);
    buf_puts(b,
             downtimes ? ",\"type\":\"Downtime\"}" : ",\"type\":\"Comment\"}");
}

struct demo_reply *demo_notes_list(struct demo *d, bool downtimes,
                                   const char *name, const cJSON *params,
                                   int *status)
{
    const char *filter = demo_param_str(params, "filter"), *bad = "";
    struct demo_filter *f = NULL;
    struct demo_reply *r;
    struct buf b = { 0 };
    uint64_t mask;
    size_t n = downtimes ? d->ndt : d->ncm, one = SIZE_MAX;
    int rc = list_mask(params, downtimes, &mask, &bad);
    bool first = true;

    if (rc == -2)
        return demo_reply_error(d, status, 400,
                                "Invalid type for 'attrs' attribute "
                                "specified. Array type is required.");
    if (rc < 0) {
        buf_printf(&b, "Invalid field specified: %s", bad);
        r = demo_reply_error(d, status, 400, b.data);
        buf_free(&b);
        return r;
    }
    if (name != NULL) {
        one = downtimes ? demo_downtime_by_name(d, name)
                        : demo_comment_by_name(d, name);
        if (one == SIZE_MAX)
            return demo_reply_error(d, status, 404, "No objects found.");
    }
    /* Filters see the object's host and service, as Icinga joins them. */
    if (filter != NULL) {
        f = demo_filter_new(
            filter, cJSON_GetObjectItemCaseSensitive(params, "filter_vars"),
            DEMO_FS_SERVICE);
        if (f == NULL)
            return demo_reply_error(d, status, 404, "No objects found.");
    }
    buf_puts(&b, "{\"results\":[");
    for (size_t i = 0; i < n; i++) {
        uint32_t obj = downtimes ? d->dt[i].obj : d->cm[i].obj;

        if ((one != SIZE_MAX && i != one) ||
            (f != NULL && !demo_filter_match(f, d, obj, 0)))
            continue;
        if (!first)
            buf_putc(&b, ',');
        first = false;
        list_entry(&b, d, downtimes, i, mask);
    }
    buf_puts(&b, "]}");
    demo_filter_free(f);
    r = demo_reply_body(d, status, 200, &b);
    buf_free(&b);
    return r;
}
