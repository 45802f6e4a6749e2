/* The gazetteer: every organisation name of the lists as a token trie over normalised
 * tokens (the tokens of the full-text segmenter: NFKC, case folded, no diacritics, Han
 * simplified, one Han character per token). A text is matched by walking the trie from
 * each token, so the cost per token is the depth of the longest name that starts there,
 * whatever the number of names. Tokens are interned to integers and the edges kept in one
 * open-addressing table keyed by (node, token). */
#include <stdlib.h>
#include <string.h>
#include "core/core.h"
#include "evidence/evidence_int.h"
#include "probity/entity.h"
#include "text/names.h"

#define MAX_NAME_TOKENS 32

struct name_toks {
    uint32_t ids[MAX_NAME_TOKENS];
    size_t n, chars0;
    int cjk, skip;
    struct probity_gazetteer *g;
    int add;                     /* intern unknown tokens */
    int meaningful;              /* tokens that are ordinary words */
};

int probity_gazetteer_new(struct probity_gazetteer **out)
{
    struct probity_gazetteer *g = calloc(1, sizeof(*g));
    if (!g)
        return PROBITY_ENOMEM;
    if (pb_segmenter_new(&g->sg)) {
        free(g);
        return PROBITY_ENOMEM;
    }
    g->nnodes = 1;
    g->capnodes = 1024;
    g->term = calloc(g->capnodes, sizeof(*g->term));
    g->flags = calloc(g->capnodes, 1);
    if (!g->term || !g->flags) {
        probity_gazetteer_free(g);
        return PROBITY_ENOMEM;
    }
    *out = g;
    return 0;
}

void probity_gazetteer_free(struct probity_gazetteer *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->nents; i++) {
        free(g->ents[i].id);
        free(g->ents[i].schema);
        free(g->ents[i].caption);
    }
    free(g->ents);
    free(g->ekey);
    free(g->eval);
    free(g->term);
    free(g->flags);
    pb_map_release(&g->tokid, NULL);
    pb_map_release(&g->entix, NULL);
    if (g->sg)
        pb_segmenter_free(g->sg);
    free(g);
}

size_t probity_gazetteer_size(const struct probity_gazetteer *g)
{
    return g ? g->names : 0;
}

static uint64_t mix(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return k;
}

uint32_t pb__gz_child(const struct probity_gazetteer *g, uint32_t node, uint32_t tok)
{
    uint64_t key = ((uint64_t)node << 32) | tok;
    if (!g->ecap)
        return 0;
    for (size_t i = mix(key) & (g->ecap - 1);; i = (i + 1) & (g->ecap - 1)) {
        if (g->ekey[i] == 0)
            return 0;
        if (g->ekey[i] == key + 1)
            return g->eval[i];
    }
}

static int edge_grow(struct probity_gazetteer *g)
{
    size_t cap = g->ecap ? g->ecap * 2 : 4096;
    uint64_t *k = calloc(cap, sizeof(*k));
    uint32_t *v = calloc(cap, sizeof(*v));
    if (!k || !v) {
        free(k);
        free(v);
        return PROBITY_ENOMEM;
    }
    for (size_t i = 0; i < g->ecap; i++) {
        if (!g->ekey[i])
            continue;
        size_t j = mix(g->ekey[i] - 1) & (cap - 1);
        while (k[j])
            j = (j + 1) & (cap - 1);
        k[j] = g->ekey[i];
        v[j] = g->eval[i];
    }
    free(g->ekey);
    free(g->eval);
    g->ekey = k;
    g->eval = v;
    g->ecap = cap;
    return 0;
}

static int child_add(struct probity_gazetteer *g, uint32_t node, uint32_t tok, uint32_t *out)
{
    uint64_t key = ((uint64_t)node << 32) | tok;
    uint32_t c = pb__gz_child(g, node, tok);
    size_t i;
    if (c) {
        *out = c;
        return 0;
    }
    if ((g->elen + 1) * 2 > g->ecap && edge_grow(g))
        return PROBITY_ENOMEM;
    if (g->nnodes == g->capnodes) {
        size_t cap = g->capnodes * 2;
        int32_t *t = realloc(g->term, cap * sizeof(*t));
        if (!t)
            return PROBITY_ENOMEM;
        g->term = t;
        unsigned char *f = realloc(g->flags, cap);
        if (!f)
            return PROBITY_ENOMEM;
        g->flags = f;
        memset(g->term + g->capnodes, 0, (cap - g->capnodes) * sizeof(*t));
        memset(g->flags + g->capnodes, 0, cap - g->capnodes);
        g->capnodes = cap;
    }
    c = (uint32_t)g->nnodes++;
    for (i = mix(key) & (g->ecap - 1); g->ekey[i]; i = (i + 1) & (g->ecap - 1))
        ;
    g->ekey[i] = key + 1;
    g->eval[i] = c;
    g->elen++;
    *out = c;
    return 0;
}

uint32_t pb__gz_token(const struct probity_gazetteer *g, const char *norm)
{
    void *v = pb_map_get(&g->tokid, norm);
    return v ? (uint32_t)(uintptr_t)v : 0;
}

static int on_name_token(void *ctx, const struct pb_token *t)
{
    struct name_toks *nt = ctx;
    uint32_t id;
    enum pb_tok_kind k;
    if (nt->n == MAX_NAME_TOKENS) {
        nt->skip = 1;
        return 1;
    }
    id = pb__gz_token(nt->g, t->norm);
    if (!id) {
        if (!nt->add) {
            nt->skip = 1;
            return 1;
        }
        id = (uint32_t)nt->g->tokid.len + 1;
        if (pb_map_put(&nt->g->tokid, t->norm, (void *)(uintptr_t)id))
            return PROBITY_ENOMEM;
    }
    if (t->flags & PB_TOKEN_CJK)
        nt->cjk++;
    if (nt->n == 0)
        nt->chars0 = t->len;
    k = pb_token_kind(t->norm);
    if (k == PB_TOK_WORD || k == PB_TOK_NUMBER)
        nt->meaningful++;
    nt->ids[nt->n++] = id;
    return 0;
}

int probity_gazetteer_add(struct probity_gazetteer *g, const char *name, const char *entity_id,
                          const char *schema, const char *caption)
{
    struct name_toks nt;
    uint32_t node = 0;
    void *ix;
    int rc;
    memset(&nt, 0, sizeof(nt));
    nt.g = g;
    nt.add = 1;
    rc = pb_segment(g->sg, name, strlen(name), 0, on_name_token, &nt);
    if (rc < 0)
        return rc;
    if (nt.skip || nt.n == 0)
        return 0;
    /* a name must carry something distinctive: one ordinary word of four letters at
     * least, or two Han characters, so that list names never match common words */
    if (nt.cjk) {
        if (nt.n < 2)
            return 0;
    } else if (nt.meaningful == 0 || (nt.n == 1 && nt.chars0 < 4)) {
        return 0;
    }
    ix = pb_map_get(&g->entix, entity_id);
    if (!ix) {
        if (g->nents == g->capents) {
            size_t cap = g->capents ? g->capents * 2 : 256;
            struct pb_gz_ent *e = realloc(g->ents, cap * sizeof(*e));
            if (!e)
                return PROBITY_ENOMEM;
            g->ents = e;
            g->capents = cap;
        }
        struct pb_gz_ent *e = &g->ents[g->nents];
        e->id = pb_strdup(entity_id);
        e->schema = pb_strdup(schema ? schema : "Organization");
        e->caption = pb_strdup(caption ? caption : name);
        if (!e->id || !e->schema || !e->caption) {
            free(e->id);
            free(e->schema);
            free(e->caption);
            return PROBITY_ENOMEM;
        }
        g->nents++;
        ix = (void *)(uintptr_t)g->nents;
        if (pb_map_put(&g->entix, entity_id, ix))
            return PROBITY_ENOMEM;
    }
    for (size_t i = 0; i < nt.n; i++)
        if ((rc = child_add(g, node, nt.ids[i], &node)))
            return rc;
    if (!g->term[node])
        g->term[node] = (int32_t)(uintptr_t)ix;
    if (nt.n == 1 && !nt.cjk)
        g->flags[node] |= PB_GZ_ONEWORD;
    g->names++;
    return 0;
}

static int is_org_schema(const char *s)
{
    return strcmp(s, "Organization") == 0 || strcmp(s, "Company") == 0 || strcmp(s, "PublicBody") == 0 ||
           strcmp(s, "LegalEntity") == 0;
}

static int on_entity(void *ctx, const struct probity_entity *e, const char *dataset)
{
    struct probity_gazetteer *g = ctx;
    const char *caption = probity_entity_first(e, "name");
    (void)dataset;
    if (!is_org_schema(e->schema))
        return 0;
    for (size_t i = 0; i < e->nprops; i++) {
        const char *p = e->props[i].prop;
        int rc;
        if (strcmp(p, "name") && strcmp(p, "alias") && strcmp(p, "previousName") && strcmp(p, "weakAlias"))
            continue;
        if ((rc = probity_gazetteer_add(g, e->props[i].value, e->id, e->schema, caption)) < 0)
            return rc;
    }
    return 0;
}

int probity_gazetteer_load(struct probity_gazetteer *g, struct probity_store *st, struct probity_error *err)
{
    int rc = probity_store_entities(st, 0, on_entity, g, err);
    if (rc == PROBITY_ENOTFOUND)
        return 0;
    if (rc < 0 && err && !err->msg[0])
        pb__err(err, rc, NULL, 0, 0, "gazetteer: out of memory");
    return rc;
}
