/* One poll(2) loop over descriptors, timers and self-pipe signals. */
#include "loop.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "xalloc.h"

#define LOOP_MAX_SIGNALS 16

struct loop_fd {
    int fd;
    short events;
    bool dead; /* removed while dispatching; compacted afterwards */
    loop_fd_cb cb;
    void *arg;
};

struct loop_timer {
    unsigned id;
    long long due;
    loop_timer_cb cb;
    void *arg;
};

struct loop_signal {
    int signo;
    loop_signal_cb cb;
    void *arg;
};

struct loop {
    struct loop_fd *fds;
    size_t nfds, capfds;
    struct pollfd *pfds;
    struct loop_timer *timers;
    size_t ntimers, captimers;
    unsigned next_timer_id;
    struct loop_signal sigs[LOOP_MAX_SIGNALS];
    size_t nsigs;
    int sigpipe[2];
    loop_hook before_sleep;
    void *before_sleep_arg;
    bool stop;
};

/* The write end of the self-pipe, for the async-signal-safe handler. */
static volatile int loop_sigpipe_w = -1;

long long loop_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

double loop_wall(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void loop_signal_handler(int signo)
{
    int saved = errno;
    unsigned char b = (unsigned char)signo;

    if (loop_sigpipe_w >= 0 && write(loop_sigpipe_w, &b, 1) < 0) {
        /* A full pipe already has a wake-up queued; nothing to do. */
    }
    errno = saved;
}

static void loop_drain_signals(int fd, short revents, void *arg)
{
    struct loop *l = arg;
    unsigned char b[64];
    ssize_t n;

    (void)fd;
    (void)revents;
    while ((n = read(l->sigpipe[0], b, sizeof b)) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            for (size_t j = 0; j < l->nsigs; j++)
                if (l->sigs[j].signo == b[i])
                    l->sigs[j].cb(b[i], l->sigs[j].arg);
        }
    }
}

static void loop_set_flags(int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
}

struct loop *loop_new(void)
{
    struct loop *l = xcalloc(1, sizeof *l);

    if (pipe(l->sigpipe) < 0) {
        free(l);
        return NULL;
    }
    loop_set_flags(l->sigpipe[0]);
    loop_set_flags(l->sigpipe[1]);
    l->next_timer_id = 1;
    loop_add_fd(l, l->sigpipe[0], POLLIN, loop_drain_signals, l);
    return l;
}

void loop_reset_signals(struct loop *l)
{
    for (size_t i = 0; i < l->nsigs; i++)
        signal(l->sigs[i].signo, SIG_DFL);
}

void loop_free(struct loop *l)
{
    if (l == NULL)
        return;
    loop_reset_signals(l);
    loop_sigpipe_w = -1;
    close(l->sigpipe[0]);
    close(l->sigpipe[1]);
    free(l->fds);
    free(l->pfds);
    free(l->timers);
    free(l);
}

int loop_add_fd(struct loop *l, int fd, short events, loop_fd_cb cb, void *arg)
{
    for (size_t i = 0; i < l->nfds; i++)
        if (l->fds[i].fd == fd && !l->fds[i].dead)
            return -1;
    if (l->nfds == l->capfds) {
        l->capfds = l->capfds ? l->capfds * 2 : 8;
        l->fds = xreallocarray(l->fds, l->capfds, sizeof *l->fds);
        l->pfds = xreallocarray(l->pfds, l->capfds, sizeof *l->pfds);
    }
    l->fds[l->nfds++] = (struct loop_fd){ fd, events, false, cb, arg };
    return 0;
}

void loop_mod_fd(struct loop *l, int fd, short events)
{
    for (size_t i = 0; i < l->nfds; i++)
        if (l->fds[i].fd == fd && !l->fds[i].dead)
            l->fds[i].events = events;
}

void loop_del_fd(struct loop *l, int fd)
{
    for (size_t i = 0; i < l->nfds; i++)
        if (l->fds[i].fd == fd)
            l->fds[i].dead = true;
}

unsigned loop_add_timer(struct loop *l, long ms, loop_timer_cb cb, void *arg)
{
    unsigned id = l->next_timer_id++;

    if (l->next_timer_id == 0)
        l->next_timer_id = 1;
    if (l->ntimers == l->captimers) {
        l->captimers = l->captimers ? l->captimers * 2 : 8;
        l->timers = xreallocarray(l->timers, l->captimers, sizeof *l->timers);
    }
    l->timers[l->ntimers++] =
        (struct loop_timer){ id, loop_now_ms() + (ms < 0 ? 0 : ms), cb, arg };
    return id;
}

void loop_del_timer(struct loop *l, unsigned id)
{
    for (size_t i = 0; i < l->ntimers; i++) {
        if (l->timers[i].id == id) {
            l->timers[i] = l->timers[--l->ntimers];
            return;
        }
    }
}

void loop_reset_timer(struct loop *l, unsigned id, long ms)
{
    for (size_t i = 0; i < l->ntimers; i++)
        if (l->timers[i].id == id)
            l->timers[i].due = loop_now_ms() + (ms < 0 ? 0 : ms);
}

int loop_rearm_signal(struct loop *l, int signo)
{
    struct sigaction sa;

    loop_sigpipe_w = l->sigpipe[1];
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = loop_signal_handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    return sigaction(signo, &sa, NULL);
}

int loop_add_signal(struct loop *l, int signo, loop_signal_cb cb, void *arg)
{
    if (l->nsigs == LOOP_MAX_SIGNALS)
        return -1;
    l->sigs[l->nsigs++] = (struct loop_signal){ signo, cb, arg };
    return loop_rearm_signal(l, signo);
}

void loop_set_before_sleep(struct loop *l, loop_hook hook, void *arg)
{
    l->before_sleep = hook;
    l->before_sleep_arg = arg;
}

void loop_stop(struct loop *l)
{
    l->stop = true;
}

bool loop_stopped(const struct loop *l)
{
    return l->stop;
}

static ssize_t loop_find_timer(const struct loop *l, unsigned id)
{
    for (size_t i = 0; i < l->ntimers; i++)
        if (l->timers[i].id == id)
            return (ssize_t)i;
    return -1;
}

/*
 * Run each due timer once. The due set is taken first because callbacks
 * may add, remove or re-arm timers (a 0 ms timer runs once per turn).
 */
static void loop_run_timers(struct loop *l)
{
    long long now = loop_now_ms();
    unsigned *due;
    size_t ndue = 0;

    if (l->ntimers == 0)
        return;
    due = xcalloc(l->ntimers, sizeof *due);
    for (size_t i = 0; i < l->ntimers; i++)
        if (l->timers[i].due <= now)
            due[ndue++] = l->timers[i].id;
    for (size_t k = 0; k < ndue && !l->stop; k++) {
        ssize_t i = loop_find_timer(l, due[k]);
        long next;

        if (i < 0)
            continue; /* removed by an earlier callback */
        next = l->timers[i].cb(l->timers[i].arg);
        i = loop_find_timer(l, due[k]);
        if (i < 0)
            continue; /* removed itself */
        if (next == LOOP_STOP)
            l->timers[i] = l->timers[--l->ntimers];
        else
            l->timers[i].due = loop_now_ms() + (next < 0 ? 0 : next);
    }
    free(due);
}

static int loop_timeout(const struct loop *l)
{
    long long now = loop_now_ms(), wait = -1;

    for (size_t i = 0; i < l->ntimers; i++) {
        long long d = l->timers[i].due - now;

        if (d < 0)
            d = 0;
        if (wait < 0 || d < wait)
            wait = d;
    }
    return wait > 60000 ? 60000 : (int)wait;
}

static void loop_compact(struct loop *l)
{
    size_t j = 0;

    for (size_t i = 0; i < l->nfds; i++)
        if (!l->fds[i].dead)
            l->fds[j++] = l->fds[i];
    l->nfds = j;
}

static int loop_poll_once(struct loop *l)
{
    size_t n = l->nfds;
    int rc;

    for (size_t i = 0; i < n; i++) {
        l->pfds[i].fd = l->fds[i].fd;
        l->pfds[i].events = l->fds[i].events;
        l->pfds[i].revents = 0;
    }
    rc = poll(l->pfds, n, loop_timeout(l));
    if (rc < 0)
        return errno == EINTR ? 0 : -1;
    for (size_t i = 0; i < n && !l->stop; i++) {
        struct loop_fd *f = &l->fds[i];

        if (l->pfds[i].revents == 0 || f->dead)
            continue;
        f->cb(f->fd, l->pfds[i].revents, f->arg);
    }
    loop_compact(l);
    return 0;
}

int loop_run(struct loop *l)
{
    l->stop = false;
    while (!l->stop) {
        loop_run_timers(l);
        if (l->stop)
            break;
        if (l->before_sleep != NULL)
            l->before_sleep(l->before_sleep_arg);
        if (l->stop)
            break;
        if (loop_poll_once(l) < 0)
            return -1;
    }
    return 0;
}
