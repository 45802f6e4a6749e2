/* Compressed chunk text. New blocks are zstd frames: at its fastest levels zstd packs prose
 * as tightly as deflate's fastest level and several times faster, and ingestion spent a tenth
 * of its time deflating. Blocks written before are raw deflate streams, read through GIO's
 * zlib converters (GIO is linked for GMime and poppler anyway). Which one a blob holds is told
 * by its first bytes after the length: a zstd frame's magic number, which no raw deflate
 * stream can begin with (it would be a stored block whose length and its complement
 * disagree). Blocks of prose (64 KiB of chunks) shrink to about a third; text that does not
 * shrink is stored as it is. */
#include <stdlib.h>
#include <string.h>
#include <gio/gio.h>
#include <zstd.h>
#include <zstd_errors.h>
#include "store/textz.h"

/* zstd's level 1: negative levels are faster still but give up a fifth of the saving on
 * prose, and the store must stay well under one and a half times the raw text. */
#define ZLEVEL 1
/* deflate's fastest level, for the older form */
#define DLEVEL 1
/* Keep the packed form only if it saves at least this share of the bytes. */
#define MIN_SAVING 0.1

struct pb_textz {
    ZSTD_CCtx *zc;
    ZSTD_DCtx *zd;
    GConverter *c, *d;    /* deflate: made when first needed */
};

static size_t prefix_len(const unsigned char *b)
{
    return (size_t)b[0] | (size_t)b[1] << 8 | (size_t)b[2] << 16 | (size_t)b[3] << 24;
}

/* Is blob[4..n) a zstd frame? */
static int is_zstd(const unsigned char *b, size_t n)
{
    return n >= 8 && b[4] == 0x28 && b[5] == 0xB5 && b[6] == 0x2F && b[7] == 0xFD;
}

int pb__textz_new(struct pb_textz **out)
{
    struct pb_textz *z = calloc(1, sizeof(*z));
    *out = NULL;
    if (!z)
        return PROBITY_ENOMEM;
    z->zc = ZSTD_createCCtx();
    z->zd = ZSTD_createDCtx();
    if (!z->zc || !z->zd || ZSTD_isError(ZSTD_CCtx_setParameter(z->zc, ZSTD_c_compressionLevel, ZLEVEL))) {
        pb__textz_free(z);
        return PROBITY_ENOMEM;
    }
    *out = z;
    return 0;
}

void pb__textz_free(struct pb_textz *z)
{
    if (!z)
        return;
    ZSTD_freeCCtx(z->zc);
    ZSTD_freeDCtx(z->zd);
    if (z->c)
        g_object_unref(z->c);
    if (z->d)
        g_object_unref(z->d);
    free(z);
}

/* out (4 bytes of length already in it, out->len counting what follows) is the packed form
 * of n bytes: keep it only if it saves enough. */
static int keep_packed(struct pb_buf *out, size_t n)
{
    out->len += 4;
    out->s[out->len] = 0;
    if ((double)out->len > (double)n * (1.0 - MIN_SAVING)) {
        pb_buf_reset(out);
        return 0;
    }
    return 1;
}

static int put_prefix(struct pb_buf *out, size_t n, size_t cap)
{
    pb_buf_reset(out);
    if (pb_buf_grow(out, cap + 5))
        return PROBITY_ENOMEM;
    out->s[0] = (char)(n & 0xFF);
    out->s[1] = (char)((n >> 8) & 0xFF);
    out->s[2] = (char)((n >> 16) & 0xFF);
    out->s[3] = (char)((n >> 24) & 0xFF);
    return 0;
}

int pb__textz_pack(struct pb_textz *z, const char *s, size_t n, struct pb_buf *out)
{
    size_t cap, r;
    pb_buf_reset(out);
    if (n < 64 || n > 0x7FFFFFFF)
        return 0;
    /* a frame no larger than what would be kept is enough: beyond it the text is stored plain */
    cap = n - n / 10 + 64;
    if (put_prefix(out, n, cap))
        return PROBITY_ENOMEM;
    r = ZSTD_compress2(z->zc, out->s + 4, cap, s, n);
    if (ZSTD_isError(r)) {
        /* no room (the text does not compress) or no memory: stored plain either way */
        pb_buf_reset(out);
        return ZSTD_getErrorCode(r) == ZSTD_error_memory_allocation ? PROBITY_ENOMEM : 0;
    }
    out->len = r;
    return keep_packed(out, n);
}

int pb__textz_pack_deflate(struct pb_textz *z, const char *s, size_t n, struct pb_buf *out)
{
    size_t cap = n + n / 8 + 64, done = 0;
    pb_buf_reset(out);
    if (n < 64 || n > 0x7FFFFFFF)
        return 0;
    if (!z->c && !(z->c = G_CONVERTER(g_zlib_compressor_new(G_ZLIB_COMPRESSOR_FORMAT_RAW, DLEVEL))))
        return PROBITY_ENOMEM;
    if (put_prefix(out, n, cap))
        return PROBITY_ENOMEM;
    g_converter_reset(z->c);
    for (;;) {
        gsize rd = 0, wr = 0;
        GError *e = NULL;
        GConverterResult r = g_converter_convert(z->c, s + done, n - done, out->s + 4 + out->len, cap - out->len,
                                                 G_CONVERTER_INPUT_AT_END, &rd, &wr, &e);
        done += rd;
        out->len += wr;
        if (r == G_CONVERTER_FINISHED)
            break;
        if (r == G_CONVERTER_ERROR || out->len >= cap) {
            if (e)
                g_error_free(e);
            pb_buf_reset(out);
            return 0;
        }
    }
    return keep_packed(out, n);
}

/* Inflate b[*done..n) into text[*have..want) with d; returns 0 when it could go on, 1 when
 * the stream ended or failed. */
static int inflate_some(GConverter *d, const unsigned char *b, size_t n, size_t *done, char *text, size_t *have,
                        size_t want)
{
    while (*have < want) {
        gsize rd = 0, wr = 0;
        GError *e = NULL;
        GConverterResult r = g_converter_convert(d, b + *done, n - *done, text + *have, want - *have,
                                                 G_CONVERTER_INPUT_AT_END, &rd, &wr, &e);
        *done += rd;
        *have += wr;
        if (r == G_CONVERTER_ERROR) {
            if (e)
                g_error_free(e);
            return 1;
        }
        if (r == G_CONVERTER_FINISHED || (rd == 0 && wr == 0))
            return 1;
    }
    return 0;
}

int pb__textz_unpack(struct pb_textz *z, const void *blob, size_t n, struct pb_buf *out)
{
    const unsigned char *b = blob;
    size_t len, done = 4;
    pb_buf_reset(out);
    if (n < 4)
        return PROBITY_EFORMAT;
    len = prefix_len(b);
    if (pb_buf_grow(out, len + 1))
        return PROBITY_ENOMEM;
    if (is_zstd(b, n)) {
        size_t r = ZSTD_decompressDCtx(z->zd, out->s, len, b + 4, n - 4);
        out->len = ZSTD_isError(r) ? 0 : r;
        if (ZSTD_isError(r) && ZSTD_getErrorCode(r) == ZSTD_error_memory_allocation)
            return PROBITY_ENOMEM;
    } else {
        if (!z->d && !(z->d = G_CONVERTER(g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_RAW))))
            return PROBITY_ENOMEM;
        g_converter_reset(z->d);
        inflate_some(z->d, b, n, &done, out->s, &out->len, len);
    }
    out->s[out->len] = 0;
    return out->len == len ? 0 : PROBITY_EFORMAT;
}

struct pb_textz_part {
    ZSTD_DCtx *zd;                /* a zstd block */
    GConverter *d;                /* or a deflated one */
    unsigned char *blob;
    size_t n, done;               /* packed bytes, and how many of them were read */
    size_t len;                   /* length of the whole text */
    struct pb_buf text;           /* the first text.len bytes of it */
    int ended;                    /* the stream ended or failed: nothing more comes */
};

int pb__textz_part_open(struct pb_textz_part **out, const void *blob, size_t n)
{
    const unsigned char *b = blob;
    struct pb_textz_part *p;
    int zstd = is_zstd(b, n);
    *out = NULL;
    if (n < 4 || (b[3] & 0x80))
        return PROBITY_EFORMAT;
    if (!(p = calloc(1, sizeof(*p))) || !(p->blob = malloc(n)) ||
        (zstd ? !(p->zd = ZSTD_createDCtx())
              : !(p->d = G_CONVERTER(g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_RAW))))) {
        pb__textz_part_free(p);
        return PROBITY_ENOMEM;
    }
    memcpy(p->blob, blob, n);
    p->n = n;
    p->done = 4;
    p->len = prefix_len(b);
    if (pb_buf_grow(&p->text, p->len + 1)) {
        pb__textz_part_free(p);
        return PROBITY_ENOMEM;
    }
    p->text.s[0] = 0;
    *out = p;
    return 0;
}

int pb__textz_part_get(struct pb_textz_part *p, size_t off, size_t n, const char **s)
{
    size_t end = off + n;
    *s = NULL;
    if (off > p->len || n > p->len - off)
        return PROBITY_EFORMAT;
    /* when unpacking at all, a little more than asked: what is read next is usually right
     * after (the next chunk of the document) */
    if (end > p->text.len && end < p->text.len + 8192)
        end = p->text.len + 8192 < p->len ? p->text.len + 8192 : p->len;
    if (p->zd) {
        while (!p->ended && p->text.len < end) {
            ZSTD_inBuffer in = {p->blob + p->done, p->n - p->done, 0};
            ZSTD_outBuffer o = {p->text.s, end, p->text.len};
            size_t had = p->text.len, r = ZSTD_decompressStream(p->zd, &o, &in);
            p->done += in.pos;
            p->text.len = o.pos;
            if (ZSTD_isError(r)) {
                if (ZSTD_getErrorCode(r) == ZSTD_error_memory_allocation)
                    return PROBITY_ENOMEM;
                p->ended = 1;
            } else if (r == 0 || (in.pos == 0 && o.pos == had)) {
                p->ended = 1;   /* the frame ended, or no progress: the blob is short */
            }
        }
    } else if (!p->ended) {
        p->ended = inflate_some(p->d, p->blob, p->n, &p->done, p->text.s, &p->text.len, end);
    }
    p->text.s[p->text.len] = 0;
    if (p->text.len < off + n)
        return PROBITY_EFORMAT;
    *s = p->text.s + off;
    return 0;
}

void pb__textz_part_free(struct pb_textz_part *p)
{
    if (!p)
        return;
    ZSTD_freeDCtx(p->zd);
    if (p->d)
        g_object_unref(p->d);
    free(p->blob);
    pb_buf_release(&p->text);
    free(p);
}
