/* Benchmark of screening at scale: an index of 1,000,000 names made by recombining the real
 * name words of the bundled lists (given names with family names, words of organisation
 * names with legal forms, each within its own script: Latin, and the Cyrillic, Arabic and
 * Han originals of the UN list), built in memory through pb__index_build_entities. It
 * reports the build time (wall clock), the resident memory the index adds, and single-name
 * queries per second of CPU time on one core with latency percentiles, for the real queries
 * of ../shared/data/matching/; the same queries on the index of the bundled lists alone are
 * the baseline measured in the same run. A sample of queries is also screened by brute
 * force (every name scored) on the large index, and must give the same hits. The names are
 * the same on every run (fixed seed).
 *
 * usage: bench_screen_1m [--names N] [--runs N] [--brute N] [--seed S]
 *   run from the source tree (or set PROBITY_SOURCE); PROBITY_SHARED locates ../shared. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "core/core.h"
#include "core/csv.h"
#include "match/match_int.h"
#include "probity/lists.h"
#include "probity/match.h"
#include "probity/model.h"
#include "probity/store.h"
#include "text/names.h"
#include "bench_bundled.h"
#include "bench_queries.h"
#include "bench_util.h"

#define TARGET_BUILD_S 30.0
#define TARGET_RSS_MB 1000.0
#define TARGET_QPS 1000.0
#define NSCRIPTS (PB_SCRIPT_OTHER + 1)

/* xorshift64*: the same names on every run and every machine */
static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1Dull;
}

static size_t rng_below(uint64_t *s, size_t n)
{
    return n ? (size_t)(rng_next(s) % n) : 0;
}

struct strv {
    char **v;
    size_t n, cap;
};

static void strv_add(struct strv *a, const char *s, size_t n)
{
    if (!n)
        return;
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 256;
        if (!(a->v = realloc(a->v, a->cap * sizeof(*a->v))))
            exit(1);
    }
    if (!(a->v[a->n++] = pb_strndup(s, n)))
        exit(1);
}

static void strv_release(struct strv *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->v[i]);
    free(a->v);
}

/* Words of the bundled names, by script: given names, family names, words of
 * organisation names, and the last words of organisation names (mostly legal forms). */
struct pools {
    struct strv given[NSCRIPTS], family[NSCRIPTS], org[NSCRIPTS], tail[NSCRIPTS];
};

/* Length in bytes of the first UTF-8 character of s. */
static size_t first_char(const char *s)
{
    size_t n = 1;
    while (s[n] && ((unsigned char)s[n] & 0xC0) == 0x80)
        n++;
    return n;
}

static void split_words(const char *s, size_t n, struct strv *out)
{
    size_t i = 0;
    while (i < n) {
        size_t j;
        while (i < n && (s[i] == ' ' || s[i] == ','))
            i++;
        for (j = i; j < n && s[j] != ' ' && s[j] != ','; j++)
            ;
        strv_add(out, s + i, j - i);
        i = j;
    }
}

static void add_person(struct pools *p, const char *name)
{
    int sc = (int)pb_name_script(name);
    const char *comma = strchr(name, ',');
    struct strv w = {NULL, 0, 0};
    if (sc < 0 || sc >= NSCRIPTS)
        return;
    if ((sc == PB_SCRIPT_HAN || sc == PB_SCRIPT_HANGUL) && !strchr(name, ' ')) {
        /* written without spaces: the first character is the family name */
        size_t f = first_char(name), n = strlen(name);
        if (f < n) {
            strv_add(&p->family[sc], name, f);
            strv_add(&p->given[sc], name + f, n - f);
        }
        return;
    }
    if (comma) {
        /* "FAMILY, Given Names" */
        split_words(name, (size_t)(comma - name), &p->family[sc]);
        split_words(comma + 1, strlen(comma + 1), &p->given[sc]);
        return;
    }
    split_words(name, strlen(name), &w);
    for (size_t i = 0; i < w.n; i++) {
        struct strv *to = i + 1 == w.n ? &p->family[sc] : &p->given[sc];
        strv_add(to, w.v[i], strlen(w.v[i]));
    }
    strv_release(&w);
}

static void add_org(struct pools *p, const char *name)
{
    int sc = (int)pb_name_script(name);
    struct strv w = {NULL, 0, 0};
    if (sc < 0 || sc >= NSCRIPTS)
        return;
    if (sc == PB_SCRIPT_HAN && !strchr(name, ' ')) {
        /* written without spaces: words of two characters, the last four (a legal form
         * such as 有限公司, mostly) apart */
        size_t n = strlen(name), i = 0, tail = n;
        for (int k = 0; k < 4 && tail > 0; k++) {
            tail--;
            while (tail > 0 && ((unsigned char)name[tail] & 0xC0) == 0x80)
                tail--;
        }
        while (i < tail) {
            size_t a = first_char(name + i), b = i + a < tail ? first_char(name + i + a) : 0;
            strv_add(&p->org[sc], name + i, a + b);
            i += a + b;
        }
        strv_add(&p->tail[sc], name + tail, n - tail);
        return;
    }
    split_words(name, strlen(name), &w);
    for (size_t i = 0; i < w.n; i++) {
        struct strv *to = i + 1 == w.n && w.n > 1 ? &p->tail[sc] : &p->org[sc];
        strv_add(to, w.v[i], strlen(w.v[i]));
    }
    strv_release(&w);
}

static int on_entity(void *ctx, const struct probity_entity *e, const char *dataset)
{
    struct pools *p = ctx;
    static const char *const props[] = {"name", "alias", "previousName", "weakAlias"};
    int person = probity_schema_is_a(e->schema, "Person"), org = probity_schema_is_a(e->schema, "Organization");
    (void)dataset;
    if (!person && !org)
        return 0;
    for (size_t i = 0; i < e->nprops; i++)
        for (size_t k = 0; k < 4; k++)
            if (strcmp(e->props[i].prop, props[k]) == 0) {
                if (person)
                    add_person(p, e->props[i].value);
                else
                    add_org(p, e->props[i].value);
            }
    return 0;
}

/* The generator of entities for pb__index_build_entities. */
struct gen {
    struct pools *p;
    uint64_t seed;
    size_t names, target, ents;
    int scripts[2][NSCRIPTS];    /* scripts with words for organisations [0] and persons [1] */
    size_t nscripts[2];
    char id[32];
};

/* A script, in proportion to how many names of the lists are written in it. */
static int pick_script(struct gen *g, int person)
{
    size_t total = 0, r;
    for (size_t i = 0; i < g->nscripts[person]; i++) {
        int sc = g->scripts[person][i];
        total += person ? g->p->family[sc].n : g->p->org[sc].n;
    }
    r = rng_below(&g->seed, total);
    for (size_t i = 0; i < g->nscripts[person]; i++) {
        int sc = g->scripts[person][i];
        size_t n = person ? g->p->family[sc].n : g->p->org[sc].n;
        if (r < n)
            return sc;
        r -= n;
    }
    return PB_SCRIPT_LATIN;
}

static const char *pick(struct gen *g, const struct strv *v)
{
    return v->n ? v->v[rng_below(&g->seed, v->n)] : "";
}

static void make_name(struct gen *g, int person, char *buf, size_t size)
{
    int sc = pick_script(g, person);
    size_t o = 0;
    struct pools *p = g->p;
#define PUT(s, sep)                                                                                         \
    do {                                                                                                    \
        int w_ = snprintf(buf + o, size - o, "%s%s", o ? (sep) : "", (s));                                  \
        if (w_ > 0 && (size_t)w_ < size - o)                                                                \
            o += (size_t)w_;                                                                                \
    } while (0)
    buf[0] = 0;
    if (person) {
        int han = sc == PB_SCRIPT_HAN || sc == PB_SCRIPT_HANGUL;
        const char *fam = pick(g, &p->family[sc]);
        size_t ng = 1 + (rng_below(&g->seed, 3) == 0);
        if (han) {
            PUT(fam, "");
            PUT(pick(g, &p->given[sc]), "");
        } else if (rng_below(&g->seed, 5) == 0) {
            /* listed as "FAMILY, Given" */
            PUT(fam, "");
            PUT(",", "");
            for (size_t i = 0; i < ng; i++)
                PUT(pick(g, &p->given[sc]), " ");
        } else {
            for (size_t i = 0; i < ng; i++)
                PUT(pick(g, &p->given[sc]), " ");
            PUT(fam, " ");
        }
    } else {
        size_t nw = 2 + rng_below(&g->seed, 3);
        const char *sep = sc == PB_SCRIPT_HAN ? "" : " ";
        for (size_t i = 0; i < nw; i++)
            PUT(pick(g, &p->org[sc]), sep);
        if (rng_below(&g->seed, 2) && p->tail[sc].n)
            PUT(pick(g, &p->tail[sc]), sep);
    }
#undef PUT
}

static int next_entity(void *ctx, struct probity_entity *e, const char **dataset)
{
    struct gen *g = ctx;
    char name[512];
    int person, rc;
    if (g->names >= g->target || (!g->nscripts[0] && !g->nscripts[1]))
        return 0;
    person = rng_below(&g->seed, 10) < 7 && g->nscripts[1];
    snprintf(g->id, sizeof(g->id), "gen-%zu", g->ents++);
    if ((rc = probity_entity_reset(e, g->id, person ? "Person" : "Organization")))
        return rc;
    /* most parties have one name, some an alias or two */
    for (size_t k = 0, n = 1 + (rng_below(&g->seed, 4) == 0) + (rng_below(&g->seed, 10) == 0);
         k < n && g->names < g->target; k++) {
        make_name(g, person, name, sizeof(name));
        if (!*name)
            continue;
        if ((rc = probity_entity_add(e, k ? "alias" : "name", name)) && rc != PROBITY_EENCODING)
            return rc;
        g->names++;
    }
    *dataset = "generated";
    return 1;
}

struct timing {
    double qps, p50, p90, p99, max;
    long hits;
};

/* Every query on one core, `runs` times with empty per-thread caches; medians. */
static void time_queries(struct probity_index *ix, const struct bench_queries *q, int runs, struct timing *t)
{
    double *lat = malloc(q->n * (size_t)runs * sizeof(double)), *qps = malloc((size_t)runs * sizeof(double));
    size_t nlat = 0;
    if (!lat || !qps)
        exit(1);
    for (int r = 0; r < runs; r++) {
        double c0;
        pb__scratch_free_all(ix);
        c0 = bench_thread_cpu();
        t->hits = 0;
        for (size_t i = 0; i < q->n; i++) {
            struct probity_query pq;
            struct probity_result res;
            struct probity_error err;
            double a = bench_thread_cpu();
            memset(&pq, 0, sizeof(pq));
            pq.name = q->v[i];
            if (!probity_screen(ix, &pq, &res, &err)) {
                t->hits += (long)res.n;
                probity_result_release(&res);
            }
            lat[nlat++] = bench_thread_cpu() - a;
        }
        qps[r] = (double)q->n / (bench_thread_cpu() - c0);
    }
    qsort(qps, (size_t)runs, sizeof(double), bench_dbl_cmp);
    qsort(lat, nlat, sizeof(double), bench_dbl_cmp);
    t->qps = qps[runs / 2];
    t->p50 = lat[nlat / 2] * 1e6;
    t->p90 = lat[nlat * 9 / 10] * 1e6;
    t->p99 = lat[nlat * 99 / 100] * 1e6;
    t->max = lat[nlat - 1] * 1e6;
    free(lat);
    free(qps);
}

int main(int argc, char **argv)
{
    const char *shared = getenv("PROBITY_SHARED"), *src = getenv("PROBITY_SOURCE");
    char tmpdb[256];
    size_t target = 1000000;
    int runs = 3, nbrute = 10;
    uint64_t seed = 20260226;
    struct probity_store *st = NULL;
    struct probity_index *small = NULL, *big = NULL;
    struct probity_error err;
    struct pools pools;
    struct gen g;
    struct bench_queries q = {NULL, 0, 0};
    struct timing tb, ts;
    double t0, rss0, rss1, build_s;
    if (!shared)
        shared = "../shared";
    if (!src)
        src = ".";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--names") == 0 && i + 1 < argc)
            target = (size_t)strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
            runs = atoi(argv[++i]) > 0 ? atoi(argv[i]) : 3;
        else if (strcmp(argv[i], "--brute") == 0 && i + 1 < argc)
            nbrute = atoi(argv[++i]);
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10) | 1;
        else {
            fprintf(stderr, "usage: bench_screen_1m [--names N] [--runs N] [--brute N] [--seed S]\n");
            return 2;
        }
    }
    memset(&pools, 0, sizeof(pools));
    snprintf(tmpdb, sizeof(tmpdb), "/tmp/probity-bench-1m-%ld.db", (long)getpid());
    if (probity_store_open(&st, tmpdb, &err) || bench_load_bundled(st, src, "bench_screen_1m")) {
        fprintf(stderr, "bench_screen_1m: cannot prepare %s (run from the source tree or set PROBITY_SOURCE)\n",
                tmpdb);
        return 1;
    }
    if (probity_store_entities(st, 0, on_entity, &pools, &err)) {
        fprintf(stderr, "bench_screen_1m: %s\n", err.msg);
        return 1;
    }
    /* queries: the real names of the labelled files */
    bench_read_column(&q, shared, "yente_positives_un_untreated.csv", "full_name");
    bench_read_column(&q, shared, "yente_negatives_global_1k.csv", "full_name");
    bench_read_column(&q, shared, "yente_negatives_us_1k.csv", "full_name");
    bench_read_column(&q, shared, "nomenklatura_name_bench_cases.csv", "name1");
    bench_read_column(&q, shared, "nomenklatura_ofac_search_scores.csv", "query_name");
    printf("%zu real queries from %s/data/matching\n", q.n, shared);
    /* baseline: the bundled lists */
    if (probity_index_build(st, NULL, 0, &small, &err)) {
        fprintf(stderr, "bench_screen_1m: index: %s\n", err.msg);
        return 1;
    }
    time_queries(small, &q, runs, &ts);
    printf("bundled lists: %zu names, %zu forms; one core %.0f queries/s of CPU time, p50 %.0f us, p99 %.0f us "
           "(%ld hits)\n",
           probity_index_names(small), small->nform, ts.qps, ts.p50, ts.p99, ts.hits);
    probity_index_free(small);
    /* the generated index */
    memset(&g, 0, sizeof(g));
    g.p = &pools;
    g.seed = seed;
    g.target = target;
    printf("words by script (given / family / organisation / last word of organisations):\n");
    for (int sc = 0; sc < NSCRIPTS; sc++) {
        if (!pools.family[sc].n && !pools.org[sc].n)
            continue;
        printf("  %-10s %6zu / %6zu / %6zu / %6zu\n", pb_script_name((enum pb_script)sc), pools.given[sc].n,
               pools.family[sc].n, pools.org[sc].n, pools.tail[sc].n);
        if (pools.family[sc].n && pools.given[sc].n)
            g.scripts[1][g.nscripts[1]++] = sc;
        if (pools.org[sc].n)
            g.scripts[0][g.nscripts[0]++] = sc;
    }
    rss0 = bench_rss_mb();
    t0 = bench_wall();
    if (pb__index_build_entities(next_entity, &g, &big, &err)) {
        fprintf(stderr, "bench_screen_1m: index: %s\n", err.msg);
        return 1;
    }
    build_s = bench_wall() - t0;
    rss1 = bench_rss_mb();
    printf("generated: %zu entities, %zu names, %zu forms, %zu tokens\n", probity_index_entities(big),
           probity_index_names(big), big->nform, big->ntok);
    printf("build %.1f s (wall clock; target < %.0f s): %s\n", build_s, TARGET_BUILD_S,
           build_s < TARGET_BUILD_S ? "met" : "NOT met");
    printf("resident +%.0f MB (target < %.0f MB): %s\n", rss1 - rss0, TARGET_RSS_MB,
           rss1 - rss0 < TARGET_RSS_MB ? "met" : "NOT met");
    time_queries(big, &q, runs, &tb);
    printf("one core: %.0f queries/s of CPU time (median of %d runs; %ld hits), latency p50 %.0f us, p90 %.0f us, "
           "p99 %.0f us, max %.0f us\n",
           tb.qps, runs, tb.hits, tb.p50, tb.p90, tb.p99, tb.max);
    printf("target >= %.0f queries/s per core: %s; %.1fx slower than on the bundled lists (%.0f/s)\n", TARGET_QPS,
           tb.qps >= TARGET_QPS ? "met" : "NOT met", ts.qps / tb.qps, ts.qps);
    if (nbrute > 0) {
        size_t step = q.n / (size_t)nbrute ? q.n / (size_t)nbrute : 1, n = 0, agree = 0;
        double tbr = 0;
        for (size_t i = 0; i < q.n && n < (size_t)nbrute; i += step, n++) {
            struct probity_query pq;
            struct probity_result a, b;
            int ra, rb;
            double c0;
            memset(&pq, 0, sizeof(pq));
            pq.name = q.v[i];
            ra = probity_screen(big, &pq, &a, &err);
            c0 = bench_thread_cpu();
            rb = pb__screen_brute(big, &pq, &b, &err);
            tbr += bench_thread_cpu() - c0;
            if (ra == rb && (ra || bench_same_hits(&a, &b)))
                agree++;
            else
                printf("  differs: \"%s\"\n", q.v[i]);
            if (!ra)
                probity_result_release(&a);
            if (!rb)
                probity_result_release(&b);
        }
        printf("brute force (every name scored) on %zu queries: %.1f queries/s; same hits and scores for %zu of "
               "%zu\n",
               n, (double)n / tbr, agree, n);
    }
    probity_index_free(big);
    for (int sc = 0; sc < NSCRIPTS; sc++) {
        strv_release(&pools.given[sc]);
        strv_release(&pools.family[sc]);
        strv_release(&pools.org[sc]);
        strv_release(&pools.tail[sc]);
    }
    bench_queries_free(&q);
    probity_store_close(st);
    {
        char p[300];
        unlink(tmpdb);
        snprintf(p, sizeof(p), "%s-wal", tmpdb);
        unlink(p);
        snprintf(p, sizeof(p), "%s-shm", tmpdb);
        unlink(p);
    }
    return 0;
}
