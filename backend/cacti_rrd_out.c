/*
 * Reading the output of the rrdtool fallback's batched commands: which
 * answer is whose. Pure functions, tested without a network.
 */
#include <stdio.h>
#include <string.h>

#include "backend/cacti.h"

#define PART_MARK   "#mctop-xport "
#define FAILED_MARK "#mctop-failed"

/* The line at p (up to n): its length without the newline. */
static size_t out_line(const char *p, size_t n)
{
    const char *nl = memchr(p, '\n', n);

    return nl != NULL ? (size_t)(nl - p) : n;
}

static bool out_is(const char *line, size_t len, const char *mark)
{
    size_t m = strlen(mark);

    return len >= m && memcmp(line, mark, m) == 0;
}

int cacti_rrd_part(const char *p, size_t n, int k, const char **text,
                   size_t *len)
{
    char want[32];
    size_t wlen = (size_t)snprintf(want, sizeof want, PART_MARK "%d", k);
    size_t at = 0, start = 0;
    bool in = false;

    *text = NULL;
    *len = 0;
    if (p == NULL || k < 0)
        return -1;
    while (at < n) {
        size_t l = out_line(p + at, n - at);
        const char *line = p + at;

        if (in && out_is(line, l, PART_MARK))
            break;
        if (in && l == strlen(FAILED_MARK) && out_is(line, l, FAILED_MARK)) {
            *text = p + start;
            *len = at - start;
            while (*len > 0 &&
                   (p[start + *len - 1] == '\n' || p[start + *len - 1] == '\r'))
                (*len)--;
            return 1;
        }
        if (!in && l == wlen && memcmp(line, want, wlen) == 0) {
            in = true;
            start = at + l + (at + l < n);
        }
        at += l + (at + l < n);
    }
    if (!in)
        return -1;
    *text = p + start;
    *len = (at < n ? at : n) - start;
    return 0;
}

int cacti_rrd_owner(const char *file, char *const *prefixes, size_t n)
{
    int best = -1;
    size_t best_len = 0;

    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(prefixes[i]);

        if (l > 0 && strncmp(file, prefixes[i], l) == 0 && file[l] == '_' &&
            (best < 0 || l > best_len)) {
            best = (int)i;
            best_len = l;
        }
    }
    return best;
}
