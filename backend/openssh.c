/*
 * The ssh_config file and the ssh(1) command line of an OpenSSH session.
 * Everything handed to ssh is checked against how ssh reads it: config
 * values are split on blanks and quotes, paths get %-tokens and ${VAR}
 * expanded, and the jump's -F path and host land in a /bin/sh command.
 */
#include "openssh.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/buf.h"
#include "backend/xalloc.h"

#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
/* Safe unquoted in a /bin/sh word, and not a %-token. */
#define SHELL_SAFE ALNUM "/._+,:@=-"
/* A host name or an address (IPv6 has ':'). */
#define HOST_CHARS ALNUM "._:-"
#define ARGV_MAX   24

static bool all_in(const char *s, const char *set)
{
    return s[strspn(s, set)] == '\0';
}

/* A host name or an address that no shell, option parser or %-token
 * would read differently. */
static bool host_ok(const char *h)
{
    return h != NULL && h[0] != '\0' && h[0] != '-' && all_in(h, HOST_CHARS);
}

/* What in v an ssh_config argument cannot hold (NULL: nothing). */
static const char *value_problem(const char *v)
{
    const char *c;

    for (c = v; *c != '\0'; c++) {
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            return "a control character";
        if (*c == '"')
            return "a double quote";
        if (*c == '\\')
            return "a backslash";
    }
    if (strstr(v, "${") != NULL)
        return "\"${\"";
    return NULL;
}

/* 0 if v can be given to ssh as what (a key of site s), else -1. */
static int check_value(const struct mc_site_config *s, const char *what,
                       const char *v, const char *also, struct mc_err *err)
{
    const char *why = value_problem(v);
    char one[8];

    if (why == NULL && also != NULL && v[strcspn(v, also)] != '\0') {
        snprintf(one, sizeof one, "'%c'", v[strcspn(v, also)]);
        why = one;
    }
    if (why == NULL)
        return 0;
    return err_set(err, "site %s: %s cannot be given to ssh: it has %s",
                   s->name, what, why);
}

static int check_user(const struct mc_site_config *s, const char *what,
                      const char *u, struct mc_err *err)
{
    if (u[0] == '\0' || u[0] == '-' || strpbrk(u, " \t") != NULL)
        return err_set(err, "site %s: %s '%s' is not a user name", s->name,
                       what, u);
    /* Newer ssh expand %-tokens in User, older ones do not: no '%'. */
    return check_value(s, what, u, "%", err);
}

static int check_bastion(const struct mc_site_config *s, struct mc_err *err)
{
    if (s->direct || host_ok(s->bastion))
        return 0;
    return err_set(err,
                   "site %s: bastion '%s' cannot be given to ssh -J: it must "
                   "be a host name or an address",
                   s->name, s->bastion != NULL ? s->bastion : "");
}

/* Append v as one quoted ssh_config argument; '%' doubled where ssh
 * expands tokens. */
static void put_value(struct buf *b, const char *v, bool tokens)
{
    buf_putc(b, '"');
    for (; *v != '\0'; v++) {
        if (tokens && *v == '%')
            buf_putc(b, '%');
        buf_putc(b, *v);
    }
    buf_putc(b, '"');
}

/* The bastion's settings that go into the file. */
static int check_jump(const struct mc_site_config *s, struct mc_err *err)
{
    if (s->direct)
        return 0;
    if (check_bastion(s, err) < 0)
        return -1;
    if (s->bastion_user != NULL &&
        check_user(s, "bastion_user", s->bastion_user, err) < 0)
        return -1;
    if (s->identity_file != NULL &&
        check_value(s, "identity_file", s->identity_file, NULL, err) < 0)
        return -1;
    if (s->known_hosts != NULL &&
        check_value(s, "known_hosts", s->known_hosts, NULL, err) < 0)
        return -1;
    return 0;
}

static int config_text(const struct mc_site_config *s, const char *ssh_dir,
                       struct buf *b, struct mc_err *err)
{
    if (check_value(s, "the ssh directory", ssh_dir, "*?[", err) < 0 ||
        check_jump(s, err) < 0)
        return -1;
    buf_printf(b,
               "# Written by mctop for the sessions of site %s (rewritten "
               "each time).\n",
               s->name);
    if (!s->direct) {
        /* Named as ssh -J names it, so ~/.ssh/config's Host blocks for
         * the bastion apply after these. */
        buf_printf(b, "Host %s\n", s->bastion);
        if (s->bastion_port > 0)
            buf_printf(b, "    Port %d\n", s->bastion_port);
        if (s->bastion_user != NULL) {
            buf_puts(b, "    User ");
            put_value(b, s->bastion_user, false);
            buf_putc(b, '\n');
        }
        if (s->identity_file != NULL) {
            buf_puts(b, "    IdentityFile ");
            put_value(b, s->identity_file, true);
            buf_puts(b, "\n    IdentitiesOnly yes\n");
        }
        if (s->known_hosts != NULL) {
            buf_puts(b, "    UserKnownHostsFile ");
            put_value(b, s->known_hosts, true);
            buf_putc(b, '\n');
        }
    }
    /* -F stops ssh from reading these by itself. */
    buf_puts(b, "Match all\nInclude ");
    buf_printf(b, "\"%s/config\"\n", ssh_dir);
    buf_puts(b, "Include /etc/ssh/ssh_config\n");
    return 0;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int openssh_write_config(const struct mc_site_config *s, const char *ssh_dir,
                         const char *path, struct mc_err *err)
{
    struct buf b = { 0 };
    char *tmp = xasprintf("%s.XXXXXX", path);
    int fd = -1, rc = -1;

    if (config_text(s, ssh_dir, &b, err) < 0)
        goto out;
    fd = mkstemp(tmp);
    if (fd < 0) {
        err_set(err, "cannot write %s: %s", path, strerror(errno));
        goto out;
    }
    if (fchmod(fd, 0600) < 0 || write_all(fd, b.data, b.len) < 0 ||
        close(fd) < 0) {
        fd = -1; /* closed, or failed anyway: unlink below */
        err_set(err, "cannot write %s: %s", tmp, strerror(errno));
        unlink(tmp);
        goto out;
    }
    fd = -1;
    if (rename(tmp, path) < 0) {
        err_set(err, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
        unlink(tmp);
        goto out;
    }
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    free(tmp);
    buf_free(&b);
    return rc;
}

/* ---- the command line ---- */

static void push(char **v, size_t *n, char *s)
{
    if (*n + 1 < ARGV_MAX)
        v[(*n)++] = s;
    else
        free(s); /* cannot happen: ARGV_MAX covers every option */
}

/* What ssh needs for the jump: checks, then -J's argument. */
static char *jump_arg(const char *config_path, const struct mc_site_config *s,
                      struct mc_err *err)
{
    if (check_bastion(s, err) < 0)
        return NULL;
    if (config_path[0] == '\0' || config_path[0] == '-' ||
        !all_in(config_path, SHELL_SAFE)) {
        err_set(err,
                "cannot use %s as ssh's configuration file: ssh -J puts its "
                "path in a shell command, so it may only have letters, "
                "digits and /._+,:@=-",
                config_path);
        return NULL;
    }
    if (strchr(s->bastion, ':') != NULL)
        return xasprintf("[%s]", s->bastion); /* IPv6 */
    return xstrdup(s->bastion);
}

/* The session's own settings: 0, or -1 with err set. */
static int check_session(const struct mc_site_config *s,
                         const struct mc_ssh_rule *rule, const char *target,
                         struct mc_err *err)
{
    if (!host_ok(target))
        return err_set(err,
                       "cannot connect to '%s' with ssh: not a host name or "
                       "an address",
                       target != NULL ? target : "");
    if (check_user(s, "ssh_user", rule->user, err) < 0)
        return -1;
    /* ssh stats the -i path as is and then expands %-tokens in it. */
    if (rule->identity != NULL &&
        check_value(s, "ssh_identity", rule->identity, "%", err) < 0)
        return -1;
    if (s->known_hosts != NULL &&
        check_value(s, "known_hosts", s->known_hosts, NULL, err) < 0)
        return -1;
    return 0;
}

char **openssh_argv(const char *config_path, const struct mc_site_config *s,
                    const struct mc_ssh_rule *rule, const char *target,
                    const char *command, bool tty, struct mc_err *err)
{
    char **v;
    char *jump = NULL;
    size_t n = 0;
    struct buf kh = { 0 };

    if (check_session(s, rule, target, err) < 0)
        return NULL;
    if (!s->direct && (jump = jump_arg(config_path, s, err)) == NULL)
        return NULL;
    v = xcalloc(ARGV_MAX, sizeof *v);
    push(v, &n, xstrdup("ssh"));
    push(v, &n, xstrdup("-F"));
    push(v, &n, xstrdup(config_path));
    if (jump != NULL) {
        push(v, &n, xstrdup("-J"));
        push(v, &n, jump);
    }
    push(v, &n, xstrdup("-p"));
    push(v, &n, xasprintf("%d", rule->port));
    push(v, &n, xstrdup("-l"));
    push(v, &n, xstrdup(rule->user));
    if (rule->identity != NULL) {
        push(v, &n, xstrdup("-i"));
        push(v, &n, xstrdup(rule->identity));
        push(v, &n, xstrdup("-o"));
        push(v, &n, xstrdup("IdentitiesOnly=yes"));
    }
    if (s->known_hosts != NULL) {
        /* -o is read as a config line: quoted, '%' doubled. */
        buf_puts(&kh, "UserKnownHostsFile=");
        put_value(&kh, s->known_hosts, true);
        push(v, &n, xstrdup("-o"));
        push(v, &n, buf_steal(&kh));
    }
    push(v, &n, xstrdup(tty ? "-t" : "-T"));
    if (command != NULL) {
        push(v, &n, xstrdup("-o"));
        push(v, &n, xstrdup("BatchMode=yes"));
    }
    push(v, &n, xstrdup("--"));
    push(v, &n, xstrdup(target));
    if (command != NULL)
        push(v, &n, xstrdup(command));
    return v;
}

void openssh_argv_free(char **argv)
{
    size_t i;

    for (i = 0; argv != NULL && argv[i] != NULL; i++)
        free(argv[i]);
    free(argv);
}

char *openssh_argv_text(char *const *argv)
{
    struct buf b = { 0 };
    size_t i;

    for (i = 0; argv != NULL && argv[i] != NULL; i++) {
        const char *w = argv[i];

        if (i > 0)
            buf_putc(&b, ' ');
        if (w[0] != '\0' && all_in(w, SHELL_SAFE "%")) {
            buf_puts(&b, w);
            continue;
        }
        buf_putc(&b, '\'');
        for (; *w != '\0'; w++) {
            if (*w == '\'')
                buf_puts(&b, "'\\''");
            else
                buf_putc(&b, *w);
        }
        buf_putc(&b, '\'');
    }
    return buf_steal(&b);
}
