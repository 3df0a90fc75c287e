/*
 * Internals of the demo site's Cacti shared by backend/demo_cacti*.c:
 * demo_cacti.c (routing, request variables, replies and the plain pages),
 * demo_cacti_list.c (graph_view.php's ajax_hosts and list),
 * demo_cacti_xport.c (graph_xport.php's CSV) and demo_cacti_value.c (the
 * devices, their graphs and the values of every series).
 */
#ifndef MCTOP_BACKEND_DEMO_CACTI_INT_H
#define MCTOP_BACKEND_DEMO_CACTI_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/buf.h"
#include "backend/demo_cacti.h"
#include "backend/demo_int.h"

/* --- demo_cacti_value.c: the graphs of a device ---------------------- */

enum col_kind {
    COL_SERIES, /* a named series */
    COL_COPY,   /* a helper: a copy of series src */
    COL_SUM     /* a helper: the sum of the series, unknown taken as 0 */
};

struct col {
    const char *name;
    int kind; /* enum col_kind */
    int src;
};

struct graph_def {
    const char *suffix;   /* title: "<host> - <suffix>" */
    const char *tmpl;     /* graph template (or data query) name */
    const char *tmpl_url; /* its edit link, already HTML-escaped */
    int tmpl_id;          /* graph template id */
    bool query;           /* source type "Data Query" */
    const char *vlabel;
    int nseries, ncols;
    struct col cols[6];
};

/* Each graph: its title, template, columns (enum demo_cacti_graph). */
extern const struct graph_def demo_cacti_defs[DEMO_CACTI_GRAPHS];

/* Host index of a device id, or UINT32_MAX. */
uint32_t demo_cacti_device_host(const struct demo *d, long long dev);
/* Does host h have a device (about one host in twelve has none)? */
bool demo_cacti_has_device(const struct demo *d, uint32_t h);
/* Host index and graph of a local_graph_id, or false. */
bool demo_cacti_graph_of(const struct demo *d, long long id, uint32_t *h,
                         int *g);
/* The local_graph_id of graph g of host h (which has a device). */
long demo_cacti_local_id(uint32_t h, int g);
/* "<host> - <suffix>" */
void demo_cacti_title(char *out, size_t len, const struct demo *d, uint32_t h,
                      int g);

/* What a host's values need, looked up once per request. */
struct hctx {
    const struct demo *d;
    uint32_t h;
    uint32_t load, mem, swap; /* service ids, UINT32_MAX if none */
    uint64_t key;
    double now;
    double born;         /* no data before (hosts added just now) */
    double gap_s, gap_e; /* a polling gap: no data in [gap_s, gap_e) */
};

/* Look up what the values of host h need. */
void demo_cacti_hctx_init(struct hctx *c, const struct demo *d, uint32_t h);
/* The named series of graph g for the interval ending at t (NAN: none). */
void demo_cacti_values(const struct hctx *c, int g, double t, double *v);

/* --- demo_cacti.c: request variables and replies --------------------- */

struct qparam {
    char *k, *v;
};

/* Request variables ($_REQUEST): the query, then a POST's form. */
struct query {
    struct qparam *p;
    size_t n, cap;
};

/* The last value of a variable (PHP keeps the last), or NULL. */
const char *demo_cacti_var(const struct query *q, const char *k);
/* An integer as PHP's FILTER_VALIDATE_INT takes it (blanks around). */
bool demo_cacti_parse_int(const char *s, long long *out);
/*
 * An integer request variable: absent or empty gives def. False when it
 * is not an integer (Cacti's validation error).
 */
bool demo_cacti_int_var(const struct query *q, const char *k, long long def,
                        long long *out);

/* htmlspecialchars(ENT_QUOTES), as Cacti's html_escape. */
void demo_cacti_put_html(struct buf *b, const char *s);
/* The closing script every Cacti page has. */
void demo_cacti_page_tail(struct buf *b, const struct demo *d,
                          const char *action, const char *refresh);

/* A finished reply that takes over body. */
struct demo_reply *demo_cacti_reply(struct demo *d, int *status, int code,
                                    struct buf *body);
/* Cacti's die_html_input_error for a request variable. */
struct demo_reply *demo_cacti_invalid(struct demo *d, int *status,
                                      const char *var, const char *value);

/* --- the handlers ---------------------------------------------------- */

/* graph_view.php?action=ajax_hosts (demo_cacti_list.c) */
struct demo_reply *demo_cacti_ajax_hosts(struct demo *d, const struct query *q,
                                         int *status);
/* graph_view.php?action=list (demo_cacti_list.c) */
struct demo_reply *demo_cacti_list(struct demo *d, const struct query *q,
                                   int *status);
/* graph_xport.php (demo_cacti_xport.c) */
struct demo_reply *demo_cacti_xport(struct demo *d, const struct query *q,
                                    int *status);

#endif
