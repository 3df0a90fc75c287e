/* Keymap files: parsing, validation and lookup. */
#include "keymap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "backend/buf.h"
#include "backend/xalloc.h"
#include "tui/keys.h"

void keymap_init(struct keymap *km, const struct keymap_action *actions,
                 const char *const *tables)
{
    memset(km, 0, sizeof *km);
    km->actions = actions;
    km->tables = tables;
}

void keymap_free(struct keymap *km)
{
    free(km->b);
    km->b = NULL;
    km->n = 0;
}

int keymap_table_id(const struct keymap *km, const char *name)
{
    for (int i = 0; km->tables[i] != NULL; i++)
        if (strcmp(km->tables[i], name) == 0)
            return i;
    return -1;
}

static int keymap_action_id(const struct keymap *km, const char *name)
{
    for (const struct keymap_action *a = km->actions; a->name != NULL; a++)
        if (strcmp(a->name, name) == 0)
            return a->id;
    return -1;
}

const struct keymap_action *keymap_action(const struct keymap *km, int id)
{
    for (const struct keymap_action *a = km->actions; a->name != NULL; a++)
        if (a->id == id)
            return a;
    return NULL;
}

static ssize_t keymap_find(const struct keymap_binding *b, size_t n, int table,
                           int key)
{
    for (size_t i = 0; i < n; i++)
        if (b[i].table == table && b[i].key == key)
            return (ssize_t)i;
    return -1;
}

/* Split a line into at most max words; returns the count, or -1 if more. */
static int keymap_split(char *line, char **w, int max)
{
    int n = 0;
    char *p = line;

    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0' || *p == '#')
            return n;
        if (n == max)
            return -1;
        w[n++] = p;
        while (*p != '\0' && *p != ' ' && *p != '\t')
            p++;
        if (*p != '\0')
            *p++ = '\0';
    }
}

/* One directive into the staged bindings; -1 with err set on failure. */
static int keymap_directive(const struct keymap *km, char **w, int n,
                            struct keymap_binding **st, size_t *nst,
                            struct keymap_binding **seen, size_t *nseen,
                            struct mc_err *err)
{
    bool bind = strcmp(w[0], "bind") == 0;
    int table, key, action = 0;
    ssize_t i;

    if (!bind && strcmp(w[0], "unbind") != 0)
        return err_set(err, "unknown directive '%s' (bind or unbind)", w[0]);
    if (n != (bind ? 4 : 3))
        return err_set(err, "usage: %s",
                       bind ? "bind TABLE KEY ACTION" : "unbind TABLE KEY");
    table = keymap_table_id(km, w[1]);
    if (table < 0)
        return err_set(err, "unknown table '%s'", w[1]);
    key = keys_parse(w[2]);
    if (key < 0)
        return err_set(err, "unknown key name '%s'", w[2]);
    if (keymap_find(*seen, *nseen, table, key) >= 0)
        return err_set(err, "duplicate binding for %s in table %s", w[2], w[1]);
    *seen = xreallocarray(*seen, *nseen + 1, sizeof **seen);
    (*seen)[(*nseen)++] = (struct keymap_binding){ table, key, 0 };
    if (bind) {
        action = keymap_action_id(km, w[3]);
        if (action < 0)
            return err_set(err, "unknown action '%s'", w[3]);
    }
    i = keymap_find(*st, *nst, table, key);
    if (i >= 0 && !bind) {
        (*st)[i] = (*st)[--*nst];
    } else if (i >= 0) {
        (*st)[i].action = action;
    } else if (bind) {
        *st = xreallocarray(*st, *nst + 1, sizeof **st);
        (*st)[(*nst)++] = (struct keymap_binding){ table, key, action };
    }
    return 0;
}

int keymap_load_text(struct keymap *km, const char *text, const char *path,
                     struct mc_err *err)
{
    struct keymap_binding *st = NULL, *seen = NULL;
    size_t nst = km->n, nseen = 0;
    const char *p = text;
    int lineno = 0, rc = 0;

    /* Stage on a copy so a bad file changes nothing. */
    st = xcalloc(nst ? nst : 1, sizeof *st);
    if (nst > 0)
        memcpy(st, km->b, nst * sizeof *st);
    while (*p != '\0') {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *line = xstrndup(p, len), *w[5];
        int n;

        lineno++;
        n = keymap_split(line, w, 5);
        if (n < 0)
            rc = err_set(err, "too many words");
        else if (n > 0)
            rc = keymap_directive(km, w, n, &st, &nst, &seen, &nseen, err);
        free(line);
        if (rc < 0) {
            err_prefix(err, "%s:%d", path, lineno);
            goto out;
        }
        p = nl ? nl + 1 : p + len;
    }
    free(km->b);
    km->b = st;
    km->n = nst;
    st = NULL;
out:
    free(st);
    free(seen);
    return rc;
}

int keymap_load_file(struct keymap *km, const char *path, struct mc_err *err)
{
    FILE *f = fopen(path, "r");
    struct buf b = { 0 };
    char chunk[4096];
    size_t n;
    int rc;

    if (f == NULL)
        return err_set(err, "%s: %s", path, strerror(errno));
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    if (ferror(f)) {
        rc = err_set(err, "%s: read error", path);
    } else {
        buf_append(&b, "", 0);
        rc = keymap_load_text(km, b.data, path, err);
    }
    fclose(f);
    buf_free(&b);
    return rc;
}

int keymap_load_named(struct keymap *km, const char *name, const char *datadir,
                      struct mc_err *err)
{
    char path[4096];

    if (strchr(name, '/') == NULL) {
        for (const struct keymap_builtin *k = keymap_builtins; k->name; k++)
            if (strcmp(k->name, name) == 0)
                return keymap_load_text(km, k->text, k->path, err);
        snprintf(path, sizeof path, "%s/keymaps/%s.keys", datadir, name);
        if (access(path, R_OK) == 0)
            return keymap_load_file(km, path, err);
        return err_set(
            err, "unknown keymap '%s' (default, vi, emacs or a path)", name);
    }
    return keymap_load_file(km, name, err);
}

int keymap_lookup(const struct keymap *km, int table, int key)
{
    ssize_t i = keymap_find(km->b, km->n, table, key);

    return i < 0 ? 0 : km->b[i].action;
}

size_t keymap_keys_for(const struct keymap *km, int table, int action,
                       int *keys, size_t max)
{
    size_t n = 0;

    for (size_t i = 0; i < km->n && n < max; i++)
        if (km->b[i].table == table && km->b[i].action == action)
            keys[n++] = km->b[i].key;
    return n;
}
