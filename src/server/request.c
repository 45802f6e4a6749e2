/* Request parsing for the HTTP API: JSON bodies and NDJSON lines become screening queries,
 * checked field by field against the FtM model before any index is touched. Everything a
 * client controls is bounded here (batch size, values per property, bytes per value), so
 * that the handlers only ever see well-typed, reasonably sized queries. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/core.h"
#include "probity/model.h"
#include "server/request.h"

#define DEF_BATCH 100
#define DEF_NAME 1024
#define DEF_VALUES 32
#define DEF_LIMIT 100

/* Name-typed properties a query may give names in; parts of a person's name are joined. */
static const char *const name_props[] = {"name", "alias", "previousName", "weakAlias", "abbreviation", NULL};
static const char *const part_props[] = {"firstName", "secondName", "middleName", "fatherName", "lastName", NULL};
/* Where a property of an untyped query is looked up. */
static const char *const any_schemata[] = {"LegalEntity", "Person", "Organization", "Company", "PublicBody",
                                           "Vessel", "Airplane", NULL};

struct lims {
    size_t batch, name, values;
    int limit;
};

static struct lims lims_of(const struct pb_api_limits *l)
{
    struct lims o = {DEF_BATCH, DEF_NAME, DEF_VALUES, DEF_LIMIT};
    if (l && l->max_batch)
        o.batch = l->max_batch;
    if (l && l->max_name)
        o.name = l->max_name;
    if (l && l->max_values)
        o.values = l->max_values;
    if (l && l->max_limit > 0)
        o.limit = l->max_limit;
    return o;
}

static int in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return 1;
    return 0;
}

static int push(char ***arr, size_t *n, const char *s, size_t len)
{
    char **v = realloc(*arr, (*n + 1) * sizeof(char *));
    if (!v)
        return PROBITY_ENOMEM;
    *arr = v;
    if (!(v[*n] = pb_strndup(s, len)))
        return PROBITY_ENOMEM;
    (*n)++;
    return 0;
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void pb__query_release(struct pb_api_query *q)
{
    if (!q)
        return;
    free(q->key);
    free(q->schema);
    free_list(q->names, q->nnames);
    free_list(q->countries, q->ncountries);
    free(q->birth_date);
    free_list(q->ids, q->nids);
    if (q->echo)
        json_decref(q->echo);
    memset(q, 0, sizeof(*q));
}

void pb__batch_release(struct pb_api_batch *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++)
        pb__query_release(&b->q[i]);
    free(b->q);
    b->q = NULL;
    b->n = 0;
}

static int oom(struct probity_error *err)
{
    return pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
}

static int load_json(const char *text, size_t len, json_t **out, struct probity_error *err)
{
    json_error_t je;
    if (!text || !len)
        return pb__err(err, PROBITY_EPARSE, NULL, 0, 0, "empty body: a JSON object is expected");
    /* duplicate keys are refused: a second "name" silently replacing the first is a wrong answer */
    *out = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!*out)
        return pb__err(err, PROBITY_EPARSE, NULL, je.line > 0 ? je.line : 0, je.column > 0 ? je.column : 0,
                       "malformed JSON at line %d, column %d: %s", je.line, je.column, je.text);
    return 0;
}

/* A text value as a trimmed span; integers are accepted (identifiers are often numbers). */
static int value_text(json_t *v, char *num, size_t nsize, const char **s, size_t *len)
{
    if (json_is_string(v)) {
        *s = json_string_value(v);
        *len = json_string_length(v);
    } else if (json_is_integer(v)) {
        snprintf(num, nsize, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        *s = num;
        *len = strlen(num);
    } else {
        return -1;
    }
    while (*len && (**s == ' ' || **s == '\t' || **s == '\n' || **s == '\r')) {
        (*s)++;
        (*len)--;
    }
    while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t' || (*s)[*len - 1] == '\n' ||
                    (*s)[*len - 1] == '\r'))
        (*len)--;
    return 0;
}

/* Which list of the query a property's values go to. */
enum slot { S_NONE, S_NAME, S_PART, S_COUNTRY, S_BIRTH, S_ID };

static enum slot slot_of(const char *prop, const char *type)
{
    if (in_list(prop, name_props))
        return S_NAME;
    if (in_list(prop, part_props))
        return S_PART;
    if (strcmp(prop, "birthDate") == 0)
        return S_BIRTH;
    if (!type)
        return S_NONE;
    if (strcmp(type, "country") == 0)
        return S_COUNTRY;
    if (strcmp(type, "identifier") == 0)
        return S_ID;
    return S_NONE;
}

/* The type of `prop` on `schema`, or on any matchable schema when schema is NULL. */
static const char *prop_type(const char *schema, const char *prop)
{
    if (schema)
        return probity_prop_type(schema, prop);
    for (const char *const *s = any_schemata; *s; s++) {
        const char *t = probity_prop_type(*s, prop);
        if (t)
            return t;
    }
    return NULL;
}

struct parts {
    char *v[5];
};

/* Add one value of `prop` to the query (and to the echo array when not NULL). */
static int add_value(struct pb_api_query *q, struct parts *pt, enum slot sl, const char *prop, const char *s,
                     size_t len, const struct lims *lim, const char *where, json_t *echo,
                     struct probity_error *err)
{
    size_t bad;
    if (!len)
        return 0;
    if (len > lim->name)
        return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "%s.%s: a value is %zu bytes long; at most %zu are accepted",
                       where, prop, len, lim->name);
    if (!pb_utf8_valid(s, len, &bad) || memchr(s, 0, len))
        return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "%s.%s: a value is not valid UTF-8 text", where, prop);
    if (echo && json_array_append_new(echo, json_stringn(s, len)))
        return oom(err);
    switch (sl) {
    case S_NAME:
        if (q->nnames >= lim->values)
            return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "%s: more than %zu names", where, lim->values);
        return push(&q->names, &q->nnames, s, len) ? oom(err) : 0;
    case S_PART:
        for (int i = 0; part_props[i]; i++)
            if (strcmp(prop, part_props[i]) == 0 && !pt->v[i] && !(pt->v[i] = pb_strndup(s, len)))
                return oom(err);
        return 0;
    case S_COUNTRY:
        return push(&q->countries, &q->ncountries, s, len) ? oom(err) : 0;
    case S_ID:
        return push(&q->ids, &q->nids, s, len) ? oom(err) : 0;
    case S_BIRTH:
        if (!q->birth_date && !(q->birth_date = pb_strndup(s, len)))
            return oom(err);
        return 0;
    case S_NONE:
        break;
    }
    return 0;
}

/* Join a person's name parts (first, second, middle, patronymic, last) into one name. */
static int compose_name(struct pb_api_query *q, struct parts *pt, struct probity_error *err)
{
    struct pb_buf b = PB_BUF_INIT;
    int rc = 0;
    for (int i = 0; i < 5; i++)
        if (pt->v[i]) {
            if ((b.len && pb_buf_addc(&b, ' ')) || pb_buf_adds(&b, pt->v[i])) {
                rc = oom(err);
                goto out;
            }
        }
    if (b.len && push(&q->names, &q->nnames, b.s, b.len))
        rc = oom(err);
out:
    pb_buf_release(&b);
    return rc;
}

static int check_schema(const char *schema, const char *where, struct probity_error *err)
{
    if (!probity_schema_exists(schema))
        return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "%s: unknown schema '%s'", where, schema);
    if (!probity_schema_is_target(schema))
        return pb__err(err, PROBITY_EINVAL, NULL, 0, 0,
                       "%s: schema '%s' cannot be screened (Person, Organization, Company, LegalEntity, "
                       "PublicBody, Vessel, Airplane ...)",
                       where, schema);
    return 0;
}

/* An entity example {"id", "schema", "properties": {prop: value or [values]}}. */
static int parse_example(json_t *obj, const char *where, int need_schema, const struct lims *lim,
                         struct pb_api_query *q, struct probity_error *err)
{
    json_t *jschema, *props, *id, *val, *echo_props;
    const char *prop, *schema = NULL;
    struct parts pt;
    char num[32];
    int rc = 0;
    memset(&pt, 0, sizeof(pt));
    if (!json_is_object(obj))
        return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "%s must be an object with \"schema\" and \"properties\"",
                       where);
    jschema = json_object_get(obj, "schema");
    if (jschema && !json_is_null(jschema)) {
        if (!json_is_string(jschema))
            return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "%s.schema must be a string", where);
        schema = json_string_value(jschema);
        if ((rc = check_schema(schema, where, err)))
            return rc;
        if (!(q->schema = pb_strdup(schema)))
            return oom(err);
    } else if (need_schema) {
        return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "%s.schema is required (Person, Company, ...)", where);
    }
    id = json_object_get(obj, "id");
    if (id && !json_is_null(id)) {
        const char *s;
        size_t n;
        if (value_text(id, num, sizeof(num), &s, &n) || n > lim->name || !pb_utf8_valid(s, n, NULL) ||
            memchr(s, 0, n))
            return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "%s.id must be a short string", where);
        if (!q->key && !(q->key = pb_strndup(s, n)))
            return oom(err);
    }
    props = json_object_get(obj, "properties");
    if (!json_is_object(props))
        return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "%s.properties must be an object of property values",
                       where);
    if (!(q->echo = json_object()) || !(echo_props = json_object()) ||
        json_object_set_new(q->echo, "id", q->key ? json_string(q->key) : json_null()) ||
        json_object_set_new(q->echo, "schema", schema ? json_string(schema) : json_null()) ||
        json_object_set_new(q->echo, "properties", echo_props)) {
        rc = oom(err);
        goto out;
    }
    json_object_foreach(props, prop, val) {
        const char *type = prop_type(schema, prop), *s;
        enum slot sl;
        json_t *earr;
        size_t n;
        if (!type) {
            rc = pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "%s.properties: '%s' is no property of %s", where, prop,
                         schema ? schema : "a matchable schema");
            goto out;
        }
        sl = slot_of(prop, type);
        if (!(earr = json_array()) || json_object_set_new(echo_props, prop, earr)) {
            rc = oom(err);
            goto out;
        }
        if (json_is_array(val)) {
            size_t i;
            json_t *item;
            if (json_array_size(val) > lim->values) {
                rc = pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "%s.properties.%s: more than %zu values", where, prop,
                             lim->values);
                goto out;
            }
            json_array_foreach(val, i, item) {
                if (value_text(item, num, sizeof(num), &s, &n)) {
                    rc = pb__err(err, PROBITY_EINVAL, NULL, 0, 0,
                                 "%s.properties.%s[%zu] must be a string", where, prop, i);
                    goto out;
                }
                if ((rc = add_value(q, &pt, sl, prop, s, n, lim, where, earr, err)))
                    goto out;
            }
        } else if (!value_text(val, num, sizeof(num), &s, &n)) {
            if ((rc = add_value(q, &pt, sl, prop, s, n, lim, where, earr, err)))
                goto out;
        } else if (!json_is_null(val)) {
            rc = pb__err(err, PROBITY_EINVAL, NULL, 0, 0,
                         "%s.properties.%s must be a string or an array of strings", where, prop);
            goto out;
        }
    }
    if (!q->nnames && (rc = compose_name(q, &pt, err)))
        goto out;
    if (!q->nnames)
        rc = pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "%s has no name: give properties.name", where);
out:
    for (int i = 0; i < 5; i++)
        free(pt.v[i]);
    return rc;
}

static int batch_alloc(struct pb_api_batch *out, size_t n, struct probity_error *err)
{
    out->n = 0;
    out->q = n ? calloc(n, sizeof(*out->q)) : NULL;
    return n && !out->q ? oom(err) : 0;
}

int pb__parse_match(const char *body, size_t len, const struct pb_api_limits *l, struct pb_api_batch *out,
                    struct probity_error *err)
{
    struct lims lim = lims_of(l);
    json_t *root = NULL, *queries, *v;
    const char *key;
    char where[160];
    int rc;
    memset(out, 0, sizeof(*out));
    if ((rc = load_json(body, len, &root, err)))
        return rc;
    if (!json_is_object(root)) {
        rc = pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "the body must be a JSON object with \"queries\"");
        goto out;
    }
    queries = json_object_get(root, "queries");
    if (!json_is_object(queries)) {
        rc = pb__err(err, PROBITY_EINVAL, NULL, 0, 0,
                     "\"queries\" must be an object of named entity examples: {\"queries\": {\"q1\": {...}}}");
        goto out;
    }
    for (const char *k2 = "weights"; k2; k2 = strcmp(k2, "weights") == 0 ? "config" : NULL) {
        json_t *w = json_object_get(root, k2);
        if (w && !json_is_object(w) && !json_is_null(w)) {
            rc = pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "\"%s\" must be an object", k2);
            goto out;
        }
    }
    if (json_object_size(queries) > lim.batch) {
        rc = pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "too many queries in one batch: %zu (at most %zu)",
                     json_object_size(queries), lim.batch);
        goto out;
    }
    if ((rc = batch_alloc(out, json_object_size(queries), err)))
        goto out;
    json_object_foreach(queries, key, v) {
        struct pb_api_query *q = &out->q[out->n];
        if (json_is_null(v))
            continue; /* as yente does: a null example is skipped */
        if (strlen(key) > lim.name || !pb_utf8_valid(key, strlen(key), NULL)) {
            rc = pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "a query key is too long or not UTF-8");
            goto out;
        }
        snprintf(where, sizeof(where), "queries.%.100s", key);
        out->n++;
        if (!(q->key = pb_strdup(key))) {
            rc = oom(err);
            goto out;
        }
        /* the example's own id must not replace the client's key */
        {
            char *k = q->key;
            q->key = NULL;
            rc = parse_example(v, where, 1, &lim, q, err);
            free(q->key);
            q->key = k;
        }
        if (rc)
            goto out;
    }
    if (!out->n)
        rc = pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "no queries given");
out:
    if (rc)
        pb__batch_release(out);
    json_decref(root);
    return rc;
}

/* "type": "Person" | ["Person"] | [{"id": "Person"}] | null */
static int recon_type(json_t *t, const char *where, const char **schema, struct probity_error *err)
{
    *schema = NULL;
    if (!t || json_is_null(t))
        return 0;
    if (json_is_array(t)) {
        if (!json_array_size(t))
            return 0;
        t = json_array_get(t, 0);
    }
    if (json_is_object(t))
        t = json_object_get(t, "id");
    if (!json_is_string(t))
        return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "%s.type must be a schema name such as \"Person\"", where);
    *schema = json_string_value(t);
    return check_schema(*schema, where, err);
}

static int parse_recon_query(json_t *v, const char *where, const struct lims *lim, struct pb_api_query *q,
                             struct probity_error *err)
{
    json_t *query, *lj, *props, *item;
    const char *schema, *s;
    struct parts pt;
    char num[32];
    size_t i, n;
    int rc;
    memset(&pt, 0, sizeof(pt));
    if (!json_is_object(v))
        return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "%s must be an object with \"query\"", where);
    query = json_object_get(v, "query");
    if (!json_is_string(query))
        return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "%s.query must be a string", where);
    if ((rc = recon_type(json_object_get(v, "type"), where, &schema, err)))
        return rc;
    if (schema && !(q->schema = pb_strdup(schema)))
        return oom(err);
    lj = json_object_get(v, "limit");
    if (lj && !json_is_null(lj)) {
        if (!json_is_integer(lj) || json_integer_value(lj) < 0 || json_integer_value(lj) > lim->limit)
            return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "%s.limit must be an integer from 0 to %d", where,
                           lim->limit);
        q->limit = (int)json_integer_value(lj);
    }
    value_text(query, num, sizeof(num), &s, &n);
    if ((rc = add_value(q, &pt, S_NAME, "query", s, n, lim, where, NULL, err)))
        goto out;
    props = json_object_get(v, "properties");
    if (props && !json_is_null(props)) {
        if (!json_is_array(props) || json_array_size(props) > lim->values) {
            rc = pb__err(err, PROBITY_EINVAL, NULL, 0, 0,
                         "%s.properties must be an array of at most %zu {\"pid\", \"v\"} objects", where,
                         lim->values);
            goto out;
        }
        json_array_foreach(props, i, item) {
            json_t *pid = json_object_get(item, "pid"), *pv = json_object_get(item, "v");
            const char *p, *colon, *type;
            json_t *vals;
            size_t k;
            enum slot sl;
            if (!json_is_string(pid)) {
                rc = pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "%s.properties[%zu].pid must be a string", where, i);
                goto out;
            }
            p = json_string_value(pid);
            if ((colon = strrchr(p, ':'))) /* "Person:nationality" */
                p = colon + 1;
            type = prop_type(schema, p);
            sl = slot_of(p, type);
            if (!type || sl == S_NONE)
                continue; /* spreadsheets send every column; ones we cannot use are left out */
            vals = json_is_array(pv) ? pv : NULL;
            for (k = 0; k < (vals ? json_array_size(vals) : 1); k++) {
                json_t *x = vals ? json_array_get(vals, k) : pv;
                if (k >= lim->values)
                    break;
                if (json_is_object(x))
                    x = json_object_get(x, "id") ? json_object_get(x, "id") : json_object_get(x, "name");
                if (!x || json_is_null(x))
                    continue;
                if (value_text(x, num, sizeof(num), &s, &n)) {
                    rc = pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "%s.properties[%zu].v must be a string", where,
                                 i);
                    goto out;
                }
                if ((rc = add_value(q, &pt, sl, p, s, n, lim, where, NULL, err)))
                    goto out;
            }
        }
    }
    if (!q->nnames)
        rc = pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "%s.query is empty", where);
out:
    for (int j = 0; j < 5; j++)
        free(pt.v[j]);
    return rc;
}

int pb__parse_reconcile(const char *json, size_t len, const struct pb_api_limits *l, struct pb_api_batch *out,
                        struct probity_error *err)
{
    struct lims lim = lims_of(l);
    json_t *root = NULL, *v;
    const char *key;
    char where[160];
    int rc;
    memset(out, 0, sizeof(*out));
    if ((rc = load_json(json, len, &root, err)))
        return rc;
    if (!json_is_object(root)) {
        rc = pb__err(err, PROBITY_EINVAL, NULL, 0, 0,
                     "queries must be a JSON object: {\"q0\": {\"query\": \"...\", \"type\": \"Person\"}}");
        goto out;
    }
    if (json_object_size(root) > lim.batch) {
        rc = pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "too many queries in one batch: %zu (at most %zu)",
                     json_object_size(root), lim.batch);
        goto out;
    }
    if ((rc = batch_alloc(out, json_object_size(root), err)))
        goto out;
    json_object_foreach(root, key, v) {
        struct pb_api_query *q = &out->q[out->n++];
        if (strlen(key) > lim.name || !pb_utf8_valid(key, strlen(key), NULL)) {
            rc = pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "a query key is too long or not UTF-8");
            goto out;
        }
        snprintf(where, sizeof(where), "%.100s", key);
        if (!(q->key = pb_strdup(key))) {
            rc = oom(err);
            goto out;
        }
        if ((rc = parse_recon_query(v, where, &lim, q, err)))
            goto out;
    }
    if (!out->n)
        rc = pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "no queries given");
out:
    if (rc)
        pb__batch_release(out);
    json_decref(root);
    return rc;
}

/* A flat field that may be one string or an array of strings. */
static int flat_values(json_t *obj, const char *const *keys, enum slot sl, const char *where,
                       const struct lims *lim, struct pb_api_query *q, struct parts *pt, struct probity_error *err)
{
    for (; *keys; keys++) {
        json_t *v = json_object_get(obj, *keys), *item;
        const char *s;
        char num[32];
        size_t n, i;
        int rc;
        if (!v || json_is_null(v))
            continue;
        if (json_is_array(v)) {
            if (json_array_size(v) > lim->values)
                return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "%s.%s: more than %zu values", where, *keys,
                               lim->values);
            json_array_foreach(v, i, item) {
                if (value_text(item, num, sizeof(num), &s, &n))
                    return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "%s.%s[%zu] must be a string", where, *keys, i);
                if ((rc = add_value(q, pt, sl, *keys, s, n, lim, where, NULL, err)))
                    return rc;
            }
        } else if (!value_text(v, num, sizeof(num), &s, &n)) {
            if ((rc = add_value(q, pt, sl, *keys, s, n, lim, where, NULL, err)))
                return rc;
        } else {
            return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "%s.%s must be a string or an array of strings", where,
                           *keys);
        }
    }
    return 0;
}

int pb__parse_screen_line(const char *line, size_t len, const struct pb_api_limits *l, struct pb_api_query *out,
                          struct probity_error *err)
{
    static const char *const k_name[] = {"name", NULL};
    static const char *const k_ctry[] = {"country", "countries", NULL};
    static const char *const k_birth[] = {"birth_date", "birthDate", NULL};
    static const char *const k_ids[] = {"identifier", "identifiers", "ids", NULL};
    struct lims lim = lims_of(l);
    json_t *root = NULL, *sch, *key;
    struct parts pt;
    char num[32];
    int rc;
    memset(out, 0, sizeof(*out));
    memset(&pt, 0, sizeof(pt));
    if ((rc = load_json(line, len, &root, err)))
        return rc;
    if (!json_is_object(root)) {
        rc = pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "each line must be a JSON object with a \"name\"");
        goto out;
    }
    if (json_object_get(root, "properties")) {
        rc = parse_example(root, "line", 0, &lim, out, err);
        goto out;
    }
    key = json_object_get(root, "key");
    if (!key)
        key = json_object_get(root, "id");
    if (key && !json_is_null(key)) {
        const char *s;
        size_t n;
        if (value_text(key, num, sizeof(num), &s, &n) || n > lim.name || !pb_utf8_valid(s, n, NULL) ||
            memchr(s, 0, n)) {
            rc = pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "line.id must be a short string");
            goto out;
        }
        if (!(out->key = pb_strndup(s, n))) {
            rc = oom(err);
            goto out;
        }
    }
    sch = json_object_get(root, "schema");
    if (sch && !json_is_null(sch)) {
        if (!json_is_string(sch)) {
            rc = pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "line.schema must be a string");
            goto out;
        }
        if (strcmp(json_string_value(sch), "any") != 0) {
            if ((rc = check_schema(json_string_value(sch), "line", err)))
                goto out;
            if (!(out->schema = pb_strdup(json_string_value(sch)))) {
                rc = oom(err);
                goto out;
            }
        }
    }
    if ((rc = flat_values(root, k_name, S_NAME, "line", &lim, out, &pt, err)) ||
        (rc = flat_values(root, k_ctry, S_COUNTRY, "line", &lim, out, &pt, err)) ||
        (rc = flat_values(root, k_birth, S_BIRTH, "line", &lim, out, &pt, err)) ||
        (rc = flat_values(root, k_ids, S_ID, "line", &lim, out, &pt, err)))
        goto out;
    if (!out->nnames)
        rc = pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "the line has no \"name\"");
out:
    for (int j = 0; j < 5; j++)
        free(pt.v[j]);
    if (rc)
        pb__query_release(out);
    json_decref(root);
    return rc;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode s[0..n) ('+' is a space) into b. */
static int form_decode(const char *s, size_t n, struct pb_buf *b)
{
    pb_buf_reset(b);
    if (pb_buf_grow(b, n + 1))
        return PROBITY_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            int h, l;
            if (i + 2 >= n || (h = hexval(s[i + 1])) < 0 || (l = hexval(s[i + 2])) < 0)
                return PROBITY_EINVAL;
            c = (char)(h * 16 + l);
            i += 2;
        }
        b->s[b->len++] = c;
    }
    b->s[b->len] = 0;
    return 0;
}

int pb__form_value(const char *body, size_t len, const char *key, char **out, struct probity_error *err)
{
    struct pb_buf k = PB_BUF_INIT, v = PB_BUF_INIT;
    size_t i = 0;
    int rc = PROBITY_ENOTFOUND;
    *out = NULL;
    while (i < len) {
        size_t end = i, eq;
        while (end < len && body[end] != '&')
            end++;
        for (eq = i; eq < end && body[eq] != '='; eq++)
            ;
        if (form_decode(body + i, eq - i, &k)) {
            rc = pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "malformed form field name (a bad %% escape)");
            goto out;
        }
        if (k.len == strlen(key) && memcmp(k.s, key, k.len) == 0) {
            int d = form_decode(body + (eq < end ? eq + 1 : end), eq < end ? end - eq - 1 : 0, &v);
            if (d == PROBITY_ENOMEM) {
                rc = oom(err);
            } else if (d || memchr(v.s, 0, v.len) || !pb_utf8_valid(v.s, v.len, NULL)) {
                rc = pb__err(err, PROBITY_EINVAL, NULL, 0, 0,
                             "form field '%s' is malformed (a bad %% escape or text that is not UTF-8)", key);
            } else {
                *out = v.s;
                v.s = NULL;
                rc = 0;
            }
            goto out;
        }
        i = end + 1;
    }
    if (rc == PROBITY_ENOTFOUND)
        pb__err(err, rc, NULL, 0, 0, "no form field '%s'", key);
out:
    pb_buf_release(&k);
    pb_buf_release(&v);
    return rc;
}

int pb__param_double(const char *s, double lo, double hi, double *out)
{
    char *end;
    double d;
    if (!s || !*s)
        return PROBITY_EINVAL;
    d = strtod(s, &end);
    if (*end || end == s || !isfinite(d) || d < lo || d > hi)
        return PROBITY_EINVAL;
    *out = d;
    return 0;
}

int pb__param_int(const char *s, long lo, long hi, long *out)
{
    long v;
    if (!s || pb_parse_long(s, &v) || v < lo || v > hi)
        return PROBITY_EINVAL;
    *out = v;
    return 0;
}
