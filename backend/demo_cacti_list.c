/*
 * The demo Cacti's graph_view.php with an action: ajax_hosts, the device
 * autocomplete's JSON (as PHP's json_encode writes it), and list, the
 * graph list's filters, rows and navigation bar in Cacti 1.2.24's HTML,
 * with its template, device, rfilter (a base64 regex) and paging
 * variables and their validation errors.
 */
#include <regex.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/demo_cacti_int.h"
#include "backend/xalloc.h"

#define AUTOCOMPLETE_ROWS 30 /* Cacti's autocomplete_rows */
#define LIST_ROWS         30 /* num_rows_table, for rows=-1 */

/* The graph template filter of the list page, sorted by name. */
static const struct {
    int id;
    const char *name;
} templates[] = {
    { 17, "Interface - Traffic (bits/sec)" },
    { 4, "Linux - Memory Usage" },
    { 5, "Unix - CPU Usage" },
    { 2, "Unix - Load Average" },
};
#define NTEMPLATES (sizeof(templates) / sizeof(templates[0]))

/* --- text helpers ---------------------------------------------------- */

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* ASCII case-insensitive order (the database's collation for names). */
static int name_cmp(const char *a, const char *b)
{
    while (*a != '\0' && lower((unsigned char)*a) == lower((unsigned char)*b))
        a++, b++;
    return lower((unsigned char)*a) - lower((unsigned char)*b);
}

/* SQL LIKE, case-insensitive: % any run, _ any character, \ escapes. */
static bool like(const char *s, const char *p)
{
    const char *star = NULL, *back = NULL;

    while (*s != '\0') {
        if (*p == '%') {
            star = ++p;
            back = s;
        } else if (*p != '\0' &&
                   (*p == '_' || (*p == '\\' && p[1] != '\0'
                                      ? lower((unsigned char)p[1]) ==
                                            lower((unsigned char)*s)
                                      : lower((unsigned char)*p) ==
                                            lower((unsigned char)*s)))) {
            p += *p == '\\' && p[1] != '\0' ? 2 : 1;
            s++;
        } else if (star != NULL) {
            p = star;
            s = ++back;
        } else {
            return false;
        }
    }
    while (*p == '%')
        p++;
    return *p == '\0';
}

/*
 * Cacti's filter_value: the text escaped, then each occurrence of the
 * filter (any case) wrapped in a filteredValue span.
 */
static void put_filtered(struct buf *b, const char *s, const char *filter)
{
    struct buf e = { 0 };
    size_t fl = filter != NULL ? strlen(filter) : 0;

    demo_cacti_put_html(&e, s);
    for (size_t i = 0; i < e.len;) {
        size_t k = 0;

        while (fl > 0 && k < fl && i + k < e.len &&
               lower((unsigned char)e.data[i + k]) ==
                   lower((unsigned char)filter[k]))
            k++;
        if (fl > 0 && k == fl) {
            buf_puts(b, "<span class='filteredValue'>");
            buf_append(b, e.data + i, fl);
            buf_puts(b, "</span>");
            i += fl;
        } else if (e.data[i] == '`') {
            buf_puts(b, "&#96;");
            i++;
        } else {
            buf_putc(b, e.data[i++]);
        }
    }
    buf_free(&e);
}

/* A UTF-8 sequence at s: its code point and length (U+FFFD if bad). */
static unsigned utf8_next(const unsigned char *s, size_t *len)
{
    unsigned c = s[0], n = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;

    *len = 1;
    if (c < 0x80 || n == 0)
        return c < 0x80 ? c : 0xfffd;
    c &= 0x3fu >> n;
    for (unsigned i = 1; i <= n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0xfffd;
        c = (c << 6) | (s[i] & 0x3fu);
    }
    *len = n + 1;
    return c;
}

/* A JSON string as PHP's json_encode writes it: \/ and \uXXXX. */
static void put_json(struct buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    buf_putc(b, '"');
    while (*p != '\0') {
        size_t n;
        unsigned c = utf8_next(p, &n);

        p += n;
        if (c == '"' || c == '\\' || c == '/') {
            buf_putc(b, '\\');
            buf_putc(b, (char)c);
        } else if (c == '\n') {
            buf_puts(b, "\\n");
        } else if (c == '\r') {
            buf_puts(b, "\\r");
        } else if (c == '\t') {
            buf_puts(b, "\\t");
        } else if (c >= 0x20 && c < 0x80) {
            buf_putc(b, (char)c);
        } else if (c >= 0x10000) {
            c -= 0x10000;
            buf_printf(b, "\\u%04x\\u%04x", 0xd800 + (c >> 10),
                       0xdc00 + (c & 0x3ff));
        } else {
            buf_printf(b, "\\u%04x", c);
        }
    }
    buf_putc(b, '"');
}

/* --- graph_view.php?action=ajax_hosts -------------------------------- */

static bool host_matches(const struct demo *d, uint32_t h, const char *pat)
{
    char addr[16];

    if (pat == NULL)
        return true;
    demo_addr_str(d->host[h].addr, addr, sizeof(addr));
    return like(d->host[h].name, pat) || like(addr, pat);
}

struct demo_reply *demo_cacti_ajax_hosts(struct demo *d, const struct query *q,
                                         int *status)
{
    const char *term = demo_cacti_var(q, "term");
    uint32_t top[AUTOCOMPLETE_ROWS];
    size_t n = 0;
    char *pat = NULL;
    struct buf b = { 0 };

    if (term != NULL && *term != '\0')
        pat = xasprintf("%%%s%%", term);
    /* The first devices by description, kept sorted as they come. */
    for (uint32_t h = 0; h < d->nhosts; h++) {
        size_t pos;

        if (!demo_cacti_has_device(d, h) || !host_matches(d, h, pat))
            continue;
        if (n == AUTOCOMPLETE_ROWS &&
            name_cmp(d->host[h].name, d->host[top[n - 1]].name) >= 0)
            continue;
        pos = n < AUTOCOMPLETE_ROWS ? n++ : n - 1;
        for (; pos > 0 &&
               name_cmp(d->host[h].name, d->host[top[pos - 1]].name) < 0;
             pos--)
            top[pos] = top[pos - 1];
        top[pos] = h;
    }
    buf_putc(&b, '[');
    if (pat == NULL)
        buf_puts(&b, "{\"label\":\"Any\",\"value\":\"Any\",\"id\":\"-1\"},"
                     "{\"label\":\"None\",\"value\":\"None\",\"id\":\"0\"}");
    for (size_t i = 0; i < n; i++) {
        struct buf e = { 0 };

        demo_cacti_put_html(&e, d->host[top[i]].name);
        if (i > 0 || pat == NULL)
            buf_putc(&b, ',');
        buf_puts(&b, "{\"label\":");
        put_json(&b, e.data);
        buf_puts(&b, ",\"value\":");
        put_json(&b, e.data);
        buf_printf(&b, ",\"id\":%ld}", (long)top[i] + 1);
        buf_free(&e);
    }
    buf_putc(&b, ']');
    free(pat);
    return demo_cacti_reply(d, status, 200, &b);
}

/* --- graph_view.php?action=list -------------------------------------- */

struct list_req {
    long long host_id, rows, page;
    bool all_templates;
    bool tmpl[DEMO_CACTI_GRAPHS]; /* graphs whose template was chosen */
    char *filter;                 /* rfilter, decoded; NULL when none */
    regex_t re;
};

/* base64 as PHP's base64_decode (non-alphabet characters skipped). */
static char *base64_decode(const char *s)
{
    char *out = xmalloc(strlen(s) + 1);
    unsigned acc = 0;
    int bits = 0;
    size_t n = 0;

    for (; *s != '\0' && *s != '='; s++) {
        const char *a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                        "0123456789+/";
        const char *p = strchr(a, *s);

        if (p == NULL)
            continue;
        acc = (acc << 6) | (unsigned)(p - a);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (char)((acc >> bits) & 0xff);
        }
    }
    out[n] = '\0';
    return out;
}

/* Parse the list's variables; NULL, or the validation error's reply. */
static struct demo_reply *list_params(struct demo *d, const struct query *q,
                                      struct list_req *lr, int *status)
{
    static const char *const ints[] = { "host_id", "rows", "page" };
    long long *dst[] = { &lr->host_id, &lr->rows, &lr->page };
    const long long def[] = { -1, -1, 1 };
    const char *tv = demo_cacti_var(q, "graph_template_id"), *rf;

    for (size_t i = 0; i < 3; i++)
        if (!demo_cacti_int_var(q, ints[i], def[i], dst[i]))
            return demo_cacti_invalid(d, status, ints[i],
                                      demo_cacti_var(q, ints[i]));
    if (lr->rows <= 0)
        lr->rows = LIST_ROWS;
    lr->rows = lr->rows > 1000000 ? 1000000 : lr->rows;
    lr->page = lr->page < 1 ? 1 : lr->page > 1000000 ? 1000000 : lr->page;
    lr->all_templates = tv == NULL || *tv == '\0';
    for (const char *p = tv; p != NULL && *p != '\0';) {
        const char *comma = strchr(p, ',');
        char *one = xstrndup(p, comma ? (size_t)(comma - p) : strlen(p));
        long long id;
        bool ok = demo_cacti_parse_int(one, &id);

        free(one);
        if (!ok)
            return demo_cacti_invalid(d, status, "graph_template_id", tv);
        if (id == -1)
            lr->all_templates = true;
        for (int g = 0; g < DEMO_CACTI_GRAPHS; g++)
            lr->tmpl[g] = lr->tmpl[g] || id == demo_cacti_defs[g].tmpl_id;
        p = comma != NULL ? comma + 1 : NULL;
    }
    rf = demo_cacti_var(q, "rfilter");
    if (rf != NULL && *rf != '\0') {
        lr->filter = base64_decode(rf);
        if (*lr->filter == '\0') {
            free(lr->filter);
            lr->filter = NULL;
        } else if (regcomp(&lr->re, lr->filter,
                           REG_EXTENDED | REG_ICASE | REG_NOSUB) != 0) {
            struct demo_reply *r =
                demo_cacti_invalid(d, status, "rfilter", lr->filter);

            free(lr->filter);
            lr->filter = NULL;
            return r;
        }
    }
    return NULL;
}

static void list_req_free(struct list_req *lr)
{
    if (lr->filter != NULL) {
        regfree(&lr->re);
        free(lr->filter);
    }
}

static bool graph_listed(const struct demo *d, const struct list_req *lr,
                         uint32_t h, int g)
{
    char title[64];

    if (!lr->all_templates && !lr->tmpl[g])
        return false;
    if (lr->filter == NULL)
        return true;
    demo_cacti_title(title, sizeof(title), d, h, g);
    return regexec(&lr->re, title, 0, NULL, 0) == 0;
}

static int host_ptr_cmp(const void *a, const void *b)
{
    const struct demo_host *x = *(const struct demo_host *const *)a;
    const struct demo_host *y = *(const struct demo_host *const *)b;

    return name_cmp(x->name, y->name);
}

static void list_filters(struct buf *b, const struct demo *d,
                         const struct list_req *lr)
{
    uint32_t h =
        lr->host_id > 0 ? demo_cacti_device_host(d, lr->host_id) : UINT32_MAX;

    buf_puts(
        b, "<form class='cactiFormStart' id='chk' name='chk' "
           "action='graph_view.php' autocomplete='off' method='post'>\n"
           "<div id='graph_view_list1' class='cactiTable' "
           "style='width:100%;text-align:center;'><div><div "
           "class='cactiTableTitle'><span>Graph List View Filters</span></div>"
           "<div class='cactiTableButton'><span> </span></div></div><table "
           "id='graph_view_list1_child' class='cactiTable' "
           "style='padding:3px;'>\t<tr class='even noprint'>\n"
           "\t\t<td class='noprint'>\n"
           "\t\t\t<table class='filterTable'>\n"
           "\t\t\t\t<tr class='noprint'>\n"
           "\t\t\t\t\t<td>\n"
           "\t\t\t\t\t\tSearch\t\t\t\t\t</td>\n"
           "\t\t\t\t\t<td>\n"
           "\t\t\t\t\t\t<input type='text' class='ui-state-default "
           "ui-corner-all' id='rfilter' size='55' value='");
    demo_cacti_put_html(b, lr->filter != NULL ? lr->filter : "");
    buf_puts(b, "'>\n"
                "\t\t\t\t\t</td>\n"
                "\t\t\t\t\t\t\t<td>\n"
                "\t\t\tDevice\t\t</td>\n"
                "\t\t<td>\n"
                "\t\t\t<span class='ui-select-text'>\n"
                "\t\t\t\t\t<input type='text' size='28' id='host' value='");
    demo_cacti_put_html(b, h != UINT32_MAX    ? d->host[h].name
                           : lr->host_id == 0 ? "None"
                                              : "Any");
    buf_printf(b,
               "'>\n"
               "\t\t\t\t</span>\n"
               "\t\t\t<input type='hidden' id='host_id' name='host_id' "
               "value='%lld'>\n"
               "\t\t</td>\n"
               "\t\t\t\t</tr>\n"
               "\t\t\t</table>\n"
               "\t\t\t<table class='filterTable'>\n"
               "\t\t\t\t<tr>\n"
               "\t\t\t\t\t<td>\n"
               "\t\t\t\t\t\tTemplate\t\t\t\t\t</td>\n"
               "\t\t\t\t\t<td>\n"
               "\t\t\t\t\t\t<select id='graph_template_id' multiple "
               "style='opacity:0.1;overflow:hide;height:0px;'>\n"
               "\t\t\t\t\t\t\t<option value='-1'%s>All Graphs & "
               "Templates</option>\n"
               "\t\t\t\t\t\t\t<option value='0'>Not Templated</option>\n",
               lr->host_id, lr->all_templates ? " selected" : "");
    for (size_t i = 0; i < NTEMPLATES; i++) {
        bool sel = false;

        for (int g = 0; g < DEMO_CACTI_GRAPHS; g++)
            sel = sel || (!lr->all_templates && lr->tmpl[g] &&
                          demo_cacti_defs[g].tmpl_id == templates[i].id);
        buf_printf(b, "<option value='%d'%s>%s</option>\n", templates[i].id,
                   sel ? " selected" : "", templates[i].name);
    }
    buf_puts(b, "\t\t\t\t\t\t</select>\n"
                "\t\t\t\t\t</td>\n"
                "\t\t\t\t</tr>\n"
                "\t\t\t</table>\n"
                "\t\t\t<input type='hidden' id='style' value='selective'>\n"
                "\t\t\t<input type='hidden' id='action' value='list'>\n"
                "\t\t</td>\n"
                "\t</tr>\n"
                "\t</table></div><div class='break'></div>");
}

/* html_nav_bar of Cacti 1.2 with object "Graphs". */
static void list_nav(struct buf *b, long long total, long long rows,
                     long long page)
{
    if (total > rows) {
        long long last = page * rows < total ? page * rows : total;
        long long pages = (total + rows - 1) / rows;

        buf_puts(b, "<div class='navBarNavigation'>\n"
                    "\t\t\t<div class='navBarNavigationPrevious'>\n\t\t\t\t");
        if (page > 1)
            buf_printf(b,
                       "<a href='#' onClick='gotopage(%lld);return "
                       "false;'><i class='fa fa-angle-double-left "
                       "previous'></i>Previous</a>",
                       page - 1);
        buf_printf(b,
                   "\n\t\t\t</div>\n"
                   "\t\t\t<div class='navBarNavigationCenter'>\n"
                   "\t\t\t\t%lld to %lld of %lld [ <ul class='pagination'>",
                   (page - 1) * rows + 1, last, total);
        for (long long p = 1; p <= pages && p <= 10; p++)
            buf_printf(b,
                       "<li><a href='#'%s onClick='gotopage(%lld);return "
                       "false;'>%lld</a></li>",
                       p == page ? " class='active'" : "", p, p);
        buf_puts(b, "</ul> ]\n"
                    "\t\t\t</div>\n"
                    "\t\t\t<div class='navBarNavigationNext'>\n\t\t\t\t");
        if (page * rows < total)
            buf_printf(b,
                       "<a href='#' onClick='gotopage(%lld);return "
                       "false;'>Next<i class='fa fa-angle-double-right "
                       "next'></i></a>",
                       page + 1);
        buf_puts(b, "\n\t\t\t</div>\n\t\t</div>\n");
    } else if (total > 0) {
        buf_printf(b,
                   "<div class='navBarNavigation'>\n"
                   "\t\t\t\t<div class='navBarNavigationNone'>\n"
                   "\t\t\t\t\tAll %lld Graphs\n"
                   "\t\t\t\t</div>\n"
                   "\t\t\t</div>\n",
                   total);
    } else {
        buf_puts(b, "<div class='navBarNavigation'>\n"
                    "\t\t\t<div class='navBarNavigationNone'>\n"
                    "\t\t\t\tNo Graphs Found\n"
                    "\t\t\t</div>\n"
                    "\t\t</div>\n");
    }
}

static void list_row(struct buf *b, const struct demo *d,
                     const struct list_req *lr, uint32_t h, int g, bool odd)
{
    const struct graph_def *gd = &demo_cacti_defs[g];
    long id = demo_cacti_local_id(h, g);
    char title[64];

    demo_cacti_title(title, sizeof(title), d, h, g);
    buf_printf(b,
               "<tr class='%s selectable tableRow' id='line%ld'>\n"
               "\t<td class=\"nowrap\"><a class=\"linkEditMain\" "
               "href=\"graph.php?local_graph_id=%ld&amp;rra_id=0\">",
               odd ? "odd" : "even-alternate", id, id);
    put_filtered(b, title, lr->filter);
    buf_puts(b, "</a></td>\n\t<td class=\"nowrap\">");
    demo_cacti_put_html(b, d->host[h].name);
    buf_printf(b,
               "</td>\n"
               "\t<td class='nowrap right'>%s</td>\n"
               "\t<td class='nowrap left'><a class=\"linkEditMain\" "
               "href=\"%s\">",
               gd->query ? "Data Query" : "Template", gd->tmpl_url);
    put_filtered(b, gd->tmpl, lr->filter);
    buf_puts(b, "</a></td>\n"
                "\t<td class=\"nowrap\">200x700</td>\n"
                "\t<td class='checkbox' style='width:1%;'>\n"
                "\t\t<input type='checkbox' title='");
    demo_cacti_put_html(b, title);
    buf_printf(b,
               "' class='checkbox'  id='chk_%ld' name='chk_%ld'><label "
               "class='formCheckboxLabel' for='chk_%ld'></label>\n"
               "\t</td>\n"
               "</tr>\n",
               id, id, id);
}

struct demo_reply *demo_cacti_list(struct demo *d, const struct query *q,
                                   int *status)
{
    struct list_req lr;
    struct demo_reply *err;
    const struct demo_host **order = NULL;
    uint32_t n = 0, one;
    long long total = 0, from, to;
    struct buf b = { 0 }, rowsb = { 0 };
    bool odd = true;

    memset(&lr, 0, sizeof(lr));
    err = list_params(d, q, &lr, status);
    if (err != NULL)
        return err;
    /* The devices whose graphs are listed, in the order of the titles. */
    if (lr.host_id == -1) {
        order = xcalloc(d->nhosts ? d->nhosts : 1, sizeof(*order));
        for (uint32_t h = 0; h < d->nhosts; h++)
            if (demo_cacti_has_device(d, h))
                order[n++] = &d->host[h];
        qsort(order, n, sizeof(*order), host_ptr_cmp);
    } else if (lr.host_id > 0 &&
               (one = demo_cacti_device_host(d, lr.host_id)) != UINT32_MAX) {
        order = xcalloc(1, sizeof(*order));
        order[n++] = &d->host[one];
    }
    from = (lr.page - 1) * lr.rows;
    to = from + lr.rows;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t h = (uint32_t)(order[i] - d->host);

        for (int g = 0; g < DEMO_CACTI_GRAPHS; g++) {
            if (!graph_listed(d, &lr, h, g))
                continue;
            if (total >= from && total < to) {
                list_row(&rowsb, d, &lr, h, g, odd);
                odd = !odd;
            }
            total++;
        }
    }
    list_filters(&b, d, &lr);
    list_nav(&b, total, lr.rows, lr.page);
    buf_puts(
        &b,
        "<div id='graph_view_list2' class='cactiTable' "
        "style='width:100%;text-align:center;'><table "
        "id='graph_view_list2_child' class='cactiTable' "
        "style='padding:3px;'><tr class='tableHeader '><th  title='The Title "
        "of this Graph.  Generally programmatically generated from the Graph "
        "Template definition or Suggested Naming rules.  The max length of "
        "the Title is controlled under Settings-&gt;Visual.' class='left "
        "'>Graph Name</th><th  title='The device for this Graph.' "
        "class='left '>Device</th><th  title='The underlying source that "
        "this Graph was based upon.' class='right '>Source Type</th><th  "
        "title='The Graph Template or Data Query that this Graph was based "
        "upon.' class='left '>Source Name</th><th  title='The size of this "
        "Graph when not in Preview mode.' class='left '>Size</th><th "
        "class='tableSubHeaderCheckbox'><input id='selectall' "
        "class='checkbox' type='checkbox' title='Select All Rows' "
        "onClick='selectAll(\"chk\",this.checked)'><label "
        "class='formCheckboxLabel' title='Select All' "
        "for='selectall'></label></th></tr>");
    if (rowsb.len > 0)
        buf_append(&b, rowsb.data, rowsb.len);
    else
        buf_puts(&b, "<tr><td colspan='6'><em>No Graphs Found</em></td>"
                     "</tr>\n");
    buf_puts(&b, "</table></div>");
    list_nav(&b, total, lr.rows, lr.page);
    buf_puts(&b, "</form>\n");
    {
        char refresh[256];

        snprintf(refresh, sizeof(refresh),
                 "/cacti/graph_view.php?action=list&host_id=%lld&graph_"
                 "template_id=-1&rfilter=&rows=%lld&page=%lld&header=false",
                 lr.host_id, lr.rows, lr.page);
        demo_cacti_page_tail(&b, d, "list", refresh);
    }
    buf_free(&rowsb);
    free(order);
    list_req_free(&lr);
    return demo_cacti_reply(d, status, 200, &b);
}
