/* Detail pane lines and their drawing. */
#include "detail.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"
#include "tui/sparkline.h"
#include "tui/text.h"
#include "views/format.h"

#define DETAIL_LABEL_W 14

static struct detail_line *detail_add(struct detail *d, enum detail_kind k)
{
    struct detail_line *l;

    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->v = xreallocarray(d->v, d->cap, sizeof *d->v);
    }
    l = &d->v[d->n++];
    memset(l, 0, sizeof *l);
    l->kind = k;
    return l;
}

void detail_heading(struct detail *d, const char *text)
{
    detail_add(d, DL_HEADING)->text = xstrdup(text);
}

void detail_kv(struct detail *d, const char *label, const char *fmt, ...)
{
    struct detail_line *l = detail_add(d, DL_KV);
    char buf[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    l->label = xstrdup(label);
    l->text = xstrdup(buf);
}

void detail_text(struct detail *d, const char *text)
{
    const char *p = text;

    while (p != NULL && *p != '\0') {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);

        detail_add(d, DL_TEXT)->text = xstrndup(p, len);
        p = nl ? nl + 1 : NULL;
    }
}

void detail_state(struct detail *d, enum mc_state state,
                  const struct mc_status *st, const char *name,
                  const char *text)
{
    struct detail_line *l = detail_add(d, DL_STATE);

    l->state = state;
    l->st = st;
    l->label = xstrdup(name);
    l->text = text != NULL ? xstrdup(text) : NULL;
}

void detail_spark(struct detail *d, const char *label, const double *v,
                  size_t n)
{
    struct detail_line *l = detail_add(d, DL_SPARK);

    l->label = xstrdup(label);
    l->series = xcalloc(n ? n : 1, sizeof *l->series);
    if (n > 0)
        memcpy(l->series, v, n * sizeof *v);
    l->nseries = n;
}

void detail_free(struct detail *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].label);
        free(d->v[i].text);
        free(d->v[i].series);
    }
    free(d->v);
    memset(d, 0, sizeof *d);
}

/* Draw one line; text lines longer than the width continue below. */
static int detail_draw_line(const struct detail_line *l, int y, int x, int w,
                            int maxy)
{
    char flags[32];
    bool handled = l->st != NULL && model_status_handled(l->st);
    int used;

    switch (l->kind) {
    case DL_HEADING:
        draw_text(y, x, w, ROLE_LABEL, l->text);
        return 1;
    case DL_KV:
        draw_text(y, x, DETAIL_LABEL_W, ROLE_LABEL, l->label);
        draw_text(y, x + DETAIL_LABEL_W, w - DETAIL_LABEL_W, ROLE_DEFAULT,
                  l->text);
        return 1;
    case DL_STATE:
        draw_cell(y, x, 5, format_state_role(l->state, handled),
                  model_state_label(l->state), ALIGN_CENTER);
        if (l->st != NULL)
            format_flags(l->st, flags, sizeof flags);
        else
            flags[0] = '\0';
        draw_text(y, x + 6, 5, ROLE_FLAG, flags);
        draw_text(y, x + 12, 18, ROLE_DEFAULT, l->label);
        draw_text(y, x + 31, w - 31, ROLE_DEFAULT, l->text);
        return 1;
    case DL_SPARK:
        draw_text(y, x, DETAIL_LABEL_W, ROLE_LABEL, l->label);
        sparkline_draw(y, x + DETAIL_LABEL_W, w - DETAIL_LABEL_W, ROLE_SPARK,
                       l->series, l->nseries, 0, 0, sparkline_style_auto());
        return 1;
    case DL_TEXT:
    default: {
        const char *p = l->text;
        int rows = 0;

        do {
            size_t n = text_fit(p, w, &used);

            if (n == 0 && *p != '\0')
                n = 1; /* a character wider than the pane */
            draw_textn(y + rows, x, w, ROLE_DEFAULT, p, n);
            p += n;
            rows++;
        } while (*p != '\0' && y + rows < maxy);
        return rows;
    }
    }
}

void detail_draw(const struct detail *d, struct tui_rect r, int *scroll)
{
    int y = r.y;

    if (*scroll > (int)d->n - 1)
        *scroll = d->n > 0 ? (int)d->n - 1 : 0;
    if (*scroll < 0)
        *scroll = 0;
    for (size_t i = (size_t)*scroll; i < d->n && y < r.y + r.h; i++)
        y += detail_draw_line(&d->v[i], y, r.x, r.w, r.y + r.h);
}
