/* The demo site behind the http_client interface, driven by the loop. */
#ifndef MCTOP_BACKEND_DEMO_HTTP_H
#define MCTOP_BACKEND_DEMO_HTTP_H

#include "backend/http.h"

struct loop;

/*
 * A client answering from a new simulated site of nhosts hosts. The
 * simulation clock follows the wall clock, ticking once a second; bodies
 * are produced in slices, one per loop turn, so the UI never waits.
 */
struct http_client *demo_http_new(struct loop *loop, unsigned seed, int nhosts);
void demo_http_free(struct http_client *c);

#endif
