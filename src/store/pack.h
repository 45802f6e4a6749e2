/* An entity in the form the store keeps it (see store.c): statements packed in canonical
 * order, the hashes of its links' targets and of its name keys. The load driver prepares
 * this form in the loader's thread, so that the thread that writes SQLite only writes. */
#ifndef PB_STORE_PACK_H
#define PB_STORE_PACK_H
#include <stddef.h>
#include <stdint.h>
#include "core/core.h"
#include "probity/store.h"

struct pb_packed {
    const char *id, *schema;
    const char *stmts;       /* "prop NUL value NUL"..., sorted by prop then value, distinct */
    size_t len;
    long count;              /* statements in stmts */
    const int64_t *refs;     /* pb__key_hash of each entity-typed value */
    size_t nrefs;
    const int64_t *names;    /* pb__key_hash of each name key */
    size_t nnames;
};

/* Pack n statements into out (reset first); scratch/cap is reusable sort space. Returns the
 * number of distinct statements, or -1 when out of memory. */
long pb__pack_statements(struct pb_buf *out, const struct probity_prop *p, size_t n,
                         const struct probity_prop ***scratch, size_t *cap);

/* The 64-bit hash under which ids (link targets) and name keys are indexed. */
int64_t pb__key_hash(const char *s);

/* Store one packed entity in version vid: as probity_store_put plus its name keys. */
int pb__store_put_packed(struct probity_store *st, int64_t vid, const struct pb_packed *p,
                         struct probity_error *err);

#endif
