/*
 * The run view (":run CMD"): one command on the marked hosts, a table of
 * hosts with their state and exit status, and the output of the selected
 * host below it.
 */
#ifndef MCTOP_VIEWS_RUN_H
#define MCTOP_VIEWS_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "views/view.h"

struct app;

extern const struct view_ops run_view_ops;

/*
 * ":run CMD" on the marked rows of the current list (or the row under
 * the cursor; from the run view, the hosts of the last run): asks first,
 * then switches to the run view. Returns 0 or -1 (message shown).
 */
int run_view_command(struct app *app, const char *cmd);
/* Ask the next waiting host key question if nothing else is on screen. */
void run_view_ask_pending(struct app *app);
/* A run was started (the tab bar shows the view from then on). */
bool run_view_has_run(const struct app *app);

/*
 * One line of command output as it is shown: escape sequences dropped,
 * only the text after the last CR (a progress bar's final state), tabs
 * expanded, invalid UTF-8 and control characters replaced. Returns out.
 */
char *run_view_line(const char *p, size_t n, char *out, size_t size);

#endif
