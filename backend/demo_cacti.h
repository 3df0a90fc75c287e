/*
 * The demo site's Cacti: Cacti 1.2.24's endpoints under /cacti/ with the
 * real wire formats (the login page, graph_view.php's ajax_hosts JSON and
 * list HTML, graph_xport.php's CSV), so the production client and parsers
 * run on the demo. Nothing is stored per host: every answer is generated
 * on request from the fleet, and every value is a pure function of the
 * site, the graph, the series and the time.
 *
 * Devices are the demo's hosts (description = host name, hostname = its
 * address), except about one host in twelve, which has none. Device ids
 * are the host's index + 1; each device has four graphs whose
 * local_graph_id is 4 * device id + graph (enum demo_cacti_graph).
 */
#ifndef MCTOP_BACKEND_DEMO_CACTI_H
#define MCTOP_BACKEND_DEMO_CACTI_H

#include "backend/demo.h"

/* A device's graphs, in the order of their titles. */
enum demo_cacti_graph {
    DEMO_CACTI_CPU,     /* "<host> - CPU Usage": System, User, Nice */
    DEMO_CACTI_LOAD,    /* "<host> - Load Average": 1, 5, 15 Minute */
    DEMO_CACTI_MEM,     /* "<host> - Memory Usage": Free, Swap */
    DEMO_CACTI_TRAFFIC, /* "<host> - Traffic - eth0": Inbound, Outbound */
    DEMO_CACTI_GRAPHS
};

/*
 * Answer a request whose path starts with "/cacti" (path is the rest:
 * "/graph_xport.php?..."). method "GET" or "POST"; body: the form of a
 * POST, or NULL. Sets *status; never NULL.
 */
struct demo_reply *demo_cacti_request(struct demo *d, const char *method,
                                      const char *path, const char *body,
                                      int *status);

/* The device id of the host called name; 0 if it has none (or no host). */
long demo_cacti_device(const struct demo *d, const char *name);

/* The local_graph_id of a device's graph; 0 if the device has none. */
long demo_cacti_graph_id(const struct demo *d, long device, int graph);

/*
 * The value of named series s (CSV order, helper columns left out) of
 * graph id for the interval ending at epoch t (rrdtool's time of the
 * point; Cacti's CSV labels it t + step). NAN when unknown: t after the
 * site's clock, the host down or in a polling gap, or no such series.
 */
double demo_cacti_value(const struct demo *d, long graph_id, int s, double t);

#endif
