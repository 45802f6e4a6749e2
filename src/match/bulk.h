/* Screening many names at once, comparing pairs from a file, and measuring quality on a
 * labelled file. These drive the library for the screen, compare and eval commands (and any
 * other front end); they stream their input and write their output as they go. */
#ifndef PB_MATCH_BULK_H
#define PB_MATCH_BULK_H
#include <stdio.h>
#include "probity/match.h"

/* Check a query without an index: the name, schema, threshold, birth date and countries,
 * and that the name has a distinctive word. 0 or PROBITY_EINVAL / PROBITY_EENCODING. */
int pb__query_check(const struct probity_query *q, struct probity_error *err);

/* ---- bulk screening ---- */
struct pb_bulk_opts {
    const char *input;            /* CSV (header row) or JSON lines (.jsonl/.json or first byte '{') */
    const char *name_column;      /* CSV column or JSON key with the name (default: name, full_name, ...) */
    const char *key_column;       /* column echoed as the row key (default: id when present) */
    const char *format;           /* output: "csv" (default) or "jsonl" */
    const char *encoding;         /* input encoding (NULL: UTF-8) */
    int all_rows;                 /* write a row for inputs without hits too */
    int threads;                  /* 0: one per core */
    int progress;                 /* show progress on stderr */
    int explain;                  /* CSV: add the alignment in the explanation column */
    struct probity_query base;    /* schema, countries, threshold ... for every row */
    const char *schema_column;    /* per-row overrides when the columns exist */
    const char *country_column;
    const char *birth_date_column;
    const char *id_column;
};

struct pb_bulk_stats {
    long rows, hits, rows_with_hits, skipped;
    double seconds;
};

/* Screen every row of opts->input, writing hits to out in input order; skipped rows are
 * reported on warn with their line number. */
int pb_bulk_screen(const struct probity_index *ix, const struct pb_bulk_opts *opts, FILE *out, FILE *warn,
                   struct pb_bulk_stats *stats, struct probity_error *err);

/* ---- pair comparison ---- */
struct pb_pairs_opts {
    const char *input;            /* CSV with two name columns, or JSON lines {"left": entity, "right": entity} */
    const char *left, *right;     /* CSV columns (default: name1/name2, left/right, a/b) */
    const char *schema_column;    /* CSV column with the schema of the pair */
    const char *schema;           /* default schema */
    const char *format;           /* "csv" (default) or "jsonl" */
    const char *encoding;
    double threshold;
};

int pb_compare_pairs(const struct probity_index *ix, const struct pb_pairs_opts *opts, FILE *out, FILE *warn,
                     struct pb_bulk_stats *stats, struct probity_error *err);

/* Compare two FtM entities given as JSON objects (names, and birth date, country and
 * identifier evidence). Scores and explains into *hit (the right entity's name that matched
 * in hit->matched); the left entity's name goes to left_name[size]. */
int pb_compare_entities(const struct probity_index *ix, const char *left_json, const char *right_json,
                        double *score, struct probity_hit *hit, char *left_name, size_t size,
                        struct probity_error *err);

/* ---- quality on labelled pairs ---- */
struct pb_eval_count {
    char name[64];
    long tp, fp, fn, tn;          /* ours */
    long rtp, rfp, rfn, rtn;      /* the reference matcher's, on the cases it scored */
    long ours_on_ref[4];          /* ours on those same cases: tp fp fn tn */
    double sum_score;
};

struct pb_eval_report {
    struct pb_eval_count overall;
    struct pb_eval_count *groups; /* "category:...", "script:...", "quality:...", "schema:..." */
    size_t ngroups;
    long cases, reference_cases;
    long strong_wrong;            /* STRONG-quality cases on the wrong side of the threshold */
    double threshold;
    double seconds;
};

/* Run the labelled cases (CSV: schema,name1,name2,is_match[,quality,category]) and, when
 * `reference` is not NULL, the reference scores (CSV with name1,name2,schema,score and
 * predicted_match). Every case is written to `cases_out` when not NULL (CSV). */
int pb_eval_run(const struct probity_index *ix, const char *cases, const char *reference, double threshold,
                FILE *cases_out, struct pb_eval_report *r, struct probity_error *err);
void pb_eval_report_release(struct pb_eval_report *r);

/* F1 of a count (0 when undefined), precision and recall likewise. */
double pb_eval_precision(long tp, long fp);
double pb_eval_recall(long tp, long fn);
double pb_eval_f1(long tp, long fp, long fn);

#endif
