/* What the files of src/evidence/ share: the gazetteer's structure, the lexicons of the
 * rules, and the store calls of src/store/evidence.c (declared in store/evstore.h). */
#ifndef PB_EVIDENCE_INT_H
#define PB_EVIDENCE_INT_H
#include <stdint.h>
#include "core/core.h"
#include "probity/evidence.h"
#include "text/segment.h"

#define PB_GZ_ONEWORD 1   /* a one-word name: matched only when capitalised in the text */

struct pb_gz_ent {
    char *id, *schema, *caption;
};

struct probity_gazetteer {
    struct pb_map tokid;          /* token -> id (1..) */
    uint64_t *ekey;               /* (node << 32 | token) + 1, 0 = empty */
    uint32_t *eval;               /* child node */
    size_t ecap, elen;
    int32_t *term;                /* node -> entity index + 1, 0 when no name ends there */
    unsigned char *flags;         /* node -> PB_GZ_* */
    size_t nnodes, capnodes;
    struct pb_gz_ent *ents;
    size_t nents, capents;
    struct pb_map entix;          /* entity id -> index + 1 */
    size_t names;
    struct pb_segmenter *sg;      /* used while adding names */
};

/* The child of `node` through token id `tok`, 0 when none (node 0 is the root). */
uint32_t pb__gz_child(const struct probity_gazetteer *g, uint32_t node, uint32_t tok);
/* The id of a normalised token, 0 when no name has it. */
uint32_t pb__gz_token(const struct probity_gazetteer *g, const char *norm);

/* Documents, organisations found in them, mentions and links as FtM JSON lines (the
 * evidence part of `probity export --format ftm`). */
int pb__ev_export_ftm(struct probity_store *st, FILE *fp, struct probity_error *err);

#endif
