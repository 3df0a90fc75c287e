/*
 * The SSH connection to a site's bastion (libssh, non-blocking, driven by
 * the event loop): connect, strict host key check, authentication,
 * keepalive, reconnect with backoff, and direct-tcpip channels pumped to
 * local file descriptors. Every private endpoint is reached through it.
 */
#ifndef MCTOP_BACKEND_BASTION_H
#define MCTOP_BACKEND_BASTION_H

#include <stdbool.h>

struct loop;
struct bastion;

enum bastion_state {
    BASTION_IDLE,
    BASTION_RESOLVING,
    BASTION_CONNECTING, /* TCP */
    BASTION_HANDSHAKE,  /* SSH banner and key exchange */
    BASTION_HOSTKEY,    /* waiting for the user to accept an unknown key */
    BASTION_AUTH,
    BASTION_READY,
    BASTION_BACKOFF, /* waiting to reconnect */
    BASTION_FAILED   /* will not retry by itself (a changed host key) */
};

struct bastion_config {
    const char *name;        /* the site, for messages */
    const char *host;        /* host name or ~/.ssh/config Host alias */
    int port;                /* 0: from ssh config, else 22 */
    const char *user;        /* NULL: from ssh config, else the login */
    const char *identity;    /* NULL: ssh-agent and the default keys */
    const char *known_hosts; /* NULL: ~/.ssh/known_hosts */
    const char *ssh_dir;     /* NULL: $HOME/.ssh (its config is read) */
};

/* An unknown host key, for the user to judge by its fingerprint. */
struct bastion_hostkey {
    char host[256];
    int port;
    char type[32];        /* "ssh-ed25519" */
    char fingerprint[96]; /* "SHA256:…" as ssh-keygen -l prints it */
    char known_hosts[512];
};

enum bastion_answer {
    BASTION_REJECT,
    BASTION_ACCEPT_ONCE,
    BASTION_ACCEPT_SAVE
};

struct bastion_cb {
    /* The state, message or round-trip time changed. */
    void (*changed)(void *arg, struct bastion *b);
    /* An unknown host key: answer later with bastion_answer_hostkey(). */
    void (*hostkey)(void *arg, struct bastion *b,
                    const struct bastion_hostkey *k);
    void *arg;
};

/* Strings in cfg are copied. Nothing happens until bastion_start(). */
struct bastion *bastion_new(struct loop *loop, const struct bastion_config *cfg,
                            const struct bastion_cb *cb);
void bastion_free(struct bastion *b);
/* Connect now, and reconnect (with backoff) whenever the connection dies. */
void bastion_start(struct bastion *b);
/* Drop the connection and connect again at once (also after FAILED). */
void bastion_reconnect(struct bastion *b);
void bastion_answer_hostkey(struct bastion *b, enum bastion_answer a);

enum bastion_state bastion_state(const struct bastion *b);
/* Why it is not ready ("connection refused", "key rejected …"), or "". */
const char *bastion_message(const struct bastion *b);
/* Smoothed keepalive round trip in ms; < 0 when unknown. */
double bastion_rtt_ms(const struct bastion *b);
/* loop_now_ms() of the next attempt while in BASTION_BACKOFF. */
long long bastion_retry_at(const struct bastion *b);
/* Bytes received and sent over the connection (for benchmarks). */
void bastion_bytes(const struct bastion *b, unsigned long long *rx,
                   unsigned long long *tx);

/* What the owner of a forwarded descriptor hears about its channel. */
struct bastion_forward_cb {
    /* The channel is open: bytes now reach host:port (may be NULL). */
    void (*opened)(void *arg);
    /*
     * Called once when the forward ends: err is NULL after a clean close,
     * else why ("the bastion could not forward to …: connect failed").
     */
    void (*done)(void *arg, const char *err);
    void *arg;
};

/*
 * Carry the bytes of fd (a connected socket; the bastion takes it and
 * closes it) over a new direct-tcpip channel to host:port. Fails at once
 * (closing fd, calling done) when the bastion is not ready.
 */
void bastion_forward(struct bastion *b, int fd, const char *host, int port,
                     const struct bastion_forward_cb *cb);
/* The owner goes away: forwards with this arg call nothing any more. */
void bastion_forward_detach(struct bastion *b, void *arg);
/* Channels open now. */
unsigned bastion_channels(const struct bastion *b);

#endif
