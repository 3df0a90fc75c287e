/*
 * The monitoring model: display states, labels, severities and the
 * functions that free what the parsers put into hosts and services.
 */
#include "model.h"

#include <stdlib.h>
#include <string.h>

static const char *const state_labels[MC_STATE_COUNT] = {
    [MC_OK] = "OK",       [MC_WARN] = "WARN", [MC_CRIT] = "CRIT",
    [MC_UNKN] = "UNKN",   [MC_UP] = "UP",     [MC_DOWN] = "DOWN",
    [MC_UNRCH] = "UNRCH", [MC_PEND] = "PEND",
};

/* Higher is worse; OK and UP share the bottom rank. */
static const int state_severity[MC_STATE_COUNT] = {
    [MC_OK] = 0,   [MC_UP] = 0,    [MC_PEND] = 1, [MC_WARN] = 2,
    [MC_UNKN] = 3, [MC_UNRCH] = 4, [MC_CRIT] = 5, [MC_DOWN] = 6,
};

enum mc_state model_host_state(const struct mc_host *h)
{
    if (h == NULL || h->st.pending)
        return MC_PEND;
    if (h->st.state == 0)
        return MC_UP;
    /* Icinga 2 knows only UP and DOWN; anything else counts as DOWN. */
    return h->st.reachable ? MC_DOWN : MC_UNRCH;
}

enum mc_state model_service_state(const struct mc_service *s)
{
    if (s == NULL || s->st.pending)
        return MC_PEND;
    switch (s->st.state) {
    case 0:
        return MC_OK;
    case 1:
        return MC_WARN;
    case 2:
        return MC_CRIT;
    default:
        return MC_UNKN;
    }
}

const char *model_state_label(enum mc_state st)
{
    if ((unsigned)st >= MC_STATE_COUNT)
        return "?";
    return state_labels[st];
}

int model_state_severity(enum mc_state st)
{
    if ((unsigned)st >= MC_STATE_COUNT)
        return 0;
    return state_severity[st];
}

bool model_state_is_problem(enum mc_state st)
{
    return st != MC_OK && st != MC_UP && st != MC_PEND &&
           (unsigned)st < MC_STATE_COUNT;
}

bool model_status_handled(const struct mc_status *st)
{
    return st != NULL && (st->ack != 0 || st->downtime_depth > 0);
}

void perf_list_clear(struct perf_list *pl)
{
    if (pl == NULL)
        return;
    for (size_t i = 0; i < pl->n; i++)
        free(pl->v[i].label);
    free(pl->v);
    pl->v = NULL;
    pl->n = 0;
}

void model_status_clear(struct mc_status *st)
{
    if (st == NULL)
        return;
    free(st->output);
    free(st->long_output);
    free(st->perf_raw);
    perf_list_clear(&st->perf);
    memset(st, 0, sizeof *st);
}

void model_host_clear(struct mc_host *h)
{
    if (h == NULL)
        return;
    free(h->name);
    free(h->display_name);
    free(h->address);
    free(h->env);
    model_status_clear(&h->st);
    memset(h, 0, sizeof *h);
}

void model_service_clear(struct mc_service *s)
{
    if (s == NULL)
        return;
    free(s->name);
    free(s->display_name);
    free(s->host_name);
    model_status_clear(&s->st);
    memset(s, 0, sizeof *s);
}

void model_hosts_free(struct mc_host *v, size_t n)
{
    for (size_t i = 0; v != NULL && i < n; i++)
        model_host_clear(&v[i]);
    free(v);
}

void model_services_free(struct mc_service *v, size_t n)
{
    for (size_t i = 0; v != NULL && i < n; i++)
        model_service_clear(&v[i]);
    free(v);
}
