/* Sparklines: a series in one line of braille, block or ASCII glyphs. */
#ifndef MCTOP_TUI_SPARKLINE_H
#define MCTOP_TUI_SPARKLINE_H

#include <stddef.h>
#include <stdint.h>

#include "tui/theme.h"

enum spark_style {
    SPARK_BRAILLE, /* 2 samples x 4 levels per cell */
    SPARK_BLOCK,   /* 1 sample x 8 levels per cell */
    SPARK_ASCII    /* 1 sample x 8 levels, for terminals without UTF-8 */
};

/*
 * Render the n values v (NAN is a gap) into w cells, scaled so lo is the
 * bottom and hi the top; out gets w code points. When there are more
 * samples than fit, buckets are averaged; the newest values are at the
 * right. lo == hi scales to the data.
 */
void sparkline_render(const double *v, size_t n, double lo, double hi, int w,
                      enum spark_style style, uint32_t *out);
void sparkline_draw(int y, int x, int w, enum theme_role role, const double *v,
                    size_t n, double lo, double hi, enum spark_style style);
/* The best style for the terminal: braille when UTF-8, else ASCII. */
enum spark_style sparkline_style_auto(void);

#endif
