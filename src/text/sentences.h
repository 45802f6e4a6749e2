/* Sentence boundaries of a UTF-8 text, from ICU's sentence break rules (which know both
 * the full stop of English and 。！？ of Chinese, and break at paragraph separators). ICU
 * stays behind this header. Thread-safe: each call opens its own break iterator. */
#ifndef PB_TEXT_SENTENCES_H
#define PB_TEXT_SENTENCES_H
#include <stddef.h>

/* Called for each sentence with its byte range [start, end) in the text, trailing white
 * space excluded; a non-zero return stops the walk and is returned. */
typedef int (*pb_sentence_fn)(void *ctx, size_t start, size_t end);

/* Walk the sentences of text[0..len). Sentences that are only white space are skipped.
 * Returns 0, the callback's value, or PROBITY_ENOMEM / PROBITY_EENCODING when ICU fails. */
int pb_sentences(const char *text, size_t len, pb_sentence_fn fn, void *ctx);

#endif
