/* Modal dialogs drawn over the screen: confirm, one-line prompt, pick list. */
#ifndef MCTOP_TUI_DIALOG_H
#define MCTOP_TUI_DIALOG_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/draw.h"
#include "tui/lineedit.h"

enum dialog_kind { DIALOG_CONFIRM, DIALOG_PROMPT, DIALOG_PICK };

enum dialog_result {
    DIALOG_CONTINUE, /* still open */
    DIALOG_OK,
    DIALOG_CANCEL
};

struct dialog {
    enum dialog_kind kind;
    char *title;
    char *message; /* may hold several lines separated by '\n' */
    /* confirm: the buttons, e.g. "Yes" / "No"; pick: the items */
    char **items;
    size_t nitems;
    size_t sel;
    size_t top;
    struct lineedit edit; /* prompt */
    bool arrows_only;     /* confirm: no y/n or letter answers (host keys) */
};

/* A question with buttons (default "Yes", "No"); sel is the default one. */
struct dialog *dialog_confirm(const char *title, const char *message,
                              const char *const *buttons, size_t nbuttons,
                              size_t sel);
/* A one-line prompt with an initial value. */
struct dialog *dialog_prompt(const char *title, const char *message,
                             const char *initial, struct history *hist);
/* A list to pick one item from; sel is the initial selection. */
struct dialog *dialog_pick(const char *title, const char *const *items,
                           size_t nitems, size_t sel);
void dialog_free(struct dialog *d);

/*
 * Feed a key. For CONFIRM and PICK, d->sel holds the choice after OK; for
 * PROMPT, dialog_text(d). Keys: arrows/Tab move, Enter accepts, Esc
 * cancels; y/n answer a Yes/No confirm.
 */
enum dialog_result dialog_key(struct dialog *d, int key);
const char *dialog_text(const struct dialog *d);
/* Draw centred in the screen area; returns the cursor column (or -1) and line.
 */
int dialog_draw(struct dialog *d, struct tui_rect screen, int *cursor_y);
/* The item under a mouse click at (y, x), or -1. */
long dialog_hit(const struct dialog *d, struct tui_rect screen, int y, int x);

#endif
