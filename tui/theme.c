/*
 * Theme tables: one row per role with its dark, light and monochrome
 * rendering; 256-colour terminals get finer shades of the same hues.
 */
#include "theme.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

struct theme_colour {
    short fg8, bg8; /* 8-colour palette; -1 is the terminal default */
    short fg256, bg256;
    attr_t attr;
};

struct theme_row {
    struct theme_colour dark, light;
    attr_t mono;
};

#define C(f8, b8, f256, b256, a)                                               \
    {                                                                          \
        f8, b8, f256, b256, a                                                  \
    }
#define D -1 /* the terminal's default colour */

/* Icinga's hues: OK green, WARN yellow/orange, CRIT red, UNKN purple. */
static const struct theme_row theme_rows[ROLE_COUNT] = {
    [ROLE_DEFAULT] = { C(D, D, D, D, 0), C(D, D, D, D, 0), 0 },
    [ROLE_HEADER] = { C(COLOR_WHITE, COLOR_BLUE, 255, 24, 0),
                      C(COLOR_BLACK, COLOR_CYAN, 16, 153, 0), A_REVERSE },
    [ROLE_HEADER_TITLE] = { C(COLOR_YELLOW, COLOR_BLUE, 220, 24, A_BOLD),
                            C(COLOR_BLUE, COLOR_CYAN, 18, 153, A_BOLD),
                            A_REVERSE | A_BOLD },
    [ROLE_TAB] = { C(D, D, 250, D, 0), C(D, D, 238, D, 0), 0 },
    [ROLE_TAB_ACTIVE] = { C(COLOR_BLACK, COLOR_CYAN, 16, 117, A_BOLD),
                          C(COLOR_WHITE, COLOR_BLUE, 255, 25, A_BOLD),
                          A_REVERSE | A_BOLD },
    [ROLE_COLHEAD] = { C(COLOR_BLACK, COLOR_GREEN, 16, 71, 0),
                       C(COLOR_BLACK, COLOR_GREEN, 16, 114, 0),
                       A_BOLD | A_UNDERLINE },
    [ROLE_COLHEAD_SORT] = { C(COLOR_BLACK, COLOR_CYAN, 16, 117, A_BOLD),
                            C(COLOR_BLACK, COLOR_CYAN, 16, 81, A_BOLD),
                            A_REVERSE | A_BOLD },
    [ROLE_CURSOR] = { C(COLOR_BLACK, COLOR_CYAN, 255, 25, 0),
                      C(COLOR_BLACK, COLOR_CYAN, 16, 153, 0), A_REVERSE },
    [ROLE_MARKED] = { C(COLOR_YELLOW, D, 220, D, A_BOLD),
                      C(COLOR_MAGENTA, D, 127, D, A_BOLD), A_BOLD },
    [ROLE_DIM] = { C(D, D, 244, D, A_DIM), C(D, D, 244, D, A_DIM), A_DIM },
    [ROLE_STALE] = { C(COLOR_YELLOW, D, 215, D, A_BOLD),
                     C(COLOR_RED, D, 130, D, A_BOLD), A_BOLD },
    [ROLE_ST_OK] = { C(COLOR_GREEN, D, 72, D, 0), C(COLOR_GREEN, D, 28, D, 0),
                     0 },
    [ROLE_ST_WARN] = { C(COLOR_BLACK, COLOR_YELLOW, 16, 215, 0),
                       C(COLOR_BLACK, COLOR_YELLOW, 16, 214, 0), A_REVERSE },
    [ROLE_ST_CRIT] = { C(COLOR_WHITE, COLOR_RED, 231, 203, A_BOLD),
                       C(COLOR_WHITE, COLOR_RED, 231, 160, A_BOLD),
                       A_REVERSE | A_BOLD },
    [ROLE_ST_UNKN] = { C(COLOR_WHITE, COLOR_MAGENTA, 231, 135, A_BOLD),
                       C(COLOR_WHITE, COLOR_MAGENTA, 231, 91, A_BOLD),
                       A_REVERSE | A_UNDERLINE },
    [ROLE_ST_UP] = { C(COLOR_GREEN, D, 72, D, 0), C(COLOR_GREEN, D, 28, D, 0),
                     0 },
    [ROLE_ST_DOWN] = { C(COLOR_WHITE, COLOR_RED, 231, 203, A_BOLD),
                       C(COLOR_WHITE, COLOR_RED, 231, 160, A_BOLD),
                       A_REVERSE | A_BOLD },
    [ROLE_ST_UNRCH] = { C(COLOR_WHITE, COLOR_MAGENTA, 231, 135, A_BOLD),
                        C(COLOR_WHITE, COLOR_MAGENTA, 231, 91, A_BOLD),
                        A_REVERSE | A_UNDERLINE },
    [ROLE_ST_PEND] = { C(COLOR_CYAN, D, 111, D, 0), C(COLOR_BLUE, D, 26, D, 0),
                       A_DIM },
    /* Handled problems: the hue without the alarm background. */
    [ROLE_HANDLED_WARN] = { C(COLOR_YELLOW, D, 222, D, 0),
                            C(COLOR_YELLOW, D, 136, D, 0), A_UNDERLINE },
    [ROLE_HANDLED_CRIT] = { C(COLOR_RED, D, 217, D, 0),
                            C(COLOR_RED, D, 167, D, 0), A_UNDERLINE },
    [ROLE_HANDLED_UNKN] = { C(COLOR_MAGENTA, D, 183, D, 0),
                            C(COLOR_MAGENTA, D, 97, D, 0), A_UNDERLINE },
    [ROLE_METER_OK] = { C(COLOR_GREEN, D, 72, D, 0),
                        C(COLOR_GREEN, D, 28, D, 0), 0 },
    [ROLE_METER_WARN] = { C(COLOR_YELLOW, D, 215, D, A_BOLD),
                          C(COLOR_YELLOW, D, 172, D, A_BOLD), A_BOLD },
    [ROLE_METER_CRIT] = { C(COLOR_RED, D, 203, D, A_BOLD),
                          C(COLOR_RED, D, 160, D, A_BOLD), A_BOLD },
    [ROLE_METER_EMPTY] = { C(D, D, 238, D, A_DIM), C(D, D, 252, D, 0), A_DIM },
    [ROLE_METER_MARK] = { C(COLOR_WHITE, D, 250, D, A_BOLD),
                          C(COLOR_BLACK, D, 236, D, A_BOLD), A_BOLD },
    [ROLE_STATUS] = { C(D, D, D, D, 0), C(D, D, D, D, 0), 0 },
    [ROLE_STATUS_ERROR] = { C(COLOR_RED, D, 203, D, A_BOLD),
                            C(COLOR_RED, D, 160, D, A_BOLD), A_BOLD },
    [ROLE_STATUS_WARN] = { C(COLOR_YELLOW, D, 215, D, 0),
                           C(COLOR_RED, D, 130, D, 0), A_BOLD },
    [ROLE_HINT_KEY] = { C(D, D, 255, D, A_BOLD), C(D, D, 16, D, A_BOLD),
                        A_BOLD },
    [ROLE_HINT] = { C(COLOR_BLACK, COLOR_CYAN, 16, 117, 0),
                    C(COLOR_BLACK, COLOR_CYAN, 16, 153, 0), A_REVERSE },
    [ROLE_DIALOG] = { C(COLOR_WHITE, COLOR_BLUE, 255, 237, 0),
                      C(COLOR_BLACK, COLOR_WHITE, 16, 254, 0), 0 },
    [ROLE_DIALOG_TITLE] = { C(COLOR_YELLOW, COLOR_BLUE, 220, 237, A_BOLD),
                            C(COLOR_BLUE, COLOR_WHITE, 18, 254, A_BOLD),
                            A_BOLD },
    [ROLE_DIALOG_SEL] = { C(COLOR_BLACK, COLOR_CYAN, 16, 117, 0),
                          C(COLOR_WHITE, COLOR_BLUE, 255, 25, 0), A_REVERSE },
    [ROLE_PROMPT] = { C(D, D, D, D, A_BOLD), C(D, D, D, D, A_BOLD), A_BOLD },
    [ROLE_LABEL] = { C(COLOR_CYAN, D, 117, D, 0), C(COLOR_BLUE, D, 25, D, 0),
                     A_BOLD },
    [ROLE_SPARK] = { C(COLOR_CYAN, D, 80, D, 0), C(COLOR_BLUE, D, 31, D, 0),
                     0 },
    [ROLE_FLAG] = { C(COLOR_CYAN, D, 153, D, A_BOLD),
                    C(COLOR_BLUE, D, 25, D, A_BOLD), A_BOLD },
    /* Graph panels: the focused title stands out; series are told apart by
     * hue (label and chart share it) and, in mono, by alternating weight. */
    [ROLE_GRAPH_TITLE] = { C(D, D, D, D, 0), C(D, D, D, D, 0), 0 },
    [ROLE_GRAPH_FOCUS] = { C(COLOR_CYAN, D, 117, D, A_BOLD),
                           C(COLOR_BLUE, D, 25, D, A_BOLD),
                           A_BOLD | A_UNDERLINE },
    [ROLE_SERIES1] = { C(COLOR_CYAN, D, 80, D, 0), C(COLOR_BLUE, D, 31, D, 0),
                       0 },
    [ROLE_SERIES2] = { C(COLOR_YELLOW, D, 179, D, 0),
                       C(COLOR_RED, D, 130, D, 0), A_BOLD },
    [ROLE_SERIES3] = { C(COLOR_MAGENTA, D, 170, D, 0),
                       C(COLOR_MAGENTA, D, 127, D, 0), 0 },
    [ROLE_SERIES4] = { C(COLOR_GREEN, D, 114, D, 0),
                       C(COLOR_GREEN, D, 28, D, 0), A_BOLD },
};

static attr_t theme_attrs[ROLE_COUNT];

static const char *const theme_names[] = { "dark", "light", "mono" };

int theme_parse(const char *name)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(name, theme_names[i]) == 0)
            return i;
    return -1;
}

const char *theme_name(enum theme_kind kind)
{
    return theme_names[kind];
}

enum theme_kind theme_apply(enum theme_kind kind)
{
    const char *nc = getenv("NO_COLOR");
    bool wide;

    /* https://no-color.org: any non-empty value disables colour. */
    if ((nc != NULL && nc[0] != '\0') || !has_colors())
        kind = THEME_MONO;
    if (kind == THEME_MONO) {
        for (int r = 0; r < ROLE_COUNT; r++)
            theme_attrs[r] = theme_rows[r].mono;
        return kind;
    }
    start_color();
    use_default_colors();
    wide = COLORS >= 256 && COLOR_PAIRS > ROLE_COUNT;
    for (int r = 0; r < ROLE_COUNT; r++) {
        const struct theme_colour *c =
            kind == THEME_LIGHT ? &theme_rows[r].light : &theme_rows[r].dark;
        short fg = wide ? c->fg256 : c->fg8, bg = wide ? c->bg256 : c->bg8;

        init_pair((short)(r + 1), fg, bg);
        theme_attrs[r] = COLOR_PAIR(r + 1) | c->attr;
        if (!wide && fg == D && bg == D && r == ROLE_DIM)
            theme_attrs[r] = A_DIM;
    }
    return kind;
}

unsigned long theme_attr(enum theme_role role)
{
    return theme_attrs[role];
}
