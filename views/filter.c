/* Regex-or-substring row filters with negation. */
#include "filter.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"

void filter_clear(struct filter *f)
{
    if (f->is_regex)
        regfree(&f->re);
    free(f->text);
    free(f->needle);
    memset(f, 0, sizeof *f);
}

void filter_set(struct filter *f, const char *text)
{
    const char *pat;

    filter_clear(f);
    if (text == NULL || text[0] == '\0')
        return;
    f->text = xstrdup(text);
    f->negate = text[0] == '!';
    pat = f->negate ? text + 1 : text;
    if (pat[0] == '\0')
        return; /* a lone "!" filters nothing yet */
    /* Plain text needs no regex engine, and a substring search is faster. */
    f->is_regex =
        strpbrk(pat, ".[]()*+?{}|^$\\") != NULL &&
        regcomp(&f->re, pat, REG_EXTENDED | REG_ICASE | REG_NOSUB) == 0;
    if (!f->is_regex) {
        f->needle = xstrdup(pat);
        for (char *p = f->needle; *p != '\0'; p++)
            *p = (char)tolower((unsigned char)*p);
    }
}

bool filter_active(const struct filter *f)
{
    return f->text != NULL && (f->is_regex || f->needle != NULL);
}

static bool filter_substr(const char *hay, const char *needle)
{
    size_t n = strlen(needle);

    for (; *hay != '\0'; hay++) {
        size_t i = 0;

        while (i < n && hay[i] != '\0' &&
               tolower((unsigned char)hay[i]) == (unsigned char)needle[i])
            i++;
        if (i == n)
            return true;
    }
    return n == 0;
}

bool filter_match(const struct filter *f, const char *const *fields, int n)
{
    bool hit = false;

    if (!filter_active(f))
        return true;
    for (int i = 0; i < n && !hit; i++) {
        if (fields[i] == NULL)
            continue;
        hit = f->is_regex ? regexec(&f->re, fields[i], 0, NULL, 0) == 0
                          : filter_substr(fields[i], f->needle);
    }
    return hit != f->negate;
}
