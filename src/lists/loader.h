/* The contract between the load driver (load.c) and each format's loader. A loader reads
 * its files as a stream and hands complete FtM entities to the sink one at a time; it
 * never touches the store. Entity ids are stable across versions of the same list
 * (derived from the list's own ids), so that versions can be compared. */
#ifndef PB_LOADER_H
#define PB_LOADER_H
#include <stddef.h>
#include "probity/entity.h"
#include "probity/error.h"
#include "probity/lists.h"
#include "core/core.h"

struct pb_sink {
    /* Store one entity (copied; the loader may reuse it). Returns 0 or an error code
     * with err already filled; the loader must stop and return that code. */
    int (*emit)(struct pb_sink *s, const struct probity_entity *e, struct probity_error *err);
    /* The list's own publication date as stated in the file (ISO 8601 preferred). */
    void (*published)(struct pb_sink *s, const char *date);
    /* A non-fatal problem worth telling (orphan alias row, unresolved link). */
    void (*warn)(struct pb_sink *s, const char *file, long line, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
    void *ctx;
};

struct pb_load_args {
    const char *const *paths;     /* the files of this format and dataset */
    size_t npaths;
    const struct probity_load_opts *opts;
    struct pb_sink *sink;
    struct probity_error *err;    /* filled on error: file, line, column, reason */
};

/* Each returns 0 or a negative PROBITY_E* code with a->err filled. */
int pb__load_ofac_csv(const struct pb_load_args *a);   /* sdn/alt/add/sdn_comments, cons_* */
int pb__load_ofac_xml(const struct pb_load_args *a);   /* OFAC sdnList XML */
int pb__load_un_xml(const struct pb_load_args *a);     /* UN SC consolidated XML */
int pb__load_csl(const struct pb_load_args *a);        /* trade.gov CSL CSV, 2019 and current */
int pb__load_dpl(const struct pb_load_args *a);        /* BIS Denied Persons List TSV */
int pb__load_ftm(const struct pb_load_args *a);        /* FtM JSON lines, incl. delta files */
int pb__load_targets(const struct pb_load_args *a);    /* OpenSanctions targets.simple.csv */
int pb__load_csv(const struct pb_load_args *a);        /* any CSV with a column mapping */

/* Country name or code as written in a list -> ISO 3166-1 alpha-2 lower case ("China" ->
 * "cn", "Korea, North" -> "kp"), or NULL when unknown. Static string. */
const char *pb__country_code(const char *name);

/* Append the form of a name or address that goes into hashed ids: lower-case letters and
 * digits (bytes >= 0x80 kept) with single spaces between words, so spelling noise (case,
 * punctuation, spacing) does not split an id. Returns 0 or -1 when out of memory. */
int pb__id_fold(struct pb_buf *b, const char *s);

/* probity_entity_add with its failure turned into an error at path:line (invalid UTF-8 in
 * PROP, or out of memory). Returns 0 or the code, with err filled. */
int pb__entity_add_at(struct probity_entity *e, const char *prop, const char *value, const char *path, long line,
                      struct probity_error *err);

struct pb_csv;
/* Open a CSV whose first row is a header and find the columns named names[0..n)
 * (case-insensitive, blanks trimmed): col[k] gets each one's field index, -1 when absent, and
 * *nheader the header's field count. An empty file is PROBITY_EEMPTY naming `what`. */
int pb__csv_open_header(struct pb_csv **out, const char *path, char delim, const char *encoding,
                        const char *const *names, int n, int *col, size_t *nheader, const char *what,
                        struct probity_error *err);
/* The next data row, which must have exactly nheader fields (else PROBITY_EPARSE with its
 * line); *line gets the line it began on. Returns 1 with a row, 0 at the end, or an error. */
int pb__csv_row(struct pb_csv *csv, size_t nheader, char ***f, long *line, const char *path,
                struct probity_error *err);

#endif
