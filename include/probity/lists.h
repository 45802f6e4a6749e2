/* Loading restriction lists in their native formats into the store. */
#ifndef PROBITY_LISTS_H
#define PROBITY_LISTS_H
#include <stddef.h>
#include "probity/error.h"
#include "probity/store.h"

struct probity_load_opts {
    const char *dataset;        /* NULL: a default name per format ("us_ofac_sdn", ...) */
    const char *format;         /* NULL: detect per file; see probity_formats() */
    const char *encoding;       /* NULL: UTF-8 (with BOM detection); else an ICU converter name */
    const char *const *maps;    /* "prop=Column" pairs for the csv format */
    size_t nmaps;
    const char *const *splits;  /* "prop=SEP": split that property's cells on SEP */
    size_t nsplits;
    const char *schema;         /* csv: schema for rows with no schema column (default LegalEntity) */
    int force;                  /* load even when the sources are unchanged */
};

/* Outcome of one dataset within a load. */
struct probity_load_result {
    struct probity_version version;   /* the version now current */
    int unchanged;                    /* the same files were already loaded; nothing stored */
    long added, removed, changed;     /* against the previous current version */
    long warnings;
};

struct probity_load_report {
    struct probity_load_result *results;
    size_t n;
};
void probity_load_report_release(struct probity_load_report *r);

/* Formats: "ofac-csv", "ofac-xml", "un-xml", "csl", "dpl", "ftm", "targets-csv", "csv".
 * Returns a NULL-terminated static array. */
const char *const *probity_formats(void);

/* Detect the format of one file. Returns 0 and the static format name in *format and the
 * default dataset in *dataset; PROBITY_EFORMAT with a reason in err if it is not recognised. */
int probity_detect(const char *path, const char **format, const char **dataset, struct probity_error *err);

/* Load the files as new versions of their datasets, in one transaction: on any error the
 * store is left exactly as it was. Warnings (orphan rows, unresolved links) are written to
 * `warn` when not NULL. The report belongs to the caller. */
int probity_load(struct probity_store *st, const char *const *paths, size_t npaths,
                 const struct probity_load_opts *opts, FILE *warn, struct probity_load_report *report,
                 struct probity_error *err);

/* Write every current entity (of `dataset`, or all when NULL) as FtM JSON lines. */
int probity_export_ftm(struct probity_store *st, const char *dataset, FILE *out, struct probity_error *err);

#endif
