/* The name lexicons of data/lexicons/ (compiled into the binary), parsed once into static
 * hash tables: phrases of legal forms, organisation types, generic words, honorifics,
 * spelling variants and stop-words, each key normalised exactly as names are, so that a
 * name's tokens can be looked up directly; plus the Arabic name words and the Korean family
 * names used by the romanisers. The tables are built under pthread_once and only read after. */
#include <stdlib.h>
#include <string.h>
#include <unicode/uscript.h>
#include "core/core.h"
#include "core/lexicon.h"
#include "text/names_int.h"

#define TKIND_SET 0x80   /* internal: tkind was set by a canonical token */

struct lslot {
    const char *key;
    uint32_t klen, h;
    struct pb__lexent e;
};

struct ltab {
    struct lslot *s;
    size_t cap, n;
};

static struct ltab phrases, arabic, korean;
static int han_maxlen;

/* Strings live in chunks that are never freed: the tables last as long as the process. */
struct chunk {
    struct chunk *next;
    size_t used, cap;
    char data[];
};
static struct chunk *chunks;

static const char *keep(const char *s, size_t n)
{
    char *p;
    if (!chunks || chunks->cap - chunks->used < n + 1) {
        size_t cap = n + 1 > 65536 ? n + 1 : 65536;
        struct chunk *c = malloc(sizeof(*c) + cap);
        if (!c)
            return NULL;
        c->next = chunks;
        c->used = 0;
        c->cap = cap;
        chunks = c;
    }
    p = chunks->data + chunks->used;
    memcpy(p, s, n);
    p[n] = 0;
    chunks->used += n + 1;
    return p;
}

static uint32_t hash32(const char *s, size_t n)
{
    uint64_t h = pb_hash64(s, n);
    return (uint32_t)(h ^ (h >> 32));
}

static struct lslot *tab_find(const struct ltab *t, const char *s, size_t n, uint32_t h)
{
    size_t mask = t->cap - 1, i = h & mask;
    for (;;) {
        struct lslot *x = &t->s[i];
        if (!x->key || (x->h == h && x->klen == n && memcmp(x->key, s, n) == 0))
            return x;
        i = (i + 1) & mask;
    }
}

static int tab_grow(struct ltab *t)
{
    struct ltab nt;
    nt.cap = t->cap ? t->cap * 2 : 1024;
    nt.n = 0;
    if (!(nt.s = calloc(nt.cap, sizeof(*nt.s))))
        return PROBITY_ENOMEM;
    for (size_t i = 0; i < t->cap; i++)
        if (t->s[i].key) {
            *tab_find(&nt, t->s[i].key, t->s[i].klen, t->s[i].h) = t->s[i];
            nt.n++;
        }
    free(t->s);
    *t = nt;
    return 0;
}

/* The slot for key s[n], created (zeroed entry) when absent; NULL when out of memory. */
static struct lslot *tab_ref(struct ltab *t, const char *s, size_t n)
{
    uint32_t h = hash32(s, n);
    struct lslot *x;
    if ((t->n + 1) * 4 >= t->cap * 3 && tab_grow(t))
        return NULL;
    x = tab_find(t, s, n, h);
    if (!x->key) {
        if (!(x->key = keep(s, n)))
            return NULL;
        x->klen = (uint32_t)n;
        x->h = h;
        t->n++;
    }
    return x;
}

static const struct lslot *tab_get(const struct ltab *t, const char *s, size_t n)
{
    const struct lslot *x;
    if (!t->cap)
        return NULL;
    x = tab_find(t, s, n, hash32(s, n));
    return x->key ? x : NULL;
}

const struct pb__lexent *pb__lex_get(const char *s, size_t n)
{
    const struct lslot *x = tab_get(&phrases, s, n);
    return x ? &x->e : NULL;
}

int pb__lex_han_maxlen(void)
{
    return han_maxlen;
}

const char *pb__lex_arabic(const char *s, size_t n)
{
    const struct lslot *x = tab_get(&arabic, s, n);
    return x ? x->e.canon : NULL;
}

const char *pb__lex_korean_surname(const char *s, size_t n)
{
    const struct lslot *x = tab_get(&korean, s, n);
    return x ? x->e.canon : NULL;
}

/* Normalise a lexicon text as names are normalised: tokens joined by single spaces (the
 * Arabic ones folded further). The result is in c->tmp; *ntok and *usc (script of a single
 * token) are set. */
static int normalise(struct pb__tctx *c, const char *s, size_t n, size_t *ntok, int *usc, int *letters)
{
    int rc;
    struct pb_buf key = PB_BUF_INIT;
    pb_buf_reset(&c->txt);
    c->ntoks = 0;
    if ((rc = pb__tokenize(c, s, n, NULL)))
        return rc;
    *letters = c->ntoks > 0;
    for (size_t i = 0; i < c->ntoks; i++) {
        const struct pb__tok *t = &c->toks[i];
        if (i && (rc = pb_buf_addc(&key, ' ')))
            goto out;
        if ((rc = pb__orig_fold(t->usc, c->txt.s + t->off, t->len, &key)))
            goto out;
        if (t->len != 1)
            *letters = 0;
    }
    *ntok = c->ntoks;
    *usc = c->ntoks ? c->toks[0].usc : USCRIPT_COMMON;
    pb_buf_reset(&c->tmp);
    rc = pb_buf_add(&c->tmp, pb_buf_str(&key), key.len);
out:
    pb_buf_release(&key);
    return rc;
}

static size_t count_cps(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

static void set_tkind(struct lslot *x, int kind, int canonical)
{
    if (canonical) {
        if (!(x->e.flags & TKIND_SET)) {
            x->e.tkind = (uint8_t)kind;
            x->e.flags |= TKIND_SET;
        }
    } else if (!(x->e.flags & TKIND_SET) && !x->e.tkind) {
        x->e.tkind = (uint8_t)kind;
    }
}

/* Split one line into up to 4 tab-separated fields (trimmed); returns the count. */
static int fields(const char *line, size_t n, const char *f[4], size_t fl[4])
{
    int k = 0;
    size_t i = 0;
    while (i <= n && k < 4) {
        size_t j = i;
        while (j < n && line[j] != '\t')
            j++;
        {
            size_t a = i, b = j;
            while (a < b && (line[a] == ' ' || line[a] == '\r'))
                a++;
            while (b > a && (line[b - 1] == ' ' || line[b - 1] == '\r'))
                b--;
            f[k] = line + a;
            fl[k] = b - a;
            k++;
        }
        i = j + 1;
    }
    return k;
}

/* Load one phrase lexicon. pass 0 records canonical tokens (their kinds win), pass 1 the
 * variants. */
static int load_phrases(struct pb__tctx *c, const char *name, int kind, int pass)
{
    size_t len;
    const char *p = pb_lexicon(name, &len), *end;
    int rc = 0;
    if (!p)
        return 0;
    end = p + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        const char *f[4];
        size_t fl[4], ntok = 0;
        int nf, usc, letters;
        char canon[256];
        const char *line = p;
        p = nl ? nl + 1 : end;
        if (!n || line[0] == '#')
            continue;
        nf = fields(line, n, f, fl);
        if (!fl[0])
            continue;
        canon[0] = 0;
        if (nf >= 2 && fl[1]) {
            /* canonical tokens are plain ASCII words; normalise anyway */
            if ((rc = normalise(c, f[1], fl[1], &ntok, &usc, &letters)))
                return rc;
            snprintf(canon, sizeof(canon), "%s", pb_buf_str(&c->tmp));
        }
        if (pass == 0) {
            const char *w = canon;
            if (kind == PB_TOK_STOP) {
                if ((rc = normalise(c, f[0], fl[0], &ntok, &usc, &letters)))
                    return rc;
                snprintf(canon, sizeof(canon), "%s", pb_buf_str(&c->tmp));
            }
            /* each word of the canonical text is a token of this kind */
            while (*w) {
                const char *sp = strchr(w, ' ');
                size_t wl = sp ? (size_t)(sp - w) : strlen(w);
                struct lslot *x = tab_ref(&phrases, w, wl);
                if (!x)
                    return PROBITY_ENOMEM;
                set_tkind(x, kind, 1);
                if (x->e.maxlen < 1)
                    x->e.maxlen = 1;
                w += wl;
                while (*w == ' ')
                    w++;
            }
            continue;
        }
        if (kind == PB_TOK_STOP)
            continue;
        if ((rc = normalise(c, f[0], fl[0], &ntok, &usc, &letters)))
            return rc;
        if (!ntok || ntok > 8 || !canon[0])
            continue;
        {
            char key[512];
            size_t kl = c->tmp.len < sizeof(key) - 1 ? c->tmp.len : sizeof(key) - 1;
            struct lslot *x;
            memcpy(key, pb_buf_str(&c->tmp), kl);
            key[kl] = 0;
            if (!(x = tab_ref(&phrases, key, kl)))
                return PROBITY_ENOMEM;
            if (!(x->e.flags & PB__LEX_REPLACE)) {
                if (!(x->e.canon = keep(canon, strlen(canon))))
                    return PROBITY_ENOMEM;
                x->e.kind = (uint8_t)kind;
                x->e.ntok = (uint8_t)ntok;
                x->e.flags |= PB__LEX_REPLACE;
                if (letters && ntok > 1)
                    x->e.flags |= PB__LEX_LETTERS;
                if (nf >= 3 && fl[2] == 4 && memcmp(f[2], "post", 4) == 0)
                    x->e.flags |= PB__LEX_POST;
                if (ntok == 1 && usc == USCRIPT_HAN) {
                    int hl = (int)count_cps(key, kl);
                    x->e.flags |= PB__LEX_HAN;
                    x->e.hanlen = (uint8_t)(hl > 255 ? 255 : hl);
                    if (hl > han_maxlen)
                        han_maxlen = hl;
                }
            }
            if (ntok == 1)
                set_tkind(x, kind, 0);
            if (x->e.maxlen < ntok)
                x->e.maxlen = (uint8_t)ntok;
            if (ntok > 1) {
                /* the first token remembers how long a phrase may start with it */
                const char *sp = memchr(key, ' ', kl);
                struct lslot *y = tab_ref(&phrases, key, (size_t)(sp - key));
                if (!y)
                    return PROBITY_ENOMEM;
                if (y->e.maxlen < ntok)
                    y->e.maxlen = (uint8_t)ntok;
            }
        }
    }
    return 0;
}

/* key TAB value [TAB value ...]: values joined by spaces. */
static int load_pairs(struct pb__tctx *c, const char *name, struct ltab *t)
{
    size_t len;
    const char *p = pb_lexicon(name, &len), *end;
    int rc;
    if (!p)
        return 0;
    end = p + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p), ntok;
        const char *line = p, *f[4];
        size_t fl[4];
        int nf, usc, letters;
        char key[256], val[256];
        size_t vl = 0;
        struct lslot *x;
        p = nl ? nl + 1 : end;
        if (!n || line[0] == '#')
            continue;
        nf = fields(line, n, f, fl);
        if (nf < 2 || !fl[0] || !fl[1])
            continue;
        if ((rc = normalise(c, f[0], fl[0], &ntok, &usc, &letters)))
            return rc;
        snprintf(key, sizeof(key), "%s", pb_buf_str(&c->tmp));
        val[0] = 0;
        for (int i = 1; i < nf; i++) {
            if (!fl[i] || vl + fl[i] + 2 >= sizeof(val))
                continue;
            if (vl)
                val[vl++] = ' ';
            memcpy(val + vl, f[i], fl[i]);
            vl += fl[i];
            val[vl] = 0;
        }
        if (!key[0] || !vl)
            continue;
        if (!(x = tab_ref(t, key, strlen(key))))
            return PROBITY_ENOMEM;
        if (!x->e.canon && !(x->e.canon = keep(val, vl)))
            return PROBITY_ENOMEM;
    }
    return 0;
}

int pb__lex_load(void)
{
    static const struct {
        const char *file;
        int kind;
    } files[] = {
        {"legal_forms.tsv", PB_TOK_LEGAL},     {"org_types.tsv", PB_TOK_ORGTYPE},
        {"generic.tsv", PB_TOK_GENERIC},       {"honorifics.tsv", PB_TOK_HONORIFIC},
        {"name_variants.tsv", PB_TOK_WORD},    {"stopwords.tsv", PB_TOK_STOP},
    };
    struct pb__tctx *c = pb__tctx_get();
    int rc = 0;
    if (!c)
        return PROBITY_ENOMEM;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
            if ((rc = load_phrases(c, files[i].file, files[i].kind, pass)))
                goto out;
    if ((rc = load_pairs(c, "arabic_names.tsv", &arabic)))
        goto out;
    rc = load_pairs(c, "korean_surnames.tsv", &korean);
out:
    pb_buf_reset(&c->txt);
    pb_buf_reset(&c->tmp);
    c->ntoks = 0;
    return rc;
}
