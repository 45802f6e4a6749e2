/* libFuzzer target for the HTML extractor (and, through detection by content, whatever
 * the bytes turn out to be). Each input is extracted from memory under a file name that
 * says HTML; the sink reads every byte it is given, so that the sanitizers see text and
 * metadata that point outside their buffers or are not terminated. */
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pb_doc_sink sink = {f_meta, f_text, f_child, NULL};
    struct pb_extract_limits lim = PB_EXTRACT_LIMITS_DEFAULT;
    struct probity_error err;
    lim.max_seconds = 10;
    lim.max_expanded_bytes = 16 << 20;
    memset(&err, 0, sizeof(err));
    pb_extract_buffer("fuzz.html", data, size, NULL, &lim, &sink, &err);
    return 0;
}
