/*
 * direct-tcpip channels pumped to local sockets. Back-pressure follows the
 * SSH window one way and the local socket the other; a pass over the
 * channels repeats until none moves, because reading one channel can
 * queue data for the others without the socket becoming readable again.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "backend/bastion_int.h"
#include "backend/loop.h"
#include "backend/xalloc.h"

#define PUMP_CHUNK  32768
#define PUMP_BUFFER (256 * 1024) /* held for a slow reader before pausing */

static void pump_on_fd(int fd, short revents, void *arg);

/* End the pump: close both sides, tell its owner once, forget it. */
static void pump_close(struct bastion_pump *p, const char *err)
{
    struct bastion *b = p->b;
    struct bastion_forward_cb cb = p->cb;

    for (struct bastion_pump **pp = &b->pumps; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == p) {
            *pp = p->next;
            break;
        }
    }
    b->npumps--;
    loop_del_fd(b->loop, p->fd);
    close(p->fd);
    if (p->ch != NULL) {
        if (p->open && b->s != NULL && ssh_is_connected(b->s))
            ssh_channel_close(p->ch);
        ssh_channel_free(p->ch);
    }
    buf_free(&p->to_fd);
    buf_free(&p->to_ch);
    free(p);
    if (cb.done != NULL)
        cb.done(cb.arg, err);
}

void bastion_pumps_close_all(struct bastion *b, const char *why)
{
    while (b->pumps != NULL)
        pump_close(b->pumps, why);
}

static void pump_watch(struct bastion_pump *p)
{
    short ev = 0;

    if (p->open && !p->fd_eof && p->to_ch.len < PUMP_CHUNK &&
        ssh_channel_window_size(p->ch) > 0)
        ev |= POLLIN;
    if (p->to_fd.len > 0)
        ev |= POLLOUT;
    if (ev != p->fd_events) {
        loop_mod_fd(p->b->loop, p->fd, ev);
        p->fd_events = ev;
    }
}

/* Channel to socket. Returns true when something moved. */
static bool pump_from_channel(struct bastion_pump *p, const char **err)
{
    char chunk[PUMP_CHUNK];
    bool moved = false;
    int n;

    while (!p->ch_eof && p->to_fd.len < PUMP_BUFFER) {
        n = ssh_channel_read_nonblocking(p->ch, chunk, sizeof chunk, 0);
        if (n == SSH_EOF) {
            p->ch_eof = true;
            moved = true;
        } else if (n < 0) {
            *err = ssh_get_error(p->b->s);
            return true;
        } else if (n == 0) {
            if (ssh_channel_is_eof(p->ch) || ssh_channel_is_closed(p->ch)) {
                p->ch_eof = true;
                moved = true;
            }
            break;
        } else {
            buf_append(&p->to_fd, chunk, (size_t)n);
            p->b->rx += (unsigned long long)n;
            moved = true;
        }
    }
    while (p->to_fd.len > 0) {
        ssize_t w = write(p->fd, p->to_fd.data, p->to_fd.len);

        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (w < 0) {
            *err = strerror(errno); /* the local reader went away */
            return true;
        }
        buf_consume(&p->to_fd, (size_t)w);
        moved = true;
    }
    return moved;
}

/* Socket data already read, to the channel as the window allows. */
static bool pump_to_channel(struct bastion_pump *p, const char **err)
{
    bool moved = false;

    while (p->to_ch.len > 0) {
        uint32_t win = ssh_channel_window_size(p->ch);
        int w;

        if (win == 0)
            break;
        w = ssh_channel_write(
            p->ch, p->to_ch.data,
            (uint32_t)(p->to_ch.len < win ? p->to_ch.len : win));
        if (w == SSH_ERROR) {
            *err = ssh_get_error(p->b->s);
            return true;
        }
        if (w <= 0)
            break;
        p->b->tx += (unsigned long long)w;
        buf_consume(&p->to_ch, (size_t)w);
        moved = true;
    }
    return moved;
}

/*
 * libssh gives the channel-open failure as a number in its text ("error
 * (1)"); say what the RFC 4254 reason codes mean.
 */
static const char *pump_open_error(const char *text)
{
    static const char *const reasons[] = {
        NULL,
        "administratively prohibited (the bastion does not allow forwarding "
        "there: AllowTcpForwarding/PermitOpen)",
        "connect failed (nothing answers there, seen from the bastion)",
        "unknown channel type", "resource shortage on the bastion"
    };
    const char *e = strstr(text, "error (");
    int code;

    if (e == NULL || sscanf(e, "error (%d)", &code) != 1 || code < 1 ||
        code > 4)
        return text;
    return reasons[code];
}

/* One step of one pump; returns true when it made progress (or ended). */
static bool pump_step(struct bastion_pump *p)
{
    const char *err = NULL;
    char msg[512];
    bool moved;
    int rc;

    if (!p->open) {
        rc = ssh_channel_open_forward(p->ch, p->host, p->port, "127.0.0.1", 0);
        if (rc == SSH_AGAIN)
            return false;
        if (rc != SSH_OK) {
            snprintf(msg, sizeof msg,
                     "the bastion could not forward to %s:%d: %s", p->host,
                     p->port, pump_open_error(ssh_get_error(p->b->s)));
            pump_close(p, msg);
            return true;
        }
        p->open = true;
        if (p->cb.opened != NULL)
            p->cb.opened(p->cb.arg);
    }
    moved = pump_to_channel(p, &err);
    if (err == NULL)
        moved = pump_from_channel(p, &err) || moved;
    if (err != NULL) {
        snprintf(msg, sizeof msg, "channel to %s:%d: %s", p->host, p->port,
                 err);
        pump_close(p, msg);
        return true;
    }
    if (p->fd_eof && p->to_ch.len == 0 && !ssh_channel_is_eof(p->ch) &&
        ssh_channel_is_open(p->ch)) {
        ssh_channel_send_eof(p->ch);
        moved = true;
    }
    if (p->ch_eof && p->to_fd.len == 0) {
        if (p->fd_eof || ssh_channel_is_closed(p->ch)) {
            pump_close(p, NULL);
            return true;
        }
        shutdown(p->fd, SHUT_WR); /* the local reader sees the end */
    }
    pump_watch(p);
    return moved;
}

void bastion_pumps_service(struct bastion *b)
{
    bool moved;

    do {
        struct bastion_pump *p = b->pumps, *next;

        moved = false;
        while (p != NULL) {
            next = p->next; /* the step may close and free p */
            moved = pump_step(p) || moved;
            p = next;
        }
    } while (moved && b->s != NULL);
}

static void pump_on_fd(int fd, short revents, void *arg)
{
    struct bastion_pump *p = arg;
    struct bastion *b = p->b;
    char chunk[PUMP_CHUNK];

    if (revents & (POLLIN | POLLHUP | POLLERR)) {
        ssize_t n = read(fd, chunk, sizeof chunk);

        if (n > 0)
            buf_append(&p->to_ch, chunk, (size_t)n);
        else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
            p->fd_eof = true;
    }
    bastion_pumps_service(b);
    bastion_watch(b);
}

void bastion_forward(struct bastion *b, int fd, const char *host, int port,
                     const struct bastion_forward_cb *cb)
{
    struct bastion_pump *p;
    char msg[512];

    if (b->state != BASTION_READY || b->s == NULL) {
        snprintf(msg, sizeof msg, "the bastion is not connected (%.400s)",
                 b->msg[0] != '\0' ? b->msg : "connecting");
        close(fd);
        if (cb->done != NULL)
            cb->done(cb->arg, msg);
        return;
    }
    p = xcalloc(1, sizeof *p);
    p->b = b;
    p->fd = fd;
    p->ch = ssh_channel_new(b->s);
    snprintf(p->host, sizeof p->host, "%s", host);
    p->port = port;
    p->cb = *cb;
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    p->next = b->pumps;
    b->pumps = p;
    b->npumps++;
    loop_add_fd(b->loop, fd, 0, pump_on_fd, p);
    bastion_pumps_service(b);
    bastion_watch(b);
}

void bastion_forward_detach(struct bastion *b, void *arg)
{
    for (struct bastion_pump *p = b->pumps; p != NULL; p = p->next) {
        if (p->cb.arg == arg) {
            p->cb.opened = NULL;
            p->cb.done = NULL;
        }
    }
}
