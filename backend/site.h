/*
 * A site at run time: how it is reached, its current data and their age.
 * The Icinga client (icinga_client.c) fills it; views only read it.
 */
#ifndef MCTOP_BACKEND_SITE_H
#define MCTOP_BACKEND_SITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/buf.h"
#include "backend/err.h"
#include "backend/metrics.h"

struct loop;
struct http_client;
struct mc_snapshot;
struct trend;
struct icinga_client;
struct cacti_client;
struct logs_client;
struct worker;
struct mc_site_config;
struct site_remote;
struct bastion_hostkey;
struct triage;
struct site_ssh;
struct site_dial;

enum site_conn {
    SITE_IDLE,
    SITE_CONNECTING,
    SITE_CONNECTED,
    SITE_RECONNECTING,
    SITE_FAILED
};

struct site {
    char *name;
    bool demo;
    struct loop *loop;
    struct worker *worker; /* shared; big parses run there */
    struct http_client *http;
    char *env_var;
    struct metric_map map;
    int refresh; /* seconds between full resyncs */

    enum site_conn conn;
    char conn_msg[512]; /* why it failed, or "" */
    double rtt_ms;      /* < 0 when unknown */
    long long retry_at; /* loop_now_ms() of the next attempt */

    struct mc_snapshot *snap; /* current data; NULL before the first fetch */
    uint64_t gen;             /* bumped on every change of snap */
    double updated;           /* wall time data last arrived */
    double synced;            /* wall time of the last full fetch */

    bool loading; /* a full fetch is running */
    size_t load_bytes, load_objects;
    bool live; /* the event stream is open */

    struct mc_err err;  /* last data error; msg "" when none */
    char poll_msg[256]; /* why there is no event stream, or "" */
    double err_time;

    struct trend *load_trend; /* each host's load meter over time */
    struct icinga_client *icinga;
    struct cacti_client *cacti; /* NULL: the site has no Cacti */
    struct logs_client *logs;
    struct site_remote
        *remote; /* bastion, tunnel, secrets; NULL for the demo */

    struct triage *triage; /* actions sent and their outcome per object */
    const struct mc_site_config *cfg; /* NULL for the demo; outlives s */
    struct site_ssh *ssh;             /* identity keys for sessions */
    /* Something to tell the user (level 0 info, 1 warning, 2 error). */
    void (*message)(void *arg, struct site *s, int level, const char *text);
    void *message_arg;

    /* An unknown bastion host key: answer with site_answer_hostkey(). */
    void (*hostkey)(void *arg, struct site *s, const struct bastion_hostkey *k);
    void *hostkey_arg;

    /* Called whenever anything above changed (to schedule a redraw). */
    void (*notify)(void *arg, struct site *s);
    void *notify_arg;
};

/* The built-in demo site with nhosts hosts (<= 0: the default size). */
struct site *site_new_demo(struct loop *loop, struct worker *worker,
                           unsigned seed, int nhosts, int refresh);
/*
 * A site from the configuration, reached through its bastion, or
 * directly with direct = yes. Nothing connects before site_start().
 */
struct site *site_new(struct loop *loop, struct worker *worker,
                      const struct mc_site_config *cfg);
/* The user's answer to the hostkey callback (enum bastion_answer). */
void site_answer_hostkey(struct site *s, int answer);
/* Fetch one host's services again (its detail is being looked at). */
void site_refresh_host(struct site *s, const char *host);
/* Connect again now (after a refused host key, say). */
void site_reconnect(struct site *s);

/* A byte stream to one of the site's hosts, for SSH sessions. */
struct site_dial_cb {
    /*
     * The stream reaches host:port now; fd is the caller's. connecting:
     * a direct TCP connect that is still in progress.
     */
    void (*ready)(void *arg, int fd, bool connecting);
    /* Before ready: it failed. After: the bastion's channel broke. */
    void (*lost)(void *arg, const char *why);
    void *arg;
};

/*
 * Reach host:port through the site's bastion (a direct-tcpip channel of
 * the live connection) or directly for a site without one. Callbacks come
 * later, from the loop. NULL with why in err when it cannot start (the
 * demo, the bastion not connected).
 */
struct site_dial *site_dial(struct site *s, const char *host, int port,
                            const struct site_dial_cb *cb, struct mc_err *err);
/* No more callbacks; an fd not yet handed over is closed. */
void site_dial_free(struct site_dial *d);
/*
 * A Unix socket (in a directory only this user can enter) whose every
 * connection reaches host:port through the site's bastion connection:
 * for a session in a tmux window. NULL with err for a direct site.
 */
const char *site_tunnel_path(struct site *s, const char *host, int port,
                             struct mc_err *err);

/* Identity files read once per site (on the worker) for its sessions. */
struct ssh_key_struct;
struct site_key_wait;
typedef void (*site_key_done)(void *arg, struct ssh_key_struct *key,
                              const char *err);
/* The key of path if it was read already (the site owns it), else NULL. */
struct ssh_key_struct *site_key_get(struct site *s, const char *path);
/* Read it: done later gets the key (the site owns it) or NULL and why. */
struct site_key_wait *site_key_load(struct site *s, const char *path,
                                    site_key_done done, void *arg);
void site_key_cancel(struct site *s, struct site_key_wait *w);

/* Start fetching; the notify callback should be set before. */
void site_start(struct site *s);
void site_free(struct site *s);

/* Record a data error (shown in the status line) and notify. */
void site_set_error(struct site *s, const struct mc_err *err);
/* Replace the data (takes ownership) and notify. */
void site_set_snapshot(struct site *s, struct mc_snapshot *snap);
/* A fetch made progress (counters updated): notify, throttled by the app. */
void site_progress(struct site *s);
/* The data changed in place and notify. */
void site_touch(struct site *s);
/* "live", "polling", "connecting", "reconnecting in 4 s", "failed: ...". */
char *site_conn_text(const struct site *s, char *buf, size_t size);
/* True when the shown data may be out of date: disconnected, or polls late. */
bool site_stale(const struct site *s);

#endif
