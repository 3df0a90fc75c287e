/*
 * A site's Cacti, as views see it: a cache that views ask each frame for
 * what they draw (the graphs of a host, the data of a graph over a range).
 * A missing or expired entry starts a fetch and the cache answers with
 * what it has (nothing yet, or the old data marked stale); the site's
 * notify callback runs when an answer arrives. So only what is on screen
 * is fetched, and nothing waits for the network.
 *
 * Pointers returned stay valid until the loop turns (entries are evicted
 * from a timer, never during a call).
 */
#ifndef MCTOP_BACKEND_CACTI_CLIENT_H
#define MCTOP_BACKEND_CACTI_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "backend/cacti.h"

struct site;
struct cacti_client;

enum cacti_status {
    CACTI_LOADING, /* asked, no answer yet (and no older one) */
    CACTI_OK,
    CACTI_ERROR /* why in err; older data may still be there */
};

/* Where an entry's data came from. */
enum cacti_source { CACTI_FROM_WEB, CACTI_FROM_RRD };

/* The Cacti graphs of a monitored host. */
struct cacti_host {
    enum cacti_status status;
    char err[256];
    bool stale;     /* older than the TTL, or the last refresh failed */
    double fetched; /* wall time of the answer shown; 0: none yet */
    long device_id; /* 0: no Cacti device matches the host */
    char *device;   /* the device's description, or NULL */
    enum cacti_source source;
    struct cacti_graph_list graphs;
};

/* A graph's data over one range. */
struct cacti_data {
    enum cacti_status status;
    char err[256];
    bool stale;
    double fetched;
    enum cacti_source source;
    struct cacti_export *x; /* NULL before the first answer */
};

/* The time ranges offered by key, shortest first. */
#define CACTI_RANGES 5
extern const int cacti_range_secs[CACTI_RANGES]; /* 1h 6h 1d 1w 1m */
extern const char *const cacti_range_name[CACTI_RANGES];

/* A client for s (NULL when the site has no Cacti: no cacti_url). */
struct cacti_client *cacti_client_new(struct site *s);
void cacti_client_free(struct cacti_client *c);

/*
 * The graphs of the monitored host called host (address: its address, or
 * NULL): the Cacti device whose description is the host's name (any case),
 * else the one device matching its address.
 */
const struct cacti_host *cacti_client_host(struct cacti_client *c,
                                           const char *host,
                                           const char *address);

/*
 * The data of graph id over [end - span, end]; end 0 means "now" (the
 * range follows the clock and is refreshed after the TTL). Graph ids are
 * the site's Cacti's local_graph_id.
 */
const struct cacti_data *cacti_client_data(struct cacti_client *c, long id,
                                           long long end, int span);

/*
 * The graph of the host chosen for the hosts view's column: the first of
 * its graphs whose title matches the site's cacti_column pattern (any
 * case). NULL while the host's graphs are unknown or none matches.
 */
const struct cacti_graph *cacti_client_column_graph(struct cacti_client *c,
                                                    const struct cacti_host *h);

/* Forget everything cached (":graphs reload"); fetched again when asked. */
void cacti_client_reload(struct cacti_client *c);

/* "logged in as admin", "login failed: ...", "guest", "" before any. */
const char *cacti_client_state(const struct cacti_client *c);

#endif
