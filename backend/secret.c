/*
 * Secrets: run a password command, read an environment variable or look
 * a host up in a netrc file. The secret text never reaches a message.
 */
#include "backend/secret.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backend/buf.h"
#include "backend/xalloc.h"

extern char **environ;

#define OUT_LIMIT   65536 /* bytes of stdout kept: the secret is line one */
#define ERR_LIMIT   1024  /* bytes of stderr kept for the error message */
#define NETRC_LIMIT (1024 * 1024)

void secret_wipe_free(char *s)
{
    if (s == NULL)
        return;
    explicit_bzero(s, strlen(s));
    free(s);
}

void secret_clear(struct mc_secret *s)
{
    free(s->value);
    s->value = NULL;
    s->kind = MC_SECRET_NONE;
}

/* --- password command ------------------------------------------------ */

/* One pipe from the child: its read end and what was read so far. */
struct capture {
    int fd; /* -1 once closed */
    struct buf b;
    size_t limit;
};

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A pipe whose ends are not inherited by other children. */
static int pipe_cloexec(int fd[2])
{
    if (pipe(fd) < 0)
        return -1;
    fcntl(fd[0], F_SETFD, FD_CLOEXEC);
    fcntl(fd[1], F_SETFD, FD_CLOEXEC);
    return 0;
}

/* Default dispositions and an empty mask, in a process group of its own. */
static void spawn_attr_init(posix_spawnattr_t *at)
{
    static const int sigs[] = { SIGPIPE, SIGINT,  SIGQUIT, SIGTERM, SIGHUP,
                                SIGCHLD, SIGTSTP, SIGTTIN, SIGTTOU };
    sigset_t defs, none;
    size_t i;

    sigemptyset(&defs);
    for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaddset(&defs, sigs[i]);
    sigemptyset(&none);
    posix_spawnattr_init(at);
    posix_spawnattr_setflags(at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
                                     POSIX_SPAWN_SETSIGMASK);
    posix_spawnattr_setpgroup(at, 0);
    posix_spawnattr_setsigdefault(at, &defs);
    posix_spawnattr_setsigmask(at, &none);
}

/* Start /bin/sh -c cmd with stdout and stderr on two new pipes. */
static int spawn_shell(const char *cmd, struct capture cap[2], pid_t *pid,
                       struct mc_err *err)
{
    char sh[] = "sh", dash_c[] = "-c";
    char *cmd_copy;
    char *argv[4];
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    int po[2], pe[2], rc;

    if (pipe_cloexec(po) < 0)
        return err_set(err, "cannot create a pipe: %s", strerror(errno));
    if (pipe_cloexec(pe) < 0) {
        rc = errno;
        close(po[0]);
        close(po[1]);
        return err_set(err, "cannot create a pipe: %s", strerror(rc));
    }
    cmd_copy = xstrdup(cmd);
    argv[0] = sh;
    argv[1] = dash_c;
    argv[2] = cmd_copy;
    argv[3] = NULL;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, po[1], 1);
    posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
    spawn_attr_init(&at);
    rc = posix_spawn(pid, "/bin/sh", &fa, &at, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    free(cmd_copy);
    close(po[1]);
    close(pe[1]);
    cap[0].fd = po[0];
    cap[1].fd = pe[0];
    if (rc == 0)
        return 0;
    close(po[0]);
    close(pe[0]);
    cap[0].fd = cap[1].fd = -1;
    return err_set(err, "cannot run /bin/sh: %s", strerror(rc));
}

/* Read one chunk from c; closes it at end of file. */
static void capture_read(struct capture *c)
{
    char tmp[4096];
    ssize_t n = read(c->fd, tmp, sizeof tmp);

    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        close(c->fd);
        c->fd = -1;
    } else if (c->b.len < c->limit) {
        size_t room = c->limit - c->b.len;

        buf_append(&c->b, tmp, (size_t)n < room ? (size_t)n : room);
    }
    explicit_bzero(tmp, sizeof tmp);
}

/* Read both pipes to their end; -1 when the deadline passes first. */
static int capture_all(struct capture cap[2], long deadline)
{
    while (cap[0].fd >= 0 || cap[1].fd >= 0) {
        struct pollfd pfd[2];
        long left = deadline - now_ms();
        int i;

        if (left <= 0)
            return -1;
        for (i = 0; i < 2; i++) {
            pfd[i].fd = cap[i].fd; /* poll skips negative descriptors */
            pfd[i].events = POLLIN;
            pfd[i].revents = 0;
        }
        if (poll(pfd, 2, (int)left) < 0 && errno != EINTR)
            return -1;
        for (i = 0; i < 2; i++)
            if (cap[i].fd >= 0 && pfd[i].revents != 0)
                capture_read(&cap[i]);
    }
    return 0;
}

/* Wait for the child until the deadline: 0 and its status, or -1. */
static int wait_child(pid_t pid, long deadline, int *status)
{
    for (;;) {
        pid_t r = waitpid(pid, status, WNOHANG);

        if (r == pid)
            return 0;
        if (r < 0 && errno != EINTR) {
            *status = -1; /* e.g. SIGCHLD ignored: the status is lost */
            return 0;
        }
        if (now_ms() >= deadline)
            return -1;
        poll(NULL, 0, 10);
    }
}

/* The first line of b with control characters replaced, at most size-1. */
static void first_line_printable(const struct buf *b, char *out, size_t size)
{
    size_t i, n = 0;

    for (i = 0; i < b->len && n + 1 < size; i++) {
        unsigned char c = (unsigned char)b->data[i];

        if (c == '\n')
            break;
        if (c != '\r')
            out[n++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    out[n] = '\0';
}

/* Set err from how the command ended and what it said; 0 if it succeeded. */
static int command_status(int status, const struct buf *stderr_buf,
                          struct mc_err *err)
{
    char what[64], line[121];

    if (status == -1)
        snprintf(what, sizeof what, "cannot get the command's exit status");
    else if (WIFSIGNALED(status))
        snprintf(what, sizeof what, "command was killed by signal %d",
                 WTERMSIG(status));
    else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
        snprintf(what, sizeof what, "command exited with status %d",
                 WEXITSTATUS(status));
    else
        return 0;
    first_line_printable(stderr_buf, line, sizeof line);
    if (line[0] != '\0')
        return err_set(err, "%s: %s", what, line);
    return err_set(err, "%s", what);
}

/* The secret: the first line of the output, line ending removed. */
static int command_output(struct buf *out_buf, const struct buf *stderr_buf,
                          char **out, struct mc_err *err)
{
    size_t n = 0;
    char line[121];

    while (n < out_buf->len && out_buf->data[n] != '\n')
        n++;
    if (n > 0 && out_buf->data[n - 1] == '\r')
        n--;
    if (n > 0) {
        *out = xstrndup(out_buf->data, n);
        return 0;
    }
    first_line_printable(stderr_buf, line, sizeof line);
    if (line[0] != '\0')
        return err_set(err, "command printed nothing: %s", line);
    return err_set(err, "command printed nothing");
}

int secret_run_command(const char *cmd, int timeout_ms, char **out,
                       struct mc_err *err)
{
    struct capture cap[2] = { { -1, { 0 }, OUT_LIMIT },
                              { -1, { 0 }, ERR_LIMIT } };
    long deadline = now_ms() + timeout_ms;
    int status = 0, rc;
    pid_t pid;

    *out = NULL;
    if (spawn_shell(cmd, cap, &pid, err) < 0)
        return -1;
    if (capture_all(cap, deadline) < 0 || wait_child(pid, deadline, &status)) {
        kill(-pid, SIGKILL);
        waitpid(pid, &status, 0);
        rc = err_set(err, "command timed out after %g s", timeout_ms / 1000.0);
    } else {
        rc = command_status(status, &cap[1].b, err);
        if (rc == 0)
            rc = command_output(&cap[0].b, &cap[1].b, out, err);
    }
    for (int i = 0; i < 2; i++) {
        if (cap[i].fd >= 0)
            close(cap[i].fd);
        if (cap[i].b.data != NULL)
            explicit_bzero(cap[i].b.data, cap[i].b.len);
        buf_free(&cap[i].b);
    }
    return rc;
}

/* --- environment ------------------------------------------------------ */

static int env_lookup(const char *name, char **out, struct mc_err *err)
{
    const char *v = getenv(name);

    if (v == NULL)
        return err_set(err, "environment variable %s is not set", name);
    if (*v == '\0')
        return err_set(err, "environment variable %s is empty", name);
    *out = xstrdup(v);
    return 0;
}

/* --- netrc ------------------------------------------------------------ */

/* A netrc file in memory and the position of the next token. */
struct netrc_lex {
    const char *start, *p, *end;
    char tok[1024];
};

/* Skip blanks; true if a new line started on the way (or at the start). */
static bool netrc_skip_blanks(struct netrc_lex *lx)
{
    bool bol = lx->p == lx->start;

    while (lx->p < lx->end && strchr(" \t\r\n", *lx->p) != NULL)
        bol |= *lx->p++ == '\n';
    return bol;
}

/*
 * The next token; false at the end. As in curl, a line whose first token
 * starts with '#' is a comment, and "quoted \"strings\"" may hold blanks.
 */
static bool netrc_next(struct netrc_lex *lx)
{
    size_t n = 0;
    bool quoted;

    while (netrc_skip_blanks(lx) && lx->p < lx->end && *lx->p == '#')
        while (lx->p < lx->end && *lx->p != '\n')
            lx->p++;
    if (lx->p >= lx->end)
        return false;
    quoted = *lx->p == '"';
    lx->p += quoted;
    while (lx->p < lx->end) {
        char c = *lx->p++;

        if (quoted ? c == '"' : strchr(" \t\r\n", c) != NULL) {
            lx->p -= !quoted; /* leave the blank: it may end the line */
            break;
        }
        if (quoted && c == '\\' && lx->p < lx->end) {
            c = *lx->p++;
            c = c == 'n' ? '\n' : c == 'r' ? '\r' : c == 't' ? '\t' : c;
        }
        if (n + 1 < sizeof lx->tok)
            lx->tok[n++] = c;
    }
    lx->tok[n] = '\0';
    return true;
}

/* Skip a macdef body: everything up to an empty line. */
static void netrc_skip_macdef(struct netrc_lex *lx)
{
    while (lx->p < lx->end && *lx->p != '\n')
        lx->p++; /* the rest of the "macdef name" line */
    while (lx->p < lx->end) {
        const char *nl = memchr(lx->p + 1, '\n', (size_t)(lx->end - lx->p - 1));
        const char *q = lx->p + 1;

        while (q < lx->end && (*q == ' ' || *q == '\t' || *q == '\r'))
            q++;
        if (q >= lx->end || *q == '\n') {
            lx->p = q;
            return;
        }
        lx->p = nl != NULL ? nl : lx->end;
    }
}

/* One machine (or default) entry as it is read. */
struct netrc_entry {
    bool used;
    bool is_default;
    bool host_ok;
    char *login;
    char *password;
};

static void netrc_entry_clear(struct netrc_entry *e)
{
    secret_wipe_free(e->login);
    secret_wipe_free(e->password);
    memset(e, 0, sizeof *e);
}

/* True if the finished entry e is for host and user. */
static bool netrc_entry_matches(const struct netrc_entry *e, const char *user)
{
    if (!e->used || !(e->host_ok || e->is_default))
        return false;
    return user == NULL || e->login == NULL || strcmp(e->login, user) == 0;
}

/*
 * Walk the tokens; the first matching machine entry wins, a matching
 * default entry is the fallback. The winner is left in *best.
 */
static void netrc_search(struct netrc_lex *lx, const char *host,
                         const char *user, struct netrc_entry *best)
{
    struct netrc_entry cur = { 0 }, dflt = { 0 };

    for (;;) {
        bool more = netrc_next(lx);
        bool starts = more && (strcasecmp(lx->tok, "machine") == 0 ||
                               strcasecmp(lx->tok, "default") == 0);

        if (!more || starts) {
            if (netrc_entry_matches(&cur, user) && !cur.is_default) {
                *best = cur;
                netrc_entry_clear(&dflt);
                return;
            }
            if (netrc_entry_matches(&cur, user) && !dflt.used)
                dflt = cur;
            else
                netrc_entry_clear(&cur);
            memset(&cur, 0, sizeof cur);
            if (!more)
                break;
            cur.used = true;
            cur.is_default = strcasecmp(lx->tok, "default") == 0;
            if (!cur.is_default && netrc_next(lx))
                cur.host_ok = strcasecmp(lx->tok, host) == 0;
        } else if (strcasecmp(lx->tok, "login") == 0 && netrc_next(lx)) {
            secret_wipe_free(cur.login);
            cur.login = xstrdup(lx->tok);
        } else if (strcasecmp(lx->tok, "password") == 0 && netrc_next(lx)) {
            secret_wipe_free(cur.password);
            cur.password = xstrdup(lx->tok);
        } else if (strcasecmp(lx->tok, "account") == 0) {
            netrc_next(lx);
        } else if (strcasecmp(lx->tok, "macdef") == 0) {
            netrc_skip_macdef(lx);
        }
    }
    *best = dflt;
}

/* $HOME/.netrc, else from the password database (thread-safe); or NULL. */
static char *default_netrc(void)
{
    const char *h = getenv("HOME");
    struct passwd pw, *res = NULL;
    char tmp[4096];

    if (h != NULL && *h != '\0')
        return xasprintf("%s/.netrc", h);
    if (getpwuid_r(getuid(), &pw, tmp, sizeof tmp, &res) == 0 && res != NULL)
        return xasprintf("%s/.netrc", pw.pw_dir);
    return NULL;
}

/* Read a whole file (at most NETRC_LIMIT bytes) into a new string. */
static char *read_small_file(const char *path, size_t *len, struct mc_err *err)
{
    FILE *f = fopen(path, "r");
    struct stat st;
    char *data;

    if (f == NULL) {
        err_set(err, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode) ||
        st.st_size > NETRC_LIMIT) {
        fclose(f);
        err_set(err, "%s: not a regular file of at most 1 MiB", path);
        return NULL;
    }
    data = xmalloc((size_t)st.st_size + 1);
    *len = fread(data, 1, (size_t)st.st_size, f);
    data[*len] = '\0';
    fclose(f);
    return data;
}

int secret_netrc_lookup(const char *path, const char *host, const char *user,
                        char **out, struct mc_err *err)
{
    struct netrc_lex lx;
    struct netrc_entry best = { 0 };
    char *owned = NULL, *data;
    size_t len = 0;
    int rc = 0;

    *out = NULL;
    if (path == NULL) {
        path = owned = default_netrc();
        if (path == NULL)
            return err_set(err, "cannot find ~/.netrc: HOME is not set");
    }
    data = read_small_file(path, &len, err);
    if (data == NULL) {
        free(owned);
        return -1;
    }
    lx.start = lx.p = data;
    lx.end = data + len;
    netrc_search(&lx, host, user, &best);
    if (!best.used)
        rc = err_set(err, "no entry for %s%s%s in %s", host,
                     user != NULL ? " with login " : "",
                     user != NULL ? user : "", path);
    else if (best.password == NULL)
        rc = err_set(err, "the entry for %s in %s has no password", host, path);
    else
        *out = xstrdup(best.password);
    netrc_entry_clear(&best);
    explicit_bzero(lx.tok, sizeof lx.tok);
    explicit_bzero(data, len);
    free(data);
    free(owned);
    return rc;
}

/* --- dispatch --------------------------------------------------------- */

int secret_resolve(const struct mc_secret *s, const char *host,
                   const char *user, char **out, struct mc_err *err)
{
    *out = NULL;
    switch (s->kind) {
    case MC_SECRET_COMMAND:
        return secret_run_command(s->value, SECRET_COMMAND_TIMEOUT_MS, out,
                                  err);
    case MC_SECRET_ENV:
        return env_lookup(s->value, out, err);
    case MC_SECRET_NETRC:
        if (host == NULL)
            return err_set(err, "netrc lookup needs a host name");
        return secret_netrc_lookup(s->value, host, user, out, err);
    case MC_SECRET_NONE:
        break;
    }
    return err_set(err, "no password is configured");
}
