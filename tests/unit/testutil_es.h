/*
 * Helpers shared by the Elasticsearch response parser tests (no suite
 * here): the fixtures in tests/data/es, the fields mctop reads by default.
 */
#ifndef MCTOP_TESTS_UNIT_TESTUTIL_ES_H
#define MCTOP_TESTS_UNIT_TESTUTIL_ES_H

#include "backend/es.h"

#define DIR  "tests/data/es/"
#define FFFD "\xEF\xBF\xBD"

/* host.name or host, four level fields, message. */
extern const struct es_fields ep_fields;

/* Parse a fixture, expecting success. */
void ep_parse_file(const char *name, const struct es_fields *f,
                   struct es_result *r);

#endif
