/* FtM entities in memory. Values are cleaned once here (white space trimmed and
 * collapsed, duplicates dropped) so that every loader stores the same canonical form and
 * versions compare equal when the source did not change. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "core/core.h"

void probity_entity_init(struct probity_entity *e)
{
    memset(e, 0, sizeof(*e));
}

static void clear_props(struct probity_entity *e)
{
    for (size_t i = 0; i < e->nprops; i++) {
        free(e->props[i].prop);
        free(e->props[i].value);
    }
    e->nprops = 0;
}

int probity_entity_reset(struct probity_entity *e, const char *id, const char *schema)
{
    clear_props(e);
    free(e->id);
    free(e->schema);
    e->id = pb_strdup(id ? id : "");
    e->schema = pb_strdup(schema ? schema : "Thing");
    return e->id && e->schema ? 0 : PROBITY_ENOMEM;
}

int probity_entity_addn(struct probity_entity *e, const char *prop, const char *value, size_t len)
{
    char *v;
    size_t i = 0, o = 0;
    if (!value)
        return 0;
    if (!pb_utf8_valid(value, len, NULL))
        return PROBITY_EENCODING;
    v = malloc(len + 1);
    if (!v)
        return PROBITY_ENOMEM;
    while (i < len && isspace((unsigned char)value[i]))
        i++;
    for (; i < len; i++) {
        unsigned char c = (unsigned char)value[i];
        if (c == 0)
            break;
        if (isspace(c)) {
            if (o && v[o - 1] != ' ')
                v[o++] = ' ';
        } else {
            v[o++] = (char)c;
        }
    }
    while (o && v[o - 1] == ' ')
        o--;
    v[o] = 0;
    if (!o)
        goto skip;
    for (size_t k = 0; k < e->nprops; k++)
        if (strcmp(e->props[k].value, v) == 0 && strcmp(e->props[k].prop, prop) == 0)
            goto skip;
    if (e->nprops == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 16;
        struct probity_prop *p = realloc(e->props, cap * sizeof(*p));
        if (!p) {
            free(v);
            return PROBITY_ENOMEM;
        }
        e->props = p;
        e->cap = cap;
    }
    e->props[e->nprops].prop = pb_strdup(prop);
    if (!e->props[e->nprops].prop) {
        free(v);
        return PROBITY_ENOMEM;
    }
    e->props[e->nprops++].value = v;
    return 0;
skip:
    free(v);
    return 0;
}

int probity_entity_add(struct probity_entity *e, const char *prop, const char *value)
{
    return value ? probity_entity_addn(e, prop, value, strlen(value)) : 0;
}

const char *probity_entity_first(const struct probity_entity *e, const char *prop)
{
    for (size_t i = 0; i < e->nprops; i++)
        if (strcmp(e->props[i].prop, prop) == 0)
            return e->props[i].value;
    return NULL;
}

void probity_entity_release(struct probity_entity *e)
{
    clear_props(e);
    free(e->props);
    free(e->id);
    free(e->schema);
    memset(e, 0, sizeof(*e));
}
