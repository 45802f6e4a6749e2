/* A streaming CSV / TSV reader on top of pb_input: RFC 4180 quoting, quoted fields that
 * span lines, "" escapes, CRLF or LF. Memory is bounded by the longest record. */
#ifndef PB_CSV_H
#define PB_CSV_H
#include <stddef.h>
#include "probity/error.h"

struct pb_csv;

/* Open `path` with delimiter `delim` (',' or '\t'); encoding as for pb_input_open. */
int pb_csv_open(struct pb_csv **out, const char *path, char delim, const char *encoding,
                struct probity_error *err);
/* Next record. Fields are NUL-terminated UTF-8, borrowed until the next call.
 * Returns 1 with a record, 0 at end of file, or a negative error (with line and column
 * in err; an unterminated quote reports the line where the field began). Blank lines
 * are skipped. */
int pb_csv_next(struct pb_csv *c, char ***fields, size_t *nfields, struct probity_error *err);
/* Line on which the last record began (1-based). */
long pb_csv_lineno(const struct pb_csv *c);
long long pb_csv_offset(const struct pb_csv *c);
void pb_csv_close(struct pb_csv *c);

#endif
