/*
 * The configuration file, mctop.conf(5): user interface settings and the
 * sites with their bastions and endpoints. Parsed with inih; every problem
 * is reported as "file:line: message".
 */
#ifndef MCTOP_BACKEND_CONFIG_H
#define MCTOP_BACKEND_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "backend/es.h"
#include "backend/metrics.h"
#include "backend/secret.h"

/* An HTTP(S) service of a site: Icinga API, Cacti, Elasticsearch, Kibana. */
struct mc_endpoint {
    char *url;                 /* NULL when not configured; no trailing '/' */
    char *host;                /* from the URL; IPv6 without the brackets */
    int port;                  /* from the URL, else 80 or 443 */
    bool tls;                  /* https */
    char *user;                /* or NULL */
    struct mc_secret password; /* MC_SECRET_NONE: no password */
    char *ca_file;             /* or NULL: the system's certificates */
};

/* Which log search service a site has. */
enum mc_logs_kind {
    MC_LOGS_NONE,
    MC_LOGS_ELASTIC, /* elastic_url: the Elasticsearch API */
    MC_LOGS_KIBANA   /* kibana_url: Elasticsearch through Kibana's proxy */
};

/* How mctop logs in to a site's Cacti (cacti_auth). */
enum mc_cacti_auth {
    MC_CACTI_AUTH_UNSET, /* form with cacti_user, else guest */
    MC_CACTI_FORM,       /* Cacti's login form, CSRF token and cookie */
    MC_CACTI_BASIC,      /* HTTP basic auth (Cacti behind a web server) */
    MC_CACTI_GUEST       /* no login: Cacti's guest user */
};

/* Where graph data comes from when Cacti's web answers fail. */
enum mc_cacti_fallback {
    MC_CACTI_FALLBACK_NONE,
    MC_CACTI_FALLBACK_RRDTOOL /* rrdtool xport over SSH on the Cacti host */
};

/* How a session to a monitored host is opened ([mctop] ssh_mode). */
enum mc_ssh_mode {
    MC_SSH_BUILTIN, /* mctop's own client, over the bastion connection */
    MC_SSH_OPENSSH  /* the system's ssh(1), with a ProxyJump */
};

/* What a session connects to: the Icinga host's address or its name. */
enum mc_ssh_target {
    MC_SSH_TARGET_UNSET, /* only in ssh_rules: the site's default applies */
    MC_SSH_ADDRESS,
    MC_SSH_NAME
};

/*
 * Session settings: an [ssh SITE PATTERN] section, or a site's defaults
 * (its ssh_* keys). In ssh_rules, unset fields are NULL, 0 and
 * MC_SSH_TARGET_UNSET; a site's ssh_default has them all resolved, but
 * for identity (NULL: ssh-agent and the default keys).
 */
struct mc_ssh_rule {
    char *pattern;  /* fnmatch(3) on the host name, lower case; NULL in
                       ssh_default */
    char *user;     /* a word, not starting with '-' */
    char *identity; /* a readable file, absolute path */
    int port;       /* 1..65535 */
    enum mc_ssh_target connect_to;
    int line; /* of the [ssh ...] header, or of the [site NAME] one */
};

/* A list of words from a comma-separated value. */
struct mc_words {
    char **v;
    size_t n;
};

/* A saved log search: a [query SITE NAME] section. */
struct mc_saved_query {
    char *name;
    enum es_syntax syntax; /* default KQL, as Kibana */
    char *query;
    char *range; /* the start of the range: "now-1h"; NULL: the view's */
    int line;    /* of the [query ...] header */
};

/* One [site NAME] section. Paths are absolute ("~/" expanded). */
struct mc_site_config {
    char *name;
    int line; /* of the [site NAME] header */

    bool direct;         /* true: no bastion (e.g. on a VPN) */
    char *bastion;       /* host name or ssh_config Host alias */
    int bastion_port;    /* 0: ssh_config's Port, else 22 */
    char *bastion_user;  /* NULL: ssh_config's User, else the login name */
    char *identity_file; /* NULL: ssh-agent and ssh's default keys */
    char *known_hosts;   /* NULL: ~/.ssh/known_hosts */

    int refresh;               /* seconds between full resyncs */
    char *env_var;             /* host custom variable naming the environment */
    struct metric_map metrics; /* services per host meter (with defaults) */

    struct mc_endpoint icinga;     /* always configured */
    struct mc_endpoint cacti;      /* url NULL: no graphs */
    enum mc_cacti_auth cacti_auth; /* resolved after parsing */
    char *cacti_column; /* graph title substring for the hosts view */
    int cacti_ttl;      /* seconds graph data is fresh */
    enum mc_cacti_fallback cacti_fallback;
    char *cacti_rrd_host; /* SSH host with the RRD files (the URL's) */
    char *cacti_rra_dir;  /* where they are */

    enum mc_logs_kind logs_kind;
    struct mc_endpoint logs;       /* elastic_* keys; url from either URL key */
    struct mc_secret logs_api_key; /* instead of user and password */
    char *logs_index;              /* index pattern; NULL without logs */
    char *logs_time_field;         /* "@timestamp" */
    struct mc_words logs_host_fields; /* tried in order: host.name, host */
    struct mc_words logs_level_fields;
    struct mc_words logs_message_fields;
    enum es_syntax logs_syntax;     /* of the query bar at first */
    struct mc_saved_query *queries; /* its [query ...] sections, in order */
    size_t nqueries;

    /* SSH sessions to the site's hosts: see config_ssh_for(). */
    struct mc_ssh_rule ssh_default; /* the ssh_* keys, defaults applied */
    struct mc_ssh_rule *ssh_rules;  /* its [ssh ...] sections, in order */
    size_t nssh_rules;
};

struct mc_config {
    char *path;      /* the file it was read from */
    char *theme;     /* "dark", "light" or "mono" */
    char *keymap;    /* a keymap file path (it has a '/'), or a name of
                        [A-Za-z0-9_.-] that is not looked up here */
    int keymap_line; /* where keymap was set, for messages; 0: not set */
    bool mouse;
    int refresh; /* default for the sites' refresh */
    char *author;
    bool readonly;
    enum mc_ssh_mode ssh_mode;
    bool ssh_tmux;     /* inside tmux: sessions in a new tmux window */
    char *ssh_log_dir; /* a writable directory; NULL: no session logs */
    int run_parallel;  /* how many hosts :run works on at once, 1..64 */
    struct mc_site_config *sites;
    size_t nsites;
};

/* What is wrong with a configuration file, in line order. */
struct config_diag {
    char **msg; /* "file:line: message", or "file: message" */
    size_t n;
    bool missing_file; /* the file does not exist (msg says so too) */
};

/*
 * Read and check the file at path. Returns 0 with cfg filled, or -1 with
 * cfg empty and every problem found in diag. Referenced files (identity,
 * CA, netrc and keymap files) must be readable; a keymap name is left for
 * the caller to look up (see keymap_line). Free both in either case.
 */
int config_load(const char *path, struct mc_config *cfg,
                struct config_diag *diag);

/* $XDG_CONFIG_HOME/mctop/config, else ~/.config/mctop/config (caller frees;
 * NULL when the home directory is unknown). */
char *config_default_path(void);

/* The site called name, or NULL. */
const struct mc_site_config *config_find_site(const struct mc_config *cfg,
                                              const char *name);

/*
 * The settings of a session to the host called host (its Icinga name) of
 * site s: the first [ssh] rule of s whose pattern matches host (case is
 * ignored), its unset fields from s->ssh_default. out->user, port and
 * connect_to are always set; out->identity NULL means ssh-agent and the
 * default keys. out->pattern is the rule's, or NULL for the site's
 * defaults. The strings are borrowed from the configuration.
 */
void config_ssh_for(const struct mc_site_config *s, const char *host,
                    struct mc_ssh_rule *out);

void config_free(struct mc_config *cfg);
void config_diag_free(struct config_diag *d);

#endif
