/* ":" commands and their Tab completion. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/loop.h"
#include "backend/site.h"
#include "backend/triage.h"
#include "backend/xalloc.h"
#include "tui/screen.h"
#include "views/app.h"
#include "views/graphs.h"
#include "views/logs.h"
#include "views/run.h"

struct command {
    const char *name;
    int (*run)(struct app *app, const char *arg);
    const char *const *(*args)(struct app *app);
};

static int command_view(struct app *app, int id)
{
    app_switch_view(app, id);
    return 0;
}

static int command_hosts(struct app *app, const char *arg)
{
    (void)arg;
    return command_view(app, VIEW_HOSTS);
}

static int command_alerts(struct app *app, const char *arg)
{
    (void)arg;
    return command_view(app, VIEW_ALERTS);
}

static int command_quit(struct app *app, const char *arg)
{
    (void)arg;
    loop_stop(app->loop);
    return 0;
}

static int command_help(struct app *app, const char *arg)
{
    (void)arg;
    app->mode = MODE_HELP;
    app->help_scroll = 0;
    return 0;
}

static int command_filter(struct app *app, const char *arg)
{
    struct view *v = &app->views[app->cur];

    v->ops->set_filter(v->state, arg);
    return 0;
}

static int command_sort(struct app *app, const char *arg)
{
    struct view *v = &app->views[app->cur];
    char col[64] = "", dir[16] = "";
    int desc = -1;

    if (sscanf(arg, "%63s %15s", col, dir) < 1) {
        app_message(app, MSG_ERROR, "usage: sort COLUMN [asc|desc]");
        return -1;
    }
    if (strcmp(dir, "desc") == 0)
        desc = 1;
    else if (strcmp(dir, "asc") == 0)
        desc = 0;
    else if (dir[0] != '\0') {
        app_message(app, MSG_ERROR, "sort: '%s' is not asc or desc", dir);
        return -1;
    }
    if (v->ops->sort_by(v->state, col, desc) < 0) {
        app_message(app, MSG_ERROR, "sort: no column '%s' in this view", col);
        return -1;
    }
    return 0;
}

static int command_theme(struct app *app, const char *arg)
{
    int t = theme_parse(arg);

    if (t < 0) {
        app_message(app, MSG_ERROR, "theme: '%s' is not dark, light or mono",
                    arg);
        return -1;
    }
    screen_set_theme((enum theme_kind)t);
    if ((int)screen_theme() != t)
        app_message(app, MSG_WARN,
                    "no colours here (NO_COLOR or terminal):"
                    " using mono");
    return 0;
}

static int command_mouse(struct app *app, const char *arg)
{
    if (strcmp(arg, "on") != 0 && strcmp(arg, "off") != 0) {
        app_message(app, MSG_ERROR, "usage: mouse on|off");
        return -1;
    }
    screen_set_mouse(strcmp(arg, "on") == 0);
    return 0;
}

static int command_dismiss(struct app *app, const char *arg)
{
    size_t n = 0;

    (void)arg;
    for (size_t i = 0; i < app->nsites; i++)
        n += triage_dismiss(app->sites[i]->triage);
    app_message(app, MSG_INFO, "%zu failed action%s dismissed", n,
                n == 1 ? "" : "s");
    app_dirty(app);
    return 0;
}

static int command_reconnect(struct app *app, const char *arg)
{
    (void)arg;
    for (size_t i = 0; i < app->nsites; i++)
        site_reconnect(app->sites[i]);
    return 0;
}

static int command_graphs(struct app *app, const char *arg)
{
    return graphs_view_command(app, arg);
}

static int command_logs(struct app *app, const char *arg)
{
    return logs_view_command(app, arg);
}

static int command_run(struct app *app, const char *arg)
{
    return run_view_command(app, arg);
}

static const char *const *command_sort_args(struct app *app)
{
    struct view *v = &app->views[app->cur];

    return v->ops->columns(v->state);
}

static const char *const *command_theme_args(struct app *app)
{
    static const char *const themes[] = { "dark", "light", "mono", NULL };

    (void)app;
    return themes;
}

static const char *const *command_mouse_args(struct app *app)
{
    static const char *const onoff[] = { "on", "off", NULL };

    (void)app;
    return onoff;
}

static const char *const *command_logs_args(struct app *app)
{
    static const char *const words[] = { "range", "saved", NULL };

    (void)app;
    return words;
}

static const struct command commands[] = {
    { "alerts", command_alerts, NULL },
    { "dismiss", command_dismiss, NULL },
    { "filter", command_filter, NULL },
    { "graphs", command_graphs, NULL },
    { "help", command_help, NULL },
    { "hosts", command_hosts, NULL },
    { "logs", command_logs, command_logs_args },
    { "mouse", command_mouse, command_mouse_args },
    { "q", command_quit, NULL },
    { "quit", command_quit, NULL },
    { "reconnect", command_reconnect, NULL },
    { "run", command_run, NULL },
    { "sort", command_sort, command_sort_args },
    { "theme", command_theme, command_theme_args },
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

int app_command(struct app *app, const char *line)
{
    char name[64];
    const char *arg;
    size_t len;

    while (*line == ' ' || *line == ':')
        line++;
    len = strcspn(line, " ");
    if (len == 0)
        return 0;
    snprintf(name, sizeof name, "%.*s", (int)len, line);
    arg = line + len;
    while (*arg == ' ')
        arg++;
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return commands[i].run(app, arg);
    app_message(app, MSG_ERROR, "unknown command ':%s' (:help lists them)",
                name);
    return -1;
}

static size_t command_matches(const char *const *words, const char *prefix,
                              char ***out)
{
    size_t n = 0, len = strlen(prefix);

    *out = NULL;
    for (size_t i = 0; words != NULL && words[i] != NULL; i++) {
        if (strncmp(words[i], prefix, len) != 0)
            continue;
        *out = xreallocarray(*out, n + 1, sizeof **out);
        (*out)[n++] = xstrdup(words[i]);
    }
    return n;
}

size_t command_complete(void *arg, const char *text, size_t *word_start,
                        char ***out)
{
    struct app *app = arg;
    const char *sp = strchr(text, ' ');
    const char *names[NCOMMANDS + 1];

    if (sp == NULL) {
        for (size_t i = 0; i < NCOMMANDS; i++)
            names[i] = commands[i].name;
        names[NCOMMANDS] = NULL;
        *word_start = 0;
        return command_matches(names, text, out);
    }
    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (strncmp(commands[i].name, text, (size_t)(sp - text)) != 0 ||
            strlen(commands[i].name) != (size_t)(sp - text))
            continue;
        if (commands[i].args == NULL || strchr(sp + 1, ' ') != NULL)
            return 0;
        *word_start = (size_t)(sp + 1 - text);
        return command_matches(commands[i].args(app), sp + 1, out);
    }
    return 0;
}
