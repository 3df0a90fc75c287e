/*
 * The detail pane: a view describes the selected row as lines (headings,
 * label: value pairs, wrapped text, service states, sparklines) and the
 * pane draws and scrolls them.
 */
#ifndef MCTOP_VIEWS_DETAIL_H
#define MCTOP_VIEWS_DETAIL_H

#include <stddef.h>

#include "backend/model.h"
#include "tui/draw.h"

enum detail_kind { DL_HEADING, DL_KV, DL_TEXT, DL_STATE, DL_SPARK };

struct detail_line {
    enum detail_kind kind;
    char *label;
    char *text;
    enum mc_state state; /* DL_STATE */
    const struct mc_status *st;
    double *series; /* DL_SPARK, owned */
    size_t nseries;
};

struct detail {
    struct detail_line *v;
    size_t n, cap;
};

void detail_heading(struct detail *d, const char *text);
void detail_kv(struct detail *d, const char *label, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Text with newlines becomes several lines; long lines wrap when drawn. */
void detail_text(struct detail *d, const char *text);
/* A state badge, its flags from st, a name and a text (e.g. a service). */
void detail_state(struct detail *d, enum mc_state state,
                  const struct mc_status *st, const char *name,
                  const char *text);
void detail_spark(struct detail *d, const char *label, const double *v,
                  size_t n);
void detail_free(struct detail *d);

/* Draw from line `*scroll` (clamped) into r. */
void detail_draw(const struct detail *d, struct tui_rect r, int *scroll);

#endif
