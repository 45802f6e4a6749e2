/* The document tables as seen by the ingestion driver and the search (src/docs/): a writer
 * with prepared statements, and an iterator over full-text candidates in rank order. The
 * SQL itself is in src/store/docs.c. Offsets are code points (see probity/docs.h). */
#ifndef PB_STORE_DOCSTORE_H
#define PB_STORE_DOCSTORE_H
#include <stddef.h>
#include <stdint.h>
#include "probity/docs.h"

/* Make the store ready for documents: register the tokenizer on the connection and, when
 * `write`, create the full-text table. For a reader, PROBITY_ENOTFOUND when no document
 * was ever ingested. */
int pb__docs_ready(struct probity_store *st, int write, struct probity_error *err);

/* ---- writing (one thread) ---- */

struct pb_docw;
int pb__docw_open(struct probity_store *st, struct pb_docw **out, struct probity_error *err);
void pb__docw_close(struct pb_docw *w);
int pb__docw_begin(struct pb_docw *w, struct probity_error *err);
int pb__docw_commit(struct pb_docw *w, struct probity_error *err);
void pb__docw_rollback(struct pb_docw *w);

/* What the store holds for a document id. */
enum pb_doc_state { PB_DOC_ABSENT = 0, PB_DOC_STORED_OK = 1, PB_DOC_STORED_BAD = 2 };
/* The state of `id` (>= 0) or a negative error. */
int pb__docw_state(struct pb_docw *w, const char *id, struct probity_error *err);
/* 1 when the store holds any document, 0 when none, or a negative error. */
int pb__docw_any(struct pb_docw *w, struct probity_error *err);
/* The document at (collection, path) into id[65], "" when none. */
int pb__docw_at(struct pb_docw *w, const char *collection, const char *path, char id[65],
                struct probity_error *err);

/* A document row. NULL strings are stored as NULL. */
struct pb_docrec {
    const char *id, *parent, *collection, *path;
    const char *title, *url, *type, *mime, *encoding, *langs, *published, *author;
    const char *status, *reason;     /* "ok", "failed", "skipped" */
    int pages;
    int64_t bytes, chars;
    /* 1 when the caller found the id absent (pb__docw_state): it is not looked up again,
     * and bytes stored meanwhile are noticed by the id's unique index instead */
    int absent;
};
/* Store a document (new, or replacing a failed or skipped attempt with the same bytes) and
 * make it the document at (collection, path); the path's previous document is superseded.
 * Its row number goes to *n and its version (1 for a new path) to *version. When the
 * bytes turn out to be stored already, nothing else must be written for them: it returns
 * 1 when the path was added to them, 2 when they were already at this path. */
int pb__docw_put(struct pb_docw *w, const struct pb_docrec *r, int64_t *n, int *version,
                 struct probity_error *err);
/* A chunk of a stored document's text: text[0..len) spans code points [start, end).
 * `toks` is its tokens already encoded by pb_segment_encode with PB_SEG_WORDS (NULL:
 * tokenised here), which lets ingestion do that work in its worker threads. The text is
 * stored packed with that of the chunks around it (store/docs.c); the block being filled
 * is written before a commit and before anything reads chunk text. */
int pb__docw_chunk(struct pb_docw *w, int64_t n, int seq, int page, int64_t start, int64_t end,
                   const char *lang, const char *text, size_t len, const void *toks, size_t tlen,
                   struct probity_error *err);
int pb__docw_page(struct pb_docw *w, int64_t n, int page, int64_t start, int64_t end, struct probity_error *err);
int pb__docw_meta(struct pb_docw *w, int64_t n, const char *key, const char *value, struct probity_error *err);
/* Make an already stored document the one at (collection, path). Its version goes to *version. */
int pb__docw_link(struct pb_docw *w, const char *collection, const char *path, const char *id, int *version,
                  struct probity_error *err);
/* Record a file that could not be read at all. */
int pb__docw_issue(struct pb_docw *w, const char *collection, const char *path, const char *reason,
                   struct probity_error *err);

/* ---- full-text candidates ---- */

/* Filters: any of the values of each kind (n == 0: no filter of that kind). */
struct pb_docs_filter {
    const char *const *collection;
    size_t ncollection;
    const char *const *lang;
    size_t nlang;
    const char *const *type;
    size_t ntype;
};

/* A candidate chunk with its document. Strings are borrowed until the next call. */
struct pb_docq_row {
    int64_t chunk, doc;
    double rank;                     /* bm25 as FTS5 gives it: lower is better */
    int page;
    int64_t start;                   /* code point offset of the chunk in its document */
    const char *text;
    size_t len;
    const char *id, *title, *path, *type, *langs;
};

struct pb_docq;
/* Chunks matching an FTS5 expression (built by the query parser, never user text), best
 * first. */
int pb__docq_open(struct probity_store *st, const char *match, const struct pb_docs_filter *f,
                  struct pb_docq **out, struct probity_error *err);
/* 1 with a row, 0 at the end, or a negative error. */
int pb__docq_next(struct pb_docq *q, struct pb_docq_row *row, struct probity_error *err);
void pb__docq_close(struct pb_docq *q);

/* The passages of document row `doc` that match an FTS5 expression, in order: cb gets each
 * one's text; a non-zero return stops the walk and is returned. */
int pb__docs_doc_match(struct probity_store *st, int64_t doc, const char *match,
                       int (*cb)(void *ctx, const char *text, size_t len), void *ctx, struct probity_error *err);

#endif
