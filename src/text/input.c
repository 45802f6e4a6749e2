/* Reading a text file of any encoding as a stream of valid UTF-8 lines. Conversion goes
 * through ICU converters chunk by chunk, so memory is bounded by the longest line. Bytes
 * that are not valid in the file's encoding stop the read with their line and column:
 * broken text never reaches the store. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucnv.h>
#include "core/core.h"
#include "text/text.h"

#define CHUNK 65536

struct pb_input {
    FILE *fp;
    char *path;
    UConverter *src, *utf8;   /* NULL when the file is UTF-8 already */
    UChar pivot[1024], *pivot_src, *pivot_tgt;
    char raw[CHUNK];
    struct pb_buf data;       /* decoded UTF-8 not yet returned */
    size_t pos;               /* start of the next line in data */
    long lineno;
    long long offset;         /* raw bytes read */
    int eof, first;
};

static int open_converters(struct pb_input *in, const char *enc, struct probity_error *err)
{
    UErrorCode st = U_ZERO_ERROR;
    in->src = ucnv_open(enc, &st);
    if (U_FAILURE(st))
        return pb__err(err, PROBITY_EINVAL, in->path, 0, 0, "unknown encoding '%s'", enc);
    ucnv_setToUCallBack(in->src, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &st);
    in->utf8 = ucnv_open("UTF-8", &st);
    if (U_FAILURE(st))
        return pb__err(err, PROBITY_ENOMEM, in->path, 0, 0, "cannot open UTF-8 converter");
    in->pivot_src = in->pivot_tgt = in->pivot;
    return 0;
}

int pb_input_open(struct pb_input **out, const char *path, const char *encoding, struct probity_error *err)
{
    struct pb_input *in = calloc(1, sizeof(*in));
    int rc = 0;
    *out = NULL;
    if (!in || !(in->path = pb_strdup(path))) {
        free(in);
        return pb__err(err, PROBITY_ENOMEM, path, 0, 0, "out of memory");
    }
    in->fp = fopen(path, "rb");
    if (!in->fp) {
        rc = pb__err(err, PROBITY_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
        goto fail;
    }
    in->first = 1;
    if (encoding && *encoding && !pb_streq_ci(encoding, "utf-8") && !pb_streq_ci(encoding, "utf8"))
        if ((rc = open_converters(in, encoding, err)))
            goto fail;
    *out = in;
    return 0;
fail:
    pb_input_close(in);
    return rc;
}

/* Read one raw chunk and append its UTF-8 form to in->data. */
static int fill(struct pb_input *in, struct probity_error *err)
{
    size_t n = fread(in->raw, 1, CHUNK, in->fp);
    const char *p = in->raw;
    if (ferror(in->fp))
        return pb__err(err, PROBITY_EIO, in->path, in->lineno + 1, 0, "read error: %s", strerror(errno));
    if (n == 0)
        in->eof = 1;
    if (in->first && n >= 2) {
        in->first = 0;
        if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
            p += 3, n -= 3;
        } else if (!in->src && (memcmp(p, "\xFF\xFE", 2) == 0 || memcmp(p, "\xFE\xFF", 2) == 0)) {
            int rc = open_converters(in, p[0] == '\xFF' ? "UTF-16LE" : "UTF-16BE", err);
            if (rc)
                return rc;
            p += 2, n -= 2;
        }
    }
    in->offset += (long long)n;
    if (!in->src)
        return pb_buf_add(&in->data, p, n);
    {
        const char *s = p, *end = p + n;
        for (;;) {
            UErrorCode st = U_ZERO_ERROR;
            char tmp[CHUNK], *t = tmp;
            ucnv_convertEx(in->utf8, in->src, &t, tmp + sizeof(tmp), &s, end, in->pivot, &in->pivot_src,
                           &in->pivot_tgt, in->pivot + 1024, 0, in->eof, &st);
            if (pb_buf_add(&in->data, tmp, (size_t)(t - tmp)))
                return PROBITY_ENOMEM;
            if (st == U_BUFFER_OVERFLOW_ERROR)
                continue;
            if (U_FAILURE(st)) {
                /* count the lines decoded so far to give a position */
                long line = in->lineno + 1;
                for (size_t i = in->pos; i < in->data.len; i++)
                    if (in->data.s[i] == '\n')
                        line++;
                return pb__err(err, PROBITY_EENCODING, in->path, line, 0, "bytes not valid in %s",
                               ucnv_getName(in->src, &st));
            }
            break;
        }
    }
    return 0;
}

int pb_input_line(struct pb_input *in, const char **line, size_t *len, struct probity_error *err)
{
    char *nl;
    size_t n, bad;
    for (;;) {
        nl = in->data.len > in->pos ? memchr(in->data.s + in->pos, '\n', in->data.len - in->pos) : NULL;
        if (nl || in->eof)
            break;
        if (in->pos > 0) { /* compact before growing */
            memmove(in->data.s, in->data.s + in->pos, in->data.len - in->pos);
            in->data.len -= in->pos;
            in->pos = 0;
        }
        int rc = fill(in, err);
        if (rc)
            return rc;
    }
    if (!nl && in->pos >= in->data.len)
        return 0;
    char *s = in->data.s + in->pos;
    n = nl ? (size_t)(nl - s) : in->data.len - in->pos;
    in->pos += n + (nl ? 1 : 0);
    in->lineno++;
    if (n && s[n - 1] == '\r')
        n--;
    /* DOS end-of-file marker, alone or at the end of the last line */
    if (!nl && n && s[n - 1] == 0x1A) {
        n--;
        if (n == 0 && in->pos >= in->data.len)
            return 0;
    }
    s[n] = 0;
    if (memchr(s, 0, n))
        return pb__err(err, PROBITY_EENCODING, in->path, in->lineno, (long)(strlen(s) + 1),
                       "NUL byte: this looks like a binary file");
    if (!pb_utf8_valid(s, n, &bad))
        return pb__err(err, PROBITY_EENCODING, in->path, in->lineno, (long)bad + 1,
                       "invalid UTF-8 (byte 0x%02X); give the file's encoding with --encoding",
                       (unsigned char)s[bad]);
    *line = s;
    *len = n;
    return 1;
}

long pb_input_lineno(const struct pb_input *in) { return in->lineno; }
long long pb_input_offset(const struct pb_input *in) { return in->offset; }
const char *pb_input_path(const struct pb_input *in) { return in->path; }

void pb_input_close(struct pb_input *in)
{
    if (!in)
        return;
    if (in->fp)
        fclose(in->fp);
    if (in->src)
        ucnv_close(in->src);
    if (in->utf8)
        ucnv_close(in->utf8);
    pb_buf_release(&in->data);
    free(in->path);
    free(in);
}
