/* The trade.gov Consolidated Screening List (CSL) as CSV: eleven US export-control and
 * sanctions lists in one file, one row per listing. Two layouts exist: the 2019 one
 * (header starting `source,entity_number,...`) and the current one with a leading `_id`
 * column; columns are found by header name so both, and any reordering, read the same.
 * Multi-valued cells are joined with "; ". The `ids` cell packs typed identifiers, each
 * "Type, Number, Country" in the current layout and "Country, Number, Type" in 2019;
 * they become FtM properties, Identification entities or sanction provisions. Rows of
 * the 2019 layout have no id of their own: OFAC rows keep their entity number (which is
 * also their `_id` today), other rows get a hash of their source and name, so repeated
 * rows of one party (one per address on the Entity List) merge into one entity. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "core/core.h"
#include "core/csv.h"
#include "lists/loader.h"
#include "probity/model.h"

enum {
    C_ID, C_SOURCE, C_ENTNUM, C_TYPE, C_PROGRAMS, C_NAME, C_TITLE, C_ADDRESSES, C_FRN, C_START,
    C_END, C_STDORDER, C_LICREQ, C_LICPOL, C_CALLSIGN, C_VTYPE, C_GT, C_GRT, C_VFLAG, C_VOWNER,
    C_REMARKS, C_LISTURL, C_ALT, C_CITIZEN, C_DOB, C_NATIONALITY, C_POB, C_INFOURL, C_IDS, NCOLS
};

static const char *const col_names[NCOLS] = {
    "_id", "source", "entity_number", "type", "programs", "name", "title", "addresses",
    "federal_register_notice", "start_date", "end_date", "standard_order", "license_requirement",
    "license_policy", "call_sign", "vessel_type", "gross_tonnage", "gross_registered_tonnage",
    "vessel_flag", "vessel_owner", "remarks", "source_list_url", "alt_names", "citizenships",
    "dates_of_birth", "nationalities", "places_of_birth", "source_information_url", "ids"};

struct csl {
    const struct pb_load_args *a;
    const char *path;
    long line;
    int col[NCOLS];             /* field index of each known column, -1 when absent */
    size_t ncols;               /* fields in the header */
    char **f;                   /* the current row */
    struct probity_entity e, sub;
    struct pb_buf part, tmp, key;
};

static const char *cell(const struct csl *c, int k)
{
    return c->col[k] >= 0 ? c->f[c->col[k]] : "";
}

static int fail_add(struct csl *c, int rc, const char *prop)
{
    if (rc == PROBITY_EENCODING)
        return pb__err(c->a->err, rc, c->path, c->line, 0, "invalid UTF-8 in %s", prop);
    return pb__err(c->a->err, PROBITY_ENOMEM, c->path, c->line, 0, "out of memory");
}

static int add(struct csl *c, struct probity_entity *e, const char *prop, const char *value)
{
    int rc = probity_entity_add(e, prop, value);
    return rc ? fail_add(c, rc, prop) : 0;
}

/* Add a value under `prop` when the schema has it; otherwise keep it as a labelled note
 * rather than lose it (a title on an Organization, a birth date on a LegalEntity). */
static int put(struct csl *c, struct probity_entity *e, const char *prop, const char *value, const char *label)
{
    if (!value || !*value)
        return 0;
    if (probity_prop_type(e->schema, prop))
        return add(c, e, prop, value);
    pb_buf_reset(&c->tmp);
    if (pb_buf_addf(&c->tmp, "%s: %s", label, value))
        return fail_add(c, PROBITY_ENOMEM, prop);
    return add(c, e, "notes", pb_buf_str(&c->tmp));
}

static int put_date(struct csl *c, struct probity_entity *e, const char *prop, const char *value, const char *label)
{
    char iso[11];
    return put(c, e, prop, pb_date_iso(value, iso) == 0 ? iso : value, label);
}

static int put_country(struct csl *c, struct probity_entity *e, const char *prop, const char *value, const char *label)
{
    const char *code = pb__country_code(value);
    return put(c, e, prop, code ? code : value, label);
}

/* Copy the next `sep`-separated part of *p, trimmed, into c->part; a leading "and "
 * (lists end enumerations with "; and ...") is dropped. Returns 0 when none is left. */
static int next_part(struct csl *c, const char **p, char sep)
{
    const char *s = *p, *end;
    if (!s || !*s)
        return 0;
    end = strchr(s, sep);
    if (!end)
        end = s + strlen(s);
    *p = *end ? end + 1 : end;
    while (s < end && isspace((unsigned char)*s))
        s++;
    while (end > s && isspace((unsigned char)end[-1]))
        end--;
    if (end - s > 4 && pb_startswith_ci(s, "and "))
        s += 4;
    pb_buf_reset(&c->part);
    return pb_buf_add(&c->part, s, (size_t)(end - s)) ? -1 : 1;
}

static void hex64(char out[17], const void *data, size_t n)
{
    snprintf(out, 17, "%016llx", (unsigned long long)pb_hash64(data, n));
}

static int emit(struct csl *c, const struct probity_entity *e)
{
    return c->a->sink->emit(c->a->sink, e, c->a->err);
}

static const char *schema_of(const char *type)
{
    if (!*type)
        return "LegalEntity";
    if (pb_streq_ci(type, "Individual"))
        return "Person";
    if (pb_streq_ci(type, "Entity"))
        return "Organization";
    if (pb_streq_ci(type, "Vessel"))
        return "Vessel";
    if (pb_streq_ci(type, "Aircraft"))
        return "Airplane";
    return NULL;
}

/* FtM topic for the list a row comes from. */
static const char *topic_of(const char *source)
{
    if (strstr(source, "Debarred"))
        return "debarment";
    if (strstr(source, "Bureau of Industry and Security"))
        return "export.control";
    if (strstr(source, "Treasury") || strstr(source, "Sanction"))
        return "sanction";
    return NULL;
}

static int make_id(struct csl *c, struct pb_buf *id)
{
    const char *own = cell(c, C_ID), *num = cell(c, C_ENTNUM);
    char h[17];
    int digits = *num != 0;
    pb_buf_reset(id);
    if (*own)
        return pb_buf_addf(id, "csl-%s", own);
    for (const char *p = num; *p; p++)
        if (!isdigit((unsigned char)*p))
            digits = 0;
    if (digits)
        return pb_buf_addf(id, "csl-%s", num);
    pb_buf_reset(&c->key);
    if (pb__id_fold(&c->key, cell(c, C_SOURCE)) || pb_buf_addc(&c->key, '\x1f') ||
        pb__id_fold(&c->key, *num ? num : cell(c, C_NAME)))
        return -1;
    hex64(h, c->key.s, c->key.len);
    return pb_buf_addf(id, "csl-%s", h);
}

/* ---- the `ids` cell ---- */

enum { K_IDENT = 1, K_PASSPORT, K_PLAIN, K_DATE, K_COUNTRY, K_GENDER, K_IMO, K_SANCTION, K_WALLET };

struct id_kind {
    const char *needle;     /* found in the lower-cased type */
    const char *prop;
    int kind;
};

/* First match wins, so the more specific needles come first. */
static const struct id_kind id_kinds[] = {
    {"secondary sanctions", NULL, K_SANCTION},
    {"directive determination", NULL, K_SANCTION},
    {"additional sanctions information", NULL, K_SANCTION},
    {"transactions prohibited", NULL, K_SANCTION},
    {"executive order", NULL, K_SANCTION},
    {"caatsa", NULL, K_SANCTION},
    {"effective date", NULL, K_SANCTION},
    {"listing date", NULL, K_SANCTION},
    {"digital currency address", NULL, K_WALLET},
    {"passport", "passportNumber", K_PASSPORT},
    {"gender", "gender", K_GENDER},
    {"former vessel flag", "pastFlags", K_COUNTRY},
    {"vessel flag", "flag", K_COUNTRY},
    {"vessel registration identification", "imoNumber", K_IMO},
    {"mmsi", "mmsi", K_PLAIN},
    {"call sign", "callSign", K_PLAIN},
    {"vessel type", "type", K_PLAIN},
    {"vessel year of build", "buildDate", K_DATE},
    {"aircraft model", "model", K_PLAIN},
    {"aircraft manufacture date", "buildDate", K_DATE},
    {"aircraft tail number", "registrationNumber", K_PLAIN},
    {"serial number", "serialNumber", K_PLAIN},
    {"construction number", "serialNumber", K_PLAIN},
    {"swift", "swiftBic", K_PLAIN},
    {"website", "website", K_PLAIN},
    {"email", "email", K_PLAIN},
    {"phone", "phone", K_PLAIN},
    {"legal entity number", "leiCode", K_IDENT},
    {"d-u-n-s", "dunsCode", K_IDENT},
    {"vat", "vatCode", K_IDENT},
    {"tax", "taxNumber", K_IDENT},
    {"nit #", "taxNumber", K_IDENT},
    {"ruc #", "taxNumber", K_IDENT},
    {"registration", "registrationNumber", K_IDENT},
    {"registry", "registrationNumber", K_IDENT},
    {"company number", "registrationNumber", K_IDENT},
    {"matricula mercantil", "registrationNumber", K_IDENT},
    {"gazette", "registrationNumber", K_IDENT},
};

static int is_code(const char *s)
{
    return strlen(s) == 2 && isupper((unsigned char)s[0]) && isupper((unsigned char)s[1]) &&
           pb__country_code(s) != NULL;
}

/* One identifier "a, b, c" split into its type, number and country. */
struct ident {
    char type[128], number[256], country[64];
};

static void parse_ident(const char *text, int type_first, struct ident *id)
{
    char buf[512];
    char *piece[16];
    int n = 0, lo, hi;
    snprintf(buf, sizeof(buf), "%s", text);
    for (char *p = buf, *q; p && n < 16; p = q) {
        if ((q = n < 15 ? strchr(p, ',') : NULL)) /* the last piece keeps the rest */
            *q++ = 0;
        piece[n++] = pb_trim(p);
    }
    id->type[0] = id->number[0] = id->country[0] = 0;
    /* the layouts differ in order; a country code at one end settles which it is */
    if (n >= 3 && is_code(piece[n - 1]) && !is_code(piece[0]))
        type_first = 1;
    else if (n >= 3 && is_code(piece[0]) && !is_code(piece[n - 1]))
        type_first = 0;
    if (n == 1) {
        snprintf(id->type, sizeof(id->type), "%s", piece[0]);
        return;
    }
    if (type_first) {
        snprintf(id->type, sizeof(id->type), "%s", piece[0]);
        lo = 1, hi = n - 1;
        if (n >= 3 && is_code(piece[n - 1]))
            snprintf(id->country, sizeof(id->country), "%s", piece[hi--]);
    } else {
        snprintf(id->type, sizeof(id->type), "%s", piece[n - 1]);
        lo = 0, hi = n - 2;
        if (n >= 3 && is_code(piece[0]))
            snprintf(id->country, sizeof(id->country), "%s", piece[lo++]);
    }
    for (int i = lo; i <= hi; i++) {
        size_t l = strlen(id->number);
        snprintf(id->number + l, sizeof(id->number) - l, "%s%s", i > lo ? ", " : "", piece[i]);
    }
}

static const struct id_kind *kind_of(const char *type)
{
    char low[128];
    size_t i;
    size_t o = 0;
    /* "V.A.T. Number" reads as "vat number" */
    for (i = 0; type[i] && o + 1 < sizeof(low); i++)
        if (type[i] != '.')
            low[o++] = (char)tolower((unsigned char)type[i]);
    low[o] = 0;
    for (size_t k = 0; k < sizeof(id_kinds) / sizeof(id_kinds[0]); k++)
        if (strstr(low, id_kinds[k].needle))
            return &id_kinds[k];
    return NULL;
}

static int emit_identification(struct csl *c, const struct ident *id, int passport)
{
    char h[17];
    int rc;
    pb_buf_reset(&c->key);
    if (pb_buf_addf(&c->key, "%s\x1f%s", id->type, id->number))
        return fail_add(c, PROBITY_ENOMEM, "id");
    hex64(h, c->key.s, c->key.len);
    pb_buf_reset(&c->tmp);
    if (pb_buf_addf(&c->tmp, "%s-ident-%s", c->e.id, h) ||
        probity_entity_reset(&c->sub, pb_buf_str(&c->tmp), passport ? "Passport" : "Identification"))
        return fail_add(c, PROBITY_ENOMEM, "id");
    if ((rc = add(c, &c->sub, "holder", c->e.id)) || (rc = add(c, &c->sub, "type", id->type)) ||
        (rc = add(c, &c->sub, "number", id->number)) ||
        (passport && (rc = add(c, &c->sub, "passportNumber", id->number))) ||
        (*id->country && (rc = put_country(c, &c->sub, "country", id->country, "Country"))))
        return rc;
    return emit(c, &c->sub);
}

/* "Digital Currency Address - XBT, 1Abc...": a CryptoWallet held by the entity. */
static int emit_wallet(struct csl *c, const struct ident *id)
{
    const char *dash = strrchr(id->type, '-');
    int rc;
    pb_buf_reset(&c->tmp);
    if (pb_buf_addf(&c->tmp, "%s-wallet-%016llx", c->e.id,
                    (unsigned long long)pb_hash64(id->number, strlen(id->number))) ||
        probity_entity_reset(&c->sub, pb_buf_str(&c->tmp), "CryptoWallet"))
        return fail_add(c, PROBITY_ENOMEM, "ids");
    if ((rc = add(c, &c->sub, "publicKey", id->number)) || (rc = add(c, &c->sub, "holder", c->e.id)) ||
        (dash && (rc = add(c, &c->sub, "currencySymbol", dash + 1))))
        return rc;
    return emit(c, &c->sub);
}

static int load_ids(struct csl *c, struct probity_entity *sanction)
{
    const char *p = cell(c, C_IDS);
    int type_first = c->col[C_ID] >= 0, rc, r;
    struct ident id;
    while ((r = next_part(c, &p, ';')) > 0) {
        const struct id_kind *k;
        if (!c->part.len)
            continue;
        parse_ident(pb_buf_str(&c->part), type_first, &id);
        k = kind_of(id.type);
        if (!*id.number) {
            if ((rc = add(c, &c->e, "notes", pb_buf_str(&c->part))))
                return rc;
            continue;
        }
        if (k && k->kind == K_SANCTION) {
            size_t l = strlen(id.type);
            while (l && (id.type[l - 1] == '-' || id.type[l - 1] == ':' || id.type[l - 1] == ' '))
                id.type[--l] = 0;
            pb_buf_reset(&c->tmp);
            if (pb_buf_addf(&c->tmp, "%s: %s", id.type, id.number))
                return fail_add(c, PROBITY_ENOMEM, "ids");
            if ((rc = add(c, sanction, "provisions", pb_buf_str(&c->tmp))))
                return rc;
            continue;
        }
        if (!k) {
            /* an identifier type this loader does not know: a number stays an id number */
            int digits = 0;
            for (const char *q = id.number; *q; q++)
                digits |= isdigit((unsigned char)*q);
            if (!digits) {
                pb_buf_reset(&c->tmp);
                if (pb_buf_addf(&c->tmp, "%s: %s", id.type, id.number))
                    return fail_add(c, PROBITY_ENOMEM, "ids");
                if ((rc = add(c, &c->e, "notes", pb_buf_str(&c->tmp))))
                    return rc;
                continue;
            }
        }
        switch (k ? k->kind : K_IDENT) {
        case K_GENDER: {
            const char *g = pb_streq_ci(id.number, "male")     ? "male"
                            : pb_streq_ci(id.number, "female") ? "female"
                                                               : id.number;
            rc = put(c, &c->e, "gender", g, id.type);
            break;
        }
        case K_COUNTRY:
            rc = put_country(c, &c->e, k->prop, id.number, id.type);
            break;
        case K_DATE:
            rc = put_date(c, &c->e, k->prop, id.number, id.type);
            break;
        case K_IMO: {
            const char *n = pb_startswith_ci(id.number, "IMO ") ? id.number + 4 : id.number;
            rc = put(c, &c->e, k->prop, n, id.type);
            break;
        }
        case K_PLAIN:
            rc = put(c, &c->e, k->prop, id.number, id.type);
            break;
        case K_WALLET:
            rc = probity_schema_is_a(c->e.schema, "LegalEntity") ? emit_wallet(c, &id)
                                                                 : put(c, &c->e, "notes", id.number, id.type);
            break;
        default: { /* K_IDENT, K_PASSPORT and unknown types with a number */
            const char *prop = k ? k->prop : "idNumber";
            if (!probity_prop_type(c->e.schema, prop) && probity_prop_type(c->e.schema, "idNumber"))
                prop = "idNumber";
            if ((rc = put(c, &c->e, prop, id.number, id.type)))
                return rc;
            if (probity_schema_is_a(c->e.schema, "LegalEntity"))
                rc = emit_identification(c, &id, k && k->kind == K_PASSPORT);
            break;
        }
        }
        if (rc)
            return rc;
    }
    return r < 0 ? fail_add(c, PROBITY_ENOMEM, "ids") : 0;
}

/* ---- one row ---- */

static int load_addresses(struct csl *c)
{
    const char *p = cell(c, C_ADDRESSES);
    char h[17];
    int rc, r;
    while ((r = next_part(c, &p, ';')) > 0) {
        const char *text = pb_buf_str(&c->part), *last = strrchr(text, ',');
        if (!c->part.len)
            continue;
        last = last ? last + 1 : text;
        while (isspace((unsigned char)*last))
            last++;
        pb_buf_reset(&c->key);
        if (pb__id_fold(&c->key, text))
            return fail_add(c, PROBITY_ENOMEM, "addresses");
        hex64(h, pb_buf_str(&c->key), c->key.len);
        pb_buf_reset(&c->tmp);
        if (pb_buf_addf(&c->tmp, "%s-addr-%s", c->e.id, h) ||
            probity_entity_reset(&c->sub, pb_buf_str(&c->tmp), "Address"))
            return fail_add(c, PROBITY_ENOMEM, "addresses");
        if ((rc = add(c, &c->sub, "full", text)) || (rc = add(c, &c->e, "address", text)) ||
            (rc = add(c, &c->e, "addressEntity", c->sub.id)))
            return rc;
        if (is_code(last) && ((rc = add(c, &c->sub, "country", pb__country_code(last))) ||
                              (rc = put(c, &c->e, "country", pb__country_code(last), "Country"))))
            return rc;
        if ((rc = emit(c, &c->sub)))
            return rc;
    }
    return r < 0 ? fail_add(c, PROBITY_ENOMEM, "addresses") : 0;
}

/* Add every "; "-separated value of a cell, each through `fn`. */
static int add_multi(struct csl *c, int col, const char *prop, const char *label,
                     int (*fn)(struct csl *, struct probity_entity *, const char *, const char *, const char *))
{
    const char *p = cell(c, col);
    int rc, r;
    while ((r = next_part(c, &p, ';')) > 0)
        if ((rc = fn(c, &c->e, prop, pb_buf_str(&c->part), label)))
            return rc;
    return r < 0 ? fail_add(c, PROBITY_ENOMEM, prop) : 0;
}

static int vessel_owner(struct csl *c)
{
    const char *owner = cell(c, C_VOWNER);
    char h[17];
    struct pb_buf oid = PB_BUF_INIT;
    int rc = 0;
    if (!*owner)
        return 0;
    if (!probity_schema_is_a(c->e.schema, "Asset"))
        return put(c, &c->e, "notes", owner, "Vessel owner");
    pb_buf_reset(&c->key);
    if (pb__id_fold(&c->key, owner))
        return fail_add(c, PROBITY_ENOMEM, "vessel_owner");
    hex64(h, pb_buf_str(&c->key), c->key.len);
    if (pb_buf_addf(&oid, "csl-owner-%s", h) || probity_entity_reset(&c->sub, pb_buf_str(&oid), "LegalEntity")) {
        rc = fail_add(c, PROBITY_ENOMEM, "vessel_owner");
        goto out;
    }
    if ((rc = add(c, &c->sub, "name", owner)) || (rc = emit(c, &c->sub)))
        goto out;
    pb_buf_reset(&c->tmp);
    if (pb_buf_addf(&c->tmp, "%s-link-%s", c->e.id, pb_buf_str(&oid)) ||
        probity_entity_reset(&c->sub, pb_buf_str(&c->tmp), "Ownership")) {
        rc = fail_add(c, PROBITY_ENOMEM, "vessel_owner");
        goto out;
    }
    if ((rc = add(c, &c->sub, "owner", pb_buf_str(&oid))) || (rc = add(c, &c->sub, "asset", c->e.id)) ||
        (rc = add(c, &c->sub, "role", "Vessel owner")) || (rc = emit(c, &c->sub)))
        goto out;
out:
    pb_buf_release(&oid);
    return rc;
}

static int load_row(struct csl *c)
{
    const char *source = cell(c, C_SOURCE), *schema = schema_of(cell(c, C_TYPE)), *topic = topic_of(source);
    const char *dash = strstr(source, " - ");
    struct probity_entity sanction;
    struct pb_buf id = PB_BUF_INIT;
    int rc;
    probity_entity_init(&sanction);
    if (!schema) {
        c->a->sink->warn(c->a->sink, c->path, c->line, "unknown type '%s'; read as LegalEntity", cell(c, C_TYPE));
        schema = "LegalEntity";
    }
    if (make_id(c, &id) || probity_entity_reset(&c->e, pb_buf_str(&id), schema)) {
        rc = fail_add(c, PROBITY_ENOMEM, "id");
        goto out;
    }
    pb_buf_reset(&c->tmp);
    if (pb_buf_addf(&c->tmp, "%s-sanction", c->e.id) ||
        probity_entity_reset(&sanction, pb_buf_str(&c->tmp), "Sanction")) {
        rc = fail_add(c, PROBITY_ENOMEM, "id");
        goto out;
    }
    if ((rc = add(c, &c->e, "name", cell(c, C_NAME))) || (rc = add(c, &c->e, "program", source)) ||
        (topic && (rc = add(c, &c->e, "topics", topic))) ||
        (rc = add_multi(c, C_PROGRAMS, "program", "Program", put)) ||
        (rc = add_multi(c, C_ALT, "alias", "Alias", put)) ||
        (rc = put(c, &c->e, "title", cell(c, C_TITLE), "Title")) ||
        (rc = add_multi(c, C_DOB, "birthDate", "Date of birth", put_date)) ||
        (rc = add_multi(c, C_POB, "birthPlace", "Place of birth", put)) ||
        (rc = add_multi(c, C_CITIZEN, "citizenship", "Citizenship", put_country)) ||
        (rc = add_multi(c, C_NATIONALITY, "nationality", "Nationality", put_country)) ||
        (rc = put(c, &c->e, "callSign", cell(c, C_CALLSIGN), "Call sign")) ||
        (rc = put(c, &c->e, "type", cell(c, C_VTYPE), "Vessel type")) ||
        (rc = put(c, &c->e, "tonnage", cell(c, C_GT), "Gross tonnage")) ||
        (rc = put(c, &c->e, "grossRegisteredTonnage", cell(c, C_GRT), "Gross registered tonnage")) ||
        (rc = add_multi(c, C_VFLAG, "flag", "Flag", put_country)) ||
        (rc = put(c, &c->e, "notes", cell(c, C_REMARKS), "Remarks")) ||
        (rc = put(c, &c->e, "sourceUrl", cell(c, C_LISTURL), "Source")))
        goto out;
    /* the listing itself */
    if ((rc = add(c, &sanction, "entity", c->e.id)) || (rc = add(c, &sanction, "program", source)) ||
        (rc = add(c, &sanction, "authority", dash ? dash + 3 : source)) ||
        (rc = add(c, &sanction, "authorityId", cell(c, C_ENTNUM))))
        goto out;
    {
        const char *p = cell(c, C_PROGRAMS);
        int r;
        while ((r = next_part(c, &p, ';')) > 0)
            if ((rc = add(c, &sanction, "program", pb_buf_str(&c->part))))
                goto out;
    }
    if ((rc = add(c, &sanction, "summary", cell(c, C_FRN))) ||
        (rc = put_date(c, &sanction, "startDate", cell(c, C_START), "Start date")) ||
        (rc = put_date(c, &sanction, "listingDate", cell(c, C_START), "Start date")) ||
        (rc = put_date(c, &sanction, "endDate", cell(c, C_END), "End date")) ||
        (rc = add(c, &sanction, "sourceUrl", cell(c, C_LISTURL))) ||
        (rc = add(c, &sanction, "programUrl", cell(c, C_INFOURL))))
        goto out;
    if (*cell(c, C_STDORDER)) {
        const char *so = cell(c, C_STDORDER);
        if ((rc = add(c, &sanction, "provisions",
                      pb_streq_ci(so, "Y") ? "Standard order" : pb_streq_ci(so, "N") ? "Non-standard order" : so)))
            goto out;
    }
    if (*cell(c, C_LICREQ)) {
        pb_buf_reset(&c->tmp);
        if (pb_buf_addf(&c->tmp, "License requirement: %s", cell(c, C_LICREQ))) {
            rc = fail_add(c, PROBITY_ENOMEM, "license_requirement");
            goto out;
        }
        if ((rc = add(c, &sanction, "provisions", pb_buf_str(&c->tmp))))
            goto out;
    }
    if (*cell(c, C_LICPOL)) {
        pb_buf_reset(&c->tmp);
        if (pb_buf_addf(&c->tmp, "License policy: %s", cell(c, C_LICPOL))) {
            rc = fail_add(c, PROBITY_ENOMEM, "license_policy");
            goto out;
        }
        if ((rc = add(c, &sanction, "provisions", pb_buf_str(&c->tmp))))
            goto out;
    }
    if ((rc = load_ids(c, &sanction)) || (rc = load_addresses(c)) || (rc = vessel_owner(c)))
        goto out;
    if ((rc = emit(c, &c->e)) || (rc = emit(c, &sanction)))
        goto out;
out:
    probity_entity_release(&sanction);
    pb_buf_release(&id);
    return rc;
}

static int load_file(struct csl *c)
{
    struct pb_csv *csv = NULL;
    char **f;
    int rc, r;
    if ((rc = pb__csv_open_header(&csv, c->path, ',', c->a->opts->encoding, col_names, NCOLS, c->col, &c->ncols,
                                  "CSL", c->a->err)))
        return rc;
    if (c->col[C_SOURCE] < 0 || c->col[C_NAME] < 0) {
        rc = pb__err(c->a->err, PROBITY_EFORMAT, c->path, 1, 0,
                     "not a Consolidated Screening List header: no '%s' column",
                     c->col[C_SOURCE] < 0 ? "source" : "name");
        goto out;
    }
    while ((r = pb__csv_row(csv, c->ncols, &f, &c->line, c->path, c->a->err)) > 0) {
        c->f = f;
        if (!*cell(c, C_NAME)) {
            c->a->sink->warn(c->a->sink, c->path, c->line, "row without a name skipped");
            continue;
        }
        if ((rc = load_row(c)))
            goto out;
    }
    rc = r;
out:
    pb_csv_close(csv);
    return rc;
}

int pb__load_csl(const struct pb_load_args *a)
{
    struct csl c;
    int rc = 0;
    memset(&c, 0, sizeof(c));
    c.a = a;
    probity_entity_init(&c.e);
    probity_entity_init(&c.sub);
    for (size_t i = 0; i < a->npaths && !rc; i++) {
        c.path = a->paths[i];
        c.line = 0;
        rc = load_file(&c);
    }
    probity_entity_release(&c.e);
    probity_entity_release(&c.sub);
    pb_buf_release(&c.part);
    pb_buf_release(&c.tmp);
    pb_buf_release(&c.key);
    return rc;
}
