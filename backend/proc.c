/*
 * Child processes on the event loop: fork and exec with a close-on-exec
 * report pipe, non-blocking descriptors watched by the loop, and SIGCHLD
 * (through the loop's self-pipe) to reap them.
 */
#define _GNU_SOURCE /* execvpe, pipe2, ptsname_r, close_range */
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "backend/buf.h"
#include "backend/loop.h"
#include "backend/xalloc.h"

#define PROC_CHUNK    16384 /* bytes read per turn from one descriptor */
#define PROC_GRACE_MS 1000  /* SIGHUP to SIGKILL for a freed child */

struct proc {
    struct loop *loop;
    struct proc *prev, *next; /* in procs */
    struct proc_cb cb;
    enum proc_io io;
    pid_t pid;
    int in_fd;  /* PIPES: its stdin; -1 once closed (PTY: unused) */
    int out_fd; /* PIPES: its stdout; PTY: the master; -1 at EOF */
    int err_fd; /* PIPES: its stderr; -1 at EOF */
    short in_ev, out_ev, err_ev; /* what the loop watches; 0: nothing */
    struct buf in;               /* queued for its stdin */
    bool close_in;               /* EOF on stdin once in is written */
    bool held;
    bool reaped;
    bool reported; /* exited was called */
    bool detached; /* proc_free'd while running: only waits to be reaped */
    int status;
    long long kill_at; /* detached: when SIGHUP turns into SIGKILL */
};

/* Every proc of every loop, detached ones included, for the reaper. */
static struct proc *procs;

/* What the child does between fork and exec, all prepared beforehand. */
struct proc_plan {
    char *const *argv;
    char **envp;
    enum proc_io io;
    int fds[3];    /* to become its 0, 1, 2 (PIPES, PTY); -1: inherited */
    int report[2]; /* the report pipe: the child writes why exec failed */
};

/* Why the child did not exec, sent through the report pipe. */
enum proc_step { STEP_SETSID, STEP_CTTY, STEP_DUP, STEP_PGRP, STEP_EXEC };

static const char *const proc_step_names[] = {
    [STEP_SETSID] = "setsid", [STEP_CTTY] = "controlling terminal",
    [STEP_DUP] = "dup2",      [STEP_PGRP] = "process group",
    [STEP_EXEC] = "exec",
};

/* ---- small helpers ---- */

static void proc_set_nonblock(int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static void proc_close(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

static void proc_errf(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void proc_errf(char *err, size_t errsz, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL || errsz == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errsz, fmt, ap);
    va_end(ap);
}

/* Watch fd for want, or not at all: poll reports a hang-up even for no
 * events, which would wake the loop in a spin. */
static void proc_watch(struct proc *p, int fd, short *cur, short want);

static void proc_unlink(struct proc *p)
{
    if (p->prev != NULL)
        p->prev->next = p->next;
    else
        procs = p->next;
    if (p->next != NULL)
        p->next->prev = p->prev;
    p->prev = p->next = NULL;
}

/* ---- reaping ---- */

/* Collect its status if it ended. */
static void proc_reap(struct proc *p)
{
    int st = 0;
    pid_t r;

    do
        r = waitpid(p->pid, &st, WNOHANG);
    while (r < 0 && errno == EINTR);
    if (r == 0)
        return;
    if (r < 0) {
        p->status = -1; /* ECHILD: waited for elsewhere, or SIGCHLD ignored */
    } else if (WIFEXITED(st)) {
        p->status = WEXITSTATUS(st);
    } else if (WIFSIGNALED(st)) {
        p->status = 128 + WTERMSIG(st);
    } else {
        return;
    }
    p->reaped = true;
}

static bool proc_done(const struct proc *p)
{
    return p->reaped && p->out_fd < 0 && p->err_fd < 0 && !p->reported &&
           !p->detached;
}

/* Report the exit; the callback may free p, so it is the last step. */
static void proc_finish(struct proc *p)
{
    proc_watch(p, p->in_fd, &p->in_ev, 0);
    proc_close(&p->in_fd);
    buf_free(&p->in);
    p->reported = true;
    if (p->cb.exited != NULL)
        p->cb.exited(p->cb.arg, p, p->status);
}

static void proc_on_sigchld(int signo, void *arg)
{
    struct loop *loop = arg;
    struct proc *p, *next;

    (void)signo;
    for (p = procs; p != NULL; p = next) {
        next = p->next;
        if (p->loop != loop || p->reaped)
            continue;
        proc_reap(p);
        if (p->reaped && p->detached) {
            proc_unlink(p);
            free(p);
        }
    }
    /* One at a time from the start: a callback may free or start any. */
    for (;;) {
        for (p = procs; p != NULL; p = p->next)
            if (p->loop == loop && proc_done(p))
                break;
        if (p == NULL)
            break;
        proc_finish(p);
    }
}

/* SIGKILL the freed children whose grace is over. */
static long proc_on_grace(void *arg)
{
    struct loop *loop = arg;
    long long now = loop_now_ms();
    struct proc *p;

    for (p = procs; p != NULL; p = p->next)
        if (p->loop == loop && p->detached && !p->reaped && p->kill_at <= now)
            kill(-p->pid, SIGKILL);
    return LOOP_STOP;
}

/*
 * The loop has no way to remove a signal, and a new loop may come at the
 * address of a freed one, so SIGCHLD's disposition tells whether the
 * handler is there: loop_free and loop_reset_signals put back SIG_DFL.
 */
static int proc_watch_sigchld(struct loop *loop)
{
    struct sigaction cur;
    struct proc *p;

    if (sigaction(SIGCHLD, NULL, &cur) < 0)
        return -1;
    if (cur.sa_handler != SIG_DFL && cur.sa_handler != SIG_IGN)
        return 0;
    if (loop_add_signal(loop, SIGCHLD, proc_on_sigchld, loop) < 0)
        return -1;
    /* Freed children left from a loop at this address lost their timer. */
    for (p = procs; p != NULL; p = p->next)
        if (p->loop == loop && p->detached && !p->reaped)
            kill(-p->pid, SIGKILL);
    return 0;
}

/* ---- output and input ---- */

/* write(2) that cannot raise SIGPIPE: block it, and consume one raised. */
static ssize_t proc_write_fd(int fd, const void *b, size_t n)
{
    sigset_t pipe_set, old, pending;
    struct timespec zero = { 0, 0 };
    bool was_pending;
    ssize_t w;
    int e;

    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    sigpending(&pending);
    was_pending = sigismember(&pending, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    w = write(fd, b, n);
    e = errno;
    if (w < 0 && e == EPIPE && !was_pending)
        sigtimedwait(&pipe_set, NULL, &zero);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    errno = e;
    return w;
}

static void proc_update(struct proc *p)
{
    short out = 0, in = 0;

    if (!p->held)
        out = POLLIN;
    if (p->in.len > 0)
        in = POLLOUT;
    if (p->io == PROC_PTY) {
        proc_watch(p, p->out_fd, &p->out_ev, out | in);
        return;
    }
    proc_watch(p, p->out_fd, &p->out_ev, out);
    proc_watch(p, p->err_fd, &p->err_ev, out);
    proc_watch(p, p->in_fd, &p->in_ev, in);
    if (p->close_in && p->in.len == 0 && p->in_fd >= 0)
        proc_close(&p->in_fd); /* not watched: in is empty */
}

/* Write what is queued; drop it when the child can no longer read. */
static void proc_flush(struct proc *p)
{
    int fd = p->io == PROC_PTY ? p->out_fd : p->in_fd;

    while (p->in.len > 0 && fd >= 0) {
        ssize_t w = proc_write_fd(fd, p->in.data, p->in.len);

        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno == EAGAIN)
            break;
        if (w <= 0) {
            buf_free(&p->in); /* EPIPE, or EIO from a pty */
            if (p->io == PROC_PIPES) {
                proc_watch(p, p->in_fd, &p->in_ev, 0);
                proc_close(&p->in_fd);
            }
            break;
        }
        buf_consume(&p->in, (size_t)w);
    }
    proc_update(p);
}

/* One chunk from fd; at its end, maybe the exit report. */
static void proc_read(struct proc *p, int *fd, short *ev, bool is_stderr)
{
    char chunk[PROC_CHUNK];
    ssize_t n;

    do
        n = read(*fd, chunk, sizeof chunk);
    while (n < 0 && errno == EINTR);
    if (n < 0 && errno == EAGAIN)
        return;
    if (n > 0) {
        if (p->cb.data != NULL)
            p->cb.data(p->cb.arg, p, chunk, (size_t)n, is_stderr);
        return; /* p may be gone */
    }
    /* 0, or EIO from a pty master whose slave side is all closed. */
    proc_watch(p, *fd, ev, 0);
    proc_close(fd);
    if (p->io == PROC_PTY)
        buf_free(&p->in);
    if (!p->reaped)
        proc_reap(p); /* it has most likely just exited */
    if (proc_done(p))
        proc_finish(p);
}

static void proc_on_fd(int fd, short revents, void *arg)
{
    struct proc *p = arg;

    if (p->io == PROC_PTY && (revents & POLLHUP))
        buf_free(&p->in); /* the slave side is closed: nobody reads it */

    if (fd == p->in_fd || (p->io == PROC_PTY && (revents & POLLOUT))) {
        proc_flush(p);
        if (fd == p->in_fd)
            return;
    }
    if (fd == p->out_fd && (p->out_ev & POLLIN) &&
        (revents & (POLLIN | POLLHUP | POLLERR)))
        proc_read(p, &p->out_fd, &p->out_ev, false);
    else if (fd == p->err_fd && (p->err_ev & POLLIN))
        proc_read(p, &p->err_fd, &p->err_ev, true);
}

static void proc_watch(struct proc *p, int fd, short *cur, short want)
{
    if (fd < 0 || *cur == want)
        return;
    if (want == 0)
        loop_del_fd(p->loop, fd);
    else if (*cur == 0)
        loop_add_fd(p->loop, fd, want, proc_on_fd, p);
    else
        loop_mod_fd(p->loop, fd, want);
    *cur = want;
}

/* ---- the child ---- */

static void proc_child_fail(int report, enum proc_step step)
{
    int msg[2] = { (int)step, errno };

    if (write(report, msg, sizeof msg) < 0) {
        /* the parent then sees end of file and an exit status */
    }
    _exit(127);
}

/* Between fork and exec: async-signal-safe calls only (glibc's execvpe
 * has not allocated since 2.24). Every signal is blocked on entry. */
static void proc_child(const struct proc_plan *c)
{
    struct sigaction dfl;
    sigset_t none;
    int fds[3], report = c->report[1], i;

    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    for (i = 1; i < NSIG; i++)
        if (i != SIGKILL && i != SIGSTOP)
            sigaction(i, &dfl, NULL); /* fails harmlessly for libc's own */
    /* Above 2 first, so no dup2 below overwrites a source. */
    if (report < 3)
        report = fcntl(report, F_DUPFD_CLOEXEC, 3);
    for (i = 0; i < 3; i++) {
        fds[i] = c->fds[i];
        if (fds[i] >= 0 && fds[i] < 3)
            fds[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
    }
    if (c->io == PROC_PTY) {
        if (setsid() < 0)
            proc_child_fail(report, STEP_SETSID);
        if (ioctl(fds[0], TIOCSCTTY, 0) < 0)
            proc_child_fail(report, STEP_CTTY);
    } else if (setpgid(0, 0) < 0) {
        proc_child_fail(report, STEP_PGRP);
    }
    for (i = 0; i < 3; i++)
        if (fds[i] >= 0 && dup2(fds[i], i) < 0)
            proc_child_fail(report, STEP_DUP);
#ifdef CLOSE_RANGE_CLOEXEC
    /* What other code opened without O_CLOEXEC must not leak into it. */
    close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
#endif
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execvpe(c->argv[0], c->argv, c->envp);
    proc_child_fail(report, STEP_EXEC);
}

/* ---- starting ---- */

/* The length of NAME in "NAME=value", or 0 if it has no '='. */
static size_t proc_env_name(const char *s)
{
    const char *eq = strchr(s, '=');

    return eq != NULL && eq != s ? (size_t)(eq - s) : 0;
}

static bool proc_env_has(char *const *add, const char *s)
{
    size_t n = proc_env_name(s);

    for (; add != NULL && *add != NULL; add++)
        if (n > 0 && proc_env_name(*add) == n && memcmp(*add, s, n) == 0)
            return true;
    return false;
}

/* environ with add applied (borrowed strings); NULL if add is malformed. */
static char **proc_envp(char *const *add, char *err, size_t errsz,
                        const char *prog)
{
    extern char **environ;
    size_t n = 0, k = 0, i;
    char **envp;

    for (i = 0; add != NULL && add[i] != NULL; i++) {
        if (proc_env_name(add[i]) == 0) {
            proc_errf(err, errsz, "cannot run %s: bad environment entry '%s'",
                      prog, add[i]);
            return NULL;
        }
        n++;
    }
    for (i = 0; environ != NULL && environ[i] != NULL; i++)
        n++;
    envp = xcalloc(n + 1, sizeof *envp);
    for (i = 0; environ != NULL && environ[i] != NULL; i++)
        if (!proc_env_has(add, environ[i]))
            envp[k++] = environ[i];
    /* The last of entries with the same name wins. */
    for (i = 0; add != NULL && add[i] != NULL; i++)
        if (!proc_env_has(add + i + 1, add[i]))
            envp[k++] = add[i];
    envp[k] = NULL;
    return envp;
}

/* A new pty of cols x rows: the master in *m, the slave in *s. */
static int proc_open_pty(int cols, int rows, int *m, int *s)
{
    struct winsize ws;
    char name[64];

    *s = -1;
    *m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (*m < 0)
        return -1;
    if (grantpt(*m) < 0 || unlockpt(*m) < 0 ||
        ptsname_r(*m, name, sizeof name) != 0)
        goto fail;
    *s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (*s < 0)
        goto fail;
    memset(&ws, 0, sizeof ws);
    ws.ws_col = (unsigned short)(cols > 0 ? cols : 0);
    ws.ws_row = (unsigned short)(rows > 0 ? rows : 0);
    ioctl(*m, TIOCSWINSZ, &ws);
    proc_set_nonblock(*m);
    return 0;
fail:
    proc_close(m);
    return -1;
}

/* The descriptors of p (parent ends) and of the child (plan->fds). */
static int proc_open_io(struct proc *p, int cols, int rows,
                        struct proc_plan *plan)
{
    int in[2] = { -1, -1 }, out[2] = { -1, -1 }, er[2] = { -1, -1 };

    if (p->io == PROC_PTY) {
        if (proc_open_pty(cols, rows, &p->out_fd, &plan->fds[0]) < 0)
            return -1;
        plan->fds[1] = plan->fds[2] = plan->fds[0];
        return 0;
    }
    if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 ||
        pipe2(er, O_CLOEXEC) < 0) {
        int e = errno;

        for (int i = 0; i < 2; i++) {
            proc_close(&in[i]);
            proc_close(&out[i]);
            proc_close(&er[i]);
        }
        errno = e;
        return -1;
    }
    p->in_fd = in[1];
    p->out_fd = out[0];
    p->err_fd = er[0];
    proc_set_nonblock(p->in_fd);
    proc_set_nonblock(p->out_fd);
    proc_set_nonblock(p->err_fd);
    plan->fds[0] = in[0];
    plan->fds[1] = out[1];
    plan->fds[2] = er[1];
    return 0;
}

/* Fork with every signal blocked, so no handler of mctop runs in the
 * child, and read its report: 0 once it has exec'd. */
static int proc_fork(struct proc *p, struct proc_plan *plan, char *err,
                     size_t errsz)
{
    const char *prog = plan->argv[0];
    sigset_t all, old;
    int msg[2], st;
    ssize_t n;

    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    p->pid = fork();
    if (p->pid == 0)
        proc_child(plan);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (p->pid < 0) {
        proc_errf(err, errsz, "cannot run %s: fork: %s", prog, strerror(errno));
        return -1;
    }
    if (p->io != PROC_PTY)
        setpgid(p->pid, p->pid); /* whichever of the two runs first */
    proc_close(&plan->report[1]);
    do
        n = read(plan->report[0], msg, sizeof msg);
    while (n < 0 && errno == EINTR);
    if (n != (ssize_t)sizeof msg)
        return 0; /* end of file: exec closed the pipe */
    while (waitpid(p->pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (msg[0] == STEP_EXEC)
        proc_errf(err, errsz, "cannot run %s: %s", prog, strerror(msg[1]));
    else
        proc_errf(err, errsz, "cannot run %s: %s: %s", prog,
                  proc_step_names[msg[0]], strerror(msg[1]));
    return -1;
}

struct proc *proc_spawn(struct loop *loop, const struct proc_spec *spec,
                        const struct proc_cb *cb, char *err, size_t errsz)
{
    struct proc_plan plan = { .argv = spec->argv,
                              .io = spec->io,
                              .fds = { -1, -1, -1 },
                              .report = { -1, -1 } };
    /* On the stack until it runs: a child that fails to exec holds no
     * heap block of it (leak checkers look at that child too). */
    struct proc tmp = {
        .loop = loop, .io = spec->io, .in_fd = -1, .out_fd = -1, .err_fd = -1
    };
    struct proc *p = &tmp;
    const char *prog;
    int rc = -1;

    if (cb != NULL)
        p->cb = *cb;
    if (spec->argv == NULL || spec->argv[0] == NULL) {
        proc_errf(err, errsz, "cannot run a program without a name");
        goto out;
    }
    prog = spec->argv[0];
    plan.envp = proc_envp(spec->env_add, err, errsz, prog);
    if (plan.envp == NULL)
        goto out;
    if (proc_watch_sigchld(loop) < 0) {
        proc_errf(err, errsz, "cannot run %s: cannot watch SIGCHLD", prog);
        goto out;
    }
    if (pipe2(plan.report, O_CLOEXEC) < 0 ||
        proc_open_io(p, spec->cols, spec->rows, &plan) < 0) {
        proc_errf(err, errsz, "cannot run %s: %s", prog, strerror(errno));
        goto out;
    }
    rc = proc_fork(p, &plan, err, errsz);
out:
    proc_close(&plan.report[0]);
    proc_close(&plan.report[1]);
    proc_close(&plan.fds[0]); /* a pty's slave is all three */
    if (spec->io != PROC_PTY) {
        proc_close(&plan.fds[1]);
        proc_close(&plan.fds[2]);
    }
    free(plan.envp);
    if (rc < 0) {
        proc_close(&tmp.in_fd);
        proc_close(&tmp.out_fd);
        proc_close(&tmp.err_fd);
        return NULL;
    }
    p = xmalloc(sizeof *p);
    *p = tmp;
    p->next = procs;
    if (procs != NULL)
        procs->prev = p;
    procs = p;
    proc_update(p);
    return p;
}

/* ---- the rest of the interface ---- */

void proc_write(struct proc *p, const void *buf, size_t n)
{
    int fd = p->io == PROC_PTY ? p->out_fd : p->in_fd;

    if (fd < 0 || p->close_in || n == 0)
        return;
    buf_append(&p->in, buf, n);
    proc_flush(p);
}

void proc_close_stdin(struct proc *p)
{
    if (p->io != PROC_PIPES)
        return;
    p->close_in = true;
    proc_update(p);
}

void proc_resize(struct proc *p, int cols, int rows)
{
    struct winsize ws;

    if (p->io != PROC_PTY || p->out_fd < 0)
        return;
    memset(&ws, 0, sizeof ws);
    ws.ws_col = (unsigned short)(cols > 0 ? cols : 0);
    ws.ws_row = (unsigned short)(rows > 0 ? rows : 0);
    ioctl(p->out_fd, TIOCSWINSZ, &ws);
}

void proc_hold(struct proc *p, bool hold)
{
    p->held = hold;
    proc_update(p);
}

void proc_kill(struct proc *p, int sig)
{
    if (p->reaped)
        return; /* its pid may belong to another process by now */
    if (kill(-p->pid, sig) < 0)
        kill(p->pid, sig);
}

pid_t proc_pid(const struct proc *p)
{
    return p->pid;
}

bool proc_running(const struct proc *p)
{
    return !p->reaped;
}

void proc_free(struct proc *p)
{
    if (p == NULL)
        return;
    memset(&p->cb, 0, sizeof p->cb);
    proc_watch(p, p->in_fd, &p->in_ev, 0);
    proc_watch(p, p->out_fd, &p->out_ev, 0);
    proc_watch(p, p->err_fd, &p->err_ev, 0);
    proc_close(&p->in_fd);
    proc_close(&p->out_fd);
    proc_close(&p->err_fd);
    buf_free(&p->in);
    if (p->reaped) {
        proc_unlink(p);
        free(p);
        return;
    }
    /* Reaped (and freed) later by proc_on_sigchld. */
    p->detached = true;
    p->kill_at = loop_now_ms() + PROC_GRACE_MS;
    proc_kill(p, SIGHUP);
    proc_kill(p, SIGCONT); /* a stopped child acts on SIGHUP only then */
    loop_add_timer(p->loop, PROC_GRACE_MS, proc_on_grace, p->loop);
}
