/* E-mail messages (EML, MIME) through GMime. The headers become metadata and a header block
 * at the top of the text, decoded from their MIME encoded-words. The body is the text/plain
 * part, or the HTML part when there is no plain one, read through the text and HTML
 * extractors with the part's declared charset. Everything else (attachments, and parts
 * that carry an embedded message) is handed to the sink as a child document with its
 * decoded bytes, to be ingested on its own: that is where the evidence often is. */
#include <pthread.h>
#include <string.h>
#include <unistd.h>
#include <gmime/gmime.h>
#include "docs/extract_int.h"
#include "text/charset.h"

#define MAX_NESTING 32

struct estate {
    struct pb__x *x;
    int nchild;
};

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;
static void gmime_init(void) { g_mime_init(); }

/* Decoded bytes of a leaf part (a GByteArray owned by the returned stream). */
static GMimeStream *part_bytes(GMimePart *part, const guint8 **data, size_t *len)
{
    GMimeDataWrapper *dw = g_mime_part_get_content(part);
    GMimeStream *mem = g_mime_stream_mem_new();
    GByteArray *ba;
    if (dw)
        g_mime_data_wrapper_write_to_stream(dw, mem);
    ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
    *data = ba && ba->len ? ba->data : (const guint8 *)"";
    *len = ba ? ba->len : 0;
    return mem;
}

static const char *ext_for(const char *mime)
{
    static const char *const map[][2] = {{"application/pdf", ".pdf"}, {"text/html", ".html"}, {"text/plain", ".txt"},
                                         {"message/rfc822", ".eml"},   {"text/markdown", ".md"}, {"application/xml", ".xml"},
                                         {"text/xml", ".xml"},
                                         {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"},
                                         {"application/vnd.oasis.opendocument.text", ".odt"}};
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (pb_streq_ci(mime, map[i][0]))
            return map[i][1];
    return "";
}

static int give_child(struct estate *e, const char *filename, const char *mime, const void *data, size_t len)
{
    char name[256];
    int rc;
    e->nchild++;
    if ((rc = pb__x_expand(e->x, (int64_t)len)))
        return rc;
    if (filename && *filename)
        snprintf(name, sizeof(name), "%s", filename);
    else
        snprintf(name, sizeof(name), "attachment-%d%s", e->nchild, ext_for(mime));
    return pb__x_child(e->x, name, mime, data, len);
}

/* A text body part through the text or HTML extractor, in the part's charset. */
static int body_part(struct estate *e, GMimeObject *obj, int html)
{
    struct pb__x *x = e->x;
    struct pb__src src;
    const guint8 *data;
    size_t len;
    const char *charset = g_mime_object_get_content_type_parameter(obj, "charset");
    const char *saved_enc = x->encoding;
    char canon[32];
    int rc, saved_emb = x->embedded;
    GMimeStream *mem = part_bytes(GMIME_PART(obj), &data, &len);
    if ((rc = pb__x_expand(x, (int64_t)len)) || len == 0)
        goto out;
    memset(&src, 0, sizeof(src));
    src.mem = data;
    src.size = len;
    x->encoding = charset && pb_charset_canon(charset, canon) ? canon : NULL;
    x->embedded = 1;
    rc = html ? pb__extract_html(x, &src) : pb__extract_text(x, &src, 0);
    x->encoding = saved_enc;
    x->embedded = saved_emb;
out:
    g_object_unref(mem);
    return rc;
}

static int walk(struct estate *e, GMimeObject *obj, int depth);

/* multipart/alternative: one of the forms, plain text preferred (it is what was written;
 * the HTML form is usually generated from it). */
static int alternative(struct estate *e, GMimeMultipart *mp, int depth)
{
    int n = g_mime_multipart_get_count(mp), pick = -1;
    for (int pass = 0; pass < 2 && pick < 0; pass++)
        for (int i = 0; i < n && pick < 0; i++) {
            GMimeObject *p = g_mime_multipart_get_part(mp, i);
            GMimeContentType *ct = g_mime_object_get_content_type(p);
            if (pass == 0 && ct && g_mime_content_type_is_type(ct, "text", "plain"))
                pick = i;
            if (pass == 1 && ct && (g_mime_content_type_is_type(ct, "text", "html") ||
                                    g_mime_content_type_is_type(ct, "multipart", "*")))
                pick = i;
        }
    if (pick < 0 && n > 0)
        pick = n - 1;
    return pick >= 0 ? walk(e, g_mime_multipart_get_part(mp, pick), depth + 1) : 0;
}

static int walk(struct estate *e, GMimeObject *obj, int depth)
{
    GMimeContentType *ct;
    int rc = 0;
    if (!obj || depth > MAX_NESTING)
        return 0;
    ct = g_mime_object_get_content_type(obj);
    if (GMIME_IS_MULTIPART(obj)) {
        GMimeMultipart *mp = GMIME_MULTIPART(obj);
        if (ct && g_mime_content_type_is_type(ct, "multipart", "alternative"))
            return alternative(e, mp, depth);
        for (int i = 0; i < g_mime_multipart_get_count(mp) && !rc; i++)
            rc = walk(e, g_mime_multipart_get_part(mp, i), depth + 1);
        return rc;
    }
    if (GMIME_IS_MESSAGE_PART(obj)) {
        /* an embedded message: a document of its own, in its own words */
        GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
        GMimeStream *mem;
        GByteArray *ba;
        const char *subject;
        char name[256];
        if (!inner)
            return 0;
        mem = g_mime_stream_mem_new();
        g_mime_object_write_to_stream(GMIME_OBJECT(inner), NULL, mem);
        ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
        subject = g_mime_message_get_subject(inner);
        snprintf(name, sizeof(name), "%s.eml", subject && *subject ? subject : "message");
        for (char *p = name; *p; p++)
            if (*p == '/')
                *p = '_';
        if (ba && ba->len)
            rc = give_child(e, name, "message/rfc822", ba->data, ba->len);
        g_object_unref(mem);
        return rc;
    }
    if (GMIME_IS_PART(obj)) {
        GMimePart *part = GMIME_PART(obj);
        GMimeContentDisposition *disp = g_mime_object_get_content_disposition(obj);
        const char *filename = g_mime_part_get_filename(part);
        int attached = disp && g_mime_content_disposition_is_attachment(disp);
        int plain = ct && g_mime_content_type_is_type(ct, "text", "plain");
        int html = ct && g_mime_content_type_is_type(ct, "text", "html");
        if ((plain || html) && !attached && !filename)
            return body_part(e, obj, html);
        {
            char *mime = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
            const guint8 *data;
            size_t len;
            GMimeStream *mem = part_bytes(part, &data, &len);
            if (len)
                rc = give_child(e, filename, mime ? mime : "application/octet-stream", data, len);
            g_object_unref(mem);
            g_free(mime);
        }
    }
    return rc;
}

static int header_line(struct pb_buf *b, const char *name, const char *value)
{
    if (!value || !*value)
        return 0;
    return pb_buf_addf(b, "%s%s: %s", b->len ? "\n" : "", name, value);
}

int pb__extract_eml(struct pb__x *x, struct pb__src *src)
{
    GMimeStream *stream;
    GMimeParser *parser;
    GMimeMessage *msg = NULL;
    struct estate e;
    struct pb_buf head = PB_BUF_INIT;
    char *from = NULL, *to = NULL, *cc = NULL;
    const char *subject, *date_raw, *lang;
    GDateTime *date;
    int rc = 0;
    pthread_once(&gmime_once, gmime_init);
    memset(&e, 0, sizeof(e));
    e.x = x;
    if (src->fp) {
        int fd = dup(fileno(src->fp));
        if (fd < 0)
            return pb__x_fail(x, PROBITY_EIO, "cannot open the message");
        lseek(fd, 0, SEEK_SET);
        stream = g_mime_stream_fs_new(fd); /* takes fd */
    } else
        stream = g_mime_stream_mem_new_with_buffer((const char *)src->mem, src->size);
    parser = g_mime_parser_new_with_stream(stream);
    g_object_unref(stream);
    g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
    msg = g_mime_parser_construct_message(parser, NULL);
    g_object_unref(parser);
    if (!msg) {
        rc = pb__x_fail(x, PROBITY_EPARSE, "not a readable e-mail message");
        goto out;
    }
    subject = g_mime_message_get_subject(msg);
    if (g_mime_message_get_from(msg))
        from = internet_address_list_to_string(g_mime_message_get_from(msg), NULL, FALSE);
    if (g_mime_message_get_to(msg))
        to = internet_address_list_to_string(g_mime_message_get_to(msg), NULL, FALSE);
    if (g_mime_message_get_cc(msg))
        cc = internet_address_list_to_string(g_mime_message_get_cc(msg), NULL, FALSE);
    date_raw = g_mime_object_get_header(GMIME_OBJECT(msg), "Date");
    lang = g_mime_object_get_header(GMIME_OBJECT(msg), "Content-Language");
    date = g_mime_message_get_date(msg);
    if (!x->embedded) {
        if ((rc = pb__x_meta(x, "subject", subject)) || (rc = pb__x_meta(x, "title", subject)) ||
            (rc = pb__x_meta(x, "from", from)) || (rc = pb__x_meta(x, "to", to)) || (rc = pb__x_meta(x, "to", cc)) ||
            (rc = pb__x_meta(x, "lang", lang)))
            goto out;
        if (date) {
            GDateTime *utc = g_date_time_to_utc(date);
            gchar *iso = utc ? g_date_time_format(utc, "%Y-%m-%dT%H:%M:%SZ") : NULL;
            rc = pb__x_meta(x, "date", iso);
            if (!rc)
                rc = pb__x_meta(x, "created", iso);
            g_free(iso);
            if (utc)
                g_date_time_unref(utc);
            if (rc)
                goto out;
        }
    }
    if (header_line(&head, "From", from) || header_line(&head, "To", to) || header_line(&head, "Cc", cc) ||
        header_line(&head, "Date", date_raw) || header_line(&head, "Subject", subject)) {
        rc = pb__x_fail(x, PROBITY_ENOMEM, "out of memory");
        goto out;
    }
    if (head.len && (rc = pb__x_text(x, 1, PB_BLOCK_HEADER, head.s, head.len)))
        goto out;
    rc = walk(&e, g_mime_message_get_mime_part(msg), 0);
out:
    g_free(from);
    g_free(to);
    g_free(cc);
    pb_buf_release(&head);
    if (msg)
        g_object_unref(msg);
    return rc;
}
