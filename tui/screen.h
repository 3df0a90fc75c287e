/*
 * The terminal: curses set-up and teardown, suspend and resume, resize,
 * one flush per frame, and reading keys and mouse events.
 */
#ifndef MCTOP_TUI_SCREEN_H
#define MCTOP_TUI_SCREEN_H

#include <stdbool.h>

#include "tui/keys.h"
#include "tui/theme.h"

struct screen_opts {
    enum theme_kind theme;
    bool mouse;
};

/*
 * Take over the terminal. Returns 0, or -1 when stdin/stdout is not a
 * terminal or curses cannot start (the message is in *msg).
 */
int screen_init(const struct screen_opts *o, const char **msg);
/* Give the terminal back as it was; safe to call more than once. */
void screen_end(void);
bool screen_active(void);
/* Leave curses mode for a child process or a stop; screen_resume returns. */
void screen_suspend(void);
void screen_resume(void);
/* Re-read the terminal size after SIGWINCH. */
void screen_resize(void);
void screen_size(int *rows, int *cols);
bool screen_utf8(void);
enum theme_kind screen_theme(void);
void screen_set_theme(enum theme_kind kind);
void screen_set_mouse(bool on);
bool screen_mouse(void);

/* Start a frame (clears the drawing surface) and send it in one go. */
void screen_frame_begin(void);
/* cursor_y < 0 hides the cursor. */
void screen_frame_end(int cursor_y, int cursor_x);
/* Repaint everything on the next frame (after garbage on the terminal). */
void screen_invalidate(void);

/* Read one pending input event without blocking; returns false if none. */
bool screen_read_key(struct tui_key *k);

#endif
