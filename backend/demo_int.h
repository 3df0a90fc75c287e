/*
 * Internals of the demo site shared by backend/demo*.c: the fleet arrays,
 * the check state of every host and service, and the helpers between files.
 */
#ifndef MCTOP_BACKEND_DEMO_INT_H
#define MCTOP_BACKEND_DEMO_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "backend/buf.h"
#include "backend/demo.h"

#define DEMO_NODE_NAME    "icinga-master-01"
#define DEMO_MAX_ATTEMPTS 3
/* Event queue of a stream nobody reads: past this, new events are dropped. */
#define DEMO_QUEUE_MAX (32u << 20)

enum demo_env { DEMO_ENV_DEV, DEMO_ENV_TST, DEMO_ENV_PPD, DEMO_ENV_PRD };

enum demo_role {
    DEMO_ROLE_WEB,
    DEMO_ROLE_APP,
    DEMO_ROLE_DB,
    DEMO_ROLE_ES,
    DEMO_ROLE_CACHE,
    DEMO_ROLE_LB,
    DEMO_ROLE_COUNT
};

/* What a checkable checks; DEMO_KIND_HOST is the host check itself. */
enum demo_kind {
    DEMO_KIND_HOST,
    DEMO_KIND_LOAD,
    DEMO_KIND_MEM,
    DEMO_KIND_DISK,
    DEMO_KIND_SWAP,
    DEMO_KIND_PROCS,
    DEMO_KIND_USERS,
    DEMO_KIND_NTP,
    DEMO_KIND_BACKUP,
    DEMO_KIND_HTTP,
    DEMO_KIND_JVM,
    DEMO_KIND_APPHEALTH,
    DEMO_KIND_POSTGRES,
    DEMO_KIND_ES,
    DEMO_KIND_REDIS,
    DEMO_KIND_HAPROXY,
    DEMO_KIND_COUNT
};

/* Why the last result has its state (selects the output text). */
enum demo_cause {
    DEMO_CAUSE_METRIC,  /* the metric against its thresholds */
    DEMO_CAUSE_UNKNOWN, /* the plugin failed: UNKNOWN */
    DEMO_CAUSE_UNREACH  /* the host is down: the check times out */
};

/* Static flags of a checkable. */
enum demo_flag {
    DEMO_F_FILLING = 1, /* a disk that fills up and gets cleaned */
    DEMO_F_GC_HIGH = 2, /* a JVM whose heap peaks above warning */
    DEMO_F_INC = 4,     /* inc_* below describe a scripted incident */
    DEMO_F_INC_FLAP = 8,
    DEMO_F_DOWNTIME = 16, /* dt_* below describe a downtime */
    DEMO_F_NEW = 32       /* added just now: pending until first check */
};

/* Static description of a host or service (index = checkable id). */
struct demo_obj {
    uint32_t host;   /* owning host (itself for a host) */
    uint32_t rnd;    /* seed of all its model parameters */
    uint8_t kind;    /* enum demo_kind */
    uint8_t flags;   /* enum demo_flag */
    uint8_t inc_sev; /* scripted incident: 1 WARN, 2 CRIT, 3 UNKNOWN */
    uint8_t pad;
    uint16_t interval;        /* check interval, seconds */
    uint16_t retry;           /* retry interval, seconds */
    float inc_start, inc_end; /* relative to the start time */
    float dt_start, dt_end;
};

/* Dynamic check state of a host or service. States are plugin states. */
struct demo_chk {
    double last_check; /* schedule end of the last result; -1 never */
    double next_check;
    double last_state_change;
    double last_hard_state_change;
    double ack_change;
    double flap_change;
    uint32_t flap_hist; /* bit i: the state changed i checks ago */
    uint8_t state;      /* 0..3 (hosts: 0 or 2) */
    uint8_t state_type; /* 0 soft, 1 hard */
    uint8_t attempt;
    uint8_t hard_state; /* last hard state */
    uint8_t prev_hard;  /* previous_hard_state of the last result */
    uint8_t prev_state; /* vars_before */
    uint8_t prev_type;
    uint8_t prev_attempt;
    uint8_t cause;     /* enum demo_cause */
    uint8_t ack;       /* 0 none, 1 normal, 2 sticky */
    uint8_t dt_flex;   /* flexible downtimes waiting for a problem */
    uint16_t dt_depth; /* downtimes in effect */
    double ack_expiry; /* 0: none */
    bool has_prev;     /* vars_before is not null */
    bool prev_reach;
    bool reach;
    bool flapping;
    bool pending;
};

/* Host details beyond struct demo_obj. */
struct demo_host {
    char name[24];
    uint32_t svc_first;
    uint16_t svc_count;
    uint8_t env, role;
    uint8_t cores;
    uint8_t mem_gb;
    uint16_t num;  /* the number in the name */
    uint32_t addr; /* IPv4, host order */
};

enum demo_reply_kind { DEMO_REPLY_STATIC, DEMO_REPLY_LIST, DEMO_REPLY_EVENTS };

/* Event types a stream receives (bits). */
enum demo_event_type {
    DEMO_EV_CHECKRESULT = 1 << 0,
    DEMO_EV_STATECHANGE = 1 << 1,
    DEMO_EV_ACK_SET = 1 << 2,
    DEMO_EV_ACK_CLEARED = 1 << 3,
    DEMO_EV_COMMENT_ADDED = 1 << 4,
    DEMO_EV_COMMENT_REMOVED = 1 << 5,
    DEMO_EV_DOWNTIME_ADDED = 1 << 6,
    DEMO_EV_DOWNTIME_STARTED = 1 << 7,
    DEMO_EV_DOWNTIME_TRIGGERED = 1 << 8,
    DEMO_EV_DOWNTIME_REMOVED = 1 << 9
};
#define DEMO_EV_NOTE_TYPES                                                     \
    (DEMO_EV_COMMENT_ADDED | DEMO_EV_COMMENT_REMOVED |                         \
     DEMO_EV_DOWNTIME_ADDED | DEMO_EV_DOWNTIME_STARTED |                       \
     DEMO_EV_DOWNTIME_TRIGGERED | DEMO_EV_DOWNTIME_REMOVED)

/* A downtime (Icinga's Downtime object); name "host[!service]!uuid". */
struct demo_downtime {
    uint32_t obj;       /* the checkable */
    uint32_t legacy_id; /* unique, from 1 */
    uint32_t parent;    /* legacy id of the parent downtime, 0 none */
    char uuid[37];
    bool fixed;
    bool triggered; /* in effect (counted in the object's dt_depth) */
    bool cancelled;
    double entry, start, end, duration, trigger, removed;
    char *author, *comment;
};

/* A comment (Icinga's Comment object); entry_type 1 user, 4 ack. */
struct demo_comment {
    uint32_t obj, legacy_id;
    char uuid[37];
    uint8_t entry_type;
    bool persistent, sticky;
    double entry, expire; /* expire 0: never */
    char *author, *text;
};

struct demo_filter;

struct demo_reply {
    struct demo *d; /* NULL once the site is freed */
    struct demo_reply *next, *prev;
    int kind;          /* enum demo_reply_kind */
    struct buf pend;   /* generated, not yet read */
    size_t off;        /* read position in pend */
    bool done;         /* nothing more will be generated */
    unsigned types;    /* events: enum demo_event_type bits */
    bool overflow;     /* events: the queue hit DEMO_QUEUE_MAX */
    uint32_t pos, end; /* list: objects still to send */
    uint64_t amask, jmask;
    bool started, first;
    struct demo_filter *filter;
};

struct demo {
    unsigned seed;
    double t0, now, program_start;
    uint32_t nhosts, nsvc, nobj; /* objects: hosts first, then services */
    struct demo_obj *obj;
    struct demo_chk *chk;
    struct demo_host *host;
    uint32_t *heap; /* checkables ordered by next_check */
    uint32_t nheap;
    struct demo_reply *replies; /* every open reply (streams included) */
    struct buf scratch;         /* one event line */
    uint64_t nchecks;
    struct demo_downtime *dt; /* in creation order */
    size_t ndt, cap_dt;
    struct demo_comment *cm;
    size_t ncm, cap_cm;
    uint32_t dt_legacy, cm_legacy; /* last legacy ids handed out */
    uint32_t ack_expiring;         /* acks with an expiry time */
    uint64_t uuid_seq;
    double timed_next; /* next downtime/comment/ack transition */
    double ev_last;    /* last action event timestamp */
};

/* Deterministic hashing (splitmix64). */
uint64_t demo_mix(uint64_t x);
uint64_t demo_hash(uint64_t a, uint64_t b);
/* A double in [0, 1) from a hash. */
double demo_unit(uint64_t h);
/* A timestamp rounded to microseconds. */
double demo_round_us(double t);

/* demo.c: open replies are linked to their site. */
void demo_reply_link(struct demo *d, struct demo_reply *r);
void demo_reply_unlink(struct demo_reply *r);
/* Does an open stream take events of this type? */
bool demo_listening(const struct demo *d, unsigned type);
/* Queue an event line about object id on every stream that takes it. */
void demo_queue_line(struct demo *d, uint32_t id, unsigned type,
                     const struct buf *line);
/* A timestamp for an event at t, after every earlier action event. */
double demo_event_ts(struct demo *d, double t);
/* "CheckResult", "AcknowledgementSet", ... for one type bit. */
const char *demo_event_name(unsigned type);
/* Check the object at `at` (not before now); then demo_heap_rebuild(). */
void demo_reschedule(struct demo *d, uint32_t id, double at);
void demo_heap_rebuild(struct demo *d);
/* "host" or "host!service". */
void demo_full_name(const struct demo *d, uint32_t id, char *out, size_t len);

/* demo_filter.c: Icinga filter expressions (the common subset). */
enum demo_filter_scope { DEMO_FS_HOST, DEMO_FS_SERVICE, DEMO_FS_EVENT };
struct cJSON;
/* Compile expr; vars are the request's filter_vars. NULL when invalid. */
struct demo_filter *demo_filter_new(const char *expr, const struct cJSON *vars,
                                    int scope);
/* Does object id (for events: with event type evtype) match? */
bool demo_filter_match(const struct demo_filter *f, const struct demo *d,
                       uint32_t id, int evtype);
void demo_filter_free(struct demo_filter *f);

/* demo_fleet.c: build hosts and services and the scripted problems. */
void demo_fleet_build(struct demo *d, int nhosts);
const char *demo_env_name(int env);
const char *demo_role_name(int role);
const char *demo_kind_name(int kind);
const char *demo_kind_display(int kind);
void demo_addr_str(uint32_t addr, char *out, size_t len);

/* demo_metric.c: the simulated measurements and the plugin output text. */
struct demo_obs {
    int state; /* plugin state 0..3 */
    int cause; /* enum demo_cause */
    double v[4];
    unsigned variant;
};

struct demo_text {
    char output[320];
    char perf[6][100];
    int nperf;
};

/* A model parameter of the object in [0, 1). */
double demo_par(const struct demo_obj *o, unsigned salt);
/* Number of file systems the disk check of the object's host reports. */
int demo_disk_parts(const struct demo *d, const struct demo_obj *o);
/* The command the NRPE daemon runs for a kind, or NULL. */
const char *demo_nrpe_command(int kind);
void demo_observe(const struct demo *d, uint32_t id, double t, bool reach,
                  struct demo_obs *o);
void demo_render(const struct demo *d, uint32_t id, double t, int cause,
                 struct demo_text *tx);
/* Downtimes in effect on the object now. */
int demo_downtime_depth(const struct demo *d, uint32_t id);
/* Icinga's check_command name and whether results carry an argv. */
const char *demo_check_command(int kind);

/* demo_json.c: the JSON of objects, check results and events. */
void demo_json_num(struct buf *b, double v);
void demo_json_ts(struct buf *b, double t);
void demo_json_int(struct buf *b, long long v);
/* The full name as a JSON string: "host" or "host!service". */
void demo_json_name(struct buf *b, const struct demo *d, uint32_t id);
void demo_json_check_result(struct buf *b, const struct demo *d, uint32_t id);
void demo_json_event(struct buf *b, const struct demo *d, uint32_t id,
                     bool state_change);
/* Attribute tables: a bit per attribute, in Icinga's (sorted) order. */
int demo_attr_find(const char *name, bool service);
void demo_json_attrs(struct buf *b, const struct demo *d, uint32_t id,
                     uint64_t mask);
uint64_t demo_attr_all(bool service);
/* Icinga state of a checkable (hosts: 0 UP / 1 DOWN). */
int demo_icinga_state(const struct demo *d, uint32_t id);

/* demo_api.c: replies and parameters shared with the other handlers. */
struct demo_reply *demo_reply_new(struct demo *d, int kind);
/* A finished reply with body (copied) and HTTP status code. */
struct demo_reply *demo_reply_body(struct demo *d, int *status, int code,
                                   const struct buf *body);
/* Icinga's error body {"error":CODE,"status":"TEXT"}. */
struct demo_reply *demo_reply_error(struct demo *d, int *status, int code,
                                    const char *text);
/*
 * Percent-decode s[0..len) into a new string (%XX with two hex digits;
 * anything else is kept). plus_is_space: '+' is a space, as in a form.
 */
char *demo_url_decode(const char *s, size_t len, bool plus_is_space);
/* A scalar parameter: a string, or the last string of an array. */
const char *demo_param_str(const struct cJSON *params, const char *name);
/* A host or service ("host!service") by name, or UINT32_MAX. */
uint32_t demo_find_object(const struct demo *d, bool service, const char *name);

/* demo_action.c: POST /v1/actions/<name>. */
struct demo_reply *demo_action(struct demo *d, const char *name,
                               const struct cJSON *params, int *status);

/* demo_comment.c: comments and acknowledgements. */
/* A new random-looking (deterministic) UUID. */
void demo_uuid(struct demo *d, char out[37]);
/* Full name of a comment or downtime: "host[!service]!uuid". */
void demo_note_name(const struct demo *d, uint32_t obj, const char *uuid,
                    char *out, size_t len);
/* "source_location" of a runtime object of the _api package. */
void demo_source_location(struct buf *b, const struct demo *d, bool downtime,
                          const char *full);
/* Add a comment at time t (CommentAdded); returns its legacy id. */
uint32_t demo_comment_add(struct demo *d, uint32_t obj, int entry_type,
                          const char *author, const char *text, double expire,
                          bool persistent, bool sticky, double t);
/* Index of a comment by legacy id or by full name; SIZE_MAX if none. */
size_t demo_comment_by_id(const struct demo *d, uint32_t legacy_id);
size_t demo_comment_by_name(const struct demo *d, const char *name);
/* Remove the comment at index i (CommentRemoved). */
void demo_comment_remove(struct demo *d, size_t i, double t);
/* Remove the object's comments: all, or its acknowledgement ones. */
void demo_comments_remove_of(struct demo *d, uint32_t obj, bool ack_only,
                             bool keep_persistent, double t);
/* Acknowledge (comment, then AcknowledgementSet). */
void demo_ack_set(struct demo *d, uint32_t obj, const char *author,
                  const char *comment, bool sticky, bool notify,
                  bool persistent, double expiry, double t);
/* Clear an ack (AcknowledgementCleared) and its non-persistent comments. */
void demo_ack_clear(struct demo *d, uint32_t obj, double t);
/* A comment as JSON: an object of the attributes in mask. */
void demo_comment_json(struct buf *b, const struct demo *d,
                       const struct demo_comment *c, uint64_t mask);
int demo_comment_attr(const char *name);
uint64_t demo_comment_attrs_all(void);

/* demo_downtime.c: downtimes, timed changes, /v1/objects lists. */
struct demo_dt_spec {
    const char *author, *comment;
    double start, end, duration;
    bool fixed;
};
/* Schedule a downtime (DowntimeAdded, maybe Started); its legacy id. */
uint32_t demo_downtime_add(struct demo *d, uint32_t obj,
                           const struct demo_dt_spec *s, uint32_t parent,
                           double t);
size_t demo_downtime_by_id(const struct demo *d, uint32_t legacy_id);
size_t demo_downtime_by_name(const struct demo *d, const char *name);
/* Child downtimes of a downtime. */
size_t demo_downtime_children(const struct demo *d, uint32_t legacy_id);
/* Cancel a downtime and its children (DowntimeRemoved each). */
void demo_downtime_remove(struct demo *d, uint32_t legacy_id, double t);
/* A problem result at t: trigger the object's flexible downtimes. */
void demo_downtime_problem(struct demo *d, uint32_t obj, double t);
/* Run the downtime, comment and ack changes due up to t. */
void demo_timed_run(struct demo *d, double t);
/* Scripted downtimes and ack comments of a new site; and freeing. */
void demo_notes_init(struct demo *d);
void demo_notes_free(struct demo *d);
/* GET /v1/objects/downtimes[/NAME] and /v1/objects/comments[/NAME]. */
struct demo_reply *demo_notes_list(struct demo *d, bool downtimes,
                                   const char *name, const struct cJSON *params,
                                   int *status);

#endif
