/* PDF through poppler-glib: the text of each page in reading order, one block per page with
 * its page number, and the document's metadata. Pages are loaded and released one at a
 * time, and poppler reads the file on demand, so a long document does not sit in memory.
 *
 * poppler repairs what it can. A damaged cross-reference table is rebuilt silently, which
 * is welcome, but a file cut short also opens and then quietly lacks its last pages; such
 * a file (no %%EOF at its end and complaints from poppler while opening) is reported as
 * truncated rather than half-ingested. poppler's own complaints go to GLib's log at the
 * info level; they are caught per thread to explain failures in poppler's words. */
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>
#include <poppler.h>
#include "docs/extract_int.h"

static _Thread_local char first_msg[256];
static _Thread_local int nmsgs;

static void log_cb(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer data)
{
    (void)domain, (void)level, (void)data;
    if (!nmsgs++)
        snprintf(first_msg, sizeof(first_msg), "%s", msg ? msg : "");
}

static pthread_once_t log_once = PTHREAD_ONCE_INIT;
static void log_init(void)
{
    g_log_set_handler("Poppler", (GLogLevelFlags)(G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION), log_cb,
                      NULL);
}

/* Non-zero when "%%EOF" is in the last 2 KiB of the input. */
static int has_eof_marker(struct pb__src *src)
{
    char tail[2048];
    size_t n = src->size < sizeof(tail) ? src->size : sizeof(tail);
    if (src->fp) {
        /* pread: the descriptor's offset is shared with the copy poppler reads from */
        if (pread(fileno(src->fp), tail, n, (off_t)(src->size - n)) != (ssize_t)n)
            return 0;
    } else
        memcpy(tail, src->mem + src->size - n, n);
    for (size_t i = 0; i + 5 <= n; i++)
        if (memcmp(tail + i, "%%EOF", 5) == 0)
            return 1;
    return 0;
}

/* poppler's page text runs blocks together where one ends and the next starts without a
 * line break ("Comments InvitedConfidential ..."), gluing words that are far apart on the
 * page. Its layout gives the box of every character of that text, so a character that
 * does not share the line of the one before it (and is not stacked under it, as in
 * rotated text), or sits far to its right, gets the break or the space the page shows.
 * Copies text to out. */
static int separate_lines(struct pb__x *x, PopplerPage *page, const char *text, struct pb_buf *out)
{
    PopplerRectangle *r = NULL;
    guint n = 0, k = 0;
    const char *s = text, *run = text;
    int prev = -1; /* index of the last character that is not a line break */
    if (!poppler_page_get_text_layout(page, &r, &n))
        n = 0;
    for (; *s && k < n; k++) {
        const char *next = g_utf8_next_char(s);
        if (*s == '\n') {
            prev = -1;
        } else if (*s != ' ') {
            if (prev >= 0) {
                const PopplerRectangle *a = &r[prev], *b = &r[k];
                double ha = a->y2 - a->y1, hb = b->y2 - b->y1, h = ha < hb ? ha : hb;
                double overlap = (a->y2 < b->y2 ? a->y2 : b->y2) - (a->y1 > b->y1 ? a->y1 : b->y1);
                const char *sep = NULL;
                double wa = a->x2 - a->x1, wb = b->x2 - b->x1, w = wa < wb ? wa : wb;
                double xover = (a->x2 < b->x2 ? a->x2 : b->x2) - (a->x1 > b->x1 ? a->x1 : b->x1);
                if (h > 0 && overlap < h * 0.3)
                    sep = w > 0 && xover > w * 0.5 ? NULL : "\n"; /* not for glyphs stacked in rotated text */
                else if (h > 0 && (b->x1 - a->x2 > h * 1.5 || b->x2 < a->x1 - h))
                    sep = s[-1] == ' ' ? NULL : " ";
                if (sep && (pb_buf_add(out, run, (size_t)(s - run)) || pb_buf_adds(out, sep))) {
                    g_free(r);
                    return pb__x_fail(x, PROBITY_ENOMEM, "out of memory");
                }
                if (sep)
                    run = s;
            }
            prev = (int)k;
        }
        s = next;
    }
    g_free(r);
    if (pb_buf_adds(out, run))
        return pb__x_fail(x, PROBITY_ENOMEM, "out of memory");
    return 0;
}

static int meta_date(struct pb__x *x, const char *key, GDateTime *dt)
{
    GDateTime *utc;
    gchar *s;
    int rc = 0;
    if (!dt)
        return 0;
    utc = g_date_time_to_utc(dt);
    s = utc ? g_date_time_format(utc, "%Y-%m-%dT%H:%M:%SZ") : NULL;
    if (s)
        rc = pb__x_meta(x, key, s);
    g_free(s);
    if (utc)
        g_date_time_unref(utc);
    g_date_time_unref(dt);
    return rc;
}

static int meta_str(struct pb__x *x, const char *key, gchar *value)
{
    int rc = value ? pb__x_meta(x, key, value) : 0;
    g_free(value);
    return rc;
}

int pb__extract_pdf(struct pb__x *x, struct pb__src *src)
{
    PopplerDocument *doc = NULL;
    GBytes *bytes = NULL;
    GError *gerr = NULL;
    struct pb_buf buf = PB_BUF_INIT;
    int rc = 0, npages, nread, eof_marker;
    char num[32];
    pthread_once(&log_once, log_init);
    nmsgs = 0;
    first_msg[0] = 0;
    eof_marker = has_eof_marker(src);
    if (src->fp) {
        int fd = dup(fileno(src->fp));
        if (fd >= 0)
            lseek(fd, 0, SEEK_SET);
        if (fd < 0) {
            rc = pb__x_fail(x, PROBITY_EIO, "cannot open the PDF");
            goto out;
        }
        doc = poppler_document_new_from_fd(fd, NULL, &gerr); /* takes fd */
    } else {
        bytes = g_bytes_new_static(src->mem, src->size);
        doc = poppler_document_new_from_bytes(bytes, NULL, &gerr);
    }
    if (!doc) {
        if (gerr && gerr->domain == POPPLER_ERROR && gerr->code == POPPLER_ERROR_ENCRYPTED)
            rc = pb__x_fail(x, PROBITY_EINVAL, "encrypted PDF: it needs a password to be read");
        else
            rc = pb__x_fail(x, PROBITY_EPARSE, "corrupt PDF: %s%s%s%s", gerr ? gerr->message : "cannot be read",
                            first_msg[0] ? " (" : "", first_msg, first_msg[0] ? ")" : "");
        goto out;
    }
    if (nmsgs && !eof_marker) {
        rc = pb__x_fail(x, PROBITY_EPARSE, "truncated PDF: the file ends before its end marker (%s)", first_msg);
        goto out;
    }
    npages = poppler_document_get_n_pages(doc);
    snprintf(num, sizeof(num), "%d", npages);
    if ((rc = meta_str(x, "title", poppler_document_get_title(doc))) ||
        (rc = meta_str(x, "author", poppler_document_get_author(doc))) ||
        (rc = meta_str(x, "subject", poppler_document_get_subject(doc))) ||
        (rc = meta_date(x, "created", poppler_document_get_creation_date_time(doc))) ||
        (rc = meta_date(x, "modified", poppler_document_get_modification_date_time(doc))) ||
        (rc = pb__x_meta(x, "pages", num)))
        goto out;
    if (poppler_document_get_permissions(doc) != POPPLER_PERMISSIONS_FULL && (rc = pb__x_meta(x, "encrypted", "1")))
        goto out;
    nread = npages;
    if (x->lim->max_pages > 0 && npages > x->lim->max_pages) {
        nread = x->lim->max_pages;
        if ((rc = pb__x_meta(x, "truncated", "1")))
            goto out;
    }
    for (int i = 0; i < nread; i++) {
        PopplerPage *page = poppler_document_get_page(doc, i);
        char *text;
        if (!page)
            continue;
        text = poppler_page_get_text(page);
        pb_buf_reset(&buf);
        if (text && (rc = separate_lines(x, page, text, &buf)) == 0) {
            size_t n = buf.len;
            while (n && (buf.s[n - 1] == '\n' || buf.s[n - 1] == ' ' || buf.s[n - 1] == '\f'))
                n--;
            rc = pb__x_text(x, i + 1, PB_BLOCK_TEXT, buf.s, n);
        }
        g_free(text);
        g_object_unref(page);
        if (rc || (rc = pb__x_time(x)))
            goto out;
    }
out:
    if (gerr)
        g_error_free(gerr);
    if (doc)
        g_object_unref(doc);
    if (bytes)
        g_bytes_unref(bytes);
    pb_buf_release(&buf);
    return rc;
}
