/*
 * The Icinga 2 side of a site: the initial fetch of hosts and services
 * streamed through the parser, the /v1/events stream applied in place,
 * and a periodic full resync.
 */
#ifndef MCTOP_BACKEND_ICINGA_CLIENT_H
#define MCTOP_BACKEND_ICINGA_CLIENT_H

struct site;
struct icinga_client;

/* A client for site s over s->http. */
struct icinga_client *icinga_client_new(struct site *s);
/* Open the event stream and fetch everything. */
void icinga_client_start(struct icinga_client *c);
/* The connection is back: reopen the event stream and fetch at once. */
void icinga_client_reconnected(struct icinga_client *c);
/* Fetch the services of one host again (its detail is on screen). */
void icinga_client_fetch_host(struct icinga_client *c, const char *host);
/* Fetch everything again now (keeps the event stream). */
void icinga_client_resync(struct icinga_client *c);
void icinga_client_free(struct icinga_client *c);

#endif
