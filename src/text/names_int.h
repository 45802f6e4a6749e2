/* Internal interfaces of the name normaliser, shared by the files of src/text/ that build
 * name forms: the per-thread working context (ICU transliterators and break iterator are not
 * thread-safe, so each thread owns its own), the lexicon tables, the Han reading table and
 * the romanisers. Nothing here is public API. */
#ifndef PB_NAMES_INT_H
#define PB_NAMES_INT_H
#include <stddef.h>
#include <stdint.h>
#include <unicode/ubrk.h>
#include <unicode/utrans.h>
#include "core/core.h"
#include "text/names.h"

/* Only the first PB__MAX_CP code points of a name are used: names longer than that are not
 * names but text, and the cap keeps the work per call bounded (no quadratic blow-up on a
 * 100 KB input). Tokens and forms are capped too. */
#define PB__MAX_CP 1000
#define PB__MAX_TOKS 256
#define PB__MAX_FORMS 8
#define PB__MAX_SYS 7     /* Latin forms (systems of romanisation and alternative readings) */

/* ---- tokens ---- */
#define PB__T_HYPHEN 1    /* directly followed by a hyphen ("al-Sisi") */
#define PB__T_CANON 2     /* a canonical lexicon token (ASCII), same in every form */
#define PB__T_SURNAME 4   /* a family name split off a Han or Hangul person name */
#define PB__T_GIVEN 8     /* the given name after such a split */
#define PB__T_POST 16     /* canonical honorific that may follow a name */
#define PB__T_DOT 32      /* a single letter directly followed by "." and a letter ("A.B.C.") */
#define PB__T_FOREIGN 64  /* a Han part of a foreign name written with middle dots (普京) */
#define PB__T_SYLL 128    /* forms only: syllables romanised from Han or Hangul, not lexicon words */

/* internal flag of pb__han_split, besides PB_NAME_*: the name has a middle dot */
#define PB__NAME_DOTTED 0x100

struct pb__tok {
    uint32_t off, len;    /* folded text (UTF-8) in the context's text buffer */
    uint32_t aoff, alen;  /* Latin only: alternative spelling (ä -> ae); alen 0 = none */
    int16_t usc;          /* UScriptCode of the token's letters (Latin for digits) */
    uint8_t flags;        /* PB__T_* */
    uint8_t kind;         /* enum pb_tok_kind, with PB__T_CANON */
};

enum pb__tr {
    PB__TR_RU, PB__TR_UK, PB__TR_BE, PB__TR_SR, PB__TR_MK, PB__TR_CYR, PB__TR_GREEK, PB__TR_GEORGIAN,
    PB__TR_ARMENIAN, PB__TR_KANA, PB__TR_ANY, PB__TR_KK, PB__TR_MN, PB__TR_COUNT
};

/* Languages guessed from the letters of a whole name, for romanisation. */
/* PB__LANG_DEFAULT is Russian for Cyrillic; PB__LANG_RUUK is Cyrillic without the letters that
 * tell Russian from Ukrainian (Зеленський), read both ways. */
enum pb__lang {
    PB__LANG_DEFAULT = 0, PB__LANG_RUUK, PB__LANG_UK, PB__LANG_BE, PB__LANG_SR, PB__LANG_MK, PB__LANG_KK,
    PB__LANG_MN, PB__LANG_FA, PB__LANG_UR
};

/* Per-thread working memory, reused from call to call. */
struct pb__tctx {
    UTransliterator *tr[PB__TR_COUNT];
    char tr_failed[PB__TR_COUNT];
    UBreakIterator *wb;
    int wb_failed;
    UChar *u16, *nf, *tmp16;
    size_t u16cap, nfcap, tmp16cap;
    int32_t *map16;               /* UTF-16 index -> byte offset (Han segmentation) */
    size_t map16cap;
    UChar32 *cps;
    size_t cpscap;
    struct pb_buf txt;            /* token texts; tokens refer to it by offset */
    struct pb_buf tmp;            /* scratch for romanisers and keys */
    struct pb__tok *toks, *toks2;
    size_t ntoks, ntoks2, tokcap;
    void *fa, *fb, *fc;           /* form token arrays (names.c) */
    void *rom;                    /* romanisations per token (names.c) */
    void *rcache;                 /* recent transliterations (names_translit.c) */
};

/* Free the transliteration cache of a context. */
void pb__rcache_free(void *cache);

/* The calling thread's context (created on first use), or NULL when out of memory. */
struct pb__tctx *pb__tctx_get(void);

/* Load every table (lexicons, Han readings) once; 0 or PROBITY_ENOMEM / PROBITY_EFORMAT. */
int pb__names_init(void);

/* Fold and split a UTF-8 string into tokens appended to c->toks (the same first step as for
 * names: NFKC, case folding, marks and punctuation removed per script). Used to normalise
 * lexicon keys. Returns 0 or a negative error. */
int pb__tokenize(struct pb__tctx *c, const char *s, size_t n, int *lang);

/* Append the original-script folding of token text s[n] (Arabic letter variants unified) to b. */
int pb__orig_fold(int usc, const char *s, size_t n, struct pb_buf *b);

/* ---- lexicons (names_lex.c) ---- */
#define PB__LEX_HAN 1       /* key is a Han string (matched inside Han runs) */
#define PB__LEX_LETTERS 2   /* every token of the key is a single letter ("s a", "l l c") */
#define PB__LEX_POST 4      /* honorific that may follow a name */
#define PB__LEX_REPLACE 8   /* a variant with a canonical replacement */

struct pb__lexent {
    const char *canon;      /* canonical token(s), ASCII, space separated; NULL: none */
    uint8_t kind;           /* kind of the replacement (enum pb_tok_kind) */
    uint8_t tkind;          /* kind of this key as a single token (pb_token_kind) */
    uint8_t ntok;           /* tokens in the key */
    uint8_t maxlen;         /* longest key, in tokens, that starts with this one */
    uint8_t flags;          /* PB__LEX_* */
    uint8_t hanlen;         /* Han keys: length in code points */
};

int pb__lex_load(void);
/* Entry for the key s[n] (normalised tokens joined by single spaces), or NULL. */
const struct pb__lexent *pb__lex_get(const char *s, size_t n);
/* Longest Han key in code points. */
int pb__lex_han_maxlen(void);
/* Latin rendering of a folded Arabic-script word (arabic_names.tsv), or NULL. */
const char *pb__lex_arabic(const char *s, size_t n);
/* Spellings of a Korean family name (korean_surnames.tsv): "kim gim", or NULL. */
const char *pb__lex_korean_surname(const char *s, size_t n);

/* ---- Han (names_han.c) ---- */
int pb__han_load(void);
/* Simplified form of a Han character (itself when it has none). */
uint32_t pb__han_simp(uint32_t cp);
/* Readings of a Han character, comma-separated ("dan,chan,shan"), or NULL. */
const char *pb__han_readings(uint32_t cp, size_t *len);
/* Reading of a family name (one or two characters, UTF-8), or NULL. */
const char *pb__han_surname(const char *s, size_t n);
/* Split the Han token at c->toks[i] into words (person: family name + given name; else
 * lexicon words and dictionary words), writing the result tokens to c->toks2. */
int pb__han_split(struct pb__tctx *c, size_t i, int flags);
/* Pinyin of the Han text s[n] appended to b: syllables joined (sep 0) or separated by sep;
 * the character at index altc (-1: none) takes its reading number altr. A surname token
 * takes its family-name reading. Returns the number of syllables written. */
int pb__han_pinyin(const char *s, size_t n, int surname, int altc, int altr, char sep, struct pb_buf *b);
/* The same, in Wade-Giles spelling when wg is set. */
int pb__han_read(const char *s, size_t n, int surname, int altc, int altr, char sep, int wg, struct pb_buf *b);

/* The Han text s[n] of a foreign name read for the sounds transcription gives its characters
 * (弗拉基米尔 -> flajimir; with palatal, j and q before i read d and t: fladimir), appended
 * to b. */
int pb__han_foreign(const char *s, size_t n, int palatal, struct pb_buf *b);

/* The Cantonese reading of the Han text s[n] as Hong Kong spells names (陈大文 -> chan tai
 * man), syllables separated by sep (0: joined), appended to b. Returns the number of
 * syllables written or PROBITY_ENOMEM. */
int pb__han_cantonese(const char *s, size_t n, char sep, struct pb_buf *b);
/* Whether s[n] is one pinyin syllable. */
int pb__pinyin_syllable(const char *s, size_t n);
/* Whether s[n] is the pinyin reading of a Chinese family name. */
int pb__pinyin_surname(const char *s, size_t n);
/* When s[n] is a run of one to three pinyin syllables, append its Wade-Giles spelling to b
 * and return 1; else 0 (PROBITY_ENOMEM when b cannot grow). */
int pb__pinyin_wade_giles(const char *s, size_t n, struct pb_buf *b);

/* ---- romanisers (names_translit.c) ---- */
/* Number of romanisation systems for a token of script usc in language lang. */
int pb__rom_systems(int usc, int lang, int person);
/* Romanise the token t in system sys (< pb__rom_systems) and append lower-case ASCII words
 * separated by spaces to b. Returns 0 or a negative error. */
int pb__romanise(struct pb__tctx *c, const struct pb__tok *t, const char *s, int lang, int sys, struct pb_buf *b);
/* The letter of c without its marks (U+00E9 -> e, U+0623 -> U+0627), or c. */
UChar32 pb__base_letter(UChar32 c);
/* Fold one Latin code point to ASCII: writes up to 3 bytes to out, returns the count, 0 to
 * drop it (a mark), -1 when it has no ASCII folding. */
int pb__latin_ascii(UChar32 cp, char out[4]);
/* Append Latin text (possibly with diacritics, from a transliterator) as lower-case ASCII
 * words separated by single spaces to b. */
int pb__ascii_words(const UChar *s, int32_t n, struct pb_buf *b);

/* ---- small helpers ---- */
static inline int pb__is_ascii_digit(int ch) { return ch >= '0' && ch <= '9'; }
static inline int pb__is_ascii_lower(int ch) { return ch >= 'a' && ch <= 'z'; }
/* Decode one UTF-8 code point at s[*i] (input already validated). */
static inline UChar32 pb__utf8_next(const char *s, size_t n, size_t *i)
{
    const unsigned char *p = (const unsigned char *)s;
    UChar32 c = p[*i];
    int k = 0;
    if (c < 0x80) {
        (*i)++;
        return c;
    }
    if (c >= 0xF0) {
        c &= 0x07;
        k = 3;
    } else if (c >= 0xE0) {
        c &= 0x0F;
        k = 2;
    } else {
        c &= 0x1F;
        k = 1;
    }
    (*i)++;
    while (k-- > 0 && *i < n)
        c = (c << 6) | (p[(*i)++] & 0x3F);
    return c;
}
/* Append code point c as UTF-8. */
int pb__buf_addcp(struct pb_buf *b, UChar32 c);

#endif
