/* probity: the entry point. Parses the global options, finds the subcommand in the
 * static table and runs it. Everything else happens in the library. */
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "probity/lists.h"

#ifndef PROBITY_VERSION
#define PROBITY_VERSION "0.0.0"
#endif

const struct command pb_commands[] = {
    {"load", cmd_load, "load [--dataset NAME] [--format F] [--encoding ENC] [--map PROP=COLUMN]... PATH...",
     "load restriction lists as a new version of their datasets",
     "  --dataset NAME     dataset to load into (default: one per list, e.g. us_ofac_sdn)\n"
     "  --format F         ofac-csv, ofac-xml, un-xml, csl, dpl, ftm, targets-csv or csv (default: detect)\n"
     "  --encoding ENC     text encoding of the files (latin1, cp1252, gb18030, ...; default UTF-8)\n"
     "  --map PROP=COLUMN  csv: take FtM property PROP from COLUMN (repeatable; name=..., alias=...)\n"
     "  --split PROP=SEP   csv: split PROP's cells on SEP (e.g. --split 'alias=;')\n"
     "  --schema SCHEMA    csv: FtM schema of rows without a schema column (default LegalEntity)\n"
     "  --force            load even if the same files are already the current version\n"
     "OFAC legacy CSV sets are loaded together: sdn.csv alt.csv add.csv sdn_comments.csv\n"
     "(or cons_prim.csv cons_alt.csv cons_add.csv cons_comments.csv)."},
    {"lists", cmd_lists, "lists [DATASET] [--all] [--json]",
     "datasets with their versions, counts by schema, publication dates and sources",
     "  --all     show every version, not only the current one\n"
     "  --json    one JSON object per version"},
    {"show", cmd_show, "show ID [--json]", "one entity as FtM JSON, with the link entities that refer to it",
     NULL},
    {"diff", cmd_diff, "diff DATASET [--from V] [--to V] [--json]",
     "entities added, removed and changed between two versions (default: previous -> current)",
     "  --from V  version number to compare from (see probity lists --all)\n"
     "  --to V    version number to compare to\n"
     "  --json    one JSON object per change"},
    {"export", cmd_export, "export [--format ftm] [--dataset D] [--output FILE]",
     "write current entities as FollowTheMoney JSON lines", NULL},
    {"lookup", cmd_lookup, "lookup NAME... [--json]",
     "exact look-up of names (case, accents and punctuation ignored) in the current lists", NULL},
    {"screen", cmd_screen,
     "screen NAME [--schema S] [--country CC] [--birth-date D] [--id V] [--dataset D]... [--threshold T] "
     "[--limit N] [--explain] [--json] | screen --input FILE [--output FILE] [--format csv|jsonl] ...",
     "fuzzy, multilingual screening of names against the loaded lists, with scores and explanations",
     "  --schema S         Person, Organization, Company, LegalEntity, PublicBody, Vessel, Airplane or any\n"
     "  --country CC       a country of the party (ISO code or name; repeatable)\n"
     "  --birth-date D     YYYY, YYYY-MM or YYYY-MM-DD\n"
     "  --id V             an identifier (passport, tax, registration, IMO ...; repeatable)\n"
     "  --dataset D        only hits from this dataset (repeatable)\n"
     "  --threshold T      lowest score reported (default 0.70)\n"
     "  --limit N          at most N hits per name (default 10)\n"
     "  --explain          show token alignment and evidence for each hit\n"
     "  --input FILE       screen every row of a CSV (with a header) or JSON lines file\n"
     "  --name-column COL  the column or key holding the name (default: name, full_name, ...)\n"
     "  --key-column COL   the column echoed as each row's key (default: id when present)\n"
     "  --output FILE      write results there (default: standard output)\n"
     "  --format F         csv (default) or jsonl\n"
     "  --all-rows         write rows without hits too\n"
     "  --threads N        worker threads (default: one per core)\n"
     "  --encoding ENC     encoding of the input file (default UTF-8)"},
    {"compare", cmd_compare,
     "compare NAME1 NAME2 [--schema S] [--lists] | compare --input FILE [--left COL --right COL "
     "--schema-column COL] [--format csv|jsonl]",
     "score two names (or every pair of a file) and explain the score",
     "  --schema S          the schema both names are read as (default any)\n"
     "  --input FILE        a CSV of pairs, or JSON lines of {\"left\": entity, \"right\": entity}\n"
     "  --left/--right COL  CSV columns with the two names (default name1/name2 or left/right)\n"
     "  --schema-column COL CSV column with each pair's schema\n"
     "  --threshold T       the score from which a pair is a match (default 0.70)\n"
     "  --lists             weigh words by their rarity in the loaded lists (as screen does)\n"
     "  --format F          csv (default) or jsonl\n"
     "  --output FILE       write results there (default: standard output)"},
    {"eval", cmd_eval, "eval [--cases FILE] [--threshold T] [--lists] [--cases-out FILE] [--json]",
     "precision, recall and F1 of the matcher on labelled name pairs, beside the reference matcher",
     "  --cases FILE      labelled pairs: schema,name1,name2,is_match[,quality,category]\n"
     "                    (default: the nomenklatura name benchmark in ../shared or $PROBITY_SHARED)\n"
     "  --reference FILE  frozen scores of another matcher on the same cases (default: logic-v2's)\n"
     "  --no-reference    do not read reference scores\n"
     "  --threshold T     the score from which a pair is a match (default 0.70)\n"
     "  --lists           weigh tokens by their rarity in the loaded lists (default: uniform)\n"
     "  --cases-out FILE  write every case with its score and explanation (CSV)\n"
     "  --json            a machine-readable summary"},
    {"ingest", cmd_ingest, "ingest PATH... [--collection NAME] [--jobs N] [--report FILE] [--encoding E]",
     "ingest documents (HTML, PDF, text, DOCX/ODT, e-mail) from files and folders for search",
     "  --collection NAME    the collection to add them to (default: default)\n"
     "  --jobs N             extraction threads (default: one per core, at most 8)\n"
     "  --report FILE        write every failed or skipped file with its reason (TSV)\n"
     "  --encoding E         text encoding of text files when not declared (default: detect)\n"
     "  --max-file-size S    skip files larger than S (e.g. 200M; default 2G)\n"
     "  --max-expanded-size S  limit for bytes expanded from DOCX/ODT/e-mail (default 256M)\n"
     "  --max-pages N        read at most N pages of a PDF (default 5000)\n"
     "  --timeout SECONDS    give up on one file after this long (default 120)\n"
     "  --no-extract         do not look for organisations and links afterwards (probity extract)\n"
     "The same bytes are never ingested twice; a changed file becomes a new version."},
    {"search", cmd_search, "search QUERY [--collection C] [--lang L] [--type T] [--limit N] [--json]",
     "full-text search of ingested documents: words, \"exact phrases\", OR, NOT, prefix*",
     "  --collection C   only documents of this collection (also collection:C in the query)\n"
     "  --lang L         only documents in this language, e.g. en, zh (also lang:L)\n"
     "  --type T         only documents of this type: html, pdf, text, xml, docx, eml (also type:T)\n"
     "  --limit N        at most N documents (default 20)\n"
     "  --json           one JSON object per document: id, title, path, page, snippet, score ...\n"
     "Query: words are all required; \"a phrase\" must be exact; a OR b; NOT a or -a; pre*; ( )."},
    {"doc", cmd_doc, "doc ID [--page N] [--raw] [--meta] [--json]",
     "a document's metadata and text (an id prefix of 8 or more hex digits is enough)",
     "  --page N   only page N\n"
     "  --raw      the stored text exactly, nothing else (offsets count its characters)\n"
     "  --meta     only the metadata"},
    {"docs", cmd_docs, "docs [--collection C] [--all] [--check] [--json]",
     "collections and documents with their status; --check verifies the document store",
     "  --collection C   only this collection\n"
     "  --all            old versions too\n"
     "  --check          check the full-text index, chunks, offsets and pages; exit 1 on problems"},
    {"serve", cmd_serve, "serve [--bind ADDR] [--port N] [--threads N] [--api-key-file F] [--log FILE] ...",
     "HTTP API: yente-compatible /match, search, entities, OpenRefine reconciliation, NDJSON /screen",
     "  --bind ADDR          address to listen on (default 127.0.0.1; others need --api-key-file)\n"
     "  --port N             port (default 8000; 0 picks a free one)\n"
     "  --threads N          worker threads (default: one per core)\n"
     "  --api-key-file F     require the key in F's first line (Authorization: Bearer KEY)\n"
     "  --insecure-public    allow a non-loopback --bind without an API key\n"
     "  --log FILE           access log, one JSON line per request (default stderr; none to disable)\n"
     "  --max-body SIZE      largest JSON or form body (default 1M)\n"
     "  --max-screen-body SIZE  largest /screen NDJSON body, spooled to disk (default 256M)\n"
     "  --max-header SIZE    largest request head (default 16K)\n"
     "  --max-batch N        queries per /match or /reconcile request (default 100)\n"
     "  --max-name SIZE      longest name or property value (default 1024 bytes)\n"
     "  --max-limit N        most results per query (default 100)\n"
     "  --timeout SECONDS    idle time before a connection is closed (default 30)\n"
     "  --max-connections N  open connections at once (default 1024)\n"
     "SIGHUP (or POST /admin/reload with the key) rebuilds the index without downtime; SIGTERM stops.\n"
     "The API is described in docs/api.md."},
    {"extract", cmd_extract, "extract [--collection C] [--doc ID]",
     "find organisations and the links between them in the ingested documents",
     "  --collection C   only the documents of this collection\n"
     "  --doc ID         only this document (id or prefix)"},
    {"links", cmd_links, "links [ENTITY] [--type T] [--status S] [--json|--csv]",
     "extracted links with their quotes (of one entity, id or exact name)",
     "  --type T     supplies, contract_award, partnership, owned_by, subsidiary_of, designated_by, operates\n"
     "  --status S   pending, accepted or rejected\n"
     "  --json       one JSON object per link\n"
     "  --csv        CSV with a header line"},
    {"review", cmd_review, "review LINK accept|reject|pending [--note TEXT]",
     "record a judgement on a link; it survives re-extraction", "  --note TEXT   why (kept with the review)"},
    {"dossier", cmd_dossier, "dossier ENTITY [--format html|md|json] [--out FILE]",
     "a report on one entity: identity, list hits, documented links with citations, graph",
     "  --format F   html (default, self-contained), md or json\n"
     "  --out FILE   write there instead of standard output"},
    {"eval-links", cmd_eval_links, "eval-links --gold FILE",
     "recall and precision of the extracted links against a gold file, by language and relation", NULL},
    {"help", cmd_help, "help [COMMAND]", "show help for probity or one command", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static void usage(FILE *fp)
{
    fprintf(fp, "usage: probity [--db PATH] [--quiet] [--json] <command> [<args>]\n\n"
                "probity screens names against restriction lists and keeps every version of them.\n\n"
                "commands:\n");
    for (const struct command *c = pb_commands; c->name; c++)
        fprintf(fp, "  %-8s %s\n", c->name, c->summary);
    fprintf(fp, "\nglobal options:\n"
                "  --db PATH   the store (default $PROBITY_DB or ./probity.db)\n"
                "  --quiet     print only results and errors\n"
                "  --json      machine-readable output where a command prints results\n"
                "  --version   print the version\n\n"
                "'probity help COMMAND' or 'probity COMMAND --help' describes one command.\n");
}

int cmd_help(struct cli *g, int argc, char **argv)
{
    (void)g;
    if (argc < 2) {
        usage(stdout);
        return 0;
    }
    for (const struct command *c = pb_commands; c->name; c++)
        if (strcmp(c->name, argv[1]) == 0) {
            cli_usage(stdout, c);
            return 0;
        }
    fprintf(stderr, "probity: no command '%s'\n", argv[1]);
    return 2;
}

int main(int argc, char **argv)
{
    struct cli g = {NULL, 0, 0};
    int i = 1;
    g.db = getenv("PROBITY_DB");
    if (!g.db || !*g.db)
        g.db = "probity.db";
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
            g.db = argv[++i];
        else if (strncmp(argv[i], "--db=", 5) == 0)
            g.db = argv[i] + 5;
        else if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0)
            g.quiet = 1;
        else if (strcmp(argv[i], "--json") == 0)
            g.json = 1;
        else if (strcmp(argv[i], "--version") == 0) {
            printf("probity %s\n", PROBITY_VERSION);
            return 0;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "probity: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return 2;
    }
    for (const struct command *c = pb_commands; c->name; c++) {
        if (strcmp(c->name, argv[i]) == 0) {
            int n = cli_common_args(&g, c, argc - i, argv + i);
            return n < 0 ? 0 : c->run(&g, n, argv + i);
        }
    }
    fprintf(stderr, "probity: '%s' is not a probity command; see 'probity help'\n", argv[i]);
    return 2;
}
