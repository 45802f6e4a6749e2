/* Any CSV with a header row, read through a column mapping. With --map options each
 * "prop=Column" sends a column to an FtM property ("sanction.prop" to the row's Sanction,
 * "id" and "schema" to the entity's id and schema); without them every column whose
 * header names an FtM property (in any case, plus a few common spellings such as "dob"
 * or "aliases") is mapped by itself. A property the row's schema lacks goes to the
 * row's Sanction when that has it (startDate, reason) and otherwise into `notes`, so
 * nothing is dropped silently. The delimiter (comma, tab or semicolon) is read off the
 * header line. Cells are split on ';' except for `name` and free-text properties,
 * unless --split says otherwise ("prop=SEP", empty SEP for no split). Ids are
 * "<file stem>-<id column>" or, without an id column, "<file stem>-<hash>" of the
 * name, birth date and first identifier: values that stay put from one version of a
 * list to the next, unlike a row number. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "core/core.h"
#include "core/csv.h"
#include "core/model_table.h"
#include "lists/loader.h"
#include "probity/model.h"
#include "text/text.h"

enum { TK_ENTITY = 1, TK_SANCTION, TK_ID, TK_SCHEMA };

struct target {
    size_t col;
    int kind;
    const char *prop;       /* static FtM property name (TK_ENTITY, TK_SANCTION) */
    const char *split;      /* separator, NULL for none */
    size_t splitlen;
    int warned;             /* a value was kept as a note; told once */
};

struct mapped {
    const struct pb_load_args *a;
    const char *path;
    long line;
    char **hdr;
    size_t ncols;
    struct target *t;
    size_t nt;
    char stem[64];
    const char *schema;     /* default schema */
    struct probity_entity e, sanction, sub;
    struct pb_buf tmp, part, key, id;
};

/* Header spellings that are not property names but mean one. */
static const struct {
    const char *header;     /* lower case, letters and digits only */
    const char *prop;       /* "sanction." sends it to the Sanction */
} header_aliases[] = {
    {"aliases", "alias"},          {"aka", "alias"},
    {"alsoknownas", "alias"},      {"dob", "birthDate"},
    {"dateofbirth", "birthDate"},  {"pob", "birthPlace"},
    {"placeofbirth", "birthPlace"}, {"countries", "country"},
    {"nationalities", "nationality"}, {"citizenships", "citizenship"},
    {"addresses", "address"},      {"phones", "phone"},
    {"emails", "email"},           {"websites", "website"},
    {"programs", "program"},       {"remarks", "notes"},
    {"fullname", "name"},          {"measure", "sanction.provisions"},
    {"measures", "sanction.provisions"}, {"programkey", "sanction.programId"},
    {"celex", "sanction.programId"},
};

static int oom(struct mapped *m)
{
    return pb__err(m->a->err, PROBITY_ENOMEM, m->path, m->line, 0, "out of memory");
}

static int add(struct mapped *m, struct probity_entity *e, const char *prop, const char *value)
{
    return pb__entity_add_at(e, prop, value, m->path, m->line, m->a->err);
}

/* Lower-case letters and digits only: "Start date", "start_date" and "startDate" meet. */
static void fold(const char *s, size_t n, char *out, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < n && s[i] && o + 1 < size; i++)
        if (isalnum((unsigned char)s[i]))
            out[o++] = (char)tolower((unsigned char)s[i]);
    out[o] = 0;
}

/* The model's own spelling of a property named in any case and with any separators,
 * or NULL. Properties that point to other entities cannot come from a text cell and
 * are not offered. */
static const char *canonical_prop(const char *name, const char **type)
{
    char want[64], have[64];
    fold(name, strlen(name), want, sizeof(want));
    for (int i = 0; i < pb__n_props; i++) {
        if (strcmp(pb__props[i].type, "entity") == 0)
            continue;
        fold(pb__props[i].name, strlen(pb__props[i].name), have, sizeof(have));
        if (!strcmp(want, have)) {
            if (type)
                *type = pb__props[i].type;
            return pb__props[i].name;
        }
    }
    return NULL;
}

static const char *prop_type_any(const char *prop)
{
    const char *type = NULL;
    canonical_prop(prop, &type);
    return type;
}

/* ---- typed values ---- */

static int is_delim_word(const char *s, const char *w)
{
    size_t n = strlen(w);
    return pb_startswith_ci(s, w) && (s[n] == ' ');
}

/* A country cell such as "Russian, Ukrainian" or "(a) German, (b) Moroccan" holds
 * several countries: when the whole text is no known name, try its parts, and keep the
 * codes only if every part is known (else the raw text is kept as it is). */
static int add_country(struct mapped *m, struct probity_entity *e, const char *prop, const char *value)
{
    const char *code = pb__country_code(value), *codes[8];
    char buf[256], *p, *start;
    int n = 0, rc;
    if (code)
        return add(m, e, prop, code);
    snprintf(buf, sizeof(buf), "%s", value);
    for (p = start = buf;; p++) {
        int cut = *p == 0 || *p == ',' || *p == '/' || *p == ';';
        size_t skip = 1;
        if (!cut && *p == ' ' && (is_delim_word(p + 1, "and") || is_delim_word(p + 1, "or")))
            cut = 1, skip = p[1] == 'a' || p[1] == 'A' ? 5 : 4; /* " and ", " or " */
        if (!cut)
            continue;
        char end = *p, *s = start;
        *p = 0;
        while (isspace((unsigned char)*s))
            s++;
        /* enumerators: "(a) German", "a) Syrian" */
        if (s[0] == '(' && isalpha((unsigned char)s[1]) && s[2] == ')')
            s += 3;
        else if (isalpha((unsigned char)s[0]) && s[1] == ')')
            s += 2;
        if (*pb_trim(s)) {
            if (n == 8 || !(code = pb__country_code(s)))
                return add(m, e, prop, value);
            codes[n++] = code;
        }
        if (!end)
            break;
        p += skip - 1;
        start = p + 1;
    }
    if (n == 0)
        return add(m, e, prop, value);
    for (int i = 0; i < n; i++)
        if ((rc = add(m, e, prop, codes[i])))
            return rc;
    return 0;
}

static int add_address(struct mapped *m, struct probity_entity *e, const char *prop, const char *value)
{
    int rc;
    pb_buf_reset(&m->tmp);
    if (pb_buf_addf(&m->tmp, "%s-addr-%016llx", e->id, (unsigned long long)pb_hash64(value, strlen(value))) ||
        probity_entity_reset(&m->sub, pb_buf_str(&m->tmp), "Address"))
        return oom(m);
    if ((rc = add(m, &m->sub, "full", value)) || (rc = add(m, e, prop, value)) ||
        (rc = add(m, e, "addressEntity", m->sub.id)))
        return rc;
    return m->a->sink->emit(m->a->sink, &m->sub, m->a->err);
}

/* Add one value to `e` (which has `prop`), converted by the property's type. */
static int add_typed(struct mapped *m, struct probity_entity *e, const char *prop, const char *value)
{
    const char *type = probity_prop_type(e->schema, prop);
    char iso[11];
    if (!type)
        return add(m, e, prop, value);
    if (!strcmp(type, "date"))
        return add(m, e, prop, pb_date_iso(value, iso) == 0 ? iso : value);
    if (!strcmp(type, "country"))
        return add_country(m, e, prop, value);
    if (!strcmp(type, "gender")) {
        static const char *const genders[] = {"male", "female", "other"};
        for (int i = 0; i < 3; i++)
            if (pb_streq_ci(value, genders[i]))
                return add(m, e, prop, genders[i]);
        return add(m, e, prop, value);
    }
    if (!strcmp(type, "address") && e == &m->e)
        return add_address(m, e, prop, value);
    return add(m, e, prop, value);
}

static int add_value(struct mapped *m, struct target *t, const char *value)
{
    if (t->kind == TK_SANCTION)
        return add_typed(m, &m->sanction, t->prop, value);
    if (probity_prop_type(m->e.schema, t->prop))
        return add_typed(m, &m->e, t->prop, value);
    if (probity_prop_type("Sanction", t->prop))
        return add_typed(m, &m->sanction, t->prop, value);
    /* the row's schema has no such property: keep the value as a note */
    if (!t->warned) {
        t->warned = 1;
        m->a->sink->warn(m->a->sink, m->path, m->line,
                         "column '%s': %s has no property '%s'; values kept in notes", m->hdr[t->col],
                         m->e.schema, t->prop);
    }
    pb_buf_reset(&m->tmp);
    if (pb_buf_addf(&m->tmp, "%s: %s", m->hdr[t->col], value))
        return oom(m);
    return add(m, &m->e, "notes", pb_buf_str(&m->tmp));
}

/* Every value of one cell, split on the target's separator. */
static int add_cell(struct mapped *m, struct target *t, const char *cell)
{
    const char *p = cell;
    int rc;
    if (!t->split)
        return add_value(m, t, cell);
    while (*p) {
        const char *end = strstr(p, t->split), *s = p;
        if (!end)
            end = p + strlen(p);
        p = *end ? end + t->splitlen : end;
        while (s < end && isspace((unsigned char)*s))
            s++;
        while (end > s && isspace((unsigned char)end[-1]))
            end--;
        if (s == end)
            continue;
        pb_buf_reset(&m->part);
        if (pb_buf_add(&m->part, s, (size_t)(end - s)))
            return oom(m);
        if ((rc = add_value(m, t, pb_buf_str(&m->part))))
            return rc;
    }
    return 0;
}

/* ---- the mapping ---- */

static int push_target(struct mapped *m, size_t col, int kind, const char *prop)
{
    struct target *t = realloc(m->t, (m->nt + 1) * sizeof(*t));
    if (!t)
        return oom(m);
    m->t = t;
    memset(&t[m->nt], 0, sizeof(*t));
    t[m->nt].col = col;
    t[m->nt].kind = kind;
    t[m->nt].prop = prop;
    m->nt++;
    return 0;
}

static int find_column(const struct mapped *m, const char *name)
{
    for (size_t i = 0; i < m->ncols; i++)
        if (!strcmp(m->hdr[i], name))
            return (int)i;
    for (size_t i = 0; i < m->ncols; i++)
        if (pb_streq_ci(m->hdr[i], name))
            return (int)i;
    return -1;
}

/* Resolve "prop" or "sanction.prop" (as given to --map or --split) into a kind and
 * the model's spelling. Returns 0 or PROBITY_EINVAL with the reason in err. */
static int resolve_prop(struct mapped *m, const char *spec, size_t n, int *kind, const char **prop, const char *what)
{
    char name[128];
    const char *type = NULL;
    snprintf(name, sizeof(name), "%.*s", (int)(n < sizeof(name) ? n : sizeof(name) - 1), spec);
    pb_trim(name);
    if (pb_streq_ci(name, "id") || pb_streq_ci(name, "schema")) {
        *kind = pb_streq_ci(name, "id") ? TK_ID : TK_SCHEMA;
        *prop = NULL;
        return 0;
    }
    if (pb_startswith_ci(name, "sanction.")) {
        *kind = TK_SANCTION;
        if (!(*prop = canonical_prop(name + 9, &type)) || !probity_prop_type("Sanction", *prop))
            return pb__err(m->a->err, PROBITY_EINVAL, NULL, 0, 0, "%s: Sanction has no property '%s'", what, name + 9);
        return 0;
    }
    *kind = TK_ENTITY;
    if (!(*prop = canonical_prop(name, &type)))
        return pb__err(m->a->err, PROBITY_EINVAL, NULL, 0, 0,
                       "%s: '%s' is no FtM property that a text column can fill", what, name);
    return 0;
}

static void list_columns(const struct mapped *m, char *out, size_t size)
{
    size_t o = 0;
    out[0] = 0;
    for (size_t i = 0; i < m->ncols && o + 1 < size; i++) {
        int w = snprintf(out + o, size - o, "%s%s", i ? ", " : "", m->hdr[i]);
        if (w < 0)
            break;
        o += (size_t)w;
    }
}

static int map_explicit(struct mapped *m)
{
    const struct probity_load_opts *o = m->a->opts;
    int have_id = 0, have_schema = 0, rc, kind, col;
    const char *prop;
    for (size_t i = 0; i < o->nmaps; i++) {
        const char *spec = o->maps[i], *eq = strchr(spec, '=');
        char what[160];
        snprintf(what, sizeof(what), "--map %s", spec);
        if (!eq || eq == spec || !eq[1])
            return pb__err(m->a->err, PROBITY_EINVAL, NULL, 0, 0, "%s: expected PROP=COLUMN", what);
        if ((rc = resolve_prop(m, spec, (size_t)(eq - spec), &kind, &prop, what)))
            return rc;
        if ((col = find_column(m, eq + 1)) < 0) {
            char cols[400];
            list_columns(m, cols, sizeof(cols));
            return pb__err(m->a->err, PROBITY_EINVAL, m->path, 1, 0, "%s: no column '%s' (columns: %s)", what, eq + 1,
                           cols);
        }
        have_id |= kind == TK_ID;
        have_schema |= kind == TK_SCHEMA;
        if ((rc = push_target(m, (size_t)col, kind, prop)))
            return rc;
    }
    /* a column plainly called "id" or "schema" still means that */
    if (!have_id && (col = find_column(m, "id")) >= 0 && (rc = push_target(m, (size_t)col, TK_ID, NULL)))
        return rc;
    if (!have_schema && (col = find_column(m, "schema")) >= 0 && (rc = push_target(m, (size_t)col, TK_SCHEMA, NULL)))
        return rc;
    return 0;
}

static int map_auto(struct mapped *m)
{
    struct pb_buf unmapped = PB_BUF_INIT;
    int rc = 0;
    for (size_t i = 0; i < m->ncols; i++) {
        const char *h = m->hdr[i], *prop = NULL;
        char low[64];
        int kind = TK_ENTITY;
        fold(h, strlen(h), low, sizeof(low));
        if (pb_streq_ci(h, "id"))
            kind = TK_ID;
        else if (pb_streq_ci(h, "schema"))
            kind = TK_SCHEMA;
        else if (!(prop = canonical_prop(h, NULL))) {
            for (size_t k = 0; k < sizeof(header_aliases) / sizeof(header_aliases[0]); k++)
                if (!strcmp(low, header_aliases[k].header)) {
                    prop = header_aliases[k].prop;
                    if (pb_startswith_ci(prop, "sanction."))
                        prop += 9, kind = TK_SANCTION;
                    break;
                }
        }
        if (kind == TK_ENTITY && !prop) {
            if (*h && pb_buf_addf(&unmapped, "%s'%s'", unmapped.len ? ", " : "", h)) {
                rc = oom(m);
                goto out;
            }
            continue;
        }
        if ((rc = push_target(m, i, kind, prop)))
            goto out;
    }
    if (unmapped.len)
        m->a->sink->warn(m->a->sink, m->path, 1, "columns not loaded: %s (give --map PROP=COLUMN to keep them)",
                         pb_buf_str(&unmapped));
out:
    pb_buf_release(&unmapped);
    return rc;
}

static int set_splits(struct mapped *m)
{
    const struct probity_load_opts *o = m->a->opts;
    int rc, kind;
    const char *prop;
    for (size_t i = 0; i < m->nt; i++) {
        struct target *t = &m->t[i];
        const char *type = t->prop ? prop_type_any(t->prop) : NULL;
        t->split = NULL;
        if (t->prop && strcmp(t->prop, "name") != 0 && type && strcmp(type, "text") != 0)
            t->split = ";";
    }
    for (size_t k = 0; k < o->nsplits; k++) {
        const char *spec = o->splits[k], *eq = strchr(spec, '=');
        char what[160];
        snprintf(what, sizeof(what), "--split %s", spec);
        if (!eq || eq == spec)
            return pb__err(m->a->err, PROBITY_EINVAL, NULL, 0, 0, "%s: expected PROP=SEPARATOR", what);
        if ((rc = resolve_prop(m, spec, (size_t)(eq - spec), &kind, &prop, what)))
            return rc;
        for (size_t i = 0; i < m->nt; i++) {
            struct target *t = &m->t[i];
            if (t->prop != prop || (t->kind == TK_SANCTION) != (kind == TK_SANCTION))
                continue;
            t->split = eq[1] ? eq + 1 : NULL;
        }
    }
    for (size_t i = 0; i < m->nt; i++)
        m->t[i].splitlen = m->t[i].split ? strlen(m->t[i].split) : 0;
    return 0;
}

/* ---- rows ---- */

/* Cell `col` of a row of nf fields ("" past its end). */
static char *cell_at(char **f, size_t nf, size_t col)
{
    static char empty[1];
    return col < nf ? f[col] : empty;
}

static int make_id(struct mapped *m, char **f, size_t nf, const char *schema)
{
    int n = 0;
    const char *dob = NULL, *ident = NULL;
    pb_buf_reset(&m->id);
    if (pb_buf_adds(&m->id, m->stem))
        return oom(m);
    for (size_t i = 0; i < m->nt; i++) {
        const char *v = cell_at(f, nf, m->t[i].col);
        if (m->t[i].kind == TK_ID && *v) {
            if (pb_buf_addf(&m->id, "-%s", v))
                return oom(m);
            n++;
        }
    }
    if (n)
        return 0;
    /* no id of the list's own: name + birth date + first identifier */
    pb_buf_reset(&m->key);
    for (size_t i = 0; i < m->nt; i++) {
        const struct target *t = &m->t[i];
        const char *v = cell_at(f, nf, t->col), *type;
        if (t->kind != TK_ENTITY || !*v)
            continue;
        if (!strcmp(t->prop, "name")) {
            if (pb__id_fold(&m->key, v) || pb_buf_addc(&m->key, '\x1f'))
                return oom(m);
        } else if (!dob && !strcmp(t->prop, "birthDate")) {
            dob = v;
        } else if (!ident && (type = probity_prop_type(schema, t->prop)) && !strcmp(type, "identifier")) {
            ident = v;
        }
    }
    if (pb_buf_addf(&m->key, "\x1f%s\x1f%s", dob ? dob : "", ident ? ident : ""))
        return oom(m);
    return pb_buf_addf(&m->id, "-%016llx", (unsigned long long)pb_hash64(m->key.s, m->key.len)) ? oom(m) : 0;
}

static int schema_ok(const char *schema)
{
    return probity_schema_exists(schema) && probity_prop_type(schema, "name") != NULL &&
           !probity_schema_is_edge(schema, NULL, NULL);
}

static int load_row(struct mapped *m, char **f, size_t nf)
{
    const char *schema = m->schema;
    int rc, named = 0;
    for (size_t i = 0; i < m->nt; i++) {
        const struct target *t = &m->t[i];
        if (t->kind == TK_SCHEMA && *pb_trim(cell_at(f, nf, t->col))) {
            schema = cell_at(f, nf, t->col);
            if (!schema_ok(schema))
                return pb__err(m->a->err, PROBITY_EPARSE, m->path, m->line, (long)t->col + 1,
                               "'%s' is not an FtM schema of named things (Person, Company, Vessel, ...)", schema);
        }
        if (t->kind == TK_ENTITY && !strcmp(t->prop, "name") && *pb_trim(cell_at(f, nf, t->col)))
            named = 1;
    }
    if (!named) {
        m->a->sink->warn(m->a->sink, m->path, m->line, "row without a name skipped");
        return 0;
    }
    if ((rc = make_id(m, f, nf, schema)))
        return rc;
    if (probity_entity_reset(&m->e, pb_buf_str(&m->id), schema))
        return oom(m);
    pb_buf_reset(&m->tmp);
    if (pb_buf_addf(&m->tmp, "%s-sanction", m->e.id) || probity_entity_reset(&m->sanction, pb_buf_str(&m->tmp), "Sanction"))
        return oom(m);
    for (size_t i = 0; i < m->nt; i++) {
        struct target *t = &m->t[i];
        const char *v = cell_at(f, nf, t->col);
        if ((t->kind == TK_ENTITY || t->kind == TK_SANCTION) && *v && (rc = add_cell(m, t, v)))
            return rc;
    }
    if ((rc = m->a->sink->emit(m->a->sink, &m->e, m->a->err)))
        return rc;
    if (m->sanction.nprops == 0)
        return 0;
    if ((rc = add(m, &m->sanction, "entity", m->e.id)))
        return rc;
    return m->a->sink->emit(m->a->sink, &m->sanction, m->a->err);
}

/* The delimiter that occurs most often outside quotes in the header line. */
static int detect_delim(struct mapped *m, char *delim)
{
    static const char cands[] = {',', '\t', ';'};
    struct pb_input *in = NULL;
    const char *line;
    size_t len, best = 0;
    int rc;
    *delim = ',';
    if ((rc = pb_input_open(&in, m->path, m->a->opts->encoding, m->a->err)))
        return rc;
    do
        rc = pb_input_line(in, &line, &len, m->a->err);
    while (rc == 1 && len == 0);
    if (rc == 1) {
        for (size_t k = 0; k < sizeof(cands); k++) {
            size_t n = 0;
            int quoted = 0;
            for (size_t i = 0; i < len; i++) {
                if (line[i] == '"')
                    quoted = !quoted;
                else if (!quoted && line[i] == cands[k])
                    n++;
            }
            if (n > best)
                best = n, *delim = cands[k];
        }
        rc = 0;
    } else if (rc == 0) {
        rc = pb__err(m->a->err, PROBITY_EEMPTY, m->path, 0, 0, "empty file: no header row");
    }
    pb_input_close(in);
    return rc;
}

static void free_header(struct mapped *m)
{
    for (size_t i = 0; i < m->ncols; i++)
        free(m->hdr[i]);
    free(m->hdr);
    m->hdr = NULL;
    m->ncols = 0;
    free(m->t);
    m->t = NULL;
    m->nt = 0;
}

static void set_stem(struct mapped *m)
{
    const char *base = strrchr(m->path, '/');
    size_t n = 0;
    base = base ? base + 1 : m->path;
    for (const char *p = base; *p && *p != '.' && n + 1 < sizeof(m->stem); p++)
        m->stem[n++] = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '_';
    m->stem[n] = 0;
    if (!n)
        snprintf(m->stem, sizeof(m->stem), "csv");
}

static int load_file(struct mapped *m)
{
    struct pb_csv *csv = NULL;
    char **f, delim;
    size_t nf, named_cols;
    int rc, r, named = 0;
    set_stem(m);
    if ((rc = detect_delim(m, &delim)) || (rc = pb_csv_open(&csv, m->path, delim, m->a->opts->encoding, m->a->err)))
        goto out;
    if ((r = pb_csv_next(csv, &f, &nf, m->a->err)) <= 0) {
        rc = r < 0 ? r : pb__err(m->a->err, PROBITY_EEMPTY, m->path, 0, 0, "empty file: no header row");
        goto out;
    }
    if (!(m->hdr = calloc(nf, sizeof(*m->hdr)))) {
        rc = oom(m);
        goto out;
    }
    for (size_t i = 0; i < nf; i++, m->ncols++)
        if (!(m->hdr[i] = pb_strdup(pb_trim(f[i])))) {
            rc = oom(m);
            goto out;
        }
    if ((rc = m->a->opts->nmaps ? map_explicit(m) : map_auto(m)) || (rc = set_splits(m)))
        goto out;
    for (size_t i = 0; i < m->nt; i++)
        named |= m->t[i].kind == TK_ENTITY && !strcmp(m->t[i].prop, "name");
    if (!named) {
        char cols[400];
        list_columns(m, cols, sizeof(cols));
        rc = pb__err(m->a->err, PROBITY_EFORMAT, m->path, 1, 0, "no name column: give --map name=COLUMN (columns: %s)",
                     cols);
        goto out;
    }
    /* spreadsheets export unnamed trailing columns that rows may leave out */
    named_cols = m->ncols;
    while (named_cols > 1 && !*m->hdr[named_cols - 1])
        named_cols--;
    while ((r = pb_csv_next(csv, &f, &nf, m->a->err)) > 0) {
        size_t i;
        m->line = pb_csv_lineno(csv);
        if (nf < named_cols || nf > m->ncols) {
            rc = pb__err(m->a->err, PROBITY_EPARSE, m->path, m->line, 0, "row has %zu fields, the header has %zu", nf,
                         m->ncols);
            goto out;
        }
        for (i = 0; i < nf && !*f[i]; i++)
            ;
        if (i == nf) /* a row of empty cells is a blank line */
            continue;
        if ((rc = load_row(m, f, nf)))
            goto out;
    }
    rc = r;
out:
    pb_csv_close(csv);
    free_header(m);
    return rc;
}

int pb__load_csv(const struct pb_load_args *a)
{
    struct mapped m;
    int rc = 0;
    memset(&m, 0, sizeof(m));
    m.a = a;
    m.schema = a->opts->schema && *a->opts->schema ? a->opts->schema : "LegalEntity";
    if (!schema_ok(m.schema))
        return pb__err(a->err, PROBITY_EINVAL, NULL, 0, 0,
                       "--schema %s: not an FtM schema of named things (Person, Company, Vessel, ...)", m.schema);
    probity_entity_init(&m.e);
    probity_entity_init(&m.sanction);
    probity_entity_init(&m.sub);
    for (size_t i = 0; i < a->npaths && !rc; i++) {
        m.path = a->paths[i];
        m.line = 0;
        rc = load_file(&m);
    }
    probity_entity_release(&m.e);
    probity_entity_release(&m.sanction);
    probity_entity_release(&m.sub);
    pb_buf_release(&m.tmp);
    pb_buf_release(&m.part);
    pb_buf_release(&m.key);
    pb_buf_release(&m.id);
    return rc;
}
