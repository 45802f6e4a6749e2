/* Link quality against a gold file. Names are compared loosely on purpose: a gold row
 * writes "Pishgam Electronic Safeh Company (PESC)" where the text says "PESC", so an
 * extracted end matches when its name key and the gold name's key contain one another on
 * word boundaries. Relations are compared by class: owned_by and subsidiary_of are both
 * ownership; partnership is matched in either direction. */
#include <stdlib.h>
#include <string.h>
#include "core/core.h"
#include "evidence/evidence_int.h"
#include "probity/docs.h"
#include "store/evstore.h"
#include "text/text.h"

#define MAX_CLASSES 8

struct gold {
    char *file, *subj, *rel, *obj;
    int found;
};

struct xlink {
    char *doc, *type, *subj, *obj, *sid, *oid;
    struct pb_buf snames, onames;   /* every way the document writes each end, "\n"-separated */
    int correct;
};

struct gdoc {
    char *id, *base, *lang;
};

struct ev {
    struct gold *g;
    size_t ng;
    struct xlink *x;
    size_t nx;
    struct gdoc *d;
    size_t nd;
    char dir[4096];
};

static const char *rel_class(const char *r)
{
    if (strcmp(r, "owned_by") == 0 || strcmp(r, "subsidiary_of") == 0)
        return "ownership";
    return r;
}

/* Key containment on word boundaries: " a b " inside " x a b y ". */
static int key_within(const char *small, const char *big)
{
    size_t ns = strlen(small), nb = strlen(big);
    if (ns < 2 || ns > nb)
        return 0;
    for (const char *p = strstr(big, small); p; p = strstr(p + 1, small)) {
        int left = p == big || p[-1] == ' ';
        int right = p[ns] == 0 || p[ns] == ' ';
        if (left && right)
            return 1;
    }
    return 0;
}

/* The name key without a leading article ("the Houthis"). */
static char *key_of(const char *name)
{
    char *k = pb_name_key(name);
    if (k && strncmp(k, "the ", 4) == 0)
        memmove(k, k + 4, strlen(k + 4) + 1);
    return k;
}

static int names_match(const char *a, const char *b)
{
    char *ka = key_of(a), *kb = key_of(b);
    int m = ka && kb && (key_within(ka, kb) || key_within(kb, ka));
    free(ka);
    free(kb);
    return m;
}

/* Does any of the names ("\n"-separated) match the gold name? */
static int any_match(const struct pb_buf *names, const char *gold)
{
    const char *p = pb_buf_str(names);
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *one = pb_strndup(p, n);
        int m = one && names_match(one, gold);
        free(one);
        if (m)
            return 1;
        p += n + (nl ? 1 : 0);
    }
    return 0;
}

static int link_matches(const struct xlink *x, const struct gold *g)
{
    if (strcmp(rel_class(x->type), rel_class(g->rel)))
        return 0;
    if (any_match(&x->snames, g->subj) && any_match(&x->onames, g->obj))
        return 1;
    return strcmp(g->rel, "partnership") == 0 && any_match(&x->snames, g->obj) && any_match(&x->onames, g->subj);
}

static int add_name(void *ctx, const char *name)
{
    struct pb_buf *b = ctx;
    return pb_buf_adds(b, name) || pb_buf_addc(b, '\n') ? PROBITY_ENOMEM : 0;
}

static int on_doc(void *ctx, const struct probity_doc *d)
{
    struct ev *e = ctx;
    const char *slash;
    size_t dl;
    if (!d->current || !d->path)
        return 0;
    slash = strrchr(d->path, '/');
    dl = slash ? (size_t)(slash - d->path) : 0;
    if (strlen(e->dir) != dl || strncmp(d->path, e->dir, dl))
        return 0;
    struct gdoc *p = realloc(e->d, (e->nd + 1) * sizeof(*p));
    if (!p)
        return PROBITY_ENOMEM;
    e->d = p;
    p[e->nd].id = pb_strdup(d->id);
    p[e->nd].base = pb_strdup(slash ? slash + 1 : d->path);
    p[e->nd].lang = pb_strdup(d->langs && strncmp(d->langs, "zh", 2) == 0 ? "zh" : "en");
    e->nd++;
    return 0;
}

static const struct gdoc *doc_by_id(const struct ev *e, const char *id)
{
    for (size_t i = 0; i < e->nd; i++)
        if (strcmp(e->d[i].id, id) == 0)
            return &e->d[i];
    return NULL;
}

static const struct gdoc *doc_by_base(const struct ev *e, const char *base)
{
    for (size_t i = 0; i < e->nd; i++)
        if (strcmp(e->d[i].base, base) == 0)
            return &e->d[i];
    return NULL;
}

static int on_link(void *ctx, const struct probity_link *l)
{
    struct ev *e = ctx;
    if (!doc_by_id(e, l->doc) || (l->status && strcmp(l->status, "rejected") == 0))
        return 0;
    struct xlink *p = realloc(e->x, (e->nx + 1) * sizeof(*p));
    if (!p)
        return PROBITY_ENOMEM;
    e->x = p;
    p[e->nx].doc = pb_strdup(l->doc);
    p[e->nx].type = pb_strdup(l->type);
    p[e->nx].subj = pb_strdup(l->subject_caption ? l->subject_caption : l->subject);
    p[e->nx].obj = pb_strdup(l->object_caption ? l->object_caption : l->object);
    p[e->nx].sid = pb_strdup(l->subject);
    p[e->nx].oid = pb_strdup(l->object);
    p[e->nx].correct = 0;
    memset(&p[e->nx].snames, 0, sizeof(p[e->nx].snames));
    memset(&p[e->nx].onames, 0, sizeof(p[e->nx].onames));
    e->nx++;
    if (add_name(&p[e->nx - 1].snames, p[e->nx - 1].subj) || add_name(&p[e->nx - 1].onames, p[e->nx - 1].obj))
        return PROBITY_ENOMEM;
    return 0;
}

static int read_gold(struct ev *e, const char *path, struct probity_error *err)
{
    struct pb_input *in = NULL;
    const char *line;
    size_t len;
    int rc;
    if ((rc = pb_input_open(&in, path, NULL, err)))
        return rc;
    while ((rc = pb_input_line(in, &line, &len, err)) > 0) {
        char *row = pb_strndup(line, len), *f[5] = {0};
        size_t n = 0;
        if (!row) {
            rc = PROBITY_ENOMEM;
            break;
        }
        for (char *p = row; n < 5 && p; n++) {
            f[n] = p;
            if ((p = strchr(p, '\t')))
                *p++ = 0;
        }
        if (n < 4 || pb_input_lineno(in) == 1 || strcmp(f[0], "file") == 0) {
            free(row);
            continue;
        }
        struct gold *g = realloc(e->g, (e->ng + 1) * sizeof(*g));
        if (!g) {
            free(row);
            rc = PROBITY_ENOMEM;
            break;
        }
        e->g = g;
        g[e->ng].file = pb_strdup(f[0]);
        g[e->ng].subj = pb_strdup(f[1]);
        g[e->ng].rel = pb_strdup(f[2]);
        g[e->ng].obj = pb_strdup(f[3]);
        g[e->ng].found = 0;
        e->ng++;
        free(row);
    }
    pb_input_close(in);
    return rc < 0 ? rc : 0;
}

static void line_out(FILE *fp, const char *lang, const char *rel, long gold, long found, long ext, long correct)
{
    fprintf(fp, "%-4s %-15s %5ld %5ld  recall %5.3f  %5ld %5ld  precision %5.3f\n", lang, rel, gold, found,
            gold ? (double)found / (double)gold : 0.0, ext, correct, ext ? (double)correct / (double)ext : 0.0);
}

int probity_links_eval(struct probity_store *st, const char *gold, FILE *fp, double *recall, double *precision,
                       struct probity_error *err)
{
    static const char *const rels[] = {"supplies", "contract_award", "partnership", "ownership", "designated_by",
                                       "operates", NULL};
    static const char *const langs[] = {"en", "zh", "all", NULL};
    struct ev e;
    const char *slash = strrchr(gold, '/');
    int rc;
    memset(&e, 0, sizeof(e));
    snprintf(e.dir, sizeof(e.dir), "%.*s", slash ? (int)(slash - gold) : 1, slash ? gold : ".");
    if ((rc = read_gold(&e, gold, err)))
        goto out;
    {
        /* documents are stored with the path they were ingested with: compare real paths */
        char *real = realpath(e.dir, NULL);
        if (real) {
            snprintf(e.dir, sizeof(e.dir), "%s", real);
            free(real);
        }
    }
    if ((rc = probity_docs_list(st, NULL, on_doc, &e, err)))
        goto out;
    if (!e.nd) {
        /* paths may be stored relative: retry with the folder as written */
        snprintf(e.dir, sizeof(e.dir), "%.*s", slash ? (int)(slash - gold) : 1, slash ? gold : ".");
        if ((rc = probity_docs_list(st, NULL, on_doc, &e, err)))
            goto out;
    }
    if ((rc = probity_links(st, NULL, on_link, &e, err)))
        goto out;
    /* the ends as the document also writes them: short names, list names */
    for (size_t k = 0; k < e.nx; k++) {
        if ((rc = pb__ev_names(st, e.x[k].doc, e.x[k].sid, add_name, &e.x[k].snames, err)) ||
            (rc = pb__ev_names(st, e.x[k].doc, e.x[k].oid, add_name, &e.x[k].onames, err)))
            goto out;
    }
    for (size_t i = 0; i < e.ng; i++) {
        const struct gdoc *d = doc_by_base(&e, e.g[i].file);
        if (!d)
            continue;
        for (size_t k = 0; k < e.nx; k++) {
            if (strcmp(e.x[k].doc, d->id) || !link_matches(&e.x[k], &e.g[i]))
                continue;
            e.g[i].found = 1;
            e.x[k].correct = 1;
        }
    }
    fprintf(fp, "lang relation         gold found              extracted correct\n");
    for (size_t li = 0; langs[li]; li++) {
        for (size_t ri = 0; ri < MAX_CLASSES; ri++) {
            const char *rel = rels[ri] ? rels[ri] : "all";
            long ng = 0, nf = 0, nx = 0, nc = 0;
            for (size_t i = 0; i < e.ng; i++) {
                const struct gdoc *d = doc_by_base(&e, e.g[i].file);
                const char *lang = d ? d->lang : (strstr(e.g[i].file, "_zh") ? "zh" : "en");
                if ((strcmp(langs[li], "all") && strcmp(lang, langs[li])) ||
                    (rels[ri] && strcmp(rel_class(e.g[i].rel), rel)))
                    continue;
                ng++;
                nf += e.g[i].found;
            }
            for (size_t k = 0; k < e.nx; k++) {
                const struct gdoc *d = doc_by_id(&e, e.x[k].doc);
                if ((strcmp(langs[li], "all") && strcmp(d->lang, langs[li])) ||
                    (rels[ri] && strcmp(rel_class(e.x[k].type), rel)))
                    continue;
                nx++;
                nc += e.x[k].correct;
            }
            if (ng || nx)
                line_out(fp, langs[li], rel, ng, nf, nx, nc);
            if (!rels[ri]) {
                if (strcmp(langs[li], "all") == 0) {
                    if (recall)
                        *recall = ng ? (double)nf / (double)ng : 0;
                    if (precision)
                        *precision = nx ? (double)nc / (double)nx : 0;
                }
                break;
            }
        }
    }
    fprintf(fp, "(%zu gold links, %zu documents in the gold folder, %zu extracted links there)\n", e.ng, e.nd, e.nx);
out:
    for (size_t i = 0; i < e.ng; i++) {
        free(e.g[i].file);
        free(e.g[i].subj);
        free(e.g[i].rel);
        free(e.g[i].obj);
    }
    for (size_t i = 0; i < e.nx; i++) {
        free(e.x[i].doc);
        free(e.x[i].type);
        free(e.x[i].subj);
        free(e.x[i].obj);
        free(e.x[i].sid);
        free(e.x[i].oid);
        pb_buf_release(&e.x[i].snames);
        pb_buf_release(&e.x[i].onames);
    }
    for (size_t i = 0; i < e.nd; i++) {
        free(e.d[i].id);
        free(e.d[i].base);
        free(e.d[i].lang);
    }
    free(e.g);
    free(e.x);
    free(e.d);
    return rc;
}
