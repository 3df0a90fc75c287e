/* The monitoring model: hosts and services as plain structs. */
#ifndef MCTOP_BACKEND_MODEL_H
#define MCTOP_BACKEND_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One state scale for display; Icinga's numeric states map onto it. */
enum mc_state {
    MC_OK,
    MC_WARN,
    MC_CRIT,
    MC_UNKN,
    MC_UP,
    MC_DOWN,
    MC_UNRCH,
    MC_PEND, /* not checked yet */
    MC_STATE_COUNT
};

/*
 * A Nagios plugin threshold range. Alert when the value is outside
 * [lo, hi], or inside it for the "@" form. "~" makes lo -INFINITY and an
 * empty end makes hi +INFINITY.
 */
struct perf_range {
    bool set;
    bool inside;
    double lo, hi;
};

/* One performance data item: label=value[UOM];warn;crit;min;max */
struct perf {
    char *label;
    double value;
    char
        uom[8]; /* "", "%", "s", "ms", "us", "B", "KB", "MB", "GB", "TB", "c" */
    struct perf_range warn, crit;
    bool has_min, has_max;
    double min, max;
};

struct perf_list {
    struct perf *v;
    size_t n;
};

/* Host metrics shown as meters in the hosts view. */
enum mc_metric_kind {
    MC_METRIC_LOAD,
    MC_METRIC_MEM,
    MC_METRIC_DISK,
    MC_METRIC_HEAP,
    MC_METRIC_COUNT
};

/* A metric ready for a meter: the bar is value / scale, marks at warn/crit. */
struct mc_metric {
    bool valid;
    double value;
    double scale;      /* value that fills the bar */
    double warn, crit; /* mark positions in value units; NAN when none */
    char uom[8];
    enum mc_state state; /* MC_OK, MC_WARN or MC_CRIT from the thresholds */
    char label[32];      /* the perf item it came from, e.g. "/var" */
};

/* Check status shared by hosts and services (Icinga 2 attributes). */
struct mc_status {
    int state;      /* raw Icinga state: host 0 UP, 1 DOWN; service 0..3 */
    int state_type; /* 0 soft, 1 hard */
    int attempt;
    int max_attempts;
    int ack; /* 0 none, 1 normal, 2 sticky */
    int downtime_depth;
    bool flapping;
    bool pending;      /* no check result yet: never a problem */
    bool reachable;    /* false: a parent is down (hosts show UNRCH) */
    double last_check; /* epoch seconds; -1 never */
    double last_state_change;
    char *output;      /* first line of the plugin output, or NULL */
    char *long_output; /* the remaining lines, or NULL */
    char *perf_raw;    /* perf data items as received, joined by spaces */
    struct perf_list perf;
    bool perf_bad; /* some perf data could not be parsed (see perf_raw) */
};

struct mc_service {
    char *name;         /* short name, e.g. "http" */
    char *display_name; /* never NULL after parsing: falls back to name */
    char *host_name;
    uint32_t host; /* index of its host in the snapshot */
    struct mc_status st;
};

struct mc_host {
    char *name;
    char *display_name;
    char *address; /* or NULL */
    char *env;     /* environment (vars.env by default), or NULL */
    struct mc_status st;
    uint32_t svc_first; /* its services: [svc_first, svc_first + svc_count) */
    uint32_t svc_count;
    struct mc_metric metric[MC_METRIC_COUNT];
};

/* The display state of a host or service, pending and reachability included. */
enum mc_state model_host_state(const struct mc_host *h);
enum mc_state model_service_state(const struct mc_service *s);
/* Four-letter-or-so label that always accompanies the colour: "CRIT". */
const char *model_state_label(enum mc_state st);
/* Sort rank: higher is worse (DOWN > CRIT > UNRCH > UNKN > WARN > PEND > OK).
 */
int model_state_severity(enum mc_state st);
/* A problem is a checked, non-OK, non-UP state. */
bool model_state_is_problem(enum mc_state st);
/* Acknowledged or in downtime. */
bool model_status_handled(const struct mc_status *st);

void model_status_clear(struct mc_status *st);
void model_host_clear(struct mc_host *h);
void model_service_clear(struct mc_service *s);
void perf_list_clear(struct perf_list *pl);
/* Clear each of the n elements, then free the array itself. */
void model_hosts_free(struct mc_host *v, size_t n);
void model_services_free(struct mc_service *v, size_t n);

#endif
