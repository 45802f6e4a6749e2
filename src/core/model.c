/* Look-ups in the compiled-in FollowTheMoney model (model_table.c). The table is small
 * (70 schemata, ~650 properties); linear scans are fast enough and need no start-up. */
#include <string.h>
#include "core/model_table.h"
#include "probity/model.h"

static int schema_index(const char *name)
{
    if (!name)
        return -1;
    for (int i = 0; i < pb__n_schemata; i++)
        if (strcmp(pb__schemata[i].name, name) == 0)
            return i;
    return -1;
}

int probity_schema_exists(const char *schema) { return schema_index(schema) >= 0; }

static int is_a(int s, int anc)
{
    if (s < 0)
        return 0;
    if (s == anc)
        return 1;
    for (int k = 0; k < 4; k++)
        if (pb__schemata[s].parents[k] >= 0 && is_a(pb__schemata[s].parents[k], anc))
            return 1;
    return 0;
}

int probity_schema_is_a(const char *schema, const char *ancestor)
{
    int a = schema_index(ancestor);
    return a >= 0 && is_a(schema_index(schema), a);
}

int probity_schema_is_edge(const char *schema, const char **source, const char **target)
{
    int s = schema_index(schema);
    if (s < 0 || !(pb__schemata[s].flags & PB_SCHEMA_EDGE))
        return 0;
    if (source)
        *source = pb__schemata[s].edge_source;
    if (target)
        *target = pb__schemata[s].edge_target;
    return 1;
}

static const char *prop_type(int s, const char *prop)
{
    if (s < 0)
        return NULL;
    for (int i = 0; i < pb__n_props; i++)
        if (pb__props[i].schema == s && strcmp(pb__props[i].name, prop) == 0)
            return pb__props[i].type;
    for (int k = 0; k < 4; k++) {
        const char *t;
        if (pb__schemata[s].parents[k] >= 0 && (t = prop_type(pb__schemata[s].parents[k], prop)))
            return t;
    }
    return NULL;
}

const char *probity_prop_type(const char *schema, const char *prop)
{
    return prop_type(schema_index(schema), prop);
}

const char *probity_schema_caption_prop(const char *schema)
{
    int s = schema_index(schema);
    return s >= 0 ? pb__schemata[s].caption : NULL;
}

const char *probity_schema_common(const char *a, const char *b)
{
    int ia = schema_index(a), ib = schema_index(b);
    if (ia < 0 || ib < 0)
        return NULL;
    if (is_a(ia, ib))
        return pb__schemata[ia].name;
    if (is_a(ib, ia))
        return pb__schemata[ib].name;
    return NULL;
}

int probity_schema_is_target(const char *schema)
{
    return probity_schema_is_a(schema, "LegalEntity") || probity_schema_is_a(schema, "Vehicle");
}
