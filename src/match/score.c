/* The name scorer: aligns the tokens of a query form with those of a listed name form and
 * turns the alignment into a score in [0, 1] with its explanation.
 *
 * Every token carries a weight (its kind times its rarity in the lists). Candidate pairs
 * are single tokens, or runs of up to PB_MAX_JOIN adjacent tokens on one side read as one
 * word (run-together and split words), with a similarity from pb__tok_sim. Pairs are
 * taken greedily, best similarity first, each token used once, so the alignment does not
 * depend on token order (persons); organisations pay a little for crossed pairs.
 *
 *   score = M / (M + D)
 *   M = sum over aligned pairs of sim * 2 min(wq, wn)
 *   D = sum over aligned pairs of P.lambda * (1 - sim) * 2 min(wq, wn)   fuzzy spellings
 *     + DELTA * weight of tokens present on one side only                extra/missing words
 *     + KAPPA * (wq + wn) for a distinctive token on each side that match nothing
 *       (a different surname, a different city: the strongest evidence of another party)
 *
 * Names whose aligned pairs hold no distinctive word (only legal forms, organisation types,
 * generic or stop words) are capped below any useful threshold: generic words never make a
 * match on their own. The cap and every factor keep score <= M / (M + DELTA * unaligned
 * query weight), the bound candidate generation relies on (docs/internals/match.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/core.h"
#include "match/match_int.h"

#define MAX_PAIRS 2048

struct pb_params pb__params = {
    .lambda = 1.5,       /* cost of fuzziness of an aligned pair */
    .delta = 0.4,        /* a token of the listed name absent from the query (persons; legal forms) */
    .delta_q = 0.9,      /* a token of the query absent from the listed name */
    .delta_org = 0.7,    /* ... a word of an organisation's name */
    .delta_num = 0.5,    /* ... a number */
    .kappa = 2.5,        /* a distinctive word on each side that match nothing */
    .kappa_num = 4.0,    /* ... two different numbers: numbers must agree */
    .kappa_gen = 3.0,    /* ... two different generic words (bank / trust) */
    .kappa_legal = 1.0,  /* ... two different legal forms (ag / gmbh) */
    .generic_cap = 0.5,  /* best score of a name aligned on generic words only */
    .legal_other = 0.7,  /* a legal form of the query against a vessel's name */
    .cross = 0.97,       /* organisations: per crossed pair of aligned words */
    .phon = 1,           /* equal phonetic keys (and close spellings) raise a similarity ... */
    .phon_sim = 0.8,     /* ... to this */
    .phon_edits_short = 1,
    .w_generic = 0.25,
    .w_orgtype = 0.3,
    .w_legal = 0.12,
    .w_stop = 0.08,
    .w_initial = 0.5,
};
#define P pb__params

struct pair {
    unsigned char qi, qa, nj, nb;  /* spans [qi, qi+qa) and [nj, nj+nb) */
    float s, w;
};

static int pair_cmp(const void *pa, const void *pb)
{
    const struct pair *a = pa, *b = pb;
    if (a->s != b->s)
        return a->s > b->s ? -1 : 1;
    if (a->w != b->w)
        return a->w > b->w ? -1 : 1;
    int da = abs((int)a->qi - (int)a->nj), db = abs((int)b->qi - (int)b->nj);
    if (da != db)
        return da - db;
    if (a->qi != b->qi)
        return (int)a->qi - (int)b->qi;
    if (a->nj != b->nj)
        return (int)a->nj - (int)b->nj;
    if (a->qa != b->qa)
        return (int)a->qa - (int)b->qa;
    return (int)a->nb - (int)b->nb;
}

double pb__sim_direct(void *ctx, const struct pb_sform *q, int qi, const struct pb_sform *n, int nj)
{
    (void)ctx;
    return pb__tok_sim(&q->ti[qi], &n->ti[nj]);
}

static int distinctive(int kind)
{
    return kind == PB_TOK_WORD || kind == PB_TOK_NUMBER;
}

/* Similarity of a run of `a` tokens of one form read as one word against token j of the
 * other form. */
static double join_sim(const struct pb_sform *f, int i, int a, const struct pb_sform *g, int j, int kmax)
{
    uint32_t buf[160];
    size_t n = 0;
    struct pb_tokinfo t;
    const struct pb_tokinfo *o = &g->ti[j];
    if (o->kind == PB_TOK_NUMBER || o->initial)
        return 0.0;
    /* lengths first: a joined run is at most kmax edits from the word */
    for (int k = i; k < i + a; k++) {
        const struct pb_tokinfo *x = &f->ti[k];
        if (x->kind == PB_TOK_NUMBER || x->kind == PB_TOK_HONORIFIC)
            return 0.0;
        n += x->ncp;
    }
    if (n > 160 || n + (size_t)kmax < (size_t)o->ncp || (size_t)o->ncp + (size_t)kmax < n)
        return 0.0;
    n = 0;
    for (int k = i; k < i + a; k++) {
        memcpy(buf + n, f->ti[k].cp, f->ti[k].ncp * sizeof(uint32_t));
        n += f->ti[k].ncp;
    }
    t.cp = buf;
    t.ncp = (uint16_t)n;
    t.kind = PB_TOK_WORD;
    t.initial = 0;
    t.phon = 0;
    t.abjad = 0;
    t.syllabic = 0;
    t.mask = pb__letter_mask(buf, n);
    return pb__tok_sim_k(&t, o, kmax);
}

/* join_sim's own quick refusals, without building the run: lengths and kinds. */
static int join_ruled_out(int runlen, const struct pb_tokinfo *o, int kmax)
{
    return runlen < 0 || runlen > 160 || o->kind == PB_TOK_NUMBER || o->initial || runlen + kmax < o->ncp ||
           o->ncp + kmax < runlen;
}

static void span_text(const struct pb_sform *f, int i, int a, char *out, size_t size)
{
    size_t o = 0;
    out[0] = 0;
    for (int k = i; k < i + a && o + 1 < size; k++) {
        int w = snprintf(out + o, size - o, "%s%s", k > i ? " " : "", f->str[k]);
        if (w < 0)
            break;
        o += (size_t)w;
    }
    if (o >= size)
        out[size - 1] = 0;
}

static void add_align(struct probity_hit *hit, const char *q, const char *n, double s, double w)
{
    struct probity_align *a;
    if (!hit || hit->nalign >= sizeof(hit->align) / sizeof(hit->align[0]))
        return;
    a = &hit->align[hit->nalign++];
    pb__copy(a->query, sizeof(a->query), q);
    pb__copy(a->name, sizeof(a->name), n);
    a->similarity = s;
    a->weight = w;
}

/* Weight-ordered list of unaligned distinctive tokens (heaviest first, then position):
 * numbers or words, initials only when `initials` is set. A title that weighs something is a
 * word of a thing's or an organisation's name (pb__sform_titles). In a person's name every word
 * is a name part, whatever the lexicons say it is elsewhere (Sa, Bank); particles (al, bin,
 * de) are not, unless no word follows them (XU, Bin). In an organisation's, a generic word (gas, oil, bank) in place of another
 * word names another line of business. */
static int take_unaligned(const struct pb_sform *f, const unsigned char *used, int number, int initials, int person,
                          int org, int *out)
{
    int k = 0;
    for (int i = 0; i < f->n; i++)
        if (!used[i] && f->w[i] > 0 &&
            (distinctive(f->ti[i].kind) || (!number && f->ti[i].kind == PB_TOK_HONORIFIC) ||
             (!number && (f->ti[i].kind == PB_TOK_GENERIC || f->ti[i].kind == PB_TOK_ORGTYPE) && (person || org)) ||
             (!number && person && f->ti[i].kind == PB_TOK_LEGAL) ||
             (!number && person && f->ti[i].kind == PB_TOK_STOP &&
              (i + 1 == f->n || f->ti[i + 1].kind == PB_TOK_STOP))) &&
            (f->ti[i].kind == PB_TOK_NUMBER) == number && (initials || !f->ti[i].initial))
            out[k++] = i;
    for (int a = 1; a < k; a++)
        for (int b = a; b > 0 && f->w[out[b]] > f->w[out[b - 1]]; b--) {
            int t = out[b];
            out[b] = out[b - 1];
            out[b - 1] = t;
        }
    return k;
}

/* A token repeated on its own side ("Ivan Ivan Petrov") costs nothing once aligned. */
static int repeats_aligned(const struct pb_sform *f, const unsigned char *used, int i)
{
    for (int k = 0; k < f->n; k++) {
        if (k == i || !used[k] || f->ti[k].ncp != f->ti[i].ncp || f->ti[k].cp[0] != f->ti[i].cp[0])
            continue;
        /* two words of the index with different ids differ, unless cut at 255 code points */
        if (f->id[k] != UINT32_MAX && f->id[i] != UINT32_MAX && f->ti[i].ncp < 255) {
            if (f->id[k] == f->id[i])
                return 1;
            continue;
        }
        if (memcmp(f->ti[k].cp, f->ti[i].cp, f->ti[i].ncp * sizeof(uint32_t)) == 0)
            return 1;
    }
    return 0;
}

/* Cost of a token present on one side only (query: on the query's side). */
static double one_sided(const struct pb_tokinfo *t, int org, int query)
{
    double d = query ? P.delta_q : P.delta;
    if (t->kind == PB_TOK_NUMBER)
        return P.delta_num;
    if (org && t->kind != PB_TOK_LEGAL && t->kind != PB_TOK_STOP && P.delta_org > d)
        return P.delta_org;
    return d;
}

/* Pair the unaligned tokens of some kinds (a bit mask) across the sides, heaviest first, at cost
 * kappa * (wq + wn) each; returns the number of pairs. */
static int substitute(const struct pb_sform *q, const struct pb_sform *n, unsigned char *qused,
                      unsigned char *nused, int kinds, double kappa, double *D, struct probity_hit *hit)
{
    int uq[PB_MAX_TOKENS], un[PB_MAX_TOKENS], nq = 0, nn = 0, k;
    if (kappa <= 0)
        return 0;
    for (int i = 0; i < q->n; i++)
        if (!qused[i] && q->w[i] > 0 && (kinds >> q->ti[i].kind & 1) && !repeats_aligned(q, qused, i))
            uq[nq++] = i;
    for (int j = 0; j < n->n; j++)
        if (!nused[j] && n->w[j] > 0 && (kinds >> n->ti[j].kind & 1) && !repeats_aligned(n, nused, j))
            un[nn++] = j;
    for (k = 0; k < nq && k < nn; k++) {
        double w = q->w[uq[k]] + n->w[un[k]];
        *D += kappa * w;
        qused[uq[k]] = nused[un[k]] = 2;
        add_align(hit, q->str[uq[k]], n->str[un[k]], 0.0, w / 2);
    }
    return k;
}

/* Latin letters a..z only. */
static int latin_word(const struct pb_tokinfo *t)
{
    for (int i = 0; i < t->ncp; i++)
        if (t->cp[i] < 'a' || t->cp[i] > 'z')
            return 0;
    return 1;
}

int pb__acronym_run(const struct pb_sform *f, int j, size_t len, char *out)
{
    int k = j, got = 0;
    if (j >= f->n || f->ti[j].kind == PB_TOK_STOP)
        return 0;
    while (k < f->n && got < (int)len) {
        const struct pb_tokinfo *t = &f->ti[k];
        if (t->kind == PB_TOK_NUMBER || t->kind == PB_TOK_HONORIFIC || t->cp[0] < 'a' || t->cp[0] > 'z')
            return 0;
        if (t->kind != PB_TOK_STOP)
            out[got++] = (char)t->cp[0];
        k++;
    }
    out[got] = 0;
    return got == (int)len ? k - j : 0;
}

void pb__sform_titles(struct pb_sform *f)
{
    for (int i = 0; i < f->n; i++)
        if (f->ti[i].kind == PB_TOK_HONORIFIC && f->w[i] <= 0)
            f->w[i] = P.w_generic;
}

int pb__kind_orgish(int kind)
{
    return kind == PB_TOK_LEGAL || kind == PB_TOK_ORGTYPE || kind == PB_TOK_GENERIC;
}

/* An acronym: word i of form a spells the initials of a run of unaligned words of form b
 * (stop words inside the run are skipped). Returns the run length or 0; *at is its start.
 * Only when b reads as an organisation's name (a legal form, an organisation type or a
 * generic word in it): the initials of a run of plain names are a person's initials, and
 * two or three letters are met by chance in any list ("Marta Pineda" is not "MP Ltd"). */
static int find_acronym(const struct pb_sform *a, int i, const struct pb_sform *b, const unsigned char *bused,
                        int *at)
{
    const struct pb_tokinfo *t = &a->ti[i];
    char want[8], got[8];
    int orgish = 0;
    if (t->kind != PB_TOK_WORD || t->ncp < 2 || t->ncp > PB_MAX_ACRONYM || !latin_word(t))
        return 0;
    for (int j = 0; j < b->n && !orgish; j++)
        orgish = pb__kind_orgish(b->ti[j].kind);
    if (!orgish)
        return 0;
    for (int k = 0; k < t->ncp; k++)
        want[k] = (char)t->cp[k];
    want[t->ncp] = 0;
    for (int j = 0; j < b->n; j++) {
        int run = pb__acronym_run(b, j, (size_t)t->ncp, got), ok = run > 0;
        for (int k = j; ok && k < j + run; k++)
            ok = !bused[k] && b->w[k] >= 0;
        if (ok && strcmp(want, got) == 0) {
            *at = j;
            return run;
        }
    }
    return 0;
}

/* A particle of an Arabic or Mauritanian patronymic chain (bin, bint, ould: "son of"). */
static int nasab_particle(const struct pb_sform *f, int i)
{
    const char *s = f->str[i];
    return f->ti[i].kind == PB_TOK_STOP && s && (!strcmp(s, "bin") || !strcmp(s, "bint") || !strcmp(s, "ould"));
}

/* The aligned pair of the single token qi of the query, or -1. */
static int pair_of(const struct pair *pairs, const int *acc, int nacc, int qi)
{
    for (int a = 0; a < nacc; a++)
        if (pairs[acc[a]].qi == qi && pairs[acc[a]].qa == 1 && pairs[acc[a]].nb == 1)
            return acc[a];
    return -1;
}

/* The names on either side of a patronymic particle in the query that the listed name has
 * the other way round around one of its own ("A bin B" against "B bin A": the son and the
 * father). Word order is otherwise free in a person's name, so this is the one order that
 * must hold. Adds the cost of a conflict per swap to *D; returns the number of swaps. */
static int nasab_swaps(const struct pb_sform *q, const struct pb_sform *n, const struct pair *pairs,
                       const int *acc, int nacc, double *D, struct probity_hit *hit)
{
    int swaps = 0;
    for (int i = 1; i + 1 < q->n; i++) {
        int before = i - 1, after = i + 1, pa, pb, lo, hi, between = 0;
        if (!nasab_particle(q, i))
            continue;
        while (after < q->n && q->ti[after].kind == PB_TOK_STOP)
            after++;   /* bin al-Din: the name is din */
        if (after >= q->n || (pa = pair_of(pairs, acc, nacc, before)) < 0 ||
            (pb = pair_of(pairs, acc, nacc, after)) < 0)
            continue;
        lo = pairs[pb].nj;
        hi = pairs[pa].nj;
        if (lo >= hi)
            continue;   /* in the same order */
        for (int j = lo + 1; j < hi; j++)
            between |= nasab_particle(n, j);
        if (!between)
            continue;
        {
            double w = (pairs[pa].w + pairs[pb].w) / 2;
            char qs[96], ns[96];
            *D += P.kappa * w;
            snprintf(qs, sizeof(qs), "%s %s %s", q->str[before], q->str[i], q->str[after]);
            snprintf(ns, sizeof(ns), "%s %s %s", n->str[lo], q->str[i], n->str[hi]);
            add_align(hit, qs, ns, 0.0, w / 2);
            swaps++;
        }
    }
    return swaps;
}

/* A pair of one initial and one word (the second phase of the alignment). */
static int initial_pair(const struct pb_sform *q, const struct pb_sform *n, const struct pair *x)
{
    return x->qa == 1 && x->nb == 1 && q->ti[x->qi].initial != n->ti[x->nj].initial;
}

static int span_free(const unsigned char *used, int i, int a)
{
    for (int k = i; k < i + a; k++)
        if (used[k])
            return 0;
    return 1;
}

static void take_pair(const struct pb_sform *q, const struct pb_sform *n, const struct pair *x, unsigned char *qused,
                      unsigned char *nused)
{
    (void)q;
    (void)n;
    for (int k = x->qi; k < x->qi + x->qa; k++)
        qused[k] = 1;
    for (int k = x->nj; k < x->nj + x->nb; k++)
        nused[k] = 1;
}

double pb__score_forms(const struct pb_sform *q, const struct pb_sform *n, int kind, pb_sim_fn sim,
                       void *simctx, struct probity_hit *hit)
{
    int org = (kind & 3) == PB_NAME_ORG, person = (kind & 3) == PB_NAME_PERSON, thing = (kind & PB__KIND_THING) != 0;
    int legal_left = 0;
    struct pair pairs[MAX_PAIRS];
    size_t np = 0;
    unsigned char qused[PB_MAX_TOKENS] = {0}, nused[PB_MAX_TOKENS] = {0};
    unsigned char qexact[PB_MAX_TOKENS] = {0}, nexact[PB_MAX_TOKENS] = {0};
    int acc[PB_MAX_TOKENS * 2], nacc = 0;
    double M = 0, D = 0, score;
    int distinct_aligned = 0, nsub = 0, aligned_q = 0;
    int uq[PB_MAX_TOKENS], un[PB_MAX_TOKENS], nuq, nun;
    if (hit) {
        hit->nalign = 0;
    }
    if (!q->n || !n->n)
        return 0.0;
    /* single pairs; a fuzzy pair is worth no more than its less informative side */
    for (int i = 0; i < q->n; i++) {
        if (q->w[i] <= 0)
            continue;
        for (int j = 0; j < n->n && np < MAX_PAIRS; j++) {
            double s;
            if (n->w[j] <= 0)
                continue;
            s = sim(simctx, q, i, n, j);
            if (s >= 1.0)
                qexact[i] = nexact[j] = 1;
            if (s > 0)
                pairs[np++] = (struct pair){(unsigned char)i, 1, (unsigned char)j, 1, (float)s,
                                            (float)(2 * (q->w[i] < n->w[j] ? q->w[i] : n->w[j]))};
        }
    }
    /* runs of adjacent tokens read as one word, on either side, over words that have no
     * exact partner of their own; a run is only tried against words whose length it can
     * reach (kept as bit sets of lengths) and whose letters it may hold */
    {
        int qpre[PB_MAX_TOKENS + 1], npre[PB_MAX_TOKENS + 1], qbad[PB_MAX_TOKENS + 1], nbad[PB_MAX_TOKENS + 1];
        uint64_t qlens = 0, nlens = 0;
        qpre[0] = npre[0] = qbad[0] = nbad[0] = 0;
        for (int i = 0; i < q->n; i++) {
            const struct pb_tokinfo *t = &q->ti[i];
            qpre[i + 1] = qpre[i] + t->ncp;
            qbad[i + 1] = qbad[i] + (t->kind == PB_TOK_NUMBER || t->kind == PB_TOK_HONORIFIC || qexact[i]);
            if (!qexact[i] && t->kind != PB_TOK_NUMBER && !t->initial)
                qlens |= t->ncp < 63 ? 1ull << t->ncp : ~0ull;
        }
        for (int j = 0; j < n->n; j++) {
            const struct pb_tokinfo *t = &n->ti[j];
            npre[j + 1] = npre[j] + t->ncp;
            nbad[j + 1] = nbad[j] + (t->kind == PB_TOK_NUMBER || t->kind == PB_TOK_HONORIFIC || nexact[j]);
            if (!nexact[j] && t->kind != PB_TOK_NUMBER && !t->initial)
                nlens |= t->ncp < 63 ? 1ull << t->ncp : ~0ull;
        }
        for (int a = 2; a <= PB_MAX_JOIN; a++) {
            for (int i = 0; nlens && i + a <= q->n; i++) {
                double wq = 0;
                int len = qpre[i + a] - qpre[i];
                uint32_t m = 0;
                /* a number or an honorific in the run, or a word with an exact partner */
                if (qbad[i + a] != qbad[i] || len > 160 || (len < 63 && !(nlens >> len & 1)))
                    continue;
                for (int k = i; k < i + a; k++) {
                    wq += q->w[k];
                    m |= q->ti[k].mask;
                }
                for (int j = 0; j < n->n && np < MAX_PAIRS; j++) {
                    double x;
                    if (nexact[j] || join_ruled_out(len, &n->ti[j], PB_MAX_EDITS_QJOIN) ||
                        (n->ti[j].mask && m != n->ti[j].mask))
                        continue;
                    if ((x = join_sim(q, i, a, n, j, PB_MAX_EDITS_QJOIN)) > 0)
                        pairs[np++] = (struct pair){(unsigned char)i, (unsigned char)a, (unsigned char)j, 1, (float)x,
                                                    (float)(2 * (wq < n->w[j] ? wq : n->w[j]))};
                }
            }
            for (int j = 0; qlens && j + a <= n->n; j++) {
                double wn = 0;
                int len = npre[j + a] - npre[j];
                uint32_t m = 0;
                if (nbad[j + a] != nbad[j] || len > 160 ||
                    (len < 64 && !((qlens << 1 | qlens | qlens >> 1) >> len & 1)))
                    continue;
                for (int k = j; k < j + a; k++) {
                    wn += n->w[k];
                    m |= n->ti[k].mask;
                }
                for (int i = 0; i < q->n && np < MAX_PAIRS; i++) {
                    double x;
                    if (qexact[i] || join_ruled_out(len, &q->ti[i], PB_MAX_EDITS_JOIN) ||
                        (q->ti[i].mask && (pb__popcount(m ^ q->ti[i].mask) + 1) / 2 > PB_MAX_EDITS_JOIN))
                        continue;
                    if ((x = join_sim(n, j, a, q, i, PB_MAX_EDITS_JOIN)) > 0)
                        pairs[np++] = (struct pair){(unsigned char)i, 1, (unsigned char)j, (unsigned char)a, (float)x,
                                                    (float)(2 * (wn < q->w[i] ? wn : q->w[i]))};
                }
            }
        }
    }
    if (np > 48) {
        qsort(pairs, np, sizeof(pairs[0]), pair_cmp);
    } else {
        for (size_t a = 1; a < np; a++) {
            struct pair x = pairs[a];
            size_t b = a;
            for (; b > 0 && pair_cmp(&x, &pairs[b - 1]) < 0; b--)
                pairs[b] = pairs[b - 1];
            pairs[b] = x;
        }
    }
    /* phase 1: words (equal initials and joins included), best first */
    for (size_t p = 0; p < np; p++) {
        struct pair *x = &pairs[p];
        if (initial_pair(q, n, x) || !span_free(qused, x->qi, x->qa) || !span_free(nused, x->nj, x->nb))
            continue;
        take_pair(q, n, x, qused, nused);
        acc[nacc++] = (int)p;
        M += x->s * x->w;
        D += P.lambda * (1.0 - x->s) * x->w;
        aligned_q += x->qa;
        {
            int dq = 0, dn = 0;
            for (int k = x->qi; k < x->qi + x->qa; k++)
                dq |= distinctive(q->ti[k].kind);
            for (int k = x->nj; k < x->nj + x->nb; k++)
                dn |= distinctive(n->ti[k].kind);
            distinct_aligned += dq && dn;
        }
    }
    /* acronyms: a word spelling the initials of words left over on the other side (not in
     * persons' names, whose short words are names) */
    for (int side = 0; side < 2 && !person && np < MAX_PAIRS; side++) {
        const struct pb_sform *a = side ? n : q, *b = side ? q : n;
        unsigned char *aused = side ? nused : qused, *bused = side ? qused : nused;
        for (int i = 0; i < a->n && np < MAX_PAIRS; i++) {
            int at, run;
            double wa, wb = 0;
            if (aused[i] || !(run = find_acronym(a, i, b, bused, &at)))
                continue;
            for (int k = at; k < at + run; k++) {
                wb += b->w[k];
                bused[k] = 1;
            }
            aused[i] = 1;
            wa = a->w[i];
            pairs[np] = side ? (struct pair){(unsigned char)at, (unsigned char)run, (unsigned char)i, 1,
                                             (float)PB_SIM_ACRONYM, (float)(2 * (wa < wb ? wa : wb))}
                             : (struct pair){(unsigned char)i, 1, (unsigned char)at, (unsigned char)run,
                                             (float)PB_SIM_ACRONYM, (float)(2 * (wa < wb ? wa : wb))};
            acc[nacc++] = (int)np;
            M += pairs[np].s * pairs[np].w;
            D += P.lambda * (1.0 - pairs[np].s) * pairs[np].w;
            aligned_q += side ? run : 1;
            distinct_aligned++;
            np++;
        }
    }
    if (person)
        nsub += nasab_swaps(q, n, pairs, acc, nacc, &D, hit);
    /* words that no pair explains on both sides: different numbers, different words */
    for (int number = 1; number >= 0; number--) {
        nuq = take_unaligned(q, qused, number, 0, person, org, uq);
        nun = take_unaligned(n, nused, number, 0, person, org, un);
        for (int k = 0; k < nuq && k < nun; k++) {
            double w = q->w[uq[k]] + n->w[un[k]];
            D += (number ? P.kappa_num : P.kappa) * w;
            qused[uq[k]] = nused[un[k]] = 2;
            nsub++;
            add_align(hit, q->str[uq[k]], n->str[un[k]], 0.0, w / 2);
        }
    }
    /* phase 2: an initial stands for a word left over on the other side; it is weak
     * evidence, worth what the initial weighs, and the rest of the word is unexplained */
    for (size_t p = 0; p < np; p++) {
        struct pair *x = &pairs[p];
        double wi, ww;
        if (!initial_pair(q, n, x) || qused[x->qi] || nused[x->nj])
            continue;
        wi = q->ti[x->qi].initial ? q->w[x->qi] : n->w[x->nj];
        ww = q->ti[x->qi].initial ? n->w[x->nj] : q->w[x->qi];
        qused[x->qi] = nused[x->nj] = 1;
        x->w = (float)(2 * wi);
        acc[nacc++] = (int)p;
        M += x->s * 2 * wi;
        D += P.lambda * (1.0 - x->s) * 2 * wi + (ww > wi ? P.delta * (ww - wi) : 0.0);
        aligned_q++;
    }
    /* an initial against a word or initial it cannot stand for */
    nuq = take_unaligned(q, qused, 0, 1, person, org, uq);
    nun = take_unaligned(n, nused, 0, 1, person, org, un);
    for (int k = 0; k < nuq && k < nun; k++) {
        double w = 2 * (q->w[uq[k]] > n->w[un[k]] ? q->w[uq[k]] : n->w[un[k]]);
        D += P.kappa * w;
        qused[uq[k]] = nused[un[k]] = 2;
        nsub++;
        add_align(hit, q->str[uq[k]], n->str[un[k]], 0.0, w / 2);
    }
    /* different generic words and different legal forms in the same place */
    nsub += substitute(q, n, qused, nused, 1 << PB_TOK_GENERIC | 1 << PB_TOK_ORGTYPE, P.kappa_gen, &D, hit);
    nsub += substitute(q, n, qused, nused, 1 << PB_TOK_LEGAL, P.kappa_legal, &D, hit);
    /* a token repeated on its own side ("Ivan Ivan Petrov") costs half once one is aligned */
    for (int i = 0; i < q->n; i++)
        if (!qused[i] && q->w[i] > 0)
            D += (repeats_aligned(q, qused, i) ? 0.5 : 1.0) * one_sided(&q->ti[i], org, 1) * q->w[i];
    for (int j = 0; j < n->n; j++)
        if (!nused[j] && n->w[j] > 0)
            D += (repeats_aligned(n, nused, j) ? 0.5 : 1.0) * one_sided(&n->ti[j], org, 0) * n->w[j];
    score = M > 0 ? M / (M + D) : 0.0;
    /* organisations: word order carries some meaning */
    if (org && nacc > 1) {
        int cross = 0;
        for (int a = 0; a < nacc; a++)
            for (int b = a + 1; b < nacc; b++) {
                const struct pair *x = &pairs[acc[a]], *y = &pairs[acc[b]];
                if (!distinctive(q->ti[x->qi].kind) || !distinctive(q->ti[y->qi].kind))
                    continue;
                if ((x->qi < y->qi) != (x->nj < y->nj))
                    cross++;
            }
        score *= pow(P.cross, cross);
    }
    /* a legal form in the query that the listed name does not have, when that name is a
     * vessel's or an aircraft's: the query names a company, not the thing. (Not against a
     * person's name: a company named after a person is worth a look, "Ivan Petrov LLC".) */
    if (thing)
        for (int i = 0; i < q->n && !legal_left; i++)
            legal_left = !qused[i] && q->w[i] > 0 && q->ti[i].kind == PB_TOK_LEGAL;
    if (legal_left)
        score *= P.legal_other;
    if (!distinct_aligned && score > P.generic_cap)
        score = P.generic_cap;
    if (hit) {
        char qs[96], ns[96];
        struct probity_align tmp[24];
        size_t nsubs = hit->nalign;
        memcpy(tmp, hit->align, nsubs * sizeof(tmp[0]));
        hit->nalign = 0;
        /* aligned pairs in query order, then conflicts, then one-sided tokens */
        for (int i = 0; i < q->n; i++)
            for (int a = 0; a < nacc; a++) {
                const struct pair *x = &pairs[acc[a]];
                if (x->qi != i)
                    continue;
                span_text(q, x->qi, x->qa, qs, sizeof(qs));
                span_text(n, x->nj, x->nb, ns, sizeof(ns));
                add_align(hit, qs, ns, x->s, x->w / 2);
            }
        for (size_t k = 0; k < nsubs; k++)
            add_align(hit, tmp[k].query, tmp[k].name, 0.0, tmp[k].weight);
        for (int i = 0; i < q->n; i++)
            if (!qused[i] && q->w[i] > 0)
                add_align(hit, q->str[i], "", 0.0, q->w[i]);
        for (int j = 0; j < n->n; j++)
            if (!nused[j] && n->w[j] > 0)
                add_align(hit, "", n->str[j], 0.0, n->w[j]);
        if (hit->nfeatures < sizeof(hit->features) / sizeof(hit->features[0])) {
            struct probity_feature *f = &hit->features[hit->nfeatures++];
            snprintf(f->name, sizeof(f->name), "name");
            f->contribution = score;
            snprintf(f->detail, sizeof(f->detail), "%d of %d query tokens aligned, %d conflicting%s%s", aligned_q,
                     q->n, nsub, legal_left ? "; a company's legal form against a vessel's name" : "",
                     !distinct_aligned ? "; only generic words agree" : "");
        }
    }
    return score;
}

