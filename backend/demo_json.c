/*
 * The demo's JSON in Icinga 2.13's wire form: compact, keys sorted,
 * integral numbers without a fraction, timestamps to the microsecond.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/demo_int.h"

#define PLUGINS "/usr/lib/nagios/plugins/"

enum { SC_HOST = 1, SC_SVC = 2, SC_BOTH = 3 };

enum demo_attr {
    A_FULLNAME,
    A_ACK,
    A_ACK_EXPIRY,
    A_ACK_CHANGE,
    A_ACTION_URL,
    A_ADDRESS,
    A_ADDRESS6,
    A_ATTEMPT,
    A_CHECK_COMMAND,
    A_CHECK_INTERVAL,
    A_CHECK_PERIOD,
    A_CHECK_TIMEOUT,
    A_COMMAND_ENDPOINT,
    A_DISPLAY_NAME,
    A_DOWNTIME_DEPTH,
    A_EN_ACTIVE,
    A_EN_EVENT,
    A_EN_FLAPPING,
    A_EN_NOTIFY,
    A_EN_PASSIVE,
    A_EN_PERFDATA,
    A_EVENT_COMMAND,
    A_FLAPPING,
    A_FLAP_CURRENT,
    A_FLAP_CHANGE,
    A_FLAP_HIGH,
    A_FLAP_LOW,
    A_GROUPS,
    A_HANDLED,
    A_HOST_NAME,
    A_LAST_CHECK,
    A_LAST_CR,
    A_LAST_HARD_STATE,
    A_LAST_HARD_CHANGE,
    A_LAST_REACHABLE,
    A_LAST_STATE,
    A_LAST_STATE_CHANGE,
    A_LAST_STATE_TYPE,
    A_MAX_ATTEMPTS,
    A_NAME,
    A_NEXT_CHECK,
    A_NOTES,
    A_NOTES_URL,
    A_PROBLEM,
    A_RETRY_INTERVAL,
    A_STATE,
    A_STATE_TYPE,
    A_TYPE,
    A_VARS,
    A_ZONE,
    A_COUNT
};

/* In strcmp order, as Icinga's dictionaries are. */
static const struct {
    const char *name;
    int scope;
} attrs[A_COUNT] = {
    { "__name", SC_BOTH },
    { "acknowledgement", SC_BOTH },
    { "acknowledgement_expiry", SC_BOTH },
    { "acknowledgement_last_change", SC_BOTH },
    { "action_url", SC_BOTH },
    { "address", SC_HOST },
    { "address6", SC_HOST },
    { "check_attempt", SC_BOTH },
    { "check_command", SC_BOTH },
    { "check_interval", SC_BOTH },
    { "check_period", SC_BOTH },
    { "check_timeout", SC_BOTH },
    { "command_endpoint", SC_BOTH },
    { "display_name", SC_BOTH },
    { "downtime_depth", SC_BOTH },
    { "enable_active_checks", SC_BOTH },
    { "enable_event_handler", SC_BOTH },
    { "enable_flapping", SC_BOTH },
    { "enable_notifications", SC_BOTH },
    { "enable_passive_checks", SC_BOTH },
    { "enable_perfdata", SC_BOTH },
    { "event_command", SC_BOTH },
    { "flapping", SC_BOTH },
    { "flapping_current", SC_BOTH },
    { "flapping_last_change", SC_BOTH },
    { "flapping_threshold_high", SC_BOTH },
    { "flapping_threshold_low", SC_BOTH },
    { "groups", SC_BOTH },
    { "handled", SC_BOTH },
    { "host_name", SC_SVC },
    { "last_check", SC_BOTH },
    { "last_check_result", SC_BOTH },
    { "last_hard_state", SC_BOTH },
    { "last_hard_state_change", SC_BOTH },
    { "last_reachable", SC_BOTH },
    { "last_state", SC_BOTH },
    { "last_state_change", SC_BOTH },
    { "last_state_type", SC_BOTH },
    { "max_check_attempts", SC_BOTH },
    { "name", SC_BOTH },
    { "next_check", SC_BOTH },
    { "notes", SC_BOTH },
    { "notes_url", SC_BOTH },
    { "problem", SC_BOTH },
    { "retry_interval", SC_BOTH },
    { "state", SC_BOTH },
    { "state_type", SC_BOTH },
    { "type", SC_BOTH },
    { "vars", SC_BOTH },
    { "zone", SC_BOTH },
};

void demo_json_int(struct buf *b, long long v)
{
    char tmp[24];
    int n = snprintf(tmp, sizeof(tmp), "%lld", v);

    buf_append(b, tmp, (size_t)n);
}

void demo_json_ts(struct buf *b, double t)
{
    long long us = llround(t * 1e6), sec, fr;
    char tmp[40];
    int n;

    if (us < 0) {
        buf_putc(b, '-');
        us = -us;
    }
    sec = us / 1000000;
    fr = us % 1000000;
    if (fr == 0) {
        demo_json_int(b, sec);
        return;
    }
    n = snprintf(tmp, sizeof(tmp), "%lld.%06lld", sec, fr);
    while (tmp[n - 1] == '0')
        n--;
    buf_append(b, tmp, (size_t)n);
}

/* Shortest text that reads back as the same double, as Icinga prints. */
void demo_json_num(struct buf *b, double v)
{
    char tmp[40];
    int n = 0;

    if (!isfinite(v)) {
        buf_puts(b, "null");
        return;
    }
    if (v == floor(v) && fabs(v) < 1e15) {
        demo_json_int(b, (long long)v);
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
        if (strtod(tmp, NULL) == v)
            break;
    }
    buf_append(b, tmp, (size_t)n);
}

static void key(struct buf *b, const char *k)
{
    buf_putc(b, '"');
    buf_puts(b, k);
    buf_puts(b, "\":");
}

static void put_bool(struct buf *b, bool v)
{
    buf_puts(b, v ? "true" : "false");
}

/* The plugin's argv, or the CheckCommand name for dummy checks. */
static void put_command(struct buf *b, const struct demo *d, uint32_t id)
{
    const struct demo_obj *o = &d->obj[id];
    const char *nrpe = demo_nrpe_command(o->kind);
    char addr[16];

    demo_addr_str(d->host[o->host].addr, addr, sizeof(addr));
    if (o->kind == DEMO_KIND_HOST) {
        buf_printf(b,
                   "[\"" PLUGINS "check_ping\",\"-H\",\"%s\",\"-c\","
                   "\"5000,100%%\",\"-w\",\"3000,80%%\"]",
                   addr);
    } else if (nrpe != NULL) {
        buf_printf(b,
                   "[\"" PLUGINS "check_nrpe\",\"-H\",\"%s\",\"-c\","
                   "\"%s\",\"-p\",\"5666\"]",
                   addr, nrpe);
    } else if (o->kind == DEMO_KIND_NTP) {
        buf_printf(b,
                   "[\"" PLUGINS "check_ntp_time\",\"-H\",\"%s\",\"-c\","
                   "\"2\",\"-w\",\"1\"]",
                   addr);
    } else if (o->kind == DEMO_KIND_HTTP) {
        buf_printf(b, "[\"" PLUGINS "check_http\",\"-I\",\"%s\",\"-u\",\"/\"]",
                   addr);
    } else {
        buf_puts(b, "\"dummy\"");
    }
}

static void put_vars_state(struct buf *b, int attempt, bool reach, int state,
                           int type)
{
    buf_printf(b,
               "{\"attempt\":%d,\"reachable\":%s,\"state\":%d,"
               "\"state_type\":%d}",
               attempt, reach ? "true" : "false", state, type);
}

/* How long the plugin ran: dummies take no time, ping sends 5 packets. */
static double exec_duration(const struct demo *d, uint32_t id, uint64_t h)
{
    const struct demo_chk *c = &d->chk[id];
    double u = demo_unit(h);

    switch (d->obj[id].kind) {
    case DEMO_KIND_HOST:
        return c->state != 0 ? 10.0 + 0.01 * u : 4.0 + 0.1 * u;
    case DEMO_KIND_BACKUP:
    case DEMO_KIND_APPHEALTH:
    case DEMO_KIND_POSTGRES:
    case DEMO_KIND_ES:
    case DEMO_KIND_REDIS:
    case DEMO_KIND_HAPROXY:
        return 0;
    default:
        return c->cause == DEMO_CAUSE_UNREACH ? 10.0 + 0.01 * u
                                              : 0.02 + 0.25 * u;
    }
}

void demo_json_check_result(struct buf *b, const struct demo *d, uint32_t id)
{
    const struct demo_chk *c = &d->chk[id];
    uint64_t h = demo_hash(id, (uint64_t)llround(c->last_check * 1e6));
    double se = c->last_check;
    double ee = demo_round_us(se - 5e-6 - 5e-5 * demo_unit(h + 1));
    double es = demo_round_us(ee - exec_duration(d, id, h));
    double ss = demo_round_us(es - 2e-4 - 4e-3 * demo_unit(h + 2));
    struct demo_text tx;

    demo_render(d, id, se, c->cause, &tx);
    buf_puts(b, "{\"active\":true,\"check_source\":\"" DEMO_NODE_NAME
                "\",\"command\":");
    put_command(b, d, id);
    buf_puts(b, ",\"execution_end\":");
    demo_json_ts(b, ee);
    buf_puts(b, ",\"execution_start\":");
    demo_json_ts(b, es);
    buf_printf(b, ",\"exit_status\":%d,\"output\":", c->state);
    buf_json_str(b, tx.output);
    buf_puts(b, ",\"performance_data\":[");
    for (int i = 0; i < tx.nperf; i++) {
        if (i > 0)
            buf_putc(b, ',');
        buf_json_str(b, tx.perf[i]);
    }
    buf_printf(b,
               "],\"previous_hard_state\":%d,\"schedule_end\":", c->prev_hard);
    demo_json_ts(b, se);
    buf_puts(b, ",\"schedule_start\":");
    demo_json_ts(b, ss);
    buf_printf(b,
               ",\"scheduling_source\":\"" DEMO_NODE_NAME "\",\"state\":%d,"
               "\"ttl\":0,\"type\":\"CheckResult\",\"vars_after\":",
               c->state);
    put_vars_state(b, c->attempt, c->reach, c->state, c->state_type);
    buf_puts(b, ",\"vars_before\":");
    if (c->has_prev)
        put_vars_state(b, c->prev_attempt, c->prev_reach, c->prev_state,
                       c->prev_type);
    else
        buf_puts(b, "null");
    buf_putc(b, '}');
}

int demo_icinga_state(const struct demo *d, uint32_t id)
{
    int st = d->chk[id].state;

    if (d->obj[id].kind == DEMO_KIND_HOST)
        return st >= 2 ? 1 : 0;
    return st;
}

static int icinga_of(const struct demo *d, uint32_t id, int st)
{
    return d->obj[id].kind == DEMO_KIND_HOST ? (st >= 2 ? 1 : 0) : st;
}

void demo_json_event(struct buf *b, const struct demo *d, uint32_t id,
                     bool state_change)
{
    const struct demo_chk *c = &d->chk[id];
    const struct demo_obj *o = &d->obj[id];
    uint64_t h = demo_hash(id, (uint64_t)llround(c->last_check * 1e6));

    buf_puts(b, "{\"acknowledgement\":");
    put_bool(b, c->ack != 0);
    buf_puts(b, ",\"check_result\":");
    demo_json_check_result(b, d, id);
    buf_printf(b,
               ",\"downtime_depth\":%d,\"host\":", demo_downtime_depth(d, id));
    buf_json_str(b, d->host[o->host].name);
    if (o->kind != DEMO_KIND_HOST) {
        buf_puts(b, ",\"service\":");
        buf_json_str(b, demo_kind_name(o->kind));
    }
    if (state_change)
        buf_printf(b, ",\"state\":%d,\"state_type\":%d",
                   demo_icinga_state(d, id), c->state_type);
    buf_puts(b, ",\"timestamp\":");
    demo_json_ts(b, c->last_check + 5e-5 + 3.5e-4 * demo_unit(h + 9));
    buf_printf(b, ",\"type\":\"%s\"}\n",
               state_change ? "StateChange" : "CheckResult");
}

int demo_attr_find(const char *name, bool service)
{
    for (int i = 0; i < A_COUNT; i++)
        if (strcmp(attrs[i].name, name) == 0)
            return (attrs[i].scope & (service ? SC_SVC : SC_HOST)) ? i : -1;
    return -1;
}

uint64_t demo_attr_all(bool service)
{
    uint64_t m = 0;

    for (int i = 0; i < A_COUNT; i++)
        if (attrs[i].scope & (service ? SC_SVC : SC_HOST))
            m |= 1ull << i;
    return m;
}

void demo_json_name(struct buf *b, const struct demo *d, uint32_t id)
{
    const struct demo_obj *o = &d->obj[id];
    char full[64];

    if (o->kind == DEMO_KIND_HOST) {
        buf_json_str(b, d->host[id].name);
        return;
    }
    snprintf(full, sizeof(full), "%s!%s", d->host[o->host].name,
             demo_kind_name(o->kind));
    buf_json_str(b, full);
}

static void put_vars(struct buf *b, const struct demo *d, uint32_t id)
{
    const struct demo_obj *o = &d->obj[id];
    const struct demo_host *h = &d->host[o->host];
    const char *nrpe = demo_nrpe_command(o->kind);

    if (o->kind == DEMO_KIND_HOST) {
        buf_puts(b, "{\"env\":");
        buf_json_str(b, demo_env_name(h->env));
        buf_puts(b, ",\"os\":\"Linux\",\"role\":");
        buf_json_str(b, demo_role_name(h->role));
        buf_putc(b, '}');
    } else if (nrpe != NULL) {
        buf_printf(b, "{\"nrpe_command\":\"%s\"}", nrpe);
    } else {
        buf_puts(b, "null");
    }
}

static int popcount(uint32_t x)
{
    int n = 0;

    for (; x != 0; x &= x - 1)
        n++;
    return n;
}

/* Attributes that change with the check state. */
static bool put_state_attr(struct buf *b, const struct demo *d, uint32_t id,
                           int a)
{
    const struct demo_chk *c = &d->chk[id];
    bool problem = !c->pending && c->state != 0;

    switch (a) {
    case A_ACK:
        demo_json_int(b, c->ack);
        return true;
    case A_ACK_CHANGE:
        demo_json_ts(b, c->ack_change);
        return true;
    case A_ACK_EXPIRY:
        demo_json_ts(b, c->ack_expiry);
        return true;
    case A_ATTEMPT:
        demo_json_int(b, c->attempt);
        return true;
    case A_DOWNTIME_DEPTH:
        demo_json_int(b, demo_downtime_depth(d, id));
        return true;
    case A_FLAPPING:
        put_bool(b, c->flapping);
        return true;
    case A_FLAP_CURRENT:
        demo_json_num(b, popcount(c->flap_hist & 0xfffffu) * 5.0);
        return true;
    case A_FLAP_CHANGE:
        demo_json_ts(b, c->flap_change);
        return true;
    case A_HANDLED:
        put_bool(b, problem && (c->ack != 0 || !c->reach ||
                                demo_downtime_depth(d, id) > 0));
        return true;
    case A_LAST_CHECK:
        demo_json_ts(b, c->pending ? -1 : c->last_check);
        return true;
    case A_LAST_CR:
        if (c->pending)
            buf_puts(b, "null");
        else
            demo_json_check_result(b, d, id);
        return true;
    case A_LAST_HARD_STATE:
        demo_json_int(b, icinga_of(d, id, c->hard_state));
        return true;
    case A_LAST_HARD_CHANGE:
        demo_json_ts(b, c->last_hard_state_change);
        return true;
    case A_LAST_REACHABLE:
        put_bool(b, c->reach);
        return true;
    case A_LAST_STATE:
        demo_json_int(b, icinga_of(d, id, c->prev_state));
        return true;
    case A_LAST_STATE_CHANGE:
        demo_json_ts(b, c->last_state_change);
        return true;
    case A_LAST_STATE_TYPE:
        demo_json_int(b, c->prev_type);
        return true;
    case A_NEXT_CHECK:
        demo_json_ts(b, c->next_check);
        return true;
    case A_PROBLEM:
        put_bool(b, problem);
        return true;
    case A_STATE:
        demo_json_int(b, demo_icinga_state(d, id));
        return true;
    case A_STATE_TYPE:
        demo_json_int(b, c->state_type);
        return true;
    default:
        return false;
    }
}

/* Attributes from the configuration. */
static void put_config_attr(struct buf *b, const struct demo *d, uint32_t id,
                            int a)
{
    const struct demo_obj *o = &d->obj[id];
    bool host = o->kind == DEMO_KIND_HOST;
    char addr[16];

    switch (a) {
    case A_FULLNAME:
        demo_json_name(b, d, id);
        break;
    case A_ADDRESS:
        demo_addr_str(d->host[id].addr, addr, sizeof(addr));
        buf_json_str(b, addr);
        break;
    case A_CHECK_COMMAND:
        buf_json_str(b, demo_check_command(o->kind));
        break;
    case A_CHECK_INTERVAL:
        demo_json_int(b, o->interval);
        break;
    case A_RETRY_INTERVAL:
        demo_json_int(b, o->retry);
        break;
    case A_CHECK_TIMEOUT:
        buf_puts(b, "null");
        break;
    case A_DISPLAY_NAME:
    case A_NAME:
        buf_json_str(b, host          ? d->host[id].name
                        : a == A_NAME ? demo_kind_name(o->kind)
                                      : demo_kind_display(o->kind));
        break;
    case A_HOST_NAME:
        buf_json_str(b, d->host[o->host].name);
        break;
    case A_EN_ACTIVE:
    case A_EN_EVENT:
    case A_EN_FLAPPING:
    case A_EN_NOTIFY:
    case A_EN_PASSIVE:
    case A_EN_PERFDATA:
        buf_puts(b, "true");
        break;
    case A_FLAP_HIGH:
        buf_puts(b, "30");
        break;
    case A_FLAP_LOW:
        buf_puts(b, "25");
        break;
    case A_MAX_ATTEMPTS:
        demo_json_int(b, DEMO_MAX_ATTEMPTS);
        break;
    case A_GROUPS:
        buf_puts(b, host ? "[\"linux-servers\"]" : "[]");
        break;
    case A_TYPE:
        buf_puts(b, host ? "\"Host\"" : "\"Service\"");
        break;
    case A_VARS:
        put_vars(b, d, id);
        break;
    case A_ZONE:
        buf_puts(b, "\"" DEMO_NODE_NAME "\"");
        break;
    default: /* action_url, address6, check_period, notes, ... */
        buf_puts(b, "\"\"");
        break;
    }
}

void demo_json_attrs(struct buf *b, const struct demo *d, uint32_t id,
                     uint64_t mask)
{
    bool first = true;

    mask &= demo_attr_all(d->obj[id].kind != DEMO_KIND_HOST);
    buf_putc(b, '{');
    for (int i = 0; i < A_COUNT; i++) {
        if ((mask & (1ull << i)) == 0)
            continue;
        if (!first)
            buf_putc(b, ',');
        first = false;
        key(b, attrs[i].name);
        if (!put_state_attr(b, d, id, i))
            put_config_attr(b, d, id, i);
    }
    buf_putc(b, '}');
}
