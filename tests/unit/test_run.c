/* Unit tests for :run: the run model on the demo site, and shown lines. */
#include <check.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "backend/config.h"
#include "backend/loop.h"
#include "backend/run.h"
#include "backend/site.h"
#include "backend/worker.h"
#include "backend/xalloc.h"
#include "tests/unit/testutil.h"
#include "tests/unit/testutil_home.h"
#include "views/run.h"

#define TIMEOUT_MS 10000

static struct loop *loop;
static struct worker *worker;
static struct site *demo;

/* What the callbacks saw. */
struct seen {
    size_t max_active; /* hosts connecting or running at once, at most */
    size_t running;    /* hosts running now */
    size_t changes;
    bool done, timed_out;
    size_t stop_at_running; /* stop the loop once this many run; 0: never */
};

static void setup(void)
{
    testutil_home_setup();
    loop = loop_new();
    worker = worker_new(loop);
    demo = site_new_demo(loop, worker, 7, 10, 60);
}

static void teardown(void)
{
    site_free(demo);
    worker_free(worker);
    loop_free(loop);
    testutil_home_teardown();
}

static void on_changed(void *arg, struct run *r, size_t i)
{
    struct seen *s = arg;
    size_t active = 0, running = 0;

    (void)i;
    for (size_t k = 0; k < run_count(r); k++) {
        enum run_state st = run_host(r, k)->state;

        active += st == RUN_CONNECTING || st == RUN_RUNNING;
        running += st == RUN_RUNNING;
    }
    if (active > s->max_active)
        s->max_active = active;
    s->running = running;
    s->changes++;
    if (s->stop_at_running > 0 && running >= s->stop_at_running)
        loop_stop(loop);
}

static void on_done(void *arg, struct run *r)
{
    struct seen *s = arg;

    ck_assert(run_finished(r));
    s->done = true;
    loop_stop(loop);
}

static long on_timeout(void *arg)
{
    struct seen *s = arg;

    s->timed_out = true;
    loop_stop(loop);
    return LOOP_STOP;
}

/* Run the loop until a callback stops it; fail after TIMEOUT_MS. */
static void drive(struct seen *s)
{
    unsigned t = loop_add_timer(loop, TIMEOUT_MS, on_timeout, s);

    loop_run(loop);
    ck_assert_msg(!s->timed_out, "timed out");
    loop_del_timer(loop, t);
}

static long on_spin(void *arg)
{
    (void)arg;
    loop_stop(loop);
    return LOOP_STOP;
}

/* Let the loop reap children that were sent SIGHUP. */
static void spin(long ms)
{
    loop_add_timer(loop, ms, on_spin, NULL);
    loop_run(loop);
}

static struct run *start(const char *cmd, size_t n, int parallel, size_t cap,
                         const char *log_dir, struct seen *s)
{
    static const char *const names[] = { "web-01", "web-02", "db-01", "db-02" };
    struct run_target t[4];
    struct run_spec spec = { 0 };
    struct run_cb cb = { NULL, on_changed, on_done, s };

    ck_assert_uint_le(n, 4);
    for (size_t i = 0; i < n; i++)
        t[i] = (struct run_target){ demo, names[i], "10.0.0.1" };
    spec.loop = loop;
    spec.command = cmd;
    spec.parallel = parallel;
    spec.mode = MC_SSH_BUILTIN;
    spec.log_dir = log_dir;
    spec.cap = cap;
    return run_new(&spec, t, n, &cb);
}

static const char *line_text(const struct run_host *h, size_t i, char *buf,
                             size_t size)
{
    const struct run_line *l = &h->lines[i];

    snprintf(buf, size, "%.*s", (int)l->len, h->out.data + l->off);
    return buf;
}

START_TEST(test_exit_status_streams_and_limit)
{
    struct seen s = { 0 };
    char *logs = testutil_home_path("logs");
    struct run *r;
    char buf[256];

    ck_assert_int_eq(mkdir(logs, 0700), 0);
    testutil_home_remember(logs);
    r = start("echo out; echo err >&2; echo host=$MCTOP_DEMO_HOST; exit 3", 3,
              2, 0, logs, &s);
    for (size_t i = 0; i < 3; i++) /* nothing happens before the loop runs */
        ck_assert_int_eq(run_host(r, i)->state, RUN_QUEUED);
    drive(&s);
    ck_assert(s.done);
    ck_assert_uint_eq(s.max_active, 2); /* never more than parallel */
    for (size_t i = 0; i < 3; i++) {
        const struct run_host *h = run_host(r, i);
        size_t out = 0, err = 0;

        ck_assert_int_eq(h->state, RUN_DONE);
        ck_assert_int_eq(h->status, 3);
        ck_assert_ptr_null(h->why);
        ck_assert_uint_eq(h->nlines, 3);
        for (size_t k = 0; k < h->nlines; k++) {
            line_text(h, k, buf, sizeof buf);
            if (h->lines[k].stream == RUN_STDERR) {
                ck_assert_str_eq(buf, "err");
                err++;
            } else {
                ck_assert_int_eq(h->lines[k].stream, RUN_STDOUT);
                out++;
            }
        }
        ck_assert_uint_eq(out, 2);
        ck_assert_uint_eq(err, 1);
        snprintf(buf, sizeof buf, "host=%s", h->host);
        ck_assert_ptr_nonnull(strstr(h->out.data, buf));
        ck_assert(h->started > 0 && h->ended >= h->started);
        ck_assert_str_eq(run_host_label(h, buf, sizeof buf), "EXIT 3");
        /* each host's run is logged like a session */
        ck_assert_ptr_nonnull(h->log_path);
        testutil_home_remember(h->log_path);
        {
            size_t len;
            char *log = testutil_slurp(h->log_path, &len);

            ck_assert_ptr_nonnull(strstr(log, "command: echo out"));
            ck_assert_ptr_nonnull(strstr(log, "out\n"));
            ck_assert_ptr_nonnull(strstr(log, "exit status 3"));
            free(log);
        }
    }
    {
        struct run_counts c;

        run_counts(r, &c);
        ck_assert_uint_eq(c.nonzero, 3);
        ck_assert_uint_eq(c.ok + c.failed + c.running + c.queued, 0);
    }
    run_free(r);
    free(logs);
}
END_TEST

START_TEST(test_ok_and_parallel_one)
{
    struct seen s = { 0 };
    struct run *r = start("printf 'no newline'", 3, 1, 0, NULL, &s);
    char buf[64];

    drive(&s);
    ck_assert_uint_eq(s.max_active, 1);
    for (size_t i = 0; i < 3; i++) {
        const struct run_host *h = run_host(r, i);

        ck_assert_int_eq(h->state, RUN_DONE);
        ck_assert_int_eq(h->status, 0);
        ck_assert_uint_eq(h->nlines, 1); /* the unfinished line counts */
        ck_assert_str_eq(line_text(h, 0, buf, sizeof buf), "no newline");
        ck_assert_str_eq(run_host_label(h, buf, sizeof buf), "OK");
    }
    ck_assert_int_eq(run_parallel(r), 1);
    run_free(r);
}
END_TEST

/* Chunks of the two streams that meet mid-line still give whole lines. */
START_TEST(test_streams_interleaved_mid_line)
{
    struct seen s = { 0 };
    struct run *r =
        start("printf ab; sleep 0.1; printf 'E1\\n' >&2; sleep 0.1; "
              "printf 'cd\\n'; printf E2 >&2",
              1, 8, 0, NULL, &s);
    const struct run_host *h;
    char buf[64];
    bool abcd = false, e1 = false, e2 = false;

    drive(&s);
    h = run_host(r, 0);
    ck_assert_uint_eq(h->nlines, 3);
    for (size_t k = 0; k < h->nlines; k++) {
        line_text(h, k, buf, sizeof buf);
        abcd |= strcmp(buf, "abcd") == 0 && h->lines[k].stream == RUN_STDOUT;
        e1 |= strcmp(buf, "E1") == 0 && h->lines[k].stream == RUN_STDERR;
        e2 |= strcmp(buf, "E2") == 0 && h->lines[k].stream == RUN_STDERR;
    }
    ck_assert(abcd && e1 && e2);
    run_free(r);
}
END_TEST

START_TEST(test_cancel_mid_run)
{
    struct seen s = { 0 };
    struct run *r = start("sleep 5", 4, 2, 0, NULL, &s);
    struct run_counts c;
    double t0 = loop_wall();

    s.stop_at_running = 2;
    drive(&s);
    ck_assert_uint_eq(s.running, 2);
    run_counts(r, &c);
    ck_assert_uint_eq(c.running, 2);
    ck_assert_uint_eq(c.queued, 2);
    ck_assert(!run_finished(r));
    ck_assert_uint_eq(run_cancel(r), 4);
    ck_assert(run_finished(r));
    for (size_t i = 0; i < 4; i++) {
        ck_assert_int_eq(run_host(r, i)->state, RUN_CANCELLED);
        ck_assert(run_host(r, i)->ended > 0);
    }
    ck_assert_uint_eq(run_cancel(r), 0); /* twice is harmless */
    spin(200); /* no callback comes after a cancel, and nothing new starts */
    ck_assert(!s.done);
    run_counts(r, &c);
    ck_assert_uint_eq(c.cancelled, 4);
    run_free(r);
    spin(100); /* the killed shells are reaped */
    ck_assert(loop_wall() - t0 < 4.0);
}
END_TEST

/* Freeing a run that still runs ends its sessions without callbacks. */
START_TEST(test_free_while_running)
{
    struct seen s = { 0 };
    struct run *r = start("sleep 5", 2, 2, 0, NULL, &s);

    s.stop_at_running = 2;
    drive(&s);
    run_free(r);
    spin(200);
    ck_assert(!s.done);
}
END_TEST

START_TEST(test_output_cap)
{
    struct seen s = { 0 };
    struct run *r = start("i=0; while [ $i -lt 300 ]; do echo line-$i; "
                          "i=$((i+1)); done; echo tail >&2",
                          1, 8, 1000, NULL, &s);
    const struct run_host *h;
    const struct run_line *last;
    char buf[128];

    drive(&s);
    h = run_host(r, 0);
    ck_assert_int_eq(h->state, RUN_DONE);
    ck_assert_int_eq(h->status, 0);
    ck_assert(h->truncated);
    ck_assert_uint_gt(h->bytes, 2000); /* all counted, not all kept */
    last = &h->lines[h->nlines - 1];
    ck_assert_int_eq(last->stream, RUN_NOTE);
    ck_assert_str_eq(line_text(h, h->nlines - 1, buf, sizeof buf),
                     "[output truncated at 1000 bytes]");
    ck_assert_uint_le(last->off, 1000); /* kept output within the cap */
    ck_assert_str_eq(line_text(h, 0, buf, sizeof buf), "line-0");
    ck_assert_str_eq(run_cap_text(RUN_CAP, buf, sizeof buf), "1 MiB");
    ck_assert_str_eq(run_cap_text(64 * 1024, buf, sizeof buf), "64 KiB");
    run_free(r);
}
END_TEST

/* A site whose bastion is not connected: the host fails with why. */
START_TEST(test_failed_host)
{
    char *path = testutil_put_file(
        "c", "[site lab]\nbastion = b.invalid\nicinga_url = http://i\n"
             "icinga_user = u\nicinga_password_env = PW\n");
    struct mc_config cfg;
    struct config_diag d;
    struct site *lab;
    struct run_target t[2];
    struct run_spec spec = { 0 };
    struct seen s = { 0 };
    struct run_cb cb = { NULL, on_changed, on_done, &s };
    struct run *r;
    char buf[32];

    ck_assert_int_eq(config_load(path, &cfg, &d), 0);
    config_diag_free(&d);
    lab = site_new(loop, worker, &cfg.sites[0]);
    t[0] = (struct run_target){ lab, "web-01", "10.20.1.11" };
    t[1] = (struct run_target){ demo, "web-02", NULL };
    spec.loop = loop;
    spec.command = "true";
    spec.parallel = 8;
    r = run_new(&spec, t, 2, &cb);
    drive(&s);
    ck_assert_int_eq(run_host(r, 0)->state, RUN_FAILED);
    /* the host's name is in the row already, not again in why */
    ck_assert_str_eq(run_host(r, 0)->why, "lab is not connected yet");
    ck_assert_str_eq(run_host_label(run_host(r, 0), buf, sizeof buf), "FAIL");
    ck_assert_int_eq(run_host(r, 1)->state, RUN_DONE);
    ck_assert_int_eq(run_host(r, 1)->status, 0);
    run_free(r);
    site_free(lab);
    config_free(&cfg);
    free(path);
}
END_TEST

/* Output is kept raw; the view's text of it is safe to draw. */
START_TEST(test_hostile_output)
{
    struct seen s = { 0 };
    struct run *r =
        start("printf '\\033]0;pwned\\007\\033[2J\\033[1;31mred\\033[0m\\tx"
              "\\r\\n'; printf 'a\\rb\\n'; printf '\\377\\376bad\\n'",
              1, 8, 0, NULL, &s);
    const struct run_host *h;
    const struct run_line *l;
    char out[256];

    drive(&s);
    h = run_host(r, 0);
    ck_assert_uint_eq(h->nlines, 3);
    l = &h->lines[0];
    ck_assert_ptr_nonnull(memchr(h->out.data + l->off, '\033', l->len));
    ck_assert_int_eq(h->out.data[l->off + l->len - 1], '\r');
    ck_assert_str_eq(
        run_view_line(h->out.data + l->off, l->len, out, sizeof out),
        "red     x");
    l = &h->lines[1];
    ck_assert_str_eq(
        run_view_line(h->out.data + l->off, l->len, out, sizeof out), "b");
    l = &h->lines[2];
    ck_assert_str_eq(
        run_view_line(h->out.data + l->off, l->len, out, sizeof out),
        "\xef\xbf\xbd\xef\xbf\xbd"
        "bad");
    run_free(r);
}
END_TEST

/* No byte that could drive the terminal survives. */
static void expect_safe(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        ck_assert_msg(*p >= 0x20 && *p != 0x7f, "byte %02x in \"%s\"", *p, s);
}

START_TEST(test_view_line)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        { "plain", "plain" },
        { "\033[38;5;196mred\033[m", "red" },
        { "\033(Bcharset", "charset" },
        { "\033]8;;http://x\033\\link\033]8;;\033\\", "link" },
        { "\033Pdcs\033\\after", "after" },
        { "end\033", "end" },
        { "\033[", "" },
        { "bell\a", "bell\xe2\x90\x87" }, /* U+2407 */
        { "c1 \xc2\x9b"
          "31m",
          "c1 \xef\xbf\xbd"
          "31m" }, /* U+009B */
        { "rlo \xe2\x80\xae!", "rlo \xef\xbf\xbd!" },
        { "a\tb", "a       b" },
        { "\t", "        " },
        { "50%\r100%\r", "100%" },
        { "wide \xe4\xb8\xad\tx", "wide \xe4\xb8\xad x" },
    };
    char out[64];

    setlocale(LC_CTYPE, "C.UTF-8"); /* wcwidth() as on a UTF-8 terminal */
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run_view_line(cases[i].in, strlen(cases[i].in), out, sizeof out);
        ck_assert_msg(strcmp(out, cases[i].want) == 0, "case %zu: \"%s\"", i,
                      out);
        expect_safe(out);
    }
    /* cut to the buffer, never inside a character */
    run_view_line("\xe4\xb8\xad\xe4\xb8\xad", 6, out, 5);
    ck_assert_str_eq(out, "\xe4\xb8\xad");
    run_view_line("abc", 3, out, 1);
    ck_assert_str_eq(out, "");
}
END_TEST

Suite *run_suite(void)
{
    Suite *s = suite_create("run");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 30);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_exit_status_streams_and_limit);
    tcase_add_test(tc, test_ok_and_parallel_one);
    tcase_add_test(tc, test_streams_interleaved_mid_line);
    tcase_add_test(tc, test_cancel_mid_run);
    tcase_add_test(tc, test_free_while_running);
    tcase_add_test(tc, test_output_cap);
    tcase_add_test(tc, test_failed_host);
    tcase_add_test(tc, test_hostile_output);
    tcase_add_test(tc, test_view_line);
    suite_add_tcase(s, tc);
    return s;
}
