/* Names prepared for matching (ICU lives behind this header, in src/text/).
 *
 * A name becomes one or more *forms*: sequences of normalised tokens separated by single
 * spaces. The first form is the primary Latin form; others are alternative readings (a Han
 * character with two pinyin readings, a second romanisation of Cyrillic, Han surname split)
 * and, for names not in Latin script, the original-script form (folded: NFKC, case folded,
 * simplified/traditional Han folded; Han written one token per given name / surname).
 * Legal forms and organisation-type phrases are replaced by one canonical token from the
 * lexicons ("co., ltd." / "company limited" / "有限公司" -> "ltd"; "public security bureau" /
 * "公安局" -> "psb"), so forms can be compared token by token.
 * All functions are thread-safe. */
#ifndef PB_NAMES_H
#define PB_NAMES_H
#include <stddef.h>

enum pb_script {
    PB_SCRIPT_NONE = 0, PB_SCRIPT_LATIN, PB_SCRIPT_HAN, PB_SCRIPT_CYRILLIC, PB_SCRIPT_ARABIC,
    PB_SCRIPT_GREEK, PB_SCRIPT_GEORGIAN, PB_SCRIPT_ARMENIAN, PB_SCRIPT_HANGUL, PB_SCRIPT_KANA,
    PB_SCRIPT_HEBREW, PB_SCRIPT_THAI, PB_SCRIPT_OTHER
};

/* Flags for pb_name_forms. */
#define PB_NAME_PERSON 1   /* person-name rules: honorifics dropped, Han surname split */
#define PB_NAME_ORG 2      /* organisation rules: legal forms and org types canonicalised */

struct pb_forms {
    char **v;                /* forms, each "tok tok tok" (lower case, no punctuation) */
    unsigned char *orig;     /* orig[i] != 0: v[i] is an original-script form */
    size_t n;
    enum pb_script script;   /* dominant script of the input */
};

/* Prepare `name`. Flags 0 = unknown kind (both rule sets that are safe for any name).
 * Returns 0, PROBITY_EENCODING for invalid UTF-8, PROBITY_EINVAL when nothing remains
 * (empty, only punctuation), PROBITY_ENOMEM. out belongs to the caller. */
int pb_name_forms(const char *name, int flags, struct pb_forms *out);
void pb_forms_release(struct pb_forms *f);

/* Kind of a normalised token (as found in forms). */
enum pb_tok_kind {
    PB_TOK_WORD = 0,   /* an ordinary, possibly distinctive word */
    PB_TOK_NUMBER,     /* digits: must agree exactly */
    PB_TOK_LEGAL,      /* canonical legal form: ltd, llc, jsc, gmbh, sa ... */
    PB_TOK_ORGTYPE,    /* canonical organisation type: psb, ministry, bureau, institute ... */
    PB_TOK_GENERIC,    /* generic words: company, group, trading, international, technology ... */
    PB_TOK_STOP,       /* of, the, and, de, la ... */
    PB_TOK_HONORIFIC,  /* mr, dr, president, sheikh ... */
};
enum pb_tok_kind pb_token_kind(const char *tok);
/* The kind of a token of a name romanised from Han or Hangul: a syllable of the name
 * whatever the lexicons say of the same letters (de, la and bin are syllables, not particles;
 * hon is a syllable, not "honorable"); canonical lexicon tokens keep their kind. */
enum pb_tok_kind pb_token_kind_syllabic(const char *tok);

/* Dominant script of a UTF-8 string. */
enum pb_script pb_name_script(const char *name);
const char *pb_script_name(enum pb_script s);   /* "latin", "han", ... */
/* Whether a name has a middle dot (· ・ ‧ •), which Chinese and Japanese writing put between
 * the parts of a foreign name spelt by sound (贝拉克·奥巴马). */
int pb_name_dotted(const char *name);

/* A cheap phonetic key of a normalised Latin token (for candidate generation), written to
 * out[size]; "" for tokens it does not apply to. */
void pb_phonetic_key(const char *tok, char *out, size_t size);

#endif
