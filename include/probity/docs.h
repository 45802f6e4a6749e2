/* Documents: ingest files into the store, search their text, read them back.
 *
 * A document is identified by the sha256 of its bytes (64 hex digits). Its text is stored
 * in chunks with their page and their offsets, so a quote can be cited as document + page +
 * offsets. Offsets count Unicode code points from the start of the document's text (not
 * bytes, not UTF-16 units); the text is the extracted blocks joined by "\n", with "\f"
 * where a page ends. A path seen again with other bytes makes a new document that
 * supersedes the old one; only current documents are searched.
 * See docs/internals/documents.md. */
#ifndef PROBITY_DOCS_H
#define PROBITY_DOCS_H
#include <stddef.h>
#include <stdint.h>
#include "probity/error.h"
#include "probity/store.h"

/* ---- ingest ---- */

enum probity_ingest_status {
    PROBITY_INGEST_OK = 0,      /* stored: a new document, or a new version of a known path */
    PROBITY_INGEST_UNCHANGED,   /* the same bytes are already stored for this path: nothing to do */
    PROBITY_INGEST_DUPLICATE,   /* the same bytes are already stored from another path: path added */
    PROBITY_INGEST_FAILED,      /* could not be read or extracted (reason says why and where) */
    PROBITY_INGEST_SKIPPED,     /* not ingested on purpose: empty file, unknown type, over a limit */
};
const char *probity_ingest_status_name(enum probity_ingest_status s);   /* "ok", "unchanged", ... */

/* One file (or embedded file) as it is stored. Strings are borrowed for the callback. */
struct probity_ingest_event {
    const char *path;      /* as found; an attachment is "MESSAGE#NAME" */
    const char *id;        /* sha256, NULL when the bytes could not be read */
    enum probity_ingest_status status;
    const char *reason;    /* failed/skipped: why (position included when known); else NULL */
    const char *type;      /* "pdf", "html", "text", ... or NULL when unknown */
    int64_t bytes;
    int64_t chars;         /* code points of text stored */
    int pages;
    int version;           /* 1 for a new path, 2.. when the path had other bytes before */
    int child;             /* non-zero for a file embedded in another (e-mail attachment) */
};

struct probity_ingest_progress {
    long files_done, files_total;
    int64_t bytes_done, bytes_total;
    long failed;           /* failed so far */
    double seconds;        /* since the start */
    int done;              /* non-zero on the last call */
};

struct probity_ingest_opts {
    const char *collection;      /* NULL: "default" */
    int jobs;                    /* extraction threads; 0: 1 */
    const char *encoding;        /* force a text encoding (ICU name); NULL: declared or detected */
    int64_t max_file_bytes;      /* limits; 0: the extractor's defaults */
    int64_t max_expanded_bytes;
    int max_pages;
    double max_seconds;
    /* Called for every file and attachment once its outcome is stored. */
    void (*on_file)(void *ctx, const struct probity_ingest_event *ev);
    /* Called about ten times a second and once at the end. */
    void (*on_progress)(void *ctx, const struct probity_ingest_progress *p);
    void *ctx;
};

struct probity_ingest_summary {
    long files;            /* files found (attachments not included) */
    long ok, versions, unchanged, duplicates, failed, skipped, children;
    int64_t bytes;         /* bytes of the files read */
    int64_t chars;         /* code points of text stored */
    double seconds;
};

/* Ingest files and folders (recursively, following symbolic links once; loops are
 * detected) into a collection. Every file gets an outcome: one bad file never stops the
 * batch. Documents are committed in small batches, never half a document, so an
 * interrupted run resumes where it stopped. Returns 0 when the batch ran (whatever the
 * per-file outcomes), or PROBITY_ESTORE/PROBITY_ENOMEM/PROBITY_EINVAL when it could not. */
int probity_ingest(struct probity_store *st, const char *const *paths, size_t n,
                   const struct probity_ingest_opts *o, struct probity_ingest_summary *sum,
                   struct probity_error *err);

/* ---- search ---- */

struct probity_search_opts {
    const char *collection;      /* filters added to the query's own (NULL: any) */
    const char *lang;
    const char *type;
    int limit;                   /* documents returned; 0: 20 */
    const char *mark_open;       /* put around each hit in the snippet; NULL: "[" */
    const char *mark_close;      /* NULL: "]" */
    int snippet_chars;           /* about this many code points of context; 0: 240 */
};

/* One document found, with the passage (chunk) that matched best. Borrowed for the callback. */
struct probity_search_hit {
    const char *id, *title, *path, *type, *langs;
    int page;
    int64_t start, end;          /* the first hit: code point offsets in the document */
    const char *snippet;         /* text around the hits, hits marked */
    double score;                /* bm25, higher is better */
    int rank;                    /* 1, 2, ... */
};
typedef int (*probity_search_hit_cb)(void *ctx, const struct probity_search_hit *h);

/* Search. The query language: words (all required), "exact phrases", OR, AND, NOT or -word,
 * prefix*, parentheses, and the filters collection:NAME, lang:CODE, type:TYPE. Results in
 * order of score, one per document. A malformed query is PROBITY_EPARSE with the column
 * (1-based, in characters) in err->column. PROBITY_ENOTFOUND when nothing was ingested yet. */
int probity_search(struct probity_store *st, const char *query, const struct probity_search_opts *o,
                   probity_search_hit_cb cb, void *ctx, struct probity_error *err);

/* ---- reading documents ---- */

struct probity_doc {
    char id[65];
    char parent[65];             /* the message an attachment came from, else "" */
    char supersedes[65];         /* the previous version of the same path, else "" */
    char *collection, *path, *title, *url, *type, *mime, *encoding, *langs, *published, *author;
    char *status, *reason, *ingested_at;
    int pages;
    int current;                 /* non-zero unless a newer version replaced it everywhere */
    int64_t bytes, chars, chunks;
};
void probity_doc_release(struct probity_doc *d);

/* A document by id or by a unique id prefix of at least 8 hex digits. PROBITY_ENOTFOUND,
 * or PROBITY_EINVAL for a short or ambiguous prefix. *out is released by the caller. */
int probity_doc_get(struct probity_store *st, const char *id, struct probity_doc *out, struct probity_error *err);

/* The text of a document (page 0) or of one page, piece by piece in order: `start` is the
 * code point offset of the piece in the document. PROBITY_ENOTFOUND for a page it does not
 * have. A non-zero callback return stops and is returned. */
typedef int (*probity_text_cb)(void *ctx, int page, int64_t start, const char *text, size_t len);
int probity_doc_text(struct probity_store *st, const char *id, int page, probity_text_cb cb, void *ctx,
                     struct probity_error *err);

/* The text between code point offsets [start, end) of a document, in *out (malloc'd,
 * caller frees), and the page it starts on in *page when not NULL. */
int probity_doc_quote(struct probity_store *st, const char *id, int64_t start, int64_t end, char **out,
                      int *page, struct probity_error *err);

typedef int (*probity_doc_cb)(void *ctx, const struct probity_doc *d);
/* Every document of a collection (NULL: all), by collection and path, old versions included. */
int probity_docs_list(struct probity_store *st, const char *collection, probity_doc_cb cb, void *ctx,
                      struct probity_error *err);

struct probity_collection {
    const char *name, *created_at;
    long documents, current, ok, failed, skipped, unreadable;
    int64_t bytes, chars;
};
typedef int (*probity_collection_cb)(void *ctx, const struct probity_collection *c);
int probity_collections(struct probity_store *st, probity_collection_cb cb, void *ctx, struct probity_error *err);

/* Files that could not be read at all (no bytes, so no document): collection, path, reason. */
typedef int (*probity_issue_cb)(void *ctx, const char *collection, const char *path, const char *reason,
                                const char *at);
int probity_ingest_issues(struct probity_store *st, const char *collection, probity_issue_cb cb, void *ctx,
                          struct probity_error *err);

/* Check the document tables: the full-text index against the chunks, chunk offsets
 * contiguous and matching the stored text, page map, versions. Each problem is described
 * through cb (may be NULL); their number goes to *problems. */
typedef int (*probity_problem_cb)(void *ctx, const char *msg);
int probity_docs_check(struct probity_store *st, probity_problem_cb cb, void *ctx, long *problems,
                       struct probity_error *err);

#endif
