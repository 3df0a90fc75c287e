/*
 * The graphs view: a host's Cacti graphs as sparkline panels over a time
 * range, with zoom, pan and a cursor that reads values.
 */
#ifndef MCTOP_VIEWS_GRAPHS_H
#define MCTOP_VIEWS_GRAPHS_H

#include <stdbool.h>

#include "views/view.h"

struct app;
struct site;

extern const struct view_ops graphs_view_ops;

/* Show the graphs of host (of site); false with a message if none. */
bool graphs_view_open(struct app *app, struct site *site, const char *host,
                      const char *address);
/* ":graphs [HOST]" and ":graphs range 6h". Returns 0 or -1 (message). */
int graphs_view_command(struct app *app, const char *arg);
/* A host was picked (the tab bar shows the view from then on). */
bool graphs_view_has_host(const struct app *app);

#endif
