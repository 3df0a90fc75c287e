/*
 * Checks of the configuration beyond one value: the file's mode, keys set
 * twice or in conflict, and after parsing, required and unused keys.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/config_int.h"
#include "backend/xalloc.h"

#define DEFAULT_REFRESH      30
#define DEFAULT_INDEX        "logstash-*"
#define DEFAULT_RUN_PARALLEL 8

/* --- the file and its keys -------------------------------------------- */

bool config_check_mode(struct parse *p)
{
    struct stat st;

    if (fstat(fileno(p->fp), &st) < 0 || !S_ISREG(st.st_mode))
        config_diag_add(p, 0, "not a regular file");
    else if (st.st_mode & S_IWOTH)
        config_diag_add(p, 0,
                        "writable by anyone; it names commands to run, so "
                        "make it writable only by you (chmod o-w)");
    else
        return true;
    return false;
}

/* True (and reported) if another key of k's group was set already. */
static bool group_conflict(struct parse *p, const struct key_def *table,
                           size_t n, const int *lines, const struct key_def *k)
{
    size_t i;

    for (i = 0; k->group != GROUP_NONE && i < n; i++)
        if (&table[i] != k && table[i].group == k->group && lines[i] != 0) {
            config_diag_add(p, p->lineno,
                            "%s conflicts with %s at line %d; use "
                            "only one of them",
                            k->name, table[i].name, lines[i]);
            return true;
        }
    return false;
}

bool config_check_key(struct parse *p, const struct key_def *table, size_t n,
                      int *lines, const struct key_def *k)
{
    if (lines[k - table] != 0) {
        config_diag_add(p, p->lineno,
                        "duplicate key '%s' (first set at line %d)", k->name,
                        lines[k - table]);
        return false;
    }
    lines[k - table] = p->lineno;
    return !group_conflict(p, table, n, lines, k);
}

/* --- checks after parsing --------------------------------------------- */

static void site_check_bastion(struct parse *p, size_t i)
{
    static const char *const ssh_keys[] = { "bastion", "bastion_port",
                                            "bastion_user", "identity_file",
                                            "known_hosts" };
    const struct mc_site_config *s = &p->cfg->sites[i];
    size_t j;

    if (!s->direct) {
        if (config_site_key_line(p, i, "bastion") == 0)
            config_diag_add(
                p, s->line,
                "site '%s': bastion is required (or set direct = yes)",
                s->name);
        return;
    }
    for (j = 0; j < ARRAY_LEN(ssh_keys); j++) {
        int line = config_site_key_line(p, i, ssh_keys[j]);

        if (line != 0)
            config_diag_add(p, line,
                            "%s is not used with direct = yes (line %d)",
                            ssh_keys[j], config_site_key_line(p, i, "direct"));
    }
}

/* The first key of a group set in site i (its name in *name), or 0. */
static int group_line(const struct parse *p, size_t i, int group,
                      const char **name)
{
    size_t j;

    for (j = 0; j < config_site_nkeys; j++)
        if (config_site_keys[j].group == group &&
            p->site_lines[i].key[j] != 0) {
            *name = config_site_keys[j].name;
            return p->site_lines[i].key[j];
        }
    return 0;
}

/* Keys of service svc ("cacti_user", ...) are useless without its URL. */
static void endpoint_unused(struct parse *p, size_t i, const char *svc,
                            const char *url_keys)
{
    size_t j, len = strlen(svc);

    for (j = 0; j < config_site_nkeys; j++) {
        const struct key_def *k = &config_site_keys[j];
        int line = p->site_lines[i].key[j];

        if (line != 0 && strncmp(k->name, svc, len) == 0 &&
            k->name[len] == '_' && !config_key_forbidden(k))
            config_diag_add(p, line, "%s is set without %s", k->name, url_keys);
    }
}

/* A CA file only makes sense with https. */
static void endpoint_check_ca(struct parse *p, size_t i, const char *svc,
                              const struct mc_endpoint *ep)
{
    char key[64];
    int line;

    snprintf(key, sizeof key, "%s_ca_file", svc);
    line = config_site_key_line(p, i, key);
    if (line != 0 && ep->url != NULL && !ep->tls)
        config_diag_add(p, line, "%s is set but the URL is not https", key);
}

/* An optional service's user and password (or API key) go together. */
static void endpoint_check_auth(struct parse *p, size_t i, const char *svc,
                                const struct mc_endpoint *ep, int group)
{
    const struct mc_site_config *s = &p->cfg->sites[i];
    bool api_key = s->logs_api_key.kind != MC_SECRET_NONE && ep == &s->logs;
    const char *pw_key = NULL;
    int pw_line = group_line(p, i, group, &pw_key);
    char user_key[64];
    int user_line;

    snprintf(user_key, sizeof user_key, "%s_user", svc);
    user_line = config_site_key_line(p, i, user_key);
    if (user_line == 0 && ep->password.kind != MC_SECRET_NONE)
        config_diag_add(p, pw_line, "%s needs %s", pw_key, user_key);
    if (user_line != 0 && pw_line == 0)
        config_diag_add(p, user_line,
                        "%s needs a password: set %s_password_command, "
                        "%s_password_env or %s_netrc",
                        user_key, svc, svc, svc);
    if (user_line != 0 && api_key)
        config_diag_add(p, user_line, "%s is not used with an API key",
                        user_key);
    endpoint_check_ca(p, i, svc, ep);
}

/* The Icinga API: URL, user and a password source are required. */
static void site_check_icinga(struct parse *p, size_t i)
{
    const struct mc_site_config *s = &p->cfg->sites[i];
    const char *pw_key;

    if (config_site_key_line(p, i, "icinga_url") == 0)
        config_diag_add(p, s->line, "site '%s': icinga_url is required",
                        s->name);
    if (config_site_key_line(p, i, "icinga_user") == 0)
        config_diag_add(p, s->line, "site '%s': icinga_user is required",
                        s->name);
    if (group_line(p, i, GROUP_ICINGA_AUTH, &pw_key) == 0)
        config_diag_add(p, s->line,
                        "site '%s': icinga password required: set "
                        "icinga_password_command, icinga_password_env or "
                        "icinga_netrc",
                        s->name);
    endpoint_check_ca(p, i, "icinga", &s->icinga);
}

static void words_default(struct mc_words *w, const char *const *v)
{
    if (w->n > 0)
        return;
    for (; *v != NULL; v++) {
        w->v = xreallocarray(w->v, w->n + 1, sizeof *w->v);
        w->v[w->n++] = xstrdup(*v);
    }
}

/* Logstash documents with and without ECS: both names of each field. */
static void site_logs_defaults(struct mc_site_config *s)
{
    static const char *const host[] = { "host.name", "host", NULL };
    static const char *const level[] = { "log.level", "level", "loglevel",
                                         "severity", NULL };
    static const char *const message[] = { "message", NULL };

    if (s->logs_index == NULL)
        s->logs_index = xstrdup(DEFAULT_INDEX);
    if (s->logs_time_field == NULL)
        s->logs_time_field = xstrdup("@timestamp");
    words_default(&s->logs_host_fields, host);
    words_default(&s->logs_level_fields, level);
    words_default(&s->logs_message_fields, message);
}

/* Cacti: how it logs in, and the defaults of its other keys. */
static void site_check_cacti(struct parse *p, size_t i)
{
    struct mc_site_config *s = &p->cfg->sites[i];
    int line = config_site_key_line(p, i, "cacti_auth");

    if (s->cacti_auth == MC_CACTI_AUTH_UNSET)
        s->cacti_auth = s->cacti.user != NULL ? MC_CACTI_FORM : MC_CACTI_GUEST;
    if (s->cacti_auth == MC_CACTI_GUEST && s->cacti.user != NULL)
        config_diag_add(p, line != 0 ? line : s->line,
                        "cacti_auth = guest does not use cacti_user");
    else if (s->cacti_auth != MC_CACTI_GUEST && s->cacti.user == NULL)
        config_diag_add(p, line, "cacti_auth = %s needs cacti_user",
                        s->cacti_auth == MC_CACTI_FORM ? "form" : "basic");
    else
        endpoint_check_auth(p, i, "cacti", &s->cacti, GROUP_CACTI_AUTH);
    if (s->cacti_column == NULL)
        s->cacti_column = xstrdup("Load Average");
    if (s->cacti_ttl == 0)
        s->cacti_ttl = 60;
    if (s->cacti_rrd_host == NULL && s->cacti.host != NULL)
        s->cacti_rrd_host = xstrdup(s->cacti.host); /* a bad URL has none */
    if (s->cacti_rra_dir == NULL)
        s->cacti_rra_dir = xstrdup("/var/lib/cacti/rra");
    else if (s->cacti_rra_dir[0] != '/')
        config_diag_add(p, config_site_key_line(p, i, "cacti_rra_dir"),
                        "cacti_rra_dir: an absolute path is needed");
}

/* Cacti and Elasticsearch/Kibana are optional. */
static void site_check_optional(struct parse *p, size_t i)
{
    struct mc_site_config *s = &p->cfg->sites[i];
    const char *url_key;

    if (config_site_key_line(p, i, "cacti_url") == 0)
        endpoint_unused(p, i, "cacti", "cacti_url");
    else
        site_check_cacti(p, i);
    if (group_line(p, i, GROUP_LOGS_URL, &url_key) == 0)
        endpoint_unused(p, i, "elastic", "elastic_url or kibana_url");
    else
        endpoint_check_auth(p, i, "elastic", &s->logs, GROUP_LOGS_AUTH);
    if (s->logs.url != NULL)
        site_logs_defaults(s);
    if (config_site_key_line(p, i, "elastic_syntax") == 0)
        s->logs_syntax = ES_KQL; /* Kibana's default */
}

static void site_defaults(struct mc_config *cfg, struct mc_site_config *s)
{
    if (s->refresh == 0)
        s->refresh = cfg->refresh;
    if (s->env_var == NULL)
        s->env_var = xstrdup("env");
}

char *config_login_name(void)
{
    struct passwd *pw = getpwuid(getuid());
    const char *u = getenv("USER");

    if (pw != NULL && pw->pw_name != NULL)
        return xstrdup(pw->pw_name);
    return xstrdup(u != NULL && *u != '\0' ? u : "mctop");
}

/* Defaults for what was not set, then the checks across keys. */
void config_finish(struct parse *p)
{
    struct mc_config *cfg = p->cfg;
    size_t i;

    if (cfg->theme == NULL)
        cfg->theme = xstrdup("dark");
    if (cfg->keymap == NULL)
        cfg->keymap = xstrdup("default");
    if (cfg->refresh == 0)
        cfg->refresh = DEFAULT_REFRESH;
    if (cfg->author == NULL)
        cfg->author = config_login_name();
    if (cfg->run_parallel == 0)
        cfg->run_parallel = DEFAULT_RUN_PARALLEL;
    for (i = 0; i < cfg->nsites; i++) {
        site_defaults(cfg, &cfg->sites[i]);
        site_check_bastion(p, i);
        site_check_icinga(p, i);
        site_check_optional(p, i);
    }
    config_ssh_finish(p);
    config_query_finish(p);
    if (p->site_headers == 0)
        config_diag_add(p, 0,
                        "no [site NAME] section; at least one site is needed");
}
