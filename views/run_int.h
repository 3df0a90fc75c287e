/*
 * Internals of the run view shared by views/run*.c: its state (the run,
 * the rows shown, the cursor and the output's scroll, a :run waiting for
 * its yes) and the helpers one file lends another.
 */
#ifndef MCTOP_VIEWS_RUN_INT_H
#define MCTOP_VIEWS_RUN_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/draw.h"
#include "tui/table.h"
#include "views/app.h"
#include "views/filter.h"
#include "views/run.h"

struct run;
struct run_host;
struct site;

/* The columns of the table of hosts (run_cols in run.c). */
enum {
    RC_STATE,
    RC_HOST,
    RC_SITE,
    RC_EXIT,
    RC_TIME,
    RC_LINES,
    RC_OUTPUT,
    RC_COUNT
};

/* A host of a :run waiting for the user's yes. */
struct run_view_target {
    struct site *site;
    char *host, *address;
};

struct run_view {
    struct app *app;
    struct run *run;
    unsigned gen; /* per run: answers meant for an older one are dropped */
    bool demo;    /* some hosts are on a demo site: run locally */
    struct table_col cols[RC_COUNT]; /* a copy: the site column hides */
    struct table table;
    struct filter filter;
    size_t *rows; /* the run's hosts shown, in order */
    size_t nrows;
    int sort_col; /* -1: the order they were given in */
    bool sort_desc;
    size_t cur;  /* the run's host under the cursor */
    bool full;   /* the output takes the whole view */
    long scroll; /* first output line shown */
    long scroll_max;
    bool follow; /* keep the newest line in sight */
    int pane_h;  /* output lines the pane showed last */
    struct tui_rect table_rect, pane_rect;
    unsigned wake;
    size_t asking; /* the host whose key is asked */
    unsigned asking_gen;
    /* a :run waiting for the answer to its question */
    char *want_cmd;
    struct run_view_target *want;
    size_t nwant;
};

/* NULL until the views are created. */
static inline struct run_view *run_view_of(const struct app *app)
{
    return app->views[VIEW_RUN].state;
}

/* --- run.c: the view, its rows, keys and mouse ----------------------- */

/* How long a host has run (so far, if it still runs); 0 before it starts. */
double run_view_secs(const struct run_host *h, double now);
/* Rebuild the rows (hosts are few) and keep the cursor on its host. */
void run_view_sync(struct run_view *v);
/* A new run: its first host, no filter, the site column if several sites. */
void run_view_reset(struct run_view *v);

/* --- run_draw.c: the title, the table of hosts, the output pane ------ */

void run_view_draw(void *vp, struct tui_rect area);
/* "0.3s" under 10 seconds (commands are often quick), else "1m05s". */
char *run_view_duration(double secs, char *buf, size_t size);

/* --- run_cmd.c: :run, the run's events, its host key questions ------- */

/* Drop a :run that was waiting for its question's answer. */
void run_view_want_free(struct run_view *v);

#endif
