/* Unix-socket listeners, one per target, forwarding through the bastion. */
#define _GNU_SOURCE /* struct ucred, accept4 */
#include "tunnel.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "backend/bastion.h"
#include "backend/loop.h"
#include "backend/xalloc.h"

struct tunnel_target {
    struct tunnel *t;
    char *host;
    int port;
    char path[108];
    int fd;
    bool shared;     /* any process of this user may connect, not just us */
    char error[512]; /* the last forward's failure, "" after a success */
};

struct tunnel {
    struct loop *loop;
    struct bastion *b;
    char dir[80];
    struct tunnel_target **targets;
    size_t n;
};

struct tunnel *tunnel_new(struct loop *loop, struct bastion *b)
{
    struct tunnel *t = xcalloc(1, sizeof *t);

    t->loop = loop;
    t->b = b;
    return t;
}

void tunnel_free(struct tunnel *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->n; i++) {
        /* Channels may outlive us (the bastion goes last). */
        bastion_forward_detach(t->b, t->targets[i]);
        loop_del_fd(t->loop, t->targets[i]->fd);
        close(t->targets[i]->fd);
        unlink(t->targets[i]->path);
        free(t->targets[i]->host);
        free(t->targets[i]);
    }
    free(t->targets);
    if (t->dir[0] != '\0')
        rmdir(t->dir);
    free(t);
}

/* mkdtemp makes the directory 0700: only we can connect to what is in it. */
static int tunnel_mkdir(struct tunnel *t, struct mc_err *err)
{
    const char *base = getenv("XDG_RUNTIME_DIR");

    if (base == NULL || base[0] != '/' || strlen(base) > 40)
        base = "/tmp";
    snprintf(t->dir, sizeof t->dir, "%s/mctop.XXXXXX", base);
    if (mkdtemp(t->dir) == NULL) {
        err_set(err, "cannot make a private directory in %s: %s", base,
                strerror(errno));
        t->dir[0] = '\0';
        return -1;
    }
    return 0;
}

static void tunnel_forward_done(void *arg, const char *err)
{
    struct tunnel_target *tt = arg;

    if (err != NULL)
        snprintf(tt->error, sizeof tt->error, "%s", err);
}

static void tunnel_accept(int fd, short revents, void *arg)
{
    struct tunnel_target *tt = arg;
    struct ucred cred;
    socklen_t len = sizeof cred;
    struct bastion_forward_cb cb = { NULL, tunnel_forward_done, tt };
    int c;

    (void)revents;
    while ((c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
        /* Only us (or our user for a shared socket): the directory keeps
         * others out; check anyway. */
        if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
            cred.uid != getuid() || (!tt->shared && cred.pid != getpid())) {
            close(c);
            continue;
        }
        tt->error[0] = '\0';
        bastion_forward(tt->t->b, c, tt->host, tt->port, &cb);
    }
}

static struct tunnel_target *
tunnel_find(const struct tunnel *t, const char *host, int port, bool shared)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->targets[i]->port == port && t->targets[i]->shared == shared &&
            strcmp(t->targets[i]->host, host) == 0)
            return t->targets[i];
    return NULL;
}

static const char *tunnel_open(struct tunnel *t, const char *host, int port,
                               bool shared, struct mc_err *err)
{
    struct tunnel_target *tt = tunnel_find(t, host, port, shared);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };

    if (tt != NULL)
        return tt->path;
    if (t->dir[0] == '\0' && tunnel_mkdir(t, err) < 0)
        return NULL;
    tt = xcalloc(1, sizeof *tt);
    tt->t = t;
    tt->host = xstrdup(host);
    tt->port = port;
    tt->shared = shared;
    snprintf(tt->path, sizeof tt->path, "%s/t%zu.sock", t->dir, t->n);
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", tt->path);
    tt->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (tt->fd < 0 || bind(tt->fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
        listen(tt->fd, 64) < 0) {
        err_set(err, "cannot listen on %s: %s", tt->path, strerror(errno));
        if (tt->fd >= 0)
            close(tt->fd);
        free(tt->host);
        free(tt);
        return NULL;
    }
    loop_add_fd(t->loop, tt->fd, POLLIN, tunnel_accept, tt);
    t->targets = xreallocarray(t->targets, t->n + 1, sizeof *t->targets);
    t->targets[t->n++] = tt;
    return tt->path;
}

const char *tunnel_path(struct tunnel *t, const char *host, int port,
                        struct mc_err *err)
{
    return tunnel_open(t, host, port, false, err);
}

const char *tunnel_path_shared(struct tunnel *t, const char *host, int port,
                               struct mc_err *err)
{
    return tunnel_open(t, host, port, true, err);
}

const char *tunnel_error(const struct tunnel *t, const char *host, int port)
{
    const struct tunnel_target *tt = tunnel_find(t, host, port, false);

    return tt != NULL && tt->error[0] != '\0' ? tt->error : NULL;
}
