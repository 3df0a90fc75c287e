/* Unit tests for the OpenSSH command line and configuration file; what
 * ssh makes of them is checked with the real ssh -G when it is there. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/buf.h"
#include "backend/loop.h"
#include "backend/openssh.h"
#include "backend/proc.h"
#include "backend/xalloc.h"
#include "tests/unit/testutil.h"
#include "tests/unit/testutil_home.h"

#define SSH "/usr/bin/ssh"

static char prod[] = "prod", lab[] = "lab", bastion[] = "bastion.example",
            ops[] = "ops", admin[] = "admin", id_key[] = "/keys/id_ed25519";

/* A site as config_load would leave it (the strings are not freed). */
static struct mc_site_config site_bastion(void)
{
    struct mc_site_config s;

    memset(&s, 0, sizeof s);
    s.name = prod;
    s.bastion = bastion;
    s.bastion_port = 2222;
    s.bastion_user = ops;
    return s;
}

static struct mc_site_config site_direct(void)
{
    struct mc_site_config s;

    memset(&s, 0, sizeof s);
    s.name = lab;
    s.direct = true;
    return s;
}

/* A rule as config_ssh_for gives it (borrowed strings). */
static struct mc_ssh_rule rule_of(char *user, char *identity, int port)
{
    struct mc_ssh_rule r;

    memset(&r, 0, sizeof r);
    r.user = user;
    r.identity = identity;
    r.port = port;
    r.connect_to = MC_SSH_ADDRESS;
    return r;
}

/* The argv as text, or the error message. Caller frees. */
static char *argv_or_error(const char *config, const struct mc_site_config *s,
                           const struct mc_ssh_rule *r, const char *target,
                           const char *command, bool tty)
{
    struct mc_err err = { 0 };
    char **argv = openssh_argv(config, s, r, target, command, tty, &err);
    char *text;

    if (argv == NULL)
        return xasprintf("error: %s", err.msg);
    text = openssh_argv_text(argv);
    openssh_argv_free(argv);
    return text;
}

#define EXPECT_ARGV(want, ...)                                                 \
    do {                                                                       \
        char *got_ = argv_or_error(__VA_ARGS__);                               \
        ck_assert_str_eq(got_, want);                                          \
        free(got_);                                                            \
    } while (0)

START_TEST(test_openssh_argv_bastion)
{
    struct mc_site_config s = site_bastion();
    struct mc_ssh_rule r = rule_of(admin, id_key, 2022);

    EXPECT_ARGV("ssh -F /run/m/c -J bastion.example -p 2022 -l admin "
                "-i /keys/id_ed25519 -o IdentitiesOnly=yes -t -- 10.1.2.3",
                "/run/m/c", &s, &r, "10.1.2.3", NULL, true);
    s.known_hosts = (char[]){ "/home/o/known hosts 100%" };
    r.identity = NULL;
    EXPECT_ARGV("ssh -F /run/m/c -J bastion.example -p 2022 -l admin "
                "-o 'UserKnownHostsFile=\"/home/o/known hosts 100%%\"' -T "
                "-o BatchMode=yes -- web-01.example 'uptime; df -h'",
                "/run/m/c", &s, &r, "web-01.example", "uptime; df -h", false);
    s.bastion = (char[]){ "fd00::1" };
    EXPECT_ARGV("ssh -F /run/m/c -J '[fd00::1]' -p 2022 -l admin "
                "-o 'UserKnownHostsFile=\"/home/o/known hosts 100%%\"' -t -- "
                "fd00::2",
                "/run/m/c", &s, &r, "fd00::2", NULL, true);
}
END_TEST

START_TEST(test_openssh_argv_direct)
{
    struct mc_site_config s = site_direct();
    struct mc_ssh_rule r = rule_of((char[]){ "u" }, NULL, 22);

    EXPECT_ARGV("ssh -F '/home/my dir/c' -p 22 -l u -T -o BatchMode=yes -- "
                "web01 'echo '\\''hi'\\'''",
                "/home/my dir/c", &s, &r, "web01", "echo 'hi'", false);
    r.identity = (char[]){ "/k/id" };
    EXPECT_ARGV("ssh -F /c -p 22 -l u -i /k/id -o IdentitiesOnly=yes -t -- h",
                "/c", &s, &r, "h", NULL, true);
}
END_TEST

START_TEST(test_openssh_argv_refused)
{
    struct mc_site_config s = site_bastion();
    struct mc_ssh_rule r = rule_of(admin, NULL, 22);

    EXPECT_ARGV("error: cannot connect to '-oProxyCommand=x' with ssh: not a "
                "host name or an address",
                "/c", &s, &r, "-oProxyCommand=x", NULL, true);
    EXPECT_ARGV("error: cannot connect to 'a b' with ssh: not a host name or "
                "an address",
                "/c", &s, &r, "a b", NULL, true);
    EXPECT_ARGV("error: cannot connect to 'x;id' with ssh: not a host name or "
                "an address",
                "/c", &s, &r, "x;id", NULL, true);
    EXPECT_ARGV("error: cannot connect to '' with ssh: not a host name or an "
                "address",
                "/c", &s, &r, "", NULL, true);
    /* The jump's ssh runs "ssh -F PATH ... BASTION" through /bin/sh. */
    EXPECT_ARGV("error: cannot use /my dir/c as ssh's configuration file: ssh "
                "-J puts its path in a shell command, so it may only have "
                "letters, digits and /._+,:@=-",
                "/my dir/c", &s, &r, "h", NULL, true);
    s.bastion = (char[]){ "b$(id)" };
    EXPECT_ARGV("error: site prod: bastion 'b$(id)' cannot be given to ssh "
                "-J: it must be a host name or an address",
                "/c", &s, &r, "h", NULL, true);
    s = site_bastion();
    r.user = (char[]){ "-oops" };
    EXPECT_ARGV("error: site prod: ssh_user '-oops' is not a user name", "/c",
                &s, &r, "h", NULL, true);
    r.user = admin;
    r.identity = (char[]){ "/k/100%" };
    EXPECT_ARGV("error: site prod: ssh_identity cannot be given to ssh: it has "
                "'%'",
                "/c", &s, &r, "h", NULL, true);
    r.identity = NULL;
    s.known_hosts = (char[]){ "/k/a\"b" };
    EXPECT_ARGV("error: site prod: known_hosts cannot be given to ssh: it has "
                "a double quote",
                "/c", &s, &r, "h", NULL, true);
}
END_TEST

START_TEST(test_openssh_argv_text)
{
    char *words[] = { (char[]){ "plain/._+,:@=%-" },
                      (char[]){ "two words" },
                      (char[]){ "it's" },
                      (char[]){ "" },
                      (char[]){ "$HOME;`x`" },
                      NULL };
    char *t = openssh_argv_text(words);

    ck_assert_str_eq(t, "plain/._+,:@=%- 'two words' 'it'\\''s' '' "
                        "'$HOME;`x`'");
    free(t);
    t = openssh_argv_text((char *[]){ NULL });
    ck_assert_str_eq(t, "");
    free(t);
}
END_TEST

/* ---- the configuration file ---- */

static char *slurp_abs(const char *path)
{
    struct buf b = { 0 };
    char chunk[512];
    size_t n;
    FILE *f = fopen(path, "r");

    ck_assert_msg(f != NULL, "cannot open %s", path);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    return buf_steal(&b);
}

/* The number of entries in HOME (to see that no temporary file is left). */
static int home_entries(void)
{
    DIR *d = opendir(testutil_home());
    int n = 0;
    struct dirent *e;

    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

START_TEST(test_openssh_config_file)
{
    struct mc_site_config s = site_bastion();
    struct mc_err err = { 0 };
    char *path = testutil_home_path("cfg");
    char *dir = testutil_home_path("dot ssh");
    char *text, *want;
    struct stat st;

    s.identity_file = (char[]){ "/keys/my key" };
    s.known_hosts = (char[]){ "/kh/known_hosts%d" };
    umask(022);
    ck_assert_int_eq(openssh_write_config(&s, dir, path, &err), 0);
    testutil_home_remember(path);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    text = slurp_abs(path);
    want = xasprintf("# Written by mctop for the sessions of site prod "
                     "(rewritten each time).\n"
                     "Host bastion.example\n"
                     "    Port 2222\n"
                     "    User \"ops\"\n"
                     "    IdentityFile \"/keys/my key\"\n"
                     "    IdentitiesOnly yes\n"
                     "    UserKnownHostsFile \"/kh/known_hosts%%%%d\"\n"
                     "Match all\n"
                     "Include \"%s/config\"\n"
                     "Include /etc/ssh/ssh_config\n",
                     dir);
    ck_assert_str_eq(text, want);
    free(text);
    free(want);

    /* Replaced as a whole; a direct site has no Host block. */
    s = site_direct();
    ck_assert_int_eq(openssh_write_config(&s, dir, path, &err), 0);
    text = slurp_abs(path);
    want = xasprintf("# Written by mctop for the sessions of site lab "
                     "(rewritten each time).\n"
                     "Match all\n"
                     "Include \"%s/config\"\n"
                     "Include /etc/ssh/ssh_config\n",
                     dir);
    ck_assert_str_eq(text, want);
    ck_assert_int_eq(home_entries(), 1); /* no temporary file left */
    free(text);
    free(want);
    free(path);
    free(dir);
}
END_TEST

START_TEST(test_openssh_config_refused)
{
    struct mc_site_config s = site_bastion();
    struct mc_err err = { 0 };
    char *path = testutil_home_path("cfg");

    s.identity_file = (char[]){ "/keys/a\nHost *" };
    ck_assert_int_eq(openssh_write_config(&s, "/h/.ssh", path, &err), -1);
    ck_assert_str_eq(err.msg, "site prod: identity_file cannot be given to "
                              "ssh: it has a control character");
    s.identity_file = (char[]){ "/keys/a\\b" };
    ck_assert_int_eq(openssh_write_config(&s, "/h/.ssh", path, &err), -1);
    ck_assert_str_eq(err.msg, "site prod: identity_file cannot be given to "
                              "ssh: it has a backslash");
    s.identity_file = NULL;
    s.known_hosts = (char[]){ "/k/${HOME}" };
    ck_assert_int_eq(openssh_write_config(&s, "/h/.ssh", path, &err), -1);
    ck_assert_str_eq(err.msg, "site prod: known_hosts cannot be given to "
                              "ssh: it has \"${\"");
    s.known_hosts = NULL;
    s.bastion_user = (char[]){ "a%b" };
    ck_assert_int_eq(openssh_write_config(&s, "/h/.ssh", path, &err), -1);
    ck_assert_str_eq(err.msg, "site prod: bastion_user cannot be given to "
                              "ssh: it has '%'");
    s.bastion_user = NULL;
    ck_assert_int_eq(openssh_write_config(&s, "/h/*", path, &err), -1);
    ck_assert_str_eq(err.msg, "site prod: the ssh directory cannot be given "
                              "to ssh: it has '*'");
    ck_assert_int_eq(home_entries(), 0); /* nothing written */
    ck_assert_int_eq(
        openssh_write_config(&s, "/h/.ssh", "/nonexistent/dir/cfg", &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "cannot write /nonexistent/dir/cfg"));
    free(path);
}
END_TEST

/* ---- what the real ssh makes of them ---- */

struct capture {
    struct loop *loop;
    struct buf out, err;
    int status;
};

static void cap_data(void *arg, struct proc *p, const char *b, size_t n,
                     bool is_stderr)
{
    struct capture *c = arg;

    (void)p;
    buf_append(is_stderr ? &c->err : &c->out, b, n);
}

static void cap_exited(void *arg, struct proc *p, int status)
{
    struct capture *c = arg;

    (void)p;
    c->status = status;
    loop_stop(c->loop);
}

static long cap_timeout(void *arg)
{
    struct capture *c = arg;

    c->status = -2;
    loop_stop(c->loop);
    return LOOP_STOP;
}

/* Run argv; its stdout (caller frees) and, if wanted, its stderr. */
static char *run_capture(char **argv, char **err_out)
{
    struct capture c = { 0 };
    struct proc_spec spec = { argv, NULL, PROC_PIPES, 0, 0 };
    struct proc_cb cb = { cap_data, cap_exited, &c };
    char err[256];
    struct proc *p;

    c.loop = loop_new();
    p = proc_spawn(c.loop, &spec, &cb, err, sizeof err);
    ck_assert_msg(p != NULL, "%s", err);
    proc_close_stdin(p);
    loop_add_timer(c.loop, 20000, cap_timeout, &c);
    loop_run(c.loop);
    ck_assert_int_ne(c.status, -2);
    proc_free(p);
    loop_free(c.loop);
    if (err_out != NULL)
        *err_out = buf_steal(&c.err);
    buf_free(&c.err);
    return buf_steal(&c.out);
}

/* ssh -G with the options of argv (argv[0] "ssh" left out). */
static char *ssh_G(char *const *argv)
{
    char *v[32];
    int n = 0;

    v[n++] = (char[]){ SSH };
    v[n++] = (char[]){ "-G" };
    for (int i = 1; argv[i] != NULL && n < 31; i++)
        v[n++] = argv[i];
    v[n] = NULL;
    return run_capture(v, NULL);
}

/* ssh -G prints one "key value" line per setting. */
static void has_line(const char *text, const char *line)
{
    char *t = xasprintf("\n%s", text), *l = xasprintf("\n%s\n", line);

    ck_assert_msg(strstr(t, l) != NULL, "no '%s' in:\n%.2000s", line, text);
    free(t);
    free(l);
}

/* The end of a long text, for failure messages (Check limits them). */
static const char *tail(const char *s)
{
    size_t n = strlen(s);

    return n > 2000 ? s + n - 2000 : s;
}

/* make check installs openssh-client: without it this is a failure. */
static bool have_ssh(void)
{
    ck_assert_msg(access(SSH, X_OK) == 0,
                  "no %s (openssh-client): what ssh makes of the files "
                  "cannot be tested",
                  SSH);
    return true;
}

START_TEST(test_openssh_ssh_reads_config)
{
    struct mc_site_config s = site_bastion();
    struct mc_ssh_rule r = rule_of(admin, NULL, 2022);
    struct mc_err err = { 0 };
    char *path = testutil_home_path("cfg");
    char *key = testutil_put_file("my keys/id 1", "not a key\n");
    char *kh = testutil_home_path("my keys/known 100%");
    char *dir = testutil_home_path(".ssh");
    char **argv;
    char *out, *want;

    if (!have_ssh())
        goto out;
    free(testutil_put_file(".ssh/config", "Host bastion.example\n"
                                          "    HostName 10.0.0.5\n"
                                          "    User other\n"
                                          "    Port 2000\n"));
    s.identity_file = key;
    s.known_hosts = kh;
    r.identity = key;
    ck_assert_int_eq(openssh_write_config(&s, dir, path, &err), 0);
    testutil_home_remember(path);

    /* The jump: our settings first, the user's alias for the rest. */
    argv = (char *[]){ (char[]){ "ssh" }, (char[]){ "-F" }, path,
                       (char[]){ "bastion.example" }, NULL };
    out = ssh_G(argv);
    has_line(out, "hostname 10.0.0.5");
    has_line(out, "port 2222");
    has_line(out, "user ops");
    want = xasprintf("identityfile %s", key);
    has_line(out, want);
    free(want);
    has_line(out, "identitiesonly yes");
    want = xasprintf("userknownhostsfile %s", kh);
    has_line(out, want);
    free(want);
    free(out);

    /* The session itself. */
    argv = openssh_argv(path, &s, &r, "10.1.2.3", "uptime", false, &err);
    ck_assert_msg(argv != NULL, "%s", err.msg);
    out = ssh_G(argv);
    has_line(out, "proxyjump bastion.example");
    has_line(out, "hostname 10.1.2.3");
    has_line(out, "port 2022");
    has_line(out, "user admin");
    has_line(out, "batchmode yes");
    has_line(out, "identitiesonly yes");
    want = xasprintf("userknownhostsfile %s", kh);
    has_line(out, want);
    free(want);
    free(out);
    openssh_argv_free(argv);

    /* Without bastion_user and bastion_port, the alias's apply. */
    s.bastion_user = NULL;
    s.bastion_port = 0;
    ck_assert_int_eq(openssh_write_config(&s, dir, path, &err), 0);
    argv = (char *[]){ (char[]){ "ssh" }, (char[]){ "-F" }, path,
                       (char[]){ "bastion.example" }, NULL };
    out = ssh_G(argv);
    has_line(out, "port 2000");
    has_line(out, "user other");
    free(out);
out:
    free(dir);
    free(path);
    free(key);
    free(kh);
}
END_TEST

/* The real jump: ssh -v shows the jump's ssh reading our file and then
 * connecting where the user's alias points (a closed local port). */
START_TEST(test_openssh_jump_uses_config)
{
    struct mc_site_config s = site_bastion();
    struct mc_ssh_rule r = rule_of(admin, NULL, 22);
    struct mc_err err = { 0 };
    char *path = testutil_home_path("cfg");
    char *dir = testutil_home_path(".ssh");
    char *v[40], **argv, *out, *errs, *want;
    int n = 0;

    if (!have_ssh())
        goto out;
    free(testutil_put_file(".ssh/config", "Host bastion.example\n"
                                          "    HostName 127.0.0.1\n"));
    s.bastion_port = 1;
    ck_assert_int_eq(openssh_write_config(&s, dir, path, &err), 0);
    testutil_home_remember(path);
    argv = openssh_argv(path, &s, &r, "10.1.2.3", "true", false, &err);
    ck_assert_msg(argv != NULL, "%s", err.msg);
    v[n++] = (char[]){ SSH };
    v[n++] = (char[]){ "-v" };
    v[n++] = (char[]){ "-oConnectTimeout=5" };
    for (int i = 1; argv[i] != NULL && n < 39; i++)
        v[n++] = argv[i];
    v[n] = NULL;
    out = run_capture(v, &errs);
    want = xasprintf("%s line 2: Applying options for bastion.example", path);
    ck_assert_msg(strstr(errs, want) != NULL, "no '%s' in:\n%s", want,
                  tail(errs));
    ck_assert_msg(strstr(errs, "Connecting to 127.0.0.1 [127.0.0.1] port 1.") !=
                      NULL,
                  "%s", tail(errs));
    free(want);
    free(out);
    free(errs);
    openssh_argv_free(argv);
out:
    free(dir);
    free(path);
}
END_TEST

Suite *openssh_suite(void)
{
    Suite *s = suite_create("openssh");
    TCase *tc = tcase_create("argv");
    TCase *tf = tcase_create("config");

    tcase_add_test(tc, test_openssh_argv_bastion);
    tcase_add_test(tc, test_openssh_argv_direct);
    tcase_add_test(tc, test_openssh_argv_refused);
    tcase_add_test(tc, test_openssh_argv_text);
    suite_add_tcase(s, tc);
    tcase_add_checked_fixture(tf, testutil_home_setup, testutil_home_teardown);
    tcase_set_timeout(tf, 60);
    tcase_add_test(tf, test_openssh_config_file);
    tcase_add_test(tf, test_openssh_config_refused);
    tcase_add_test(tf, test_openssh_ssh_reads_config);
    tcase_add_test(tf, test_openssh_jump_uses_config);
    suite_add_tcase(s, tf);
    return s;
}
