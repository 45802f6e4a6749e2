/* OpenSanctions' "targets.simple.csv": one row per target entity, already keyed by
 * OpenSanctions ids (which are kept exactly as they are, so they meet the same ids in
 * OpenSanctions FtM exports), with multi-valued cells joined by ';'. The columns are
 * found by header name. `last_seen` is left out on purpose: it is the time of the last
 * crawl, changes on every export and would make every entity look changed between two
 * versions of the same data. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "core/core.h"
#include "core/csv.h"
#include "lists/loader.h"
#include "probity/model.h"

enum {
    T_ID, T_SCHEMA, T_NAME, T_ALIASES, T_BIRTH, T_COUNTRIES, T_ADDRESSES, T_IDENTIFIERS,
    T_SANCTIONS, T_PHONES, T_EMAILS, T_DATASET, T_FIRST, T_CHANGE, NCOLS
};

static const char *const col_names[NCOLS] = {
    "id", "schema", "name", "aliases", "birth_date", "countries", "addresses", "identifiers",
    "sanctions", "phones", "emails", "dataset", "first_seen", "last_change"};

struct targets {
    const struct pb_load_args *a;
    const char *path;
    long line;
    int col[NCOLS];
    size_t ncols;
    char **f;
    struct probity_entity e, sub;
    struct pb_buf part, tmp;
};

static const char *cell(const struct targets *t, int k)
{
    return t->col[k] >= 0 ? t->f[t->col[k]] : "";
}

static int add(struct targets *t, struct probity_entity *e, const char *prop, const char *value)
{
    return pb__entity_add_at(e, prop, value, t->path, t->line, t->a->err);
}

static int oom(struct targets *t)
{
    return pb__err(t->a->err, PROBITY_ENOMEM, t->path, t->line, 0, "out of memory");
}

/* Under `prop` when the schema has it, else as a labelled note (a birth date given
 * for a company). */
static int put(struct targets *t, const char *prop, const char *value, const char *label)
{
    if (probity_prop_type(t->e.schema, prop))
        return add(t, &t->e, prop, value);
    pb_buf_reset(&t->tmp);
    if (pb_buf_addf(&t->tmp, "%s: %s", label, value))
        return oom(t);
    return add(t, &t->e, "notes", pb_buf_str(&t->tmp));
}

/* Copy the next ';'-separated value of *p, trimmed, into t->part; 0 when none is left. */
static int next_part(struct targets *t, const char **p)
{
    const char *s = *p, *end;
    if (!s || !*s)
        return 0;
    end = strchr(s, ';');
    if (!end)
        end = s + strlen(s);
    *p = *end ? end + 1 : end;
    while (s < end && isspace((unsigned char)*s))
        s++;
    while (end > s && isspace((unsigned char)end[-1]))
        end--;
    pb_buf_reset(&t->part);
    return pb_buf_add(&t->part, s, (size_t)(end - s)) ? -1 : 1;
}

static int is_wikidata_id(const char *s)
{
    if (*s++ != 'Q' || !isdigit((unsigned char)*s))
        return 0;
    while (isdigit((unsigned char)*s))
        s++;
    return *s == 0;
}

static int sub_entity(struct targets *t, const char *kind, const char *value, const char *schema)
{
    pb_buf_reset(&t->tmp);
    if (pb_buf_addf(&t->tmp, "%s-%s-%016llx", t->e.id, kind, (unsigned long long)pb_hash64(value, strlen(value))) ||
        probity_entity_reset(&t->sub, pb_buf_str(&t->tmp), schema))
        return oom(t);
    return 0;
}

static int load_value(struct targets *t, int col, const char *v)
{
    char iso[11];
    const char *code;
    int rc;
    switch (col) {
    case T_ALIASES:
        return put(t, "alias", v, "Alias");
    case T_BIRTH:
        return put(t, "birthDate", pb_date_iso(v, iso) == 0 ? iso : v, "Birth date");
    case T_COUNTRIES:
        code = pb__country_code(v);
        return put(t, "country", code ? code : v, "Country");
    case T_PHONES:
        return put(t, "phone", v, "Phone");
    case T_EMAILS:
        return put(t, "email", v, "Email");
    case T_DATASET:
        return put(t, "publisher", v, "Dataset");
    case T_IDENTIFIERS:
        if (is_wikidata_id(v) && probity_prop_type(t->e.schema, "wikidataId"))
            return add(t, &t->e, "wikidataId", v);
        return put(t, probity_prop_type(t->e.schema, "idNumber") ? "idNumber" : "registrationNumber", v, "Identifier");
    case T_ADDRESSES:
        if ((rc = sub_entity(t, "addr", v, "Address")) || (rc = add(t, &t->sub, "full", v)) ||
            (rc = put(t, "address", v, "Address")) || (rc = put(t, "addressEntity", t->sub.id, "Address")))
            return rc;
        return t->a->sink->emit(t->a->sink, &t->sub, t->a->err);
    case T_SANCTIONS:
        /* a Sanction's caption is its program: that is what this column lists */
        if ((rc = sub_entity(t, "sanction", v, "Sanction")) || (rc = add(t, &t->sub, "entity", t->e.id)) ||
            (rc = add(t, &t->sub, "program", v)) || (rc = put(t, "program", v, "Sanction")))
            return rc;
        return t->a->sink->emit(t->a->sink, &t->sub, t->a->err);
    default:
        return 0;
    }
}

static int load_row(struct targets *t)
{
    static const int multi[] = {T_ALIASES, T_BIRTH, T_COUNTRIES, T_ADDRESSES, T_IDENTIFIERS,
                                T_SANCTIONS, T_PHONES, T_EMAILS, T_DATASET};
    const char *schema = *cell(t, T_SCHEMA) ? cell(t, T_SCHEMA) : "LegalEntity";
    char iso[11];
    int rc, r;
    if (!probity_schema_exists(schema) || !probity_prop_type(schema, "name"))
        return pb__err(t->a->err, PROBITY_EPARSE, t->path, t->line, t->col[T_SCHEMA] + 1,
                       "'%s' is not an FtM schema of named things", schema);
    if (probity_entity_reset(&t->e, cell(t, T_ID), schema))
        return oom(t);
    if ((rc = add(t, &t->e, "name", cell(t, T_NAME))))
        return rc;
    for (size_t i = 0; i < sizeof(multi) / sizeof(multi[0]); i++) {
        const char *p = cell(t, multi[i]);
        while ((r = next_part(t, &p)) > 0)
            if (t->part.len && (rc = load_value(t, multi[i], pb_buf_str(&t->part))))
                return rc;
        if (r < 0)
            return oom(t);
    }
    if ((*cell(t, T_FIRST) &&
         (rc = put(t, "createdAt", pb_date_iso(cell(t, T_FIRST), iso) == 0 ? iso : cell(t, T_FIRST), "First seen"))) ||
        (*cell(t, T_CHANGE) &&
         (rc = put(t, "modifiedAt", pb_date_iso(cell(t, T_CHANGE), iso) == 0 ? iso : cell(t, T_CHANGE), "Last change"))))
        return rc;
    return t->a->sink->emit(t->a->sink, &t->e, t->a->err);
}

static int load_file(struct targets *t)
{
    struct pb_csv *csv = NULL;
    char **f;
    int rc, r;
    if ((rc = pb__csv_open_header(&csv, t->path, ',', t->a->opts->encoding, col_names, NCOLS, t->col,
                                  &t->ncols, "targets", t->a->err)))
        return rc;
    if (t->col[T_ID] < 0 || t->col[T_NAME] < 0) {
        rc = pb__err(t->a->err, PROBITY_EFORMAT, t->path, 1, 0, "not a targets.simple.csv header: no '%s' column",
                     t->col[T_ID] < 0 ? "id" : "name");
        goto out;
    }
    while ((r = pb__csv_row(csv, t->ncols, &f, &t->line, t->path, t->a->err)) > 0) {
        t->f = f;
        if (!*pb_trim(f[t->col[T_ID]])) {
            rc = pb__err(t->a->err, PROBITY_EPARSE, t->path, t->line, t->col[T_ID] + 1, "row without an id");
            goto out;
        }
        if (!*pb_trim(f[t->col[T_NAME]])) {
            t->a->sink->warn(t->a->sink, t->path, t->line, "row without a name skipped");
            continue;
        }
        if ((rc = load_row(t)))
            goto out;
    }
    rc = r;
out:
    pb_csv_close(csv);
    return rc;
}

int pb__load_targets(const struct pb_load_args *a)
{
    struct targets t;
    int rc = 0;
    memset(&t, 0, sizeof(t));
    t.a = a;
    probity_entity_init(&t.e);
    probity_entity_init(&t.sub);
    for (size_t i = 0; i < a->npaths && !rc; i++) {
        t.path = a->paths[i];
        t.line = 0;
        rc = load_file(&t);
    }
    probity_entity_release(&t.e);
    probity_entity_release(&t.sub);
    pb_buf_release(&t.part);
    pb_buf_release(&t.tmp);
    return rc;
}
