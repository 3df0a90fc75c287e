/*
 * Host meters (load, memory, worst disk, JVM heap) derived from the perf
 * data of the host's services; which services feed which meter is a map of
 * fnmatch(3) patterns per kind.
 */
#ifndef MCTOP_BACKEND_METRICS_H
#define MCTOP_BACKEND_METRICS_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "model.h"

/* Service name patterns per metric kind, tried in order; owns its strings. */
struct metric_map {
    char **pat[MC_METRIC_COUNT];
    size_t npat[MC_METRIC_COUNT];
};

/*
 * Fill m with the defaults: load "load" "cpu*"; mem "mem*" "memory*";
 * disk "disk*"; heap "jvm*" "*heap*". m need not be initialised; free it
 * with metric_map_free().
 */
void metric_map_init_default(struct metric_map *m);
/* Drop every pattern of one kind (to replace the defaults). */
void metric_map_clear_kind(struct metric_map *m, enum mc_metric_kind kind);
/*
 * Append a pattern (copied) for kind. Matching ignores case. Returns -1
 * with err set for an empty pattern or a bad kind.
 */
int metric_map_add(struct metric_map *m, enum mc_metric_kind kind,
                   const char *pattern, struct mc_err *err);
/* Deep copy of src into dst (dst need not be initialised). */
void metric_map_copy(struct metric_map *dst, const struct metric_map *src);
void metric_map_free(struct metric_map *m);

/* "load", "mem", "disk", "heap"; -1 for an unknown name. */
int metric_kind_from_name(const char *name);
const char *metric_kind_name(enum mc_metric_kind kind);

/* True when the service name matches one of the kind's patterns. */
bool metric_map_matches(const struct metric_map *m, enum mc_metric_kind kind,
                        const char *svc_name);

/*
 * The metric of one kind from one perf list. Items valued "U" never count.
 * LOAD: scaled_load1 if it has thresholds, else load1, else the first item.
 * MEM, HEAP: the first item with a max > 0 or a "%" unit, preferring a
 * label containing "used". DISK: of the items with a max > 0 or "%", the
 * fullest (label = mount point). Scale: max; 100 for "%"; crit upper bound
 * x1.25; warn upper x1.5; else the value (a full bar; 1 when <= 0). Marks:
 * perf_range_mark() of warn and crit. State from the item's thresholds.
 * Returns false and sets out->valid = false when no item fits.
 */
bool metrics_from_perf(enum mc_metric_kind kind, const struct perf_list *pl,
                       struct mc_metric *out);

/*
 * Fill out[] for a host from its services svcs[0..n) (normally the host's
 * contiguous slice of a snapshot). For LOAD, MEM and HEAP the patterns are
 * tried in order, and for each the services in order: the first usable one
 * wins. DISK takes the fullest item over every matching service. Pending
 * services are ignored; a kind with nothing usable gets valid = false.
 */
void metrics_compute(const struct metric_map *m, const struct mc_service *svcs,
                     size_t n, struct mc_metric out[MC_METRIC_COUNT]);

#endif
