/* The FollowTheMoney model as compiled into probity: schemata, their inheritance and
 * their properties with types. Lookups are by exact name; all pointers are static. */
#ifndef PROBITY_MODEL_H
#define PROBITY_MODEL_H

/* Non-zero if a schema of this name exists. */
int probity_schema_exists(const char *schema);

/* Non-zero if `schema` is `ancestor` or inherits from it (Company is a LegalEntity). */
int probity_schema_is_a(const char *schema, const char *ancestor);

/* Non-zero if the schema is an edge/link (Ownership, UnknownLink, ...). The source and
 * target property names are stored in *source and *target when not NULL. */
int probity_schema_is_edge(const char *schema, const char **source, const char **target);

/* Non-zero for the schemata a list targets: parties (LegalEntity and below) and vehicles
 * (Vessel, Airplane). Sanctions, addresses, identifications and links are not targets. */
int probity_schema_is_target(const char *schema);

/* Type of a property on a schema, inherited ones included ("name", "date", "entity",
 * "country", "identifier", "string", ...), or NULL if the schema has no such property. */
const char *probity_prop_type(const char *schema, const char *prop);

/* Property used as a caption for this schema ("name" for most), or NULL. */
const char *probity_schema_caption_prop(const char *schema);

/* The most specific common schema of two (Company + Organization -> Company) or NULL if
 * neither descends from the other. */
const char *probity_schema_common(const char *a, const char *b);

#endif
