/* Analysis of one text: organisation mentions and the links between them.
 *
 * The text is cut into sentences (ICU) and tokens (the full-text segmenter). Mentions come
 * from three sources, in this order of trust: the gazetteer of list names; rules over the
 * lexicons (a run of capitalised words holding an organisation head or a legal form; a run
 * of Han characters ending in 公司, 局, 大学 ... and starting at a place name; a capitalised
 * word right before a cue verb); and aliases that the document itself defines (a
 * parenthesised short name after a full name, the first words of a long name). A link is a
 * cue of link_cues.tsv between two mentions of one sentence; the cue's direction says which
 * side is the subject, and coordinated mentions ("A, B and C are designated") share it. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "core/core.h"
#include "core/lexicon.h"
#include "evidence/evidence_int.h"
#include "text/names.h"
#include "text/sentences.h"

#define MAX_PAT 8
#define MAX_GAP 20   /* tokens between a cue and the two mentions it links, at most */

struct pat {
    char *tok[MAX_PAT];
    size_t n;
    const char *a, *b;   /* relation and direction (cues) or schema (heads) */
};

static struct {
    struct pb_map heads_en;      /* word -> schema */
    struct pat *heads_zh, *cues;
    size_t nheads_zh, ncues;
    struct pat *places;
    size_t nplaces;
    /* first (or last) tokens of the patterns: most tokens start none, and are skipped */
    struct pb_map cue_first, head_first, head_last, place_first;
    int ok;
} lex;
static pthread_once_t lex_once = PTHREAD_ONCE_INIT;

struct tokctx {
    struct pat *p;
};

static int pat_tok(void *ctx, const struct pb_token *t)
{
    struct pat *p = ctx;
    if (p->n < MAX_PAT && !(p->tok[p->n++] = pb_strdup(t->norm)))
        return PROBITY_ENOMEM;
    return 0;
}

/* Read a lexicon into patterns: column 1 tokenised, columns 2 and 3 kept. */
static int load_pats(struct pb_segmenter *sg, const char *name, struct pat **out, size_t *n)
{
    size_t len, cap = 0;
    const char *s = pb_lexicon(name, &len), *end;
    if (!s)
        return PROBITY_ENOTFOUND;
    end = s + len;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *e = nl ? nl : end;
        char line[256];
        size_t ll = (size_t)(e - s);
        s = nl ? nl + 1 : end;
        if (ll == 0 || ll >= sizeof(line) || s[0] == 0)
            continue;
        memcpy(line, e - ll, ll);
        line[ll] = 0;
        if (line[0] == '#' || line[0] == 0)
            continue;
        char *c2 = strchr(line, '\t'), *c3 = NULL;
        if (c2) {
            *c2++ = 0;
            if ((c3 = strchr(c2, '\t')))
                *c3++ = 0;
        }
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            struct pat *p = realloc(*out, cap * sizeof(*p));
            if (!p)
                return PROBITY_ENOMEM;
            *out = p;
        }
        struct pat *p = &(*out)[*n];
        memset(p, 0, sizeof(*p));
        if (pb_segment(sg, line, strlen(line), 0, pat_tok, p) || p->n == 0)
            continue;
        p->a = c2 ? pb_strdup(c2) : NULL;
        p->b = c3 ? pb_strdup(c3) : NULL;
        (*n)++;
    }
    return 0;
}

static void lex_init(void)
{
    struct pb_segmenter *sg = NULL;
    struct pat *heads = NULL;
    size_t nheads = 0;
    if (pb_segmenter_new(&sg))
        return;
    if (load_pats(sg, "org_heads.tsv", &heads, &nheads) || load_pats(sg, "link_cues.tsv", &lex.cues, &lex.ncues) ||
        load_pats(sg, "places_cn.tsv", &lex.places, &lex.nplaces))
        goto out;
    /* one-token Latin heads go to a map; Han heads (one token per character) stay patterns */
    for (size_t i = 0; i < nheads; i++) {
        unsigned char c = (unsigned char)heads[i].tok[0][0];
        if (c < 0x80) {
            /* the map keeps its own copy of the word */
            if (heads[i].n == 1)
                pb_map_put(&lex.heads_en, heads[i].tok[0], (void *)heads[i].a);
            for (size_t k = 0; k < heads[i].n; k++)
                free(heads[i].tok[k]);
        } else {
            struct pat *p = realloc(lex.heads_zh, (lex.nheads_zh + 1) * sizeof(*p));
            if (!p)
                goto out;
            lex.heads_zh = p;
            lex.heads_zh[lex.nheads_zh++] = heads[i];
        }
    }
    for (size_t i = 0; i < lex.ncues; i++)
        pb_map_put(&lex.cue_first, lex.cues[i].tok[0], (void *)1);
    for (size_t i = 0; i < lex.nheads_zh; i++) {
        pb_map_put(&lex.head_first, lex.heads_zh[i].tok[0], (void *)1);
        pb_map_put(&lex.head_last, lex.heads_zh[i].tok[lex.heads_zh[i].n - 1], (void *)1);
    }
    for (size_t i = 0; i < lex.nplaces; i++)
        pb_map_put(&lex.place_first, lex.places[i].tok[0], (void *)1);
    lex.ok = 1;
out:
    free(heads);
    pb_segmenter_free(sg);
}

/* ---- tokens ---- */

struct tok {
    size_t s, e;        /* bytes */
    size_t norm;        /* offset in the norm buffer */
    unsigned cjk : 1, cap : 1, upper : 1, digit : 1;
    int mention;        /* index + 1 of the mention covering it, 0 when none */
};

struct men {
    size_t ts, te;      /* tokens [ts, te) */
    char *name;
    int gz;             /* gazetteer entity index, -1 when none */
    const char *schema, *how;
    int canon;          /* mention this one is an alias of (itself when a full name) */
    int dropped;
    size_t ge;          /* end of the mention and of the short name in parentheses after it */
    int kind;           /* MK_* : what the layout made of it */
};

#define MK_LIST 1       /* the name of a list a document announces ("Covered List") */

struct alias {
    size_t ts, te;      /* the tokens of the alias in the text where it was defined */
    int men;
    int bad;            /* claimed by two names: not used */
};

struct an {
    const struct probity_gazetteer *g;
    const char *text;
    size_t len;
    struct tok *t;
    size_t nt, ct;
    struct pb_buf norms;
    size_t *sent;       /* sentence k covers tokens [sent[2k], sent[2k+1]) */
    size_t *sentb;      /* and bytes [sentb[2k], sentb[2k+1]) */
    size_t ns, cs;
    struct men *m;
    size_t nm, cm;
    struct alias *al;
    size_t nal, cal;
    int authority;      /* mention standing for the document's issuing body, -1 when none */
};

static const char *N(const struct an *a, size_t i)
{
    return a->norms.s + a->t[i].norm;
}

static unsigned first_cp(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n == 0)
        return 0;
    if (u[0] < 0x80)
        return u[0];
    if ((u[0] & 0xE0) == 0xC0 && n >= 2)
        return ((u[0] & 0x1Fu) << 6) | (u[1] & 0x3Fu);
    if ((u[0] & 0xF0) == 0xE0 && n >= 3)
        return ((u[0] & 0x0Fu) << 12) | ((u[1] & 0x3Fu) << 6) | (u[2] & 0x3Fu);
    return 0xFFFF;
}

static int is_upper_cp(unsigned c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7) ||
           (c >= 0x100 && c < 0x180 && (c & 1) == 0) || (c >= 0x391 && c <= 0x3A9) || (c >= 0x400 && c <= 0x42F);
}

static int on_tok(void *ctx, const struct pb_token *t)
{
    struct an *a = ctx;
    struct tok *k;
    unsigned c;
    if (a->nt == a->ct) {
        size_t cap = a->ct ? a->ct * 2 : 1024;
        struct tok *p = realloc(a->t, cap * sizeof(*p));
        if (!p)
            return PROBITY_ENOMEM;
        a->t = p;
        a->ct = cap;
    }
    k = &a->t[a->nt];
    memset(k, 0, sizeof(*k));
    k->s = t->start;
    k->e = t->end;
    k->norm = a->norms.len;
    if (pb_buf_add(&a->norms, t->norm, t->len + 1))
        return PROBITY_ENOMEM;
    k->cjk = (t->flags & PB_TOKEN_CJK) != 0;
    c = first_cp(a->text + t->start, t->end - t->start);
    k->cap = is_upper_cp(c);
    k->digit = c >= '0' && c <= '9';
    if (k->cap) {
        int up = 1;
        for (size_t i = t->start; i < t->end; i++)
            if (a->text[i] >= 'a' && a->text[i] <= 'z')
                up = 0;
        k->upper = up;
    }
    a->nt++;
    return 0;
}

struct sctx {
    struct an *a;
    size_t ti;
};

static int on_sentence(void *ctx, size_t s, size_t e)
{
    struct sctx *sc = ctx;
    struct an *a = sc->a;
    size_t i = sc->ti;
    while (i < a->nt && a->t[i].s < s)
        i++;
    size_t j = i;
    while (j < a->nt && a->t[j].e <= e)
        j++;
    sc->ti = j;
    if (a->ns == a->cs) {
        size_t cap = a->cs ? a->cs * 2 : 256;
        size_t *p = realloc(a->sent, cap * 2 * sizeof(*p)), *q;
        if (!p)
            return PROBITY_ENOMEM;
        a->sent = p;
        q = realloc(a->sentb, cap * 2 * sizeof(*q));
        if (!q)
            return PROBITY_ENOMEM;
        a->sentb = q;
        a->cs = cap;
    }
    a->sent[2 * a->ns] = i;
    a->sent[2 * a->ns + 1] = j;
    a->sentb[2 * a->ns] = s;
    a->sentb[2 * a->ns + 1] = e;
    a->ns++;
    return 0;
}

/* The bytes between token i-1 and token i. */
static void sep(const struct an *a, size_t i, const char **s, size_t *n)
{
    *s = a->text + a->t[i - 1].e;
    *n = a->t[i].s - a->t[i - 1].e;
}

static int sep_is(const struct an *a, size_t i, const char *what)
{
    const char *s;
    size_t n;
    sep(a, i, &s, &n);
    return n == strlen(what) && memcmp(s, what, n) == 0;
}

/* Only spaces (no line break) between tokens i-1 and i. */
static int sep_space(const struct an *a, size_t i)
{
    const char *s;
    size_t n;
    sep(a, i, &s, &n);
    if (n == 0)
        return 0;
    for (size_t k = 0; k < n; k++) {
        unsigned char c = (unsigned char)s[k];
        if (c == ' ' || c == '\t')
            continue;
        if (c == 0xC2 && k + 1 < n && (unsigned char)s[k + 1] == 0xA0) {
            k++;
            continue;
        }
        return 0;
    }
    return 1;
}

/* Is there a `c` between tokens i-1 and i? */
static int sep_has(const struct an *a, size_t i, char c)
{
    const char *s;
    size_t n;
    sep(a, i, &s, &n);
    return memchr(s, c, n) != NULL;
}

/* Nothing but spaces and the characters of `allowed` between tokens i-1 and i. */
static int sep_only(const struct an *a, size_t i, const char *allowed)
{
    const char *s;
    size_t n;
    sep(a, i, &s, &n);
    for (size_t k = 0; k < n; k++)
        if (s[k] != ' ' && !strchr(allowed, s[k]))
            return 0;
    return 1;
}

static const char *head_en(const struct an *a, size_t i)
{
    if (a->t[i].cjk || (!a->t[i].cap && !a->t[i].upper))
        return NULL;
    return pb_map_get(&lex.heads_en, N(a, i));
}

static int is_legal(const struct an *a, size_t i)
{
    const char *h = head_en(a, i);
    return h && strcmp(h, "Company") == 0;
}

static int is_connector(const char *w)
{
    static const char *const c[] = {"of", "and", "for", "the", "de", "del", "la", "ve", "on", "in", "du", "des",
                                    "y", "et", "und", NULL};
    for (size_t i = 0; c[i]; i++)
        if (strcmp(w, c[i]) == 0)
            return 1;
    return 0;
}

static int is_aux(const char *w)
{
    static const char *const c[] = {"is", "was", "were", "are", "be", "been", "being", "also", "previously",
                                    "today", "jointly", "concurrently", "已", "被", NULL};
    for (size_t i = 0; c[i]; i++)
        if (strcmp(w, c[i]) == 0)
            return 1;
    return 0;
}

/* Capitalised words that start sentences or stand for an unnamed party: never a one-word
 * organisation on their own. */
static int is_pronoun(const char *w)
{
    static const char *const c[] = {"it", "they", "he", "she", "we", "this", "that", "these", "those", "which",
                                    "who", "its", "their", "his", "her", "the", "a", "an", "each", "both",
                                    "all", "today", "also", "in", "on", "as", "and", "since", "together",
                                    "additionally", "further", "furthermore", "moreover", "however", NULL};
    for (size_t i = 0; c[i]; i++)
        if (strcmp(w, c[i]) == 0)
            return 1;
    return 0;
}

static int is_date_word(const char *w)
{
    static const char *const c[] = {"january", "february", "march", "april", "may", "june", "july", "august",
                                    "september", "october", "november", "december", "monday", "tuesday",
                                    "wednesday", "thursday", "friday", "saturday", "sunday", NULL};
    for (size_t i = 0; c[i]; i++)
        if (strcmp(w, c[i]) == 0)
            return 1;
    return 0;
}

static int add_mention(struct an *a, size_t ts, size_t te, int gz, const char *schema, const char *how, int canon)
{
    struct men *m;
    /* "OFAC-designated", "UAE-based": a name used as an adjective is not a mention */
    if (te < a->nt && sep_is(a, te, "-") && !a->t[te].cap && !a->t[te].cjk)
        return 0;
    if (a->nm == a->cm) {
        size_t cap = a->cm ? a->cm * 2 : 128;
        struct men *p = realloc(a->m, cap * sizeof(*p));
        if (!p)
            return PROBITY_ENOMEM;
        a->m = p;
        a->cm = cap;
    }
    m = &a->m[a->nm];
    memset(m, 0, sizeof(*m));
    m->ts = ts;
    m->te = te;
    m->ge = te;
    m->gz = gz;
    m->schema = schema;
    m->how = how;
    m->canon = canon < 0 ? (int)a->nm : canon;
    if (canon < 0) {
        /* the name as written, white space collapsed */
        struct pb_buf b = PB_BUF_INIT;
        size_t s = a->t[ts].s, e = a->t[te - 1].e;
        int sp = 0, last_cjk = 0;
        for (size_t k = s; k < e; k++) {
            char c = a->text[k];
            if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f') {
                sp = 1;
                continue;
            }
            /* a space between two Han characters is layout, not a word break */
            if (sp && b.len && !((unsigned char)c >= 0xE3 && (unsigned char)b.s[b.len - 1] >= 0x80 && last_cjk) &&
                pb_buf_addc(&b, ' '))
                return PROBITY_ENOMEM;
            if ((c & 0xC0) != 0x80)
                last_cjk = (unsigned char)c >= 0xE3 && (unsigned char)c <= 0xE9;
            sp = 0;
            if (pb_buf_addc(&b, c))
                return PROBITY_ENOMEM;
        }
        /* a legal abbreviation keeps its full stop: "Inc." */
        if (e < a->len && a->text[e] == '.' && te - ts > 1 && is_legal(a, te - 1) && strlen(N(a, te - 1)) <= 4 &&
            pb_buf_addc(&b, '.'))
            return PROBITY_ENOMEM;
        if (!b.s && pb_buf_adds(&b, ""))
            return PROBITY_ENOMEM;
        m->name = b.s;
    }
    for (size_t k = ts; k < te; k++)
        a->t[k].mention = (int)a->nm + 1;
    a->nm++;
    return 0;
}

static int free_span(const struct an *a, size_t ts, size_t te)
{
    for (size_t k = ts; k < te; k++)
        if (a->t[k].mention)
            return 0;
    return 1;
}

/* ---- gazetteer ---- */

static int find_listed(struct an *a, size_t s0, size_t s1)
{
    const struct probity_gazetteer *g = a->g;
    if (!g || !g->nents)
        return 0;
    for (size_t i = s0; i < s1;) {
        uint32_t node = 0;
        size_t best = 0;
        int ent = 0;
        for (size_t j = i; j < s1; j++) {
            uint32_t tk;
            if (j > i && !a->t[j].cjk && !sep_only(a, j, ",.-&'") )
                break;
            if (j > i && a->t[j].cjk && !sep_only(a, j, "\xC2\xB7"))
                break;
            if (!(tk = pb__gz_token(g, N(a, j))) || !(node = pb__gz_child(g, node, tk)))
                break;
            if (g->term[node] && (!(g->flags[node] & PB_GZ_ONEWORD) || a->t[i].cap)) {
                best = j + 1;
                ent = g->term[node];
            }
        }
        /* a list name inside a longer capitalised name ("IRGC" of "IRGC ASF SSJO") is left
         * to the rules, which see the whole name */
        if (best && !a->t[i].cjk &&
            ((best < s1 && a->t[best].cap && sep_space(a, best) && !is_pronoun(N(a, best))) ||
             (i > s0 && a->t[i - 1].cap && sep_space(a, i) && !is_pronoun(N(a, i - 1)) && !head_en(a, i - 1))))
            best = 0;
        if (best && free_span(a, i, best)) {
            int rc = add_mention(a, i, best, ent - 1, g->ents[ent - 1].schema, "list", -1);
            if (rc)
                return rc;
            i = best;
        } else {
            i++;
        }
    }
    return 0;
}

/* ---- English rules ---- */

/* Does a name in tokens [ts, te) hold an organisation head? Its schema, or NULL. */
static const char *span_head(const struct an *a, size_t ts, size_t te)
{
    const char *schema = NULL;
    for (size_t k = ts; k < te; k++) {
        const char *h = head_en(a, k);
        if (h && (!schema || strcmp(h, "Company") != 0 || k == te - 1))
            schema = h;
    }
    return schema;
}

/* A parenthesised short name right after token te-1: "(PESC)", "(Ozone Aviation)".
 * Its tokens go to *as, *ae; returns non-zero when there is one. */
static int paren_after(const struct an *a, size_t te, size_t s1, size_t *as, size_t *ae)
{
    size_t k = te, n;
    const char *sp;
    if (k >= s1)
        return 0;
    /* "... Jihad Organization's (IRGC ASF SSJO) procurement" */
    if (k + 1 < s1 && strcmp(N(a, k), "s") == 0 && (sep_is(a, k, "\xE2\x80\x99") || sep_is(a, k, "'")))
        k++, te++;
    /* spaces then "(" or a full-width "（" */
    sep(a, k, &sp, &n);
    while (n && (*sp == ' ' || ((*sp == '.' || *sp == ',') && sp == a->text + a->t[k - 1].e)))
        sp++, n--;
    if (!((n == 1 && *sp == '(') || (n == 3 && memcmp(sp, "\xEF\xBC\x88", 3) == 0)))
        return 0;
    if (!a->t[k].cap && !a->t[k].cjk)
        return 0;
    while (k + 1 < s1 && k + 1 - te < 8 && (sep_space(a, k + 1) || sep_only(a, k + 1, "-/&.") ||
                                            (a->t[k + 1].cjk && a->t[k + 1].s == a->t[k].e)))
        k++;
    const char *close = a->text + a->t[k].e;
    if (close >= a->text + a->len)
        return 0;
    if (*close != ')' && !(close + 3 <= a->text + a->len && memcmp(close, "\xEF\xBC\x89", 3) == 0))
        return 0;
    *as = te;
    *ae = k + 1;
    return 1;
}

static int find_rules_en(struct an *a, size_t s0, size_t s1)
{
    for (size_t i = s0; i < s1;) {
        size_t j, last;
        if (a->t[i].cjk || !a->t[i].cap || a->t[i].mention || is_pronoun(N(a, i))) {
            i++;
            continue;
        }
        if (pb_token_kind(N(a, i)) == PB_TOK_HONORIFIC || strcmp(N(a, i), "acting") == 0) {
            /* a person's title ("Under Secretary of the Treasury ..."), not a body */
            while (i < s1 && (a->t[i].cap || is_connector(N(a, i))) && (i == 0 || sep_space(a, i) || a->t[i].cap))
                i++;
            continue;
        }
        last = i;
        for (j = i + 1; j < s1; j++) {
            /* "the Ministry of the People's Armed Forces": a possessive inside a body's name */
            if ((sep_is(a, j, "\xE2\x80\x99") || sep_is(a, j, "'")) && strcmp(N(a, j), "s") == 0 && !head_en(a, j - 1) &&
                j + 1 < s1 && sep_space(a, j + 1) && a->t[j + 1].cap && span_head(a, i, j)) {
                j++;
                last = j;
                continue;
            }
            /* "ComNet (USA) LLC": a parenthesised word inside a company's name */
            if (sep_is(a, j, " (") && a->t[j].cap && !a->t[j].mention && j + 1 < s1 && sep_is(a, j + 1, ") ") &&
                is_legal(a, j + 1) && !a->t[j + 1].mention) {
                last = ++j;
                continue;
            }
            int ok = sep_space(a, j) || sep_is(a, j, "-") ||
                     ((sep_is(a, j, ". ") || sep_is(a, j, ".")) && strlen(N(a, j - 1)) <= 3) ||
                     ((sep_is(a, j, ", ") || sep_is(a, j, "., ") || sep_is(a, j, ",")) && is_legal(a, j)) ||
                     sep_is(a, j, " & ");
            if (!ok || a->t[j].cjk || a->t[j].mention || is_date_word(N(a, j)))
                break;
            if (a->t[j].cap || (a->t[j].digit && head_en(a, j - 1)))
                last = j;
            else if (!is_connector(N(a, j)))
                break;
        }
        /* split at "and" after a complete name: "Hikvision Co., Ltd. and Dahua Technology" */
        size_t start = i, end = last + 1;
        for (size_t k = i + 1; k + 1 < end; k++) {
            if (strcmp(N(a, k), "and") == 0 && is_legal(a, k - 1)) {
                const char *sc = span_head(a, start, k);
                if (sc) {
                    int rc = add_mention(a, start, k, -1, sc, "rule", -1);
                    if (rc)
                        return rc;
                }
                start = k + 1;
            }
        }
        for (size_t k = start + 1; k + 1 < end; k++) {
            /* "Mahmoudi and Selin Technic Co": a person's two names, then a company */
            if (strcmp(N(a, k), "and") == 0 && k - start == 2 && !span_head(a, start, k) &&
                pb_token_kind(N(a, start)) == PB_TOK_WORD && pb_token_kind(N(a, start + 1)) == PB_TOK_WORD &&
                is_legal(a, end - 1) && end - (k + 1) >= 2) {
                start = k + 1;
                break;
            }
        }
        /* a name ends at its last head, unless "of", "for" ... continue it: "Treasury
         * Sanctions Chinese Entity" (a headline) is no body, "Office of Foreign Assets
         * Control" is one */
        {
            size_t h = end;
            for (size_t k = start; k < end; k++)
                if (head_en(a, k))
                    h = k;
            if (h < end && h + 1 < end && !is_connector(N(a, h + 1)) && !a->t[h + 1].digit)
                end = h + 1;
        }
        const char *schema = end - start >= 2 ? span_head(a, start, end) : NULL;
        if (schema) {
            int rc = add_mention(a, start, end, -1, schema, "rule", -1);
            if (rc)
                return rc;
        }
        i = last + 1;
    }
    return 0;
}

/* ---- Chinese rules ---- */

static int pat_at(const struct an *a, size_t i, size_t lim, const struct pat *p)
{
    if (i + p->n > lim)
        return 0;
    for (size_t k = 0; k < p->n; k++) {
        if (k && !a->t[i + k].cjk != !a->t[i].cjk)
            return 0;
        if (strcmp(N(a, i + k), p->tok[k]))
            return 0;
    }
    return 1;
}

static int zh_stop(const char *w)
{
    static const char *const c[] = {"的", "对", "我", "向", "为", "将", "在", "由", "是", "了", "等", "把",
                                    "被", "从", "于", "给", "同", "跟", "并", "以", "其", "或", "经", "按", "已",
                                    "该", "这", "那", "各", "至", "即", "而", "就", "也", "都", "归", "到",
                                    "年", "月", "日", NULL};
    for (size_t i = 0; c[i]; i++)
        if (strcmp(w, c[i]) == 0)
            return 1;
    return 0;
}

/* Characters after a one-character head that make it an ordinary word instead (所有, 部分). */
static int zh_not_head(const char *next)
{
    static const char *const c[] = {"有", "以", "谓", "属", "分", "署", "长", "面", "势", "士", "内", "外", "在",
                                    "得", "需", "门", "件", "队", NULL};
    for (size_t i = 0; c[i]; i++)
        if (strcmp(next, c[i]) == 0)
            return 1;
    return 0;
}

/* Characters before a one-character head that make it an ordinary word (布局, 全部). */
static int zh_not_head_prev(const char *prev)
{
    static const char *const c[] = {"布", "全", "内", "外", "局", "结", "格", "场", "住", "本", "此", "大", "细",
                                    "总", "东", "西", "南", "北", "中", "干", "顶", "底", NULL};
    for (size_t i = 0; c[i]; i++)
        if (strcmp(prev, c[i]) == 0)
            return 1;
    return 0;
}

/* 与, 和, 及 join two names ("A与B") when what stands before them is a whole name, and
 * are part of a name otherwise (工业和信息化部, 雷神导弹与防务公司). */
static int zh_joiner(const char *w)
{
    return strcmp(w, "与") == 0 || strcmp(w, "和") == 0 || strcmp(w, "及") == 0;
}

static int zh_head_ends_at(const struct an *a, size_t from, size_t end)
{
    if (end == 0 || !pb_map_get(&lex.head_last, N(a, end - 1)))
        return 0;
    for (size_t h = 0; h < lex.nheads_zh; h++) {
        const struct pat *p = &lex.heads_zh[h];
        if (end >= from + p->n && pat_at(a, end - p->n, end, p))
            return 1;
    }
    return 0;
}

/* A Chinese cue at token i that ends a run of name characters; cues that end like a name
 * does (子公司 in 电子公司) do not. */
static int is_cue_at(const struct an *a, size_t i, size_t lim)
{
    if (!pb_map_get(&lex.cue_first, N(a, i)))
        return 0;
    for (size_t c = 0; c < lex.ncues; c++) {
        const struct pat *p = &lex.cues[c];
        if (p->n < 2 || !pat_at(a, i, lim, p) || zh_head_ends_at(a, i, i + p->n))
            continue;
        return (int)p->n;
    }
    return 0;
}

static int find_rules_zh(struct an *a, size_t s0, size_t s1)
{
    for (size_t i = s0; i < s1;) {
        size_t j;
        int cl;
        if (!a->t[i].cjk || a->t[i].mention || zh_stop(N(a, i)) || zh_joiner(N(a, i))) {
            i++;
            continue;
        }
        if ((cl = is_cue_at(a, i, s1))) {
            i += (size_t)cl;
            continue;
        }
        /* a run of Han characters without stop words, cues or mentions */
        for (j = i + 1; j < s1; j++) {
            if (!a->t[j].cjk || a->t[j].mention || zh_stop(N(a, j)) || is_cue_at(a, j, s1))
                break;
            if (zh_joiner(N(a, j)) && zh_head_ends_at(a, i, j))
                break;
            if (a->t[j].s != a->t[j - 1].e && !sep_only(a, j, "\xC2\xB7") &&
                !(a->t[j].s - a->t[j - 1].e == 2 && memcmp(a->text + a->t[j - 1].e, "\xC2\xB7", 2) == 0))
                break;
        }
        /* the last head in the run ends the name */
        size_t hend = 0;
        const char *schema = NULL;
        for (size_t k = i; k < j; k++) {
            if (!pb_map_get(&lex.head_first, N(a, k)))
                continue;
            for (size_t h = 0; h < lex.nheads_zh; h++) {
                const struct pat *p = &lex.heads_zh[h];
                if (!pat_at(a, k, j, p))
                    continue;
                if (p->n == 1 && ((k + 1 < j && zh_not_head(N(a, k + 1))) || (k > i && zh_not_head_prev(N(a, k - 1)))))
                    continue;
                if (k + p->n >= hend) {
                    hend = k + p->n;
                    schema = p->a;
                }
            }
        }
        size_t start = i;
        for (size_t k = i; k < hend; k++) {
            int found = 0;
            if (!pb_map_get(&lex.place_first, N(a, k)))
                continue;
            for (size_t p = 0; p < lex.nplaces && !found; p++)
                found = pat_at(a, k, hend, &lex.places[p]);
            if (found) {
                start = k;
                break;
            }
        }
        /* "我省科大讯飞公司": a bare 省/市/区/县 left from a possessive is not part of the name */
        while (start == i && hend - start > 3 && start > s0 && zh_stop(N(a, start - 1)) &&
               (strcmp(N(a, start), "省") == 0 || strcmp(N(a, start), "市") == 0 || strcmp(N(a, start), "县") == 0))
            start = ++i;
        if (hend && hend - start >= 3) {
            int rc = add_mention(a, start, hend, -1, schema, "rule", -1);
            if (rc)
                return rc;
        }
        i = j > i ? j : i + 1;
    }
    return 0;
}

/* ---- cues ---- */

/* The longest cue at token i within [i, lim): its index, or -1. */
static int cue_at(const struct an *a, size_t i, size_t lim)
{
    int best = -1;
    if (!pb_map_get(&lex.cue_first, N(a, i)))
        return -1;
    for (size_t c = 0; c < lex.ncues; c++) {
        if (pat_at(a, i, lim, &lex.cues[c]) && (best < 0 || lex.cues[c].n > lex.cues[best].n)) {
            /* Latin cue words must be separated by spaces only, or by the hyphen of a
             * compound ("wholly-owned subsidiary") */
            int ok = 1;
            for (size_t k = 1; k < lex.cues[c].n && ok; k++)
                ok = a->t[i + k].cjk || sep_space(a, i + k) || sep_is(a, i + k, "-");
            if (ok)
                best = (int)c;
        }
    }
    return best;
}

/* Does the word of token w stand elsewhere in the text inside a run of capitalised words
 * with no organisation head, as a person's name does ("Fan Yang ... Fan sold")? */
static int in_plain_name(const struct an *a, size_t w)
{
    for (size_t i = 0; i + 1 < a->nt; i++) {
        if (strcmp(N(a, i), N(a, w)) || i == w)
            continue;
        if (i + 1 < a->nt && a->t[i + 1].cap && !a->t[i + 1].cjk && sep_space(a, i + 1) && !head_en(a, i + 1) &&
            !a->t[i + 1].mention)
            return 1;
        if (i > 0 && a->t[i - 1].cap && !a->t[i - 1].cjk && sep_space(a, i) && !head_en(a, i - 1) &&
            !a->t[i - 1].mention)
            return 1;
    }
    return 0;
}

/* A capitalised word right before a cue verb is an organisation: "Huawei supplied ...". */
static int find_cue_subjects(struct an *a, size_t s0, size_t s1)
{
    for (size_t i = s0 + 1; i < s1; i++) {
        int c;
        size_t w = i - 1;
        if (a->t[i].cjk || a->t[w].cjk || a->t[w].mention || !a->t[w].cap || !sep_space(a, i))
            continue;
        if ((c = cue_at(a, i, s1)) < 0 || strcmp(lex.cues[c].b, "sv"))
            continue;
        if (is_pronoun(N(a, w)) || head_en(a, w) || pb_token_kind(N(a, w)) != PB_TOK_WORD || strlen(N(a, w)) < 3)
            continue;
        if (w > s0 && a->t[w - 1].cap && sep_space(a, w))
            continue;   /* part of a longer capitalised run: the rules had their chance */
        if (in_plain_name(a, w))
            continue;
        int rc = add_mention(a, w, i, -1, "Company", "cue", -1);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- aliases ---- */

static int add_alias(struct an *a, size_t ts, size_t te, int men)
{
    for (size_t k = 0; k < a->nal; k++) {
        struct alias *x = &a->al[k];
        if (x->te - x->ts != te - ts)
            continue;
        size_t n = 0;
        while (n < te - ts && strcmp(N(a, x->ts + n), N(a, ts + n)) == 0)
            n++;
        if (n == te - ts) {
            const struct men *p = &a->m[a->m[x->men].canon], *q = &a->m[a->m[men].canon];
            if (p != q && !(p->gz >= 0 && p->gz == q->gz) && strcmp(p->name, q->name))
                x->bad = 1;
            return 0;
        }
    }
    if (a->nal == a->cal) {
        size_t cap = a->cal ? a->cal * 2 : 64;
        struct alias *p = realloc(a->al, cap * sizeof(*p));
        if (!p)
            return PROBITY_ENOMEM;
        a->al = p;
        a->cal = cap;
    }
    a->al[a->nal].ts = ts;
    a->al[a->nal].te = te;
    a->al[a->nal].men = a->m[men].canon;
    a->al[a->nal].bad = 0;
    a->nal++;
    return 0;
}

static int collect_aliases(struct an *a, size_t nfull)
{
    int rc;
    for (size_t k = 0; k < nfull; k++) {
        struct men *m = &a->m[k];
        size_t as, ae, s1 = a->nt;
        if (paren_after(a, m->te, s1, &as, &ae)) {
            /* the short name itself is not a second mention */
            for (size_t x = as; x < ae; x++) {
                int o = a->t[x].mention;
                if (o && o != (int)k + 1)
                    a->m[o - 1].dropped = 1;
                a->t[x].mention = (int)k + 1;
            }
            m->ge = ae;
            if ((rc = add_alias(a, as, ae, (int)k)))
                return rc;
        }
        /* the first words of a long Latin name: "Hongkong Himark" */
        if (!a->t[m->ts].cjk && m->te - m->ts >= 3 && !head_en(a, m->ts)) {
            size_t n = 0;
            while (n < 2 && a->t[m->ts + n].cap && !head_en(a, m->ts + n) &&
                   pb_token_kind(N(a, m->ts + n)) == PB_TOK_WORD)
                n++;
            if (n == 2 && m->te - m->ts >= 5 && a->t[m->ts + 2].cap && !head_en(a, m->ts + 2) &&
                (rc = add_alias(a, m->ts, m->ts + 3, (int)k)))
                return rc;
            if (n == 2 && (rc = add_alias(a, m->ts, m->ts + 2, (int)k)))
                return rc;
            if (n >= 1 && strlen(N(a, m->ts)) >= 5 && !a->t[m->ts].upper && m->gz < 0 &&
                (rc = add_alias(a, m->ts, m->ts + 1, (int)k)))
                return rc;
        }
    }
    return 0;
}

/* A name found on its own that the document defines as a short name of another
 * ("Department 53 of the Ministry ... (Department 53)") stands for that other. */
static void adopt_aliases(struct an *a)
{
    for (size_t k = 0; k < a->nm; k++) {
        struct men *m = &a->m[k];
        if (m->canon != (int)k)
            continue;
        for (size_t j = 0; j < a->nal; j++) {
            const struct alias *x = &a->al[j];
            size_t n = x->te - x->ts, q = 0;
            if (x->bad || x->men == (int)k || n != m->te - m->ts)
                continue;
            while (q < n && strcmp(N(a, x->ts + q), N(a, m->ts + q)) == 0)
                q++;
            if (q == n && a->m[x->men].canon == x->men) {
                m->canon = x->men;
                m->how = "alias";
                break;
            }
        }
    }
}

static int find_aliases(struct an *a)
{
    struct pb_map first = PB_MAP_INIT;
    int rc = 0;
    for (size_t k = 0; k < a->nal; k++)
        if (!a->al[k].bad && pb_map_put(&first, N(a, a->al[k].ts), (void *)1))
            rc = PROBITY_ENOMEM;
    for (size_t i = 0; i < a->nt && !rc; i++) {
        if (a->t[i].mention || (!a->t[i].cap && !a->t[i].cjk) || !pb_map_get(&first, N(a, i)))
            continue;
        for (size_t k = 0; k < a->nal; k++) {
            struct alias *x = &a->al[k];
            size_t n = x->te - x->ts, q = 0;
            if (x->bad || x->ts == i || i + n > a->nt)
                continue;
            while (q < n && !a->t[i + q].mention && strcmp(N(a, x->ts + q), N(a, i + q)) == 0 &&
                   (q == 0 || sep_space(a, i + q) || a->t[i + q].cjk))
                q++;
            if (q < n)
                continue;
            /* not the start of a longer capitalised name */
            if (i + n < a->nt && !a->t[i + n].cjk && a->t[i + n].cap && sep_space(a, i + n))
                continue;
            struct men *c = &a->m[x->men];
            if ((rc = add_mention(a, i, i + n, c->gz, c->schema, "alias", x->men)))
                break;
            i += n - 1;
            break;
        }
    }
    pb_map_release(&first, NULL);
    return rc;
}

static int men_cmp(const void *x, const void *y)
{
    const struct men *p = x, *q = y;
    return p->ts < q->ts ? -1 : p->ts > q->ts;
}

/* ---- links ---- */

struct emitted {
    size_t sk;
    int subj, obj;
    const char *type;
};

struct emit {
    struct emitted seen[256];   /* links of the current sentence, to report each once */
    size_t nseen;
    probity_mention_cb on_mention;
    probity_found_link_cb on_link;
    void *ctx;
    struct probity_mention *pm;   /* public view of each mention */
};

static int same_entity(const struct an *a, int x, int y)
{
    const struct men *p = &a->m[a->m[x].canon], *q = &a->m[a->m[y].canon];
    if (p == q)
        return 1;
    if (p->gz >= 0 && p->gz == q->gz)
        return 1;
    return strcmp(p->name, q->name) == 0;
}

/* Are mentions p and q (p first) coordinated: "A, B", "A and B", "A、B", "A (a), B"? */
static int coordinated(const struct an *a, const struct men *p, const struct men *q)
{
    size_t gap = q->ts - p->ge;
    const char *s = a->text + a->t[p->ge - 1].e, *e = a->text + a->t[q->ts].s;
    int comma = 0;
    if (gap > 1 && gap <= 6 && !a->t[p->ge].cjk && sep_has(a, p->ge, ',')) {
        /* "A, Thein Win Zaw, and B": a name that is no organisation (a person) in the series */
        size_t k = p->ge;
        while (k < q->ts && a->t[k].cap && !a->t[k].mention && sep_only(a, k, ","))
            k++;
        if (k == p->ge || !sep_has(a, k, ','))
            return 0;
        if (k < q->ts && (strcmp(N(a, k), "and") == 0 || strcmp(N(a, k), "or") == 0))
            k++;
        return k == q->ts;
    }
    if (gap > 1)
        return 0;
    if (gap == 1) {
        const char *w = N(a, p->ge);
        if (strcmp(w, "and") && strcmp(w, "or") && strcmp(w, "和") && strcmp(w, "及") && strcmp(w, "与"))
            return 0;
        return 1;
    }
    while (s < e) {
        if (*s == ',' || *s == ';')
            comma = 1, s++;
        else if (*s == ' ' || *s == ')')
            s++;
        else if (e - s >= 3 && (memcmp(s, "、", 3) == 0 || memcmp(s, "，", 3) == 0))
            comma = 1, s += 3;
        else if (e - s >= 3 && memcmp(s, "）", 3) == 0)
            s += 3;
        else
            return 0;
    }
    return comma;
}

static size_t group_left(const struct an *a, int *idx, size_t k, int *out, size_t max)
{
    size_t n = 0;
    out[n++] = idx[k];
    while (k > 0 && n < max && coordinated(a, &a->m[idx[k - 1]], &a->m[idx[k]]))
        out[n++] = idx[--k];
    return n;
}

static size_t group_right(const struct an *a, int *idx, size_t k, size_t nidx, int *out, size_t max)
{
    size_t n = 0;
    out[n++] = idx[k];
    while (k + 1 < nidx && n < max && coordinated(a, &a->m[idx[k]], &a->m[idx[k + 1]]))
        out[n++] = idx[++k];
    return n;
}

static int emit_link_at(struct an *a, struct emit *em, size_t sk, int subj, int obj, const struct pat *cue,
                        double conf, size_t qs, size_t qe)
{
    struct probity_found_link l;
    char cue_text[128];
    size_t o = 0;
    if (subj < 0 || obj < 0 || same_entity(a, subj, obj) || !em->on_link)
        return 0;
    subj = a->m[subj].canon == subj ? subj : subj;
    for (size_t k = 0; k < em->nseen; k++) {
        const struct emitted *x = &em->seen[k];
        if (x->sk == sk && strcmp(x->type, cue->a) == 0 && same_entity(a, x->subj, subj) && same_entity(a, x->obj, obj))
            return 0;
    }
    if (em->nseen < sizeof(em->seen) / sizeof(em->seen[0])) {
        em->seen[em->nseen].sk = sk;
        em->seen[em->nseen].subj = subj;
        em->seen[em->nseen].obj = obj;
        em->seen[em->nseen].type = cue->a;
        em->nseen++;
    }
    for (size_t k = 0; k < cue->n && o + 1 < sizeof(cue_text); k++) {
        int n = snprintf(cue_text + o, sizeof(cue_text) - o, "%s%s",
                         k && (unsigned char)cue->tok[k][0] < 0x80 ? " " : "", cue->tok[k]);
        if (n < 0)
            break;
        o += (size_t)n;
        if (o >= sizeof(cue_text))
            o = sizeof(cue_text) - 1;
    }
    memset(&l, 0, sizeof(l));
    l.type = cue->a;
    l.subject = &em->pm[subj];
    l.object = &em->pm[obj];
    l.start = qs;
    l.end = qe;
    l.cue = cue_text;
    l.confidence = conf < 0.2 ? 0.2 : conf > 0.99 ? 0.99 : conf;
    return em->on_link(em->ctx, &l);
}

static int emit_link(struct an *a, struct emit *em, size_t sk, int subj, int obj, const struct pat *cue, double conf)
{
    return emit_link_at(a, em, sk, subj, obj, cue, conf, a->sentb[2 * sk], a->sentb[2 * sk + 1]);
}

static int links_in_sentence(struct an *a, struct emit *em, size_t sk, int *idx, size_t nidx)
{
    size_t s0 = a->sent[2 * sk], s1 = a->sent[2 * sk + 1];
    int grp[64];
    int rc, prev_subj = -1, prev_obj = -1;
    for (size_t i = s0; i < s1; i++) {
        int c;
        if (a->t[i].mention || (c = cue_at(a, i, s1)) < 0)
            continue;
        const struct pat *cue = &lex.cues[c];
        size_t ce = i + cue->n;
        /* nearest mentions on each side */
        long before = -1, after = -1;
        for (size_t k = 0; k < nidx; k++) {
            if (a->m[idx[k]].te <= i)
                before = (long)k;
            else if (a->m[idx[k]].ts >= ce && after < 0)
                after = (long)k;
        }
        /* "MODAFL's Defense Industries Organization": the possessor is not the object */
        while (after >= 0 && (size_t)after + 1 < nidx && a->m[idx[after + 1]].ts == a->m[idx[after]].ge + 1 &&
               strcmp(N(a, a->m[idx[after]].ge), "s") == 0 &&
               (sep_is(a, a->m[idx[after]].ge, "\xE2\x80\x99") || sep_is(a, a->m[idx[after]].ge, "'")))
            after++;
        /* "X was ... owned by A, and for being owned by B": B's subject is X again, not A */
        if (before >= 0 && prev_obj == idx[before] && prev_subj >= 0) {
            for (size_t k = 0; k < nidx; k++)
                if (idx[k] == prev_subj)
                    before = (long)k;
        }
        const char *dir = cue->b ? cue->b : "sv";
        int passive = strcmp(dir, "pass") == 0, active = strcmp(dir, "act") == 0;
        /* English designations: "X is/was (being) designated" is passive, "OFAC designated X"
         * active; Chinese cues keep the subjects before them ("将A、B列入") */
        if (passive && !a->t[i].cjk && !(i > s0 && is_aux(N(a, i - 1))) &&
            !(i > s0 + 1 && is_aux(N(a, i - 2))))
            active = 1, passive = 0;
        if (passive) {
            int obj = -1;
            double conf = 0.75;
            /* "A, B and C, which are three targets previously designated by X": the relative
             * pronoun right after the names carries them to the verb */
            int relative = before >= 0 && !a->t[i].cjk && i - a->m[idx[before]].ge <= 8 &&
                           a->m[idx[before]].ge < i && sep_has(a, a->m[idx[before]].ge, ',') &&
                           (strcmp(N(a, a->m[idx[before]].ge), "which") == 0 ||
                            strcmp(N(a, a->m[idx[before]].ge), "that") == 0);
            if (relative)
                for (size_t k = a->m[idx[before]].ge + 1; k < i; k++)
                    relative &= !a->t[k].mention && strcmp(N(a, k), "which") && strcmp(N(a, k), "that");
            if (before < 0 || (!a->t[i].cjk && i - a->m[idx[before]].ge > 4 && !relative)) {
                if (after < 0 || a->t[i].cjk || a->m[idx[after]].ts > ce + 4 || a->authority < 0)
                    continue;
                int by = 0;
                for (size_t k = ce; k < a->m[idx[after]].ts; k++)
                    by |= strcmp(N(a, k), "by") == 0;
                if (by)
                    continue;
                size_t ng = group_right(a, idx, (size_t)after, nidx, grp, 64);
                for (size_t g = 0; g < ng; g++)
                    if ((rc = emit_link(a, em, sk, grp[g], a->authority, cue, 0.6)))
                        return rc;
                i = ce - 1;
                continue;
            }
            /* "by X" names the designating body */
            if (after >= 0 && a->m[idx[after]].ts <= ce + 3) {
                for (size_t k = ce; k < a->m[idx[after]].ts; k++)
                    if (strcmp(N(a, k), "by") == 0 || strcmp(N(a, k), "被") == 0)
                        obj = idx[after];
            }
            if (obj < 0 && a->authority >= 0) {
                obj = a->authority;
                conf = 0.65;
            }
            size_t ng = group_left(a, idx, (size_t)before, grp, 64);
            for (size_t g = 0; g < ng; g++)
                if ((rc = emit_link(a, em, sk, grp[g], obj, cue, conf)))
                    return rc;
        } else if (active) {
            int obj = a->authority;
            if (after < 0 || a->m[idx[after]].ts > ce + 2)
                continue;
            /* the designating body stands right before the verb and is a public body */
            if (before >= 0 && i - a->m[idx[before]].ge <= 3) {
                const struct men *b = &a->m[a->m[idx[before]].canon];
                if (b->schema && strcmp(b->schema, "PublicBody") == 0)
                    obj = idx[before];
            }
            size_t ng = group_right(a, idx, (size_t)after, nidx, grp, 64);
            for (size_t g = 0; g < ng; g++)
                if ((rc = emit_link(a, em, sk, grp[g], obj, cue, obj == a->authority ? 0.6 : 0.7)))
                    return rc;
        } else {
            if (before >= 0 && after < 0 && strcmp(cue->a, "partnership") == 0) {
                /* "A与B签署 ...": the partners stand together before the cue */
                size_t ng = group_left(a, idx, (size_t)before, grp, 64);
                if (ng >= 2 && (rc = emit_link(a, em, sk, grp[1], grp[0], cue, 0.7)))
                    return rc;
                continue;
            }
            if (before < 0 || after < 0)
                continue;
            size_t gap = (i - a->m[idx[before]].ge) + (a->m[idx[after]].ts - ce);
            if (gap > MAX_GAP)
                continue;
            /* ownership is stated tightly: "owned by X", "X and its subsidiary Y" */
            if ((strcmp(cue->a, "owned_by") == 0 || strcmp(cue->a, "subsidiary_of") == 0) &&
                a->m[idx[after]].ts > ce + 3)
                continue;
            double conf = 0.9 - 0.015 * (double)gap;
            int rev = strcmp(dir, "vs") == 0;
            if (strcmp(dir, "buy") == 0) {
                /* "Y procured servers from X": X supplies Y; "X procured parts for Y": X supplies Y */
                for (size_t k = ce; k < a->m[idx[after]].ts; k++)
                    if (strcmp(N(a, k), "from") == 0)
                        rev = 1;
            }
            size_t ng = group_left(a, idx, (size_t)before, grp, 64);
            for (size_t g = 0; g < ng; g++) {
                int l = grp[g], r = idx[after];
                if ((rc = emit_link(a, em, sk, rev ? r : l, rev ? l : r, cue, conf)))
                    return rc;
            }
            prev_subj = rev ? idx[after] : grp[0];
            prev_obj = rev ? grp[0] : idx[after];
        }
        i = ce - 1;
    }
    return 0;
}

/* ---- links stated by layout ----
 *
 * Lists, tables and forms state links without a sentence: a page that announces a list
 * ("Covered List", "Cuba Restricted List") and then gives one organisation per line or per
 * table cell designates each of them; a heading "Subentities of X" makes the items under it
 * parts of X; a form of "Label: value" lines names a supplier ("Source of Supply:") and the
 * body it supplies ("Mandatory for:", "Contracting Activity:"). The stored text keeps one
 * block per line, so lines stand for list items and table cells. */

#define ITEM_MAX_TOKENS 16   /* a longer line is a paragraph, not a list item or a heading */

struct line {
    size_t ts, te;      /* tokens */
    size_t bs, be;      /* bytes, without the line break and trailing spaces */
};

enum { FIELD_NONE, FIELD_SUPPLIER, FIELD_FOR, FIELD_BUYER };

static int lines_of(const struct an *a, struct line **out, size_t *nout)
{
    struct line *l = NULL;
    size_t cap = 0, k = 0;
    for (size_t i = 0; i < a->nt; i++) {
        if (i > 0 && !sep_has(a, i, '\n') && !sep_has(a, i, '\f'))
            continue;
        if (k == cap) {
            cap = cap ? cap * 2 : 64;
            struct line *p = realloc(l, cap * sizeof(*p));
            if (!p) {
                free(l);
                return PROBITY_ENOMEM;
            }
            l = p;
        }
        if (k)
            l[k - 1].te = i;
        l[k++].ts = i;
    }
    if (k)
        l[k - 1].te = a->nt;
    for (size_t j = 0; j < k; j++) {
        size_t be = a->t[l[j].te - 1].e;
        while (be < a->len && a->text[be] != '\n' && a->text[be] != '\f')
            be++;
        while (be > a->t[l[j].te - 1].e && (a->text[be - 1] == ' ' || a->text[be - 1] == '\t' ||
                                             a->text[be - 1] == '\r'))
            be--;
        l[j].bs = a->t[l[j].ts].s;
        l[j].be = be;
    }
    *out = l;
    *nout = k;
    return 0;
}

static char last_char(const struct an *a, const struct line *l)
{
    return l->be > l->bs ? a->text[l->be - 1] : 0;
}

/* "Label: value": the first token of the value, 0 when the line is no field. */
static size_t field_value(const struct an *a, const struct line *l)
{
    for (size_t i = l->ts + 1; i < l->te && i <= l->ts + 8; i++) {
        if (a->t[i].cjk)
            return 0;
        if (sep_has(a, i, ':'))
            return a->t[l->ts].cap ? i : 0;
    }
    return 0;
}

/* What a field's label says of the party in its value. */
static int field_class(const struct an *a, size_t ts, size_t vs)
{
    static const char *const supplier[] = {"supplier", "suppliers", "vendor", "vendors", "contractor",
                                           "contractors", "awardee", "manufacturer", "grantee", NULL};
    static const char *const buyer[] = {"contracting", "ordering", "customer", "purchaser", "buyer",
                                        "procuring", NULL};
    int source = 0, supply = 0, cls = FIELD_NONE;
    for (size_t i = ts; i < vs; i++) {
        const char *w = N(a, i);
        for (size_t k = 0; supplier[k]; k++)
            if (strcmp(w, supplier[k]) == 0)
                return FIELD_SUPPLIER;
        source |= strcmp(w, "source") == 0 || strcmp(w, "sources") == 0;
        supply |= strcmp(w, "supply") == 0;
        for (size_t k = 0; buyer[k]; k++)
            if (strcmp(w, buyer[k]) == 0)
                cls = FIELD_BUYER;
    }
    if (source && supply)
        return FIELD_SUPPLIER;
    if (vs > ts + 1 && strcmp(N(a, vs - 1), "for") == 0)
        return FIELD_FOR;
    return cls;
}

/* The mention starting at token i (or one token later), -1 when none. */
static int mention_at(const struct an *a, size_t i, size_t lim)
{
    for (size_t k = i; k < lim && k <= i + 1; k++) {
        int m = a->t[k].mention - 1;
        if (m >= 0 && a->m[m].ts == k)
            return m;
        if (a->t[k].cap || a->t[k].cjk)
            break;   /* only an article or a number may stand before the name */
    }
    return -1;
}

/* In a short heading "Subentities of X", the token after "of"; 0 when there is none. */
static size_t parts_word(const struct an *a, const struct line *l)
{
    static const char *const parts[] = {"subentities", "subentity", "subsidiaries", "affiliates", "subunits",
                                        "subordinates", "entities", NULL};
    if (l->te - l->ts > 8)
        return 0;
    for (size_t i = l->ts; i + 2 < l->te; i++)
        for (size_t k = 0; parts[k]; k++)
            if (strcmp(N(a, i), parts[k]) == 0 && strcmp(N(a, i + 1), "of") == 0)
                return i + 2;
    return 0;
}

/* Does the line say that the list restricts or designates ("Covered List", "Date of
 * Inclusion", "Restricted Entities")? An equipment list or a mailing list does not. */
static int restrictive_line(const struct an *a, const struct line *l)
{
    static const char *const w[] = {"covered", "restricted", "restriction", "restrictions", "entity", "entities",
                                    "denied", "sanctions", "sanctioned", "designated", "designation", "inclusion",
                                    "prohibited", "debarred", "debarment", "excluded", "exclusion", "unverified",
                                    "blocked", "unreliable", "blacklist", "watchlist", "embargo", NULL};
    for (size_t i = l->ts; i < l->te; i++)
        for (size_t k = 0; w[k]; k++)
            if (strcmp(N(a, i), w[k]) == 0)
                return 1;
    return 0;
}

/* Before the mentions are ordered: the names of announced lists, and the parties of form
 * fields that no rule recognised ("Source of Supply: Alphapointe, Kansas City, MO"). */
static int find_layout_names(struct an *a)
{
    struct line *l = NULL;
    size_t nl = 0;
    int rc;
    if ((rc = lines_of(a, &l, &nl)))
        return rc;
    for (size_t j = 0; j < nl; j++) {
        size_t ts = l[j].ts, te = l[j].te, vs;
        if (te - ts <= 14 && last_char(a, &l[j]) != '.') {
            for (size_t k = ts + 1; k < te; k++) {
                if (a->t[k].cjk || !a->t[k].cap || strcmp(N(a, k), "list") || a->t[k].mention ||
                    !a->t[k - 1].cap || !sep_space(a, k))
                    continue;
                size_t s = k - 1;
                while (s > ts && k - s < 5 && a->t[s - 1].cap && !a->t[s - 1].mention && sep_space(a, s) &&
                       !is_date_word(N(a, s - 1)))
                    s--;
                while (s < k && is_pronoun(N(a, s)))
                    s++;
                if (s == k || !free_span(a, s, k + 1) || !restrictive_line(a, &l[j]))
                    continue;
                if ((rc = add_mention(a, s, k + 1, -1, "Organization", "rule", -1)))
                    goto out;
                a->m[a->nm - 1].kind = MK_LIST;
                break;
            }
        }
        /* "Additional Subentities of Beta Shipping Co" read as one name: the name is X */
        size_t px = parts_word(a, &l[j]);
        int pm = px ? a->t[px].mention - 1 : -1;
        if (pm >= 0 && a->m[pm].ts < px && a->m[pm].te == te && a->m[pm].canon == pm && a->m[pm].gz < 0) {
            const char *sc = span_head(a, px, te);
            a->m[pm].dropped = 1;
            for (size_t k = a->m[pm].ts; k < a->m[pm].te; k++)
                a->t[k].mention = 0;
            if ((rc = add_mention(a, px, te, -1, sc ? sc : "Organization", "rule", -1)))
                goto out;
        }
        if ((vs = field_value(a, &l[j])) && field_class(a, ts, vs) == FIELD_SUPPLIER && vs < te && a->t[vs].cap &&
            !a->t[vs].mention) {
            size_t e = vs + 1;
            while (e < te && e - vs < 10 && !sep_has(a, e, ',') && !sep_has(a, e, ';') && !a->t[e].mention)
                e++;
            if ((rc = add_mention(a, vs, e, -1, "Organization", "rule", -1)))
                goto out;
        }
    }
out:
    free(l);
    return rc;
}

/* Layout gives no sentence to check a name against: leave out a category heading that looks
 * like a name ("Holding Companies") and a short name that the document only defines later. */
static int trusted_item(const struct an *a, int m)
{
    const struct men *p = &a->m[m];
    const char *last = N(a, p->te - 1);
    size_t n = strlen(last);
    if (p->te - p->ts <= 2 && p->gz < 0 && head_en(a, p->te - 1) && n > 3 && last[n - 1] == 's')
        return 0;
    if (strcmp(p->how, "alias") == 0 && a->m[p->canon].ts > p->ts)
        return 0;
    return 1;
}

/* A line that can be a list item or a heading: short, and no sentence (a full stop ends a
 * sentence, unless it ends an abbreviation: "Inc.", "S.A."). */
static int short_line(const struct an *a, const struct line *l)
{
    char c = last_char(a, l);
    return l->te > l->ts && l->te - l->ts <= ITEM_MAX_TOKENS && c != ':' && c != ',' && c != ';' &&
           !(c == '.' && !is_legal(a, l->te - 1) && !(strlen(N(a, l->te - 1)) <= 2 && sep_is(a, l->te - 1, ".")));
}

/* A list item: the line is an organisation's name, maybe after its acronym and a dash,
 * maybe followed by a short remark ("(Real Estate)", "Effective July 14, 2025"); a line
 * next to it is short too (one name alone between paragraphs is a caption, not a list). */
static int item_mention(const struct an *a, const struct line *l, size_t j, size_t nl)
{
    int m;
    if (!short_line(a, &l[j]) || !((j > 0 && short_line(a, &l[j - 1])) || (j + 1 < nl && short_line(a, &l[j + 1]))))
        return -1;
    l = &l[j];
    m = a->t[l->ts].mention - 1;
    if (m < 0 || a->m[m].ts != l->ts || !trusted_item(a, m))
        return -1;
    if (l->te - a->m[m].ge > 4 && !sep_has(a, a->m[m].ge, '(') && !sep_is(a, a->m[m].ge, " \xE2\x80\x94 ") &&
        !sep_is(a, a->m[m].ge, " \xE2\x80\x93 "))
        return -1;
    return m;
}

/* "equipment produced by X", "services provided by X": the party a table cell is about. */
static int cell_party(const struct an *a, const struct line *l)
{
    static const char *const verbs[] = {"produced", "provided", "supplied", "manufactured", "operated", "offered",
                                        "sold", "made", "developed", NULL};
    for (size_t i = l->ts + 1; i + 1 < l->te; i++) {
        if (strcmp(N(a, i), "by"))
            continue;
        for (size_t k = i; k-- > l->ts && k + 4 >= i;)
            for (size_t v = 0; verbs[v]; v++)
                if (strcmp(N(a, k), verbs[v]) == 0) {
                    int m = a->t[i + 1].mention - 1;
                    return m >= 0 && a->m[m].ts == i + 1 ? m : -1;
                }
    }
    return -1;
}

/* A heading "Additional Subentities of X": the mention of X, -1 when the line is none, -2
 * when X is not a name that can be trusted (the items under it are then left alone). */
static int parts_heading(const struct an *a, const struct line *l)
{
    size_t x = parts_word(a, l);
    int m;
    if (!x)
        return -1;
    m = a->t[x].mention - 1;
    if (m >= 0 && a->m[m].ts == x && a->m[m].te == l->te && a->m[m].kind != MK_LIST && trusted_item(a, m))
        return m;
    return -2;
}

static int form_links(struct an *a, struct emit *em, const struct line *l, size_t nl)
{
    int rc;
    for (size_t j = 0; j < nl; j++) {
        size_t vs = field_value(a, &l[j]), fv;
        int subj, obj_for = -1, obj_buy = -1, cls;
        if (!vs || field_class(a, l[j].ts, vs) != FIELD_SUPPLIER || (subj = mention_at(a, vs, l[j].te)) < 0)
            continue;
        /* the record: field lines around this one, up to the next supplier */
        for (size_t k = j; k-- > 0 && k + 4 >= j;) {
            if (!(fv = field_value(a, &l[k])) || (cls = field_class(a, l[k].ts, fv)) == FIELD_SUPPLIER)
                break;
            if (cls == FIELD_FOR && obj_for < 0)
                obj_for = mention_at(a, fv, l[k].te);
            else if (cls == FIELD_BUYER && obj_buy < 0)
                obj_buy = mention_at(a, fv, l[k].te);
        }
        for (size_t k = j + 1; k < nl && k <= j + 3; k++) {
            if (!(fv = field_value(a, &l[k])) || (cls = field_class(a, l[k].ts, fv)) == FIELD_SUPPLIER)
                break;
            if (cls == FIELD_FOR && obj_for < 0)
                obj_for = mention_at(a, fv, l[k].te);
            else if (cls == FIELD_BUYER && obj_buy < 0)
                obj_buy = mention_at(a, fv, l[k].te);
        }
        int obj = obj_for >= 0 ? obj_for : obj_buy;
        if (obj < 0)
            continue;
        struct pat cue;
        memset(&cue, 0, sizeof(cue));
        for (size_t k = l[j].ts; k < vs && cue.n < MAX_PAT; k++)
            cue.tok[cue.n++] = (char *)N(a, k);
        cue.a = "supplies";
        em->nseen = 0;
        if ((rc = emit_link_at(a, em, a->ns + j, subj, obj, &cue, 0.7, l[j].bs, l[j].be)))
            return rc;
    }
    return 0;
}

static int list_links(struct an *a, struct emit *em, const struct line *l, size_t nl)
{
    static struct pat listed = {{"listed"}, 1, "designated_by", "layout"};
    static struct pat part = {{"subentity", "of"}, 2, "subsidiary_of", "layout"};
    int list = -1, parent = -1, rc;
    size_t j = 0;
    for (size_t k = 0; k < a->nm && list < 0; k++)
        if (a->m[k].kind == MK_LIST)
            list = (int)k;
    if (list < 0)
        return 0;
    while (j < nl && l[j].te <= a->m[list].ts)
        j++;
    for (j++; j < nl; j++) {
        int m, h, has_list = 0;
        for (size_t i = l[j].ts; i < l[j].te; i++)
            has_list |= a->t[i].mention && a->m[a->t[i].mention - 1].kind == MK_LIST;
        if (has_list || field_value(a, &l[j])) {
            parent = -1;
            continue;
        }
        if ((h = parts_heading(a, &l[j])) != -1) {
            parent = h;
            continue;
        }
        em->nseen = 0;
        if (parent == -2)
            continue;
        if ((m = cell_party(a, &l[j])) >= 0) {
            if ((rc = emit_link_at(a, em, a->ns + j, m, list, &listed, 0.6, l[j].bs, l[j].be)))
                return rc;
        } else if ((m = item_mention(a, l, j, nl)) >= 0) {
            if ((rc = emit_link_at(a, em, a->ns + j, m, parent >= 0 ? parent : list, parent >= 0 ? &part : &listed,
                                   0.6, l[j].bs, l[j].be)))
                return rc;
        }
        if (l[j].te - l[j].ts > ITEM_MAX_TOKENS) {
            parent = -1;   /* a paragraph ends the section */
        }
    }
    return 0;
}

/* Is the word the head of a unit (0), of a body that has units (1), or neither (-1)? */
static int body_rank(const char *w)
{
    static const char *const unit[] = {"office", "bureau", "division", "directorate", "branch", "section", "unit",
                                       NULL};
    static const char *const body[] = {"agency", "department", "ministry", "commission", "administration",
                                       "authority", NULL};
    for (size_t k = 0; unit[k]; k++)
        if (strcmp(w, unit[k]) == 0)
            return 0;
    for (size_t k = 0; body[k]; k++)
        if (strcmp(w, body[k]) == 0)
            return 1;
    return -1;
}

/* The mention that is the whole line, -1 when none. */
static int whole_line(const struct an *a, const struct line *l)
{
    int m = a->t[l->ts].mention - 1;
    return m >= 0 && a->m[m].ts == l->ts && a->m[m].te == l->te ? m : -1;
}

/* A letterhead: a body on one line and one of its units alone on the next ("Defense
 * Advanced Research Projects Agency" over "Information Innovation Office"). */
static int letterhead_links(struct an *a, struct emit *em, const struct line *l, size_t nl)
{
    static struct pat under = {{"letterhead"}, 1, "subsidiary_of", "layout"};
    int rc;
    for (size_t j = 1; j < nl; j++) {
        int top = whole_line(a, &l[j - 1]), sub = whole_line(a, &l[j]);
        if (top < 0 || sub < 0 || !a->m[top].schema || !a->m[sub].schema ||
            strcmp(a->m[top].schema, "PublicBody") || strcmp(a->m[sub].schema, "PublicBody"))
            continue;
        const struct men *t = &a->m[top], *u = &a->m[sub];
        int top_rank = body_rank(N(a, t->te - 1)) == 1 || body_rank(N(a, t->ts)) == 1;
        int sub_rank = body_rank(N(a, u->te - 1)) == 0 || body_rank(N(a, u->ts)) == 0;
        if (!top_rank || !sub_rank)
            continue;
        em->nseen = 0;
        if ((rc = emit_link_at(a, em, a->ns + j, sub, top, &under, 0.6, l[j].bs, l[j].be)))
            return rc;
    }
    return 0;
}

/* Does the line announce, before a colon, names put on a list ("决定将下列实体列入不可靠实体
 * 清单："): 列入 or 纳入, then 清单 or 名单? */
static int zh_list_announce(const struct an *a, const struct line *l)
{
    int put = 0, list = 0;
    if (!(l->be - l->bs >= 3 && memcmp(a->text + l->be - 3, "\xEF\xBC\x9A", 3) == 0) && last_char(a, l) != ':')
        return 0;
    for (size_t i = l->ts; i + 1 < l->te; i++) {
        const char *w = N(a, i), *x = N(a, i + 1);
        put |= (strcmp(w, "列") == 0 || strcmp(w, "纳") == 0) && strcmp(x, "入") == 0;
        list |= put && (strcmp(w, "清") == 0 || strcmp(w, "名") == 0) && strcmp(x, "单") == 0;
    }
    return list;
}

/* A numbered Chinese item ("1. 甲公司", "一、甲公司", "（二）甲公司"): the mention that
 * the line is, after its number; -1 when none. */
static int zh_item(const struct an *a, const struct line *l)
{
    static const char *const num = "一二三四五六七八九十";
    size_t i = l->ts;
    int m;
    while (i < l->te && i < l->ts + 2 && !a->t[i].mention &&
           (a->t[i].digit || (a->t[i].cjk && strstr(num, N(a, i)) && strlen(N(a, i)) == 3)))
        i++;
    if (i >= l->te || (m = a->t[i].mention - 1) < 0 || a->m[m].ts != i || !a->t[i].cjk)
        return -1;
    /* the name, maybe its name in another script in parentheses, and a closing mark */
    if (l->te - a->m[m].ge > 6 && !sep_has(a, a->m[m].ge, '(') && !sep_is(a, a->m[m].ge, "\xEF\xBC\x88"))
        return -1;
    return m;
}

/* The names listed one per line under a Chinese announcement designate them; the body that
 * designates is the document's issuing body. */
static int zh_list_links(struct an *a, struct emit *em, const struct line *l, size_t nl)
{
    static struct pat put = {{"列", "入"}, 2, "designated_by", "layout"};
    int rc;
    if (a->authority < 0)
        return 0;
    for (size_t j = 0; j < nl; j++) {
        if (!zh_list_announce(a, &l[j]))
            continue;
        for (size_t k = j + 1; k < nl; k++) {
            int m = zh_item(a, &l[k]);
            if (m < 0)
                break;
            em->nseen = 0;
            if ((rc = emit_link_at(a, em, a->ns + k, m, a->authority, &put, 0.6, l[k].bs, l[k].be)))
                return rc;
        }
    }
    return 0;
}

static int layout_links(struct an *a, struct emit *em)
{
    struct line *l = NULL;
    size_t nl = 0;
    int rc;
    if (!em->on_link)
        return 0;
    if ((rc = lines_of(a, &l, &nl)) == 0 && (rc = form_links(a, em, l, nl)) == 0 &&
        (rc = letterhead_links(a, em, l, nl)) == 0 && (rc = zh_list_links(a, em, l, nl)) == 0)
        rc = list_links(a, em, l, nl);
    free(l);
    return rc;
}

/* The document's issuing body: the public body named most often (earliest on ties). */
static int pick_authority(struct an *a)
{
    struct pb_map count = PB_MAP_INIT;
    long best = 0;
    a->authority = -1;
    for (size_t k = 0; k < a->nm; k++) {
        const struct men *m = &a->m[a->m[k].canon];
        void **ref;
        long n;
        if (!m->schema || strcmp(m->schema, "PublicBody"))
            continue;
        if ((ref = pb_map_ref(&count, m->name)))
            n = (long)(intptr_t)*ref + 1, *ref = (void *)(intptr_t)n;
        else if (pb_map_put(&count, m->name, (void *)(intptr_t)1))
            return PROBITY_ENOMEM;
        else
            n = 1;
        if (n > best) {
            best = n;
            a->authority = a->m[k].canon;
        }
    }
    pb_map_release(&count, NULL);
    return 0;
}

int probity_analyse(const struct probity_gazetteer *g, const char *text, size_t len, probity_mention_cb on_mention,
                    probity_found_link_cb on_link, void *ctx)
{
    struct an a;
    struct emit em;
    struct pb_segmenter *sg = NULL;
    struct sctx sc;
    int *idx = NULL;
    int rc;
    memset(&a, 0, sizeof(a));
    memset(&em, 0, sizeof(em));
    pthread_once(&lex_once, lex_init);
    if (!lex.ok)
        return PROBITY_ENOMEM;
    a.g = g;
    a.text = text;
    a.len = len;
    a.authority = -1;
    if ((rc = pb_segmenter_new(&sg)) || (rc = pb_segment(sg, text, len, 0, on_tok, &a)))
        goto out;
    sc.a = &a;
    sc.ti = 0;
    if ((rc = pb_sentences(text, len, on_sentence, &sc)))
        goto out;
    for (size_t k = 0; k < a.ns; k++) {
        size_t s0 = a.sent[2 * k], s1 = a.sent[2 * k + 1];
        if ((rc = find_listed(&a, s0, s1)) || (rc = find_rules_en(&a, s0, s1)) || (rc = find_rules_zh(&a, s0, s1)) ||
            (rc = find_cue_subjects(&a, s0, s1)))
            goto out;
    }
    if ((rc = collect_aliases(&a, a.nm)))
        goto out;
    adopt_aliases(&a);
    if ((rc = find_aliases(&a)) || (rc = find_layout_names(&a)))
        goto out;
    /* order by position; canon indexes follow the move */
    {
        int *where = malloc(a.nm * sizeof(*where) + 1);
        if (!where) {
            rc = PROBITY_ENOMEM;
            goto out;
        }
        size_t kept = 0;
        for (size_t k = 0; k < a.nm; k++) {
            if (a.m[k].dropped) {
                free(a.m[k].name);
                a.m[k].name = NULL;
            }
            a.m[k].dropped = a.m[k].dropped ? -1 : (int)k;   /* remember the old index */
        }
        for (size_t k = 0; k < a.nt; k++)
            a.t[k].mention = 0;
        for (size_t k = 0; k < a.nm; k++) {
            where[k] = -1;
            if (a.m[k].dropped >= 0)
                a.m[kept++] = a.m[k];
        }
        a.nm = kept;
        if (a.nm)
            qsort(a.m, a.nm, sizeof(*a.m), men_cmp);
        for (size_t k = 0; k < a.nm; k++)
            where[a.m[k].dropped] = (int)k;
        for (size_t k = 0; k < a.nm; k++) {
            a.m[k].canon = where[a.m[k].canon] >= 0 ? where[a.m[k].canon] : (int)k;
            a.m[k].dropped = 0;
            for (size_t t = a.m[k].ts; t < a.m[k].te; t++)
                a.t[t].mention = (int)k + 1;
        }
        for (size_t k = 0; k < a.nal; k++)
            a.al[k].men = where[a.al[k].men];
        free(where);
    }
    if ((rc = pick_authority(&a)))
        goto out;
    em.on_mention = on_mention;
    em.on_link = on_link;
    em.ctx = ctx;
    em.pm = calloc(a.nm + 1, sizeof(*em.pm));
    idx = malloc((a.nm + 1) * sizeof(*idx));
    if (!em.pm || !idx) {
        rc = PROBITY_ENOMEM;
        goto out;
    }
    for (size_t k = 0; k < a.nm; k++) {
        const struct men *m = &a.m[k], *c = &a.m[m->canon];
        struct probity_mention *p = &em.pm[k];
        p->start = a.t[m->ts].s;
        p->end = a.t[m->te - 1].e;
        p->name = c->name;   /* as the document writes it; the list's caption is separate */
        p->entity = c->gz >= 0 && g ? g->ents[c->gz].id : NULL;
        p->caption = c->gz >= 0 && g ? g->ents[c->gz].caption : NULL;
        p->schema = c->schema ? c->schema : "Organization";
        p->how = m->how;
        if (on_mention && (rc = on_mention(ctx, p)))
            goto out;
    }
    for (size_t k = 0, j0 = 0; k < a.ns; k++) {
        size_t n = 0, s0 = a.sent[2 * k], s1 = a.sent[2 * k + 1];
        while (j0 < a.nm && a.m[j0].ts < s0)
            j0++;
        for (size_t j = j0; j < a.nm && a.m[j].ts < s1; j++)
            if (a.m[j].te <= s1)
                idx[n++] = (int)j;
        em.nseen = 0;
        if ((n >= 1) && (rc = links_in_sentence(&a, &em, k, idx, n)))
            goto out;
    }
    if ((rc = layout_links(&a, &em)))
        goto out;
out:
    for (size_t k = 0; k < a.nm; k++)
        free(a.m[k].name);
    free(a.m);
    free(a.al);
    free(a.t);
    free(a.sent);
    free(a.sentb);
    free(em.pm);
    free(idx);
    pb_buf_release(&a.norms);
    if (sg)
        pb_segmenter_free(sg);
    return rc;
}
