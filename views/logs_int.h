/*
 * Internals of the logs view shared by views/logs*.c: its state (the
 * search as the user set it, the cursor's document, the document pane)
 * and what one file lends another.
 */
#ifndef MCTOP_VIEWS_LOGS_INT_H
#define MCTOP_VIEWS_LOGS_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "backend/es.h"
#include "tui/draw.h"
#include "tui/lineedit.h"
#include "tui/table.h"
#include "views/app.h"
#include "views/view.h"

struct site;
struct logs_page;
struct logs_doc;

/* The columns of the table of hits. */
enum { LC_TIME, LC_HOST, LC_LEVEL, LC_MESSAGE, LC_COUNT };

/* The relative ranges t and T step through: now-15m … now-7d. */
#define LOGS_RANGES 5
extern const char *const logs_range_names[LOGS_RANGES];

/* Levels as mctop ranks them; n and N look for LOGS_LV_ERROR. */
enum logs_level {
    LOGS_LV_NONE,
    LOGS_LV_DEBUG,
    LOGS_LV_INFO,
    LOGS_LV_WARN,
    LOGS_LV_ERROR
};

struct logs_view {
    struct app *app;
    struct site *site; /* whose logs; NULL before the first search */
    enum es_syntax syntax;
    char *text;      /* the query bar */
    char *gte, *lte; /* the range asked for: date math or ISO times */
    int range;       /* index into logs_range_names; -1: an absolute range */
    bool searched;   /* a search was made (the tab shows) */
    struct history hist;
    struct table table;
    struct table_col cols[LC_COUNT]; /* a copy: TIME narrows within a day */
    bool wide_time;                  /* TIME shows the date */
    unsigned seen_gen;               /* the page's gen at the last sync */
    bool synced;
    char *cur_index, *cur_id; /* the cursor's document, kept across pages */
    bool detail;              /* the document fills the view */
    bool json;                /* ... as its JSON source, not its fields */
    int dscroll;              /* first line of the document shown */
    int doc_h;                /* lines the document pane showed last */
    struct logs_doc *doc;     /* the document shown, parsed once */
    struct tui_rect table_rect, query_rect;
};

static inline struct logs_view *logs_of(const struct app *app)
{
    return app->views[VIEW_LOGS].state;
}

/* --- logs.c ------------------------------------------------------------ */

/*
 * The current page of the view's site, after moving the cursor to where
 * its document went (new hits came at the top, older ones below); NULL
 * when there is no search or the site has no log search.
 */
const struct logs_page *logs_sync(struct logs_view *v);
/* The hit under the cursor, or NULL. */
const struct es_hit *logs_cursor_hit(const struct logs_view *v,
                                     const struct logs_page *p);
/* *field = a copy of s ("" for NULL). */
void logs_set(char **field, const char *s);
/* s has log search; else false with a message saying how to get it. */
bool logs_site_ok(struct app *app, const struct site *s);
/* The view's site, else the first with log search, else the first. */
struct site *logs_default_site(const struct logs_view *v);
/* Search s from now on (its configured syntax when it is a new site). */
void logs_set_site(struct logs_view *v, struct site *s);
/* Run the search as the view has it now; the cursor goes to the top. */
void logs_run(struct logs_view *v);
/* The range: date math or ISO times; a preset if it is one. */
void logs_set_range(struct logs_view *v, const char *gte, const char *lte);
/* The range of logs_range_names[i], ending now. */
void logs_set_preset(struct logs_view *v, int i);

/* --- logs_cmd.c: the pivot, :logs and saved queries ---------------------- */

/* A pick list of the site's saved queries (a message when it has none). */
void logs_pick_saved(struct logs_view *v);

/* --- logs_draw.c ------------------------------------------------------- */

void logs_draw(void *vv, struct tui_rect area);
/* The rank of a document's level, and the label shown ("ERROR", "WARN"). */
enum logs_level logs_level_of(const char *level, const char **label);
/* Local time with milliseconds: "10:02:03.456", with the date if asked. */
char *logs_format_time(double t, bool date, char *buf, size_t size);
/* "1,234" */
char *logs_thousands(long long n, char *buf, size_t size);

/* --- logs_doc.c: the document pane -------------------------------------- */

/* The hit's fields (flattened from _source, sorted) and its pretty JSON. */
struct logs_doc *logs_doc_new(const struct es_hit *h);
void logs_doc_free(struct logs_doc *d);
/* Draw the hit in r (the pane parses it once and keeps it). */
void logs_doc_draw(struct logs_view *v, const struct es_hit *h,
                   struct tui_rect r);
/* Keys while the document is shown (scrolling, J); VIEW_IGNORED else. */
enum view_result logs_doc_action(struct logs_view *v, int action);

#endif
