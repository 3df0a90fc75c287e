/* A growable byte buffer, always NUL-terminated. */
#ifndef MCTOP_BACKEND_BUF_H
#define MCTOP_BACKEND_BUF_H

#include <stddef.h>

struct buf {
    char *data; /* NULL until the first append */
    size_t len;
    size_t cap;
};

void buf_append(struct buf *b, const void *p, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append s as a JSON string literal, quotes included. */
void buf_json_str(struct buf *b, const char *s);
/* Append s percent-encoded for a URL query (all but A-Z a-z 0-9 -._~). */
void buf_urlenc(struct buf *b, const char *s);
/* Drop the first n bytes. */
void buf_consume(struct buf *b, size_t n);
void buf_reset(struct buf *b);
/* Hand the contents to the caller (caller frees); b becomes empty. */
char *buf_steal(struct buf *b);
void buf_free(struct buf *b);

#endif
