/* The evidence as FollowTheMoney entities, appended to the export of the lists: each current
 * document as a Document, each organisation found in documents as its own schema, each
 * mention as a Mention (document, name, resolved entity), and each link as the FtM interval
 * that fits its relation (Ownership, Sanction, Representation, ContractAward with its
 * Contract, UnknownLink). FtM intervals have no quote property, so a link carries its quote
 * in `summary`, its citation (document, page, code-point offsets, cue, confidence) in
 * `description`, the document and offsets in `recordId`, and the review in `status`. */
#include <stdlib.h>
#include <string.h>
#include "core/core.h"
#include "evidence/evidence_int.h"
#include "probity/docs.h"
#include "store/evstore.h"

struct fx {
    FILE *fp;
    struct probity_store *st;
    struct probity_error *err;
    struct pb_map docs;   /* document id -> title, for citations */
};

static void jstr(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(fp, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", fp);
        else if (*p == '\t')
            fputs("\\t", fp);
        else if (*p == '\r')
            fputs("\\r", fp);
        else if (*p < 0x20)
            fprintf(fp, "\\u%04x", *p);
        else
            fputc(*p, fp);
    }
    fputc('"', fp);
}

/* One entity: props holds name/value pairs, NULL or empty values left out. */
static void entity(FILE *fp, const char *id, const char *schema, const char *const *props, size_t n)
{
    int first = 1;
    fputs("{\"id\":", fp);
    jstr(fp, id);
    fputs(",\"schema\":", fp);
    jstr(fp, schema);
    fputs(",\"properties\":{", fp);
    for (size_t i = 0; i + 1 < n; i += 2) {
        if (!props[i + 1] || !props[i + 1][0])
            continue;
        if (!first)
            fputc(',', fp);
        first = 0;
        jstr(fp, props[i]);
        fputs(":[", fp);
        jstr(fp, props[i + 1]);
        fputc(']', fp);
    }
    fputs("},\"datasets\":[\"evidence\"]}\n", fp);
}

static int on_doc(void *ctx, const struct probity_doc *d)
{
    struct fx *x = ctx;
    char id[80];
    const char *slash, *base;
    if (!d->current)
        return 0;
    slash = d->path ? strrchr(d->path, '/') : NULL;
    base = slash ? slash + 1 : d->path;
    snprintf(id, sizeof(id), "doc-%s", d->id);
    /* a file without a URL is cited by its path as a file: URL */
    char *src = NULL;
    if (!(d->url && d->url[0]) && d->path && d->path[0] == '/') {
        size_t n = strlen(d->path) + 8;
        if (!(src = malloc(n)))
            return PROBITY_ENOMEM;
        snprintf(src, n, "file://%s", d->path);
    }
    const char *props[] = {"title", d->title && d->title[0] ? d->title : base, "fileName", base,
                           "sourceUrl", src ? src : d->url,
                           "publishedAt", d->published, "author", d->author, "mimeType", d->mime,
                           "encoding", d->encoding, "retrievedAt", d->ingested_at};
    entity(x->fp, id, "Document", props, sizeof(props) / sizeof(props[0]));
    free(src);
    char *title = pb_strdup(d->title && d->title[0] ? d->title : base ? base : d->id);
    if (!title || pb_map_put(&x->docs, d->id, title)) {
        free(title);
        return PROBITY_ENOMEM;
    }
    return 0;
}

static int on_entity(void *ctx, const char *id, const char *schema, const char *caption)
{
    struct fx *x = ctx;
    const char *props[] = {"name", caption};
    entity(x->fp, id, schema ? schema : "Organization", props, 2);
    return 0;
}

static int on_mention(void *ctx, const char *doc, int64_t start, int64_t end, const char *ent, const char *how,
                      const char *text, const char *schema)
{
    struct fx *x = ctx;
    char id[96], did[80], key[160];
    (void)how;
    if (!pb_map_get(&x->docs, doc))
        return 0;   /* a document no longer current */
    snprintf(key, sizeof(key), "%s:%lld:%lld:%s", doc, (long long)start, (long long)end, ent ? ent : "");
    snprintf(id, sizeof(id), "men-%016llx", (unsigned long long)pb_hash64(key, strlen(key)));
    snprintf(did, sizeof(did), "doc-%s", doc);
    const char *props[] = {"document", did, "name", text, "resolved", ent, "detectedSchema", schema};
    entity(x->fp, id, "Mention", props, sizeof(props) / sizeof(props[0]));
    return 0;
}

static int on_link(void *ctx, const struct probity_link *l)
{
    struct fx *x = ctx;
    char cite[1024], rec[160], cid[96];
    const char *title = pb_map_get(&x->docs, l->doc);
    snprintf(cite, sizeof(cite), "%s: %s, page %d, characters %lld-%lld (document %s); cue \"%s\", confidence %.2f%s%s",
             l->type, title ? title : l->doc_path ? l->doc_path : l->doc, l->page, (long long)l->start,
             (long long)l->end, l->doc, l->cue ? l->cue : "", l->confidence, l->note ? "; review note: " : "",
             l->note ? l->note : "");
    snprintf(rec, sizeof(rec), "%s#%lld-%lld", l->doc, (long long)l->start, (long long)l->end);
    if (strcmp(l->schema, "Ownership") == 0) {
        const char *p[] = {"owner", l->object, "asset", l->subject, "role", l->type, "summary", l->quote,
                           "description", cite, "recordId", rec, "status", l->status};
        entity(x->fp, l->id, "Ownership", p, sizeof(p) / sizeof(p[0]));
    } else if (strcmp(l->schema, "Sanction") == 0) {
        const char *p[] = {"entity", l->subject, "authority", l->object_caption ? l->object_caption : l->object,
                           "summary", l->quote, "description", cite, "recordId", rec, "status", l->status};
        entity(x->fp, l->id, "Sanction", p, sizeof(p) / sizeof(p[0]));
    } else if (strcmp(l->schema, "Representation") == 0) {
        const char *p[] = {"agent", l->subject, "client", l->object, "role", l->type, "summary", l->quote,
                           "description", cite, "recordId", rec, "status", l->status};
        entity(x->fp, l->id, "Representation", p, sizeof(p) / sizeof(p[0]));
    } else if (strcmp(l->schema, "ContractAward") == 0) {
        /* an award needs a contract: the one the quote speaks of, let by the object */
        snprintf(cid, sizeof(cid), "%s-contract", l->id);
        const char *c[] = {"title", l->quote, "authority", l->object, "description", cite};
        entity(x->fp, cid, "Contract", c, sizeof(c) / sizeof(c[0]));
        const char *p[] = {"supplier", l->subject, "contract", cid, "role", l->type, "summary", l->quote,
                           "description", cite, "recordId", rec, "status", l->status};
        entity(x->fp, l->id, "ContractAward", p, sizeof(p) / sizeof(p[0]));
    } else {
        const char *p[] = {"subject", l->subject, "object", l->object, "role", l->type, "summary", l->quote,
                           "description", cite, "recordId", rec, "status", l->status};
        entity(x->fp, l->id, "UnknownLink", p, sizeof(p) / sizeof(p[0]));
    }
    return 0;
}

int pb__ev_export_ftm(struct probity_store *st, FILE *fp, struct probity_error *err)
{
    struct fx x;
    int rc;
    memset(&x, 0, sizeof(x));
    x.fp = fp;
    x.st = st;
    x.err = err;
    if ((rc = probity_docs_list(st, NULL, on_doc, &x, err)) || (rc = pb__ev_each_entity(st, on_entity, &x, err)) ||
        (rc = pb__ev_each_mention(st, on_mention, &x, err)) || (rc = probity_links(st, NULL, on_link, &x, err)))
        goto out;
    if (ferror(fp))
        rc = pb__err(err, PROBITY_EIO, NULL, 0, 0, "export: write failed");
out:
    pb_map_release(&x.docs, free);
    return rc;
}
