/* The fixed parts of the screen: header, tab bar, status line, key hints. */
#ifndef MCTOP_VIEWS_BARS_H
#define MCTOP_VIEWS_BARS_H

struct app;

/* Row 0: title, sites with their connection, problem counters, data age. */
void bars_draw_header(struct app *app);
/* Row 1: the views as tabs with their row counts, and the view summary. */
void bars_draw_tabs(struct app *app);
/* The line above the hints: prompt, message or site activity. */
void bars_draw_status(struct app *app, int *cursor_y, int *cursor_x);
/* The last line: key hints from the active keymap. */
void bars_draw_hints(struct app *app);
void bars_draw_too_small(struct app *app, int min_rows, int min_cols);
/* The view whose tab is at (y, x), or -1. */
int bars_tab_at(const struct app *app, int y, int x);

#endif
