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

#define CACTI_RRD_OUT_MAX (16u << 20) /* bytes of one xport kept */

/* A file found for a host: its graph id (< 0) and data sources. */
struct cacti_rrd_file {
    long id;
    char *file; /* the name in cacti_rra_dir */
    char *ds;   /* space separated */
};

/* One command on the Cacti host, for a host entry or a data entry. */
struct cacti_rrd_cmd {
    struct cacti_client *c;
    struct cacti_hentry *h;
    struct cacti_dentry *d;
    long long start;
    struct run *run;
    unsigned reaper;
    struct cacti_rrd_cmd *next;
};

struct cacti_rrd {
    struct cacti_rrd_file *files;
    size_t nfiles;
    long next_id;
    struct cacti_rrd_cmd *cmds;
};

static struct cacti_rrd *cacti_rrd_get(struct cacti_client *c)
{
    if (c->rrd == NULL) {
        c->rrd = xcalloc(1, sizeof *c->rrd);
        c->rrd->next_id = -1;
    }
    return c->rrd;
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

static void cacti_rrd_host_answer(struct cacti_client *c,
                                  struct cacti_hentry *h, char *out)
{
    struct cacti_rrd *r = cacti_rrd_get(c);
    struct cacti_graph_list gl = { 0 };
    char *save = NULL;
    size_t cap = 0;

    for (char *line = strtok_r(out, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        char *sp = strchr(line, ' ');
        struct cacti_rrd_file *f;

        if (sp == NULL || sp == line)
            continue;
        *sp = '\0';
        if (!cacti_rrd_safe(line, "_-."))
            continue;
        f = NULL;
        for (size_t i = 0; i < r->nfiles && f == NULL; i++)
            if (strcmp(r->files[i].file, line) == 0)
                f = &r->files[i]; /* seen before: same id */
        if (f == NULL) {
            r->files = xreallocarray(r->files, r->nfiles + 1, sizeof *r->files);
            f = &r->files[r->nfiles++];
            f->id = r->next_id--;
            f->file = xstrdup(line);
            f->ds = NULL;
        }
        free(f->ds);
        f->ds = xstrdup(sp + 1);
        if (gl.n == cap) {
            cap = cap ? cap * 2 : 8;
            gl.v = xreallocarray(gl.v, cap, sizeof *gl.v);
        }
        gl.v[gl.n] = (struct cacti_graph){
            .id = f->id,
            .title = xasprintf("%s - %s (rrdtool)", h->name, f->ds),
            .device = xstrdup(h->name),
            .template = xstrdup(f->file),
        };
        gl.n++;
    }
    gl.total = (long)gl.n;
    cacti_graph_list_free(&h->pub.graphs);
    h->pub.graphs = gl;
    h->pub.status = CACTI_OK;
    h->pub.source = CACTI_FROM_RRD;
    h->pub.stale = false;
    h->pub.fetched = loop_wall();
    if (gl.n == 0) {
        h->pub.status = CACTI_ERROR;
        snprintf(h->pub.err, sizeof h->pub.err,
                 "no RRD files for %s in %s on %s", h->name,
                 c->cfg->cacti_rra_dir, c->cfg->cacti_rrd_host);
    }
}

static void cacti_rrd_data_answer(struct cacti_client *c,
                                  struct cacti_dentry *d, const char *out,
                                  size_t len)
{
    struct cacti_export x = { 0 };
    struct mc_err err = { 0 };

    if (cacti_parse_rrd_json(out, len, &x, &err) != 0) {
        d->pub.status = CACTI_ERROR;
        snprintf(d->pub.err, sizeof d->pub.err, "rrdtool on %.60s: %.180s",
                 c->cfg->cacti_rrd_host, err.msg);
        d->pub.stale = d->pub.x != NULL;
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

static void cacti_rrd_cmd_free(struct cacti_rrd_cmd *k)
{
    if (k->reaper != 0)
        loop_del_timer(k->c->site->loop, k->reaper);
    run_free(k->run);
    free(k);
}

static void cacti_rrd_unlink(struct cacti_rrd_cmd *k)
{
    struct cacti_rrd *r = k->c->rrd;

    for (struct cacti_rrd_cmd **p = &r->cmds; *p != NULL; p = &(*p)->next)
        if (*p == k) {
            *p = k->next;
            return;
        }
}

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
        if (k->h != NULL)
            cacti_rrd_host_answer(c, k->h, out);
        else
            cacti_rrd_data_answer(c, k->d, out, len);
        free(out);
    } else {
        if (rh->truncated)
            snprintf(why, sizeof why, "more than %u MiB of output",
                     CACTI_RRD_OUT_MAX >> 20);
        else
            cacti_rrd_why(rh, why, sizeof why);
        if (k->h != NULL) {
            char web[100];

            memcpy(web, k->h->pub.err, sizeof web - 1);
            web[sizeof web - 1] = '\0';
            snprintf(k->h->pub.err, sizeof k->h->pub.err,
                     "%s; rrdtool fallback on %.40s: %.90s", web,
                     c->cfg->cacti_rrd_host, why);
        } else {
            k->d->pub.status = CACTI_ERROR;
            k->d->pub.stale = k->d->pub.x != NULL;
            snprintf(k->d->pub.err, sizeof k->d->pub.err,
                     "rrdtool on %.60s: %.180s", c->cfg->cacti_rrd_host, why);
        }
    }
    if (k->h != NULL) {
        k->h->busy = false;
        k->h->expires = now + c->ttl;
    } else {
        k->d->busy = false;
        k->d->expires = now + (k->d->end == 0 ? c->ttl : 10 * c->ttl);
    }
    cacti_rrd_cmd_free(k);
    site_notify(c->site);
    return LOOP_STOP;
}

static void cacti_rrd_hostkey(void *arg, struct run *run, size_t i)
{
    struct cacti_rrd_cmd *k = arg;

    (void)k;
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

static void cacti_rrd_start(struct cacti_client *c, struct cacti_hentry *h,
                            struct cacti_dentry *d, const char *command)
{
    struct cacti_rrd *r = cacti_rrd_get(c);
    struct cacti_rrd_cmd *k = xcalloc(1, sizeof *k);
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
    k->h = h;
    k->d = d;
    if (h != NULL)
        h->busy = true;
    if (d != NULL)
        d->busy = true;
    k->next = r->cmds;
    r->cmds = k;
    k->run = run_new(&spec, &t, 1, &cb);
}

void cacti_rrd_host(struct cacti_client *c, struct cacti_hentry *h)
{
    char *prefix = cacti_rrd_prefix(h->name);
    char *cmd;

    if (!cacti_rrd_safe(c->cfg->cacti_rra_dir, "/_-.") ||
        !cacti_rrd_safe(prefix, "_-.")) {
        snprintf(h->pub.err, sizeof h->pub.err,
                 "rrdtool fallback: unusable directory or host name");
        free(prefix);
        return;
    }
    /* each file and its data sources, one line per file */
    cmd = xasprintf(
        "cd '%s' || exit 1; for f in '%s'_*.rrd; do [ -f \"$f\" ] || "
        "continue; printf '%%s' \"$f\"; rrdtool info \"$f\" | sed -n "
        "'s/^ds\\[\\([A-Za-z0-9_]*\\)\\]\\.index = .*/ \\1/p' | tr -d "
        "'\\n'; echo; done",
        c->cfg->cacti_rra_dir, prefix);
    cacti_rrd_start(c, h, NULL, cmd);
    free(cmd);
    free(prefix);
}

void cacti_rrd_data(struct cacti_client *c, struct cacti_dentry *d)
{
    struct cacti_rrd *r = cacti_rrd_get(c);
    struct cacti_rrd_file *f = NULL;
    long long end = d->end != 0 ? d->end : (long long)loop_wall();
    struct buf cmd = { 0 };
    char *save = NULL, *ds;
    int n = 0;

    for (size_t i = 0; i < r->nfiles; i++)
        if (r->files[i].id == d->id)
            f = &r->files[i];
    if (f == NULL || c->cfg == NULL) {
        d->pub.status = CACTI_ERROR;
        snprintf(d->pub.err, sizeof d->pub.err, "no such rrdtool graph");
        d->expires = loop_wall() + c->ttl;
        return;
    }
    buf_printf(&cmd, "rrdtool xport --json --showtime -s %lld -e %lld",
               end - d->span, end);
    ds = xstrdup(f->ds);
    for (char *w = strtok_r(ds, " ", &save); w != NULL;
         w = strtok_r(NULL, " ", &save)) {
        if (!cacti_rrd_safe(w, "_"))
            continue;
        buf_printf(&cmd, " 'DEF:d%d=%s/%s:%s:AVERAGE' 'XPORT:d%d:%s'", n,
                   c->cfg->cacti_rra_dir, f->file, w, n, w);
        n++;
    }
    free(ds);
    if (n == 0) {
        d->pub.status = CACTI_ERROR;
        snprintf(d->pub.err, sizeof d->pub.err, "%s has no data sources",
                 f->file);
    } else {
        cacti_rrd_start(c, NULL, d, cmd.data);
    }
    buf_free(&cmd);
}

void cacti_rrd_free(struct cacti_client *c)
{
    struct cacti_rrd *r = c->rrd;

    if (r == NULL)
        return;
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
    free(r);
    c->rrd = NULL;
}
