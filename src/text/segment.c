/* Tokens for full-text search (see segment.h for what a token is and why Han text is
 * indexed per character). The scan classifies code points itself, because ASCII words must
 * be cheap: most of what is ingested is English. ICU is called where it is needed: for
 * normalisation of non-ASCII words, for the dictionary word breaks of Han/kana runs (whole
 * words added for ranking) and of Thai-like scripts (the only way to find their words).
 * The result for a given run of characters never depends on the text around it, so a
 * query tokenised alone produces the same tokens as the same words inside a document. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>
#include "core/core.h"
#include "core/lexicon.h"
#include "text/segment.h"
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Han and kana runs are segmented by ICU in windows of this many characters, so that a
 * page of Chinese without punctuation does not make one huge UTF-16 buffer. */
#define CJK_WINDOW 1024

/* ---- simplified Han ---- */

struct han_pair {
    uint32_t from, to;
};
static struct han_pair *han_tab;
static size_t han_n;
static pthread_once_t han_once = PTHREAD_ONCE_INIT;

static int han_cmp(const void *a, const void *b)
{
    const struct han_pair *x = a, *y = b;
    return x->from < y->from ? -1 : x->from > y->from;
}

/* One code point spanning s[0..n) exactly, or -1. */
static int32_t one_cp(const char *s, size_t n)
{
    int32_t i = 0, len = (int32_t)n;
    UChar32 c;
    if (n == 0 || n > 4)
        return -1;
    U8_NEXT(s, i, len, c);
    return i == len ? c : -1;
}

/* han.tsv: character TAB readings TAB simplified form (empty when the same). */
static void han_load(void)
{
    size_t len = 0, cap = 0;
    const char *p = pb_lexicon("han.tsv", &len), *end;
    if (!p)
        return;
    end = p + len;
    for (const char *q = p; q < end; q++)
        cap += *q == '\n';
    if (!(han_tab = malloc((cap + 1) * sizeof(*han_tab))))
        return;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p)), *t1, *t2, *e;
        if (!nl)
            nl = end;
        e = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
        if (*p != '#' && (t1 = memchr(p, '\t', (size_t)(e - p))) &&
            (t2 = memchr(t1 + 1, '\t', (size_t)(e - t1 - 1)))) {
            int32_t from = one_cp(p, (size_t)(t1 - p)), to = one_cp(t2 + 1, (size_t)(e - t2 - 1));
            if (from > 0 && to > 0 && from != to && han_n < cap + 1)
                han_tab[han_n++] = (struct han_pair){(uint32_t)from, (uint32_t)to};
        }
        p = nl + 1;
    }
    qsort(han_tab, han_n, sizeof(*han_tab), han_cmp);
}

static unsigned han_search(unsigned cp)
{
    size_t lo = 0, hi = han_n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (han_tab[mid].from == cp)
            return han_tab[mid].to;
        if (han_tab[mid].from < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return cp;
}

/* The characters of the Basic Multilingual Plane, where nearly all Chinese text is, are
 * looked up in a direct table (0: no simplified form) made from the search above; a
 * document has a look-up per Han character. */
static uint32_t *han_bmp;
static pthread_once_t han_bmp_once = PTHREAD_ONCE_INIT;

static void han_bmp_build(void)
{
    pthread_once(&han_once, han_load);
    if (!(han_bmp = calloc(0x10000, sizeof(*han_bmp))))
        return;
    for (size_t i = 0; i < han_n; i++)
        if (han_tab[i].from < 0x10000)
            han_bmp[han_tab[i].from] = han_search(han_tab[i].from);
}

unsigned pb_han_simplified(unsigned cp)
{
    pthread_once(&han_bmp_once, han_bmp_build);
    if (cp < 0x10000 && han_bmp)
        return han_bmp[cp] ? han_bmp[cp] : cp;
    return han_search(cp);
}

/* ---- character classes ---- */

enum { C_SEP, C_WORD, C_JOIN, C_CJK, C_SA };

static int is_unified_han(UChar32 c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2FA1F) ||
           (c >= 0x30000 && c <= 0x3134F);
}

static int is_sa(UChar32 c)
{
    return (c >= 0x0E00 && c <= 0x0EFF) ||  /* Thai, Lao */
           (c >= 0x1000 && c <= 0x109F) ||  /* Myanmar */
           (c >= 0x1780 && c <= 0x17FF) || (c >= 0x19E0 && c <= 0x19FF) ||   /* Khmer */
           (c >= 0x1950 && c <= 0x19DF) || (c >= 0x1A20 && c <= 0x1AAF) ||   /* Tai Le, New Tai Lue, Tai Tham */
           (c >= 0xA9E0 && c <= 0xA9FF) || (c >= 0xAA60 && c <= 0xAA7F);     /* Myanmar extensions */
}

static int classify(UChar32 c)
{
    int8_t t;
    if (c < 0x80) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
            return C_WORD;
        return C_SEP;
    }
    if (c < 0)
        return C_SEP;
    if (is_unified_han(c) || (c >= 0xF900 && c <= 0xFAFF) || c == 0x3005 || c == 0x3007 || c == 0x303B)
        return C_CJK;
    t = u_charType(c);
    if ((c >= 0x3040 && c <= 0x30FF) || (c >= 0xFF66 && c <= 0xFF9F) || (c >= 0x31F0 && c <= 0x31FF)) {
        /* kana letters and their marks; the middle dot and double hyphen are punctuation */
        return t == U_OTHER_PUNCTUATION || t == U_DASH_PUNCTUATION || t == U_CONNECTOR_PUNCTUATION ? C_SEP
                                                                                                    : C_CJK;
    }
    switch (t) {
    case U_UPPERCASE_LETTER:
    case U_LOWERCASE_LETTER:
    case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER:
    case U_OTHER_LETTER:
    case U_NON_SPACING_MARK:
    case U_ENCLOSING_MARK:
    case U_COMBINING_SPACING_MARK:
    case U_DECIMAL_DIGIT_NUMBER:
    case U_LETTER_NUMBER:
    case U_OTHER_NUMBER:
        return is_sa(c) ? C_SA : C_WORD;
    case U_FORMAT_CHAR:
        /* soft hyphen, zero-width joiners: inside a word; the zero-width space separates */
        return c == 0x200B ? C_SEP : C_JOIN;
    default:
        return C_SEP;
    }
}

/* Diacritics dropped after canonical decomposition. Marks that are letters' vowels in
 * their scripts (Indic, Thai) are kept: removing them would merge different words. */
static int is_diacritic(UChar32 c)
{
    return (c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) || (c >= 0x1DC0 && c <= 0x1DFF) ||
           (c >= 0x20D0 && c <= 0x20FF) || (c >= 0xFE20 && c <= 0xFE2F) || (c >= 0x0591 && c <= 0x05BD) ||
           c == 0x05BF || c == 0x05C1 || c == 0x05C2 || c == 0x05C4 || c == 0x05C5 || c == 0x05C7 ||
           (c >= 0x064B && c <= 0x065F) || c == 0x0670;
}

/* ---- the segmenter ---- */

struct pb_segmenter {
    UBreakIterator *cjk, *sa;
    UChar *u, *a, *b;          /* UTF-16 scratch buffers */
    int32_t ucap, acap, bcap;
    int32_t *map;              /* UTF-16 index -> byte offset (or char index) */
    int32_t mapcap;
    struct pb_buf out;
    /* a CJK window: byte offsets of its characters and their normalised forms */
    size_t *cstart;
    struct pb_buf cnorm;
    size_t *cnoff;
    size_t ccap;
};

/* Room the token buffer always has: an ASCII word (PB_TOKEN_MAX_CP bytes) is written into
 * it 16 bytes at a time, and a short token is copied out 16 bytes at once. */
#define OUT_MIN 96
_Static_assert(OUT_MIN >= PB_TOKEN_MAX_CP + 17, "the token buffer holds an ASCII word and a 16-byte store");

int pb_segmenter_new(struct pb_segmenter **out)
{
    *out = calloc(1, sizeof(**out));
    if (*out && pb_buf_grow(&(*out)->out, OUT_MIN)) {
        free(*out);
        *out = NULL;
    }
    return *out ? 0 : PROBITY_ENOMEM;
}

void pb_segmenter_free(struct pb_segmenter *sg)
{
    if (!sg)
        return;
    if (sg->cjk)
        ubrk_close(sg->cjk);
    if (sg->sa)
        ubrk_close(sg->sa);
    free(sg->u);
    free(sg->a);
    free(sg->b);
    free(sg->map);
    free(sg->cstart);
    free(sg->cnoff);
    pb_buf_release(&sg->out);
    pb_buf_release(&sg->cnorm);
    free(sg);
}

static int grow16(UChar **p, int32_t *cap, int32_t need)
{
    UChar *n;
    if (need <= *cap)
        return 0;
    if (!(n = realloc(*p, sizeof(UChar) * (size_t)need)))
        return PROBITY_ENOMEM;
    *p = n;
    *cap = need;
    return 0;
}

/* s[0..n) (valid UTF-8) to UTF-16 in sg->u; with `map`, sg->map[i] = byte offset of unit i
 * (and sg->map[len] = n). Length to *len. */
static int to16(struct pb_segmenter *sg, const char *s, size_t n, int map, int32_t *len)
{
    int32_t i = 0, o = 0, ni = (int32_t)n;
    if (grow16(&sg->u, &sg->ucap, ni + 1))
        return PROBITY_ENOMEM;
    if (map && ni + 1 > sg->mapcap) {
        int32_t *m = realloc(sg->map, sizeof(int32_t) * (size_t)(ni + 1));
        if (!m)
            return PROBITY_ENOMEM;
        sg->map = m;
        sg->mapcap = ni + 1;
    }
    while (i < ni) {
        int32_t at = i;
        UChar32 c;
        U8_NEXT(s, i, ni, c);
        if (c < 0)
            c = 0xFFFD;
        if (map) {
            sg->map[o] = at;
            if (c > 0xFFFF)
                sg->map[o + 1] = at;
        }
        if (c > 0xFFFF) {
            sg->u[o++] = U16_LEAD(c);
            sg->u[o++] = U16_TRAIL(c);
        } else {
            sg->u[o++] = (UChar)c;
        }
    }
    if (map)
        sg->map[o] = ni;
    *len = o;
    return 0;
}

/* out = f(in) for an ICU normaliser, growing the buffer as needed. */
static int normalize16(const UNormalizer2 *nf, const UChar *in, int32_t n, UChar **out, int32_t *cap, int32_t *len)
{
    UErrorCode st = U_ZERO_ERROR;
    int32_t r;
    if (grow16(out, cap, n * 3 + 16))
        return PROBITY_ENOMEM;
    r = unorm2_normalize(nf, in, n, *out, *cap, &st);
    if (st == U_BUFFER_OVERFLOW_ERROR) {
        if (grow16(out, cap, r + 1))
            return PROBITY_ENOMEM;
        st = U_ZERO_ERROR;
        r = unorm2_normalize(nf, in, n, *out, *cap, &st);
    }
    if (U_FAILURE(st))
        return PROBITY_EINVAL;
    *len = r;
    return 0;
}

static int add_cp(struct pb_buf *b, UChar32 c)
{
    char tmp[4];
    int32_t i = 0;
    UBool err = 0;
    U8_APPEND(tmp, i, 4, c, err);
    return err ? 0 : pb_buf_add(b, tmp, (size_t)i);
}

/* Normalise a non-ASCII word s[0..n) and append it to out. */
static int norm_word(struct pb_segmenter *sg, const char *s, size_t n, struct pb_buf *out)
{
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *kc = unorm2_getNFKCCasefoldInstance(&st);
    const UNormalizer2 *d = unorm2_getNFDInstance(&st);
    const UNormalizer2 *c = unorm2_getNFCInstance(&st);
    int32_t n16, na, nb, i = 0, o = 0, decomposable = 0;
    int rc;
    if (U_FAILURE(st))
        return PROBITY_EINVAL;
    if ((rc = to16(sg, s, n, 0, &n16)) || (rc = normalize16(kc, sg->u, n16, &sg->a, &sg->acap, &na)))
        return rc;
    for (int32_t k = 0; k < na; k++)
        if (sg->a[k] >= 0xC0) {
            decomposable = 1;
            break;
        }
    if (decomposable) {
        if ((rc = normalize16(d, sg->a, na, &sg->b, &sg->bcap, &nb)))
            return rc;
        /* drop diacritics in place, then compose again (Hangul, and what remains) */
        while (i < nb) {
            UChar32 ch;
            int32_t at = i;
            U16_NEXT(sg->b, i, nb, ch);
            if (is_diacritic(ch))
                continue;
            while (at < i)
                sg->b[o++] = sg->b[at++];
        }
        if ((rc = normalize16(c, sg->b, o, &sg->a, &sg->acap, &na)))
            return rc;
    }
    for (i = 0; i < na;) {
        UChar32 ch;
        U16_NEXT(sg->a, i, na, ch);
        switch (u_charType(ch)) {
        case U_UPPERCASE_LETTER:
        case U_LOWERCASE_LETTER:
        case U_TITLECASE_LETTER:
        case U_MODIFIER_LETTER:
        case U_OTHER_LETTER:
        case U_NON_SPACING_MARK:
        case U_ENCLOSING_MARK:
        case U_COMBINING_SPACING_MARK:
        case U_DECIMAL_DIGIT_NUMBER:
        case U_LETTER_NUMBER:
        case U_OTHER_NUMBER:
            if (is_unified_han(ch))
                ch = (UChar32)pb_han_simplified((unsigned)ch);
            if ((rc = add_cp(out, ch)))
                return rc;
            break;
        default:
            break;
        }
    }
    return 0;
}

static int emit(struct pb_segmenter *sg, size_t start, size_t end, int flags, pb_token_fn fn, void *ctx)
{
    struct pb_token t;
    if (!sg->out.len)
        return 0;
    t.norm = sg->out.s;
    t.len = sg->out.len;
    t.start = start;
    t.end = end;
    t.flags = flags;
    return fn(ctx, &t);
}

/* A word run text[s..e): normalised and emitted as one token. */
static int word_token(struct pb_segmenter *sg, const char *text, size_t s, size_t e, int ascii, pb_token_fn fn,
                      void *ctx)
{
    int rc;
    pb_buf_reset(&sg->out);
    if (ascii) {
        int digits = 0;
        if ((rc = pb_buf_grow(&sg->out, e - s + 1)))
            return rc;
        for (size_t i = s; i < e; i++) {
            char ch = text[i];
            sg->out.s[i - s] = ch >= 'A' && ch <= 'Z' ? (char)(ch + 32) : ch;
            digits |= ch <= '9';
        }
        sg->out.len = e - s;
        sg->out.s[sg->out.len] = 0;
        return emit(sg, s, e, digits ? 0 : PB_TOKEN_ASCII, fn, ctx);
    } else if ((rc = norm_word(sg, text + s, e - s, &sg->out))) {
        return rc;
    }
    return emit(sg, s, e, 0, fn, ctx);
}

/* The normalised form of one Han/kana character text[s..e), appended to out. */
static int norm_cjk_char(struct pb_segmenter *sg, const char *text, size_t s, size_t e, struct pb_buf *out)
{
    int32_t i = 0, n = (int32_t)(e - s);
    UChar32 c;
    U8_NEXT(text + s, i, n, c);
    if (is_unified_han(c))
        return add_cp(out, (UChar32)pb_han_simplified((unsigned)c));
    return norm_word(sg, text + s, e - s, out);
}

static int grow_cjk(struct pb_segmenter *sg, size_t n)
{
    size_t *a, *b;
    if (n <= sg->ccap)
        return 0;
    if (!(a = realloc(sg->cstart, sizeof(size_t) * n)))
        return PROBITY_ENOMEM;
    sg->cstart = a;
    if (!(b = realloc(sg->cnoff, sizeof(size_t) * n)))
        return PROBITY_ENOMEM;
    sg->cnoff = b;
    sg->ccap = n;
    return 0;
}

/* A window of Han/kana characters text[s..e) holding `nch` characters: one token per
 * character, and with PB_SEG_WORDS each dictionary word of two or more characters right
 * after its first character. */
static int cjk_window(struct pb_segmenter *sg, const char *text, size_t s, size_t e, size_t nch, int flags,
                      pb_token_fn fn, void *ctx)
{
    size_t k = 0, i = s;
    int32_t n16;
    int rc;
    if ((rc = grow_cjk(sg, nch + 1)))
        return rc;
    pb_buf_reset(&sg->cnorm);
    while (i < e) {
        int32_t j = 0, len = (int32_t)(e - i);
        UChar32 c;
        U8_NEXT(text + i, j, len, c);
        sg->cstart[k] = i;
        sg->cnoff[k] = sg->cnorm.len;
        if ((rc = norm_cjk_char(sg, text, i, i + (size_t)j, &sg->cnorm)))
            return rc;
        i += (size_t)j;
        k++;
    }
    sg->cstart[k] = e;
    sg->cnoff[k] = sg->cnorm.len;
    if (!(flags & PB_SEG_WORDS) || nch < 2) {
        for (size_t q = 0; q < k; q++) {
            pb_buf_reset(&sg->out);
            if ((rc = pb_buf_add(&sg->out, sg->cnorm.s + sg->cnoff[q], sg->cnoff[q + 1] - sg->cnoff[q])) ||
                (rc = emit(sg, sg->cstart[q], sg->cstart[q + 1], PB_TOKEN_CJK, fn, ctx)))
                return rc;
        }
        return 0;
    }
    /* dictionary words: boundaries in UTF-16 units, mapped to character indexes */
    if ((rc = to16(sg, text + s, e - s, 1, &n16)))
        return rc;
    {
        UErrorCode st = U_ZERO_ERROR;
        int32_t *wend;   /* wend[q]: index of the character after the word starting at q, or 0 */
        size_t q = 0;
        if (!sg->cjk && !(sg->cjk = ubrk_open(UBRK_WORD, "zh", NULL, 0, &st)))
            return PROBITY_ENOMEM;
        if (!(wend = calloc(k + 1, sizeof(int32_t))))
            return PROBITY_ENOMEM;
        ubrk_setText(sg->cjk, sg->u, n16, &st);
        if (U_SUCCESS(st)) {
            int32_t b0 = ubrk_first(sg->cjk), b1;
            size_t c0 = 0;
            /* char index of a UTF-16 boundary: walk the byte map alongside */
            while ((b1 = ubrk_next(sg->cjk)) != UBRK_DONE) {
                size_t c1 = c0;
                size_t byte1 = s + (size_t)sg->map[b1];
                while (c1 < k && sg->cstart[c1] < byte1)
                    c1++;
                if (ubrk_getRuleStatus(sg->cjk) != UBRK_WORD_NONE && c1 - c0 >= 2)
                    wend[c0] = (int32_t)c1;
                c0 = c1;
                b0 = b1;
            }
            (void)b0;
        }
        for (q = 0; q < k && !rc; q++) {
            pb_buf_reset(&sg->out);
            if ((rc = pb_buf_add(&sg->out, sg->cnorm.s + sg->cnoff[q], sg->cnoff[q + 1] - sg->cnoff[q])) ||
                (rc = emit(sg, sg->cstart[q], sg->cstart[q + 1], PB_TOKEN_CJK, fn, ctx)))
                break;
            if (wend[q]) {
                size_t we = (size_t)wend[q];
                pb_buf_reset(&sg->out);
                if ((rc = pb_buf_add(&sg->out, sg->cnorm.s + sg->cnoff[q], sg->cnoff[we] - sg->cnoff[q])))
                    break;
                rc = emit(sg, sg->cstart[q], sg->cstart[we], PB_TOKEN_WORD, fn, ctx);
            }
        }
        free(wend);
    }
    return rc;
}

/* A run of Thai-like script text[s..e): words from ICU's dictionary break iterator. */
static int sa_run(struct pb_segmenter *sg, const char *text, size_t s, size_t e, pb_token_fn fn, void *ctx)
{
    UErrorCode st = U_ZERO_ERROR;
    int32_t n16, b0, b1;
    int rc;
    if ((rc = to16(sg, text + s, e - s, 1, &n16)))
        return rc;
    if (!sg->sa && !(sg->sa = ubrk_open(UBRK_WORD, "th", NULL, 0, &st)))
        return PROBITY_ENOMEM;
    /* the iterator reads its text while norm_word reuses sg->u: keep a copy */
    {
        UChar *copy = malloc(sizeof(UChar) * (size_t)(n16 + 1));
        int32_t *map = malloc(sizeof(int32_t) * (size_t)(n16 + 1));
        if (!copy || !map) {
            free(copy);
            free(map);
            return PROBITY_ENOMEM;
        }
        memcpy(copy, sg->u, sizeof(UChar) * (size_t)n16);
        memcpy(map, sg->map, sizeof(int32_t) * (size_t)(n16 + 1));
        ubrk_setText(sg->sa, copy, n16, &st);
        if (U_FAILURE(st)) {
            free(copy);
            free(map);
            return PROBITY_EINVAL;
        }
        b0 = ubrk_first(sg->sa);
        while (!rc && (b1 = ubrk_next(sg->sa)) != UBRK_DONE) {
            if (ubrk_getRuleStatus(sg->sa) != UBRK_WORD_NONE) {
                size_t ws = s + (size_t)map[b0], we = s + (size_t)map[b1];
                /* cut very long "words" like any other run */
                while (!rc && ws < we) {
                    size_t p = ws;
                    int cps = 0;
                    while (p < we && cps < PB_TOKEN_MAX_CP) {
                        int32_t j = 0, len = (int32_t)(we - p);
                        UChar32 c;
                        U8_NEXT(text + p, j, len, c);
                        p += (size_t)j;
                        cps++;
                    }
                    rc = word_token(sg, text, ws, p, 0, fn, ctx);
                    ws = p;
                }
            }
            b0 = b1;
        }
        ubrk_setText(sg->sa, NULL, 0, &st);
        free(copy);
        free(map);
    }
    return rc;
}

/* ASCII bytes that make words: 1 for a letter, 3 for a digit (2 marks the digits) */
static const unsigned char ascii_word[128] = {
    ['0'] = 3, ['1'] = 3, ['2'] = 3, ['3'] = 3, ['4'] = 3, ['5'] = 3, ['6'] = 3, ['7'] = 3, ['8'] = 3, ['9'] = 3,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1,
    ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
    ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1,
    ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
    ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

/* ascii_run's view of a byte: 0 for ASCII that is not a word's, the byte lower-cased for a
 * letter or a digit, 0xFF for a byte of a multi-byte character */
static const unsigned char ascii_fold[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 0, 0, 0, 0, 0, 0,
    0, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
    'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 0, 0, 0, 0, 0,
    0, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
    'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 0, 0, 0, 0, 0,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
};

/* An ASCII word starting at text[s], lower-cased into sg->out as it is scanned: most words
 * of most documents, in one pass. Returns its end, or 0 when the word goes on with other
 * characters (the general path then reads it). */
static size_t ascii_run(struct pb_segmenter *sg, const char *text, size_t s, size_t len, int *digits)
{
    size_t i = s, max = len - s < PB_TOKEN_MAX_CP ? len : s + PB_TOKEN_MAX_CP;
    char *o = sg->out.s;   /* OUT_MIN bytes at least: the word and a 16-byte store past it */
    int d = 0;
#ifdef __SSE2__
    /* 16 bytes at a time: where the word ends comes from a mask, not from a branch per byte
     * that mispredicts at the end of every word */
    while (i + 16 <= len) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(text + i));
        __m128i lo = _mm_or_si128(v, _mm_set1_epi8(0x20));
        /* signed compares: bytes from 0x80 up are negative, neither letters nor digits */
        __m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(lo, _mm_set1_epi8('a' - 1)),
                                      _mm_cmplt_epi8(lo, _mm_set1_epi8('z' + 1)));
        __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                      _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
        unsigned word = (unsigned)_mm_movemask_epi8(_mm_or_si128(alpha, digit)), k, room = (unsigned)(max - i);
        k = word == 0xFFFFu ? 16 : (unsigned)__builtin_ctz(~word);
        _mm_storeu_si128((__m128i *)(void *)o, _mm_or_si128(v, _mm_and_si128(alpha, _mm_set1_epi8(0x20))));
        if (k >= room) {   /* PB_TOKEN_MAX_CP reached: the token ends whatever follows */
            d |= ((unsigned)_mm_movemask_epi8(digit) & ((1u << room) - 1)) != 0;
            o += room;
            i = max;
            goto done;
        }
        d |= ((unsigned)_mm_movemask_epi8(digit) & ((1u << k) - 1)) != 0;
        o += k;
        i += k;
        if (k < 16) {
            if ((unsigned char)text[i] >= 0x80)
                return 0;   /* the word goes on with other characters */
            goto done;
        }
    }
#endif
    for (; i < max; i++) {
        unsigned char b = (unsigned char)text[i], f = ascii_fold[b];
        if (!f)
            break;
        if (f == 0xFF)
            return 0;
        d |= b <= '9';
        *o++ = (char)f;
    }
    /* at PB_TOKEN_MAX_CP the token ends whatever follows, as on the general path */
#ifdef __SSE2__
done:
#endif
    *o = 0;
    sg->out.len = i - s;
    *digits = d;
    return i;
}

int pb_segment(struct pb_segmenter *sg, const char *text, size_t len, int flags, pb_token_fn fn, void *ctx)
{
    size_t i = 0;
    int rc = 0;
    while (i < len && !rc) {
        size_t s = i;
        int32_t j = 0, rem = len - i > INT32_MAX ? INT32_MAX : (int32_t)(len - i);
        UChar32 c;
        int cls;
        if ((unsigned char)text[i] < 0x80) {
            size_t e;
            int digits;
            c = (unsigned char)text[i];
            if (!ascii_word[c]) {
                i++;   /* ASCII that is not a word's: a separator */
                continue;
            }
            if ((e = ascii_run(sg, text, i, len, &digits))) {
                rc = emit(sg, s, e, digits ? 0 : PB_TOKEN_ASCII, fn, ctx);
                i = e;
                continue;
            }
            j = 1;
        } else {
            U8_NEXT(text + i, j, rem, c);
        }
        cls = classify(c);
        i += (size_t)j;
        if (cls == C_SEP || cls == C_JOIN)
            continue;
        if (cls == C_WORD) {
            int ascii = c < 0x80, cps = 1;
            while (i < len && cps < PB_TOKEN_MAX_CP) {
                unsigned char b = (unsigned char)text[i];
                if (b < 0x80) {
                    if (!((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')))
                        break;
                    i++;
                } else {
                    int32_t k = 0;
                    rem = len - i > INT32_MAX ? INT32_MAX : (int32_t)(len - i);
                    U8_NEXT(text + i, k, rem, c);
                    cls = classify(c);
                    if (cls != C_WORD && cls != C_JOIN)
                        break;
                    ascii = 0;
                    i += (size_t)k;
                }
                cps++;
            }
            rc = word_token(sg, text, s, i, ascii, fn, ctx);
        } else if (cls == C_CJK) {
            size_t nch = 1;
            while (i < len && nch < CJK_WINDOW) {
                int32_t k = 0;
                rem = len - i > INT32_MAX ? INT32_MAX : (int32_t)(len - i);
                U8_NEXT(text + i, k, rem, c);
                if (classify(c) != C_CJK)
                    break;
                i += (size_t)k;
                nch++;
            }
            rc = cjk_window(sg, text, s, i, nch, flags, fn, ctx);
        } else {
            size_t nch = 1;
            while (i < len && nch < CJK_WINDOW) {
                int32_t k = 0;
                rem = len - i > INT32_MAX ? INT32_MAX : (int32_t)(len - i);
                U8_NEXT(text + i, k, rem, c);
                cls = classify(c);
                if (cls != C_SA && cls != C_JOIN)
                    break;
                i += (size_t)k;
                nch++;
            }
            rc = sa_run(sg, text, s, i, fn, ctx);
        }
    }
    return rc;
}

/* ---- encoded token streams ---- */

static int get_varint(const unsigned char *p, size_t n, size_t *at, uint64_t *v)
{
    if (*at < n && p[*at] < 0x80) {   /* most numbers of a token stream fit in one byte */
        *v = p[(*at)++];
        return 0;
    }
    return pb_uvarint_get(p, n, at, v) ? PROBITY_EFORMAT : 0;
}

struct enc {
    struct pb_buf *out;
    size_t last;
    pb_token_fn also;
    void *ctx;
};

static size_t varint_at(char *p, uint64_t v)
{
    if (v < 0x80) {   /* most numbers of a token stream: one byte, without a call */
        *p = (char)v;
        return 1;
    }
    return pb_uvarint_put((unsigned char *)p, v);
}

/* flags, start as a delta from the previous start, length in the input, normalised text
 * with its NUL (the replay hands it out where it lies, without a copy); written in place,
 * since a document has a token every few bytes */
static int enc_token(void *ctx, const struct pb_token *t)
{
    struct enc *e = ctx;
    struct pb_buf *b = e->out;
    char *p;
    if (b->len + 1 + 3 * 10 + t->len + 16 >= b->cap && pb_buf_grow(b, 1 + 3 * 10 + t->len + 16))
        return PROBITY_ENOMEM;
    p = b->s + b->len;
    *p++ = (char)t->flags;
    p += varint_at(p, t->start - e->last);
    p += varint_at(p, t->end - t->start);
    p += varint_at(p, t->len);
    /* most tokens are short: one fixed copy of 16 bytes instead of a call (the token is the
     * segmenter's buffer, OUT_MIN long at least; what passes its end is overwritten) */
    if (t->len < 16)
        memcpy(p, t->norm, 16);
    else
        memcpy(p, t->norm, t->len);
    p += t->len;
    *p++ = 0;
    b->len = (size_t)(p - b->s);
    e->last = t->start;
    return e->also ? e->also(e->ctx, t) : 0;
}

int pb_segment_encode(struct pb_segmenter *sg, const char *text, size_t len, int flags, struct pb_buf *out)
{
    struct enc e = {out, 0, NULL, NULL};
    return pb_segment(sg, text, len, flags, enc_token, &e);
}

int pb_segment_encode_with(struct pb_segmenter *sg, const char *text, size_t len, int flags, struct pb_buf *out,
                           pb_token_fn fn, void *ctx)
{
    struct enc e = {out, 0, fn, ctx};
    return pb_segment(sg, text, len, flags, enc_token, &e);
}

int pb_segment_replay(const void *enc, size_t n, pb_token_fn fn, void *ctx)
{
    const unsigned char *p = enc;
    size_t at = 0, last = 0;
    while (at < n) {
        struct pb_token t;
        uint64_t d, l, nl;
        int rc;
        t.flags = p[at++];
        /* NFKC grows a character 18 times at most: a longer token is damage */
        if (get_varint(p, n, &at, &d) || get_varint(p, n, &at, &l) || get_varint(p, n, &at, &nl) ||
            nl > PB_TOKEN_MAX_CP * 18 * 4 || nl >= n - at || p[at + nl])
            return PROBITY_EFORMAT;
        t.norm = (const char *)p + at;
        at += nl + 1;
        t.len = nl;
        t.start = last + d;
        t.end = t.start + l;
        last = t.start;
        if ((rc = fn(ctx, &t)))
            return rc;
    }
    return 0;
}

/* ---- separators of exact phrases ---- */

static UChar32 fold_punct(UChar32 c)
{
    switch (c) {
    case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x2032: case 0x0060: case 0x00B4:
        return '\'';
    case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x2033: case 0x00AB: case 0x00BB:
        return '"';
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015: case 0x2212:
    case 0xFE58: case 0xFE63:
        return '-';
    default:
        return c;
    }
}

int pb_fold_separator(const char *s, size_t n, int cjk, struct pb_buf *out)
{
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *kc = unorm2_getNFKCInstance(&st);
    UChar stack[128], *u = stack, *v = NULL;
    int32_t n16 = 0, nv, vcap = 0, i = 0;
    int only_space = 1, rc = 0;
    pb_buf_reset(out);
    if (U_FAILURE(st))
        return PROBITY_EINVAL;
    u_strFromUTF8WithSub(NULL, 0, &n16, s, (int32_t)n, 0xFFFD, NULL, &st);
    st = U_ZERO_ERROR;
    if (n16 + 1 > (int32_t)(sizeof(stack) / sizeof(stack[0])) && !(u = malloc(sizeof(UChar) * (size_t)(n16 + 1))))
        return PROBITY_ENOMEM;
    u_strFromUTF8WithSub(u, n16 + 1, NULL, s, (int32_t)n, 0xFFFD, NULL, &st);
    if ((rc = normalize16(kc, u, n16, &v, &vcap, &nv)))
        goto out;
    for (i = 0; i < nv;) {
        UChar32 c;
        U16_NEXT(v, i, nv, c);
        if (u_isUWhiteSpace(c) || u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT))
            continue;
        only_space = 0;
        if ((rc = add_cp(out, fold_punct(c))))
            goto out;
    }
    if (only_space && !cjk && n > 0)
        rc = pb_buf_addc(out, ' ');
    else if (!out->s)
        rc = pb_buf_add(out, "", 0);
out:
    if (u != stack)
        free(u);
    free(v);
    return rc;
}

/* ---- language guess ---- */

enum { L_EN, L_FR, L_DE, L_ES, L_PT, L_IT, L_NL, L_ZH, L_JA, L_KO, L_RU, L_UK, L_AR, L_FA, L_HE, L_EL,
       L_TH, L_HI, L_KA, L_HY, L_N };
#define S_LATIN 20     /* Latin letters */
#define S_HITS 21      /* stop words seen */
#define S_KANA 22

static const char *const lang_code[L_N] = {"en", "fr", "de", "es", "pt", "it", "nl", "zh", "ja", "ko",
                                           "ru", "uk", "ar", "fa", "he", "el", "th", "hi", "ka", "hy"};

#define B(l) (1u << (l))
struct stopword {
    const char *w;
    unsigned langs;
};
/* Frequent function words (alphabetical); one word may belong to several languages. */
static const struct stopword stopwords[] = {
    {"a", B(L_ES) | B(L_PT) | B(L_IT)}, {"al", B(L_ES)}, {"also", B(L_EN)}, {"an", B(L_EN)},
    {"anche", B(L_IT)}, {"and", B(L_EN)}, {"are", B(L_EN)}, {"as", B(L_EN)}, {"at", B(L_EN)},
    {"au", B(L_FR)}, {"auf", B(L_DE)}, {"aux", B(L_FR)}, {"avec", B(L_FR)}, {"be", B(L_EN)},
    {"been", B(L_EN)}, {"by", B(L_EN)}, {"ce", B(L_FR)}, {"che", B(L_IT)}, {"com", B(L_PT)},
    {"como", B(L_ES) | B(L_PT)}, {"con", B(L_ES) | B(L_IT)}, {"dans", B(L_FR)},
    {"das", B(L_DE) | B(L_PT)}, {"dat", B(L_NL)}, {"de", B(L_FR) | B(L_ES) | B(L_PT) | B(L_NL)},
    {"degli", B(L_IT)}, {"del", B(L_ES) | B(L_IT)}, {"della", B(L_IT)}, {"dem", B(L_DE)},
    {"den", B(L_DE)}, {"der", B(L_DE)}, {"des", B(L_FR) | B(L_DE)}, {"di", B(L_IT)},
    {"die", B(L_DE)}, {"door", B(L_NL)}, {"dos", B(L_PT)}, {"du", B(L_FR)}, {"een", B(L_NL)},
    {"ein", B(L_DE)}, {"eine", B(L_DE)}, {"el", B(L_ES)}, {"em", B(L_PT)}, {"en", B(L_ES) | B(L_NL)},
    {"est", B(L_FR)}, {"et", B(L_FR)}, {"for", B(L_EN)}, {"from", B(L_EN)}, {"gli", B(L_IT)},
    {"has", B(L_EN)}, {"have", B(L_EN)}, {"het", B(L_NL)}, {"il", B(L_IT) | B(L_FR)},
    {"in", B(L_EN) | B(L_IT) | B(L_NL) | B(L_DE)}, {"is", B(L_EN) | B(L_NL)}, {"ist", B(L_DE)},
    {"it", B(L_EN)}, {"its", B(L_EN)}, {"la", B(L_FR) | B(L_ES) | B(L_IT)}, {"las", B(L_ES)},
    {"le", B(L_FR)}, {"les", B(L_FR)}, {"lo", B(L_ES) | B(L_IT)}, {"los", B(L_ES)},
    {"met", B(L_NL)}, {"mit", B(L_DE)}, {"na", B(L_PT)}, {"nel", B(L_IT)},
    {"nicht", B(L_DE)}, {"niet", B(L_NL)}, {"no", B(L_PT) | B(L_ES)}, {"non", B(L_IT)},
    {"not", B(L_EN)}, {"of", B(L_EN)}, {"on", B(L_EN)}, {"ook", B(L_NL)}, {"or", B(L_EN)},
    {"os", B(L_PT)}, {"par", B(L_FR)}, {"para", B(L_ES) | B(L_PT)}, {"pas", B(L_FR)},
    {"pelo", B(L_PT)}, {"per", B(L_IT)}, {"por", B(L_ES) | B(L_PT)}, {"pour", B(L_FR)},
    {"qui", B(L_FR)}, {"se", B(L_ES) | B(L_PT) | B(L_IT)}, {"sich", B(L_DE)}, {"sono", B(L_IT)},
    {"sont", B(L_FR)}, {"su", B(L_ES)}, {"sur", B(L_FR)}, {"that", B(L_EN)}, {"the", B(L_EN)},
    {"this", B(L_EN)}, {"to", B(L_EN)}, {"uma", B(L_PT)}, {"una", B(L_ES) | B(L_IT)},
    {"und", B(L_DE)}, {"une", B(L_FR)}, {"van", B(L_NL)}, {"von", B(L_DE)}, {"voor", B(L_NL)},
    {"was", B(L_EN)}, {"were", B(L_EN)}, {"which", B(L_EN)}, {"with", B(L_EN)}, {"wordt", B(L_NL)},
    {"y", B(L_ES)}, {"zijn", B(L_NL)}, {"zu", B(L_DE)},
};
#undef B

/* The stop words in one table with the languages of each: one probe per word read. Built
 * once. */
static struct pb_wordset stop_tab;
static pthread_once_t stop_once = PTHREAD_ONCE_INIT;

static void stop_build(void)
{
    for (size_t k = 0; k < sizeof(stopwords) / sizeof(stopwords[0]); k++)
        pb_wordset_add(&stop_tab, stopwords[k].w, strlen(stopwords[k].w), stopwords[k].langs);
}

/* The stop-word table, built once, is known to this count. */
static void count_ready(struct pb_lang_count *c)
{
    if (!c->ready) {
        pthread_once(&stop_once, stop_build);
        c->ready = 1;
    }
}

/* a word of fewer than 8 lower-case letters, as pb_word_key8 */
static void stop_key(struct pb_lang_count *c, uint64_t key)
{
    uint32_t m = pb_wordset_get_key(&stop_tab, key);
    if (!m)
        return;
    for (; m; m &= m - 1)
        c->score[__builtin_ctz(m)] += 1;
    c->score[S_HITS] += 1;
}

/* w[0..n), n < 8, lower case */
static void stop_word(struct pb_lang_count *c, const char *w, size_t n)
{
    stop_key(c, pb_word_key8(w, n));
}

void pb_lang_count_add(struct pb_lang_count *c, const char *s, size_t n)
{
    char word[8];
    size_t wl = 0;
    int32_t i = 0, len = n > 2048 ? 2048 : (int32_t)n;   /* a sample is enough */
    long latin = 0;   /* letters, counted here and added once: the same sum, without a store per letter */
    count_ready(c);
    while (i < len) {
        UChar32 ch;
        unsigned char b = (unsigned char)s[i];
        if (b < 0x80) {
            if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z')) {
                /* the whole run of ASCII letters: only a word that stays short is kept */
                int32_t e = i + 1;
                while (e < len && (((unsigned char)s[e] | 0x20) >= 'a' && ((unsigned char)s[e] | 0x20) <= 'z'))
                    e++;
                latin += e - i;
                if (wl + (size_t)(e - i) < sizeof(word))
                    for (; i < e; i++)
                        word[wl++] = (char)((unsigned char)s[i] | 0x20);
                else
                    wl += (size_t)(e - i);
                i = e;
                continue;
            }
            i++;
            if (wl && wl < sizeof(word))
                stop_word(c, word, wl);
            wl = 0;
            /* the ASCII that follows and is not a letter changes nothing */
            while (i < len && (unsigned char)s[i] < 0x80 &&
                   !(((unsigned char)s[i] | 0x20) >= 'a' && ((unsigned char)s[i] | 0x20) <= 'z'))
                i++;
            continue;
        }
        U8_NEXT(s, i, len, ch);
        if (ch < 0)
            continue;
        if (ch < 0x250) {   /* accented Latin: part of the word, too rare to matter for stop words */
            if (u_isalpha(ch)) {
                latin++;
                wl = sizeof(word);
                continue;
            }
        } else if (is_unified_han(ch)) {
            c->score[L_ZH] += 3;
        } else if ((ch >= 0x3040 && ch <= 0x30FF) || (ch >= 0xFF66 && ch <= 0xFF9F)) {
            c->score[S_KANA] += 3;
        } else if ((ch >= 0xAC00 && ch <= 0xD7AF) || (ch >= 0x1100 && ch <= 0x11FF)) {
            c->score[L_KO] += 2;
        } else if (ch >= 0x0400 && ch <= 0x04FF) {
            c->score[ch == 0x0456 || ch == 0x0457 || ch == 0x0454 || ch == 0x0491 || ch == 0x0406 ||
                             ch == 0x0407 || ch == 0x0404 || ch == 0x0490
                         ? L_UK
                         : L_RU] += 1;
        } else if (ch >= 0x0600 && ch <= 0x06FF) {
            c->score[ch == 0x067E || ch == 0x0686 || ch == 0x0698 || ch == 0x06AF || ch == 0x06CC ||
                             ch == 0x06A9
                         ? L_FA
                         : L_AR] += 1;
        } else if (ch >= 0x0590 && ch <= 0x05FF) {
            c->score[L_HE] += 1;
        } else if (ch >= 0x0370 && ch <= 0x03FF) {
            c->score[L_EL] += 1;
        } else if (ch >= 0x0E00 && ch <= 0x0E7F) {
            c->score[L_TH] += 1;
        } else if (ch >= 0x0900 && ch <= 0x097F) {
            c->score[L_HI] += 1;
        } else if (ch >= 0x10A0 && ch <= 0x10FF) {
            c->score[L_KA] += 1;
        } else if (ch >= 0x0530 && ch <= 0x058F) {
            c->score[L_HY] += 1;
        }
        if (wl && wl < sizeof(word))
            stop_word(c, word, wl);
        wl = 0;
    }
    if (wl && wl < sizeof(word) && (size_t)len == n)
        stop_word(c, word, wl);
    c->score[S_LATIN] += (double)latin;
}

void pb_lang_count_token(struct pb_lang_count *c, const char *text, const struct pb_token *t)
{
    if (t->flags & PB_TOKEN_WORD)   /* the same characters again, as one word */
        return;
    if (t->flags & PB_TOKEN_CJK) {   /* one Han or kana character, the commonest case after ASCII */
        int32_t i = 0, n = (int32_t)(t->end - t->start);
        UChar32 ch;
        U8_NEXT(text + t->start, i, n, ch);
        if (is_unified_han(ch))
            c->score[L_ZH] += 3;
        else if ((ch >= 0x3040 && ch <= 0x30FF) || (ch >= 0xFF66 && ch <= 0xFF9F))
            c->score[S_KANA] += 3;
        return;
    }
    if (!(t->flags & PB_TOKEN_ASCII)) {
        /* rarer: the general count, on the token's own bytes (tokens end where words do;
         * digits inside a token end its words there too) */
        pb_lang_count_add(c, text + t->start, t->end - t->start);
        return;
    }
    pb_lang_count_ascii(c, t->len < 8 ? pb_word_key8(t->norm, t->len) : 0, t->len);
}

void pb_lang_count_ascii(struct pb_lang_count *c, uint64_t key, size_t n)
{
    count_ready(c);
    if (n <= stop_tab.max_len)   /* a longer word is no stop word (and has no key) */
        stop_key(c, key);
    c->score[S_LATIN] += (double)n;
}

void pb_lang_count_result(const struct pb_lang_count *c, double share, char *out, size_t size)
{
    double sc[L_N], total = 0;
    int order[L_N], k = 0;
    size_t o = 0;
    memcpy(sc, c->score, sizeof(sc));
    /* Latin letters go to the languages whose stop words were seen, in proportion */
    for (int l = L_EN; l <= L_NL; l++)
        sc[l] = c->score[S_HITS] >= 2 ? c->score[S_LATIN] * c->score[l] / c->score[S_HITS] : 0;
    /* kana among Han: Japanese */
    if (c->score[S_KANA] > 0.1 * (c->score[L_ZH] + c->score[S_KANA])) {
        sc[L_JA] = c->score[L_ZH] + c->score[S_KANA];
        sc[L_ZH] = 0;
    } else {
        sc[L_ZH] += c->score[S_KANA];
    }
    /* a few Ukrainian or Persian letters decide between the languages of one script */
    if (sc[L_UK] > 0.01 * (sc[L_UK] + sc[L_RU])) {
        sc[L_UK] += sc[L_RU];
        sc[L_RU] = 0;
    } else {
        sc[L_RU] += sc[L_UK];
        sc[L_UK] = 0;
    }
    if (sc[L_FA] > 0.01 * (sc[L_FA] + sc[L_AR])) {
        sc[L_FA] += sc[L_AR];
        sc[L_AR] = 0;
    } else {
        sc[L_AR] += sc[L_FA];
        sc[L_FA] = 0;
    }
    for (int l = 0; l < L_N; l++)
        total += sc[l];
    for (int l = 0; l < L_N; l++)
        if (total > 0 && sc[l] > 0 && sc[l] >= share * total)
            order[k++] = l;
    for (int a = 1; a < k; a++)
        for (int b = a; b > 0 && sc[order[b]] > sc[order[b - 1]]; b--) {
            int t = order[b];
            order[b] = order[b - 1];
            order[b - 1] = t;
        }
    if (size)
        out[0] = 0;
    for (int a = 0; a < k && o + 4 < size; a++)
        o += (size_t)snprintf(out + o, size - o, "%s%s", a ? "," : "", lang_code[order[a]]);
}
