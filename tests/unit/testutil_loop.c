/* Helpers for unit tests that drive a demo site over the event loop. */
#include "tests/unit/testutil_loop.h"

#include "backend/loop.h"
#include "backend/site.h"
#include "backend/worker.h"

void tl_demo_open(struct tl_demo *t)
{
    t->loop = loop_new();
    t->worker = worker_new(t->loop);
    t->site = site_new_demo(t->loop, t->worker, 7, 60, 60);
    site_start(t->site);
}

void tl_demo_close(struct tl_demo *t)
{
    site_free(t->site);
    worker_free(t->worker);
    loop_free(t->loop);
}

struct tl_demo tl_site;

void tl_demo_setup(void)
{
    tl_demo_open(&tl_site);
}

void tl_demo_teardown(void)
{
    tl_demo_close(&tl_site);
}

struct tl_waiter {
    struct loop *loop;
    bool (*done)(void *arg);
    void *arg;
    long left;
};

static long tl_tick(void *arg)
{
    struct tl_waiter *w = arg;

    w->left -= 10;
    if (w->done(w->arg) || w->left <= 0) {
        loop_stop(w->loop);
        return LOOP_STOP;
    }
    return 10;
}

bool tl_wait(struct loop *loop, bool (*done)(void *arg), void *arg, long ms)
{
    struct tl_waiter w = { loop, done, arg, ms };

    loop_add_timer(loop, 0, tl_tick, &w);
    loop_run(loop);
    return done(arg);
}
