/* HTML and XHTML. libxml2's HTML parser runs in push mode with SAX callbacks and no tree,
 * so memory stays bounded however large the page, and its error recovery keeps the text of
 * broken markup. The bytes are converted to UTF-8 before parsing, from the encoding a BOM,
 * a <meta> or the XML declaration states, else from a detected one; the parser is told to
 * ignore the page's own declaration so that it never converts twice.
 *
 * What is kept is what a reader of the page reads: blocks for headings, paragraphs, list
 * items and table cells, inline markup joined without adding spaces (a name split by
 * <strong> stays one word), runs of white space collapsed to one space. Scripts, styles,
 * navigation, page headers and footers, asides, forms and hidden parts are boilerplate, but
 * real pages are not always tidy: some frameworks wrap the whole page in a <form>, and an
 * unclosed <nav> or <header> swallows everything after it. So these parts are held back
 * rather than dropped, and released as content as soon as they hold more plain text than
 * a menu or a search box would; when an <article>, <main> or <h1> starts inside one, the
 * content starts there and what was held is dropped; what is still held when the part
 * closes is dropped too. */
#define _GNU_SOURCE /* memmem */
#include <limits.h>
#include <string.h>
#include <stddef.h>
#include <strings.h>
#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <libxml/uri.h>
#include "docs/extract_int.h"
#include "text/charset.h"

#define CHUNK (1u << 20)
#define MAX_DEPTH 512
#define BLOCK_MAX (1u << 20) /* a block longer than this is cut, to bound memory */
#define HOLD_RELEASE 2000 /* bytes of text outside links that make a held part content */
#define HOLD_MAX (4u << 20) /* never hold more than this */

/* element flags */
enum {
    F_BLOCK = 1, F_DROP = 2, F_PRE = 4, F_CONTENT = 8 /* article, main: headers inside are kept */,
    F_HOLD = 16 /* boilerplate unless it proves otherwise */, F_MARKER = 32 /* proves a held part is content */,
    F_CONTAINER = 64 /* a paragraph inside is text, whatever holds the container (current_kind) */
};

/* elements looked at for more than their flags */
enum { T_OTHER, T_A, T_BASE, T_BODY, T_HEADER, T_HTML, T_LINK, T_META, T_TIME };

struct tag {
    const char *name;
    unsigned char flags, kind, id;
};

static const struct tag tags[] = {
    {"a", 0, 0, T_A},
    {"address", F_BLOCK, PB_BLOCK_TEXT, T_OTHER},
    {"article", F_BLOCK | F_CONTENT | F_MARKER | F_CONTAINER, PB_BLOCK_TEXT, T_OTHER},
    {"aside", F_BLOCK | F_HOLD, PB_BLOCK_TEXT, T_OTHER},
    {"audio", F_DROP, 0, T_OTHER},
    {"base", 0, 0, T_BASE},
    {"blockquote", F_BLOCK, PB_BLOCK_TEXT, T_OTHER},
    {"body", F_BLOCK | F_CONTAINER, PB_BLOCK_TEXT, T_BODY},
    {"br", F_BLOCK, PB_BLOCK_TEXT, T_OTHER},
    {"canvas", F_DROP, 0, T_OTHER},
    {"caption", F_BLOCK, PB_BLOCK_TEXT, T_OTHER},
    {"center", F_BLOCK, PB_BLOCK_TEXT, T_OTHER},
    {"dd", F_BLOCK, PB_BLOCK_LIST_ITEM, T_OTHER},
    {"details", F_BLOCK, PB_BLOCK_TEXT, T_OTHER},
    {"dialog", F_BLOCK, PB_BLOCK_TEXT, T_OTHER},
    {"dir", F_BLOCK, PB_BLOCK_TEXT, T_OTHER},
    {"div", F_BLOCK, PB_BLOCK_TEXT, T_OTHER},
    {"dl", F_BLOCK | F_CONTAINER, PB_BLOCK_TEXT, T_OTHER},
    {"dt", F_BLOCK, PB_BLOCK_LIST_ITEM, T_OTHER},
    {"embed", F_DROP, 0, T_OTHER},
    {"fieldset", F_BLOCK, PB_BLOCK_TEXT, T_OTHER},
    {"figcaption", F_BLOCK, PB_BLOCK_TEXT, T_OTHER},
    {"figure", F_BLOCK, PB_BLOCK_TEXT, T_OTHER},
    {"footer", F_BLOCK | F_HOLD, PB_BLOCK_TEXT, T_OTHER},
    {"form", F_BLOCK | F_HOLD, PB_BLOCK_TEXT, T_OTHER},
    {"frameset", F_BLOCK, PB_BLOCK_TEXT, T_OTHER},
    {"h1", F_BLOCK | F_MARKER, PB_BLOCK_HEADING, T_OTHER},
    {"h2", F_BLOCK, PB_BLOCK_HEADING, T_OTHER},
    {"h3", F_BLOCK, PB_BLOCK_HEADING, T_OTHER},
    {"h4", F_BLOCK, PB_BLOCK_HEADING, T_OTHER},
    {"h5", F_BLOCK, PB_BLOCK_HEADING, T_OTHER},
    {"h6", F_BLOCK, PB_BLOCK_HEADING, T_OTHER},
    {"head", F_BLOCK, PB_BLOCK_TEXT, T_OTHER},
    {"header", F_BLOCK, PB_BLOCK_TEXT, T_HEADER}, /* dropped unless inside article/main, see open_el */
    {"hgroup", F_BLOCK, PB_BLOCK_TEXT, T_OTHER},
    {"hr", F_BLOCK, PB_BLOCK_TEXT, T_OTHER},
    {"html", F_BLOCK, PB_BLOCK_TEXT, T_HTML},
    {"iframe", F_DROP, 0, T_OTHER},
    {"legend", F_BLOCK, PB_BLOCK_TEXT, T_OTHER},
    {"li", F_BLOCK, PB_BLOCK_LIST_ITEM, T_OTHER},
    {"link", 0, 0, T_LINK},
    {"listing", F_BLOCK | F_PRE, PB_BLOCK_TEXT, T_OTHER},
    {"main", F_BLOCK | F_CONTENT | F_MARKER | F_CONTAINER, PB_BLOCK_TEXT, T_OTHER},
    {"map", F_DROP, 0, T_OTHER},
    {"math", F_DROP, 0, T_OTHER},
    {"menu", F_BLOCK, PB_BLOCK_TEXT, T_OTHER},
    {"meta", 0, 0, T_META},
    {"nav", F_BLOCK | F_HOLD, PB_BLOCK_TEXT, T_OTHER},
    {"noembed", F_DROP, 0, T_OTHER},
    {"noframes", F_DROP, 0, T_OTHER},
    {"noscript", F_DROP, 0, T_OTHER},
    {"object", F_DROP, 0, T_OTHER},
    {"ol", F_BLOCK | F_CONTAINER, PB_BLOCK_TEXT, T_OTHER},
    {"option", F_DROP, 0, T_OTHER},
    {"p", F_BLOCK, PB_BLOCK_TEXT, T_OTHER},
    {"plaintext", F_BLOCK | F_PRE, PB_BLOCK_TEXT, T_OTHER},
    {"pre", F_BLOCK | F_PRE, PB_BLOCK_TEXT, T_OTHER},
    {"script", F_DROP, 0, T_OTHER},
    {"section", F_BLOCK | F_CONTAINER, PB_BLOCK_TEXT, T_OTHER},
    {"select", F_DROP, 0, T_OTHER},
    {"style", F_DROP, 0, T_OTHER},
    {"summary", F_BLOCK, PB_BLOCK_TEXT, T_OTHER},
    {"svg", F_DROP, 0, T_OTHER},
    {"table", F_BLOCK | F_CONTAINER, PB_BLOCK_TEXT, T_OTHER},
    {"tbody", F_BLOCK, PB_BLOCK_TEXT, T_OTHER},
    {"td", F_BLOCK, PB_BLOCK_TABLE_CELL, T_OTHER},
    {"template", F_DROP, 0, T_OTHER},
    {"textarea", F_DROP, 0, T_OTHER},
    {"tfoot", F_BLOCK, PB_BLOCK_TEXT, T_OTHER},
    {"th", F_BLOCK, PB_BLOCK_TABLE_CELL, T_OTHER},
    {"thead", F_BLOCK, PB_BLOCK_TEXT, T_OTHER},
    {"time", 0, 0, T_TIME},
    {"title", F_BLOCK, PB_BLOCK_TITLE, T_OTHER},
    {"tr", F_BLOCK, PB_BLOCK_TEXT, T_OTHER},
    {"ul", F_BLOCK | F_CONTAINER, PB_BLOCK_TEXT, T_OTHER},
    {"video", F_DROP, 0, T_OTHER},
    {"xmp", F_BLOCK | F_PRE, PB_BLOCK_TEXT, T_OTHER},
};

static const struct tag *find_tag(const char *name)
{
    size_t lo = 0, hi = sizeof(tags) / sizeof(tags[0]);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(name, tags[mid].name);
        if (c == 0)
            return &tags[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

struct el {
    const xmlChar *name;      /* the parser's dictionary string, alive for the whole parse */
    unsigned char flags, kind, dropped, id;
};

struct held {                 /* a block or link held back while a part is undecided */
    int kind;                 /* -1 for a link */
    char *text;
    size_t len;
};

/* document-level metadata; first found wins within each */
enum { M_TITLE, M_OGTITLE, M_CANON, M_OGURL, M_BASE, M_PUBLISHED, M_TIME, M_MODIFIED, M_AUTHOR, M_LANG, M_COUNT };

struct hstate {
    struct pb__x *x;
    htmlParserCtxtPtr ctxt;
    int rc;
    int depth, overflow, skip, pre, content, body_seen;
    struct pb_buf block;       /* the current block, white space collapsed */
    int space;                 /* a space is due before the next text */
    int link_only;             /* the block so far is the text of links only */
    int in_link, link_space;
    char *href;
    struct pb_buf link_text;
    /* a boilerplate part being held back */
    int hold;                  /* stack depth of the part's element (1-based), 0 when none */
    size_t held_text, held_bytes; /* text outside links / everything held */
    struct held *held;
    size_t nheld, capheld;
    char *meta[M_COUNT];
    struct el stack[MAX_DEPTH];   /* last: entries are written when pushed, never zeroed */
};

static void fail(struct hstate *h, int rc)
{
    if (!h->rc)
        h->rc = rc;
    if (h->ctxt)
        xmlStopParser(h->ctxt);
}

static void set_meta(struct hstate *h, int which, const char *value)
{
    while (value && (*value == ' ' || *value == '\t' || *value == '\n' || *value == '\r'))
        value++;
    if (h->meta[which] || !value || !*value)
        return;
    if (!(h->meta[which] = pb_strdup(value)))
        fail(h, pb__x_fail(h->x, PROBITY_ENOMEM, "out of memory"));
}

static const char *attr(const xmlChar **atts, const char *name)
{
    for (size_t i = 0; atts && atts[i]; i += 2)
        if (pb_streq_ci((const char *)atts[i], name))
            return atts[i + 1] ? (const char *)atts[i + 1] : "";
    return NULL;
}

/* Hand over a block or a link, or hold it while a part is undecided. */
static void out(struct hstate *h, int kind, const char *s, size_t n)
{
    int rc;
    if (h->hold) {
        struct held *e;
        if (h->nheld == h->capheld) {
            size_t cap = h->capheld ? h->capheld * 2 : 16;
            struct held *p = realloc(h->held, cap * sizeof(*p));
            if (!p) {
                fail(h, pb__x_fail(h->x, PROBITY_ENOMEM, "out of memory"));
                return;
            }
            h->held = p, h->capheld = cap;
        }
        e = &h->held[h->nheld];
        if (!(e->text = pb_strndup(s, n))) {
            fail(h, pb__x_fail(h->x, PROBITY_ENOMEM, "out of memory"));
            return;
        }
        e->kind = kind, e->len = n;
        h->nheld++;
        h->held_bytes += n;
        return;
    }
    if (kind < 0)
        rc = pb__x_meta(h->x, "link", s);
    else
        rc = pb__x_text(h->x, 1, (enum pb_block_kind)kind, s, n);
    if (rc)
        fail(h, rc);
}

/* The part held back turns out to be content: hand over what was held, stop holding. */
static void release_hold(struct hstate *h)
{
    size_t n = h->nheld;
    h->hold = 0;
    h->held_text = 0;
    for (size_t i = 0; i < n; i++) {
        if (!h->rc)
            out(h, h->held[i].kind, h->held[i].text, h->held[i].len);
        free(h->held[i].text);
    }
    h->nheld = 0;
    h->held_bytes = 0;
}

static void drop_held(struct hstate *h)
{
    for (size_t i = 0; i < h->nheld; i++)
        free(h->held[i].text);
    h->nheld = 0;
    h->held_bytes = 0;
    h->held_text = 0;
}

/* The kind of the innermost element that gives one: a paragraph in a list item is a list
 * item, but a list item that holds a whole article (broken pages do that) does not make
 * the article's paragraphs list items. */
static int current_kind(const struct hstate *h)
{
    for (int i = (h->depth < MAX_DEPTH ? h->depth : MAX_DEPTH) - 1; i >= 0; i--) {
        if (h->stack[i].kind != PB_BLOCK_TEXT)
            return h->stack[i].kind;
        if (h->stack[i].flags & F_CONTAINER)
            return PB_BLOCK_TEXT;
    }
    return PB_BLOCK_TEXT;
}

static void flush(struct hstate *h)
{
    int kind;
    if (!h->block.len)
        goto done;
    kind = current_kind(h);
    if (kind == PB_BLOCK_TEXT && h->link_only)
        kind = PB_BLOCK_LINK;
    if (kind == PB_BLOCK_TITLE) {
        /* only the page's own title: later ones are tooltips of inline graphics */
        if (!h->meta[M_TITLE] && !h->body_seen && !h->x->embedded) {
            set_meta(h, M_TITLE, h->block.s);
            out(h, kind, h->block.s, h->block.len);
        }
        goto done;
    }
    out(h, kind, h->block.s, h->block.len);
    if (h->hold && (h->held_text >= HOLD_RELEASE || h->held_bytes >= HOLD_MAX))
        release_hold(h);
done:
    pb_buf_reset(&h->block);
    h->space = 0;
    h->link_only = 0;
}

static int is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

static void add_text(struct hstate *h, const unsigned char *s, size_t n)
{
    size_t i = 0;
    /* Outside links and held text, and when this text cannot fill the block, words that
     * one plain space separates go in together: collapsing white space would write the
     * same bytes, one call per run rather than per word. */
    int runs = !h->hold && !h->in_link && h->block.len + n + 1 < BLOCK_MAX;
    if (h->pre) {
        if (h->block.len == 0)
            h->link_only = h->in_link;
        else if (!h->in_link)
            h->link_only = 0;
        if (pb_buf_add(&h->block, (const char *)s, n) ||
            (h->in_link && h->link_text.len < 4096 && pb_buf_add(&h->link_text, (const char *)s, n)))
            fail(h, pb__x_fail(h->x, PROBITY_ENOMEM, "out of memory"));
        if (h->hold && !h->in_link)
            h->held_text += n;
        if (h->block.len >= BLOCK_MAX)
            flush(h);
        return;
    }
    while (i < n) {
        size_t j;
        if (is_space(s[i])) {
            h->space = h->link_space = 1;
            i++;
            continue;
        }
        if (s[i] == 0xC2 && i + 1 < n && s[i + 1] == 0xA0) { /* no-break space */
            h->space = h->link_space = 1;
            i += 2;
            continue;
        }
        for (j = i; j < n; j++)
            if ((is_space(s[j]) || (s[j] == 0xC2 && j + 1 < n && s[j + 1] == 0xA0)) &&
                (!runs || s[j] != ' ' || j + 1 >= n || is_space(s[j + 1]) ||
                 (s[j + 1] == 0xC2 && j + 2 < n && s[j + 2] == 0xA0)))
                break;
        if (h->block.len == 0)
            h->link_only = h->in_link;
        else if (!h->in_link)
            h->link_only = 0;
        if ((h->space && h->block.len && pb_buf_addc(&h->block, ' ')) ||
            pb_buf_add(&h->block, (const char *)s + i, j - i)) {
            fail(h, pb__x_fail(h->x, PROBITY_ENOMEM, "out of memory"));
            return;
        }
        if (h->hold && !h->in_link)
            h->held_text += j - i;
        if (h->in_link && h->link_text.len < 4096) {
            if (h->link_space && h->link_text.len)
                pb_buf_addc(&h->link_text, ' ');
            pb_buf_add(&h->link_text, (const char *)s + i, j - i);
        }
        h->space = h->link_space = 0;
        i = j;
        if (h->block.len >= BLOCK_MAX) /* one huge paragraph: cut it between words */
            flush(h);
    }
}

static void on_text(void *ctx, const xmlChar *ch, int len)
{
    struct hstate *h = ctx;
    if (h->rc || h->skip || len <= 0)
        return;
    add_text(h, ch, (size_t)len);
}

static void on_cdata(void *ctx, const xmlChar *ch, int len)
{
    /* the content of <script> and <style> comes here: never text */
    (void)ctx, (void)ch, (void)len;
}

/* A link's target, resolved against the page's base when it is relative; NULL for links
 * that lead nowhere outside the page. Returns a malloc'd string. */
static char *link_target(struct hstate *h, const char *href)
{
    const char *base = h->meta[M_BASE] ? h->meta[M_BASE] : h->meta[M_CANON] ? h->meta[M_CANON] : h->meta[M_OGURL];
    xmlChar *abs;
    char *r;
    while (*href == ' ' || *href == '\t' || *href == '\n' || *href == '\r')
        href++;
    if (!*href || *href == '#' || pb_startswith_ci(href, "javascript:"))
        return NULL;
    if (!base || strstr(href, "://") || pb_startswith_ci(href, "mailto:") || pb_startswith_ci(href, "tel:"))
        return pb_strdup(href);
    abs = xmlBuildURI((const xmlChar *)href, (const xmlChar *)base);
    if (!abs)
        return pb_strdup(href);
    r = pb_strdup((const char *)abs);
    xmlFree(abs);
    return r;
}

static void end_link(struct hstate *h)
{
    if (h->in_link && h->href) {
        struct pb_buf v = PB_BUF_INIT;
        if (pb_buf_adds(&v, h->href) || (h->link_text.len && (pb_buf_addc(&v, '\t') ||
                                                              pb_buf_add(&v, h->link_text.s, h->link_text.len))))
            fail(h, pb__x_fail(h->x, PROBITY_ENOMEM, "out of memory"));
        else
            out(h, -1, v.s, v.len);
        pb_buf_release(&v);
    }
    free(h->href);
    h->href = NULL;
    h->in_link = 0;
    pb_buf_reset(&h->link_text);
}

static void on_meta(struct hstate *h, const xmlChar **atts)
{
    static const char *const published[] = {"article:published_time", "og:published_time", "published_time",
                                            "citation_publication_date", "citation_date", "dc.date.issued",
                                            "dcterms.issued", "dc.date", "dcterms.date", "dcterms.created",
                                            "dc.date.created", "date", "pubdate", "publishdate", "publish_date",
                                            "publication_date", "datepublished", "sailthru.date",
                                            "parsely-pub-date", "article.published"};
    static const char *const modified[] = {"article:modified_time", "og:updated_time", "dcterms.modified",
                                           "dc.date.modified", "last-modified", "datemodified"};
    static const char *const authors[] = {"author", "dc.creator", "citation_author", "dcterms.creator"};
    static const char *const langs[] = {"content-language", "dc.language", "dcterms.language", "language"};
    const char *key = attr(atts, "name"), *content = attr(atts, "content");
    if (!key)
        key = attr(atts, "property");
    if (!key)
        key = attr(atts, "itemprop");
    if (!key)
        key = attr(atts, "http-equiv");
    if (!key || !content)
        return;
    if (pb_streq_ci(key, "og:title") || pb_streq_ci(key, "twitter:title") || pb_streq_ci(key, "dc.title") ||
        pb_streq_ci(key, "citation_title"))
        set_meta(h, M_OGTITLE, content);
    else if (pb_streq_ci(key, "og:url"))
        set_meta(h, M_OGURL, content);
    for (size_t i = 0; i < sizeof(published) / sizeof(published[0]); i++)
        if (pb_streq_ci(key, published[i]))
            set_meta(h, M_PUBLISHED, content);
    for (size_t i = 0; i < sizeof(modified) / sizeof(modified[0]); i++)
        if (pb_streq_ci(key, modified[i]))
            set_meta(h, M_MODIFIED, content);
    for (size_t i = 0; i < sizeof(authors) / sizeof(authors[0]); i++)
        if (pb_streq_ci(key, authors[i]) && !strstr(content, "://"))
            set_meta(h, M_AUTHOR, content);
    for (size_t i = 0; i < sizeof(langs) / sizeof(langs[0]); i++)
        if (pb_streq_ci(key, langs[i]))
            set_meta(h, M_LANG, content);
}

static int hidden(const xmlChar **atts)
{
    const char *v;
    if (attr(atts, "hidden"))
        return 1;
    if ((v = attr(atts, "aria-hidden")) && pb_streq_ci(v, "true"))
        return 1;
    if ((v = attr(atts, "role")) && (pb_streq_ci(v, "navigation") || pb_streq_ci(v, "banner") ||
                                     pb_streq_ci(v, "contentinfo") || pb_streq_ci(v, "search") ||
                                     pb_streq_ci(v, "menubar") || pb_streq_ci(v, "complementary")))
        return 1;
    if ((v = attr(atts, "style"))) {
        const char *d = strstr(v, "display");
        if (d) {
            d += 7;
            while (*d == ' ')
                d++;
            if (*d == ':') {
                d++;
                while (*d == ' ')
                    d++;
                if (pb_startswith_ci(d, "none"))
                    return 1;
            }
        }
    }
    return 0;
}

static void on_start(void *ctx, const xmlChar *xname, const xmlChar **atts)
{
    struct hstate *h = ctx;
    const char *name = (const char *)xname;
    const struct tag *t = find_tag(name);
    unsigned flags = t ? t->flags : 0, id = t ? t->id : T_OTHER;
    struct el *e;
    const char *v;
    if (h->rc)
        return;
    if (h->depth >= MAX_DEPTH) {
        h->overflow++;
        return;
    }
    /* metadata lives in elements that hold no text, wherever they are */
    if (id == T_META)
        on_meta(h, atts);
    else if (id == T_LINK && (v = attr(atts, "rel")) && pb_streq_ci(v, "canonical"))
        set_meta(h, M_CANON, attr(atts, "href"));
    else if (id == T_BASE)
        set_meta(h, M_BASE, attr(atts, "href"));
    else if (id == T_HTML) {
        set_meta(h, M_LANG, attr(atts, "lang"));
        set_meta(h, M_LANG, attr(atts, "xml:lang"));
    } else if (id == T_BODY)
        h->body_seen = 1;
    if (!h->skip) {
        if (id == T_HEADER && !h->content)
            flags |= F_HOLD;
        if (hidden(atts)) /* hidden panels may be tabs of the content; hidden words are icons */
            flags |= (flags & F_BLOCK) ? F_HOLD : F_DROP;
        if (id == T_TIME && (v = attr(atts, "datetime")))
            set_meta(h, M_TIME, v);
    }
    e = &h->stack[h->depth++];
    e->name = xname;
    e->id = (unsigned char)id;
    e->flags = (unsigned char)flags;
    e->kind = t ? t->kind : PB_BLOCK_TEXT;
    e->dropped = 0;
    if (h->skip || (flags & F_DROP)) {
        if (!h->skip && h->block.len && !(flags & F_BLOCK))
            h->space = 1; /* dropped inline content still separates words */
        h->skip++;
        e->dropped = 1;
        e->kind = PB_BLOCK_TEXT;
        return;
    }
    if (flags & F_BLOCK)
        flush(h);
    if (flags & F_PRE)
        h->pre++;
    if (flags & F_CONTENT)
        h->content++;
    if ((flags & F_MARKER) && h->hold) {
        /* the content starts here inside a part left open: what came before is chrome */
        drop_held(h);
        h->hold = 0;
    }
    if ((flags & F_HOLD) && !h->hold)
        h->hold = h->depth;
    if (id == T_A) {
        end_link(h);
        if ((v = attr(atts, "href"))) {
            h->href = link_target(h, v);
            h->in_link = h->href != NULL;
            h->link_space = 0;
        }
    }
}

/* Close the element on top of the stack. */
static void close_el(struct hstate *h, struct el *e)
{
    if (e->dropped) {
        h->skip--;
        return;
    }
    if (e->id == T_A)
        end_link(h);
    if (e->flags & F_BLOCK)
        flush(h);
    if (e->flags & F_PRE)
        h->pre--;
    if (e->flags & F_CONTENT)
        h->content--;
    if (h->hold == h->depth) {
        /* a menu, a search box, a page footer: not content */
        drop_held(h);
        h->hold = 0;
    }
}

static void on_end(void *ctx, const xmlChar *name)
{
    struct hstate *h = ctx;
    int i;
    if (h->rc)
        return;
    if (h->overflow) {
        h->overflow--;
        return;
    }
    for (i = h->depth - 1; i >= 0; i--)
        if (h->stack[i].name == name || strcmp((const char *)h->stack[i].name, (const char *)name) == 0)
            break;   /* names come from the parser's dictionary: mostly the same pointer */
    if (i < 0)
        return; /* an end tag the parser did not open: nothing to close */
    while (h->depth > i) { /* closed while still on the stack: a block takes its kind */
        close_el(h, &h->stack[h->depth - 1]);
        h->depth--;
    }
}

/* ---- encoding ---- */

/* The charset a <meta> or an XML declaration in the first bytes states, into out. */
static int declared_charset(const char *s, size_t n, char out[32])
{
    size_t lim = n < 16384 ? n : 16384;
    if (lim >= 5 && strncmp(s, "<?xml", 5) == 0) {
        const char *e = memchr(s, '>', lim);
        const char *p = e ? memmem(s, (size_t)(e - s), "encoding", 8) : NULL;
        if (p) {
            size_t k = 0;
            p += 8;
            while (p < e && (*p == ' ' || *p == '=' || *p == '"' || *p == '\''))
                p++;
            while (p + k < e && k < 31 && p[k] != '"' && p[k] != '\'' && p[k] != ' ' && p[k] != '?')
                k++;
            snprintf(out, 32, "%.*s", (int)k, p);
            return k > 0;
        }
    }
    for (size_t i = 0; i + 5 < lim; i++) {
        const char *tag = s + i, *end, *p;
        if (tag[0] != '<' || strncasecmp(tag, "<meta", 5) != 0)
            continue;
        end = memchr(tag, '>', lim - i);
        if (!end)
            break;
        for (p = tag + 5; p + 7 <= end; p++) {
            if (strncasecmp(p, "charset", 7) != 0)
                continue;
            p += 7;
            while (p < end && (*p == ' ' || *p == '\t'))
                p++;
            if (p < end && *p == '=') {
                size_t k = 0;
                p++;
                while (p < end && (*p == ' ' || *p == '"' || *p == '\''))
                    p++;
                while (p + k < end && k < 31 &&
                       ((p[k] >= 'a' && p[k] <= 'z') || (p[k] >= 'A' && p[k] <= 'Z') || (p[k] >= '0' && p[k] <= '9') ||
                        p[k] == '-' || p[k] == '_' || p[k] == '.' || p[k] == ':'))
                    k++;
                if (k) {
                    snprintf(out, 32, "%.*s", (int)k, p);
                    return 1;
                }
            }
        }
        i = (size_t)(end - s);
    }
    return 0;
}

static int choose_encoding(struct pb__x *x, const char *head, size_t n, int complete, char enc[32], size_t *bom)
{
    char decl[32], canon[32], guess[32];
    int g;
    *bom = 0;
    if (x->encoding) {
        if (!pb_charset_canon(x->encoding, enc))
            return pb__x_fail(x, PROBITY_EINVAL, "unknown encoding '%s'", x->encoding);
        return 0;
    }
    g = pb_charset_guess(head, n, complete, 1, guess, bom);
    if (*bom) { /* a byte order mark outranks any declaration */
        snprintf(enc, 32, "%s", guess);
        return 0;
    }
    if (g != 0)
        return pb__x_fail(x, PROBITY_EFORMAT, "unsupported type (binary data: NUL bytes)");
    if (strncmp(guess, "UTF-16", 6) != 0 && declared_charset(head, n, decl) && pb_charset_canon(decl, canon)) {
        /* a page that says UTF-16 in ASCII bytes cannot be UTF-16 (browsers read UTF-8) */
        snprintf(enc, 32, "%s", strncmp(canon, "UTF-16", 6) == 0 ? "UTF-8" : canon);
        return 0;
    }
    snprintf(enc, 32, "%s", guess);
    return 0;
}

static void emit_meta(struct hstate *h)
{
    char date[32];
    const char *title = h->meta[M_TITLE] ? h->meta[M_TITLE] : h->meta[M_OGTITLE];
    const char *url = h->meta[M_CANON] ? h->meta[M_CANON] : h->meta[M_OGURL];
    const char *pub = h->meta[M_PUBLISHED] ? h->meta[M_PUBLISHED] : h->meta[M_TIME];
    int rc = 0;
    if (title)
        rc = pb__x_meta(h->x, "title", title);
    if (!rc && url)
        rc = pb__x_meta(h->x, "url", url);
    if (!rc && pub) {
        pb__x_date(pub, 1, date);
        rc = pb__x_meta(h->x, "published", date);
    }
    if (!rc && h->meta[M_MODIFIED]) {
        pb__x_date(h->meta[M_MODIFIED], 0, date);
        rc = pb__x_meta(h->x, "modified", date);
    }
    if (!rc && h->meta[M_AUTHOR])
        rc = pb__x_meta(h->x, "author", h->meta[M_AUTHOR]);
    if (!rc && h->meta[M_LANG])
        rc = pb__x_meta(h->x, "lang", h->meta[M_LANG]);
    if (rc)
        fail(h, rc);
}

/* NUL characters would end the parser's strings early: they are never text */
static void no_nul(struct pb_buf *b)
{
    for (char *p = b->len ? memchr(b->s, 0, b->len) : NULL; p; p = memchr(p, 0, b->len - (size_t)(p - b->s)))
        *p = ' ';
}

static void parser_options(htmlParserCtxtPtr ctxt)
{
    htmlCtxtUseOptions(ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                 HTML_PARSE_IGNORE_ENC);
}

/* A page read whole whose last mark-up is complete (it ends with '>') is parsed from
 * memory: libxml2's pull parser gives the same events as its push parser there (the same
 * text from some 2,000 real pages and every broken page we tried), in about two thirds of
 * the time. They differ on a page cut inside a tag, an entity or a comment, whose fragment
 * the push parser drops and the pull parser keeps as text: such a page, and a page too
 * large for one read, is pushed. Returns 1 when the page was parsed. */
static int parse_whole(struct hstate *h, const htmlSAXHandler *sax, const char *s, size_t n)
{
    size_t e = n;
    while (e > 0 && is_space((unsigned char)s[e - 1]))
        e--;
    if (e == 0 || s[e - 1] != '>' || n > INT_MAX || !(h->ctxt = htmlCreateMemoryParserCtxt(s, (int)n)))
        return 0;
    *h->ctxt->sax = *sax;
    h->ctxt->userData = h;
    xmlSwitchEncoding(h->ctxt, XML_CHAR_ENCODING_UTF8);
    parser_options(h->ctxt);
    htmlParseDocument(h->ctxt);
    return 1;
}

int pb__extract_html(struct pb__x *x, struct pb__src *src)
{
    struct hstate h;
    htmlSAXHandler sax;
    struct pb_conv *conv = NULL;
    struct pb_buf utf8 = PB_BUF_INIT, tail = PB_BUF_INIT;
    char *raw = NULL, enc[32];
    const char *in;
    size_t bom = 0;
    long got;
    int first = 1, whole = 0;
    memset(&h, 0, offsetof(struct hstate, stack));
    h.x = x;
    memset(&sax, 0, sizeof(sax));
    sax.startElement = on_start;
    sax.endElement = on_end;
    sax.characters = on_text;
    sax.ignorableWhitespace = on_text;
    sax.cdataBlock = on_cdata;
    for (;;) {
        const void *view;
        /* bytes already in memory are read where they lie; a file, through a buffer */
        if ((got = pb__src_view(src, CHUNK, &view)) >= 0) {
            in = view;
        } else {
            if (!raw && !(raw = malloc(CHUNK))) {
                h.rc = pb__x_fail(x, PROBITY_ENOMEM, "out of memory");
                goto out;
            }
            got = pb__src_read(src, raw, CHUNK);
            in = raw;
        }
        if (got < 0) {
            h.rc = pb__x_fail(x, PROBITY_EIO, "read error");
            goto out;
        }
        if (first) {
            first = 0;
            if ((h.rc = choose_encoding(x, in, (size_t)got, (size_t)got < CHUNK, enc, &bom)))
                goto out;
            if ((h.rc = pb_conv_open(&conv, enc, x->err)))
                goto out;
            if (!x->embedded && (h.rc = pb__x_meta(x, "encoding", enc)))
                goto out;
            if ((size_t)got < CHUNK) {   /* the whole page is here */
                whole = 1;
                if (pb_conv_run(conv, in + bom, (size_t)got - bom, 0, &utf8) ||
                    pb_conv_run(conv, "", 0, 1, &tail)) {
                    h.rc = pb__x_fail(x, PROBITY_ENOMEM, "out of memory");
                    goto out;
                }
                no_nul(&utf8);
                no_nul(&tail);
                if (!tail.len && parse_whole(&h, &sax, utf8.s, utf8.len)) {
                    if (h.rc)
                        goto out;
                    break;
                }
            }
            h.ctxt = htmlCreatePushParserCtxt(&sax, &h, NULL, 0, x->name, XML_CHAR_ENCODING_UTF8);
            if (!h.ctxt) {
                h.rc = pb__x_fail(x, PROBITY_ENOMEM, "cannot create an HTML parser");
                goto out;
            }
            parser_options(h.ctxt);
            if (whole) {   /* pushed as the loop below would: the page, then its end */
                htmlParseChunk(h.ctxt, utf8.s ? utf8.s : "", (int)utf8.len, 0);
                if (h.rc || (h.rc = pb__x_time(x)))
                    goto out;
                htmlParseChunk(h.ctxt, tail.s ? tail.s : "", (int)tail.len, 1);
                if (h.rc)
                    goto out;
                break;
            }
        }
        pb_buf_reset(&utf8);
        if (pb_conv_run(conv, in + bom, (size_t)got - bom, got == 0, &utf8)) {
            h.rc = pb__x_fail(x, PROBITY_ENOMEM, "out of memory");
            goto out;
        }
        bom = 0;
        no_nul(&utf8);
        htmlParseChunk(h.ctxt, utf8.s ? utf8.s : "", (int)utf8.len, got == 0);
        if (h.rc)
            goto out;
        if (got == 0)
            break;
        if ((h.rc = pb__x_time(x)))
            goto out;
    }
    end_link(&h);
    while (h.depth > 0) {
        close_el(&h, &h.stack[h.depth - 1]);
        h.depth--;
    }
    flush(&h);
    if (h.hold)
        release_hold(&h); /* a part left open to the end of the page held the page */
    if (!x->embedded && !h.rc)
        emit_meta(&h);
out:
    if (h.ctxt)
        htmlFreeParserCtxt(h.ctxt);
    pb_conv_close(conv);
    pb_buf_release(&utf8);
    pb_buf_release(&tail);
    pb_buf_release(&h.block);
    pb_buf_release(&h.link_text);
    drop_held(&h);
    free(h.held);
    free(h.href);
    for (int i = 0; i < M_COUNT; i++)
        free(h.meta[i]);
    free(raw);
    return h.rc;
}
