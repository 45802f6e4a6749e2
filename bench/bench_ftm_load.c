/* Benchmark of loading FollowTheMoney JSON lines (made by gen_ftm from the real
 * OpenSanctions samples) into a fresh store, with the costs taken apart: reading lines,
 * parsing them with simdjson through json_flat.h (the baseline: no loader can be faster
 * than its parser), with jansson for comparison, the FtM loader into a sink that discards,
 * the same plus the name keys the driver computes, the source hash, and the whole
 * probity_load. probity_load runs the loader (and name keys) in one thread and SQLite in
 * another, so besides wall time the figures give the critical path: the larger of the two
 * threads' CPU times, which is what the load takes with a free core for each. Each measurement runs in a child process
 * of its own, so that its peak resident memory (ru_maxrss) is its own and not the
 * high-water mark of an earlier phase. Figures are medians; 1 MB = 10^6 bytes.
 *
 * usage: bench_ftm_load FILE [RUNS]   (default 3 runs; the store goes to FILE.db) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>
#include "core/core.h"
#include "lists/json_flat.h"
#include "lists/loader.h"
#include "probity/lists.h"
#include "probity/store.h"
#include "text/text.h"
#include "bench_util.h"

#define TARGET_MBPS 50.0
#define TARGET_RSS_MB 200.0

struct result {
    double sec, close_sec;
    long records, statements, warnings;
    int rc;
    char msg[1200]; /* file and message of a probity_error */
};

struct phase {
    const char *name;
    int (*run)(const char *path, struct result *r);
    int runs;           /* 1, or the RUNS given on the command line */
    double sec, cpu, rss_mb, close_sec;
    struct result last;
};

static const char *db_path;

static void fail(struct result *r, int rc, const struct probity_error *err)
{
    r->rc = rc;
    snprintf(r->msg, sizeof(r->msg), "%s:%ld: %s", err->file, err->line, err->msg);
}

/* ---- the phases ---- */

/* Read the file line by line and hand each line to `line` (NULL: only count them). A line
 * it refuses ends the phase with its reason and line number. */
static int each_line(const char *path, struct result *r, const char *(*line)(void *, const char *, size_t, long *),
                     void *ctx)
{
    struct probity_error err;
    struct pb_input *in;
    const char *s, *why;
    size_t n;
    long count = 0;
    int rc;
    probity_error_clear(&err);
    if ((rc = pb_input_open(&in, path, NULL, &err))) {
        fail(r, rc, &err);
        return rc;
    }
    while ((rc = pb_input_line(in, &s, &n, &err)) == 1) {
        if (line && (why = line(ctx, s, n, &count))) {
            r->rc = rc = PROBITY_EPARSE;
            snprintf(r->msg, sizeof(r->msg), "line %ld: %s", pb_input_lineno(in), why);
            break;
        }
        r->records++;
    }
    r->statements += count;
    if (rc < 0 && !r->rc)
        fail(r, rc, &err);
    pb_input_close(in);
    return rc < 0 ? rc : 0;
}

static int run_read(const char *path, struct result *r) { return each_line(path, r, NULL, NULL); }

/* simdjson through json_flat.h, as the FtM loader parses; counts the nodes */
static const char *parse_simd(void *ctx, const char *s, size_t n, long *count)
{
    const struct pb_jnode *nodes;
    const char *why;
    size_t k;
    if (pb_json_parse(ctx, s, n, &nodes, &k, &why))
        return why;
    *count += (long)k;
    return NULL;
}

static int run_parse_simd(const char *path, struct result *r)
{
    struct pb_json *j = pb_json_new();
    int rc;
    if (!j) {
        snprintf(r->msg, sizeof(r->msg), "out of memory");
        return r->rc = PROBITY_ENOMEM;
    }
    rc = each_line(path, r, parse_simd, j);
    pb_json_free(j);
    return rc;
}

/* jansson, for reference: a whole tree per line */
static const char *parse_jansson(void *ctx, const char *s, size_t n, long *count)
{
    static json_error_t je;
    json_t *o = json_loadb(s, n, 0, &je);
    (void)ctx, (void)count;
    if (!o)
        return je.text;
    json_decref(o);
    return NULL;
}

static int run_parse(const char *path, struct result *r) { return each_line(path, r, parse_jansson, NULL); }

/* A sink that counts what the loader emits, and optionally computes the name keys as the
 * store driver does, without storing anything. */
struct count_sink {
    struct result *r;
    int name_keys;
};

static int count_emit(struct pb_sink *s, const struct probity_entity *e, struct probity_error *err)
{
    struct count_sink *c = s->ctx;
    c->r->records++;
    c->r->statements += (long)e->nprops;
    if (!c->name_keys)
        return 0;
    for (size_t i = 0; i < e->nprops; i++)
        if (pb_is_name_prop(e->props[i].prop)) {
            char *key = pb_name_key(e->props[i].value);
            if (!key)
                return pb__err(err, PROBITY_ENOMEM, NULL, 0, 0, "out of memory");
            free(key);
        }
    return 0;
}

static void count_published(struct pb_sink *s, const char *date)
{
    (void)s, (void)date;
}

static void count_warn(struct pb_sink *s, const char *file, long line, const char *fmt, ...)
{
    struct count_sink *c = s->ctx;
    (void)file, (void)line, (void)fmt;
    c->r->warnings++;
}

static int run_loader(const char *path, struct result *r, int name_keys)
{
    struct probity_error err;
    struct probity_load_opts opts;
    struct count_sink cs = {r, name_keys};
    struct pb_sink sink = {count_emit, count_published, count_warn, &cs};
    const char *paths[1] = {path};
    struct pb_load_args a = {paths, 1, &opts, &sink, &err};
    int rc;
    memset(&opts, 0, sizeof(opts));
    probity_error_clear(&err);
    if ((rc = pb__load_ftm(&a)))
        fail(r, rc, &err);
    return rc;
}

static int run_discard(const char *path, struct result *r) { return run_loader(path, r, 0); }
static int run_names(const char *path, struct result *r) { return run_loader(path, r, 1); }

static int run_sha(const char *path, struct result *r)
{
    struct probity_error err;
    char hex[65];
    int64_t size;
    int rc;
    probity_error_clear(&err);
    if ((rc = pb_sha256_file(path, hex, &size, &err)))
        fail(r, rc, &err);
    r->records = 1;
    return rc;
}

static void remove_store(void)
{
    char p[4200];
    remove(db_path);
    snprintf(p, sizeof(p), "%s-wal", db_path);
    remove(p);
    snprintf(p, sizeof(p), "%s-shm", db_path);
    remove(p);
    snprintf(p, sizeof(p), "%s-journal", db_path);
    remove(p);
}

static int count_entity(void *ctx, const struct probity_entity *e, const char *dataset)
{
    (void)dataset;
    ((struct result *)ctx)->records++;
    ((struct result *)ctx)->statements += (long)e->nprops;
    return 0;
}

static int run_store(const char *path, struct result *r)
{
    struct probity_error err;
    struct probity_store *st = NULL;
    struct probity_load_opts opts;
    struct probity_load_report rep;
    const char *paths[1] = {path};
    double t0;
    int rc;
    memset(&opts, 0, sizeof(opts));
    memset(&rep, 0, sizeof(rep));
    opts.dataset = "bench_ftm";
    probity_error_clear(&err);
    remove_store();
    if ((rc = probity_store_open(&st, db_path, &err))) {
        fail(r, rc, &err);
        return rc;
    }
    if ((rc = probity_load(st, paths, 1, &opts, NULL, &rep, &err))) {
        fail(r, rc, &err);
        probity_store_close(st);
        return rc;
    }
    if (rep.n)
        r->warnings = rep.results[0].warnings;
    probity_load_report_release(&rep);
    t0 = bench_wall();
    probity_store_close(st);
    r->close_sec = bench_wall() - t0;
    return 0;
}

/* Counting what the store holds is a check, run in a child of its own after the timed
 * loads so that it adds nothing to their time or memory. */
static int run_check(const char *path, struct result *r)
{
    struct probity_error err;
    struct probity_store *st;
    int rc;
    (void)path;
    probity_error_clear(&err);
    if ((rc = probity_store_open_readonly(&st, db_path, &err))) {
        fail(r, rc, &err);
        return rc;
    }
    r->records = r->statements = 0;
    if ((rc = probity_store_entities(st, 0, count_entity, r, &err)))
        fail(r, rc, &err);
    probity_store_close(st);
    return rc;
}

/* ---- running phases in children ---- */

/* One run in a child process; its result comes back through a pipe, its peak RSS and CPU
 * time through wait4. CPU time is shown beside wall time because a busy machine stretches
 * the one but hardly the other. */
static int run_child(int (*run)(const char *, struct result *), const char *path, struct result *r,
                     double *rss_mb, double *cpu)
{
    int fds[2];
    pid_t pid;
    struct rusage ru;
    int status;
    memset(r, 0, sizeof(*r));
    if (pipe(fds) != 0)
        return -1;
    fflush(NULL);
    if ((pid = fork()) < 0)
        return -1;
    if (pid == 0) {
        struct result res;
        double t0;
        ssize_t w;
        memset(&res, 0, sizeof(res));
        close(fds[0]);
        t0 = bench_wall();
        run(path, &res);
        res.sec = bench_wall() - t0;
        w = write(fds[1], &res, sizeof(res));
        _exit(w == (ssize_t)sizeof(res) ? 0 : 1);
    }
    close(fds[1]);
    if (read(fds[0], r, sizeof(*r)) != (ssize_t)sizeof(*r)) {
        r->rc = PROBITY_EIO;
        snprintf(r->msg, sizeof(r->msg), "child process failed");
    }
    close(fds[0]);
    if (wait4(pid, &status, 0, &ru) < 0)
        return -1;
    *rss_mb = (double)ru.ru_maxrss / 1024.0; /* KiB on Linux */
    *cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           (double)ru.ru_stime.tv_usec / 1e6;
    return r->rc;
}

int main(int argc, char **argv)
{
    static char db[4200];
    struct phase phases[] = {
        {.name = "read lines (pb_input)", .run = run_read, .runs = 1},
        {.name = "jansson parse, reference", .run = run_parse, .runs = 1},
        {.name = "simdjson parse, baseline", .run = run_parse_simd, .runs = 0},
        {.name = "FtM loader, discard sink", .run = run_discard, .runs = 0},
        {.name = "FtM loader + name keys", .run = run_names, .runs = 1},
        {.name = "sha256 of the file", .run = run_sha, .runs = 1},
        {.name = "probity_load into store", .run = run_store, .runs = 0},
    };
    enum { READ, JANSSON, PARSE, DISCARD, NAMES, SHA, LOAD, NPHASES };
    struct result check;
    struct stat sb;
    double mb, secs[64], cpus[64], rss, cpu;
    long runs = 3;
    const char *path;
    if (argc < 2 || argc > 3 || (argc == 3 && (pb_parse_long(argv[2], &runs) || runs < 1 || runs > 64))) {
        fprintf(stderr, "usage: bench_ftm_load FILE [RUNS]\n");
        return 2;
    }
    path = argv[1];
    if (stat(path, &sb) != 0) {
        fprintf(stderr, "bench_ftm_load: %s: %s (make it with gen_ftm)\n", path, strerror(errno));
        return 1;
    }
    snprintf(db, sizeof(db), "%s.db", path);
    db_path = db;
    mb = (double)sb.st_size / 1e6;
    printf("FtM load benchmark: %s, %.1f MB; * = median of %ld runs; MB/s from wall time\n\n", path, mb, runs);
    printf("%-28s %8s %8s %9s %12s %10s\n", "phase", "wall s", "cpu s", "MB/s", "peak RSS MB", "records");
    for (int p = 0; p < NPHASES; p++) {
        struct phase *ph = &phases[p];
        long n = ph->runs ? ph->runs : runs;
        for (long i = 0; i < n; i++) {
            if (run_child(ph->run, path, &ph->last, &rss, &cpu)) {
                fprintf(stderr, "bench_ftm_load: %s failed: %s\n", ph->name, ph->last.msg);
                remove_store();
                return 1;
            }
            secs[i] = ph->last.sec;
            cpus[i] = cpu;
            ph->close_sec += ph->last.close_sec / (double)n;
            ph->rss_mb = rss > ph->rss_mb ? rss : ph->rss_mb;
        }
        if (p == LOAD) {
            if (run_child(run_check, path, &check, &rss, &cpu)) {
                fprintf(stderr, "bench_ftm_load: reading the store back failed: %s\n", check.msg);
                remove_store();
                return 1;
            }
            ph->last.records = check.records;
        }
        qsort(secs, (size_t)n, sizeof(double), bench_dbl_cmp);
        qsort(cpus, (size_t)n, sizeof(double), bench_dbl_cmp);
        ph->sec = secs[n / 2];
        ph->cpu = cpus[n / 2];
        printf("%-26s%s %8.2f %8.2f %9.1f %12.1f %10ld\n", ph->name, n > 1 ? " *" : "  ", ph->sec, ph->cpu,
               mb / ph->sec, ph->rss_mb, ph->last.records);
    }
    remove_store();
    {
        const struct phase *ld = &phases[LOAD], *ps = &phases[PARSE], *dc = &phases[DISCARD],
                           *nk = &phases[NAMES], *sh = &phases[SHA];
        double load_mbps = mb / ld->sec, store = ld->cpu - nk->cpu - sh->cpu;
        /* the loading thread does what the name-keys phase does, plus packing each entity for
         * the store, which is counted here on the storing side: its figure is an upper bound */
        double path_cpu = nk->cpu > store + sh->cpu ? nk->cpu : store + sh->cpu;
        printf("\nstored: %ld entities, %ld statements; loader warnings: %ld; store close: %.2f s\n", check.records,
               check.statements, ld->last.warnings, ld->close_sec);
        printf("load / parse: %.2fx wall, %.2fx cpu   (loader with a discarding sink / parse: %.2fx cpu; "
               "jansson would parse in %.2fx the time)\n",
               ld->sec / ps->sec, ld->cpu / ps->cpu, dc->cpu / ps->cpu, phases[JANSSON].cpu / ps->cpu);
        printf("where the load's cpu time goes: parse %.2f s (%.0f%%), FtM loader %.2f s (%.0f%%), "
               "name keys %.2f s (%.0f%%), sha256 %.2f s (%.0f%%), store (SQLite) %.2f s (%.0f%%)\n",
               ps->cpu, 100 * ps->cpu / ld->cpu, dc->cpu - ps->cpu, 100 * (dc->cpu - ps->cpu) / ld->cpu,
               nk->cpu - dc->cpu, 100 * (nk->cpu - dc->cpu) / ld->cpu, sh->cpu, 100 * sh->cpu / ld->cpu, store,
               100 * store / ld->cpu);
        printf("threads: loading >= %.2f s cpu, storing <= %.2f s cpu; critical path %.2f s = %.1f MB/s with a "
               "free core for each\n",
               nk->cpu, store + sh->cpu, path_cpu, mb / path_cpu);
        printf("target load >= %.0f MB/s: %s (%.1f MB/s wall in this run, %.1f MB/s on the critical path, "
               "%.1f MB/s per CPU-second)\n",
               TARGET_MBPS, load_mbps >= TARGET_MBPS ? "met" : "NOT met in wall time", load_mbps, mb / path_cpu,
               mb / ld->cpu);
        printf("target peak RSS < %.0f MB: %s (%.1f MB)\n", TARGET_RSS_MB,
               ld->rss_mb < TARGET_RSS_MB ? "met" : "NOT met", ld->rss_mb);
    }
    return 0;
}
