/* Helpers shared by the unit tests (no suite here): reading data files. */
#ifndef MCTOP_TESTS_UNIT_TESTUTIL_H
#define MCTOP_TESTS_UNIT_TESTUTIL_H

#include <stddef.h>

/*
 * The whole file at path (relative to the project root), NUL-terminated;
 * its length in *len. Fails the test if it cannot be opened. Caller frees.
 */
char *testutil_slurp(const char *path, size_t *len);

#endif
