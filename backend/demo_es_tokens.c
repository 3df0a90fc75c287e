/*
 * Tokens of the demo's log messages: Elasticsearch's standard analyzer
 * (UAX #29 word breaks for the characters the messages hold, lower-cased,
 * 255 at most), and the tokens of message pieces: pool entries and host
 * names tokenised once per search and cached in the world, the time
 * written straight as its tokens, per minute.
 */
#include <stdlib.h>
#include <string.h>

#include "backend/demo_es.h"
#include "backend/demo_es_docs_int.h"
#include "backend/demo_int.h"
#include "backend/xalloc.h"

/* --- the standard analyzer ----------------------------------------------- */

enum cls {
    C_LETTER,
    C_DIGIT,
    C_EXTNUM,
    C_MIDLETTER,
    C_MIDNUMLET,
    C_MIDNUM,
    C_OTHER
};

/* One UTF-8 code point (surrogates allowed; bad bytes are U+FFFD). */
static uint32_t utf8(const unsigned char *s, size_t n, size_t *len)
{
    unsigned c = s[0];
    size_t need = c < 0x80    ? 0
                  : c >= 0xf0 ? 3
                  : c >= 0xe0 ? 2
                  : c >= 0xc0 ? 1
                              : 9;
    uint32_t cp = need == 0   ? c
                  : need == 1 ? c & 0x1f
                  : need == 2 ? c & 0xf
                              : c & 7;

    if (need == 9 || need >= n) {
        *len = 1;
        return need == 0 ? c : 0xfffd;
    }
    for (size_t i = 1; i <= need; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *len = 1;
            return 0xfffd;
        }
        cp = cp << 6 | (s[i] & 0x3fu);
    }
    *len = need + 1;
    return cp;
}

static int cp_class(uint32_t cp);

/* cp_class() of the ASCII characters. */
static const uint8_t ascii_class[128] = {
#define O C_OTHER
#define L C_LETTER
#define D C_DIGIT
    O, O, O,        O, O,           O, O, O, O, O, O,           O,        O,
    O, O, O, /* control */
    O, O, O,        O, O,           O, O, O, O, O, O,           O,        O,
    O, O, O,        O, O,           O, O, O, O, O, C_MIDNUMLET, O,        O,
    O, O, C_MIDNUM, O, C_MIDNUMLET, O, /* ' , . */
    D, D, D,        D, D,           D, D, D, D, D, C_MIDLETTER, C_MIDNUM, O,
    O, O, O,        O, L,           L, L, L, L, L, L,           L,        L,
    L, L, L,        L, L,           L, /* @ A.. */
    L, L, L,        L, L,           L, L, L, L, L, L,           O,        O,
    O, O, C_EXTNUM, O, L,           L, L, L, L, L, L,           L,        L,
    L, L, L,        L, L,           L, /* ` a.. */
    L, L, L,        L, L,           L, L, L, L, L, L,           O,        O,
    O, O, O,
#undef O
#undef L
#undef D
};

static int cp_class(uint32_t cp)
{
    if (cp < 0x80) {
        if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z')
            return C_LETTER;
        if (cp >= '0' && cp <= '9')
            return C_DIGIT;
        return cp == '_'                 ? C_EXTNUM
               : cp == '.' || cp == '\'' ? C_MIDNUMLET
               : cp == ':'               ? C_MIDLETTER
               : cp == ',' || cp == ';'  ? C_MIDNUM
                                         : C_OTHER;
    }
    if (cp < 0xa0 || (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xd7 ||
        cp == 0xf7 || cp == 0xfffd || (cp >= 0x2000 && cp <= 0x206f))
        return C_OTHER;
    if (cp < 0xc0)
        return cp == 0xaa || cp == 0xb5 || cp == 0xba ? C_LETTER : C_OTHER;
    return C_LETTER;
}

static bool word(int k)
{
    return k == C_LETTER || k == C_DIGIT || k == C_EXTNUM;
}

/* Code point cp lower-cased (ASCII and Latin-1) as UTF-8 at out; the
   bytes written. */
static size_t lower_utf8(uint32_t cp, char *out)
{
    if ((cp >= 'A' && cp <= 'Z') || (cp >= 0xc0 && cp <= 0xde && cp != 0xd7))
        cp += 0x20;
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

char *des_lower(const char *s)
{
    struct buf b = { 0 };
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), len;
    char u[4];

    for (size_t i = 0; i < n; i += len)
        buf_append(&b, u, lower_utf8(utf8(p + i, n - i, &len), u));
    return buf_steal(&b);
}

static void tok_start(struct des_toks *t)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 32;
        t->off = xrealloc(t->off, t->cap * sizeof(*t->off));
        t->tok = xrealloc(t->tok, t->cap * sizeof(*t->tok));
    }
    t->off[t->n++] = (uint32_t)t->text.len;
}

/* Where the word starting at code point i ends (UAX #29's rules for
   letters, digits and the characters that join them). */
static size_t word_end(const uint8_t *cl, size_t m, size_t i)
{
    size_t j = i + 1;

    while (j < m) {
        int kj = cl[j];

        if (word(kj)) {
            j++;
            continue;
        }
        if (j + 1 < m && word(cl[j + 1])) {
            int prev = cl[j - 1], nxt = cl[j + 1];

            if ((kj == C_MIDNUMLET && prev != C_EXTNUM && nxt != C_EXTNUM) ||
                (kj == C_MIDLETTER && prev == C_LETTER && nxt == C_LETTER) ||
                (kj == C_MIDNUM && prev == C_DIGIT && nxt == C_DIGIT)) {
                j += 2;
                continue;
            }
        }
        break;
    }
    return j;
}

void des_tokenize(struct des_toks *t, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    uint32_t scp[256];
    uint8_t scl[256];
    uint32_t *cp = n <= 256 ? scp : xmalloc(n * sizeof(*cp));
    uint8_t *cl = n <= 256 ? scl : xmalloc(n);
    size_t m = 0, len;
    char w[255 * 4 + 1];

    for (size_t i = 0; i < n; i += len, m++) {
        if (p[i] < 0x80) {
            len = 1;
            cp[m] = p[i];
            cl[m] = ascii_class[p[i]];
        } else {
            cp[m] = utf8(p + i, n - i, &len);
            cl[m] = (uint8_t)cp_class(cp[m]);
        }
    }
    for (size_t i = 0, j; i < m; i = j) {
        if (!word(cl[i])) {
            j = i + 1;
            continue;
        }
        j = word_end(cl, m, i);
        /* max_token_length 255: longer words are split. */
        for (size_t a = i; a < j; a += 255) {
            size_t k = 0;

            for (size_t c = a; c < j && c < a + 255; c++)
                k += lower_utf8(cp[c], w + k);
            w[k++] = '\0';
            tok_start(t);
            buf_append(&t->text, w, k);
        }
    }
    if (cp != scp)
        free(cp);
    if (cl != scl)
        free(cl);
    for (size_t i = 0; i < t->n; i++)
        t->tok[i] = t->text.data + t->off[i];
}

void des_toks_reset(struct des_toks *t)
{
    buf_reset(&t->text);
    t->n = 0;
}

void des_toks_free(struct des_toks *t)
{
    buf_free(&t->text);
    free(t->off);
    free(t->tok);
    memset(t, 0, sizeof(*t));
}

/* --- tokens of message pieces ----------------------------------------------
 */

static void centry_fill(struct des_cache *c, struct centry *e)
{
    size_t bytes;
    char *at;

    des_toks_reset(&c->toks);
    des_tokenize(&c->toks, c->text.data != NULL ? c->text.data : "",
                 c->text.len);
    bytes = c->toks.n * sizeof(char *) + c->toks.text.len + 1;
    e->tok = xmalloc(bytes);
    at = (char *)(e->tok + c->toks.n);
    if (c->toks.text.len > 0)
        memcpy(at, c->toks.text.data, c->toks.text.len);
    for (size_t i = 0; i < c->toks.n; i++)
        e->tok[i] = at + c->toks.off[i];
    e->n = (uint32_t)c->toks.n;
}

static struct des_tokv view(const struct centry *e)
{
    struct des_tokv v = { (const char *const *)e->tok, e->n };

    return v;
}

struct des_tokv des_host_tokens(const struct des_world *w, uint32_t host)
{
    struct des_cache *c = w->cache;
    struct centry *e;

    if (c->host == NULL)
        c->host = xcalloc(w->d->nhosts, sizeof(*c->host));
    e = &c->host[host];
    if (e->tok == NULL) {
        buf_reset(&c->text);
        buf_puts(&c->text, des_host_name(w, host));
        centry_fill(c, e);
    }
    return view(e);
}

/* Time tokens being written into one format's slot. */
struct tw {
    char *text;
    const char **tok;
    size_t n, at;
};

/* A token of digits: a (width digits, 0: as many as it takes), then an
   optional separator and b (width digits). */
static void time_tok(struct tw *w, int a, int wa, char sep, int b, int wb)
{
    char *s = w->text + w->at;
    int n = 0, k;

    for (k = 0; wa == 0 ? (k == 0 || a > 0) : k < wa; k++, a /= 10)
        s[n++] = (char)('0' + a % 10);
    for (int i = 0; i < n / 2; i++) {
        char c = s[i];

        s[i] = s[n - 1 - i];
        s[n - 1 - i] = c;
    }
    if (sep != 0) {
        s[n++] = sep;
        for (k = wb - 1; k >= 0; k--, b /= 10)
            s[n + k] = (char)('0' + b % 10);
        n += wb;
    }
    s[n++] = '\0';
    w->tok[w->n++] = s;
    w->at += (size_t)n;
}

static void word_tok(struct tw *w, const char *word)
{
    size_t len = strlen(word) + 1;

    memcpy(w->text + w->at, word, len);
    w->tok[w->n++] = w->text + w->at;
    w->at += len;
}

/* The tokens of time_text(fmt, minute) up to the minute's. */
static void minute_tokens(int fmt, int64_t minute, struct tw *w)
{
    int64_t day = des_floordiv(minute, 1440), rem = minute - day * 1440;
    int y, mo, d, h = (int)(rem / 60), mi = (int)(rem % 60);
    char mon[4];

    des_civil(day, &y, &mo, &d);
    for (int i = 0; i < 3; i++)
        mon[i] = (char)(des_months[mo - 1][i] | 0x20);
    mon[3] = '\0';
    switch (fmt) {
    case T_NGX_ACCESS:
    case T_REDIS:
    case T_HAP:
        time_tok(w, d, 2, 0, 0, 0);
        word_tok(w, mon);
        time_tok(w, y, 4, 0, 0, 0);
        break;
    case T_SYSLOG:
        word_tok(w, mon);
        time_tok(w, d, 0, 0, 0, 0);
        break;
    case T_ES:
        time_tok(w, y, 4, 0, 0, 0);
        time_tok(w, mo, 2, 0, 0, 0);
        time_tok(w, d, 2, 't', h, 2);
        break;
    default:
        time_tok(w, y, 4, 0, 0, 0);
        time_tok(w, mo, 2, 0, 0, 0);
        time_tok(w, d, 2, 0, 0, 0);
        break;
    }
    if (fmt != T_ES)
        time_tok(w, h, 2, 0, 0, 0);
    time_tok(w, mi, 2, 0, 0, 0);
}

/* The tokens the analyzer finds in time_text(fmt, ms), written directly. */
static struct des_tokv time_tokens(int fmt, int64_t ms, struct des_ttoks *t)
{
    int64_t minute = des_floordiv(ms, 60000);
    int s = (int)(ms / 1000 - minute * 60), f = (int)(ms % 1000);
    struct tw w = { t->f[fmt].text, t->f[fmt].tok, 0, 0 };
    struct des_tokv v;

    if (t->f[fmt].minute != minute + 1) {
        minute_tokens(fmt, minute, &w);
        t->f[fmt].minute = minute + 1;
        t->f[fmt].n = w.n;
        t->f[fmt].at = w.at;
    }
    w.n = t->f[fmt].n;
    w.at = t->f[fmt].at;
    {
        /* The second's token, written straight: "19", "19,066", "19.066". */
        char *o = w.text + w.at,
             sep = fmt == T_JAVA || fmt == T_ES                    ? ','
                   : fmt == T_PG || fmt == T_REDIS || fmt == T_HAP ? '.'
                                                                   : 0;
        size_t k = 0;

        o[k++] = (char)('0' + s / 10);
        o[k++] = (char)('0' + s % 10);
        if (sep != 0) {
            o[k++] = sep;
            o[k++] = (char)('0' + f / 100);
            o[k++] = (char)('0' + f / 10 % 10);
            o[k++] = (char)('0' + f % 10);
        }
        o[k++] = '\0';
        w.tok[w.n++] = o;
        w.at += k;
    }
    if (fmt == T_PG)
        word_tok(&w, "utc");
    else if (fmt == T_NGX_ACCESS)
        word_tok(&w, "0000");
    v.tok = t->f[fmt].tok;
    v.n = w.n;
    return v;
}

struct des_tokv des_pool_tokens(const struct des_world *w, int pool,
                                unsigned idx)
{
    struct des_cache *c = w->cache;
    struct centry *e;

    if (c->pool[pool] == NULL)
        c->pool[pool] = xcalloc(des_pool_sizes[pool], sizeof(struct centry));
    e = &c->pool[pool][idx];
    if (e->tok == NULL) {
        buf_reset(&c->text);
        des_pool_text(w, pool, idx, &c->text);
        centry_fill(c, e);
    }
    return view(e);
}

int des_doc_class(const struct des_world *w, const struct des_doc *doc)
{
    if (doc->inc != 0)
        return 32 + (doc->inc - 1) * 2 + (doc->level == DES_ERROR);
    if (doc->hostile)
        return 24;
    return w->d->host[doc->host].role * 4 + doc->level;
}

size_t des_class_pieces(int cls, struct des_piece_range *out, bool *host)
{
    size_t n = 0;
    int lv = cls % 4;

#define ADD(p, a, b) (out[n].pool = (p), out[n].from = (a), out[n++].to = (b))
#define ALL(p)       ADD(p, 0, des_pool_sizes[p])
    *host = false;
    if (cls >= 32) {
        unsigned base = (unsigned)(cls - 32) * INC_VARIANTS;

        ADD(P_INC, base, base + INC_VARIANTS);
        *host = true;
        return n;
    }
    if (cls == 24) {
        ALL(P_HOSTILE);
        return n;
    }
    switch (cls / 4) {
    case DEMO_ROLE_WEB:
        ALL(P_CLIENT);
        ALL(P_REQ + lv);
        ALL(P_UA);
        if (lv >= DES_WARN)
            ALL(P_NGXERR + lv - DES_WARN);
        break;
    case DEMO_ROLE_APP:
        ALL(P_JAVA + lv);
        if (lv == DES_ERROR)
            ALL(P_STACK);
        break;
    case DEMO_ROLE_DB:
        ALL(P_PG + lv);
        break;
    case DEMO_ROLE_ES:
        ALL(P_ESHEAD + lv);
        ALL(P_ESBODY + lv);
        *host = true;
        break;
    case DEMO_ROLE_CACHE:
        ALL(P_REDIS_PID);
        ALL(P_REDIS + lv);
        break;
    default:
        ALL(P_HAP_CLIENT);
        ALL(P_HAP + lv);
        break;
    }
#undef ALL
#undef ADD
    return n;
}

struct des_tokv des_piece_tokens(const struct des_world *w,
                                 const struct des_doc *doc,
                                 const struct des_seg *s,
                                 struct des_ttoks *scratch)
{
    if (s->kind == DES_SEG_TIME)
        return time_tokens(s->arg, doc->ms, scratch);
    if (s->kind == DES_SEG_HOST)
        return des_host_tokens(w, doc->host);
    return des_pool_tokens(w, s->arg, s->idx);
}

void des_cache_free(struct des_cache *c, size_t nhosts)
{
    if (c == NULL)
        return;
    for (int p = 0; p < P_COUNT; p++) {
        for (size_t i = 0; c->pool[p] != NULL && i < des_pool_sizes[p]; i++)
            free(c->pool[p][i].tok);
        free(c->pool[p]);
    }
    for (size_t i = 0; c->host != NULL && i < nhosts; i++)
        free(c->host[i].tok);
    free(c->host);
    des_toks_free(&c->toks);
    buf_free(&c->text);
    free(c);
}
