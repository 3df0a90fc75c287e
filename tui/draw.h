/*
 * Drawing primitives. Every string goes through the sanitiser here, so
 * nothing drawn can drive the terminal, and widths are display columns.
 */
#ifndef MCTOP_TUI_DRAW_H
#define MCTOP_TUI_DRAW_H

#include <stddef.h>
#include <stdint.h>

#include "tui/theme.h"

struct tui_rect {
    int y, x, h, w;
};

enum draw_align { ALIGN_LEFT, ALIGN_RIGHT, ALIGN_CENTER };

/*
 * Draw s at (y, x) in at most maxw columns; a cut string ends in an
 * ellipsis. Returns the columns drawn.
 */
int draw_text(int y, int x, int maxw, enum theme_role role, const char *s);
/* Same for the first len bytes of s. */
int draw_textn(int y, int x, int maxw, enum theme_role role, const char *s,
               size_t len);
/* Draw s padded with role-coloured spaces to exactly w columns. */
void draw_cell(int y, int x, int w, enum theme_role role, const char *s,
               enum draw_align align);
int draw_printf(int y, int x, int maxw, enum theme_role role, const char *fmt,
                ...) __attribute__((format(printf, 5, 6)));
/* One code point (already safe), e.g. a block or braille glyph. */
void draw_glyph(int y, int x, enum theme_role role, uint32_t cp);
void draw_fill(int y, int x, int w, enum theme_role role);
void draw_rect_fill(struct tui_rect r, enum theme_role role);
/* A frame around r with an optional title on the top edge. */
void draw_box(struct tui_rect r, enum theme_role role, const char *title);
/* Overlay the attributes of role on w columns, keeping the characters. */
void draw_recolour(int y, int x, int w, enum theme_role role);

#endif
