/* The XML list loaders on real files: the UN Security Council consolidated list (two
 * versions) and the OFAC sdnList sample. Counts and record values below were read from the
 * raw XML. Broken copies of the UN file (truncated, a mistyped tag, another kind of XML,
 * no records, a record without its id) must fail with their line and leave the store as it
 * was. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "lists/loader.h"
#include "probity/lists.h"
#include "probity/store.h"

static char tmpdir_[64];

/* ---- helpers ---- */

static const char *tmp_path(const char *name)
{
    static char buf[8][256];
    static int k;
    char *p = buf[k++ % 8];
    snprintf(p, 256, "%s/%s", tmpdir_, name);
    return p;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *s = NULL;
    long n;
    if (!fp)
        return NULL;
    if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0 &&
        (s = malloc((size_t)n + 1)) && fread(s, 1, (size_t)n, fp) == (size_t)n) {
        s[n] = 0;
        *len = (size_t)n;
    } else {
        free(s);
        s = NULL;
    }
    fclose(fp);
    return s;
}

static void spit(const char *path, const char *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    CHECK(fp != NULL);
    if (!fp)
        return;
    CHECK(fwrite(data, 1, len, fp) == len);
    fclose(fp);
}

static long lines_in(const char *s, size_t n)
{
    long l = 1;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\n')
            l++;
    return l;
}

/* Does entity `id` (current versions) hold prop=value? */
static int has(struct probity_store *st, const char *id, const char *prop, const char *value)
{
    struct probity_entity e;
    struct probity_error err;
    int found = 0;
    probity_entity_init(&e);
    if (probity_store_get(st, id, &e, NULL, 0, &err) == 0)
        for (size_t i = 0; i < e.nprops; i++)
            if (!strcmp(e.props[i].prop, prop) && !strcmp(e.props[i].value, value))
                found = 1;
    if (!found)
        fprintf(stderr, "  missing: %s %s=%s\n", id, prop, value);
    probity_entity_release(&e);
    return found;
}

static long count_values(struct probity_store *st, const char *id, const char *prop)
{
    struct probity_entity e;
    struct probity_error err;
    long n = -1;
    probity_entity_init(&e);
    if (probity_store_get(st, id, &e, NULL, 0, &err) == 0) {
        n = 0;
        for (size_t i = 0; i < e.nprops; i++)
            n += !strcmp(e.props[i].prop, prop);
    }
    probity_entity_release(&e);
    return n;
}

static const char *schema_of(struct probity_store *st, const char *id)
{
    static char buf[64];
    struct probity_entity e;
    struct probity_error err;
    buf[0] = 0;
    probity_entity_init(&e);
    if (probity_store_get(st, id, &e, NULL, 0, &err) == 0)
        snprintf(buf, sizeof(buf), "%s", e.schema);
    probity_entity_release(&e);
    return buf;
}

struct counts {
    long person, org, sanction, ident, address, link, total;
};

static int count_cb(void *ctx, const char *schema, long n)
{
    struct counts *c = ctx;
    if (!strcmp(schema, "Person"))
        c->person = n;
    else if (!strcmp(schema, "Organization"))
        c->org = n;
    else if (!strcmp(schema, "Sanction"))
        c->sanction = n;
    else if (!strcmp(schema, "Identification"))
        c->ident = n;
    else if (!strcmp(schema, "Address"))
        c->address = n;
    else if (!strcmp(schema, "UnknownLink"))
        c->link = n;
    c->total += n;
    return 0;
}

static struct counts counts_of(struct probity_store *st, int64_t vid)
{
    struct counts c;
    struct probity_error err;
    memset(&c, 0, sizeof(c));
    CHECK(probity_store_schema_counts(st, vid, count_cb, &c, &err) == 0);
    return c;
}

static int load(struct probity_store *st, const char *path, const char *format, struct probity_load_result *res,
                struct probity_error *err)
{
    struct probity_load_opts o;
    struct probity_load_report rep;
    const char *paths[1] = {path};
    int rc;
    memset(&o, 0, sizeof(o));
    o.format = format;
    probity_error_clear(err);
    rc = probity_load(st, paths, 1, &o, NULL, &rep, err);
    if (rc == 0 && res) {
        CHECK_INT(rep.n, 1);
        if (rep.n)
            *res = rep.results[0];
    }
    if (rc)
        fprintf(stderr, "  (expected or not) load error: %s:%ld:%ld: %s\n", err->file, err->line, err->column,
                err->msg);
    probity_load_report_release(&rep);
    return rc;
}

struct link_seen {
    int found;
};

static int link_cb(void *ctx, const struct probity_entity *e, const char *dataset)
{
    struct link_seen *l = ctx;
    (void)dataset;
    if (!strcmp(e->schema, "UnknownLink") && !strcmp(e->id, "ofac-16422-link-ofac-15987"))
        l->found = 1;
    return 0;
}

static int nversions_cb(void *ctx, const struct probity_version *v)
{
    (void)v;
    ++*(int *)ctx;
    return 0;
}

static int nversions(struct probity_store *st, const char *dataset)
{
    int n = 0;
    struct probity_error err;
    probity_store_versions(st, dataset, nversions_cb, &n, &err);
    return n;
}

/* ---- a sink that counts, to see what the loader reads before the store merges ---- */

struct tally {
    long entries; /* Person / Organization / Vessel / Airplane / LegalEntity emitted */
    long links, warnings;
    char published[40];
};

static int tally_emit(struct pb_sink *s, const struct probity_entity *e, struct probity_error *err)
{
    struct tally *t = s->ctx;
    (void)err;
    if (!strcmp(e->schema, "Person") || !strcmp(e->schema, "Organization") || !strcmp(e->schema, "Vessel") ||
        !strcmp(e->schema, "Airplane") || !strcmp(e->schema, "LegalEntity"))
        t->entries++;
    if (!strcmp(e->schema, "UnknownLink"))
        t->links++;
    return 0;
}

static void tally_published(struct pb_sink *s, const char *date)
{
    struct tally *t = s->ctx;
    snprintf(t->published, sizeof(t->published), "%s", date);
}

static void tally_warn(struct pb_sink *s, const char *file, long line, const char *fmt, ...)
{
    struct tally *t = s->ctx;
    (void)file;
    (void)line;
    (void)fmt;
    t->warnings++;
}

/* ---- the tests ---- */

static void test_ofac(struct probity_store *st, const char *shared)
{
    char path[1024];
    struct probity_load_result res;
    struct probity_error err;
    struct counts c;
    struct link_seen ls = {0};
    struct tally t;
    struct pb_sink sink = {tally_emit, tally_published, tally_warn, &t};
    const char *paths[1] = {path};
    struct pb_load_args a = {paths, 1, NULL, &sink, &err};
    const char *so;

    snprintf(path, sizeof(path), "%s/data/lists/ofac_xml_format_samples/ita_treasury_consolidated_sample_2021.xml",
             shared);
    /* straight through the loader: 24 sdnEntry elements, 1 resolvable "Linked To" */
    memset(&t, 0, sizeof(t));
    CHECK_INT(pb__load_ofac_xml(&a), 0);
    CHECK_INT(t.entries, 24);
    CHECK_INT(t.links, 1);
    CHECK_STR(t.published, "2014-12-17");
    CHECK(t.warnings >= 3); /* Record_Count 115 != 24, two links to entries not in the sample */

    CHECK_INT(load(st, path, NULL, &res, &err), 0);
    CHECK_STR(res.version.format, "ofac-xml");
    CHECK_STR(res.version.published, "2014-12-17");
    c = counts_of(st, res.version.id);
    /* uid 15268 appears twice (two programs): one entity, both programs */
    CHECK_INT(c.person + c.org, 23);
    CHECK_INT(c.person, 8);
    CHECK_INT(c.org, 15);
    CHECK_INT(c.sanction, 23);
    CHECK_INT(c.link, 1);
    CHECK(has(st, "ofac-15268", "program", "561List"));
    CHECK(has(st, "ofac-15268", "program", "561-Related"));

    /* VTB: 10 akas (4 a.k.a., 6 f.k.a.), ids mapped to properties and Identifications */
    CHECK_STR(schema_of(st, "ofac-17013"), "Organization");
    CHECK(has(st, "ofac-17013", "name", "VTB BANK OAO"));
    CHECK_INT(count_values(st, "ofac-17013", "alias"), 4);
    CHECK_INT(count_values(st, "ofac-17013", "previousName"), 6);
    CHECK(has(st, "ofac-17013", "alias", "JSC VTB BANK"));
    CHECK(has(st, "ofac-17013", "previousName", "VNESHTORGBANK"));
    CHECK(has(st, "ofac-17013", "swiftBic", "VTBRRUMM"));
    CHECK(has(st, "ofac-17013", "taxNumber", "7702070139"));
    CHECK(has(st, "ofac-17013", "registrationNumber", "1027739609391"));
    CHECK(has(st, "ofac-17013", "website", "www.vtb.com"));
    CHECK(has(st, "ofac-17013-ident-9478", "type", "Government Gazette Number"));
    CHECK(has(st, "ofac-17013-ident-9478", "number", "00032520"));
    CHECK(has(st, "ofac-17013-ident-9478", "holder", "ofac-17013"));
    CHECK(has(st, "ofac-17013-sanction", "provisions",
              "Executive Order 13662 Directive Determination - Subject to Directive 1"));
    CHECK(has(st, "ofac-17013-sanction", "authority", "US Treasury OFAC"));
    CHECK(has(st, "ofac-17013-sanction", "authorityId", "17013"));
    CHECK(has(st, "ofac-17013-addr-25798", "city", "St. Petersburg"));
    CHECK(has(st, "ofac-17013", "addressEntity", "ofac-17013-addr-25798"));
    /* weak and strong akas of one entry */
    CHECK(has(st, "ofac-30954", "weakAlias", "CNNC"));
    CHECK(has(st, "ofac-30954", "alias", "CHINA NATIONAL NUCLEAR CORP"));
    CHECK(has(st, "ofac-27016", "weakAlias", "SSB"));
    /* an individual: passport with expiry, birth date, two citizenships */
    CHECK_STR(schema_of(st, "ofac-16531"), "Person");
    CHECK(has(st, "ofac-16531", "name", "Houshang HOSSEINPOUR"));
    CHECK(has(st, "ofac-16531", "passportNumber", "R17550559"));
    CHECK(has(st, "ofac-16531", "birthDate", "1967-03-21"));
    CHECK(has(st, "ofac-16531", "birthPlace", "Tehran, Iran"));
    CHECK(has(st, "ofac-16531-ident-9133", "endDate", "2015-07-11"));
    so = pb__country_code("Somalia");
    CHECK(has(st, "ofac-16531", "citizenship", so ? so : "Somalia"));
    /* nspType (non-SDN entries) and a birth year */
    CHECK_STR(schema_of(st, "ofac-9639"), "Person");
    CHECK(has(st, "ofac-9639", "birthDate", "1962"));
    CHECK(has(st, "ofac-9639", "birthPlace", "Shati"));
    /* "(Linked To: FERLAND COMPANY LIMITED)" */
    CHECK(probity_store_referrers(st, "ofac-15987", link_cb, &ls, &err) == 0);
    CHECK(ls.found);
    CHECK(has(st, "ofac-16422-link-ofac-15987", "subject", "ofac-16422"));
}

static void test_un_2026(struct probity_store *st, const char *shared)
{
    char path[1024];
    struct probity_load_result res;
    struct probity_error err;
    struct counts c;
    struct tally t;
    struct pb_sink sink = {tally_emit, tally_published, tally_warn, &t};
    const char *paths[1] = {path};
    struct pb_load_args a = {paths, 1, NULL, &sink, &err};
    snprintf(path, sizeof(path), "%s/data/lists/un_sc/2026-02-27/consolidated.xml", shared);
    /* the loader alone: every record once, the file's own date, nothing to warn about */
    memset(&t, 0, sizeof(t));
    CHECK_INT(pb__load_un_xml(&a), 0);
    CHECK_INT(t.entries, 730 + 273);
    CHECK_STR(t.published, "2026-02-27T00:00:09.554Z");
    CHECK_INT(t.warnings, 0);

    CHECK_INT(load(st, path, NULL, &res, &err), 0);
    CHECK_STR(res.version.dataset, "un_sc_sanctions");
    CHECK_STR(res.version.format, "un-xml");
    CHECK(strncmp(res.version.published, "2026-02-27", 10) == 0);
    c = counts_of(st, res.version.id);
    CHECK_INT(c.person, 730);
    CHECK_INT(c.org, 273);
    CHECK_INT(c.sanction, 1003);

    /* LYi.023: four name parts, Arabic original script, low-quality aliases, passport */
    CHECK_STR(schema_of(st, "un-6908704"), "Person");
    CHECK(has(st, "un-6908704", "name", "Ahmad Oumar Imhamad al-Fitouri"));
    CHECK(has(st, "un-6908704", "name", "احمد عمر امحمد الفيتوري"));
    CHECK(has(st, "un-6908704", "firstName", "Ahmad"));
    CHECK(has(st, "un-6908704", "weakAlias", "Al-Dabachi"));
    CHECK(has(st, "un-6908704", "birthDate", "1988-05-07"));
    CHECK(has(st, "un-6908704", "birthPlace", "possibly Sabratha, Talil neighbourhood"));
    CHECK(has(st, "un-6908704", "passportNumber", "LY53FP76"));
    CHECK(has(st, "un-6908704", "idNumber", "119880387067"));
    CHECK(has(st, "un-6908704", "modifiedAt", "2020-02-25"));
    CHECK(has(st, "un-6908704", "position",
              "Commander of the Anas al-Dabbashi militia, Leader of a transnational trafficking network"));
    CHECK(has(st, "un-6908704-ident-1", "number", "LY53FP76"));
    CHECK(has(st, "un-6908704-ident-1", "startDate", "2015-09-29"));
    CHECK(has(st, "un-6908704-sanction", "authorityId", "LYi.023"));
    CHECK(has(st, "un-6908704-sanction", "listingDate", "2018-06-07"));
    CHECK(has(st, "un-6908704-sanction", "program", "Libya"));
    CHECK(has(st, "un-6908704-sanction", "authority", "United Nations Security Council"));
    CHECK(has(st, "un-6908704-addr-1", "city", "Garabulli"));
    /* QDe.003: an entity with its Arabic name and a.k.a. aliases */
    CHECK_STR(schema_of(st, "un-113236"), "Organization");
    CHECK(has(st, "un-113236", "name", "EGYPTIAN ISLAMIC JIHAD"));
    CHECK(has(st, "un-113236", "name", "الجهاد الاسلامي المصري"));
    CHECK(has(st, "un-113236", "alias", "Egyptian Al-Jihad"));
    CHECK(has(st, "un-113236-sanction", "unscId", "QDe.003"));
    /* BETWEEN dates become every year of the range; TYPE_OF_DATE with only YEAR */
    CHECK(has(st, "un-6907993", "birthDate", "1971"));
}

/* Loads that must fail, each with its line, leaving the store as it was. */
static void test_bad(struct probity_store *st, const char *shared)
{
    char path[1024];
    struct probity_error err;
    struct probity_version before, after;
    size_t len, cut;
    char *un, *p;
    int nv = nversions(st, "un_sc_sanctions");
    snprintf(path, sizeof(path), "%s/data/lists/un_sc/2026-02-27/consolidated.xml", shared);
    un = slurp(path, &len);
    CHECK(un != NULL);
    if (!un)
        return;
    CHECK(probity_store_version_get(st, "un_sc_sanctions", 0, &before, &err) == 0);

    /* cut in the middle of a record */
    cut = len / 2;
    spit(tmp_path("trunc.xml"), un, cut);
    CHECK_INT(load(st, tmp_path("trunc.xml"), NULL, NULL, &err), PROBITY_EPARSE);
    CHECK_INT(err.line, lines_in(un, cut));
    CHECK(strstr(err.msg, "truncated") != NULL);
    CHECK(strstr(err.file, "trunc.xml") != NULL);

    /* cut after a whole record: still an error, not a shorter list */
    p = strstr(un + len / 3, "</INDIVIDUAL>\n");
    CHECK(p != NULL);
    if (p) {
        cut = (size_t)(p - un) + strlen("</INDIVIDUAL>\n");
        spit(tmp_path("trunc2.xml"), un, cut);
        CHECK_INT(load(st, tmp_path("trunc2.xml"), "un-xml", NULL, &err), PROBITY_EPARSE);
        CHECK(err.line >= lines_in(un, cut) - 1 && err.line <= lines_in(un, cut));
        CHECK(strstr(err.msg, "truncated") != NULL);
    }

    /* a mistyped closing tag far from the end */
    p = strstr(un + len / 4, "</SECOND_NAME>");
    CHECK(p != NULL);
    if (p) {
        char *broken = malloc(len);
        size_t off = (size_t)(p - un);
        CHECK(broken != NULL);
        if (broken) {
            /* "</SECOND_NAME>" -> "</SECOND_NAM>" */
            memcpy(broken, un, off + 12);
            memcpy(broken + off + 12, un + off + 13, len - off - 13);
            spit(tmp_path("broken.xml"), broken, len - 1);
            CHECK_INT(load(st, tmp_path("broken.xml"), NULL, NULL, &err), PROBITY_EPARSE);
            CHECK_INT(err.line, lines_in(un, off));
            CHECK(err.column > 0);
            CHECK(strstr(err.msg, "SECOND_NAM") != NULL);
            CHECK(strstr(err.msg, "truncated") == NULL);
            free(broken);
        }
    }

    /* XML of another kind: refused by detection, and by each loader when forced */
    {
        static const char rss[] = "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel/></rss>\n";
        spit(tmp_path("other.xml"), rss, sizeof(rss) - 1);
        CHECK_INT(load(st, tmp_path("other.xml"), NULL, NULL, &err), PROBITY_EFORMAT);
        CHECK_INT(load(st, tmp_path("other.xml"), "un-xml", NULL, &err), PROBITY_EFORMAT);
        CHECK(strstr(err.msg, "CONSOLIDATED_LIST") != NULL && strstr(err.msg, "<rss>") != NULL);
        CHECK_INT(err.line, 2);
        CHECK_INT(load(st, tmp_path("other.xml"), "ofac-xml", NULL, &err), PROBITY_EFORMAT);
        CHECK(strstr(err.msg, "sdnList") != NULL);
    }
    /* a list without records */
    {
        static const char empty[] = "<?xml version=\"1.0\"?>\n<CONSOLIDATED_LIST dateGenerated=\"2026-01-01\">"
                                    "<INDIVIDUALS/><ENTITIES/></CONSOLIDATED_LIST>\n";
        spit(tmp_path("empty.xml"), empty, sizeof(empty) - 1);
        CHECK_INT(load(st, tmp_path("empty.xml"), NULL, NULL, &err), PROBITY_EEMPTY);
    }
    /* a record without its DATAID */
    {
        static const char noid[] = "<?xml version=\"1.0\"?>\n<CONSOLIDATED_LIST dateGenerated=\"2026-01-01\">\n"
                                   "<INDIVIDUALS>\n<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>A</FIRST_NAME>"
                                   "</INDIVIDUAL>\n<INDIVIDUAL>\n<FIRST_NAME>B</FIRST_NAME></INDIVIDUAL>\n"
                                   "</INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>\n";
        spit(tmp_path("noid.xml"), noid, sizeof(noid) - 1);
        CHECK_INT(load(st, tmp_path("noid.xml"), NULL, NULL, &err), PROBITY_EPARSE);
        CHECK_INT(err.line, 5);
        CHECK(strstr(err.msg, "DATAID") != NULL);
    }
    /* a broken OFAC entry */
    {
        static const char ofac[] = "<?xml version=\"1.0\"?>\n<sdnList xmlns=\"http://tempuri.org/sdnList.xsd\">\n"
                                   "<sdnEntry><uid>1</uid><lastName>X</lastName></sdnEntry>\n"
                                   "<sdnEntry><uid>2</uid><lastName>Y</lastNam></sdnEntry>\n</sdnList>\n";
        spit(tmp_path("ofac_bad.xml"), ofac, sizeof(ofac) - 1);
        CHECK_INT(load(st, tmp_path("ofac_bad.xml"), NULL, NULL, &err), PROBITY_EPARSE);
        CHECK_INT(err.line, 4);
    }

    CHECK_INT(nversions(st, "un_sc_sanctions"), nv);
    CHECK(probity_store_version_get(st, "un_sc_sanctions", 0, &after, &err) == 0);
    CHECK_INT(after.seq, before.seq);
    CHECK_INT(after.entities, before.entities);
    CHECK(has(st, "un-6908704", "passportNumber", "LY53FP76"));
    unlink(tmp_path("trunc.xml"));
    unlink(tmp_path("trunc2.xml"));
    unlink(tmp_path("broken.xml"));
    unlink(tmp_path("other.xml"));
    unlink(tmp_path("empty.xml"));
    unlink(tmp_path("noid.xml"));
    unlink(tmp_path("ofac_bad.xml"));
    free(un);
}

static void test_un_2018(struct probity_store *st, const char *shared)
{
    char path[1024];
    struct probity_load_result res;
    struct probity_error err;
    struct counts c;
    snprintf(path, sizeof(path), "%s/data/lists/un_sc/2018-10/consolidated.xml", shared);
    CHECK_INT(load(st, path, NULL, &res, &err), 0);
    CHECK_INT(res.version.seq, 2);
    CHECK(strncmp(res.version.published, "2018-10-29", 10) == 0);
    c = counts_of(st, res.version.id);
    CHECK_INT(c.person, 703);
    CHECK_INT(c.org, 390);
    CHECK_INT(c.sanction, 1093);
    /* QDi.363: Cyrillic original-script name, an alias, birth date, a passport written in words */
    CHECK(has(st, "un-6908487", "name", "MAGHOMED MAGHOMEDZAKIROVICH ABDURAKHMANOV"));
    CHECK(has(st, "un-6908487", "name", "Абдурахманов Магомед Магомедзакирович"));
    CHECK(has(st, "un-6908487", "weakAlias", "Abu Banat"));
    CHECK(has(st, "un-6908487", "birthDate", "1974-11-24"));
    CHECK(has(st, "un-6908487", "passportNumber", "Russian foreign travel passport number 515458008"));
    CHECK(has(st, "un-6908487-sanction", "listingDate", "2015-10-02"));
    /* the filler "na" of the schema is not a name part */
    CHECK(has(st, "un-2975510", "name", "FAIZULLAH KHAN NOORZAI"));
    CHECK(res.added > 0 && res.removed > 0);
}

int main(void)
{
    const char *shared = check_shared();
    struct probity_store *st = NULL;
    struct probity_error err;
    char db[128];
    snprintf(tmpdir_, sizeof(tmpdir_), "/tmp/probity-test-xml-XXXXXX");
    if (!mkdtemp(tmpdir_)) {
        fprintf(stderr, "cannot make a temporary folder\n");
        return 1;
    }
    snprintf(db, sizeof(db), "%s/store.db", tmpdir_);
    CHECK(probity_store_open(&st, db, &err) == 0);
    if (!st)
        return check_done();
    test_ofac(st, shared);
    test_un_2026(st, shared);
    test_bad(st, shared);
    test_un_2018(st, shared);
    probity_store_close(st);
    unlink(db);
    unlink(tmp_path("store.db-wal"));
    unlink(tmp_path("store.db-shm"));
    unlink(tmp_path("store.db-journal"));
    rmdir(tmpdir_);
    return check_done();
}
