/* Plain text and Markdown. The file is read in 1 MiB chunks and converted to UTF-8 from
 * its declared or detected encoding, so memory stays bounded whatever its size. Blocks are
 * paragraphs, and they are cut so that joining them with newlines gives back the text
 * exactly (line ends normalised to LF): a paragraph keeps its trailing blank line, and the
 * newline that ends it is the separator the sink puts back. A form feed starts a new page
 * (text exported from PDFs keeps its pages that way). Only a paragraph longer than a chunk
 * is cut elsewhere: at its last line end, else its last space, else a character boundary.
 * NUL bytes in a file that is not UTF-16 make it binary, which is an error, not text. */
#include <string.h>
#include "docs/extract_int.h"
#include "text/charset.h"

#define CHUNK (1u << 20)

struct tstate {
    struct pb__x *x;
    int markdown, page, titled, in_fence;
    struct pb_buf text;   /* decoded, normalised text not yet emitted */
    size_t scan;          /* text[0..scan) holds no undecided break */
    int prev_cr;          /* the last decoded byte was CR (a CRLF may span chunks) */
    long long offset;     /* decoded bytes before text[0], for messages */
};

/* Normalise CRLF and CR to LF in text[from..) in place. */
static void normalise(struct tstate *t, size_t from)
{
    char *s = t->text.s;
    size_t o = from;
    if (!t->prev_cr && from < t->text.len && !memchr(s + from, '\r', t->text.len - from))
        return;   /* most text has no CR at all */
    for (size_t i = from; i < t->text.len; i++) {
        char c = s[i];
        if (c == '\r') {
            s[o++] = '\n';
            t->prev_cr = 1;
            continue;
        }
        if (c == '\n' && t->prev_cr) {
            t->prev_cr = 0;
            continue;
        }
        t->prev_cr = 0;
        s[o++] = c;
    }
    t->text.len = o;
    if (s)
        s[o] = 0;
}

/* Markdown: the kind of a block from its first line. */
static enum pb_block_kind md_kind(const char *s, size_t n, size_t *title_at, size_t *title_len)
{
    size_t i = 0, h = 0;
    while (i < n && i < 3 && s[i] == ' ')
        i++;
    while (i + h < n && s[i + h] == '#')
        h++;
    if (h >= 1 && h <= 6 && (i + h == n || s[i + h] == ' ' || s[i + h] == '\n')) {
        size_t a = i + h, e = a;
        while (e < n && s[e] != '\n')
            e++;
        while (a < e && s[a] == ' ')
            a++;
        while (e > a && (s[e - 1] == ' ' || s[e - 1] == '#'))
            e--;
        *title_at = a, *title_len = e - a;
        return PB_BLOCK_HEADING;
    }
    if (i + 1 < n && (s[i] == '-' || s[i] == '*' || s[i] == '+') && s[i + 1] == ' ')
        return PB_BLOCK_LIST_ITEM;
    {
        size_t d = i;
        while (d < n && s[d] >= '0' && s[d] <= '9')
            d++;
        if (d > i && d - i < 10 && d + 1 < n && (s[d] == '.' || s[d] == ')') && s[d + 1] == ' ')
            return PB_BLOCK_LIST_ITEM;
    }
    return PB_BLOCK_TEXT;
}

/* Non-zero when a Markdown line at s (n bytes available) must start a block of its own. */
static int md_starts_block(const char *s, size_t n)
{
    size_t a, b;
    return md_kind(s, n, &a, &b) != PB_BLOCK_TEXT;
}

static int emit(struct tstate *t, size_t from, size_t to)
{
    const char *s = t->text.s + from;
    size_t n = to - from, i;
    enum pb_block_kind kind = PB_BLOCK_TEXT;
    int rc;
    for (i = 0; i < n; i++)
        if (!(s[i] == ' ' || s[i] == '\n' || s[i] == '\t'))
            break;
    if (i == n)
        return 0; /* blank */
    if (t->markdown) {
        size_t ta = 0, tl = 0;
        kind = md_kind(s, n, &ta, &tl);
        if (kind == PB_BLOCK_HEADING && !t->titled && tl) {
            char *title = pb_strndup(s + ta, tl);
            if (!title)
                return pb__x_fail(t->x, PROBITY_ENOMEM, "out of memory");
            t->titled = 1;
            rc = pb__x_meta(t->x, "title", title);
            free(title);
            if (rc)
                return rc;
        }
    }
    return pb__x_text_utf8(t->x, t->page, kind, s, n);   /* pb_conv_run made it UTF-8 */
}

/* Emit every block of text[0..len) whose end is decided; with `eof` all of it. Keeps the
 * rest at the start of text. */
static int split(struct tstate *t, int eof)
{
    char *s = t->text.s;
    size_t len = t->text.len, start = 0, i = t->scan;
    int rc;
    for (; i < len; i++) {
        char c = s[i];
        if (c == '\f') {
            if ((rc = emit(t, start, i)))
                return rc;
            t->page++;
            start = i + 1;
            continue;
        }
        if (c != '\n')
            continue;
        if (i + 1 >= len || (t->markdown && i + 16 >= len && !eof))
            break; /* what follows decides: wait for it */
        if (s[i + 1] == '\n' || s[i + 1] == '\f')
            continue;
        if ((i > start && s[i - 1] == '\n') ||
            (t->markdown && (md_starts_block(s + i + 1, len - i - 1) || md_starts_block(s + start, i - start)))) {
            if ((rc = emit(t, start, i)))
                return rc;
            start = i + 1;
        }
    }
    if (eof) {
        size_t e = len;
        while (e > start && s[e - 1] == '\n')
            e--;
        if ((rc = emit(t, start, e)))
            return rc;
        start = len;
    } else if (len - start > CHUNK) {
        /* a paragraph longer than a chunk: cut it where it does the least harm */
        size_t lim = start + CHUNK, cut = lim;
        while (cut > start && s[cut - 1] != '\n')
            cut--;
        if (cut == start) {
            cut = lim;
            while (cut > start && s[cut - 1] != ' ')
                cut--;
        }
        if (cut > start) {
            if ((rc = emit(t, start, cut - 1)))
                return rc;
            start = cut;
        } else {
            cut = start + pb_utf8_cut(s + start, CHUNK);
            if ((rc = emit(t, start, cut)))
                return rc;
            start = cut;
        }
        i = start;
    }
    memmove(s, s + start, len - start);
    t->text.len = len - start;
    s[t->text.len] = 0;
    t->offset += (long long)start;
    t->scan = i > start ? i - start : 0;
    return 0;
}

/* Markdown front matter ("---" lines with title:, date:, lang:, author:) at the start of
 * the text becomes metadata and is left out of the text. Returns the bytes to skip. */
static size_t front_matter(struct tstate *t, int *rc)
{
    const char *s = t->text.s;
    size_t n = t->text.len, i, end;
    const char *close;
    *rc = 0;
    if (n < 8 || strncmp(s, "---\n", 4) != 0)
        return 0;
    close = NULL;
    for (i = 4; i + 4 <= n && i < 8192; i++)
        if (s[i - 1] == '\n' && strncmp(s + i, "---", 3) == 0 && (i + 3 == n || s[i + 3] == '\n')) {
            close = s + i;
            break;
        }
    if (!close)
        return 0;
    end = (size_t)(close - s) + 3 + (close + 3 < s + n);
    for (i = 4; i < (size_t)(close - s);) {
        size_t e = i, k;
        static const struct {
            const char *field, *key;
        } keys[] = {{"title:", "title"}, {"date:", "published"}, {"lang:", "lang"}, {"language:", "lang"},
                    {"author:", "author"}};
        while (s[e] != '\n')
            e++;
        for (k = 0; k < sizeof(keys) / sizeof(keys[0]) && !*rc; k++) {
            size_t fl = strlen(keys[k].field);
            if (e - i > fl && strncmp(s + i, keys[k].field, fl) == 0) {
                char *v = pb_strndup(s + i + fl, e - i - fl), *p = v;
                char date[32];
                size_t vl;
                if (!v) {
                    *rc = pb__x_fail(t->x, PROBITY_ENOMEM, "out of memory");
                    break;
                }
                pb_trim(p);
                vl = strlen(p);
                if (vl >= 2 && (p[0] == '"' || p[0] == '\'') && p[vl - 1] == p[0]) {
                    p[vl - 1] = 0;
                    p++;
                }
                if (strcmp(keys[k].key, "published") == 0) {
                    pb__x_date(p, 1, date);
                    p = date;
                }
                if (strcmp(keys[k].key, "title") == 0)
                    t->titled = 1;
                *rc = pb__x_meta(t->x, keys[k].key, p);
                free(v);
            }
        }
        i = e + 1;
    }
    return end;
}

int pb__extract_text(struct pb__x *x, struct pb__src *src, int markdown)
{
    struct tstate t;
    struct pb_conv *conv = NULL;
    char *raw = NULL;     /* for a file; bytes in memory are read where they lie */
    const char *in;
    char enc[32];
    size_t bom = 0;
    long got;
    int rc = 0, first = 1;
    memset(&t, 0, sizeof(t));
    t.x = x;
    t.markdown = markdown;
    t.page = 1;
    for (;;) {
        size_t before;
        const char *nul;
        const void *view;
        if ((got = pb__src_view(src, CHUNK, &view)) >= 0) {
            in = view;
        } else {
            if (!raw && !(raw = malloc(CHUNK))) {
                rc = pb__x_fail(x, PROBITY_ENOMEM, "out of memory");
                goto out;
            }
            got = pb__src_read(src, raw, CHUNK);
            in = raw;
        }
        if (got < 0) {
            rc = pb__x_fail(x, PROBITY_EIO, "read error");
            goto out;
        }
        if (first) {
            first = 0;
            if (x->encoding) {
                if (!pb_charset_canon(x->encoding, enc)) {
                    rc = pb__x_fail(x, PROBITY_EINVAL, "unknown encoding '%s'", x->encoding);
                    goto out;
                }
            } else if (pb_charset_guess(in, (size_t)got, (size_t)got < CHUNK, 0, enc, &bom) != 0) {
                rc = pb__x_fail(x, PROBITY_EFORMAT, "unsupported type (binary data: NUL bytes)");
                goto out;
            }
            if ((rc = pb_conv_open(&conv, enc, x->err))) {
                pb__x_fail(x, rc, "%s", x->err ? x->err->msg : "cannot convert");
                goto out;
            }
            if (!x->embedded && (rc = pb__x_meta(x, "encoding", enc)))
                goto out;
        }
        before = t.text.len;
        if (pb_conv_run(conv, in + bom, (size_t)got - bom, got == 0, &t.text)) {
            rc = pb__x_fail(x, PROBITY_ENOMEM, "out of memory");
            goto out;
        }
        bom = 0;
        if (t.text.len > before && (nul = memchr(t.text.s + before, 0, t.text.len - before))) {
            rc = pb__x_fail(x, PROBITY_EFORMAT, "binary data (a NUL character at text offset %lld) in a %s text",
                            t.offset + (long long)(nul - t.text.s), enc);
            goto out;
        }
        if (before == 0 && t.offset == 0 && t.text.len >= 3 && memcmp(t.text.s, "\xEF\xBB\xBF", 3) == 0) {
            memmove(t.text.s, t.text.s + 3, t.text.len - 2);
            t.text.len -= 3;
        }
        normalise(&t, before);
        if (before == 0 && t.offset == 0 && markdown) {
            size_t skip = front_matter(&t, &rc);
            if (rc)
                goto out;
            if (skip) {
                memmove(t.text.s, t.text.s + skip, t.text.len - skip + 1);
                t.text.len -= skip;
            }
        }
        if ((rc = split(&t, got == 0)))
            goto out;
        if (got == 0)
            break;
        if ((rc = pb__x_time(x)))
            goto out;
    }
out:
    pb_conv_close(conv);
    pb_buf_release(&t.text);
    free(raw);
    return rc;
}
