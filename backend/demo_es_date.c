/*
 * Dates as Elasticsearch parses and prints them for the demo's log search:
 * the mapping's default format (strict_date_optional_time||epoch_millis)
 * and its relatives, date math ("now-15m/m", "2026-11-01||+1M/d") with
 * JavaDateMathParser's round-up for lte and gt, and fixed-offset time
 * zones. Errors carry Elasticsearch's exception types and wording.
 */
#include <cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/demo_es.h"

#define DEFAULT_FORMAT "strict_date_optional_time||epoch_millis"

enum alt_kind { ALT_ISO, ALT_ISO_LAX, ALT_EPOCH_MS, ALT_EPOCH_S };

static const struct {
    const char *name;
    int kind;
} named[] = {
    { "strict_date_optional_time", ALT_ISO },
    { "strict_date_optional_time_nanos", ALT_ISO },
    { "date_optional_time", ALT_ISO_LAX },
    { "epoch_millis", ALT_EPOCH_MS },
    { "epoch_second", ALT_EPOCH_S },
};

int64_t des_floordiv(int64_t a, int64_t b)
{
    int64_t q = a / b;

    return (a % b != 0 && a < 0) ? q - 1 : q;
}

static int alt_kind(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
        if (strlen(named[i].name) == len &&
            strncmp(named[i].name, name, len) == 0)
            return named[i].kind;
    return -1;
}

int des_format_check(const char *fmt, struct cJSON **cause)
{
    const char *p = fmt != NULL && *fmt != '\0' ? fmt : DEFAULT_FORMAT;

    for (;;) {
        const char *bar = strstr(p, "||");
        size_t len = bar != NULL ? (size_t)(bar - p) : strlen(p);

        if (alt_kind(p, len) < 0) {
            char what[200];

            snprintf(what, sizeof(what), "the date format [%.*s]", (int)len, p);
            *cause = des_unsupported_cause(what);
            return -1;
        }
        if (bar == NULL)
            return 0;
        p = bar + 2;
    }
}

int des_zone(const char *tz, int *minutes, struct cJSON **cause)
{
    static const char *const utc[] = { "Z",       "UTC",     "utc", "GMT",
                                       "Etc/UTC", "Etc/GMT", "UTC0" };
    const char *p = tz;
    int sign, h = 0, m = 0, nd = 0;

    *minutes = 0;
    if (tz == NULL)
        return 0;
    for (size_t i = 0; i < sizeof(utc) / sizeof(utc[0]); i++)
        if (strcmp(tz, utc[i]) == 0)
            return 0;
    if (*p == '+' || *p == '-') {
        sign = *p++ == '-' ? -1 : 1;
        while (isdigit((unsigned char)*p) && nd < 2) {
            h = h * 10 + (*p++ - '0');
            nd++;
        }
        if (*p == ':')
            p++;
        if (nd > 0 && isdigit((unsigned char)p[0]) &&
            isdigit((unsigned char)p[1]) && p[2] == '\0') {
            m = (p[0] - '0') * 10 + (p[1] - '0');
            p += 2;
        }
        if (nd > 0 && *p == '\0') {
            if (h > 18 || m > 59) {
                *cause = des_causef("date_time_exception",
                                    "Zone offset hours not in valid range: "
                                    "value %d is not in the range -18 to 18",
                                    h);
                return -1;
            }
            *minutes = sign * (h * 60 + m);
            return 0;
        }
    }
    if (strchr(tz, '/') != NULL && isupper((unsigned char)tz[0])) {
        char what[160];

        snprintf(what, sizeof(what), "the time zone [%s] (use an offset)", tz);
        *cause = des_unsupported_cause(what);
        return -1;
    }
    *cause = des_foreign(des_causef("illegal_argument_exception",
                                    "Unknown time-zone ID: %s", tz));
    return -1;
}

/* --- civil time -------------------------------------------------------- */

/* Howard Hinnant's civil_from_days. */
void des_civil(int64_t day, int *y, int *mo, int *d)
{
    int64_t z = day + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153, m = mp < 10 ? mp + 3 : mp - 9;

    *y = (int)((int64_t)yoe + era * 400 + (m <= 2));
    *mo = (int)m;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
}

static int64_t civil_ms(int y, int mo, int d, int h, int mi, int s, int ms,
                        int tz)
{
    struct tm tm = { 0 };

    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return ((int64_t)timegm(&tm) - (int64_t)tz * 60) * 1000 + ms;
}

static int month_days(int y, int mo)
{
    static const int days[] = {
        31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
    };
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return mo == 2 && leap ? 29 : days[mo - 1];
}

struct civil {
    int y, mo, d, h, mi, s, ms;
};

static void to_civil(int64_t ms, int tz, struct civil *c)
{
    int64_t local = ms + (int64_t)tz * 60000;
    int64_t day = des_floordiv(local, 86400000);
    int64_t rem = local - day * 86400000;

    des_civil(day, &c->y, &c->mo, &c->d);
    c->h = (int)(rem / 3600000);
    c->mi = (int)(rem / 60000 % 60);
    c->s = (int)(rem / 1000 % 60);
    c->ms = (int)(rem % 1000);
}

static int64_t from_civil(const struct civil *c, int tz)
{
    return civil_ms(c->y, c->mo, c->d, c->h, c->mi, c->s, c->ms, tz);
}

int64_t des_round(int64_t ms, char unit, int tz, bool up)
{
    struct civil c, n;

    to_civil(ms, tz, &c);
    c.ms = 0;
    switch (unit) {
    case 'y':
        c.mo = 1;
        /* fall through */
    case 'M':
        c.d = 1;
        /* fall through */
    case 'd':
        c.h = 0;
        /* fall through */
    case 'h':
    case 'H':
        c.mi = 0;
        /* fall through */
    case 'm':
        c.s = 0;
        break;
    case 'q':
        c.mo = (c.mo - 1) / 3 * 3 + 1;
        c.d = 1;
        c.h = c.mi = c.s = 0;
        break;
    case 'w': {
        int64_t day = des_floordiv(from_civil(&c, 0), 86400000);
        int wd = (int)((day + 3) % 7); /* 0 Monday; 1970-01-01 Thursday */

        c.h = c.mi = c.s = 0;
        to_civil((day - (wd < 0 ? wd + 7 : wd)) * 86400000, 0, &c);
        break;
    }
    default:
        break;
    }
    if (!up)
        return from_civil(&c, tz);
    n = c;
    switch (unit) {
    case 'y':
        n.y++;
        break;
    case 'q':
        n.mo += 3;
        break;
    case 'M':
        n.mo++;
        break;
    case 'w':
        n.d += 7;
        break;
    case 'd':
        n.d++;
        break;
    case 'h':
    case 'H':
        n.h++;
        break;
    case 'm':
        n.mi++;
        break;
    default:
        n.s++;
        break;
    }
    return from_civil(&n, tz) - 1;
}

int64_t des_add(int64_t ms, long n, char unit, int tz)
{
    struct civil c;
    long months;

    switch (unit) {
    case 'h':
    case 'H':
        return ms + (int64_t)n * 3600000;
    case 'm':
        return ms + (int64_t)n * 60000;
    case 's':
        return ms + (int64_t)n * 1000;
    case 'd':
        return ms + (int64_t)n * 86400000; /* fixed offsets: no DST */
    case 'w':
        return ms + (int64_t)n * 7 * 86400000;
    default:
        break;
    }
    to_civil(ms, tz, &c);
    months = (long)c.y * 12 + (c.mo - 1) +
             (unit == 'y'   ? n * 12
              : unit == 'q' ? n * 3
                            : n);
    c.y = (int)(months / 12);
    c.mo = (int)(months % 12) + 1;
    if (c.d > month_days(c.y, c.mo))
        c.d = month_days(c.y, c.mo);
    return from_civil(&c, tz);
}

/* --- parsing ------------------------------------------------------------ */

/* Digits at p: how many (up to max); value in *v. */
static int digits(const char *p, int max, int *v)
{
    int n = 0;

    *v = 0;
    while (n < max && isdigit((unsigned char)p[n]))
        *v = *v * 10 + (p[n++] - '0');
    return n;
}

/*
 * 1: parsed; 0: does not match this format; -1: matches but a value is out
 * of range (reason in why).
 */
static int parse_iso(const char *t, bool strict, int tz, bool up, int64_t *out,
                     char *why, size_t wlen)
{
    const char *p = t;
    int f[6] = { 0 }, have = 0, n, ms = up ? 999 : 0, y, sign = 1;
    static const int lo[] = { 1, 1, 0, 0, 0 }, hi[] = { 12, 31, 23, 59, 59 };
    static const char *const names[] = { "MonthOfYear", "DayOfMonth",
                                         "HourOfDay", "MinuteOfHour",
                                         "SecondOfMinute" };

    if (*p == '+' || *p == '-')
        sign = *p++ == '-' ? -1 : 1;
    n = digits(p, 9, &y);
    if (n == 0 || (strict && n != 4))
        return 0;
    y *= sign;
    p += n;
    for (have = 0; have < 5; have++) {
        char sep = have == 0 || have == 1 ? '-' : have == 2 ? 'T' : ':';

        if (*p != sep && !(sep == 'T' && *p == 't'))
            break;
        n = digits(p + 1, 2, &f[have]);
        if (n == 0 || (strict && n != 2))
            return 0;
        p += 1 + n;
    }
    if (have == 5 && (*p == '.' || *p == ',')) {
        int frac = 0, nf = digits(p + 1, 9, &frac);

        if (nf == 0)
            return 0;
        ms = 0;
        for (int i = 0; i < 3; i++)
            ms = ms * 10 + (i < nf ? p[1 + i] - '0' : 0);
        p += 1 + nf;
    }
    if (have >= 3 && (*p == 'Z' || *p == 'z')) {
        tz = 0;
        p++;
    } else if (have >= 3 && (*p == '+' || *p == '-')) {
        struct cJSON *c = NULL;
        char z[8];
        size_t zl = strlen(p);

        if (zl > 6)
            return 0;
        memcpy(z, p, zl + 1);
        if (des_zone(z, &tz, &c) < 0) {
            cJSON_Delete(c);
            return 0;
        }
        p += zl;
    }
    if (*p != '\0')
        return 0;
    if (have < 1)
        f[0] = up ? 12 : 1;
    for (int i = 0; i < 5; i++) {
        if (i >= have && i > 0)
            f[i] = up ? (i == 1 ? 31 : hi[i]) : lo[i];
        if (f[i] < lo[i] || f[i] > hi[i]) {
            snprintf(why, wlen,
                     "Text '%s' could not be parsed: Invalid value for %s "
                     "(valid values %d - %d): %d",
                     t, names[i], lo[i], hi[i == 1 ? 1 : i], f[i]);
            return -1;
        }
        if (i == 1 && have < 2 && up && y >= 1 && y <= 9999)
            f[1] = month_days(y, f[0]);
        if (i == 1 && y >= 1 && y <= 9999 && f[1] > month_days(y, f[0])) {
            static const char *const mn[] = {
                "JANUARY",   "FEBRUARY", "MARCH",    "APRIL",
                "MAY",       "JUNE",     "JULY",     "AUGUST",
                "SEPTEMBER", "OCTOBER",  "NOVEMBER", "DECEMBER"
            };

            snprintf(why, wlen,
                     "Text '%s' could not be parsed: Invalid date '%s %d'", t,
                     mn[f[0] - 1], f[1]);
            return -1;
        }
    }
    if (y < 1 || y > 9999) {
        snprintf(why, wlen, "Text '%s' could not be parsed: year out of range",
                 t);
        return -1;
    }
    *out = civil_ms(y, f[0], f[1], f[2], f[3], f[4], ms, tz);
    return 1;
}

static int parse_epoch(const char *t, int64_t scale, bool up, int64_t *out)
{
    const char *p = t;
    bool neg = *p == '-';
    int64_t v = 0;
    int frac = 0, nf = 0;

    if (neg)
        p++;
    if (!isdigit((unsigned char)*p))
        return 0;
    while (isdigit((unsigned char)*p)) {
        if (v > INT64_MAX / 100)
            return 0;
        v = v * 10 + (*p++ - '0');
    }
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p)) {
            if (nf < 3)
                frac = frac * 10 + (*p - '0');
            nf++;
            p++;
        }
        if (nf == 0)
            return 0;
    }
    if (*p != '\0')
        return 0;
    for (int i = nf; i < 3; i++)
        frac *= 10;
    v = v * scale + (scale == 1000 ? frac : 0);
    if (scale == 1000 && up && nf == 0)
        v += 999;
    *out = neg ? -v : v;
    return 1;
}

/* A date without math; *cause is the illegal_argument_exception. */
static int parse_plain(const char *t, const char *fmt, int tz, bool up,
                       int64_t *out, struct cJSON **cause)
{
    const char *p = fmt;
    char why[300] = "";

    for (;;) {
        const char *bar = strstr(p, "||");
        size_t len = bar != NULL ? (size_t)(bar - p) : strlen(p);
        int kind = alt_kind(p, len), r = 0;
        char w[300] = "";

        if (kind == ALT_ISO || kind == ALT_ISO_LAX)
            r = parse_iso(t, kind == ALT_ISO, tz, up, out, w, sizeof(w));
        else if (kind == ALT_EPOCH_MS || kind == ALT_EPOCH_S)
            r = parse_epoch(t, kind == ALT_EPOCH_MS ? 1 : 1000, up, out);
        if (r > 0)
            return 0;
        if (r < 0 && why[0] == '\0')
            snprintf(why, sizeof(why), "%s", w);
        if (bar == NULL)
            break;
        p = bar + 2;
    }
    if (why[0] == '\0')
        snprintf(why, sizeof(why), "Text '%s' could not be parsed at index 0",
                 t);
    *cause =
        des_by(des_foreign(des_causef(
                   "illegal_argument_exception",
                   "failed to parse date field [%s] with format [%s]", t, fmt)),
               des_foreign(des_cause("date_time_parse_exception", why)));
    return -1;
}

static int math_error(struct cJSON **cause, const char *what, const char *math)
{
    *cause = des_causef("parse_exception", "%s [%s]", what, math);
    return -1;
}

/* JavaDateMathParser: +N<unit>, -N<unit>, /<unit>. */
static int apply_math(int64_t *ms, const char *m, int tz, bool up,
                      struct cJSON **cause)
{
    const char *p = m;

    while (*p != '\0') {
        char op = *p++, unit;
        long n = 1;

        if (op != '/' && op != '+' && op != '-')
            return math_error(cause, "operator not supported for date math", m);
        if (*p == '\0')
            return math_error(cause, "truncated date math", m);
        if (op != '/') {
            if (isdigit((unsigned char)*p)) {
                char *end;

                n = strtol(p, &end, 10);
                p = end;
                if (*p == '\0')
                    return math_error(cause, "truncated date math", m);
            }
        } else if (isdigit((unsigned char)*p)) {
            return math_error(cause,
                              "rounding `/` can only be used on single unit "
                              "types",
                              m);
        }
        unit = *p++;
        if (strchr("yMwdhHms", unit) == NULL) {
            char reason[300];

            snprintf(reason, sizeof(reason),
                     "unit [%c] not supported for date math [%s]", unit, m);
            *cause = des_cause("parse_exception", reason);
            return -1;
        }
        if (op == '/')
            *ms = des_round(*ms, unit, tz, up);
        else
            *ms = des_add(*ms, op == '-' ? -n : n, unit, tz);
    }
    return 0;
}

int des_date_parse(const char *text, const char *fmt, int tz, bool round_up,
                   int64_t now_ms, int64_t *out, struct cJSON **cause)
{
    const char *f = fmt != NULL && *fmt != '\0' ? fmt : DEFAULT_FORMAT;
    const char *bars;
    struct cJSON *inner = NULL;

    if (strncmp(text, "now", 3) == 0) {
        *out = now_ms;
        return apply_math(out, text + 3, tz, round_up, cause);
    }
    bars = strstr(text, "||");
    if (bars != NULL) {
        char *head = strndup(text, (size_t)(bars - text));
        int r = parse_plain(head, f, tz, round_up, out, &inner);

        free(head);
        if (r == 0)
            return apply_math(out, bars + 2, tz, round_up, cause);
    } else if (parse_plain(text, f, tz, round_up, out, &inner) == 0) {
        return 0;
    }
    {
        const cJSON *r = cJSON_GetObjectItemCaseSensitive(inner, "reason");
        char reason[600];

        snprintf(reason, sizeof(reason),
                 "failed to parse date field [%s] with format [%s]: [%s]", text,
                 f, cJSON_IsString(r) ? r->valuestring : "");
        *cause = des_by(des_cause("parse_exception", reason), inner);
    }
    return -1;
}

void des_date_format(int64_t ms, const char *fmt, int tz, char *out, size_t len)
{
    struct civil c;
    const char *bar = fmt != NULL ? strstr(fmt, "||") : NULL;
    int kind = fmt == NULL ? ALT_ISO
                           : alt_kind(fmt, bar != NULL ? (size_t)(bar - fmt)
                                                       : strlen(fmt));

    if (kind == ALT_EPOCH_MS) {
        snprintf(out, len, "%lld", (long long)ms);
        return;
    }
    if (kind == ALT_EPOCH_S) {
        snprintf(out, len, "%lld", (long long)des_floordiv(ms, 1000));
        return;
    }
    to_civil(ms, tz, &c);
    if (tz == 0)
        snprintf(out, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", c.y, c.mo,
                 c.d, c.h, c.mi, c.s, c.ms);
    else
        snprintf(out, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03d%c%02d:%02d", c.y,
                 c.mo, c.d, c.h, c.mi, c.s, c.ms, tz < 0 ? '-' : '+',
                 abs(tz) / 60, abs(tz) % 60);
}
