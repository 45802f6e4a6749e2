/* Screening: an in-memory index of every name in the current lists, and fuzzy,
 * multilingual matching of a query against it, with a score in [0, 1] and an explanation.
 * An index is immutable once built and may be queried from many threads at once. */
#ifndef PROBITY_MATCH_H
#define PROBITY_MATCH_H
#include <stddef.h>
#include "probity/error.h"
#include "probity/store.h"

struct probity_index;

#define PROBITY_DEFAULT_THRESHOLD 0.70

/* Build the index from the current versions of `datasets` (all datasets when n == 0).
 * *out belongs to the caller (probity_index_free). */
int probity_index_build(struct probity_store *st, const char *const *datasets, size_t n,
                        struct probity_index **out, struct probity_error *err);
void probity_index_free(struct probity_index *ix);
/* Numbers of entities and of names (aliases included) in the index. */
size_t probity_index_entities(const struct probity_index *ix);
size_t probity_index_names(const struct probity_index *ix);

struct probity_query {
    const char *name;                 /* required */
    const char *schema;               /* NULL or "any": every schema that can match */
    const char *const *countries;     /* ISO codes (or names), may be NULL */
    size_t ncountries;
    const char *birth_date;           /* YYYY[-MM[-DD]] or NULL */
    const char *const *ids;           /* identifiers (passport, tax id, IMO ...) */
    size_t nids;
    const char *const *datasets;      /* restrict to these datasets */
    size_t ndatasets;
    double threshold;                 /* 0 = PROBITY_DEFAULT_THRESHOLD */
    int limit;                        /* 0 = 10 */
};

/* One aligned token pair of an explanation. */
struct probity_align {
    char query[96];          /* query token ("" if the name token was unmatched) */
    char name[96];           /* name token ("" if the query token was unmatched) */
    double similarity;       /* 0..1 */
    double weight;           /* rarity weight used */
};

/* One feature of the score: name similarity, birth date, country, identifier, schema ... */
struct probity_feature {
    char name[32];
    double contribution;     /* added to the score (negative for counter-evidence) */
    char detail[160];
};

struct probity_hit {
    char id[128];
    char caption[256];
    char schema[32];
    char datasets[256];      /* comma-separated */
    char matched[256];       /* the name or alias that matched, as listed */
    double score;
    struct probity_align align[24];
    size_t nalign;
    struct probity_feature features[8];
    size_t nfeatures;
};

struct probity_result {
    struct probity_hit *hits;   /* best first; ties broken by id, so results are stable */
    size_t n;
};

/* Screen one query. Errors: PROBITY_EINVAL with a message for an empty or meaningless name,
 * an unknown schema, an invalid date; PROBITY_EENCODING for invalid UTF-8. */
int probity_screen(const struct probity_index *ix, const struct probity_query *q, struct probity_result *out,
                   struct probity_error *err);
void probity_result_release(struct probity_result *r);

/* Score two names directly (rarity weights from `ix` when not NULL). The explanation goes
 * to *hit when not NULL. */
int probity_compare_names(const struct probity_index *ix, const char *a, const char *b, const char *schema,
                          double *score, struct probity_hit *hit, struct probity_error *err);

/* Write a one-line human-readable explanation of a hit into buf. */
void probity_hit_explain(const struct probity_hit *hit, char *buf, size_t size);

#endif
