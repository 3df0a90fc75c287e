/* Sessions on monitored hosts: built-in SSH, OpenSSH, or the demo's. */
#include "backend/session.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend/buf.h"
#include "backend/hop.h"
#include "backend/loop.h"
#include "backend/openssh.h"
#include "backend/proc.h"
#include "backend/site.h"
#include "backend/xalloc.h"

#define SESSION_BANNER                                                         \
    "\r\n  mctop demo: this is a LOCAL shell on your own machine, standing "   \
    "in "                                                                      \
    "for\r\n  %s (the demo site has no real hosts). Type exit to return to "   \
    "mctop.\r\n\r\n"

struct session {
    struct session_cb cb;
    struct site *site; /* NULL in the tmux window's helper */
    struct loop *loop;
    char *site_name;
    char *known_hosts;
    int given_fd; /* the helper's stream, until the hop takes it */
    enum mc_ssh_mode mode;
    bool demo;
    char *host, *command, *term;
    int cols, rows;
    struct session_route route;
    char target[400];
    char status[300];

    struct site_key_wait *key_wait;
    struct ssh_key_struct *key; /* owned by the site (or own_key) */
    struct ssh_key_struct *own_key;
    struct site_dial *dial;
    struct hop *hop;
    struct proc *proc;
    struct buf early; /* input before there is anything to write it to */
    bool eof_wanted;
    unsigned later; /* reports the start of a local process */

    int log_fd;
    char *log_path;
};

/* ---- the log ---- */

/* A file name part: letters, digits, '.', '-' and '_' only. */
static void session_name_part(char *out, size_t size, const char *in)
{
    size_t i = 0;

    for (; *in != '\0' && i + 1 < size; in++, i++) {
        char c = *in;

        out[i] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '.' || c == '-'
                     ? c
                     : '_';
    }
    out[i] = '\0';
}

static int session_log_open(struct session *s, const char *dir,
                            struct mc_err *err)
{
    char site[64], host[128], stamp[32], head[1024];
    time_t now = time(NULL);
    struct tm tm;
    int n;

    session_name_part(site, sizeof site, s->site_name);
    session_name_part(host, sizeof host, s->host);
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    for (int i = 0; i < 100; i++) {
        free(s->log_path);
        s->log_path =
            i == 0 ? xasprintf("%s/%s-%s-%s.log", dir, site, host, stamp)
                   : xasprintf("%s/%s-%s-%s-%d.log", dir, site, host, stamp, i);
        s->log_fd =
            open(s->log_path,
                 O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_APPEND, 0600);
        if (s->log_fd >= 0 || errno != EEXIST)
            break;
    }
    if (s->log_fd < 0)
        return err_set(err, "cannot create the session log %s: %s", s->log_path,
                       strerror(errno));
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    n = snprintf(head, sizeof head,
                 "# mctop session: site %s, host %s, %s (%s)%s%s, started %s\n",
                 s->site_name, s->host, s->target, session_via(s),
                 s->command != NULL ? ", command: " : "",
                 s->command != NULL ? s->command : "", stamp);
    if (write(s->log_fd, head, (size_t)n) < 0)
        return err_set(err, "cannot write the session log %s: %s", s->log_path,
                       strerror(errno));
    return 0;
}

static void session_log(struct session *s, const char *p, size_t n)
{
    /* A full disk must not end the session; the log is best effort. */
    if (s->log_fd >= 0 && write(s->log_fd, p, n) < 0) {
        close(s->log_fd);
        s->log_fd = -1;
    }
}

static void session_log_end(struct session *s, int status, const char *why)
{
    char line[1200];
    int n;

    if (s->log_fd < 0)
        return;
    n = why != NULL
            ? snprintf(line, sizeof line, "\n# mctop: failed: %s\n", why)
            : snprintf(line, sizeof line, "\n# mctop: ended, exit status %d\n",
                       status);
    session_log(s, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
    if (s->log_fd >= 0)
        close(s->log_fd);
    s->log_fd = -1;
}

/* ---- events from any kind ---- */

static void session_data(struct session *s, const char *p, size_t n,
                         bool is_stderr)
{
    session_log(s, p, n);
    if (s->cb.data != NULL)
        s->cb.data(s->cb.arg, s, p, n, is_stderr);
}

/* The end: tell the owner last, since it may free s. */
static void session_end(struct session *s, int status, const char *why)
{
    char msg[1024];

    snprintf(msg, sizeof msg, "%s", why != NULL ? why : "");
    session_log_end(s, status, why != NULL ? msg : NULL);
    snprintf(s->status, sizeof s->status, "%.290s",
             why != NULL ? msg : "ended");
    if (s->cb.closed != NULL)
        s->cb.closed(s->cb.arg, s, status, why != NULL ? msg : NULL);
}

static void session_opened(struct session *s)
{
    s->status[0] = '\0';
    if (s->cb.open != NULL)
        s->cb.open(s->cb.arg, s);
}

/* ---- built-in: hop over a dialled stream ---- */

static void session_hop_hostkey(void *arg, struct hop *h,
                                const struct bastion_hostkey *k)
{
    struct session *s = arg;

    snprintf(s->status, sizeof s->status, "%s", hop_message(h));
    if (s->cb.hostkey != NULL)
        s->cb.hostkey(s->cb.arg, s, k);
    else
        hop_answer_hostkey(h, BASTION_REJECT);
}

static void session_hop_open(void *arg, struct hop *h)
{
    struct session *s = arg;

    (void)h;
    session_opened(s);
}

static void session_hop_data(void *arg, struct hop *h, const char *p, size_t n,
                             bool is_stderr)
{
    (void)h;
    session_data(arg, p, n, is_stderr);
}

static void session_hop_closed(void *arg, struct hop *h, int status,
                               const char *why)
{
    struct session *s = arg;

    (void)h;
    site_dial_free(s->dial); /* nothing more to hear from the bastion */
    s->dial = NULL;
    session_end(s, status, why);
}

static void session_dial_ready(void *arg, int fd, bool connecting)
{
    struct session *s = arg;
    struct hop_cb cb = { session_hop_hostkey, session_hop_open,
                         session_hop_data, session_hop_closed, s };
    struct hop_config hc = {
        .name = s->host,
        .host = s->route.target,
        .port = s->route.port,
        .user = s->route.user,
        .key = s->key,
        .known_hosts = s->known_hosts,
        .term = s->command == NULL ? s->term : NULL,
        .cols = s->cols,
        .rows = s->rows,
        .command = s->command,
    };

    s->hop = hop_new(s->loop, fd, connecting, &hc, &cb);
    snprintf(s->status, sizeof s->status, "%s", hop_message(s->hop));
    if (s->early.len > 0)
        hop_write(s->hop, s->early.data, s->early.len);
    buf_free(&s->early);
    if (s->eof_wanted)
        hop_send_eof(s->hop);
}

static void session_dial_lost(void *arg, const char *why)
{
    struct session *s = arg;
    char msg[1024];

    if (s->hop != NULL) {
        hop_transport_error(s->hop, why); /* its closed event follows */
        return;
    }
    snprintf(msg, sizeof msg, "%s: %s", s->host, why);
    site_dial_free(s->dial);
    s->dial = NULL;
    session_end(s, -1, msg);
}

static int session_dial(struct session *s, struct mc_err *err)
{
    struct site_dial_cb cb = { session_dial_ready, session_dial_lost, s };

    snprintf(s->status, sizeof s->status, "connecting to %s through %s",
             s->route.target,
             s->site->cfg->direct ? "the network" : "the bastion");
    s->dial = site_dial(s->site, s->route.target, s->route.port, &cb, err);
    return s->dial != NULL ? 0 : -1;
}

static void session_key_done(void *arg, struct ssh_key_struct *key,
                             const char *why)
{
    struct session *s = arg;
    struct mc_err err = { 0 };

    s->key_wait = NULL;
    if (key == NULL) {
        session_end(s, -1, why);
        return;
    }
    s->key = key;
    if (session_dial(s, &err) < 0)
        session_end(s, -1, err.msg);
}

static long session_given_fd(void *arg)
{
    struct session *s = arg;
    int fd = s->given_fd;

    s->later = 0;
    s->given_fd = -1;
    session_dial_ready(s, fd, false);
    return LOOP_STOP;
}

static int session_start_builtin(struct session *s, struct mc_err *err)
{
    if (s->site == NULL) { /* the helper: the stream is there already */
        if (s->route.identity != NULL &&
            ssh_pki_import_privkey_file(s->route.identity, NULL, NULL, NULL,
                                        &s->own_key) != SSH_OK)
            return err_set(err,
                           "cannot read the identity file %s (an encrypted "
                           "key must be loaded into ssh-agent)",
                           s->route.identity);
        s->key = s->own_key;
        s->later = loop_add_timer(s->loop, 0, session_given_fd, s);
        return 0;
    }
    if (s->route.identity == NULL)
        return session_dial(s, err);
    s->key = site_key_get(s->site, s->route.identity);
    if (s->key != NULL)
        return session_dial(s, err);
    snprintf(s->status, sizeof s->status, "reading %s", s->route.identity);
    s->key_wait =
        site_key_load(s->site, s->route.identity, session_key_done, s);
    return 0;
}

/* ---- local processes: OpenSSH and the demo ---- */

static void session_proc_data(void *arg, struct proc *p, const char *buf,
                              size_t n, bool is_stderr)
{
    (void)p;
    session_data(arg, buf, n, is_stderr);
}

static void session_proc_exited(void *arg, struct proc *p, int status)
{
    (void)p;
    session_end(arg, status, NULL);
}

static long session_later(void *arg)
{
    struct session *s = arg;
    char banner[512];
    int n;

    s->later = 0;
    session_opened(s);
    if (s->demo && s->command == NULL && s->proc != NULL) {
        n = snprintf(banner, sizeof banner, SESSION_BANNER, s->host);
        session_data(s, banner, (size_t)n, false);
    }
    return LOOP_STOP;
}

static int session_spawn(struct session *s, char *const *argv, char *const *env,
                         struct mc_err *err)
{
    struct proc_spec ps = { argv, env,
                            s->command == NULL ? PROC_PTY : PROC_PIPES, s->cols,
                            s->rows };
    struct proc_cb cb = { session_proc_data, session_proc_exited, s };
    char msg[512];

    s->proc = proc_spawn(s->loop, &ps, &cb, msg, sizeof msg);
    if (s->proc == NULL)
        return err_set(err, "%s", msg);
    if (s->early.len > 0)
        proc_write(s->proc, s->early.data, s->early.len);
    buf_free(&s->early);
    if (s->eof_wanted)
        proc_close_stdin(s->proc);
    s->later = loop_add_timer(s->loop, 0, session_later, s);
    return 0;
}

static int session_start_demo(struct session *s, struct mc_err *err)
{
    const char *shell = getenv("SHELL");
    char *env_host = xasprintf("MCTOP_DEMO_HOST=%s", s->host);
    char *env_term = xasprintf("TERM=%s", s->term != NULL ? s->term : "xterm");
    char *env[] = { env_host, env_term, NULL };
    char sh[] = "/bin/sh", dash_c[] = "-c";
    char *login = xstrdup(shell != NULL && shell[0] == '/' ? shell : sh);
    char *shell_argv[] = { login, NULL };
    char *cmd_argv[] = { sh, dash_c, s->command, NULL };
    int rc;

    rc = session_spawn(s, s->command != NULL ? cmd_argv : shell_argv, env, err);
    free(login);
    free(env_host);
    free(env_term);
    return rc;
}

char *session_openssh_config(struct site *site, const char *runtime_dir,
                             struct mc_err *err)
{
    const char *home = getenv("HOME");
    char name[64], *path, *ssh_dir;

    session_name_part(name, sizeof name, site->name);
    path = xasprintf("%s/ssh_config-%s", runtime_dir, name);
    ssh_dir = xasprintf("%s/.ssh", home != NULL ? home : "");
    if (openssh_write_config(site->cfg, ssh_dir, path, err) < 0) {
        free(path);
        path = NULL;
    }
    free(ssh_dir);
    return path;
}

static int session_start_openssh(struct session *s, const char *runtime_dir,
                                 struct mc_err *err)
{
    const struct mc_site_config *cfg = s->site->cfg;
    struct mc_ssh_rule rule;
    char *path, *env_term = NULL;
    char **argv = NULL;
    int rc = -1;

    path = session_openssh_config(s->site, runtime_dir, err);
    if (path == NULL)
        goto out;
    env_term = xasprintf("TERM=%s", s->term != NULL ? s->term : "xterm");
    config_ssh_for(cfg, s->host, &rule);
    argv = openssh_argv(path, cfg, &rule, s->route.target, s->command,
                        s->command == NULL, err);
    if (argv == NULL)
        goto out;
    rc = session_spawn(s, argv, (char *[]){ env_term, NULL }, err);
out:
    openssh_argv_free(argv);
    free(env_term);
    free(path);
    return rc;
}

/* ---- the API ---- */

int session_route(struct site *site, const char *host, const char *address,
                  struct session_route *r, struct mc_err *err)
{
    struct mc_ssh_rule rule;
    const char *target;

    memset(r, 0, sizeof *r);
    if (site->cfg == NULL) {
        snprintf(r->target, sizeof r->target, "local shell");
        return 0;
    }
    config_ssh_for(site->cfg, host, &rule);
    target =
        rule.connect_to == MC_SSH_NAME || address == NULL || address[0] == '\0'
            ? host
            : address;
    if (target[0] == '-' || target[0] == '\0')
        return err_set(err, "cannot connect to \"%s\"", target);
    snprintf(r->target, sizeof r->target, "%s", target);
    snprintf(r->user, sizeof r->user, "%s", rule.user);
    r->port = rule.port;
    r->identity = rule.identity;
    return 0;
}

struct session *session_open(const struct session_spec *spec,
                             const struct session_cb *cb, struct mc_err *err)
{
    struct session *s = xcalloc(1, sizeof *s);
    int rc;

    s->cb = *cb;
    s->site = spec->site;
    s->loop = spec->loop;
    s->mode = spec->mode;
    s->given_fd = -1;
    if (s->site != NULL) {
        s->demo = s->site->demo || s->site->cfg == NULL;
        s->site_name = xstrdup(s->site->name);
        if (s->site->cfg != NULL && s->site->cfg->known_hosts != NULL)
            s->known_hosts = xstrdup(s->site->cfg->known_hosts);
    } else {
        s->mode = MC_SSH_BUILTIN;
        s->given_fd = spec->fd;
        s->site_name =
            xstrdup(spec->site_name != NULL ? spec->site_name : "site");
        if (spec->known_hosts != NULL)
            s->known_hosts = xstrdup(spec->known_hosts);
    }
    s->host = xstrdup(spec->host);
    s->command = spec->command != NULL ? xstrdup(spec->command) : NULL;
    s->term = xstrdup(spec->term != NULL ? spec->term : "xterm");
    s->cols = spec->cols;
    s->rows = spec->rows;
    s->log_fd = -1;
    if (s->site == NULL)
        s->route = *spec->route;
    else if (session_route(s->site, s->host, spec->address, &s->route, err) < 0)
        goto fail;
    if (s->demo)
        snprintf(s->target, sizeof s->target, "local shell");
    else if (s->route.port != 22)
        snprintf(s->target, sizeof s->target, "%s@%s port %d", s->route.user,
                 s->route.target, s->route.port);
    else
        snprintf(s->target, sizeof s->target, "%s@%s", s->route.user,
                 s->route.target);
    if (spec->log_dir != NULL && session_log_open(s, spec->log_dir, err) < 0)
        goto fail;
    if (s->demo)
        rc = session_start_demo(s, err);
    else if (s->mode == MC_SSH_OPENSSH)
        rc = session_start_openssh(
            s, spec->runtime_dir != NULL ? spec->runtime_dir : "/tmp", err);
    else
        rc = session_start_builtin(s, err);
    if (rc < 0)
        goto fail;
    return s;
fail:
    err_prefix(err, "%s", s->host);
    if (s->log_fd >= 0)
        unlink(s->log_path); /* nothing happened worth keeping */
    session_free(s);
    return NULL;
}

void session_free(struct session *s)
{
    if (s == NULL)
        return;
    if (s->later != 0)
        loop_del_timer(s->loop, s->later);
    if (s->given_fd >= 0)
        close(s->given_fd);
    if (s->site != NULL)
        site_key_cancel(s->site, s->key_wait);
    hop_free(s->hop);
    site_dial_free(s->dial);
    proc_free(s->proc);
    session_log_end(s, -1, "the session was closed by mctop");
    buf_free(&s->early);
    if (s->own_key != NULL)
        ssh_key_free(s->own_key);
    free(s->log_path);
    free(s->site_name);
    free(s->known_hosts);
    free(s->host);
    free(s->command);
    free(s->term);
    free(s);
}

void session_set_cb(struct session *s, const struct session_cb *cb)
{
    s->cb = *cb;
}

void session_answer_hostkey(struct session *s, enum bastion_answer a)
{
    if (s->hop != NULL)
        hop_answer_hostkey(s->hop, a);
}

void session_write(struct session *s, const void *p, size_t n)
{
    if (s->hop != NULL)
        hop_write(s->hop, p, n);
    else if (s->proc != NULL)
        proc_write(s->proc, p, n);
    else
        buf_append(&s->early, p, n);
}

void session_send_eof(struct session *s)
{
    s->eof_wanted = true;
    if (s->hop != NULL)
        hop_send_eof(s->hop);
    else if (s->proc != NULL)
        proc_close_stdin(s->proc);
}

void session_resize(struct session *s, int cols, int rows)
{
    s->cols = cols;
    s->rows = rows;
    if (s->hop != NULL)
        hop_resize(s->hop, cols, rows);
    else if (s->proc != NULL && s->command == NULL)
        proc_resize(s->proc, cols, rows);
}

void session_hold(struct session *s, bool hold)
{
    if (s->hop != NULL)
        hop_hold(s->hop, hold);
    else if (s->proc != NULL)
        proc_hold(s->proc, hold);
}

const char *session_target(const struct session *s)
{
    return s->target;
}

const char *session_status(const struct session *s)
{
    if (s->hop != NULL && hop_state(s->hop) != HOP_OPEN &&
        hop_state(s->hop) != HOP_CLOSED)
        return hop_message(s->hop);
    return s->status;
}

const char *session_log_path(const struct session *s)
{
    return s->log_fd >= 0 || s->log_path != NULL ? s->log_path : NULL;
}

const char *session_via(const struct session *s)
{
    return s->demo                     ? "demo"
           : s->mode == MC_SSH_OPENSSH ? "OpenSSH"
                                       : "built-in";
}
