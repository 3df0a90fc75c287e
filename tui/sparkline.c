/* Sparkline rendering into braille, block or ASCII glyphs. */
#include "sparkline.h"

#include <math.h>
#include <stdbool.h>

#include "tui/draw.h"
#include "tui/text.h"

#define SPARK_MAX_W 512

static const char spark_ascii[] = "_.,-~=*#";

/* Average of v[a, b), skipping gaps; NAN when all are gaps. */
static double sparkline_bucket(const double *v, size_t a, size_t b)
{
    double sum = 0;
    size_t k = 0;

    for (size_t i = a; i < b; i++) {
        if (!isnan(v[i])) {
            sum += v[i];
            k++;
        }
    }
    return k ? sum / (double)k : NAN;
}

/* Level 1..levels for a value (a value at lo still shows), 0 for a gap. */
static int sparkline_level(double x, double lo, double hi, int levels)
{
    double f;
    int l;

    if (isnan(x))
        return 0;
    f = hi > lo ? (x - lo) / (hi - lo) : 0.5;
    l = 1 + (int)floor(f * (levels - 1) + 0.5);
    return l < 1 ? 1 : l > levels ? levels : l;
}

/* Resample v into m slots aligned to the right (newest at the end). */
static void sparkline_resample(const double *v, size_t n, size_t m,
                               double *slot)
{
    for (size_t i = 0; i < m; i++)
        slot[i] = NAN;
    if (n <= m) {
        for (size_t i = 0; i < n; i++)
            slot[m - n + i] = v[i];
        return;
    }
    for (size_t i = 0; i < m; i++)
        slot[i] = sparkline_bucket(v, i * n / m, (i + 1) * n / m);
}

static void sparkline_range(const double *v, size_t n, double *lo, double *hi)
{
    bool any = false;

    for (size_t i = 0; i < n; i++) {
        if (isnan(v[i]))
            continue;
        if (!any || v[i] < *lo)
            *lo = v[i];
        if (!any || v[i] > *hi)
            *hi = v[i];
        any = true;
    }
}

void sparkline_render(const double *v, size_t n, double lo, double hi, int w,
                      enum spark_style style, uint32_t *out)
{
    static const uint8_t left[] = { 0, 0x40, 0x44, 0x46, 0x47 };
    static const uint8_t right[] = { 0, 0x80, 0xA0, 0xB0, 0xB8 };
    double slot[2 * SPARK_MAX_W];
    size_t per = style == SPARK_BRAILLE ? 2 : 1;

    if (w > SPARK_MAX_W)
        w = SPARK_MAX_W;
    if (w <= 0)
        return;
    sparkline_resample(v, n, (size_t)w * per, slot);
    if (lo == hi)
        sparkline_range(slot, (size_t)w * per, &lo, &hi);
    for (int i = 0; i < w; i++) {
        if (style == SPARK_BRAILLE) {
            int a = sparkline_level(slot[2 * i], lo, hi, 4);
            int b = sparkline_level(slot[2 * i + 1], lo, hi, 4);

            out[i] = (a || b) ? 0x2800u + left[a] + right[b] : ' ';
        } else {
            int l = sparkline_level(slot[i], lo, hi, 8);

            if (l == 0)
                out[i] = ' ';
            else if (style == SPARK_BLOCK)
                out[i] = 0x2580u + (uint32_t)l; /* U+2581..U+2588 */
            else
                out[i] = (uint32_t)spark_ascii[l - 1];
        }
    }
}

enum spark_style sparkline_style_auto(void)
{
    return text_utf8() ? SPARK_BRAILLE : SPARK_ASCII;
}

void sparkline_draw(int y, int x, int w, enum theme_role role, const double *v,
                    size_t n, double lo, double hi, enum spark_style style)
{
    uint32_t out[SPARK_MAX_W];

    if (w > SPARK_MAX_W)
        w = SPARK_MAX_W;
    if (w <= 0)
        return;
    if (!text_utf8())
        style = SPARK_ASCII;
    sparkline_render(v, n, lo, hi, w, style, out);
    for (int i = 0; i < w; i++)
        draw_glyph(y, x + i, role, out[i]);
}
