/*
 * Recent values of one metric per object (e.g. each host's load), kept
 * in fixed-size rings for sparklines.
 */
#ifndef MCTOP_BACKEND_TREND_H
#define MCTOP_BACKEND_TREND_H

#include <stddef.h>

struct trend;

/* Rings of cap samples each. */
struct trend *trend_new(size_t cap);
void trend_free(struct trend *t);
/* Record value for key at time when; a sample at the same time replaces. */
void trend_add(struct trend *t, const char *key, double when, double value);
/* Copy up to max samples for key, oldest first, into out; returns the count. */
size_t trend_get(const struct trend *t, const char *key, double *out,
                 size_t max);

#endif
