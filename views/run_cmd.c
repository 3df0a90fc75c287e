/*
 * The :run command: its hosts (those marked in the hosts or alerts view,
 * else the one under the cursor; from the run view, those of the last
 * run), the question before it starts, starting it in place of the last
 * one, and what the run reports while it goes: new output, the end, and
 * unknown host keys, asked one at a time.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "backend/buf.h"
#include "backend/loop.h"
#include "backend/run.h"
#include "backend/site.h"
#include "backend/snapshot.h"
#include "backend/strmap.h"
#include "backend/xalloc.h"
#include "views/app.h"
#include "views/hostkey.h"
#include "views/listview.h"
#include "views/run_int.h"

#define RUN_VIEW_WAKE_MS 100 /* new output is drawn at most this often */
#define RUN_VIEW_NAMES   4   /* hosts named in the question */

/* ---- events from the run ---- */

static long run_view_wake_cb(void *arg)
{
    struct run_view *v = arg;

    v->wake = 0;
    app_dirty(v->app);
    return LOOP_STOP;
}

/*
 * Output can come in a torrent: it is drawn with the next frame that is
 * due anyway, and at the latest RUN_VIEW_WAKE_MS later.
 */
static void run_view_touch(struct run_view *v)
{
    v->app->data_dirty = true;
    if (v->wake == 0)
        v->wake =
            loop_add_timer(v->app->loop, RUN_VIEW_WAKE_MS, run_view_wake_cb, v);
}

static void run_view_on_changed(void *arg, struct run *r, size_t i)
{
    (void)r;
    (void)i;
    run_view_touch(arg);
}

static void run_view_on_hostkey(void *arg, struct run *r, size_t i)
{
    struct run_view *v = arg;

    (void)r;
    (void)i;
    run_view_ask_pending(v->app);
    run_view_touch(v);
}

static void run_view_on_done(void *arg, struct run *r)
{
    struct run_view *v = arg;
    struct run_counts c;
    char took[32];

    run_counts(r, &c);
    run_view_duration(run_ended(r) - run_started(r), took, sizeof took);
    app_message(v->app, c.nonzero + c.failed > 0 ? MSG_WARN : MSG_INFO,
                "run finished in %s: %zu ok, %zu non-zero exit, %zu failed",
                took, c.ok, c.nonzero, c.failed);
    run_view_touch(v);
}

/* ---- unknown host keys, one question at a time ---- */

static void run_view_key_answered(struct app *app, struct dialog *d,
                                  enum dialog_result r, void *arg)
{
    struct run_view *v = arg;
    enum bastion_answer a = hostkey_answer(d, r);

    /* The run may have been cancelled or replaced meanwhile. */
    if (v->run != NULL && v->asking_gen == v->gen)
        run_answer_hostkey(v->run, v->asking, a);
    run_view_touch(v);
    run_view_ask_pending(app);
}

static void run_view_ask(struct run_view *v, size_t i)
{
    const struct run_host *h = run_host(v->run, i);
    size_t more = 0;
    char who[300], tail[96] = "";

    for (size_t j = 0; j < run_count(v->run); j++)
        more += j != i && run_host(v->run, j)->key != NULL;
    if (more > 0)
        snprintf(tail, sizeof tail, "\n(%zu more host%s of the run wait%s.)",
                 more, more == 1 ? "" : "s", more == 1 ? "s" : "");
    snprintf(who, sizeof who, "Host %s", h->host);
    v->asking = i;
    v->asking_gen = v->gen;
    app_open_dialog(
        v->app, hostkey_dialog("Unknown host key (:run)", who, h->key, tail),
        run_view_key_answered, v);
}

void run_view_ask_pending(struct app *app)
{
    struct run_view *v = run_view_of(app);

    /* Never over another dialog, a form, a prompt being typed or a shell. */
    if (v == NULL || v->run == NULL || app->mode != MODE_NORMAL ||
        app->dialog != NULL || app->form != NULL || app->shell != NULL)
        return;
    for (size_t i = 0; i < run_count(v->run); i++) {
        if (run_host(v->run, i)->key != NULL) {
            run_view_ask(v, i);
            return;
        }
    }
}

/* ---- :run ---- */

void run_view_want_free(struct run_view *v)
{
    for (size_t i = 0; i < v->nwant; i++) {
        free(v->want[i].host);
        free(v->want[i].address);
    }
    free(v->want);
    free(v->want_cmd);
    v->want = NULL;
    v->want_cmd = NULL;
    v->nwant = 0;
}

static void run_view_want_add(struct run_view *v, struct site *site,
                              const char *host, const char *address)
{
    v->want = xreallocarray(v->want, v->nwant + 1, sizeof *v->want);
    v->want[v->nwant].site = site;
    v->want[v->nwant].host = xstrdup(host);
    v->want[v->nwant].address =
        address != NULL && address[0] != '\0' ? xstrdup(address) : NULL;
    v->nwant++;
}

/* The hosts of the marked rows (services count as their host), once each. */
static void run_view_want_list(struct run_view *v, struct listview *lv)
{
    struct list_target *t;
    size_t n = listview_targets(lv, &t);
    struct strmap seen;
    char **keys = xcalloc(n > 0 ? n : 1, sizeof *keys);

    strmap_init(&seen, n * 2 + 16);
    for (size_t i = 0; i < n; i++) {
        struct site *s = v->app->sites[t[i].site];
        const struct mc_host *h =
            s->snap != NULL ? snapshot_find_host(s->snap, t[i].host) : NULL;

        keys[i] = xasprintf("%u\t%s", t[i].site, t[i].host);
        if (strmap_put(&seen, keys[i], (uint32_t)i))
            run_view_want_add(v, s, t[i].host, h != NULL ? h->address : NULL);
    }
    strmap_free(&seen);
    for (size_t i = 0; i < n; i++)
        free(keys[i]);
    free(keys);
    listview_targets_free(t, n);
}

static bool run_view_is_demo(const struct site *s)
{
    return s->demo || s->cfg == NULL;
}

static void run_view_start(struct run_view *v)
{
    struct app *app = v->app;
    struct run_cb cb = { run_view_on_hostkey, run_view_on_changed,
                         run_view_on_done, v };
    struct run_spec spec = { 0 };
    struct run_target *t = xcalloc(v->nwant, sizeof *t);
    struct mc_err err = { 0 };
    bool remote = false, demo = false;

    for (size_t i = 0; i < v->nwant; i++) {
        t[i] = (struct run_target){ v->want[i].site, v->want[i].host,
                                    v->want[i].address };
        demo = demo || run_view_is_demo(v->want[i].site);
        remote = remote || !run_view_is_demo(v->want[i].site);
    }
    spec.loop = app->loop;
    spec.command = v->want_cmd;
    spec.parallel = app->opt.run_parallel;
    spec.mode = (enum mc_ssh_mode)app->opt.ssh_mode;
    spec.log_dir = app->opt.ssh_log_dir;
    if (remote && spec.mode == MC_SSH_OPENSSH &&
        (spec.runtime_dir = app_runtime_dir(app, &err)) == NULL) {
        app_message(app, MSG_ERROR, "run: %s", err.msg);
        goto out;
    }
    if (v->run != NULL)
        run_cancel(v->run);
    run_free(v->run);
    v->run = run_new(&spec, t, v->nwant, &cb);
    v->gen++;
    v->demo = demo;
    run_view_reset(v);
    app_switch_view(app, VIEW_RUN);
    app_message(app, MSG_INFO, "run: %s on %zu host%s%s", v->want_cmd, v->nwant,
                v->nwant == 1 ? "" : "s", demo ? " (demo: run locally)" : "");
out:
    free(t);
    run_view_want_free(v);
}

static void run_view_confirmed(struct app *app, struct dialog *d,
                               enum dialog_result r, void *arg)
{
    struct run_view *v = arg;

    if (r == DIALOG_OK && d->sel == 0 && v->nwant > 0) {
        run_view_start(v);
        return;
    }
    run_view_want_free(v);
    app_message(app, MSG_INFO, "run: not started");
}

static void run_view_confirm(struct run_view *v, bool marked, bool again)
{
    static const char *const yes_no[] = { "Yes", "No" };
    struct buf b = { 0 };
    struct run_counts c;
    int par = v->app->opt.run_parallel;
    bool demo = false;

    if (v->nwant == 1)
        buf_printf(&b, "Run `%s` on %s%s?", v->want_cmd, v->want[0].host,
                   marked ? ""
                          : " (the host under the cursor: no host is marked)");
    else if (v->nwant <= (size_t)par)
        buf_printf(&b, "Run `%s` on %zu hosts (all at once)?", v->want_cmd,
                   v->nwant);
    else
        buf_printf(&b, "Run `%s` on %zu hosts (%d at a time)?", v->want_cmd,
                   v->nwant, par);
    if (v->nwant > 1) {
        buf_puts(&b, "\n\n");
        for (size_t i = 0; i < v->nwant && i < RUN_VIEW_NAMES; i++)
            buf_printf(&b, "%s%s", i > 0 ? ", " : "", v->want[i].host);
        if (v->nwant > RUN_VIEW_NAMES)
            buf_printf(&b, " and %zu more", v->nwant - RUN_VIEW_NAMES);
        if (again)
            buf_puts(&b, " (the hosts of the last run)");
    }
    for (size_t i = 0; i < v->nwant; i++)
        demo = demo || run_view_is_demo(v->want[i].site);
    if (demo)
        buf_puts(&b, "\n\ndemo: the command runs locally on this machine "
                     "with /bin/sh -c.");
    if (v->run != NULL && !run_finished(v->run)) {
        run_counts(v->run, &c);
        buf_printf(&b,
                   "\n\nThe run of `%s` still has %zu running and %zu "
                   "queued: they will be cancelled.",
                   run_command(v->run), c.running + c.connecting, c.queued);
    }
    app_open_dialog(v->app,
                    dialog_confirm("Run a command", b.data, yes_no, 2, 1),
                    run_view_confirmed, v);
    buf_free(&b);
}

int run_view_command(struct app *app, const char *cmd)
{
    struct run_view *v = run_view_of(app);
    bool marked = true, again = app->cur == VIEW_RUN;

    while (*cmd == ' ')
        cmd++;
    if (app->opt.readonly) {
        app_message(app, MSG_ERROR,
                    "read-only: :run is disabled (it runs commands on hosts)");
        return -1;
    }
    if (*cmd == '\0') {
        app_message(app, MSG_ERROR,
                    "usage: run COMMAND (on the marked hosts, else the one "
                    "under the cursor)");
        return -1;
    }
    if (v == NULL)
        return -1;
    run_view_want_free(v);
    if (again) { /* from the run view: the same hosts again */
        for (size_t i = 0; v->run != NULL && i < run_count(v->run); i++)
            run_view_want_add(v, run_host(v->run, i)->site,
                              run_host(v->run, i)->host,
                              run_host(v->run, i)->address);
    } else if (app->cur == VIEW_HOSTS || app->cur == VIEW_ALERTS) {
        struct listview *lv = app->views[app->cur].state;

        marked = lv->nmarks > 0;
        run_view_want_list(v, lv);
    }
    if (v->nwant == 0) {
        app_message(app, MSG_WARN,
                    "run: no host to run on (mark hosts with Space in the "
                    "hosts or alerts view)");
        return -1;
    }
    v->want_cmd = xstrdup(cmd);
    /* One host marked on purpose, nothing to replace: no question. */
    if (v->nwant == 1 && marked && !again &&
        (v->run == NULL || run_finished(v->run)))
        run_view_start(v);
    else
        run_view_confirm(v, marked, again);
    return 0;
}
