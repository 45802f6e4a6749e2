/* Word processing files: DOCX (Office Open XML) and ODT (OpenDocument text). Both are zip
 * archives of XML parts; the parts are streamed out of the archive straight into
 * libxml2's reader, so a large document is never expanded in memory. Every entry's
 * declared size is checked against the expansion limit before it is opened, and the bytes
 * actually inflated are counted too, since a hostile archive may lie about its sizes.
 *
 * Paragraphs are blocks: headings (by style, resolved through styles.xml for DOCX), list
 * items and table cells keep their kind. Deleted text of tracked changes, field codes,
 * comments and the fallback copies of drawings are left out. Page numbers come from the
 * page breaks the word processor recorded when it last laid the document out
 * (w:lastRenderedPageBreak, text:soft-page-break) and from explicit page breaks, so a
 * quote can be cited with the page a reader sees. DOCX footnotes and endnotes, and ODT
 * notes, follow the body. */
#include <string.h>
#include <zip.h>
#include <libxml/xmlreader.h>
#include "docs/extract_int.h"

#define ODT_TEXT "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define ODT_TABLE "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
#define ODT_OFFICE "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define ODT_SVG "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
#define NOTES_MAX (16u << 20)
#define BLOCK_MAX (1u << 20)

/* ---- the archive ---- */

struct zarc {
    struct pb__x *x;
    zip_t *za;
};

static int zopen(struct zarc *z, struct pb__src *src, int quiet)
{
    zip_error_t ze;
    int code = 0;
    zip_error_init(&ze);
    if (src->fp) {
        z->za = zip_open(src->path, ZIP_RDONLY, &code);
        if (!z->za)
            zip_error_init_with_code(&ze, code);
    } else {
        zip_source_t *zs = zip_source_buffer_create(src->mem, src->size, 0, &ze);
        if (zs && !(z->za = zip_open_from_source(zs, ZIP_RDONLY, &ze)))
            zip_source_free(zs);
    }
    if (!z->za) {
        int rc = quiet ? PROBITY_EPARSE
                       : pb__x_fail(z->x, PROBITY_EPARSE, "corrupt archive: %s", zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return rc;
    }
    zip_error_fini(&ze);
    return 0;
}

/* One entry being read, with the bytes counted against its declared size and the limit. */
struct zentry {
    struct zarc *z;
    zip_file_t *zf;
    const char *name;
    uint64_t declared, got;
    int rc;
};

static int zread(void *ctx, char *buf, int len)
{
    struct zentry *e = ctx;
    zip_int64_t n;
    if (e->rc)
        return -1;
    n = zip_fread(e->zf, buf, (zip_uint64_t)len);
    if (n < 0) {
        e->rc = pb__x_fail(e->z->x, PROBITY_EPARSE, "corrupt archive entry %s: %s", e->name, zip_file_strerror(e->zf));
        return -1;
    }
    e->got += (uint64_t)n;
    if (e->got > e->declared) {
        e->rc = pb__x_fail(e->z->x, PROBITY_EINVAL, "archive entry %s expands beyond its declared size (zip bomb?)",
                           e->name);
        return -1;
    }
    if (n > 0 && (e->rc = pb__x_expand(e->z->x, n)))
        return -1;
    return (int)n;
}

/* Open entry `name` for reading: 1 when open, 0 when the archive has no such entry, or a
 * negative error (over the limit, encrypted, unreadable). */
static int zentry_open(struct zarc *z, const char *name, struct zentry *e)
{
    zip_stat_t st;
    memset(e, 0, sizeof(*e));
    e->z = z;
    e->name = name;
    zip_stat_init(&st);
    if (zip_stat(z->za, name, 0, &st) != 0)
        return 0;
    if (!(st.valid & ZIP_STAT_SIZE))
        return pb__x_fail(z->x, PROBITY_EPARSE, "archive entry %s has no size", name);
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
        return pb__x_fail(z->x, PROBITY_EINVAL, "encrypted document (archive entry %s needs a password)", name);
    if ((int64_t)st.size < 0 || z->x->expanded + (int64_t)st.size > z->x->lim->max_expanded_bytes)
        return pb__x_fail(z->x, PROBITY_EINVAL,
                          "archive entry %s declares %llu bytes, over the expansion limit of %lld (zip bomb?)", name,
                          (unsigned long long)st.size, (long long)z->x->lim->max_expanded_bytes);
    e->declared = st.size;
    if (!(e->zf = zip_fopen(z->za, name, 0)))
        return pb__x_fail(z->x, PROBITY_EPARSE, "cannot read archive entry %s: %s", name,
                          zip_error_strerror(zip_get_error(z->za)));
    return 1;
}

static void zentry_close(struct zentry *e)
{
    if (e->zf)
        zip_fclose(e->zf);
    e->zf = NULL;
}

/* A reader on an entry; NULL when absent (*rc = 0) or on error (*rc < 0). */
static xmlTextReaderPtr zreader(struct zarc *z, const char *name, struct zentry *e, int *rc)
{
    xmlTextReaderPtr r;
    *rc = zentry_open(z, name, e);
    if (*rc <= 0)
        return NULL;
    *rc = 0;
    r = xmlReaderForIO(zread, NULL, e, name, NULL,
                       XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!r) {
        zentry_close(e);
        *rc = pb__x_fail(z->x, PROBITY_ENOMEM, "cannot create an XML reader");
    }
    return r;
}

/* Finish a reader loop that ended with `ret` (0 end, -1 error). */
static int zreader_done(struct zarc *z, xmlTextReaderPtr r, struct zentry *e, int ret, int rc)
{
    if (!rc && e->rc)
        rc = e->rc;
    if (!rc && ret < 0)
        rc = pb__x_fail(z->x, PROBITY_EPARSE, "malformed XML in archive entry %s", e->name);
    if (r)
        xmlFreeTextReader(r);
    zentry_close(e);
    return rc;
}

static const char *lname(xmlTextReaderPtr r)
{
    const char *n = (const char *)xmlTextReaderConstLocalName(r);
    return n ? n : "";
}

static const char *nsuri(xmlTextReaderPtr r)
{
    const char *n = (const char *)xmlTextReaderConstNamespaceUri(r);
    return n ? n : "";
}

/* The value of the current element's attribute with this local name (any namespace),
 * malloc'd, or NULL. */
static char *attr(xmlTextReaderPtr r, const char *local)
{
    char *v = NULL;
    if (xmlTextReaderMoveToFirstAttribute(r) != 1)
        return NULL;
    do {
        const char *n = (const char *)xmlTextReaderConstLocalName(r);
        if (n && strcmp(n, local) == 0) {
            const char *val = (const char *)xmlTextReaderConstValue(r);
            v = pb_strdup(val ? val : "");
            break;
        }
    } while (xmlTextReaderMoveToNextAttribute(r) == 1);
    xmlTextReaderMoveToElement(r);
    return v;
}

static int is_w(xmlTextReaderPtr r)
{
    const char *ns = nsuri(r);
    size_t n = strlen(ns);
    return (n >= 26 && strcmp(ns + n - 26, "wordprocessingml/2006/main") == 0) ||
           (n >= 21 && strcmp(ns + n - 21, "/wordprocessingml/main") == 0);
}

/* ---- the flow of text, shared by both formats ---- */

struct flow {
    struct pb__x *x;
    struct pb_buf block, notes, *cur;  /* cur: block, or notes while inside an ODT note */
    int kind, page, just_broke;
    char *href;                        /* the open hyperlink's target */
    struct pb_buf link_text;
    int in_link;
};

static int flow_flush(struct flow *f)
{
    int rc = 0;
    size_t i;
    struct pb_buf *b = f->cur;
    for (i = 0; i < b->len; i++)
        if (!(b->s[i] == ' ' || b->s[i] == '\t' || b->s[i] == '\n'))
            break;
    if (b == &f->notes) {
        /* notes are kept until the body is done; NUL ends each one */
        return 0;
    }
    if (i < b->len)
        rc = pb__x_text(f->x, f->page, (enum pb_block_kind)f->kind, b->s, b->len);
    pb_buf_reset(b);
    return rc;
}

static int flow_add(struct flow *f, const char *s, size_t n)
{
    if (!n)
        return 0;
    f->just_broke = 0;
    if (f->cur == &f->notes && f->notes.len + n > NOTES_MAX)
        return 0;
    if (pb_buf_add(f->cur, s, n))
        return pb__x_fail(f->x, PROBITY_ENOMEM, "out of memory");
    if (f->in_link && f->link_text.len < 4096)
        pb_buf_add(&f->link_text, s, n);
    if (f->cur == &f->block && f->block.len >= BLOCK_MAX) /* a huge paragraph: cut it */
        return flow_flush(f);
    return 0;
}

static int flow_page_break(struct flow *f, int rendered)
{
    int rc = 0;
    /* a rendered break right after an explicit one is the same break */
    if (rendered && f->just_broke)
        return 0;
    if (f->cur == &f->block && (rc = flow_flush(f)))
        return rc;
    f->page++;
    f->just_broke = 1;
    return 0;
}

static int flow_link_end(struct flow *f)
{
    int rc = 0;
    if (f->in_link && f->href) {
        struct pb_buf v = PB_BUF_INIT;
        if (pb_buf_adds(&v, f->href) ||
            (f->link_text.len && (pb_buf_addc(&v, '\t') || pb_buf_add(&v, f->link_text.s, f->link_text.len))))
            rc = pb__x_fail(f->x, PROBITY_ENOMEM, "out of memory");
        else
            rc = pb__x_meta(f->x, "link", v.s);
        pb_buf_release(&v);
    }
    free(f->href);
    f->href = NULL;
    f->in_link = 0;
    pb_buf_reset(&f->link_text);
    return rc;
}

static int flow_notes(struct flow *f)
{
    size_t i = 0;
    int rc = 0;
    f->cur = &f->block;
    while (i < f->notes.len && !rc) {
        size_t e = i;
        while (e < f->notes.len && f->notes.s[e])
            e++;
        if (e > i) {
            pb_buf_reset(&f->block);
            if (pb_buf_add(&f->block, f->notes.s + i, e - i))
                return pb__x_fail(f->x, PROBITY_ENOMEM, "out of memory");
            f->kind = PB_BLOCK_TEXT;
            rc = flow_flush(f);
        }
        i = e + 1;
    }
    return rc;
}

static void flow_release(struct flow *f)
{
    pb_buf_release(&f->block);
    pb_buf_release(&f->notes);
    pb_buf_release(&f->link_text);
    free(f->href);
}

/* ---- small metadata parts ---- */

struct metamap {
    const char *local, *key;
};

/* Read elements of a small XML part as metadata (dates normalised). */
static int read_meta(struct zarc *z, const char *part, const struct metamap *map, size_t nmap)
{
    struct zentry e;
    int rc, ret = 0;
    xmlTextReaderPtr r = zreader(z, part, &e, &rc);
    char *seen[16] = {0};
    if (!r)
        return rc;
    while (!rc && (ret = xmlTextReaderRead(r)) == 1) {
        if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT)
            continue;
        for (size_t i = 0; i < nmap && i < 16; i++) {
            xmlChar *v;
            char date[32];
            const char *val;
            if (strcmp(lname(r), map[i].local) != 0 || seen[i])
                continue;
            v = xmlTextReaderReadString(r);
            val = (const char *)v;
            if (v && (strcmp(map[i].key, "created") == 0 || strcmp(map[i].key, "modified") == 0)) {
                pb__x_date(val, 0, date);
                val = date;
            }
            if (val && *val) {
                seen[i] = "";
                rc = pb__x_meta(z->x, map[i].key, val);
            }
            xmlFree(v);
        }
    }
    return zreader_done(z, r, &e, ret, rc);
}

/* ---- DOCX ---- */

struct docx {
    struct zarc *z;
    struct flow f;
    struct pb_map rels;     /* hyperlink relationship id -> target */
    struct pb_map styles;   /* paragraph style id -> block kind + 1 */
};

static void free_str(void *p) { free(p); }

/* Relationships of a part: id -> target, for hyperlinks (or every type when type_suffix
 * is NULL). */
static int read_rels(struct zarc *z, const char *part, struct pb_map *out, const char *type_suffix)
{
    struct zentry e;
    int rc, ret = 0;
    xmlTextReaderPtr r = zreader(z, part, &e, &rc);
    if (!r)
        return rc;
    while (!rc && (ret = xmlTextReaderRead(r)) == 1) {
        char *id, *target, *type;
        if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT || strcmp(lname(r), "Relationship") != 0)
            continue;
        id = attr(r, "Id"), target = attr(r, "Target"), type = attr(r, "Type");
        if (id && target && type) {
            size_t tl = strlen(type), sl = type_suffix ? strlen(type_suffix) : 0;
            if (!type_suffix || (tl >= sl && strcmp(type + tl - sl, type_suffix) == 0)) {
                if (pb_map_put(out, id, target))
                    rc = pb__x_fail(z->x, PROBITY_ENOMEM, "out of memory");
                else
                    target = NULL;
            }
        }
        free(id), free(target), free(type);
    }
    return zreader_done(z, r, &e, ret, rc);
}

static int read_styles(struct docx *d)
{
    struct zentry e;
    int rc, ret = 0;
    xmlTextReaderPtr r = zreader(d->z, "word/styles.xml", &e, &rc);
    char *id = NULL;
    if (!r)
        return rc;
    while (!rc && (ret = xmlTextReaderRead(r)) == 1) {
        const char *n;
        if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT || !is_w(r))
            continue;
        n = lname(r);
        if (strcmp(n, "style") == 0) {
            free(id);
            id = attr(r, "styleId");
        } else if (id && (strcmp(n, "name") == 0 || strcmp(n, "outlineLvl") == 0)) {
            char *v = attr(r, "val");
            long kind = 0;
            if (v && strcmp(n, "name") == 0) {
                if (pb_startswith_ci(v, "heading"))
                    kind = PB_BLOCK_HEADING + 1;
                else if (pb_streq_ci(v, "title"))
                    kind = PB_BLOCK_TITLE + 1;
                else if (pb_startswith_ci(v, "list"))
                    kind = PB_BLOCK_LIST_ITEM + 1;
            } else if (v)
                kind = PB_BLOCK_HEADING + 1;
            if (kind && pb_map_put(&d->styles, id, (void *)kind))
                rc = pb__x_fail(d->z->x, PROBITY_ENOMEM, "out of memory");
            free(v);
        }
    }
    free(id);
    return zreader_done(d->z, r, &e, ret, rc);
}

/* Skip the current element's subtree; the reader then stands on the node after it, which
 * the caller must look at before reading on (*again). Returns the reader's status. */
static int skip_subtree(xmlTextReaderPtr r, int *again)
{
    if (xmlTextReaderIsEmptyElement(r))
        return 1;
    *again = 1;
    return xmlTextReaderNext(r);
}

/* Walk a DOCX story part (the document, footnotes, endnotes). */
static int docx_story(struct docx *d, const char *part, int notes)
{
    struct flow *f = &d->f;
    struct zentry e;
    int rc, ret = 0, in_ppr = 0, in_t = 0, cells = 0, again = 0;
    xmlTextReaderPtr r = zreader(d->z, part, &e, &rc);
    if (!r)
        return rc;
    while (!rc) {
        int type;
        const char *n;
        if (!again)
            ret = xmlTextReaderRead(r);
        again = 0;
        if (ret != 1)
            break;
        type = xmlTextReaderNodeType(r);
        n = lname(r);
        if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
            type == XML_READER_TYPE_WHITESPACE) {
            if (in_t) {
                const char *v = (const char *)xmlTextReaderConstValue(r);
                rc = flow_add(f, v, v ? strlen(v) : 0);
            }
            continue;
        }
        if (type == XML_READER_TYPE_END_ELEMENT) {
            if (!is_w(r))
                continue;
            if (strcmp(n, "t") == 0)
                in_t = 0;
            else if (strcmp(n, "pPr") == 0)
                in_ppr = 0;
            else if (strcmp(n, "p") == 0) {
                rc = flow_flush(f);
                f->kind = cells ? PB_BLOCK_TABLE_CELL : PB_BLOCK_TEXT;
            } else if (strcmp(n, "tc") == 0)
                cells--;
            else if (strcmp(n, "hyperlink") == 0)
                rc = flow_link_end(f);
            continue;
        }
        if (type != XML_READER_TYPE_ELEMENT)
            continue;
        /* copies of drawings for old readers, field codes, deleted text: not what a reader sees */
        if (strcmp(n, "Fallback") == 0 ||
            (is_w(r) && (strcmp(n, "instrText") == 0 || strcmp(n, "delText") == 0 || strcmp(n, "del") == 0 ||
                         strcmp(n, "moveFrom") == 0))) {
            ret = skip_subtree(r, &again);
            continue;
        }
        if (!is_w(r))
            continue;
        if (notes && (strcmp(n, "footnote") == 0 || strcmp(n, "endnote") == 0)) {
            char *t = attr(r, "type");
            int separator = t && strcmp(t, "normal") != 0;
            free(t);
            if (separator)
                ret = skip_subtree(r, &again);
            continue;
        }
        if (strcmp(n, "p") == 0) {
            rc = flow_flush(f);
            f->kind = cells ? PB_BLOCK_TABLE_CELL : PB_BLOCK_TEXT;
        } else if (strcmp(n, "pPr") == 0)
            in_ppr = !xmlTextReaderIsEmptyElement(r);
        else if (strcmp(n, "pStyle") == 0 && in_ppr) {
            char *v = attr(r, "val");
            long k = v ? (long)pb_map_get(&d->styles, v) : 0;
            if (!k && v && pb_startswith_ci(v, "heading"))
                k = PB_BLOCK_HEADING + 1;
            if (k)
                f->kind = (int)k - 1;
            free(v);
        } else if (strcmp(n, "numPr") == 0 && in_ppr) {
            if (f->kind == PB_BLOCK_TEXT)
                f->kind = PB_BLOCK_LIST_ITEM;
        } else if (strcmp(n, "outlineLvl") == 0 && in_ppr)
            f->kind = PB_BLOCK_HEADING;
        else if (strcmp(n, "t") == 0)
            in_t = !xmlTextReaderIsEmptyElement(r);
        else if (strcmp(n, "tab") == 0 && !in_ppr)
            rc = flow_add(f, "\t", 1);
        else if (strcmp(n, "br") == 0 || strcmp(n, "cr") == 0) {
            char *t = strcmp(n, "br") == 0 ? attr(r, "type") : NULL;
            if (t && strcmp(t, "page") == 0)
                rc = flow_page_break(f, 0);
            else
                rc = flow_add(f, "\n", 1);
            free(t);
        } else if (strcmp(n, "lastRenderedPageBreak") == 0 && !notes)
            rc = flow_page_break(f, 1);
        else if (strcmp(n, "noBreakHyphen") == 0)
            rc = flow_add(f, "-", 1);
        else if (strcmp(n, "tc") == 0 && !xmlTextReaderIsEmptyElement(r))
            cells++;
        else if (strcmp(n, "hyperlink") == 0 && !xmlTextReaderIsEmptyElement(r)) {
            char *id = attr(r, "id");
            const char *target = id ? pb_map_get(&d->rels, id) : NULL;
            rc = flow_link_end(f);
            if (!rc && target) {
                f->href = pb_strdup(target);
                f->in_link = f->href != NULL;
            }
            free(id);
        }
        if (!rc && ((++f->x->ncalls) & 1023) == 0)
            rc = pb__x_time(f->x);
    }
    if (!rc)
        rc = flow_flush(f);
    return zreader_done(d->z, r, &e, ret, rc);
}

static void pick_target(void *ctx, const char *key, void *value)
{
    char *dst = ctx;
    const char *v = value;
    (void)key;
    while (*v == '/')
        v++;
    if (*v)
        snprintf(dst, 512, "%s", v);
}

static int extract_docx(struct pb__x *x, struct zarc *z)
{
    static const struct metamap core[] = {{"title", "title"},     {"creator", "author"}, {"created", "created"},
                                          {"modified", "modified"}, {"language", "lang"},  {"subject", "subject"}};
    struct docx d;
    struct pb_map top = PB_MAP_INIT;
    char main_part[512], rels_part[600];
    const char *slash;
    int rc;
    memset(&d, 0, sizeof(d));
    d.z = z;
    d.f.x = x;
    d.f.cur = &d.f.block;
    d.f.page = 1;
    /* the package relationships name the main part; word/document.xml by custom */
    snprintf(main_part, sizeof(main_part), "word/document.xml");
    if ((rc = read_rels(z, "_rels/.rels", &top, "/officeDocument")))
        goto out;
    if (top.len == 1)
        pb_map_each(&top, pick_target, main_part);
    slash = strrchr(main_part, '/');
    snprintf(rels_part, sizeof(rels_part), "%.*s_rels/%s.rels", slash ? (int)(slash - main_part + 1) : 0, main_part,
             slash ? slash + 1 : main_part);
    if ((rc = read_meta(z, "docProps/core.xml", core, sizeof(core) / sizeof(core[0]))) ||
        (rc = read_rels(z, rels_part, &d.rels, "/hyperlink")) || (rc = read_styles(&d)))
        goto out;
    if (zip_name_locate(z->za, main_part, 0) < 0) {
        rc = pb__x_fail(x, PROBITY_EFORMAT, "not a word processing document (no %s in the archive)", main_part);
        goto out;
    }
    if ((rc = docx_story(&d, main_part, 0)))
        goto out;
    d.f.kind = PB_BLOCK_TEXT;
    if ((rc = docx_story(&d, "word/footnotes.xml", 1)) || (rc = docx_story(&d, "word/endnotes.xml", 1)))
        goto out;
out:
    pb_map_release(&top, free_str);
    pb_map_release(&d.rels, free_str);
    pb_map_release(&d.styles, NULL);
    flow_release(&d.f);
    return rc;
}

/* ---- ODT ---- */

static int is_ns(xmlTextReaderPtr r, const char *ns) { return strcmp(nsuri(r), ns) == 0; }

static int odt_body(struct pb__x *x, struct zarc *z)
{
    struct flow f;
    struct zentry e;
    int rc, ret = 0, again = 0, items = 0, cells = 0, note = 0, note_body = 0;
    xmlTextReaderPtr r = zreader(z, "content.xml", &e, &rc);
    memset(&f, 0, sizeof(f));
    f.x = x;
    f.cur = &f.block;
    f.page = 1;
    if (!r) {
        if (!rc)
            rc = pb__x_fail(x, PROBITY_EFORMAT, "not an OpenDocument text (no content.xml in the archive)");
        return rc;
    }
    while (!rc) {
        int type, empty;
        const char *n;
        if (!again)
            ret = xmlTextReaderRead(r);
        again = 0;
        if (ret != 1)
            break;
        type = xmlTextReaderNodeType(r);
        n = lname(r);
        if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) {
            const char *v = (const char *)xmlTextReaderConstValue(r);
            rc = flow_add(&f, v, v ? strlen(v) : 0);
            continue;
        }
        if (type == XML_READER_TYPE_END_ELEMENT) {
            if (is_ns(r, ODT_TEXT)) {
                if (strcmp(n, "p") == 0 || strcmp(n, "h") == 0) {
                    if (f.cur == &f.notes) {
                        if (pb_buf_addc(&f.notes, 0))
                            rc = pb__x_fail(x, PROBITY_ENOMEM, "out of memory");
                    } else
                        rc = flow_flush(&f);
                } else if (strcmp(n, "list-item") == 0)
                    items--;
                else if (strcmp(n, "a") == 0)
                    rc = flow_link_end(&f);
                else if (strcmp(n, "note-body") == 0) {
                    note_body = 0;
                    f.cur = &f.block;
                } else if (strcmp(n, "note") == 0)
                    note--;
            } else if (is_ns(r, ODT_TABLE) && strcmp(n, "table-cell") == 0)
                cells--;
            continue;
        }
        if (type != XML_READER_TYPE_ELEMENT)
            continue;
        empty = xmlTextReaderIsEmptyElement(r);
        if ((is_ns(r, ODT_OFFICE) && strcmp(n, "annotation") == 0) ||
            (is_ns(r, ODT_TEXT) && (strcmp(n, "tracked-changes") == 0 || strcmp(n, "note-citation") == 0)) ||
            (is_ns(r, ODT_SVG) && (strcmp(n, "title") == 0 || strcmp(n, "desc") == 0))) {
            /* comments, deleted text, note numbers that would glue onto the word before, and
             * the alternative text of drawings */
            ret = skip_subtree(r, &again);
            continue;
        }
        if (is_ns(r, ODT_TABLE) && strcmp(n, "table-cell") == 0 && !empty)
            cells++;
        if (!is_ns(r, ODT_TEXT))
            continue;
        if (strcmp(n, "p") == 0 || strcmp(n, "h") == 0) {
            if (f.cur == &f.block) {
                if ((rc = flow_flush(&f)))
                    break;
                f.kind = strcmp(n, "h") == 0 ? PB_BLOCK_HEADING
                         : cells             ? PB_BLOCK_TABLE_CELL
                         : items             ? PB_BLOCK_LIST_ITEM
                                             : PB_BLOCK_TEXT;
            }
        } else if (strcmp(n, "list-item") == 0 && !empty)
            items++;
        else if (strcmp(n, "note") == 0 && !empty)
            note++;
        else if (strcmp(n, "note-body") == 0 && !empty && note) {
            note_body = 1;
            f.cur = &f.notes;
        } else if (strcmp(n, "s") == 0) {
            char *c = attr(r, "c");
            long k = 1;
            if (c && (pb_parse_long(c, &k) != 0 || k < 1 || k > 1000))
                k = 1;
            for (long i = 0; i < k && !rc; i++)
                rc = flow_add(&f, " ", 1);
            free(c);
        } else if (strcmp(n, "tab") == 0)
            rc = flow_add(&f, "\t", 1);
        else if (strcmp(n, "line-break") == 0)
            rc = flow_add(&f, "\n", 1);
        else if (strcmp(n, "soft-page-break") == 0 && !note_body)
            rc = flow_page_break(&f, 1);
        else if (strcmp(n, "a") == 0 && !empty) {
            rc = flow_link_end(&f);
            if (!rc) {
                f.href = attr(r, "href");
                f.in_link = f.href != NULL;
            }
        }
        if (!rc && ((++x->ncalls) & 1023) == 0)
            rc = pb__x_time(x);
    }
    if (!rc)
        rc = flow_flush(&f);
    if (!rc)
        rc = flow_notes(&f);
    rc = zreader_done(z, r, &e, ret, rc);
    flow_release(&f);
    return rc;
}

static int extract_odt(struct pb__x *x, struct zarc *z)
{
    static const struct metamap meta[] = {{"title", "title"},           {"creator", "author"},
                                          {"initial-creator", "author"}, {"creation-date", "created"},
                                          {"date", "modified"},          {"language", "lang"},
                                          {"subject", "subject"}};
    int rc = read_meta(z, "meta.xml", meta, sizeof(meta) / sizeof(meta[0]));
    return rc ? rc : odt_body(x, z);
}

/* ---- entry points ---- */

enum pb_doc_type pb__office_sniff(struct pb__src *src)
{
    struct zarc z = {NULL, NULL};
    enum pb_doc_type t = PB_DOC_UNKNOWN;
    if (zopen(&z, src, 1) != 0)
        return PB_DOC_UNKNOWN;
    if (zip_name_locate(z.za, "word/document.xml", 0) >= 0)
        t = PB_DOC_DOCX;
    else if (zip_name_locate(z.za, "content.xml", 0) >= 0 && zip_name_locate(z.za, "mimetype", 0) >= 0) {
        zip_file_t *zf = zip_fopen(z.za, "mimetype", 0);
        char buf[64] = {0};
        if (zf) {
            zip_int64_t n = zip_fread(zf, buf, sizeof(buf) - 1);
            if (n > 0 && strncmp(buf, "application/vnd.oasis.opendocument.text", 39) == 0)
                t = PB_DOC_ODT;
            zip_fclose(zf);
        }
    }
    zip_discard(z.za);
    return t;
}

int pb__extract_office(struct pb__x *x, struct pb__src *src, enum pb_doc_type type)
{
    struct zarc z = {x, NULL};
    int rc = zopen(&z, src, 0);
    if (rc)
        return rc;
    rc = type == PB_DOC_ODT ? extract_odt(x, &z) : extract_docx(x, &z);
    zip_discard(z.za);
    return rc;
}
