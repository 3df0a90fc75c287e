/* Unit tests for keymap files: every shipped keymap loads, errors name the
 * line. */
#include <check.h>
#include <glob.h>
#include <stdio.h>
#include <string.h>

#include "keymaps/keymap.h"
#include "tui/keys.h"
#include "views/actions.h"

static struct keymap km;

static void keymap_setup(void)
{
    keymap_init(&km, actions_table, actions_keytables);
}

static void keymap_teardown(void)
{
    keymap_free(&km);
}

START_TEST(test_every_shipped_keymap_loads)
{
    struct mc_err err = { 0 };
    glob_t g;

    ck_assert_int_eq(glob("keymaps/*.keys", 0, NULL, &g), 0);
    ck_assert_uint_ge(g.gl_pathc, 3);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        keymap_free(&km);
        keymap_init(&km, actions_table, actions_keytables);
        ck_assert_msg(keymap_load_file(&km, "keymaps/default.keys", &err) == 0,
                      "%s", err.msg);
        ck_assert_msg(keymap_load_file(&km, g.gl_pathv[i], &err) == 0, "%s",
                      err.msg);
    }
    globfree(&g);
}
END_TEST

START_TEST(test_builtin_matches_files)
{
    struct mc_err err = { 0 };
    size_t n = 0;

    for (const struct keymap_builtin *b = keymap_builtins; b->name; b++, n++) {
        struct keymap other;

        keymap_init(&other, actions_table, actions_keytables);
        ck_assert_int_eq(keymap_load_named(&km, b->name, "/nonexistent", &err),
                         0);
        ck_assert_int_eq(keymap_load_file(&other, b->path, &err), 0);
        keymap_free(&other);
    }
    ck_assert_uint_eq(n, 3);
}
END_TEST

START_TEST(test_default_bindings_and_overlay)
{
    struct mc_err err = { 0 };

    ck_assert_int_eq(keymap_load_named(&km, "default", "/x", &err), 0);
    ck_assert_int_eq(keymap_lookup(&km, KT_GLOBAL, 'q'), ACT_QUIT);
    ck_assert_int_eq(keymap_lookup(&km, KT_LIST, TK_DOWN), ACT_DOWN);
    ck_assert_int_eq(keymap_lookup(&km, KT_ALERTS, 'H'), ACT_TOGGLE_HANDLED);
    ck_assert_int_eq(keymap_lookup(&km, KT_HOSTS, 'H'), 0);
    ck_assert_int_eq(keymap_load_named(&km, "emacs", "/x", &err), 0);
    ck_assert_int_eq(keymap_lookup(&km, KT_LIST, TK_CTRL('n')), ACT_DOWN);
    ck_assert_int_eq(keymap_lookup(&km, KT_GLOBAL, 'q'), ACT_QUIT); /* kept */
}
END_TEST

START_TEST(test_errors_name_file_and_line)
{
    struct mc_err err = { 0 };

    ck_assert_int_eq(keymap_load_text(&km,
                                      "bind global q quit\n"
                                      "bind global x no-such-action\n",
                                      "my.keys", &err),
                     -1);
    ck_assert_str_eq(err.msg, "my.keys:2: unknown action 'no-such-action'");
    ck_assert_uint_eq(km.n, 0); /* nothing applied */
    keymap_load_text(&km, "# c\n\nbind global Foo quit\n", "k", &err);
    ck_assert_str_eq(err.msg, "k:3: unknown key name 'Foo'");
    keymap_load_text(&km, "bind nowhere q quit\n", "k", &err);
    ck_assert_str_eq(err.msg, "k:1: unknown table 'nowhere'");
    keymap_load_text(&km, "bind list j cursor-down\nbind list j cursor-up\n",
                     "k", &err);
    ck_assert_str_eq(err.msg, "k:2: duplicate binding for j in table list");
    keymap_load_text(&km, "bind list j\n", "k", &err);
    ck_assert_str_eq(err.msg, "k:1: usage: bind TABLE KEY ACTION");
    keymap_load_text(&km, "map list j x\n", "k", &err);
    ck_assert_str_eq(err.msg, "k:1: unknown directive 'map' (bind or unbind)");
    ck_assert_int_eq(keymap_load_named(&km, "nosuch", "/x", &err), -1);
    ck_assert_int_eq(keymap_load_file(&km, "/nonexistent.keys", &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "/nonexistent.keys"));
}
END_TEST

START_TEST(test_unbind_and_keys_for)
{
    struct mc_err err = { 0 };
    int keys[4];

    ck_assert_int_eq(keymap_load_text(&km,
                                      "bind list j cursor-down\n"
                                      "bind list Down cursor-down\n",
                                      "a", &err),
                     0);
    ck_assert_uint_eq(keymap_keys_for(&km, KT_LIST, ACT_DOWN, keys, 4), 2);
    ck_assert_int_eq(keys[0], 'j');
    ck_assert_int_eq(keymap_load_text(&km, "unbind list j\n", "b", &err), 0);
    ck_assert_int_eq(keymap_lookup(&km, KT_LIST, 'j'), 0);
    ck_assert_int_eq(keymap_lookup(&km, KT_LIST, TK_DOWN), ACT_DOWN);
}
END_TEST

/* Every action a keymap can name is described in mctop(1). */
START_TEST(test_every_action_documented)
{
    FILE *f = fopen("man/mctop.1", "r");
    static char man[1 << 17];
    size_t n;

    ck_assert_ptr_nonnull(f);
    n = fread(man, 1, sizeof man - 1, f);
    fclose(f);
    man[n] = '\0';
    for (const struct keymap_action *a = actions_table; a->name; a++)
        ck_assert_msg(strstr(man, a->name) != NULL,
                      "action %s is not in man/mctop.1", a->name);
}
END_TEST

Suite *keymap_suite(void)
{
    Suite *s = suite_create("keymap");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, keymap_setup, keymap_teardown);
    tcase_add_test(tc, test_every_shipped_keymap_loads);
    tcase_add_test(tc, test_builtin_matches_files);
    tcase_add_test(tc, test_default_bindings_and_overlay);
    tcase_add_test(tc, test_errors_name_file_and_line);
    tcase_add_test(tc, test_unbind_and_keys_for);
    tcase_add_test(tc, test_every_action_documented);
    suite_add_tcase(s, tc);
    return s;
}
