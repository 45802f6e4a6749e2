/* A FollowTheMoney entity in memory: an id, a schema and multi-valued properties.
 * Values are always valid UTF-8; an entity owns copies of all its strings. */
#ifndef PROBITY_ENTITY_H
#define PROBITY_ENTITY_H
#include <stddef.h>

struct probity_prop {
    char *prop;
    char *value;
};

struct probity_entity {
    char *id;
    char *schema;
    struct probity_prop *props;
    size_t nprops, cap;
};

/* Initialise an empty entity (no allocation). */
void probity_entity_init(struct probity_entity *e);

/* Drop all properties and set a new id and schema (copied). Returns 0 or PROBITY_ENOMEM. */
int probity_entity_reset(struct probity_entity *e, const char *id, const char *schema);

/* Add one value (copied). Leading/trailing white space is trimmed and inner runs of
 * white space collapsed; empty values and exact duplicates are skipped.
 * Returns 0, PROBITY_EENCODING if the value is not valid UTF-8, or PROBITY_ENOMEM. */
int probity_entity_add(struct probity_entity *e, const char *prop, const char *value);

/* Same, for a value of known length that need not be NUL-terminated. */
int probity_entity_addn(struct probity_entity *e, const char *prop, const char *value, size_t len);

/* First value of a property, borrowed, or NULL. */
const char *probity_entity_first(const struct probity_entity *e, const char *prop);

/* Free everything the entity owns; it may be reused after probity_entity_init. */
void probity_entity_release(struct probity_entity *e);

#endif
