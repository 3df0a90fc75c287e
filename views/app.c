/* The application: input dispatch, modes, signals and the frame. */
#include "app.h"

#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "backend/bastion.h"
#include "backend/loop.h"
#include "backend/site.h"
#include "backend/triage.h"
#include "backend/xalloc.h"
#include "tui/rawterm.h"
#include "tui/screen.h"
#include "views/actions.h"
#include "views/bars.h"
#include "views/graphs.h"
#include "views/hostkey.h"
#include "views/logs.h"
#include "views/run.h"

#define APP_MIN_COLS 60
#define APP_MIN_ROWS 10
#define APP_MSG_MS   5000
#define APP_DATA_MS  100

static const struct view_ops *const app_view_ops[VIEW_COUNT] = {
    [VIEW_HOSTS] = &hosts_view_ops, [VIEW_ALERTS] = &alerts_view_ops,
    [VIEW_RUN] = &run_view_ops,     [VIEW_GRAPHS] = &graphs_view_ops,
    [VIEW_LOGS] = &logs_view_ops,
};

void app_init(struct app *app, struct loop *loop, struct site **sites,
              size_t nsites, const struct app_options *opt)
{
    memset(app, 0, sizeof *app);
    app->loop = loop;
    app->sites = sites;
    app->nsites = nsites;
    app->opt = *opt;
    app->cur = VIEW_HOSTS;
    app->dirty = true;
    app->filter_hist.max = app->cmd_hist.max = 100;
    keymap_init(&app->km, actions_table, actions_keytables);
}

void app_free(struct app *app)
{
    for (int i = 0; i < VIEW_COUNT; i++)
        if (app->views[i].state != NULL)
            app->views[i].ops->destroy(app->views[i].state);
    dialog_free(app->dialog);
    form_free(app->form);
    lineedit_free(&app->edit);
    free(app->filter_before);
    history_free(&app->filter_hist);
    history_free(&app->cmd_hist);
    keymap_free(&app->km);
    for (size_t i = 0; i < app->nhostkey; i++)
        free(app->hostkey_keys[i]);
}

void app_dirty(struct app *app)
{
    app->dirty = true;
}

void app_message(struct app *app, enum app_msg_level level, const char *fmt,
                 ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(app->msg, sizeof app->msg, fmt, ap);
    va_end(ap);
    app->msg_level = level;
    app->msg_until = loop_now_ms() + APP_MSG_MS * (level == MSG_ERROR ? 2 : 1);
    app->dirty = true;
}

void app_open_dialog(struct app *app, struct dialog *d, app_dialog_cb cb,
                     void *arg)
{
    dialog_free(app->dialog);
    app->dialog = d;
    app->dialog_cb = cb;
    app->dialog_arg = arg;
    app->mode = MODE_DIALOG;
    app->dirty = true;
}

void app_open_form(struct app *app, struct form *fm, app_form_cb cb, void *arg)
{
    form_free(app->form);
    app->form = fm;
    app->form_cb = cb;
    app->form_arg = arg;
    app->mode = MODE_FORM;
    app->dirty = true;
}

static void app_form_key(struct app *app, int key)
{
    enum dialog_result r = form_key(app->form, key);

    if (r == DIALOG_CONTINUE)
        return;
    if (app->form_cb != NULL &&
        !app->form_cb(app, app->form, r, app->form_arg) && r == DIALOG_OK)
        return; /* the check failed: the form shows why */
    form_free(app->form);
    app->form = NULL;
    app->mode = app->dialog != NULL ? MODE_DIALOG : MODE_NORMAL;
}

static struct view *app_view(struct app *app)
{
    return &app->views[app->cur];
}

void app_switch_view(struct app *app, int id)
{
    if (id == app->cur || id < 0 || id >= VIEW_COUNT)
        return;
    if (app->nback == (int)(sizeof app->back / sizeof app->back[0])) {
        memmove(app->back, app->back + 1,
                sizeof app->back - sizeof app->back[0]);
        app->nback--;
    }
    app->back[app->nback++] = app->cur;
    app->cur = id;
    app->dirty = true;
}

bool app_view_shown(const struct app *app, int id)
{
    if (id == VIEW_GRAPHS)
        return app->cur == VIEW_GRAPHS || graphs_view_has_host(app);
    if (id == VIEW_LOGS)
        return app->cur == VIEW_LOGS || logs_view_has_search(app);
    return id != VIEW_RUN || app->cur == VIEW_RUN || run_view_has_run(app);
}

/* The next view shown in direction dir (+1 or -1). */
static int app_view_step(const struct app *app, int dir)
{
    int id = app->cur;

    do
        id = (id + dir + VIEW_COUNT) % VIEW_COUNT;
    while (!app_view_shown(app, id));
    return id;
}

const char *app_key_for(const struct app *app, int table, int action, char *buf,
                        size_t size)
{
    int key;

    if (keymap_keys_for(&app->km, table, action, &key, 1) == 0) {
        buf[0] = '\0';
        return buf;
    }
    return keys_name(key, buf, size);
}

/* ---- prompts ---- */

static void app_start_prompt(struct app *app, enum app_mode mode)
{
    const char *cur = app_view(app)->ops->filter(app_view(app)->state);

    lineedit_free(&app->edit);
    if (mode == MODE_FILTER) {
        lineedit_init(&app->edit, &app->filter_hist, NULL, NULL);
        lineedit_set(&app->edit, cur != NULL ? cur : "");
    } else {
        lineedit_init(&app->edit, &app->cmd_hist, command_complete, app);
    }
    app->mode = mode;
}

void app_start_edit(struct app *app, const char *initial, struct history *hist,
                    app_edit_cb cb, void *arg)
{
    lineedit_free(&app->edit);
    lineedit_init(&app->edit, hist, NULL, NULL);
    lineedit_set(&app->edit, initial != NULL ? initial : "");
    app->edit_cb = cb;
    app->edit_arg = arg;
    app->mode = MODE_EDIT;
    app->dirty = true;
}

static void app_edit_key(struct app *app, int key)
{
    enum lineedit_result r = lineedit_key(&app->edit, key);
    char *text;

    if (r != LE_ACCEPT && r != LE_CANCEL)
        return;
    app->mode = MODE_NORMAL;
    text = xstrdup(lineedit_text(&app->edit));
    if (r == LE_ACCEPT && app->edit.hist != NULL)
        history_add(app->edit.hist, text);
    app->edit_cb(app, text, r == LE_ACCEPT, app->edit_arg);
    free(text);
}

static void app_prompt_key(struct app *app, int key)
{
    struct view *v = app_view(app);
    enum lineedit_result r = lineedit_key(&app->edit, key);
    char *line;

    if (app->mode == MODE_FILTER) {
        if (r == LE_CHANGED) /* live: filter while typing */
            v->ops->set_filter(v->state, lineedit_text(&app->edit));
        if (r == LE_ACCEPT)
            history_add(&app->filter_hist, lineedit_text(&app->edit));
        if (r == LE_CANCEL)
            v->ops->set_filter(v->state, NULL);
        if (r == LE_ACCEPT || r == LE_CANCEL)
            app->mode = MODE_NORMAL;
        return;
    }
    if (r == LE_CANCEL)
        app->mode = MODE_NORMAL;
    if (r != LE_ACCEPT)
        return;
    app->mode = MODE_NORMAL;
    line = xstrdup(lineedit_text(&app->edit));
    history_add(&app->cmd_hist, line);
    app_command(app, line);
    free(line);
}

/* ---- actions ---- */

static void app_suspend(struct app *app)
{
    screen_suspend();
    /* Stop for real with the default action; we continue after SIGCONT. */
    signal(SIGTSTP, SIG_DFL);
    raise(SIGTSTP);
    loop_rearm_signal(app->loop, SIGTSTP);
    screen_resume();
    app->resized = app->dirty = true;
}

static void app_back_action(struct app *app)
{
    struct view *v = app_view(app);

    if (app_ssh_cancel(app))
        return;
    if (v->ops->back != NULL && v->ops->back(v->state) == VIEW_DONE)
        return;
    if (app->nback > 0) {
        app->cur = app->back[--app->nback];
        return;
    }
    app_message(app, MSG_INFO, "nothing to go back to (q quits)");
}

static void app_global_action(struct app *app, int action)
{
    switch (action) {
    case ACT_QUIT:
        loop_stop(app->loop);
        break;
    case ACT_HELP:
        app->mode = MODE_HELP;
        app->help_scroll = 0;
        break;
    case ACT_COMMAND:
        app_start_prompt(app, MODE_COMMAND);
        break;
    case ACT_FILTER:
        app_start_prompt(app, MODE_FILTER);
        break;
    case ACT_BACK:
        app_back_action(app);
        break;
    case ACT_REDRAW:
        screen_invalidate();
        break;
    case ACT_SUSPEND:
        app_suspend(app);
        break;
    case ACT_VIEW_HOSTS:
        app_switch_view(app, VIEW_HOSTS);
        break;
    case ACT_VIEW_ALERTS:
        app_switch_view(app, VIEW_ALERTS);
        break;
    case ACT_VIEW_RUN:
        app_switch_view(app, VIEW_RUN);
        break;
    case ACT_VIEW_GRAPHS:
        app_switch_view(app, VIEW_GRAPHS);
        break;
    case ACT_VIEW_LOGS:
        app_switch_view(app, VIEW_LOGS);
        break;
    case ACT_VIEW_NEXT:
        app_switch_view(app, app_view_step(app, 1));
        break;
    case ACT_VIEW_PREV:
        app_switch_view(app, app_view_step(app, -1));
        break;
    default:
        break;
    }
}

static void app_normal_key(struct app *app, int key)
{
    struct view *v = app_view(app);
    int action = keymap_lookup(&app->km, v->ops->keytable, key);
    char name[32];

    if (action == 0)
        action = keymap_lookup(&app->km, KT_LIST, key);
    if (action == 0)
        action = keymap_lookup(&app->km, KT_GLOBAL, key);
    if (action == 0) {
        app_message(app, MSG_WARN, "%s is not bound (? shows the keys)",
                    keys_name(key, name, sizeof name));
        return;
    }
    if (v->ops->action(v->state, action) == VIEW_IGNORED)
        app_global_action(app, action);
}

/* ---- mouse ---- */

static void app_mouse(struct app *app, const struct tui_key *k)
{
    struct view *v = app_view(app);
    int id;

    if (app->mode == MODE_DIALOG) {
        long item = dialog_hit(app->dialog,
                               (struct tui_rect){ 0, 0, app->rows, app->cols },
                               k->y, k->x);

        if (item >= 0) {
            app->dialog->sel = (size_t)item;
            if (k->mouse == TM_DOUBLE)
                dialog_key(app->dialog, TK_ENTER);
        }
        return;
    }
    if (app->mode == MODE_HELP) {
        if (k->mouse == TM_WHEEL_UP || k->mouse == TM_WHEEL_DOWN)
            help_key(app, k->mouse == TM_WHEEL_UP ? TK_UP : TK_DOWN);
        return;
    }
    if (app->mode == MODE_EDIT)
        return; /* the line being edited keeps the view */
    if (k->mouse == TM_CLICK && (id = bars_tab_at(app, k->y, k->x)) >= 0) {
        app_switch_view(app, id);
        return;
    }
    if (v->ops->mouse != NULL)
        v->ops->mouse(v->state, k);
}

/* ---- input ---- */

static void app_dialog_key(struct app *app, int key)
{
    struct dialog *d = app->dialog;
    enum dialog_result r = dialog_key(d, key);

    if (r == DIALOG_CONTINUE)
        return;
    app->dialog = NULL;
    app->mode = MODE_NORMAL;
    if (app->dialog_cb != NULL)
        app->dialog_cb(app, d, r, app->dialog_arg);
    dialog_free(d);
    app_ssh_dialog_closed(app); /* a session's host key may wait */
    run_view_ask_pending(app);  /* and so may a :run host's */
}

static void app_key(struct app *app, const struct tui_key *k)
{
    if (k->code == TK_MOUSE) {
        app_mouse(app, k);
        return;
    }
    if (app->too_small) { /* only quitting makes sense */
        if (keymap_lookup(&app->km, KT_GLOBAL, k->code) == ACT_QUIT)
            loop_stop(app->loop);
        return;
    }
    switch (app->mode) {
    case MODE_DIALOG:
        app_dialog_key(app, k->code);
        break;
    case MODE_FORM:
        app_form_key(app, k->code);
        break;
    case MODE_HELP:
        if (!help_key(app, k->code))
            app->mode = MODE_NORMAL;
        break;
    case MODE_FILTER:
    case MODE_COMMAND:
        app_prompt_key(app, k->code);
        break;
    case MODE_EDIT:
        app_edit_key(app, k->code);
        break;
    case MODE_NORMAL:
        app_normal_key(app, k->code);
        break;
    }
}

static void app_on_input(int fd, short revents, void *arg)
{
    struct app *app = arg;
    struct tui_key k;

    (void)fd;
    if (revents & (POLLHUP | POLLERR | POLLNVAL)) {
        loop_stop(app->loop); /* the terminal went away */
        return;
    }
    app->key_ms = loop_now_ms();
    while (!loop_stopped(app->loop) && screen_read_key(&k)) {
        if (app->opt.trace != NULL)
            fprintf(app->opt.trace, "key %lld %d\n", app->key_ms, k.code);
        app_key(app, &k);
        app->dirty = true;
    }
}

/* ---- signals ---- */

static void app_on_signal(int signo, void *arg)
{
    struct app *app = arg;

    switch (signo) {
    case SIGWINCH:
        app->resized = app->dirty = true;
        app_ssh_winch(app);
        break;
    case SIGTSTP:
        if (app->shell == NULL) /* a shell's C-z belongs to the remote side */
            app_suspend(app);
        break;
    case SIGCONT:
        if (app->shell == NULL)
            screen_invalidate();
        app->dirty = true;
        break;
    default: /* SIGINT, SIGTERM, SIGHUP: quit cleanly */
        loop_stop(app->loop);
        break;
    }
}

static long app_data_timer(void *arg)
{
    struct app *app = arg;

    app->data_timer = 0;
    return LOOP_STOP; /* waking the loop is enough: the frame follows */
}

/* Data changes are drawn at most every APP_DATA_MS; keys at once. */
static void app_on_site_message(void *arg, struct site *s, int level,
                                const char *text)
{
    (void)s;
    app_message(arg,
                level >= 2   ? MSG_ERROR
                : level == 1 ? MSG_WARN
                             : MSG_INFO,
                "%s", text);
}

static void app_on_site(void *arg, struct site *s)
{
    struct app *app = arg;
    long long wait = app->last_frame_ms + APP_DATA_MS - loop_now_ms();

    (void)s;
    app->data_dirty = true;
    if (wait > 0 && app->data_timer == 0)
        app->data_timer =
            loop_add_timer(app->loop, (long)wait, app_data_timer, app);
}

/* ---- unknown host keys ---- */

static void app_next_hostkey(struct app *app);

static void app_hostkey_answered(struct app *app, struct dialog *d,
                                 enum dialog_result r, void *arg)
{
    struct site *s = arg;
    enum bastion_answer a = hostkey_answer(d, r);

    site_answer_hostkey(s, a);
    app_message(app, a == BASTION_REJECT ? MSG_WARN : MSG_INFO,
                "%s: host key %s", s->name,
                a == BASTION_REJECT        ? "rejected"
                : a == BASTION_ACCEPT_SAVE ? "accepted and saved"
                                           : "accepted for this session");
    app_next_hostkey(app);
}

static void app_ask_hostkey(struct app *app, struct site *s,
                            const struct bastion_hostkey *k)
{
    char who[128];

    snprintf(who, sizeof who, "The bastion of site %s", s->name);
    app_open_dialog(app, hostkey_dialog("Unknown host key", who, k, ""),
                    app_hostkey_answered, s);
}

/* One question at a time; others wait their turn. */
static void app_on_hostkey(void *arg, struct site *s,
                           const struct bastion_hostkey *k)
{
    struct app *app = arg;

    if (app->dialog == NULL) {
        app_ask_hostkey(app, s, k);
        return;
    }
    if (app->nhostkey <
        sizeof app->hostkey_queue / sizeof app->hostkey_queue[0]) {
        struct bastion_hostkey *copy = xmalloc(sizeof *copy);

        *copy = *k;
        app->hostkey_queue[app->nhostkey] = s;
        app->hostkey_keys[app->nhostkey++] = copy;
    } else {
        site_answer_hostkey(s, BASTION_REJECT);
    }
}

static void app_next_hostkey(struct app *app)
{
    struct bastion_hostkey *k;
    struct site *s;

    if (app->nhostkey == 0)
        return;
    s = app->hostkey_queue[0];
    k = app->hostkey_keys[0];
    memmove(app->hostkey_queue, app->hostkey_queue + 1,
            --app->nhostkey * sizeof app->hostkey_queue[0]);
    memmove(app->hostkey_keys, app->hostkey_keys + 1,
            app->nhostkey * sizeof app->hostkey_keys[0]);
    app_ask_hostkey(app, s, k);
    free(k);
}

/* Ages and the clock in the header move even when nothing else does. */
static long app_tick(void *arg)
{
    struct app *app = arg;

    for (size_t i = 0; i < app->nsites; i++)
        triage_check(app->sites[i]->triage); /* pending actions time out */
    app_ssh_tick(app);
    run_view_ask_pending(app); /* a question held back by a prompt or form */
    app->dirty = true;
    return 1000;
}

/* ---- the frame ---- */

static long app_peak_rss_kb(void)
{
    struct rusage ru;

    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

static void app_trace_frame(struct app *app, long long start)
{
    long long end = loop_now_ms();
    bool data = false;

    for (size_t i = 0; i < app->nsites; i++)
        data = data || (app->sites[i]->snap != NULL && !app->sites[i]->loading);
    fprintf(app->opt.trace, "frame %lld %lld %lld %ld\n", start, end,
            app->key_ms, app_peak_rss_kb());
    if (data && !app->first_data_traced) {
        app->first_data_traced = true;
        fprintf(app->opt.trace, "data %lld %ld\n", end, app_peak_rss_kb());
    }
    app->key_ms = 0;
    fflush(app->opt.trace);
}

static void app_draw(struct app *app)
{
    struct view *v = app_view(app);
    int cy = -1, cx = -1;

    app->body = (struct tui_rect){ 2, 0, app->rows - 4, app->cols };
    bars_draw_header(app);
    bars_draw_tabs(app);
    app->edit_cy = app->edit_cx = -1;
    v->ops->draw(v->state, app->body);
    if (app->mode == MODE_HELP)
        help_draw(app, app->body);
    bars_draw_status(app, &cy, &cx);
    bars_draw_hints(app);
    if (app->mode == MODE_DIALOG)
        cx = dialog_draw(app->dialog,
                         (struct tui_rect){ 0, 0, app->rows, app->cols }, &cy);
    else if (app->mode == MODE_FORM)
        cx = form_draw(app->form,
                       (struct tui_rect){ 0, 0, app->rows, app->cols }, &cy);
    screen_frame_end(cx >= 0 ? cy : -1, cx);
}

static void app_frame(void *arg)
{
    struct app *app = arg;
    long long start = loop_now_ms();

    if (app->shell != NULL)
        return; /* a remote shell has the terminal */
    if (app->msg[0] != '\0' && start > app->msg_until) {
        app->msg[0] = '\0';
        app->dirty = true;
    }
    if (app->data_dirty && start - app->last_frame_ms >= APP_DATA_MS)
        app->dirty = true;
    if (!app->dirty && !app->resized)
        return;
    app->data_dirty = false;
    app->last_frame_ms = start;
    if (app->resized)
        screen_resize();
    app->resized = app->dirty = false;
    screen_size(&app->rows, &app->cols);
    app->now = loop_wall();
    screen_frame_begin();
    app->too_small = app->rows < APP_MIN_ROWS || app->cols < APP_MIN_COLS;
    if (app->too_small) {
        bars_draw_too_small(app, APP_MIN_ROWS, APP_MIN_COLS);
        screen_frame_end(-1, 0);
    } else {
        app_draw(app);
    }
    if (app->opt.trace != NULL)
        app_trace_frame(app, start);
    if (app->opt.frames > 0 && ++app->frames >= app->opt.frames)
        loop_stop(app->loop);
}

static void app_fatal_hook(void)
{
    rawterm_leave();
    screen_end();
}

void app_watch_input(struct app *app, bool on)
{
    if (on)
        loop_add_fd(app->loop, STDIN_FILENO, POLLIN, app_on_input, app);
    else
        loop_del_fd(app->loop, STDIN_FILENO);
}

int app_run(struct app *app)
{
    static const int quit_sigs[] = { SIGINT, SIGTERM, SIGHUP };
    struct screen_opts so = { (enum theme_kind)app->opt.theme, app->opt.mouse };
    const char *msg = NULL;
    unsigned tick;

    if (screen_init(&so, &msg) < 0) {
        fprintf(stderr, "mctop: %s\n", msg);
        return -1;
    }
    fatal_set_hook(app_fatal_hook);
    signal(SIGPIPE, SIG_IGN);
    for (size_t i = 0; i < sizeof quit_sigs / sizeof quit_sigs[0]; i++)
        loop_add_signal(app->loop, quit_sigs[i], app_on_signal, app);
    loop_add_signal(app->loop, SIGWINCH, app_on_signal, app);
    loop_add_signal(app->loop, SIGTSTP, app_on_signal, app);
    loop_add_signal(app->loop, SIGCONT, app_on_signal, app);
    app_watch_input(app, true);
    for (int i = 0; i < VIEW_COUNT; i++) {
        app->views[i].ops = app_view_ops[i];
        app->views[i].state = app_view_ops[i]->create(app);
    }
    for (size_t i = 0; i < app->nsites; i++) {
        app->sites[i]->notify = app_on_site;
        app->sites[i]->notify_arg = app;
        app->sites[i]->hostkey = app_on_hostkey;
        app->sites[i]->hostkey_arg = app;
        app->sites[i]->message = app_on_site_message;
        app->sites[i]->message_arg = app;
        site_start(app->sites[i]);
    }
    tick = loop_add_timer(app->loop, 1000, app_tick, app);
    loop_set_before_sleep(app->loop, app_frame, app);
    loop_run(app->loop);
    app_ssh_free(app); /* a shell gives the terminal back first */
    loop_del_timer(app->loop, tick);
    if (app->data_timer != 0)
        loop_del_timer(app->loop, app->data_timer);
    if (app->shell == NULL)
        app_watch_input(app, false);
    loop_reset_signals(app->loop);
    fatal_set_hook(NULL);
    screen_end();
    return 0;
}
