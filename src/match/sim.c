/* Token similarity for the screening engine, always on Unicode code points: an edit
 * distance with transpositions (optimal string alignment), the rules for numbers and
 * initials, and token weights. Also the small containers the index is made of (growable
 * arrays, interned string tables) so that the index holds no per-name allocations. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/core.h"
#include "match/match_int.h"

/* ---- growable arrays ---- */

int pb__u32v_grow(struct pb_u32v *a, uint32_t x)
{
    size_t cap = a->cap ? a->cap * 2 : 64;
    uint32_t *v = realloc(a->v, cap * sizeof(*v));
    if (!v)
        return PROBITY_ENOMEM;
    a->v = v;
    a->cap = cap;
    a->v[a->n++] = x;
    return 0;
}

void pb__u32v_release(struct pb_u32v *a)
{
    free(a->v);
    memset(a, 0, sizeof(*a));
}

/* ---- interned strings ---- */

static uint32_t str_hash(const char *s, size_t n)
{
    uint64_t h = pb_hash64(s, n);
    return (uint32_t)(h ^ (h >> 32));
}

static int strtab_rehash(struct pb_strtab *t, size_t nslots)
{
    uint32_t *slots = calloc(nslots, sizeof(*slots)), *hash = malloc(nslots * sizeof(*hash));
    if (!slots || !hash) {
        free(slots);
        free(hash);
        return PROBITY_ENOMEM;
    }
    for (size_t id = 0; id < t->n; id++) {
        const char *s = t->arena + t->off[id];
        uint32_t h = str_hash(s, strlen(s));
        size_t i = h & (nslots - 1);
        while (slots[i])
            i = (i + 1) & (nslots - 1);
        slots[i] = (uint32_t)id + 1;
        hash[i] = h;
    }
    free(t->slots);
    free(t->hash);
    t->slots = slots;
    t->hash = hash;
    t->nslots = nslots;
    return 0;
}

uint32_t pb__strtab_find(const struct pb_strtab *t, const char *s, size_t n)
{
    size_t i;
    uint32_t h;
    if (!t->nslots)
        return UINT32_MAX;
    h = str_hash(s, n);
    i = h & (t->nslots - 1);
    /* the stored hash first: a miss rarely reads a string */
    while (t->slots[i]) {
        if (t->hash[i] == h) {
            uint32_t id = t->slots[i] - 1;
            const char *k = t->arena + t->off[id];
            if (strncmp(k, s, n) == 0 && k[n] == 0)
                return id;
        }
        i = (i + 1) & (t->nslots - 1);
    }
    return UINT32_MAX;
}

int pb__strtab_intern(struct pb_strtab *t, const char *s, size_t n, uint32_t *id, int *added)
{
    uint32_t found = pb__strtab_find(t, s, n), h;
    size_t i;
    if (added)
        *added = 0;
    if (found != UINT32_MAX) {
        *id = found;
        return 0;
    }
    if ((t->n + 1) * 2 > t->nslots && strtab_rehash(t, t->nslots ? t->nslots * 2 : 1024))
        return PROBITY_ENOMEM;
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 4096;
        char *a;
        while (t->len + n + 1 > cap)
            cap *= 2;
        if (!(a = realloc(t->arena, cap)))
            return PROBITY_ENOMEM;
        t->arena = a;
        t->cap = cap;
    }
    if (t->n == t->ncap) {
        size_t cap = t->ncap ? t->ncap * 2 : 256;
        uint32_t *o = realloc(t->off, cap * sizeof(*o));
        if (!o)
            return PROBITY_ENOMEM;
        t->off = o;
        t->ncap = cap;
    }
    memcpy(t->arena + t->len, s, n);
    t->arena[t->len + n] = 0;
    t->off[t->n] = (uint32_t)t->len;
    t->len += n + 1;
    h = str_hash(s, n);
    i = h & (t->nslots - 1);
    while (t->slots[i])
        i = (i + 1) & (t->nslots - 1);
    t->slots[i] = (uint32_t)t->n + 1;
    t->hash[i] = h;
    *id = (uint32_t)t->n++;
    if (added)
        *added = 1;
    return 0;
}

void pb__strtab_release(struct pb_strtab *t)
{
    free(t->arena);
    free(t->off);
    free(t->slots);
    free(t->hash);
    memset(t, 0, sizeof(*t));
}

char *pb__copy(char *dst, size_t size, const char *src)
{
    size_t n;
    if (!size)
        return dst;
    n = strlen(src);
    if (n >= size) {
        n = size - 1;
        while (n && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(dst, src, n);
    dst[n] = 0;
    return dst;
}

int pb__abjad_form(int script, int orig)
{
    return !orig && (script == PB_SCRIPT_ARABIC || script == PB_SCRIPT_HEBREW);
}

int pb__syllabic_form(int script, int orig)
{
    /* in the script or romanised, a Han or Hangul character is a syllable: one more or
     * less is another name. Not kana: katakana spells foreign names with added vowels
     * (baraku for Barack) */
    (void)orig;
    return script == PB_SCRIPT_HAN || script == PB_SCRIPT_HANGUL;
}

/* A Hangul name that spells a foreign name: a syllable that only breaks up a cluster of
 * consonants (a consonant with the vowel eu and no final: 르, 드, 스, 트), which Korean
 * names do not have, or a word longer than a Korean name's four syllables. */
static int hangul_foreign(const char *name)
{
    uint32_t cps[256];
    size_t n = pb__utf8_cps(name, strlen(name), cps, 256), run = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = cps[i];
        if (c < 0xAC00 || c > 0xD7A3) {
            run = 0;
            continue;
        }
        c -= 0xAC00;
        if (++run > 4 || ((c % 588) / 28 == 18 && c % 28 == 0 && c / 588 != 11))
            return 1;
    }
    return 0;
}

int pb__script_of(int script, const char *name)
{
    /* a foreign name in Hangul is spelt by sound, not by syllables that each mean something:
     * it is compared like any romanised word */
    if (script == PB_SCRIPT_HANGUL && hangul_foreign(name))
        return PB_SCRIPT_OTHER;
    /* a foreign name spelt in Han characters (弗拉基米尔·普京) is spelt by sound too */
    if (script == PB_SCRIPT_HAN && pb_name_dotted(name))
        return PB_SCRIPT_OTHER;
    /* a Japanese name with kanji: the kanji are romanised as Han syllables */
    if (script == PB_SCRIPT_KANA) {
        uint32_t cps[256];
        size_t n = pb__utf8_cps(name, strlen(name), cps, 256);
        for (size_t i = 0; i < n; i++)
            if ((cps[i] >= 0x4E00 && cps[i] <= 0x9FFF) || (cps[i] >= 0x3400 && cps[i] <= 0x4DBF))
                return PB_SCRIPT_HAN;
    }
    return script;
}

static int latin_vowel(uint32_t c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

/* Distance from a word romanised from an abjad to a word spelt in full: the vowels the
 * abjad did not write may be inserted freely, its long vowels and semi-vowels (a, i, u,
 * w, y) stand for any vowel, b for p and f for v (sounds Arabic writes with those
 * letters); every other difference costs one. */
static int abjad_distance(const uint32_t *a, int na, const uint32_t *b, int nb)
{
    int prev[PB_DEL_MAX_CPS + 1], cur[PB_DEL_MAX_CPS + 1];
    for (int j = 0; j <= nb; j++)
        prev[j] = j ? prev[j - 1] + !latin_vowel(b[j - 1]) : 0;
    for (int i = 1; i <= na; i++) {
        cur[0] = i;
        for (int j = 1; j <= nb; j++) {
            int same = a[i - 1] == b[j - 1] || ((latin_vowel(a[i - 1]) || a[i - 1] == 'w') && latin_vowel(b[j - 1])) ||
                       (a[i - 1] == 'b' && b[j - 1] == 'p') || (a[i - 1] == 'f' && b[j - 1] == 'v');
            int v = prev[j - 1] + !same;
            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (cur[j - 1] + !latin_vowel(b[j - 1]) < v)
                v = cur[j - 1] + !latin_vowel(b[j - 1]);
            cur[j] = v;
        }
        memcpy(prev, cur, sizeof(int) * (size_t)(nb + 1));
    }
    return prev[nb];
}

/* Whether every letter of the abjad word x that abjad_distance must find in y is there: its
 * consonants (b may be p, f may be v); a quick refusal before the distance. */
static int abjad_letters_in(const struct pb_tokinfo *x, const struct pb_tokinfo *y)
{
    uint32_t need = 0, have = y->mask;
    if (!have)
        return 1;
    for (int i = 0; i < x->ncp; i++) {
        uint32_t c = x->cp[i];
        if (latin_vowel(c) || c == 'w')
            continue;
        need |= 1u << (c & 31);
    }
    if (have & 1u << ('p' & 31))
        have |= 1u << ('b' & 31);
    if (have & 1u << ('v' & 31))
        have |= 1u << ('f' & 31);
    return (need & ~have) == 0;
}

static int is_letter_byte(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c >= 0x80;
}

/* Words of a part: runs of letters or digits. */
static int part_words(const char *s, size_t n)
{
    int w = 0, in = 0;
    for (size_t i = 0; i < n; i++) {
        int l = is_letter_byte((unsigned char)s[i]) || (s[i] >= '0' && s[i] <= '9');
        w += l && !in;
        in = l;
    }
    return w;
}

size_t pb__name_parts(const char *name, char **out, size_t max)
{
    size_t n = strlen(name), start = 0, k = 0;
    size_t cut[8], ncut = 0;
    if (strchr(name, ';')) {
        /* "A; B; C": a list of names in one value */
        const char *p = name;
        while (*p && k < max) {
            const char *e = strchr(p, ';');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            if (part_words(p, len) >= 1 && !(out[k] = pb_strndup(p, len)))
                break;
            if (part_words(p, len) >= 1)
                k++;
            p += len + (e != NULL);
        }
        if (k < 2) {
            for (size_t i = 0; i < k; i++)
                free(out[i]);
            return 0;
        }
        return k;
    }
    for (size_t i = 2; i + 2 < n + 1 && ncut < 7; i++) {
        if (name[i] != '/')
            continue;
        /* letters right beside the slash on both sides: M/S, A/S, I/E are not alternatives */
        if (i >= 2 && i + 2 < n + 1 && is_letter_byte((unsigned char)name[i - 1]) &&
            is_letter_byte((unsigned char)name[i - 2]) && i + 2 <= n && is_letter_byte((unsigned char)name[i + 1]) &&
            is_letter_byte((unsigned char)name[i + 2]))
            cut[ncut++] = i;
    }
    if (!ncut)
        return 0;
    cut[ncut] = n;
    for (size_t c = 0; c <= ncut && k < max; c++) {
        size_t end = cut[c];
        if (part_words(name + start, end - start) >= 2) {
            out[k] = pb_strndup(name + start, end - start);
            if (!out[k])
                break;
            k++;
        }
        start = end + 1;
    }
    if (k < 2) {
        /* one usable part only: not a pair of alternatives */
        for (size_t i = 0; i < k; i++)
            free(out[i]);
        return 0;
    }
    return k;
}

/* English number words, cardinal and ordinal. */
static const struct {
    const char *w;
    int v;
} numwords[] = {
    {"zero", 0},       {"one", 1},          {"two", 2},          {"three", 3},        {"four", 4},
    {"five", 5},       {"six", 6},          {"seven", 7},        {"eight", 8},        {"nine", 9},
    {"ten", 10},       {"eleven", 11},      {"twelve", 12},      {"thirteen", 13},    {"fourteen", 14},
    {"fifteen", 15},   {"sixteen", 16},     {"seventeen", 17},   {"eighteen", 18},    {"nineteen", 19},
    {"twenty", 20},    {"thirty", 30},      {"forty", 40},       {"fifty", 50},       {"sixty", 60},
    {"seventy", 70},   {"eighty", 80},      {"ninety", 90},      {"hundred", -100},   {"thousand", -1000},
    {"first", 1},      {"second", 2},       {"third", 3},        {"fourth", 4},       {"fifth", 5},
    {"sixth", 6},      {"seventh", 7},      {"eighth", 8},       {"ninth", 9},        {"tenth", 10},
    {"eleventh", 11},  {"twelfth", 12},     {"thirteenth", 13},  {"fourteenth", 14},  {"fifteenth", 15},
    {"sixteenth", 16}, {"seventeenth", 17}, {"eighteenth", 18},  {"nineteenth", 19},  {"twentieth", 20},
    {"thirtieth", 30}, {"fortieth", 40},    {"fiftieth", 50},    {"sixtieth", 60},    {"seventieth", 70},
    {"eightieth", 80}, {"ninetieth", 90},   {"hundredth", -100}, {"thousandth", -1000},
};

static int numword(const char *s, size_t n)
{
    /* every number word starts with one of these letters and has 3 to 11 of them: most
     * words are turned down without a look at the table */
    if (n < 3 || n > 11 || !strchr("efhnostz", s[0]))
        return -1;
    for (size_t i = 0; i < sizeof(numwords) / sizeof(numwords[0]); i++)
        if (strlen(numwords[i].w) == n && memcmp(numwords[i].w, s, n) == 0)
            return numwords[i].v;
    return -1;
}

void pb__number_words(char *form)
{
    char *out = form, *p = form;
    int first = 1;
    while (*p) {
        char *e = strchr(p, ' '), *q;
        size_t n = e ? (size_t)(e - p) : strlen(p);
        int v = numword(p, n);
        if (v == -1 || v == -100 || v == -1000) {
            /* not the start of a number */
            if (!first)
                *out++ = ' ';
            memmove(out, p, n);
            out += n;
            first = 0;
            p += n + (e != NULL);
            continue;
        }
        {
            long total = 0, cur = 0;
            for (q = p;;) {
                char *e2 = strchr(q, ' ');
                size_t n2 = e2 ? (size_t)(e2 - q) : strlen(q);
                int w = numword(q, n2);
                if (w == -1)
                    break;
                if (w == -100)
                    cur = (cur ? cur : 1) * 100;
                else if (w == -1000) {
                    total += (cur ? cur : 1) * 1000;
                    cur = 0;
                } else
                    cur += w;
                q += n2;
                if (!e2)
                    break;
                q++;
            }
            if (!first)
                *out++ = ' ';
            out += snprintf(out, (size_t)(q - p) + 1, "%ld", total + cur);
            first = 0;
            p = q;
        }
    }
    *out = 0;
}

/* ---- code points ---- */

size_t pb__utf8_cps(const char *s, size_t n, uint32_t *out, size_t cap)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + n;
    size_t k = 0;
    while (p < e && k < cap) {
        uint32_t c = *p++;
        int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
        if (more)
            c &= (uint32_t)(0x3F >> more);
        while (more-- && p < e)
            c = (c << 6) | (*p++ & 0x3Fu);
        out[k++] = c;
    }
    return k;
}

/* The optimal string alignment distance of words of at most 32 code points, 32 cells of the
 * table at a time (Hyyro's bit-vector algorithm with transpositions): one pass over b with a
 * few word operations per code point. a's positions by letter are kept in 32 slots by code
 * point mod 32; a word with two letters in one slot (a digit and a letter) reads them
 * one by one. */
static int osa_bits(const uint32_t *a, int na, const uint32_t *b, int nb, int max)
{
    uint32_t slot[32] = {0}, owner[32] = {0}, vp = ~0u, vn = 0, d0 = 0, pm_old = 0, last = 1u << (na - 1);
    int dist = na, shared = 0;
    for (int i = 0; i < na; i++) {
        uint32_t k = a[i] & 31;
        shared |= slot[k] && owner[k] != a[i];
        slot[k] |= 1u << i;
        owner[k] = a[i];
    }
    for (int j = 0; j < nb; j++) {
        uint32_t pm = 0, tr, hp, hn, k = b[j] & 31;
        if (!shared) {
            pm = owner[k] == b[j] ? slot[k] : 0;
        } else {
            for (int i = 0; i < na; i++)
                pm |= (uint32_t)(a[i] == b[j]) << i;
        }
        tr = ((~d0 & pm) << 1) & pm_old;
        d0 = (((pm & vp) + vp) ^ vp) | pm | vn | tr;
        hp = vn | ~(d0 | vp);
        hn = d0 & vp;
        dist += (hp & last) != 0;
        dist -= (hn & last) != 0;
        hp = (hp << 1) | 1;
        hn <<= 1;
        vp = hn | ~(d0 | hp);
        vn = hp & d0;
        pm_old = pm;
        /* the distance falls by one per code point of b left at most */
        if (dist - (nb - 1 - j) > max)
            return max + 1;
    }
    return dist <= max ? dist : max + 1;
}

int pb__osa(const uint32_t *a, int na, const uint32_t *b, int nb, int max)
{
    /* three rows of the optimal string alignment table, only the band |i - j| <= max
     * (cells outside it cannot lead to a distance within max), cut off beyond max */
    enum { W = 130, BIG = 1 << 20 };
    int rows[3][W], *pp = rows[0], *prev = rows[1], *cur = rows[2];
    if (na > 128)
        na = 128;
    if (nb > 128)
        nb = 128;
    if (abs(na - nb) > max)
        return max + 1;
    if (na == 0 || nb == 0)
        return na + nb <= max ? na + nb : max + 1;
    if (na <= 32)
        return osa_bits(a, na, b, nb, max);
    for (int j = 0; j <= nb; j++)
        prev[j] = j <= max ? j : BIG;
    for (int i = 1; i <= na; i++) {
        int lo = i - max > 1 ? i - max : 1, hi = i + max < nb ? i + max : nb, best = BIG;
        cur[lo - 1] = lo == 1 ? (i <= max ? i : BIG) : BIG;
        if (hi < nb)
            cur[hi + 1] = BIG;
        for (int j = lo; j <= hi; j++) {
            int v = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
                v = pp[j - 2] + 1;
            cur[j] = v;
            if (v < best)
                best = v;
        }
        if (best > max)
            return max + 1;
        int *t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    return prev[nb] > max ? max + 1 : prev[nb];
}

/* Edits within reach between words of la and lb code points: up to 34% of the longer
 * length (similarity 0.66) for words of about the same length, 30% (0.70) otherwise, and
 * never more than kmax. */
static int reach(int la, int lb, int kmax)
{
    return pb__reach(la, lb, kmax);
}

/* Two first letters that spellings of one name may begin with: equal, or sounds that
 * romanisations and languages write with either letter (k / c / q / g, f / v / w / b / p,
 * u / v / w, s / z / c / x, d / t, j / y / i / g / z / d, h / kh / g, any two vowels). Names rarely
 * change their first sound, so two words that start differently otherwise are one edit
 * apart at most. */
static int same_onset(uint32_t x, uint32_t y)
{
    static const char *const classes[] = {"aeiouy", "bpvwf", "uvw", "ckqgx", "sczx", "dt", "jyigzd", "hgk"};
    if (x == y)
        return 1;
    if (x > 'z' || y > 'z')
        return 1;
    for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
        if (strchr(classes[i], (int)x) && strchr(classes[i], (int)y))
            return 1;
    return 0;
}

/* A y that stands for a vowel: between consonants or after a final consonant. */
static int y_vowel(const uint32_t *cp, int n, int i)
{
    return cp[i] == 'y' && i > 0 && !latin_vowel(cp[i - 1]) && (i + 1 == n || !latin_vowel(cp[i + 1]));
}

/* Edits between two words with the same phonetic key, a y that stands for a vowel counted
 * as i: romanisations write the same Cyrillic vowel either way (Dmytro / Dmitro, Volodymyr /
 * Volodimir), so that a spelling with y throughout is not several edits from one with i. */
static int phon_distance(const struct pb_tokinfo *a, const struct pb_tokinfo *b)
{
    uint32_t x[PB_DEL_MAX_CPS], y[PB_DEL_MAX_CPS], ybit = 1u << ('y' & 31);
    if (a->mask && b->mask && !((a->mask | b->mask) & ybit))
        return pb__osa(a->cp, a->ncp, b->cp, b->ncp, PB_PHON_EDITS);   /* no y in either */
    for (int i = 0; i < a->ncp; i++)
        x[i] = y_vowel(a->cp, a->ncp, i) ? 'i' : a->cp[i];
    for (int i = 0; i < b->ncp; i++)
        y[i] = y_vowel(b->cp, b->ncp, i) ? 'i' : b->cp[i];
    return pb__osa(x, a->ncp, y, b->ncp, PB_PHON_EDITS);
}

static double sim_ne(const struct pb_tokinfo *a, const struct pb_tokinfo *b, int kmax, int edits);

static int gender_vowels(uint32_t x, uint32_t y)
{
    return (x == 'a' && y == 'o') || (x == 'o' && y == 'a');
}

static int arabic_particle(const struct pb_tokinfo *t)
{
    static const char *const p[] = {"al", "bin", "bint"};
    if (t->kind != PB_TOK_STOP)
        return 0;
    for (size_t k = 0; k < 3; k++) {
        int n = (int)strlen(p[k]), i = 0;
        while (i < n && i < t->ncp && t->cp[i] == (uint32_t)p[k][i])
            i++;
        if (i == n && t->ncp == n)
            return 1;
    }
    return 0;
}

double pb__tok_sim_k(const struct pb_tokinfo *a, const struct pb_tokinfo *b, int kmax)
{
    if (a->ncp == b->ncp) {
        int i = 0;
        while (i < a->ncp && a->cp[i] == b->cp[i])
            i++;
        if (i == a->ncp)
            return 1.0;
    }
    return pb__tok_sim_ne(a, b, kmax);
}

double pb__tok_sim_ne(const struct pb_tokinfo *a, const struct pb_tokinfo *b, int kmax)
{
    return sim_ne(a, b, kmax, 1);
}

double pb__tok_sim_phon(const struct pb_tokinfo *a, const struct pb_tokinfo *b)
{
    return sim_ne(a, b, PB_MAX_EDITS, 0);
}

/* pb__tok_sim_ne; without edits, the edit distance is taken to be out of reach (the caller
 * knows it is) and only the phonetic rules can credit the pair. */
static double sim_ne(const struct pb_tokinfo *a, const struct pb_tokinfo *b, int kmax, int edits)
{
    int L, maxd, d;
    double s;
    /* numbers agree or not; the Arabic article and bin, to which the normaliser brings every
     * spelling of them (el-, ul-, ibn), are themselves or nothing: al is not ali */
    if (a->kind == PB_TOK_NUMBER || b->kind == PB_TOK_NUMBER || arabic_particle(a) || arabic_particle(b))
        return 0.0;
    if (a->initial || b->initial) {
        /* an initial stands for a name word, not for a legal form or a particle */
        if ((a->initial && b->initial) || (a->initial ? b : a)->kind != PB_TOK_WORD)
            return 0.0;
        return a->cp[0] == b->cp[0] ? PB_SIM_INITIAL : 0.0;
    }
    /* given names that mark gender in their last vowel are two names: Antonio and Antonia,
     * Fernando and Fernanda */
    if (a->ncp == b->ncp && a->ncp >= 5 && gender_vowels(a->cp[a->ncp - 1], b->cp[b->ncp - 1]) &&
        memcmp(a->cp, b->cp, (size_t)(a->ncp - 1) * sizeof(uint32_t)) == 0)
        return 0.0;
    /* romanised syllables differ when their spelling does: ming is not ping; the
     * normaliser gives the other readings as forms of their own */
    if (a->syllabic || b->syllabic)
        return 0.0;
    L = a->ncp > b->ncp ? a->ncp : b->ncp;
    maxd = edits && a->ncp <= PB_DEL_MAX_CPS && b->ncp <= PB_DEL_MAX_CPS ? reach(a->ncp, b->ncp, kmax) : 0;
    if (maxd > 1 && !same_onset(a->cp[0], b->cp[0]))
        maxd = 1;
    /* an edit changes at most two bits of the set of letters (code points mod 32) */
    if (maxd && a->mask && b->mask && (pb__popcount(a->mask ^ b->mask) + 1) / 2 > maxd)
        d = maxd + 1;
    else
        d = maxd ? pb__osa(a->cp, a->ncp, b->cp, b->ncp, maxd) : maxd + 1;
    s = d <= maxd ? 1.0 - (double)d / L : 0.0;
    /* the same sound and a close spelling (Tom / Tim, Sergi / Sergey, Shi / Xi): at least
     * a weak match; the key alone is too coarse (it keeps consonants only) */
    if (pb__params.phon && a->phon && a->phon == b->phon && s < pb__params.phon_sim &&
        a->ncp <= PB_DEL_MAX_CPS && b->ncp <= PB_DEL_MAX_CPS) {
        if (a->abjad != b->abjad) {
            /* a word romanised from Arabic or Hebrew script against one spelt in full */
            const struct pb_tokinfo *x = a->abjad ? a : b, *y = a->abjad ? b : a;
            if (abjad_letters_in(x, y) && abjad_distance(x->cp, x->ncp, y->cp, y->ncp) == 0)
                s = pb__params.phon_sim;
        } else {
            int limit = a->ncp <= 4 || b->ncp <= 4 ? pb__params.phon_edits_short : PB_PHON_EDITS;
            /* the letter sets first, y and i aside (phon_distance reads a vowel y as i) */
            uint32_t yi = 1u << ('y' & 31) | 1u << ('i' & 31);
            if ((!a->mask || !b->mask || (pb__popcount((a->mask ^ b->mask) & ~yi) + 1) / 2 <= limit) &&
                phon_distance(a, b) <= limit)
                s = pb__params.phon_sim;
        }
    }
    return s >= PB_SIM_FLOOR - 1e-9 ? s : 0.0;
}

double pb__tok_sim(const struct pb_tokinfo *a, const struct pb_tokinfo *b)
{
    return pb__tok_sim_k(a, b, PB_MAX_EDITS);
}

int pb__del_depth(size_t ncp, int kmax)
{
    /* the most edits any partner within reach may need: one a letter longer, or the
     * longest partner of a different length */
    int n = (int)ncp, near, far;
    if (ncp > PB_DEL_MAX_CPS)
        return 0;
    near = reach(n, n + 1, kmax);
    far = reach(n, (int)floor((double)n / PB_SIM_FLOOR_FAR + 1e-9), kmax);
    return near > far ? near : far;
}

static uint64_t cps_hash(const uint32_t *cp, size_t n, size_t skip1, size_t skip2)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        if (i == skip1 || i == skip2)
            continue;
        h ^= cp[i];
        h *= 1099511628211ull;
        h ^= h >> 29;
    }
    h ^= 0x9E3779B97F4A7C15ull;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 31;
    return h ? h : 1;
}

uint32_t pb__letter_mask(const uint32_t *cp, size_t n)
{
    uint32_t m = 0;
    for (size_t i = 0; i < n; i++)
        m |= 1u << (cp[i] & 31);
    return m;
}

size_t pb__del_hashes(const uint32_t *cp, size_t ncp, int k, uint64_t *out, size_t cap)
{
    size_t n = 0, o = 0;
    const size_t none = (size_t)-1;
    (void)o;
    if (!cap)
        return 0;
    out[n++] = cps_hash(cp, ncp, none, none);
    if (k >= 1 && ncp > 1)
        for (size_t i = 0; i < ncp && n < cap; i++)
            out[n++] = cps_hash(cp, ncp, i, none);
    if (k >= 2 && ncp > 2)
        for (size_t i = 0; i < ncp; i++)
            for (size_t j = i + 1; j < ncp && n < cap; j++)
                out[n++] = cps_hash(cp, ncp, i, j);
    /* repeated letters give repeated variants: harmless (look-ups deduplicate tokens), so
     * they are not sorted away */
    (void)o;
    return n;
}

uint32_t pb__phon_hash(const char *tok)
{
    char key[64];
    uint64_t h;
    pb_phonetic_key(tok, key, sizeof(key));
    if (!key[0])
        return 0;
    h = pb_hash64(key, strlen(key));
    h ^= h >> 32;
    return (uint32_t)h ? (uint32_t)h : 1;
}

double pb__tok_weight(int kind, int initial, double rarity)
{
    switch (kind) {
    case PB_TOK_WORD: return (initial ? pb__params.w_initial : 1.0) * rarity;
    case PB_TOK_NUMBER: return rarity > 0.6 ? rarity : 0.6;
    case PB_TOK_LEGAL: return pb__params.w_legal;
    case PB_TOK_ORGTYPE: return pb__params.w_orgtype * rarity;
    case PB_TOK_GENERIC: return pb__params.w_generic * rarity;
    case PB_TOK_STOP: return pb__params.w_stop;
    case PB_TOK_HONORIFIC: return 0.0;
    }
    return rarity;
}
