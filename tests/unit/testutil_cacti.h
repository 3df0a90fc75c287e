/*
 * Helpers shared by the Cacti parser tests (no suite here): the recorded
 * answers in tests/data/cacti, CSV exports, `rrdtool fetch` output.
 */
#ifndef MCTOP_TESTS_UNIT_TESTUTIL_CACTI_H
#define MCTOP_TESTS_UNIT_TESTUTIL_CACTI_H

#include <stddef.h>

#include "backend/cacti.h"

/* window.txt: the fixed window and the recent one. */
#define WIN_START    1795680550LL
#define WIN_END      1795681150LL
#define RECENT_START 1795680862LL
/* rrdtool fetch's first row of the fixed window (08:09:20 UTC). */
#define FETCH_FIRST 1795680560LL

#define LOGIN_MSG "not logged in (Cacti sent its login page)"

/* The fixture tests/data/cacti/name, NUL-terminated. Caller frees. */
char *ct_slurp(const char *name, size_t *n);
/* Parse an export expecting success (req: the requested start). */
struct cacti_export ct_xport_ok(const char *p, size_t n, long long req);
struct cacti_export ct_xport_file(const char *name, long long req);

/* `rrdtool fetch` output: "T: v v ..." rows after a header and a blank. */
struct fetch {
    long long t[128];
    double v[128][2];
    size_t n, cols;
};

void ct_fetch_load(const char *name, struct fetch *f);

/*
 * Every point of s at epoch x->start + i * step against fetch's value at
 * that epoch times mul; returns how many points matched exactly (within
 * rounding), shift moves the epochs looked up.
 */
size_t ct_matches(const struct cacti_export *x, const double *v,
                  const struct fetch *f, size_t col, double mul,
                  long long shift);

#endif
