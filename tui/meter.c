/* Meter bars with threshold marks. */
#include "meter.h"

#include <math.h>

#include "tui/draw.h"
#include "tui/text.h"

#define METER_MAX_W 256

static int meter_mark_cell(double f, int w)
{
    int c;

    if (f < 0 || f > 1 || w <= 0)
        return -1;
    c = (int)floor(f * w);
    return c >= w ? w - 1 : c;
}

void meter_render(const struct meter *m, int w, bool utf8, uint32_t *glyph,
                  enum meter_cell *kind)
{
    double frac = m->frac;
    int eighths, full, part, wc, cc;

    if (!(frac >= 0)) /* also catches NAN */
        frac = 0;
    if (frac > 1)
        frac = 1;
    eighths = (int)lround(frac * w * 8);
    full = eighths / 8;
    part = utf8 ? eighths % 8 : 0;
    if (!utf8 && eighths % 8 >= 4)
        full++;
    for (int i = 0; i < w; i++) {
        if (i < full) {
            glyph[i] = utf8 ? 0x2588 : '|';
            kind[i] = MCELL_FILL;
        } else if (i == full && part > 0) {
            glyph[i] = 0x2590 - (uint32_t)part; /* U+258F..U+2589: 1/8..7/8 */
            kind[i] = MCELL_FILL;
        } else {
            glyph[i] = utf8 ? 0x00B7 : ' ';
            kind[i] = MCELL_EMPTY;
        }
    }
    /* Marks show on the empty part; a filled cell shows the level colour. */
    wc = meter_mark_cell(m->warn, w);
    cc = meter_mark_cell(m->crit, w);
    if (wc >= 0 && kind[wc] == MCELL_EMPTY) {
        glyph[wc] = utf8 ? 0x2502 : ':';
        kind[wc] = MCELL_MARK_WARN;
    }
    if (cc >= 0 && kind[cc] == MCELL_EMPTY) {
        glyph[cc] = utf8 ? 0x2503 : '!';
        kind[cc] = MCELL_MARK_CRIT;
    }
}

void meter_draw(int y, int x, int w, const struct meter *m)
{
    static const enum theme_role level_role[] = { ROLE_METER_OK,
                                                  ROLE_METER_WARN,
                                                  ROLE_METER_CRIT };
    uint32_t glyph[METER_MAX_W];
    enum meter_cell kind[METER_MAX_W];

    if (w > METER_MAX_W)
        w = METER_MAX_W;
    if (w <= 0)
        return;
    meter_render(m, w, text_utf8(), glyph, kind);
    for (int i = 0; i < w; i++) {
        enum theme_role role = ROLE_METER_EMPTY;

        if (kind[i] == MCELL_FILL)
            role = level_role[m->level];
        else if (kind[i] == MCELL_MARK_WARN)
            role = ROLE_METER_WARN;
        else if (kind[i] == MCELL_MARK_CRIT)
            role = ROLE_METER_CRIT;
        draw_glyph(y, x + i, role, glyph[i]);
    }
}
