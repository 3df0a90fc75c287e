/* One worker thread with a FIFO of jobs; completions come back by pipe. */
#include "worker.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "backend/loop.h"
#include "backend/xalloc.h"

struct worker_job {
    worker_fn fn;
    worker_done_fn done;
    void *arg;
    size_t bytes;
    struct worker_job *next;
};

struct worker {
    struct loop *loop;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    struct worker_job *todo, *todo_tail; /* waiting to run */
    struct worker_job *done, *done_tail; /* ran; completion pending */
    size_t queued_bytes;
    bool stop;
    int pipe[2]; /* worker -> loop: "completions are waiting" */
};

static void worker_append(struct worker_job **head, struct worker_job **tail,
                          struct worker_job *j)
{
    j->next = NULL;
    if (*tail != NULL)
        (*tail)->next = j;
    else
        *head = j;
    *tail = j;
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    char b = 1;

    pthread_mutex_lock(&w->lock);
    for (;;) {
        struct worker_job *j;

        while (w->todo == NULL && !w->stop)
            pthread_cond_wait(&w->wake, &w->lock);
        if (w->todo == NULL)
            break;
        j = w->todo;
        w->todo = j->next;
        if (w->todo == NULL)
            w->todo_tail = NULL;
        pthread_mutex_unlock(&w->lock);
        j->fn(j->arg);
        pthread_mutex_lock(&w->lock);
        w->queued_bytes -= j->bytes;
        worker_append(&w->done, &w->done_tail, j);
        if (write(w->pipe[1], &b, 1) < 0) {
            /* the pipe is full: a wake-up is already pending */
        }
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

/* Loop thread: run the completions of finished jobs, in order. */
static void worker_complete(struct worker *w)
{
    struct worker_job *j;
    char b[64];

    while (read(w->pipe[0], b, sizeof b) > 0)
        ;
    pthread_mutex_lock(&w->lock);
    j = w->done;
    w->done = w->done_tail = NULL;
    pthread_mutex_unlock(&w->lock);
    while (j != NULL) {
        struct worker_job *next = j->next;

        if (j->done != NULL)
            j->done(j->arg);
        free(j);
        j = next;
    }
}

static void worker_on_pipe(int fd, short revents, void *arg)
{
    (void)fd;
    (void)revents;
    worker_complete(arg);
}

struct worker *worker_new(struct loop *loop)
{
    struct worker *w = xcalloc(1, sizeof *w);

    w->loop = loop;
    if (pipe(w->pipe) < 0)
        fatal("cannot create the worker pipe");
    for (int i = 0; i < 2; i++) {
        fcntl(w->pipe[i], F_SETFL, fcntl(w->pipe[i], F_GETFL) | O_NONBLOCK);
        fcntl(w->pipe[i], F_SETFD, FD_CLOEXEC);
    }
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->wake, NULL);
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0)
        fatal("cannot start the worker thread");
    loop_add_fd(loop, w->pipe[0], POLLIN, worker_on_pipe, w);
    return w;
}

void worker_submit(struct worker *w, worker_fn fn, worker_done_fn done,
                   void *arg, size_t bytes)
{
    struct worker_job *j = xcalloc(1, sizeof *j);

    j->fn = fn;
    j->done = done;
    j->arg = arg;
    j->bytes = bytes;
    pthread_mutex_lock(&w->lock);
    w->queued_bytes += bytes;
    worker_append(&w->todo, &w->todo_tail, j);
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
}

size_t worker_queued_bytes(struct worker *w)
{
    size_t n;

    pthread_mutex_lock(&w->lock);
    n = w->queued_bytes;
    pthread_mutex_unlock(&w->lock);
    return n;
}

void worker_free(struct worker *w)
{
    if (w == NULL)
        return;
    pthread_mutex_lock(&w->lock);
    w->stop = true;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    worker_complete(w);
    loop_del_fd(w->loop, w->pipe[0]);
    close(w->pipe[0]);
    close(w->pipe[1]);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->wake);
    free(w);
}
