/*
 * The configuration file. inih splits lines into key = value pairs; our
 * reader callback counts lines and checks their shape, and a table per
 * section maps each key to a typed setter. All problems are collected.
 */
#include "backend/config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/xalloc.h"
#include "keymaps/keymap.h"

#define ARRAY_LEN(a)    (sizeof(a) / sizeof((a)[0]))
#define MAX_DIAGS       100 /* more are counted, not listed */
#define SITE_NAME_MAX   40
#define DEFAULT_REFRESH 30
#define DEFAULT_INDEX   "logstash-*"
#define PATH_READABLE   1 /* set_path: the file must exist and be readable */

struct parse;

/* One key of a section: how its value is checked and where it is stored. */
struct key_def {
    const char *name;
    void (*set)(struct parse *p, const struct key_def *k, void *field,
                const char *value);
    size_t off;       /* of the field in struct mc_config or mc_site_config */
    int arg;          /* setter specific: minimum, secret kind, flags */
    int max;          /* set_int: the largest value */
    int group;        /* nonzero: keys of one group exclude each other */
    const char *hint; /* set_forbidden: the message; set_url: key prefix */
    const char *const *choices; /* set_choice: NULL-terminated */
};

/* Keys that say the same thing in different ways. */
enum key_group {
    GROUP_NONE,
    GROUP_ICINGA_AUTH,
    GROUP_CACTI_AUTH,
    GROUP_LOGS_AUTH,
    GROUP_LOGS_URL
};

static void set_bool(struct parse *p, const struct key_def *k, void *field,
                     const char *value);
static void set_int(struct parse *p, const struct key_def *k, void *field,
                    const char *value);
static void set_choice(struct parse *p, const struct key_def *k, void *field,
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

static const char *const theme_names[] = { "dark", "light", "mono", NULL };

#define G(field) offsetof(struct mc_config, field)
#define S(field) offsetof(struct mc_site_config, field)
/* One table row: name, setter, field offset, then optional fields. */
#define KEY(name_, set_, off_, ...)                                            \
    {                                                                          \
        .name = (name_), .set = (set_), .off = (off_), __VA_ARGS__             \
    }

static const struct key_def mctop_keys[] = {
    KEY("theme", set_choice, G(theme), .choices = theme_names),
    KEY("keymap", set_keymap, G(keymap)),
    KEY("mouse", set_bool, G(mouse)),
    KEY("refresh", set_int, G(refresh), .arg = 1, .max = 86400),
    KEY("author", set_text, G(author)),
    KEY("readonly", set_bool, G(readonly)),
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

static const struct key_def site_keys[] = {
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
};

enum section_kind { SEC_NONE, SEC_MCTOP, SEC_SITE, SEC_SKIP };

/* The line each key of a site was set on (0: not set). */
struct site_lines {
    int key[ARRAY_LEN(site_keys)];
};

/* State while one file is parsed. */
struct parse {
    const char *path;
    char *dir; /* relative paths in values are relative to the file */
    FILE *fp;
    char *line; /* getline buffer */
    size_t cap;
    int lineno;
    int pending; /* a key line inih has not passed to on_pair (yet) */
    struct mc_config *cfg;
    struct config_diag *diag;
    int *diag_line; /* parallel to diag->msg, for sorting */
    size_t dropped; /* diagnostics over MAX_DIAGS */
    enum section_kind sec;
    size_t site;      /* when SEC_SITE */
    int site_headers; /* [site ...] headers, valid or not */
    int mctop_line;   /* of [mctop]; 0 if none yet */
    int mctop_lines[ARRAY_LEN(mctop_keys)];
    struct site_lines *site_lines; /* parallel to cfg->sites */
};

/* --- diagnostics ------------------------------------------------------ */

static void diag_add(struct parse *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Record "path:line: message" (just "path: message" for line 0). */
static void diag_add(struct parse *p, int line, const char *fmt, ...)
{
    struct config_diag *d = p->diag;
    char msg[512];
    va_list ap;

    if (d->n >= MAX_DIAGS) {
        p->dropped++;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    d->msg = xreallocarray(d->msg, d->n + 1, sizeof *d->msg);
    p->diag_line = xreallocarray(p->diag_line, d->n + 1, sizeof(int));
    if (line > 0)
        d->msg[d->n] = xasprintf("%s:%d: %s", p->path, line, msg);
    else
        d->msg[d->n] = xasprintf("%s: %s", p->path, msg);
    p->diag_line[d->n++] = line > 0 ? line : INT_MAX;
}

static bool diag_has_line(const struct parse *p, int line)
{
    size_t i;

    for (i = 0; i < p->diag->n; i++)
        if (p->diag_line[i] == line)
            return true;
    return false;
}

/* Stable sort by line: problems read top to bottom, file-wide ones last. */
static void diag_sort(struct parse *p)
{
    char **msg = p->diag->msg;
    size_t i, j;

    for (i = 1; i < p->diag->n; i++) {
        char *m = msg[i];
        int l = p->diag_line[i];

        for (j = i; j > 0 && p->diag_line[j - 1] > l; j--) {
            msg[j] = msg[j - 1];
            p->diag_line[j] = p->diag_line[j - 1];
        }
        msg[j] = m;
        p->diag_line[j] = l;
    }
}

/* --- small helpers ---------------------------------------------------- */

static const char *home_dir(void)
{
    const char *h = getenv("HOME");
    struct passwd *pw;

    if (h != NULL && *h != '\0')
        return h;
    pw = getpwuid(getuid());
    return pw != NULL ? pw->pw_dir : NULL;
}

static void replace_str(char **field, char *value)
{
    free(*field);
    *field = value;
}

static bool has_space_or_control(const char *s)
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

static const struct key_def *key_find(const struct key_def *table, size_t n,
                                      const char *name)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(table[i].name, name) == 0)
            return &table[i];
    return NULL;
}

/* The line a key of site i was set on, or 0. */
static int site_key_line(const struct parse *p, size_t i, const char *name)
{
    const struct key_def *k = key_find(site_keys, ARRAY_LEN(site_keys), name);

    return k != NULL ? p->site_lines[i].key[k - site_keys] : 0;
}

static struct mc_site_config *site_cur(struct parse *p)
{
    return &p->cfg->sites[p->site];
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
        diag_add(p, p->lineno, "%s: expected yes or no, got '%.40s'", k->name,
                 value);
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
        diag_add(p, p->lineno,
                 "%s: expected a number from %d to %d, got "
                 "'%.40s'",
                 k->name, k->arg, k->max, value);
    else
        *(int *)field = (int)v;
}

static void set_choice(struct parse *p, const struct key_def *k, void *field,
                       const char *value)
{
    char list[128] = "";
    size_t i, len = 0;

    for (i = 0; k->choices[i] != NULL; i++)
        if (strcmp(k->choices[i], value) == 0) {
            replace_str(field, xstrdup(value));
            return;
        }
    for (i = 0; k->choices[i] != NULL && len < sizeof list; i++) {
        const char *sep = i == 0                      ? ""
                          : k->choices[i + 1] == NULL ? " or "
                                                      : ", ";

        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", sep,
                                k->choices[i]);
    }
    diag_add(p, p->lineno, "%s: expected %s, got '%.40s'", k->name, list,
             value);
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
        diag_add(p, p->lineno,
                 "%s: ~user is not supported; use ~/ or an absolute path",
                 k->name);
        return NULL;
    }
    home = home_dir();
    if (home == NULL) {
        diag_add(p, p->lineno, "%s: cannot expand '~': HOME is not set",
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
        diag_add(p, p->lineno, "%s: cannot read %s: %s", k->name, path,
                 strerror(errno));
    else if (S_ISDIR(st.st_mode))
        diag_add(p, p->lineno, "%s: %s is a directory", k->name, path);
    else
        return true;
    return false;
}

static void set_path(struct parse *p, const struct key_def *k, void *field,
                     const char *value)
{
    char *path = path_expand(p, k, value);

    if (path == NULL)
        return;
    if ((k->arg & PATH_READABLE) && !path_readable(p, k, path)) {
        free(path);
        return;
    }
    replace_str(field, path);
}

/* A keymap installed as a file in the data directory (as keymap.c does). */
static bool keymap_installed(const char *name)
{
    char *path = xasprintf("%s/keymaps/%s.keys", MCTOP_DATADIR, name);
    bool ok = access(path, R_OK) == 0;

    free(path);
    return ok;
}

/* A name of keymap_load_named(): built in, installed, or a path with '/'. */
static void set_keymap(struct parse *p, const struct key_def *k, void *field,
                       const char *value)
{
    const struct keymap_builtin *b;
    struct key_def as_path = *k;
    char names[128] = "";
    size_t len = 0;

    if (strchr(value, '/') != NULL) {
        as_path.arg = PATH_READABLE;
        set_path(p, &as_path, field, value);
        return;
    }
    for (b = keymap_builtins; b->name != NULL; b++)
        if (strcmp(b->name, value) == 0) {
            replace_str(field, xstrdup(value));
            return;
        }
    if (keymap_installed(value)) {
        replace_str(field, xstrdup(value));
        return;
    }
    for (b = keymap_builtins; b->name != NULL && len < sizeof names; b++)
        len +=
            (size_t)snprintf(names + len, sizeof names - len, "%s, ", b->name);
    diag_add(p, p->lineno,
             "%s: unknown keymap '%.40s'; expected %sor the path of a keymap "
             "file (with a '/', as in ./%.40s)",
             k->name, value, names, value);
}

/* Free text on one line (a name, say). */
static void set_text(struct parse *p, const struct key_def *k, void *field,
                     const char *value)
{
    const char *s;

    for (s = value; *s != '\0'; s++)
        if (iscntrl((unsigned char)*s)) {
            diag_add(p, p->lineno, "%s: control characters are not allowed",
                     k->name);
            return;
        }
    replace_str(field, xstrdup(value));
}

/* One word: host names, user names, index patterns. */
static void set_word(struct parse *p, const struct key_def *k, void *field,
                     const char *value)
{
    if (has_space_or_control(value))
        diag_add(p, p->lineno, "%s: spaces are not allowed", k->name);
    else if (value[0] == '-')
        diag_add(p, p->lineno, "%s: must not start with '-'", k->name);
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
        diag_add(p, p->lineno, "%s: give the variable's name without 'vars.'",
                 k->name);
    else if (!ok)
        diag_add(p, p->lineno,
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
            diag_add(p, p->lineno, "%s: empty pattern in the list", k->name);
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

/* url_parse's answer for credentials in the URL (the message needs keys). */
static const char url_has_credentials[] = "credentials in the URL";

/* The host of a URL, up to ':' or the end of the authority; NULL if bad. */
static const char *url_host(const char *h, const char *end,
                            struct mc_endpoint *ep)
{
    const char *after, *s, *ok = "-._";

    if (*h == '[') { /* an IPv6 address */
        after = memchr(h, ']', (size_t)(end - h));
        if (after == NULL)
            return NULL;
        h++;
        ok = ":.";
    } else {
        after = h + strcspn(h, ":/");
    }
    if (after == h)
        return NULL;
    for (s = h; s < after; s++)
        if (!(*ok == ':' ? isxdigit((unsigned char)*s)
                         : isalnum((unsigned char)*s)) &&
            strchr(ok, *s) == NULL)
            return NULL;
    ep->host = xstrndup(h, (size_t)(after - h));
    return *after == ']' ? after + 1 : after;
}

/* Check the host and port part of a URL; NULL or what is wrong with it. */
static const char *url_authority(const char *h, const char *end,
                                 struct mc_endpoint *ep)
{
    const char *after, *s;
    long port = 0;

    if (memchr(h, '@', (size_t)(end - h)) != NULL)
        return url_has_credentials;
    if (h == end)
        return "no host name in the URL";
    after = url_host(h, end, ep);
    if (after == NULL || (after < end && *after != ':'))
        return "bad host name in the URL";
    if (after == end)
        return NULL;
    for (s = after + 1; s < end && isdigit((unsigned char)*s) && port < 65536;
         s++)
        port = port * 10 + (*s - '0');
    if (s == after + 1 || s != end || port < 1 || port > 65535)
        return "bad port in the URL (expected 1 to 65535)";
    ep->port = (int)port;
    return NULL;
}

/* Parse an http(s) URL into ep; NULL or what is wrong with it. */
static const char *url_parse(const char *v, struct mc_endpoint *ep)
{
    const char *h, *end, *why;
    size_t len;

    ep->tls = strncasecmp(v, "https://", 8) == 0;
    if (ep->tls)
        h = v + 8;
    else if (strncasecmp(v, "http://", 7) == 0)
        h = v + 7;
    else
        return "expected an http:// or https:// URL";
    if (has_space_or_control(v))
        return "spaces are not allowed in the URL";
    if (strpbrk(v, "?#") != NULL)
        return "a query or fragment ('?', '#') is not allowed in the URL";
    end = h + strcspn(h, "/");
    ep->port = ep->tls ? 443 : 80;
    why = url_authority(h, end, ep);
    if (why != NULL)
        return why;
    len = strlen(v);
    while (len > (size_t)(end - v) && v[len - 1] == '/')
        len--;
    ep->url = xstrndup(v, len);
    return NULL;
}

static void set_url(struct parse *p, const struct key_def *k, void *field,
                    const char *value)
{
    struct mc_endpoint *ep = field, tmp = { 0 };
    const char *why = url_parse(value, &tmp);

    if (why == NULL) {
        replace_str(&ep->url, tmp.url);
        replace_str(&ep->host, tmp.host);
        ep->port = tmp.port;
        ep->tls = tmp.tls;
        return;
    }
    free(tmp.host);
    if (why == url_has_credentials)
        diag_add(p, p->lineno,
                 "%s: user names and passwords do not belong in the URL; "
                 "use %s_user and %s_password_command",
                 k->name, k->hint, k->hint);
    else
        diag_add(p, p->lineno, "%s: %s", k->name, why);
}

static void set_logs_url(struct parse *p, const struct key_def *k, void *field,
                         const char *value)
{
    struct mc_endpoint *ep = field;

    set_url(p, k, field, value);
    if (ep->url != NULL)
        site_cur(p)->logs_kind = (enum mc_logs_kind)k->arg;
}

static void set_secret(struct parse *p, const struct key_def *k, void *field,
                       const char *value)
{
    struct mc_secret *s = field;

    /* Never quote the value: people do paste passwords here. */
    if (k->arg == MC_SECRET_ENV && !is_ident(value)) {
        diag_add(p, p->lineno,
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
        diag_add(p, p->lineno, "%s: expected yes or the path of a netrc file",
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
    diag_add(p, p->lineno, "%s: %s", k->name, k->hint);
}

/* --- sections ----------------------------------------------------------- */

static bool site_name_ok(const char *name)
{
    size_t n = strlen(name);

    if (n == 0 || n > SITE_NAME_MAX)
        return false;
    for (; *name != '\0'; name++)
        if (!isalnum((unsigned char)*name) && strchr("._-", *name) == NULL)
            return false;
    return true;
}

static void site_begin(struct parse *p, const char *name)
{
    struct mc_config *cfg = p->cfg;
    size_t i;

    p->sec = SEC_SKIP;
    p->site_headers++;
    if (*name == '\0') {
        diag_add(p, p->lineno, "a site needs a name: [site NAME]");
        return;
    }
    if (!site_name_ok(name)) {
        diag_add(p, p->lineno,
                 "bad site name '%.60s': use up to %d letters, digits, "
                 "'.', '_' and '-'",
                 name, SITE_NAME_MAX);
        return;
    }
    for (i = 0; i < cfg->nsites; i++)
        if (strcmp(cfg->sites[i].name, name) == 0) {
            diag_add(p, p->lineno,
                     "duplicate site '%s' (first defined at line %d)", name,
                     cfg->sites[i].line);
            return;
        }
    cfg->sites = xreallocarray(cfg->sites, i + 1, sizeof *cfg->sites);
    p->site_lines = xreallocarray(p->site_lines, i + 1, sizeof *p->site_lines);
    memset(&cfg->sites[i], 0, sizeof cfg->sites[i]);
    memset(&p->site_lines[i], 0, sizeof p->site_lines[i]);
    cfg->sites[i].name = xstrdup(name);
    cfg->sites[i].line = p->lineno;
    metric_map_init_default(&cfg->sites[i].metrics);
    cfg->nsites = i + 1;
    p->site = i;
    p->sec = SEC_SITE;
}

/* Start the section named by a header's text (blanks trimmed). */
static void section_begin(struct parse *p, const char *name)
{
    if (strcmp(name, "mctop") == 0) {
        p->sec = SEC_SKIP;
        if (p->mctop_line != 0)
            diag_add(p, p->lineno,
                     "duplicate section [mctop] (first at line %d)",
                     p->mctop_line);
        else
            p->sec = SEC_MCTOP, p->mctop_line = p->lineno;
    } else if (strncmp(name, "site", 4) == 0 &&
               (name[4] == '\0' || isspace((unsigned char)name[4]))) {
        name += 4;
        while (isspace((unsigned char)*name))
            name++;
        site_begin(p, name);
    } else {
        diag_add(p, p->lineno,
                 "unknown section [%.60s]; expected [mctop] or [site NAME]",
                 name);
        p->sec = SEC_SKIP;
    }
}

/*
 * A "[...]" line. inih ends the header at ']' or at an inline comment (';'
 * after a blank) and ignores the rest; here the rest must be a comment.
 */
static bool section_line(struct parse *p, const char *s)
{
    const char *e = s + 1, *rest;
    char *name;

    while (*e != '\0' && *e != ']' &&
           !(*e == ';' && isspace((unsigned char)e[-1])))
        e++;
    if (*e != ']') {
        diag_add(p, p->lineno, "missing ']' in the section header");
        p->sec = SEC_SKIP;
        return false;
    }
    for (rest = e + 1; isspace((unsigned char)*rest); rest++)
        ;
    if (*rest != '\0' && *rest != ';' && *rest != '#') {
        diag_add(p, p->lineno, "unexpected text after ']'");
        p->sec = SEC_SKIP;
        return false;
    }
    for (s++; s < e && isspace((unsigned char)*s); s++)
        ;
    while (e > s && isspace((unsigned char)e[-1]))
        e--;
    name = xstrndup(s, (size_t)(e - s));
    section_begin(p, name);
    free(name);
    return p->sec != SEC_SKIP;
}

/* --- the inih callbacks ----------------------------------------------- */

/* A key line inih did not hand to on_pair: it had no '=' (or ':'). */
static void pending_flush(struct parse *p)
{
    if (p->pending != 0)
        diag_add(p, p->pending, "expected 'key = value' or '[section]'");
    p->pending = 0;
}

/*
 * Check the shape of line s (line ending removed); true to give it to inih.
 * Indented lines are refused: inih would take them for continuations.
 */
static bool line_check(struct parse *p, const char *s)
{
    const char *b;

    if (p->lineno == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3; /* inih skips a UTF-8 byte order mark */
    for (b = s; isspace((unsigned char)*b); b++)
        ;
    if (*b == '\0' || *b == ';' || *b == '#')
        return true;
    if (b != s) {
        diag_add(p, p->lineno,
                 "unexpected indentation: keys and sections start at the "
                 "beginning of the line and values cannot span lines");
        return false;
    }
    if (*b == '[')
        return section_line(p, b);
    p->pending = p->lineno;
    return true;
}

/* inih's fgets-like reader: counts lines and vets them first. */
static char *reader(char *str, int num, void *stream)
{
    struct parse *p = stream;
    ssize_t got;
    size_t len;
    bool pass = false;

    pending_flush(p);
    if (num < 2)
        return NULL; /* inih always offers a full line buffer */
    got = getline(&p->line, &p->cap, p->fp);
    if (got < 0) {
        if (ferror(p->fp))
            diag_add(p, 0, "read error: %s", strerror(errno));
        return NULL;
    }
    p->lineno++;
    len = (size_t)got;
    while (len > 0 && (p->line[len - 1] == '\n' || p->line[len - 1] == '\r'))
        p->line[--len] = '\0';
    if (memchr(p->line, '\0', len) != NULL)
        diag_add(p, p->lineno, "the line contains a NUL byte");
    else if (len + 2 > (size_t)num)
        diag_add(p, p->lineno, "the line is longer than %d characters",
                 num - 2);
    else
        pass = line_check(p, p->line);
    if (!pass)
        len = 0;
    memcpy(str, p->line, len);
    memcpy(str + len, "\n", 2);
    return str;
}

/* A key of the current section: which table and where it goes. */
static void section_keys(struct parse *p, const struct key_def **table,
                         size_t *n, int **lines, char **base)
{
    if (p->sec == SEC_MCTOP) {
        *table = mctop_keys;
        *n = ARRAY_LEN(mctop_keys);
        *lines = p->mctop_lines;
        *base = (char *)p->cfg;
    } else {
        *table = site_keys;
        *n = ARRAY_LEN(site_keys);
        *lines = p->site_lines[p->site].key;
        *base = (char *)site_cur(p);
    }
}

static void unknown_key(struct parse *p, const struct key_def *table, size_t n,
                        const char *name)
{
    char where[64], hint[64] = "";
    size_t i;

    if (p->sec == SEC_MCTOP)
        snprintf(where, sizeof where, "[mctop]");
    else
        snprintf(where, sizeof where, "[site %s]", site_cur(p)->name);
    for (i = 0; i < n; i++)
        if (strcasecmp(table[i].name, name) == 0)
            snprintf(hint, sizeof hint, " (did you mean '%s'?)", table[i].name);
    if (hint[0] == '\0' && p->sec == SEC_MCTOP &&
        key_find(site_keys, ARRAY_LEN(site_keys), name) != NULL)
        snprintf(hint, sizeof hint, " (it belongs in a [site NAME] section)");
    if (hint[0] == '\0' && p->sec == SEC_SITE &&
        key_find(mctop_keys, ARRAY_LEN(mctop_keys), name) != NULL)
        snprintf(hint, sizeof hint, " (it belongs in [mctop])");
    diag_add(p, p->lineno, "unknown key '%.60s' in %s%s", name, where, hint);
}

/* True (and reported) if another key of k's group was set already. */
static bool group_conflict(struct parse *p, const struct key_def *table,
                           size_t n, const int *lines, const struct key_def *k)
{
    size_t i;

    for (i = 0; k->group != GROUP_NONE && i < n; i++)
        if (&table[i] != k && table[i].group == k->group && lines[i] != 0) {
            diag_add(p, p->lineno,
                     "%s conflicts with %s at line %d; use "
                     "only one of them",
                     k->name, table[i].name, lines[i]);
            return true;
        }
    return false;
}

static int on_pair(void *user, const char *section, const char *name,
                   const char *value)
{
    struct parse *p = user;
    const struct key_def *table, *k;
    size_t n;
    int *lines;
    char *base;

    (void)section; /* the reader tracks sections: inih truncates names */
    p->pending = 0;
    if (p->sec == SEC_SKIP)
        return 1; /* the header was reported */
    if (p->sec == SEC_NONE) {
        diag_add(p, p->lineno,
                 "'%.60s' is outside any section; put it "
                 "under [mctop] or [site NAME]",
                 name);
        return 1;
    }
    if (*name == '\0') {
        diag_add(p, p->lineno, "missing key name before '='");
        return 1;
    }
    section_keys(p, &table, &n, &lines, &base);
    k = key_find(table, n, name);
    if (k == NULL) {
        unknown_key(p, table, n, name);
    } else if (lines[k - table] != 0) {
        diag_add(p, p->lineno, "duplicate key '%s' (first set at line %d)",
                 name, lines[k - table]);
    } else {
        lines[k - table] = p->lineno;
        if (group_conflict(p, table, n, lines, k))
            return 1;
        if (*value == '\0' && k->set != set_forbidden)
            diag_add(p, p->lineno, "%s: missing value", k->name);
        else
            k->set(p, k, base + k->off, value);
    }
    return 1; /* errors are collected here, not counted by inih */
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
        if (site_key_line(p, i, "bastion") == 0)
            diag_add(p, s->line,
                     "site '%s': bastion is required (or set direct = yes)",
                     s->name);
        return;
    }
    for (j = 0; j < ARRAY_LEN(ssh_keys); j++) {
        int line = site_key_line(p, i, ssh_keys[j]);

        if (line != 0)
            diag_add(p, line, "%s is not used with direct = yes (line %d)",
                     ssh_keys[j], site_key_line(p, i, "direct"));
    }
}

/* The first key of a group set in site i (its name in *name), or 0. */
static int group_line(const struct parse *p, size_t i, int group,
                      const char **name)
{
    size_t j;

    for (j = 0; j < ARRAY_LEN(site_keys); j++)
        if (site_keys[j].group == group && p->site_lines[i].key[j] != 0) {
            *name = site_keys[j].name;
            return p->site_lines[i].key[j];
        }
    return 0;
}

/* Keys of service svc ("cacti_user", ...) are useless without its URL. */
static void endpoint_unused(struct parse *p, size_t i, const char *svc,
                            const char *url_keys)
{
    size_t j, len = strlen(svc);

    for (j = 0; j < ARRAY_LEN(site_keys); j++) {
        const struct key_def *k = &site_keys[j];
        int line = p->site_lines[i].key[j];

        if (line != 0 && strncmp(k->name, svc, len) == 0 &&
            k->name[len] == '_' && k->set != set_forbidden)
            diag_add(p, line, "%s is set without %s", k->name, url_keys);
    }
}

/* A CA file only makes sense with https. */
static void endpoint_check_ca(struct parse *p, size_t i, const char *svc,
                              const struct mc_endpoint *ep)
{
    char key[64];
    int line;

    snprintf(key, sizeof key, "%s_ca_file", svc);
    line = site_key_line(p, i, key);
    if (line != 0 && ep->url != NULL && !ep->tls)
        diag_add(p, line, "%s is set but the URL is not https", key);
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
    user_line = site_key_line(p, i, user_key);
    if (user_line == 0 && ep->password.kind != MC_SECRET_NONE)
        diag_add(p, pw_line, "%s needs %s", pw_key, user_key);
    if (user_line != 0 && pw_line == 0)
        diag_add(p, user_line,
                 "%s needs a password: set %s_password_command, "
                 "%s_password_env or %s_netrc",
                 user_key, svc, svc, svc);
    if (user_line != 0 && api_key)
        diag_add(p, user_line, "%s is not used with an API key", user_key);
    endpoint_check_ca(p, i, svc, ep);
}

/* The Icinga API: URL, user and a password source are required. */
static void site_check_icinga(struct parse *p, size_t i)
{
    const struct mc_site_config *s = &p->cfg->sites[i];
    const char *pw_key;

    if (site_key_line(p, i, "icinga_url") == 0)
        diag_add(p, s->line, "site '%s': icinga_url is required", s->name);
    if (site_key_line(p, i, "icinga_user") == 0)
        diag_add(p, s->line, "site '%s': icinga_user is required", s->name);
    if (group_line(p, i, GROUP_ICINGA_AUTH, &pw_key) == 0)
        diag_add(p, s->line,
                 "site '%s': icinga password required: set "
                 "icinga_password_command, icinga_password_env or "
                 "icinga_netrc",
                 s->name);
    endpoint_check_ca(p, i, "icinga", &s->icinga);
}

/* Cacti and Elasticsearch/Kibana are optional. */
static void site_check_optional(struct parse *p, size_t i)
{
    struct mc_site_config *s = &p->cfg->sites[i];
    const char *url_key;

    if (site_key_line(p, i, "cacti_url") == 0)
        endpoint_unused(p, i, "cacti", "cacti_url");
    else
        endpoint_check_auth(p, i, "cacti", &s->cacti, GROUP_CACTI_AUTH);
    if (group_line(p, i, GROUP_LOGS_URL, &url_key) == 0)
        endpoint_unused(p, i, "elastic", "elastic_url or kibana_url");
    else
        endpoint_check_auth(p, i, "elastic", &s->logs, GROUP_LOGS_AUTH);
    if (s->logs.url != NULL && s->logs_index == NULL)
        s->logs_index = xstrdup(DEFAULT_INDEX);
}

static void site_defaults(struct mc_config *cfg, struct mc_site_config *s)
{
    if (s->refresh == 0)
        s->refresh = cfg->refresh;
    if (s->env_var == NULL)
        s->env_var = xstrdup("env");
}

static char *login_name(void)
{
    struct passwd *pw = getpwuid(getuid());
    const char *u = getenv("USER");

    if (pw != NULL && pw->pw_name != NULL)
        return xstrdup(pw->pw_name);
    return xstrdup(u != NULL && *u != '\0' ? u : "mctop");
}

/* Defaults for what was not set, then the checks across keys. */
static void config_finish(struct parse *p)
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
        cfg->author = login_name();
    for (i = 0; i < cfg->nsites; i++) {
        site_defaults(cfg, &cfg->sites[i]);
        site_check_bastion(p, i);
        site_check_icinga(p, i);
        site_check_optional(p, i);
    }
    if (p->site_headers == 0)
        diag_add(p, 0, "no [site NAME] section; at least one site is needed");
}

/* --- loading ---------------------------------------------------------- */

/* Open the file; refuse one others may write (it names commands to run). */
static int parse_open(struct parse *p)
{
    const char *slash = strrchr(p->path, '/');
    struct stat st;

    p->fp = fopen(p->path, "r");
    if (p->fp == NULL) {
        p->diag->missing_file = errno == ENOENT;
        if (errno == ENOENT)
            diag_add(p, 0, "file not found");
        else
            diag_add(p, 0, "cannot open: %s", strerror(errno));
        return -1;
    }
    if (fstat(fileno(p->fp), &st) < 0 || !S_ISREG(st.st_mode))
        diag_add(p, 0, "not a regular file");
    else if (st.st_mode & S_IWOTH)
        diag_add(p, 0,
                 "writable by anyone; it names commands to run, so "
                 "make it writable only by you (chmod o-w)");
    else if (slash == NULL)
        p->dir = xstrdup(".");
    else
        p->dir =
            xstrndup(p->path, slash == p->path ? 1 : (size_t)(slash - p->path));
    if (p->dir != NULL)
        return 0;
    fclose(p->fp);
    return -1;
}

int config_load(const char *path, struct mc_config *cfg,
                struct config_diag *diag)
{
    struct parse p;
    int rc;

    memset(cfg, 0, sizeof *cfg);
    memset(diag, 0, sizeof *diag);
    memset(&p, 0, sizeof p);
    p.path = path;
    p.cfg = cfg;
    p.diag = diag;
    if (parse_open(&p) == 0) {
        cfg->path = xstrdup(path);
        cfg->mouse = true;
        rc = ini_parse_stream(reader, &p, on_pair, &p);
        pending_flush(&p);
        if (rc > 0 && !diag_has_line(&p, rc))
            diag_add(&p, rc, "syntax error");
        else if (rc < 0)
            diag_add(&p, 0, "cannot parse (inih error %d)", rc);
        fclose(p.fp);
        config_finish(&p);
    }
    diag_sort(&p);
    if (p.dropped > 0) {
        diag->msg = xreallocarray(diag->msg, diag->n + 1, sizeof *diag->msg);
        diag->msg[diag->n++] =
            xasprintf("%s: %zu more problems not shown", path, p.dropped);
    }
    free(p.line);
    free(p.dir);
    free(p.diag_line);
    free(p.site_lines);
    if (diag->n == 0)
        return 0;
    config_free(cfg);
    return -1;
}

char *config_default_path(void)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home;

    /* The XDG spec says relative values are to be ignored. */
    if (xdg != NULL && xdg[0] == '/')
        return xasprintf("%s/mctop/config", xdg);
    home = home_dir();
    return home != NULL ? xasprintf("%s/.config/mctop/config", home) : NULL;
}

const struct mc_site_config *config_find_site(const struct mc_config *cfg,
                                              const char *name)
{
    size_t i;

    for (i = 0; i < cfg->nsites; i++)
        if (strcmp(cfg->sites[i].name, name) == 0)
            return &cfg->sites[i];
    return NULL;
}

static void endpoint_free(struct mc_endpoint *ep)
{
    free(ep->url);
    free(ep->host);
    free(ep->user);
    free(ep->ca_file);
    secret_clear(&ep->password);
}

static void site_free(struct mc_site_config *s)
{
    free(s->name);
    free(s->bastion);
    free(s->bastion_user);
    free(s->identity_file);
    free(s->known_hosts);
    free(s->env_var);
    metric_map_free(&s->metrics);
    endpoint_free(&s->icinga);
    endpoint_free(&s->cacti);
    endpoint_free(&s->logs);
    secret_clear(&s->logs_api_key);
    free(s->logs_index);
}

void config_free(struct mc_config *cfg)
{
    size_t i;

    for (i = 0; i < cfg->nsites; i++)
        site_free(&cfg->sites[i]);
    free(cfg->sites);
    free(cfg->path);
    free(cfg->theme);
    free(cfg->keymap);
    free(cfg->author);
    memset(cfg, 0, sizeof *cfg);
}

void config_diag_free(struct config_diag *d)
{
    size_t i;

    for (i = 0; i < d->n; i++)
        free(d->msg[i]);
    free(d->msg);
    memset(d, 0, sizeof *d);
}
