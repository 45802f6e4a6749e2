/* The OFAC legacy CSV set (sdn.csv + alt.csv + add.csv + sdn_comments.csv, or the cons_*
 * files of the non-SDN list): no header row, "-0-" for empty cells, one record per
 * ent_num spread over four files. The side files are small, so they are read first into
 * tables keyed by ent_num; the primary file is then streamed and each record leaves as
 * soon as it is complete. Most of the information sits in the free-text Remarks column
 * ("DOB 10 Dec 1948; Passport X (Iran); Linked To: Y."); ofac_remarks.c recognises its
 * items and this file turns them into FtM properties and Identification, CryptoWallet
 * and Sanction entities. "Linked To:" and vessel-owner / aircraft-operator names can
 * point at records further down the file, so they are kept as name references and
 * resolved against every name and alias of the load once the stream is over (an
 * UnknownLink, or an Ownership for an owner). Owners and operators that name no record of
 * the load stay as text in notes rather than becoming invented entities. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "core/core.h"
#include "core/csv.h"
#include "lists/loader.h"
#include "lists/ofac_remarks.h"
#include "probity/model.h"

#define AUTHORITY "US Treasury OFAC"
#define DETAILS_URL "https://sanctionssearch.ofac.treas.gov/Details.aspx?id="

enum role { ROLE_NONE, ROLE_PRIM, ROLE_ALT, ROLE_ADD, ROLE_COMMENTS };
static const size_t role_fields[] = {0, 12, 5, 6, 2};
static const char *const role_desc[] = {"", "primary file (sdn.csv / cons_prim.csv)", "alias file (alt.csv)",
                                        "address file (add.csv)", "comments file (sdn_comments.csv)"};

/* One alt.csv or add.csv row; its cells follow the struct in the same allocation. */
struct side_row {
    struct side_row *next;
    const char *file;
    long line;
    const char *f[5]; /* alt: num, type, name, remarks; add: num, address, city, country, remarks */
};

/* Everything the side files say about one ent_num. */
struct side {
    struct side *next_all;     /* every side in creation order, for orphan warnings */
    char *ent;
    struct side_row *alt, **alt_tail, *add, **add_tail;
    struct pb_buf comments;
    const char *cfile;
    long cline;
    int seen;                  /* the primary file had this ent_num */
    char *programs;            /* its Program cell, to tell apart records of one name */
};

/* A record carrying a normalised name; prio 0 = its name, 1 = alias, 2 = weak alias.
 * Records that share a name are chained. */
struct name_ref {
    long ent;
    int prio;
    struct name_ref *next;
};

enum link_kind { LINK_LINKED_TO, LINK_OWNER, LINK_OPERATOR };

struct pending_link {
    long subject;
    enum link_kind kind;
    char *target;
    const char *file;
    long line;
};

struct ofac {
    const struct pb_load_args *a;
    struct pb_map sides;       /* ent_num -> struct side */
    struct side *all, **all_tail;
    struct pb_map names;       /* name key -> struct name_ref */
    struct pb_map props;       /* "schema\tprop" -> (void *)1 known, (void *)2 unknown */
    struct pending_link *links;
    size_t nlinks, caplinks;
    struct probity_entity e, san, sub;
    struct pb_buf rem, tmp, key, id;
    /* the record being built */
    const char *file;
    long line, ent;
    char eid[40];
    int nident;
};

/* ---- small helpers ---- */

static int oom(struct ofac *o)
{
    return pb__err(o->a->err, PROBITY_ENOMEM, o->file, o->line, 0, "out of memory");
}

static int has_prop(struct ofac *o, const char *schema, const char *prop)
{
    char k[96];
    size_t ls = strlen(schema), lp = strlen(prop);
    void **ref;
    if (ls + lp + 2 > sizeof(k))
        return probity_prop_type(schema, prop) != NULL;
    memcpy(k, schema, ls);
    k[ls] = '\t';
    memcpy(k + ls + 1, prop, lp + 1);
    if ((ref = pb_map_ref(&o->props, k)))
        return *ref == (void *)1;
    int ok = probity_prop_type(schema, prop) != NULL;
    pb_map_put(&o->props, k, ok ? (void *)1 : (void *)2);
    return ok;
}

/* Add a value when the schema has the property; a value the schema cannot hold is still
 * in the record's notes, so nothing is lost by skipping it. */
static int put(struct ofac *o, struct probity_entity *e, const char *prop, const char *value)
{
    int rc;
    if (!value || !*value || !has_prop(o, e->schema, prop))
        return 0;
    if ((rc = probity_entity_add(e, prop, value)) == PROBITY_ENOMEM)
        return oom(o);
    if (rc)
        return pb__err(o->a->err, rc, o->file, o->line, 0, "text is not valid UTF-8");
    return 0;
}

static int emit(struct ofac *o, const struct probity_entity *e)
{
    return o->a->sink->emit(o->a->sink, e, o->a->err);
}

/* Non-zero for the list's empty marker "-0-", blanks around it allowed. */
static int is_nil(const char *s)
{
    while (*s == ' ')
        s++;
    if (strncmp(s, "-0-", 3) != 0)
        return 0;
    for (s += 3; *s == ' '; s++)
        ;
    return *s == 0;
}

/* A cell with "-0-" (the list's empty marker) and surrounding blanks removed. */
static char *cell(char *s)
{
    pb_trim(s);
    return strcmp(s, "-0-") == 0 ? s + 3 : s;
}

static const char *country_of(const char *text)
{
    const char *code = pb__country_code(text);
    return code ? code : text;
}

/* Cheap normalised key for resolving names inside one list: ASCII letters and digits
 * lower-cased, every other ASCII byte a word break, other bytes kept. "S.A." and "S.A"
 * share a key, so the full stop that ends a remark does not matter. */
static int name_key(struct pb_buf *b, const char *s)
{
    int gap = 0;
    pb_buf_reset(b);
    if (pb_buf_grow(b, strlen(s)))
        return PROBITY_ENOMEM;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x80 || isalnum(c)) {
            if (gap && b->len)
                b->s[b->len++] = ' ';
            gap = 0;
            b->s[b->len++] = (char)tolower(c);
        } else {
            gap = 1;
        }
    }
    b->s[b->len] = 0;
    return 0;
}

static int index_name(struct ofac *o, const char *name, int prio)
{
    struct name_ref *head, *r;
    if (name_key(&o->key, name))
        return oom(o);
    if (!o->key.len)
        return 0;
    head = pb_map_get(&o->names, o->key.s);
    for (r = head; r; r = r->next) {
        if (r->ent == o->ent) {
            r->prio = prio < r->prio ? prio : r->prio;
            return 0;
        }
    }
    if (!(r = malloc(sizeof(*r))))
        return oom(o);
    r->ent = o->ent, r->prio = prio, r->next = NULL;
    if (head) { /* keep the first record's entry as the map's value */
        r->next = head->next;
        head->next = r;
        return 0;
    }
    if (pb_map_put(&o->names, o->key.s, r)) {
        free(r);
        return oom(o);
    }
    return 0;
}

static int add_name(struct ofac *o, const char *prop, const char *name, int prio)
{
    int rc;
    if (!*name)
        return 0;
    if ((rc = put(o, &o->e, prop, name)))
        return rc;
    return index_name(o, name, prio);
}

static int pend_link(struct ofac *o, enum link_kind kind, const char *target)
{
    struct pending_link *l;
    if (!*target)
        return 0;
    if (o->nlinks == o->caplinks) {
        size_t cap = o->caplinks ? o->caplinks * 2 : 256;
        if (!(l = realloc(o->links, cap * sizeof(*l))))
            return oom(o);
        o->links = l, o->caplinks = cap;
    }
    l = &o->links[o->nlinks];
    if (!(l->target = pb_strdup(target)))
        return oom(o);
    l->subject = o->ent, l->kind = kind, l->file = o->file, l->line = o->line;
    o->nlinks++;
    return 0;
}

/* Dates as OFAC writes them ("10 Dec 1948", "circa 1951", "1960 to 1962"); a range gives
 * both ends, text that is no date is kept as written. */
static int put_dates(struct ofac *o, struct probity_entity *e, const char *prop, const char *text)
{
    char iso[11], first[64];
    int rc;
    const char *to = strstr(text, " to ");
    if (to && (size_t)(to - text) < sizeof(first)) {
        memcpy(first, text, (size_t)(to - text));
        first[to - text] = 0;
        if ((rc = put(o, e, prop, pb_date_iso(first, iso) == 0 ? iso : first)))
            return rc;
        text = to + 4;
    }
    return put(o, e, prop, pb_date_iso(text, iso) == 0 ? iso : text);
}

/* ---- Remarks ---- */

static int is_lei(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!isalnum((unsigned char)s[n]))
            return 0;
    return n == 20;
}

static int all_digits(const char *s, size_t *n)
{
    size_t k = 0;
    for (; s[k]; k++)
        if (!isdigit((unsigned char)s[k]))
            return 0;
    *n = k;
    return k > 0;
}

/* "IMO 1234567" or "IMO1234567" (or "1234567" when bare_ok) -> "IMO1234567" in out[16],
 * else 0. */
static int imo_number(const char *s, int bare_ok, char out[16])
{
    size_t n;
    if (!pb_startswith_ci(s, "IMO") && !bare_ok)
        return 0;
    if (pb_startswith_ci(s, "IMO"))
        s += 3;
    while (*s == ' ')
        s++;
    if (!all_digits(s, &n) || n != 7)
        return 0;
    snprintf(out, 16, "IMO%s", s);
    return 1;
}

static int put_identifier(struct ofac *o, const struct pb_ofac_rule *r, const char *label, const char *value)
{
    char *v, *number, *country, *issued, *expires, imo[16], iso[11];
    const char *prop = r->prop, *schema;
    size_t nd;
    int rc = 0, russia;
    if (!(v = pb_strdup(value)))
        return oom(o);
    pb__ofac_split_id(v, &number, &country, &issued, &expires);
    if (!*number)
        goto out;
    russia = country && (pb_streq_ci(country, "Russia") || strcmp(country_of(country), "ru") == 0);
    if (prop) {
        const char *val = number;
        if (imo_number(number, strcmp(prop, "imoNumber") == 0, imo)) {
            prop = "imoNumber";
            val = imo;
        } else if (strcmp(prop, "leiCode") == 0 && !is_lei(number)) {
            prop = "registrationNumber";
        }
        /* a number the schema has no property for is still a registration number of sorts */
        if (!has_prop(o, o->e.schema, prop))
            prop = r->fallback ? r->fallback : "registrationNumber";
        if ((rc = put(o, &o->e, prop, val)))
            goto out;
        /* Russian registers have FtM properties of their own (INN, OGRN, OKPO) */
        if (russia && all_digits(number, &nd)) {
            if (strcmp(r->prop, "taxNumber") == 0 && (nd == 10 || nd == 12))
                rc = put(o, &o->e, "innCode", number);
            else if (strcmp(r->prop, "registrationNumber") == 0 && (nd == 13 || nd == 15) &&
                     strstr(label, "Registration"))
                rc = put(o, &o->e, "ogrnCode", number);
            else if (strstr(label, "Gazette"))
                rc = put(o, &o->e, "okpoCode", number);
            if (rc)
                goto out;
        }
    }
    schema = r->prop && strcmp(r->prop, "passportNumber") == 0 ? "Passport" : "Identification";
    pb_buf_reset(&o->id);
    if (pb_buf_addf(&o->id, "%s-ident-%d", o->eid, ++o->nident)) {
        rc = oom(o);
        goto out;
    }
    if (probity_entity_reset(&o->sub, o->id.s, schema)) {
        rc = oom(o);
        goto out;
    }
    if ((rc = put(o, &o->sub, "holder", o->eid)) || (rc = put(o, &o->sub, "type", label)) ||
        (rc = put(o, &o->sub, "number", number)))
        goto out;
    if (country && (rc = put(o, &o->sub, "country", country_of(country))))
        goto out;
    if (issued && (rc = put(o, &o->sub, "startDate", pb_date_iso(issued, iso) == 0 ? iso : issued)))
        goto out;
    if (expires && (rc = put(o, &o->sub, "endDate", pb_date_iso(expires, iso) == 0 ? iso : expires)))
        goto out;
    rc = emit(o, &o->sub);
out:
    free(v);
    return rc;
}

static int put_wallet(struct ofac *o, const char *value)
{
    const char *sp = strchr(value, ' ');
    char cur[16];
    const char *addr;
    int rc;
    if (!sp || (size_t)(sp - value) >= sizeof(cur))
        return 0;
    memcpy(cur, value, (size_t)(sp - value));
    cur[sp - value] = 0;
    addr = sp;
    while (*addr == ' ')
        addr++;
    if (!*addr || strchr(addr, ' '))
        return 0;
    pb_buf_reset(&o->id);
    int plain = 1;
    for (const char *p = addr; *p; p++)
        plain &= isalnum((unsigned char)*p) != 0;
    if (plain ? pb_buf_addf(&o->id, "%s-wallet-%s", o->eid, addr)
              : pb_buf_addf(&o->id, "%s-wallet-%016llx", o->eid,
                            (unsigned long long)pb_hash64(addr, strlen(addr))))
        return oom(o);
    if (probity_entity_reset(&o->sub, o->id.s, "CryptoWallet"))
        return oom(o);
    if ((rc = put(o, &o->sub, "publicKey", addr)) || (rc = put(o, &o->sub, "currency", cur)) ||
        (rc = put(o, &o->sub, "holder", o->eid)))
        return rc;
    return emit(o, &o->sub);
}

/* a.k.a. 'X' (the quotes mark OFAC's weak aliases); an unclosed quote means the remark
 * was cut short, and half a name is worse than none. */
static int put_alias(struct ofac *o, const struct pb_ofac_rule *r, const char *value)
{
    const char *open = strchr(value, '\''), *close = strrchr(value, '\'');
    int rc;
    if (!open)
        return add_name(o, r->prop, value, 2);
    if (close == open)
        return 0;
    pb_buf_reset(&o->tmp);
    if (pb_buf_add(&o->tmp, open + 1, (size_t)(close - open - 1)))
        return oom(o);
    /* several names in one item: 'X', 'Y' */
    char *all = pb_strdup(o->tmp.s), *p = all, *sep;
    if (!all)
        return oom(o);
    rc = 0;
    while (!rc && p) {
        if ((sep = strstr(p, "', '")))
            *sep = 0;
        rc = add_name(o, r->prop, p, 2);
        p = sep ? sep + 4 : NULL;
    }
    free(all);
    return rc;
}

static int put_sanction_date(struct ofac *o, const struct pb_ofac_rule *r, const char *item, const char *value)
{
    char iso[11];
    const char *d = value, *close = strrchr(value, ')');
    int rc;
    if ((rc = put(o, &o->san, "provisions", item)))
        return rc;
    if (close)
        d = close + 1;
    while (*d == ':' || *d == ' ')
        d++;
    return pb_date_iso(d, iso) == 0 ? put(o, &o->san, r->prop, iso) : 0;
}

static int put_country(struct ofac *o, const struct pb_ofac_rule *r, const char *value)
{
    const char *prop = r->prop;
    if (!*value || pb_streq_ci(value, "None Identified"))
        return 0;
    if (!has_prop(o, o->e.schema, prop) && r->fallback)
        prop = r->fallback;
    return put(o, &o->e, prop, country_of(value));
}

static int put_item(struct ofac *o, char *item)
{
    const struct pb_ofac_rule *r;
    const char *value;
    int rc;
    if (!(r = pb__ofac_match(item, &value)))
        return 0;
    switch (r->kind) {
    case PB_OFAC_ALIAS:
        return put_alias(o, r, value);
    case PB_OFAC_LINK:
        return pend_link(o, LINK_LINKED_TO, value);
    case PB_OFAC_OPERATOR:
        return pend_link(o, LINK_OPERATOR, value);
    case PB_OFAC_DATE:
        return has_prop(o, o->e.schema, r->prop) ? put_dates(o, &o->e, r->prop, value) : 0;
    case PB_OFAC_POB: {
        const char *comma = strrchr(value, ',');
        const char *code = pb__country_code(comma ? comma + 1 : value);
        if ((rc = put(o, &o->e, "birthPlace", value)))
            return rc;
        return code ? put(o, &o->e, "birthCountry", code) : 0;
    }
    case PB_OFAC_COUNTRY:
        return put_country(o, r, value);
    case PB_OFAC_GENDER: {
        char g[16];
        size_t k = 0;
        for (; value[k] && k + 1 < sizeof(g); k++)
            g[k] = (char)tolower((unsigned char)value[k]);
        g[k] = 0;
        return put(o, &o->e, "gender", g);
    }
    case PB_OFAC_TEXT:
        return put(o, &o->e, r->prop, value);
    case PB_OFAC_ID: {
        /* the document type as written, without the ':' or '#' that leads to the number */
        char label[128];
        size_t l = (size_t)(value - item) < sizeof(label) ? (size_t)(value - item) : sizeof(label) - 1;
        memcpy(label, item, l);
        while (l && (label[l - 1] == ' ' || label[l - 1] == ':' || (label[l - 1] == '#' && l > 1)))
            l--;
        label[l] = 0;
        return put_identifier(o, r, label, value);
    }
    case PB_OFAC_WALLET:
        return put_wallet(o, value);
    case PB_OFAC_PROVISION:
        return put(o, &o->san, r->prop, item);
    case PB_OFAC_SANCTION_DATE:
        return put_sanction_date(o, r, item, value);
    }
    return 0;
}

static int put_remarks(struct ofac *o, char *s)
{
    char *item;
    int rc;
    while ((item = pb__ofac_next_item(&s)))
        if (*item && (rc = put_item(o, item)))
            return rc;
    return 0;
}

/* ---- side files ---- */

static struct side *side_get(struct ofac *o, const char *ent)
{
    struct side *sd = pb_map_get(&o->sides, ent);
    if (sd)
        return sd;
    if (!(sd = calloc(1, sizeof(*sd))) || !(sd->ent = pb_strdup(ent))) {
        free(sd);
        return NULL;
    }
    sd->alt_tail = &sd->alt;
    sd->add_tail = &sd->add;
    if (pb_map_put(&o->sides, ent, sd)) {
        free(sd->ent);
        free(sd);
        return NULL;
    }
    *o->all_tail = sd;
    o->all_tail = &sd->next_all;
    return sd;
}

static void side_free(void *v)
{
    struct side *sd = v;
    struct side_row *r, *n;
    for (r = sd->alt; r; r = n)
        n = r->next, free(r);
    for (r = sd->add; r; r = n)
        n = r->next, free(r);
    pb_buf_release(&sd->comments);
    free(sd->programs);
    free(sd->ent);
    free(sd);
}

static int check_ent(struct ofac *o, const char *ent, long *num)
{
    if (pb_parse_long(ent, num) || *num <= 0)
        return pb__err(o->a->err, PROBITY_EPARSE, o->file, o->line, 1,
                       "first column should be the ent_num (a positive number), found '%s'", ent);
    return 0;
}

static int wrong_fields(struct ofac *o, enum role role, size_t n)
{
    return pb__err(o->a->err, PROBITY_EPARSE, o->file, o->line, 0,
                   "%zu fields where the OFAC %s has %zu (a stray comma or quote?)", n, role_desc[role],
                   role_fields[role]);
}

static int load_side(struct ofac *o, const char *path, enum role role)
{
    struct pb_csv *c = NULL;
    char **f;
    size_t nf;
    long num;
    int rc;
    o->file = path, o->line = 0;
    if ((rc = pb_csv_open(&c, path, ',', o->a->opts->encoding, o->a->err)))
        return rc;
    while ((rc = pb_csv_next(c, &f, &nf, o->a->err)) == 1) {
        struct side *sd;
        o->line = pb_csv_lineno(c);
        if (nf != role_fields[role]) {
            rc = wrong_fields(o, role, nf);
            break;
        }
        char *ent = cell(f[0]);
        if ((rc = check_ent(o, ent, &num)))
            break;
        if (!(sd = side_get(o, ent))) {
            rc = oom(o);
            break;
        }
        if (role == ROLE_COMMENTS) {
            /* the overflow of a Remarks cell that was cut at its length limit: glued on
             * as is, since the cut may fall inside a word */
            if (!sd->cfile)
                sd->cfile = path, sd->cline = o->line;
            if (pb_buf_adds(&sd->comments, f[1])) {
                rc = oom(o);
                break;
            }
            continue;
        }
        size_t len = sizeof(struct side_row);
        for (size_t k = 1; k < nf; k++)
            len += strlen(f[k] = cell(f[k])) + 1;
        struct side_row *row = malloc(len);
        if (!row) {
            rc = oom(o);
            break;
        }
        char *p = (char *)(row + 1);
        row->next = NULL, row->file = path, row->line = o->line;
        for (size_t k = 1; k < nf; k++) {
            size_t l = strlen(f[k]) + 1;
            memcpy(p, f[k], l);
            row->f[k - 1] = p;
            p += l;
        }
        if (role == ROLE_ALT)
            *sd->alt_tail = row, sd->alt_tail = &row->next;
        else
            *sd->add_tail = row, sd->add_tail = &row->next;
    }
    pb_csv_close(c);
    return rc < 0 ? rc : 0;
}

/* ---- the primary file ---- */

static const char *schema_of(const char *type)
{
    if (!*type)
        return "Organization";
    if (pb_streq_ci(type, "individual"))
        return "Person";
    if (pb_streq_ci(type, "vessel"))
        return "Vessel";
    if (pb_streq_ci(type, "aircraft"))
        return "Airplane";
    return NULL;
}

/* "LAST, First" -> lastName / firstName when there is exactly one comma. */
static int split_person(struct ofac *o, const char *name)
{
    const char *comma = strchr(name, ',');
    int rc;
    if (!comma || strchr(comma + 1, ',') || comma == name || !comma[1])
        return 0;
    pb_buf_reset(&o->tmp);
    if (pb_buf_add(&o->tmp, name, (size_t)(comma - name)))
        return oom(o);
    pb_trim(o->tmp.s);
    if (!*o->tmp.s)
        return 0;
    if ((rc = put(o, &o->e, "lastName", o->tmp.s)))
        return rc;
    return put(o, &o->e, "firstName", comma + 1);
}

/* "GLOMAG] [UHRPA" -> GLOMAG, UHRPA on the entity and on its Sanction. */
static int put_programs(struct ofac *o, const char *s)
{
    int rc;
    while (*s) {
        while (*s == '[' || *s == ']' || *s == ' ')
            s++;
        size_t n = strcspn(s, "[]");
        if (n) {
            pb_buf_reset(&o->tmp);
            if (pb_buf_add(&o->tmp, s, n))
                return oom(o);
            if ((rc = put(o, &o->e, "program", o->tmp.s)) || (rc = put(o, &o->san, "program", o->tmp.s)))
                return rc;
        }
        s += n;
    }
    return 0;
}

static int put_note(struct ofac *o, const char *label, const char *value)
{
    if (!*value)
        return 0;
    pb_buf_reset(&o->tmp);
    if (pb_buf_addf(&o->tmp, "%s: %s", label, value))
        return oom(o);
    return put(o, &o->e, "notes", o->tmp.s);
}

/* Number cells like "1,234" lose their thousands separators. */
static int put_number(struct ofac *o, const char *prop, const char *value)
{
    pb_buf_reset(&o->tmp);
    for (const char *p = value; *p; p++)
        if (*p != ',' && pb_buf_addc(&o->tmp, *p))
            return oom(o);
    return put(o, &o->e, prop, o->tmp.s);
}

static int put_aliases(struct ofac *o, struct side *sd)
{
    int rc;
    for (struct side_row *r = sd ? sd->alt : NULL; r; r = r->next) {
        const char *type = r->f[1], *name = r->f[2], *remarks = r->f[3];
        const char *prop = "alias";
        int prio = 1;
        if (pb_streq_ci(type, "fka"))
            prop = "previousName";
        if (strstr(remarks, "weak") || strstr(remarks, "Weak"))
            prop = "weakAlias", prio = 2;
        if ((rc = add_name(o, prop, name, prio)))
            return rc;
    }
    return 0;
}

static int put_addresses(struct ofac *o, struct side *sd)
{
    int rc;
    for (struct side_row *r = sd ? sd->add : NULL; r; r = r->next) {
        const char *num = r->f[0], *street = r->f[1], *city = r->f[2], *country = r->f[3], *remarks = r->f[4];
        if (!*street && !*city && !*country)
            continue;
        pb_buf_reset(&o->id);
        if (pb_buf_addf(&o->id, "%s-addr-%s", o->eid, *num ? num : "0"))
            return oom(o);
        if (probity_entity_reset(&o->sub, o->id.s, "Address"))
            return oom(o);
        pb_buf_reset(&o->tmp);
        const char *parts[3] = {street, city, country};
        for (int k = 0; k < 3; k++)
            if (*parts[k] && ((o->tmp.len && pb_buf_adds(&o->tmp, ", ")) || pb_buf_adds(&o->tmp, parts[k])))
                return oom(o);
        if ((rc = put(o, &o->sub, "full", o->tmp.s)) || (rc = put(o, &o->sub, "street", street)) ||
            (rc = put(o, &o->sub, "city", city)) || (rc = put(o, &o->sub, "remarks", remarks)) ||
            (rc = put(o, &o->e, "address", o->tmp.s)) || (rc = put(o, &o->e, "addressEntity", o->id.s)))
            return rc;
        if (*country && ((rc = put(o, &o->sub, "country", country_of(country))) ||
                         (rc = put(o, &o->e, "country", country_of(country)))))
            return rc;
        if ((rc = emit(o, &o->sub)))
            return rc;
    }
    return 0;
}

static int primary_row(struct ofac *o, char **f)
{
    char *ent = cell(f[0]), *name = cell(f[1]), *type = cell(f[2]), *programs = cell(f[3]), *title = cell(f[4]);
    char *callsign = cell(f[5]), *vtype = cell(f[6]), *tonnage = cell(f[7]), *grt = cell(f[8]);
    char *flag = cell(f[9]), *owner = cell(f[10]);
    const char *remarks = f[11];
    const char *schema;
    struct side *sd;
    int rc;
    if ((rc = check_ent(o, ent, &o->ent)))
        return rc;
    if (!*name) {
        o->a->sink->warn(o->a->sink, o->file, o->line, "ent_num %s has no name; record skipped", ent);
        return 0;
    }
    if (!(schema = schema_of(type))) {
        o->a->sink->warn(o->a->sink, o->file, o->line,
                         "ent_num %s: unknown SDN_Type '%s', read as a legal entity", ent, type);
        schema = "LegalEntity";
    }
    if (!(sd = side_get(o, ent)))
        return oom(o);
    if (sd->seen)
        o->a->sink->warn(o->a->sink, o->file, o->line, "ent_num %s appears twice; the records are merged", ent);
    sd->seen = 1;
    free(sd->programs);
    if (!(sd->programs = pb_strdup(programs)))
        return oom(o);
    snprintf(o->eid, sizeof(o->eid), "ofac-%ld", o->ent);
    o->nident = 0;
    pb_buf_reset(&o->id);
    if (pb_buf_addf(&o->id, "%s-sanction", o->eid) || probity_entity_reset(&o->san, o->id.s, "Sanction") ||
        probity_entity_reset(&o->e, o->eid, schema))
        return oom(o);
    pb_buf_reset(&o->id);
    if (pb_buf_addf(&o->id, DETAILS_URL "%ld", o->ent))
        return oom(o);
    if ((rc = put(o, &o->san, "entity", o->eid)) || (rc = put(o, &o->san, "authority", AUTHORITY)) ||
        (rc = put(o, &o->san, "authorityId", ent)) || (rc = put(o, &o->san, "sourceUrl", o->id.s)))
        return rc;
    if ((rc = add_name(o, "name", name, 0)) || (rc = put_programs(o, programs)))
        return rc;
    if (strcmp(schema, "Person") == 0 && (rc = split_person(o, name)))
        return rc;
    if (*title && (rc = has_prop(o, schema, "position") ? put(o, &o->e, "position", title)
                                                        : put_note(o, "Title", title)))
        return rc;
    /* vessel cells; on other kinds of record they are kept as labelled notes */
    if ((rc = has_prop(o, schema, "callSign") ? put(o, &o->e, "callSign", callsign)
                                               : put_note(o, "Call sign", callsign)) ||
        (rc = has_prop(o, schema, "type") ? put(o, &o->e, "type", vtype) : put_note(o, "Vessel type", vtype)) ||
        (rc = has_prop(o, schema, "tonnage") ? put_number(o, "tonnage", tonnage)
                                              : put_note(o, "Tonnage", tonnage)) ||
        (rc = has_prop(o, schema, "grossRegisteredTonnage") ? put_number(o, "grossRegisteredTonnage", grt)
                                                             : put_note(o, "GRT", grt)) ||
        (rc = *flag && has_prop(o, schema, "flag") ? put(o, &o->e, "flag", country_of(flag))
                                                   : put_note(o, "Vessel flag", flag)) ||
        (rc = put_note(o, "Vessel owner", owner)) || (rc = pend_link(o, LINK_OWNER, owner)))
        return rc;
    if ((rc = put_aliases(o, sd)) || (rc = put_addresses(o, sd)))
        return rc;
    /* Remarks, with their overflow from the comments file; not trimmed, since the cut
     * between the two may fall on a blank */
    if (is_nil(remarks))
        remarks = "";
    pb_buf_reset(&o->rem);
    if (pb_buf_adds(&o->rem, remarks) || (sd->comments.len && pb_buf_adds(&o->rem, sd->comments.s)))
        return oom(o);
    if (o->rem.len) {
        if ((rc = put(o, &o->e, "notes", o->rem.s)) || (rc = put_remarks(o, o->rem.s)))
            return rc;
    }
    if ((rc = emit(o, &o->e)))
        return rc;
    return emit(o, &o->san);
}

static int load_primary(struct ofac *o, const char *path)
{
    struct pb_csv *c = NULL;
    char **f;
    size_t nf;
    int rc;
    o->file = path, o->line = 0;
    if ((rc = pb_csv_open(&c, path, ',', o->a->opts->encoding, o->a->err)))
        return rc;
    while ((rc = pb_csv_next(c, &f, &nf, o->a->err)) == 1) {
        o->line = pb_csv_lineno(c);
        if (nf != role_fields[ROLE_PRIM]) {
            rc = wrong_fields(o, ROLE_PRIM, nf);
            break;
        }
        if ((rc = primary_row(o, f)))
            break;
    }
    pb_csv_close(c);
    return rc < 0 ? rc : 0;
}

/* ---- after the stream ---- */

/* Next program of a Program cell ("SDGT] [IFSR"): its start, length in *n; NULL at the end. */
static const char *next_program(const char **s, size_t *n)
{
    const char *p = *s, *start;
    while (*p == '[' || *p == ']' || *p == ' ')
        p++;
    if (!*p)
        return NULL;
    start = p;
    *n = strcspn(p, "[]");
    *s = p + *n;
    while (*n && start[*n - 1] == ' ')
        (*n)--;
    return start;
}

static int share_program(const char *a, const char *b)
{
    const char *pa, *pb, *sb;
    size_t na, nb;
    while ((pa = next_program(&a, &na)))
        for (sb = b; (pb = next_program(&sb, &nb));)
            if (na == nb && memcmp(pa, pb, na) == 0)
                return 1;
    return 0;
}

static const char *programs_of(struct ofac *o, long ent)
{
    char k[24];
    struct side *sd;
    snprintf(k, sizeof(k), "%ld", ent);
    sd = pb_map_get(&o->sides, k);
    return sd && sd->programs ? sd->programs : "";
}

/* The record a name points at: the best kind of match (name before alias before weak
 * alias); when several records share it, the one under a program of the subject, as when
 * ministries of two governments carry the same name. 0 when there is none or no single
 * one. */
static long pick_target(struct ofac *o, const struct name_ref *head, long subject, int *ambiguous)
{
    const struct name_ref *r;
    const char *mine;
    int best = 3, n = 0;
    long pick = 0;
    *ambiguous = 0;
    for (r = head; r; r = r->next)
        if (r->ent != subject && r->prio < best)
            best = r->prio;
    for (r = head; r; r = r->next)
        if (r->ent != subject && r->prio == best)
            n++, pick = r->ent;
    if (n <= 1)
        return pick;
    mine = programs_of(o, subject);
    n = 0;
    for (r = head; r; r = r->next)
        if (r->ent != subject && r->prio == best && share_program(mine, programs_of(o, r->ent)))
            n++, pick = r->ent;
    if (n == 1)
        return pick;
    *ambiguous = 1;
    return 0;
}

static int resolve_links(struct ofac *o)
{
    static const char *const what[] = {"Linked To", "Vessel owner", "Aircraft operator"};
    char subj[40], obj[40];
    int rc;
    for (size_t i = 0; i < o->nlinks; i++) {
        struct pending_link *l = &o->links[i];
        const struct name_ref *head;
        long target;
        int ambiguous;
        o->file = l->file, o->line = l->line;
        if (name_key(&o->key, l->target))
            return oom(o);
        head = pb_map_get(&o->names, o->key.s);
        target = head ? pick_target(o, head, l->subject, &ambiguous) : 0;
        if (!target) {
            /* owners and operators are often firms outside the list; only a broken
             * "Linked To" is worth a warning */
            if (l->kind == LINK_LINKED_TO && (!head || ambiguous))
                o->a->sink->warn(o->a->sink, l->file, l->line,
                                 head ? "ofac-%ld: Linked To '%s' names several records; link not made"
                                      : "ofac-%ld: Linked To '%s' names no record of this list; link not made",
                                 l->subject, l->target);
            continue;
        }
        snprintf(subj, sizeof(subj), "ofac-%ld", l->subject);
        snprintf(obj, sizeof(obj), "ofac-%ld", target);
        pb_buf_reset(&o->id);
        if (l->kind == LINK_OWNER) {
            if (pb_buf_addf(&o->id, "%s-owner-%s", subj, obj) ||
                probity_entity_reset(&o->sub, o->id.s, "Ownership"))
                return oom(o);
            if ((rc = put(o, &o->sub, "owner", obj)) || (rc = put(o, &o->sub, "asset", subj)))
                return rc;
        } else {
            if (pb_buf_addf(&o->id, "%s-%s-%s", subj, l->kind == LINK_OPERATOR ? "operator" : "link", obj) ||
                probity_entity_reset(&o->sub, o->id.s, "UnknownLink"))
                return oom(o);
            if ((rc = put(o, &o->sub, "subject", subj)) || (rc = put(o, &o->sub, "object", obj)))
                return rc;
        }
        if ((rc = put(o, &o->sub, "role", what[l->kind])) || (rc = emit(o, &o->sub)))
            return rc;
    }
    return 0;
}

static void warn_orphans(struct ofac *o)
{
    for (struct side *sd = o->all; sd; sd = sd->next_all) {
        if (sd->seen)
            continue;
        for (struct side_row *r = sd->alt; r; r = r->next)
            o->a->sink->warn(o->a->sink, r->file, r->line,
                             "alias of ent_num %s, which is not in the primary file; dropped", sd->ent);
        for (struct side_row *r = sd->add; r; r = r->next)
            o->a->sink->warn(o->a->sink, r->file, r->line,
                             "address of ent_num %s, which is not in the primary file; dropped", sd->ent);
        if (sd->cfile)
            o->a->sink->warn(o->a->sink, sd->cfile, sd->cline,
                             "remarks of ent_num %s, which is not in the primary file; dropped", sd->ent);
    }
}

/* ---- roles of the files ---- */

static enum role role_by_name(const char *path)
{
    const char *base = strrchr(path, '/');
    char stem[64];
    size_t n = 0;
    base = base ? base + 1 : path;
    for (; base[n] && base[n] != '.' && n + 1 < sizeof(stem); n++)
        stem[n] = (char)tolower((unsigned char)base[n]);
    stem[n] = 0;
#define ENDS(s) (n >= sizeof(s) - 1 && strcmp(stem + n - (sizeof(s) - 1), s) == 0)
    if (ENDS("comments"))
        return ROLE_COMMENTS;
    if (ENDS("alt"))
        return ROLE_ALT;
    if (ENDS("add"))
        return ROLE_ADD;
    if (ENDS("sdn") || ENDS("prim"))
        return ROLE_PRIM;
#undef ENDS
    return ROLE_NONE;
}

static int role_by_columns(struct ofac *o, const char *path, enum role *role)
{
    struct pb_csv *c = NULL;
    char **f;
    size_t nf;
    int rc;
    *role = ROLE_NONE;
    if ((rc = pb_csv_open(&c, path, ',', o->a->opts->encoding, o->a->err)))
        return rc;
    rc = pb_csv_next(c, &f, &nf, o->a->err);
    pb_csv_close(c);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return pb__err(o->a->err, PROBITY_EEMPTY, path, 0, 0, "no records");
    for (int r = ROLE_PRIM; r <= ROLE_COMMENTS; r++)
        if (nf == role_fields[r])
            *role = (enum role)r;
    if (*role == ROLE_NONE)
        return pb__err(o->a->err, PROBITY_EFORMAT, path, 1, 0,
                       "%zu fields: not one of the OFAC CSV files (sdn.csv has 12, alt.csv 5, add.csv 6, "
                       "sdn_comments.csv 2)",
                       nf);
    return 0;
}

static void name_ref_free(void *v)
{
    struct name_ref *r = v, *n;
    for (; r; r = n)
        n = r->next, free(r);
}

int pb__load_ofac_csv(const struct pb_load_args *a)
{
    static const enum role side_order[] = {ROLE_COMMENTS, ROLE_ALT, ROLE_ADD};
    struct ofac o;
    enum role *roles = calloc(a->npaths ? a->npaths : 1, sizeof(*roles));
    size_t nprim = 0;
    int rc = 0;
    memset(&o, 0, sizeof(o));
    o.a = a;
    o.all_tail = &o.all;
    probity_entity_init(&o.e);
    probity_entity_init(&o.san);
    probity_entity_init(&o.sub);
    if (!roles) {
        rc = pb__err(a->err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < a->npaths; i++) {
        roles[i] = role_by_name(a->paths[i]);
        if (roles[i] == ROLE_NONE && (rc = role_by_columns(&o, a->paths[i], &roles[i])))
            goto out;
        nprim += roles[i] == ROLE_PRIM;
    }
    if (!nprim) {
        rc = pb__err(a->err, PROBITY_EINVAL, a->npaths ? a->paths[0] : NULL, 0, 0,
                     "an OFAC %s needs its primary file (sdn.csv, or cons_prim.csv for the non-SDN list) "
                     "in the same load",
                     a->npaths ? role_desc[roles[0]] : "CSV set");
        goto out;
    }
    for (size_t k = 0; k < sizeof(side_order) / sizeof(side_order[0]); k++)
        for (size_t i = 0; i < a->npaths; i++)
            if (roles[i] == side_order[k] && (rc = load_side(&o, a->paths[i], roles[i])))
                goto out;
    for (size_t i = 0; i < a->npaths; i++)
        if (roles[i] == ROLE_PRIM && (rc = load_primary(&o, a->paths[i])))
            goto out;
    warn_orphans(&o);
    rc = resolve_links(&o);
out:
    for (size_t i = 0; i < o.nlinks; i++)
        free(o.links[i].target);
    free(o.links);
    pb_map_release(&o.sides, side_free);
    pb_map_release(&o.names, name_ref_free);
    pb_map_release(&o.props, NULL);
    probity_entity_release(&o.e);
    probity_entity_release(&o.san);
    probity_entity_release(&o.sub);
    pb_buf_release(&o.rem);
    pb_buf_release(&o.tmp);
    pb_buf_release(&o.key);
    pb_buf_release(&o.id);
    free(roles);
    return rc;
}
