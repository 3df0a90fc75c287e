/* A meter: a bar with warning and critical marks, htop style. */
#ifndef MCTOP_TUI_METER_H
#define MCTOP_TUI_METER_H

#include <stdbool.h>
#include <stdint.h>

enum meter_level { METER_OK, METER_WARN, METER_CRIT };

struct meter {
    double frac;       /* fill, 0..1 (clamped) */
    double warn, crit; /* mark positions as fractions; < 0 for none */
    enum meter_level level;
};

/* Cell kinds produced by meter_render, for colouring. */
enum meter_cell { MCELL_FILL, MCELL_EMPTY, MCELL_MARK_WARN, MCELL_MARK_CRIT };

/*
 * Lay the bar out in w cells: glyph[i] is the code point, kind[i] its
 * kind. UTF-8 uses eighth blocks for a smooth end; ASCII uses '|'.
 */
void meter_render(const struct meter *m, int w, bool utf8, uint32_t *glyph,
                  enum meter_cell *kind);
/* Draw the bar at (y, x), w cells wide. */
void meter_draw(int y, int x, int w, const struct meter *m);

#endif
