/* Unit tests for the configuration of SSH sessions to monitored hosts. */
#include <check.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/buf.h"
#include "backend/config.h"
#include "backend/xalloc.h"
#include "tests/unit/testutil_home.h"

#define DATA "tests/data/config/"

/* A site with what is required and nothing about sessions. */
#define SITE(name)                                                             \
    "[site " name "]\nbastion = b\nicinga_url = http://i\n"                    \
    "icinga_user = u\nicinga_password_env = PW\n"

/* All diagnostics on one string, for failure messages. */
static char *diag_join(const struct config_diag *d)
{
    struct buf b = { 0 };
    size_t i;

    for (i = 0; i < d->n; i++)
        buf_printf(&b, "\n  %s", d->msg[i]);
    return buf_steal(&b);
}

/* Load the text (as HOME/c) that must be valid. */
static void load_text(const char *text, struct mc_config *cfg)
{
    char *path = testutil_put_file("c", text);
    struct config_diag d;
    int rc = config_load(path, cfg, &d);
    char *all = diag_join(&d);

    ck_assert_msg(rc == 0 && d.n == 0, "unexpected errors:%s", all);
    free(all);
    free(path);
    config_diag_free(&d);
}

/* Loading path must fail with exactly the expected messages, in order. */
static void expect_errors(const char *path, const char *const *want, size_t n)
{
    struct mc_config cfg;
    struct config_diag d;
    char *all;
    size_t i;

    ck_assert_int_eq(config_load(path, &cfg, &d), -1);
    all = diag_join(&d);
    ck_assert_msg(d.n == n, "want %zu messages, got %zu:%s", n, d.n, all);
    for (i = 0; i < n; i++)
        ck_assert_str_eq(d.msg[i], want[i]);
    ck_assert_ptr_null(cfg.sites);
    free(all);
    config_diag_free(&d);
}

/* The settings of a session to host on site s, checked field by field. */
static void expect_for(const struct mc_site_config *s, const char *host,
                       const char *pattern, const char *user,
                       const char *identity, int port,
                       enum mc_ssh_target connect_to)
{
    struct mc_ssh_rule r;

    config_ssh_for(s, host, &r);
    if (pattern == NULL)
        ck_assert_ptr_null(r.pattern);
    else
        ck_assert_str_eq(r.pattern, pattern);
    ck_assert_str_eq(r.user, user);
    if (identity == NULL)
        ck_assert_ptr_null(r.identity);
    else
        ck_assert_str_eq(r.identity, identity);
    ck_assert_int_eq(r.port, port);
    ck_assert_int_eq(r.connect_to, connect_to);
}

/* The sessions of the example of mctop.conf(5). */
START_TEST(test_ssh_example)
{
    struct passwd *pw = getpwuid(getuid());
    struct mc_config cfg;
    struct config_diag d;
    const struct mc_site_config *s;
    char *id = testutil_put_file(".ssh/id_ed25519", "key\n");
    char *id_dba = testutil_put_file(".ssh/id_dba", "key\n");

    free(testutil_put_file(".config/mctop/prod-ca.crt", "ca\n"));
    free(testutil_put_file(".netrc", "default password x\n"));
    ck_assert_int_eq(config_load(DATA "example.conf", &cfg, &d), 0);
    ck_assert_int_eq(cfg.ssh_mode, MC_SSH_BUILTIN);
    ck_assert(cfg.ssh_tmux);
    ck_assert_ptr_null(cfg.ssh_log_dir);
    ck_assert_int_eq(cfg.run_parallel, 8);
    /* prod-eu: its ssh_user and identity_file, then a rule. */
    s = &cfg.sites[0];
    expect_for(s, "web-1", NULL, "admin", id, 22, MC_SSH_ADDRESS);
    ck_assert_uint_eq(s->nssh_rules, 1);
    ck_assert_int_eq(s->ssh_rules[0].line, 56);
    expect_for(s, "DB-1", "db-*", "dba", id_dba, 2022, MC_SSH_ADDRESS);
    /* prod-us: no bastion_user, so the login name. */
    s = &cfg.sites[1];
    ck_assert_ptr_nonnull(pw);
    ck_assert_uint_eq(s->nssh_rules, 0);
    expect_for(s, "db-1", NULL, pw->pw_name, NULL, 22, MC_SSH_ADDRESS);
    /* staging: every host by its name. */
    s = &cfg.sites[2];
    expect_for(s, "db-1", "*", pw->pw_name, NULL, 22, MC_SSH_NAME);
    config_free(&cfg);
    config_diag_free(&d);
    free(id);
    free(id_dba);
}
END_TEST

START_TEST(test_ssh_defaults)
{
    struct passwd *pw = getpwuid(getuid());
    struct mc_config cfg;
    const struct mc_site_config *s;

    load_text(SITE("x"), &cfg);
    ck_assert_int_eq(cfg.ssh_mode, MC_SSH_BUILTIN);
    ck_assert(!cfg.ssh_tmux);
    ck_assert_ptr_null(cfg.ssh_log_dir);
    ck_assert_int_eq(cfg.run_parallel, 8);
    s = &cfg.sites[0];
    ck_assert_ptr_nonnull(pw);
    ck_assert_ptr_null(s->ssh_default.pattern);
    ck_assert_str_eq(s->ssh_default.user, pw->pw_name); /* the login */
    ck_assert_ptr_null(s->ssh_default.identity);
    ck_assert_int_eq(s->ssh_default.port, 22);
    ck_assert_int_eq(s->ssh_default.connect_to, MC_SSH_ADDRESS);
    ck_assert_int_eq(s->ssh_default.line, 1);
    ck_assert_uint_eq(s->nssh_rules, 0);
    ck_assert_ptr_null(s->ssh_rules);
    expect_for(s, "web1", NULL, pw->pw_name, NULL, 22, MC_SSH_ADDRESS);
    config_free(&cfg);
}
END_TEST

/* The [mctop] settings, with a log directory given with "~/" and a '/'. */
START_TEST(test_ssh_global)
{
    char *file = testutil_put_file("logs/keep", "");
    char *dir = testutil_home_path("logs");
    struct mc_config cfg;

    load_text("[mctop]\nssh_mode = openssh\nssh_tmux = yes\n"
              "ssh_log_dir = ~/logs//\nrun_parallel = 64\n" SITE("x"),
              &cfg);
    ck_assert_int_eq(cfg.ssh_mode, MC_SSH_OPENSSH);
    ck_assert(cfg.ssh_tmux);
    ck_assert_str_eq(cfg.ssh_log_dir, dir);
    ck_assert_int_eq(cfg.run_parallel, 64);
    config_free(&cfg);
    load_text("[mctop]\nssh_mode = builtin\nssh_tmux = off\n"
              "run_parallel = 1\n" SITE("x"),
              &cfg);
    ck_assert_int_eq(cfg.ssh_mode, MC_SSH_BUILTIN);
    ck_assert(!cfg.ssh_tmux);
    ck_assert_int_eq(cfg.run_parallel, 1);
    config_free(&cfg);
    free(dir);
    free(file);
}
END_TEST

/* A site's defaults: its bastion user and identity, unless ssh_* say. */
START_TEST(test_ssh_site_defaults)
{
    char *id = testutil_put_file(".ssh/id_site", "key\n");
    char *other = testutil_put_file(".ssh/id_hosts", "key\n");
    struct mc_config cfg;
    const struct mc_site_config *s;

    load_text(
        SITE("a") "bastion_user = ops\nidentity_file = ~/.ssh/id_site\n"
                  "\n" SITE(
                      "b") "bastion_user = ops\n"
                           "identity_file = ~/.ssh/id_site\n"
                           "ssh_user = admin\nssh_identity = .ssh/id_hosts\n"
                           "ssh_port = 2022\nssh_connect_to = name\n",
        &cfg);
    s = &cfg.sites[0];
    ck_assert_str_eq(s->ssh_default.user, "ops");
    ck_assert_str_eq(s->ssh_default.identity, id);
    ck_assert_ptr_ne(s->ssh_default.identity, s->identity_file); /* a copy */
    ck_assert_int_eq(s->ssh_default.port, 22);
    ck_assert_int_eq(s->ssh_default.connect_to, MC_SSH_ADDRESS);
    expect_for(s, "web1", NULL, "ops", id, 22, MC_SSH_ADDRESS);
    s = &cfg.sites[1];
    ck_assert_int_eq(s->ssh_default.line, 9);
    expect_for(s, "web1", NULL, "admin", other, 2022, MC_SSH_NAME);
    ck_assert_str_eq(s->bastion_user, "ops");
    ck_assert_str_eq(s->identity_file, id);
    config_free(&cfg);
    free(id);
    free(other);
}
END_TEST

/* Rules per site, in file order, before or after their site's section. */
START_TEST(test_ssh_rules)
{
    char *id = testutil_put_file("id_db", "key\n");
    struct mc_config cfg;
    const struct mc_site_config *s;

    load_text("[ssh prod DB-*]\n"           /* 1 */
              "user = dba\n"                /* 2 */
              "identity = ~/id_db\n"        /* 3 */
              "[ssh prod *]\n"              /* 4 */
              "connect_to = name\n"         /* 5 */
              "[ssh test *]\n"              /* 6 */
              "port = 2200\n"               /* 7 */
              SITE("prod")                  /* 8-12 */
              "ssh_user = ops\n"            /* 13 */
              "ssh_port = 2022\n"           /* 14 */
              "[ssh  prod   db-1?  ]\n"     /* 15 */
              "user = never\n"              /* 16 */
              "[ssh prod web[0-9]] # [x]\n" /* 17 */
              "port = 22\n" SITE("test"),
              &cfg);
    s = &cfg.sites[0];
    ck_assert_uint_eq(s->nssh_rules, 4);
    ck_assert_str_eq(s->ssh_rules[0].pattern, "db-*"); /* lower case */
    ck_assert_int_eq(s->ssh_rules[0].line, 1);
    ck_assert_str_eq(s->ssh_rules[0].user, "dba");
    ck_assert_str_eq(s->ssh_rules[0].identity, id);
    ck_assert_int_eq(s->ssh_rules[0].port, 0); /* unset */
    ck_assert_int_eq(s->ssh_rules[0].connect_to, MC_SSH_TARGET_UNSET);
    ck_assert_str_eq(s->ssh_rules[1].pattern, "*");
    ck_assert_ptr_null(s->ssh_rules[1].user);
    ck_assert_str_eq(s->ssh_rules[2].pattern, "db-1?");
    ck_assert_int_eq(s->ssh_rules[2].line, 15);
    ck_assert_str_eq(s->ssh_rules[3].pattern, "web[0-9]");
    /* The first match wins, even when a later one is more precise; what
     * it leaves unset comes from the site. */
    expect_for(s, "db-12", "db-*", "dba", id, 2022, MC_SSH_ADDRESS);
    expect_for(s, "DB-12.Example.COM", "db-*", "dba", id, 2022, MC_SSH_ADDRESS);
    expect_for(s, "web1", "*", "ops", NULL, 2022, MC_SSH_NAME);
    expect_for(s, "", "*", "ops", NULL, 2022, MC_SSH_NAME);
    s = &cfg.sites[1];
    ck_assert_uint_eq(s->nssh_rules, 1);
    ck_assert_int_eq(s->ssh_rules[0].line, 6);
    ck_assert_int_eq(s->ssh_default.port, 22);
    expect_for(s, "db-12", "*", s->ssh_default.user, NULL, 2200,
               MC_SSH_ADDRESS);
    config_free(&cfg);
    free(id);
}
END_TEST

/* Without a matching rule, the site's defaults (pattern NULL). */
START_TEST(test_ssh_no_match)
{
    struct mc_config cfg;
    const struct mc_site_config *s;

    load_text(SITE("x") "ssh_user = root\n[ssh x db*]\nport = 5022\n"
                        "[ssh x *.lab]\nuser = lab\n",
              &cfg);
    s = &cfg.sites[0];
    expect_for(s, "web1", NULL, "root", NULL, 22, MC_SSH_ADDRESS);
    expect_for(s, "xdb1", NULL, "root", NULL, 22, MC_SSH_ADDRESS);
    expect_for(s, "db1", "db*", "root", NULL, 5022, MC_SSH_ADDRESS);
    expect_for(s, "a.LAB", "*.lab", "lab", NULL, 22, MC_SSH_ADDRESS);
    config_free(&cfg);
}
END_TEST

/* A site not made by config_load() still gets a user, port and target. */
START_TEST(test_ssh_for_bare_site)
{
    struct mc_site_config s;
    struct mc_ssh_rule r;
    char user[] = "ops";

    memset(&s, 0, sizeof s);
    config_ssh_for(&s, "h", &r);
    ck_assert_ptr_nonnull(r.user);
    ck_assert_int_gt((int)strlen(r.user), 0);
    ck_assert_int_eq(r.port, 22);
    ck_assert_int_eq(r.connect_to, MC_SSH_ADDRESS);
    s.bastion_user = user;
    config_ssh_for(&s, "h", &r);
    ck_assert_str_eq(r.user, "ops");
}
END_TEST

START_TEST(test_ssh_bad_values)
{
    static const char *const want[] = {
        DATA "err-ssh.conf:2: ssh_mode: expected builtin or openssh, got "
             "'putty'",
        DATA "err-ssh.conf:3: ssh_tmux: expected yes or no, got 'sometimes'",
        DATA "err-ssh.conf:4: run_parallel: expected a number from 1 to 64, "
             "got '65'",
        DATA "err-ssh.conf:8: port: expected a number from 1 to 65535, got "
             "'0'",
        DATA "err-ssh.conf:9: connect_to: expected address or name, got 'ip'",
        DATA "err-ssh.conf:10: unknown key 'ssh_user' in [ssh prod web*] "
             "(did you mean 'user'?)",
        DATA "err-ssh.conf:11: duplicate key 'user' (first set at line 7)",
        DATA "err-ssh.conf:18: ssh_port: expected a number from 1 to 65535, "
             "got '65536'",
        DATA "err-ssh.conf:19: ssh_connect_to: expected address or name, got "
             "'Name'",
        DATA "err-ssh.conf:20: unknown key 'user' in [site prod] (did you "
             "mean 'ssh_user'?)",
        DATA "err-ssh.conf:21: ssh_user: must not start with '-'",
        DATA "err-ssh.conf:23: duplicate section [ssh prod web*] (first at "
             "line 6)",
        DATA "err-ssh.conf:24: [ssh nowhere db*]: there is no [site nowhere] "
             "in the file",
        DATA "err-ssh.conf:26: an ssh section needs a site and one host name "
             "pattern: [ssh SITE PATTERN]",
        DATA "err-ssh.conf:27: an ssh section needs a site and one host name "
             "pattern: [ssh SITE PATTERN]",
        DATA "err-ssh.conf:28: unknown section [sshprod x]; expected "
             "[mctop], [site NAME], [ssh SITE PATTERN] or [query SITE "
             "NAME]",
        DATA "err-ssh.conf:30: unknown key 'theme' in [ssh prod db*] (it "
             "belongs in [mctop])",
        DATA "err-ssh.conf:31: unknown key 'bastion' in [ssh prod db*] (it "
             "belongs in a [site NAME] section)",
    };

    expect_errors(DATA "err-ssh.conf", want, sizeof want / sizeof want[0]);
}
END_TEST

/* Other values out of range, one file each. */
START_TEST(test_ssh_bad_numbers)
{
    static const char *const cases[][2] = {
        { "[mctop]\nrun_parallel = 0\n",
          "run_parallel: expected a number from 1 to 64, got '0'" },
        { "[mctop]\nrun_parallel = -1\n",
          "run_parallel: expected a number from 1 to 64, got '-1'" },
        { "[mctop]\nssh_mode = OpenSSH\n",
          "ssh_mode: expected builtin or openssh, got 'OpenSSH'" },
        { "[ssh x *]\nport = 22x\n",
          "port: expected a number from 1 to 65535, got '22x'" },
        { "[ssh x *]\nuser = a b\n", "user: spaces are not allowed" },
        { "[ssh x *]\nconnect_to = address name\n",
          "connect_to: expected address or name, got 'address name'" },
    };
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *rel = xasprintf("c%zu", i);
        char *text = xasprintf("%s" SITE("x"), cases[i][0]);
        char *path = testutil_put_file(rel, text);
        char *want = xasprintf("%s:2: %s", path, cases[i][1]);
        const char *const msgs[] = { want };

        expect_errors(path, msgs, 1);
        free(want);
        free(path);
        free(text);
        free(rel);
    }
}
END_TEST

/* Identity files must be readable; the log directory writable. */
START_TEST(test_ssh_paths)
{
    char *file = testutil_put_file("afile", "");
    char *text = xasprintf("[mctop]\nssh_log_dir = ~/nologs\n"
                           "%s"
                           "ssh_identity = ~/.ssh/missing\n"
                           "[ssh x db*]\nidentity = /nonexistent/id\n",
                           SITE("x"));
    char *path = testutil_put_file("c", text);
    char *w1 = xasprintf("%s:2: ssh_log_dir: cannot use %s/nologs: No such "
                         "file or directory",
                         path, testutil_home());
    char *w2 = xasprintf("%s:8: ssh_identity: cannot read %s/.ssh/missing: "
                         "No such file or directory",
                         path, testutil_home());
    char *w3 = xasprintf("%s:10: identity: cannot read /nonexistent/id: No "
                         "such file or directory",
                         path);
    const char *const msgs[] = { w1, w2, w3 };
    char *text2 = xasprintf("[mctop]\nssh_log_dir = %s\n" SITE("x"), file);
    char *path2 = testutil_put_file("c2", text2);
    char *w4 =
        xasprintf("%s:2: ssh_log_dir: %s is not a directory", path2, file);
    const char *const msgs2[] = { w4 };

    expect_errors(path, msgs, 3);
    expect_errors(path2, msgs2, 1);
    free(w1);
    free(w2);
    free(w3);
    free(w4);
    free(text);
    free(text2);
    free(path);
    free(path2);
    free(file);
}
END_TEST

/* A log directory we cannot write to (root can write anywhere). */
START_TEST(test_ssh_log_dir_readonly)
{
    char *file = testutil_put_file("ro/keep", "");
    char *dir = testutil_home_path("ro");
    char *path =
        testutil_put_file("c", "[mctop]\nssh_log_dir = ro\n" SITE("x"));
    char *want = xasprintf("%s:2: ssh_log_dir: cannot write to %s: "
                           "Permission denied",
                           path, dir);
    struct mc_config cfg;
    struct config_diag d;
    int rc;

    ck_assert_int_eq(chmod(dir, 0500), 0);
    rc = config_load(path, &cfg, &d);
    ck_assert_int_eq(chmod(dir, 0700), 0);
    if (geteuid() == 0) {
        ck_assert_int_eq(rc, 0);
        config_free(&cfg);
    } else {
        ck_assert_int_eq(rc, -1);
        ck_assert_uint_eq(d.n, 1);
        ck_assert_str_eq(d.msg[0], want);
    }
    config_diag_free(&d);
    free(want);
    free(path);
    free(dir);
    free(file);
}
END_TEST

Suite *config_ssh_suite(void)
{
    Suite *s = suite_create("config_ssh");
    TCase *tc = tcase_create("ssh");

    tcase_add_checked_fixture(tc, testutil_home_setup, testutil_home_teardown);
    tcase_add_test(tc, test_ssh_example);
    tcase_add_test(tc, test_ssh_defaults);
    tcase_add_test(tc, test_ssh_global);
    tcase_add_test(tc, test_ssh_site_defaults);
    tcase_add_test(tc, test_ssh_rules);
    tcase_add_test(tc, test_ssh_no_match);
    tcase_add_test(tc, test_ssh_for_bare_site);
    tcase_add_test(tc, test_ssh_bad_values);
    tcase_add_test(tc, test_ssh_bad_numbers);
    tcase_add_test(tc, test_ssh_paths);
    tcase_add_test(tc, test_ssh_log_dir_readonly);
    suite_add_tcase(s, tc);
    return s;
}
