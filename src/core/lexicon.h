/* Lexicons compiled into the binary from the files of data/lexicons (see cmake/embed.cmake).
 * A lexicon is UTF-8 text, tab-separated, '#' starts a comment line. */
#ifndef PB_LEXICON_H
#define PB_LEXICON_H
#include <stddef.h>

struct pb_lexicon_blob {
    const char *name;          /* file name, e.g. "legal_forms.tsv" */
    const char *start, *end;   /* bytes; *end is a NUL */
};
extern const struct pb_lexicon_blob pb__lexicons[];

/* The bytes of lexicon `name` and their length, or NULL if there is no such lexicon.
 * The text is NUL-terminated and static. */
const char *pb_lexicon(const char *name, size_t *len);

#endif
