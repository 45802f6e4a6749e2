/* The search query language: parsed into a tree, turned into an FTS5 expression made only
 * of quoted, already normalised tokens (user text never reaches MATCH), and checked again
 * against each candidate passage so that exact phrases are really exact.
 *
 *   words          all required:                 huawei cloud
 *   "a phrase"     adjacent, same punctuation:   "public security bureau"
 *   OR, AND, NOT   upper case; -word = NOT word: (huawei OR zte) -settlement
 * Words joined by AND must occur in one passage (a chunk: a page or less); a word
 * excluded at the top level must not occur anywhere in the document.
 *   prefix*        any word starting so:         surveil*
 *   ( )            grouping
 *   key:value      filters on the whole query:   collection:x lang:zh type:pdf
 */
#ifndef PB_DOCS_QUERY_H
#define PB_DOCS_QUERY_H
#include <stddef.h>
#include "core/core.h"
#include "text/segment.h"

struct pb_query;

/* Parse `q`. Errors are PROBITY_EPARSE with the 1-based column (in characters) of the
 * problem in err->column and a message saying what is wrong; PROBITY_ENOMEM. */
int pb_query_parse(const char *q, struct pb_query **out, struct probity_error *err);
void pb_query_free(struct pb_query *q);

/* The FTS5 MATCH expression (borrowed, lives with q). */
const char *pb_query_fts(const struct pb_query *q);

/* Filter values given in the query: kind 0 collection, 1 lang, 2 type. */
const char *const *pb_query_filter(const struct pb_query *q, int kind, size_t *n);

/* A match of a query word or phrase in a passage: byte range in the passage. */
struct pb_qmark {
    size_t start, end;
};

/* Check a candidate passage text[0..len) against the query with exact semantics.
 * Returns 1 when it matches (its hits in *marks, sorted, *nmarks; the array belongs to
 * the caller and is reused between calls), 0 when not, or a negative error. */
int pb_query_match(struct pb_query *q, struct pb_segmenter *sg, const char *text, size_t len,
                   struct pb_qmark **marks, size_t *nmarks, size_t *cap);

/* Words and phrases excluded by NOT at the top level of the query apply to whole
 * documents: the number of them, the FTS5 expression of one, and its exact check on a
 * passage of a candidate document (1 when it occurs there, 0 if not, or an error). */
size_t pb_query_nexclude(const struct pb_query *q);
const char *pb_query_exclude_fts(const struct pb_query *q, size_t i);
int pb_query_exclude_match(struct pb_query *q, size_t i, struct pb_segmenter *sg, const char *text, size_t len);

#endif
