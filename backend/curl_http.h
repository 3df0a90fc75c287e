/*
 * HTTP to a site's endpoint with libcurl, driven by the event loop (the
 * multi socket API). The URL keeps the real host, so Host, SNI and the
 * certificate name are checked against it, while the bytes may travel
 * through a Unix socket of the bastion tunnel.
 */
#ifndef MCTOP_BACKEND_CURL_HTTP_H
#define MCTOP_BACKEND_CURL_HTTP_H

#include <stdbool.h>

#include "backend/http.h"

struct loop;

struct curl_http_config {
    const char *name;        /* the site, for messages */
    const char *base_url;    /* "https://10.77.0.2:5665", no trailing '/' */
    const char *user;        /* NULL: no authentication */
    const char *password;    /* copied and wiped when freed */
    const char *ca_file;     /* NULL: the system's certificates */
    const char *unix_socket; /* NULL: connect directly */
    /* Icinga takes a query with a body as POST + X-HTTP-Method-Override. */
    bool method_override;
    bool accept_json; /* send Accept: application/json */
    /* Bodies are form fields (Cacti's login), not JSON. */
    bool form_body;
    /* Keep cookies across this client's requests (a session cookie). */
    bool cookies;
    /* More request headers ("kbn-xsrf: mctop"), NULL-terminated; copied. */
    const char *const *headers;
    /* Explains a transport failure (e.g. why the bastion refused). */
    const char *(*explain)(void *arg);
    void *explain_arg;
};

/* A client for one endpoint; strings are copied. */
struct http_client *curl_http_new(struct loop *loop,
                                  const struct curl_http_config *cfg);
void curl_http_free(struct http_client *c);

#endif
