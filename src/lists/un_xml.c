/* The UN Security Council consolidated list (CONSOLIDATED_LIST XML, sc-sanctions.xsd).
 * Each INDIVIDUAL becomes a Person and each ENTITY an Organization `un-<DATAID>`, with its
 * addresses and documents as Address and Identification entities and one Sanction for the
 * listing. Records are expanded one at a time from a streaming reader, so memory does not
 * depend on the size of the list. The schema's filler value "na" (not applicable) is
 * treated as absent. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lists/xml_util.h"

#define UN_AUTHORITY "United Nations Security Council"
#define UN_SOURCE_URL "https://scsanctions.un.org/resources/xml/en/consolidated.xml"

struct un {
    struct pb_xml x;
    struct probity_entity e;   /* the record's Person or Organization */
    struct probity_entity sub; /* its Address, Identification and Sanction, one at a time */
    struct pb_buf b, b2;
    struct pb_map seen;        /* DATAIDs of this load, to report duplicates */
    long persons, orgs;        /* records of the current file */
    char id[80];
    char subid[128];
};

static int is_na(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    if (s[0] != 'n' || s[1] != 'a')
        return 0;
    for (s += 2; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    return 1;
}

static const char *txt(struct un *u, const xmlNode *n)
{
    const char *s = pb__xml_text(&u->x, n);
    return s && !is_na(s) ? s : NULL;
}

static const char *ctxt(struct un *u, const xmlNode *parent, const char *name)
{
    return txt(u, pb__xml_child(parent, name));
}

static int ci_contains(const char *hay, const char *needle)
{
    for (; *hay; hay++)
        if (pb_startswith_ci(hay, needle))
            return 1;
    return 0;
}

/* Every VALUE inside the child element `name` goes to `prop`. */
static void values(struct un *u, const xmlNode *rec, const char *name, const char *prop, int country)
{
    const xmlNode *c = pb__xml_child(rec, name);
    for (const xmlNode *v = pb__xml_next_elem(c, NULL, "VALUE"); v; v = pb__xml_next_elem(c, v, "VALUE")) {
        if (country)
            pb__xml_add_country(&u->x, &u->e, prop, txt(u, v));
        else
            pb__xml_add(&u->x, &u->e, prop, txt(u, v));
    }
}

static void alias(struct un *u, const xmlNode *a)
{
    const char *q = ctxt(u, a, "QUALITY"), *name = ctxt(u, a, "ALIAS_NAME"), *note;
    const char *prop = "alias";
    if (q) {
        while (*q == ' ')
            q++;
        if (pb_startswith_ci(q, "low"))
            prop = "weakAlias";
        else if (pb_startswith_ci(q, "f.k.a"))
            prop = "previousName";
    }
    /* the list sometimes gives several spellings in one ALIAS_NAME, separated by ';' */
    if (name && strchr(name, ';')) {
        const char *p = name;
        while (*p) {
            const char *end = strchr(p, ';');
            size_t n = end ? (size_t)(end - p) : strlen(p);
            char *one = pb_strndup(p, n);
            if (one) {
                pb__xml_add(&u->x, &u->e, prop, one);
                free(one);
            }
            p += n + (end ? 1 : 0);
        }
    } else {
        pb__xml_add(&u->x, &u->e, prop, name);
    }
    /* a birth date or place given with an alias is still the person's */
    pb__xml_add_date(&u->x, &u->e, "birthDate", ctxt(u, a, "DATE_OF_BIRTH"));
    pb_buf_reset(&u->b);
    pb__xml_join(&u->x, &u->b, ", ", ctxt(u, a, "CITY_OF_BIRTH"));
    pb__xml_join(&u->x, &u->b, ", ", ctxt(u, a, "COUNTRY_OF_BIRTH"));
    pb__xml_add(&u->x, &u->e, "birthPlace", pb__xml_buf(&u->b));
    pb__xml_add_country(&u->x, &u->e, "birthCountry", ctxt(u, a, "COUNTRY_OF_BIRTH"));
    if ((note = ctxt(u, a, "NOTE"))) {
        pb_buf_reset(&u->b);
        pb__xml_join(&u->x, &u->b, "", "alias");
        pb__xml_join(&u->x, &u->b, " ", name);
        pb__xml_join(&u->x, &u->b, ": ", note);
        pb__xml_add(&u->x, &u->e, "notes", u->b.s);
    }
}

static void address(struct un *u, const xmlNode *a, int *naddr)
{
    const char *street = ctxt(u, a, "STREET"), *city = ctxt(u, a, "CITY"), *state = ctxt(u, a, "STATE_PROVINCE");
    const char *zip = ctxt(u, a, "ZIP_CODE"), *country = ctxt(u, a, "COUNTRY"), *note = ctxt(u, a, "NOTE");
    pb__xml_add_country(&u->x, &u->e, "country", country);
    /* a bare country is kept on the entity; an Address entity only when there is more */
    if (!street && !city && !state && !zip && !note)
        return;
    pb_buf_reset(&u->b);
    pb__xml_join(&u->x, &u->b, ", ", street);
    pb__xml_join(&u->x, &u->b, ", ", city);
    pb__xml_join(&u->x, &u->b, ", ", state);
    pb__xml_join(&u->x, &u->b, " ", zip);
    pb__xml_join(&u->x, &u->b, ", ", country);
    snprintf(u->subid, sizeof(u->subid), "%s-addr-%d", u->id, ++*naddr);
    pb__xml_reset(&u->x, &u->sub, u->subid, "Address");
    pb__xml_add(&u->x, &u->sub, "full", pb__xml_buf(&u->b));
    pb__xml_add(&u->x, &u->sub, "street", street);
    pb__xml_add(&u->x, &u->sub, "city", city);
    pb__xml_add(&u->x, &u->sub, "state", state);
    pb__xml_add(&u->x, &u->sub, "postalCode", zip);
    pb__xml_add_country(&u->x, &u->sub, "country", country);
    pb__xml_add(&u->x, &u->sub, "remarks", note);
    pb__xml_emit(&u->x, &u->sub, pb__xml_line(a));
    if (u->b.len)
        pb__xml_add(&u->x, &u->e, "address", u->b.s);
    pb__xml_add(&u->x, &u->e, "addressEntity", u->subid);
}

static void birth_date(struct un *u, const xmlNode *d)
{
    const char *date = ctxt(u, d, "DATE"), *year = ctxt(u, d, "YEAR"), *note = ctxt(u, d, "NOTE");
    const char *from = ctxt(u, d, "FROM_YEAR"), *to = ctxt(u, d, "TO_YEAR");
    long fy, ty;
    char buf[24], iso[11];
    pb__xml_add_date(&u->x, &u->e, "birthDate", date);
    pb__xml_add_date(&u->x, &u->e, "birthDate", year);
    if (from && to && snprintf(buf, sizeof(buf), "%s", from) < (int)sizeof(buf) &&
        pb_parse_long(pb_trim(buf), &fy) == 0 && snprintf(buf, sizeof(buf), "%s", to) < (int)sizeof(buf) &&
        pb_parse_long(pb_trim(buf), &ty) == 0 && fy >= 1000 && ty <= 2999 && fy <= ty && ty - fy <= 30) {
        /* "between 1963 and 1968" is every year of the range, as FtM has no ranges */
        for (long y = fy; y <= ty; y++) {
            snprintf(buf, sizeof(buf), "%ld", y);
            pb__xml_add(&u->x, &u->e, "birthDate", buf);
        }
    } else {
        pb__xml_add_date(&u->x, &u->e, "birthDate", from);
        pb__xml_add_date(&u->x, &u->e, "birthDate", to);
    }
    if (!note)
        return;
    if (!date && !year && !from && !to && pb_date_iso(note, iso) == 0) {
        pb__xml_add(&u->x, &u->e, "birthDate", iso);
        return;
    }
    pb_buf_reset(&u->b);
    pb__xml_join(&u->x, &u->b, "", "Date of birth");
    pb__xml_join(&u->x, &u->b, ": ", note);
    pb__xml_add(&u->x, &u->e, "notes", u->b.s);
}

static void birth_place(struct un *u, const xmlNode *p)
{
    const char *country = ctxt(u, p, "COUNTRY"), *note = ctxt(u, p, "NOTE");
    pb_buf_reset(&u->b);
    pb__xml_join(&u->x, &u->b, ", ", ctxt(u, p, "CITY"));
    pb__xml_join(&u->x, &u->b, ", ", ctxt(u, p, "STATE_PROVINCE"));
    pb__xml_join(&u->x, &u->b, ", ", country);
    if (note && u->b.len) {
        pb__xml_join(&u->x, &u->b, " (", note);
        pb__xml_join(&u->x, &u->b, "", ")");
    } else {
        pb__xml_join(&u->x, &u->b, "", note);
    }
    pb__xml_add(&u->x, &u->e, "birthPlace", pb__xml_buf(&u->b));
    pb__xml_add_country(&u->x, &u->e, "birthCountry", country);
}

/* The identifier property a document type feeds on the person, or NULL for documents
 * that are kept only as Identification entities (ration cards, birth certificates...). */
static const char *doc_prop(const char *type)
{
    if (!type)
        return NULL;
    if (ci_contains(type, "passport") || ci_contains(type, "pasaporte") || ci_contains(type, "passeport"))
        return "passportNumber";
    if (ci_contains(type, "social security"))
        return "socialSecurityNumber";
    if (ci_contains(type, "identif") || ci_contains(type, "identity") || ci_contains(type, "ID card") ||
        ci_contains(type, "identidad") || ci_contains(type, "national id"))
        return "idNumber";
    if (ci_contains(type, "tax"))
        return "taxNumber";
    return NULL;
}

static void document(struct un *u, const xmlNode *d, int *nident)
{
    const char *type = ctxt(u, d, "TYPE_OF_DOCUMENT"), *type2 = ctxt(u, d, "TYPE_OF_DOCUMENT2");
    const char *number = ctxt(u, d, "NUMBER"), *note = ctxt(u, d, "NOTE"), *city = ctxt(u, d, "CITY_OF_ISSUE");
    const char *prop;
    if (!number) {
        /* FtM's Identification needs a number: a document known only by a note stays a note */
        if (note) {
            pb_buf_reset(&u->b);
            pb__xml_join(&u->x, &u->b, "", type ? type : "Document");
            pb__xml_join(&u->x, &u->b, ": ", note);
            pb__xml_add(&u->x, &u->e, "notes", pb__xml_buf(&u->b));
        }
        return;
    }
    snprintf(u->subid, sizeof(u->subid), "%s-ident-%d", u->id, ++*nident);
    pb__xml_reset(&u->x, &u->sub, u->subid, "Identification");
    pb__xml_add(&u->x, &u->sub, "holder", u->id);
    pb__xml_add(&u->x, &u->sub, "type", type);
    pb__xml_add(&u->x, &u->sub, "type", type2);
    pb__xml_add(&u->x, &u->sub, "number", number);
    pb__xml_add_country(&u->x, &u->sub, "country", ctxt(u, d, "ISSUING_COUNTRY"));
    pb__xml_add_country(&u->x, &u->sub, "country", ctxt(u, d, "COUNTRY_OF_ISSUE"));
    pb__xml_add_date(&u->x, &u->sub, "startDate", ctxt(u, d, "DATE_OF_ISSUE"));
    pb_buf_reset(&u->b);
    pb__xml_join(&u->x, &u->b, "", note);
    if (city) {
        pb__xml_join(&u->x, &u->b, "; ", "Issued in");
        pb__xml_join(&u->x, &u->b, " ", city);
    }
    pb__xml_add(&u->x, &u->sub, "description", pb__xml_buf(&u->b));
    pb__xml_emit(&u->x, &u->sub, pb__xml_line(d));
    if (number && ((prop = doc_prop(type)) || (prop = doc_prop(type2))))
        pb__xml_add(&u->x, &u->e, prop, number);
}

static void gender(struct un *u, const char *g)
{
    char buf[16];
    if (!g || snprintf(buf, sizeof(buf), "%s", g) >= (int)sizeof(buf))
        return;
    pb_trim(buf);
    if (pb_streq_ci(buf, "male"))
        pb__xml_add(&u->x, &u->e, "gender", "male");
    else if (pb_streq_ci(buf, "female"))
        pb__xml_add(&u->x, &u->e, "gender", "female");
}

static void sanction(struct un *u, const xmlNode *rec)
{
    const char *ref = ctxt(u, rec, "REFERENCE_NUMBER"), *by = ctxt(u, rec, "SUBMITTED_BY");
    const char *on = ctxt(u, rec, "SUBMITTED_ON");
    snprintf(u->subid, sizeof(u->subid), "%s-sanction", u->id);
    pb__xml_reset(&u->x, &u->sub, u->subid, "Sanction");
    pb__xml_add(&u->x, &u->sub, "entity", u->id);
    pb__xml_add(&u->x, &u->sub, "authority", UN_AUTHORITY);
    pb__xml_add(&u->x, &u->sub, "program", ctxt(u, rec, "UN_LIST_TYPE"));
    pb__xml_add(&u->x, &u->sub, "authorityId", ref);
    pb__xml_add(&u->x, &u->sub, "unscId", ref);
    pb__xml_add_date(&u->x, &u->sub, "listingDate", ctxt(u, rec, "LISTED_ON"));
    pb__xml_add_date(&u->x, &u->sub, "endDate", ctxt(u, rec, "DELISTED_ON"));
    pb__xml_add(&u->x, &u->sub, "sourceUrl", UN_SOURCE_URL);
    pb_buf_reset(&u->b);
    if (by) {
        pb__xml_join(&u->x, &u->b, "", "Submitted by");
        pb__xml_join(&u->x, &u->b, " ", by);
    }
    if (on) {
        pb__xml_join(&u->x, &u->b, "; ", "Submitted on");
        pb__xml_join(&u->x, &u->b, " ", on);
    }
    pb__xml_add(&u->x, &u->sub, "description", pb__xml_buf(&u->b));
    pb__xml_emit(&u->x, &u->sub, pb__xml_line(rec));
}

static void record(struct un *u, const xmlNode *rec, int person)
{
    static const char *const parts[] = {"FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"};
    static const char *const part_props[] = {"firstName", "secondName", "middleName", "middleName"};
    const char *kind = person ? "INDIVIDUAL" : "ENTITY", *dataid = ctxt(u, rec, "DATAID");
    const char *updated = NULL;
    long line = pb__xml_line(rec);
    int naddr = 0, nident = 0;
    char key[64];
    if (!dataid) {
        pb__xml_fail(&u->x, PROBITY_EPARSE, line, "%s without a DATAID", kind);
        return;
    }
    if (snprintf(key, sizeof(key), "%s", dataid) >= (int)sizeof(key) || !*pb_trim(key) ||
        strpbrk(key, " \t\r\n")) {
        pb__xml_fail(&u->x, PROBITY_EPARSE, line, "%s with an unusable DATAID '%.40s'", kind, dataid);
        return;
    }
    if (pb_map_get(&u->seen, key))
        u->x.sink->warn(u->x.sink, u->x.path, line, "DATAID %s is listed twice; its records are merged", key);
    else if (pb_map_put(&u->seen, key, (void *)1)) {
        pb__xml_fail(&u->x, PROBITY_ENOMEM, 0, "out of memory");
        return;
    }
    snprintf(u->id, sizeof(u->id), "un-%s", key);
    pb__xml_reset(&u->x, &u->e, u->id, person ? "Person" : "Organization");

    pb_buf_reset(&u->b2);
    for (int i = 0; i < 4; i++) {
        const char *p = ctxt(u, rec, parts[i]);
        pb__xml_join(&u->x, &u->b2, " ", p);
        if (person)
            pb__xml_add(&u->x, &u->e, part_props[i], p);
    }
    pb__xml_add(&u->x, &u->e, "name", pb__xml_buf(&u->b2));
    pb__xml_add(&u->x, &u->e, "name", ctxt(u, rec, "NAME_ORIGINAL_SCRIPT"));
    pb__xml_add(&u->x, &u->e, "program", ctxt(u, rec, "UN_LIST_TYPE"));
    pb__xml_add(&u->x, &u->e, "notes", ctxt(u, rec, "COMMENTS1"));
    gender(u, ctxt(u, rec, "GENDER"));
    pb__xml_add_country(&u->x, &u->e, "nationality", ctxt(u, rec, "NATIONALITY2"));
    values(u, rec, "NATIONALITY", "nationality", 1);
    values(u, rec, "TITLE", "title", 0);
    values(u, rec, "DESIGNATION", "position", 0);
    {
        /* the record's last update is the latest of its update days */
        const xmlNode *c = pb__xml_child(rec, "LAST_DAY_UPDATED");
        for (const xmlNode *v = pb__xml_next_elem(c, NULL, "VALUE"); v; v = pb__xml_next_elem(c, v, "VALUE")) {
            const char *s = txt(u, v);
            if (s && (!updated || strcmp(s, updated) > 0))
                updated = s;
        }
        pb__xml_add_date(&u->x, &u->e, "modifiedAt", updated);
    }
    for (const xmlNode *c = pb__xml_next_elem(rec, NULL, NULL); c && !u->x.rc; c = pb__xml_next_elem(rec, c, NULL)) {
        const char *n = pb__xml_node_name(c);
        if (!strcmp(n, "INDIVIDUAL_ALIAS") || !strcmp(n, "ENTITY_ALIAS"))
            alias(u, c);
        else if (!strcmp(n, "INDIVIDUAL_ADDRESS") || !strcmp(n, "ENTITY_ADDRESS"))
            address(u, c, &naddr);
        else if (!strcmp(n, "INDIVIDUAL_DATE_OF_BIRTH"))
            birth_date(u, c);
        else if (!strcmp(n, "INDIVIDUAL_PLACE_OF_BIRTH"))
            birth_place(u, c);
        else if (!strcmp(n, "INDIVIDUAL_DOCUMENT"))
            document(u, c, &nident);
    }
    sanction(u, rec);
    pb__xml_emit(&u->x, &u->e, line);
    if (person)
        u->persons++;
    else
        u->orgs++;
}

static int load_file(struct un *u, const char *path, const struct pb_load_args *a)
{
    int ret, seen_root = 0, sections = 0;
    if (pb__xml_open(&u->x, path, a->sink, a->err))
        goto out;
    u->persons = u->orgs = 0;
    ret = pb__xml_read(&u->x);
    while (ret == 1) {
        if (xmlTextReaderNodeType(u->x.r) == XML_READER_TYPE_ELEMENT) {
            int depth = xmlTextReaderDepth(u->x.r);
            const char *name = pb__xml_name(&u->x);
            if (depth == 0) {
                xmlChar *date;
                if (strcmp(name, "CONSOLIDATED_LIST") != 0) {
                    pb__xml_fail(&u->x, PROBITY_EFORMAT, pb__xml_cur_line(&u->x),
                                 "not a UN Security Council consolidated list: the root element is <%.60s>, "
                                 "expected <CONSOLIDATED_LIST>",
                                 name);
                    goto out;
                }
                seen_root = 1;
                if ((date = xmlTextReaderGetAttribute(u->x.r, BAD_CAST "dateGenerated"))) {
                    a->sink->published(a->sink, (const char *)date);
                    xmlFree(date);
                } else {
                    a->sink->warn(a->sink, path, pb__xml_cur_line(&u->x),
                                  "CONSOLIDATED_LIST has no dateGenerated; the publication date is unknown");
                }
            } else if (depth == 2 && (!strcmp(name, "INDIVIDUAL") || !strcmp(name, "ENTITY"))) {
                xmlNodePtr rec = pb__xml_expand(&u->x);
                if (!rec)
                    goto out;
                record(u, rec, name[0] == 'I');
                pb__xml_record_done(&u->x);
                if (u->x.rc)
                    goto out;
                ret = pb__xml_skip(&u->x);
                continue;
            } else if (depth == 1 && (!strcmp(name, "INDIVIDUALS") || !strcmp(name, "ENTITIES"))) {
                sections |= name[0] == 'I' ? 1 : 2;
            } else if (depth == 1 || depth == 2) {
                a->sink->warn(a->sink, path, pb__xml_cur_line(&u->x),
                              "unexpected element <%.60s> in the consolidated list; ignored", name);
                ret = pb__xml_skip(&u->x);
                continue;
            }
        }
        ret = pb__xml_read(&u->x);
    }
    if (ret < 0)
        goto out;
    if (!seen_root)
        pb__xml_fail(&u->x, PROBITY_EFORMAT, 0, "no XML element found");
    else if (u->persons + u->orgs == 0)
        pb__xml_fail(&u->x, PROBITY_EEMPTY, 0, "no INDIVIDUAL or ENTITY records in the consolidated list");
    else if (sections != 3)
        /* the schema requires both sections: a list without one has lost half its records */
        a->sink->warn(a->sink, path, 0, "the consolidated list has no <%s> section (%ld individuals, %ld entities)",
                      sections & 1 ? "ENTITIES" : "INDIVIDUALS", u->persons, u->orgs);
out:
    pb__xml_close(&u->x);
    return u->x.rc;
}

int pb__load_un_xml(const struct pb_load_args *a)
{
    struct un u;
    int rc = 0;
    memset(&u, 0, sizeof(u));
    probity_entity_init(&u.e);
    probity_entity_init(&u.sub);
    for (size_t i = 0; i < a->npaths; i++)
        if ((rc = load_file(&u, a->paths[i], a)))
            goto out;
out:
    probity_entity_release(&u.e);
    probity_entity_release(&u.sub);
    pb_buf_release(&u.b);
    pb_buf_release(&u.b2);
    pb_map_release(&u.seen, NULL);
    return rc;
}
