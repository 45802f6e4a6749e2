/* Shared plumbing of the format extractors: the input (a file or bytes in memory), and the
 * extraction context that stands between an extractor and the caller's sink. Every piece
 * of text and metadata goes through the context, which keeps the promises of extract.h in
 * one place (valid UTF-8, the time limit, the archive expansion limit, the language guess,
 * errors that name the file) so that each extractor only has to understand its format. */
#ifndef PB_DOCS_EXTRACT_INT_H
#define PB_DOCS_EXTRACT_INT_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "core/core.h"
#include "docs/extract.h"
#include "text/segment.h"

/* The input of one extraction: an open file or bytes in memory. */
struct pb__src {
    const char *path;             /* the file on disk, or NULL for memory */
    FILE *fp;                     /* open on path, or NULL */
    const unsigned char *mem;     /* the bytes when in memory */
    size_t size, pos;             /* input size; read position in mem */
};
/* Read up to n bytes: the count, 0 at the end, or -1 on a read error. */
long pb__src_read(struct pb__src *s, void *buf, size_t n);
/* For a source in memory: up to n bytes where they lie, at *p (no copy), as pb__src_read
 * counts them; -1 for a source read from a file. */
long pb__src_view(struct pb__src *s, size_t n, const void **p);
/* Back to the first byte. Returns 0 or PROBITY_EIO. */
int pb__src_rewind(struct pb__src *s);

/* A cheap per-document language guess from the text as it goes by (lang.c). */
struct pb__lang {
    uint32_t han, kana, hangul, cyrillic, ukrainian, arabic, persian, greek, hebrew, thai, devanagari;
    uint32_t latin_words, stop[6];
    uint64_t seen;                /* bytes looked at (the guess reads the first MiB) */
    int ready;                    /* the stop-word table is known to be built */
};
void pb__lang_feed(struct pb__lang *l, const char *s, size_t n);
/* The same for one token t of text (from pb_segment), so that a text already being
 * tokenised is not read again for its language. */
void pb__lang_token(struct pb__lang *l, const char *text, const struct pb_token *t);
/* The same for a PB_TOKEN_ASCII token of n letters, given pb_word_key8 of its normalised
 * text (read only when n <= 8). */
void pb__lang_ascii(struct pb__lang *l, uint64_t key, size_t n);
/* A language code ("zh", "en", "ru", ...) or NULL when the text says too little. */
const char *pb__lang_guess(const struct pb__lang *l);
/* The primary subtag of a language tag, lower case ("en-US" -> "en", "zh_Hant" -> "zh"),
 * into out[16]; "" when the tag is not a plausible one. */
void pb__lang_tag(const char *tag, char out[16]);

struct pb__x {
    const char *name;             /* path or buffer name, for messages */
    const char *encoding;         /* forced text encoding, or NULL */
    const struct pb_extract_limits *lim;
    struct probity_error *err;
    struct pb_doc_sink *user;     /* the caller's sink */
    int embedded;                 /* extracting an e-mail body: no document-level meta */
    double deadline;              /* monotonic seconds; 0 = none */
    int64_t expanded;             /* bytes expanded from archives so far */
    int max_page, have_text, lang_set, pages_set, children;
    long ncalls;
    struct pb__lang lang;
    struct pb_buf fix;            /* scratch for text that needed repair */
};

/* Hand text / metadata / an embedded file to the caller's sink. Empty text and empty
 * values are skipped; invalid UTF-8 is repaired. Return 0 or the error (err filled) that
 * must stop the extraction. */
int pb__x_text(struct pb__x *x, int page, enum pb_block_kind kind, const char *s, size_t n);
/* The same for text the caller knows to be valid UTF-8 (converted by pb_conv_run). */
int pb__x_text_utf8(struct pb__x *x, int page, enum pb_block_kind kind, const char *s, size_t n);
int pb__x_meta(struct pb__x *x, const char *key, const char *value);
int pb__x_child(struct pb__x *x, const char *name, const char *mime, const void *data, size_t size);
/* 0, or PROBITY_EINVAL once the file's time limit has passed. */
int pb__x_time(struct pb__x *x);
/* Count n more bytes expanded from an archive: 0, or PROBITY_EINVAL over the limit. */
int pb__x_expand(struct pb__x *x, int64_t n);
/* Fill the error record for this file and return code. */
int pb__x_fail(struct pb__x *x, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A date or date-time as found in a document to ISO 8601 in out[32]: a full date-time in
 * UTC when it has a time ("2023-09-27T14:30:00Z"), else the date alone; "" when unknown. */
void pb__x_date(const char *in, int date_only, char out[32]);

/* The extractors. Each reads src from its start. */
int pb__extract_text(struct pb__x *x, struct pb__src *src, int markdown);
int pb__extract_html(struct pb__x *x, struct pb__src *src);
int pb__extract_xml(struct pb__x *x, struct pb__src *src);
int pb__extract_pdf(struct pb__x *x, struct pb__src *src);
int pb__extract_office(struct pb__x *x, struct pb__src *src, enum pb_doc_type type);
int pb__extract_eml(struct pb__x *x, struct pb__src *src);
/* DOCX, ODT or PB_DOC_UNKNOWN for a zip archive, from its entry names (office.c). */
enum pb_doc_type pb__office_sniff(struct pb__src *src);

#endif
