/* The command-line front end: global options and the table of subcommands. Each
 * subcommand lives in cmd_<name>.c, parses its own arguments and calls the library. */
#ifndef PB_CLI_H
#define PB_CLI_H
#include <stdio.h>
#include "probity/error.h"
#include "probity/store.h"

struct cli {
    const char *db;     /* --db, $PROBITY_DB, or "probity.db" */
    int quiet;          /* --quiet: only errors and requested output */
    int json;           /* --json: machine-readable output */
};

struct command {
    const char *name;
    int (*run)(struct cli *g, int argc, char **argv);
    const char *usage;    /* one line after "probity " */
    const char *summary;  /* one line */
    const char *help;     /* options, one per line, may be NULL */
};

extern const struct command pb_commands[];

/* Print a command's usage and options. */
void cli_usage(FILE *fp, const struct command *c);
/* Handle a command's own -h/--help and the global options anywhere among its arguments;
 * the remaining arguments are compacted into argv and their count returned, or -1 after
 * printing help (the caller returns 0). */
int cli_common_args(struct cli *g, const struct command *c, int argc, char **argv);
/* Print an error with its position and return the exit status for it. */
int cli_fail(const struct probity_error *err);
/* Open the store for reading or writing, printing errors. */
struct probity_store *cli_open(struct cli *g, int write);
/* Print a JSON string literal (with quotes) of s. */
void cli_json_str(FILE *fp, const char *s);
struct probity_hit;
/* Print a hit's token alignment and features as JSON members `,"align":[...],"features":[...]`;
 * the aligned tokens are keyed `left` and `right`. */
void cli_json_explanation(FILE *fp, const struct probity_hit *h, const char *left, const char *right);

int cmd_load(struct cli *g, int argc, char **argv);
int cmd_lists(struct cli *g, int argc, char **argv);
int cmd_show(struct cli *g, int argc, char **argv);
int cmd_diff(struct cli *g, int argc, char **argv);
int cmd_export(struct cli *g, int argc, char **argv);
int cmd_lookup(struct cli *g, int argc, char **argv);
int cmd_screen(struct cli *g, int argc, char **argv);
int cmd_compare(struct cli *g, int argc, char **argv);
int cmd_eval(struct cli *g, int argc, char **argv);
int cmd_ingest(struct cli *g, int argc, char **argv);
int cmd_search(struct cli *g, int argc, char **argv);
int cmd_doc(struct cli *g, int argc, char **argv);
int cmd_docs(struct cli *g, int argc, char **argv);
int cmd_serve(struct cli *g, int argc, char **argv);
int cmd_extract(struct cli *g, int argc, char **argv);
int cmd_links(struct cli *g, int argc, char **argv);
int cmd_eval_links(struct cli *g, int argc, char **argv);
int cmd_review(struct cli *g, int argc, char **argv);
int cmd_dossier(struct cli *g, int argc, char **argv);
int cmd_help(struct cli *g, int argc, char **argv);

#endif
