/*
 * Helpers shared by the unit tests that drive a demo site over the event
 * loop (no suite here): the site, and turning the loop until a condition.
 */
#ifndef MCTOP_TESTS_UNIT_TESTUTIL_LOOP_H
#define MCTOP_TESTS_UNIT_TESTUTIL_LOOP_H

#include <stdbool.h>

struct loop;
struct worker;
struct site;

/* A started demo site of 60 hosts (seed 7) on a new loop and worker. */
struct tl_demo {
    struct loop *loop;
    struct worker *worker;
    struct site *site;
};

void tl_demo_open(struct tl_demo *t);
void tl_demo_close(struct tl_demo *t);
/* A Check fixture: tl_site opened before each test, closed after it. */
extern struct tl_demo tl_site;
void tl_demo_setup(void);
void tl_demo_teardown(void);
/* Turn the loop until done(arg) holds or ms pass; done's last answer. */
bool tl_wait(struct loop *loop, bool (*done)(void *arg), void *arg, long ms);

#endif
