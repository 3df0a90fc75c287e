/*
 * Icinga 2 API responses to model structs: host and service objects, a
 * streaming reader for whole /v1/objects responses, /v1/events lines and
 * error bodies. Pure functions: no I/O.
 */
#ifndef MCTOP_BACKEND_ICINGA_PARSE_H
#define MCTOP_BACKEND_ICINGA_PARSE_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "model.h"

#define ICINGA_DEFAULT_ENV_VAR "env"

enum icinga_kind { ICINGA_HOSTS, ICINGA_SERVICES };

/*
 * One host object {"attrs":{...},"name":...,"type":"Host"} into *out
 * (zeroed first; free with model_host_clear()). env comes from
 * vars.<env_var> (a dotted path like "location.env" works; NULL means
 * "env"). Perf data that does not parse sets st.perf_bad and keeps the good
 * items. Returns -1 with err naming the host and field when name or state
 * is missing or of the wrong type; *out is then empty.
 */
int icinga_parse_host(const cJSON *obj, const char *env_var,
                      struct mc_host *out, struct mc_err *err);

/*
 * One service object into *out, like icinga_parse_host(). The short name
 * is attrs.name or the part after '!' of the object name; host_name is
 * attrs.host_name, the part before '!', or joins.host.name.
 */
int icinga_parse_service(const cJSON *obj, struct mc_service *out,
                         struct mc_err *err);

/* Streaming reader: splitter plus object parser for one response. */
struct icinga_reader;

/* A reader for a hosts or services response; env_var as above. */
struct icinga_reader *icinga_reader_new(enum icinga_kind kind,
                                        const char *env_var);
/*
 * Feed response bytes in chunks of any size. Returns 0, or -1 with err set
 * (a bad object fails the whole response, naming its index and name; an
 * Icinga error body is reported as its status line). Errors are sticky.
 */
int icinga_reader_feed(struct icinga_reader *r, const char *p, size_t len,
                       struct mc_err *err);
/* End of the response: 0, or -1 when it was truncated or not a result. */
int icinga_reader_finish(struct icinga_reader *r, struct mc_err *err);
/*
 * Hand over the parsed objects in response order; the caller owns the
 * array (model_hosts_free() / model_services_free()) and the reader keeps
 * none. *n gets the count; NULL when there are none.
 */
struct mc_host *icinga_reader_take_hosts(struct icinga_reader *r, size_t *n);
struct mc_service *icinga_reader_take_services(struct icinga_reader *r,
                                               size_t *n);
/* Progress: bytes fed and objects parsed so far. */
size_t icinga_reader_bytes(const struct icinga_reader *r);
size_t icinga_reader_objects(const struct icinga_reader *r);
void icinga_reader_free(struct icinga_reader *r);

/* /v1/events types; ICINGA_EV_UNKNOWN for anything else. */
enum icinga_event_type {
    ICINGA_EV_UNKNOWN,
    ICINGA_EV_CHECK_RESULT,
    ICINGA_EV_STATE_CHANGE,
    ICINGA_EV_ACK_SET,
    ICINGA_EV_ACK_CLEARED,
    ICINGA_EV_COMMENT_ADDED,
    ICINGA_EV_COMMENT_REMOVED,
    ICINGA_EV_DOWNTIME_ADDED,
    ICINGA_EV_DOWNTIME_STARTED,
    ICINGA_EV_DOWNTIME_TRIGGERED,
    ICINGA_EV_DOWNTIME_REMOVED,
    ICINGA_EV_FLAPPING,
    ICINGA_EV_TYPE_COUNT
};

/* Which optional fields an event carried (icinga_event.has). */
enum icinga_event_has {
    ICINGA_EV_HAS_STATE = 1 << 0,
    ICINGA_EV_HAS_STATE_TYPE = 1 << 1,
    ICINGA_EV_HAS_ACK = 1 << 2,
    ICINGA_EV_HAS_ACK_BOOL = 1 << 3, /* ack came as a bool: 0 or 1 only */
    ICINGA_EV_HAS_DOWNTIME_DEPTH = 1 << 4,
    ICINGA_EV_HAS_CHECK_RESULT = 1 << 5,
    ICINGA_EV_HAS_FLAPPING = 1 << 6
};

/* One parsed event line; strings are owned (icinga_event_clear()). */
struct icinga_event {
    enum icinga_event_type type;
    unsigned has;  /* enum icinga_event_has bits */
    char *host;    /* NULL only for an unknown event without one */
    char *service; /* NULL for a host event */
    double timestamp;
    int state;      /* raw object state (host 0/1, service 0..3) */
    int state_type; /* 0 soft, 1 hard */
    int ack;        /* 0 none, 1 normal, 2 sticky */
    int downtime_depth;
    bool flapping;
    /*
     * The check result: state (host results already mapped to 0 UP /
     * 1 DOWN), state_type, attempt, reachable, last_check, output,
     * long_output, perf_raw, perf, perf_bad. Other fields are zero.
     */
    struct mc_status cr;
    char *author;        /* ack, comment, downtime; or NULL */
    char *text;          /* ack/downtime comment or comment text; or NULL */
    char *downtime_name; /* full downtime name; or NULL */
    bool downtime_fixed;
    double downtime_trigger_time; /* 0 when never triggered */
};

/*
 * Parse one NDJSON line of /v1/events (len bytes, a trailing newline is
 * fine) into *ev (zeroed first). An unknown type is not an error. Returns
 * -1 with err set for malformed JSON or a known event without its host.
 */
int icinga_parse_event(const char *line, size_t len, struct icinga_event *ev,
                       struct mc_err *err);
void icinga_event_clear(struct icinga_event *ev);
/* "CheckResult", "StateChange", ...; "unknown". */
const char *icinga_event_type_name(enum icinga_event_type type);

/*
 * Turn an error response into one readable line in err: the JSON
 * {"error":N,"status":"..."} form (plus the first line of
 * diagnostic_information), an action result list, or an HTML/text body
 * with its tags dropped. http_status is the HTTP code, 0 when unknown.
 * err->code becomes the HTTP code (or the body's). Always returns -1.
 */
int icinga_parse_error(const char *body, size_t len, int http_status,
                       struct mc_err *err);

#endif
