/* probity ingest: parse options, run probity_ingest with a progress bar on a terminal,
 * write the report of failed and skipped files, print the summary. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli.h"
#include "probity/evidence.h"
#include "core/core.h"
#include "probity/docs.h"

struct ingest_ui {
    struct cli *g;
    FILE *report;
    int bar;           /* a progress bar is on stderr */
    int drawn;         /* the bar is on screen */
};

/* "512M", "2G", "100000" -> bytes; -1 when not a size. */
static long long parse_size(const char *s)
{
    char *end;
    long long v;
    if (!s || !*s)
        return -1;
    v = strtoll(s, &end, 10);
    if (end == s || v < 0)
        return -1;
    switch (*end) {
    case 0: return v;
    case 'k': case 'K': v <<= 10; break;
    case 'm': case 'M': v <<= 20; break;
    case 'g': case 'G': v <<= 30; break;
    default: return -1;
    }
    return end[1] == 0 || ((end[1] == 'B' || end[1] == 'b') && end[2] == 0) ? v : -1;
}

/* A field of the report: tabs and line ends would break the TSV. */
static void tsv_field(FILE *fp, const char *s)
{
    for (; s && *s; s++)
        fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, fp);
}

static void clear_bar(struct ingest_ui *ui)
{
    if (ui->drawn) {
        fputs("\r\033[K", stderr);
        ui->drawn = 0;
    }
}

static void on_file(void *ctx, const struct probity_ingest_event *ev)
{
    struct ingest_ui *ui = ctx;
    int bad = ev->status == PROBITY_INGEST_FAILED || ev->status == PROBITY_INGEST_SKIPPED;
    if (bad && ui->report) {
        tsv_field(ui->report, ev->path);
        fprintf(ui->report, "\t%s\t", probity_ingest_status_name(ev->status));
        tsv_field(ui->report, ev->reason);
        fputc('\n', ui->report);
    }
    if (ui->g->json) {
        printf("{\"path\":");
        cli_json_str(stdout, ev->path);
        printf(",\"id\":");
        if (ev->id)
            cli_json_str(stdout, ev->id);
        else
            fputs("null", stdout);
        printf(",\"status\":\"%s\",\"reason\":", probity_ingest_status_name(ev->status));
        if (ev->reason)
            cli_json_str(stdout, ev->reason);
        else
            fputs("null", stdout);
        printf(",\"type\":");
        if (ev->type)
            cli_json_str(stdout, ev->type);
        else
            fputs("null", stdout);
        printf(",\"bytes\":%lld,\"chars\":%lld,\"pages\":%d,\"version\":%d,\"attachment\":%s}\n",
               (long long)ev->bytes, (long long)ev->chars, ev->pages, ev->version, ev->child ? "true" : "false");
    }
    if (bad && !ui->g->quiet) {
        clear_bar(ui);
        fprintf(stderr, "%-7s %s: %s\n", probity_ingest_status_name(ev->status), ev->path,
                ev->reason ? ev->reason : "");
    }
}

static void human_bytes(double b, char *out, size_t n)
{
    if (b >= 1e9)
        snprintf(out, n, "%.2f GB", b / 1e9);
    else if (b >= 1e6)
        snprintf(out, n, "%.1f MB", b / 1e6);
    else if (b >= 1e3)
        snprintf(out, n, "%.1f kB", b / 1e3);
    else
        snprintf(out, n, "%.0f B", b);
}

static void on_progress(void *ctx, const struct probity_ingest_progress *p)
{
    struct ingest_ui *ui = ctx;
    char done[32], total[32], rate[32];
    double frac, bps, eta;
    int width = 24, fill;
    if (!ui->bar)
        return;
    if (p->done) {
        clear_bar(ui);
        return;
    }
    frac = p->bytes_total > 0 ? (double)p->bytes_done / (double)p->bytes_total
                              : p->files_total > 0 ? (double)p->files_done / (double)p->files_total : 0;
    if (frac > 1)
        frac = 1;
    fill = (int)(frac * width);
    bps = p->seconds > 0 ? (double)p->bytes_done / p->seconds : 0;
    eta = bps > 0 ? (double)(p->bytes_total - p->bytes_done) / bps : 0;
    human_bytes((double)p->bytes_done, done, sizeof(done));
    human_bytes((double)p->bytes_total, total, sizeof(total));
    human_bytes(bps, rate, sizeof(rate));
    fputs("\r\033[K[", stderr);
    for (int i = 0; i < width; i++)
        fputc(i < fill ? '#' : '.', stderr);
    fprintf(stderr, "] %ld/%ld files  %s/%s  %s/s  ETA %d:%02d", p->files_done, p->files_total, done, total, rate,
            (int)eta / 60, (int)eta % 60);
    if (p->failed)
        fprintf(stderr, "  %ld failed", p->failed);
    fflush(stderr);
    ui->drawn = 1;
}

int cmd_ingest(struct cli *g, int argc, char **argv)
{
    struct probity_ingest_opts o;
    struct probity_ingest_summary sum;
    struct probity_error err;
    struct probity_store *st = NULL;
    struct ingest_ui ui;
    const char **paths = calloc((size_t)argc, sizeof(char *));
    const char *report = NULL;
    size_t np = 0;
    int rc = 2, no_extract = 0;
    memset(&o, 0, sizeof(o));
    memset(&ui, 0, sizeof(ui));
    probity_error_clear(&err);
    if (!paths)
        goto out;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val;
        if (a[0] != '-' || !a[1]) {
            paths[np++] = a;
            continue;
        }
        if (strcmp(a, "--no-extract") == 0) {
            no_extract = 1;
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "probity ingest: %s needs a value (or is not an option)\n", a);
            goto out;
        }
        val = argv[++i];
        if (strcmp(a, "--collection") == 0) {
            o.collection = val;
        } else if (strcmp(a, "--encoding") == 0) {
            o.encoding = val;
        } else if (strcmp(a, "--report") == 0) {
            report = val;
        } else if (strcmp(a, "--jobs") == 0 || strcmp(a, "-j") == 0) {
            long j;
            if (pb_parse_long(val, &j) || j < 1 || j > 64) {
                fprintf(stderr, "probity ingest: --jobs takes a number from 1 to 64\n");
                goto out;
            }
            o.jobs = (int)j;
        } else if (strcmp(a, "--max-file-size") == 0 || strcmp(a, "--max-expanded-size") == 0) {
            long long v = parse_size(val);
            if (v <= 0) {
                fprintf(stderr, "probity ingest: %s takes a size such as 200M or 2G\n", a);
                goto out;
            }
            if (a[6] == 'f')
                o.max_file_bytes = v;
            else
                o.max_expanded_bytes = v;
        } else if (strcmp(a, "--max-pages") == 0 || strcmp(a, "--timeout") == 0) {
            long v;
            if (pb_parse_long(val, &v) || v < 1) {
                fprintf(stderr, "probity ingest: %s takes a positive number\n", a);
                goto out;
            }
            if (a[2] == 'm')
                o.max_pages = (int)v;
            else
                o.max_seconds = (double)v;
        } else {
            fprintf(stderr, "probity ingest: unknown option '%s'\n", a);
            goto out;
        }
    }
    if (!np) {
        fprintf(stderr, "usage: probity ingest PATH... [--collection NAME] [--jobs N] [--report FILE]\n");
        goto out;
    }
    if (o.jobs == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        o.jobs = cores < 1 ? 1 : cores > 8 ? 8 : (int)cores;
    }
    if (report && !(ui.report = fopen(report, "w"))) {
        fprintf(stderr, "probity ingest: cannot write the report %s\n", report);
        rc = 1;
        goto out;
    }
    if (ui.report)
        fputs("path\tstatus\treason\n", ui.report);
    ui.g = g;
    ui.bar = !g->quiet && isatty(2);
    o.on_file = on_file;
    o.on_progress = on_progress;
    o.ctx = &ui;
    if (!(st = cli_open(g, 1))) {
        rc = 1;
        goto out;
    }
    if (probity_ingest(st, paths, np, &o, &sum, &err)) {
        clear_bar(&ui);
        rc = cli_fail(&err);
        fprintf(stderr, "probity: the batch stopped; what was committed before stays, run again to resume\n");
        goto out;
    }
    clear_bar(&ui);
    if (g->json) {
        printf("{\"summary\":true,\"files\":%ld,\"ok\":%ld,\"versions\":%ld,\"unchanged\":%ld,\"duplicates\":%ld,"
               "\"failed\":%ld,\"skipped\":%ld,\"attachments\":%ld,\"bytes\":%lld,\"chars\":%lld,\"seconds\":%.3f}\n",
               sum.files, sum.ok, sum.versions, sum.unchanged, sum.duplicates, sum.failed, sum.skipped, sum.children,
               (long long)sum.bytes, (long long)sum.chars, sum.seconds);
    } else if (!g->quiet) {
        char b[32], r[32];
        human_bytes((double)sum.bytes, b, sizeof(b));
        human_bytes(sum.seconds > 0 ? (double)sum.bytes / sum.seconds : 0, r, sizeof(r));
        printf("%ld files, %s in %.1f s (%s/s): %ld new, %ld new versions, %ld unchanged, %ld duplicates, "
               "%ld failed, %ld skipped; %ld attachments\n",
               sum.files, b, sum.seconds, r, sum.ok, sum.versions, sum.unchanged, sum.duplicates, sum.failed,
               sum.skipped, sum.children);
        if ((sum.failed || sum.skipped) && !report)
            printf("(--report FILE lists the failed and skipped files with their reasons)\n");
    }
    /* new text: find the organisations and links in it now, as the evidence commands expect */
    if (!no_extract && (sum.ok || sum.versions)) {
        struct probity_extract_opts eo;
        struct probity_extract_summary es;
        memset(&eo, 0, sizeof(eo));
        eo.collection = o.collection;
        if (probity_extract(st, &eo, &es, &err)) {
            rc = cli_fail(&err);
            fprintf(stderr, "probity: the documents are ingested; run 'probity extract' again for the links\n");
            goto out;
        }
        if (!g->quiet && !g->json)
            printf("extract: %ld documents, %ld mentions, %ld links\n", es.documents, es.mentions, es.links);
    }
    rc = 0;
out:
    if (ui.report && fclose(ui.report) != 0 && rc == 0) {
        fprintf(stderr, "probity ingest: cannot write the report %s\n", report);
        rc = 1;
    }
    probity_store_close(st);
    free(paths);
    return rc;
}
