/* Text extraction: type detection, limits and dispatch to the format extractors. The type
 * comes from the bytes first (magic numbers, markup, mail headers) and from the file name
 * only when the bytes leave it open, so that a PDF named .txt is read as a PDF and an
 * image is reported as an unsupported image instead of being ingested as garbage text.
 * Everything an extractor produces passes through the context here, which repairs text
 * that is not UTF-8, enforces the time and expansion limits, guesses the language when
 * the document does not state it, and refuses to call a document with no text a success. */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <libxml/parser.h>
#include "docs/extract_int.h"
#include "text/charset.h"

#define HEAD_BYTES 8192

/* ---- input ---- */

long pb__src_read(struct pb__src *s, void *buf, size_t n)
{
    if (s->fp) {
        size_t got = fread(buf, 1, n, s->fp);
        if (got == 0 && ferror(s->fp))
            return -1;
        return (long)got;
    }
    if (s->pos >= s->size)
        return 0;
    if (n > s->size - s->pos)
        n = s->size - s->pos;
    memcpy(buf, s->mem + s->pos, n);
    s->pos += n;
    return (long)n;
}

long pb__src_view(struct pb__src *s, size_t n, const void **p)
{
    if (s->fp || !s->mem)
        return -1;
    if (n > s->size - s->pos)
        n = s->size - s->pos;
    *p = s->mem + s->pos;
    s->pos += n;
    return (long)n;
}

int pb__src_rewind(struct pb__src *s)
{
    s->pos = 0;
    if (s->fp && fseek(s->fp, 0, SEEK_SET) != 0)
        return PROBITY_EIO;
    if (s->fp)
        clearerr(s->fp);
    return 0;
}

/* ---- the context ---- */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int pb__x_fail(struct pb__x *x, int code, const char *fmt, ...)
{
    va_list ap;
    char msg[512];
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return pb__err(x->err, code, x->name, 0, 0, "%s", msg);
}

/* A sink callback refused: its code stops the extraction. */
static int sink_refused(struct pb__x *x, int rc, const char *what)
{
    if (rc > 0)
        rc = PROBITY_EINVAL;
    return pb__x_fail(x, rc, "the document sink refused %s (%s)", what, probity_strerror(rc));
}

int pb__x_time(struct pb__x *x)
{
    if (x->deadline > 0 && now_seconds() > x->deadline)
        return pb__x_fail(x, PROBITY_EINVAL, "time limit of %g s exceeded", x->lim->max_seconds);
    return 0;
}

int pb__x_expand(struct pb__x *x, int64_t n)
{
    x->expanded += n;
    if (x->expanded > x->lim->max_expanded_bytes)
        return pb__x_fail(x, PROBITY_EINVAL, "archive expands beyond the limit of %lld bytes (zip bomb?)",
                          (long long)x->lim->max_expanded_bytes);
    return 0;
}

int pb__x_text(struct pb__x *x, int page, enum pb_block_kind kind, const char *s, size_t n)
{
    if (n && !pb_utf8_valid(s, n, NULL)) {
        pb_buf_reset(&x->fix);
        if (pb_utf8_repair(s, n, &x->fix) < 0)
            return pb__x_fail(x, PROBITY_ENOMEM, "out of memory");
        s = x->fix.s, n = x->fix.len;
    }
    return pb__x_text_utf8(x, page, kind, s, n);
}

int pb__x_text_utf8(struct pb__x *x, int page, enum pb_block_kind kind, const char *s, size_t n)
{
    int rc;
    if (!n)
        return 0;
    if (page < 1)
        page = 1;
    if (page > x->max_page)
        x->max_page = page;
    if (!x->have_text)
        for (size_t i = 0; i < n && !x->have_text; i++)
            x->have_text = !(s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r' || s[i] == '\f');
    if (!x->lang_set && !x->lim->own_lang_guess)
        pb__lang_feed(&x->lang, s, n);
    if ((++x->ncalls & 31) == 0 && (rc = pb__x_time(x)))
        return rc;
    if (x->user->text && (rc = x->user->text(x->user->ctx, page, kind, s, n)))
        return sink_refused(x, rc, "text");
    return 0;
}

int pb__x_meta(struct pb__x *x, const char *key, const char *value)
{
    char tag[16];
    struct pb_buf clean = PB_BUF_INIT;
    int rc = 0;
    size_t n;
    if (!value)
        return 0;
    while (*value == ' ' || *value == '\t' || *value == '\n' || *value == '\r')
        value++;
    n = strlen(value);
    while (n && (value[n - 1] == ' ' || value[n - 1] == '\t' || value[n - 1] == '\n' || value[n - 1] == '\r'))
        n--;
    if (!n)
        return 0;
    if (strcmp(key, "lang") == 0) {
        pb__lang_tag(value, tag);
        if (!tag[0])
            return 0;
        value = tag, n = strlen(tag);
        if (x->lang_set)
            return 0; /* the first declaration wins */
        x->lang_set = 1;
    }
    if (strcmp(key, "pages") == 0)
        x->pages_set = 1;
    if (pb_utf8_repair(value, n, &clean) < 0) {
        rc = pb__x_fail(x, PROBITY_ENOMEM, "out of memory");
        goto out;
    }
    if (x->user->meta && (rc = x->user->meta(x->user->ctx, key, clean.s)))
        rc = sink_refused(x, rc, "metadata");
out:
    pb_buf_release(&clean);
    return rc;
}

int pb__x_child(struct pb__x *x, const char *name, const char *mime, const void *data, size_t size)
{
    int rc;
    x->children++;
    if (!x->user->child)
        return 0;
    if ((rc = x->user->child(x->user->ctx, name ? name : "", mime ? mime : "application/octet-stream", data, size)))
        return sink_refused(x, rc, "an attachment");
    return 0;
}

/* ---- dates ---- */

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

void pb__x_date(const char *in, int date_only, char out[32])
{
    char d[11];
    int Y, M, D, h, m, sec = 0, off = 0;
    const char *p;
    out[0] = 0;
    while (in && (*in == ' ' || *in == '\t'))
        in++;
    if (!in || !*in)
        return;
    /* ISO 8601 date-time, possibly compact (PDF "D:20200806101500Z" is handled by poppler) */
    if (!date_only && strlen(in) >= 16 && digits(in, 4, &Y) && in[4] == '-' && digits(in + 5, 2, &M) &&
        in[7] == '-' && digits(in + 8, 2, &D) && (in[10] == 'T' || in[10] == ' ') && digits(in + 11, 2, &h) &&
        in[13] == ':' && digits(in + 14, 2, &m)) {
        struct tm tm;
        time_t t;
        p = in + 16;
        if (*p == ':' && digits(p + 1, 2, &sec))
            p += 3;
        if (*p == '.' || *p == ',')
            for (p++; *p >= '0' && *p <= '9'; p++)
                ;
        if (*p == '+' || *p == '-') {
            int oh = 0, om = 0;
            if (digits(p + 1, 2, &oh)) {
                const char *q = p + 3;
                if (*q == ':')
                    q++;
                if (!digits(q, 2, &om))
                    om = 0;
                off = (oh * 60 + om) * (*p == '-' ? -1 : 1);
            }
        }
        memset(&tm, 0, sizeof(tm));
        tm.tm_year = Y - 1900, tm.tm_mon = M - 1, tm.tm_mday = D;
        tm.tm_hour = h, tm.tm_min = m, tm.tm_sec = sec;
        if (M >= 1 && M <= 12 && D >= 1 && D <= 31 && h < 24 && m < 60 && sec < 61) {
            t = timegm(&tm) - (time_t)off * 60;
            if (gmtime_r(&t, &tm)) {
                strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
                return;
            }
        }
    }
    if (pb_date_iso(in, d) == 0)
        snprintf(out, 32, "%s", d);
}

/* ---- detection ---- */

static const char *const type_names[] = {"unknown", "text", "markdown", "html", "xml", "pdf", "docx", "odt", "eml"};
static const char *const type_mimes[] = {"application/octet-stream", "text/plain", "text/markdown", "text/html",
                                         "application/xml", "application/pdf",
                                         "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                                         "application/vnd.oasis.opendocument.text", "message/rfc822"};

const char *pb_doc_type_name(enum pb_doc_type t)
{
    if ((unsigned)t >= sizeof(type_names) / sizeof(type_names[0]))
        return "unknown";
    return type_names[t];
}

static int has_ext(const char *name, const char *ext)
{
    size_t n, e = strlen(ext);
    const char *base;
    if (!name)
        return 0;
    base = strrchr(name, '/');
    base = base ? base + 1 : name;
    n = strlen(base);
    return n > e && base[n - e - 1] == '.' && pb_streq_ci(base + n - e, ext);
}

static int starts_ci(const char *s, size_t n, const char *p)
{
    size_t k = strlen(p);
    return n >= k && strncasecmp(s, p, k) == 0;
}

static const char *find_ci(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (strncasecmp(s + i, needle, k) == 0)
            return s + i;
    return NULL;
}

/* What a binary input is, for "unsupported type (...)"; NULL when it is not one we know. */
static const char *describe_binary(const unsigned char *h, size_t n)
{
    static const struct {
        const char *magic;
        size_t len;
        const char *what;
    } magics[] = {
        {"\x89PNG", 4, "PNG image"},          {"\xFF\xD8\xFF", 3, "JPEG image"},
        {"GIF8", 4, "GIF image"},             {"II*\0", 4, "TIFF image"},
        {"MM\0*", 4, "TIFF image"},           {"\x1F\x8B", 2, "gzip archive"},
        {"BZh", 3, "bzip2 archive"},          {"\xFD" "7zXZ", 5, "xz archive"},
        {"7z\xBC\xAF", 4, "7-Zip archive"},   {"Rar!", 4, "RAR archive"},
        {"\xD0\xCF\x11\xE0", 4, "legacy Microsoft Office or Outlook file"},
        {"\x7F" "ELF", 4, "executable"},      {"{\\rtf", 5, "RTF document"},
        {"%!PS", 4, "PostScript document"},   {"RIFF", 4, "RIFF media file"},
        {"OggS", 4, "Ogg media file"},        {"ID3", 3, "MP3 audio"},
        {"SQLite format 3", 15, "SQLite database"}, {"\x28\xB5\x2F\xFD", 4, "zstd archive"},
    };
    for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
        if (n >= magics[i].len && memcmp(h, magics[i].magic, magics[i].len) == 0)
            return magics[i].what;
    if (n >= 12 && memcmp(h + 4, "ftyp", 4) == 0)
        return "MP4/QuickTime media file";
    if (n >= 4 && memcmp(h, "PK\3\4", 4) == 0) {
        if (memmem(h, n, "xl/", 3))
            return "spreadsheet (XLSX)";
        if (memmem(h, n, "ppt/", 4))
            return "presentation (PPTX)";
        if (memmem(h, n, "mimetypeapplication/vnd.oasis.opendocument.", 43))
            return "OpenDocument file other than text";
        if (memmem(h, n, "mimetypeapplication/epub+zip", 28))
            return "EPUB book";
        return "zip archive";
    }
    return NULL;
}

static int html_tag(const char *s, size_t n)
{
    static const char *const tags[] = {"html", "head", "body", "article", "section", "div", "p", "table", "span",
                                       "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "main", "meta",
                                       "title", "link", "script", "style", "a", "br", "header", "nav", "form",
                                       "center", "font", "b", "i", "strong", "em", "pre", "blockquote", "dl",
                                       "img", "hr", "tbody", "tr", "td", "iframe", "figure", "aside", "footer"};
    size_t k = 0;
    while (k < n && ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z') || (s[k] >= '0' && s[k] <= '9')))
        k++;
    if (!k || (k < n && !(s[k] == '>' || s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\r' || s[k] == '/')))
        return 0;
    for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
        if (strlen(tags[i]) == k && strncasecmp(s, tags[i], k) == 0)
            return 1;
    return 0;
}

/* Non-zero when the text starts with an e-mail header block with at least two of the
 * usual fields, one of which only a message has. */
static int looks_like_mail(const char *s, size_t n)
{
    static const char *const fields[] = {"from:", "to:", "subject:", "date:", "message-id:", "mime-version:",
                                         "received:", "return-path:", "content-type:", "delivered-to:", "cc:",
                                         "reply-to:", "x-mailer:", "dkim-signature:", "arc-seal:", "sender:"};
    size_t i = 0;
    int known = 0, strong = 0;
    while (i < n) {
        size_t e = i, k = 0;
        while (e < n && s[e] != '\n')
            e++;
        if (e == i || (e == i + 1 && s[i] == '\r'))
            break; /* end of the header block */
        if (s[i] == ' ' || s[i] == '\t') { /* continuation of a folded field */
            i = e + 1;
            continue;
        }
        while (i + k < e && s[i + k] != ':' && s[i + k] > ' ' && s[i + k] < 127)
            k++;
        if (i + k >= e || s[i + k] != ':' || k == 0) {
            if (e < n)
                return 0; /* a line that is no field inside the block: not a message */
            break;        /* the sample ends inside this line */
        }
        for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++)
            if (strlen(fields[f]) == k + 1 && strncasecmp(s + i, fields[f], k + 1) == 0) {
                known++;
                strong |= f == 0 || f >= 4;
            }
        i = e + 1;
    }
    return known >= 2 && strong;
}

int pb_doc_pdf_header(const void *head, size_t n)
{
    /* a '%' first (memchr goes fast over the bytes that are not), then the rest */
    const char *h = head, *p = h, *end = h + (n < 1024 ? n : 1024);
    while (p && end - p >= 5 && (p = memchr(p, '%', (size_t)(end - p - 4)))) {
        if (memcmp(p + 1, "PDF-", 4) == 0)
            return 1;
        p++;
    }
    return 0;
}

enum pb_doc_type pb_doc_detect(const char *name, const void *head, size_t n)
{
    const unsigned char *h = head;
    char view[HEAD_BYTES];
    size_t v = 0, i = 0, bom = 0;
    char enc[32];
    if (!h)
        n = 0;
    if (h && pb_doc_pdf_header(h, n))
        return PB_DOC_PDF;
    if (n >= 4 && memcmp(h, "PK\3\4", 4) == 0) {
        if (memmem(h, n, "word/", 5))
            return PB_DOC_DOCX;
        if (memmem(h, n, "mimetypeapplication/vnd.oasis.opendocument.text", 47))
            return PB_DOC_ODT;
        if (describe_binary(h, n) && strcmp(describe_binary(h, n), "zip archive") != 0)
            return PB_DOC_UNKNOWN;
        if (has_ext(name, "docx"))
            return PB_DOC_DOCX;
        if (has_ext(name, "odt"))
            return PB_DOC_ODT;
        return PB_DOC_UNKNOWN;
    }
    if (describe_binary(h, n))
        return PB_DOC_UNKNOWN;
    /* an ASCII view of the start, whatever the Unicode encoding, for the markup tests */
    if (n && pb_charset_guess(h, n, 0, 0, enc, &bom) != 0)
        return PB_DOC_UNKNOWN; /* binary */
    if (strncmp(enc, "UTF-16", 6) == 0 || strncmp(enc, "UTF-32", 6) == 0) {
        size_t w = enc[4] == '1' ? 2 : 4, lo = strcmp(enc + 6, "LE") == 0 ? 0 : w - 1;
        for (i = bom; i + w <= n && v < sizeof(view); i += w) {
            int ascii = 1;
            for (size_t b = 0; b < w; b++)
                if (b != lo && h[i + b])
                    ascii = 0;
            view[v++] = ascii ? (char)h[i + lo] : '?';
        }
    } else if (bom < n) {
        v = n - bom < sizeof(view) ? n - bom : sizeof(view);
        memcpy(view, h + bom, v);
    }
    i = 0;
    for (;;) {
        while (i < v && (view[i] == ' ' || view[i] == '\t' || view[i] == '\r' || view[i] == '\n'))
            i++;
        if (starts_ci(view + i, v - i, "<!--")) { /* comments before the root */
            const char *e = find_ci(view + i, v - i, "-->");
            if (!e)
                break;
            i = (size_t)(e - view) + 3;
            continue;
        }
        break;
    }
    if (i < v && view[i] == '<') {
        const char *s = view + i;
        size_t k = v - i;
        int strong_html = starts_ci(s, k, "<!doctype html") || starts_ci(s, k, "<html") ||
                          find_ci(s, k, "<html") != NULL || find_ci(s, k, "http://www.w3.org/1999/xhtml") != NULL;
        int textual = has_ext(name, "txt") || has_ext(name, "md") || has_ext(name, "markdown") || has_ext(name, "text");
        if (strong_html)
            return PB_DOC_HTML;
        if (starts_ci(s, k, "<?xml") || starts_ci(s, k, "<!doctype"))
            return PB_DOC_XML;
        if (!textual) {
            if (has_ext(name, "html") || has_ext(name, "htm") || has_ext(name, "xhtml"))
                return PB_DOC_HTML;
            if (has_ext(name, "xml"))
                return PB_DOC_XML;
            if (k > 1 && html_tag(s + 1, k - 1))
                return PB_DOC_HTML;
            if (k > 1 && ((s[1] >= 'a' && s[1] <= 'z') || (s[1] >= 'A' && s[1] <= 'Z')))
                return PB_DOC_XML;
        }
    }
    if (has_ext(name, "html") || has_ext(name, "htm") || has_ext(name, "xhtml"))
        return PB_DOC_HTML;
    if (looks_like_mail(view + i, v - i))
        return PB_DOC_EML;
    if (has_ext(name, "md") || has_ext(name, "markdown") || has_ext(name, "mkd"))
        return PB_DOC_MARKDOWN;
    return PB_DOC_TEXT;
}

/* ---- dispatch ---- */

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static void init_libs(void) { xmlInitParser(); }

static int run(struct pb__x *x, struct pb__src *src, const unsigned char *head, size_t n)
{
    enum pb_doc_type t = pb_doc_detect(x->name, head, n);
    int rc = 0;
    if (t == PB_DOC_UNKNOWN && n >= 4 && memcmp(head, "PK\3\4", 4) == 0) {
        const char *what = describe_binary(head, n);
        if (what && strcmp(what, "zip archive") == 0)
            t = pb__office_sniff(src);
        if ((rc = pb__src_rewind(src)))
            return pb__x_fail(x, rc, "cannot read the file again");
    }
    if (t == PB_DOC_UNKNOWN) {
        const char *what = describe_binary(head, n);
        return pb__x_fail(x, PROBITY_EFORMAT, "unsupported type (%s)", what ? what : "binary data: NUL bytes");
    }
    if (!x->embedded && (rc = pb__x_meta(x, "mime", type_mimes[t])))
        return rc;
    switch (t) {
    case PB_DOC_TEXT: rc = pb__extract_text(x, src, 0); break;
    case PB_DOC_MARKDOWN: rc = pb__extract_text(x, src, 1); break;
    case PB_DOC_HTML: rc = pb__extract_html(x, src); break;
    case PB_DOC_XML: rc = pb__extract_xml(x, src); break;
    case PB_DOC_PDF: rc = pb__extract_pdf(x, src); break;
    case PB_DOC_DOCX:
    case PB_DOC_ODT: rc = pb__extract_office(x, src, t); break;
    case PB_DOC_EML: rc = pb__extract_eml(x, src); break;
    default: rc = pb__x_fail(x, PROBITY_EFORMAT, "unsupported type"); break;
    }
    if (rc)
        return rc;
    if (!x->have_text && !x->children)
        return pb__x_fail(x, PROBITY_EEMPTY, "no text found in this %s%s", pb_doc_type_name(t),
                          t == PB_DOC_PDF ? " (scanned pages need OCR)" : "");
    if (!x->lang_set && !x->lim->own_lang_guess) {
        const char *lang = pb__lang_guess(&x->lang);
        if (lang && (rc = pb__x_meta(x, "lang", lang)))
            return rc;
    }
    if (!x->pages_set && x->max_page > 0) {
        char num[16];
        snprintf(num, sizeof(num), "%d", x->max_page);
        if ((rc = pb__x_meta(x, "pages", num)))
            return rc;
    }
    return 0;
}

static void x_init(struct pb__x *x, const char *name, const char *encoding, const struct pb_extract_limits *lim,
                   struct pb_doc_sink *sink, struct probity_error *err)
{
    memset(x, 0, sizeof(*x));
    x->name = name ? name : "";
    x->encoding = encoding && *encoding ? encoding : NULL;
    x->lim = lim;
    x->err = err;
    x->user = sink;
    if (lim->max_seconds > 0)
        x->deadline = now_seconds() + lim->max_seconds;
}

int pb_extract_file(const char *path, const char *encoding, const struct pb_extract_limits *lim,
                    struct pb_doc_sink *sink, struct probity_error *err)
{
    static const struct pb_extract_limits defaults = PB_EXTRACT_LIMITS_DEFAULT;
    struct pb__x x;
    struct pb__src src;
    struct stat sb;
    unsigned char head[HEAD_BYTES];
    size_t n;
    int rc;
    pthread_once(&init_once, init_libs);
    x_init(&x, path, encoding, lim ? lim : &defaults, sink, err);
    memset(&src, 0, sizeof(src));
    if (stat(path, &sb) != 0) {
        rc = pb__x_fail(&x, PROBITY_EIO, "cannot open: %s", strerror(errno));
        goto out;
    }
    if (S_ISDIR(sb.st_mode)) {
        rc = pb__x_fail(&x, PROBITY_EINVAL, "is a directory");
        goto out;
    }
    if (!S_ISREG(sb.st_mode)) {
        rc = pb__x_fail(&x, PROBITY_EFORMAT, "not a regular file");
        goto out;
    }
    if ((int64_t)sb.st_size > x.lim->max_file_bytes) {
        rc = pb__x_fail(&x, PROBITY_EINVAL, "file too large (%lld bytes, the limit is %lld)", (long long)sb.st_size,
                        (long long)x.lim->max_file_bytes);
        goto out;
    }
    if (sb.st_size == 0) {
        rc = pb__x_fail(&x, PROBITY_EEMPTY, "empty file");
        goto out;
    }
    src.path = path;
    src.size = (size_t)sb.st_size;
    if (!(src.fp = fopen(path, "rb"))) {
        rc = pb__x_fail(&x, PROBITY_EIO, "cannot open: %s", strerror(errno));
        goto out;
    }
    n = fread(head, 1, sizeof(head), src.fp);
    if (ferror(src.fp) || (rc = pb__src_rewind(&src))) {
        rc = pb__x_fail(&x, PROBITY_EIO, "read error: %s", strerror(errno));
        goto out;
    }
    if (n == 0) {
        rc = pb__x_fail(&x, PROBITY_EEMPTY, "empty file");
        goto out;
    }
    rc = run(&x, &src, head, n);
out:
    if (src.fp)
        fclose(src.fp);
    pb_buf_release(&x.fix);
    return rc;
}

int pb_extract_buffer(const char *name, const void *data, size_t size, const char *encoding,
                      const struct pb_extract_limits *lim, struct pb_doc_sink *sink, struct probity_error *err)
{
    static const struct pb_extract_limits defaults = PB_EXTRACT_LIMITS_DEFAULT;
    struct pb__x x;
    struct pb__src src;
    int rc;
    pthread_once(&init_once, init_libs);
    x_init(&x, name, encoding, lim ? lim : &defaults, sink, err);
    memset(&src, 0, sizeof(src));
    src.mem = data;
    src.size = size;
    if ((int64_t)size > x.lim->max_file_bytes)
        rc = pb__x_fail(&x, PROBITY_EINVAL, "file too large (%zu bytes, the limit is %lld)", size,
                        (long long)x.lim->max_file_bytes);
    else if (size == 0 || !data)
        rc = pb__x_fail(&x, PROBITY_EEMPTY, "empty file");
    else
        rc = run(&x, &src, data, size < HEAD_BYTES ? size : HEAD_BYTES);
    pb_buf_release(&x.fix);
    return rc;
}
