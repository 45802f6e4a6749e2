/* Core helpers: dates, UTF-8, CSV reading, name keys, the FtM model table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "core/core.h"
#include "core/csv.h"
#include "core/lexicon.h"
#include "probity/model.h"
#include "text/text.h"

static void check_date(const char *in, const char *want)
{
    char out[11];
    int rc = pb_date_iso(in, out);
    if (want) {
        CHECK_INT(rc, 0);
        CHECK_STR(out, want);
    } else {
        CHECK(rc != 0);
    }
}

static void test_dates(void)
{
    check_date("12/17/2014", "2014-12-17");
    check_date("17 Dec 2014", "2014-12-17");
    check_date("Oct 1966", "1966-10");
    check_date("1966", "1966");
    check_date("17.3.2014", "2014-03-17");
    check_date("2026-02-27T00:00:09.554Z", "2026-02-27");
    check_date("2014-12", "2014-12");
    check_date("circa 1958", "1958");
    check_date("Dec 17, 2014", "2014-12-17");
    check_date("31/12/2001", "2001-12-31");
    check_date("not a date", NULL);
    check_date("1966 to 1968", NULL);
    check_date("2014-13-01", NULL);
}

static void test_utf8(void)
{
    size_t bad = 0;
    CHECK(pb_utf8_valid("abc", 3, NULL));
    CHECK(pb_utf8_valid("\xe4\xb9\xa0\xe8\xbf\x91\xe5\xb9\xb3", 9, NULL)); /* Han */
    CHECK(!pb_utf8_valid("ab\xe9z", 4, &bad));
    CHECK_INT(bad, 2);
    CHECK(!pb_utf8_valid("\xc0\xaf", 2, NULL));         /* overlong */
    CHECK(!pb_utf8_valid("\xed\xa0\x80", 3, NULL));     /* surrogate */
    CHECK(!pb_utf8_valid("\xe4\xb9", 2, NULL));         /* truncated */
}

static char *write_tmp(const char *content, size_t n)
{
    char *path = malloc(64);
    snprintf(path, 64, "/tmp/pb-test-core-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, content, n) != (ssize_t)n)
        exit(1);
    close(fd);
    return path;
}

static void test_csv(void)
{
    const char data[] = "1,\"a, b\",-0- \r\n2,\"multi\nline \"\"q\"\"\",x\r\n\r\n3,,\x1a";
    char *path = write_tmp(data, sizeof(data) - 1);
    struct pb_csv *c;
    struct probity_error err;
    char **f;
    size_t n;
    CHECK_INT(pb_csv_open(&c, path, ',', NULL, &err), 0);
    CHECK_INT(pb_csv_next(c, &f, &n, &err), 1);
    CHECK_INT(n, 3);
    CHECK_STR(f[1], "a, b");
    CHECK_STR(f[2], "-0- ");
    CHECK_INT(pb_csv_next(c, &f, &n, &err), 1);
    CHECK_STR(f[1], "multi\nline \"q\"");
    CHECK_INT(pb_csv_lineno(c), 2);
    CHECK_INT(pb_csv_next(c, &f, &n, &err), 1);
    CHECK_STR(f[0], "3");
    CHECK_INT(n, 3);
    CHECK_STR(f[2], "");
    CHECK_INT(pb_csv_next(c, &f, &n, &err), 0);
    pb_csv_close(c);
    unlink(path);
    free(path);

    /* an unterminated quote reports where the field began */
    const char bad[] = "1,ok\n2,\"never closed\n3,more\n";
    path = write_tmp(bad, sizeof(bad) - 1);
    CHECK_INT(pb_csv_open(&c, path, ',', NULL, &err), 0);
    CHECK_INT(pb_csv_next(c, &f, &n, &err), 1);
    CHECK_INT(pb_csv_next(c, &f, &n, &err), PROBITY_EPARSE);
    CHECK_INT(err.line, 2);
    CHECK_INT(err.column, 3);
    pb_csv_close(c);
    unlink(path);
    free(path);

    /* text after a closing quote is broken quoting, reported with its column */
    const char glued[] = "1,\"ok\" ,x\n2,\"a\"b,c\n";
    path = write_tmp(glued, sizeof(glued) - 1);
    CHECK_INT(pb_csv_open(&c, path, ',', NULL, &err), 0);
    CHECK_INT(pb_csv_next(c, &f, &n, &err), 1);
    CHECK_STR(f[1], "ok");
    CHECK_INT(pb_csv_next(c, &f, &n, &err), PROBITY_EPARSE);
    CHECK_INT(err.line, 2);
    CHECK_INT(err.column, 6);
    pb_csv_close(c);
    unlink(path);
    free(path);

    /* Latin-1 bytes: an error with position unless the encoding is given */
    const char latin[] = "name\nJos\xe9 Mart\xed\n";
    path = write_tmp(latin, sizeof(latin) - 1);
    CHECK_INT(pb_csv_open(&c, path, ',', NULL, &err), 0);
    CHECK_INT(pb_csv_next(c, &f, &n, &err), 1);
    CHECK_INT(pb_csv_next(c, &f, &n, &err), PROBITY_EENCODING);
    CHECK_INT(err.line, 2);
    CHECK_INT(err.column, 4);
    pb_csv_close(c);
    CHECK_INT(pb_csv_open(&c, path, ',', "latin1", &err), 0);
    CHECK_INT(pb_csv_next(c, &f, &n, &err), 1);
    CHECK_INT(pb_csv_next(c, &f, &n, &err), 1);
    CHECK_STR(f[0], "Jos\xc3\xa9 Mart\xc3\xad");
    pb_csv_close(c);
    unlink(path);
    free(path);
}

static void check_key(const char *in, const char *want)
{
    char *k = pb_name_key(in);
    CHECK_STR(k, want);
    free(k);
}

static void test_name_key(void)
{
    check_key("BANCO NACIONAL DE CUBA", "banco nacional de cuba");
    check_key("  Bánco Nacional-de  Cuba. ", "banco nacional de cuba");
    check_key("O'Brien, Seán", "obrien sean");
    check_key("ＡＢＣ Co., Ltd.", "abc co ltd");
    check_key("华为技术有限公司", "华为技术有限公司");
    check_key("Мария Осетрова", "мария осетрова");
}

static void test_model(void)
{
    CHECK(probity_schema_exists("Person"));
    CHECK(!probity_schema_exists("Persn"));
    CHECK(probity_schema_is_a("Company", "LegalEntity"));
    CHECK(probity_schema_is_a("PublicBody", "Organization"));
    CHECK(!probity_schema_is_a("Person", "Organization"));
    CHECK_STR(probity_prop_type("Person", "birthDate"), "date");
    CHECK_STR(probity_prop_type("Company", "name"), "name");
    CHECK_STR(probity_prop_type("Ownership", "owner"), "entity");
    CHECK(probity_prop_type("Person", "imoNumber") == NULL);
    const char *s = NULL, *t = NULL;
    CHECK(probity_schema_is_edge("UnknownLink", &s, &t));
    CHECK_STR(s, "subject");
    CHECK_STR(t, "object");
    CHECK_STR(probity_schema_common("Organization", "Company"), "Company");
    CHECK(probity_schema_common("Person", "Vessel") == NULL);
    CHECK(probity_schema_is_target("Vessel"));
    CHECK(!probity_schema_is_target("Sanction"));
    static const char *const need[] = {"Thing", "LegalEntity", "Organization", "Company", "PublicBody",
                                       "Person", "Vessel", "Airplane", "Address", "Sanction", "Identification",
                                       "Ownership", "Directorship", "Membership", "UnknownLink",
                                       "Representation", "Document", "Mention", NULL};
    for (int i = 0; need[i]; i++)
        CHECK(probity_schema_exists(need[i]));
}

static void test_entity(void)
{
    struct probity_entity e;
    probity_entity_init(&e);
    CHECK_INT(probity_entity_reset(&e, "x-1", "Person"), 0);
    CHECK_INT(probity_entity_add(&e, "name", "  Jane   Q\tDoe "), 0);
    CHECK_INT(probity_entity_add(&e, "name", "Jane Q Doe"), 0); /* duplicate after cleaning */
    CHECK_INT(probity_entity_add(&e, "alias", ""), 0);          /* empty: skipped */
    CHECK_INT(probity_entity_add(&e, "alias", "bad\xff"), PROBITY_EENCODING);
    CHECK_INT(e.nprops, 1);
    CHECK_STR(probity_entity_first(&e, "name"), "Jane Q Doe");
    probity_entity_release(&e);
}

static void test_lexicon(void)
{
    size_t n = 0;
    const char *t = pb_lexicon("selftest.tsv", &n);
    CHECK(t != NULL);
    CHECK(t && strstr(t, "test\tlexicon\n") != NULL);
    CHECK(t && t[n] == 0);
    CHECK(pb_lexicon("nope.tsv", NULL) == NULL);
}

/* pb_word_key8 puts byte i of the word in byte i of the key, whatever the length (a
 * byte at a time would give the same number) and whatever the bytes. */
/* The ASCII run of a text, read 8 bytes at a time, ends at the first byte of 0x80 or more
 * wherever it falls. */
static void test_ascii_prefix(void)
{
    char s[40];
    memset(s, 'a', sizeof(s));
    CHECK(pb_ascii_prefix(s, sizeof(s)) == sizeof(s));
    CHECK(pb_ascii_prefix(s, 0) == 0);
    for (size_t at = 0; at < sizeof(s); at++) {
        s[at] = (char)0xE4;
        CHECK(pb_ascii_prefix(s, sizeof(s)) == at);
        CHECK(pb_utf8_valid(s, sizeof(s), NULL) == 0);
        s[at] = 'a';
    }
}

static void test_word_key(void)
{
    const char *w = "fold\xc3\xa9s-ab\x80z";
    struct pb_wordset set;
    for (size_t at = 0; at < 4; at++)
        for (size_t n = 0; n <= 10; n++) {
            uint64_t want = 0;
            for (size_t i = 0; i < n && i < 8; i++)
                want |= (uint64_t)(unsigned char)w[at + i] << (8 * i);
            CHECK(pb_word_key8(w + at, n) == want);
        }
    memset(&set, 0, sizeof(set));
    pb_wordset_add(&set, "und", 3, 4);
    pb_wordset_add(&set, "the", 3, 1);
    pb_wordset_add(&set, "the", 3, 2);
    CHECK(pb_wordset_get(&set, "the", 3) == 3);
    CHECK(pb_wordset_get_key(&set, pb_word_key8("und", 3)) == 4);
    CHECK(pb_wordset_get(&set, "th", 2) == 0);
    CHECK(pb_wordset_get(&set, "then", 4) == 0);
}

int main(void)
{
    test_word_key();
    test_ascii_prefix();
    test_lexicon();
    test_dates();
    test_utf8();
    test_csv();
    test_name_key();
    test_model();
    test_entity();
    return check_done();
}
