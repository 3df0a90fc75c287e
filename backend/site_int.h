/* Site internals shared by site.c and site_remote.c. */
#ifndef MCTOP_BACKEND_SITE_INT_H
#define MCTOP_BACKEND_SITE_INT_H

#include "backend/site.h"

struct site *site_alloc(struct loop *loop, struct worker *worker,
                        const char *name, int refresh);
void site_notify(struct site *s);

/* site_remote.c: connect a configured site; free its transport. */
void site_remote_start(struct site *s);
void site_remote_free(struct site *s);
/* The site's bastion, or NULL (the demo, a direct site, not started). */
struct bastion *site_remote_bastion(struct site *s);
/*
 * The Unix socket of the site's private tunnel to host:port (for another
 * endpoint's HTTP client), or NULL with why in err; NULL and no error for
 * a direct site (connect to the URL itself).
 */
const char *site_remote_socket(struct site *s, const char *host, int port,
                               struct mc_err *err);
/* Why a request to host:port through the tunnel failed, or NULL. */
const char *site_remote_explain(struct site *s, const char *host, int port);

/* site_dial.c: the identity keys of its sessions. */
void site_ssh_free(struct site *s);

#endif
