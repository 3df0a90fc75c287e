/* Unit tests for the Nagios perf data parser and threshold ranges. */
#include <check.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/perfdata.h"

#define EPS 1e-9

/* Parse s expecting success and n items. */
static struct perf_list parse_ok(const char *s, size_t n)
{
    struct perf_list pl = { 0 };
    struct mc_err e = { 0 };

    ck_assert_msg(perfdata_parse(s, &pl, &e) == 0, "%s: %s", s, e.msg);
    ck_assert_uint_eq(pl.n, n);
    return pl;
}

static void assert_range(const struct perf_range *r, bool inside, double lo,
                         double hi)
{
    ck_assert(r->set);
    ck_assert_int_eq(r->inside, inside);
    if (isinf(lo))
        ck_assert(isinf(r->lo) && r->lo < 0);
    else
        ck_assert_double_eq_tol(r->lo, lo, EPS);
    if (isinf(hi))
        ck_assert(isinf(r->hi) && r->hi > 0);
    else
        ck_assert_double_eq_tol(r->hi, hi, EPS);
}

START_TEST(test_perf_degenerate)
{
    struct perf_list pl = { 0 };
    struct mc_err e = { 0 };

    ck_assert_int_eq(perfdata_parse(NULL, &pl, &e), 0);
    ck_assert_int_eq(perfdata_parse("", &pl, &e), 0);
    ck_assert_int_eq(perfdata_parse("  \t\n ", &pl, &e), 0);
    ck_assert_uint_eq(pl.n, 0);
    ck_assert_ptr_null(pl.v);
}
END_TEST

START_TEST(test_perf_check_load)
{
    struct perf_list pl = parse_ok(
        "load1=0.550;;;0; scaled_load1=0.275;4.000;8.000;0; load5=0.350;;;0; "
        "scaled_load5=0.175;3.000;6.000;0; load15=0.160;;;0; "
        "scaled_load15=0.080;2.000;4.000;0;",
        6);

    ck_assert_str_eq(pl.v[0].label, "load1");
    ck_assert_double_eq_tol(pl.v[0].value, 0.55, EPS);
    ck_assert_str_eq(pl.v[0].uom, "");
    ck_assert(!pl.v[0].warn.set && !pl.v[0].crit.set);
    ck_assert(pl.v[0].has_min && !pl.v[0].has_max);
    ck_assert_double_eq(pl.v[0].min, 0);
    ck_assert_str_eq(pl.v[1].label, "scaled_load1");
    assert_range(&pl.v[1].warn, false, 0, 4);
    assert_range(&pl.v[1].crit, false, 0, 8);
    ck_assert_str_eq(pl.v[5].label, "scaled_load15");
    ck_assert_double_eq_tol(pl.v[5].value, 0.08, EPS);
    perf_list_clear(&pl);
}
END_TEST

START_TEST(test_perf_check_disk_users_procs_swap)
{
    struct perf_list pl =
        parse_ok(" /=18563989504B;216442024755;243497277849;0;270552530944", 1);

    ck_assert_str_eq(pl.v[0].label, "/");
    ck_assert_double_eq(pl.v[0].value, 18563989504.0);
    ck_assert_str_eq(pl.v[0].uom, "B");
    assert_range(&pl.v[0].warn, false, 0, 216442024755.0);
    assert_range(&pl.v[0].crit, false, 0, 243497277849.0);
    ck_assert(pl.v[0].has_max);
    ck_assert_double_eq(pl.v[0].max, 270552530944.0);
    perf_list_clear(&pl);

    pl = parse_ok("users=0;5;10;0", 1);
    ck_assert_double_eq(pl.v[0].value, 0);
    ck_assert_int_eq(perf_state(&pl.v[0]), MC_OK);
    perf_list_clear(&pl);

    pl = parse_ok(" procs=93;400;600;0;", 1);
    ck_assert_double_eq(pl.v[0].value, 93);
    ck_assert(pl.v[0].has_min && !pl.v[0].has_max);
    perf_list_clear(&pl);

    pl = parse_ok("swap=0B;0;0;0;0", 1);
    ck_assert_str_eq(pl.v[0].uom, "B");
    ck_assert(pl.v[0].has_max);
    ck_assert_double_eq(pl.v[0].max, 0);
    /* 0 is inside 0..0: no alert */
    ck_assert_int_eq(perf_state(&pl.v[0]), MC_OK);
    perf_list_clear(&pl);
}
END_TEST

START_TEST(test_perf_jvm_heap)
{
    struct perf_list pl =
        parse_ok(" heap_used=950MB;819;921;0;1024 "
                 "heap_max=1024MB gc_count=1234c gc_time=5.3s",
                 4);

    ck_assert_str_eq(pl.v[0].label, "heap_used");
    ck_assert_double_eq(pl.v[0].value, 950);
    ck_assert_str_eq(pl.v[0].uom, "MB");
    ck_assert_int_eq(perf_state(&pl.v[0]), MC_CRIT);
    ck_assert_str_eq(pl.v[1].uom, "MB");
    ck_assert(!pl.v[1].warn.set && !pl.v[1].has_max);
    ck_assert_str_eq(pl.v[2].uom, "c");
    ck_assert_double_eq(pl.v[2].value, 1234);
    ck_assert_str_eq(pl.v[3].uom, "s");
    ck_assert_double_eq_tol(pl.v[3].value, 5.3, EPS);
    perf_list_clear(&pl);

    pl = parse_ok("heap_used=512MB;819;921;0;1024", 1);
    ck_assert_int_eq(perf_state(&pl.v[0]), MC_OK);
    perf_list_clear(&pl);
}
END_TEST

START_TEST(test_perf_dummy_lines)
{
    struct perf_list pl = parse_ok(
        "rta=0.420000ms;100.000000;500.000000;0.000000 pl=0%;20;60;0", 2);

    ck_assert_str_eq(pl.v[0].uom, "ms");
    ck_assert_double_eq_tol(pl.v[0].value, 0.42, EPS);
    ck_assert_str_eq(pl.v[1].uom, "%");
    perf_list_clear(&pl);

    pl = parse_ok("offset=1.523000s;1.000000;2.000000;", 1);
    ck_assert_int_eq(perf_state(&pl.v[0]), MC_WARN);
    ck_assert(!pl.v[0].has_min && !pl.v[0].has_max);
    perf_list_clear(&pl);

    pl =
        parse_ok("time=1.532000s;1.000000;2.000000;0.000000 size=5120B;;;0", 2);
    ck_assert_int_eq(perf_state(&pl.v[0]), MC_WARN);
    ck_assert_double_eq(pl.v[1].value, 5120);
    ck_assert(!pl.v[1].warn.set && !pl.v[1].crit.set);
    perf_list_clear(&pl);

    pl = parse_ok("time=0.003000s;1.000000;2.000000;0.000000 size=166B;;;0", 2);
    ck_assert_int_eq(perf_state(&pl.v[0]), MC_OK);
    perf_list_clear(&pl);

    pl = parse_ok("lag=42s;30;120;0", 1);
    ck_assert_int_eq(perf_state(&pl.v[0]), MC_WARN);
    perf_list_clear(&pl);

    pl = parse_ok("active_shards=118;;;0 unassigned_shards=3;1;10;0", 2);
    ck_assert_int_eq(perf_state(&pl.v[1]), MC_WARN);
    perf_list_clear(&pl);

    pl = parse_ok("age=108000s;86400;172800;0 size=1288490188B;;;0", 2);
    ck_assert_int_eq(perf_state(&pl.v[0]), MC_WARN);
    ck_assert_double_eq(pl.v[1].value, 1288490188.0);
    perf_list_clear(&pl);

    pl = parse_ok("time=9.9s;1;2;0", 1);
    ck_assert_int_eq(perf_state(&pl.v[0]), MC_CRIT);
    perf_list_clear(&pl);

    pl = parse_ok("value=99;80;90;0;100", 1);
    ck_assert_int_eq(perf_state(&pl.v[0]), MC_CRIT);
    ck_assert_double_eq(pl.v[0].max, 100);
    perf_list_clear(&pl);
}
END_TEST

START_TEST(test_perf_quoted_labels)
{
    struct perf_list pl =
        parse_ok("'/var lib'=5MB;;;0;10 'it''s'=1 'a=b'=2 plain=3", 4);

    ck_assert_str_eq(pl.v[0].label, "/var lib");
    ck_assert_double_eq(pl.v[0].value, 5);
    ck_assert_double_eq(pl.v[0].max, 10);
    ck_assert_str_eq(pl.v[1].label, "it's");
    ck_assert_str_eq(pl.v[2].label, "a=b");
    ck_assert_double_eq(pl.v[2].value, 2);
    ck_assert_str_eq(pl.v[3].label, "plain");
    perf_list_clear(&pl);

    pl = parse_ok("'C:\\ Label: Serial 1234'=10%;80;90 x=1", 2);
    ck_assert_str_eq(pl.v[0].label, "C:\\ Label: Serial 1234");
    perf_list_clear(&pl);
}
END_TEST

START_TEST(test_perf_ranges)
{
    struct perf_range r;

    ck_assert_int_eq(perf_range_parse("10", 2, &r), 0);
    assert_range(&r, false, 0, 10);
    ck_assert(!perf_range_alerts(&r, 0) && !perf_range_alerts(&r, 10));
    ck_assert(perf_range_alerts(&r, -1) && perf_range_alerts(&r, 10.5));

    ck_assert_int_eq(perf_range_parse("10:", 3, &r), 0);
    assert_range(&r, false, 10, INFINITY);
    ck_assert(perf_range_alerts(&r, 9.9) && !perf_range_alerts(&r, 1e12));

    ck_assert_int_eq(perf_range_parse("~:10", 4, &r), 0);
    assert_range(&r, false, -INFINITY, 10);
    ck_assert(!perf_range_alerts(&r, -1e12) && perf_range_alerts(&r, 11));

    ck_assert_int_eq(perf_range_parse("10:20", 5, &r), 0);
    assert_range(&r, false, 10, 20);
    ck_assert(perf_range_alerts(&r, 9) && perf_range_alerts(&r, 21));
    ck_assert(!perf_range_alerts(&r, 15) && !perf_range_alerts(&r, 20));

    ck_assert_int_eq(perf_range_parse("@10:20", 6, &r), 0);
    assert_range(&r, true, 10, 20);
    ck_assert(perf_range_alerts(&r, 10) && perf_range_alerts(&r, 20));
    ck_assert(!perf_range_alerts(&r, 9.99) && !perf_range_alerts(&r, 20.01));
    ck_assert(!perf_range_alerts(&r, NAN));

    ck_assert_int_eq(perf_range_parse("-5:-1", 5, &r), 0);
    assert_range(&r, false, -5, -1);

    ck_assert_int_eq(perf_range_parse("", 0, &r), 0);
    ck_assert(!r.set);
    ck_assert(!perf_range_alerts(&r, 1e300));
    ck_assert(isnan(perf_range_mark(&r)));

    ck_assert_int_eq(perf_range_parse("20:10", 5, &r), -1);
    ck_assert_int_eq(perf_range_parse("abc", 3, &r), -1);
    ck_assert_int_eq(perf_range_parse("@", 1, &r), -1);
    ck_assert_int_eq(perf_range_parse("1:2:3", 5, &r), -1);
    ck_assert_int_eq(perf_range_parse("inf", 3, &r), -1);
    ck_assert_int_eq(perf_range_parse("0x10", 4, &r), -1);
}
END_TEST

START_TEST(test_perf_range_mark_format)
{
    struct perf_range r;
    char buf[32];
    static const char *const forms[] = { "10",    "10:",    "~:10",
                                         "10:20", "@10:20", "@~:3" };

    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        ck_assert_int_eq(perf_range_parse(forms[i], strlen(forms[i]), &r), 0);
        perf_range_format(&r, buf, sizeof buf);
        ck_assert_str_eq(buf, forms[i]);
    }
    perf_range_parse("10:", 3, &r);
    ck_assert_double_eq(perf_range_mark(&r), 10);
    perf_range_parse("~:10", 4, &r);
    ck_assert_double_eq(perf_range_mark(&r), 10);
    perf_range_parse("@5:8", 4, &r);
    ck_assert_double_eq(perf_range_mark(&r), 5);
    perf_range_parse("90", 2, &r);
    ck_assert_double_eq(perf_range_mark(&r), 90);
}
END_TEST

START_TEST(test_perf_unknown_value)
{
    struct perf_list pl = parse_ok("a=U;1;2 b=U c=3", 3);

    ck_assert(isnan(pl.v[0].value));
    assert_range(&pl.v[0].warn, false, 0, 1);
    ck_assert(isnan(pl.v[1].value));
    ck_assert_int_eq(perf_state(&pl.v[0]), MC_OK);
    ck_assert_double_eq(pl.v[2].value, 3);
    perf_list_clear(&pl);
}
END_TEST

START_TEST(test_perf_numbers)
{
    struct perf_list pl =
        parse_ok("a=-1.5e3 b=+2 c=0,5 d=.5 e=5. f=1e-3s g=3ms", 7);

    ck_assert_double_eq(pl.v[0].value, -1500);
    ck_assert_double_eq(pl.v[1].value, 2);
    ck_assert_double_eq_tol(pl.v[2].value, 0.5, EPS);
    ck_assert_double_eq_tol(pl.v[3].value, 0.5, EPS);
    ck_assert_double_eq(pl.v[4].value, 5);
    ck_assert_double_eq_tol(pl.v[5].value, 0.001, EPS);
    ck_assert_str_eq(pl.v[5].uom, "s");
    ck_assert_str_eq(pl.v[6].uom, "ms");
    perf_list_clear(&pl);
}
END_TEST

START_TEST(test_perf_garbage)
{
    static const char *const bad[] = {
        "garbage", "a=",        "a=x",           "=5",        "''=5",
        "'open=5", "'q'x=5",    "a=1;2;3;4;5;6", "a=1;x",     "a=1;;x",
        "a=1;;;x", "a=1;;;0;y", "a=5KBXXXXXXXX", "a=1;20:10", "a=1.2.3",
        "a=nan",   "a=inf",     "a=--1",         "a b=1",
    };

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct perf_list pl = { 0 };
        struct mc_err e = { 0 };

        ck_assert_msg(perfdata_parse(bad[i], &pl, &e) == -1, "%s", bad[i]);
        ck_assert_msg(strstr(e.msg, "perf data item") != NULL, "%s", e.msg);
        perf_list_clear(&pl);
    }
}
END_TEST

START_TEST(test_perf_bad_item_keeps_others)
{
    struct perf_list pl = { 0 };
    struct mc_err e = { 0 };

    ck_assert_int_eq(perfdata_parse("a=1 garbage b=2;x c=3", &pl, &e), -1);
    ck_assert_str_eq(e.msg, "perf data item \"garbage\": bad label");
    ck_assert_uint_eq(pl.n, 2);
    ck_assert_str_eq(pl.v[0].label, "a");
    ck_assert_str_eq(pl.v[1].label, "c");
    ck_assert_double_eq(pl.v[1].value, 3);
    /* appends to what is there */
    ck_assert_int_eq(perfdata_parse("d=4", &pl, NULL), 0);
    ck_assert_uint_eq(pl.n, 3);
    ck_assert_str_eq(pl.v[2].label, "d");
    perf_list_clear(&pl);
    ck_assert_uint_eq(pl.n, 0);
    ck_assert_ptr_null(pl.v);

    /* trailing empty fields are fine; extra empty ones too */
    pl = parse_ok("a=1;;;; b=2;;;;;", 2);
    perf_list_clear(&pl);
}
END_TEST

START_TEST(test_perf_many_items)
{
    char s[4096] = "";
    struct perf_list pl;
    size_t n = 0;

    for (int i = 0; i < 200; i++)
        n += (size_t)snprintf(s + n, sizeof s - n, "m%d=%d;10;20 ", i, i);
    pl = parse_ok(s, 200);
    ck_assert_str_eq(pl.v[199].label, "m199");
    ck_assert_double_eq(pl.v[199].value, 199);
    ck_assert_int_eq(perf_state(&pl.v[15]), MC_WARN);
    ck_assert_int_eq(perf_state(&pl.v[25]), MC_CRIT);
    perf_list_clear(&pl);
}
END_TEST

/* The fast decimal path gives exactly what strtod() gives. */
START_TEST(test_perf_numbers_exact)
{
    char item[64];

    srand(42);
    for (int i = 0; i < 20000; i++) {
        double want, v = (double)rand() / RAND_MAX * pow(10, rand() % 12 - 4);
        struct perf_list pl;
        int prec = rand() % 10;

        snprintf(item, sizeof item, "%.*f", prec, i % 2 ? v : -v);
        want = strtod(item, NULL);
        memmove(item + 2, item, strlen(item) + 1);
        memcpy(item, "x=", 2);
        pl = parse_ok(item, 1);
        ck_assert_msg(pl.v[0].value == want, "%s: %.17g != %.17g", item,
                      pl.v[0].value, want);
        perf_list_clear(&pl);
    }
}
END_TEST

/* strtod follows LC_NUMERIC; the parser must not. */
START_TEST(test_perf_locale_independent)
{
    static const char *const locales[] = { "de_DE.UTF-8", "de_DE.utf8",
                                           "fr_FR.UTF-8", "ru_RU.UTF-8" };
    const char *old = setlocale(LC_NUMERIC, NULL);
    char *saved = old != NULL ? strdup(old) : NULL;
    struct perf_list pl;

    for (size_t i = 0; i < sizeof locales / sizeof locales[0]; i++)
        if (setlocale(LC_NUMERIC, locales[i]) != NULL)
            break;
    pl = parse_ok("a=0.5;1.5;2.5;0;10.25 b=1.5e3 c=0.12345678901234567", 3);
    ck_assert_double_eq_tol(pl.v[0].value, 0.5, EPS);
    ck_assert_double_eq_tol(pl.v[0].max, 10.25, EPS);
    assert_range(&pl.v[0].crit, false, 0, 2.5);
    ck_assert_double_eq(pl.v[1].value, 1500);
    ck_assert_double_eq_tol(pl.v[2].value, 0.12345678901234567, 1e-15);
    perf_list_clear(&pl);
    setlocale(LC_NUMERIC, saved != NULL ? saved : "C");
    free(saved);
}
END_TEST

Suite *perfdata_suite(void)
{
    Suite *s = suite_create("perfdata");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_perf_degenerate);
    tcase_add_test(tc, test_perf_check_load);
    tcase_add_test(tc, test_perf_check_disk_users_procs_swap);
    tcase_add_test(tc, test_perf_jvm_heap);
    tcase_add_test(tc, test_perf_dummy_lines);
    tcase_add_test(tc, test_perf_quoted_labels);
    tcase_add_test(tc, test_perf_ranges);
    tcase_add_test(tc, test_perf_range_mark_format);
    tcase_add_test(tc, test_perf_unknown_value);
    tcase_add_test(tc, test_perf_numbers);
    tcase_add_test(tc, test_perf_numbers_exact);
    tcase_add_test(tc, test_perf_garbage);
    tcase_add_test(tc, test_perf_bad_item_keeps_others);
    tcase_add_test(tc, test_perf_many_items);
    tcase_add_test(tc, test_perf_locale_independent);
    suite_add_tcase(s, tc);
    return s;
}
