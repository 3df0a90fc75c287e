/* Virtual table: scrolling state and drawing of visible rows only. */
#include "table.h"

#include <stdio.h>
#include <string.h>

#include "tui/text.h"

#define TABLE_MAX_COLS 32

static void table_clamp(struct table *t)
{
    size_t h = t->height > 0 ? (size_t)t->height : 1;

    if (t->nrows == 0) {
        t->cur = t->top = 0;
        return;
    }
    if (t->cur >= t->nrows)
        t->cur = t->nrows - 1;
    if (t->cur < t->top)
        t->top = t->cur;
    if (t->cur >= t->top + h)
        t->top = t->cur - h + 1;
    /* Don't leave empty lines at the bottom when rows could fill them. */
    if (t->top + h > t->nrows)
        t->top = t->nrows > h ? t->nrows - h : 0;
}

void table_set_count(struct table *t, size_t n)
{
    t->nrows = n;
    table_clamp(t);
}

void table_set_height(struct table *t, int height)
{
    t->height = height;
    table_clamp(t);
}

void table_move(struct table *t, long delta)
{
    if (t->nrows == 0)
        return;
    if (delta < 0 && (size_t)-delta > t->cur)
        t->cur = 0;
    else if (delta > 0 && (size_t)delta >= t->nrows - t->cur)
        t->cur = t->nrows - 1;
    else
        t->cur = (size_t)((long)t->cur + delta);
    table_clamp(t);
}

void table_select(struct table *t, size_t row)
{
    t->cur = row;
    table_clamp(t);
}

void table_scroll(struct table *t, long delta)
{
    size_t h = t->height > 0 ? (size_t)t->height : 1, maxtop;

    if (t->nrows == 0)
        return;
    maxtop = t->nrows > h ? t->nrows - h : 0;
    if (delta < 0)
        t->top = (size_t)-delta > t->top ? 0 : t->top - (size_t)-delta;
    else
        t->top =
            t->top + (size_t)delta > maxtop ? maxtop : t->top + (size_t)delta;
    if (t->cur < t->top)
        t->cur = t->top;
    if (t->cur >= t->top + h)
        t->cur = t->top + h - 1;
}

void table_layout(const struct table_col *cols, size_t ncols, int width,
                  int *xs, int *ws)
{
    int used, flex, x, maxprio = 0;

    for (size_t i = 0; i < ncols; i++)
        if (cols[i].priority > maxprio)
            maxprio = cols[i].priority;
    /* Hide the highest priorities first until the minimums fit. */
    for (int hide = maxprio + 1;; hide--) {
        used = flex = 0;
        for (size_t i = 0; i < ncols; i++) {
            ws[i] = cols[i].priority < hide ? cols[i].width : 0;
            if (ws[i] > 0) {
                used += ws[i] + 1;
                flex += cols[i].flex;
            }
        }
        if (used - 1 <= width || hide == 1)
            break;
    }
    /* Share the spare columns among flexible ones. */
    if (flex > 0 && used - 1 < width) {
        int spare = width - (used - 1), given = 0;
        size_t last = 0;

        for (size_t i = 0; i < ncols; i++) {
            if (ws[i] > 0 && cols[i].flex > 0) {
                int add = spare * cols[i].flex / flex;

                ws[i] += add;
                given += add;
                last = i;
            }
        }
        ws[last] += spare - given;
    }
    x = 0;
    for (size_t i = 0; i < ncols; i++) {
        xs[i] = x;
        if (ws[i] > 0) {
            if (x + ws[i] > width)
                ws[i] = width - x > 0 ? width - x : 0;
            x += ws[i] + 1;
        }
    }
}

enum theme_role table_row_role(const struct table_row *r)
{
    if (r->cursor)
        return ROLE_CURSOR;
    return r->marked ? ROLE_MARKED : ROLE_DEFAULT;
}

void table_cell(const struct table_row *r, size_t c, enum theme_role role,
                const char *text)
{
    if (c >= r->ncols || r->ws[c] <= 0)
        return;
    if (role == ROLE_DEFAULT)
        role = table_row_role(r);
    draw_cell(r->y, r->xs[c], r->ws[c], role, text, r->cols[c].align);
}

static void table_draw_header(struct tui_rect r, const struct table_col *cols,
                              size_t ncols, const int *xs, const int *ws,
                              int sort_col, bool sort_desc)
{
    draw_fill(r.y, r.x, r.w, ROLE_COLHEAD);
    for (size_t i = 0; i < ncols; i++) {
        char title[64];
        bool sorted = (int)i == sort_col;

        if (ws[i] <= 0)
            continue;
        snprintf(title, sizeof title, "%s%s", cols[i].title,
                 !sorted       ? ""
                 : text_utf8() ? (sort_desc ? "\u25bc" : "\u25b2")
                 : sort_desc   ? "v"
                               : "^");
        draw_cell(r.y, r.x + xs[i], ws[i],
                  sorted ? ROLE_COLHEAD_SORT : ROLE_COLHEAD, title,
                  cols[i].align);
    }
}

void table_draw(struct table *t, struct tui_rect r,
                const struct table_col *cols, size_t ncols, int sort_col,
                bool sort_desc, table_row_fn draw_row,
                bool (*is_marked)(void *arg, size_t row), void *arg,
                const char *empty)
{
    int xs[TABLE_MAX_COLS], ws[TABLE_MAX_COLS];

    if (ncols > TABLE_MAX_COLS)
        ncols = TABLE_MAX_COLS;
    if (r.h < 1 || r.w < 1)
        return;
    table_layout(cols, ncols, r.w, xs, ws);
    for (size_t i = 0; i < ncols; i++)
        xs[i] += r.x;
    table_draw_header((struct tui_rect){ r.y, 0, 1, r.w + r.x }, cols, ncols,
                      xs, ws, sort_col, sort_desc);
    table_set_height(t, r.h - 1);
    if (t->nrows == 0 && empty != NULL) {
        draw_cell(r.y + 1 + (r.h - 1) / 3, r.x, r.w, ROLE_DIM, empty,
                  ALIGN_CENTER);
        return;
    }
    for (int i = 0; i < r.h - 1; i++) {
        size_t row = t->top + (size_t)i;
        struct table_row tr = { r.y + 1 + i, cols,          xs,   ws,
                                ncols,       row == t->cur, false };

        if (row >= t->nrows)
            break;
        tr.marked = is_marked != NULL && is_marked(arg, row);
        draw_fill(tr.y, r.x, r.w, table_row_role(&tr));
        draw_row(arg, row, &tr);
    }
}

long table_row_at(const struct table *t, struct tui_rect r, int y)
{
    size_t row;

    if (y <= r.y || y >= r.y + r.h)
        return -1;
    row = t->top + (size_t)(y - r.y - 1);
    return row < t->nrows ? (long)row : -1;
}

int table_col_at(const struct table_col *cols, size_t ncols, int width, int x0,
                 int x)
{
    int xs[TABLE_MAX_COLS], ws[TABLE_MAX_COLS];

    if (ncols > TABLE_MAX_COLS)
        ncols = TABLE_MAX_COLS;
    table_layout(cols, ncols, width, xs, ws);
    for (size_t i = 0; i < ncols; i++)
        if (ws[i] > 0 && x >= x0 + xs[i] && x <= x0 + xs[i] + ws[i])
            return (int)i;
    return -1;
}
