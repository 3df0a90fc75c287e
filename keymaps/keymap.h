/*
 * Key bindings as data: keymap files bind (table, key) to an action name.
 * The caller supplies the action and table names; this module parses
 * files, reports errors with file and line, and looks keys up.
 *
 * File format, one directive per line, '#' starts a comment:
 *   bind   TABLE KEY ACTION
 *   unbind TABLE KEY
 */
#ifndef MCTOP_KEYMAPS_KEYMAP_H
#define MCTOP_KEYMAPS_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "backend/err.h"

/* A keymap file compiled into the binary (keymaps/builtin.c). */
struct keymap_builtin {
    const char *name; /* "default", "vi", "emacs" */
    const char *path; /* where it came from, for messages */
    const char *text;
};

extern const struct keymap_builtin keymap_builtins[];

struct keymap_action {
    const char *name; /* "cursor-down" */
    int id;           /* > 0 */
    const char *desc; /* "Move down", shown in help */
};

struct keymap_binding {
    int table;
    int key;
    int action;
};

struct keymap {
    const struct keymap_action *actions; /* terminated by a NULL name */
    const char *const *tables;           /* terminated by NULL */
    struct keymap_binding *b;
    size_t n;
};

/* Start an empty keymap over the given action and table name lists. */
void keymap_init(struct keymap *km, const struct keymap_action *actions,
                 const char *const *tables);
void keymap_free(struct keymap *km);

/*
 * Apply a keymap text on top of the current bindings (bind replaces,
 * unbind removes). Binding the same key twice in one text is an error.
 * On error nothing is applied and err says "path:line: message".
 */
int keymap_load_text(struct keymap *km, const char *text, const char *path,
                     struct mc_err *err);
int keymap_load_file(struct keymap *km, const char *path, struct mc_err *err);
/*
 * A shipped keymap by name ("default", "vi", "emacs", built in), one
 * installed in datadir/keymaps/NAME.keys, or a file path.
 */
int keymap_load_named(struct keymap *km, const char *name, const char *datadir,
                      struct mc_err *err);

/* The action bound to key in table, or 0. */
int keymap_lookup(const struct keymap *km, int table, int key);
/* Up to max keys bound to action in table, in binding order; returns the count.
 */
size_t keymap_keys_for(const struct keymap *km, int table, int action,
                       int *keys, size_t max);
/* The action entry for an id, or NULL. */
const struct keymap_action *keymap_action(const struct keymap *km, int id);
int keymap_table_id(const struct keymap *km, const char *name);

#endif
