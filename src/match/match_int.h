/* Internals of the screening engine shared by the files of src/match/: the layout of the
 * in-memory index (flat arrays and offsets, no per-name allocations), token similarity on
 * code points, and the scorer that aligns a query form with a name form. Nothing here is
 * public API; include/probity/match.h is. */
#ifndef PB_MATCH_INT_H
#define PB_MATCH_INT_H
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include "probity/entity.h"
#include "probity/match.h"
#include "text/names.h"

/* ---- tunables of the scorer (docs/internals/match.md explains each) ---- */
#define PB_SIM_FLOOR 0.66      /* token similarity below this counts as no match at all ... */
#define PB_SIM_FLOOR_FAR 0.70  /* ... or below this for words whose lengths differ by 2 or more */
#define PB_SIM_INITIAL 0.75    /* an initial against a word with the same first letter */
#define PB_MAX_TOKENS 64       /* tokens of one form that take part in scoring */
#define PB_MAX_JOIN 4          /* adjacent tokens joined into one ("jsc argument" = "jscargument") */
#define PB_MAX_EDITS 2         /* edits (OSA) between two matching words, at most 30% of the length */
#define PB_MAX_EDITS_JOIN 1    /* ... between a query word and a run of listed words read as one */
#define PB_MAX_EDITS_QJOIN 0   /* ... between a run of query words and a listed word: exact */
#define PB_DEL_MAX_CPS 32      /* longer tokens are found by exact look-up only */
#define PB_PHON_EDITS 2        /* equal phonetic keys count within this many edits */
#define PB_MAX_ACRONYM 5       /* acronyms of 2 to this many letters are read ("pla") */
#define PB_SIM_ACRONYM 0.8     /* an acronym against the words it abbreviates */
#define PB_ACRONYM_MARK '\x01' /* index tokens of acronyms start with this byte */
#define PB_MAX_NAME_BYTES 4096 /* longer query names are refused */
#define PB_JOIN_WMAX 3.0       /* candidate generation's bound on the weight of a joined run */
/* evidence beside the name: added to the name score */
#define PB_DATE_EXACT 0.06     /* the same birth date */
#define PB_DATE_MONTH 0.04     /* the same year and month */
#define PB_DATE_YEAR 0.02      /* the same year */
#define PB_DATE_CONFLICT -0.15 /* no listed birth date in the query's year */
#define PB_CTRY_MATCH 0.03     /* a country in common */
#define PB_CTRY_MISMATCH -0.05 /* both have countries, none in common */
#define PB_IDENT_MATCH 0.5     /* an identical identifier */
#define PB_IDENT_FLOOR 0.8     /* ... and the least a party with one then scores */

/* The scorer's parameters (score.c explains each); read-only while the engine runs. */
struct pb_params {
    double lambda, delta, delta_q, delta_org, delta_num, kappa, kappa_num, kappa_gen, kappa_legal;
    double generic_cap, cross;
    double legal_other;   /* factor: a legal form in the query against a vessel's name */
    int phon;
    double phon_sim;
    int phon_edits_short;  /* edits allowed with equal keys when a word has 4 letters or fewer */
    double w_generic, w_orgtype, w_legal, w_stop, w_initial;
};
extern struct pb_params pb__params;

/* ---- growable arrays ---- */
struct pb_u32v {
    uint32_t *v;
    size_t n, cap;
};
/* Append x; 0 or PROBITY_ENOMEM. The common case is inline, growing is not. */
int pb__u32v_grow(struct pb_u32v *a, uint32_t x);
static inline int pb__u32v_push(struct pb_u32v *a, uint32_t x)
{
    if (a->n == a->cap)
        return pb__u32v_grow(a, x);
    a->v[a->n++] = x;
    return 0;
}
void pb__u32v_release(struct pb_u32v *a);

/* ---- string table: interned NUL-terminated strings in one arena, looked up by hash ---- */
struct pb_strtab {
    char *arena;        /* strings, each NUL-terminated */
    size_t len, cap;
    uint32_t *off;      /* id -> offset into arena */
    size_t n, ncap;
    uint32_t *slots;    /* open addressing: id + 1, 0 = empty */
    uint32_t *hash;     /* per slot: the hash of its string */
    size_t nslots;
};
/* Id of s, interning it when absent (*added set to 1 then). Returns 0 or PROBITY_ENOMEM. */
int pb__strtab_intern(struct pb_strtab *t, const char *s, size_t n, uint32_t *id, int *added);
/* Id of s or UINT32_MAX. */
uint32_t pb__strtab_find(const struct pb_strtab *t, const char *s, size_t n);
static inline const char *pb__strtab_str(const struct pb_strtab *t, uint32_t id) { return t->arena + t->off[id]; }
void pb__strtab_release(struct pb_strtab *t);

/* ---- tokens ---- */
/* A token prepared for comparison: its code points and what kind of word it is. */
struct pb_tokinfo {
    const uint32_t *cp;  /* code points (borrowed) */
    uint16_t ncp;
    uint8_t kind;        /* enum pb_tok_kind */
    uint8_t initial;     /* a single letter */
    uint8_t abjad;       /* romanised from a script that does not write short vowels */
    uint8_t syllabic;    /* a romanised syllable of Han or Hangul: spelling is exact */
    uint32_t phon;       /* hash of the phonetic key, 0 if none */
    uint32_t mask;       /* set of its code points mod 32 (0: not computed) */
};

/* Similarity of two tokens in [0, 1] on code points: 1 for equal tokens; numbers only
 * equal numbers; an initial PB_SIM_INITIAL against a word with its first letter; else
 * 1 - d / longer length for an OSA edit distance d of at most kmax and 34% of the longer
 * length (30% when the lengths differ by two or more), raised to 0.8 for equal phonetic
 * keys and close spellings; values below PB_SIM_FLOOR are 0.
 * kmax is PB_MAX_EDITS for two words, PB_MAX_EDITS_JOIN when one side is a joined run. */
double pb__tok_sim_k(const struct pb_tokinfo *a, const struct pb_tokinfo *b, int kmax);
double pb__tok_sim(const struct pb_tokinfo *a, const struct pb_tokinfo *b);
/* pb__tok_sim_k of two tokens known to differ (two tokens of the index with different ids). */
double pb__tok_sim_ne(const struct pb_tokinfo *a, const struct pb_tokinfo *b, int kmax);
/* pb__tok_sim_ne(a, b, PB_MAX_EDITS) of two words known to be more edits apart than the edit
 * distance credits: what the phonetic rules give them. */
double pb__tok_sim_phon(const struct pb_tokinfo *a, const struct pb_tokinfo *b);
/* Bits set in x, inline (without -mpopcnt the builtin is a library call). */
static inline int pb__popcount(uint32_t x)
{
    x = x - ((x >> 1) & 0x55555555u);
    x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
    x = (x + (x >> 4)) & 0x0F0F0F0Fu;
    return (int)((x * 0x01010101u) >> 24);
}
/* Edits within reach between words of la and lb code points: up to 34% of the longer
 * length (similarity 0.66) for words of about the same length, 30% (0.70) otherwise, and
 * never more than kmax. In integers: the same as flooring the fraction for every length. */
static inline int pb__reach(int la, int lb, int kmax)
{
    int L = la > lb ? la : lb, diff = la > lb ? la - lb : lb - la;
    int pct = diff <= 1 ? 100 - (int)(PB_SIM_FLOOR * 100 + 0.5) : 100 - (int)(PB_SIM_FLOOR_FAR * 100 + 0.5);
    int d = pct * L / 100;
    return d < kmax ? d : kmax;
}
/* Zero when pb__tok_sim_k(a, b, kmax) is surely 0 for two different tokens, from their
 * lengths, letter sets, phonetic keys and flags only (their code points are not read). */
static inline int pb__tok_sim_possible(const struct pb_tokinfo *a, const struct pb_tokinfo *b, int kmax)
{
    int maxd;
    if (pb__params.phon && a->phon && a->phon == b->phon)
        return 1;   /* equal keys may raise any spelling */
    if (a->syllabic || b->syllabic || a->initial || b->initial || a->kind == PB_TOK_NUMBER ||
        b->kind == PB_TOK_NUMBER)
        return 1;   /* decided by the rules before the edit distance */
    maxd = a->ncp <= PB_DEL_MAX_CPS && b->ncp <= PB_DEL_MAX_CPS ? pb__reach(a->ncp, b->ncp, kmax) : 0;
    return maxd && (!a->mask || !b->mask || (pb__popcount(a->mask ^ b->mask) + 1) / 2 <= maxd);
}
/* The set of the code points of a token, mod 32, as bits. */
uint32_t pb__letter_mask(const uint32_t *cp, size_t n);
/* Deletion depth that finds every token within reach of a token of ncp code points. */
int pb__del_depth(size_t ncp, int kmax);
/* Hashes of every string made by deleting at most k code points (the token itself
 * included), sorted and distinct, into out[cap]; returns the count. */
size_t pb__del_hashes(const uint32_t *cp, size_t ncp, int k, uint64_t *out, size_t cap);
/* Optimal string alignment distance on code points (limited to max: returns max + 1 when
 * the distance is larger). */
int pb__osa(const uint32_t *a, int na, const uint32_t *b, int nb, int max);
/* Decode UTF-8 into code points; returns the count (at most cap). */
size_t pb__utf8_cps(const char *s, size_t n, uint32_t *out, size_t cap);
/* Hash of the phonetic key of a Latin token, 0 when it has none. */
uint32_t pb__phon_hash(const char *tok);
/* Weight of a token of a kind with rarity r in (0, 1]. */
double pb__tok_weight(int kind, int initial, double rarity);

/* ---- the index ---- */
enum { PB_FORM_WEAK = 1, PB_FORM_ORIG = 2, PB_FORM_JOINS = 4 };

struct pb_itok {          /* one distinct token of the index */
    uint32_t str;         /* id in ix->toks */
    uint32_t cp;          /* offset into ix->cps */
    uint16_t ncp;
    uint8_t kind;
    uint8_t initial;
    uint32_t phon;
    uint32_t df;          /* forms that hold it */
    float w;              /* weight (kind x rarity) */
    uint8_t joined;       /* a join of two adjacent tokens of a name, for run-together queries */
    uint8_t abjad;        /* seen only in names romanised from Arabic or Hebrew script */
    uint8_t syllabic;     /* seen only in names romanised from Han or Hangul */
    uint8_t seen;         /* build: 1 abjad, 2 syllabic, 4 other forms it was seen in */
    uint8_t acronym;      /* the initials of a run of words of names (string marked) */
    uint8_t dual;         /* in some name it stands for a run of words that may weigh more than
                           * candidate generation credits it with (tok.w, PB_JOIN_WMAX): a real
                           * token that is also a join, or a long run of initials */
    uint32_t mask;        /* pb__letter_mask */
};

struct pb_form {          /* one form of one name of one entity */
    uint32_t ent;
    uint32_t name;        /* the name as listed: offset into ix->strs */
    uint32_t tok;         /* offset into ix->ftok */
    uint8_t ntok;
    uint8_t flags;
    uint8_t script;
    uint8_t ninit;        /* single-letter tokens */
    uint8_t schema;       /* its entity's schema (a copy, for locality) */
    float wsum;           /* sum of the weights of its distinct tokens */
};

/* What candidate generation reads of a form, in one small record: a posting costs one
 * cache miss, not one per field. */
struct pb_fmeta {
    float wsum;           /* pb_form.wsum */
    uint8_t ninit;        /* initials (capped at 255) */
    uint8_t schema;       /* its entity's schema id */
    uint8_t script;       /* pb_form.script */
    uint8_t orig;         /* an original-script form */
};

struct pb_ent {
    uint32_t id, caption, datasets;  /* offsets into ix->strs */
    uint32_t dsmask_off;             /* offset into ix->dsmask (ix->dswords words) */
    uint32_t dates, ndates;          /* into ix->dates: YYYYMMDD with 00 for unknown parts */
    uint32_t ctry, nctry;            /* into ix->ctry: ids in ix->countries */
    uint32_t ids, nids;              /* into ix->idv: ids in ix->idents */
    uint8_t schema;                  /* index into pb__schemas */
};

struct pb_scratch;

struct probity_index {
    /* strings: names as listed, entity ids, captions */
    char *strs;
    size_t nstrs, capstrs;
    struct pb_strtab toks;           /* token strings */
    struct pb_itok *tok;             /* by token id */
    size_t ntok;
    uint32_t *cps;                   /* code points of all tokens */
    size_t ncps, capcps;
    struct pb_form *form;
    size_t nform;
    uint8_t *tlen;                   /* per token: code points (capped at 255), for cheap filters */
    struct pb_fmeta *fmeta;          /* per form: what candidate generation reads, packed */
    uint32_t *ftok;                  /* token ids of forms, in order */
    size_t nftok;
    struct pb_ent *ent;
    size_t nent;
    size_t nnames;                   /* names (aliases included) before forms */
    /* postings: token -> forms (CSR) */
    uint32_t *post_start, *post;
    /* deletion neighbourhoods: hash of a token with up to k code points deleted -> tokens,
     * as sorted (32-bit key << 32 | token) entries in buckets of the key's top bits; keys
     * may collide, which only adds candidates that the similarity then turns down */
    uint64_t *del;
    size_t ndel;
    uint32_t *del_dir;               /* bucket -> first entry ((1 << del_bits) + 1 of them) */
    int del_bits;
    /* phonetic hash -> tokens: sorted pairs */
    uint64_t *phon;                  /* (hash << 32) | token id, sorted */
    size_t nphon;
    /* evidence */
    uint32_t *dates;
    size_t ndates;
    struct pb_strtab countries;
    uint32_t *ctry;
    size_t nctry;
    struct pb_strtab idents;
    uint32_t *idv;
    size_t nidv;
    uint32_t *ident_start, *ident_ent;  /* identifier -> entities (CSR) */
    /* datasets */
    struct pb_strtab datasets;
    struct pb_strtab schemas;        /* schema names; pb_ent.schema is an id here */
    uint64_t *dsmask;
    size_t dswords, ndsmask;
    double wmax;                     /* largest token weight */
    double winit_max;                /* largest weight of an initial */
    int ninit_max;                   /* most initials in one form */
    /* per-thread query scratch, reused */
    pthread_mutex_t lock;
    struct pb_scratch *free_scratch;
};

/* Build an index from entities held in memory rather than from a store (benchmarks,
 * tests): next() fills *e (reused between calls; it may reset it) and *dataset with the
 * next entity and returns 1, or returns 0 at the end or a negative error code. Entities
 * with the same id are one entity, as in probity_index_build. *out belongs to the caller. */
typedef int (*pb_entity_source)(void *ctx, struct probity_entity *e, const char **dataset);
int pb__index_build_entities(pb_entity_source next, void *ctx, struct probity_index **out,
                             struct probity_error *err);
/* Non-zero if a query of schema qs (NULL or "any": every schema) may match an entity of
 * schema es: the same schema, one descending from the other, or two organisation schemata. */
int pb__schema_compatible(const char *qs, const char *es);
/* Non-zero when titles are words of the names of a schema (organisations, vessels,
 * aircraft), not forms of address dropped from them. */
int pb__schema_titles(const char *s);
/* Flags for pb_name_forms for a schema (NULL: unknown). */
int pb__schema_name_flags(const char *s);
/* The key of variant hash h in ix->del. */
static inline uint32_t pb__del_key(uint64_t h) { return (uint32_t)(h >> 32) ^ (uint32_t)h; }
/* Entries [*lo, *hi) of ix->del in the bucket of variant hash h: the tokens under h are
 * those whose key (entry >> 32) is pb__del_key(h). */
void pb__del_bucket(const struct probity_index *ix, uint64_t h, size_t *lo, size_t *hi);
/* Start loading the bucket of variant hash h (look-ups of many hashes overlap their misses). */
void pb__del_prefetch(const struct probity_index *ix, uint64_t h);
/* Release the query scratch buffers held by the index. */
void pb__scratch_free_all(struct probity_index *ix);

/* ---- scoring ---- */
struct pb_qtok {          /* a token of one query form */
    struct pb_tokinfo ti;
    const char *str;
    double w;
    uint32_t id;          /* index token id or UINT32_MAX */
};

/* A form ready for scoring: tokens with weights. */
struct pb_sform {
    struct pb_tokinfo ti[PB_MAX_TOKENS];
    const char *str[PB_MAX_TOKENS];
    double w[PB_MAX_TOKENS];
    uint32_t id[PB_MAX_TOKENS];  /* index token id or UINT32_MAX */
    int n;
    int orig;                    /* an original-script form */
    int script;
};

/* Pairwise similarity source: either computed or looked up in query neighbourhoods. */
typedef double (*pb_sim_fn)(void *ctx, const struct pb_sform *q, int qi, const struct pb_sform *n, int nj);

/* Score query form q against name form n; kind is PB_NAME_ORG (word order counts),
 * PB_NAME_PERSON (every word is a name part) or 0, with PB__KIND_THING for a vessel's or an
 * aircraft's name.
 * The alignment and name-score details go to *hit when not NULL. Returns the name score. */
#define PB__KIND_THING 4
/* PB__KIND_THING for the schemata of vessels and aircraft, else 0. */
int pb__schema_thing(const char *schema);
double pb__score_forms(const struct pb_sform *q, const struct pb_sform *n, int kind, pb_sim_fn sim,
                       void *simctx, struct probity_hit *hit);
/* Initials of the run of words of f starting at j that has len words other than stop
 * words, into out[len + 1]; returns the run's length in tokens, or 0 if there is none. */
int pb__acronym_run(const struct pb_sform *f, int j, size_t len, char *out);
/* Non-zero for the kinds of word that make a name read as an organisation's (legal forms,
 * organisation types, generic words): only such a name is spelt out by an acronym. */
int pb__kind_orgish(int kind);
/* Give the titles of a listed name form (honorific tokens, otherwise of weight 0) the weight
 * of a generic word: they are words of a thing's or an organisation's name. Only the listed
 * side: a query's titles still weigh nothing, so this lowers scores and never raises one. */
void pb__sform_titles(struct pb_sform *f);
/* Default pairwise similarity: pb__tok_sim. */
double pb__sim_direct(void *ctx, const struct pb_sform *q, int qi, const struct pb_sform *n, int nj);

/* Prepare a form string ("tok tok tok") into f, with token weights from ix (or uniform
 * rarity when ix is NULL). cps must hold room for the code points of the form. Returns the
 * number of tokens. */
int pb__sform_prepare(const struct probity_index *ix, const char *form, int orig, int script,
                      struct pb_sform *f, uint32_t *cps, size_t cpcap);

/* probity_screen without the index: every name of the index is scored (the baseline that
 * candidate generation is tested and measured against). */
int pb__screen_brute(const struct probity_index *ix, const struct probity_query *q, struct probity_result *out,
                     struct probity_error *err);
/* Non-zero for a form romanised from a script that does not write short vowels. */
int pb__abjad_form(int script, int orig);
/* The script the engine treats a name as written in, from pb_name_forms' script. */
int pb__script_of(int script, const char *name);
/* Non-zero for a form of a Han or Hangul name, in the script or romanised: its tokens
 * are syllables, compared exactly. */
int pb__syllabic_form(int script, int orig);
/* The names in one value: "A; B; C" (a list), or alternatives written "A/B" (two or more
 * letters on each side of the slash, two or more words in each part): the parts, each a
 * malloc'd string, into out[max]; returns their number (0 when the value is one name). */
size_t pb__name_parts(const char *name, char **out, size_t max);
/* Rewrite runs of English number words in a form as digits ("forty four" -> "44",
 * "first" -> "1"), in place. */
void pb__number_words(char *form);
/* Copy src into dst[size], cut at a UTF-8 character boundary; returns dst. */
char *pb__copy(char *dst, size_t size, const char *src);
/* Normalise an identifier for comparison (upper case letters and digits only) into out. */
void pb__ident_norm(const char *in, char *out, size_t size);
/* Parse YYYY[-MM[-DD]] into YYYYMMDD with zero parts; 0 if not a date. */
uint32_t pb__date_pack(const char *s);

#endif
