/* Unit tests for the configuration file and secret lookup. */
#include <check.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backend/buf.h"
#include "backend/config.h"
#include "backend/secret.h"
#include "backend/xalloc.h"
#include "tests/unit/testutil_home.h"

#define DATA "tests/data/config/"

/* The files the example refers to. */
static void example_files(void)
{
    free(testutil_put_file(".ssh/id_ed25519", "key\n"));
    free(testutil_put_file(".ssh/id_dba", "key\n"));
    free(testutil_put_file(".config/mctop/prod-ca.crt", "ca\n"));
    free(testutil_put_file(".netrc",
                           "machine icinga.prod-us.internal login mctop "
                           "password x\n"));
}

/* All diagnostics on one string, for failure messages. */
static char *diag_join(const struct config_diag *d)
{
    struct buf b = { 0 };
    size_t i;

    for (i = 0; i < d->n; i++)
        buf_printf(&b, "\n  %s", d->msg[i]);
    return buf_steal(&b);
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

#define EXPECT_ERRORS(path, ...)                                               \
    do {                                                                       \
        static const char *const want_[] = { __VA_ARGS__ };                    \
        expect_errors(path, want_, sizeof want_ / sizeof want_[0]);            \
    } while (0)

/* Load a config that must be valid. */
static void load_ok(const char *path, struct mc_config *cfg)
{
    struct config_diag d;
    int rc = config_load(path, cfg, &d);
    char *all = diag_join(&d);

    ck_assert_msg(rc == 0 && d.n == 0, "unexpected errors:%s", all);
    free(all);
    config_diag_free(&d);
}

/* --- valid files ------------------------------------------------------ */

START_TEST(test_example_global)
{
    struct mc_config cfg;

    example_files();
    load_ok(DATA "example.conf", &cfg);
    ck_assert_str_eq(cfg.path, DATA "example.conf");
    ck_assert_str_eq(cfg.theme, "dark");
    ck_assert_str_eq(cfg.keymap, "vi");
    ck_assert_int_eq(cfg.keymap_line, 5);
    ck_assert(cfg.mouse);
    ck_assert_int_eq(cfg.refresh, 30);
    ck_assert_str_eq(cfg.author, "jdoe");
    ck_assert(!cfg.readonly);
    ck_assert_uint_eq(cfg.nsites, 3);
    ck_assert_str_eq(cfg.sites[0].name, "prod-eu");
    ck_assert_int_eq(cfg.sites[0].line, 14);
    ck_assert_str_eq(cfg.sites[1].name, "prod-us");
    ck_assert_str_eq(cfg.sites[2].name, "staging");
    ck_assert_ptr_eq(config_find_site(&cfg, "prod-us"), &cfg.sites[1]);
    ck_assert_ptr_null(config_find_site(&cfg, "prod"));
    config_free(&cfg);
    ck_assert_ptr_null(cfg.sites);
}
END_TEST

START_TEST(test_example_full_site)
{
    struct mc_config cfg;
    const struct mc_site_config *s;
    char *p;

    example_files();
    load_ok(DATA "example.conf", &cfg);
    s = &cfg.sites[0];
    ck_assert(!s->direct);
    ck_assert_str_eq(s->bastion, "bastion.prod-eu.example.com");
    ck_assert_int_eq(s->bastion_port, 2222);
    ck_assert_str_eq(s->bastion_user, "ops");
    p = testutil_home_path(".ssh/id_ed25519");
    ck_assert_str_eq(s->identity_file, p);
    free(p);
    p = testutil_home_path(".config/mctop/known_hosts");
    ck_assert_str_eq(s->known_hosts, p);
    free(p);
    ck_assert_int_eq(s->refresh, 15);
    ck_assert_str_eq(s->icinga.url, "https://icinga.prod-eu.internal:5665");
    ck_assert_str_eq(s->icinga.host, "icinga.prod-eu.internal");
    ck_assert_int_eq(s->icinga.port, 5665);
    ck_assert(s->icinga.tls);
    ck_assert_str_eq(s->icinga.user, "mctop");
    ck_assert_int_eq(s->icinga.password.kind, MC_SECRET_COMMAND);
    ck_assert_str_eq(s->icinga.password.value, "pass show icinga/prod-eu");
    p = testutil_home_path(".config/mctop/prod-ca.crt");
    ck_assert_str_eq(s->icinga.ca_file, p);
    ck_assert_str_eq(s->logs.ca_file, p);
    free(p);
    ck_assert_str_eq(s->env_var, "env");
    ck_assert_uint_eq(s->metrics.npat[MC_METRIC_LOAD], 2);
    ck_assert_str_eq(s->metrics.pat[MC_METRIC_LOAD][0], "load");
    ck_assert_str_eq(s->metrics.pat[MC_METRIC_LOAD][1], "cpu*");
    ck_assert_uint_eq(s->metrics.npat[MC_METRIC_HEAP], 2);
    ck_assert_str_eq(s->metrics.pat[MC_METRIC_HEAP][0], "jvm*");
    ck_assert_str_eq(s->cacti.url, "https://cacti.prod-eu.internal/cacti");
    ck_assert_int_eq(s->cacti.port, 443);
    ck_assert_str_eq(s->cacti.user, "viewer");
    ck_assert_int_eq(s->cacti_auth, MC_CACTI_FORM); /* with a user */
    ck_assert_str_eq(s->cacti_column, "Load Average");
    ck_assert_int_eq(s->cacti_ttl, 60);
    ck_assert_int_eq(s->cacti_fallback, MC_CACTI_FALLBACK_NONE);
    ck_assert_str_eq(s->cacti_rrd_host, "cacti.prod-eu.internal");
    ck_assert_str_eq(s->cacti_rra_dir, "/var/lib/cacti/rra");
    ck_assert_int_eq(s->logs_kind, MC_LOGS_ELASTIC);
    ck_assert_str_eq(s->logs.host, "es.prod-eu.internal");
    ck_assert_int_eq(s->logs.port, 9200);
    ck_assert_int_eq(s->logs.password.kind, MC_SECRET_NONE);
    ck_assert_int_eq(s->logs_api_key.kind, MC_SECRET_COMMAND);
    ck_assert_str_eq(s->logs_index, "logstash-*");
    config_free(&cfg);
}
END_TEST

START_TEST(test_example_defaults_per_site)
{
    struct mc_config cfg;
    const struct mc_site_config *s;
    char *p;

    example_files();
    load_ok(DATA "example.conf", &cfg);
    s = &cfg.sites[1];
    ck_assert_str_eq(s->bastion, "prod-us"); /* inline comment dropped */
    ck_assert_int_eq(s->bastion_port, 0);
    ck_assert_ptr_null(s->bastion_user);
    ck_assert_ptr_null(s->identity_file);
    ck_assert_ptr_null(s->known_hosts);
    ck_assert_int_eq(s->refresh, 30); /* from [mctop] */
    ck_assert_int_eq(s->icinga.password.kind, MC_SECRET_NETRC);
    p = testutil_home_path(".netrc");
    ck_assert_str_eq(s->icinga.password.value, p);
    free(p);
    ck_assert_ptr_null(s->cacti.url);
    ck_assert_int_eq(s->logs_kind, MC_LOGS_KIBANA);
    ck_assert_int_eq(s->logs.port, 5601);
    ck_assert_str_eq(s->logs.user, "reader");
    ck_assert_int_eq(s->logs.password.kind, MC_SECRET_ENV);
    ck_assert_str_eq(s->logs.password.value, "MCTOP_KIBANA_PASSWORD");
    ck_assert_str_eq(s->logs_index, "logstash-*");
    /* The defaults of metrics.h. */
    ck_assert(metric_map_matches(&s->metrics, MC_METRIC_LOAD, "CPU usage"));
    ck_assert(metric_map_matches(&s->metrics, MC_METRIC_MEM, "memory"));
    ck_assert(metric_map_matches(&s->metrics, MC_METRIC_DISK, "disk /var"));
    ck_assert(metric_map_matches(&s->metrics, MC_METRIC_HEAP, "jvm-heap"));
    ck_assert(!metric_map_matches(&s->metrics, MC_METRIC_DISK, "swap"));
    s = &cfg.sites[2];
    ck_assert(s->direct);
    ck_assert_ptr_null(s->bastion);
    ck_assert_int_eq(s->refresh, 60);
    ck_assert(!s->icinga.tls);
    ck_assert_int_eq(s->icinga.port, 5665);
    ck_assert_int_eq(s->logs_kind, MC_LOGS_NONE);
    ck_assert_ptr_null(s->logs_index);
    config_free(&cfg);
}
END_TEST

/* The man page's EXAMPLES must be the fixture, byte for byte. */
START_TEST(test_example_matches_man_page)
{
    FILE *f = fopen("man/mctop.conf.5", "r");
    FILE *ex = fopen(DATA "example.conf", "r");
    struct buf man = { 0 }, want = { 0 };
    char line[512];
    int state = 0; /* 0 before EXAMPLES, 1 before .Bd, 2 inside, 3 done */

    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(ex);
    while (state < 3 && fgets(line, sizeof line, f) != NULL) {
        if (state == 0 && strcmp(line, ".Sh EXAMPLES\n") == 0)
            state = 1;
        else if (state == 1 && strncmp(line, ".Bd -literal", 12) == 0)
            state = 2;
        else if (state == 2 && strcmp(line, ".Ed\n") == 0)
            state = 3;
        else if (state == 2)
            buf_puts(&man, strncmp(line, "\\&", 2) == 0 ? line + 2 : line);
    }
    while (fgets(line, sizeof line, ex) != NULL)
        buf_puts(&want, line);
    ck_assert_int_eq(state, 3);
    ck_assert_str_eq(man.data, want.data);
    buf_free(&man);
    buf_free(&want);
    fclose(f);
    fclose(ex);
}
END_TEST

START_TEST(test_minimal_defaults)
{
    char *path =
        testutil_put_file("c", "[site x]\nbastion = b\n"
                               "icinga_url = HTTPS://icinga.example.com/\n"
                               "icinga_user = u\nicinga_password_env = PW\n"
                               "env_var = location.env\n");
    struct passwd *pw = getpwuid(getuid());
    struct mc_config cfg;

    load_ok(path, &cfg);
    ck_assert_str_eq(cfg.theme, "dark");
    ck_assert_str_eq(cfg.keymap, "default");
    ck_assert_int_eq(cfg.keymap_line, 0);
    ck_assert(cfg.mouse);
    ck_assert_int_eq(cfg.refresh, 30);
    ck_assert(!cfg.readonly);
    ck_assert_ptr_nonnull(pw);
    ck_assert_str_eq(cfg.author, pw->pw_name);
    ck_assert_int_eq(cfg.sites[0].refresh, 30);
    ck_assert_str_eq(cfg.sites[0].icinga.url, "HTTPS://icinga.example.com");
    ck_assert(cfg.sites[0].icinga.tls);
    ck_assert_int_eq(cfg.sites[0].icinga.port, 443);
    ck_assert_str_eq(cfg.sites[0].env_var, "location.env");
    config_free(&cfg);
    free(path);
}
END_TEST

/* "~/" is HOME; relative paths are relative to the file's directory. */
START_TEST(test_paths_expand)
{
    char *keys = testutil_put_file("conf/my.keys", "# keys\n");
    char *netrc =
        testutil_put_file("conf/secrets/netrc", "default password x\n");
    char *id = testutil_put_file("id", "key\n");
    char *path =
        testutil_put_file("conf/c", "[mctop]\nkeymap = ./my.keys\n"
                                    "[site x]\nbastion = b\n"
                                    "identity_file = ~/id\n"
                                    "known_hosts = ~\n"
                                    "icinga_url = http://[fe80::1]:8080\n"
                                    "icinga_user = u\n"
                                    "icinga_netrc = secrets/netrc\n");
    struct mc_config cfg;
    char *want;

    load_ok(path, &cfg);
    want = xasprintf("%s/conf/my.keys", testutil_home());
    ck_assert_str_eq(cfg.keymap, want);
    ck_assert_int_eq(cfg.keymap_line, 2);
    free(want);
    ck_assert_str_eq(cfg.sites[0].identity_file, id);
    ck_assert_str_eq(cfg.sites[0].known_hosts, testutil_home());
    want = xasprintf("%s/conf/secrets/netrc", testutil_home());
    ck_assert_str_eq(cfg.sites[0].icinga.password.value, want);
    free(want);
    ck_assert_str_eq(cfg.sites[0].icinga.host, "fe80::1");
    ck_assert_int_eq(cfg.sites[0].icinga.port, 8080);
    config_free(&cfg);
    free(keys);
    free(netrc);
    free(id);
    free(path);
}
END_TEST

/* A byte order mark, CRLF line ends, comments and "key: value". */
START_TEST(test_bom_crlf_comments)
{
    char *path =
        testutil_put_file("c", "\xEF\xBB\xBF[mctop]\r\n"
                               "; a comment\r\n"
                               "   # an indented comment\r\n"
                               "theme: light ; inline comment\r\n"
                               "\r\n"
                               "[ site  x ]  ; spaced header\r\n"
                               "bastion = b\r\nicinga_url = http://i\r\n"
                               "icinga_user = u\r\n"
                               "icinga_password_command = a;b # not a "
                               "comment\r\n");
    struct mc_config cfg;

    load_ok(path, &cfg);
    ck_assert_str_eq(cfg.theme, "light");
    ck_assert_str_eq(cfg.sites[0].name, "x");
    ck_assert_str_eq(cfg.sites[0].icinga.password.value, "a;b # not a comment");
    config_free(&cfg);
    free(path);
}
END_TEST

/* A keymap name is the caller's to look up, and to report at its line. */
START_TEST(test_keymap_names)
{
    static const char site[] = "[site x]\nbastion = b\n"
                               "icinga_url = http://i\nicinga_user = u\n"
                               "icinga_password_env = PW\n";
    static const char *const bad[] = { "vim!", "vi keys", "~vi",
                                       "\xC3\x89macs" };
    char *text = xasprintf("[mctop]\n; looked up later\nkeymap = "
                           "No-such_map.2\n%s",
                           site);
    char *path = testutil_put_file("c", text);
    struct mc_config cfg;
    size_t i;

    load_ok(path, &cfg);
    ck_assert_str_eq(cfg.keymap, "No-such_map.2");
    ck_assert_int_eq(cfg.keymap_line, 3);
    config_free(&cfg);
    ck_assert_int_eq(cfg.keymap_line, 0);
    free(text);
    free(path);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *rel = xasprintf("bad%zu", i);
        char *want;
        const char *msgs[1];

        text = xasprintf("[mctop]\nkeymap = %s\n%s", bad[i], site);
        path = testutil_put_file(rel, text);
        want = xasprintf("%s:2: keymap: expected a keymap name (letters, "
                         "digits, '.', '_' and '-') or the path of a keymap "
                         "file (with a '/', as in ./my.keys)",
                         path);
        msgs[0] = want;
        expect_errors(path, msgs, 1);
        free(want);
        free(path);
        free(text);
        free(rel);
    }
}
END_TEST

/* --- errors ------------------------------------------------------------ */

START_TEST(test_missing_file)
{
    struct mc_config cfg;
    struct config_diag d;

    ck_assert_int_eq(config_load(DATA "nonexistent.conf", &cfg, &d), -1);
    ck_assert(d.missing_file);
    ck_assert_uint_eq(d.n, 1);
    ck_assert_str_eq(d.msg[0], DATA "nonexistent.conf: file not found");
    config_diag_free(&d);
    EXPECT_ERRORS(DATA, DATA ": not a regular file");
}
END_TEST

START_TEST(test_unknown_keys)
{
    EXPECT_ERRORS(DATA "err-keys.conf",
                  DATA "err-keys.conf:2: unknown key 'colour' in [mctop]",
                  DATA "err-keys.conf:3: unknown key 'Theme' in [mctop] "
                       "(did you mean 'theme'?)",
                  DATA "err-keys.conf:4: unknown key 'bastion' in [mctop] "
                       "(it belongs in a [site NAME] section)",
                  DATA "err-keys.conf:11: unknown key 'theme' in [site a] "
                       "(it belongs in [mctop])",
                  DATA "err-keys.conf:12: unknown key 'foo' in [site a]");
}
END_TEST

START_TEST(test_sections)
{
    EXPECT_ERRORS(DATA "err-sections.conf",
                  DATA "err-sections.conf:3: unknown section [sites prod]; "
                       "expected [mctop], [site NAME], [ssh SITE PATTERN] "
                       "or [query SITE NAME]",
                  DATA "err-sections.conf:5: a site needs a name: "
                       "[site NAME]",
                  DATA "err-sections.conf:6: bad site name 'bad/name': use "
                       "up to 40 letters, digits, '.', '_' and '-'",
                  DATA "err-sections.conf:7: duplicate section [mctop] "
                       "(first at line 1)",
                  DATA "err-sections.conf:9: unexpected text after ']'",
                  DATA "err-sections.conf:10: missing ']' in the section "
                       "header");
}
END_TEST

START_TEST(test_bad_values)
{
    EXPECT_ERRORS(
        DATA "err-values.conf",
        DATA "err-values.conf:2: theme: expected dark, light or mono, got "
             "'blue'",
        DATA "err-values.conf:4: mouse: expected yes or no, got 'maybe'",
        DATA "err-values.conf:5: refresh: expected a number from 1 to "
             "86400, got '0'",
        DATA "err-values.conf:6: readonly: expected yes or no, got "
             "'sometimes'",
        DATA "err-values.conf:10: bastion_port: expected a number from 1 "
             "to 65535, got '70000'",
        DATA "err-values.conf:11: bastion_user: spaces are not allowed",
        DATA "err-values.conf:12: refresh: expected a number from 1 to "
             "86400, got '10s'",
        DATA "err-values.conf:13: env_var: give the variable's name "
             "without 'vars.'",
        DATA "err-values.conf:14: metric_load: empty pattern in the list",
        DATA "err-values.conf:17: icinga_password_env: expected an "
             "environment variable name (letters, digits and '_')");
}
END_TEST

START_TEST(test_cacti_keys)
{
    struct mc_config cfg;
    const struct mc_site_config *s;

    load_ok(DATA "cacti.conf", &cfg);
    s = &cfg.sites[0];
    ck_assert_int_eq(s->cacti_auth, MC_CACTI_FORM);
    ck_assert_str_eq(s->cacti_rrd_host, "cacti.example");
    s = &cfg.sites[1];
    ck_assert_int_eq(s->cacti_auth, MC_CACTI_GUEST); /* no user */
    ck_assert_str_eq(s->cacti.url, "https://graphs.example");
    ck_assert_str_eq(s->cacti_column, "traffic - eth0");
    ck_assert_int_eq(s->cacti_ttl, 300);
    ck_assert_int_eq(s->cacti_fallback, MC_CACTI_FALLBACK_RRDTOOL);
    ck_assert_str_eq(s->cacti_rrd_host, "cacti-01");
    ck_assert_str_eq(s->cacti_rra_dir, "/srv/cacti/rra");
    config_free(&cfg);
}
END_TEST

START_TEST(test_logs_keys)
{
    struct mc_config cfg;
    const struct mc_site_config *s;

    load_ok(DATA "logs.conf", &cfg);
    s = &cfg.sites[0];
    ck_assert_int_eq(s->logs_kind, MC_LOGS_ELASTIC);
    ck_assert_str_eq(s->logs_index, "logstash-*");
    ck_assert_str_eq(s->logs_time_field, "@timestamp");
    ck_assert_uint_eq(s->logs_host_fields.n, 2);
    ck_assert_str_eq(s->logs_host_fields.v[0], "host.name");
    ck_assert_str_eq(s->logs_host_fields.v[1], "host");
    ck_assert_uint_eq(s->logs_level_fields.n, 4);
    ck_assert_str_eq(s->logs_level_fields.v[0], "log.level");
    ck_assert_str_eq(s->logs_message_fields.v[0], "message");
    ck_assert_int_eq(s->logs_syntax, ES_KQL); /* Kibana's default */
    ck_assert_uint_eq(s->nqueries, 1);
    ck_assert_str_eq(s->queries[0].name, "errors");
    ck_assert_int_eq(s->queries[0].syntax, ES_KQL);
    ck_assert_str_eq(s->queries[0].query,
                     "log.level:error and not message:\"health check\"");
    ck_assert_str_eq(s->queries[0].range, "now-1h");
    s = &cfg.sites[1];
    ck_assert_int_eq(s->logs_kind, MC_LOGS_KIBANA);
    ck_assert_int_eq(s->logs_api_key.kind, MC_SECRET_ENV);
    ck_assert_str_eq(s->logs_index, "ecs-logstash-*");
    ck_assert_str_eq(s->logs_time_field, "event.created");
    ck_assert_uint_eq(s->logs_host_fields.n, 2);
    ck_assert_str_eq(s->logs_host_fields.v[0], "agent.hostname");
    ck_assert_uint_eq(s->logs_level_fields.n, 1);
    ck_assert_uint_eq(s->logs_message_fields.n, 2);
    ck_assert_str_eq(s->logs_message_fields.v[1], "event.original");
    ck_assert_int_eq(s->logs_syntax, ES_LUCENE);
    ck_assert_uint_eq(s->nqueries, 1);
    ck_assert_int_eq(s->queries[0].syntax, ES_LUCENE);
    ck_assert_ptr_null(s->queries[0].range);
    config_free(&cfg);
}
END_TEST

START_TEST(test_query_errors)
{
    EXPECT_ERRORS(DATA "err-query.conf",
                  DATA "err-query.conf:7: elastic_host_fields: expected "
                       "field names separated by commas",
                  DATA "err-query.conf:9: a query section needs a site and "
                       "a name: [query SITE NAME]",
                  DATA "err-query.conf:12: a query section needs a site and "
                       "a name: [query SITE NAME]",
                  DATA "err-query.conf:15: bad query name 'bad/name': use up "
                       "to 40 letters, digits, '.', '_' and '-'",
                  DATA "err-query.conf:18: [query es noquery]: query is "
                       "required",
                  DATA "err-query.conf:21: [query nosite q]: there is no "
                       "[site nosite] in the file",
                  DATA "err-query.conf:25: syntax: expected lucene or kql, "
                       "got 'sql'",
                  DATA "err-query.conf:27: unknown key 'colour' in [query es "
                       "q1]");
}
END_TEST

START_TEST(test_cacti_errors)
{
    EXPECT_ERRORS(DATA "err-cacti.conf",
                  DATA "err-cacti.conf:7: cacti_auth = guest does not use "
                       "cacti_user",
                  DATA "err-cacti.conf:17: cacti_auth = basic needs "
                       "cacti_user",
                  DATA "err-cacti.conf:18: cacti_fallback: expected none or "
                       "rrdtool, got 'scp'",
                  DATA "err-cacti.conf:19: cacti_ttl: expected a number from "
                       "5 to 86400, got '1'",
                  DATA "err-cacti.conf:20: cacti_rra_dir: an absolute path "
                       "is needed");
}
END_TEST

START_TEST(test_bad_urls)
{
    EXPECT_ERRORS(
        DATA "err-urls.conf",
        DATA "err-urls.conf:3: icinga_url: expected an http:// or https:// "
             "URL",
        DATA "err-urls.conf:6: cacti_url: no host name in the URL",
        DATA "err-urls.conf:7: elastic_url: user names and passwords do not "
             "belong in the URL; use elastic_user and "
             "elastic_password_command",
        DATA "err-urls.conf:11: icinga_url: bad port in the URL (expected 1 "
             "to 65535)",
        DATA "err-urls.conf:14: kibana_url: spaces are not allowed in the "
             "URL",
        DATA "err-urls.conf:15: cacti_url: a query or fragment ('?', '#') "
             "is not allowed in the URL",
        DATA "err-urls.conf:19: icinga_url: bad port in the URL (expected 1 "
             "to 65535)",
        DATA "err-urls.conf:22: cacti_url: bad host name in the URL");
}
END_TEST

START_TEST(test_duplicates_and_conflicts)
{
    EXPECT_ERRORS(DATA "err-dups.conf",
                  DATA "err-dups.conf:3: duplicate key 'bastion' (first set "
                       "at line 2)",
                  DATA "err-dups.conf:7: icinga_password_env conflicts with "
                       "icinga_password_command at line 6; use only one of "
                       "them",
                  DATA "err-dups.conf:9: elastic_url conflicts with "
                       "kibana_url at line 8; use only one of them",
                  DATA "err-dups.conf:11: duplicate site 'prod' (first "
                       "defined at line 1)");
}
END_TEST

START_TEST(test_plaintext_passwords)
{
    struct mc_config cfg;
    struct config_diag d;
    size_t i;

    EXPECT_ERRORS(DATA "err-secrets.conf",
                  DATA "err-secrets.conf:1: site 'a': icinga password "
                       "required: set icinga_password_command, "
                       "icinga_password_env or icinga_netrc",
                  DATA "err-secrets.conf:5: icinga_password: passwords are "
                       "not stored in the file; use icinga_password_command, "
                       "icinga_password_env or icinga_netrc",
                  DATA "err-secrets.conf:7: cacti_password: passwords are not "
                       "stored in the file; use cacti_password_command, "
                       "cacti_password_env or cacti_netrc",
                  DATA "err-secrets.conf:9: elastic_api_key: API keys are not "
                       "stored in the file; use elastic_api_key_command or "
                       "elastic_api_key_env");
    /* The values are never repeated back. */
    config_load(DATA "err-secrets.conf", &cfg, &d);
    for (i = 0; i < d.n; i++) {
        ck_assert_ptr_null(strstr(d.msg[i], "hunter2"));
        ck_assert_ptr_null(strstr(d.msg[i], "c2VjcmV0a2V5"));
    }
    config_diag_free(&d);
}
END_TEST

START_TEST(test_required_fields)
{
    EXPECT_ERRORS(
        DATA "err-required.conf",
        DATA "err-required.conf:4: site 'empty': bastion is required (or "
             "set direct = yes)",
        DATA "err-required.conf:4: site 'empty': icinga_url is required",
        DATA "err-required.conf:4: site 'empty': icinga_user is required",
        DATA "err-required.conf:4: site 'empty': icinga password required: "
             "set icinga_password_command, icinga_password_env or "
             "icinga_netrc",
        DATA "err-required.conf:6: site 'half': icinga_user is required",
        DATA "err-required.conf:6: site 'half': icinga password required: "
             "set icinga_password_command, icinga_password_env or "
             "icinga_netrc",
        DATA "err-required.conf:9: cacti_user is set without cacti_url",
        DATA "err-required.conf:10: elastic_index is set without "
             "elastic_url or kibana_url",
        DATA "err-required.conf:14: bastion is not used with direct = yes "
             "(line 13)",
        DATA "err-required.conf:15: known_hosts is not used with direct = "
             "yes (line 13)",
        DATA "err-required.conf:20: cacti_user needs a password: set "
             "cacti_password_command, cacti_password_env or cacti_netrc",
        DATA "err-required.conf:22: elastic_user is not used with an API "
             "key");
}
END_TEST

START_TEST(test_syntax)
{
    EXPECT_ERRORS(
        DATA "err-syntax.conf",
        DATA "err-syntax.conf:1: 'theme' is outside any section; put it "
             "under [mctop] or [site NAME]",
        DATA "err-syntax.conf:3: expected 'key = value' or '[section]'",
        DATA "err-syntax.conf:4: unexpected indentation: keys and sections "
             "start at the beginning of the line and values cannot span "
             "lines",
        DATA "err-syntax.conf:5: missing key name before '='",
        DATA "err-syntax.conf:6: keymap: missing value",
        DATA "err-syntax.conf:7: the line is longer than 198 characters");
}
END_TEST

START_TEST(test_paths_errors)
{
    EXPECT_ERRORS(
        DATA "err-paths.conf",
        DATA "err-paths.conf:2: keymap: cannot read " DATA
             "missing.keys: No such file or directory",
        DATA "err-paths.conf:6: identity_file: ~user is not supported; use "
             "~/ or an absolute path",
        DATA "err-paths.conf:10: icinga_netrc: expected yes or the path of a "
             "netrc file",
        DATA "err-paths.conf:11: icinga_ca_file is set but the URL is not "
             "https",
        DATA "err-paths.conf:13: cacti_ca_file: " DATA ". is a directory");
}
END_TEST

/* A missing ~/ file is reported with the expanded path. */
START_TEST(test_missing_home_files)
{
    struct mc_config cfg;
    struct config_diag d;
    char *want;

    ck_assert_int_eq(config_load(DATA "example.conf", &cfg, &d), -1);
    ck_assert_uint_eq(d.n, 5);
    want = xasprintf(DATA "example.conf:18: identity_file: cannot read "
                          "%s/.ssh/id_ed25519: No such file or directory",
                     testutil_home());
    ck_assert_str_eq(d.msg[0], want);
    free(want);
    ck_assert_ptr_nonnull(strstr(d.msg[3], "example.conf:43: icinga_netrc: "
                                           "cannot read "));
    ck_assert_ptr_nonnull(strstr(d.msg[4], "example.conf:58: identity: "
                                           "cannot read "));
    config_diag_free(&d);
}
END_TEST

/* Every problem is listed, up to a limit. */
START_TEST(test_many_errors)
{
    struct buf b = { 0 };
    struct mc_config cfg;
    struct config_diag d;
    char *path, *want;
    int i;

    buf_puts(&b, "[mctop]\n");
    for (i = 0; i < 150; i++)
        buf_printf(&b, "k%d = 1\n", i);
    path = testutil_put_file("c", b.data);
    ck_assert_int_eq(config_load(path, &cfg, &d), -1);
    ck_assert_uint_eq(d.n, 101);
    want = xasprintf("%s:2: unknown key 'k0' in [mctop]", path);
    ck_assert_str_eq(d.msg[0], want);
    free(want);
    want = xasprintf("%s:101: unknown key 'k99' in [mctop]", path);
    ck_assert_str_eq(d.msg[99], want);
    free(want);
    want = xasprintf("%s: 51 more problems not shown", path);
    ck_assert_str_eq(d.msg[100], want);
    free(want);
    config_diag_free(&d);
    buf_free(&b);
    free(path);
}
END_TEST

START_TEST(test_world_writable)
{
    char *path = testutil_put_file("c", "[site x]\n");
    char *want = xasprintf("%s: writable by anyone; it names commands to "
                           "run, so make it writable only by you "
                           "(chmod o-w)",
                           path);
    const char *const msgs[] = { want };

    ck_assert_int_eq(chmod(path, 0666), 0);
    expect_errors(path, msgs, 1);
    free(want);
    free(path);
}
END_TEST

START_TEST(test_default_path)
{
    char *p;

    p = config_default_path();
    ck_assert_ptr_nonnull(p);
    ck_assert_str_eq(p + strlen(testutil_home()), "/.config/mctop/config");
    free(p);
    setenv("XDG_CONFIG_HOME", "/xdg", 1);
    p = config_default_path();
    ck_assert_str_eq(p, "/xdg/mctop/config");
    free(p);
    setenv("XDG_CONFIG_HOME", "relative", 1); /* ignored, as XDG says */
    p = config_default_path();
    ck_assert_str_eq(p + strlen(testutil_home()), "/.config/mctop/config");
    free(p);
    unsetenv("XDG_CONFIG_HOME");
}
END_TEST

/* A metric_* key replaces that meter's default patterns only. */
START_TEST(test_metric_patterns)
{
    char *path =
        testutil_put_file("c", "[site x]\nbastion = b\n"
                               "icinga_url = http://i\nicinga_user = u\n"
                               "icinga_password_env = PW\n"
                               "metric_disk = Disk /* ,  fs*\n");
    struct mc_config cfg;
    const struct metric_map *m;

    load_ok(path, &cfg);
    m = &cfg.sites[0].metrics;
    ck_assert_uint_eq(m->npat[MC_METRIC_DISK], 2);
    ck_assert_str_eq(m->pat[MC_METRIC_DISK][0], "disk /*"); /* lower case */
    ck_assert_str_eq(m->pat[MC_METRIC_DISK][1], "fs*");
    ck_assert(metric_map_matches(m, MC_METRIC_DISK, "DISK /var"));
    ck_assert(!metric_map_matches(m, MC_METRIC_DISK, "disk"));
    ck_assert(metric_map_matches(m, MC_METRIC_MEM, "memory"));
    config_free(&cfg);
    free(path);
}
END_TEST

Suite *config_suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("load");
    TCase *te = tcase_create("errors");

    tcase_add_checked_fixture(tc, testutil_home_setup, testutil_home_teardown);
    tcase_add_test(tc, test_example_global);
    tcase_add_test(tc, test_example_full_site);
    tcase_add_test(tc, test_cacti_keys);
    tcase_add_test(tc, test_logs_keys);
    tcase_add_test(tc, test_example_defaults_per_site);
    tcase_add_test(tc, test_example_matches_man_page);
    tcase_add_test(tc, test_minimal_defaults);
    tcase_add_test(tc, test_paths_expand);
    tcase_add_test(tc, test_bom_crlf_comments);
    tcase_add_test(tc, test_default_path);
    tcase_add_test(tc, test_metric_patterns);
    tcase_add_test(tc, test_keymap_names);
    suite_add_tcase(s, tc);

    tcase_add_checked_fixture(te, testutil_home_setup, testutil_home_teardown);
    tcase_add_test(te, test_missing_file);
    tcase_add_test(te, test_unknown_keys);
    tcase_add_test(te, test_sections);
    tcase_add_test(te, test_bad_values);
    tcase_add_test(te, test_bad_urls);
    tcase_add_test(te, test_cacti_errors);
    tcase_add_test(te, test_query_errors);
    tcase_add_test(te, test_duplicates_and_conflicts);
    tcase_add_test(te, test_plaintext_passwords);
    tcase_add_test(te, test_required_fields);
    tcase_add_test(te, test_syntax);
    tcase_add_test(te, test_paths_errors);
    tcase_add_test(te, test_missing_home_files);
    tcase_add_test(te, test_many_errors);
    tcase_add_test(te, test_world_writable);
    suite_add_tcase(s, te);

    return s;
}
