/* The action table: names used in keymap files and help texts. */
#include "actions.h"

#include <stddef.h>

const char *const actions_keytables[] = { "global", "list", "hosts", "alerts",
                                          NULL };

const struct keymap_action actions_table[] = {
    { "quit", ACT_QUIT, "Quit mctop" },
    { "help", ACT_HELP, "Show the key bindings" },
    { "command", ACT_COMMAND, "Enter a command (:hosts, :alerts, :quit…)" },
    { "filter", ACT_FILTER, "Filter the rows (regex; a leading ! negates)" },
    { "back", ACT_BACK, "Back: close, clear the filter, previous view" },
    { "redraw", ACT_REDRAW, "Redraw the screen" },
    { "suspend", ACT_SUSPEND, "Suspend mctop (resume with fg)" },
    { "view-hosts", ACT_VIEW_HOSTS, "Show the hosts view" },
    { "view-alerts", ACT_VIEW_ALERTS, "Show the alerts view" },
    { "view-next", ACT_VIEW_NEXT, "Next view" },
    { "view-prev", ACT_VIEW_PREV, "Previous view" },
    { "cursor-up", ACT_UP, "Move up" },
    { "cursor-down", ACT_DOWN, "Move down" },
    { "page-up", ACT_PAGE_UP, "Page up" },
    { "page-down", ACT_PAGE_DOWN, "Page down" },
    { "half-page-up", ACT_HALF_UP, "Half a page up" },
    { "half-page-down", ACT_HALF_DOWN, "Half a page down" },
    { "cursor-top", ACT_TOP, "Go to the first row" },
    { "cursor-bottom", ACT_BOTTOM, "Go to the last row" },
    { "mark", ACT_MARK, "Mark or unmark the row" },
    { "mark-all", ACT_MARK_ALL, "Mark every row shown" },
    { "mark-clear", ACT_MARK_CLEAR, "Clear all marks" },
    { "sort-next", ACT_SORT_NEXT, "Sort by the next column" },
    { "sort-prev", ACT_SORT_PREV, "Sort by the previous column" },
    { "sort-reverse", ACT_SORT_REVERSE, "Reverse the sort order" },
    { "sort-pick", ACT_SORT_PICK, "Choose the sort column" },
    { "detail", ACT_DETAIL, "Show or hide the detail pane" },
    { "detail-up", ACT_DETAIL_UP, "Scroll the detail pane up" },
    { "detail-down", ACT_DETAIL_DOWN, "Scroll the detail pane down" },
    { "toggle-handled", ACT_TOGGLE_HANDLED,
      "Show or hide handled problems (acknowledged, in downtime)" },
    { "toggle-soft", ACT_TOGGLE_SOFT, "Show or hide soft problems" },
    { "toggle-problems", ACT_TOGGLE_PROBLEMS,
      "Show only hosts with problems, or all hosts" },
    { NULL, 0, NULL },
};
