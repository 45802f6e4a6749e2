/* Text stored compressed: a BLOB holding the text's length in bytes (4 bytes, little endian)
 * followed by a zstd frame (or, in stores written before, a raw deflate stream; both are
 * read). Chunk text is packed so in blocks of many chunks
 * (src/store/docs.c; stores written before packed chunks one by one); the SQL function
 * pb_text(x) gives a chunk's text back whatever its form, and every read goes through it. */
#ifndef PB_STORE_TEXTZ_H
#define PB_STORE_TEXTZ_H
#include <stddef.h>
#include "core/core.h"

struct pb_textz;   /* a compressor and a decompressor; one thread at a time */

int pb__textz_new(struct pb_textz **out);
void pb__textz_free(struct pb_textz *z);

/* Compress s[0..n) into out (reset first). Returns 1 when the packed form is stored
 * (smaller by a useful margin), 0 when the text should be stored as it is, or
 * PROBITY_ENOMEM. */
int pb__textz_pack(struct pb_textz *z, const char *s, size_t n, struct pb_buf *out);
/* The same in the older deflate form, which is still read (tests of older stores). */
int pb__textz_pack_deflate(struct pb_textz *z, const char *s, size_t n, struct pb_buf *out);

/* Unpack a packed blob into out (reset first, NUL-terminated). Returns 0, or
 * PROBITY_EFORMAT for a damaged blob, or PROBITY_ENOMEM. */
int pb__textz_unpack(struct pb_textz *z, const void *blob, size_t n, struct pb_buf *out);

/* A packed text unpacked only as far as it is read: reading a passage near the start of a
 * block costs a fraction of unpacking all of it, and the rest is unpacked when asked for.
 * One thread at a time. */
struct pb_textz_part;

/* Start reading a packed blob (copied). Returns 0, PROBITY_EFORMAT or PROBITY_ENOMEM. */
int pb__textz_part_open(struct pb_textz_part **out, const void *blob, size_t n);
/* text[off..off+n) of the whole text, unpacking what is missing, into *s (borrowed until the
 * next call). Returns 0, PROBITY_EFORMAT (beyond the end, or a damaged blob) or
 * PROBITY_ENOMEM. */
int pb__textz_part_get(struct pb_textz_part *p, size_t off, size_t n, const char **s);
void pb__textz_part_free(struct pb_textz_part *p);

#endif
