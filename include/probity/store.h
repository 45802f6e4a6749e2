/* The embedded store: one SQLite file holding datasets, their versions and every
 * entity as statements (entity, property, value) per version. All SQL lives behind
 * this header. A load is one transaction: either a whole new version becomes current,
 * or nothing changes. */
#ifndef PROBITY_STORE_H
#define PROBITY_STORE_H
#include <stdint.h>
#include "probity/entity.h"
#include "probity/error.h"

struct probity_store;

/* Schema version this binary writes; a file with a newer one is refused. */
#define PROBITY_STORE_SCHEMA 6

/* Open (creating or migrating) the store at `path`. *out belongs to the caller and is
 * released with probity_store_close. A store is used by one thread at a time (its SQLite
 * connection takes no locks of its own); threads that work at once open a store each.
 * Errors: PROBITY_ESTORE, PROBITY_ESCHEMA. */
int probity_store_open(struct probity_store **out, const char *path, struct probity_error *err);

/* Open an existing store without creating it or migrating it (read-only).
 * PROBITY_ENOTFOUND when there is no such file. */
int probity_store_open_readonly(struct probity_store **out, const char *path, struct probity_error *err);

void probity_store_close(struct probity_store *st);

/* One version of one dataset. Strings are owned by the struct (fixed buffers). */
struct probity_version {
    int64_t id;            /* store-wide id */
    char dataset[128];
    int seq;               /* 1, 2, ... within the dataset */
    int current;           /* non-zero for the dataset's current version */
    char format[32];
    char published[40];    /* the list's own publication date, "" if not stated */
    char loaded_at[32];    /* UTC, ISO 8601 */
    long entities;         /* targets: persons, organisations, vessels, aircraft */
    long records;          /* every FtM entity, sanctions, addresses and links included */
    long statements;
};

/* ---- Loading (used by the list loaders through probity_load) ---- */

/* Start the load transaction. */
int probity_store_begin(struct probity_store *st, struct probity_error *err);
/* Commit or roll back the load transaction. */
int probity_store_commit(struct probity_store *st, struct probity_error *err);
void probity_store_rollback(struct probity_store *st);

/* Create a new, not yet current, version of `dataset`; its id goes to *vid. */
int probity_store_version_new(struct probity_store *st, const char *dataset, const char *format,
                              int64_t *vid, struct probity_error *err);
/* Record a source file of a version. */
int probity_store_version_file(struct probity_store *st, int64_t vid, const char *path,
                               const char *sha256, int64_t size, struct probity_error *err);
/* Record the list's own publication date. */
int probity_store_version_published(struct probity_store *st, int64_t vid, const char *date,
                                    struct probity_error *err);
/* Store an entity in a version; statements of an id seen twice are merged. */
int probity_store_put(struct probity_store *st, int64_t vid, const struct probity_entity *e,
                      struct probity_error *err);
/* Store a normalised name key for the simple look-up index. */
int probity_store_put_name(struct probity_store *st, int64_t vid, const char *entity_id,
                           const char *key, struct probity_error *err);
/* Count the version's entities and statements and make it the dataset's current version.
 * The counts go to *info when not NULL. */
int probity_store_version_finish(struct probity_store *st, int64_t vid, struct probity_version *info,
                                 struct probity_error *err);
/* Delete a version entirely (used when a load turns out identical to the current one). */
int probity_store_version_drop(struct probity_store *st, int64_t vid, struct probity_error *err);

/* Non-zero if the current version of `dataset` was loaded from exactly these files
 * (same sha256 set). */
int probity_store_same_sources(struct probity_store *st, const char *dataset,
                               const char *const *sha256, size_t n);

/* ---- Queries ---- */

typedef int (*probity_version_cb)(void *ctx, const struct probity_version *v);
/* Every version of every dataset (or of `dataset` when not NULL), ordered by dataset and seq.
 * A non-zero return from the callback stops the walk and is returned. */
int probity_store_versions(struct probity_store *st, const char *dataset, probity_version_cb cb,
                           void *ctx, struct probity_error *err);
/* One version by dataset and seq (seq 0 = current). */
int probity_store_version_get(struct probity_store *st, const char *dataset, int seq,
                              struct probity_version *out, struct probity_error *err);

typedef int (*probity_count_cb)(void *ctx, const char *key, long count);
/* Entity counts by schema in a version. */
int probity_store_schema_counts(struct probity_store *st, int64_t vid, probity_count_cb cb, void *ctx,
                                struct probity_error *err);
typedef int (*probity_file_cb)(void *ctx, const char *path, const char *sha256, int64_t size);
int probity_store_version_files(struct probity_store *st, int64_t vid, probity_file_cb cb, void *ctx,
                                struct probity_error *err);

/* Load entity `id` from the current versions into *out (reset first). The dataset that
 * holds it is copied into dataset[size] when not NULL. PROBITY_ENOTFOUND if absent. */
int probity_store_get(struct probity_store *st, const char *id, struct probity_entity *out,
                      char *dataset, size_t size, struct probity_error *err);

typedef int (*probity_entity_cb)(void *ctx, const struct probity_entity *e, const char *dataset);
/* Every current entity that refers to `id` through an entity-typed property (links). */
int probity_store_referrers(struct probity_store *st, const char *id, probity_entity_cb cb, void *ctx,
                            struct probity_error *err);
/* Every entity of a version (vid > 0), or of all current versions (vid == 0), by id. */
int probity_store_entities(struct probity_store *st, int64_t vid, probity_entity_cb cb, void *ctx,
                           struct probity_error *err);
/* Current entities with a name whose key equals `key`. */
int probity_store_lookup_name(struct probity_store *st, const char *key, probity_entity_cb cb,
                              void *ctx, struct probity_error *err);

/* What changed for one entity between two versions. */
enum probity_change { PROBITY_ADDED = 1, PROBITY_REMOVED = 2, PROBITY_CHANGED = 3 };
struct probity_diff_entry {
    enum probity_change change;
    const char *id, *schema, *caption;
    const char *const *props;  /* changed properties (CHANGED only) */
    size_t nprops;
};
typedef int (*probity_diff_cb)(void *ctx, const struct probity_diff_entry *d);
/* Compare two versions entity by entity (ordered by id). */
int probity_store_diff(struct probity_store *st, int64_t from, int64_t to, probity_diff_cb cb, void *ctx,
                       struct probity_error *err);

#endif
