/* Evidence: organisations found in documents and the links between them, each with the
 * exact sentence that states it. A gazetteer of every organisation name on the loaded lists
 * and rules over lexicons find the mentions; a cue between two mentions of one sentence
 * gives a typed, directed link; a person accepts or rejects each link, and that judgement
 * survives re-extraction. See docs/internals/evidence.md. */
#ifndef PROBITY_EVIDENCE_H
#define PROBITY_EVIDENCE_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "probity/error.h"
#include "probity/store.h"

/* ---- analysis of one text, without a store ---- */

struct probity_gazetteer;

/* An empty gazetteer. *out belongs to the caller (probity_gazetteer_free). */
int probity_gazetteer_new(struct probity_gazetteer **out);
void probity_gazetteer_free(struct probity_gazetteer *g);
/* Add a name of an entity (strings copied). Names that would match common words (one
 * generic word, one short word) are ignored. Returns 0 or PROBITY_ENOMEM. */
int probity_gazetteer_add(struct probity_gazetteer *g, const char *name, const char *entity_id,
                          const char *schema, const char *caption);
/* Number of names held. */
size_t probity_gazetteer_size(const struct probity_gazetteer *g);
/* Every organisation name of the current list entities of the store. */
int probity_gazetteer_load(struct probity_gazetteer *g, struct probity_store *st, struct probity_error *err);

/* One organisation mentioned in a text. Offsets are bytes of the analysed text. */
struct probity_mention {
    size_t start, end;
    const char *name;        /* the full name as the text writes it (for an alias: the name it follows) */
    const char *entity;      /* list entity id from the gazetteer, or NULL for a new organisation */
    const char *caption;     /* list entity caption, or NULL */
    const char *schema;      /* Company, PublicBody, Organization, LegalEntity */
    const char *how;         /* "list", "rule", "alias", "cue" */
};

/* One link found in a text: the subject and object mentions and the sentence. */
struct probity_found_link {
    const char *type;        /* supplies, contract_award, partnership, owned_by, subsidiary_of, ... */
    const struct probity_mention *subject, *object;
    size_t start, end;       /* the quote: the sentence, bytes */
    const char *cue;
    double confidence;
};

typedef int (*probity_mention_cb)(void *ctx, const struct probity_mention *m);
typedef int (*probity_found_link_cb)(void *ctx, const struct probity_found_link *l);

/* Analyse text[0..len): mentions in order of position, then links in order of position.
 * Either callback may be NULL; a non-zero return stops and is returned. Strings passed to
 * the callbacks are borrowed for the call. g may be NULL (rules only). */
int probity_analyse(const struct probity_gazetteer *g, const char *text, size_t len,
                    probity_mention_cb on_mention, probity_found_link_cb on_link, void *ctx);

/* ---- extraction into the store ---- */

struct probity_extract_opts {
    const char *collection;  /* NULL: every collection */
    const char *document;    /* NULL: every current document; else one document id */
};
struct probity_extract_summary {
    long documents, mentions, entities, links;
    size_t names;            /* names in the gazetteer */
    int64_t bytes;           /* bytes of text analysed */
    double seconds;
};
/* Find mentions and links in the current documents and store them, replacing what an
 * earlier extraction stored for the same documents; reviews are kept. One transaction. */
int probity_extract(struct probity_store *st, const struct probity_extract_opts *o,
                    struct probity_extract_summary *sum, struct probity_error *err);

/* A stored link. Strings are borrowed for the callback. Offsets are code points. */
struct probity_link {
    const char *id, *type, *schema;
    const char *subject, *subject_caption, *object, *object_caption;
    const char *quote, *prefix, *suffix, *cue;
    const char *doc, *doc_path, *doc_title;
    int page;
    int64_t start, end;
    double confidence;
    const char *status;      /* pending, accepted, rejected */
    const char *note;        /* the reviewer's note or NULL */
};
typedef int (*probity_link_cb)(void *ctx, const struct probity_link *l);

struct probity_link_filter {
    const char *entity;      /* either end is this entity (id, or a caption matched exactly) */
    const char *type;
    const char *status;
};
/* Stored links matching the filter, by document and position. */
int probity_links(struct probity_store *st, const struct probity_link_filter *f, probity_link_cb cb, void *ctx,
                  struct probity_error *err);
/* Record a judgement: status "accepted" or "rejected" (or "pending" to undo), note may be
 * NULL. PROBITY_ENOTFOUND for an unknown link. */
int probity_link_review(struct probity_store *st, const char *link_id, const char *status, const char *note,
                        struct probity_error *err);

/* Caption and schema of an entity found in documents or on a list, into caller buffers. */
int probity_evidence_entity(struct probity_store *st, const char *id, char *caption, size_t csize,
                            char *schema, size_t ssize, struct probity_error *err);
/* Resolve what a person typed (an id, or a name) to an entity id, into id[size]. */
int probity_evidence_resolve(struct probity_store *st, const char *what, char *id, size_t size,
                             struct probity_error *err);

/* ---- output ---- */

enum probity_dossier_format { PROBITY_DOSSIER_HTML, PROBITY_DOSSIER_MD, PROBITY_DOSSIER_JSON };
/* A dossier on one entity written to fp. */
int probity_dossier(struct probity_store *st, const char *entity, enum probity_dossier_format f, FILE *fp,
                    struct probity_error *err);
/* The graph of all stored links (rejected ones left out) as GraphML. */
int probity_export_graphml(struct probity_store *st, FILE *fp, struct probity_error *err);

/* ---- quality ---- */

/* Compare the stored links with a gold file (TSV: file, subject, relation, object, quote)
 * whose documents are ingested: a gold link is found when an extracted link of the same
 * document has a relation that maps to it and ends whose normalised names contain one
 * another. Prints recall and precision by language and relation to fp; overall figures go
 * to *recall and *precision when not NULL. Precision counts the links of every document in
 * the gold file's folder. */
int probity_links_eval(struct probity_store *st, const char *gold, FILE *fp, double *recall, double *precision,
                       struct probity_error *err);

#endif
