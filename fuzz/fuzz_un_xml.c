/* libFuzzer target for the UN Security Council consolidated XML loader: the input is loaded from a temporary
 * file into a sink that only counts entities, so any crash, leak or undefined behaviour in
 * the XML handling shows without a store. */
#include "fuzz_list_sink.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_run_loader(data, size, pb__load_un_xml);
}
