/* Helpers shared by the unit tests (no suite here): reading data files. */
#include "tests/unit/testutil.h"

#include <check.h>
#include <stdio.h>

#include "backend/buf.h"

char *testutil_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    struct buf b = { 0 };
    char tmp[4096];
    size_t n;

    ck_assert_msg(f != NULL, "cannot open %s (run from the project root)",
                  path);
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        buf_append(&b, tmp, n);
    fclose(f);
    *len = b.len;
    return buf_steal(&b);
}
