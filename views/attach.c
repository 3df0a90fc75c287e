/*
 * mctop --attach: the helper a tmux window runs for a built-in session.
 * It connects to a socket of the console's tunnel directory, whose every
 * connection the console carries over its live bastion connection, and
 * bridges this window's terminal to an SSH session over it. No second
 * bastion handshake; the console stays visible in its own window.
 */
#include "views/attach.h"

#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "backend/loop.h"
#include "backend/session.h"
#include "backend/xalloc.h"
#include "tui/rawterm.h"
#include "views/shell.h"

#define ATTACH_CONNECT_S 15

struct attach {
    struct loop *loop;
    struct session *sess;
    struct shell *shell;
    int status;
    char why[1024];
};

int attach_parse_to(const char *to, struct session_route *r)
{
    const char *at = strrchr(to, '@'), *colon = strrchr(to, ':');
    const char *host = at != NULL ? at + 1 : to;
    size_t hlen;

    if (at == NULL || colon == NULL || colon < host || at == to)
        return -1;
    hlen = (size_t)(colon - host);
    if (hlen > 1 && host[0] == '[' && host[hlen - 1] == ']') {
        host++;
        hlen -= 2;
    }
    if (hlen == 0 || hlen >= sizeof r->target ||
        (size_t)(at - to) >= sizeof r->user)
        return -1;
    memcpy(r->user, to, (size_t)(at - to));
    r->user[at - to] = '\0';
    memcpy(r->target, host, hlen);
    r->target[hlen] = '\0';
    r->port = atoi(colon + 1);
    return r->port > 0 && r->port < 65536 ? 0 : -1;
}

static int attach_connect_unix(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof sa.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* A site without a bastion: straight to the host (blocking is fine here). */
static int attach_connect_tcp(const struct session_route *r, char *msg,
                              size_t size)
{
    struct addrinfo hints = { 0 }, *ai = NULL;
    struct timeval tv = { ATTACH_CONNECT_S, 0 };
    char port[8];
    int fd = -1, rc;

    hints.ai_socktype = SOCK_STREAM;
    snprintf(port, sizeof port, "%d", r->port);
    if ((rc = getaddrinfo(r->target, port, &hints, &ai)) != 0) {
        snprintf(msg, size, "cannot resolve %s: %s", r->target,
                 gai_strerror(rc));
        return -1;
    }
    fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
        snprintf(msg, size, "connect to %s port %d: %s", r->target, r->port,
                 strerror(errno));
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    freeaddrinfo(ai);
    return fd;
}

/* ---- session events ---- */

static void attach_ended(void *arg, struct shell *sh, int status,
                         const char *why)
{
    struct attach *a = arg;

    (void)sh;
    a->status = status;
    snprintf(a->why, sizeof a->why, "%s", why != NULL ? why : "");
    loop_stop(a->loop);
}

static void attach_open(void *arg, struct session *s)
{
    struct attach *a = arg;
    struct shell_cb cb = { attach_ended, a };

    a->sess = NULL; /* the shell owns it now */
    a->shell = shell_new(a->loop, s, &cb);
}

static void attach_closed(void *arg, struct session *s, int status,
                          const char *why)
{
    struct attach *a = arg;

    session_free(s);
    a->sess = NULL;
    a->status = status;
    snprintf(a->why, sizeof a->why, "%s",
             why != NULL ? why : "ended before it started");
    loop_stop(a->loop);
}

/* Asked on this window's terminal, before it goes raw. */
static void attach_hostkey(void *arg, struct session *s,
                           const struct bastion_hostkey *k)
{
    char line[32] = "";
    enum bastion_answer ans = BASTION_REJECT;

    (void)arg;
    fprintf(stderr,
            "The host key of %s port %d is not in %s:\n    %s %s\n"
            "Accept it only if you can confirm this fingerprint.\n"
            "Accept once (o), save and accept (s), or reject (r)? ",
            k->host, k->port,
            k->known_hosts[0] != '\0' ? k->known_hosts : "known_hosts", k->type,
            k->fingerprint);
    if (fgets(line, sizeof line, stdin) != NULL) {
        if (line[0] == 'o' || line[0] == 'O')
            ans = BASTION_ACCEPT_ONCE;
        else if (line[0] == 's' || line[0] == 'S')
            ans = BASTION_ACCEPT_SAVE;
    }
    session_answer_hostkey(s, ans);
}

static void attach_signal(int signo, void *arg)
{
    struct attach *a = arg;

    if (signo == SIGWINCH) {
        if (a->shell != NULL)
            shell_winch(a->shell);
        return;
    }
    snprintf(a->why, sizeof a->why, "stopped by signal %d", signo);
    a->status = -1;
    loop_stop(a->loop);
}

/* Leave the window open on a failure, so its message can be read. */
static void attach_wait_key(void)
{
    char line[8];

    fputs("Press Enter to close this window.", stderr);
    if (fgets(line, sizeof line, stdin) == NULL)
        return;
}

int attach_main(const struct attach_options *o)
{
    static const int sigs[] = { SIGWINCH, SIGINT, SIGTERM, SIGHUP };
    struct attach a = { 0 };
    struct session_route r = { 0 };
    struct session_spec spec = { 0 };
    struct session_cb cb = { attach_hostkey, attach_open, NULL, attach_closed,
                             &a };
    struct mc_err err = { 0 };
    char msg[512] = "";
    int fd, cols, rows;

    if (attach_parse_to(o->to, &r) < 0) {
        fprintf(stderr, "mctop: --attach-to: '%s' is not USER@HOST:PORT\n",
                o->to);
        return 2;
    }
    r.identity = o->identity;
    if (strcmp(o->socket, "tcp") == 0) {
        fd = attach_connect_tcp(&r, msg, sizeof msg);
    } else {
        fd = attach_connect_unix(o->socket);
        if (fd < 0)
            snprintf(msg, sizeof msg,
                     "cannot reach the console's bastion connection at %s: "
                     "%s (is that mctop still running?)",
                     o->socket, strerror(errno));
    }
    if (fd < 0) {
        fprintf(stderr, "mctop: %s: %s\n", o->host, msg);
        attach_wait_key();
        return 255;
    }
    rawterm_install_crash_handlers();
    signal(SIGPIPE, SIG_IGN);
    a.loop = loop_new();
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        loop_add_signal(a.loop, sigs[i], attach_signal, &a);
    rawterm_size(&cols, &rows);
    spec.loop = a.loop;
    spec.fd = fd;
    spec.route = &r;
    spec.known_hosts = o->known_hosts;
    spec.site_name = o->site;
    spec.host = o->host;
    spec.term = getenv("TERM");
    spec.cols = cols;
    spec.rows = rows;
    spec.log_dir = o->log_dir;
    fprintf(stderr, "mctop: %s: connecting to %s@%s through %s…\n", o->host,
            r.user, r.target,
            strcmp(o->socket, "tcp") == 0 ? "the network" : "the bastion");
    a.sess = session_open(&spec, &cb, &err);
    if (a.sess == NULL) {
        a.status = -1;
        snprintf(a.why, sizeof a.why, "%s", err.msg);
    } else {
        loop_run(a.loop);
    }
    session_free(a.sess);
    shell_free(a.shell); /* the terminal back in its old mode */
    loop_reset_signals(a.loop);
    loop_free(a.loop);
    if (a.why[0] != '\0') {
        fprintf(stderr, "\nmctop: %s: %s\n", o->host, a.why);
        attach_wait_key();
        return 255;
    }
    if (a.status == SHELL_CLOSED_BY_USER) {
        fprintf(stderr, "mctop: %s: closed with ~.\n", o->host);
        return 255;
    }
    fprintf(stderr, "mctop: %s: session ended, exit status %d\n", o->host,
            a.status);
    return a.status;
}

int attach_demo_main(const char *host)
{
    const char *shell = getenv("SHELL");

    if (shell == NULL || shell[0] != '/')
        shell = "/bin/sh";
    printf("\n  mctop demo: this is a LOCAL shell on your own machine, "
           "standing in for\n  %s (the demo site has no real hosts). Type "
           "exit to close this window.\n\n",
           host);
    fflush(stdout);
    setenv("MCTOP_DEMO_HOST", host, 1);
    execl(shell, shell, (char *)NULL);
    fprintf(stderr, "mctop: cannot run %s: %s\n", shell, strerror(errno));
    return 127;
}
