/*
 * The demo site's Cacti 1.2.24: the login page, graph_view.php's host list
 * (JSON) and graph list (HTML), and graph_xport.php's CSV, in the shapes
 * recorded from a real Cacti (tests/data/cacti/): the JSON and the CSV
 * exactly, the HTML rows and navigation bar verbatim with the page around
 * them trimmed; the traps included. The demo behaves like a Cacti with
 * guest access: no cookies, every page answers without a login, and a
 * login POST always "succeeds".
 *
 * Nothing is kept per host: lists are built from the fleet on request and
 * every value is a function of (site, host, series, time).
 *
 * This file routes a request, reads its variables as PHP does, and
 * answers the login page, the guest's page and what is not there;
 * demo_cacti_list.c answers graph_view.php's ajax_hosts and list,
 * demo_cacti_xport.c graph_xport.php, and demo_cacti_value.c holds the
 * devices, their graphs and the values.
 */
#include "backend/demo_cacti.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/buf.h"
#include "backend/demo_cacti_int.h"
#include "backend/xalloc.h"

/* --- request variables ----------------------------------------------- */

static void query_add(struct query *q, const char *s)
{
    while (s != NULL && *s != '\0') {
        const char *amp = strchr(s, '&');
        size_t len = amp != NULL ? (size_t)(amp - s) : strlen(s);
        const char *eq = memchr(s, '=', len);
        size_t klen = eq != NULL ? (size_t)(eq - s) : len;

        if (klen > 0) {
            if (q->n == q->cap) {
                q->cap = q->cap ? q->cap * 2 : 8;
                q->p = xreallocarray(q->p, q->cap, sizeof(*q->p));
            }
            q->p[q->n].k = demo_url_decode(s, klen, true);
            q->p[q->n].v = eq != NULL
                               ? demo_url_decode(eq + 1, len - klen - 1, true)
                               : xstrdup("");
            q->n++;
        }
        s = amp != NULL ? amp + 1 : NULL;
    }
}

/* The last value of a variable (PHP keeps the last), or NULL. */
const char *demo_cacti_var(const struct query *q, const char *k)
{
    for (size_t i = q->n; i-- > 0;)
        if (strcmp(q->p[i].k, k) == 0)
            return q->p[i].v;
    return NULL;
}

static void query_free(struct query *q)
{
    for (size_t i = 0; i < q->n; i++) {
        free(q->p[i].k);
        free(q->p[i].v);
    }
    free(q->p);
}

/* An integer as PHP's FILTER_VALIDATE_INT takes it (blanks around). */
bool demo_cacti_parse_int(const char *s, long long *out)
{
    long long v = 0;
    bool neg = false, digits = false;

    s += strspn(s, " \t\r\n");
    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    for (; *s >= '0' && *s <= '9'; s++) {
        if (v > (9223372036854775807LL - (*s - '0')) / 10)
            return false;
        v = v * 10 + (*s - '0');
        digits = true;
    }
    s += strspn(s, " \t\r\n");
    if (!digits || *s != '\0')
        return false;
    *out = neg ? -v : v;
    return true;
}

/*
 * An integer request variable: absent or empty gives def. False when it
 * is not an integer (Cacti's validation error).
 */
bool demo_cacti_int_var(const struct query *q, const char *k, long long def,
                        long long *out)
{
    const char *v = demo_cacti_var(q, k);

    *out = def;
    if (v == NULL || *v == '\0')
        return true;
    return demo_cacti_parse_int(v, out);
}

/* htmlspecialchars(ENT_QUOTES), as Cacti's html_escape. */
void demo_cacti_put_html(struct buf *b, const char *s)
{
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '&':
            buf_puts(b, "&amp;");
            break;
        case '<':
            buf_puts(b, "&lt;");
            break;
        case '>':
            buf_puts(b, "&gt;");
            break;
        case '"':
            buf_puts(b, "&quot;");
            break;
        case '\'':
            buf_puts(b, "&#039;");
            break;
        default:
            buf_putc(b, *s);
            break;
        }
    }
}

/* --- replies --------------------------------------------------------- */

/* A finished reply that takes over body. */
struct demo_reply *demo_cacti_reply(struct demo *d, int *status, int code,
                                    struct buf *body)
{
    struct demo_reply *r = demo_reply_new(d, DEMO_REPLY_STATIC);

    *status = code;
    r->pend = *body;
    memset(body, 0, sizeof(*body));
    r->done = true;
    return r;
}

static struct demo_reply *reply_text(struct demo *d, int *status, int code,
                                     const char *text)
{
    struct buf b = { 0 };

    buf_puts(&b, text);
    return demo_cacti_reply(d, status, code, &b);
}

/* What php -S answers for a file that is not there. */
static struct demo_reply *not_found(struct demo *d, int *status,
                                    const char *path)
{
    struct buf b = { 0 };

    buf_puts(&b, "<!doctype html><html><head><title>404 Not Found</title>"
                 "</head><body><h1>Not Found</h1><p>The requested resource "
                 "<code class=\"url\">/cacti");
    demo_cacti_put_html(&b, path);
    buf_puts(&b, "</code> was not found on this server.</p></body></html>");
    return demo_cacti_reply(d, status, 404, &b);
}

/* Cacti's die_html_input_error for a request variable. */
struct demo_reply *demo_cacti_invalid(struct demo *d, int *status,
                                      const char *var, const char *value)
{
    struct buf b = { 0 };

    buf_puts(&b, "<table style='width:100%;text-align:center;'><tr><td>"
                 "Validation error for variable ");
    demo_cacti_put_html(&b, var);
    buf_puts(&b, " with a value of ");
    demo_cacti_put_html(&b, value != NULL ? value : "");
    buf_puts(&b, ".  See backtrace below for more details.</td></tr>"
                 "</table>\n");
    return demo_cacti_reply(d, status, 200, &b);
}

/* --- index.php and the page of a logged-in guest --------------------- */

/* "sid:<sha1>,<epoch>;ip:<sha1>,<epoch>" */
static void csrf_token(struct buf *b, const struct demo *d)
{
    long long now = (long long)floor(d->now);

    for (int part = 0; part < 2; part++) {
        buf_puts(b, part == 0 ? "sid:" : ";ip:");
        for (int i = 0; i < 5; i++)
            buf_printf(b, "%08x",
                       (unsigned)demo_hash(d->seed ^ (uint64_t)now,
                                           (uint64_t)(part * 8 + i)));
        buf_printf(b, ",%lld", now);
    }
}

static const char page_doctype[] =
    "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\" "
    "\"http://www.w3.org/TR/html4/loose.dtd\">\n"
    "<html>\n"
    "<head>\n"
    "\t<meta content='width=device-width, initial-scale=1.0, "
    "minimum-scale=1.0, maximum-scale=5' name='viewport'>\n"
    "\t<meta http-equiv='X-UA-Compatible' content='IE=Edge,chrome=1'>\n"
    "\t<meta name='robots' content='noindex,nofollow'>\n";

static void page_csrf_script(struct buf *b, const struct demo *d)
{
    buf_puts(b, "<script type=\"text/javascript\">var csrfMagicToken = \"");
    csrf_token(b, d);
    buf_puts(b, "\";var csrfMagicName = \"__csrf_magic\";</script><script "
                "src=\"/cacti/include/vendor/csrf/csrf-magic.js\" "
                "type=\"text/javascript\"></script></head>\n");
}

/* The closing script every Cacti page has. */
void demo_cacti_page_tail(struct buf *b, const struct demo *d,
                          const char *action, const char *refresh)
{
    buf_printf(b,
               "\t<script type='text/javascript'>\n"
               "\tvar cactiVersion='1.2.24';\n"
               "\tvar cactiServerOS='unix';\n"
               "\tvar cactiAction='%s';\n"
               "\tvar theme='modern';\n"
               "\tvar refreshIsLogout=%s;\n"
               "\tvar refreshPage='",
               action, *action == '\0' ? "true" : "false");
    demo_cacti_put_html(b, refresh);
    buf_puts(b, "';\n"
                "\tvar refreshMSeconds=300000;\n"
                "\tvar urlPath='/cacti/';\n"
                "\tvar previousPage='';\n"
                "\tvar sessionMessage=[];\n"
                "\tvar csrfMagicToken='");
    csrf_token(b, d);
    buf_puts(b, "';\n</script>\n");
}

static struct demo_reply *login_page(struct demo *d, int *status)
{
    struct buf b = { 0 };

    buf_puts(&b, page_doctype);
    buf_puts(&b, "\t<title>Login to Cacti</title>\n"
                 "\t<meta http-equiv='Content-Type' "
                 "content='text/html;charset=utf-8'>\n");
    page_csrf_script(&b, d);
    buf_puts(&b, "<body class='loginBody'>\n"
                 "\t<div class='loginLeft'></div>\n"
                 "\t<div class='loginCenter'>\n"
                 "\t<div class='loginArea'>\n"
                 "\t\t<div class='cactiLoginLogo'></div>\n"
                 "\t\t\t<legend>User Login</legend>\n"
                 "\t\t\t<form id='login' name='login' method='post' "
                 "action='index.php'><input type='hidden' name='__csrf_magic' "
                 "value=\"");
    csrf_token(&b, d);
    buf_puts(
        &b,
        "\" />\n"
        "\t\t\t\t<input type='hidden' name='action' value='login'>\n"
        "\t\t\t\t\t\t\t\t<div class='loginTitle'>\n"
        "\t\t\t\t\t<p>Enter your Username and Password below</p>\n"
        "\t\t\t\t</div>\n"
        "\t\t\t\t<div class='cactiLogin'>\n"
        "\t\t\t\t\t<table class='cactiLoginTable'>\n"
        "\t\t\t\t\t\t<tr>\n"
        "\t\t\t\t\t\t\t<td>\n"
        "\t\t\t\t\t\t\t\t<label for='login_username'>Username</label>\n"
        "\t\t\t\t\t\t\t</td>\n"
        "\t\t\t\t\t\t\t<td>\n"
        "\t\t\t\t\t\t\t\t<input type='text' class='ui-state-default "
        "ui-corner-all' id='login_username' name='login_username' value='' "
        "placeholder='Username'>\n"
        "\t\t\t\t\t\t\t</td>\n"
        "\t\t\t\t\t\t</tr>\n"
        "\t\t\t\t\t\t<tr>\n"
        "\t\t\t\t\t\t\t<td>\n"
        "\t\t\t\t\t\t\t\t<label for='login_password'>Password</label>\n"
        "\t\t\t\t\t\t\t</td>\n"
        "\t\t\t\t\t\t\t<td>\n"
        "\t\t\t\t\t\t\t\t<input type='password' autocomplete='new-password' "
        "class='ui-state-default ui-corner-all' id='login_password' "
        "name='login_password' placeholder='********'>\n"
        "\t\t\t\t\t\t\t</td>\n"
        "\t\t\t\t\t\t</tr>\n"
        "\t\t\t\t\t\t<tr>\n"
        "\t\t\t\t\t\t\t<td colspan='2'>\n"
        "\t\t\t\t\t\t\t\t<input type='submit' class='ui-button "
        "ui-corner-all ui-widget' value='Login'>\n"
        "\t\t\t\t\t\t\t</td>\n"
        "\t\t\t\t\t\t</tr>\n"
        "\t\t\t\t\t</table>\n"
        "\t\t\t\t</div>\n"
        "\t\t\t\t\t\t</form>\n"
        "\t\t\t<div class='loginErrors'>\n"
        "\t\t\t\t\t\t\t</div>\n"
        "\t\t</div>\n"
        "\t\t<div class='versionInfo'>Version 1.2.24 | (c) 2004-2026 - The "
        "Cacti Group</div>\n"
        "\t</div>\n"
        "\t<div class='loginRight'></div>\n");
    demo_cacti_page_tail(&b, d, "", "/cacti/logout.php?action=timeout");
    buf_puts(&b, "<script type=\"text/javascript\">CsrfMagic.end();</script>"
                 "</body>\n</html>\n");
    return demo_cacti_reply(d, status, 200, &b);
}

/* graph_view.php without an action: the tree page, logged in as guest. */
static struct demo_reply *guest_page(struct demo *d, int *status)
{
    struct buf b = { 0 };

    buf_puts(&b, page_doctype);
    buf_puts(&b, "\t<title>Tree Mode</title>\n"
                 "\t<meta http-equiv='Content-Type' "
                 "content='text/html;charset=utf-8'>\n");
    page_csrf_script(&b, d);
    buf_puts(
        &b,
        "<body>\n"
        "<a class='skip-link' href='#main' tabindex='1'>Skip to content</a>\n"
        "<div id='cactiPageHead' class='cactiPageHead' role='banner'>\n"
        "\t<div id='tabs'>\n"
        "\t\t<ul class='nav'><li><a id='tab-graphs' class='selected' "
        "href='/cacti/graph_view.php'><span>Graphs</span></a></li></ul>\n"
        "\t</div>\n"
        "</div>\n"
        "<div id='breadCrumbBar' class='breadCrumbBar'>\n"
        "\t<div id='navBar' class='navBar'><ul id='breadcrumbs'><li><a "
        "id='nav_0' href='graph_view.php'>Graphs</a></li></ul></div>\n"
        "\t<div class='scrollBar'></div>\n"
        "\t<div class='infoBar'><div class='usertabs'><div>Logged in as "
        "<span id='user' class='user usermenuup'>guest</span></div><div><ul "
        "class='menuoptions' style='display:none;'><li><a "
        "href='/cacti/index.php'>Login as Regular User</a></li></ul>\n"
        "</div></div></div>\n"
        "</div>\n"
        "<div id='cactiContent' class='cactiContent'>\n"
        "\t<div id='navigation' class='cactiTreeNavigationArea'></div>\n"
        "\t<div id='main' class='cactiGraphContentArea'>\n"
        "\t</div>\n"
        "</div>\n");
    demo_cacti_page_tail(&b, d, "tree", "/cacti/graph_view.php");
    buf_puts(&b, "</body>\n</html>\n");
    return demo_cacti_reply(d, status, 200, &b);
}

/* --- routing --------------------------------------------------------- */

static bool form_body(const char *body)
{
    return body != NULL && body[strspn(body, " \t\r\n")] != '\0' &&
           body[strspn(body, " \t\r\n")] != '{';
}

struct demo_reply *demo_cacti_request(struct demo *d, const char *method,
                                      const char *path, const char *body,
                                      int *status)
{
    const char *qm = strchr(path, '?');
    char *file = demo_url_decode(
        path, qm != NULL ? (size_t)(qm - path) : strlen(path), true);
    const char *f = file + strspn(file, "/");
    bool post = strcmp(method, "POST") == 0;
    struct query q = { 0 };
    struct demo_reply *r;

    query_add(&q, qm != NULL ? qm + 1 : NULL);
    if (post && form_body(body))
        query_add(&q, body);
    if (*f == '\0' || strcmp(f, "index.php") == 0) {
        if (post) /* any user and password: "logged in" (302, no body) */
            r = reply_text(d, status, 302, "");
        else
            r = login_page(d, status);
    } else if (strcmp(f, "graph_view.php") == 0) {
        const char *action = demo_cacti_var(&q, "action");

        if (action != NULL && strcmp(action, "ajax_hosts") == 0)
            r = demo_cacti_ajax_hosts(d, &q, status);
        else if (action != NULL && strcmp(action, "list") == 0)
            r = demo_cacti_list(d, &q, status);
        else
            r = guest_page(d, status);
    } else if (strcmp(f, "graph_xport.php") == 0) {
        r = demo_cacti_xport(d, &q, status);
    } else {
        r = not_found(d, status, file);
    }
    query_free(&q);
    free(file);
    return r;
}
