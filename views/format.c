/* Display formatting helpers. */
#include "format.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

char *format_duration(double secs, char *buf, size_t size)
{
    long s = (long)secs;

    if (secs < 0 || isnan(secs))
        snprintf(buf, size, "-");
    else if (s < 60)
        snprintf(buf, size, "%lds", s);
    else if (s < 3600)
        snprintf(buf, size, "%ldm%s%lds", s / 60, s % 60 < 10 ? "0" : "",
                 s % 60);
    else if (s < 86400)
        snprintf(buf, size, "%ldh%s%ldm", s / 3600,
                 s % 3600 / 60 < 10 ? "0" : "", s % 3600 / 60);
    else
        snprintf(buf, size, "%ldd%s%ldh", s / 86400,
                 s % 86400 / 3600 < 10 ? "0" : "", s % 86400 / 3600);
    return buf;
}

char *format_age(double when, double now, char *buf, size_t size)
{
    if (when <= 0)
        snprintf(buf, size, "-");
    else
        format_duration(now > when ? now - when : 0, buf, size);
    return buf;
}

char *format_number(double v, char *buf, size_t size)
{
    double a = fabs(v);

    if (isnan(v))
        snprintf(buf, size, "-");
    else if (a < 10)
        snprintf(buf, size, "%.2f", v);
    else if (a < 100)
        snprintf(buf, size, "%.1f", v);
    else if (a < 10000)
        snprintf(buf, size, "%.0f", v);
    else if (a < 1e6)
        snprintf(buf, size, "%.0fk", v / 1e3);
    else if (a < 1e9)
        snprintf(buf, size, "%.0fM", v / 1e6);
    else
        snprintf(buf, size, "%.0fG", v / 1e9);
    return buf;
}

char *format_time(double when, char *buf, size_t size)
{
    time_t t = (time_t)when;
    struct tm tm;

    if (when <= 0 || localtime_r(&t, &tm) == NULL)
        snprintf(buf, size, "never");
    else
        strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

enum theme_role format_state_role(enum mc_state st, bool handled)
{
    switch (st) {
    case MC_OK:
        return ROLE_ST_OK;
    case MC_UP:
        return ROLE_ST_UP;
    case MC_WARN:
        return handled ? ROLE_HANDLED_WARN : ROLE_ST_WARN;
    case MC_CRIT:
        return handled ? ROLE_HANDLED_CRIT : ROLE_ST_CRIT;
    case MC_DOWN:
        return handled ? ROLE_HANDLED_CRIT : ROLE_ST_DOWN;
    case MC_UNKN:
        return handled ? ROLE_HANDLED_UNKN : ROLE_ST_UNKN;
    case MC_UNRCH:
        return handled ? ROLE_HANDLED_UNKN : ROLE_ST_UNRCH;
    default:
        return ROLE_ST_PEND;
    }
}

char *format_flags(const struct mc_status *st, char *buf, size_t size)
{
    size_t n = 0;

    buf[0] = '\0';
    if (st->ack > 0 && n + 1 < size)
        buf[n++] = 'A';
    if (st->downtime_depth > 0 && n + 1 < size)
        buf[n++] = 'D';
    if (st->flapping && n + 1 < size)
        buf[n++] = 'F';
    buf[n] = '\0';
    if (!st->pending && st->state != 0 && st->state_type == 0 &&
        st->max_attempts > 1)
        snprintf(buf + n, size - n, "%s%d/%d", n ? " " : "", st->attempt,
                 st->max_attempts);
    return buf;
}

char *format_metric(const struct mc_metric *m, enum mc_metric_kind kind,
                    char *buf, size_t size)
{
    if (!m->valid)
        snprintf(buf, size, "-");
    else if (kind == MC_METRIC_LOAD && strcmp(m->uom, "%") != 0)
        format_number(m->value, buf, size);
    else if (m->scale > 0)
        snprintf(buf, size, "%.0f%%", 100.0 * m->value / m->scale);
    else
        format_number(m->value, buf, size);
    return buf;
}
