/*
 * Row filters as typed after '/': a case-insensitive extended regular
 * expression, or a plain substring when the text is not a valid regex;
 * a leading '!' keeps the rows that do NOT match.
 */
#ifndef MCTOP_VIEWS_FILTER_H
#define MCTOP_VIEWS_FILTER_H

#include <regex.h>
#include <stdbool.h>

struct filter {
    char *text; /* as typed, or NULL: no filter */
    bool negate;
    bool is_regex;
    regex_t re;
    char *needle; /* lower-cased substring when not a regex */
};

/* Compile text (NULL or "" clears the filter). */
void filter_set(struct filter *f, const char *text);
void filter_clear(struct filter *f);
bool filter_active(const struct filter *f);
/* Whether a row whose searchable fields are fields[0..n) passes. */
bool filter_match(const struct filter *f, const char *const *fields, int n);

#endif
