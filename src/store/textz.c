/* Deflate for chunk text, through GIO's zlib converters (zlib itself is not among the
 * libraries the build links; GIO is, for GMime and poppler). Raw deflate without a header:
 * the length prefix says how much text comes back, so the output buffer is exact. Blocks of
 * prose (64 KiB of chunks) shrink to about a third; text that does not shrink is stored as
 * it is. */
#include <stdlib.h>
#include <string.h>
#include <gio/gio.h>
#include "store/textz.h"

/* The fastest level: on blocks it already finds most of what higher levels would. */
#define LEVEL 1
/* Keep the packed form only if it saves at least this share of the bytes. */
#define MIN_SAVING 0.1

struct pb_textz {
    GConverter *c, *d;
};

int pb__textz_new(struct pb_textz **out)
{
    struct pb_textz *z = calloc(1, sizeof(*z));
    *out = NULL;
    if (!z)
        return PROBITY_ENOMEM;
    z->c = G_CONVERTER(g_zlib_compressor_new(G_ZLIB_COMPRESSOR_FORMAT_RAW, LEVEL));
    z->d = G_CONVERTER(g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_RAW));
    if (!z->c || !z->d) {
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
    if (z->c)
        g_object_unref(z->c);
    if (z->d)
        g_object_unref(z->d);
    free(z);
}

int pb__textz_pack(struct pb_textz *z, const char *s, size_t n, struct pb_buf *out)
{
    size_t cap = n + n / 8 + 64, done = 0;
    pb_buf_reset(out);
    if (n < 64 || n > 0x7FFFFFFF)
        return 0;
    if (pb_buf_grow(out, cap + 4))
        return PROBITY_ENOMEM;
    out->s[0] = (char)(n & 0xFF);
    out->s[1] = (char)((n >> 8) & 0xFF);
    out->s[2] = (char)((n >> 16) & 0xFF);
    out->s[3] = (char)((n >> 24) & 0xFF);
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
            /* no room: the text does not compress; store it plain */
            if (e)
                g_error_free(e);
            pb_buf_reset(out);
            return 0;
        }
    }
    out->len += 4;
    out->s[out->len] = 0;
    if ((double)out->len > (double)n * (1.0 - MIN_SAVING)) {
        pb_buf_reset(out);
        return 0;
    }
    return 1;
}

int pb__textz_unpack(struct pb_textz *z, const void *blob, size_t n, struct pb_buf *out)
{
    const unsigned char *b = blob;
    size_t len, done = 4;
    pb_buf_reset(out);
    if (n < 4)
        return PROBITY_EFORMAT;
    len = (size_t)b[0] | (size_t)b[1] << 8 | (size_t)b[2] << 16 | (size_t)b[3] << 24;
    if (pb_buf_grow(out, len + 1))
        return PROBITY_ENOMEM;
    g_converter_reset(z->d);
    while (out->len < len) {
        gsize rd = 0, wr = 0;
        GError *e = NULL;
        GConverterResult r = g_converter_convert(z->d, b + done, n - done, out->s + out->len, len - out->len,
                                                 G_CONVERTER_INPUT_AT_END, &rd, &wr, &e);
        done += rd;
        out->len += wr;
        if (r == G_CONVERTER_ERROR) {
            if (e)
                g_error_free(e);
            break;
        }
        if (r == G_CONVERTER_FINISHED || (rd == 0 && wr == 0))
            break;
    }
    out->s[out->len] = 0;
    return out->len == len ? 0 : PROBITY_EFORMAT;
}

struct pb_textz_part {
    GConverter *d;
    unsigned char *blob;
    size_t n, done;               /* packed bytes, and how many of them were read */
    size_t len;                   /* length of the whole text */
    struct pb_buf text;           /* the first text.len bytes of it */
};

int pb__textz_part_open(struct pb_textz_part **out, const void *blob, size_t n)
{
    const unsigned char *b = blob;
    struct pb_textz_part *p;
    *out = NULL;
    if (n < 4 || (b[3] & 0x80))
        return PROBITY_EFORMAT;
    if (!(p = calloc(1, sizeof(*p))) || !(p->blob = malloc(n)) ||
        !(p->d = G_CONVERTER(g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_RAW)))) {
        pb__textz_part_free(p);
        return PROBITY_ENOMEM;
    }
    memcpy(p->blob, blob, n);
    p->n = n;
    p->done = 4;
    p->len = (size_t)b[0] | (size_t)b[1] << 8 | (size_t)b[2] << 16 | (size_t)b[3] << 24;
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
    /* when inflating at all, a little more than asked: what is read next is usually right
     * after (the next chunk of the document) */
    if (end > p->text.len && end < p->text.len + 8192)
        end = p->text.len + 8192 < p->len ? p->text.len + 8192 : p->len;
    while (p->text.len < end) {
        gsize rd = 0, wr = 0;
        GError *e = NULL;
        GConverterResult r = g_converter_convert(p->d, p->blob + p->done, p->n - p->done, p->text.s + p->text.len,
                                                 end - p->text.len, G_CONVERTER_INPUT_AT_END, &rd, &wr, &e);
        p->done += rd;
        p->text.len += wr;
        if (r == G_CONVERTER_ERROR) {
            if (e)
                g_error_free(e);
            break;
        }
        if (r == G_CONVERTER_FINISHED || (rd == 0 && wr == 0))
            break;
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
    if (p->d)
        g_object_unref(p->d);
    free(p->blob);
    pb_buf_release(&p->text);
    free(p);
}
