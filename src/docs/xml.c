/* Generic XML documents, such as the Federal Register's GPO XML (<RULE>, <NOTICE> with P,
 * HD, FP ... elements). libxml2's streaming reader walks the file with no DTD, no entity
 * loading and no network; the bytes are converted to UTF-8 first, the same way as for
 * HTML. Every text node is kept. Blocks follow the elements, except that an element is
 * taken as inline when its parent holds text of its own around it (mixed content, like
 * <E>emphasis</E> or <SU>1</SU> inside a paragraph) or when its name is one of the usual
 * inline ones: its text then joins the sentence it belongs to, as a reader sees it. Since
 * text after an element is only seen later, the break after an element is decided when
 * the next text arrives. */
#define _GNU_SOURCE /* memmem */
#include <string.h>
#include <libxml/xmlreader.h>
#include "docs/extract_int.h"
#include "text/charset.h"

#define CHUNK (1u << 20)
#define MAX_DEPTH 512
#define BLOCK_MAX (1u << 20)

static const char *const inline_names[] = {
    "a", "ac", "abbr", "b", "bold", "code", "e", "em", "emph", "emphasis", "font", "fr", "ftref", "hi", "i",
    "italic", "link", "prtpage", "q", "quote", "s", "small", "span", "strong", "sub", "su", "sup", "tt", "u",
    "xref", "ref", "footnoteref", "noteref", "lb", "pb", "name", "date", "term", "persname", "orgname",
    "placename",
};
static const char *const heading_names[] = {"hd", "head", "heading", "h1", "h2", "h3", "h4", "h5", "h6", "subject"};
static const char *const item_names[] = {"li", "item", "listitem"};
static const char *const cell_names[] = {"td", "th", "ent", "entry", "cell", "ched"};

static int in_list(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (pb_streq_ci(name, list[i]))
            return 1;
    return 0;
}
#define IN(name, list) in_list(name, list, sizeof(list) / sizeof(list[0]))

struct xel {
    unsigned char inl, has_text, kind;
};

struct xstate {
    struct pb__x *x;
    struct pb__src *src;
    struct pb_conv *conv;
    struct pb_buf in;             /* converted bytes not yet given to the reader */
    size_t inpos;
    char *raw;
    int eof, rc;
    struct xel stack[MAX_DEPTH];
    int depth, overflow;
    struct pb_buf block;
    int block_kind, space;
    int pending;                  /* a break is due after a closed element ... */
    int pending_depth;            /* ... unless text follows directly in this one */
    struct pb_buf title;
    int want_title;               /* reading the text of a title element */
    int title_done;
    char *published, *lang;
    /* the first parser error */
    int perr;
    long pline, pcol;
    char pmsg[256];
};

static int io_read(void *ctx, char *buf, int len)
{
    struct xstate *s = ctx;
    while (s->inpos >= s->in.len && !s->eof) {
        long got = pb__src_read(s->src, s->raw, CHUNK);
        if (got < 0)
            return -1;
        pb_buf_reset(&s->in);
        s->inpos = 0;
        if (pb_conv_run(s->conv, s->raw, (size_t)got, got == 0, &s->in))
            return -1;
        for (size_t i = 0; i < s->in.len; i++)
            if (!s->in.s[i])
                s->in.s[i] = ' '; /* a NUL would end the parser's strings */
        if (got == 0)
            s->eof = 1;
    }
    {
        size_t n = s->in.len - s->inpos;
        if (n > (size_t)len)
            n = (size_t)len;
        if (n)
            memcpy(buf, s->in.s + s->inpos, n);
        s->inpos += n;
        return (int)n;
    }
}

static void on_error(void *ctx, xmlErrorPtr e)
{
    struct xstate *s = ctx;
    size_t n;
    if (!e || s->perr || e->level < XML_ERR_ERROR)
        return;
    s->perr = 1;
    s->pline = e->line;
    s->pcol = e->int2;
    snprintf(s->pmsg, sizeof(s->pmsg), "%s", e->message ? e->message : "malformed XML");
    n = strlen(s->pmsg);
    while (n && (s->pmsg[n - 1] == '\n' || s->pmsg[n - 1] == ' '))
        s->pmsg[--n] = 0;
}

static int flush(struct xstate *s)
{
    int rc = 0;
    s->pending = 0;
    if (s->block.len)
        rc = pb__x_text(s->x, 1, (enum pb_block_kind)s->block_kind, s->block.s, s->block.len);
    pb_buf_reset(&s->block);
    s->space = 0;
    return rc;
}

static int add_text(struct xstate *s, const char *t, size_t n)
{
    size_t i = 0;
    int rc;
    while (i < n) {
        size_t j;
        char c = t[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            s->space = 1;
            i++;
            continue;
        }
        for (j = i; j < n && !(t[j] == ' ' || t[j] == '\t' || t[j] == '\n' || t[j] == '\r'); j++)
            ;
        if (s->pending) {
            /* text right inside the element the closed one sits in: that one was inline */
            if (s->depth == s->pending_depth)
                s->pending = 0;
            else if ((rc = flush(s)))
                return rc;
        }
        if (!s->block.len) { /* the block takes the kind of the innermost element that gives one */
            s->block_kind = PB_BLOCK_TEXT;
            for (int d = (s->depth < MAX_DEPTH ? s->depth : MAX_DEPTH) - 1; d >= 0; d--)
                if (s->stack[d].kind != PB_BLOCK_TEXT) {
                    s->block_kind = s->stack[d].kind;
                    break;
                }
        }
        if ((s->space && s->block.len && pb_buf_addc(&s->block, ' ')) || pb_buf_add(&s->block, t + i, j - i))
            return pb__x_fail(s->x, PROBITY_ENOMEM, "out of memory");
        if (s->want_title && s->title.len < 1024) {
            if (s->space && s->title.len)
                pb_buf_addc(&s->title, ' ');
            pb_buf_add(&s->title, t + i, j - i);
        }
        s->space = 0;
        if (s->depth > 0 && s->depth <= MAX_DEPTH)
            s->stack[s->depth - 1].has_text = 1;
        i = j;
        if (s->block.len >= BLOCK_MAX && (rc = flush(s))) /* cut a huge block between words */
            return rc;
    }
    return 0;
}

static int start_el(struct xstate *s, xmlTextReaderPtr r)
{
    const char *name = (const char *)xmlTextReaderConstLocalName(r);
    const char *ns = (const char *)xmlTextReaderConstNamespaceUri(r);
    struct xel *e;
    int rc;
    if (!name)
        name = "";
    if (s->depth >= MAX_DEPTH) {
        s->overflow++;
        return 0;
    }
    if (s->depth == 0) {
        xmlChar *lang = xmlTextReaderXmlLang(r);
        if (lang && !s->lang)
            s->lang = pb_strdup((const char *)lang);
        xmlFree(lang);
    }
    e = &s->stack[s->depth];
    e->has_text = 0;
    e->inl = IN(name, inline_names) || (s->depth > 0 && s->stack[s->depth - 1].has_text);
    e->kind = IN(name, heading_names) ? PB_BLOCK_HEADING
              : IN(name, item_names)  ? PB_BLOCK_LIST_ITEM
              : IN(name, cell_names)  ? PB_BLOCK_TABLE_CELL
                                      : PB_BLOCK_TEXT;
    if (e->inl)
        e->kind = PB_BLOCK_TEXT;
    else if (s->block.len && (rc = flush(s)))
        return rc;
    else
        s->pending = 0;
    s->depth++;
    /* the document's title: <title> (Atom, DocBook, Dublin Core) or a Federal Register
     * <SUBJECT>; an upper-case TITLE there is a signer's title, not the document's */
    if (!s->title_done && !s->want_title &&
        (strcmp(name, "title") == 0 || strcmp(name, "SUBJECT") == 0 ||
         (ns && strstr(ns, "purl.org/dc") && pb_streq_ci(name, "title"))))
        s->want_title = s->depth;
    if (!s->published && (strcmp(name, "pubDate") == 0 || strcmp(name, "published") == 0 ||
                          (ns && strstr(ns, "purl.org/dc") && strcmp(name, "date") == 0))) {
        xmlChar *v = xmlTextReaderReadString(r);
        if (v && *v)
            s->published = pb_strdup((const char *)v);
        xmlFree(v);
    }
    return 0;
}

static int end_el(struct xstate *s)
{
    struct xel *e;
    if (s->overflow) {
        s->overflow--;
        return 0;
    }
    if (s->depth == 0)
        return 0;
    e = &s->stack[--s->depth];
    if (s->want_title && s->want_title == s->depth + 1) {
        s->want_title = 0;
        s->title_done = s->title.len > 0;
    }
    if (e->inl)
        return 0;
    if (s->pending && s->pending_depth > s->depth) {
        int rc = flush(s);
        if (rc)
            return rc;
    }
    if (s->block.len) {
        s->pending = 1;
        s->pending_depth = s->depth;
    }
    return 0;
}

int pb__extract_xml(struct pb__x *x, struct pb__src *src)
{
    struct xstate s;
    xmlTextReaderPtr r = NULL;
    char enc[32], decl[32], head[4096];
    size_t bom = 0;
    long n;
    int rc = 0, ret;
    xmlStructuredErrorFunc saved = xmlStructuredError;
    void *saved_ctx = xmlStructuredErrorContext;
    memset(&s, 0, sizeof(s));
    s.x = x;
    s.src = src;
    if (!(s.raw = malloc(CHUNK))) {
        rc = pb__x_fail(x, PROBITY_ENOMEM, "out of memory");
        goto out;
    }
    /* the encoding: forced, else byte order mark, else the declaration, else a guess */
    n = pb__src_read(src, head, sizeof(head));
    if (n < 0 || (rc = pb__src_rewind(src))) {
        rc = pb__x_fail(x, PROBITY_EIO, "read error");
        goto out;
    }
    if (x->encoding) {
        if (!pb_charset_canon(x->encoding, enc)) {
            rc = pb__x_fail(x, PROBITY_EINVAL, "unknown encoding '%s'", x->encoding);
            goto out;
        }
    } else {
        if (pb_charset_guess(head, (size_t)n, (size_t)n < sizeof(head), 1, enc, &bom) != 0) {
            rc = pb__x_fail(x, PROBITY_EFORMAT, "unsupported type (binary data: NUL bytes)");
            goto out;
        }
        if (!bom && (size_t)n > 5 && strncmp(head, "<?xml", 5) == 0) {
            const char *e = memchr(head, '>', (size_t)n), *p = e ? memmem(head, (size_t)(e - head), "encoding", 8) : NULL;
            if (p) {
                size_t k = 0;
                p += 8;
                while (p < e && (*p == ' ' || *p == '=' || *p == '"' || *p == '\''))
                    p++;
                while (p + k < e && k < 31 && p[k] != '"' && p[k] != '\'' && p[k] != ' ' && p[k] != '?')
                    k++;
                snprintf(decl, sizeof(decl), "%.*s", (int)k, p);
                if (k && pb_charset_canon(decl, decl) && strncmp(decl, "UTF-16", 6) != 0)
                    snprintf(enc, sizeof(enc), "%s", decl);
            }
        }
    }
    if ((rc = pb_conv_open(&s.conv, enc, x->err))) {
        rc = pb__x_fail(x, rc, "cannot read %s text", enc);
        goto out;
    }
    if (bom) { /* skip the mark: the converter would pass it on as a character */
        char skip[4];
        if (pb__src_read(src, skip, bom) != (long)bom) {
            rc = pb__x_fail(x, PROBITY_EIO, "read error");
            goto out;
        }
    }
    r = xmlReaderForIO(io_read, NULL, &s, x->name, "UTF-8",
                       XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                           XML_PARSE_IGNORE_ENC | XML_PARSE_RECOVER);
    if (!r) {
        rc = pb__x_fail(x, PROBITY_ENOMEM, "cannot create an XML reader");
        goto out;
    }
    xmlTextReaderSetStructuredErrorHandler(r, on_error, &s);
    xmlSetStructuredErrorFunc(&s, on_error);
    while ((ret = xmlTextReaderRead(r)) == 1) {
        int type = xmlTextReaderNodeType(r);
        if (type == XML_READER_TYPE_ELEMENT) {
            int empty = xmlTextReaderIsEmptyElement(r);
            if ((rc = start_el(&s, r)) || (empty && (rc = end_el(&s))))
                goto out;
        } else if (type == XML_READER_TYPE_END_ELEMENT) {
            if ((rc = end_el(&s)))
                goto out;
        } else if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
                   type == XML_READER_TYPE_WHITESPACE || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) {
            const char *v = (const char *)xmlTextReaderConstValue(r);
            if (v && (rc = add_text(&s, v, strlen(v))))
                goto out;
        }
        if ((++x->ncalls & 1023) == 0 && (rc = pb__x_time(x)))
            goto out;
    }
    if (ret < 0) {
        rc = pb__err(x->err, PROBITY_EPARSE, x->name, s.pline, s.pcol, "malformed XML: %s",
                     s.perr ? s.pmsg : "parse error");
        goto out;
    }
    if ((rc = flush(&s)))
        goto out;
    if (!x->embedded) {
        char date[32];
        if (s.title.len && (rc = pb__x_meta(x, "title", s.title.s)))
            goto out;
        if (s.published) {
            pb__x_date(s.published, 1, date);
            if ((rc = pb__x_meta(x, "published", date)))
                goto out;
        }
        if (s.lang && (rc = pb__x_meta(x, "lang", s.lang)))
            goto out;
    }
out:
    xmlSetStructuredErrorFunc(saved_ctx, saved);
    if (r)
        xmlFreeTextReader(r);
    pb_conv_close(s.conv);
    pb_buf_release(&s.in);
    pb_buf_release(&s.block);
    pb_buf_release(&s.title);
    free(s.published);
    free(s.lang);
    free(s.raw);
    return rc;
}
