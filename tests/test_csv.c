/*
 * test_csv.c - unit tests of the bounded CSV reader (src/lib/core/csv.c): quoting,
 * line numbers, comments, BOM, CRLF, and every malformed-input error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"

static void open_ok(sr__csv *c, const char *s)
{
    int r = sr__csv_open_buf(c, s, strlen(s), "t.csv");
    if (r != 0)
        fail_msg("open failed: %s", c->err);
}

static void basic(void **st)
{
    (void)st;
    sr__csv c;
    open_ok(&c, "\xEF\xBB\xBF" "a,b,c\r\n# comment\n\n1, two ,\"x,\"\"y\"\"\"\r\n4,5\n");
    assert_int_equal(c.nh, 3);
    assert_int_equal(sr__csv_col(&c, "b"), 1);
    assert_int_equal(sr__csv_col(&c, "zz"), -1);
    assert_int_equal(sr__csv_next(&c), 1);
    assert_int_equal(c.line, 4);
    assert_string_equal(sr__csv_get(&c, 0), "1");
    assert_string_equal(sr__csv_get(&c, 1), "two");
    assert_string_equal(sr__csv_get(&c, 2), "x,\"y\"");
    assert_int_equal(sr__csv_next(&c), 1);
    assert_int_equal(c.line, 5);
    assert_string_equal(sr__csv_get(&c, 2), ""); /* short record */
    assert_string_equal(sr__csv_get(&c, -1), "");
    assert_int_equal(sr__csv_next(&c), 0);
    sr__csv_close(&c);
}

static void multiline_field_counts_lines(void **st)
{
    (void)st;
    sr__csv c;
    open_ok(&c, "a,b\n\"line1\nline2\",x\ny,z\n");
    assert_int_equal(sr__csv_next(&c), 1);
    assert_int_equal(c.line, 2);
    assert_string_equal(sr__csv_get(&c, 0), "line1\nline2");
    assert_int_equal(sr__csv_next(&c), 1);
    assert_int_equal(c.line, 4);
    assert_string_equal(sr__csv_get(&c, 0), "y");
    sr__csv_close(&c);
}

static void no_trailing_newline(void **st)
{
    (void)st;
    sr__csv c;
    open_ok(&c, "a\nlast");
    assert_int_equal(sr__csv_next(&c), 1);
    assert_string_equal(sr__csv_get(&c, 0), "last");
    assert_int_equal(sr__csv_next(&c), 0);
    sr__csv_close(&c);
}

static void expect_error(const char *text, const char *needle)
{
    sr__csv c;
    int r = sr__csv_open_buf(&c, text, strlen(text), "t.csv");
    while (r == 0 && (r = sr__csv_next(&c)) > 0)
        r = 0;
    assert_int_equal(r, -1);
    if (!strstr(c.err, needle))
        fail_msg("error '%s' does not contain '%s'", c.err, needle);
    sr__csv_close(&c);
}

static void errors(void **st)
{
    (void)st;
    expect_error("", "empty file");
    expect_error("a,b\n1,\"open\n", "t.csv:2: field 2: unterminated quoted field");
    expect_error("a,b\n1,\"x\"y\n", "t.csv:2: field 2: text after closing quote");
    expect_error("a,b\n1,x\"y\n", "t.csv:2: field 2: quote inside an unquoted field");
    expect_error("a,a\n", "column 'a' appears twice");
    expect_error("a,b\nok,bad\xff\n", "t.csv:2: field 2: invalid UTF-8");
    expect_error("a\n\xc0\xaf\n", "invalid UTF-8");         /* overlong '/' */
    expect_error("a\n\xed\xa0\x80\n", "invalid UTF-8");     /* surrogate */
    expect_error("a\n\xe8\xa5\n", "invalid UTF-8");          /* truncated */
    /* A NUL byte inside the data is rejected, not silently truncated. */
    static const char nul[] = "a\nx\0y\n";
    sr__csv c;
    assert_int_equal(sr__csv_open_buf(&c, nul, sizeof nul - 1, "t.csv"), 0);
    assert_int_equal(sr__csv_next(&c), -1);
    assert_non_null(strstr(c.err, "NUL"));
    sr__csv_close(&c);
}

static void limits(void **st)
{
    (void)st;
    /* Too many fields. */
    size_t n = SR__CSV_MAX_FIELDS + 5;
    char *s = malloc(n * 2 + 8);
    size_t o = 0;
    s[o++] = 'a';
    s[o++] = '\n';
    for (size_t i = 0; i < n; i++) {
        s[o++] = 'x';
        s[o++] = ',';
    }
    s[o++] = '\n';
    s[o] = 0;
    expect_error(s, "more than");
    free(s);
    /* An over-long field. */
    size_t big = SR__CSV_MAX_FIELD + 10;
    s = malloc(big + 8);
    memcpy(s, "a\n", 2);
    memset(s + 2, 'y', big);
    s[big + 2] = '\n';
    s[big + 3] = 0;
    expect_error(s, "longer than");
    free(s);
}

static void missing_file(void **st)
{
    (void)st;
    sr__csv c;
    assert_int_equal(sr__csv_open(&c, "/nonexistent/x.csv", "x.csv"), -1);
    assert_non_null(strstr(c.err, "x.csv: cannot open"));
    sr__csv_close(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(basic),  cmocka_unit_test(multiline_field_counts_lines), cmocka_unit_test(no_trailing_newline),
        cmocka_unit_test(errors), cmocka_unit_test(limits),                       cmocka_unit_test(missing_file),
    };
    return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
