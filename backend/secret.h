/*
 * Secrets named by the configuration but kept out of it: the output of a
 * command, an environment variable, or a netrc(5) entry.
 */
#ifndef MCTOP_BACKEND_SECRET_H
#define MCTOP_BACKEND_SECRET_H

#include "backend/err.h"

enum mc_secret_kind {
    MC_SECRET_NONE,    /* no secret configured */
    MC_SECRET_COMMAND, /* value: a shell command printing the secret */
    MC_SECRET_ENV,     /* value: the name of an environment variable */
    MC_SECRET_NETRC    /* value: a netrc path, or NULL for ~/.netrc */
};

/* Where a secret comes from; never the secret itself. */
struct mc_secret {
    enum mc_secret_kind kind;
    char *value;
};

/* How long a password command may run before it is killed. */
#define SECRET_COMMAND_TIMEOUT_MS 30000

/*
 * Fetch the secret into *out (caller frees with secret_wipe_free). host and
 * user select the netrc entry; user may be NULL (first entry for the host).
 * Returns 0, or -1 with err set; the message never contains the secret.
 */
int secret_resolve(const struct mc_secret *s, const char *host,
                   const char *user, char **out, struct mc_err *err);

/*
 * Run cmd with /bin/sh -c, stdin /dev/null, in its own process group; the
 * secret is the first line of its output. A nonzero exit, empty output or
 * running longer than timeout_ms is an error (stderr's first line is quoted).
 */
int secret_run_command(const char *cmd, int timeout_ms, char **out,
                       struct mc_err *err);

/*
 * Look up the password for host (and user, unless NULL) in a netrc file;
 * path NULL means $HOME/.netrc. Like curl(1), permissions are not checked.
 */
int secret_netrc_lookup(const char *path, const char *host, const char *user,
                        char **out, struct mc_err *err);

/* Overwrite a secret string with zeros, then free it (NULL is fine). */
void secret_wipe_free(char *s);

/* Free the value of s and reset it to MC_SECRET_NONE. */
void secret_clear(struct mc_secret *s);

#endif
