/* Unit tests for filters, formatting and per-object trends. */
#include <check.h>
#include <math.h>
#include <string.h>

#include "backend/trend.h"
#include "tui/keys.h"
#include "views/filter.h"
#include "views/format.h"
#include "views/hostkey.h"

START_TEST(test_filter_modes)
{
    struct filter f = { 0 };
    const char *row[] = { "prd-web-01", "10.20.4.11", "Production" };
    const char *other[] = { "dev-db-01", "10.20.1.31", "Development" };

    ck_assert(filter_match(&f, row, 3)); /* no filter */
    filter_set(&f, "WEB");               /* case-insensitive */
    ck_assert(filter_match(&f, row, 3));
    ck_assert(!filter_match(&f, other, 3));
    filter_set(&f, "^dev-.*-01$"); /* a regex */
    ck_assert(f.is_regex);
    ck_assert(filter_match(&f, other, 3));
    ck_assert(!filter_match(&f, row, 3));
    filter_set(&f, "!prod"); /* negated */
    ck_assert(!filter_match(&f, row, 3));
    ck_assert(filter_match(&f, other, 3));
    filter_set(&f, "web-(01"); /* invalid regex: a plain substring */
    ck_assert(!f.is_regex);
    ck_assert(!filter_match(&f, row, 3));
    filter_set(&f, "!");
    ck_assert(!filter_active(&f));
    ck_assert(filter_match(&f, row, 3));
    filter_set(&f, "");
    ck_assert_ptr_null(f.text);
    filter_clear(&f);
}
END_TEST

START_TEST(test_format_values)
{
    char b[32];
    struct mc_status st = { 0 };
    struct mc_metric m = { 0 };

    ck_assert_str_eq(format_duration(-1, b, sizeof b), "-");
    ck_assert_str_eq(format_duration(59, b, sizeof b), "59s");
    ck_assert_str_eq(format_duration(61, b, sizeof b), "1m01s");
    ck_assert_str_eq(format_duration(3600 * 5 + 60 * 7, b, sizeof b), "5h07m");
    ck_assert_str_eq(format_duration(86400 * 3 + 3600, b, sizeof b), "3d01h");
    ck_assert_str_eq(format_age(0, 100, b, sizeof b), "-");
    ck_assert_str_eq(format_number(0.523, b, sizeof b), "0.52");
    ck_assert_str_eq(format_number(12345, b, sizeof b), "12k");
    ck_assert_str_eq(format_number(NAN, b, sizeof b), "-");
    st.ack = 2;
    st.flapping = true;
    st.state = 2;
    st.state_type = 0;
    st.attempt = 2;
    st.max_attempts = 3;
    ck_assert_str_eq(format_flags(&st, b, sizeof b), "AF 2/3");
    st.state_type = 1;
    st.ack = 0;
    st.downtime_depth = 1;
    ck_assert_str_eq(format_flags(&st, b, sizeof b), "DF");
    ck_assert_str_eq(format_metric(&m, MC_METRIC_MEM, b, sizeof b), "-");
    m.valid = true;
    m.value = 950;
    m.scale = 1024;
    ck_assert_str_eq(format_metric(&m, MC_METRIC_HEAP, b, sizeof b), "93%");
    m.value = 0.22;
    ck_assert_str_eq(format_metric(&m, MC_METRIC_LOAD, b, sizeof b), "0.22");
    ck_assert_int_eq(format_state_role(MC_CRIT, false), ROLE_ST_CRIT);
    ck_assert_int_eq(format_state_role(MC_CRIT, true), ROLE_HANDLED_CRIT);
}
END_TEST

START_TEST(test_trend_ring)
{
    struct trend *t = trend_new(3);
    double out[8];

    ck_assert_uint_eq(trend_get(t, "none", out, 8), 0);
    trend_add(t, "h1", 1, 10);
    trend_add(t, "h1", 1, 11); /* same time: replaced */
    trend_add(t, "h1", 2, 12);
    trend_add(t, "h2", 1, 99);
    trend_add(t, "h1", 3, 13);
    trend_add(t, "h1", 4, 14); /* the oldest falls out */
    ck_assert_uint_eq(trend_get(t, "h1", out, 8), 3);
    ck_assert(out[0] == 12 && out[1] == 13 && out[2] == 14);
    ck_assert_uint_eq(trend_get(t, "h1", out, 2), 2);
    ck_assert(out[0] == 13 && out[1] == 14);
    ck_assert_uint_eq(trend_get(t, "h2", out, 8), 1);
    trend_free(t);
}
END_TEST

/* Only the arrows and Enter answer; Reject is the default. */
START_TEST(test_hostkey_dialog)
{
    struct bastion_hostkey k = { .host = "10.77.0.12",
                                 .port = 22,
                                 .type = "ssh-ed25519",
                                 .fingerprint = "SHA256:abc",
                                 .known_hosts = "/k/known_hosts" };
    struct dialog *d =
        hostkey_dialog("Unknown host key", "Host tst-app-01", &k, "");
    enum dialog_result r;

    ck_assert_ptr_nonnull(strstr(d->message, "Host tst-app-01 presents"));
    ck_assert_ptr_nonnull(strstr(d->message, "/k/known_hosts"));
    ck_assert_ptr_nonnull(strstr(d->message, "10.77.0.12 port 22"));
    ck_assert_ptr_nonnull(strstr(d->message, "ssh-ed25519 SHA256:abc"));
    for (const char *c = "sayoSAYO"; *c != '\0'; c++)
        ck_assert_int_eq(dialog_key(d, *c), DIALOG_CONTINUE);
    ck_assert_uint_eq(d->sel, 2);
    r = dialog_key(d, TK_ENTER);
    ck_assert_int_eq(hostkey_answer(d, r), BASTION_REJECT);
    dialog_key(d, TK_LEFT);
    ck_assert_int_eq(hostkey_answer(d, dialog_key(d, TK_ENTER)),
                     BASTION_ACCEPT_SAVE);
    dialog_key(d, TK_LEFT);
    ck_assert_int_eq(hostkey_answer(d, dialog_key(d, TK_ENTER)),
                     BASTION_ACCEPT_ONCE);
    ck_assert_int_eq(hostkey_answer(d, dialog_key(d, TK_ESC)), BASTION_REJECT);
    dialog_free(d);
}
END_TEST

Suite *views_suite(void)
{
    Suite *s = suite_create("views");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_filter_modes);
    tcase_add_test(tc, test_format_values);
    tcase_add_test(tc, test_trend_ring);
    tcase_add_test(tc, test_hostkey_dialog);
    suite_add_tcase(s, tc);
    return s;
}
