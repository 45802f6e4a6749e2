/* The FtM JSON lines loader and exporter on the real OpenSanctions/yente samples: counts
 * and values checked against the raw files, the export -> load round trip, delta files,
 * embedded entities, and bad input (position of the error, store left unchanged). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include "check.h"
#include "probity/lists.h"
#include "store/store_internal.h"
#include "probity/model.h"
#include "probity/store.h"

static char dir[1024];
static char tmp_db[256], tmp_db2[256], tmp_file[256];

static void remove_db(const char *path)
{
    char p[300];
    remove(path);
    snprintf(p, sizeof(p), "%s-wal", path);
    remove(p);
    snprintf(p, sizeof(p), "%s-shm", path);
    remove(p);
}

static void write_file(const char *path, const char *text, size_t n)
{
    FILE *fp = fopen(path, "wb");
    if (!fp || fwrite(text, 1, n, fp) != n || fclose(fp) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(1);
    }
}

static const char *force_format; /* set while testing bad input that detection would not call FtM */

static int load(struct probity_store *st, const char *path, const char *dataset, struct probity_load_result *res,
                struct probity_error *err)
{
    struct probity_load_opts opts;
    struct probity_load_report rep;
    const char *paths[1] = {path};
    int rc;
    memset(&opts, 0, sizeof(opts));
    opts.dataset = dataset;
    opts.force = 1;
    opts.format = force_format;
    probity_error_clear(err);
    rc = probity_load(st, paths, 1, &opts, NULL, &rep, err);
    if (rc == 0 && res && rep.n)
        *res = rep.results[0];
    if (rc == 0)
        probity_load_report_release(&rep);
    return rc;
}

static const char *sample(const char *name)
{
    static char p[1200];
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    return p;
}

static int has(const struct probity_entity *e, const char *prop, const char *value)
{
    for (size_t i = 0; i < e->nprops; i++)
        if (strcmp(e->props[i].prop, prop) == 0 && strcmp(e->props[i].value, value) == 0)
            return 1;
    return 0;
}

static long count_prop(const struct probity_entity *e, const char *prop)
{
    long n = 0;
    for (size_t i = 0; i < e->nprops; i++)
        n += strcmp(e->props[i].prop, prop) == 0;
    return n;
}

/* ---- every statement of a store as sorted lines, to compare two stores ---- */

struct lines {
    char **v;
    size_t n, cap;
    long entities;
    const char *dataset;   /* only this dataset when not NULL */
};

static void push(struct lines *l, const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 3;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->v = realloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n] = malloc(n);
    if (!l->v || !l->v[l->n])
        exit(1);
    snprintf(l->v[l->n++], n, "%s\t%s\t%s", a, b, c);
}

static int collect(void *ctx, const struct probity_entity *e, const char *dataset)
{
    struct lines *l = ctx;
    if (l->dataset && strcmp(l->dataset, dataset) != 0)
        return 0;
    l->entities++;
    push(l, e->id, "@schema", e->schema);
    for (size_t i = 0; i < e->nprops; i++)
        push(l, e->id, e->props[i].prop, e->props[i].value);
    return 0;
}

static int by_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void lines_collect(struct probity_store *st, const char *dataset, struct lines *l)
{
    struct probity_error err;
    memset(l, 0, sizeof(*l));
    l->dataset = dataset;
    CHECK_INT(probity_store_entities(st, 0, collect, l, &err), 0);
    if (l->n)
        qsort(l->v, l->n, sizeof(*l->v), by_str);
}

static void lines_free(struct lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

static int count_versions_cb(void *ctx, const struct probity_version *v)
{
    (void)v;
    (*(long *)ctx)++;
    return 0;
}

static long count_versions(struct probity_store *st)
{
    struct probity_error err;
    long n = 0;
    probity_store_versions(st, NULL, count_versions_cb, &n, &err);
    return n;
}

static long count_entities(struct probity_store *st, const char *dataset)
{
    struct lines l;
    long n;
    lines_collect(st, dataset, &l);
    n = l.entities;
    lines_free(&l);
    return n;
}

static int found_referrer(void *ctx, const struct probity_entity *e, const char *dataset)
{
    (void)dataset;
    if (strcmp(e->id, (const char *)ctx) == 0)
        return 1;
    return 0;
}

/* ---- the real samples ---- */

static void test_zala(struct probity_store *st)
{
    struct probity_load_result res;
    struct probity_error err;
    struct probity_entity e;
    char ds[128];
    struct lines l;
    const char *fmt, *dsn;
    probity_entity_init(&e);
    CHECK_INT(probity_detect(sample("yente_zala_entities.ftm.json"), &fmt, &dsn, &err), 0);
    CHECK_STR(fmt, "ftm");
    CHECK_INT(load(st, sample("yente_zala_entities.ftm.json"), "zala", &res, &err), 0);
    /* Company abbreviation is newer than FtM 3.8.4: dropped with one warning */
    CHECK(res.warnings >= 1);
    lines_collect(st, "zala", &l);
    CHECK_INT(l.entities, 91);
    CHECK_INT((long)l.n - l.entities, 1614); /* statements, as counted from the raw file */
    lines_free(&l);

    CHECK_INT(probity_store_get(st, "NK-2Tbri3s6GgNtAwsSXh4qpL", &e, ds, sizeof(ds), &err), 0);
    CHECK_STR(e.schema, "Person");
    CHECK_STR(ds, "zala");
    CHECK(has(&e, "name", "Мария Александровна Осетрова"));
    CHECK(has(&e, "name", "Захарова Марія Олександрівна"));
    CHECK(has(&e, "fatherName", "АЛЕКСАНДРОВНА"));
    CHECK(has(&e, "innCode", "183116181362"));
    CHECK(has(&e, "birthDate", "1988-01-07"));
    CHECK_INT(count_prop(&e, "name"), 12);
    /* double spaces inside the source's notes are collapsed by the entity cleaner */
    CHECK(has(&e, "notes", "(also Maria Aleksandrovna OSETROVA )"));

    CHECK_INT(probity_store_get(st, "NK-3NyeuT6JeJDLhGEyH3JD52", &e, NULL, 0, &err), 0);
    CHECK_STR(e.schema, "Ownership");
    CHECK_STR(probity_entity_first(&e, "owner"), "NK-nR5AXM9AVPq4pQaSPSaVam");
    CHECK_STR(probity_entity_first(&e, "asset"), "NK-abdzbEBkqyT29GyREbiURZ");
    CHECK_STR(probity_entity_first(&e, "role"), "subsidiary of");
    CHECK_INT(probity_store_referrers(st, "NK-abdzbEBkqyT29GyREbiURZ", found_referrer,
                                      (void *)"NK-3NyeuT6JeJDLhGEyH3JD52", &err),
              1);

    CHECK_INT(probity_store_get(st, "NK-abdzbEBkqyT29GyREbiURZ", &e, NULL, 0, &err), 0);
    CHECK_STR(e.schema, "Company");
    CHECK_INT(count_prop(&e, "abbreviation"), 0);
    probity_entity_release(&e);
}

static void test_roundtrip(struct probity_store *st)
{
    struct probity_store *st2 = NULL;
    struct probity_error err;
    struct lines a, b;
    FILE *fp;
    char line[65536];
    long n = 0;

    /* export the one dataset, load it into a fresh store */
    CHECK((fp = fopen(tmp_file, "w")) != NULL);
    if (!fp)
        return;
    CHECK_INT(probity_export_ftm(st, "zala", fp, &err), 0);
    fclose(fp);
    CHECK((fp = fopen(tmp_file, "r")) != NULL);
    if (!fp)
        return;
    while (fgets(line, sizeof(line), fp)) {
        if (n++ == 0) {
            json_error_t je;
            json_t *o = json_loads(line, 0, &je), *ds;
            CHECK(o != NULL);
            CHECK(json_is_object(json_object_get(o, "properties")));
            ds = json_object_get(o, "datasets");
            CHECK(json_is_array(ds) && json_array_size(ds) == 1);
            CHECK_STR(json_string_value(json_array_get(ds, 0)), "zala");
            /* UTF-8 is written as it is, not as \u escapes */
            json_decref(o);
        }
    }
    fclose(fp);
    CHECK_INT(n, 91);

    remove_db(tmp_db2);
    CHECK_INT(probity_store_open(&st2, tmp_db2, &err), 0);
    if (!st2)
        return;
    CHECK_INT(load(st2, tmp_file, "zala", NULL, &err), 0);
    lines_collect(st, "zala", &a);
    lines_collect(st2, "zala", &b);
    CHECK_INT(b.entities, 91);
    CHECK_INT(a.n, b.n);
    {
        size_t i = 0;
        while (i < a.n && i < b.n && strcmp(a.v[i], b.v[i]) == 0)
            i++;
        CHECK(i == a.n && i == b.n);
        if (i < a.n || i < b.n)
            fprintf(stderr, "first difference: %s | %s\n", i < a.n ? a.v[i] : "-", i < b.n ? b.v[i] : "-");
    }
    lines_free(&a);
    lines_free(&b);
    probity_store_close(st2);
    remove_db(tmp_db2);

    /* Cyrillic text goes out as UTF-8 */
    {
        FILE *f = fopen(tmp_file, "r");
        int cyr = 0;
        while (f && fgets(line, sizeof(line), f))
            if (strstr(line, "Мария Александровна Осетрова"))
                cyr = 1;
        if (f)
            fclose(f);
        CHECK(cyr);
    }

    /* all datasets; an unknown dataset; a full disk */
    CHECK((fp = fopen(tmp_file, "w")) != NULL);
    if (fp) {
        CHECK_INT(probity_export_ftm(st, NULL, fp, &err), 0);
        fclose(fp);
    }
    CHECK((fp = fopen(tmp_file, "w")) != NULL);
    if (fp) {
        CHECK_INT(probity_export_ftm(st, "no_such_dataset", fp, &err), PROBITY_ENOTFOUND);
        CHECK(strstr(err.msg, "no_such_dataset") != NULL);
        fclose(fp);
    }
    if ((fp = fopen("/dev/full", "w"))) {
        CHECK_INT(probity_export_ftm(st, "zala", fp, &err), PROBITY_EIO);
        fclose(fp);
    }
}

static void test_t1_sa_delta(struct probity_store *st)
{
    struct probity_load_result res;
    struct probity_error err;
    struct probity_entity e;
    probity_entity_init(&e);

    /* 7 records, the last line without a newline */
    CHECK_INT(load(st, sample("yente_t1_entities.ftm.json"), "t1", &res, &err), 0);
    CHECK_INT(count_entities(st, "t1"), 7);
    CHECK_INT(probity_store_get(st, "NK-2Ka3UvopqbpZmVDFjWd4LA", &e, NULL, 0, &err), 0);
    CHECK(has(&e, "name", "Виталий Юрьевич КУЗЬМЕНКО"));
    CHECK(has(&e, "name", "Vitaly Yurievich KUZMENKO"));
    CHECK_INT(probity_store_get(st, "NK-2GdmHtZTeNXjNVrBGEXZNj", &e, NULL, 0, &err), 0);
    CHECK_STR(e.schema, "Organization");
    CHECK(has(&e, "name", "Εταιρία περιορισμένης ευθύνης “Inter Tobacco”"));
    CHECK(has(&e, "country", "by"));

    /* Wikidata PEPs: single values written without a list, properties FtM 3.8.4 lacks */
    CHECK_INT(load(st, sample("sa_wiki_peps_entities.ftm.json"), "sa_peps", &res, &err), 0);
    CHECK(res.warnings >= 100); /* one per unknown (schema, property) pair */
    {
        struct lines l;
        lines_collect(st, "sa_peps", &l);
        CHECK_INT(l.entities, 1565);
        /* 46 objects repeat a property key ("education", "birthCountry"): the values of
         * every occurrence are kept, 86 more than a last-one-wins reading would keep */
        CHECK_INT((long)l.n - l.entities, 16108);
        lines_free(&l);
    }
    CHECK_INT(probity_store_get(st, "Q100456396", &e, NULL, 0, &err), 0);
    CHECK(has(&e, "name", "Bussma Ahmed Bugis"));
    CHECK(has(&e, "description", "researcher"));
    CHECK_INT(probity_store_get(st, "Q100258287", &e, NULL, 0, &err), 0);
    CHECK(has(&e, "alias", "صفوان بن سليمان السويكت"));
    CHECK(has(&e, "religion", "Islam"));            /* "religion": "Islam", not a list */
    CHECK(has(&e, "birthPlace", "Saudi Arabia"));
    CHECK_INT(probity_store_get(st, "Q102191035", &e, NULL, 0, &err), 0);
    CHECK(has(&e, "fatherName", "Abd al-Latif bin Mubarak Al-Ahsai"));
    CHECK_INT(count_prop(&e, "deathPlace"), 0);     /* not a Person property in 3.8.4 */

    /* a yente delta file: two ADD lines on one physical line each */
    CHECK_INT(load(st, sample("yente_t2_delta_20240527194702.json"), "t2", &res, &err), 0);
    CHECK_INT(count_entities(st, "t2"), 2);
    CHECK_INT(probity_store_get(st, "NK-2T3S8Hu29ktYnKSTgQp2wL", &e, NULL, 0, &err), 0);
    CHECK_STR(e.schema, "Organization");
    CHECK(has(&e, "alias", "ISIS"));
    CHECK(has(&e, "alias", "تنظيم القاعدة في العراق"));
    probity_entity_release(&e);
}

/* Embedded entities, numbers, scalars, nulls, booleans, delta ops and blank lines. */
static void test_synthetic(struct probity_store *st)
{
    static const char text[] =
        "{\"id\":\"own-1\",\"schema\":\"Ownership\",\"properties\":{\"owner\":[{\"id\":\"p-1\",\"schema\":\"Person\","
        "\"properties\":{\"name\":[\"Nested  Person\"]}}],\"asset\":[\"c-1\"],\"percentage\":[50.5],"
        "\"sharesCount\":[1200]}}\n"
        "\n"
        "   \n"
        "{\"id\":\"c-1\",\"schema\":\"Company\",\"properties\":{\"name\":\"Scalar Name Co\",\"country\":[\"RU\"],"
        "\"notes\":[null,true],\"summary\":[{\"no\":\"entity\"}]}}\r\n"
        "{\"op\":\"DEL\",\"entity\":{\"id\":\"gone-1\"}}\n"
        "{\"op\":\"MOD\",\"entity\":{\"id\":\"m-1\",\"schema\":\"Person\",\"properties\":{\"name\":[\"Modified\"]}}}\n"
        "{\"id\":\"c-1\",\"schema\":\"Company\",\"properties\":{\"name\":[\"Second Name\"]},\"birthCountry\":\"x\"}";
    struct probity_load_result res;
    struct probity_error err;
    struct probity_entity e;
    const char *c;
    probity_entity_init(&e);
    write_file(tmp_file, text, sizeof(text) - 1);
    CHECK_INT(load(st, tmp_file, "synthetic", &res, &err), 0);
    CHECK_INT(res.warnings, 3); /* DEL, the non-entity object, the stray top-level field */
    CHECK_INT(count_entities(st, "synthetic"), 4);
    CHECK_INT(probity_store_get(st, "p-1", &e, NULL, 0, &err), 0);
    CHECK_STR(e.schema, "Person");
    CHECK_STR(probity_entity_first(&e, "name"), "Nested Person");
    CHECK_INT(probity_store_get(st, "own-1", &e, NULL, 0, &err), 0);
    CHECK_STR(probity_entity_first(&e, "owner"), "p-1");
    CHECK_STR(probity_entity_first(&e, "percentage"), "50.5");
    CHECK_STR(probity_entity_first(&e, "sharesCount"), "1200");
    CHECK_INT(probity_store_get(st, "c-1", &e, NULL, 0, &err), 0);
    CHECK(has(&e, "name", "Scalar Name Co"));
    CHECK(has(&e, "name", "Second Name")); /* an id seen twice is merged */
    CHECK(has(&e, "notes", "true"));
    CHECK_INT(count_prop(&e, "summary"), 0);
    c = probity_entity_first(&e, "country");
    CHECK(c && (strcmp(c, "ru") == 0 || strcmp(c, "RU") == 0));
    CHECK_INT(probity_store_get(st, "m-1", &e, NULL, 0, &err), 0);
    CHECK_INT(probity_store_get(st, "gone-1", &e, NULL, 0, &err), PROBITY_ENOTFOUND);
    probity_entity_release(&e);
}

/* Bad input: the error names the line (and column for JSON syntax), and the store keeps
 * exactly what it had. */
static void expect_error(struct probity_store *st, const char *text, size_t n, int code, long line, const char *needle)
{
    struct probity_error err;
    long versions = count_versions(st);
    int rc;
    write_file(tmp_file, text, n);
    force_format = "ftm";
    rc = load(st, tmp_file, "bad", NULL, &err);
    force_format = NULL;
    CHECK_INT(rc, code);
    CHECK_INT(err.line, line);
    CHECK_STR(err.file, tmp_file);
    if (needle && !strstr(err.msg, needle)) {
        CHECK(strstr(err.msg, needle) != NULL);
        fprintf(stderr, "  message was: %s\n", err.msg);
    }
    CHECK_INT(count_versions(st), versions);
    CHECK_INT(count_entities(st, "bad"), 0);
}

static void test_errors(struct probity_store *st)
{
    struct probity_error err;
    char buf[8192];
    FILE *fp;
    size_t n = 0;
    int nl = 0;
    long before = count_entities(st, "zala");

    /* the zala file cut in the middle of its fourth line */
    fp = fopen(sample("yente_zala_entities.ftm.json"), "rb");
    CHECK(fp != NULL);
    if (fp) {
        int ch;
        while (n < sizeof(buf) && (ch = fgetc(fp)) != EOF) {
            buf[n++] = (char)ch;
            if (ch == '\n' && ++nl == 3)
                break;
        }
        for (int k = 0; k < 200 && (n < sizeof(buf)); k++) {
            int ch2 = fgetc(fp);
            if (ch2 == EOF)
                break;
            buf[n++] = (char)ch2;
        }
        fclose(fp);
        expect_error(st, buf, n, PROBITY_EPARSE, 4, "invalid JSON");
        CHECK_INT(load(st, tmp_file, "bad", NULL, &err), PROBITY_EPARSE);
        CHECK(err.column > 0);
    }
    static const char not_object[] = "{\"id\":\"a\",\"schema\":\"Person\",\"properties\":{}}\n[1,2]\n";
    expect_error(st, not_object, sizeof(not_object) - 1, PROBITY_EFORMAT, 2, "an array");
    static const char number[] = "\n42\n";
    expect_error(st, number, sizeof(number) - 1, PROBITY_EFORMAT, 2, "one FtM entity object per line");
    static const char schema[] = "{\"id\":\"a\",\"schema\":\"Person\"}\n{\"id\":\"b\",\"schema\":\"Spaceship\"}\n";
    expect_error(st, schema, sizeof(schema) - 1, PROBITY_ESCHEMA, 2, "Spaceship");
    static const char no_schema[] = "{\"id\":\"a\",\"properties\":{}}\n";
    expect_error(st, no_schema, sizeof(no_schema) - 1, PROBITY_EFORMAT, 1, "\"schema\"");
    static const char empty_id[] = "{\"id\":\"\",\"schema\":\"Person\"}\n";
    expect_error(st, empty_id, sizeof(empty_id) - 1, PROBITY_EPARSE, 1, "\"id\"");
    static const char bad_props[] = "{\"id\":\"a\",\"schema\":\"Person\",\"properties\":[\"x\"]}\n";
    expect_error(st, bad_props, sizeof(bad_props) - 1, PROBITY_EPARSE, 1, "\"properties\"");
    static const char array_file[] = "[\n{\"id\":\"a\",\"schema\":\"Person\"}\n]\n";
    expect_error(st, array_file, sizeof(array_file) - 1, PROBITY_EFORMAT, 1, "JSON lines");
    static const char pretty[] = "{\n  \"id\": \"a\",\n  \"schema\": \"Person\"\n}\n";
    expect_error(st, pretty, sizeof(pretty) - 1, PROBITY_EPARSE, 1, "own line");
    static const char bad_op[] = "{\"op\":\"PATCH\",\"entity\":{\"id\":\"a\",\"schema\":\"Person\"}}\n";
    expect_error(st, bad_op, sizeof(bad_op) - 1, PROBITY_EPARSE, 1, "PATCH");
    static const char bad_utf8[] = "{\"id\":\"a\",\"schema\":\"Person\"}\n{\"id\":\"b\",\"schema\":\"Person\","
                                   "\"properties\":{\"name\":[\"\xC3\x28\"]}}\n";
    expect_error(st, bad_utf8, sizeof(bad_utf8) - 1, PROBITY_EENCODING, 2, NULL);
    static const char only_del[] = "{\"op\":\"DEL\",\"entity\":{\"id\":\"a\"}}\n";
    expect_error(st, only_del, sizeof(only_del) - 1, PROBITY_EEMPTY, 0, NULL);

    /* Senzing JSON from OpenSanctions is refused with what FtM would look like */
    {
        long versions = count_versions(st);
        CHECK_INT(load(st, sample("us_congress_senzing.json"), NULL, NULL, &err), PROBITY_EFORMAT);
        CHECK_INT(err.line, 1);
        CHECK(strstr(err.msg, "Senzing") != NULL);
        CHECK(strstr(err.msg, "\"schema\"") != NULL);
        CHECK_INT(count_versions(st), versions);
    }
    CHECK_INT(count_entities(st, "zala"), before);
}

/* A store that fills up in the middle of a load: the storing thread fails while the loader's
 * thread is still parsing (and blocked on a full queue); the load must end with the store's
 * error, not hang, and leave the store as it was. */
static void test_store_full(void)
{
    struct probity_store *st = NULL;
    struct probity_error err;
    struct probity_load_result res;
    char big[1200], pragma[64];
    long before, after;
    remove_db(tmp_db2);
    CHECK_INT(probity_store_open(&st, tmp_db2, &err), 0);
    if (!st)
        return;
    CHECK_INT(load(st, sample("yente_zala_entities.ftm.json"), "small", &res, &err), 0);
    before = count_entities(st, "small");
    CHECK_INT(before, 91);
    {
        sqlite3 *db = pb__store_db(st);
        sqlite3_stmt *q;
        int pages = 0;
        if (sqlite3_prepare_v2(db, "PRAGMA page_count", -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
            pages = sqlite3_column_int(q, 0);
        sqlite3_finalize(q);
        snprintf(pragma, sizeof(pragma), "PRAGMA max_page_count=%d", pages + 8);
        CHECK_INT(sqlite3_exec(db, pragma, NULL, NULL, NULL), SQLITE_OK);
    }
    snprintf(big, sizeof(big), "%s/data/lists/ofac_sdn/2024-05-03_full/sdn.csv", check_shared());
    CHECK_INT(load(st, big, "big", &res, &err), PROBITY_ESTORE);
    CHECK(strstr(err.msg, "full") != NULL);
    after = count_entities(st, "small");
    CHECK_INT(after, before);
    CHECK_INT(count_entities(st, "big"), 0);
    probity_store_close(st);
    remove_db(tmp_db2);
}

int main(void)
{
    struct probity_store *st = NULL;
    struct probity_error err;
    snprintf(dir, sizeof(dir), "%s/data/lists/opensanctions_ftm", check_shared());
    snprintf(tmp_db, sizeof(tmp_db), "/tmp/probity-test-ftm-%d.db", (int)getpid());
    snprintf(tmp_db2, sizeof(tmp_db2), "/tmp/probity-test-ftm-%d-2.db", (int)getpid());
    snprintf(tmp_file, sizeof(tmp_file), "/tmp/probity-test-ftm-%d.json", (int)getpid());
    remove_db(tmp_db);
    if (probity_store_open(&st, tmp_db, &err)) {
        probity_error_print(stderr, &err);
        return 1;
    }
    test_zala(st);
    test_roundtrip(st);
    test_t1_sa_delta(st);
    test_synthetic(st);
    test_errors(st);
    test_store_full();
    probity_store_close(st);
    remove_db(tmp_db);
    remove(tmp_file);
    return check_done();
}
