/* A scratch $HOME for tests (testutil_home.c). */
#ifndef MCTOP_TESTS_UNIT_TESTUTIL_HOME_H
#define MCTOP_TESTS_UNIT_TESTUTIL_HOME_H

/* Make a temporary HOME (and unset XDG_CONFIG_HOME); a Check fixture. */
void testutil_home_setup(void);
/* Remove what was created in it and restore HOME. */
void testutil_home_teardown(void);
/* The scratch HOME's path. */
const char *testutil_home(void);
/* Create HOME/rel with content (and its directories); caller frees the path. */
char *testutil_put_file(const char *rel, const char *content);

/* HOME/rel (caller frees); and a path to remove at teardown. */
char *testutil_home_path(const char *rel);
void testutil_home_remember(const char *path);

#endif
