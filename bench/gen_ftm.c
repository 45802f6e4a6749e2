/* Generates a large FollowTheMoney JSON lines file for the FtM load benchmark from the
 * real OpenSanctions samples (every *.ftm.json in a folder). The first round copies the
 * samples as they are; each later round copies them again with ids suffixed "-N" (links
 * follow, so the graph stays whole) and names varied (letters of some tokens shuffled,
 * invented tokens appended), so that the store and its name index see many distinct
 * entities and keys rather than the same few repeated. A fixed seed makes the output the
 * same on every run, so figures stay comparable over time.
 *
 * usage: gen_ftm SAMPLE_DIR OUT_FILE [MEGABYTES]   (default 200; 1 MB = 10^6 bytes) */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "core/core.h"
#include "probity/model.h"

struct records {
    json_t **v;
    size_t n, cap;
};

static uint64_t rng_state = 0x5eed2024ULL;

/* splitmix64: tiny, good enough, and the same on every platform */
static uint64_t rng(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_samples(const char *dir, struct records *r)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL, path[4096];
    size_t nn = 0;
    int rc = 0;
    if (!d) {
        perror(dir);
        return 1;
    }
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        char **t;
        if (l < 9 || strcmp(de->d_name + l - 9, ".ftm.json") != 0)
            continue;
        if (!(t = realloc(names, (nn + 1) * sizeof(*t))) || !(t[nn] = pb_strdup(de->d_name))) {
            names = t ? t : names;
            rc = 1;
            goto out;
        }
        names = t;
        nn++;
    }
    qsort(names, nn, sizeof(*names), by_name);
    for (size_t i = 0; i < nn; i++) {
        FILE *fp;
        char *line = NULL;
        size_t cap = 0;
        ssize_t len;
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        if (!(fp = fopen(path, "rb"))) {
            perror(path);
            rc = 1;
            goto out;
        }
        while ((len = getline(&line, &cap, fp)) > 0) {
            json_error_t je;
            json_t *o = json_loadb(line, (size_t)len, 0, &je);
            if (!o || !json_is_object(o) || !json_is_string(json_object_get(o, "id"))) {
                json_decref(o);
                continue;
            }
            if (r->n == r->cap) {
                size_t c = r->cap ? r->cap * 2 : 1024;
                json_t **t = realloc(r->v, c * sizeof(*t));
                if (!t) {
                    json_decref(o);
                    rc = 1;
                    break;
                }
                r->v = t, r->cap = c;
            }
            r->v[r->n++] = o;
        }
        free(line);
        fclose(fp);
        fprintf(stderr, "gen_ftm: %s\n", path);
        if (rc)
            goto out;
    }
out:
    for (size_t i = 0; i < nn; i++)
        free(names[i]);
    free(names);
    closedir(d);
    return rc;
}

/* Shuffle the code points of s[0..n) in place (UTF-8 stays valid: whole sequences move). */
static void shuffle_token(char *s, size_t n)
{
    size_t starts[64], k = 0;
    char tmp[256];
    if (n >= sizeof(tmp))
        return;
    for (size_t i = 0; i < n && k < 64; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            starts[k++] = i;
    if (k < 3 || k == 64)
        return;
    {
        size_t order[64], o = 0;
        for (size_t i = 0; i < k; i++)
            order[i] = i;
        for (size_t i = k - 1; i > 0; i--) {
            size_t j = (size_t)(rng() % (i + 1)), t = order[i];
            order[i] = order[j], order[j] = t;
        }
        for (size_t i = 0; i < k; i++) {
            size_t a = starts[order[i]], b = order[i] + 1 < k ? starts[order[i] + 1] : n;
            memcpy(tmp + o, s + a, b - a);
            o += b - a;
        }
        memcpy(s, tmp, n);
    }
}

/* A varied copy of a name: some tokens shuffled, sometimes an invented token appended. */
static json_t *vary_name(const char *name)
{
    static const char *const syl[] = {"ka", "ro", "mi", "sel", "dan", "ov", "ina", "tur", "bek", "ali",
                                      "zar", "en", "hov", "us", "lin", "ma"};
    struct pb_buf b = PB_BUF_INIT;
    json_t *out;
    size_t start = 0;
    if (pb_buf_adds(&b, name))
        return NULL;
    for (size_t i = 0; i <= b.len; i++) {
        if (i < b.len && b.s[i] != ' ')
            continue;
        if (i > start && rng() % 3 == 0)
            shuffle_token(b.s + start, i - start);
        start = i + 1;
    }
    if (rng() % 4 == 0) {
        int n = 2 + (int)(rng() % 2), bad = pb_buf_addc(&b, ' ');
        for (int i = 0; i < n && !bad; i++)
            bad = pb_buf_adds(&b, syl[rng() % (sizeof(syl) / sizeof(syl[0]))]);
        if (bad) {
            pb_buf_release(&b);
            return NULL;
        }
    }
    out = json_string(pb_buf_str(&b));
    pb_buf_release(&b);
    return out;
}

static void suffix_id(json_t *s, long round)
{
    char buf[1024];
    if (!json_is_string(s))
        return;
    snprintf(buf, sizeof(buf), "%s-%ld", json_string_value(s), round);
    json_string_set(s, buf);
}

/* Vary one entity object in place for the given round. */
static void vary_entity(json_t *o, long round)
{
    const char *schema = json_string_value(json_object_get(o, "schema")), *prop;
    json_t *props = json_object_get(o, "properties"), *vals, *v, *refs;
    size_t i;
    suffix_id(json_object_get(o, "id"), round);
    if ((refs = json_object_get(o, "referents")) && json_is_array(refs))
        json_array_foreach(refs, i, v)
            suffix_id(v, round);
    if (json_is_string(json_object_get(o, "caption"))) {
        json_t *c = vary_name(json_string_value(json_object_get(o, "caption")));
        if (c)
            json_object_set_new(o, "caption", c);
    }
    if (!schema || !json_is_object(props))
        return;
    json_object_foreach(props, prop, vals) {
        const char *type = probity_prop_type(schema, prop);
        if (!type || !json_is_array(vals))
            continue;
        json_array_foreach(vals, i, v) {
            if (json_is_object(v) && json_object_get(v, "schema"))
                vary_entity(v, round);
            else if (strcmp(type, "entity") == 0)
                suffix_id(v, round);
            else if (strcmp(type, "name") == 0 && json_is_string(v)) {
                json_t *n = vary_name(json_string_value(v));
                if (n)
                    json_array_set_new(vals, i, n);
            }
        }
    }
}

int main(int argc, char **argv)
{
    struct records r = {NULL, 0, 0};
    FILE *out = NULL;
    long long target, written = 0, lines = 0;
    long round = 0, mb = 200;
    int rc = 1;
    if (argc < 3 || argc > 4 || (argc == 4 && (pb_parse_long(argv[3], &mb) || mb <= 0))) {
        fprintf(stderr, "usage: gen_ftm SAMPLE_DIR OUT_FILE [MEGABYTES]\n");
        return 2;
    }
    target = (long long)mb * 1000000;
    if (read_samples(argv[1], &r) || r.n == 0) {
        fprintf(stderr, "gen_ftm: no FtM records found in %s/*.ftm.json\n", argv[1]);
        goto out;
    }
    if (!(out = fopen(argv[2], "wb"))) {
        perror(argv[2]);
        goto out;
    }
    for (round = 0; written < target; round++) {
        for (size_t i = 0; i < r.n && written < target; i++) {
            json_t *o = round ? json_deep_copy(r.v[i]) : json_incref(r.v[i]);
            char *s;
            if (!o)
                goto out;
            if (round)
                vary_entity(o, round);
            s = json_dumps(o, JSON_COMPACT);
            json_decref(o);
            if (!s)
                goto out;
            written += (long long)strlen(s) + 1;
            lines++;
            if (fputs(s, out) == EOF || fputc('\n', out) == EOF) {
                free(s);
                perror(argv[2]);
                goto out;
            }
            free(s);
        }
    }
    if (fclose(out) != 0) {
        out = NULL;
        perror(argv[2]);
        goto out;
    }
    out = NULL;
    printf("gen_ftm: wrote %s: %.1f MB, %lld lines, %ld rounds of %zu sample records\n", argv[2],
           (double)written / 1e6, lines, round, r.n);
    rc = 0;
out:
    if (out)
        fclose(out);
    for (size_t i = 0; i < r.n; i++)
        json_decref(r.v[i]);
    free(r.v);
    return rc;
}
