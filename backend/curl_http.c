/* libcurl requests on the event loop: multi socket API, one multi per loop. */
#include "curl_http.h"

#include <curl/curl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/loop.h"
#include "backend/xalloc.h"

/* The multi handle shared by every client of a loop. */
struct curl_loop {
    struct loop *loop;
    CURLM *multi;
    unsigned timer;
    unsigned users;
    bool in_callback; /* inside a curl callback: no handle removal now */
};

struct curl_http {
    struct http_client client;
    struct curl_loop *cl;
    char *name, *base_url, *user, *password, *ca_file, *unix_socket;
    bool method_override, accept_json, form_body;
    CURLSH *share;  /* the cookie jar of the client's requests, or NULL */
    char **headers; /* extra request headers, NULL-terminated, or NULL */
    const char *(*explain)(void *arg);
    void *explain_arg;
    struct http_req *reqs;
};

struct http_req {
    struct curl_http *ch;
    CURL *easy;
    struct curl_slist *hdrs;
    char *body;
    struct http_cb cb;
    bool got_status;
    bool
        cancelled; /* by the owner inside a callback: freed when curl is done */
    bool paused;
    unsigned pause_timer;
    char errbuf[CURL_ERROR_SIZE];
    struct http_req *next;
};

static struct curl_loop *curl_loop_shared;

static void curl_loop_check(struct curl_loop *cl);

static void curl_loop_on_socket(int fd, short revents, void *arg)
{
    struct curl_loop *cl = arg;
    int flags = 0, running;

    if (revents & POLLIN)
        flags |= CURL_CSELECT_IN;
    if (revents & POLLOUT)
        flags |= CURL_CSELECT_OUT;
    if (revents & (POLLERR | POLLHUP))
        flags |= CURL_CSELECT_ERR;
    cl->in_callback = true;
    curl_multi_socket_action(cl->multi, fd, flags, &running);
    cl->in_callback = false;
    curl_loop_check(cl);
}

static long curl_loop_on_timer(void *arg)
{
    struct curl_loop *cl = arg;
    int running;

    cl->timer = 0;
    cl->in_callback = true;
    curl_multi_socket_action(cl->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    cl->in_callback = false;
    curl_loop_check(cl);
    return LOOP_STOP;
}

static int curl_loop_socket_cb(CURL *easy, curl_socket_t s, int what,
                               void *userp, void *socketp)
{
    struct curl_loop *cl = userp;
    short ev = 0;

    (void)easy;
    if (what == CURL_POLL_REMOVE) {
        if (socketp != NULL)
            loop_del_fd(cl->loop, s);
        curl_multi_assign(cl->multi, s, NULL);
        return 0;
    }
    if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
        ev |= POLLIN;
    if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
        ev |= POLLOUT;
    if (socketp == NULL) {
        loop_add_fd(cl->loop, s, ev, curl_loop_on_socket, cl);
        curl_multi_assign(cl->multi, s, cl);
    } else {
        loop_mod_fd(cl->loop, s, ev);
    }
    return 0;
}

static int curl_loop_timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
    struct curl_loop *cl = userp;

    (void)multi;
    if (cl->timer != 0) {
        loop_del_timer(cl->loop, cl->timer);
        cl->timer = 0;
    }
    if (timeout_ms >= 0)
        cl->timer =
            loop_add_timer(cl->loop, timeout_ms, curl_loop_on_timer, cl);
    return 0;
}

static struct curl_loop *curl_loop_get(struct loop *loop)
{
    struct curl_loop *cl = curl_loop_shared;

    if (cl == NULL) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        cl = xcalloc(1, sizeof *cl);
        cl->loop = loop;
        cl->multi = curl_multi_init();
        curl_multi_setopt(cl->multi, CURLMOPT_SOCKETFUNCTION,
                          curl_loop_socket_cb);
        curl_multi_setopt(cl->multi, CURLMOPT_SOCKETDATA, cl);
        curl_multi_setopt(cl->multi, CURLMOPT_TIMERFUNCTION,
                          curl_loop_timer_cb);
        curl_multi_setopt(cl->multi, CURLMOPT_TIMERDATA, cl);
        /* Few connections per endpoint: each one is a channel on the bastion.
         */
        curl_multi_setopt(cl->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 6L);
        curl_loop_shared = cl;
    }
    cl->users++;
    return cl;
}

static void curl_loop_put(struct curl_loop *cl)
{
    if (--cl->users > 0)
        return;
    if (cl->timer != 0)
        loop_del_timer(cl->loop, cl->timer);
    curl_multi_cleanup(cl->multi);
    curl_global_cleanup();
    free(cl);
    curl_loop_shared = NULL;
}

/* ---- requests ---- */

static void curl_req_free(struct http_req *r)
{
    struct curl_http *ch = r->ch;

    for (struct http_req **p = &ch->reqs; *p != NULL; p = &(*p)->next) {
        if (*p == r) {
            *p = r->next;
            break;
        }
    }
    if (r->pause_timer != 0)
        loop_del_timer(ch->cl->loop, r->pause_timer);
    curl_multi_remove_handle(ch->cl->multi, r->easy);
    curl_easy_cleanup(r->easy);
    curl_slist_free_all(r->hdrs);
    free(r->body);
    free(r);
}

/* The owner's view of a transport failure: curl's words, and why. */
static void curl_req_error(struct http_req *r, CURLcode rc, struct mc_err *err)
{
    struct curl_http *ch = r->ch;
    const char *why = ch->explain != NULL ? ch->explain(ch->explain_arg) : NULL;
    const char *what =
        r->errbuf[0] != '\0' ? r->errbuf : curl_easy_strerror(rc);

    err->code = (int)rc;
    if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE)
        err_set(err,
                "TLS verification failed for %s (is the CA file in the "
                "configuration right?): %s",
                ch->base_url, what);
    else if (why != NULL)
        err_set(err, "%s (%s)", why, what);
    else
        err_set(err, "%s: %s", ch->base_url, what);
}

static void curl_req_finish(struct http_req *r, CURLcode rc)
{
    struct mc_err err = { 0 };
    long status = 0;
    struct http_cb cb = r->cb;

    if (r->cancelled) {
        curl_req_free(r);
        return;
    }
    curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
    if (rc != CURLE_OK)
        curl_req_error(r, rc, &err);
    else if (!r->got_status && cb.on_status != NULL)
        cb.on_status(cb.arg, (int)status); /* an empty body */
    curl_req_free(r);
    cb.on_done(cb.arg, rc == CURLE_OK ? (int)status : 0,
               rc == CURLE_OK ? NULL : &err);
}

static void curl_loop_check(struct curl_loop *cl)
{
    CURLMsg *msg;
    int left;

    while ((msg = curl_multi_info_read(cl->multi, &left)) != NULL) {
        struct http_req *r = NULL;

        if (msg->msg != CURLMSG_DONE)
            continue;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
        if (r != NULL)
            curl_req_finish(r, msg->data.result);
    }
}

static size_t curl_req_write(char *p, size_t size, size_t n, void *arg)
{
    struct http_req *r = arg;
    long status = 0;

    if (r->cancelled)
        return 0; /* aborts the transfer; freed when curl reports it done */
    if (!r->got_status) {
        r->got_status = true;
        curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
        if (r->cb.on_status != NULL)
            r->cb.on_status(r->cb.arg, (int)status);
        if (r->cancelled)
            return 0;
    }
    r->cb.on_data(r->cb.arg, p, size * n);
    return r->cancelled ? 0 : size * n;
}

/* A response header line: "Name: value\r\n" to the owner's callback. */
static size_t curl_req_header(char *p, size_t size, size_t n, void *arg)
{
    struct http_req *r = arg;
    size_t len = size * n, k;
    char name[64], value[256];
    const char *colon = memchr(p, ':', len);

    if (r->cancelled || r->cb.on_header == NULL || colon == NULL)
        return len;
    k = (size_t)(colon - p);
    if (k == 0 || k >= sizeof name)
        return len;
    memcpy(name, p, k);
    name[k] = '\0';
    colon++;
    while (colon < p + len && (*colon == ' ' || *colon == '\t'))
        colon++;
    k = (size_t)(p + len - colon);
    while (k > 0 && (colon[k - 1] == '\r' || colon[k - 1] == '\n' ||
                     colon[k - 1] == ' '))
        k--;
    if (k >= sizeof value)
        k = sizeof value - 1;
    memcpy(value, colon, k);
    value[k] = '\0';
    r->cb.on_header(r->cb.arg, name, value);
    return len;
}

static void curl_req_options(struct http_req *r, const char *method,
                             const char *path, const char *body)
{
    struct curl_http *ch = r->ch;
    CURL *e = r->easy;
    char *url = xasprintf("%s%s", ch->base_url, path);

    curl_easy_setopt(e, CURLOPT_URL, url);
    free(url);
    curl_easy_setopt(e, CURLOPT_PRIVATE, r);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, curl_req_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    /* Never a proxy from the environment, never a redirect elsewhere. */
    curl_easy_setopt(e, CURLOPT_PROXY, "");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 15000L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
    if (ch->unix_socket != NULL)
        curl_easy_setopt(e, CURLOPT_UNIX_SOCKET_PATH, ch->unix_socket);
    if (ch->share != NULL) {
        curl_easy_setopt(e, CURLOPT_SHARE, ch->share);
        curl_easy_setopt(e, CURLOPT_COOKIEFILE, ""); /* in memory only */
    }
    if (ch->ca_file != NULL)
        curl_easy_setopt(e, CURLOPT_CAINFO, ch->ca_file);
    if (ch->user != NULL) {
        curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(e, CURLOPT_USERNAME, ch->user);
        curl_easy_setopt(e, CURLOPT_PASSWORD,
                         ch->password != NULL ? ch->password : "");
    }
    if (ch->accept_json)
        r->hdrs = curl_slist_append(r->hdrs, "Accept: application/json");
    for (size_t i = 0; ch->headers != NULL && ch->headers[i] != NULL; i++)
        r->hdrs = curl_slist_append(r->hdrs, ch->headers[i]);
    if (r->cb.on_header != NULL) {
        curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, curl_req_header);
        curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
    }
    if (body != NULL) {
        r->body = xstrdup(body);
        r->hdrs = curl_slist_append(
            r->hdrs, ch->form_body
                         ? "Content-Type: application/x-www-form-urlencoded"
                         : "Content-Type: application/json");
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body);
        if (strcmp(method, "GET") == 0 && ch->method_override)
            r->hdrs = curl_slist_append(r->hdrs, "X-HTTP-Method-Override: GET");
        else if (strcmp(method, "POST") != 0)
            curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
    } else if (strcmp(method, "POST") == 0) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, "");
    } else if (strcmp(method, "GET") != 0) {
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
    }
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->hdrs);
}

static struct http_req *curl_http_request(void *impl, const char *method,
                                          const char *path, const char *body,
                                          const struct http_cb *cb,
                                          struct mc_err *err)
{
    struct curl_http *ch = impl;
    struct http_req *r = xcalloc(1, sizeof *r);

    r->ch = ch;
    r->cb = *cb;
    r->easy = curl_easy_init();
    if (r->easy == NULL) {
        free(r);
        err_set(err, "%s: cannot start an HTTP request", ch->name);
        return NULL;
    }
    curl_req_options(r, method, path, body);
    r->next = ch->reqs;
    ch->reqs = r;
    curl_multi_add_handle(ch->cl->multi, r->easy);
    return r;
}

static void curl_http_cancel(void *impl, struct http_req *r)
{
    struct curl_http *ch = impl;

    if (ch->cl->in_callback)
        r->cancelled = true; /* removing a handle inside curl is not allowed */
    else
        curl_req_free(r);
}

static long curl_req_pause_cb(void *arg)
{
    struct http_req *r = arg;

    r->pause_timer = 0;
    curl_easy_pause(r->easy, r->paused ? CURLPAUSE_RECV : CURLPAUSE_CONT);
    return LOOP_STOP;
}

/* Pausing from inside the write callback would drop data: do it after. */
static void curl_http_pause(void *impl, struct http_req *r, bool paused)
{
    struct curl_http *ch = impl;

    if (r->paused == paused)
        return;
    r->paused = paused;
    if (r->pause_timer == 0)
        r->pause_timer = loop_add_timer(ch->cl->loop, 0, curl_req_pause_cb, r);
}

static void curl_http_destroy(void *impl)
{
    struct curl_http *ch = impl;

    while (ch->reqs != NULL)
        curl_req_free(ch->reqs);
    if (ch->password != NULL) {
        explicit_bzero(ch->password, strlen(ch->password));
        free(ch->password);
    }
    free(ch->name);
    free(ch->base_url);
    free(ch->user);
    free(ch->ca_file);
    free(ch->unix_socket);
    if (ch->share != NULL)
        curl_share_cleanup(ch->share);
    for (size_t i = 0; ch->headers != NULL && ch->headers[i] != NULL; i++) {
        explicit_bzero(ch->headers[i], strlen(ch->headers[i])); /* keys */
        free(ch->headers[i]);
    }
    free(ch->headers);
    curl_loop_put(ch->cl);
    free(ch);
}

static const struct http_ops curl_http_ops = {
    .request = curl_http_request,
    .cancel = curl_http_cancel,
    .pause = curl_http_pause,
    .free = curl_http_destroy,
};

static char *curl_http_dup(const char *s)
{
    return s != NULL ? xstrdup(s) : NULL;
}

struct http_client *curl_http_new(struct loop *loop,
                                  const struct curl_http_config *cfg)
{
    struct curl_http *ch = xcalloc(1, sizeof *ch);

    ch->cl = curl_loop_get(loop);
    ch->name = xstrdup(cfg->name);
    ch->base_url = xstrdup(cfg->base_url);
    ch->user = curl_http_dup(cfg->user);
    ch->password = curl_http_dup(cfg->password);
    ch->ca_file = curl_http_dup(cfg->ca_file);
    ch->unix_socket = curl_http_dup(cfg->unix_socket);
    ch->method_override = cfg->method_override;
    ch->accept_json = cfg->accept_json;
    ch->form_body = cfg->form_body;
    if (cfg->headers != NULL) {
        size_t n = 0;

        while (cfg->headers[n] != NULL)
            n++;
        ch->headers = xcalloc(n + 1, sizeof *ch->headers);
        for (size_t i = 0; i < n; i++)
            ch->headers[i] = xstrdup(cfg->headers[i]);
    }
    if (cfg->cookies) {
        /* One loop thread uses it: no lock functions needed. */
        ch->share = curl_share_init();
        curl_share_setopt(ch->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_COOKIE);
    }
    ch->explain = cfg->explain;
    ch->explain_arg = cfg->explain_arg;
    ch->client.ops = &curl_http_ops;
    ch->client.impl = ch;
    return &ch->client;
}

void curl_http_free(struct http_client *c)
{
    if (c != NULL)
        c->ops->free(c->impl);
}
