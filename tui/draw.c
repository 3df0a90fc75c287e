/* Drawing primitives over curses, with sanitising and wcwidth widths. */
#include "draw.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "tui/text.h"

#define ELLIPSIS_UTF8 0x2026u

static void draw_cp(int y, int x, attr_t attr, uint32_t cp)
{
    cchar_t cc;
    wchar_t wc[2] = { (wchar_t)cp, 0 };

    if (cp < 0x80 || !text_utf8()) {
        mvaddch(y, x, (chtype)(cp < 0x80 ? cp : '?') | attr);
        return;
    }
    setcchar(&cc, wc, attr, 0, NULL);
    mvadd_wch(y, x, &cc);
}

int draw_textn(int y, int x, int maxw, enum theme_role role, const char *s,
               size_t len)
{
    attr_t attr = (attr_t)theme_attr(role);
    int cols = 0, rows, screen_cols;
    size_t i = 0;

    getmaxyx(stdscr, rows, screen_cols);
    if (y < 0 || y >= rows || x < 0 || maxw <= 0 || s == NULL)
        return 0;
    if (x + maxw > screen_cols)
        maxw = screen_cols - x;
    while (i < len && s[i] != '\0') {
        uint32_t cp;
        size_t n = text_decode(s + i, len - i, &cp);
        int w;

        cp = text_safe_cp(cp);
        w = text_cp_width(cp);
        if (cols + w > maxw || (cols + w == maxw && i + n < len &&
                                s[i + n] != '\0' && w > 0 && maxw > 1)) {
            /* Doesn't fit, or fits but more follows: end with "…". */
            if (cols < maxw) {
                draw_cp(y, x + cols, attr,
                        text_utf8() ? ELLIPSIS_UTF8 : (uint32_t)'~');
                cols++;
            }
            break;
        }
        if (w > 0)
            draw_cp(y, x + cols, attr, cp);
        cols += w;
        i += n;
    }
    return cols;
}

int draw_text(int y, int x, int maxw, enum theme_role role, const char *s)
{
    return draw_textn(y, x, maxw, role, s, s == NULL ? 0 : strlen(s));
}

void draw_cell(int y, int x, int w, enum theme_role role, const char *s,
               enum draw_align align)
{
    int tw, off = 0, used;

    if (w <= 0)
        return;
    draw_fill(y, x, w, role);
    if (s == NULL)
        return;
    tw = text_width(s);
    if (tw < w && align == ALIGN_RIGHT)
        off = w - tw;
    else if (tw < w && align == ALIGN_CENTER)
        off = (w - tw) / 2;
    used = draw_text(y, x + off, w - off, role, s);
    (void)used;
}

int draw_printf(int y, int x, int maxw, enum theme_role role, const char *fmt,
                ...)
{
    char line[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    return draw_text(y, x, maxw, role, line);
}

void draw_glyph(int y, int x, enum theme_role role, uint32_t cp)
{
    draw_cp(y, x, (attr_t)theme_attr(role), cp);
}

void draw_fill(int y, int x, int w, enum theme_role role)
{
    attr_t attr = (attr_t)theme_attr(role);

    if (w <= 0 || y < 0 || y >= LINES)
        return;
    if (x + w > COLS)
        w = COLS - x;
    mvhline(y, x, ' ' | attr, w);
}

void draw_rect_fill(struct tui_rect r, enum theme_role role)
{
    for (int i = 0; i < r.h; i++)
        draw_fill(r.y + i, r.x, r.w, role);
}

void draw_box(struct tui_rect r, enum theme_role role, const char *title)
{
    attr_t attr = (attr_t)theme_attr(role);

    if (r.h < 2 || r.w < 2)
        return;
    draw_rect_fill(r, role);
    attron(attr);
    mvhline(r.y, r.x + 1, ACS_HLINE, r.w - 2);
    mvhline(r.y + r.h - 1, r.x + 1, ACS_HLINE, r.w - 2);
    mvvline(r.y + 1, r.x, ACS_VLINE, r.h - 2);
    mvvline(r.y + 1, r.x + r.w - 1, ACS_VLINE, r.h - 2);
    mvaddch(r.y, r.x, ACS_ULCORNER);
    mvaddch(r.y, r.x + r.w - 1, ACS_URCORNER);
    mvaddch(r.y + r.h - 1, r.x, ACS_LLCORNER);
    mvaddch(r.y + r.h - 1, r.x + r.w - 1, ACS_LRCORNER);
    attroff(attr);
    if (title != NULL && r.w > 6) {
        int used = draw_text(r.y, r.x + 2, r.w - 4, ROLE_DIALOG_TITLE, " ");

        used += draw_text(r.y, r.x + 2 + used, r.w - 5 - used,
                          ROLE_DIALOG_TITLE, title);
        draw_text(r.y, r.x + 2 + used, 1, ROLE_DIALOG_TITLE, " ");
    }
}

void draw_recolour(int y, int x, int w, enum theme_role role)
{
    attr_t attr = (attr_t)theme_attr(role);

    if (w <= 0 || y < 0 || y >= LINES)
        return;
    mvchgat(y, x, w, attr & ~A_COLOR, (short)PAIR_NUMBER(attr), NULL);
}
