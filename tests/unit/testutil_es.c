/* Helpers shared by the Elasticsearch response parser tests (no suite). */
#include "tests/unit/testutil_es.h"

#include <check.h>
#include <stdlib.h>

#include "tests/unit/testutil.h"

static const char *const host_fields[] = { "host.name", "host" };
static const char *const level_fields[] = { "log.level", "level", "loglevel",
                                            "severity" };
static const char *const message_fields[] = { "message" };
const struct es_fields ep_fields = {
    "@timestamp", host_fields, 2, level_fields, 4, message_fields, 1,
};

void ep_parse_file(const char *name, const struct es_fields *f,
                   struct es_result *r)
{
    struct mc_err e = { 0 };
    size_t n;
    char *p = testutil_slurp(name, &n);

    ck_assert_msg(es_parse_search(p, n, f, r, &e) == 0, "%s: %s", name, e.msg);
    free(p);
}
