/*
 * The keys of the configuration file: a table per section maps each key to
 * a typed setter, which checks the value and stores it (or reports it).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/config_int.h"
#include "backend/xalloc.h"

#define PATH_READABLE     1 /* set_path: the file must exist and be readable */
#define PATH_WRITABLE_DIR 2 /* set_path: a directory we may write to */
/* What a keymap name may be made of; the caller looks the name up. */
#define KEYMAP_NAME_CHARS                                                      \
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-"

static void set_bool(struct parse *p, const struct key_def *k, void *field,
                     const char *value);
static void set_int(struct parse *p, const struct key_def *k, void *field,
                    const char *value);
static void set_choice(struct parse *p, const struct key_def *k, void *field,
                       const char *value);
static void set_enum(struct parse *p, const struct key_def *k, void *field,
                     const char *value);
static void set_keymap(struct parse *p, const struct key_def *k, void *field,
                       const char *value);
static void set_text(struct parse *p, const struct key_def *k, void *field,
                     const char *value);
static void set_word(struct parse *p, const struct key_def *k, void *field,
                     const char *value);
static void set_var_path(struct parse *p, const struct key_def *k, void *field,
                         const char *value);
static void set_path(struct parse *p, const struct key_def *k, void *field,
                     const char *value);
static void set_patterns(struct parse *p, const struct key_def *k, void *field,
                         const char *value);
static void set_url(struct parse *p, const struct key_def *k, void *field,
                    const char *value);
static void set_logs_url(struct parse *p, const struct key_def *k, void *field,
                         const char *value);
static void set_secret(struct parse *p, const struct key_def *k, void *field,
                       const char *value);
static void set_netrc(struct parse *p, const struct key_def *k, void *field,
                      const char *value);
static void set_forbidden(struct parse *p, const struct key_def *k, void *field,
                          const char *value);
static void set_words(struct parse *p, const struct key_def *k, void *field,
                      const char *value);

static const char *const theme_names[] = { "dark", "light", "mono", NULL };
/* set_enum: in the order of the enum, from .arg. */
static const char *const ssh_mode_names[] = { "builtin", "openssh", NULL };
static const char *const ssh_target_names[] = { "address", "name", NULL };
static const char *const cacti_auth_names[] = { "form", "basic", "guest",
                                                NULL };
static const char *const cacti_fallback_names[] = { "none", "rrdtool", NULL };
static const char *const syntax_names[] = { "lucene", "kql", NULL };
_Static_assert(sizeof(enum mc_ssh_mode) == sizeof(int) &&
                   sizeof(enum mc_ssh_target) == sizeof(int) &&
                   sizeof(enum mc_cacti_auth) == sizeof(int) &&
                   sizeof(enum mc_cacti_fallback) == sizeof(int) &&
                   sizeof(enum es_syntax) == sizeof(int) && ES_LUCENE == 0 &&
                   ES_KQL == 1,
               "set_enum stores an int");

#define G(field) offsetof(struct mc_config, field)
#define S(field) offsetof(struct mc_site_config, field)
#define R(field) offsetof(struct mc_ssh_rule, field)
/* One table row: name, setter, field offset, then optional fields. */
#define KEY(name_, set_, off_, ...)                                            \
    {                                                                          \
        .name = (name_), .set = (set_), .off = (off_), __VA_ARGS__             \
    }

const struct key_def config_mctop_keys[] = {
    KEY("theme", set_choice, G(theme), .choices = theme_names),
    KEY("keymap", set_keymap, G(keymap)),
    KEY("mouse", set_bool, G(mouse)),
    KEY("refresh", set_int, G(refresh), .arg = 1, .max = 86400),
    KEY("author", set_text, G(author)),
    KEY("readonly", set_bool, G(readonly)),
    KEY("ssh_mode", set_enum, G(ssh_mode), .arg = MC_SSH_BUILTIN,
        .choices = ssh_mode_names),
    KEY("ssh_tmux", set_bool, G(ssh_tmux)),
    KEY("ssh_log_dir", set_path, G(ssh_log_dir), .arg = PATH_WRITABLE_DIR),
    KEY("run_parallel", set_int, G(run_parallel), .arg = 1, .max = 64),
};

/* The password keys of an endpoint: command, environment, netrc. */
#define PASSWORD_KEYS(svc, field, grp)                                         \
    KEY(svc "_password", set_forbidden, 0,                                     \
        .hint = "passwords are not stored in the file; use " svc               \
                "_password_command, " svc "_password_env or " svc "_netrc"),   \
        KEY(svc "_password_command", set_secret, S(field.password),            \
            .arg = MC_SECRET_COMMAND, .group = (grp)),                         \
        KEY(svc "_password_env", set_secret, S(field.password),                \
            .arg = MC_SECRET_ENV, .group = (grp)),                             \
        KEY(svc "_netrc", set_netrc, S(field.password), .group = (grp))

const struct key_def config_site_keys[] = {
    KEY("direct", set_bool, S(direct)),
    KEY("bastion", set_word, S(bastion)),
    KEY("bastion_port", set_int, S(bastion_port), .arg = 1, .max = 65535),
    KEY("bastion_user", set_word, S(bastion_user)),
    KEY("identity_file", set_path, S(identity_file), .arg = PATH_READABLE),
    KEY("known_hosts", set_path, S(known_hosts)),
    KEY("refresh", set_int, S(refresh), .arg = 1, .max = 86400),
    KEY("env_var", set_var_path, S(env_var)),
    KEY("metric_load", set_patterns, S(metrics), .arg = MC_METRIC_LOAD),
    KEY("metric_mem", set_patterns, S(metrics), .arg = MC_METRIC_MEM),
    KEY("metric_disk", set_patterns, S(metrics), .arg = MC_METRIC_DISK),
    KEY("metric_heap", set_patterns, S(metrics), .arg = MC_METRIC_HEAP),
    KEY("icinga_url", set_url, S(icinga), .hint = "icinga"),
    KEY("icinga_user", set_word, S(icinga.user)),
    PASSWORD_KEYS("icinga", icinga, GROUP_ICINGA_AUTH),
    KEY("icinga_ca_file", set_path, S(icinga.ca_file), .arg = PATH_READABLE),
    KEY("cacti_url", set_url, S(cacti), .hint = "cacti"),
    KEY("cacti_user", set_word, S(cacti.user)),
    PASSWORD_KEYS("cacti", cacti, GROUP_CACTI_AUTH),
    KEY("cacti_ca_file", set_path, S(cacti.ca_file), .arg = PATH_READABLE),
    KEY("cacti_auth", set_enum, S(cacti_auth), .arg = MC_CACTI_FORM,
        .choices = cacti_auth_names),
    KEY("cacti_column", set_text, S(cacti_column)),
    KEY("cacti_ttl", set_int, S(cacti_ttl), .arg = 5, .max = 86400),
    KEY("cacti_fallback", set_enum, S(cacti_fallback),
        .arg = MC_CACTI_FALLBACK_NONE, .choices = cacti_fallback_names),
    KEY("cacti_rrd_host", set_word, S(cacti_rrd_host)),
    KEY("cacti_rra_dir", set_text, S(cacti_rra_dir)),
    KEY("elastic_url", set_logs_url, S(logs), .arg = MC_LOGS_ELASTIC,
        .group = GROUP_LOGS_URL, .hint = "elastic"),
    KEY("kibana_url", set_logs_url, S(logs), .arg = MC_LOGS_KIBANA,
        .group = GROUP_LOGS_URL, .hint = "elastic"),
    KEY("elastic_user", set_word, S(logs.user)),
    PASSWORD_KEYS("elastic", logs, GROUP_LOGS_AUTH),
    KEY("elastic_api_key", set_forbidden, 0,
        .hint = "API keys are not stored in the file; use "
                "elastic_api_key_command or elastic_api_key_env"),
    KEY("elastic_api_key_command", set_secret, S(logs_api_key),
        .arg = MC_SECRET_COMMAND, .group = GROUP_LOGS_AUTH),
    KEY("elastic_api_key_env", set_secret, S(logs_api_key),
        .arg = MC_SECRET_ENV, .group = GROUP_LOGS_AUTH),
    KEY("elastic_ca_file", set_path, S(logs.ca_file), .arg = PATH_READABLE),
    KEY("elastic_index", set_word, S(logs_index)),
    KEY("elastic_time_field", set_word, S(logs_time_field)),
    KEY("elastic_host_fields", set_words, S(logs_host_fields)),
    KEY("elastic_level_fields", set_words, S(logs_level_fields)),
    KEY("elastic_message_fields", set_words, S(logs_message_fields)),
    KEY("elastic_syntax", set_enum, S(logs_syntax), .arg = ES_LUCENE,
        .choices = syntax_names),
    KEY("ssh_user", set_word, S(ssh_default.user)),
    KEY("ssh_identity", set_path, S(ssh_default.identity),
        .arg = PATH_READABLE),
    KEY("ssh_port", set_int, S(ssh_default.port), .arg = 1, .max = 65535),
    KEY("ssh_connect_to", set_enum, S(ssh_default.connect_to),
        .arg = MC_SSH_ADDRESS, .choices = ssh_target_names),
};

/* [ssh SITE PATTERN]: the site's ssh_* keys, for some of its hosts. */
const struct key_def config_ssh_keys[] = {
    KEY("user", set_word, R(user)),
    KEY("identity", set_path, R(identity), .arg = PATH_READABLE),
    KEY("port", set_int, R(port), .arg = 1, .max = 65535),
    KEY("connect_to", set_enum, R(connect_to), .arg = MC_SSH_ADDRESS,
        .choices = ssh_target_names),
};

#define Q(field) offsetof(struct mc_saved_query, field)
const struct key_def config_query_keys[] = {
    KEY("syntax", set_enum, Q(syntax), .arg = ES_LUCENE,
        .choices = syntax_names),
    KEY("query", set_text, Q(query)),
    KEY("range", set_word, Q(range)),
};

const size_t config_mctop_nkeys = ARRAY_LEN(config_mctop_keys);
const size_t config_site_nkeys = ARRAY_LEN(config_site_keys);
const size_t config_ssh_nkeys = ARRAY_LEN(config_ssh_keys);
const size_t config_query_nkeys = ARRAY_LEN(config_query_keys);
_Static_assert(ARRAY_LEN(config_query_keys) == CONFIG_QUERY_KEYS,
               "CONFIG_QUERY_KEYS");
_Static_assert(ARRAY_LEN(config_mctop_keys) <= CONFIG_KEYS_MAX &&
                   ARRAY_LEN(config_site_keys) <= CONFIG_KEYS_MAX,
               "raise CONFIG_KEYS_MAX in config_int.h");
_Static_assert(ARRAY_LEN(config_ssh_keys) == CONFIG_SSH_KEYS,
               "set CONFIG_SSH_KEYS in config_int.h");

/* --- small helpers ---------------------------------------------------- */

static void replace_str(char **field, char *value)
{
    free(*field);
    *field = value;
}

bool config_has_space_or_control(const char *s)
{
    for (; *s != '\0'; s++)
        if (isspace((unsigned char)*s) || iscntrl((unsigned char)*s))
            return true;
    return false;
}

static bool is_ident(const char *s)
{
    if (!isalpha((unsigned char)*s) && *s != '_')
        return false;
    for (; *s != '\0'; s++)
        if (!isalnum((unsigned char)*s) && *s != '_')
            return false;
    return true;
}

const struct key_def *config_key_find(const struct key_def *table, size_t n,
                                      const char *name)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(table[i].name, name) == 0)
            return &table[i];
    return NULL;
}

int config_site_key_line(const struct parse *p, size_t i, const char *name)
{
    const struct key_def *k =
        config_key_find(config_site_keys, config_site_nkeys, name);

    return k != NULL ? p->site_lines[i].key[k - config_site_keys] : 0;
}

bool config_key_forbidden(const struct key_def *k)
{
    return k->set == set_forbidden;
}

/* --- value setters ---------------------------------------------------- */

/* 1 for a true word, 0 for a false one, -1 for anything else. */
static int parse_bool(const char *v)
{
    static const char *const yes[] = { "yes", "true", "on", "1" };
    static const char *const no[] = { "no", "false", "off", "0" };
    size_t i;

    for (i = 0; i < ARRAY_LEN(yes); i++) {
        if (strcasecmp(v, yes[i]) == 0)
            return 1;
        if (strcasecmp(v, no[i]) == 0)
            return 0;
    }
    return -1;
}

static void set_bool(struct parse *p, const struct key_def *k, void *field,
                     const char *value)
{
    int b = parse_bool(value);

    if (b < 0)
        config_diag_add(p, p->lineno, "%s: expected yes or no, got '%.40s'",
                        k->name, value);
    else
        *(bool *)field = b;
}

static void set_int(struct parse *p, const struct key_def *k, void *field,
                    const char *value)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(value, &end, 10);
    if (!isdigit((unsigned char)value[0]) || *end != '\0' || errno != 0 ||
        v < k->arg || v > k->max)
        config_diag_add(p, p->lineno,
                        "%s: expected a number from %d to %d, got "
                        "'%.40s'",
                        k->name, k->arg, k->max, value);
    else
        *(int *)field = (int)v;
}

/* The index of value in k->choices, or -1 (and reported). */
static int choice_index(struct parse *p, const struct key_def *k,
                        const char *value)
{
    char list[128] = "";
    size_t i, len = 0;

    for (i = 0; k->choices[i] != NULL; i++)
        if (strcmp(k->choices[i], value) == 0)
            return (int)i;
    for (i = 0; k->choices[i] != NULL && len < sizeof list; i++) {
        const char *sep = i == 0                      ? ""
                          : k->choices[i + 1] == NULL ? " or "
                                                      : ", ";

        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", sep,
                                k->choices[i]);
    }
    config_diag_add(p, p->lineno, "%s: expected %s, got '%.40s'", k->name, list,
                    value);
    return -1;
}

/* One of a few words, kept as it is. */
static void set_choice(struct parse *p, const struct key_def *k, void *field,
                       const char *value)
{
    if (choice_index(p, k, value) >= 0)
        replace_str(field, xstrdup(value));
}

/* One of a few words, stored as an enum: k->arg for the first choice. */
static void set_enum(struct parse *p, const struct key_def *k, void *field,
                     const char *value)
{
    int i = choice_index(p, k, value);

    if (i >= 0)
        *(int *)field = k->arg + i;
}

/* A path with "~/" expanded; relative paths are relative to the file. */
static char *path_expand(struct parse *p, const struct key_def *k,
                         const char *v)
{
    const char *home;

    if (v[0] == '/')
        return xstrdup(v);
    if (v[0] != '~') {
        while (strncmp(v, "./", 2) == 0)
            v += 2;
        return xasprintf("%s/%s", p->dir, v);
    }
    if (v[1] != '\0' && v[1] != '/') {
        config_diag_add(
            p, p->lineno,
            "%s: ~user is not supported; use ~/ or an absolute path", k->name);
        return NULL;
    }
    home = config_home_dir();
    if (home == NULL) {
        config_diag_add(p, p->lineno, "%s: cannot expand '~': HOME is not set",
                        k->name);
        return NULL;
    }
    return xasprintf("%s%s", home, v + 1);
}

/* Report a file that cannot be read; false then. */
static bool path_readable(struct parse *p, const struct key_def *k,
                          const char *path)
{
    struct stat st;

    if (stat(path, &st) < 0 || access(path, R_OK) < 0)
        config_diag_add(p, p->lineno, "%s: cannot read %s: %s", k->name, path,
                        strerror(errno));
    else if (S_ISDIR(st.st_mode))
        config_diag_add(p, p->lineno, "%s: %s is a directory", k->name, path);
    else
        return true;
    return false;
}

/* Report a directory that does not exist or that we cannot write to. */
static bool path_writable_dir(struct parse *p, const struct key_def *k,
                              const char *path)
{
    struct stat st;

    if (stat(path, &st) < 0)
        config_diag_add(p, p->lineno, "%s: cannot use %s: %s", k->name, path,
                        strerror(errno));
    else if (!S_ISDIR(st.st_mode))
        config_diag_add(p, p->lineno, "%s: %s is not a directory", k->name,
                        path);
    else if (access(path, W_OK | X_OK) < 0)
        config_diag_add(p, p->lineno, "%s: cannot write to %s: %s", k->name,
                        path, strerror(errno));
    else
        return true;
    return false;
}

static void set_path(struct parse *p, const struct key_def *k, void *field,
                     const char *value)
{
    char *path = path_expand(p, k, value);
    size_t len;

    if (path == NULL)
        return;
    if ((k->arg & PATH_READABLE) && !path_readable(p, k, path)) {
        free(path);
        return;
    }
    if (k->arg & PATH_WRITABLE_DIR) {
        len = strlen(path);
        while (len > 1 && path[len - 1] == '/')
            path[--len] = '\0';
        if (!path_writable_dir(p, k, path)) {
            free(path);
            return;
        }
    }
    replace_str(field, path);
}

/*
 * A keymap file (a value with a '/'), or a name for the caller to look up
 * (built in or installed): its line is kept for that caller's message.
 */
static void set_keymap(struct parse *p, const struct key_def *k, void *field,
                       const char *value)
{
    struct key_def as_path = *k;

    if (strchr(value, '/') != NULL) {
        as_path.arg = PATH_READABLE;
        set_path(p, &as_path, field, value);
    } else if (value[strspn(value, KEYMAP_NAME_CHARS)] != '\0') {
        config_diag_add(p, p->lineno,
                        "%s: expected a keymap name (letters, digits, '.', "
                        "'_' and '-') or the path of a keymap file (with a "
                        "'/', as in ./my.keys)",
                        k->name);
    } else {
        replace_str(field, xstrdup(value));
    }
    if (*(char **)field != NULL)
        p->cfg->keymap_line = p->lineno;
}

/* Free text on one line (a name, say). */
static void set_text(struct parse *p, const struct key_def *k, void *field,
                     const char *value)
{
    const char *s;

    for (s = value; *s != '\0'; s++)
        if (iscntrl((unsigned char)*s)) {
            config_diag_add(p, p->lineno,
                            "%s: control characters are not allowed", k->name);
            return;
        }
    replace_str(field, xstrdup(value));
}

/* One word: host names, user names, index patterns. */
static void set_word(struct parse *p, const struct key_def *k, void *field,
                     const char *value)
{
    if (config_has_space_or_control(value))
        config_diag_add(p, p->lineno, "%s: spaces are not allowed", k->name);
    else if (value[0] == '-')
        config_diag_add(p, p->lineno, "%s: must not start with '-'", k->name);
    else
        replace_str(field, xstrdup(value));
}

/* An Icinga custom variable: a name, or a dotted path into a dictionary. */
static void set_var_path(struct parse *p, const struct key_def *k, void *field,
                         const char *value)
{
    const char *s = value;
    bool ok = true;

    while (ok) {
        size_t n = strcspn(s, ".");
        char *part = xstrndup(s, n);

        ok = is_ident(part);
        free(part);
        if (s[n] == '\0')
            break;
        s += n + 1;
    }
    if (strncmp(value, "vars.", 5) == 0)
        config_diag_add(p, p->lineno,
                        "%s: give the variable's name without 'vars.'",
                        k->name);
    else if (!ok)
        config_diag_add(p, p->lineno,
                        "%s: expected a name of letters, digits and '_' (or a "
                        "dotted path of such names)",
                        k->name);
    else
        replace_str(field, xstrdup(value));
}

/* The next item of a comma-separated list at *s, blanks trimmed: [*b, *e). */
static bool list_next(const char **s, const char **b, const char **e)
{
    if (*s == NULL)
        return false;
    *b = *s;
    *e = *s + strcspn(*s, ",");
    *s = **e == ',' ? *e + 1 : NULL;
    while (*b < *e && isspace((unsigned char)**b))
        (*b)++;
    while (*e > *b && isspace((unsigned char)(*e)[-1]))
        (*e)--;
    return true;
}

/* A list of glob patterns replacing one meter's default patterns. */
static void set_patterns(struct parse *p, const struct key_def *k, void *field,
                         const char *value)
{
    struct metric_map *map = field;
    enum mc_metric_kind kind = (enum mc_metric_kind)k->arg;
    const char *s = value, *b, *e;

    while (list_next(&s, &b, &e))
        if (b == e) {
            config_diag_add(p, p->lineno, "%s: empty pattern in the list",
                            k->name);
            return;
        }
    metric_map_clear_kind(map, kind);
    s = value;
    while (list_next(&s, &b, &e)) {
        char *pat = xstrndup(b, (size_t)(e - b));

        metric_map_add(map, kind, pat, NULL);
        free(pat);
    }
}

static void set_url(struct parse *p, const struct key_def *k, void *field,
                    const char *value)
{
    struct mc_endpoint *ep = field, tmp = { 0 };
    const char *why = config_url_parse(value, &tmp);

    if (why == NULL) {
        replace_str(&ep->url, tmp.url);
        replace_str(&ep->host, tmp.host);
        ep->port = tmp.port;
        ep->tls = tmp.tls;
        return;
    }
    free(tmp.host);
    if (why == config_url_credentials)
        config_diag_add(
            p, p->lineno,
            "%s: user names and passwords do not belong in the URL; "
            "use %s_user and %s_password_command",
            k->name, k->hint, k->hint);
    else
        config_diag_add(p, p->lineno, "%s: %s", k->name, why);
}

static void set_logs_url(struct parse *p, const struct key_def *k, void *field,
                         const char *value)
{
    struct mc_endpoint *ep = field;

    set_url(p, k, field, value);
    if (ep->url != NULL)
        config_site_cur(p)->logs_kind = (enum mc_logs_kind)k->arg;
}

static void set_secret(struct parse *p, const struct key_def *k, void *field,
                       const char *value)
{
    struct mc_secret *s = field;

    /* Never quote the value: people do paste passwords here. */
    if (k->arg == MC_SECRET_ENV && !is_ident(value)) {
        config_diag_add(p, p->lineno,
                        "%s: expected an environment variable name (letters, "
                        "digits and '_')",
                        k->name);
        return;
    }
    secret_clear(s);
    s->kind = (enum mc_secret_kind)k->arg;
    s->value = xstrdup(value);
}

/* yes (~/.netrc) or the path of a netrc file. */
static void set_netrc(struct parse *p, const struct key_def *k, void *field,
                      const char *value)
{
    struct mc_secret *s = field;
    struct key_def as_path = *k;
    int b = parse_bool(value);
    char *path;

    if (b == 0 || (b < 0 && value[0] != '~' && strchr(value, '/') == NULL)) {
        config_diag_add(p, p->lineno,
                        "%s: expected yes or the path of a netrc file",
                        k->name);
        return;
    }
    path = path_expand(p, k, b == 1 ? "~/.netrc" : value);
    as_path.arg = PATH_READABLE;
    if (path == NULL || !path_readable(p, &as_path, path)) {
        free(path);
        return;
    }
    secret_clear(s);
    s->kind = MC_SECRET_NETRC;
    s->value = path;
}

static void set_forbidden(struct parse *p, const struct key_def *k, void *field,
                          const char *value)
{
    (void)field;
    (void)value;
    config_diag_add(p, p->lineno, "%s: %s", k->name, k->hint);
}

/* Field names, comma separated: "host.name, host". */
static void set_words(struct parse *p, const struct key_def *k, void *field,
                      const char *value)
{
    struct mc_words *w = field, nw = { 0 };
    const char *s = value, *b, *e;

    while (list_next(&s, &b, &e)) {
        if (b == e || memchr(b, ' ', (size_t)(e - b)) != NULL) {
            config_diag_add(p, p->lineno,
                            "%s: expected field names separated by commas",
                            k->name);
            config_words_free(&nw);
            return;
        }
        nw.v = xreallocarray(nw.v, nw.n + 1, sizeof *nw.v);
        nw.v[nw.n++] = xstrndup(b, (size_t)(e - b));
    }
    config_words_free(w);
    *w = nw;
}
