/* Helpers shared by the Cacti parser tests (no suite here). */
#include "tests/unit/testutil_cacti.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/testutil.h"

#define DATA "tests/data/cacti/"

char *ct_slurp(const char *name, size_t *n)
{
    char path[256];

    snprintf(path, sizeof path, DATA "%s", name);
    return testutil_slurp(path, n);
}

struct cacti_export ct_xport_ok(const char *p, size_t n, long long req)
{
    struct cacti_export x = { 0 };
    struct mc_err e = { 0 };

    ck_assert_msg(cacti_parse_xport(p, n, req, &x, &e) == 0, "%s", e.msg);
    ck_assert_int_gt(x.step, 0);
    return x;
}

struct cacti_export ct_xport_file(const char *name, long long req)
{
    size_t n;
    char *p = ct_slurp(name, &n);
    struct cacti_export x = ct_xport_ok(p, n, req);

    free(p);
    return x;
}

void ct_fetch_load(const char *name, struct fetch *f)
{
    size_t len;
    char *p = ct_slurp(name, &len), *line, *save = NULL;

    memset(f, 0, sizeof *f);
    for (line = strtok_r(p, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        char *colon = strchr(line, ':'), *s, *end;
        size_t c = 0;

        if (colon == NULL)
            continue;
        ck_assert_uint_lt(f->n, 128);
        f->t[f->n] = strtoll(line, NULL, 10);
        for (s = colon + 1; c < 2; s = end, c++) {
            f->v[f->n][c] = strtod(s, &end);
            if (end == s)
                break;
        }
        ck_assert_uint_gt(c, 0);
        f->cols = c;
        f->n++;
    }
    free(p);
    ck_assert_uint_gt(f->n, 0);
}

size_t ct_matches(const struct cacti_export *x, const double *v,
                  const struct fetch *f, size_t col, double mul,
                  long long shift)
{
    size_t ok = 0;

    for (size_t i = 0; i < x->npoints; i++) {
        long long t = x->start + (long long)i * x->step + shift;

        for (size_t r = 0; r < f->n; r++) {
            double want = f->v[r][col] * mul;

            if (f->t[r] != t)
                continue;
            if ((isnan(want) && isnan(v[i])) ||
                fabs(want - v[i]) <= 1e-9 * fabs(want))
                ok++;
            break;
        }
    }
    return ok;
}
