/* Unit tests for secrets: password commands, environment, netrc. */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend/secret.h"
#include "backend/xalloc.h"
#include "tests/unit/testutil_home.h"

/* --- secrets ----------------------------------------------------------- */

/* secret_resolve for a secret given as kind and text. */
static int resolve(enum mc_secret_kind kind, const char *value,
                   const char *host, const char *user, char **out,
                   struct mc_err *err)
{
    struct mc_secret s = { kind, value != NULL ? xstrdup(value) : NULL };
    int rc = secret_resolve(&s, host, user, out, err);

    secret_clear(&s);
    return rc;
}

START_TEST(test_secret_command_ok)
{
    struct mc_err err = { 0 };
    char *out = NULL;

    ck_assert_int_eq(resolve(MC_SECRET_COMMAND,
                             "printf 'hunter2\\r\\nsecond line\\n'; "
                             "echo >&2 x",
                             "h", NULL, &out, &err),
                     0);
    ck_assert_str_eq(out, "hunter2");
    secret_wipe_free(out);
    /* stdin is /dev/null */
    ck_assert_int_eq(resolve(MC_SECRET_COMMAND, "read x; echo \"[$x]\"", "h",
                             NULL, &out, &err),
                     0);
    ck_assert_str_eq(out, "[]");
    secret_wipe_free(out);
}
END_TEST

START_TEST(test_secret_command_fails)
{
    struct mc_err err = { 0 };
    char *out = NULL;

    ck_assert_int_eq(resolve(MC_SECRET_COMMAND,
                             "echo hunter2; echo 'gpg: decryption failed' "
                             ">&2; exit 3",
                             "h", NULL, &out, &err),
                     -1);
    ck_assert_ptr_null(out);
    ck_assert_str_eq(err.msg,
                     "command exited with status 3: gpg: decryption failed");
    ck_assert_int_eq(
        resolve(MC_SECRET_COMMAND, "kill -9 $$", "h", NULL, &out, &err), -1);
    ck_assert_str_eq(err.msg, "command was killed by signal 9");
}
END_TEST

START_TEST(test_secret_command_empty)
{
    struct mc_err err = { 0 };
    char *out = NULL;

    ck_assert_int_eq(resolve(MC_SECRET_COMMAND, "true", "h", NULL, &out, &err),
                     -1);
    ck_assert_str_eq(err.msg, "command printed nothing");
    ck_assert_int_eq(resolve(MC_SECRET_COMMAND,
                             "echo; echo later; echo 'no entry' >&2", "h", NULL,
                             &out, &err),
                     -1);
    ck_assert_str_eq(err.msg, "command printed nothing: no entry");
    ck_assert_ptr_null(out);
}
END_TEST

/* True once process pid has exited (gone, or a zombie nobody reaped). */
static int process_gone(long pid)
{
    char path[64], stat[256] = "";
    FILE *f;
    char *rp;

    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    f = fopen(path, "r");
    if (f == NULL)
        return 1;
    if (fgets(stat, sizeof stat, f) == NULL)
        stat[0] = '\0';
    fclose(f);
    rp = strrchr(stat, ')');
    return rp != NULL && rp[1] == ' ' && rp[2] == 'Z';
}

START_TEST(test_secret_command_timeout)
{
    char *pidfile = testutil_home_path("bg.pid");
    char *cmd = xasprintf("sleep 20 & echo $! > %s; echo pw; wait", pidfile);
    struct mc_err err = { 0 };
    char *out = NULL;
    time_t t0 = time(NULL);
    long bg = 0;
    FILE *f;
    int i;

    /* The background sleep keeps the pipe open: the group is killed. */
    ck_assert_int_eq(secret_run_command(cmd, 300, &out, &err), -1);
    ck_assert_str_eq(err.msg, "command timed out after 0.3 s");
    ck_assert_ptr_null(out);
    ck_assert_int_le(time(NULL) - t0, 5);
    f = fopen(pidfile, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fscanf(f, "%ld", &bg), 1);
    fclose(f);
    testutil_home_remember(pidfile);
    for (i = 0; i < 100 && !process_gone(bg); i++)
        usleep(10000);
    ck_assert_msg(process_gone(bg), "background child %ld still runs", bg);
    free(cmd);
    free(pidfile);
}
END_TEST

START_TEST(test_secret_env)
{
    struct mc_err err = { 0 };
    char *out = NULL;

    setenv("MCTOP_TEST_SECRET", "s3cret", 1);
    ck_assert_int_eq(
        resolve(MC_SECRET_ENV, "MCTOP_TEST_SECRET", NULL, NULL, &out, &err), 0);
    ck_assert_str_eq(out, "s3cret");
    secret_wipe_free(out);
    setenv("MCTOP_TEST_SECRET", "", 1);
    ck_assert_int_eq(
        resolve(MC_SECRET_ENV, "MCTOP_TEST_SECRET", NULL, NULL, &out, &err),
        -1);
    ck_assert_str_eq(err.msg,
                     "environment variable MCTOP_TEST_SECRET is empty");
    unsetenv("MCTOP_TEST_SECRET");
    ck_assert_int_eq(
        resolve(MC_SECRET_ENV, "MCTOP_TEST_SECRET", NULL, NULL, &out, &err),
        -1);
    ck_assert_str_eq(err.msg,
                     "environment variable MCTOP_TEST_SECRET is not set");
    ck_assert_ptr_null(out);
    ck_assert_int_eq(resolve(MC_SECRET_NONE, NULL, NULL, NULL, &out, &err), -1);
    ck_assert_str_eq(err.msg, "no password is configured");
}
END_TEST

static const char netrc_text[] =
    "# machine old.example.com password commented-out\n"
    "machine icinga.example.com login other password wrong\n"
    "MACHINE ICINGA.example.com\n"
    "  login mctop\n"
    "  password \"p a\\\"ss\"\n"
    "macdef init\n"
    "machine cacti.example.com login x password trap\n"
    "\n"
    "machine es.example.com login reader account acct\n"
    "machine cacti.example.com password nologin\n"
    "default login anon password #fallback\n";

START_TEST(test_secret_netrc_file)
{
    char *path = testutil_put_file("my-netrc", netrc_text);
    struct mc_err err = { 0 };
    char *out = NULL, *want;

    ck_assert_int_eq(resolve(MC_SECRET_NETRC, path, "icinga.example.com",
                             "mctop", &out, &err),
                     0);
    ck_assert_str_eq(out, "p a\"ss");
    secret_wipe_free(out);
    /* No user: the first entry for the host. */
    ck_assert_int_eq(
        resolve(MC_SECRET_NETRC, path, "icinga.example.com", NULL, &out, &err),
        0);
    ck_assert_str_eq(out, "wrong");
    secret_wipe_free(out);
    /* Not inside the macdef; an entry without login fits any user. */
    ck_assert_int_eq(
        resolve(MC_SECRET_NETRC, path, "cacti.example.com", "x", &out, &err),
        0);
    ck_assert_str_eq(out, "nologin");
    secret_wipe_free(out);
    ck_assert_int_eq(
        resolve(MC_SECRET_NETRC, path, "other.host", "anon", &out, &err), 0);
    ck_assert_str_eq(out, "#fallback");
    secret_wipe_free(out);
    ck_assert_int_eq(
        resolve(MC_SECRET_NETRC, path, "es.example.com", "reader", &out, &err),
        -1);
    ck_assert_ptr_null(out);
    want =
        xasprintf("the entry for es.example.com in %s has no password", path);
    ck_assert_str_eq(err.msg, want);
    free(want);
    ck_assert_int_eq(
        resolve(MC_SECRET_NETRC, path, "other.host", "bob", &out, &err), -1);
    want = xasprintf("no entry for other.host with login bob in %s", path);
    ck_assert_str_eq(err.msg, want);
    free(want);
    /* A commented-out entry is not used. */
    ck_assert_int_eq(
        resolve(MC_SECRET_NETRC, path, "old.example.com", NULL, &out, &err), 0);
    ck_assert_str_eq(out, "#fallback");
    secret_wipe_free(out);
    free(path);
}
END_TEST

START_TEST(test_secret_netrc_home)
{
    struct mc_err err = { 0 };
    char *out = NULL, *want;

    want = xasprintf("cannot open %s/.netrc: No such file or directory",
                     testutil_home());
    ck_assert_int_eq(resolve(MC_SECRET_NETRC, NULL, "h", "u", &out, &err), -1);
    ck_assert_str_eq(err.msg, want);
    free(want);
    free(testutil_put_file(".netrc", "machine h login u password pw"));
    ck_assert_int_eq(resolve(MC_SECRET_NETRC, NULL, "h", "u", &out, &err), 0);
    ck_assert_str_eq(out, "pw");
    secret_wipe_free(out);
}
END_TEST

Suite *secret_suite(void)
{
    Suite *s = suite_create("secret");
    TCase *ts = tcase_create("secret");

    tcase_add_checked_fixture(ts, testutil_home_setup, testutil_home_teardown);
    tcase_add_test(ts, test_secret_command_ok);
    tcase_add_test(ts, test_secret_command_fails);
    tcase_add_test(ts, test_secret_command_empty);
    tcase_add_test(ts, test_secret_command_timeout);
    tcase_add_test(ts, test_secret_env);
    tcase_add_test(ts, test_secret_netrc_file);
    tcase_add_test(ts, test_secret_netrc_home);
    suite_add_tcase(s, ts);
    return s;
}
