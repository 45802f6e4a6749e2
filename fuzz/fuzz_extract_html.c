/* libFuzzer target for the HTML extractor (and, through detection by content, whatever
 * the bytes turn out to be). Each input is extracted from memory under a file name that
 * says HTML; the sink reads every byte it is given, so that the sanitizers see text and
 * metadata that point outside their buffers or are not terminated. */
#include "fuzz_doc_sink.h"

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
