/* Building the screening index from the store: every target entity (persons, organisations,
 * vessels, aircraft) of the current versions, read through the public store API, with all
 * its names turned into normalised forms (in parallel: ICU transliteration dominates the
 * build), tokens interned with their rarity, postings token -> forms, deletion neighbourhoods
 * of tokens for misspellings, phonetic keys, run-together joins of adjacent tokens, and the
 * evidence used by the scorer (birth dates, countries, identifiers). Everything lives in a
 * few flat arrays; after the build the index is read-only and shared by all threads. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/core.h"
#include "lists/loader.h"
#include "match/match_int.h"
#include "probity/model.h"

struct rawname {
    uint32_t ent;
    uint32_t name;     /* offset in ix->strs: the name as listed */
    uint8_t weak;
    int8_t flags;      /* pb_name_forms flags */
    uint32_t part;     /* offset + 1 of the alternative to normalise, 0: the name itself */
};

struct evid {
    uint32_t ent, val;
};

struct evec {
    struct evid *v;
    size_t n, cap;
};

struct build {
    struct probity_index *ix;
    struct pb_map byid;           /* entity id -> index + 1 */
    struct rawname *rn;
    size_t nrn, caprn;
    struct evec dates, ctry, ids, ds;
    struct pb_strtab schemas_seen;
    int rc;
    struct probity_error *err;
};

static int evec_push(struct evec *e, uint32_t ent, uint32_t val)
{
    if (e->n == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 1024;
        struct evid *v = realloc(e->v, cap * sizeof(*v));
        if (!v)
            return PROBITY_ENOMEM;
        e->v = v;
        e->cap = cap;
    }
    e->v[e->n++] = (struct evid){ent, val};
    return 0;
}

static int add_str(struct probity_index *ix, const char *s, uint32_t *off)
{
    size_t n = strlen(s) + 1;
    if (ix->nstrs + n > ix->capstrs) {
        size_t cap = ix->capstrs ? ix->capstrs : 65536;
        char *p;
        while (ix->nstrs + n > cap)
            cap *= 2;
        if (!(p = realloc(ix->strs, cap)))
            return PROBITY_ENOMEM;
        ix->strs = p;
        ix->capstrs = cap;
    }
    memcpy(ix->strs + ix->nstrs, s, n);
    *off = (uint32_t)ix->nstrs;
    ix->nstrs += n;
    return 0;
}

/* ---- schemata ---- */

int pb__schema_compatible(const char *qs, const char *es)
{
    int qorg, eorg;
    if (!qs || !*qs || strcmp(qs, "any") == 0 || strcmp(qs, es) == 0)
        return 1;
    if (probity_schema_is_a(es, qs) || probity_schema_is_a(qs, es))
        return 1;
    /* Organization, Company, PublicBody and LegalEntity all name organisations */
    qorg = probity_schema_is_a(qs, "Organization") || strcmp(qs, "LegalEntity") == 0;
    eorg = probity_schema_is_a(es, "Organization") || strcmp(es, "LegalEntity") == 0;
    return qorg && eorg;
}

int pb__schema_name_flags(const char *s)
{
    if (!s || !*s)
        return 0;
    if (probity_schema_is_a(s, "Person"))
        return PB_NAME_PERSON;
    if (probity_schema_is_a(s, "Organization"))
        return PB_NAME_ORG;
    return 0;
}

int pb__schema_thing(const char *s)
{
    return s && probity_schema_is_a(s, "Vehicle") ? PB__KIND_THING : 0;
}

int pb__schema_titles(const char *s)
{
    /* Lady Sofia, Prince Group, General Motors: a title in a vessel's or an organisation's
     * name is part of it, not a form of address */
    return s && (probity_schema_is_a(s, "Organization") || probity_schema_is_a(s, "Vehicle"));
}

/* ---- evidence values ---- */

void pb__ident_norm(const char *in, char *out, size_t size)
{
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)in; *p && o + 1 < size; p++)
        if (isalnum(*p))
            out[o++] = (char)toupper(*p);
    out[o] = 0;
}

uint32_t pb__date_pack(const char *s)
{
    char iso[11];
    long y = 0, m = 0, d = 0;
    if (!s || pb_date_iso(s, iso))
        return 0;
    for (int i = 0; i < 4; i++)
        y = y * 10 + (iso[i] - '0');
    if (iso[4] == '-')
        m = (iso[5] - '0') * 10 + (iso[6] - '0');
    if (iso[4] == '-' && iso[7] == '-')
        d = (iso[8] - '0') * 10 + (iso[9] - '0');
    return (uint32_t)(y * 10000 + m * 100 + d);
}

static int add_country(struct build *b, uint32_t ent, const char *v)
{
    char buf[64];
    const char *code = v;
    uint32_t id;
    size_t n = strlen(v);
    if (n > 3) {
        code = pb__country_code(v);
        if (!code)
            return 0;
    }
    n = strlen(code);
    if (!n || n >= sizeof(buf))
        return 0;
    for (size_t i = 0; i <= n; i++)
        buf[i] = (char)tolower((unsigned char)code[i]);
    if (pb__strtab_intern(&b->ix->countries, buf, n, &id, NULL))
        return PROBITY_ENOMEM;
    return evec_push(&b->ctry, ent, id);
}

/* ---- reading entities ---- */

static int add_name(struct build *b, uint32_t ent, const char *value, int weak, int flags)
{
    uint32_t off;
    if (!*value)
        return 0;
    if (b->nrn == b->caprn) {
        size_t cap = b->caprn ? b->caprn * 2 : 4096;
        struct rawname *v = realloc(b->rn, cap * sizeof(*v));
        if (!v)
            return PROBITY_ENOMEM;
        b->rn = v;
        b->caprn = cap;
    }
    if (add_str(b->ix, value, &off))
        return PROBITY_ENOMEM;
    b->rn[b->nrn++] = (struct rawname){ent, off, (uint8_t)weak, (int8_t)flags, 0};
    /* "A; B" and "A/B": each part is a name too (shown as the whole value) */
    {
        char *parts[8];
        size_t np = pb__name_parts(value, parts, 8);
        int rc = 0;
        for (size_t i = 0; i < np; i++) {
            if (!rc && b->nrn == b->caprn) {
                size_t cap = b->caprn * 2;
                struct rawname *v = realloc(b->rn, cap * sizeof(*v));
                if (!v)
                    rc = PROBITY_ENOMEM;
                else {
                    b->rn = v;
                    b->caprn = cap;
                }
            }
            if (!rc) {
                uint32_t poff;
                if (add_str(b->ix, parts[i], &poff))
                    rc = PROBITY_ENOMEM;
                else
                    b->rn[b->nrn++] = (struct rawname){ent, off, (uint8_t)weak, (int8_t)flags, poff + 1};
            }
            free(parts[i]);
        }
        return rc;
    }
}

static int on_entity(void *ctx, const struct probity_entity *e, const char *dataset)
{
    struct build *b = ctx;
    struct probity_index *ix = b->ix;
    void **ref;
    uint32_t ent, dsid, schema_id;
    int flags, has_name = 0, rc = 0;
    static const char *const name_props[] = {"name", "alias", "previousName", "weakAlias"};
    if (!probity_schema_is_target(e->schema))
        return 0;
    if ((rc = pb__strtab_intern(&ix->datasets, dataset, strlen(dataset), &dsid, NULL)))
        return rc;
    if ((rc = pb__strtab_intern(&b->schemas_seen, e->schema, strlen(e->schema), &schema_id, NULL)))
        return rc;
    ref = pb_map_ref(&b->byid, e->id);
    if (ref) {
        /* the same entity in another dataset: one entity, both datasets */
        char buf[1024];
        struct pb_ent *x;
        ent = (uint32_t)((uintptr_t)*ref - 1);
        x = &ix->ent[ent];
        snprintf(buf, sizeof(buf), "%s,%s", ix->strs + x->datasets, dataset);
        if ((rc = add_str(ix, buf, &x->datasets)))
            return rc;
    } else {
        struct pb_ent *x;
        const char *cp = probity_schema_caption_prop(e->schema);
        const char *cap = cp ? probity_entity_first(e, cp) : NULL;
        if (!cap)
            cap = probity_entity_first(e, "name");
        if (ix->nent % 1024 == 0) {
            struct pb_ent *v = realloc(ix->ent, (ix->nent + 1024) * sizeof(*v));
            if (!v)
                return PROBITY_ENOMEM;
            ix->ent = v;
        }
        ent = (uint32_t)ix->nent++;
        x = &ix->ent[ent];
        memset(x, 0, sizeof(*x));
        x->schema = (uint8_t)schema_id;
        if ((rc = add_str(ix, e->id, &x->id)) || (rc = add_str(ix, cap ? cap : e->id, &x->caption)) ||
            (rc = add_str(ix, dataset, &x->datasets)))
            return rc;
        if ((rc = pb_map_put(&b->byid, e->id, (void *)(uintptr_t)(ent + 1))))
            return rc;
    }
    if ((rc = evec_push(&b->ds, ent, dsid)))
        return rc;
    flags = pb__schema_name_flags(e->schema);
    for (size_t k = 0; k < 4; k++)
        for (size_t i = 0; i < e->nprops; i++)
            if (strcmp(e->props[i].prop, name_props[k]) == 0) {
                has_name |= k == 0;
                if ((rc = add_name(b, ent, e->props[i].value, k == 3, flags)))
                    return rc;
            }
    if (!has_name && probity_schema_is_a(e->schema, "Person")) {
        /* persons listed by their parts only */
        const char *first = probity_entity_first(e, "firstName"), *last = probity_entity_first(e, "lastName");
        const char *mid = probity_entity_first(e, "middleName"), *sec = probity_entity_first(e, "secondName");
        char buf[1024];
        if (first || last) {
            snprintf(buf, sizeof(buf), "%s %s %s %s", first ? first : "", mid ? mid : "", sec ? sec : "",
                     last ? last : "");
            if ((rc = add_name(b, ent, pb_trim(buf), 0, flags)))
                return rc;
        }
    }
    for (size_t i = 0; i < e->nprops; i++) {
        const char *p = e->props[i].prop, *v = e->props[i].value, *type;
        if (strcmp(p, "birthDate") == 0) {
            uint32_t d = pb__date_pack(v);
            if (d && (rc = evec_push(&b->dates, ent, d)))
                return rc;
        } else if (strcmp(p, "country") == 0 || strcmp(p, "nationality") == 0 || strcmp(p, "citizenship") == 0 ||
                   strcmp(p, "jurisdiction") == 0) {
            if ((rc = add_country(b, ent, v)))
                return rc;
        } else if ((type = probity_prop_type(e->schema, p)) && strcmp(type, "identifier") == 0 &&
                   strcmp(p, "programId") != 0) {
            char norm[128];
            uint32_t id;
            pb__ident_norm(v, norm, sizeof(norm));
            if (strlen(norm) < 4)
                continue;
            if ((rc = pb__strtab_intern(&ix->idents, norm, strlen(norm), &id, NULL)) ||
                (rc = evec_push(&b->ids, ent, id)))
                return rc;
        }
    }
    return 0;
}

struct ds_ctx {
    const char *const *datasets;
    size_t n;
    int64_t *vids;
    size_t nvids;
};

static int on_version(void *ctx, const struct probity_version *v)
{
    struct ds_ctx *c = ctx;
    if (!v->current)
        return 0;
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->datasets[i], v->dataset) == 0) {
            c->vids[c->nvids++] = v->id;
            break;
        }
    return 0;
}

/* ---- name forms, in parallel ---- */

struct formjob {
    const struct probity_index *ix;
    const struct rawname *rn;
    size_t from, to;
    /* output: per raw name, a run of "o<form>\0" records in buf */
    struct pb_buf buf;
    uint32_t *start;     /* offset into buf per raw name (to - from + 1 entries) */
    unsigned char *script;
    int rc;
};

static void *form_worker(void *arg)
{
    struct formjob *j = arg;
    for (size_t i = j->from; i < j->to; i++) {
        struct pb_forms f;
        j->start[i - j->from] = (uint32_t)j->buf.len;
        j->script[i - j->from] = 0;
        const struct rawname *r = &j->rn[i];
        if (pb_name_forms(j->ix->strs + (r->part ? r->part - 1 : r->name), r->flags, &f))
            continue; /* a name with nothing to compare (punctuation only) is skipped */
        j->script[i - j->from] = (unsigned char)pb__script_of(f.script, j->ix->strs + (r->part ? r->part - 1 : r->name));
        for (size_t k = 0; k < f.n; k++) {
            if (pb_buf_addc(&j->buf, f.orig[k] ? 'o' : 'l') || pb_buf_add(&j->buf, f.v[k], strlen(f.v[k]) + 1)) {
                j->rc = PROBITY_ENOMEM;
                pb_forms_release(&f);
                return NULL;
            }
        }
        pb_forms_release(&f);
    }
    j->start[j->to - j->from] = (uint32_t)j->buf.len;
    return NULL;
}

static int is_cjk(uint32_t c)
{
    return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) ||
           (c >= 0x1100 && c <= 0x11FF) || (c >= 0x3130 && c <= 0x318F) || (c >= 0xF900 && c <= 0xFAFF) ||
           c >= 0x20000;
}

/* Intern a token string and describe it when new. */
static int intern_token(struct probity_index *ix, const char *s, size_t n, int joined, uint32_t *id)
{
    int added;
    if (pb__strtab_intern(&ix->toks, s, n, id, &added))
        return PROBITY_ENOMEM;
    if (added) {
        uint32_t cps[256];
        size_t ncp = pb__utf8_cps(s, n, cps, 256);
        struct pb_itok *t;
        if (ix->ntok % 4096 == 0) {
            struct pb_itok *v = realloc(ix->tok, (ix->ntok + 4096) * sizeof(*v));
            if (!v)
                return PROBITY_ENOMEM;
            ix->tok = v;
        }
        if (ix->ncps + ncp > ix->capcps) {
            size_t cap = ix->capcps ? ix->capcps * 2 : 65536;
            uint32_t *v = realloc(ix->cps, cap * sizeof(*v));
            if (!v)
                return PROBITY_ENOMEM;
            ix->cps = v;
            ix->capcps = cap;
        }
        memcpy(ix->cps + ix->ncps, cps, ncp * sizeof(uint32_t));
        t = &ix->tok[ix->ntok++];
        memset(t, 0, sizeof(*t));
        t->str = *id;
        t->cp = (uint32_t)ix->ncps;
        t->ncp = (uint16_t)ncp;
        t->mask = pb__letter_mask(cps, ncp);
        ix->ncps += ncp;
        if (joined) {
            t->kind = PB_TOK_WORD;
            t->joined = 1;
        } else {
            t->kind = (uint8_t)pb_token_kind(ix->toks.arena + ix->toks.off[*id]);
            t->initial = ncp == 1 && !is_cjk(cps[0]) && t->kind == PB_TOK_WORD;
            t->phon = pb__phon_hash(ix->toks.arena + ix->toks.off[*id]);
        }
    } else if (!joined && ix->tok[*id].joined) {
        /* first seen as a join, now as a real token: describe it as one */
        struct pb_itok *t = &ix->tok[*id];
        const char *str = ix->toks.arena + ix->toks.off[*id];
        t->joined = 0;
        t->dual = 1;
        t->kind = (uint8_t)pb_token_kind(str);
        t->initial = t->ncp == 1 && !is_cjk(ix->cps[t->cp]) && t->kind == PB_TOK_WORD;
        t->phon = pb__phon_hash(str);
    }
    return 0;
}

/* ---- the build ---- */

struct posting {
    uint32_t tok, form;
};

struct pvec {
    struct posting *v;
    size_t n, cap;
};

static int pvec_push(struct pvec *p, uint32_t tok, uint32_t form)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 65536;
        struct posting *v = realloc(p->v, cap * sizeof(*v));
        if (!v)
            return PROBITY_ENOMEM;
        p->v = v;
        p->cap = cap;
    }
    p->v[p->n++] = (struct posting){tok, form};
    return 0;
}

static int evid_cmp(const void *a, const void *b)
{
    const struct evid *x = a, *y = b;
    if (x->ent != y->ent)
        return x->ent < y->ent ? -1 : 1;
    return x->val < y->val ? -1 : x->val > y->val;
}

/* CSR ranges per entity from (entity, value) pairs; duplicates dropped. */
static int evid_ranges(struct evec *e, uint32_t **vals, size_t *nvals, struct probity_index *ix, size_t field)
{
    size_t o = 0;
    if (e->n)
        qsort(e->v, e->n, sizeof(e->v[0]), evid_cmp);
    *vals = malloc((e->n ? e->n : 1) * sizeof(uint32_t));
    if (!*vals)
        return PROBITY_ENOMEM;
    for (size_t i = 0; i < e->n; i++) {
        if (i && e->v[i].ent == e->v[i - 1].ent && e->v[i].val == e->v[i - 1].val)
            continue;
        uint32_t *range = (uint32_t *)((char *)&ix->ent[e->v[i].ent] + field);
        if (!range[1])
            range[0] = (uint32_t)o;
        range[1]++;
        (*vals)[o++] = e->v[i].val;
    }
    *nvals = o;
    return 0;
}

static size_t del_bucket_of(const struct probity_index *ix, uint32_t key)
{
    return ix->del_bits ? (size_t)(key >> (32 - ix->del_bits)) : 0;
}

void pb__del_prefetch(const struct probity_index *ix, uint64_t h)
{
    if (ix->del_dir)
        __builtin_prefetch(&ix->del_dir[del_bucket_of(ix, pb__del_key(h))]);
}

void pb__del_bucket(const struct probity_index *ix, uint64_t h, size_t *lo, size_t *hi)
{
    size_t b;
    *lo = *hi = 0;
    if (!ix->del_dir)
        return;
    b = del_bucket_of(ix, pb__del_key(h));
    *lo = ix->del_dir[b];
    *hi = ix->del_dir[b + 1];
}

/* Sort 64-bit values, least significant 16 bits first (tmp: room for n; count: 65537). */
static void radix_sort_u64(uint64_t *v, uint64_t *tmp, size_t *count, size_t n)
{
    static const int shifts[4] = {0, 16, 32, 48};
    for (int p = 0; p < 4; p++) {
        memset(count, 0, 65537 * sizeof(*count));
        for (size_t i = 0; i < n; i++)
            count[((v[i] >> shifts[p]) & 0xFFFF) + 1]++;
        for (size_t d = 0; d < 65536; d++)
            count[d + 1] += count[d];
        for (size_t i = 0; i < n; i++)
            tmp[count[(v[i] >> shifts[p]) & 0xFFFF]++] = v[i];
        memcpy(v, tmp, n * sizeof(*v));
    }
}

/* Every token under the hashes of its deletion variants: a token within k edits of
 * another shares a variant with it made by at most k deletions on each side. */
static int build_deletions(struct probity_index *ix)
{
    uint64_t *e = NULL, *tmp = NULL;
    size_t ne = 0, cap = 0, o = 0;
    uint64_t hs[PB_DEL_MAX_CPS * PB_DEL_MAX_CPS];
    int rc = PROBITY_ENOMEM, bits = 8;
    for (size_t t = 0; t < ix->ntok; t++) {
        const struct pb_itok *tk = &ix->tok[t];
        int k = pb__del_depth(tk->ncp, tk->joined ? PB_MAX_EDITS_JOIN : PB_MAX_EDITS);
        size_t nh;
        if (tk->initial || tk->kind == PB_TOK_NUMBER || tk->acronym || !k)
            continue; /* found by exact look-up only */
        nh = pb__del_hashes(ix->cps + tk->cp, tk->ncp, k, hs, sizeof(hs) / sizeof(hs[0]));
        if (ne + nh > cap) {
            size_t nc = cap ? cap * 2 : 262144;
            uint64_t *v;
            while (ne + nh > nc)
                nc *= 2;
            if (!(v = realloc(e, nc * sizeof(*v))))
                goto out;
            e = v;
            cap = nc;
        }
        for (size_t i = 0; i < nh; i++)
            e[ne++] = (uint64_t)pb__del_key(hs[i]) << 32 | (uint32_t)t;
    }
    /* sorted by key, tokens in id order within a key; repeats (two variants of a token
     * with one key) kept once */
    if (ne) {
        size_t *count = malloc(65537 * sizeof(*count));
        if (!count || !(tmp = malloc(ne * sizeof(*tmp)))) {
            free(count);
            goto out;
        }
        radix_sort_u64(e, tmp, count, ne);
        free(count);
        free(tmp);
        tmp = NULL;
    }
    for (size_t i = 0; i < ne; i++)
        if (!o || e[i] != e[o - 1])
            e[o++] = e[i];
    ne = o;
    /* about four entries per bucket */
    while (bits < 30 && ((size_t)1 << bits) * 4 < ne)
        bits++;
    ix->del_bits = bits;
    if (!(ix->del_dir = calloc(((size_t)1 << bits) + 1, sizeof(uint32_t))))
        goto out;
    for (size_t i = 0; i < ne; i++)
        ix->del_dir[((uint32_t)(e[i] >> 32) >> (32 - bits)) + 1]++;
    for (size_t b = 0; b < ((size_t)1 << bits); b++)
        ix->del_dir[b + 1] += ix->del_dir[b];
    ix->del = ne ? realloc(e, ne * sizeof(*e)) : e;
    if (!ix->del)
        ix->del = e;
    e = NULL;
    ix->ndel = ne;
    rc = 0;
out:
    free(e);
    free(tmp);
    return rc;
}

static int u64_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Token weights from rarity: a token in one name in N weighs 1, one in every name ~0.25. */
static double rarity(size_t df, size_t n)
{
    double r;
    if (df <= 1 || n < 3)
        return 1.0;
    r = log((double)(n + 1) / (double)(df + 1)) / log((double)(n + 1) / 3.0);
    return r < 0.25 ? 0.25 : r > 1.0 ? 1.0 : r;
}

static int nthreads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

/* Forms already made, by (entity, tokens), to keep each once per entity. */
struct formset {
    uint32_t *slots;   /* form index + 1 */
    uint64_t *hash;    /* per form */
    size_t nslots, nhash;
};

static uint64_t form_hash(const struct pb_form *f, const uint32_t *ftok)
{
    uint64_t h = 1469598103934665603ull ^ f->ent;
    for (size_t k = 0; k < f->ntok; k++) {
        h ^= ftok[f->tok + k] + 0x9E3779B97F4A7C15ull;
        h *= 1099511628211ull;
        h ^= h >> 31;
    }
    return h;
}

/* 1 if form fi (not yet counted) repeats an earlier form of its entity, else records it
 * and returns 0; PROBITY_ENOMEM on failure. */
static int form_seen(struct formset *fs, const struct probity_index *ix, const uint32_t *ftok, size_t fi)
{
    const struct pb_form *f = &ix->form[fi];
    uint64_t h = form_hash(f, ftok);
    size_t i;
    if ((fi + 1) * 2 > fs->nslots) {
        size_t ns = fs->nslots ? fs->nslots * 2 : 8192;
        uint32_t *sl = calloc(ns, sizeof(uint32_t));
        if (!sl)
            return PROBITY_ENOMEM;
        for (size_t k = 0; k < fs->nslots; k++)
            if (fs->slots[k]) {
                size_t j = (size_t)fs->hash[fs->slots[k] - 1] & (ns - 1);
                while (sl[j])
                    j = (j + 1) & (ns - 1);
                sl[j] = fs->slots[k];
            }
        free(fs->slots);
        fs->slots = sl;
        fs->nslots = ns;
    }
    if (fi >= fs->nhash) {
        size_t nh = fs->nhash ? fs->nhash * 2 : 8192;
        uint64_t *v = realloc(fs->hash, nh * sizeof(uint64_t));
        if (!v)
            return PROBITY_ENOMEM;
        fs->hash = v;
        fs->nhash = nh;
    }
    for (i = (size_t)h & (fs->nslots - 1); fs->slots[i]; i = (i + 1) & (fs->nslots - 1)) {
        const struct pb_form *g = &ix->form[fs->slots[i] - 1];
        if (fs->hash[fs->slots[i] - 1] == h && g->ent == f->ent && g->ntok == f->ntok &&
            memcmp(ftok + g->tok, ftok + f->tok, f->ntok * sizeof(uint32_t)) == 0)
            return 1;
    }
    fs->hash[fi] = h;
    fs->slots[i] = (uint32_t)fi + 1;
    return 0;
}

static int make_forms(struct build *b)
{
    struct probity_index *ix = b->ix;
    int nt = nthreads(), rc = 0;
    struct formjob jobs[8];
    pthread_t th[8];
    struct formset fs = {NULL, NULL, 0, 0};
    struct pvec post = {NULL, 0, 0};
    struct pb_u32v ftok = {NULL, 0, 0};
    uint32_t *stamp = NULL;
    if ((size_t)nt > b->nrn / 256 + 1)
        nt = (int)(b->nrn / 256 + 1);
    memset(jobs, 0, sizeof(jobs));
    for (int t = 0; t < nt; t++) {
        jobs[t].ix = ix;
        jobs[t].rn = b->rn;
        jobs[t].from = b->nrn * (size_t)t / (size_t)nt;
        jobs[t].to = b->nrn * (size_t)(t + 1) / (size_t)nt;
        jobs[t].start = malloc((jobs[t].to - jobs[t].from + 1) * sizeof(uint32_t));
        jobs[t].script = malloc(jobs[t].to - jobs[t].from + 1);
        if (!jobs[t].start || !jobs[t].script) {
            rc = PROBITY_ENOMEM;
            nt = t + 1;
            goto out;
        }
    }
    for (int t = 1; t < nt; t++)
        if (pthread_create(&th[t], NULL, form_worker, &jobs[t]))
            form_worker(&jobs[t]), th[t] = 0;
    form_worker(&jobs[0]);
    for (int t = 1; t < nt; t++)
        if (th[t])
            pthread_join(th[t], NULL);
    for (int t = 0; t < nt; t++)
        if (jobs[t].rc) {
            rc = jobs[t].rc;
            goto out;
        }
    /* merge in name order, so token ids and form order never depend on threads */
    for (int t = 0; t < nt; t++) {
        struct formjob *j = &jobs[t];
        for (size_t i = j->from; i < j->to; i++) {
            const char *p = j->buf.s + j->start[i - j->from], *end = j->buf.s + j->start[i - j->from + 1];
            const struct rawname *r = &b->rn[i];
            while (p < end) {
                int orig = *p++ == 'o';
                char form[PB_MAX_NAME_BYTES + 1];
                struct pb_form *f;
                uint32_t ntok = 0, ninit = 0;
                pb__copy(form, sizeof(form), p);
                pb__number_words(form);
                p += strlen(p) + 1;
                if (ix->nform % 4096 == 0) {
                    struct pb_form *v = realloc(ix->form, (ix->nform + 4096) * sizeof(*v));
                    if (!v) {
                        rc = PROBITY_ENOMEM;
                        goto out;
                    }
                    ix->form = v;
                }
                f = &ix->form[ix->nform];
                memset(f, 0, sizeof(*f));
                f->ent = r->ent;
                f->schema = ix->ent[r->ent].schema;
                f->name = r->name;
                f->tok = (uint32_t)ftok.n;
                f->flags = (uint8_t)((r->weak ? PB_FORM_WEAK : 0) | (orig ? PB_FORM_ORIG : 0));
                f->script = j->script[i - j->from];
                for (const char *s = form; *s && ntok < PB_MAX_TOKENS;) {
                    const char *e = strchr(s, ' ');
                    size_t n = e ? (size_t)(e - s) : strlen(s);
                    uint32_t id;
                    if (n) {
                        if ((rc = intern_token(ix, s, n, 0, &id)) || (rc = pb__u32v_push(&ftok, id)))
                            goto out;
                        ix->tok[id].seen |= pb__abjad_form(f->script, orig)      ? 1
                                            : pb__syllabic_form(f->script, orig) ? 2
                                                                                 : 4;
                        ntok++;
                        ninit += ix->tok[id].initial;
                    }
                    s += n + (e != NULL);
                    if (!e)
                        break;
                }
                if (!ntok)
                    continue;
                f->ntok = (uint8_t)ntok;
                f->ninit = (uint8_t)ninit;
                /* the same form from another name of the same entity is kept once */
                if ((rc = form_seen(&fs, ix, ftok.v, ix->nform)) < 0)
                    goto out;
                if (rc) {
                    ftok.n = f->tok;
                    rc = 0;
                    continue;
                }
                ix->nform++;
            }
        }
    }
    ix->ftok = ftok.v;
    ix->nftok = ftok.n;
    ftok.v = NULL;
    /* document frequencies and weights */
    if (!(stamp = calloc(ix->ntok ? ix->ntok : 1, sizeof(uint32_t)))) {
        rc = PROBITY_ENOMEM;
        goto out;
    }
    for (size_t fi = 0; fi < ix->nform; fi++) {
        const struct pb_form *f = &ix->form[fi];
        for (size_t k = 0; k < f->ntok; k++) {
            uint32_t t = ix->ftok[f->tok + k];
            if (stamp[t] == fi + 1)
                continue;
            stamp[t] = (uint32_t)fi + 1;
            ix->tok[t].df++;
            if ((rc = pvec_push(&post, t, (uint32_t)fi)))
                goto out;
        }
    }
    ix->wmax = 0;
    for (size_t t = 0; t < ix->ntok; t++) {
        struct pb_itok *tk = &ix->tok[t];
        tk->abjad = tk->seen == 1;
        tk->syllabic = tk->seen == 2;
        tk->w = (float)pb__tok_weight(tk->kind, tk->initial, rarity(tk->df, ix->nform));
        if (tk->w > ix->wmax)
            ix->wmax = tk->w;
        if (tk->initial && tk->w > ix->winit_max)
            ix->winit_max = tk->w;
    }
    for (size_t fi = 0; fi < ix->nform; fi++) {
        struct pb_form *f = &ix->form[fi];
        double w = 0;
        /* each distinct token once: a repeated word costs nothing once one is aligned */
        for (size_t k = 0; k < f->ntok; k++) {
            uint32_t t = ix->ftok[f->tok + k];
            int again = 0;
            for (size_t j = 0; j < k && !again; j++)
                again = ix->ftok[f->tok + j] == t;
            if (!again)
                w += ix->tok[t].w;
        }
        f->wsum = (float)w;
    }
    /* joins of adjacent tokens, and of runs of initials, so that run-together queries find them */
    for (size_t fi = 0; fi < ix->nform; fi++) {
        const struct pb_form *f = &ix->form[fi];
        char buf[512];
        for (size_t k = 0; k + 1 < f->ntok; k++) {
            const struct pb_itok *a = &ix->tok[ix->ftok[f->tok + k]];
            size_t run = 2;
            if (a->kind == PB_TOK_NUMBER || a->kind == PB_TOK_HONORIFIC)
                continue;
            if (a->initial)
                while (k + run < f->ntok && ix->tok[ix->ftok[f->tok + k + run - 1]].initial &&
                       ix->tok[ix->ftok[f->tok + k + run]].initial && run < 8)
                    run++;
            for (size_t len = 2; len <= run; len += (run > 2 && len == 2) ? run - 2 : 1) {
                size_t o = 0;
                int ok = 1;
                uint32_t id;
                double wrun = 0;
                for (size_t m = k; m < k + len; m++) {
                    const struct pb_itok *x = &ix->tok[ix->ftok[f->tok + m]];
                    const char *s = ix->toks.arena + ix->toks.off[x->str];
                    size_t n = strlen(s);
                    wrun += x->w;
                    if (x->kind == PB_TOK_NUMBER || x->kind == PB_TOK_HONORIFIC || o + n >= sizeof(buf)) {
                        ok = 0;
                        break;
                    }
                    memcpy(buf + o, s, n);
                    o += n;
                }
                if (!ok)
                    break;
                if ((rc = intern_token(ix, buf, o, 1, &id)))
                    goto out;
                if (!ix->tok[id].joined || wrun > PB_JOIN_WMAX)
                    ix->tok[id].dual = 1;
                if (ix->ntok > 0 && (rc = pvec_push(&post, id, (uint32_t)fi)))
                    goto out;
                if (len == run)
                    break;
            }
        }
    }
    /* acronyms: the initials of every run of 2 to PB_MAX_ACRONYM words (stop words skipped),
     * in names that read as an organisation's (the scorer credits no other) */
    for (size_t fi = 0; fi < ix->nform; fi++) {
        const struct pb_form *f = &ix->form[fi];
        int orgish = 0;
        for (size_t j = 0; j < f->ntok && !orgish; j++)
            orgish = pb__kind_orgish(ix->tok[ix->ftok[f->tok + j]].kind);
        for (size_t j = 0; orgish && j < f->ntok; j++)
            for (size_t len = 2; len <= PB_MAX_ACRONYM; len++) {
                char buf[PB_MAX_ACRONYM + 2];
                size_t got = 0, k = j;
                uint32_t id;
                buf[got++] = PB_ACRONYM_MARK;
                if (ix->tok[ix->ftok[f->tok + j]].kind == PB_TOK_STOP)
                    break;
                double wrun = 0;
                while (k < f->ntok && got < len + 1) {
                    const struct pb_itok *x = &ix->tok[ix->ftok[f->tok + k]];
                    uint32_t c = ix->cps[x->cp];
                    if (x->kind == PB_TOK_NUMBER || x->kind == PB_TOK_HONORIFIC || c < 'a' || c > 'z')
                        break;
                    if (x->kind != PB_TOK_STOP)
                        buf[got++] = (char)c;
                    wrun += x->w;
                    k++;
                }
                if (got < len + 1)
                    break;
                if ((rc = intern_token(ix, buf, got, 1, &id)))
                    goto out;
                ix->tok[id].acronym = 1;
                if (wrun > PB_JOIN_WMAX)
                    ix->tok[id].dual = 1;
                if ((rc = pvec_push(&post, id, (uint32_t)fi)))
                    goto out;
            }
    }
    /* joined tokens created above have no weight yet */
    for (size_t t = 0; t < ix->ntok; t++)
        if (ix->tok[t].joined && ix->tok[t].w == 0)
            ix->tok[t].w = (float)pb__tok_weight(PB_TOK_WORD, 0, 1.0);
    /* postings by counting: forms stay in order within a token */
    if (!(ix->post_start = calloc(ix->ntok + 1, sizeof(uint32_t))) ||
        !(ix->post = malloc((post.n ? post.n : 1) * sizeof(uint32_t)))) {
        rc = PROBITY_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < post.n; i++)
        ix->post_start[post.v[i].tok + 1]++;
    for (size_t t = 0; t < ix->ntok; t++)
        ix->post_start[t + 1] += ix->post_start[t];
    {
        uint32_t *fill = calloc(ix->ntok + 1, sizeof(uint32_t));
        if (!fill) {
            rc = PROBITY_ENOMEM;
            goto out;
        }
        for (size_t i = 0; i < post.n; i++) {
            uint32_t t = post.v[i].tok;
            uint32_t at = ix->post_start[t] + fill[t];
            /* a form joins the same run twice at most by a repeated join: keep one */
            if (fill[t] && ix->post[at - 1] == post.v[i].form) {
                continue;
            }
            ix->post[at] = post.v[i].form;
            fill[t]++;
        }
        /* close the gaps left by the duplicates */
        {
            uint32_t o = 0;
            for (size_t t = 0; t < ix->ntok; t++) {
                uint32_t start = ix->post_start[t];
                ix->post_start[t] = o;
                memmove(ix->post + o, ix->post + start, fill[t] * sizeof(uint32_t));
                o += fill[t];
            }
            ix->post_start[ix->ntok] = o;
        }
        free(fill);
    }
out:
    for (int t = 0; t < nt; t++) {
        pb_buf_release(&jobs[t].buf);
        free(jobs[t].start);
        free(jobs[t].script);
    }
    free(fs.slots);
    free(fs.hash);
    free(post.v);
    free(ftok.v);
    free(stamp);
    return rc;
}

static int build_rest(struct build *b)
{
    struct probity_index *ix = b->ix;
    int rc;
    size_t nds;
    /* the schema of each entity: keep the names seen */
    ix->schemas = b->schemas_seen;
    memset(&b->schemas_seen, 0, sizeof(b->schemas_seen));
    if ((rc = make_forms(b)) || (rc = build_deletions(ix)))
        return rc;
    /* small copies of what candidate generation filters on, to stay in cache */
    if (!(ix->tlen = malloc(ix->ntok + 1)) || !(ix->fmeta = malloc((ix->nform + 1) * sizeof(*ix->fmeta))))
        return PROBITY_ENOMEM;
    for (size_t t = 0; t < ix->ntok; t++)
        ix->tlen[t] = (uint8_t)(ix->tok[t].ncp > 255 ? 255 : ix->tok[t].ncp);
    for (size_t f = 0; f < ix->nform; f++) {
        ix->fmeta[f].wsum = ix->form[f].wsum;
        ix->fmeta[f].ninit = ix->form[f].ninit;
        if (ix->form[f].ninit > ix->ninit_max)
            ix->ninit_max = ix->form[f].ninit;
        ix->fmeta[f].schema = ix->form[f].schema;
        ix->fmeta[f].script = ix->form[f].script;
        ix->fmeta[f].orig = (ix->form[f].flags & PB_FORM_ORIG) != 0;
    }
    /* phonetic keys */
    ix->phon = malloc((ix->ntok ? ix->ntok : 1) * sizeof(uint64_t));
    if (!ix->phon)
        return PROBITY_ENOMEM;
    for (size_t t = 0; t < ix->ntok; t++)
        if (ix->tok[t].phon && !ix->tok[t].joined && !ix->tok[t].initial)
            ix->phon[ix->nphon++] = ((uint64_t)ix->tok[t].phon << 32) | t;
    if (ix->nphon)
        qsort(ix->phon, ix->nphon, sizeof(uint64_t), u64_cmp);
    /* evidence ranges */
    if ((rc = evid_ranges(&b->dates, &ix->dates, &ix->ndates, ix, offsetof(struct pb_ent, dates))) ||
        (rc = evid_ranges(&b->ctry, &ix->ctry, &ix->nctry, ix, offsetof(struct pb_ent, ctry))) ||
        (rc = evid_ranges(&b->ids, &ix->idv, &ix->nidv, ix, offsetof(struct pb_ent, ids))))
        return rc;
    /* identifier -> entities */
    if (!(ix->ident_start = calloc(ix->idents.n + 1, sizeof(uint32_t))) ||
        !(ix->ident_ent = malloc((ix->nidv ? ix->nidv : 1) * sizeof(uint32_t))))
        return PROBITY_ENOMEM;
    for (size_t e = 0; e < ix->nent; e++)
        for (uint32_t k = 0; k < ix->ent[e].nids; k++)
            ix->ident_start[ix->idv[ix->ent[e].ids + k] + 1]++;
    for (size_t i = 0; i < ix->idents.n; i++)
        ix->ident_start[i + 1] += ix->ident_start[i];
    {
        uint32_t *fill = calloc(ix->idents.n + 1, sizeof(uint32_t));
        if (!fill)
            return PROBITY_ENOMEM;
        for (size_t e = 0; e < ix->nent; e++)
            for (uint32_t k = 0; k < ix->ent[e].nids; k++) {
                uint32_t id = ix->idv[ix->ent[e].ids + k];
                ix->ident_ent[ix->ident_start[id] + fill[id]++] = (uint32_t)e;
            }
        free(fill);
    }
    /* dataset masks */
    nds = ix->datasets.n;
    ix->dswords = (nds + 63) / 64 ? (nds + 63) / 64 : 1;
    if (!(ix->dsmask = calloc(ix->nent * ix->dswords + 1, sizeof(uint64_t))))
        return PROBITY_ENOMEM;
    for (size_t i = 0; i < b->ds.n; i++) {
        uint32_t e = b->ds.v[i].ent, d = b->ds.v[i].val;
        ix->ent[e].dsmask_off = (uint32_t)(e * ix->dswords);
        ix->dsmask[e * ix->dswords + d / 64] |= 1ull << (d % 64);
    }
    ix->nnames = b->nrn;
    return 0;
}

/* The empty index and build state both builders start from. */
static int build_begin(struct build *b, struct probity_error *err)
{
    memset(b, 0, sizeof(*b));
    if (!(b->ix = calloc(1, sizeof(*b->ix))))
        return pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
    pthread_mutex_init(&b->ix->lock, NULL);
    b->err = err;
    return 0;
}

/* Release the build state; hand over the index when rc is 0, else free it. */
static int build_end(struct build *b, int rc, struct probity_index **out)
{
    pb_map_release(&b->byid, NULL);
    free(b->rn);
    free(b->dates.v);
    free(b->ctry.v);
    free(b->ids.v);
    free(b->ds.v);
    pb__strtab_release(&b->schemas_seen);
    if (rc)
        probity_index_free(b->ix);
    else
        *out = b->ix;
    return rc;
}

int probity_index_build(struct probity_store *st, const char *const *datasets, size_t n,
                        struct probity_index **out, struct probity_error *err)
{
    struct build b;
    int rc = 0;
    *out = NULL;
    if ((rc = build_begin(&b, err)))
        return rc;
    if (n == 0) {
        rc = probity_store_entities(st, 0, on_entity, &b, err);
    } else {
        struct ds_ctx c = {datasets, n, NULL, 0};
        if (!(c.vids = calloc(n, sizeof(int64_t)))) {
            rc = pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
            goto out;
        }
        rc = probity_store_versions(st, NULL, on_version, &c, err);
        if (!rc && c.nvids < n) {
            /* name the dataset that is not loaded */
            for (size_t i = 0; i < n; i++) {
                struct probity_version v;
                if (probity_store_version_get(st, datasets[i], 0, &v, NULL)) {
                    rc = pb__err(err, PROBITY_ENOTFOUND, NULL, 0, 0, "no dataset '%s' is loaded", datasets[i]);
                    break;
                }
            }
        }
        for (size_t k = 0; !rc && k < c.nvids; k++)
            rc = probity_store_entities(st, c.vids[k], on_entity, &b, err);
        free(c.vids);
    }
    if (rc)
        goto out;
    if ((rc = build_rest(&b))) {
        pb__err(err, rc, NULL, 0, 0, "cannot build the screening index: %s", probity_strerror(rc));
        goto out;
    }
out:
    return build_end(&b, rc, out);
}

int pb__index_build_entities(pb_entity_source next, void *ctx, struct probity_index **out, struct probity_error *err)
{
    struct build b;
    struct probity_entity e;
    const char *dataset = NULL;
    int rc = 0, got;
    *out = NULL;
    if ((rc = build_begin(&b, err)))
        return rc;
    probity_entity_init(&e);
    while ((got = next(ctx, &e, &dataset)) > 0)
        if ((rc = on_entity(&b, &e, dataset ? dataset : "memory"))) {
            pb__err(err, rc, NULL, 0, 0, "cannot index entity '%s': %s", e.id, probity_strerror(rc));
            goto out;
        }
    if (got < 0) {
        rc = pb__err(err, got, NULL, 0, 0, "cannot read the entities to index: %s", probity_strerror(got));
        goto out;
    }
    if ((rc = build_rest(&b)))
        pb__err(err, rc, NULL, 0, 0, "cannot build the screening index: %s", probity_strerror(rc));
out:
    probity_entity_release(&e);
    return build_end(&b, rc, out);
}

size_t probity_index_entities(const struct probity_index *ix)
{
    return ix ? ix->nent : 0;
}

size_t probity_index_names(const struct probity_index *ix)
{
    return ix ? ix->nnames : 0;
}

void probity_index_free(struct probity_index *ix)
{
    if (!ix)
        return;
    pb__scratch_free_all(ix);
    pthread_mutex_destroy(&ix->lock);
    free(ix->strs);
    pb__strtab_release(&ix->toks);
    free(ix->tok);
    free(ix->cps);
    free(ix->form);
    free(ix->tlen);
    free(ix->fmeta);
    free(ix->ftok);
    free(ix->ent);
    free(ix->post_start);
    free(ix->post);
    free(ix->del);
    free(ix->del_dir);
    free(ix->phon);
    free(ix->dates);
    pb__strtab_release(&ix->countries);
    free(ix->ctry);
    pb__strtab_release(&ix->idents);
    free(ix->idv);
    free(ix->ident_start);
    free(ix->ident_ent);
    pb__strtab_release(&ix->datasets);
    pb__strtab_release(&ix->schemas);
    free(ix->dsmask);
    free(ix);
}
