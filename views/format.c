/* Display formatting helpers. */
#include "format.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
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

int format_parse_duration(const char *s, double *secs)
{
    double total = 0;
    bool any = false;

    while (*s == ' ')
        s++;
    while (*s != '\0') {
        char *end;
        double v = strtod(s, &end);
        double unit;

        if (end == s || v < 0)
            return -1;
        switch (*end) {
        case 's':
            unit = 1;
            break;
        case 'm':
            unit = 60;
            break;
        case 'h':
            unit = 3600;
            break;
        case 'd':
            unit = 86400;
            break;
        case 'w':
            unit = 7 * 86400;
            break;
        default:
            return -1; /* a unit is required: "5" is ambiguous */
        }
        total += v * unit;
        any = true;
        s = end + 1;
        while (*s == ' ')
            s++;
    }
    if (!any || total <= 0)
        return -1;
    *secs = total;
    return 0;
}

int format_parse_time(const char *s, double now, double *when)
{
    time_t t = (time_t)now;
    struct tm tm;
    const char *end;
    double d;

    while (*s == ' ')
        s++;
    if (strcmp(s, "now") == 0 || *s == '\0') {
        *when = now;
        return 0;
    }
    if (*s == '+') {
        if (format_parse_duration(s + 1, &d) < 0)
            return -1;
        *when = now + d;
        return 0;
    }
    localtime_r(&t, &tm);
    tm.tm_sec = 0;
    end = strptime(s, "%Y-%m-%d %H:%M", &tm);
    if (end == NULL || *end != '\0') {
        localtime_r(&t, &tm);
        tm.tm_sec = 0;
        end = strptime(s, "%H:%M", &tm);
        if (end == NULL || *end != '\0')
            return -1;
        tm.tm_isdst = -1;
        *when = (double)mktime(&tm);
        if (*when < now)
            *when += 86400; /* the next 14:30 */
        return 0;
    }
    tm.tm_isdst = -1;
    *when = (double)mktime(&tm);
    return 0;
}
