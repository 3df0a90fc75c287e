/*
 * The logs view: a site's log search (Elasticsearch or Kibana, through the
 * bastion) as Kibana's Discover shows it: a query bar, a histogram of the
 * hits over the time range, the hits newest first, and a document's
 * fields or JSON.
 */
#ifndef MCTOP_VIEWS_LOGS_H
#define MCTOP_VIEWS_LOGS_H

#include <stdbool.h>

#include "views/view.h"

struct app;
struct site;

extern const struct view_ops logs_view_ops;

/*
 * The pivot (L on a host or an alert): search site's logs for host from
 * 15 minutes before lsc (its last state change, epoch seconds) to 15
 * after, or the last 15 minutes when lsc is unknown or older than a week.
 * False with a message when the site has no log search.
 */
bool logs_view_pivot(struct app *app, struct site *site, const char *host,
                     double lsc);
/* ":logs [QUERY]", ":logs range FROM [TO]", ":logs saved NAME". 0 or -1. */
int logs_view_command(struct app *app, const char *arg);
/* A search was made (the tab bar shows the view from then on). */
bool logs_view_has_search(const struct app *app);

#endif
