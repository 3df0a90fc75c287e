/* Unit tests for the table state, meters, sparklines and the line editor. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tui/dialog.h"
#include "tui/form.h"
#include "tui/keys.h"
#include "tui/lineedit.h"
#include "tui/meter.h"
#include "tui/sparkline.h"
#include "tui/table.h"

START_TEST(test_table_empty_and_clamp)
{
    struct table t = { 0 };

    table_set_height(&t, 5);
    table_move(&t, 3);
    ck_assert_uint_eq(t.cur, 0);
    table_set_count(&t, 10);
    table_move(&t, 7);
    ck_assert_uint_eq(t.cur, 7);
    ck_assert_uint_eq(t.top, 3); /* cursor kept on the last visible line */
    table_move(&t, 100);
    ck_assert_uint_eq(t.cur, 9);
    table_move(&t, -100);
    ck_assert_uint_eq(t.cur, 0);
    ck_assert_uint_eq(t.top, 0);
    table_select(&t, 9);
    table_set_count(&t, 4); /* rows vanished: cursor follows */
    ck_assert_uint_eq(t.cur, 3);
    ck_assert_uint_eq(t.top, 0);
}
END_TEST

START_TEST(test_table_scroll_drags_cursor)
{
    struct table t = { 0 };

    table_set_height(&t, 5);
    table_set_count(&t, 100);
    table_scroll(&t, 10);
    ck_assert_uint_eq(t.top, 10);
    ck_assert_uint_eq(t.cur, 10);
    table_scroll(&t, 1000);
    ck_assert_uint_eq(t.top, 95);
    table_scroll(&t, -1000);
    ck_assert_uint_eq(t.top, 0);
    ck_assert_uint_eq(t.cur, 4);
}
END_TEST

START_TEST(test_table_layout_hides_by_priority)
{
    const struct table_col cols[] = {
        { "A", 10, 0, ALIGN_LEFT, 0 },
        { "B", 10, 1, ALIGN_LEFT, 0 },
        { "C", 10, 0, ALIGN_LEFT, 2 },
        { "D", 10, 0, ALIGN_LEFT, 1 },
    };
    int xs[4], ws[4];

    table_layout(cols, 4, 80, xs, ws);
    ck_assert_int_eq(ws[0], 10);
    ck_assert_int_eq(ws[1],
                     80 - 3 - 30); /* the flexible column takes the rest */
    ck_assert_int_eq(xs[3], 80 - 10);
    table_layout(cols, 4, 35, xs, ws); /* C (priority 2) must go */
    ck_assert_int_eq(ws[2], 0);
    ck_assert_int_gt(ws[3], 0);
    table_layout(cols, 4, 22, xs, ws); /* then D */
    ck_assert_int_eq(ws[3], 0);
    ck_assert_int_eq(ws[0] + ws[1] + 1, 22);
}
END_TEST

START_TEST(test_meter_render)
{
    struct meter m = { 0.5, 0.8, 0.9, METER_OK };
    uint32_t g[10];
    enum meter_cell k[10];

    meter_render(&m, 10, false, g, k);
    ck_assert_int_eq(k[4], MCELL_FILL);
    ck_assert_int_eq(k[5], MCELL_EMPTY);
    ck_assert_int_eq(k[8], MCELL_MARK_WARN);
    ck_assert_int_eq(k[9], MCELL_MARK_CRIT);
    ck_assert_uint_eq(g[0], '|');
    m.frac = 0.55; /* 5.5 cells: a half block in UTF-8 */
    meter_render(&m, 10, true, g, k);
    ck_assert_uint_eq(g[5], 0x258C);
    m.frac = NAN; /* garbage in: an empty bar, not a crash */
    meter_render(&m, 10, true, g, k);
    ck_assert_int_eq(k[0], MCELL_EMPTY);
    m.frac = 7;
    meter_render(&m, 10, true, g, k);
    ck_assert_int_eq(k[9], MCELL_FILL);
}
END_TEST

START_TEST(test_sparkline_styles)
{
    const double v[] = { 0, 1, 2, 3, 4, 5, 6, 7 };
    const double gap[] = { 1, NAN, 3 };
    uint32_t out[8];

    sparkline_render(v, 8, 0, 7, 8, SPARK_BLOCK, out);
    ck_assert_uint_eq(out[0], 0x2581);
    ck_assert_uint_eq(out[7], 0x2588);
    sparkline_render(v, 8, 0, 7, 4, SPARK_BRAILLE, out);
    ck_assert_uint_eq(out[0], 0x2800 + 0x40 + 0x80); /* 1 dot, 1 dot */
    ck_assert_uint_eq(out[3], 0x2800 + 0x47 + 0xB8); /* full column pair */
    sparkline_render(v, 8, 0, 7, 8, SPARK_ASCII, out);
    ck_assert_uint_eq(out[0], '_');
    ck_assert_uint_eq(out[7], '#');
    sparkline_render(gap, 3, 0, 0, 3, SPARK_BLOCK, out);
    ck_assert_uint_eq(out[1], ' '); /* a gap stays a gap */
    /* fewer samples than cells: right-aligned, blanks on the left */
    sparkline_render(v, 2, 0, 7, 5, SPARK_BLOCK, out);
    ck_assert_uint_eq(out[0], ' ');
    ck_assert_uint_eq(out[4], 0x2581 + 1);
    /* more samples than cells: bucket averages */
    sparkline_render(v, 8, 0, 7, 2, SPARK_BLOCK, out);
    ck_assert_uint_lt(out[0], out[1]);
}
END_TEST

static size_t words_complete(void *arg, const char *text, size_t *ws,
                             char ***out)
{
    (void)arg;
    *ws = 0;
    if (strncmp("alerts", text, strlen(text)) != 0)
        return 0;
    *out = malloc(sizeof **out);
    (*out)[0] = strdup("alerts");
    return 1;
}

START_TEST(test_lineedit_editing)
{
    struct history h = { 0 };
    struct lineedit le;

    lineedit_init(&le, &h, words_complete, NULL);
    ck_assert_int_eq(lineedit_key(&le, TK_BACKSPACE), LE_MOVED);
    lineedit_key(&le, 'a');
    lineedit_key(&le, 0xe9); /* é: two bytes */
    lineedit_key(&le, 'b');
    ck_assert_str_eq(lineedit_text(&le), "a\xc3\xa9"
                                         "b");
    lineedit_key(&le, TK_LEFT);
    lineedit_key(&le, TK_BACKSPACE); /* removes é as one character */
    ck_assert_str_eq(lineedit_text(&le), "ab");
    lineedit_key(&le, TK_HOME);
    lineedit_key(&le, TK_CTRL('k'));
    ck_assert_str_eq(lineedit_text(&le), "");
    lineedit_set(&le, "one two");
    lineedit_key(&le, TK_CTRL('w'));
    ck_assert_str_eq(lineedit_text(&le), "one ");
    ck_assert_int_eq(lineedit_key(&le, TK_ENTER), LE_ACCEPT);
    ck_assert_int_eq(lineedit_key(&le, TK_ESC), LE_CANCEL);
    lineedit_free(&le);
    history_free(&h);
}
END_TEST

START_TEST(test_lineedit_history_and_completion)
{
    struct history h = { 0 };
    struct lineedit le;

    history_add(&h, "first");
    history_add(&h, "second");
    history_add(&h, "second"); /* kept once */
    ck_assert_uint_eq(h.n, 2);
    lineedit_init(&le, &h, words_complete, NULL);
    lineedit_set(&le, "draft");
    lineedit_key(&le, TK_UP);
    ck_assert_str_eq(lineedit_text(&le), "second");
    lineedit_key(&le, TK_UP);
    ck_assert_str_eq(lineedit_text(&le), "first");
    lineedit_key(&le, TK_DOWN);
    lineedit_key(&le, TK_DOWN);
    ck_assert_str_eq(lineedit_text(&le), "draft"); /* back to the draft */
    lineedit_set(&le, "al");
    ck_assert_int_eq(lineedit_key(&le, TK_TAB), LE_CHANGED);
    ck_assert_str_eq(lineedit_text(&le), "alerts ");
    lineedit_free(&le);
    history_free(&h);
}
END_TEST

START_TEST(test_dialogs)
{
    const char *items[] = { "one", "two", "three" };
    struct dialog *d = dialog_confirm("Quit", "Really?", NULL, 0, 1);

    ck_assert_int_eq(dialog_key(d, TK_LEFT), DIALOG_CONTINUE);
    ck_assert_uint_eq(d->sel, 0);
    ck_assert_int_eq(dialog_key(d, 'n'), DIALOG_OK);
    ck_assert_uint_eq(d->sel, 1);
    ck_assert_int_eq(dialog_key(d, TK_ESC), DIALOG_CANCEL);
    dialog_free(d);
    d = dialog_pick("Sort by", items, 3, 0);
    dialog_key(d, TK_DOWN);
    dialog_key(d, TK_DOWN);
    dialog_key(d, TK_DOWN);
    ck_assert_uint_eq(d->sel, 2);
    ck_assert_int_eq(dialog_key(d, TK_ENTER), DIALOG_OK);
    dialog_free(d);
    d = dialog_prompt("Comment", NULL, "x", NULL);
    dialog_key(d, 'y');
    ck_assert_str_eq(dialog_text(d), "xy");
    ck_assert_int_eq(dialog_key(d, TK_ENTER), DIALOG_OK);
    dialog_free(d);
}
END_TEST

START_TEST(test_form_fields)
{
    static const char *const kinds[] = { "fixed", "flexible" };
    struct form *fm = form_new("Schedule downtime", "Schedule");
    size_t comment = form_add_text(fm, "Comment", "", NULL);
    size_t sticky = form_add_toggle(fm, "Sticky", false);
    size_t kind = form_add_choice(fm, "Type", kinds, 2, 0);

    ck_assert_uint_eq(fm->cur, comment);
    form_key(fm, 'o');
    form_key(fm, 'k');
    ck_assert_str_eq(form_text(fm, comment), "ok");
    ck_assert_int_eq(form_key(fm, TK_ENTER), DIALOG_CONTINUE); /* next field */
    ck_assert_uint_eq(fm->cur, sticky);
    form_key(fm, TK_SPACE);
    ck_assert(form_toggle(fm, sticky));
    form_key(fm, TK_TAB);
    form_key(fm, TK_RIGHT);
    ck_assert_uint_eq(form_choice(fm, kind), 1);
    form_key(fm, TK_RIGHT); /* wraps */
    ck_assert_uint_eq(form_choice(fm, kind), 0);
    form_key(fm, TK_UP);
    ck_assert_uint_eq(fm->cur, sticky);
    form_key(fm, 'x'); /* a text key on a toggle does nothing */
    ck_assert_str_eq(form_text(fm, comment), "ok");
    ck_assert(form_toggle(fm, sticky));
    form_set_error(fm, "bad");
    ck_assert_str_eq(fm->error, "bad");
    form_key(fm, TK_BTAB);
    ck_assert_int_eq(form_key(fm, TK_BTAB), DIALOG_CONTINUE);
    ck_assert_uint_eq(fm->cur, 3); /* wrapped round to the button */
    ck_assert_int_eq(form_key(fm, TK_ENTER), DIALOG_OK);
    ck_assert_int_eq(form_key(fm, TK_ESC), DIALOG_CANCEL);
    form_free(fm);
}
END_TEST

Suite *widgets_suite(void)
{
    Suite *s = suite_create("widgets");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_table_empty_and_clamp);
    tcase_add_test(tc, test_table_scroll_drags_cursor);
    tcase_add_test(tc, test_table_layout_hides_by_priority);
    tcase_add_test(tc, test_meter_render);
    tcase_add_test(tc, test_sparkline_styles);
    tcase_add_test(tc, test_lineedit_editing);
    tcase_add_test(tc, test_lineedit_history_and_completion);
    tcase_add_test(tc, test_dialogs);
    tcase_add_test(tc, test_form_fields);
    suite_add_tcase(s, tc);
    return s;
}
