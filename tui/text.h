/*
 * Text from servers is untrusted: decode UTF-8 strictly, replace what
 * must not reach the terminal, and measure display width by wcwidth.
 */
#ifndef MCTOP_TUI_TEXT_H
#define MCTOP_TUI_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TEXT_REPLACEMENT 0xFFFDu

/*
 * Set once at start: true when the terminal takes UTF-8. Otherwise every
 * non-ASCII character is shown as '?'.
 */
void text_set_utf8(bool utf8);
bool text_utf8(void);

/*
 * Decode one UTF-8 sequence from s (len bytes available) into *cp.
 * Returns the bytes consumed (>= 1 when len > 0). Overlong forms,
 * surrogates and truncated or stray bytes give TEXT_REPLACEMENT for one byte.
 */
size_t text_decode(const char *s, size_t len, uint32_t *cp);
/* Encode cp as UTF-8 into out (at least 5 bytes), NUL-terminated; returns
 * length. */
size_t text_encode(uint32_t cp, char *out);

/*
 * What to show for cp: control characters become their visible Control
 * Pictures (ESC is shown as U+241B), C1 controls, bidi overrides and
 * non-printable code points become U+FFFD; tab becomes a space.
 */
uint32_t text_safe_cp(uint32_t cp);
/* Display columns of a safe code point: 0, 1 or 2. */
int text_cp_width(uint32_t cp);

/* A sanitised copy of s (len bytes) that is safe to print (caller frees). */
char *text_sanitize(const char *s, size_t len);
/* Display width of s after sanitising. */
int text_width(const char *s);
/*
 * Bytes of s whose sanitised form fits in width columns; *used gets the
 * columns taken. Never splits a character.
 */
size_t text_fit(const char *s, int width, int *used);

#endif
