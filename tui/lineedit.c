/* One-line editor with history and completion. */
#include "lineedit.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"
#include "tui/draw.h"
#include "tui/keys.h"
#include "tui/text.h"

void history_add(struct history *h, const char *s)
{
    if (s[0] == '\0' || (h->n > 0 && strcmp(h->items[h->n - 1], s) == 0))
        return;
    if (h->max == 0)
        h->max = 100;
    if (h->n == h->max) {
        free(h->items[0]);
        memmove(h->items, h->items + 1, (h->n - 1) * sizeof *h->items);
        h->n--;
    }
    h->items = xreallocarray(h->items, h->n + 1, sizeof *h->items);
    h->items[h->n++] = xstrdup(s);
}

void history_free(struct history *h)
{
    for (size_t i = 0; i < h->n; i++)
        free(h->items[i]);
    free(h->items);
    h->items = NULL;
    h->n = 0;
}

static void lineedit_drop_cands(struct lineedit *le)
{
    for (size_t i = 0; i < le->ncands; i++)
        free(le->cands[i]);
    free(le->cands);
    le->cands = NULL;
    le->ncands = le->icand = 0;
}

void lineedit_init(struct lineedit *le, struct history *hist,
                   lineedit_complete_fn complete, void *arg)
{
    memset(le, 0, sizeof *le);
    buf_append(&le->text, "", 0);
    le->hist = hist;
    le->hpos = hist != NULL ? hist->n : 0;
    le->complete = complete;
    le->complete_arg = arg;
}

void lineedit_free(struct lineedit *le)
{
    lineedit_drop_cands(le);
    buf_free(&le->text);
    free(le->saved);
    le->saved = NULL;
}

void lineedit_set(struct lineedit *le, const char *s)
{
    buf_reset(&le->text);
    buf_puts(&le->text, s);
    le->cur = le->text.len;
}

const char *lineedit_text(const struct lineedit *le)
{
    return le->text.data;
}

static size_t lineedit_prev(const struct lineedit *le, size_t pos)
{
    while (pos > 0) {
        pos--;
        if (((unsigned char)le->text.data[pos] & 0xC0) != 0x80)
            break;
    }
    return pos;
}

static size_t lineedit_next(const struct lineedit *le, size_t pos)
{
    uint32_t cp;

    if (pos >= le->text.len)
        return le->text.len;
    return pos + text_decode(le->text.data + pos, le->text.len - pos, &cp);
}

static bool lineedit_is_space(const struct lineedit *le, size_t pos)
{
    char c = le->text.data[pos];

    return c == ' ' || c == '\t';
}

static size_t lineedit_word_left(const struct lineedit *le, size_t pos)
{
    while (pos > 0 && lineedit_is_space(le, lineedit_prev(le, pos)))
        pos = lineedit_prev(le, pos);
    while (pos > 0 && !lineedit_is_space(le, lineedit_prev(le, pos)))
        pos = lineedit_prev(le, pos);
    return pos;
}

static size_t lineedit_word_right(const struct lineedit *le, size_t pos)
{
    while (pos < le->text.len && lineedit_is_space(le, pos))
        pos = lineedit_next(le, pos);
    while (pos < le->text.len && !lineedit_is_space(le, pos))
        pos = lineedit_next(le, pos);
    return pos;
}

static void lineedit_delete(struct lineedit *le, size_t from, size_t to)
{
    char *d = le->text.data;

    memmove(d + from, d + to, le->text.len - to + 1);
    le->text.len -= to - from;
    le->cur = from;
}

static void lineedit_insert(struct lineedit *le, const char *s, size_t n)
{
    struct buf tail = { 0 };

    buf_append(&tail, le->text.data + le->cur, le->text.len - le->cur);
    le->text.len = le->cur;
    buf_append(&le->text, s, n);
    buf_append(&le->text, tail.data, tail.len);
    le->cur += n;
    buf_free(&tail);
}

static enum lineedit_result lineedit_history(struct lineedit *le, int dir)
{
    struct history *h = le->hist;

    if (h == NULL || h->n == 0)
        return LE_IGNORED;
    if (dir < 0 && le->hpos == 0)
        return LE_MOVED;
    if (dir > 0 && le->hpos >= h->n)
        return LE_MOVED;
    if (le->hpos == h->n) {
        free(le->saved);
        le->saved = xstrdup(le->text.data);
    }
    le->hpos = dir < 0 ? le->hpos - 1 : le->hpos + 1;
    lineedit_set(le, le->hpos == h->n ? le->saved : h->items[le->hpos]);
    return LE_CHANGED;
}

/* Tab: first press asks for candidates, later presses cycle them. */
static enum lineedit_result lineedit_complete(struct lineedit *le)
{
    const char *c;

    if (le->complete == NULL)
        return LE_IGNORED;
    if (le->ncands == 0) {
        char *before = xstrndup(le->text.data, le->cur);

        le->ncands =
            le->complete(le->complete_arg, before, &le->word_start, &le->cands);
        free(before);
        if (le->ncands == 0)
            return LE_MOVED;
        le->icand = 0;
    } else {
        le->icand = (le->icand + 1) % le->ncands;
    }
    c = le->cands[le->icand];
    lineedit_delete(le, le->word_start, le->cur);
    lineedit_insert(le, c, strlen(c));
    if (le->ncands == 1) {
        lineedit_insert(le, " ", 1);
        lineedit_drop_cands(le);
    }
    return LE_CHANGED;
}

static enum lineedit_result lineedit_edit(struct lineedit *le, int key)
{
    size_t p;

    switch (key) {
    case TK_BACKSPACE:
    case TK_CTRL('h'):
        if (le->cur == 0)
            return LE_MOVED;
        lineedit_delete(le, lineedit_prev(le, le->cur), le->cur);
        return LE_CHANGED;
    case TK_DELETE:
    case TK_CTRL('d'):
        if (le->cur == le->text.len)
            return LE_MOVED;
        lineedit_delete(le, le->cur, lineedit_next(le, le->cur));
        return LE_CHANGED;
    case TK_CTRL('w'):
        p = lineedit_word_left(le, le->cur);
        if (p == le->cur)
            return LE_MOVED;
        lineedit_delete(le, p, le->cur);
        return LE_CHANGED;
    case TK_META | 'd':
        p = lineedit_word_right(le, le->cur);
        lineedit_delete(le, le->cur, p);
        return LE_CHANGED;
    case TK_CTRL('u'):
        lineedit_delete(le, 0, le->cur);
        return LE_CHANGED;
    case TK_CTRL('k'):
        lineedit_delete(le, le->cur, le->text.len);
        return LE_CHANGED;
    default:
        break;
    }
    if (key >= 0x20 && key < TK_BASE && key != 0x7F) {
        char enc[8];

        lineedit_insert(le, enc, text_encode((uint32_t)key, enc));
        return LE_CHANGED;
    }
    return LE_IGNORED;
}

static enum lineedit_result lineedit_move(struct lineedit *le, int key)
{
    switch (key) {
    case TK_LEFT:
    case TK_CTRL('b'):
        le->cur = lineedit_prev(le, le->cur);
        return LE_MOVED;
    case TK_RIGHT:
    case TK_CTRL('f'):
        le->cur = lineedit_next(le, le->cur);
        return LE_MOVED;
    case TK_HOME:
    case TK_CTRL('a'):
        le->cur = 0;
        return LE_MOVED;
    case TK_END:
    case TK_CTRL('e'):
        le->cur = le->text.len;
        return LE_MOVED;
    case TK_META | 'b':
        le->cur = lineedit_word_left(le, le->cur);
        return LE_MOVED;
    case TK_META | 'f':
        le->cur = lineedit_word_right(le, le->cur);
        return LE_MOVED;
    default:
        return LE_IGNORED;
    }
}

enum lineedit_result lineedit_key(struct lineedit *le, int key)
{
    enum lineedit_result r;

    if (key == TK_TAB)
        return lineedit_complete(le);
    lineedit_drop_cands(le);
    switch (key) {
    case TK_ENTER:
        return LE_ACCEPT;
    case TK_ESC:
    case TK_CTRL('g'):
        return LE_CANCEL;
    case TK_UP:
    case TK_CTRL('p'):
        return lineedit_history(le, -1);
    case TK_DOWN:
    case TK_CTRL('n'):
        return lineedit_history(le, 1);
    default:
        break;
    }
    r = lineedit_move(le, key);
    return r != LE_IGNORED ? r : lineedit_edit(le, key);
}

int lineedit_draw(struct lineedit *le, int y, int x, int w,
                  enum theme_role role)
{
    int before;
    char *head;

    if (w < 2)
        return x;
    if (le->scroll > le->cur)
        le->scroll = le->cur;
    /* Scroll right until the cursor fits, keeping one column for it. */
    for (;;) {
        head = xstrndup(le->text.data + le->scroll, le->cur - le->scroll);
        before = text_width(head);
        free(head);
        if (before < w)
            break;
        le->scroll = lineedit_next(le, le->scroll);
    }
    draw_fill(y, x, w, role);
    draw_text(y, x, w, role, le->text.data + le->scroll);
    return x + before;
}
