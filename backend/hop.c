/*
 * A session to a private host over a descriptor that reaches it. Every
 * libssh call is non-blocking: the descriptor's far side is pumped by the
 * bastion on this same thread, so a blocking call here would wait for
 * bytes only this thread can move.
 */
#include "backend/hop.h"

#include <errno.h>
#include <libssh/callbacks.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "backend/buf.h"
#include "backend/loop.h"
#include "backend/sshkey.h"
#include "backend/xalloc.h"

#define HOP_CONNECT_MS 20000 /* handshake to a running shell */
#define HOP_TICK_MS    1000
#define HOP_CHUNK      16384

struct hop {
    struct loop *loop;
    struct hop_cb cb;
    char *name, *host, *user, *known_hosts, *ssh_dir, *term, *command;
    int port, cols, rows;
    ssh_key key;
    enum hop_state state;
    char msg[1024];

    ssh_session s;
    ssh_event ev;
    ssh_channel ch;
    struct ssh_channel_callbacks_struct ccb;
    int fd;
    bool fd_given; /* libssh owns fd (it closes it) */
    short fd_events;
    int open_step; /* 0 channel, 1 PTY, 2 shell or command */

    unsigned timer, kick, end;
    long long deadline;
    struct buf in; /* for the remote stdin */
    bool eof_wanted, eof_sent;
    bool hold;
    int status; /* -1 until the exit status or signal arrives */
    char signal[32];
    bool failed; /* why is in msg */
};

static void hop_step(struct hop *h);
static void hop_service(struct hop *h);
static long hop_kick_cb(void *arg);
static void hop_notice(struct hop *h);

static void hop_set(struct hop *h, enum hop_state st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void hop_set(struct hop *h, enum hop_state st, const char *fmt, ...)
{
    va_list ap;

    h->state = st;
    va_start(ap, fmt);
    vsnprintf(h->msg, sizeof h->msg, fmt, ap);
    va_end(ap);
}

static char *hop_dup(const char *s)
{
    return s != NULL ? xstrdup(s) : NULL;
}

/* Let go of libssh, the descriptor and the timers; no callbacks. */
static void hop_release(struct hop *h)
{
    if (h->timer != 0)
        loop_del_timer(h->loop, h->timer);
    if (h->kick != 0)
        loop_del_timer(h->loop, h->kick);
    h->timer = h->kick = 0;
    if (h->fd >= 0)
        loop_del_fd(h->loop, h->fd);
    if (h->ch != NULL) {
        ssh_remove_channel_callbacks(h->ch, &h->ccb); /* no late kicks */
        if (ssh_channel_is_open(h->ch) && ssh_is_connected(h->s))
            ssh_channel_close(h->ch);
        ssh_channel_free(h->ch);
        h->ch = NULL;
    }
    if (h->ev != NULL) {
        ssh_event_free(h->ev);
        h->ev = NULL;
    }
    if (h->s != NULL) {
        if (h->fd_given && ssh_is_connected(h->s))
            ssh_disconnect(h->s);
        ssh_free(h->s); /* closes fd once it was given */
        h->s = NULL;
    }
    if (!h->fd_given && h->fd >= 0)
        close(h->fd);
    h->fd = -1;
}

static long hop_end_cb(void *arg)
{
    struct hop *h = arg;

    h->end = 0;
    if (h->cb.closed != NULL)
        h->cb.closed(h->cb.arg, h, h->status, h->failed ? h->msg : NULL);
    return LOOP_STOP;
}

/*
 * The end. The owner hears it from the loop, never from inside a hop
 * function, so it may free h in its callback.
 */
static void hop_finish(struct hop *h, int status, const char *why)
{
    char msg[1024];

    if (h->end != 0)
        return; /* told already */
    snprintf(msg, sizeof msg, "%s", why != NULL ? why : "");
    hop_release(h);
    h->status = why != NULL ? -1 : status;
    h->failed = why != NULL;
    if (why != NULL)
        hop_set(h, HOP_CLOSED, "%s", msg);
    else
        hop_set(h, HOP_CLOSED, "exit status %d", status);
    h->end = loop_add_timer(h->loop, 0, hop_end_cb, h);
}

static void hop_fail(struct hop *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void hop_fail(struct hop *h, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    hop_finish(h, -1, msg);
}

static void hop_watch(struct hop *h)
{
    short ev = POLLIN;

    if (h->fd < 0 || h->state == HOP_CLOSED)
        return;
    if (h->state == HOP_CONNECTING)
        ev = POLLOUT;
    else if (h->state == HOP_HOSTKEY)
        ev = 0; /* nothing to read until the user answers */
    else if (h->s != NULL && (ssh_get_poll_flags(h->s) & SSH_WRITE_PENDING))
        ev |= POLLOUT;
    if (ev != h->fd_events) {
        loop_mod_fd(h->loop, h->fd, ev);
        h->fd_events = ev;
    }
}

/* ---- exit status ---- */

static void hop_on_exit_status(ssh_session s, ssh_channel ch, int status,
                               void *arg)
{
    struct hop *h = arg;

    (void)s;
    (void)ch;
    h->status = status;
    hop_notice(h);
}

/*
 * Any libssh call may read packets for this channel off the descriptor
 * (polling one stream, writing, an EOF), and then the descriptor will not
 * wake the loop for them: libssh says so here, and a kick reads them.
 * The data stays in libssh's buffer (nothing is consumed here).
 */
static void hop_notice(struct hop *h)
{
    if (h->kick == 0 && h->state != HOP_CLOSED)
        h->kick = loop_add_timer(h->loop, 0, hop_kick_cb, h);
}

static int hop_on_channel_data(ssh_session s, ssh_channel ch, void *data,
                               uint32_t len, int is_stderr, void *arg)
{
    (void)s;
    (void)ch;
    (void)data;
    (void)len;
    (void)is_stderr;
    hop_notice(arg);
    return 0;
}

static void hop_on_channel_end(ssh_session s, ssh_channel ch, void *arg)
{
    (void)s;
    (void)ch;
    hop_notice(arg);
}

/* The number of a signal named as RFC 4254 names it ("TERM"). */
static int hop_signal_number(const char *name)
{
    static const struct {
        const char *name;
        int num;
    } sigs[] = { { "HUP", 1 },   { "INT", 2 },   { "QUIT", 3 },  { "ILL", 4 },
                 { "ABRT", 6 },  { "FPE", 8 },   { "KILL", 9 },  { "USR1", 10 },
                 { "SEGV", 11 }, { "USR2", 12 }, { "PIPE", 13 }, { "ALRM", 14 },
                 { "TERM", 15 } };

    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        if (strcmp(sigs[i].name, name) == 0)
            return sigs[i].num;
    return 127; /* 128+127 = 255, as OpenSSH reports what it cannot map */
}

static void hop_on_exit_signal(ssh_session s, ssh_channel ch,
                               const char *signal, int core, const char *errmsg,
                               const char *lang, void *arg)
{
    struct hop *h = arg;

    (void)s;
    (void)ch;
    (void)core;
    (void)errmsg;
    (void)lang;
    snprintf(h->signal, sizeof h->signal, "%s", signal != NULL ? signal : "?");
    h->status = 128 + hop_signal_number(h->signal);
}

/* ---- the steps to an open channel ---- */

static int hop_options(struct hop *h)
{
    const char *home = getenv("HOME");
    char *dir = NULL;
    int yes = 1, no = 0, rc = -1;

    h->s = ssh_new();
    if (h->s == NULL)
        return -1;
    if (h->ssh_dir != NULL)
        dir = xstrdup(h->ssh_dir);
    else if (home != NULL && home[0] == '/')
        dir = xasprintf("%s/.ssh", home);
    /*
     * No ssh config: mctop's [ssh] rules say how to log in, and a ProxyJump
     * there would make libssh go around the bastion connection we have.
     */
    ssh_options_set(h->s, SSH_OPTIONS_PROCESS_CONFIG, &no);
    if (ssh_options_set(h->s, SSH_OPTIONS_HOST, h->host) < 0 ||
        ssh_options_set(h->s, SSH_OPTIONS_PORT, &h->port) < 0 ||
        ssh_options_set(h->s, SSH_OPTIONS_USER, h->user) < 0 ||
        (dir != NULL && ssh_options_set(h->s, SSH_OPTIONS_SSH_DIR, dir) < 0) ||
        (h->known_hosts != NULL &&
         ssh_options_set(h->s, SSH_OPTIONS_KNOWNHOSTS, h->known_hosts) < 0))
        goto out;
    ssh_options_set(h->s, SSH_OPTIONS_STRICTHOSTKEYCHECK, &yes);
    ssh_options_set(h->s, SSH_OPTIONS_FD, &h->fd);
    ssh_set_blocking(h->s, 0);
    rc = 0;
out:
    free(dir);
    return rc;
}

static void hop_check_hostkey(struct hop *h)
{
    struct bastion_hostkey k;
    char msg[1024];

    switch (sshkey_check(h->s, h->host, h->port, &k, msg, sizeof msg)) {
    case SSHKEY_KNOWN:
        hop_set(h, HOP_AUTH, "authenticating as %s", h->user);
        hop_step(h);
        return;
    case SSHKEY_UNKNOWN:
        hop_set(h, HOP_HOSTKEY, "unknown host key %s %s", k.type,
                k.fingerprint);
        hop_watch(h);
        if (h->cb.hostkey != NULL)
            h->cb.hostkey(h->cb.arg, h, &k);
        else
            hop_fail(h, "%s: unknown host key and nobody to ask", h->name);
        return;
    case SSHKEY_REFUSED:
    default:
        hop_fail(h, "%s: %s", h->name, msg);
        return;
    }
}

static void hop_auth(struct hop *h)
{
    int rc = h->key != NULL ? ssh_userauth_publickey(h->s, NULL, h->key)
                            : ssh_userauth_publickey_auto(h->s, NULL, NULL);

    if (rc == SSH_AUTH_AGAIN)
        return;
    if (rc == SSH_AUTH_SUCCESS) {
        hop_set(h, HOP_OPENING, "opening a %s",
                h->command != NULL ? "command channel" : "shell");
        hop_step(h);
        return;
    }
    if (rc == SSH_AUTH_DENIED || rc == SSH_AUTH_PARTIAL)
        hop_fail(h,
                 "%s: authentication failed: no key accepted for user %s "
                 "(%s)",
                 h->name, h->user,
                 h->key != NULL ? "the identity file's key was rejected"
                                : "ssh-agent and the default keys tried");
    else
        hop_fail(h, "%s: authentication: %s", h->name, ssh_get_error(h->s));
}

/* Returns SSH_OK, SSH_AGAIN or SSH_ERROR for the current opening step. */
static int hop_open_step(struct hop *h)
{
    switch (h->open_step) {
    case 0:
        if (h->ch == NULL) {
            h->ch = ssh_channel_new(h->s);
            if (h->ch == NULL)
                return SSH_ERROR;
            ssh_callbacks_init(&h->ccb);
            h->ccb.userdata = h;
            h->ccb.channel_exit_status_function = hop_on_exit_status;
            h->ccb.channel_exit_signal_function = hop_on_exit_signal;
            h->ccb.channel_data_function = hop_on_channel_data;
            h->ccb.channel_eof_function = hop_on_channel_end;
            h->ccb.channel_close_function = hop_on_channel_end;
            ssh_set_channel_callbacks(h->ch, &h->ccb);
        }
        return ssh_channel_open_session(h->ch);
    case 1:
        if (h->term == NULL)
            return SSH_OK;
        return ssh_channel_request_pty_size(h->ch, h->term, h->cols, h->rows);
    default:
        return h->command != NULL ? ssh_channel_request_exec(h->ch, h->command)
                                  : ssh_channel_request_shell(h->ch);
    }
}

static void hop_opening(struct hop *h)
{
    static const char *const what[] = { "open a session channel",
                                        "allocate a PTY", "start" };
    int rc;

    while (h->open_step < 3) {
        rc = hop_open_step(h);
        if (rc == SSH_AGAIN)
            return;
        if (rc != SSH_OK) {
            hop_fail(h, "%s: cannot %s: %s", h->name, what[h->open_step],
                     ssh_get_error(h->s));
            return;
        }
        h->open_step++;
    }
    h->ev = ssh_event_new();
    ssh_event_add_session(h->ev, h->s);
    hop_set(h, HOP_OPEN, "%s", "");
    if (h->cb.open != NULL)
        h->cb.open(h->cb.arg, h);
    if (h->state == HOP_OPEN)
        hop_service(h); /* input queued before it opened */
}

/* Advance as far as possible now. */
static void hop_step(struct hop *h)
{
    int rc;

    switch (h->state) {
    case HOP_HANDSHAKE:
        h->fd_given = true;
        rc = ssh_connect(h->s);
        if (rc == SSH_AGAIN)
            break;
        if (rc != SSH_OK) {
            hop_fail(h, "%s: SSH to %s port %d: %s", h->name, h->host, h->port,
                     ssh_get_error(h->s));
            return;
        }
        hop_check_hostkey(h);
        return;
    case HOP_AUTH:
        hop_auth(h);
        break;
    case HOP_OPENING:
        hop_opening(h);
        break;
    default:
        break;
    }
    hop_watch(h); /* after a host key answer it watched nothing */
}

/* ---- an open channel ---- */

static bool hop_flush(struct hop *h)
{
    while (h->in.len > 0) {
        uint32_t win = ssh_channel_window_size(h->ch);
        int w;

        if (win == 0)
            break;
        w = ssh_channel_write(h->ch, h->in.data,
                              (uint32_t)(h->in.len < win ? h->in.len : win));
        if (w == SSH_ERROR) {
            hop_fail(h, "%s: %s", h->name, ssh_get_error(h->s));
            return false;
        }
        if (w <= 0)
            break;
        buf_consume(&h->in, (size_t)w);
    }
    if (h->eof_wanted && !h->eof_sent && h->in.len == 0) {
        ssh_channel_send_eof(h->ch);
        h->eof_sent = true;
    }
    return true;
}

/*
 * Deliver what the channel holds; false when h ended. Reading one stream
 * can pull packets of the other into libssh, where the descriptor no
 * longer shows them: passes repeat until one reads nothing.
 */
static bool hop_read(struct hop *h)
{
    char chunk[HOP_CHUNK];
    bool again = true;
    int n;

    while (again && !h->hold) {
        again = false;
        for (int is_stderr = 0; is_stderr < 2 && !h->hold; is_stderr++) {
            while (!h->hold) {
                n = ssh_channel_read_nonblocking(h->ch, chunk, sizeof chunk,
                                                 is_stderr);
                if (n == SSH_ERROR) {
                    hop_fail(h, "%s: %s", h->name, ssh_get_error(h->s));
                    return false;
                }
                if (n <= 0) /* SSH_EOF or nothing now */
                    break;
                again = true;
                if (h->cb.data != NULL)
                    h->cb.data(h->cb.arg, h, chunk, (size_t)n, is_stderr != 0);
                if (h->state != HOP_OPEN)
                    return false;
            }
        }
    }
    return true;
}

static void hop_service(struct hop *h)
{
    bool drained;

    ssh_event_dopoll(h->ev, 0);
    if (!ssh_is_connected(h->s)) {
        hop_fail(h, "%s: the connection closed: %s", h->name,
                 ssh_get_error(h->s));
        return;
    }
    if (!hop_flush(h) || !hop_read(h))
        return;
    drained = !h->hold && ssh_channel_poll(h->ch, 0) <= 0 &&
              ssh_channel_poll(h->ch, 1) <= 0;
    /* The end is EOF with everything read, and the status or the close. */
    if (drained && (ssh_channel_is_closed(h->ch) ||
                    (ssh_channel_is_eof(h->ch) && h->status >= 0))) {
        if (h->status < 0)
            hop_fail(h, "%s: the session ended without an exit status",
                     h->name);
        else
            hop_finish(h, h->status, NULL);
        return;
    }
    hop_watch(h);
}

/* ---- events ---- */

static void hop_connected(struct hop *h)
{
    int err = 0;
    socklen_t len = sizeof err;

    getsockopt(h->fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
        hop_fail(h, "%s: connect to %s port %d: %s", h->name, h->host, h->port,
                 strerror(err));
        return;
    }
    hop_set(h, HOP_HANDSHAKE, "SSH handshake with %s", h->host);
    hop_step(h);
}

static void hop_on_fd(int fd, short revents, void *arg)
{
    struct hop *h = arg;

    (void)fd;
    if (h->state == HOP_HOSTKEY && (revents & (POLLHUP | POLLERR)))
        hop_fail(h, "%s: the connection closed while the host key was asked",
                 h->name);
    else if (h->state == HOP_CONNECTING)
        hop_connected(h);
    else if (h->state == HOP_OPEN)
        hop_service(h);
    else if (h->state != HOP_HOSTKEY && h->state != HOP_CLOSED)
        hop_step(h);
}

static long hop_tick(void *arg)
{
    struct hop *h = arg;

    if (h->state == HOP_OPEN || h->state == HOP_CLOSED) {
        h->timer = 0;
        if (h->state == HOP_CLOSED) /* hop_new could not set it up */
            hop_finish(h, -1, h->msg);
        return LOOP_STOP; /* a running shell may be quiet for hours */
    }
    if (h->state == HOP_HOSTKEY) /* the user takes their time */
        return HOP_TICK_MS;
    if (loop_now_ms() > h->deadline) {
        h->timer = 0;
        hop_fail(h, "%s: timed out %s", h->name,
                 h->state == HOP_AUTH      ? "authenticating"
                 : h->state == HOP_OPENING ? "starting the session"
                                           : "connecting");
        return LOOP_STOP;
    }
    return HOP_TICK_MS;
}

static long hop_kick_cb(void *arg)
{
    struct hop *h = arg;

    h->kick = 0;
    if (h->state == HOP_OPEN)
        hop_service(h);
    return LOOP_STOP;
}

/* ---- the API ---- */

struct hop *hop_new(struct loop *loop, int fd, bool connecting,
                    const struct hop_config *cfg, const struct hop_cb *cb)
{
    struct hop *h = xcalloc(1, sizeof *h);

    h->loop = loop;
    h->cb = *cb;
    h->fd = fd;
    h->status = -1;
    h->name = xstrdup(cfg->name != NULL ? cfg->name : cfg->host);
    h->host = xstrdup(cfg->host);
    h->port = cfg->port > 0 ? cfg->port : 22;
    h->user = xstrdup(cfg->user);
    h->key = cfg->key;
    h->known_hosts = hop_dup(cfg->known_hosts);
    h->ssh_dir = hop_dup(cfg->ssh_dir);
    h->term = hop_dup(cfg->term);
    h->cols = cfg->cols > 0 ? cfg->cols : 80;
    h->rows = cfg->rows > 0 ? cfg->rows : 24;
    h->command = hop_dup(cfg->command);
    h->deadline = loop_now_ms() + HOP_CONNECT_MS;
    h->timer = loop_add_timer(loop, HOP_TICK_MS, hop_tick, h);
    h->fd_events = connecting ? POLLOUT : POLLIN;
    loop_add_fd(loop, fd, h->fd_events, hop_on_fd, h);
    if (hop_options(h) < 0) {
        hop_set(h, HOP_CLOSED, "%s: cannot set up SSH: %s", h->name,
                h->s != NULL ? ssh_get_error(h->s) : "out of memory");
        return h; /* reported by the tick, never from inside hop_new */
    }
    if (connecting)
        hop_set(h, HOP_CONNECTING, "connecting to %s port %d", h->host,
                h->port);
    else
        hop_set(h, HOP_HANDSHAKE, "SSH handshake with %s", h->host);
    return h;
}

void hop_free(struct hop *h)
{
    if (h == NULL)
        return;
    if (h->end != 0)
        loop_del_timer(h->loop, h->end);
    hop_release(h);
    buf_free(&h->in);
    free(h->name);
    free(h->host);
    free(h->user);
    free(h->known_hosts);
    free(h->ssh_dir);
    free(h->term);
    free(h->command);
    free(h);
}

void hop_answer_hostkey(struct hop *h, enum bastion_answer a)
{
    if (h->state != HOP_HOSTKEY)
        return;
    if (a == BASTION_REJECT) {
        hop_fail(h, "%s: the host key was rejected", h->name);
        return;
    }
    if (a == BASTION_ACCEPT_SAVE && ssh_session_update_known_hosts(h->s) < 0)
        hop_set(h, HOP_AUTH, "accepted, but not saved: %s",
                ssh_get_error(h->s));
    else
        hop_set(h, HOP_AUTH, "authenticating as %s", h->user);
    h->deadline = loop_now_ms() + HOP_CONNECT_MS;
    hop_step(h);
}

void hop_write(struct hop *h, const void *p, size_t n)
{
    if (h->state == HOP_CLOSED || h->eof_wanted)
        return;
    buf_append(&h->in, p, n);
    if (h->state == HOP_OPEN && h->kick == 0)
        h->kick = loop_add_timer(h->loop, 0, hop_kick_cb, h);
}

void hop_send_eof(struct hop *h)
{
    h->eof_wanted = true;
    if (h->state == HOP_OPEN && h->kick == 0)
        h->kick = loop_add_timer(h->loop, 0, hop_kick_cb, h);
}

void hop_resize(struct hop *h, int cols, int rows)
{
    if (cols <= 0 || rows <= 0 || (cols == h->cols && rows == h->rows))
        return;
    h->cols = cols;
    h->rows = rows;
    /* Before the PTY exists, the new size goes into its request. */
    if (h->state == HOP_OPEN && h->term != NULL) {
        ssh_channel_change_pty_size(h->ch, cols, rows);
        hop_watch(h);
    }
}

void hop_hold(struct hop *h, bool hold)
{
    if (h->hold == hold)
        return;
    h->hold = hold;
    /* Output already inside libssh will not make the fd readable again. */
    if (!hold && h->state == HOP_OPEN && h->kick == 0)
        h->kick = loop_add_timer(h->loop, 0, hop_kick_cb, h);
}

void hop_transport_error(struct hop *h, const char *why)
{
    if (h->state == HOP_CLOSED)
        return;
    hop_fail(h, "%s: %s", h->name, why);
}

enum hop_state hop_state(const struct hop *h)
{
    return h->state;
}

const char *hop_message(const struct hop *h)
{
    return h->msg;
}

size_t hop_pending(const struct hop *h)
{
    return h->in.len;
}
