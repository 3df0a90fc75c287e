/*
 * Shared by the two halves of the Elasticsearch response parser
 * (es_parse.c: search responses, es_error.c: error answers). Not for other
 * modules.
 */
#ifndef MCTOP_BACKEND_ES_PARSE_INT_H
#define MCTOP_BACKEND_ES_PARSE_INT_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "backend/buf.h"

/* Longest piece of a reason kept (bytes, cut on a UTF-8 boundary). */
#define ES_REASON_MAX 300

/*
 * Parse a response body with cJSON, first replacing the escapes cJSON
 * refuses (a lone UTF-16 surrogate, "\u0000") with "\ufffd" inside JSON
 * strings. NULL when it is not JSON; *bad (if not NULL) then gets the byte
 * offset where parsing stopped.
 */
cJSON *es_json_parse(const char *p, size_t n, size_t *bad);

/*
 * Append the first line of s (tabs as spaces, trailing blanks dropped),
 * cut at max bytes with "…".
 */
void es_put_line(struct buf *b, const char *s, size_t max);

/*
 * Append a short quote of a body that is not what was expected: tags
 * stripped when it looks like HTML, white space runs as one space, other
 * control characters and non-ASCII bytes as '?', at most max characters
 * ("…" when cut).
 */
void es_put_quote(struct buf *b, const char *p, size_t n, size_t max);

#endif
