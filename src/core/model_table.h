/* The compiled-in FollowTheMoney model: every schema with its parents and every
 * property a schema declares itself (inherited ones are found through parents). */
#ifndef PB_MODEL_TABLE_H
#define PB_MODEL_TABLE_H
#include <stddef.h>

#define PB_SCHEMA_ABSTRACT 1
#define PB_SCHEMA_MATCHABLE 2
#define PB_SCHEMA_EDGE 4

struct pb_schema_def {
    const char *name;
    int parents[4];        /* indexes into pb__schemata, -1 when unused */
    const char *edge_source, *edge_target;
    const char *caption;   /* first caption property */
    int flags;
};

struct pb_prop_def {
    int schema;            /* declaring schema */
    const char *name, *type, *range;
};

extern const struct pb_schema_def pb__schemata[];
extern const int pb__n_schemata;
extern const struct pb_prop_def pb__props[];
extern const int pb__n_props;
#endif
