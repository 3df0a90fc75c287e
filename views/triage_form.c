/*
 * Triage from the lists: acknowledge, downtime, recheck and comment forms,
 * or a yes/no question for the removals, then one request per site and
 * object type. The count is in every title: bulk actions say how many.
 */
#include "triage_form.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/icinga_action.h"
#include "backend/loop.h"
#include "backend/site.h"
#include "backend/triage.h"
#include "backend/xalloc.h"
#include "views/actions.h"
#include "views/app.h"
#include "views/format.h"
#include "views/listview.h"

/* What the form is about, kept until it closes. */
struct triage_ctx {
    int action;
    struct list_target *t;
    size_t n;
    size_t nhosts;
    size_t f_comment, f_sticky, f_notify, f_persist, f_expiry;
    size_t f_start, f_duration, f_kind, f_window, f_services;
};

static const char *const triage_kinds[] = { "fixed", "flexible" };

static void triage_ctx_free(struct triage_ctx *c)
{
    listview_targets_free(c->t, c->n);
    free(c);
}

static enum icinga_action triage_icinga(int action)
{
    switch (action) {
    case ACT_ACK:
        return ICINGA_ACK;
    case ACT_UNACK:
        return ICINGA_UNACK;
    case ACT_DOWNTIME:
        return ICINGA_DOWNTIME;
    case ACT_UNDOWNTIME:
        return ICINGA_UNDOWNTIME;
    case ACT_RECHECK:
        return ICINGA_RECHECK;
    default:
        return ICINGA_COMMENT;
    }
}

/* Send to every site its own objects; say what happened. */
static void triage_send(struct app *app, struct triage_ctx *c,
                        const struct icinga_action_params *p)
{
    struct icinga_target *tg = xcalloc(c->n, sizeof *tg);
    struct mc_err err = { 0 };
    size_t sent = 0, failed = 0;

    for (size_t s = 0; s < app->nsites; s++) {
        size_t n = 0;

        for (size_t i = 0; i < c->n; i++)
            if (c->t[i].site == s)
                tg[n++] =
                    (struct icinga_target){ c->t[i].host, c->t[i].service };
        if (n == 0)
            continue;
        if (triage_submit(app->sites[s]->triage, triage_icinga(c->action), p,
                          tg, n, &err) < 0)
            failed += n;
        else
            sent += n;
    }
    free(tg);
    if (failed > 0)
        app_message(app, MSG_ERROR, "%s", err.msg);
    else
        app_message(app, MSG_INFO,
                    "%s sent for %zu object%s, waiting for "
                    "Icinga",
                    icinga_action_name(triage_icinga(c->action)), sent,
                    sent == 1 ? "" : "s");
}

static bool triage_form_done(struct app *app, struct form *fm,
                             enum dialog_result r, void *arg)
{
    struct triage_ctx *c = arg;
    struct icinga_action_params p = { 0 };
    double now = loop_wall(), d;

    if (r != DIALOG_OK) {
        triage_ctx_free(c);
        return true;
    }
    p.author = app->opt.author;
    p.comment = form_text(fm, c->f_comment);
    p.force = true;
    if (p.comment[0] == '\0') {
        form_set_error(fm, "A comment is required.");
        return false;
    }
    if (c->action == ACT_ACK) {
        p.sticky = form_toggle(fm, c->f_sticky);
        p.notify = form_toggle(fm, c->f_notify);
        p.persistent = form_toggle(fm, c->f_persist);
        if (form_text(fm, c->f_expiry)[0] != '\0') {
            if (format_parse_duration(form_text(fm, c->f_expiry), &d) < 0) {
                form_set_error(fm,
                               "Expires after: a duration like 4h, or empty");
                return false;
            }
            p.expiry = now + d;
        }
    } else if (c->action == ACT_DOWNTIME) {
        if (format_parse_time(form_text(fm, c->f_start), now, &p.start) < 0) {
            form_set_error(fm, "Start: now, +30m, 14:30 or 2026-11-26 14:30");
            return false;
        }
        if (format_parse_duration(form_text(fm, c->f_duration), &p.duration) <
            0) {
            form_set_error(fm, "Duration: like 2h, 30m or 1d");
            return false;
        }
        p.fixed = form_choice(fm, c->f_kind) == 0;
        p.end = p.start + p.duration;
        if (!p.fixed) {
            if (format_parse_duration(form_text(fm, c->f_window), &d) < 0) {
                form_set_error(fm,
                               "Flexible: start within a duration, like 4h");
                return false;
            }
            p.end = p.start + d + p.duration;
        }
        p.all_services = c->nhosts > 0 && form_toggle(fm, c->f_services);
    }
    triage_send(app, c, &p);
    triage_ctx_free(c);
    return true;
}

static void triage_question_done(struct app *app, struct dialog *d,
                                 enum dialog_result r, void *arg)
{
    struct triage_ctx *c = arg;
    struct icinga_action_params p = { 0 };

    if (r == DIALOG_OK && d->sel == 0) {
        p.author = app->opt.author;
        p.force = true;
        triage_send(app, c, &p);
    }
    triage_ctx_free(c);
}

/* "3 problems", "prd-web-01!http" */
static void triage_what(const struct triage_ctx *c, char *buf, size_t size)
{
    if (c->n == 1)
        snprintf(buf, size, "%s%s%s", c->t[0].host,
                 c->t[0].service != NULL ? "!" : "",
                 c->t[0].service != NULL ? c->t[0].service : "");
    else
        snprintf(buf, size, "%zu objects", c->n);
}

static struct form *triage_form(struct triage_ctx *c, const char *what)
{
    char title[600];
    struct form *fm;

    switch (c->action) {
    case ACT_ACK:
        snprintf(title, sizeof title, "Acknowledge %s", what);
        fm = form_new(title, "Acknowledge");
        c->f_comment = form_add_text(fm, "Comment", "", NULL);
        c->f_sticky = form_add_toggle(fm, "Sticky", true);
        c->f_notify = form_add_toggle(fm, "Notify", false);
        c->f_persist = form_add_toggle(fm, "Persistent comment", false);
        c->f_expiry = form_add_text(fm, "Expires after", "", "empty: never");
        return fm;
    case ACT_DOWNTIME:
        snprintf(title, sizeof title, "Schedule a downtime for %s", what);
        fm = form_new(title, "Schedule");
        c->f_comment = form_add_text(fm, "Comment", "", NULL);
        c->f_start = form_add_text(fm, "Start", "now", "+30m, 14:30");
        c->f_duration = form_add_text(fm, "Duration", "2h", "30m, 1d");
        c->f_kind = form_add_choice(fm, "Type", triage_kinds, 2, 0);
        c->f_window = form_add_text(fm, "Flexible: start within", "4h", NULL);
        if (c->nhosts > 0)
            c->f_services = form_add_toggle(fm, "Hosts: with services", true);
        return fm;
    default:
        snprintf(title, sizeof title, "Comment on %s", what);
        fm = form_new(title, "Add comment");
        c->f_comment = form_add_text(fm, "Comment", "", NULL);
        return fm;
    }
}

void triage_form_open(struct app *app, struct listview *lv, int action)
{
    static const char *const yes_no[] = { "Yes", "No" };
    struct triage_ctx *c;
    char what[512], question[700];

    if (app->opt.readonly) {
        app_message(app, MSG_WARN, "read-only: actions are disabled");
        return;
    }
    c = xcalloc(1, sizeof *c);
    c->action = action;
    c->n = listview_targets(lv, &c->t);
    if (c->n == 0) {
        app_message(app, MSG_WARN, "nothing selected");
        triage_ctx_free(c);
        return;
    }
    for (size_t i = 0; i < c->n; i++)
        c->nhosts += c->t[i].service == NULL;
    triage_what(c, what, sizeof what);
    if (action == ACT_ACK || action == ACT_DOWNTIME || action == ACT_COMMENT) {
        app_open_form(app, triage_form(c, what), triage_form_done, c);
        return;
    }
    snprintf(question, sizeof question, "%s %s?",
             action == ACT_UNACK        ? "Remove the acknowledgement of"
             : action == ACT_UNDOWNTIME ? "Remove the downtimes of"
                                        : "Check now",
             what);
    app_open_dialog(app, dialog_confirm("Confirm", question, yes_no, 2, 0),
                    triage_question_done, c);
}
