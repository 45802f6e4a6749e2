/* Text handling behind ICU: reading files in any encoding as UTF-8 lines, and the
 * normalised form of names used for look-ups. ICU is used in src/text/ only. */
#ifndef PB_TEXT_H
#define PB_TEXT_H
#include <stddef.h>
#include "probity/error.h"

/* A line reader that yields valid UTF-8. With encoding NULL the file must be UTF-8
 * (a BOM is skipped; UTF-16 with a BOM is converted); invalid bytes are an error with
 * their line and column. With an encoding (ICU converter name: "latin1", "cp1252",
 * "gb18030", ...) every byte is converted. A trailing 0x1A (DOS end of file) is ignored. */
struct pb_input;

int pb_input_open(struct pb_input **out, const char *path, const char *encoding, struct probity_error *err);
/* Next line without its line terminator (LF, CRLF or CR-LF), NUL-terminated, borrowed
 * until the next call. Returns 1 with a line, 0 at end of file, or a negative error. */
int pb_input_line(struct pb_input *in, const char **line, size_t *len, struct probity_error *err);
/* 1-based number of the line last returned. */
long pb_input_lineno(const struct pb_input *in);
/* Bytes of the file consumed so far (for progress). */
long long pb_input_offset(const struct pb_input *in);
const char *pb_input_path(const struct pb_input *in);
void pb_input_close(struct pb_input *in);

/* Normalised look-up key for a name: NFKC, case folded, diacritics removed, punctuation
 * turned into spaces, runs of spaces collapsed, trimmed. Returns a malloc'd string or NULL
 * on failure. Scripts other than Latin are kept as they are (folded). */
char *pb_name_key(const char *name);

#endif
