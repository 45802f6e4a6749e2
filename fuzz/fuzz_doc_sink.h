/* Shared by the extractor fuzz targets: a document sink that reads every byte it is given,
 * so that the sanitizers see text and metadata that point outside their buffers or are not
 * terminated. Header-only: each target is its own program. */
#ifndef PB_FUZZ_DOC_SINK_H
#define PB_FUZZ_DOC_SINK_H
#include <stdint.h>
#include <string.h>
#include "docs/extract.h"

static volatile unsigned sink_sum;

static int f_meta(void *ctx, const char *key, const char *value)
{
    unsigned s = 0;
    (void)ctx;
    for (const char *p = key; *p; p++)
        s += (unsigned char)*p;
    for (const char *p = value; *p; p++)
        s += (unsigned char)*p;
    sink_sum += s;
    return 0;
}

static int f_text(void *ctx, int page, enum pb_block_kind kind, const char *utf8, size_t len)
{
    unsigned s = (unsigned)page + (unsigned)kind;
    (void)ctx;
    for (size_t i = 0; i < len; i++)
        s += (unsigned char)utf8[i];
    sink_sum += s;
    return 0;
}

static int f_child(void *ctx, const char *name, const char *mime, const void *data, size_t size)
{
    const unsigned char *d = data;
    unsigned s = (unsigned)strlen(name) + (unsigned)strlen(mime);
    (void)ctx;
    for (size_t i = 0; i < size; i++)
        s += d[i];
    sink_sum += s;
    return 0;
}

#endif
