/*
 * Unit tests for sessions without a network: the route a host gets from
 * the [ssh] rules, the demo site's sessions (a real local process: exit
 * status, stdout and stderr, the banner), the session log, and the tmux
 * helper's USER@HOST:PORT.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/buf.h"
#include "backend/config.h"
#include "backend/loop.h"
#include "backend/session.h"
#include "backend/site.h"
#include "backend/worker.h"
#include "backend/xalloc.h"
#include "tests/unit/testutil.h"
#include "tests/unit/testutil_home.h"
#include "views/attach.h"

#define SITE_LAB                                                               \
    "[site lab]\nbastion = b.example\nbastion_user = ops\n"                    \
    "icinga_url = http://i\nicinga_user = u\nicinga_password_env = PW\n"

struct st {
    struct loop *loop;
    struct buf out, err;
    int status;
    bool closed, opened;
    char why[1024];
    const char *input; /* typed once it opens */
};

static void st_open(void *arg, struct session *s)
{
    struct st *t = arg;

    t->opened = true;
    if (t->input != NULL)
        session_write(s, t->input, strlen(t->input));
}

static void st_data(void *arg, struct session *s, const char *p, size_t n,
                    bool is_stderr)
{
    struct st *t = arg;

    (void)s;
    buf_append(is_stderr ? &t->err : &t->out, p, n);
}

static void st_closed(void *arg, struct session *s, int status, const char *why)
{
    struct st *t = arg;

    (void)s;
    t->closed = true;
    t->status = status;
    snprintf(t->why, sizeof t->why, "%s", why != NULL ? why : "");
    loop_stop(t->loop);
}

static long st_timeout(void *arg)
{
    loop_stop(((struct st *)arg)->loop);
    return LOOP_STOP;
}

/* Run a session on the demo site to its end (at most 10 s). */
static void st_run(struct st *t, const char *command, const char *log_dir,
                   const char *input)
{
    struct worker *w;
    struct site *site;
    struct session *s;
    struct session_spec spec = { 0 };
    struct session_cb cb = { NULL, st_open, st_data, st_closed, t };
    struct mc_err err = { 0 };
    unsigned timer;

    memset(t, 0, sizeof *t);
    t->input = input;
    t->loop = loop_new();
    w = worker_new(t->loop);
    site = site_new_demo(t->loop, w, 1, 5, 60);
    spec.loop = t->loop;
    spec.site = site;
    spec.fd = -1;
    spec.host = "dev-web-01";
    spec.command = command;
    spec.term = "xterm";
    spec.cols = 90;
    spec.rows = 20;
    spec.log_dir = log_dir;
    s = session_open(&spec, &cb, &err);
    ck_assert_msg(s != NULL, "session_open: %s", err.msg);
    ck_assert_str_eq(session_via(s), "demo");
    timer = loop_add_timer(t->loop, 10000, st_timeout, t);
    loop_run(t->loop);
    ck_assert_msg(t->closed, "the session did not end in 10 s");
    loop_del_timer(t->loop, timer);
    session_free(s);
    site_free(site);
    worker_free(w);
    loop_free(t->loop);
}

static void st_free(struct st *t)
{
    buf_free(&t->out);
    buf_free(&t->err);
}

START_TEST(test_session_demo_command)
{
    struct st t;

    st_run(&t, "echo out-$MCTOP_DEMO_HOST; echo err >&2; exit 3", NULL, NULL);
    ck_assert(t.opened);
    ck_assert_int_eq(t.status, 3);
    ck_assert_str_eq(t.why, "");
    ck_assert_str_eq(t.out.data, "out-dev-web-01\n");
    ck_assert_str_eq(t.err.data, "err\n");
    st_free(&t);
    st_run(&t, "kill -TERM $$", NULL, NULL);
    ck_assert_int_eq(t.status, 128 + 15);
    st_free(&t);
}
END_TEST

START_TEST(test_session_demo_shell)
{
    struct st t;

    /* No command: a shell on a PTY of the asked size, the banner first. */
    setenv("SHELL", "/bin/sh", 1);
    st_run(&t, NULL, NULL, "stty size; tty; exit 7\n");
    ck_assert_int_eq(t.status, 7);
    ck_assert_msg(strstr(t.out.data, "\r\n  mctop demo: this is a LOCAL shell "
                                     "on your own machine, standing in for\r\n"
                                     "  dev-web-01 (the demo site has no real "
                                     "hosts).") == t.out.data,
                  "banner: %s", t.out.data);
    ck_assert_msg(strstr(t.out.data, "20 90\r\n") != NULL, "size: %s",
                  t.out.data);
    ck_assert_msg(strstr(t.out.data, "\n/dev/pts/") != NULL, "tty: %s",
                  t.out.data);
    ck_assert_int_eq((int)t.err.len, 0); /* a PTY has one stream */
    st_free(&t);
}
END_TEST

START_TEST(test_session_log)
{
    char *dir = testutil_put_file("logs/.keep", "");
    char *slash = strrchr(dir, '/');
    char *glob_out = NULL, *text;
    struct stat sb;
    struct st t;
    FILE *ls;
    char line[1024];
    size_t len;

    *slash = '\0';
    st_run(&t, "echo logged-line; exit 5", dir, NULL);
    ck_assert_int_eq(t.status, 5);
    ls = popen("ls -1 \"$HOME\"/logs/demo-dev-web-01-*.log", "r");
    ck_assert_ptr_nonnull(ls);
    if (fgets(line, sizeof line, ls) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        glob_out = xstrdup(line);
    }
    pclose(ls);
    ck_assert_msg(glob_out != NULL, "no log file in %s", dir);
    ck_assert_int_eq(stat(glob_out, &sb), 0);
    ck_assert_int_eq(sb.st_mode & 0777, 0600);
    text = testutil_slurp(glob_out, &len);
    ck_assert_msg(strstr(text, "# mctop session: site demo, host dev-web-01, "
                               "local shell (demo), command: echo") == text,
                  "header: %s", text);
    ck_assert_ptr_nonnull(strstr(text, "\nlogged-line\n"));
    ck_assert_ptr_nonnull(strstr(text, "\n# mctop: ended, exit status 5\n"));
    free(text);
    free(glob_out);
    free(dir);
    st_free(&t);
}
END_TEST

START_TEST(test_session_log_dir_missing)
{
    struct loop *loop = loop_new();
    struct worker *w = worker_new(loop);
    struct site *site = site_new_demo(loop, w, 1, 5, 60);
    struct session_spec spec = { .loop = loop,
                                 .site = site,
                                 .fd = -1,
                                 .host = "dev-web-01",
                                 .command = "true",
                                 .log_dir = "/nonexistent/logs" };
    struct session_cb cb = { 0 };
    struct mc_err err = { 0 };

    ck_assert_ptr_null(session_open(&spec, &cb, &err));
    ck_assert_msg(strstr(err.msg, "dev-web-01") == err.msg &&
                      strstr(err.msg, "/nonexistent/logs/demo-dev-web-01-") &&
                      strstr(err.msg, "No such file"),
                  "%s", err.msg);
    site_free(site);
    worker_free(w);
    loop_free(loop);
}
END_TEST

START_TEST(test_session_route)
{
    char *path = testutil_put_file(
        "c", SITE_LAB "ssh_port = 2022\n\n"
                      "[ssh lab db-*]\nuser = dba\nconnect_to = name\n\n"
                      "[ssh lab web-0[12]]\nport = 22\n");
    struct mc_config cfg = { 0 };
    struct config_diag d = { 0 };
    struct loop *loop = loop_new();
    struct worker *w = worker_new(loop);
    struct site *site;
    struct session_route r;
    struct mc_err err = { 0 };

    ck_assert_int_eq(config_load(path, &cfg, &d), 0);
    site = site_new(loop, w, &cfg.sites[0]);
    /* the site's defaults: the bastion user, ssh_port, the address */
    ck_assert_int_eq(session_route(site, "app-01", "10.0.0.5", &r, &err), 0);
    ck_assert_str_eq(r.target, "10.0.0.5");
    ck_assert_str_eq(r.user, "ops");
    ck_assert_int_eq(r.port, 2022);
    /* no address: the name */
    ck_assert_int_eq(session_route(site, "app-01", "", &r, &err), 0);
    ck_assert_str_eq(r.target, "app-01");
    /* a rule: its user, connect by name, the site's port */
    ck_assert_int_eq(session_route(site, "DB-7", "10.0.0.7", &r, &err), 0);
    ck_assert_str_eq(r.target, "DB-7");
    ck_assert_str_eq(r.user, "dba");
    ck_assert_int_eq(r.port, 2022);
    ck_assert_int_eq(session_route(site, "web-02", "10.0.0.8", &r, &err), 0);
    ck_assert_int_eq(r.port, 22);
    /* never an argument that looks like an option */
    ck_assert_int_eq(session_route(site, "x", "-oProxyCommand=id", &r, &err),
                     -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "-oProxyCommand=id"));
    site_free(site);
    worker_free(w);
    loop_free(loop);
    config_free(&cfg);
    config_diag_free(&d);
    free(path);
}
END_TEST

START_TEST(test_session_attach_to)
{
    struct session_route r;

    ck_assert_int_eq(attach_parse_to("root@10.77.0.11:22", &r), 0);
    ck_assert_str_eq(r.user, "root");
    ck_assert_str_eq(r.target, "10.77.0.11");
    ck_assert_int_eq(r.port, 22);
    ck_assert_int_eq(attach_parse_to("a@b@[fd00::1]:2222", &r), 0);
    ck_assert_str_eq(r.user, "a@b");
    ck_assert_str_eq(r.target, "fd00::1");
    ck_assert_int_eq(r.port, 2222);
    ck_assert_int_eq(attach_parse_to("host:22", &r), -1);
    ck_assert_int_eq(attach_parse_to("u@host", &r), -1);
    ck_assert_int_eq(attach_parse_to("u@:22", &r), -1);
    ck_assert_int_eq(attach_parse_to("u@h:0", &r), -1);
    ck_assert_int_eq(attach_parse_to("u@h:65536", &r), -1);
}
END_TEST

Suite *session_suite(void)
{
    Suite *s = suite_create("session");
    TCase *tc = tcase_create("session");

    tcase_add_checked_fixture(tc, testutil_home_setup, testutil_home_teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_session_demo_command);
    tcase_add_test(tc, test_session_demo_shell);
    tcase_add_test(tc, test_session_log);
    tcase_add_test(tc, test_session_log_dir_missing);
    tcase_add_test(tc, test_session_route);
    tcase_add_test(tc, test_session_attach_to);
    suite_add_tcase(s, tc);
    return s;
}
