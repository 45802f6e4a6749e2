/* Names prepared for matching. A name is folded (NFKC, case folding, marks and punctuation
 * removed per script), split into tokens, segmented where a script writes no spaces (Han),
 * canonicalised with the lexicons (legal forms, organisation types, generic words,
 * honorifics, spelling variants) and romanised, in as many systems as the script calls for,
 * into Latin forms; the folded original-script form is kept beside them. Pure-ASCII names,
 * which are most of every list and of most queries, take a fast path that never enters ICU.
 * Everything a call needs lives in a per-thread context, so the functions are thread-safe. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include "core/core.h"
#include "text/names.h"
#include "text/names_int.h"

#define TOKCAP (4 * PB__MAX_TOKS)   /* room for tokens after segmentation and splitting */
#define FTOKCAP (4 * PB__MAX_TOKS)

/* ---- per-thread context ---- */

static pthread_key_t tkey;
static pthread_once_t tkey_once = PTHREAD_ONCE_INIT;
static int tkey_ok;
static _Thread_local struct pb__tctx *tls_ctx;

static void tctx_free(void *p)
{
    struct pb__tctx *c = p;
    for (int i = 0; i < PB__TR_COUNT; i++)
        if (c->tr[i])
            utrans_close(c->tr[i]);
    if (c->wb)
        ubrk_close(c->wb);
    free(c->u16);
    free(c->nf);
    free(c->tmp16);
    free(c->map16);
    free(c->cps);
    pb_buf_release(&c->txt);
    pb_buf_release(&c->tmp);
    free(c->toks);
    free(c->toks2);
    free(c->fa);
    free(c->fb);
    free(c->fc);
    free(c->rom);
    pb__rcache_free(c->rcache);
    free(c);
    tls_ctx = NULL;
}

static void tkey_make(void)
{
    tkey_ok = pthread_key_create(&tkey, tctx_free) == 0;
}

struct pb__tctx *pb__tctx_get(void)
{
    struct pb__tctx *c = tls_ctx;
    if (c)
        return c;
    pthread_once(&tkey_once, tkey_make);
    if (!(c = calloc(1, sizeof(*c))))
        return NULL;
    c->toks = malloc(TOKCAP * sizeof(*c->toks));
    c->toks2 = malloc(TOKCAP * sizeof(*c->toks2));
    if (!c->toks || !c->toks2) {
        free(c->toks);
        free(c->toks2);
        free(c);
        return NULL;
    }
    c->tokcap = TOKCAP;
    /* the destructor frees the context when the thread ends */
    if (tkey_ok)
        pthread_setspecific(tkey, c);
    tls_ctx = c;
    return c;
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc;

static void init_run(void)
{
    init_rc = pb__han_load();
    if (!init_rc)
        init_rc = pb__lex_load();
}

int pb__names_init(void)
{
    pthread_once(&init_once, init_run);
    return init_rc;
}

int pb__buf_addcp(struct pb_buf *b, UChar32 c)
{
    char u[4];
    size_t n;
    if (c < 0x80) {
        u[0] = (char)c;
        n = 1;
    } else if (c < 0x800) {
        u[0] = (char)(0xC0 | (c >> 6));
        u[1] = (char)(0x80 | (c & 0x3F));
        n = 2;
    } else if (c < 0x10000) {
        u[0] = (char)(0xE0 | (c >> 12));
        u[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        u[2] = (char)(0x80 | (c & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (c >> 18));
        u[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((c >> 6) & 0x3F));
        u[3] = (char)(0x80 | (c & 0x3F));
        n = 4;
    }
    return pb_buf_add(b, u, n);
}

static void *grow_to(void *p, size_t *cap, size_t need, size_t elem)
{
    size_t nc;
    void *q;
    if (*cap >= need)
        return p;
    nc = *cap ? *cap : 64;
    while (nc < need)
        nc *= 2;
    if (!(q = realloc(p, nc * elem)))
        return NULL;
    *cap = nc;
    return q;
}

/* ---- tokenizing ---- */

#define SC_DIGIT (-2)

static int is_cjk(int sc)
{
    return sc == USCRIPT_HAN || sc == USCRIPT_HIRAGANA || sc == USCRIPT_KATAKANA || sc == USCRIPT_HANGUL;
}

static int is_lcg(int sc)
{
    return sc == USCRIPT_LATIN || sc == USCRIPT_CYRILLIC || sc == USCRIPT_GREEK;
}

/* Characters that join the letters around them: O'Brien = OBrien, Tszin'pin = Tszinpin. */
static int is_apostrophe(UChar32 c)
{
    switch (c) {
    case 0x27: case 0x60: case 0xB4: case 0x2018: case 0x2019: case 0x201B: case 0x2032:
    case 0x02B9: case 0x02BA: case 0x02BB: case 0x02BC: case 0x02BD: case 0x02BE: case 0x02BF:
    case 0x055A: case 0x05F3: case 0x05F4: case 0x0640: case 0xFF07:
        return 1;
    default:
        return 0;
    }
}

static int is_hyphen(UChar32 c)
{
    return c == '-' || (c >= 0x2010 && c <= 0x2014) || c == 0x2212 || c == 0x058A || c == 0x05BE ||
           c == 0xFE63 || c == 0xFF0D;
}

/* Latin, Cyrillic and Greek letters that look alike: a word typed with a mix of them
 * ("OОО" with a Latin O) is read in the script of most of its letters. */
static const struct { UChar32 lat, cyr, grk; } lookalikes[] = {
    {'a', 0x0430, 0x03B1}, {'b', 0x0432, 0x03B2}, {'c', 0x0441, 0}, {'e', 0x0435, 0x03B5},
    {'h', 0x043D, 0x03B7}, {'i', 0x0456, 0x03B9}, {'j', 0x0458, 0}, {'k', 0x043A, 0x03BA},
    {'m', 0x043C, 0x03BC}, {'o', 0x043E, 0x03BF}, {'p', 0x0440, 0x03C1}, {'t', 0x0442, 0x03C4},
    {'x', 0x0445, 0x03C7}, {'y', 0x0443, 0x03C5}, {'s', 0x0455, 0}, {'z', 0, 0x03B6},
    {'n', 0, 0x03BD},
};

static UChar32 lookalike(UChar32 c, int from, int to)
{
    for (size_t i = 0; i < sizeof(lookalikes) / sizeof(lookalikes[0]); i++) {
        UChar32 f = from == USCRIPT_LATIN ? lookalikes[i].lat
                    : from == USCRIPT_CYRILLIC ? lookalikes[i].cyr : lookalikes[i].grk;
        UChar32 t = to == USCRIPT_LATIN ? lookalikes[i].lat
                    : to == USCRIPT_CYRILLIC ? lookalikes[i].cyr : lookalikes[i].grk;
        if (f == c && t)
            return t;
    }
    return c;
}

static int is_mark(UChar32 c)
{
    int8_t t = u_charType(c);
    return t == U_NON_SPACING_MARK || t == U_COMBINING_SPACING_MARK || t == U_ENCLOSING_MARK;
}

/* Language of a Cyrillic or Arabic-script name from its letters. */
#define LB_UK 1
#define LB_I 2
#define LB_BE 4
#define LB_RU 8
#define LB_SR 16
#define LB_MK 32
#define LB_FA 64
#define LB_UR 128
#define LB_KK 256
#define LB_MN 512

static unsigned lang_bit(UChar32 c)
{
    switch (c) {
    case 0x0457: case 0x0454: case 0x0491: return LB_UK;              /* ї є ґ */
    case 0x0456: return LB_I;                                          /* і */
    case 0x045E: return LB_BE;                                         /* ў */
    case 0x044B: case 0x044D: case 0x044A: case 0x0451: return LB_RU;  /* ы э ъ ё */
    case 0x0452: case 0x045B: case 0x0458: case 0x0459: case 0x045A: case 0x045F: return LB_SR;
    case 0x0453: case 0x045C: case 0x0455: return LB_MK;
    case 0x04D9: case 0x0493: case 0x049B: case 0x04A3: case 0x04B1: case 0x04BB: return LB_KK;  /* ә ғ қ ң ұ һ */
    case 0x04E9: case 0x04AF: return LB_MN;                                                     /* ө ү */
    case 0x067E: case 0x0686: case 0x0698: case 0x06AF: case 0x06A9: case 0x06CC: return LB_FA;
    case 0x0679: case 0x0688: case 0x0691: case 0x06BA: case 0x06D2: case 0x06C1: case 0x06BE: return LB_UR;
    default: return 0;
    }
}

static int lang_of(unsigned bits)
{
    if (bits & LB_SR)
        return PB__LANG_SR;
    if (bits & LB_MK)
        return PB__LANG_MK;
    if (bits & LB_KK)
        return PB__LANG_KK;
    if (bits & LB_MN)
        return PB__LANG_MN;
    if (bits & LB_BE)
        return PB__LANG_BE;
    if (bits & LB_UK)
        return PB__LANG_UK;
    if (bits & LB_I)
        return (bits & LB_RU) ? PB__LANG_BE : PB__LANG_UK;
    if (bits & LB_UR)
        return PB__LANG_UR;
    if (bits & LB_FA)
        return PB__LANG_FA;
    return (bits & LB_RU) ? PB__LANG_DEFAULT : PB__LANG_RUUK;
}

static int strip_marks(int sc)
{
    return sc == USCRIPT_LATIN || sc == USCRIPT_GREEK || sc == USCRIPT_CYRILLIC || sc == USCRIPT_ARABIC ||
           sc == USCRIPT_HEBREW || sc == USCRIPT_ARMENIAN || sc == USCRIPT_GEORGIAN;
}

struct tokst {
    struct pb__tctx *c;
    size_t k;             /* code points of the current token in c->cps */
    int sc;               /* its script (SC_DIGIT: only digits so far) */
    int nlat, ncyr, ngrk;
    int hy;               /* separators since the last token were hyphens only */
    int sep;              /* separators seen since the last token */
    int dot;              /* they were exactly one "." */
    unsigned langbits;
    int err;
};

static int push_tok(struct pb__tctx *c, const struct pb__tok *t)
{
    if (c->ntoks >= PB__MAX_TOKS)
        return 0;
    c->toks[c->ntoks++] = *t;
    return 0;
}

/* Fold the code points of the current token into c->txt and add the token. */
static int flush_tok(struct tokst *s)
{
    struct pb__tctx *c = s->c;
    struct pb__tok t;
    int sc = s->sc, rc;
    size_t start = c->txt.len;
    int has_alt = 0;
    struct pb_buf *b = &c->txt;
    if (!s->k)
        return 0;
    if (sc == SC_DIGIT)
        sc = USCRIPT_LATIN;
    if (is_lcg(sc)) {
        sc = USCRIPT_LATIN;
        if (s->ncyr > s->nlat && s->ncyr >= s->ngrk)
            sc = USCRIPT_CYRILLIC;
        else if (s->ngrk > s->nlat && s->ngrk > s->ncyr)
            sc = USCRIPT_GREEK;
    }
    memset(&t, 0, sizeof(t));
    t.usc = (int16_t)sc;
    for (size_t i = 0; i < s->k; i++) {
        UChar32 ch = c->cps[i];
        char a[4];
        int n;
        if (is_mark(ch)) {
            if (strip_marks(sc))
                continue;
            if ((rc = pb__buf_addcp(b, ch)))
                return rc;
            continue;
        }
        if (is_lcg(sc) && ch >= 0x80) {
            UErrorCode st = U_ZERO_ERROR;
            int chs = uscript_getScript(ch, &st);
            if (is_lcg(chs) && chs != sc)
                ch = lookalike(ch, chs, sc);
        } else if (sc == USCRIPT_CYRILLIC && ch < 0x80) {
            ch = lookalike(ch, USCRIPT_LATIN, USCRIPT_CYRILLIC);
        } else if (sc == USCRIPT_GREEK && ch < 0x80) {
            ch = lookalike(ch, USCRIPT_LATIN, USCRIPT_GREEK);
        }
        switch (sc) {
        case USCRIPT_LATIN:
            if (ch < 0x80) {
                rc = pb_buf_addc(b, (char)ch);
                break;
            }
            if (ch == 0xE4 || ch == 0xF6 || ch == 0xFC)
                has_alt = 1;
            n = pb__latin_ascii(ch, a);
            rc = n > 0 ? pb_buf_add(b, a, (size_t)n) : n == 0 ? 0 : pb__buf_addcp(b, ch);
            break;
        case USCRIPT_CYRILLIC:
            if (ch == 0x0451 || ch == 0x0450)
                ch = 0x0435;
            else if (ch == 0x045D)
                ch = 0x0438;
            rc = pb__buf_addcp(b, ch);
            break;
        case USCRIPT_HEBREW:
            /* final forms read as the plain letters */
            if (ch == 0x05DA || ch == 0x05DD || ch == 0x05DF || ch == 0x05E3 || ch == 0x05E5)
                ch += 1;
            rc = pb__buf_addcp(b, ch);
            break;
        case USCRIPT_GREEK:
        case USCRIPT_ARABIC:
            ch = pb__base_letter(ch);
            if (ch == 0x0671)
                ch = 0x0627;
            rc = pb__buf_addcp(b, ch);
            break;
        case USCRIPT_HAN:
            rc = pb__buf_addcp(b, (UChar32)pb__han_simp((uint32_t)ch));
            break;
        case USCRIPT_HIRAGANA:
        case USCRIPT_KATAKANA:
            if ((ch >= 0x3041 && ch <= 0x3096) || ch == 0x309D || ch == 0x309E)
                ch += 0x60;
            t.usc = USCRIPT_KATAKANA;
            rc = pb__buf_addcp(b, ch);
            break;
        default:
            rc = pb__buf_addcp(b, ch);
        }
        if (rc)
            return rc;
    }
    t.off = (uint32_t)start;
    t.len = (uint32_t)(b->len - start);
    if (has_alt) {
        /* the German spelling of the umlauts as an alternative: Müller = Mueller */
        t.aoff = (uint32_t)b->len;
        for (size_t i = 0; i < s->k; i++) {
            UChar32 ch = c->cps[i];
            char a[4];
            int n;
            if (is_mark(ch))
                continue;
            if (ch < 0x80) {
                rc = pb_buf_addc(b, (char)ch);
            } else if (ch == 0xE4 || ch == 0xF6 || ch == 0xFC) {
                char two[2] = {ch == 0xE4 ? 'a' : ch == 0xF6 ? 'o' : 'u', 'e'};
                rc = pb_buf_add(b, two, 2);
            } else {
                n = pb__latin_ascii(ch, a);
                rc = n > 0 ? pb_buf_add(b, a, (size_t)n) : n == 0 ? 0 : pb__buf_addcp(b, ch);
            }
            if (rc)
                return rc;
        }
        t.alen = (uint32_t)(b->len - t.aoff);
    }
    s->k = 0;
    s->nlat = s->ncyr = s->ngrk = 0;
    s->sc = 0;
    if (!t.len) {
        b->len = start;
        return 0;
    }
    return push_tok(c, &t);
}

/* Is the token a single code point (an initial)? */
static int one_cp(const struct pb__tctx *c, const struct pb__tok *t)
{
    size_t i = 0;
    if (!t->len)
        return 0;
    pb__utf8_next(c->txt.s + t->off, t->len, &i);
    return i == t->len;
}

static int add_cp(struct tokst *s, UChar32 ch, int sc)
{
    struct pb__tctx *c = s->c;
    void *q;
    if (!(q = grow_to(c->cps, &c->cpscap, s->k + 1, sizeof(UChar32))))
        return PROBITY_ENOMEM;
    c->cps = q;
    if (s->k == 0) {
        /* a new token: the separators before it tell whether the previous one had a hyphen */
        if (s->hy && s->sep && c->ntoks)
            c->toks[c->ntoks - 1].flags |= PB__T_HYPHEN;
        if (s->dot && s->sep == 1 && c->ntoks && one_cp(c, &c->toks[c->ntoks - 1]))
            c->toks[c->ntoks - 1].flags |= PB__T_DOT;
        s->hy = 1;
        s->sep = 0;
        s->dot = 0;
        s->sc = sc;
    } else if (s->sc == SC_DIGIT && sc != SC_DIGIT && sc != USCRIPT_COMMON && sc != USCRIPT_INHERITED) {
        s->sc = sc;
    }
    if (sc == USCRIPT_LATIN)
        s->nlat++;
    else if (sc == USCRIPT_CYRILLIC)
        s->ncyr++;
    else if (sc == USCRIPT_GREEK)
        s->ngrk++;
    c->cps[s->k++] = ch;
    return 0;
}

/* Does a character of script sc continue the current token? */
static int continues(const struct tokst *s, int sc)
{
    int cur = s->sc;
    if (!s->k)
        return 1;
    if (sc == USCRIPT_COMMON || sc == USCRIPT_INHERITED)
        return 1;
    if (sc == SC_DIGIT)
        return !is_cjk(cur);
    if (cur == SC_DIGIT)
        return !is_cjk(sc);
    if (is_lcg(cur) && is_lcg(sc))
        return 1;
    return cur == sc;
}

static int separator(struct tokst *s, UChar32 ch)
{
    int rc;
    if (s->k && (rc = flush_tok(s)))
        return rc;
    s->sep++;
    s->dot = ch == '.';
    if (!is_hyphen(ch))
        s->hy = 0;
    return 0;
}

static int ends_with(const char *s, size_t n, const char *e)
{
    size_t k = strlen(e);
    return n >= k && memcmp(s + n - k, e, k) == 0;
}

/* Cyrillic without і ї є ґ may still be Ukrainian: the soft sign of -ський / -цький, the
 * surnames in -енко. Only then is a name also read the Ukrainian way. */
static int ukrainian_spelling(const struct pb__tctx *c)
{
    for (size_t i = 0; i < c->ntoks; i++) {
        const struct pb__tok *t = &c->toks[i];
        const char *s = c->txt.s + t->off;
        if (t->usc != USCRIPT_CYRILLIC)
            continue;
        if (ends_with(s, t->len, "\xd0\xb5\xd0\xbd\xd0\xba\xd0\xbe"))                   /* -енко */
            return 1;
        for (size_t j = 0; j + 6 <= t->len; j++)
            if (memcmp(s + j + 2, "\xd1\x8c\xd0\xba", 4) == 0 &&                        /* ?ьк */
                (memcmp(s + j, "\xd1\x81", 2) == 0 || memcmp(s + j, "\xd1\x86", 2) == 0 ||
                 memcmp(s + j, "\xd0\xb7", 2) == 0))                                     /* с ц з */
                return 1;
    }
    return 0;
}

int pb__tokenize(struct pb__tctx *c, const char *str, size_t n, int *lang)
{
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfkc = unorm2_getNFKCCasefoldInstance(&st);
    int32_t n16 = 0, nn, i = 0;
    struct tokst s;
    void *q;
    int rc;
    if (U_FAILURE(st))
        return PROBITY_EINVAL;
    if (!(q = grow_to(c->u16, &c->u16cap, n + 1, sizeof(UChar))))
        return PROBITY_ENOMEM;
    c->u16 = q;
    u_strFromUTF8(c->u16, (int32_t)c->u16cap, &n16, str, (int32_t)n, &st);
    if (U_FAILURE(st))
        return PROBITY_EENCODING;
    for (;;) {
        if (!(q = grow_to(c->nf, &c->nfcap, (size_t)n16 * 2 + 16, sizeof(UChar))))
            return PROBITY_ENOMEM;
        c->nf = q;
        st = U_ZERO_ERROR;
        nn = unorm2_normalize(nfkc, c->u16, n16, c->nf, (int32_t)c->nfcap, &st);
        if (st == U_BUFFER_OVERFLOW_ERROR) {
            if (!(q = grow_to(c->nf, &c->nfcap, (size_t)nn + 16, sizeof(UChar))))
                return PROBITY_ENOMEM;
            c->nf = q;
            st = U_ZERO_ERROR;
            nn = unorm2_normalize(nfkc, c->u16, n16, c->nf, (int32_t)c->nfcap, &st);
        }
        break;
    }
    if (U_FAILURE(st))
        return PROBITY_EINVAL;
    memset(&s, 0, sizeof(s));
    s.c = c;
    while (i < nn) {
        UChar32 ch;
        int sc;
        int8_t ty;
        U16_NEXT(c->nf, i, nn, ch);
        if (is_apostrophe(ch) || ch == 0x200C || ch == 0x200D)
            continue;
        ty = u_charType(ch);
        switch (ty) {
        case U_NON_SPACING_MARK:
        case U_COMBINING_SPACING_MARK:
        case U_ENCLOSING_MARK:
            if (s.k && (rc = add_cp(&s, ch, USCRIPT_INHERITED)))
                return rc;
            continue;
        case U_DECIMAL_DIGIT_NUMBER:
            ch = '0' + u_charDigitValue(ch);
            sc = SC_DIGIT;
            break;
        case U_UPPERCASE_LETTER:
        case U_LOWERCASE_LETTER:
        case U_TITLECASE_LETTER:
        case U_MODIFIER_LETTER:
        case U_OTHER_LETTER:
            st = U_ZERO_ERROR;
            sc = uscript_getScript(ch, &st);
            s.langbits |= lang_bit(ch);
            break;
        default:
            if ((rc = separator(&s, ch)))
                return rc;
            if (ch == '&') {
                struct pb__tok t;
                memset(&t, 0, sizeof(t));
                t.off = (uint32_t)c->txt.len;
                t.len = 3;
                t.usc = USCRIPT_LATIN;
                if ((rc = pb_buf_add(&c->txt, "and", 3)) || (rc = push_tok(c, &t)))
                    return rc;
                s.hy = 0;
            }
            continue;
        }
        if (!continues(&s, sc) && (rc = flush_tok(&s)))
            return rc;
        if ((rc = add_cp(&s, ch, sc)))
            return rc;
    }
    if ((rc = flush_tok(&s)))
        return rc;
    if (lang) {
        *lang = lang_of(s.langbits);
        if (*lang == PB__LANG_RUUK && !ukrainian_spelling(c))
            *lang = PB__LANG_DEFAULT;
    }
    return 0;
}

/* The fast path for pure-ASCII names: no ICU, one pass over the bytes. */
static int tokenize_ascii(struct pb__tctx *c, const char *str, size_t n)
{
    struct pb__tok t;
    int in = 0, hy = 0, sep = 0, dot = 0, rc;
    memset(&t, 0, sizeof(t));
    t.usc = USCRIPT_LATIN;
    for (size_t i = 0; i <= n; i++) {
        int ch = i < n ? (unsigned char)str[i] : ' ';
        if (ch >= 'A' && ch <= 'Z')
            ch += 'a' - 'A';
        if (pb__is_ascii_lower(ch) || pb__is_ascii_digit(ch)) {
            if (!in) {
                if (hy && sep && c->ntoks)
                    c->toks[c->ntoks - 1].flags |= PB__T_HYPHEN;
                if (dot && sep == 1 && c->ntoks && c->toks[c->ntoks - 1].len == 1)
                    c->toks[c->ntoks - 1].flags |= PB__T_DOT;
                hy = 1;
                sep = 0;
                dot = 0;
                t.off = (uint32_t)c->txt.len;
                in = 1;
            }
            if ((rc = pb_buf_addc(&c->txt, (char)ch)))
                return rc;
            continue;
        }
        if (ch == '\'' || ch == '`')
            continue;
        if (in) {
            t.len = (uint32_t)(c->txt.len - t.off);
            if ((rc = push_tok(c, &t)))
                return rc;
            in = 0;
        }
        sep++;
        dot = ch == '.';
        if (ch != '-')
            hy = 0;
        if (ch == '&') {
            t.off = (uint32_t)c->txt.len;
            t.len = 3;
            if ((rc = pb_buf_add(&c->txt, "and", 3)) || (rc = push_tok(c, &t)))
                return rc;
        }
    }
    return 0;
}

/* Original-script folding beyond the first step: the Arabic letters that names spell
 * either way (alef maqsura / yeh, ta marbuta / heh, Persian and Arabic kaf and yeh). */
int pb__orig_fold(int usc, const char *s, size_t n, struct pb_buf *b)
{
    size_t i = 0;
    int rc;
    if (usc != USCRIPT_ARABIC)
        return pb_buf_add(b, s, n);
    while (i < n) {
        UChar32 ch = pb__utf8_next(s, n, &i);
        switch (ch) {
        case 0x0649: case 0x06CC: case 0x06D2: case 0x06D0: ch = 0x064A; break;
        case 0x0629: case 0x06C1: case 0x06BE: case 0x06D5: ch = 0x0647; break;
        case 0x06A9: ch = 0x0643; break;
        default: break;
        }
        if ((rc = pb__buf_addcp(b, ch)))
            return rc;
    }
    return 0;
}

/* ---- forms ---- */

/* A token of a form: a literal (lexicon text) or a slice of c->txt. */
struct ftok {
    const char *lit;
    uint32_t off, len;
    uint8_t kind, flags;
    uint16_t src;       /* index of the token it was copied from; NOSRC for new text */
};
#define NOSRC 0xFFFF

static const char *ft_str(const struct pb__tctx *c, const struct ftok *t)
{
    return t->lit ? t->lit : c->txt.s + t->off;
}

static int ft_is(const struct pb__tctx *c, const struct ftok *t, const char *w)
{
    size_t n = strlen(w);
    return t->len == n && memcmp(ft_str(c, t), w, n) == 0;
}

static struct ftok ft_lit(const char *w, uint8_t kind, uint8_t flags)
{
    struct ftok t = {w, 0, (uint32_t)strlen(w), kind, flags, NOSRC};
    return t;
}

/* Push the space-separated words of a literal or of a slice. */
static void ft_push_words(struct ftok *v, size_t *n, const char *base, const char *lit, uint32_t off, uint32_t len,
                          uint8_t kind, uint8_t flags)
{
    const char *s = lit ? lit : base + off;
    uint32_t i = 0;
    while (i < len) {
        uint32_t j;
        while (i < len && s[i] == ' ')
            i++;
        j = i;
        while (j < len && s[j] != ' ')
            j++;
        if (j > i && *n < FTOKCAP) {
            struct ftok t = {lit ? lit + i : NULL, lit ? 0 : off + i, j - i, kind,
                             (uint8_t)(flags & ~PB__T_HYPHEN), NOSRC};
            if (j == len)
                t.flags = flags;
            v[(*n)++] = t;
        }
        i = j;
    }
}

static inline int starts(const char *s, size_t n, const char *p)
{
    /* most calls fail on the first letter: no strlen, no memcmp */
    for (size_t i = 0; p[i]; i++)
        if (i >= n || s[i] != p[i])
            return 0;
    return 1;
}

static int in_list(const char *s, size_t n, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strlen(list[i]) == n && memcmp(s, list[i], n) == 0)
            return 1;
    return 0;
}

static const char *const abd_family[] = {"abdallah", "abdalla", "abdulla", "abdullah", "abdollah", "abdolah",
                                         "abdellah", "abdella", "abdoullah", "abdulah", NULL};
static const char *const abd_words[] = {"abd", "abdel", "abdul", "abdal", "abdol", "abdoul", "abdil", "abdu", "abdur",
                                        "abdus", "abdun", "abdush", "abdar", "abdas", "abdan", "abdel", NULL};
/* attached prefixes, longest first; a trailing consonant must be repeated by the rest
 * ("abdurrahman") unless it is the article's l */
static const char *const abd_prefixes[] = {"abdoul", "abdush", "abdash", "abdesh", "abdul", "abdel", "abdal",
                                           "abdol", "abdil", "abdur", "abdus", "abdun", "abdud", "abdut", "abduz",
                                           "abdar", "abdas", "abdan", "abder", "abdes", "abden", "abded", "abdet",
                                           "abdez", NULL};
static const char *const din_suffixes[] = {"uddin", "uddeen", "eddine", "eddin", "addin", "aldin", "uldin",
                                           "oddin", "ud-din", NULL};
static const char *const article_after[] = {"allah", "ullah", "illah", "ellah", "lah", "llah", NULL};

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!pb__is_ascii_digit(s[i]))
            return 0;
    return n > 0;
}

static int single_letter(const struct pb__tctx *c, const struct ftok *t)
{
    return t->len == 1 && pb__is_ascii_lower(ft_str(c, t)[0]) && !(t->flags & PB__T_CANON);
}

/* Letters written with dots and no spaces are an acronym: A.B.C. = ABC. */
static size_t join_acronyms(struct pb__tctx *c, struct ftok *v, size_t n)
{
    size_t m = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && (v[j].flags & PB__T_DOT) && single_letter(c, &v[j]) && single_letter(c, &v[j + 1]))
            j++;
        if (j == i) {
            v[m++] = v[i++];
            continue;
        }
        {
            struct ftok t = v[j];
            size_t start = c->txt.len;
            for (size_t k = i; k <= j; k++)
                if (pb_buf_addc(&c->txt, ft_str(c, &v[k])[0]))
                    return n;
            t.lit = NULL;
            t.off = (uint32_t)start;
            t.len = (uint32_t)(j - i + 1);
            v[m++] = t;
        }
        i = j + 1;
    }
    return m;
}

/* Rules for Latin tokens of any origin: ordinals, the Arabic article, bin/ibn, "abd al X"
 * compounds, "ud-din" endings. Writes to out, returns the count. */
static size_t latin_rules(const struct pb__tctx *c, struct ftok *v, size_t n, struct ftok *out)
{
    size_t m = 0;
    /* in place: ordinals, article, bin */
    for (size_t i = 0; i < n; i++) {
        struct ftok *t = &v[i];
        const char *s = ft_str(c, t);
        size_t L = t->len;
        if (t->flags & PB__T_CANON)
            continue;
        if (L >= 3 && pb__is_ascii_digit(s[0]) &&
            (starts(s + L - 2, 2, "st") || starts(s + L - 2, 2, "nd") || starts(s + L - 2, 2, "rd") ||
             starts(s + L - 2, 2, "th")) && all_digits(s, L - 2)) {
            t->len = (uint32_t)(L - 2);
            continue;
        }
        if (L == 2 && (starts(s, 2, "el") || ((t->flags & PB__T_HYPHEN) && (starts(s, 2, "al") ||
                                                                          starts(s, 2, "ul") || starts(s, 2, "il"))))) {
            *t = ft_lit("al", PB_TOK_STOP, t->flags);
            continue;
        }
        if ((t->flags & PB__T_HYPHEN) && i + 1 < n && L >= 2 && L <= 3 && (s[0] == 'a' || s[0] == 'e' || s[0] == 'u')) {
            /* sun-letter assimilation of the article: ad-Din, ar-Rahman, ash-Shami */
            static const char *const cons[] = {"d", "r", "s", "sh", "t", "z", "n", "dh", "th", NULL};
            const struct ftok *nx = &v[i + 1];
            if (in_list(s + 1, L - 1, cons) && nx->len > L - 1 && memcmp(ft_str(c, nx), s + 1, L - 1) == 0) {
                *t = ft_lit("al", PB_TOK_STOP, t->flags);
                continue;
            }
        }
        if ((L == 3 && (starts(s, 3, "ibn") || starts(s, 3, "bin"))) || (L == 2 && starts(s, 2, "bn")) ||
            (L == 3 && starts(s, 3, "ben") && i > 0)) {
            *t = ft_lit("bin", PB_TOK_STOP, t->flags);
            continue;
        }
        if ((L == 4 && starts(s, 4, "bint")) || (L == 5 && starts(s, 5, "binti")) || (L == 3 && starts(s, 3, "bte")))
            *t = ft_lit("bint", PB_TOK_STOP, t->flags);
    }
    for (size_t i = 0; i < n && m + 3 < FTOKCAP; i++) {
        struct ftok t = v[i];
        const char *s = ft_str(c, &t);
        size_t L = t.len;
        int done = 0;
        if (t.flags & PB__T_CANON) {
            out[m++] = t;
            continue;
        }
        if (L >= 3 && s[0] == 'a' && s[1] == 'b' && s[2] == 'd' && in_list(s, L, abd_family)) {
            out[m++] = ft_lit("abdullah", 0, t.flags);
            continue;
        }
        if (L >= 3 && s[0] == 'a' && s[1] == 'b' && s[2] == 'd' && in_list(s, L, abd_words)) {
            if (i + 1 < n && in_list(ft_str(c, &v[i + 1]), v[i + 1].len, article_after)) {
                out[m++] = ft_lit("abdullah", 0, v[i + 1].flags);
                i++;
                continue;
            }
            out[m++] = ft_lit("abdul", 0, t.flags);
            if (i + 1 < n && (ft_is(c, &v[i + 1], "al") || ft_is(c, &v[i + 1], "ul") || ft_is(c, &v[i + 1], "l")))
                i++;
            continue;
        }
        if (L > 6 && starts(s, L, "abd")) {
            for (size_t p = 0; abd_prefixes[p]; p++) {
                size_t pl = strlen(abd_prefixes[p]);
                const char *r = s + pl;
                size_t rl = L - pl;
                char last = abd_prefixes[p][pl - 1];
                /* a short rest must start with a consonant: Abdulhaq, but Abdoulaye is one name */
                if (!starts(s, L, abd_prefixes[p]) || rl < 3 || (rl == 3 && strchr("aeiouy", r[0])))
                    continue;
                if (starts(r, rl, "lah") || starts(r, rl, "llah"))
                    break;
                if (last != 'l' && r[0] != last)
                    continue;
                out[m++] = ft_lit("abdul", 0, 0);
                out[m] = t;
                if (t.lit)
                    out[m].lit += pl;
                else
                    out[m].off += (uint32_t)pl;
                out[m++].len = (uint32_t)rl;
                done = 1;
                break;
            }
            if (done)
                continue;
        }
        for (size_t p = 0; L >= 5 && (s[L - 1] == 'n' || s[L - 1] == 'e') && din_suffixes[p]; p++) {
            size_t pl = strlen(din_suffixes[p]);
            if (L < pl || memcmp(s + L - pl, din_suffixes[p], pl) != 0 || (L > pl && L - pl < 3))
                continue;
            if (L > pl) {
                out[m] = t;
                out[m].len = (uint32_t)(L - pl);
                out[m++].flags &= (uint8_t)~PB__T_HYPHEN;
            }
            out[m++] = ft_lit("al", PB_TOK_STOP, 0);
            out[m++] = ft_lit("din", 0, t.flags);
            done = 1;
            break;
        }
        if (done)
            continue;
        if (m > 0 && ft_is(c, &out[m - 1], "al") &&
            (ft_is(c, &t, "deen") || ft_is(c, &t, "dine") || ft_is(c, &t, "diin"))) {
            out[m++] = ft_lit("din", 0, t.flags);
            continue;
        }
        out[m++] = t;
    }
    return m;
}

/* East Slavic patronymics (and the family names made from them) end in one suffix that
 * every language spells its own way: -ovich in English, -owitsch in German, -owitsj in Dutch,
 * -ovitj in Scandinavian, -ovics in Hungarian, -ovici in Romanian, -ovitx in Catalan, -ovych
 * in Ukrainian, -avich in Belarusian, -owicz in Polish, -ović / -ovič in the South and West
 * Slavic languages. They are one spelling here, -ovich or -evich, so that a patronymic
 * written in any of them meets its other spellings within the edits of its stem. */
static const struct {
    const char *suffix;
    const char *canon;
} patronymic_suffixes[] = {
    {"ovitsch", "ovich"}, {"owitsch", "ovich"}, {"evitsch", "evich"}, {"ewitsch", "evich"},
    {"ovitch", "ovich"},  {"evitch", "evich"},  {"ovitsj", "ovich"},  {"owitsj", "ovich"},
    {"evitsj", "evich"},  {"ewitsj", "evich"},  {"ovitsh", "ovich"},  {"evitsh", "evich"},
    {"ovitj", "ovich"},   {"evitj", "evich"},   {"ovics", "ovich"},   {"evics", "evich"},
    {"ovici", "ovich"},   {"evici", "evich"},   {"ovitx", "ovich"},   {"evitx", "evich"},
    {"ovych", "ovich"},   {"evych", "evich"},   {"owicz", "ovich"},   {"ewicz", "evich"},
    {"avich", "ovich"},   {"avic", "ovich"},    {"ovic", "ovich"},    {"evic", "evich"},
};

static size_t patronymics(struct pb__tctx *c, struct ftok *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct ftok *t = &v[i];
        const char *s = ft_str(c, t);
        size_t L = t->len;
        if ((t->flags & PB__T_CANON) || L < 7)
            continue;
        for (size_t k = 0; k < sizeof(patronymic_suffixes) / sizeof(patronymic_suffixes[0]); k++) {
            size_t sl = strlen(patronymic_suffixes[k].suffix), start = c->txt.len;
            const char *canon = patronymic_suffixes[k].canon;
            /* a stem of three letters at least, itself Latin letters */
            if (L < sl + 3 || memcmp(s + L - sl, patronymic_suffixes[k].suffix, sl) != 0)
                continue;
            for (size_t j = 0; j < L - sl; j++)
                if (!pb__is_ascii_lower(s[j]))
                    return n;
            /* the stem may be in the buffer it is copied to: room first, then the copy */
            if (pb_buf_grow(&c->txt, L + strlen(canon)))
                return n;
            s = ft_str(c, t);
            if (pb_buf_add(&c->txt, s, L - sl) || pb_buf_adds(&c->txt, canon))
                return n;
            t->lit = NULL;
            t->off = (uint32_t)start;
            t->len = (uint32_t)(c->txt.len - start);
            break;
        }
    }
    return n;
}

static int phrase_allowed(const struct pb__lexent *e, int flags, size_t i, size_t len, size_t n)
{
    if (!(e->flags & PB__LEX_REPLACE))
        return 0;
    switch (e->kind) {
    case PB_TOK_LEGAL:
    case PB_TOK_ORGTYPE:
    case PB_TOK_GENERIC:
        if ((flags & PB_NAME_PERSON) && !(flags & PB_NAME_ORG))
            return 0;
        /* "s a", "l l c" are initials as often as legal forms: only at the end of a name of
         * unknown kind */
        if (!(flags & PB_NAME_ORG) && (e->flags & PB__LEX_LETTERS) && i + len != n)
            return 0;
        return 1;
    default:
        return 1;
    }
}

/* Replace lexicon phrases, longest first. only_script: 0 = every token; else only tokens not
 * in Latin script (the first pass on original-script tokens). */
static size_t replace_phrases(struct pb__tctx *c, const struct ftok *v, size_t n, struct ftok *out, int flags,
                              const int16_t *scripts)
{
    size_t m = 0;
    for (size_t i = 0; i < n;) {
        const struct ftok *t = &v[i];
        const struct pb__lexent *e1, *best = NULL;
        size_t bestlen = 0, maxlen;
        if ((t->flags & (PB__T_CANON | PB__T_SYLL)) || (scripts && scripts[i] == USCRIPT_LATIN)) {
            if (m < FTOKCAP)
                out[m++] = *t;
            i++;
            continue;
        }
        e1 = pb__lex_get(ft_str(c, t), t->len);
        maxlen = e1 ? e1->maxlen : 0;
        if (maxlen > n - i)
            maxlen = n - i;
        for (size_t L = maxlen; L >= 2 && !best; L--) {
            const struct pb__lexent *e;
            pb_buf_reset(&c->tmp);
            for (size_t j = 0; j < L; j++) {
                if (v[i + j].flags & (PB__T_CANON | PB__T_SYLL))
                    break;
                if (scripts && scripts[i + j] == USCRIPT_LATIN)
                    break;
                if (j)
                    pb_buf_addc(&c->tmp, ' ');
                pb_buf_add(&c->tmp, ft_str(c, &v[i + j]), v[i + j].len);
                if (j == L - 1 && (e = pb__lex_get(pb_buf_str(&c->tmp), c->tmp.len)) && e->ntok == L &&
                    phrase_allowed(e, flags, i, L, n)) {
                    best = e;
                    bestlen = L;
                }
            }
        }
        if (!best && e1 && e1->ntok == 1 && phrase_allowed(e1, flags, i, 1, n)) {
            best = e1;
            bestlen = 1;
        }
        if (!best) {
            if (m < FTOKCAP)
                out[m++] = *t;
            i++;
            continue;
        }
        {
            uint8_t fl = PB__T_CANON | ((best->flags & PB__LEX_POST) ? PB__T_POST : 0);
            size_t before = m;
            fl |= v[i + bestlen - 1].flags & PB__T_HYPHEN;
            ft_push_words(out, &m, NULL, best->canon, 0, (uint32_t)strlen(best->canon), best->kind, fl);
            /* a canonical "word" (a spelling variant) stays an ordinary word for later rules */
            if (best->kind == PB_TOK_WORD)
                for (size_t j = before; j < m; j++)
                    out[j].flags &= (uint8_t)~PB__T_CANON;
        }
        i += bestlen;
    }
    return m;
}

/* Person names lose leading honorifics, and trailing ones that are written after names. */
static size_t drop_honorifics(struct ftok *v, size_t n)
{
    size_t a = 0, b = n;
    while (a < n && v[a].kind == PB_TOK_HONORIFIC && (v[a].flags & PB__T_CANON))
        a++;
    while (b > a && v[b - 1].kind == PB_TOK_HONORIFIC && (v[b - 1].flags & (PB__T_POST)))
        b--;
    if (a == b)
        return n;
    if (a)
        memmove(v, v + a, (b - a) * sizeof(*v));
    return b - a;
}

struct formset {
    char *v[PB__MAX_FORMS];
    unsigned char orig[PB__MAX_FORMS];
    size_t n;
};

static int form_add(struct pb__tctx *c, struct formset *fs, const struct ftok *v, size_t n, int orig)
{
    struct pb_buf b = PB_BUF_INIT;
    int rc = 0;
    if (fs->n >= PB__MAX_FORMS)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!v[i].len)
            continue;
        if (b.len && (rc = pb_buf_addc(&b, ' ')))
            goto out;
        if ((rc = pb_buf_add(&b, ft_str(c, &v[i]), v[i].len)))
            goto out;
    }
    if (!b.len)
        goto out;
    for (size_t i = 0; i < fs->n; i++)
        if (strcmp(fs->v[i], b.s) == 0)
            goto out;
    fs->orig[fs->n] = (unsigned char)orig;
    fs->v[fs->n++] = b.s;
    b.s = NULL;
out:
    pb_buf_release(&b);
    return rc;
}

/* Hangul person names: "김정은" -> family name 김 + given name 정은. */
static int hangul_split(struct pb__tctx *c, int flags)
{
    struct pb__tok *t;
    size_t nsyl = 0, i = 0, cut = 0;
    const char *s;
    if (c->ntoks == 0 || (flags & PB_NAME_ORG) || c->toks[0].usc != USCRIPT_HANGUL)
        return 0;
    for (size_t k = 0; k < c->ntoks; k++)
        if (c->toks[k].usc != USCRIPT_HANGUL)
            return 0;
    t = &c->toks[0];
    s = c->txt.s + t->off;
    while (i < t->len) {
        pb__utf8_next(s, t->len, &i);
        nsyl++;
    }
    if (c->ntoks == 1) {
        if (nsyl < 2 || nsyl > 4)
            return 0;
        /* two-syllable family names first (each Hangul syllable is 3 bytes) */
        if (nsyl >= 3 && pb__lex_korean_surname(s, 6))
            cut = 6;
        else if (pb__lex_korean_surname(s, 3))
            cut = 3;
        if (!cut || c->ntoks + 1 > PB__MAX_TOKS)
            return 0;
        c->toks[1] = *t;
        c->toks[1].off += (uint32_t)cut;
        c->toks[1].len -= (uint32_t)cut;
        c->toks[1].flags |= PB__T_GIVEN;
        t->len = (uint32_t)cut;
        t->flags |= PB__T_SURNAME;
        c->ntoks = 2;
        return 0;
    }
    if (c->ntoks <= 3 && nsyl <= 2 && pb__lex_korean_surname(s, t->len)) {
        t->flags |= PB__T_SURNAME;
        for (size_t k = 1; k < c->ntoks; k++)
            c->toks[k].flags |= PB__T_GIVEN;
    }
    return 0;
}

struct rom {
    uint32_t off[PB__MAX_SYS], len[PB__MAX_SYS];
    int n;
};

struct han_alt {
    size_t tok;
    int ch, r;
};

/* The context's work arrays, allocated on first use. */
static int work_arrays(struct pb__tctx *c)
{
    if (!c->fa)
        c->fa = malloc(FTOKCAP * sizeof(struct ftok));
    if (!c->fb)
        c->fb = malloc(FTOKCAP * sizeof(struct ftok));
    if (!c->fc)
        c->fc = malloc(FTOKCAP * sizeof(struct ftok));
    if (!c->rom)
        c->rom = malloc(TOKCAP * sizeof(struct rom));
    return c->fa && c->fb && c->fc && c->rom ? 0 : PROBITY_ENOMEM;
}

/* Romanise every token in every system that applies, and the alternative Han readings. */
static int build_forms(struct pb__tctx *c, int flags, int lang, struct formset *fs)
{
    struct rom *rom;
    struct ftok *fa, *fb;
    struct han_alt alts[PB__MAX_SYS];
    uint32_t altoff[PB__MAX_SYS], altlen[PB__MAX_SYS];
    size_t nalts = 0, n = c->ntoks;
    int nsys = 1, any_orig = 0, rc = 0, npoly, dots = 0, k0 = 0, han_person = 0;
    if ((rc = work_arrays(c)))
        return rc;
    rom = c->rom;
    fa = c->fa;
    fb = c->fb;
    memset(rom, 0, n * sizeof(*rom));
    /* a Han name read as a person's in one part is a person's in all: every part takes the
     * same systems, so that no form mixes pinyin with Cantonese */
    for (size_t i = 0; i < n; i++)
        han_person |= c->toks[i].usc == USCRIPT_HAN && (c->toks[i].flags & (PB__T_SURNAME | PB__T_GIVEN));
    for (size_t i = 0; i < n; i++) {
        struct pb__tok *t = &c->toks[i];
        int person = (flags & PB_NAME_PERSON) || (t->flags & (PB__T_SURNAME | PB__T_GIVEN));
        int k;
        if (t->flags & PB__T_CANON)
            continue;
        if (t->usc == USCRIPT_LATIN) {
            const struct pb__lexent *e = t->alen ? pb__lex_get(c->txt.s + t->off, t->len) : NULL;
            rom[i].n = t->alen && !(e && (e->flags & PB__LEX_REPLACE)) ? 2 : 1;
            rom[i].off[0] = t->off;
            rom[i].len[0] = t->len;
            rom[i].off[1] = t->aoff;
            rom[i].len[1] = t->alen;
        } else {
            any_orig = 1;
            if (t->usc == USCRIPT_HAN)
                person = han_person;
            rom[i].n = pb__rom_systems(t->usc, lang, person);
            if (t->flags & PB__T_FOREIGN)
                rom[i].n = 3;   /* pinyin, and two readings of a transcription */
            if (rom[i].n > PB__MAX_SYS)
                rom[i].n = PB__MAX_SYS;
            for (k = 0; k < rom[i].n; k++) {
                size_t start = c->txt.len;
                pb_buf_reset(&c->tmp);
                if ((rc = pb__romanise(c, t, c->txt.s + t->off, lang, k, &c->tmp)))
                    goto out;
                if ((rc = pb_buf_add(&c->txt, pb_buf_str(&c->tmp), c->tmp.len)))
                    goto out;
                rom[i].off[k] = (uint32_t)start;
                rom[i].len[k] = (uint32_t)(c->txt.len - start);
            }
        }
        if (rom[i].n > nsys)
            nsys = rom[i].n;
    }
    /* a Han name of unknown kind split as a person's (华为 -> hua wei) is also read as one word */
    if (!(flags & (PB_NAME_PERSON | PB_NAME_ORG)))
        for (size_t i = 0; i + 1 < n && nsys + (int)nalts < PB__MAX_SYS; i++)
            if (c->toks[i].usc == USCRIPT_HAN && (c->toks[i].flags & PB__T_SURNAME) &&
                (c->toks[i + 1].flags & PB__T_GIVEN)) {
                alts[nalts].tok = i;
                alts[nalts].ch = -2;
                alts[nalts].r = 0;
                nalts++;
            }
    /* alternative readings of polyphonic Han characters, one per extra form: the second
     * reading of each of the first few such characters (more would be noise: most second
     * readings are rare) */
    npoly = 0;
    for (size_t i = 0; i < n && nsys + (int)nalts < PB__MAX_SYS && npoly < 3; i++) {
        struct pb__tok *t = &c->toks[i];
        const char *s = c->txt.s + t->off;
        size_t j = 0;
        int ch = 0;
        if (t->usc != USCRIPT_HAN || (t->flags & PB__T_CANON))
            continue;
        while (j < t->len && nsys + (int)nalts < PB__MAX_SYS) {
            size_t rl;
            UChar32 cp = pb__utf8_next(s, t->len, &j);
            const char *r = pb__han_readings((uint32_t)cp, &rl);
            int nr = 0;
            for (size_t q = 0; r && q < rl; q++)
                nr += r[q] == ',';
            if (nr >= 1 && npoly < 3 && nsys + (int)nalts < PB__MAX_SYS) {
                alts[nalts].tok = i;
                alts[nalts].ch = ch;
                alts[nalts].r = 1;
                nalts++;
                npoly++;
            }
            ch++;
        }
    }
    for (size_t a = 0; a < nalts; a++) {
        struct pb__tok *t = &c->toks[alts[a].tok];
        size_t start = c->txt.len;
        pb_buf_reset(&c->tmp);
        if (alts[a].ch == -2) {
            const struct rom *r1 = &rom[alts[a].tok], *r2 = &rom[alts[a].tok + 1];
            if ((rc = pb_buf_add(&c->tmp, c->txt.s + r1->off[0], r1->len[0])) ||
                (rc = pb_buf_add(&c->tmp, c->txt.s + r2->off[0], r2->len[0])))
                goto out;
        } else {
            pb__han_pinyin(c->txt.s + t->off, t->len, (t->flags & PB__T_SURNAME) != 0, alts[a].ch, alts[a].r, 0,
                           &c->tmp);
        }
        if ((rc = pb_buf_add(&c->txt, pb_buf_str(&c->tmp), c->tmp.len)))
            goto out;
        altoff[a] = (uint32_t)start;
        altlen[a] = (uint32_t)(c->txt.len - start);
    }
    /* acronyms: joined in organisation names, kept as initials in person names, both for a
     * name of unknown kind (one more form) */
    for (size_t i = 0; i < n; i++)
        if (c->toks[i].flags & PB__T_DOT)
            dots = 1;
    for (int k = 0; k < nsys + (int)nalts + (dots && !(flags & (PB_NAME_PERSON | PB_NAME_ORG))); k++) {
        size_t m = 0, m2;
        int join = dots && ((flags & PB_NAME_ORG) || k == nsys + (int)nalts);
        if (k == nsys + (int)nalts)
            k0 = 1;
        for (size_t i = 0; i < n; i++) {
            struct pb__tok *t = &c->toks[i];
            uint8_t fl = t->flags & (PB__T_HYPHEN | PB__T_CANON | PB__T_POST | PB__T_DOT);
            if (t->flags & PB__T_CANON) {
                ft_push_words(fa, &m, c->txt.s, NULL, t->off, t->len, t->kind, fl);
                continue;
            }
            if (k >= nsys && k < nsys + (int)nalts && alts[k - nsys].tok == i) {
                ft_push_words(fa, &m, c->txt.s, NULL, altoff[k - nsys], altlen[k - nsys], 0, fl);
                if (alts[k - nsys].ch == -2)
                    i++;   /* the given name was joined to the family name */
                continue;
            }
            {
                int s = k < rom[i].n && !k0 ? k : 0;
                /* the syllables of a Han or Hangul name are not lexicon words (hon, de, la) */
                if (t->usc == USCRIPT_HAN || t->usc == USCRIPT_HANGUL)
                    fl |= PB__T_SYLL;
                ft_push_words(fa, &m, c->txt.s, NULL, rom[i].off[s], rom[i].len[s], 0, fl);
            }
        }
        if (join)
            m = join_acronyms(c, fa, m);
        m2 = latin_rules(c, fa, m, fb);
        m2 = patronymics(c, fb, m2);
        m = replace_phrases(c, fb, m2, fa, flags, NULL);
        if (flags & PB_NAME_PERSON)
            m = drop_honorifics(fa, m);
        if ((rc = form_add(c, fs, fa, m, 0)))
            goto out;
    }
    if (any_orig) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            struct pb__tok *t = &c->toks[i];
            uint8_t fl = t->flags & (PB__T_HYPHEN | PB__T_CANON | PB__T_POST);
            if (t->usc == USCRIPT_ARABIC && !(t->flags & PB__T_CANON)) {
                size_t start = c->txt.len;
                pb_buf_reset(&c->tmp);
                if ((rc = pb__orig_fold(t->usc, c->txt.s + t->off, t->len, &c->tmp)) ||
                    (rc = pb_buf_add(&c->txt, pb_buf_str(&c->tmp), c->tmp.len)))
                    goto out;
                ft_push_words(fa, &m, c->txt.s, NULL, (uint32_t)start, (uint32_t)(c->txt.len - start), 0, fl);
            } else {
                ft_push_words(fa, &m, c->txt.s, NULL, t->off, t->len, t->kind, fl);
            }
        }
        if (flags & PB_NAME_PERSON)
            m = drop_honorifics(fa, m);
        if ((rc = form_add(c, fs, fa, m, 1)))
            goto out;
    }
out:
    return rc;
}

/* Replace lexicon phrases among the original-script tokens (before romanisation), so that
 * "общество с ограниченной ответственностью" becomes one canonical token in every form. */
static int orig_phrases(struct pb__tctx *c, int flags)
{
    struct ftok *v, *w;
    int16_t scr[TOKCAP];
    size_t n = c->ntoks, m;
    int rc = 0, any = 0;
    for (size_t i = 0; i < n; i++)
        if (c->toks[i].usc != USCRIPT_LATIN && c->toks[i].usc != USCRIPT_HAN && !(c->toks[i].flags & PB__T_CANON))
            any = 1;
    if (!any)
        return 0;
    if ((rc = work_arrays(c)))
        return rc;
    v = c->fa;
    w = c->fc;
    for (size_t i = 0; i < n; i++) {
        struct pb__tok *t = &c->toks[i];
        v[i].lit = NULL;
        v[i].src = (uint16_t)i;
        v[i].kind = t->kind;
        v[i].flags = t->flags;
        scr[i] = (t->usc == USCRIPT_HAN) ? USCRIPT_LATIN : t->usc;   /* Han was done by the splitter */
        if (t->usc == USCRIPT_ARABIC && !(t->flags & PB__T_CANON)) {
            size_t start = c->txt.len;
            pb_buf_reset(&c->tmp);
            if ((rc = pb__orig_fold(t->usc, c->txt.s + t->off, t->len, &c->tmp)) ||
                (rc = pb_buf_add(&c->txt, pb_buf_str(&c->tmp), c->tmp.len)))
                goto out;
            v[i].off = (uint32_t)start;
            v[i].len = (uint32_t)(c->txt.len - start);
        } else {
            v[i].off = t->off;
            v[i].len = t->len;
        }
    }
    m = replace_phrases(c, v, n, w, flags, scr);
    {
        int same = m == n;
        for (size_t i = 0; i < m && same; i++)
            same = w[i].src == i;
        if (same)
            goto out;
    }
    /* rebuild the token list: canonical tokens become literal text in c->txt */
    {
        size_t k = 0;
        for (size_t j = 0; j < m && k < c->tokcap; j++) {
            struct pb__tok t;
            if (w[j].src != NOSRC) {
                c->toks2[k++] = c->toks[w[j].src];
                continue;
            }
            memset(&t, 0, sizeof(t));
            t.off = (uint32_t)c->txt.len;
            t.len = w[j].len;
            t.usc = USCRIPT_LATIN;
            t.flags = w[j].flags;
            t.kind = w[j].kind;
            if ((rc = pb_buf_add(&c->txt, w[j].lit, w[j].len)))
                goto out;
            c->toks2[k++] = t;
        }
        memcpy(c->toks, c->toks2, k * sizeof(*c->toks));
        c->ntoks = k;
    }
out:
    return rc;
}

static int ascii_vowel(char ch)
{
    return ch == 'a' || ch == 'e' || ch == 'i' || ch == 'o' || ch == 'u' || ch == 'y';
}

/* Length of a Lithuanian or Latvian word without its nominative ending (-as, -is, -ys, -us,
 * -s after a consonant: Vladimiras, Vladimirs = Vladimir), or 0 when it has none. */
static size_t baltic_stem(const char *s, size_t L)
{
    for (size_t i = 0; i < L; i++)
        if (!pb__is_ascii_lower(s[i]))
            return 0;
    if (L >= 5 && s[L - 1] == 's' && (s[L - 2] == 'a' || s[L - 2] == 'i' || s[L - 2] == 'y' || s[L - 2] == 'u') &&
        !ascii_vowel(s[L - 3]))
        return L - 2;
    if (L >= 5 && s[L - 1] == 's' && !ascii_vowel(s[L - 2]) && s[L - 2] != 's')
        return L - 1;
    return 0;
}

/* Hungarian writes the soft consonants of Slavic names as gy, ty, ny (Vlagyimir, Nyikolaj):
 * before a vowel they are d, t, n. */
static int hungarian_palatal(const char *s, size_t L, size_t i)
{
    return i + 2 < L && (s[i] == 'g' || s[i] == 't' || s[i] == 'n') && s[i + 1] == 'y' && ascii_vowel(s[i + 2]) &&
           s[i + 2] != 'y';
}

/* Second spellings of Latin words, read as a second form of the name (as an umlaut's ae/oe/ue
 * is): a name whose every word has a Baltic nominative ending, without the endings; a word
 * with Hungarian soft consonants, with the plain ones. */
static int latin_alternatives(struct pb__tctx *c)
{
    size_t nlat = 0, nbaltic = 0;
    int rc;
    for (size_t i = 0; i < c->ntoks; i++) {
        const struct pb__tok *t = &c->toks[i];
        if (t->usc != USCRIPT_LATIN || (t->flags & PB__T_CANON))
            continue;
        nlat++;
        nbaltic += !t->alen && baltic_stem(c->txt.s + t->off, t->len) > 0;
    }
    for (size_t i = 0; i < c->ntoks; i++) {
        struct pb__tok *t = &c->toks[i];
        size_t L = t->len, start = c->txt.len, stem;
        const char *s;
        int any = 0;
        if (t->usc != USCRIPT_LATIN || (t->flags & PB__T_CANON) || t->alen)
            continue;
        s = c->txt.s + t->off;
        if (nlat >= 2 && nbaltic == nlat && (stem = baltic_stem(s, L)) > 0) {
            /* the stem is in the buffer it is copied to: room first, then the copy */
            if ((rc = pb_buf_grow(&c->txt, stem)) || (rc = pb_buf_add(&c->txt, c->txt.s + t->off, stem)))
                return rc;
            any = 1;
        } else {
            for (size_t j = 0; j < L; j++)
                any |= hungarian_palatal(s, L, j);
            for (size_t j = 0; any && j < L; j++) {
                int soft;
                s = c->txt.s + t->off;   /* the buffer may move */
                soft = hungarian_palatal(s, L, j);
                if ((rc = pb_buf_addc(&c->txt, soft && s[j] == 'g' ? 'd' : s[j])))
                    return rc;
                j += (size_t)soft;
            }
        }
        if (any) {
            t->aoff = (uint32_t)start;
            t->alen = (uint32_t)(c->txt.len - start);
        }
    }
    return 0;
}

/* A name of two to four Latin words, one of them a Chinese family name in pinyin and every
 * one a run of pinyin syllables, is a Chinese name in pinyin: its words get their Wade-Giles
 * spelling as their alternative (Mao Zedong -> mao tsetung), as Han names do. */
static int pinyin_alternatives(struct pb__tctx *c, int flags)
{
    size_t start = c->txt.len;
    int surname = 0, differ = 0, rc;
    if ((flags & PB_NAME_ORG) || c->ntoks < 2 || c->ntoks > 4)
        return 0;
    for (size_t i = 0; i < c->ntoks; i++) {
        const struct pb__tok *t = &c->toks[i];
        if (t->usc != USCRIPT_LATIN || (t->flags & PB__T_CANON) || t->alen || t->len < 2)
            return 0;
        surname |= pb__pinyin_surname(c->txt.s + t->off, t->len);
    }
    if (!surname)
        return 0;
    for (size_t i = 0; i < c->ntoks; i++) {
        struct pb__tok *t = &c->toks[i];
        size_t at = c->txt.len;
        pb_buf_reset(&c->tmp);
        rc = pb__pinyin_wade_giles(c->txt.s + t->off, t->len, &c->tmp);
        if (rc < 0)
            return rc;
        if (rc == 0)
            goto undo;
        if ((rc = pb_buf_add(&c->txt, pb_buf_str(&c->tmp), c->tmp.len)))
            return rc;
        differ |= c->tmp.len != t->len || memcmp(c->txt.s + at, c->txt.s + t->off, t->len) != 0;
        t->aoff = (uint32_t)at;
        t->alen = (uint32_t)(c->txt.len - at);
    }
    if (differ)
        return 0;
undo:
    for (size_t i = 0; i < c->ntoks; i++)
        c->toks[i].aoff = c->toks[i].alen = 0;
    c->txt.len = start;
    c->txt.s[start] = 0;
    return 0;
}

/* Byte length of the first max code points of s[n]. */
static size_t cap_cps(const char *s, size_t n, size_t max)
{
    size_t i = 0, k = 0;
    while (i < n && k < max) {
        unsigned char ch = (unsigned char)s[i];
        i += ch < 0x80 ? 1 : ch < 0xE0 ? 2 : ch < 0xF0 ? 3 : 4;
        k++;
    }
    return i < n ? i : n;
}

static enum pb_script pb_script_of(int sc)
{
    switch (sc) {
    case USCRIPT_LATIN: return PB_SCRIPT_LATIN;
    case USCRIPT_HAN: return PB_SCRIPT_HAN;
    case USCRIPT_CYRILLIC: return PB_SCRIPT_CYRILLIC;
    case USCRIPT_ARABIC: return PB_SCRIPT_ARABIC;
    case USCRIPT_GREEK: return PB_SCRIPT_GREEK;
    case USCRIPT_GEORGIAN: return PB_SCRIPT_GEORGIAN;
    case USCRIPT_ARMENIAN: return PB_SCRIPT_ARMENIAN;
    case USCRIPT_HANGUL: return PB_SCRIPT_HANGUL;
    case USCRIPT_HIRAGANA:
    case USCRIPT_KATAKANA: return PB_SCRIPT_KANA;
    case USCRIPT_HEBREW: return PB_SCRIPT_HEBREW;
    case USCRIPT_THAI: return PB_SCRIPT_THAI;
    case USCRIPT_COMMON:
    case USCRIPT_INHERITED:
    case USCRIPT_INVALID_CODE: return PB_SCRIPT_NONE;
    default: return PB_SCRIPT_OTHER;
    }
}

/* Dominant script among the first n bytes of s (validated UTF-8). */
static enum pb_script dominant_script(const char *s, size_t n)
{
    size_t count[PB_SCRIPT_OTHER + 1] = {0}, i = 0, k = 0;
    enum pb_script best = PB_SCRIPT_NONE, first[PB_SCRIPT_OTHER + 1];
    size_t order = 0;
    size_t seen[PB_SCRIPT_OTHER + 1];
    memset(seen, 0, sizeof(seen));
    (void)first;
    while (i < n && k < PB__MAX_CP) {
        UChar32 ch = pb__utf8_next(s, n, &i);
        UErrorCode st = U_ZERO_ERROR;
        enum pb_script p;
        k++;
        if (ch < 0x80) {
            if (!pb__is_ascii_lower(ch | 0x20))
                continue;
            p = PB_SCRIPT_LATIN;
        } else {
            if (!u_isalpha(ch))
                continue;
            p = pb_script_of(uscript_getScript(ch, &st));
        }
        if (p == PB_SCRIPT_NONE)
            continue;
        if (!count[p]++)
            seen[p] = ++order;
    }
    for (int p = 1; p <= PB_SCRIPT_OTHER; p++)
        if (count[p] && (best == PB_SCRIPT_NONE || count[p] > count[best] ||
                         (count[p] == count[best] && seen[p] < seen[best])))
            best = (enum pb_script)p;
    return best;
}

int pb_name_dotted(const char *name)
{
    static const char *const dots[] = {"\xC2\xB7", "\xE3\x83\xBB", "\xEF\xBD\xA5", "\xE2\x80\xA7", "\xE2\x80\xA2",
                                       "\xE2\x8B\x85", "\xE2\x88\x99"};
    if (!name)
        return 0;
    for (size_t i = 0; i < sizeof(dots) / sizeof(dots[0]); i++)
        if (strstr(name, dots[i]))
            return 1;
    return 0;
}

enum pb_script pb_name_script(const char *name)
{
    size_t n;
    if (!name)
        return PB_SCRIPT_NONE;
    n = strlen(name);
    if (!pb_utf8_valid(name, n, NULL))
        return PB_SCRIPT_NONE;
    return dominant_script(name, n);
}

const char *pb_script_name(enum pb_script s)
{
    static const char *const names[] = {"none", "latin", "han", "cyrillic", "arabic", "greek", "georgian",
                                        "armenian", "hangul", "kana", "hebrew", "thai", "other"};
    if ((int)s < 0 || (size_t)s >= sizeof(names) / sizeof(names[0]))
        return "other";
    return names[s];
}

int pb_name_forms(const char *name, int flags, struct pb_forms *out)
{
    struct pb__tctx *c;
    struct formset fs;
    size_t n;
    int rc, ascii = 1, lang = 0, has_han = 0;
    memset(out, 0, sizeof(*out));
    memset(&fs, 0, sizeof(fs));
    if (!name)
        return PROBITY_EINVAL;
    n = strlen(name);
    if (!pb_utf8_valid(name, n, NULL))
        return PROBITY_EENCODING;
    if ((rc = pb__names_init()))
        return rc;
    if (!(c = pb__tctx_get()))
        return PROBITY_ENOMEM;
    /* only the first PB__MAX_CP code points are used: the work per call stays bounded */
    n = cap_cps(name, n, PB__MAX_CP);
    pb_buf_reset(&c->txt);
    if ((rc = pb_buf_grow(&c->txt, n * 4 + 64)))
        return rc;
    c->ntoks = 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)name[i] >= 0x80) {
            ascii = 0;
            break;
        }
    rc = ascii ? tokenize_ascii(c, name, n) : pb__tokenize(c, name, n, &lang);
    if (rc)
        goto out;
    if (!c->ntoks) {
        rc = PROBITY_EINVAL;
        goto out;
    }
    if (!ascii) {
        for (size_t i = 0; i < c->ntoks; i++)
            has_han |= c->toks[i].usc == USCRIPT_HAN;
        if (has_han) {
            size_t k = 0;
            for (size_t i = 0; i < c->ntoks; i++) {
                if (c->toks[i].usc != USCRIPT_HAN) {
                    if (k < c->tokcap)
                        c->toks2[k++] = c->toks[i];
                    continue;
                }
                c->ntoks2 = k;
                if ((rc = pb__han_split(c, i, flags | (pb_name_dotted(name) ? PB__NAME_DOTTED : 0))))
                    goto out;
                k = c->ntoks2;
            }
            memcpy(c->toks, c->toks2, k * sizeof(*c->toks));
            c->ntoks = k;
        }
        if (!(flags & PB_NAME_ORG) && (rc = hangul_split(c, flags)))
            goto out;
        if ((rc = orig_phrases(c, flags)))
            goto out;
    }
    if ((rc = latin_alternatives(c)) || (rc = pinyin_alternatives(c, flags)))
        goto out;
    if ((rc = build_forms(c, flags, lang, &fs)))
        goto out;
    if (!fs.n) {
        rc = PROBITY_EINVAL;
        goto out;
    }
    out->v = malloc(fs.n * sizeof(char *));
    out->orig = malloc(fs.n);
    if (!out->v || !out->orig) {
        free(out->v);
        free(out->orig);
        out->v = NULL;
        out->orig = NULL;
        rc = PROBITY_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < fs.n; i++) {
        out->v[i] = fs.v[i];
        out->orig[i] = fs.orig[i];
        fs.v[i] = NULL;
    }
    out->n = fs.n;
    out->script = ascii ? PB_SCRIPT_LATIN : dominant_script(name, n);
out:
    for (size_t i = 0; i < fs.n; i++)
        free(fs.v[i]);
    return rc;
}

void pb_forms_release(struct pb_forms *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->v[i]);
    free(f->v);
    free(f->orig);
    memset(f, 0, sizeof(*f));
}

enum pb_tok_kind pb_token_kind(const char *tok)
{
    const struct pb__lexent *e;
    size_t n;
    if (!tok || !*tok)
        return PB_TOK_WORD;
    n = strlen(tok);
    if (all_digits(tok, n))
        return PB_TOK_NUMBER;
    if (pb__names_init())
        return PB_TOK_WORD;
    e = pb__lex_get(tok, n);
    return e ? (enum pb_tok_kind)e->tkind : PB_TOK_WORD;
}

enum pb_tok_kind pb_token_kind_syllabic(const char *tok)
{
    const struct pb__lexent *e;
    size_t n;
    enum pb_tok_kind k = pb_token_kind(tok);
    if (k != PB_TOK_STOP && k != PB_TOK_HONORIFIC)
        return k;
    n = strlen(tok);
    e = pb__lex_get(tok, n);
    if (k == PB_TOK_HONORIFIC)
        return e && e->canon && strcmp(e->canon, tok) == 0 ? k : PB_TOK_WORD;
    return pb__pinyin_syllable(tok, n) ? PB_TOK_WORD : k;
}

/* ---- phonetic key ----
 * A consonant skeleton: vowels dropped (a leading vowel is kept as "A"), consonants folded
 * into classes that transliterations confuse (b/p, d/t, f/v/w/ph, k/g/q/c/ck/kh/gh, the
 * sibilants and affricates s/z/c/ch/sh/sch/cz/cs/tch/ts/x, j/dj/zh/dzh), h dropped, doubles
 * collapsed. Petrov, Petroff, Petrow -> PTRF; Muhammad, Mohamed, mhmd -> MMT -> MT. */
void pb_phonetic_key(const char *tok, char *out, size_t size)
{
    size_t n, i = 0, o = 0;
    char last = 0;
    if (!size)
        return;
    out[0] = 0;
    if (!tok)
        return;
    n = strlen(tok);
    for (size_t k = 0; k < n; k++)
        if (!pb__is_ascii_lower(tok[k]))
            return;
    if (!n)
        return;
    /* silent first letters */
    if (n > 2 && (starts(tok, n, "kn") || starts(tok, n, "gn") || starts(tok, n, "pn") || starts(tok, n, "wr") ||
                  starts(tok, n, "ps")))
        i = 1;
    if (strchr("aeiouy", tok[i])) {
        out[o++] = 'A';
        last = 'A';
        i++;
        while (i < n && strchr("aeiouyh", tok[i]))
            i++;
    }
    while (i < n && o + 1 < size && o < 12) {
        const char *s = tok + i;
        size_t r = n - i;
        char k = 0;
        size_t adv = 1;
        char ch = s[0];
        if (starts(s, r, "tsch")) {
            k = 'S';
            adv = 4;
        } else if (starts(s, r, "sch") || starts(s, r, "tch") || starts(s, r, "dzh")) {
            k = s[0] == 'd' ? 'J' : 'S';
            adv = 3;
        } else if (starts(s, r, "ch") && r > 2 && (s[2] == 'r' || s[2] == 'l')) {
            k = 'K';
            adv = 2;
        } else if (starts(s, r, "ch") || starts(s, r, "sh") || starts(s, r, "cz") || starts(s, r, "cs") ||
                   starts(s, r, "ts") || starts(s, r, "tz") || starts(s, r, "sz") || starts(s, r, "zs")) {
            k = 'S';
            adv = 2;
        } else if (starts(s, r, "ph")) {
            k = 'F';
            adv = 2;
        } else if (starts(s, r, "kh") || starts(s, r, "gh") || starts(s, r, "ck") || starts(s, r, "qu")) {
            k = 'K';
            adv = 2;
        } else if (starts(s, r, "th") || starts(s, r, "dh") || starts(s, r, "dt")) {
            k = 'T';
            adv = 2;
        } else if (starts(s, r, "dj") || starts(s, r, "zh") || starts(s, r, "dz")) {
            k = 'J';
            adv = 2;
        } else if (starts(s, r, "ng") && r == 2) {
            k = 'N';
            adv = 2;
        } else {
            switch (ch) {
            case 'b': case 'p': k = 'P'; break;
            case 'd': case 't': k = 'T'; break;
            case 'f': case 'v': case 'w': k = 'F'; break;
            case 'g': case 'k': case 'q': k = 'K'; break;
            case 'c':
                k = (r > 1 && strchr("aoulrk", s[1])) ? 'K' : 'S';
                break;
            case 's': case 'z': case 'x': k = 'S'; break;
            case 'j': k = 'J'; break;
            case 'l': k = 'L'; break;
            case 'r': k = 'R'; break;
            case 'm': k = 'M'; break;
            case 'n': k = 'N'; break;
            default: k = 0; break;   /* vowels, h, y */
            }
        }
        i += adv;
        if (k && k != last)
            out[o++] = k;
        if (k)
            last = k;
    }
    out[o] = 0;
}
