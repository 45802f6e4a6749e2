/* OFAC lists in the sdnList XML schema (SDN and the non-SDN consolidated list). Each sdnEntry
 * becomes `ofac-<uid>`, the same id the legacy CSV loader gives its ent_num, so both formats
 * of one list describe the same entities. Identity documents become Identification entities
 * and identifier properties; the id rows OFAC uses for sanction details (directives, CAATSA
 * and listing dates) go to the entry's Sanction instead. "Linked To:" remarks and vessel
 * owners are resolved by name once the whole file is read, which keeps the single streaming
 * pass: entries are expanded one at a time and only a name-to-id table is held. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lists/xml_util.h"
#include "text/text.h"

#define OFAC_AUTHORITY "US Treasury OFAC" /* as the legacy CSV loader writes it */

/* What an idList row means. */
enum id_kind {
    ID_IDENT,     /* an identifier: the property (when the schema has it) and an Identification */
    ID_PROP,      /* a plain property, not an identity document (website, e-mail, phone) */
    ID_DATE,      /* a date property of the entity */
    ID_COUNTRY,   /* a country property of the entity */
    ID_SAN_TEXT,  /* a detail of the sanction: Sanction.provisions "type value" */
    ID_SAN_LISTED,/* Sanction.listingDate */
    ID_SAN_START, /* Sanction.startDate */
};

enum id_match { EXACT, PREFIX, CONTAINS };

struct id_rule {
    const char *type; /* idType, compared without case */
    enum id_match match;
    enum id_kind kind;
    const char *prop;
};

static const struct id_rule id_rules[] = {
    {"Passport", EXACT, ID_IDENT, "passportNumber"},
    {"Diplomatic Passport", EXACT, ID_IDENT, "passportNumber"},
    {"Tax ID No.", EXACT, ID_IDENT, "taxNumber"},
    {"SWIFT/BIC", EXACT, ID_IDENT, "swiftBic"},
    {"Registration ID", EXACT, ID_IDENT, "registrationNumber"},
    {"Registration Number", EXACT, ID_IDENT, "registrationNumber"},
    {"Business Registration Number", EXACT, ID_IDENT, "registrationNumber"},
    {"Company Number", EXACT, ID_IDENT, "registrationNumber"},
    {"Unified Social Credit Code (USCC)", EXACT, ID_IDENT, "registrationNumber"},
    {"Aircraft Tail Number", EXACT, ID_IDENT, "registrationNumber"},
    {"Aircraft Manufacturer's Serial Number (MSN)", EXACT, ID_IDENT, "serialNumber"},
    {"Vessel Registration Identification", EXACT, ID_IDENT, "imoNumber"},
    {"IMO", PREFIX, ID_IDENT, "imoNumber"},
    {"MMSI", EXACT, ID_IDENT, "mmsi"},
    {"National ID No.", EXACT, ID_IDENT, "idNumber"},
    {"Identification Number", EXACT, ID_IDENT, "idNumber"},
    {"Cedula No.", EXACT, ID_IDENT, "idNumber"},
    {"SSN", EXACT, ID_IDENT, "socialSecurityNumber"},
    {"Legal Entity Number", EXACT, ID_IDENT, "leiCode"},
    {"D-U-N-S Number", EXACT, ID_IDENT, "dunsCode"},
    {"License", EXACT, ID_IDENT, "licenseNumber"},
    {"Website", EXACT, ID_PROP, "website"},
    {"Email Address", EXACT, ID_PROP, "email"},
    {"Phone Number", EXACT, ID_PROP, "phone"},
    {"Aircraft Model", EXACT, ID_PROP, "model"},
    {"Organization Type:", EXACT, ID_PROP, "legalForm"},
    {"Organization Established Date", EXACT, ID_DATE, "incorporationDate"},
    {"Aircraft Manufacture Date", EXACT, ID_DATE, "buildDate"},
    {"Vessel Year of Build", EXACT, ID_DATE, "buildDate"},
    {"Former Vessel Flag", EXACT, ID_COUNTRY, "pastFlags"},
    {"Listing Date", PREFIX, ID_SAN_LISTED, NULL},
    {"Effective Date", PREFIX, ID_SAN_START, NULL},
    {"Executive Order", PREFIX, ID_SAN_TEXT, NULL},
    {"CAATSA Section", PREFIX, ID_SAN_TEXT, NULL},
    {"PEESA Information", PREFIX, ID_SAN_TEXT, NULL},
    {"Additional Sanctions Information", PREFIX, ID_SAN_TEXT, NULL},
    {"Secondary sanctions risk", PREFIX, ID_SAN_TEXT, NULL},
    {"Transactions Prohibited For Persons Owned or Controlled By", PREFIX, ID_SAN_TEXT, NULL},
    {"Target Type", EXACT, ID_SAN_TEXT, NULL},
    {"Divestment Date", PREFIX, ID_SAN_TEXT, NULL},
    {"Purchase/Sales For Divestment Date", PREFIX, ID_SAN_TEXT, NULL},
    {"Directive Determination", CONTAINS, ID_SAN_TEXT, NULL},
};

/* A relation stated by name, resolved when every entry of the file has been seen. */
struct pending {
    char *subject;   /* entity id */
    char *target;    /* name as written */
    const char *path;
    long line;
    int ownership;   /* vessel owner (Ownership) rather than "Linked To:" (UnknownLink) */
};

struct ofac {
    struct pb_xml x;
    struct probity_entity e;   /* the entry */
    struct probity_entity san; /* its Sanction, built alongside */
    struct probity_entity sub; /* Address, Identification, link entities, one at a time */
    struct pb_buf b;
    struct pb_map names;       /* name key -> entity id (malloc'd), for links */
    struct pending *pend;
    size_t npend, cappend;
    long entries, declared;    /* sdnEntry elements read / Record_Count stated, per file */
    char published[11];
    char id[64], subid[160];
};

static void nomem(struct ofac *o) { pb__xml_fail(&o->x, PROBITY_ENOMEM, 0, "out of memory"); }

static const char *ct(struct ofac *o, const xmlNode *parent, const char *name)
{
    return pb__xml_child_text(&o->x, parent, name);
}

/* Copy a value without surrounding white space into buf; returns buf, or NULL when the
 * value is absent or does not fit. */
static char *clean(const char *s, char *buf, size_t size)
{
    if (!s || snprintf(buf, size, "%s", s) >= (int)size)
        return NULL;
    return pb_trim(buf);
}

static const char *ci_find(const char *hay, const char *needle)
{
    for (; *hay; hay++)
        if (pb_startswith_ci(hay, needle))
            return hay;
    return NULL;
}

static const struct id_rule *id_rule(const char *type)
{
    for (size_t i = 0; i < sizeof(id_rules) / sizeof(id_rules[0]); i++) {
        const struct id_rule *r = &id_rules[i];
        if (r->match == EXACT ? pb_streq_ci(type, r->type)
            : r->match == PREFIX ? pb_startswith_ci(type, r->type) : ci_find(type, r->type) != NULL)
            return r;
    }
    return NULL;
}

static void remember_name(struct ofac *o, const char *name)
{
    char *key, *id;
    if (!name || o->x.rc)
        return;
    if (!(key = pb_name_key(name))) {
        nomem(o);
        return;
    }
    if (*key && !pb_map_get(&o->names, key)) {
        if (!(id = pb_strdup(o->id)) || pb_map_put(&o->names, key, id)) {
            free(id);
            nomem(o);
        }
    }
    free(key);
}

static void pend(struct ofac *o, const char *target, size_t len, long line, int ownership)
{
    struct pending *p;
    if (o->x.rc)
        return;
    if (o->npend == o->cappend) {
        size_t cap = o->cappend ? o->cappend * 2 : 16;
        if (!(p = realloc(o->pend, cap * sizeof(*p)))) {
            nomem(o);
            return;
        }
        o->pend = p;
        o->cappend = cap;
    }
    p = &o->pend[o->npend];
    p->subject = pb_strdup(o->id);
    p->target = pb_strndup(target, len);
    p->path = o->x.path;
    p->line = line;
    p->ownership = ownership;
    if (!p->subject || !p->target) {
        free(p->subject);
        free(p->target);
        nomem(o);
        return;
    }
    o->npend++;
}

/* Every "Linked To: NAME" of the remarks; a name ends at ';' or at the ')' closing the
 * remark's parenthesis, and may itself hold parentheses. */
static void linked_to(struct ofac *o, const char *remarks, long line)
{
    const char *p = remarks;
    while (p && (p = ci_find(p, "Linked To:"))) {
        const char *s, *e;
        int depth = 0;
        for (p += 10; *p == ' '; p++)
            ;
        for (s = p; *p; p++) {
            if (*p == '(')
                depth++;
            else if (*p == ')' && depth-- == 0)
                break;
            else if (*p == ';' && depth == 0)
                break;
        }
        for (e = p; e > s && (e[-1] == ' ' || e[-1] == '\n' || e[-1] == '\r' || e[-1] == '\t'); e--)
            ;
        if (e > s)
            pend(o, s, (size_t)(e - s), line, 0);
    }
}

static void identifier(struct ofac *o, const xmlNode *id, int n)
{
    const char *type = ct(o, id, "idType"), *number = ct(o, id, "idNumber"), *uid = ct(o, id, "uid");
    const struct id_rule *r;
    char tbuf[160], ubuf[32];
    if (!number && !type)
        return;
    r = type && clean(type, tbuf, sizeof(tbuf)) ? id_rule(tbuf) : NULL;
    if (r) {
        switch (r->kind) {
        case ID_PROP:
            /* on a schema without the property the value is still kept, as an Identification */
            if (pb__xml_add(&o->x, &o->e, r->prop, number))
                return;
            break;
        case ID_DATE:
            if (pb__xml_add_date(&o->x, &o->e, r->prop, number))
                return;
            break;
        case ID_COUNTRY:
            if (pb__xml_add_country(&o->x, &o->e, r->prop, number))
                return;
            break;
        case ID_SAN_LISTED:
            pb__xml_add_date(&o->x, &o->san, "listingDate", number);
            return;
        case ID_SAN_START:
            pb__xml_add_date(&o->x, &o->san, "startDate", number);
            return;
        case ID_SAN_TEXT:
            pb_buf_reset(&o->b);
            pb__xml_join(&o->x, &o->b, "", type);
            pb__xml_join(&o->x, &o->b, " ", number);
            pb__xml_add(&o->x, &o->san, "provisions", o->b.s);
            return;
        case ID_IDENT:
            pb__xml_add(&o->x, &o->e, r->prop, number);
            break;
        }
    }
    if (!number)
        return;
    if (clean(uid, ubuf, sizeof(ubuf)) && *ubuf && !strpbrk(ubuf, " \t"))
        snprintf(o->subid, sizeof(o->subid), "%s-ident-%s", o->id, ubuf);
    else
        snprintf(o->subid, sizeof(o->subid), "%s-ident-%d", o->id, n);
    pb__xml_reset(&o->x, &o->sub, o->subid, "Identification");
    pb__xml_add(&o->x, &o->sub, "holder", o->id);
    pb__xml_add(&o->x, &o->sub, "type", type);
    pb__xml_add(&o->x, &o->sub, "number", number);
    pb__xml_add_country(&o->x, &o->sub, "country", ct(o, id, "idCountry"));
    pb__xml_add_date(&o->x, &o->sub, "startDate", ct(o, id, "issueDate"));
    pb__xml_add_date(&o->x, &o->sub, "endDate", ct(o, id, "expirationDate"));
    pb__xml_emit(&o->x, &o->sub, pb__xml_line(id));
}

static void aka(struct ofac *o, const xmlNode *a)
{
    const char *type = ct(o, a, "type"), *cat_ = ct(o, a, "category"), *prop = "alias";
    char tbuf[32], cbuf[32];
    pb_buf_reset(&o->b);
    pb__xml_join(&o->x, &o->b, " ", ct(o, a, "firstName"));
    pb__xml_join(&o->x, &o->b, " ", ct(o, a, "lastName"));
    if (!o->b.len)
        return;
    if (clean(type, tbuf, sizeof(tbuf)) && pb_startswith_ci(tbuf, "f.k.a"))
        prop = "previousName";
    else if (clean(cat_, cbuf, sizeof(cbuf)) && pb_streq_ci(cbuf, "weak"))
        prop = "weakAlias";
    pb__xml_add(&o->x, &o->e, prop, o->b.s);
    remember_name(o, o->b.s);
}

static void address(struct ofac *o, const xmlNode *a, int n)
{
    const char *a1 = ct(o, a, "address1"), *a2 = ct(o, a, "address2"), *a3 = ct(o, a, "address3");
    const char *city = ct(o, a, "city"), *state = ct(o, a, "stateOrProvince"), *zip = ct(o, a, "postalCode");
    const char *country = ct(o, a, "country"), *region = ct(o, a, "region"), *uid = ct(o, a, "uid");
    char ubuf[32];
    pb__xml_add_country(&o->x, &o->e, "country", country);
    /* a bare country stays on the entity; an Address entity only when there is more */
    if (!a1 && !a2 && !a3 && !city && !state && !zip && !region)
        return;
    if (clean(uid, ubuf, sizeof(ubuf)) && *ubuf && !strpbrk(ubuf, " \t"))
        snprintf(o->subid, sizeof(o->subid), "%s-addr-%s", o->id, ubuf);
    else
        snprintf(o->subid, sizeof(o->subid), "%s-addr-%d", o->id, n);
    pb__xml_reset(&o->x, &o->sub, o->subid, "Address");
    pb_buf_reset(&o->b);
    pb__xml_join(&o->x, &o->b, ", ", a2);
    pb__xml_join(&o->x, &o->b, ", ", a3);
    pb__xml_add(&o->x, &o->sub, "street2", pb__xml_buf(&o->b));
    pb_buf_reset(&o->b);
    pb__xml_join(&o->x, &o->b, ", ", a1);
    pb__xml_join(&o->x, &o->b, ", ", a2);
    pb__xml_join(&o->x, &o->b, ", ", a3);
    pb__xml_join(&o->x, &o->b, ", ", city);
    pb__xml_join(&o->x, &o->b, ", ", state);
    pb__xml_join(&o->x, &o->b, " ", zip);
    pb__xml_join(&o->x, &o->b, ", ", region);
    pb__xml_join(&o->x, &o->b, ", ", country);
    pb__xml_add(&o->x, &o->sub, "full", o->b.s);
    pb__xml_add(&o->x, &o->sub, "street", a1);
    pb__xml_add(&o->x, &o->sub, "city", city);
    pb__xml_add(&o->x, &o->sub, "state", state);
    pb__xml_add(&o->x, &o->sub, "postalCode", zip);
    pb__xml_add(&o->x, &o->sub, "region", region);
    pb__xml_add_country(&o->x, &o->sub, "country", country);
    pb__xml_emit(&o->x, &o->sub, pb__xml_line(a));
    pb__xml_add(&o->x, &o->e, "address", o->b.s);
    pb__xml_add(&o->x, &o->e, "addressEntity", o->subid);
}

/* OFAC writes ranges of birth dates as "1960 to 1962". */
static void birth_date(struct ofac *o, const char *s)
{
    const char *to;
    if (!s)
        return;
    if ((to = ci_find(s, " to "))) {
        char from[40];
        if ((size_t)(to - s) < sizeof(from)) {
            memcpy(from, s, (size_t)(to - s));
            from[to - s] = 0;
            pb__xml_add_date(&o->x, &o->e, "birthDate", from);
            pb__xml_add_date(&o->x, &o->e, "birthDate", to + 4);
            return;
        }
    }
    pb__xml_add_date(&o->x, &o->e, "birthDate", s);
}

enum item_kind { ITEM_TEXT, ITEM_COUNTRY, ITEM_BIRTH_DATE };

/* The text of `field` in each `item` of the list element `list` (nationalityList/
 * nationality/country, ...) goes to `prop`, or to `fallback` where the schema lacks it. */
static void each_item(struct ofac *o, const xmlNode *entry, const char *list, const char *item, const char *field,
                      enum item_kind kind, const char *prop, const char *fallback)
{
    const xmlNode *l = pb__xml_child(entry, list);
    for (const xmlNode *i = pb__xml_next_elem(l, NULL, item); i; i = pb__xml_next_elem(l, i, item)) {
        const char *v = ct(o, i, field);
        if (kind == ITEM_BIRTH_DATE)
            birth_date(o, v);
        else if (kind == ITEM_COUNTRY && !pb__xml_add_country(&o->x, &o->e, prop, v))
            pb__xml_add_country(&o->x, &o->e, fallback, v);
        else if (kind == ITEM_TEXT && !pb__xml_add(&o->x, &o->e, prop, v) && fallback)
            pb__xml_add(&o->x, &o->e, fallback, v);
    }
}

/* "1,234" -> "1234": FtM numbers carry no grouping. */
static void number(struct ofac *o, const char *prop, const char *s)
{
    char buf[64];
    size_t n = 0;
    if (!s)
        return;
    for (; *s && n + 1 < sizeof(buf); s++)
        if (*s != ',')
            buf[n++] = *s;
    buf[n] = 0;
    pb__xml_add(&o->x, &o->e, prop, buf);
}

static void vessel(struct ofac *o, const xmlNode *v, long line)
{
    const char *owner = ct(o, v, "vesselOwner");
    if (!v)
        return;
    pb__xml_add(&o->x, &o->e, "callSign", ct(o, v, "callSign"));
    pb__xml_add(&o->x, &o->e, "type", ct(o, v, "vesselType"));
    pb__xml_add_country(&o->x, &o->e, "flag", ct(o, v, "vesselFlag"));
    number(o, "tonnage", ct(o, v, "tonnage"));
    number(o, "grossRegisteredTonnage", ct(o, v, "grossRegisteredTonnage"));
    if (owner) {
        pb_buf_reset(&o->b);
        pb__xml_join(&o->x, &o->b, "", "Vessel owner");
        pb__xml_join(&o->x, &o->b, ": ", owner);
        pb__xml_add(&o->x, &o->e, "notes", o->b.s);
        pend(o, owner, strlen(owner), line, 1);
    }
}

static const char *schema_of(struct ofac *o, const char *type, long line)
{
    char buf[32];
    if (!clean(type, buf, sizeof(buf)) || !*buf)
        return "LegalEntity";
    if (pb_streq_ci(buf, "Individual"))
        return "Person";
    if (pb_streq_ci(buf, "Entity"))
        return "Organization";
    if (pb_streq_ci(buf, "Vessel"))
        return "Vessel";
    if (pb_streq_ci(buf, "Aircraft"))
        return "Airplane";
    o->x.sink->warn(o->x.sink, o->x.path, line, "unknown sdnType '%s'; kept as LegalEntity", buf);
    return "LegalEntity";
}

static void entry(struct ofac *o, const xmlNode *rec)
{
    const char *uid = ct(o, rec, "uid"), *first = ct(o, rec, "firstName"), *last = ct(o, rec, "lastName");
    const char *type = ct(o, rec, "sdnType"), *remarks = ct(o, rec, "remarks"), *schema;
    const xmlNode *l;
    long line = pb__xml_line(rec), num;
    char key[32];
    int n = 0;
    if (!clean(uid, key, sizeof(key)) || pb_parse_long(key, &num) || num < 0) {
        pb__xml_fail(&o->x, PROBITY_EPARSE, line, "sdnEntry without a valid uid (%.40s)", uid ? uid : "none");
        return;
    }
    snprintf(o->id, sizeof(o->id), "ofac-%ld", num);
    schema = schema_of(o, type ? type : ct(o, rec, "nspType"), line);
    pb__xml_reset(&o->x, &o->e, o->id, schema);
    snprintf(o->subid, sizeof(o->subid), "%s-sanction", o->id);
    pb__xml_reset(&o->x, &o->san, o->subid, "Sanction");

    pb_buf_reset(&o->b);
    pb__xml_join(&o->x, &o->b, " ", first);
    pb__xml_join(&o->x, &o->b, " ", last);
    if (!o->b.len) {
        pb__xml_fail(&o->x, PROBITY_EPARSE, line, "sdnEntry %ld has no name", num);
        return;
    }
    pb__xml_add(&o->x, &o->e, "name", o->b.s);
    remember_name(o, o->b.s);
    pb__xml_add(&o->x, &o->e, "firstName", first);
    pb__xml_add(&o->x, &o->e, "lastName", last);
    if (!pb__xml_add(&o->x, &o->e, "title", ct(o, rec, "title")))
        pb__xml_add(&o->x, &o->e, "notes", ct(o, rec, "title"));
    pb__xml_add(&o->x, &o->e, "notes", remarks);
    if (remarks)
        linked_to(o, remarks, line);

    l = pb__xml_child(rec, "programList");
    for (const xmlNode *p = pb__xml_next_elem(l, NULL, "program"); p; p = pb__xml_next_elem(l, p, "program")) {
        pb__xml_add(&o->x, &o->e, "program", pb__xml_text(&o->x, p));
        pb__xml_add(&o->x, &o->san, "program", pb__xml_text(&o->x, p));
    }
    l = pb__xml_child(rec, "idList");
    for (const xmlNode *i = pb__xml_next_elem(l, NULL, "id"); i && !o->x.rc; i = pb__xml_next_elem(l, i, "id"))
        identifier(o, i, ++n);
    l = pb__xml_child(rec, "akaList");
    for (const xmlNode *a = pb__xml_next_elem(l, NULL, "aka"); a && !o->x.rc; a = pb__xml_next_elem(l, a, "aka"))
        aka(o, a);
    n = 0;
    l = pb__xml_child(rec, "addressList");
    for (const xmlNode *a = pb__xml_next_elem(l, NULL, "address"); a && !o->x.rc;
         a = pb__xml_next_elem(l, a, "address"))
        address(o, a, ++n);
    each_item(o, rec, "nationalityList", "nationality", "country", ITEM_COUNTRY, "nationality", "country");
    each_item(o, rec, "citizenshipList", "citizenship", "country", ITEM_COUNTRY, "citizenship", "country");
    each_item(o, rec, "dateOfBirthList", "dateOfBirthItem", "dateOfBirth", ITEM_BIRTH_DATE, "birthDate", NULL);
    each_item(o, rec, "placeOfBirthList", "placeOfBirthItem", "placeOfBirth", ITEM_TEXT, "birthPlace", NULL);
    vessel(o, pb__xml_child(rec, "vesselInfo"), line);

    pb__xml_add(&o->x, &o->san, "entity", o->id);
    pb__xml_add(&o->x, &o->san, "authority", OFAC_AUTHORITY);
    pb__xml_add(&o->x, &o->san, "authorityId", key);
    pb__xml_emit(&o->x, &o->san, line);
    pb__xml_emit(&o->x, &o->e, line);
    o->entries++;
}

static void publish_info(struct ofac *o, const xmlNode *info, const struct pb_load_args *a)
{
    const char *date = ct(o, info, "Publish_Date"), *count = ct(o, info, "Record_Count");
    char buf[32], iso[11];
    long n;
    if (clean(date, buf, sizeof(buf)) && pb_date_iso(buf, iso) == 0) {
        /* with several files the list is as recent as its newest part */
        if (strcmp(iso, o->published) > 0) {
            snprintf(o->published, sizeof(o->published), "%s", iso);
            a->sink->published(a->sink, iso);
        }
    } else if (date) {
        a->sink->warn(a->sink, o->x.path, pb__xml_line(info), "Publish_Date '%.40s' is not a date", date);
    }
    if (clean(count, buf, sizeof(buf)) && pb_parse_long(buf, &n) == 0 && n >= 0)
        o->declared = n;
}

static int load_file(struct ofac *o, const char *path, const struct pb_load_args *a)
{
    int ret, seen_root = 0;
    if (pb__xml_open(&o->x, path, a->sink, a->err))
        goto out;
    o->entries = 0;
    o->declared = -1;
    ret = pb__xml_read(&o->x);
    while (ret == 1) {
        if (xmlTextReaderNodeType(o->x.r) == XML_READER_TYPE_ELEMENT) {
            int depth = xmlTextReaderDepth(o->x.r);
            const char *name = pb__xml_name(&o->x);
            if (depth == 0 && strcmp(name, "sdnList") != 0) {
                pb__xml_fail(&o->x, PROBITY_EFORMAT, pb__xml_cur_line(&o->x),
                             "not an OFAC list: the root element is <%.60s>, expected <sdnList>", name);
                goto out;
            }
            seen_root = 1;
            if (depth == 1 && (!strcmp(name, "sdnEntry") || !strcmp(name, "publshInformation"))) {
                xmlNodePtr rec = pb__xml_expand(&o->x);
                if (!rec)
                    goto out;
                if (name[0] == 's')
                    entry(o, rec);
                else
                    publish_info(o, rec, a);
                pb__xml_record_done(&o->x);
                if (o->x.rc)
                    goto out;
                ret = pb__xml_skip(&o->x);
                continue;
            }
            if (depth == 1) {
                a->sink->warn(a->sink, path, pb__xml_cur_line(&o->x),
                              "unexpected element <%.60s> in the sdnList; ignored", name);
                ret = pb__xml_skip(&o->x);
                continue;
            }
        }
        ret = pb__xml_read(&o->x);
    }
    if (ret < 0)
        goto out;
    if (!seen_root)
        pb__xml_fail(&o->x, PROBITY_EFORMAT, 0, "no XML element found");
    else if (o->entries == 0)
        pb__xml_fail(&o->x, PROBITY_EEMPTY, 0, "no sdnEntry records in the sdnList");
    else if (o->declared >= 0 && o->declared != o->entries)
        a->sink->warn(a->sink, path, 0, "the file states Record_Count %ld but holds %ld sdnEntry records",
                      o->declared, o->entries);
out:
    pb__xml_close(&o->x);
    return o->x.rc;
}

/* Emit the link entities whose far end was found by name among the entries. */
static int resolve(struct ofac *o, const struct pb_load_args *a)
{
    for (size_t i = 0; i < o->npend && !o->x.rc; i++) {
        struct pending *p = &o->pend[i];
        char *key = pb_name_key(p->target);
        const char *target = key ? pb_map_get(&o->names, key) : NULL;
        free(key);
        if (!target || !strcmp(target, p->subject)) {
            if (!p->ownership)
                a->sink->warn(a->sink, p->path, p->line, "%s: Linked To '%s' names no entry of the list; no link made",
                              p->subject, p->target);
            continue;
        }
        o->x.path = p->path;
        snprintf(o->subid, sizeof(o->subid), "%s-link-%s", p->subject, target);
        if (p->ownership) {
            pb__xml_reset(&o->x, &o->sub, o->subid, "Ownership");
            pb__xml_add(&o->x, &o->sub, "owner", target);
            pb__xml_add(&o->x, &o->sub, "asset", p->subject);
            pb__xml_add(&o->x, &o->sub, "role", "Vessel owner");
        } else {
            pb__xml_reset(&o->x, &o->sub, o->subid, "UnknownLink");
            pb__xml_add(&o->x, &o->sub, "subject", p->subject);
            pb__xml_add(&o->x, &o->sub, "object", target);
            pb__xml_add(&o->x, &o->sub, "role", "Linked To");
        }
        pb__xml_emit(&o->x, &o->sub, p->line);
    }
    return o->x.rc;
}

int pb__load_ofac_xml(const struct pb_load_args *a)
{
    struct ofac o;
    int rc = 0;
    memset(&o, 0, sizeof(o));
    probity_entity_init(&o.e);
    probity_entity_init(&o.san);
    probity_entity_init(&o.sub);
    for (size_t i = 0; i < a->npaths; i++)
        if ((rc = load_file(&o, a->paths[i], a)))
            goto out;
    o.x.err = a->err;
    o.x.sink = a->sink;
    rc = resolve(&o, a);
out:
    for (size_t i = 0; i < o.npend; i++) {
        free(o.pend[i].subject);
        free(o.pend[i].target);
    }
    free(o.pend);
    probity_entity_release(&o.e);
    probity_entity_release(&o.san);
    probity_entity_release(&o.sub);
    pb_buf_release(&o.b);
    pb_map_release(&o.names, free);
    return rc;
}
