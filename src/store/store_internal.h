/* What the other files of src/store/ may see of the store handle, whose struct is private
 * to store.c: its SQLite connection and its path. Nothing outside src/store/ includes this. */
#ifndef PB_STORE_INTERNAL_H
#define PB_STORE_INTERNAL_H
#include <sqlite3.h>
#include "probity/store.h"

/* The connection (borrowed; belongs to the store). */
sqlite3 *pb__store_db(struct probity_store *st);
/* The file the store was opened from (borrowed). */
const char *pb__store_path(struct probity_store *st);

#endif
