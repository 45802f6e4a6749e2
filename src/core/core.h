/* Internal helpers shared by the library modules: growable strings, a string map,
 * UTF-8 checks, dates, hashing and error filling. Nothing here is public API. */
#ifndef PB_CORE_H
#define PB_CORE_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "probity/error.h"
#include "probity/entity.h"

#define PB_UNUSED(x) ((void)(x))

/* ---- errors ---- */
/* Fill `err` (may be NULL) and return `code`. file may be NULL; line/col 0 = unknown. */
int pb__err(struct probity_error *err, int code, const char *file, long line, long col,
            const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* ---- growable string (git's strbuf) ---- */
struct pb_buf {
    char *s;       /* always NUL-terminated once anything was added */
    size_t len, cap;
};
#define PB_BUF_INIT {NULL, 0, 0}
int pb_buf_grow(struct pb_buf *b, size_t extra);
int pb_buf_add(struct pb_buf *b, const char *s, size_t n);
int pb_buf_adds(struct pb_buf *b, const char *s);
int pb_buf_addc(struct pb_buf *b, char c);
int pb_buf_addf(struct pb_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pb_buf_reset(struct pb_buf *b);   /* len = 0, keeps memory */
void pb_buf_release(struct pb_buf *b); /* frees memory */
/* Borrowed C string ("" when empty). */
static inline const char *pb_buf_str(const struct pb_buf *b) { return b->s ? b->s : ""; }

/* ---- string map: NUL-terminated keys (copied) to void * values (not owned) ---- */
struct pb_map_slot;
struct pb_map {
    struct pb_map_slot *slots;
    size_t cap, len;
};
#define PB_MAP_INIT {NULL, 0, 0}
/* Insert or replace. Returns 0 or PROBITY_ENOMEM. */
int pb_map_put(struct pb_map *m, const char *key, void *value);
/* Value or NULL. */
void *pb_map_get(const struct pb_map *m, const char *key);
/* Pointer to the value slot, NULL if absent (lets callers update in place). */
void **pb_map_ref(const struct pb_map *m, const char *key);
/* Call fn for each entry (unordered). */
void pb_map_each(const struct pb_map *m, void (*fn)(void *ctx, const char *key, void *value), void *ctx);
/* Free the keys and the table; values are freed with free_value when it is not NULL. */
void pb_map_release(struct pb_map *m, void (*free_value)(void *));

/* ---- strings ---- */
char *pb_strdup(const char *s);
char *pb_strndup(const char *s, size_t n);
/* Non-zero if s[0..n) is valid UTF-8 (no overlongs, no surrogates); else the offset of the
 * first bad byte goes to *bad when not NULL. */
int pb_utf8_valid(const char *s, size_t n, size_t *bad);
/* Trim ASCII white space in place; returns s. */
char *pb_trim(char *s);
/* ASCII case-insensitive equality / prefix. */
int pb_streq_ci(const char *a, const char *b);
int pb_startswith_ci(const char *s, const char *prefix);
/* Parse a base-10 integer strictly (whole string). Returns 0 or PROBITY_EINVAL. */
int pb_parse_long(const char *s, long *out);

/* ---- dates ---- */
/* Normalise a date written in a list ("12/17/2014", "17 Dec 2014", "Oct 1966", "1966",
 * "17.3.2014", "2014-12-17T10:00:00Z", "circa 1966") to ISO 8601 prefix form
 * ("2014-12-17", "1966-10", "1966") in out[11]. Returns 0, or PROBITY_EINVAL if the text
 * is not a date this parser understands (out is then ""). */
int pb_date_iso(const char *in, char out[11]);

/* Non-zero for the FtM properties that hold an entity's names (name, alias, weakAlias,
 * previousName): those the name-key index covers. */
int pb_is_name_prop(const char *prop);

/* ---- small encodings ---- */
/* Write v as a LEB128 varint (7 bits a byte, low first) at p (room for 10 bytes); returns
 * the bytes written. */
size_t pb_uvarint_put(unsigned char *p, uint64_t v);
/* Read a varint from p[*at..n), advancing *at. Returns 0, or -1 when truncated or too long. */
int pb_uvarint_get(const unsigned char *p, size_t n, size_t *at, uint64_t *v);
/* A word of up to 8 bytes as one number, the same on any byte order (for small hash tables
 * of short words). Inline: it is computed once per word read. */
/* The length of the run of ASCII bytes at s[0..n), read 8 bytes at a time and then at most
 * 7 more one by one (text is mostly ASCII: validators skip it this way). */
static inline size_t pb_ascii_prefix(const char *s, size_t n)
{
    size_t i = 0;
    uint64_t v;
    for (; i + 8 <= n; i += 8) {
        __builtin_memcpy(&v, s + i, 8);
        if (v & 0x8080808080808080ull)
            break;
    }
    while (i < n && (unsigned char)s[i] < 0x80)
        i++;
    return i;
}
static inline uint32_t pb__le32(const char *w)
{
    const unsigned char *u = (const unsigned char *)w;
    return (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 | (uint32_t)u[3] << 24;
}
static inline uint64_t pb_word_key8(const char *w, size_t n)
{
    /* byte i of the key is w[i]: two overlapping 4-byte reads cover 4 to 8 bytes, three
     * single ones 1 to 3 (their overlaps put the same byte in the same place) */
    if (n > 8)
        n = 8;
    if (n >= 4)
        return (uint64_t)pb__le32(w) | (uint64_t)pb__le32(w + n - 4) << (8 * (n - 4));
    if (!n)
        return 0;
    return (uint64_t)(unsigned char)w[0] | (uint64_t)(unsigned char)w[n / 2] << (8 * (n / 2)) |
           (uint64_t)(unsigned char)w[n - 1] << (8 * (n - 1));
}

/* A small table of short words (8 bytes or less) to sets of bits, such as the languages
 * whose stop-word lists hold a word: open addressing, one probe per look-up on average.
 * Zero-initialised, filled once (at most half full), then only read. */
#define PB_WORDSET_SLOTS 256
struct pb_wordset {
    uint64_t key[PB_WORDSET_SLOTS];   /* pb_word_key8; 0: empty */
    uint32_t bits[PB_WORDSET_SLOTS];
    size_t max_len;                    /* the longest word added: a longer one needs no look-up */
};
static inline size_t pb__wordset_slot(uint64_t key)
{
    return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 56) % PB_WORDSET_SLOTS;
}
/* Add `bits` to the set of the non-empty word w[0..n). */
void pb_wordset_add(struct pb_wordset *s, const char *w, size_t n, uint32_t bits);
/* The bits of word w[0..n) (n <= 8), 0 when absent. */
static inline uint32_t pb_wordset_get_key(const struct pb_wordset *s, uint64_t key)
{
    for (size_t i = pb__wordset_slot(key); s->key[i]; i = (i + 1) % PB_WORDSET_SLOTS)
        if (s->key[i] == key)
            return s->bits[i];
    return 0;
}
static inline uint32_t pb_wordset_get(const struct pb_wordset *s, const char *w, size_t n)
{
    return pb_wordset_get_key(s, pb_word_key8(w, n));
}

/* ---- hashing ---- */
/* A sha256 digest (32 bytes) as 64 lower-case hex digits and a NUL. */
void pb_sha256_hex(const unsigned char md[32], char hex[65]);
/* sha256 of a whole file as 64 hex digits; the file size goes to *size. */
int pb_sha256_file(const char *path, char hex[65], int64_t *size, struct probity_error *err);
/* 64-bit FNV-1a, for ids and hash tables. */
uint64_t pb_hash64(const void *data, size_t n);

/* ---- time ---- */
/* Current UTC time as "YYYY-MM-DDTHH:MM:SSZ". */
void pb_now_iso(char out[32]);

#endif
