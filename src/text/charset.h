/* Character sets of documents: guessing the encoding of a byte sample and converting a
 * byte stream of any encoding to valid UTF-8, chunk by chunk. ICU does the work; this
 * header keeps it out of the document extractors. */
#ifndef PB_TEXT_CHARSET_H
#define PB_TEXT_CHARSET_H
#include <stddef.h>
#include "core/core.h"

/* Guess the encoding of `data[0..n)`, the start of an input (the whole input when
 * `complete`). A byte order mark decides first (its length goes to *bom, else 0); then
 * NUL bytes mean UTF-16 when they sit at one parity, else binary; then valid UTF-8 (pure
 * ASCII included) is UTF-8; else ICU's detector, with `markup` ignoring <tags>, and each
 * candidate is tried until one decodes the sample. Writes an ICU converter name to out.
 * Returns 0, or PROBITY_EFORMAT when the sample looks binary. */
int pb_charset_guess(const void *data, size_t n, int complete, int markup, char out[32], size_t *bom);

/* The converter name to use for an encoding label found in a document or given by a user
 * ("utf8" -> "UTF-8", "gb2312"/"gbk" -> "GB18030", "iso-8859-1"/"ascii" -> "windows-1252",
 * as browsers do). Writes it to out and returns out, or NULL when ICU does not know it. */
const char *pb_charset_canon(const char *label, char out[32]);

/* A streaming converter to UTF-8. Bytes that are not valid in the encoding become U+FFFD,
 * so the output is always valid UTF-8; a multibyte sequence cut at the end of a chunk is
 * kept for the next one. */
struct pb_conv;

/* Open a converter for an ICU encoding name. Returns 0, PROBITY_EINVAL for an unknown
 * encoding (err says which) or PROBITY_ENOMEM. */
int pb_conv_open(struct pb_conv **out, const char *encoding, struct probity_error *err);
/* Convert in[0..n) and append the UTF-8 to out; `flush` on the last chunk (an unfinished
 * sequence then becomes U+FFFD). Returns 0 or PROBITY_ENOMEM. */
int pb_conv_run(struct pb_conv *c, const void *in, size_t n, int flush, struct pb_buf *out);
/* Bytes replaced by U+FFFD so far. */
size_t pb_conv_errors(const struct pb_conv *c);
/* The encoding's canonical name (borrowed). */
const char *pb_conv_name(const struct pb_conv *c);
void pb_conv_close(struct pb_conv *c);

/* Append s[0..n) to out with every invalid UTF-8 sequence replaced by U+FFFD. Returns the
 * number of replacements, or a negative PROBITY_ENOMEM. */
long pb_utf8_repair(const char *s, size_t n, struct pb_buf *out);

/* Length of the longest prefix of s[0..n) that does not end inside a UTF-8 sequence. */
size_t pb_utf8_cut(const char *s, size_t n);

#endif
