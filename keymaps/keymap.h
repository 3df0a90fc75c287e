/* Key bindings loaded from keymap files: (table, key) -> action. */
#ifndef MCTOP_KEYMAPS_KEYMAP_H
#define MCTOP_KEYMAPS_KEYMAP_H

/* A keymap file compiled into the binary (keymaps/builtin.c). */
struct keymap_builtin {
    const char *name; /* "default", "vi", "emacs" */
    const char *path; /* where it came from, for messages */
    const char *text;
};

extern const struct keymap_builtin keymap_builtins[];

#endif
