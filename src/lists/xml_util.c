/* Streaming XML for the list loaders. Lists are read with libxml2's xmlTextReader so that
 * memory stays flat however long the file: each record element is expanded into a small
 * tree, turned into entities, and freed when the reader moves past it. Any error the parser
 * reports is fatal and keeps its line and column, because a list that parses only in part
 * would silently drop entries from a screening. User-defined entities are never expanded
 * (no DTD is loaded, no substitution is asked for), which keeps hostile files cheap. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include "lists/xml_util.h"
#include "probity/model.h"

#if LIBXML_VERSION >= 21200
static void on_error(void *ctx, const xmlError *e)
#else
static void on_error(void *ctx, xmlErrorPtr e)
#endif
{
    struct pb_xml *x = ctx;
    size_t n;
    if (!e)
        return;
    if (e->level == XML_ERR_WARNING) {
        if (x->sink && x->sink->warn && e->message) {
            char msg[256];
            snprintf(msg, sizeof(msg), "%s", e->message);
            n = strlen(msg);
            while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
                msg[--n] = 0;
            x->sink->warn(x->sink, x->path, e->line, "XML: %s", msg);
        }
        return;
    }
    if (x->perr)
        return; /* the first error is the cause; later ones are its echoes */
    x->perr = 1;
    x->pcode = e->code;
    x->pline = e->line;
    x->pcol = e->int2;
    snprintf(x->pmsg, sizeof(x->pmsg), "%s", e->message ? e->message : "parser error");
    n = strlen(x->pmsg);
    while (n && (x->pmsg[n - 1] == '\n' || x->pmsg[n - 1] == ' '))
        x->pmsg[--n] = 0;
    /* some messages carry a second line ("Bytes: 0xFF ..."); keep the error on one line */
    for (char *p = x->pmsg; (p = strchr(p, '\n'));)
        *p = ' ';
}

int pb__xml_open(struct pb_xml *x, const char *path, struct pb_sink *sink, struct probity_error *err)
{
    FILE *fp;
    memset(x, 0, sizeof(*x));
    x->path = path;
    x->sink = sink;
    x->err = err;
    /* libxml2 reports a missing file as a parse error; say what really happened */
    if (!(fp = fopen(path, "rb")))
        return x->rc = pb__err(err, PROBITY_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    fclose(fp);
#if LIBXML_VERSION < 21200
    /* before 2.12 libxml2 reports encoding and I/O errors outside the parser context */
    x->saved_handler = xmlStructuredError;
    x->saved_ctx = xmlStructuredErrorContext;
    x->handler_set = 1;
    xmlSetStructuredErrorFunc(x, on_error);
#endif
    x->r = xmlReaderForFile(path, NULL, XML_PARSE_NONET | XML_PARSE_COMPACT);
    if (!x->r)
        return x->rc = pb__err(err, PROBITY_EIO, path, 0, 0, "cannot read as XML");
    xmlTextReaderSetStructuredErrorHandler(x->r, on_error, x);
    return 0;
}

void pb__xml_close(struct pb_xml *x)
{
    pb__xml_record_done(x);
    free(x->scratch);
    x->scratch = NULL;
    x->capscratch = 0;
    if (x->r)
        xmlFreeTextReader(x->r);
    x->r = NULL;
    if (x->handler_set)
        xmlSetStructuredErrorFunc(x->saved_ctx, x->saved_handler);
    x->handler_set = 0;
}

/* Non-zero when nothing but white space follows byte `offset` of the file: an error there
 * means the document stops early, which the parser words in terms of its own state. */
static int only_space_after(const char *path, long long offset)
{
    FILE *fp = fopen(path, "rb");
    char buf[256];
    size_t n;
    int ok = 0;
    if (!fp || offset < 0 || fseeko(fp, (off_t)offset, SEEK_SET) != 0)
        goto out;
    n = fread(buf, 1, sizeof(buf), fp);
    if (n == sizeof(buf))
        goto out;
    ok = 1;
    for (size_t i = 0; i < n; i++)
        if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n' && buf[i] != '\r')
            ok = 0;
out:
    if (fp)
        fclose(fp);
    return ok;
}

/* Turn a failed reader call (or an error reported during a successful one) into x->err. */
static int parse_failed(struct pb_xml *x)
{
    if (x->rc)
        return x->rc;
    if (x->perr && only_space_after(x->path, xmlTextReaderByteConsumed(x->r)))
        /* "extra content at the end" is how libxml2 words elements left open at the end */
        return x->rc = pb__err(x->err, PROBITY_EPARSE, x->path, x->pline, x->pcol > 0 ? x->pcol : 0,
                               "the file ends before its XML is complete (truncated?)%s%s",
                               x->pcode == XML_ERR_DOCUMENT_END ? "" : ": ",
                               x->pcode == XML_ERR_DOCUMENT_END ? "" : x->pmsg);
    if (x->perr)
        return x->rc = pb__err(x->err, PROBITY_EPARSE, x->path, x->pline, x->pcol > 0 ? x->pcol : 0,
                               "malformed XML: %s", x->pmsg);
    return x->rc = pb__err(x->err, PROBITY_EPARSE, x->path, xmlTextReaderGetParserLineNumber(x->r),
                           xmlTextReaderGetParserColumnNumber(x->r), "malformed XML: the parser stopped here");
}

static int step(struct pb_xml *x, int ret)
{
    if (ret < 0 || x->perr)
        return parse_failed(x);
    return ret;
}

int pb__xml_read(struct pb_xml *x)
{
    if (x->rc)
        return x->rc;
    return step(x, xmlTextReaderRead(x->r));
}

int pb__xml_skip(struct pb_xml *x)
{
    if (x->rc)
        return x->rc;
    return step(x, xmlTextReaderNext(x->r));
}

xmlNodePtr pb__xml_expand(struct pb_xml *x)
{
    xmlNodePtr n;
    if (x->rc)
        return NULL;
    n = xmlTextReaderExpand(x->r);
    if (!n || x->perr) {
        parse_failed(x);
        return NULL;
    }
    return n;
}

const char *pb__xml_name(struct pb_xml *x)
{
    const xmlChar *s = xmlTextReaderConstLocalName(x->r);
    return s ? (const char *)s : "";
}

const char *pb__xml_node_name(const xmlNode *n)
{
    return n && n->name ? (const char *)n->name : "";
}

xmlNodePtr pb__xml_next_elem(const xmlNode *parent, const xmlNode *n, const char *name)
{
    xmlNodePtr c = n ? n->next : parent ? parent->children : NULL;
    for (; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && (!name || strcmp((const char *)c->name, name) == 0))
            return c;
    return NULL;
}

xmlNodePtr pb__xml_child(const xmlNode *parent, const char *name)
{
    return parent ? pb__xml_next_elem(parent, NULL, name) : NULL;
}

static int blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    return 1;
}

static int is_text(const xmlNode *c)
{
    return c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE;
}

const char *pb__xml_text(struct pb_xml *x, const xmlNode *elem)
{
    const xmlNode *c;
    struct pb_buf b = PB_BUF_INIT;
    if (!elem || !elem->children)
        return NULL;
    c = elem->children;
    /* the usual case, one text node, needs no copy */
    if (!c->next && is_text(c))
        return c->content && !blank((const char *)c->content) ? (const char *)c->content : NULL;
    for (; c; c = c->next)
        if (is_text(c) && c->content && pb_buf_adds(&b, (const char *)c->content))
            goto nomem;
    if (!b.len || blank(b.s)) {
        pb_buf_release(&b);
        return NULL;
    }
    if (x->nscratch == x->capscratch) {
        size_t cap = x->capscratch ? x->capscratch * 2 : 16;
        char **p = realloc(x->scratch, cap * sizeof(*p));
        if (!p)
            goto nomem;
        x->scratch = p;
        x->capscratch = cap;
    }
    x->scratch[x->nscratch++] = b.s;
    return b.s;
nomem:
    pb_buf_release(&b);
    if (!x->rc)
        x->rc = pb__err(x->err, PROBITY_ENOMEM, x->path, 0, 0, "out of memory");
    return NULL;
}

const char *pb__xml_child_text(struct pb_xml *x, const xmlNode *parent, const char *name)
{
    return pb__xml_text(x, pb__xml_child(parent, name));
}

void pb__xml_record_done(struct pb_xml *x)
{
    for (size_t i = 0; i < x->nscratch; i++)
        free(x->scratch[i]);
    x->nscratch = 0;
}

long pb__xml_line(const xmlNode *n)
{
    long l = n ? xmlGetLineNo(n) : 0;
    return l > 0 ? l : 0;
}

long pb__xml_cur_line(struct pb_xml *x)
{
    long l = pb__xml_line(xmlTextReaderCurrentNode(x->r));
    return l ? l : xmlTextReaderGetParserLineNumber(x->r);
}

int pb__xml_add(struct pb_xml *x, struct probity_entity *e, const char *prop, const char *value)
{
    int rc;
    if (!probity_prop_type(e->schema, prop))
        return 0;
    if (x->rc || !value)
        return 1;
    if ((rc = probity_entity_add(e, prop, value)))
        x->rc = pb__err(x->err, rc, x->path, 0, 0, "%s: cannot add %s to %s",
                        rc == PROBITY_ENOMEM ? "out of memory" : "invalid UTF-8", prop, e->id);
    return 1;
}

int pb__xml_add_date(struct pb_xml *x, struct probity_entity *e, const char *prop, const char *value)
{
    char iso[11];
    if (!value)
        return pb__xml_add(x, e, prop, NULL);
    return pb__xml_add(x, e, prop, pb_date_iso(value, iso) == 0 ? iso : value);
}

int pb__xml_add_country(struct pb_xml *x, struct probity_entity *e, const char *prop, const char *value)
{
    const char *code;
    char buf[128];
    if (!value)
        return pb__xml_add(x, e, prop, NULL);
    /* country tables match on clean text; the lists pad and wrap their values */
    snprintf(buf, sizeof(buf), "%s", value);
    code = strlen(value) < sizeof(buf) ? pb__country_code(pb_trim(buf)) : NULL;
    return pb__xml_add(x, e, prop, code ? code : value);
}

void pb__xml_join(struct pb_xml *x, struct pb_buf *b, const char *sep, const char *s)
{
    size_t n;
    if (!s || x->rc)
        return;
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    for (n = strlen(s); n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'); n--)
        ;
    if (!n)
        return;
    if ((b->len && pb_buf_adds(b, sep)) || pb_buf_add(b, s, n))
        x->rc = pb__err(x->err, PROBITY_ENOMEM, x->path, 0, 0, "out of memory");
}

void pb__xml_reset(struct pb_xml *x, struct probity_entity *e, const char *id, const char *schema)
{
    if (!x->rc && probity_entity_reset(e, id, schema))
        x->rc = pb__err(x->err, PROBITY_ENOMEM, x->path, 0, 0, "out of memory");
}

void pb__xml_emit(struct pb_xml *x, const struct probity_entity *e, long line)
{
    int rc;
    if (x->rc)
        return;
    if ((rc = x->sink->emit(x->sink, e, x->err))) {
        x->rc = rc;
        if (x->err && !x->err->file[0]) {
            snprintf(x->err->file, sizeof(x->err->file), "%s", x->path);
            x->err->line = line;
        }
    }
}

int pb__xml_fail(struct pb_xml *x, int code, long line, const char *fmt, ...)
{
    va_list ap;
    char msg[400];
    if (x->rc)
        return x->rc;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return x->rc = pb__err(x->err, code, x->path, line, 0, "%s", msg);
}
