/*
 * The demo site: a simulated Icinga 2.13 instance that answers REST API
 * requests with the same JSON the real API sends, so `mctop --demo` runs
 * the production parsers. Deterministic for a seed and a time sequence.
 */
#ifndef MCTOP_BACKEND_DEMO_H
#define MCTOP_BACKEND_DEMO_H

#include <stddef.h>

#include "backend/buf.h"

struct demo;
struct demo_reply;

/* Number of hosts demo_new uses when asked for nhosts <= 0. */
#define DEMO_DEFAULT_HOSTS 60

/*
 * A simulated site of nhosts hosts (about 10 services each) whose clock
 * starts at now (epoch seconds). The same seed gives the same site.
 */
struct demo *demo_new(unsigned seed, int nhosts, double now);

/* Free the site. Replies still open are detached: reads then end. */
void demo_free(struct demo *d);

/*
 * Move the clock forward to now and run every check that fell due, in
 * time order; each result is queued on the open event streams.
 * Earlier times than the current clock are ignored.
 */
void demo_advance(struct demo *d, double now);

/* Current simulated time (last demo_advance, or the start time). */
double demo_now(const struct demo *d);

/* Counts of simulated objects. */
size_t demo_host_count(const struct demo *d);
size_t demo_service_count(const struct demo *d);

/*
 * Start answering an Icinga API request. method is "GET" or "POST" (a
 * POST query is taken as carrying X-HTTP-Method-Override: GET); path may
 * hold a query string; body is a JSON object or NULL. Sets *status to the
 * HTTP status. Never NULL: errors carry Icinga's error body.
 *
 * Supported: /v1/objects/hosts[/NAME], /v1/objects/services[/HOST!SVC]
 * with `attrs`, `joins` (services: host.FIELD) and `filter` (the common
 * Icinga DSL subset, with filter_vars); /v1/objects/downtimes[/NAME] and
 * /v1/objects/comments[/NAME] (`attrs`, `filter` on host.* / service.*);
 * /v1/events (POST, `queue` and `types` required: check results, state
 * changes, acknowledgements, comments, downtimes); /v1/actions (POST):
 * acknowledge-problem, remove-acknowledgement, add-comment,
 * remove-comment, schedule-downtime, remove-downtime, reschedule-check,
 * with Icinga's per-object results and overall status (409 when mixed,
 * 500 with an empty list when nothing matched); /v1/status,
 * /v1/status/IcingaApplication, /v1/status/CIB. Without `attrs` every
 * simulated attribute is sent. An action takes effect at the current
 * simulated time (demo_advance first to act "now"). Paths under /cacti/
 * answer like Cacti 1.2.24 (backend/demo_cacti.h).
 */
struct demo_reply *demo_request(struct demo *d, const char *method,
                                const char *path, const char *body,
                                int *status);

/*
 * Append at most max (at least 1) bytes of the reply body to out.
 * Returns 1 while more follows, 0 when the body is complete. An event
 * stream appends the events queued since the last read (lines may be
 * split across reads, as on a socket) and returns 1 until its site is
 * freed. Object lists are generated piece by piece, so a read reflects
 * the site's state at the time of that read.
 */
int demo_reply_read(struct demo_reply *r, struct buf *out, size_t max);

/* Free a reply; an event stream unsubscribes. NULL is allowed. */
void demo_reply_free(struct demo_reply *r);

#endif
