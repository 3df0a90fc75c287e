/*
 * The demo site's clock: initial state, the check scheduler (a heap by
 * next check time), Icinga's soft/hard state machine, flapping detection
 * and the CheckResult/StateChange events queued for open streams.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/demo_int.h"
#include "backend/xalloc.h"

uint64_t demo_mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

uint64_t demo_hash(uint64_t a, uint64_t b)
{
    return demo_mix(demo_mix(a) ^ (b * 0xd6e8feb86659fd93ull));
}

double demo_unit(uint64_t h)
{
    return (double)(h >> 11) * 0x1p-53;
}

double demo_round_us(double t)
{
    return floor(t * 1e6 + 0.5) / 1e6;
}

static double unit_of(const struct demo *d, uint32_t id, uint64_t salt)
{
    return demo_unit(demo_hash(d->obj[id].rnd, salt));
}

/* --- the heap of checkables by next check time --- */

static bool heap_less(const struct demo *d, uint32_t a, uint32_t b)
{
    double x = d->chk[a].next_check, y = d->chk[b].next_check;

    return x < y || (x == y && a < b);
}

static void heap_down(struct demo *d, uint32_t i)
{
    uint32_t *h = d->heap, n = d->nheap, v = h[i];

    for (;;) {
        uint32_t c = 2 * i + 1;

        if (c >= n)
            break;
        if (c + 1 < n && heap_less(d, h[c + 1], h[c]))
            c++;
        if (!heap_less(d, h[c], v))
            break;
        h[i] = h[c];
        i = c;
    }
    h[i] = v;
}

void demo_heap_rebuild(struct demo *d)
{
    for (uint32_t i = d->nheap / 2; i-- > 0;)
        heap_down(d, i);
}

static void heap_build(struct demo *d)
{
    d->heap = xcalloc(d->nobj > 0 ? d->nobj : 1, sizeof(*d->heap));
    d->nheap = d->nobj;
    for (uint32_t i = 0; i < d->nobj; i++)
        d->heap[i] = i;
    demo_heap_rebuild(d);
}

void demo_reschedule(struct demo *d, uint32_t id, double at)
{
    d->chk[id].next_check = demo_round_us(at > d->now ? at : d->now);
}

/* --- initial state: as if the site had been running for a while --- */

static bool host_hard_down(const struct demo *d, uint32_t hid)
{
    const struct demo_chk *h = &d->chk[hid];

    return !h->pending && h->state != 0 && h->state_type == 1;
}

static void init_pending(struct demo *d, uint32_t id)
{
    struct demo_chk *c = &d->chk[id];

    c->pending = true;
    c->reach = c->prev_reach = true;
    c->state = c->hard_state = c->prev_state = 3;
    c->state_type = 0;
    c->attempt = 1;
    c->prev_hard = 99;
    c->last_check = -1;
    c->next_check = demo_round_us(d->t0 + 5 + 35 * unit_of(d, id, 3));
}

static void init_problem(struct demo *d, uint32_t id, double lc)
{
    struct demo_chk *c = &d->chk[id];
    const struct demo_obj *o = &d->obj[id];
    bool soft = c->attempt == 2;
    double since = (o->flags & DEMO_F_INC) ? d->t0 + o->inc_start
                                           : lc - 1200 * unit_of(d, id, 4);

    if (since > lc)
        since = lc;
    c->state_type = soft ? 0 : 1;
    c->attempt = soft ? 2 : DEMO_MAX_ATTEMPTS;
    c->hard_state = soft ? 0 : c->state;
    c->last_state_change = demo_round_us(soft ? lc - o->retry : since);
    c->last_hard_state_change =
        soft ? demo_round_us(since - 86400 * 3) : c->last_state_change;
    c->prev_type = c->state_type;
    c->prev_attempt = soft ? 1 : c->attempt;
    c->prev_hard = c->hard_state;
    if (c->ack != 0)
        c->ack_change = demo_round_us(c->last_state_change +
                                      (lc - c->last_state_change) * 0.3);
}

static void init_object(struct demo *d, uint32_t id)
{
    struct demo_chk *c = &d->chk[id];
    const struct demo_obj *o = &d->obj[id];
    bool soft = c->attempt == 2;
    double lc = soft ? d->t0 - 1 - 3 * unit_of(d, id, 1)
                     : d->t0 - o->interval * unit_of(d, id, 1);
    struct demo_obs ob;

    if (o->flags & DEMO_F_NEW) {
        init_pending(d, id);
        return;
    }
    lc = demo_round_us(lc);
    c->reach = o->kind == DEMO_KIND_HOST || !host_hard_down(d, o->host);
    demo_observe(d, id, lc, c->reach, &ob);
    c->state = c->prev_state = (uint8_t)ob.state;
    c->cause = (uint8_t)ob.cause;
    c->prev_reach = c->reach;
    c->has_prev = true;
    c->last_check = lc;
    if (ob.state != 0) {
        init_problem(d, id, lc);
    } else {
        c->ack = 0;
        c->attempt = c->prev_attempt = 1;
        c->state_type = c->prev_type = 1;
        c->last_state_change =
            demo_round_us(d->t0 - 3600 - 30 * 86400 * unit_of(d, id, 2));
        c->last_hard_state_change = c->last_state_change;
    }
    c->next_check =
        demo_round_us(lc + (c->state_type == 0 ? o->retry : o->interval));
    /* A flapping incident has been coming and going for a while. */
    if ((o->flags & DEMO_F_INC_FLAP) && lc >= d->t0 + o->inc_start &&
        lc < d->t0 + o->inc_end) {
        c->flap_hist = 0x5a5a;
        c->flapping = true;
        c->flap_change = demo_round_us(lc - 120);
    }
}

struct demo *demo_new(unsigned seed, int nhosts, double now)
{
    struct demo *d = xcalloc(1, sizeof(*d));

    if (nhosts <= 0)
        nhosts = DEMO_DEFAULT_HOSTS;
    d->seed = seed;
    d->t0 = d->now = demo_round_us(now);
    d->program_start = demo_round_us(now - 3600 * (20 + (seed % 50)));
    d->timed_next = INFINITY;
    demo_fleet_build(d, nhosts);
    /* Hosts come first, so services see their host's state. */
    for (uint32_t i = 0; i < d->nobj; i++)
        init_object(d, i);
    heap_build(d);
    demo_notes_init(d);
    return d;
}

void demo_free(struct demo *d)
{
    if (d == NULL)
        return;
    for (struct demo_reply *r = d->replies; r != NULL; r = r->next)
        r->d = NULL;
    free(d->obj);
    free(d->chk);
    free(d->host);
    free(d->heap);
    demo_notes_free(d);
    buf_free(&d->scratch);
    free(d);
}

double demo_now(const struct demo *d)
{
    return d->now;
}

size_t demo_host_count(const struct demo *d)
{
    return d->nhosts;
}

size_t demo_service_count(const struct demo *d)
{
    return d->nsvc;
}

void demo_reply_link(struct demo *d, struct demo_reply *r)
{
    r->d = d;
    r->prev = NULL;
    r->next = d->replies;
    if (d->replies != NULL)
        d->replies->prev = r;
    d->replies = r;
}

void demo_reply_unlink(struct demo_reply *r)
{
    if (r->d == NULL)
        return;
    if (r->prev != NULL)
        r->prev->next = r->next;
    else
        r->d->replies = r->next;
    if (r->next != NULL)
        r->next->prev = r->prev;
    r->d = NULL;
}

void demo_full_name(const struct demo *d, uint32_t id, char *out, size_t len)
{
    const struct demo_obj *o = &d->obj[id];

    if (o->kind == DEMO_KIND_HOST)
        snprintf(out, len, "%s", d->host[id].name);
    else
        snprintf(out, len, "%s!%s", d->host[o->host].name,
                 demo_kind_name(o->kind));
}

/* --- running checks --- */

/* Icinga's attempt counting: soft problems are retried, then turn hard. */
static void next_attempt(struct demo_chk *c, int old, bool was_pending)
{
    if (c->state == 0) {
        c->attempt = 1;
        c->state_type = 1;
    } else if (was_pending || (old == 0 && c->state_type == 1)) {
        c->attempt = 1;
        c->state_type = 0;
    } else if (c->state_type == 0) {
        c->attempt++;
        if (c->attempt >= DEMO_MAX_ATTEMPTS) {
            c->attempt = DEMO_MAX_ATTEMPTS;
            c->state_type = 1;
        }
    }
}

/* Flapping: more than 30% state changes over the last 20 checks. */
static void detect_flapping(struct demo_chk *c, bool changed)
{
    int n = 0;

    c->flap_hist = ((c->flap_hist << 1) | (changed ? 1u : 0u)) & 0xfffffu;
    for (uint32_t x = c->flap_hist; x != 0; x &= x - 1)
        n++;
    if (!c->flapping && n * 5 > 30) {
        c->flapping = true;
        c->flap_change = c->last_check;
    } else if (c->flapping && n * 5 < 25) {
        c->flapping = false;
        c->flap_change = c->last_check;
    }
}

/* --- events --- */

static const char *const event_names[] = {
    "CheckResult",        "StateChange",
    "AcknowledgementSet", "AcknowledgementCleared",
    "CommentAdded",       "CommentRemoved",
    "DowntimeAdded",      "DowntimeStarted",
    "DowntimeTriggered",  "DowntimeRemoved",
};

const char *demo_event_name(unsigned type)
{
    for (size_t i = 0; i < sizeof(event_names) / sizeof(event_names[0]); i++)
        if (type == 1u << i)
            return event_names[i];
    return "";
}

bool demo_listening(const struct demo *d, unsigned type)
{
    for (const struct demo_reply *r = d->replies; r != NULL; r = r->next)
        if (r->kind == DEMO_REPLY_EVENTS && (r->types & type) != 0)
            return true;
    return false;
}

double demo_event_ts(struct demo *d, double t)
{
    if (t <= d->ev_last)
        t = d->ev_last + 1e-5;
    d->ev_last = demo_round_us(t);
    return d->ev_last;
}

static void queue_append(struct demo_reply *r, const struct buf *line)
{
    if (r->pend.len - r->off + line->len > DEMO_QUEUE_MAX) {
        r->overflow = true;
        return;
    }
    buf_append(&r->pend, line->data, line->len);
}

void demo_queue_line(struct demo *d, uint32_t id, unsigned type,
                     const struct buf *line)
{
    for (struct demo_reply *r = d->replies; r != NULL; r = r->next) {
        if (r->kind != DEMO_REPLY_EVENTS || (r->types & type) == 0)
            continue;
        if (r->filter == NULL || demo_filter_match(r->filter, d, id, (int)type))
            queue_append(r, line);
    }
}

/* CheckResult and StateChange: the line is built for the first taker. */
static void queue_event(struct demo *d, uint32_t id, unsigned type)
{
    bool built = false;

    for (struct demo_reply *r = d->replies; r != NULL; r = r->next) {
        if (r->kind != DEMO_REPLY_EVENTS || (r->types & type) == 0)
            continue;
        if (r->filter != NULL &&
            !demo_filter_match(r->filter, d, id, (int)type))
            continue;
        if (!built) {
            buf_reset(&d->scratch);
            demo_json_event(&d->scratch, d, id, type == DEMO_EV_STATECHANGE);
            built = true;
        }
        queue_append(r, &d->scratch);
    }
}

static void run_check(struct demo *d, uint32_t id, double t)
{
    struct demo_chk *c = &d->chk[id];
    const struct demo_obj *o = &d->obj[id];
    bool was_pending = c->pending, changed;
    int old = c->state;
    struct demo_obs ob;

    c->has_prev = !was_pending;
    c->prev_state = c->state;
    c->prev_type = c->state_type;
    c->prev_attempt = c->attempt;
    c->prev_reach = c->reach;
    c->prev_hard = was_pending ? 99 : c->hard_state;
    c->reach = o->kind == DEMO_KIND_HOST || !host_hard_down(d, o->host);
    c->last_check = demo_round_us(t);
    demo_observe(d, id, c->last_check, c->reach, &ob);
    c->state = (uint8_t)ob.state;
    c->cause = (uint8_t)ob.cause;
    c->pending = false;
    next_attempt(c, old, was_pending);
    changed = c->state != old;
    if (changed)
        c->last_state_change = c->last_check;
    if (c->state_type == 1 && (c->hard_state != c->state || was_pending)) {
        c->hard_state = c->state;
        c->last_hard_state_change = c->last_check;
    }
    detect_flapping(c, changed);
    /* A problem starts the flexible downtimes that wait for one. */
    if (c->state != 0 && c->dt_flex > 0)
        demo_downtime_problem(d, id, c->last_check);
    /* Icinga drops a normal ack on any change, a sticky one on recovery. */
    if ((c->ack == 1 && changed) || (c->ack != 0 && c->state == 0))
        demo_ack_clear(d, id, c->last_check);
    c->next_check = demo_round_us(
        t + (c->state != 0 && c->state_type == 0 ? o->retry : o->interval) +
        0.05 * unit_of(d, id, (uint64_t)llround(t)));
    d->nchecks++;
    if (d->replies != NULL) {
        queue_event(d, id, DEMO_EV_CHECKRESULT);
        if (changed)
            queue_event(d, id, DEMO_EV_STATECHANGE);
    }
}

void demo_advance(struct demo *d, double now)
{
    now = demo_round_us(now);
    if (now <= d->now)
        return;
    while (d->nheap > 0) {
        uint32_t id = d->heap[0];
        struct demo_chk *c = &d->chk[id];
        double t = c->next_check, iv = d->obj[id].interval;

        /* Downtimes start and end, acks expire, between the checks. */
        if (d->timed_next <= t && d->timed_next <= now) {
            demo_timed_run(d, d->timed_next);
            continue;
        }
        if (t > now)
            break;
        if (now - t > 600 && now - t > 2 * iv) {
            /* Far behind (the clock jumped): skip, as Icinga does after
             * a pause, instead of replaying every missed check. */
            c->next_check =
                demo_round_us(now + iv * unit_of(d, id, d->nchecks));
        } else {
            run_check(d, id, t);
        }
        heap_down(d, 0);
    }
    d->now = now;
}
