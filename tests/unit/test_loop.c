/* Unit tests for the event loop: timers, descriptors and signals. */
#include <check.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include "backend/loop.h"

struct loop_counts {
    struct loop *l;
    int a, b, fd, sig;
    unsigned other;
};

static long timer_a(void *arg)
{
    struct loop_counts *c = arg;

    if (++c->a == 3)
        return LOOP_STOP;
    return 0; /* again next turn, not in this one */
}

static long timer_b(void *arg)
{
    struct loop_counts *c = arg;

    c->b++;
    loop_del_timer(c->l, c->other); /* removing another timer is fine */
    if (c->a >= 3)
        loop_stop(c->l);
    return 1;
}

START_TEST(test_loop_timers)
{
    struct loop_counts c = { 0 };

    c.l = loop_new();
    loop_add_timer(c.l, 0, timer_a, &c);
    loop_add_timer(c.l, 0, timer_b, &c);
    c.other = loop_add_timer(c.l, 5, timer_a, &c);
    ck_assert_int_eq(loop_run(c.l), 0);
    ck_assert_int_eq(c.a, 3);
    ck_assert_int_ge(c.b, 1); /* it ran and stopped the loop */
    loop_free(c.l);
}
END_TEST

static void on_fd(int fd, short revents, void *arg)
{
    struct loop_counts *c = arg;
    char b;

    (void)revents;
    if (read(fd, &b, 1) == 1)
        c->fd++;
    loop_stop(c->l);
}

static void on_sig(int signo, void *arg)
{
    struct loop_counts *c = arg;

    c->sig = signo;
}

static long send_signal(void *arg)
{
    (void)arg;
    raise(SIGUSR1);
    return LOOP_STOP;
}

static long write_pipe(void *arg)
{
    int *fds = arg;

    ck_assert_int_eq(write(fds[1], "x", 1), 1);
    return LOOP_STOP;
}

START_TEST(test_loop_fd_and_signal)
{
    struct loop_counts c = { 0 };
    int fds[2];

    ck_assert_int_eq(pipe(fds), 0);
    c.l = loop_new();
    loop_add_fd(c.l, fds[0], POLLIN, on_fd, &c);
    ck_assert_int_eq(loop_add_fd(c.l, fds[0], POLLIN, on_fd, &c), -1);
    loop_add_signal(c.l, SIGUSR1, on_sig, &c);
    loop_add_timer(c.l, 0, send_signal, NULL);
    loop_add_timer(c.l, 20, write_pipe, fds);
    loop_run(c.l);
    ck_assert_int_eq(c.sig, SIGUSR1); /* delivered through the self-pipe */
    ck_assert_int_eq(c.fd, 1);
    loop_free(c.l);
    close(fds[0]);
    close(fds[1]);
}
END_TEST

Suite *loop_suite(void)
{
    Suite *s = suite_create("loop");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_loop_timers);
    tcase_add_test(tc, test_loop_fd_and_signal);
    suite_add_tcase(s, tc);
    return s;
}
