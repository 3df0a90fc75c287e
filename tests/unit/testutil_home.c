/* A scratch $HOME for tests that read files from it (no suite here). */
#include "testutil_home.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/xalloc.h"

static char tmp_home[64];
static char *saved_home;
static char *made[32]; /* created files and directories, removed in reverse */
static int nmade;

void testutil_home_remember(const char *path)
{
    ck_assert_int_lt(nmade, 32);
    made[nmade++] = xstrdup(path);
}

/* Create dir/rel with the given content (and its parent directories). */
char *testutil_put_file(const char *rel, const char *content)
{
    char *path = xasprintf("%s/%s", tmp_home, rel);
    char *slash;
    FILE *f;

    for (slash = strchr(path + strlen(tmp_home) + 1, '/'); slash != NULL;
         slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        if (mkdir(path, 0700) == 0)
            testutil_home_remember(path);
        *slash = '/';
    }
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(content, f);
    fclose(f);
    testutil_home_remember(path);
    return path;
}

void testutil_home_setup(void)
{
    const char *h = getenv("HOME");

    saved_home = h != NULL ? xstrdup(h) : NULL;
    snprintf(tmp_home, sizeof tmp_home, "/tmp/mctop-test-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmp_home));
    setenv("HOME", tmp_home, 1);
    unsetenv("XDG_CONFIG_HOME");
}

void testutil_home_teardown(void)
{
    while (nmade > 0) {
        char *p = made[--nmade];

        if (unlink(p) < 0)
            rmdir(p);
        free(p);
    }
    rmdir(tmp_home);
    if (saved_home != NULL)
        setenv("HOME", saved_home, 1);
    else
        unsetenv("HOME");
    free(saved_home);
    saved_home = NULL;
}

const char *testutil_home(void)
{
    return tmp_home;
}

char *testutil_home_path(const char *rel)
{
    return xasprintf("%s/%s", tmp_home, rel);
}
