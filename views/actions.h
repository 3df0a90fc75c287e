/* Every action a key can be bound to, and the keymap tables. */
#ifndef MCTOP_VIEWS_ACTIONS_H
#define MCTOP_VIEWS_ACTIONS_H

#include "keymaps/keymap.h"

enum action {
    ACT_NONE,
    /* global */
    ACT_QUIT,
    ACT_HELP,
    ACT_COMMAND,
    ACT_FILTER,
    ACT_BACK,
    ACT_REDRAW,
    ACT_SUSPEND,
    ACT_VIEW_HOSTS,
    ACT_VIEW_ALERTS,
    ACT_VIEW_RUN,
    ACT_VIEW_GRAPHS,
    ACT_VIEW_LOGS,
    ACT_VIEW_NEXT,
    ACT_VIEW_PREV,
    /* lists */
    ACT_UP,
    ACT_DOWN,
    ACT_PAGE_UP,
    ACT_PAGE_DOWN,
    ACT_HALF_UP,
    ACT_HALF_DOWN,
    ACT_TOP,
    ACT_BOTTOM,
    ACT_MARK,
    ACT_MARK_ALL,
    ACT_MARK_CLEAR,
    ACT_SORT_NEXT,
    ACT_SORT_PREV,
    ACT_SORT_REVERSE,
    ACT_SORT_PICK,
    ACT_DETAIL,
    ACT_DETAIL_UP,
    ACT_DETAIL_DOWN,
    ACT_ACK,
    ACT_UNACK,
    ACT_DOWNTIME,
    ACT_UNDOWNTIME,
    ACT_RECHECK,
    ACT_COMMENT,
    ACT_SSH,
    ACT_GRAPHS,
    ACT_LOGS,
    /* alerts */
    ACT_TOGGLE_HANDLED,
    ACT_TOGGLE_SOFT,
    /* hosts */
    ACT_TOGGLE_PROBLEMS,
    /* run */
    ACT_RUN_CANCEL,
    /* graphs */
    ACT_GRAPH_RANGE_NEXT,
    ACT_GRAPH_RANGE_PREV,
    ACT_GRAPH_ZOOM_IN,
    ACT_GRAPH_ZOOM_OUT,
    ACT_GRAPH_EARLIER,
    ACT_GRAPH_LATER,
    ACT_GRAPH_NOW,
    ACT_GRAPH_LEFT,
    ACT_GRAPH_RIGHT,
    ACT_GRAPH_TALL,
    ACT_GRAPH_RELOAD,
    /* logs */
    ACT_LOG_QUERY,
    ACT_LOG_SYNTAX,
    ACT_LOG_FOLLOW,
    ACT_LOG_NEXT_ERROR,
    ACT_LOG_PREV_ERROR,
    ACT_LOG_JSON,
    ACT_LOG_SAVED,
    ACT_COUNT
};

/* Keymap tables: a key is looked up in the view's table, then list, then
 * global. */
enum keytable {
    KT_GLOBAL,
    KT_LIST,
    KT_HOSTS,
    KT_ALERTS,
    KT_RUN,
    KT_GRAPHS,
    KT_LOGS,
    KT_COUNT
};

extern const struct keymap_action actions_table[];
extern const char *const actions_keytables[];

#endif
