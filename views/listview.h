/*
 * The list behind the hosts and alerts views: rows gathered from every
 * site, filtered, sorted, marked, with the cursor kept on the same object
 * across refreshes and a detail pane for the selected row.
 */
#ifndef MCTOP_VIEWS_LISTVIEW_H
#define MCTOP_VIEWS_LISTVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/model.h"
#include "backend/strmap.h"
#include "tui/table.h"
#include "views/detail.h"
#include "views/filter.h"
#include "views/view.h"

struct app;
struct site;
struct listview;
struct triage_mark;

/* A row: a host (svc < 0) or a service of one site's snapshot. */
struct list_row {
    uint32_t site;
    uint32_t host;
    int32_t svc;
    uint32_t aux; /* a per-view value computed once per rebuild */
};

#define LIST_MAX_FIELDS 8

struct list_ops {
    const struct table_col *cols;
    size_t ncols;
    const char *const *col_names; /* lower-case, for ":sort"; NULL-ended */
    int site_col;                 /* shown only with several sites; -1 none */
    int default_sort;
    bool default_desc;
    const char *noun;  /* "hosts", "problems" */
    const char *empty; /* shown when no row passes */
    /* Push the candidate rows of one site with listview_push(). */
    void (*collect)(struct listview *lv, uint32_t site);
    /* Compare two rows by column col (ascending). */
    int (*compare)(const struct listview *lv, const struct list_row *a,
                   const struct list_row *b, int col);
    /* The texts a filter matches; returns how many. */
    int (*fields)(const struct listview *lv, const struct list_row *r,
                  const char **out);
    void (*draw_row)(const struct listview *lv, const struct list_row *r,
                     const struct table_row *tr);
    void (*detail)(const struct listview *lv, const struct list_row *r,
                   struct detail *d);
    /* View-specific actions (toggles); VIEW_IGNORED if not one. */
    enum view_result (*action)(struct listview *lv, int action);
    /* Extra text for the summary ("handled hidden"), or NULL. */
    const char *(*summary_extra)(const struct listview *lv);
};

struct listview {
    struct app *app;
    const struct list_ops *ops;
    struct table_col *cols; /* a copy: the site column hides itself */
    struct list_row *rows;
    size_t nrows, caprows, total; /* total: before the filter */
    struct table table;
    struct filter filter;
    int sort_col;
    bool sort_desc;
    bool detail_on;
    int detail_scroll;
    uint64_t seen_gen; /* sum of the sites' generations at the last rebuild */
    bool stale_rows;   /* rebuild before the next draw */
    /* the cursor's object, to find it again after a rebuild */
    char *cur_site, *cur_host, *cur_svc;
    /* marks: "site\thost\tservice" keys */
    char **marks;
    size_t nmarks;
    struct strmap mark_index;
    struct tui_rect table_rect;
    unsigned toggles;  /* view-specific switches */
    char *detail_host; /* the host whose services were last re-fetched */
    double detail_fetched;
};

/* An object an action applies to. */
struct list_target {
    uint32_t site;
    char *host;
    char *service; /* NULL for the host */
};

struct listview *listview_new(struct app *app, const struct list_ops *ops);
/*
 * The objects an action applies to: every marked row (shown or not),
 * else the row under the cursor. Returns the count; free with
 * listview_targets_free().
 */
size_t listview_targets(struct listview *lv, struct list_target **out);
void listview_targets_free(struct list_target *t, size_t n);
void listview_free(struct listview *lv);
/* Add a candidate row while collecting. */
void listview_push(struct listview *lv, uint32_t site, uint32_t host,
                   int32_t svc, uint32_t aux);
/* Rows must be rebuilt (filter, toggles or data changed). */
void listview_invalidate(struct listview *lv);

/* Accessors for row callbacks. */
struct site *listview_site(const struct listview *lv, const struct list_row *r);
const struct mc_host *listview_host(const struct listview *lv,
                                    const struct list_row *r);
const struct mc_service *listview_service(const struct listview *lv,
                                          const struct list_row *r);
bool listview_multi_site(const struct listview *lv);
/* The triage action pending or failed on the row's object, or NULL. */
const struct triage_mark *listview_triage(const struct listview *lv,
                                          const struct list_row *r);
/* Flags of a row: format_flags() plus '*' pending, '!' failed action. */
enum theme_role listview_flags(const struct listview *lv,
                               const struct list_row *r,
                               const struct table_row *tr, char *buf,
                               size_t size);
/* Describe the row's pending or failed action in the detail pane. */
void listview_detail_triage(const struct listview *lv, const struct list_row *r,
                            struct detail *d);
double listview_now(const struct listview *lv);

/* A list view's view_ops: every callback but create is shared. */
#define LISTVIEW_VIEW_OPS(vname, vtitle, vtable, vcreate)                      \
    {                                                                          \
        .name = (vname), .title = (vtitle), .keytable = (vtable),              \
        .create = (vcreate), .destroy = listview_destroy,                      \
        .draw = listview_draw, .action = listview_action,                      \
        .mouse = listview_mouse, .set_filter = listview_set_filter,            \
        .filter = listview_filter, .count = listview_count,                    \
        .summary = listview_summary, .columns = listview_columns,              \
        .sort_by = listview_sort_by, .back = listview_back,                    \
    }

/* The view_ops functions shared by list views. */
void listview_draw(void *v, struct tui_rect area);
enum view_result listview_action(void *v, int action);
enum view_result listview_mouse(void *v, const struct tui_key *k);
void listview_set_filter(void *v, const char *text);
const char *listview_filter(void *v);
size_t listview_count(void *v);
void listview_summary(void *v, char *buf, size_t size);
const char *const *listview_columns(void *v);
int listview_sort_by(void *v, const char *column, int desc);
enum view_result listview_back(void *v);
void listview_destroy(void *v);

#endif
