/* Allocation that cannot fail: out of memory is fatal in a TUI. */
#ifndef MCTOP_BACKEND_XALLOC_H
#define MCTOP_BACKEND_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
/* Grow an array of n elements of size bytes to at least want elements. */
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
/* Copy of the first len bytes of s, NUL-terminated. */
char *xstrndup(const char *s, size_t len);
/* Formatted string in a new allocation. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Print a message and exit. A hook (set by the UI) restores the terminal
 * first, so fatal errors never leave it in raw mode.
 */
void fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
void fatal_set_hook(void (*hook)(void));

#endif
