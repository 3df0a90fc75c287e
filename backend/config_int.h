/*
 * What the files of the configuration reader share, and nothing else uses:
 * the key tables, the state of one parse and its diagnostics.
 */
#ifndef MCTOP_BACKEND_CONFIG_INT_H
#define MCTOP_BACKEND_CONFIG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "backend/config.h"

#define ARRAY_LEN(a)      (sizeof(a) / sizeof((a)[0]))
#define CONFIG_KEYS_MAX   64 /* keys in one section's table, at the most */
#define CONFIG_SSH_KEYS   4  /* keys of an [ssh SITE PATTERN] section */
#define CONFIG_QUERY_KEYS 3  /* keys of a [query SITE NAME] section */

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
    const char *const *choices; /* set_choice, set_enum: NULL-terminated */
};

/* Keys that say the same thing in different ways. */
enum key_group {
    GROUP_NONE,
    GROUP_ICINGA_AUTH,
    GROUP_CACTI_AUTH,
    GROUP_LOGS_AUTH,
    GROUP_LOGS_URL
};

/* The keys of [mctop], [site NAME] and [ssh SITE PATTERN] (config_keys.c). */
extern const struct key_def config_mctop_keys[];
extern const size_t config_mctop_nkeys;
extern const struct key_def config_site_keys[];
extern const size_t config_site_nkeys;
extern const struct key_def config_ssh_keys[];
extern const size_t config_ssh_nkeys;
extern const struct key_def config_query_keys[];
extern const size_t config_query_nkeys;

enum section_kind {
    SEC_NONE,
    SEC_MCTOP,
    SEC_SITE,
    SEC_SSH,
    SEC_QUERY,
    SEC_SKIP
};

/* A [query SITE NAME] section, kept until its site is known to exist. */
struct query_section {
    char *site;
    struct mc_saved_query q;
    int key[CONFIG_QUERY_KEYS];
};

/* An [ssh SITE PATTERN] section until the end of the file, when its site
 * is known to exist (a site may come after its rules). */
struct ssh_section {
    char *site;
    struct mc_ssh_rule rule; /* pattern and line set by the header */
    int key[CONFIG_SSH_KEYS];
};

/* The line each key of a site was set on (0: not set). */
struct site_lines {
    int key[CONFIG_KEYS_MAX];
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
    int mctop_lines[CONFIG_KEYS_MAX];
    struct site_lines *site_lines; /* parallel to cfg->sites */
    struct ssh_section *ssh;       /* [ssh ...] sections, in file order */
    size_t nssh;                   /* the current one is the last */
    struct query_section *query;   /* [query ...] sections, in file order */
    size_t nquery;                 /* the current one is the last */
};

/* The site whose section is being read. */
static inline struct mc_site_config *config_site_cur(struct parse *p)
{
    return &p->cfg->sites[p->site];
}

/* --- config.c: diagnostics and helpers ------------------------------- */

/* Record "path:line: message" (just "path: message" for line 0). */
void config_diag_add(struct parse *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* $HOME, else the password database's; NULL if neither is known. */
const char *config_home_dir(void);
/* The login name (the password database's, else $USER); caller frees. */
char *config_login_name(void);

/* --- config_keys.c: the key tables and their setters ----------------- */

const struct key_def *config_key_find(const struct key_def *table, size_t n,
                                      const char *name);
/* The line a key of site i was set on, or 0. */
int config_site_key_line(const struct parse *p, size_t i, const char *name);
/* True if s has a blank or a control character. */
bool config_has_space_or_control(const char *s);
/* A key that may not be used (a password in the file, say). */
bool config_key_forbidden(const struct key_def *k);

/* --- config_url.c: http(s) URLs ------------------------------------- */

/* config_url_parse's answer for credentials in the URL (the message needs
 * the keys to use instead). */
extern const char config_url_credentials[];
/* Parse an http(s) URL into ep (url, host, port, tls); NULL, or what is
 * wrong with it. ep->host may be set on failure too: the caller frees it. */
const char *config_url_parse(const char *v, struct mc_endpoint *ep);

/* --- config_check.c: checks of the file, of keys, after parsing ------ */

/* A regular file only others cannot write; false (and reported) if not. */
bool config_check_mode(struct parse *p);
/*
 * Record the line of key k of a section (lines parallel to table); false
 * (and reported) when it is set twice or conflicts with another key.
 */
bool config_check_key(struct parse *p, const struct key_def *table, size_t n,
                      int *lines, const struct key_def *k);
/* Defaults for what was not set, then the checks across keys. */
void config_finish(struct parse *p);

/* --- config_ssh.c: [ssh SITE PATTERN] and the sessions' settings ----- */

/* Start an [ssh ...] section; words: the header's text after "ssh". */
void config_ssh_begin(struct parse *p, const char *words);
/* "[ssh SITE PATTERN]" of the current section, for messages. */
void config_ssh_where(const struct parse *p, char *buf, size_t size);
/* Give each rule to its site (or report the site missing); defaults. */
void config_ssh_finish(struct parse *p);
/* Free the rules config_ssh_finish() did not take. */
void config_ssh_parse_free(struct parse *p);
void config_ssh_rule_free(struct mc_ssh_rule *r);

/* Free a word list (config.c). */
void config_words_free(struct mc_words *w);

/* --- config_query.c: [query SITE NAME], saved log searches ----------- */

void config_query_begin(struct parse *p, const char *words);
void config_query_where(const struct parse *p, char *buf, size_t size);
/* Give each site its queries; check what a section lacks. */
void config_query_finish(struct parse *p);
void config_query_parse_free(struct parse *p);
void config_query_free(struct mc_saved_query *q);

#endif
