/*
 * SSH sessions to the hosts of a site: the [ssh SITE PATTERN] sections,
 * the site's defaults (its ssh_* keys, else the bastion's settings) and
 * which settings a session to a given host gets.
 */
#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/config_int.h"
#include "backend/xalloc.h"

#define DEFAULT_SSH_PORT 22

/* A copy of [s, s + n) in lower case (patterns and names ignore case). */
static char *lower_dup(const char *s, size_t n)
{
    char *d = xstrndup(s, n);
    char *c;

    for (c = d; *c != '\0'; c++)
        *c = (char)tolower((unsigned char)*c);
    return d;
}

/* The next blank-separated word of *s at [*b, *b + *len); false at the end. */
static bool next_word(const char **s, const char **b, size_t *len)
{
    const char *e;

    while (isspace((unsigned char)**s))
        (*s)++;
    if (**s == '\0')
        return false;
    for (e = *s; *e != '\0' && !isspace((unsigned char)*e); e++)
        ;
    *b = *s;
    *len = (size_t)(e - *s);
    *s = e;
    return true;
}

void config_ssh_begin(struct parse *p, const char *words)
{
    const char *w[3];
    size_t len[3], n = 0, i;
    struct ssh_section *sec;
    char *site, *pattern;

    p->sec = SEC_SKIP;
    while (n < ARRAY_LEN(w) && next_word(&words, &w[n], &len[n]))
        n++;
    if (n != 2) {
        config_diag_add(p, p->lineno,
                        "an ssh section needs a site and one host name "
                        "pattern: [ssh SITE PATTERN]");
        return;
    }
    site = xstrndup(w[0], len[0]);
    pattern = lower_dup(w[1], len[1]);
    if (config_has_space_or_control(pattern)) {
        config_diag_add(p, p->lineno,
                        "control characters are not allowed in a host name "
                        "pattern");
        goto fail;
    }
    for (i = 0; i < p->nssh; i++)
        if (strcmp(p->ssh[i].site, site) == 0 &&
            strcmp(p->ssh[i].rule.pattern, pattern) == 0) {
            config_diag_add(p, p->lineno,
                            "duplicate section [ssh %.40s %.60s] (first at "
                            "line %d)",
                            site, pattern, p->ssh[i].rule.line);
            goto fail;
        }
    p->ssh = xreallocarray(p->ssh, p->nssh + 1, sizeof *p->ssh);
    sec = &p->ssh[p->nssh++];
    memset(sec, 0, sizeof *sec);
    sec->site = site;
    sec->rule.pattern = pattern;
    sec->rule.line = p->lineno;
    p->sec = SEC_SSH;
    return;
fail:
    free(site);
    free(pattern);
}

void config_ssh_where(const struct parse *p, char *buf, size_t size)
{
    const struct ssh_section *sec = &p->ssh[p->nssh - 1];

    snprintf(buf, size, "[ssh %.40s %.60s]", sec->site, sec->rule.pattern);
}

/* What a site's sessions get unless a rule says otherwise. */
static void site_ssh_defaults(struct mc_site_config *s)
{
    struct mc_ssh_rule *d = &s->ssh_default;

    if (d->user == NULL)
        d->user = s->bastion_user != NULL ? xstrdup(s->bastion_user)
                                          : config_login_name();
    if (d->identity == NULL && s->identity_file != NULL)
        d->identity = xstrdup(s->identity_file);
    if (d->port == 0)
        d->port = DEFAULT_SSH_PORT;
    if (d->connect_to == MC_SSH_TARGET_UNSET)
        d->connect_to = MC_SSH_ADDRESS;
    d->line = s->line;
}

static struct mc_site_config *site_named(struct mc_config *cfg,
                                         const char *name)
{
    size_t i;

    for (i = 0; i < cfg->nsites; i++)
        if (strcmp(cfg->sites[i].name, name) == 0)
            return &cfg->sites[i];
    return NULL;
}

void config_ssh_finish(struct parse *p)
{
    struct mc_config *cfg = p->cfg;
    struct mc_site_config *s;
    size_t i;

    for (i = 0; i < cfg->nsites; i++)
        site_ssh_defaults(&cfg->sites[i]);
    for (i = 0; i < p->nssh; i++) {
        struct ssh_section *sec = &p->ssh[i];

        s = site_named(cfg, sec->site);
        if (s == NULL) {
            config_diag_add(p, sec->rule.line,
                            "[ssh %.40s %.60s]: there is no [site %.40s] in "
                            "the file",
                            sec->site, sec->rule.pattern, sec->site);
            continue;
        }
        s->ssh_rules = xreallocarray(s->ssh_rules, s->nssh_rules + 1,
                                     sizeof *s->ssh_rules);
        s->ssh_rules[s->nssh_rules++] = sec->rule;
        memset(&sec->rule, 0, sizeof sec->rule); /* the site has it now */
    }
}

void config_ssh_parse_free(struct parse *p)
{
    size_t i;

    for (i = 0; i < p->nssh; i++) {
        free(p->ssh[i].site);
        config_ssh_rule_free(&p->ssh[i].rule);
    }
    free(p->ssh);
    p->ssh = NULL;
    p->nssh = 0;
}

void config_ssh_rule_free(struct mc_ssh_rule *r)
{
    free(r->pattern);
    free(r->user);
    free(r->identity);
    memset(r, 0, sizeof *r);
}

/* The login name, for a site that config_load() did not finish. */
static char *fallback_user(const struct mc_site_config *s)
{
    static char last_resort[] = "mctop"; /* as config_login_name() */
    char *u = s->bastion_user;

    if (u == NULL)
        u = getenv("USER");
    if (u == NULL || *u == '\0')
        u = getlogin();
    return u != NULL && *u != '\0' ? u : last_resort;
}

void config_ssh_for(const struct mc_site_config *s, const char *host,
                    struct mc_ssh_rule *out)
{
    const struct mc_ssh_rule *r = NULL;
    char *name = lower_dup(host, strlen(host));
    size_t i;

    for (i = 0; i < s->nssh_rules && r == NULL; i++)
        if (fnmatch(s->ssh_rules[i].pattern, name, 0) == 0)
            r = &s->ssh_rules[i];
    free(name);
    *out = s->ssh_default;
    if (r != NULL) {
        out->pattern = r->pattern;
        out->line = r->line;
        if (r->user != NULL)
            out->user = r->user;
        if (r->identity != NULL)
            out->identity = r->identity;
        if (r->port != 0)
            out->port = r->port;
        if (r->connect_to != MC_SSH_TARGET_UNSET)
            out->connect_to = r->connect_to;
    }
    if (out->user == NULL)
        out->user = fallback_user(s);
    if (out->port == 0)
        out->port = DEFAULT_SSH_PORT;
    if (out->connect_to == MC_SSH_TARGET_UNSET)
        out->connect_to = MC_SSH_ADDRESS;
}
