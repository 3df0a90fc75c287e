/*
 * Unit tests for the Cacti parsers of its HTML and JSON pages, on the lab's
 * recorded answers in tests/data/cacti (see its README.md): the device
 * list, the graph list, tree nodes, the login page and its token, HTML
 * text; and freeing what they return.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/cacti.h"
#include "tests/unit/testutil_cacti.h"

/* ---- devices ------------------------------------------------------------- */

START_TEST(test_devices)
{
    struct cacti_device_list l = { 0 };
    struct mc_err e = { 0 };
    size_t n;
    char *p = ct_slurp("ajax_hosts.json", &n);
    static const struct {
        long id;
        const char *name;
    } want[] = { { 5, "db server (dev-db-01)" },
                 { 1, "lab-cacti" },
                 { 2, "lab-snmp" },
                 { 4, "prd-web-01" },
                 { 3, "tst-app-01" } };

    /* Any ("-1") and None ("0") carry string ids and are left out. */
    ck_assert_int_eq(cacti_parse_devices(p, n, &l, &e), 0);
    ck_assert_uint_eq(l.n, 5);
    for (size_t i = 0; i < 5; i++) {
        ck_assert_int_eq(l.v[i].id, want[i].id);
        ck_assert_str_eq(l.v[i].name, want[i].name);
    }
    cacti_device_list_free(&l);
    free(p);

    p = ct_slurp("ajax_hosts-term-prd.json", &n);
    ck_assert_int_eq(cacti_parse_devices(p, n, &l, &e), 0);
    ck_assert_uint_eq(l.n, 1);
    ck_assert_int_eq(l.v[0].id, 4);
    ck_assert_str_eq(l.v[0].name, "prd-web-01");
    cacti_device_list_free(&l);
    free(p);
}
END_TEST

START_TEST(test_devices_entities_and_empty)
{
    static const char js[] =
        "[{\"label\":\"Any\",\"value\":\"Any\",\"id\":\"-1\"},"
        "{\"label\":\"R&amp;D &lt;lab&gt; &quot;x&quot; &#39;y&#39; "
        "caf&#xE9; &#8364;\",\"value\":\"v\",\"id\":12},"
        "{\"value\":\"only value\",\"id\":\"13\"}]";
    struct cacti_device_list l = { 0 };
    struct mc_err e = { 0 };

    ck_assert_int_eq(cacti_parse_devices(js, strlen(js), &l, &e), 0);
    ck_assert_uint_eq(l.n, 2);
    ck_assert_int_eq(l.v[0].id, 12);
    ck_assert_str_eq(l.v[0].name,
                     "R&D <lab> \"x\" 'y' caf\xC3\xA9 \xE2\x82\xAC");
    ck_assert_int_eq(l.v[1].id, 13);
    ck_assert_str_eq(l.v[1].name, "only value");
    cacti_device_list_free(&l);

    ck_assert_int_eq(cacti_parse_devices("[]", 2, &l, &e), 0);
    ck_assert_uint_eq(l.n, 0);
    cacti_device_list_free(&l);
}
END_TEST

START_TEST(test_devices_errors)
{
    static const struct {
        const char *in, *want;
    } bad[] = {
        { "", "empty" },
        { "<html><body>Fatal error</body></html>", "not JSON" },
        { "[{\"label\":\"a\",\"id\":1}", "not JSON" },
        { "{\"label\":\"a\"}", "expected a JSON array of devices" },
        { "42", "expected a JSON array of devices" },
        { "[1]", "device 1: not an object" },
        { "[{\"label\":\"a\",\"id\":1},{\"label\":\"b\"}]",
          "device 2: no numeric \"id\"" },
        { "[{\"label\":\"a\",\"id\":1.5}]", "device 1: no numeric" },
        { "[{\"id\":7}]", "device 1 (id 7): no \"label\"" },
    };
    struct cacti_device_list l = { 0 };
    struct mc_err e = { 0 };
    size_t n;
    char *p;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&e, 0, sizeof e);
        ck_assert_int_eq(
            cacti_parse_devices(bad[i].in, strlen(bad[i].in), &l, &e), -1);
        ck_assert_msg(strstr(e.msg, bad[i].want) != NULL, "%s: \"%s\"",
                      bad[i].in, e.msg);
        ck_assert_uint_eq(l.n, 0);
        ck_assert_ptr_null(l.v);
    }
    /* A session that expired: the login page, or graph_json's JSON. */
    p = ct_slurp("login-page.html", &n);
    ck_assert_int_eq(cacti_parse_devices(p, n, &l, &e), -1);
    ck_assert_str_eq(e.msg, LOGIN_MSG);
    free(p);
    p = ct_slurp("graph_json-no-session.json", &n);
    ck_assert_int_eq(cacti_parse_devices(p, n, &l, &e), -1);
    ck_assert_ptr_nonnull(strstr(e.msg, "not logged in"));
    free(p);
}
END_TEST

/* ---- graph list ---------------------------------------------------------- */

START_TEST(test_graphs_all)
{
    struct cacti_graph_list l = { 0 };
    struct mc_err e = { 0 };
    size_t n, i;
    char *p = ct_slurp("list-all.html", &n);

    ck_assert_int_eq(cacti_parse_graphs(p, n, &l, &e), 0);
    ck_assert_uint_eq(l.n, 28);
    ck_assert_int_eq(l.total, 28);
    ck_assert_int_eq(l.v[0].id, 13);
    ck_assert_str_eq(l.v[0].title, "db server (dev-db-01) - CPU Utilization");
    ck_assert_str_eq(l.v[0].device, "db server (dev-db-01)");
    for (i = 0; i < l.n && l.v[i].id != 26; i++)
        ;
    ck_assert_uint_lt(i, l.n);
    ck_assert_str_eq(l.v[i].title, "prd-web-01 - Traffic - lo");
    ck_assert_str_eq(l.v[i].device, "prd-web-01");
    ck_assert_str_eq(l.v[i].template, "In/Out Bits (64-bit)");
    for (i = 0; i < l.n && l.v[i].id != 14; i++)
        ;
    ck_assert_uint_lt(i, l.n);
    ck_assert_str_eq(l.v[i].title, "lab-snmp - Polling Time");
    ck_assert_str_eq(l.v[i].template, "Device - Polling Time");
    ck_assert_int_eq(l.v[27].id, 25);
    ck_assert_str_eq(l.v[27].title, "tst-app-01 - Traffic - lo");
    cacti_graph_list_free(&l);
    free(p);
}
END_TEST

START_TEST(test_graphs_host_and_filter)
{
    static const long ids[] = { 11, 6, 8, 26 };
    struct cacti_graph_list l = { 0 };
    struct mc_err e = { 0 };
    size_t n;
    char *p = ct_slurp("list-prd-web-01.html", &n);

    ck_assert_int_eq(cacti_parse_graphs(p, n, &l, &e), 0);
    ck_assert_uint_eq(l.n, 4);
    ck_assert_int_eq(l.total, 4);
    for (size_t i = 0; i < 4; i++) {
        ck_assert_int_eq(l.v[i].id, ids[i]);
        ck_assert_str_eq(l.v[i].device, "prd-web-01");
    }
    ck_assert_str_eq(l.v[1].title, "prd-web-01 - Load Average");
    cacti_graph_list_free(&l);
    free(p);

    /* rfilter: matches come wrapped in <span class='filteredValue'>. */
    p = ct_slurp("list-rfilter-load.html", &n);
    ck_assert_ptr_nonnull(strstr(p, "<span class='filteredValue'>"));
    ck_assert_int_eq(cacti_parse_graphs(p, n, &l, &e), 0);
    ck_assert_uint_eq(l.n, 5);
    ck_assert_int_eq(l.total, 5);
    ck_assert_int_eq(l.v[0].id, 7);
    ck_assert_str_eq(l.v[0].title, "db server (dev-db-01) - Load Average");
    ck_assert_str_eq(l.v[0].template, "Net-SNMP - Load Average");
    for (size_t i = 0; i < l.n; i++)
        ck_assert_ptr_null(strchr(l.v[i].title, '<'));
    cacti_graph_list_free(&l);
    free(p);
}
END_TEST

START_TEST(test_graphs_inline)
{
    static const char empty[] =
        "<table><tr class='tableHeader'><th>Graph Name</th></tr>"
        "<tr><td><em>No Graphs Found</em></td></tr></table>"
        "<div class='navBarNavigation'><div class='navBarNavigationNone'>"
        "No Graphs Found</div></div>";
    static const char paged[] =
        "<script>var x = \"<tr id='line99'>\";</script>"
        "<div class='navBarNavigation'><div>1 to 30 of 120 [ 1 ]</div></div>"
        "<table><tr class='odd tableRow' id=\"line42\">\n"
        "<td class=\"nowrap\"><a class=\"linkEditMain\" "
        "href=\"graph.php?local_graph_id=42&amp;rra_id=0\">R&amp;D "
        "&lt;db&gt; -   &quot;Disk&quot; &#x2F;var</a></td>"
        "<td>  R&amp;D  </td><td class='right'>Data Query</td>"
        "<td><a href='x'>SNMP - Disk</a></td><td>200x700</td>"
        "<tr id='line43'><td>bare title</td><td></td></tr>";
    struct cacti_graph_list l = { 0 };
    struct mc_err e = { 0 };

    ck_assert_int_eq(cacti_parse_graphs(empty, strlen(empty), &l, &e), 0);
    ck_assert_uint_eq(l.n, 0);
    ck_assert_int_eq(l.total, 0);
    cacti_graph_list_free(&l);

    ck_assert_int_eq(cacti_parse_graphs(paged, strlen(paged), &l, &e), 0);
    ck_assert_uint_eq(l.n, 2); /* not the <tr> in the script */
    ck_assert_int_eq(l.total, 120);
    ck_assert_int_eq(l.v[0].id, 42);
    ck_assert_str_eq(l.v[0].title, "R&D <db> - \"Disk\" /var");
    ck_assert_str_eq(l.v[0].device, "R&D");
    ck_assert_str_eq(l.v[0].template, "SNMP - Disk");
    ck_assert_int_eq(l.v[1].id, 43);
    ck_assert_str_eq(l.v[1].title, "bare title");
    ck_assert_ptr_null(l.v[1].device);
    ck_assert_ptr_null(l.v[1].template);
    cacti_graph_list_free(&l);

    /* No navigation bar: total unknown. */
    ck_assert_int_eq(cacti_parse_graphs("<p>x</p>", 8, &l, &e), 0);
    ck_assert_int_eq(l.total, -1);
    cacti_graph_list_free(&l);
}
END_TEST

START_TEST(test_graphs_login_page)
{
    static const char *const files[] = { "login-page.html", "login-failed.html",
                                         "xport-no-session.html" };
    struct cacti_graph_list l = { 0 };
    struct mc_err e = { 0 };
    size_t n;

    for (size_t i = 0; i < 3; i++) {
        char *p = ct_slurp(files[i], &n);

        memset(&e, 0, sizeof e);
        ck_assert_int_eq(cacti_parse_graphs(p, n, &l, &e), -1);
        ck_assert_str_eq(e.msg, LOGIN_MSG);
        ck_assert_uint_eq(l.n, 0);
        free(p);
    }
    ck_assert_int_eq(cacti_parse_graphs("", 0, &l, &e), -1);
}
END_TEST

/* ---- tree nodes ---------------------------------------------------------- */

static struct cacti_node_list nodes_file(const char *name, size_t count)
{
    struct cacti_node_list l = { 0 };
    struct mc_err e = { 0 };
    size_t n;
    char *p = ct_slurp(name, &n);

    ck_assert_msg(cacti_parse_nodes(p, n, &l, &e) == 0, "%s", e.msg);
    ck_assert_uint_eq(l.n, count);
    free(p);
    return l;
}

START_TEST(test_nodes_fixtures)
{
    static const char *const headers[] = { "Development", "Infrastructure",
                                           "Production", "Test" };
    struct cacti_node_list l;

    /* The trees, with the stray </li></ul> after the list. */
    l = nodes_file("get_node-root.html", 2);
    ck_assert_int_eq(l.v[0].kind, CACTI_NODE_TREE);
    ck_assert_str_eq(l.v[0].id, "tree_anchor-1");
    ck_assert_str_eq(l.v[0].label, "Default Tree");
    ck_assert_str_eq(l.v[1].id, "tree_anchor-2");
    ck_assert_str_eq(l.v[1].label, "Lab");
    cacti_node_list_free(&l);

    l = nodes_file("get_node-tree-lab.html", 5);
    ck_assert_int_eq(l.v[0].kind, CACTI_NODE_TREE);
    ck_assert_str_eq(l.v[0].label, "Lab");
    for (size_t i = 0; i < 4; i++) {
        char id[32];

        snprintf(id, sizeof id, "tbranch-%zu", i + 4);
        ck_assert_int_eq(l.v[i + 1].kind, CACTI_NODE_HEADER);
        ck_assert_str_eq(l.v[i + 1].id, id);
        ck_assert_str_eq(l.v[i + 1].label, headers[i]);
    }
    cacti_node_list_free(&l);

    l = nodes_file("get_node-branch-production.html", 1);
    ck_assert_int_eq(l.v[0].kind, CACTI_NODE_HEADER);
    ck_assert_str_eq(l.v[0].id, "tbranch-8");
    ck_assert_str_eq(l.v[0].label, "Web");
    cacti_node_list_free(&l);

    l = nodes_file("get_node-branch-web.html", 1);
    ck_assert_int_eq(l.v[0].kind, CACTI_NODE_DEVICE);
    ck_assert_str_eq(l.v[0].id, "tbranch-12-host-4-uid-1");
    ck_assert_str_eq(l.v[0].label, "prd-web-01");
    ck_assert_int_eq(l.v[0].host_id, 4);
    ck_assert(!l.v[0].down);
    cacti_node_list_free(&l);

    l = nodes_file("get_node-branch-infrastructure.html", 2);
    ck_assert_int_eq(l.v[0].host_id, 1);
    ck_assert_str_eq(l.v[0].label, "lab-cacti");
    ck_assert_int_eq(l.v[1].kind, CACTI_NODE_DEVICE);
    ck_assert_int_eq(l.v[1].host_id, 2);
    ck_assert_str_eq(l.v[1].label, "lab-snmp");
    cacti_node_list_free(&l);
}
END_TEST

START_TEST(test_nodes_inline)
{
    /* A down device, a graph leaf, a site branch, an expanded host's
     * groupings (left out), entities, a stray </li></ul>. */
    static const char html[] =
        "<ul><li id='tbranch-3-host-9-uid-4' data-jstree='{ \"type\" : "
        "\"device\" }'><a class='deviceDown' href=\"x?host_id=9\">db "
        "&amp; cache</a>\n<ul>"
        "<li id='tbranch-3-gt-5-uid-5' data-jstree='{ \"type\" : "
        "\"graph_template\" }'><a href='y'>Unix - Load</a></li>"
        "<li id='tbranch-3-dq-0-uid-6'><a class='treepick'>Non Query</a>"
        "</li></ul></li>"
        "<li id=\"tbranch-20-graph-77\"><a href='z'>Load &#8211; 1m</a></li>"
        "<li id='tbranch-21' data-jstree='{ \"type\" : \"graph\" }'><a "
        "href='graph.php?local_graph_id=78&amp;rra_id=0'>Mem</a></li>"
        "<li id='tbranch-2-site-1'><a href='s'>Paris</a></li>"
        "<li id='tbranch-4-site-1-ht-2-host-6-uid-7'><a class='deviceUp' "
        "href='h'>web</a></li>"
        "<li id='tbranch-5'>No link</li>"
        "<li class='x'><a>no id</a></li>"
        "</ul></li></ul>";
    struct cacti_node_list l = { 0 };
    struct mc_err e = { 0 };

    ck_assert_int_eq(cacti_parse_nodes(html, strlen(html), &l, &e), 0);
    ck_assert_uint_eq(l.n, 6);
    ck_assert_int_eq(l.v[0].kind, CACTI_NODE_DEVICE);
    ck_assert_int_eq(l.v[0].host_id, 9);
    ck_assert(l.v[0].down);
    ck_assert_str_eq(l.v[0].label, "db & cache");
    ck_assert_int_eq(l.v[1].kind, CACTI_NODE_GRAPH);
    ck_assert_int_eq(l.v[1].graph_id, 77);
    ck_assert_str_eq(l.v[1].label, "Load \xE2\x80\x93 1m");
    ck_assert_int_eq(l.v[2].kind, CACTI_NODE_GRAPH);
    ck_assert_int_eq(l.v[2].graph_id, 78);
    ck_assert_int_eq(l.v[3].kind, CACTI_NODE_HEADER);
    ck_assert_str_eq(l.v[3].label, "Paris");
    ck_assert_int_eq(l.v[4].kind, CACTI_NODE_DEVICE);
    ck_assert_int_eq(l.v[4].host_id, 6);
    ck_assert(!l.v[4].down);
    ck_assert_int_eq(l.v[5].kind, CACTI_NODE_HEADER);
    ck_assert_str_eq(l.v[5].label, "No link");
    cacti_node_list_free(&l);
    cacti_node_list_free(&l);

    ck_assert_int_eq(cacti_parse_nodes("</li></ul>", 10, &l, &e), 0);
    ck_assert_uint_eq(l.n, 0);
    ck_assert_int_eq(cacti_parse_nodes("", 0, &l, &e), 0);
    ck_assert_uint_eq(l.n, 0);
}
END_TEST

START_TEST(test_nodes_login_page)
{
    struct cacti_node_list l = { 0 };
    struct mc_err e = { 0 };
    size_t n;
    char *p = ct_slurp("xport-no-session.html", &n);

    ck_assert_int_eq(cacti_parse_nodes(p, n, &l, &e), -1);
    ck_assert_str_eq(e.msg, LOGIN_MSG);
    ck_assert_ptr_null(l.v);
    free(p);
}
END_TEST

/* ---- login --------------------------------------------------------------- */

START_TEST(test_page_kinds)
{
    static const struct {
        const char *file;
        enum cacti_page kind;
    } want[] = {
        { "login-page.html", CACTI_PAGE_LOGIN },
        { "login-failed.html", CACTI_PAGE_DENIED },
        { "xport-no-session.html", CACTI_PAGE_LOGIN },
        { "graph_json-no-session.json", CACTI_PAGE_NOT_LOGGED },
        { "list-all.html", CACTI_PAGE_OTHER },
        { "get_node-root.html", CACTI_PAGE_OTHER },
        { "ajax_hosts.json", CACTI_PAGE_OTHER },
        { "xport-load.csv", CACTI_PAGE_OTHER },
        { "tree_content-infrastructure.html", CACTI_PAGE_OTHER },
    };

    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        size_t n;
        char *p = ct_slurp(want[i].file, &n);

        ck_assert_msg(cacti_page_kind(p, n) == want[i].kind, "%s: %d",
                      want[i].file, cacti_page_kind(p, n));
        free(p);
    }
    ck_assert_int_eq(cacti_page_kind("", 0), CACTI_PAGE_OTHER);
    ck_assert_int_eq(cacti_page_kind(NULL, 0), CACTI_PAGE_OTHER);
    ck_assert_int_eq(cacti_page_kind("{\"status\":\"200\"}", 16),
                     CACTI_PAGE_OTHER);
    /* Either marker makes a login page; "Access Denied" alone does not. */
    {
        static const struct {
            const char *in;
            enum cacti_page kind;
        } t[] = {
            { "<input type='text' name='login_username' value=''>",
              CACTI_PAGE_LOGIN },
            { "<INPUT NAME=\"login_username\"> Access Denied!",
              CACTI_PAGE_DENIED },
            { "<html><head><title>Login to Cacti</title>", CACTI_PAGE_LOGIN },
            { "<p>Access Denied</p>", CACTI_PAGE_OTHER },
            { "  {\"statusText\":\"Not Logged In\"}", CACTI_PAGE_NOT_LOGGED },
        };

        for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
            ck_assert_msg(cacti_page_kind(t[i].in, strlen(t[i].in)) ==
                              t[i].kind,
                          "%s", t[i].in);
    }
}
END_TEST

START_TEST(test_login_token)
{
    static const char js_only[] =
        "<script>var csrfMagicToken = \"sid:abc,1;ip:def,2\";</script>";
    static const char input_dq[] =
        "<form><input type=\"hidden\" value='sid:x1,5' "
        "name=\"__csrf_magic\"></form>";
    size_t n;
    char *p = ct_slurp("login-page.html", &n), *t = cacti_login_token(p, n);

    ck_assert_str_eq(t, "sid:0c6ad8a3439a6a62ed3eb6a3b520c96605acf38e,"
                        "1795681753;ip:4dc394628f3fb5a8f253103830e7299263ff"
                        "67b8,1795681753");
    free(t);
    free(p);
    p = ct_slurp("login-failed.html", &n);
    t = cacti_login_token(p, n);
    ck_assert_str_eq(t, "sid:54f9856860c84faf7b102645d578d1c614b40299,"
                        "1795681754");
    free(t);
    free(p);
    /* A logged-in page has it only in JS, in single quotes. */
    p = ct_slurp("list-all.html", &n);
    t = cacti_login_token(p, n);
    ck_assert_str_eq(t, "sid:fa7e33574deeac76f2971861b7c74c6c5d0d6b3e,"
                        "1795681756");
    free(t);
    free(p);

    t = cacti_login_token(js_only, strlen(js_only));
    ck_assert_str_eq(t, "sid:abc,1;ip:def,2");
    free(t);
    t = cacti_login_token(input_dq, strlen(input_dq));
    ck_assert_str_eq(t, "sid:x1,5");
    free(t);
    ck_assert_ptr_null(cacti_login_token("<html></html>", 13));
    ck_assert_ptr_null(cacti_login_token("csrfMagicToken = \"", 18));
    ck_assert_ptr_null(cacti_login_token("", 0));
}
END_TEST

/* ---- HTML text ----------------------------------------------------------- */

START_TEST(test_html_text)
{
    static const struct {
        const char *in, *out;
    } t[] = {
        { "a &amp; b", "a & b" },
        { "&lt;&gt;&quot;&#39;&apos;", "<>\"''" },
        { "&#65;&#x42;&#X43;", "ABC" },
        { "x&#0;y&#xD800;z", "x\xEF\xBF\xBDy\xEF\xBF\xBDz" },
        { "a&#27;[31mb", "a [31mb" }, /* no ESC from a server */
        { "&amp;lt; &unknown; &#; & alone", "&lt; &unknown; &#; & alone" },
        { "<span class='filteredValue'>Load</span> Average", "Load Average" },
        { "  a \t\n b  ", "a b" },
        { "a<br>b<td>c</td>d", "a b c d" },
        { "1 < 2 and 3>2", "1 < 2 and 3>2" },
        { "x<!-- <b>hidden</b> -->y", "xy" },
        { "<a title='x>y'>t</a>", "t" },
        { "trailing&nbsp;", "trailing" },
        { "", "" },
    };

    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        char *s = cacti_html_text(t[i].in, strlen(t[i].in));

        ck_assert_msg(strcmp(s, t[i].out) == 0, "%s -> \"%s\"", t[i].in, s);
        free(s);
    }
}
END_TEST

/* ---- freeing ------------------------------------------------------------- */

START_TEST(test_free_zeroed)
{
    struct cacti_device_list d = { 0 };
    struct cacti_graph_list g = { 0 };
    struct cacti_node_list nl = { 0 };
    struct cacti_export x = { 0 };

    for (int i = 0; i < 2; i++) {
        cacti_device_list_free(&d);
        cacti_graph_list_free(&g);
        cacti_node_list_free(&nl);
        cacti_export_free(&x);
    }
    ck_assert_ptr_null(d.v);
    ck_assert_ptr_null(g.v);
    ck_assert_int_eq(g.total, -1);
    ck_assert_ptr_null(nl.v);
    ck_assert_ptr_null(x.series);
    cacti_device_list_free(NULL);
    cacti_graph_list_free(NULL);
    cacti_node_list_free(NULL);
    cacti_export_free(NULL);
}
END_TEST

Suite *cacti_pages_suite(void)
{
    Suite *s = suite_create("cacti_pages");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_devices);
    tcase_add_test(tc, test_devices_entities_and_empty);
    tcase_add_test(tc, test_devices_errors);
    tcase_add_test(tc, test_graphs_all);
    tcase_add_test(tc, test_graphs_host_and_filter);
    tcase_add_test(tc, test_graphs_inline);
    tcase_add_test(tc, test_graphs_login_page);
    tcase_add_test(tc, test_nodes_fixtures);
    tcase_add_test(tc, test_nodes_inline);
    tcase_add_test(tc, test_nodes_login_page);
    tcase_add_test(tc, test_page_kinds);
    tcase_add_test(tc, test_login_token);
    tcase_add_test(tc, test_html_text);
    tcase_add_test(tc, test_free_zeroed);
    suite_add_tcase(s, tc);
    return s;
}
