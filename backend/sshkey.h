/*
 * Host keys and identities shared by the bastion connection and the
 * sessions to private hosts: describe a server's key for the user, check
 * it against known_hosts, and read an identity file off the loop thread.
 */
#ifndef MCTOP_BACKEND_SSHKEY_H
#define MCTOP_BACKEND_SSHKEY_H

#include <libssh/libssh.h>
#include <stddef.h>

#include "backend/bastion.h"

struct worker;

enum sshkey_verdict {
    SSHKEY_KNOWN,   /* in known_hosts: go on */
    SSHKEY_UNKNOWN, /* ask the user, showing k */
    SSHKEY_REFUSED  /* changed, or known_hosts unreadable: msg says why */
};

/* Fill k from the server's key; returns 0, or -1 when it has none. */
int sshkey_describe(ssh_session s, const char *host, int port,
                    struct bastion_hostkey *k);
/* Check the key of a connected session; k is filled in every case. */
enum sshkey_verdict sshkey_check(ssh_session s, const char *host, int port,
                                 struct bastion_hostkey *k, char *msg,
                                 size_t size);

/* An identity file read on a worker; done gets the key or NULL and why. */
typedef void (*sshkey_loaded)(void *arg, ssh_key key, const char *err);
struct sshkey_load;
struct sshkey_load *sshkey_load(struct worker *w, const char *path,
                                sshkey_loaded done, void *arg);
/* The caller no longer waits: done is never called, the key is freed. */
void sshkey_load_cancel(struct sshkey_load *l);

#endif
