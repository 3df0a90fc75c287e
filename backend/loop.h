/*
 * The event loop: one poll(2) over file descriptors, timers, signals
 * delivered through a self-pipe, and a hook that runs once per turn.
 */
#ifndef MCTOP_BACKEND_LOOP_H
#define MCTOP_BACKEND_LOOP_H

#include <stdbool.h>

#define LOOP_STOP (-1L)

struct loop;

typedef void (*loop_fd_cb)(int fd, short revents, void *arg);
/* Returns the delay to the next call in ms, or LOOP_STOP to remove it. */
typedef long (*loop_timer_cb)(void *arg);
typedef void (*loop_signal_cb)(int signo, void *arg);
typedef void (*loop_hook)(void *arg);

struct loop *loop_new(void);
void loop_free(struct loop *l);

/* Watch fd for POLLIN/POLLOUT; one watcher per fd. Returns 0 or -1. */
int loop_add_fd(struct loop *l, int fd, short events, loop_fd_cb cb, void *arg);
void loop_mod_fd(struct loop *l, int fd, short events);
void loop_del_fd(struct loop *l, int fd);

/* Call cb after ms milliseconds; returns a timer id (never 0). */
unsigned loop_add_timer(struct loop *l, long ms, loop_timer_cb cb, void *arg);
void loop_del_timer(struct loop *l, unsigned id);
/* Move a timer's next call to ms from now. */
void loop_reset_timer(struct loop *l, unsigned id, long ms);

/*
 * Deliver signo as a loop event: the handler only writes to a pipe, cb
 * runs later from loop_run. Returns 0 or -1.
 */
int loop_add_signal(struct loop *l, int signo, loop_signal_cb cb, void *arg);
/* Install the loop's handler for signo again (after SIG_DFL was set). */
int loop_rearm_signal(struct loop *l, int signo);
/* Restore the default disposition of every signal the loop handles. */
void loop_reset_signals(struct loop *l);

/* Run hook once per turn, after events and before sleeping (redraw). */
void loop_set_before_sleep(struct loop *l, loop_hook hook, void *arg);

void loop_stop(struct loop *l);
bool loop_stopped(const struct loop *l);
/* Run until loop_stop; returns 0, or -1 when poll fails. */
int loop_run(struct loop *l);

/* Monotonic milliseconds, and wall-clock seconds as a double. */
long long loop_now_ms(void);
double loop_wall(void);

#endif
