/* Mention and link extraction speed: a gazetteer of N generated organisation names (default
 * 1,000,000, built like list names: two to four words and a legal form) and the text of real
 * documents (the files named on the command line, e.g. the raw text of the corpus written by
 * `probity doc ID --raw`), repeated to about 20 MB. Prints the gazetteer's build time and the
 * analysis throughput in MB/s of text on one core.
 * Usage: bench_extract_links [--names N] FILE... */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "probity/evidence.h"
#include "bench_util.h"

static unsigned long long rng = 88172645463325252ULL;
static unsigned long long next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void word(char *out, size_t size)
{
    static const char *const syl[] = {"ka", "ro", "mi", "tel", "san", "vor", "dex", "lin", "pa", "zhu",
                                      "qi", "han", "tor", "bel", "nu", "gar", "sen", "ti", "wa", "mor"};
    size_t n = 2 + next() % 3, o = 0;
    for (size_t i = 0; i < n && o + 4 < size; i++) {
        const char *s = syl[next() % 20];
        int w = snprintf(out + o, size - o, "%s", s);
        if (w > 0)
            o += (size_t)w;
    }
    out[0] = (char)(out[0] - 'a' + 'A');
}

struct count {
    long mentions, links;
};

static int on_m(void *ctx, const struct probity_mention *m)
{
    (void)m;
    ((struct count *)ctx)->mentions++;
    return 0;
}

static int on_l(void *ctx, const struct probity_found_link *l)
{
    (void)l;
    ((struct count *)ctx)->links++;
    return 0;
}

int main(int argc, char **argv)
{
    static const char *const forms[] = {"Co., Ltd.", "LLC", "Inc.", "Trading Company", "Group", "JSC"};
    struct probity_gazetteer *g = NULL;
    long names = 1000000;
    char *text = NULL;
    size_t len = 0, cap = 0;
    int first = 1, rc = 1;
    struct count c = {0, 0};
    double t0, t1;
    if (argc > 2 && strcmp(argv[1], "--names") == 0) {
        names = strtol(argv[2], NULL, 10);
        first = 3;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: bench_extract_links [--names N] FILE...\n");
        return 2;
    }
    /* the documents' text, repeated to about 20 MB */
    while (len < 20u * 1000 * 1000) {
        size_t before = len;
        for (int i = first; i < argc; i++) {
            FILE *fp = fopen(argv[i], "rb");
            if (!fp)
                continue;
            for (;;) {
                if (cap - len < 65536) {
                    cap = cap ? cap * 2 : 1 << 20;
                    char *p = realloc(text, cap);
                    if (!p)
                        goto out;
                    text = p;
                }
                size_t n = fread(text + len, 1, cap - len - 1, fp);
                if (!n)
                    break;
                len += n;
            }
            fclose(fp);
            text[len++] = '\n';
        }
        if (len == before)
            break;
    }
    if (!len)
        goto out;
    text[len] = 0;
    if (probity_gazetteer_new(&g))
        goto out;
    t0 = bench_wall();
    for (long i = 0; i < names; i++) {
        char name[256], w[3][32], id[32];
        size_t nw = 1 + (size_t)(next() % 3);
        for (size_t k = 0; k < nw; k++)
            word(w[k], sizeof(w[k]));
        snprintf(name, sizeof(name), "%s %s %s %s", w[0], nw > 1 ? w[1] : "", nw > 2 ? w[2] : "",
                 forms[next() % 6]);
        snprintf(id, sizeof(id), "gen-%ld", i);
        if (probity_gazetteer_add(g, name, id, "Company", name))
            goto out;
    }
    t1 = bench_wall();
    printf("gazetteer: %zu names in %.2f s\n", probity_gazetteer_size(g), t1 - t0);
    t0 = bench_wall();
    if (probity_analyse(g, text, len, on_m, on_l, &c))
        goto out;
    t1 = bench_wall();
    printf("extract: %.1f MB in %.2f s = %.2f MB/s (one core); %ld mentions, %ld links\n", (double)len / 1e6,
           t1 - t0, (double)len / 1e6 / (t1 - t0), c.mentions, c.links);
    rc = 0;
out:
    probity_gazetteer_free(g);
    free(text);
    return rc;
}
