/* A view is a const table of callbacks over its private state. */
#ifndef MCTOP_VIEWS_VIEW_H
#define MCTOP_VIEWS_VIEW_H

#include <stddef.h>

#include "tui/draw.h"
#include "tui/keys.h"

struct app;

enum view_result { VIEW_IGNORED, VIEW_DONE };

struct view_ops {
    const char *name;  /* ":hosts", and its keymap table */
    const char *title; /* "Hosts" */
    int keytable;
    void *(*create)(struct app *app);
    void (*destroy)(void *v);
    void (*draw)(void *v, struct tui_rect area);
    /* A bound action; VIEW_IGNORED lets the app handle it. */
    enum view_result (*action)(void *v, int action);
    enum view_result (*mouse)(void *v, const struct tui_key *k);
    /* The live filter ('/'); NULL or "" clears it. */
    void (*set_filter)(void *v, const char *text);
    const char *(*filter)(void *v);
    /* Rows shown, for the tab bar. */
    size_t (*count)(void *v);
    /* One line for the status bar: "12 of 60 hosts · 3 marked". */
    void (*summary)(void *v, char *buf, size_t size);
    /* Column names for ":sort", NULL-terminated; and sorting by one. */
    const char *const *(*columns)(void *v);
    int (*sort_by)(void *v, const char *column, int desc);
    /* Esc: undo the innermost state (detail pane, marks…); VIEW_IGNORED if
     * none. */
    enum view_result (*back)(void *v);
};

struct view {
    const struct view_ops *ops;
    void *state;
};

extern const struct view_ops hosts_view_ops;
extern const struct view_ops alerts_view_ops;

#endif
