/*
 * Unit tests for the demo site's Cacti pages (backend/demo_cacti*.c): the
 * login, pages it does not have, the device search (ajax_hosts) and the
 * graph list must answer as the real Cacti 1.2.24 recorded in
 * tests/data/cacti does.
 */
#include <cJSON.h>
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/cacti.h"
#include "backend/demo.h"
#include "backend/demo_cacti.h"
#include "tests/unit/testutil_demo_cacti.h"

/* ---- login and pages ----------------------------------------------------- */

START_TEST(test_dc_login)
{
    struct demo *d = demo_new(3, 60, T0);
    int st = 0;
    size_t len;
    char *s = dc_get_ok(d, "/cacti/index.php", &len), *tok;
    const char *v;
    char want[80];

    ck_assert_ptr_nonnull(strstr(s, "<title>Login to Cacti</title>"));
    ck_assert_ptr_nonnull(strstr(s, "name='login_username'"));
    v = strstr(s, "name='__csrf_magic' value=\"sid:");
    ck_assert_ptr_nonnull(v);
    v += strlen("name='__csrf_magic' value=\"sid:");
    /* sid:<40 hex>,<epoch>;ip:<40 hex>,<epoch> */
    ck_assert_uint_eq(strspn(v, "0123456789abcdef"), 40);
    snprintf(want, sizeof want, ",%lld;ip:", NOW);
    ck_assert_int_eq(strncmp(v + 40, want, strlen(want)), 0);
    v += 40 + strlen(want);
    ck_assert_uint_eq(strspn(v, "0123456789abcdef"), 40);
    snprintf(want, sizeof want, ",%lld\" />", NOW);
    ck_assert_int_eq(strncmp(v + 40, want, strlen(want)), 0);
    ck_assert_int_eq(cacti_page_kind(s, len), CACTI_PAGE_LOGIN);
    tok = cacti_login_token(s, len);
    ck_assert_ptr_nonnull(tok);
    ck_assert_int_eq(strncmp(tok, "sid:", 4), 0);
    ck_assert_ptr_nonnull(strstr(s, tok));
    ck_assert_uint_eq(strlen(tok), 4 + 40 + 1 + 10 + 4 + 40 + 1 + 10);
    free(tok);
    free(s);

    /* Any user and password: 302 with an empty body. */
    s = dc_get_max(d, "POST", "/cacti/index.php",
                   "__csrf_magic=sid%3Ax&action=login&login_username=admin&"
                   "login_password=wrong",
                   &st, &len, 4096);
    ck_assert_int_eq(st, 302);
    ck_assert_uint_eq(len, 0);
    free(s);

    /* Every page works without a login: guest. */
    s = dc_get_ok(d, "/cacti/graph_view.php", &len);
    ck_assert_ptr_nonnull(
        strstr(s, "Logged in as <span id='user' class='user usermenuup'>"
                  "guest</span>"));
    ck_assert_ptr_null(strstr(s, "login_username"));
    ck_assert_ptr_null(strstr(s, "<title>Login to Cacti"));
    ck_assert_int_eq(cacti_page_kind(s, len), CACTI_PAGE_OTHER);
    free(s);
    demo_free(d);
}
END_TEST

START_TEST(test_dc_not_found)
{
    struct demo *d = demo_new(3, 20, T0);
    static const char *const paths[] = { "/cacti/graph_json.php?local_graph_"
                                         "id=8",
                                         "/cacti/nothing", "/cacti/graph.php",
                                         "/cacti/include/x.js" };
    int st = 0;
    char *s;

    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        s = dc_get(d, paths[i], &st, NULL);
        ck_assert_int_eq(st, 404);
        ck_assert_ptr_nonnull(strstr(s, "<title>404 Not Found</title>"));
        free(s);
    }
    /* The Icinga API is untouched, and "/cactix" is not Cacti. */
    s = dc_get(d, "/cactix/index.php", &st, NULL);
    ck_assert_int_eq(st, 404);
    ck_assert_ptr_nonnull(strstr(s, "\"error\":404"));
    free(s);
    s = dc_get(d, "/cacti", &st, NULL);
    ck_assert_int_eq(st, 200);
    ck_assert_ptr_nonnull(strstr(s, "<title>Login to Cacti</title>"));
    free(s);
    demo_free(d);
}
END_TEST

/* ---- ajax_hosts ---------------------------------------------------------- */

static cJSON *ajax(struct demo *d, const char *term)
{
    char path[256];
    char *s;
    cJSON *j;

    snprintf(path, sizeof path, "/cacti/graph_view.php?action=ajax_hosts%s%s",
             term != NULL ? "&term=" : "", term != NULL ? term : "");
    s = dc_get_ok(d, path, NULL);
    j = cJSON_Parse(s);
    ck_assert_msg(cJSON_IsArray(j), "not a JSON array: %.80s", s);
    free(s);
    return j;
}

START_TEST(test_dc_ajax_hosts_all)
{
    struct demo *d = demo_new(5, 200, T0);
    struct hosts h = dc_hosts_of(d);
    cJSON *j = ajax(d, NULL), *it;
    const char *prev = "";
    int i = 0;

    /* Any and None with string ids, then 30 devices by description. */
    ck_assert_int_eq(cJSON_GetArraySize(j), 2 + 30);
    ck_assert_str_eq(cJSON_GetArrayItem(j, 0)->child->valuestring, "Any");
    ck_assert_str_eq(
        cJSON_GetObjectItem(cJSON_GetArrayItem(j, 0), "id")->valuestring, "-1");
    ck_assert_str_eq(
        cJSON_GetObjectItem(cJSON_GetArrayItem(j, 1), "value")->valuestring,
        "None");
    ck_assert_str_eq(
        cJSON_GetObjectItem(cJSON_GetArrayItem(j, 1), "id")->valuestring, "0");
    cJSON_ArrayForEach(it, j)
    {
        const cJSON *id = cJSON_GetObjectItem(it, "id");
        const char *label = cJSON_GetObjectItem(it, "label")->valuestring;

        if (i++ < 2)
            continue;
        ck_assert(cJSON_IsNumber(id));
        ck_assert_str_eq(label, cJSON_GetObjectItem(it, "value")->valuestring);
        ck_assert_int_eq((long)id->valuedouble, demo_cacti_device(d, label));
        ck_assert_int_gt(id->valueint, 0);
        ck_assert_str_eq(h.name[id->valueint - 1], label);
        ck_assert_msg(strcmp(prev, label) < 0, "%s after %s", label, prev);
        prev = label;
    }
    /* They are the first 30 device names of the whole site. */
    {
        int before = 0;

        for (int k = 0; k < h.n; k++)
            if (demo_cacti_device(d, h.name[k]) != 0 &&
                strcmp(h.name[k], prev) <= 0)
                before++;
        ck_assert_int_eq(before, 30);
    }
    cJSON_Delete(j);
    dc_hosts_free(&h);
    demo_free(d);
}
END_TEST

START_TEST(test_dc_ajax_hosts_term)
{
    struct demo *d = demo_new(5, 200, T0);
    struct hosts h = dc_hosts_of(d);
    cJSON *j, *it;
    int want = 0, i = dc_host_with(d, &h, true), lb = 0;

    /* Any case, no Any/None, every device whose name has the term. */
    for (int k = 0; k < h.n; k++)
        if (strstr(h.name[k], "-lb-") != NULL &&
            demo_cacti_device(d, h.name[k]) != 0)
            want++;
    ck_assert_int_gt(want, 2);
    ck_assert_int_lt(want, 30);
    j = ajax(d, "-LB-");
    ck_assert_int_eq(cJSON_GetArraySize(j), want);
    cJSON_ArrayForEach(it, j)
    {
        ck_assert(cJSON_IsNumber(cJSON_GetObjectItem(it, "id")));
        lb += strstr(cJSON_GetObjectItem(it, "label")->valuestring, "-lb-") !=
              NULL;
    }
    ck_assert_int_eq(lb, want);
    cJSON_Delete(j);

    /* The exact name finds that one device; so does its address. */
    j = ajax(d, h.name[i]);
    ck_assert_int_eq(cJSON_GetArraySize(j), 1);
    ck_assert_int_eq(cJSON_GetObjectItem(j->child, "id")->valueint, i + 1);
    cJSON_Delete(j);
    {
        char term[64];
        int found = 0;

        /* Percent-encoded as a client sends it. */
        snprintf(term, sizeof term, "%s", h.addr[i]);
        j = ajax(d, term);
        cJSON_ArrayForEach(it, j)
        {
            found += cJSON_GetObjectItem(it, "id")->valueint == i + 1;
        }
        ck_assert_int_eq(found, 1);
        cJSON_Delete(j);
    }
    j = ajax(d, "no%2Dsuch%20host");
    ck_assert_int_eq(cJSON_GetArraySize(j), 0);
    cJSON_Delete(j);
    /* A term that matches many: still at most 30. */
    j = ajax(d, "prd");
    ck_assert_int_eq(cJSON_GetArraySize(j), 30);
    ck_assert_int_eq(
        strncmp(cJSON_GetObjectItem(j->child, "label")->valuestring, "prd-app-",
                8),
        0);
    cJSON_Delete(j);
    dc_hosts_free(&h);
    demo_free(d);
}
END_TEST

START_TEST(test_dc_hosts_without_device)
{
    struct demo *d = demo_new(5, 600, T0);
    struct hosts h = dc_hosts_of(d);
    int none = 0, i;
    cJSON *j;
    char *s;
    int st = 0;

    for (int k = 0; k < h.n; k++)
        none += demo_cacti_device(d, h.name[k]) == 0;
    /* About one host in twelve (50 of 600), the same every time. */
    ck_assert_int_ge(none, 25);
    ck_assert_int_le(none, 80);
    i = dc_host_with(d, &h, false);
    ck_assert_int_ge(i, 0);
    j = ajax(d, h.name[i]);
    ck_assert_int_eq(cJSON_GetArraySize(j), 0);
    cJSON_Delete(j);
    ck_assert_int_eq(demo_cacti_graph_id(d, i + 1, DEMO_CACTI_LOAD), 0);
    s = dc_get_ok(d, dc_list_path(i + 1, 1000), NULL);
    ck_assert_int_eq(dc_count(s, "id='line"), 0);
    ck_assert_ptr_nonnull(strstr(s, "No Graphs Found"));
    free(s);
    /* Its would-be graph ids do not exist: HTTP 500. */
    s = dc_get(d, dc_xport_path((i + 1) * 4 + 1, NOW - HOUR, NOW), &st, NULL);
    ck_assert_int_eq(st, 500);
    ck_assert_str_eq(s, "");
    free(s);
    {
        struct demo *d2 = demo_new(5, 600, T0 + 999);

        int same = 0;

        for (int k = 0; k < h.n; k++)
            same += demo_cacti_device(d, h.name[k]) ==
                    demo_cacti_device(d2, h.name[k]);
        ck_assert_int_eq(same, h.n);
        demo_free(d2);
    }
    dc_hosts_free(&h);
    demo_free(d);
}
END_TEST

/* ---- list ---------------------------------------------------------------- */

START_TEST(test_dc_list_host)
{
    static const char *const suffix[] = { "CPU Usage", "Load Average",
                                          "Memory Usage", "Traffic - eth0" };
    struct demo *d = demo_new(5, 60, T0);
    struct hosts h = dc_hosts_of(d);
    int i = dc_host_with(d, &h, true);
    long dev = i + 1;
    char *s = dc_get_ok(d, dc_list_path(dev, 1000), NULL);
    const char *p = s;

    ck_assert_int_eq(dc_count(s, "selectable tableRow' id='line"), 4);
    ck_assert_int_eq(dc_count(s, "All 4 Graphs"), 2);
    for (int g = 0; g < DEMO_CACTI_GRAPHS; g++) {
        long id = demo_cacti_graph_id(d, dev, g);
        char want[256];

        ck_assert_int_eq(id, dev * 4 + g);
        snprintf(want, sizeof want, "id='line%ld'>", id);
        p = strstr(p, want);
        ck_assert_msg(p != NULL, "no row %s", want);
        snprintf(want, sizeof want,
                 "<td class=\"nowrap\"><a class=\"linkEditMain\" "
                 "href=\"graph.php?local_graph_id=%ld&amp;rra_id=0\">%s - "
                 "%s</a></td>\n\t<td class=\"nowrap\">%s</td>\n\t<td "
                 "class='nowrap right'>%s</td>",
                 id, h.name[i], suffix[g], h.name[i],
                 g == DEMO_CACTI_TRAFFIC ? "Data Query" : "Template");
        ck_assert_msg(strstr(p, want) != NULL, "no %s", want);
    }
    free(s);
    dc_hosts_free(&h);
    demo_free(d);
}
END_TEST

START_TEST(test_dc_list_all)
{
    struct demo *d = demo_new(5, 60, T0);
    struct hosts h = dc_hosts_of(d);
    int devices = 0, rows;
    char *s, want[64], *p;
    char prev[64] = "";

    for (int k = 0; k < h.n; k++)
        devices += demo_cacti_device(d, h.name[k]) != 0;
    s = dc_get_ok(d, dc_list_path(-1, 1000), NULL);
    rows = dc_count(s, "selectable tableRow' id='line");
    ck_assert_int_eq(rows, devices * 4);
    snprintf(want, sizeof want, "All %d Graphs", devices * 4);
    ck_assert_ptr_nonnull(strstr(s, want));
    /* Sorted by title, as Cacti's ORDER BY title_cache. */
    for (p = strstr(s, "&amp;rra_id=0\">"); p != NULL;
         p = strstr(p, "&amp;rra_id=0\">")) {
        char title[64];
        const char *e;

        p += strlen("&amp;rra_id=0\">");
        e = strstr(p, "</a>");
        snprintf(title, sizeof title, "%.*s", (int)(e - p), p);
        ck_assert_msg(strcmp(prev, title) < 0, "%s after %s", title, prev);
        strcpy(prev, title);
    }
    free(s);

    /* rows caps a page; the navigation bar says which. */
    s = dc_get_ok(d, dc_list_path(-1, 10), NULL);
    ck_assert_int_eq(dc_count(s, "selectable tableRow' id='line"), 10);
    snprintf(want, sizeof want, "1 to 10 of %d [", devices * 4);
    ck_assert_ptr_nonnull(strstr(s, want));
    free(s);
    s = dc_get_ok(d,
                  "/cacti/graph_view.php?action=list&host_id=-1&"
                  "graph_template_id=-1&rfilter=&rows=10&page=3&header=false",
                  NULL);
    snprintf(want, sizeof want, "21 to 30 of %d [", devices * 4);
    ck_assert_ptr_nonnull(strstr(s, want));
    free(s);

    /* rfilter is base64 of a regex ("Load"); matches are highlighted. */
    s = dc_get_ok(d,
                  "/cacti/graph_view.php?action=list&host_id=-1&"
                  "graph_template_id=-1&rfilter=TG9hZA%3D%3D&rows=1000&"
                  "page=1&header=false",
                  NULL);
    ck_assert_int_eq(dc_count(s, "selectable tableRow' id='line"), devices);
    ck_assert_int_eq(dc_count(s, "<span class='filteredValue'>Load</span>"),
                     2 * devices);
    free(s);
    /* A template: Unix - Load Average is 2. */
    s = dc_get_ok(d,
                  "/cacti/graph_view.php?action=list&host_id=-1&"
                  "graph_template_id=2&rfilter=&rows=1000&page=1",
                  NULL);
    ck_assert_int_eq(dc_count(s, "selectable tableRow' id='line"), devices);
    ck_assert_int_eq(dc_count(s, "&amp;rra_id=0\">"), devices);
    ck_assert_int_eq(dc_count(s, "Load Average</a>"), 2 * devices);
    free(s);
    {
        int st = 0;

        s = dc_get(d, "/cacti/graph_view.php?action=list&host_id=x1&rows=1000",
                   &st, NULL);
        ck_assert_int_eq(st, 200);
        ck_assert_ptr_nonnull(
            strstr(s, "Validation error for variable host_id"));
        free(s);
    }
    dc_hosts_free(&h);
    demo_free(d);
}
END_TEST

Suite *demo_cacti_pages_suite(void)
{
    Suite *s = suite_create("demo_cacti_pages");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_dc_login);
    tcase_add_test(tc, test_dc_not_found);
    tcase_add_test(tc, test_dc_ajax_hosts_all);
    tcase_add_test(tc, test_dc_ajax_hosts_term);
    tcase_add_test(tc, test_dc_hosts_without_device);
    tcase_add_test(tc, test_dc_list_host);
    tcase_add_test(tc, test_dc_list_all);
    suite_add_tcase(s, tc);
    return s;
}
