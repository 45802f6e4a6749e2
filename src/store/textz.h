/* Chunk text stored deflated. A chunk's text column holds either the text itself (TEXT)
 * or, when that is smaller, a BLOB: the text's length in bytes (4 bytes, little endian)
 * followed by its raw deflate stream. The SQL function pb_text(x) gives the text back
 * in both cases; every read of chunk text goes through it. */
#ifndef PB_STORE_TEXTZ_H
#define PB_STORE_TEXTZ_H
#include <stddef.h>
#include "core/core.h"

struct pb_textz;   /* a compressor and a decompressor; one thread at a time */

int pb__textz_new(struct pb_textz **out);
void pb__textz_free(struct pb_textz *z);

/* Deflate s[0..n) into out (reset first). Returns 1 when the packed form is stored
 * (smaller by a useful margin), 0 when the text should be stored as it is, or
 * PROBITY_ENOMEM. */
int pb__textz_pack(struct pb_textz *z, const char *s, size_t n, struct pb_buf *out);

/* Inflate a packed blob into out (reset first, NUL-terminated). Returns 0, or
 * PROBITY_EFORMAT for a damaged blob, or PROBITY_ENOMEM. */
int pb__textz_unpack(struct pb_textz *z, const void *blob, size_t n, struct pb_buf *out);

#endif
