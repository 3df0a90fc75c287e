/* Confirm, prompt and pick-list dialogs. */
#include "dialog.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend/xalloc.h"
#include "tui/keys.h"
#include "tui/text.h"

static const char *const dialog_yes_no[] = { "Yes", "No" };

static struct dialog *dialog_new(enum dialog_kind kind, const char *title,
                                 const char *message)
{
    struct dialog *d = xcalloc(1, sizeof *d);

    d->kind = kind;
    d->title = xstrdup(title != NULL ? title : "");
    d->message = message != NULL ? xstrdup(message) : NULL;
    return d;
}

static void dialog_set_items(struct dialog *d, const char *const *items,
                             size_t n)
{
    d->items = xcalloc(n ? n : 1, sizeof *d->items);
    for (size_t i = 0; i < n; i++)
        d->items[i] = xstrdup(items[i]);
    d->nitems = n;
}

struct dialog *dialog_confirm(const char *title, const char *message,
                              const char *const *buttons, size_t nbuttons,
                              size_t sel)
{
    struct dialog *d = dialog_new(DIALOG_CONFIRM, title, message);

    if (buttons == NULL || nbuttons == 0) {
        buttons = dialog_yes_no;
        nbuttons = 2;
    }
    dialog_set_items(d, buttons, nbuttons);
    d->sel = sel < nbuttons ? sel : 0;
    return d;
}

struct dialog *dialog_prompt(const char *title, const char *message,
                             const char *initial, struct history *hist)
{
    struct dialog *d = dialog_new(DIALOG_PROMPT, title, message);

    lineedit_init(&d->edit, hist, NULL, NULL);
    lineedit_set(&d->edit, initial != NULL ? initial : "");
    return d;
}

struct dialog *dialog_pick(const char *title, const char *const *items,
                           size_t nitems, size_t sel)
{
    struct dialog *d = dialog_new(DIALOG_PICK, title, NULL);

    dialog_set_items(d, items, nitems);
    d->sel = sel < nitems ? sel : 0;
    return d;
}

void dialog_free(struct dialog *d)
{
    if (d == NULL)
        return;
    for (size_t i = 0; i < d->nitems; i++)
        free(d->items[i]);
    free(d->items);
    if (d->kind == DIALOG_PROMPT)
        lineedit_free(&d->edit);
    free(d->title);
    free(d->message);
    free(d);
}

const char *dialog_text(const struct dialog *d)
{
    return d->kind == DIALOG_PROMPT ? lineedit_text(&d->edit) : NULL;
}

/* y/n (and each button's first letter) answer a confirm directly. */
static enum dialog_result dialog_confirm_key(struct dialog *d, int key)
{
    switch (key) {
    case TK_LEFT:
    case TK_BTAB:
        d->sel = d->sel == 0 ? d->nitems - 1 : d->sel - 1;
        return DIALOG_CONTINUE;
    case TK_RIGHT:
    case TK_TAB:
        d->sel = (d->sel + 1) % d->nitems;
        return DIALOG_CONTINUE;
    case TK_ENTER:
        return DIALOG_OK;
    case TK_ESC:
    case 'q':
        return DIALOG_CANCEL;
    default:
        break;
    }
    if (d->arrows_only)
        return DIALOG_CONTINUE;
    for (size_t i = 0; i < d->nitems; i++) {
        if (key < 0x80 &&
            strncasecmp(d->items[i], (char[]){ (char)key, 0 }, 1) == 0) {
            d->sel = i;
            return DIALOG_OK;
        }
    }
    return DIALOG_CONTINUE;
}

static enum dialog_result dialog_pick_key(struct dialog *d, int key)
{
    switch (key) {
    case TK_UP:
    case 'k':
        d->sel = d->sel == 0 ? 0 : d->sel - 1;
        return DIALOG_CONTINUE;
    case TK_DOWN:
    case 'j':
        d->sel = d->sel + 1 < d->nitems ? d->sel + 1 : d->sel;
        return DIALOG_CONTINUE;
    case TK_HOME:
        d->sel = 0;
        return DIALOG_CONTINUE;
    case TK_END:
        d->sel = d->nitems ? d->nitems - 1 : 0;
        return DIALOG_CONTINUE;
    case TK_ENTER:
        return d->nitems ? DIALOG_OK : DIALOG_CANCEL;
    case TK_ESC:
    case 'q':
        return DIALOG_CANCEL;
    default:
        return DIALOG_CONTINUE;
    }
}

enum dialog_result dialog_key(struct dialog *d, int key)
{
    switch (d->kind) {
    case DIALOG_CONFIRM:
        return dialog_confirm_key(d, key);
    case DIALOG_PICK:
        return dialog_pick_key(d, key);
    case DIALOG_PROMPT:
        switch (lineedit_key(&d->edit, key)) {
        case LE_ACCEPT:
            return DIALOG_OK;
        case LE_CANCEL:
            return DIALOG_CANCEL;
        default:
            return DIALOG_CONTINUE;
        }
    }
    return DIALOG_CONTINUE;
}

static size_t dialog_message_lines(const struct dialog *d, int *maxw)
{
    size_t n = 0;
    const char *p = d->message;

    *maxw = text_width(d->title) + 4;
    while (p != NULL && *p != '\0') {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *line = xstrndup(p, len);
        int w = text_width(line);

        free(line);
        if (w > *maxw)
            *maxw = w;
        n++;
        p = nl ? nl + 1 : NULL;
    }
    return n;
}

/* The dialog's box for a screen area. */
static struct tui_rect dialog_box(const struct dialog *d,
                                  struct tui_rect screen, size_t *nlines)
{
    int maxw, h, w;

    *nlines = dialog_message_lines(d, &maxw);
    h = (int)*nlines + 2;
    if (d->kind == DIALOG_PICK) {
        for (size_t i = 0; i < d->nitems; i++) {
            int iw = text_width(d->items[i]) + 2;

            maxw = iw > maxw ? iw : maxw;
        }
        h += (int)d->nitems;
    } else {
        h += 2; /* blank line and the buttons or the input line */
        if (d->kind == DIALOG_PROMPT && maxw < 40)
            maxw = 40;
    }
    w = maxw + 4;
    if (w > screen.w - 2)
        w = screen.w - 2;
    if (h > screen.h - 2)
        h = screen.h - 2;
    return (struct tui_rect){ screen.y + (screen.h - h) / 2,
                              screen.x + (screen.w - w) / 2, h, w };
}

static void dialog_draw_buttons(const struct dialog *d, int y,
                                struct tui_rect box)
{
    int total = 0, x;

    for (size_t i = 0; i < d->nitems; i++)
        total += text_width(d->items[i]) + 4 + (i ? 2 : 0);
    x = box.x + (box.w - total) / 2;
    for (size_t i = 0; i < d->nitems; i++) {
        enum theme_role role = i == d->sel ? ROLE_DIALOG_SEL : ROLE_DIALOG;

        x += draw_text(y, x, box.w - 2, role, "< ");
        x += draw_text(y, x, box.w - 2, role, d->items[i]);
        x += draw_text(y, x, box.w - 2, role, " >") + 2;
    }
}

int dialog_draw(struct dialog *d, struct tui_rect screen, int *cursor_y)
{
    size_t nlines;
    struct tui_rect box = dialog_box(d, screen, &nlines);
    const char *p = d->message;
    int y = box.y + 1, cx = -1;

    *cursor_y = -1;
    draw_box(box, ROLE_DIALOG, d->title);
    for (size_t i = 0; i < nlines && p != NULL; i++, y++) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);

        draw_textn(y, box.x + 2, box.w - 4, ROLE_DIALOG, p, len);
        p = nl ? nl + 1 : NULL;
    }
    if (d->kind == DIALOG_CONFIRM) {
        dialog_draw_buttons(d, box.y + box.h - 2, box);
    } else if (d->kind == DIALOG_PROMPT) {
        *cursor_y = box.y + box.h - 2;
        cx = lineedit_draw(&d->edit, *cursor_y, box.x + 2, box.w - 4,
                           ROLE_DIALOG_SEL);
    } else {
        size_t rows = (size_t)(box.y + box.h - 1 - y);

        if (d->sel < d->top)
            d->top = d->sel;
        if (rows > 0 && d->sel >= d->top + rows)
            d->top = d->sel - rows + 1;
        for (size_t i = d->top; i < d->nitems && i < d->top + rows; i++) {
            enum theme_role role = i == d->sel ? ROLE_DIALOG_SEL : ROLE_DIALOG;
            int row = y + (int)(i - d->top);

            draw_fill(row, box.x + 1, box.w - 2, role);
            draw_text(row, box.x + 2, box.w - 4, role, d->items[i]);
        }
    }
    return cx;
}

long dialog_hit(const struct dialog *d, struct tui_rect screen, int y, int x)
{
    size_t nlines;
    struct tui_rect box = dialog_box(d, screen, &nlines);
    long row;

    if (d->kind != DIALOG_PICK || x <= box.x || x >= box.x + box.w - 1)
        return -1;
    row = (long)y - (box.y + 1 + (long)nlines) + (long)d->top;
    return row >= 0 && (size_t)row < d->nitems ? row : -1;
}
