/* Bastion internals shared by bastion.c (connection) and bastion_pump.c. */
#ifndef MCTOP_BACKEND_BASTION_INT_H
#define MCTOP_BACKEND_BASTION_INT_H

#include <libssh/libssh.h>
#include <stdbool.h>

#include "backend/bastion.h"
#include "backend/buf.h"

struct worker;
struct sshkey_load;

/* One direct-tcpip channel pumped to a local descriptor. */
struct bastion_pump {
    struct bastion *b;
    ssh_channel ch;
    int fd;
    char host[256];
    int port;
    bool open;   /* the channel open has completed */
    bool fd_eof; /* the local side sent everything (EOF sent on the channel) */
    bool ch_eof; /* the remote side sent everything */
    short fd_events;  /* what the loop watches on fd now */
    struct buf to_fd; /* from the channel, waiting for fd to take it */
    struct buf to_ch; /* from fd, waiting for channel window */
    struct bastion_forward_cb cb;
    struct bastion_pump *next;
};

struct bastion {
    struct loop *loop;
    struct worker *worker; /* name lookups and key files, off the UI path */
    struct bastion_cb cb;
    char *name, *host, *user, *identity, *known_hosts, *ssh_dir;
    int port;
    enum bastion_state state;
    char msg[1024];
    bool started;

    ssh_session s;
    ssh_event ev;
    int fd;
    short fd_events;
    char *target; /* HostName after ssh config */
    int target_port;
    struct bastion_job *job;      /* name lookup in flight */
    struct sshkey_load *key_load; /* identity file being read */
    ssh_key key;                  /* the identity file's key, once read */
    int auth_step;

    unsigned timer;     /* connect timeout, backoff or keepalive */
    long long deadline; /* connect timeout */
    long long retry_at;
    long backoff_ms;
    long long last_rx, last_ka;
    double rtt_ms;
    unsigned long long rx, tx;

    struct bastion_pump *pumps;
    unsigned npumps;
};

/* bastion.c */
void bastion_watch(struct bastion *b);
void bastion_lost(struct bastion *b, const char *why);

/* bastion_pump.c: service every channel until none makes progress. */
void bastion_pumps_service(struct bastion *b);
/* Close every channel, telling their owners why. */
void bastion_pumps_close_all(struct bastion *b, const char *why);

#endif
