/*
 * An SSH session to a private host, carried over a descriptor that already
 * reaches it (a direct-tcpip channel of the live bastion connection, so no
 * second bastion handshake). libssh runs non-blocking on the loop thread:
 * handshake, the host key checked against known_hosts like the bastion's,
 * public key authentication, then one channel: a login shell on a PTY, or
 * one command.
 */
#ifndef MCTOP_BACKEND_HOP_H
#define MCTOP_BACKEND_HOP_H

#include <libssh/libssh.h>
#include <stdbool.h>
#include <stddef.h>

#include "backend/bastion.h"

struct loop;
struct hop;

struct hop_config {
    const char *name;        /* the monitored host, for messages */
    const char *host;        /* what fd reaches; known_hosts looks it up */
    int port;                /* likewise */
    const char *user;        /* never NULL */
    ssh_key key;             /* borrowed; NULL: ssh-agent and default keys */
    const char *known_hosts; /* NULL: SSH_DIR/known_hosts */
    const char *ssh_dir;     /* NULL: $HOME/.ssh */
    const char *term;        /* a PTY with this TERM; NULL: no PTY */
    int cols, rows;
    const char *command; /* NULL: the login shell */
};

enum hop_state {
    HOP_CONNECTING, /* fd is a TCP connect still in progress */
    HOP_HANDSHAKE,
    HOP_HOSTKEY, /* waiting for hop_answer_hostkey() */
    HOP_AUTH,
    HOP_OPENING, /* channel, PTY, shell or command */
    HOP_OPEN,
    HOP_CLOSED
};

struct hop_cb {
    /* An unknown host key: answer later with hop_answer_hostkey(). */
    void (*hostkey)(void *arg, struct hop *h, const struct bastion_hostkey *k);
    /* The shell or command runs; output follows. */
    void (*open)(void *arg, struct hop *h);
    void (*data)(void *arg, struct hop *h, const char *p, size_t n,
                 bool is_stderr);
    /*
     * The end, called once and last: status is the remote exit status
     * (128+N after signal N), or -1 when the session failed and why says
     * how. The callback may free h.
     */
    void (*closed)(void *arg, struct hop *h, int status, const char *why);
    void *arg;
};

/*
 * Start a session over fd (the hop takes it). connecting: fd is a
 * non-blocking connect() in progress. Strings in cfg are copied.
 */
struct hop *hop_new(struct loop *loop, int fd, bool connecting,
                    const struct hop_config *cfg, const struct hop_cb *cb);
/* End it without callbacks (closing the channel if it is open). */
void hop_free(struct hop *h);

void hop_answer_hostkey(struct hop *h, enum bastion_answer a);
/* Bytes for the remote side's stdin (queued; never blocks). */
void hop_write(struct hop *h, const void *p, size_t n);
/* EOF to the remote side once the queued bytes are sent. */
void hop_send_eof(struct hop *h);
void hop_resize(struct hop *h, int cols, int rows);
/* Stop reading output while the consumer is behind, and resume. */
void hop_hold(struct hop *h, bool hold);
/* The descriptor's far side failed (the bastion's channel): end with why. */
void hop_transport_error(struct hop *h, const char *why);

enum hop_state hop_state(const struct hop *h);
/* What it is doing ("authenticating as root"), or why it failed. */
const char *hop_message(const struct hop *h);
/* Bytes of queued input not yet sent. */
size_t hop_pending(const struct hop *h);

#endif
