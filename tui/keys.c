/* Key names: parsing and printing, used by keymaps, help and hints. */
#include "keys.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tui/text.h"

static const struct {
    const char *name;
    int code;
} key_names[] = {
    /* The first name of a code is its canonical one. */
    { "Enter", TK_ENTER },
    { "Esc", TK_ESC },
    { "Tab", TK_TAB },
    { "BTab", TK_BTAB },
    { "Space", TK_SPACE },
    { "Up", TK_UP },
    { "Down", TK_DOWN },
    { "Left", TK_LEFT },
    { "Right", TK_RIGHT },
    { "Home", TK_HOME },
    { "End", TK_END },
    { "PageUp", TK_PGUP },
    { "PageDown", TK_PGDN },
    { "Insert", TK_INSERT },
    { "Delete", TK_DELETE },
    { "Backspace", TK_BACKSPACE },
    /* tmux spellings, accepted on input */
    { "PPage", TK_PGUP },
    { "NPage", TK_PGDN },
    { "BSpace", TK_BACKSPACE },
    { "DC", TK_DELETE },
    { "IC", TK_INSERT },
    { "Escape", TK_ESC },
    { "Return", TK_ENTER },
};

static int keys_parse_base(const char *s)
{
    uint32_t cp;
    size_t len = strlen(s), n;
    char *end;
    long f;

    for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
        if (strcasecmp(s, key_names[i].name) == 0)
            return key_names[i].code;
    if ((s[0] == 'F' || s[0] == 'f') && s[1] >= '1' && s[1] <= '9') {
        f = strtol(s + 1, &end, 10);
        if (*end == '\0' && f >= 1 && f <= 24)
            return TK_F0 + (int)f;
    }
    n = text_decode(s, len, &cp);
    if (len == 0 || n != len || cp == 0xFFFD || cp < 0x21 || cp == 0x7f)
        return -1;
    return (int)cp;
}

int keys_parse(const char *name)
{
    int meta = 0, ctrl = 0, code;

    if (name == NULL || name[0] == '\0')
        return -1;
    /* Modifiers: C- and M- prefixes in any order, not on a lone "-". */
    while (name[0] != '\0' && name[1] == '-' && name[2] != '\0') {
        if (name[0] == 'C' && !ctrl)
            ctrl = 1;
        else if (name[0] == 'M' && !meta)
            meta = 1;
        else
            return -1;
        name += 2;
    }
    code = keys_parse_base(name);
    if (code < 0)
        return -1;
    if (ctrl) {
        if (code >= 'a' && code <= 'z')
            code -= 'a' - 1;
        else if (code >= '@' && code <= '_')
            code -= '@';
        else if (code == TK_SPACE)
            code = 0;
        else
            return -1;
        if (code == 0)
            return -1; /* C-@ / C-Space cannot be bound */
    }
    return meta ? code | TK_META : code;
}

const char *keys_name(int code, char *buf, size_t size)
{
    const char *meta = (code & TK_META) ? "M-" : "";
    int base = code & ~TK_META;
    char utf8[8];

    for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++) {
        if (key_names[i].code == base) {
            snprintf(buf, size, "%s%s", meta, key_names[i].name);
            return buf;
        }
    }
    if (base > TK_F0 && base <= TK_LAST)
        snprintf(buf, size, "%sF%d", meta, base - TK_F0);
    else if (base > 0 && base < 32)
        snprintf(buf, size, "%sC-%c", meta, base + 'a' - 1);
    else if (base > 32 && base < TK_BASE) {
        text_encode((uint32_t)base, utf8);
        snprintf(buf, size, "%s%s", meta, utf8);
    } else
        snprintf(buf, size, "%s<%#x>", meta, (unsigned)base);
    return buf;
}
