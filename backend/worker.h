/*
 * A background thread for work that must not stall the event loop: big
 * parses and snapshot builds. Jobs run in submission order; each job's
 * completion callback then runs on the loop thread.
 */
#ifndef MCTOP_BACKEND_WORKER_H
#define MCTOP_BACKEND_WORKER_H

#include <stddef.h>

struct loop;
struct worker;

/* Runs on the worker thread; must not touch loop-thread state. */
typedef void (*worker_fn)(void *arg);
/* Runs on the loop thread once the job is done (may be NULL). */
typedef void (*worker_done_fn)(void *arg);

/* Start the thread; completions are delivered through the loop. */
struct worker *worker_new(struct loop *loop);
/* Queue a job. bytes is what it holds, for worker_queued_bytes(). */
void worker_submit(struct worker *w, worker_fn fn, worker_done_fn done,
                   void *arg, size_t bytes);
/* Bytes held by jobs not yet finished (for flow control). */
size_t worker_queued_bytes(struct worker *w);
/* Finish the queued jobs, run their completions, stop the thread. */
void worker_free(struct worker *w);

#endif
