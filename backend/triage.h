/*
 * Triage actions of one site (acknowledge, downtime, recheck, comment):
 * sent to Icinga, then marked pending on each object until Icinga's data
 * shows the change, or failed with Icinga's reason. Nothing is dropped
 * silently: a lost connection marks the objects failed too.
 */
#ifndef MCTOP_BACKEND_TRIAGE_H
#define MCTOP_BACKEND_TRIAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "backend/err.h"
#include "backend/icinga_action.h"

struct site;
struct triage;

enum triage_state { TRIAGE_PENDING, TRIAGE_FAILED };

struct triage_mark {
    char *key; /* "host" or "host!service" */
    enum icinga_action action;
    enum triage_state state;
    bool answered; /* Icinga accepted it; waiting to see it in the data */
    bool resynced; /* a re-fetch was asked for, to confirm it */
    bool in_effect_later; /* a downtime that starts later: accepted is enough */
    double sent;          /* wall time */
    double before;        /* last_check when a recheck was sent */
    char msg[256];        /* why it failed */
};

struct triage *triage_new(struct site *s);
void triage_free(struct triage *t);

/*
 * Send action a for targets (objects of this site). Returns 0 when the
 * requests are on their way (the objects are pending), -1 with err set
 * when they cannot be built or sent.
 */
int triage_submit(struct triage *t, enum icinga_action a,
                  const struct icinga_action_params *p,
                  const struct icinga_target *targets, size_t n,
                  struct mc_err *err);
/* The mark on an object (service NULL for the host), or NULL. */
const struct triage_mark *triage_get(const struct triage *t, const char *host,
                                     const char *service);
/* The site's data changed or time passed: confirm or time out marks. */
void triage_check(struct triage *t);
/* Forget the failed marks (the user has read them); returns how many. */
size_t triage_dismiss(struct triage *t);
size_t triage_count(const struct triage *t, enum triage_state st);

#endif
