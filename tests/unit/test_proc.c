/* Unit tests for child processes on the event loop, with real processes. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend/buf.h"
#include "backend/loop.h"
#include "backend/proc.h"
#include "backend/xalloc.h"

#define TIMEOUT_MS 10000

/* One child and what it did. */
struct run {
    struct loop *loop;
    struct proc *p;
    struct buf out, err;
    int status;
    bool exited, timed_out;
    bool held; /* proc_hold is on: no output may arrive */
    int resized;
};

/* A NULL-terminated argv of copies (string literals are const here). */
static char **vec(const char *first, ...)
{
    char **v = xcalloc(8, sizeof *v);
    const char *a = first;
    va_list ap;
    int n = 0;

    va_start(ap, first);
    while (a != NULL && n < 7) {
        v[n++] = xstrdup(a);
        a = va_arg(ap, const char *);
    }
    va_end(ap);
    return v;
}

static void vec_free(char **v)
{
    for (int i = 0; v != NULL && v[i] != NULL; i++)
        free(v[i]);
    free(v);
}

static long on_timeout(void *arg)
{
    struct run *r = arg;

    r->timed_out = true;
    loop_stop(r->loop);
    return LOOP_STOP;
}

static void on_data(void *arg, struct proc *p, const char *b, size_t n,
                    bool is_stderr)
{
    struct run *r = arg;

    ck_assert_ptr_eq(p, r->p);
    ck_assert_msg(!r->held, "output while held");
    buf_append(is_stderr ? &r->err : &r->out, b, n);
}

/* Exited: free it right there, which the callback may do. */
static void on_exited(void *arg, struct proc *p, int status)
{
    struct run *r = arg;

    ck_assert_ptr_eq(p, r->p);
    ck_assert(!proc_running(p));
    r->status = status;
    r->exited = true;
    proc_free(p);
    r->p = NULL;
    loop_stop(r->loop);
}

static void run_init(struct run *r)
{
    memset(r, 0, sizeof *r);
    r->loop = loop_new();
    ck_assert_ptr_nonnull(r->loop);
}

static void run_free(struct run *r)
{
    proc_free(r->p);
    loop_free(r->loop);
    buf_free(&r->out);
    buf_free(&r->err);
}

static void
run_spawn(struct run *r, char *const *argv, char *const *env, enum proc_io io,
          void (*data)(void *, struct proc *, const char *, size_t, bool))
{
    struct proc_spec spec = { argv, env, io, 100, 30 };
    struct proc_cb cb = { data, on_exited, r };
    char err[256] = "";

    r->p = proc_spawn(r->loop, &spec, &cb, err, sizeof err);
    ck_assert_msg(r->p != NULL, "spawn failed: %s", err);
    ck_assert(proc_running(r->p));
    ck_assert_int_gt(proc_pid(r->p), 0);
}

/* Run /bin/sh -c script. */
static void run_sh(struct run *r, const char *script, enum proc_io io)
{
    char **argv = vec("/bin/sh", "-c", script, NULL);

    run_spawn(r, argv, NULL, io, on_data);
    vec_free(argv); /* copied by the child */
}

/* Run the loop until the child's exit was reported. */
static void run_wait(struct run *r)
{
    unsigned t = loop_add_timer(r->loop, TIMEOUT_MS, on_timeout, r);

    loop_run(r->loop);
    loop_del_timer(r->loop, t);
    ck_assert_msg(!r->timed_out, "timed out; output so far: %s",
                  r->out.data != NULL ? r->out.data : "");
    ck_assert(r->exited);
}

static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;

    ck_assert_ptr_nonnull(d);
    while (readdir(d) != NULL)
        n++;
    closedir(d);
    return n;
}

START_TEST(test_proc_exit_and_streams)
{
    struct run r;

    run_init(&r);
    run_sh(&r, "printf out1; printf err1 >&2; printf out2; exit 3", PROC_PIPES);
    run_wait(&r);
    ck_assert_int_eq(r.status, 3);
    ck_assert_str_eq(r.out.data, "out1out2");
    ck_assert_str_eq(r.err.data, "err1");
    run_free(&r);
}
END_TEST

START_TEST(test_proc_signal_status)
{
    struct run r;

    run_init(&r);
    run_sh(&r, "kill -TERM $$", PROC_PIPES);
    run_wait(&r);
    ck_assert_int_eq(r.status, 128 + SIGTERM);
    run_free(&r);
}
END_TEST

START_TEST(test_proc_kill_group)
{
    struct run r;

    run_init(&r);
    run_sh(&r, "sleep 100 & wait", PROC_PIPES);
    proc_kill(r.p, SIGTERM); /* both: the sleep holds stdout open */
    run_wait(&r);
    ck_assert_int_eq(r.status, 128 + SIGTERM);
    run_free(&r);
}
END_TEST

START_TEST(test_proc_exec_failure)
{
    struct loop *l = loop_new();
    char **argv = vec("mctop-no-such-program", NULL);
    char **sh = vec("/bin/sh", NULL);
    char **bad_env = vec("NOEQUALS", NULL);
    struct proc_spec spec = { argv, NULL, PROC_PIPES, 0, 0 };
    struct proc_cb cb = { NULL, NULL, NULL };
    char err[256] = "";
    int fds = count_fds();

    ck_assert_ptr_null(proc_spawn(l, &spec, &cb, err, sizeof err));
    ck_assert_str_eq(err, "cannot run mctop-no-such-program: No such file or "
                          "directory");
    spec.io = PROC_PTY;
    ck_assert_ptr_null(proc_spawn(l, &spec, &cb, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "mctop-no-such-program"));
    spec.argv = sh;
    spec.env_add = bad_env;
    ck_assert_ptr_null(proc_spawn(l, &spec, &cb, err, sizeof err));
    ck_assert_str_eq(err,
                     "cannot run /bin/sh: bad environment entry 'NOEQUALS'");
    ck_assert_int_eq(count_fds(), fds);              /* nothing left open */
    ck_assert_int_le(waitpid(-1, NULL, WNOHANG), 0); /* nor a zombie */
    loop_free(l);
    vec_free(argv);
    vec_free(sh);
    vec_free(bad_env);
}
END_TEST

START_TEST(test_proc_env_add)
{
    char **argv = vec("sh", "-c",
                      "printf '%s|%s|%s' \"$MCTOP_A\" \"$MCTOP_B\" "
                      "\"$MCTOP_C\"",
                      NULL);
    char **env = vec("MCTOP_A=one two", "MCTOP_B=first", "MCTOP_B=new", NULL);
    struct run r;

    setenv("MCTOP_B", "old", 1);
    setenv("MCTOP_C", "kept", 1);
    run_init(&r);
    run_spawn(&r, argv, env, PROC_PIPES, on_data); /* sh through PATH */
    run_wait(&r);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out.data, "one two|new|kept");
    ck_assert_str_eq(getenv("MCTOP_B"), "old"); /* ours is unchanged */
    run_free(&r);
    vec_free(argv);
    vec_free(env);
    unsetenv("MCTOP_B");
    unsetenv("MCTOP_C");
}
END_TEST

/* ---- stdin, buffering and back-pressure ---- */

#define BIG (1536 * 1024)

static long toggle_hold(void *arg)
{
    struct run *r = arg;

    if (r->p == NULL)
        return LOOP_STOP;
    r->held = !r->held;
    proc_hold(r->p, r->held);
    return r->held ? 3 : 7;
}

START_TEST(test_proc_stdin_round_trip)
{
    char **argv = vec("cat", NULL);
    char *payload = malloc(BIG);
    struct run r;
    size_t i;

    ck_assert_ptr_nonnull(payload);
    for (i = 0; i < BIG; i++)
        payload[i] = (char)('a' + (i * 7 + i / 4096) % 26);
    run_init(&r);
    run_spawn(&r, argv, NULL, PROC_PIPES, on_data);
    /* Much more than a pipe holds, in pieces, before the loop runs. */
    proc_write(r.p, payload, 1000);
    proc_write(r.p, payload + 1000, BIG / 2 - 1000);
    proc_write(r.p, payload + BIG / 2, BIG - BIG / 2);
    proc_close_stdin(r.p);
    proc_write(r.p, "late", 4); /* after close: dropped */
    loop_add_timer(r.loop, 1, toggle_hold, &r);
    run_wait(&r);
    ck_assert_int_eq(r.status, 0);
    ck_assert_uint_eq(r.out.len, BIG);
    ck_assert(memcmp(r.out.data, payload, BIG) == 0);
    run_free(&r);
    free(payload);
    vec_free(argv);
}
END_TEST

/* A child that stops reading: writes must never block the loop. */
START_TEST(test_proc_stdin_not_read)
{
    char *payload = calloc(1, BIG);
    struct run r;

    ck_assert_ptr_nonnull(payload);
    run_init(&r);
    run_sh(&r, "exec 0<&-; sleep 0.2; exit 4", PROC_PIPES);
    proc_write(r.p, payload, BIG); /* EPIPE: dropped, no SIGPIPE */
    run_wait(&r);
    ck_assert_int_eq(r.status, 4);
    run_free(&r);
    free(payload);
}
END_TEST

/* Held from the start: the exit is reported only after the output. */
static long stop_loop(void *arg)
{
    loop_stop(arg);
    return LOOP_STOP;
}

START_TEST(test_proc_hold_delays_exit)
{
    struct run r;

    run_init(&r);
    run_sh(&r, "printf hello; exit 2", PROC_PIPES);
    proc_hold(r.p, true);
    r.held = true;
    loop_add_timer(r.loop, 300, stop_loop, r.loop);
    loop_run(r.loop);
    ck_assert(!r.exited);
    ck_assert_uint_eq(r.out.len, 0);
    r.held = false;
    proc_hold(r.p, false);
    run_wait(&r);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.out.data, "hello");
    run_free(&r);
}
END_TEST

/* Several at once, ending in another order than they began. */
#define NMANY 6

struct many {
    struct loop *loop;
    struct proc *p[NMANY];
    int status[NMANY];
    int left;
};

static void on_many_exited(void *arg, struct proc *p, int status)
{
    struct many *m = arg;

    for (int i = 0; i < NMANY; i++) {
        if (m->p[i] == p) {
            m->status[i] = status;
            m->p[i] = NULL;
        }
    }
    proc_free(p);
    if (--m->left == 0)
        loop_stop(m->loop);
}

START_TEST(test_proc_many)
{
    struct proc_cb cb = { NULL, on_many_exited, NULL };
    struct many m = { 0 };
    char err[256], script[64];

    m.loop = loop_new();
    cb.arg = &m;
    for (int i = 0; i < NMANY; i++) {
        char **argv;
        struct proc_spec spec = { NULL, NULL, PROC_PIPES, 0, 0 };

        snprintf(script, sizeof script, "sleep 0.%d; exit %d", (NMANY - i) * 5,
                 10 + i);
        argv = vec("/bin/sh", "-c", script, NULL);
        spec.argv = argv;
        spec.io = i % 2 == 0 ? PROC_PIPES : PROC_PTY;
        m.p[i] = proc_spawn(m.loop, &spec, &cb, err, sizeof err);
        ck_assert_msg(m.p[i] != NULL, "%s", err);
        vec_free(argv);
        m.left++;
    }
    loop_add_timer(m.loop, TIMEOUT_MS, stop_loop, m.loop);
    loop_run(m.loop);
    ck_assert_int_eq(m.left, 0);
    for (int i = 0; i < NMANY; i++)
        ck_assert_int_eq(m.status[i], 10 + i);
    loop_free(m.loop);
}
END_TEST

/* ---- a pseudo-terminal ---- */

static void on_pty_data(void *arg, struct proc *p, const char *b, size_t n,
                        bool is_stderr)
{
    struct run *r = arg;

    ck_assert(!is_stderr);
    buf_append(&r->out, b, n);
    if (r->resized == 0 && strstr(r->out.data, "30 100\r\n") != NULL) {
        r->resized = 1;
        proc_resize(p, 120, 40);
        proc_write(p, "go\n", 3);
    }
}

START_TEST(test_proc_pty)
{
    char **argv = vec("/bin/sh", "-c",
                      "tty; stty size; read x; stty size; test -t 2", NULL);
    struct run r;

    run_init(&r);
    run_spawn(&r, argv, NULL, PROC_PTY, on_pty_data);
    vec_free(argv);
    run_wait(&r);
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(strncmp(r.out.data, "/dev/pts/", 9) == 0, "%s", r.out.data);
    ck_assert_ptr_nonnull(strstr(r.out.data, "\r\n30 100\r\n"));
    ck_assert_ptr_nonnull(strstr(r.out.data, "go\r\n40 120\r\n"));
    run_free(&r);
}
END_TEST

START_TEST(test_proc_pty_signal)
{
    struct run r;

    run_init(&r);
    run_sh(&r, "printf ready; kill -KILL $$", PROC_PTY);
    run_wait(&r);
    ck_assert_int_eq(r.status, 128 + SIGKILL);
    ck_assert_str_eq(r.out.data, "ready"); /* all output before the exit */
    run_free(&r);
}
END_TEST

/* ---- freeing a running child ---- */

/* Run the loop until a callback stops it. */
static void run_wait_output(struct run *r)
{
    unsigned t = loop_add_timer(r->loop, TIMEOUT_MS, on_timeout, r);

    loop_run(r->loop);
    loop_del_timer(r->loop, t);
    ck_assert(!r->timed_out);
}

struct gone {
    struct loop *loop;
    pid_t pid;
    long long t0, t;
};

static long poll_gone(void *arg)
{
    struct gone *g = arg;

    /* A zombie still exists for kill(2); only a reaped child is gone. */
    if (kill(g->pid, 0) < 0 && errno == ESRCH) {
        g->t = loop_now_ms() - g->t0;
        loop_stop(g->loop);
        return LOOP_STOP;
    }
    if (loop_now_ms() - g->t0 > TIMEOUT_MS) {
        loop_stop(g->loop);
        return LOOP_STOP;
    }
    return 10;
}

static void on_ready(void *arg, struct proc *p, const char *b, size_t n,
                     bool is_stderr)
{
    struct run *r = arg;

    (void)p;
    (void)is_stderr;
    buf_append(&r->out, b, n);
    if (strstr(r->out.data, "ready") != NULL)
        loop_stop(r->loop);
}

/* Wait until g->pid is gone (reaped), or the time is up. */
static void wait_gone(struct gone *g)
{
    g->t0 = loop_now_ms();
    g->t = -1;
    loop_add_timer(g->loop, 10, poll_gone, g);
    loop_run(g->loop);
    ck_assert_msg(g->t >= 0, "pid %d was not reaped", (int)g->pid);
    ck_assert_int_eq(waitpid(g->pid, NULL, WNOHANG), -1);
    ck_assert_int_eq(errno, ECHILD);
}

/* Free a running child once it said "ready"; the loop must reap it.
 * Returns how long that took. */
static long long free_and_wait(const char *script)
{
    char **argv = vec("/bin/sh", "-c", script, NULL);
    struct run r;
    struct gone g;

    run_init(&r);
    run_spawn(&r, argv, NULL, PROC_PIPES, on_ready);
    run_wait_output(&r);
    g.loop = r.loop;
    g.pid = proc_pid(r.p);
    proc_free(r.p);
    r.p = NULL;
    wait_gone(&g);
    ck_assert(!r.exited); /* no callback after proc_free */
    run_free(&r);
    vec_free(argv);
    return g.t;
}

START_TEST(test_proc_free_running)
{
    int fds = count_fds();

    free_and_wait("echo ready; exec sleep 100");
    ck_assert_int_eq(count_fds(), fds);
}
END_TEST

START_TEST(test_proc_free_ignores_hup)
{
    /* SIGHUP is ignored by the shell and its sleep: SIGKILL after grace. */
    long long t = free_and_wait("trap '' HUP; echo ready; sleep 100; exit 0");

    ck_assert_int_ge(t, 900);
}
END_TEST

/* Freed from its own output callback, in the middle of a stream. */
static void on_data_free(void *arg, struct proc *p, const char *b, size_t n,
                         bool is_stderr)
{
    struct run *r = arg;

    (void)b;
    (void)is_stderr;
    r->out.len += n; /* only counted */
    if (r->out.len > 100000) {
        proc_free(p);
        r->p = NULL;
        loop_stop(r->loop);
    }
}

START_TEST(test_proc_free_in_callback)
{
    char **argv = vec("yes", NULL);
    struct run r;
    struct gone g;

    run_init(&r);
    run_spawn(&r, argv, NULL, PROC_PTY, on_data_free);
    g.loop = r.loop;
    g.pid = proc_pid(r.p);
    run_wait_output(&r);
    ck_assert_ptr_null(r.p);
    wait_gone(&g);
    r.out.len = 0;
    run_free(&r);
    vec_free(argv);
}
END_TEST

/* Several loops in turn, as the tests without fork have them. */
START_TEST(test_proc_loops_in_turn)
{
    for (int i = 0; i < 3; i++) {
        struct run r;

        run_init(&r);
        run_sh(&r, "exit 7", PROC_PIPES);
        run_wait(&r);
        ck_assert_int_eq(r.status, 7);
        run_free(&r);
    }
}
END_TEST

Suite *proc_suite(void)
{
    Suite *s = suite_create("proc");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_proc_exit_and_streams);
    tcase_add_test(tc, test_proc_signal_status);
    tcase_add_test(tc, test_proc_kill_group);
    tcase_add_test(tc, test_proc_exec_failure);
    tcase_add_test(tc, test_proc_env_add);
    tcase_add_test(tc, test_proc_stdin_round_trip);
    tcase_add_test(tc, test_proc_stdin_not_read);
    tcase_add_test(tc, test_proc_hold_delays_exit);
    tcase_add_test(tc, test_proc_many);
    tcase_add_test(tc, test_proc_pty);
    tcase_add_test(tc, test_proc_pty_signal);
    tcase_add_test(tc, test_proc_free_running);
    tcase_add_test(tc, test_proc_free_ignores_hup);
    tcase_add_test(tc, test_proc_free_in_callback);
    tcase_add_test(tc, test_proc_loops_in_turn);
    suite_add_tcase(s, tc);
    return s;
}
