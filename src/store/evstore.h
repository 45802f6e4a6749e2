/* The evidence tables as seen by src/evidence/: entities found in documents, their
 * mentions, the links between them and the reviews of links. The SQL is in
 * src/store/evidence.c. Offsets are code points (see probity/docs.h). */
#ifndef PB_STORE_EVSTORE_H
#define PB_STORE_EVSTORE_H
#include "probity/evidence.h"

struct pb_evw;
/* A writer with its prepared statements; begins a transaction. */
int pb__evw_open(struct probity_store *st, struct pb_evw **out, struct probity_error *err);
/* Commit (commit != 0) or roll back, and free the writer. */
int pb__evw_close(struct pb_evw *w, int commit, struct probity_error *err);
/* Forget what an earlier extraction stored for a document (reviews are kept). */
int pb__evw_clear(struct pb_evw *w, const char *doc, struct probity_error *err);
/* Forget links and mentions of documents that are no longer current. */
int pb__evw_prune(struct pb_evw *w, struct probity_error *err);
int pb__evw_entity(struct pb_evw *w, const char *id, const char *schema, const char *caption, const char *key,
                   struct probity_error *err);
/* A mention: its code-point offsets, entity, how it was found and its text as written. */
int pb__evw_mention(struct pb_evw *w, const char *doc, int64_t start, int64_t end, const char *entity,
                    const char *how, const char *text, struct probity_error *err);
/* Store a link (status and note are ignored: they live in the review table). When the id is
 * already stored, the higher confidence is kept. */
int pb__evw_link(struct pb_evw *w, const struct probity_link *l, struct probity_error *err);

int pb__ev_links(struct probity_store *st, const struct probity_link_filter *f, probity_link_cb cb, void *ctx,
                 struct probity_error *err);
int pb__ev_review(struct probity_store *st, const char *link, const char *status, const char *note,
                  struct probity_error *err);
/* Caption and schema of an entity found in documents, or of a list entity (its first name). */
int pb__ev_entity(struct probity_store *st, const char *id, char *caption, size_t csize, char *schema,
                  size_t ssize, struct probity_error *err);
/* An entity id by exact caption (documents first, then lists), into id[size]. */
int pb__ev_find(struct probity_store *st, const char *caption, char *id, size_t size, struct probity_error *err);
/* Mention counts of an entity: documents and mentions. */
int pb__ev_mentions(struct probity_store *st, const char *id, long *docs, long *mentions, struct probity_error *err);

/* Every way a document writes an entity (the distinct texts of its mentions there). */
int pb__ev_names(struct probity_store *st, const char *doc, const char *entity,
                 int (*cb)(void *ctx, const char *name), void *ctx, struct probity_error *err);

/* Every organisation found in documents (id, schema, caption). */
int pb__ev_each_entity(struct probity_store *st,
                       int (*cb)(void *ctx, const char *id, const char *schema, const char *caption), void *ctx,
                       struct probity_error *err);

/* Every stored mention, by document and position; offsets are code points, schema is the
 * entity's (NULL when unknown). */
typedef int (*pb__ev_mention_cb)(void *ctx, const char *doc, int64_t start, int64_t end, const char *entity,
                                 const char *how, const char *text, const char *schema);
int pb__ev_each_mention(struct probity_store *st, pb__ev_mention_cb cb, void *ctx, struct probity_error *err);

#endif
