/*
 * A consistent view of one Icinga instance: hosts sorted by name, each
 * host's services contiguous and sorted, a name index, host meters, and
 * in-place updates from the event stream.
 */
#ifndef MCTOP_BACKEND_SNAPSHOT_H
#define MCTOP_BACKEND_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>

#include "icinga_parse.h"
#include "metrics.h"
#include "model.h"
#include "strmap.h"

struct mc_snapshot {
    struct mc_host *hosts; /* sorted by name */
    size_t nhosts;
    struct mc_service *svcs; /* sorted by (host, name) */
    size_t nsvcs;
    size_t orphans;    /* services dropped: their host was not in the list */
    size_t duplicates; /* dropped for a repeated (first kept) or no name */
    struct metric_map map;    /* copy of the caller's, for recomputation */
    struct strmap host_index; /* host name -> index in hosts */
};

/*
 * Build a snapshot from parsed arrays, taking ownership of both (they may
 * be NULL with a count of 0); map NULL means metric_map_init_default().
 * Sets svc_first/svc_count, each service's host index and every host's
 * metrics. Never fails; free with snapshot_free().
 */
struct mc_snapshot *snapshot_new(struct mc_host *hosts, size_t nhosts,
                                 struct mc_service *svcs, size_t nsvcs,
                                 const struct metric_map *map);
void snapshot_free(struct mc_snapshot *s);

/* The host called name, or NULL. */
struct mc_host *snapshot_find_host(const struct mc_snapshot *s,
                                   const char *name);
/* The service host!service, or NULL (binary search in the host's slice). */
struct mc_service *snapshot_find_service(const struct mc_snapshot *s,
                                         const char *host, const char *service);

/* Recompute one host's metrics from its services (after edits). */
void snapshot_host_metrics(struct mc_snapshot *s, struct mc_host *h);

/*
 * Apply one event in place. CheckResult/StateChange update the status,
 * output and perf data (and the host's metrics for a service);
 * acknowledgement, downtime_depth and state fields are taken when the event
 * carries them; AcknowledgementSet/Cleared set the ack; DowntimeStarted
 * (fixed) and DowntimeTriggered make downtime_depth at least 1,
 * DowntimeRemoved of a triggered downtime lowers it by one; Flapping sets
 * the flag. Returns true when anything visible changed; false for objects
 * not in the snapshot and for events that change nothing (comments,
 * DowntimeAdded, unknown types).
 */
bool snapshot_apply_event(struct mc_snapshot *s, const struct icinga_event *ev);

#endif
