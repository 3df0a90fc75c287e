/*
 * Saved log searches: [query SITE NAME] sections with a query, its syntax
 * and a range start, given to their site once the whole file is read (a
 * site may come after its queries).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/config_int.h"
#include "backend/xalloc.h"

#define QUERY_NAME_MAX 40

static bool query_name_ok(const char *s, size_t n)
{
    if (n == 0 || n > QUERY_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && strchr("._-", s[i]) == NULL)
            return false;
    return true;
}

void config_query_begin(struct parse *p, const char *words)
{
    const char *site, *name, *end;
    size_t nsite, nname;
    struct query_section *sec;

    p->sec = SEC_SKIP;
    while (isspace((unsigned char)*words))
        words++;
    site = words;
    nsite = strcspn(site, " \t");
    name = site + nsite;
    while (isspace((unsigned char)*name))
        name++;
    nname = strcspn(name, " \t");
    for (end = name + nname; isspace((unsigned char)*end); end++)
        ;
    if (nsite == 0 || nname == 0 || *end != '\0') {
        config_diag_add(p, p->lineno,
                        "a query section needs a site and a name: [query "
                        "SITE NAME]");
        return;
    }
    if (!query_name_ok(name, nname)) {
        config_diag_add(p, p->lineno,
                        "bad query name '%.*s': use up to %d letters, "
                        "digits, '.', '_' and '-'",
                        (int)(nname < 60 ? nname : 60), name, QUERY_NAME_MAX);
        return;
    }
    for (size_t i = 0; i < p->nquery; i++)
        if (strlen(p->query[i].site) == nsite &&
            strncmp(p->query[i].site, site, nsite) == 0 &&
            strlen(p->query[i].q.name) == nname &&
            strncmp(p->query[i].q.name, name, nname) == 0) {
            config_diag_add(p, p->lineno,
                            "duplicate section [query %.*s %.*s] (first at "
                            "line %d)",
                            (int)nsite, site, (int)nname, name,
                            p->query[i].q.line);
            return;
        }
    p->query = xreallocarray(p->query, p->nquery + 1, sizeof *p->query);
    sec = &p->query[p->nquery++];
    memset(sec, 0, sizeof *sec);
    sec->site = xstrndup(site, nsite);
    sec->q.name = xstrndup(name, nname);
    sec->q.syntax = ES_KQL;
    sec->q.line = p->lineno;
    p->sec = SEC_QUERY;
}

void config_query_where(const struct parse *p, char *buf, size_t size)
{
    const struct query_section *sec = &p->query[p->nquery - 1];

    snprintf(buf, size, "[query %.40s %.40s]", sec->site, sec->q.name);
}

void config_query_finish(struct parse *p)
{
    struct mc_config *cfg = p->cfg;

    for (size_t i = 0; i < p->nquery; i++) {
        struct query_section *sec = &p->query[i];
        struct mc_site_config *s = NULL;

        for (size_t j = 0; j < cfg->nsites && s == NULL; j++)
            if (strcmp(cfg->sites[j].name, sec->site) == 0)
                s = &cfg->sites[j];
        if (s == NULL) {
            config_diag_add(p, sec->q.line,
                            "[query %.40s %.40s]: there is no [site %.40s] in "
                            "the file",
                            sec->site, sec->q.name, sec->site);
            continue;
        }
        if (s->logs.url == NULL) {
            config_diag_add(p, sec->q.line,
                            "[query %.40s %.40s]: site %.40s has no "
                            "elastic_url or kibana_url",
                            sec->site, sec->q.name, sec->site);
            continue;
        }
        if (sec->q.query == NULL) {
            config_diag_add(p, sec->q.line,
                            "[query %.40s %.40s]: query is required", sec->site,
                            sec->q.name);
            continue;
        }
        s->queries =
            xreallocarray(s->queries, s->nqueries + 1, sizeof *s->queries);
        s->queries[s->nqueries++] = sec->q;
        memset(&sec->q, 0, sizeof sec->q); /* the site has it now */
    }
}

void config_query_free(struct mc_saved_query *q)
{
    free(q->name);
    free(q->query);
    free(q->range);
    memset(q, 0, sizeof *q);
}

void config_query_parse_free(struct parse *p)
{
    for (size_t i = 0; i < p->nquery; i++) {
        free(p->query[i].site);
        config_query_free(&p->query[i].q);
    }
    free(p->query);
    p->query = NULL;
    p->nquery = 0;
}
