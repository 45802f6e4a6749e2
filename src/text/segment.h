/* Words of a text for full-text search, the folding that makes them comparable, and a
 * cheap guess at the language of a text. ICU does the Unicode work (character classes,
 * normalisation, dictionary word breaks) and stays behind this header.
 *
 * A token is a run of letters, digits and marks, compatibility-normalised (NFKC), case
 * folded, without diacritics, with traditional Han characters mapped to simplified ones.
 * Han and kana text is indexed one character per token, so a Chinese word is found
 * wherever its characters stand next to each other, however a dictionary would have cut
 * the sentence; the dictionary words found by ICU's break iterator are added at the
 * position of their first character (PB_TOKEN_WORD) to rank true word matches higher.
 * Thai, Lao, Khmer and Myanmar runs, which have no spaces, are cut by ICU's dictionary
 * break iterator. All functions are thread-safe; a segmenter belongs to one thread. */
#ifndef PB_TEXT_SEGMENT_H
#define PB_TEXT_SEGMENT_H
#include <stddef.h>
#include "core/core.h"

#define PB_TOKEN_CJK 1    /* one Han or kana character */
#define PB_TOKEN_WORD 2   /* a whole CJK word, at the position of its first character */
#define PB_TOKEN_ASCII 4  /* the input bytes are ASCII letters (norm is them lower-cased) */

struct pb_token {
    const char *norm;     /* normalised text, NUL-terminated, borrowed for the callback */
    size_t len;           /* bytes of norm */
    size_t start, end;    /* byte range of the token in the input */
    int flags;            /* PB_TOKEN_* */
};

/* Called for each token; a non-zero return stops the walk and is returned. */
typedef int (*pb_token_fn)(void *ctx, const struct pb_token *t);

/* Flags of pb_segment. */
#define PB_SEG_WORDS 1    /* also emit whole CJK words (PB_TOKEN_WORD) */

/* Longest token in code points; longer runs are cut into pieces of this size. */
#define PB_TOKEN_MAX_CP 64

struct pb_segmenter;

/* A segmenter with its own ICU break iterators and buffers. Returns 0 or PROBITY_ENOMEM. */
int pb_segmenter_new(struct pb_segmenter **out);
void pb_segmenter_free(struct pb_segmenter *sg);

/* Walk the tokens of text[0..len) in order. Invalid UTF-8 bytes separate tokens.
 * Returns 0, the callback's non-zero value, or PROBITY_ENOMEM. */
int pb_segment(struct pb_segmenter *sg, const char *text, size_t len, int flags, pb_token_fn fn, void *ctx);

/* The tokens of text[0..len) as a compact byte stream appended to out, to be replayed
 * later without segmenting again (ingestion tokenises in its worker threads, the index is
 * written by one thread). Returns 0 or PROBITY_ENOMEM. */
int pb_segment_encode(struct pb_segmenter *sg, const char *text, size_t len, int flags, struct pb_buf *out);
/* The same, also handing each token to fn (whose non-zero return stops the walk): what
 * else needs the words of the text reads them from this one pass. */
int pb_segment_encode_with(struct pb_segmenter *sg, const char *text, size_t len, int flags, struct pb_buf *out,
                           pb_token_fn fn, void *ctx);
/* Walk the tokens of an encoded stream as pb_segment would. Returns 0, the callback's
 * non-zero value, or PROBITY_EFORMAT for a damaged stream. */
int pb_segment_replay(const void *enc, size_t n, pb_token_fn fn, void *ctx);

/* Fold the text between two tokens for exact-phrase comparison into out (reset first):
 * NFKC, typographic quotes and dashes made ASCII; text that is only white space becomes
 * one space, or nothing when `cjk` (a line break inside Chinese text is layout, not a
 * word break); any other text loses its white space ("Co., Ltd" = "Co.,Ltd").
 * Returns 0 or PROBITY_ENOMEM. */
int pb_fold_separator(const char *s, size_t n, int cjk, struct pb_buf *out);

/* The simplified form of a Han character (the character itself when it has none or is
 * not Han), from the Unihan-derived lexicon han.tsv. */
unsigned pb_han_simplified(unsigned cp);

/* ---- language guess ---- */

/* Counts gathered over a text, piece by piece. Zero-initialise before use. */
struct pb_lang_count {
    double score[24];
    int ready;            /* the stop-word table is known to be built (once per count, not per word) */
};

/* Add the letters of s[0..n) to the counts (its first 2 KB: a sample is enough). */
void pb_lang_count_add(struct pb_lang_count *c, const char *s, size_t n);
/* The same for one token t of text (from pb_segment): a text's counts are the sum over its
 * tokens, so the tokenizer's walk also serves the language guess. */
void pb_lang_count_token(struct pb_lang_count *c, const char *text, const struct pb_token *t);
/* The same for a PB_TOKEN_ASCII token of n letters, given pb_word_key8 of its normalised
 * text (read only when n < 8): a caller feeding more than one count makes the key once. */
void pb_lang_count_ascii(struct pb_lang_count *c, uint64_t key, size_t n);
/* The languages (ISO 639-1) holding at least `share` (0..1) of the evidence, strongest
 * first, comma-separated, in out[size] ("en", "zh,en", "" when nothing is known). */
void pb_lang_count_result(const struct pb_lang_count *c, double share, char *out, size_t size);

#endif
