/*
 * Key codes without curses: Unicode code points for characters, codes
 * above the Unicode range for named keys, TK_META for Alt.
 */
#ifndef MCTOP_TUI_KEYS_H
#define MCTOP_TUI_KEYS_H

#include <stddef.h>

enum tui_keycode {
    TK_NONE = 0,
    TK_TAB = 9,
    TK_ENTER = 13,
    TK_ESC = 27,
    TK_SPACE = 32,
    TK_BASE = 0x110000,
    TK_UP,
    TK_DOWN,
    TK_LEFT,
    TK_RIGHT,
    TK_HOME,
    TK_END,
    TK_PGUP,
    TK_PGDN,
    TK_INSERT,
    TK_DELETE,
    TK_BACKSPACE,
    TK_BTAB,
    TK_MOUSE,
    TK_F0 = TK_BASE + 0x100, /* TK_F0 + n is Fn */
    TK_LAST = TK_F0 + 24
};

#define TK_META    0x1000000
#define TK_CTRL(c) ((c)&0x1f)

enum tui_mouse_kind {
    TM_NONE,
    TM_CLICK,
    TM_DOUBLE,
    TM_WHEEL_UP,
    TM_WHEEL_DOWN
};

/* One input event: a key, or a mouse event at (y, x). */
struct tui_key {
    int code;
    enum tui_mouse_kind mouse;
    int y, x;
};

/* Parse a key name ("q", "C-l", "M-x", "Enter", "PageDown", "F5"); -1 if bad.
 */
int keys_parse(const char *name);
/* The canonical name of a key into buf; returns buf. */
const char *keys_name(int code, char *buf, size_t size);

#endif
