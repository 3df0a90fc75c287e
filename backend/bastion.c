/*
 * The bastion connection: name lookup, TCP connect, SSH handshake, strict
 * host key check, authentication, keepalive and reconnect with backoff.
 * libssh runs non-blocking on the loop thread; lookups and key files go
 * to a worker so the screen never waits for them.
 */
#include "bastion.h"

#include <errno.h>
#include <fcntl.h>
#include <libssh/server.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "backend/bastion_int.h"
#include "backend/loop.h"
#include "backend/sshkey.h"
#include "backend/worker.h"
#include "backend/xalloc.h"

#define BASTION_CONNECT_MS 15000 /* lookup to authenticated */
#define BASTION_TICK_MS    1000
#define BASTION_KEEPALIVE_MS                                                   \
    2000                            /* a keepalive when the line is this quiet \
                                     */
#define BASTION_DEAD_MS        9000 /* silence that means a hung bastion */
#define BASTION_BACKOFF_MIN_MS 1000
#define BASTION_BACKOFF_MAX_MS 60000

/* A name lookup on the worker; b is NULL once abandoned. */
struct bastion_job {
    struct bastion *b;
    char *host;
    char port[8];
    struct addrinfo *ai;
    int gai;
};

static void bastion_begin(struct bastion *b);
static void bastion_step(struct bastion *b);

static void bastion_set(struct bastion *b, enum bastion_state st,
                        const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void bastion_set(struct bastion *b, enum bastion_state st,
                        const char *fmt, ...)
{
    va_list ap;

    b->state = st;
    va_start(ap, fmt);
    vsnprintf(b->msg, sizeof b->msg, fmt, ap);
    va_end(ap);
    if (b->cb.changed != NULL)
        b->cb.changed(b->cb.arg, b);
}

static char *bastion_strdup(const char *s)
{
    return s != NULL ? xstrdup(s) : NULL;
}

struct bastion *bastion_new(struct loop *loop, const struct bastion_config *cfg,
                            const struct bastion_cb *cb)
{
    struct bastion *b = xcalloc(1, sizeof *b);
    const char *home = getenv("HOME");

    b->loop = loop;
    b->cb = *cb;
    b->name = xstrdup(cfg->name != NULL ? cfg->name : cfg->host);
    b->host = xstrdup(cfg->host);
    b->port = cfg->port;
    b->user = bastion_strdup(cfg->user);
    b->identity = bastion_strdup(cfg->identity);
    b->known_hosts = bastion_strdup(cfg->known_hosts);
    /* libssh finds ~ through getpwuid; $HOME is what users expect. */
    if (cfg->ssh_dir != NULL)
        b->ssh_dir = xstrdup(cfg->ssh_dir);
    else if (home != NULL && home[0] == '/')
        b->ssh_dir = xasprintf("%s/.ssh", home);
    b->fd = -1;
    b->rtt_ms = -1;
    return b;
}

static void bastion_stop_timer(struct bastion *b)
{
    if (b->timer != 0)
        loop_del_timer(b->loop, b->timer);
    b->timer = 0;
}

/* Forget the session and everything hanging off it. */
static void bastion_drop(struct bastion *b, const char *why)
{
    bastion_pumps_close_all(b, why);
    if (b->job != NULL) {
        b->job->b = NULL; /* its completion frees it */
        b->job = NULL;
    }
    sshkey_load_cancel(b->key_load);
    b->key_load = NULL;
    if (b->fd >= 0)
        loop_del_fd(b->loop, b->fd);
    if (b->ev != NULL) {
        ssh_event_free(b->ev);
        b->ev = NULL;
    }
    if (b->s != NULL) {
        /* libssh owns the socket once it was handed over (SSH_OPTIONS_FD). */
        if (b->state >= BASTION_HANDSHAKE)
            ssh_disconnect(b->s);
        else if (b->fd >= 0)
            close(b->fd);
        ssh_free(b->s);
        b->s = NULL;
    } else if (b->fd >= 0) {
        close(b->fd);
    }
    b->fd = -1;
    if (b->key != NULL) {
        ssh_key_free(b->key);
        b->key = NULL;
    }
    free(b->target);
    b->target = NULL;
    b->rtt_ms = -1;
    bastion_stop_timer(b);
}

void bastion_free(struct bastion *b)
{
    if (b == NULL)
        return;
    bastion_drop(b, "mctop is closing");
    worker_free(b->worker);
    free(b->name);
    free(b->host);
    free(b->user);
    free(b->identity);
    free(b->known_hosts);
    free(b->ssh_dir);
    free(b);
}

static long bastion_retry_cb(void *arg)
{
    struct bastion *b = arg;

    b->timer = 0;
    bastion_begin(b);
    return LOOP_STOP;
}

/* Jitter spreads the reconnects of many clients after an outage. */
static long bastion_jitter(long ms)
{
    static unsigned seed;

    if (seed == 0)
        seed = (unsigned)time(NULL) ^ (unsigned)getpid();
    seed = seed * 1103515245u + 12345u;
    return ms * 3 / 4 + (long)((seed >> 8) % (unsigned)(ms / 2 + 1));
}

void bastion_lost(struct bastion *b, const char *why)
{
    char msg[1024];
    long wait;

    snprintf(msg, sizeof msg, "%s", why);
    bastion_drop(b, msg);
    b->backoff_ms =
        b->backoff_ms == 0 ? BASTION_BACKOFF_MIN_MS : b->backoff_ms * 2;
    if (b->backoff_ms > BASTION_BACKOFF_MAX_MS)
        b->backoff_ms = BASTION_BACKOFF_MAX_MS;
    wait = bastion_jitter(b->backoff_ms);
    b->retry_at = loop_now_ms() + wait;
    b->timer = loop_add_timer(b->loop, wait, bastion_retry_cb, b);
    bastion_set(b, BASTION_BACKOFF, "%s", msg);
}

/* A failure that retrying cannot fix: wait for the user. */
static void bastion_fail(struct bastion *b, const char *why)
{
    char msg[1024];

    snprintf(msg, sizeof msg, "%s", why);
    bastion_drop(b, msg);
    bastion_set(b, BASTION_FAILED, "%s", msg);
}

void bastion_watch(struct bastion *b)
{
    short ev = POLLIN;
    int one = 1;

    if (b->fd < 0)
        return;
    if (b->state == BASTION_CONNECTING)
        ev = POLLOUT;
    else if (b->state == BASTION_HOSTKEY)
        ev = 0; /* an EOF now would wake us until the user answers */
    else if (b->s != NULL && (ssh_get_poll_flags(b->s) & SSH_WRITE_PENDING))
        ev |= POLLOUT;
    if (ev != b->fd_events) {
        loop_mod_fd(b->loop, b->fd, ev);
        b->fd_events = ev;
    }
    /* Delayed ACKs stall split responses by 40 ms; the flag does not stick. */
    setsockopt(b->fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
}

/* ---- off the loop thread: name lookup and key import ---- */

static void bastion_job_run(void *arg)
{
    struct bastion_job *j = arg;
    struct addrinfo hints = { 0 };

    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_ADDRCONFIG;
    j->gai = getaddrinfo(j->host, j->port, &hints, &j->ai);
}

static void bastion_job_free(struct bastion_job *j)
{
    if (j->ai != NULL)
        freeaddrinfo(j->ai);
    free(j->host);
    free(j);
}

static void bastion_connect_tcp(struct bastion *b, struct addrinfo *ai);

static void bastion_job_done(void *arg)
{
    struct bastion_job *j = arg;
    struct bastion *b = j->b;
    char msg[1024];

    if (b == NULL) { /* abandoned: the connection attempt ended */
        bastion_job_free(j);
        return;
    }
    b->job = NULL;
    if (j->gai != 0) {
        snprintf(msg, sizeof msg, "cannot resolve %s: %s", j->host,
                 gai_strerror(j->gai));
        bastion_lost(b, msg);
    } else {
        bastion_connect_tcp(b, j->ai);
    }
    bastion_job_free(j);
}

static struct worker *bastion_worker(struct bastion *b)
{
    if (b->worker == NULL)
        b->worker = worker_new(b->loop);
    return b->worker;
}

static void bastion_submit(struct bastion *b, struct bastion_job *j)
{
    j->b = b;
    b->job = j;
    worker_submit(bastion_worker(b), bastion_job_run, bastion_job_done, j, 0);
}

/* ---- the connection steps ---- */

static long bastion_tick(void *arg);

static void bastion_on_fd(int fd, short revents, void *arg);

static int bastion_options(struct bastion *b)
{
    unsigned port = 0;
    char *host = NULL;
    int no = 0, yes = 1;

    b->s = ssh_new();
    if (b->s == NULL)
        return -1;
    ssh_options_set(b->s, SSH_OPTIONS_HOST, b->host);
    if (b->ssh_dir != NULL)
        ssh_options_set(b->s, SSH_OPTIONS_SSH_DIR, b->ssh_dir);
    ssh_options_set(b->s, SSH_OPTIONS_PROCESS_CONFIG, &no);
    /* ~/.ssh/config: Host aliases, HostName, Port, User, IdentityFile. */
    if (ssh_options_parse_config(b->s, NULL) < 0)
        return -1;
    /* Our settings win over ssh config, so set them after parsing it. */
    if (b->port > 0)
        ssh_options_set(b->s, SSH_OPTIONS_PORT, &b->port);
    if (b->user != NULL)
        ssh_options_set(b->s, SSH_OPTIONS_USER, b->user);
    if (b->known_hosts != NULL)
        ssh_options_set(b->s, SSH_OPTIONS_KNOWNHOSTS, b->known_hosts);
    /* We check host keys ourselves; "StrictHostKeyChecking no" must not count.
     */
    ssh_options_set(b->s, SSH_OPTIONS_STRICTHOSTKEYCHECK, &yes);
    ssh_options_set(b->s, SSH_OPTIONS_NODELAY, &yes);
    if (ssh_options_get(b->s, SSH_OPTIONS_HOST, &host) != SSH_OK)
        return -1;
    b->target = xstrdup(host);
    ssh_string_free_char(host);
    ssh_options_get_port(b->s, &port);
    b->target_port = (int)port;
    return 0;
}

static void bastion_begin(struct bastion *b)
{
    struct bastion_job *j;

    bastion_drop(b, "reconnecting");
    b->deadline = loop_now_ms() + BASTION_CONNECT_MS;
    b->timer = loop_add_timer(b->loop, BASTION_TICK_MS, bastion_tick, b);
    if (bastion_options(b) < 0) {
        bastion_fail(b, b->s != NULL ? ssh_get_error(b->s)
                                     : "cannot create an SSH session");
        return;
    }
    bastion_set(b, BASTION_RESOLVING, "looking up %s", b->target);
    j = xcalloc(1, sizeof *j);
    j->host = xstrdup(b->target);
    snprintf(j->port, sizeof j->port, "%d", b->target_port);
    bastion_submit(b, j);
}

static void bastion_connect_tcp(struct bastion *b, struct addrinfo *ai)
{
    int one = 1, fd;

    fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        bastion_lost(b, strerror(errno));
        return;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS) {
        char msg[1024];

        snprintf(msg, sizeof msg, "connect to %s port %d: %s", b->target,
                 b->target_port, strerror(errno));
        close(fd);
        bastion_lost(b, msg);
        return;
    }
    b->fd = fd;
    b->fd_events = POLLOUT;
    loop_add_fd(b->loop, fd, POLLOUT, bastion_on_fd, b);
    bastion_set(b, BASTION_CONNECTING, "connecting to %s port %d", b->target,
                b->target_port);
}

/* The TCP connect finished: hand the socket to libssh. */
static void bastion_connected(struct bastion *b)
{
    int err = 0;
    socklen_t len = sizeof err;
    char msg[1024];

    getsockopt(b->fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
        snprintf(msg, sizeof msg, "connect to %s port %d: %s", b->target,
                 b->target_port, strerror(err));
        bastion_lost(b, msg);
        return;
    }
    ssh_options_set(b->s, SSH_OPTIONS_FD, &b->fd);
    ssh_set_blocking(b->s, 0);
    bastion_set(b, BASTION_HANDSHAKE, "SSH handshake with %s", b->target);
    bastion_step(b);
}

/* Known, unknown (ask the user) or changed (refuse, no way around it). */
static void bastion_check_hostkey(struct bastion *b)
{
    struct bastion_hostkey k;
    char msg[1024];

    switch (
        sshkey_check(b->s, b->target, b->target_port, &k, msg, sizeof msg)) {
    case SSHKEY_KNOWN:
        bastion_set(b, BASTION_AUTH, "authenticating as %s",
                    b->user != NULL ? b->user : "the ssh config's user");
        bastion_step(b);
        return;
    case SSHKEY_UNKNOWN:
        bastion_set(b, BASTION_HOSTKEY, "unknown host key %s %s", k.type,
                    k.fingerprint);
        bastion_watch(b);
        if (b->cb.hostkey != NULL)
            b->cb.hostkey(b->cb.arg, b, &k);
        else
            bastion_fail(b, "unknown host key and nobody to ask");
        return;
    case SSHKEY_REFUSED:
    default:
        bastion_fail(b, msg);
        return;
    }
}

void bastion_answer_hostkey(struct bastion *b, enum bastion_answer a)
{
    char msg[1024];

    if (b->state != BASTION_HOSTKEY)
        return;
    if (a == BASTION_REJECT) {
        bastion_fail(b, "the host key was rejected");
        return;
    }
    if (a == BASTION_ACCEPT_SAVE && ssh_session_update_known_hosts(b->s) < 0) {
        snprintf(msg, sizeof msg, "accepted, but not saved: %s",
                 ssh_get_error(b->s));
        bastion_set(b, BASTION_AUTH, "%s", msg);
    } else {
        bastion_set(b, BASTION_AUTH, "authenticating");
    }
    b->deadline = loop_now_ms() + BASTION_CONNECT_MS;
    bastion_step(b);
}

/* Why no key worked, in words that say what to do. */
static void bastion_auth_denied(struct bastion *b)
{
    char msg[1024];
    char *user = NULL;

    ssh_options_get(b->s, SSH_OPTIONS_USER, &user);
    if (b->identity != NULL)
        snprintf(msg, sizeof msg,
                 "the bastion %s rejected the key %s for user %s", b->target,
                 b->identity, user != NULL ? user : "?");
    else if (getenv("SSH_AUTH_SOCK") != NULL)
        snprintf(msg, sizeof msg,
                 "no key accepted for user %s on %s: ssh-agent offered none "
                 "that works (is it empty? ssh-add -l) and no default key in "
                 "%s did",
                 user != NULL ? user : "?", b->target,
                 b->ssh_dir != NULL ? b->ssh_dir : "~/.ssh");
    else
        snprintf(msg, sizeof msg,
                 "no key accepted for user %s on %s: no ssh-agent, and no "
                 "default key in %s (set identity_file)",
                 user != NULL ? user : "?", b->target,
                 b->ssh_dir != NULL ? b->ssh_dir : "~/.ssh");
    ssh_string_free_char(user);
    bastion_lost(b, msg);
}

static void bastion_key_loaded(void *arg, ssh_key key, const char *err)
{
    struct bastion *b = arg;

    b->key_load = NULL;
    if (key == NULL) {
        bastion_fail(b, err);
        return;
    }
    b->key = key;
    bastion_step(b);
}

static void bastion_auth(struct bastion *b)
{
    int rc;

    if (b->identity != NULL && b->key == NULL) {
        if (b->key_load == NULL) /* else it is being read */
            b->key_load = sshkey_load(bastion_worker(b), b->identity,
                                      bastion_key_loaded, b);
        return;
    }
    rc = b->key != NULL ? ssh_userauth_publickey(b->s, NULL, b->key)
                        : ssh_userauth_publickey_auto(b->s, NULL, NULL);
    if (rc == SSH_AUTH_AGAIN)
        return;
    if (rc == SSH_AUTH_SUCCESS) {
        b->ev = ssh_event_new();
        ssh_event_add_session(b->ev, b->s);
        b->backoff_ms = 0;
        b->last_rx = b->last_ka = loop_now_ms();
        bastion_set(b, BASTION_READY, "%s", "");
        return;
    }
    if (rc == SSH_AUTH_DENIED || rc == SSH_AUTH_PARTIAL)
        bastion_auth_denied(b);
    else
        bastion_lost(b, ssh_get_error(b->s));
}

/* Advance the handshake or the authentication as far as it goes now. */
static void bastion_step(struct bastion *b)
{
    char msg[1024];
    int rc;

    if (b->state == BASTION_HANDSHAKE) {
        rc = ssh_connect(b->s);
        if (rc == SSH_AGAIN) {
            bastion_watch(b);
            return;
        }
        if (rc != SSH_OK) {
            snprintf(msg, sizeof msg, "SSH to %s port %d: %s", b->target,
                     b->target_port, ssh_get_error(b->s));
            bastion_lost(b, msg);
            return;
        }
        bastion_check_hostkey(b);
        return;
    }
    if (b->state == BASTION_AUTH)
        bastion_auth(b);
    bastion_watch(b);
}

/* ---- events ---- */

static void bastion_on_fd(int fd, short revents, void *arg)
{
    struct bastion *b = arg;
    long long now = loop_now_ms();

    (void)fd;
    if (b->state == BASTION_CONNECTING) {
        bastion_connected(b);
        return;
    }
    if (revents & POLLIN) {
        b->last_rx = now;
        if (b->last_ka > 0 && b->state == BASTION_READY) {
            double sample = (double)(now - b->last_ka);

            /* A reply (or other traffic) after our keepalive: a round trip. */
            b->rtt_ms = b->rtt_ms < 0 ? sample : 0.7 * b->rtt_ms + 0.3 * sample;
            b->last_ka = 0;
        }
    }
    if (b->state != BASTION_READY) {
        if (b->state == BASTION_HANDSHAKE || b->state == BASTION_AUTH)
            bastion_step(b);
        return;
    }
    ssh_event_dopoll(b->ev, 0);
    if (!ssh_is_connected(b->s)) {
        char msg[1024];

        snprintf(msg, sizeof msg, "the bastion closed the connection: %s",
                 ssh_get_error(b->s));
        bastion_lost(b, msg);
        return;
    }
    bastion_pumps_service(b);
    if (b->state == BASTION_READY)
        bastion_watch(b);
}

/* Once a second: connect deadline, keepalive, and liveness. */
static long bastion_tick(void *arg)
{
    struct bastion *b = arg;
    long long now = loop_now_ms();
    char msg[128];

    if (b->state == BASTION_HOSTKEY)
        return BASTION_TICK_MS; /* the user takes their time */
    if (b->state != BASTION_READY) {
        if (now > b->deadline) {
            b->timer = 0;
            snprintf(msg, sizeof msg, "timed out %s",
                     b->state == BASTION_AUTH ? "authenticating"
                                              : "connecting");
            bastion_lost(b, msg);
            return LOOP_STOP;
        }
        return BASTION_TICK_MS;
    }
    if (now - b->last_rx > BASTION_DEAD_MS) {
        b->timer = 0;
        snprintf(msg, sizeof msg, "no answer from the bastion for %lld s",
                 (now - b->last_rx) / 1000);
        bastion_lost(b, msg);
        return LOOP_STOP;
    }
    if (now - b->last_rx >= BASTION_KEEPALIVE_MS) {
        /*
         * keepalive@openssh.com wants a reply: silence means trouble. In
         * non-blocking mode a call that finds the last reply unread only
         * reads it, so the second call is the one that sends.
         */
        ssh_send_keepalive(b->s);
        ssh_send_keepalive(b->s);
        if (b->last_ka == 0)
            b->last_ka = now;
        bastion_watch(b);
    }
    if (b->cb.changed != NULL)
        b->cb.changed(b->cb.arg, b); /* the round-trip time moves */
    return BASTION_TICK_MS;
}

/* ---- the API ---- */

void bastion_start(struct bastion *b)
{
    if (b->started)
        return;
    b->started = true;
    bastion_begin(b);
}

void bastion_reconnect(struct bastion *b)
{
    b->backoff_ms = 0;
    b->started = true;
    bastion_begin(b);
}

enum bastion_state bastion_state(const struct bastion *b)
{
    return b->state;
}

const char *bastion_message(const struct bastion *b)
{
    return b->msg;
}

double bastion_rtt_ms(const struct bastion *b)
{
    return b->rtt_ms;
}

long long bastion_retry_at(const struct bastion *b)
{
    return b->retry_at;
}

void bastion_bytes(const struct bastion *b, unsigned long long *rx,
                   unsigned long long *tx)
{
    *rx = b->rx;
    *tx = b->tx;
}

unsigned bastion_channels(const struct bastion *b)
{
    return b->npumps;
}
