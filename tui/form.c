/* Form dialogs with text, toggle and choice fields. */
#include "form.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"
#include "tui/keys.h"
#include "tui/text.h"

#define FORM_LABEL_W 22
#define FORM_FIELD_W 40

struct form *form_new(const char *title, const char *submit)
{
    struct form *fm = xcalloc(1, sizeof *fm);

    fm->title = xstrdup(title);
    fm->submit = xstrdup(submit);
    return fm;
}

void form_free(struct form *fm)
{
    if (fm == NULL)
        return;
    for (size_t i = 0; i < fm->n; i++) {
        if (fm->f[i].kind == FORM_TEXT)
            lineedit_free(&fm->f[i].edit);
        free(fm->f[i].label);
        free(fm->f[i].hint);
    }
    free(fm->f);
    free(fm->title);
    free(fm->submit);
    free(fm->error);
    free(fm);
}

static struct form_field *form_add(struct form *fm, enum form_kind kind,
                                   const char *label)
{
    struct form_field *f;

    fm->f = xreallocarray(fm->f, fm->n + 1, sizeof *fm->f);
    f = &fm->f[fm->n++];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->label = xstrdup(label);
    return f;
}

size_t form_add_text(struct form *fm, const char *label, const char *initial,
                     const char *hint)
{
    struct form_field *f = form_add(fm, FORM_TEXT, label);

    lineedit_init(&f->edit, NULL, NULL, NULL);
    lineedit_set(&f->edit, initial != NULL ? initial : "");
    f->hint = hint != NULL ? xstrdup(hint) : NULL;
    return fm->n - 1;
}

size_t form_add_toggle(struct form *fm, const char *label, bool on)
{
    form_add(fm, FORM_TOGGLE, label)->on = on;
    return fm->n - 1;
}

size_t form_add_choice(struct form *fm, const char *label,
                       const char *const *choices, size_t n, size_t sel)
{
    struct form_field *f = form_add(fm, FORM_CHOICE, label);

    f->choices = choices;
    f->nchoices = n;
    f->choice = sel < n ? sel : 0;
    return fm->n - 1;
}

const char *form_text(const struct form *fm, size_t i)
{
    return i < fm->n && fm->f[i].kind == FORM_TEXT
               ? lineedit_text(&fm->f[i].edit)
               : "";
}

bool form_toggle(const struct form *fm, size_t i)
{
    return i < fm->n && fm->f[i].on;
}

size_t form_choice(const struct form *fm, size_t i)
{
    return i < fm->n ? fm->f[i].choice : 0;
}

void form_set_error(struct form *fm, const char *msg)
{
    free(fm->error);
    fm->error = msg != NULL ? xstrdup(msg) : NULL;
}

static void form_move(struct form *fm, int dir)
{
    size_t total = fm->n + 1; /* the fields and the button */

    fm->cur = (fm->cur + total + (size_t)(dir < 0 ? -1 : 1)) % total;
}

/* Keys for the field under the cursor; true when handled. */
static bool form_field_key(struct form_field *f, int key)
{
    switch (f->kind) {
    case FORM_TOGGLE:
        if (key != TK_SPACE && key != TK_LEFT && key != TK_RIGHT)
            return false;
        f->on = !f->on;
        return true;
    case FORM_CHOICE:
        if (key == TK_LEFT || key == TK_RIGHT || key == TK_SPACE) {
            f->choice = (f->choice + (key == TK_LEFT ? f->nchoices - 1 : 1)) %
                        f->nchoices;
            return true;
        }
        return false;
    case FORM_TEXT:
    default:
        if (key == TK_TAB || key == TK_ENTER || key == TK_ESC || key == TK_UP ||
            key == TK_DOWN || key == TK_BTAB)
            return false;
        return lineedit_key(&f->edit, key) != LE_IGNORED;
    }
}

enum dialog_result form_key(struct form *fm, int key)
{
    switch (key) {
    case TK_ESC:
        return DIALOG_CANCEL;
    case TK_TAB:
    case TK_DOWN:
        form_move(fm, 1);
        return DIALOG_CONTINUE;
    case TK_BTAB:
    case TK_UP:
        form_move(fm, -1);
        return DIALOG_CONTINUE;
    case TK_ENTER:
        if (fm->cur + 1 >= fm->n) /* the last field or the button */
            return DIALOG_OK;
        form_move(fm, 1);
        return DIALOG_CONTINUE;
    default:
        break;
    }
    if (fm->cur < fm->n && form_field_key(&fm->f[fm->cur], key))
        form_set_error(fm, NULL);
    return DIALOG_CONTINUE;
}

static struct tui_rect form_box(const struct form *fm, struct tui_rect screen)
{
    int h = (int)fm->n + 6, w = FORM_LABEL_W + FORM_FIELD_W + 6;

    if (w > screen.w - 2)
        w = screen.w - 2;
    if (h > screen.h - 2)
        h = screen.h - 2;
    return (struct tui_rect){ screen.y + (screen.h - h) / 2,
                              screen.x + (screen.w - w) / 2, h, w };
}

/* One field at line y; returns the cursor column for a focused text field. */
static int form_draw_field(struct form_field *f, bool focus, int y, int x,
                           int w)
{
    enum theme_role role = focus ? ROLE_DIALOG_SEL : ROLE_DIALOG;
    int cx = -1, used;

    draw_text(y, x, FORM_LABEL_W - 1, ROLE_DIALOG, f->label);
    x += FORM_LABEL_W;
    w -= FORM_LABEL_W;
    switch (f->kind) {
    case FORM_TOGGLE:
        draw_text(y, x, w, role, f->on ? "[x] yes" : "[ ] no");
        break;
    case FORM_CHOICE:
        used = draw_text(y, x, w, role, "< ");
        used += draw_text(y, x + used, w - used, role, f->choices[f->choice]);
        draw_text(y, x + used, w - used, role, " >");
        break;
    case FORM_TEXT:
    default: {
        int fw = f->hint != NULL ? w - text_width(f->hint) - 1 : w;

        if (fw < 10)
            fw = w;
        cx = lineedit_draw(&f->edit, y, x, fw, role);
        if (fw < w)
            draw_text(y, x + fw + 1, w - fw - 1, ROLE_DIALOG, f->hint);
        break;
    }
    }
    return focus && f->kind == FORM_TEXT ? cx : -1;
}

int form_draw(struct form *fm, struct tui_rect screen, int *cy)
{
    struct tui_rect box = form_box(fm, screen);
    int y = box.y + 2, cx = -1, bw;
    char button[96];

    *cy = -1;
    draw_box(box, ROLE_DIALOG, fm->title);
    for (size_t i = 0; i < fm->n && y < box.y + box.h - 3; i++, y++) {
        int c =
            form_draw_field(&fm->f[i], fm->cur == i, y, box.x + 2, box.w - 4);

        if (c >= 0) {
            cx = c;
            *cy = y;
        }
    }
    if (fm->error != NULL)
        draw_text(box.y + box.h - 3, box.x + 2, box.w - 4, ROLE_STATUS_ERROR,
                  fm->error);
    snprintf(button, sizeof button, "< %s >", fm->submit);
    bw = text_width(button);
    draw_text(box.y + box.h - 2, box.x + (box.w - bw) / 2, bw,
              fm->cur == fm->n ? ROLE_DIALOG_SEL : ROLE_DIALOG, button);
    return cx;
}
