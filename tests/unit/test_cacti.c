/*
 * Unit tests for the Cacti parsers, on the lab's recorded answers in
 * tests/data/cacti (see its README.md). The key test compares every value
 * of each graph_xport.php CSV with `rrdtool fetch` of the RRD files behind
 * it, at the same epoch.
 */
#include <check.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/buf.h"
#include "backend/cacti.h"
#include "tests/unit/testutil.h"

#define DATA "tests/data/cacti/"

/* window.txt: the fixed window and the recent one. */
#define WIN_START    1795680550LL
#define WIN_END      1795681150LL
#define RECENT_START 1795680862LL
/* rrdtool fetch's first row of the fixed window (08:09:20 UTC). */
#define FETCH_FIRST 1795680560LL

#define EMPTY_MSG                                                              \
    "empty export (Cacti sends an empty body when rrdtool fails or the "       \
    "range lies outside the data)"
#define LOGIN_MSG "not logged in (Cacti sent its login page)"

/* ---- helpers ------------------------------------------------------------- */

static char *slurp(const char *name, size_t *n)
{
    char path[256];

    snprintf(path, sizeof path, DATA "%s", name);
    return testutil_slurp(path, n);
}

static struct cacti_export xport_ok(const char *p, size_t n, long long req)
{
    struct cacti_export x = { 0 };
    struct mc_err e = { 0 };

    ck_assert_msg(cacti_parse_xport(p, n, req, &x, &e) == 0, "%s", e.msg);
    ck_assert_int_gt(x.step, 0);
    return x;
}

static struct cacti_export xport_file(const char *name, long long req)
{
    size_t n;
    char *p = slurp(name, &n);
    struct cacti_export x = xport_ok(p, n, req);

    free(p);
    return x;
}

/* Parse s expecting failure; the message must contain want. */
static void xport_fails(const char *s, size_t n, long long req,
                        const char *want)
{
    struct cacti_export x = { 0 };
    struct mc_err e = { 0 };

    ck_assert_msg(cacti_parse_xport(s, n, req, &x, &e) == -1, "accepted: %.60s",
                  s);
    ck_assert_msg(strstr(e.msg, want) != NULL, "\"%s\" lacks \"%s\"", e.msg,
                  want);
    /* A failed parse leaves nothing behind. */
    ck_assert_ptr_null(x.series);
    ck_assert_ptr_null(x.title);
    ck_assert_uint_eq(x.npoints, 0);
    cacti_export_free(&x);
}

static const struct cacti_series *series(const struct cacti_export *x,
                                         const char *name)
{
    for (size_t k = 0; k < x->nseries; k++)
        if (strcmp(x->series[k].name, name) == 0)
            return &x->series[k];
    ck_abort_msg("no series \"%s\"", name);
    return NULL;
}

/* `rrdtool fetch` output: "T: v v ..." rows after a header and a blank. */
struct fetch {
    long long t[128];
    double v[128][2];
    size_t n, cols;
};

static void fetch_load(const char *name, struct fetch *f)
{
    size_t len;
    char *p = slurp(name, &len), *line, *save = NULL;

    memset(f, 0, sizeof *f);
    for (line = strtok_r(p, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        char *colon = strchr(line, ':'), *s, *end;
        size_t c = 0;

        if (colon == NULL)
            continue;
        ck_assert_uint_lt(f->n, 128);
        f->t[f->n] = strtoll(line, NULL, 10);
        for (s = colon + 1; c < 2; s = end, c++) {
            f->v[f->n][c] = strtod(s, &end);
            if (end == s)
                break;
        }
        ck_assert_uint_gt(c, 0);
        f->cols = c;
        f->n++;
    }
    free(p);
    ck_assert_uint_gt(f->n, 0);
}

/*
 * Every point of s at epoch x->start + i * step against fetch's value at
 * that epoch times mul; returns how many points matched exactly (within
 * rounding), shift moves the epochs looked up.
 */
static size_t matches(const struct cacti_export *x, const double *v,
                      const struct fetch *f, size_t col, double mul,
                      long long shift)
{
    size_t ok = 0;

    for (size_t i = 0; i < x->npoints; i++) {
        long long t = x->start + (long long)i * x->step + shift;

        for (size_t r = 0; r < f->n; r++) {
            double want = f->v[r][col] * mul;

            if (f->t[r] != t)
                continue;
            if ((isnan(want) && isnan(v[i])) ||
                fabs(want - v[i]) <= 1e-9 * fabs(want))
                ok++;
            break;
        }
    }
    return ok;
}

/* Asserts series name of x equals mul x column col of the fetch file. */
static void assert_same_as_fetch(const struct cacti_export *x, const char *name,
                                 const char *fetch_file, size_t col, double mul)
{
    const struct cacti_series *s = series(x, name);
    struct fetch f;

    fetch_load(fetch_file, &f);
    ck_assert_uint_lt(col, f.cols);
    ck_assert_msg(matches(x, s->v, &f, col, mul, 0) == x->npoints,
                  "%s: %zu of %zu points equal %s", name,
                  matches(x, s->v, &f, col, mul, 0), x->npoints, fetch_file);
}

/* ---- devices ------------------------------------------------------------- */

START_TEST(test_devices)
{
    struct cacti_device_list l = { 0 };
    struct mc_err e = { 0 };
    size_t n;
    char *p = slurp("ajax_hosts.json", &n);
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

    p = slurp("ajax_hosts-term-prd.json", &n);
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
    p = slurp("login-page.html", &n);
    ck_assert_int_eq(cacti_parse_devices(p, n, &l, &e), -1);
    ck_assert_str_eq(e.msg, LOGIN_MSG);
    free(p);
    p = slurp("graph_json-no-session.json", &n);
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
    char *p = slurp("list-all.html", &n);

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
    char *p = slurp("list-prd-web-01.html", &n);

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
    p = slurp("list-rfilter-load.html", &n);
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
        char *p = slurp(files[i], &n);

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
    char *p = slurp(name, &n);

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
    char *p = slurp("xport-no-session.html", &n);

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
        char *p = slurp(want[i].file, &n);

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
    char *p = slurp("login-page.html", &n), *t = cacti_login_token(p, n);

    ck_assert_str_eq(t, "sid:0c6ad8a3439a6a62ed3eb6a3b520c96605acf38e,"
                        "1795681753;ip:4dc394628f3fb5a8f253103830e7299263ff"
                        "67b8,1795681753");
    free(t);
    free(p);
    p = slurp("login-failed.html", &n);
    t = cacti_login_token(p, n);
    ck_assert_str_eq(t, "sid:54f9856860c84faf7b102645d578d1c614b40299,"
                        "1795681754");
    free(t);
    free(p);
    /* A logged-in page has it only in JS, in single quotes. */
    p = slurp("list-all.html", &n);
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

/* ---- graph_xport.php CSV ------------------------------------------------- */

START_TEST(test_xport_metadata)
{
    size_t n;
    char *p = slurp("xport-load.csv", &n);
    struct cacti_export x, y;

    /* The body starts with a UTF-8 BOM. */
    ck_assert_int_eq(memcmp(p, "\xEF\xBB\xBF\"Title\"", 10), 0);
    x = xport_ok(p, n, WIN_START);
    ck_assert_str_eq(x.title, "prd-web-01 - Load Average");
    ck_assert_str_eq(x.vlabel, "run queue");
    ck_assert_int_eq(x.graph_id, 6);
    ck_assert_int_eq(x.host_id, 4);
    ck_assert_int_eq(x.step, 10);
    ck_assert_uint_eq(x.npoints, 60);
    ck_assert_int_eq(x.utc_offset, 0);
    /* The helper column col18-d is left out by its name. */
    ck_assert_uint_eq(x.nseries, 3);
    ck_assert_str_eq(x.series[0].name, "1 Minute Average");
    ck_assert_str_eq(x.series[1].name, "5 Minute Average");
    ck_assert_str_eq(x.series[2].name, "15 Minute Average");
    ck_assert_double_eq(x.series[0].v[0], 24);
    ck_assert_double_eq(x.series[2].v[59], 26);

    /* The same without the BOM, with CR LF, and without the last LF. */
    {
        struct buf b = { 0 };

        for (size_t i = 3; i < n; i++) {
            if (p[i] == '\n')
                buf_putc(&b, '\r');
            buf_putc(&b, p[i]);
        }
        b.len -= 2;
        y = xport_ok(b.data, b.len, WIN_START);
        buf_free(&b);
    }
    ck_assert_int_eq(y.start, x.start);
    ck_assert_uint_eq(y.npoints, x.npoints);
    ck_assert_str_eq(y.title, x.title);
    ck_assert_int_eq(
        memcmp(y.series[1].v, x.series[1].v, x.npoints * sizeof(double)), 0);
    cacti_export_free(&y);
    cacti_export_free(&x);
    cacti_export_free(&x);
    free(p);
}
END_TEST

/*
 * The key test: each CSV against `rrdtool fetch` of its RRD files over the
 * same window. Cacti labels a value one step later than rrdtool; parsed,
 * point i sits at start + i * step, which is rrdtool's time of the value.
 */
START_TEST(test_xport_equals_rrdtool_fetch)
{
    struct cacti_export x = xport_file("xport-load.csv", WIN_START);
    struct fetch f;

    /* rrdtool's first row of the window is point 0: 08:09:20 UTC. */
    fetch_load("rrdtool-fetch-prd-web-01_load_1min_7.txt", &f);
    ck_assert_int_eq(f.t[0], FETCH_FIRST);
    ck_assert_int_eq(x.start, FETCH_FIRST);
    ck_assert_int_eq(x.start, WIN_START + x.step);
    /* ... and the last one is graph_end: the points are (start, end]. */
    ck_assert_int_eq(x.start + (long long)(x.npoints - 1) * x.step, WIN_END);
    assert_same_as_fetch(&x, "1 Minute Average",
                         "rrdtool-fetch-prd-web-01_load_1min_7.txt", 0, 1);
    assert_same_as_fetch(&x, "5 Minute Average",
                         "rrdtool-fetch-prd-web-01_load_5min_10.txt", 0, 1);
    assert_same_as_fetch(&x, "15 Minute Average",
                         "rrdtool-fetch-prd-web-01_load_15min_8.txt", 0, 1);
    /* Cacti's own labels (one step later) would not line up: the
     * comparison can tell the two apart. */
    ck_assert_uint_lt(
        matches(&x, series(&x, "1 Minute Average")->v, &f, 0, 1, x.step),
        x.npoints);
    cacti_export_free(&x);

    /* Traffic: the CSV is in bits, the RRD in bytes (a CDEF of x8). */
    x = xport_file("xport-traffic-lo.csv", WIN_START);
    ck_assert_str_eq(x.vlabel, "bits per second");
    ck_assert_int_eq(x.start, FETCH_FIRST);
    assert_same_as_fetch(&x, "Inbound",
                         "rrdtool-fetch-prd-web-01_traffic_in_55.txt", 0, 8);
    assert_same_as_fetch(&x, "Outbound",
                         "rrdtool-fetch-prd-web-01_traffic_in_55.txt", 1, 8);
    fetch_load("rrdtool-fetch-prd-web-01_traffic_in_55.txt", &f);
    ck_assert_uint_lt(matches(&x, series(&x, "Inbound")->v, &f, 0, 1, 0),
                      x.npoints / 2);
    cacti_export_free(&x);

    /* Memory: kilobytes in the RRD, bytes in the CSV (a CDEF of x1024). */
    x = xport_file("xport-memory.csv", WIN_START);
    ck_assert_int_eq(x.start, FETCH_FIRST);
    assert_same_as_fetch(&x, "Total",
                         "rrdtool-fetch-prd-web-01_mem_total_21.txt", 0, 1024);
    assert_same_as_fetch(
        &x, "Buffers", "rrdtool-fetch-prd-web-01_mem_buffers_16.txt", 0, 1024);
    assert_same_as_fetch(&x, "Cache",
                         "rrdtool-fetch-prd-web-01_mem_cache_17.txt", 0, 1024);
    assert_same_as_fetch(&x, "Free", "rrdtool-fetch-prd-web-01_mem_free_19.txt",
                         0, 1024);
    cacti_export_free(&x);

    /* CPU: as stored (IO Wait has no RRD file among the fixtures). */
    x = xport_file("xport-cpu.csv", WIN_START);
    ck_assert_uint_eq(x.nseries, 4);
    ck_assert_int_eq(x.start, FETCH_FIRST);
    assert_same_as_fetch(&x, "System",
                         "rrdtool-fetch-prd-web-01_sscpusystem_26.txt", 0, 1);
    assert_same_as_fetch(&x, "User",
                         "rrdtool-fetch-prd-web-01_sscpuuser_27.txt", 0, 1);
    assert_same_as_fetch(&x, "Idle",
                         "rrdtool-fetch-prd-web-01_sscpuidle_25.txt", 0, 1);
    cacti_export_free(&x);

    x = xport_file("xport-processes.csv", WIN_START);
    ck_assert_uint_eq(x.nseries, 1);
    ck_assert_int_eq(x.host_id, 1);
    assert_same_as_fetch(&x, "Running Processes",
                         "rrdtool-fetch-lab-cacti_proc_1.txt", 0, 1);
    cacti_export_free(&x);
}
END_TEST

START_TEST(test_xport_helper_columns)
{
    static const char *const mem[] = { "Total", "Buffers", "Cache", "Free" };
    struct cacti_export x = xport_file("xport-traffic-lo.csv", WIN_START);

    /* col10-cdefa Inbound col12-cdeff Outbound */
    ck_assert_uint_eq(x.nseries, 2);
    ck_assert_str_eq(x.series[0].name, "Inbound");
    ck_assert_str_eq(x.series[1].name, "Outbound");
    ck_assert_double_eq(x.series[0].v[0], 736);
    ck_assert_double_eq(x.series[1].v[0], 848);
    cacti_export_free(&x);

    /* Helper columns at the end. */
    x = xport_file("xport-memory.csv", WIN_START);
    ck_assert_uint_eq(x.nseries, 4);
    for (size_t k = 0; k < 4; k++)
        ck_assert_str_eq(x.series[k].name, mem[k]);
    cacti_export_free(&x);

    /* Only names of the form col<digits>- are helpers. */
    {
        static const char csv[] =
            "\"Step\",\"10\"\n\"\"\n"
            "\"Date\",\"col\",\"col-1\",\"colX-a\",\"col12\",\"col7-b\","
            "\"Colour\"\n"
            "\"2026-01-01 00:00:10\",\"1\",\"2\",\"3\",\"4\",\"5\",\"6\"\n";

        x = xport_ok(csv, strlen(csv), 0);
        ck_assert_uint_eq(x.nseries, 5);
        ck_assert_str_eq(x.series[3].name, "col12");
        ck_assert_str_eq(x.series[4].name, "Colour");
        ck_assert_double_eq(x.series[4].v[0], 6);
        cacti_export_free(&x);
    }
}
END_TEST

START_TEST(test_xport_counter_joint)
{
    /* Back-filled rows, 2 NaN rows where the real counters start, real
     * values, the step in progress as NaN. */
    struct cacti_export x =
        xport_file("xport-traffic-lo-recent.csv", RECENT_START);

    ck_assert_uint_eq(x.npoints, 91);
    ck_assert_int_eq(x.utc_offset, 0);
    ck_assert_int_eq(x.start, 1795680870); /* 08:14:30: Start Date */
    for (size_t k = 0; k < 2; k++) {
        size_t known = 0;

        for (size_t i = 0; i < x.npoints; i++) {
            ck_assert_msg(isnan(x.series[k].v[i]) ==
                              (i == 85 || i == 86 || i == 90),
                          "series %zu point %zu", k, i);
            known += !isnan(x.series[k].v[i]);
        }
        /* 88 known values, the newest the row before the step in
           progress. */
        ck_assert_uint_eq(known, 88);
        ck_assert(isfinite(x.series[k].v[89]));
    }
    cacti_export_free(&x);

    x = xport_file("xport-load-recent.csv", RECENT_START);
    ck_assert_uint_eq(x.npoints, 91);
    for (size_t i = 0; i < x.npoints; i++)
        ck_assert(isnan(x.series[0].v[i]) == (i == 90));
    cacti_export_free(&x);
}
END_TEST

START_TEST(test_xport_unescaped_quotes)
{
    struct cacti_export x =
        xport_file("malformed-unescaped-quotes.csv", WIN_START);

    ck_assert_str_eq(x.title, "prd-web-01 - \"Disk\" usage, / and \"tmp\"");
    ck_assert_str_eq(x.vlabel, "bytes \"used\"");
    ck_assert_int_eq(x.graph_id, 31);
    /* "Nth Percentile" and "Summation" lines are skipped. */
    ck_assert_uint_eq(x.npoints, 3);
    ck_assert_uint_eq(x.nseries, 2);
    ck_assert_str_eq(x.series[0].name, "Used \"root\"");
    ck_assert_str_eq(x.series[1].name, "Free, \"tmp\"");
    ck_assert_double_eq(x.series[0].v[1], 42);
    ck_assert(isnan(x.series[0].v[2]));
    ck_assert(isnan(x.series[1].v[1])); /* -nan */
    ck_assert_double_eq(x.series[1].v[2], 7);
    ck_assert_int_eq(x.start, FETCH_FIRST);
    cacti_export_free(&x);
}
END_TEST

/* A copy of the CSV p with every date moved by secs (a server elsewhere). */
static char *shift_dates(const char *p, size_t n, long long secs, size_t *out)
{
    struct buf b = { 0 };
    size_t i = 0;

    while (i < n) {
        int y, mo, d, h, mi, s, used = 0;
        char tmp[32];

        if (p[i] == '"' && n - i > 21 && p[i + 20] == '"' &&
            sscanf(p + i + 1, "%4d-%2d-%2d %2d:%2d:%2d%n", &y, &mo, &d, &h, &mi,
                   &s, &used) == 6 &&
            used == 19) {
            struct tm tm = { .tm_year = y - 1900,
                             .tm_mon = mo - 1,
                             .tm_mday = d,
                             .tm_hour = h,
                             .tm_min = mi,
                             .tm_sec = s };
            time_t t = timegm(&tm) + (time_t)secs;

            gmtime_r(&t, &tm);
            strftime(tmp, sizeof tmp, "\"%Y-%m-%d %H:%M:%S\"", &tm);
            buf_puts(&b, tmp);
            i += 21;
            continue;
        }
        buf_putc(&b, p[i++]);
    }
    *out = b.len;
    return buf_steal(&b);
}

START_TEST(test_xport_local_time)
{
    /* Berlin in summer, New York, Kathmandu (+5:45), Chatham (+13:45). */
    static const long zones[] = { 7200, -18000, 20700, 49500, -3600 };
    size_t n, sn;
    char *p = slurp("xport-load.csv", &n);
    struct cacti_export utc = xport_ok(p, n, WIN_START);

    for (size_t z = 0; z < sizeof zones / sizeof zones[0]; z++) {
        char *s = shift_dates(p, n, zones[z], &sn);
        struct cacti_export x = xport_ok(s, sn, WIN_START);

        ck_assert_ptr_null(strstr(s, "08:09:30\""));
        ck_assert_int_eq(x.utc_offset, zones[z]);
        ck_assert_int_eq(x.start, FETCH_FIRST);
        ck_assert_uint_eq(x.npoints, utc.npoints);
        for (size_t k = 0; k < x.nseries; k++)
            ck_assert_int_eq(memcmp(x.series[k].v, utc.series[k].v,
                                    x.npoints * sizeof(double)),
                             0);
        cacti_export_free(&x);
        /* Without the requested start the dates are taken as UTC. */
        x = xport_ok(s, sn, 0);
        ck_assert_int_eq(x.utc_offset, 0);
        ck_assert_int_eq(x.start, FETCH_FIRST + zones[z]);
        cacti_export_free(&x);
        free(s);
    }
    /* A start that no time zone explains is not the range asked for. */
    xport_fails(p, n, WIN_START - 20 * 3600LL, "line 3: the export starts");
    cacti_export_free(&utc);
    free(p);
}
END_TEST

START_TEST(test_xport_large_step)
{
    /* Step 1800: rrdtool starts at the first step boundary after the
     * requested start, 1250 s later here; rounding that difference alone
     * to 15 minutes would find a zone of +00:15 too many. */
    static const char csv[] =
        "\"Start Date\",\"2026-11-26 09:30:00\"\n\"Step\",\"1800\"\n\"\"\n"
        "\"Date\",\"a\"\n"
        "\"2026-11-26 10:00:00\",\"1\"\n\"2026-11-26 10:30:00\",\"2\"\n";
    struct cacti_export x = xport_ok(csv, strlen(csv), WIN_START);

    ck_assert_int_eq(x.utc_offset, 3600);
    ck_assert_int_eq(x.start, 1795681800); /* 08:30:00 UTC */
    ck_assert_int_eq(x.start % 1800, 0);
    ck_assert_int_eq(x.step, 1800);
    cacti_export_free(&x);
}
END_TEST

START_TEST(test_xport_dst)
{
    /* Europe/Berlin, 2026-10-25: 03:00 CEST becomes 02:00 CET. */
    static const char fall[] =
        "\"Start Date\",\"2026-10-25 02:30:00\"\n\"Step\",\"600\"\n\"\"\n"
        "\"Date\",\"a\"\n"
        "\"2026-10-25 02:40:00\",\"1\"\n\"2026-10-25 02:50:00\",\"2\"\n"
        "\"2026-10-25 02:00:00\",\"3\"\n\"2026-10-25 02:10:00\",\"4\"\n";
    /* 1792888200 = 2026-10-25 00:30:00 UTC, 02:30 CEST */
    struct cacti_export x = xport_ok(fall, strlen(fall), 1792888200 - 600);

    ck_assert_int_eq(x.utc_offset, 7200);
    ck_assert_int_eq(x.start, 1792888200);
    ck_assert_uint_eq(x.npoints, 4);
    ck_assert_double_eq(x.series[0].v[3], 4);
    cacti_export_free(&x);
}
END_TEST

START_TEST(test_xport_empty_and_html)
{
    size_t n;
    char *p = slurp("xport-start-only-recent.csv", &n);

    ck_assert_uint_eq(n, 0);
    xport_fails(p, n, RECENT_START, EMPTY_MSG);
    free(p);
    p = slurp("xport-missing-graph.txt", &n); /* HTTP 500, empty body */
    xport_fails(p, n, WIN_START, EMPTY_MSG);
    free(p);
    xport_fails(NULL, 0, 0, EMPTY_MSG);
    xport_fails("\xEF\xBB\xBF\n", 4, 0, EMPTY_MSG);

    p = slurp("xport-no-session.html", &n);
    xport_fails(p, n, WIN_START, LOGIN_MSG);
    free(p);
    p = slurp("graph_json-no-session.json", &n);
    xport_fails(p, n, WIN_START, "not logged in");
    free(p);
    {
        static const char v[] =
            "<br><strong>Validation error for variable local_graph_id with a "
            "value of abc.  See backtrace below for more details.</strong>";

        xport_fails(v, strlen(v), 0,
                    "Cacti refused the request: Validation error for "
                    "variable local_graph_id");
    }
    xport_fails("<html><body>Fatal</body></html>", 31, 0,
                "not a CSV export (Cacti sent an HTML page: Fatal)");
}
END_TEST

START_TEST(test_xport_malformed)
{
#define M "\"Step\",\"10\"\n\"Total Rows\",\"2\"\n\"\"\n\"Date\",\"a\",\"b\"\n"
    static const struct {
        const char *in, *want;
    } bad[] = {
        /* truncated inside a field */
        { M "\"2026-01-01 00:00:10\",\"1\",\"2", "line 5: a quoted field" },
        /* more and fewer fields than the header */
        { M "\"2026-01-01 00:00:10\",\"1\",\"2\",\"3\"\n",
          "line 5: 4 fields, the header has 3" },
        { M "\"2026-01-01 00:00:10\",\"1\"\n",
          "line 5: 2 fields, the header has 3" },
        { M "\"2026-01-01 00:00:10\",\"1\",\"2\"\n"
            "\"2026-01-01 00:00:25\",\"1\",\"2\"\n",
          "line 6: date 2026-01-01 00:00:25 does not follow" },
        { M "\"2026-01-01 00:00:10\",\"1\",\"2\"\n"
            "\"2026-01-01 00:00:10\",\"1\",\"2\"\n",
          "line 6: date" },
        { M "\"2026-13-01 00:00:10\",\"1\",\"2\"\n", "line 5: bad date" },
        { M "\"2026-02-30 00:00:10\",\"1\",\"2\"\n", "line 5: bad date" },
        { M "\"yesterday\",\"1\",\"2\"\n", "line 5: bad date" },
        { M "\"2026-01-01 00:00:10\",\"1\",\"x\"\n",
          "line 5: column 3: bad value \"x\"" },
        { M "\"2026-01-01 00:00:10\",\"1\",\"\"\n", "line 5: column 3" },
        { M "\"2026-01-01 00:00:10\",\"1\",\"1e\"\n", "line 5: column 3" },
        { M "\"2026-01-01 00:00:10\",\"1\",\"0x10\"\n", "line 5: column 3" },
        /* the export ends early */
        { M "\"2026-01-01 00:00:10\",\"1\",\"2\"\n",
          "line 5: 1 rows, \"Total Rows\" says 2" },
        /* a Total Rows that no body could hold allocates nothing big */
        { "\"Step\",\"10\"\n\"Total Rows\",\"999999999999\"\n\"\"\n"
          "\"Date\",\"a\"\n\"2026-01-01 00:00:10\",\"1\"\n",
          "line 5: 1 rows, \"Total Rows\" says 999999999999" },
        { "\"Title\",\"x\"\n\"Step\",\"10\"\n\"\"\n", "before its header" },
        { "\"Title\",\"x\"\n", "line 1: the export ends before its header" },
        { "\"Step\",\"0\"\n\"\"\n\"Date\",\"a\"\n", "line 1: bad Step \"0\"" },
        { "\"Step\",\"ten\"\n", "line 1: bad Step \"ten\"" },
        { "\"Step\",\"-10\"\n", "line 1: bad Step" },
        { "\"Step\",\"99999999999999999999999\"\n", "line 1: bad Step" },
        { "\"Title\",\"t\"\n\"Start Date\",\"now\"\n",
          "line 2: bad Start Date" },
        { "\"Graph ID\",\"six\"\n", "line 1: bad Graph ID" },
        { "\"Total Rows\",\"-1\"\n", "line 1: bad Total Rows" },
        { "\"Step\",\"10\"\n\"\"\n\"Date\"\n", "line 3: the header has no" },
        { "\"Title\",\"x\"\nTitle,x\n", "line 2: not a CSV line" },
        { "\"\"\n\"Date\",\"a\"\n\"2026-01-01 00:00:10\",\"1\"\n",
          "line 2: no Step line" },
        { "\"\"\n\"Date\",\"a\"\n\"2026-01-01 00:00:10\",\"1\"\n"
          "\"2026-01-01 00:00:00\",\"1\"\n",
          "line 4: no Step line, and the rows do not give one" },
        { "\"Title\",\"unterminated\n", "line 1: not a CSV line" },
    };
#undef M

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        xport_fails(bad[i].in, strlen(bad[i].in), 0, bad[i].want);
}
END_TEST

START_TEST(test_xport_values)
{
    static const char csv[] =
        "\"Step\",\"60\"\n\"\"\n\"Date\",\"v\"\n"
        "\"2026-01-01 00:01:00\",\"1.5e+00\"\n"
        "\"2026-01-01 00:02:00\",\"1e999\"\n"
        "\"2026-01-01 00:03:00\",\"-1e999\"\n"
        "\"2026-01-01 00:04:00\",\"1.7976931348623157e+308\"\n"
        "\"2026-01-01 00:05:00\",\"-0.25\"\n"
        "\"2026-01-01 00:06:00\",\"nan\"\n"
        "\"2026-01-01 00:07:00\",\"-inf\"\n"
        "\"2026-01-01 00:08:00\",\"12345678901234567890123\"\n"
        "\"2026-01-01 00:09:00\",\"4.9e-324\"\n";
    struct cacti_export x = xport_ok(csv, strlen(csv), 0);
    const double *v = x.series[0].v;

    /* No Total Rows, no Start Date; dates as UTC without req_start. */
    ck_assert_uint_eq(x.npoints, 9);
    ck_assert_int_eq(x.step, 60);
    ck_assert_int_eq(x.start, 1767225600); /* 2026-01-01 00:00:00 UTC */
    ck_assert_double_eq(v[0], 1.5);
    ck_assert(isnan(v[1]) && isnan(v[2]));
    ck_assert_double_eq(v[3], 1.7976931348623157e+308);
    ck_assert_double_eq(v[4], -0.25);
    ck_assert(isnan(v[5]) && isnan(v[6]));
    ck_assert_double_eq_tol(v[7], 1.2345678901234568e22, 1e7);
    ck_assert(v[8] > 0);
    cacti_export_free(&x);
}
END_TEST

/* Values convert exactly as strtod() does, whatever their form. */
START_TEST(test_xport_values_exact)
{
    struct buf b = { 0 };
    uint32_t seed = 99;
    double want[1000];
    struct cacti_export x;

    buf_puts(&b, "\"Step\",\"1\"\n\"\"\n\"Date\",\"v\"\n");
    for (int i = 0; i < 1000; i++) {
        char num[64];
        double mant, v;
        int ex;

        seed = seed * 1103515245u + 12345u;
        mant = (double)(seed >> 8) / (double)(1u << 24);
        seed = seed * 1103515245u + 12345u;
        ex = (int)((seed >> 16) % 80) - 40;
        v = (seed & 1 ? -mant : mant) * pow(10, ex);
        switch (i % 5) {
        case 0:
            snprintf(num, sizeof num, "%.10e", v); /* rrdtool's */
            break;
        case 1:
            snprintf(num, sizeof num, "%.15g", v);
            break;
        case 2:
            snprintf(num, sizeof num, "%.17g", v);
            break;
        case 3:
            snprintf(num, sizeof num, "%.3f", v);
            break;
        default:
            snprintf(num, sizeof num, "%.14e", v);
            break;
        }
        want[i] = strtod(num, NULL);
        buf_printf(&b, "\"2026-01-01 00:%02d:%02d\",\"%s\"\n", (i + 1) / 60,
                   (i + 1) % 60, num);
    }
    x = xport_ok(b.data, b.len, 0);
    ck_assert_uint_eq(x.npoints, 1000);
    for (size_t i = 0; i < 1000; i++)
        ck_assert_msg(memcmp(&x.series[0].v[i], &want[i], sizeof(double)) == 0,
                      "row %zu: %.17g != %.17g", i, x.series[0].v[i], want[i]);
    cacti_export_free(&x);
    buf_free(&b);
}
END_TEST

START_TEST(test_xport_step_from_rows)
{
    /* No Step line: the first two rows give it. */
    static const char csv[] = "\"\"\n\"Date\",\"a\"\n"
                              "\"2026-01-01 00:05:00\",\"1\"\n"
                              "\"2026-01-01 00:10:00\",\"2\"\n"
                              "\"2026-01-01 00:15:00\",\"3\"\n";
    struct cacti_export x = xport_ok(csv, strlen(csv), 0);

    ck_assert_int_eq(x.step, 300);
    ck_assert_uint_eq(x.npoints, 3);
    ck_assert_int_eq(x.start, 1767225600);
    cacti_export_free(&x);
}
END_TEST

START_TEST(test_xport_locale_independent)
{
    static const char *const locales[] = { "de_DE.UTF-8", "de_DE.utf8",
                                           "fr_FR.UTF-8", "ru_RU.UTF-8" };
    const char *old = setlocale(LC_NUMERIC, NULL);
    char *saved = old != NULL ? strdup(old) : NULL;
    struct cacti_export x;

    for (size_t i = 0; i < sizeof locales / sizeof locales[0]; i++)
        if (setlocale(LC_NUMERIC, locales[i]) != NULL)
            break;
    x = xport_file("xport-memory.csv", WIN_START);
    ck_assert_double_eq(x.series[0].v[0], 45056);
    cacti_export_free(&x);
    setlocale(LC_NUMERIC, saved != NULL ? saved : "C");
    free(saved);
}
END_TEST

/* Every prefix of a real export: complete only without its last LF. */
START_TEST(test_xport_truncated)
{
    size_t n;
    char *p = slurp("xport-load.csv", &n);

    for (size_t len = 0; len <= n; len++) {
        struct cacti_export x = { 0 };
        struct mc_err e = { 0 };
        char *c = malloc(len + 1);
        int rc;

        memcpy(c, p, len);
        rc = cacti_parse_xport(c, len, WIN_START, &x, &e);
        ck_assert_msg(rc == (len >= n - 1 ? 0 : -1), "prefix %zu: %d %s", len,
                      rc, e.msg);
        ck_assert(rc == 0 || e.msg[0] != '\0');
        cacti_export_free(&x);
        free(c);
    }
    free(p);

    p = slurp("malformed-truncated.csv", &n);
    xport_fails(p, n, WIN_START, "line 38: a quoted field is not closed");
    free(p);
}
END_TEST

/* Deterministic mutations of every fixture through every parser. */
START_TEST(test_no_crash_on_garbage)
{
    static const char *const files[] = {
        "xport-load.csv",
        "xport-traffic-lo.csv",
        "rrdtool-xport-load_1min.json",
        "list-prd-web-01.html",
        "get_node-tree-lab.html",
        "ajax_hosts.json",
        "login-page.html",
        "malformed-unescaped-quotes.csv",
    };
    static const char junk[] = "\"\",<>&;#x\n\r\0-9eN";
    uint32_t seed = 12345;
    size_t ok = 0, failed = 0;

    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        size_t n;
        char *p = slurp(files[f], &n);

        for (int round = 0; round < 300; round++) {
            char *c = malloc(n + 1);
            size_t len = n;

            memcpy(c, p, n);
            for (int k = 0; k < 1 + round % 4; k++) {
                seed = seed * 1103515245u + 12345u;
                if (n > 0)
                    c[(seed >> 8) % n] = junk[(seed >> 4) % (sizeof junk - 1)];
            }
            if (round % 3 == 0 && n > 0)
                len = (seed >> 3) % n;
            {
                struct cacti_export x = { 0 };
                struct cacti_graph_list g = { 0 };
                struct cacti_node_list nl = { 0 };
                struct cacti_device_list d = { 0 };
                struct mc_err e = { 0 };
                char *t;
                int rc = cacti_parse_xport(c, len, WIN_START, &x, &e);

                ck_assert(rc == 0 || rc == -1);
                if (rc == 0) {
                    ck_assert_int_gt(x.step, 0);
                    ok++;
                } else {
                    ck_assert(e.msg[0] != '\0');
                    ck_assert_ptr_null(x.series);
                    failed++;
                }
                cacti_export_free(&x);
                if (cacti_parse_rrd_json(c, len, &x, &e) == 0)
                    ck_assert_int_gt(x.step, 0);
                cacti_export_free(&x);
                cacti_parse_graphs(c, len, &g, &e);
                cacti_graph_list_free(&g);
                cacti_parse_nodes(c, len, &nl, &e);
                cacti_node_list_free(&nl);
                cacti_parse_devices(c, len, &d, &e);
                cacti_device_list_free(&d);
                free(cacti_login_token(c, len));
                t = cacti_html_text(c, len);
                ck_assert_ptr_nonnull(t);
                free(t);
                (void)cacti_page_kind(c, len);
            }
            free(c);
        }
        free(p);
    }
    /* Both outcomes happened: the mutations reached the parser. */
    ck_assert_uint_gt(ok, 0);
    ck_assert_uint_gt(failed, 0);
}
END_TEST

/* ---- rrdtool xport --json ------------------------------------------------ */

START_TEST(test_rrd_json)
{
    struct cacti_export x = { 0 }, csv;
    struct mc_err e = { 0 };
    struct fetch f;
    size_t n;
    char *p = slurp("rrdtool-xport-load_1min.json", &n);

    ck_assert_int_eq(cacti_parse_rrd_json(p, n, &x, &e), 0);
    ck_assert_int_eq(x.start, FETCH_FIRST);
    ck_assert_int_eq(x.step, 10);
    ck_assert_uint_eq(x.npoints, 60);
    ck_assert_uint_eq(x.nseries, 1);
    ck_assert_str_eq(x.series[0].name, "1 Minute Average");
    ck_assert_ptr_null(x.title);
    fetch_load("rrdtool-fetch-prd-web-01_load_1min_7.txt", &f);
    ck_assert_uint_eq(matches(&x, x.series[0].v, &f, 0, 1, 0), 60);
    /* Both sources give the same points at the same times. */
    csv = xport_file("xport-load.csv", WIN_START);
    ck_assert_int_eq(csv.start, x.start);
    ck_assert_int_eq(
        memcmp(csv.series[0].v, x.series[0].v, 60 * sizeof(double)), 0);
    cacti_export_free(&csv);
    cacti_export_free(&x);
    cacti_export_free(&x);
    free(p);
}
END_TEST

START_TEST(test_rrd_json_nulls_and_errors)
{
    static const char ok[] =
        "{ \"about\": \"RRDtool graph JSON output\",\n"
        "  \"meta\": { \"start\": 100, \"end\": 120, \"step\": 10,\n"
        "    \"legend\": [ \"a\", \"b\" ] },\n"
        "  \"data\": [ [ \"100\", 1.5e+00, null ],\n"
        "            [ \"110\", null, 2 ],\n"
        "            [ \"120\", null, null ] ] }";
    static const struct {
        const char *in, *want;
    } bad[] = {
        { "", "empty" },
        { "{ \"meta\": {\n \"step\": 10,\n oops } }", "line 3: rrdtool's" },
        { "{\"meta\":{\"step\":10,\"legend\":[\"a\"]}}", "without meta" },
        { "{\"meta\":{\"step\":0,\"legend\":[\"a\"]},\"data\":[]}",
          "bad meta.step" },
        { "{\"meta\":{\"step\":10,\"legend\":[\"a\"]},\"data\":[[\"1\"]]}",
          "data row 1: 1 fields" },
        { "{\"meta\":{\"step\":10,\"legend\":[\"a\"]},\"data\":[[1.5,1]]}",
          "data row 1: no time" },
        { "{\"meta\":{\"step\":10,\"legend\":[\"a\"]},\"data\":"
          "[[\"10\",1],[\"30\",1]]}",
          "data row 2: time 30 does not follow" },
        { "{\"meta\":{\"step\":10,\"legend\":[\"a\"]},\"data\":"
          "[[\"10\",true]]}",
          "data row 1: value 1 is not a number" },
    };
    struct cacti_export x = { 0 };
    struct mc_err e = { 0 };

    ck_assert_int_eq(cacti_parse_rrd_json(ok, strlen(ok), &x, &e), 0);
    ck_assert_int_eq(x.start, 100);
    ck_assert_uint_eq(x.npoints, 3);
    ck_assert_double_eq(x.series[0].v[0], 1.5);
    ck_assert(isnan(x.series[1].v[0]));
    ck_assert(isnan(x.series[0].v[1]));
    ck_assert_double_eq(x.series[1].v[1], 2);
    ck_assert(isnan(x.series[1].v[2]));
    cacti_export_free(&x);

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&e, 0, sizeof e);
        ck_assert_int_eq(
            cacti_parse_rrd_json(bad[i].in, strlen(bad[i].in), &x, &e), -1);
        ck_assert_msg(strstr(e.msg, bad[i].want) != NULL, "%s: \"%s\"",
                      bad[i].in, e.msg);
        ck_assert_ptr_null(x.series);
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

Suite *cacti_suite(void)
{
    Suite *s = suite_create("cacti");
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
    tcase_add_test(tc, test_xport_metadata);
    tcase_add_test(tc, test_xport_equals_rrdtool_fetch);
    tcase_add_test(tc, test_xport_helper_columns);
    tcase_add_test(tc, test_xport_counter_joint);
    tcase_add_test(tc, test_xport_unescaped_quotes);
    tcase_add_test(tc, test_xport_local_time);
    tcase_add_test(tc, test_xport_large_step);
    tcase_add_test(tc, test_xport_dst);
    tcase_add_test(tc, test_xport_empty_and_html);
    tcase_add_test(tc, test_xport_malformed);
    tcase_add_test(tc, test_xport_values);
    tcase_add_test(tc, test_xport_values_exact);
    tcase_add_test(tc, test_xport_step_from_rows);
    tcase_add_test(tc, test_xport_locale_independent);
    tcase_add_test(tc, test_xport_truncated);
    tcase_add_test(tc, test_no_crash_on_garbage);
    tcase_add_test(tc, test_rrd_json);
    tcase_add_test(tc, test_rrd_json_nulls_and_errors);
    tcase_add_test(tc, test_free_zeroed);
    suite_add_tcase(s, tc);
    return s;
}
