/*
 * The OpenSSH command for a session ([mctop] ssh_mode = openssh): the
 * system's ssh(1), run as an argv (never through a shell), opening the
 * session mctop's own client would open, through the site's bastion with
 * a ProxyJump.
 *
 * ssh -J starts the jump's ssh with only -F (and -v, user, port), not the
 * other command-line options, so the bastion's identity_file and
 * known_hosts reach it through a configuration file of mctop's. Its Host
 * block is named after the bastion itself (not an alias of mctop's), so a
 * bastion that is a Host alias of ~/.ssh/config gets that alias's settings
 * too, as with the built-in client.
 */
#ifndef MCTOP_BACKEND_OPENSSH_H
#define MCTOP_BACKEND_OPENSSH_H

#include <stdbool.h>

#include "backend/config.h"
#include "backend/err.h"

/*
 * Write an ssh_config (mode 0600, atomically: tmp + rename) that holds
 * "Host BASTION" with the site's bastion settings (Port, User,
 * IdentityFile + IdentitiesOnly yes when identity_file is set,
 * UserKnownHostsFile when known_hosts is set; nothing for a direct site),
 * followed by "Match all" + "Include SSH_DIR/config" + "Include
 * /etc/ssh/ssh_config", so the user's own configuration still applies to
 * everything else. Values are quoted (paths with spaces) and '%' escaped;
 * a value that ssh_config cannot express (a newline, a double quote, a
 * backslash, "${") is refused with a clear error. Returns 0, or -1 with
 * err set.
 */
int openssh_write_config(const struct mc_site_config *s, const char *ssh_dir,
                         const char *path, struct mc_err *err);

/*
 * The argv of the session (NULL-terminated, free with openssh_argv_free):
 *   ssh -F CONFIG [-J BASTION] -p PORT -l USER
 *       [-i IDENTITY -o IdentitiesOnly=yes] [-o UserKnownHostsFile=KH]
 *       (-t | -T) [-o BatchMode=yes when command != NULL] -- TARGET [COMMAND]
 * -J only when the site is not direct (an IPv6 bastion in brackets). rule
 * is the effective rule from config_ssh_for(); target is the address or
 * host name to connect to (the caller picks per rule->connect_to); tty: -t
 * for an interactive shell, -T for :run commands. The known_hosts option
 * is added only when the site sets known_hosts (the target's key is then
 * checked in the same file as in the built-in mode).
 *
 * ssh puts the -F path and the bastion into a /bin/sh command line for the
 * jump, so with a bastion config_path must be made of letters, digits and
 * "/._+,:@=-" only. A target that is not a host name or an address (one
 * beginning with '-' above all) is refused: NULL with err set.
 */
char **openssh_argv(const char *config_path, const struct mc_site_config *s,
                    const struct mc_ssh_rule *rule, const char *target,
                    const char *command, bool tty, struct mc_err *err);
void openssh_argv_free(char **argv);

/* For messages and the man page: the argv as one line, each word
 * shell-quoted when needed (for display only, never executed). Caller
 * frees. */
char *openssh_argv_text(char *const *argv);

#endif
