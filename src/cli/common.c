/* Helpers shared by the subcommands: option handling, errors, opening the store. */
#include <string.h>
#include "cli/cli.h"
#include "probity/match.h"

void cli_usage(FILE *fp, const struct command *c)
{
    fprintf(fp, "usage: probity %s\n\n%s\n", c->usage, c->summary);
    if (c->help)
        fprintf(fp, "\n%s\n", c->help);
    fprintf(fp, "\nglobal options: --db PATH, --quiet, --json\n");
}

int cli_common_args(struct cli *g, const struct command *c, int argc, char **argv)
{
    int o = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            while (i < argc)
                argv[o++] = argv[i++];
            break;
        }
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            cli_usage(stdout, c);
            return -1;
        }
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            g->db = argv[++i];
            continue;
        }
        if (strncmp(argv[i], "--db=", 5) == 0) {
            g->db = argv[i] + 5;
            continue;
        }
        if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0) {
            g->quiet = 1;
            continue;
        }
        if (strcmp(argv[i], "--json") == 0) {
            g->json = 1;
            continue;
        }
        argv[o++] = argv[i];
    }
    argv[o] = NULL;
    return o;
}

int cli_fail(const struct probity_error *err)
{
    fputs("probity: ", stderr);
    probity_error_print(stderr, err);
    return 1;
}

struct probity_store *cli_open(struct cli *g, int write)
{
    struct probity_store *st = NULL;
    struct probity_error err;
    probity_error_clear(&err);
    if ((write ? probity_store_open(&st, g->db, &err) : probity_store_open_readonly(&st, g->db, &err))) {
        cli_fail(&err);
        return NULL;
    }
    return st;
}

void cli_json_str(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", fp); break;
        case '\\': fputs("\\\\", fp); break;
        case '\n': fputs("\\n", fp); break;
        case '\r': fputs("\\r", fp); break;
        case '\t': fputs("\\t", fp); break;
        default:
            if (*p < 0x20)
                fprintf(fp, "\\u%04x", *p);
            else
                fputc(*p, fp);
        }
    }
    fputc('"', fp);
}

void cli_json_explanation(FILE *fp, const struct probity_hit *h, const char *left, const char *right)
{
    fprintf(fp, ",\"align\":[");
    for (size_t k = 0; k < h->nalign; k++) {
        fprintf(fp, "%s{\"%s\":", k ? "," : "", left);
        cli_json_str(fp, h->align[k].query);
        fprintf(fp, ",\"%s\":", right);
        cli_json_str(fp, h->align[k].name);
        fprintf(fp, ",\"similarity\":%.4f,\"weight\":%.4f}", h->align[k].similarity, h->align[k].weight);
    }
    fprintf(fp, "],\"features\":[");
    for (size_t k = 0; k < h->nfeatures; k++) {
        fprintf(fp, "%s{\"name\":", k ? "," : "");
        cli_json_str(fp, h->features[k].name);
        fprintf(fp, ",\"contribution\":%.4f,\"detail\":", h->features[k].contribution);
        cli_json_str(fp, h->features[k].detail);
        fputc('}', fp);
    }
    fputc(']', fp);
}
