/*
 * Shells from the console: the session connects while the console stays
 * on screen (an unknown host key is asked in a dialog there), then the
 * terminal is handed to it and given back exactly as it was. Inside tmux
 * the session can open in a new tmux window instead.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/config.h"
#include "backend/loop.h"
#include "backend/openssh.h"
#include "backend/proc.h"
#include "backend/session.h"
#include "backend/site.h"
#include "backend/xalloc.h"
#include "tui/rawterm.h"
#include "tui/screen.h"
#include "views/app.h"
#include "views/format.h"
#include "views/hostkey.h"
#include "views/shell.h"

static const struct session_cb app_ssh_cb;

/* A private directory for files that name private hosts (ssh_config). */
const char *app_runtime_dir(struct app *app, struct mc_err *err)
{
    const char *base = getenv("XDG_RUNTIME_DIR");

    if (app->runtime_dir[0] != '\0')
        return app->runtime_dir;
    /* ssh puts the -F path into a shell command unquoted: plain names. */
    if (base == NULL || base[0] != '/' || strlen(base) > 60 ||
        base[strspn(base, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                          "0123456789/._+,:@=-")] != '\0')
        base = "/tmp";
    snprintf(app->runtime_dir, sizeof app->runtime_dir, "%s/mctop-ssh.XXXXXX",
             base);
    if (mkdtemp(app->runtime_dir) == NULL) {
        err_set(err, "cannot make a private directory in %s: %s", base,
                strerror(errno));
        app->runtime_dir[0] = '\0';
        return NULL;
    }
    return app->runtime_dir;
}

static void app_ssh_message(struct app *app)
{
    if (app->sess != NULL)
        app_message(app, MSG_INFO, "ssh %s: %s (Esc cancels)", app->sess_host,
                    session_status(app->sess)[0] != '\0'
                        ? session_status(app->sess)
                        : "connecting");
}

/* ---- the terminal handed over and back ---- */

static void app_ssh_ended(void *arg, struct shell *sh, int status,
                          const char *why)
{
    struct app *app = arg;
    char took[32];

    (void)sh;
    shell_free(app->shell);
    app->shell = NULL;
    screen_resume();
    app_watch_input(app, true);
    app->resized = app->dirty = true;
    format_duration(loop_wall() - app->sess_started, took, sizeof took);
    if (why != NULL)
        app_message(app, MSG_ERROR, "ssh %s: %s (after %s)", app->sess_host,
                    why, took);
    else if (status == SHELL_CLOSED_BY_USER)
        app_message(app, MSG_INFO, "ssh %s: closed with ~. (after %s)",
                    app->sess_host, took);
    else
        app_message(app, status == 0 ? MSG_INFO : MSG_WARN,
                    "ssh %s: session ended, exit status %d (after %s)",
                    app->sess_host, status, took);
}

/* Connected: step aside and let the shell have the terminal. */
static void app_ssh_takeover(struct app *app)
{
    struct shell_cb cb = { app_ssh_ended, app };
    struct session *s = app->sess;
    char line[1200];
    const char *log = session_log_path(s);
    int n;

    app->sess = NULL;
    app->msg[0] = '\0';
    app_watch_input(app, false);
    screen_suspend();
    n = snprintf(line, sizeof line,
                 "mctop: %s: %s (%s)%s%s. Type ~. after Enter to "
                 "disconnect.\r\n",
                 app->sess_host, session_target(s), session_via(s),
                 log != NULL ? ", logged to " : "", log != NULL ? log : "");
    if (write(STDOUT_FILENO, line, (size_t)n < sizeof line ? (size_t)n : 0) <
        0) {
        /* the shell's own output will show whether the terminal works */
    }
    app->shell = shell_new(app->loop, s, &cb);
}

/* ---- session events while it connects ---- */

static void app_ssh_key_answered(struct app *app, struct dialog *d,
                                 enum dialog_result r, void *arg)
{
    enum bastion_answer a = hostkey_answer(d, r);

    (void)arg;
    if (app->sess == NULL)
        return; /* cancelled meanwhile */
    session_answer_hostkey(app->sess, a);
    app_ssh_message(app);
}

static void app_ssh_ask_key(struct app *app)
{
    char who[300];

    app->sess_key_pending = false;
    snprintf(who, sizeof who, "Host %s", app->sess_host);
    app_open_dialog(app,
                    hostkey_dialog("Unknown host key", who, &app->sess_key, ""),
                    app_ssh_key_answered, NULL);
}

void app_ssh_dialog_closed(struct app *app)
{
    if (app->sess != NULL && app->sess_key_pending && app->dialog == NULL)
        app_ssh_ask_key(app);
}

static void app_ssh_on_hostkey(void *arg, struct session *s,
                               const struct bastion_hostkey *k)
{
    struct app *app = arg;

    (void)s;
    app->sess_key = *k;
    app->sess_key_pending = true;
    app_ssh_dialog_closed(app); /* asks now unless a dialog is open */
    app->dirty = true;
}

static void app_ssh_on_open(void *arg, struct session *s)
{
    struct app *app = arg;

    (void)s;
    app_ssh_takeover(app);
}

static void app_ssh_on_closed(void *arg, struct session *s, int status,
                              const char *why)
{
    struct app *app = arg;

    session_free(s);
    app->sess = NULL;
    if (why != NULL)
        app_message(app, MSG_ERROR, "ssh %s: %s", app->sess_host, why);
    else
        app_message(app, MSG_WARN, "ssh %s: ended before it started (exit %d)",
                    app->sess_host, status);
    app->dirty = true;
}

static const struct session_cb app_ssh_cb = { app_ssh_on_hostkey,
                                              app_ssh_on_open, NULL,
                                              app_ssh_on_closed, NULL };

/* ---- a new tmux window ---- */

static void app_tmux_data(void *arg, struct proc *p, const char *buf, size_t n,
                          bool is_stderr)
{
    struct app *app = arg;
    size_t len = strlen(app->tmux_err);

    (void)p;
    (void)is_stderr;
    if (len + n >= sizeof app->tmux_err)
        n = sizeof app->tmux_err - len - 1;
    memcpy(app->tmux_err + len, buf, n);
    app->tmux_err[len + n] = '\0';
}

static void app_tmux_exited(void *arg, struct proc *p, int status)
{
    struct app *app = arg;

    (void)p;
    proc_free(app->tmux);
    app->tmux = NULL;
    if (status != 0)
        app_message(app, MSG_ERROR, "tmux new-window failed (exit %d): %.200s",
                    status, app->tmux_err);
    app->dirty = true;
}

/* The window's command: OpenSSH, or mctop's own helper on a tunnel socket. */
static char **app_tmux_argv(struct app *app, struct site *site,
                            const char *host, const char *address,
                            struct mc_err *err)
{
    struct session_route r;
    const char *rt, *sock;
    struct buf b = { 0 };
    char **argv = NULL, **ssh = NULL;
    size_t n = 0;

    if (session_route(site, host, address, &r, err) < 0)
        return NULL;
    argv = xcalloc(40, sizeof *argv);
    argv[n++] = xstrdup("tmux");
    argv[n++] = xstrdup("new-window");
    argv[n++] = xstrdup("-n");
    argv[n++] = xstrdup(host);
    argv[n++] = xstrdup("--");
    if (site->cfg == NULL) {
        argv[n++] = xstrdup(app->opt.self_path);
        argv[n++] = xstrdup("--attach-demo");
        argv[n++] = xstrdup(host);
        return argv;
    }
    if ((rt = app_runtime_dir(app, err)) == NULL)
        goto fail;
    if (app->opt.ssh_mode == MC_SSH_OPENSSH) {
        char *path = session_openssh_config(site, rt, err);
        struct mc_ssh_rule rule;

        config_ssh_for(site->cfg, host, &rule);
        if (path != NULL)
            ssh =
                openssh_argv(path, site->cfg, &rule, r.target, NULL, true, err);
        free(path);
        if (ssh == NULL)
            goto fail;
        for (size_t i = 0; ssh[i] != NULL && n < 39; i++)
            argv[n++] = xstrdup(ssh[i]);
        openssh_argv_free(ssh);
        return argv;
    }
    /* A direct site has no bastion to share: the helper connects itself. */
    sock = site->cfg->direct ? "tcp"
                             : site_tunnel_path(site, r.target, r.port, err);
    if (sock == NULL)
        goto fail;
    argv[n++] = xstrdup(app->opt.self_path);
    argv[n++] = xasprintf("--attach=%s", sock);
    argv[n++] = xasprintf("--attach-host=%s", host);
    argv[n++] = xasprintf("--attach-site=%s", site->name);
    buf_printf(&b, "%s@%s:%d", r.user, r.target, r.port);
    argv[n++] = xasprintf("--attach-to=%s", b.data);
    if (r.identity != NULL)
        argv[n++] = xasprintf("--attach-identity=%s", r.identity);
    if (site->cfg->known_hosts != NULL)
        argv[n++] =
            xasprintf("--attach-known-hosts=%s", site->cfg->known_hosts);
    if (app->opt.ssh_log_dir != NULL)
        argv[n++] = xasprintf("--attach-log-dir=%s", app->opt.ssh_log_dir);
    buf_free(&b);
    return argv;
fail:
    for (size_t i = 0; i < n; i++)
        free(argv[i]);
    free(argv);
    buf_free(&b);
    return NULL;
}

static void app_ssh_tmux(struct app *app, struct site *site, const char *host,
                         const char *address)
{
    struct proc_cb cb = { app_tmux_data, app_tmux_exited, app };
    struct mc_err err = { 0 };
    char **argv = app_tmux_argv(app, site, host, address, &err);
    struct proc_spec ps = { argv, NULL, PROC_PIPES, 0, 0 };
    char msg[512];

    if (argv == NULL) {
        app_message(app, MSG_ERROR, "ssh %s: %s", host, err.msg);
        return;
    }
    if (app->tmux != NULL) {
        proc_free(app->tmux);
        app->tmux = NULL;
    }
    app->tmux_err[0] = '\0';
    app->tmux = proc_spawn(app->loop, &ps, &cb, msg, sizeof msg);
    if (app->tmux == NULL)
        app_message(app, MSG_ERROR, "ssh %s: %s", host, msg);
    else
        app_message(app, MSG_INFO, "ssh %s: opened in a new tmux window", host);
    for (size_t i = 0; argv[i] != NULL; i++)
        free(argv[i]);
    free(argv);
}

/* ---- the API ---- */

void app_ssh_open(struct app *app, struct site *site, const char *host,
                  const char *address)
{
    struct session_cb cb = app_ssh_cb;
    struct session_spec spec = { 0 };
    struct mc_err err = { 0 };
    int cols, rows;

    if (app->sess != NULL || app->shell != NULL) {
        app_message(app, MSG_WARN, "ssh %s: still connecting (Esc cancels)",
                    app->sess_host);
        return;
    }
    if (app->opt.ssh_tmux && getenv("TMUX") != NULL) {
        app_ssh_tmux(app, site, host, address);
        return;
    }
    rawterm_size(&cols, &rows);
    cb.arg = app;
    spec.loop = app->loop;
    spec.site = site;
    spec.fd = -1;
    spec.host = host;
    spec.address = address;
    spec.term = getenv("TERM");
    spec.cols = cols;
    spec.rows = rows;
    spec.mode = (enum mc_ssh_mode)app->opt.ssh_mode;
    spec.log_dir = app->opt.ssh_log_dir;
    if (site->cfg != NULL && spec.mode == MC_SSH_OPENSSH &&
        (spec.runtime_dir = app_runtime_dir(app, &err)) == NULL) {
        app_message(app, MSG_ERROR, "ssh %s: %s", host, err.msg);
        return;
    }
    snprintf(app->sess_host, sizeof app->sess_host, "%s", host);
    app->sess_started = loop_wall();
    app->sess_key_pending = false;
    app->sess = session_open(&spec, &cb, &err);
    if (app->sess == NULL) {
        app_message(app, MSG_ERROR, "ssh %s", err.msg);
        return;
    }
    app_ssh_message(app);
}

bool app_ssh_cancel(struct app *app)
{
    if (app->sess == NULL)
        return false;
    session_free(app->sess);
    app->sess = NULL;
    app_message(app, MSG_INFO, "ssh %s: cancelled", app->sess_host);
    return true;
}

void app_ssh_tick(struct app *app)
{
    if (app->sess != NULL && !app->sess_key_pending && app->dialog == NULL)
        app_ssh_message(app);
}

void app_ssh_winch(struct app *app)
{
    if (app->shell != NULL)
        shell_winch(app->shell);
}

void app_ssh_free(struct app *app)
{
    session_free(app->sess);
    app->sess = NULL;
    if (app->shell != NULL) {
        shell_free(app->shell);
        app->shell = NULL;
    }
    proc_free(app->tmux);
    app->tmux = NULL;
    if (app->runtime_dir[0] != '\0') {
        DIR *d = opendir(app->runtime_dir);
        struct dirent *e;

        /* Only files mctop wrote are in it (ssh_config per site). */
        while (d != NULL && (e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
                unlinkat(dirfd(d), e->d_name, 0);
        }
        if (d != NULL)
            closedir(d);
        rmdir(app->runtime_dir);
        app->runtime_dir[0] = '\0';
    }
}
