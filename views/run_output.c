/*
 * One line of command output as it is shown: what a host prints is text
 * to read, never terminal control, so escape sequences go and the rest
 * is made safe to draw.
 */
#include "views/run.h"

#include <stdint.h>
#include <string.h>

#include "tui/text.h"

/* The bytes of the escape sequence at p (p[0] is ESC): all dropped. */
static size_t run_view_escape(const char *p, size_t n)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t i = 2;

    if (n < 2)
        return n;
    switch (p[1]) {
    case '[': /* CSI: parameters and intermediates, then a final byte */
        while (i < n && u[i] >= 0x20 && u[i] <= 0x3f)
            i++;
        return i < n && u[i] >= 0x40 && u[i] <= 0x7e ? i + 1 : i;
    case ']': /* strings (OSC, DCS, SOS, PM, APC) end at BEL or ST */
    case 'P':
    case 'X':
    case '^':
    case '_':
        for (; i < n; i++) {
            if (p[i] == '\a')
                return i + 1;
            if (p[i] == '\033' && i + 1 < n && p[i + 1] == '\\')
                return i + 2;
        }
        return n;
    default: /* ESC, intermediates, a final byte: "ESC ( B", "ESC 7" */
        i = 1;
        while (i < n && u[i] >= 0x20 && u[i] <= 0x2f)
            i++;
        return i < n && u[i] >= 0x30 && u[i] <= 0x7e ? i + 1 : i;
    }
}

char *run_view_line(const char *p, size_t n, char *out, size_t size)
{
    size_t o = 0, i = 0;
    int col = 0;

    if (size == 0)
        return out;
    while (n > 0 && p[n - 1] == '\r') /* CRLF */
        n--;
    for (size_t k = n; k > 0; k--) {
        if (p[k - 1] == '\r') { /* a terminal would show what came last */
            p += k;
            n -= k;
            break;
        }
    }
    while (i < n) {
        char enc[8];
        uint32_t cp;
        size_t len;

        if (p[i] == '\033') {
            i += run_view_escape(p + i, n - i);
            continue;
        }
        if (p[i] == '\t') {
            for (int stop = (col / 8 + 1) * 8; col < stop && o + 1 < size;)
                out[o++] = ' ', col++;
            i++;
            continue;
        }
        i += text_decode(p + i, n - i, &cp);
        cp = text_safe_cp(cp);
        len = text_encode(cp, enc);
        if (o + len >= size)
            break;
        memcpy(out + o, enc, len);
        o += len;
        col += text_cp_width(cp);
    }
    out[o] = '\0';
    return out;
}
