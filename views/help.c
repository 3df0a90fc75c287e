/* The help overlay, generated from the active keymap. */
#include <stdio.h>
#include <string.h>

#include "backend/buf.h"
#include "tui/text.h"
#include "views/actions.h"
#include "views/app.h"

static const char *const help_table_titles[KT_COUNT] = {
    [KT_GLOBAL] = "Everywhere", [KT_LIST] = "Lists",
    [KT_HOSTS] = "Hosts view",  [KT_ALERTS] = "Alerts view",
    [KT_RUN] = "Run view",      [KT_GRAPHS] = "Graphs view",
    [KT_LOGS] = "Logs view",
};

static const char *const help_commands[] = {
    ":hosts, :alerts        switch view",
    ":filter [TEXT]         set or clear the filter",
    ":sort COLUMN [asc|desc] sort by a column",
    ":theme dark|light|mono change the colours",
    ":mouse on|off          mouse support",
    ":dismiss               forget the failed actions",
    ":reconnect             connect to the bastions again now",
    ":run COMMAND           run it on the marked hosts, output per host",
    ":graphs [HOST]         the Cacti graphs of a host",
    ":graphs range 1h|6h|1d|1w|1m  the graphs' time range",
    ":logs [QUERY]          search the logs (the last query if none)",
    ":logs range FROM [TO]  the logs' range: 1h, now-2h, 2026-11-26T10:00",
    ":logs saved NAME       run one of the site's saved queries",
    ":help                  this help",
    ":quit, :q              quit",
    NULL,
};

/* All bound keys of an action in a table: "j, Down". */
static void help_keys(const struct app *app, int table, int action, char *buf,
                      size_t size)
{
    int keys[8];
    size_t n = keymap_keys_for(&app->km, table, action, keys, 8), used = 0;
    char name[32];

    buf[0] = '\0';
    for (size_t i = 0; i < n && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
                                 keys_name(keys[i], name, sizeof name));
}

/* The help text as lines; headings start with '#'. */
static size_t help_lines(const struct app *app, struct buf *out)
{
    size_t n = 0;
    char keys[128], line[512];

    for (int t = 0; t < KT_COUNT; t++) {
        buf_printf(out, "#%s\n", help_table_titles[t]);
        n++;
        for (const struct keymap_action *a = app->km.actions; a->name; a++) {
            help_keys(app, t, a->id, keys, sizeof keys);
            if (keys[0] == '\0')
                continue;
            snprintf(line, sizeof line, "  %-16s %s\n", keys, a->desc);
            buf_puts(out, line);
            n++;
        }
        buf_puts(out, "\n");
        n++;
    }
    buf_puts(out, "#Commands\n");
    n++;
    for (size_t i = 0; help_commands[i] != NULL; i++, n++)
        buf_printf(out, "  %s\n", help_commands[i]);
    return n;
}

void help_draw(struct app *app, struct tui_rect r)
{
    struct buf b = { 0 };
    struct tui_rect box = r;
    size_t n = help_lines(app, &b);
    const char *p = b.data;
    int y, inner_h;

    if (box.w > 84) {
        box.x += (box.w - 84) / 2;
        box.w = 84;
    }
    draw_box(box, ROLE_DIALOG, "Keys (Esc closes, arrows scroll)");
    inner_h = box.h - 2;
    if (app->help_scroll > (int)n - inner_h)
        app->help_scroll = (int)n - inner_h > 0 ? (int)n - inner_h : 0;
    for (int i = 0; i < app->help_scroll && p != NULL; i++) {
        p = strchr(p, '\n');
        p = p ? p + 1 : NULL;
    }
    for (y = box.y + 1; y < box.y + box.h - 1 && p != NULL && *p; y++) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);

        if (p[0] == '#')
            draw_textn(y, box.x + 2, box.w - 4, ROLE_DIALOG_TITLE, p + 1,
                       len - 1);
        else
            draw_textn(y, box.x + 2, box.w - 4, ROLE_DIALOG, p, len);
        p = nl ? nl + 1 : NULL;
    }
    buf_free(&b);
}

bool help_key(struct app *app, int key)
{
    switch (key) {
    case TK_UP:
    case 'k':
        app->help_scroll = app->help_scroll > 0 ? app->help_scroll - 1 : 0;
        return true;
    case TK_DOWN:
    case 'j':
        app->help_scroll++;
        return true;
    case TK_PGUP:
        app->help_scroll = app->help_scroll > 10 ? app->help_scroll - 10 : 0;
        return true;
    case TK_PGDN:
    case TK_SPACE:
        app->help_scroll += 10;
        return true;
    case TK_HOME:
        app->help_scroll = 0;
        return true;
    default:
        return false; /* any other key closes the help */
    }
}
