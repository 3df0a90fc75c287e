/*
 * The helper a tmux window runs for a session (mctop --attach …), and the
 * demo's local shell for a window (mctop --attach-demo HOST).
 */
#ifndef MCTOP_VIEWS_ATTACH_H
#define MCTOP_VIEWS_ATTACH_H

struct attach_options {
    const char *socket;      /* a tunnel socket, or "tcp" to connect directly */
    const char *to;          /* USER@HOST:PORT */
    const char *host;        /* the monitored host's name */
    const char *site;        /* for the log file's name */
    const char *identity;    /* or NULL */
    const char *known_hosts; /* or NULL */
    const char *log_dir;     /* or NULL */
};

struct session_route;
/* "USER@HOST:PORT" (HOST may be [v6]) into r; returns 0 or -1. */
int attach_parse_to(const char *to, struct session_route *r);
/* Run the session; returns the remote exit status, or 255 on a failure. */
int attach_main(const struct attach_options *o);
/* Say it is a demo, then become the user's shell. */
int attach_demo_main(const char *host);

#endif
