/* Parsing of HTTP API request bodies into screening queries: /match batches (yente's
 * query-by-example shape), OpenRefine reconciliation batches, /screen NDJSON lines and
 * url-encoded forms. These are pure functions of their input (no index, no store, no
 * network), so the fuzz target drives them directly; they never trust a length, a type or
 * an encoding, and every refusal comes with a message naming the offending field. */
#ifndef PB_SERVER_REQUEST_H
#define PB_SERVER_REQUEST_H
#include <stddef.h>
#include <jansson.h>
#include "probity/error.h"

/* Upper bounds applied while parsing (0 in a field = the default in brackets). */
struct pb_api_limits {
    size_t max_batch;      /* queries in one batch [100] */
    size_t max_name;       /* bytes of one name or value [1024] */
    size_t max_values;     /* values of one property, names of one query [32] */
    int max_limit;         /* a per-query "limit" [100] */
};

/* One query, whichever shape it came in. Every string is owned by the query. */
struct pb_api_query {
    char *key;                  /* the client's key ("q1"), or the NDJSON line's "id"/"key"; may be NULL */
    char *schema;               /* a matchable FtM schema, or NULL for any */
    char **names;               /* at least one */
    size_t nnames;
    char **countries;           /* values of country-typed properties */
    size_t ncountries;
    char *birth_date;           /* the first birthDate, or NULL */
    char **ids;                 /* values of identifier-typed properties */
    size_t nids;
    int limit;                  /* reconciliation: the query's own limit, 0 = none given */
    json_t *echo;               /* {"id"?, "schema", "properties"} as understood, for responses */
};

struct pb_api_batch {
    struct pb_api_query *q;
    size_t n;
};

/* A /match body: {"queries": {"q1": {"schema": "Person", "properties": {"name": [...]}}},
 * "weights": {...}, "config": {...}} (weights and config are accepted and ignored).
 * Returns 0, PROBITY_EPARSE (malformed JSON, with line and column), PROBITY_EINVAL (a wrong
 * type, an unknown schema or property, a limit exceeded; the message names the field).
 * *out belongs to the caller (pb__batch_release) and is empty on error. */
int pb__parse_match(const char *body, size_t len, const struct pb_api_limits *lim, struct pb_api_batch *out,
                    struct probity_error *err);

/* A W3C reconciliation batch: {"q0": {"query": "...", "type": "Person", "limit": 3,
 * "properties": [{"pid": "country", "v": "ru"}]}}. Property ids that are no property of the
 * type are ignored, as reconciliation clients send whatever columns they have. Same
 * errors as pb__parse_match. */
int pb__parse_reconcile(const char *json, size_t len, const struct pb_api_limits *lim, struct pb_api_batch *out,
                        struct probity_error *err);

/* One /screen NDJSON line: either an entity example as in /match ({"id", "schema",
 * "properties"}) or a flat object {"name", "schema", "country"/"countries", "birth_date"/
 * "birthDate", "identifier"/"ids", "id"/"key"}. *out is reset first; release it with
 * pb__query_release. Same errors as pb__parse_match. */
int pb__parse_screen_line(const char *line, size_t len, const struct pb_api_limits *lim,
                          struct pb_api_query *out, struct probity_error *err);

/* The value of field `key` in an application/x-www-form-urlencoded body, decoded ('+' and
 * %XX), into *out (the caller frees it). PROBITY_ENOTFOUND when absent, PROBITY_EINVAL for a
 * bad escape or a value that is not valid UTF-8. */
int pb__form_value(const char *body, size_t len, const char *key, char **out, struct probity_error *err);

/* A number in [lo, hi] from a query-string value; 0 or PROBITY_EINVAL. */
int pb__param_double(const char *s, double lo, double hi, double *out);
int pb__param_int(const char *s, long lo, long hi, long *out);

void pb__query_release(struct pb_api_query *q);
void pb__batch_release(struct pb_api_batch *b);

#endif
