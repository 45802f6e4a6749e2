/* Look-ups in the compiled-in FollowTheMoney model (model_table.c). The table is small
 * (70 schemata, ~650 properties); linear scans are fast enough and need no start-up. */
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include "core/core.h"
#include "core/model_table.h"
#include "probity/model.h"

/* Loaders ask for property types once per value, so the answers are tabulated once per
 * process: every (schema, property) pair, inherited properties included, in a hash map. */
static struct pb_map schema_map, prop_map;
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void add_props(int target, int s, char *key, size_t size)
{
    if (s < 0)
        return;
    for (int k = 0; k < pb__n_props; k++) {
        if (pb__props[k].schema != s)
            continue;
        snprintf(key, size, "%s\t%s", pb__schemata[target].name, pb__props[k].name);
        if (!pb_map_ref(&prop_map, key)) /* the nearest declaration wins */
            pb_map_put(&prop_map, key, (void *)pb__props[k].type);
    }
    for (int p = 0; p < 4; p++)
        add_props(target, pb__schemata[s].parents[p], key, size);
}

static void build_tables(void)
{
    char key[256];
    for (int i = 0; i < pb__n_schemata; i++) {
        pb_map_put(&schema_map, pb__schemata[i].name, (void *)(intptr_t)(i + 1));
        add_props(i, i, key, sizeof(key));
    }
}

static int schema_index(const char *name)
{
    if (!name)
        return -1;
    pthread_once(&tables_once, build_tables);
    return (int)(intptr_t)pb_map_get(&schema_map, name) - 1;
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

const char *probity_prop_type(const char *schema, const char *prop)
{
    char key[256];
    size_t ls, lp;
    if (!schema || !prop)
        return NULL;
    ls = strlen(schema), lp = strlen(prop);
    if (ls + lp + 2 > sizeof(key))
        return NULL;
    pthread_once(&tables_once, build_tables);
    memcpy(key, schema, ls);
    key[ls] = '\t';
    memcpy(key + ls + 1, prop, lp + 1);
    return pb_map_get(&prop_map, key);
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

int pb_is_name_prop(const char *prop)
{
    return !strcmp(prop, "name") || !strcmp(prop, "alias") || !strcmp(prop, "weakAlias") ||
           !strcmp(prop, "previousName");
}
