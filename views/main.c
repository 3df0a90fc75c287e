/* mctop: command line, configuration, keymaps, then the application. */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/config.h"
#include "backend/loop.h"
#include "backend/site.h"
#include "backend/worker.h"
#include "backend/xalloc.h"
#include "tui/theme.h"
#include "views/actions.h"
#include "views/app.h"
#include "views/attach.h"

#define MCTOP_VERSION "0.1.0"

struct options {
    const char *config;
    const char *keymap;
    const char *theme;
    const char *trace;
    const char *view;
    bool demo, check_config, no_mouse, readonly;
    unsigned seed;
    int demo_scale;
    long frames;
    struct attach_options attach; /* socket set: the tmux window's helper */
    const char *attach_demo;
    const char *self_path;
};

static void usage(FILE *f)
{
    fputs("usage: mctop [-c FILE] [--keymap NAME|PATH] [--theme THEME] "
          "[--no-mouse]\n"
          "             [--readonly] [--check-config]\n"
          "       mctop --demo [--seed N] [--demo-scale HOSTS]\n"
          "\n"
          "  -c, --config FILE     configuration (default "
          "$XDG_CONFIG_HOME/mctop/config)\n"
          "      --check-config    check the configuration and exit\n"
          "  -k, --keymap NAME     default, vi, emacs or a keymap file\n"
          "  -t, --theme THEME     dark, light or mono\n"
          "      --no-mouse        leave the mouse to the terminal\n"
          "      --view VIEW       start in the hosts or the alerts view\n"
          "      --readonly        disable every action on monitored "
          "objects, and :run\n"
          "      --demo            run on the built-in demo site\n"
          "      --seed N          demo: make the site reproducible\n"
          "      --demo-scale N    demo: number of hosts (default 60)\n"
          "      --frames N        exit after N frames (testing)\n"
          "      --trace FILE      write key and frame timings (benchmarks)\n"
          "  -V, --version         print the version\n"
          "  -h, --help            this help\n"
          "See mctop(1) and mctop.conf(5).\n",
          f);
}

static long options_number(const char *opt, const char *s, long min, long max)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || end == s || v < min || v > max) {
        fprintf(stderr, "mctop: %s: '%s' is not a number from %ld to %ld\n",
                opt, s, min, max);
        exit(2);
    }
    return v;
}

static void options_parse(int argc, char **argv, struct options *o)
{
    enum {
        O_CHECK = 256,
        O_NOMOUSE,
        O_READONLY,
        O_DEMO,
        O_SEED,
        O_SCALE,
        O_FRAMES,
        O_TRACE,
        O_VIEW,
        O_ATTACH,
        O_ATTACH_TO,
        O_ATTACH_HOST,
        O_ATTACH_SITE,
        O_ATTACH_ID,
        O_ATTACH_KH,
        O_ATTACH_LOG,
        O_ATTACH_DEMO
    };
    static const struct option longopts[] = {
        { "config", required_argument, NULL, 'c' },
        { "check-config", no_argument, NULL, O_CHECK },
        { "keymap", required_argument, NULL, 'k' },
        { "theme", required_argument, NULL, 't' },
        { "no-mouse", no_argument, NULL, O_NOMOUSE },
        { "readonly", no_argument, NULL, O_READONLY },
        { "demo", no_argument, NULL, O_DEMO },
        { "seed", required_argument, NULL, O_SEED },
        { "demo-scale", required_argument, NULL, O_SCALE },
        { "frames", required_argument, NULL, O_FRAMES },
        { "trace", required_argument, NULL, O_TRACE },
        { "view", required_argument, NULL, O_VIEW },
        /* for the tmux windows mctop opens (see app_shell.c) */
        { "attach", required_argument, NULL, O_ATTACH },
        { "attach-to", required_argument, NULL, O_ATTACH_TO },
        { "attach-host", required_argument, NULL, O_ATTACH_HOST },
        { "attach-site", required_argument, NULL, O_ATTACH_SITE },
        { "attach-identity", required_argument, NULL, O_ATTACH_ID },
        { "attach-known-hosts", required_argument, NULL, O_ATTACH_KH },
        { "attach-log-dir", required_argument, NULL, O_ATTACH_LOG },
        { "attach-demo", required_argument, NULL, O_ATTACH_DEMO },
        { "version", no_argument, NULL, 'V' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;

    while ((c = getopt_long(argc, argv, "c:k:t:Vh", longopts, NULL)) != -1) {
        switch (c) {
        case 'c':
            o->config = optarg;
            break;
        case 'k':
            o->keymap = optarg;
            break;
        case 't':
            o->theme = optarg;
            break;
        case O_CHECK:
            o->check_config = true;
            break;
        case O_NOMOUSE:
            o->no_mouse = true;
            break;
        case O_READONLY:
            o->readonly = true;
            break;
        case O_DEMO:
            o->demo = true;
            break;
        case O_SEED:
            o->seed =
                (unsigned)options_number("--seed", optarg, 0, 4294967295L);
            break;
        case O_SCALE:
            o->demo_scale =
                (int)options_number("--demo-scale", optarg, 1, 1000000);
            break;
        case O_FRAMES:
            o->frames = options_number("--frames", optarg, 1, 1L << 30);
            break;
        case O_TRACE:
            o->trace = optarg;
            break;
        case O_VIEW:
            if (strcmp(optarg, "hosts") != 0 && strcmp(optarg, "alerts") != 0) {
                fprintf(stderr, "mctop: --view: hosts or alerts\n");
                exit(2);
            }
            o->view = optarg;
            break;
        case O_ATTACH:
            o->attach.socket = optarg;
            break;
        case O_ATTACH_TO:
            o->attach.to = optarg;
            break;
        case O_ATTACH_HOST:
            o->attach.host = optarg;
            break;
        case O_ATTACH_SITE:
            o->attach.site = optarg;
            break;
        case O_ATTACH_ID:
            o->attach.identity = optarg;
            break;
        case O_ATTACH_KH:
            o->attach.known_hosts = optarg;
            break;
        case O_ATTACH_LOG:
            o->attach.log_dir = optarg;
            break;
        case O_ATTACH_DEMO:
            o->attach_demo = optarg;
            break;
        case 'V':
            puts("mctop " MCTOP_VERSION);
            exit(0);
        case 'h':
            usage(stdout);
            exit(0);
        default:
            usage(stderr);
            exit(2);
        }
    }
    if (optind < argc) {
        fprintf(stderr, "mctop: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        exit(2);
    }
    if (o->attach.socket != NULL &&
        (o->attach.to == NULL || o->attach.host == NULL)) {
        fprintf(stderr,
                "mctop: --attach needs --attach-to and --attach-host\n");
        exit(2);
    }
}

/* This program, for the tmux windows it opens; argv[0] as a fallback. */
static const char *main_self_path(const char *argv0)
{
    static char path[4096];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);

    if (n <= 0)
        return argv0;
    path[n] = '\0';
    return path;
}

/* Load the configuration; returns 0, 1 when there is none, -1 on errors. */
static int main_load_config(const struct options *o, struct mc_config *cfg)
{
    struct config_diag diag = { 0 };
    char *path = o->config != NULL ? xstrdup(o->config) : config_default_path();
    int rc = 0;

    if (path == NULL) {
        fprintf(stderr, "mctop: cannot find the home directory; use -c FILE\n");
        return -1;
    }
    if (config_load(path, cfg, &diag) < 0) {
        rc = diag.missing_file && o->config == NULL ? 1 : -1;
        if (rc < 0 || o->check_config)
            for (size_t i = 0; i < diag.n; i++)
                fprintf(stderr, "%s\n", diag.msg[i]);
    }
    config_diag_free(&diag);
    free(path);
    return rc;
}

/*
 * Keymaps: built-in default, then the chosen one, then the user's file.
 * A name from the configuration is reported with its file and line.
 */
static int main_load_keymap(struct keymap *km, const struct options *o,
                            const struct mc_config *cfg)
{
    struct mc_err err = { 0 };
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    const char *name = o->keymap != NULL ? o->keymap : cfg->keymap;
    char user[4096];

    if (keymap_load_named(km, "default", MCTOP_DATADIR, &err) < 0)
        goto fail;
    if (name != NULL && strcmp(name, "default") != 0 &&
        keymap_load_named(km, name, MCTOP_DATADIR, &err) < 0) {
        if (o->keymap == NULL && cfg->keymap_line > 0)
            err_prefix(&err, "%s:%d", cfg->path, cfg->keymap_line);
        goto fail;
    }
    if (xdg != NULL && xdg[0] == '/')
        snprintf(user, sizeof user, "%s/mctop/keys", xdg);
    else if (home != NULL)
        snprintf(user, sizeof user, "%s/.config/mctop/keys", home);
    else
        return 0;
    if (access(user, F_OK) == 0 && keymap_load_file(km, user, &err) < 0)
        goto fail;
    return 0;
fail:
    fprintf(stderr, "%s\n", err.msg);
    return -1;
}

static int main_theme(const struct options *o, const struct mc_config *cfg)
{
    const char *name = o->theme != NULL     ? o->theme
                       : cfg->theme != NULL ? cfg->theme
                                            : "dark";
    int t = theme_parse(name);

    if (t < 0)
        fprintf(stderr, "mctop: unknown theme '%s' (dark, light or mono)\n",
                name);
    return t;
}

/* The author of acknowledgements: the configuration's, else the login. */
static const char *main_author(const struct mc_config *cfg)
{
    const struct passwd *pw;
    const char *user = getenv("USER");

    if (cfg->author != NULL)
        return cfg->author;
    if (user != NULL && user[0] != '\0')
        return user;
    pw = getpwuid(getuid());
    return pw != NULL ? pw->pw_name : "mctop";
}

static int main_run(const struct options *o, struct mc_config *cfg)
{
    struct app_options ao = { 0 };
    struct loop *loop = NULL;
    struct worker *worker = NULL;
    struct site **sites = NULL;
    size_t nsites = 0;
    struct app app;
    int rc = 1;

    ao.mouse = !o->no_mouse && cfg->mouse;
    ao.readonly = o->readonly || cfg->readonly;
    ao.author = main_author(cfg);
    ao.frames = o->frames;
    ao.ssh_mode = (int)cfg->ssh_mode;
    ao.ssh_tmux = cfg->ssh_tmux;
    ao.ssh_log_dir = cfg->ssh_log_dir;
    ao.run_parallel = cfg->run_parallel > 0 ? cfg->run_parallel : 8;
    ao.self_path = o->self_path;
    if ((ao.theme = main_theme(o, cfg)) < 0)
        return 2;
    if (o->trace != NULL && (ao.trace = fopen(o->trace, "w")) == NULL) {
        fprintf(stderr, "mctop: %s: %s\n", o->trace, strerror(errno));
        return 1;
    }
    loop = loop_new();
    if (loop == NULL) {
        fprintf(stderr, "mctop: cannot create the event loop\n");
        goto out;
    }
    if (ao.trace != NULL)
        fprintf(ao.trace, "start %lld\n", loop_now_ms());
    worker = worker_new(loop);
    if (o->demo) {
        sites = xcalloc(1, sizeof *sites);
        sites[nsites++] =
            site_new_demo(loop, worker, o->seed, o->demo_scale, cfg->refresh);
    } else {
        sites = xcalloc(cfg->nsites, sizeof *sites);
        for (size_t i = 0; i < cfg->nsites; i++)
            sites[nsites++] = site_new(loop, worker, &cfg->sites[i]);
    }
    app_init(&app, loop, sites, nsites, &ao);
    if (o->view != NULL && strcmp(o->view, "alerts") == 0)
        app.cur = VIEW_ALERTS;
    if (main_load_keymap(&app.km, o, cfg) == 0)
        rc = app_run(&app) == 0 ? 0 : 1;
    app_free(&app);
out:
    for (size_t i = 0; i < nsites; i++)
        site_free(sites[i]);
    free(sites);
    worker_free(worker); /* after the sites: it finishes their jobs */
    loop_free(loop);
    if (ao.trace != NULL)
        fclose(ao.trace);
    return rc;
}

int main(int argc, char **argv)
{
    struct options o = { 0 };
    struct mc_config cfg = { 0 };
    int rc;

    setlocale(LC_ALL, "");
    options_parse(argc, argv, &o);
    if (o.attach.socket != NULL)
        return attach_main(&o.attach);
    if (o.attach_demo != NULL)
        return attach_demo_main(o.attach_demo);
    o.self_path = main_self_path(argv[0]);
    rc = o.demo && o.config == NULL ? 1 : main_load_config(&o, &cfg);
    if (o.check_config) {
        struct keymap km;

        keymap_init(&km, actions_table, actions_keytables);
        if (rc == 0 && main_load_keymap(&km, &o, &cfg) < 0)
            rc = -1; /* a keymap the configuration names must load too */
        keymap_free(&km);
        if (rc == 0)
            printf("%s: OK, %zu site%s\n", cfg.path, cfg.nsites,
                   cfg.nsites == 1 ? "" : "s");
        else if (rc > 0)
            fprintf(stderr, "mctop: no configuration file found\n");
        config_free(&cfg);
        return rc == 0 ? 0 : 1;
    }
    if (rc < 0) {
        config_free(&cfg);
        return 1;
    }
    if (!o.demo && rc > 0) {
        fprintf(stderr,
                "mctop: no configuration: create ~/.config/mctop/config "
                "(see mctop.conf(5))\n"
                "       or try the built-in demo site: mctop --demo\n");
        config_free(&cfg);
        return 1;
    }
    if (rc > 0) { /* demo without a file: the built-in defaults */
        cfg.mouse = true;
        cfg.refresh = 60;
    }
    rc = main_run(&o, &cfg);
    config_free(&cfg);
    return rc;
}
