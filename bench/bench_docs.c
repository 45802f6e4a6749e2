/* Document ingestion and search at scale, on a corpus made from the real one.
 *
 *   bench_docs [CORPUS_DIR] [N_DOCS] [OUT_DIR] [JOBS]
 *
 * The paragraphs of the real documents in CORPUS_DIR (default $PROBITY_SHARED/corpus) are
 * recombined into N_DOCS (default 100000) small documents, half plain text and half HTML,
 * each with a few paragraphs in a random order and numbers varied so that no two are the
 * same bytes. Then: ingest with one extraction thread and with JOBS threads (MB/s of input
 * per wall second and per CPU second), the database size against the raw text, search
 * latency (p50/p95/p99) over a mix of words, phrases, Chinese, prefixes, OR and NOT, and
 * PDF ingestion beside pdftotext on copies of the corpus PDFs, and ingestion of the corpus's
 * own HTML and text files, 100 varied copies of each. The small recombined documents are the
 * hard case: half of their cost is per file, and their HTML is almost all text, where real
 * pages are mostly mark-up. CPU seconds are those of the
 * whole process (every thread, user and system), from the start of the ingestion to the
 * store's close, so the per-core figure does not improve by adding threads. The paragraphs
 * recur across documents, and the store's text blocks (store/docs.c) find some of those
 * repeats; they find as many in a real corpus: the text of the shared corpus itself packs
 * to the same share, about 0.36 of its size. */
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "core/core.h"
#include "docs/extract.h"
#include "probity/docs.h"
#include "bench_util.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* ---- paragraphs of the real corpus ---- */

struct paras {
    char **v;
    size_t n, cap;
    int pdfs, pages;
    char pdf[8][1400];
    char page[32][1400];   /* the corpus's own HTML and text files */
};

static int on_text(void *ctx, int page, enum pb_block_kind kind, const char *s, size_t n)
{
    struct paras *p = ctx;
    (void)page;
    (void)kind;
    while (n && (*s == ' ' || *s == '\n'))
        s++, n--;
    if (n < 60 || n > 4000)
        return 0;
    if (p->n == p->cap) {
        char **v = realloc(p->v, (p->cap = p->cap ? p->cap * 2 : 256) * sizeof(char *));
        if (!v)
            return PROBITY_ENOMEM;
        p->v = v;
    }
    if (!(p->v[p->n] = pb_strndup(s, n)))
        return PROBITY_ENOMEM;
    p->n++;
    return 0;
}

static int on_meta(void *ctx, const char *k, const char *v)
{
    (void)ctx;
    (void)k;
    (void)v;
    return 0;
}

static void gather(const char *dir, struct paras *p)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    struct pb_doc_sink sink = {on_meta, on_text, NULL, p};
    if (!d) {
        fprintf(stderr, "bench_docs: cannot read %s\n", dir);
        exit(1);
    }
    while ((de = readdir(d))) {
        char path[1400];
        struct probity_error err;
        if (de->d_name[0] < '0' || de->d_name[0] > '9')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        probity_error_clear(&err);
        pb_extract_file(path, NULL, NULL, &sink, &err);
        if (strstr(de->d_name, ".pdf") && p->pdfs < 8)
            snprintf(p->pdf[p->pdfs++], sizeof(p->pdf[0]), "%s", path);
        if ((strstr(de->d_name, ".html") || strstr(de->d_name, ".txt")) && p->pages < 32)
            snprintf(p->page[p->pages++], sizeof(p->page[0]), "%s", path);
    }
    closedir(d);
}

/* Text s[0..n) with its numbers varied (the same words, other bytes), escaped for HTML
 * with `html`. */
static void vary(struct pb_buf *b, const char *s, size_t n, int html)
{
    for (const char *e = s + n; s < e; s++) {
        char c = *s;
        if (c >= '0' && c <= '9' && next_rand() % 3 == 0)
            c = (char)('0' + next_rand() % 10);
        if (html && (c == '<' || c == '&')) {
            pb_buf_adds(b, c == '<' ? "&lt;" : "&amp;");
            continue;
        }
        pb_buf_addc(b, c);
    }
}

/* Write b to path, or end the bench. */
static void write_out(const char *path, const struct pb_buf *b)
{
    FILE *fp = fopen(path, "wb");
    if (!fp || fwrite(b->s, 1, b->len, fp) != b->len || fclose(fp) != 0) {
        fprintf(stderr, "bench_docs: cannot write %s\n", path);
        exit(1);
    }
}

/* Writes the documents; the bytes of their text go to *text_bytes. */
static int64_t make_corpus(const struct paras *p, long n, const char *out, int64_t *text_bytes)
{
    struct pb_buf b = PB_BUF_INIT;
    int64_t total = 0;
    char path[1200];
    *text_bytes = 0;
    for (long i = 0; i < n; i++) {
        int html = i % 2, np = 2 + (int)(next_rand() % 5);
        if (i % 1000 == 0) {
            snprintf(path, sizeof(path), "%s/d%04ld", out, i / 1000);
            mkdir(path, 0755);
        }
        pb_buf_reset(&b);
        if (html)
            pb_buf_addf(&b, "<!DOCTYPE html>\n<html><head><title>Document %ld</title></head><body>\n<h1>Document %ld</h1>\n",
                        i, i);
        else
            pb_buf_addf(&b, "Document %ld\n\n", i);
        for (int k = 0; k < np; k++) {
            const char *para = p->v[next_rand() % p->n];
            if (html)
                pb_buf_adds(&b, "<p>");
            vary(&b, para, strlen(para), html);
            pb_buf_adds(&b, html ? "</p>\n" : "\n\n");
            *text_bytes += (int64_t)strlen(para) + 1;
        }
        if (html)
            pb_buf_adds(&b, "</body></html>\n");
        snprintf(path, sizeof(path), "%s/d%04ld/doc%06ld.%s", out, i / 1000, i, html ? "html" : "txt");
        write_out(path, &b);
        total += (int64_t)b.len;
        *text_bytes += 16;   /* the "Document N" line */
    }
    pb_buf_release(&b);
    return total;
}

/* ---- ingestion ---- */

struct ing_stats {
    long failed;
};

static void on_file(void *ctx, const struct probity_ingest_event *ev)
{
    struct ing_stats *s = ctx;
    if (ev->status == PROBITY_INGEST_FAILED || ev->status == PROBITY_INGEST_SKIPPED) {
        if (s->failed++ < 5)
            fprintf(stderr, "  %s: %s: %s\n", probity_ingest_status_name(ev->status), ev->path,
                    ev->reason ? ev->reason : "");
    }
}

static int64_t file_size(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 ? (int64_t)sb.st_size : 0;
}

static void ingest_run(const char *db, const char *dir, int jobs, int64_t bytes, const char *label)
{
    struct probity_store *st = NULL;
    struct probity_error err;
    struct probity_ingest_opts o;
    struct probity_ingest_summary sum;
    struct ing_stats s = {0};
    const char *paths[1] = {dir};
    char wal[1200];
    double t0, c0, dt, dc;
    snprintf(wal, sizeof(wal), "%s-wal", db);
    unlink(db);
    unlink(wal);
    probity_error_clear(&err);
    if (probity_store_open(&st, db, &err)) {
        probity_error_print(stderr, &err);
        exit(1);
    }
    memset(&o, 0, sizeof(o));
    o.jobs = jobs;
    o.on_file = on_file;
    o.ctx = &s;
    t0 = bench_wall();
    c0 = bench_cpu();
    if (probity_ingest(st, paths, 1, &o, &sum, &err)) {
        probity_error_print(stderr, &err);
        exit(1);
    }
    probity_store_close(st);   /* the WAL is checkpointed here: part of the cost */
    dt = bench_wall() - t0;
    dc = bench_cpu() - c0;
    printf("%-22s %6ld docs  %7.1f MB  %6.2f s  %6.1f MB/s wall  %6.1f MB/s per CPU-second (%.2f CPU s)  "
           "%ld failed\n",
           label, sum.ok, (double)bytes / 1e6, dt, (double)bytes / 1e6 / dt, (double)bytes / 1e6 / dc, dc, sum.failed);
}

/* ---- search ---- */

static int on_hit(void *ctx, const struct probity_search_hit *h)
{
    (void)h;
    (*(long *)ctx)++;
    return 0;
}

/* A word of a paragraph: ASCII letters only, at least 4 of them. */
static int pick_word(const char *s, char *out, size_t size)
{
    size_t n = strlen(s), at = (size_t)(next_rand() % (n ? n : 1)), i, k = 0;
    for (i = at; i < n && ((s[i] | 32) >= 'a' && (s[i] | 32) <= 'z'); i++)
        ;
    for (; i < n && !((s[i] | 32) >= 'a' && (s[i] | 32) <= 'z'); i++)
        ;
    while (i < n && k + 1 < size && ((s[i] | 32) >= 'a' && (s[i] | 32) <= 'z'))
        out[k++] = s[i++];
    out[k] = 0;
    return k >= 4;
}

/* Three to five consecutive words of a paragraph (no quotes in them). */
static int pick_phrase(const char *s, char *out, size_t size)
{
    size_t n = strlen(s), at = (size_t)(next_rand() % (n ? n : 1)), k = 0;
    int words = 0, want = 3 + (int)(next_rand() % 3);
    while (at < n && s[at] != ' ')
        at++;
    while (at < n && s[at] == ' ')
        at++;
    while (at < n && k + 2 < size) {
        if (s[at] == '"' || s[at] == '\n')
            return 0;
        if (s[at] == ' ' && ++words == want)
            break;
        out[k++] = s[at++];
    }
    out[k] = 0;
    return words == want && k > 10;
}

/* Two Han characters in a row. */
static int pick_han(const char *s, char *out, size_t size)
{
    size_t n = strlen(s);
    for (int tries = 0; tries < 20; tries++) {
        size_t at = (size_t)(next_rand() % (n ? n : 1));
        while (at < n && ((unsigned char)s[at] & 0xC0) == 0x80)
            at++;
        if (at + 6 <= n && (unsigned char)s[at] >= 0xE4 && (unsigned char)s[at] <= 0xE9 &&
            (unsigned char)s[at + 3] >= 0xE4 && (unsigned char)s[at + 3] <= 0xE9 && size > 7) {
            memcpy(out, s + at, 6);
            out[6] = 0;
            return 1;
        }
    }
    return 0;
}

static void search_run(const char *db, const struct paras *p, int nq)
{
    struct probity_store *st = NULL;
    struct probity_error err;
    struct probity_search_opts o;
    double *lat = calloc((size_t)nq, sizeof(double)), total = 0;
    double *bykind[7];
    int nk[7] = {0};
    long slow_ms = 0;   /* BENCH_SLOW_MS: print queries slower than this */
    if (getenv("BENCH_SLOW_MS") && pb_parse_long(getenv("BENCH_SLOW_MS"), &slow_ms))
        slow_ms = 0;
    long hits = 0;
    int done = 0, kinds[7] = {0};
    static const char *const kind_names[7] = {"word", "two words", "phrase", "chinese", "prefix", "or", "not"};
    probity_error_clear(&err);
    for (int k = 0; k < 7; k++)
        bykind[k] = calloc((size_t)nq, sizeof(double));
    if (!lat || probity_store_open_readonly(&st, db, &err)) {
        probity_error_print(stderr, &err);
        exit(1);
    }
    memset(&o, 0, sizeof(o));
    o.limit = 20;
    while (done < nq) {
        char q[600], a[64], b[64];
        const char *para = p->v[next_rand() % p->n], *para2 = p->v[next_rand() % p->n];
        int kind = (int)(next_rand() % 7), ok = 0;
        double t0;
        switch (kind) {
        case 0: ok = pick_word(para, a, sizeof(a)) && snprintf(q, sizeof(q), "%s", a) > 0; break;
        case 1:
            ok = pick_word(para, a, sizeof(a)) && pick_word(para, b, sizeof(b)) &&
                 snprintf(q, sizeof(q), "%s %s", a, b) > 0;
            break;
        case 2: {
            char ph[400];
            ok = pick_phrase(para, ph, sizeof(ph)) && snprintf(q, sizeof(q), "\"%s\"", ph) > 0;
            break;
        }
        case 3: ok = pick_han(para, a, sizeof(a)) && snprintf(q, sizeof(q), "%s", a) > 0; break;
        case 4:
            ok = pick_word(para, a, sizeof(a)) && strlen(a) >= 5 && (a[4] = 0, snprintf(q, sizeof(q), "%s*", a) > 0);
            break;
        case 5:
            ok = pick_word(para, a, sizeof(a)) && pick_word(para2, b, sizeof(b)) &&
                 snprintf(q, sizeof(q), "%s OR %s", a, b) > 0;
            break;
        case 6:
            ok = pick_word(para, a, sizeof(a)) && pick_word(para2, b, sizeof(b)) && strcmp(a, b) &&
                 snprintf(q, sizeof(q), "%s -%s", a, b) > 0;
            break;
        }
        if (!ok)
            continue;
        t0 = bench_wall();
        if (probity_search(st, q, &o, on_hit, &hits, &err)) {
            fprintf(stderr, "  query %s: %s\n", q, err.msg);
            continue;
        }
        lat[done] = (bench_wall() - t0) * 1000;
        total += lat[done];
        if (bykind[kind])
            bykind[kind][nk[kind]++] = lat[done];
        if (slow_ms > 0 && lat[done] > (double)slow_ms)
            printf("  slow query %.1f ms: %s\n", lat[done], q);
        kinds[kind]++;
        done++;
    }
    qsort(lat, (size_t)nq, sizeof(double), bench_dbl_cmp);
    printf("search: %d queries (", nq);
    for (int k = 0; k < 7; k++)
        printf("%s%d %s", k ? ", " : "", kinds[k], kind_names[k]);
    printf("), limit 20, %.1f hits/query\n", (double)hits / nq);
    printf("search latency ms: mean %.2f  p50 %.2f  p95 %.2f  p99 %.2f  max %.2f\n", total / nq, lat[nq / 2],
           lat[nq * 95 / 100], lat[nq * 99 / 100], lat[nq - 1]);
    for (int k = 0; k < 7; k++) {
        if (nk[k] && bykind[k]) {
            qsort(bykind[k], (size_t)nk[k], sizeof(double), bench_dbl_cmp);
            printf("  %-10s p50 %6.2f  p95 %6.2f  max %6.2f ms\n", kind_names[k], bykind[k][nk[k] / 2],
                   bykind[k][nk[k] * 95 / 100], bykind[k][nk[k] - 1]);
        }
        free(bykind[k]);
    }
    probity_store_close(st);
    free(lat);
}

/* ---- PDF beside pdftotext ---- */

static void pdf_run(const struct paras *p, const char *out, int copies)
{
    char dir[1100], cmd[4400], db[1200];
    int64_t bytes = 0;
    double t0, tp;
    snprintf(dir, sizeof(dir), "%s/pdf", out);
    mkdir(dir, 0755);
    for (int i = 0; i < p->pdfs; i++)
        for (int k = 0; k < copies; k++) {
            /* the same PDF with a comment after it: other bytes, the same pages */
            char path[1300];
            snprintf(path, sizeof(path), "%s/%d_%03d.pdf", dir, i, k);
            snprintf(cmd, sizeof(cmd), "cp '%s' '%s' && printf '\\n%% copy %d\\n' >> '%s'", p->pdf[i], path, k, path);
            if (system(cmd) != 0)
                return;
            bytes += file_size(path);
        }
    snprintf(cmd, sizeof(cmd), "for f in '%s'/*.pdf; do pdftotext \"$f\" /dev/null || exit 1; done", dir);
    t0 = bench_wall();
    if (system(cmd) != 0) {
        printf("pdf: pdftotext not available; skipped\n");
        return;
    }
    tp = bench_wall() - t0;
    snprintf(db, sizeof(db), "%s/pdf.db", out);
    t0 = bench_wall();
    ingest_run(db, dir, 1, bytes, "pdf ingest, 1 job");
    printf("pdf: %d files, pdftotext %.2f s, probity ingest %.2f s (1 job, store included): %.0f%% of "
           "pdftotext's speed\n",
           p->pdfs * copies, tp, bench_wall() - t0, 100.0 * tp / (bench_wall() - t0));
}

/* The corpus's own HTML and text files as they are, `copies` times each with a third of their
 * digits changed and the copy's number added (other bytes, so other documents; the same
 * mark-up and words): ingestion of real pages, whose mark-up, navigation and scripts are most
 * of their bytes, beside the paragraphs recombined above. */
static void pages_run(const struct paras *p, const char *out, int copies)
{
    char dir[1100], db[1200];
    int64_t bytes = 0;
    struct pb_buf b = PB_BUF_INIT, page[32];
    /* each page read once */
    for (int i = 0; i < p->pages; i++) {
        FILE *fp = fopen(p->page[i], "rb");
        char chunk[65536];
        size_t got;
        page[i] = (struct pb_buf)PB_BUF_INIT;
        while (fp && (got = fread(chunk, 1, sizeof(chunk), fp)) > 0)
            pb_buf_add(&page[i], chunk, got);
        if (fp)
            fclose(fp);
    }
    snprintf(dir, sizeof(dir), "%s/pages", out);
    mkdir(dir, 0755);
    for (int k = 0; k < copies; k++) {
        char sub[1200];
        snprintf(sub, sizeof(sub), "%s/c%03d", dir, k);
        mkdir(sub, 0755);
        for (int i = 0; i < p->pages; i++) {
            char path[2700];
            const char *base = strrchr(p->page[i], '/');
            pb_buf_reset(&b);
            vary(&b, page[i].s, page[i].len, 0);
            /* a file with few digits could come out the same twice: the copy's number at its end */
            if (strstr(p->page[i], ".html"))
                pb_buf_addf(&b, "<!-- copy %d -->\n", k);
            else
                pb_buf_addf(&b, "\ncopy %d\n", k);
            snprintf(path, sizeof(path), "%s/%s", sub, base ? base + 1 : p->page[i]);
            write_out(path, &b);
            bytes += (int64_t)b.len;
        }
    }
    pb_buf_release(&b);
    for (int i = 0; i < p->pages; i++)
        pb_buf_release(&page[i]);
    printf("real pages: %d HTML and text files of the corpus, %d copies each with numbers varied, %.1f MB\n",
           p->pages, copies, (double)bytes / 1e6);
    snprintf(db, sizeof(db), "%s/pages.db", out);
    ingest_run(db, dir, 1, bytes, "real pages, 1 job");
}

int main(int argc, char **argv)
{
    const char *shared = getenv("PROBITY_SHARED");
    char corpus[1024], out[1024], docs[1100], db[2400];
    long n = 100000, jobs = sysconf(_SC_NPROCESSORS_ONLN);
    struct paras p;
    int64_t bytes, text_bytes, dbsize;
    memset(&p, 0, sizeof(p));
    snprintf(corpus, sizeof(corpus), "%s", argc > 1 ? argv[1] : "");
    if (!corpus[0])
        snprintf(corpus, sizeof(corpus), "%s/corpus", shared ? shared : "../shared");
    snprintf(out, sizeof(out), "%s", argc > 3 ? argv[3] : "bench/out/docs");
    if ((argc > 2 && pb_parse_long(argv[2], &n)) || (argc > 4 && pb_parse_long(argv[4], &jobs))) {
        fprintf(stderr, "usage: bench_docs [CORPUS_DIR] [N_DOCS] [OUT_DIR] [JOBS]\n");
        return 2;
    }
    if (n < 10)
        n = 10;
    if (jobs < 1)
        jobs = 1;
    snprintf(docs, sizeof(docs), "%s/corpus", out);
    gather(corpus, &p);
    if (p.n < 10) {
        fprintf(stderr, "bench_docs: too few paragraphs in %s\n", corpus);
        return 1;
    }
    if (getenv("BENCH_SEARCH_ONLY")) {   /* search an existing store again */
        search_run(getenv("BENCH_SEARCH_ONLY"), &p, 1000);
        return 0;
    }
    snprintf(db, sizeof(db), "rm -rf '%s' && mkdir -p '%s'", out, docs);
    if (system(db) != 0)
        return 1;
    printf("corpus: %zu paragraphs from %s\n", p.n, corpus);
    bytes = make_corpus(&p, n, docs, &text_bytes);
    printf("generated: %ld documents (half text, half HTML), %.1f MB of files, %.1f MB of text\n", n,
           (double)bytes / 1e6, (double)text_bytes / 1e6);

    snprintf(db, sizeof(db), "%s/docs1.db", out);
    ingest_run(db, docs, 1, bytes, "ingest, 1 job");
    dbsize = file_size(db);
    printf("database: %.1f MB for %.1f MB of text: %.2fx\n", (double)dbsize / 1e6, (double)text_bytes / 1e6,
           (double)dbsize / (double)text_bytes);
    search_run(db, &p, 1000);
    if (jobs > 1) {
        char label[64];
        snprintf(db, sizeof(db), "%s/docsN.db", out);
        snprintf(label, sizeof(label), "ingest, %ld jobs", jobs);
        ingest_run(db, docs, (int)jobs, bytes, label);
    }
    pdf_run(&p, out, 20);
    if (p.pages)
        pages_run(&p, out, 100);
    for (size_t i = 0; i < p.n; i++)
        free(p.v[i]);
    free(p.v);
    return 0;
}
