/* Romanisation of name tokens. ICU's transliterators do the scripts they do well (Russian,
 * Ukrainian and Belarusian BGN/PCGN, ISO-style Cyrillic, Greek UNGEGN, Georgian, Armenian,
 * kana, Indic and the rest through Any-Latin); small tables written here do what ICU does not
 * do for names: the passport romanisation of Cyrillic, a phonetic reading of Greek (ντ = d,
 * ου = u), Arabic and Hebrew with the vowels their letters imply, Hangul with family names
 * spelt as Koreans spell them and the North Korean / McCune-Reischauer vowels, and Khmer.
 * Every romaniser writes lower-case ASCII words separated by single spaces. */
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include "core/core.h"
#include "text/names_int.h"

static const char *const tr_ids[PB__TR_COUNT] = {
    [PB__TR_RU] = "Russian-Latin/BGN",
    [PB__TR_UK] = "Ukrainian-Latin/BGN",
    [PB__TR_BE] = "Belarusian-Latin/BGN",
    [PB__TR_SR] = "Serbian-Latin/BGN",
    [PB__TR_MK] = "Macedonian-Latin/BGN",
    [PB__TR_CYR] = "Cyrillic-Latin",
    [PB__TR_GREEK] = "Greek-Latin/UNGEGN",
    [PB__TR_GEORGIAN] = "Georgian-Latin",
    [PB__TR_ARMENIAN] = "Armenian-Latin",
    [PB__TR_KANA] = "Katakana-Latin",
    [PB__TR_ANY] = "Any-Latin",
    [PB__TR_KK] = "Kazakh-Latin/BGN",
    [PB__TR_MN] = "Mongolian-Latin/BGN",
};

static UTransliterator *tr_get(struct pb__tctx *c, int id)
{
    UChar u[96];
    int32_t n = 0;
    UErrorCode st = U_ZERO_ERROR;
    if (c->tr[id] || c->tr_failed[id])
        return c->tr[id];
    u_strFromUTF8(u, 96, &n, tr_ids[id], -1, &st);
    if (U_SUCCESS(st))
        c->tr[id] = utrans_openU(u, n, UTRANS_FORWARD, NULL, 0, NULL, &st);
    if (U_FAILURE(st) || !c->tr[id]) {
        c->tr[id] = NULL;
        c->tr_failed[id] = 1;
    }
    return c->tr[id];
}

UChar32 pb__base_letter(UChar32 c)
{
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfd = unorm2_getNFDInstance(&st);
    UChar d[8];
    int32_t n;
    UChar32 b;
    if (U_FAILURE(st))
        return c;
    n = unorm2_getDecomposition(nfd, c, d, 8, &st);
    if (n <= 0 || U_FAILURE(st))
        return c;
    U16_GET(d, 0, 0, n, b);
    return b;
}

int pb__latin_ascii(UChar32 cp, char out[4])
{
    static const struct { UChar32 c; const char *a; } special[] = {
        {0xE6, "ae"}, {0x153, "oe"}, {0xF8, "o"}, {0x142, "l"}, {0x111, "d"}, {0xF0, "d"}, {0xFE, "th"},
        {0x127, "h"}, {0x131, "i"}, {0x140, "l"}, {0x167, "t"}, {0x14B, "n"}, {0x259, "e"}, {0x25B, "e"},
        {0x254, "o"}, {0x192, "f"}, {0xDF, "ss"}, {0x138, "k"}, {0x17F, "s"}, {0x268, "i"}, {0x289, "u"},
        {0x1DD, "e"}, {0x251, "a"}, {0x261, "g"}, {0x292, "z"}, {0x263, "g"}, {0x237, "j"}, {0x272, "n"},
        {0x283, "sh"}, {0x250, "a"}, {0x26A, "i"}, {0x28A, "u"}, {0x27E, "r"}, {0x1E9E, "ss"}, {0x133, "ij"},
        {0x149, "n"}, {0x1C6, "dz"}, {0x1C9, "lj"}, {0x1CC, "nj"}, {0x1F3, "dz"}, {0x2C9, ""}, {0x294, ""},
        {0x2BE, ""}, {0x2BF, ""}, {0x2B9, ""}, {0x2BA, ""}, {0x2BC, ""}, {0x2BB, ""},
    };
    UChar32 b;
    int8_t t;
    if (cp < 0x80) {
        out[0] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
        return 1;
    }
    t = u_charType(cp);
    if (t == U_NON_SPACING_MARK || t == U_COMBINING_SPACING_MARK || t == U_ENCLOSING_MARK)
        return 0;
    cp = u_tolower(cp);
    b = pb__base_letter(cp);
    if (b < 0x80) {
        out[0] = (char)(b >= 'A' && b <= 'Z' ? b + 32 : b);
        return 1;
    }
    for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++)
        if (special[i].c == b) {
            size_t n = strlen(special[i].a);
            memcpy(out, special[i].a, n);
            return (int)n;
        }
    return -1;
}

/* ---- Cyrillic: the passport romanisation (ICAO 9303 for Russian, the 2010 national system
 * for Ukrainian) ---- */
static const char *cyr_passport(UChar32 c, int lang, int initial)
{
    static const char *const ru[32] = {"a", "b", "v", "g", "d", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o",
                                       "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "ie", "y", "",
                                       "e", "iu", "ia"};
    if (lang == PB__LANG_UK) {
        switch (c) {
        case 0x0433: return "h";
        case 0x0491: return "g";
        case 0x0438: return "y";
        case 0x0456: return "i";
        case 0x0457: return initial ? "yi" : "i";
        case 0x0454: return initial ? "ye" : "ie";
        case 0x0439: return initial ? "y" : "i";
        case 0x044E: return initial ? "yu" : "iu";
        case 0x044F: return initial ? "ya" : "ia";
        default: break;
        }
    }
    if (lang == PB__LANG_SR || lang == PB__LANG_MK) {
        switch (c) {
        case 0x0458: return "j";
        case 0x0459: return "lj";
        case 0x045A: return "nj";
        case 0x0452: return "dj";
        case 0x045B: return "c";
        case 0x045F: return "dz";
        case 0x0453: return "gj";
        case 0x045C: return "kj";
        case 0x0455: return "dz";
        case 0x0436: return "z";
        case 0x0447: return "c";
        case 0x0448: return "s";
        case 0x0446: return "c";
        case 0x0445: return "h";
        default: break;
        }
    }
    if (c >= 0x0430 && c <= 0x044F)
        return ru[c - 0x0430];
    switch (c) {
    case 0x0456: return "i";
    case 0x0457: return "i";
    case 0x0454: return "ie";
    case 0x0491: return "g";
    case 0x045E: return "u";
    case 0x0458: return "j";
    case 0x0459: return "lj";
    case 0x045A: return "nj";
    case 0x0452: return "dj";
    case 0x045B: return "c";
    case 0x045F: return "dz";
    case 0x04D9: return "a";
    case 0x0493: return "g";
    case 0x049B: return "k";
    case 0x04A3: return "n";
    case 0x04E9: return "o";
    case 0x04B1: return "u";
    case 0x04AF: return "u";
    case 0x04BB: return "h";
    default: return NULL;
    }
}

/* Apostrophes and letter-like marks that transliterators put in words (Tszinʹpin, pʼutʼini). */
static int joins(UChar32 c)
{
    return c == '\'' || c == 0x2019 || c == 0x2018 || c == '`' || c == 0xB4 || (c >= 0x2B9 && c <= 0x2BF) ||
           c == 0x2032 || c == 0x2033 || c == 0x2C8 || c == 0x2CA || c == 0x2CB || c == '"' || c == 0xB7;
}

int pb__ascii_words(const UChar *s, int32_t n, struct pb_buf *b)
{
    int32_t i = 0;
    int space = 0, rc;
    size_t start = b->len;
    while (i < n) {
        UChar32 c;
        char a[4];
        int k;
        U16_NEXT(s, i, n, c);
        if (joins(c))
            continue;
        if (c < 0x80 ? !((c | 0x20) >= 'a' && (c | 0x20) <= 'z') && !(c >= '0' && c <= '9') : !u_isalnum(c)) {
            int8_t t = u_charType(c);
            if (t == U_NON_SPACING_MARK || t == U_COMBINING_SPACING_MARK || t == U_ENCLOSING_MARK)
                continue;
            space = 1;
            continue;
        }
        if (c >= 0x80) {
            UErrorCode st = U_ZERO_ERROR;
            int sc = uscript_getScript(c, &st);
            if (sc == USCRIPT_CYRILLIC) {
                /* letters a transliterator left alone (Mongolian ү ө): the passport table */
                const char *r = cyr_passport(u_tolower(c), PB__LANG_DEFAULT, 0);
                if (r && *r) {
                    if (space && b->len > start && (rc = pb_buf_addc(b, ' ')))
                        return rc;
                    space = 0;
                    if ((rc = pb_buf_adds(b, r)))
                        return rc;
                }
                continue;
            }
            if (sc != USCRIPT_LATIN && sc != USCRIPT_COMMON && sc != USCRIPT_INHERITED)
                continue;   /* left untransliterated: no Latin for it */
        }
        k = pb__latin_ascii(c, a);
        if (k <= 0)
            continue;
        if (space && b->len > start && (rc = pb_buf_addc(b, ' ')))
            return rc;
        space = 0;
        if ((rc = pb_buf_add(b, a, (size_t)k)))
            return rc;
    }
    return 0;
}

/* ICU's rule-based transliterators cost tens of microseconds a word, and the words of names
 * repeat (Vladimir, Vladimirovich, ООО): each thread remembers its recent results in a small
 * direct-mapped cache. */
#define RCACHE_SIZE 2048
#define RCACHE_MAXKEY 64

struct rcache_ent {
    uint64_t h;
    int id;
    uint8_t klen, vlen;
    char key[RCACHE_MAXKEY];
    char val[RCACHE_MAXKEY * 2];
};

void pb__rcache_free(void *cache)
{
    free(cache);
}

static struct rcache_ent *rcache_slot(struct pb__tctx *c, int id, const char *s, size_t n, uint64_t *h)
{
    if (n >= RCACHE_MAXKEY)
        return NULL;
    if (!c->rcache && !(c->rcache = calloc(RCACHE_SIZE, sizeof(struct rcache_ent))))
        return NULL;
    *h = pb_hash64(s, n) ^ ((uint64_t)id * 0x9E3779B97F4A7C15ULL);
    return (struct rcache_ent *)c->rcache + (*h & (RCACHE_SIZE - 1));
}

static int icu_rom_uncached(struct pb__tctx *c, int id, const char *s, size_t n, struct pb_buf *out);

/* Run transliterator id over UTF-8 text s[n], appending ASCII words to out. */
static int icu_rom(struct pb__tctx *c, int id, const char *s, size_t n, struct pb_buf *out)
{
    uint64_t h = 0;
    struct rcache_ent *e = rcache_slot(c, id, s, n, &h);
    size_t start = out->len;
    int rc;
    if (e && e->h == h && e->id == id && e->klen == n && memcmp(e->key, s, n) == 0)
        return pb_buf_add(out, e->val, e->vlen);
    if ((rc = icu_rom_uncached(c, id, s, n, out)))
        return rc;
    if (e && out->len - start < sizeof(e->val)) {
        e->h = h;
        e->id = id;
        e->klen = (uint8_t)n;
        memcpy(e->key, s, n);
        e->vlen = (uint8_t)(out->len - start);
        memcpy(e->val, out->s ? out->s + start : "", e->vlen);
    }
    return 0;
}

static int icu_rom_uncached(struct pb__tctx *c, int id, const char *s, size_t n, struct pb_buf *out)
{
    UTransliterator *tr = tr_get(c, id);
    UErrorCode st = U_ZERO_ERROR;
    int32_t len = 0, limit, cap;
    void *q;
    if (!tr)
        return 0;
    cap = (int32_t)(n * 4 + 32);
    if (c->tmp16cap < (size_t)cap) {
        if (!(q = realloc(c->tmp16, (size_t)cap * sizeof(UChar))))
            return PROBITY_ENOMEM;
        c->tmp16 = q;
        c->tmp16cap = (size_t)cap;
    }
    u_strFromUTF8(c->tmp16, cap, &len, s, (int32_t)n, &st);
    if (U_FAILURE(st))
        return 0;
    limit = len;
    utrans_transUChars(tr, c->tmp16, &len, (int32_t)c->tmp16cap, 0, &limit, &st);
    if (st == U_BUFFER_OVERFLOW_ERROR) {
        /* the text grew past the buffer: redo with the room ICU asked for */
        size_t need = (size_t)len + 16;
        st = U_ZERO_ERROR;
        if (!(q = realloc(c->tmp16, need * sizeof(UChar))))
            return PROBITY_ENOMEM;
        c->tmp16 = q;
        c->tmp16cap = need;
        u_strFromUTF8(c->tmp16, (int32_t)need, &len, s, (int32_t)n, &st);
        limit = len;
        utrans_transUChars(tr, c->tmp16, &len, (int32_t)need, 0, &limit, &st);
    }
    if (U_FAILURE(st))
        return 0;
    return pb__ascii_words(c->tmp16, len, out);
}

static int rom_cyr_passport(const char *s, size_t n, int lang, struct pb_buf *b)
{
    size_t i = 0;
    int initial = 1, rc;
    while (i < n) {
        UChar32 c = pb__utf8_next(s, n, &i);
        const char *r = cyr_passport(c, lang, initial);
        char a[4];
        int k;
        initial = 0;
        if (r) {
            if ((rc = pb_buf_adds(b, r)))
                return rc;
            continue;
        }
        if ((k = pb__latin_ascii(c, a)) > 0 && (rc = pb_buf_add(b, a, (size_t)k)))
            return rc;
    }
    return 0;
}

/* ---- Greek, read as it sounds (foreign names are spelt with ντ for d, μπ for b) ---- */
static int rom_greek(const char *s, size_t n, struct pb_buf *b)
{
    UChar32 v[128];
    size_t k = 0, i = 0;
    int rc;
    while (i < n && k < 128)
        v[k++] = pb__utf8_next(s, n, &i);
    for (size_t j = 0; j < k; j++) {
        UChar32 c = v[j], d = j + 1 < k ? v[j + 1] : 0;
        const char *r = NULL;
        int two = 1;
        if (c == 0x03BF && d == 0x03C5)
            r = "u";                            /* ου */
        else if (c == 0x03B1 && d == 0x03B9)
            r = "e";                            /* αι */
        else if ((c == 0x03B5 || c == 0x03BF || c == 0x03C5) && d == 0x03B9)
            r = "i";                            /* ει οι υι */
        else if (c == 0x03B1 && d == 0x03C5)
            r = "av";
        else if (c == 0x03B5 && d == 0x03C5)
            r = "ev";
        else if (c == 0x03BC && d == 0x03C0)
            r = "b";                            /* μπ */
        else if (c == 0x03BD && d == 0x03C4)
            r = "d";                            /* ντ */
        else if (c == 0x03B3 && (d == 0x03BA || d == 0x03B3))
            r = "g";                            /* γκ γγ */
        else if (c == 0x03C4 && d == 0x03C3)
            r = "ts";
        else if (c == 0x03C4 && d == 0x03B6)
            r = "tz";
        else
            two = 0;
        if (!two) {
            static const char *const g[25] = {"a", "v", "g", "d", "e", "z", "i", "th", "i", "k", "l", "m", "n",
                                              "x", "o", "p", "r", "s", "s", "t", "i", "f", "ch", "ps", "o"};
            if (c >= 0x03B1 && c <= 0x03C9)
                r = g[c - 0x03B1];
        } else {
            j++;
        }
        if (r && (rc = pb_buf_adds(b, r)))
            return rc;
    }
    return 0;
}

/* ---- Arabic script (Arabic, Persian, Urdu): consonants, and the long vowels that the
 * letters alef, waw and yeh write; short vowels are not written and cannot be restored ---- */
static int ar_vowel_letter(UChar32 c)
{
    return c == 0x0627 || c == 0x0648 || c == 0x064A || c == 0x06CC || c == 0x0649 || c == 0x06D2;
}

static int ar_letter(UChar32 c)
{
    return (c >= 0x0620 && c <= 0x064A) || (c >= 0x0671 && c <= 0x06D3);
}

static int rom_arabic_letters(const UChar32 *v, size_t k, int lang, struct pb_buf *b)
{
    int rc;
    for (size_t j = 0; j < k; j++) {
        UChar32 c = v[j], p = j ? v[j - 1] : 0, d = j + 1 < k ? v[j + 1] : 0;
        const char *r = "";
        int initial = j == 0, fin = j + 1 == k;
        switch (c) {
        case 0x0627: case 0x0622: case 0x0623: case 0x0671:
            /* a word-initial alef only carries the vowel that waw or yeh spells: اوندوا = undwa */
            r = initial && k > 2 && (d == 0x0648 || d == 0x064A || d == 0x06CC) ? "" : "a";
            break;
        case 0x0625: r = "i"; break;
        case 0x0628: r = "b"; break;
        case 0x062A:
            /* teh + sheen is how Arabic writes the ch of foreign names (تشرشل) */
            if (d == 0x0634) {
                r = "ch";
                j++;
            } else {
                r = "t";
            }
            break;
        case 0x062B: r = lang == PB__LANG_FA || lang == PB__LANG_UR ? "s" : "th"; break;
        case 0x062C: r = "j"; break;
        case 0x062D: r = "h"; break;
        case 0x062E: r = "kh"; break;
        case 0x062F: r = "d"; break;
        case 0x0630: r = lang == PB__LANG_FA || lang == PB__LANG_UR ? "z" : "dh"; break;
        case 0x0631: r = "r"; break;
        case 0x0632: r = "z"; break;
        case 0x0633: r = "s"; break;
        case 0x0634: r = "sh"; break;
        case 0x0635: r = "s"; break;
        case 0x0636: r = lang == PB__LANG_FA || lang == PB__LANG_UR ? "z" : "d"; break;
        case 0x0637: r = "t"; break;
        case 0x0638: r = "z"; break;
        case 0x0639:
            /* ain: silent beside a long vowel, else heard as a */
            r = (ar_vowel_letter(p) || ar_vowel_letter(d)) ? "" : "a";
            break;
        case 0x063A: r = "gh"; break;
        case 0x0641: r = "f"; break;
        case 0x0642: r = "q"; break;
        case 0x0643: case 0x06A9: r = "k"; break;
        case 0x0644: r = "l"; break;
        case 0x0645: r = "m"; break;
        case 0x0646: case 0x06BA: r = "n"; break;
        case 0x0647: case 0x06C1:
            r = fin && !initial && !ar_vowel_letter(p) ? (lang == PB__LANG_FA ? "eh" : "ah") : "h";
            break;
        case 0x06BE: r = "h"; break;
        case 0x0629: case 0x06C3: r = "a"; break;
        case 0x0648: case 0x0624:
            if (j == 1 && p == 0x0627 && k > 2)
                r = "u";
            else if (initial || ar_vowel_letter(p) || d == 0x0627)
                r = lang == PB__LANG_FA || lang == PB__LANG_UR ? "v" : "w";
            else
                r = "u";
            break;
        case 0x064A: case 0x06CC: case 0x0626:
            if (j == 1 && p == 0x0627 && k > 2)
                r = "i";
            else if (initial || (ar_vowel_letter(p) && p != 0x0648) || d == 0x0627 || d == 0x0648)
                r = "y";
            else
                r = "i";
            break;
        case 0x0649: r = "a"; break;
        case 0x06D2: r = "e"; break;
        case 0x067E: r = "p"; break;
        case 0x0686: r = "ch"; break;
        case 0x0698: r = "zh"; break;
        case 0x06AF: r = "g"; break;
        case 0x0679: r = "t"; break;
        case 0x0688: r = "d"; break;
        case 0x0691: r = "r"; break;
        default: r = ""; break;
        }
        if (*r && (rc = pb_buf_adds(b, r)))
            return rc;
    }
    return 0;
}

static int rom_arabic_word(const UChar32 *v, size_t k, int lang, struct pb_buf *b)
{
    struct pb_buf key = PB_BUF_INIT, folded = PB_BUF_INIT;
    const char *known;
    int rc = 0;
    for (size_t j = 0; j < k; j++)
        if ((rc = pb__buf_addcp(&key, v[j])))
            goto out;
    if ((rc = pb__orig_fold(USCRIPT_ARABIC, pb_buf_str(&key), key.len, &folded)))
        goto out;
    if ((known = pb__lex_arabic(pb_buf_str(&folded), folded.len)))
        rc = pb_buf_adds(b, known);
    else
        rc = rom_arabic_letters(v, k, lang, b);
out:
    pb_buf_release(&key);
    pb_buf_release(&folded);
    return rc;
}

static int rom_arabic(const char *s, size_t n, int lang, struct pb_buf *b)
{
    UChar32 v[128];
    size_t k = 0, i = 0, a = 0;
    int rc;
    while (i < n && k < 128) {
        UChar32 c = pb__utf8_next(s, n, &i);
        if (ar_letter(c))
            v[k++] = c;
    }
    if (!k)
        return 0;
    {
        /* whole word first: الله, عبدالله, الدين are read as known words */
        struct pb_buf key = PB_BUF_INIT, folded = PB_BUF_INIT;
        const char *known = NULL;
        for (size_t j = 0; j < k; j++)
            pb__buf_addcp(&key, v[j]);
        if (!pb__orig_fold(USCRIPT_ARABIC, pb_buf_str(&key), key.len, &folded))
            known = pb__lex_arabic(pb_buf_str(&folded), folded.len);
        pb_buf_release(&key);
        pb_buf_release(&folded);
        if (known)
            return pb_buf_adds(b, known);
    }
    /* عبد + ال + X written as one word */
    if (k > 5 && v[0] == 0x0639 && v[1] == 0x0628 && v[2] == 0x062F && v[3] == 0x0627 && v[4] == 0x0644) {
        if ((rc = pb_buf_adds(b, "abd al ")))
            return rc;
        a = 5;
    } else if (k >= 4 && v[0] == 0x0627 && v[1] == 0x0644) {
        /* the article ال is a word of its own: السيسي -> al sisi */
        if ((rc = pb_buf_adds(b, "al ")))
            return rc;
        a = 2;
    }
    return rom_arabic_word(v + a, k - a, lang, b);
}

/* ---- Hebrew ---- */
static int heb_vowel_letter(UChar32 c)
{
    return c == 0x05D5 || c == 0x05D9 || c == 0x05D0 || c == 0x05E2;
}

static int rom_hebrew(const char *s, size_t n, int sys, struct pb_buf *b)
{
    UChar32 v[128];
    size_t k = 0, i = 0;
    int rc;
    while (i < n && k < 128) {
        UChar32 c = pb__utf8_next(s, n, &i);
        if (c >= 0x05D0 && c <= 0x05EA)
            v[k++] = c;
    }
    for (size_t j = 0; j < k; j++) {
        UChar32 c = v[j], p = j ? v[j - 1] : 0, d = j + 1 < k ? v[j + 1] : 0;
        int initial = j == 0, fin = j + 1 == k;
        const char *r = "";
        switch (c) {
        case 0x05D0: case 0x05E2: r = initial && !heb_vowel_letter(d) ? "a" : ""; break;
        case 0x05D1: r = initial ? "b" : "v"; break;
        case 0x05D2: r = "g"; break;
        case 0x05D3: r = "d"; break;
        case 0x05D4: r = fin && !initial ? "" : "h"; break;
        case 0x05D5:
            if (d == 0x05D5) {
                r = "v";
                j++;
            } else if (initial || heb_vowel_letter(p)) {
                r = "v";
            } else {
                r = fin ? "u" : sys ? "u" : "o";
            }
            break;
        case 0x05D6: r = "z"; break;
        case 0x05D7: r = "kh"; break;
        case 0x05D8: r = "t"; break;
        case 0x05D9:
            r = (initial || heb_vowel_letter(p) || heb_vowel_letter(d)) && !fin ? "y" : "i";
            break;
        case 0x05DA: case 0x05DB: r = initial ? "k" : "kh"; break;
        case 0x05DC: r = "l"; break;
        case 0x05DD: case 0x05DE: r = "m"; break;
        case 0x05DF: case 0x05E0: r = "n"; break;
        case 0x05E1: r = "s"; break;
        case 0x05E3: case 0x05E4: r = initial ? "p" : "f"; break;
        case 0x05E5: case 0x05E6: r = "ts"; break;
        case 0x05E7: r = "k"; break;
        case 0x05E8: r = "r"; break;
        case 0x05E9: r = "sh"; break;
        case 0x05EA: r = "t"; break;
        default: break;
        }
        if (*r && (rc = pb_buf_adds(b, r)))
            return rc;
    }
    /* a word that is a bare consonant cluster is more readable with a vowel after the first */
    return 0;
}

/* ---- Hangul ---- */
static const char *const hg_initial[19] = {"g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s",
                                           "ss", "", "j", "jj", "ch", "k", "t", "p", "h"};
static const char *const hg_vowel_rr[21] = {"a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae",
                                            "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i"};
/* the McCune-Reischauer vowels without their breves, as North Korean names are spelt */
static const char *const hg_vowel_mr[21] = {"a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae",
                                            "oe", "yo", "u", "wo", "we", "wi", "yu", "u", "ui", "i"};
static const char *const hg_final[28] = {"", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l",
                                         "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"};

/* mode 0: Revised Romanization; 1: McCune-Reischauer vowels; 2: a foreign word, where the
 * vowel eu only breaks up consonants (블라디미르 = beul-la-di-mi-reu -> bladimir) and a final
 * chi, si or ji is the consonant alone (the loanword spelling of a final ch, sh, j). */
static int rom_hangul_syllables(const char *s, size_t n, int mode, char sep, struct pb_buf *b)
{
    size_t i = 0;
    int prev_l = 0, first = 1, rc;
    while (i < n) {
        UChar32 c = pb__utf8_next(s, n, &i);
        int L, V, T;
        const char *ini;
        if (c < 0xAC00 || c > 0xD7A3) {
            char a[4];
            int k = pb__latin_ascii(c, a);
            if (k > 0 && (rc = pb_buf_add(b, a, (size_t)k)))
                return rc;
            continue;
        }
        c -= 0xAC00;
        L = c / 588;
        V = (c % 588) / 28;
        T = c % 28;
        if (!first && sep && (rc = pb_buf_addc(b, sep)))
            return rc;
        ini = hg_initial[L];
        if (L == 5 && prev_l)
            ini = mode == 2 ? "" : "l";   /* ㄹㄹ = ll */
        if (mode == 2 && V == 20 && T == 0 && (L == 14 || L == 9 || L == 12) && i >= n) {
            if ((rc = pb_buf_adds(b, L == 14 ? "ch" : L == 9 ? "sh" : "j")))
                return rc;
            break;
        }
        if ((rc = pb_buf_adds(b, ini)) ||
            (rc = pb_buf_adds(b, mode == 2 && V == 18 && (T == 0 || T == 8) ? ""
                                 : mode == 1                                 ? hg_vowel_mr[V]
                                                                             : hg_vowel_rr[V])) ||
            (rc = pb_buf_adds(b, hg_final[T])))
            return rc;
        prev_l = T == 8;
        first = 0;
    }
    return 0;
}

static int rom_hangul(const struct pb__tok *t, const char *s, int sys, struct pb_buf *b)
{
    if (t->flags & PB__T_SURNAME) {
        const char *sp = pb__lex_korean_surname(s, t->len);
        if (sp) {
            /* spellings: "lee yi ri rhee"; system 2 takes the second */
            const char *w = sp;
            size_t wl;
            if (sys == 2 && strchr(sp, ' '))
                w = strchr(sp, ' ') + 1;
            wl = strcspn(w, " ");
            return pb_buf_add(b, w, wl);
        }
    }
    if (t->flags & PB__T_GIVEN)
        return rom_hangul_syllables(s, t->len, sys != 1, ' ', b);
    return rom_hangul_syllables(s, t->len, sys == 0 ? 1 : sys == 1 ? 0 : 2, 0, b);
}

/* ---- Khmer: consonants, vowel signs, and the inherent vowel of a consonant that starts a
 * closed syllable ---- */
static int rom_khmer(const char *s, size_t n, struct pb_buf *b)
{
    static const char *const cons[35] = {"k", "kh", "k", "kh", "ng", "ch", "chh", "ch", "chh", "nh", "d", "th",
                                         "d", "th", "n", "t", "th", "t", "th", "n", "b", "ph", "p", "ph", "m",
                                         "y", "r", "l", "v", "s", "s", "s", "h", "l", ""};
    static const char *const indep[17] = {"a", "a", "e", "ei", "o", "ou", "ou", "au", "rue", "rue", "lue", "lue",
                                          "ae", "ai", "ao", "ao", "au"};
    static const char *const dep[16] = {"a", "e", "i", "oe", "eu", "o", "u", "uo", "aeu", "oea", "ie", "e",
                                        "ae", "ai", "ao", "au"};
    UChar32 v[128];
    size_t k = 0, i = 0;
    int rc;
    while (i < n && k < 128)
        v[k++] = pb__utf8_next(s, n, &i);
    for (size_t j = 0; j < k; j++) {
        UChar32 c = v[j];
        const char *r = "";
        if (c >= 0x1780 && c <= 0x17A2) {
            size_t q = j + 1;
            int cons_next;
            r = cons[c - 0x1780];
            if ((rc = pb_buf_adds(b, r)))
                return rc;
            /* register signs do not count */
            while (q < k && (v[q] == 0x17C9 || v[q] == 0x17CA || v[q] == 0x17CB))
                q++;
            cons_next = q < k && v[q] >= 0x1780 && v[q] <= 0x17A2;
            if (cons_next && (j == 0 || !(v[j - 1] >= 0x1780 && v[j - 1] <= 0x17A2)) &&
                !(j > 0 && v[j - 1] == 0x17D2) && q + 1 >= k)
                if ((rc = pb_buf_addc(b, 'o')))
                    return rc;
            continue;
        }
        if (c >= 0x17A3 && c <= 0x17B3)
            r = indep[c - 0x17A3];
        else if (c >= 0x17B6 && c <= 0x17C5)
            r = dep[c - 0x17B6];
        else if (c == 0x17C6)
            r = "m";
        else if (c == 0x17C7)
            r = "h";
        if (*r && (rc = pb_buf_adds(b, r)))
            return rc;
    }
    return 0;
}

/* ---- Burmese, spelt as Burmese names are spelt in Latin letters (Min Aung Hlaing, Than
 * Shwe, Kyaw, Thein): a syllable is a consonant with its medials and vowel signs, closed by a
 * consonant that carries the asat (or the virama of a stacked pair), and the closing
 * consonant and the vowel are read together (ောင် aung, ိုင် aing, ိန် ein, ုန် on, တ် at),
 * and each syllable is a word. sys 1 reads a foreign name written in Burmese: ရ and ြ are r, the vowel a bare consonant
 * carries only to open a cluster is not heard (ဗလာ bla), and the y that only joins i to a
 * vowel after it is dropped. ---- */
struct msyl {
    const char *on;
    char med[4];     /* y, r, w, h: the medials, in that order */
    uint8_t e, a, i, u, ai, anus, vowel;   /* vowel: an independent vowel letter (ဦ) */
    UChar32 fin;     /* the closing consonant, 0 = none */
};

static const char *my_onset(UChar32 c, int foreign)
{
    static const char *const tab[34] = {
        "k", "kh", "g", "g", "ng", "s", "s", "z", "z", "ny", "ny", "t", "ht", "d", "d", "n", "t",
        "ht", "d", "d", "n", "p", "ph", "b", "b", "m", "y", "y", "l", "w", "th", "h", "l", "",
    };
    if (c >= 0x1000 && c <= 0x1021) {
        if (foreign && (c == 0x101B || c == 0x1011 || c == 0x1016 || c == 0x101E))
            return c == 0x101B ? "r" : c == 0x1011 ? "t" : c == 0x1016 ? "f" : "s";
        return tab[c - 0x1000];
    }
    switch (c) {
    case 0x1023: case 0x1024: return "i";
    case 0x1025: case 0x1026: return "u";
    case 0x1027: return "e";
    case 0x1029: case 0x102A: return "aw";
    case 0x103F: return "th";
    default: return NULL;
    }
}

static int my_base(UChar32 c)
{
    return (c >= 0x1000 && c <= 0x102A) || c == 0x103F;
}

static void my_rime(const struct msyl *y, char *out, size_t cap)
{
    const char *v = y->e && y->a ? "aw" : y->i && y->u ? "o" : y->e || y->ai ? "e" : y->a ? "a" : y->i ? "i" : y->u ? "u" : "";
    int w = strchr(y->med, 'w') != NULL, ou = y->i && y->u, aw = y->e && y->a;
    UChar32 f = y->anus && !y->fin ? 0x1014 : y->fin;
    const char *r;
    switch (f) {
    case 0: r = *v ? v : (w ? "" : "a"); break;   /* ကွ kwa: the w carries the a */
    case 0x1000: r = aw ? "auk" : ou ? "aik" : "et"; break;
    case 0x1004: r = aw ? "aung" : ou ? "aing" : y->u ? "ong" : "in"; break;
    case 0x1005: r = "it"; break;
    case 0x1009: r = "in"; break;
    case 0x100A: r = "i"; break;
    case 0x1010: case 0x1015: r = y->i ? "eik" : y->u ? "ok" : w ? "ut" : "at"; break;
    case 0x1014: case 0x1019: r = y->i ? "ein" : y->u ? "on" : w ? "un" : "an"; break;
    case 0x101A: r = "e"; break;
    default: {
        const char *fo = my_onset(f, 0);
        snprintf(out, cap, "%s%s", *v ? v : "a", fo ? fo : "");
        return;
    }
    }
    if (w && f && !*v && (f == 0x1010 || f == 0x1015 || f == 0x1014 || f == 0x1019))
        snprintf(out, cap, "%s", r);   /* ွန် un: the w is the vowel */
    else if (w)
        snprintf(out, cap, "w%s", r);
    else
        snprintf(out, cap, "%s", r);
}

static int rom_burmese(const char *s, size_t n, int foreign, struct pb_buf *b)
{
    struct msyl v[48];
    size_t k = 0, i = 0;
    int rc;
    while (i < n && k < 48) {
        UChar32 c = pb__utf8_next(s, n, &i);
        struct msyl *y = &v[k];
        size_t j;
        if (c >= 0x1040 && c <= 0x1049) {
            if ((rc = pb_buf_addc(b, (char)('0' + (c - 0x1040)))))
                return rc;
            continue;
        }
        if (!my_base(c))
            continue;   /* a mark without its consonant */
        memset(y, 0, sizeof(*y));
        y->on = my_onset(c, foreign);
        if (!y->on)
            continue;
        y->vowel = c > 0x1021;
        /* the signs of this consonant */
        while (i < n) {
            size_t p = i;
            UChar32 d = pb__utf8_next(s, n, &p);
            if (my_base(d))
                break;
            i = p;
            switch (d) {
            case 0x102B: case 0x102C: y->a = 1; break;
            case 0x102D: case 0x102E: y->i = 1; break;
            case 0x102F: case 0x1030: y->u = 1; break;
            case 0x1031: y->e = 1; break;
            case 0x1032: y->ai = 1; break;
            case 0x1036: y->anus = 1; break;
            case 0x103B: case 0x103C: case 0x103D: case 0x103E: {
                size_t l = strlen(y->med);
                if (l < sizeof(y->med) - 1)
                    y->med[l] = d == 0x103D ? 'w' : d == 0x103E ? 'h' : d == 0x103C && foreign ? 'r' : 'y';
                break;
            }
            default: break;   /* tones, asat after a vowel */
            }
        }
        /* a consonant after it that carries the asat or a virama closes the syllable */
        j = i;
        if (j < n) {
            UChar32 f = pb__utf8_next(s, n, &j), g = 0;
            size_t q = j;
            if (q < n)
                g = pb__utf8_next(s, n, &q);
            if (g == 0x1037 && q < n)
                g = pb__utf8_next(s, n, &q);
            if (f >= 0x1000 && f <= 0x1021 && (g == 0x103A || g == 0x1039)) {
                y->fin = f;
                i = q;
                /* the tone marks after the closing consonant */
                while (i < n) {
                    size_t p = i;
                    UChar32 d = pb__utf8_next(s, n, &p);
                    if (d != 0x1037 && d != 0x1038 && d != 0x103A)
                        break;
                    i = p;
                }
            }
        }
        k++;
    }
    for (size_t q = 0; q < k; q++) {
        const struct msyl *y = &v[q];
        char on[8], rime[16];
        const char *o = y->on;
        int h = strchr(y->med, 'h') != NULL, my = strchr(y->med, 'y') != NULL, mr = strchr(y->med, 'r') != NULL;
        int bare = !y->e && !y->a && !y->i && !y->u && !y->ai && !y->anus && !y->fin && !y->med[0];
        if (h && (!strcmp(o, "y") || !strcmp(o, "r") || (!strcmp(o, "l") && my)))
            snprintf(on, sizeof(on), "sh");
        else if (my && !strcmp(o, "kh"))
            snprintf(on, sizeof(on), "ch");
        else
            snprintf(on, sizeof(on), "%s%s%s%s", h ? "h" : "", o, my ? "y" : "", mr ? "r" : "");
        if (foreign && q > 0 && !strcmp(on, "y") && v[q - 1].i && !v[q - 1].u && !v[q - 1].fin)
            on[0] = 0;   /* ီယာ: i-a */
        my_rime(y, rime, sizeof(rime));
        if (y->vowel) {
            /* ဦ (also written ဥ + ီ) is its own vowel; a closing consonant is read as it is */
            const char *fo = y->fin ? my_onset(y->fin, 0) : NULL;
            snprintf(rime, sizeof(rime), "%s", fo ? fo : "");
        }
        if (foreign && bare && *o && q + 1 < k)
            rime[0] = 0;
        /* each syllable of a Burmese name is a word of its Latin spelling (Aung San Suu Kyi) */
        if (!foreign && q > 0 && (rc = pb_buf_addc(b, ' ')))
            return rc;
        if ((rc = pb_buf_adds(b, on)) || (rc = pb_buf_adds(b, rime)))
            return rc;
    }
    return 0;
}

/* ---- Katakana read as a foreign name: Japanese spells foreign names with a vowel after
 * every consonant (Smith = su-mi-su) and with its own sounds for others; this reading takes the
 * vowels that only carry a consonant away again, and reads bare ji and chi as the di and ti
 * they stand for in names from other languages. ---- */
static void kana_parts(UChar32 c, const char **cons, char *vow)
{
    static const char *const kc[90] = {
        "", "", "", "", "", "", "", "", "", "",                     /* ァ ア ィ イ ゥ ウ ェ エ ォ オ */
        "k", "g", "k", "g", "k", "g", "k", "g", "k", "g",           /* カ ガ キ ギ ク グ ケ ゲ コ ゴ */
        "s", "z", "sh", "j", "s", "z", "s", "z", "s", "z",          /* サ ザ シ ジ ス ズ セ ゼ ソ ゾ */
        "t", "d", "ch", "j", "", "ts", "z", "t", "d", "t", "d",     /* タ ダ チ ヂ ッ ツ ヅ テ デ ト ド */
        "n", "n", "n", "n", "n",                                    /* ナ ニ ヌ ネ ノ */
        "h", "b", "p", "h", "b", "p", "f", "b", "p", "h", "b", "p", "h", "b", "p", /* ハ .. ポ */
        "m", "m", "m", "m", "m",                                    /* マ ミ ム メ モ */
        "y", "y", "y", "y", "y", "y",                               /* ャ ヤ ュ ユ ョ ヨ */
        "r", "r", "r", "r", "r",                                    /* ラ リ ル レ ロ */
        "w", "w", "w", "w", "w", "n", "v", "k", "k",                /* ヮ ワ ヰ ヱ ヲ ン ヴ ヵ ヶ */
    };
    static const char kv[] = "aaiiuueeoo"
                             "aaiiuueeoo"
                             "aaiiuueeoo"
                             "aaiiuuueeoo"
                             "aiueo"
                             "aaaiiiuuueeeooo"
                             "aiueo"
                             "aauuoo"
                             "aiueo"
                             "aaieo-uae";
    *cons = "";
    *vow = 0;
    if (c >= 0x30A1 && c <= 0x30F6) {
        *cons = kc[c - 0x30A1];
        *vow = kv[c - 0x30A1] == '-' ? 0 : kv[c - 0x30A1];
    }
}

static int kana_small_vowel(UChar32 c)
{
    return c == 0x30A1 || c == 0x30A3 || c == 0x30A5 || c == 0x30A7 || c == 0x30A9;
}

static int kana_small_y(UChar32 c)
{
    return c == 0x30E3 || c == 0x30E5 || c == 0x30E7;
}

static int rom_kana_foreign(const char *s, size_t n, struct pb_buf *b)
{
    struct syl {
        const char *cons;
        char vow;
        uint8_t longv, bare, gem;
    } v[64];
    size_t k = 0, i = 0;
    int rc;
    while (i < n && k < 64) {
        UChar32 c = pb__utf8_next(s, n, &i), d = 0;
        size_t j = i;
        const char *cons;
        char vow;
        if (c == 0x30FC) {   /* ー: the vowel before is long, so it is heard */
            if (k)
                v[k - 1].longv = 1;
            continue;
        }
        if (c == 0x30C3) {   /* ッ: the consonant after is doubled, the vowel before heard */
            if (k)
                v[k - 1].gem = 1;
            continue;
        }
        kana_parts(c, &cons, &vow);
        if (!*cons && !vow)
            continue;
        v[k] = (struct syl){cons, vow, 0, 1, 0};
        if (j < n)
            d = pb__utf8_next(s, n, &j);
        if (d && kana_small_vowel(d) && c != 0x30F3) {
            /* ファ fa, ティ ti, ウィ wi, シェ she */
            const char *dc;
            char dv;
            kana_parts(d, &dc, &dv);
            if (!*cons)
                v[k].cons = c == 0x30A6 ? "w" : "";
            v[k].vow = dv;
            v[k].bare = 0;
            i = j;
        } else if (d && kana_small_y(d) && vow == 'i') {
            /* キャ kya, シャ sha, ジョ jo */
            const char *dc;
            char dv;
            kana_parts(d, &dc, &dv);
            v[k].vow = dv;
            v[k].bare = 0;
            if (strcmp(cons, "sh") && strcmp(cons, "ch") && strcmp(cons, "j"))
                v[k].cons = strcmp(cons, "k") == 0   ? "ky"
                            : strcmp(cons, "g") == 0 ? "gy"
                            : strcmp(cons, "n") == 0 ? "ny"
                            : strcmp(cons, "h") == 0 ? "hy"
                            : strcmp(cons, "b") == 0 ? "by"
                            : strcmp(cons, "p") == 0 ? "py"
                            : strcmp(cons, "m") == 0 ? "my"
                                                     : "ry";
            i = j;
        }
        k++;
    }
    for (size_t q = 0; q < k; q++) {
        struct syl *x = &v[q];
        const char *cons = x->cons;
        char vow[2] = {x->vow, 0};
        /* the next syllable starts with a consonant (not ン, which ends the syllable before it) */
        int last = q + 1 == k, next_cons = !last && *v[q + 1].cons && v[q + 1].vow && strcmp(v[q + 1].cons, "y") &&
                                            strcmp(v[q + 1].cons, "w");
        if (x->bare && !strcmp(cons, "j") && x->vow == 'i')
            cons = "d";
        else if (x->bare && !strcmp(cons, "ch") && x->vow == 'i' && !last)
            cons = "t";
        /* a vowel that only carries its consonant: u after most consonants, o after t and d,
         * i after a final ch; at the end, or before another consonant */
        if (*cons && !x->longv && !x->gem && (last || next_cons) && strcmp(cons, "n") &&
            ((x->vow == 'u' && strcmp(cons, "y") && strcmp(cons, "w")) ||
             (x->vow == 'o' && (!strcmp(cons, "t") || !strcmp(cons, "d"))) ||
             (x->vow == 'i' && last && !strcmp(cons, "ch"))))
            vow[0] = 0;
        if (!*cons && !x->vow)
            continue;
        if (x->vow == 0 && !strcmp(cons, "n") && (rc = pb_buf_adds(b, "n")))
            return rc;
        if (x->vow && ((rc = pb_buf_adds(b, cons)) || (rc = pb_buf_adds(b, vow))))
            return rc;
    }
    return 0;
}

static int is_indic(int usc)
{
    switch (usc) {
    case USCRIPT_DEVANAGARI: case USCRIPT_BENGALI: case USCRIPT_GURMUKHI: case USCRIPT_GUJARATI:
    case USCRIPT_ORIYA: case USCRIPT_TAMIL: case USCRIPT_TELUGU: case USCRIPT_KANNADA: case USCRIPT_MALAYALAM:
        return 1;
    default:
        return 0;
    }
}

int pb__rom_systems(int usc, int lang, int person)
{
    (void)lang;
    switch (usc) {
    case USCRIPT_LATIN: return 1;
    case USCRIPT_HAN: return person ? 4 : 1;
    case USCRIPT_CYRILLIC: return lang == PB__LANG_RUUK ? 4 : 3;
    case USCRIPT_GREEK: return 2;
    case USCRIPT_HEBREW: return 2;
    case USCRIPT_HANGUL: return 3;
    case USCRIPT_KATAKANA: return 2;
    case USCRIPT_MYANMAR: return 2;
    default: return is_indic(usc) ? 2 : 1;
    }
}

int pb__romanise(struct pb__tctx *c, const struct pb__tok *t, const char *s, int lang, int sys, struct pb_buf *b)
{
    size_t n = t->len;
    switch (t->usc) {
    case USCRIPT_HAN:
        /* person names: pinyin joined, pinyin by syllable, Wade-Giles, Cantonese; foreign names:
         * pinyin and the sounds of the transcription */
        if ((t->flags & PB__T_FOREIGN) && sys >= 1)
            return pb__han_foreign(s, n, sys == 2, b);
        if (sys == 3) {
            /* Hong Kong's Cantonese spelling, a syllable per word (Chan Tai Man) */
            int rc = pb__han_cantonese(s, n, ' ', b);
            return rc < 0 ? rc : 0;
        }
        pb__han_read(s, n, (t->flags & PB__T_SURNAME) != 0, -1, 0, sys == 1 ? ' ' : 0, sys == 2, b);
        return 0;
    case USCRIPT_CYRILLIC:
        if (sys == 1)
            return rom_cyr_passport(s, n, lang, b);
        if (sys == 2)
            return icu_rom(c, PB__TR_CYR, s, n, b);
        if (sys == 3)
            return icu_rom(c, PB__TR_UK, s, n, b);
        return icu_rom(c,
                       lang == PB__LANG_UK   ? PB__TR_UK
                       : lang == PB__LANG_BE ? PB__TR_BE
                       : lang == PB__LANG_SR ? PB__TR_SR
                       : lang == PB__LANG_MK ? PB__TR_MK
                       : lang == PB__LANG_KK ? PB__TR_KK
                       : lang == PB__LANG_MN ? PB__TR_MN
                                             : PB__TR_RU,
                       s, n, b);
    case USCRIPT_GREEK:
        return sys == 1 ? rom_greek(s, n, b) : icu_rom(c, PB__TR_GREEK, s, n, b);
    case USCRIPT_ARABIC:
        return rom_arabic(s, n, lang, b);
    case USCRIPT_HEBREW:
        return rom_hebrew(s, n, sys, b);
    case USCRIPT_HANGUL:
        return rom_hangul(t, s, sys, b);
    case USCRIPT_KHMER:
        return rom_khmer(s, n, b);
    case USCRIPT_MYANMAR:
        return rom_burmese(s, n, sys == 1, b);
    case USCRIPT_KATAKANA:
    case USCRIPT_HIRAGANA:
        return sys == 1 ? rom_kana_foreign(s, n, b) : icu_rom(c, PB__TR_KANA, s, n, b);
    case USCRIPT_GEORGIAN:
        return icu_rom(c, PB__TR_GEORGIAN, s, n, b);
    case USCRIPT_ARMENIAN:
        return icu_rom(c, PB__TR_ARMENIAN, s, n, b);
    default: {
        size_t start = b->len;
        int rc = icu_rom(c, PB__TR_ANY, s, n, b);
        if (rc || sys != 1 || !is_indic(t->usc))
            return rc;
        /* Hindi and its neighbours do not sound the inherent vowel of a final consonant:
         * नगर is "nagar", not "nagara" */
        {
            size_t i = 0;
            UChar32 last = 0;
            while (i < n)
                last = pb__utf8_next(s, n, &i);
            if (u_charType(last) == U_OTHER_LETTER && b->len > start + 2 && b->s[b->len - 1] == 'a')
                b->len--, b->s[b->len] = 0;
        }
        return 0;
    }
    }
}
