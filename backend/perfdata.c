/*
 * Nagios plugin performance data parser and threshold evaluation
 * (https://nagios-plugins.org/doc/guidelines.html#AEN200).
 */
#include "perfdata.h"

#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

enum { NUM_MAX = 64, FIELD_COUNT = 4 };

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
           c == '\f';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/*
 * Length of the number at the start of s[0..len): sign, digits, one
 * decimal point or comma, exponent. 0 when there is none.
 */
static size_t number_span(const char *s, size_t len)
{
    size_t i = 0, digits = 0;

    if (i < len && (s[i] == '-' || s[i] == '+'))
        i++;
    while (i < len && is_digit(s[i])) {
        i++;
        digits++;
    }
    if (i < len && (s[i] == '.' || s[i] == ',')) {
        i++;
        while (i < len && is_digit(s[i])) {
            i++;
            digits++;
        }
    }
    if (digits == 0)
        return 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;

        if (j < len && (s[j] == '-' || s[j] == '+'))
            j++;
        if (j < len && is_digit(s[j])) {
            while (j < len && is_digit(s[j]))
                j++;
            i = j;
        }
    }
    return i;
}

/*
 * Fast path for plain decimals with at most 15 digits and no exponent: the
 * digits form an exact integer m < 2^53 and m / 10^k (k <= 15) is rounded
 * once, so the result equals strtod()'s. Returns false when not plain.
 */
static bool plain_decimal(const char *s, size_t len, double *out)
{
    static const double pow10[] = {
        1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
        1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15
    };
    size_t i = 0, digits = 0, frac = 0;
    bool neg = false, point = false;
    uint64_t m = 0;

    if (s[0] == '-' || s[0] == '+')
        neg = s[i++] == '-';
    for (; i < len; i++) {
        if (s[i] == '.' || s[i] == ',') {
            if (point)
                return false;
            point = true;
        } else if (is_digit(s[i]) && digits < 15) {
            m = m * 10 + (uint64_t)(s[i] - '0');
            digits++;
            frac += point;
        } else {
            return false;
        }
    }
    *out = (double)m / pow10[frac];
    if (neg)
        *out = -*out;
    return true;
}

/*
 * Convert exactly s[0..len) to a double. For strtod() the point is
 * replaced by the locale's decimal point, because strtod() follows
 * LC_NUMERIC, which the UI may have set from the environment.
 */
static int parse_number(const char *s, size_t len, double *out)
{
    char tmp[NUM_MAX];
    const char *dp;
    size_t dplen, n = 0;
    char *end;

    if (len == 0 || number_span(s, len) != len)
        return -1;
    if (plain_decimal(s, len, out))
        return 0;
    dp = localeconv()->decimal_point;
    if (dp == NULL || dp[0] == '\0')
        dp = ".";
    dplen = strlen(dp);
    if (len * dplen >= NUM_MAX)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '.' || s[i] == ',') {
            memcpy(tmp + n, dp, dplen);
            n += dplen;
        } else {
            tmp[n++] = s[i];
        }
    }
    tmp[n] = '\0';
    *out = strtod(tmp, &end);
    if (end != tmp + n || !isfinite(*out))
        return -1;
    return 0;
}

int perf_range_parse(const char *s, size_t len, struct perf_range *r)
{
    const char *colon;

    memset(r, 0, sizeof *r);
    if (len == 0)
        return 0;
    if (s[0] == '@') {
        r->inside = true;
        s++;
        len--;
    }
    colon = memchr(s, ':', len);
    if (colon == NULL) {
        r->lo = 0;
        if (parse_number(s, len, &r->hi) < 0)
            return -1;
    } else {
        size_t lolen = (size_t)(colon - s), hilen = len - lolen - 1;

        if (lolen == 1 && s[0] == '~')
            r->lo = -INFINITY;
        else if (lolen == 0)
            r->lo = 0;
        else if (parse_number(s, lolen, &r->lo) < 0)
            return -1;
        if (hilen == 0)
            r->hi = INFINITY;
        else if (parse_number(colon + 1, hilen, &r->hi) < 0)
            return -1;
    }
    if (r->lo > r->hi)
        return -1;
    r->set = true;
    return 0;
}

bool perf_range_alerts(const struct perf_range *r, double v)
{
    if (r == NULL || !r->set || isnan(v))
        return false;
    if (r->inside)
        return v >= r->lo && v <= r->hi;
    return v < r->lo || v > r->hi;
}

enum mc_state perf_state(const struct perf *p)
{
    if (perf_range_alerts(&p->crit, p->value))
        return MC_CRIT;
    if (perf_range_alerts(&p->warn, p->value))
        return MC_WARN;
    return MC_OK;
}

double perf_range_mark(const struct perf_range *r)
{
    if (r == NULL || !r->set)
        return NAN;
    if (!r->inside && isfinite(r->hi))
        return r->hi;
    if (isfinite(r->lo))
        return r->lo;
    return isfinite(r->hi) ? r->hi : NAN;
}

void perf_range_format(const struct perf_range *r, char *out, size_t size)
{
    const char *at = r->inside ? "@" : "";

    if (size == 0)
        return;
    if (!r->set)
        out[0] = '\0';
    else if (r->lo == 0 && !r->inside)
        snprintf(out, size, "%g", r->hi);
    else if (isinf(r->lo) && isinf(r->hi))
        snprintf(out, size, "%s~:", at);
    else if (isinf(r->lo))
        snprintf(out, size, "%s~:%g", at, r->hi);
    else if (isinf(r->hi))
        snprintf(out, size, "%s%g:", at, r->lo);
    else
        snprintf(out, size, "%s%g:%g", at, r->lo, r->hi);
}

/* Label at *pp (quoted or not) up to and including '='; NULL when bad. */
static char *parse_label(const char **pp, const char *end)
{
    const char *p = *pp;
    char *lb = xmalloc((size_t)(end - p) + 1);
    size_t n = 0;

    if (*p == '\'') {
        for (p++;; p++) {
            if (p >= end)
                goto bad;
            if (*p == '\'') {
                if (p + 1 < end && p[1] == '\'') {
                    lb[n++] = '\'';
                    p++;
                    continue;
                }
                p++;
                break;
            }
            lb[n++] = *p;
        }
        if (p >= end || *p != '=')
            goto bad;
    } else {
        for (; p < end && *p != '='; p++) {
            if (is_space(*p))
                goto bad;
            lb[n++] = *p;
        }
        if (p >= end)
            goto bad;
    }
    if (n == 0)
        goto bad;
    lb[n] = '\0';
    *pp = p + 1;
    return lb;
bad:
    free(lb);
    return NULL;
}

/* value[UOM] in s[0..len); "U" is unknown (NAN). */
static const char *parse_value(const char *s, size_t len, struct perf *pf)
{
    size_t n;

    if (len == 1 && s[0] == 'U') {
        pf->value = NAN;
        return NULL;
    }
    n = number_span(s, len);
    if (n == 0 || parse_number(s, n, &pf->value) < 0)
        return "bad value";
    if (len - n >= sizeof pf->uom)
        return "unit too long";
    for (size_t i = n; i < len; i++)
        if (is_digit(s[i]) || s[i] == '=' || s[i] == '\'')
            return "bad unit";
    memcpy(pf->uom, s + n, len - n);
    pf->uom[len - n] = '\0';
    return NULL;
}

/* The ';'-separated fields after the value: warn, crit, min, max. */
static const char *parse_fields(const char *p, const char *end, struct perf *pf)
{
    for (int f = 0; p < end; f++) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        const char *fe = semi != NULL ? semi : end;
        size_t len = (size_t)(fe - p);

        if (f >= FIELD_COUNT) {
            if (len > 0)
                return "too many fields";
        } else if (f == 0 && perf_range_parse(p, len, &pf->warn) < 0) {
            return "bad warning range";
        } else if (f == 1 && perf_range_parse(p, len, &pf->crit) < 0) {
            return "bad critical range";
        } else if (f >= 2 && len > 0) {
            double *dst = f == 2 ? &pf->min : &pf->max;

            if (parse_number(p, len, dst) < 0)
                return f == 2 ? "bad minimum" : "bad maximum";
            if (f == 2)
                pf->has_min = true;
            else
                pf->has_max = true;
        }
        if (semi == NULL)
            break;
        p = semi + 1;
    }
    return NULL;
}

/*
 * One item from *pp; on return *pp is past it. Returns NULL on success or
 * a reason; the item text is [start, *pp).
 */
static const char *parse_item(const char **pp, const char *end, struct perf *pf)
{
    const char *p = *pp, *vend, *why;

    memset(pf, 0, sizeof *pf);
    pf->label = parse_label(&p, end);
    if (pf->label == NULL) {
        /* Resynchronise at the next white space. */
        while (p < end && !is_space(*p))
            p++;
        *pp = p;
        return "bad label";
    }
    vend = p;
    while (vend < end && !is_space(*vend))
        vend++;
    *pp = vend;
    {
        const char *semi = memchr(p, ';', (size_t)(vend - p));
        const char *ve = semi != NULL ? semi : vend;

        why = parse_value(p, (size_t)(ve - p), pf);
        if (why == NULL && semi != NULL)
            why = parse_fields(semi + 1, vend, pf);
    }
    if (why != NULL) {
        free(pf->label);
        pf->label = NULL;
    }
    return why;
}

int perfdata_parse(const char *s, struct perf_list *out, struct mc_err *err)
{
    const char *p, *end;
    size_t cap = out->n;
    int rc = 0;

    if (s == NULL)
        return 0;
    p = s;
    end = s + strlen(s);
    for (;;) {
        const char *start, *why;
        struct perf pf;

        while (p < end && is_space(*p))
            p++;
        if (p >= end)
            break;
        start = p;
        why = parse_item(&p, end, &pf);
        if (why != NULL) {
            if (rc == 0)
                err_set(err, "perf data item \"%.*s\": %s",
                        (int)((size_t)(p - start) > 60 ? 60 : p - start), start,
                        why);
            rc = -1;
            continue;
        }
        if (out->n == cap) {
            cap = cap < 4 ? 4 : cap * 2;
            out->v = xreallocarray(out->v, cap, sizeof *out->v);
        }
        out->v[out->n++] = pf;
    }
    return rc;
}
