/*
 * Cacti's HTML and JSON answers to structs: the device list (JSON), the
 * graph list and the tree fragments (HTML), the login page. Small tolerant
 * scanners over bytes that need no NUL: what they do not recognise they
 * skip. The CSV and rrdtool exports are in cacti_xport.c.
 */
#include "backend/cacti.h"

#include <cJSON.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backend/buf.h"
#include "backend/xalloc.h"

#define NOT_LOGGED_IN "not logged in (Cacti sent its login page)"

/* ---- bytes --------------------------------------------------------------- */

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static bool is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

static bool ieq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
            return false;
    return true;
}

/* The first s in [p, end) (ASCII case-insensitive if icase), or NULL. */
static const char *scan(const char *p, const char *end, const char *s,
                        bool icase)
{
    size_t n = strlen(s);

    if (p == NULL || n == 0)
        return p;
    for (; (size_t)(end - p) >= n; p++) {
        if (icase ? ieq(p, s, n) : memcmp(p, s, n) == 0)
            return p;
        if (!icase) {
            const char *q = memchr(p + 1, s[0], (size_t)(end - p - 1));

            if (q == NULL)
                return NULL;
            p = q - 1;
        }
    }
    return NULL;
}

/*
 * The decimal number at *pp (no sign), advancing *pp; false when there is
 * none or it does not fit in a long.
 */
static bool take_long(const char **pp, const char *end, long *out)
{
    const char *p = *pp;
    long v = 0;

    if (p >= end || !is_digit((unsigned char)*p))
        return false;
    for (; p < end && is_digit((unsigned char)*p); p++) {
        if (v > (LONG_MAX - 9) / 10)
            return false;
        v = v * 10 + (*p - '0');
    }
    *pp = p;
    *out = v;
    return true;
}

/* ---- HTML text ----------------------------------------------------------- */

static void put_utf8(struct buf *b, uint32_t cp)
{
    char u[4];

    if (cp < 0x80) {
        buf_putc(b, (char)cp);
        return;
    }
    if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        buf_append(b, u, 2);
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        buf_append(b, u, 3);
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        buf_append(b, u, 4);
    }
}

/*
 * The entity at p ('&'): its code point in *cp and its length, or 0 when
 * p starts no entity this parser knows (the '&' is then text).
 */
static size_t entity(const char *p, const char *end, uint32_t *cp)
{
    static const struct {
        const char *name;
        uint32_t cp;
    } named[] = { { "amp;", '&' },  { "lt;", '<' },    { "gt;", '>' },
                  { "quot;", '"' }, { "apos;", '\'' }, { "nbsp;", ' ' } };
    size_t n = (size_t)(end - p);

    if (n >= 4 && p[1] == '#') {
        bool hex = p[2] == 'x' || p[2] == 'X';
        size_t i = hex ? 3 : 2, digits = 0;
        uint32_t v = 0;

        for (; i < n && digits < 8; i++, digits++) {
            int c = lower((unsigned char)p[i]);

            if (is_digit(c))
                v = v * (hex ? 16 : 10) + (uint32_t)(c - '0');
            else if (hex && c >= 'a' && c <= 'f')
                v = v * 16 + (uint32_t)(c - 'a' + 10);
            else
                break;
        }
        if (digits == 0 || i >= n || p[i] != ';')
            return 0;
        if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
            v = 0xFFFD;
        else if (v < 0x20 || (v >= 0x7F && v < 0xA0))
            v = ' '; /* no control characters from a server */
        *cp = v;
        return i + 1;
    }
    for (size_t k = 0; k < sizeof named / sizeof named[0]; k++) {
        size_t len = strlen(named[k].name);

        if (n > len && memcmp(p + 1, named[k].name, len) == 0) {
            *cp = named[k].cp;
            return len + 1;
        }
    }
    return 0;
}

static bool is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * Where the tag starting at p ('<') ends (just past its '>'), or NULL
 * when p starts no tag. Quoted attribute values may hold '>'.
 */
static const char *tag_end(const char *p, const char *end)
{
    const char *q = p + 1;
    char prev = 0;

    if (q >= end ||
        !(is_alpha((unsigned char)*q) || *q == '/' || *q == '!' || *q == '?'))
        return NULL;
    if (end - q >= 3 && memcmp(q, "!--", 3) == 0) {
        const char *c = scan(q + 3, end, "-->", false);

        return c != NULL ? c + 3 : NULL;
    }
    for (; q < end; q++) {
        if (*q == '>')
            return q + 1;
        if ((*q == '"' || *q == '\'') && prev == '=') {
            const char *c = memchr(q + 1, *q, (size_t)(end - q - 1));

            if (c == NULL)
                return NULL;
            q = c;
        }
        if (!is_space((unsigned char)*q))
            prev = *q;
    }
    return NULL;
}

/* Whether the tag [p, e) is one that separates words (<br>, <td>, ...). */
static bool tag_breaks_words(const char *p, const char *e)
{
    static const char *const names[] = { "br",  "td", "th", "tr",   "li",
                                         "div", "p",  "ul", "table" };
    const char *name = p + 1, *q;

    if (name < e && *name == '/')
        name++;
    for (q = name; q < e && is_alpha((unsigned char)*q); q++)
        ;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i]) == (size_t)(q - name) &&
            ieq(name, names[i], (size_t)(q - name)))
            return true;
    return false;
}

/* Appends the text of HTML [p, end) to b: tags dropped, entities decoded,
 * white space collapsed to one space; no leading or trailing space. */
static void html_text_to(struct buf *b, const char *p, const char *end)
{
    size_t start = b->len;
    bool space = false;

    while (p < end) {
        unsigned char c = (unsigned char)*p;
        uint32_t cp;
        size_t n;

        if (c == '<') {
            const char *e = tag_end(p, end);

            if (e != NULL) {
                if (tag_breaks_words(p, e))
                    space = true;
                p = e;
                continue;
            }
        }
        if (is_space(c) || c < 0x20 || c == 0x7F) {
            space = true;
            p++;
            continue;
        }
        if (space && b->len > start)
            buf_putc(b, ' ');
        space = false;
        if (c == '&' && (n = entity(p, end, &cp)) > 0) {
            put_utf8(b, cp);
            p += n;
        } else {
            buf_putc(b, (char)c);
            p++;
        }
    }
    /* An entity may have decoded to a trailing space (&nbsp;). */
    while (b->len > start && b->data[b->len - 1] == ' ')
        b->data[--b->len] = '\0';
}

char *cacti_html_text(const char *p, size_t n)
{
    struct buf b = { 0 };
    char *s;

    if (p != NULL)
        html_text_to(&b, p, p + n);
    s = buf_steal(&b);
    return s != NULL ? s : xstrdup("");
}

/* ---- HTML tags ----------------------------------------------------------- */

struct tag {
    const char *name; /* after '<' (and '/' for a closing tag) */
    size_t namelen;
    bool closing;
    const char *attrs; /* after the name */
    const char *end;   /* the '>' */
    const char *next;  /* after the '>' */
};

/* The next tag at or after p, skipping comments and <script> bodies. */
static bool next_tag(const char *p, const char *end, struct tag *t)
{
    while (p != NULL && p < end) {
        const char *lt = memchr(p, '<', (size_t)(end - p));
        const char *e, *q;

        if (lt == NULL)
            return false;
        e = tag_end(lt, end);
        if (e == NULL || lt[1] == '!' || lt[1] == '?') {
            p = e != NULL ? e : lt + 1;
            continue;
        }
        t->closing = lt[1] == '/';
        t->name = lt + 1 + t->closing;
        for (q = t->name; q < e - 1 && !is_space((unsigned char)*q) &&
                          *q != '>' && *q != '/';
             q++)
            ;
        t->namelen = (size_t)(q - t->name);
        t->attrs = q;
        t->end = e - 1;
        t->next = e;
        if (!t->closing && t->namelen == 6 && ieq(t->name, "script", 6)) {
            const char *s = scan(e, end, "</script", true);

            p = s != NULL ? s : end;
            continue;
        }
        return true;
    }
    return false;
}

static bool tag_is(const struct tag *t, const char *name)
{
    size_t n = strlen(name);

    return t->namelen == n && ieq(t->name, name, n);
}

/* The value of the attribute name of t (its raw bytes, quotes removed). */
static bool tag_attr(const struct tag *t, const char *name, const char **v,
                     size_t *vlen)
{
    size_t nlen = strlen(name);
    const char *p = t->attrs;

    while (p < t->end) {
        const char *a, *val = NULL;
        size_t alen, len = 0;

        while (p < t->end && (is_space((unsigned char)*p) || *p == '/'))
            p++;
        a = p;
        while (p < t->end && !is_space((unsigned char)*p) && *p != '=' &&
               *p != '/')
            p++;
        alen = (size_t)(p - a);
        if (alen == 0) {
            p++;
            continue;
        }
        while (p < t->end && is_space((unsigned char)*p))
            p++;
        if (p < t->end && *p == '=') {
            p++;
            while (p < t->end && is_space((unsigned char)*p))
                p++;
            if (p < t->end && (*p == '"' || *p == '\'')) {
                const char *c = memchr(p + 1, *p, (size_t)(t->end - p - 1));

                val = p + 1;
                len = (size_t)((c != NULL ? c : t->end) - val);
                p = c != NULL ? c + 1 : t->end;
            } else {
                val = p;
                while (p < t->end && !is_space((unsigned char)*p))
                    p++;
                len = (size_t)(p - val);
            }
        }
        if (alen == nlen && ieq(a, name, nlen)) {
            *v = val != NULL ? val : a + alen;
            *vlen = len;
            return true;
        }
    }
    return false;
}

/* Whether the attribute name of t contains the word w (class lists). */
static bool tag_attr_has(const struct tag *t, const char *name, const char *w)
{
    const char *v;
    size_t n, wl = strlen(w);

    if (!tag_attr(t, name, &v, &n))
        return false;
    for (const char *p = v; p + wl <= v + n; p++)
        if ((p == v || is_space((unsigned char)p[-1])) &&
            memcmp(p, w, wl) == 0 &&
            (p + wl == v + n || is_space((unsigned char)p[wl])))
            return true;
    return false;
}

/* The number after key ("host_id=") in [p, end), or 0. */
static long number_after(const char *p, const char *end, const char *key)
{
    const char *k = scan(p, end, key, false);
    long v = 0;

    if (k == NULL)
        return 0;
    k += strlen(key);
    return take_long(&k, end, &v) ? v : 0;
}

/* ---- login and page kinds ------------------------------------------------ */

static const char *skip_bom_space(const char *p, const char *end)
{
    if (end - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (p < end && is_space((unsigned char)*p))
        p++;
    return p;
}

enum cacti_page cacti_page_kind(const char *p, size_t n)
{
    const char *end = p + n, *s;

    if (p == NULL || n == 0)
        return CACTI_PAGE_OTHER;
    s = skip_bom_space(p, end);
    if (s < end && *s == '{')
        return scan(s, end, "Not Logged In", false) != NULL &&
                       scan(s, end, "\"statusText\"", false) != NULL
                   ? CACTI_PAGE_NOT_LOGGED
                   : CACTI_PAGE_OTHER;
    if (scan(s, end, "name='login_username'", true) == NULL &&
        scan(s, end, "name=\"login_username\"", true) == NULL &&
        scan(s, end, "<title>Login to Cacti", true) == NULL)
        return CACTI_PAGE_OTHER;
    return scan(s, end, "Access Denied", true) != NULL ? CACTI_PAGE_DENIED
                                                       : CACTI_PAGE_LOGIN;
}

static bool token_ok(const char *v, size_t n)
{
    if (n == 0 || n > 1024)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)v[i] <= ' ' || v[i] == 0x7F || v[i] == '"' ||
            v[i] == '\'' || v[i] == '<' || v[i] == '>')
            return false;
    return true;
}

char *cacti_login_token(const char *p, size_t n)
{
    const char *end = p + n, *at = p;
    struct tag t;

    if (p == NULL)
        return NULL;
    /* <input type='hidden' name='__csrf_magic' value="sid:...;ip:..." /> */
    while (next_tag(at, end, &t)) {
        const char *v;
        size_t len;

        at = t.next;
        if (t.closing || !tag_is(&t, "input") ||
            !tag_attr(&t, "name", &v, &len) || len != 12 ||
            memcmp(v, "__csrf_magic", 12) != 0)
            continue;
        if (tag_attr(&t, "value", &v, &len) && token_ok(v, len))
            return cacti_html_text(v, len);
    }
    /* var csrfMagicToken = "..."; (single quotes on some pages) */
    for (at = p; (at = scan(at, end, "csrfMagicToken", false)) != NULL;) {
        const char *q = at + strlen("csrfMagicToken"), *c;

        at = q;
        while (q < end && is_space((unsigned char)*q))
            q++;
        if (q >= end || *q != '=')
            continue;
        for (q++; q < end && is_space((unsigned char)*q); q++)
            ;
        if (q >= end || (*q != '"' && *q != '\''))
            continue;
        c = memchr(q + 1, *q, (size_t)(end - q - 1));
        if (c != NULL && token_ok(q + 1, (size_t)(c - q - 1)))
            return xstrndup(q + 1, (size_t)(c - q - 1));
    }
    return NULL;
}

/* The error for a body that is a login page or "Not Logged In", or 0. */
static int not_logged_in(const char *p, size_t n, struct mc_err *err)
{
    switch (cacti_page_kind(p, n)) {
    case CACTI_PAGE_LOGIN:
    case CACTI_PAGE_DENIED:
        return err_set(err, NOT_LOGGED_IN);
    case CACTI_PAGE_NOT_LOGGED:
        return err_set(err, "not logged in (Cacti answered \"Not Logged In\")");
    case CACTI_PAGE_OTHER:
        break;
    }
    return 0;
}

/* ---- devices (ajax_hosts JSON) ------------------------------------------- */

/* A JSON id: a number, or a string holding one; false otherwise. */
static bool json_id(const cJSON *id, long *out)
{
    if (cJSON_IsNumber(id)) {
        double d = id->valuedouble;

        if (!(d >= (double)LONG_MIN && d <= (double)LONG_MAX) || d != floor(d))
            return false;
        *out = (long)d;
        return true;
    }
    if (cJSON_IsString(id) && id->valuestring != NULL) {
        const char *s = id->valuestring, *e = s + strlen(s);
        bool neg = *s == '-';

        s += neg;
        if (!take_long(&s, e, out) || s != e)
            return false;
        if (neg)
            *out = -*out;
        return true;
    }
    return false;
}

int cacti_parse_devices(const char *p, size_t n, struct cacti_device_list *out,
                        struct mc_err *err)
{
    const char *parse_end = NULL;
    cJSON *root, *it;
    size_t i = 0;

    memset(out, 0, sizeof *out);
    if (p == NULL || n == 0)
        return err_set(err, "empty answer (expected a JSON list of devices)");
    if (not_logged_in(p, n, err) < 0)
        return -1;
    root = cJSON_ParseWithLengthOpts(p, n, &parse_end, false);
    if (root == NULL)
        return err_set(err,
                       "not JSON (expected a list of devices), at byte %zu",
                       parse_end != NULL && parse_end >= p && parse_end <= p + n
                           ? (size_t)(parse_end - p)
                           : (size_t)0);
    if (!cJSON_IsArray(root)) {
        err_set(err, "expected a JSON array of devices, got %s",
                cJSON_IsObject(root) ? "an object" : "a scalar");
        cJSON_Delete(root);
        return -1;
    }
    out->v = xcalloc((size_t)cJSON_GetArraySize(root) + 1, sizeof *out->v);
    cJSON_ArrayForEach(it, root)
    {
        const cJSON *label = cJSON_GetObjectItemCaseSensitive(it, "label");
        long id;

        i++;
        if (!cJSON_IsObject(it)) {
            cJSON_Delete(root);
            cacti_device_list_free(out);
            return err_set(err, "device %zu: not an object", i);
        }
        if (!json_id(cJSON_GetObjectItemCaseSensitive(it, "id"), &id)) {
            cJSON_Delete(root);
            cacti_device_list_free(out);
            return err_set(err, "device %zu: no numeric \"id\"", i);
        }
        if (id <= 0) /* "Any" (-1) and "None" (0) */
            continue;
        if (!cJSON_IsString(label) || label->valuestring == NULL)
            label = cJSON_GetObjectItemCaseSensitive(it, "value");
        if (!cJSON_IsString(label) || label->valuestring == NULL) {
            cJSON_Delete(root);
            cacti_device_list_free(out);
            return err_set(err, "device %zu (id %ld): no \"label\"", i, id);
        }
        out->v[out->n].id = id;
        out->v[out->n].name =
            cacti_html_text(label->valuestring, strlen(label->valuestring));
        out->n++;
    }
    cJSON_Delete(root);
    return 0;
}

/* ---- graph list (graph_view.php?action=list) ----------------------------- */

/* "All 28 Graphs", "1 to 30 of 120 [", "No Graphs Found"; -1 if none. */
static long graph_total(const char *p, const char *end)
{
    const char *nav = scan(p, end, "navBarNavigation", false), *at;

    if (nav != NULL)
        p = nav;
    for (at = p; (at = scan(at, end, "All ", false)) != NULL;) {
        const char *q = at + 4;
        long v;

        at = q;
        if (take_long(&q, end, &v) && end - q >= 6 &&
            memcmp(q, " Graph", 6) == 0)
            return v;
    }
    for (at = p; (at = scan(at, end, " of ", false)) != NULL;) {
        const char *q = at + 4, *b = at;
        long v;

        at = q;
        /* "<from> to <to> of <total> [" */
        while (b > p && is_digit((unsigned char)b[-1]))
            b--;
        if (b == at - 4 || b - p < 4 || memcmp(b - 4, " to ", 4) != 0)
            continue;
        if (take_long(&q, end, &v) && end - q >= 2 && q[0] == ' ' &&
            q[1] == '[')
            return v;
    }
    if (scan(p, end, "No Graphs Found", false) != NULL)
        return 0;
    return -1;
}

/* The text of td cells of a row: up to max cells. */
static size_t row_cells(const char *p, const char *end, const char **cs,
                        const char **ce, size_t max)
{
    struct tag t;
    size_t n = 0;

    while (n < max && next_tag(p, end, &t)) {
        const char *c;

        p = t.next;
        if (t.closing || !tag_is(&t, "td"))
            continue;
        c = scan(t.next, end, "</td", true);
        cs[n] = t.next;
        ce[n] = c != NULL ? c : end;
        n++;
        p = ce[n - 1];
    }
    return n;
}

/* A cell's text, NULL when empty. */
static char *cell_text(const char *s, const char *e)
{
    char *t = cacti_html_text(s, (size_t)(e - s));

    if (t[0] == '\0') {
        free(t);
        return NULL;
    }
    return t;
}

/* The title link of a row: "local_graph_id=N&amp;rra_id=0">TITLE</a>. */
static bool row_title(const char *p, const char *end, long *id, const char **ts,
                      const char **te)
{
    const char *k = scan(p, end, "local_graph_id=", false), *q, *gt, *a;

    if (k == NULL)
        return false;
    q = k + strlen("local_graph_id=");
    if (!take_long(&q, end, id))
        return false;
    gt = memchr(q, '>', (size_t)(end - q));
    if (gt == NULL)
        return false;
    a = scan(gt + 1, end, "</a", true);
    *ts = gt + 1;
    *te = a != NULL ? a : end;
    return true;
}

int cacti_parse_graphs(const char *p, size_t n, struct cacti_graph_list *out,
                       struct mc_err *err)
{
    const char *end = p + n, *at = p;
    size_t cap = 0;
    struct tag t;

    memset(out, 0, sizeof *out);
    out->total = -1;
    if (p == NULL || n == 0)
        return err_set(err, "empty answer (expected the graph list)");
    if (not_logged_in(p, n, err) < 0)
        return -1;
    while (next_tag(at, end, &t)) {
        const char *v, *rend, *ts = NULL, *te = NULL, *cs[5], *ce[5];
        const char *q;
        size_t len, nc;
        long line, id;
        struct cacti_graph *g;

        at = t.next;
        /* <tr class='... tableRow' id='line<local_graph_id>'> */
        if (t.closing || !tag_is(&t, "tr") || !tag_attr(&t, "id", &v, &len) ||
            len < 5 || memcmp(v, "line", 4) != 0)
            continue;
        q = v + 4;
        if (!take_long(&q, v + len, &line) || q != v + len)
            continue;
        rend = scan(t.next, end, "</tr", true);
        if (rend == NULL)
            rend = end;
        q = scan(t.next, rend, "<tr", true);
        if (q != NULL)
            rend = q;
        nc = row_cells(t.next, rend, cs, ce, 5);
        if (!row_title(t.next, nc > 0 ? ce[0] : rend, &id, &ts, &te)) {
            id = line;
            if (nc > 0) {
                ts = cs[0];
                te = ce[0];
            }
        }
        at = rend;
        if (id <= 0)
            continue;
        if (out->n == cap) {
            cap = cap ? 2 * cap : 32;
            out->v = xreallocarray(out->v, cap, sizeof *out->v);
        }
        g = &out->v[out->n++];
        g->id = id;
        g->title =
            ts != NULL ? cacti_html_text(ts, (size_t)(te - ts)) : xstrdup("");
        g->device = nc > 1 ? cell_text(cs[1], ce[1]) : NULL;
        g->template = nc > 3 ? cell_text(cs[3], ce[3]) : NULL;
    }
    out->total = graph_total(p, end);
    return 0;
}

/* ---- tree nodes (graph_view.php?action=get_node) ------------------------- */

/* After "-host-H": "-uid-U" and the end (a device), or nothing more. */
static bool device_id(const char *id, size_t len, long *host)
{
    const char *end = id + len, *h = scan(id, end, "-host-", false), *q;

    if (h == NULL)
        return false;
    q = h + 6;
    if (!take_long(&q, end, host))
        return false;
    if (q == end)
        return true;
    if (end - q < 6 || memcmp(q, "-uid-", 5) != 0)
        return false;
    q += 5;
    {
        long uid;

        return take_long(&q, end, &uid) && q == end;
    }
}

/* Classifies an <li>; false for nodes left out (a device's groupings). */
static bool node_kind(const char *id, size_t len, const struct tag *a,
                      struct cacti_node *nd)
{
    const char *end = id + len, *g;
    const char *href = NULL;
    size_t hlen = 0;
    long v;

    if (a != NULL)
        tag_attr(a, "href", &href, &hlen);
    if (len > 12 && memcmp(id, "tree_anchor-", 12) == 0) {
        nd->kind = CACTI_NODE_TREE;
        return true;
    }
    if ((g = scan(id, end, "graph-", false)) != NULL) {
        const char *q = g + 6;

        if (take_long(&q, end, &v) && v > 0) {
            nd->kind = CACTI_NODE_GRAPH;
            nd->graph_id = v;
            return true;
        }
    }
    if (href != NULL &&
        (v = number_after(href, href + hlen, "local_graph_id=")) > 0) {
        nd->kind = CACTI_NODE_GRAPH;
        nd->graph_id = v;
        return true;
    }
    if (device_id(id, len, &v)) {
        nd->kind = CACTI_NODE_DEVICE;
        nd->host_id = v;
        if (v == 0 && href != NULL)
            nd->host_id = number_after(href, href + hlen, "host_id=");
        nd->down = a != NULL && tag_attr_has(a, "class", "deviceDown");
        return true;
    }
    if (len > 8 && memcmp(id, "tbranch-", 8) == 0 &&
        scan(id, end, "-host-", false) == NULL &&
        scan(id, end, "-gt", false) == NULL &&
        scan(id, end, "-dq-", false) == NULL) {
        nd->kind = CACTI_NODE_HEADER;
        return true;
    }
    return false;
}

int cacti_parse_nodes(const char *p, size_t n, struct cacti_node_list *out,
                      struct mc_err *err)
{
    const char *end = p + n, *at = p;
    size_t cap = 0;
    struct tag t;

    memset(out, 0, sizeof *out);
    if (p == NULL || n == 0)
        return 0;
    if (not_logged_in(p, n, err) < 0)
        return -1;
    while (next_tag(at, end, &t)) {
        struct cacti_node nd = { 0 };
        const char *id, *ls, *le;
        struct tag a;
        bool has_a;
        size_t len;

        at = t.next;
        if (t.closing || !tag_is(&t, "li") || !tag_attr(&t, "id", &id, &len) ||
            len == 0)
            continue;
        /* The label: the <a> right after the <li>, else the bare text. */
        has_a = next_tag(t.next, end, &a) && !a.closing && tag_is(&a, "a");
        if (has_a) {
            ls = a.next;
            le = scan(a.next, end, "</a", true);
            if (le == NULL)
                le = end;
        } else {
            ls = t.next;
            le = memchr(ls, '<', (size_t)(end - ls));
            if (le == NULL)
                le = end;
        }
        if (!node_kind(id, len, has_a ? &a : NULL, &nd))
            continue;
        nd.id = xstrndup(id, len);
        nd.label = cacti_html_text(ls, (size_t)(le - ls));
        if (out->n == cap) {
            cap = cap ? 2 * cap : 16;
            out->v = xreallocarray(out->v, cap, sizeof *out->v);
        }
        out->v[out->n++] = nd;
    }
    return 0;
}

/* ---- freeing ------------------------------------------------------------- */

void cacti_device_list_free(struct cacti_device_list *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].name);
    free(l->v);
    memset(l, 0, sizeof *l);
}

void cacti_graph_list_free(struct cacti_graph_list *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].title);
        free(l->v[i].device);
        free(l->v[i].template);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
    l->total = -1;
}

void cacti_node_list_free(struct cacti_node_list *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].id);
        free(l->v[i].label);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}
