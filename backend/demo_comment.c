/*
 * The demo site's comments and acknowledgements, as Icinga 2.13 keeps
 * them: an ack adds a comment (entry_type 4), clearing it removes the
 * non-persistent ones; each change is an event on the open streams.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/demo_int.h"
#include "backend/xalloc.h"

#define NAME_MAX_LEN 160

/* Comment attributes in Icinga's (sorted) order. */
static const char *const comment_attrs[] = {
    "__name",      "author",     "entry_time",   "entry_type",
    "expire_time", "host_name",  "legacy_id",    "name",
    "package",     "persistent", "service_name", "source_location",
    "sticky",      "templates",  "text",         "type",
    "version",     "zone",
};
#define COMMENT_NATTRS (sizeof(comment_attrs) / sizeof(comment_attrs[0]))

void demo_uuid(struct demo *d, char out[37])
{
    uint64_t a = demo_hash(d->seed ^ 0x75756964u, ++d->uuid_seq);
    uint64_t b = demo_mix(a ^ 0x6a09e667f3bcc909ull);

    snprintf(out, 37, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(a >> 32),
             (unsigned)(a >> 16) & 0xffffu, (unsigned)a & 0xfffu,
             ((unsigned)(b >> 48) & 0x3fffu) | 0x8000u,
             (unsigned long long)(b & 0xffffffffffffull));
}

void demo_note_name(const struct demo *d, uint32_t obj, const char *uuid,
                    char *out, size_t len)
{
    char full[96];

    demo_full_name(d, obj, full, sizeof(full));
    snprintf(out, len, "%s!%s", full, uuid);
}

void demo_source_location(struct buf *b, const struct demo *d, bool downtime,
                          const char *full)
{
    uint64_t h = demo_hash(d->seed, 0x57a6e);
    struct buf path = { 0 };

    buf_printf(&path,
               "/var/lib/icinga2/api/packages/_api/%08x-%04x-4%03x-%04x-"
               "%012llx/conf.d/%s/%s.conf",
               (unsigned)(h >> 32), (unsigned)(h >> 16) & 0xffffu,
               (unsigned)h & 0xfffu, 0x8000u | ((unsigned)h & 0x3fffu),
               (unsigned long long)(demo_mix(h) & 0xffffffffffffull),
               downtime ? "downtimes" : "comments", full);
    buf_printf(b,
               "{\"first_column\":0,\"first_line\":1,\"last_column\":%d,"
               "\"last_line\":1,\"path\":",
               downtime ? 69 : 68);
    buf_json_str(b, path.data);
    buf_putc(b, '}');
    buf_free(&path);
}

int demo_comment_attr(const char *name)
{
    for (size_t i = 0; i < COMMENT_NATTRS; i++)
        if (strcmp(comment_attrs[i], name) == 0)
            return (int)i;
    return -1;
}

uint64_t demo_comment_attrs_all(void)
{
    return (1ull << COMMENT_NATTRS) - 1;
}

static void comment_attr(struct buf *b, const struct demo *d,
                         const struct demo_comment *c, size_t a,
                         const char *full)
{
    const struct demo_obj *o = &d->obj[c->obj];
    bool svc = o->kind != DEMO_KIND_HOST;

    switch (a) {
    case 0:
        buf_json_str(b, full);
        break;
    case 1:
        buf_json_str(b, c->author);
        break;
    case 2:
        demo_json_ts(b, c->entry);
        break;
    case 3:
        demo_json_int(b, c->entry_type);
        break;
    case 4:
        demo_json_ts(b, c->expire);
        break;
    case 5:
        buf_json_str(b, d->host[o->host].name);
        break;
    case 6:
        demo_json_int(b, c->legacy_id);
        break;
    case 7:
        buf_json_str(b, c->uuid);
        break;
    case 8:
        buf_puts(b, "\"_api\"");
        break;
    case 9:
        buf_puts(b, c->persistent ? "true" : "false");
        break;
    case 10:
        buf_json_str(b, svc ? demo_kind_name(o->kind) : "");
        break;
    case 11:
        demo_source_location(b, d, false, full);
        break;
    case 12:
        buf_puts(b, c->sticky ? "true" : "false");
        break;
    case 13:
        buf_puts(b, "[");
        buf_json_str(b, c->uuid);
        buf_puts(b, "]");
        break;
    case 14:
        buf_json_str(b, c->text);
        break;
    case 15:
        buf_puts(b, "\"Comment\"");
        break;
    case 16:
        demo_json_ts(b, c->entry + 2.1e-5);
        break;
    default:
        buf_puts(b, "\"\"");
        break;
    }
}

void demo_comment_json(struct buf *b, const struct demo *d,
                       const struct demo_comment *c, uint64_t mask)
{
    char full[NAME_MAX_LEN];
    bool first = true;

    demo_note_name(d, c->obj, c->uuid, full, sizeof(full));
    buf_putc(b, '{');
    for (size_t a = 0; a < COMMENT_NATTRS; a++) {
        if ((mask & (1ull << a)) == 0)
            continue;
        if (!first)
            buf_putc(b, ',');
        first = false;
        buf_printf(b, "\"%s\":", comment_attrs[a]);
        comment_attr(b, d, c, a, full);
    }
    buf_putc(b, '}');
}

/* {"comment":{...},"timestamp":T,"type":"CommentAdded"} */
static void comment_event(struct demo *d, const struct demo_comment *c,
                          unsigned type, double t)
{
    struct buf line = { 0 };
    double ts = demo_event_ts(d, t);

    if (!demo_listening(d, type))
        return;
    buf_puts(&line, "{\"comment\":");
    demo_comment_json(&line, d, c, demo_comment_attrs_all());
    buf_puts(&line, ",\"timestamp\":");
    demo_json_ts(&line, ts);
    buf_printf(&line, ",\"type\":\"%s\"}\n", demo_event_name(type));
    demo_queue_line(d, c->obj, type, &line);
    buf_free(&line);
}

uint32_t demo_comment_add(struct demo *d, uint32_t obj, int entry_type,
                          const char *author, const char *text, double expire,
                          bool persistent, bool sticky, double t)
{
    struct demo_comment *c;

    if (d->ncm == d->cap_cm) {
        d->cap_cm = d->cap_cm ? d->cap_cm * 2 : 16;
        d->cm = xreallocarray(d->cm, d->cap_cm, sizeof(*d->cm));
    }
    c = &d->cm[d->ncm++];
    memset(c, 0, sizeof(*c));
    c->obj = obj;
    c->legacy_id = ++d->cm_legacy;
    demo_uuid(d, c->uuid);
    c->entry_type = (uint8_t)entry_type;
    c->persistent = persistent;
    c->sticky = sticky;
    c->entry = demo_round_us(t);
    c->expire = expire > 0 ? expire : 0;
    c->author = xstrdup(author);
    c->text = xstrdup(text);
    if (c->expire > 0 && c->expire < d->timed_next)
        d->timed_next = c->expire;
    comment_event(d, c, DEMO_EV_COMMENT_ADDED, t);
    return c->legacy_id;
}

size_t demo_comment_by_id(const struct demo *d, uint32_t legacy_id)
{
    for (size_t i = 0; i < d->ncm; i++)
        if (d->cm[i].legacy_id == legacy_id)
            return i;
    return SIZE_MAX;
}

size_t demo_comment_by_name(const struct demo *d, const char *name)
{
    char full[NAME_MAX_LEN];

    for (size_t i = 0; i < d->ncm; i++) {
        demo_note_name(d, d->cm[i].obj, d->cm[i].uuid, full, sizeof(full));
        if (strcmp(full, name) == 0)
            return i;
    }
    return SIZE_MAX;
}

void demo_comment_remove(struct demo *d, size_t i, double t)
{
    struct demo_comment *c = &d->cm[i];

    comment_event(d, c, DEMO_EV_COMMENT_REMOVED, t);
    free(c->author);
    free(c->text);
    memmove(c, c + 1, (d->ncm - i - 1) * sizeof(*c));
    d->ncm--;
}

void demo_comments_remove_of(struct demo *d, uint32_t obj, bool ack_only,
                             bool keep_persistent, double t)
{
    for (size_t i = 0; i < d->ncm;) {
        const struct demo_comment *c = &d->cm[i];

        if (c->obj == obj && (!ack_only || c->entry_type == 4) &&
            !(keep_persistent && c->persistent))
            demo_comment_remove(d, i, t);
        else
            i++;
    }
}

/* "host":"h"[,"service":"s"] without the leading comma. */
static void put_host_service(struct buf *b, const struct demo *d, uint32_t obj)
{
    const struct demo_obj *o = &d->obj[obj];

    buf_puts(b, "\"host\":");
    buf_json_str(b, d->host[o->host].name);
    if (o->kind != DEMO_KIND_HOST) {
        buf_puts(b, ",\"service\":");
        buf_json_str(b, demo_kind_name(o->kind));
    }
}

void demo_ack_set(struct demo *d, uint32_t obj, const char *author,
                  const char *comment, bool sticky, bool notify,
                  bool persistent, double expiry, double t)
{
    struct demo_chk *c = &d->chk[obj];
    struct buf line = { 0 };
    double ts;

    demo_comment_add(d, obj, 4, author, comment, expiry, persistent, sticky, t);
    c->ack = sticky ? 2 : 1;
    c->ack_change = demo_round_us(t);
    c->ack_expiry = expiry > 0 ? expiry : 0;
    if (c->ack_expiry > 0) {
        d->ack_expiring++;
        if (c->ack_expiry < d->timed_next)
            d->timed_next = c->ack_expiry;
    }
    ts = demo_event_ts(d, t);
    if (!demo_listening(d, DEMO_EV_ACK_SET))
        return;
    buf_printf(&line, "{\"acknowledgement_type\":%d,\"author\":", c->ack);
    buf_json_str(&line, author);
    buf_puts(&line, ",\"comment\":");
    buf_json_str(&line, comment);
    buf_puts(&line, ",\"expiry\":");
    demo_json_ts(&line, c->ack_expiry);
    buf_puts(&line, ",\"host\":");
    buf_json_str(&line, d->host[d->obj[obj].host].name);
    /* notify and persistent sort between host and service. */
    buf_printf(&line, ",\"notify\":%s,\"persistent\":%s",
               notify ? "true" : "false", persistent ? "true" : "false");
    if (d->obj[obj].kind != DEMO_KIND_HOST) {
        buf_puts(&line, ",\"service\":");
        buf_json_str(&line, demo_kind_name(d->obj[obj].kind));
    }
    buf_printf(&line, ",\"state\":%d,\"state_type\":%d,\"timestamp\":",
               demo_icinga_state(d, obj), c->state_type);
    demo_json_ts(&line, ts);
    buf_puts(&line, ",\"type\":\"AcknowledgementSet\"}\n");
    demo_queue_line(d, obj, DEMO_EV_ACK_SET, &line);
    buf_free(&line);
}

void demo_ack_clear(struct demo *d, uint32_t obj, double t)
{
    struct demo_chk *c = &d->chk[obj];
    struct buf line = { 0 };
    double ts;

    if (c->ack == 0)
        return;
    c->ack = 0;
    c->ack_change = demo_round_us(t);
    if (c->ack_expiry > 0 && d->ack_expiring > 0)
        d->ack_expiring--;
    c->ack_expiry = 0;
    ts = demo_event_ts(d, t);
    if (demo_listening(d, DEMO_EV_ACK_CLEARED)) {
        buf_puts(&line, "{\"acknowledgement_type\":0,");
        put_host_service(&line, d, obj);
        buf_printf(&line, ",\"state\":%d,\"state_type\":%d,\"timestamp\":",
                   demo_icinga_state(d, obj), c->state_type);
        demo_json_ts(&line, ts);
        buf_puts(&line, ",\"type\":\"AcknowledgementCleared\"}\n");
        demo_queue_line(d, obj, DEMO_EV_ACK_CLEARED, &line);
        buf_free(&line);
    }
    demo_comments_remove_of(d, obj, true, true, t);
}
