/* The OFAC legacy CSV loader on the real lists in the shared folder: record counts per
 * schema, properties read from the Remarks column, aliases, addresses and overflow
 * remarks from the side files, "Linked To" links resolved inside the load, and broken
 * files refused with their line while the store stays as it was. Every expected value
 * below was read off the raw files. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"
#include "lists/ofac_remarks.h"
#include "probity/entity.h"
#include "probity/lists.h"
#include "probity/store.h"

static char db[256], dir[96];
static const char *shared;
static struct probity_store *st;

static void remove_db(void)
{
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    char p[300];
    for (int i = 0; i < 4; i++) {
        snprintf(p, sizeof(p), "%s%s", db, suffix[i]);
        unlink(p);
    }
}

/* Each group of checks gets a store of its own: no diff against an unrelated version,
 * and no id held by two datasets at once. */
static int open_store(const char *tag)
{
    struct probity_error err;
    snprintf(db, sizeof(db), "%.95s/%.64s.db", dir, tag);
    remove_db();
    if (probity_store_open(&st, db, &err) != 0) {
        probity_error_print(stderr, &err);
        CHECK(0);
        return -1;
    }
    return 0;
}

static void close_store(void)
{
    probity_store_close(st);
    st = NULL;
    remove_db();
}

static const char *path(const char *rel)
{
    static char bufs[8][512];
    static int k;
    char *b = bufs[k++ % 8];
    snprintf(b, 512, "%s/data/lists/%s", shared, rel);
    return b;
}

static const char *tmp_path(const char *name)
{
    static char bufs[4][256];
    static int k;
    char *b = bufs[k++ % 4];
    snprintf(b, 256, "%s/%s", dir, name);
    return b;
}

/* Load files; returns the code, the result of the (single) dataset in *res. */
static int load(const char *const *paths, size_t n, int force, struct probity_load_result *res,
                struct probity_error *err)
{
    struct probity_load_opts o;
    struct probity_load_report rep;
    FILE *quiet = fopen("/dev/null", "w");
    int rc;
    memset(&o, 0, sizeof(o));
    o.force = force;
    probity_error_clear(err);
    rc = probity_load(st, paths, n, &o, quiet, &rep, err);
    if (quiet)
        fclose(quiet);
    if (res)
        memset(res, 0, sizeof(*res));
    if (rc == 0 && res && rep.n)
        *res = rep.results[0];
    if (rc)
        fprintf(stderr, "(load: %s line %ld: %s)\n", err->file, err->line, err->msg);
    probity_load_report_release(&rep);
    return rc;
}

struct counts {
    long person, org, vessel, airplane, sanction, ident, passport, address, link, wallet, ownership;
};

static int on_count(void *ctx, const char *key, long n)
{
    struct counts *c = ctx;
    static const struct {
        const char *schema;
        size_t off;
    } map[] = {{"Person", offsetof(struct counts, person)},
               {"Organization", offsetof(struct counts, org)},
               {"Vessel", offsetof(struct counts, vessel)},
               {"Airplane", offsetof(struct counts, airplane)},
               {"Sanction", offsetof(struct counts, sanction)},
               {"Identification", offsetof(struct counts, ident)},
               {"Passport", offsetof(struct counts, passport)},
               {"Address", offsetof(struct counts, address)},
               {"UnknownLink", offsetof(struct counts, link)},
               {"CryptoWallet", offsetof(struct counts, wallet)},
               {"Ownership", offsetof(struct counts, ownership)}};
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(map[i].schema, key) == 0)
            *(long *)((char *)c + map[i].off) = n;
    return 0;
}

static struct counts counts_of(int64_t vid)
{
    struct counts c;
    struct probity_error err;
    memset(&c, 0, sizeof(c));
    CHECK_INT(probity_store_schema_counts(st, vid, on_count, &c, &err), 0);
    return c;
}

static long primaries(const struct counts *c) { return c->person + c->org + c->vessel + c->airplane; }

/* Non-zero if entity `id` (current versions) has prop = value. */
static int has(const char *id, const char *prop, const char *value)
{
    struct probity_entity e;
    struct probity_error err;
    int found = 0;
    probity_entity_init(&e);
    if (probity_store_get(st, id, &e, NULL, 0, &err) == 0)
        for (size_t i = 0; i < e.nprops; i++)
            if (strcmp(e.props[i].prop, prop) == 0 && strcmp(e.props[i].value, value) == 0)
                found = 1;
    if (!found)
        fprintf(stderr, "  (%s has no %s = \"%s\")\n", id, prop, value);
    probity_entity_release(&e);
    return found;
}

static int count_values(const char *id, const char *prop)
{
    struct probity_entity e;
    struct probity_error err;
    int n = 0;
    probity_entity_init(&e);
    if (probity_store_get(st, id, &e, NULL, 0, &err) == 0)
        for (size_t i = 0; i < e.nprops; i++)
            n += strcmp(e.props[i].prop, prop) == 0;
    probity_entity_release(&e);
    return n;
}

static const char *schema_of(const char *id)
{
    static char s[64];
    struct probity_entity e;
    struct probity_error err;
    probity_entity_init(&e);
    s[0] = 0;
    if (probity_store_get(st, id, &e, NULL, 0, &err) == 0)
        snprintf(s, sizeof(s), "%s", e.schema);
    probity_entity_release(&e);
    return s;
}

/* A person written "LAST, First" keeps that name and gets lastName and firstName. */
static int name_split(const char *id)
{
    struct probity_entity e;
    struct probity_error err;
    const char *name, *last, *first;
    char joined[512];
    int ok = 0;
    probity_entity_init(&e);
    if (probity_store_get(st, id, &e, NULL, 0, &err) == 0 && (name = probity_entity_first(&e, "name")) &&
        (last = probity_entity_first(&e, "lastName")) && (first = probity_entity_first(&e, "firstName"))) {
        snprintf(joined, sizeof(joined), "%s, %s", last, first);
        ok = strcmp(joined, name) == 0;
    }
    probity_entity_release(&e);
    return ok;
}

/* The weak alias of `ent` cut between the primary file's remarks and the comments file:
 * the text after the last "a.k.a. '" of the primary row plus the comment's text up to
 * its first quote must be one of the record's weak aliases. */
static int glued_alias(const char *prim, const char *comments, const char *ent)
{
    char head[256] = "", tail[256] = "", key[32], id[32], alias[512];
    char line[8192];
    FILE *fp;
    snprintf(key, sizeof(key), "%s,", ent);
    if ((fp = fopen(path(prim), "rb"))) {
        while (fgets(line, sizeof(line), fp))
            if (strncmp(line, key, strlen(key)) == 0) {
                char *a = NULL, *p = line, *q;
                while ((q = strstr(p, "a.k.a. '")))
                    a = q + 8, p = q + 1;
                if (a && (q = strchr(a, '"')))
                    snprintf(head, sizeof(head), "%.*s", (int)(q - a), a);
            }
        fclose(fp);
    }
    if ((fp = fopen(path(comments), "rb"))) {
        while (fgets(line, sizeof(line), fp))
            if (strncmp(line, key, strlen(key)) == 0) {
                char *a = strchr(line, '"'), *q = a ? strchr(a, '\'') : NULL;
                if (q)
                    snprintf(tail, sizeof(tail), "%.*s", (int)(q - a - 1), a + 1);
            }
        fclose(fp);
    }
    if (!head[0] || !tail[0])
        return 0;
    snprintf(alias, sizeof(alias), "%s%s", head, tail);
    snprintf(id, sizeof(id), "ofac-%s", ent);
    return has(id, "weakAlias", alias);
}

struct refs {
    char subjects[1024];
    int links;
};

static int on_ref(void *ctx, const struct probity_entity *e, const char *dataset)
{
    struct refs *r = ctx;
    (void)dataset;
    if (strcmp(e->schema, "UnknownLink") != 0)
        return 0;
    r->links++;
    for (size_t i = 0; i < e->nprops; i++) {
        size_t used = strlen(r->subjects), n = strlen(e->props[i].value);
        if (strcmp(e->props[i].prop, "subject") == 0 && used + n + 2 <= sizeof(r->subjects))
            snprintf(r->subjects + used, sizeof(r->subjects) - used, "%s ", e->props[i].value);
    }
    return 0;
}

static struct refs referrers(const char *id)
{
    struct refs r;
    struct probity_error err;
    memset(&r, 0, sizeof(r));
    CHECK_INT(probity_store_referrers(st, id, on_ref, &r, &err), 0);
    return r;
}

static int on_version(void *ctx, const struct probity_version *v)
{
    (void)v;
    (*(int *)ctx)++;
    return 0;
}

static int nversions(void)
{
    struct probity_error err;
    int n = 0;
    probity_store_versions(st, NULL, on_version, &n, &err);
    return n;
}

/* Write `text` to dir/name. */
static const char *write_file(const char *name, const char *text, size_t len)
{
    const char *p = tmp_path(name);
    FILE *fp = fopen(p, "wb");
    CHECK(fp != NULL);
    if (fp) {
        fwrite(text, 1, len, fp);
        fclose(fp);
    }
    return p;
}

static char *slurp(const char *p, size_t *len)
{
    FILE *fp = fopen(p, "rb");
    char *s;
    long n;
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, fp) != (size_t)n) {
        free(s);
        s = NULL;
    }
    if (s)
        s[n] = 0;
    fclose(fp);
    *len = (size_t)n;
    return s;
}

/* Offset of the start of 1-based line `line` in s. */
static size_t line_start(const char *s, int line)
{
    size_t off = 0;
    for (int l = 1; l < line; l++)
        off = (size_t)(strchr(s + off, '\n') - s) + 1;
    return off;
}

/* The Remarks reader on its own, on items copied from the lists. */
static void test_remarks(void)
{
    char text[] = "DOB 10 Dec 1948; alt. POB Kairouan, Tunisia; Chief Ideological Figure of ISLAMIC "
                  "GAMA'AT; a.k.a. 'AL-NOOR'S TRADING'; Linked To: GRUPO MUNDO MARINO, S.A.";
    char *cur = text, *item, *number, *country, *issued, *expires;
    const char *items[8], *value;
    const struct pb_ofac_rule *r;
    int n = 0;
    while ((item = pb__ofac_next_item(&cur)) && n < 8)
        items[n++] = item;
    CHECK_INT(n, 5);
    CHECK_STR(items[1], "POB Kairouan, Tunisia");               /* "alt. " dropped */
    CHECK_STR(items[2], "Chief Ideological Figure of ISLAMIC GAMA'AT"); /* an apostrophe is no quote */
    CHECK_STR(items[3], "a.k.a. 'AL-NOOR'S TRADING'");
    CHECK_STR(items[4], "Linked To: GRUPO MUNDO MARINO, S.A");  /* the closing full stop goes */

    CHECK((r = pb__ofac_match("Nationality of Registration Korea, North", &value)) != NULL);
    CHECK_STR(r ? r->prop : NULL, "country");
    CHECK_STR(value, "Korea, North");
    CHECK((r = pb__ofac_match("nationality Iran", &value)) != NULL);
    CHECK_STR(r ? r->prop : NULL, "nationality");
    CHECK((r = pb__ofac_match("C.U.I.T. 30-68074603-2 (Argentina)", &value)) != NULL);
    CHECK_STR(r ? r->prop : NULL, "taxNumber");               /* not C.U.I. */
    CHECK((r = pb__ofac_match("NIT # 59536969 (Guatemala)", &value)) != NULL);
    CHECK_STR(value, "59536969 (Guatemala)");
    CHECK((r = pb__ofac_match("Email:adelb@shabakah.net.sa", &value)) != NULL);
    CHECK_STR(value, "adelb@shabakah.net.sa");
    CHECK(pb__ofac_match("Citizen's Card Number 372426197811220350 (China)", &value) != NULL);
    CHECK_STR(value, "372426197811220350 (China)");
    CHECK(pb__ofac_match("Minister of Defense", &value) == NULL);

    {
        char v[] = "RL0000432 (Lebanon) issued 31 Jan 2013 expires 31 Jan 2018";
        pb__ofac_split_id(v, &number, &country, &issued, &expires);
        CHECK_STR(number, "RL0000432");
        CHECK_STR(country, "Lebanon");
        CHECK_STR(issued, "31 Jan 2013");
        CHECK_STR(expires, "31 Jan 2018");
    }
    {
        char v[] = "HRA 738077 (Stuttgart) (Germany)";
        pb__ofac_split_id(v, &number, &country, &issued, &expires);
        CHECK_STR(number, "HRA 738077");
        CHECK_STR(country, "Germany");
        CHECK(issued == NULL && expires == NULL);
    }
    {
        char v[] = "D489833(9) (Hong Kong)";
        pb__ofac_split_id(v, &number, &country, &issued, &expires);
        CHECK_STR(number, "D489833(9)");
        CHECK_STR(country, "Hong Kong");
    }
    {
        char v[] = "L246084 issued 10 Jun 1996 expires 09 Jun 2001";
        pb__ofac_split_id(v, &number, &country, &issued, &expires);
        CHECK_STR(number, "L246084");
        CHECK(country == NULL);
        CHECK_STR(issued, "10 Jun 1996");
        CHECK_STR(expires, "09 Jun 2001");
    }
}

static void test_sdn_2024(void)
{
    const char *files[] = {path("ofac_sdn/2024-05-03_full/sdn.csv")};
    struct probity_load_result r;
    struct probity_error err;
    struct counts c;
    struct refs refs;
    CHECK_INT(load(files, 1, 0, &r, &err), 0);
    CHECK_STR(r.version.dataset, "us_ofac_sdn");
    c = counts_of(r.version.id);
    /* 14965 rows: -0-:6884, individual:6854, vessel:851, aircraft:376 */
    CHECK_INT(primaries(&c), 14965);
    CHECK_INT(c.person, 6854);
    CHECK_INT(c.org, 6884);
    CHECK_INT(c.vessel, 851);
    CHECK_INT(c.airplane, 376);
    CHECK_INT(c.sanction, 14965);
    CHECK(c.ident + c.passport > 10000);
    CHECK(c.link > 6000);
    CHECK(c.wallet > 200);
    CHECK_INT(c.address, 0); /* no add.csv for this date */

    /* "Linked To: XINJIANG PUBLIC SECURITY BUREAU." in four persons' remarks */
    CHECK(has("ofac-29159", "name", "XINJIANG PUBLIC SECURITY BUREAU"));
    CHECK_STR(schema_of("ofac-29159"), "Organization");
    refs = referrers("ofac-29159");
    CHECK_INT(refs.links, 4);
    CHECK(strstr(refs.subjects, "ofac-31493 ") != NULL);
    CHECK(strstr(refs.subjects, "ofac-34079 ") != NULL);
    CHECK(strstr(refs.subjects, "ofac-34119 ") != NULL);
    CHECK(strstr(refs.subjects, "ofac-39417 ") != NULL);
    CHECK(has("ofac-31493-link-ofac-29159", "role", "Linked To"));
    CHECK_STR(schema_of("ofac-31493"), "Person");
    /* two records are called MINISTRY OF STATE SECURITY; the DPRK3 person links to the
     * DPRK3 one */
    CHECK(has("ofac-20130-link-ofac-20129", "object", "ofac-20129"));
    CHECK_STR(schema_of("ofac-20130-link-ofac-25437"), "");

    /* a person, written "LAST, First" */
    CHECK(name_split("ofac-47682"));
    CHECK(has("ofac-47682", "birthDate", "1996-04-08"));
    CHECK(has("ofac-47682", "gender", "male"));
    CHECK(has("ofac-47682", "nationality", "ru"));
    CHECK_INT(count_values("ofac-47682", "email"), 1);
    CHECK(has("ofac-47682", "passportNumber", "7019934211"));
    CHECK_INT(count_values("ofac-47682", "weakAlias"), 5); /* the sixth is cut off: "a.k.a. '@" */
    CHECK(has("ofac-47682", "program", "CYBER2"));
    CHECK_STR(schema_of("ofac-47682-ident-1"), "Passport");
    CHECK(has("ofac-47682-ident-1", "number", "7019934211"));
    CHECK(has("ofac-47682-ident-1", "country", "ru"));
    CHECK(has("ofac-47682-ident-1", "holder", "ofac-47682"));
    CHECK(has("ofac-47682-wallet-bc1q5jqgm7nvrhaw2rh2vk0dk8e4gg5g373g0vz07r", "currency", "XBT"));
    CHECK(has("ofac-47682-wallet-0xf3701f445b6bdafedbca97d1e477357839e4120d", "holder", "ofac-47682"));
    CHECK(has("ofac-47682-sanction", "provisions",
              "Secondary sanctions risk: Ukraine-/Russia-Related Sanctions Regulations, 31 CFR 589.201"));
    CHECK(has("ofac-47682-sanction", "authorityId", "47682"));
    CHECK(has("ofac-47682-sanction", "authority", "US Treasury OFAC"));
    CHECK(has("ofac-47682-sanction", "entity", "ofac-47682"));
    /* weak alias in quotes on an organisation; the full remarks stay in notes */
    CHECK(has("ofac-306", "weakAlias", "BNC"));
    CHECK(has("ofac-306", "notes", "a.k.a. 'BNC'."));
    /* several programs in one cell */
    CHECK(has("ofac-39417", "program", "GLOMAG"));
    CHECK(has("ofac-39417", "program", "UHRPA"));

    /* a vessel: 15036 ARTAVIL, with its columns and its remarks */
    CHECK_STR(schema_of("ofac-15036"), "Vessel");
    CHECK(has("ofac-15036", "callSign", "T2EU4"));
    CHECK(has("ofac-15036", "type", "Crude/Oil Products Tanker"));
    CHECK(has("ofac-15036", "tonnage", "99144"));
    CHECK(has("ofac-15036", "grossRegisteredTonnage", "56068"));
    CHECK(has("ofac-15036", "flag", "ir"));
    CHECK(has("ofac-15036", "pastFlags", "mt"));
    CHECK(has("ofac-15036", "imoNumber", "IMO9187629"));
    CHECK(has("ofac-15036", "mmsi", "572469210"));
    CHECK(has("ofac-15036", "previousName", "ALPHA"));
    CHECK_INT(referrers("ofac-15117").links > 0, 1); /* Linked To: NATIONAL IRANIAN TANKER COMPANY */
    CHECK(has("ofac-15036-link-ofac-15117", "subject", "ofac-15036"));
    /* an aircraft: 15431 EP-GOM, Linked To: POUYA AIR */
    CHECK_STR(schema_of("ofac-15431"), "Airplane");
    CHECK(has("ofac-15431", "serialNumber", "1023409321"));
    CHECK(has("ofac-15431", "buildDate", "1992"));
    CHECK(has("ofac-15431", "model", "IL76-TD"));
    CHECK(has("ofac-15431-link-ofac-13109", "role", "Linked To"));
    /* the ten "Linked To" names that no record (or more than one) carries */
    CHECK_INT(r.warnings, 10);

    /* the same file again changes nothing */
    CHECK_INT(load(files, 1, 0, &r, &err), 0);
    CHECK_INT(r.unchanged, 1);
}

static void test_sdn_2021_set(void)
{
    const char *files[] = {path("ofac_sdn/2021-07_watchman_bench/sdn_comments.csv"),
                           path("ofac_sdn/2021-07_watchman_bench/add.csv"),
                           path("ofac_sdn/2021-07_watchman_bench/sdn.csv"),
                           path("ofac_sdn/2021-07_watchman_bench/alt.csv")};
    struct probity_load_result r;
    struct probity_error err;
    struct counts c;
    CHECK_INT(load(files, 4, 0, &r, &err), 0);
    c = counts_of(r.version.id);
    /* individual:4620, -0-:3673, vessel:406, aircraft:277 */
    CHECK_INT(primaries(&c), 8976);
    CHECK_INT(c.person, 4620);
    CHECK_INT(c.org, 3673);
    CHECK_INT(c.vessel, 406);
    CHECK_INT(c.airplane, 277);
    CHECK_INT(c.address, 11440); /* 13837 rows, of which 2397 are "-0-" throughout */
    /* alt.csv: 306,220,"aka","NATIONAL BANK OF CUBA"; add.csv: 306,199,"Zweierstrasse 35","Zurich CH-8022" */
    CHECK(has("ofac-306", "alias", "NATIONAL BANK OF CUBA"));
    CHECK(has("ofac-306", "weakAlias", "BNC"));
    CHECK(has("ofac-306", "addressEntity", "ofac-306-addr-199"));
    CHECK(has("ofac-306", "address", "Zweierstrasse 35, Zurich CH-8022, Switzerland"));
    CHECK(has("ofac-306", "country", "ch"));
    CHECK(has("ofac-306-addr-199", "street", "Zweierstrasse 35"));
    CHECK(has("ofac-306-addr-199", "city", "Zurich CH-8022"));
    CHECK(has("ofac-306-addr-199", "country", "ch"));
    /* sdn_comments.csv continues cut remarks:
     * "...a.k.a. '<head>" + "<tail>'; Linked To: LAZARUS GROUP." */
    CHECK(glued_alias("ofac_sdn/2021-07_watchman_bench/sdn.csv",
                      "ofac_sdn/2021-07_watchman_bench/sdn_comments.csv", "28263"));
    CHECK(has("ofac-28263-link-ofac-27307", "object", "ofac-27307"));
    /* "...Linked To: PROMO RAI" + "Z S.A.S.; ..." */
    CHECK(has("ofac-12300-link-ofac-12396", "subject", "ofac-12300"));
}

static void test_consolidated(void)
{
    const char *files[] = {path("ofac_nonsdn_consolidated/2025-12/cons_prim.csv"),
                           path("ofac_nonsdn_consolidated/2025-12/cons_alt.csv"),
                           path("ofac_nonsdn_consolidated/2025-12/cons_add.csv"),
                           path("ofac_nonsdn_consolidated/2025-12/cons_comments.csv")};
    struct probity_load_result r;
    struct probity_error err;
    struct counts c;
    CHECK_INT(load(files, 4, 0, &r, &err), 0);
    CHECK_STR(r.version.dataset, "us_ofac_cons");
    c = counts_of(r.version.id);
    CHECK_INT(primaries(&c), 442); /* -0-:363, individual:79 */
    CHECK_INT(c.person, 79);
    CHECK_INT(c.org, 363);
    /* 17014 JOINT STOCK COMPANY RUSSIAN AGRICULTURAL BANK */
    CHECK(has("ofac-17014", "swiftBic", "RUAGRUMM"));
    CHECK(has("ofac-17014", "website", "http://www.rshb.ru"));
    CHECK(has("ofac-17014", "alias", "ROSSELKHOZBANK"));
    CHECK(has("ofac-17014", "program", "RUSSIA-EO14024"));
    CHECK(has("ofac-17014-addr-25802", "street", "3, Gagarinsky Pereulok"));
    /* the end of its remarks is in cons_comments.csv: "...Registration Numbe" + "r 1027700342890
     * (Russia); ...; a.k.a. 'RUSAG'." */
    CHECK(has("ofac-17014", "weakAlias", "RUSAG"));
    CHECK(has("ofac-17014", "registrationNumber", "1027700342890"));
    CHECK(has("ofac-17014", "ogrnCode", "1027700342890"));
    CHECK(has("ofac-17014-sanction", "provisions",
              "Executive Order 13662 Directive Determination - Subject to Directive 1"));
}

static void test_mini(void)
{
    const char *files[] = {path("ofac_sdn/watchman_mini/sdn.csv"), path("ofac_sdn/watchman_mini/alt.csv"),
                           path("ofac_sdn/watchman_mini/add.csv"),
                           path("ofac_sdn/watchman_mini/sdn_comments.csv")};
    const char *names[] = {"one.csv", "two.csv", "three.csv", "four.csv"};
    const char *copies[4];
    struct probity_load_result r;
    struct probity_error err;
    struct counts c;
    long warnings;
    CHECK_INT(load(files, 4, 0, &r, &err), 0);
    c = counts_of(r.version.id);
    CHECK_INT(primaries(&c), 17); /* -0-:7, individual:4, vessel:4, aircraft:2 */
    CHECK_INT(c.vessel, 4);
    CHECK_INT(c.airplane, 2);
    /* 5 alt rows and 4 add rows of ent_nums that sdn.csv does not have, and 11 "Linked To"
     * names of records outside this sample */
    CHECK_INT(r.warnings, 20);
    warnings = r.warnings;
    /* 10278, "individual": "DOB 28 Jul 1963; POB Toledo District, Belize; Passport P0017003
     * (Belize); SSN 561-77-9011 (United States); a.k.a. '...'." */
    CHECK(name_split("ofac-10278"));
    CHECK(has("ofac-10278", "birthDate", "1963-07-28"));
    CHECK(has("ofac-10278", "birthPlace", "Toledo District, Belize"));
    CHECK(has("ofac-10278", "passportNumber", "P0017003"));
    CHECK(has("ofac-10278", "socialSecurityNumber", "561-77-9011"));
    CHECK_INT(count_values("ofac-10278", "weakAlias"), 1);
    CHECK(has("ofac-10278", "program", "SDNT"));
    CHECK(has("ofac-10278-ident-2", "type", "SSN"));
    /* 12685: Website, Email Address, Registration ID (Switzerland), Telephone No. */
    CHECK(has("ofac-12685", "website", "www.gicdf.org"));
    CHECK(has("ofac-12685", "email", "info@gicdf.org"));
    CHECK(has("ofac-12685", "registrationNumber", "CH-660.0.699.004-7"));
    CHECK(has("ofac-12685", "phone", "(218) (0)214778301"));
    /* 11195: National ID No., Registration Number, Linked To, secondary sanctions */
    CHECK(has("ofac-11195", "idNumber", "10100722073"));
    CHECK(has("ofac-11195", "registrationNumber", "26740"));
    CHECK(has("ofac-11195", "alias", "HESA TRADE CENTER"));
    CHECK(has("ofac-11195", "weakAlias", "HAVA PEYMA SAZI-E IRAN"));
    CHECK(has("ofac-11195-sanction", "provisions",
              "Additional Sanctions Information - Subject to Secondary Sanctions"));
    /* 33151 remarks continued in sdn_comments.csv */
    CHECK(has("ofac-33151", "leiCode", "5299007NTWCC3U23WM81"));
    CHECK(has("ofac-33151", "incorporationDate", "2018-09-25"));
    CHECK(has("ofac-33151", "weakAlias", "SUCCESSFUL EXCHANGE"));
    CHECK(has("ofac-33151-wallet-0x2f389ce8bd8ff92de3402ffce4691d17fc4f6535", "currency", "ETH"));

    /* the same files under names that say nothing: roles from their column counts */
    for (int i = 0; i < 4; i++) {
        size_t len;
        char *text = slurp(files[i], &len);
        CHECK(text != NULL);
        copies[i] = text ? write_file(names[i], text, len) : "";
        free(text);
    }
    CHECK_INT(load(copies, 4, 1, &r, &err), 0);
    c = counts_of(r.version.id);
    CHECK_INT(primaries(&c), 17);
    CHECK_INT(r.warnings, warnings);
    CHECK(has("ofac-33151", "weakAlias", "SUCCESSFUL EXCHANGE"));
    for (int i = 0; i < 4; i++)
        unlink(copies[i]);
}

static void test_alt_add_orphans(void)
{
    const char *files[] = {path("ofac_sdn/2024-05-03_full/sdn.csv"),
                           path("ofac_sdn/2026-06_alt_add_only/alt.csv"),
                           path("ofac_sdn/2026-06_alt_add_only/add.csv")};
    struct probity_load_result r;
    struct probity_error err;
    struct counts c;
    CHECK_INT(load(files, 3, 0, &r, &err), 0);
    c = counts_of(r.version.id);
    CHECK_INT(primaries(&c), 14965);
    CHECK(c.address > 10000);
    /* 2727 alias rows and 5598 address rows of ent_nums added after May 2024 are dropped
     * with a warning each, next to the ten "Linked To" warnings of sdn.csv */
    CHECK_INT(r.warnings, 2727 + 5598 + 10);
    CHECK(has("ofac-306", "alias", "NATIONAL BANK OF CUBA"));
    CHECK(has("ofac-29159", "name", "XINJIANG PUBLIC SECURITY BUREAU"));
    CHECK_INT(referrers("ofac-29159").links, 4);
}

static void test_bad_input(void)
{
    const char *mini = path("ofac_sdn/watchman_mini/sdn.csv");
    struct probity_version before, after;
    struct probity_error err;
    size_t len, off;
    int nv = nversions();
    char *text = slurp(mini, &len), *bad;
    const char *p;
    CHECK(text != NULL);
    if (!text)
        return;
    CHECK_INT(probity_store_version_get(st, "us_ofac_sdn", 0, &before, &err), 0);
    mkdir(tmp_path("trunc"), 0700);
    mkdir(tmp_path("cols"), 0700);

    /* cut inside the quoted Remarks of line 6 */
    off = (size_t)(strchr(text + line_start(text, 6), '\n') - text);
    while (off && !(text[off - 1] == ',' && text[off] == '"'))
        off--;
    off += 10;
    p = write_file("trunc/sdn.csv", text, off);
    CHECK_INT(load(&p, 1, 0, NULL, &err), PROBITY_EPARSE);
    CHECK_INT(err.line, 6);
    CHECK(strstr(err.file, "trunc/sdn.csv") != NULL);
    unlink(p);

    /* line 4 loses a column */
    bad = malloc(len + 1);
    CHECK(bad != NULL);
    if (bad) {
        size_t l4 = line_start(text, 4), comma = l4 + (size_t)(strstr(text + l4, ",-0- ,") - (text + l4));
        memcpy(bad, text, comma);
        memcpy(bad + comma, text + comma + 5, len - comma - 5);
        p = write_file("cols/sdn.csv", bad, len - 5);
        CHECK_INT(load(&p, 1, 0, NULL, &err), PROBITY_EPARSE);
        CHECK_INT(err.line, 4);
        CHECK(strstr(err.msg, "11 fields") != NULL);
        unlink(p);
        free(bad);
    }

    /* an alias row with a sixth cell */
    {
        static const char alt[] = "36,12,\"aka\",\"AERO-CARIBBEAN\",-0- \r\n173,57,\"aka\",\"AVIA\",-0- ,x\r\n";
        const char *two[] = {tmp_path("cols/sdn.csv"), tmp_path("cols/alt.csv")};
        size_t n1;
        char *sdn = slurp(path("ofac_sdn/watchman_mini/sdn.csv"), &n1);
        write_file("cols/sdn.csv", sdn ? sdn : "", sdn ? n1 : 0);
        write_file("cols/alt.csv", alt, sizeof(alt) - 1);
        free(sdn);
        CHECK_INT(load(two, 2, 0, NULL, &err), PROBITY_EPARSE);
        CHECK_INT(err.line, 2);
        CHECK(strstr(err.file, "alt.csv") != NULL);
        unlink(two[0]);
        unlink(two[1]);
    }

    /* alt.csv and add.csv without their sdn.csv */
    {
        const char *two[] = {path("ofac_sdn/2026-06_alt_add_only/alt.csv"),
                             path("ofac_sdn/2026-06_alt_add_only/add.csv")};
        CHECK_INT(load(two, 2, 0, NULL, &err), PROBITY_EINVAL);
        CHECK(strstr(err.msg, "primary file") != NULL);
    }

    /* a failed load leaves the store as it was */
    CHECK_INT(nversions(), nv);
    CHECK_INT(probity_store_version_get(st, "us_ofac_sdn", 0, &after, &err), 0);
    CHECK_INT(after.id, before.id);
    CHECK_INT(after.entities, before.entities);
    rmdir(tmp_path("trunc"));
    rmdir(tmp_path("cols"));
    free(text);
}

int main(void)
{
    shared = check_shared();
    snprintf(dir, sizeof(dir), "/tmp/pb-test-ofac-csv-%d", (int)getpid());
    mkdir(dir, 0700);
    test_remarks();
    if (open_store("sdn2024") == 0) {
        test_sdn_2024();
        close_store();
    }
    if (open_store("sdn2021") == 0) {
        test_sdn_2021_set();
        close_store();
    }
    if (open_store("cons") == 0) {
        test_consolidated();
        close_store();
    }
    if (open_store("mini") == 0) {
        test_mini();
        test_bad_input();
        close_store();
    }
    if (open_store("orphans") == 0) {
        test_alt_add_orphans();
        close_store();
    }
    rmdir(dir);
    return check_done();
}
