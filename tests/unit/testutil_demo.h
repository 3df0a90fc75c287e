/*
 * Helpers shared by the demo action tests (no suite here): requests to a
 * demo site, actions built and parsed by backend/icinga_action, events.
 */
#ifndef MCTOP_TESTS_UNIT_TESTUTIL_DEMO_H
#define MCTOP_TESTS_UNIT_TESTUTIL_DEMO_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "backend/demo.h"
#include "backend/icinga_action.h"

#define DT_T0 1795670000.0

/* The whole reply body; *status gets the HTTP status. Caller frees. */
char *dt_fetch(struct demo *d, const char *method, const char *path,
               const char *body, int *status);
/* A query that must answer 200: the parsed body, and its "results". */
cJSON *dt_query(struct demo *d, const char *path, const char *body);
cJSON *dt_results(const cJSON *j);
/* Names of the hosts or services a filter matches (at most max). */
int dt_pick(struct demo *d, bool services, const char *filter, char **out,
            int max);
void dt_free_names(char **v, int n);
/* "h!s" split into a target (name is modified and pointed into). */
struct icinga_target dt_target(char *name);
/* A number attribute of a host or "host!service". */
double dt_num(struct demo *d, const char *name, const char *attr);
/* Every request of an action sent: all results, the last HTTP status. */
struct icinga_action_result *dt_act(struct demo *d, enum icinga_action a,
                                    const struct icinga_action_params *p,
                                    const struct icinga_target *t, size_t n,
                                    size_t *nres, int *status);
/* An event stream of these types ("\"A\",\"B\""). */
struct demo_reply *dt_stream(struct demo *d, const char *types);
/* The events queued so far, as an array; or forgotten. */
cJSON *dt_events(struct demo_reply *r);
void dt_drain(struct demo_reply *r);
const char *dt_ev_type(const cJSON *ev);
int dt_count(const cJSON *evs, const char *type);
/* Each event has the members of the real lab line of its type. */
void dt_shapes_like_lab(const cJSON *evs);
/* author "mctop", a comment, fixed, force. */
struct icinga_action_params dt_params(void);
/* Expect exactly this status and body. */
void dt_expect(struct demo *d, const char *method, const char *path,
               const char *body, int code, const char *want);
/* The downtimes of a host and its services, as {name: parent}. */
cJSON *dt_downtimes(struct demo *d, const char *host);

#endif
