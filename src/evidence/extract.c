/* Extraction into the store: every current document's text is analysed (analyse.c) and its
 * mentions and links written to the evidence tables, replacing what an earlier run wrote for
 * the same document. The text is read back exactly as stored, so the byte offsets of the
 * analysis convert to the code-point offsets of probity/docs.h and a quote is always an
 * exact substring of the document. Entities not on a list get an id derived from their
 * normalised name, so the same organisation in two documents (or two runs) is one entity. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/core.h"
#include "evidence/evidence_int.h"
#include "probity/docs.h"
#include "probity/match.h"
#include "store/evstore.h"
#include "text/names.h"
#include "text/text.h"

#define CONTEXT_CP 48   /* code points of prefix and suffix kept around a quote */
/* A document is analysed in windows of about this many bytes, cut at a paragraph (or line,
 * or sentence) boundary: memory stays bounded whatever the document's size. */
#define WINDOW_BYTES ((size_t)4 << 20)

struct piece {
    size_t byte;     /* where the piece starts in the text buffer */
    int64_t cp;      /* and in code points */
    int page;
};

struct doctext {
    struct pb_buf text;
    struct piece *p;
    size_t np, cp;
};

struct run {
    struct probity_store *st;
    struct pb_evw *w;
    struct probity_error *err;
    struct probity_extract_summary *sum;
    const struct probity_extract_opts *o;
    struct probity_gazetteer *g;
    struct probity_index *ix;   /* the screening index, built on the first name it is needed for */
    int ix_tried;
    struct pb_map ids;          /* mention name -> entity id (malloc'd), across documents */
    struct doctext dt;
    const char *doc;
    int rc;
};

static int analyse_window(struct run *r, int last);

static int on_piece(void *ctx, int page, int64_t start, const char *text, size_t len)
{
    struct run *r = ctx;
    struct doctext *d = &r->dt;
    int rc;
    if (d->np == d->cp) {
        size_t cap = d->cp ? d->cp * 2 : 64;
        struct piece *p = realloc(d->p, cap * sizeof(*p));
        if (!p)
            return PROBITY_ENOMEM;
        d->p = p;
        d->cp = cap;
    }
    d->p[d->np].byte = d->text.len;
    d->p[d->np].cp = start;
    d->p[d->np].page = page;
    d->np++;
    if ((rc = pb_buf_add(&d->text, text, len)))
        return rc;
    return d->text.len >= WINDOW_BYTES ? analyse_window(r, 0) : 0;
}

/* The piece holding byte b. */
static size_t piece_of(const struct doctext *d, size_t b)
{
    size_t lo = 0, hi = d->np;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (d->p[mid].byte <= b)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static int64_t cp_of(const struct doctext *d, size_t b)
{
    size_t k;
    int64_t n;
    if (!d->np)
        return 0;
    k = piece_of(d, b);
    n = d->p[k].cp;
    for (size_t i = d->p[k].byte; i < b; i++)
        if (((unsigned char)d->text.s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

static char *hex_id(const char *prefix, const char *data, size_t n)
{
    char buf[64];
    snprintf(buf, sizeof(buf), "%s%016llx", prefix, (unsigned long long)pb_hash64(data, n));
    return pb_strdup(buf);
}

/* The entity id of a mention: its list entity, a list entity with the same name key, or
 * an entity of the evidence tables keyed by the normalised name. */
static int lookup_first(void *ctx, const struct probity_entity *e, const char *dataset)
{
    char **out = ctx;
    (void)dataset;
    if (*out)
        return 0;
    if (strcmp(e->schema, "Organization") && strcmp(e->schema, "Company") && strcmp(e->schema, "PublicBody") &&
        strcmp(e->schema, "LegalEntity"))
        return 0;
    *out = pb_strdup(e->id);
    return 0;
}

/* A list organisation the screening matcher is confident is the same as `name` (a spelling,
 * legal-form or script variant of a listed name), or NULL. The bar is high: a wrong merge
 * would put a document's statements on a listed entity. */
#define RESOLVE_THRESHOLD 0.92

static char *screen_match(struct run *r, const char *name)
{
    struct probity_query q;
    struct probity_result res;
    struct probity_error e2;
    char *id = NULL;
    if (!r->ix_tried) {
        r->ix_tried = 1;
        probity_error_clear(&e2);
        if (probity_index_build(r->st, NULL, 0, &r->ix, &e2))
            r->ix = NULL; /* no lists loaded: exact keys only */
    }
    if (!r->ix)
        return NULL;
    memset(&q, 0, sizeof(q));
    q.name = name;
    q.schema = "Organization";
    q.threshold = RESOLVE_THRESHOLD;
    q.limit = 2;
    probity_error_clear(&e2);
    if (probity_screen(r->ix, &q, &res, &e2))
        return NULL;
    /* only an unambiguous answer: one hit, or a clear first */
    if (res.n == 1 || (res.n > 1 && res.hits[0].score - res.hits[1].score > 0.05))
        id = pb_strdup(res.hits[0].id);
    probity_result_release(&res);
    return id;
}

static const char *resolve(struct run *r, const struct probity_mention *m)
{
    char *id = NULL, *key = NULL;
    struct pb_forms f;
    const char *cached;
    if (m->entity)
        return m->entity;
    if ((cached = pb_map_get(&r->ids, m->name)))
        return cached;
    memset(&f, 0, sizeof(f));
    if ((key = pb_name_key(m->name)) && *key) {
        struct probity_error e2;
        probity_error_clear(&e2);
        probity_store_lookup_name(r->st, key, lookup_first, &id, &e2);
    }
    if (!id)
        id = screen_match(r, m->name);
    if (!id) {
        const char *k = key;
        if (pb_name_forms(m->name, PB_NAME_ORG, &f) == 0 && f.n)
            k = f.v[0];
        if (!k)
            k = m->name;
        id = hex_id("org-", k, strlen(k));
        if (id && pb__evw_entity(r->w, id, m->schema, m->name, k, r->err)) {
            free(id);
            id = NULL;
        } else if (id) {
            r->sum->entities++;
        }
    }
    pb_forms_release(&f);
    free(key);
    if (!id || pb_map_put(&r->ids, m->name, id)) {
        free(id);
        return NULL;
    }
    return id;
}

static int on_mention(void *ctx, const struct probity_mention *m)
{
    struct run *r = ctx;
    const char *id = resolve(r, m);
    if (!id)
        return r->err->code ? r->err->code : pb__err(r->err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
    char *text = pb_strndup(r->dt.text.s + m->start, m->end - m->start);
    int rc;
    if (!text)
        return pb__err(r->err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
    r->sum->mentions++;
    rc = pb__evw_mention(r->w, r->doc, cp_of(&r->dt, m->start), cp_of(&r->dt, m->end), id, m->how, text, r->err);
    free(text);
    return rc;
}

static const char *schema_of(const char *type)
{
    if (strcmp(type, "owned_by") == 0 || strcmp(type, "subsidiary_of") == 0)
        return "Ownership";
    if (strcmp(type, "contract_award") == 0)
        return "ContractAward";
    if (strcmp(type, "designated_by") == 0)
        return "Sanction";
    if (strcmp(type, "partnership") == 0)
        return "Representation";
    return "UnknownLink";
}

/* Up to n code points of text before byte b (or after it), as bytes [*s, *e). */
static void context(const struct doctext *d, size_t b, int before, size_t *s, size_t *e)
{
    size_t i = b;
    int n = 0;
    if (before) {
        while (i > 0 && n < CONTEXT_CP) {
            i--;
            if (((unsigned char)d->text.s[i] & 0xC0) != 0x80)
                n++;
        }
        *s = i;
        *e = b;
    } else {
        while (i < d->text.len && n <= CONTEXT_CP) {
            if (((unsigned char)d->text.s[i] & 0xC0) != 0x80 && ++n > CONTEXT_CP)
                break;
            i++;
        }
        *s = b;
        *e = i;
    }
}

static int on_link(void *ctx, const struct probity_found_link *fl)
{
    struct run *r = ctx;
    struct probity_link l;
    struct pb_buf key = PB_BUF_INIT;
    char *quote = NULL, *prefix = NULL, *suffix = NULL, *id = NULL;
    size_t ps, pe, ss, se;
    int rc;
    memset(&l, 0, sizeof(l));
    l.subject = resolve(r, fl->subject);
    l.object = resolve(r, fl->object);
    if (!l.subject || !l.object)
        return r->err->code ? r->err->code : pb__err(r->err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
    if (strcmp(l.subject, l.object) == 0)
        return 0;
    l.type = fl->type;
    l.schema = schema_of(fl->type);
    /* the names as the document writes them: what a reader of the quote recognises */
    l.subject_caption = fl->subject->name;
    l.object_caption = fl->object->name;
    l.doc = r->doc;
    l.start = cp_of(&r->dt, fl->start);
    l.end = cp_of(&r->dt, fl->end);
    l.page = r->dt.np ? r->dt.p[piece_of(&r->dt, fl->start)].page : 1;
    l.cue = fl->cue;
    l.confidence = fl->confidence;
    context(&r->dt, fl->start, 1, &ps, &pe);
    context(&r->dt, fl->end, 0, &ss, &se);
    quote = pb_strndup(r->dt.text.s + fl->start, fl->end - fl->start);
    prefix = pb_strndup(r->dt.text.s + ps, pe - ps);
    suffix = pb_strndup(r->dt.text.s + ss, se - ss);
    if (pb_buf_addf(&key, "%s|%lld|%lld|%s|%s|%s", r->doc, (long long)l.start, (long long)l.end, l.type, l.subject,
                    l.object) ||
        !(id = hex_id("lnk-", key.s, key.len)) || !quote || !prefix || !suffix) {
        rc = pb__err(r->err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    l.id = id;
    l.quote = quote;
    l.prefix = prefix;
    l.suffix = suffix;
    if ((rc = pb__evw_link(r->w, &l, r->err)))
        goto out;
    r->sum->links++;
out:
    pb_buf_release(&key);
    free(quote);
    free(prefix);
    free(suffix);
    free(id);
    return rc;
}

/* Where to end a window of text s[n]: the last paragraph break in its second half, else the
 * last line break, else the last sentence end, else a character boundary; 0 for no cut. */
static size_t window_cut(const char *s, size_t n)
{
    size_t lo = n / 2, i;
    if (n < WINDOW_BYTES)
        return 0;
    for (i = n - 1; i > lo; i--)
        if (s[i] == '\n' && s[i - 1] == '\n')
            return i + 1;
    for (i = n - 1; i > lo; i--)
        if (s[i] == '\n')
            return i + 1;
    for (i = n - 1; i > lo; i--)
        if (s[i] == ' ' && (s[i - 1] == '.' || s[i - 1] == '!' || s[i - 1] == '?'))
            return i + 1;
    for (i = n - n / 4; i > lo && ((unsigned char)s[i] & 0xC0) == 0x80; i--)
        ;
    return i;
}

/* Analyse the text read so far (up to a window's cut, or all of it when last) and keep
 * only the rest, its pieces moved to the start with their code-point offsets. */
static int analyse_window(struct run *r, int last)
{
    struct doctext *d = &r->dt;
    size_t cut = last ? d->text.len : window_cut(d->text.s, d->text.len);
    int rc;
    if (!cut)
        return 0;
    r->sum->bytes += (int64_t)cut;
    rc = probity_analyse(r->g, pb_buf_str(&d->text), cut, on_mention, on_link, r);
    if (rc) {
        if (!r->err->code)
            pb__err(r->err, rc, NULL, 0, 0, "analysis failed");
        return rc;
    }
    if (last || !d->np)
        return 0;
    {
        size_t k = piece_of(d, cut), m = 1;
        struct piece first = {0, cp_of(d, cut), d->p[k].page};
        for (size_t j = k + 1; j < d->np; j++) {
            d->p[m] = d->p[j];
            d->p[m].byte -= cut;
            m++;
        }
        d->p[0] = first;
        d->np = m;
        memmove(d->text.s, d->text.s + cut, d->text.len - cut);
        d->text.len -= cut;
        d->text.s[d->text.len] = 0;
    }
    return 0;
}

static int extract_doc(struct run *r, const char *id)
{
    int rc;
    r->dt.text.len = 0;
    r->dt.np = 0;
    r->doc = id;
    /* what an earlier run found in this document goes first: the windows write as they go */
    if ((rc = pb__evw_clear(r->w, id, r->err)))
        return rc;
    if ((rc = probity_doc_text(r->st, id, 0, on_piece, r, r->err)))
        return rc == PROBITY_ENOTFOUND ? 0 : rc;
    r->sum->documents++;
    return analyse_window(r, 1);
}

static int on_doc(void *ctx, const struct probity_doc *d)
{
    struct run *r = ctx;
    if (!d->current || !d->status || strcmp(d->status, "ok"))
        return 0;
    if (r->o && r->o->document && strncmp(d->id, r->o->document, strlen(r->o->document)))
        return 0;
    return extract_doc(r, d->id);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int probity_extract(struct probity_store *st, const struct probity_extract_opts *o,
                    struct probity_extract_summary *sum, struct probity_error *err)
{
    struct run r;
    struct probity_extract_summary dummy;
    double t0 = now();
    int rc;
    memset(&r, 0, sizeof(r));
    if (!sum)
        sum = &dummy;
    memset(sum, 0, sizeof(*sum));
    r.st = st;
    r.err = err;
    r.sum = sum;
    r.o = o;
    if ((rc = probity_gazetteer_new(&r.g))) {
        pb__err(err, rc, NULL, 0, 0, "out of memory");
        goto out;
    }
    if ((rc = probity_gazetteer_load(r.g, st, err)))
        goto out;
    sum->names = probity_gazetteer_size(r.g);
    if ((rc = pb__evw_open(st, &r.w, err)))
        goto out;
    rc = probity_docs_list(st, o ? o->collection : NULL, on_doc, &r, err);
    if (rc == PROBITY_ENOTFOUND) {
        rc = 0;   /* nothing ingested yet: nothing to extract */
        probity_error_clear(err);
    }
    if (!rc && !(o && (o->collection || o->document)))
        rc = pb__evw_prune(r.w, err);
    {
        int rc2 = pb__evw_close(r.w, rc == 0, err);
        if (!rc)
            rc = rc2;
    }
out:
    sum->seconds = now() - t0;
    pb_map_release(&r.ids, free);
    pb_buf_release(&r.dt.text);
    free(r.dt.p);
    probity_gazetteer_free(r.g);
    probity_index_free(r.ix);
    return rc;
}

int probity_links(struct probity_store *st, const struct probity_link_filter *f, probity_link_cb cb, void *ctx,
                  struct probity_error *err)
{
    return pb__ev_links(st, f, cb, ctx, err);
}

int probity_link_review(struct probity_store *st, const char *link_id, const char *status, const char *note,
                        struct probity_error *err)
{
    if (strcmp(status, "accepted") && strcmp(status, "rejected") && strcmp(status, "pending"))
        return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "a review is accepted, rejected or pending, not '%s'",
                       status);
    return pb__ev_review(st, link_id, status, note, err);
}

int probity_evidence_entity(struct probity_store *st, const char *id, char *caption, size_t csize, char *schema,
                            size_t ssize, struct probity_error *err)
{
    return pb__ev_entity(st, id, caption, csize, schema, ssize, err);
}

int probity_evidence_resolve(struct probity_store *st, const char *what, char *id, size_t size,
                             struct probity_error *err)
{
    char cap[8];
    struct probity_error e2;
    probity_error_clear(&e2);
    if (pb__ev_entity(st, what, cap, sizeof(cap), NULL, 0, &e2) == 0) {
        snprintf(id, size, "%s", what);
        return 0;
    }
    return pb__ev_find(st, what, id, size, err);
}
