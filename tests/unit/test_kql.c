/* Unit tests for the KQL to query DSL translator (backend/kql.c). */
#include <check.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/es.h"

/* The DSL shapes Kibana writes, composed like the §7.3 table's rows. */
#define SHOULD(items)                                                          \
    "{\"bool\":{\"should\":[" items "],\"minimum_should_match\":1}}"
#define FILTER(items) "{\"bool\":{\"filter\":[" items "]}}"
#define NOT(x)        "{\"bool\":{\"must_not\":" x "}}"
#define MATCHJ(f, j)  SHOULD("{\"match\":{\"" f "\":" j "}}")
#define MATCH(f, v)   MATCHJ(f, "\"" v "\"")
#define PHRASE(f, v)  SHOULD("{\"match_phrase\":{\"" f "\":\"" v "\"}}")
#define EXISTS(f)     SHOULD("{\"exists\":{\"field\":\"" f "\"}}")
#define QS(f, q)                                                               \
    SHOULD("{\"query_string\":{\"fields\":[\"" f "\"],\"query\":\"" q "\"}}")
#define QS_ANY(q)       "{\"query_string\":{\"query\":\"" q "\"}}"
#define RANGE(f, op, v) SHOULD("{\"range\":{\"" f "\":{\"" op "\":\"" v "\"}}}")
#define MMJ(j)                                                                 \
    "{\"multi_match\":{\"type\":\"best_fields\",\"query\":" j                  \
    ",\"lenient\":true}}"
#define MM(v) MMJ("\"" v "\"")
#define MMP(v)                                                                 \
    "{\"multi_match\":{\"type\":\"phrase\",\"query\":\"" v                     \
    "\",\"lenient\":true}}"
#define MATCH_ALL "{\"match_all\":{}}"

struct row {
    const char *kql;
    const char *dsl;
};

/* The §7.3 table, its DSL copied as written there. */
static const struct row table_rows[] = {
    { "response:200", "{\"bool\":{\"should\":[{\"match\":{\"response\":"
                      "\"200\"}}],\"minimum_should_match\":1}}" },
    { "message:\"connection refused\"",
      "{\"bool\":{\"should\":[{\"match_phrase\":{\"message\":\"connection "
      "refused\"}}],\"minimum_should_match\":1}}" },
    { "error", "{\"multi_match\":{\"type\":\"best_fields\",\"query\":"
               "\"error\",\"lenient\":true}}" },
    { "\"out of memory\"", "{\"multi_match\":{\"type\":\"phrase\",\"query\":"
                           "\"out of memory\",\"lenient\":true}}" },
    { "host.name:web*",
      "{\"bool\":{\"should\":[{\"query_string\":{\"fields\":[\"host.name\"],"
      "\"query\":\"web*\"}}],\"minimum_should_match\":1}}" },
    { "user.id:*", "{\"bool\":{\"should\":[{\"exists\":{\"field\":"
                   "\"user.id\"}}],\"minimum_should_match\":1}}" },
    { "bytes >= 1000", "{\"bool\":{\"should\":[{\"range\":{\"bytes\":{"
                       "\"gte\":\"1000\"}}}],\"minimum_should_match\":1}}" },
    { "@timestamp < now-1d",
      "{\"bool\":{\"should\":[{\"range\":{\"@timestamp\":{\"lt\":"
      "\"now-1d\"}}}],\"minimum_should_match\":1}}" },
    { "a:1 and b:2",
      "{\"bool\":{\"filter\":[" MATCH("a", "1") "," MATCH("b", "2") "]}}" },
    { "a:1 or b:2", "{\"bool\":{\"should\":[" MATCH("a", "1") "," MATCH(
                        "b", "2") "],\"minimum_should_match\":1}}" },
    { "not level:debug",
      "{\"bool\":{\"must_not\":" MATCH("level", "debug") "}}" },
    { "status:(500 or 503)",
      "{\"bool\":{\"should\":[" MATCH("status", "500") "," MATCH(
          "status", "503") "],\"minimum_should_match\":1}}" },
    { "level:error and (svc:api or svc:web) and not msg:\"health check\"",
      FILTER(MATCH("level", "error") "," SHOULD(MATCH("svc", "api") "," MATCH(
          "svc", "web")) "," NOT(PHRASE("msg", "health check"))) },
    { "", MATCH_ALL },
    { "*", MATCH_ALL },
};

static const struct row precedence_rows[] = {
    { "a or b and c", SHOULD(MM("a") "," FILTER(MM("b") "," MM("c"))) },
    { "a and b or c", SHOULD(FILTER(MM("a") "," MM("b")) "," MM("c")) },
    { "(a or b) and c", FILTER(SHOULD(MM("a") "," MM("b")) "," MM("c")) },
    { "a or b or c", SHOULD(MM("a") "," MM("b") "," MM("c")) },
    { "a and b and c", FILTER(MM("a") "," MM("b") "," MM("c")) },
    { "a AND b Or c", SHOULD(FILTER(MM("a") "," MM("b")) "," MM("c")) },
    { "a  \t and\n\nb", FILTER(MM("a") "," MM("b")) },
    { "not a and b", FILTER(NOT(MM("a")) "," MM("b")) },
    { "not a or b", SHOULD(NOT(MM("a")) "," MM("b")) },
    { "NOT x", NOT(MM("x")) },
    { "not (a or b)", NOT(SHOULD(MM("a") "," MM("b"))) },
    { "a and not (b or not c)",
      FILTER(MM("a") "," NOT(SHOULD(MM("b") "," NOT(MM("c"))))) },
    { "((a))", MM("a") },
    { " ( a:1 ) ", MATCH("a", "1") },
    { "not a:1 and b:2 or c:3", SHOULD(FILTER(NOT(MATCH("a", "1")) "," MATCH(
                                    "b", "2")) "," MATCH("c", "3")) },
    /* Keywords need whitespace on both sides ("not": after it). */
    { "orange or orchid", SHOULD(MM("orange") "," MM("orchid")) },
    { "a and", MM("a and") },
    { "and b", MM("and b") },
    { "a or or b", SHOULD(MM("a") "," MM("or b")) },
    { "nothing", MM("nothing") },
    { "not", MM("not") },
    { "a\xc2\xa0or\xc2\xa0"
      "b",
      SHOULD(MM("a") "," MM("b")) },
};

static const struct row value_rows[] = {
    { "f:(a and b)", FILTER(MATCH("f", "a") "," MATCH("f", "b")) },
    { "f:(a or b and not c)", SHOULD(MATCH("f", "a") "," FILTER(
                                  MATCH("f", "b") "," NOT(MATCH("f", "c")))) },
    { "f:(not a)", NOT(MATCH("f", "a")) },
    { "f:(not (a or b))", NOT(SHOULD(MATCH("f", "a") "," MATCH("f", "b"))) },
    { "f:((a or b) and c)",
      FILTER(SHOULD(MATCH("f", "a") "," MATCH("f", "b")) "," MATCH("f", "c")) },
    { "f:(\"x y\" or z*)", SHOULD(PHRASE("f", "x y") "," QS("f", "z*")) },
    { "f:(a or *)", SHOULD(MATCH("f", "a") "," EXISTS("f")) },
    { "f : ( a or b )", SHOULD(MATCH("f", "a") "," MATCH("f", "b")) },
    { "f:(quick brown or lazy dog)",
      SHOULD(MATCH("f", "quick brown") "," MATCH("f", "lazy dog")) },
    { "x:1 and f:(a or b)",
      FILTER(MATCH("x", "1") "," SHOULD(MATCH("f", "a") "," MATCH("f", "b"))) },
};

static const struct row literal_rows[] = {
    { "quick brown fox", MM("quick brown fox") },
    { "message:quick brown fox", MATCH("message", "quick brown fox") },
    { "  padded   ", MM("padded") },
    { "\xc2\xa0nbsp\xc2\xa0", MM("nbsp") },
    { "cannot connect", MM("cannot connect") },
    { "msg:cannot connect", MATCH("msg", "cannot connect") },
    { "\"my field\":x", MATCH("my field", "x") },
    { "\"f\"  :  \"v\"", PHRASE("f", "v") },
    { "f:\"\"", PHRASE("f", "") },
    { "\"  spaced  \"", MMP("  spaced  ") },
    { "\"and or not\"", MMP("and or not") },
    { "f:\"a*b\"", PHRASE("f", "a*b") },
    { "f:true", MATCHJ("f", "true") },
    { "f:false", MATCHJ("f", "false") },
    { "f:\"true\"", PHRASE("f", "true") },
    { "f:TRUE", MATCH("f", "TRUE") },
    { "f:null", MATCH("f", "null") },
    { "true", MMJ("true") },
    { "f:-1.5e3", MATCH("f", "-1.5e3") },
    { "f:007", MATCH("f", "007") },
};

static const struct row escape_rows[] = {
    { "f:a\\:b", MATCH("f", "a:b") },
    { "f:\\(x\\)", MATCH("f", "(x)") },
    { "f:a\\\\b", MATCH("f", "a\\\\b") },
    { "f:\\\"q\\\"", MATCH("f", "\\\"q\\\"") },
    { "f:\\<\\>\\{\\}", MATCH("f", "<>{}") },
    { "f:a\\*", MATCH("f", "a*") },
    { "f:\\*", MATCH("f", "*") },
    { "f:\\and", MATCH("f", "and") },
    { "x\\or y", MM("xor y") },
    { "\\not", MM("not") },
    { "\\NOT x", MM("NOT x") },
    { "f:\\Or", MATCH("f", "Or") },
    { "a \\and b", MM("a and b") },
    { "f:a\\tb", MATCH("f", "a\\tb") },
    { "f:a\\rb", MATCH("f", "a\\rb") },
    { "f:a\\nb", MATCH("f", "a\\nb") },
    { "f:a\\t", MATCH("f", "a") },
    { "f:caf\\u00e9", MATCH("f", "caf\xc3\xa9") },
    { "f:CAF\\u00C9", MATCH("f", "CAF\xc3\x89") },
    { "f:caf\xc3\xa9", MATCH("f", "caf\xc3\xa9") },
    { "f:\\ud83d\\ude00", MATCH("f", "\xf0\x9f\x98\x80") },
    { "f:\\u2603x", MATCH("f", "\xe2\x98\x83x") },
    { "f:x\\u3000", MATCH("f", "x") },
    { "f:\\u0041\\u002a", MATCH("f", "A*") },
    { "\"a \\\"b\\\" c\"", MMP("a \\\"b\\\" c") },
    { "msg:\"C:\\path\"", PHRASE("msg", "C:\\\\path") },
    { "msg:\"a\\\\b\"", PHRASE("msg", "a\\\\b") },
    { "msg:\"tab\\there\"", PHRASE("msg", "tab\\there") },
    { "\"x\\u0041\"", MMP("xA") },
    { "\"\\u12\"", MMP("\\\\u12") },
    { "\"\\not\"", MMP("\\not") },
};

static const struct row wildcard_rows[] = {
    { "web*", QS_ANY("web*") },
    { "*err*", QS_ANY("*err*") },
    { "f:**", QS("f", "**") },
    { "f: * ", EXISTS("f") },
    { "f:\"*\"", PHRASE("f", "*") },
    { "*:*", MATCH_ALL },
    { "  *  ", MATCH_ALL },
    { "(*)", MATCH_ALL },
    { "path:/var/log/*.log", QS("path", "\\\\/var\\\\/log\\\\/*.log") },
    { "f:+-=&|!?[]^~/*", QS("f", "\\\\+\\\\-\\\\=\\\\&\\\\|\\\\!\\\\?\\\\["
                                 "\\\\]\\\\^\\\\~\\\\/*") },
    { "f:a b*", QS("f", "a b*") },
    { "f:caf\xc3\xa9*", QS("f", "caf\xc3\xa9*") },
    { "f:x\\*y*", QS("f", "x\\\\*y*") },
    { "host*:web", MATCH("host*", "web") },
};

static const struct row range_rows[] = {
    { "bytes > 10", RANGE("bytes", "gt", "10") },
    { "bytes >= 10", RANGE("bytes", "gte", "10") },
    { "bytes < 10", RANGE("bytes", "lt", "10") },
    { "bytes <= 10", RANGE("bytes", "lte", "10") },
    { "bytes>10", RANGE("bytes", "gt", "10") },
    { "bytes<=10", RANGE("bytes", "lte", "10") },
    { "@timestamp >= now-15m/m", RANGE("@timestamp", "gte", "now-15m/m") },
    { "@timestamp > now-1d/d", RANGE("@timestamp", "gt", "now-1d/d") },
    { "@timestamp <= 2024-01-01||+1M/d",
      RANGE("@timestamp", "lte", "2024-01-01||+1M/d") },
    { "@timestamp < \"2024-01-01T00:00:00Z\"",
      RANGE("@timestamp", "lt", "2024-01-01T00:00:00Z") },
    { "bytes > 10 and bytes <= 20",
      FILTER(RANGE("bytes", "gt", "10") "," RANGE("bytes", "lte", "20")) },
    { "not bytes > 10", NOT(RANGE("bytes", "gt", "10")) },
    { "\"my field\" > 5", RANGE("my field", "gt", "5") },
    { "n > -1.5", RANGE("n", "gt", "-1.5") },
    { "v > a*", RANGE("v", "gt", "a*") },
};

static void check_rows(const struct row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct mc_err e = { 0 };
        char *dsl = kql_to_dsl(rows[i].kql, &e);

        ck_assert_msg(dsl != NULL, "[%s]: %s", rows[i].kql, e.msg);
        ck_assert_msg(strcmp(dsl, rows[i].dsl) == 0, "[%s]\n got %s\nwant %s",
                      rows[i].kql, dsl, rows[i].dsl);
        free(dsl);
    }
}

#define CHECK_ROWS(rows) check_rows(rows, sizeof rows / sizeof rows[0])

START_TEST(test_kql_table)
{
    struct mc_err e = { 0 };
    char *dsl;

    CHECK_ROWS(table_rows);
    /* The composing macros write the table's rows exactly. */
    ck_assert_str_eq(MATCH("response", "200"), table_rows[0].dsl);
    ck_assert_str_eq(PHRASE("message", "connection refused"),
                     table_rows[1].dsl);
    ck_assert_str_eq(MM("error"), table_rows[2].dsl);
    ck_assert_str_eq(MMP("out of memory"), table_rows[3].dsl);
    ck_assert_str_eq(QS("host.name", "web*"), table_rows[4].dsl);
    ck_assert_str_eq(EXISTS("user.id"), table_rows[5].dsl);
    ck_assert_str_eq(RANGE("bytes", "gte", "1000"), table_rows[6].dsl);
    ck_assert_str_eq(RANGE("@timestamp", "lt", "now-1d"), table_rows[7].dsl);
    /* NULL and blank text are empty queries too. */
    dsl = kql_to_dsl(NULL, &e);
    ck_assert_str_eq(dsl, MATCH_ALL);
    free(dsl);
    dsl = kql_to_dsl(" \t\r\n", &e);
    ck_assert_str_eq(dsl, MATCH_ALL);
    free(dsl);
}
END_TEST

START_TEST(test_kql_precedence)
{
    CHECK_ROWS(precedence_rows);
}
END_TEST

START_TEST(test_kql_value_groups)
{
    CHECK_ROWS(value_rows);
}
END_TEST

START_TEST(test_kql_literals)
{
    CHECK_ROWS(literal_rows);
}
END_TEST

START_TEST(test_kql_escapes)
{
    CHECK_ROWS(escape_rows);
}
END_TEST

START_TEST(test_kql_wildcards)
{
    CHECK_ROWS(wildcard_rows);
}
END_TEST

/* The query_string of f:<kql> decodes to want (one JSON level less). */
static void check_qs(const char *kql, const char *want)
{
    struct mc_err e = { 0 };
    char *dsl = kql_to_dsl(kql, &e);
    cJSON *root, *q;

    ck_assert_msg(dsl != NULL, "[%s]: %s", kql, e.msg);
    root = cJSON_Parse(dsl);
    q = cJSON_GetArrayItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(root, "bool"), "should"), 0);
    q = cJSON_GetObjectItem(cJSON_GetObjectItem(q, "query_string"), "query");
    ck_assert_msg(cJSON_IsString(q), "[%s]: %s", kql, dsl);
    ck_assert_str_eq(q->valuestring, want);
    cJSON_Delete(root);
    free(dsl);
}

START_TEST(test_kql_wildcard_escaping)
{
    /* Every reserved character, escaped, except the wildcard itself. */
    check_qs("f:+-=&|!?[]^~/*", "\\+\\-\\=\\&\\|\\!\\?\\[\\]\\^\\~\\/*");
    /* KQL escapes decode first; then query_string escaping applies. */
    check_qs("f:\\(\\)\\{\\}\\\"\\:\\<\\>\\\\\\**",
             "\\(\\)\\{\\}\\\"\\:\\<\\>\\\\\\**");
    check_qs("f:*a.b@c#d%e,f;g'h*", "*a.b@c#d%e,f;g'h*");
    check_qs("f:\\u003f*", "\\?*");
}
END_TEST

START_TEST(test_kql_ranges)
{
    CHECK_ROWS(range_rows);
}
END_TEST

struct err_row {
    const char *kql;
    const char *msg;
};

static const struct err_row err_rows[] = {
    { "(a or b", "KQL: column 8: missing ')' for the '(' at column 1" },
    { "((a)", "KQL: column 5: missing ')' for the '(' at column 1" },
    { "a or b)", "KQL: column 7: unexpected ')' without a '('" },
    { "()", "KQL: column 2: expected a query after '(', found ')'" },
    { ")", "KQL: column 1: expected a query, found ')'" },
    { "a and ", "KQL: column 7: expected a query after 'and'" },
    { "a or  ", "KQL: column 7: expected a query after 'or'" },
    { "a and )", "KQL: column 7: expected a query after 'and', found ')'" },
    { "(a or )", "KQL: column 7: expected a query after 'or', found ')'" },
    { "not ", "KQL: column 5: expected a query after 'not'" },
    { "not not a", "KQL: column 5: expected a query after 'not', found 'not'" },
    { "level:", "KQL: column 7: expected a value after ':'" },
    { "level:   ", "KQL: column 10: expected a value after ':'" },
    { "level:)", "KQL: column 7: expected a value after ':', found ')'" },
    { "f:not a", "KQL: column 3: expected a value after ':', found 'not'" },
    { "f:(a or )", "KQL: column 9: expected a value after 'or', found ')'" },
    { "f:(not )", "KQL: column 8: expected a value after 'not', found ')'" },
    { "f:(a", "KQL: column 5: missing ')' for the '(' at column 3" },
    { "f:(a b:c)", "KQL: column 7: expected 'and', 'or' or the ')' for the "
                   "'(' at column 3, found ':'" },
    { "bytes >", "KQL: column 8: expected a value after '>'" },
    { "bytes >= )", "KQL: column 10: expected a value after '>=', found ')'" },
    { "f:a\\x", "KQL: column 4: invalid escape '\\x' (escape only "
                "\\():<>\"*{} and and/or/not)" },
    { "f:\\u12", "KQL: column 3: '\\u' needs four hex digits" },
    { "f:\\u12g4", "KQL: column 3: '\\u' needs four hex digits" },
    { "a\\", "KQL: column 2: a '\\' at the end escapes nothing" },
    { "a\\\x01", "KQL: column 2: invalid escape after '\\'" },
    { "items:{ name:banana }",
      "KQL: column 7: nested field queries ({}) are not supported" },
    { "items : {x}",
      "KQL: column 9: nested field queries ({}) are not supported" },
    { "a and items:{x}",
      "KQL: column 13: nested field queries ({}) are not supported" },
    { "msg:\"abc", "KQL: column 5: this '\"' is never closed" },
    { "\"a\\\"", "KQL: column 1: this '\"' is never closed" },
    { "\\ud83d", "KQL: column 1: '\\uD83D' must be followed by the second "
                 "half of its UTF-16 surrogate pair (\\uDC00 to \\uDFFF)" },
    { "\"\\ud83dx\"", "KQL: column 2: '\\uD83D' must be followed by the "
                      "second half of its UTF-16 surrogate pair (\\uDC00 "
                      "to \\uDFFF)" },
    { "x\\ude00", "KQL: column 2: '\\uDE00' is the second half of a UTF-16 "
                  "surrogate pair without its first" },
    { "\\u0000", "KQL: column 1: '\\u0000' (NUL) cannot be searched for" },
    { "a\xff", "KQL: column 2: invalid UTF-8" },
    { "\xc3\xa9\xc3", "KQL: column 2: invalid UTF-8" },
    { "\xed\xa0\x80", "KQL: column 1: invalid UTF-8" },
    { "caf\xc3\xa9:(x", "KQL: column 8: missing ')' for the '(' at column 6" },
    { "a:b:c", "KQL: column 4: expected 'and', 'or' or the end of the query, "
               "found ':'" },
    { "@timestamp > 2024-01-01T00:00:00Z",
      "KQL: column 27: expected 'and', 'or' or the end of the query, "
      "found ':'" },
    { "NOT(x)", "KQL: column 4: expected 'and', 'or' or the end of the "
                "query, found '('" },
    { "a not b", "KQL: column 3: expected 'and', 'or' or the end of the "
                 "query, found 'not'" },
    { "\"a\"\x01", "KQL: column 4: expected 'and', 'or' or the end of the "
                   "query, found U+0001" },
    { "\"a\"\xc3\xa9", "KQL: column 4: expected 'and', 'or' or the end of "
                       "the query, found '\xc3\xa9'" },
    { "{", "KQL: column 1: expected a query, found '{'" },
    { "a}", "KQL: column 2: expected 'and', 'or' or the end of the query, "
            "found '}'" },
};

START_TEST(test_kql_errors)
{
    for (size_t i = 0; i < sizeof err_rows / sizeof err_rows[0]; i++) {
        struct mc_err e = { 0 };
        char *dsl = kql_to_dsl(err_rows[i].kql, &e);

        ck_assert_msg(dsl == NULL, "[%s] gave %s", err_rows[i].kql, dsl);
        ck_assert_msg(strcmp(e.msg, err_rows[i].msg) == 0,
                      "[%s]\n got %s\nwant %s", err_rows[i].kql, e.msg,
                      err_rows[i].msg);
    }
    /* A NULL err is allowed. */
    ck_assert_ptr_null(kql_to_dsl("(", NULL));
}
END_TEST

/* prefix, n opening parentheses, "a", n closing ones. */
static char *nested(const char *prefix, size_t n)
{
    size_t p = strlen(prefix);
    char *s = malloc(p + 2 * n + 2);

    ck_assert_ptr_nonnull(s);
    memcpy(s, prefix, p);
    memset(s + p, '(', n);
    s[p + n] = 'a';
    memset(s + p + n + 1, ')', n);
    s[p + 2 * n + 1] = '\0';
    return s;
}

START_TEST(test_kql_depth)
{
    struct mc_err e = { 0 };
    char *q = nested("", 64), *dsl = kql_to_dsl(q, &e);

    ck_assert_str_eq(dsl, MM("a"));
    free(dsl);
    free(q);
    q = nested("", 65);
    ck_assert_ptr_null(kql_to_dsl(q, &e));
    ck_assert_str_eq(e.msg, "KQL: column 65: more than 64 nested '('");
    free(q);
    q = nested("", 100000);
    ck_assert_ptr_null(kql_to_dsl(q, &e));
    free(q);
    /* field:( nests the same way. */
    q = nested("f:", 64);
    dsl = kql_to_dsl(q, &e);
    ck_assert_str_eq(dsl, MATCH("f", "a"));
    free(dsl);
    free(q);
    q = nested("f:", 65);
    ck_assert_ptr_null(kql_to_dsl(q, &e));
    ck_assert_str_eq(e.msg, "KQL: column 67: more than 64 nested '('");
    free(q);
}
END_TEST

/* The contract on any input: JSON, or NULL with a KQL error whose column
 * lies inside the query (or just past its end). */
static void check_any(const char *q)
{
    struct mc_err e = { 0 };
    char *dsl = kql_to_dsl(q, &e);
    unsigned long col = 0;
    int used = 0;

    if (dsl != NULL) {
        cJSON *root = cJSON_Parse(dsl);

        ck_assert_msg(cJSON_IsObject(root), "[%s] gave %s", q, dsl);
        cJSON_Delete(root);
        free(dsl);
        return;
    }
    ck_assert_msg(sscanf(e.msg, "KQL: column %lu: %n", &col, &used) == 1 &&
                      used > 0 && e.msg[used] != '\0',
                  "[%s]: bad error %s", q, e.msg);
    ck_assert_msg(col >= 1 && col <= strlen(q) + 1, "[%s]: column in %s", q,
                  e.msg);
}

static const char *const valid_queries[] = {
    "response:200",
    "message:\"connection refused\"",
    "level:error and (svc:api or svc:web) and not msg:\"health check\"",
    "f:(a or b and not c)",
    "@timestamp < now-1d and bytes >= 1000",
    "path:/var/log/*.log or host.name:web*",
    "f:caf\\u00e9 and \"x\\ud83d\\ude00\" and g:\\(\\)\\*",
    "not (a:1 or b:(x or \"y z\")) and c:* and d > \"2024-01-01T00:00:00Z\"",
    "caf\xc3\xa9\xc2\xa0or\xc2\xa0th\xc3\xa9",
};

START_TEST(test_kql_fuzz_prefixes)
{
    for (size_t i = 0; i < sizeof valid_queries / sizeof valid_queries[0];
         i++) {
        size_t n = strlen(valid_queries[i]);
        char *s = malloc(n + 1);

        ck_assert_ptr_nonnull(s);
        for (size_t len = 0; len <= n; len++) {
            memcpy(s, valid_queries[i], len);
            s[len] = '\0';
            check_any(s);
            /* And every suffix. */
            check_any(valid_queries[i] + len);
        }
        free(s);
    }
}
END_TEST

START_TEST(test_kql_fuzz_random)
{
    static const char *const pieces[] = {
        "a",    "b",    ":",    "(",    ")",    "\"",   "\\",  "*",
        "<",    ">",    "=",    "{",    "}",    " ",    "\t",  " and ",
        " or ", "not ", "AND",  "\\u",  "00e9", "d83d", "\\n", "\xc2\xa0",
        "\xc3", "\xa9", "\xff", "\x01", "1",    "-",    "/",   "@",
    };
    unsigned long seed = 12345;
    char s[96];

    for (int iter = 0; iter < 20000; iter++) {
        size_t len = 0, parts;

        seed = seed * 6364136223846793005ul + 1442695040888963407ul;
        parts = (seed >> 33) % 24;
        for (size_t j = 0; j < parts; j++) {
            size_t pick;
            const char *p;

            seed = seed * 6364136223846793005ul + 1442695040888963407ul;
            pick = (size_t)(seed >> 33);
            if (pick % 5 == 0) {
                if (len + 1 >= sizeof s)
                    break;
                s[len++] = (char)(1 + (pick >> 8) % 255);
                continue;
            }
            p = pieces[pick % (sizeof pieces / sizeof pieces[0])];
            if (len + strlen(p) >= sizeof s)
                break;
            memcpy(s + len, p, strlen(p));
            len += strlen(p);
        }
        s[len] = '\0';
        check_any(s);
    }
}
END_TEST

Suite *kql_suite(void)
{
    Suite *s = suite_create("kql");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_kql_table);
    tcase_add_test(tc, test_kql_precedence);
    tcase_add_test(tc, test_kql_value_groups);
    tcase_add_test(tc, test_kql_literals);
    tcase_add_test(tc, test_kql_escapes);
    tcase_add_test(tc, test_kql_wildcards);
    tcase_add_test(tc, test_kql_wildcard_escaping);
    tcase_add_test(tc, test_kql_ranges);
    tcase_add_test(tc, test_kql_errors);
    tcase_add_test(tc, test_kql_depth);
    suite_add_tcase(s, tc);
    /* Cheap, but slow under ASan and valgrind on a busy machine. */
    tc = tcase_create("fuzz");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_kql_fuzz_prefixes);
    tcase_add_test(tc, test_kql_fuzz_random);
    suite_add_tcase(s, tc);
    return s;
}
