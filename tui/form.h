/*
 * A form dialog: text fields, toggles and choices, then a button. Tab and
 * the arrows move between fields, Space flips a toggle, Left and Right
 * change a choice, Enter goes on (and submits on the last field), Esc
 * cancels. A failed check keeps the form open with its error shown.
 */
#ifndef MCTOP_TUI_FORM_H
#define MCTOP_TUI_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/dialog.h"
#include "tui/draw.h"
#include "tui/lineedit.h"

enum form_kind { FORM_TEXT, FORM_TOGGLE, FORM_CHOICE };

struct form_field {
    enum form_kind kind;
    char *label;
    char *hint; /* shown after a text field, e.g. "2h, 30m, 1d" */
    struct lineedit edit;
    bool on;
    const char *const *choices;
    size_t nchoices, choice;
};

struct form {
    char *title;
    char *submit;
    char *error; /* from the last check, or NULL */
    struct form_field *f;
    size_t n;
    size_t cur; /* a field, or n for the button */
};

struct form *form_new(const char *title, const char *submit);
void form_free(struct form *fm);
/* Add fields; they are numbered in order from 0. */
size_t form_add_text(struct form *fm, const char *label, const char *initial,
                     const char *hint);
size_t form_add_toggle(struct form *fm, const char *label, bool on);
size_t form_add_choice(struct form *fm, const char *label,
                       const char *const *choices, size_t n, size_t sel);

/* DIALOG_OK when submitted, DIALOG_CANCEL, or DIALOG_CONTINUE. */
enum dialog_result form_key(struct form *fm, int key);
const char *form_text(const struct form *fm, size_t i);
bool form_toggle(const struct form *fm, size_t i);
size_t form_choice(const struct form *fm, size_t i);
/* Keep the form open and say what is wrong (NULL clears). */
void form_set_error(struct form *fm, const char *msg);
/* Draw centred in screen; returns the cursor column or -1, line in *cy. */
int form_draw(struct form *fm, struct tui_rect screen, int *cy);

#endif
