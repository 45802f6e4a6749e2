/* Text extraction from documents, format by format, as a stream.
 *
 * An extractor reads one file (or buffer) and hands its text to a sink in document order,
 * piece by piece, with the page each piece is on and the kind of block it belongs to;
 * metadata (title, author, dates, URL, language) as key/value pairs; and embedded files
 * (e-mail attachments) as children to be ingested as documents of their own. Memory stays
 * bounded whatever the file size: nothing requires the whole text at once.
 * Text handed to the sink is always valid UTF-8. */
#ifndef PB_DOCS_EXTRACT_H
#define PB_DOCS_EXTRACT_H
#include <stddef.h>
#include <stdint.h>
#include "probity/error.h"

enum pb_block_kind {
    PB_BLOCK_TEXT = 0,     /* body text, paragraphs */
    PB_BLOCK_TITLE,
    PB_BLOCK_HEADING,
    PB_BLOCK_LIST_ITEM,
    PB_BLOCK_TABLE_CELL,
    PB_BLOCK_LINK,         /* the text of a hyperlink (its target goes to meta "link") */
    PB_BLOCK_HEADER,       /* e-mail headers shown as text */
};

struct pb_doc_sink {
    /* Metadata: "title", "author", "created", "modified", "published" (ISO 8601),
     * "url", "lang", "mime", "encoding", "pages", "link" (repeatable), "subject", "from",
     * "to", "date", "encrypted" ("1"). Values are UTF-8 and may repeat. */
    int (*meta)(void *ctx, const char *key, const char *value);
    /* A piece of text. `page` is 1-based (1 for formats without pages). A block ends where
     * the next begins; the sink separates blocks with a newline. */
    int (*text)(void *ctx, int page, enum pb_block_kind kind, const char *utf8, size_t len);
    /* An embedded file to ingest separately (bytes are borrowed for the call). */
    int (*child)(void *ctx, const char *name, const char *mime, const void *data, size_t size);
    void *ctx;
};

struct pb_extract_limits {
    int64_t max_file_bytes;       /* a single input file (default 2 GiB: every format is read as a stream) */
    int64_t max_expanded_bytes;   /* total bytes expanded from an archive (DOCX/ODT/EML), default 256 MiB */
    int max_pages;                /* PDF pages read (default 5000) */
    double max_seconds;           /* wall time per file (default 120) */
    /* 1: the caller guesses the language from the words it reads anyway (ingestion counts
     * them as it tokenises), so no "lang" is guessed here; a declared one is still given */
    int own_lang_guess;
};
#define PB_EXTRACT_LIMITS_DEFAULT {2048LL << 20, 256LL << 20, 5000, 120.0, 0}

/* Detected document types. */
enum pb_doc_type {
    PB_DOC_UNKNOWN = 0, PB_DOC_TEXT, PB_DOC_MARKDOWN, PB_DOC_HTML, PB_DOC_XML, PB_DOC_PDF,
    PB_DOC_DOCX, PB_DOC_ODT, PB_DOC_EML
};
const char *pb_doc_type_name(enum pb_doc_type t);   /* "text", "html", "pdf", ... */

/* Detect the type from the first bytes (magic numbers, markup), then the file name. */
enum pb_doc_type pb_doc_detect(const char *name, const void *head, size_t n);
/* 1 when "%PDF-" is in the first KiB of head[0..n), where readers look for a PDF's header. */
int pb_doc_pdf_header(const void *head, size_t n);

/* Extract a file. `encoding` forces a text encoding (NULL: declared or detected).
 * Errors (with path and reason in err): PROBITY_EFORMAT unknown or unsupported type,
 * PROBITY_EPARSE corrupt/truncated, PROBITY_EINVAL encrypted or over a limit, PROBITY_EIO. */
int pb_extract_file(const char *path, const char *encoding, const struct pb_extract_limits *lim,
                    struct pb_doc_sink *sink, struct probity_error *err);
/* Same for bytes in memory (attachments, fuzzing); `name` is used for type detection and
 * messages. */
int pb_extract_buffer(const char *name, const void *data, size_t size, const char *encoding,
                      const struct pb_extract_limits *lim, struct pb_doc_sink *sink, struct probity_error *err);

#endif
