/* Strict UTF-8 decoding, sanitising and width measurement. */
#include "text.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "backend/buf.h"

static bool text_is_utf8 = true;

void text_set_utf8(bool utf8)
{
    text_is_utf8 = utf8;
}

bool text_utf8(void)
{
    return text_is_utf8;
}

size_t text_decode(const char *s, size_t len, uint32_t *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    uint32_t c, min;
    size_t n;

    if (len == 0) {
        *cp = 0;
        return 0;
    }
    c = p[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2, c &= 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3, c &= 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4, c &= 0x07, min = 0x10000;
    } else {
        *cp = TEXT_REPLACEMENT;
        return 1;
    }
    if (len < n) {
        *cp = TEXT_REPLACEMENT;
        return 1;
    }
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            *cp = TEXT_REPLACEMENT;
            return 1;
        }
        c = (c << 6) | (p[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
        *cp = TEXT_REPLACEMENT;
        return 1;
    }
    *cp = c;
    return n;
}

size_t text_encode(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    size_t n;

    if (cp < 0x80) {
        o[0] = (unsigned char)cp, n = 1;
    } else if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F)), n = 2;
    } else if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F)), n = 3;
    } else {
        o[0] = (unsigned char)(0xF0 | (cp >> 18));
        o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[3] = (unsigned char)(0x80 | (cp & 0x3F)), n = 4;
    }
    out[n] = '\0';
    return n;
}

/* Bidi embedding/override/isolate controls can reorder what is shown. */
static bool text_is_bidi_control(uint32_t cp)
{
    return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
           cp == 0x200E || cp == 0x200F || cp == 0x061C;
}

uint32_t text_safe_cp(uint32_t cp)
{
    if (cp == '\t')
        return ' ';
    if (!text_is_utf8)
        return (cp < 0x20 || cp >= 0x7F) ? '?' : cp;
    if (cp < 0x20)
        return 0x2400 + cp; /* Control Pictures: NUL..US */
    if (cp == 0x7F)
        return 0x2421;
    if ((cp >= 0x80 && cp < 0xA0) || text_is_bidi_control(cp) || cp == 0xFEFF ||
        cp == 0x2028 || cp == 0x2029)
        return TEXT_REPLACEMENT;
    if (cp >= 0x80 && wcwidth((wchar_t)cp) < 0)
        return TEXT_REPLACEMENT;
    return cp;
}

int text_cp_width(uint32_t cp)
{
    int w;

    if (cp < 0x80)
        return 1;
    w = wcwidth((wchar_t)cp);
    return w < 0 ? 1 : w;
}

char *text_sanitize(const char *s, size_t len)
{
    struct buf b = { 0 };
    char enc[8];
    size_t i = 0;

    buf_append(&b, "", 0);
    while (i < len) {
        uint32_t cp;

        i += text_decode(s + i, len - i, &cp);
        cp = text_safe_cp(cp);
        buf_append(&b, enc, text_encode(cp, enc));
    }
    return buf_steal(&b);
}

int text_width(const char *s)
{
    int used;

    text_fit(s, 1 << 30, &used);
    return used;
}

size_t text_fit(const char *s, int width, int *used)
{
    size_t len = strlen(s), i = 0;
    int cols = 0;

    while (i < len) {
        uint32_t cp;
        size_t n = text_decode(s + i, len - i, &cp);
        int w = text_cp_width(text_safe_cp(cp));

        if (cols + w > width)
            break;
        cols += w;
        i += n;
    }
    if (used != NULL)
        *used = cols;
    return i;
}
