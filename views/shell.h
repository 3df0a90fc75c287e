/*
 * The terminal bridge of a remote shell: keys go to the session byte for
 * byte, its output goes to the terminal without blocking the loop, and
 * window size changes follow. "~." after a newline ends the session and
 * "~?" lists the escapes, as in OpenSSH.
 */
#ifndef MCTOP_VIEWS_SHELL_H
#define MCTOP_VIEWS_SHELL_H

struct loop;
struct session;
struct shell;

/* The status of a session the user closed with "~.". */
#define SHELL_CLOSED_BY_USER (-2)

struct shell_cb {
    /*
     * The session ended (status as session_cb.closed gives it, or
     * SHELL_CLOSED_BY_USER; why is NULL unless it failed). The terminal is
     * back in its old mode.
     */
    void (*ended)(void *arg, struct shell *sh, int status, const char *why);
    void *arg;
};

/*
 * Take the terminal (curses must be suspended and nothing else reading
 * stdin) and bridge it to sess, which the shell owns from now on.
 */
struct shell *shell_new(struct loop *loop, struct session *sess,
                        const struct shell_cb *cb);
/* The terminal was resized (SIGWINCH). */
void shell_winch(struct shell *sh);
/* End the session if it runs and give the terminal back. */
void shell_free(struct shell *sh);

#endif
