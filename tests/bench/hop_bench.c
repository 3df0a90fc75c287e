/*
 * Time to a remote shell prompt (make bench), in one run:
 *   hop_bench builtin CONF HOST ADDR PORT USER N [COMMAND]
 *       mctop's session: a direct-tcpip channel of a live bastion
 *       connection, then SSH to ADDR:PORT over it, a PTY and the login
 *       shell (or COMMAND, e.g. "exec sh -i", on the PTY)
 *   hop_bench openssh N -- ssh ARGS...
 *       the same shell with OpenSSH (ssh -J …) on a new pseudo-terminal
 * Each prints the median, p95 and minimum of N opens, measured from the
 * key press to the first prompt byte ("# " or "$ ") on the terminal.
 */
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backend/bastion.h"
#include "backend/buf.h"
#include "backend/config.h"
#include "backend/hop.h"
#include "backend/loop.h"

struct hb {
    struct loop *loop;
    struct bastion *b;
    struct hop *h;
    struct buf out;
    double t0, opened, prompt;
    int status;
    bool closed, forward_failed;
    char why[1024];
};

static double hb_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static bool hb_has_prompt(const struct buf *b)
{
    return b->len > 0 &&
           (strstr(b->data, "# ") != NULL || strstr(b->data, "$ ") != NULL);
}

static void hb_changed(void *arg, struct bastion *b)
{
    struct hb *hb = arg;

    if (hb->h == NULL && (bastion_state(b) == BASTION_READY || bastion_state(b) == BASTION_FAILED ||
        bastion_state(b) == BASTION_BACKOFF))
        loop_stop(hb->loop);
    else if (hb->h != NULL && bastion_state(b) != BASTION_READY)
        hop_transport_error(hb->h, bastion_message(b));
}

static void hb_open(void *arg, struct hop *h)
{
    (void)h;
    ((struct hb *)arg)->opened = hb_now();
}

static void hb_data(void *arg, struct hop *h, const char *p, size_t n,
                    bool is_stderr)
{
    struct hb *hb = arg;

    (void)h;
    (void)is_stderr;
    buf_append(&hb->out, p, n);
    if (hb->prompt == 0 && hb_has_prompt(&hb->out)) {
        hb->prompt = hb_now();
        hop_write(h, "exit 3\n", 7);
    }
}

static void hb_closed(void *arg, struct hop *h, int status, const char *why)
{
    struct hb *hb = arg;

    (void)h;
    hb->status = status;
    hb->closed = true;
    snprintf(hb->why, sizeof hb->why, "%s", why != NULL ? why : "");
    loop_stop(hb->loop);
}

static void hb_fwd_done(void *arg, const char *err)
{
    struct hb *hb = arg;

    if (err != NULL && !hb->closed) {
        hb->forward_failed = true;
        if (hb->h != NULL)
            hop_transport_error(hb->h, err);
    }
}

static int hb_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static void hb_report(double *ms, int n, const char *end)
{
    qsort(ms, (size_t)n, sizeof *ms, hb_cmp);
    printf("median %.0f ms, p95 %.0f ms, min %.0f ms%s", ms[n / 2],
           ms[(n * 95 + 99) / 100 - 1], ms[0], end);
}

static int hb_builtin(int argc, char **argv)
{
    struct mc_config cfg = { 0 };
    struct config_diag diag = { 0 };
    const struct mc_site_config *s;
    struct hb hb = { 0 };
    struct bastion_cb bcb = { hb_changed, NULL, &hb };
    struct hop_cb cb = { NULL, hb_open, hb_data, hb_closed, &hb };
    ssh_key key = NULL;
    int n, port;
    double *ms, *open_ms;

    if (argc != 8 && argc != 9)
        return 2;
    port = atoi(argv[5]);
    n = atoi(argv[7]);
    if (config_load(argv[2], &cfg, &diag) < 0) {
        fprintf(stderr, "%s\n", diag.n ? diag.msg[0] : "bad config");
        return 1;
    }
    s = &cfg.sites[0];
    hb.loop = loop_new();
    hb.b = bastion_new(hb.loop,
                       &(struct bastion_config){ s->name, s->bastion,
                                                 s->bastion_port,
                                                 s->bastion_user,
                                                 s->identity_file,
                                                 s->known_hosts, NULL },
                       &bcb);
    bastion_start(hb.b);
    loop_run(hb.loop);
    if (bastion_state(hb.b) != BASTION_READY) {
        fprintf(stderr, "bastion: %s\n", bastion_message(hb.b));
        return 1;
    }
    if (s->identity_file != NULL &&
        ssh_pki_import_privkey_file(s->identity_file, NULL, NULL, NULL,
                                    &key) != SSH_OK) {
        fprintf(stderr, "cannot read %s\n", s->identity_file);
        return 1;
    }
    ms = calloc((size_t)n, sizeof *ms);
    open_ms = calloc((size_t)n, sizeof *open_ms);
    for (int i = 0; i < n; i++) {
        struct bastion_forward_cb fcb = { NULL, hb_fwd_done, &hb };
        struct hop_config hc = { argv[3], argv[4],          port,
                                 argv[6], key,              s->known_hosts,
                                 NULL,    "xterm-256color", 100,
                                 30,      argc == 9 ? argv[8] : NULL };
        int sv[2];

        buf_reset(&hb.out);
        hb.prompt = 0;
        hb.closed = false;
        hb.t0 = hb_now();
        socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv);
        bastion_forward(hb.b, sv[1], argv[4], port, &fcb);
        hb.h = hop_new(hb.loop, sv[0], false, &hc, &cb);
        loop_run(hb.loop);
        bastion_forward_detach(hb.b, &hb);
        hop_free(hb.h);
        hb.h = NULL;
        if (hb.prompt == 0 || hb.status != 3) {
            fprintf(stderr, "session %d: %s (status %d, output %.200s)\n", i,
                    hb.why[0] ? hb.why : "no prompt", hb.status,
                    hb.out.data != NULL ? hb.out.data : "");
            return 1;
        }
        ms[i] = hb.prompt - hb.t0;
        open_ms[i] = hb.opened - hb.t0;
    }
    hb_report(ms, n, " (");
    hb_report(open_ms, n, " of it to the shell started)\n");
    free(ms);
    free(open_ms);
    ssh_key_free(key);
    buf_free(&hb.out);
    bastion_free(hb.b);
    loop_free(hb.loop);
    config_free(&cfg);
    config_diag_free(&diag);
    return 0;
}

/* One OpenSSH session on a pty: ms to the prompt, or -1. */
static double hb_openssh_once(char **argv)
{
    struct winsize ws = { .ws_row = 30, .ws_col = 100 };
    struct buf out = { 0 };
    double t0 = hb_now(), t = -1;
    int fd, status = 0;
    pid_t pid = forkpty(&fd, NULL, NULL, &ws);
    char chunk[4096];

    if (pid < 0)
        return -1;
    if (pid == 0) {
        execvp(argv[0], argv);
        _exit(127);
    }
    for (;;) {
        struct pollfd p = { fd, POLLIN, 0 };
        ssize_t r;

        if (poll(&p, 1, 20000) <= 0)
            break;
        r = read(fd, chunk, sizeof chunk);
        if (r <= 0)
            break; /* EIO: the session ended */
        buf_append(&out, chunk, (size_t)r);
        if (t < 0 && hb_has_prompt(&out)) {
            t = hb_now() - t0;
            if (write(fd, "exit 3\n", 7) < 0)
                break;
        }
    }
    close(fd);
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 3) {
        fprintf(stderr, "ssh: status %d, output %.300s\n", status,
                out.data != NULL ? out.data : "");
        t = -1;
    }
    buf_free(&out);
    return t;
}

static int hb_openssh(int argc, char **argv)
{
    int n;
    double *ms;

    if (argc < 5 || strcmp(argv[3], "--") != 0)
        return 2;
    n = atoi(argv[2]);
    ms = calloc((size_t)n, sizeof *ms);
    for (int i = 0; i < n; i++) {
        ms[i] = hb_openssh_once(argv + 4);
        if (ms[i] < 0)
            return 1;
    }
    hb_report(ms, n, "\n");
    free(ms);
    return 0;
}

int main(int argc, char **argv)
{
    int rc = 2;

    signal(SIGPIPE, SIG_IGN);
    if (argc > 1 && strcmp(argv[1], "builtin") == 0)
        rc = hb_builtin(argc, argv);
    else if (argc > 1 && strcmp(argv[1], "openssh") == 0)
        rc = hb_openssh(argc, argv);
    if (rc == 2)
        fprintf(stderr,
                "usage: hop_bench builtin CONF HOST ADDR PORT USER N "
                "[COMMAND]\n"
                "       hop_bench openssh N -- ssh ARGS...\n");
    return rc;
}
