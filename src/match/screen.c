/* Screening one query against the index: candidate generation, scoring, evidence and
 * explanations.
 *
 * Each query token is expanded into its neighbourhood: every index token whose similarity
 * to it is at least PB_SIM_FLOOR. The neighbourhood is exact, not sampled: two tokens within
 * d edits (transpositions included) share a string made by at most d deletions from each,
 * so looking up the deletion variants of the query token finds every such token; each is
 * then verified with the real similarity. Tokens with the same phonetic key, and runs of
 * 2..4 adjacent query tokens read as one word, are expanded too.
 * Postings of the neighbours give the candidate names with the set of query units that
 * hit them; an upper bound of the score from that set (see score.c) discards names that
 * cannot reach the threshold, and the rest are scored exactly. docs/internals/match.md
 * states what this can and cannot miss. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/core.h"
#include "lists/loader.h"
#include "match/bulk.h"
#include "match/match_int.h"
#include "probity/model.h"
#include "text/text.h"

/* the least a token left unaligned costs, on each side (half for a repeated token, which
 * the bound leaves out) */
#define DELTA_UB (pb__params.delta_q < pb__params.delta_num ? pb__params.delta_q : pb__params.delta_num)
#define DELTA_UB_N (pb__params.delta < pb__params.delta_num ? pb__params.delta : pb__params.delta_num)
#define GENERIC_CAP_UB (pb__params.generic_cap)
#define MAX_UNITS 64
#define WEAK_FACTOR 0.95      /* a match on a weak alias (a.k.a., weak) */
#define PREFETCH_AHEAD 16     /* postings and deletion candidates: start loading this far ahead */
#define PREFETCH_FORMS 2      /* forms to score: their words this far ahead, the lists of their words
                               * twice as far, the forms three times */

struct neigh {
    uint32_t tok;
    double sim;
};

struct unit {              /* a query token, or a run of adjacent query tokens read as one word */
    int i, a;              /* tokens [i, i + a) */
    size_t nb, nnb;        /* neighbourhood: scratch->nb[nb .. nb + nnb), sorted by token */
    double c;              /* bound on its contribution to M */
    double wn;             /* largest weight of a name token it can align */
    int admit;             /* its postings may bring new candidates */
};

struct cand {
    uint32_t ent, form;
    uint16_t qf;
    float score;
};

/* Neighbourhoods already computed by this thread, by token (and join flag): tokens
 * repeat across queries (given names, particles), and a neighbourhood depends only on
 * the token and the index. Cleared whole when full. */
#define NCACHE_SLOTS 32768
#define NCACHE_NEIGH (1u << 18)
#define NCACHE_BYTES (1u << 18)
struct ncache {
    uint64_t *hash;          /* per slot, 0 = empty */
    uint32_t *key;           /* offset of the key in keys */
    uint32_t *off, *n;       /* neighbours in nb */
    size_t used;
    char *keys;
    size_t nkeys;
    struct neigh *nb;
    size_t nnb;
};

/* What candidate generation knows of a form during a query, in one record (one cache
 * miss per posting). */
struct fstate {
    uint64_t mask;         /* units that hit it */
    uint32_t stamp;        /* generation it was last touched in */
    float m, w;            /* bound on M from the units that hit it; name weight they may align */
    float lc, lw;          /* the current unit's best contribution and name weight so far */
    uint8_t dual;          /* reached through a token whose weight may be understated (pb_itok) */
};

struct dqslot {            /* the query's side of a bound, for one set of units and initials */
    uint64_t mask;
    int ninit;
    double d;
};

struct hitp {             /* a posting of a unit's neighbour, with what it brings */
    uint32_t f;
    float cx, wx;
    uint8_t dual;
};

struct lent {              /* a neighbour of a query unit, listed under its index token */
    double sim;
    uint32_t next;         /* the token's next entry, or UINT32_MAX */
    uint32_t unit;
};

struct pb_scratch {
    struct pb_scratch *next;
    struct ncache nc;
    size_t nform, ntok;
    struct fstate *fs;     /* per form */
    uint32_t *tstamp;      /* per token: generation of the neighbourhood search */
    uint32_t fgen, tgen;
    uint32_t *lstamp, *lhead;  /* per token: generation of index_neighbours, first entry */
    uint32_t lgen;
    struct lent *lent;
    size_t nlent, caplent;
    struct pb_u32v touched;
    struct pb_u32v cands;  /* deletion candidates of a neighbourhood search */
    struct pb_u32v pass;   /* forms of a query form left by the first bound */
    struct hitp *hp;       /* postings of the unit being walked */
    size_t nhp, caphp;
    uint8_t *compat;       /* per schema id: compatible with the query's schema, then scoring rules */
    char schema[64];       /* ... for this query schema */
    int schema_ok;
    struct neigh *nb;
    size_t nnb, capnb;
    struct cand *cand;
    size_t ncand, capcand;
    struct pb_sform qf[8];     /* query forms */
    char qbuf[8][PB_MAX_NAME_BYTES + 8];
    uint32_t qcps[8][PB_MAX_NAME_BYTES];
    struct pb_sform nf;        /* a name form being scored */
    struct unit units[8][MAX_UNITS];
    int nunits[8];
};

/* ---- scratch ---- */

static void scratch_free(struct pb_scratch *s)
{
    if (!s)
        return;
    free(s->fs);
    free(s->tstamp);
    free(s->lstamp);
    free(s->lhead);
    free(s->lent);
    pb__u32v_release(&s->touched);
    pb__u32v_release(&s->cands);
    pb__u32v_release(&s->pass);
    free(s->compat);
    free(s->hp);
    free(s->nb);
    free(s->cand);
    free(s->nc.hash);
    free(s->nc.key);
    free(s->nc.off);
    free(s->nc.n);
    free(s->nc.keys);
    free(s->nc.nb);
    free(s);
}

static struct pb_scratch *scratch_get(struct probity_index *ix)
{
    struct pb_scratch *s;
    pthread_mutex_lock(&ix->lock);
    s = ix->free_scratch;
    if (s)
        ix->free_scratch = s->next;
    pthread_mutex_unlock(&ix->lock);
    if (s)
        return s;
    if (!(s = calloc(1, sizeof(*s))))
        return NULL;
    s->nform = ix->nform;
    s->ntok = ix->ntok;
    s->fs = calloc(ix->nform + 1, sizeof(struct fstate));
    s->compat = malloc(3 * ix->schemas.n + 1);
    s->tstamp = calloc(ix->ntok + 1, sizeof(uint32_t));
    s->lstamp = calloc(ix->ntok + 1, sizeof(uint32_t));
    s->lhead = malloc((ix->ntok + 1) * sizeof(uint32_t));
    s->nc.hash = calloc(NCACHE_SLOTS, sizeof(uint64_t));
    s->nc.key = malloc(NCACHE_SLOTS * sizeof(uint32_t));
    s->nc.off = malloc(NCACHE_SLOTS * sizeof(uint32_t));
    s->nc.n = malloc(NCACHE_SLOTS * sizeof(uint32_t));
    s->nc.keys = malloc(NCACHE_BYTES);
    s->nc.nb = malloc(NCACHE_NEIGH * sizeof(struct neigh));
    if (!s->fs || !s->compat || !s->tstamp || !s->lstamp || !s->lhead || !s->nc.hash || !s->nc.key ||
        !s->nc.off || !s->nc.n || !s->nc.keys || !s->nc.nb) {
        scratch_free(s);
        return NULL;
    }
    return s;
}

static void scratch_put(struct probity_index *ix, struct pb_scratch *s)
{
    pthread_mutex_lock(&ix->lock);
    s->next = ix->free_scratch;
    ix->free_scratch = s;
    pthread_mutex_unlock(&ix->lock);
}

void pb__scratch_free_all(struct probity_index *ix)
{
    struct pb_scratch *s = ix->free_scratch, *n;
    for (; s; s = n) {
        n = s->next;
        scratch_free(s);
    }
    ix->free_scratch = NULL;
}

/* The cached neighbourhood of a token compared in a given way (how: its romanisation
 * flags, which change its neighbours): its slot, found (1) or free (0). */
static int ncache_find(const struct ncache *c, const char *str, size_t len, int how, uint64_t *h, size_t *slot)
{
    uint64_t x = pb_hash64(str, len) ^ (uint64_t)(how + 1) * 0x9E3779B97F4A7C15ull;
    size_t i;
    x = x ? x : 1;
    *h = x;
    for (i = (size_t)(x >> 11) & (NCACHE_SLOTS - 1); c->hash[i]; i = (i + 1) & (NCACHE_SLOTS - 1))
        if (c->hash[i] == x && strncmp(c->keys + c->key[i], str, len) == 0 && c->keys[c->key[i] + len] == 0 &&
            c->keys[c->key[i] + len + 1] == (char)how) {
            *slot = i;
            return 1;
        }
    *slot = i;
    return 0;
}

static void ncache_store(struct ncache *c, const char *str, size_t len, int how, const struct neigh *v, size_t n)
{
    uint64_t h;
    size_t slot;
    if (len + 2 > NCACHE_BYTES || n > NCACHE_NEIGH)
        return;
    if (c->used * 2 >= NCACHE_SLOTS || c->nkeys + len + 2 > NCACHE_BYTES || c->nnb + n > NCACHE_NEIGH) {
        memset(c->hash, 0, NCACHE_SLOTS * sizeof(uint64_t));
        c->used = c->nkeys = c->nnb = 0;
    }
    if (ncache_find(c, str, len, how, &h, &slot))
        return;
    c->hash[slot] = h;
    c->key[slot] = (uint32_t)c->nkeys;
    memcpy(c->keys + c->nkeys, str, len);
    c->keys[c->nkeys + len] = 0;
    c->keys[c->nkeys + len + 1] = (char)how;
    c->nkeys += len + 2;
    c->off[slot] = (uint32_t)c->nnb;
    c->n[slot] = (uint32_t)n;
    if (n)
        memcpy(c->nb + c->nnb, v, n * sizeof(*v));
    c->nnb += n;
    c->used++;
}

static uint32_t next_gen(uint32_t *gen, uint32_t *stamps, size_t n)
{
    if (++*gen == 0) {
        memset(stamps, 0, (n + 1) * sizeof(uint32_t));
        *gen = 1;
    }
    return *gen;
}

/* ---- forms ---- */

int pb__sform_prepare(const struct probity_index *ix, const char *form, int orig, int script,
                      struct pb_sform *f, uint32_t *cps, size_t cpcap)
{
    /* form is rewritten in place by the caller's copy: tokens become NUL-terminated */
    char *s = (char *)form;
    size_t used = 0;
    pb__number_words(s);
    f->n = 0;
    f->orig = orig;
    f->script = script;
    while (*s && f->n < PB_MAX_TOKENS) {
        char *e = strchr(s, ' ');
        size_t n = e ? (size_t)(e - s) : strlen(s), ncp;
        struct pb_tokinfo *t = &f->ti[f->n];
        if (e)
            *e = 0;
        if (n && used < cpcap) {
            ncp = pb__utf8_cps(s, n, cps + used, cpcap - used);
            if (ncp > 255)
                ncp = 255;
            t->cp = cps + used;
            t->ncp = (uint16_t)ncp;
            used += ncp;
            t->kind = (uint8_t)(!orig && (script == PB_SCRIPT_HAN || script == PB_SCRIPT_HANGUL) ? pb_token_kind_syllabic(s)
                                                                                          : pb_token_kind(s));
            t->initial = ncp == 1 && t->kind == PB_TOK_WORD && !(t->cp[0] >= 0x3040 && t->cp[0] <= 0x9FFF) &&
                         !(t->cp[0] >= 0xAC00 && t->cp[0] <= 0xD7AF) && t->cp[0] < 0x20000;
            f->id[f->n] = ix ? pb__strtab_find(&ix->toks, s, n) : UINT32_MAX;
            /* a word of the index has its phonetic key already */
            if (f->id[f->n] != UINT32_MAX && !ix->tok[f->id[f->n]].joined)
                t->phon = ix->tok[f->id[f->n]].phon;
            else
                t->phon = pb__phon_hash(s);
            t->abjad = (uint8_t)pb__abjad_form(script, orig);
            t->syllabic = (uint8_t)pb__syllabic_form(script, orig);
            t->mask = pb__letter_mask(t->cp, t->ncp);
            f->str[f->n] = s;
            if (f->id[f->n] != UINT32_MAX && !ix->tok[f->id[f->n]].joined)
                f->w[f->n] = ix->tok[f->id[f->n]].w;
            else
                f->w[f->n] = pb__tok_weight(t->kind, t->initial, 1.0);
            f->n++;
        }
        if (!e)
            break;
        s = e + 1;
    }
    return f->n;
}

/* A name form of the index as a scoring form (borrowing the index's memory); titles: the
 * name is a thing's or an organisation's, whose titles are words of the name. */
static void name_form(const struct probity_index *ix, uint32_t fi, struct pb_sform *f, int titles)
{
    const struct pb_form *x = &ix->form[fi];
    f->n = x->ntok;
    f->orig = (x->flags & PB_FORM_ORIG) != 0;
    f->script = x->script;
    for (int k = 0; k < f->n; k++) {
        uint32_t id = ix->ftok[x->tok + k];
        const struct pb_itok *t = &ix->tok[id];
        f->ti[k].cp = ix->cps + t->cp;
        f->ti[k].ncp = t->ncp;
        f->ti[k].kind = t->kind;
        f->ti[k].initial = t->initial;
        f->ti[k].phon = t->phon;
        f->ti[k].abjad = t->abjad;
        f->ti[k].syllabic = t->syllabic;
        f->ti[k].mask = t->mask;
        f->str[k] = ix->toks.arena + ix->toks.off[t->str];
        f->w[k] = t->w;
        f->id[k] = id;
    }
    if (titles)
        pb__sform_titles(f);
}

static void itok_info(const struct probity_index *ix, uint32_t id, struct pb_tokinfo *ti)
{
    const struct pb_itok *t = &ix->tok[id];
    ti->cp = ix->cps + t->cp;
    ti->ncp = t->ncp;
    ti->kind = t->kind;
    ti->initial = t->initial;
    ti->phon = t->phon;
    ti->abjad = t->abjad;
    ti->syllabic = t->syllabic;
    ti->mask = t->mask;
}

/* Two forms in the same non-Latin script are compared in that script only: its spelling
 * keeps distinctions a transliteration loses. */
static int forms_comparable(const struct pb_sform *q, int nscript, int norig)
{
    if (q->script == nscript && nscript != PB_SCRIPT_LATIN && nscript != PB_SCRIPT_NONE)
        return q->orig && norig;
    return 1;
}

/* ---- neighbourhoods ---- */

static int nb_push(struct pb_scratch *s, uint32_t tok, double sim)
{
    if (s->nnb == s->capnb) {
        size_t cap = s->capnb ? s->capnb * 2 : 1024;
        struct neigh *v = realloc(s->nb, cap * sizeof(*v));
        if (!v)
            return PROBITY_ENOMEM;
        s->nb = v;
        s->capnb = cap;
    }
    s->nb[s->nnb++] = (struct neigh){tok, sim};
    return 0;
}

static int neigh_cmp(const void *a, const void *b)
{
    const struct neigh *x = a, *y = b;
    return x->tok < y->tok ? -1 : x->tok > y->tok;
}

/* Sort a neighbourhood by token: most are short or sorted already. */
static void neigh_sort(struct neigh *v, size_t n)
{
    size_t i = 1;
    while (i < n && v[i - 1].tok <= v[i].tok)
        i++;
    if (i == n)
        return;
    if (n > 32) {
        qsort(v, n, sizeof(*v), neigh_cmp);
        return;
    }
    for (; i < n; i++) {
        struct neigh x = v[i];
        size_t j = i;
        for (; j > 0 && v[j - 1].tok > x.tok; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

/* Every index token within reach of q (pb__tok_sim_k > 0), initials excepted: they are
 * bounded separately. For a run of query tokens read as one word (join), only real tokens
 * at most PB_MAX_EDITS_JOIN edits away. Appends to s->nb; returns 0 or PROBITY_ENOMEM. */
static int neighbourhood_search(const struct probity_index *ix, struct pb_scratch *s, const struct pb_tokinfo *q,
                                const char *str, size_t len, int join)
{
    uint32_t gen = next_gen(&s->tgen, s->tstamp, s->ntok), id;
    uint64_t hs[PB_DEL_MAX_CPS * PB_DEL_MAX_CPS];
    uint32_t bucket[PB_DEL_MAX_CPS * PB_DEL_MAX_CPS][2];
    size_t nh;
    int k, kk;
    struct pb_tokinfo ti;
    id = pb__strtab_find(&ix->toks, str, len);
    if (id != UINT32_MAX && !(join && ix->tok[id].joined)) {
        s->tstamp[id] = gen;
        if (nb_push(s, id, 1.0))
            return PROBITY_ENOMEM;
    }
    if (q->kind == PB_TOK_NUMBER || q->initial)
        return 0;
    /* a word that may be an acronym of listed words */
    if (!join && q->kind == PB_TOK_WORD && q->ncp >= 2 && q->ncp <= PB_MAX_ACRONYM && len == q->ncp) {
        char buf[PB_MAX_ACRONYM + 2];
        int latin = 1;
        for (size_t i = 0; i < len; i++)
            latin &= str[i] >= 'a' && str[i] <= 'z';
        buf[0] = PB_ACRONYM_MARK;
        memcpy(buf + 1, str, len);
        if (latin && (id = pb__strtab_find(&ix->toks, buf, len + 1)) != UINT32_MAX && s->tstamp[id] != gen) {
            s->tstamp[id] = gen;
            if (nb_push(s, id, PB_SIM_ACRONYM))
                return PROBITY_ENOMEM;
        }
    }
    k = pb__del_depth(q->ncp, join ? PB_MAX_EDITS_QJOIN : PB_MAX_EDITS);
    nh = k ? pb__del_hashes(q->cp, q->ncp, k, hs, sizeof(hs) / sizeof(hs[0])) : 0;
    /* the candidates of every variant in one run, their buckets and tokens loaded ahead
     * of their checks */
    for (size_t i = 0; i < nh; i++)
        pb__del_prefetch(ix, hs[i]);
    for (size_t i = 0; i < nh; i++) {
        size_t lo, hi;
        pb__del_bucket(ix, hs[i], &lo, &hi);
        bucket[i][0] = (uint32_t)lo;
        bucket[i][1] = (uint32_t)hi;
        if (lo < hi)
            __builtin_prefetch(&ix->del[lo]);
    }
    s->cands.n = 0;
    for (size_t i = 0; i < nh; i++) {
        uint32_t key = pb__del_key(hs[i]);
        for (uint32_t e = bucket[i][0]; e < bucket[i][1]; e++)
            if ((uint32_t)(ix->del[e] >> 32) == key && pb__u32v_push(&s->cands, (uint32_t)ix->del[e]))
                return PROBITY_ENOMEM;
    }
    for (size_t i = 0; i < s->cands.n; i++) {
        uint32_t t = s->cands.v[i];
        double sim;
        if (i + PREFETCH_AHEAD < s->cands.n) {
            uint32_t a = s->cands.v[i + PREFETCH_AHEAD];
            __builtin_prefetch(&ix->tlen[a]);
            __builtin_prefetch(&s->tstamp[a]);
            __builtin_prefetch(&ix->tok[a]);
        }
        if (i + PREFETCH_AHEAD / 2 < s->cands.n) /* its letters, once its record is in */
            __builtin_prefetch(&ix->cps[ix->tok[s->cands.v[i + PREFETCH_AHEAD / 2]].cp]);
        if (abs((int)ix->tlen[t] - (int)q->ncp) > PB_MAX_EDITS || s->tstamp[t] == gen)
            continue; /* seen, or too different in length for an edit (the phonetic pass
                       * below still sees it) */
        s->tstamp[t] = gen;
        if (join && ix->tok[t].joined)
            continue;
        itok_info(ix, t, &ti);
        kk = join ? PB_MAX_EDITS_QJOIN : ix->tok[t].joined ? PB_MAX_EDITS_JOIN : PB_MAX_EDITS;
        /* most candidates are turned down by their lengths and letters, before their code
         * points are read; a different id is a different string */
        if (!pb__tok_sim_possible(q, &ti, kk))
            continue;
        sim = pb__tok_sim_ne(q, &ti, kk);
        if (sim > 0 && nb_push(s, t, sim))
            return PROBITY_ENOMEM;
    }
    if (!join && q->phon && ix->nphon) {
        uint64_t key = (uint64_t)q->phon << 32;
        size_t l = 0, r = ix->nphon;
        while (l < r) {
            size_t m = l + (r - l) / 2;
            if (ix->phon[m] < key)
                l = m + 1;
            else
                r = m;
        }
        for (; l < ix->nphon && (ix->phon[l] >> 32) == q->phon; l++) {
            uint32_t t = (uint32_t)ix->phon[l];
            double sim;
            if (l + PREFETCH_AHEAD < ix->nphon) {
                uint32_t a = (uint32_t)ix->phon[l + PREFETCH_AHEAD];
                __builtin_prefetch(&ix->tlen[a]);
                __builtin_prefetch(&s->tstamp[a]);
                __builtin_prefetch(&ix->tok[a]);
            }
            if (l + PREFETCH_AHEAD / 2 < ix->nphon)
                __builtin_prefetch(&ix->cps[ix->tok[(uint32_t)ix->phon[l + PREFETCH_AHEAD / 2]].cp]);
            if (s->tstamp[t] == gen)
                continue;
            s->tstamp[t] = gen;
            /* not reached through a deletion variant, so more edits apart than the edit
             * distance allows: only the phonetic rules can credit it, and they allow
             * PB_PHON_EDITS edits at most (any number of vowels between an abjad's letters) */
            if (abs((int)ix->tlen[t] - (int)q->ncp) > PB_PHON_EDITS && ix->tok[t].abjad == q->abjad)
                continue;
            itok_info(ix, t, &ti);
            /* a word within the edits' reach was a deletion candidate: this one is not
             * (a join, whose deletions are fewer, may be) */
            sim = ix->tok[t].joined ? pb__tok_sim_ne(q, &ti, PB_MAX_EDITS) : pb__tok_sim_phon(q, &ti);
            if (sim > 0 && nb_push(s, t, sim))
                return PROBITY_ENOMEM;
        }
    }
    return 0;
}

static int neighbourhood(const struct probity_index *ix, struct pb_scratch *s, const struct pb_tokinfo *q,
                         const char *str, size_t len, int join)
{
    uint64_t h;
    size_t slot, start = s->nnb;
    int rc, how = 1 + q->abjad + 2 * q->syllabic; /* how the token is compared, besides its text */
    if (join)
        return neighbourhood_search(ix, s, q, str, len, join);
    if (ncache_find(&s->nc, str, len, how, &h, &slot)) {
        for (uint32_t k = 0; k < s->nc.n[slot]; k++)
            if ((rc = nb_push(s, s->nc.nb[s->nc.off[slot] + k].tok, s->nc.nb[s->nc.off[slot] + k].sim)))
                return rc;
        return 0;
    }
    if ((rc = neighbourhood_search(ix, s, q, str, len, join)))
        return rc;
    if (s->nnb - start > 1)
        neigh_sort(s->nb + start, s->nnb - start);
    ncache_store(&s->nc, str, len, how, s->nb + start, s->nnb - start);
    return 0;
}

struct simctx {
    const struct pb_scratch *s;
    const struct unit *units;   /* units 0..n-1 are the single tokens */
    int by_token;               /* s->lstamp / lhead hold these units' neighbours by token */
};

/* Neighbours of the single-token units of the query form being scored, by index token: the
 * scorer asks for the similarity of every pair of words, and most pairs are not neighbours,
 * which one look-up of the token's stamp tells. */
static int index_neighbours(struct pb_scratch *s, const struct pb_sform *q, const struct unit *u)
{
    if (++s->lgen == 0) {
        memset(s->lstamp, 0, (s->ntok + 1) * sizeof(uint32_t));
        s->lgen = 1;
    }
    s->nlent = 0;
    for (int i = 0; i < q->n; i++)
        for (size_t m = 0; m < u[i].nnb; m++) {
            const struct neigh *v = &s->nb[u[i].nb + m];
            if (s->nlent == s->caplent) {
                size_t cap = s->caplent ? s->caplent * 2 : 1024;
                struct lent *nv = realloc(s->lent, cap * sizeof(*nv));
                if (!nv)
                    return PROBITY_ENOMEM;
                s->lent = nv;
                s->caplent = cap;
            }
            if (s->lstamp[v->tok] != s->lgen) {
                s->lstamp[v->tok] = s->lgen;
                s->lhead[v->tok] = UINT32_MAX;
            }
            s->lent[s->nlent] = (struct lent){v->sim, s->lhead[v->tok], (uint32_t)i};
            s->lhead[v->tok] = (uint32_t)s->nlent++;
        }
    return 0;
}

static double sim_lookup(void *ctx, const struct pb_sform *q, int qi, const struct pb_sform *n, int nj)
{
    const struct simctx *c = ctx;
    const struct unit *u = &c->units[qi];
    const struct neigh *v = c->s->nb + u->nb;
    size_t l = 0, r = u->nnb;
    uint32_t id = n->id[nj];
    if (q->ti[qi].initial || n->ti[nj].initial || id == UINT32_MAX)
        return pb__tok_sim(&q->ti[qi], &n->ti[nj]);
    if (c->by_token) {
        if (c->s->lstamp[id] != c->s->lgen)
            return 0.0;
        for (uint32_t e = c->s->lhead[id]; e != UINT32_MAX; e = c->s->lent[e].next)
            if (c->s->lent[e].unit == (uint32_t)qi)
                return c->s->lent[e].sim;
        return 0.0;
    }
    while (l < r) {
        size_t m = l + (r - l) / 2;
        if (v[m].tok < id)
            l = m + 1;
        else if (v[m].tok > id)
            r = m;
        else
            return v[m].sim;
    }
    return 0.0;
}

static int distinctive(int kind)
{
    return kind == PB_TOK_WORD || kind == PB_TOK_NUMBER;
}

/* Units of a query form, their neighbourhoods, the query's token weights and bounds. */
static int prepare_units(const struct probity_index *ix, struct pb_scratch *s, int qi, int low_threshold,
                         int person)
{
    struct pb_sform *q = &s->qf[qi];
    struct unit *u = s->units[qi];
    int nu = 0, rc, orgish;
    for (int i = 0; i < q->n && nu < MAX_UNITS; i++) {
        u[nu] = (struct unit){i, 1, s->nnb, 0, 0, 0, 0};
        if (q->w[i] > 0 && (rc = neighbourhood(ix, s, &q->ti[i], q->str[i], strlen(q->str[i]), 0)))
            return rc;
        u[nu].nnb = s->nnb - u[nu].nb;
        nu++;
    }
    /* a token the lists do not hold weighs like its closest neighbour there */
    for (int i = 0; i < q->n; i++) {
        const struct neigh *v = s->nb + u[i].nb;
        double best = -1, w = -1;
        if (q->id[i] != UINT32_MAX && !ix->tok[q->id[i]].joined)
            continue;
        for (size_t k = 0; k < u[i].nnb; k++) {
            const struct pb_itok *t = &ix->tok[v[k].tok];
            if (t->joined)
                continue;
            if (v[k].sim > best || (v[k].sim == best && t->w > w)) {
                best = v[k].sim;
                w = t->w;
            }
        }
        if (w >= 0 && q->w[i] > 0)
            q->w[i] = w;
    }
    /* runs of adjacent tokens read as one word */
    for (int a = 2; a <= PB_MAX_JOIN; a++)
        for (int i = 0; i + a <= q->n && nu < MAX_UNITS; i++) {
            char buf[512];
            uint32_t cps[256];
            size_t o = 0, ncp = 0;
            struct pb_tokinfo ti;
            int ok = 1;
            for (int k = i; k < i + a && ok; k++) {
                size_t n = strlen(q->str[k]);
                if (q->ti[k].kind == PB_TOK_NUMBER || q->ti[k].kind == PB_TOK_HONORIFIC || o + n >= sizeof(buf) ||
                    ncp + q->ti[k].ncp > 255) {
                    ok = 0;
                    break;
                }
                memcpy(buf + o, q->str[k], n);
                o += n;
                memcpy(cps + ncp, q->ti[k].cp, q->ti[k].ncp * sizeof(uint32_t));
                ncp += q->ti[k].ncp;
            }
            if (!ok)
                continue;
            buf[o] = 0;
            ti.cp = cps;
            ti.ncp = (uint16_t)ncp;
            ti.kind = PB_TOK_WORD;
            ti.initial = 0;
            ti.phon = 0;
            ti.abjad = 0;
            ti.syllabic = 0;
            ti.mask = pb__letter_mask(cps, ncp);
            u[nu] = (struct unit){i, a, s->nnb, 0, 0, 0, 0};
            if ((rc = neighbourhood(ix, s, &ti, buf, o, 1)))
                return rc;
            u[nu].nnb = s->nnb - u[nu].nb;
            if (u[nu].nnb)
                nu++;
        }
    /* runs of query words whose initials are a listed word (an acronym), in a query that
     * reads as an organisation's name (the scorer credits no other) */
    orgish = 0;
    for (int i = 0; i < q->n && !orgish; i++)
        orgish = pb__kind_orgish(q->ti[i].kind);
    for (int i = 0; !person && orgish && i < q->n; i++)
        for (size_t len = 2; len <= PB_MAX_ACRONYM && nu < MAX_UNITS; len++) {
            char buf[PB_MAX_ACRONYM + 1];
            int run = pb__acronym_run(q, i, len, buf);
            uint32_t id;
            if (!run)
                continue;
            if ((id = pb__strtab_find(&ix->toks, buf, len)) == UINT32_MAX || ix->tok[id].joined)
                continue;
            u[nu] = (struct unit){i, run, s->nnb, 1, 0, 0, 0};
            if ((rc = nb_push(s, id, PB_SIM_ACRONYM)))
                return rc;
            nu++;
        }
    /* bounds: what each unit can add to M; which units may admit new candidates */
    for (int k = 0; k < nu; k++) {
        double wq = 0, c = 0;
        int dist = 0;
        u[k].wn = 0;
        const struct neigh *v = s->nb + u[k].nb;
        for (int t = u[k].i; t < u[k].i + u[k].a; t++) {
            wq += q->w[t];
            dist |= distinctive(q->ti[t].kind) && !q->ti[t].initial;
        }
        for (size_t m = 0; m < u[k].nnb; m++) {
            const struct pb_itok *t = &ix->tok[v[m].tok];
            double w = t->joined ? PB_JOIN_WMAX : t->w, x = v[m].sim * 2 * (w < wq ? w : wq);
            if (x > c)
                c = x;
            if (w > u[k].wn)
                u[k].wn = w;
        }
        u[k].c = c;
        /* an initial is walked too (to the names with the same initial): above the generic
         * cap a name needs an aligned distinctive word, and an equal initial is one */
        u[k].admit = (dist || low_threshold || (u[k].a == 1 && q->ti[u[k].i].initial)) && u[k].nnb > 0;
    }
    /* sorted neighbourhoods for look-ups while scoring (those from the cache are) */
    for (int k = 0; k < nu; k++)
        if (u[k].nnb > 1) /* s->nb may still be NULL when no unit has neighbours */
            neigh_sort(s->nb + u[k].nb, u[k].nnb);
    s->nunits[qi] = nu;
    return 0;
}

/* The bound of a form (as in screen_impl) once the units that candidate generation does not
 * walk (lazy[]) are checked against the form itself instead of being assumed to reach it.
 * A unit reaches a form through a word of the form in its neighbourhood, or, for a single
 * query word, through a run of 2 to 8 adjacent words of the form read as one (the joins of
 * the index and the runs the scorer reads), taken here whenever the run's length is within
 * PB_MAX_EDITS_JOIN of the word's, at full similarity and with the run's whole weight. A
 * unit that reaches the form adds what the walk would have added; one that does not adds
 * nothing and covers nothing. */
static double lazy_bound(const struct probity_index *ix, const struct pb_scratch *s, const struct pb_sform *qf,
                         const unsigned char *qrep, uint32_t f, const int *lazy, int nlazy, const uint64_t *ucov,
                         double base_m, double base_w, uint64_t base_cov)
{
    const struct fstate *x = &s->fs[f];
    const struct pb_form *pf = &ix->form[f];
    const struct unit *u = s->units[qf - s->qf];
    const uint32_t *ft = ix->ftok + pf->tok;
    uint64_t covered = base_cov;
    double M = base_m + x->m, W = base_w + x->w, D = 0, terms[PB_MAX_TOKENS], wn;
    int nterms = 0, ninit = ix->fmeta[f].ninit;
    for (uint64_t m = x->mask; m; m &= m - 1)
        covered |= ucov[__builtin_ctzll(m)];
    for (int l = 0; l < nlazy; l++) {
        const struct unit *uk = &u[lazy[l]];
        const struct neigh *v = s->nb + uk->nb;
        const struct pb_tokinfo *qt = &qf->ti[uk->i];
        double wq = 0, bc = 0, bw = 0;
        int hit = 0;
        for (int t = uk->i; t < uk->i + uk->a; t++)
            wq += qf->w[t];
        for (int j = 0; j < pf->ntok; j++) {
            uint32_t id = ft[j];
            size_t lo = 0, hi = uk->nnb;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (v[mid].tok < id)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            if (lo < uk->nnb && v[lo].tok == id) {
                double wx = ix->tok[id].w, cx = v[lo].sim * 2 * (wq < wx ? wq : wx);
                hit = 1;
                if (cx > bc)
                    bc = cx;
                if (wx > bw)
                    bw = wx;
            }
        }
        if (uk->a == 1 && !qt->initial && qt->kind != PB_TOK_NUMBER)
            for (int j = 0; j < pf->ntok; j++) {
                int ncp = 0;
                double wr = 0;
                for (int k = j; k < pf->ntok && k < j + 8; k++) {
                    const struct pb_itok *t = &ix->tok[ft[k]];
                    if (t->kind == PB_TOK_NUMBER || t->kind == PB_TOK_HONORIFIC)
                        break;
                    ncp += t->ncp;
                    wr += t->w;
                    if (k > j && abs(ncp - (int)qt->ncp) <= PB_MAX_EDITS_JOIN) {
                        double cx = 2 * (wq < wr ? wq : wr);
                        hit = 1;
                        if (cx > bc)
                            bc = cx;
                        if (wr > bw)
                            bw = wr;
                    }
                    if (ncp > (int)qt->ncp + PB_MAX_EDITS_JOIN)
                        break;
                }
            }
        if (hit) {
            M += bc;
            W += bw;
            covered |= ucov[lazy[l]];
        }
    }
    for (int t = 0; t < qf->n; t++)
        if (!(covered >> t & 1) && !qf->ti[t].initial && !qrep[t] && qf->w[t] > 0)
            terms[nterms++] = DELTA_UB * qf->w[t];
    for (int a = 0; a < ninit && a < nterms; a++)
        for (int b = a + 1; b < nterms; b++)
            if (terms[b] > terms[a]) {
                double y = terms[a];
                terms[a] = terms[b];
                terms[b] = y;
            }
    for (int t = ninit; t < nterms; t++)
        D += terms[t];
    M += ninit * 2 * ix->winit_max;
    wn = ix->fmeta[f].wsum - W - ninit * ix->winit_max;
    if (wn > 0)
        D += DELTA_UB_N * wn;
    return M > 0 ? M / (M + D) : 0.0;
}

static int cand_push(struct pb_scratch *s, uint32_t ent, uint32_t form, int qf, double score)
{
    if (s->ncand == s->capcand) {
        size_t cap = s->capcand ? s->capcand * 2 : 256;
        struct cand *v = realloc(s->cand, cap * sizeof(*v));
        if (!v)
            return PROBITY_ENOMEM;
        s->cand = v;
        s->capcand = cap;
    }
    s->cand[s->ncand++] = (struct cand){ent, form, (uint16_t)qf, (float)score};
    return 0;
}

static int cand_ent_cmp(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    if (x->ent != y->ent)
        return x->ent < y->ent ? -1 : 1;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    if (x->form != y->form)
        return x->form < y->form ? -1 : 1;
    return (int)x->qf - (int)y->qf;
}

/* ---- evidence ---- */

struct qevid {
    uint32_t date;
    uint32_t ctry[16];
    size_t nctry;
    int has_ctry;
    uint32_t ids[16];
    size_t nids;
};

static double evidence(const struct probity_index *ix, const struct qevid *qe, uint32_t ent, double name_score,
                       struct probity_hit *hit)
{
    const struct pb_ent *e = &ix->ent[ent];
    double total = 0;
    char detail[160];
    struct probity_feature *f;
#define FEATURE(nm, c)                                                                                      \
    do {                                                                                                    \
        total += (c);                                                                                       \
        if (hit && hit->nfeatures < sizeof(hit->features) / sizeof(hit->features[0])) {                    \
            f = &hit->features[hit->nfeatures++];                                                           \
            pb__copy(f->name, sizeof(f->name), nm);                                                   \
            f->contribution = (c);                                                                          \
            pb__copy(f->detail, sizeof(f->detail), detail);                                           \
        }                                                                                                   \
    } while (0)
    if (qe->date && e->ndates) {
        uint32_t qy = qe->date / 10000, qm = qe->date / 100 % 100, qd = qe->date % 100, best = 0, bestv = 0;
        for (uint32_t k = 0; k < e->ndates; k++) {
            uint32_t v = ix->dates[e->dates + k], y = v / 10000, m = v / 100 % 100, d = v % 100, lvl = 0;
            if (y == qy) {
                lvl = 1;
                if (m && qm && m == qm) {
                    lvl = 2;
                    if (d && qd && d == qd)
                        lvl = 3;
                } else if (m && qm)
                    lvl = 1;
            }
            if (lvl > best) {
                best = lvl;
                bestv = v;
            }
        }
        if (best) {
            double c = best == 3 ? PB_DATE_EXACT : best == 2 ? PB_DATE_MONTH : PB_DATE_YEAR;
            snprintf(detail, sizeof(detail), "birth date %04u%s agrees (%s)", bestv / 10000,
                     best == 3 ? "-MM-DD" : best == 2 ? "-MM" : "", best == 3 ? "day" : best == 2 ? "month" : "year");
            FEATURE("birth_date", c);
        } else {
            uint32_t v = ix->dates[e->dates];
            snprintf(detail, sizeof(detail), "listed birth year %04u, query %04u", v / 10000, qy);
            FEATURE("birth_date", PB_DATE_CONFLICT);
        }
    }
    if (qe->has_ctry && e->nctry) {
        int agree = 0;
        for (uint32_t k = 0; k < e->nctry && !agree; k++)
            for (size_t j = 0; j < qe->nctry; j++)
                if (ix->ctry[e->ctry + k] == qe->ctry[j]) {
                    agree = 1;
                    snprintf(detail, sizeof(detail), "country %s agrees",
                             pb__strtab_str(&ix->countries, qe->ctry[j]));
                    break;
                }
        if (agree) {
            FEATURE("country", PB_CTRY_MATCH);
        } else {
            snprintf(detail, sizeof(detail), "listed countries (%s%s) differ from the query's",
                     pb__strtab_str(&ix->countries, ix->ctry[e->ctry]), e->nctry > 1 ? ", ..." : "");
            FEATURE("country", PB_CTRY_MISMATCH);
        }
    }
    for (size_t j = 0; j < qe->nids; j++) {
        int found = 0;
        for (uint32_t k = 0; k < e->nids; k++)
            found |= ix->idv[e->ids + k] == qe->ids[j];
        if (found) {
            /* strong evidence: with it, a listed party scores PB_IDENT_FLOOR at least
             * whatever its name (a renamed vessel keeps its IMO number) */
            double c = PB_IDENT_MATCH;
            if (name_score + total + c < PB_IDENT_FLOOR)
                c = PB_IDENT_FLOOR - name_score - total;
            snprintf(detail, sizeof(detail), "identifier %s is listed", pb__strtab_str(&ix->idents, qe->ids[j]));
            FEATURE("identifier", c);
            break;
        }
    }
#undef FEATURE
    return total;
}

/* ---- probity_screen ---- */

static int check_name(const char *name, struct probity_error *err);
static int check_schema(const char *schema, struct probity_error *err);

static int check_name(const char *name, struct probity_error *err)
{
    size_t n, bad;
    if (!name)
        return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "no name given");
    n = strlen(name);
    if (!pb_utf8_valid(name, n, &bad))
        return pb__err(err, PROBITY_EENCODING, NULL, 0, (long)bad + 1, "the name is not valid UTF-8 (byte %zu)",
                       bad + 1);
    if (n > PB_MAX_NAME_BYTES)
        return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "the name is too long (%zu bytes; at most %d)", n,
                       PB_MAX_NAME_BYTES);
    return 0;
}

static int check_schema(const char *schema, struct probity_error *err)
{
    if (!schema || !*schema || strcmp(schema, "any") == 0)
        return 0;
    if (!probity_schema_exists(schema) || !probity_schema_is_target(schema))
        return pb__err(err, PROBITY_EINVAL, NULL, 0, 0,
                       "unknown schema '%s' (Person, Organization, Company, LegalEntity, PublicBody, Vessel, "
                       "Airplane or any)",
                       schema);
    return 0;
}

/* Forms of a name and of its "A/B" alternatives, in one set. */
static int name_forms_all(const char *name, int flags, struct pb_forms *out)
{
    char *parts[8];
    size_t np;
    int rc = pb_name_forms(name, flags, out);
    if (rc)
        return rc;
    np = pb__name_parts(name, parts, 8);
    for (size_t i = 0; i < np; i++) {
        struct pb_forms f;
        if (!rc && !pb_name_forms(parts[i], flags, &f)) {
            char **v = realloc(out->v, (out->n + f.n) * sizeof(char *));
            unsigned char *o = v ? realloc(out->orig, out->n + f.n) : NULL;
            if (v)
                out->v = v;
            if (!v || !o) {
                rc = PROBITY_ENOMEM;
            } else {
                out->orig = o;
                for (size_t k = 0; k < f.n; k++) {
                    out->v[out->n] = f.v[k];
                    out->orig[out->n++] = f.orig[k];
                    f.v[k] = NULL;
                }
            }
            pb_forms_release(&f);
        }
        free(parts[i]);
    }
    if (rc)
        pb_forms_release(out);
    return rc;
}

/* Normalised forms of a name as scoring forms in s (at most 8). */
static int query_forms(const struct probity_index *ix, struct pb_scratch *s, const char *name, int flags,
                       int *nq, struct probity_error *err)
{
    struct pb_forms f;
    int rc = name_forms_all(name, flags, &f);
    *nq = 0;
    if (rc == PROBITY_EINVAL)
        return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "the name has no letters or digits to compare");
    if (rc == PROBITY_EENCODING)
        return pb__err(err, rc, NULL, 0, 0, "the name is not valid UTF-8");
    if (rc)
        return pb__err(err, rc, NULL, 0, 0, "cannot normalise the name: %s", probity_strerror(rc));
    for (size_t k = 0; k < f.n && *nq < 8; k++) {
        pb__copy(s->qbuf[*nq], sizeof(s->qbuf[0]), f.v[k]);
        if (pb__sform_prepare(ix, s->qbuf[*nq], f.orig[k], pb__script_of(f.script, name), &s->qf[*nq], s->qcps[*nq],
                              PB_MAX_NAME_BYTES))
            (*nq)++;
    }
    pb_forms_release(&f);
    if (!*nq)
        return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "the name has no letters or digits to compare");
    return 0;
}

static int form_distinctive(const struct pb_sform *q)
{
    for (int i = 0; i < q->n; i++)
        if (distinctive(q->ti[i].kind) && q->w[i] > 0)
            return 1;
    return 0;
}

static void fill_hit(const struct probity_index *ix, uint32_t ent, uint32_t form, struct probity_hit *h)
{
    const struct pb_ent *e = &ix->ent[ent];
    pb__copy(h->id, sizeof(h->id), ix->strs + e->id);
    pb__copy(h->caption, sizeof(h->caption), ix->strs + e->caption);
    pb__copy(h->schema, sizeof(h->schema), pb__strtab_str(&ix->schemas, e->schema));
    pb__copy(h->datasets, sizeof(h->datasets), ix->strs + e->datasets);
    pb__copy(h->matched, sizeof(h->matched), ix->strs + ix->form[form].name);
}

struct final {
    uint32_t ent, form;
    uint16_t qf;
    int literal;          /* the name as listed is the query (case, accents, punctuation aside) */
    double name, score;
};

/* Best first; among equal scores a name listed exactly as queried first, then by id. */
static int final_cmp(const void *a, const void *b)
{
    const struct final *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    if (x->literal != y->literal)
        return y->literal - x->literal;
    return x->ent < y->ent ? -1 : x->ent > y->ent;
}

static int screen_impl(const struct probity_index *cix, const struct probity_query *q, struct probity_result *out,
                       struct probity_error *err, int brute)
{
    struct probity_index *ix = (struct probity_index *)cix; /* only the scratch pool changes */
    struct pb_scratch *s = NULL;
    struct qevid qe;
    double thr, thr_name, bonus = 0;
    int limit, nq = 0, rc = 0, any_distinct = 0, flags;
    /* per schema id: compatible with the query; scoring rules; titles are words of its names */
    uint8_t *compat = NULL, *skind, *stitle;
    uint64_t dsmask[16] = {0};
    struct final *fin = NULL;
    size_t nfin = 0;
    unsigned char qrep[8][PB_MAX_TOKENS];
    memset(out, 0, sizeof(*out));
    memset(&qe, 0, sizeof(qe));
    if (!ix)
        return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "no index");
    if ((rc = check_name(q->name, err)) || (rc = check_schema(q->schema, err)))
        return rc;
    thr = q->threshold > 0 ? q->threshold : PROBITY_DEFAULT_THRESHOLD;
    if (thr > 1.0)
        return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "the threshold must be between 0 and 1");
    limit = q->limit > 0 ? q->limit : 10;
    if (q->birth_date && *q->birth_date) {
        const char *d = q->birth_date;
        size_t n = strlen(d);
        int ok = (n == 4 || n == 7 || n == 10);
        for (size_t i = 0; ok && i < n; i++)
            ok = (i == 4 || i == 7) ? d[i] == '-' : (d[i] >= '0' && d[i] <= '9');
        if (!ok || !(qe.date = pb__date_pack(d)))
            return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "invalid birth date '%s' (YYYY, YYYY-MM or YYYY-MM-DD)",
                           d);
        bonus += PB_DATE_EXACT;
    }
    for (size_t i = 0; i < q->ncountries; i++) {
        const char *c = q->countries[i], *code = c;
        char low[8];
        size_t n = strlen(c);
        uint32_t id;
        if (n > 3)
            code = pb__country_code(c);
        if (!code || !*code || strlen(code) >= sizeof(low))
            return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "unknown country '%s' (an ISO code such as RU, or a name)",
                           c);
        for (n = 0; code[n] && n + 1 < sizeof(low); n++)
            low[n] = (char)(code[n] >= 'A' && code[n] <= 'Z' ? code[n] + 32 : code[n]);
        low[n] = 0;
        if (n != 2 && n != 3 && !pb__country_code(c))
            return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "unknown country '%s'", c);
        qe.has_ctry = 1;
        if ((id = pb__strtab_find(&ix->countries, low, n)) != UINT32_MAX && qe.nctry < 16)
            qe.ctry[qe.nctry++] = id;
    }
    if (qe.has_ctry)
        bonus += PB_CTRY_MATCH;
    for (size_t i = 0; i < q->nids; i++) {
        char norm[128];
        uint32_t id;
        pb__ident_norm(q->ids[i], norm, sizeof(norm));
        if (!*norm)
            return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "identifier '%s' has no letters or digits", q->ids[i]);
        if ((id = pb__strtab_find(&ix->idents, norm, strlen(norm))) != UINT32_MAX && qe.nids < 16)
            qe.ids[qe.nids++] = id;
    }
    if (q->ndatasets) {
        if (ix->dswords > 16)
            return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "too many datasets to filter on");
        for (size_t i = 0; i < q->ndatasets; i++) {
            uint32_t d = pb__strtab_find(&ix->datasets, q->datasets[i], strlen(q->datasets[i]));
            if (d == UINT32_MAX)
                return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "no dataset '%s' in the index", q->datasets[i]);
            dsmask[d / 64] |= 1ull << (d % 64);
        }
    }
    thr_name = thr - bonus;
    if (!(s = scratch_get(ix))) {
        rc = pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    flags = pb__schema_name_flags(q->schema && strcmp(q->schema, "any") ? q->schema : NULL);
    compat = s->compat;
    skind = compat + ix->schemas.n;
    stitle = skind + ix->schemas.n;
    {
        /* the schema tables of the previous query of this thread, when it had the same schema */
        const char *qs = q->schema && *q->schema ? q->schema : "any";
        if (!s->schema_ok || strlen(qs) >= sizeof(s->schema) || strcmp(s->schema, qs) != 0) {
            for (size_t k = 0; k < ix->schemas.n; k++) {
                const char *sn = pb__strtab_str(&ix->schemas, (uint32_t)k);
                compat[k] = (uint8_t)pb__schema_compatible(q->schema, sn);
                skind[k] = (uint8_t)((pb__schema_name_flags(sn) ? pb__schema_name_flags(sn) : flags) |
                                     pb__schema_thing(sn));
                stitle[k] = (uint8_t)pb__schema_titles(sn);
            }
            s->schema_ok = strlen(qs) < sizeof(s->schema);
            pb__copy(s->schema, sizeof(s->schema), qs);
        }
    }
    s->nnb = 0;
    s->ncand = 0;
    if ((rc = query_forms(ix, s, q->name, flags, &nq, err)))
        goto out;
    for (int qi = 0; qi < nq; qi++)
        for (int i = 0; i < s->qf[qi].n; i++) {
            const struct pb_sform *f = &s->qf[qi];
            qrep[qi][i] = 0;
            for (int j = 0; j < f->n; j++)
                if (j != i && f->ti[j].ncp == f->ti[i].ncp &&
                    memcmp(f->ti[j].cp, f->ti[i].cp, f->ti[i].ncp * sizeof(uint32_t)) == 0)
                    qrep[qi][i] = 1;
        }
    for (int qi = 0; qi < nq; qi++) {
        struct pb_sform *qf = &s->qf[qi];
        struct unit *u = s->units[qi];
        uint32_t gen;
        double assumed_m, assumed_w, base_m, base_w;
        uint64_t assumed_cov, base_cov, ucov[MAX_UNITS];
        int lazy[MAX_UNITS], nlazy = 0;
        struct dqslot dqs[256];
        struct simctx sc;
        if ((rc = prepare_units(ix, s, qi, thr_name <= GENERIC_CAP_UB, flags == PB_NAME_PERSON)))
            goto oom;
        if (!form_distinctive(qf))
            continue;
        any_distinct = 1;
        if (++s->fgen == 0) {
            for (size_t f = 0; f <= s->nform; f++)
                s->fs[f].stamp = 0;
            s->fgen = 1;
        }
        gen = s->fgen;
        s->touched.n = 0;
        /* what query initials and the units that are not walked may add */
        assumed_m = assumed_w = 0;
        assumed_cov = 0;
        for (int i = 0; i < qf->n; i++)
            if (qf->ti[i].initial) {
                assumed_m += 2 * qf->w[i]; /* an equal initial counts in full */
                assumed_w += qf->w[i];
            }
        base_m = assumed_m;
        base_w = assumed_w;
        base_cov = 0;
        for (int j = 0; j < s->nunits[qi]; j++)
            if (!u[j].admit && u[j].nnb) {
                int plain = 1;
                for (int t = u[j].i; t < u[j].i + u[j].a; t++)
                    assumed_cov |= 1ull << t;
                assumed_m += u[j].c;
                assumed_w += u[j].wn;
                /* a unit without acronyms among its neighbours can be checked against a
                 * form's own words later (lazy_bound) */
                for (size_t m = 0; m < u[j].nnb && plain; m++)
                    plain = !ix->tok[s->nb[u[j].nb + m].tok].acronym;
                if (plain) {
                    lazy[nlazy++] = j;
                } else {
                    for (int t = u[j].i; t < u[j].i + u[j].a; t++)
                        base_cov |= 1ull << t;
                    base_m += u[j].c;
                    base_w += u[j].wn;
                }
            }
        for (uint32_t f = 0; brute && f < ix->nform; f++) {
            const struct pb_ent *e = &ix->ent[ix->form[f].ent];
            int ok = compat[e->schema];
            if (ok && q->ndatasets) {
                ok = 0;
                for (size_t w = 0; w < ix->dswords; w++)
                    ok |= (ix->dsmask[e->dsmask_off + w] & dsmask[w]) != 0;
            }
            if (ok && forms_comparable(qf, ix->form[f].script, (ix->form[f].flags & PB_FORM_ORIG) != 0) &&
                pb__u32v_push(&s->touched, f))
                goto oom;
        }
        /* units in decreasing order of what they can add: once the units left cannot lift
         * a name they have not seen to the threshold, they only update names already seen */
        {
            int order[MAX_UNITS], no = 0;
            for (int k = 0; k < s->nunits[qi]; k++)
                if (u[k].admit)
                    order[no++] = k;
            for (int a = 1; a < no; a++)
                for (int b = a; b > 0 && u[order[b]].c > u[order[b - 1]].c; b--) {
                    int t = order[b];
                    order[b] = order[b - 1];
                    order[b - 1] = t;
                }
            for (int p = 0; !brute && p < no; p++) {
                int k = order[p], nterms = 0;
                unsigned admit_new = 0; /* bit m: names with m initials may still be admitted */
                const struct neigh *v = s->nb + u[k].nb;
                double wq = 0, rm = assumed_m, terms[PB_MAX_TOKENS];
                uint64_t rcov = assumed_cov;
                for (int r = p; r < no; r++) {
                    rm += u[order[r]].c;
                    for (int t = u[order[r]].i; t < u[order[r]].i + u[order[r]].a; t++)
                        rcov |= 1ull << t;
                }
                for (int t = 0; t < qf->n; t++)
                    if (!(rcov >> t & 1) && !qf->ti[t].initial && !qrep[qi][t] && qf->w[t] > 0)
                        terms[nterms++] = DELTA_UB * qf->w[t];
                /* a name with m initials may let off the m heaviest of those words */
                for (int a = 1; a < nterms; a++)
                    for (int b = a; b > 0 && terms[b] > terms[b - 1]; b--) {
                        double x = terms[b];
                        terms[b] = terms[b - 1];
                        terms[b - 1] = x;
                    }
                for (int m = 0; m < 8; m++) {
                    double rd = 0, mm = rm + m * 2 * ix->winit_max;
                    for (int t = m; t < nterms; t++)
                        rd += terms[t];
                    if (mm > 0 && mm / (mm + rd) >= thr_name - 1e-9)
                        admit_new |= 1u << m;
                }
                /* an initial that can bring no new name adds nothing the bound of the names
                 * seen does not already assume (an equal initial counts in full there) */
                if (!admit_new && ix->ninit_max < 8 && u[k].a == 1 && qf->ti[u[k].i].initial)
                    continue;
                for (int t = u[k].i; t < u[k].i + u[k].a; t++)
                    wq += qf->w[t];
                /* the postings of every neighbour in one run, so that the forms they name
                 * are loaded ahead across short lists too */
                s->nhp = 0;
                for (size_t m = 0; m < u[k].nnb; m++) {
                    uint32_t t = v[m].tok, pend = ix->post_start[t + 1];
                    float wx = ix->tok[t].joined ? (float)PB_JOIN_WMAX : ix->tok[t].w;
                    float cx = (float)(v[m].sim * 2 * (wq < wx ? wq : wx));
                    uint8_t dual = ix->tok[t].dual;
                    if (s->nhp + (pend - ix->post_start[t]) > s->caphp) {
                        size_t cap = s->caphp ? s->caphp : 4096;
                        struct hitp *nv;
                        while (cap < s->nhp + (pend - ix->post_start[t]))
                            cap *= 2;
                        if (!(nv = realloc(s->hp, cap * sizeof(*nv))))
                            goto oom;
                        s->hp = nv;
                        s->caphp = cap;
                    }
                    for (uint32_t pp = ix->post_start[t]; pp < pend; pp++)
                        s->hp[s->nhp++] = (struct hitp){ix->post[pp], cx, wx, dual};
                }
                for (size_t h = 0; h < s->nhp; h++) {
                    uint32_t f = s->hp[h].f;
                    float cx = s->hp[h].cx, wx = s->hp[h].wx;
                    uint8_t dual = s->hp[h].dual;
                    struct fstate *x = &s->fs[f];
                    if (h + PREFETCH_AHEAD < s->nhp) {
                        __builtin_prefetch(&s->fs[s->hp[h + PREFETCH_AHEAD].f]);
                        __builtin_prefetch(&ix->fmeta[s->hp[h + PREFETCH_AHEAD].f]);
                    }
                    if (x->stamp != gen) {
                        const struct pb_fmeta *fm = &ix->fmeta[f];
                        const struct pb_ent *e;
                        int ok;
                        if (fm->ninit < 8 && !(admit_new >> fm->ninit & 1))
                            continue;
                        ok = compat[fm->schema];
                        x->stamp = gen;
                        if (ok && q->ndatasets) {
                            e = &ix->ent[ix->form[f].ent];
                            ok = 0;
                            for (size_t w = 0; w < ix->dswords; w++)
                                ok |= (ix->dsmask[e->dsmask_off + w] & dsmask[w]) != 0;
                        }
                        if (ok && !forms_comparable(qf, fm->script, fm->orig))
                            ok = 0;
                        x->mask = ok ? 0 : ~0ull;
                        x->m = x->w = 0;
                        x->dual = 0;
                        if (ok && pb__u32v_push(&s->touched, f))
                            goto oom;
                    }
                    if (x->mask == ~0ull)
                        continue;
                    x->dual |= dual;
                    if (x->mask >> k & 1) {
                        /* another neighbour of the same unit: keep the best */
                        if (cx > x->lc) {
                            x->m += cx - x->lc;
                            x->lc = cx;
                        }
                        if (wx > x->lw) {
                            x->w += wx - x->lw;
                            x->lw = wx;
                        }
                    } else {
                        x->mask |= 1ull << k;
                        x->m += cx;
                        x->w += wx;
                        x->lc = cx;
                        x->lw = wx;
                    }
                }
            }
        }
        /* bound, then score: M can only come from the units that hit (and from units not
         * walked, query initials); every query and name token left unaligned costs at
         * least DELTA times its weight (docs/internals/match.md) */
        {
            sc.s = s;
            sc.units = u;
            sc.by_token = !brute;
            if (!brute && index_neighbours(s, qf, u))
                goto oom;
            for (int j = 0; j < s->nunits[qi]; j++) {
                ucov[j] = 0;
                for (int t = u[j].i; t < u[j].i + u[j].a; t++)
                    ucov[j] |= 1ull << t;
            }
            s->pass.n = 0;
            for (size_t k = 0; k < sizeof(dqs) / sizeof(dqs[0]); k++)
                dqs[k].ninit = -1;
            for (size_t k = 0; k < s->touched.n; k++) {
                uint32_t f = s->touched.v[k];
                if (k + PREFETCH_AHEAD < s->touched.n) {
                    __builtin_prefetch(&s->fs[s->touched.v[k + PREFETCH_AHEAD]]);
                    __builtin_prefetch(&ix->fmeta[s->touched.v[k + PREFETCH_AHEAD]]);
                }
                uint64_t mask = brute ? 0 : s->fs[f].mask, covered = assumed_cov;
                double M = assumed_m + (brute ? 0 : s->fs[f].m), D = 0, wn, terms[PB_MAX_TOKENS];
                int nterms = 0, ninit = ix->fmeta[f].ninit;
                /* the query's side of D depends on the units that hit and the initials
                 * only, which many forms share */
                struct dqslot *dq = &dqs[(size_t)((mask ^ (uint64_t)ninit * 0x9E3779B97F4A7C15ull) *
                                                  0xC2B2AE3D27D4EB4Full >> 56)];
                if (dq->ninit == ninit && dq->mask == mask) {
                    D = dq->d;
                } else {
                    for (uint64_t m = mask; m; m &= m - 1)
                        covered |= ucov[__builtin_ctzll(m)];
                    for (int t = 0; t < qf->n; t++)
                        if (!(covered >> t & 1) && !qf->ti[t].initial && !qrep[qi][t] && qf->w[t] > 0)
                            terms[nterms++] = DELTA_UB * qf->w[t];
                    /* each initial of the listed name may stand for one of those words: the
                     * heaviest are let off, and the initial adds what an initial can */
                    for (int a = 0; a < ninit && a < nterms; a++)
                        for (int b = a + 1; b < nterms; b++)
                            if (terms[b] > terms[a]) {
                                double x = terms[a];
                                terms[a] = terms[b];
                                terms[b] = x;
                            }
                    for (int t = ninit; t < nterms; t++)
                        D += terms[t];
                    *dq = (struct dqslot){mask, ninit, D};
                }
                M += ninit * 2 * ix->winit_max;
                wn = ix->fmeta[f].wsum - (brute ? 0 : s->fs[f].w) - assumed_w - ninit * ix->winit_max;
                if (wn > 0)
                    D += DELTA_UB_N * wn;
                if (!brute && M / (M + D) < thr_name - 1e-9)
                    continue;
                if (pb__u32v_push(&s->pass, f))
                    goto oom;
            }
            /* the forms left are read word by word: their words are loaded ahead */
            for (size_t k = 0; k < s->pass.n; k++) {
                uint32_t f = s->pass.v[k];
                double score;
                if (k + 3 * PREFETCH_FORMS < s->pass.n)
                    __builtin_prefetch(&ix->form[s->pass.v[k + 3 * PREFETCH_FORMS]]);
                if (k + 2 * PREFETCH_FORMS < s->pass.n)
                    __builtin_prefetch(&ix->ftok[ix->form[s->pass.v[k + 2 * PREFETCH_FORMS]].tok]);
                if (k + PREFETCH_FORMS < s->pass.n) {
                    const struct pb_form *pf = &ix->form[s->pass.v[k + PREFETCH_FORMS]];
                    for (int j = 0; j < pf->ntok; j++)
                        __builtin_prefetch(&ix->tok[ix->ftok[pf->tok + j]]);
                }
                if (!brute && nlazy && !s->fs[f].dual &&
                    lazy_bound(ix, s, qf, qrep[qi], f, lazy, nlazy, ucov, base_m, base_w, base_cov) < thr_name - 1e-6)
                    continue;
                name_form(ix, f, &s->nf, stitle[ix->fmeta[f].schema]);
                score = pb__score_forms(qf, &s->nf, skind[ix->fmeta[f].schema], brute ? pb__sim_direct : sim_lookup, &sc, NULL);
                if (ix->form[f].flags & PB_FORM_WEAK)
                    score *= WEAK_FACTOR;
                if (score >= thr_name - 1e-9 && cand_push(s, ix->form[f].ent, f, qi, score))
                    goto oom;
            }
        }
    }
    if (!any_distinct) {
        rc = pb__err(err, PROBITY_EINVAL, NULL, 0, 0,
                     "the name has only generic words (legal forms, organisation types, common words); "
                     "nothing distinctive to match");
        goto out;
    }
    /* entities named by an identifier of the query are candidates whatever their names */
    for (size_t j = 0; j < qe.nids; j++)
        for (uint32_t p = ix->ident_start[qe.ids[j]]; p < ix->ident_start[qe.ids[j] + 1]; p++) {
            uint32_t ent = ix->ident_ent[p];
            if (!compat[ix->ent[ent].schema])
                continue;
            for (uint32_t f = 0; f < ix->nform; f++) {
                double best = 0;
                int bq = 0;
                if (ix->form[f].ent != ent)
                    continue;
                name_form(ix, f, &s->nf, stitle[ix->fmeta[f].schema]);
                for (int qi = 0; qi < nq; qi++) {
                    double sc2 = pb__score_forms(&s->qf[qi], &s->nf, skind[ix->fmeta[f].schema], pb__sim_direct, NULL, NULL);
                    if (sc2 > best) {
                        best = sc2;
                        bq = qi;
                    }
                }
                if (cand_push(s, ent, f, bq, best))
                    goto oom;
            }
        }
    /* best form per entity, then evidence */
    if (s->ncand)
        qsort(s->cand, s->ncand, sizeof(s->cand[0]), cand_ent_cmp);
    if (!(fin = malloc((s->ncand ? s->ncand : 1) * sizeof(*fin))))
        goto oom;
    for (size_t k = 0; k < s->ncand; k++) {
        const struct cand *c = &s->cand[k];
        double total;
        if (k && c->ent == s->cand[k - 1].ent)
            continue;
        total = c->score + evidence(ix, &qe, c->ent, c->score, NULL);
        if (total > 1.0)
            total = 1.0;
        if (total < 0)
            total = 0;
        if (total >= thr - 1e-9)
            fin[nfin++] = (struct final){c->ent, c->form, c->qf, 0, c->score, total};
    }
    if (nfin) {
        /* by score; the names as listed are compared with the query only where scores tie */
        char *qkey = NULL;
        qsort(fin, nfin, sizeof(*fin), final_cmp);
        for (size_t a = 0, b; a < nfin; a = b) {
            for (b = a + 1; b < nfin && fin[b].score == fin[a].score; b++)
                ;
            if (b - a < 2)
                continue;
            if (!qkey && !(qkey = pb_name_key(q->name)))
                break;
            for (size_t k = a; k < b; k++) {
                char *nkey = pb_name_key(ix->strs + ix->form[fin[k].form].name);
                fin[k].literal = nkey && strcmp(qkey, nkey) == 0;
                free(nkey);
            }
            qsort(fin + a, b - a, sizeof(*fin), final_cmp);
        }
        free(qkey);
    }
    if (nfin > (size_t)limit)
        nfin = (size_t)limit;
    if (nfin && !(out->hits = malloc(nfin * sizeof(*out->hits))))
        goto oom;
    for (size_t k = 0; k < nfin; k++) {
        struct probity_hit *h = &out->hits[k];
        struct simctx sc = {s, s->units[fin[k].qf], 0};
        double name;
        /* the alignment and feature arrays are read only up to their counts: not zeroed */
        memset(h, 0, offsetof(struct probity_hit, align));
        h->nalign = h->nfeatures = 0;
        fill_hit(ix, fin[k].ent, fin[k].form, h);
        name_form(ix, fin[k].form, &s->nf, stitle[ix->fmeta[fin[k].form].schema]);
        name = pb__score_forms(&s->qf[fin[k].qf], &s->nf, skind[ix->fmeta[fin[k].form].schema],
                               brute ? pb__sim_direct : sim_lookup, &sc, h);
        if (ix->form[fin[k].form].flags & PB_FORM_WEAK && h->nfeatures) {
            h->features[0].contribution = name * WEAK_FACTOR;
            snprintf(h->features[0].detail + strlen(h->features[0].detail),
                     sizeof(h->features[0].detail) - strlen(h->features[0].detail), "; weak alias");
        }
        evidence(ix, &qe, fin[k].ent, fin[k].name, h);
        h->score = fin[k].score;
    }
    out->n = nfin;
    goto out;
oom:
    rc = pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
out:
    if (s)
        scratch_put(ix, s);
    free(fin);
    if (rc)
        probity_result_release(out);
    return rc;
}

int probity_screen(const struct probity_index *ix, const struct probity_query *q, struct probity_result *out,
                   struct probity_error *err)
{
    return screen_impl(ix, q, out, err, 0);
}

int pb__query_check(const struct probity_query *q, struct probity_error *err)
{
    struct pb_forms f;
    int rc, distinct = 0;
    if ((rc = check_name(q->name, err)) || (rc = check_schema(q->schema, err)))
        return rc;
    if (q->threshold < 0 || q->threshold > 1)
        return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "the threshold must be between 0 and 1");
    if (q->birth_date && *q->birth_date) {
        const char *d = q->birth_date;
        size_t n = strlen(d);
        int ok = (n == 4 || n == 7 || n == 10);
        for (size_t i = 0; ok && i < n; i++)
            ok = (i == 4 || i == 7) ? d[i] == '-' : (d[i] >= '0' && d[i] <= '9');
        if (!ok || !pb__date_pack(d))
            return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "invalid birth date '%s' (YYYY, YYYY-MM or YYYY-MM-DD)", d);
    }
    for (size_t i = 0; i < q->ncountries; i++) {
        size_t n = strlen(q->countries[i]);
        if (n < 2 || (n > 3 && !pb__country_code(q->countries[i])))
            return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "unknown country '%s' (an ISO code such as RU, or a name)",
                           q->countries[i]);
    }
    rc = name_forms_all(q->name, pb__schema_name_flags(q->schema && strcmp(q->schema, "any") ? q->schema : NULL), &f);
    if (rc == PROBITY_EINVAL)
        return pb__err(err, PROBITY_EINVAL, NULL, 0, 0, "the name has no letters or digits to compare");
    if (rc)
        return pb__err(err, rc, NULL, 0, 0, "cannot normalise the name: %s", probity_strerror(rc));
    for (size_t k = 0; k < f.n && !distinct; k++)
        for (const char *p = f.v[k]; *p && !distinct;) {
            const char *e = strchr(p, ' ');
            char tok[256];
            size_t n = e ? (size_t)(e - p) : strlen(p);
            if (n < sizeof(tok)) {
                int kind;
                memcpy(tok, p, n);
                tok[n] = 0;
                kind = pb_token_kind(tok);
                distinct = kind == PB_TOK_WORD || kind == PB_TOK_NUMBER;
            }
            p += n + (e != NULL);
        }
    pb_forms_release(&f);
    if (!distinct)
        return pb__err(err, PROBITY_EINVAL, NULL, 0, 0,
                       "the name has only generic words (legal forms, organisation types, common words); "
                       "nothing distinctive to match");
    return 0;
}

int pb__screen_brute(const struct probity_index *ix, const struct probity_query *q, struct probity_result *out,
                     struct probity_error *err)
{
    return screen_impl(ix, q, out, err, 1);
}

void probity_result_release(struct probity_result *r)
{
    if (!r)
        return;
    free(r->hits);
    r->hits = NULL;
    r->n = 0;
}

/* ---- compare ---- */

int probity_compare_names(const struct probity_index *ix, const char *a, const char *b, const char *schema,
                          double *score, struct probity_hit *hit, struct probity_error *err)
{
    struct pb_forms fa, fb;
    struct pb_sform *qa = NULL, *qb = NULL;
    char(*ba)[PB_MAX_NAME_BYTES + 8] = NULL, (*bb)[PB_MAX_NAME_BYTES + 8] = NULL;
    uint32_t *ca = NULL, *cb = NULL;
    int rc, org, na = 0, nb = 0, bi = -1, bj = -1;
    double best = 0;
    memset(&fa, 0, sizeof(fa));
    memset(&fb, 0, sizeof(fb));
    *score = 0;
    if ((rc = check_name(a, err)) || (rc = check_name(b, err)) || (rc = check_schema(schema, err)))
        return rc;
    {
        const char *sch = schema && strcmp(schema, "any") ? schema : NULL;
        int flags = pb__schema_name_flags(sch);
        org = flags | pb__schema_thing(sch);
        if ((rc = name_forms_all(a, flags, &fa)) || (rc = name_forms_all(b, flags, &fb))) {
            rc = pb__err(err, rc, NULL, 0, 0,
                         rc == PROBITY_EINVAL ? "a name has no letters or digits to compare"
                                              : "cannot normalise the names");
            goto out;
        }
    }
    qa = malloc(8 * sizeof(*qa));
    qb = malloc(8 * sizeof(*qb));
    ba = malloc(8 * sizeof(*ba));
    bb = malloc(8 * sizeof(*bb));
    ca = malloc(8 * PB_MAX_NAME_BYTES * sizeof(uint32_t));
    cb = malloc(8 * PB_MAX_NAME_BYTES * sizeof(uint32_t));
    if (!qa || !qb || !ba || !bb || !ca || !cb) {
        rc = pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    for (size_t k = 0; k < fa.n && na < 8; k++) {
        pb__copy(ba[na], sizeof(ba[0]), fa.v[k]);
        na += pb__sform_prepare(ix, ba[na], fa.orig[k], pb__script_of(fa.script, a), &qa[na],
                                ca + (size_t)na * PB_MAX_NAME_BYTES, PB_MAX_NAME_BYTES) > 0;
    }
    for (size_t k = 0; k < fb.n && nb < 8; k++) {
        pb__copy(bb[nb], sizeof(bb[0]), fb.v[k]);
        if (pb__sform_prepare(ix, bb[nb], fb.orig[k], pb__script_of(fb.script, b), &qb[nb],
                              cb + (size_t)nb * PB_MAX_NAME_BYTES, PB_MAX_NAME_BYTES) > 0) {
            /* the second name is the listed one, as in screening */
            if (pb__schema_titles(schema))
                pb__sform_titles(&qb[nb]);
            nb++;
        }
    }
    for (int i = 0; i < na; i++)
        for (int j = 0; j < nb; j++) {
            double s;
            if (!forms_comparable(&qa[i], qb[j].script, qb[j].orig))
                continue;
            s = pb__score_forms(&qa[i], &qb[j], org, pb__sim_direct, NULL, NULL);
            if (bi < 0 || s > best) {
                best = s;
                bi = i;
                bj = j;
            }
        }
    *score = best;
    if (hit) {
        memset(hit, 0, sizeof(*hit));
        pb__copy(hit->caption, sizeof(hit->caption), b);
        pb__copy(hit->matched, sizeof(hit->matched), b);
        pb__copy(hit->schema, sizeof(hit->schema), schema ? schema : "any");
        hit->score = best;
        if (bi >= 0)
            pb__score_forms(&qa[bi], &qb[bj], org, pb__sim_direct, NULL, hit);
    }
out:
    pb_forms_release(&fa);
    pb_forms_release(&fb);
    free(qa);
    free(qb);
    free(ba);
    free(bb);
    free(ca);
    free(cb);
    return rc;
}

void probity_hit_explain(const struct probity_hit *hit, char *buf, size_t size)
{
    size_t o = 0;
    int w;
#define PUT(...)                                                                                            \
    do {                                                                                                    \
        if (o < size) {                                                                                     \
            w = snprintf(buf + o, size - o, __VA_ARGS__);                                                   \
            if (w > 0)                                                                                      \
                o += (size_t)w;                                                                             \
        }                                                                                                   \
    } while (0)
    if (!size)
        return;
    buf[0] = 0;
    PUT("%.2f", hit->score);
    for (size_t k = 0; k < hit->nfeatures; k++)
        PUT(" %s %+.2f", hit->features[k].name, hit->features[k].contribution);
    if (hit->nalign)
        PUT(":");
    for (size_t k = 0; k < hit->nalign; k++) {
        const struct probity_align *a = &hit->align[k];
        if (a->query[0] && a->name[0] && a->similarity > 0)
            PUT(" %s~%s %.2f", a->query, a->name, a->similarity);
        else if (a->query[0] && a->name[0])
            PUT(" %s!=%s", a->query, a->name);
        else if (a->query[0])
            PUT(" +%s", a->query);
        else
            PUT(" -%s", a->name);
        PUT(k + 1 < hit->nalign ? "," : "");
    }
    for (size_t k = 0; k < hit->nfeatures; k++)
        if (strcmp(hit->features[k].name, "name") != 0)
            PUT("; %s", hit->features[k].detail);
#undef PUT
    if (o >= size)
        buf[size - 1] = 0;
}
