/*
 * Local child processes on the event loop: started from an argv (never a
 * shell string), on pipes or on a new pseudo-terminal; output arrives as
 * events and the exit status is reaped through SIGCHLD delivered by the
 * loop.
 *
 * The module owns SIGCHLD on the loop (it adds the loop's handler the first
 * time a child starts) and only ever waits for its own children, so code
 * that runs and waits for a child by itself still works. One loop at a
 * time: free every proc before its loop.
 */
#ifndef MCTOP_BACKEND_PROC_H
#define MCTOP_BACKEND_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct loop;
struct proc;

enum proc_io {
    PROC_PIPES, /* stdin a pipe (proc_write), stdout and stderr read
                   separately */
    PROC_PTY    /* a new pty of cols x rows: the child's stdin/out/err,
                   its controlling tty */
};

struct proc_spec {
    char *const *argv;    /* argv[0] is looked up in mctop's PATH */
    char *const *env_add; /* "NAME=value" strings added to (or replacing in)
                             the environment; NULL-terminated, or NULL */
    enum proc_io io;
    int cols, rows; /* PROC_PTY; 0: the kernel's default (0 x 0) */
};

struct proc_cb {
    /* Output (PIPES: is_stderr tells which; PTY: everything, is_stderr
     * false). May call any proc function on p, proc_free included. */
    void (*data)(void *arg, struct proc *p, const char *buf, size_t n,
                 bool is_stderr);
    /* Exited, after all its output was delivered: the exit code, or 128+N
     * after signal N (-1 when the status was lost: someone else waited for
     * it). May free p; otherwise p stays valid until proc_free. */
    void (*exited)(void *arg, struct proc *p, int status);
    void *arg;
};

/*
 * Start it; NULL with a message in err ("cannot run ssh: No such file or
 * directory") when it cannot start, exec failure included (the child
 * reports it through a close-on-exec pipe before proc_spawn returns).
 */
struct proc *proc_spawn(struct loop *loop, const struct proc_spec *spec,
                        const struct proc_cb *cb, char *err, size_t errsz);
/* Queue bytes for the child's stdin (PIPES, PTY); never blocks (buffered,
 * written when the fd is writable). Dropped once the child cannot read. */
void proc_write(struct proc *p, const void *buf, size_t n);
/* EOF on its stdin once the queued bytes are written (PIPES). */
void proc_close_stdin(struct proc *p);
/* PTY: TIOCSWINSZ (the child gets SIGWINCH). */
void proc_resize(struct proc *p, int cols, int rows);
/* Stop reading its output while the consumer is behind (back-pressure),
 * and resume. A held child's exit is reported once its output is read. */
void proc_hold(struct proc *p, bool hold);
/* Signal its process group (nothing once it was reaped). */
void proc_kill(struct proc *p, int sig);
pid_t proc_pid(const struct proc *p);
/* Not yet reaped. */
bool proc_running(const struct proc *p);
/*
 * Forget it: no more callbacks. A running child gets SIGHUP (then SIGKILL
 * if still there after a short grace, reaped later by the SIGCHLD handler
 * so no zombie is left).
 */
void proc_free(struct proc *p);

#endif
