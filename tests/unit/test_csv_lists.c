/* The CSV-family loaders on real files: trade.gov CSL (2019 and current layouts), the
 * BIS Denied Persons List, OpenSanctions targets.simple.csv and mapped CSVs (an EU
 * regulation file, the FCC Covered List), plus the country table and bad input. Every
 * expected value below was read off the raw files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "lists/loader.h"
#include "probity/lists.h"
#include "probity/store.h"
#include "text/text.h"

static char db[96], tmp_files[16][128];
static int ntmp;
static const char *shared;

static void cleanup(void)
{
    char p[128];
    unlink(db);
    snprintf(p, sizeof(p), "%s-wal", db);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", db);
    unlink(p);
    for (int i = 0; i < ntmp; i++)
        unlink(tmp_files[i]);
}

/* A temporary input file with the given bytes; the path is returned. */
static const char *temp_file(const char *name, const char *bytes)
{
    char *p = tmp_files[ntmp < 15 ? ntmp++ : 15];
    FILE *fp;
    snprintf(p, sizeof(tmp_files[0]), "/tmp/pb-test-csv-%d-%s", (int)getpid(), name);
    fp = fopen(p, "wb");
    if (fp) {
        fputs(bytes, fp);
        fclose(fp);
    }
    return p;
}

static const char *data(const char *rel)
{
    static char bufs[8][512];
    static int k;
    char *b = bufs[k++ % 8];
    snprintf(b, sizeof(bufs[0]), "%s/data/lists/%s", shared, rel);
    return b;
}

static int load(struct probity_store *st, const char *path, const struct probity_load_opts *opts,
                struct probity_load_report *rep, struct probity_error *err)
{
    struct probity_load_opts none;
    memset(&none, 0, sizeof(none));
    memset(rep, 0, sizeof(*rep));
    probity_error_clear(err);
    return probity_load(st, &path, 1, opts ? opts : &none, NULL, rep, err);
}

static int count_values(const struct probity_entity *e, const char *prop)
{
    int n = 0;
    for (size_t i = 0; i < e->nprops; i++)
        n += strcmp(e->props[i].prop, prop) == 0;
    return n;
}

static int has_value(const struct probity_entity *e, const char *prop, const char *value)
{
    for (size_t i = 0; i < e->nprops; i++)
        if (!strcmp(e->props[i].prop, prop) && !strcmp(e->props[i].value, value))
            return 1;
    return 0;
}

static int get(struct probity_store *st, const char *id, struct probity_entity *e)
{
    struct probity_error err;
    return probity_store_get(st, id, e, NULL, 0, &err);
}

struct find {
    const char *schema, *dataset;
    char id[160];
    int n;
};

static int on_found(void *ctx, const struct probity_entity *e, const char *dataset)
{
    struct find *f = ctx;
    if ((!f->schema || !strcmp(e->schema, f->schema)) && (!f->dataset || !strcmp(dataset, f->dataset))) {
        if (!f->n++)
            snprintf(f->id, sizeof(f->id), "%s", e->id);
    }
    return 0;
}

/* Id of the current entity of `schema` in `dataset` named `name`; "" when none. The
 * number of matches goes to *n when not NULL. */
static const char *find_named(struct probity_store *st, const char *name, const char *schema, const char *dataset,
                              int *n)
{
    static struct find f;
    struct probity_error err;
    char *key = pb_name_key(name);
    memset(&f, 0, sizeof(f));
    f.schema = schema;
    f.dataset = dataset;
    if (key)
        probity_store_lookup_name(st, key, on_found, &f, &err);
    free(key);
    if (n)
        *n = f.n;
    return f.id;
}

static int count_versions_cb(void *ctx, const struct probity_version *v)
{
    (void)v;
    (*(int *)ctx)++;
    return 0;
}

static int count_versions(struct probity_store *st)
{
    struct probity_error err;
    int n = 0;
    probity_store_versions(st, NULL, count_versions_cb, &n, &err);
    return n;
}

static void test_countries(void)
{
    static const char *const cases[][2] = {
        {"Korea, North", "kp"},
        {"Burma", "mm"},
        {"Iran", "ir"},
        {"Russia", "ru"},
        {"Hong Kong", "hk"},
        {"Taiwan", "tw"},
        {"Macau", "mo"},
        {"Congo, Democratic Republic of the", "cd"},
        {"Democratic Republic of the Congo", "cd"},
        {"United Kingdom", "gb"},
        {"USA", "us"},
        {"U.S.", "us"},
        {"UAE", "ae"},
        {"Syria", "sy"},
        {"Venezuela", "ve"},
        {"T\xc3\xbcrkiye", "tr"},
        {"Turkey", "tr"},
        {"Cote d'Ivoire", "ci"},
        {"C\xc3\xb4te d\xe2\x80\x99Ivoire", "ci"},
        {"West Bank", "ps"},
        {"Palestinian", "ps"},
        {"CN", "cn"},
        {"cn", "cn"},
        {"US", "us"},
        {"PRC", "cn"},
        {"china", "cn"},
        {"  GERMANY ", "de"},
        {"Russian Federation", "ru"},
        {"Russian", "ru"},
        {"Iran (Islamic Republic of)", "ir"},
        {"Democratic People\xe2\x80\x99s Republic of Korea (DPRK)", "kp"},
        {"Myanmar (Burma)", "mm"},
        {"The Gambia", "gm"},
        {"Korea, South", "kr"},
        {"DPRK.", "kp"},
        {"Democratic People's Republic of Korea", "kp"},
        {"Zimbabwe", "zw"},
        {"Afghanistan", "af"},
        {"USSR", "suhh"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *got = pb__country_code(cases[i][0]);
        if (!got || strcmp(got, cases[i][1]))
            fprintf(stderr, "country '%s'\n", cases[i][0]);
        CHECK_STR(got, cases[i][1]);
    }
    CHECK(pb__country_code("Narnia") == NULL);
    CHECK(pb__country_code("Korea") == NULL); /* two countries: no guess */
    CHECK(pb__country_code("\xd0\xa0\xd0\xbe\xd1\x81\xd1\x81\xd0\xb8\xd1\x8f") == NULL);
    CHECK(pb__country_code("") == NULL);
    CHECK(pb__country_code(NULL) == NULL);
    CHECK(pb__country_code("NM") == NULL);
}

static void test_csl(struct probity_store *st)
{
    struct probity_load_report rep;
    struct probity_error err;
    struct probity_entity e;
    const char *id;
    int n;
    probity_entity_init(&e);

    /* 2019 layout: 115 rows; 5 Entity List rows of one party and 2 DPL rows of another
     * merge, leaving 110 listed parties */
    CHECK_INT(load(st, data("us_csl/csl_sample_2019.csv"), NULL, &rep, &err), 0);
    CHECK_INT(rep.n, 1);
    if (rep.n) {
        CHECK_STR(rep.results[0].version.dataset, "us_trade_csl");
        CHECK_STR(rep.results[0].version.format, "csl");
        CHECK_INT(rep.results[0].version.entities, 110);
    }
    probity_load_report_release(&rep);

    /* OFAC rows keep their entity number */
    CHECK_INT(get(st, "csl-20264", &e), 0);
    CHECK_STR(e.schema, "Organization");
    CHECK_STR(probity_entity_first(&e, "name"), "200G PSA HOLDINGS LLC");
    CHECK(has_value(&e, "taxNumber", "80-0890696"));
    CHECK(has_value(&e, "country", "us"));
    CHECK(has_value(&e, "program", "SDNTK"));
    CHECK(has_value(&e, "program", "Specially Designated Nationals (SDN) - Treasury Department"));
    CHECK(has_value(&e, "topics", "sanction"));
    CHECK_INT(get(st, "csl-20264-sanction", &e), 0);
    CHECK_STR(probity_entity_first(&e, "entity"), "csl-20264");
    CHECK_STR(probity_entity_first(&e, "authority"), "Treasury Department");
    CHECK_STR(probity_entity_first(&e, "authorityId"), "20264");

    /* a vessel: IMO number and flag out of "ids" and "vessel_flag" */
    CHECK_INT(get(st, "csl-23156", &e), 0);
    CHECK_STR(e.schema, "Vessel");
    CHECK_STR(probity_entity_first(&e, "name"), "7-28");
    CHECK_STR(probity_entity_first(&e, "imoNumber"), "8898831");
    CHECK_STR(probity_entity_first(&e, "flag"), "kp");
    CHECK_INT(get(st, "csl-23156-sanction", &e), 0);
    CHECK(has_value(&e, "provisions",
                    "Secondary sanctions risk: North Korea Sanctions Regulations, sections 510.201 and 510.210"));

    /* an individual of the Palestinian Legislative Council list, 2019 spelling */
    CHECK_INT(get(st, "csl-9673", &e), 0);
    CHECK_STR(e.schema, "Person");
    CHECK_STR(probity_entity_first(&e, "name"), "ABU JHEISHEH, Mohammed");
    CHECK(has_value(&e, "alias", "ABU JHESHEH, Mohammad Mutlaq"));
    CHECK(has_value(&e, "alias", "ABU JEHEISHA, Mohammed"));

    /* Entity List rows carry no id: five rows of one name are one party with all 8
     * distinct addresses, and the licence terms are provisions of its listing */
    id = find_named(st, "Gunther Migeotte", NULL, "us_trade_csl", &n);
    CHECK_INT(n, 1);
    CHECK(strncmp(id, "csl-", 4) == 0);
    CHECK_INT(get(st, id, &e), 0);
    CHECK_STR(e.schema, "LegalEntity");
    CHECK_INT(count_values(&e, "addressEntity"), 8);
    CHECK(has_value(&e, "country", "no"));
    CHECK(has_value(&e, "country", "za"));
    CHECK(has_value(&e, "topics", "export.control"));
    {
        char sid[200];
        snprintf(sid, sizeof(sid), "%s-sanction", id);
        CHECK_INT(get(st, sid, &e), 0);
        CHECK_STR(probity_entity_first(&e, "authority"), "Bureau of Industry and Security");
        CHECK(has_value(&e, "provisions", "License policy: Presumption of denial"));
        CHECK(has_value(&e, "program", "Entity List (EL) - Bureau of Industry and Security"));
        CHECK_INT(count_values(&e, "startDate"), 4); /* 2010-06-28 .. 2010-07-01 */
    }

    /* current layout, loaded as the next version of the same dataset: the ids of OFAC
     * rows are the same in both layouts, so csl-9673 is one entity across versions */
    CHECK_INT(load(st, data("us_csl/consolidated_sample_2025.csv"), NULL, &rep, &err), 0);
    CHECK_INT(rep.n, 1);
    if (rep.n) {
        CHECK_INT(rep.results[0].version.seq, 2);
        CHECK_INT(rep.results[0].version.entities, 13);
        CHECK(rep.results[0].changed >= 1);
    }
    probity_load_report_release(&rep);
    CHECK_INT(get(st, "csl-9673", &e), 0);
    CHECK_STR(probity_entity_first(&e, "name"), "Mohammed ABU JHEISHEH");
    CHECK_STR(probity_entity_first(&e, "birthDate"), "1955");
    CHECK_STR(probity_entity_first(&e, "birthPlace"), "Izna, Hebron");
    CHECK_INT(get(st, "csl-20264", &e), PROBITY_ENOTFOUND); /* not in the 2025 sample */

    CHECK_INT(get(st, "csl-52291", &e), 0);
    CHECK_STR(e.schema, "Person");
    CHECK_STR(probity_entity_first(&e, "name"), "RIM, Ryong Nam");
    CHECK_STR(probity_entity_first(&e, "birthDate"), "1978-12-05");
    CHECK_STR(probity_entity_first(&e, "nationality"), "kp");
    CHECK_STR(probity_entity_first(&e, "passportNumber"), "836238033");
    CHECK_STR(probity_entity_first(&e, "gender"), "male");
    CHECK_INT(count_values(&e, "addressEntity"), 2);
    CHECK(has_value(&e, "country", "cn"));
    CHECK(has_value(&e, "country", "kp"));
    CHECK_INT(get(st, "csl-52291-sanction", &e), 0);
    CHECK(has_value(&e, "provisions", "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial "
                                      "Institutions: North Korea Sanctions Regulations section 510.214"));

    /* "V.A.T. Number, CHE-267.936.404, CH": type first, country last */
    CHECK_INT(get(st, "csl-28603", &e), 0);
    CHECK_STR(probity_entity_first(&e, "vatCode"), "CHE-267.936.404");
    CHECK_STR(probity_entity_first(&e, "registrationNumber"), "CH-660.0.559.011-2");
    CHECK(has_value(&e, "program", "VENEZUELA-EO13850"));

    /* a hashed _id of a non-OFAC list is kept whole */
    CHECK_INT(get(st, "csl-b601cbf2841d0aaedfe63661581ffbc3d54b6ba39d7e3a9027cff50e-sanction", &e), 0);
    CHECK_STR(probity_entity_first(&e, "startDate"), "2002-03-04");
    CHECK_STR(probity_entity_first(&e, "endDate"), "2056-06-29");
    CHECK_STR(probity_entity_first(&e, "summary"), "67 F.R. 56530 9/4/02 67 F.R. 10890 3/11/02 71 F.R. 38843 7/10/06");
    CHECK_STR(probity_entity_first(&e, "provisions"), "Standard order");
    probity_entity_release(&e);
}

static void test_dpl(struct probity_store *st)
{
    struct probity_load_report rep;
    struct probity_error err;
    struct probity_entity e;
    struct probity_version v;
    const char *id;
    char sid[200];
    int n;
    probity_entity_init(&e);

    /* 546 rows, 539 distinct name + address pairs; latest Last_Update 2019-06-12 (a
     * row dated 3017-08-22 is a typo and must not win) */
    CHECK_INT(load(st, data("us_bis/dpl_2019.txt"), NULL, &rep, &err), 0);
    if (rep.n) {
        CHECK_STR(rep.results[0].version.dataset, "us_bis_denied");
        CHECK_INT(rep.results[0].version.entities, 539);
        CHECK_STR(rep.results[0].version.published, "2019-06-12");
    }
    probity_load_report_release(&rep);

    id = find_named(st, "(SEAN) NAGHIBI", NULL, "us_bis_denied", &n);
    CHECK_INT(n, 1);
    CHECK(strncmp(id, "dpl-", 4) == 0);
    CHECK_INT(get(st, id, &e), 0);
    CHECK_STR(e.schema, "LegalEntity");
    CHECK_STR(probity_entity_first(&e, "address"), "9426 BLESSING DRIVE, PLEASANTON, CA, 94588, US");
    CHECK_STR(probity_entity_first(&e, "country"), "us");
    snprintf(sid, sizeof(sid), "%s-sanction", id);
    CHECK_INT(get(st, sid, &e), 0);
    CHECK_STR(probity_entity_first(&e, "startDate"), "2013-09-26");
    CHECK_STR(probity_entity_first(&e, "listingDate"), "2013-09-26");
    CHECK_STR(probity_entity_first(&e, "endDate"), "2019-09-26");
    CHECK_STR(probity_entity_first(&e, "reason"), "FR NOTICE ADDED");
    CHECK_STR(probity_entity_first(&e, "summary"), "78 F.R. 61949 10/8/13");
    CHECK_STR(probity_entity_first(&e, "authority"), "Bureau of Industry and Security");
    CHECK(probity_entity_first(&e, "sourceUrl") != NULL);

    /* two identical DAQING ZHOU rows are one party */
    find_named(st, "DAQING ZHOU", NULL, "us_bis_denied", &n);
    CHECK_INT(n, 1);

    /* 2022-09: 581 rows, 575 parties; typo years 2922 and 0222 are skipped too */
    CHECK_INT(load(st, data("us_bis/dpl_2022-09.txt"), NULL, &rep, &err), 0);
    if (rep.n) {
        CHECK_INT(rep.results[0].version.seq, 2);
        CHECK_INT(rep.results[0].version.entities, 575);
        CHECK_STR(rep.results[0].version.published, "2022-09-02");
    }
    probity_load_report_release(&rep);
    CHECK_INT(probity_store_version_get(st, "us_bis_denied", 1, &v, &err), 0);
    CHECK_STR(v.published, "2019-06-12");

    /* "AL-NASER  AIRLINES" and "AL NASER AIRLINES" at one Baghdad address merge */
    id = find_named(st, "AL-NASER AIRLINES", NULL, "us_bis_denied", &n);
    CHECK_INT(n, 4); /* four addresses: Baghdad twice, Dubai, Amman */
    CHECK_INT(get(st, id, &e), 0);
    CHECK_INT(count_values(&e, "name"), 2);
    probity_entity_release(&e);
}

static void test_targets(struct probity_store *st)
{
    struct probity_load_report rep;
    struct probity_error err;
    struct probity_entity e;
    probity_entity_init(&e);
    CHECK_INT(load(st, data("opensanctions_ftm/wd_peps_sample_targets.simple.csv"), NULL, &rep, &err), 0);
    if (rep.n) {
        CHECK_STR(rep.results[0].version.format, "targets-csv");
        CHECK_INT(rep.results[0].version.entities, 5);
    }
    probity_load_report_release(&rep);
    CHECK_INT(get(st, "Q296771", &e), 0);
    CHECK_STR(e.schema, "Person");
    CHECK_STR(probity_entity_first(&e, "name"), "Saad Hariri");
    CHECK_INT(count_values(&e, "alias"), 2);
    CHECK(has_value(&e, "alias", "Sa'd al-Din"));
    CHECK_STR(probity_entity_first(&e, "birthDate"), "1970-04-18");
    CHECK_INT(count_values(&e, "country"), 3);
    CHECK(has_value(&e, "country", "lb"));
    CHECK_STR(probity_entity_first(&e, "wikidataId"), "Q296771");
    CHECK_STR(probity_entity_first(&e, "publisher"), "Wikidata Politically Exposed Persons");
    CHECK(probity_entity_first(&e, "retrievedAt") == NULL);
    CHECK_INT(get(st, "Q61589", &e), 0);
    CHECK_STR(probity_entity_first(&e, "birthDate"), "1933-09-28");
    probity_entity_release(&e);
}

static void test_mapped(struct probity_store *st)
{
    struct probity_load_report rep;
    struct probity_error err;
    struct probity_entity e;
    struct probity_load_opts o;
    const char *id;
    char sid[200];
    int n;
    probity_entity_init(&e);

    /* EU regulation 269/2014: 2802 rows, automatic mapping by header; two rows whose
     * name is a bare "So called" without birth date or identifier share one id */
    CHECK_INT(load(st, data("eu_journal_sanctions_opensanctions/consolidated/32014R0269.csv"), NULL, &rep, &err), 0);
    if (rep.n) {
        CHECK_STR(rep.results[0].version.format, "csv");
        CHECK_STR(rep.results[0].version.dataset, "32014r0269");
        CHECK_INT(rep.results[0].version.entities, 2801);
    }
    probity_load_report_release(&rep);
    id = find_named(st, "Sergey Valeryevich AKSYONOV", "Person", "32014r0269", &n);
    CHECK_INT(n, 1);
    CHECK(strncmp(id, "32014r0269-", 11) == 0);
    CHECK_INT(get(st, id, &e), 0);
    CHECK_STR(probity_entity_first(&e, "birthDate"), "1972-11-26");
    CHECK_STR(probity_entity_first(&e, "gender"), "male");
    CHECK_INT(count_values(&e, "alias"), 2);
    CHECK(has_value(&e, "alias", "Serhiy Valeriyovych AKSYONOV (\xd0\xa1\xd0\xb5\xd1\x80\xd0\xb3i\xd0\xb9 "
                                 "\xd0\x92\xd0\xb0\xd0\xbb\xd0\xb5\xd1\x80i\xd0\xb9\xd0\xbe\xd0\xb2\xd0\xb8\xd1\x87 "
                                 "\xd0\x90\xd0\x9a\xd0\xa1\xd0\xac\xd0\x9e\xd0\x9d\xd0\x9e\xd0\x92)"));
    snprintf(sid, sizeof(sid), "%s-sanction", id);
    CHECK_INT(get(st, sid, &e), 0);
    CHECK_STR(probity_entity_first(&e, "startDate"), "2014-03-17");
    CHECK_STR(probity_entity_first(&e, "recordId"), "1");
    CHECK(has_value(&e, "programId", "EU-UKR"));
    CHECK(has_value(&e, "programId", "32014R0269"));
    CHECK_STR(probity_entity_first(&e, "provisions"), "Asset freeze");
    CHECK(strncmp(probity_entity_first(&e, "reason") ? probity_entity_first(&e, "reason") : "",
                  "Sergey Aksyonov was elected", 27) == 0);

    id = find_named(st, "Denis Yurievich KHARITONOV", "Person", "32014r0269", &n);
    CHECK_INT(get(st, id, &e), 0);
    CHECK_STR(probity_entity_first(&e, "nationality"), "ru");
    CHECK_STR(probity_entity_first(&e, "passportNumber"), "76 2759110");
    id = find_named(st, "Oleksandr Viktorovych YANUKOVYCH", "Person", "32014r0269", &n);
    CHECK_INT(get(st, id, &e), 0);
    CHECK(has_value(&e, "nationality", "ua") && has_value(&e, "nationality", "ru"));

    id = find_named(st, "JSC Zaliv Shipyard", "Company", "32014r0269", &n);
    CHECK_INT(n, 1);
    CHECK_INT(get(st, id, &e), 0);
    CHECK_STR(probity_entity_first(&e, "registrationNumber"), "1149102028602");
    CHECK_STR(probity_entity_first(&e, "taxNumber"), "9111001119");
    CHECK_STR(probity_entity_first(&e, "imoNumber"), "1745868");
    CHECK_STR(probity_entity_first(&e, "address"), "4 Tankistov street, 298310 Kerch, Crimea");
    CHECK_INT(count_values(&e, "addressEntity"), 1);
    CHECK_INT(count_values(&e, "alias"), 2);

    /* the FCC Covered List needs --map: without it there is no name column */
    CHECK_INT(load(st, data("us_other/fcc_covered_list.csv"), NULL, &rep, &err), PROBITY_EFORMAT);
    CHECK(strstr(err.msg, "no name column: give --map name=COLUMN") != NULL);
    memset(&o, 0, sizeof(o));
    {
        static const char *const maps[] = {"name=covered_equipment_or_services",
                                           "sanction.listingDate=date_of_inclusion_on_covered_list"};
        o.maps = maps;
        o.nmaps = 2;
        o.schema = "Organization";
        CHECK_INT(load(st, data("us_other/fcc_covered_list.csv"), &o, &rep, &err), 0);
        if (rep.n)
            CHECK_INT(rep.results[0].version.entities, 16);
        probity_load_report_release(&rep);
    }
    id = find_named(st,
                    "Telecommunications equipment produced by ZTE Corporation, including telecommunications or "
                    "video surveillance services provided by such entity or using such equipment.",
                    "Organization", "fcc_covered_list", &n);
    CHECK_INT(n, 1);
    snprintf(sid, sizeof(sid), "%s-sanction", id);
    CHECK_INT(get(st, sid, &e), 0);
    CHECK_STR(probity_entity_first(&e, "listingDate"), "2021-03-12");

    /* a --map column that does not exist: the error lists the header */
    {
        static const char *const maps[] = {"name=Company"};
        const char *p = data("us_other/dod_1260h_chinese_military_companies.csv");
        o.maps = maps;
        o.nmaps = 1;
        o.schema = NULL;
        CHECK_INT(load(st, p, &o, &rep, &err), PROBITY_EINVAL);
        CHECK(strstr(err.msg, "no column 'Company'") != NULL);
        CHECK(strstr(err.msg, "Clean Name") != NULL);
    }
    probity_entity_release(&e);
}

static void test_bad_input(struct probity_store *st)
{
    struct probity_load_report rep;
    struct probity_error err;
    struct probity_entity e;
    struct probity_load_opts o;
    int before = count_versions(st);
    const char *p;
    probity_entity_init(&e);
    memset(&o, 0, sizeof(o));

    /* a short row: its line number */
    p = temp_file("short.csv", "name,country\nAlpha Trading,China\n\"Beta\nTrading\",cn\nGamma\n");
    CHECK_INT(load(st, p, NULL, &rep, &err), PROBITY_EPARSE);
    CHECK_INT(err.line, 5);
    CHECK(strstr(err.msg, "1 fields") != NULL);
    /* a row too long */
    p = temp_file("long.tsv", "name\tcountry\nAlpha\tcn\textra\n");
    CHECK_INT(load(st, p, NULL, &rep, &err), PROBITY_EPARSE);
    CHECK_INT(err.line, 2);

    /* unnamed trailing header columns may be left out, and rows of empty cells are blank */
    p = temp_file("trailing.csv", "name,country,,\nAlpha Trading,cn\n,,,\nBeta Trading,de,,\n");
    CHECK_INT(load(st, p, NULL, &rep, &err), 0);
    if (rep.n) {
        CHECK_INT(rep.results[0].version.entities, 2);
        CHECK_INT(rep.results[0].warnings, 0);
    }
    probity_load_report_release(&rep);
    before = count_versions(st);

    /* no column maps to a name */
    p = temp_file("noname.csv", "company;country\nAlpha;cn\n");
    CHECK_INT(load(st, p, NULL, &rep, &err), PROBITY_EFORMAT);
    CHECK(strstr(err.msg, "no name column") != NULL);
    CHECK(strstr(err.msg, "company") != NULL);

    /* a schema column naming no FtM schema: line and column */
    p = temp_file("schema.csv", "id,schema,name\n1,Person,Alpha\n2,Persn,Beta\n");
    CHECK_INT(load(st, p, NULL, &rep, &err), PROBITY_EPARSE);
    CHECK_INT(err.line, 3);
    CHECK_INT(err.column, 2);

    /* Latin-1 bytes without --encoding: an encoding error with line and column */
    p = temp_file("latin1.csv", "name,country\nAlpha,cn\nJos\xe9 P\xe9rez,Espa\xf1" "a\n");
    CHECK_INT(load(st, p, NULL, &rep, &err), PROBITY_EENCODING);
    CHECK_INT(err.line, 3);
    CHECK_INT(err.column, 4);
    CHECK_INT(count_versions(st), before);

    /* a quoted field never closed (truncated CSL): the line where it opened */
    p = temp_file("truncated.csv",
                  "source,entity_number,type,programs,name,alt_names\n"
                  "Entity List (EL) - Bureau of Industry and Security,,,,Alpha Ltd,\n"
                  "Entity List (EL) - Bureau of Industry and Security,,,,\"Beta Ltd,\n");
    CHECK_INT(load(st, p, NULL, &rep, &err), PROBITY_EPARSE);
    CHECK_INT(err.line, 3);
    /* a DPL row missing its tail */
    p = temp_file("dpl.txt", "\"Name\"\t\"Street_Address\"\t\"City\"\t\"Country\"\n\"ALPHA\"\t\"1 MAIN ST\"\t\"X\"\t\"US\"\n"
                             "\"BETA\"\t\"2 MAIN ST\"\n");
    CHECK_INT(load(st, p, NULL, &rep, &err), PROBITY_EPARSE);
    CHECK_INT(err.line, 3);
    CHECK_INT(count_versions(st), before); /* every failed load left the store as it was */
    CHECK_INT(get(st, "Q296771", &e), 0);

    /* the same Latin-1 file with its encoding loads, and the semicolon file with a
     * --map names its columns */
    o.encoding = "latin1";
    p = temp_file("latin1.csv", "name,country\nAlpha,cn\nJos\xe9 P\xe9rez,Espa\xf1" "a\n");
    CHECK_INT(load(st, p, &o, &rep, &err), 0);
    if (rep.n)
        CHECK_INT(rep.results[0].version.entities, 2);
    probity_load_report_release(&rep);
    {
        int n;
        const char *id = find_named(st, "Jos\xc3\xa9 P\xc3\xa9rez", NULL, NULL, &n);
        CHECK_INT(n, 1);
        CHECK_INT(get(st, id, &e), 0);
        CHECK_STR(probity_entity_first(&e, "name"), "Jos\xc3\xa9 P\xc3\xa9rez");
        CHECK_STR(probity_entity_first(&e, "country"), "Espa\xc3\xb1" "a"); /* no English name: kept */
    }
    {
        static const char *const maps[] = {"name=company", "country=country", "id=ref"};
        static const char *const splits[] = {"country=/"};
        memset(&o, 0, sizeof(o));
        o.maps = maps;
        o.nmaps = 3;
        o.splits = splits;
        o.nsplits = 1;
        o.schema = "Company";
        p = temp_file("semi.csv", "ref;company;country\nA-1;Alpha GmbH;Germany/Austria\n");
        CHECK_INT(load(st, p, &o, &rep, &err), 0);
        probity_load_report_release(&rep);
        {
            char id[160];
            snprintf(id, sizeof(id), "pb_test_csv_%d_semi-A-1", (int)getpid());
            CHECK_INT(get(st, id, &e), 0);
            CHECK_STR(e.schema, "Company");
            CHECK(has_value(&e, "country", "de") && has_value(&e, "country", "at"));
        }
    }
    probity_entity_release(&e);
}

int main(void)
{
    struct probity_store *st;
    struct probity_error err;
    shared = check_shared();
    snprintf(db, sizeof(db), "/tmp/pb-test-csv-lists-%d.db", (int)getpid());
    cleanup();
    test_countries();
    CHECK_INT(probity_store_open(&st, db, &err), 0);
    test_csl(st);
    test_dpl(st);
    test_targets(st);
    test_mapped(st);
    test_bad_input(st);
    probity_store_close(st);
    cleanup();
    return check_done();
}
