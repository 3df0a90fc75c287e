/*
 * The demo site's Elasticsearch: its log documents (demo_es_docs.c,
 * demo_es_message.c, demo_es_fields.c, demo_es_tokens.c), the query DSL
 * and Lucene query strings over them (demo_es_query.c,
 * demo_es_query_check.c, demo_es_prog*.c, demo_es_lucene.c), dates
 * (demo_es_date.c) and the _search API in Elasticsearch 8's wire format
 * (demo_es.c, demo_es_body.c, demo_es_aggs.c, demo_es_search.c), its
 * errors (demo_es_err.c).
 *
 * Documents are not stored: each is a function of (seed, second, slot),
 * generated when a search walks the seconds of its time range. A search
 * looks only at the fields its query touches, through value ids that let
 * it remember a verdict per distinct value (a host, a message piece).
 */
#ifndef MCTOP_BACKEND_DEMO_ES_H
#define MCTOP_BACKEND_DEMO_ES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/buf.h"

struct cJSON;
struct demo;
struct des_cache;
typedef struct cJSON cJSON;

#define DES_DAYS        30 /* documents of the last 30 days exist */
#define DES_MAX_PER_SEC 8  /* documents in one second, at most */
#define DES_MAX_WINDOW  10000
#define DES_NODE_ID     "dEmOnOdE0SearchSrvQ-01"

/* The two Logstash shapes, in separate index families (§6.1). */
enum des_fam { DES_CLASSIC, DES_ECS, DES_NFAM };

enum des_level { DES_DEBUG, DES_INFO, DES_WARN, DES_ERROR };

/* --- errors (demo_es_err.c) -------------------------------------------- */

/*
 * A failure: an ErrorCause object ("type", "reason", metadata keys,
 * "caused_by"), with a private "_foreign" member on causes that are not
 * Elasticsearch exceptions (root_cause stops above them). shard: it
 * happened while running the query, so it fails every shard.
 */
struct des_err {
    int status;
    struct cJSON *cause;
    bool shard;
    const char *body; /* the request body, for positions */
    const struct cJSON *root;
};

struct cJSON *des_cause(const char *type, const char *reason);
struct cJSON *des_causef(const char *type, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Mark a cause as foreign; returns it. */
struct cJSON *des_foreign(struct cJSON *c);
/* c caused by inner (taken); returns c. */
struct cJSON *des_by(struct cJSON *c, struct cJSON *inner);
/* Set e (status 400 unless said) and return -1. */
int des_fail(struct des_err *e, int status, struct cJSON *cause);
int des_fail_shard(struct des_err *e, struct cJSON *cause);
/* parsing_exception with the line and column of item in the body. */
int des_fail_parsing(struct des_err *e, const struct cJSON *item, bool key,
                     const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* x_content_parse_exception "[l:c] reason", caused_by optional. */
int des_fail_xcontent(struct des_err *e, const struct cJSON *item, bool key,
                      const char *reason, struct cJSON *caused_by);
/* What Elasticsearch has and the demo does not: an honest 400. */
int des_unsupported(struct des_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
struct cJSON *des_unsupported_cause(const char *what);
/* " did you mean [x]?" for name among known (""), into out. */
void des_suggest(const char *name, const char *const *known, size_t n,
                 char *out, size_t len);
/* Line and column (1-based) of item (its key, or its value) in e's body. */
void des_locate(const struct des_err *e, const struct cJSON *item, bool key,
                int *line, int *col);
/* The token name Jackson uses for a value ("START_OBJECT" ...). */
const char *des_token_name(const struct cJSON *v);
/* A stable index_uuid for an index name. */
void des_index_uuid(const char *name, char out[23]);

/* --- dates (demo_es_date.c) -------------------------------------------- */

/*
 * A date format; NULL or "" is the mapping's default
 * "strict_date_optional_time||epoch_millis". Returns 0, or -1 with *cause
 * (a format the demo does not know).
 */
int des_format_check(const char *fmt, struct cJSON **cause);
/* A time_zone: "Z", "UTC", "+01:00" ... as minutes east of UTC. */
int des_zone(const char *tz, int *minutes, struct cJSON **cause);
/*
 * An ES date (text, date math) as epoch ms. round_up: missing fields at
 * their maximum and "/d" to the end of the day (lte, gt). Returns 0, or -1
 * with *cause, the parse_exception Elasticsearch reports.
 */
int des_date_parse(const char *text, const char *fmt, int tz, bool round_up,
                   int64_t now_ms, int64_t *out, struct cJSON **cause);
/* Print ms in a format ("strict_date_optional_time" if NULL). */
void des_date_format(int64_t ms, const char *fmt, int tz, char *out,
                     size_t len);
/* Floor division of a and b (b > 0). */
int64_t des_floordiv(int64_t a, int64_t b);
/* Calendar rounding and adding, units y M q w d h m s. */
int64_t des_round(int64_t ms, char unit, int tz, bool up);
int64_t des_add(int64_t ms, long n, char unit, int tz);
/* Civil date of a day number (days since 1970-01-01). */
void des_civil(int64_t day, int *y, int *mo, int *d);

/* --- documents (demo_es_docs.c, _message.c, _fields.c, _tokens.c) ---- */

enum des_seg_kind { DES_SEG_POOL, DES_SEG_TIME, DES_SEG_HOST };

/* One piece of a message: a pool entry, the time, or the host name. */
struct des_seg {
    uint8_t kind;
    uint8_t arg;  /* pool, or time format */
    uint8_t join; /* the byte written before it, 0 none */
    uint16_t idx; /* pool entry */
};

struct des_doc {
    int64_t ms;
    int64_t sec;
    uint32_t host;
    uint8_t k; /* slot in its second */
    uint8_t fam, level, tags;
    uint8_t inc; /* the incident's kind + 1, or 0 */
    bool hostile;
    /* details, filled by des_doc_detail(): */
    bool detail;
    uint8_t tmpl, nseg;
    uint8_t svc;  /* service: 0 none, 1.. orders, billing, ... */
    uint8_t path; /* log file path id */
    uint8_t type; /* classic "type", ECS "event.dataset" id */
    struct des_seg seg[4];
    uint64_t rs; /* where the details' draws start */
};

struct des_incident {
    uint32_t host;
    uint8_t kind, sev;
    int64_t from, to; /* seconds: bursts of lines */
};

/* What one search sees of the demo. */
struct des_world {
    const struct demo *d;
    uint64_t seed;
    int64_t now_ms;
    int64_t first_sec, last_sec; /* documents exist in [first, last] */
    int64_t day0;                /* day of the oldest index */
    int ndays;
    bool fam[DES_NFAM]; /* some host writes this shape */
    struct des_incident *inc;
    size_t ninc;
    struct des_cache *cache; /* tokens of pieces, filled as searched */
    uint32_t cum[24][DES_MAX_PER_SEC]; /* documents per second, by hour */
};

void des_world_init(struct des_world *w, const struct demo *d);
void des_world_free(struct des_world *w);
/*
 * The documents of second sec, oldest first; returns how many. Only what
 * every search looks at is filled (time, host, shape, level):
 * des_doc_detail() adds the message pieces and the fields that go with
 * them (path, service, ...) before anything reads those.
 */
int des_second(const struct des_world *w, int64_t sec, struct des_doc *out);
void des_doc_detail(const struct des_world *w, struct des_doc *doc);
/* The Lucene doc number: unique in the index, in time order. */
long long des_doc_seq(const struct des_doc *doc);
/* 20 characters, base64url-like, stable. */
void des_doc_id(const struct des_world *w, const struct des_doc *doc,
                char out[21]);
/* "logstash-2026.11.26" or "logstash-ecs-2026.11.26". */
void des_index_name(int fam, int64_t day, char *out, size_t len);
/* The whole message. */
void des_message(const struct des_world *w, const struct des_doc *doc,
                 struct buf *b);
/* A message piece. */
void des_seg_text(const struct des_world *w, const struct des_doc *doc,
                  const struct des_seg *s, struct buf *b);
size_t des_pool_size(int pool);
#define DES_MAX_POOLS 48 /* pools are numbered below this */

/* _source filtering: includes and excludes (* patterns). */
struct des_filter {
    bool none; /* "_source": false */
    char **inc, **exc;
    size_t ninc, nexc;
};
void des_source(const struct des_world *w, const struct des_doc *doc,
                const struct des_filter *f, struct buf *b);
/* Elasticsearch's Regex.simpleMatch: '*' matches any run. */
bool des_star_match(const char *pattern, const char *s);
/* A JSON string, as Jackson writes it (lone surrogates escaped). */
void des_json_str(struct buf *b, const char *s, size_t n);

/* Fields: how a query sees a document. */
enum des_ftype { DES_F_DATE, DES_F_KEYWORD, DES_F_TEXT, DES_F_LONG };
enum des_getter {
    DES_G_TS,
    DES_G_VERSION,
    DES_G_MSG,
    DES_G_HOST,
    DES_G_PATH,
    DES_G_LEVEL,
    DES_G_TYPE,
    DES_G_SERVICE,
    DES_G_TAGS,
    DES_G_STATUS,
    DES_G_BYTES,
    DES_G_DATASET,
    DES_G_ECSVER,
    DES_G_COUNT
};
struct des_field {
    const char *name;
    uint8_t type, getter;
};
/* The mapped leaf fields of a family's indices. */
const struct des_field *des_fields(int fam, size_t *n);
/*
 * The value id of a string field in a document (among des_cardinality()
 * ids); false when the document has no such field.
 */
static inline bool des_doc_vid(const struct des_doc *d, int getter,
                               uint32_t *vid)
{
    switch (getter) {
    case DES_G_HOST:
        *vid = d->host;
        return true;
    case DES_G_LEVEL:
        *vid = d->level;
        return true;
    case DES_G_PATH:
        *vid = d->path;
        return true;
    case DES_G_TYPE:
    case DES_G_DATASET:
        *vid = d->type;
        return true;
    case DES_G_SERVICE:
        *vid = d->svc;
        return d->svc != 0;
    case DES_G_TAGS:
        *vid = d->tags;
        return d->tags != 0;
    default:
        *vid = 0;
        return true;
    }
}
/*
 * String values of a field (at most 2); *vid identifies the value(s)
 * among des_cardinality() ids. Returns how many (0: absent).
 */
int des_str_values(const struct des_world *w, const struct des_doc *doc,
                   int getter, const char **v, uint32_t *vid);
uint32_t des_cardinality(const struct des_world *w, int getter);
/* A long field's value; false when the document has none. */
bool des_num_value(const struct des_world *w, const struct des_doc *doc,
                   int getter, long long *v);

/* Tokens: lower-cased, NUL-terminated. */
struct des_tokv {
    const char *const *tok;
    size_t n;
};
/* The standard analyzer's tokens of a text, appended. */
struct des_toks {
    struct buf text;
    uint32_t *off;
    const char **tok; /* valid after des_tokenize, until the next change */
    size_t n, cap;
};
void des_tokenize(struct des_toks *t, const char *s, size_t n);
void des_toks_reset(struct des_toks *t);
void des_toks_free(struct des_toks *t);
static inline const char *des_tok(const struct des_toks *t, size_t i)
{
    return t->text.data + t->off[i];
}
static inline struct des_tokv des_toks_view(const struct des_toks *t)
{
    struct des_tokv v = { t->tok, t->n };

    return v;
}
/* The tokens of time pieces, per format: the minute's are kept. */
struct des_ttoks {
    struct {
        int64_t minute; /* + 1: 0 is none yet */
        size_t n, at;   /* tokens and bytes of the minute's part */
        char text[80];
        const char *tok[8];
    } f[8];
};
/*
 * The tokens of a message piece: pool entries and host names are
 * tokenised once per search (cached in the world); the time is written
 * straight as tokens into scratch.
 */
struct des_tokv des_piece_tokens(const struct des_world *w,
                                 const struct des_doc *doc,
                                 const struct des_seg *s,
                                 struct des_ttoks *scratch);
/* The tokens of a pool entry (cached). */
struct des_tokv des_pool_tokens(const struct des_world *w, int pool,
                                unsigned idx);
/*
 * Classes of documents by what their message can hold: role and level,
 * hostile lines, incident kind and level. des_class_pieces() lists the
 * pool entries a class's messages are made of (and whether the host name
 * is one of the pieces; every class has the time).
 */
#define DES_NCLASS 64
struct des_piece_range {
    int pool;
    unsigned from, to;
};
int des_doc_class(const struct des_world *w, const struct des_doc *doc);
size_t des_class_pieces(int cls, struct des_piece_range *out, bool *host);
/* The tokens of a host name (cached). */
struct des_tokv des_host_tokens(const struct des_world *w, uint32_t host);
/* The values of a string field for a value id (count). */
int des_value_text(const struct des_world *w, int getter, uint32_t vid,
                   const char **v);
/* A single term lower-cased as a text field normalises it. */
char *des_lower(const char *s);

/* --- queries (demo_es_query*.c: parsing; demo_es_prog*.c: running) ---- */

enum des_qkind {
    DES_Q_ALL,
    DES_Q_NONE,
    DES_Q_BOOL,
    DES_Q_MATCH,
    DES_Q_MULTI,
    DES_Q_TERM,
    DES_Q_TERMS,
    DES_Q_EXISTS,
    DES_Q_RANGE,
    DES_Q_QS,
    DES_Q_PREFIX,
    DES_Q_WILDCARD
};
enum des_qocc { DES_Q_MUST, DES_Q_FILTER, DES_Q_SHOULD, DES_Q_MUST_NOT };

/* A JSON scalar as a query value: its text, and what it was. */
struct des_qval {
    char *s; /* Java's toString: "200", "2.5", "true" */
    bool num, boolean;
    double d;
};

/* A parsed query: what the coordinator checked, not yet per index. */
struct des_query {
    int kind;
    bool scoring;
    char *field;
    struct des_query **kids; /* bool */
    uint8_t *occ;
    size_t nkids;
    char *msm;            /* minimum_should_match, as given */
    struct des_qval text; /* match, multi_match, term, prefix ... */
    bool phrase, op_and, lenient, lenient_set, ci;
    char **fields; /* multi_match, query_string */
    size_t nfields;
    char *default_field;
    bool analyze_wildcard, leading_wildcard;
    int slop;
    struct des_qval *vals; /* terms */
    size_t nvals;
    struct des_qval lo, hi; /* range */
    bool has_lo, has_hi, incl_lo, incl_hi;
    char *format;
    int tz;
};

/* Parse a query object (the coordinator's checks). NULL with e. */
struct des_query *des_query_parse(const struct cJSON *q, struct des_err *e);
struct des_query *des_query_all(void);
void des_query_free(struct des_query *q);
/* A query_string query from the URL's q (and df, default_operator ...). */
struct des_query *des_query_qs(const char *text, const char *df, bool op_and,
                               int lenient, bool analyze_wildcard);
/* ES's calculateMinShouldMatch; -1: not a form the demo reads. */
long des_min_should_match(const char *spec, size_t n);

/* The pieces of the query parsers (demo_es_query_check.c). */
struct des_query *des_query_new(int kind);
void des_qval_free(struct des_qval *v);
/* A scalar value; false for objects, arrays and null. */
bool des_qval_read(const cJSON *v, struct des_qval *out);
/* Keys must be in allowed (or in more, when given). */
int des_query_check_keys2(struct des_err *e, const char *name,
                          const cJSON *body, const char *const *allowed,
                          const char *const *more);
int des_query_check_keys(struct des_err *e, const char *name, const cJSON *body,
                         const char *const *allowed);
/* boost and _name, which every query takes. */
bool des_query_is_meta(const char *k);
/* The one field of match, term, range ...; its spec in *spec. */
const cJSON *des_query_single_field(struct des_err *e, const char *name,
                                    const cJSON *wrap, const cJSON *body);
/* The analyzer of spec: only the standard one. */
int des_query_check_analyzer(struct des_err *e, const cJSON *spec);
/* minimum_should_match v (if given) into *out. */
int des_query_check_msm(struct des_err *e, const cJSON *v, char **out);
/* operator: "or" or "and" (any case). */
int des_query_read_operator(struct des_err *e, const char *name,
                            const cJSON *spec, const char *key, bool *and_op);
void des_query_read_lenient(struct des_query *q, const cJSON *spec);

struct des_prog;
/* Compile for one family's indices (the shard's checks). NULL with e. */
struct des_prog *des_prog_new(const struct des_query *q,
                              const struct des_world *w, int fam,
                              struct des_err *e);
void des_prog_free(struct des_prog *p);
/* Does doc match? Details are added to doc as the query needs them. */
bool des_prog_match(struct des_prog *p, struct des_doc *doc);
/* Bounds on @timestamp every match lies in (ms, inclusive). */
void des_prog_bounds(const struct des_prog *p, int64_t *lo, int64_t *hi);
/* Only documents in [lo, hi] will be asked: drop time tests they pass. */
void des_prog_within(struct des_prog *p, int64_t lo, int64_t hi);

/* --- query_string (demo_es_lucene.c) ----------------------------------- */

enum des_occur { DES_MUST, DES_SHOULD, DES_MUST_NOT };
enum des_lkind {
    DES_L_BOOL,
    DES_L_TERM,
    DES_L_QUOTED,
    DES_L_PREFIX,
    DES_L_WILDCARD,
    DES_L_REGEXP,
    DES_L_FUZZY,
    DES_L_RANGE
};
struct des_lnode {
    int kind;
    char *field; /* NULL: the default fields */
    char *text;
    struct des_lnode **kids;
    uint8_t *occur;
    size_t nkids;
    int slop;            /* quoted: -1 none */
    char *lower, *upper; /* range; NULL open */
    bool incl_lower, incl_upper;
};
/*
 * Parse Lucene's classic syntax as query_string does. NULL with *cause,
 * Lucene's ParseException or TokenMgrError message ("Cannot parse ...").
 */
struct des_lnode *des_lucene_parse(const char *q, bool and_default,
                                   struct cJSON **cause);
void des_lnode_free(struct des_lnode *n);

/* --- the API (demo_es.c, demo_es_search.c) ----------------------------- */

struct demo_reply;
/* Is path one of Elasticsearch's (a _search, a _count, /_cat ...)? */
bool demo_es_owns(const char *path);
struct demo_reply *demo_es_request(struct demo *d, const char *method,
                                   const char *path, const char *body,
                                   int *status);

/* A validated search (demo_es.c, demo_es_body.c) run over the matched
   indices. */
struct des_agg {
    char *name;
    int64_t fixed;  /* ms, or 0 */
    char cal;       /* calendar unit, or 0 */
    int tz;         /* minutes */
    int64_t offset; /* ms */
    long min_doc_count;
    char *ext_min, *ext_max; /* extended_bounds, as given */
    bool ext_min_num, ext_max_num;
    char *format;
    bool keyed;
};
struct des_search {
    struct des_query *query;
    long size, from;
    int sort_ts;    /* 0 none (score order), 1 asc, -1 desc */
    int sort_doc;   /* 0 none, 1 asc, -1 desc: the tiebreaker */
    char *sort_fmt; /* format of the date sort values, or NULL */
    bool after;     /* search_after given */
    int64_t after_ms;
    long long after_doc;
    long long track; /* -1: no total; else count exactly up to this */
    bool total_int;  /* rest_total_hits_as_int */
    bool version, typed_keys, track_scores;
    struct des_filter src;
    struct des_agg *aggs;
    size_t naggs;
    bool count_api; /* _count: {"count":N,"_shards":...} */
    /* the indices, sorted by name */
    char **names;
    uint8_t *ifam;
    int64_t *iday;
    size_t nindices;
    uint64_t days[DES_NFAM]; /* bit per day from world.day0 */
    const cJSON *after_json; /* search_after, checked per shard */
};
void des_search_free(struct des_search *s);
/* Is s among v (n of them; 0: up to a NULL)? */
bool des_in_list(const char *s, const char *const *v, size_t n);
/* Append a copy of s to the list v of n. */
void des_add_pat(char ***v, size_t *n, const char *s);
/* The body of a _search (count: of a _count) into s (demo_es_body.c). */
int des_parse_body(struct des_search *s, const struct cJSON *root, bool count,
                   struct des_err *e);
/* "aggs" of a search body (demo_es_aggs.c). */
int des_parse_aggs(struct des_search *s, const struct cJSON *v,
                   struct des_err *e);
/*
 * Run a search: the response body into out; returns the HTTP status
 * (a failure on every shard is a 400 body), or -1 with e.
 */
int des_search_run(const struct des_world *w, struct des_search *s,
                   struct buf *out, struct des_err *e);
/* search_phase_execution_exception, one failed shard per index (§3.2). */
void des_all_shards_failed(struct buf *b, const struct cJSON *const *causes,
                           char *const *names, size_t n);
/* _shards.failures entries. */
void des_shard_failures(struct buf *b, const struct cJSON *const *causes,
                        char *const *names, size_t n);
/* An error body of §3.1. */
void des_error_body(struct buf *b, int status, const struct cJSON *c);

#endif
