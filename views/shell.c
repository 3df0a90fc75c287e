/* The terminal bridge between the user's tty and a session. */
#include "views/shell.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/buf.h"
#include "backend/loop.h"
#include "backend/session.h"
#include "backend/xalloc.h"
#include "tui/rawterm.h"

#define SHELL_OUT_MAX  (256 * 1024) /* queued for the tty before holding */
#define SHELL_DRAIN_MS 2000         /* to write the last output at the end */

struct shell {
    struct loop *loop;
    struct session *sess;
    struct shell_cb cb;
    struct buf out; /* for the terminal */
    short out_events;
    bool held;
    bool line_start; /* the last key was Enter: "~" may start an escape */
    bool tilde;      /* "~" seen at a line start, held back */
};

static void shell_watch_out(struct shell *sh)
{
    short ev = sh->out.len > 0 ? POLLOUT : 0;

    if (ev != sh->out_events) {
        loop_mod_fd(sh->loop, STDOUT_FILENO, ev);
        sh->out_events = ev;
    }
}

/* Write what the terminal takes now; hold the session while far behind. */
static void shell_flush(struct shell *sh)
{
    while (sh->out.len > 0) {
        ssize_t w = rawterm_write(sh->out.data, sh->out.len);

        if (w <= 0)
            break; /* full now (0), or the terminal went away (-1) */
        buf_consume(&sh->out, (size_t)w);
    }
    if (sh->held != (sh->out.len > SHELL_OUT_MAX) && sh->sess != NULL) {
        sh->held = !sh->held;
        session_hold(sh->sess, sh->held);
    }
    shell_watch_out(sh);
}

static void shell_on_out(int fd, short revents, void *arg)
{
    (void)fd;
    (void)revents;
    shell_flush(arg);
}

/* Give the terminal back: the rest of the output, then the old mode. */
static void shell_release(struct shell *sh)
{
    long long until = loop_now_ms() + SHELL_DRAIN_MS;

    loop_del_fd(sh->loop, STDIN_FILENO);
    loop_del_fd(sh->loop, STDOUT_FILENO);
    while (sh->out.len > 0 && loop_now_ms() < until) {
        struct pollfd p = { STDOUT_FILENO, POLLOUT, 0 };

        ssize_t w;

        if (poll(&p, 1, 100) < 0 && errno != EINTR)
            break;
        w = rawterm_write(sh->out.data, sh->out.len);
        if (w < 0)
            break;
        buf_consume(&sh->out, (size_t)w);
    }
    buf_free(&sh->out);
    rawterm_leave();
}

/* The end, told once; the owner may free sh in the callback. */
static void shell_end(struct shell *sh, int status, const char *why)
{
    char msg[1024];

    snprintf(msg, sizeof msg, "%s", why != NULL ? why : "");
    session_free(sh->sess);
    sh->sess = NULL;
    shell_release(sh);
    if (sh->cb.ended != NULL)
        sh->cb.ended(sh->cb.arg, sh, status, why != NULL ? msg : NULL);
}

static void shell_local(struct shell *sh, const char *text)
{
    buf_puts(&sh->out, text);
    shell_flush(sh);
}

/* Keys to the session, minding the "~" escapes at a line start. */
static void shell_keys(struct shell *sh, const char *p, size_t n)
{
    struct buf send = { 0 };

    for (size_t i = 0; i < n; i++) {
        char c = p[i];

        if (sh->tilde) {
            sh->tilde = false;
            if (c == '.') {
                buf_free(&send);
                shell_local(sh, "~.\r\n");
                shell_end(sh, SHELL_CLOSED_BY_USER, NULL);
                return;
            }
            if (c == '?') {
                shell_local(sh, "~?\r\nmctop escapes (after Enter):\r\n"
                                "  ~.  close the session\r\n"
                                "  ~?  this help\r\n"
                                "  ~~  send one ~\r\n");
                continue;
            }
            if (c != '~')
                buf_putc(&send, '~');
            buf_putc(&send, c);
            sh->line_start = false;
            continue;
        }
        if (c == '~' && sh->line_start) {
            sh->tilde = true;
            continue;
        }
        buf_putc(&send, c);
        sh->line_start = c == '\r' || c == '\n';
    }
    if (send.len > 0)
        session_write(sh->sess, send.data, send.len);
    buf_free(&send);
}

static void shell_on_in(int fd, short revents, void *arg)
{
    struct shell *sh = arg;
    char chunk[4096];
    ssize_t n = read(fd, chunk, sizeof chunk);

    if (n > 0) {
        shell_keys(sh, chunk, (size_t)n);
        return;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR) &&
        !(revents & (POLLHUP | POLLERR)))
        return;
    shell_end(sh, -1, "the terminal went away");
}

/* ---- session events ---- */

static void shell_on_data(void *arg, struct session *s, const char *p, size_t n,
                          bool is_stderr)
{
    struct shell *sh = arg;

    (void)s;
    (void)is_stderr;
    buf_append(&sh->out, p, n);
    shell_flush(sh);
}

static void shell_on_closed(void *arg, struct session *s, int status,
                            const char *why)
{
    struct shell *sh = arg;
    char msg[1024];

    (void)s;
    snprintf(msg, sizeof msg, "%s", why != NULL ? why : "");
    shell_end(sh, status, why != NULL ? msg : NULL);
}

/* ---- the API ---- */

struct shell *shell_new(struct loop *loop, struct session *sess,
                        const struct shell_cb *cb)
{
    struct shell *sh = xcalloc(1, sizeof *sh);
    struct session_cb scb = { NULL, NULL, shell_on_data, shell_on_closed, sh };

    sh->loop = loop;
    sh->sess = sess;
    sh->cb = *cb;
    sh->line_start = true;
    rawterm_enter();
    session_set_cb(sess, &scb);
    loop_add_fd(loop, STDIN_FILENO, POLLIN, shell_on_in, sh);
    loop_add_fd(loop, STDOUT_FILENO, 0, shell_on_out, sh);
    shell_winch(sh); /* the size may have changed while it connected */
    return sh;
}

void shell_winch(struct shell *sh)
{
    int cols, rows;

    rawterm_size(&cols, &rows);
    if (sh->sess != NULL)
        session_resize(sh->sess, cols, rows);
}

void shell_free(struct shell *sh)
{
    if (sh == NULL)
        return;
    if (sh->sess != NULL) {
        session_free(sh->sess);
        shell_release(sh);
    }
    free(sh);
}
