/* The BIS Denied Persons List as published: tab-separated, every field quoted, one row
 * per denial order and address. The list has no ids, so an entity's id is a hash of its
 * normalised name and address; rows repeating a party at the same address (the list
 * carries such duplicates) merge into one entity. Persons and companies are mixed with
 * nothing to tell them apart, so every party is a LegalEntity. The file states no
 * publication date; the latest plausible Last_Update stands for it (the list holds typo
 * years such as 3017 and 0222, which are skipped). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "core/core.h"
#include "core/csv.h"
#include "lists/loader.h"
#include "probity/model.h"

#define DPL_PROGRAM "Denied Persons List (DPL) - Bureau of Industry and Security"
#define DPL_AUTHORITY "Bureau of Industry and Security"
#define DPL_URL "https://www.bis.doc.gov/index.php/the-denied-persons-list"

enum {
    D_NAME, D_STREET, D_CITY, D_STATE, D_COUNTRY, D_POSTAL, D_EFFECTIVE, D_EXPIRATION, D_STANDARD,
    D_UPDATE, D_ACTION, D_CITATION, NCOLS
};

static const char *const col_names[NCOLS] = {
    "Name", "Street_Address", "City", "State", "Country", "Postal_Code", "Effective_Date",
    "Expiration_Date", "Standard_Order", "Last_Update", "Action", "FR_Citation"};

struct dpl {
    const struct pb_load_args *a;
    const char *path;
    long line;
    int col[NCOLS];
    size_t ncols;
    char **f;
    struct probity_entity e, addr, sanction;
    struct pb_buf tmp, key;
    char today[11];
    char latest[11];            /* latest plausible Last_Update seen */
};

static const char *cell(const struct dpl *d, int k)
{
    return d->col[k] >= 0 ? d->f[d->col[k]] : "";
}

static int add(struct dpl *d, struct probity_entity *e, const char *prop, const char *value)
{
    return pb__entity_add_at(e, prop, value, d->path, d->line, d->a->err);
}

static int add_date(struct dpl *d, struct probity_entity *e, const char *prop, const char *value)
{
    char iso[11];
    return add(d, e, prop, pb_date_iso(value, iso) == 0 ? iso : value);
}

static int oom(struct dpl *d)
{
    return pb__err(d->a->err, PROBITY_ENOMEM, d->path, d->line, 0, "out of memory");
}

static void note_update(struct dpl *d)
{
    char iso[11];
    if (pb_date_iso(cell(d, D_UPDATE), iso) == 0 && strlen(iso) == 10 && strcmp(iso, d->today) <= 0 &&
        strcmp(iso, d->latest) > 0)
        memcpy(d->latest, iso, sizeof(iso));
}

static int load_row(struct dpl *d)
{
    static const int addr_parts[] = {D_STREET, D_CITY, D_STATE, D_POSTAL, D_COUNTRY};
    const char *country = cell(d, D_COUNTRY), *code = pb__country_code(country);
    const char *so = cell(d, D_STANDARD);
    char h[17];
    int rc;
    /* id: name and the whole address */
    pb_buf_reset(&d->key);
    for (int k = D_NAME; k <= D_POSTAL; k++)
        if ((k > D_NAME && pb_buf_addc(&d->key, '\x1f')) || pb__id_fold(&d->key, cell(d, k)))
            return oom(d);
    snprintf(h, sizeof(h), "%016llx", (unsigned long long)pb_hash64(d->key.s, d->key.len));
    pb_buf_reset(&d->tmp);
    if (pb_buf_addf(&d->tmp, "dpl-%s", h) || probity_entity_reset(&d->e, pb_buf_str(&d->tmp), "LegalEntity"))
        return oom(d);
    if ((rc = add(d, &d->e, "name", cell(d, D_NAME))) || (rc = add(d, &d->e, "program", DPL_PROGRAM)) ||
        (rc = add(d, &d->e, "topics", "export.control")) || (rc = add(d, &d->e, "country", code ? code : country)))
        return rc;
    /* the address, written out in the list's order and as an Address entity */
    pb_buf_reset(&d->tmp);
    for (size_t i = 0; i < sizeof(addr_parts) / sizeof(addr_parts[0]); i++) {
        const char *v = cell(d, addr_parts[i]);
        while (isspace((unsigned char)*v))
            v++;
        if (*v && pb_buf_addf(&d->tmp, "%s%s", d->tmp.len ? ", " : "", v))
            return oom(d);
    }
    if (d->tmp.len) {
        pb_buf_reset(&d->key);
        if (pb_buf_addf(&d->key, "%s-addr-%016llx", d->e.id, (unsigned long long)pb_hash64(d->tmp.s, d->tmp.len)) ||
            probity_entity_reset(&d->addr, pb_buf_str(&d->key), "Address"))
            return oom(d);
        if ((rc = add(d, &d->addr, "full", pb_buf_str(&d->tmp))) ||
            (rc = add(d, &d->addr, "street", cell(d, D_STREET))) || (rc = add(d, &d->addr, "city", cell(d, D_CITY))) ||
            (rc = add(d, &d->addr, "state", cell(d, D_STATE))) ||
            (rc = add(d, &d->addr, "postalCode", cell(d, D_POSTAL))) ||
            (rc = add(d, &d->addr, "country", code ? code : country)) ||
            (rc = add(d, &d->e, "address", pb_buf_str(&d->tmp))) || (rc = add(d, &d->e, "addressEntity", d->addr.id)))
            return rc;
        if ((rc = d->a->sink->emit(d->a->sink, &d->addr, d->a->err)))
            return rc;
    }
    /* the denial order */
    pb_buf_reset(&d->tmp);
    if (pb_buf_addf(&d->tmp, "%s-sanction", d->e.id) || probity_entity_reset(&d->sanction, pb_buf_str(&d->tmp), "Sanction"))
        return oom(d);
    if ((rc = add(d, &d->sanction, "entity", d->e.id)) || (rc = add(d, &d->sanction, "authority", DPL_AUTHORITY)) ||
        (rc = add(d, &d->sanction, "program", DPL_PROGRAM)) || (rc = add(d, &d->sanction, "sourceUrl", DPL_URL)) ||
        (rc = add_date(d, &d->sanction, "startDate", cell(d, D_EFFECTIVE))) ||
        (rc = add_date(d, &d->sanction, "listingDate", cell(d, D_EFFECTIVE))) ||
        (rc = add_date(d, &d->sanction, "endDate", cell(d, D_EXPIRATION))) ||
        (rc = add_date(d, &d->sanction, "modifiedAt", cell(d, D_UPDATE))) ||
        (rc = add(d, &d->sanction, "reason", cell(d, D_ACTION))) ||
        (rc = add(d, &d->sanction, "summary", cell(d, D_CITATION))))
        return rc;
    if (*so && (rc = add(d, &d->sanction, "provisions",
                         pb_streq_ci(so, "Y") ? "Standard order" : pb_streq_ci(so, "N") ? "Non-standard order" : so)))
        return rc;
    note_update(d);
    if ((rc = d->a->sink->emit(d->a->sink, &d->e, d->a->err)))
        return rc;
    return d->a->sink->emit(d->a->sink, &d->sanction, d->a->err);
}

static int load_file(struct dpl *d)
{
    struct pb_csv *csv = NULL;
    char **f;
    int rc, r;
    if ((rc = pb__csv_open_header(&csv, d->path, '\t', d->a->opts->encoding, col_names, NCOLS, d->col,
                                  &d->ncols, "Denied Persons List", d->a->err)))
        return rc;
    if (d->col[D_NAME] < 0) {
        rc = pb__err(d->a->err, PROBITY_EFORMAT, d->path, 1, 0,
                     "not a Denied Persons List header: no 'Name' column (is the file tab-separated?)");
        goto out;
    }
    while ((r = pb__csv_row(csv, d->ncols, &f, &d->line, d->path, d->a->err)) > 0) {
        d->f = f;
        if (!*pb_trim(f[d->col[D_NAME]])) {
            d->a->sink->warn(d->a->sink, d->path, d->line, "row without a name skipped");
            continue;
        }
        if ((rc = load_row(d)))
            goto out;
    }
    rc = r;
out:
    pb_csv_close(csv);
    return rc;
}

int pb__load_dpl(const struct pb_load_args *a)
{
    struct dpl d;
    char now[32];
    int rc = 0;
    memset(&d, 0, sizeof(d));
    d.a = a;
    pb_now_iso(now);
    memcpy(d.today, now, 10);
    probity_entity_init(&d.e);
    probity_entity_init(&d.addr);
    probity_entity_init(&d.sanction);
    for (size_t i = 0; i < a->npaths && !rc; i++) {
        d.path = a->paths[i];
        d.line = 0;
        rc = load_file(&d);
    }
    if (!rc && d.latest[0])
        a->sink->published(a->sink, d.latest);
    probity_entity_release(&d.e);
    probity_entity_release(&d.addr);
    probity_entity_release(&d.sanction);
    pb_buf_release(&d.tmp);
    pb_buf_release(&d.key);
    return rc;
}
