/*
 * Helpers shared by the demo Cacti tests (no suite here): requests to the
 * demo site's Cacti, and the Icinga hosts behind its devices.
 */
#ifndef MCTOP_TESTS_UNIT_TESTUTIL_DEMO_CACTI_H
#define MCTOP_TESTS_UNIT_TESTUTIL_DEMO_CACTI_H

#include <stdbool.h>
#include <stddef.h>

#include "backend/demo.h"

#define T0   1795670000.5 /* 2026-11-26 05:13:20.5 UTC, not on a step */
#define NOW  1795670000LL
#define HOUR 3600LL
#define DAY  86400LL
#define WEEK (7 * DAY)

/* The whole body, read in pieces of at most max bytes. */
char *dc_get_max(struct demo *d, const char *method, const char *path,
                 const char *body, int *status, size_t *len, size_t max);
char *dc_get(struct demo *d, const char *path, int *status, size_t *len);
/* GET that must answer 200. */
char *dc_get_ok(struct demo *d, const char *path, size_t *len);
/* The paths of an export and of a graph list (in a static buffer). */
char *dc_xport_path(long id, long long start, long long end);
char *dc_list_path(long host_id, int rows);

/* The hosts of the Icinga API, in the site's order (device id = i + 1). */
struct hosts {
    int n;
    char **name, **addr;
};

struct hosts dc_hosts_of(struct demo *d);
void dc_hosts_free(struct hosts *h);
/* Index of the first host with (or without) a Cacti device, or -1. */
int dc_host_with(struct demo *d, const struct hosts *h, bool device);
/* How many times sub occurs in s. */
int dc_count(const char *s, const char *sub);

#endif
