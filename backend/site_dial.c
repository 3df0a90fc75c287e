/*
 * Streams to a site's hosts for SSH sessions: a socketpair whose far end
 * the bastion carries over a direct-tcpip channel, or a plain TCP connect
 * for a site without a bastion. Also the identity keys of its sessions.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "backend/bastion.h"
#include "backend/config.h"
#include "backend/loop.h"
#include "backend/site_int.h"
#include "backend/sshkey.h"
#include "backend/worker.h"
#include "backend/xalloc.h"

struct site_dial {
    struct site *site;
    struct bastion *b; /* NULL: a direct connect */
    struct site_dial_cb cb;
    int fd; /* ours until handed over */
    char *host;
    int port;
    struct dial_lookup *lookup;
};

/* A name lookup for a direct connect; d is NULL once abandoned. */
struct dial_lookup {
    struct site_dial *d;
    char *host;
    char port[8];
    struct addrinfo *ai;
    int gai;
};

static void dial_handover(struct site_dial *d, bool connecting)
{
    int fd = d->fd;

    d->fd = -1;
    if (d->cb.ready != NULL)
        d->cb.ready(d->cb.arg, fd, connecting);
}

/* ---- through the bastion ---- */

static void dial_opened(void *arg)
{
    dial_handover(arg, false);
}

static void dial_done(void *arg, const char *err)
{
    struct site_dial *d = arg;
    char msg[768];

    /* A clean close after the session ended says nothing new. */
    if (err == NULL && d->fd < 0)
        return;
    snprintf(msg, sizeof msg, "%s",
             err != NULL ? err : "the bastion closed the channel");
    if (d->cb.lost != NULL)
        d->cb.lost(d->cb.arg, msg);
}

static int dial_bastion(struct site_dial *d, struct mc_err *err)
{
    struct bastion_forward_cb cb = { dial_opened, dial_done, d };
    int sv[2];

    if (bastion_state(d->b) != BASTION_READY)
        return err_set(err, "the bastion of %s is not connected (%.150s)",
                       d->site->name,
                       bastion_message(d->b)[0] != '\0' ? bastion_message(d->b)
                                                        : "connecting");
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) <
        0)
        return err_set(err, "socketpair: %s", strerror(errno));
    d->fd = sv[0];
    bastion_forward(d->b, sv[1], d->host, d->port, &cb);
    return 0;
}

/* ---- directly ---- */

static void dial_lookup_run(void *arg)
{
    struct dial_lookup *l = arg;
    struct addrinfo hints = { 0 };

    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_ADDRCONFIG;
    l->gai = getaddrinfo(l->host, l->port, &hints, &l->ai);
}

static void dial_lookup_done(void *arg)
{
    struct dial_lookup *l = arg;
    struct site_dial *d = l->d;
    char msg[512];
    int one = 1;

    if (d == NULL)
        goto out;
    d->lookup = NULL;
    if (l->gai != 0) {
        snprintf(msg, sizeof msg, "cannot resolve %s: %s", d->host,
                 gai_strerror(l->gai));
        if (d->cb.lost != NULL)
            d->cb.lost(d->cb.arg, msg);
        goto out;
    }
    d->fd =
        socket(l->ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (d->fd >= 0)
        setsockopt(d->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (d->fd < 0 || (connect(d->fd, l->ai->ai_addr, l->ai->ai_addrlen) < 0 &&
                      errno != EINPROGRESS)) {
        snprintf(msg, sizeof msg, "connect to %s port %d: %s", d->host, d->port,
                 strerror(errno));
        if (d->cb.lost != NULL)
            d->cb.lost(d->cb.arg, msg);
        goto out;
    }
    dial_handover(d, true);
out:
    if (l->ai != NULL)
        freeaddrinfo(l->ai);
    free(l->host);
    free(l);
}

/* ---- the API ---- */

struct site_dial *site_dial(struct site *s, const char *host, int port,
                            const struct site_dial_cb *cb, struct mc_err *err)
{
    struct site_dial *d;
    struct dial_lookup *l;

    if (s->demo || s->remote == NULL) {
        err_set(err, "%s is the demo site: it has no hosts to reach", s->name);
        return NULL;
    }
    d = xcalloc(1, sizeof *d);
    d->site = s;
    d->cb = *cb;
    d->fd = -1;
    d->host = xstrdup(host);
    d->port = port;
    d->b = site_remote_bastion(s);
    if (!s->cfg->direct && d->b == NULL) {
        err_set(err, "%s is not connected yet", s->name);
        site_dial_free(d);
        return NULL;
    }
    if (d->b != NULL) {
        if (dial_bastion(d, err) < 0) {
            site_dial_free(d);
            return NULL;
        }
        return d;
    }
    l = xcalloc(1, sizeof *l);
    l->d = d;
    l->host = xstrdup(host);
    snprintf(l->port, sizeof l->port, "%d", port);
    d->lookup = l;
    worker_submit(s->worker, dial_lookup_run, dial_lookup_done, l, 0);
    return d;
}

void site_dial_free(struct site_dial *d)
{
    if (d == NULL)
        return;
    if (d->b != NULL)
        bastion_forward_detach(d->b, d);
    if (d->lookup != NULL)
        d->lookup->d = NULL;
    if (d->fd >= 0)
        close(d->fd);
    free(d->host);
    free(d);
}

/* ---- identity keys ---- */

struct site_key {
    char *path;
    ssh_key key;
};

struct site_key_wait {
    struct site *site;
    struct sshkey_load *load;
    char *path;
    site_key_done done;
    void *arg;
    struct site_key_wait *next;
};

struct site_ssh {
    struct site_key *keys;
    size_t nkeys;
    struct site_key_wait *waits;
};

static struct site_ssh *site_ssh_of(struct site *s)
{
    if (s->ssh == NULL)
        s->ssh = xcalloc(1, sizeof *s->ssh);
    return s->ssh;
}

struct ssh_key_struct *site_key_get(struct site *s, const char *path)
{
    if (s->ssh == NULL)
        return NULL;
    for (size_t i = 0; i < s->ssh->nkeys; i++)
        if (strcmp(s->ssh->keys[i].path, path) == 0)
            return s->ssh->keys[i].key;
    return NULL;
}

static void site_key_unlink(struct site *s, struct site_key_wait *w)
{
    for (struct site_key_wait **pp = &s->ssh->waits; *pp != NULL;
         pp = &(*pp)->next) {
        if (*pp == w) {
            *pp = w->next;
            return;
        }
    }
}

static void site_key_loaded(void *arg, ssh_key key, const char *err)
{
    struct site_key_wait *w = arg;
    struct site *s = w->site;
    struct site_ssh *ss = s->ssh;
    ssh_key have = site_key_get(s, w->path);

    site_key_unlink(s, w);
    if (key != NULL && have == NULL) {
        ss->keys = xreallocarray(ss->keys, ss->nkeys + 1, sizeof *ss->keys);
        ss->keys[ss->nkeys].path = xstrdup(w->path);
        ss->keys[ss->nkeys++].key = key;
        have = key;
    } else if (key != NULL) {
        ssh_key_free(key); /* another wait read it first */
    }
    w->done(w->arg, key != NULL ? have : NULL, err);
    free(w->path);
    free(w);
}

struct site_key_wait *site_key_load(struct site *s, const char *path,
                                    site_key_done done, void *arg)
{
    struct site_ssh *ss = site_ssh_of(s);
    struct site_key_wait *w = xcalloc(1, sizeof *w);

    w->site = s;
    w->path = xstrdup(path);
    w->done = done;
    w->arg = arg;
    w->next = ss->waits;
    ss->waits = w;
    w->load = sshkey_load(s->worker, path, site_key_loaded, w);
    return w;
}

void site_key_cancel(struct site *s, struct site_key_wait *w)
{
    if (w == NULL)
        return;
    sshkey_load_cancel(w->load);
    site_key_unlink(s, w);
    free(w->path);
    free(w);
}

void site_ssh_free(struct site *s)
{
    struct site_ssh *ss = s->ssh;

    if (ss == NULL)
        return;
    while (ss->waits != NULL)
        site_key_cancel(s, ss->waits);
    for (size_t i = 0; i < ss->nkeys; i++) {
        free(ss->keys[i].path);
        ssh_key_free(ss->keys[i].key);
    }
    free(ss->keys);
    free(ss);
    s->ssh = NULL;
}
