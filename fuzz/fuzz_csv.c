/* libFuzzer target for the CSV-family loaders (trade.gov CSL, BIS DPL, OpenSanctions
 * targets, mapped CSV). The loaders read files, so each input is written to a temporary
 * file and every loader runs on it with a sink that only counts and reads what it is
 * given, letting the sanitizers see every byte of every emitted entity. The first input
 * byte picks options (an encoding, an explicit column mapping, splits) so that those
 * paths are fuzzed too; the rest is the file. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "core/core.h"
#include "lists/loader.h"

struct counts {
    long entities, props, warnings;
    char published[40];
};

static int count_emit(struct pb_sink *s, const struct probity_entity *e, struct probity_error *err)
{
    struct counts *c = s->ctx;
    size_t n = strlen(e->id) + strlen(e->schema);
    (void)err;
    for (size_t i = 0; i < e->nprops; i++)
        n += strlen(e->props[i].prop) + strlen(e->props[i].value);
    c->entities++;
    c->props += (long)e->nprops + (n == 0);
    return 0;
}

static void count_published(struct pb_sink *s, const char *date)
{
    struct counts *c = s->ctx;
    snprintf(c->published, sizeof(c->published), "%s", date);
}

static void count_warn(struct pb_sink *s, const char *file, long line, const char *fmt, ...)
{
    struct counts *c = s->ctx;
    char msg[256];
    va_list ap;
    (void)file, (void)line;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    c->warnings++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const maps[] = {"name=name", "alias=alias", "sanction.reason=reason", "id=id",
                                       "schema=schema"};
    static const char *const splits[] = {"alias=|", "name=;"};
    static int (*const loaders[])(const struct pb_load_args *) = {pb__load_csl, pb__load_dpl, pb__load_targets,
                                                                 pb__load_csv};
    static char path[64];
    struct probity_load_opts opts;
    struct counts c;
    struct pb_sink sink = {count_emit, count_published, count_warn, &c};
    struct probity_error err;
    const char *paths[1];
    unsigned sel;
    FILE *fp;
    if (size == 0)
        return 0;
    if (!path[0])
        snprintf(path, sizeof(path), "/tmp/pb-fuzz-csv-%d.csv", (int)getpid());
    sel = data[0];
    if (!(fp = fopen(path, "wb")))
        return 0;
    fwrite(data + 1, 1, size - 1, fp);
    fclose(fp);
    memset(&opts, 0, sizeof(opts));
    if (sel & 1)
        opts.encoding = "latin1";
    if (sel & 2) {
        opts.maps = maps;
        opts.nmaps = 1 + (sel >> 4) % 5;
    }
    if (sel & 4) {
        opts.splits = splits;
        opts.nsplits = 2;
    }
    if (sel & 8)
        opts.schema = "Person";
    paths[0] = path;
    for (size_t i = 0; i < sizeof(loaders) / sizeof(loaders[0]); i++) {
        struct pb_load_args a = {paths, 1, &opts, &sink, &err};
        memset(&c, 0, sizeof(c));
        probity_error_clear(&err);
        loaders[i](&a);
    }
    unlink(path);
    return 0;
}
