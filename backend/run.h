/*
 * One command on many hosts at once (":run"): each host gets its own
 * session (backend/session.h, so the same bastion connection, identity
 * and log as a shell), at most `parallel` of them at a time. Each host's
 * output is kept as lines marked stdout, stderr or a note of mctop's own,
 * up to a cap. Views only read the hosts; callbacks say what changed.
 */
#ifndef MCTOP_BACKEND_RUN_H
#define MCTOP_BACKEND_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "backend/bastion.h"
#include "backend/buf.h"
#include "backend/config.h"

struct loop;
struct site;
struct session;
struct run;

#define RUN_CAP          ((size_t)1 << 20) /* output bytes kept per host */
#define RUN_PARALLEL_MAX 64

enum run_state {
    RUN_QUEUED,
    RUN_CONNECTING, /* the session is being set up */
    RUN_RUNNING,    /* the command runs; output may arrive */
    RUN_DONE,       /* it exited: status says how */
    RUN_FAILED,     /* it never ran to the end: why says why */
    RUN_CANCELLED
};

enum run_stream { RUN_STDOUT, RUN_STDERR, RUN_NOTE };

struct run_line {
    size_t off; /* in run_host.out */
    size_t len; /* without the newline */
    enum run_stream stream;
};

struct run_host {
    struct site *site;
    char *host;
    char *address; /* or NULL */
    enum run_state state;
    int status;            /* RUN_DONE: exit status (128+N after signal N) */
    char *why;             /* RUN_FAILED: why, without the host's name */
    double started, ended; /* wall seconds; 0 until then */
    struct buf out;        /* the lines' bytes, back to back, raw */
    struct run_line *lines;
    size_t nlines;
    size_t bytes;   /* output received, kept or not */
    bool truncated; /* the cap was reached: later output was dropped */
    char *log_path; /* the session's log file, or NULL */
    struct bastion_hostkey *key; /* unknown host key waiting for an answer */

    /* private to run.c */
    struct run *run;
    size_t index, caplines;
    struct session *sess;
    struct buf part[2]; /* an unfinished stdout and stderr line */
};

struct run_target {
    struct site *site;
    const char *host;
    const char *address; /* NULL or "" when it has none */
};

struct run_spec {
    struct loop *loop;
    const char *command;
    int parallel; /* hosts at once, clamped to 1..RUN_PARALLEL_MAX */
    enum mc_ssh_mode mode;
    const char *log_dir;     /* each host's session logged there; or NULL */
    const char *runtime_dir; /* private directory for OpenSSH's config */
    size_t cap;              /* output bytes kept per host; 0: RUN_CAP */
};

/* Callbacks come from the loop, never from run_new(); none may free r. */
struct run_cb {
    /* Host i has an unknown host key (in its key): run_answer_hostkey(). */
    void (*hostkey)(void *arg, struct run *r, size_t i);
    /* Host i changed state or has new output. */
    void (*changed)(void *arg, struct run *r, size_t i);
    /* Every host is finished (not after run_cancel()). */
    void (*done)(void *arg, struct run *r);
    void *arg;
};

struct run_counts {
    size_t queued, connecting, running, ok, nonzero, failed, cancelled;
};

/* Set up the hosts (strings copied) and start from the loop. */
struct run *run_new(const struct run_spec *spec, const struct run_target *t,
                    size_t n, const struct run_cb *cb);
/* End every session at once; no callbacks. */
void run_free(struct run *r);
/* Stop the queued and running hosts (CANCELLED); returns how many. */
size_t run_cancel(struct run *r);
/* The answer about host i's key; a rejected key fails the host. */
void run_answer_hostkey(struct run *r, size_t i, enum bastion_answer a);

size_t run_count(const struct run *r);
const struct run_host *run_host(const struct run *r, size_t i);
const char *run_command(const struct run *r);
int run_parallel(const struct run *r);
size_t run_cap(const struct run *r);
void run_counts(const struct run *r, struct run_counts *c);
/* No host is queued, connecting or running. */
bool run_finished(const struct run *r);
/* Wall seconds of the start, and of the end (0 while it runs). */
double run_started(const struct run *r);
double run_ended(const struct run *r);
/* What host i's session is doing ("authenticating as root"), or "". */
const char *run_host_status(const struct run *r, size_t i);
/* "QUEUED", "CONN", "RUN", "OK", "EXIT 3", "FAIL", "CANCEL". */
char *run_host_label(const struct run_host *h, char *buf, size_t size);
/* "1 MiB", "64 KiB", "100 bytes". */
char *run_cap_text(size_t cap, char *buf, size_t size);

#endif
