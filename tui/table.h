/*
 * A virtual table: the caller owns the rows and draws cells on request;
 * the table keeps cursor and scroll state and draws only visible rows.
 */
#ifndef MCTOP_TUI_TABLE_H
#define MCTOP_TUI_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/draw.h"

struct table_col {
    const char *title;
    int width; /* fixed width, or the minimum when flex > 0 */
    int flex;  /* share of the spare columns */
    enum draw_align align;
    int priority; /* columns with higher priority hide first */
};

struct table {
    size_t nrows;
    size_t cur; /* cursor row (0 when empty) */
    size_t top; /* first visible row */
    int height; /* visible rows, from the last layout */
};

/* Where one row's cells are, passed to the row-drawing callback. */
struct table_row {
    int y;
    const struct table_col *cols;
    const int *xs, *ws; /* per column; ws[i] == 0 for a hidden column */
    size_t ncols;
    bool cursor;
    bool marked;
};

typedef void (*table_row_fn)(void *arg, size_t row, const struct table_row *r);

/* Set the row count; the cursor stays on its index, clamped. */
void table_set_count(struct table *t, size_t n);
void table_set_height(struct table *t, int height);
void table_move(struct table *t, long delta);
/* Cursor to row (clamped), scrolling as little as possible. */
void table_select(struct table *t, size_t row);
/* Scroll the view (mouse wheel), dragging the cursor along if needed. */
void table_scroll(struct table *t, long delta);

/* Column positions for a width; hides low-priority columns that don't fit. */
void table_layout(const struct table_col *cols, size_t ncols, int width,
                  int *xs, int *ws);
/*
 * Draw the header and the visible rows into r. sort_col < 0 for none.
 * is_marked may be NULL. empty is shown when there are no rows.
 */
void table_draw(struct table *t, struct tui_rect r,
                const struct table_col *cols, size_t ncols, int sort_col,
                bool sort_desc, table_row_fn draw_row,
                bool (*is_marked)(void *arg, size_t row), void *arg,
                const char *empty);
/* The row drawn at screen line y, or -1. */
long table_row_at(const struct table *t, struct tui_rect r, int y);
/* The column under screen column x (header clicks), or -1. */
int table_col_at(const struct table_col *cols, size_t ncols, int width, int x0,
                 int x);

/* Draw text in column c of row r, in role (the cursor highlight is kept). */
void table_cell(const struct table_row *r, size_t c, enum theme_role role,
                const char *text);
/* The role for ordinary text in this row (cursor, marked or default). */
enum theme_role table_row_role(const struct table_row *r);

#endif
