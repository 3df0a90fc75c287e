/*
 * A shell or one command on a monitored host, the way the configuration
 * says to reach it: mctop's own SSH client over the site's live bastion
 * connection (built-in), the system ssh with a ProxyJump (OpenSSH mode),
 * or, on the demo site, a local process that says plainly it is a demo.
 * Every kind gives the same events, so the terminal bridge and :run do
 * not care which one runs.
 */
#ifndef MCTOP_BACKEND_SESSION_H
#define MCTOP_BACKEND_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "backend/bastion.h"
#include "backend/config.h"
#include "backend/err.h"

struct site;
struct session;

struct session_route;

struct session_spec {
    struct loop *loop;
    /*
     * NULL in the tmux window's helper: fd already reaches the host (a
     * tunnel socket of the console's bastion connection), and route,
     * known_hosts and site_name say the rest.
     */
    struct site *site;
    int fd;
    const struct session_route *route;
    const char *known_hosts;
    const char *site_name;
    const char *host;    /* the monitored host's name */
    const char *address; /* its address; NULL or "" when it has none */
    const char *command; /* NULL: an interactive shell on a PTY */
    const char *term;    /* the shell's TERM */
    int cols, rows;
    enum mc_ssh_mode mode;
    const char *log_dir;     /* one log file per session; NULL: none */
    const char *runtime_dir; /* private (0700) dir for OpenSSH's config */
};

struct session_cb {
    /* An unknown host key: answer with session_answer_hostkey(). */
    void (*hostkey)(void *arg, struct session *s,
                    const struct bastion_hostkey *k);
    /* Connected: the shell or command runs and output follows. */
    void (*open)(void *arg, struct session *s);
    void (*data)(void *arg, struct session *s, const char *p, size_t n,
                 bool is_stderr);
    /*
     * The end, once and last: the exit status (128+N after signal N), or
     * -1 and why it failed. May free s.
     */
    void (*closed)(void *arg, struct session *s, int status, const char *why);
    void *arg;
};

/* Start it; NULL with err set when it cannot even start. */
struct session *session_open(const struct session_spec *spec,
                             const struct session_cb *cb, struct mc_err *err);
/* End it at once (the remote side sees the connection close); no events. */
void session_free(struct session *s);

void session_answer_hostkey(struct session *s, enum bastion_answer a);
void session_write(struct session *s, const void *p, size_t n);
void session_send_eof(struct session *s);
void session_resize(struct session *s, int cols, int rows);
void session_hold(struct session *s, bool hold);

/* Send the events elsewhere from now on (the terminal bridge takes over). */
void session_set_cb(struct session *s, const struct session_cb *cb);

/* "root@10.77.0.11" (the demo: "local shell"), for titles and messages. */
const char *session_target(const struct session *s);
/* What it is doing now ("authenticating as root"), or "". */
const char *session_status(const struct session *s);
/* The log file, or NULL. */
const char *session_log_path(const struct session *s);
/* How it is carried: "built-in", "OpenSSH" or "demo". */
const char *session_via(const struct session *s);

/*
 * The address or name to connect to for host under its site's rules, and
 * the user and port: for the tmux window's command and for messages.
 */
struct session_route {
    char target[256];
    char user[128];
    int port;
    const char *identity; /* borrowed from the configuration; or NULL */
};
int session_route(struct site *site, const char *host, const char *address,
                  struct session_route *r, struct mc_err *err);

/*
 * Write the ssh_config OpenSSH mode uses for site into runtime_dir and
 * return its path (the caller frees it), or NULL with err set.
 */
char *session_openssh_config(struct site *site, const char *runtime_dir,
                             struct mc_err *err);

#endif
