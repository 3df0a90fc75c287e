/*
 * The configuration file: loading, sections, lines and their diagnostics.
 * inih splits lines into key = value pairs; our reader callback counts lines
 * and checks their shape. Keys: config_keys.c; checks: config_check.c.
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
#include <unistd.h>

#include "backend/config_int.h"
#include "backend/xalloc.h"

#define MAX_DIAGS     100 /* more are counted, not listed */
#define SITE_NAME_MAX 40

/* --- diagnostics ------------------------------------------------------ */

/* Record "path:line: message" (just "path: message" for line 0). */
void config_diag_add(struct parse *p, int line, const char *fmt, ...)
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
        config_diag_add(p, p->lineno, "a site needs a name: [site NAME]");
        return;
    }
    if (!site_name_ok(name)) {
        config_diag_add(p, p->lineno,
                        "bad site name '%.60s': use up to %d letters, digits, "
                        "'.', '_' and '-'",
                        name, SITE_NAME_MAX);
        return;
    }
    for (i = 0; i < cfg->nsites; i++)
        if (strcmp(cfg->sites[i].name, name) == 0) {
            config_diag_add(p, p->lineno,
                            "duplicate site '%s' (first defined at line %d)",
                            name, cfg->sites[i].line);
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

/* The rest of name if it starts with the word w, else NULL. */
static const char *section_word(const char *name, const char *w)
{
    size_t n = strlen(w);

    if (strncmp(name, w, n) != 0 ||
        (name[n] != '\0' && !isspace((unsigned char)name[n])))
        return NULL;
    return name + n;
}

/* Start the section named by a header's text (blanks trimmed). */
static void section_begin(struct parse *p, const char *name)
{
    const char *rest;

    if (strcmp(name, "mctop") == 0) {
        p->sec = SEC_SKIP;
        if (p->mctop_line != 0)
            config_diag_add(p, p->lineno,
                            "duplicate section [mctop] (first at line %d)",
                            p->mctop_line);
        else
            p->sec = SEC_MCTOP, p->mctop_line = p->lineno;
    } else if ((rest = section_word(name, "site")) != NULL) {
        while (isspace((unsigned char)*rest))
            rest++;
        site_begin(p, rest);
    } else if ((rest = section_word(name, "ssh")) != NULL) {
        config_ssh_begin(p, rest);
    } else if ((rest = section_word(name, "query")) != NULL) {
        config_query_begin(p, rest);
    } else {
        config_diag_add(p, p->lineno,
                        "unknown section [%.60s]; expected [mctop], "
                        "[site NAME], [ssh SITE PATTERN] or [query SITE "
                        "NAME]",
                        name);
        p->sec = SEC_SKIP;
    }
}

/*
 * A "[...]" line. inih ends the header at ']' or at an inline comment (';'
 * after a blank) and ignores the rest; here the rest must be a comment.
 * The header ends at the first ']' followed by nothing else, so a host
 * pattern may have brackets: [ssh prod web[0-9]*].
 */
static bool section_line(struct parse *p, const char *s)
{
    const char *e, *first = NULL, *rest;
    char *name;

    for (e = s + 1; *e != '\0' && !(*e == ';' && isspace((unsigned char)e[-1]));
         e++) {
        if (*e != ']')
            continue;
        if (first == NULL)
            first = e;
        for (rest = e + 1; isspace((unsigned char)*rest); rest++)
            ;
        if (*rest == '\0' || *rest == ';' || *rest == '#')
            break;
    }
    if (first == NULL) {
        config_diag_add(p, p->lineno, "missing ']' in the section header");
        p->sec = SEC_SKIP;
        return false;
    }
    if (*e != ']') {
        config_diag_add(p, p->lineno, "unexpected text after ']'");
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
        config_diag_add(p, p->pending, "expected 'key = value' or '[section]'");
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
        config_diag_add(
            p, p->lineno,
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
            config_diag_add(p, 0, "read error: %s", strerror(errno));
        return NULL;
    }
    p->lineno++;
    len = (size_t)got;
    while (len > 0 && (p->line[len - 1] == '\n' || p->line[len - 1] == '\r'))
        p->line[--len] = '\0';
    if (memchr(p->line, '\0', len) != NULL)
        config_diag_add(p, p->lineno, "the line contains a NUL byte");
    else if (len + 2 > (size_t)num)
        config_diag_add(p, p->lineno, "the line is longer than %d characters",
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
        *table = config_mctop_keys;
        *n = config_mctop_nkeys;
        *lines = p->mctop_lines;
        *base = (char *)p->cfg;
    } else if (p->sec == SEC_QUERY) {
        *table = config_query_keys;
        *n = config_query_nkeys;
        *lines = p->query[p->nquery - 1].key;
        *base = (char *)&p->query[p->nquery - 1].q;
    } else if (p->sec == SEC_SSH) {
        *table = config_ssh_keys;
        *n = config_ssh_nkeys;
        *lines = p->ssh[p->nssh - 1].key;
        *base = (char *)&p->ssh[p->nssh - 1].rule;
    } else {
        *table = config_site_keys;
        *n = config_site_nkeys;
        *lines = p->site_lines[p->site].key;
        *base = (char *)config_site_cur(p);
    }
}

static void unknown_key(struct parse *p, const struct key_def *table, size_t n,
                        const char *name)
{
    char where[160], hint[64] = "", ssh_key[64];
    const struct key_def *k;
    size_t i;

    if (p->sec == SEC_MCTOP)
        snprintf(where, sizeof where, "[mctop]");
    else if (p->sec == SEC_SITE)
        snprintf(where, sizeof where, "[site %s]", config_site_cur(p)->name);
    else if (p->sec == SEC_QUERY)
        config_query_where(p, where, sizeof where);
    else
        config_ssh_where(p, where, sizeof where);
    snprintf(ssh_key, sizeof ssh_key, "ssh_%s", name); /* user: ssh_user */
    for (i = 0; i < n; i++)
        if (strcasecmp(table[i].name, name) == 0)
            snprintf(hint, sizeof hint, " (did you mean '%s'?)", table[i].name);
    if (hint[0] == '\0' && p->sec == SEC_SITE &&
        (k = config_key_find(table, n, ssh_key)) != NULL)
        snprintf(hint, sizeof hint, " (did you mean '%s'?)", k->name);
    if (hint[0] == '\0' && p->sec == SEC_SSH && strncmp(name, "ssh_", 4) == 0 &&
        (k = config_key_find(table, n, name + 4)) != NULL)
        snprintf(hint, sizeof hint, " (did you mean '%s'?)", k->name);
    if (hint[0] == '\0' && p->sec != SEC_SITE &&
        config_key_find(config_site_keys, config_site_nkeys, name) != NULL)
        snprintf(hint, sizeof hint, " (it belongs in a [site NAME] section)");
    if (hint[0] == '\0' && p->sec != SEC_MCTOP &&
        config_key_find(config_mctop_keys, config_mctop_nkeys, name) != NULL)
        snprintf(hint, sizeof hint, " (it belongs in [mctop])");
    config_diag_add(p, p->lineno, "unknown key '%.60s' in %s%s", name, where,
                    hint);
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
        config_diag_add(p, p->lineno,
                        "'%.60s' is outside any section; put it "
                        "under [mctop] or [site NAME]",
                        name);
        return 1;
    }
    if (*name == '\0') {
        config_diag_add(p, p->lineno, "missing key name before '='");
        return 1;
    }
    section_keys(p, &table, &n, &lines, &base);
    k = config_key_find(table, n, name);
    if (k == NULL) {
        unknown_key(p, table, n, name);
    } else if (config_check_key(p, table, n, lines, k)) {
        if (*value == '\0' && !config_key_forbidden(k))
            config_diag_add(p, p->lineno, "%s: missing value", k->name);
        else
            k->set(p, k, base + k->off, value);
    }
    return 1; /* errors are collected here, not counted by inih */
}

/* --- loading ---------------------------------------------------------- */

/* Open the file; refuse one others may write (it names commands to run). */
static int parse_open(struct parse *p)
{
    const char *slash = strrchr(p->path, '/');

    p->fp = fopen(p->path, "r");
    if (p->fp == NULL) {
        p->diag->missing_file = errno == ENOENT;
        if (errno == ENOENT)
            config_diag_add(p, 0, "file not found");
        else
            config_diag_add(p, 0, "cannot open: %s", strerror(errno));
        return -1;
    }
    if (!config_check_mode(p)) {
        fclose(p->fp);
        return -1;
    }
    if (slash == NULL)
        p->dir = xstrdup(".");
    else
        p->dir =
            xstrndup(p->path, slash == p->path ? 1 : (size_t)(slash - p->path));
    return 0;
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
            config_diag_add(&p, rc, "syntax error");
        else if (rc < 0)
            config_diag_add(&p, 0, "cannot parse (inih error %d)", rc);
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
    config_ssh_parse_free(&p);
    config_query_parse_free(&p);
    if (diag->n == 0)
        return 0;
    config_free(cfg);
    return -1;
}

const char *config_home_dir(void)
{
    const char *h = getenv("HOME");
    struct passwd *pw;

    if (h != NULL && *h != '\0')
        return h;
    pw = getpwuid(getuid());
    return pw != NULL ? pw->pw_dir : NULL;
}

char *config_default_path(void)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home;

    /* The XDG spec says relative values are to be ignored. */
    if (xdg != NULL && xdg[0] == '/')
        return xasprintf("%s/mctop/config", xdg);
    home = config_home_dir();
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

void config_words_free(struct mc_words *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->v[i]);
    free(w->v);
    w->v = NULL;
    w->n = 0;
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
    size_t i;

    free(s->name);
    free(s->bastion);
    free(s->bastion_user);
    free(s->identity_file);
    free(s->known_hosts);
    free(s->env_var);
    metric_map_free(&s->metrics);
    endpoint_free(&s->icinga);
    endpoint_free(&s->cacti);
    free(s->cacti_column);
    free(s->cacti_rrd_host);
    free(s->cacti_rra_dir);
    endpoint_free(&s->logs);
    secret_clear(&s->logs_api_key);
    free(s->logs_index);
    free(s->logs_time_field);
    config_words_free(&s->logs_host_fields);
    config_words_free(&s->logs_level_fields);
    config_words_free(&s->logs_message_fields);
    for (i = 0; i < s->nqueries; i++)
        config_query_free(&s->queries[i]);
    free(s->queries);
    config_ssh_rule_free(&s->ssh_default);
    for (i = 0; i < s->nssh_rules; i++)
        config_ssh_rule_free(&s->ssh_rules[i]);
    free(s->ssh_rules);
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
    free(cfg->ssh_log_dir);
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
