/*
 * A one-line editor for prompts: UTF-8 aware cursor movement, emacs-style
 * editing keys, history and Tab completion.
 */
#ifndef MCTOP_TUI_LINEEDIT_H
#define MCTOP_TUI_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "backend/buf.h"
#include "tui/theme.h"

/* Recent entries, newest last; consecutive duplicates are kept once. */
struct history {
    char **items;
    size_t n, max;
};

/*
 * Completion: fill *out with candidates for the text before the cursor
 * (caller frees each and the array); returns their count. *word_start
 * gets the byte offset of the word the candidates replace.
 */
typedef size_t (*lineedit_complete_fn)(void *arg, const char *text,
                                       size_t *word_start, char ***out);

struct lineedit {
    struct buf text;
    size_t cur; /* byte offset of the cursor */
    struct history *hist;
    size_t hpos; /* position in history while browsing */
    char *saved; /* the line being edited before browsing history */
    lineedit_complete_fn complete;
    void *complete_arg;
    char **cands; /* completion cycle in progress */
    size_t ncands, icand, word_start;
    size_t scroll; /* first byte shown */
};

enum lineedit_result {
    LE_IGNORED, /* not an editing key */
    LE_MOVED,   /* cursor moved, text unchanged */
    LE_CHANGED, /* text changed */
    LE_ACCEPT,  /* Enter */
    LE_CANCEL   /* Esc or C-g */
};

void lineedit_init(struct lineedit *le, struct history *hist,
                   lineedit_complete_fn complete, void *arg);
void lineedit_free(struct lineedit *le);
void lineedit_set(struct lineedit *le, const char *s);
const char *lineedit_text(const struct lineedit *le);
enum lineedit_result lineedit_key(struct lineedit *le, int key);
/* Draw in w columns at (y, x); returns the screen column of the cursor. */
int lineedit_draw(struct lineedit *le, int y, int x, int w,
                  enum theme_role role);

void history_add(struct history *h, const char *s);
void history_free(struct history *h);

#endif
