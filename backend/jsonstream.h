/*
 * Incremental splitter for Icinga's {"results":[{...},{...}]} responses:
 * bytes go in in chunks of any size, each complete element of the results
 * array comes out as one byte slice, so only one element is held at a time.
 */
#ifndef MCTOP_BACKEND_JSONSTREAM_H
#define MCTOP_BACKEND_JSONSTREAM_H

#include <stddef.h>

#include "err.h"

/* Error codes left in mc_err.code by the splitter. */
enum jsonstream_error {
    JSONSTREAM_ERR_NONE,
    JSONSTREAM_ERR_EMPTY,      /* no bytes but white space */
    JSONSTREAM_ERR_NOT_OBJECT, /* body is not a JSON object (HTML, array) */
    JSONSTREAM_ERR_SYNTAX,     /* malformed JSON at the top level */
    JSONSTREAM_ERR_NOT_ARRAY,  /* "results" is not an array of objects */
    JSONSTREAM_ERR_NO_RESULTS, /* a complete object without "results" */
    JSONSTREAM_ERR_ERROR_BODY, /* {"error":N,"status":"..."} */
    JSONSTREAM_ERR_TRUNCATED,  /* input ended inside the response */
    JSONSTREAM_ERR_TRAILING,   /* bytes after the response */
    JSONSTREAM_ERR_CALLBACK    /* the element callback returned -1 */
};

struct jsonstream;

/*
 * A new splitter. cb is called with each complete element of the results
 * array (an object, NOT NUL-terminated, valid only during the call) and
 * returns 0, or -1 with err set to stop the stream. Free with
 * jsonstream_free().
 */
struct jsonstream *jsonstream_new(int (*cb)(void *ctx, const char *elem,
                                            size_t len, struct mc_err *err),
                                  void *ctx);

/*
 * Feed the next len bytes. Returns 0, or -1 with err set (err->code is an
 * enum jsonstream_error). Errors are sticky: later calls fail the same way.
 */
int jsonstream_feed(struct jsonstream *js, const char *p, size_t len,
                    struct mc_err *err);

/*
 * The input is complete. Returns 0 when a whole response was seen, else -1
 * with err set ("truncated after N objects", "empty response", ...).
 */
int jsonstream_finish(struct jsonstream *js, struct mc_err *err);

/* Elements delivered so far, and bytes fed so far. */
size_t jsonstream_count(const struct jsonstream *js);
size_t jsonstream_bytes(const struct jsonstream *js);

/*
 * The top-level members other than "results" as a JSON object text
 * (e.g. {"error":404,"status":"No objects found."}), NUL-terminated and
 * owned by js; NULL when there were none. Large values are cut short.
 */
const char *jsonstream_rest(const struct jsonstream *js, size_t *len);

void jsonstream_free(struct jsonstream *js);

#endif
