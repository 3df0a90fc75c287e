/*
 * The terminal handed to a remote shell: curses is suspended, the tty is
 * put in raw mode so every key reaches the remote side as typed, and
 * output is written without blocking. Everything is undone on leave, on a
 * crash and on a fatal error.
 */
#ifndef MCTOP_TUI_RAWTERM_H
#define MCTOP_TUI_RAWTERM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Raw mode on stdin, non-blocking stdout. Returns 0, or -1 if no tty. */
int rawterm_enter(void);
/* Back to how it was at rawterm_enter; safe to call more than once. */
void rawterm_leave(void);
bool rawterm_active(void);
/* Async-signal-safe part of rawterm_leave, for crash handlers. */
void rawterm_restore_signal_safe(void);
/* Restore the terminal when mctop dies of a fatal signal (no curses). */
void rawterm_install_crash_handlers(void);
/* The terminal's size; 80x24 when unknown. */
void rawterm_size(int *cols, int *rows);
/* Write what stdout takes now; returns the bytes written, or -1 on error. */
ssize_t rawterm_write(const char *p, size_t n);

#endif
