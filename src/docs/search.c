/* Search: the query is parsed (docs/query.c), the store yields candidate passages in bm25
 * order (store/docs.c), each is checked exactly, and the first passage that passes stands
 * for its document, with a snippet around its hits. */
#include <stdlib.h>
#include <string.h>
#include "core/core.h"
#include "docs/query.h"
#include "probity/docs.h"
#include "store/docstore.h"

static int64_t cps_upto(const char *s, size_t n)
{
    int64_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

static size_t back_cps(const char *s, size_t at, int n)
{
    while (at > 0 && n > 0) {
        at--;
        while (at > 0 && ((unsigned char)s[at] & 0xC0) == 0x80)
            at--;
        n--;
    }
    return at;
}

static size_t fwd_cps(const char *s, size_t len, size_t at, int n)
{
    while (at < len && n > 0) {
        at++;
        while (at < len && ((unsigned char)s[at] & 0xC0) == 0x80)
            at++;
        n--;
    }
    return at;
}

static int is_ws(char c)
{
    return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* The passage around the first hit on one line, hits between open and close. */
static int snippet(const char *t, size_t len, const struct pb_qmark *m, size_t nm, int width, const char *open,
                   const char *close, struct pb_buf *out)
{
    size_t ws = back_cps(t, m[0].start, width / 3), we, k = 0;
    int space = 0;
    we = fwd_cps(t, len, ws, width);
    if (we < m[0].end)
        we = m[0].end;
    /* do not cut words when a space is near */
    if (ws > 0) {
        for (size_t i = ws; i < m[0].start && i < ws + 24; i++)
            if (is_ws(t[i])) {
                ws = i + 1;
                break;
            }
    }
    if (we < len) {
        for (size_t i = we; i > m[0].end && i + 24 > we; i--)
            if (is_ws(t[i - 1])) {
                we = i - 1;
                break;
            }
    }
    pb_buf_reset(out);
    if (ws > 0 && pb_buf_adds(out, "\xe2\x80\xa6"))
        return PROBITY_ENOMEM;
    while (k < nm && m[k].end <= ws)
        k++;
    for (size_t i = ws; i < we; i++) {
        if (k < nm && i == m[k].start && pb_buf_adds(out, open))
            return PROBITY_ENOMEM;
        if (is_ws(t[i])) {
            if (!space && out->len && pb_buf_addc(out, ' '))
                return PROBITY_ENOMEM;
            space = 1;
        } else {
            space = 0;
            if (pb_buf_addc(out, t[i]))
                return PROBITY_ENOMEM;
        }
        if (k < nm && i + 1 == m[k].end) {
            if (pb_buf_adds(out, close))
                return PROBITY_ENOMEM;
            k++;
        }
    }
    if (k < nm && m[k].start < we && pb_buf_adds(out, close))   /* a hit cut by the window */
        return PROBITY_ENOMEM;
    if (we < len && pb_buf_adds(out, "\xe2\x80\xa6"))
        return PROBITY_ENOMEM;
    return 0;
}

/* Query filters and option filters together. */
static void merge(const char **dst, size_t *n, const char *const *src, size_t ns, const char *extra)
{
    *n = 0;
    for (size_t i = 0; i < ns; i++)
        dst[(*n)++] = src[i];
    if (extra && *extra)
        dst[(*n)++] = extra;
}

struct exclude_ctx {
    struct pb_query *q;
    struct pb_segmenter *sg;
    size_t i;
};

static int exclude_passage(void *ctx, const char *text, size_t len)
{
    struct exclude_ctx *x = ctx;
    return pb_query_exclude_match(x->q, x->i, x->sg, text, len);
}

/* 1 when a word excluded at the top level occurs (exactly) anywhere in document row doc. */
static int excluded(struct probity_store *st, struct pb_query *q, struct pb_segmenter *sg, int64_t doc,
                    struct probity_error *err)
{
    struct exclude_ctx x = {q, sg, 0};
    for (; x.i < pb_query_nexclude(q); x.i++) {
        int r = pb__docs_doc_match(st, doc, pb_query_exclude_fts(q, x.i), exclude_passage, &x, err);
        if (r < 0 && !err->code)
            pb__err(err, r, NULL, 0, 0, "out of memory");
        if (r)
            return r;
    }
    return 0;
}

int probity_search(struct probity_store *st, const char *query, const struct probity_search_opts *o,
                   probity_search_hit_cb cb, void *ctx, struct probity_error *err)
{
    struct pb_query *q = NULL;
    struct pb_docq *dq = NULL;
    struct pb_segmenter *sg = NULL;
    struct pb_docs_filter f;
    struct pb_map seen = PB_MAP_INIT;
    struct pb_buf snip = PB_BUF_INIT;
    struct pb_qmark *marks = NULL;
    size_t nm = 0, cap = 0, n;
    const char *coll[17], *lang[17], *type[17];
    const char *const *v;
    int rc, limit = o && o->limit > 0 ? o->limit : 20, width = o && o->snippet_chars > 0 ? o->snippet_chars : 240;
    const char *open = o && o->mark_open ? o->mark_open : "[", *close = o && o->mark_close ? o->mark_close : "]";
    int found = 0;
    if ((rc = pb_query_parse(query, &q, err)))
        return rc;
    memset(&f, 0, sizeof(f));
    v = pb_query_filter(q, 0, &n);
    merge(coll, &f.ncollection, v, n, o ? o->collection : NULL);
    v = pb_query_filter(q, 1, &n);
    merge(lang, &f.nlang, v, n, o ? o->lang : NULL);
    v = pb_query_filter(q, 2, &n);
    merge(type, &f.ntype, v, n, o ? o->type : NULL);
    f.collection = coll;
    f.lang = lang;
    f.type = type;
    if ((rc = pb__docq_open(st, pb_query_fts(q), &f, &dq, err)))
        goto out;
    if (pb_segmenter_new(&sg)) {
        rc = pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    while (found < limit) {
        struct pb_docq_row row;
        struct probity_search_hit h;
        int r = pb__docq_next(dq, &row, err);
        if (r < 0) {
            rc = r;
            goto out;
        }
        if (r == 0)
            break;
        if (pb_map_get(&seen, row.id))
            continue;
        if ((r = pb_query_match(q, sg, row.text, row.len, &marks, &nm, &cap)) < 0) {
            rc = pb__err(err, r, NULL, 0, 0, "out of memory");
            goto out;
        }
        if (!r || !nm)
            continue;
        if ((r = excluded(st, q, sg, row.doc, err)) < 0) {
            rc = r;
            goto out;
        }
        if (r) {   /* an excluded word elsewhere in the document: all of it is out */
            if (pb_map_put(&seen, row.id, (void *)1)) {
                rc = pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
                goto out;
            }
            continue;
        }
        if (pb_map_put(&seen, row.id, (void *)1) || snippet(row.text, row.len, marks, nm, width, open, close, &snip)) {
            rc = pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
            goto out;
        }
        memset(&h, 0, sizeof(h));
        h.id = row.id;
        h.title = row.title;
        h.path = row.path;
        h.type = row.type;
        h.langs = row.langs;
        h.page = row.page;
        h.start = row.start + cps_upto(row.text, marks[0].start);
        h.end = row.start + cps_upto(row.text, marks[0].end);
        h.snippet = pb_buf_str(&snip);
        h.score = -row.rank;
        h.rank = ++found;
        if ((rc = cb(ctx, &h)))
            goto out;
    }
    rc = 0;
out:
    pb__docq_close(dq);
    pb_query_free(q);
    pb_segmenter_free(sg);
    pb_map_release(&seen, NULL);
    pb_buf_release(&snip);
    free(marks);
    return rc;
}
