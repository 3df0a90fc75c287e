/*
 * The application: sites, views, keymap, modes (filter and command
 * prompts, help, dialogs) and the frame drawn once per loop turn.
 */
#ifndef MCTOP_VIEWS_APP_H
#define MCTOP_VIEWS_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "backend/bastion.h"
#include "keymaps/keymap.h"
#include "tui/dialog.h"
#include "tui/form.h"
#include "tui/lineedit.h"
#include "views/view.h"

struct loop;
struct site;
struct mc_config;
struct mc_err;
struct session;
struct shell;
struct proc;

enum view_id {
    VIEW_HOSTS,
    VIEW_ALERTS,
    VIEW_RUN,
    VIEW_GRAPHS,
    VIEW_LOGS,
    VIEW_COUNT
};

enum app_mode {
    MODE_NORMAL,
    MODE_FILTER,
    MODE_COMMAND,
    MODE_HELP,
    MODE_DIALOG,
    MODE_FORM,
    MODE_EDIT /* a line of a view (the logs view's query bar): app->edit */
};

enum app_msg_level { MSG_INFO, MSG_WARN, MSG_ERROR };

/* Called when a dialog closes; d->sel or dialog_text(d) hold the answer. */
typedef void (*app_dialog_cb)(struct app *app, struct dialog *d,
                              enum dialog_result r, void *arg);

/* The line of app_start_edit() was accepted (Enter) or cancelled (Esc). */
typedef void (*app_edit_cb)(struct app *app, const char *text, bool accepted,
                            void *arg);

/* A form was submitted or cancelled; return false to keep it open. */
typedef bool (*app_form_cb)(struct app *app, struct form *fm,
                            enum dialog_result r, void *arg);

struct app_options {
    bool mouse;
    bool readonly;           /* no action on monitored objects */
    const char *author;      /* of acknowledgements, downtimes and comments */
    int theme;               /* enum theme_kind */
    long frames;             /* exit after this many frames; 0 = run */
    FILE *trace;             /* key and frame timings, or NULL */
    int ssh_mode;            /* enum mc_ssh_mode */
    bool ssh_tmux;           /* inside tmux: sessions in a new window */
    const char *ssh_log_dir; /* NULL: sessions are not logged */
    int run_parallel;        /* hosts :run works on at once */
    const char *self_path;   /* this program, for the tmux window */
};

struct app {
    struct loop *loop;
    struct keymap km;
    struct site **sites;
    size_t nsites;
    struct view views[VIEW_COUNT];
    int cur;
    int back[16]; /* views to return to with Esc */
    int nback;
    enum app_mode mode;
    struct lineedit edit; /* filter, command or view line being typed */
    app_edit_cb edit_cb;  /* MODE_EDIT: who gets the line */
    void *edit_arg;
    int edit_cy, edit_cx; /* MODE_EDIT: the cursor, where the view drew the
                             line in this frame; -1: the status line shows it */
    char *filter_before;  /* filter to restore if the prompt is cancelled */
    struct history filter_hist, cmd_hist;
    struct dialog *dialog;
    app_dialog_cb dialog_cb;
    void *dialog_arg;
    struct form *form;
    app_form_cb form_cb;
    void *form_arg;
    int help_scroll;
    char msg[256];
    enum app_msg_level msg_level;
    long long msg_until;
    double now; /* wall clock of this frame */
    int rows, cols;
    bool dirty, resized, too_small;
    bool data_dirty; /* sites changed: redraw, at most 10 per second */
    long long last_frame_ms;
    unsigned data_timer;
    struct tui_rect body; /* where the view draws, for mouse hits */
    struct app_options opt;
    long frames;
    bool first_data_traced;
    struct site *hostkey_queue[8]; /* sites waiting to ask about a host key */
    struct bastion_hostkey *hostkey_keys[8];
    size_t nhostkey;
    long long key_ms; /* when the key being handled arrived */

    /* app_shell.c: a session connecting, then the shell that has the tty */
    struct session *sess;
    char sess_host[256];
    double sess_started;
    struct bastion_hostkey sess_key;
    bool sess_key_pending;
    struct shell *shell;
    struct proc *tmux; /* tmux new-window running */
    char tmux_err[512];
    char runtime_dir[96];
};

/* Set up an app over the sites (ownership stays with the caller). */
void app_init(struct app *app, struct loop *loop, struct site **sites,
              size_t nsites, const struct app_options *opt);
void app_free(struct app *app);
/* Take the terminal and run until quit; returns 0 or -1 (message printed). */
int app_run(struct app *app);

/* Something changed: draw a new frame at the end of this loop turn. */
void app_dirty(struct app *app);
void app_message(struct app *app, enum app_msg_level level, const char *fmt,
                 ...) __attribute__((format(printf, 3, 4)));
void app_open_dialog(struct app *app, struct dialog *d, app_dialog_cb cb,
                     void *arg);
void app_open_form(struct app *app, struct form *fm, app_form_cb cb, void *arg);
/*
 * Edit a line of the current view (MODE_EDIT) starting from initial, with
 * hist for Up and Down (may be NULL). The view draws app->edit itself
 * with lineedit_draw() and sets app->edit_cy and edit_cx; cb gets the text.
 */
void app_start_edit(struct app *app, const char *initial, struct history *hist,
                    app_edit_cb cb, void *arg);
void app_switch_view(struct app *app, int id);
/* In the tab bar and the Tab cycle (the run view only once there is a run). */
bool app_view_shown(const struct app *app, int id);
/* Run a ":" command line; returns 0 or -1 (message shown). */
int app_command(struct app *app, const char *line);
/* The first key bound to action in a table chain, as a name ("" if none). */
const char *app_key_for(const struct app *app, int table, int action, char *buf,
                        size_t size);

/* Read keys from the terminal, or leave it to a shell. */
void app_watch_input(struct app *app, bool on);

/* app_shell.c: shells on hosts. */
void app_ssh_open(struct app *app, struct site *site, const char *host,
                  const char *address);
/* Esc while a session connects: cancel it; false when none. */
bool app_ssh_cancel(struct app *app);
void app_ssh_tick(struct app *app);
void app_ssh_winch(struct app *app);
void app_ssh_dialog_closed(struct app *app);
void app_ssh_free(struct app *app);
const char *app_runtime_dir(struct app *app, struct mc_err *err);

/* help.c: the help overlay. */
void help_draw(struct app *app, struct tui_rect r);
bool help_key(struct app *app, int key);

/* command.c: ":" commands and their completion. */
size_t command_complete(void *arg, const char *text, size_t *word_start,
                        char ***out);

#endif
