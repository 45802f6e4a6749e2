/* The dossier on one entity: who it is (names, identifiers, countries from the lists), its
 * list hits from the screening engine, and the links found in documents grouped by
 * counterparty, public bodies first, each with its quote and citation; then the links of
 * those counterparties, one hop further. HTML is one self-contained file with the graph
 * drawn as inline SVG on a circle (no layout engine needed, nothing fetched), Markdown and
 * JSON carry the same content. Everything is gathered first and written once. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/core.h"
#include "evidence/evidence_int.h"
#include "probity/entity.h"
#include "probity/match.h"
#include "store/evstore.h"

#define MAX_NODES 60

struct dlink {
    char *id, *type, *subj, *subjc, *obj, *objc, *quote, *doc, *path, *title, *status, *cue, *schema;
    int page;
    long long start, end;
    double conf;
    int hop;
    int rank;   /* 0 when the counterparty is a public body (listed first), else 1 */
};

struct dos {
    const char *root;
    struct dlink *l;
    size_t n, cap;
    int hop;
    struct pb_map seen;   /* link ids already gathered */
};

static int gather(void *ctx, const struct probity_link *l)
{
    struct dos *d = ctx;
    struct dlink *x;
    if (l->status && strcmp(l->status, "rejected") == 0)
        return 0;
    if (pb_map_get(&d->seen, l->id))
        return 0;
    if (pb_map_put(&d->seen, l->id, (void *)1))
        return PROBITY_ENOMEM;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 64;
        struct dlink *p = realloc(d->l, cap * sizeof(*p));
        if (!p)
            return PROBITY_ENOMEM;
        d->l = p;
        d->cap = cap;
    }
    x = &d->l[d->n];
    memset(x, 0, sizeof(*x));
    x->id = pb_strdup(l->id);
    x->type = pb_strdup(l->type);
    x->schema = pb_strdup(l->schema ? l->schema : "");
    x->subj = pb_strdup(l->subject);
    x->subjc = pb_strdup(l->subject_caption ? l->subject_caption : l->subject);
    x->obj = pb_strdup(l->object);
    x->objc = pb_strdup(l->object_caption ? l->object_caption : l->object);
    x->quote = pb_strdup(l->quote ? l->quote : "");
    x->doc = pb_strdup(l->doc);
    x->path = pb_strdup(l->doc_path ? l->doc_path : "");
    x->title = pb_strdup(l->doc_title ? l->doc_title : "");
    x->status = pb_strdup(l->status ? l->status : "pending");
    x->cue = pb_strdup(l->cue ? l->cue : "");
    x->page = l->page;
    x->start = (long long)l->start;
    x->end = (long long)l->end;
    x->conf = l->confidence;
    x->hop = d->hop;
    d->n++;
    return 0;
}

static void dlink_free(struct dlink *x)
{
    free(x->id);
    free(x->type);
    free(x->schema);
    free(x->subj);
    free(x->subjc);
    free(x->obj);
    free(x->objc);
    free(x->quote);
    free(x->doc);
    free(x->path);
    free(x->title);
    free(x->status);
    free(x->cue);
}

static const char *other(const struct dlink *x, const char *id)
{
    return strcmp(x->subj, id) == 0 ? x->obj : x->subj;
}

static const char *other_caption(const struct dlink *x, const char *id)
{
    return strcmp(x->subj, id) == 0 ? x->objc : x->subjc;
}

/* ---- escaping ---- */

static void html(FILE *fp, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", fp); break;
        case '>': fputs("&gt;", fp); break;
        case '&': fputs("&amp;", fp); break;
        case '"': fputs("&quot;", fp); break;
        default: fputc(*s, fp);
        }
    }
}

static void json(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(fp, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", fp);
        else if (c < 0x20)
            fprintf(fp, "\\u%04x", c);
        else
            fputc(c, fp);
    }
    fputc('"', fp);
}

static void md(FILE *fp, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '\n' || *s == '\f')
            fputc(' ', fp);
        else {
            if (strchr("|*_`[]<>", *s))
                fputc('\\', fp);
            fputc(*s, fp);
        }
    }
}

/* ---- identity from the lists ---- */

struct ident {
    struct probity_entity e;
    char dataset[128];
    int listed;
    char caption[512], schema[64];
};

static int is_identity_prop(const char *p)
{
    static const char *const keep[] = {"name", "alias", "weakAlias", "previousName", "country", "jurisdiction",
                                       "registrationNumber", "taxNumber", "idNumber", "leiCode", "swiftBic",
                                       "innCode", "ogrnCode", "address", "program", "notes", "website", NULL};
    for (size_t i = 0; keep[i]; i++)
        if (strcmp(p, keep[i]) == 0)
            return 1;
    return 0;
}

/* ---- list hits (best effort: an index over the current lists) ---- */

struct hits {
    struct probity_result r;
    int have;
};

static void screen(struct probity_store *st, const char *name, const char *schema, struct hits *h)
{
    struct probity_index *ix = NULL;
    struct probity_query q;
    struct probity_error err;
    memset(h, 0, sizeof(*h));
    memset(&q, 0, sizeof(q));
    probity_error_clear(&err);
    if (probity_index_build(st, NULL, 0, &ix, &err))
        return;
    if (probity_index_entities(ix) == 0) {   /* no list loaded: nothing to screen against */
        probity_index_free(ix);
        return;
    }
    q.name = name;
    q.schema = schema && *schema ? schema : NULL;
    q.limit = 5;
    if (probity_screen(ix, &q, &h->r, &err) == 0)
        h->have = 1;
    else if (q.schema) {
        q.schema = NULL;
        if (probity_screen(ix, &q, &h->r, &err) == 0)
            h->have = 1;
    }
    probity_index_free(ix);
}

/* ---- graph ---- */

struct node {
    const char *id, *caption;
};

static size_t nodes_of(const struct dos *d, struct node *nodes, size_t max)
{
    size_t n = 0;
    nodes[n].id = d->root;
    nodes[n++].caption = NULL;
    for (size_t i = 0; i < d->n && n < max; i++) {
        const char *ids[2] = {d->l[i].subj, d->l[i].obj}, *caps[2] = {d->l[i].subjc, d->l[i].objc};
        for (int k = 0; k < 2 && n < max; k++) {
            size_t j = 0;
            while (j < n && strcmp(nodes[j].id, ids[k]))
                j++;
            if (j == n) {
                nodes[n].id = ids[k];
                nodes[n++].caption = caps[k];
            } else if (!nodes[j].caption) {
                nodes[j].caption = caps[k];
            }
        }
    }
    return n;
}

static void svg(FILE *fp, const struct dos *d, const char *root_caption)
{
    struct node nodes[MAX_NODES];
    double x[MAX_NODES], y[MAX_NODES];
    size_t n = nodes_of(d, nodes, MAX_NODES);
    const double W = 900, H = 640, cx = W / 2, cy = H / 2, R = 250;
    nodes[0].caption = root_caption;
    x[0] = cx;
    y[0] = cy;
    for (size_t i = 1; i < n; i++) {
        double a = 2 * M_PI * (double)(i - 1) / (double)(n - 1);
        x[i] = cx + R * cos(a);
        y[i] = cy + R * sin(a);
    }
    fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" width=\"100%%\" "
                "role=\"img\" aria-label=\"link graph\">\n"
                "<defs><marker id=\"arr\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"6\" "
                "markerHeight=\"6\" orient=\"auto\"><path d=\"M0,0L10,5L0,10z\" fill=\"#555\"/></marker></defs>\n",
            W, H);
    for (size_t i = 0; i < d->n; i++) {
        size_t a = n, b = n;
        for (size_t k = 0; k < n; k++) {
            if (strcmp(nodes[k].id, d->l[i].subj) == 0)
                a = k;
            if (strcmp(nodes[k].id, d->l[i].obj) == 0)
                b = k;
        }
        if (a == n || b == n)
            continue;
        fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1.5\" "
                    "marker-end=\"url(#arr)\"><title>",
                x[a], y[a], x[b] + (x[a] - x[b]) * 0.06, y[b] + (y[a] - y[b]) * 0.06,
                d->l[i].hop ? "#bbb" : "#555");
        html(fp, d->l[i].type);
        fprintf(fp, "</title></line>\n");
    }
    for (size_t i = 0; i < n; i++) {
        fprintf(fp, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" fill=\"%s\"/>\n<text x=\"%.1f\" y=\"%.1f\" "
                    "font-size=\"12\" text-anchor=\"middle\">",
                x[i], y[i], i ? 6 : 10, i ? "#4a7ab5" : "#c0392b", x[i], y[i] - 12);
        char cap[64];
        snprintf(cap, sizeof(cap), "%s", nodes[i].caption ? nodes[i].caption : nodes[i].id);
        html(fp, cap);
        fprintf(fp, "</text>\n");
    }
    fprintf(fp, "</svg>\n");
}

/* ---- ordering: public bodies first, then by counterparty ---- */

static const char *g_root;
static struct probity_store *g_st;

static int body_rank(const char *id)
{
    char schema[64] = "";
    struct probity_error err;
    probity_error_clear(&err);
    if (g_st && pb__ev_entity(g_st, id, NULL, 0, schema, sizeof(schema), &err) == 0 &&
        strcmp(schema, "PublicBody") == 0)
        return 0;
    return 1;
}

static int link_cmp(const void *a, const void *b)
{
    const struct dlink *x = a, *y = b;
    int c;
    if (x->hop != y->hop)
        return x->hop - y->hop;
    if (!x->hop) {
        if (x->rank != y->rank)
            return x->rank - y->rank;
        if ((c = strcmp(other_caption(x, g_root), other_caption(y, g_root))))
            return c;
    }
    if ((c = strcmp(x->path, y->path)))
        return c;
    return x->start < y->start ? -1 : x->start > y->start;
}

static void cite_md(FILE *fp, const struct dlink *x)
{
    fprintf(fp, "  > ");
    md(fp, x->quote);
    fprintf(fp, "\n  > — *");
    md(fp, *x->title ? x->title : x->path);
    fprintf(fp, "*, %s, page %d, characters %lld–%lld (document %.12s, link %s, %s, confidence %.2f)\n\n",
            x->path, x->page, x->start, x->end, x->doc, x->id, x->status, x->conf);
}

int probity_dossier(struct probity_store *st, const char *entity, enum probity_dossier_format f, FILE *fp,
                    struct probity_error *err)
{
    struct dos d;
    struct ident who;
    struct hits hits;
    struct probity_link_filter flt;
    char id[256];
    int rc;
    size_t first_hop;
    memset(&d, 0, sizeof(d));
    memset(&who, 0, sizeof(who));
    memset(&hits, 0, sizeof(hits));
    probity_entity_init(&who.e);
    if ((rc = probity_evidence_resolve(st, entity, id, sizeof(id), err))) {
        /* an entity on a list with no evidence yet still has a dossier */
        struct probity_error e2;
        probity_error_clear(&e2);
        if (probity_store_get(st, entity, &who.e, who.dataset, sizeof(who.dataset), &e2))
            goto out;
        probity_error_clear(err);
        rc = 0;
        snprintf(id, sizeof(id), "%s", entity);
    }
    d.root = id;
    if (pb__ev_entity(st, id, who.caption, sizeof(who.caption), who.schema, sizeof(who.schema), err))
        snprintf(who.caption, sizeof(who.caption), "%s", id);
    probity_error_clear(err);
    {
        struct probity_error e2;
        probity_error_clear(&e2);
        if (!who.e.id && probity_store_get(st, id, &who.e, who.dataset, sizeof(who.dataset), &e2) == 0)
            who.listed = 1;
        else if (who.e.id)
            who.listed = 1;
    }
    screen(st, who.caption, who.schema, &hits);
    memset(&flt, 0, sizeof(flt));
    flt.entity = id;
    if ((rc = probity_links(st, &flt, gather, &d, err)))
        goto out;
    first_hop = d.n;
    d.hop = 1;
    for (size_t i = 0; i < first_hop; i++) {
        flt.entity = other(&d.l[i], id);
        if ((rc = probity_links(st, &flt, gather, &d, err)))
            goto out;
    }
    g_root = id;
    g_st = st;
    for (size_t i = 0; i < d.n; i++)
        d.l[i].rank = d.l[i].hop ? 1 : body_rank(other(&d.l[i], id));
    if (d.n)
        qsort(d.l, d.n, sizeof(*d.l), link_cmp);
    g_st = NULL;

    if (f == PROBITY_DOSSIER_JSON) {
        fprintf(fp, "{\"id\":");
        json(fp, id);
        fprintf(fp, ",\"caption\":");
        json(fp, who.caption);
        fprintf(fp, ",\"schema\":");
        json(fp, who.schema);
        fprintf(fp, ",\"listed\":%s,\"dataset\":", who.listed ? "true" : "false");
        json(fp, who.dataset);
        fprintf(fp, ",\"properties\":{");
        for (size_t i = 0, k = 0; i < who.e.nprops; i++) {
            if (!is_identity_prop(who.e.props[i].prop))
                continue;
            fprintf(fp, "%s", k++ ? "," : "");
            json(fp, who.e.props[i].prop);
            fputc(':', fp);
            json(fp, who.e.props[i].value);
        }
        fprintf(fp, "},\"list_hits\":[");
        for (size_t i = 0; hits.have && i < hits.r.n; i++) {
            char expl[512];
            probity_hit_explain(&hits.r.hits[i], expl, sizeof(expl));
            fprintf(fp, "%s{\"id\":", i ? "," : "");
            json(fp, hits.r.hits[i].id);
            fprintf(fp, ",\"caption\":");
            json(fp, hits.r.hits[i].caption);
            fprintf(fp, ",\"datasets\":");
            json(fp, hits.r.hits[i].datasets);
            fprintf(fp, ",\"score\":%.3f,\"explanation\":", hits.r.hits[i].score);
            json(fp, expl);
            fputc('}', fp);
        }
        fprintf(fp, "],\"links\":[");
        for (size_t i = 0; i < d.n; i++) {
            const struct dlink *x = &d.l[i];
            fprintf(fp, "%s{\"id\":", i ? "," : "");
            json(fp, x->id);
            fprintf(fp, ",\"hop\":%d,\"type\":", x->hop);
            json(fp, x->type);
            fprintf(fp, ",\"subject\":{\"id\":");
            json(fp, x->subj);
            fprintf(fp, ",\"caption\":");
            json(fp, x->subjc);
            fprintf(fp, "},\"object\":{\"id\":");
            json(fp, x->obj);
            fprintf(fp, ",\"caption\":");
            json(fp, x->objc);
            fprintf(fp, "},\"quote\":");
            json(fp, x->quote);
            fprintf(fp, ",\"document\":{\"id\":");
            json(fp, x->doc);
            fprintf(fp, ",\"path\":");
            json(fp, x->path);
            fprintf(fp, ",\"title\":");
            json(fp, x->title);
            fprintf(fp, "},\"page\":%d,\"start\":%lld,\"end\":%lld,\"confidence\":%.2f,\"status\":", x->page,
                    x->start, x->end, x->conf);
            json(fp, x->status);
            fputc('}', fp);
        }
        fprintf(fp, "]}\n");
    } else if (f == PROBITY_DOSSIER_MD) {
        fprintf(fp, "# ");
        md(fp, who.caption);
        fprintf(fp, "\n\n`%s` · %s%s%s\n\n## Identity\n\n", id, *who.schema ? who.schema : "entity",
                who.listed ? " · listed in " : " · found in documents", who.listed ? who.dataset : "");
        for (size_t i = 0; i < who.e.nprops; i++) {
            if (!is_identity_prop(who.e.props[i].prop))
                continue;
            fprintf(fp, "- **%s**: ", who.e.props[i].prop);
            md(fp, who.e.props[i].value);
            fputc('\n', fp);
        }
        fprintf(fp, "\n## List hits\n\n");
        if (!hits.have || !hits.r.n)
            fprintf(fp, "No list hit above the threshold.\n");
        for (size_t i = 0; hits.have && i < hits.r.n; i++) {
            char expl[512];
            probity_hit_explain(&hits.r.hits[i], expl, sizeof(expl));
            fprintf(fp, "- **%.3f** ", hits.r.hits[i].score);
            md(fp, hits.r.hits[i].caption);
            fprintf(fp, " (`%s`, %s) — ", hits.r.hits[i].id, hits.r.hits[i].datasets);
            md(fp, expl);
            fputc('\n', fp);
        }
        fprintf(fp, "\n## Documented links\n\n");
        if (!first_hop)
            fprintf(fp, "No link found in the documents.\n\n");
        const char *last = NULL;
        int hop1 = 0;
        for (size_t i = 0; i < d.n; i++) {
            const struct dlink *x = &d.l[i];
            if (x->hop && !hop1) {
                fprintf(fp, "## One hop further\n\n");
                hop1 = 1;
                last = NULL;
            }
            if (!x->hop && (!last || strcmp(last, other(x, id)))) {
                fprintf(fp, "### ");
                md(fp, other_caption(x, id));
                fprintf(fp, "\n\n");
                last = other(x, id);
            }
            fprintf(fp, "- ");
            md(fp, x->subjc);
            fprintf(fp, " **%s** ", x->type);
            md(fp, x->objc);
            fprintf(fp, "\n");
            cite_md(fp, x);
        }
    } else {
        fprintf(fp, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Dossier: ");
        html(fp, who.caption);
        fprintf(fp, "</title>\n<style>body{font:15px/1.45 system-ui,sans-serif;max-width:60em;margin:2em auto;"
                    "padding:0 1em;color:#222}h1{margin-bottom:0}.id{color:#666;font-family:monospace}"
                    "blockquote{margin:.3em 0 1em 1em;padding-left:.8em;border-left:3px solid #c0392b}"
                    "cite{display:block;color:#555;font-size:13px}table{border-collapse:collapse}"
                    "td,th{border-bottom:1px solid #ddd;padding:.2em .6em;text-align:left;vertical-align:top}"
                    ".st-accepted{color:#1e7b34}.st-rejected{color:#a00}@media print{svg{max-height:14cm}}"
                    "</style></head><body>\n<h1>");
        html(fp, who.caption);
        fprintf(fp, "</h1>\n<p class=\"id\">");
        html(fp, id);
        fprintf(fp, " · ");
        html(fp, *who.schema ? who.schema : "entity");
        if (who.listed) {
            fprintf(fp, " · listed in ");
            html(fp, who.dataset);
        }
        fprintf(fp, "</p>\n<h2>Identity</h2>\n<table>\n");
        for (size_t i = 0; i < who.e.nprops; i++) {
            if (!is_identity_prop(who.e.props[i].prop))
                continue;
            fprintf(fp, "<tr><th>");
            html(fp, who.e.props[i].prop);
            fprintf(fp, "</th><td>");
            html(fp, who.e.props[i].value);
            fprintf(fp, "</td></tr>\n");
        }
        fprintf(fp, "</table>\n<h2>List hits</h2>\n");
        if (!hits.have || !hits.r.n)
            fprintf(fp, "<p>No list hit above the threshold.</p>\n");
        else
            fprintf(fp, "<table><tr><th>score</th><th>entity</th><th>datasets</th><th>why</th></tr>\n");
        for (size_t i = 0; hits.have && i < hits.r.n; i++) {
            char expl[512];
            probity_hit_explain(&hits.r.hits[i], expl, sizeof(expl));
            fprintf(fp, "<tr><td>%.3f</td><td>", hits.r.hits[i].score);
            html(fp, hits.r.hits[i].caption);
            fprintf(fp, " <span class=\"id\">");
            html(fp, hits.r.hits[i].id);
            fprintf(fp, "</span></td><td>");
            html(fp, hits.r.hits[i].datasets);
            fprintf(fp, "</td><td>");
            html(fp, expl);
            fprintf(fp, "</td></tr>\n");
        }
        if (hits.have && hits.r.n)
            fprintf(fp, "</table>\n");
        fprintf(fp, "<h2>Link graph</h2>\n");
        svg(fp, &d, who.caption);
        fprintf(fp, "<h2>Documented links</h2>\n");
        if (!first_hop)
            fprintf(fp, "<p>No link found in the documents.</p>\n");
        const char *last = NULL;
        int hop1 = 0;
        for (size_t i = 0; i < d.n; i++) {
            const struct dlink *x = &d.l[i];
            if (x->hop && !hop1) {
                fprintf(fp, "<h2>One hop further</h2>\n");
                hop1 = 1;
            }
            if (!x->hop && (!last || strcmp(last, other(x, id)))) {
                fprintf(fp, "<h3>");
                html(fp, other_caption(x, id));
                fprintf(fp, "</h3>\n");
                last = other(x, id);
            }
            fprintf(fp, "<p id=\"%s\">", x->id);
            html(fp, x->subjc);
            fprintf(fp, " <b>");
            html(fp, x->type);
            fprintf(fp, "</b> ");
            html(fp, x->objc);
            fprintf(fp, " <span class=\"st-%s\">(%s, %.2f)</span></p>\n<blockquote>", x->status, x->status, x->conf);
            html(fp, x->quote);
            fprintf(fp, "<cite><a href=\"file://");
            html(fp, x->path);
            fprintf(fp, "#:~:text=");
            {
                /* a text fragment opens the source at the quote in browsers that know it */
                char frag[64];
                size_t k = 0;
                for (const char *q = x->quote; *q && k + 4 < sizeof(frag); q++) {
                    unsigned char c = (unsigned char)*q;
                    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
                        frag[k++] = (char)c;
                    else if (c == ' ')
                        frag[k++] = '+';
                    else
                        break;
                }
                frag[k] = 0;
                fputs(frag, fp);
            }
            fprintf(fp, "\">");
            html(fp, *x->title ? x->title : x->path);
            fprintf(fp, "</a>, page %d, characters %lld–%lld · document %.12s · link %s</cite></blockquote>\n",
                    x->page, x->start, x->end, x->doc, x->id);
        }
        fprintf(fp, "</body></html>\n");
    }
    if (ferror(fp))
        rc = pb__err(err, PROBITY_EIO, NULL, 0, 0, "could not write the dossier");
out:
    for (size_t i = 0; i < d.n; i++)
        dlink_free(&d.l[i]);
    free(d.l);
    pb_map_release(&d.seen, NULL);
    probity_entity_release(&who.e);
    if (hits.have)
        probity_result_release(&hits.r);
    return rc;
}

/* ---- GraphML ---- */

struct gml {
    FILE *fp;
    struct pb_map nodes;
    struct pb_buf edges;
    long n;
};

static void xml(struct pb_buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': pb_buf_adds(b, "&lt;"); break;
        case '>': pb_buf_adds(b, "&gt;"); break;
        case '&': pb_buf_adds(b, "&amp;"); break;
        case '"': pb_buf_adds(b, "&quot;"); break;
        default: pb_buf_addc(b, *s);
        }
    }
}

static int gml_link(void *ctx, const struct probity_link *l)
{
    struct gml *g = ctx;
    const char *ids[2] = {l->subject, l->object}, *caps[2] = {l->subject_caption, l->object_caption};
    if (l->status && strcmp(l->status, "rejected") == 0)
        return 0;
    for (int k = 0; k < 2; k++) {
        if (pb_map_get(&g->nodes, ids[k]))
            continue;
        char *c = pb_strdup(caps[k] ? caps[k] : ids[k]);
        if (!c || pb_map_put(&g->nodes, ids[k], c))
            return PROBITY_ENOMEM;
    }
    pb_buf_addf(&g->edges, "  <edge id=\"e%ld\" source=\"", g->n++);
    xml(&g->edges, l->subject);
    pb_buf_adds(&g->edges, "\" target=\"");
    xml(&g->edges, l->object);
    pb_buf_adds(&g->edges, "\"><data key=\"type\">");
    xml(&g->edges, l->type);
    pb_buf_adds(&g->edges, "</data><data key=\"status\">");
    xml(&g->edges, l->status);
    pb_buf_addf(&g->edges, "</data><data key=\"confidence\">%.2f</data><data key=\"document\">", l->confidence);
    xml(&g->edges, l->doc);
    pb_buf_addf(&g->edges, "</data><data key=\"page\">%d</data><data key=\"quote\">", l->page);
    xml(&g->edges, l->quote);
    if (pb_buf_adds(&g->edges, "</data></edge>\n"))
        return PROBITY_ENOMEM;
    return 0;
}

static void gml_node(void *ctx, const char *key, void *value)
{
    struct gml *g = ctx;
    struct pb_buf b = PB_BUF_INIT;
    pb_buf_adds(&b, "  <node id=\"");
    xml(&b, key);
    pb_buf_adds(&b, "\"><data key=\"label\">");
    xml(&b, value);
    pb_buf_adds(&b, "</data></node>\n");
    fputs(pb_buf_str(&b), g->fp);
    pb_buf_release(&b);
}

int probity_export_graphml(struct probity_store *st, FILE *fp, struct probity_error *err)
{
    struct gml g;
    int rc;
    memset(&g, 0, sizeof(g));
    g.fp = fp;
    if ((rc = probity_links(st, NULL, gml_link, &g, err)))
        goto out;
    fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
                "  <key id=\"label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n"
                "  <key id=\"type\" for=\"edge\" attr.name=\"type\" attr.type=\"string\"/>\n"
                "  <key id=\"status\" for=\"edge\" attr.name=\"status\" attr.type=\"string\"/>\n"
                "  <key id=\"confidence\" for=\"edge\" attr.name=\"confidence\" attr.type=\"double\"/>\n"
                "  <key id=\"document\" for=\"edge\" attr.name=\"document\" attr.type=\"string\"/>\n"
                "  <key id=\"page\" for=\"edge\" attr.name=\"page\" attr.type=\"int\"/>\n"
                "  <key id=\"quote\" for=\"edge\" attr.name=\"quote\" attr.type=\"string\"/>\n"
                "  <graph id=\"links\" edgedefault=\"directed\">\n");
    pb_map_each(&g.nodes, gml_node, &g);
    fputs(pb_buf_str(&g.edges), fp);
    fprintf(fp, "  </graph>\n</graphml>\n");
    if (ferror(fp))
        rc = pb__err(err, PROBITY_EIO, NULL, 0, 0, "could not write GraphML");
out:
    pb_map_release(&g.nodes, free);
    pb_buf_release(&g.edges);
    return rc;
}
