/* Colour roles and themes: every colour on screen is a role. */
#ifndef MCTOP_TUI_THEME_H
#define MCTOP_TUI_THEME_H

#include <stdbool.h>

/* R(role) for each role; expanded into the enum and the theme tables. */
/* clang-format off */
#define THEME_ROLES(R) \
    R(DEFAULT) R(HEADER) R(HEADER_TITLE) R(TAB) R(TAB_ACTIVE) R(COLHEAD)    \
    R(COLHEAD_SORT) R(CURSOR) R(MARKED) R(DIM) R(STALE) R(ST_OK)            \
    R(ST_WARN) R(ST_CRIT) R(ST_UNKN) R(ST_UP) R(ST_DOWN) R(ST_UNRCH)        \
    R(ST_PEND) R(HANDLED_WARN) R(HANDLED_CRIT) R(HANDLED_UNKN) R(METER_OK)  \
    R(METER_WARN) R(METER_CRIT) R(METER_EMPTY) R(METER_MARK) R(STATUS)      \
    R(STATUS_ERROR) R(STATUS_WARN) R(HINT_KEY) R(HINT) R(DIALOG)            \
    R(DIALOG_TITLE) R(DIALOG_SEL) R(PROMPT) R(LABEL) R(SPARK) R(FLAG)       \
    R(GRAPH_TITLE) R(GRAPH_FOCUS) R(SERIES1) R(SERIES2) R(SERIES3)          \
    R(SERIES4)
/* clang-format on */

enum theme_role {
#define THEME_ROLE_ENUM(name) ROLE_##name,
    THEME_ROLES(THEME_ROLE_ENUM)
#undef THEME_ROLE_ENUM
        ROLE_COUNT
};

enum theme_kind { THEME_DARK, THEME_LIGHT, THEME_MONO };

/* "dark", "light", "mono"; returns -1 for an unknown name. */
int theme_parse(const char *name);
const char *theme_name(enum theme_kind kind);

/*
 * Set up colour pairs for kind on the current terminal (8 or 256
 * colours). With no colour support or NO_COLOR set, MONO is used.
 * Returns the theme actually applied.
 */
enum theme_kind theme_apply(enum theme_kind kind);
/* Curses attributes of a role (attr_t, returned as unsigned long). */
unsigned long theme_attr(enum theme_role role);

#endif
