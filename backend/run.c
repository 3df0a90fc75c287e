/* One command on many hosts: sessions started a few at a time. */
#include "backend/run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/loop.h"
#include "backend/session.h"
#include "backend/site.h"
#include "backend/xalloc.h"

struct run {
    struct loop *loop;
    char *command;
    int parallel;
    enum mc_ssh_mode mode;
    char *log_dir, *runtime_dir;
    size_t cap;
    struct run_cb cb;
    struct run_host *hosts;
    size_t n;
    size_t next;   /* the first host not started yet */
    size_t active; /* hosts connecting or running */
    unsigned pump;
    bool told_done;
    double started, ended;
};

static const struct session_cb run_session_cb;

/* ---- output ---- */

static void run_line_add(struct run_host *h, const char *p, size_t n,
                         enum run_stream stream)
{
    if (h->nlines == h->caplines) {
        h->caplines = h->caplines ? h->caplines * 2 : 64;
        h->lines = xreallocarray(h->lines, h->caplines, sizeof *h->lines);
    }
    h->lines[h->nlines++] = (struct run_line){ h->out.len, n, stream };
    buf_append(&h->out, p, n);
}

/* An unfinished line is a line once the output ends. */
static void run_line_flush(struct run_host *h)
{
    for (int s = 0; s < 2; s++) {
        if (h->part[s].len > 0)
            run_line_add(h, h->part[s].data, h->part[s].len,
                         (enum run_stream)s);
        buf_free(&h->part[s]);
    }
}

static void run_truncate(struct run_host *h)
{
    char cap[32], note[64];

    run_line_flush(h);
    h->truncated = true;
    snprintf(note, sizeof note, "[output truncated at %s]",
             run_cap_text(h->run->cap, cap, sizeof cap));
    run_line_add(h, note, strlen(note), RUN_NOTE);
}

/*
 * Lines of each stream are gathered apart, so stdout and stderr chunks
 * that interleave mid-line still give whole lines of one stream each.
 */
static void run_take(struct run_host *h, const char *p, size_t n,
                     enum run_stream stream)
{
    struct buf *part = &h->part[stream];

    h->bytes += n;
    while (n > 0 && !h->truncated) {
        const char *nl = memchr(p, '\n', n);
        size_t len = nl != NULL ? (size_t)(nl - p) : n;
        size_t used = h->out.len + h->part[0].len + h->part[1].len;
        size_t room = h->run->cap > used ? h->run->cap - used : 0;

        if (len > room) {
            buf_append(part, p, room);
            run_truncate(h);
            return;
        }
        buf_append(part, p, len);
        if (nl == NULL)
            return;
        run_line_add(h, part->len > 0 ? part->data : "", part->len, stream);
        buf_reset(part);
        p += len + 1;
        n -= len + 1;
    }
}

/* ---- the hosts ---- */

static void run_changed(struct run_host *h)
{
    struct run *r = h->run;

    if (r->cb.changed != NULL)
        r->cb.changed(r->cb.arg, r, h->index);
}

static void run_kick(struct run *r);

/* The host is finished one way or another: its session goes. */
static void run_host_end(struct run_host *h, enum run_state st)
{
    if (h->state == RUN_CONNECTING || h->state == RUN_RUNNING)
        h->run->active--;
    session_free(h->sess);
    h->sess = NULL;
    free(h->key);
    h->key = NULL;
    run_line_flush(h);
    h->state = st;
    h->ended = loop_wall();
}

/* A message names the host first ("web-01: connect failed"): not twice. */
static void run_fail(struct run_host *h, const char *why)
{
    size_t len = strlen(h->host);

    if (strncmp(why, h->host, len) == 0 && strncmp(why + len, ": ", 2) == 0)
        why += len + 2;
    free(h->why);
    h->why = xstrdup(why);
    run_host_end(h, RUN_FAILED);
}

static void run_on_hostkey(void *arg, struct session *s,
                           const struct bastion_hostkey *k)
{
    struct run_host *h = arg;
    struct run *r = h->run;

    if (r->cb.hostkey == NULL) {
        session_answer_hostkey(s, BASTION_REJECT);
        return;
    }
    if (h->key == NULL)
        h->key = xmalloc(sizeof *h->key);
    *h->key = *k;
    r->cb.hostkey(r->cb.arg, r, h->index);
}

static void run_on_open(void *arg, struct session *s)
{
    struct run_host *h = arg;

    (void)s;
    h->state = RUN_RUNNING;
    run_changed(h);
}

static void run_on_data(void *arg, struct session *s, const char *p, size_t n,
                        bool is_stderr)
{
    struct run_host *h = arg;

    (void)s;
    run_take(h, p, n, is_stderr ? RUN_STDERR : RUN_STDOUT);
    run_changed(h);
}

static void run_on_closed(void *arg, struct session *s, int status,
                          const char *why)
{
    struct run_host *h = arg;

    (void)s;
    h->status = status;
    if (why != NULL)
        run_fail(h, why);
    else
        run_host_end(h, RUN_DONE);
    run_changed(h);
    run_kick(h->run);
}

static const struct session_cb run_session_cb = { run_on_hostkey, run_on_open,
                                                  run_on_data, run_on_closed,
                                                  NULL };

static void run_start_host(struct run *r, struct run_host *h)
{
    struct session_spec spec = { 0 };
    struct session_cb cb = run_session_cb;
    struct mc_err err = { 0 };
    const char *log;

    spec.loop = r->loop;
    spec.site = h->site;
    spec.fd = -1;
    spec.host = h->host;
    spec.address = h->address;
    spec.command = r->command;
    spec.mode = r->mode;
    spec.log_dir = r->log_dir;
    spec.runtime_dir = r->runtime_dir;
    cb.arg = h;
    h->state = RUN_CONNECTING;
    h->started = loop_wall();
    r->active++;
    h->sess = session_open(&spec, &cb, &err);
    if (h->sess == NULL) {
        run_fail(h, err.msg[0] != '\0' ? err.msg : "cannot start");
    } else {
        /* Nobody types into a :run: a command reading stdin gets EOF. */
        session_send_eof(h->sess);
        log = session_log_path(h->sess);
        h->log_path = log != NULL ? xstrdup(log) : NULL;
    }
    run_changed(h);
}

/* Start what the limit allows; say so once everything has finished. */
static long run_pump(void *arg)
{
    struct run *r = arg;

    r->pump = 0;
    while (r->next < r->n && r->active < (size_t)r->parallel) {
        struct run_host *h = &r->hosts[r->next++];

        if (h->state == RUN_QUEUED)
            run_start_host(r, h);
    }
    if (run_finished(r) && !r->told_done) {
        r->told_done = true;
        r->ended = loop_wall();
        if (r->cb.done != NULL)
            r->cb.done(r->cb.arg, r);
    }
    return LOOP_STOP;
}

/* From the loop, not from inside a session's callback. */
static void run_kick(struct run *r)
{
    if (r->pump == 0)
        r->pump = loop_add_timer(r->loop, 0, run_pump, r);
}

/* ---- the API ---- */

struct run *run_new(const struct run_spec *spec, const struct run_target *t,
                    size_t n, const struct run_cb *cb)
{
    struct run *r = xcalloc(1, sizeof *r);

    r->loop = spec->loop;
    r->command = xstrdup(spec->command);
    r->parallel = spec->parallel < 1                  ? 1
                  : spec->parallel > RUN_PARALLEL_MAX ? RUN_PARALLEL_MAX
                                                      : spec->parallel;
    r->mode = spec->mode;
    r->log_dir = spec->log_dir != NULL ? xstrdup(spec->log_dir) : NULL;
    r->runtime_dir =
        spec->runtime_dir != NULL ? xstrdup(spec->runtime_dir) : NULL;
    r->cap = spec->cap > 0 ? spec->cap : RUN_CAP;
    r->cb = *cb;
    r->hosts = xcalloc(n > 0 ? n : 1, sizeof *r->hosts);
    r->n = n;
    for (size_t i = 0; i < n; i++) {
        struct run_host *h = &r->hosts[i];

        h->run = r;
        h->index = i;
        h->site = t[i].site;
        h->host = xstrdup(t[i].host);
        h->address = t[i].address != NULL && t[i].address[0] != '\0'
                         ? xstrdup(t[i].address)
                         : NULL;
    }
    r->started = loop_wall();
    run_kick(r);
    return r;
}

void run_free(struct run *r)
{
    if (r == NULL)
        return;
    if (r->pump != 0)
        loop_del_timer(r->loop, r->pump);
    for (size_t i = 0; i < r->n; i++) {
        struct run_host *h = &r->hosts[i];

        session_free(h->sess);
        free(h->key);
        buf_free(&h->part[0]);
        buf_free(&h->part[1]);
        buf_free(&h->out);
        free(h->lines);
        free(h->host);
        free(h->address);
        free(h->why);
        free(h->log_path);
    }
    free(r->hosts);
    free(r->command);
    free(r->log_dir);
    free(r->runtime_dir);
    free(r);
}

size_t run_cancel(struct run *r)
{
    size_t n = 0;

    for (size_t i = 0; i < r->n; i++) {
        struct run_host *h = &r->hosts[i];

        if (h->state > RUN_RUNNING)
            continue;
        run_host_end(h, RUN_CANCELLED);
        n++;
    }
    r->next = r->n;
    r->told_done = true; /* the caller knows */
    if (r->ended == 0)
        r->ended = loop_wall();
    return n;
}

void run_answer_hostkey(struct run *r, size_t i, enum bastion_answer a)
{
    struct run_host *h;

    if (i >= r->n || r->hosts[i].key == NULL || r->hosts[i].sess == NULL)
        return; /* finished or cancelled meanwhile */
    h = &r->hosts[i];
    free(h->key);
    h->key = NULL;
    if (a != BASTION_REJECT) {
        session_answer_hostkey(h->sess, a);
        return;
    }
    run_fail(h, "host key rejected");
    run_changed(h);
    run_kick(r);
}

size_t run_count(const struct run *r)
{
    return r->n;
}

const struct run_host *run_host(const struct run *r, size_t i)
{
    return i < r->n ? &r->hosts[i] : NULL;
}

const char *run_command(const struct run *r)
{
    return r->command;
}

int run_parallel(const struct run *r)
{
    return r->parallel;
}

size_t run_cap(const struct run *r)
{
    return r->cap;
}

void run_counts(const struct run *r, struct run_counts *c)
{
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < r->n; i++) {
        const struct run_host *h = &r->hosts[i];

        switch (h->state) {
        case RUN_QUEUED:
            c->queued++;
            break;
        case RUN_CONNECTING:
            c->connecting++;
            break;
        case RUN_RUNNING:
            c->running++;
            break;
        case RUN_DONE:
            if (h->status == 0)
                c->ok++;
            else
                c->nonzero++;
            break;
        case RUN_FAILED:
            c->failed++;
            break;
        case RUN_CANCELLED:
            c->cancelled++;
            break;
        }
    }
}

bool run_finished(const struct run *r)
{
    return r->next >= r->n && r->active == 0;
}

double run_started(const struct run *r)
{
    return r->started;
}

double run_ended(const struct run *r)
{
    return r->ended;
}

const char *run_host_status(const struct run *r, size_t i)
{
    const struct run_host *h = run_host(r, i);

    if (h == NULL || h->sess == NULL)
        return "";
    if (h->key != NULL)
        return "waiting for an answer about its host key";
    return session_status(h->sess);
}

char *run_host_label(const struct run_host *h, char *buf, size_t size)
{
    static const char *const labels[] = {
        [RUN_QUEUED] = "QUEUED", [RUN_CONNECTING] = "CONN",
        [RUN_RUNNING] = "RUN",   [RUN_DONE] = "OK",
        [RUN_FAILED] = "FAIL",   [RUN_CANCELLED] = "CANCEL",
    };

    if (h->state == RUN_DONE && h->status != 0)
        snprintf(buf, size, "EXIT %d", h->status);
    else
        snprintf(buf, size, "%s", labels[h->state]);
    return buf;
}

char *run_cap_text(size_t cap, char *buf, size_t size)
{
    if (cap >= ((size_t)1 << 20) && cap % ((size_t)1 << 20) == 0)
        snprintf(buf, size, "%zu MiB", cap >> 20);
    else if (cap >= 1024 && cap % 1024 == 0)
        snprintf(buf, size, "%zu KiB", cap >> 10);
    else
        snprintf(buf, size, "%zu bytes", cap);
    return buf;
}
