/*
 * Cacti as plain structs, and the parsers that make them from what Cacti
 * 1.2 answers: a JSON host list, HTML fragments for the tree and the graph
 * list, the login page, and graph_xport.php's CSV (or, from the SSH
 * fallback, `rrdtool xport --json --showtime`). Pure functions from bytes
 * to structs: no network, no globals. Every error says what was wrong and,
 * for line-based input, on which line.
 */
#ifndef MCTOP_BACKEND_CACTI_H
#define MCTOP_BACKEND_CACTI_H

#include <stdbool.h>
#include <stddef.h>

#include "backend/err.h"

/* A device of graph_view.php?action=ajax_hosts ("Any"/"None" skipped). */
struct cacti_device {
    long id;
    char *name; /* its description, HTML entities decoded */
};

struct cacti_device_list {
    struct cacti_device *v;
    size_t n;
};

/* A row of graph_view.php?action=list. */
struct cacti_graph {
    long id;        /* local_graph_id */
    char *title;    /* "prd-web-01 - Load Average", entities decoded,
                       filteredValue spans removed */
    char *device;   /* the device column, or NULL */
    char *template; /* the graph template column, or NULL */
};

struct cacti_graph_list {
    struct cacti_graph *v;
    size_t n;
    long total; /* "All N Graphs" of the navigation bar; -1 if absent */
};

enum cacti_node_kind {
    CACTI_NODE_TREE,   /* tree_anchor-N */
    CACTI_NODE_HEADER, /* tbranch-N */
    CACTI_NODE_DEVICE, /* tbranch-N-host-H-uid-U */
    CACTI_NODE_GRAPH   /* a graph leaf */
};

/* An <li> of graph_view.php?action=get_node. */
struct cacti_node {
    enum cacti_node_kind kind;
    char *id;      /* "tree_anchor-2", "tbranch-5", "tbranch-7-host-3-uid-1" */
    char *label;   /* entities decoded */
    long host_id;  /* CACTI_NODE_DEVICE, else 0 */
    long graph_id; /* CACTI_NODE_GRAPH, else 0 */
    bool down;     /* a device drawn with class deviceDown */
};

struct cacti_node_list {
    struct cacti_node *v;
    size_t n;
};

/* One series of an export: a legend and npoints values (NAN: unknown). */
struct cacti_series {
    char *name;
    double *v;
};

/* A graph's data over a time range, from either source. */
struct cacti_export {
    char *title;  /* or NULL */
    char *vlabel; /* the vertical label ("bits per second"), or NULL */
    long graph_id, host_id; /* 0 when the source does not say */
    long long start;        /* epoch of point 0: the end of its interval,
                               as rrdtool fetch labels it */
    int step;               /* seconds between points, > 0 */
    size_t npoints;
    struct cacti_series *series; /* helper columns (colN-...) left out */
    size_t nseries;
    long utc_offset; /* CSV: the server's zone found, seconds east of UTC
                        at point 0 (0 for rrdtool's JSON) */
};

/* What a page from Cacti is, from its markers (Cacti never sends 401). */
enum cacti_page {
    CACTI_PAGE_OTHER,     /* not a login page: logged in or guest */
    CACTI_PAGE_LOGIN,     /* the login form: not (or no longer) logged in */
    CACTI_PAGE_DENIED,    /* the login form with "Access Denied" */
    CACTI_PAGE_NOT_LOGGED /* graph_json.php's {"statusText":"Not Logged In"} */
};

enum cacti_page cacti_page_kind(const char *p, size_t n);

/* The __csrf_magic token of a login page (caller frees), or NULL. */
char *cacti_login_token(const char *p, size_t n);

/*
 * The parsers below zero *out first (they do not free it), and leave it
 * empty when they fail; free a result with the matching _free(). A login
 * page or graph_json's "Not Logged In" fails with "not logged in (...)".
 */
int cacti_parse_devices(const char *p, size_t n, struct cacti_device_list *out,
                        struct mc_err *err);
int cacti_parse_graphs(const char *p, size_t n, struct cacti_graph_list *out,
                       struct mc_err *err);
int cacti_parse_nodes(const char *p, size_t n, struct cacti_node_list *out,
                      struct mc_err *err);

/*
 * graph_xport.php's CSV. Its dates are the server's local time and carry
 * no zone: req_start, the graph_start sent (0: unknown, taken as UTC), lets
 * the parser find the server's offset (rounded to 15 minutes). Cacti labels
 * each row one step later than rrdtool does; out->start is rrdtool's.
 * Rows must follow each other by Step; a jump of exactly 30 or 60 minutes
 * is taken as the server's clock changing zone (DST).
 * Returns 0, or -1 with err naming the line ("line 10: ...").
 */
int cacti_parse_xport(const char *p, size_t n, long long req_start,
                      struct cacti_export *out, struct mc_err *err);
/* `rrdtool xport --json --showtime`: quoted times, null for unknown. */
int cacti_parse_rrd_json(const char *p, size_t n, struct cacti_export *out,
                         struct mc_err *err);

/*
 * The rrdtool fallback batches its commands. A data batch prints answer k
 * after a line "#mctop-xport k", and a line "#mctop-failed" after
 * rrdtool's message when that answer failed. cacti_rrd_part finds answer
 * k in the output: *text and *len point into p. Returns 0 (an answer), 1
 * (failed: the text is rrdtool's reason) or -1 (not in the output).
 */
int cacti_rrd_part(const char *p, size_t n, int k, const char **text,
                   size_t *len);
/*
 * A listing batch names files of several hosts: the index of the prefix
 * (Cacti's file name prefix of a host) that owns file, the longest one
 * followed by '_' at its start, or -1.
 */
int cacti_rrd_owner(const char *file, char *const *prefixes, size_t n);

/*
 * The text of an HTML fragment (caller frees): tags dropped, entities
 * (&amp; &lt; &gt; &quot; &#39; &#NN; &#xNN; ...) decoded, white space
 * collapsed; never NULL.
 */
char *cacti_html_text(const char *p, size_t n);

void cacti_device_list_free(struct cacti_device_list *l);
void cacti_graph_list_free(struct cacti_graph_list *l);
void cacti_node_list_free(struct cacti_node_list *l);
void cacti_export_free(struct cacti_export *x);

#endif
