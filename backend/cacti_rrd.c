/*
 * The fallback when Cacti's web answers fail (cacti_fallback = rrdtool):
 * the host's RRD files read on the Cacti host over SSH (a session through
 * the site's bastion, as :run makes). One graph per file, named by its
 * data sources; data by `rrdtool xport --json --showtime`. Cacti names a
 * file "<device>_<ds>_<id>.rrd" with the device's description in lower
 * case, so a host's files are found by its name.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/cacti_int.h"
#include "backend/loop.h"
#include "backend/run.h"
#include "backend/site.h"
#include "backend/site_int.h"
#include "backend/snapshot.h"
#include "backend/xalloc.h"

#define CACTI_RRD_OUT_MAX  (16u << 20) /* bytes of one command's output */
#define CACTI_RRD_PARALLEL 2           /* commands on the Cacti host at once */
#define CACTI_RRD_HOSTS    32          /* hosts one listing names */
#define CACTI_RRD_GRAPHS   8           /* graphs one command exports */
#define CACTI_RRD_FORGET   5.0 /* seconds unasked: a queued graph is dropped */
#define CACTI_RRD_TIMEOUT  60  /* seconds a command may take */

/* A file found for a host: its graph id (< 0) and data sources. */
struct cacti_rrd_file {
    long id;
    char *file; /* the name in cacti_rra_dir */
    char *ds;   /* space separated */
};

/*
 * One command on the Cacti host: a listing for some hosts or the data of
 * some graphs. Batched, because every command is an SSH session and a
 * login shell there: the hosts view asks for a screenful at once.
 */
struct cacti_rrd_cmd {
    struct cacti_client *c;
    struct cacti_hentry **hosts;
    char **prefix; /* each host's file name prefix */
    size_t nhosts;
    struct cacti_dentry **data;
    size_t ndata;
    struct run *run;
    unsigned reaper, timer;
    bool timed_out;
    struct cacti_rrd_cmd *next;
};

/* Entries waiting for a command; they are busy, so never evicted. */
struct cacti_rrd_want {
    void **v;
    size_t n, cap;
};

struct cacti_rrd {
    struct cacti_rrd_file *files;
    size_t nfiles;
    long next_id;
    struct cacti_rrd_cmd *cmds;
    size_t ncmds;
    struct cacti_rrd_want hosts, data;
    unsigned pump;
};

static struct cacti_rrd *cacti_rrd_get(struct cacti_client *c)
{
    if (c->rrd == NULL) {
        c->rrd = xcalloc(1, sizeof *c->rrd);
        c->rrd->next_id = -1;
    }
    return c->rrd;
}

static void cacti_rrd_want_add(struct cacti_rrd_want *w, void *e)
{
    if (w->n == w->cap) {
        w->cap = w->cap ? 2 * w->cap : 16;
        w->v = xreallocarray(w->v, w->cap, sizeof *w->v);
    }
    w->v[w->n++] = e;
}

/* The first n waiting entries leave the queue. */
static void cacti_rrd_want_drop(struct cacti_rrd_want *w, size_t n)
{
    memmove(w->v, w->v + n, (w->n - n) * sizeof *w->v);
    w->n -= n;
}

/* Names that need no quoting in the remote shell and rrdtool's DEFs. */
static bool cacti_rrd_safe(const char *s, const char *extra)
{
    if (*s == '\0' || *s == '-')
        return false;
    for (; *s != '\0'; s++)
        if (!isalnum((unsigned char)*s) && strchr(extra, *s) == NULL)
            return false;
    return true;
}

/* Cacti's file name prefix of a device: lower case, odd characters '_'. */
static char *cacti_rrd_prefix(const char *name)
{
    char *p = xstrdup(name);

    for (char *s = p; *s != '\0'; s++) {
        *s = (char)tolower((unsigned char)*s);
        if (!isalnum((unsigned char)*s) && *s != '-' && *s != '.')
            *s = '_';
    }
    return p;
}

/* stdout of the command as one string (lines joined by '\n'). */
static char *cacti_rrd_stdout(const struct run_host *rh, size_t *len)
{
    struct buf b = { 0 };

    for (size_t i = 0; i < rh->nlines; i++)
        if (rh->lines[i].stream == RUN_STDOUT) {
            buf_append(&b, rh->out.data + rh->lines[i].off, rh->lines[i].len);
            buf_putc(&b, '\n');
        }
    *len = b.len;
    return b.data != NULL ? buf_steal(&b) : xstrdup("");
}

/* Why it failed: the run's reason, or the first stderr line. */
static void cacti_rrd_why(const struct run_host *rh, char *buf, size_t size)
{
    for (size_t i = 0; i < rh->nlines; i++)
        if (rh->lines[i].stream == RUN_STDERR) {
            snprintf(buf, size, "%.*s", (int)rh->lines[i].len,
                     rh->out.data + rh->lines[i].off);
            return;
        }
    if (rh->state == RUN_FAILED && rh->why != NULL)
        snprintf(buf, size, "%s", rh->why);
    else if (rh->state == RUN_DONE)
        snprintf(buf, size, "exit status %d", rh->status);
    else
        snprintf(buf, size, "cancelled");
}

/* The file's entry (the same id as before when it was seen already). */
static struct cacti_rrd_file *cacti_rrd_file(struct cacti_rrd *r,
                                             const char *name, const char *ds)
{
    struct cacti_rrd_file *f = NULL;

    for (size_t i = 0; i < r->nfiles && f == NULL; i++)
        if (strcmp(r->files[i].file, name) == 0)
            f = &r->files[i];
    if (f == NULL) {
        r->files = xreallocarray(r->files, r->nfiles + 1, sizeof *r->files);
        f = &r->files[r->nfiles++];
        f->id = r->next_id--;
        f->file = xstrdup(name);
        f->ds = NULL;
    }
    free(f->ds);
    f->ds = xstrdup(ds);
    return f;
}

static void cacti_rrd_graph_add(struct cacti_graph_list *gl,
                                const struct cacti_hentry *h,
                                const struct cacti_rrd_file *f)
{
    for (size_t i = 0; i < gl->n; i++)
        if (gl->v[i].id == f->id)
            return; /* named by two of the listing's patterns */
    gl->v = xreallocarray(gl->v, gl->n + 1, sizeof *gl->v);
    gl->v[gl->n++] = (struct cacti_graph){
        .id = f->id,
        .title = xasprintf("%s - %s (rrdtool)", h->name, f->ds),
        .device = xstrdup(h->name),
        .template = xstrdup(f->file),
    };
    gl->total = (long)gl->n;
}

/* A listing's lines, "FILE DS DS...", to the hosts that own the files. */
static void cacti_rrd_hosts_answer(struct cacti_client *c,
                                   struct cacti_rrd_cmd *k, char *out)
{
    struct cacti_rrd *r = cacti_rrd_get(c);
    struct cacti_graph_list *gl = xcalloc(k->nhosts, sizeof *gl);
    char *save = NULL;

    for (char *line = strtok_r(out, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        char *sp = strchr(line, ' ');
        int who;

        if (sp == NULL || sp == line)
            continue;
        *sp = '\0';
        if (!cacti_rrd_safe(line, "_-."))
            continue;
        who = cacti_rrd_owner(line, k->prefix, k->nhosts);
        if (who >= 0)
            cacti_rrd_graph_add(&gl[who], k->hosts[who],
                                cacti_rrd_file(r, line, sp + 1));
    }
    for (size_t i = 0; i < k->nhosts; i++) {
        struct cacti_hentry *h = k->hosts[i];

        cacti_graph_list_free(&h->pub.graphs);
        h->pub.graphs = gl[i];
        h->pub.status = CACTI_OK;
        h->pub.err[0] = '\0';
        h->pub.source = CACTI_FROM_RRD;
        h->pub.stale = false;
        h->pub.fetched = loop_wall();
        if (gl[i].n == 0) {
            h->pub.status = CACTI_ERROR;
            snprintf(h->pub.err, sizeof h->pub.err,
                     "no RRD files for %s in %s on %s", h->name,
                     c->cfg->cacti_rra_dir, c->cfg->cacti_rrd_host);
        }
    }
    free(gl);
}

static void cacti_rrd_data_fail(struct cacti_client *c, struct cacti_dentry *d,
                                const char *why, size_t len)
{
    d->pub.status = CACTI_ERROR;
    d->pub.stale = d->pub.x != NULL;
    snprintf(d->pub.err, sizeof d->pub.err, "rrdtool on %.60s: %.*s",
             c->cfg->cacti_rrd_host, (int)(len < 180 ? len : 180), why);
}

static void cacti_rrd_data_answer(struct cacti_client *c,
                                  struct cacti_dentry *d, const char *out,
                                  size_t len)
{
    struct cacti_export x = { 0 };
    struct mc_err err = { 0 };

    if (cacti_parse_rrd_json(out, len, &x, &err) != 0) {
        cacti_rrd_data_fail(c, d, err.msg, strlen(err.msg));
        return;
    }
    if (d->pub.x == NULL)
        d->pub.x = xcalloc(1, sizeof *d->pub.x);
    else
        cacti_export_free(d->pub.x);
    *d->pub.x = x;
    d->pub.status = CACTI_OK;
    d->pub.err[0] = '\0';
    d->pub.stale = false;
    d->pub.source = CACTI_FROM_RRD;
    d->pub.fetched = loop_wall();
}

/* Each graph's part of a data batch's output. */
static void cacti_rrd_data_parts(struct cacti_client *c,
                                 struct cacti_rrd_cmd *k, const char *out,
                                 size_t len)
{
    for (size_t i = 0; i < k->ndata; i++) {
        const char *t;
        size_t tl, nl;

        switch (cacti_rrd_part(out, len, (int)i, &t, &tl)) {
        case 0:
            cacti_rrd_data_answer(c, k->data[i], t, tl);
            break;
        case 1: /* rrdtool's message, its first line */
            nl = 0;
            while (nl < tl && t[nl] != '\n')
                nl++;
            cacti_rrd_data_fail(c, k->data[i], t, nl);
            break;
        default:
            cacti_rrd_data_fail(c, k->data[i], "no answer in the output", 23);
            break;
        }
    }
}

static void cacti_rrd_cmd_free(struct cacti_rrd_cmd *k)
{
    if (k->reaper != 0)
        loop_del_timer(k->c->site->loop, k->reaper);
    if (k->timer != 0)
        loop_del_timer(k->c->site->loop, k->timer);
    run_free(k->run);
    for (size_t i = 0; i < k->nhosts; i++)
        free(k->prefix[i]);
    free(k->prefix);
    free(k->hosts);
    free(k->data);
    free(k);
}

static void cacti_rrd_unlink(struct cacti_rrd_cmd *k)
{
    struct cacti_rrd *r = k->c->rrd;

    for (struct cacti_rrd_cmd **p = &r->cmds; *p != NULL; p = &(*p)->next)
        if (*p == k) {
            *p = k->next;
            r->ncmds--;
            return;
        }
}

/* The whole command failed: every host and graph of it says why. */
static void cacti_rrd_cmd_fail(struct cacti_client *c, struct cacti_rrd_cmd *k,
                               const char *why)
{
    for (size_t i = 0; i < k->nhosts; i++) {
        struct cacti_hentry *h = k->hosts[i];
        char web[100];

        memcpy(web, h->pub.err, sizeof web - 1);
        web[sizeof web - 1] = '\0';
        snprintf(h->pub.err, sizeof h->pub.err,
                 "%s; rrdtool fallback on %.40s: %.90s", web,
                 c->cfg->cacti_rrd_host, why);
    }
    for (size_t i = 0; i < k->ndata; i++)
        cacti_rrd_data_fail(c, k->data[i], why, strlen(why));
}

static void cacti_rrd_kick(struct cacti_client *c);

/* After the run's callback returned: the run may be freed now. */
static long cacti_rrd_reap(void *arg)
{
    struct cacti_rrd_cmd *k = arg;
    struct cacti_client *c = k->c;
    const struct run_host *rh = run_host(k->run, 0);
    double now = loop_wall();
    size_t len;
    char *out;
    char why[200];

    k->reaper = 0;
    cacti_rrd_unlink(k);
    if (rh->state == RUN_DONE && rh->status == 0 && !rh->truncated) {
        out = cacti_rrd_stdout(rh, &len);
        if (k->nhosts > 0)
            cacti_rrd_hosts_answer(c, k, out);
        else
            cacti_rrd_data_parts(c, k, out, len);
        free(out);
    } else {
        if (k->timed_out)
            snprintf(why, sizeof why, "no answer in %d s", CACTI_RRD_TIMEOUT);
        else if (rh->truncated)
            snprintf(why, sizeof why, "more than %u MiB of output",
                     CACTI_RRD_OUT_MAX >> 20);
        else
            cacti_rrd_why(rh, why, sizeof why);
        cacti_rrd_cmd_fail(c, k, why);
    }
    for (size_t i = 0; i < k->nhosts; i++) {
        k->hosts[i]->busy = false;
        k->hosts[i]->tried_rrd = false; /* the next web failure may ask */
        k->hosts[i]->expires = now + c->ttl;
    }
    for (size_t i = 0; i < k->ndata; i++) {
        struct cacti_dentry *d = k->data[i];

        d->busy = false;
        d->expires = now + (d->end == 0 ? c->ttl : 10 * c->ttl);
    }
    cacti_rrd_cmd_free(k);
    cacti_rrd_kick(c);
    site_notify(c->site);
    return LOOP_STOP;
}

static void cacti_rrd_hostkey(void *arg, struct run *run, size_t i)
{
    (void)arg;
    /* no dialog for a background read: the key must be known already */
    run_answer_hostkey(run, i, BASTION_REJECT);
}

static void cacti_rrd_changed(void *arg, struct run *run, size_t i)
{
    (void)arg;
    (void)run;
    (void)i;
}

static void cacti_rrd_done(void *arg, struct run *run)
{
    struct cacti_rrd_cmd *k = arg;

    (void)run;
    if (k->reaper == 0)
        k->reaper = loop_add_timer(k->c->site->loop, 0, cacti_rrd_reap, k);
}

/* A command that hangs (a stuck disk, a lost route) must not hold a slot. */
static long cacti_rrd_timeout(void *arg)
{
    struct cacti_rrd_cmd *k = arg;

    k->timer = 0;
    k->timed_out = true;
    run_cancel(k->run); /* no callback: the reaper is ours to start */
    if (k->reaper == 0)
        k->reaper = loop_add_timer(k->c->site->loop, 0, cacti_rrd_reap, k);
    return LOOP_STOP;
}

static void cacti_rrd_start(struct cacti_client *c, struct cacti_rrd_cmd *k,
                            const char *command)
{
    struct cacti_rrd *r = cacti_rrd_get(c);
    const char *host = c->cfg->cacti_rrd_host;
    const struct mc_host *mh =
        c->site->snap != NULL ? snapshot_find_host(c->site->snap, host) : NULL;
    /* a host Icinga knows: its address and the [ssh] rules of its name */
    struct run_target t = { c->site, host,
                            mh != NULL && mh->address != NULL ? mh->address
                                                              : host };
    struct run_spec spec = {
        .loop = c->site->loop,
        .command = command,
        .parallel = 1,
        .mode = MC_SSH_BUILTIN,
        .cap = CACTI_RRD_OUT_MAX,
    };
    struct run_cb cb = { cacti_rrd_hostkey, cacti_rrd_changed, cacti_rrd_done,
                         k };

    k->c = c;
    k->next = r->cmds;
    r->cmds = k;
    r->ncmds++;
    k->run = run_new(&spec, &t, 1, &cb);
    k->timer = loop_add_timer(c->site->loop, CACTI_RRD_TIMEOUT * 1000L,
                              cacti_rrd_timeout, k);
}

/* One command listing the files of the first waiting hosts. */
static void cacti_rrd_list(struct cacti_client *c)
{
    struct cacti_rrd *r = c->rrd;
    struct cacti_rrd_cmd *k = xcalloc(1, sizeof *k);
    struct buf cmd = { 0 };

    k->nhosts = r->hosts.n < CACTI_RRD_HOSTS ? r->hosts.n : CACTI_RRD_HOSTS;
    k->hosts = xreallocarray(NULL, k->nhosts, sizeof *k->hosts);
    k->prefix = xreallocarray(NULL, k->nhosts, sizeof *k->prefix);
    buf_printf(&cmd, "cd '%s' || exit 1; for f in", c->cfg->cacti_rra_dir);
    for (size_t i = 0; i < k->nhosts; i++) {
        k->hosts[i] = r->hosts.v[i];
        k->prefix[i] = cacti_rrd_prefix(k->hosts[i]->name);
        buf_printf(&cmd, " '%s'_*.rrd", k->prefix[i]);
    }
    cacti_rrd_want_drop(&r->hosts, k->nhosts);
    /* each file and its data sources, one line per file */
    buf_printf(&cmd, "; do [ -f \"$f\" ] || continue; printf '%%s' \"$f\"; "
                     "rrdtool info \"$f\" | sed -n "
                     "'s/^ds\\[\\([A-Za-z0-9_]*\\)\\]\\.index = .*/ \\1/p' | "
                     "tr -d '\\n'; echo; done");
    cacti_rrd_start(c, k, cmd.data);
    buf_free(&cmd);
}

static const struct cacti_rrd_file *cacti_rrd_find(const struct cacti_rrd *r,
                                                   long id)
{
    for (size_t i = 0; i < r->nfiles; i++)
        if (r->files[i].id == id)
            return &r->files[i];
    return NULL;
}

/* Graphs the views asked for last go first. */
static int cacti_rrd_by_asked(const void *a, const void *b)
{
    const struct cacti_dentry *x = *(const struct cacti_dentry *const *)a;
    const struct cacti_dentry *y = *(const struct cacti_dentry *const *)b;

    return (x->asked < y->asked) - (x->asked > y->asked);
}

/*
 * One command exporting the waiting graphs still on screen, newest asked
 * first. One no view asked for a while has scrolled away: it is dropped
 * and asked for again if it comes back.
 */
static void cacti_rrd_export(struct cacti_client *c)
{
    struct cacti_rrd *r = c->rrd;
    struct cacti_rrd_cmd *k;
    struct buf cmd = { 0 };
    double now = loop_wall();
    size_t keep = 0;

    for (size_t i = 0; i < r->data.n; i++) {
        struct cacti_dentry *d = r->data.v[i];

        if (now - d->asked > CACTI_RRD_FORGET) {
            d->busy = false;
            d->expires = 0;
            site_notify(c->site);
        } else {
            r->data.v[keep++] = d;
        }
    }
    r->data.n = keep;
    if (keep == 0)
        return;
    qsort(r->data.v, r->data.n, sizeof *r->data.v, cacti_rrd_by_asked);
    k = xcalloc(1, sizeof *k);
    k->ndata = r->data.n < CACTI_RRD_GRAPHS ? r->data.n : CACTI_RRD_GRAPHS;
    k->data = xreallocarray(NULL, k->ndata, sizeof *k->data);
    for (size_t i = 0; i < k->ndata; i++) {
        struct cacti_dentry *d = r->data.v[i];
        const struct cacti_rrd_file *f = cacti_rrd_find(r, d->id);
        long long end = d->end != 0 ? d->end : (long long)now;
        char *ds = xstrdup(f->ds), *save = NULL;
        int n = 0;

        k->data[i] = d;
        buf_printf(&cmd,
                   "%secho '#mctop-xport %zu'; rrdtool xport --json "
                   "--showtime -s %lld -e %lld",
                   i > 0 ? "; " : "", i, end - d->span, end);
        for (char *w = strtok_r(ds, " ", &save); w != NULL;
             w = strtok_r(NULL, " ", &save))
            if (cacti_rrd_safe(w, "_")) {
                buf_printf(&cmd, " 'DEF:d%d=%s/%s:%s:AVERAGE' 'XPORT:d%d:%s'",
                           n, c->cfg->cacti_rra_dir, f->file, w, n, w);
                n++;
            }
        free(ds);
        /* rrdtool's message in the answer's place */
        buf_printf(&cmd, " 2>&1 || echo '#mctop-failed'");
    }
    cacti_rrd_want_drop(&r->data, k->ndata);
    cacti_rrd_start(c, k, cmd.data);
    buf_free(&cmd);
}

/* Start what the limit allows: listings first, a graph needs its file. */
static long cacti_rrd_pump(void *arg)
{
    struct cacti_client *c = arg;
    struct cacti_rrd *r = c->rrd;

    r->pump = 0;
    while (r->ncmds < CACTI_RRD_PARALLEL && r->hosts.n > 0)
        cacti_rrd_list(c);
    while (r->ncmds < CACTI_RRD_PARALLEL && r->data.n > 0) {
        size_t before = r->ncmds;

        cacti_rrd_export(c);
        if (r->ncmds == before)
            break; /* every waiting graph was dropped */
    }
    return LOOP_STOP;
}

/* From the loop: what a view asks for in one frame goes in one command. */
static void cacti_rrd_kick(struct cacti_client *c)
{
    struct cacti_rrd *r = cacti_rrd_get(c);

    if (r->pump == 0)
        r->pump = loop_add_timer(c->site->loop, 0, cacti_rrd_pump, c);
}

void cacti_rrd_host(struct cacti_client *c, struct cacti_hentry *h)
{
    char *prefix = cacti_rrd_prefix(h->name);
    bool ok = cacti_rrd_safe(c->cfg->cacti_rra_dir, "/_-.") &&
              cacti_rrd_safe(prefix, "_-.");

    free(prefix);
    if (!ok) {
        snprintf(h->pub.err, sizeof h->pub.err,
                 "rrdtool fallback: unusable directory or host name");
        return;
    }
    h->busy = true;
    cacti_rrd_want_add(&cacti_rrd_get(c)->hosts, h);
    cacti_rrd_kick(c);
}

void cacti_rrd_data(struct cacti_client *c, struct cacti_dentry *d)
{
    struct cacti_rrd *r = cacti_rrd_get(c);
    const struct cacti_rrd_file *f = cacti_rrd_find(r, d->id);
    bool usable = false;
    char *ds, *save = NULL;

    if (f == NULL || c->cfg == NULL) {
        d->pub.status = CACTI_ERROR;
        snprintf(d->pub.err, sizeof d->pub.err, "no such rrdtool graph");
        d->expires = loop_wall() + c->ttl;
        return;
    }
    ds = xstrdup(f->ds);
    for (char *w = strtok_r(ds, " ", &save); w != NULL && !usable;
         w = strtok_r(NULL, " ", &save))
        usable = cacti_rrd_safe(w, "_");
    free(ds);
    if (!usable) {
        d->pub.status = CACTI_ERROR;
        snprintf(d->pub.err, sizeof d->pub.err, "%s has no data sources",
                 f->file);
        return;
    }
    d->busy = true;
    cacti_rrd_want_add(&r->data, d);
    cacti_rrd_kick(c);
}

void cacti_rrd_free(struct cacti_client *c)
{
    struct cacti_rrd *r = c->rrd;

    if (r == NULL)
        return;
    if (r->pump != 0)
        loop_del_timer(c->site->loop, r->pump);
    while (r->cmds != NULL) {
        struct cacti_rrd_cmd *k = r->cmds;

        r->cmds = k->next;
        cacti_rrd_cmd_free(k);
    }
    for (size_t i = 0; i < r->nfiles; i++) {
        free(r->files[i].file);
        free(r->files[i].ds);
    }
    free(r->files);
    free(r->hosts.v);
    free(r->data.v);
    free(r);
    c->rrd = NULL;
}
