/* Writing the store back out as FollowTheMoney JSON lines, one entity per line, in the
 * shape the FtM loader (ftm.c) reads, so that an export loaded into another store gives
 * the same statements. Values are written in the order the store returns them, grouped
 * by property; the dataset an entity came from goes into "datasets" as FtM exports do. */
#include <errno.h>
#include <string.h>
#include <jansson.h>
#include "core/core.h"
#include "probity/lists.h"

struct export_ctx {
    FILE *out;
    struct probity_error *err;
};

/* The entity as a JSON object (a new reference), or NULL when out of memory. */
static json_t *entity_json(const struct probity_entity *e, const char *dataset)
{
    json_t *o = json_object(), *props = json_object(), *ds = json_array();
    int bad = !o || !props || !ds;
    if (!bad)
        bad = json_object_set_new(o, "id", json_string(e->id)) || json_object_set_new(o, "schema", json_string(e->schema));
    for (size_t i = 0; !bad && i < e->nprops; i++) {
        json_t *values = json_object_get(props, e->props[i].prop);
        if (!values && (!(values = json_array()) || json_object_set_new(props, e->props[i].prop, values))) {
            bad = 1;
            break;
        }
        bad = json_array_append_new(values, json_string(e->props[i].value));
    }
    if (!bad)
        bad = json_array_append_new(ds, json_string(dataset ? dataset : ""));
    if (!bad) {
        /* set_new steals the references even when it fails */
        bad = json_object_set_new(o, "properties", props) | json_object_set_new(o, "datasets", ds);
        props = ds = NULL;
    }
    json_decref(props);
    json_decref(ds);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int export_one(void *ctx, const struct probity_entity *e, const char *dataset)
{
    struct export_ctx *x = ctx;
    json_t *o = entity_json(e, dataset);
    int rc = 0;
    if (!o)
        return pb__err(x->err, PROBITY_ENOMEM, NULL, 0, 0, "entity %s: out of memory", e->id);
    if (json_dumpf(o, x->out, JSON_COMPACT) != 0 || fputc('\n', x->out) == EOF)
        rc = pb__err(x->err, PROBITY_EIO, NULL, 0, 0, "write error: %s", strerror(errno));
    json_decref(o);
    return rc;
}

int probity_export_ftm(struct probity_store *st, const char *dataset, FILE *out, struct probity_error *err)
{
    struct export_ctx x = {out, err};
    struct probity_version v;
    int64_t vid = 0;
    int rc;
    if (dataset) {
        if ((rc = probity_store_version_get(st, dataset, 0, &v, err)))
            return rc == PROBITY_ENOTFOUND ? pb__err(err, rc, NULL, 0, 0, "no dataset '%s' in the store", dataset)
                                           : rc;
        vid = v.id;
    }
    if ((rc = probity_store_entities(st, vid, export_one, &x, err)))
        return rc;
    if (fflush(out) != 0 || ferror(out))
        return pb__err(err, PROBITY_EIO, NULL, 0, 0, "write error: %s", strerror(errno));
    return 0;
}
