/* FollowTheMoney JSON lines: the entities.ftm.json exports of OpenSanctions and yente,
 * and yente's delta files ({"op": ..., "entity": {...}} per line). FtM is probity's own
 * model, so ids, schemata and values are kept as given; only what the compiled-in model
 * (FtM 3.8.4) cannot hold is dropped, with one warning per schema and property, because
 * newer exports carry properties an older model does not know and refusing the whole
 * file for them would help nobody. Each line is parsed on its own (simdjson, through
 * json_flat.h; jansson only to explain a line simdjson refused, with its column), so memory
 * is bounded by the longest line; the only tables kept are small caches keyed by
 * (schema, property). Entities that an export embeds as objects inside a property are
 * emitted as entities of their own and referred to by id. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "core/core.h"
#include "lists/json_flat.h"
#include "lists/loader.h"
#include "probity/model.h"
#include "text/text.h"

/* Distinct keys remembered for one-time warnings and type look-ups; a hostile file with
 * millions of invented property names must not grow memory without bound. The model's
 * own (schema, property) pairs are far fewer than the type cache's limit. */
#define MAX_REMEMBERED 4096
#define MAX_CACHED 16384

/* Stands for "not in the model" in the type cache, whose values must not be NULL. */
static const char unknown_type[] = "";

struct ftm {
    const struct pb_load_args *a;
    const char *path;
    long line;
    struct pb_map types;   /* "schema\tprop" -> static type, or unknown_type */
    struct pb_map warned;  /* warnings already given, by a short key */
    struct pb_buf key;     /* scratch for map keys */
    struct probity_entity top;
    long emitted;
    struct pb_json *json;
    const struct pb_jnode *n; /* the nodes of the current line */
};

/* Fill the error record with this line's position; returns code. */
static int line_err(struct ftm *f, int code, long col, const char *msg, const char *detail)
{
    return pb__err(f->a->err, code, f->path, f->line, col, "%s%s", msg, detail ? detail : "");
}

/* Warn once for each distinct key (after MAX_REMEMBERED keys, every time). */
static int warn_once(struct ftm *f, const char *key)
{
    if (pb_map_get(&f->warned, key))
        return 0;
    if (f->warned.len < MAX_REMEMBERED && pb_map_put(&f->warned, key, (void *)unknown_type))
        return PROBITY_ENOMEM;
    return 1;
}

/* The type of prop on schema, "" (unknown_type) when the model has no such property.
 * Cached because the model's look-up is a linear scan and runs for every value. */
static const char *prop_type(struct ftm *f, const char *schema, const char *prop)
{
    const char *t;
    pb_buf_reset(&f->key);
    if (pb_buf_adds(&f->key, schema) || pb_buf_addc(&f->key, '\t') || pb_buf_adds(&f->key, prop))
        return NULL;
    if ((t = pb_map_get(&f->types, f->key.s)))
        return t;
    t = probity_prop_type(schema, prop);
    if (!t)
        t = unknown_type;
    if (f->types.len < MAX_CACHED && pb_map_put(&f->types, f->key.s, (void *)t))
        return NULL;
    return t;
}

/* Shortest decimal text that reads back as the same double. */
static void real_text(double d, char *buf, size_t size)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
}

static const char *kind_of(const struct pb_jnode *v)
{
    switch (v->type) {
    case PB_JOBJECT: return "an object";
    case PB_JARRAY: return "an array";
    case PB_JSTRING: return "a string";
    case PB_JINT:
    case PB_JUINT:
    case PB_JREAL: return "a number";
    case PB_JTRUE:
    case PB_JFALSE: return "a boolean";
    default: return "null";
    }
}

/* The member `key` of the object node at index obj, or NULL. */
static const struct pb_jnode *member(const struct ftm *f, size_t obj, const char *key)
{
    long i = pb_json_get(f->n, obj, key);
    return i < 0 ? NULL : &f->n[i];
}

static size_t index_of(const struct ftm *f, const struct pb_jnode *v) { return (size_t)(v - f->n); }

static int is_string(const struct pb_jnode *v) { return v && v->type == PB_JSTRING; }

static int do_entity(struct ftm *f, size_t obj, int depth);

/* Add a country value: FtM already writes ISO codes in lower case; anything else (upper
 * case codes, names) goes through the shared country table and is kept raw when unknown. */
static int add_country(struct probity_entity *e, const char *prop, const char *s, size_t n)
{
    const char *code;
    if (n == 2 && s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z')
        return probity_entity_addn(e, prop, s, n);
    if ((code = pb__country_code(s)))
        return probity_entity_add(e, prop, code);
    return probity_entity_addn(e, prop, s, n);
}

/* Add one JSON value (a string, a number, a list of them, or an embedded entity) to prop. */
static int add_value(struct ftm *f, struct probity_entity *e, const char *prop, const char *type, size_t vi,
                     int depth)
{
    const struct pb_jnode *v = &f->n[vi];
    char num[40];
    int rc = 0;
    switch (v->type) {
    case PB_JSTRING:
        if (strcmp(type, "country") == 0)
            rc = add_country(e, prop, v->str, v->len);
        else
            rc = probity_entity_addn(e, prop, v->str, v->len);
        break;
    case PB_JINT:
        snprintf(num, sizeof(num), "%lld", (long long)v->num.i);
        rc = probity_entity_add(e, prop, num);
        break;
    case PB_JUINT:
        snprintf(num, sizeof(num), "%llu", (unsigned long long)v->num.u);
        rc = probity_entity_add(e, prop, num);
        break;
    case PB_JREAL:
        real_text(v->num.d, num, sizeof(num));
        rc = probity_entity_add(e, prop, num);
        break;
    case PB_JTRUE:
    case PB_JFALSE:
        rc = probity_entity_add(e, prop, v->type == PB_JTRUE ? "true" : "false");
        break;
    case PB_JNULL:
        break;
    case PB_JARRAY:
        for (size_t i = vi + 1; i < v->end; i = f->n[i].end)
            if ((rc = add_value(f, e, prop, type, i, depth)))
                return rc;
        break;
    case PB_JOBJECT: {
        const struct pb_jnode *id = member(f, vi, "id"), *schema = member(f, vi, "schema");
        if (is_string(id) && is_string(schema)) {
            if ((rc = do_entity(f, vi, depth + 1)))
                return rc;
            rc = probity_entity_addn(e, prop, id->str, id->len);
            break;
        }
        pb_buf_reset(&f->key);
        if (pb_buf_addf(&f->key, "object\t%s\t%s", e->schema, prop) || (rc = warn_once(f, f->key.s)) < 0) {
            rc = PROBITY_ENOMEM;
            break;
        }
        if (rc)
            f->a->sink->warn(f->a->sink, f->path, f->line,
                             "%s:%s holds an object that is not an entity (no \"id\" and \"schema\"); "
                             "such values are skipped",
                             e->schema, prop);
        rc = 0;
        break;
    }
    }
    if (rc == PROBITY_ENOMEM)
        return line_err(f, rc, 0, "out of memory", NULL);
    if (rc)
        return pb__err(f->a->err, rc, f->path, f->line, 0, "entity %s: property %s: %s", e->id, prop,
                       probity_strerror(rc));
    return 0;
}

/* Why an object is not an FtM entity, in words a user can act on. */
static int not_entity(struct ftm *f, size_t obj)
{
    if (member(f, obj, "DATA_SOURCE") || member(f, obj, "RECORD_ID"))
        return line_err(f, PROBITY_EFORMAT, 0,
                        "Senzing JSON, not FollowTheMoney: expected one FtM entity per line, an object "
                        "with \"id\", \"schema\" and \"properties\"",
                        NULL);
    return line_err(f, PROBITY_EFORMAT, 0,
                    "not a FollowTheMoney entity: expected an object with \"id\", \"schema\" and "
                    "\"properties\" (or a delta line {\"op\": ..., \"entity\": {...}}); missing ",
                    !member(f, obj, "id") ? "\"id\"" : "\"schema\"");
}

/* Top-level fields of an export that carry no statements; anything else is unexpected
 * (misplaced properties, usually) and worth one warning. */
static int known_field(const char *key)
{
    static const char *const fields[] = {"id", "schema", "properties", "caption", "datasets", "referents",
                                         "first_seen", "last_seen", "last_change", "target", NULL};
    for (int i = 0; fields[i]; i++)
        if (strcmp(fields[i], key) == 0)
            return 1;
    return 0;
}

static int do_entity(struct ftm *f, size_t obj, int depth)
{
    const struct pb_jnode *id = member(f, obj, "id"), *schema = member(f, obj, "schema");
    const struct pb_jnode *props = member(f, obj, "properties");
    const char *sch;
    struct probity_entity local, *e = depth ? &local : &f->top;
    int rc = 0;
    if (!id || !schema)
        return not_entity(f, obj);
    if (!is_string(id) || !id->len)
        return line_err(f, PROBITY_EPARSE, 0, "\"id\" must be a non-empty string", NULL);
    if (!is_string(schema))
        return line_err(f, PROBITY_EPARSE, 0, "\"schema\" must be a string", NULL);
    sch = schema->str;
    if (!probity_schema_exists(sch))
        return pb__err(f->a->err, PROBITY_ESCHEMA, f->path, f->line, 0,
                       "entity %s: unknown FtM schema '%s' (probity knows FollowTheMoney 3.8.4)", id->str, sch);
    if (props && props->type != PB_JOBJECT && props->type != PB_JNULL)
        return pb__err(f->a->err, PROBITY_EPARSE, f->path, f->line, 0,
                       "entity %s: \"properties\" is %s; expected an object of property -> list of values",
                       id->str, kind_of(props));
    if (depth)
        probity_entity_init(&local);
    if (probity_entity_reset(e, id->str, sch)) {
        rc = line_err(f, PROBITY_ENOMEM, 0, "out of memory", NULL);
        goto out;
    }
    if (props && props->type == PB_JOBJECT) {
        size_t pi = index_of(f, props);
        for (size_t vi = pi + 1; vi < props->end; vi = f->n[vi].end) {
            const char *key = f->n[vi].key, *type = prop_type(f, sch, key);
            if (!type) {
                rc = line_err(f, PROBITY_ENOMEM, 0, "out of memory", NULL);
                goto out;
            }
            if (type == unknown_type) {
                /* the type cache key "schema\tprop" doubles as the warning key */
                if ((rc = warn_once(f, f->key.s)) < 0) {
                    rc = line_err(f, rc, 0, "out of memory", NULL);
                    goto out;
                }
                if (rc)
                    f->a->sink->warn(f->a->sink, f->path, f->line,
                                     "property %s is not in the FtM 3.8.4 schema %s; its values are dropped",
                                     key, sch);
                rc = 0;
                continue;
            }
            if ((rc = add_value(f, e, key, type, vi, depth)))
                goto out;
        }
    }
    if (depth == 0) {
        for (size_t vi = obj + 1; vi < f->n[obj].end; vi = f->n[vi].end) {
            const char *key = f->n[vi].key;
            if (known_field(key))
                continue;
            pb_buf_reset(&f->key);
            if (pb_buf_addf(&f->key, "field\t%s", key) || (rc = warn_once(f, f->key.s)) < 0) {
                rc = line_err(f, PROBITY_ENOMEM, 0, "out of memory", NULL);
                goto out;
            }
            if (rc)
                f->a->sink->warn(f->a->sink, f->path, f->line,
                                 "top-level field \"%s\" ignored (values belong in \"properties\")", key);
            rc = 0;
        }
    }
    if ((rc = f->a->sink->emit(f->a->sink, e, f->a->err))) {
        /* the sink does not know where the entity came from */
        if (f->a->err && !f->a->err->file[0]) {
            snprintf(f->a->err->file, sizeof(f->a->err->file), "%s", f->path);
            f->a->err->line = f->line;
        }
        goto out;
    }
    f->emitted++;
out:
    if (depth)
        probity_entity_release(&local);
    return rc;
}

/* A delta line: ADD and MOD carry the entity as it now is; DEL cannot be applied because
 * a version is a whole snapshot, so it is only reported. */
static int do_delta(struct ftm *f, size_t root)
{
    const struct pb_jnode *op = member(f, root, "op"), *ent = member(f, root, "entity"), *idv;
    const char *o = is_string(op) ? op->str : NULL, *id;
    if (!o)
        return line_err(f, PROBITY_EPARSE, 0, "delta line: \"op\" must be a string (ADD, MOD or DEL)", NULL);
    if (!ent || ent->type != PB_JOBJECT)
        return line_err(f, PROBITY_EPARSE, 0, "delta line: \"entity\" must be an object", NULL);
    if (strcmp(o, "ADD") == 0 || strcmp(o, "MOD") == 0)
        return do_entity(f, index_of(f, ent), 0);
    if (strcmp(o, "DEL") == 0) {
        idv = member(f, index_of(f, ent), "id");
        id = is_string(idv) ? idv->str : NULL;
        f->a->sink->warn(f->a->sink, f->path, f->line,
                         "delta deletes entity %s; not applied (a version is a full snapshot: load the "
                         "complete export to drop it)",
                         id ? id : "(no id)");
        return 0;
    }
    return pb__err(f->a->err, PROBITY_EPARSE, f->path, f->line, 0,
                   "delta line: unknown op '%s' (expected ADD, MOD or DEL)", o);
}

/* Why simdjson refused a line, told as jansson tells it: with the column. */
static int json_error(struct ftm *f, const char *s, size_t n, const char *why)
{
    json_error_t je;
    json_t *root = json_loadb(s, n, JSON_DECODE_ANY, &je);
    if (root) { /* the two disagree (a limit of ours, such as nesting): say ours */
        json_decref(root);
        return pb__err(f->a->err, PROBITY_EPARSE, f->path, f->line, 0, "invalid JSON: %s", why);
    }
    int early = json_error_code(&je) == json_error_premature_end_of_input;
    return pb__err(f->a->err, PROBITY_EPARSE, f->path, f->line, je.column > 0 ? (long)je.column : 0,
                   "invalid JSON: %s%s", je.text,
                   early ? " (each entity must be complete on its own line: FtM JSON lines)" : "");
}

static int do_line(struct ftm *f, const char *s, size_t n)
{
    const struct pb_jnode *root;
    const char *why;
    size_t i = 0, count;
    int rc;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\f' || s[i] == '\v'))
        i++;
    if (i == n)
        return 0;
    if (s[i] == '[' && f->line == 1)
        return line_err(f, PROBITY_EFORMAT, (long)i + 1,
                        "a JSON array: expected JSON lines, one FtM entity object per line", NULL);
    if (pb_json_parse(f->json, s, n, &root, &count, &why))
        return strcmp(why, "out of memory") == 0 ? line_err(f, PROBITY_ENOMEM, 0, "out of memory", NULL)
                                                 : json_error(f, s, n, why);
    f->n = root;
    if (root->type != PB_JOBJECT)
        rc = pb__err(f->a->err, PROBITY_EFORMAT, f->path, f->line, (long)i + 1,
                     "found %s; expected one FtM entity object per line", kind_of(root));
    else if (member(f, 0, "op") && !member(f, 0, "schema"))
        rc = do_delta(f, 0);
    else
        rc = do_entity(f, 0, 0);
    f->n = NULL;
    return rc;
}

static int load_file(struct ftm *f, const char *path)
{
    struct pb_input *in = NULL;
    const char *s;
    size_t n;
    int rc;
    f->path = path;
    f->line = 0;
    if ((rc = pb_input_open(&in, path, f->a->opts ? f->a->opts->encoding : NULL, f->a->err)))
        goto out;
    while ((rc = pb_input_line(in, &s, &n, f->a->err)) == 1) {
        f->line = pb_input_lineno(in);
        if ((rc = do_line(f, s, n)))
            goto out;
    }
out:
    pb_input_close(in);
    return rc;
}

int pb__load_ftm(const struct pb_load_args *a)
{
    struct ftm f;
    int rc = 0;
    memset(&f, 0, sizeof(f));
    f.a = a;
    probity_entity_init(&f.top);
    if (!(f.json = pb_json_new()))
        return pb__err(a->err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < a->npaths; i++)
        if ((rc = load_file(&f, a->paths[i])))
            goto out;
out:
    probity_entity_release(&f.top);
    pb_json_free(f.json);
    pb_map_release(&f.types, NULL);
    pb_map_release(&f.warned, NULL);
    pb_buf_release(&f.key);
    return rc;
}
