/*
 * The bridge between libcurl and the bastion: one Unix socket per private
 * target, in a directory only this user can enter. Each connection to a
 * socket becomes a direct-tcpip channel through the bastion. Unlike a TCP
 * listener, no other local user can reach the private network this way.
 */
#ifndef MCTOP_BACKEND_TUNNEL_H
#define MCTOP_BACKEND_TUNNEL_H

#include "backend/err.h"

struct loop;
struct bastion;
struct tunnel;

/* A tunnel over b; its socket directory is made on first use. */
struct tunnel *tunnel_new(struct loop *loop, struct bastion *b);
/* Remove the sockets and their directory. */
void tunnel_free(struct tunnel *t);
/*
 * The socket that reaches host:port (created on first call; the pointer
 * stays valid until tunnel_free). NULL with err set on failure.
 */
const char *tunnel_path(struct tunnel *t, const char *host, int port,
                        struct mc_err *err);
/*
 * Like tunnel_path, but any process of this user may connect (the helper
 * in a tmux window that carries a session over the bastion connection).
 */
const char *tunnel_path_shared(struct tunnel *t, const char *host, int port,
                               struct mc_err *err);
/* Why the last forward to host:port failed, or NULL (explains curl errors). */
const char *tunnel_error(const struct tunnel *t, const char *host, int port);

#endif
